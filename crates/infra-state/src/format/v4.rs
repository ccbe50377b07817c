//! Terraform's state format, version 4: the file Terraform 1.x and OpenTofu read and write
//! (`internal/states/statefile/version4.go` in hashicorp/terraform), field for field.
//!
//! What only infra needs (the pending-create journal and the blue/green deployment records)
//! sits under one extra top-level key, `infra`, which Terraform's and OpenTofu's readers skip
//! (Go's JSON decoder ignores unknown keys) and drop when they rewrite the file. Nothing in
//! that key is needed to read the v4 meaning, and infra works when it is gone.
//!
//! Conversions between the file and the model:
//! - `sensitive_attributes` are Terraform's path-step lists (`[{"type":"get_attr",
//!   "value":"password"}]`); a map key (an `index` step with a string) reads as an attribute
//!   step, since the model does not tell maps from objects, and is written back as one.
//! - A sensitive output is wholly sensitive, as Terraform records it; an output with
//!   sensitive parts is written `sensitive: true`.
//! - An output's `type` is inferred from its value (objects, tuples and primitives), which is
//!   what `terraform_remote_state` needs to read it back.
//! - Deposed objects (what a `create_before_destroy` replacement set aside and did not delete)
//!   are the instance's entries with a `deposed` key, after its current object.
//! - Terraform 0.11's flat attributes are refused with a message saying what to do.

use std::collections::BTreeMap;

use infra_core::address::config_resources;
use infra_core::{
    Address, CheckResult, CheckStatus, CheckableKind, CheckedObject, InstanceKey, PlainJson, Value,
};
use serde::{Deserialize, Serialize};

use super::v1::PendingFile;
use super::{address_from_parts, mode_name, terraform_sort_key};
use crate::error::StateError;
use crate::model::{OutputState, PendingCreate, ResourceState, State};

/// The `terraform_version` infra writes. Terraform 1.x reads a v4 state whatever version wrote
/// it (its reader checks only `version: 4`); Terraform 0.12–0.14 refuse a state from a newer
/// version than themselves. 1.12.0 is the first release that writes `identity_schema_version`,
/// which infra writes too, and nothing in the file is newer than it.
pub const TERRAFORM_VERSION: &str = "1.12.0";

#[derive(Serialize, Deserialize)]
#[serde(bound(serialize = "R: Serialize", deserialize = "R: Deserialize<'de>"))]
struct StateFile<R = ResourceFile> {
    version: u64,
    #[serde(default)]
    terraform_version: String,
    #[serde(default)]
    serial: u64,
    #[serde(default)]
    lineage: String,
    #[serde(default)]
    outputs: BTreeMap<String, OutputFile>,
    #[serde(default)]
    resources: Vec<R>,
    /// Each checkable object's status as the last apply left it; null when there are none, as
    /// Terraform writes it.
    #[serde(default)]
    check_results: Option<Vec<CheckResultFile>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    infra: Option<InfraRecords>,
}

/// infra's own records, where Terraform and OpenTofu ignore them.
#[derive(Serialize, Deserialize, Default)]
struct InfraRecords {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    deployments: BTreeMap<String, serde_json::Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pending: Vec<PendingFile>,
}

#[derive(Serialize, Deserialize)]
struct CheckResultFile {
    object_kind: String,
    config_addr: String,
    status: String,
    /// Null when there are none (instances never reported, or none at all).
    #[serde(default)]
    objects: Option<Vec<CheckedObjectFile>>,
}

#[derive(Serialize, Deserialize)]
struct CheckedObjectFile {
    object_addr: String,
    status: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    failure_messages: Vec<String>,
}

impl CheckResultFile {
    fn of(result: &CheckResult) -> CheckResultFile {
        CheckResultFile {
            object_kind: result.kind.as_str().to_string(),
            config_addr: result.config_address.clone(),
            status: result.status.as_str().to_string(),
            // Terraform writes null when there are no objects.
            objects: (!result.objects.is_empty()).then(|| {
                result
                    .objects
                    .iter()
                    .map(|object| CheckedObjectFile {
                        object_addr: object.address.clone(),
                        status: object.status.as_str().to_string(),
                        failure_messages: object.failure_messages.clone(),
                    })
                    .collect()
            }),
        }
    }

