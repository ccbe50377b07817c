//! `aws_ecs_service`: an ECS service with rolling updates (deployment circuit breaker and
//! rollback included).
//!
//! Blue/green (`deployment_configuration { strategy = "BLUE_GREEN" }` and
//! `load_balancer.advanced_configuration`) is accepted and kept as configuration here; the
//! engine's blue/green deployer orchestrates it with the building blocks below
//! ([`create_service`], [`update_service`], [`describe_services`], [`wait_for_steady_state`],
//! [`scale_down_and_delete`], [`service_to_value`]).
//!
//! Refresh is DescribeServices per cluster, 10 services a call (missing services come back in
//! `failures`, deleted ones as `INACTIVE`), tags included.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_ecs::types::{
    AssignPublicIp, AwsVpcConfiguration, DeploymentCircuitBreaker, DeploymentConfiguration,
    LaunchType, LoadBalancer, NetworkConfiguration, PropagateTags, Service, ServiceField,
};
use infra_core::{
    Attribute, Block, Check, Operation, ProviderError, ResourceType, Schema, Type, Value,
};

use crate::app_support::{
    blocks, boolean, changed, copy_attributes, int, number, set_tags, single, string, string_list,
    strings, text, vanished, wait_for,
};
use crate::ecs_support::{has_managed_tags, tags_from_sdk, tags_to_sdk, update_tags};
use crate::error::{aws_error, is_not_found};
use crate::Aws;

/// DescribeServices takes at most 10 services a call (moto accepts more; AWS does not).
pub const SERVICES_PER_CALL: usize = 10;

/// Attributes AWS does not report back, kept from the configuration.
const CONFIG_ONLY: &[&str] = &["wait_for_steady_state", "deployment_configuration"];

pub struct AwsEcsService {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsEcsService {
    pub fn new(aws: Arc<Aws>) -> AwsEcsService {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::required("name", Type::String).force_new())
            .attr(Attribute::optional_computed("cluster", Type::String).force_new())
            .attr(Attribute::optional("task_definition", Type::String))
            .attr(
                Attribute::optional("desired_count", Type::Number)
                    .default(Value::Number(1.0))
                    .check(Check::Range(0, 100_000)),
            )
            .attr(
                Attribute::optional_computed("launch_type", Type::String)
                    .check(Check::OneOf(&["EC2", "FARGATE", "EXTERNAL"]))
                    .force_new(),
            )
            .attr(Attribute::optional_computed(
                "platform_version",
                Type::String,
            ))
            .attr(
                Attribute::optional("deployment_minimum_healthy_percent", Type::Number)
                    .default(Value::Number(100.0))
                    .check(Check::Range(0, 100)),
            )
            .attr(
                Attribute::optional("deployment_maximum_percent", Type::Number)
                    .default(Value::Number(200.0))
                    .check(Check::Range(0, 2000)),
            )
            .attr(
                Attribute::optional("health_check_grace_period_seconds", Type::Number)
                    .check(Check::Range(0, 2_147_483_647)),
            )
            .attr(
                Attribute::optional("enable_execute_command", Type::Bool)
                    .default(Value::Bool(false)),
            )
            .attr(
                Attribute::optional("propagate_tags", Type::String).check(Check::OneOf(&[
                    "SERVICE",
                    "TASK_DEFINITION",
                    "NONE",
                ])),
            )
            .attr(
                Attribute::optional("wait_for_steady_state", Type::Bool)
                    .default(Value::Bool(false)),
            )
            .block(Block::single(
                "network_configuration",
                Schema::new()
                    .attr(Attribute::required("subnets", Type::set(Type::String)))
                    .attr(Attribute::optional(
                        "security_groups",
                        Type::set(Type::String),
                    ))
                    .attr(
                        Attribute::optional("assign_public_ip", Type::Bool)
                            .default(Value::Bool(false)),
                    ),
            ))
            .block(Block::set(
                "load_balancer",
                Schema::new()
                    .attr(Attribute::optional("target_group_arn", Type::String))
                    .attr(Attribute::required("container_name", Type::String))
                    .attr(Attribute::required("container_port", Type::Number).check(Check::Port))
                    .block(Block::single(
                        "advanced_configuration",
                        Schema::new()
                            .attr(Attribute::required(
                                "alternate_target_group_arn",
                                Type::String,
                            ))
                            .attr(Attribute::required(
                                "production_listener_rule",
                                Type::String,
                            ))
                            .attr(Attribute::optional("role_arn", Type::String))
                            .attr(Attribute::optional("test_listener_rule", Type::String)),
                    )),
            ))
            .block(Block::single(
                "deployment_configuration",
                Schema::new()
                    .attr(
                        Attribute::optional("strategy", Type::String)
                            .check(Check::OneOf(&["ROLLING", "BLUE_GREEN"])),
                    )
                    .attr(Attribute::optional("bake_time_in_minutes", Type::Number))
                    // infra's blue/green extension settings (documented in the README):
                    .attr(
                        Attribute::optional("traffic_shift", Type::String).check(Check::OneOf(&[
                            "all_at_once",
                            "canary",
                            "linear",
                        ])),
                    )
                    .attr(
                        Attribute::optional("shift_percent", Type::Number)
                            .check(Check::Range(1, 100)),
                    )
                    .attr(Attribute::optional("shift_interval_seconds", Type::Number))
                    .attr(Attribute::optional("error_threshold_percent", Type::Number))
                    .attr(Attribute::optional(
                        "health_gate_timeout_seconds",
                        Type::Number,
                    ))
                    .attr(Attribute::optional(
                        "standby_retention_minutes",
                        Type::Number,
                    ))
                    .attr(Attribute::optional("poll_interval_seconds", Type::Number)),
            ))
            .block(Block::single(
                "deployment_circuit_breaker",
                Schema::new()
                    .attr(Attribute::required("enable", Type::Bool))
                    .attr(Attribute::required("rollback", Type::Bool)),
            ))
            .with_tags();
        AwsEcsService { aws, schema }
    }
}

