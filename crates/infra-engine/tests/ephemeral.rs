//! Ephemeral resources (`ephemeral` blocks, Terraform 1.10) end to end, against a fake
//! provider: `fake_password` is opened as a data source is read, and `fake_secret` takes its
//! value in a write-only argument.
//!
//! Each test runs the configuration as `infra apply` does (support::Workspace: refresh, read
//! data sources and open ephemeral resources, plan, apply) and checks what the provider
//! received, what the plan holds, and that no value of an ephemeral resource reaches the state
//! or the plan file.

use std::sync::{Arc, Mutex};

use infra_core::{Action, Attribute, DataSourceType, ProviderError, Registry, Schema, Type, Value};
use infra_engine::observer::{EphemeralStep, Event, Observer};
use infra_engine::planfile;

mod support;
use support::{at, Fake, Run, Workspace};

/// What the fake provider saw, in order: `open <seed>`, `create <name> <secret_wo>`.
#[derive(Default)]
struct Cloud {
    calls: Mutex<Vec<String>>,
}

impl Cloud {
    fn log(&self, call: String) {
        self.calls.lock().unwrap().push(call);
    }

    fn take_calls(&self) -> Vec<String> {
        std::mem::take(&mut self.calls.lock().unwrap())
    }
}

/// `fake_password`: each opening is a new password, `secret-<n>-<seed>`.
struct FakePassword {
    cloud: Arc<Cloud>,
    schema: Schema,
}

#[async_trait::async_trait]
impl DataSourceType for FakePassword {
    fn name(&self) -> &'static str {
        "fake_password"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> Result<Value, ProviderError> {
        let seed = config.get("seed").as_str().unwrap_or("none").to_string();
        self.cloud.log(format!("open {seed}"));
        if seed == "refused" {
            return Err(ProviderError::new("the opening is refused"));
        }
        let opened = self.cloud.calls.lock().unwrap().len();
        let mut value = config.clone();
        if let Some(entries) = value.map_mut() {
            let result = Value::string(format!("secret-{opened}-{seed}")).mark_sensitive();
            entries.insert("result".into(), result);
        }
        Ok(value)
    }
}

/// `fake_secret`: `name`, and `secret_wo`, which it is given but never returns.
fn fake_secret(cloud: Arc<Cloud>) -> Fake {
    Fake {
        name: "fake_secret",
        schema: Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("name", Type::String))
            .attr(Attribute::optional("secret_wo", Type::String).write_only()),
        create: Box::new(move |planned| {
            let name = planned.get("name").as_str().unwrap_or("?").to_string();
            let secret = planned.get("secret_wo").as_str().unwrap_or("null");
            cloud.log(format!("create {name} {secret}"));
            let mut value = planned.clone();
            if let Some(entries) = value.map_mut() {
                entries.insert("id".into(), Value::string(format!("id-{name}")));
                entries.remove("secret_wo");
            }
            value
        }),
    }
}

fn stack(configuration: &str) -> (Workspace, Arc<Cloud>) {
    let cloud = Arc::new(Cloud::default());
    let workspace = Workspace::new(configuration, |_| {
        let mut registry = Registry::new();
        registry.register_resource(Arc::new(fake_secret(cloud.clone())));
        registry.register_ephemeral_resource(Arc::new(FakePassword {
            cloud: cloud.clone(),
            schema: Schema::new()
                .attr(Attribute::optional("seed", Type::String))
                .attr(Attribute::computed("result", Type::String).sensitive()),
        }));
        registry
    });
    (workspace, cloud)
}

/// An ephemeral `fake_password` block `name` with this `seed` expression.
fn password(name: &str, seed: &str) -> String {
    format!("\nephemeral \"fake_password\" \"{name}\" {{\n  seed = {seed}\n}}\n")
}

/// A `fake_secret` block `name`, whose write-only secret is the expression `secret_wo` if any.
fn secret(name: &str, secret_wo: Option<&str>) -> String {
    match secret_wo {
        Some(secret_wo) => format!(
            "\nresource \"fake_secret\" \"{name}\" {{\n  name      = \"{name}\"\n  secret_wo = {secret_wo}\n}}\n"
        ),
        None => format!("\nresource \"fake_secret\" \"{name}\" {{\n  name = \"{name}\"\n}}\n"),
    }
}

