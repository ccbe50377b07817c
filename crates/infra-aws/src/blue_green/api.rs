//! The AWS operations a blue/green deployment needs, as a trait: [`super::deploy`]
//! orchestrates the deployment (health gate, switch, bake, automatic revert) through it, and
//! [`super::AwsBlueGreen`] makes the calls.

use std::time::Duration;

use infra_core::{ProviderError, Value};

/// One blue/green object as its resource type reads it from the configured value: what the
/// deploy needs to run, revert and finalize a deployment without knowing the type's attribute
/// names.
#[derive(Clone, Debug, PartialEq)]
pub struct DeploymentSpec {
    pub cluster: String,
    /// The object's name; its colours are `<name>-blue` and `<name>-green`.
    pub name: String,
    /// The revision to run; `None` while it is unknown (registered in the same apply).
    pub task_definition: Option<String>,
    pub desired_count: i64,
    pub blue_target_group: String,
    pub green_target_group: String,
    /// The production listener or listener rule whose forward weights move.
    pub route: String,
    /// A listener rule for test traffic: it goes to the new colour before production does.
    pub test_route: Option<String>,
    pub strategy: Strategy,
}

/// How the traffic moves to the new colour.
#[derive(Clone, Debug, PartialEq)]
pub enum TrafficShift {
    AllAtOnce,
    /// `percent` first, then the rest after `interval`.
    Canary {
        percent: i64,
        interval: Duration,
    },
    /// Steps of `percent` with `interval` between.
    Linear {
        percent: i64,
        interval: Duration,
    },
}

/// How one deployment runs: the shift, the bake and what reverts it.
#[derive(Clone, Debug, PartialEq)]
pub struct Strategy {
    pub shift: TrafficShift,
    pub bake: Duration,
    /// Above this share of 5xx responses (percent) the deployment reverts. Default 1.
    pub error_threshold_percent: f64,
    /// Fewer requests than this since the switch decide nothing: one error in three requests
    /// is not a 33% error rate worth a revert. Default 20.
    pub minimum_request_count: f64,
    pub health_gate_timeout: Duration,
    pub standby_retention: Duration,
    pub poll_interval: Duration,
    /// Alarms watched during the bake; one in ALARM reverts when `alarm_rollback` is set.
    pub alarm_names: Vec<String>,
    pub alarm_rollback: bool,
    /// After an automatic revert the failed colour is scaled to 0, unless this is set (to
    /// keep it running for forensics).
    pub keep_failed_colour: bool,
    /// Functions invoked at lifecycle stages, as ECS invokes them.
    pub hooks: Vec<LifecycleHook>,
    /// The provider's `sigint_rollback`: a SIGINT during the deploy rolls the traffic back to
    /// the live colour before `infra` exits.
    pub sigint_rollback: bool,
}

/// A hook the deployment runs at some of its lifecycle stages (`PRE_SCALE_UP`,
/// `POST_SCALE_UP`, `TEST_TRAFFIC_SHIFT`, `POST_TEST_TRAFFIC_SHIFT`,
/// `PRE_PRODUCTION_TRAFFIC_SHIFT`, `PRODUCTION_TRAFFIC_SHIFT`,
/// `POST_PRODUCTION_TRAFFIC_SHIFT`): a function whose answer's `hookStatus` lets the
/// deployment go on, roll back, or asks to be invoked again; or a pause until someone says
/// continue or roll back, or until the timeout.
#[derive(Clone, Debug, PartialEq)]
pub struct LifecycleHook {
    pub target: HookTarget,
    pub stages: Vec<String>,
    /// The configured `hook_details` (JSON), passed to every invocation.
    pub details: Option<serde_json::Value>,
    /// How long the hook may take before `timeout_action` is taken (ECS's default, 1440
    /// minutes).
    pub timeout: Duration,
    pub timeout_action: HookAction,
}

/// What a lifecycle hook runs (`target_type`).
#[derive(Clone, Debug, PartialEq)]
pub enum HookTarget {
    /// `AWS_LAMBDA`: the function's ARN.
    Lambda(String),
    /// `PAUSE`: the deploy waits for `infra deployments continue|rollback` or the timeout.
    Pause,
}

/// What ends a paused (or timed-out) hook: ECS's `DeploymentLifecycleHookAction`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HookAction {
    Continue,
    Rollback,
}

impl HookAction {
    pub fn as_str(self) -> &'static str {
        match self {
            HookAction::Continue => "CONTINUE",
            HookAction::Rollback => "ROLLBACK",
        }
    }

    pub fn parse(text: &str) -> Option<HookAction> {
        match text {
            "CONTINUE" => Some(HookAction::Continue),
            "ROLLBACK" => Some(HookAction::Rollback),
            _ => None,
        }
    }
}

impl Default for Strategy {
    fn default() -> Strategy {
        Strategy {
            shift: TrafficShift::AllAtOnce,
            bake: Duration::ZERO,
            error_threshold_percent: 1.0,
            minimum_request_count: 20.0,
            health_gate_timeout: Duration::from_secs(600),
            standby_retention: Duration::from_secs(3600),
            poll_interval: Duration::from_secs(2),
            alarm_names: Vec::new(),
            alarm_rollback: false,
            keep_failed_colour: false,
            hooks: Vec::new(),
            sigint_rollback: false,
        }
    }
}

