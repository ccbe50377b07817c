//! Blue/green deployments of ECS services, orchestrated by infra itself so they work on any
//! ECS and on an emulator.
//!
//! A blue/green service is a pair of ECS services, `<name>-blue` and `<name>-green`, each bound
//! to its own target group. A new revision goes to the idle colour, must pass a health gate,
//! then the production listener (or rule) shifts to it (all at once, canary or linear), and a
//! bake window watches target health and the 5xx ratio, reverting automatically above the
//! threshold. The old colour stays running on standby, so `revert` is one listener write.
//!
//! The live colour, standby, weights and history are runtime state kept in the state file's
//! `deployments` section, never configuration, and never drift.

use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::api::{BlueGreenApi, ErrorCounts, WeightedTarget};
pub use super::api::{
    DeploymentSpec, HookAction, HookTarget, LifecycleHook, Strategy, TrafficShift,
};
use infra_core::rollout::{Recovered, RolloutPlan};
use infra_core::{ProviderError, Value};
use serde::{Deserialize, Serialize};

/// The live colour's service name of the blue/green service `name` in `cluster` (a name, or
/// the cluster's ARN as configured), if the operation's state deploys one.
pub fn live_colour_of(
    operation: &infra_core::Operation,
    cluster: &str,
    name: &str,
) -> Option<String> {
    operation
        .rollouts
        .iter()
        .filter_map(Deployment::from_json)
        .find(|deployment| {
            deployment.service == name
                && (deployment.cluster == cluster
                    || deployment.cluster.rsplit('/').next() == Some(cluster))
        })
        .and_then(|deployment| deployment.live_state().map(|c| c.service_name.clone()))
}

/// The runtime state of one blue/green service, stored under its address.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Deployment {
    pub service: String,
    pub cluster: String,
    /// The region the services live in, so `revert` needs no configuration.
    #[serde(default)]
    pub region: Option<String>,
    pub listener_arn: String,
    /// The listener rule for test traffic, when the service names one: it is pointed at the
    /// new colour once the health gate passes, before production traffic moves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_listener_arn: Option<String>,
    pub live: Colour,
    /// The colour still running the previous revision, ready for `revert`.
    pub standby: Option<Colour>,
    #[serde(default)]
    pub standby_since: Option<String>,
    #[serde(default)]
    pub standby_scaled_down: bool,
    pub colours: BTreeMap<Colour, ColourState>,
    pub weights: BTreeMap<Colour, i64>,
    /// The deploy under way, written before each step: set while a deploy runs, so a run
    /// that was killed part way is found and rolled back by the next one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_progress: Option<InProgress>,
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
}

/// A deploy's journal entry: where it is going and the step it is taking.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InProgress {
    pub colour: Colour,
    pub task_definition: String,
    /// `updating <colour>`, `health gate`, `test traffic`, `shifting traffic`, `bake`.
    pub step: String,
    /// Set while a PAUSE lifecycle hook holds the deploy at a stage: `infra deployments
    /// continue|rollback` reads it (without the state lock, which the running apply holds)
    /// and answers with a tag on the colour being deployed (see [`PAUSE_SIGNAL_TAG`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause: Option<Pause>,
}

/// A deploy held by a PAUSE lifecycle hook.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pause {
    pub stage: String,
    /// Names this pause, so that a signal meant for it ends no other one.
    pub id: String,
    pub since: String,
    /// When the timeout action is taken (RFC 3339).
    pub expires_at: String,
    /// `CONTINUE` or `ROLLBACK`, the hook's `timeout_configuration.action`.
    pub timeout_action: String,
}

/// The tag a paused deploy polls on the ECS service of the colour it deploys, at its poll
/// interval: `infra deployments continue ADDR` sets it to `CONTINUE <pause id>`, `infra
/// deployments rollback ADDR` to `ROLLBACK <pause id>`. On the AWS side, so the signal works
/// from any machine with the credentials (a CI run paused, an engineer continuing from a
/// laptop), and without the state lock the paused apply holds. The deploy removes it when
/// the pause starts and when it ends; a service read never reports it as a tag.
pub const PAUSE_SIGNAL_TAG: &str = "infra:deployment-signal";

/// How often a paused deploy says it is still paused (Terraform's "Still ..." interval).
const PAUSE_REPORT_INTERVAL: Duration = Duration::from_secs(10);

/// The tag value that ends `pause` with `action`.
pub fn pause_signal(pause: &Pause, action: HookAction) -> String {
    format!("{} {}", action.as_str(), pause.id)
}

/// What a signal tag's value asks of the pause `id`: `None` unless it names that pause.
fn signalled(value: &str, id: &str) -> Option<HookAction> {
    let (action, named) = value.split_once(' ')?;
    (named == id).then(|| HookAction::parse(action)).flatten()
}

/// Sets the signal that ends the pause of the deploy `deployment` records with `action`;
/// `Err` (a sentence) when no deploy of it is paused. Reads nothing but the record, writes one
/// tag: the paused apply, polling the tag, does the rest.
pub async fn signal_pause(
    api: &dyn BlueGreenApi,
    deployment: &Deployment,
    action: HookAction,
) -> Result<Result<Pause, String>, ProviderError> {
    let Some(in_progress) = &deployment.in_progress else {
        return Ok(Err("no deployment is paused: none is under way".into()));
    };
    let Some(pause) = &in_progress.pause else {
        return Ok(Err(format!(
            "no deployment is paused: a deploy of revision {} to {} is at \"{}\", not at a PAUSE lifecycle hook",
            revision(&in_progress.task_definition),
            in_progress.colour,
            in_progress.step
        )));
    };
    let Some(colour) = deployment.colours.get(&in_progress.colour) else {
        return Ok(Err(format!("the deployment state has no {} colour", in_progress.colour)));
    };
    api.set_service_tag(
        &deployment.cluster,
        &colour.service_name,
        PAUSE_SIGNAL_TAG,
        Some(&pause_signal(pause, action)),
    )
    .await?;
    Ok(Ok(pause.clone()))
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColourState {
    pub service_name: String,
    pub target_group_arn: String,
    pub task_definition: String,
    pub desired_count: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub time: String,
    pub operator: String,
    /// `create`, `deploy`, `revert`, `auto-revert`, `failed`, `finalize`.
    pub action: String,
    pub from_revision: String,
    pub to_revision: String,
    pub result: String,
}

const HISTORY_LIMIT: usize = 50;

/// `remote` (a blue/green object read through its live colour) with the attributes its
/// deployment owns at run time taken from `prior`: only configuration is compared.
pub fn with_runtime_attributes(mut remote: Value, prior: &Value, attributes: &[&str]) -> Value {
    if let Some(entries) = remote.map_mut() {
        for &attribute in attributes {
            entries.insert(attribute.to_string(), prior.get(attribute).clone());
        }
    }
    remote
}

/// The revision part of a task definition ARN or `family:revision`.
pub fn revision(task_definition: &str) -> String {
    task_definition.rsplit(':').next().unwrap_or(task_definition).to_string()
}

/// One of the two ECS services of a blue/green object. Stored as `"blue"` / `"green"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Colour {
    Blue,
    Green,
}

impl Colour {
    pub fn other(self) -> Colour {
        match self {
            Colour::Blue => Colour::Green,
            Colour::Green => Colour::Blue,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Colour::Blue => "blue",
            Colour::Green => "green",
        }
    }
}

impl std::fmt::Display for Colour {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

fn now() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

/// Who is deploying, for the history.
pub fn operator() -> String {
    std::env::var("INFRA_OPERATOR")
        .or_else(|_| std::env::var("GITHUB_ACTOR"))
        .or_else(|_| std::env::var("USER"))
        .unwrap_or_else(|_| "unknown".into())
}

impl Deployment {
    fn record(&mut self, action: &str, from: &str, to: &str, result: impl Into<String>) {
        self.history.push(HistoryEntry {
            time: now(),
            operator: operator(),
            action: action.into(),
            from_revision: revision(from),
            to_revision: revision(to),
            result: result.into(),
        });
        if self.history.len() > HISTORY_LIMIT {
            let excess = self.history.len() - HISTORY_LIMIT;
            self.history.drain(..excess);
        }
    }

