//! `aws_codedeploy_deployment_group`: a CodeDeploy deployment group of an application: the
//! instances, Lambda functions or ECS service it deploys to, and how. The Terraform ID is the
//! deployment group's ID (`deployment_group_id`), as the provider sets it; the import ID is
//! `<app_name>:<deployment_group_name>`.
//!
//! Nothing forces a new group, as in the provider: every argument changes in place with
//! UpdateDeploymentGroup (the name too, `currentDeploymentGroupName` to
//! `newDeploymentGroupName`), sending the settings that changed; a removed alarm or rollback
//! configuration is sent disabled and empty, a removed load balancer as an empty one. A changed
//! `app_name` is sent as the group's application: it follows an `aws_codedeploy_app` renamed in
//! place (the application's groups go with it); naming another application fails there, as
//! with the provider. Tags change with TagResource / UntagResource on the group's ARN, which
//! AWS does not return and the provider builds
//! (`arn:<partition>:codedeploy:<region>:<account>:deploymentgroup:<app>/<group>`). Create and
//! update are retried for up to 5 minutes while IAM has not yet propagated the service role
//! (InvalidRoleException) or the SNS topic of a trigger, as the provider does.
//!
//! `deployment_style`, `blue_green_deployment_config` and its `green_fleet_provisioning_option`
//! are Optional+Computed as in the provider: left out of the configuration, they keep what AWS
//! reports. An alarm or rollback configuration that is disabled and empty reads as none, as
//! the provider flattens it; so does a load balancer info with no load balancer or target group.
//! AWS reports an unset wait time as 0; it reads as unset unless the configuration says 0.
//!
//! The type is an [`AwsObject`]: a group's key is its application and group name (JSON).
//! Refresh is one BatchGetDeploymentGroups per application and 100 group names (the groups of
//! an application that is gone are gone), then one ListTagsForResource per group.
//!
//! Not supported: nothing of the provider's schema is left out. `on_premises_tag_set`
//! (OnPremisesTagSet) is not in the provider's schema either.
//!
//! The test emulator (moto 5.2.5) lacks UpdateDeploymentGroup, DeleteDeploymentGroup and
//! BatchGetDeploymentGroups, and answers every group's alarm configuration as empty; all four
//! are added by `tests/support/moto_codedeploy.py`. moto checks none of the names and ARNs a
//! group refers to (role, ECS service, load balancers, target groups, listeners, topics).

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_codedeploy::types::{
    Alarm, AlarmConfiguration, AutoRollbackConfiguration, AutoRollbackEvent,
    BlueGreenDeploymentConfiguration, BlueInstanceTerminationOption, DeploymentGroupInfo,
    DeploymentOption, DeploymentReadyAction, DeploymentReadyOption, DeploymentStyle,
    DeploymentType, Ec2TagFilter, Ec2TagFilterType, Ec2TagSet, EcsService, ElbInfo,
    GreenFleetProvisioningAction, GreenFleetProvisioningOption, InstanceAction, LoadBalancerInfo,
    OutdatedInstancesStrategy, TagFilter, TagFilterType, TargetGroupInfo, TargetGroupPairInfo,
    TrafficRoute, TriggerConfig, TriggerEventType,
};
use infra_core::{Attribute, Block, Check, Operation, ProviderError, Schema, Type, Value};

use super::aws_codedeploy_app::{
    arn_prefix, sdk_tags, tags_of, APPLICATION_MISSING, GROUP_MISSING,
};
use crate::app_support::{
    blocks, boolean, changed, int, non_empty, one_block, read_each, resource_tag_changes,
    retry_while, sent, single, string, string_list, strings, text, text_or_null, vanished,
};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, ObjectType, Tagged, Updating,
};
use crate::declared::{read, read_block, Declared, Reading};
use crate::tagging::ManagedTags;
use crate::verify::ARN;

/// BatchGetDeploymentGroups takes at most 100 names a call.
const GROUPS_PER_CALL: usize = 100;

/// How long a create or update is retried while the service role or a trigger's topic is not
/// yet usable (the provider's 5 minutes).
const PROPAGATION_TIMEOUT: Duration = Duration::from_secs(5 * 60);

const TAG_FILTER_TYPES: &[&str] = &["KEY_ONLY", "VALUE_ONLY", "KEY_AND_VALUE"];

const TRIGGER_EVENTS: &[&str] = &[
    "DeploymentStart",
    "DeploymentSuccess",
    "DeploymentFailure",
    "DeploymentStop",
    "DeploymentRollback",
    "DeploymentReady",
    "InstanceStart",
    "InstanceSuccess",
    "InstanceFailure",
    "InstanceReady",
];

/// Every argument that UpdateDeploymentGroup changes (all but the tags).
const SETTINGS: &[&str] = &[
    "app_name",
    "deployment_group_name",
    "service_role_arn",
    "deployment_config_name",
    "outdated_instances_strategy",
    "termination_hook_enabled",
    "autoscaling_groups",
    "alarm_configuration",
    "auto_rollback_configuration",
    "blue_green_deployment_config",
    "deployment_style",
    "ec2_tag_filter",
    "ec2_tag_set",
    "ecs_service",
    "load_balancer_info",
    "on_premises_instance_tag_filter",
    "trigger_configuration",
];

pub type AwsCodedeployDeploymentGroup = ObjectType<GroupObject>;

pub struct GroupObject;

/// A group as described, with the ARN the provider builds for it (AWS returns none).
pub struct Group {
    info: DeploymentGroupInfo,
    arn: String,
}

impl Group {
    fn id(&self) -> &str {
        self.info.deployment_group_id().unwrap_or_default()
    }
}

/// The natural key: application name, deployment group name.
type Key = (String, String);

