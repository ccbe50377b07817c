//! Reading data sources before planning. A data source is read now when its configuration is
//! known (managed resources are seen as the refreshed state has them) and it is not deferred;
//! the others stay Unknown and the plan reads them during apply, after what they depend on
//! (Terraform's "will be read during apply").
//!
//! Ephemeral resources (`ephemeral` blocks) are opened the same way and at the same moments:
//! their values live in the same map, in memory only, and no plan or state holds them.

use std::collections::{BTreeMap, BTreeSet};

use infra_config::{Config, Evaluator, ResourceConfig, ResourceValue};
use infra_core::{
    Action, Address, DataSourceType, Diagnostic, Diagnostics, Mode, ProviderError, Registry,
    ResourceId, Value,
};
use infra_state::State;

use crate::observer::{EphemeralStep, Event, Observer};
use crate::planner::shape;
use crate::state_values::StateValues;

/// Reads every data source that can be read now: its configuration is wholly known (managed
/// resources as in `state`) and it is not in `deferred` (those whose dependencies the plan
/// changes). The rest are Unknown. What `read_before` holds (an earlier round of the same
/// plan) is taken as it is where not deferred.
#[allow(clippy::too_many_arguments)]
pub async fn read_data_sources(
    config: &Config,
    evaluator: &Evaluator<'_>,
    registry: &Registry,
    order: &[ResourceId],
    state: &State,
    deferred: &BTreeSet<ResourceId>,
    read_before: &BTreeMap<ResourceId, ResourceValue>,
    observer: &dyn Observer,
) -> Result<BTreeMap<ResourceId, ResourceValue>, Diagnostics> {
    let resources: BTreeMap<&ResourceId, &ResourceConfig> =
        config.resources().into_iter().map(|r| (&r.id, r)).collect();
    let mut data = BTreeMap::new();
    let mut diagnostics = Diagnostics::new();
    let mut opened = Vec::new();
    for id in order.iter().filter(|id| id.mode != Mode::Managed) {
        let Some(resource) = resources.get(id) else {
            continue;
        };
        // Read by an earlier round of the same plan and not deferred since: the same value
        // (an ephemeral resource is opened once a plan, as in Terraform).
        if let Some(value) = read_before.get(id).filter(|_| !deferred.contains(id)) {
            data.insert(id.clone(), value.clone());
            continue;
        }
        let Some(data_source) = registry
            .for_configuration(&config.provider_configuration(id))
            .reader(id.mode, &id.resource_type)
        else {
            let (summary, kind) = match id.mode {
                Mode::Ephemeral => ("Unknown ephemeral resource type", "ephemeral resource type"),
                _ => ("Unknown data source", "data source"),
            };
            diagnostics.push(
                Diagnostic::error(
                    summary,
                    format!("The {kind} \"{}\" is not supported.", id.resource_type),
                )
                .at(Some(resource.location.clone())),
            );
            continue;
        };
        let instances =
            match evaluator.expand(id, &StateValues::refreshed(state, &resources, &data)) {
                Ok(instances) => instances,
                Err(errors) => {
                    diagnostics.extend(errors);
                    continue;
                }
            };
        let mut shaped = Vec::new();
        for instance in instances {
            for (path, message) in data_source.schema().validate(&instance.value) {
                diagnostics.push(
                    Diagnostic::error("Invalid data source argument", message)
                        .at(config.location_of(id, &path))
                        .for_address(&instance.address),
                );
            }
            let value = if deferred.contains(id) || !instance.value.is_wholly_known() {
                Value::Unknown
            } else {
                match read_one(
                    data_source.as_ref(),
                    &instance.address,
                    &instance.value,
                    observer,
                )
                .await
                {
                    Ok(value) => {
                        if id.mode == Mode::Ephemeral {
                            opened.push(instance.address.clone());
                        }
                        value
                    }
                    Err(error) => {
                        diagnostics.push(
                            Diagnostic::error("Failed to read data source", error.to_string())
                                .at(Some(resource.location.clone()))
                                .for_address(&instance.address),
                        );
                        Value::Unknown
                    }
                }
            };
            shaped.push((instance.address, value));
        }
        data.insert(id.clone(), shape(resource, shaped));
    }
    closed(&opened, observer);
    diagnostics.into_result(data)
}

/// One instance of a data source or an ephemeral resource read, said as it goes: "Reading" /
/// "Opening", and for an ephemeral resource its opening's end.
async fn read_one(
    reader: &dyn DataSourceType,
    address: &Address,
    configured: &Value,
    observer: &dyn Observer,
) -> Result<Value, ProviderError> {
    observer.event(Event::ReadingData {
        address: address.clone(),
    });
    let started = std::time::Instant::now();
    let value = reader.read(&configured.unmark_deep()).await?;
    if address.resource.mode == Mode::Ephemeral {
        observer.event(Event::Ephemeral {
            address: address.clone(),
            step: EphemeralStep::Opened,
            elapsed: started.elapsed(),
        });
    }
    Ok(value)
}

/// The ephemeral resources `opened` closed: their values are held in the data read from here
/// on, and none of the types infra has holds anything open at AWS, so closing sends nothing
/// and is only said.
fn closed(opened: &[Address], observer: &dyn Observer) {
    for address in opened {
        for step in [EphemeralStep::Closing, EphemeralStep::Closed] {
            observer.event(Event::Ephemeral {
                address: address.clone(),
                step,
                elapsed: std::time::Duration::ZERO,
            });
        }
    }
}

/// The data sources a plan must read during apply: those left unknown, and those that
/// depend, directly or through other data sources, on a managed resource the plan changes
/// (their `depends_on` included), as Terraform defers them.
pub fn deferred_by_plan(
    plan: &crate::plan::Plan,
    order: &[ResourceId],
    dependencies: &BTreeMap<ResourceId, BTreeSet<ResourceId>>,
) -> BTreeSet<ResourceId> {
    let changed: BTreeSet<&ResourceId> = plan
        .changes
        .iter()
        .filter(|c| c.action.is_change() && c.action != Action::Read)
        .map(|c| &c.address.resource)
        .collect();
    let mut deferred = BTreeSet::new();
    for id in order.iter().filter(|id| id.mode != Mode::Managed) {
        let waits = dependencies
            .get(id)
            .into_iter()
            .flatten()
            .any(|dependency| changed.contains(dependency) || deferred.contains(dependency));
        if waits {
            deferred.insert(id.clone());
        }
    }
    deferred
}
