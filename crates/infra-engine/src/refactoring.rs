//! Changing what the state calls an object without touching the object: `moved` blocks and
//! `infra state mv` (rename), `removed` blocks (forget), and `import` blocks and `infra
//! import` (adopt an existing object). Moves and imports are planned here and carried out by
//! the executor before any provider operation, so a saved plan applies them too.

use infra_config::{ImportTarget, MoveStatement};
use infra_core::{Address, AddressPattern, Diagnostic, Diagnostics, Registry, ResourceType, Value};
use infra_state::{ResourceState, State};

use crate::observer::{Event, Observer};
use crate::plan::Plan;

/// Moves every object `from` names to where `to` puts it, with its pending entry and
/// deployment runtime state. An object whose new address is already taken stays where it is,
/// as in Terraform, with a warning. Returns each `(from, to)` moved.
pub fn move_objects(
    state: &mut State,
    from: &AddressPattern,
    to: &AddressPattern,
    warnings: &mut Diagnostics,
) -> Vec<(Address, Address)> {
    let named: Vec<Address> =
        state.resources.keys().filter(|address| from.matches(address)).cloned().collect();
    let mut moved = Vec::new();
    for address in named {
        let Some(destination) = from.rewrite(to, &address) else {
            continue;
        };
        if state.resources.contains_key(&destination) {
            warnings.push(Diagnostic::warning(
                "Moved object still exists",
                format!("{address} was not moved to {destination}: an object is already recorded at {destination}. Remove one of them from the state (`infra state rm`) or the moved block."),
            ));
            continue;
        }
        if let Some(resource) = state.resources.remove(&address) {
            state.resources.insert(destination.clone(), resource);
        }
        if let Some(pending) = state.pending.remove(&address) {
            state.pending.insert(destination.clone(), pending);
        }
        if let Some(deployment) = state.deployments.remove(&address.to_string()) {
            state.deployments.insert(destination.to_string(), deployment);
        }
        moved.push((address, destination));
    }
    moved
}

/// Applies the configuration's `moved` blocks in the order written, so that chains
/// (`a` → `b`, `b` → `c`) end at `c`. Returns where each moved object came from.
pub fn apply_moved_blocks(
    state: &mut State,
    moves: &[MoveStatement],
    warnings: &mut Diagnostics,
) -> Vec<(Address, Address)> {
    let mut moved: Vec<(Address, Address)> = Vec::new();
    for statement in moves {
        for (from, to) in move_objects(state, &statement.from, &statement.to, warnings) {
            // A chain keeps the original address as where the object came from.
            match moved.iter_mut().find(|(_, previous_to)| previous_to == &from) {
                Some(entry) => entry.1 = to,
                None => moved.push((from, to)),
            }
        }
    }
    moved
}

/// The state edits a plan carries, done by apply before any provider operation: objects
/// moved to their new addresses, imported objects adopted, forgotten ones dropped. Returns
/// whether anything changed.
pub fn apply_state_edits(plan: &Plan, state: &mut State, registry: &Registry) -> bool {
    let mut changed = false;
    for change in &plan.changes {
        if let Some(previous) = &change.previous_address {
            if state.resources.contains_key(previous)
                && !state.resources.contains_key(&change.address)
            {
                let mut ignored = Diagnostics::new();
                let from = AddressPattern::Instance(previous.clone());
                let to = AddressPattern::Instance(change.address.clone());
                changed |= !move_objects(state, &from, &to, &mut ignored).is_empty();
            }
        }
        if change.importing.is_some() && !state.resources.contains_key(&change.address) {
            state.resources.insert(
                change.address.clone(),
                ResourceState {
                    resource_type: change.resource_type.clone(),
                    value: change.before.clone(),
                    create_before_destroy: change.create_before_destroy,
                    schema_version: registry
                        .resource(&change.resource_type)
                        .map_or(0, |resource| resource.schema().version),
                    dynamic_attributes: registry
                        .resource(&change.resource_type)
                        .map(|resource| resource.schema().dynamic_attributes())
                        .unwrap_or_default(),
                    ..ResourceState::default()
                },
            );
            changed = true;
        }
        if change.action == infra_core::Action::Forget {
            changed |= state.resources.remove(&change.address).is_some();
        }
    }
    changed
}

/// Reads the object an import ID names, through the type's import and read, as Terraform's
/// `ImportResourceState` then `ReadResource`.
pub async fn read_imported(
    resource: &dyn ResourceType,
    configuration: &str,
    tagging: Option<&dyn infra_core::tagging::Tagging>,
    address: &Address,
    id: &str,
) -> Result<ResourceState, Diagnostic> {
    let failed = |detail: String| Diagnostic::error("Import failed", detail).for_address(address);
    let prior = resource.import_prior(id).map_err(|error| failed(format!("{address}: {error}")))?;
    let read = resource
        .read_many(std::slice::from_ref(&prior))
        .await
        .map_err(|error| failed(format!("{address}: reading {id}: {error}")))?;
    match read.into_iter().next().flatten() {
        Some(mut value) => {
            // As a refresh does: the tags the provider added are not the object's own.
            if let (true, Some(tagging)) = (resource.schema().taggable, tagging) {
                tagging.read(&mut value, &Value::Null);
            }
            // As a refresh does: the schema's normal form (unset `timeouts` and unsupported
            // arguments present, sets sorted), then the type's.
            crate::diff::normalize(resource, &mut value);
            Ok(ResourceState {
                resource_type: resource.name().to_string(),
                value,
                provider: configuration.contains('.').then(|| configuration.to_string()),
                schema_version: resource.schema().version,
                dynamic_attributes: resource.schema().dynamic_attributes(),
                ..ResourceState::default()
            })
        }
        None => Err(Diagnostic::error(
            "Cannot import non-existent remote object",
            format!("While attempting to import an existing object to \"{address}\", the provider detected that no object exists with the given id \"{id}\". Only pre-existing objects can be imported; check that the id is correct and that it is associated with the provider's configured region or endpoint, or use \"infra apply\" to create a new remote object for this resource."),
        )
        .for_address(address)),
    }
}