fn natural_key(value: &Value) -> Option<Key> {
    Some((string(value, "app_name")?, string(value, "deployment_group_name")?))
}

/// The family's key of a [`Key`]: both names as JSON (neither is kept from holding a colon).
fn joined(key: &Key) -> String {
    serde_json::to_string(key).unwrap_or_default()
}

fn split(joined: &str) -> Option<Key> {
    serde_json::from_str(joined).ok()
}

fn group_arn(prefix: &str, application: &str, group: &str) -> String {
    format!("{prefix}:deploymentgroup:{application}/{group}")
}

/// A create or update needs the planned group's names.
fn planned_key(planned: &Value) -> Result<Key, ProviderError> {
    natural_key(planned).ok_or_else(|| {
        ProviderError::new(
            "aws_codedeploy_deployment_group needs a known app_name and deployment_group_name",
        )
    })
}

fn tag_filter_schema() -> Schema {
    Schema::new()
        .attr(Attribute::optional("key", Type::String))
        .attr(Attribute::optional("type", Type::String).check(Check::OneOf(TAG_FILTER_TYPES)))
        .attr(Attribute::optional("value", Type::String))
}

fn traffic_route_schema() -> Schema {
    Schema::new().attr(Attribute::required("listener_arns", Type::set(Type::String)).check(ARN))
}

fn name_schema() -> Schema {
    Schema::new().attr(Attribute::optional("name", Type::String))
}

/// The groups among `keys` that exist, by key, with their ARNs and tags: one
/// BatchGetDeploymentGroups per application and 100 names, then one ListTagsForResource per
/// group found.
async fn groups(
    this: &AwsCodedeployDeploymentGroup,
    keys: &[Key],
) -> Result<BTreeMap<Key, Tagged<Group>>, ProviderError> {
    if keys.is_empty() {
        return Ok(BTreeMap::new());
    }
    let client = &this.aws.clients().await.codedeploy;
    let prefix = arn_prefix(&this.aws).await?;
    let mut by_application: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (application, group) in keys {
        let names = by_application.entry(application.as_str()).or_default();
        if !names.contains(group) {
            names.push(group.clone());
        }
    }
    let mut calls = Vec::new();
    for (application, names) in &by_application {
        for chunk in names.chunks(GROUPS_PER_CALL) {
            calls.push(batch_get(client, application, chunk));
        }
    }
    let groups: Vec<DeploymentGroupInfo> = read_each(calls).await?.into_iter().flatten().collect();
    let reads: Vec<_> = groups
        .into_iter()
        .filter_map(|info| {
            let application = info.application_name()?.to_string();
            let name = info.deployment_group_name()?.to_string();
            let arn = group_arn(&prefix, &application, &name);
            Some(async move {
                let tags = tags_of(client, &arn).await?;
                let key = (application, name);
                let object = Group { info, arn };
                Ok::<_, ProviderError>(tags.map(|tags| (key, Tagged { object, tags })))
            })
        })
        .collect();
    Ok(read_each(reads).await?.into_iter().flatten().collect())
}

/// The groups of one application among `names`; none when the application is gone.
async fn batch_get(
    client: &aws_sdk_codedeploy::Client,
    application: &str,
    names: &[String],
) -> Result<Vec<DeploymentGroupInfo>, ProviderError> {
    match sent!(client
        .batch_get_deployment_groups()
        .application_name(application)
        .set_deployment_group_names(Some(names.to_vec())))
    {
        // Names that do not exist are left out (and named in `errorMessage`).
        Ok(output) => Ok(output.deployment_groups_info().to_vec()),
        Err(error) if error.code.as_deref() == Some(APPLICATION_MISSING) => Ok(Vec::new()),
        Err(error) => Err(error),
    }
}

/// AWS has not yet propagated the service role (or a trigger's SNS topic): a create or update
/// is retried for up to [`PROPAGATION_TIMEOUT`].
fn propagating(error: &ProviderError) -> bool {
    match error.code.as_deref() {
        Some("InvalidRoleException") => true,
        Some("InvalidTriggerConfigException") => error.message.contains("Topic ARN"),
        _ => false,
    }
}

// --- configuration to CodeDeploy -------------------------------------------------------------

fn has_block(value: &Value, key: &str) -> bool {
    !blocks(value, key).is_empty()
}

/// The alarm configuration; without the block, switched off and emptied (how the provider
/// removes it).
fn alarm_configuration(value: &Value) -> AlarmConfiguration {
    let block = single(value, "alarm_configuration");
    let alarms = block
        .map(|b| strings(b, "alarms"))
        .unwrap_or_default()
        .into_iter()
        .map(|name| Alarm::builder().name(name).build())
        .collect();
    AlarmConfiguration::builder()
        .set_alarms(Some(alarms))
        .enabled(block.and_then(|b| boolean(b, "enabled")).unwrap_or(false))
        .ignore_poll_alarm_failure(
            block.and_then(|b| boolean(b, "ignore_poll_alarm_failure")).unwrap_or(false),
        )
        .build()
}

/// The automatic rollback configuration; without the block, switched off and emptied.
fn auto_rollback_configuration(value: &Value) -> AutoRollbackConfiguration {
    let block = single(value, "auto_rollback_configuration");
    let events = block
        .map(|b| strings(b, "events"))
        .unwrap_or_default()
        .iter()
        .map(|event| AutoRollbackEvent::from(event.as_str()))
        .collect();
    AutoRollbackConfiguration::builder()
        .set_events(Some(events))
        .enabled(block.and_then(|b| boolean(b, "enabled")).unwrap_or(false))
        .build()
}