    /// The result in the model; `None` for an object kind a newer Terraform added, which is
    /// skipped as Terraform's reader skips it.
    fn decode(self) -> Option<CheckResult> {
        Some(CheckResult {
            kind: CheckableKind::parse(&self.object_kind)?,
            config_address: self.config_addr,
            status: CheckStatus::parse(&self.status),
            objects: self
                .objects
                .unwrap_or_default()
                .into_iter()
                .map(|object| CheckedObject {
                    address: object.object_addr,
                    status: CheckStatus::parse(&object.status),
                    failure_messages: object.failure_messages,
                })
                .collect(),
        })
    }
}

#[derive(Serialize, Deserialize)]
struct OutputFile {
    value: serde_json::Value,
    #[serde(rename = "type", default)]
    value_type: serde_json::Value,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    sensitive: bool,
}

#[derive(Serialize, Deserialize)]
#[serde(bound(serialize = "I: Serialize", deserialize = "I: Deserialize<'de>"))]
struct ResourceFile<I = InstanceFile> {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    module: String,
    mode: String,
    #[serde(rename = "type")]
    resource_type: String,
    name: String,
    /// `list` for `count`, `map` for `for_each`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    each: Option<String>,
    provider: String,
    #[serde(default)]
    instances: Vec<I>,
}

#[derive(Serialize, Deserialize)]
#[serde(bound(serialize = "A: Serialize", deserialize = "A: Deserialize<'de>"))]
struct InstanceFile<A = serde_json::Value> {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    index_key: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    deposed: Option<String>,
    #[serde(default)]
    schema_version: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    attributes: Option<A>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    attributes_flat: Option<serde_json::Value>,
    #[serde(default)]
    sensitive_attributes: Option<Vec<Vec<PathStepFile>>>,
    #[serde(default)]
    identity_schema_version: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    identity: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    private: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    dependencies: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    create_before_destroy: bool,
}

/// One step of a sensitive path: `{"type":"get_attr","value":"name"}`, or
/// `{"type":"index","value":{"value":0,"type":"number"}}` (a key as cty's JSON of a dynamic
/// value).
#[derive(Serialize, Deserialize)]
struct PathStepFile {
    #[serde(rename = "type")]
    kind: String,
    value: serde_json::Value,
}

