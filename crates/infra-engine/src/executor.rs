//! The executor: walks a plan's operations in dependency order, up to `parallelism` at once,
//! and persists the state after every single operation. Before each create it journals a
//! `pending` entry so that a run killed at any moment can be resolved by the next one. A
//! failed operation's dependents are not started; everything else goes on, as in Terraform.
//!
//! Configuration is evaluated again per resource as its dependencies complete, so values that
//! were "known after apply" at plan time are real by the time they are sent.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use futures::stream::{FuturesUnordered, StreamExt};
use infra_config::{
    Config, Evaluator, InstanceConfig, LocalExec, ResourceConfig, ResourceValue, When,
};
use infra_core::{
    Action, Address, Cause, InstanceKey, Mode, Operation, ProviderError, Registry, ResourceId,
    ResourceType, Timeouts, Value,
};
use infra_state::{Backend, OutputState, PendingCreate, ResourceState, State, StateError};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tracing::Instrument;

use crate::diff::{keep_stored_timeouts, plan_instance, InstanceInput};
use crate::graph::Graph;
use crate::lost_answer::{Careful, DEFAULT_RETRIES};
use crate::observer::{Event, Observer};
use crate::persist::{persist, persist_object};
use crate::plan::{Plan, ResourceChange};
use crate::state_values::StateValues;
use infra_core::rollout::{RolloutEvents, RolloutRecord, Rollouts};

/// Everything the executor needs besides the plan and the state.
pub struct Executor<'a> {
    pub config: &'a Config,
    pub evaluator: &'a Evaluator<'a>,
    pub registry: &'a Registry,
    pub backend: &'a dyn Backend,
    pub observer: &'a dyn Observer,
    pub parallelism: usize,
    /// Data sources read at plan time; those the plan reads during apply are added as they
    /// are read.
    pub data: RefCell<BTreeMap<ResourceId, ResourceValue>>,
    /// Set (by a signal handler) to stop starting operations: those in flight finish and are
    /// saved, the rest are not started, and the apply ends with [`ApplyError::Interrupted`].
    pub stop: &'a AtomicBool,
    /// How long the walk may go without an operation starting or finishing before the
    /// watchdog reports it at debug ([`crate::watchdog::QUIET`] in the CLI).
    pub watchdog_quiet: Duration,
}

/// One failed operation.
#[derive(Debug, Clone)]
pub struct OperationError {
    pub address: Address,
    pub action: Action,
    pub error: ProviderError,
}

#[derive(Debug)]
pub enum ApplyError {
    /// Provider operations failed; the state holds everything that succeeded.
    Operations(Vec<OperationError>),
    /// The state could not be persisted.
    State(StateError),
    /// The configuration could not be evaluated at apply time.
    Config(infra_core::Diagnostics),
    /// Stopped by [`Executor::stop`]: `finished` operations completed (and are in the state),
    /// `not_started` were never begun, and `failed` had failed before the stop.
    Interrupted { finished: usize, not_started: usize, failed: Vec<OperationError> },
}

impl std::fmt::Display for ApplyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApplyError::Operations(errors) => {
                for (i, e) in errors.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{}: {} failed: {}", e.address, verb(e.action), e.error)?;
                }
                Ok(())
            }
            ApplyError::State(error) => write!(f, "{error}"),
            ApplyError::Config(diagnostics) => write!(f, "{diagnostics}"),
            ApplyError::Interrupted { finished, not_started, failed } => {
                write!(
                    f,
                    "Interrupted: {finished} operations finished, {not_started} not started"
                )?;
                match failed.len() {
                    0 => Ok(()),
                    count => write!(f, ", {count} failed"),
                }
            }
        }
    }
}

fn verb(action: Action) -> &'static str {
    match action {
        Action::Create | Action::DeleteThenCreate | Action::CreateThenDelete => "create",
        Action::Update => "update",
        Action::Delete => "delete",
        Action::Read => "read",
        Action::NoOp => "no-op",
        Action::Forget => "forget",
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    /// Create or update (including the create half of a replacement).
    Apply,
    Delete,
}

type Node = (Address, Phase);