/// The cluster a value names, `default` when unset (as ECS does).
fn cluster_of(value: &Value) -> String {
    string(value, "cluster").unwrap_or_else(|| "default".to_string())
}

fn network_to_sdk(value: &Value) -> Result<Option<NetworkConfiguration>, ProviderError> {
    let Some(network) = single(value, "network_configuration") else {
        return Ok(None);
    };
    // An empty list means the VPC's default group to AWS; the emulator needs the key present.
    let awsvpc = AwsVpcConfiguration::builder()
        .set_subnets(Some(strings(network, "subnets")))
        .set_security_groups(Some(strings(network, "security_groups")))
        .assign_public_ip(if boolean(network, "assign_public_ip").unwrap_or(false) {
            AssignPublicIp::Enabled
        } else {
            AssignPublicIp::Disabled
        })
        .build()
        .map_err(|e| ProviderError::new(format!("network_configuration: {e}")))?;
    Ok(Some(
        NetworkConfiguration::builder()
            .awsvpc_configuration(awsvpc)
            .build(),
    ))
}

/// The load balancers ECS attaches. `advanced_configuration` is not sent: blue/green is
/// orchestrated by infra itself, with one ECS service per colour.
fn load_balancers_to_sdk(value: &Value) -> Vec<LoadBalancer> {
    blocks(value, "load_balancer")
        .iter()
        .map(|lb| {
            LoadBalancer::builder()
                .set_target_group_arn(string(lb, "target_group_arn"))
                .set_container_name(string(lb, "container_name"))
                .set_container_port(int(lb, "container_port"))
                .build()
        })
        .collect()
}

fn deployment_to_sdk(value: &Value) -> DeploymentConfiguration {
    let breaker = single(value, "deployment_circuit_breaker").map(|b| {
        DeploymentCircuitBreaker::builder()
            .enable(boolean(b, "enable").unwrap_or(false))
            .rollback(boolean(b, "rollback").unwrap_or(false))
            .build()
    });
    DeploymentConfiguration::builder()
        .set_minimum_healthy_percent(int(value, "deployment_minimum_healthy_percent"))
        .set_maximum_percent(int(value, "deployment_maximum_percent"))
        .set_deployment_circuit_breaker(breaker)
        .build()
}