pub(super) fn encode(state: &State) -> Vec<u8> {
    // Each instance's current object, then its deposed ones by key, as Terraform orders them.
    let mut instances: Vec<(&Address, Option<&str>, &ResourceState)> = state
        .resources
        .iter()
        .map(|(address, resource)| (address, None, resource))
        .chain(state.deposed.iter().flat_map(|(address, objects)| {
            objects.iter().map(move |(key, resource)| (address, Some(key.as_str()), resource))
        }))
        .collect();
    instances.sort_by_cached_key(|(address, deposed, _)| {
        (terraform_sort_key(address), deposed.map(str::to_string))
    });
    let mut resources: Vec<ResourceFile<InstanceFile<Attributes>>> = Vec::new();
    for (address, deposed, resource) in instances {
        let id = &address.resource;
        let same_resource = resources.last().is_some_and(|last| {
            last.name == id.name
                && last.resource_type == id.resource_type
                && last.mode == mode_name(id.mode)
                && last.module == id.module_address()
        });
        if !same_resource {
            resources.push(ResourceFile {
                module: id.module_address(),
                mode: mode_name(id.mode).to_string(),
                resource_type: id.resource_type.clone(),
                name: id.name.clone(),
                each: address.key.as_ref().map(|key| match key {
                    InstanceKey::Index(_) => "list".to_string(),
                    InstanceKey::Key(_) => "map".to_string(),
                }),
                provider: provider_address(resource.provider.as_deref(), &id.resource_type),
                instances: Vec::new(),
            });
        }
        let file = resources.last_mut().expect("pushed above");
        let mut instance = encode_instance(address, resource);
        instance.deposed = deposed.map(str::to_string);
        file.instances.push(instance);
    }
    let infra = InfraRecords {
        deployments: state.deployments.clone(),
        pending: state
            .pending
            .iter()
            .map(|(address, pending)| PendingFile::of(address, pending))
            .collect(),
    };
    let file = StateFile {
        version: 4,
        terraform_version: TERRAFORM_VERSION.to_string(),
        serial: state.serial,
        lineage: state.lineage.clone(),
        outputs: state
            .outputs
            .iter()
            .map(|(name, output)| {
                let file = OutputFile {
                    value: output.value.to_json(),
                    value_type: cty_type(&output.value),
                    sensitive: output.sensitive || !output.value.sensitive_paths().is_empty(),
                };
                (name.clone(), file)
            })
            .collect(),
        resources,
        check_results: (!state.check_results.is_empty())
            .then(|| state.check_results.iter().map(CheckResultFile::of).collect()),
        infra: (!infra.deployments.is_empty() || !infra.pending.is_empty()).then_some(infra),
    };
    // Plain data with string keys always serializes.
    let mut bytes = serde_json::to_vec_pretty(&file).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// An instance's attributes as the file holds them: plain JSON, with the dynamic-typed ones in
/// cty's wrapped form.
struct Attributes<'a>(&'a ResourceState);

impl Serialize for Attributes<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let resource = self.0;
        let Some(entries) =
            resource.value.as_map().filter(|_| !resource.dynamic_attributes.is_empty())
        else {
            return PlainJson(&resource.value).serialize(serializer);
        };
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(entries.len()))?;
        for (name, value) in entries {
            if resource.dynamic_attributes.contains(name) && !value.is_null() {
                let wrapped = serde_json::json!({
                    "value": value.to_json(),
                    "type": cty_type(value),
                });
                map.serialize_entry(name, &wrapped)?;
            } else {
                map.serialize_entry(name, &PlainJson(value))?;
            }
        }
        map.end()
    }
}

/// The value of a dynamic-typed attribute as the file holds it, unwrapped: `{"value": v,
/// "type": t}` → `v`, keeping a sensitive mark (`sensitive_attributes` names the attribute);
/// anything else as it is.
pub fn unwrap_dynamic(value: Value) -> Value {
    match value {
        Value::Sensitive(inner) => unwrap_dynamic(*inner).mark_sensitive(),
        Value::Map(mut entries)
            if entries.len() == 2
                && entries.contains_key("value")
                && entries.contains_key("type") =>
        {
            entries.remove("value").unwrap_or_default()
        }
        other => other,
    }
}

fn encode_instance<'a>(
    address: &Address,
    resource: &'a ResourceState,
) -> InstanceFile<Attributes<'a>> {
    InstanceFile {
        index_key: address.key.as_ref().map(|key| match key {
            InstanceKey::Index(index) => serde_json::Value::from(*index),
            InstanceKey::Key(key) => serde_json::Value::from(key.as_str()),
        }),
        status: resource.tainted.then(|| "tainted".to_string()),
        deposed: None,
        schema_version: resource.schema_version,
        attributes: Some(Attributes(resource)),
        attributes_flat: None,
        sensitive_attributes: Some(
            resource.value.sensitive_paths().iter().map(|path| encode_path(path)).collect(),
        ),
        identity_schema_version: resource.identity.as_ref().map_or(0, |(version, _)| *version),
        identity: resource.identity.as_ref().map(|(_, identity)| identity.clone()),
        private: resource.private.clone(),
        dependencies: config_resources(&resource.dependencies),
        create_before_destroy: resource.create_before_destroy,
    }
}

