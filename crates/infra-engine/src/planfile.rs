//! The plan file: Terraform's plan representation (format_version 1.2) so that checkov,
//! conftest and friends read it unchanged, with our own section under the `infra` key holding
//! what `apply FILE` needs to execute it and to refuse it when stale.
//!
//! Sensitive values are never written: they appear as `null` with a `true` in the matching
//! `*_sensitive` mask. Apply re-evaluates the configuration (checked by digest), so it never
//! needs them from the file.

use std::collections::BTreeMap;

use infra_core::{Action, Address, InstanceKey, Value};
use serde_json::{json, Map, Value as Json};

use crate::plan::{DeploymentPlan, OutputChange, Plan, PlanBasis, Reason, ResourceChange};

pub const FORMAT_VERSION: &str = "1.2";
/// The version of our own section.
pub const INFRA_SECTION_VERSION: u64 = 1;

#[derive(Debug, thiserror::Error)]
pub enum PlanFileError {
    #[error("plan file {path} is not valid JSON: {detail}")]
    NotJson { path: String, detail: String },
    #[error("plan file {path} was not written by infra (it has no `infra` section), or is damaged: {detail}")]
    NotOurs { path: String, detail: String },
    #[error(
        "plan file {path} has infra section version {found}; this infra reads version {supported}"
    )]
    NewerFormat { path: String, found: u64, supported: u64 },
}

/// Removes the values under sensitive marks, keeping the marks.
fn masked_parts(value: &Value) -> (Json, Json, Json) {
    let (_, unknown, sensitive) = value.to_json_parts();
    (redacted_json(value), unknown, sensitive)
}

fn redacted_json(value: &Value) -> Json {
    match value {
        Value::Sensitive(_) | Value::Unknown | Value::Null => Json::Null,
        Value::List(items) => Json::Array(items.iter().map(redacted_json).collect()),
        Value::Map(entries) => {
            Json::Object(entries.iter().map(|(k, v)| (k.clone(), redacted_json(v))).collect())
        }
        other => other.to_json(),
    }
}

fn index_json(key: &Option<InstanceKey>) -> Option<Json> {
    match key {
        Some(InstanceKey::Index(i)) => Some(json!(i)),
        Some(InstanceKey::Key(k)) => Some(json!(k)),
        None => None,
    }
}

fn path_steps(path: &str) -> Json {
    Json::Array(
        infra_core::path::parse_path(path)
            .into_iter()
            .map(|step| match step {
                infra_core::path::PathStep::Attr(name) => json!(name),
                infra_core::path::PathStep::Index(i) => json!(i),
            })
            .collect(),
    )
}

fn resource_change_json(change: &ResourceChange) -> Json {
    let (before, _, before_sensitive) = masked_parts(&change.before);
    let (after, after_unknown, after_sensitive) = masked_parts(&change.after);
    let mut object = Map::new();
    object.insert("address".into(), json!(change.address.to_string()));
    if !change.address.resource.module.is_empty() {
        object.insert("module_address".into(), json!(change.address.resource.module_address()));
    }
    object.insert("mode".into(), json!(change.address.resource.mode.json_name()));
    object.insert("type".into(), json!(change.resource_type));
    object.insert("name".into(), json!(change.address.resource.name));
    if let Some(index) = index_json(&change.address.key) {
        object.insert("index".into(), index);
    }
    object.insert(
        "provider_name".into(),
        json!(infra_core::resource::provider_source(&change.resource_type)),
    );
    if let Some(previous) = &change.previous_address {
        object.insert("previous_address".into(), json!(previous.to_string()));
    }
    if let Some(key) = &change.deposed {
        object.insert("deposed".into(), json!(key));
    }
    let mut inner = Map::new();
    inner.insert("actions".into(), json!(change.action.terraform_actions()));
    inner.insert("before".into(), before);
    inner.insert("after".into(), after);
    inner.insert(
        "after_unknown".into(),
        if change.after.is_null() { json!(false) } else { after_unknown },
    );
    inner.insert("before_sensitive".into(), before_sensitive);
    inner.insert("after_sensitive".into(), after_sensitive);
    if !change.replace_paths.is_empty() {
        inner.insert(
            "replace_paths".into(),
            Json::Array(change.replace_paths.iter().map(|p| path_steps(p)).collect()),
        );
    }
    if let Some(id) = &change.importing {
        inner.insert("importing".into(), json!({ "id": id }));
    }
    object.insert("change".into(), Json::Object(inner));
    // Terraform gives no reason for a plain create (even of an object deleted outside) or for a
    // destroy plan; our section keeps the exact reason for `show FILE`.
    if let Some(reason) =
        change.reason.filter(|r| !matches!(r, Reason::DeletedOutside | Reason::Destroy))
    {
        object.insert("action_reason".into(), json!(reason.terraform_name()));
    }
    Json::Object(object)
}