    pub fn live_state(&self) -> Option<&ColourState> {
        self.colours.get(&self.live)
    }

    /// The task definition the live colour runs (empty when the state lacks the colour).
    pub fn live_task_definition(&self) -> String {
        self.live_state().map(|c| c.task_definition.clone()).unwrap_or_default()
    }

    /// The colour whose target group this is, if either's.
    pub fn colour_of(&self, target_group_arn: &str) -> Option<Colour> {
        self.colours
            .iter()
            .find(|(_, c)| c.target_group_arn == target_group_arn)
            .map(|(colour, _)| *colour)
    }

    /// The listener and listener rule whose traffic the deployment moves.
    pub fn routes(&self) -> Vec<String> {
        std::iter::once(self.listener_arn.clone()).chain(self.test_listener_arn.clone()).collect()
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    pub fn from_json(json: &serde_json::Value) -> Option<Deployment> {
        serde_json::from_value(json.clone()).ok()
    }
}

/// How an update to `target_task_definition` (`None` while it is registered in the same
/// apply) will be deployed.
pub fn plan(deployment: &Deployment, target_task_definition: Option<&str>) -> Option<RolloutPlan> {
    let live = deployment.live_state()?;
    let live_revision = revision(&live.task_definition);
    let target_revision = match target_task_definition {
        Some(task_definition) => revision(task_definition),
        // A new task definition revision is registered in the same apply: the family's next.
        None => live_revision
            .parse::<u64>()
            .map(|r| (r + 1).to_string())
            .unwrap_or_else(|_| "(known after apply)".into()),
    };
    Some(RolloutPlan {
        live_colour: deployment.live.to_string(),
        target_colour: deployment.live.other().to_string(),
        live_revision,
        target_revision,
    })
}

/// Why a deployment stopped.
#[derive(Debug, Clone)]
pub enum DeployError {
    Provider(ProviderError),
    /// The new colour never became healthy; traffic never moved.
    GateFailed(String),
    /// The bake window saw bad health or errors; traffic went back.
    Reverted(String),
    /// A lifecycle hook answered FAILED or failed; traffic went back.
    HookFailed(String),
    /// A signal arrived with `sigint_rollback = true`; traffic went back.
    Interrupted,
    /// The deployment state could not be saved; traffic went back.
    StateNotSaved(String),
}

impl std::fmt::Display for DeployError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DeployError::Provider(error) => write!(f, "{error}"),
            DeployError::GateFailed(reason) => {
                write!(f, "health gate failed, traffic was not switched: {reason}")
            }
            DeployError::Reverted(reason) => {
                write!(f, "reverted automatically during the bake: {reason}")
            }
            DeployError::HookFailed(reason) => {
                write!(f, "rolled back by a lifecycle hook: {reason}")
            }
            DeployError::Interrupted => {
                f.write_str("interrupted; sigint_rollback = true, so traffic went back to the live colour")
            }
            DeployError::StateNotSaved(reason) => write!(
                f,
                "the deployment state could not be saved ({reason}), so the deploy stopped and traffic went back to the live colour"
            ),
        }
    }
}

impl From<ProviderError> for DeployError {
    fn from(error: ProviderError) -> Self {
        DeployError::Provider(error)
    }
}

/// What the orchestration tells the outside: progress lines and state saves.
pub trait DeployEvents {
    /// The service's address, for a message that names a command to run on it.
    fn address(&self) -> String;
    fn message(&self, text: String);
    /// Persist the deployment now (before each step and after every traffic change); an
    /// error says why it could not be.
    fn save(&self, deployment: &Deployment) -> Result<(), String>;
    /// A signal asked the run to stop.
    fn interrupted(&self) -> bool {
        false
    }
}

/// The deployment record of a blue/green object whose record is not in the state (a tool that
/// does not know infra's records, such as Terraform, rewrote the file), rebuilt from what is
/// deployed: the live colour is the one the production listener or rule forwards most traffic
/// to, and each colour's revision and count are its service's. `None` when the route serves
/// neither colour or the live colour's service does not exist: then there is nothing to adopt.
pub async fn rederive(
    api: &dyn BlueGreenApi,
    spec: &DeploymentSpec,
    region: Option<String>,
) -> Result<Option<Deployment>, ProviderError> {
    let route = api.current_route(&spec.route).await?;
    let weight_of = |target_group: &str| -> i64 {
        route
            .iter()
            .filter(|target| target.target_group_arn == target_group)
            .map(|target| target.weight)
            .sum()
    };
    let weights = BTreeMap::from([
        (Colour::Blue, weight_of(&spec.blue_target_group)),
        (Colour::Green, weight_of(&spec.green_target_group)),
    ]);
    if weights.values().all(|weight| *weight == 0) {
        return Ok(None);
    }
    let live =
        if weights[&Colour::Green] > weights[&Colour::Blue] { Colour::Green } else { Colour::Blue };
    let mut colours = BTreeMap::new();
    for (colour, target_group) in
        [(Colour::Blue, &spec.blue_target_group), (Colour::Green, &spec.green_target_group)]
    {
        let service_name = format!("{}-{colour}", spec.name);
        let status = api.service_status(&spec.cluster, &service_name).await?;
        if !status.exists && colour == live {
            return Ok(None);
        }
        colours.insert(
            colour,
            ColourState {
                service_name,
                target_group_arn: target_group.clone(),
                task_definition: status.task_definition,
                desired_count: status.desired,
            },
        );
    }
    let standby = live.other();
    let standby_running = colours[&standby].desired_count > 0;
    let live_revision = colours[&live].task_definition.clone();
    let mut deployment = Deployment {
        service: spec.name.clone(),
        cluster: spec.cluster.clone(),
        region,
        listener_arn: spec.route.clone(),
        test_listener_arn: spec.test_route.clone(),
        live,
        standby: Some(standby),
        standby_since: standby_running.then(now),
        standby_scaled_down: !standby_running,
        colours,
        weights,
        in_progress: None,
        history: vec![],
    };
    deployment.record(
        "re-derived",
        "",
        &live_revision,
        format!("{live} is live (the record was missing from the state)"),
    );
    Ok(Some(deployment))
}

/// First apply: both colours exist, blue runs the revision and is live, green waits at zero.
///
/// `service` is the object's configured value, passed through to the provider as is; `spec` is
/// what its type read from it.
pub async fn create(
    api: &dyn BlueGreenApi,
    spec: &DeploymentSpec,
    service: &Value,
    region: Option<String>,
    events: &dyn DeployEvents,
) -> Result<Deployment, DeployError> {
    let name = spec.name.clone();
    let task_definition = spec.task_definition.clone().unwrap_or_default();
    let desired = spec.desired_count;
    let mut colours = BTreeMap::new();
    for (colour, tg, count) in [
        (Colour::Blue, &spec.blue_target_group, desired),
        (Colour::Green, &spec.green_target_group, 0),
    ] {
        let service_name = format!("{name}-{colour}");
        api.put_service(service, &service_name, tg, &task_definition, count).await?;
        events.message(format!("{colour} service {service_name} created with {count} task(s)"));
        colours.insert(
            colour,
            ColourState {
                service_name,
                target_group_arn: tg.clone(),
                task_definition: task_definition.clone(),
                desired_count: count,
            },
        );
    }
    let mut deployment = Deployment {
        service: name,
        cluster: spec.cluster.clone(),
        region,
        listener_arn: spec.route.clone(),
        test_listener_arn: spec.test_route.clone(),
        live: Colour::Blue,
        standby: None,
        standby_since: None,
        standby_scaled_down: false,
        colours,
        weights: BTreeMap::from([(Colour::Blue, 100), (Colour::Green, 0)]),
        in_progress: None,
        history: vec![],
    };
    deployment.record("create", "", &task_definition, "blue is live");
    Ok(deployment)
}