pub(super) fn decode(bytes: &[u8], path: &str) -> Result<State, StateError> {
    let corrupt = |detail: String| StateError::Corrupt { path: path.to_string(), detail };
    let file: StateFile = super::parse_file(bytes, path, "Terraform's state format version 4")?;
    let infra = file.infra.unwrap_or_default();
    let mut state = State {
        lineage: file.lineage,
        serial: file.serial,
        resources: BTreeMap::new(),
        outputs: BTreeMap::new(),
        deployments: infra.deployments,
        pending: BTreeMap::new(),
        deposed: BTreeMap::new(),
        check_results: file
            .check_results
            .unwrap_or_default()
            .into_iter()
            .filter_map(CheckResultFile::decode)
            .collect(),
    };
    if state.lineage.is_empty() {
        return Err(corrupt("has no lineage".to_string()));
    }
    for (name, output) in file.outputs {
        let value = Value::from_json(&output.value);
        let value = if output.sensitive { value.mark_sensitive() } else { value };
        state.outputs.insert(name, OutputState { value, sensitive: output.sensitive });
    }
    for resource in file.resources {
        let provider = parse_provider(&resource.provider).map_err(|detail| {
            corrupt(format!(
                "has resource `{}.{}` with an invalid provider `{}`: {detail}",
                resource.resource_type, resource.name, resource.provider
            ))
        })?;
        for instance in resource.instances {
            let address = address_from_parts(
                Some(resource.module.as_str()),
                &resource.mode,
                &resource.resource_type,
                &resource.name,
                instance.index_key.as_ref(),
            )
            .map_err(|detail| {
                corrupt(format!(
                    "has an invalid resource entry `{}.{}`: {detail}",
                    resource.resource_type, resource.name
                ))
            })?;
            let deposed = instance.deposed.clone();
            let entry = decode_instance(&address, &resource.resource_type, &provider, instance)
                .map_err(corrupt)?;
            if let Some(key) = deposed {
                let objects = state.deposed.entry(address.clone()).or_default();
                if objects.insert(key.clone(), entry).is_some() {
                    return Err(corrupt(format!(
                        "lists deposed object {key} of `{address}` twice"
                    )));
                }
                continue;
            }
            if state.resources.insert(address.clone(), entry).is_some() {
                return Err(corrupt(format!("lists resource instance `{address}` twice")));
            }
        }
    }
    for pending in infra.pending {
        let (address, pending) = pending.decode().map_err(corrupt)?;
        state.pending.insert(address, pending);
    }
    Ok(state)
}

fn decode_instance(
    address: &Address,
    resource_type: &str,
    provider: &Option<String>,
    instance: InstanceFile,
) -> Result<ResourceState, String> {
    if let Some(deposed) = &instance.deposed {
        if deposed.is_empty() || address.resource.mode != infra_core::Mode::Managed {
            return Err(format!("has `{address}` with an invalid deposed key `{deposed}`"));
        }
    }
    if instance.attributes.is_none() && instance.attributes_flat.is_some() {
        return Err(format!(
            "holds `{address}` in Terraform 0.11's flat attribute format; run `terraform \
             apply` once with Terraform 0.12 or newer to upgrade the state, then use infra"
        ));
    }
    let status = instance.status.as_deref().unwrap_or("");
    if !matches!(status, "" | "tainted") {
        return Err(format!("has `{address}` with an invalid status `{status}`"));
    }
    let dependencies = super::parse_dependencies(&instance.dependencies, address)?;
    let paths: Vec<String> = instance
        .sensitive_attributes
        .unwrap_or_default()
        .iter()
        .map(|steps| decode_path(steps))
        .collect::<Result<_, _>>()
        .map_err(|detail| format!("has an invalid sensitive path in `{address}`: {detail}"))?;
    let attributes =
        instance.attributes.unwrap_or_else(|| serde_json::Value::Object(Default::default()));
    Ok(ResourceState {
        resource_type: resource_type.to_string(),
        value: Value::from_json(&attributes).mark_paths(&paths),
        dependencies,
        create_before_destroy: instance.create_before_destroy,
        provider: provider.clone(),
        schema_version: instance.schema_version,
        tainted: status == "tainted",
        private: instance.private,
        identity: instance
            .identity
            .filter(|identity| !identity.is_null())
            .map(|identity| (instance.identity_schema_version, identity)),
        // Known from the type's schema only: set when the state is upgraded.
        dynamic_attributes: Vec::new(),
    })
}

