//! The planner: desired configuration + refreshed state → [`Plan`]. A plain function: no IO,
//! no async, linear in the number of resources.

use std::collections::{BTreeMap, BTreeSet};

use infra_config::{Config, Evaluator, ResourceConfig, ResourceValue, ResourceValues};
use infra_core::{
    Action, Address, Diagnostic, Diagnostics, InstanceKey, Mode, ProviderSettings, Registry,
    ResourceId, Value,
};
use infra_state::State;

use crate::diff::{equivalent, plan_instance, InstanceInput};
use crate::graph::Graph;
use crate::plan::{OutputChange, Plan, Reason, ResourceChange};

/// What the user asked for besides the configuration.
#[derive(Clone, Debug, Default)]
pub struct PlanOptions {
    pub destroy: bool,
    /// `-target`: only these and what they depend on.
    pub targets: Vec<Address>,
    /// `-replace`: force these to be replaced.
    pub replace: Vec<Address>,
    /// `-exclude`: leave these, and what depends on them, out.
    pub excludes: Vec<Address>,
}

/// Everything the planner reads.
pub struct PlanInput<'a> {
    pub config: &'a Config,
    pub evaluator: &'a Evaluator<'a>,
    /// What each resource references (`Evaluator::dependencies`).
    pub dependencies: &'a BTreeMap<ResourceId, BTreeSet<ResourceId>>,
    /// The resources in dependency order ([`resource_order`] of `dependencies`).
    pub order: &'a [ResourceId],
    pub registry: &'a Registry,
    /// The state after refresh.
    pub state: &'a State,
    /// Addresses that refresh found deleted outside infra.
    pub deleted_outside: &'a BTreeSet<Address>,
    /// Data sources already read (see `data::read_data_sources`).
    pub data: &'a BTreeMap<ResourceId, ResourceValue>,
    pub settings: &'a ProviderSettings,
    pub options: &'a PlanOptions,
}

/// Resource values as planned so far, shaped by each resource's expansion, for references.
#[derive(Default)]
pub struct PlannedValues {
    pub values: BTreeMap<ResourceId, ResourceValue>,
}

impl ResourceValues for PlannedValues {
    fn get(&self, id: &ResourceId) -> Option<ResourceValue> {
        self.values.get(id).cloned()
    }
}

/// Shapes instance values the way references see them: one object, a list, or a map.
pub fn shape(resource: &ResourceConfig, instances: Vec<(Address, Value)>) -> ResourceValue {
    if resource.has_count {
        let mut items: Vec<(i64, Value)> = instances
            .into_iter()
            .map(|(address, value)| match address.key {
                Some(InstanceKey::Index(i)) => (i, value),
                _ => (0, value),
            })
            .collect();
        items.sort_by_key(|(i, _)| *i);
        ResourceValue::Counted(items.into_iter().map(|(_, v)| v).collect())
    } else if resource.has_for_each {
        ResourceValue::Keyed(
            instances
                .into_iter()
                .map(|(address, value)| match address.key {
                    Some(InstanceKey::Key(k)) => (k, value),
                    other => (other.map(|k| k.to_string()).unwrap_or_default(), value),
                })
                .collect(),
        )
    } else {
        ResourceValue::Single(
            instances
                .into_iter()
                .next()
                .map(|(_, v)| v)
                .unwrap_or(Value::Unknown),
        )
    }
}