/// Creates the ECS service `name` as `planned` describes (cluster, task definition, network,
/// load balancers, rolling deployment settings) with `tags`; returns its ARN.
pub async fn create_service(
    aws: &Aws,
    name: &str,
    planned: &Value,
    tags: &BTreeMap<String, String>,
) -> Result<String, ProviderError> {
    let client = &aws.clients().await.ecs;
    let load_balancers = load_balancers_to_sdk(planned);
    let response = client
        .create_service()
        .cluster(cluster_of(planned))
        .service_name(name)
        .set_task_definition(string(planned, "task_definition"))
        .desired_count(int(planned, "desired_count").unwrap_or(1))
        .set_launch_type(string(planned, "launch_type").map(|l| LaunchType::from(l.as_str())))
        .set_platform_version(string(planned, "platform_version"))
        .set_network_configuration(network_to_sdk(planned)?)
        .set_load_balancers((!load_balancers.is_empty()).then_some(load_balancers))
        .deployment_configuration(deployment_to_sdk(planned))
        .set_health_check_grace_period_seconds(int(planned, "health_check_grace_period_seconds"))
        .enable_execute_command(boolean(planned, "enable_execute_command").unwrap_or(false))
        .set_propagate_tags(
            string(planned, "propagate_tags").map(|p| PropagateTags::from(p.as_str())),
        )
        .set_tags(Some(tags_to_sdk(tags)))
        .send()
        .await
        .map_err(aws_error)?;
    response
        .service()
        .and_then(|s| s.service_arn())
        .map(str::to_string)
        .ok_or_else(|| vanished("ECS service", name))
}

/// A rolling UpdateService of `service` (name or ARN) from `prior` to `planned`, sending only
/// what changed. Returns whether anything was sent.
pub async fn update_service(
    aws: &Aws,
    service: &str,
    prior: &Value,
    planned: &Value,
) -> Result<bool, ProviderError> {
    let client = &aws.clients().await.ecs;
    let mut request = client
        .update_service()
        .cluster(cluster_of(planned))
        .service(service);
    let mut any = false;
    if changed(prior, planned, "task_definition") {
        request = request.set_task_definition(string(planned, "task_definition"));
        any = true;
    }
    if changed(prior, planned, "desired_count") {
        request = request.set_desired_count(int(planned, "desired_count"));
        any = true;
    }
    if changed(prior, planned, "platform_version") && !planned.get("platform_version").is_unknown()
    {
        request = request.set_platform_version(string(planned, "platform_version"));
        any = true;
    }
    if changed(prior, planned, "network_configuration") {
        request = request.set_network_configuration(network_to_sdk(planned)?);
        any = true;
    }
    if changed(prior, planned, "load_balancer") {
        request = request.set_load_balancers(Some(load_balancers_to_sdk(planned)));
        any = true;
    }
    if [
        "deployment_minimum_healthy_percent",
        "deployment_maximum_percent",
        "deployment_circuit_breaker",
    ]
    .iter()
    .any(|key| changed(prior, planned, key))
    {
        request = request.deployment_configuration(deployment_to_sdk(planned));
        any = true;
    }
    if changed(prior, planned, "health_check_grace_period_seconds") {
        request = request.set_health_check_grace_period_seconds(int(
            planned,
            "health_check_grace_period_seconds",
        ));
        any = true;
    }
    if changed(prior, planned, "enable_execute_command") {
        request = request
            .enable_execute_command(boolean(planned, "enable_execute_command").unwrap_or(false));
        any = true;
    }
    if changed(prior, planned, "propagate_tags") {
        request = request.propagate_tags(PropagateTags::from(
            string(planned, "propagate_tags")
                .unwrap_or_else(|| "NONE".into())
                .as_str(),
        ));
        any = true;
    }
    if any {
        request.send().await.map_err(aws_error)?;
    }
    Ok(any)
}

/// Active services of one cluster by the names or ARNs asked, 10 a DescribeServices call.
/// Missing and `INACTIVE` services are absent from the answer.
pub async fn describe_services(
    aws: &Aws,
    cluster: &str,
    services: &[String],
) -> Result<BTreeMap<String, Service>, ProviderError> {
    let client = &aws.clients().await.ecs;
    let mut out = BTreeMap::new();
    for chunk in services.chunks(SERVICES_PER_CALL) {
        let response = match client
            .describe_services()
            .cluster(cluster)
            .set_services(Some(chunk.to_vec()))
            .include(ServiceField::Tags)
            .send()
            .await
            .map_err(aws_error)
        {
            Ok(response) => response,
            // The whole cluster is gone: so are its services.
            Err(error) if is_not_found(&error) => continue,
            Err(error) => return Err(error),
        };
        for service in response.services() {
            if service.status() == Some("INACTIVE") {
                continue;
            }
            for key in chunk {
                if service.service_arn() == Some(key.as_str())
                    || service.service_name() == Some(key.as_str())
                {
                    out.insert(key.clone(), service.clone());
                }
            }
        }
    }
    Ok(out)
}