/// A new revision: idle colour, health gate, test traffic, switch, bake, standby; with the
/// lifecycle hooks at their stages.
pub async fn deploy(
    api: &dyn BlueGreenApi,
    spec: &DeploymentSpec,
    service: &Value,
    deployment: &mut Deployment,
    events: &dyn DeployEvents,
) -> Result<(), DeployError> {
    let strategy = &spec.strategy;
    let live = deployment.live;
    let idle = live.other();
    let task_definition = spec.task_definition.clone().unwrap_or_default();
    let live_state = colour_state(deployment, live)?;
    let idle_state = colour_state(deployment, idle)?;
    let desired = starting_count(api, deployment, &live_state, spec.desired_count).await?;
    let from = live_state.task_definition.clone();
    deployment.test_listener_arn = spec.test_route.clone();
    let target = ColourState {
        task_definition: task_definition.clone(),
        desired_count: desired,
        ..idle_state.clone()
    };
    let stop = Stop {
        api,
        service,
        live,
        idle,
        target: &target,
        from: &from,
        keep_failed_colour: strategy.keep_failed_colour,
        events,
    };
    let hooks = Hooks {
        api,
        hooks: &strategy.hooks,
        target: &target,
        poll: strategy.poll_interval,
        sigint_rollback: strategy.sigint_rollback,
        events,
    };
    let journal = Journal {
        span: std::cell::RefCell::new(None),
        colour: idle,
        task_definition: &task_definition,
        events,
    };
    let steps = DeploySteps {
        api,
        strategy,
        service,
        events,
        live,
        idle,
        live_state: &live_state,
        idle_state: &idle_state,
        target: &target,
        task_definition: &task_definition,
        from: &from,
        desired,
        stop,
        hooks,
        journal,
    };
    steps.scale_up(deployment).await?;
    steps.health_gate(deployment).await?;
    steps.test_traffic(deployment).await?;
    steps.shift_traffic(deployment).await?;
    steps.make_live(deployment).await;
    Ok(())
}

/// A colour's state in the deployment, which must have both.
fn colour_state(deployment: &Deployment, colour: Colour) -> Result<ColourState, ProviderError> {
    deployment
        .colours
        .get(&colour)
        .cloned()
        .ok_or_else(|| ProviderError::new(format!("deployment state has no {colour} colour")))
}

/// The count the new colour starts at. An autoscaled service's count is the scaling's: the
/// new colour starts at the count the live colour has now, not the configured one.
async fn starting_count(
    api: &dyn BlueGreenApi,
    deployment: &Deployment,
    live_state: &ColourState,
    configured: i64,
) -> Result<i64, ProviderError> {
    Ok(if api.is_autoscaled(&deployment.cluster, &live_state.service_name).await? {
        api.service_status(&deployment.cluster, &live_state.service_name).await?.desired
    } else {
        configured
    })
}

/// The deploy's journal. Each step is in the state before it is taken; a deploy whose state
/// cannot be saved stops, with its traffic back on the live colour. Each step is also a log
/// span, closed (with its duration) when the next step starts.
struct Journal<'a> {
    span: std::cell::RefCell<Option<tracing::Span>>,
    /// The colour being deployed.
    colour: Colour,
    task_definition: &'a str,
    events: &'a dyn DeployEvents,
}

impl Journal<'_> {
    fn step(&self, deployment: &mut Deployment, step: &str) -> Result<(), String> {
        self.span.replace(Some(tracing::info_span!("deploy_step", step)));
        deployment.in_progress = Some(InProgress {
            colour: self.colour,
            task_definition: self.task_definition.to_string(),
            step: step.to_string(),
            pause: None,
        });
        self.events.save(deployment)
    }
}

/// The steps of one deploy, in the order [`deploy`] takes them, and what they share.
struct DeploySteps<'a> {
    api: &'a dyn BlueGreenApi,
    strategy: &'a Strategy,
    service: &'a Value,
    events: &'a dyn DeployEvents,
    live: Colour,
    idle: Colour,
    live_state: &'a ColourState,
    idle_state: &'a ColourState,
    /// The idle colour as the deployment sets it up (the new revision).
    target: &'a ColourState,
    task_definition: &'a str,
    from: &'a str,
    desired: i64,
    stop: Stop<'a>,
    hooks: Hooks<'a>,
    journal: Journal<'a>,
}

