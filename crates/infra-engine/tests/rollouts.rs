//! The executor's rollout path end to end, against a fake provider whose `fake_service` is
//! rolled out blue/green behind the provider-neutral [`Rollouts`] trait.
//!
//! Each test writes a small configuration and runs it as `infra apply` does: settle the
//! rollouts a killed run left (`recover_interrupted`, `finalize_expired`; not for a destroy),
//! read the state, re-derive lost records, resolve pending creates, refresh, plan, then apply
//! to a local state file. It then checks the calls the provider received, in order, the
//! records its rollouts saved and the state as the next run reads it (the file with its
//! journal replayed).
//!
//! The fake's rollouts save a record at every step through [`RolloutEvents::save`], and note
//! what the state file holds right after each save: what a run killed between two steps
//! leaves. A test can make an update fail (or hang) at a chosen step.
//!
//! What this file does not cover: the CLI's own steps (locking, approval, saved plans,
//! output), records re-derived after a rewrite of the file, standby retention, and the routes
//! and delete order a rollout adds (the unit tests in src/executor.rs cover the last two).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use infra_core::rollout::{Recovered, RolloutEvents, RolloutPlan, RolloutRecord, Rollouts};
use infra_core::{
    Action, Attribute, Creating, Deleting, ProviderError, Registry, ResourceType, Schema, Type,
    Updating, Value,
};
use infra_engine::executor::ApplyError;
use infra_engine::Plan;
use infra_state::{Backend, LocalBackend, State};
use serde_json::json;

mod support;
use support::{action_of, at, operation_errors, settle_rollouts, Run};

/// The rolled-out object of every test.
const ADDRESS: &str = "fake_service.app";

/// The steps of an update's rollout, each saved as it is reached.
const UPDATE_STEPS: [&str; 4] = ["idle updated", "gate", "shifted", "done"];

/// The fake provider's side: its services by ID, every call it received, in order, and what
/// the tests tell it to do.
#[derive(Default)]
struct Cloud {
    /// `{id, name, image}`: `image` is what serves.
    services: Mutex<BTreeMap<String, Value>>,
    calls: Mutex<Vec<String>>,
    made: AtomicUsize,
    /// The step at which a rollout fails, after saving that step's record.
    fail_at: Mutex<Option<&'static str>>,
    /// The step at which a rollout waits forever, after saving that step's record.
    hang_at: Mutex<Option<&'static str>>,
    /// The records `Rollouts::update` and `Rollouts::delete` were given.
    received: Mutex<Vec<RolloutRecord>>,
    /// After each save, the record the state file holds for [`ADDRESS`].
    stored_at_save: Mutex<Vec<Option<RolloutRecord>>>,
    /// Rollouts' deletes fail (the service stays).
    deletes_fail: Mutex<bool>,
    /// Rolling back an interrupted rollout fails.
    recovers_fail: Mutex<bool>,
    /// The code of the error a rollout fails with at `fail_at` ("DeploymentFailed" if empty).
    failure_code: Mutex<&'static str>,
}

impl Cloud {
    fn log(&self, call: String) {
        self.calls.lock().unwrap().push(call);
    }

    /// The calls received since the last time they were taken.
    fn take_calls(&self) -> Vec<String> {
        std::mem::take(&mut self.calls.lock().unwrap())
    }

    fn take_received(&self) -> Vec<RolloutRecord> {
        std::mem::take(&mut self.received.lock().unwrap())
    }

    fn take_stored_at_save(&self) -> Vec<Option<RolloutRecord>> {
        std::mem::take(&mut self.stored_at_save.lock().unwrap())
    }

    fn fail_at(&self, step: Option<&'static str>) {
        *self.fail_at.lock().unwrap() = step;
    }

    fn hang_at(&self, step: Option<&'static str>) {
        *self.hang_at.lock().unwrap() = step;
    }

    /// The image each service serves, by ID.
    fn serving(&self) -> BTreeMap<String, String> {
        self.services
            .lock()
            .unwrap()
            .iter()
            .map(|(id, service)| {
                let image = service.get("image").as_str().unwrap_or_default();
                (id.clone(), image.to_string())
            })
            .collect()
    }

    fn set_image(&self, id: &str, image: &str) {
        if let Some(service) = self.services.lock().unwrap().get_mut(id) {
            service.map_mut().expect("an object").insert("image".into(), Value::string(image));
        }
    }
}

/// `fake_service`: `name` (force-new), `image` (what it runs), a computed `id`, and a
/// `timeouts` block. The provider rolls it out, so its own create, update and delete fail:
/// the engine must not call them.
struct FakeService {
    cloud: Arc<Cloud>,
    schema: Schema,
}