/// The configurations' blocks: a password opened at plan time (`now`), and a secret that
/// takes it.
fn now_and_a_from_it() -> [String; 2] {
    [password("now", "\"x\""), secret("a", Some("ephemeral.fake_password.now.result"))]
}

/// A password that waits on `a`'s create, and a secret `b` that takes it.
fn later_and_b_from_it() -> [String; 2] {
    [
        password("later", "fake_secret.a.id"),
        secret("b", Some("ephemeral.fake_password.later.result")),
    ]
}

#[tokio::test]
async fn an_ephemeral_value_reaches_a_write_only_argument_and_nothing_keeps_it() {
    let (workspace, cloud) = stack(&now_and_a_from_it().concat());

    let applied = workspace.apply(Run::default()).await;

    applied.result.expect("the apply succeeds");
    assert_eq!(cloud.take_calls(), ["open x", "create a secret-1-x"]);
    assert!(
        applied.plan.changes.iter().all(|c| !c.opens_ephemeral()),
        "opened when planned: nothing to open during apply"
    );
    let plan_file = planfile::to_json(&applied.plan, &infra_state::State::new(), "1.16.0");
    assert!(!plan_file.to_string().contains("secret-1"), "{plan_file}");
    assert!(!plan_file.to_string().contains("ephemeral."), "{plan_file}");
    let stored = workspace.stored_files();
    assert!(!stored.contains("secret-1"), "{stored}");
    assert!(!stored.contains("ephemeral"), "{stored}");
}

#[tokio::test]
async fn an_ephemeral_resource_waiting_on_a_create_is_opened_during_apply_after_it() {
    let (workspace, cloud) = stack(&[secret("a", None), later_and_b_from_it().concat()].concat());

    let applied = workspace.apply(Run::default()).await;

    applied.result.expect("the apply succeeds");
    assert_eq!(cloud.take_calls(), ["create a null", "open id-a", "create b secret-2-id-a"]);
    let opening = applied
        .plan
        .change(&at("ephemeral.fake_password.later"))
        .expect("the opening is a step of the plan");
    assert_eq!(opening.action, Action::Read);
    assert!(opening.opens_ephemeral());
    assert!(!opening.changes_state(), "not shown as a change");
    assert_eq!(applied.plan.summary().add, 2);

    // A saved plan keeps the opening in infra's own section only.
    let document = planfile::to_json(&applied.plan, &infra_state::State::new(), "1.16.0");
    let changes = document["resource_changes"].as_array().unwrap();
    assert!(changes.iter().all(|c| c["mode"] == "managed"), "{changes:?}");
    let read_back = planfile::from_json("plan.json", &document.to_string()).expect("it reads");
    let step =
        read_back.change(&at("ephemeral.fake_password.later")).expect("the opening comes back");
    assert_eq!(step.action, Action::Read);
    assert_eq!(step.dependencies, [at("fake_secret.a")]);

    let state = workspace.stored_state();
    assert_eq!(
        state.resources[&at("fake_secret.b")].dependencies,
        Vec::<infra_core::Address>::new(),
        "the state names no ephemeral resource"
    );
    let stored = workspace.stored_files();
    assert!(!stored.contains("secret-2"), "{stored}");
}

/// The lines a run says about opening and closing, and the creates between them, in order.
#[derive(Default)]
struct Said(Mutex<Vec<String>>);

impl Observer for Said {
    fn event(&self, event: Event) {
        let line = match event {
            Event::ReadingData { address } => format!("{address}: opening"),
            Event::Ephemeral { address, step, .. } => format!(
                "{address}: {}",
                match step {
                    EphemeralStep::Opened => "opened",
                    EphemeralStep::Closing => "closing",
                    EphemeralStep::Closed => "closed",
                }
            ),
            Event::Finished { address, action, .. } => format!("{address}: {action:?} done"),
            _ => return,
        };
        self.0.lock().unwrap().push(line);
    }
}