/// Terraform's absolute provider configuration address for a resource managed by the root
/// provider configuration `configuration` (`aws.west`), or by its type's default:
/// `provider["registry.terraform.io/hashicorp/aws"].west`.
pub fn provider_address(configuration: Option<&str>, resource_type: &str) -> String {
    let configuration =
        configuration.unwrap_or_else(|| infra_core::resource::provider_name(resource_type));
    let (local_name, alias) = match configuration.split_once('.') {
        Some((name, alias)) => (name, Some(alias)),
        None => (configuration, None),
    };
    let source = if local_name == "terraform" {
        "terraform.io/builtin/terraform".to_string()
    } else {
        format!("registry.terraform.io/hashicorp/{local_name}")
    };
    match alias {
        Some(alias) => format!("provider[\"{source}\"].{alias}"),
        None => format!("provider[\"{source}\"]"),
    }
}

/// The configuration a state's provider address names, in the model's terms: `None` for a
/// default configuration, `aws.west` for an alias. Reads Terraform 0.13+'s
/// `provider["registry.terraform.io/hashicorp/aws"].west` and 0.12's `provider.aws.west`,
/// each possibly after a module path (a provider configured inside a module, which infra
/// manages through the root configuration of the same name).
pub fn parse_provider(text: &str) -> Result<Option<String>, String> {
    let start = text
        .find("provider[")
        .or_else(|| text.find("provider."))
        .filter(|start| *start == 0 || text[..*start].ends_with('.'))
        .ok_or("expected `provider[\"SOURCE\"]` or `provider.NAME`")?;
    let rest = &text[start + "provider".len()..];
    let (source, alias) = if let Some(quoted) = rest.strip_prefix("[\"") {
        let (source, after) = quoted.split_once("\"]").ok_or("unterminated provider source")?;
        let alias = match after {
            "" => None,
            other => Some(other.strip_prefix('.').ok_or("expected `.ALIAS`")?),
        };
        (source, alias)
    } else {
        let rest = rest.strip_prefix('.').ok_or("expected `provider.NAME`")?;
        match rest.split_once('.') {
            Some((name, alias)) => (name, Some(alias)),
            None => (rest, None),
        }
    };
    let local_name = source.rsplit('/').next().unwrap_or(source);
    if local_name.is_empty() || alias.is_some_and(str::is_empty) {
        return Err("empty provider name or alias".to_string());
    }
    Ok(alias.map(|alias| format!("{local_name}.{alias}")))
}

/// `ingress[0].cidr_blocks` → Terraform's path steps.
fn encode_path(path: &str) -> Vec<PathStepFile> {
    infra_core::path::parse_path(path)
        .into_iter()
        .map(|step| match step {
            infra_core::path::PathStep::Attr(name) => PathStepFile {
                kind: "get_attr".to_string(),
                value: serde_json::Value::String(name),
            },
            infra_core::path::PathStep::Index(index) => PathStepFile {
                kind: "index".to_string(),
                value: serde_json::json!({ "value": index, "type": "number" }),
            },
        })
        .collect()
}