impl DeploySteps<'_> {
    /// The first journal entry and the `PRE_SCALE_UP` hooks, then step 1: the idle colour
    /// gets the new revision.
    async fn scale_up(&self, deployment: &mut Deployment) -> Result<(), DeployError> {
        let (idle, task_definition, desired) = (self.idle, self.task_definition, self.desired);
        if let Err(error) = self.journal.step(deployment, &format!("updating {idle}")) {
            deployment.in_progress = None;
            return Err(DeployError::StateNotSaved(error));
        }

        if let Err(reason) = self.hooks.run(deployment, stage::PRE_SCALE_UP).await? {
            deployment.in_progress = None;
            deployment.record("deploy", self.from, task_definition, format!("failed: {reason}"));
            let _ = self.events.save(deployment);
            return Err(DeployError::HookFailed(reason));
        }

        // 1. The idle colour gets the new revision.
        self.api
            .put_service(
                self.service,
                &self.idle_state.service_name,
                &self.idle_state.target_group_arn,
                task_definition,
                desired,
            )
            .await?;
        deployment.colours.insert(idle, self.target.clone());
        deployment.standby = None;
        self.events.message(format!(
            "{idle} ← revision {} ({} task(s)); waiting for the health gate",
            revision(task_definition),
            desired
        ));
        let _ = self.events.save(deployment);
        Ok(())
    }

    /// Step 2, the health gate: the new colour's tasks run and its targets are healthy before
    /// the timeout, or it is rolled back.
    async fn health_gate(&self, deployment: &mut Deployment) -> Result<(), DeployError> {
        let (api, strategy, events, stop) = (self.api, self.strategy, self.events, &self.stop);
        let (idle_state, desired) = (self.idle_state, self.desired);
        if let Err(error) = self.journal.step(deployment, "health gate") {
            return Err(stop.state_not_saved(deployment, error).await?);
        }
        let started = Instant::now();
        let mut passed = false;
        let mut last;
        loop {
            let status = api.service_status(&deployment.cluster, &idle_state.service_name).await?;
            let healthy = api.healthy_targets(&idle_state.target_group_arn).await?;
            last = format!(
                "{} of {desired} tasks running, rollout {}, {healthy} of {desired} targets healthy",
                status.running,
                if status.rollout_completed { "completed" } else { "in progress" }
            );
            if status.rollout_failed {
                last = format!("the ECS deployment failed ({last})");
                break;
            }
            if strategy.sigint_rollback && events.interrupted() {
                return Err(stop.interrupted(deployment).await?);
            }
            if status.running >= desired && status.rollout_completed && healthy >= desired {
                events.message(format!("health gate passed: {last}"));
                passed = true;
                break;
            }
            if started.elapsed() >= strategy.health_gate_timeout {
                last = format!(
                    "timed out after {}: {last}",
                    humantime::format_duration(Duration::from_secs(
                        strategy.health_gate_timeout.as_secs()
                    ))
                );
                break;
            }
            tokio::time::sleep(strategy.poll_interval).await;
        }
        if !passed {
            // A colour that never became healthy is not kept: it served nothing.
            Stop { keep_failed_colour: false, ..*stop }
                .roll_back(deployment, "deploy", format!("failed: {last}"))
                .await?;
            if self.live_state.desired_count > 0 {
                deployment.standby = None;
            }
            let _ = events.save(deployment);
            return Err(DeployError::GateFailed(last));
        }
        Ok(())
    }

    /// Step 3, test traffic first, when there is a test route: it stays on the new colour.
    /// The hooks of the stages before and after it run around it.
    async fn test_traffic(&self, deployment: &mut Deployment) -> Result<(), DeployError> {
        let (idle, hooks, stop) = (self.idle, &self.hooks, &self.stop);
        if let Err(error) = self.journal.step(deployment, "test traffic") {
            return Err(stop.state_not_saved(deployment, error).await?);
        }
        for stage in [stage::POST_SCALE_UP, stage::TEST_TRAFFIC_SHIFT] {
            if let Err(reason) = hooks.run(deployment, stage).await? {
                return Err(stop.hook_failed(deployment, reason).await?);
            }
        }
        if let Some(test_route) = deployment.test_listener_arn.clone() {
            route_test(self.api, deployment, &test_route, idle).await?;
            self.events.message(format!("test traffic: {idle} 100%"));
        }
        if let Err(reason) = hooks.run(deployment, stage::POST_TEST_TRAFFIC_SHIFT).await? {
            return Err(stop.hook_failed(deployment, reason).await?);
        }
        Ok(())
    }

    /// Step 4, the switch, in steps, each watched (the last one for the bake time), reverting
    /// on a bad verdict.
    async fn shift_traffic(&self, deployment: &mut Deployment) -> Result<(), DeployError> {
        let (api, strategy, events) = (self.api, self.strategy, self.events);
        let (live, idle, hooks, stop) = (self.live, self.idle, &self.hooks, &self.stop);
        let (steps, interval) = shift_steps(&strategy.shift);
        // The 5xx check counts from the switch: what the idle colour served before is not the
        // new revision's production traffic.
        let switched_at = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|elapsed| elapsed.as_secs() as i64)
            .unwrap_or(1);
        let listener_arn = deployment.listener_arn.clone();
        let mut watch = Watch {
            api,
            listener_arn: &listener_arn,
            idle_tg: &self.idle_state.target_group_arn,
            desired: self.desired,
            threshold: strategy.error_threshold_percent,
            minimum_requests: strategy.minimum_request_count,
            alarm_names: &strategy.alarm_names,
            alarm_rollback: strategy.alarm_rollback,
            poll: strategy.poll_interval,
            since: switched_at,
            reported: None,
            alarms_reported: false,
            rollback_on_interrupt: strategy.sigint_rollback,
            interrupted: false,
            events,
        };
        if let Err(error) = self.journal.step(deployment, "shifting traffic") {
            return Err(stop.state_not_saved(deployment, error).await?);
        }
        for (index, weight) in steps.iter().enumerate() {
            if strategy.sigint_rollback && events.interrupted() {
                return Err(stop.interrupted(deployment).await?);
            }
            // ECS's order: PRE_PRODUCTION_TRAFFIC_SHIFT before every step, then (infra runs it
            // once, before the first step) PRODUCTION_TRAFFIC_SHIFT.
            let mut stages = vec![stage::PRE_PRODUCTION_TRAFFIC_SHIFT];
            if index == 0 {
                stages.push(stage::PRODUCTION_TRAFFIC_SHIFT);
            }
            for stage in stages {
                if let Err(reason) = hooks.run(deployment, stage).await? {
                    return Err(stop.hook_failed(deployment, reason).await?);
                }
            }
            route(api, deployment, idle, *weight).await?;
            events.message(format!("traffic: {idle} {weight}%, {live} {}%", 100 - weight));
            if let Err(error) = events.save(deployment) {
                return Err(stop.state_not_saved(deployment, error).await?);
            }
            let last_step = index + 1 == steps.len();
            if last_step {
                if let Err(reason) =
                    hooks.run(deployment, stage::POST_PRODUCTION_TRAFFIC_SHIFT).await?
                {
                    return Err(stop.hook_failed(deployment, reason).await?);
                }
            }
            if last_step {
                if let Err(error) = self.journal.step(deployment, "bake") {
                    return Err(stop.state_not_saved(deployment, error).await?);
                }
            }
            let window = if last_step { strategy.bake } else { interval };
            if let Err(reason) = watch.watch(window).await? {
                if watch.interrupted {
                    return Err(stop.interrupted(deployment).await?);
                }
                stop.roll_back(deployment, "auto-revert", format!("reverted: {reason}")).await?;
                let _ = events.save(deployment);
                return Err(DeployError::Reverted(reason));
            }
            if !last_step {
                events.message(format!("step {} of {} healthy", index + 1, steps.len()));
            }
        }
        Ok(())
    }

    /// Step 5, standby: the new colour is live, the old one stays on standby, and the auto
    /// scaling follows the live colour.
    async fn make_live(&self, deployment: &mut Deployment) {
        let (api, events, live, idle) = (self.api, self.events, self.live, self.idle);
        let (from, task_definition) = (self.from, self.task_definition);
        deployment.in_progress = None;
        deployment.live = idle;
        deployment.standby = Some(live);
        deployment.standby_since = Some(now());
        deployment.standby_scaled_down = false;
        deployment.record("deploy", from, task_definition, format!("{idle} is live"));
        events.message(format!(
            "{idle} is live with revision {}; {live} stays on standby for instant revert",
            revision(task_definition)
        ));
        let _ = events.save(deployment);
        match scaling_follows_live(api, deployment).await {
            Ok(true) => events.message(format!("auto scaling moved to {idle}")),
            Ok(false) => {}
            // The deploy is done; the next apply moves the scaling (see `scaling_follows_live`).
            Err(error) => events.message(format!(
                "auto scaling is still on {live}, the next apply moves it to {idle}: {error}"
            )),
        }
    }
}

/// The weights the traffic moves to the new colour in, and the time between two steps.
fn shift_steps(shift: &TrafficShift) -> (Vec<i64>, Duration) {
    let steps: Vec<i64> = match shift {
        TrafficShift::AllAtOnce => vec![100],
        TrafficShift::Canary { percent, .. } => vec![*percent, 100],
        TrafficShift::Linear { percent, .. } => {
            (1..).map(|i| (i * percent).min(100)).take_while(|w| *w < 100).chain([100]).collect()
        }
    };
    let interval = match shift {
        TrafficShift::AllAtOnce => Duration::ZERO,
        TrafficShift::Canary { interval, .. } | TrafficShift::Linear { interval, .. } => *interval,
    };
    (steps, interval)
}

/// Application Auto Scaling follows the live colour: scaling on the other colour (left by a
/// deploy or revert that just made this one live, or by one whose move did not finish) moves
/// to the live one. Returns true when something moved; nothing to move is one read.
pub async fn scaling_follows_live(
    api: &dyn BlueGreenApi,
    deployment: &Deployment,
) -> Result<bool, ProviderError> {
    let (Some(live), Some(other)) = (
        deployment.colours.get(&deployment.live),
        deployment.colours.get(&deployment.live.other()),
    ) else {
        return Ok(false);
    };
    api.move_scaling(&deployment.cluster, &other.service_name, &live.service_name).await
}

/// How a deployment stops part way: traffic back on the live colour, the new colour scaled
/// down, the history told.
struct Stop<'a> {
    api: &'a dyn BlueGreenApi,
    service: &'a Value,
    live: Colour,
    idle: Colour,
    /// The idle colour as the deployment set it up (the new revision).
    target: &'a ColourState,
    from: &'a str,
    keep_failed_colour: bool,
    events: &'a dyn DeployEvents,
}

