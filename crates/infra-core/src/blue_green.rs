//! The AWS operations a blue/green deployment needs, as a trait: the engine orchestrates the
//! deployment (health gate, switch, bake, automatic revert) and the provider makes the calls.

use crate::resource::ProviderError;
use crate::value::Value;

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