/// The resource graph, in dependency order. A cycle is an error naming its addresses.
pub fn resource_order(
    config: &Config,
    dependencies: &BTreeMap<ResourceId, BTreeSet<ResourceId>>,
) -> Result<Vec<ResourceId>, Diagnostics> {
    // Over references: the graph is as big as the configuration, and only the order is kept.
    let mut graph: Graph<&ResourceId> = Graph::new();
    for resource in config.resources() {
        graph.add_node(&resource.id);
    }
    for (id, deps) in dependencies {
        for dep in deps {
            graph.add_edge(id, dep);
        }
    }
    let order = graph.topological_order().map_err(|cycle| {
        let names: Vec<String> = cycle.iter().map(|id| id.to_string()).collect();
        let location = config
            .resources()
            .into_iter()
            .find(|r| Some(&&r.id) == cycle.first())
            .map(|r| r.location.clone());
        Diagnostics::from(
            Diagnostic::error(
                "Cycle in resource dependencies",
                format!(
                    "These resources depend on each other: {} → {}.",
                    names.join(" → "),
                    names[0]
                ),
            )
            .at(location),
        )
    })?;
    Ok(order.into_iter().cloned().collect())
}

/// The IDs of objects whose traffic a rollout moves.
pub fn routes_owned_by_rollouts(state: &State, registry: &Registry) -> BTreeSet<String> {
    let Some(rollouts) = registry.rollouts() else {
        return BTreeSet::new();
    };
    state
        .deployments
        .values()
        .flat_map(|record| rollouts.routes(record))
        .collect()
}

/// The lifecycle to plan with: an object whose traffic a deployment moves ignores the
/// attributes its type names as traffic paths (a listener's actions).
fn effective_lifecycle(
    lifecycle: &infra_config::Lifecycle,
    prior: Option<&Value>,
    owned: &BTreeSet<String>,
    traffic_paths: &[&str],
) -> infra_config::Lifecycle {
    let owned_here = prior
        .and_then(|p| p.get("id").as_str())
        .is_some_and(|id| owned.contains(id));
    if !owned_here || traffic_paths.is_empty() {
        return lifecycle.clone();
    }
    let traffic = traffic_paths.iter().map(|path| path.to_string());
    let mut lifecycle = lifecycle.clone();
    lifecycle.ignore_changes = match lifecycle.ignore_changes {
        infra_config::IgnoreChanges::All => infra_config::IgnoreChanges::All,
        infra_config::IgnoreChanges::None => infra_config::IgnoreChanges::Paths(traffic.collect()),
        infra_config::IgnoreChanges::Paths(mut paths) => {
            paths.extend(traffic);
            infra_config::IgnoreChanges::Paths(paths)
        }
    };
    lifecycle
}

/// The `read` changes of a data source that could not be read while planning: one per
/// instance whose value is still unknown. They carry the configuration as planned, and their
/// dependencies, so apply reads them after what they depend on.
fn deferred_reads(
    input: &PlanInput<'_>,
    id: &ResourceId,
    planned: &PlannedValues,
    instances_of: &BTreeMap<ResourceId, Vec<Address>>,
) -> Vec<ResourceChange> {
    let unknown_instances: Vec<Option<InstanceKey>> = match input.data.get(id) {
        None => return vec![],
        Some(ResourceValue::Single(value)) => {
            if value.is_unknown() {
                vec![None]
            } else {
                vec![]
            }
        }
        Some(ResourceValue::Counted(items)) => items
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_unknown())
            .map(|(i, _)| Some(InstanceKey::Index(i as i64)))
            .collect(),
        Some(ResourceValue::Keyed(entries)) => entries
            .iter()
            .filter(|(_, v)| v.is_unknown())
            .map(|(k, _)| Some(InstanceKey::Key(k.clone())))
            .collect(),
    };
    if unknown_instances.is_empty() {
        return vec![];
    }
    let configs = input.evaluator.expand(id, planned).unwrap_or_default();
    let dependencies: Vec<Address> = input
        .dependencies
        .get(id)
        .into_iter()
        .flatten()
        .flat_map(|dep| instances_of.get(dep).cloned().unwrap_or_default())
        .collect();
    unknown_instances
        .into_iter()
        .map(|key| {
            let address = id.instance(key);
            let after = configs
                .iter()
                .find(|c| c.address == address)
                .map(|c| c.value.clone())
                .unwrap_or(Value::Unknown);
            ResourceChange {
                address,
                resource_type: id.resource_type.clone(),
                action: Action::Read,
                reason: None,
                before: Value::Null,
                after,
                replace_paths: vec![],
                dependencies: dependencies.clone(),
                create_before_destroy: false,
                deployment: None,
                previous_address: None,
                importing: None,
                deposed: None,
            }
        })
        .collect()
}