impl Stop<'_> {
    async fn roll_back(
        &self,
        deployment: &mut Deployment,
        action: &str,
        result: String,
    ) -> Result<(), ProviderError> {
        if deployment.weights.get(&self.idle).copied().unwrap_or(0) > 0 {
            route(self.api, deployment, self.idle, 0).await?;
            self.events.message(format!("traffic is back on {}", self.live));
        }
        if let Some(test_route) = deployment.test_listener_arn.clone() {
            route_test(self.api, deployment, &test_route, self.live).await?;
        }
        let _ = self.events.save(deployment);
        // The new colour stops, unless it is kept for forensics. ECS keeps its new revision at
        // zero tasks; the state says so.
        let remaining = if self.keep_failed_colour {
            self.target.desired_count
        } else {
            self.api
                .put_service(
                    self.service,
                    &self.target.service_name,
                    &self.target.target_group_arn,
                    &self.target.task_definition,
                    0,
                )
                .await?;
            self.events.message(format!("{} scaled to 0 task(s)", self.idle));
            0
        };
        deployment
            .colours
            .insert(self.idle, ColourState { desired_count: remaining, ..self.target.clone() });
        deployment.in_progress = None;
        deployment.record(action, self.from, &self.target.task_definition, result);
        Ok(())
    }

    /// A signal with `sigint_rollback = true`: roll back before exiting, as the provider does.
    async fn interrupted(&self, deployment: &mut Deployment) -> Result<DeployError, ProviderError> {
        self.events.message("interrupted: sigint_rollback = true, rolling the traffic back".into());
        self.roll_back(deployment, "interrupted", "rolled back on a signal".into()).await?;
        let _ = self.events.save(deployment);
        Ok(DeployError::Interrupted)
    }

    /// The state could not be saved: a deploy that cannot be journaled does not go on.
    async fn state_not_saved(
        &self,
        deployment: &mut Deployment,
        error: String,
    ) -> Result<DeployError, ProviderError> {
        self.roll_back(deployment, "failed", format!("state not saved: {error}")).await?;
        let _ = self.events.save(deployment);
        Ok(DeployError::StateNotSaved(error))
    }

    /// A hook answered FAILED (or failed): roll back, as ECS does.
    async fn hook_failed(
        &self,
        deployment: &mut Deployment,
        reason: String,
    ) -> Result<DeployError, ProviderError> {
        self.events.message(reason.clone());
        self.roll_back(deployment, "hook-failed", format!("rolled back: {reason}")).await?;
        let _ = self.events.save(deployment);
        Ok(DeployError::HookFailed(reason))
    }
}

/// The lifecycle stages of ECS's blue/green deployments that infra reaches, in order.
/// (`RECONCILE_SERVICE` has no counterpart: infra's deploy starts from one live revision; the
/// type refuses it at plan time.)
pub mod stage {
    pub const PRE_SCALE_UP: &str = "PRE_SCALE_UP";
    pub const POST_SCALE_UP: &str = "POST_SCALE_UP";
    pub const TEST_TRAFFIC_SHIFT: &str = "TEST_TRAFFIC_SHIFT";
    pub const POST_TEST_TRAFFIC_SHIFT: &str = "POST_TEST_TRAFFIC_SHIFT";
    pub const PRE_PRODUCTION_TRAFFIC_SHIFT: &str = "PRE_PRODUCTION_TRAFFIC_SHIFT";
    pub const PRODUCTION_TRAFFIC_SHIFT: &str = "PRODUCTION_TRAFFIC_SHIFT";
    pub const POST_PRODUCTION_TRAFFIC_SHIFT: &str = "POST_PRODUCTION_TRAFFIC_SHIFT";
}

/// How long ECS waits before invoking a hook again after `IN_PROGRESS` without a
/// `callBackDelay`.
const DEFAULT_CALLBACK_DELAY: Duration = Duration::from_secs(30);

/// The lifecycle hooks of one deployment.
struct Hooks<'a> {
    api: &'a dyn BlueGreenApi,
    hooks: &'a [LifecycleHook],
    /// The colour being deployed, with its new revision.
    target: &'a ColourState,
    /// How often a paused deploy looks for its signal.
    poll: Duration,
    /// `sigint_rollback`: a signal during a pause rolls the deploy back.
    sigint_rollback: bool,
    events: &'a dyn DeployEvents,
}

impl Hooks<'_> {
    /// Runs every hook configured for `stage`, as ECS does. A function is invoked with the
    /// stage and the deployment's state as the payload, and again after `callBackDelay` while
    /// it answers `IN_PROGRESS`; a pause waits for its signal. Either ends at its timeout with
    /// its timeout action. `Ok(Err(reason))` means roll back: a hook answered `FAILED`,
    /// failed, gave no valid `hookStatus`, or a pause ended in a rollback.
    async fn run(
        &self,
        deployment: &mut Deployment,
        stage: &str,
    ) -> Result<Result<(), String>, ProviderError> {
        for hook in self.hooks.iter().filter(|hook| hook.stages.iter().any(|s| s == stage)) {
            let outcome = match &hook.target {
                HookTarget::Lambda(name) => self.invoke(deployment, stage, hook, name).await?,
                HookTarget::Pause => self.pause(deployment, stage, hook).await?,
            };
            if outcome.is_err() {
                return Ok(outcome);
            }
        }
        Ok(Ok(()))
    }

    /// The timeout of `hook` reached at `stage`: its action, said.
    fn timed_out(&self, stage: &str, what: &str, hook: &LifecycleHook) -> Result<(), String> {
        let after = humantime::format_duration(Duration::from_secs(hook.timeout.as_secs()));
        match hook.timeout_action {
            HookAction::Continue => {
                self.events.message(format!(
                    "lifecycle hook {stage}: {what} timed out after {after}; its timeout action is CONTINUE, so the deploy goes on"
                ));
                Ok(())
            }
            HookAction::Rollback => Err(format!(
                "lifecycle hook {what} timed out at {stage} after {after} (timeout action ROLLBACK)"
            )),
        }
    }

    async fn invoke(
        &self,
        deployment: &Deployment,
        stage: &str,
        hook: &LifecycleHook,
        name: &str,
    ) -> Result<Result<(), String>, ProviderError> {
        let started = Instant::now();
        let mut details = hook.details.clone();
        loop {
            let payload = hook_payload(deployment, self.target, stage, details.as_ref());
            let body = match self.api.invoke_hook(name, &payload.to_string()).await? {
                Ok(body) => body,
                Err(failure) => {
                    return Ok(Err(format!("lifecycle hook {name} failed at {stage}: {failure}")))
                }
            };
            let answer: serde_json::Value =
                serde_json::from_str(&body).unwrap_or(serde_json::Value::Null);
            if let Some(returned) = answer.get("hookDetails").filter(|d| d.is_object()) {
                details = Some(returned.clone());
            }
            match answer.get("hookStatus").and_then(|s| s.as_str()) {
                Some("SUCCEEDED") => {
                    self.events
                        .message(format!("lifecycle hook {stage}: {name} SUCCEEDED"));
                    return Ok(Ok(()));
                }
                Some("IN_PROGRESS") => {
                    if started.elapsed() >= hook.timeout {
                        return Ok(self.timed_out(stage, name, hook));
                    }
                    let delay = answer
                        .get("callBackDelay")
                        .and_then(|d| d.as_f64())
                        .filter(|d| *d >= 0.0)
                        .map(|d| Duration::from_secs_f64(d.min(86_400.0)))
                        .unwrap_or(DEFAULT_CALLBACK_DELAY)
                        .min(hook.timeout.saturating_sub(started.elapsed()));
                    self.events.message(format!(
                        "lifecycle hook {stage}: {name} IN_PROGRESS; invoking it again in {}",
                        humantime::format_duration(delay)
                    ));
                    tokio::time::sleep(delay).await;
                }
                Some("FAILED") => {
                    return Ok(Err(format!(
                        "lifecycle hook {name} answered FAILED at {stage}"
                    )))
                }
                _ => {
                    return Ok(Err(format!(
                        "lifecycle hook {name} gave no valid hookStatus (SUCCEEDED, FAILED or IN_PROGRESS) at {stage}"
                    )))
                }
            }
        }
    }

    /// A PAUSE hook: the deploy records the pause in the state (where `infra deployments
    /// continue|rollback` finds it), says how it ends, and polls the signal tag on the colour
    /// it deploys until a signal for this pause arrives or the timeout passes.
    async fn pause(
        &self,
        deployment: &mut Deployment,
        stage: &str,
        hook: &LifecycleHook,
    ) -> Result<Result<(), String>, ProviderError> {
        let (api, events) = (self.api, self.events);
        let cluster = deployment.cluster.clone();
        let service = self.target.service_name.clone();
        // A signal left by an earlier pause ends none but its own; clear it all the same.
        api.set_service_tag(&cluster, &service, PAUSE_SIGNAL_TAG, None).await?;
        let since = now();
        let expires_at = humantime::format_rfc3339_seconds(SystemTime::now() + hook.timeout);
        let pause = Pause {
            stage: stage.to_string(),
            id: format!("{stage}@{since}"),
            since,
            expires_at: expires_at.to_string(),
            timeout_action: hook.timeout_action.as_str().to_string(),
        };
        if let Some(in_progress) = deployment.in_progress.as_mut() {
            in_progress.pause = Some(pause.clone());
        }
        if let Err(error) = events.save(deployment) {
            return Ok(Err(format!(
                "the pause at {stage} could not be recorded in the state ({error}), so nothing could continue it"
            )));
        }
        let timeout_text = humantime::format_duration(Duration::from_secs(hook.timeout.as_secs()));
        let on_timeout = match hook.timeout_action {
            HookAction::Continue => "continue",
            HookAction::Rollback => "roll back",
        };
        let address = events.address();
        let text = format!(
            "paused at {stage} (PAUSE lifecycle hook): run `infra deployments continue {address}` to go on or `infra deployments rollback {address}` to roll back; after {timeout_text} (at {expires_at}) the deploy will {on_timeout}"
        );
        events.message(text);
        let started = Instant::now();
        let mut reported = Instant::now();
        let outcome = loop {
            let signal = api.service_tag(&cluster, &service, PAUSE_SIGNAL_TAG).await?;
            match signal.as_deref().and_then(|value| signalled(value, &pause.id)) {
                Some(HookAction::Continue) => {
                    events.message(format!(
                        "lifecycle hook {stage}: continued by `infra deployments continue`"
                    ));
                    break Ok(());
                }
                Some(HookAction::Rollback) => {
                    break Err(format!(
                        "the deploy paused at {stage} was rolled back by `infra deployments rollback`"
                    ));
                }
                None => {}
            }
            if self.sigint_rollback && events.interrupted() {
                break Err(format!("interrupted while paused at {stage}; sigint_rollback = true"));
            }
            let elapsed = started.elapsed();
            if elapsed >= hook.timeout {
                break self.timed_out(stage, "PAUSE", hook);
            }
            if reported.elapsed() >= PAUSE_REPORT_INTERVAL {
                reported = Instant::now();
                let left = hook.timeout.saturating_sub(elapsed).as_secs().div_ceil(60);
                events.message(format!("Still paused at {stage} ({left}m left)"));
            }
            tokio::time::sleep(
                self.poll.min(hook.timeout.saturating_sub(elapsed)).max(Duration::from_millis(50)),
            )
            .await;
        };
        if let Some(in_progress) = deployment.in_progress.as_mut() {
            in_progress.pause = None;
        }
        // The signal served its pause; a failed removal is cleared by the next pause.
        let _ = api.set_service_tag(&cluster, &service, PAUSE_SIGNAL_TAG, None).await;
        let _ = events.save(deployment);
        Ok(outcome)
    }
}

