//! The AWS calls behind a blue/green ECS deployment: [`AwsBlueGreen`] implements
//! [`BlueGreenApi`] with ECS (the two colour services), ELBv2 (target health, the weighted
//! forward on the production listener or rule), CloudWatch (the 5xx ratio) and Application
//! Auto Scaling (which follows the live colour).
//!
//! The orchestration (the health gate, the traffic steps, the bake and the automatic revert)
//! is [`deploy`]'s, which calls these operations through [`api::BlueGreenApi`]; the engine
//! runs it as the provider's [`rollouts::BlueGreenRollouts`] and stores its record. It does
//! not create target groups, listeners or the task definition; those are ordinary resources.

pub mod api;
pub mod deploy;
mod rollouts;

pub use crate::resources::ecs::aws_ecs_service::COLOUR_OF_TAG;
pub use rollouts::BlueGreenRollouts;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::blue_green::api::{BlueGreenApi, ErrorCounts, ServiceStatus, WeightedTarget};
use aws_sdk_cloudwatch::types::{AlarmType, Dimension, StateValue, Statistic};
use aws_sdk_ecs::types::{DeploymentRolloutState, Service};
use aws_sdk_elasticloadbalancingv2::types::{
    Action, ActionTypeEnum, ForwardActionConfig, TargetGroupTuple, TargetHealthStateEnum,
};
use infra_core::{ProviderError, Value};

use crate::app_support::{blocks, int, non_empty, sent, single};
use crate::error::aws_error;
use crate::resources::appautoscaling;
use crate::resources::ecs::aws_ecs_service;
use crate::Aws;

/// The most target groups one ELBv2 forward action may list.
pub const MAX_FORWARD_TARGET_GROUPS: usize = 5;

/// The largest weight ELBv2 accepts in a weighted forward (moto accepts more; AWS does not).
pub const MAX_WEIGHT: i64 = 999;

/// CloudWatch's resolution for ALB metrics, and the period we ask for.
const METRIC_PERIOD_SECONDS: i64 = 60;

/// GetMetricStatistics returns at most this many datapoints per call.
const MAX_DATAPOINTS: i64 = 1440;

/// Input the blue/green operations refuse before calling AWS.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlueGreenInputError {
    #[error("`{0}` is neither a listener ARN (`:listener/`) nor a listener rule ARN (`:listener-rule/`)")]
    NotAListenerOrRule(String),
    #[error("routing `{0}` needs at least one target group")]
    NoTargets(String),
    #[error("routing `{listener_or_rule_arn}` to {count} target groups; a forward action takes at most {MAX_FORWARD_TARGET_GROUPS}")]
    TooManyTargets { listener_or_rule_arn: String, count: usize },
    #[error("weight {weight} for target group `{target_group_arn}` is outside 0..={MAX_WEIGHT}")]
    WeightOutOfRange { target_group_arn: String, weight: i64 },
    #[error("target group `{0}` is listed more than once in one forward action")]
    DuplicateTarget(String),
    #[error("`{0}` is not a target group ARN (`arn:...:targetgroup/<name>/<id>`)")]
    NotATargetGroup(String),
    #[error("the aws_ecs_service value for `{service_name}` has no known `{attribute}`")]
    MissingAttribute { service_name: String, attribute: &'static str },
    #[error("desired count {desired_count} for `{service_name}` is outside 0..=2147483647")]
    DesiredCountOutOfRange { service_name: String, desired_count: i64 },
    #[error(
        "the metrics window must start at a positive number of seconds since the epoch, not {0}"
    )]
    InvalidWindow(i64),
}

impl From<BlueGreenInputError> for ProviderError {
    fn from(error: BlueGreenInputError) -> ProviderError {
        ProviderError::with_code("ValidationError", error.to_string())
    }
}

/// What a listener-or-rule ARN names; the two are modified by different calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteTarget {
    Listener,
    ListenerRule,
}

impl RouteTarget {
    /// Tells a listener ARN (`...:listener/app/lb/1/2`) from a rule ARN
    /// (`...:listener-rule/app/lb/1/2/3`).
    pub fn of(arn: &str) -> Result<RouteTarget, BlueGreenInputError> {
        if arn.contains(":listener-rule/") {
            Ok(RouteTarget::ListenerRule)
        } else if arn.contains(":listener/") {
            Ok(RouteTarget::Listener)
        } else {
            Err(BlueGreenInputError::NotAListenerOrRule(arn.to_string()))
        }
    }
}

/// The provider's blue/green operations, sharing the provider's clients (and request log).
pub struct AwsBlueGreen {
    aws: Arc<Aws>,
    /// `aws_ecs_service`, which reads a colour service as a value.
    services: aws_ecs_service::AwsEcsService,
}

