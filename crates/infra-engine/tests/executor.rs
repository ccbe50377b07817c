//! The executor end to end, against a fake provider that keeps its objects in memory.
//!
//! Each test writes a small configuration of `fake_thing` resources and runs it as `infra
//! apply` does: read the state, resolve pending creates, refresh, plan, then apply to a local
//! state file. It then checks the calls the provider received, in order, the objects it holds,
//! and the state as the next run would read it (the file with its journal replayed).
//!
//! What this file does not cover: the CLI's own steps (locking, approval, saved plans, output),
//! data sources, modules, and rollouts.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use infra_core::{
    Action, Attribute, Cause, Creating, Deleting, ProviderError, Registry, ResourceType, Schema,
    Type, Updating, Value,
};
use infra_engine::executor::ApplyError;
use infra_engine::observer::{Event, Observer};
use infra_state::ResourceState;

mod support;
use support::{action_of, addresses, at, operation_errors, Applied, Run};

/// How a create of one name goes wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    /// The provider refuses it with an error that says nothing was made.
    Refuse,
    /// The object is made, but the answer is lost (once): the caller cannot tell.
    LoseAnswer,
}

/// The fake provider's side: its objects by ID, every call it received (`"create a"`, with
/// the object's name), and the faults it is told to inject.
#[derive(Default)]
struct Cloud {
    objects: Mutex<BTreeMap<String, Value>>,
    calls: Mutex<Vec<String>>,
    faults: Mutex<BTreeMap<String, Fault>>,
    /// `find_created` fails with a known error while set (the lookup after a lost answer).
    lookups_fail: AtomicBool,
    made: AtomicUsize,
}

impl Cloud {
    fn fail(&self, name: &str, fault: Fault) {
        self.faults.lock().unwrap().insert(name.into(), fault);
    }

    fn log(&self, verb: &str, object: &Value) {
        let name = object.get("name").as_str().unwrap_or("?");
        self.calls.lock().unwrap().push(format!("{verb} {name}"));
    }

    /// The calls received since the last time they were taken.
    fn take_calls(&self) -> Vec<String> {
        std::mem::take(&mut self.calls.lock().unwrap())
    }

    /// The names of the objects held, sorted.
    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .objects
            .lock()
            .unwrap()
            .values()
            .filter_map(|object| object.get("name").as_str().map(str::to_string))
            .collect();
        names.sort();
        names
    }

    /// The objects held that have this name.
    fn named(&self, name: &str) -> Vec<Value> {
        self.objects
            .lock()
            .unwrap()
            .values()
            .filter(|object| object.get("name").as_str() == Some(name))
            .cloned()
            .collect()
    }

    /// The ID of the one object with this name.
    fn id_of(&self, name: &str) -> String {
        let named = self.named(name);
        assert_eq!(named.len(), 1, "one object named {name}: {named:?}");
        named[0].get("id").as_str().unwrap().to_string()
    }
}

/// `fake_thing`: `name` (force-new), `size` (updated in place), `parent_id` (to reference
/// another one's `id`), and a computed `id`. Its calls work on the [`Cloud`]'s objects.
struct FakeThing {
    cloud: Arc<Cloud>,
    schema: Schema,
}

impl FakeThing {
    fn new(cloud: Arc<Cloud>) -> FakeThing {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("name", Type::String).force_new())
            .attr(Attribute::optional("size", Type::Number))
            .attr(Attribute::optional("parent_id", Type::String));
        FakeThing { cloud, schema }
    }
}

fn with_id(object: &Value, id: &str) -> Value {
    let mut object = object.clone();
    object.map_mut().expect("an object").insert("id".into(), Value::string(id));
    object
}

fn not_found(id: &str) -> ProviderError {
    ProviderError::with_code("NotFound", format!("no thing {id}"))
}