impl FakeService {
    fn new(cloud: Arc<Cloud>) -> FakeService {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("name", Type::String).force_new())
            .attr(Attribute::required("image", Type::String))
            .timeouts(&["create", "update", "delete"]);
        FakeService { cloud, schema }
    }

    fn not_here(&self, verb: &str, object: &Value) -> ProviderError {
        let name = object.get("name").as_str().unwrap_or("?");
        self.cloud.log(format!("type {verb} {name}"));
        ProviderError::with_code(
            "NotRolledOut",
            format!("fake_service is rolled out: its own {verb} was called"),
        )
    }
}

#[async_trait::async_trait]
impl ResourceType for FakeService {
    fn name(&self) -> &'static str {
        "fake_service"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, at: Creating<'_>) -> Result<Value, ProviderError> {
        Err(self.not_here("create", at.planned))
    }

    async fn update(&self, at: Updating<'_>) -> Result<Value, ProviderError> {
        Err(self.not_here("update", at.planned))
    }

    async fn delete(&self, at: Deleting<'_>) -> Result<(), ProviderError> {
        Err(self.not_here("delete", at.prior))
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let services = self.cloud.services.lock().unwrap();
        Ok(prior
            .iter()
            .map(|p| {
                let id = p.get("id").as_str().unwrap_or_default();
                self.cloud.log(format!("type read {id}"));
                services.get(id).cloned()
            })
            .collect())
    }

    async fn find_created(&self, at: Creating<'_>) -> Result<Option<Value>, ProviderError> {
        let name = at.planned.get("name").as_str().unwrap_or("?");
        self.cloud.log(format!("type find {name}"));
        Ok(None)
    }
}

/// The provider's rollouts of `fake_service`. A record is
/// `{service, live, image, step, in_progress}` (`live` the colour that serves `image`), with
/// `target` and `target_colour` while an update rolls out.
struct FakeRollouts {
    cloud: Arc<Cloud>,
    /// The state file, read after each save.
    state_path: PathBuf,
}

fn text<'r>(record: &'r RolloutRecord, key: &str) -> &'r str {
    record[key].as_str().unwrap_or_default()
}

fn other_colour(colour: &str) -> &'static str {
    if colour == "blue" {
        "green"
    } else {
        "blue"
    }
}

fn name_of(value: &Value) -> &str {
    value.get("name").as_str().unwrap_or("?")
}

impl FakeRollouts {
    /// Reaches `step`: saves the record through `events`, notes what the state file holds
    /// then, and fails or hangs there when told to.
    async fn step(
        &self,
        events: &dyn RolloutEvents,
        record: &mut RolloutRecord,
        step: &'static str,
    ) -> Result<(), ProviderError> {
        record["step"] = json!(step);
        record["in_progress"] = json!(step != "done");
        self.cloud.log(format!("save {step}"));
        events.save(record).map_err(ProviderError::new)?;
        let stored = LocalBackend::new(self.state_path.clone())
            .read()
            .expect("the state reads during a rollout")
            .and_then(|state| state.deployments.get(ADDRESS).cloned());
        self.cloud.stored_at_save.lock().unwrap().push(stored);
        let hang = *self.cloud.hang_at.lock().unwrap() == Some(step);
        if hang {
            std::future::pending::<()>().await;
        }
        if *self.cloud.fail_at.lock().unwrap() == Some(step) {
            let code = match *self.cloud.failure_code.lock().unwrap() {
                "" => "DeploymentFailed",
                code => code,
            };
            return Err(ProviderError::with_code(code, format!("the rollout failed at {step}")));
        }
        Ok(())
    }
}

/// A record without the fields of a rollout under way.
fn settled(record: &mut RolloutRecord, step: &str) {
    let fields = record.as_object_mut().expect("a record is an object");
    fields.remove("target");
    fields.remove("target_colour");
    fields.insert("step".into(), json!(step));
    fields.insert("in_progress".into(), json!(false));
}

#[async_trait::async_trait(?Send)]
impl Rollouts for FakeRollouts {
    fn rolls_out(&self, resource_type: &str, _: &Value) -> Option<Result<(), String>> {
        (resource_type == "fake_service").then_some(Ok(()))
    }

    fn plan(&self, _: &str, planned: &Value, record: &RolloutRecord) -> Option<RolloutPlan> {
        self.cloud.log(format!("plan {}", name_of(planned)));
        let live = text(record, "live");
        Some(RolloutPlan {
            live_colour: live.into(),
            target_colour: other_colour(live).into(),
            live_revision: text(record, "image").into(),
            target_revision: planned.get("image").as_str().unwrap_or_default().into(),
        })
    }