impl Executor<'_> {
    /// Executes `plan` against `state`, returning the final state (also persisted).
    pub async fn apply(&self, plan: &Plan, mut state: State) -> (State, Result<(), ApplyError>) {
        self.evaluator.begin_apply();
        // Moves, imports and forgets first: they change only the state, and every operation
        // after them works at the objects' new addresses.
        if crate::refactoring::apply_state_edits(plan, &mut state, self.registry) {
            if let Err(error) = persist(self.backend, &mut state) {
                return (state, Err(ApplyError::State(error)));
            }
        }
        let mut errors = match self.delete_all_deposed(plan, &mut state).await {
            Ok(errors) => errors,
            Err(error) => return (state, Err(error)),
        };
        let graph = operation_graph(plan, &state, self.registry);
        if let Err(cycle) = graph.topological_order() {
            return (state, Err(cycle_error(&cycle)));
        }
        let changes: BTreeMap<&Address, &ResourceChange> =
            plan.changes.iter().filter(|c| c.deposed.is_none()).map(|c| (&c.address, c)).collect();
        let resources = self.config.resources_by_id();

        // The rollout records as the apply found them: a create_before_destroy replacement
        // deletes the old object through its own record, after the new object's has taken its
        // place in the state.
        let records_before = state.deployments.clone();
        let opened_before = crate::data::opened(&self.data.borrow());
        let state = RefCell::new(state);
        let expansions: RefCell<BTreeMap<ResourceId, Vec<InstanceConfig>>> = RefCell::default();
        let mut schedule = Schedule::of(&graph);
        let mut running = FuturesUnordered::new();
        let mut fatal: Option<ApplyError> = None;
        let operations = graph.nodes().filter(|node| changes.contains_key(&node.0)).count();
        let mut finished = 0;
        let failed_before = errors.len();
        let watchdog = crate::watchdog::Watchdog::start(self.watchdog_quiet);

        // As Terraform's walk: a failed operation's dependents never become ready (they are
        // not started), and everything else goes on.
        loop {
            while !self.stop.load(Ordering::SeqCst)
                && fatal.is_none()
                && running.len() < self.parallelism.max(1)
            {
                let Some(node) = schedule.ready.pop_first() else {
                    break;
                };
                let Some(change) = changes.get(&node.0) else {
                    continue;
                };
                let ready = schedule.ready.len();
                watchdog.note(|walk, now| walk.started(&node.0, ready, now));
                let walk = (&state, &resources, &expansions, &records_before);
                running.push(self.run(node, change, walk));
            }
            let Some((node, outcome)) = running.next().await else {
                break;
            };
            let ready = schedule.ready.len();
            watchdog.note(|walk, now| walk.ended(&node.0, ready, now));
            match outcome {
                Ok(()) => {
                    finished += 1;
                    schedule.done(&node);
                }
                Err(RunError::Operation(error)) => errors.push(*error),
                Err(RunError::Fatal(error)) => fatal = Some(error),
            }
        }
        drop(running);
        drop(watchdog);
        // The ephemeral resources the walk opened (the plan deferred them to it), closed.
        let opened = crate::data::opened(&self.data.borrow());
        crate::data::close(opened.difference(&opened_before), self.observer);
        let outcome = Outcome {
            not_started: operations.saturating_sub(finished + errors.len() - failed_before),
            fatal,
            errors,
            finished,
        };
        self.finish(plan, state.into_inner(), &resources, outcome)
    }

    /// Deletes the deposed objects, first: what a replacement set aside is superseded, and
    /// nothing in the configuration uses it, while what it uses may be deleted after. The
    /// deletes that failed, or the error that stops the apply.
    async fn delete_all_deposed(
        &self,
        plan: &Plan,
        state: &mut State,
    ) -> Result<Vec<OperationError>, ApplyError> {
        let mut errors = Vec::new();
        for change in plan.changes.iter().filter(|c| c.deposed.is_some()) {
            if self.stop.load(Ordering::SeqCst) {
                break;
            }
            match self.delete_deposed(change, state).await {
                Ok(()) => {}
                Err(RunError::Operation(error)) => errors.push(*error),
                Err(RunError::Fatal(error)) => return Err(error),
            }
        }
        Ok(errors)
    }

    /// Ends an apply: records the check results and the outputs, and leaves the whole state
    /// in the file (the objects' records compacted into it), unless it could not be written
    /// at all.
    fn finish(
        &self,
        plan: &Plan,
        mut state: State,
        resources: &BTreeMap<&ResourceId, &ResourceConfig>,
        outcome: Outcome,
    ) -> (State, Result<(), ApplyError>) {
        let Outcome { mut fatal, mut errors, finished, not_started } = outcome;
        if self.stop.load(Ordering::SeqCst) && fatal.is_none() && not_started > 0 {
            // The failures go with the interruption, so that both are reported.
            fatal = Some(ApplyError::Interrupted {
                finished,
                not_started,
                failed: std::mem::take(&mut errors),
            });
        }
        state.check_results = if state.resources.is_empty() {
            Vec::new()
        } else {
            self.check_results(&state, resources)
        };
        let mut written_whole = false;
        if fatal.is_none() && errors.is_empty() && !plan.destroy {
            match self.update_outputs(&mut state, resources) {
                Ok(()) => written_whole = true,
                Err(error) => fatal = Some(error),
            }
        } else if plan.destroy && errors.is_empty() && fatal.is_none() && state.resources.is_empty()
        {
            state.outputs.clear();
            written_whole = true;
            if let Err(error) = persist(self.backend, &mut state) {
                fatal = Some(ApplyError::State(error));
            }
        }
        // Whatever happened, the run ends with the whole state in the file (the objects'
        // records compacted into it), unless the state could not be written at all.
        if !written_whole && !matches!(fatal, Some(ApplyError::State(_))) {
            if let Err(error) = persist(self.backend, &mut state) {
                fatal.get_or_insert(ApplyError::State(error));
            }
        }
        let result = match (fatal, errors.is_empty()) {
            (Some(error), _) => Err(error),
            (None, false) => Err(ApplyError::Operations(errors)),
            (None, true) => Ok(()),
        };
        (state, result)
    }

    /// Deletes the deposed object a change names and forgets it; the state is written whole.
    async fn delete_deposed(
        &self,
        change: &ResourceChange,
        state: &mut State,
    ) -> Result<(), RunError> {
        let address = &change.address;
        let key = change.deposed.as_deref().unwrap_or_default();
        let Some(object) = state.deposed.get(address).and_then(|o| o.get(key)).cloned() else {
            return Ok(());
        };
        let configuration = object.provider.clone().unwrap_or_else(|| {
            infra_core::resource::provider_name(&object.resource_type).to_string()
        });
        let registry = self.registry.for_configuration(&configuration);
        let action = Action::Delete;
        let resource_type = registry
            .resource(&object.resource_type)
            .ok_or_else(|| unsupported_type(address, action, &object.resource_type))?;
        let mut operation = Operation {
            address: address.to_string(),
            lineage: state.lineage.clone(),
            timeouts: resource_type.default_timeouts(),
            rollouts: Vec::new(),
        };
        stored_delete_timeout(&mut operation, &object.value);
        let record_key = deposed_record_key(address, key);
        let record = state.deployments.get(&record_key);
        self.delete_object(
            address,
            registry,
            resource_type.as_ref(),
            &operation,
            record,
            &object.value,
        )
        .await
        .map_err(|error| op_error(address, action, error))?;
        state.forget_deposed(address, key);
        state.deployments.remove(&record_key);
        persist(self.backend, state).map_err(|e| RunError::Fatal(ApplyError::State(e)))
    }

    /// Terraform's check results against the applied state ([`Evaluator::check_results`]).
    fn check_results(
        &self,
        state: &State,
        resources: &BTreeMap<&ResourceId, &ResourceConfig>,
    ) -> Vec<infra_core::CheckResult> {
        let data = self.data.borrow();
        let values = StateValues::applied(state, resources, &data);
        let objects: Vec<(&Address, &Value)> =
            state.resources.iter().map(|(address, resource)| (address, &resource.value)).collect();
        self.evaluator.check_results(&values, &objects)
    }

    /// The `check` assertions that fail against the applied state: warnings.
    pub fn check_failures(&self, state: &State) -> infra_core::Diagnostics {
        let resources = self.config.resources_by_id();
        let data = self.data.borrow();
        let values = StateValues::applied(state, &resources, &data);
        self.evaluator.check_failures(&values)
    }

    fn update_outputs(
        &self,
        state: &mut State,
        resources: &BTreeMap<&ResourceId, &ResourceConfig>,
    ) -> Result<(), ApplyError> {
        let outputs = {
            let data = self.data.borrow();
            let values = StateValues::applied(state, resources, &data);
            self.evaluator.outputs(&values).map_err(ApplyError::Config)?
        };
        state.outputs = outputs
            .into_iter()
            .map(|(name, output)| {
                (name, OutputState { value: output.value, sensitive: output.sensitive })
            })
            .collect();
        persist(self.backend, state).map_err(ApplyError::State)
    }

    async fn run(
        &self,
        node: Node,
        change: &ResourceChange,
        walk: Walk<'_>,
    ) -> (Node, Result<(), RunError>) {
        let span = tracing::info_span!("operation", address = %node.0, action = ?change.action);
        let outcome = self.run_inner(&node, change, walk).instrument(span).await;
        (node, outcome)
    }

    async fn run_inner(
        &self,
        node: &Node,
        change: &ResourceChange,
        (state, resources, expansions, records_before): Walk<'_>,
    ) -> Result<(), RunError> {
        let address = &node.0;
        if change.action == Action::Read {
            return self.read_deferred(address, change, state, resources, expansions).await;
        }
        let configuration = self.configuration_of(address, state);
        let registry = self.registry.for_configuration(&configuration);
        let resource_type = registry
            .resource(&change.resource_type)
            .ok_or_else(|| unsupported_type(address, change.action, &change.resource_type))?
            .as_ref();
        let operation = Operation {
            address: address.to_string(),
            lineage: state.borrow().lineage.clone(),
            timeouts: resource_type.default_timeouts(),
            rollouts: state.borrow().deployments.values().cloned().collect(),
        };
        let replaced_record = match change.action {
            Action::CreateThenDelete => records_before.get(&address.to_string()).cloned(),
            _ => None,
        };
        let target = Target {
            address,
            change,
            configuration,
            registry,
            resource_type,
            operation,
            replaced_record,
        };
        match node.1 {
            Phase::Delete => self.run_delete(target, state, resources).await,
            Phase::Apply => {
                let held = self.run_apply(target, state, resources, expansions).await?;
                if change.action == Action::Update {
                    return Ok(());
                }
                self.provision_created(address, resource_type, state, resources).await?;
                if let Some(finish) = held {
                    finish.announce(self.observer);
                }
                Ok(())
            }
        }
    }

    /// Runs the creation-time provisioners of an object just created. One that fails (or
    /// cannot be evaluated) taints the object, which the next apply replaces, and fails the
    /// create, as in Terraform. The object is stored tainted while they run, so that a run
    /// killed part way replaces it next time instead of leaving it unprovisioned.
    async fn provision_created(
        &self,
        address: &Address,
        resource_type: &dyn ResourceType,
        state: &RefCell<State>,
        resources: &BTreeMap<&ResourceId, &ResourceConfig>,
    ) -> Result<(), RunError> {
        let provisioners =
            self.provisioners(address, resource_type, state, resources, When::Create);
        let outcome = match provisioners {
            Ok(provisioners) if provisioners.is_empty() => return Ok(()),
            Ok(provisioners) => {
                self.mark_tainted(address, state, true)?;
                crate::provision::run(address, &provisioners, self.observer)
                    .await
                    .map_err(|error| op_error(address, Action::Create, error))
            }
            Err(error) => Err(error),
        };
        self.mark_tainted(address, state, outcome.is_err())?;
        outcome
    }

    /// Stores the object at `address` as tainted, or not.
    fn mark_tainted(
        &self,
        address: &Address,
        state: &RefCell<State>,
        tainted: bool,
    ) -> Result<(), RunError> {
        let mut state = state.borrow_mut();
        if let Some(record) = state.resources.get_mut(address) {
            record.tainted = tainted;
        }
        persist_object(self.backend, &mut state, address)
            .map_err(|e| RunError::Fatal(ApplyError::State(e)))
    }

    /// Runs the destroy-time provisioners of an object about to be deleted, unless it is
    /// tainted (Terraform skips them then). One that fails stops the delete.
    async fn provision_destroyed(
        &self,
        address: &Address,
        resource_type: &dyn ResourceType,
        state: &RefCell<State>,
        resources: &BTreeMap<&ResourceId, &ResourceConfig>,
    ) -> Result<(), RunError> {
        if state.borrow().get(address).is_some_and(|r| r.tainted) {
            return Ok(());
        }
        let provisioners =
            self.provisioners(address, resource_type, state, resources, When::Destroy)?;
        crate::provision::run(address, &provisioners, self.observer)
            .await
            .map_err(|error| op_error(address, Action::Delete, error))
    }

    /// The provisioners of the object at `address` that run `when`, evaluated with the stored
    /// object as their `self` (its sensitive attributes marked, so that a command using one has
    /// its output suppressed); none when no object is stored there.
    fn provisioners(
        &self,
        address: &Address,
        resource_type: &dyn ResourceType,
        state: &RefCell<State>,
        resources: &BTreeMap<&ResourceId, &ResourceConfig>,
        when: When,
    ) -> Result<Vec<LocalExec>, RunError> {
        let Some(mut object) = state.borrow().get(address).map(|r| r.value.clone()) else {
            return Ok(Vec::new());
        };
        crate::diff::mark_sensitive(resource_type.schema(), &mut object);
        self.with_applied_values(state, resources, |evaluator, values| {
            evaluator.provisioners(address, values, when, &object)
        })
    }

    /// Deletes the object of a delete or replacement; a `create_before_destroy` replacement
    /// whose delete fails sets the replaced object aside as deposed.
    async fn run_delete(
        &self,
        target: Target<'_>,
        state: &RefCell<State>,
        resources: &BTreeMap<&ResourceId, &ResourceConfig>,
    ) -> Result<(), RunError> {
        let Target {
            address,
            change,
            configuration,
            registry,
            resource_type,
            mut operation,
            replaced_record,
        } = target;
        let resource_config = resources.get(&address.resource);
        let prior = if change.action == Action::CreateThenDelete {
            change.before.clone()
        } else {
            state
                .borrow()
                .get(address)
                .map(|r| r.value.clone())
                .unwrap_or_else(|| change.before.clone())
        };
        if resource_config.is_some_and(|r| r.has_timeouts) {
            let configured = self.delete_timeouts(address, state, resources)?;
            operation.timeouts = timeouts(&configured, resource_type);
        } else {
            // Gone from the configuration: the delete timeout the object stores bounds its
            // delete, as in Terraform.
            stored_delete_timeout(&mut operation, &prior);
        }
        if matches!(change.action, Action::Delete | Action::DeleteThenCreate) {
            // Not for a create_before_destroy replacement: Terraform deposes the old object
            // and destroys it without its provisioners.
            self.provision_destroyed(address, resource_type, state, resources).await?;
        }
        let action = Action::Delete;
        let record = match change.action {
            // The new object's record is at the address by now; the old one's is this.
            Action::CreateThenDelete => replaced_record.clone(),
            _ => state.borrow().deployments.get(&address.to_string()).cloned(),
        };
        let deleted = self
            .delete_object(address, registry, resource_type, &operation, record.as_ref(), &prior)
            .await;
        if let Err(error) = deleted {
            if change.action == Action::CreateThenDelete {
                // The replacement exists; the object it replaces is set aside (deposed)
                // for the next apply to delete, as Terraform does.
                let mut state = state.borrow_mut();
                let object = ResourceState {
                    resource_type: change.resource_type.clone(),
                    value: prior,
                    dependencies: change.dependencies.clone(),
                    create_before_destroy: true,
                    provider: aliased(&configuration),
                    schema_version: resource_type.schema().version,
                    dynamic_attributes: resource_type.schema().dynamic_attributes(),
                    ..ResourceState::default()
                };
                let key = state.depose(address, object);
                if let Some(record) = replaced_record {
                    // The deposed object is deleted through its rollout record, as it would
                    // have been now.
                    state.deployments.insert(deposed_record_key(address, &key), record);
                }
                persist(self.backend, &mut state)
                    .map_err(|e| RunError::Fatal(ApplyError::State(e)))?;
            }
            return Err(op_error(address, action, error));
        }
        let mut state = state.borrow_mut();
        if change.action != Action::CreateThenDelete {
            state.deployments.remove(&address.to_string());
            state.resources.remove(address);
        }
        persist_object(self.backend, &mut state, address)
            .map_err(|e| RunError::Fatal(ApplyError::State(e)))
    }

    /// Deletes `object` (a stored value), timed: through its rollout `record` when it has one
    /// (what the rollout made), else as its type's own object.
    async fn delete_object(
        &self,
        address: &Address,
        registry: &Registry,
        resource_type: &dyn ResourceType,
        operation: &Operation,
        record: Option<&RolloutRecord>,
        object: &Value,
    ) -> Result<(), ProviderError> {
        let (action, limit) = (Action::Delete, operation.timeouts.delete);
        let id = object.get("id").as_str().map(str::to_string);
        match (record, registry.rollouts()) {
            (Some(record), Some(rollouts)) => {
                self.timed(address, action, id, limit, rollouts.delete(record)).await
            }
            _ => {
                let careful = self.careful(registry, resource_type, operation, address);
                self.timed(address, action, id, limit, careful.delete(&object.unmark_deep())).await
            }
        }
    }

    /// Creates or updates the object of a change, with the configuration as evaluated now; a
    /// create that its provisioners follow returns its "complete" line, held for after them.
    async fn run_apply(
        &self,
        target: Target<'_>,
        state: &RefCell<State>,
        resources: &BTreeMap<&ResourceId, &ResourceConfig>,
        expansions: &RefCell<BTreeMap<ResourceId, Vec<InstanceConfig>>>,
    ) -> Result<Option<HeldFinish>, RunError> {
        let Target {
            address, change, configuration, registry, resource_type, mut operation, ..
        } = target;
        let is_create = change.action != Action::Update;
        let Some(PlannedNow { after, prior }) = self.plan_now(
            (address, change, resource_type, &mut operation),
            state,
            resources,
            expansions,
        )?
        else {
            return Ok(None);
        };
        let planned = after.unmark_deep();
        if prior
            .as_ref()
            .is_some_and(|prior| !is_create && crate::diff::only_timeouts_change(prior, &planned))
        {
            return self.store_timeouts(address, resource_type, &planned, state).map(|()| None);
        }
        let action = if is_create { Action::Create } else { Action::Update };
        still_unknown(address, action, resource_type, &planned)?;
        let rollouts =
            rolling_out(registry, &change.resource_type, &planned).map_err(|reason| {
                op_error(address, action, ProviderError::with_code("InvalidDeployment", reason))
            })?;
        if let Some(rollouts) = rollouts {
            return self
                .run_rollout(
                    address,
                    change,
                    action,
                    (resource_type, &planned),
                    prior,
                    rollouts.as_ref(),
                    &operation,
                    state,
                )
                .await
                .map(|()| None);
        }
        let careful = self.careful(registry, resource_type, &operation, address);
        let (result, held) = if is_create {
            let mut pending = after.clone();
            resource_type.schema().clear_write_only(&mut pending);
            self.journal_create(address, change, pending, &configuration, state)?;
            self.timed_create(&careful, operation.timeouts.create, &planned).await
        } else {
            let prior = prior.unwrap_or(Value::Null).unmark_deep();
            let id = prior.get("id").as_str().map(str::to_string);
            let limit = operation.timeouts.update;
            let updated = careful.update(&prior, &planned);
            (self.timed(address, action, id, limit, updated).await, None)
        };
        let applied = Applied {
            address,
            change,
            action,
            registry,
            resource_type,
            configuration: &configuration,
            planned: &planned,
            marked: &after,
            in_place: !is_create,
        };
        self.record_outcome(applied, result, state, resources)?;
        Ok(held)
    }

    /// The provider's create of `planned`, timed; its "complete" line is held when
    /// creation-time provisioners follow ([`HeldFinish`]).
    async fn timed_create(
        &self,
        careful: &Careful<'_>,
        limit: Duration,
        planned: &Value,
    ) -> (Result<Value, ProviderError>, Option<HeldFinish>) {
        let address = careful.address;
        let provisioned = self.evaluator.has_provisioners(address, When::Create);
        let created = careful.create(planned);
        let (outcome, held) =
            self.timed_call(address, Action::Create, None, limit, created, provisioned).await;
        (outcome.into_result(), held)
    }

    /// An update that changes only `timeouts`: nothing for the provider to do; the object
    /// stores the new timeouts.
    fn store_timeouts(
        &self,
        address: &Address,
        resource_type: &dyn ResourceType,
        planned: &Value,
        state: &RefCell<State>,
    ) -> Result<(), RunError> {
        let mut state = state.borrow_mut();
        if let Some(record) = state.resources.get_mut(address) {
            keep_stored_timeouts(resource_type.schema(), planned, &mut record.value);
        }
        persist_object(self.backend, &mut state, address)
            .map_err(|e| RunError::Fatal(ApplyError::State(e)))
    }

    /// The object a create or an update asks for, planned again from the configuration as
    /// evaluated now (`operation`'s timeouts set from it); `None` when an update has nothing
    /// left to do.
    fn plan_now(
        &self,
        (address, change, resource_type, operation): (
            &Address,
            &ResourceChange,
            &dyn ResourceType,
            &mut Operation,
        ),
        state: &RefCell<State>,
        resources: &BTreeMap<&ResourceId, &ResourceConfig>,
        expansions: &RefCell<BTreeMap<ResourceId, Vec<InstanceConfig>>>,
    ) -> Result<Option<PlannedNow>, RunError> {
        let Some(resource_config) = resources.get(&address.resource) else {
            return Err(op_error(
                address,
                change.action,
                ProviderError::new("the resource is no longer in the configuration"),
            ));
        };
        let instance = self.evaluate(address, resource_config, state, resources, expansions)?;
        operation.timeouts = timeouts(instance.configured_timeouts(), resource_type);
        let is_create = change.action != Action::Update;
        let prior =
            if is_create { None } else { state.borrow().get(address).map(|r| r.value.clone()) };
        let decision = plan_instance(InstanceInput {
            resource: resource_type,
            config: &instance.value,
            prior: prior.as_ref(),
            lifecycle: &resource_config.lifecycle,
            tagging: self.registry.tagging(),
            force_replace: false,
            tainted: false,
            timeouts: instance.stored_timeouts(resource_type.schema()),
        });
        if !is_create && decision.action == Action::NoOp {
            return Ok(None);
        }
        // A create's generated names are decided here, once, so that its journal entry holds
        // them (`ResourceType::with_generated_names`).
        let after = if is_create {
            resource_type.with_generated_names(operation, decision.after)
        } else {
            decision.after
        };
        Ok(Some(PlannedNow { after, prior }))
    }

    /// Records what a create or an update's call answered.
    fn record_outcome(
        &self,
        applied: Applied<'_>,
        result: Result<Value, ProviderError>,
        state: &RefCell<State>,
        resources: &BTreeMap<&ResourceId, &ResourceConfig>,
    ) -> Result<(), RunError> {
        let mut state = state.borrow_mut();
        let (address, action) = (applied.address, applied.action);
        // A create with no answer may have made the object: its pending entry stays, and
        // the next run looks for the object as after a crash.
        let outcome_unknown =
            !applied.in_place && matches!(&result, Err(error) if error.cause == Cause::Unknown);
        if !outcome_unknown {
            state.pending.remove(address);
        }
        match result {
            Ok(value) => self.record_applied(applied, value, &mut state, resources),
            Err(error) => {
                let _ = persist_object(self.backend, &mut state, address);
                Err(op_error(address, action, error))
            }
        }
    }

    /// Journals a create before its call: the pending entry with the planned object (write-only
    /// values cleared), so that a run that dies before the answer looks for the object next.
    fn journal_create(
        &self,
        address: &Address,
        change: &ResourceChange,
        planned: Value,
        configuration: &str,
        state: &RefCell<State>,
    ) -> Result<(), RunError> {
        let mut state = state.borrow_mut();
        state.pending.insert(
            address.clone(),
            PendingCreate {
                resource_type: change.resource_type.clone(),
                planned,
                started_at: humantime::format_rfc3339_seconds(std::time::SystemTime::now())
                    .to_string(),
                provider: aliased(configuration),
            },
        );
        persist_object(self.backend, &mut state, address)
            .map_err(|e| RunError::Fatal(ApplyError::State(e)))
    }

    /// Records what a create or update returned, then checks the resource's postconditions
    /// against it (`self`): a failure is an error, with the object kept in the state as it now
    /// exists.
    fn record_applied(
        &self,
        applied: Applied<'_>,
        mut value: Value,
        state: &mut State,
        resources: &BTreeMap<&ResourceId, &ResourceConfig>,
    ) -> Result<(), RunError> {
        let Applied {
            address,
            change,
            action,
            registry,
            resource_type,
            configuration,
            planned,
            marked,
            in_place,
        } = applied;
        as_stored(resource_type, registry.tagging(), planned, &mut value);
        value.carry_marks(marked);
        let kept = kept_through_update(state, address, in_place);
        let record = state_record(change, resource_type, value, aliased(configuration), kept);
        state.resources.insert(address.clone(), record);
        persist_object(self.backend, state, address)
            .map_err(|e| RunError::Fatal(ApplyError::State(e)))?;
        // Postconditions see the object as applied (`self`); a failure is an
        // error, with the object kept in the state as it now exists.
        let applied = state.resources.get(address).map(|r| r.value.clone());
        let data = self.data.borrow();
        let values = StateValues::applied(state, resources, &data);
        let failures =
            self.evaluator.condition_failures(address, &values, "postcondition", applied.as_ref());
        if failures.has_errors() {
            let message: Vec<String> = failures.iter().map(|d| d.detail.clone()).collect();
            return Err(op_error(
                address,
                action,
                ProviderError::with_code(
                    "PostconditionFailed",
                    format!("Resource postcondition failed: {}", message.join("; ")),
                ),
            ));
        }
        Ok(())
    }

    /// The provider calls of one resource operation, resent only after looking
    /// ([`crate::lost_answer`]).
    fn careful<'b>(
        &'b self,
        registry: &Registry,
        resource: &'b dyn ResourceType,
        operation: &'b Operation,
        address: &'b Address,
    ) -> Careful<'b> {
        Careful {
            resource,
            operation,
            address,
            observer: self.observer,
            retries: registry.resend_budget().unwrap_or(DEFAULT_RETRIES),
        }
    }

    /// Applies an object its provider rolls out ([`Rollouts`]) instead of updating in place.
    #[allow(clippy::too_many_arguments)]
    async fn run_rollout(
        &self,
        address: &Address,
        change: &ResourceChange,
        action: Action,
        (resource_type, planned): (&dyn ResourceType, &Value),
        prior: Option<Value>,
        rollouts: &dyn Rollouts,
        operation: &Operation,
        state: &RefCell<State>,
    ) -> Result<(), RunError> {
        let events = ExecutorRolloutEvents { executor: self, address, state };
        let type_name = change.resource_type.as_str();
        let record = || state.borrow().deployments.get(&address.to_string()).cloned();
        let existing = record();
        if action == Action::Update && existing.is_none() {
            return Err(op_error(address, action, record_missing(address)));
        }
        let (limit, id) = match action {
            Action::Create => (operation.timeouts.create, None),
            _ => (
                operation.timeouts.update,
                prior.as_ref().and_then(|p| p.get("id").as_str().map(str::to_string)),
            ),
        };
        let (outcome, _) = self
            .timed_call(
                address,
                action,
                id,
                limit,
                async {
                    match existing {
                        Some(record) if action == Action::Update => {
                            rollouts.update(type_name, planned, &record, &events).await
                        }
                        _ => rollouts.create(type_name, planned, &events).await,
                    }
                    .map(|id| Value::map([("id", Value::string(&id))]))
                },
                false,
            )
            .await;
        let id = match outcome {
            Timed::Answered(Ok(finished)) => finished.get("id").clone(),
            Timed::Answered(Err(error)) => return Err(op_error(address, action, error)),
            Timed::Abandoned(error) => {
                let error =
                    self.roll_back_abandoned(rollouts, planned, record(), &events, error).await;
                return Err(op_error(address, action, error));
            }
        };
        let mut value = planned.clone();
        if let Some(entries) = value.map_mut() {
            for (key, item) in entries.iter_mut() {
                if item.is_unknown() {
                    *item = prior.as_ref().map(|p| p.get(key).clone()).unwrap_or(Value::Null);
                }
            }
            entries.insert("id".into(), id);
        }
        // The state holds the configuration as the serving side runs it, read back like any
        // object's, so that refresh compares like with like.
        let read_prior = record().and_then(|r| rollouts.read_prior(type_name, &value, &r));
        if let Some(read_prior) = read_prior {
            if let Ok(mut read) = resource_type.read_many(&[read_prior]).await {
                if let Some(Some(remote)) = read.pop() {
                    value = rollouts.with_runtime_attributes(type_name, remote, &value);
                    as_stored(resource_type, self.registry.tagging(), planned, &mut value);
                }
            }
        }
        resource_type.schema().clear_write_only(&mut value);
        let provider = aliased(&self.configuration_of(address, state));
        let mut state = state.borrow_mut();
        let kept = kept_through_update(&state, address, true);
        let record = state_record(change, resource_type, value, provider, kept);
        state.resources.insert(address.clone(), record);
        persist_object(self.backend, &mut state, address)
            .map_err(|e| RunError::Fatal(ApplyError::State(e)))
    }

    /// Rolls back now a rollout abandoned at its timeout, which may have left traffic split
    /// (its record says where it was), rather than leaving it to the next run; `error` (the
    /// timeout) says how that went.
    async fn roll_back_abandoned(
        &self,
        rollouts: &dyn Rollouts,
        planned: &Value,
        record: Option<RolloutRecord>,
        events: &ExecutorRolloutEvents<'_, '_>,
        error: ProviderError,
    ) -> ProviderError {
        let Some(mut interrupted) = record.filter(|r| rollouts.in_progress(r)) else {
            return error;
        };
        let rolled_back = match rollouts.recover(planned, &mut interrupted, false).await {
            Ok(Some(outcome)) => {
                events.message(outcome.report);
                events.save(&interrupted)
            }
            Ok(None) => Ok(()),
            Err(failed) => Err(failed.to_string()),
        };
        match rolled_back {
            Ok(()) => error,
            Err(reason) => ProviderError {
                message: format!(
                    "{}; rolling the rollout back failed too ({reason}): the next apply rolls it \
                     back first",
                    error.message
                ),
                ..error
            },
        }
    }

    /// The provider configuration of an instance: its resource's in the configuration, or
    /// the one the state recorded for an object whose configuration is gone.
    fn configuration_of(&self, address: &Address, state: &RefCell<State>) -> String {
        if self.config.declares(&address.resource) {
            return self.config.provider_configuration(&address.resource);
        }
        state.borrow().get(address).and_then(|r| r.provider.clone()).unwrap_or_else(|| {
            infra_core::resource::provider_name(&address.resource.resource_type).to_string()
        })
    }

    /// Reads a data source the plan deferred, now that what it depends on is applied, and
    /// makes its value visible to everything evaluated after it.
    async fn read_deferred(
        &self,
        address: &Address,
        change: &ResourceChange,
        state: &RefCell<State>,
        resources: &BTreeMap<&ResourceId, &ResourceConfig>,
        expansions: &RefCell<BTreeMap<ResourceId, Vec<InstanceConfig>>>,
    ) -> Result<(), RunError> {
        let action = Action::Read;
        let configuration = self.configuration_of(address, state);
        let data_source = self
            .registry
            .for_configuration(&configuration)
            .reader(address.resource.mode, &change.resource_type)
            .ok_or_else(|| {
                op_error(
                    address,
                    action,
                    ProviderError::new(format!("unsupported type {}", change.resource_type)),
                )
            })?;
        let Some(resource_config) = resources.get(&address.resource) else {
            return Err(op_error(
                address,
                action,
                ProviderError::new("the data source is no longer in the configuration"),
            ));
        };
        let config = self.evaluate(address, resource_config, state, resources, expansions)?.value;
        if let Some(path) = data_source.schema().unknown_configured_path(&config) {
            return Err(op_error(
                address,
                action,
                ProviderError::with_code(
                    "UnknownValue",
                    format!("the value of \"{path}\" is still unknown after everything it depends on was applied; the data source was not read"),
                ),
            ));
        }
        let limit = Duration::from_secs(20 * 60);
        let value = if address.resource.mode == Mode::Ephemeral {
            // Opened as the plan opens one (Terraform's "Opening..." lines, not a read's), and
            // closed when the apply is done (`data::close`).
            let opening =
                crate::data::read_one(data_source.as_ref(), address, &config, self.observer);
            match tokio::time::timeout(limit, opening).await {
                Ok(opened) => opened,
                Err(_) => Err(ProviderError::new(format!(
                    "opening timed out after {}",
                    humantime::format_duration(limit)
                ))),
            }
        } else {
            self.timed(address, action, None, limit, data_source.read(&config.unmark_deep())).await
        }
        .map_err(|error| op_error(address, action, error))?;
        let mut data = self.data.borrow_mut();
        let shaped = data
            .entry(address.resource.clone())
            .or_insert_with(|| ResourceValue::Single(Value::Unknown));
        match (shaped, &address.key) {
            (ResourceValue::Counted(items), Some(InstanceKey::Index(i))) => {
                if let Some(item) = usize::try_from(*i).ok().and_then(|i| items.get_mut(i)) {
                    *item = value;
                }
            }
            (ResourceValue::Keyed(entries), Some(InstanceKey::Key(key))) => {
                entries.insert(key.clone(), value);
            }
            (shaped, _) => *shaped = ResourceValue::Single(value),
        }
        Ok(())
    }

    fn evaluate(
        &self,
        address: &Address,
        resource_config: &ResourceConfig,
        state: &RefCell<State>,
        resources: &BTreeMap<&ResourceId, &ResourceConfig>,
        expansions: &RefCell<BTreeMap<ResourceId, Vec<InstanceConfig>>>,
    ) -> Result<InstanceConfig, RunError> {
        let id = &resource_config.id;
        if !expansions.borrow().contains_key(id) {
            let instances = self.with_applied_values(state, resources, |evaluator, values| {
                evaluator.expand(id, values)
            })?;
            expansions.borrow_mut().insert(id.clone(), instances);
        }
        expansions
            .borrow()
            .get(id)
            .and_then(|instances| instances.iter().find(|i| &i.address == address))
            .cloned()
            .ok_or_else(|| {
                op_error(
                    address,
                    Action::Create,
                    ProviderError::new("the instance is no longer in the configuration"),
                )
            })
    }

    /// Asks the evaluator `ask` with the values applied so far.
    fn with_applied_values<T>(
        &self,
        state: &RefCell<State>,
        resources: &BTreeMap<&ResourceId, &ResourceConfig>,
        ask: impl FnOnce(&Evaluator, &StateValues) -> Result<T, infra_core::Diagnostics>,
    ) -> Result<T, RunError> {
        let state = state.borrow();
        let data = self.data.borrow();
        let values = StateValues::applied(&state, resources, &data);
        ask(self.evaluator, &values).map_err(|d| RunError::Fatal(ApplyError::Config(d)))
    }

    /// The `timeouts` of the instance at `address` for its delete
    /// ([`Evaluator::delete_timeouts`]): a destroy may have removed what its `count` needs.
    fn delete_timeouts(
        &self,
        address: &Address,
        state: &RefCell<State>,
        resources: &BTreeMap<&ResourceId, &ResourceConfig>,
    ) -> Result<BTreeMap<String, infra_config::Timeout>, RunError> {
        self.with_applied_values(state, resources, |evaluator, values| {
            evaluator.delete_timeouts(address, values)
        })
    }

    /// Runs one provider call, reporting start, "still running" every 10 s, and the end; a
    /// call abandoned at `limit` is a "Timeout" error whose outcome is unknown.
    async fn timed<T>(
        &self,
        address: &Address,
        action: Action,
        id: Option<String>,
        limit: Duration,
        call: impl std::future::Future<Output = Result<T, ProviderError>>,
    ) -> Result<T, ProviderError>
    where
        T: IdOf,
    {
        self.timed_call(address, action, id, limit, call, false).await.0.into_result()
    }

    /// [`Executor::timed`], telling a call abandoned at its timeout from one that answered
    /// (whatever error it answered with); with `hold`, a success is not announced but
    /// returned, for the caller to announce when the operation is over ([`HeldFinish`]).
    async fn timed_call<T>(
        &self,
        address: &Address,
        action: Action,
        id: Option<String>,
        limit: Duration,
        call: impl std::future::Future<Output = Result<T, ProviderError>>,
        hold: bool,
    ) -> (Timed<T>, Option<HeldFinish>)
    where
        T: IdOf,
    {
        let started = Instant::now();
        self.observer.event(Event::Started { address: address.clone(), action, id: id.clone() });
        let mut call = std::pin::pin!(tokio::time::timeout(limit, call));
        let mut ticker = tokio::time::interval_at(
            tokio::time::Instant::now() + Duration::from_secs(10),
            Duration::from_secs(10),
        );
        let result = loop {
            tokio::select! {
                result = &mut call => break result,
                _ = ticker.tick() => self.observer.event(Event::StillRunning { address: address.clone(), action, elapsed: started.elapsed() }),
            }
        };
        let failed = |error: &ProviderError| Event::Failed {
            address: address.clone(),
            action,
            elapsed: started.elapsed(),
            error: error.clone(),
        };
        let Ok(result) = result else {
            // The call was abandoned, not answered: what it did is unknown.
            let error = ProviderError::with_code(
                "Timeout",
                format!("timed out after {}", humantime::format_duration(limit)),
            )
            .with_cause(Cause::Unknown);
            self.observer.event(failed(&error));
            return (Timed::Abandoned(error), None);
        };
        let mut held = None;
        match &result {
            Ok(value) => {
                let finish =
                    HeldFinish { address: address.clone(), action, started, id: value.id().or(id) };
                if hold {
                    held = Some(finish);
                } else {
                    finish.announce(self.observer);
                }
            }
            Err(error) => self.observer.event(failed(error)),
        }
        (Timed::Answered(result), held)
    }
}

