//! Reading data sources before planning. A data source is read now when its configuration is
//! known (managed resources are seen as the refreshed state has them) and it is not deferred;
//! the others stay Unknown and the plan reads them during apply, after what they depend on
//! (Terraform's "will be read during apply").
//!
//! Ephemeral resources (`ephemeral` blocks) are opened the same way and at the same moments:
//! their values live in the same map, in memory only, and no plan or state holds them. They
//! are closed ([`close`]) at the end of the walk that opened them, as Terraform closes them:
//! the plan's at the end of [`plan_with_data_sources`], an apply's when its executor is done.

use std::collections::{BTreeMap, BTreeSet};

use infra_config::{Config, Evaluator, ResourceValue};
use infra_core::{
    Action, Address, DataSourceType, Diagnostic, Diagnostics, InstanceKey, Mode, ProviderError,
    Registry, ResourceId, Value,
};
use infra_state::State;

use crate::observer::{EphemeralStep, Event, Observer};
use crate::plan::Plan;
use crate::planner::{shape, PlanInput, PlanOptions};
use crate::state_values::StateValues;

/// Reads every data source that can be read now: its configuration is wholly known (managed
/// resources as in `state`) and it is not in `deferred` (those whose dependencies the plan
/// changes). The rest are Unknown. What `read_before` holds (an earlier round of the same
/// plan) is taken as it is where not deferred. The ephemeral resources opened stay open: the
/// caller closes them ([`opened`], [`close`]) when its walk is done; on an error, which leaves
/// the caller no values, those this call opened are closed before it returns.
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
    let resources = config.resources_by_id();
    let mut data = BTreeMap::new();
    let mut diagnostics = Diagnostics::new();
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
                match read_one(data_source.as_ref(), &instance.address, &instance.value, observer)
                    .await
                {
                    Ok(value) => value,
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
    if diagnostics.has_errors() {
        // The caller gets none of these values: what this round opened is closed here.
        let earlier = opened(read_before);
        close(opened(&data).difference(&earlier), observer);
    }
    diagnostics.into_result(data)
}

/// The plan made with the data sources read: each is read with what the refreshed state
/// knows; one whose dependencies the plan changes is read during apply instead, and the plan
/// is made again without its value, until no more are deferred. The ephemeral resources
/// opened on the way (in any round) are closed once the plan is made.
#[allow(clippy::too_many_arguments)]
pub async fn plan_with_data_sources(
    config: &Config,
    evaluator: &Evaluator<'_>,
    registry: &Registry,
    dependencies: &BTreeMap<ResourceId, BTreeSet<ResourceId>>,
    order: &[ResourceId],
    refreshed: &State,
    deleted_outside: &BTreeSet<Address>,
    options: &PlanOptions,
    observer: &dyn Observer,
) -> Result<(BTreeMap<ResourceId, ResourceValue>, Plan), Diagnostics> {
    let mut deferred = BTreeSet::new();
    let mut read_before = BTreeMap::new();
    let mut open = BTreeSet::new();
    let planned = loop {
        let data = if options.destroy {
            BTreeMap::new()
        } else {
            let read = read_data_sources(
                config,
                evaluator,
                registry,
                order,
                refreshed,
                &deferred,
                &read_before,
                observer,
            )
            .await;
            match read {
                Ok(data) => {
                    open.extend(opened(&data));
                    data
                }
                Err(errors) => break Err(errors),
            }
        };
        let plan = crate::planner::plan(PlanInput {
            config,
            evaluator,
            dependencies,
            order,
            registry,
            state: refreshed,
            deleted_outside,
            data: &data,
            options,
        });
        let plan = match plan {
            Ok(plan) => plan,
            Err(errors) => break Err(errors),
        };
        let waiting = deferred_by_plan(&plan, order, dependencies);
        if options.destroy || waiting.is_subset(&deferred) {
            break Ok((data, plan));
        }
        deferred.extend(waiting);
        read_before = data;
    };
    close(&open, observer);
    planned
}

/// One instance of a data source or an ephemeral resource read, said as it goes: "Reading" /
/// "Opening", and for an ephemeral resource its opening's end.
pub(crate) async fn read_one(
    reader: &dyn DataSourceType,
    address: &Address,
    configured: &Value,
    observer: &dyn Observer,
) -> Result<Value, ProviderError> {
    observer.event(Event::ReadingData { address: address.clone() });
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

/// The ephemeral instances `data` holds a value of: those opened (one deferred, or whose
/// opening failed, is Unknown).
pub fn opened(data: &BTreeMap<ResourceId, ResourceValue>) -> BTreeSet<Address> {
    let mut open = BTreeSet::new();
    for (id, value) in data.iter().filter(|(id, _)| id.mode == Mode::Ephemeral) {
        let address = |key| Address { resource: id.clone(), key };
        match value {
            ResourceValue::Single(value) if !value.is_unknown() => {
                open.insert(address(None));
            }
            ResourceValue::Counted(items) => {
                for (index, _) in items.iter().enumerate().filter(|(_, v)| !v.is_unknown()) {
                    open.insert(address(Some(InstanceKey::Index(index as i64))));
                }
            }
            ResourceValue::Keyed(entries) => {
                for (key, _) in entries.iter().filter(|(_, v)| !v.is_unknown()) {
                    open.insert(address(Some(InstanceKey::Key(key.clone()))));
                }
            }
            _ => {}
        }
    }
    open
}

/// The ephemeral instances `opened` closed, said as Terraform says it. None of the types
/// infra has holds anything open at its API (a password, a secret's or a parameter's value
/// read), so closing sends nothing.
pub fn close<'a>(opened: impl IntoIterator<Item = &'a Address>, observer: &dyn Observer) {
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
