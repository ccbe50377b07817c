//! `aws_ecs_express_gateway_service`: an ECS Express Mode service (provider 6.x), for which ECS
//! itself provisions the load balancer, target groups, security groups and scaling policies.
//! The provider's resource has no `id`: the object is known by `service_arn`, which is also the
//! import ID.
//!
//! The schema is the provider's. Its `network_configuration`, `scaling_target` and
//! `primary_container.aws_logs_configuration` are Optional+Computed lists of at most one
//! object, written as blocks (as its docs and tests write them; Terraform also takes them as
//! `= [{…}]`): here they are computed blocks, which take both forms, store the same value, and
//! keep what AWS chose when the configuration has none. `infrastructure_role_arn` forces a new
//! service, and so does a `service_name` the configuration sets. `cluster` forces one when it
//! names another cluster (the docs say it forces a new resource; the provider's schema lacks
//! the plan modifier, and ECS cannot move a service): a cluster's name and its ARN are one
//! cluster, and the object keeps the form the configuration wrote.
//!
//! Create: the provider's check that no service of the configured name exists in the cluster
//! (an "already exists" error), then CreateExpressGatewayService with the tags (retried for up
//! to 4 minutes while the roles are still propagating in IAM, as the provider retries it), then
//! a wait, bounded by the `create` timeout (30 minutes), until the service is ACTIVE, or with
//! `wait_for_steady_state` until the deployment it started is SUCCESSFUL. Update: one
//! UpdateExpressGatewayService with every argument it takes when any of them changed, the same
//! wait (`update`, 30 minutes), and tags through TagResource/UntagResource. Delete:
//! DeleteExpressGatewayService, then a wait (`delete`, 20 minutes) until the service is
//! DRAINING or INACTIVE (ECS then removes what it provisioned); a service already gone,
//! draining or inactive is deleted.
//!
//! Refresh: DescribeExpressGatewayService with its tags, one service a call (there is no batch
//! form), several at once; a DRAINING or INACTIVE service is gone. The arguments are read from
//! the service's active configuration, as the provider reads them.
//!
//! A create whose answer was lost is found by the configured `service_name` in its cluster
//! (with the managed tags), else by the managed tags through the Resource Groups Tagging API.
//!
//! The type is an [`AwsObject`] keyed by `service_arn`: each attribute is declared with how it
//! is read from the described service, and the family writes refresh, import, the read after
//! a create or update (the service described with its tags, whatever its state) and the
//! missing-ARN error; create, update, delete, their waits and the lookup of a lost create are
//! the type's.
//!
//! moto 5.2.5 has no Express Gateway API, so no end-to-end test applies this type: unit tests
//! show the requests, the read-back and the plan-time checks, and the calls follow the API
//! reference.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use aws_sdk_ecs::operation::create_express_gateway_service::builders::CreateExpressGatewayServiceFluentBuilder;
use aws_sdk_ecs::operation::update_express_gateway_service::builders::UpdateExpressGatewayServiceFluentBuilder;
use aws_sdk_ecs::types::{
    CreatedAt, EcsExpressGatewayService, ExpressGatewayContainer,
    ExpressGatewayRepositoryCredentials, ExpressGatewayScalingTarget,
    ExpressGatewayServiceAwsLogsConfiguration, ExpressGatewayServiceConfiguration,
    ExpressGatewayServiceInclude, ExpressGatewayServiceNetworkConfiguration,
    ExpressGatewayServiceScalingMetric, KeyValuePair, Secret, ServiceDeploymentStatus,
};
use aws_sdk_ecs::Client;
use infra_core::{
    Attribute, Block, Cause, Check, Operation, ProviderError, Schema, Timeouts, Type, Value,
};

use crate::app_support::{
    blocks, changed, has_managed_tags, int, known, non_empty, number, one_block, retry_while, sent,
    single, string, string_list, strings, text, vanished, wait_for,
};
use crate::aws_object::{
    each_key, AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged,
    Updating,
};
use crate::declared::{self, read, Declared, Field, Reading};
use crate::ecs_support::{secrets_value, tags_from_sdk, tags_to_sdk, update_tags};
use crate::error::is_not_found;
use crate::resources::ecs::aws_ecs_service::describe_services;
use crate::tagging::ManagedTags;
use crate::verify::arn_type_problem;
use crate::Aws;

/// The provider's `ExpressGatewayServiceScalingMetric` values (its docs' `CPU` and `MEMORY`
/// are not among them).
const SCALING_METRICS: &[&str] = &["AVERAGE_CPU", "AVERAGE_MEMORY", "REQUEST_COUNT_PER_TARGET"];

/// The arguments UpdateExpressGatewayService takes: a change to any of them sends it.
const UPDATED: &[&str] = &[
    "execution_role_arn",
    "health_check_path",
    "primary_container",
    "task_role_arn",
    "network_configuration",
    "cpu",
    "memory",
    "scaling_target",
];

/// The provider's retry of create and update while IAM propagates the roles: its
/// `propagationTimeout` (2 minutes) plus 2 minutes.
const ROLE_PROPAGATION: Duration = Duration::from_secs(4 * 60);

/// How many answers in a row may say the service does not exist while a create or update waits
/// for it (the provider's StateChangeConf default `NotFoundChecks`).
const NOT_FOUND_CHECKS: u32 = 20;

pub type AwsEcsExpressGatewayService = ObjectType<ExpressGatewayServiceObject>;

pub struct ExpressGatewayServiceObject;

type Service = EcsExpressGatewayService;
type Configuration = ExpressGatewayServiceConfiguration;

// ---- Attributes ----

/// An ARN argument, required.
fn arn(name: &'static str) -> Attribute {
    Attribute::required(name, Type::String)
}

/// An argument (or block) the service's active configuration holds, read from it by `read`;
/// when ECS reports no active configuration, the prior value's (as the provider then keeps
/// it).
fn configured(field: Field, read: fn(&Configuration) -> Value) -> Declared<Service> {
    let name = field.name();
    Declared {
        field,
        read: Some(Box::new(move |service: &Service, at: &Reading| {
            match service.active_configurations().first() {
                Some(configuration) => read(configuration),
                None => known(at.prior, name),
            }
        })),
    }
}

fn configured_attribute(
    attribute: Attribute,
    read: fn(&Configuration) -> Value,
) -> Declared<Service> {
    configured(Field::Attribute(attribute), read)
}

fn configured_block(block: Block, read: fn(&Configuration) -> Value) -> Declared<Service> {
    configured(Field::Block(block), read)
}

fn primary_container_schema() -> Schema {
    let name_value = |value: &'static str| {
        Schema::new()
            .attr(Attribute::required("name", Type::String))
            .attr(Attribute::required(value, Type::String))
    };
    Schema::new()
        .block(
            Block::single(
                "aws_logs_configuration",
                Schema::new()
                    .attr(Attribute::required("log_group", Type::String))
                    .attr(Attribute::optional("log_stream_prefix", Type::String)),
            )
            .computed()
            .attribute_mode(),
        )
        .attr(Attribute::optional("command", Type::list(Type::String)))
        .attr(Attribute::optional_computed("container_port", Type::Number))
        .attr(Attribute::required("image", Type::String))
        .block(Block::list("environment", name_value("value")))
        .block(Block::single(
            "repository_credentials",
            Schema::new().attr(arn("credentials_parameter")),
        ))
        .block(Block::list("secret", name_value("value_from")))
}

fn network_configuration_schema() -> Schema {
    Schema::new()
        .attr(Attribute::optional("security_groups", Type::set(Type::String)))
        .attr(Attribute::optional("subnets", Type::set(Type::String)))
}