fn blue_green_configuration(value: &Value) -> Option<BlueGreenDeploymentConfiguration> {
    let block = single(value, "blue_green_deployment_config")?;
    let ready = single(block, "deployment_ready_option").map(|option| {
        DeploymentReadyOption::builder()
            .set_action_on_timeout(
                non_empty(option, "action_on_timeout")
                    .map(|action| DeploymentReadyAction::from(action.as_str())),
            )
            .set_wait_time_in_minutes(int(option, "wait_time_in_minutes"))
            .build()
    });
    let green_fleet = single(block, "green_fleet_provisioning_option").map(|option| {
        GreenFleetProvisioningOption::builder()
            .set_action(
                non_empty(option, "action")
                    .map(|action| GreenFleetProvisioningAction::from(action.as_str())),
            )
            .build()
    });
    let terminate_blue =
        single(block, "terminate_blue_instances_on_deployment_success").map(|option| {
            BlueInstanceTerminationOption::builder()
                .set_action(
                    non_empty(option, "action").map(|action| InstanceAction::from(action.as_str())),
                )
                .set_termination_wait_time_in_minutes(int(
                    option,
                    "termination_wait_time_in_minutes",
                ))
                .build()
        });
    Some(
        BlueGreenDeploymentConfiguration::builder()
            .set_deployment_ready_option(ready)
            .set_green_fleet_provisioning_option(green_fleet)
            .set_terminate_blue_instances_on_deployment_success(terminate_blue)
            .build(),
    )
}

fn deployment_style(value: &Value) -> Option<DeploymentStyle> {
    let block = single(value, "deployment_style")?;
    Some(
        DeploymentStyle::builder()
            .set_deployment_option(
                non_empty(block, "deployment_option")
                    .map(|option| DeploymentOption::from(option.as_str())),
            )
            .set_deployment_type(
                non_empty(block, "deployment_type").map(|kind| DeploymentType::from(kind.as_str())),
            )
            .build(),
    )
}

fn ec2_tag_filters(items: &[Value]) -> Vec<Ec2TagFilter> {
    items
        .iter()
        .map(|filter| {
            let kind = non_empty(filter, "type");
            Ec2TagFilter::builder()
                .set_key(string(filter, "key"))
                .set_type(kind.map(|kind| Ec2TagFilterType::from(kind.as_str())))
                .set_value(string(filter, "value"))
                .build()
        })
        .collect()
}

fn ec2_tag_set(value: &Value) -> Ec2TagSet {
    Ec2TagSet::builder()
        .set_ec2_tag_set_list(Some(
            blocks(value, "ec2_tag_set")
                .iter()
                .map(|set| ec2_tag_filters(blocks(set, "ec2_tag_filter")))
                .collect(),
        ))
        .build()
}

fn on_premises_tag_filters(value: &Value) -> Vec<TagFilter> {
    blocks(value, "on_premises_instance_tag_filter")
        .iter()
        .map(|filter| {
            let kind = non_empty(filter, "type");
            TagFilter::builder()
                .set_key(string(filter, "key"))
                .set_type(kind.map(|kind| TagFilterType::from(kind.as_str())))
                .set_value(string(filter, "value"))
                .build()
        })
        .collect()
}

fn ecs_services(value: &Value) -> Vec<EcsService> {
    blocks(value, "ecs_service")
        .iter()
        .map(|service| {
            EcsService::builder()
                .set_cluster_name(string(service, "cluster_name"))
                .set_service_name(string(service, "service_name"))
                .build()
        })
        .collect()
}

fn traffic_route(pair: &Value, key: &str) -> Option<TrafficRoute> {
    single(pair, key).map(|route| {
        TrafficRoute::builder().set_listener_arns(Some(strings(route, "listener_arns"))).build()
    })
}

/// The load balancer info; without the block, an empty one (how the provider removes it).
fn load_balancer_info(value: &Value) -> LoadBalancerInfo {
    let mut info = LoadBalancerInfo::builder();
    let Some(block) = single(value, "load_balancer_info") else {
        return info.build();
    };
    let elbs = blocks(block, "elb_info");
    if !elbs.is_empty() {
        info = info.set_elb_info_list(Some(
            elbs.iter()
                .map(|elb| ElbInfo::builder().set_name(string(elb, "name")).build())
                .collect(),
        ));
    }
    let target_groups = blocks(block, "target_group_info");
    if !target_groups.is_empty() {
        info = info.set_target_group_info_list(Some(
            target_groups
                .iter()
                .map(|group| TargetGroupInfo::builder().set_name(string(group, "name")).build())
                .collect(),
        ));
    }
    if let Some(pair) = single(block, "target_group_pair_info") {
        let groups = blocks(pair, "target_group")
            .iter()
            .map(|group| TargetGroupInfo::builder().set_name(string(group, "name")).build())
            .collect();
        info = info.set_target_group_pair_info_list(Some(vec![TargetGroupPairInfo::builder()
            .set_prod_traffic_route(traffic_route(pair, "prod_traffic_route"))
            .set_target_groups(Some(groups))
            .set_test_traffic_route(traffic_route(pair, "test_traffic_route"))
            .build()]));
    }
    info.build()
}

fn trigger_configurations(value: &Value) -> Vec<TriggerConfig> {
    blocks(value, "trigger_configuration")
        .iter()
        .map(|trigger| {
            TriggerConfig::builder()
                .set_trigger_name(string(trigger, "trigger_name"))
                .set_trigger_target_arn(string(trigger, "trigger_target_arn"))
                .set_trigger_events(Some(
                    strings(trigger, "trigger_events")
                        .iter()
                        .map(|event| TriggerEventType::from(event.as_str()))
                        .collect(),
                ))
                .build()
        })
        .collect()
}

// --- CodeDeploy to value ---------------------------------------------------------------------