#[async_trait::async_trait]
impl ResourceType for FakeThing {
    fn name(&self) -> &'static str {
        "fake_thing"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, at: Creating<'_>) -> Result<Value, ProviderError> {
        self.cloud.log("create", at.planned);
        let name = at.planned.get("name").as_str().unwrap_or_default().to_string();
        let fault = self.cloud.faults.lock().unwrap().get(&name).copied();
        if fault == Some(Fault::Refuse) {
            return Err(ProviderError::with_code(
                "InvalidParameterValue",
                format!("{name} is not an acceptable name"),
            ));
        }
        let id = format!("thing-{}", self.cloud.made.fetch_add(1, Ordering::SeqCst) + 1);
        let object = with_id(at.planned, &id);
        self.cloud.objects.lock().unwrap().insert(id, object.clone());
        if fault == Some(Fault::LoseAnswer) {
            self.cloud.faults.lock().unwrap().remove(&name);
            return Err(ProviderError::with_code("RequestTimeout", "the connection was reset")
                .with_cause(Cause::Unknown));
        }
        Ok(object)
    }

    async fn update(&self, at: Updating<'_>) -> Result<Value, ProviderError> {
        self.cloud.log("update", at.planned);
        let id = at.prior.get("id").as_str().unwrap_or_default();
        let mut objects = self.cloud.objects.lock().unwrap();
        let object = objects.get_mut(id).ok_or_else(|| not_found(id))?;
        *object = with_id(at.planned, id);
        Ok(object.clone())
    }

    async fn delete(&self, at: Deleting<'_>) -> Result<(), ProviderError> {
        self.cloud.log("delete", at.prior);
        let id = at.prior.get("id").as_str().unwrap_or_default();
        match self.cloud.objects.lock().unwrap().remove(id) {
            Some(_) => Ok(()),
            None => Err(not_found(id)),
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let objects = self.cloud.objects.lock().unwrap();
        Ok(prior
            .iter()
            .map(|p| objects.get(p.get("id").as_str().unwrap_or_default()).cloned())
            .collect())
    }

    /// By name, as a real type finds its object by its tags or natural key.
    async fn find_created(&self, at: Creating<'_>) -> Result<Option<Value>, ProviderError> {
        self.cloud.log("find", at.planned);
        if self.cloud.lookups_fail.load(Ordering::SeqCst) {
            return Err(ProviderError::with_code("AccessDenied", "not allowed to list things"));
        }
        let name = at.planned.get("name").as_str().unwrap_or_default();
        Ok(self.cloud.named(name).into_iter().next())
    }
}

/// Sets the stop flag when the first operation finishes, as a signal arriving then would.
#[derive(Default)]
struct StopAfterFirstFinish {
    stop: AtomicBool,
}

impl Observer for StopAfterFirstFinish {
    fn event(&self, event: Event) {
        if let Event::Finished { .. } = event {
            self.stop.store(true, Ordering::SeqCst);
        }
    }
}

/// The fake provider's objects, and a workspace whose runs use it.
type Stack = support::Stack<Cloud>;

impl Stack {
    fn new(configuration: &str) -> Stack {
        Stack::with_registry(configuration, |cloud, _| {
            let mut registry = Registry::new();
            registry.register_resource(Arc::new(FakeThing::new(cloud.clone())));
            registry
        })
    }

    /// A stack whose first apply of `configuration` succeeded, its calls taken.
    async fn applied(configuration: &str) -> Stack {
        let stack = Stack::new(configuration);
        stack.apply().await.result.expect("the first apply");
        stack.cloud.take_calls();
        stack
    }

    /// The next run: `configuration` written over the last one, then applied.
    async fn reapply(&self, configuration: &str) -> Applied {
        self.configure(configuration);
        self.apply().await
    }

    async fn apply(&self) -> Applied {
        self.workspace.apply(Run::default()).await
    }

    async fn apply_with(&self, run: Run<'_>) -> Applied {
        self.workspace.apply(run).await
    }

    /// An apply with one operation at a time, so that the calls come in a known order.
    async fn apply_one_at_a_time(&self) -> Applied {
        self.apply_with(Run { parallelism: 1, ..Run::default() }).await
    }