/// Our name for a reason, in the `infra` section: unlike Terraform's `action_reason`, one name
/// per [`Reason`], so that a plan read back renders as it was printed.
fn reason_name(reason: Reason) -> &'static str {
    match reason {
        Reason::DeletedOutside => "deleted_outside",
        Reason::Destroy => "destroy",
        other => other.terraform_name(),
    }
}

fn reason_from_name(name: &str) -> Option<Reason> {
    match name {
        "deleted_outside" => Some(Reason::DeletedOutside),
        "destroy" => Some(Reason::Destroy),
        other => Reason::from_terraform_name(other),
    }
}

fn string_list(value: &Json) -> Vec<&str> {
    value.as_array().into_iter().flatten().filter_map(Json::as_str).collect()
}

/// One entry of `resource_drift`, read back for display.
fn drift_from_json(
    entry: &Json,
    not_ours: impl Fn(&str) -> PlanFileError,
) -> Result<ResourceChange, PlanFileError> {
    let address = entry["address"]
        .as_str()
        .and_then(|t| t.parse::<Address>().ok())
        .ok_or_else(|| not_ours(&format!("bad drift address {}", entry["address"])))?;
    let change = &entry["change"];
    let action = Action::from_terraform_actions(&string_list(&change["actions"]))
        .ok_or_else(|| not_ours(&format!("bad drift action for {address}")))?;
    Ok(ResourceChange::new(
        address,
        entry["type"].as_str().unwrap_or_default(),
        action,
        Value::from_json_parts(&change["before"], &Json::Null, &change["before_sensitive"]),
        Value::from_json_parts(
            &change["after"],
            &change["after_unknown"],
            &change["after_sensitive"],
        ),
    ))
}

fn module_tree(resources: Vec<(Address, Json)>) -> Json {
    // Group by module path; Terraform nests child_modules by address.
    let mut by_module: BTreeMap<Vec<String>, Vec<Json>> = BTreeMap::new();
    for (address, resource) in resources {
        by_module.entry(address.resource.module.clone()).or_default().push(resource);
    }
    fn build(path: &[String], by_module: &BTreeMap<Vec<String>, Vec<Json>>) -> Json {
        let mut object = Map::new();
        if !path.is_empty() {
            object.insert("address".into(), json!(infra_core::address::module_address(path)));
        }
        object.insert("resources".into(), json!(by_module.get(path).cloned().unwrap_or_default()));
        let children: Vec<Json> = by_module
            .keys()
            .filter(|p| p.len() == path.len() + 1 && p.starts_with(path))
            .map(|p| build(p, by_module))
            .collect();
        let deeper: Vec<Vec<String>> = by_module
            .keys()
            .filter(|p| p.len() > path.len() + 1 && p.starts_with(path))
            .cloned()
            .collect();
        let mut children = children;
        for p in deeper {
            let direct: Vec<String> = p[..path.len() + 1].to_vec();
            if !by_module.contains_key(&direct)
                && !children
                    .iter()
                    .any(|c| c["address"] == json!(infra_core::address::module_address(&direct)))
            {
                children.push(build(&direct, by_module));
            }
        }
        if !children.is_empty() {
            object.insert("child_modules".into(), Json::Array(children));
        }
        Json::Object(object)
    }
    build(&[], &by_module)
}