/// The "complete" line of an operation that goes on after its provider call: a create whose
/// creation-time provisioners run next is complete when they have, as Terraform says it (its
/// PostApply hook follows the provisioners, `node_resource_apply_instance.go`).
struct HeldFinish {
    address: Address,
    action: Action,
    started: Instant,
    id: Option<String>,
}

impl HeldFinish {
    fn announce(self, observer: &dyn Observer) {
        observer.event(Event::Finished {
            address: self.address,
            action: self.action,
            elapsed: self.started.elapsed(),
            id: self.id,
        });
    }
}

/// What a provider call returns that names the object.
trait IdOf {
    fn id(&self) -> Option<String>;
}
impl IdOf for () {
    fn id(&self) -> Option<String> {
        None
    }
}
impl IdOf for Value {
    fn id(&self) -> Option<String> {
        self.get("id").as_str().map(str::to_string)
    }
}

/// A rollout's progress goes to the observer; its record is persisted at every step.
struct ExecutorRolloutEvents<'e, 'a> {
    executor: &'e Executor<'a>,
    address: &'e Address,
    state: &'e RefCell<State>,
}

impl RolloutEvents for ExecutorRolloutEvents<'_, '_> {
    fn address(&self) -> String {
        self.address.to_string()
    }

    fn message(&self, text: String) {
        tracing::info!(target: "infra::deploy", "{text}");
        self.executor
            .observer
            .event(Event::Deployment { address: self.address.clone(), message: text });
    }