#[tokio::test]
async fn each_ephemeral_resource_is_closed_once_at_the_end_of_the_walk_that_opened_it() {
    let (workspace, _) =
        stack(&[now_and_a_from_it().concat(), later_and_b_from_it().concat()].concat());
    let said = Said::default();

    let applied = workspace.apply(Run { observer: &said, ..Run::default() }).await;

    applied.result.expect("the apply succeeds");
    assert_eq!(
        *said.0.lock().unwrap(),
        [
            // The plan opens what it can, once, and closes it when the plan is made.
            "ephemeral.fake_password.now: opening",
            "ephemeral.fake_password.now: opened",
            "ephemeral.fake_password.now: closing",
            "ephemeral.fake_password.now: closed",
            // The apply opens what waited on a create, and closes it when the walk ends.
            "fake_secret.a: Create done",
            "ephemeral.fake_password.later: opening",
            "ephemeral.fake_password.later: opened",
            "fake_secret.b: Create done",
            "ephemeral.fake_password.later: closing",
            "ephemeral.fake_password.later: closed",
        ]
    );
}

#[tokio::test]
async fn what_a_failed_plan_opened_is_closed() {
    let (workspace, _) =
        stack(&[password("now", "\"x\""), password("refused", "\"refused\"")].concat());
    let config = workspace.load();
    let inputs = infra_config::InputVariables::new();
    let evaluator =
        infra_config::Evaluator::new(&config, &inputs, "default").expect("it evaluates");
    let dependencies = evaluator.dependencies().expect("dependencies");
    let order = infra_engine::planner::resource_order(&config, &dependencies).expect("an order");
    let said = Said::default();

    let planned = infra_engine::data::plan_with_data_sources(
        &config,
        &evaluator,
        &workspace.registry,
        &dependencies,
        &order,
        &infra_state::State::new(),
        &Default::default(),
        &infra_engine::planner::PlanOptions {
            destroy: false,
            targets: Vec::new(),
            replace: Vec::new(),
            excludes: Vec::new(),
        },
        &said,
    )
    .await;

    assert!(planned.is_err(), "the refused opening fails the plan");
    let lines = said.0.lock().unwrap();
    let now: Vec<&String> =
        lines.iter().filter(|l| l.starts_with("ephemeral.fake_password.now: ")).collect();
    assert_eq!(
        now,
        [
            "ephemeral.fake_password.now: opening",
            "ephemeral.fake_password.now: opened",
            "ephemeral.fake_password.now: closing",
            "ephemeral.fake_password.now: closed",
        ]
    );
}

#[tokio::test]
async fn an_ephemeral_value_in_an_argument_that_is_stored_is_an_error() {
    let (workspace, _) = stack(
        r#"
ephemeral "fake_password" "now" {}

resource "fake_secret" "a" {
  name = ephemeral.fake_password.now.result
}
"#,
    );
    let config = infra_config::load(&workspace.stack_dir()).expect("it loads");

    let problems = config.validate_schemas(&workspace.registry);

    let errors: Vec<String> = problems
        .iter()
        .filter(|d| d.severity == infra_core::Severity::Error)
        .map(|d| format!("{}: {}", d.summary, d.detail))
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("Invalid use of ephemeral value") && errors[0].contains("\"name\""),
        "{errors:?}"
    );
}

#[tokio::test]
async fn an_ephemeral_block_takes_no_provisioner_and_no_lifecycle_argument() {
    let (workspace, _) = stack(
        r#"
ephemeral "fake_password" "now" {
  lifecycle {
    create_before_destroy = true
  }
  provisioner "local-exec" {
    command = "true"
  }
}
"#,
    );

    let loaded = infra_config::load(&workspace.stack_dir());

    let errors = loaded.expect_err("the block is refused");
    let text = format!("{errors:?}");
    assert!(text.contains("create_before_destroy"), "{text}");
    assert!(text.contains("an ephemeral resource is opened, not created"), "{text}");
}
