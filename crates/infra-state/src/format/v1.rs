//! infra's own format version 1, which infra wrote before it wrote Terraform's v4: read only,
//! so `infra init -migrate-state` (and a state in S3 that infra wrote) can move to v4.

use std::collections::BTreeMap;

use infra_core::{Address, Value};
use serde::{Deserialize, Serialize};

use super::address_from_parts;
use crate::error::StateError;
use crate::model::{OutputState, PendingCreate, ResourceState, State};

#[derive(Deserialize)]
struct StateFile {
    serial: u64,
    lineage: String,
    #[serde(default)]
    outputs: BTreeMap<String, OutputFile>,
    #[serde(default)]
    resources: Vec<ResourceFile>,
    #[serde(default)]
    deployments: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    pending: Vec<PendingFile>,
}

#[derive(Deserialize)]
struct OutputFile {
    value: serde_json::Value,
    #[serde(default)]
    sensitive: bool,
    /// The value's sensitive marks as paths (`""` for the whole value), when there are any.
    #[serde(default)]
    sensitive_attributes: Vec<String>,
}

#[derive(Deserialize)]
struct ResourceFile {
    /// For people and tools reading the file; the parts below are authoritative.
    #[serde(default)]
    address: String,
    /// `module.net`; absent at the root.
    #[serde(default)]
    module: Option<String>,
    mode: String,
    #[serde(rename = "type")]
    resource_type: String,
    name: String,
    /// A number for `count`, a string for `for_each`; absent otherwise.
    #[serde(default)]
    index_key: Option<serde_json::Value>,
    #[serde(default)]
    attributes: serde_json::Value,
    #[serde(default)]
    sensitive_attributes: Vec<String>,
    #[serde(default)]
    dependencies: Vec<String>,
    #[serde(default)]
    create_before_destroy: bool,
    /// The provider configuration, when not the type's default (`aws.west`).
    #[serde(default)]
    provider: Option<String>,
}

/// A pending create as both file formats hold it (v4 under its `infra` key).
#[derive(Serialize, Deserialize)]
pub(super) struct PendingFile {
    /// Empty in a journal record, whose address it is.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub(super) address: String,
    /// Empty in a journal record: its address names the type.
    #[serde(rename = "type", default, skip_serializing_if = "String::is_empty")]
    pub(super) resource_type: String,
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

pub(super) fn decode(bytes: &[u8], path: &str) -> Result<State, StateError> {
    let corrupt = |detail: String| StateError::Corrupt { path: path.to_string(), detail };
    let file: StateFile = super::parse_file(bytes, path, "state format version 1")?;
    let mut state = State {
        lineage: file.lineage,
        serial: file.serial,
        resources: BTreeMap::new(),
        outputs: BTreeMap::new(),
        deployments: file.deployments,
        pending: BTreeMap::new(),
        check_results: Vec::new(),
        deposed: BTreeMap::new(),
    };
    for (name, output) in file.outputs {
        let value = Value::from_json(&output.value).mark_paths(&output.sensitive_attributes);
        state.outputs.insert(name, OutputState { value, sensitive: output.sensitive });
    }
    for (position, resource) in file.resources.into_iter().enumerate() {
        let address = address_from_parts(
            resource.module.as_deref(),
            &resource.mode,
            &resource.resource_type,
            &resource.name,
            resource.index_key.as_ref(),
        )
        .map_err(|detail| {
            corrupt(format!(
                "has an invalid resource entry #{} (`{}`): {detail}",
                position + 1,
                resource.address
            ))
        })?;
        let dependencies =
            super::parse_dependencies(&resource.dependencies, &address).map_err(corrupt)?;
        let value =
            Value::from_json(&resource.attributes).mark_paths(&resource.sensitive_attributes);
        let entry = ResourceState {
            resource_type: resource.resource_type,
            value,
            dependencies,
            create_before_destroy: resource.create_before_destroy,
            provider: resource.provider,
            // Format 1 held values in the shape of the type's schema when they were written.
            schema_version: crate::model::SCHEMA_VERSION_CURRENT,
            ..ResourceState::default()
        };
        if state.resources.insert(address.clone(), entry).is_some() {
            return Err(corrupt(format!("lists resource `{address}` twice")));
        }
    }
    for pending in file.pending {
        let (address, pending) = pending.decode().map_err(corrupt)?;
        state.pending.insert(address, pending);
    }
    Ok(state)
}

impl PendingFile {
    pub(super) fn of(address: &Address, pending: &PendingCreate) -> PendingFile {
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
    }

    pub(super) fn decode(self) -> Result<(Address, PendingCreate), String> {
        let address: Address = self.address.parse().map_err(|_| {
            format!("has a pending create with an invalid address `{}`", self.address)
        })?;
        let planned =
            Value::from_json_parts(&self.planned, &self.planned_unknown, &self.planned_sensitive);
        let pending = PendingCreate {
            resource_type: self.resource_type,
            planned,
            started_at: self.started_at,
            provider: self.provider,
        };
        Ok((address, pending))
    }
}