/// The payload ECS sends a hook: the stage, the service, the revision being deployed, and the
/// production and test weights by target group now.
fn hook_payload(
    deployment: &Deployment,
    target: &ColourState,
    stage: &str,
    details: Option<&serde_json::Value>,
) -> serde_json::Value {
    let production: serde_json::Map<String, serde_json::Value> = deployment
        .colours
        .iter()
        .map(|(colour, state)| {
            let weight = deployment.weights.get(colour).copied().unwrap_or(0);
            (state.target_group_arn.clone(), weight.into())
        })
        .collect();
    let test_on_target = matches!(
        stage,
        stage::POST_TEST_TRAFFIC_SHIFT
            | stage::PRE_PRODUCTION_TRAFFIC_SHIFT
            | stage::PRODUCTION_TRAFFIC_SHIFT
            | stage::POST_PRODUCTION_TRAFFIC_SHIFT
    );
    let test: serde_json::Map<String, serde_json::Value> = match deployment.test_listener_arn {
        Some(_) => deployment
            .colours
            .values()
            .map(|state| {
                let is_target = state.service_name == target.service_name;
                let weight = if is_target == test_on_target { 100 } else { 0 };
                (state.target_group_arn.clone(), weight.into())
            })
            .collect(),
        None => serde_json::Map::new(),
    };
    let mut payload = serde_json::json!({
        "executionId": format!("{}/{}/{}", deployment.cluster, deployment.service, deployment.history.len()),
        "lifecycleStage": stage,
        "resourceArn": format!("{}/{}", deployment.cluster, deployment.service),
        "executionDetails": {
            "serviceArn": format!("{}/{}", deployment.cluster, target.service_name),
            "targetServiceRevisionArn": target.task_definition,
            "productionTrafficWeights": production,
            "testTrafficWeights": test,
        },
    });
    if let Some(details) = details {
        payload["hookDetails"] = details.clone();
    }
    payload
}

/// Points the test route wholly at `towards`.
async fn route_test(
    api: &dyn BlueGreenApi,
    deployment: &Deployment,
    test_route: &str,
    towards: Colour,
) -> Result<(), ProviderError> {
    let targets: Vec<WeightedTarget> = [(towards, 100), (towards.other(), 0)]
        .iter()
        .filter_map(|(colour, weight)| {
            deployment.colours.get(colour).map(|c| WeightedTarget {
                target_group_arn: c.target_group_arn.clone(),
                weight: *weight,
            })
        })
        .collect();
    api.route(test_route, &targets).await
}

async fn route(
    api: &dyn BlueGreenApi,
    deployment: &mut Deployment,
    towards: Colour,
    weight: i64,
) -> Result<(), ProviderError> {
    let other = towards.other();
    let targets: Vec<WeightedTarget> = [(towards, weight), (other, 100 - weight)]
        .iter()
        .filter_map(|(colour, w)| {
            deployment.colours.get(colour).map(|c| WeightedTarget {
                target_group_arn: c.target_group_arn.clone(),
                weight: *w,
            })
        })
        .collect();
    api.route(&deployment.listener_arn, &targets).await?;
    deployment.weights = BTreeMap::from([(towards, weight), (other, 100 - weight)]);
    Ok(())
}

struct Watch<'a> {
    api: &'a dyn BlueGreenApi,
    listener_arn: &'a str,
    idle_tg: &'a str,
    desired: i64,
    threshold: f64,
    minimum_requests: f64,
    alarm_names: &'a [String],
    alarm_rollback: bool,
    poll: Duration,
    /// The switch, in seconds since the epoch: the metrics window starts there.
    since: i64,
    /// The counts last printed, so each new figure is printed once.
    reported: Option<ErrorCounts>,
    alarms_reported: bool,
    /// `sigint_rollback`: a signal ends the watch, to roll back.
    rollback_on_interrupt: bool,
    /// Set when the watch ended because of a signal.
    interrupted: bool,
    events: &'a dyn DeployEvents,
}