    fn save(&self, record: &RolloutRecord) -> Result<(), String> {
        let mut state = self.state.borrow_mut();
        state.deployments.insert(self.address.to_string(), record.clone());
        persist_object(self.executor.backend, &mut state, self.address)
            .map_err(|error| error.to_string())
    }

    fn interrupted(&self) -> bool {
        self.executor.stop.load(Ordering::SeqCst)
    }
}

/// Why an operation's run stopped: its own failure (boxed: it is the large variant, and most
/// results are `Ok`), or one that ends the apply.
enum RunError {
    Operation(Box<OperationError>),
    Fatal(ApplyError),
}

/// How an apply's operations ended, for [`Executor::finish`].
struct Outcome {
    fatal: Option<ApplyError>,
    errors: Vec<OperationError>,
    finished: usize,
    /// Operations that neither finished nor failed.
    not_started: usize,
}

/// Which operations may start: each node's count of unfinished dependencies, and who waits
/// on whom.
struct Schedule {
    remaining: BTreeMap<Node, usize>,
    dependents: BTreeMap<Node, Vec<Node>>,
    ready: BTreeSet<Node>,
}

impl Schedule {
    fn of(graph: &Graph<Node>) -> Schedule {
        let mut remaining: BTreeMap<Node, usize> = BTreeMap::new();
        let mut dependents: BTreeMap<Node, Vec<Node>> = BTreeMap::new();
        for node in graph.nodes() {
            let deps: Vec<&Node> = graph.dependencies_of(node).collect();
            remaining.insert(node.clone(), deps.len());
            for dep in deps {
                dependents.entry(dep.clone()).or_default().push(node.clone());
            }
        }
        let ready = remaining.iter().filter(|(_, n)| **n == 0).map(|(n, _)| n.clone()).collect();
        Schedule { remaining, dependents, ready }
    }