pub fn plan(input: PlanInput<'_>) -> Result<Plan, Diagnostics> {
    let _span = tracing::info_span!("plan").entered();
    let owned_routes = routes_owned_by_rollouts(input.state, input.registry);
    let resources: BTreeMap<&ResourceId, &ResourceConfig> = input
        .config
        .resources()
        .into_iter()
        .map(|r| (&r.id, r))
        .collect();

    let mut diagnostics = Diagnostics::new();
    let mut plan = Plan {
        destroy: input.options.destroy,
        ..Plan::default()
    };
    let mut planned = PlannedValues::default();
    for (id, value) in input.data {
        planned.values.insert(id.clone(), value.clone());
    }
    // Instance-level dependencies, filled as resources are planned.
    let mut instances_of: BTreeMap<ResourceId, Vec<Address>> = BTreeMap::new();
    let mut desired: BTreeSet<Address> = BTreeSet::new();

    if !input.options.destroy {
        for id in input.order {
            let Some(resource) = resources.get(id) else {
                continue;
            };
            if id.mode == Mode::Data {
                let reads = deferred_reads(&input, id, &planned, &instances_of);
                instances_of.insert(
                    id.clone(),
                    reads.iter().map(|c| c.address.clone()).collect(),
                );
                plan.changes.extend(reads);
                continue;
            }
            let configuration = input.config.provider_configuration(id);
            if !input.registry.has_configuration(&configuration) {
                diagnostics.push(
                    Diagnostic::error(
                        "Provider configuration not present",
                        format!("{id} refers to the provider configuration {configuration}, but no provider block declares it. Add `provider \"{}\" {{ alias = \"{}\" }}` to the root module, or pass it to the module with `providers`.", infra_core::resource::provider_name(&id.resource_type), configuration.split_once('.').map(|(_, alias)| alias).unwrap_or_default()),
                    )
                    .at(Some(resource.location.clone())),
                );
                continue;
            }
            let Some(resource_type) = input.registry.resource(&id.resource_type) else {
                diagnostics.push(
                    Diagnostic::error(
                        "Unknown resource type",
                        format!(
                            "The resource type \"{}\" is not supported.",
                            id.resource_type
                        ),
                    )
                    .at(Some(resource.location.clone())),
                );
                continue;
            };
            let instances = match input.evaluator.expand(id, &planned) {
                Ok(instances) => instances,
                Err(errors) => {
                    diagnostics.extend(errors);
                    continue;
                }
            };
            let dependency_addresses: Vec<Address> = input
                .dependencies
                .get(id)
                .into_iter()
                .flatten()
                .filter_map(|dep| instances_of.get(dep))
                .flatten()
                .cloned()
                .collect();
            let mut shaped = Vec::with_capacity(instances.len());
            for instance in instances {
                for (path, message) in resource_type
                    .schema()
                    .validate(&instance.value)
                    .into_iter()
                    .chain(resource_type.validate(&instance.value))
                {
                    diagnostics.push(
                        Diagnostic::error("Invalid resource argument", message)
                            .at(input.config.location_of(id, &path))
                            .for_address(&instance.address),
                    );
                }
                for (path, message) in resource_type.warnings(&instance.value) {
                    plan.warnings.push(
                        Diagnostic::warning("Argument ignored", message)
                            .at(input.config.location_of(id, &path))
                            .for_address(&instance.address),
                    );
                }
                diagnostics.extend(input.evaluator.condition_failures(
                    &instance.address,
                    &planned,
                    "precondition",
                    None,
                ));
                let prior = input.state.get(&instance.address).map(|r| &r.value);
                let lifecycle = effective_lifecycle(
                    &resource.lifecycle,
                    prior,
                    &owned_routes,
                    resource_type.traffic_paths(),
                );
                let requested = input
                    .options
                    .replace
                    .iter()
                    .any(|r| r.contains(&instance.address));
                let triggered = match input.evaluator.replace_triggers(&instance.address) {
                    Ok(triggers) => {
                        prior.is_some() && triggers.iter().any(|t| is_triggered(t, &plan.changes))
                    }
                    Err(errors) => {
                        diagnostics.extend(errors);
                        false
                    }
                };
                let mut decision = plan_instance(InstanceInput {
                    resource: resource_type.as_ref(),
                    config: &instance.value,
                    prior,
                    lifecycle: &lifecycle,
                    tagging: input.registry.tagging(),
                    force_replace: requested || triggered,
                    tainted: input
                        .state
                        .get(&instance.address)
                        .is_some_and(|r| r.tainted),
                    timeouts: resource_type.schema().stored_timeouts(
                        resource.has_timeouts,
                        &infra_config::timeout_texts(&instance.timeouts),
                    ),
                });
                // Write-only arguments are read from the configuration again when applied;
                // the plan (and what other resources see of this one) holds null.
                resource_type.schema().clear_write_only(&mut decision.after);
                if decision.after.is_wholly_known() {
                    diagnostics.extend(input.evaluator.condition_failures(
                        &instance.address,
                        &planned,
                        "postcondition",
                        Some(&decision.after),
                    ));
                }
                let decision_reason = match decision.reason {
                    Some(Reason::ReplaceByRequest) if triggered && !requested => {
                        Some(Reason::ReplaceByTriggers)
                    }
                    reason => reason,
                };
                let reason = decision_reason.or_else(|| {
                    (decision.action == Action::Create
                        && input.deleted_outside.contains(&instance.address))
                    .then_some(Reason::DeletedOutside)
                });
                let deployment = (decision.action == Action::Update)
                    .then(|| {
                        let record = input.state.deployments.get(&instance.address.to_string())?;
                        input
                            .registry
                            .rollouts()?
                            .plan(&id.resource_type, &decision.after, record)
                    })
                    .flatten();
                shaped.push((instance.address.clone(), decision.after.clone()));
                desired.insert(instance.address.clone());
                plan.changes.push(ResourceChange {
                    address: instance.address,
                    resource_type: id.resource_type.clone(),
                    action: decision.action,
                    reason,
                    before: prior.cloned().unwrap_or(Value::Null),
                    after: decision.after,
                    replace_paths: decision.replace_paths,
                    dependencies: dependency_addresses.clone(),
                    create_before_destroy: resource.lifecycle.create_before_destroy,
                    deployment,
                    previous_address: None,
                    importing: None,
                    deposed: None,
                });
            }
            instances_of.insert(id.clone(), shaped.iter().map(|(a, _)| a.clone()).collect());
            planned.values.insert(id.clone(), shape(resource, shaped));
        }
    }

    // Everything in state that is no longer desired is deleted.
    for (address, resource) in &input.state.resources {
        if address.resource.mode == Mode::Data || desired.contains(address) {
            continue;
        }
        let reason = if input.options.destroy {
            Reason::Destroy
        } else if !resources.contains_key(&address.resource) {
            Reason::DeleteBecauseNoResourceConfig
        } else {
            match address.key {
                Some(InstanceKey::Index(_)) => Reason::DeleteBecauseCountIndex,
                Some(InstanceKey::Key(_)) => Reason::DeleteBecauseEachKey,
                None => Reason::DeleteBecauseNoResourceConfig,
            }
        };
        let forget = !input.options.destroy
            && input
                .config
                .removals()
                .iter()
                .any(|removal| !removal.destroy && removal.from.matches(address));
        let (action, reason) = if forget {
            (Action::Forget, None)
        } else {
            (Action::Delete, Some(reason))
        };
        plan.changes.push(ResourceChange {
            address: address.clone(),
            resource_type: resource.resource_type.clone(),
            action,
            reason,
            before: resource.value.clone(),
            after: Value::Null,
            replace_paths: vec![],
            dependencies: delete_dependencies(&input, address, &resource.dependencies),
            create_before_destroy: resource.create_before_destroy,
            deployment: None,
            previous_address: None,
            importing: None,
            deposed: None,
        });
    }

    // Deposed objects are deleted, whatever the configuration says (Terraform does the same;
    // `-target` and `-exclude` select them by their instance's address).
    for (address, objects) in &input.state.deposed {
        for (key, resource) in objects {
            plan.changes.push(ResourceChange {
                deposed: Some(key.clone()),
                dependencies: delete_dependencies(&input, address, &resource.dependencies),
                create_before_destroy: resource.create_before_destroy,
                ..ResourceChange::new(
                    address.clone(),
                    resource.resource_type.clone(),
                    Action::Delete,
                    resource.value.clone(),
                    Value::Null,
                )
            });
        }
    }

    for removal in input.config.removals() {
        let still_declared = resources.keys().any(|id| {
            removal.from.matches(&Address {
                resource: (*id).clone(),
                key: None,
            })
        });
        if still_declared {
            diagnostics.push(
                Diagnostic::error(
                    "Removed resource block still exists",
                    format!("This statement declares that {} was removed, but it is still declared in configuration.", removal.from),
                )
                .at(Some(removal.location.clone())),
            );
        }
    }

    if !input.options.targets.is_empty() {
        restrict_to_targets(
            &mut plan,
            &input.options.targets,
            input.dependencies,
            input.options.destroy,
        );
    }

    if !input.options.excludes.is_empty() {
        leave_out_excluded(
            &mut plan,
            &input.options.excludes,
            input.dependencies,
            input.options.destroy,
        );
    }

    // prevent_destroy
    for change in &plan.changes {
        if change.action.is_destructive() {
            if let Some(resource) = resources.get(&change.address.resource) {
                if resource.lifecycle.prevent_destroy {
                    diagnostics.push(
                        Diagnostic::error(
                            "Instance cannot be destroyed",
                            format!(
                                "Resource {} has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed. To avoid this error and continue with the plan, either disable lifecycle.prevent_destroy or reduce the scope of the plan using the -target flag.",
                                change.address
                            ),
                        )
                        .at(Some(resource.location.clone()))
                        .for_address(&change.address),
                    );
                }
            }
        }
    }

    // A partial plan (-target, -exclude) leaves outputs alone: they may read what it skips.
    let partial = !input.options.targets.is_empty() || !input.options.excludes.is_empty();
    if !input.options.destroy && !partial {
        match input.evaluator.outputs(&planned) {
            Ok(outputs) => {
                for (name, output) in outputs {
                    let before = input.state.outputs.get(&name);
                    let before_value = before.map(|o| o.value.clone()).unwrap_or(Value::Null);
                    let action = match before {
                        None => Action::Create,
                        Some(_)
                            if equivalent(&before_value, &output.value)
                                && output.value.is_wholly_known() =>
                        {
                            Action::NoOp
                        }
                        Some(_) => Action::Update,
                    };
                    plan.outputs.insert(
                        name,
                        OutputChange {
                            action,
                            before: before_value,
                            after: output.value,
                            sensitive: output.sensitive,
                        },
                    );
                }
            }
            Err(errors) => diagnostics.extend(errors),
        }
    }
    for (name, output) in &input.state.outputs {
        if !plan.outputs.contains_key(name) && (input.options.destroy || !partial) {
            plan.outputs.insert(
                name.clone(),
                OutputChange {
                    action: Action::Delete,
                    before: output.value.clone(),
                    after: Value::Null,
                    sensitive: output.sensitive,
                },
            );
        }
    }

    if !input.options.destroy {
        plan.warnings
            .extend(input.evaluator.check_failures(&planned).0);
    }
    plan.changes.sort_by(|a, b| a.address.cmp(&b.address));
    diagnostics.into_result(plan)
}

