//! The planner: desired configuration + refreshed state → [`Plan`]. A plain function: no IO,
//! no async, linear in the number of resources.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use infra_config::{
    follow, Config, Evaluator, InstanceConfig, ResourceConfig, ResourceValue, ResourceValues,
    Shaped, Step,
};
use infra_core::{
    Action, Address, Diagnostic, Diagnostics, InstanceKey, Mode, Registry, ResourceId,
    ResourceType, Value,
};
use infra_state::{ResourceState, State};

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
    pub options: &'a PlanOptions,
}

/// Resource values as planned so far, for references: the data sources read, and each
/// planned resource's instances where they are in the plan's changes (their `after`), so that
/// the plan holds each planned object once.
struct PlannedValues<'p> {
    data: &'p BTreeMap<ResourceId, ResourceValue>,
    at: &'p BTreeMap<ResourceId, Shaped<usize>>,
    changes: &'p [ResourceChange],
}

impl ResourceValues for PlannedValues<'_> {
    fn get(&self, id: &ResourceId) -> Option<ResourceValue> {
        match self.at.get(id) {
            Some(at) => Some(at.map(|&i| self.changes[i].after.clone())),
            None => self.data.get(id).cloned(),
        }
    }

    fn get_part(&self, id: &ResourceId, steps: &[Step]) -> Option<(Value, usize)> {
        let Some(at) = self.at.get(id) else {
            return self.data.get_part(id, steps);
        };
        Some(match at.instance(steps) {
            Some((&i, first)) => {
                let (reached, taken) = follow(&self.changes[i].after, &steps[first..]);
                (reached.clone(), first + taken)
            }
            None => (self.get(id)?.into_value(), 0),
        })
    }
}

/// The part of a managed resource's value in `state` that `steps` reach (see
/// [`ResourceValue::part`]), for a resource without count or for_each: its one object is lent
/// from the state, not copied whole.
pub fn single_part_in_state(
    state: &State,
    resource: &ResourceConfig,
    steps: &[Step],
) -> Option<(Value, usize)> {
    if resource.has_count || resource.has_for_each {
        return None;
    }
    let object = state.resources.get(&resource.id.instance(None))?;
    let (reached, taken) = follow(&object.value, steps);
    Some((reached.clone(), taken))
}

/// Shapes instance values the way references see them: one object, a list, or a map.
pub fn shape(resource: &ResourceConfig, instances: Vec<(Address, Value)>) -> ResourceValue {
    shaped(resource, instances).unwrap_or(Shaped::Single(Value::Unknown))
}

/// Shapes what each instance has; `None` for a single resource without its instance.
fn shaped<T>(resource: &ResourceConfig, instances: Vec<(Address, T)>) -> Option<Shaped<T>> {
    Some(if resource.has_count {
        let mut items: Vec<(i64, T)> = instances
            .into_iter()
            .map(|(address, value)| match address.key {
                Some(InstanceKey::Index(i)) => (i, value),
                _ => (0, value),
            })
            .collect();
        items.sort_by_key(|(i, _)| *i);
        Shaped::Counted(items.into_iter().map(|(_, v)| v).collect())
    } else if resource.has_for_each {
        Shaped::Keyed(
            instances
                .into_iter()
                .map(|(address, value)| match address.key {
                    Some(InstanceKey::Key(k)) => (k, value),
                    other => (other.map(|k| k.to_string()).unwrap_or_default(), value),
                })
                .collect(),
        )
    } else {
        Shaped::Single(instances.into_iter().next()?.1)
    })
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
    state.deployments.values().flat_map(|record| rollouts.routes(record)).collect()
}

