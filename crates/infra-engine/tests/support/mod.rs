//! What the engine's end-to-end tests share: the CLI's steps before an apply, as
//! crates/infra-cli/src/commands/plan.rs and apply.rs take them, and small helpers.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;

use infra_config::{Config, Evaluator, InputVariables, ResourceValue};
use infra_core::{Action, Address, Creating, Deleting, Registry, ResourceId, Updating};
use infra_engine::executor::{ApplyError, Executor, OperationError};
use infra_engine::observer::{Observer, Silent};
use infra_engine::planner::{self, PlanOptions};
use infra_engine::Plan;
use infra_state::{Backend, LocalBackend, State};

/// What `make_plan` does for a configuration without imports or moves: reads the state,
/// upgrades it, re-derives lost rollout records, resolves pending creates and refreshes, then
/// reads data sources and opens ephemeral resources and plans, deferring those that wait on
/// what the plan changes, until that settles; returns the plan, the state to apply it to (the
/// stored state with the refreshed objects) and the values read.
pub async fn plan(
    config: &Config,
    evaluator: &Evaluator<'_>,
    registry: &Registry,
    backend: &dyn Backend,
    observer: &dyn Observer,
    destroy: bool,
) -> (Plan, State, BTreeMap<ResourceId, ResourceValue>) {
    let mut state = backend.read().expect("the state reads").unwrap_or_default();
    infra_engine::upgrade::upgrade_state(&mut state, registry).expect("the state upgrades");
    infra_engine::executor::rederive_missing_deployments(registry, &mut state)
        .await
        .expect("missing records re-derive");
    infra_engine::recover::resolve_pending(&mut state, registry, backend, observer)
        .await
        .expect("pending creates resolve");
    let refreshed = infra_engine::refresh::refresh(&state, registry, observer, None)
        .await
        .expect("the objects refresh");
    let dependencies = evaluator.dependencies().expect("dependencies");
    let order = planner::resource_order(config, &dependencies).expect("an order");
    let (data, plan) = infra_engine::data::plan_with_data_sources(
        config,
        evaluator,
        registry,
        &dependencies,
        &order,
        &refreshed.state,
        &refreshed.deleted,
        &PlanOptions { destroy, targets: Vec::new(), replace: Vec::new(), excludes: Vec::new() },
        observer,
    )
    .await
    .expect("a plan");
    state.resources = refreshed.state.resources;
    (plan, state, data)
}

/// What `settle_rollouts` in apply.rs does before an apply plans (not before a destroy):
/// recovers the rollouts a killed run left part way, then retires expired standbys. Returns
/// what was recovered.
#[allow(dead_code)]
pub async fn settle_rollouts(
    registry: &Registry,
    backend: &dyn Backend,
    resume: bool,
) -> Vec<(String, String)> {
    let Some(mut state) = backend.read().expect("the state reads") else {
        return Vec::new();
    };
    let recovered =
        infra_engine::executor::recover_interrupted(registry, backend, &mut state, resume)
            .await
            .expect("interrupted rollouts recover");
    infra_engine::executor::finalize_expired(registry, backend, &mut state)
        .await
        .expect("expired standbys are finalized");
    recovered
}

pub fn at(text: &str) -> Address {
    text.parse().expect("an address")
}

#[allow(dead_code)]
pub fn addresses(state: &State) -> Vec<String> {
    state.resources.keys().map(Address::to_string).collect()
}

#[allow(dead_code)]
pub fn action_of(plan: &Plan, address: &str) -> Action {
    plan.change(&at(address)).unwrap_or_else(|| panic!("{address} is in the plan")).action
}

/// The errors of an apply that failed because operations did.
#[allow(dead_code)]
pub fn operation_errors(result: Result<(), ApplyError>) -> Vec<OperationError> {
    match result {
        Err(ApplyError::Operations(errors)) => errors,
        other => panic!("expected failed operations, got {other:?}"),
    }
}

/// A fake provider's side (`cloud`: its objects and the calls it received), and a workspace
/// whose runs use a registry of fake types built on it.
#[allow(dead_code)]
pub struct Stack<C> {
    pub workspace: Workspace,
    pub cloud: std::sync::Arc<C>,
}

#[allow(dead_code)]
impl<C: Default> Stack<C> {
    /// A stack with `configuration`, whose registry `registry` builds from the cloud and the
    /// state file's path.
    pub fn with_registry(
        configuration: &str,
        registry: impl FnOnce(&std::sync::Arc<C>, std::path::PathBuf) -> Registry,
    ) -> Stack<C> {
        let cloud = std::sync::Arc::new(C::default());
        let workspace = Workspace::new(configuration, |state_path| registry(&cloud, state_path));
        Stack { workspace, cloud }
    }
}

impl<C> std::ops::Deref for Stack<C> {
    type Target = Workspace;

    fn deref(&self) -> &Workspace {
        &self.workspace
    }
}

/// A configuration directory (`stack/main.tf`) beside its local state file, and the registry
/// its runs use.
pub struct Workspace {
    dir: tempfile::TempDir,
    pub registry: Registry,
}

impl Workspace {
    /// A workspace with `configuration`, whose registry `registry` builds from the state
    /// file's path.
    pub fn new(
        configuration: &str,
        registry: impl FnOnce(std::path::PathBuf) -> Registry,
    ) -> Workspace {
        let dir = tempfile::tempdir().expect("a temporary directory");
        std::fs::create_dir(dir.path().join("stack")).expect("the stack's directory");
        let registry = registry(dir.path().join("terraform.tfstate"));
        let workspace = Workspace { dir, registry };
        workspace.configure(configuration);
        workspace
    }