fn state_resource_json(address: &Address, resource_type: &str, value: &Value) -> Json {
    let (values, _, sensitive) = masked_parts(value);
    let mut object = Map::new();
    object.insert("address".into(), json!(address.to_string()));
    object.insert("mode".into(), json!(address.resource.mode.json_name()));
    object.insert("type".into(), json!(resource_type));
    object.insert("name".into(), json!(address.resource.name));
    if let Some(index) = index_json(&address.key) {
        object.insert("index".into(), index);
    }
    object.insert(
        "provider_name".into(),
        json!(infra_core::resource::provider_source(resource_type)),
    );
    object.insert("schema_version".into(), json!(0));
    object.insert("values".into(), values);
    object.insert(
        "sensitive_values".into(),
        if sensitive == json!(false) { json!({}) } else { sensitive },
    );
    Json::Object(object)
}

/// The whole plan document.
pub fn to_json(plan: &Plan, prior: &infra_state::State, terraform_version: &str) -> Json {
    // What Terraform's own parts of the document show: never an ephemeral resource.
    let shown = || plan.changes.iter().filter(|c| !c.opens_ephemeral());
    let planned_resources: Vec<(Address, Json)> = shown()
        .filter(|c| !matches!(c.action, Action::Delete))
        .map(|c| (c.address.clone(), state_resource_json(&c.address, &c.resource_type, &c.after)))
        .collect();
    let planned_outputs: Map<String, Json> = plan
        .outputs
        .iter()
        .filter(|(_, o)| o.action != Action::Delete)
        .map(|(name, o)| (name.clone(), json!({"sensitive": o.sensitive, "value": if o.sensitive { Json::Null } else { redacted_json(&o.after) }})))
        .collect();
    let prior_resources: Vec<(Address, Json)> = prior
        .resources
        .iter()
        .map(|(address, r)| {
            (address.clone(), state_resource_json(address, &r.resource_type, &r.value))
        })
        .collect();
    let prior_outputs: Map<String, Json> = prior
        .outputs
        .iter()
        .map(|(name, o)| (name.clone(), json!({"sensitive": o.sensitive, "value": if o.sensitive { Json::Null } else { redacted_json(&o.value) }})))
        .collect();
    let output_changes: Map<String, Json> =
        plan.outputs.iter().map(|(name, o)| (name.clone(), output_change_json(o))).collect();
    let variables: Map<String, Json> = plan
        .variables
        .iter()
        .map(|(name, v)| (name.clone(), json!({"value": redacted_json(v)})))
        .collect();
    let configuration_resources: Vec<(Address, Json)> = shown()
        .filter(|c| c.action != Action::Delete)
        .map(|c| {
            let address = c.address.resource.instance(None);
            (
                address.clone(),
                json!({
                    "address": c.address.resource.to_string(),
                    "mode": c.address.resource.mode.json_name(),
                    "type": c.resource_type,
                    "name": c.address.resource.name,
                    "provider_config_key": infra_core::resource::provider_name(&c.resource_type),
                    "schema_version": 0,
                }),
            )
        })
        .collect();
    let mut configuration_resources = configuration_resources;
    configuration_resources.dedup_by(|a, b| a.1["address"] == b.1["address"]);

    json!({
        "format_version": FORMAT_VERSION,
        "terraform_version": terraform_version,
        "variables": variables,
        "planned_values": {
            "outputs": planned_outputs,
            "root_module": module_tree(planned_resources),
        },
        "resource_drift": plan.drift.iter().map(resource_change_json).collect::<Vec<_>>(),
        "resource_changes": shown().map(resource_change_json).collect::<Vec<_>>(),
        "output_changes": output_changes,
        "prior_state": {
            "format_version": "1.0",
            "terraform_version": terraform_version,
            "values": { "outputs": prior_outputs, "root_module": module_tree(prior_resources) },
        },
        "configuration": {
            "provider_config": provider_config(plan),
            "root_module": module_tree(configuration_resources),
        },
        "relevant_attributes": [],
        "timestamp": humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        "errored": false,
        "infra": infra_section(plan),
    })
}

fn output_change_json(output: &OutputChange) -> Json {
    let (before, _, _) = masked_parts(&output.before);
    let (after, after_unknown, _) = masked_parts(&output.after);
    let (before, after) = if output.sensitive { (Json::Null, Json::Null) } else { (before, after) };
    json!({
        "actions": output.action.terraform_actions(),
        "before": before,
        "after": after,
        "after_unknown": after_unknown,
        "before_sensitive": output.sensitive,
        "after_sensitive": output.sensitive,
    })
}