    /// `node` finished: those waiting on nothing else now are ready.
    fn done(&mut self, node: &Node) {
        for dependent in self.dependents.get(node).into_iter().flatten() {
            if let Some(count) = self.remaining.get_mut(dependent) {
                *count -= 1;
                if *count == 0 {
                    self.ready.insert(dependent.clone());
                }
            }
        }
    }
}

/// The error for a plan whose operations depend on each other: nothing is changed.
fn cycle_error(cycle: &[Node]) -> ApplyError {
    let steps: Vec<String> =
        cycle.iter().map(|(address, phase)| format!("{phase:?} {address}")).collect();
    ApplyError::Operations(vec![OperationError {
        address: cycle[0].0.clone(),
        action: Action::NoOp,
        error: ProviderError::with_code(
            "Cycle",
            format!(
                "the operations of this plan depend on each other: {}; nothing was changed",
                steps.join(" → ")
            ),
        ),
    }])
}

/// What one resource operation works on: the change, its provider configuration and type, and
/// the operation's settings.
struct Target<'a> {
    address: &'a Address,
    change: &'a ResourceChange,
    configuration: String,
    registry: &'a Registry,
    resource_type: &'a dyn ResourceType,
    operation: Operation,
    /// For a `create_before_destroy` replacement: the replaced object's rollout record.
    replaced_record: Option<RolloutRecord>,
}