    /// Replaces the configuration.
    pub fn configure(&self, configuration: &str) {
        std::fs::write(self.dir.path().join("stack").join("main.tf"), configuration)
            .expect("main.tf written");
    }

    /// The configuration's directory.
    #[allow(dead_code)]
    pub fn stack_dir(&self) -> std::path::PathBuf {
        self.dir.path().join("stack")
    }

    /// Every file the state is kept in (the state file, its journal), as text.
    #[allow(dead_code)]
    pub fn stored_files(&self) -> String {
        let mut text = String::new();
        for entry in std::fs::read_dir(self.dir.path()).expect("the directory lists") {
            let path = entry.expect("an entry").path();
            if path.is_file() {
                text.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
            }
        }
        text
    }

    /// A backend for one run, as the CLI builds one per run.
    pub fn backend(&self) -> LocalBackend {
        LocalBackend::new(self.dir.path().join("terraform.tfstate"))
    }

    /// The state as the next run reads it: the file with its journal replayed.
    #[allow(dead_code)]
    pub fn stored_state(&self) -> State {
        self.backend().read().expect("the state reads").expect("a state was written")
    }

    /// The configuration, its schemas checked.
    pub fn load(&self) -> Config {
        let config = infra_config::load(&self.dir.path().join("stack")).expect("the stack loads");
        let problems = config.validate_schemas(&self.registry);
        assert!(!problems.has_errors(), "schema problems: {problems:?}");
        config
    }

    /// `infra plan`: the plan over the stored state.
    #[allow(dead_code)]
    pub async fn plan(&self) -> Plan {
        let config = self.load();
        let inputs = InputVariables::new();
        let evaluator = Evaluator::new(&config, &inputs, "default").expect("the stack evaluates");
        plan(&config, &evaluator, &self.registry, &self.backend(), &Silent, false).await.0
    }

    /// `infra apply -auto-approve` (or `destroy`) after `settle` (what the CLI does before it
    /// plans): plans, and applies a plan with changes.
    pub async fn apply(&self, run: Run<'_>) -> Applied {
        let config = self.load();
        let inputs = InputVariables::new();
        let evaluator = Evaluator::new(&config, &inputs, "default").expect("the stack evaluates");
        let backend = self.backend();
        let (plan, state, data) =
            plan(&config, &evaluator, &self.registry, &backend, run.observer, run.destroy).await;
        if !plan.has_changes() {
            return Applied { plan, state, result: Ok(()) };
        }
        let never = AtomicBool::new(false);
        let executor = Executor {
            config: &config,
            evaluator: &evaluator,
            registry: &self.registry,
            backend: &backend,
            observer: run.observer,
            parallelism: run.parallelism,
            data: RefCell::new(data),
            stop: run.stop.unwrap_or(&never),
            watchdog_quiet: run.watchdog_quiet,
        };
        let (state, result) = executor.apply(&plan, state).await;
        Applied { plan, state, result }
    }
}

/// How one simulated run goes.
pub struct Run<'a> {
    pub destroy: bool,
    pub parallelism: usize,
    pub observer: &'a dyn Observer,
    /// The executor's stop flag; a fresh, unset one when `None`.
    pub stop: Option<&'a AtomicBool>,
    /// The watchdog's quiet interval (the CLI's by default).
    pub watchdog_quiet: std::time::Duration,
}

impl Default for Run<'_> {
    /// `infra apply -auto-approve`: no destroy, the CLI's default parallelism of 10.
    fn default() -> Self {
        Run {
            destroy: false,
            parallelism: 10,
            observer: &Silent,
            stop: None,
            watchdog_quiet: infra_engine::watchdog::QUIET,
        }
    }
}

/// What one run of plan then apply gave.
pub struct Applied {
    #[allow(dead_code)]
    pub plan: Plan,
    /// The state the executor returned (the planned one when the plan had no changes).
    #[allow(dead_code)]
    pub state: State,
    pub result: Result<(), ApplyError>,
}

/// A resource type whose objects live only in the state: `create` is the given function of the
/// planned value (which sets what the provider computes), an update takes the planned value,
/// a delete and a refresh change nothing, and a lost create is never found.
#[allow(dead_code)]
pub struct Fake {
    pub name: &'static str,
    pub schema: infra_core::Schema,
    #[allow(clippy::type_complexity)]
    pub create: Box<dyn Fn(&infra_core::Value) -> infra_core::Value + Send + Sync>,
}

#[async_trait::async_trait]
impl infra_core::ResourceType for Fake {
    fn name(&self) -> &'static str {
        self.name
    }

    fn schema(&self) -> &infra_core::Schema {
        &self.schema
    }

    async fn create(
        &self,
        at: Creating<'_>,
    ) -> Result<infra_core::Value, infra_core::ProviderError> {
        Ok((self.create)(at.planned))
    }

    async fn update(
        &self,
        at: Updating<'_>,
    ) -> Result<infra_core::Value, infra_core::ProviderError> {
        Ok(at.planned.clone())
    }

    async fn delete(&self, _at: Deleting<'_>) -> Result<(), infra_core::ProviderError> {
        Ok(())
    }

    async fn read_many(
        &self,
        prior: &[infra_core::Value],
    ) -> Result<Vec<Option<infra_core::Value>>, infra_core::ProviderError> {
        Ok(prior.iter().cloned().map(Some).collect())
    }

    async fn find_created(
        &self,
        _at: Creating<'_>,
    ) -> Result<Option<infra_core::Value>, infra_core::ProviderError> {
        Ok(None)
    }
}