/// Whether a `replace_triggered_by` entry fires, as Terraform decides: an update or
/// replacement of the resource (any instance) or of the named instance, or any change to the
/// named attribute.
fn is_triggered(trigger: &infra_config::ReplaceTrigger, changes: &[ResourceChange]) -> bool {
    changes
        .iter()
        .filter(|change| change.address.resource == trigger.resource)
        .filter(|change| trigger.key.is_none() || change.address.key == trigger.key)
        .any(|change| match &trigger.attribute {
            None => matches!(
                change.action,
                Action::Update | Action::DeleteThenCreate | Action::CreateThenDelete
            ),
            Some(attribute) => {
                change.action.is_change()
                    && change.action != Action::Read
                    && !equivalent(change.before.get(attribute), change.after.get(attribute))
            }
        })
}

/// OpenTofu's `-exclude`: the excluded instances are left alone, and so is everything that
/// depends on them (or, in a destroy, everything they depend on, which must outlive them).
fn leave_out_excluded(
    plan: &mut Plan,
    excludes: &[Address],
    dependencies: &BTreeMap<ResourceId, BTreeSet<ResourceId>>,
    destroy: bool,
) {
    let mut graph: Graph<ResourceId> = Graph::new();
    for (id, deps) in dependencies {
        graph.add_node(id.clone());
        for dep in deps {
            if destroy {
                graph.add_edge(id.clone(), dep.clone());
            } else {
                graph.add_edge(dep.clone(), id.clone());
            }
        }
    }
    let excluded_ids: BTreeSet<ResourceId> = excludes.iter().map(|e| e.resource.clone()).collect();
    let affected = graph.closure(excluded_ids.iter().cloned());
    plan.changes.retain(|change| {
        let named = excludes.iter().any(|e| e.contains(&change.address));
        let pulled_in = affected.contains(&change.address.resource)
            && !excluded_ids.contains(&change.address.resource);
        !(named || pulled_in)
    });
}