/// Waits until `service` runs its desired count and its PRIMARY deployment has completed.
pub async fn wait_for_steady_state(
    aws: &Aws,
    cluster: &str,
    service: &str,
    timeout: Duration,
) -> Result<(), ProviderError> {
    wait_for(
        &format!("ECS service {service} to reach a steady state"),
        timeout,
        || async {
            let found = describe_services(aws, cluster, &[service.to_string()]).await?;
            let Some(current) = found.get(service) else {
                return Err(vanished("ECS service", service));
            };
            let primary = current
                .deployments()
                .iter()
                .find(|d| d.status() == Some("PRIMARY"));
            if let Some(state) = primary.and_then(|d| d.rollout_state()) {
                if state.as_str() == "FAILED" {
                    let reason = primary
                        .and_then(|d| d.rollout_state_reason())
                        .unwrap_or("no reason given");
                    return Err(ProviderError::with_code(
                        "DeploymentFailed",
                        format!("ECS service {service} deployment failed: {reason}"),
                    ));
                }
            }
            let completed = primary
                .map(|d| d.rollout_state().map(|s| s.as_str()) == Some("COMPLETED"))
                .unwrap_or(true);
            Ok((completed && current.running_count() == current.desired_count()).then_some(()))
        },
    )
    .await
}

/// Scales `service` to 0 and deletes it (forced), then waits until ECS reports it gone or
/// `INACTIVE`. A missing service is not an error.
pub async fn scale_down_and_delete(
    aws: &Aws,
    cluster: &str,
    service: &str,
    timeout: Duration,
) -> Result<(), ProviderError> {
    let client = &aws.clients().await.ecs;
    let scaled = client
        .update_service()
        .cluster(cluster)
        .service(service)
        .desired_count(0)
        .send()
        .await
        .map_err(aws_error);
    match scaled {
        Ok(_) => {}
        Err(error) if is_not_found(&error) || is_inactive(&error) => return Ok(()),
        Err(error) => return Err(error),
    }
    match client
        .delete_service()
        .cluster(cluster)
        .service(service)
        .force(true)
        .send()
        .await
        .map_err(aws_error)
    {
        Ok(_) => {}
        Err(error) if is_not_found(&error) || is_inactive(&error) => return Ok(()),
        Err(error) => return Err(error),
    }
    // Target groups and the cluster cannot go while the service is draining.
    wait_for(
        &format!("ECS service {service} to be deleted"),
        timeout,
        || async {
            let client = &aws.clients().await.ecs;
            let response = client
                .describe_services()
                .cluster(cluster)
                .services(service)
                .send()
                .await
                .map_err(aws_error);
            Ok(match response {
                Ok(response) => response
                    .services()
                    .iter()
                    .all(|s| s.status() == Some("INACTIVE"))
                    .then_some(()),
                Err(error) if is_not_found(&error) => Some(()),
                Err(error) => return Err(error),
            })
        },
    )
    .await
}

/// ECS's answer to an update or delete of a service that is already inactive.
fn is_inactive(error: &ProviderError) -> bool {
    error.code.as_deref() == Some("ServiceNotActiveException")
}

/// `reported` unless it names the same thing as `configured` in another form (a name for an
/// ARN, `family:revision` for a task definition ARN), in which case `configured` is kept.
fn same_or_reported(reported: Option<&str>, configured: &Value) -> Value {
    let Some(reported) = reported else {
        return configured.clone();
    };
    if let Some(configured) = configured.as_str() {
        let tail = |arn: &str| arn.rsplit('/').next().unwrap_or(arn).to_string();
        if configured == reported
            || tail(reported) == configured
            || tail(configured) == reported
            || tail(configured) == tail(reported)
        {
            return Value::string(configured);
        }
        // A family without revision resolves to the latest revision of that family.
        if !configured.contains(':') && tail(reported).split(':').next() == Some(configured) {
            return Value::string(configured);
        }
    }
    Value::string(reported)
}