/// `configuration.provider_config`: one entry per provider the plan's types belong to.
fn provider_config(plan: &Plan) -> Json {
    let mut providers = Map::new();
    for change in &plan.changes {
        let name = infra_core::resource::provider_name(&change.resource_type);
        if !providers.contains_key(name) && name != "terraform" {
            providers.insert(
                name.into(),
                json!({ "name": name, "full_name": infra_core::resource::provider_source(&change.resource_type) }),
            );
        }
    }
    Json::Object(providers)
}

fn infra_section(plan: &Plan) -> Json {
    let basis = &plan.basis;
    json!({
        "version": INFRA_SECTION_VERSION,
        "lineage": basis.lineage,
        "serial": basis.serial,
        "workspace": basis.workspace,
        "config_digest": basis.config_digest,
        "variables_digest": basis.variables_digest,
        "destroy": plan.destroy,
        "refresh_only": plan.refresh_only,
        "fingerprints": basis.fingerprints.iter().map(|(a, f)| (a.to_string(), json!(f))).collect::<Map<_, _>>(),
        "steps": plan.changes.iter().map(|c| json!({
            "address": c.address.to_string(),
            "type": c.resource_type,
            "action": c.action.terraform_actions(),
            "reason": c.reason.map(reason_name),
            "dependencies": c.dependencies.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
            "create_before_destroy": c.create_before_destroy,
            "deposed": c.deposed,
            "deployment": c.deployment.as_ref().map(|d| json!({
                "live_colour": d.live_colour, "target_colour": d.target_colour,
                "live_revision": d.live_revision, "target_revision": d.target_revision,
            })),
        })).collect::<Vec<_>>(),
    })
}

/// Reads a plan file back into a [`Plan`]. Values under sensitive marks come back as marked
/// nulls; apply re-evaluates them from the configuration.
pub fn from_json(path: &str, text: &str) -> Result<Plan, PlanFileError> {
    let document: Json = serde_json::from_str(text)
        .map_err(|e| PlanFileError::NotJson { path: path.into(), detail: e.to_string() })?;
    let not_ours =
        |detail: &str| PlanFileError::NotOurs { path: path.into(), detail: detail.into() };
    let section = document.get("infra").ok_or_else(|| not_ours("missing `infra`"))?;
    let version = section["version"].as_u64().ok_or_else(|| not_ours("missing infra.version"))?;
    if version > INFRA_SECTION_VERSION {
        return Err(PlanFileError::NewerFormat {
            path: path.into(),
            found: version,
            supported: INFRA_SECTION_VERSION,
        });
    }
    // By address and deposed key: a deposed object's change shares its instance's address.
    let mut changes_json: BTreeMap<(String, Option<&str>), &Json> = BTreeMap::new();
    for change in document["resource_changes"].as_array().into_iter().flatten() {
        if let Some(address) = change["address"].as_str() {
            changes_json.insert((address.to_string(), change["deposed"].as_str()), change);
        }
    }
    let changes = section["steps"]
        .as_array()
        .ok_or_else(|| not_ours("missing infra.steps"))?
        .iter()
        .map(|step| step_from_json(step, &changes_json, &not_ours))
        .collect::<Result<Vec<_>, _>>()?;
    let outputs = output_changes_from_json(&document["output_changes"]);
    let fingerprints = section["fingerprints"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(a, f)| {
            Ok((
                a.parse::<Address>().map_err(|_| not_ours("bad fingerprint address"))?,
                f.as_str().unwrap_or_default().to_string(),
            ))
        })
        .collect::<Result<BTreeMap<_, _>, PlanFileError>>()?;
    let drift = document["resource_drift"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|entry| drift_from_json(entry, not_ours))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Plan {
        changes,
        drift,
        outputs,
        variables: BTreeMap::new(),
        destroy: section["destroy"].as_bool().unwrap_or(false),
        refresh_only: section["refresh_only"].as_bool().unwrap_or(false),
        warnings: Vec::new(),
        basis: PlanBasis {
            lineage: section["lineage"].as_str().unwrap_or_default().into(),
            serial: section["serial"].as_u64().unwrap_or(0),
            config_digest: section["config_digest"].as_str().unwrap_or_default().into(),
            variables_digest: section["variables_digest"].as_str().unwrap_or_default().into(),
            fingerprints,
            workspace: section["workspace"].as_str().unwrap_or("default").into(),
        },
    })
}