fn restrict_to_targets(
    plan: &mut Plan,
    targets: &[Address],
    dependencies: &BTreeMap<ResourceId, BTreeSet<ResourceId>>,
    destroy: bool,
) {
    let mut graph: Graph<ResourceId> = Graph::new();
    for (id, deps) in dependencies {
        graph.add_node(id.clone());
        for dep in deps {
            if destroy {
                // Destroying a target also destroys what depends on it.
                graph.add_edge(dep.clone(), id.clone());
            } else {
                graph.add_edge(id.clone(), dep.clone());
            }
        }
    }
    let targeted_ids: BTreeSet<ResourceId> = targets.iter().map(|t| t.resource.clone()).collect();
    let closure = graph.closure(targeted_ids.iter().cloned());
    plan.changes.retain(|change| {
        let named = targets.iter().any(|t| t.contains(&change.address));
        let pulled_in = closure.contains(&change.address.resource)
            && !targeted_ids.contains(&change.address.resource);
        named || pulled_in
    });
}

/// What an object being deleted depends on: what the state recorded, and, while its
/// resource is still configured, what its configuration references now (Terraform's destroy
/// graph uses both). An imported object has no recorded dependencies until an apply writes
/// them, and must still be deleted before what it uses.
fn delete_dependencies(input: &PlanInput, address: &Address, recorded: &[Address]) -> Vec<Address> {
    let mut dependencies: Vec<Address> = recorded.to_vec();
    for used in input
        .dependencies
        .get(&address.resource)
        .into_iter()
        .flatten()
    {
        dependencies.extend(
            input
                .state
                .resources
                .keys()
                .filter(|candidate| &candidate.resource == used && *candidate != address)
                .cloned(),
        );
    }
    dependencies.sort();
    dependencies.dedup();
    dependencies
}