/// The service as a value. `hint` (the planned or prior value) supplies what ECS does not
/// report (the blue/green blocks, `wait_for_steady_state`) and, where ECS omits a setting
/// (the emulator does for deployment settings), the configured value.
pub fn service_to_value(service: &Service, hint: &Value) -> Value {
    let arn = service.service_arn().unwrap_or_default();
    let mut object = BTreeMap::new();
    object.insert("id".to_string(), Value::string(arn));
    object.insert("arn".to_string(), Value::string(arn));
    object.insert("name".to_string(), text(service.service_name()));
    object.insert(
        "cluster".to_string(),
        same_or_reported(service.cluster_arn(), hint.get("cluster")),
    );
    object.insert(
        "task_definition".to_string(),
        same_or_reported(service.task_definition(), hint.get("task_definition")),
    );
    object.insert(
        "desired_count".to_string(),
        number(Some(i64::from(service.desired_count()))),
    );
    object.insert(
        "launch_type".to_string(),
        text(service.launch_type().map(|l| l.as_str())),
    );
    object.insert(
        "platform_version".to_string(),
        match service.platform_version() {
            Some(version) => Value::string(version),
            None if hint.get("platform_version").is_unknown() => Value::Null,
            None => hint.get("platform_version").clone(),
        },
    );
    let deployment = service.deployment_configuration();
    let or_hint = |reported: Option<i32>, key: &str| match reported {
        Some(n) => number(Some(i64::from(n))),
        None => hint.get(key).clone(),
    };
    object.insert(
        "deployment_minimum_healthy_percent".to_string(),
        or_hint(
            deployment.and_then(|d| d.minimum_healthy_percent()),
            "deployment_minimum_healthy_percent",
        ),
    );
    object.insert(
        "deployment_maximum_percent".to_string(),
        or_hint(
            deployment.and_then(|d| d.maximum_percent()),
            "deployment_maximum_percent",
        ),
    );
    let breaker = match deployment.and_then(|d| d.deployment_circuit_breaker()) {
        // AWS reports a disabled breaker for services that never configured one.
        Some(b)
            if b.enable()
                || b.rollback()
                || !blocks(hint, "deployment_circuit_breaker").is_empty() =>
        {
            Value::List(vec![Value::map([
                ("enable", Value::Bool(b.enable())),
                ("rollback", Value::Bool(b.rollback())),
            ])])
        }
        Some(_) => Value::List(vec![]),
        None => hint.get("deployment_circuit_breaker").clone(),
    };
    object.insert(
        "deployment_circuit_breaker".to_string(),
        if breaker.is_null() {
            Value::List(vec![])
        } else {
            breaker
        },
    );
    object.insert(
        "health_check_grace_period_seconds".to_string(),
        match service.health_check_grace_period_seconds() {
            Some(0) | None => hint.get("health_check_grace_period_seconds").clone(),
            Some(n) => number(Some(i64::from(n))),
        },
    );
    object.insert(
        "enable_execute_command".to_string(),
        Value::Bool(service.enable_execute_command()),
    );
    object.insert(
        "propagate_tags".to_string(),
        match service.propagate_tags().map(|p| p.as_str()) {
            Some("NONE") | None if hint.get("propagate_tags").as_str() != Some("NONE") => {
                Value::Null
            }
            other => text(other),
        },
    );
    let hinted_security_groups = single(hint, "network_configuration")
        .map(|n| n.get("security_groups").clone())
        .unwrap_or(Value::Null);
    let network = service
        .network_configuration()
        .and_then(|n| n.awsvpc_configuration())
        .map(|vpc| {
            vec![Value::map([
                ("subnets", string_list(vpc.subnets())),
                (
                    "security_groups",
                    // No groups reads back as the configuration wrote it: null or empty.
                    if vpc.security_groups().is_empty() && hinted_security_groups.is_null() {
                        Value::Null
                    } else {
                        string_list(vpc.security_groups())
                    },
                ),
                (
                    "assign_public_ip",
                    Value::Bool(vpc.assign_public_ip() == Some(&AssignPublicIp::Enabled)),
                ),
            ])]
        })
        .unwrap_or_default();
    object.insert("network_configuration".to_string(), Value::List(network));
    let hinted_balancers = blocks(hint, "load_balancer");
    let balancers = service
        .load_balancers()
        .iter()
        .map(|lb| {
            let advanced = hinted_balancers
                .iter()
                .find(|h| {
                    string(h, "target_group_arn").as_deref() == lb.target_group_arn()
                        && string(h, "container_name").as_deref() == lb.container_name()
                })
                .map(|h| h.get("advanced_configuration").clone())
                .filter(|v| !v.is_null())
                .unwrap_or(Value::List(vec![]));
            Value::map([
                ("target_group_arn", text(lb.target_group_arn())),
                ("container_name", text(lb.container_name())),
                ("container_port", number(lb.container_port().map(i64::from))),
                ("advanced_configuration", advanced),
            ])
        })
        .collect();
    object.insert("load_balancer".to_string(), Value::List(balancers));
    copy_attributes(&mut object, hint, CONFIG_ONLY);
    if object
        .get("deployment_configuration")
        .is_some_and(Value::is_null)
    {
        object.insert("deployment_configuration".to_string(), Value::List(vec![]));
    }
    if object
        .get("wait_for_steady_state")
        .is_some_and(Value::is_null)
    {
        object.insert("wait_for_steady_state".to_string(), Value::Bool(false));
    }
    let tags = tags_from_sdk(service.tags());
    set_tags(
        &mut object,
        tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    );
    Value::Map(object)
}