impl Watch<'_> {
    /// Watches for `window` (at least one check). `Ok(Err(reason))` means revert.
    async fn watch(&mut self, window: Duration) -> Result<Result<(), String>, ProviderError> {
        let started = Instant::now();
        loop {
            if self.rollback_on_interrupt && self.events.interrupted() {
                self.interrupted = true;
                return Ok(Err("interrupted by a signal".into()));
            }
            let counts = self.api.error_counts(self.listener_arn, self.idle_tg, self.since).await?;
            match five_xx_verdict(&counts, self.threshold, self.minimum_requests) {
                Err(reason) => return Ok(Err(reason)),
                Ok(figures) if self.reported != Some(counts) => {
                    self.reported = Some(counts);
                    self.events.message(format!("5xx since the switch: {figures}"));
                }
                Ok(_) => {}
            }
            if !self.alarm_names.is_empty() {
                let firing = self.api.alarms_in_alarm(self.alarm_names).await?;
                if !firing.is_empty() {
                    let names = firing.join(", ");
                    if self.alarm_rollback {
                        return Ok(Err(format!("alarm {names} is in ALARM")));
                    }
                    if !self.alarms_reported {
                        self.alarms_reported = true;
                        self.events.message(format!(
                            "alarm {names} is in ALARM; alarms.rollback is false, so the deploy goes on"
                        ));
                    }
                }
            }
            let healthy = self.api.healthy_targets(self.idle_tg).await?;
            if healthy < self.desired {
                return Ok(Err(format!("only {healthy} of {} targets are healthy", self.desired)));
            }
            if started.elapsed() >= window {
                return Ok(Ok(()));
            }
            tokio::time::sleep(
                self.poll
                    .min(window.saturating_sub(started.elapsed()))
                    .max(Duration::from_millis(50)),
            )
            .await;
        }
    }
}

/// The 5xx decision on `counts`: `Ok(figures)` to go on, `Err(reason)` to revert. Each ratio
/// decides only over at least `minimum_requests` requests. The target group's own errors are
/// one ratio; the load balancer's (502/503/504 it answers when targets fail) are the other.
fn five_xx_verdict(
    counts: &ErrorCounts,
    threshold: f64,
    minimum_requests: f64,
) -> Result<String, String> {
    let ratios = [
        ("HTTPCode_Target_5XX_Count / RequestCount", counts.target_5xx, counts.target_requests),
        (
            "HTTPCode_ELB_5XX_Count / RequestCount of the load balancer",
            counts.load_balancer_5xx,
            counts.load_balancer_requests,
        ),
    ];
    let mut figures = Vec::new();
    for (name, errors, requests) in ratios {
        if requests < minimum_requests {
            figures.push(format!(
                "{name} = {errors} / {requests}, under the minimum of {minimum_requests} requests: no decision"
            ));
            continue;
        }
        let ratio = errors / requests * 100.0;
        if ratio > threshold {
            return Err(format!(
                "{name} = {errors} / {requests} = {ratio:.1}%, above the {threshold}% threshold"
            ));
        }
        figures.push(format!(
            "{name} = {errors} / {requests} = {ratio:.1}%, within the {threshold}% threshold"
        ));
    }
    Ok(figures.join("; "))
}

/// Why `revert` will not run.
#[derive(Debug, Clone, PartialEq)]
pub enum RevertRefusal {
    NoStandby,
    ScaledDown { colour: Colour },
    Unhealthy { colour: Colour, healthy: i64, desired: i64 },
}

impl std::fmt::Display for RevertRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RevertRefusal::NoStandby => f.write_str("there is no standby colour to revert to (no deployment has happened since the service was created, or the last one was already reverted)"),
            RevertRefusal::ScaledDown { colour } => write!(f, "the standby colour {colour} was scaled down after its retention time; nothing is running to revert to"),
            RevertRefusal::Unhealthy { colour, healthy, desired } => write!(f, "the standby colour {colour} is not healthy ({healthy} of {desired} targets healthy); use -force to switch anyway"),
        }
    }
}

/// Switches the listener back to the standby colour with one write. Reads target health
/// first unless `force`.
pub async fn revert(
    api: &dyn BlueGreenApi,
    deployment: &mut Deployment,
    force: bool,
) -> Result<Result<(), RevertRefusal>, ProviderError> {
    // A deploy killed part way: the live colour is the safe one, whatever the listener has.
    if let Some(interrupted) = deployment.in_progress.take() {
        let live = deployment.live;
        route(api, deployment, live, 100).await?;
        let from = deployment.live_task_definition();
        deployment.record(
            "revert",
            &interrupted.task_definition,
            &from,
            format!("interrupted deploy to {} reverted; {live} is live", interrupted.colour),
        );
        return Ok(Ok(()));
    }
    let Some(standby) = deployment.standby else {
        return Ok(Err(RevertRefusal::NoStandby));
    };
    if deployment.standby_scaled_down {
        return Ok(Err(RevertRefusal::ScaledDown { colour: standby }));
    }
    let standby_state = deployment
        .colours
        .get(&standby)
        .cloned()
        .ok_or_else(|| ProviderError::new("deployment state is missing the standby colour"))?;
    if !force {
        let desired = standby_state.desired_count.max(1);
        let healthy = api.healthy_targets(&standby_state.target_group_arn).await?;
        if healthy < desired {
            return Ok(Err(RevertRefusal::Unhealthy { colour: standby, healthy, desired }));
        }
    }
    let live = deployment.live;
    let from = deployment.colours.get(&live).map(|c| c.task_definition.clone()).unwrap_or_default();
    route(api, deployment, standby, 100).await?;
    deployment.live = standby;
    deployment.standby = Some(live);
    deployment.standby_since = Some(now());
    deployment.record(
        "revert",
        &from,
        &standby_state.task_definition,
        format!("{standby} is live again"),
    );
    Ok(Ok(()))
}

/// A deploy the last run left part way (it was killed): reads what the listener serves,
/// says so, and rolls back to the live colour, the safe default (the provider's
/// `sigint_rollback`): production and test traffic back on it, the new colour scaled to 0.
/// Returns what was found, or `None` when no deploy was under way.
///
/// With `resume` (`infra apply -resume`), a deploy whose health gate had passed is finished
/// instead, when the new colour is still healthy: all traffic to it, and it is live.
pub async fn recover_interrupted(
    api: &dyn BlueGreenApi,
    service: &Value,
    deployment: &mut Deployment,
    resume: bool,
) -> Result<Option<Recovered>, ProviderError> {
    let Some(interrupted) = deployment.in_progress.clone() else {
        return Ok(None);
    };
    let live = deployment.live;
    let found = describe_route(deployment, &api.current_route(&deployment.listener_arn).await?);
    let gate_passed =
        !interrupted.step.starts_with("updating ") && interrupted.step != "health gate";
    // A deploy killed while a PAUSE hook held it never had its go-ahead: resuming would skip
    // it, so it is rolled back.
    let paused = interrupted.pause.as_ref().map(|pause| pause.stage.clone());
    if resume && gate_passed && paused.is_none() {
        if let Some(target) = deployment.colours.get(&interrupted.colour).cloned() {
            let desired = target.desired_count.max(1);
            let healthy = api.healthy_targets(&target.target_group_arn).await?;
            if healthy >= desired {
                let colour = interrupted.colour;
                route(api, deployment, colour, 100).await?;
                if let Some(test_route) = deployment.test_listener_arn.clone() {
                    route_test(api, deployment, &test_route, colour).await?;
                }
                let from = deployment.live_task_definition();
                deployment.in_progress = None;
                deployment.live = colour;
                deployment.standby = Some(live);
                deployment.standby_since = Some(now());
                deployment.standby_scaled_down = false;
                deployment.record(
                    "deploy",
                    &from,
                    &interrupted.task_definition,
                    format!("resumed: {colour} is live"),
                );
                return Ok(Some(Recovered {
                    report: format!(
                        "a deploy of revision {} to {colour} was interrupted at \"{}\" with the listener at {found}; resumed: {colour} ({healthy} of {desired} targets healthy) now has all traffic and is live, {live} is on standby",
                        revision(&interrupted.task_definition),
                        interrupted.step,
                    ),
                    live_revision: Some(interrupted.task_definition.clone()),
                }));
            }
        }
    }
    route(api, deployment, live, 100).await?;
    if let Some(test_route) = deployment.test_listener_arn.clone() {
        route_test(api, deployment, &test_route, live).await?;
    }
    if let Some(colour) = deployment.colours.get(&interrupted.colour).cloned() {
        api.put_service(
            service,
            &colour.service_name,
            &colour.target_group_arn,
            &colour.task_definition,
            0,
        )
        .await?;
        deployment.colours.insert(interrupted.colour, ColourState { desired_count: 0, ..colour });
    }
    deployment.in_progress = None;
    let from = deployment.live_task_definition();
    let why_not_resumed = match (resume, gate_passed, &paused) {
        (true, false, _) => " (not resumed: its health gate had not passed)".to_string(),
        (true, true, Some(stage)) => format!(
            " (not resumed: a PAUSE lifecycle hook held it at {stage}, and nothing continued it)"
        ),
        (true, true, None) => " (not resumed: the new colour is not healthy now)".to_string(),
        _ => String::new(),
    };
    let report = format!(
        "a deploy of revision {} to {} was interrupted at \"{}\" with the listener at {found}; traffic is back on {live} and {} is scaled to 0{why_not_resumed}",
        revision(&interrupted.task_definition),
        interrupted.colour,
        interrupted.step,
        interrupted.colour,
    );
    deployment.record(
        "interrupted",
        &from,
        &interrupted.task_definition,
        format!("rolled back to {live}"),
    );
    Ok(Some(Recovered { report, live_revision: None }))
}