    /// An apply with one operation at a time that `observer` stops after the first finishes.
    async fn apply_stopping_after_first_finish(&self, observer: &StopAfterFirstFinish) -> Applied {
        self.apply_with(Run {
            parallelism: 1,
            observer,
            stop: Some(&observer.stop),
            ..Run::default()
        })
        .await
    }

    /// Asserts `stored` is the cloud's one object named `name`.
    #[track_caller]
    fn assert_is_object(&self, stored: &ResourceState, name: &str) {
        assert_eq!(stored.id(), Some(self.cloud.id_of(name).as_str()));
    }
}

/// One `fake_thing` "a" named `name`, with `size` if any.
fn thing_a(name: &str, size: Option<u32>) -> String {
    let size = size.map(|size| format!("  size = {size}\n"));
    format!(
        "\nresource \"fake_thing\" \"a\" {{\n  name = \"{name}\"\n{}}}\n",
        size.unwrap_or_default()
    )
}

/// Three `fake_thing`s that reference nothing.
const THREE_THINGS: &str = r#"
resource "fake_thing" "a" { name = "a" }
resource "fake_thing" "b" { name = "b" }
resource "fake_thing" "c" { name = "c" }
"#;

const REFERENCING: &str = r#"
resource "fake_thing" "app" {
  name      = "app"
  parent_id = fake_thing.network.id
}

resource "fake_thing" "network" {
  name = "network"
  size = 1
}
"#;

#[tokio::test]
async fn creates_run_after_what_they_reference_and_a_second_plan_changes_nothing() {
    let stack = Stack::new(REFERENCING);

    let applied = stack.apply_one_at_a_time().await;

    applied.result.expect("the apply succeeds");
    assert_eq!(stack.cloud.take_calls(), ["create network", "create app"]);
    let state = stack.stored_state();
    assert_eq!(addresses(&state), ["fake_thing.app", "fake_thing.network"]);
    assert_eq!(state.resources, applied.state.resources);
    assert!(state.pending.is_empty(), "pending: {:?}", state.pending);
    let (app, network) =
        (&state.resources[&at("fake_thing.app")], &state.resources[&at("fake_thing.network")]);
    stack.assert_is_object(app, "app");
    stack.assert_is_object(network, "network");
    assert_eq!(app.value.get("parent_id").as_str(), network.id());
    assert_eq!(app.dependencies, [at("fake_thing.network")]);
    assert!(network.dependencies.is_empty());

    let again = stack.plan().await;
    assert!(
        !again.has_changes(),
        "a plan over the applied state changes nothing: {:?}",
        again.changes
    );
    assert_eq!(stack.cloud.take_calls(), Vec::<String>::new());
}

#[tokio::test]
async fn a_change_of_an_updatable_attribute_updates_the_object_in_place() {
    let stack = Stack::applied(&thing_a("a", Some(1))).await;
    let id = stack.cloud.id_of("a");

    let applied = stack.reapply(&thing_a("a", Some(2))).await;

    applied.result.expect("the update succeeds");
    assert_eq!(action_of(&applied.plan, "fake_thing.a"), Action::Update);
    assert_eq!(stack.cloud.take_calls(), ["update a"]);
    assert_eq!(stack.cloud.id_of("a"), id, "the same object");
    assert_eq!(stack.cloud.named("a")[0].get("size"), &Value::Number(2.0));
    let stored = &stack.stored_state().resources[&at("fake_thing.a")];
    assert_eq!(stored.id(), Some(id.as_str()));
    assert_eq!(stored.value.get("size"), &Value::Number(2.0));
}

/// `fake_thing.a` named "a-1" applied, then replaced by one named "a-2" (`configuration`
/// gives each), by `action` with these `calls`. Returns the stored state after.
async fn replacement(
    configuration: impl Fn(&str) -> String,
    action: Action,
    calls: [&str; 2],
) -> infra_state::State {
    let stack = Stack::applied(&configuration("a-1")).await;

    let applied = stack.reapply(&configuration("a-2")).await;

    applied.result.expect("the replacement succeeds");
    assert_eq!(action_of(&applied.plan, "fake_thing.a"), action);
    assert_eq!(stack.cloud.take_calls(), calls);
    assert_eq!(stack.cloud.names(), ["a-2"]);
    let state = stack.stored_state();
    stack.assert_is_object(&state.resources[&at("fake_thing.a")], "a-2");
    state
}