    async fn create(
        &self,
        _: &str,
        planned: &Value,
        events: &dyn RolloutEvents,
    ) -> Result<String, ProviderError> {
        let name = name_of(planned);
        self.cloud.log(format!("create {name}"));
        let id = format!("svc-{}", self.cloud.made.fetch_add(1, Ordering::SeqCst) + 1);
        let image = planned.get("image").as_str().unwrap_or_default();
        self.cloud.services.lock().unwrap().insert(
            id.clone(),
            Value::map([
                ("id", Value::string(&id)),
                ("name", Value::string(name)),
                ("image", Value::string(image)),
            ]),
        );
        let mut record = json!({"service": id, "live": "blue", "image": image});
        self.step(events, &mut record, "blue created").await?;
        self.step(events, &mut record, "done").await?;
        Ok(id)
    }

    async fn update(
        &self,
        _: &str,
        planned: &Value,
        record: &RolloutRecord,
        events: &dyn RolloutEvents,
    ) -> Result<String, ProviderError> {
        self.cloud.log(format!("update {} from {}", name_of(planned), text(record, "step")));
        self.cloud.received.lock().unwrap().push(record.clone());
        let id = text(record, "service").to_string();
        let target = planned.get("image").as_str().unwrap_or_default();
        let target_colour = other_colour(text(record, "live"));
        let mut record = record.clone();
        record["target"] = json!(target);
        record["target_colour"] = json!(target_colour);
        let [idle_updated, gate, shifted, done] = UPDATE_STEPS;
        self.step(events, &mut record, idle_updated).await?;
        self.step(events, &mut record, gate).await?;
        self.cloud.set_image(&id, target);
        self.step(events, &mut record, shifted).await?;
        record["live"] = json!(target_colour);
        record["image"] = json!(target);
        settled(&mut record, "done");
        self.step(events, &mut record, done).await?;
        Ok(id)
    }

    async fn delete(&self, record: &RolloutRecord) -> Result<(), ProviderError> {
        let id = text(record, "service");
        self.cloud.log(format!("delete {id}"));
        self.cloud.received.lock().unwrap().push(record.clone());
        if *self.cloud.deletes_fail.lock().unwrap() {
            return Err(ProviderError::with_code(
                "DeleteFailed",
                format!("{id} cannot be deleted now"),
            ));
        }
        match self.cloud.services.lock().unwrap().remove(id) {
            Some(_) => Ok(()),
            None => Err(ProviderError::with_code("NotFound", format!("no service {id}"))),
        }
    }

    fn in_progress(&self, record: &RolloutRecord) -> bool {
        self.cloud.log(format!("in_progress {}", text(record, "step")));
        record["in_progress"] == json!(true)
    }

    async fn recover(
        &self,
        _: &Value,
        record: &mut RolloutRecord,
        resume: bool,
    ) -> Result<Option<Recovered>, ProviderError> {
        let how = if resume { "resume" } else { "roll back" };
        self.cloud.log(format!("recover {} ({how})", text(record, "step")));
        if record["in_progress"] != json!(true) {
            return Ok(None);
        }
        if *self.cloud.recovers_fail.lock().unwrap() {
            return Err(ProviderError::with_code("RouteNotChanged", "the listener did not answer"));
        }
        let id = text(record, "service").to_string();
        if resume {
            let target = text(record, "target").to_string();
            let colour = text(record, "target_colour").to_string();
            self.cloud.set_image(&id, &target);
            record["live"] = json!(colour);
            record["image"] = json!(target);
            settled(record, "done");
            Ok(Some(Recovered {
                report: format!("finished the rollout to {colour} ({target})"),
                live_revision: Some(target),
            }))
        } else {
            let (live, image) =
                (text(record, "live").to_string(), text(record, "image").to_string());
            self.cloud.set_image(&id, &image);
            settled(record, "rolled back");
            Ok(Some(Recovered {
                report: format!("rolled back to {live} ({image})"),
                live_revision: None,
            }))
        }
    }

    async fn follow_live(&self, record: &RolloutRecord) -> Result<Option<String>, ProviderError> {
        self.cloud.log(format!("follow_live {}", text(record, "service")));
        Ok(None)
    }

    async fn finalize_expired(
        &self,
        _: &str,
        _: &Value,
        record: &mut RolloutRecord,
    ) -> Result<bool, ProviderError> {
        self.cloud.log(format!("finalize_expired {}", text(record, "service")));
        Ok(false)
    }

    async fn rederive(
        &self,
        _: &str,
        value: &Value,
    ) -> Result<Option<(RolloutRecord, String)>, ProviderError> {
        self.cloud.log(format!("rederive {}", name_of(value)));
        Ok(None)
    }

    /// The live side is the service the record names.
    fn read_prior(&self, _: &str, _: &Value, record: &RolloutRecord) -> Option<Value> {
        let id = text(record, "service");
        self.cloud.log(format!("read_prior {id}"));
        Some(Value::map([("id", Value::string(id))]))
    }