/// Terraform's path steps → `ingress[0].cidr_blocks`.
fn decode_path(steps: &[PathStepFile]) -> Result<String, String> {
    use infra_core::path::PathStep;
    let mut out = Vec::with_capacity(steps.len());
    for step in steps {
        let parsed = match (step.kind.as_str(), &step.value) {
            ("get_attr", serde_json::Value::String(name)) => PathStep::Attr(name.clone()),
            ("index", key) => match key.get("value").unwrap_or(key) {
                serde_json::Value::String(name) => PathStep::Attr(name.clone()),
                serde_json::Value::Number(number) => PathStep::Index(
                    number
                        .as_u64()
                        .ok_or_else(|| format!("index {number} is not a whole number"))?
                        as usize,
                ),
                other => return Err(format!("unsupported index key {other}")),
            },
            (kind, _) => return Err(format!("unsupported path step `{kind}`")),
        };
        out.push(parsed);
    }
    Ok(infra_core::path::format_path(&out))
}

/// The cty type of a value, in the JSON form a v4 output's `type` holds: objects for maps,
/// tuples for lists, `string` for null (a null of any type reads back as null).
fn cty_type(value: &Value) -> serde_json::Value {
    use serde_json::json;
    match value {
        Value::Sensitive(inner) => cty_type(inner),
        Value::Bool(_) => json!("bool"),
        Value::Number(_) => json!("number"),
        Value::String(_) | Value::Null | Value::Unknown => json!("string"),
        Value::List(items) => json!(["tuple", items.iter().map(cty_type).collect::<Vec<_>>()]),
        Value::Map(entries) => json!([
            "object",
            entries
                .iter()
                .map(|(key, value)| (key.clone(), cty_type(value)))
                .collect::<serde_json::Map<_, _>>()
        ]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_addresses() {
        assert_eq!(
            provider_address(None, "aws_vpc"),
            "provider[\"registry.terraform.io/hashicorp/aws\"]"
        );
        assert_eq!(
            provider_address(Some("aws.west"), "aws_vpc"),
            "provider[\"registry.terraform.io/hashicorp/aws\"].west"
        );
        assert_eq!(
            provider_address(None, "terraform_data"),
            "provider[\"terraform.io/builtin/terraform\"]"
        );
        assert_eq!(
            provider_address(None, "random_id"),
            "provider[\"registry.terraform.io/hashicorp/random\"]"
        );
        for (text, expected) in [
            ("provider[\"registry.terraform.io/hashicorp/aws\"]", None),
            ("provider[\"registry.terraform.io/hashicorp/aws\"].west", Some("aws.west")),
            ("module.net.provider[\"registry.terraform.io/hashicorp/aws\"]", None),
            ("provider.aws", None),
            ("provider.aws.east", Some("aws.east")),
            ("provider[\"terraform.io/builtin/terraform\"]", None),
        ] {
            assert_eq!(parse_provider(text), Ok(expected.map(str::to_string)), "{text}");
        }
        assert!(parse_provider("aws").is_err());
        assert!(parse_provider("provider[\"registry.terraform.io/hashicorp/aws").is_err());
    }

    #[test]
    fn sensitive_paths_round_trip() {
        for path in ["password", "ingress[0].cidr_blocks", "tags.Secret"] {
            let steps = encode_path(path);
            assert_eq!(decode_path(&steps).unwrap(), path);
        }
        let steps: Vec<PathStepFile> = serde_json::from_str(
            r#"[{"type":"get_attr","value":"tags"},{"type":"index","value":{"value":"k","type":"string"}}]"#,
        )
        .unwrap();
        assert_eq!(decode_path(&steps).unwrap(), "tags.k");
        let json = serde_json::to_value(encode_path("a[2]")).unwrap();
        assert_eq!(
            json,
            serde_json::json!([
                {"type": "get_attr", "value": "a"},
                {"type": "index", "value": {"value": 2, "type": "number"}}
            ])
        );
    }

    #[test]
    fn dependencies_are_configuration_resources() {
        let addresses: Vec<Address> = [
            "aws_subnet.private[0]",
            "aws_subnet.private[1]",
            "module.net[\"a\"].aws_vpc.main",
            "data.aws_region.current",
        ]
        .iter()
        .map(|text| text.parse().unwrap())
        .collect();
        assert_eq!(
            config_resources(&addresses),
            vec!["aws_subnet.private", "data.aws_region.current", "module.net.aws_vpc.main"]
        );
    }

    #[test]
    fn output_types() {
        let value = Value::map([
            ("a", Value::List(vec![Value::string("x"), Value::Number(1.0)])),
            ("b", Value::Bool(true)),
        ]);
        assert_eq!(
            cty_type(&value),
            serde_json::json!(["object", {"a": ["tuple", ["string", "number"]], "b": "bool"}])
        );
    }
}

/// What one journal line records for one address ([`crate::journal`]): its object, its pending
/// create and its blue/green deployment record (an absent one was removed), at a serial of a
/// lineage.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectRecord {
    pub address: Address,
    pub lineage: String,
    pub serial: u64,
    /// The serial of the state file the journal extends (`Some(None)`: there was no file);
    /// `None` in a line written before infra recorded it.
    pub base: Option<Option<u64>>,
    pub object: Option<ResourceState>,
    pub pending: Option<PendingCreate>,
    pub deployment: Option<serde_json::Value>,
}

/// A journal line as the file holds it: the object in the v4 instance layout, without the
/// whole-state wrapper around it (version, outputs, the resource's name parts), so that a line
/// costs little more than the object's own attributes.
#[derive(Serialize, Deserialize)]
#[serde(bound(serialize = "I: Serialize", deserialize = "I: Deserialize<'de>"))]
struct ObjectRecordFile<I = InstanceFile> {
    address: String,
    lineage: String,
    serial: u64,
    /// The serial of the state file this journal extends, `null` when there was none
    /// ([`crate::journal`]: a file written since by another tool makes the line stale).
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    base: Option<Option<u64>>,
    /// The object's provider configuration (`aws.west`; absent for the type's default). Its
    /// type is the address's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    provider: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    object: Option<I>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pending: Option<PendingFile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    deployment: Option<serde_json::Value>,
}

/// A field that is present, even as `null`, is `Some`.
fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<u64>>, D::Error> {
    Option::<u64>::deserialize(deserializer).map(Some)
}

/// The journal line (compact JSON, no newline) of `address` in `state`, extending the state
/// file of serial `base` (`None`: no file).
pub fn encode_record(state: &State, address: &Address, base: Option<u64>) -> Vec<u8> {
    let object = state.resources.get(address);
    let file = ObjectRecordFile {
        address: address.to_string(),
        lineage: state.lineage.clone(),
        serial: state.serial,
        base: Some(base),
        provider: object.and_then(|object| object.provider.clone()),
        object: object.map(|object| encode_instance(address, object)),
        pending: state.pending.get(address).map(|pending| {
            let mut file = PendingFile::of(address, pending);
            file.address.clear();
            file.resource_type.clear();
            file
        }),
        deployment: state.deployments.get(&address.to_string()).cloned(),
    };
    // Plain data with string keys always serializes.
    serde_json::to_vec(&file).unwrap_or_default()
}

/// A journal line's record; the error says what is wrong with it.
pub fn decode_record(line: &[u8]) -> Result<ObjectRecord, String> {
    let file: ObjectRecordFile = serde_json::from_slice(line).map_err(|e| e.to_string())?;
    let address: Address =
        file.address.parse().map_err(|_| format!("has an invalid address `{}`", file.address))?;
    let object = file
        .object
        .map(|instance| {
            let resource_type = address.resource.resource_type.clone();
            decode_instance(&address, &resource_type, &file.provider, instance)
        })
        .transpose()?;
    let pending = file
        .pending
        .map(|mut pending| {
            pending.address = file.address.clone();
            pending.resource_type = address.resource.resource_type.clone();
            pending.decode().map(|(_, pending)| pending)
        })
        .transpose()?;
    Ok(ObjectRecord {
        address,
        lineage: file.lineage,
        serial: file.serial,
        base: file.base,
        object,
        pending,
        deployment: file.deployment,
    })
}