#[tokio::test]
async fn a_replacement_deletes_the_old_object_before_creating_the_new_one_by_default() {
    replacement(|name| thing_a(name, None), Action::DeleteThenCreate, ["delete a-1", "create a-2"])
        .await;
}

#[tokio::test]
async fn with_create_before_destroy_a_replacement_creates_the_new_object_before_deleting_the_old() {
    let configuration = |name: &str| {
        format!(
            r#"
resource "fake_thing" "a" {{
  name = "{name}"
  lifecycle {{
    create_before_destroy = true
  }}
}}
"#
        )
    };
    let state =
        replacement(configuration, Action::CreateThenDelete, ["create a-2", "delete a-1"]).await;
    assert!(state.deposed.is_empty(), "deposed: {:?}", state.deposed);
}

/// The refused create's dependent is never sent (its configuration could not even be
/// evaluated), while an object that does not depend on it is made and recorded, as
/// Terraform's walk skips only what depends on a failure. One operation at a time, `broken`
/// (first in address order) fails before `other` starts, so the failure does not stop it.
#[tokio::test]
async fn a_refused_create_fails_the_apply_and_leaves_its_dependents_unattempted() {
    let stack = Stack::new(
        r#"
resource "fake_thing" "broken" {
  name = "broken"
}

resource "fake_thing" "child" {
  name      = "child"
  parent_id = fake_thing.broken.id
}

resource "fake_thing" "other" {
  name = "other"
}
"#,
    );
    stack.cloud.fail("broken", Fault::Refuse);

    let applied = stack.apply_one_at_a_time().await;

    let errors = operation_errors(applied.result);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].address, at("fake_thing.broken"));
    assert_eq!(errors[0].action, Action::Create);
    assert_eq!(errors[0].error.code.as_deref(), Some("InvalidParameterValue"));
    assert_eq!(stack.cloud.take_calls(), ["create broken", "create other"]);
    assert_eq!(stack.cloud.names(), ["other"]);
    let state = stack.stored_state();
    assert_eq!(addresses(&state), ["fake_thing.other"]);
    stack.assert_is_object(&state.resources[&at("fake_thing.other")], "other");
    assert!(state.pending.is_empty(), "pending: {:?}", state.pending);
}

/// A create that made its object but whose answer was lost, and whose lookup failed too:
/// the run cannot know, so it keeps the pending entry; the next run finds the object by its
/// name and takes it into the state rather than making a second one.
#[tokio::test]
async fn a_create_whose_answer_is_lost_stays_pending_and_the_next_run_adopts_its_object() {
    let stack = Stack::new(&thing_a("a", None));
    stack.cloud.fail("a", Fault::LoseAnswer);
    stack.cloud.lookups_fail.store(true, Ordering::SeqCst);

    let first = stack.apply().await;

    let errors = operation_errors(first.result);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].address, at("fake_thing.a"));
    assert_eq!(errors[0].error.cause, Cause::Unknown);
    assert_eq!(stack.cloud.take_calls(), ["create a", "find a"]);
    let state = stack.stored_state();
    assert!(state.resources.is_empty(), "{:?}", state.resources);
    assert_eq!(state.pending.keys().collect::<Vec<_>>(), [&at("fake_thing.a")]);
    assert_eq!(stack.cloud.named("a").len(), 1);

    stack.cloud.lookups_fail.store(false, Ordering::SeqCst);
    let second = stack.apply().await;

    second.result.expect("the second run succeeds");
    assert_eq!(stack.cloud.take_calls(), ["find a"], "no second create");
    assert_eq!(stack.cloud.named("a").len(), 1);
    assert!(!second.plan.has_changes(), "{:?}", second.plan.changes);
    let state = stack.stored_state();
    assert!(state.pending.is_empty(), "pending: {:?}", state.pending);
    stack.assert_is_object(&state.resources[&at("fake_thing.a")], "a");
}