    fn with_runtime_attributes(&self, _: &str, remote: Value, _: &Value) -> Value {
        remote
    }

    fn with_live_revision(&self, _: &str, value: &Value, revision: &str) -> Value {
        self.cloud.log(format!("with_live_revision {revision}"));
        let mut value = value.clone();
        if let Some(entries) = value.map_mut() {
            entries.insert("image".into(), Value::string(revision));
        }
        value
    }

    fn routes(&self, _: &RolloutRecord) -> Vec<String> {
        Vec::new()
    }

    fn delete_order(&self, _: &RolloutRecord) -> Vec<(String, String)> {
        Vec::new()
    }
}

/// How one simulated run goes.
#[derive(Default)]
struct Settings {
    destroy: bool,
    /// `infra apply -resume`: an interrupted rollout is finished rather than rolled back.
    resume: bool,
}

/// What one run gave: what settling the interrupted rollouts reported (by address), then
/// the run's plan and apply.
struct Applied {
    recovered: Vec<(String, String)>,
    plan: Plan,
    /// The state the executor returned (the planned one when the plan had no changes).
    state: State,
    result: Result<(), ApplyError>,
}

/// The fake provider's services, and a workspace whose runs roll them out.
type Stack = support::Stack<Cloud>;

impl Stack {
    fn new(configuration: &str) -> Stack {
        Stack::with_registry(configuration, |cloud, state_path| {
            let mut registry = Registry::new();
            registry.register_resource(Arc::new(FakeService::new(cloud.clone())));
            registry.set_rollouts(Arc::new(FakeRollouts { cloud: cloud.clone(), state_path }));
            registry
        })
    }

    /// The rollout record the stored state holds for [`ADDRESS`].
    fn stored_record(&self) -> Option<RolloutRecord> {
        self.stored_state().deployments.get(ADDRESS).cloned()
    }

    async fn apply(&self) -> Applied {
        self.apply_with(Settings::default()).await
    }

    /// `infra apply -auto-approve` (or `destroy`): settles interrupted rollouts (not for a
    /// destroy, as the CLI), plans, and applies a plan with changes.
    async fn apply_with(&self, settings: Settings) -> Applied {
        let recovered = if settings.destroy {
            Vec::new()
        } else {
            settle_rollouts(&self.registry, &self.backend(), settings.resume).await
        };
        let run = self.workspace.apply(Run { destroy: settings.destroy, ..Run::default() }).await;
        Applied { recovered, plan: run.plan, state: run.state, result: run.result }
    }
}

/// A stack whose create of `first` succeeded (its calls taken), with `second` written over it.
async fn created_then(first: &str, second: &str) -> Stack {
    let stack = Stack::new(first);
    stack.apply().await.result.expect("the create");
    stack.cloud.take_calls();
    stack.configure(second);
    stack
}

/// The calls since they were last taken, none of which went to the type's own create, update
/// or delete.
fn calls_without_type_writes(stack: &Stack) -> Vec<String> {
    let calls = stack.cloud.take_calls();
    assert_eq!(type_writes(&calls), Vec::<&String>::new());
    calls
}

/// Asserts that the apply failed in one operation, the update of [`ADDRESS`], with `code`.
fn assert_update_failed(result: Result<(), ApplyError>, code: &str) {
    let errors = operation_errors(result);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].address, at(ADDRESS));
    assert_eq!(errors[0].action, Action::Update);
    assert_eq!(errors[0].error.code.as_deref(), Some(code));
}

/// The calls that went to the type's own create, update or delete.
fn type_writes(calls: &[String]) -> Vec<&String> {
    calls
        .iter()
        .filter(|call| {
            ["type create", "type update", "type delete"].iter().any(|verb| call.starts_with(verb))
        })
        .collect()
}

/// What [`Cloud::serving`] shows when one service runs one image.
fn running_image(service: &str, image: &str) -> BTreeMap<String, String> {
    BTreeMap::from([(service.to_string(), image.to_string())])
}

/// `fake_service.app` named `name`, running `image`, with `extra` in its block.
fn service_named(name: &str, image: &str, extra: &str) -> String {
    format!(
        r#"
resource "fake_service" "app" {{
  name  = "{name}"
  image = "{image}"
  {extra}
}}
"#
    )
}

fn service(image: &str) -> String {
    service_named("app", image, "")
}

/// The record of a settled service `svc-1` whose `live` colour serves `image`.
fn settled_record(live: &str, image: &str, step: &str) -> RolloutRecord {
    json!({"service": "svc-1", "live": live, "image": image, "step": step, "in_progress": false})
}