/// Reads every `import` target that the state does not hold yet. Returns the objects read,
/// keyed by address, with their import IDs.
pub async fn read_import_targets(
    targets: &[ImportTarget],
    config: &infra_config::Config,
    state: &State,
    registry: &Registry,
    observer: &dyn Observer,
) -> Result<Vec<(ImportTarget, ResourceState)>, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let mut imported = Vec::new();
    for target in targets {
        if state.resources.contains_key(&target.to) {
            continue;
        }
        if imported.iter().any(|(t, _): &(ImportTarget, ResourceState)| t.to == target.to) {
            diagnostics.push(
                Diagnostic::error(
                    "Duplicate import configuration",
                    format!("{} is the target of more than one import block.", target.to),
                )
                .at(Some(target.location.clone())),
            );
            continue;
        }
        let configuration = config.provider_configuration(&target.to.resource);
        let Some(resource) =
            registry.for_configuration(&configuration).resource(&target.to.resource.resource_type)
        else {
            diagnostics.push(
                Diagnostic::error(
                    "Invalid resource type",
                    format!(
                        "The resource type \"{}\" is not supported.",
                        target.to.resource.resource_type
                    ),
                )
                .at(Some(target.location.clone())),
            );
            continue;
        };
        observer.event(Event::Importing { address: target.to.clone(), id: target.id.clone() });
        match read_imported(
            resource.as_ref(),
            &configuration,
            registry.tagging(),
            &target.to,
            &target.id,
        )
        .await
        {
            Ok(object) => imported.push((target.clone(), object)),
            Err(error) => diagnostics.push(error.at(Some(target.location.clone()))),
        }
    }
    diagnostics.into_result(imported)
}

/// Marks the changes of moved and imported objects, for the plan text and the plan file.
pub fn annotate(
    plan: &mut Plan,
    moved: &[(Address, Address)],
    imported: &[(ImportTarget, ResourceState)],
) {
    for change in &mut plan.changes {
        if let Some((from, _)) = moved.iter().find(|(_, to)| to == &change.address) {
            change.previous_address = Some(from.clone());
        }
        if let Some((target, _)) = imported.iter().find(|(target, _)| target.to == change.address) {
            change.importing = Some(target.id.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use infra_core::{Attribute, Block, Creating, Deleting, ProviderError, Schema, Type, Updating};

    use super::*;

    /// A type whose read answers as a provider's read does: no `timeouts`, nothing of what
    /// infra does not support, a set block in the order the API gave it.
    struct Firewall(Schema);

    #[async_trait::async_trait]
    impl ResourceType for Firewall {
        fn name(&self) -> &'static str {
            "test_firewall"
        }
        fn schema(&self) -> &Schema {
            &self.0
        }
        async fn create(&self, _at: Creating<'_>) -> Result<Value, ProviderError> {
            unreachable!("an import never creates")
        }
        async fn update(&self, _at: Updating<'_>) -> Result<Value, ProviderError> {
            unreachable!("an import never updates")
        }
        async fn delete(&self, _at: Deleting<'_>) -> Result<(), ProviderError> {
            unreachable!("an import never deletes")
        }
        async fn read_many(&self, priors: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
            let rule = |port: f64| Value::map([("port", Value::Number(port))]);
            Ok(priors
                .iter()
                .map(|prior| {
                    Some(Value::map([
                        ("id", prior.get("id").clone()),
                        ("rule", Value::List(vec![rule(8443.0), rule(443.0)])),
                    ]))
                })
                .collect())
        }
        async fn find_created(&self, _at: Creating<'_>) -> Result<Option<Value>, ProviderError> {
            unreachable!("an import never creates")
        }
    }

    /// An imported object is in the form a refresh writes (the schema's normal form), so that
    /// the first refresh after an import finds nothing to add.
    #[test]
    fn an_imported_object_is_stored_as_a_refresh_stores_it() {
        let firewall = Firewall(
            Schema::new()
                .attr(Attribute::computed("id", Type::String))
                .block(Block::set(
                    "rule",
                    Schema::new().attr(Attribute::required("port", Type::Number)),
                ))
                .not_supported("logging", Type::String, "infra does not log")
                .timeouts(&["create"]),
        );
        let address: Address = "test_firewall.edge".parse().unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let imported =
            runtime.block_on(read_imported(&firewall, "test", None, &address, "fw-1")).unwrap();
        let ports: Vec<&Value> =
            imported.value.get("rule").as_list().unwrap().iter().map(|r| r.get("port")).collect();
        assert_eq!(ports, [&Value::Number(443.0), &Value::Number(8443.0)]);
        let stored = imported.value.as_map().unwrap();
        assert_eq!(stored.get("timeouts"), Some(&Value::Null));
        assert_eq!(stored.get("logging"), Some(&Value::Null));
        assert_eq!(imported.value.get("id"), &Value::string("fw-1"));
    }
}