impl AwsBlueGreen {
    pub fn new(aws: Arc<Aws>) -> AwsBlueGreen {
        AwsBlueGreen { services: aws_ecs_service::AwsEcsService::new(aws.clone()), aws }
    }

    /// The ECS service `service_name` of `cluster` as DescribeServices reports it (with its
    /// tags when `with_tags`); `None` when it is missing or INACTIVE.
    async fn describe_service(
        &self,
        cluster: &str,
        service_name: &str,
        with_tags: bool,
    ) -> Result<Option<Service>, ProviderError> {
        let ecs = &self.aws.clients().await.ecs;
        let output = sent!(ecs
            .describe_services()
            .cluster(cluster)
            .services(service_name)
            .set_include(with_tags.then(|| vec![aws_sdk_ecs::types::ServiceField::Tags])))?;
        // Missing services come back in `failures[]`, not as an error.
        Ok(output.services().iter().find(|service| service.status() != Some("INACTIVE")).cloned())
    }

    /// The provider block's `region` (none: aws-config's, from the environment).
    pub fn region(&self) -> Option<String> {
        self.aws.settings.region.clone()
    }
}

/// Checks weights and target groups the way ELBv2 does (moto is laxer: it takes a weight of
/// 1000 and a forward to a missing group).
pub fn validate_route(
    listener_or_rule_arn: &str,
    targets: &[WeightedTarget],
) -> Result<(), BlueGreenInputError> {
    if targets.is_empty() {
        return Err(BlueGreenInputError::NoTargets(listener_or_rule_arn.to_string()));
    }
    if targets.len() > MAX_FORWARD_TARGET_GROUPS {
        return Err(BlueGreenInputError::TooManyTargets {
            listener_or_rule_arn: listener_or_rule_arn.to_string(),
            count: targets.len(),
        });
    }
    for (index, target) in targets.iter().enumerate() {
        if !(0..=MAX_WEIGHT).contains(&target.weight) {
            return Err(BlueGreenInputError::WeightOutOfRange {
                target_group_arn: target.target_group_arn.clone(),
                weight: target.weight,
            });
        }
        target_group_dimension(&target.target_group_arn)?;
        if targets[..index]
            .iter()
            .any(|earlier| earlier.target_group_arn == target.target_group_arn)
        {
            return Err(BlueGreenInputError::DuplicateTarget(target.target_group_arn.clone()));
        }
    }
    Ok(())
}

/// The one forward action that replaces a listener's default actions or a rule's actions.
/// Always the weighted form, even for a single group at 100: the same shape for every step.
pub fn forward_action(targets: &[WeightedTarget]) -> Action {
    let groups: Vec<TargetGroupTuple> = targets
        .iter()
        .map(|target| {
            TargetGroupTuple::builder()
                .target_group_arn(&target.target_group_arn)
                // Validated to 0..=999 beforehand, so this always fits.
                .weight(i32::try_from(target.weight).unwrap_or(0))
                .build()
        })
        .collect();
    Action::builder()
        .r#type(ActionTypeEnum::Forward)
        .forward_config(ForwardActionConfig::builder().set_target_groups(Some(groups)).build())
        .build()
}