/// What every operation of an apply's walk shares: the state, the configuration's resources,
/// their instances as evaluated so far, and the rollout records as the apply found them.
type Walk<'a> = (
    &'a RefCell<State>,
    &'a BTreeMap<&'a ResourceId, &'a ResourceConfig>,
    &'a RefCell<BTreeMap<ResourceId, Vec<InstanceConfig>>>,
    &'a BTreeMap<String, RolloutRecord>,
);

/// A create's or an update's object as planned when its turn came.
struct PlannedNow {
    /// With the configuration's sensitive marks.
    after: Value,
    /// The object in the state, for an update.
    prior: Option<Value>,
}

/// A create or update the provider answered, for [`Executor::record_applied`].
struct Applied<'a> {
    address: &'a Address,
    change: &'a ResourceChange,
    action: Action,
    registry: &'a Registry,
    resource_type: &'a dyn ResourceType,
    configuration: &'a str,
    planned: &'a Value,
    /// The planned object with the configuration's sensitive marks, which the stored object
    /// keeps (Terraform's `sensitive_attributes`).
    marked: &'a Value,
    /// An update in place: the record keeps what the state held beside the object.
    in_place: bool,
}

/// An error when part of the `planned` object is still unknown at apply: nothing is sent.
fn still_unknown(
    address: &Address,
    action: Action,
    resource_type: &dyn ResourceType,
    planned: &Value,
) -> Result<(), RunError> {
    match resource_type.schema().unknown_configured_path(planned) {
        None => Ok(()),
        Some(path) => Err(op_error(
            address,
            action,
            ProviderError::with_code(
                "UnknownValue",
                format!("the value of \"{path}\" is still unknown after everything it depends on was applied; nothing was sent to the provider"),
            ),
        )),
    }
}

/// `value`, as the provider answered a create or update, in the form the state stores:
/// normalized, with the timeouts `planned` stores, its sensitive parts marked, write-only
/// values cleared, and the tags the provider applied.
fn as_stored(
    resource_type: &dyn ResourceType,
    tagging: Option<&dyn infra_core::tagging::Tagging>,
    planned: &Value,
    value: &mut Value,
) {
    crate::diff::normalize(resource_type, value);
    keep_stored_timeouts(resource_type.schema(), planned, value);
    crate::diff::mark_sensitive(resource_type.schema(), value);
    resource_type.schema().clear_write_only(value);
    if let (true, Some(tagging)) = (resource_type.schema().taggable, tagging) {
        tagging.applied(value, planned);
    }
}

/// The state's record of the object a change applied, with what `kept` held beside it.
fn state_record(
    change: &ResourceChange,
    resource_type: &dyn ResourceType,
    value: Value,
    provider: Option<String>,
    kept: ResourceState,
) -> ResourceState {
    // An ephemeral resource is never in a state, nor named by one.
    let mut dependencies: Vec<Address> = change
        .dependencies
        .iter()
        .filter(|d| d.resource.mode != Mode::Ephemeral)
        .cloned()
        .collect();
    dependencies.sort();
    dependencies.dedup();
    ResourceState {
        resource_type: change.resource_type.clone(),
        value,
        dependencies,
        create_before_destroy: change.create_before_destroy,
        provider,
        schema_version: resource_type.schema().version,
        dynamic_attributes: resource_type.schema().dynamic_attributes(),
        ..kept
    }
}

/// The error for a change of a type the provider does not have.
fn unsupported_type(address: &Address, action: Action, resource_type: &str) -> RunError {
    op_error(
        address,
        action,
        ProviderError::new(format!("unsupported resource type {resource_type}")),
    )
}

/// Bounds `operation`'s delete by the delete timeout the object `prior` stores, if any: an
/// object gone from the configuration is deleted within it, as in Terraform.
fn stored_delete_timeout(operation: &mut Operation, prior: &Value) {
    if let Some(text) = prior.get("timeouts").get("delete").as_str() {
        if let Ok(duration) = infra_config::timeout_duration("delete", text) {
            operation.timeouts.delete = duration;
        }
    }
}

/// Why an update of a rolled-out object without its rollout record is refused. Its provider
/// re-derives a lost record before planning; one it could not is not replaced by a second
/// copy of the object, which is what rolling out from nothing makes.
fn record_missing(address: &Address) -> ProviderError {
    ProviderError::with_code(
        "RolloutRecordMissing",
        format!(
            "the state has no rollout record for {address}, and none could be re-derived from \
             what runs, so the update cannot be rolled out; `infra apply -replace={address}` \
             replaces the object"
        ),
    )
}