/// Forward weights as `green 50%, blue 50%`, by colour where the target group is one.
fn describe_route(deployment: &Deployment, targets: &[WeightedTarget]) -> String {
    let total: i64 = targets.iter().map(|t| t.weight).sum::<i64>().max(1);
    targets
        .iter()
        .map(|target| {
            let name = deployment
                .colour_of(&target.target_group_arn)
                .map(|colour| colour.to_string())
                .unwrap_or_else(|| target.target_group_arn.clone());
            format!("{name} {}%", target.weight * 100 / total)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Scales the standby colour to zero (`infra finalize`, or an apply after the retention time).
pub async fn finalize(
    api: &dyn BlueGreenApi,
    service: &Value,
    deployment: &mut Deployment,
) -> Result<bool, ProviderError> {
    let Some(standby) = deployment.standby else {
        return Ok(false);
    };
    if deployment.standby_scaled_down {
        return Ok(false);
    }
    let state = deployment
        .colours
        .get(&standby)
        .cloned()
        .ok_or_else(|| ProviderError::new("deployment state is missing the standby colour"))?;
    api.put_service(
        service,
        &state.service_name,
        &state.target_group_arn,
        &state.task_definition,
        0,
    )
    .await?;
    deployment.colours.insert(standby, ColourState { desired_count: 0, ..state.clone() });
    deployment.standby_scaled_down = true;
    let live = deployment.live_task_definition();
    deployment.record("finalize", &state.task_definition, &live, format!("{standby} scaled to 0"));
    Ok(true)
}

/// True when the standby has outlived its retention.
pub fn standby_expired(deployment: &Deployment, retention: Duration) -> bool {
    match (&deployment.standby, &deployment.standby_since, deployment.standby_scaled_down) {
        (Some(_), Some(since), false) => humantime::parse_rfc3339(since)
            .ok()
            .and_then(|t| SystemTime::now().duration_since(t).ok())
            .is_some_and(|age| age >= retention),
        _ => false,
    }
}

/// Deletes both colours (destroy), the live one last: refresh reads the object through its
/// live colour, so a run stopped between the two still finds it, and the next destroy deletes
/// what is left instead of forgetting the idle colour.
pub async fn delete(api: &dyn BlueGreenApi, deployment: &Deployment) -> Result<(), ProviderError> {
    let idle = deployment.colours.iter().filter(|(colour, _)| **colour != deployment.live);
    let live = deployment.colours.iter().filter(|(colour, _)| **colour == deployment.live);
    for (_, colour) in idle.chain(live) {
        api.delete_service(&deployment.cluster, &colour.service_name).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(target: (f64, f64), load_balancer: (f64, f64)) -> ErrorCounts {
        ErrorCounts {
            target_5xx: target.0,
            target_requests: target.1,
            load_balancer_5xx: load_balancer.0,
            load_balancer_requests: load_balancer.1,
        }
    }

    #[test]
    fn colours_are_stored_by_name() {
        let json = serde_json::json!({
            "service": "web", "cluster": "main", "listener_arn": "l", "live": "green",
            "standby": "blue", "colours": {}, "weights": {"blue": 0, "green": 100}
        });
        let deployment = Deployment::from_json(&json).expect("a deployment");
        assert_eq!(deployment.live, Colour::Green);
        assert_eq!(deployment.live.other(), Colour::Blue);
        assert_eq!(deployment.weights.get(&Colour::Green), Some(&100));
        let stored = deployment.to_json();
        assert_eq!(stored["live"], "green");
        assert_eq!(stored["weights"]["blue"], 0);
    }

    #[test]
    fn a_5xx_burst_under_the_minimum_request_count_decides_nothing() {
        let verdict = five_xx_verdict(&counts((2.0, 3.0), (2.0, 3.0)), 1.0, 20.0);
        let figures = verdict.expect("no revert");
        assert!(
            figures.contains("2 / 3, under the minimum of 20 requests: no decision"),
            "{figures}"
        );
    }

    #[test]
    fn target_errors_above_the_threshold_revert() {
        let reason =
            five_xx_verdict(&counts((30.0, 100.0), (0.0, 100.0)), 1.0, 20.0).expect_err("revert");
        assert_eq!(
            reason,
            "HTTPCode_Target_5XX_Count / RequestCount = 30 / 100 = 30.0%, above the 1% threshold"
        );
    }

    #[test]
    fn load_balancer_errors_above_the_threshold_revert() {
        let reason =
            five_xx_verdict(&counts((0.0, 100.0), (10.0, 200.0)), 1.0, 20.0).expect_err("revert");
        assert!(reason.starts_with("HTTPCode_ELB_5XX_Count"), "{reason}");
        assert!(reason.contains("5.0%"), "{reason}");
    }

    #[test]
    fn errors_within_the_threshold_go_on_and_say_so() {
        let figures = five_xx_verdict(&counts((1.0, 200.0), (0.0, 200.0)), 1.0, 20.0)
            .expect("within the threshold");
        assert!(figures.contains("= 1 / 200 = 0.5%, within the 1% threshold"), "{figures}");
    }

    /// A signal names its pause: one left by an earlier pause (or a mistyped value) ends no
    /// other. moto cannot show a stale tag meeting a new pause; this shows the match.
    #[test]
    fn a_signal_ends_only_the_pause_it_names() {
        let pause = Pause {
            stage: "POST_TEST_TRAFFIC_SHIFT".into(),
            id: "POST_TEST_TRAFFIC_SHIFT@2026-11-26T23:00:00Z".into(),
            since: "2026-11-26T23:00:00Z".into(),
            expires_at: "2026-11-27T23:00:00Z".into(),
            timeout_action: "ROLLBACK".into(),
        };
        for action in [HookAction::Continue, HookAction::Rollback] {
            let value = pause_signal(&pause, action);
            assert_eq!(signalled(&value, &pause.id), Some(action));
        }
        assert_eq!(
            pause_signal(&pause, HookAction::Continue),
            "CONTINUE POST_TEST_TRAFFIC_SHIFT@2026-11-26T23:00:00Z"
        );
        let earlier = "CONTINUE POST_TEST_TRAFFIC_SHIFT@2026-11-25T08:00:00Z";
        assert_eq!(signalled(earlier, &pause.id), None);
        assert_eq!(signalled("continue", &pause.id), None);
        assert_eq!(
            signalled("PAUSE POST_TEST_TRAFFIC_SHIFT@2026-11-26T23:00:00Z", &pause.id),
            None
        );
    }
}
