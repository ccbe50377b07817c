//! Format version 1: the serde structs of the file and their conversion to and from the model.

use std::collections::BTreeMap;

use infra_core::{Address, InstanceKey, Mode, PlainJson, ResourceId, Value};
use serde::{Deserialize, Serialize};

use crate::error::StateError;
use crate::model::{OutputState, PendingCreate, ResourceState, State};

/// `R` is how resources are held: read into [`ResourceFile`]s, written from views of the model
/// (their attributes are not copied into a JSON tree first).
#[derive(Serialize, Deserialize)]
#[serde(bound(serialize = "R: Serialize", deserialize = "R: Deserialize<'de>"))]
struct StateFile<R = ResourceFile> {
    format_version: u64,
    #[serde(default)]
    infra_version: String,
    serial: u64,
    lineage: String,
    #[serde(default)]
    outputs: BTreeMap<String, OutputFile>,
    #[serde(default)]
    resources: Vec<R>,
    #[serde(default)]
    deployments: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    pending: Vec<PendingFile>,
}

#[derive(Serialize, Deserialize)]
struct OutputFile {
    value: serde_json::Value,
    #[serde(default)]
    sensitive: bool,
    /// The value's sensitive marks as paths (`""` for the whole value), when there are any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    sensitive_attributes: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct ResourceFile<A = serde_json::Value> {
    /// For people and tools reading the file; the parts below are authoritative.
    #[serde(default)]
    address: String,
    /// `module.net`; absent at the root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    module: Option<String>,
    mode: String,
    #[serde(rename = "type")]
    resource_type: String,
    name: String,
    /// A number for `count`, a string for `for_each`; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    index_key: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(default)]
    attributes: A,
    #[serde(default)]
    sensitive_attributes: Vec<String>,
    #[serde(default)]
    dependencies: Vec<String>,
    #[serde(default)]
    create_before_destroy: bool,
    /// The provider configuration, when not the type's default (`aws.west`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    provider: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct PendingFile {
    address: String,
    #[serde(rename = "type")]
    resource_type: String,
    #[serde(default)]
    planned: serde_json::Value,
    #[serde(default)]
    planned_unknown: serde_json::Value,
    #[serde(default)]
    planned_sensitive: serde_json::Value,
    #[serde(default)]
    started_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    provider: Option<String>,
}

pub(super) fn encode(state: &State) -> Vec<u8> {
    let mut resources: Vec<(&Address, &ResourceState)> = state.resources.iter().collect();
    resources.sort_by_cached_key(|(address, _)| terraform_sort_key(address));
    let file = StateFile {
        format_version: 1,
        infra_version: env!("CARGO_PKG_VERSION").to_string(),
        serial: state.serial,
        lineage: state.lineage.clone(),
        outputs: state
            .outputs
            .iter()
            .map(|(name, output)| {
                let file = OutputFile {
                    value: output.value.to_json(),
                    sensitive: output.sensitive,
                    sensitive_attributes: output.value.sensitive_paths(),
                };
                (name.clone(), file)
            })
            .collect(),
        resources: resources
            .into_iter()
            .map(|(address, resource)| encode_resource(address, resource))
            .collect(),
        deployments: state.deployments.clone(),
        pending: state
            .pending
            .iter()
            .map(|(address, pending)| {
                let (planned, planned_unknown, planned_sensitive) = pending.planned.to_json_parts();
                PendingFile {
                    address: address.to_string(),
                    resource_type: pending.resource_type.clone(),
                    planned,
                    planned_unknown,
                    planned_sensitive,
                    started_at: pending.started_at.clone(),
                    provider: pending.provider.clone(),
                }
            })
            .collect(),
    };
    // Plain data with string keys always serializes.
    let mut bytes = serde_json::to_vec_pretty(&file).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// Terraform's order: module path, then mode (`data` before `managed`, as strings), type,
/// name, then instance key (none, then numbers ascending, then strings).
fn terraform_sort_key(
    address: &Address,
) -> (String, &'static str, String, String, Option<InstanceKey>) {
    let resource = &address.resource;
    (
        resource.module_address(),
        mode_name(resource.mode),
        resource.resource_type.clone(),
        resource.name.clone(),
        address.key.clone(),
    )
}

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Managed => "managed",
        Mode::Data => "data",
    }
}

fn encode_resource<'a>(
    address: &Address,
    resource: &'a ResourceState,
) -> ResourceFile<PlainJson<'a>> {
    let module = address.resource.module_address();
    ResourceFile {
        address: address.to_string(),
        module: (!module.is_empty()).then_some(module),
        mode: mode_name(address.resource.mode).to_string(),
        resource_type: address.resource.resource_type.clone(),
        name: address.resource.name.clone(),
        index_key: address.key.as_ref().map(|key| match key {
            InstanceKey::Index(index) => serde_json::Value::from(*index),
            InstanceKey::Key(key) => serde_json::Value::from(key.as_str()),
        }),
        id: resource.id().map(str::to_string),
        attributes: PlainJson(&resource.value),
        sensitive_attributes: resource.value.sensitive_paths(),
        dependencies: resource
            .dependencies
            .iter()
            .map(Address::to_string)
            .collect(),
        create_before_destroy: resource.create_before_destroy,
        provider: resource.provider.clone(),
    }
}