/// The record an update from v1 (blue) to v2 (green) saves at `step`, while under way.
fn update_record(step: &str) -> RolloutRecord {
    json!({
        "service": "svc-1", "live": "blue", "image": "v1",
        "target": "v2", "target_colour": "green",
        "step": step, "in_progress": true,
    })
}

/// A stack whose `fake_service.app` was created with v1 and whose update to v2 failed at the
/// "shifted" step: the state holds that step's record. The calls and saves are taken.
async fn interrupted_at_shifted() -> Stack {
    let stack = Stack::new(&service("v1"));
    stack.apply().await.result.expect("the create");
    stack.configure(&service("v2"));
    stack.cloud.fail_at(Some("shifted"));
    let failed = stack.apply().await;
    operation_errors(failed.result);
    assert_eq!(stack.stored_record(), Some(update_record("shifted")));
    stack.cloud.fail_at(None);
    stack.cloud.take_calls();
    stack.cloud.take_received();
    stack.cloud.take_stored_at_save();
    stack
}

/// 1. The create of a rolled-out type is the provider's rollout, not the type's own create;
/// the rollout's final record is kept under the object's address; the object is read through
/// the record's read prior; a second plan has nothing to do.
#[tokio::test]
async fn a_rolled_out_create_goes_through_rollouts_and_keeps_its_record_under_its_address() {
    let stack = Stack::new(&service("v1"));

    let applied = stack.apply().await;

    applied.result.expect("the create succeeds");
    assert_eq!(action_of(&applied.plan, ADDRESS), Action::Create);
    let calls = calls_without_type_writes(&stack);
    assert_eq!(
        calls,
        [
            "create app",
            "save blue created",
            "save done",
            // The object is stored as the serving side reads back.
            "read_prior svc-1",
            "type read svc-1",
        ]
    );
    let state = stack.stored_state();
    assert_eq!(state.deployments, applied.state.deployments);
    assert_eq!(
        state.deployments,
        BTreeMap::from([(ADDRESS.to_string(), settled_record("blue", "v1", "done"))])
    );
    let object = &state.resources[&at(ADDRESS)];
    assert_eq!(object.id(), Some("svc-1"));
    assert_eq!(object.value.get("image").as_str(), Some("v1"));
    assert!(state.pending.is_empty(), "pending: {:?}", state.pending);
    assert_eq!(stack.cloud.serving(), running_image("svc-1", "v1"));

    let again = stack.plan().await;
    assert!(
        !again.has_changes(),
        "a plan over the applied state changes nothing: {:?}",
        again.changes
    );
    assert_eq!(
        stack.cloud.take_calls(),
        ["read_prior svc-1", "type read svc-1"],
        "the refresh reads the object through its record"
    );
}

/// 2. An update of a rolled-out object is planned with the provider's `RolloutPlan` and rolled
/// out by `Rollouts::update`, given the record the state held; the new record replaces it.
#[tokio::test]
async fn a_rolled_out_update_carries_the_providers_plan_and_rolls_out_from_the_held_record() {
    let stack = created_then(&service("v1"), &service("v2")).await;
    let held = stack.stored_record().expect("the create's record");
    let applied = stack.apply().await;

    applied.result.expect("the update succeeds");
    let change = applied.plan.change(&at(ADDRESS)).expect("a change");
    assert_eq!(change.action, Action::Update);
    assert_eq!(
        change.deployment,
        Some(RolloutPlan {
            live_colour: "blue".into(),
            target_colour: "green".into(),
            live_revision: "v1".into(),
            target_revision: "v2".into(),
        })
    );
    assert_eq!(stack.cloud.take_received(), [held]);
    let calls = calls_without_type_writes(&stack);
    assert_eq!(
        calls,
        [
            // Settling: nothing was under way.
            "recover done (roll back)",
            "follow_live svc-1",
            "finalize_expired svc-1",
            // Refresh, plan.
            "read_prior svc-1",
            "type read svc-1",
            "plan app",
            // Apply.
            "update app from done",
            "save idle updated",
            "save gate",
            "save shifted",
            "save done",
            "read_prior svc-1",
            "type read svc-1",
        ]
    );
    assert_eq!(stack.stored_record(), Some(settled_record("green", "v2", "done")));
    let stored = &stack.stored_state().resources[&at(ADDRESS)];
    assert_eq!(stored.id(), Some("svc-1"));
    assert_eq!(stored.value.get("image").as_str(), Some("v2"));
    assert_eq!(stack.cloud.serving(), running_image("svc-1", "v2"));
    let again = stack.plan().await;
    assert!(!again.has_changes(), "{:?}", again.changes);
}