/// An address in a plan file.
fn address_from_json(
    text: &Json,
    not_ours: &impl Fn(&str) -> PlanFileError,
) -> Result<Address, PlanFileError> {
    text.as_str()
        .and_then(|t| t.parse().ok())
        .ok_or_else(|| not_ours(&format!("bad address {text}")))
}

/// Terraform's `actions` list (`["delete", "create"]`).
fn actions_of(actions: &Json) -> Vec<&str> {
    actions.as_array().into_iter().flatten().filter_map(Json::as_str).collect()
}

/// One step of infra's section, with its `resource_changes` entry (`changes_json`, by address
/// and deposed key) for the values.
fn step_from_json(
    step: &Json,
    changes_json: &BTreeMap<(String, Option<&str>), &Json>,
    not_ours: &impl Fn(&str) -> PlanFileError,
) -> Result<ResourceChange, PlanFileError> {
    let address = address_from_json(&step["address"], not_ours)?;
    let deposed = step["deposed"].as_str();
    let entry = changes_json.get(&(address.to_string(), deposed));
    let action = Action::from_terraform_actions(&actions_of(&step["action"]))
        .ok_or_else(|| not_ours("bad action"))?;
    let change = entry.map(|c| &c["change"]).unwrap_or(&Json::Null);
    let reason = step["reason"].as_str().and_then(reason_from_name).or_else(|| {
        entry.and_then(|c| c["action_reason"].as_str()).and_then(Reason::from_terraform_name)
    });
    let dependencies = step["dependencies"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|text| address_from_json(text, not_ours))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ResourceChange {
        address,
        resource_type: step["type"].as_str().unwrap_or_default().to_string(),
        action,
        reason,
        before: Value::from_json_parts(&change["before"], &Json::Null, &change["before_sensitive"]),
        after: Value::from_json_parts(
            &change["after"],
            &change["after_unknown"],
            &change["after_sensitive"],
        ),
        replace_paths: change["replace_paths"]
            .as_array()
            .into_iter()
            .flatten()
            .map(replace_path_from_json)
            .collect(),
        dependencies,
        create_before_destroy: step["create_before_destroy"].as_bool().unwrap_or(false),
        deployment: step.get("deployment").filter(|d| !d.is_null()).map(|d| DeploymentPlan {
            live_colour: d["live_colour"].as_str().unwrap_or_default().into(),
            target_colour: d["target_colour"].as_str().unwrap_or_default().into(),
            live_revision: d["live_revision"].as_str().unwrap_or_default().into(),
            target_revision: d["target_revision"].as_str().unwrap_or_default().into(),
        }),
        previous_address: entry
            .and_then(|c| c["previous_address"].as_str())
            .map(|text| address_from_json(&Json::from(text), not_ours))
            .transpose()?,
        importing: change["importing"]["id"].as_str().map(str::to_string),
        deposed: deposed.map(str::to_string),
    })
}

/// A `replace_paths` entry (`["tags", "Name"]`, `["ingress", 0]`) as infra writes a path
/// (`tags.Name`, `ingress[0]`).
fn replace_path_from_json(path: &Json) -> String {
    path.as_array()
        .into_iter()
        .flatten()
        .map(|step| match step {
            Json::Number(n) => format!("[{n}]"),
            other => format!(".{}", other.as_str().unwrap_or_default()),
        })
        .collect::<String>()
        .trim_start_matches('.')
        .to_string()
}

/// Terraform's `output_changes`.
fn output_changes_from_json(outputs: &Json) -> BTreeMap<String, OutputChange> {
    outputs
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, o)| {
            (
                name.clone(),
                OutputChange {
                    action: Action::from_terraform_actions(&actions_of(&o["actions"]))
                        .unwrap_or(Action::NoOp),
                    before: Value::from_json(&o["before"]),
                    after: Value::from_json_parts(
                        &o["after"],
                        &o["after_unknown"],
                        &o["after_sensitive"],
                    ),
                    sensitive: o["after_sensitive"].as_bool().unwrap_or(false),
                },
            )
        })
        .collect()
}