/// How a timed provider call ended ([`Executor::timed_call`]).
enum Timed<T> {
    /// The provider answered, with its result or its error.
    Answered(Result<T, ProviderError>),
    /// The call was abandoned at its timeout: this error says so.
    Abandoned(ProviderError),
}

impl<T> Timed<T> {
    fn into_result(self) -> Result<T, ProviderError> {
        match self {
            Timed::Answered(result) => result,
            Timed::Abandoned(error) => Err(error),
        }
    }
}

/// The provider's rollouts when `planned` rolls out instead of being applied as any object
/// is; the reason when its rollout settings cannot run.
fn rolling_out<'r>(
    registry: &'r Registry,
    resource_type: &str,
    planned: &Value,
) -> Result<Option<&'r Arc<dyn Rollouts>>, String> {
    let Some(rollouts) = registry.rollouts() else {
        return Ok(None);
    };
    match rollouts.rolls_out(resource_type, planned) {
        None => Ok(None),
        Some(valid) => valid.map(|()| Some(rollouts)),
    }
}

fn op_error(address: &Address, action: Action, error: ProviderError) -> RunError {
    RunError::Operation(Box::new(OperationError { address: address.clone(), action, error }))
}

/// The state's record of a provider configuration: only an aliased one (`aws.west`) is
/// written; the default is implied by the type.
fn aliased(configuration: &str) -> Option<String> {
    configuration.contains('.').then(|| configuration.to_string())
}

/// What an object's new record keeps of its prior one: through an in-place update (the same
/// object) the provider's private data and the resource identity; nothing for a new object.
fn kept_through_update(state: &State, address: &Address, in_place: bool) -> ResourceState {
    let prior = state.resources.get(address).filter(|_| in_place);
    ResourceState {
        private: prior.and_then(|prior| prior.private.clone()),
        identity: prior.and_then(|prior| prior.identity.clone()),
        ..ResourceState::default()
    }
}

/// Where the state keeps the rollout record of a rolled-out object that a
/// `create_before_destroy` replacement deposed (`aws_ecs_service.app deposed 00000001`): the
/// object's address holds the new object's record.
fn deposed_record_key(address: &Address, key: &str) -> String {
    format!("{address}{DEPOSED_RECORD}{key}")
}

/// What sets a deposed object's record key ([`deposed_record_key`]) apart from an address.
const DEPOSED_RECORD: &str = " deposed ";

/// The rolled-out objects of the state: address, record, the object's type name and its
/// value (unmarked; null when the state no longer holds the object). Deposed objects'
/// records ([`deposed_record_key`]) are not among them: they are only deleted.
fn rolled_out_objects(state: &State) -> Vec<(String, RolloutRecord, String, Value)> {
    state
        .deployments
        .iter()
        .filter(|(key, _)| !key.contains(DEPOSED_RECORD))
        .map(|(address, record)| {
            let resource = address.parse::<Address>().ok().and_then(|a| state.get(&a));
            let type_name = resource.map(|r| r.resource_type.clone()).unwrap_or_default();
            let value = resource.map(|r| r.value.unmark_deep()).unwrap_or(Value::Null);
            (address.clone(), record.clone(), type_name, value)
        })
        .collect()
}

/// Re-derives the rollout record of each rolled-out object in the state that has none (a
/// tool that does not know infra's records rewrote the file) from what runs, in memory: the
/// run that writes the state next keeps it. Returns, by address, what was found.
pub async fn rederive_missing_deployments(
    registry: &Registry,
    state: &mut State,
) -> Result<Vec<(String, String)>, ProviderError> {
    let Some(rollouts) = registry.rollouts() else {
        return Ok(vec![]);
    };
    let mut found = Vec::new();
    let missing: Vec<(String, String, Value)> = state
        .resources
        .iter()
        .filter(|(address, _)| !state.deployments.contains_key(&address.to_string()))
        .filter_map(|(address, resource)| {
            let value = resource.value.unmark_deep();
            rollouts.rolls_out(&resource.resource_type, &value)?.ok()?;
            Some((address.to_string(), resource.resource_type.clone(), value))
        })
        .collect();
    for (address, type_name, value) in missing {
        if let Some((record, report)) = rollouts
            .rederive(&type_name, &value)
            .await
            .map_err(|error| error.context(&format!("re-deriving {address}'s deployment")))?
        {
            found.push((address.clone(), report));
            state.deployments.insert(address, record);
        }
    }
    Ok(found)
}

/// Re-derives and saves the rollout records a rewrite of the file dropped
/// ([`rederive_missing_deployments`]); then rolls back rollouts a killed run left part way
/// (their record says one is under way), or finishes them with `resume` when they can be,
/// and saves each; returns what was found, by address. Done at the start of an apply,
/// before anything is planned.
pub async fn recover_interrupted(
    registry: &Registry,
    backend: &dyn Backend,
    state: &mut State,
    resume: bool,
) -> Result<Vec<(String, String)>, ProviderError> {
    let Some(rollouts) = registry.rollouts() else {
        return Ok(vec![]);
    };
    // Records a rewrite of the file dropped come back first, and are kept.
    let mut recovered = rederive_missing_deployments(registry, state).await?;
    if !recovered.is_empty() {
        persist(backend, state).map_err(|e| ProviderError::new(e.to_string()))?;
    }
    for (address, mut record, _, value) in rolled_out_objects(state) {
        let outcome = rollouts.recover(&value, &mut record, resume).await?;
        if let Some(report) = rollouts.follow_live(&record).await? {
            recovered.push((address.clone(), report));
        }
        if let Some(outcome) = outcome {
            state.deployments.insert(address.clone(), record);
            if let Some(revision) = &outcome.live_revision {
                record_live_revision(registry, state, &address, revision);
            }
            persist(backend, state).map_err(|e| ProviderError::new(e.to_string()))?;
            recovered.push((address, outcome.report));
        }
    }
    Ok(recovered)
}

/// The state's object at `address` records `revision` as the one it runs (a revert or a
/// resumed rollout changed it outside a planned change), as its provider says.
pub fn record_live_revision(registry: &Registry, state: &mut State, address: &str, revision: &str) {
    let (Some(address), Some(rollouts)) = (address.parse::<Address>().ok(), registry.rollouts())
    else {
        return;
    };
    if let Some(entry) = state.resources.get_mut(&address) {
        entry.value = rollouts.with_live_revision(&entry.resource_type, &entry.value, revision);
    }
}

/// Retires standby sides that outlived their retention, and saves each; returns their
/// addresses. Done at the start of an apply.
pub async fn finalize_expired(
    registry: &Registry,
    backend: &dyn Backend,
    state: &mut State,
) -> Result<Vec<String>, ProviderError> {
    let Some(rollouts) = registry.rollouts() else {
        return Ok(vec![]);
    };
    let mut finalized = Vec::new();
    for (address, mut record, type_name, value) in rolled_out_objects(state) {
        if rollouts.finalize_expired(&type_name, &value, &mut record).await? {
            state.deployments.insert(address.clone(), record);
            persist(backend, state).map_err(|e| ProviderError::new(e.to_string()))?;
            finalized.push(address);
        }
    }
    Ok(finalized)
}

/// An instance's `timeouts` over its type's defaults. A `read` timeout (which the provider
/// declares for a few types) is stored but does not bound reads here; `validate` warns of it.
fn timeouts(
    configured: &BTreeMap<String, infra_config::Timeout>,
    resource_type: &dyn ResourceType,
) -> Timeouts {
    let mut timeouts = resource_type.default_timeouts();
    for (key, timeout) in configured {
        match key.as_str() {
            "create" => timeouts.create = timeout.duration,
            "update" => timeouts.update = timeout.duration,
            "delete" => timeouts.delete = timeout.duration,
            _ => {}
        }
    }
    timeouts
}