/// 3. Every step's record is in the state file as soon as it is saved, so a run killed between
/// two steps leaves the last one; a rollout that fails at a middle step leaves that step's
/// in-progress record (no rollback in the same run: only a timeout does that), keeps the
/// object as it was, and fails the apply for that address.
#[tokio::test]
async fn each_steps_record_is_saved_as_it_happens_and_a_failed_rollout_leaves_its_step() {
    let stack = created_then(&service("v1"), &service("v2")).await;
    stack.cloud.take_stored_at_save();
    stack.cloud.fail_at(Some("shifted"));
    let applied = stack.apply().await;

    assert_update_failed(applied.result, "DeploymentFailed");
    // What the file held right after each save: what a run killed then would leave.
    assert_eq!(
        stack.cloud.take_stored_at_save(),
        [
            Some(update_record("idle updated")),
            Some(update_record("gate")),
            Some(update_record("shifted")),
        ]
    );
    let calls = stack.cloud.take_calls();
    assert_eq!(
        calls[calls.len() - 2..],
        ["save gate", "save shifted"],
        "nothing after the failed step: {calls:?}"
    );
    let state = stack.stored_state();
    assert_eq!(state.deployments[ADDRESS], update_record("shifted"));
    assert_eq!(state.deployments, applied.state.deployments);
    let stored = &state.resources[&at(ADDRESS)];
    assert_eq!(
        stored.value.get("image").as_str(),
        Some("v1"),
        "the object is stored as before the update"
    );
    assert_eq!(
        stack.cloud.serving(),
        running_image("svc-1", "v2"),
        "the traffic was shifted when it failed"
    );
}

/// 4. The next run starts by recovering the rollout the last one left under way, before
/// anything else touches the object: it rolls it back, then plans and rolls the update out
/// again from the rolled-back record.
#[tokio::test]
async fn the_next_run_first_rolls_back_an_interrupted_rollout_then_rolls_out_again() {
    let stack = interrupted_at_shifted().await;

    let applied = stack.apply().await;

    applied.result.expect("the second run succeeds");
    assert_eq!(applied.recovered, [(ADDRESS.to_string(), "rolled back to blue (v1)".to_string())]);
    let calls = stack.cloud.take_calls();
    assert_eq!(calls[0], "recover shifted (roll back)", "recovery comes first: {calls:?}");
    assert_eq!(
        calls,
        [
            "recover shifted (roll back)",
            "follow_live svc-1",
            "finalize_expired svc-1",
            "read_prior svc-1",
            "type read svc-1",
            "plan app",
            "update app from rolled back",
            "save idle updated",
            "save gate",
            "save shifted",
            "save done",
            "read_prior svc-1",
            "type read svc-1",
        ]
    );
    assert_eq!(
        stack.cloud.take_received(),
        [settled_record("blue", "v1", "rolled back")],
        "the update starts from the rolled-back record"
    );
    assert_eq!(
        applied.plan.change(&at(ADDRESS)).and_then(|c| c.deployment.clone()),
        Some(RolloutPlan {
            live_colour: "blue".into(),
            target_colour: "green".into(),
            live_revision: "v1".into(),
            target_revision: "v2".into(),
        })
    );
    let record = stack.stored_record().expect("a record");
    assert_eq!(record["in_progress"], json!(false), "{record}");
    assert_eq!(record, settled_record("green", "v2", "done"));
    assert_eq!(
        stack.stored_state().resources[&at(ADDRESS)].value.get("image").as_str(),
        Some("v2")
    );
}

/// 4 (with `-resume`). The interrupted rollout is finished instead; the object records the
/// revision now live, so nothing is left to plan.
#[tokio::test]
async fn with_resume_the_next_run_first_finishes_an_interrupted_rollout() {
    let stack = interrupted_at_shifted().await;

    let applied = stack.apply_with(Settings { resume: true, ..Settings::default() }).await;

    applied.result.expect("the second run succeeds");
    assert_eq!(
        applied.recovered,
        [(ADDRESS.to_string(), "finished the rollout to green (v2)".to_string())]
    );
    assert!(!applied.plan.has_changes(), "{:?}", applied.plan.changes);
    assert_eq!(
        stack.cloud.take_calls(),
        [
            "recover shifted (resume)",
            "follow_live svc-1",
            "with_live_revision v2",
            "finalize_expired svc-1",
            "read_prior svc-1",
            "type read svc-1",
        ]
    );
    let state = stack.stored_state();
    assert_eq!(state.deployments[ADDRESS], settled_record("green", "v2", "done"));
    assert_eq!(state.resources[&at(ADDRESS)].value.get("image").as_str(), Some("v2"));
}