/// The lifecycle to plan with: an object whose traffic a deployment moves ignores the
/// attributes its type names as traffic paths (a listener's actions).
fn effective_lifecycle(
    lifecycle: &infra_config::Lifecycle,
    prior: Option<&Value>,
    owned: &BTreeSet<String>,
    traffic_paths: &[&str],
) -> infra_config::Lifecycle {
    let owned_here = prior.and_then(|p| p.get("id").as_str()).is_some_and(|id| owned.contains(id));
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

/// Plans `input`: each configured resource in dependency order, then what the state holds
/// and the configuration no longer wants, narrowed by `-target` and `-exclude`, then the
/// outputs.
pub fn plan(input: PlanInput<'_>) -> Result<Plan, Diagnostics> {
    let _span = tracing::info_span!("plan").entered();
    let mut planning = Planning::new(&input);
    if !input.options.destroy {
        for id in input.order {
            planning.plan_resource(id);
        }
    }
    planning.plan_deletions();
    planning.check_removals();
    let Planning { resources, mut plan, mut diagnostics, planned_at, .. } = planning;
    // The outputs and check blocks read the planned values, which are in the changes: before
    // `-target` and `-exclude` narrow them.
    let planned = PlannedValues { data: input.data, at: &planned_at, changes: &plan.changes };
    let mut output_errors = Diagnostics::new();
    plan_outputs(&input, &planned, &mut plan.outputs, &mut output_errors);
    let check_warnings =
        if input.options.destroy { Vec::new() } else { input.evaluator.check_failures(&planned).0 };
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
    for error in prevent_destroy_errors(&plan, &resources) {
        diagnostics.push(error);
    }
    diagnostics.extend(output_errors);
    plan.warnings.extend(check_warnings);
    plan.changes.sort_by(|a, b| a.address.cmp(&b.address));
    diagnostics.into_result(plan)
}

/// One plan being made, and what has been planned so far for the references of what comes
/// next.
struct Planning<'i, 'a> {
    input: &'i PlanInput<'a>,
    /// The configured resources by id.
    resources: BTreeMap<&'a ResourceId, &'a ResourceConfig>,
    /// The routes a rollout owns ([`routes_owned_by_rollouts`]).
    owned_routes: BTreeSet<String>,
    plan: Plan,
    diagnostics: Diagnostics,
    /// Where each resource planned so far has its instances in `plan.changes`, as references
    /// see them (see [`Planning::planned`]).
    planned_at: BTreeMap<ResourceId, Shaped<usize>>,
    /// Each planned resource's instances, for instance-level dependencies.
    instances_of: BTreeMap<ResourceId, Vec<Address>>,
    /// The instances the configuration wants; the rest of the state is deleted.
    desired: BTreeSet<Address>,
}

impl<'i, 'a> Planning<'i, 'a> {
    fn new(input: &'i PlanInput<'a>) -> Self {
        let resources = input.config.resources_by_id();
        // At least a change per resource block: sized once, where a growing vector of 100,000
        // changes was copied into fresh memory at each doubling.
        let changes = Vec::with_capacity(resources.len());
        Planning {
            input,
            resources,
            owned_routes: routes_owned_by_rollouts(input.state, input.registry),
            plan: Plan { destroy: input.options.destroy, changes, ..Plan::default() },
            diagnostics: Diagnostics::new(),
            planned_at: BTreeMap::new(),
            instances_of: BTreeMap::new(),
            desired: BTreeSet::new(),
        }
    }

    /// The values planned so far, as references see them.
    fn planned(&self) -> PlannedValues<'_> {
        PlannedValues { data: self.input.data, at: &self.planned_at, changes: &self.plan.changes }
    }

    /// Plans every instance of one configured resource (a data source: the reads deferred to
    /// apply).
    fn plan_resource(&mut self, id: &ResourceId) {
        let input = self.input;
        let Some(&resource) = self.resources.get(id) else {
            return;
        };
        if id.mode != Mode::Managed {
            let reads = deferred_reads(input, id, &self.planned(), &self.instances_of);
            self.instances_of.insert(id.clone(), reads.iter().map(|c| c.address.clone()).collect());
            self.plan.changes.extend(reads);
            return;
        }
        let Some(resource_type) = self.resource_type(id, resource) else {
            return;
        };
        let instances = match input.evaluator.expand(id, &self.planned()) {
            Ok(instances) => instances,
            Err(errors) => {
                self.diagnostics.extend(errors);
                return;
            }
        };
        let dependencies: Vec<Address> = input
            .dependencies
            .get(id)
            .into_iter()
            .flatten()
            .filter_map(|dep| self.instances_of.get(dep))
            .flatten()
            .cloned()
            .collect();
        let mut planned = Vec::with_capacity(instances.len());
        for instance in instances {
            let change =
                self.plan_instance(resource, resource_type.as_ref(), instance, &dependencies);
            planned.push((change.address.clone(), self.plan.changes.len()));
            self.desired.insert(change.address.clone());
            self.plan.changes.push(change);
        }
        self.instances_of.insert(id.clone(), planned.iter().map(|(a, _)| a.clone()).collect());
        if let Some(at) = shaped(resource, planned) {
            self.planned_at.insert(id.clone(), at);
        }
    }

    /// The type of a configured resource, whose provider configuration must exist; `None`
    /// after saying why not.
    fn resource_type(
        &mut self,
        id: &ResourceId,
        resource: &ResourceConfig,
    ) -> Option<&'i Arc<dyn ResourceType>> {
        let input = self.input;
        let configuration = input.config.provider_configuration(id);
        if !input.registry.has_configuration(&configuration) {
            self.diagnostics.push(
                Diagnostic::error(
                    "Provider configuration not present",
                    format!("{id} refers to the provider configuration {configuration}, but no provider block declares it. Add `provider \"{}\" {{ alias = \"{}\" }}` to the root module, or pass it to the module with `providers`.", infra_core::resource::provider_name(&id.resource_type), configuration.split_once('.').map(|(_, alias)| alias).unwrap_or_default()),
                )
                .at(Some(resource.location.clone())),
            );
            return None;
        }
        let found = input.registry.resource(&id.resource_type);
        if found.is_none() {
            self.diagnostics.push(
                Diagnostic::error(
                    "Unknown resource type",
                    format!("The resource type \"{}\" is not supported.", id.resource_type),
                )
                .at(Some(resource.location.clone())),
            );
        }
        found
    }

    /// The change of one instance: its arguments checked, its conditions evaluated, and what
    /// the diff decides given its prior object, lifecycle and replace requests.
    fn plan_instance(
        &mut self,
        resource: &ResourceConfig,
        resource_type: &dyn ResourceType,
        instance: InstanceConfig,
        dependencies: &[Address],
    ) -> ResourceChange {
        let input = self.input;
        let id = &resource.id;
        self.check_arguments(id, resource_type, &instance);
        let failures = input.evaluator.condition_failures(
            &instance.address,
            &self.planned(),
            "precondition",
            None,
        );
        self.diagnostics.extend(failures);
        let prior_record = input.state.get(&instance.address);
        let prior = prior_record.map(|r| &r.value);
        let lifecycle = effective_lifecycle(
            &resource.lifecycle,
            prior,
            &self.owned_routes,
            resource_type.traffic_paths(),
        );
        let (requested, triggered) = self.replacement_asked(&instance.address, prior.is_some());
        let mut decision = plan_instance(InstanceInput {
            resource: resource_type,
            config: &instance.value,
            prior,
            lifecycle: &lifecycle,
            tagging: input.registry.tagging(),
            force_replace: requested || triggered,
            tainted: prior_record.is_some_and(|r| r.tainted),
            timeouts: instance.stored_timeouts(resource_type.schema()),
        });
        if resource.lifecycle.forget_instead_of_destroy {
            self.refuse_replacing_what_is_kept(resource, &instance.address, &decision);
        }
        // Write-only arguments are read from the configuration again when applied; the plan
        // (and what other resources see of this one) holds null.
        resource_type.schema().clear_write_only(&mut decision.after);
        if decision.after.is_wholly_known() {
            let failures = input.evaluator.condition_failures(
                &instance.address,
                &self.planned(),
                "postcondition",
                Some(&decision.after),
            );
            self.diagnostics.extend(failures);
        }
        let reason = match decision.reason {
            Some(Reason::ReplaceByRequest) if triggered && !requested => {
                Some(Reason::ReplaceByTriggers)
            }
            reason => reason,
        }
        .or_else(|| {
            (decision.action == Action::Create && input.deleted_outside.contains(&instance.address))
                .then_some(Reason::DeletedOutside)
        });
        let deployment = (decision.action == Action::Update)
            .then(|| {
                let record = input.state.deployments.get(&instance.address.to_string())?;
                input.registry.rollouts()?.plan(&id.resource_type, &decision.after, record)
            })
            .flatten();
        ResourceChange {
            address: instance.address,
            resource_type: id.resource_type.clone(),
            action: decision.action,
            reason,
            before: prior.cloned().unwrap_or(Value::Null),
            after: decision.after,
            replace_paths: decision.replace_paths,
            dependencies: dependencies.to_vec(),
            create_before_destroy: resource.lifecycle.create_before_destroy,
            deployment,
            previous_address: None,
            importing: None,
            deposed: None,
        }
    }

    /// The instance's arguments checked against its type: errors, and warnings for arguments
    /// the type ignores.
    fn check_arguments(
        &mut self,
        id: &ResourceId,
        resource_type: &dyn ResourceType,
        instance: &InstanceConfig,
    ) {
        let config = self.input.config;
        for (path, message) in resource_type.problems(&instance.value) {
            self.diagnostics.push(
                Diagnostic::error("Invalid resource argument", message)
                    .at(config.location_of(id, &path))
                    .for_address(&instance.address),
            );
        }
        for (path, message) in resource_type.warnings(&instance.value) {
            self.plan.warnings.push(
                Diagnostic::warning("Argument ignored", message)
                    .at(config.location_of(id, &path))
                    .for_address(&instance.address),
            );
        }
    }

    /// Whether `-replace` names the instance, and whether its `replace_triggered_by` fired
    /// (only for an object that exists).
    fn replacement_asked(&mut self, address: &Address, exists: bool) -> (bool, bool) {
        let input = self.input;
        let requested = input.options.replace.iter().any(|r| r.contains(address));
        let triggered = match input.evaluator.replace_triggers(address) {
            Ok(triggers) => exists && triggers.iter().any(|t| is_triggered(t, &self.plan.changes)),
            Err(errors) => {
                self.diagnostics.extend(errors);
                false
            }
        };
        (requested, triggered)
    }

    /// A replacement of an object whose lifecycle sets `destroy = false` is an error.
    /// Terraform creates the new object and forgets the old one (CreateThenForget); infra has
    /// no such action yet, and never destroys what `destroy = false` keeps.
    fn refuse_replacing_what_is_kept(
        &mut self,
        resource: &ResourceConfig,
        address: &Address,
        decision: &crate::diff::InstancePlan,
    ) {
        if !matches!(decision.action, Action::DeleteThenCreate | Action::CreateThenDelete) {
            return;
        }
        let why = if decision.replace_paths.is_empty() {
            "replacement requested".to_string()
        } else {
            decision.replace_paths.join(", ")
        };
        self.diagnostics.push(
            Diagnostic::error(
                "Replacement not supported yet with destroy = false",
                format!("{address} must be replaced ({why}), and its lifecycle sets destroy = false. Terraform would create the new object and forget the old one; infra cannot do that yet. Remove the change that forces the replacement, or use `infra state rm` and apply to create the new object while the old one is left alone."),
            )
            .at(Some(resource.location.clone()))
            .for_address(address),
        );
    }

    /// Deletes (or, for a `removed` block with `destroy = false`, forgets) what the state
    /// holds and the configuration no longer wants, and every deposed object (as Terraform
    /// does, whatever the configuration says; `-target` and `-exclude` select them by their
    /// instance's address).
    fn plan_deletions(&mut self) {
        let input = self.input;
        let in_state = instances_by_resource(input.state);
        for (address, resource) in &input.state.resources {
            if address.resource.mode != Mode::Managed || self.desired.contains(address) {
                continue;
            }
            let reason = if input.options.destroy {
                Reason::Destroy
            } else if !self.resources.contains_key(&address.resource) {
                Reason::DeleteBecauseNoResourceConfig
            } else {
                match address.key {
                    Some(InstanceKey::Index(_)) => Reason::DeleteBecauseCountIndex,
                    Some(InstanceKey::Key(_)) => Reason::DeleteBecauseEachKey,
                    None => Reason::DeleteBecauseNoResourceConfig,
                }
            };
            // A `removed` block with `destroy = false`, or the resource's own `lifecycle {
            // destroy = false }` (Terraform 1.16, which holds for `destroy` too).
            let removed_not_destroyed = !input.options.destroy
                && input
                    .config
                    .removals()
                    .iter()
                    .any(|removal| !removal.destroy && removal.from.matches(address));
            let kept = self
                .resources
                .get(&address.resource)
                .is_some_and(|resource| resource.lifecycle.forget_instead_of_destroy);
            let forget = removed_not_destroyed || kept;
            let (action, reason) =
                if forget { (Action::Forget, None) } else { (Action::Delete, Some(reason)) };
            let mut change = deletion(input, &in_state, address, resource);
            (change.action, change.reason) = (action, reason);
            self.plan.changes.push(change);
        }
        for (address, objects) in &input.state.deposed {
            for (key, resource) in objects {
                self.plan.changes.push(ResourceChange {
                    deposed: Some(key.clone()),
                    ..deletion(input, &in_state, address, resource)
                });
            }
        }
    }

    /// A `removed` block whose resource is still declared is an error.
    fn check_removals(&mut self) {
        for removal in self.input.config.removals() {
            let still_declared = self
                .resources
                .keys()
                .any(|id| removal.from.matches(&Address { resource: (*id).clone(), key: None }));
            if still_declared {
                self.diagnostics.push(
                    Diagnostic::error(
                        "Removed resource block still exists",
                        format!("This statement declares that {} was removed, but it is still declared in configuration.", removal.from),
                    )
                    .at(Some(removal.location.clone())),
                );
            }
        }
    }
}