/// The forward targets of a listener's or rule's actions; empty when none forwards.
///
/// A forward to a single group gets all the traffic whatever its weight (AWS reports a plain
/// `TargetGroupArn` forward as weight 1), so it is reported as 100.
pub fn forward_targets(actions: &[Action]) -> Vec<WeightedTarget> {
    let Some(forward) =
        actions.iter().find(|action| action.r#type() == Some(&ActionTypeEnum::Forward))
    else {
        return Vec::new();
    };
    let mut targets: Vec<WeightedTarget> = forward
        .forward_config()
        .map(|config| {
            config
                .target_groups()
                .iter()
                .filter_map(|group| {
                    group.target_group_arn().map(|arn| WeightedTarget {
                        target_group_arn: arn.to_string(),
                        weight: i64::from(group.weight().unwrap_or(1)),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    if targets.is_empty() {
        if let Some(arn) = forward.target_group_arn() {
            targets.push(WeightedTarget { target_group_arn: arn.to_string(), weight: 100 });
        }
    }
    if let [only] = targets.as_mut_slice() {
        if only.weight > 0 {
            only.weight = 100;
        }
    }
    targets
}

/// The CloudWatch `TargetGroup` dimension of a target group ARN:
/// `arn:aws:elasticloadbalancing:r:a:targetgroup/web/0123` → `targetgroup/web/0123`.
pub fn target_group_dimension(target_group_arn: &str) -> Result<String, BlueGreenInputError> {
    match target_group_arn.find(":targetgroup/") {
        Some(start) if target_group_arn[start + 1..].split('/').count() == 3 => {
            Ok(target_group_arn[start + 1..].to_string())
        }
        _ => Err(BlueGreenInputError::NotATargetGroup(target_group_arn.to_string())),
    }
}

/// The CloudWatch `LoadBalancer` dimension of a listener or listener rule ARN:
/// `arn:aws:elasticloadbalancing:r:a:listener/app/web/50dc/f2f7` → `app/web/50dc`.
pub fn load_balancer_dimension(listener_or_rule_arn: &str) -> Result<String, BlueGreenInputError> {
    let rest = listener_or_rule_arn
        .split_once(":listener-rule/")
        .or_else(|| listener_or_rule_arn.split_once(":listener/"))
        .map(|(_, rest)| rest);
    match rest.map(|rest| rest.split('/').collect::<Vec<_>>()) {
        Some(parts) if parts.len() >= 4 && parts[..3].iter().all(|p| !p.is_empty()) => {
            Ok(parts[..3].join("/"))
        }
        _ => Err(BlueGreenInputError::NotAListenerOrRule(listener_or_rule_arn.to_string())),
    }
}

/// What a DescribeServices entry says about one colour.
///
/// The PRIMARY deployment's `rolloutState` decides. What moto 5.2.5 does (ecs/models.py,
/// `Service.__init__` and `update_service`):
/// - CreateService makes one PRIMARY deployment whose `runningCount` is
///   `MOTO_ECS_SERVICE_RUNNING` (whatever the desired count), `rolloutState` COMPLETED when that
///   is >= desired and IN_PROGRESS otherwise, and `failedTasks` = `MOTO_ECS_SERVICE_FAILED_TASKS`.
///   It never reports FAILED.
/// - UpdateService sets the service's `runningCount` to the new desired count but leaves the
///   deployment entry (rollout state, task definition, failed tasks) as it was at creation.
///
/// So the rollout state is taken as given, and only when it is absent (no deployments, or an
/// older API) is it derived: completed once running >= desired > 0, or desired == 0. Any
/// `failedTasks` fails the rollout, as ECS without a circuit breaker would retry forever and the
/// gate would only time out; this is also how `MOTO_ECS_SERVICE_FAILED_TASKS` fails a deploy.
pub fn status_of(service: &Service) -> ServiceStatus {
    if service.status() == Some("INACTIVE") {
        return ServiceStatus::default();
    }
    let desired = i64::from(service.desired_count());
    let running = i64::from(service.running_count());
    let primary = service
        .deployments()
        .iter()
        .find(|deployment| deployment.status() == Some("PRIMARY"))
        .or_else(|| service.deployments().first());
    let rollout_state = primary.and_then(|deployment| deployment.rollout_state());
    let rollout_completed = match rollout_state {
        Some(state) => state == &DeploymentRolloutState::Completed,
        None => desired == 0 || running >= desired,
    };
    let rollout_failed = rollout_state == Some(&DeploymentRolloutState::Failed)
        || primary.is_some_and(|deployment| deployment.failed_tasks() > 0);
    ServiceStatus {
        exists: true,
        desired,
        running,
        rollout_completed,
        rollout_failed,
        task_definition: service.task_definition().unwrap_or_default().to_string(),
    }
}

/// The tags a colour service carries: the service's own (`tags_all`, else `tags`) plus
/// [`COLOUR_OF_TAG`].
fn colour_tags(config: &Value, original_name: &str) -> BTreeMap<String, String> {
    let source = match config.get("tags_all") {
        Value::Map(_) => config.get("tags_all"),
        _ => config.get("tags"),
    };
    let mut tags: BTreeMap<String, String> = source
        .as_map()
        .map(|entries| {
            entries
                .iter()
                .filter_map(|(key, value)| {
                    value.as_str().map(|text| (key.clone(), text.to_string()))
                })
                .collect()
        })
        .unwrap_or_default();
    tags.insert(COLOUR_OF_TAG.to_string(), original_name.to_string());
    tags
}

/// One colour of the `aws_ecs_service` value `config`, as an `aws_ecs_service` value of its
/// own, for the one ECS service create/update path ([`aws_ecs_service::create_service`],
/// [`aws_ecs_service::update_service`]): named `service_name`, running `task_definition` at
/// `desired_count`, its `load_balancer` bound to the colour's target group without
/// `advanced_configuration`. The colours are plain rolling services: infra does the
/// blue/green itself and watches the `alarms` in its bake, so they are not sent.
fn colour_value(
    config: &Value,
    service_name: &str,
    target_group_arn: &str,
    task_definition: &str,
    desired_count: i64,
) -> Result<Value, BlueGreenInputError> {
    let missing = |attribute: &'static str| BlueGreenInputError::MissingAttribute {
        service_name: service_name.to_string(),
        attribute,
    };
    non_empty(config, "cluster").ok_or_else(|| missing("cluster"))?;
    if task_definition.is_empty() {
        return Err(missing("task_definition"));
    }
    if i32::try_from(desired_count).map_or(true, |count| count < 0) {
        return Err(BlueGreenInputError::DesiredCountOutOfRange {
            service_name: service_name.to_string(),
            desired_count,
        });
    }
    let first_load_balancer =
        single(config, "load_balancer").ok_or_else(|| missing("load_balancer"))?;
    let container_name = non_empty(first_load_balancer, "container_name")
        .ok_or_else(|| missing("load_balancer.container_name"))?;
    let container_port = int(first_load_balancer, "container_port")
        .ok_or_else(|| missing("load_balancer.container_port"))?;
    let mut value = config.clone();
    let Some(entries) = value.map_mut() else {
        return Err(missing("name"));
    };
    entries.insert("name".into(), Value::string(service_name));
    entries.insert("task_definition".into(), Value::string(task_definition));
    entries.insert("desired_count".into(), Value::Number(desired_count as f64));
    entries.insert(
        "load_balancer".into(),
        Value::List(vec![Value::map([
            ("target_group_arn", Value::string(target_group_arn)),
            ("container_name", Value::string(container_name)),
            ("container_port", Value::Number(f64::from(container_port))),
        ])]),
    );
    entries.remove("alarms");
    // ECS refuses a role for awsvpc services, and the service-linked role AWS reports back
    // into `iam_role` must not be passed either.
    if !blocks(config, "network_configuration").is_empty()
        || non_empty(config, "iam_role").is_some_and(|role| role.contains("/aws-service-role/"))
    {
        entries.remove("iam_role");
    }
    // ECS takes a capacity provider strategy or a launch type, not both; a launch type read
    // back for a strategy's service is not configuration.
    if !blocks(config, "capacity_provider_strategy").is_empty() {
        entries.remove("launch_type");
    }
    Ok(value)
}

/// The whole seconds since the epoch, now.
fn now_seconds() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs() as i64)
        .unwrap_or_default()
}

#[async_trait::async_trait]
impl BlueGreenApi for AwsBlueGreen {
    async fn put_service(
        &self,
        config: &Value,
        service_name: &str,
        target_group_arn: &str,
        task_definition: &str,
        desired_count: i64,
    ) -> Result<String, ProviderError> {
        let colour =
            colour_value(config, service_name, target_group_arn, task_definition, desired_count)?;
        let cluster = non_empty(config, "cluster").unwrap_or_default();
        let original_name = non_empty(config, "name").unwrap_or_else(|| service_name.to_string());
        let tags = colour_tags(config, &original_name);
        match self.describe_service(&cluster, service_name, false).await? {
            None => aws_ecs_service::create_service(&self.aws, service_name, &colour, &tags).await,
            Some(existing) => {
                let arn = existing
                    .service_arn()
                    .map(str::to_string)
                    .ok_or_else(|| crate::app_support::vanished("ECS service", service_name))?;
                let found = aws_ecs_service::tagged(existing);
                let prior = self.services.value_of(&found, "", &colour);
                aws_ecs_service::update_service(&self.aws, &arn, &prior, &colour).await?;
                // Tags added to the configuration since the colour was created; UpdateService
                // takes none.
                let ecs = &self.aws.clients().await.ecs;
                sent!(ecs
                    .tag_resource()
                    .resource_arn(&arn)
                    .set_tags(Some(crate::ecs_support::tags_to_sdk(&tags))))?;
                Ok(arn)
            }
        }
    }

    async fn service_status(
        &self,
        cluster: &str,
        service_name: &str,
    ) -> Result<ServiceStatus, ProviderError> {
        let ecs = &self.aws.clients().await.ecs;
        let output =
            match ecs.describe_services().cluster(cluster).services(service_name).send().await {
                Ok(output) => output,
                // No cluster, no service.
                Err(error)
                    if error
                        .as_service_error()
                        .is_some_and(|e| e.is_cluster_not_found_exception()) =>
                {
                    return Ok(ServiceStatus::default());
                }
                Err(error) => return Err(aws_error(error)),
            };
        Ok(output.services().first().map(status_of).unwrap_or_default())
    }

    async fn is_autoscaled(
        &self,
        cluster: &str,
        service_name: &str,
    ) -> Result<bool, ProviderError> {
        appautoscaling::is_ecs_service_scaled(&self.aws, cluster, service_name).await
    }

    async fn move_scaling(
        &self,
        cluster: &str,
        from_service: &str,
        to_service: &str,
    ) -> Result<bool, ProviderError> {
        appautoscaling::move_ecs_service_scaling(&self.aws, cluster, from_service, to_service).await
    }

    async fn delete_service(&self, cluster: &str, service_name: &str) -> Result<(), ProviderError> {
        let ecs = &self.aws.clients().await.ecs;
        // Scaling to zero first lets ECS drain the tasks from the target group before the
        // service goes; force=true then deletes even if the scale-down is still in progress.
        match ecs
            .update_service()
            .cluster(cluster)
            .service(service_name)
            .desired_count(0)
            .send()
            .await
        {
            Ok(_) => {}
            Err(error)
                if error.as_service_error().is_some_and(|e| {
                    e.is_service_not_found_exception()
                        || e.is_service_not_active_exception()
                        || e.is_cluster_not_found_exception()
                }) =>
            {
                return Ok(());
            }
            Err(error) => return Err(aws_error(error)),
        }
        match ecs.delete_service().cluster(cluster).service(service_name).force(true).send().await {
            Ok(_) => Ok(()),
            Err(error)
                if error.as_service_error().is_some_and(|e| {
                    e.is_service_not_found_exception() || e.is_cluster_not_found_exception()
                }) =>
            {
                Ok(())
            }
            Err(error) => Err(aws_error(error)),
        }
    }

    async fn healthy_targets(&self, target_group_arn: &str) -> Result<i64, ProviderError> {
        target_group_dimension(target_group_arn)?;
        let elbv2 = &self.aws.clients().await.elbv2;
        let output = sent!(elbv2.describe_target_health().target_group_arn(target_group_arn))?;
        let healthy = output
            .target_health_descriptions()
            .iter()
            .filter(|description| {
                description.target_health().and_then(|health| health.state())
                    == Some(&TargetHealthStateEnum::Healthy)
            })
            .count();
        Ok(healthy as i64)
    }

    /// Replaces the listener's default actions (or the rule's actions) with one weighted
    /// forward. Port, protocol, certificates and a rule's conditions are left out of the call,
    /// so AWS keeps them. Being a single write without a read, it also drops any other action
    /// in the chain (authenticate-*, forward stickiness): production listeners for blue/green
    /// must forward only.
    async fn route(
        &self,
        listener_or_rule_arn: &str,
        targets: &[WeightedTarget],
    ) -> Result<(), ProviderError> {
        let kind = RouteTarget::of(listener_or_rule_arn)?;
        validate_route(listener_or_rule_arn, targets)?;
        let elbv2 = &self.aws.clients().await.elbv2;
        let action = forward_action(targets);
        let arn = listener_or_rule_arn;
        match kind {
            RouteTarget::Listener => {
                sent!(elbv2.modify_listener().listener_arn(arn).default_actions(action)).map(drop)
            }
            RouteTarget::ListenerRule => {
                sent!(elbv2.modify_rule().rule_arn(arn).actions(action)).map(drop)
            }
        }
    }

    async fn current_route(
        &self,
        listener_or_rule_arn: &str,
    ) -> Result<Vec<WeightedTarget>, ProviderError> {
        let elbv2 = &self.aws.clients().await.elbv2;
        let arn = listener_or_rule_arn;
        let actions: Option<Vec<Action>> = match RouteTarget::of(arn)? {
            RouteTarget::Listener => sent!(elbv2.describe_listeners().listener_arns(arn))?
                .listeners()
                .first()
                .map(|listener| listener.default_actions().to_vec()),
            RouteTarget::ListenerRule => sent!(elbv2.describe_rules().rule_arns(arn))?
                .rules()
                .first()
                .map(|rule| rule.actions().to_vec()),
        };
        Ok(forward_targets(&actions.unwrap_or_default()))
    }

    async fn invoke_hook(
        &self,
        function_arn: &str,
        payload: &str,
    ) -> Result<Result<String, String>, ProviderError> {
        let lambda = &self.aws.clients().await.lambda;
        // RequestResponse: the hook's answer decides the next step. infra invokes with its
        // own credentials; the hook's `role_arn` is the role ECS would assume to do so.
        let output = sent!(lambda
            .invoke()
            .function_name(function_arn)
            .payload(aws_sdk_lambda::primitives::Blob::new(payload.as_bytes())))?;
        let body = output
            .payload()
            .map(|blob| String::from_utf8_lossy(blob.as_ref()).into_owned())
            .unwrap_or_default();
        Ok(match output.function_error() {
            Some(kind) => Err(format!("{kind}: {body}")),
            None => Ok(body),
        })
    }

    async fn service_tag(
        &self,
        cluster: &str,
        service_name: &str,
        key: &str,
    ) -> Result<Option<String>, ProviderError> {
        Ok(self.describe_service(cluster, service_name, true).await?.and_then(|service| {
            service
                .tags()
                .iter()
                .find(|tag| tag.key() == Some(key))
                .and_then(|tag| tag.value().map(str::to_string))
        }))
    }

    async fn set_service_tag(
        &self,
        cluster: &str,
        service_name: &str,
        key: &str,
        value: Option<&str>,
    ) -> Result<(), ProviderError> {
        let Some(service) = self.describe_service(cluster, service_name, true).await? else {
            return Err(ProviderError::new(format!(
                "ECS service {service_name} is not in cluster {cluster}"
            )));
        };
        let arn = service.service_arn().unwrap_or_default().to_string();
        let has = service.tags().iter().any(|tag| tag.key() == Some(key));
        let ecs = &self.aws.clients().await.ecs;
        match value {
            Some(value) => {
                sent!(ecs
                    .tag_resource()
                    .resource_arn(&arn)
                    .tags(aws_sdk_ecs::types::Tag::builder().key(key).value(value).build(),))?;
            }
            // One read, and no write when there is nothing to remove.
            None if has => {
                sent!(ecs.untag_resource().resource_arn(&arn).tag_keys(key))?;
            }
            None => {}
        }
        Ok(())
    }

    async fn alarms_in_alarm(&self, alarm_names: &[String]) -> Result<Vec<String>, ProviderError> {
        let cloudwatch = &self.aws.clients().await.cloudwatch;
        let mut firing = Vec::new();
        // DescribeAlarms takes at most 100 names a call.
        for names in alarm_names.chunks(100) {
            let output = sent!(cloudwatch
                .describe_alarms()
                .set_alarm_names(Some(names.to_vec()))
                // Without AlarmTypes, DescribeAlarms answers metric alarms only.
                .alarm_types(AlarmType::MetricAlarm)
                .alarm_types(AlarmType::CompositeAlarm)
                .state_value(StateValue::Alarm))?;
            // AWS applies both filters; moto 5.2.5 drops StateValue when AlarmNames is given,
            // so the state is checked here too.
            let in_alarm = |name: Option<&str>, state: Option<&StateValue>| {
                name.filter(|_| state == Some(&StateValue::Alarm)).map(str::to_string)
            };
            firing.extend(
                output
                    .metric_alarms()
                    .iter()
                    .filter_map(|alarm| in_alarm(alarm.alarm_name(), alarm.state_value())),
            );
            firing.extend(
                output
                    .composite_alarms()
                    .iter()
                    .filter_map(|alarm| in_alarm(alarm.alarm_name(), alarm.state_value())),
            );
        }
        Ok(firing)
    }

    async fn error_counts(
        &self,
        listener_or_rule_arn: &str,
        target_group_arn: &str,
        since: i64,
    ) -> Result<ErrorCounts, ProviderError> {
        if since <= 0 {
            return Err(BlueGreenInputError::InvalidWindow(since).into());
        }
        let target_group = target_group_dimension(target_group_arn)?;
        let load_balancer = load_balancer_dimension(listener_or_rule_arn)?;
        let cloudwatch = &self.aws.clients().await.cloudwatch;
        let now = now_seconds();
        // A longer window needs a coarser period to stay within one call's datapoint limit;
        // periods must be multiples of 60.
        let window_seconds = (now - since).max(1);
        let minutes = (window_seconds + METRIC_PERIOD_SECONDS - 1) / METRIC_PERIOD_SECONDS;
        let period_minutes = ((minutes + MAX_DATAPOINTS - 1) / MAX_DATAPOINTS).max(1);
        let period = i32::try_from(period_minutes * METRIC_PERIOD_SECONDS)
            .unwrap_or(i32::MAX - i32::MAX % 60);
        // From the switch (CloudWatch rounds the start down to its minute); the end lies a
        // period ahead so the current, still-filling minute is counted.
        let start = aws_smithy_types::DateTime::from_secs(since);
        let end = aws_smithy_types::DateTime::from_secs(now + METRIC_PERIOD_SECONDS);
        let dimension =
            |name: &str, value: &str| Dimension::builder().name(name).value(value).build();
        let of_target_group =
            [dimension("TargetGroup", &target_group), dimension("LoadBalancer", &load_balancer)];
        let of_load_balancer = [dimension("LoadBalancer", &load_balancer)];
        let queries: [(&str, &[Dimension]); 4] = [
            ("HTTPCode_Target_5XX_Count", &of_target_group),
            ("RequestCount", &of_target_group),
            ("HTTPCode_ELB_5XX_Count", &of_load_balancer),
            ("RequestCount", &of_load_balancer),
        ];
        let sums =
            futures::future::try_join_all(queries.iter().map(|(metric, dimensions)| async {
                let output = sent!(cloudwatch
                    .get_metric_statistics()
                    .namespace("AWS/ApplicationELB")
                    .metric_name(*metric)
                    .set_dimensions(Some(dimensions.to_vec()))
                    .start_time(start)
                    .end_time(end)
                    .period(period)
                    .statistics(Statistic::Sum))?;
                // A fold from 0.0: the f64 sum of nothing is -0.0, which prints as "-0".
                Ok::<f64, ProviderError>(
                    output
                        .datapoints()
                        .iter()
                        .filter_map(|point| point.sum())
                        .fold(0.0, |total, sum| total + sum),
                )
            }))
            .await?;
        Ok(ErrorCounts {
            target_5xx: sums[0],
            target_requests: sums[1],
            load_balancer_5xx: sums[2],
            load_balancer_requests: sums[3],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TG: &str =
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/blue/0123456789abcdef";
    const TG2: &str =
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/green/fedcba9876543210";

    fn target(arn: &str, weight: i64) -> WeightedTarget {
        WeightedTarget { target_group_arn: arn.to_string(), weight }
    }

    #[test]
    fn listener_and_rule_arns_are_told_apart() {
        let listener = "arn:aws:elasticloadbalancing:us-east-1:1:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2";
        let rule = "arn:aws:elasticloadbalancing:us-east-1:1:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee";
        assert_eq!(RouteTarget::of(listener), Ok(RouteTarget::Listener));
        assert_eq!(RouteTarget::of(rule), Ok(RouteTarget::ListenerRule));
        assert_eq!(
            RouteTarget::of(TG),
            Err(BlueGreenInputError::NotAListenerOrRule(TG.to_string()))
        );
    }

    #[test]
    fn routes_are_validated_before_any_call() {
        let arn = "arn:aws:elasticloadbalancing:us-east-1:1:listener/app/web/1/2";
        assert_eq!(validate_route(arn, &[]), Err(BlueGreenInputError::NoTargets(arn.to_string())));
        assert!(matches!(
            validate_route(arn, &[target(TG, 1000)]),
            Err(BlueGreenInputError::WeightOutOfRange { weight: 1000, .. })
        ));
        assert!(matches!(
            validate_route(arn, &[target(TG, -1)]),
            Err(BlueGreenInputError::WeightOutOfRange { .. })
        ));
        assert_eq!(
            validate_route(arn, &[target(TG, 1), target(TG, 2)]),
            Err(BlueGreenInputError::DuplicateTarget(TG.to_string()))
        );
        assert!(matches!(
            validate_route(arn, &[target("blue", 1)]),
            Err(BlueGreenInputError::NotATargetGroup(_))
        ));
        let six: Vec<WeightedTarget> = (0..6).map(|i| target(&format!("{TG}{i}"), 1)).collect();
        assert!(matches!(
            validate_route(arn, &six),
            Err(BlueGreenInputError::TooManyTargets { count: 6, .. })
        ));
        assert_eq!(validate_route(arn, &[target(TG, 0), target(TG2, 999)]), Ok(()));
    }

    #[test]
    fn the_load_balancer_dimension_comes_from_a_listener_or_rule() {
        let listener = "arn:aws:elasticloadbalancing:us-east-1:1:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2";
        let rule = "arn:aws:elasticloadbalancing:us-east-1:1:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee";
        assert_eq!(load_balancer_dimension(listener).as_deref(), Ok("app/web/50dc6c495c0c9188"));
        assert_eq!(load_balancer_dimension(rule).as_deref(), Ok("app/web/50dc6c495c0c9188"));
        assert!(load_balancer_dimension(TG).is_err());
        assert!(
            load_balancer_dimension("arn:aws:elasticloadbalancing:r:a:listener/app/web").is_err()
        );
    }

    #[test]
    fn the_dimension_is_the_target_group_suffix() {
        assert_eq!(target_group_dimension(TG).as_deref(), Ok("targetgroup/blue/0123456789abcdef"));
        assert!(target_group_dimension("arn:aws:elasticloadbalancing:r:a:loadbalancer/app/web/1")
            .is_err());
    }

    #[test]
    fn forward_actions_read_back_as_weighted_targets() {
        let weighted = forward_action(&[target(TG, 10), target(TG2, 90)]);
        assert_eq!(forward_targets(&[weighted]), vec![target(TG, 10), target(TG2, 90)]);
        let plain = Action::builder().r#type(ActionTypeEnum::Forward).target_group_arn(TG).build();
        assert_eq!(forward_targets(&[plain]), vec![target(TG, 100)]);
        let single_weight_one = forward_action(&[target(TG, 1)]);
        assert_eq!(forward_targets(&[single_weight_one]), vec![target(TG, 100)]);
        let fixed = Action::builder().r#type(ActionTypeEnum::FixedResponse).build();
        assert_eq!(forward_targets(&[fixed]), vec![]);
    }

    fn service(
        desired: i32,
        running: i32,
        deployment: Option<aws_sdk_ecs::types::Deployment>,
    ) -> Service {
        Service::builder()
            .status("ACTIVE")
            .desired_count(desired)
            .running_count(running)
            .task_definition("arn:aws:ecs:us-east-1:1:task-definition/web:3")
            .set_deployments(deployment.map(|d| vec![d]))
            .build()
    }

    fn primary(
        state: Option<DeploymentRolloutState>,
        failed_tasks: i32,
    ) -> aws_sdk_ecs::types::Deployment {
        aws_sdk_ecs::types::Deployment::builder()
            .status("PRIMARY")
            .set_rollout_state(state)
            .failed_tasks(failed_tasks)
            .build()
    }

    #[test]
    fn status_follows_the_primary_rollout_state() {
        let done =
            status_of(&service(2, 2, Some(primary(Some(DeploymentRolloutState::Completed), 0))));
        assert!(done.exists && done.rollout_completed && !done.rollout_failed, "{done:?}");
        assert_eq!(done.task_definition, "arn:aws:ecs:us-east-1:1:task-definition/web:3");
        let going =
            status_of(&service(2, 1, Some(primary(Some(DeploymentRolloutState::InProgress), 0))));
        assert!(!going.rollout_completed && !going.rollout_failed, "{going:?}");
        let failed =
            status_of(&service(2, 0, Some(primary(Some(DeploymentRolloutState::Failed), 0))));
        assert!(failed.rollout_failed && !failed.rollout_completed, "{failed:?}");
        // What moto reports under MOTO_ECS_SERVICE_FAILED_TASKS: COMPLETED, but tasks failed.
        let flapping =
            status_of(&service(2, 2, Some(primary(Some(DeploymentRolloutState::Completed), 1))));
        assert!(flapping.rollout_failed, "{flapping:?}");
    }

    #[test]
    fn status_without_a_rollout_state_is_derived_from_the_counts() {
        assert!(status_of(&service(2, 2, Some(primary(None, 0)))).rollout_completed);
        assert!(!status_of(&service(2, 1, Some(primary(None, 0)))).rollout_completed);
        assert!(status_of(&service(0, 0, None)).rollout_completed);
        let inactive = Service::builder().status("INACTIVE").desired_count(2).build();
        assert_eq!(status_of(&inactive), ServiceStatus::default());
    }

    #[test]
    fn a_colour_value_names_what_is_missing() {
        let config = Value::map([("name", Value::string("web"))]);
        let error = colour_value(&config, "web-blue", TG, "web:1", 1).err();
        assert_eq!(
            error,
            Some(BlueGreenInputError::MissingAttribute {
                service_name: "web-blue".into(),
                attribute: "cluster"
            })
        );
    }

    #[test]
    fn a_colour_is_a_rolling_service_on_its_own_target_group() {
        let config = Value::map([
            ("name", Value::string("web")),
            ("cluster", Value::string("main")),
            ("launch_type", Value::string("FARGATE")),
            ("iam_role", Value::string("arn:aws:iam::1:role/aws-service-role/ecs")),
            ("alarms", Value::List(vec![Value::map([("enable", Value::Bool(true))])])),
            (
                "load_balancer",
                Value::List(vec![Value::map([
                    ("target_group_arn", Value::string("tg-blue")),
                    ("container_name", Value::string("web")),
                    ("container_port", Value::Number(8080.0)),
                    (
                        "advanced_configuration",
                        Value::List(vec![Value::map([("role_arn", Value::string("r"))])]),
                    ),
                ])]),
            ),
        ]);
        let colour = colour_value(&config, "web-green", TG, "web:2", 3).expect("complete");
        assert_eq!(colour.get("name").as_str(), Some("web-green"));
        assert_eq!(colour.get("task_definition").as_str(), Some("web:2"));
        assert_eq!(colour.get("desired_count").as_i64(), Some(3));
        assert_eq!(colour.get("launch_type").as_str(), Some("FARGATE"));
        assert!(colour.get("alarms").is_null());
        assert!(colour.get("iam_role").is_null());
        let load_balancer = single(&colour, "load_balancer").expect("one");
        assert_eq!(load_balancer.get("target_group_arn").as_str(), Some(TG));
        assert!(load_balancer.get("advanced_configuration").is_null());
    }

    #[test]
    fn colour_tags_add_the_original_name() {
        let config = Value::map([("tags", Value::map([("env", Value::string("prod"))]))]);
        let tags: Vec<(String, String)> = colour_tags(&config, "web").into_iter().collect();
        assert_eq!(tags, vec![("env".into(), "prod".into()), (COLOUR_OF_TAG.into(), "web".into())]);
    }
}