/// What ECS reports about one colour's service.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ServiceStatus {
    pub exists: bool,
    pub desired: i64,
    pub running: i64,
    /// The primary deployment's rollout state is COMPLETED.
    pub rollout_completed: bool,
    /// The primary deployment's rollout state is FAILED, or tasks keep failing.
    pub rollout_failed: bool,
    pub task_definition: String,
}

/// One target group's share of a listener's or rule's forward action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WeightedTarget {
    pub target_group_arn: String,
    pub weight: i64,
}

/// 5xx and request counts since a moment (the switch), as the load balancer publishes them.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct ErrorCounts {
    /// `HTTPCode_Target_5XX_Count` of the target group: errors the targets answered.
    pub target_5xx: f64,
    /// `RequestCount` of the target group.
    pub target_requests: f64,
    /// `HTTPCode_ELB_5XX_Count` of the load balancer: errors the load balancer answered itself
    /// (502/503/504 when targets reset, time out or are missing).
    pub load_balancer_5xx: f64,
    /// `RequestCount` of the load balancer.
    pub load_balancer_requests: f64,
}

#[async_trait::async_trait]
pub trait BlueGreenApi: Send + Sync {
    /// Creates or updates the ECS service `service_name` from the `aws_ecs_service` object
    /// `config` (its cluster, network, launch type…), bound to `target_group_arn` only, running
    /// `task_definition` at `desired_count`. Returns the service ARN.
    async fn put_service(
        &self,
        config: &Value,
        service_name: &str,
        target_group_arn: &str,
        task_definition: &str,
        desired_count: i64,
    ) -> Result<String, ProviderError>;

    async fn service_status(
        &self,
        cluster: &str,
        service_name: &str,
    ) -> Result<ServiceStatus, ProviderError>;

    /// Scales to zero and deletes the service; a missing service is success.
    async fn delete_service(&self, cluster: &str, service_name: &str) -> Result<(), ProviderError>;

    /// Targets reporting `healthy` in the target group.
    async fn healthy_targets(&self, target_group_arn: &str) -> Result<i64, ProviderError>;

    /// Points a listener (ModifyListener) or listener rule (ModifyRule) at the weighted target
    /// groups with exactly ONE mutating call. Other settings of the listener are kept.
    async fn route(
        &self,
        listener_or_rule_arn: &str,
        targets: &[WeightedTarget],
    ) -> Result<(), ProviderError>;

    /// The forward targets a listener or rule has now (read only).
    async fn current_route(
        &self,
        listener_or_rule_arn: &str,
    ) -> Result<Vec<WeightedTarget>, ProviderError>;

    /// Invokes a lifecycle hook function synchronously with `payload` (JSON). `Ok(Ok(body))`
    /// is what the function returned; `Ok(Err(reason))` is a function that failed (an
    /// unhandled error in its code).
    async fn invoke_hook(
        &self,
        function_arn: &str,
        payload: &str,
    ) -> Result<Result<String, String>, ProviderError>;

    /// True when the ECS service `service_name` is a scalable target of Application Auto
    /// Scaling (its desired count is the scaling's, not the configuration's).
    async fn is_autoscaled(&self, cluster: &str, service_name: &str)
        -> Result<bool, ProviderError>;

    /// Moves the Application Auto Scaling of ECS service `from_service` (its scalable target,
    /// scaling policies and scheduled actions) to `to_service`, so the scaling follows the
    /// live colour. Returns false, after one read, when `from_service` has none.
    async fn move_scaling(
        &self,
        cluster: &str,
        from_service: &str,
        to_service: &str,
    ) -> Result<bool, ProviderError>;

    /// The value of the tag `key` on the ECS service `service_name`, if it has one (a paused
    /// deploy's signal: see `deploy::PAUSE_SIGNAL_TAG`).
    async fn service_tag(
        &self,
        cluster: &str,
        service_name: &str,
        key: &str,
    ) -> Result<Option<String>, ProviderError>;

    /// Sets (`Some`) or removes (`None`) the tag `key` on the ECS service `service_name`.
    async fn set_service_tag(
        &self,
        cluster: &str,
        service_name: &str,
        key: &str,
        value: Option<&str>,
    ) -> Result<(), ProviderError>;

    /// Which of these CloudWatch alarms are in the ALARM state now.
    async fn alarms_in_alarm(&self, alarm_names: &[String]) -> Result<Vec<String>, ProviderError>;

    /// CloudWatch sums (namespace `AWS/ApplicationELB`) from `since` (seconds since the epoch)
    /// to now, with the dimensions AWS publishes them under, which CloudWatch matches exactly:
    /// `HTTPCode_Target_5XX_Count` and `RequestCount` of the target group with `TargetGroup`
    /// and `LoadBalancer`, `HTTPCode_ELB_5XX_Count` and `RequestCount` of the load balancer
    /// with `LoadBalancer` alone. The load balancer is the one of `listener_or_rule_arn`.
    async fn error_counts(
        &self,
        listener_or_rule_arn: &str,
        target_group_arn: &str,
        since: i64,
    ) -> Result<ErrorCounts, ProviderError>;
}