pub(super) fn decode(bytes: &[u8], path: &str) -> Result<State, StateError> {
    let corrupt = |detail: String| StateError::Corrupt {
        path: path.to_string(),
        detail,
    };
    let file: StateFile = serde_json::from_slice(bytes).map_err(|error| {
        corrupt(format!(
            "does not match state format version 1: {}",
            super::json_error(&error)
        ))
    })?;
    let mut state = State {
        lineage: file.lineage,
        serial: file.serial,
        resources: BTreeMap::new(),
        outputs: BTreeMap::new(),
        deployments: file.deployments,
        pending: BTreeMap::new(),
    };
    for (name, output) in file.outputs {
        let value = Value::from_json(&output.value).mark_paths(&output.sensitive_attributes);
        state.outputs.insert(
            name,
            OutputState {
                value,
                sensitive: output.sensitive,
            },
        );
    }
    for (position, resource) in file.resources.into_iter().enumerate() {
        let address = decode_address(&resource).map_err(|detail| {
            corrupt(format!(
                "has an invalid resource entry #{} (`{}`): {detail}",
                position + 1,
                resource.address
            ))
        })?;
        let mut dependencies = Vec::with_capacity(resource.dependencies.len());
        for dependency in &resource.dependencies {
            let parsed: Address = dependency.parse().map_err(|_| {
                corrupt(format!(
                    "has an invalid dependency `{dependency}` in resource `{address}`"
                ))
            })?;
            dependencies.push(parsed);
        }
        dependencies.sort();
        dependencies.dedup();
        let value =
            Value::from_json(&resource.attributes).mark_paths(&resource.sensitive_attributes);
        let entry = ResourceState {
            resource_type: resource.resource_type,
            value,
            dependencies,
            create_before_destroy: resource.create_before_destroy,
            provider: resource.provider,
        };
        if state.resources.insert(address.clone(), entry).is_some() {
            return Err(corrupt(format!("lists resource `{address}` twice")));
        }
    }
    for pending in file.pending {
        let address: Address = pending.address.parse().map_err(|_| {
            corrupt(format!(
                "has a pending create with an invalid address `{}`",
                pending.address
            ))
        })?;
        let planned = Value::from_json_parts(
            &pending.planned,
            &pending.planned_unknown,
            &pending.planned_sensitive,
        );
        state.pending.insert(
            address,
            PendingCreate {
                resource_type: pending.resource_type,
                planned,
                started_at: pending.started_at,
                provider: pending.provider,
            },
        );
    }
    Ok(state)
}

/// The address from the entry's parts (not its `address` string, which is for readers).
fn decode_address(resource: &ResourceFile) -> Result<Address, String> {
    let module = match &resource.module {
        None => vec![],
        Some(text) if text.is_empty() => vec![],
        Some(text) => parse_module(text).ok_or_else(|| format!("invalid module path `{text}`"))?,
    };
    let mode = match resource.mode.as_str() {
        "managed" => Mode::Managed,
        "data" => Mode::Data,
        other => return Err(format!("mode `{other}` is neither `managed` nor `data`")),
    };
    if resource.resource_type.is_empty() || resource.name.is_empty() {
        return Err("empty type or name".to_string());
    }
    let key = match &resource.index_key {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(key)) => Some(InstanceKey::Key(key.clone())),
        Some(number @ serde_json::Value::Number(_)) => match number.as_i64() {
            Some(index) => Some(InstanceKey::Index(index)),
            None => return Err(format!("index_key {number} is not a whole number")),
        },
        Some(other) => {
            return Err(format!(
                "index_key {other} is neither a number nor a string"
            ))
        }
    };
    Ok(Address {
        resource: ResourceId {
            module,
            mode,
            resource_type: resource.resource_type.clone(),
            name: resource.name.clone(),
        },
        key,
    })
}

/// `module.a.module.b["x.y"]` → `["a", "b[\"x.y\"]"]`: splits on dots outside brackets and
/// quotes, so module instance keys survive.
fn parse_module(text: &str) -> Option<Vec<String>> {
    let mut modules = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.strip_prefix("module.")?;
        let mut end = rest.len();
        let mut depth = 0usize;
        let mut in_quote = false;
        let mut escaped = false;
        for (index, c) in rest.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' if in_quote => escaped = true,
                '"' => in_quote = !in_quote,
                '[' if !in_quote => depth += 1,
                ']' if !in_quote => depth = depth.checked_sub(1)?,
                '.' if !in_quote && depth == 0 => {
                    end = index;
                    break;
                }
                _ => {}
            }
        }
        let name = &rest[..end];
        if name.is_empty() {
            return None;
        }
        modules.push(name.to_string());
        rest = &rest[end..];
        if rest.is_empty() {
            return Some(modules);
        }
        rest = rest.strip_prefix('.')?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_paths() {
        assert_eq!(parse_module("module.net"), Some(vec!["net".to_string()]));
        assert_eq!(
            parse_module("module.a.module.b[\"x.y\"]"),
            Some(vec!["a".to_string(), "b[\"x.y\"]".to_string()])
        );
        assert_eq!(parse_module("module."), None);
        assert_eq!(parse_module("net"), None);
        assert_eq!(parse_module("module.a."), None);
    }
}