fn scaling_target_schema() -> Schema {
    Schema::new()
        .attr(
            Attribute::optional("auto_scaling_metric", Type::String)
                .check(Check::OneOf(SCALING_METRICS)),
        )
        .attr(Attribute::optional("auto_scaling_target_value", Type::Number))
        .attr(Attribute::optional("max_task_count", Type::Number))
        .attr(Attribute::optional("min_task_count", Type::Number))
}

/// The attributes and blocks in the schema's order, each with its reader.
fn attributes() -> Vec<Declared<Service>> {
    vec![
        read(
            Attribute::optional_computed("cluster", Type::String),
            |service: &Service, at: &Reading| cluster_value(service.cluster(), at.prior),
        ),
        configured_attribute(Attribute::optional_computed("cpu", Type::String), |c| text(c.cpu())),
        declared::computed("current_deployment", Service::current_deployment),
        configured_attribute(arn("execution_role_arn"), |c| text(c.execution_role_arn())),
        configured_attribute(
            Attribute::optional_computed("health_check_path", Type::String),
            |c| text(c.health_check_path()),
        ),
        declared::string(
            arn("infrastructure_role_arn").force_new(),
            Service::infrastructure_role_arn,
        ),
        configured_attribute(
            Attribute::computed("ingress_paths", Type::list(Type::map(Type::String))),
            ingress_paths_value,
        ),
        configured_attribute(Attribute::optional_computed("memory", Type::String), |c| {
            text(c.memory())
        }),
        configured_block(
            Block::single("network_configuration", network_configuration_schema())
                .computed()
                .attribute_mode(),
            network_value,
        ),
        configured_block(
            Block::single("primary_container", primary_container_schema()).required(),
            |c| one_block(c.primary_container().map(container_value)),
        ),
        configured_block(
            Block::single("scaling_target", scaling_target_schema()).computed().attribute_mode(),
            scaling_target_value,
        ),
        declared::computed("service_arn", Service::service_arn),
        // The provider's RequiresReplaceIfConfigured: an unset name keeps the generated one.
        declared::string(
            Attribute::optional_computed("service_name", Type::String).force_new(),
            Service::service_name,
        ),
        configured_attribute(Attribute::computed("service_revision_arn", Type::String), |c| {
            text(c.service_revision_arn())
        }),
        configured_attribute(Attribute::optional("task_role_arn", Type::String), |c| {
            text(c.task_role_arn())
        }),
        // Configuration only: the prior value's when it is a bool, else false.
        read(
            Attribute::optional("wait_for_steady_state", Type::Bool).default(Value::Bool(false)),
            |_: &Service, at: &Reading| {
                Value::Bool(at.prior.get("wait_for_steady_state").as_bool().unwrap_or(false))
            },
        ),
    ]
}

// ---- Requests ----

fn logs_configuration_of(
    logs: &Value,
) -> Result<ExpressGatewayServiceAwsLogsConfiguration, ProviderError> {
    ExpressGatewayServiceAwsLogsConfiguration::builder()
        .set_log_group(string(logs, "log_group"))
        .set_log_stream_prefix(string(logs, "log_stream_prefix"))
        .build()
        .map_err(|e| {
            ProviderError::new(format!(
                "primary_container.aws_logs_configuration: ECS requires log_group and \
                 log_stream_prefix ({e})"
            ))
        })
}