/// The operations of a plan and their order:
/// - creates and updates after what they depend on;
/// - deletes before the deletes of what they depend on, and after anything that stops using them;
/// - a replacement's halves ordered by `create_before_destroy`.
fn operation_graph(plan: &Plan, state: &State, registry: &Registry) -> Graph<Node> {
    let mut graph = Graph::new();
    // Deposed objects are deleted before this graph runs (see `Executor::apply`).
    let plan_changes: Vec<&ResourceChange> =
        plan.changes.iter().filter(|c| c.deposed.is_none()).collect();
    let applies: BTreeSet<&Address> = plan_changes
        .iter()
        .filter(|c| {
            matches!(
                c.action,
                Action::Create
                    | Action::Update
                    | Action::DeleteThenCreate
                    | Action::CreateThenDelete
                    | Action::Read
            )
        })
        .map(|c| &c.address)
        .collect();
    let deletes: BTreeSet<&Address> =
        plan_changes.iter().filter(|c| c.action.is_destructive()).map(|c| &c.address).collect();
    for change in &plan_changes {
        let address = &change.address;
        if applies.contains(address) {
            graph.add_node((address.clone(), Phase::Apply));
            for dep in &change.dependencies {
                if applies.contains(dep) {
                    graph.add_edge((address.clone(), Phase::Apply), (dep.clone(), Phase::Apply));
                }
            }
        }
        if deletes.contains(address) {
            graph.add_node((address.clone(), Phase::Delete));
        }
        match change.action {
            Action::DeleteThenCreate => {
                graph.add_edge((address.clone(), Phase::Apply), (address.clone(), Phase::Delete))
            }
            Action::CreateThenDelete => {
                graph.add_edge((address.clone(), Phase::Delete), (address.clone(), Phase::Apply))
            }
            _ => {}
        }
    }
    order_deletes_by_dependencies(&mut graph, plan, state, &plan_changes, (&applies, &deletes));
    order_deletes_by_rollouts(&mut graph, state, registry, &deletes);
    graph
}

/// Orders deletes by who depended on whom before this apply (from the state), and who will
/// after: a user is deleted before what it uses, and moved off an old object before it goes.
fn order_deletes_by_dependencies(
    graph: &mut Graph<Node>,
    plan: &Plan,
    state: &State,
    plan_changes: &[&ResourceChange],
    (applies, deletes): (&BTreeSet<&Address>, &BTreeSet<&Address>),
) {
    for change in plan_changes {
        let user = &change.address;
        let prior_dependencies: Vec<&Address> =
            state.get(user).map(|r| r.dependencies.iter().collect()).unwrap_or_default();
        for used in prior_dependencies.iter().copied().chain(change.dependencies.iter()) {
            if !deletes.contains(used) || used == user {
                continue;
            }
            let used_change = plan.change(used);
            let used_is_create_first =
                used_change.is_some_and(|c| c.action == Action::CreateThenDelete);
            if deletes.contains(user) && !used_is_create_first {
                // Delete the user before what it uses.
                graph.add_edge((used.clone(), Phase::Delete), (user.clone(), Phase::Delete));
            }
            // Move the user off the old object before deleting it: only when the old object goes
            // away without being replaced first-to-last (a plain delete, or create-before-destroy).
            // A delete-then-create replacement must be deleted before its new object exists.
            let used_is_plain_delete = used_change.is_some_and(|c| c.action == Action::Delete);
            if applies.contains(user)
                && (used_is_create_first
                    || (used_is_plain_delete && change.action == Action::Update))
            {
                graph.add_edge((used.clone(), Phase::Delete), (user.clone(), Phase::Apply));
            }
        }
    }
}

/// A rollout may need objects deleted in an order the configuration's references do not show
/// (a blue/green route before the target groups it forwards to).
fn order_deletes_by_rollouts(
    graph: &mut Graph<Node>,
    state: &State,
    registry: &Registry,
    deletes: &BTreeSet<&Address>,
) {
    let by_id: BTreeMap<&str, &Address> = state
        .resources
        .iter()
        .filter_map(|(address, r)| r.value.get("id").as_str().map(|id| (id, address)))
        .collect();
    let rollouts = registry.rollouts();
    for record in state.deployments.values() {
        let order = rollouts.map(|r| r.delete_order(record)).unwrap_or_default();
        for (first, then) in order {
            if let (Some(first), Some(then)) = (by_id.get(first.as_str()), by_id.get(then.as_str()))
            {
                if deletes.contains(*first) && deletes.contains(*then) {
                    graph.add_edge(
                        ((*then).clone(), Phase::Delete),
                        ((*first).clone(), Phase::Delete),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use infra_core::rollout::{Recovered, RolloutPlan};

    use super::*;

    /// A provider whose rolled-out objects route traffic (`route-1`) to a pool (`pool-1`).
    struct FakeRollouts;

    #[async_trait::async_trait(?Send)]
    impl Rollouts for FakeRollouts {
        fn rolls_out(&self, resource_type: &str, _: &Value) -> Option<Result<(), String>> {
            (resource_type == "fake_service").then_some(Ok(()))
        }
        fn plan(&self, _: &str, _: &Value, _: &RolloutRecord) -> Option<RolloutPlan> {
            None
        }
        async fn create(
            &self,
            _: &str,
            _: &Value,
            _: &dyn RolloutEvents,
        ) -> Result<String, ProviderError> {
            Ok("service-1".into())
        }
        async fn update(
            &self,
            _: &str,
            _: &Value,
            _: &RolloutRecord,
            _: &dyn RolloutEvents,
        ) -> Result<String, ProviderError> {
            Ok("service-1".into())
        }
        async fn delete(&self, _: &RolloutRecord) -> Result<(), ProviderError> {
            Ok(())
        }
        fn in_progress(&self, _: &RolloutRecord) -> bool {
            false
        }
        async fn recover(
            &self,
            _: &Value,
            _: &mut RolloutRecord,
            _: bool,
        ) -> Result<Option<Recovered>, ProviderError> {
            Ok(None)
        }
        async fn follow_live(&self, _: &RolloutRecord) -> Result<Option<String>, ProviderError> {
            Ok(None)
        }
        async fn finalize_expired(
            &self,
            _: &str,
            _: &Value,
            _: &mut RolloutRecord,
        ) -> Result<bool, ProviderError> {
            Ok(false)
        }
        async fn rederive(
            &self,
            _: &str,
            _: &Value,
        ) -> Result<Option<(RolloutRecord, String)>, ProviderError> {
            Ok(None)
        }
        fn read_prior(&self, _: &str, value: &Value, _: &RolloutRecord) -> Option<Value> {
            Some(value.clone())
        }
        fn with_runtime_attributes(&self, _: &str, remote: Value, _: &Value) -> Value {
            remote
        }
        fn with_live_revision(&self, _: &str, value: &Value, _: &str) -> Value {
            value.clone()
        }
        fn routes(&self, _: &RolloutRecord) -> Vec<String> {
            vec!["route-1".into()]
        }
        fn delete_order(&self, _: &RolloutRecord) -> Vec<(String, String)> {
            vec![("route-1".into(), "pool-1".into())]
        }
    }

    fn address(text: &str) -> Address {
        text.parse().expect("an address")
    }

    fn object(resource_type: &str, id: &str) -> ResourceState {
        ResourceState {
            resource_type: resource_type.into(),
            value: Value::map([("id", Value::string(id))]),
            ..Default::default()
        }
    }

    fn delete(at: &str, resource_type: &str) -> ResourceChange {
        ResourceChange::new(address(at), resource_type, Action::Delete, Value::Null, Value::Null)
    }

    /// A state with a rolled-out service, the route it moves and the pool it routes to, and a
    /// registry with (or without) the provider's rollouts.
    fn rolled_out(with_rollouts: bool) -> (State, Registry) {
        let mut state = State::new();
        for (at, resource_type, id) in [
            ("fake_service.app", "fake_service", "service-1"),
            ("fake_route.front", "fake_route", "route-1"),
            ("fake_pool.blue", "fake_pool", "pool-1"),
        ] {
            state.resources.insert(address(at), object(resource_type, id));
        }
        state.deployments.insert("fake_service.app".into(), serde_json::json!({"opaque": true}));
        let mut registry = Registry::new();
        if with_rollouts {
            registry.set_rollouts(Arc::new(FakeRollouts));
        }
        (state, registry)
    }

    #[test]
    fn a_destroy_deletes_in_the_order_a_rollout_asks_for() {
        let plan = Plan {
            changes: vec![
                delete("fake_pool.blue", "fake_pool"),
                delete("fake_route.front", "fake_route"),
            ],
            ..Default::default()
        };
        let pool = (address("fake_pool.blue"), Phase::Delete);
        let route = (address("fake_route.front"), Phase::Delete);

        let (state, registry) = rolled_out(true);
        let graph = operation_graph(&plan, &state, &registry);
        assert!(
            graph.dependencies_of(&pool).any(|d| *d == route),
            "the pool's delete waits for the route's"
        );
        // Without the provider's word, nothing orders them.
        let (state, registry) = rolled_out(false);
        let graph = operation_graph(&plan, &state, &registry);
        assert_eq!(graph.dependencies_of(&pool).count(), 0);
    }

    #[test]
    fn the_routes_a_rollout_moves_are_its_providers_word() {
        let (state, registry) = rolled_out(true);
        assert_eq!(
            crate::planner::routes_owned_by_rollouts(&state, &registry),
            BTreeSet::from(["route-1".to_string()])
        );
        let (state, registry) = rolled_out(false);
        assert!(crate::planner::routes_owned_by_rollouts(&state, &registry).is_empty());
    }
}