/// The lookup a lost answer leads to, when it works: the object is adopted at once.
#[tokio::test]
async fn a_create_whose_answer_is_lost_is_found_and_adopted_in_the_same_run() {
    let stack = Stack::new(&thing_a("a", Some(3)));
    stack.cloud.fail("a", Fault::LoseAnswer);

    let applied = stack.apply().await;

    applied.result.expect("the apply succeeds");
    assert_eq!(stack.cloud.take_calls(), ["create a", "find a"]);
    assert_eq!(stack.cloud.named("a").len(), 1);
    let state = stack.stored_state();
    assert!(state.pending.is_empty(), "pending: {:?}", state.pending);
    let stored = &state.resources[&at("fake_thing.a")];
    stack.assert_is_object(stored, "a");
    assert_eq!(stored.value.get("size"), &Value::Number(3.0));
}

#[tokio::test]
async fn an_interrupted_apply_saves_what_finished_and_starts_nothing_more() {
    let stack = Stack::new(THREE_THINGS);
    let observer = StopAfterFirstFinish::default();

    let applied = stack.apply_stopping_after_first_finish(&observer).await;

    match applied.result {
        Err(ApplyError::Interrupted { finished, not_started, failed }) => {
            assert_eq!((finished, not_started), (1, 2));
            assert!(failed.is_empty(), "{failed:?}");
        }
        other => panic!("expected an interruption, got {other:?}"),
    }
    assert_eq!(stack.cloud.take_calls(), ["create a"]);
    assert_eq!(stack.cloud.names(), ["a"]);
    let state = stack.stored_state();
    assert_eq!(addresses(&state), ["fake_thing.a"]);
    assert_eq!(state.resources, applied.state.resources);
    assert!(state.pending.is_empty(), "pending: {:?}", state.pending);
}

/// A failure before the stop is reported with the interruption, not dropped by it: `a` is
/// refused, `b` finishes (and the stop comes), `c` is never started.
#[tokio::test]
async fn an_interrupted_apply_still_reports_what_failed_before_the_stop() {
    let stack = Stack::new(THREE_THINGS);
    stack.cloud.fail("a", Fault::Refuse);
    let observer = StopAfterFirstFinish::default();

    let applied = stack.apply_stopping_after_first_finish(&observer).await;

    match applied.result {
        Err(error @ ApplyError::Interrupted { .. }) => {
            assert_eq!(
                error.to_string(),
                "Interrupted: 1 operations finished, 1 not started, 1 failed"
            );
            let ApplyError::Interrupted { failed, .. } = error else { unreachable!() };
            assert_eq!(failed.len(), 1);
            assert_eq!(failed[0].address, at("fake_thing.a"));
        }
        other => panic!("expected an interruption, got {other:?}"),
    }
    assert_eq!(stack.cloud.take_calls(), ["create a", "create b"]);
    assert_eq!(addresses(&stack.stored_state()), ["fake_thing.b"]);
}

/// `web` references `network` and sorts after it: only the dependency puts its delete first.
#[tokio::test]
async fn a_destroy_deletes_dependents_before_what_they_depend_on() {
    let stack = Stack::applied(
        r#"
resource "fake_thing" "network" {
  name = "network"
}

resource "fake_thing" "web" {
  name      = "web"
  parent_id = fake_thing.network.id
}
"#,
    )
    .await;

    let destroyed = stack.apply_with(Run { destroy: true, parallelism: 1, ..Run::default() }).await;

    destroyed.result.expect("the destroy succeeds");
    assert!(destroyed.plan.destroy);
    assert_eq!(action_of(&destroyed.plan, "fake_thing.web"), Action::Delete);
    assert_eq!(stack.cloud.take_calls(), ["delete web", "delete network"]);
    assert_eq!(stack.cloud.names(), Vec::<String>::new());
    let state = stack.stored_state();
    assert!(state.resources.is_empty(), "{:?}", state.resources);
    assert!(state.pending.is_empty(), "pending: {:?}", state.pending);
}