/// The `primary_container` block as ECS takes it.
fn container_of(container: &Value) -> Result<ExpressGatewayContainer, ProviderError> {
    let environment: Vec<KeyValuePair> = blocks(container, "environment")
        .iter()
        .map(|e| {
            KeyValuePair::builder()
                .set_name(string(e, "name"))
                .set_value(string(e, "value"))
                .build()
        })
        .collect();
    let secrets = blocks(container, "secret")
        .iter()
        .map(|s| {
            Secret::builder()
                .set_name(string(s, "name"))
                .set_value_from(string(s, "value_from"))
                .build()
                .map_err(|e| ProviderError::new(format!("primary_container.secret: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let command = container.get("command").as_list().map(|_| strings(container, "command"));
    ExpressGatewayContainer::builder()
        .set_image(string(container, "image"))
        .set_container_port(int(container, "container_port"))
        .set_aws_logs_configuration(
            single(container, "aws_logs_configuration").map(logs_configuration_of).transpose()?,
        )
        .set_repository_credentials(single(container, "repository_credentials").map(|r| {
            ExpressGatewayRepositoryCredentials::builder()
                .set_credentials_parameter(string(r, "credentials_parameter"))
                .build()
        }))
        .set_command(command)
        .set_environment((!environment.is_empty()).then_some(environment))
        .set_secrets((!secrets.is_empty()).then_some(secrets))
        .build()
        .map_err(|e| ProviderError::new(format!("primary_container: {e}")))
}

/// A set attribute as ECS takes a list: absent when null.
fn listed(value: &Value, key: &str) -> Option<Vec<String>> {
    value.get(key).as_list().map(|_| strings(value, key))
}

fn network_of(value: &Value) -> Option<ExpressGatewayServiceNetworkConfiguration> {
    single(value, "network_configuration").map(|n| {
        ExpressGatewayServiceNetworkConfiguration::builder()
            .set_security_groups(listed(n, "security_groups"))
            .set_subnets(listed(n, "subnets"))
            .build()
    })
}

fn scaling_target_of(value: &Value) -> Option<ExpressGatewayScalingTarget> {
    single(value, "scaling_target").map(|s| {
        ExpressGatewayScalingTarget::builder()
            .set_auto_scaling_metric(
                non_empty(s, "auto_scaling_metric")
                    .map(|m| ExpressGatewayServiceScalingMetric::from(m.as_str())),
            )
            .set_auto_scaling_target_value(int(s, "auto_scaling_target_value"))
            .set_max_task_count(int(s, "max_task_count"))
            .set_min_task_count(int(s, "min_task_count"))
            .build()
    })
}

fn primary_container_of(value: &Value) -> Result<ExpressGatewayContainer, ProviderError> {
    let container = single(value, "primary_container").ok_or_else(|| {
        ProviderError::new("aws_ecs_express_gateway_service needs a primary_container block")
    })?;
    container_of(container)
}

/// CreateExpressGatewayService as the provider sends it: every argument the plan knows (what
/// is still unknown is left to ECS), and the tags with the managed ones.
fn create_request(
    client: &Client,
    operation: &Operation,
    planned: &Value,
) -> Result<CreateExpressGatewayServiceFluentBuilder, ProviderError> {
    Ok(client
        .create_express_gateway_service()
        .set_execution_role_arn(string(planned, "execution_role_arn"))
        .set_infrastructure_role_arn(string(planned, "infrastructure_role_arn"))
        .set_service_name(non_empty(planned, "service_name"))
        .set_cluster(non_empty(planned, "cluster"))
        .set_health_check_path(string(planned, "health_check_path"))
        .primary_container(primary_container_of(planned)?)
        .set_task_role_arn(string(planned, "task_role_arn"))
        .set_network_configuration(network_of(planned))
        .set_cpu(string(planned, "cpu"))
        .set_memory(string(planned, "memory"))
        .set_scaling_target(scaling_target_of(planned))
        .set_tags(Some(tags_to_sdk(&operation.tags_with_managed(planned)))))
}

/// UpdateExpressGatewayService as the provider sends it: the whole planned configuration.
fn update_request(
    client: &Client,
    arn: &str,
    planned: &Value,
) -> Result<UpdateExpressGatewayServiceFluentBuilder, ProviderError> {
    Ok(client
        .update_express_gateway_service()
        .service_arn(arn)
        .set_execution_role_arn(string(planned, "execution_role_arn"))
        .set_health_check_path(string(planned, "health_check_path"))
        .primary_container(primary_container_of(planned)?)
        .set_task_role_arn(string(planned, "task_role_arn"))
        .set_network_configuration(network_of(planned))
        .set_cpu(string(planned, "cpu"))
        .set_memory(string(planned, "memory"))
        .set_scaling_target(scaling_target_of(planned)))
}

/// Whether the change from `prior` to `planned` sends UpdateExpressGatewayService. (The
/// provider leaves `scaling_target` out of its comparison, so a change of it alone sends
/// nothing there and the next read plans it again; here it is sent.)
fn sends_update(prior: &Value, planned: &Value) -> bool {
    UPDATED.iter().any(|key| changed(prior, planned, key))
}

// ---- Read-back ----

/// The cluster's name in its ARN (`arn:…:cluster/NAME`), or the value as it is.
fn cluster_name(cluster: &str) -> &str {
    if cluster.starts_with("arn:") {
        cluster.rsplit('/').next().unwrap_or(cluster)
    } else {
        cluster
    }
}

/// The cluster as the object stores it: in the form `hint` (the configuration or the stored
/// object) has it, an ARN or a name; its name when `hint` has none (on create, the provider
/// stores `default`, the name of the cluster ECS chose; on import, the service's cluster).
fn cluster_value(reported: Option<&str>, hint: &Value) -> Value {
    let wanted = non_empty(hint, "cluster");
    match (reported, wanted) {
        (Some(reported), Some(wanted)) if wanted.starts_with("arn:") => Value::string(reported),
        (Some(reported), _) => Value::string(cluster_name(reported)),
        (None, Some(wanted)) => Value::string(wanted),
        (None, None) => Value::string("default"),
    }
}

fn listed_value(items: Option<&[String]>) -> Value {
    items.map_or(Value::Null, string_list)
}

fn container_value(container: &ExpressGatewayContainer) -> Value {
    Value::map([
        (
            "aws_logs_configuration",
            one_block(container.aws_logs_configuration().map(|l| {
                Value::map([
                    ("log_group", Value::string(l.log_group())),
                    ("log_stream_prefix", Value::string(l.log_stream_prefix())),
                ])
            })),
        ),
        ("command", listed_value(container.command.as_deref())),
        ("container_port", number(container.container_port().map(i64::from))),
        (
            "environment",
            Value::List(
                container
                    .environment()
                    .iter()
                    .map(|e| Value::map([("name", text(e.name())), ("value", text(e.value()))]))
                    .collect(),
            ),
        ),
        ("image", Value::string(container.image())),
        (
            "repository_credentials",
            one_block(
                container.repository_credentials().map(|r| {
                    Value::map([("credentials_parameter", text(r.credentials_parameter()))])
                }),
            ),
        ),
        ("secret", secrets_value(container.secrets())),
    ])
}

fn network_value(configuration: &Configuration) -> Value {
    one_block(configuration.network_configuration().map(|n| {
        Value::map([
            ("security_groups", listed_value(n.security_groups.as_deref())),
            ("subnets", listed_value(n.subnets.as_deref())),
        ])
    }))
}

fn scaling_target_value(configuration: &Configuration) -> Value {
    one_block(configuration.scaling_target().map(|s| {
        Value::map([
            ("auto_scaling_metric", text(s.auto_scaling_metric().map(|m| m.as_str()))),
            ("auto_scaling_target_value", number(s.auto_scaling_target_value().map(i64::from))),
            ("max_task_count", number(s.max_task_count().map(i64::from))),
            ("min_task_count", number(s.min_task_count().map(i64::from))),
        ])
    }))
}

fn ingress_paths_value(configuration: &Configuration) -> Value {
    Value::List(
        configuration
            .ingress_paths()
            .iter()
            .map(|p| {
                Value::map([
                    ("access_type", Value::string(p.access_type().as_str())),
                    ("endpoint", Value::string(p.endpoint())),
                ])
            })
            .collect(),
    )
}

// ---- Calls and waits ----

/// ECS's answers for a service it no longer knows: `ResourceNotFoundException`, or an
/// `InvalidParameterException` saying "Resource not found", as the provider reads them.
fn is_gone(error: &ProviderError) -> bool {
    is_not_found(error)
        || (error.code.as_deref() == Some("InvalidParameterException")
            && error.message.contains("Resource not found"))
}

/// ECS's answer to a call on a service that is draining or inactive.
fn is_not_active(error: &ProviderError) -> bool {
    error.code.as_deref() == Some("ServiceNotActiveException")
}

/// The errors of a create or update sent before IAM has propagated its roles, which the
/// provider retries.
fn is_role_propagating(error: &ProviderError) -> bool {
    let code = error.code.as_deref();
    let says = |text: &str| error.message.contains(text);
    (code == Some("AccessDeniedException")
        && (says("Cannot assume role") || says("is not authorized to perform: sts:AssumeRole")))
        || (code == Some("ClientException")
            && says("AWS was not able to validate the provided access credentials"))
}

fn status_of(service: &EcsExpressGatewayService) -> &str {
    service.status().and_then(|s| s.status_code()).map_or("", |c| c.as_str())
}

/// A DRAINING or INACTIVE service is gone for Terraform: the provider removes it from state.
fn is_live(service: &EcsExpressGatewayService) -> bool {
    !matches!(status_of(service), "DRAINING" | "INACTIVE")
}

async fn describe(
    client: &Client,
    arn: &str,
    with_tags: bool,
) -> Result<Option<EcsExpressGatewayService>, ProviderError> {
    let mut request = client.describe_express_gateway_service().service_arn(arn);
    if with_tags {
        request = request.include(ExpressGatewayServiceInclude::Tags);
    }
    match sent!(request) {
        Ok(response) => Ok(response.service().cloned()),
        Err(error) if is_gone(&error) => Ok(None),
        Err(error) => Err(error),
    }
}

/// One poll of a wait for ACTIVE: the service when it is ACTIVE, `None` while it is not yet
/// (DRAINING and INACTIVE are pending, as the provider has them; missing counts towards
/// [`NOT_FOUND_CHECKS`]), an error for any other state.
async fn active_poll(
    client: &Client,
    arn: &str,
    missing: &AtomicU32,
) -> Result<Option<EcsExpressGatewayService>, ProviderError> {
    let Some(service) = describe(client, arn, false).await? else {
        if missing.fetch_add(1, Ordering::Relaxed) + 1 > NOT_FOUND_CHECKS {
            return Err(vanished("ECS Express Gateway Service", arn));
        }
        return Ok(None);
    };
    missing.store(0, Ordering::Relaxed);
    match status_of(&service) {
        "ACTIVE" => Ok(Some(service)),
        "DRAINING" | "INACTIVE" => Ok(None),
        other => Err(ProviderError::with_code(
            "UnexpectedState",
            format!(
                "ECS Express Gateway Service {arn} is in state \"{other}\": {}",
                service.status().and_then(|s| s.status_reason()).unwrap_or("no reason given")
            ),
        )),
    }
}

async fn wait_until_active(
    client: &Client,
    arn: &str,
    timeout: Duration,
) -> Result<(), ProviderError> {
    let missing = AtomicU32::new(0);
    wait_for(&format!("ECS Express Gateway Service {arn} to be ACTIVE"), timeout, || async {
        Ok(active_poll(client, arn, &missing).await?.map(|_| ()))
    })
    .await
}

/// What a service deployment's status says of the wait for a steady state: done, not yet, or
/// failed with ECS's reason (the provider's `findDeploymentStatus`).
fn deployment_outcome(
    status: Option<&ServiceDeploymentStatus>,
    reason: Option<&str>,
) -> Result<bool, ProviderError> {
    match status {
        Some(ServiceDeploymentStatus::Successful) => Ok(true),
        Some(
            ServiceDeploymentStatus::Stopped
            | ServiceDeploymentStatus::RollbackFailed
            | ServiceDeploymentStatus::RollbackSuccessful,
        ) => Err(ProviderError::with_code(
            "DeploymentFailed",
            reason.unwrap_or("Deployment failed").to_string(),
        )),
        _ => Ok(false),
    }
}

/// The provider's wait for a steady state: the service ACTIVE, and the deployment it is on (the
/// service's current one at first, then the newest started since `sent_at`) SUCCESSFUL.
async fn wait_until_stable(
    client: &Client,
    arn: &str,
    sent_at: SystemTime,
    timeout: Duration,
) -> Result<(), ProviderError> {
    let missing = AtomicU32::new(0);
    let deployment: Mutex<Option<String>> = Mutex::new(None);
    wait_for(
        &format!("ECS Express Gateway Service {arn} to reach a steady state"),
        timeout,
        || async {
            let Some(service) = active_poll(client, arn, &missing).await? else {
                return Ok(None);
            };
            let known = deployment.lock().expect("deployment lock").clone();
            let current = match (known, service.current_deployment()) {
                (None, Some(current)) => Some(current.to_string()),
                (known, _) => {
                    let listed = sent!(client
                        .list_service_deployments()
                        .set_cluster(service.cluster().map(str::to_string))
                        .set_service(service.service_name().map(str::to_string))
                        .created_at(
                            CreatedAt::builder()
                                .after(aws_smithy_types::DateTime::from(sent_at))
                                .build(),
                        ))?;
                    listed
                        .service_deployments()
                        .first()
                        .and_then(|d| d.service_deployment_arn())
                        .map(str::to_string)
                        .or(known)
                }
            };
            *deployment.lock().expect("deployment lock") = current.clone();
            let Some(current) = current else {
                return Ok(None);
            };
            let described =
                sent!(client.describe_service_deployments().service_deployment_arns(&current))?;
            let Some(found) = described.service_deployments().first() else {
                return Ok(None);
            };
            Ok(deployment_outcome(found.status(), found.status_reason())?.then_some(()))
        },
    )
    .await
}

/// Waits after a create or update sent at `sent_at`: until the service is ACTIVE, or with
/// `wait_for_steady_state` until its deployment succeeded.
async fn wait(
    client: &Client,
    arn: &str,
    planned: &Value,
    sent_at: SystemTime,
    timeout: Duration,
) -> Result<(), ProviderError> {
    if planned.get("wait_for_steady_state").as_bool() == Some(true) {
        wait_until_stable(client, arn, sent_at, timeout).await
    } else {
        wait_until_active(client, arn, timeout).await
    }
}

/// A described service with its tags.
fn tagged(service: Service) -> Tagged<Service> {
    Tagged { tags: tags_from_sdk(service.tags()), object: service }
}

/// The ARNs of the ECS services carrying this operation's managed tags.
async fn tagged_services(aws: &Aws, operation: &Operation) -> Result<Vec<String>, ProviderError> {
    use aws_sdk_resourcegroupstagging::types::TagFilter;
    let response = sent!(aws
        .clients()
        .await
        .tagging
        .get_resources()
        .resource_type_filters("ecs:service")
        .tag_filters(
            TagFilter::builder()
                .key(infra_core::resource::ADDRESS_TAG)
                .values(&operation.address)
                .build(),
        )
        .tag_filters(
            TagFilter::builder()
                .key(infra_core::resource::LINEAGE_TAG)
                .values(&operation.lineage)
                .build(),
        ))?;
    Ok(response
        .resource_tag_mapping_list()
        .iter()
        .filter_map(|mapping| mapping.resource_arn().map(str::to_string))
        .collect())
}

impl AwsObject for ExpressGatewayServiceObject {
    type Object = Service;
    const NAME: &'static str = "aws_ecs_express_gateway_service";
    const KIND: &'static str = "ECS Express Gateway Service";
    const KEY: &'static str = "service_arn";

    fn attributes() -> Vec<Declared<Service>> {
        attributes()
    }

    fn schema(schema: Schema) -> Schema {
        schema.timeouts(&["create", "update", "delete"])
    }

    fn default_timeouts() -> Timeouts {
        Timeouts::minutes(30, 30, 20)
    }

    /// The provider's ARN type on its ARN arguments (the framework's "cannot be parsed as an
    /// ARN").
    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let mut check = |object: &Value, key: &str, path: String| {
            if let Some(problem) = object.get(key).as_str().and_then(arn_type_problem) {
                problems.push((path, problem));
            }
        };
        for key in ["execution_role_arn", "infrastructure_role_arn", "task_role_arn"] {
            check(config, key, key.to_string());
        }
        for (i, container) in blocks(config, "primary_container").iter().enumerate() {
            let at = format!("primary_container[{i}]");
            for (j, credentials) in blocks(container, "repository_credentials").iter().enumerate() {
                check(
                    credentials,
                    "credentials_parameter",
                    format!("{at}.repository_credentials[{j}].credentials_parameter"),
                );
            }
            for (j, secret) in blocks(container, "secret").iter().enumerate() {
                check(secret, "value_from", format!("{at}.secret[{j}].value_from"));
            }
        }
        problems
    }

    /// `cluster` forces a new service when it names another cluster (not when it writes the
    /// same one as an ARN instead of a name, or the other way round).
    fn replacing_changes(
        _this: &ObjectType<Self>,
        prior: &Value,
        planned: &Value,
        changed: &[String],
    ) -> Vec<String> {
        if !changed.iter().any(|path| path == "cluster") {
            return vec![];
        }
        match (non_empty(prior, "cluster"), planned.get("cluster")) {
            (Some(before), Value::String(after))
                if cluster_name(&before) == cluster_name(after) =>
            {
                vec![]
            }
            (None, Value::Null) => vec![],
            _ => vec!["cluster".to_string()],
        }
    }

    /// An update deploys a new revision: its ARN, its deployment and the ingress paths are
    /// known after apply (the provider plans no prior value for the first and the last).
    fn unknown_after_update(prior: &Value, planned: &Value) -> Vec<&'static str> {
        if sends_update(prior, planned) {
            vec!["service_revision_arn", "current_deployment", "ingress_paths"]
        } else {
            vec![]
        }
    }

    /// Terraform's import ID: the service's ARN.
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        Ok(Value::map([("service_arn", Value::string(id))]))
    }

    /// The services among `keys` (ARNs) as ECS reports them, with their tags, whatever their
    /// state (the read after a write takes them so): one DescribeExpressGatewayService each,
    /// several at once.
    async fn describe(this: &ObjectType<Self>, keys: &[String]) -> DescribeResult<Service> {
        let client = this.aws.clients().await.ecs.clone();
        let client = &client;
        each_key(keys, |arn| async move { Ok(describe(client, arn, true).await?.map(tagged)) })
            .await
    }

    /// Refresh: the priors' services, but a DRAINING or INACTIVE one is gone.
    async fn describe_priors(this: &ObjectType<Self>, priors: &[Value]) -> DescribeResult<Service> {
        let keys: Vec<String> = priors.iter().filter_map(Self::key_of).collect();
        let mut found = Self::describe(this, &keys).await?;
        found.retain(|_, service| is_live(&service.object));
        Ok(found)
    }

    /// The provider's check that no service of the configured name exists, the create, and
    /// its wait; the key is the new service's ARN.
    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = at.this.aws.clients().await.ecs.clone();
        // The provider's check: a service of the configured name in the cluster already exists.
        if let Some(name) = non_empty(at.planned, "service_name") {
            let cluster = non_empty(at.planned, "cluster").unwrap_or_else(|| "default".to_string());
            let found =
                describe_services(&at.this.aws, &cluster, std::slice::from_ref(&name)).await?;
            if found.contains_key(&name) {
                return Err(ProviderError::with_code(
                    "ResourceAlreadyExists",
                    format!("Express Gateway Service {name} already exists in cluster {cluster}"),
                )
                .with_cause(Cause::AlreadyExists));
            }
        }
        let request = create_request(&client, at.operation, at.planned)?;
        let sent_at = SystemTime::now();
        let response = retry_while(ROLE_PROPAGATION, is_role_propagating, || {
            let request = request.clone();
            async move { sent!(request) }
        })
        .await?;
        let arn = response
            .service()
            .and_then(|s| s.service_arn())
            .ok_or_else(|| {
                ProviderError::new("CreateExpressGatewayService answered no service ARN")
            })?
            .to_string();
        wait(&client, &arn, at.planned, sent_at, at.operation.timeouts.create).await?;
        Ok(arn)
    }

    /// UpdateExpressGatewayService and its wait when what it takes changed, then the tags.
    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let client = at.this.aws.clients().await.ecs.clone();
        if sends_update(at.prior, at.planned) {
            let request = update_request(&client, at.key, at.planned)?;
            let sent_at = SystemTime::now();
            retry_while(ROLE_PROPAGATION, is_role_propagating, || {
                let request = request.clone();
                async move { sent!(request) }
            })
            .await?;
            wait(&client, at.key, at.planned, sent_at, at.operation.timeouts.update).await?;
        }
        update_tags(&client, at.key, at.prior, at.planned).await?;
        Ok(at.key.to_string())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let arn = at.key;
        let client = at.this.aws.clients().await.ecs.clone();
        match sent!(client.delete_express_gateway_service().service_arn(arn)) {
            Ok(_) => {}
            // Already deleted, or its deletion under way.
            Err(error) if is_gone(&error) || is_not_active(&error) => return Ok(()),
            Err(error) => return Err(error),
        }
        wait_for(
            &format!("ECS Express Gateway Service {arn} to be deleted"),
            at.operation.timeouts.delete,
            || async {
                match describe(&client, arn, false).await {
                    Ok(Some(service)) => match status_of(&service) {
                        "ACTIVE" => Ok(None),
                        "DRAINING" | "INACTIVE" => Ok(Some(())),
                        other => Err(ProviderError::with_code(
                            "UnexpectedState",
                            format!("ECS Express Gateway Service {arn} is in state \"{other}\""),
                        )),
                    },
                    Ok(None) => Ok(Some(())),
                    Err(error) if is_not_active(&error) => Ok(Some(())),
                    Err(error) => Err(error),
                }
            },
        )
        .await
    }

    /// The service of the configured name in its cluster with the managed tags; without a
    /// name (ECS generates one), the ECS service carrying the managed tags.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<Service> {
        let arns = match non_empty(at.planned, "service_name") {
            Some(name) => {
                let cluster =
                    non_empty(at.planned, "cluster").unwrap_or_else(|| "default".to_string());
                let found =
                    describe_services(&at.this.aws, &cluster, std::slice::from_ref(&name)).await?;
                found
                    .get(&name)
                    .filter(|service| {
                        has_managed_tags(&tags_from_sdk(service.tags()), at.operation)
                    })
                    .and_then(|service| service.service_arn())
                    .map(str::to_string)
                    .into_iter()
                    .collect::<Vec<_>>()
            }
            None => tagged_services(&at.this.aws, at.operation).await?,
        };
        for arn in arns {
            if let Some(found) = at.this.found(&arn).await?.filter(|f| is_live(&f.object)) {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ecs::operation::describe_express_gateway_service::DescribeExpressGatewayServiceOutput;
    use aws_sdk_ecs::types::{
        AccessType, ExpressGatewayServiceStatus, ExpressGatewayServiceStatusCode,
        IngressPathSummary, Tag,
    };
    use infra_core::ResourceType;

    const EXECUTION: &str = "arn:aws:iam::123456789012:role/execution";
    const INFRASTRUCTURE: &str = "arn:aws:iam::123456789012:role/infrastructure";
    const TASK: &str = "arn:aws:iam::123456789012:role/task";
    const SECRET: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf";
    const CREDENTIALS: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:hub-AbCdEf";
    const SERVICE: &str = "arn:aws:ecs:us-east-1:123456789012:service/main/my-express-service";
    const CLUSTER: &str = "arn:aws:ecs:us-east-1:123456789012:cluster/main";
    const REVISION: &str =
        "arn:aws:ecs:us-east-1:123456789012:service-revision/main/my-express-service/1";

    fn resource() -> AwsEcsExpressGatewayService {
        AwsEcsExpressGatewayService::new(Aws::new(crate::ProviderSettings::default()))
    }

    /// The object read back from a described service for `prior`, as the family reads it.
    fn to_value(service: &Service, prior: &Value) -> Value {
        crate::aws_object::value_of::<ExpressGatewayServiceObject>(&tagged(service.clone()), prior)
    }

    fn client() -> Client {
        let config = aws_sdk_ecs::Config::builder()
            .behavior_version(aws_sdk_ecs::config::BehaviorVersion::latest())
            .region(aws_sdk_ecs::config::Region::new("us-east-1"))
            .build();
        Client::from_conf(config)
    }

    fn operation() -> Operation {
        Operation {
            address: "aws_ecs_express_gateway_service.example".to_string(),
            lineage: "lineage-1".to_string(),
            ..Default::default()
        }
    }

    fn block(object: Value) -> Value {
        Value::List(vec![object])
    }

    /// The docs' `environment`: ENV=production, PORT=8080.
    fn environment() -> Value {
        Value::List(vec![
            Value::map([("name", Value::string("ENV")), ("value", Value::string("production"))]),
            Value::map([("name", Value::string("PORT")), ("value", Value::string("8080"))]),
        ])
    }

    /// The docs' `secret` block, DB_PASSWORD from `value_from`.
    fn secret(value_from: Value) -> Value {
        block(Value::map([("name", Value::string("DB_PASSWORD")), ("value_from", value_from)]))
    }

    fn list(items: &[&str]) -> Value {
        string_list(items.iter())
    }

    fn owned(items: &[&str]) -> Vec<String> {
        items.iter().map(|item| item.to_string()).collect()
    }

    /// The docs' examples together, every argument set, as planned on create (what is
    /// computed and not configured is unknown).
    fn planned() -> Value {
        let container = Value::map([
            (
                "aws_logs_configuration",
                block(Value::map([
                    ("log_group", Value::string("/ecs/app")),
                    ("log_stream_prefix", Value::string("app")),
                ])),
            ),
            ("command", list(&["./start.sh"])),
            ("container_port", Value::Number(8080.0)),
            ("environment", environment()),
            ("image", Value::string("my-app:latest")),
            (
                "repository_credentials",
                block(Value::map([("credentials_parameter", Value::string(CREDENTIALS))])),
            ),
            ("secret", secret(Value::string(SECRET))),
        ]);
        Value::map([
            ("cluster", Value::string("main")),
            ("cpu", Value::string("256")),
            ("current_deployment", Value::Unknown),
            ("execution_role_arn", Value::string(EXECUTION)),
            ("health_check_path", Value::string("/health")),
            ("infrastructure_role_arn", Value::string(INFRASTRUCTURE)),
            ("ingress_paths", Value::Unknown),
            ("memory", Value::string("512")),
            (
                "network_configuration",
                block(Value::map([
                    ("security_groups", list(&["sg-app"])),
                    ("subnets", list(&["subnet-a", "subnet-b"])),
                ])),
            ),
            ("primary_container", block(container)),
            (
                "scaling_target",
                block(Value::map([
                    ("auto_scaling_metric", Value::string("AVERAGE_CPU")),
                    ("auto_scaling_target_value", Value::Number(60.0)),
                    ("max_task_count", Value::Number(4.0)),
                    ("min_task_count", Value::Number(1.0)),
                ])),
            ),
            ("service_arn", Value::Unknown),
            ("service_name", Value::string("my-express-service")),
            ("service_revision_arn", Value::Unknown),
            ("tags", Value::map([("Team", Value::string("web"))])),
            ("tags_all", Value::map([("Team", Value::string("web"))])),
            ("task_role_arn", Value::string(TASK)),
            ("wait_for_steady_state", Value::Bool(false)),
        ])
    }

    /// The docs' basic example as planned: only what it sets.
    fn planned_basic() -> Value {
        Value::map([
            ("cluster", Value::Unknown),
            ("cpu", Value::Unknown),
            ("execution_role_arn", Value::string(EXECUTION)),
            ("health_check_path", Value::Unknown),
            ("infrastructure_role_arn", Value::string(INFRASTRUCTURE)),
            ("memory", Value::Unknown),
            ("network_configuration", Value::Unknown),
            (
                "primary_container",
                block(Value::map([
                    ("aws_logs_configuration", Value::List(vec![])),
                    ("image", Value::string("nginx:latest")),
                    ("environment", Value::List(vec![])),
                    ("repository_credentials", Value::List(vec![])),
                    ("secret", Value::List(vec![])),
                ])),
            ),
            ("scaling_target", Value::Unknown),
            ("service_name", Value::Unknown),
            ("wait_for_steady_state", Value::Bool(false)),
        ])
    }

    /// What DescribeExpressGatewayService answers for a service that runs `container`.
    fn described(
        container: ExpressGatewayContainer,
        status: ExpressGatewayServiceStatusCode,
    ) -> DescribeExpressGatewayServiceOutput {
        let configuration = ExpressGatewayServiceConfiguration::builder()
            .service_revision_arn(REVISION)
            .execution_role_arn(EXECUTION)
            .task_role_arn(TASK)
            .cpu("256")
            .memory("512")
            .network_configuration(
                ExpressGatewayServiceNetworkConfiguration::builder()
                    .security_groups("sg-app")
                    .subnets("subnet-a")
                    .subnets("subnet-b")
                    .build(),
            )
            .health_check_path("/health")
            .primary_container(container)
            .scaling_target(
                ExpressGatewayScalingTarget::builder()
                    .auto_scaling_metric(ExpressGatewayServiceScalingMetric::AverageCpuUtilization)
                    .auto_scaling_target_value(60)
                    .max_task_count(4)
                    .min_task_count(1)
                    .build(),
            )
            .ingress_paths(
                IngressPathSummary::builder()
                    .access_type(AccessType::Public)
                    .endpoint("https://my-express-service.ecs.us-east-1.on.aws")
                    .build()
                    .unwrap(),
            )
            .build();
        let service = EcsExpressGatewayService::builder()
            .cluster(CLUSTER)
            .service_name("my-express-service")
            .service_arn(SERVICE)
            .infrastructure_role_arn(INFRASTRUCTURE)
            .status(ExpressGatewayServiceStatus::builder().status_code(status).build())
            .current_deployment(
                "arn:aws:ecs:us-east-1:123456789012:service-deployment/main/my-express-service/d1",
            )
            .active_configurations(configuration)
            .tags(Tag::builder().key("Team").value("web").build())
            .tags(
                Tag::builder()
                    .key("infra:address")
                    .value("aws_ecs_express_gateway_service.example")
                    .build(),
            )
            .build();
        DescribeExpressGatewayServiceOutput::builder().service(service).build()
    }

    #[test]
    fn the_create_request_carries_every_argument_and_the_managed_tags() {
        let request = create_request(&client(), &operation(), &planned()).unwrap();
        let input = request.as_input();
        assert_eq!(input.get_execution_role_arn().as_deref(), Some(EXECUTION));
        assert_eq!(input.get_infrastructure_role_arn().as_deref(), Some(INFRASTRUCTURE));
        assert_eq!(input.get_service_name().as_deref(), Some("my-express-service"));
        assert_eq!(input.get_cluster().as_deref(), Some("main"));
        assert_eq!(input.get_health_check_path().as_deref(), Some("/health"));
        assert_eq!(input.get_task_role_arn().as_deref(), Some(TASK));
        assert_eq!(input.get_cpu().as_deref(), Some("256"));
        assert_eq!(input.get_memory().as_deref(), Some("512"));
        let network = input.get_network_configuration().as_ref().unwrap();
        assert_eq!(network.security_groups(), owned(&["sg-app"]));
        assert_eq!(network.subnets(), owned(&["subnet-a", "subnet-b"]));
        let scaling = input.get_scaling_target().as_ref().unwrap();
        assert_eq!(
            scaling.auto_scaling_metric(),
            Some(&ExpressGatewayServiceScalingMetric::AverageCpuUtilization)
        );
        assert_eq!(
            (
                scaling.auto_scaling_target_value(),
                scaling.min_task_count(),
                scaling.max_task_count()
            ),
            (Some(60), Some(1), Some(4))
        );
        let container = input.get_primary_container().as_ref().unwrap();
        assert_eq!(container.image(), "my-app:latest");
        assert_eq!(container.container_port(), Some(8080));
        assert_eq!(container.command(), owned(&["./start.sh"]));
        let logs = container.aws_logs_configuration().unwrap();
        assert_eq!((logs.log_group(), logs.log_stream_prefix()), ("/ecs/app", "app"));
        let environment: Vec<(Option<&str>, Option<&str>)> =
            container.environment().iter().map(|e| (e.name(), e.value())).collect();
        assert_eq!(environment, [(Some("ENV"), Some("production")), (Some("PORT"), Some("8080"))]);
        assert_eq!(container.secrets().len(), 1);
        assert_eq!(container.secrets()[0].name(), "DB_PASSWORD");
        assert_eq!(container.secrets()[0].value_from(), SECRET);
        assert_eq!(
            container.repository_credentials().and_then(|r| r.credentials_parameter()),
            Some(CREDENTIALS)
        );
        let tags: Vec<(Option<&str>, Option<&str>)> = input
            .get_tags()
            .as_deref()
            .unwrap_or_default()
            .iter()
            .map(|t| (t.key(), t.value()))
            .collect();
        assert_eq!(
            tags,
            [
                (Some("Team"), Some("web")),
                (Some("infra:address"), Some("aws_ecs_express_gateway_service.example")),
                (Some("infra:lineage"), Some("lineage-1")),
            ]
        );
        // Neither of the API's arguments that the provider does not have.
        assert_eq!(input.get_cpu_architecture(), &None);
        assert_eq!(input.get_task_definition_arn(), &None);
    }

    #[test]
    fn what_the_plan_does_not_know_yet_is_left_to_ecs() {
        let request = create_request(&client(), &operation(), &planned_basic()).unwrap();
        let input = request.as_input();
        for unset in [
            input.get_cluster(),
            input.get_cpu(),
            input.get_memory(),
            input.get_health_check_path(),
            input.get_service_name(),
            input.get_task_role_arn(),
        ] {
            assert_eq!(unset, &None);
        }
        assert!(input.get_network_configuration().is_none());
        assert!(input.get_scaling_target().is_none());
        let container = input.get_primary_container().as_ref().unwrap();
        assert_eq!(container.image(), "nginx:latest");
        assert_eq!(container.container_port(), None);
        assert!(container.aws_logs_configuration().is_none());
        assert!(container.command.is_none());
        assert!(container.environment.is_none());
        assert!(container.secrets.is_none());
        assert!(container.repository_credentials().is_none());
    }

    /// ECS requires a log stream prefix with a log group; the SDK's check says so at apply,
    /// as the provider's does.
    #[test]
    fn a_logs_configuration_without_a_prefix_is_refused_before_sending() {
        let logs = Value::map([("log_group", Value::string("/ecs/app"))]);
        let error = logs_configuration_of(&logs).unwrap_err();
        assert!(error.message.contains("log_stream_prefix"), "{}", error.message);
    }

    #[test]
    fn the_update_request_carries_the_whole_planned_configuration() {
        let planned = planned();
        let request = update_request(&client(), SERVICE, &planned).unwrap();
        let input = request.as_input();
        assert_eq!(input.get_service_arn().as_deref(), Some(SERVICE));
        assert_eq!(input.get_execution_role_arn().as_deref(), Some(EXECUTION));
        assert_eq!(input.get_health_check_path().as_deref(), Some("/health"));
        assert_eq!(input.get_task_role_arn().as_deref(), Some(TASK));
        assert_eq!(
            (input.get_cpu().as_deref(), input.get_memory().as_deref()),
            (Some("256"), Some("512"))
        );
        assert_eq!(
            input.get_primary_container().as_ref().map(|c| c.image()),
            Some("my-app:latest")
        );
        assert_eq!(input.get_network_configuration().as_ref().map(|n| n.subnets().len()), Some(2));
        assert_eq!(input.get_scaling_target().as_ref().and_then(|s| s.max_task_count()), Some(4));
    }

    /// A change of what UpdateExpressGatewayService takes sends it (`scaling_target` too); a
    /// change of tags only, or of `wait_for_steady_state`, does not.
    #[test]
    fn only_a_change_of_what_the_update_takes_sends_it() {
        let prior = planned();
        let with = |key: &str, value: Value| {
            let mut changed = prior.clone();
            changed.map_mut().unwrap().insert(key.to_string(), value);
            changed
        };
        assert!(!sends_update(&prior, &prior));
        assert!(!sends_update(
            &prior,
            &with("tags_all", Value::map([("Team", Value::string("api"))]))
        ));
        assert!(!sends_update(&prior, &with("wait_for_steady_state", Value::Bool(true))));
        assert!(sends_update(&prior, &with("memory", Value::string("1024"))));
        assert!(sends_update(
            &prior,
            &with("scaling_target", block(Value::map([("max_task_count", Value::Number(8.0))])))
        ));
        let resource = resource();
        assert_eq!(
            resource.unknown_after_update(&prior, &with("cpu", Value::string("512"))),
            ["service_revision_arn", "current_deployment", "ingress_paths"]
        );
        assert!(resource
            .unknown_after_update(&prior, &with("tags", Value::Map(Default::default())))
            .is_empty());
    }

    #[test]
    fn a_described_service_reads_back_as_configured() {
        let planned = planned();
        let container = create_request(&client(), &operation(), &planned)
            .unwrap()
            .as_input()
            .get_primary_container()
            .clone()
            .unwrap();
        let output = described(container, ExpressGatewayServiceStatusCode::Active);
        let read = to_value(output.service().unwrap(), &planned);
        for key in [
            "cluster",
            "cpu",
            "execution_role_arn",
            "health_check_path",
            "infrastructure_role_arn",
            "memory",
            "network_configuration",
            "primary_container",
            "scaling_target",
            "service_name",
            "tags",
            "task_role_arn",
            "wait_for_steady_state",
        ] {
            assert_eq!(read.get(key), planned.get(key), "{key}");
        }
        assert_eq!(read.get("service_arn"), &Value::string(SERVICE));
        assert_eq!(read.get("service_revision_arn"), &Value::string(REVISION));
        assert!(read.get("current_deployment").as_str().unwrap().contains("service-deployment/"));
        assert_eq!(
            read.get("ingress_paths"),
            &Value::List(vec![Value::map([
                ("access_type", Value::string("PUBLIC")),
                ("endpoint", Value::string("https://my-express-service.ecs.us-east-1.on.aws")),
            ])])
        );
        // The managed tags are not the configuration's.
        assert_eq!(read.get("tags_all"), planned.get("tags_all"));
        // Every attribute of the schema is in the object (`region` and `timeouts` are added by
        // the wrapper and the engine).
        let resource = resource();
        let schema = resource.schema();
        for attribute in &schema.attributes {
            assert!(read.as_map().unwrap().contains_key(attribute.name), "{}", attribute.name);
        }
        for block in &schema.blocks {
            assert!(read.as_map().unwrap().contains_key(block.name), "{}", block.name);
        }
    }

    /// What ECS chose for what the basic example leaves out is read into the object; the
    /// cluster keeps the form the configuration gave it, a name when it gave none.
    #[test]
    fn what_ecs_chose_is_read_and_the_cluster_keeps_its_form() {
        let container = ExpressGatewayContainer::builder()
            .image("nginx:latest")
            .container_port(80)
            .aws_logs_configuration(
                ExpressGatewayServiceAwsLogsConfiguration::builder()
                    .log_group("/aws/ecs/default/my-express-service")
                    .log_stream_prefix("ecs")
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        let output = described(container, ExpressGatewayServiceStatusCode::Active);
        let service = output.service().unwrap();
        let read = to_value(service, &planned_basic());
        assert_eq!(read.get("cluster"), &Value::string("main"));
        let container = &read.get("primary_container").as_list().unwrap()[0];
        assert_eq!(container.get("container_port"), &Value::Number(80.0));
        assert_eq!(container.get("command"), &Value::Null);
        assert_eq!(container.get("environment"), &Value::List(vec![]));
        assert_eq!(
            container.get("aws_logs_configuration"),
            &block(Value::map([
                ("log_group", Value::string("/aws/ecs/default/my-express-service")),
                ("log_stream_prefix", Value::string("ecs")),
            ]))
        );
        let as_arn = Value::map([("cluster", Value::string(CLUSTER))]);
        assert_eq!(to_value(service, &as_arn).get("cluster"), &Value::string(CLUSTER));
        // Imported: only the ARN is known; the cluster is the service's.
        let imported = resource().import_prior(SERVICE).unwrap();
        assert_eq!(imported, Value::map([("service_arn", Value::string(SERVICE))]));
        let read = to_value(service, &imported);
        assert_eq!(read.get("cluster"), &Value::string("main"));
        assert_eq!(read.get("wait_for_steady_state"), &Value::Bool(false));
    }

    #[test]
    fn a_draining_or_inactive_service_is_gone() {
        let container = ExpressGatewayContainer::builder().image("nginx:latest").build().unwrap();
        for (status, live) in [
            (ExpressGatewayServiceStatusCode::Active, true),
            (ExpressGatewayServiceStatusCode::Draining, false),
            (ExpressGatewayServiceStatusCode::Inactive, false),
        ] {
            let output = described(container.clone(), status.clone());
            assert_eq!(is_live(output.service().unwrap()), live, "{status:?}");
        }
        let gone = ProviderError::with_code(
            "InvalidParameterException",
            "Resource not found: express gateway service",
        );
        assert!(is_gone(&gone));
        assert!(is_gone(&ProviderError::with_code("ResourceNotFoundException", "no such service")));
        assert!(!is_gone(&ProviderError::with_code(
            "InvalidParameterException",
            "cpu must be a power of 2"
        )));
        assert!(is_role_propagating(&ProviderError::with_code(
            "AccessDeniedException",
            "ECS was denied: Cannot assume role arn:aws:iam::123456789012:role/infrastructure"
        )));
        assert!(!is_role_propagating(&ProviderError::with_code(
            "AccessDeniedException",
            "not allowed"
        )));
    }

    #[test]
    fn a_failed_deployment_is_an_error_with_ecs_reason() {
        assert!(deployment_outcome(Some(&ServiceDeploymentStatus::Successful), None).unwrap());
        assert!(!deployment_outcome(Some(&ServiceDeploymentStatus::InProgress), None).unwrap());
        assert!(!deployment_outcome(None, None).unwrap());
        let error = deployment_outcome(
            Some(&ServiceDeploymentStatus::RollbackSuccessful),
            Some("tasks failed to start"),
        )
        .unwrap_err();
        assert_eq!(error.message, "tasks failed to start");
        let error = deployment_outcome(Some(&ServiceDeploymentStatus::Stopped), None).unwrap_err();
        assert_eq!(error.message, "Deployment failed");
    }

    /// Another cluster replaces the service; the same cluster by name or ARN does not.
    #[test]
    fn only_another_cluster_replaces_the_service() {
        let resource = resource();
        let changed = ["cluster".to_string()];
        let of = |cluster: Value| Value::map([("cluster", cluster)]);
        let main = of(Value::string("main"));
        assert!(resource
            .replacing_changes(&main, &of(Value::string(CLUSTER)), &changed)
            .is_empty());
        assert_eq!(
            resource.replacing_changes(&main, &of(Value::string("other")), &changed),
            changed
        );
        assert_eq!(resource.replacing_changes(&main, &of(Value::Unknown), &changed), changed);
        assert!(resource.replacing_changes(&main, &of(Value::string("other")), &[]).is_empty());
        let schema = resource.schema();
        assert!(schema.attribute("infrastructure_role_arn").unwrap().force_new);
        assert!(schema.attribute("service_name").unwrap().force_new);
        assert!(!schema.attribute("cluster").unwrap().force_new);
        assert!(!schema.attribute("execution_role_arn").unwrap().force_new);
    }

    /// The defaults of the provider's timeouts block.
    #[test]
    fn the_timeouts_are_the_providers() {
        let resource = resource();
        let timeouts = resource.default_timeouts();
        assert_eq!(
            (timeouts.create, timeouts.update, timeouts.delete),
            (Duration::from_secs(1800), Duration::from_secs(1800), Duration::from_secs(1200))
        );
        assert_eq!(resource.schema().timeouts, ["create", "update", "delete"]);
    }

    fn problems(config: &Value) -> Vec<(String, String)> {
        let resource = resource();
        let mut problems = resource.schema().validate(config);
        problems.extend(resource.validate(config));
        problems
    }

    /// The provider's docs' three examples, as `infra validate` evaluates them (references
    /// are unknown there): each is valid, and what each writes as a block is a block of the
    /// schema, what it writes with `=` an argument.
    #[test]
    fn the_docs_examples_are_valid() {
        let role = Value::Unknown;
        let basic = Value::map([
            ("execution_role_arn", role.clone()),
            ("infrastructure_role_arn", role.clone()),
            ("primary_container", block(Value::map([("image", Value::string("nginx:latest"))]))),
        ]);
        let logging = Value::map([
            ("execution_role_arn", role.clone()),
            ("infrastructure_role_arn", role.clone()),
            ("health_check_path", Value::string("/health")),
            (
                "primary_container",
                block(Value::map([
                    ("image", Value::string("my-app:latest")),
                    ("container_port", Value::Number(8080.0)),
                    ("command", list(&["./start.sh"])),
                    ("aws_logs_configuration", block(Value::map([("log_group", Value::Unknown)]))),
                    ("environment", environment()),
                    ("secret", secret(Value::Unknown)),
                ])),
            ),
        ]);
        let network = Value::map([
            ("service_name", Value::string("my-express-service")),
            ("cluster", Value::Unknown),
            ("execution_role_arn", role.clone()),
            ("infrastructure_role_arn", role),
            ("cpu", Value::string("256")),
            ("memory", Value::string("512")),
            (
                "primary_container",
                block(Value::map([
                    ("image", Value::string("nginx:latest")),
                    ("container_port", Value::Number(80.0)),
                ])),
            ),
            (
                "network_configuration",
                block(Value::map([
                    ("subnets", Value::List(vec![Value::Unknown, Value::Unknown])),
                    ("security_groups", Value::List(vec![Value::Unknown])),
                ])),
            ),
        ]);
        for (name, example) in [("basic", basic), ("logging", logging), ("network", network)] {
            assert_eq!(problems(&example), vec![], "{name}");
        }
        let resource = resource();
        let schema = resource.schema();
        for name in ["primary_container", "network_configuration"] {
            assert!(schema.block_named(name).is_some(), "{name}");
        }
        let container = &schema.block_named("primary_container").unwrap().schema;
        for name in ["aws_logs_configuration", "environment", "secret"] {
            assert!(container.block_named(name).is_some(), "{name}");
        }
        for name in [
            "execution_role_arn",
            "infrastructure_role_arn",
            "health_check_path",
            "service_name",
            "cluster",
            "cpu",
            "memory",
        ] {
            assert!(schema.attribute(name).unwrap().is_settable(), "{name}");
        }
        for name in ["image", "container_port", "command"] {
            assert!(container.attribute(name).unwrap().is_settable(), "{name}");
        }
        // The provider's acceptance tests also write `scaling_target` as a block.
        assert!(schema.block_named("scaling_target").unwrap().computed);
    }

    #[test]
    fn plan_time_checks_are_the_providers() {
        let config = Value::map([
            ("execution_role_arn", Value::string("execution")),
            ("infrastructure_role_arn", Value::string(INFRASTRUCTURE)),
            ("task_role_arn", Value::string("arn:aws:iam::role")),
            (
                "primary_container",
                block(Value::map([
                    ("image", Value::string("nginx:latest")),
                    ("secret", secret(Value::string("db-password"))),
                    (
                        "repository_credentials",
                        block(Value::map([("credentials_parameter", Value::string(CREDENTIALS))])),
                    ),
                ])),
            ),
            ("scaling_target", block(Value::map([("auto_scaling_metric", Value::string("CPU"))]))),
        ]);
        let found = problems(&config);
        let paths: Vec<&str> = found.iter().map(|(path, _)| path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "scaling_target[0].auto_scaling_metric",
                "execution_role_arn",
                "task_role_arn",
                "primary_container[0].secret[0].value_from",
            ],
            "{found:?}"
        );
        assert_eq!(found[1].1, "The provided value cannot be parsed as an ARN. Value: execution");
        assert!(
            found[0].1.starts_with(r#"expected auto_scaling_metric to be one of ["AVERAGE_CPU" "#)
                && found[0].1.ends_with("got CPU"),
            "{}",
            found[0].1
        );

        // primary_container is required, and one only; image and the roles are required.
        let missing = problems(&Value::map([("primary_container", Value::List(vec![]))]));
        let paths: Vec<&str> = missing.iter().map(|(path, _)| path.as_str()).collect();
        assert_eq!(paths, ["execution_role_arn", "infrastructure_role_arn", "primary_container"]);
        let two = Value::map([
            ("execution_role_arn", Value::string(EXECUTION)),
            ("infrastructure_role_arn", Value::string(INFRASTRUCTURE)),
            (
                "primary_container",
                Value::List(vec![
                    Value::Map(Default::default()),
                    Value::map([("image", Value::string("a"))]),
                ]),
            ),
        ]);
        let paths: Vec<String> = problems(&two).into_iter().map(|(path, _)| path).collect();
        assert_eq!(paths, ["primary_container", "primary_container[0].image"]);
    }
}