/// 5. A destroy deletes a rolled-out object through `Rollouts::delete`, given its record, and
/// the record goes with the object.
#[tokio::test]
async fn a_destroy_deletes_through_rollouts_with_the_record_and_forgets_the_record() {
    let stack = Stack::new(&service("v1"));
    stack.apply().await.result.expect("the create");
    let held = stack.stored_record().expect("the create's record");
    stack.cloud.take_calls();

    let destroyed = stack.apply_with(Settings { destroy: true, ..Settings::default() }).await;

    destroyed.result.expect("the destroy succeeds");
    assert_eq!(action_of(&destroyed.plan, ADDRESS), Action::Delete);
    assert_eq!(stack.cloud.take_calls(), ["read_prior svc-1", "type read svc-1", "delete svc-1"]);
    assert_eq!(stack.cloud.take_received(), [held]);
    assert_eq!(stack.cloud.serving(), BTreeMap::new());
    let state = stack.stored_state();
    assert!(state.resources.is_empty(), "{:?}", state.resources);
    assert!(state.deployments.is_empty(), "{:?}", state.deployments);
}

/// A rollout abandoned at its `timeouts` update limit is rolled back in the same run, from the
/// record it saved last, and the rolled-back record is saved.
#[tokio::test]
async fn a_rollout_that_times_out_is_rolled_back_in_the_same_run() {
    let limited = |image: &str| service_named("app", image, r#"timeouts { update = "1ms" }"#);
    let stack = created_then(&limited("v1"), &limited("v2")).await;
    stack.cloud.hang_at(Some("shifted"));
    let applied = stack.apply().await;

    assert_update_failed(applied.result, "Timeout");
    let calls = stack.cloud.take_calls();
    assert_eq!(
        calls[calls.len() - 3..],
        ["save shifted", "in_progress shifted", "recover shifted (roll back)"],
        "{calls:?}"
    );
    assert_eq!(stack.stored_record(), Some(settled_record("blue", "v1", "rolled back")));
    assert_eq!(stack.cloud.serving(), running_image("svc-1", "v1"), "the traffic is back on v1");
}

/// A replacement (delete, then create, by default) deletes the old object through its record
/// and creates the new one through the rollouts, which keep only the new record.
#[tokio::test]
async fn a_replacement_deletes_through_the_old_record_and_creates_through_rollouts() {
    let stack =
        created_then(&service_named("app-1", "v1", ""), &service_named("app-2", "v1", "")).await;
    let applied = stack.apply().await;

    applied.result.expect("the replacement succeeds");
    assert_eq!(action_of(&applied.plan, ADDRESS), Action::DeleteThenCreate);
    let calls = calls_without_type_writes(&stack);
    let writes: Vec<&String> =
        calls.iter().filter(|c| c.starts_with("delete") || c.starts_with("create")).collect();
    assert_eq!(writes, ["delete svc-1", "create app-2"]);
    assert_eq!(stack.cloud.serving(), running_image("svc-2", "v1"));
    let state = stack.stored_state();
    assert_eq!(state.resources[&at(ADDRESS)].id(), Some("svc-2"));
    assert_eq!(state.deployments[ADDRESS]["service"], json!("svc-2"));
}

/// A `create_before_destroy` replacement: the new object is created first, and the old one
/// must then be deleted through the OLD record, though the new object's create has put its own
/// record at the address by then. (The engine deleted through whatever record the state held:
/// the new service, leaving the old one running and unrecorded, and the state pointing at a
/// deleted service with no record.)
#[tokio::test]
async fn a_create_before_destroy_replacement_deletes_the_old_object_through_its_own_record() {
    let cbd = "lifecycle {\n    create_before_destroy = true\n  }";
    let stack =
        created_then(&service_named("app-1", "v1", cbd), &service_named("app-2", "v1", cbd)).await;
    let old = stack.stored_record().expect("the create's record");
    stack.cloud.take_received();
    let applied = stack.apply().await;

    applied.result.expect("the replacement succeeds");
    assert_eq!(action_of(&applied.plan, ADDRESS), Action::CreateThenDelete);
    assert_eq!(stack.cloud.take_received(), [old], "the old record is deleted");
    assert_eq!(stack.cloud.serving(), running_image("svc-2", "v1"), "only the new service runs");
    let state = stack.stored_state();
    assert_eq!(state.resources[&at(ADDRESS)].id(), Some("svc-2"));
    assert_eq!(
        state.deployments.get(ADDRESS).map(|r| r["service"].clone()),
        Some(json!("svc-2")),
        "the new object's record is kept"
    );
}

/// A `create_before_destroy` replacement whose delete of the old object fails sets that object
/// aside (deposed) with its own rollout record, and the next apply deletes it through that
/// record. (The deposed object kept no record, so the next apply deleted it as the type's own
/// object, which the rollout's services are not: they stayed, unrecorded.)
#[tokio::test]
async fn a_deposed_rolled_out_object_keeps_its_record_and_is_deleted_through_it() {
    let cbd = "lifecycle {\n    create_before_destroy = true\n  }";
    let stack = Stack::new(&service_named("app-1", "v1", cbd));
    stack.apply().await.result.expect("the create");
    let old = stack.stored_record().expect("the create's record");
    stack.cloud.take_received();

    stack.configure(&service_named("app-2", "v1", cbd));
    *stack.cloud.deletes_fail.lock().unwrap() = true;
    let failed = stack.apply().await;

    let errors = operation_errors(failed.result);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].error.code.as_deref(), Some("DeleteFailed"));
    let state = stack.stored_state();
    assert_eq!(state.resources[&at(ADDRESS)].id(), Some("svc-2"));
    let deposed = &state.deposed[&at(ADDRESS)];
    let key = deposed.keys().next().expect("the old object is deposed").clone();
    assert_eq!(deposed[&key].id(), Some("svc-1"));
    assert_eq!(
        state.deployments.get(&format!("{ADDRESS} deposed {key}")),
        Some(&old),
        "the deposed object keeps its own record"
    );
    assert_eq!(state.deployments[ADDRESS]["service"], json!("svc-2"));
    stack.cloud.take_received();
    stack.cloud.take_calls();

    *stack.cloud.deletes_fail.lock().unwrap() = false;
    let applied = stack.apply().await;

    applied.result.expect("the deposed object is deleted");
    assert_eq!(stack.cloud.take_received(), [old], "through its record");
    assert_eq!(type_writes(&stack.cloud.take_calls()), Vec::<&String>::new());
    assert_eq!(stack.cloud.serving(), running_image("svc-2", "v1"));
    let state = stack.stored_state();
    assert!(state.deposed.is_empty());
    assert_eq!(
        state.deployments.keys().collect::<Vec<_>>(),
        [ADDRESS],
        "the deposed record is forgotten with its object"
    );
}