/// A wait time AWS reports: its 0 means unset, unless the configuration says 0.
fn minutes(reported: i32, hint: &Value) -> Value {
    if reported != 0 || hint.as_i64() == Some(0) {
        Value::Number(f64::from(reported))
    } else {
        Value::Null
    }
}

fn tag_filter_value(key: Option<&str>, kind: Option<&str>, value: Option<&str>) -> Value {
    Value::map([
        ("key", text_or_null(key)),
        ("type", text_or_null(kind)),
        ("value", text_or_null(value)),
    ])
}

fn ec2_tag_filter_values(filters: &[Ec2TagFilter]) -> Value {
    Value::List(
        filters
            .iter()
            .map(|f| tag_filter_value(f.key(), f.r#type().map(|t| t.as_str()), f.value()))
            .collect(),
    )
}

fn traffic_route_value(route: Option<&TrafficRoute>) -> Value {
    one_block(
        route.map(|route| Value::map([("listener_arns", string_list(route.listener_arns()))])),
    )
}

fn blue_green_value(config: &BlueGreenDeploymentConfiguration, hint: &Value) -> Value {
    let ready_hint = single(hint, "deployment_ready_option").unwrap_or(&Value::Null);
    let terminate_hint =
        single(hint, "terminate_blue_instances_on_deployment_success").unwrap_or(&Value::Null);
    Value::map([
        (
            "deployment_ready_option",
            one_block(config.deployment_ready_option().map(|option| {
                Value::map([
                    ("action_on_timeout", text(option.action_on_timeout().map(|a| a.as_str()))),
                    (
                        "wait_time_in_minutes",
                        minutes(
                            option.wait_time_in_minutes(),
                            ready_hint.get("wait_time_in_minutes"),
                        ),
                    ),
                ])
            })),
        ),
        (
            "green_fleet_provisioning_option",
            one_block(
                config.green_fleet_provisioning_option().map(|option| {
                    Value::map([("action", text(option.action().map(|a| a.as_str())))])
                }),
            ),
        ),
        (
            "terminate_blue_instances_on_deployment_success",
            one_block(config.terminate_blue_instances_on_deployment_success().map(|option| {
                Value::map([
                    ("action", text(option.action().map(|a| a.as_str()))),
                    (
                        "termination_wait_time_in_minutes",
                        minutes(
                            option.termination_wait_time_in_minutes(),
                            terminate_hint.get("termination_wait_time_in_minutes"),
                        ),
                    ),
                ])
            })),
        ),
    ])
}

fn load_balancer_value(info: &LoadBalancerInfo) -> Option<Value> {
    if info.elb_info_list().is_empty()
        && info.target_group_info_list().is_empty()
        && info.target_group_pair_info_list().is_empty()
    {
        return None;
    }
    let names = |names: Vec<Option<&str>>| {
        Value::List(names.into_iter().map(|name| Value::map([("name", text(name))])).collect())
    };
    Some(Value::map([
        ("elb_info", names(info.elb_info_list().iter().map(ElbInfo::name).collect())),
        (
            "target_group_info",
            names(info.target_group_info_list().iter().map(TargetGroupInfo::name).collect()),
        ),
        (
            "target_group_pair_info",
            Value::List(
                info.target_group_pair_info_list()
                    .iter()
                    .map(|pair| {
                        Value::map([
                            ("prod_traffic_route", traffic_route_value(pair.prod_traffic_route())),
                            (
                                "target_group",
                                names(
                                    pair.target_groups()
                                        .iter()
                                        .map(TargetGroupInfo::name)
                                        .collect(),
                                ),
                            ),
                            ("test_traffic_route", traffic_route_value(pair.test_traffic_route())),
                        ])
                    })
                    .collect(),
            ),
        ),
    ]))
}

// --- the schema, each attribute with how it is read ------------------------------------------

/// The group's IDs, names, platform, role, configuration, strategy and Auto Scaling groups, in
/// the schema's order.
fn identity() -> Vec<Declared<Group>> {
    type G = Group;
    vec![
        read(Attribute::computed("id", Type::String), |group: &G, _: &Reading| {
            Value::string(group.id())
        }),
        read(Attribute::computed("arn", Type::String), |group: &G, _: &Reading| {
            Value::string(&group.arn)
        }),
        read(Attribute::computed("compute_platform", Type::String), |group: &G, _: &Reading| {
            text(group.info.compute_platform().map(|p| p.as_str()))
        }),
        read(Attribute::computed("deployment_group_id", Type::String), |group: &G, _: &Reading| {
            Value::string(group.id())
        }),
        read(
            Attribute::required("app_name", Type::String).check(Check::Length(0, 100)),
            |group: &G, _: &Reading| text(group.info.application_name()),
        ),
        read(
            Attribute::required("deployment_group_name", Type::String).check(Check::Length(0, 100)),
            |group: &G, _: &Reading| text(group.info.deployment_group_name()),
        ),
        read(
            Attribute::required("service_role_arn", Type::String).check(ARN),
            |group: &G, _: &Reading| text(group.info.service_role_arn()),
        ),
        read(
            Attribute::optional("deployment_config_name", Type::String)
                .default(Value::string("CodeDeployDefault.OneAtATime"))
                .check(Check::Length(0, 100)),
            |group: &G, _: &Reading| text(group.info.deployment_config_name()),
        ),
        read(
            Attribute::optional("outdated_instances_strategy", Type::String)
                .default(Value::string("UPDATE"))
                .check(Check::OneOf(&["UPDATE", "IGNORE"])),
            |group: &G, _: &Reading| {
                text(group.info.outdated_instances_strategy().map(|s| s.as_str()))
            },
        ),
        read(
            Attribute::optional("termination_hook_enabled", Type::Bool).default(Value::Bool(false)),
            |group: &G, _: &Reading| Value::Bool(group.info.termination_hook_enabled()),
        ),
        read(
            Attribute::optional("autoscaling_groups", Type::set(Type::String)),
            |group: &G, _: &Reading| {
                let names = group.info.auto_scaling_groups().iter();
                string_list(names.filter_map(|g| g.name()))
            },
        ),
    ]
}

/// How deployments run: alarms, automatic rollback, blue/green and the deployment style.
fn deployment_blocks() -> Vec<Declared<Group>> {
    type G = Group;
    let alarm = Schema::new()
        .attr(Attribute::optional("alarms", Type::set(Type::String)))
        // AWS holds a plain false; the provider sends the unset flag as false.
        .attr(Attribute::optional("enabled", Type::Bool).default(Value::Bool(false)))
        .attr(
            Attribute::optional("ignore_poll_alarm_failure", Type::Bool)
                .default(Value::Bool(false)),
        );
    let rollback = Schema::new()
        .attr(Attribute::optional("enabled", Type::Bool).default(Value::Bool(false)))
        .attr(Attribute::optional("events", Type::set(Type::String)));
    let ready = Schema::new()
        .attr(
            Attribute::optional("action_on_timeout", Type::String)
                .check(Check::OneOf(&["CONTINUE_DEPLOYMENT", "STOP_DEPLOYMENT"])),
        )
        .attr(Attribute::optional("wait_time_in_minutes", Type::Number));
    let green_fleet = Schema::new().attr(
        Attribute::optional("action", Type::String)
            .check(Check::OneOf(&["DISCOVER_EXISTING", "COPY_AUTO_SCALING_GROUP"])),
    );
    let terminate_blue = Schema::new()
        .attr(
            Attribute::optional("action", Type::String)
                .check(Check::OneOf(&["TERMINATE", "KEEP_ALIVE"])),
        )
        .attr(Attribute::optional("termination_wait_time_in_minutes", Type::Number));
    let blue_green = Schema::new()
        .block(Block::single("deployment_ready_option", ready))
        .block(Block::single("green_fleet_provisioning_option", green_fleet).computed())
        .block(Block::single("terminate_blue_instances_on_deployment_success", terminate_blue));
    let style = Schema::new()
        .attr(
            Attribute::optional("deployment_option", Type::String)
                .default(Value::string("WITHOUT_TRAFFIC_CONTROL"))
                .check(Check::OneOf(&["WITH_TRAFFIC_CONTROL", "WITHOUT_TRAFFIC_CONTROL"])),
        )
        .attr(
            Attribute::optional("deployment_type", Type::String)
                .default(Value::string("IN_PLACE"))
                .check(Check::OneOf(&["IN_PLACE", "BLUE_GREEN"])),
        );
    vec![
        // Disabled and empty is how AWS holds "none"; the provider reads it as no block.
        read_block(Block::single("alarm_configuration", alarm), |group: &G, _: &Reading| {
            one_block(
                group
                    .info
                    .alarm_configuration()
                    .filter(|config| config.enabled() || !config.alarms().is_empty())
                    .map(|config| {
                        Value::map([
                            (
                                "alarms",
                                string_list(config.alarms().iter().filter_map(|a| a.name())),
                            ),
                            ("enabled", Value::Bool(config.enabled())),
                            (
                                "ignore_poll_alarm_failure",
                                Value::Bool(config.ignore_poll_alarm_failure()),
                            ),
                        ])
                    }),
            )
        }),
        read_block(
            Block::single("auto_rollback_configuration", rollback),
            |group: &G, _: &Reading| {
                one_block(
                    group
                        .info
                        .auto_rollback_configuration()
                        .filter(|config| config.enabled() || !config.events().is_empty())
                        .map(|config| {
                            Value::map([
                                ("enabled", Value::Bool(config.enabled())),
                                ("events", string_list(config.events().iter().map(|e| e.as_str()))),
                            ])
                        }),
                )
            },
        ),
        read_block(
            Block::single("blue_green_deployment_config", blue_green).computed(),
            |group: &G, at: &Reading| {
                let hint = single(at.prior, "blue_green_deployment_config");
                one_block(
                    group
                        .info
                        .blue_green_deployment_configuration()
                        .map(|config| blue_green_value(config, hint.unwrap_or(&Value::Null))),
                )
            },
        ),
        read_block(
            Block::single("deployment_style", style).computed(),
            |group: &G, _: &Reading| {
                one_block(group.info.deployment_style().map(|style| {
                    Value::map([
                        ("deployment_option", text(style.deployment_option().map(|o| o.as_str()))),
                        ("deployment_type", text(style.deployment_type().map(|t| t.as_str()))),
                    ])
                }))
            },
        ),
    ]
}

/// What is deployed to: EC2 tags, ECS services, load balancers, on-premises tags, and the
/// triggers.
fn target_blocks() -> Vec<Declared<Group>> {
    type G = Group;
    let ecs_service = Schema::new()
        .attr(Attribute::required("cluster_name", Type::String))
        .attr(Attribute::required("service_name", Type::String));
    let target_group = Block {
        max_items: Some(2),
        ..Block::list("target_group", Schema::new().attr(Attribute::required("name", Type::String)))
            .required()
    };
    let pair = Schema::new()
        .block(Block::single("prod_traffic_route", traffic_route_schema()).required())
        .block(target_group)
        .block(Block::single("test_traffic_route", traffic_route_schema()));
    let load_balancer = Schema::new()
        .block(Block::set("elb_info", name_schema()))
        .block(Block::set("target_group_info", name_schema()))
        .block(Block::single("target_group_pair_info", pair));
    let trigger = Schema::new()
        .attr(
            Attribute::required("trigger_events", Type::set(Type::String))
                .check(Check::OneOf(TRIGGER_EVENTS)),
        )
        .attr(Attribute::required("trigger_name", Type::String))
        .attr(Attribute::required("trigger_target_arn", Type::String).check(ARN));
    vec![
        read_block(Block::set("ec2_tag_filter", tag_filter_schema()), |group: &G, _: &Reading| {
            ec2_tag_filter_values(group.info.ec2_tag_filters())
        }),
        read_block(
            Block::set(
                "ec2_tag_set",
                Schema::new().block(Block::set("ec2_tag_filter", tag_filter_schema())),
            ),
            |group: &G, _: &Reading| {
                let sets = group.info.ec2_tag_set().map(|set| set.ec2_tag_set_list());
                Value::List(
                    sets.unwrap_or_default()
                        .iter()
                        .map(|filters| {
                            Value::map([("ec2_tag_filter", ec2_tag_filter_values(filters))])
                        })
                        .collect(),
                )
            },
        ),
        read_block(Block::single("ecs_service", ecs_service), |group: &G, _: &Reading| {
            Value::List(
                group
                    .info
                    .ecs_services()
                    .iter()
                    .map(|service| {
                        Value::map([
                            ("cluster_name", text(service.cluster_name())),
                            ("service_name", text(service.service_name())),
                        ])
                    })
                    .collect(),
            )
        }),
        read_block(Block::single("load_balancer_info", load_balancer), |group: &G, _: &Reading| {
            one_block(group.info.load_balancer_info().and_then(load_balancer_value))
        }),
        read_block(
            Block::set("on_premises_instance_tag_filter", tag_filter_schema()),
            |group: &G, _: &Reading| {
                Value::List(
                    group
                        .info
                        .on_premises_instance_tag_filters()
                        .iter()
                        .map(|f| {
                            tag_filter_value(f.key(), f.r#type().map(|t| t.as_str()), f.value())
                        })
                        .collect(),
                )
            },
        ),
        read_block(Block::set("trigger_configuration", trigger), |group: &G, _: &Reading| {
            Value::List(
                group
                    .info
                    .trigger_configurations()
                    .iter()
                    .map(|trigger| {
                        let events = trigger.trigger_events().iter().map(|e| e.as_str());
                        Value::map([
                            ("trigger_events", string_list(events)),
                            ("trigger_name", text(trigger.trigger_name())),
                            ("trigger_target_arn", text(trigger.trigger_target_arn())),
                        ])
                    })
                    .collect(),
            )
        }),
    ]
}

// --- plan-time checks ------------------------------------------------------------------------

/// The provider's `NoZeroValues` check of a string.
fn empty_problem(attribute: &str, value: &Value) -> Option<String> {
    (value.as_str() == Some("")).then(|| format!("{attribute} must not be empty, got "))
}

impl AwsObject for GroupObject {
    type Object = Group;
    const NAME: &'static str = "aws_codedeploy_deployment_group";
    const KIND: &'static str = "CodeDeploy deployment group";
    /// The key is the application and group name together ([`natural_key`]).
    const KEY: &'static str = "deployment_group_name";

    fn attributes() -> Vec<Declared<Group>> {
        let mut attributes = identity();
        attributes.extend(deployment_blocks());
        attributes.extend(target_blocks());
        attributes
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let mut check = |path: String, problem: Option<String>| {
            if let Some(message) = problem {
                problems.push((path, message));
            }
        };
        for (i, alarm) in blocks(config, "alarm_configuration").iter().enumerate() {
            let count = alarm.get("alarms").as_list().map_or(0, <[Value]>::len);
            check(
                format!("alarm_configuration[{i}].alarms"),
                (count > 10).then(|| {
                    format!("Attribute supports 10 item maximum, but config has {count} declared.")
                }),
            );
        }
        for (i, blue_green) in blocks(config, "blue_green_deployment_config").iter().enumerate() {
            let option = "terminate_blue_instances_on_deployment_success";
            let attribute = "termination_wait_time_in_minutes";
            for (j, terminate) in blocks(blue_green, option).iter().enumerate() {
                let wait = terminate.get(attribute).as_i64();
                check(
                    format!("blue_green_deployment_config[{i}].{option}[{j}].{attribute}"),
                    wait.filter(|minutes| *minutes > 2880).map(|minutes| {
                        format!("expected {attribute} to be at most (2880), got {minutes}")
                    }),
                );
            }
        }
        for (i, service) in blocks(config, "ecs_service").iter().enumerate() {
            for attribute in ["cluster_name", "service_name"] {
                check(
                    format!("ecs_service[{i}].{attribute}"),
                    empty_problem(attribute, service.get(attribute)),
                );
            }
        }
        for (i, balancer) in blocks(config, "load_balancer_info").iter().enumerate() {
            for (j, pair) in blocks(balancer, "target_group_pair_info").iter().enumerate() {
                let path = format!("load_balancer_info[{i}].target_group_pair_info[{j}]");
                for (k, group) in blocks(pair, "target_group").iter().enumerate() {
                    check(
                        format!("{path}.target_group[{k}].name"),
                        empty_problem("name", group.get("name")),
                    );
                }
            }
        }
        problems
    }

    fn key_of(value: &Value) -> Option<String> {
        natural_key(value).map(|key| joined(&key))
    }

    /// `<app_name>:<deployment_group_name>`, as the provider's importer takes it.
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        let parts: Vec<&str> = id.split(':').collect();
        match parts.as_slice() {
            [application, group] if !application.is_empty() && !group.is_empty() => {
                Ok(Value::map([
                    ("id", Value::string(id)),
                    ("app_name", Value::string(*application)),
                    ("deployment_group_name", Value::string(*group)),
                ]))
            }
            _ => Err(ProviderError::new(format!(
                "expected ID in format ApplicationName:DeploymentGroupName, received: {id}"
            ))),
        }
    }

    /// A group name is unique in its application; ours carries the managed tags.
    fn created_key(_operation: &Operation, planned: &Value) -> Option<String> {
        Self::key_of(planned)
    }

    /// The groups among `keys` that exist ([`groups`]), each under the key it was asked for.
    async fn describe(this: &ObjectType<Self>, keys: &[String]) -> DescribeResult<Group> {
        let wanted: Vec<(&String, Key)> =
            keys.iter().filter_map(|joined| Some((joined, split(joined)?))).collect();
        let natural: Vec<Key> = wanted.iter().map(|(_, key)| key.clone()).collect();
        let mut found = groups(this, &natural).await?;
        Ok(wanted
            .into_iter()
            .filter_map(|(joined, key)| Some((joined.clone(), found.remove(&key)?)))
            .collect())
    }

    /// The group as read right after it was written; gone is an error naming it
    /// `<app_name>:<deployment_group_name>`.
    async fn written(
        this: &AwsCodedeployDeploymentGroup,
        key: &str,
    ) -> Result<Tagged<Group>, ProviderError> {
        let shown = match split(key) {
            Some((application, group)) => format!("{application}:{group}"),
            None => key.to_string(),
        };
        this.found(key).await?.ok_or_else(|| vanished(Self::KIND, &shown))
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let key = planned_key(at.planned)?;
        let mut request = at
            .this
            .aws
            .clients()
            .await
            .codedeploy
            .create_deployment_group()
            .application_name(&key.0)
            .deployment_group_name(&key.1)
            .set_service_role_arn(string(at.planned, "service_role_arn"))
            .set_deployment_config_name(non_empty(at.planned, "deployment_config_name"))
            .set_outdated_instances_strategy(
                non_empty(at.planned, "outdated_instances_strategy")
                    .map(|s| OutdatedInstancesStrategy::from(s.as_str())),
            )
            .set_tags(Some(sdk_tags(&at.operation.tags_with_managed(at.planned))?));
        if boolean(at.planned, "termination_hook_enabled") == Some(true) {
            request = request.termination_hook_enabled(true);
        }
        let autoscaling_groups = strings(at.planned, "autoscaling_groups");
        if !autoscaling_groups.is_empty() {
            request = request.set_auto_scaling_groups(Some(autoscaling_groups));
        }
        if has_block(at.planned, "alarm_configuration") {
            request = request.alarm_configuration(alarm_configuration(at.planned));
        }
        if has_block(at.planned, "auto_rollback_configuration") {
            request = request.auto_rollback_configuration(auto_rollback_configuration(at.planned));
        }
        request = request
            .set_blue_green_deployment_configuration(blue_green_configuration(at.planned))
            .set_deployment_style(deployment_style(at.planned));
        if has_block(at.planned, "ec2_tag_filter") {
            request = request
                .set_ec2_tag_filters(Some(ec2_tag_filters(blocks(at.planned, "ec2_tag_filter"))));
        }
        if has_block(at.planned, "ec2_tag_set") {
            request = request.ec2_tag_set(ec2_tag_set(at.planned));
        }
        if has_block(at.planned, "ecs_service") {
            request = request.set_ecs_services(Some(ecs_services(at.planned)));
        }
        if has_block(at.planned, "load_balancer_info") {
            request = request.load_balancer_info(load_balancer_info(at.planned));
        }
        if has_block(at.planned, "on_premises_instance_tag_filter") {
            let filters = on_premises_tag_filters(at.planned);
            request = request.set_on_premises_instance_tag_filters(Some(filters));
        }
        if has_block(at.planned, "trigger_configuration") {
            request = request.set_trigger_configurations(Some(trigger_configurations(at.planned)));
        }
        retry_while(PROPAGATION_TIMEOUT, propagating, move || {
            let request = request.clone();
            async move { sent!(request) }
        })
        .await
        .map_err(|e| e.context(&format!("creating CodeDeploy Deployment Group ({})", key.1)))?;
        Ok(joined(&key))
    }

    /// Tags, then UpdateDeploymentGroup with the settings that changed; the key after is the
    /// planned one (the application and name as planned).
    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.codedeploy;
        let key = planned_key(at.planned)?;
        let (application, new_name) = &key;
        let old_name =
            string(at.prior, "deployment_group_name").unwrap_or_else(|| new_name.clone());
        // Tags first, on the ARN the group has now: under its application's current name (an
        // application renamed in place is renamed before its groups are updated) and the
        // group's old name.
        let prefix = arn_prefix(&at.this.aws).await?;
        let arn = group_arn(&prefix, application, &old_name);
        resource_tag_changes!(client, resource_arn(&arn), at.prior, at.planned);
        if SETTINGS.iter().any(|setting| changed(at.prior, at.planned, setting)) {
            let is = |setting: &str| changed(at.prior, at.planned, setting);
            let mut request = client
                .update_deployment_group()
                .application_name(application)
                .current_deployment_group_name(&old_name)
                .set_service_role_arn(string(at.planned, "service_role_arn"));
            if *new_name != old_name {
                request = request.new_deployment_group_name(new_name);
            }
            if is("deployment_style") {
                request = request.set_deployment_style(deployment_style(at.planned));
            }
            if is("deployment_config_name") {
                request = request
                    .set_deployment_config_name(string(at.planned, "deployment_config_name"));
            }
            // The provider sends the Auto Scaling groups with a changed blue/green
            // configuration too (except for ECS), as AWS needs them to copy a group.
            let ecs = has_block(at.planned, "ecs_service");
            if is("autoscaling_groups") || (is("blue_green_deployment_config") && !ecs) {
                request = request
                    .set_auto_scaling_groups(Some(strings(at.planned, "autoscaling_groups")));
            }
            // Tag filters are replaced whole, an empty list clears them.
            if is("on_premises_instance_tag_filter") {
                request = request.set_on_premises_instance_tag_filters(Some(
                    on_premises_tag_filters(at.planned),
                ));
            }
            if is("ec2_tag_set") {
                request = request.ec2_tag_set(ec2_tag_set(at.planned));
            }
            if is("ec2_tag_filter") {
                request = request.set_ec2_tag_filters(Some(ec2_tag_filters(blocks(
                    at.planned,
                    "ec2_tag_filter",
                ))));
            }
            if is("ecs_service") {
                request = request.set_ecs_services(Some(ecs_services(at.planned)));
            }
            if is("trigger_configuration") {
                request =
                    request.set_trigger_configurations(Some(trigger_configurations(at.planned)));
            }
            if is("auto_rollback_configuration") {
                request =
                    request.auto_rollback_configuration(auto_rollback_configuration(at.planned));
            }
            if is("alarm_configuration") {
                request = request.alarm_configuration(alarm_configuration(at.planned));
            }
            if is("load_balancer_info") {
                request = request.load_balancer_info(load_balancer_info(at.planned));
            }
            if is("blue_green_deployment_config") {
                let blue_green = blue_green_configuration(at.planned);
                request = request.set_blue_green_deployment_configuration(blue_green);
            }
            if is("outdated_instances_strategy") {
                // An unset strategy is AWS's default, UPDATE.
                let strategy = non_empty(at.planned, "outdated_instances_strategy")
                    .unwrap_or_else(|| "UPDATE".to_string());
                let strategy = OutdatedInstancesStrategy::from(strategy.as_str());
                request = request.outdated_instances_strategy(strategy);
            }
            if is("termination_hook_enabled") {
                request = request.termination_hook_enabled(
                    boolean(at.planned, "termination_hook_enabled").unwrap_or(false),
                );
            }
            retry_while(PROPAGATION_TIMEOUT, propagating, move || {
                let request = request.clone();
                async move { sent!(request) }
            })
            .await
            .map_err(|e| {
                e.context(&format!(
                    "updating CodeDeploy deployment group ({application}:{old_name})"
                ))
            })?;
        }
        Ok(joined(&key))
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let Some((application, group)) = natural_key(at.prior) else {
            return Ok(());
        };
        match sent!(at
            .this
            .aws
            .clients()
            .await
            .codedeploy
            .delete_deployment_group()
            .application_name(&application)
            .deployment_group_name(&group))
        {
            Ok(_) => Ok(()),
            Err(error)
                if matches!(error.code.as_deref(), Some(GROUP_MISSING | APPLICATION_MISSING)) =>
            {
                Ok(())
            }
            Err(error) => Err(error
                .context(&format!("deleting CodeDeploy Deployment Group ({application}:{group})"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use infra_core::ResourceType;

    use super::*;
    use crate::Aws;

    fn group_type() -> AwsCodedeployDeploymentGroup {
        AwsCodedeployDeploymentGroup::new(Aws::new(crate::ProviderSettings::default()))
    }

    #[test]
    fn import_needs_application_and_group() {
        let group = group_type();
        let prior = group.import_prior("orders:blue").unwrap_or(Value::Null);
        assert_eq!(prior.get("app_name").as_str(), Some("orders"));
        assert_eq!(prior.get("deployment_group_name").as_str(), Some("blue"));
        let error = group.import_prior("orders").err().map(|e| e.message);
        assert_eq!(
            error.as_deref(),
            Some("expected ID in format ApplicationName:DeploymentGroupName, received: orders")
        );
    }

    #[test]
    fn the_key_is_the_application_and_the_group_name() {
        let value = Value::map([
            ("app_name", Value::string("orders")),
            ("deployment_group_name", Value::string("blue")),
        ]);
        let key = GroupObject::key_of(&value).unwrap_or_default();
        assert_eq!(split(&key), Some(("orders".into(), "blue".into())));
        assert_eq!(GroupObject::key_of(&Value::map([("app_name", Value::string("a"))])), None);
    }

    #[test]
    fn wait_times_of_zero_read_as_unset_unless_configured() {
        assert_eq!(minutes(0, &Value::Null), Value::Null);
        assert_eq!(minutes(0, &Value::Number(0.0)), Value::Number(0.0));
        assert_eq!(minutes(5, &Value::Null), Value::Number(5.0));
    }

    #[test]
    fn plan_checks_follow_the_provider() {
        let problems = group_type().problems(&Value::map([
            ("app_name", Value::string("app")),
            ("deployment_group_name", Value::string("group")),
            ("service_role_arn", Value::string("role")),
            (
                "trigger_configuration",
                Value::List(vec![Value::map([
                    ("trigger_events", string_list(["DeploymentBoom"])),
                    ("trigger_name", Value::string("t")),
                    ("trigger_target_arn", Value::string("arn:aws:sns:us-east-1:123456789012:t")),
                ])]),
            ),
        ]));
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(
            problems[0].1,
            "\"service_role_arn\" (role) is an invalid ARN: arn: invalid prefix"
        );
        assert!(problems[1]
            .1
            .starts_with("expected trigger_events to be one of [\"DeploymentStart\""));
    }

    #[test]
    fn removed_configurations_are_sent_switched_off() {
        let none = Value::map([("alarm_configuration", Value::List(vec![]))]);
        let alarms = alarm_configuration(&none);
        assert!(!alarms.enabled());
        assert!(alarms.alarms().is_empty());
        let balancer = load_balancer_info(&Value::Null);
        assert!(balancer.target_group_pair_info_list().is_empty());
    }
}