impl AwsEcsService {
    async fn read_one(
        &self,
        cluster: &str,
        arn: &str,
        hint: &Value,
    ) -> Result<Value, ProviderError> {
        describe_services(&self.aws, cluster, &[arn.to_string()])
            .await?
            .get(arn)
            .map(|service| service_to_value(service, hint))
            .ok_or_else(|| vanished("ECS service", arn))
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsEcsService {
    fn name(&self) -> &'static str {
        "aws_ecs_service"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if let (Some(minimum), Some(maximum)) = (
            config.get("deployment_minimum_healthy_percent").as_i64(),
            config.get("deployment_maximum_percent").as_i64(),
        ) {
            if maximum < minimum {
                problems.push((
                    "deployment_maximum_percent".to_string(),
                    format!("deployment_maximum_percent ({maximum}) must not be below deployment_minimum_healthy_percent ({minimum})"),
                ));
            }
        }
        if config.get("launch_type").as_str() == Some("FARGATE")
            && blocks(config, "network_configuration").is_empty()
        {
            problems.push((
                "network_configuration".to_string(),
                "a FARGATE service needs a network_configuration block (awsvpc)".to_string(),
            ));
        }
        problems
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let name = string(planned, "name")
            .ok_or_else(|| ProviderError::new("aws_ecs_service needs a known \"name\""))?;
        let cluster = cluster_of(planned);
        let arn = create_service(
            &self.aws,
            &name,
            planned,
            &operation.tags_with_managed(planned),
        )
        .await?;
        if boolean(planned, "wait_for_steady_state") == Some(true) {
            wait_for_steady_state(&self.aws, &cluster, &arn, operation.timeouts.create).await?;
        }
        self.read_one(&cluster, &arn, planned).await
    }

    async fn update(
        &self,
        operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.ecs;
        let arn = string(prior, "arn")
            .ok_or_else(|| ProviderError::new("aws_ecs_service has no arn in state"))?;
        let cluster = cluster_of(prior);
        let sent = update_service(&self.aws, &arn, prior, planned).await?;
        update_tags(client, &arn, prior, planned).await?;
        if sent && boolean(planned, "wait_for_steady_state") == Some(true) {
            wait_for_steady_state(&self.aws, &cluster, &arn, operation.timeouts.update).await?;
        }
        self.read_one(&cluster, &arn, planned).await
    }

    async fn delete(&self, operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some(arn) = string(prior, "arn") else {
            return Ok(());
        };
        scale_down_and_delete(
            &self.aws,
            &cluster_of(prior),
            &arn,
            operation.timeouts.delete,
        )
        .await
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let mut by_cluster: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for p in prior {
            if let Some(arn) = string(p, "arn") {
                by_cluster.entry(cluster_of(p)).or_default().push(arn);
            }
        }
        let mut found = BTreeMap::new();
        for (cluster, arns) in &by_cluster {
            for (arn, service) in describe_services(&self.aws, cluster, arns).await? {
                found.insert((cluster.clone(), arn), service);
            }
        }
        Ok(prior
            .iter()
            .map(|p| {
                let arn = string(p, "arn")?;
                found
                    .get(&(cluster_of(p), arn))
                    .map(|service| service_to_value(service, p))
            })
            .collect())
    }

    async fn find_created(
        &self,
        operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let Some(name) = string(planned, "name") else {
            return Ok(None);
        };
        let found =
            describe_services(&self.aws, &cluster_of(planned), std::slice::from_ref(&name)).await?;
        Ok(found
            .get(&name)
            .filter(|service| has_managed_tags(&tags_from_sdk(service.tags()), operation))
            .map(|service| service_to_value(service, planned)))
    }
}