/// `lifecycle.prevent_destroy` on a resource that the plan destroys.
fn prevent_destroy_errors(
    plan: &Plan,
    resources: &BTreeMap<&ResourceId, &ResourceConfig>,
) -> Vec<Diagnostic> {
    plan.changes
        .iter()
        .filter(|change| change.action.is_destructive())
        .filter_map(|change| {
            let resource = resources.get(&change.address.resource)?;
            resource.lifecycle.prevent_destroy.then(|| {
                Diagnostic::error(
                    "Instance cannot be destroyed",
                    format!(
                        "Resource {} has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed. To avoid this error and continue with the plan, either disable lifecycle.prevent_destroy or reduce the scope of the plan using the -target flag.",
                        change.address
                    ),
                )
                .at(Some(resource.location.clone()))
                .for_address(&change.address)
            })
        })
        .collect()
}

/// The outputs' changes. A partial plan (`-target`, `-exclude`) leaves outputs alone: they
/// may read what it skips. Outputs the configuration no longer has are deleted.
fn plan_outputs(
    input: &PlanInput<'_>,
    planned: &PlannedValues,
    outputs: &mut BTreeMap<String, OutputChange>,
    diagnostics: &mut Diagnostics,
) {
    let partial = !input.options.targets.is_empty() || !input.options.excludes.is_empty();
    if !input.options.destroy && !partial {
        match input.evaluator.outputs(planned) {
            Ok(configured) => {
                for (name, output) in configured {
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
                    outputs.insert(
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
        if !outputs.contains_key(name) && (input.options.destroy || !partial) {
            outputs.insert(
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
    let excluded = selection(excludes, dependencies, destroy);
    plan.changes.retain(|change| !excluded(&change.address));
}

/// `-target`: the targeted instances and what they depend on (or, in a destroy, what depends
/// on them, which goes first).
fn restrict_to_targets(
    plan: &mut Plan,
    targets: &[Address],
    dependencies: &BTreeMap<ResourceId, BTreeSet<ResourceId>>,
    destroy: bool,
) {
    let targeted = selection(targets, dependencies, !destroy);
    plan.changes.retain(|change| targeted(&change.address));
}

/// What `addresses` select: the instances they name, and every instance of the resources
/// their resources reach in the dependency graph, toward what they depend on
/// (`toward_dependencies`) or toward what depends on them (their own resources' other
/// instances aside).
fn selection<'a>(
    addresses: &'a [Address],
    dependencies: &BTreeMap<ResourceId, BTreeSet<ResourceId>>,
    toward_dependencies: bool,
) -> impl Fn(&Address) -> bool + 'a {
    let mut graph: Graph<ResourceId> = Graph::new();
    for (id, deps) in dependencies {
        graph.add_node(id.clone());
        for dep in deps {
            if toward_dependencies {
                graph.add_edge(id.clone(), dep.clone());
            } else {
                graph.add_edge(dep.clone(), id.clone());
            }
        }
    }
    let named: BTreeSet<ResourceId> = addresses.iter().map(|a| a.resource.clone()).collect();
    let reached = graph.closure(named.iter().cloned());
    move |address| {
        addresses.iter().any(|a| a.contains(address))
            || (reached.contains(&address.resource) && !named.contains(&address.resource))
    }
}

/// What an object being deleted depends on: what the state recorded, and, while its
/// resource is still configured, what its configuration references now (Terraform's destroy
/// graph uses both). An imported object has no recorded dependencies until an apply writes
/// them, and must still be deleted before what it uses.
/// The state's instances of each resource, so that a deletion's dependencies are found
/// without a scan of the whole state for each (linear at 100,000 resources; issue 34).
fn instances_by_resource(state: &State) -> BTreeMap<&ResourceId, Vec<&Address>> {
    let mut instances: BTreeMap<&ResourceId, Vec<&Address>> = BTreeMap::new();
    for address in state.resources.keys() {
        instances.entry(&address.resource).or_default().push(address);
    }
    instances
}

/// The deletion of a state object at `address`.
fn deletion(
    input: &PlanInput,
    in_state: &BTreeMap<&ResourceId, Vec<&Address>>,
    address: &Address,
    resource: &ResourceState,
) -> ResourceChange {
    ResourceChange {
        dependencies: delete_dependencies(input, in_state, address, &resource.dependencies),
        create_before_destroy: resource.create_before_destroy,
        ..ResourceChange::new(
            address.clone(),
            resource.resource_type.clone(),
            Action::Delete,
            resource.value.clone(),
            Value::Null,
        )
    }
}

/// What a deleted instance depends on: what its state records, and the state's instances of
/// the resources its configuration references (deleted after it).
fn delete_dependencies(
    input: &PlanInput,
    in_state: &BTreeMap<&ResourceId, Vec<&Address>>,
    address: &Address,
    recorded: &[Address],
) -> Vec<Address> {
    let mut dependencies: Vec<Address> = recorded.to_vec();
    for used in input.dependencies.get(&address.resource).into_iter().flatten() {
        dependencies.extend(
            in_state
                .get(used)
                .into_iter()
                .flatten()
                .filter(|candidate| **candidate != address)
                .map(|candidate| (*candidate).clone()),
        );
    }
    dependencies.sort();
    dependencies.dedup();
    dependencies
}

#[cfg(test)]
mod selection_tests {
    use super::*;

    /// `x.c` depends on `x.b`, which depends on `x.a`.
    fn chain() -> BTreeMap<ResourceId, BTreeSet<ResourceId>> {
        let id = |name: &str| at(name).resource;
        BTreeMap::from([
            (id("x.a"), BTreeSet::new()),
            (id("x.b"), BTreeSet::from([id("x.a")])),
            (id("x.c"), BTreeSet::from([id("x.b")])),
        ])
    }

    fn at(text: &str) -> Address {
        text.parse().unwrap()
    }

    fn selected(addresses: &[&str], toward_dependencies: bool) -> Vec<&'static str> {
        let addresses: Vec<Address> = addresses.iter().map(|a| at(a)).collect();
        let dependencies = chain();
        let selects = selection(&addresses, &dependencies, toward_dependencies);
        ["x.a", "x.b[0]", "x.b[1]", "x.c"].into_iter().filter(|a| selects(&at(a))).collect()
    }

    #[test]
    fn a_selection_is_what_it_names_and_what_their_resources_reach_one_way() {
        // -target: what the target depends on; in a destroy, what depends on it.
        assert_eq!(selected(&["x.b"], true), ["x.a", "x.b[0]", "x.b[1]"]);
        assert_eq!(selected(&["x.b"], false), ["x.b[0]", "x.b[1]", "x.c"]);
        // An instance: its resource's other instances are not selected.
        assert_eq!(selected(&["x.b[0]"], true), ["x.a", "x.b[0]"]);
        assert_eq!(selected(&["x.c"], true), ["x.a", "x.b[0]", "x.b[1]", "x.c"]);
        assert_eq!(selected(&["x.a"], true), ["x.a"]);
    }
}