/// An update of a rolled-out object whose record is gone (and which its provider could not
/// re-derive) fails, naming the way out, and creates nothing. (It went to the rollouts'
/// create, which made a second copy of the object and recorded only that one.)
#[tokio::test]
async fn an_update_without_a_rollout_record_fails_and_creates_no_second_object() {
    let stack = Stack::new(&service("v1"));
    stack.apply().await.result.expect("the create");
    let mut state = stack.stored_state();
    state.deployments.clear();
    stack.backend().write(&state).expect("the state is written");
    stack.cloud.take_calls();

    stack.configure(&service("v2"));
    let applied = stack.apply().await;

    let errors = operation_errors(applied.result);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].action, Action::Update);
    assert_eq!(errors[0].error.code.as_deref(), Some("RolloutRecordMissing"));
    assert!(
        errors[0].error.message.contains("-replace=fake_service.app"),
        "{}",
        errors[0].error.message
    );
    let calls = stack.cloud.take_calls();
    assert!(!calls.iter().any(|c| c.starts_with("create") || c.starts_with("update")), "{calls:?}");
    assert_eq!(stack.cloud.serving(), running_image("svc-1", "v1"));
}

/// A rollout abandoned at its timeout whose roll-back fails too says both, so that the user
/// knows traffic may still be split until the next apply rolls it back.
#[tokio::test]
async fn a_timed_out_rollout_whose_roll_back_fails_says_so() {
    let limited = |image: &str| service_named("app", image, r#"timeouts { update = "1ms" }"#);
    let stack = Stack::new(&limited("v1"));
    stack.apply().await.result.expect("the create");

    stack.configure(&limited("v2"));
    stack.cloud.hang_at(Some("shifted"));
    *stack.cloud.recovers_fail.lock().unwrap() = true;
    let applied = stack.apply().await;

    let errors = operation_errors(applied.result);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].error.code.as_deref(), Some("Timeout"));
    let message = &errors[0].error.message;
    assert!(message.contains("rolling the rollout back failed too"), "{message}");
    assert!(message.contains("the next apply rolls it back"), "{message}");
    assert_eq!(stack.stored_record(), Some(update_record("shifted")));
}

/// A provider error named "Timeout" is the provider's answer, not a call infra abandoned: the
/// rollout stopped where its own code left it, and is not rolled back a second time.
#[tokio::test]
async fn a_providers_own_timeout_error_is_not_taken_for_an_abandoned_call() {
    let stack = created_then(&service("v1"), &service("v2")).await;
    *stack.cloud.failure_code.lock().unwrap() = "Timeout";
    stack.cloud.fail_at(Some("shifted"));
    let applied = stack.apply().await;

    let errors = operation_errors(applied.result);
    assert_eq!(errors[0].error.code.as_deref(), Some("Timeout"));
    let calls = stack.cloud.take_calls();
    assert_eq!(calls.last().map(String::as_str), Some("save shifted"), "{calls:?}");
    assert_eq!(stack.stored_record(), Some(update_record("shifted")));
}
