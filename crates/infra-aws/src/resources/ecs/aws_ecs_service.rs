//! `aws_ecs_service`: an ECS service with rolling updates (deployment circuit breaker and
//! rollback included).
//!
//! Blue/green (`deployment_configuration { strategy = "BLUE_GREEN" }` and
//! `load_balancer.advanced_configuration`) is accepted and kept as configuration here; the
//! engine's blue/green deployer orchestrates it with the building blocks below
//! ([`create_service`], [`update_service`], [`describe_services`], [`wait_for_steady_state`],
//! [`scale_down_and_delete`], and the declared type's `value_of` of a [`tagged`] service).
//!
//! Refresh is DescribeServices per cluster, 10 services a call (missing services come back in
//! `failures`, deleted ones as `INACTIVE`), tags included. `service_connect_configuration`,
//! `volume_configuration` and `vpc_lattice_configurations` are read from the PRIMARY
//! deployment; when ECS reports none there, the configured value is kept.
//!
//! The ID is the service's ARN. Import takes Terraform's ID, `CLUSTER/SERVICE` (the provider's
//! `resourceServiceImport`; another form is its "wrong format of resource" error), and reads
//! the service by that cluster and name: the ID and `cluster` read back as ARNs, as the
//! provider sets them. A blue/green service is two ECS services (`<name>-blue`,
//! `<name>-green`) and runtime state, not one object: importing it finds no `<name>`.
//!
//! A DAEMON service runs one task per instance: as the provider, infra sends no count and no
//! maximum percent for it (the minimum only when set), and keeps the configured count and the
//! default percentages where ECS reports its own.
//!
//! With `deployment_controller { type = "CODE_DEPLOY" }` the deployment tool owns the task
//! definition and the load balancers: drift on `task_definition` and `load_balancer` is ignored,
//! as the provider does. With `force_new_deployment = true` every update redeploys
//! (`forceNewDeployment`), and a `triggers` change is one (but removing them all is no change);
//! without it `triggers` plan no change, as the provider's CustomizeDiff clears them. `force_new_deployment`,
//! `force_delete` and `triggers` are configuration only (delete always scales to zero and
//! forces).
//!
//! moto does not return `capacity_provider_strategy`, `ordered_placement_strategy`,
//! `placement_constraints`, `availability_zone_rebalancing`, `alarms`,
//! `service_connect_configuration`, `volume_configuration` or `vpc_lattice_configurations`
//! (`enable_execute_command` and `enable_ecs_managed_tags` it returns through the test
//! server's patch, `tests/support/moto_server.py`), so drift on them is not seen in tests (`alarms` and the three deployment-level blocks fall back to the configuration when
//! the answer has none, as for the other deployment settings).

use std::collections::BTreeMap;

use super::service_deployment;
use std::time::Duration;

use aws_sdk_ecs::types::{
    AvailabilityZoneRebalancing, Deployment, DeploymentAlarms, DeploymentCircuitBreaker,
    DeploymentConfiguration, DeploymentController, DeploymentControllerType, EbsResourceType,
    EbsTagSpecification, LaunchType, LogConfiguration, LogDriver, PlacementConstraint,
    PlacementConstraintType, PlacementStrategy, PlacementStrategyType, PropagateTags,
    SchedulingStrategy, Secret, Service, ServiceConnectAccessLogConfiguration,
    ServiceConnectAccessLoggingFormat, ServiceConnectClientAlias, ServiceConnectConfiguration,
    ServiceConnectIncludeQueryParameters, ServiceConnectService,
    ServiceConnectTestTrafficHeaderMatchRules, ServiceConnectTestTrafficHeaderRules,
    ServiceConnectTestTrafficRules, ServiceConnectTlsCertificateAuthority,
    ServiceConnectTlsConfiguration, ServiceField, ServiceManagedEbsVolumeConfiguration,
    ServiceVolumeConfiguration, Tag, TaskFilesystemType, TimeoutConfiguration,
    VpcLatticeConfiguration,
};
use infra_core::{
    Attribute, Block, Check, ProviderError, Schema, TextCheck, Timeouts, Type, Value,
};

use crate::app_support::{
    blocks, boolean, changed, int, number, sent, single, string, string_list, string_map, strings,
    text, vanished, wait_for,
};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged, Updating,
};
use crate::blue_green::deploy::PAUSE_SIGNAL_TAG;
use crate::declared::{copied, read, read_block, Declared, Reading};
use crate::ec2_support::token_of;
use crate::ecs_support::{
    active_by_key, capacity_provider_strategy_block, capacity_provider_strategy_to_sdk,
    capacity_provider_strategy_value, has_managed_tags, launch_type_conflict,
    load_balancer_entries, load_balancers_to_sdk, network_configuration_block, network_to_sdk,
    network_value, secrets_value, service_registries_block, service_registries_to_sdk,
    service_registries_value, tags_from_sdk, tags_to_sdk, update_tags,
};
use crate::error::is_not_found;
use crate::tagging::ManagedTags;
use crate::verify::ARN;
use crate::Aws;

/// The tag naming the `aws_ecs_service` a colour service belongs to, so the pair can be found
/// (and cleaned up) from AWS alone.
pub const COLOUR_OF_TAG: &str = "infra:colour-of";

/// DescribeServices takes at most 10 services a call (moto accepts more; AWS does not).
pub const SERVICES_PER_CALL: usize = 10;

/// `aws_ecs_service`, declared once ([`EcsServiceObject`]).
pub type AwsEcsService = ObjectType<EcsServiceObject>;

/// What makes `aws_ecs_service`: its attributes, each read from ECS's `Service` with the prior
/// (or planned) value as the hint, and its per-cluster describe, writes and lost-create lookup.
pub struct EcsServiceObject;

// ---- The declaration ----

/// The service's attributes, in the order they have always been declared, each with how it
/// is read; `hint` (the reading's prior) supplies what ECS does not report.
fn service_attributes() -> Vec<Declared<Service>> {
    vec![
        read(Attribute::computed("id", Type::String), |s: &Service, _| {
            Value::string(s.service_arn().unwrap_or_default())
        }),
        read(Attribute::computed("arn", Type::String), |s: &Service, _| {
            Value::string(s.service_arn().unwrap_or_default())
        }),
        read(Attribute::required("name", Type::String).force_new(), |s: &Service, _| {
            text(s.service_name())
        }),
        read(
            Attribute::optional_computed("cluster", Type::String).force_new(),
            |s: &Service, at: &Reading| same_or_reported(s.cluster_arn(), at.prior.get("cluster")),
        ),
        read(Attribute::optional("task_definition", Type::String), |s: &Service, at: &Reading| {
            kept_for_code_deploy(s, at.prior, "task_definition").unwrap_or_else(|| {
                same_or_reported(s.task_definition(), at.prior.get("task_definition"))
            })
        }),
        copied(Attribute::optional("sigint_rollback", Type::Bool)),
        read(
            Attribute::optional("desired_count", Type::Number)
                .default(Value::Number(1.0))
                .check(Check::Range(0, 100_000)),
            desired_count_value,
        ),
        read(
            Attribute::optional_computed("launch_type", Type::String)
                .check(Check::OneOf(&["EC2", "FARGATE", "EXTERNAL"]))
                .force_new(),
            |s: &Service, _| text(s.launch_type().map(|l| l.as_str())),
        ),
        read(
            Attribute::optional_computed("platform_version", Type::String),
            |s: &Service, at: &Reading| match s.platform_version() {
                Some(version) => Value::string(version),
                None if at.prior.get("platform_version").is_unknown() => Value::Null,
                None => at.prior.get("platform_version").clone(),
            },
        ),
        read(
            Attribute::optional("deployment_minimum_healthy_percent", Type::Number)
                .default(Value::Number(100.0))
                .check(Check::Range(0, 100)),
            |s: &Service, at: &Reading| {
                let reported = s.deployment_configuration();
                let reported = reported.and_then(|d| d.minimum_healthy_percent());
                percent_value(s, at.prior, "deployment_minimum_healthy_percent", 100.0, reported)
            },
        ),
        read(
            Attribute::optional("deployment_maximum_percent", Type::Number)
                .default(Value::Number(200.0))
                .check(Check::Range(0, 2000)),
            |s: &Service, at: &Reading| {
                let reported = s.deployment_configuration().and_then(|d| d.maximum_percent());
                percent_value(s, at.prior, "deployment_maximum_percent", 200.0, reported)
            },
        ),
        read(
            Attribute::optional("health_check_grace_period_seconds", Type::Number)
                .check(Check::Range(0, 2_147_483_647)),
            |s: &Service, at: &Reading| match s.health_check_grace_period_seconds() {
                Some(0) | None => at.prior.get("health_check_grace_period_seconds").clone(),
                Some(n) => number(Some(i64::from(n))),
            },
        ),
        read(
            Attribute::optional("enable_execute_command", Type::Bool).default(Value::Bool(false)),
            |s: &Service, _| Value::Bool(s.enable_execute_command()),
        ),
        read(
            Attribute::optional("propagate_tags", Type::String)
                .check(Check::OneOf(&["SERVICE", "TASK_DEFINITION", "NONE"]))
                .stored_when_unset(Value::string("NONE")),
            |s: &Service, at: &Reading| match s.propagate_tags().map(|p| p.as_str()) {
                Some("NONE") | None if at.prior.get("propagate_tags").as_str() != Some("NONE") => {
                    Value::Null
                }
                other => text(other),
            },
        ),
        kept_or(
            Attribute::optional("wait_for_steady_state", Type::Bool).default(Value::Bool(false)),
            Value::Bool(false),
        ),
        read(
            Attribute::optional_computed("iam_role", Type::String).force_new(),
            |s: &Service, at: &Reading| match s.role_arn() {
                Some(role) => same_or_reported(Some(role), at.prior.get("iam_role")),
                None => Value::Null,
            },
        ),
        read(
            Attribute::optional("enable_ecs_managed_tags", Type::Bool).default(Value::Bool(false)),
            |s: &Service, _| Value::Bool(s.enable_ecs_managed_tags()),
        ),
        read(
            Attribute::optional("scheduling_strategy", Type::String)
                .default(Value::string("REPLICA"))
                .check(Check::OneOf(&["REPLICA", "DAEMON"]))
                .force_new(),
            |s: &Service, at: &Reading| match s.scheduling_strategy() {
                Some(strategy) => Value::string(strategy.as_str()),
                None => at.prior.get("scheduling_strategy").clone(),
            },
        ),
        read(
            Attribute::optional_computed("availability_zone_rebalancing", Type::String)
                .check(Check::OneOf(&["ENABLED", "DISABLED"])),
            |s: &Service, _| text(s.availability_zone_rebalancing().map(|r| r.as_str())),
        ),
        copied(Attribute::optional("force_new_deployment", Type::Bool)),
        copied(Attribute::optional("force_delete", Type::Bool)),
        copied(Attribute::optional("triggers", Type::map(Type::String))),
    ]
}

/// The service's blocks, in the order they have always been declared, each with how it is
/// read.
fn service_blocks() -> Vec<Declared<Service>> {
    vec![
        read_block(
            capacity_provider_strategy_block("capacity_provider_strategy"),
            |s: &Service, _| capacity_provider_strategy_value(s.capacity_provider_strategy()),
        ),
        read_block(
            Block::single(
                "deployment_controller",
                Schema::new().attr(
                    Attribute::optional("type", Type::String)
                        .default(Value::string("ECS"))
                        .check(Check::OneOf(&["ECS", "CODE_DEPLOY", "EXTERNAL"])),
                ),
            )
            .kept_when_unset(),
            |s: &Service, at: &Reading| controller_value(controller_type(s), at.prior),
        ),
        read_block(
            Block {
                max_items: Some(5),
                ..Block::list(
                    "ordered_placement_strategy",
                    Schema::new()
                        .attr(
                            Attribute::required("type", Type::String)
                                .check(Check::OneOf(&["binpack", "random", "spread"])),
                        )
                        .attr(Attribute::optional("field", Type::String)),
                )
            },
            ordered_placement_strategy_value,
        ),
        read_block(
            Block {
                max_items: Some(10),
                ..Block::set(
                    "placement_constraints",
                    Schema::new()
                        .attr(
                            Attribute::required("type", Type::String)
                                .check(Check::OneOf(&["memberOf", "distinctInstance"])),
                        )
                        .attr(Attribute::optional("expression", Type::String)),
                )
            },
            |s: &Service, _| placement_constraints_value(s),
        ),
        read_block(service_registries_block(), |s: &Service, _| {
            service_registries_value(s.service_registries())
        }),
        read_block(
            Block::single(
                "alarms",
                Schema::new()
                    .attr(Attribute::required("alarm_names", Type::set(Type::String)))
                    .attr(Attribute::required("enable", Type::Bool))
                    .attr(Attribute::required("rollback", Type::Bool)),
            )
            .kept_when_unset(),
            |s: &Service, at: &Reading| alarms_value(s.deployment_configuration(), at.prior),
        ),
        read_block(
            Block::single("service_connect_configuration", service_connect_schema()),
            |s: &Service, at: &Reading| match primary_deployment(s)
                .and_then(|d| d.service_connect_configuration())
            {
                Some(config) => Value::List(vec![service_connect_value(config)]),
                None => list_or_empty(at.prior.get("service_connect_configuration")),
            },
        ),
        read_block(
            Block::single("volume_configuration", volume_configuration_schema()),
            |s: &Service, at: &Reading| match primary_deployment(s)
                .map(|d| d.volume_configurations())
            {
                Some(volumes) if !volumes.is_empty() => {
                    Value::List(volumes.iter().map(volume_value).collect())
                }
                _ => list_or_empty(at.prior.get("volume_configuration")),
            },
        ),
        read_block(
            Block::set(
                "vpc_lattice_configurations",
                Schema::new()
                    .attr(Attribute::required("role_arn", Type::String).check(ARN))
                    .attr(Attribute::required("target_group_arn", Type::String).check(ARN))
                    .attr(Attribute::required("port_name", Type::String).check(Check::Text(
                        TextCheck {
                            name: "VPC Lattice port name",
                            check: |_, name| lattice_port_name_problem(name),
                        },
                    ))),
            ),
            vpc_lattice_value,
        ),
        read_block(network_configuration_block(), |s: &Service, at: &Reading| {
            network_value(s.network_configuration(), at.prior)
        }),
        read_block(
            Block::set("load_balancer", load_balancer_schema()),
            |s: &Service, at: &Reading| {
                kept_for_code_deploy(s, at.prior, "load_balancer")
                    .unwrap_or_else(|| load_balancer_value(s, at.prior))
            },
        ),
        kept_block_or_empty(Block::single(
            "deployment_configuration",
            deployment_configuration_schema(),
        )),
        read_block(
            Block::single(
                "deployment_circuit_breaker",
                Schema::new()
                    .attr(Attribute::required("enable", Type::Bool))
                    .attr(Attribute::required("rollback", Type::Bool)),
            )
            .kept_when_unset(),
            |s: &Service, at: &Reading| {
                circuit_breaker_value(s.deployment_configuration(), at.prior)
            },
        ),
    ]
}

/// A configuration-only attribute ECS does not report: as the hint holds it, `empty` where
/// the hint holds none.
fn kept_or(attribute: Attribute, empty: Value) -> Declared<Service> {
    let name = attribute.name;
    read(attribute, kept_in_hint(name, empty))
}

/// A configuration-only block ECS does not report (`deployment_configuration`): as the hint
/// holds it, no block where the hint holds none.
fn kept_block_or_empty(block: Block) -> Declared<Service> {
    let name = block.name;
    read_block(block, kept_in_hint(name, Value::List(vec![])))
}

/// The reader of [`kept_or`] and [`kept_block_or_empty`]: the hint's `name`, else `empty`.
fn kept_in_hint(
    name: &'static str,
    empty: Value,
) -> impl Fn(&Service, &Reading) -> Value + Send + Sync + 'static {
    move |_: &Service, at: &Reading| {
        let kept = at.prior.get(name);
        match kept.is_null() {
            true => empty.clone(),
            false => kept.clone(),
        }
    }
}

/// `volume_configuration`'s schema: a name and the required `managed_ebs_volume`.
fn volume_configuration_schema() -> Schema {
    Schema::new()
        .attr(Attribute::required("name", Type::String))
        .block(Block::single("managed_ebs_volume", managed_ebs_volume_schema()).required())
}

fn managed_ebs_volume_schema() -> Schema {
    Schema::new()
        .attr(Attribute::required("role_arn", Type::String).check(ARN))
        .attr(Attribute::optional("encrypted", Type::Bool).default(Value::Bool(true)))
        .attr(
            Attribute::optional("file_system_type", Type::String)
                .default(Value::string("xfs"))
                .check(Check::OneOf(&["ext3", "ext4", "xfs", "ntfs"])),
        )
        .attr(Attribute::optional("iops", Type::Number))
        .attr(Attribute::optional("kms_key_id", Type::String))
        .attr(Attribute::optional("size_in_gb", Type::Number))
        .attr(Attribute::optional("snapshot_id", Type::String))
        .attr(Attribute::optional("throughput", Type::Number).check(Check::Range(0, 1000)))
        .attr(Attribute::optional("volume_initialization_rate", Type::Number))
        .attr(Attribute::optional("volume_type", Type::String))
        .block(Block::list(
            "tag_specifications",
            Schema::new()
                .attr(
                    Attribute::required("resource_type", Type::String)
                        .check(Check::OneOf(&["volume"])),
                )
                .attr(Attribute::optional("propagate_tags", Type::String).check(Check::OneOf(&[
                    "TASK_DEFINITION",
                    "SERVICE",
                    "NONE",
                ])))
                .attr(Attribute::optional("tags", Type::map(Type::String))),
        ))
}

/// `load_balancer`'s schema, with the blue/green `advanced_configuration`.
fn load_balancer_schema() -> Schema {
    Schema::new()
        .attr(Attribute::optional("elb_name", Type::String))
        .attr(Attribute::optional("target_group_arn", Type::String).check(ARN))
        .attr(Attribute::required("container_name", Type::String))
        .attr(Attribute::required("container_port", Type::Number).check(Check::Port))
        .block(Block::single(
            "advanced_configuration",
            Schema::new()
                .attr(Attribute::required("alternate_target_group_arn", Type::String).check(ARN))
                .attr(Attribute::required("production_listener_rule", Type::String).check(ARN))
                .attr(Attribute::optional("role_arn", Type::String).check(ARN))
                .attr(Attribute::optional("test_listener_rule", Type::String).check(ARN)),
        ))
}

/// `deployment_configuration`'s schema: the strategy and its blocks, then the blue/green
/// settings.
fn deployment_configuration_schema() -> Schema {
    let schema = Schema::new()
        .attr(Attribute::optional("strategy", Type::String).check(Check::OneOf(&[
            "ROLLING",
            "BLUE_GREEN",
            "LINEAR",
            "CANARY",
        ])))
        .block(Block::single(
            "linear_configuration",
            Schema::new()
                .attr(Attribute::optional("step_percent", Type::Number).check(Check::Range(3, 100)))
                .attr(
                    Attribute::optional("step_bake_time_in_minutes", Type::String)
                        .check(Check::Range(0, 1440)),
                ),
        ))
        .block(Block::single(
            "canary_configuration",
            Schema::new()
                .attr(
                    Attribute::optional("canary_percent", Type::Number).check(Check::Range(0, 100)),
                )
                .attr(
                    Attribute::optional("canary_bake_time_in_minutes", Type::String)
                        .check(Check::Range(0, 1440)),
                ),
        ))
        // Run by the blue/green deploy at their stages: a Lambda function invoked (AWS_LAMBDA,
        // ECS's default), or a pause until `infra deployments continue|rollback` or the
        // timeout (PAUSE, provider 6.66). hook_target_arn and role_arn are required for
        // AWS_LAMBDA and not taken for PAUSE (`service_deployment::validate`).
        .block(Block::set(
            "lifecycle_hook",
            Schema::new()
                .attr(Attribute::optional("hook_target_arn", Type::String).check(ARN))
                .attr(Attribute::optional("role_arn", Type::String).check(ARN))
                .attr(Attribute::required("lifecycle_stages", Type::list(Type::String)))
                .attr(Attribute::optional("hook_details", Type::String))
                .attr(
                    Attribute::optional("target_type", Type::String)
                        .default(Value::string("AWS_LAMBDA"))
                        .check(Check::OneOf(&["AWS_LAMBDA", "PAUSE"])),
                )
                // Optional+Computed, with both its attributes (terraform-provider-aws #48128,
                // which added PAUSE hooks): AWS reports a timeout for every hook and the
                // provider stores it for PAUSE hooks, so a Terraform-written state holds
                // [{ROLLBACK, "1440"}] where the configuration has no block; left out of the
                // configuration, the block keeps what the state has.
                .block(
                    Block::single(
                        "timeout_configuration",
                        Schema::new()
                            .attr(
                                Attribute::optional_computed("action", Type::String)
                                    .stored_when_unset(Value::string("ROLLBACK"))
                                    .check(Check::OneOf(&["ROLLBACK", "CONTINUE"])),
                            )
                            // A string in the provider's schema (its nullable int), as the
                            // bake times are: "1" to "20160" minutes.
                            .attr(Attribute::optional_computed("timeout_in_minutes", Type::String)),
                    )
                    .computed(),
                ),
        ));
    blue_green_attributes().into_iter().fold(schema, Schema::attr)
}

/// `deployment_configuration`'s blue/green attributes.
fn blue_green_attributes() -> Vec<Attribute> {
    vec![
        Attribute::optional("keep_failed_colour", Type::Bool),
        // A string, as the provider's nullable int is stored (so are the linear and canary
        // bake times): a configured 10 is "10" in the state, as Terraform writes it.
        Attribute::optional("bake_time_in_minutes", Type::String).check(Check::Range(0, 1440)),
        // infra's blue/green extension settings (documented in the README), each
        // bounded so that a mistyped figure is an error, not a wait of centuries:
        Attribute::optional("traffic_shift", Type::String).check(Check::OneOf(&[
            "all_at_once",
            "canary",
            "linear",
        ])),
        Attribute::optional("shift_percent", Type::Number).check(Check::Range(1, 100)),
        Attribute::optional("shift_interval_seconds", Type::Number).check(Check::Range(0, 86_400)),
        Attribute::optional("error_threshold_percent", Type::Number).check(Check::Range(0, 100)),
        Attribute::optional("minimum_request_count", Type::Number)
            .check(Check::Range(1, 1_000_000_000)),
        Attribute::optional("health_gate_timeout_seconds", Type::Number)
            .check(Check::Range(0, 86_400)),
        Attribute::optional("standby_retention_minutes", Type::Number)
            .check(Check::Range(0, 43_200)),
        Attribute::optional("poll_interval_seconds", Type::Number).check(Check::Range(0, 3_600)),
    ]
}

/// `service_connect_configuration`'s schema.
fn service_connect_schema() -> Schema {
    Schema::new()
        .attr(Attribute::required("enabled", Type::Bool))
        // Optional+Computed, as the provider has them: what ECS fills in when they are left
        // out (the cluster's default namespace, the port name as the discovery name, the
        // DNS name `discoveryName.namespace`) is not drift.
        .attr(Attribute::optional_computed("namespace", Type::String))
        .block(Block::single(
            "access_log_configuration",
            Schema::new()
                .attr(
                    Attribute::required("format", Type::String)
                        .check(Check::OneOf(&["TEXT", "JSON"])),
                )
                .attr(
                    Attribute::optional_computed("include_query_parameters", Type::String)
                        .check(Check::OneOf(&["DISABLED", "ENABLED"])),
                ),
        ))
        .block(Block::single(
            "log_configuration",
            Schema::new()
                .attr(Attribute::required("log_driver", Type::String).check(Check::OneOf(&[
                    "awsfirelens",
                    "awslogs",
                    "fluentd",
                    "gelf",
                    "journald",
                    "json-file",
                    "splunk",
                    "syslog",
                ])))
                .attr(Attribute::optional_computed("options", Type::map(Type::String)))
                .block(Block::list(
                    "secret_option",
                    Schema::new()
                        .attr(Attribute::required("name", Type::String))
                        .attr(Attribute::required("value_from", Type::String)),
                )),
        ))
        .block(Block::list(
            "service",
            Schema::new()
                .attr(Attribute::required("port_name", Type::String))
                .attr(Attribute::optional_computed("discovery_name", Type::String))
                .attr(
                    Attribute::optional("ingress_port_override", Type::Number)
                        .check(Check::Range(0, 65535)),
                )
                .block(Block::single(
                    "client_alias",
                    Schema::new()
                        .attr(
                            Attribute::required("port", Type::Number).check(Check::Range(0, 65535)),
                        )
                        .attr(Attribute::optional_computed("dns_name", Type::String))
                        .block(test_traffic_rules_block()),
                ))
                .block(Block::single(
                    "timeout",
                    Schema::new()
                        .attr(
                            Attribute::optional("idle_timeout_seconds", Type::Number)
                                .check(Check::Range(0, 2_147_483_647)),
                        )
                        .attr(
                            Attribute::optional("per_request_timeout_seconds", Type::Number)
                                .check(Check::Range(0, 2_147_483_647)),
                        ),
                ))
                .block(Block::single(
                    "tls",
                    Schema::new()
                        .attr(Attribute::optional("kms_key", Type::String))
                        .attr(Attribute::optional("role_arn", Type::String).check(ARN))
                        .block(
                            Block::single(
                                "issuer_cert_authority",
                                Schema::new().attr(
                                    Attribute::required("aws_pca_authority_arn", Type::String)
                                        .check(ARN),
                                ),
                            )
                            .required(),
                        ),
                )),
        ))
}

/// `client_alias.test_traffic_rules` (provider 6.x): the header a request carries to reach
/// the test revision during an ECS blue/green deployment with Service Connect. It is
/// configuration passed to ECS; infra's own blue/green deploy (two ECS services) does not use
/// it. A list without a limit, as the provider declares it; ECS takes one rule object, so a
/// second block is a plan-time error ([`test_traffic_rules_problems`]) where the provider sends
/// the first and drops the rest.
fn test_traffic_rules_block() -> Block {
    Block::list(
        "test_traffic_rules",
        Schema::new().block(Block::single(
            "header",
            Schema::new().attr(Attribute::required("name", Type::String)).block(
                Block::single(
                    "value",
                    Schema::new().attr(Attribute::required("exact", Type::String)),
                )
                .required(),
            ),
        )),
    )
}

/// The cluster a value names, `default` when unset (as ECS does).
fn cluster_of(value: &Value) -> String {
    string(value, "cluster").unwrap_or_else(|| "default".to_string())
}

/// Whether a service value is scheduled as a DAEMON (one task per container instance).
fn is_daemon(value: &Value) -> bool {
    string(value, "scheduling_strategy").as_deref() == Some("DAEMON")
}

/// The deployment percentages sent, as the provider sends them: both for a REPLICA service;
/// for a DAEMON service, whose maximum ECS sets itself, the minimum only, on create only when
/// it is not the default 100.
fn percents_to_sdk(value: &Value, update: bool) -> (Option<i32>, Option<i32>) {
    let minimum = int(value, "deployment_minimum_healthy_percent");
    if is_daemon(value) {
        let minimum = if update { minimum } else { minimum.filter(|m| *m != 100) };
        (minimum, None)
    } else {
        (minimum, int(value, "deployment_maximum_percent"))
    }
}

fn deployment_to_sdk(
    value: &Value,
    update: bool,
) -> Result<DeploymentConfiguration, ProviderError> {
    let (minimum, maximum) = percents_to_sdk(value, update);
    let breaker = single(value, "deployment_circuit_breaker").map(|b| {
        DeploymentCircuitBreaker::builder()
            .enable(boolean(b, "enable").unwrap_or(false))
            .rollback(boolean(b, "rollback").unwrap_or(false))
            .build()
    });
    let alarms = match single(value, "alarms") {
        Some(a) => Some(built(
            DeploymentAlarms::builder()
                .set_alarm_names(Some(strings(a, "alarm_names")))
                .enable(boolean(a, "enable").unwrap_or(false))
                .rollback(boolean(a, "rollback").unwrap_or(false))
                .build(),
            "alarms",
        )?),
        None => None,
    };
    Ok(DeploymentConfiguration::builder()
        .set_minimum_healthy_percent(minimum)
        .set_maximum_percent(maximum)
        .set_deployment_circuit_breaker(breaker)
        .set_alarms(alarms)
        .build())
}

/// An SDK builder's result as a provider error naming the block.
fn built<T, E: std::fmt::Display>(result: Result<T, E>, what: &str) -> Result<T, ProviderError> {
    result.map_err(|error| ProviderError::new(format!("{what}: {error}")))
}

/// `Some(items)` unless empty.
fn non_empty_list<T>(items: Vec<T>) -> Option<Vec<T>> {
    (!items.is_empty()).then_some(items)
}

fn placement_strategy_to_sdk(value: &Value) -> Vec<PlacementStrategy> {
    blocks(value, "ordered_placement_strategy")
        .iter()
        .map(|b| {
            PlacementStrategy::builder()
                .set_type(string(b, "type").map(|t| PlacementStrategyType::from(t.as_str())))
                .set_field(string(b, "field"))
                .build()
        })
        .collect()
}

fn placement_constraints_to_sdk(value: &Value) -> Vec<PlacementConstraint> {
    blocks(value, "placement_constraints")
        .iter()
        .map(|b| {
            PlacementConstraint::builder()
                .set_type(string(b, "type").map(|t| PlacementConstraintType::from(t.as_str())))
                .set_expression(string(b, "expression"))
                .build()
        })
        .collect()
}

fn controller_to_sdk(value: &Value) -> Result<Option<DeploymentController>, ProviderError> {
    single(value, "deployment_controller")
        .map(|b| {
            built(
                DeploymentController::builder()
                    .r#type(DeploymentControllerType::from(
                        string(b, "type").unwrap_or_else(|| "ECS".into()).as_str(),
                    ))
                    .build(),
                "deployment_controller",
            )
        })
        .transpose()
}

/// The deployment controller a value asks for (`ECS` without the block).
fn controller_of(value: &Value) -> String {
    single(value, "deployment_controller")
        .and_then(|b| string(b, "type"))
        .unwrap_or_else(|| "ECS".to_string())
}

fn service_connect_to_sdk(
    value: &Value,
) -> Result<Option<ServiceConnectConfiguration>, ProviderError> {
    let Some(config) = single(value, "service_connect_configuration") else {
        return Ok(None);
    };
    let log = match single(config, "log_configuration") {
        Some(log) => {
            let secrets = blocks(log, "secret_option")
                .iter()
                .map(|secret| {
                    built(
                        Secret::builder()
                            .set_name(string(secret, "name"))
                            .set_value_from(string(secret, "value_from"))
                            .build(),
                        "service_connect_configuration.log_configuration.secret_option",
                    )
                })
                .collect::<Result<Vec<_>, _>>()?;
            let options = string_map(log, "options");
            Some(built(
                LogConfiguration::builder()
                    .set_log_driver(string(log, "log_driver").map(|d| LogDriver::from(d.as_str())))
                    .set_options(options)
                    .set_secret_options(non_empty_list(secrets))
                    .build(),
                "service_connect_configuration.log_configuration",
            )?)
        }
        None => None,
    };
    let mut services = Vec::new();
    for service in blocks(config, "service") {
        let aliases = blocks(service, "client_alias")
            .iter()
            .map(|alias| {
                built(
                    ServiceConnectClientAlias::builder()
                        .set_port(int(alias, "port"))
                        .set_dns_name(string(alias, "dns_name"))
                        .set_test_traffic_rules(test_traffic_rules_to_sdk(alias)?)
                        .build(),
                    "service_connect_configuration.service.client_alias",
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        // Both timeouts, 0 for the one left unset, as the provider's expandTimeout sends them
        // (an unset int is 0 in its SDKv2 schema): ECS reads 0 as that timeout turned off.
        let timeout = single(service, "timeout").map(|t| {
            TimeoutConfiguration::builder()
                .idle_timeout_seconds(int(t, "idle_timeout_seconds").unwrap_or(0))
                .per_request_timeout_seconds(int(t, "per_request_timeout_seconds").unwrap_or(0))
                .build()
        });
        let tls = single(service, "tls").map(|t| {
            ServiceConnectTlsConfiguration::builder()
                .set_issuer_certificate_authority(single(t, "issuer_cert_authority").map(|a| {
                    ServiceConnectTlsCertificateAuthority::builder()
                        .set_aws_pca_authority_arn(string(a, "aws_pca_authority_arn"))
                        .build()
                }))
                .set_kms_key(string(t, "kms_key"))
                .set_role_arn(string(t, "role_arn"))
                .build()
        });
        services.push(built(
            ServiceConnectService::builder()
                .set_port_name(string(service, "port_name"))
                .set_discovery_name(string(service, "discovery_name"))
                .set_ingress_port_override(int(service, "ingress_port_override"))
                .set_client_aliases(non_empty_list(aliases))
                .set_timeout(timeout)
                .set_tls(tls)
                .build(),
            "service_connect_configuration.service",
        )?);
    }
    let access_log = single(config, "access_log_configuration")
        .map(|access_log| {
            built(
                ServiceConnectAccessLogConfiguration::builder()
                    .set_format(
                        string(access_log, "format")
                            .map(|f| ServiceConnectAccessLoggingFormat::from(f.as_str())),
                    )
                    .set_include_query_parameters(
                        string(access_log, "include_query_parameters")
                            .map(|i| ServiceConnectIncludeQueryParameters::from(i.as_str())),
                    )
                    .build(),
                "service_connect_configuration.access_log_configuration",
            )
        })
        .transpose()?;
    Ok(Some(
        ServiceConnectConfiguration::builder()
            .enabled(boolean(config, "enabled").unwrap_or(false))
            .set_namespace(string(config, "namespace"))
            .set_services(non_empty_list(services))
            .set_log_configuration(log)
            .set_access_log_configuration(access_log)
            .build(),
    ))
}

/// A client alias's `test_traffic_rules` as ECS takes them (the provider's
/// `expandServiceConnectTestTrafficRules`): the first block, its header's name and exact value.
/// A block without `header` is sent as an empty rule object, as the provider sends it.
fn test_traffic_rules_to_sdk(
    alias: &Value,
) -> Result<Option<ServiceConnectTestTrafficRules>, ProviderError> {
    let Some(rules) = single(alias, "test_traffic_rules") else {
        return Ok(None);
    };
    let header = match single(rules, "header") {
        Some(header) => {
            let value = match single(header, "value") {
                Some(value) => Some(built(
                    ServiceConnectTestTrafficHeaderMatchRules::builder()
                        .set_exact(string(value, "exact"))
                        .build(),
                    "service_connect_configuration.service.client_alias.test_traffic_rules.header.value",
                )?),
                None => None,
            };
            Some(built(
                ServiceConnectTestTrafficHeaderRules::builder()
                    .set_name(string(header, "name"))
                    .set_value(value)
                    .build(),
                "service_connect_configuration.service.client_alias.test_traffic_rules.header",
            )?)
        }
        None => None,
    };
    Ok(Some(ServiceConnectTestTrafficRules::builder().set_header(header).build()))
}

/// `test_traffic_rules` as the provider flattens them: a list of one rule object with its
/// header (`[]` when the rule has none), or `[]` without rules.
fn test_traffic_rules_value(rules: Option<&ServiceConnectTestTrafficRules>) -> Value {
    let Some(rules) = rules else {
        return Value::List(vec![]);
    };
    let header = rules
        .header()
        .map(|header| {
            Value::map([
                ("name", Value::string(header.name())),
                (
                    "value",
                    Value::List(
                        header
                            .value()
                            .map(|value| Value::map([("exact", Value::string(value.exact()))]))
                            .into_iter()
                            .collect(),
                    ),
                ),
            ])
        })
        .into_iter()
        .collect();
    Value::List(vec![Value::map([("header", Value::List(header))])])
}

/// The provider's `validPlacementStrategy` and `validPlacementConstraint` (which it runs when
/// it builds the request), in its wording: a random strategy takes no field, a binpack one
/// `cpu` or `memory`, and a `memberOf` constraint needs an expression.
fn placement_problems(config: &Value) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    for (i, strategy) in blocks(config, "ordered_placement_strategy").iter().enumerate() {
        let field = strategy.get("field");
        if field.is_unknown() {
            continue;
        }
        let field = field.as_str().unwrap_or_default();
        let problem = match strategy.get("type").as_str() {
            Some("random") if !field.is_empty() => Some(format!(
                "Random type requires the field attribute to be unset. Got: {field}"
            )),
            Some("binpack") if field != "cpu" && field != "memory" => Some(format!(
                "Binpack type requires the field attribute to be either 'cpu' or 'memory'. Got: {field}"
            )),
            _ => None,
        };
        if let Some(problem) = problem {
            problems.push((format!("ordered_placement_strategy[{i}].field"), problem));
        }
    }
    problems.extend(member_of_problems(config));
    problems
}

/// A `memberOf` placement constraint without an expression (the provider's
/// `validPlacementConstraint`).
pub(crate) fn member_of_problems(config: &Value) -> Vec<(String, String)> {
    blocks(config, "placement_constraints")
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            c.get("type").as_str() == Some("memberOf")
                && !c.get("expression").is_unknown()
                && c.get("expression").as_str().unwrap_or_default().is_empty()
        })
        .map(|(i, _)| {
            (
                format!("placement_constraints[{i}].expression"),
                "Expression cannot be nil for 'memberOf' type".to_string(),
            )
        })
        .collect()
}

/// The provider's checks of a VPC Lattice `port_name`, in its wording.
fn lattice_port_name_problem(name: &str) -> Option<String> {
    let length = name.chars().count();
    if !(1..=64).contains(&length) {
        return Some(format!(
            "expected length of port_name to be in the range (1 - 64), got {name}"
        ));
    }
    if !name.chars().all(|c| c.is_ascii_digit() || c.is_ascii_lowercase() || c == '_' || c == '-') {
        return Some(
            "invalid value for port_name (must contain only lowercase letters, numbers, underscores and hyphens)"
                .to_string(),
        );
    }
    name.starts_with('-')
        .then(|| "invalid value for port_name (cannot begin with a hyphen)".to_string())
}

/// More than one `test_traffic_rules` block on a client alias: ECS takes one rule object per
/// alias, so the others could not be sent (the provider sends the first and drops the rest).
fn test_traffic_rules_problems(config: &Value) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    for connect in blocks(config, "service_connect_configuration") {
        for (i, service) in blocks(connect, "service").iter().enumerate() {
            for (j, alias) in blocks(service, "client_alias").iter().enumerate() {
                let count = blocks(alias, "test_traffic_rules").len();
                if count > 1 {
                    problems.push((
                        format!(
                            "service_connect_configuration[0].service[{i}].client_alias[{j}].test_traffic_rules"
                        ),
                        format!(
                            "at most 1 test_traffic_rules block is allowed, got {count}: ECS takes one set of test traffic rules per client alias"
                        ),
                    ));
                }
            }
        }
    }
    problems
}

fn volumes_to_sdk(value: &Value) -> Result<Vec<ServiceVolumeConfiguration>, ProviderError> {
    let mut out = Vec::new();
    for volume in blocks(value, "volume_configuration") {
        let ebs = match single(volume, "managed_ebs_volume") {
            Some(ebs) => {
                let specifications = blocks(ebs, "tag_specifications")
                    .iter()
                    .map(|spec| {
                        let tags = spec
                            .get("tags")
                            .as_map()
                            .map(|entries| {
                                entries
                                    .iter()
                                    .filter_map(|(k, v)| {
                                        Some(Tag::builder().key(k).value(v.as_str()?).build())
                                    })
                                    .collect()
                            })
                            .filter(|tags: &Vec<Tag>| !tags.is_empty());
                        built(
                            EbsTagSpecification::builder()
                                .set_resource_type(
                                    string(spec, "resource_type")
                                        .map(|t| EbsResourceType::from(t.as_str())),
                                )
                                .set_propagate_tags(
                                    string(spec, "propagate_tags")
                                        .map(|p| PropagateTags::from(p.as_str())),
                                )
                                .set_tags(tags)
                                .build(),
                            "volume_configuration.managed_ebs_volume.tag_specifications",
                        )
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Some(built(
                    ServiceManagedEbsVolumeConfiguration::builder()
                        .set_role_arn(string(ebs, "role_arn"))
                        .set_encrypted(boolean(ebs, "encrypted"))
                        .set_filesystem_type(
                            string(ebs, "file_system_type")
                                .map(|t| TaskFilesystemType::from(t.as_str())),
                        )
                        .set_iops(int(ebs, "iops"))
                        .set_kms_key_id(string(ebs, "kms_key_id"))
                        .set_size_in_gib(int(ebs, "size_in_gb"))
                        .set_snapshot_id(string(ebs, "snapshot_id"))
                        .set_throughput(int(ebs, "throughput"))
                        .set_volume_initialization_rate(int(ebs, "volume_initialization_rate"))
                        .set_volume_type(string(ebs, "volume_type"))
                        .set_tag_specifications(non_empty_list(specifications))
                        .build(),
                    "volume_configuration.managed_ebs_volume",
                )?)
            }
            None => None,
        };
        out.push(built(
            ServiceVolumeConfiguration::builder()
                .set_name(string(volume, "name"))
                .set_managed_ebs_volume(ebs)
                .build(),
            "volume_configuration",
        )?);
    }
    Ok(out)
}

fn lattice_to_sdk(value: &Value) -> Result<Vec<VpcLatticeConfiguration>, ProviderError> {
    blocks(value, "vpc_lattice_configurations")
        .iter()
        .map(|b| {
            built(
                VpcLatticeConfiguration::builder()
                    .set_role_arn(string(b, "role_arn"))
                    .set_target_group_arn(string(b, "target_group_arn"))
                    .set_port_name(string(b, "port_name"))
                    .build(),
                "vpc_lattice_configurations",
            )
        })
        .collect()
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
    // `advanced_configuration` is not sent: blue/green is orchestrated by infra itself, with
    // one ECS service per colour.
    let load_balancers = load_balancers_to_sdk(planned, "elb_name");
    let response = sent!(client
        .create_service()
        .cluster(cluster_of(planned))
        .service_name(name)
        // The same on every attempt of this run: a retried create whose answer was lost
        // returns the service the first attempt made (see `retries`).
        .client_token(token_of(&cluster_of(planned), name, planned))
        .set_task_definition(string(planned, "task_definition"))
        .set_desired_count(if string(planned, "scheduling_strategy").as_deref() == Some("DAEMON") {
            None
        } else {
            Some(int(planned, "desired_count").unwrap_or(1))
        },)
        .set_launch_type(string(planned, "launch_type").map(|l| LaunchType::from(l.as_str())))
        .set_platform_version(string(planned, "platform_version"))
        .set_network_configuration(network_to_sdk(planned)?)
        .set_load_balancers((!load_balancers.is_empty()).then_some(load_balancers))
        .deployment_configuration(deployment_to_sdk(planned, false)?)
        .set_health_check_grace_period_seconds(int(planned, "health_check_grace_period_seconds"))
        .enable_execute_command(boolean(planned, "enable_execute_command").unwrap_or(false))
        .set_propagate_tags(
            string(planned, "propagate_tags").map(|p| PropagateTags::from(p.as_str())),
        )
        .set_role(string(planned, "iam_role"))
        .set_enable_ecs_managed_tags(boolean(planned, "enable_ecs_managed_tags"))
        .set_scheduling_strategy(
            string(planned, "scheduling_strategy").map(|s| SchedulingStrategy::from(s.as_str())),
        )
        .set_availability_zone_rebalancing(
            string(planned, "availability_zone_rebalancing")
                .map(|r| AvailabilityZoneRebalancing::from(r.as_str())),
        )
        .set_capacity_provider_strategy(non_empty_list(capacity_provider_strategy_to_sdk(
            planned,
            "capacity_provider_strategy",
        )?))
        .set_deployment_controller(controller_to_sdk(planned)?)
        .set_placement_strategy(non_empty_list(placement_strategy_to_sdk(planned)))
        .set_placement_constraints(non_empty_list(placement_constraints_to_sdk(planned)))
        .set_service_registries(non_empty_list(service_registries_to_sdk(planned)))
        .set_service_connect_configuration(service_connect_to_sdk(planned)?)
        .set_volume_configurations(non_empty_list(volumes_to_sdk(planned)?))
        .set_vpc_lattice_configurations(non_empty_list(lattice_to_sdk(planned)?))
        .set_tags(Some(tags_to_sdk(tags))))?;
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
    let mut request = client.update_service().cluster(cluster_of(planned)).service(service);
    let mut any = false;
    if changed(prior, planned, "task_definition") {
        request = request.set_task_definition(string(planned, "task_definition"));
        any = true;
    }
    // ECS runs one task of a DAEMON service per instance: its count is not sent.
    if changed(prior, planned, "desired_count") && !is_daemon(planned) {
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
        request = request.set_load_balancers(Some(load_balancers_to_sdk(planned, "elb_name")));
        any = true;
    }
    if [
        "deployment_minimum_healthy_percent",
        "deployment_maximum_percent",
        "deployment_circuit_breaker",
        "alarms",
    ]
    .iter()
    .any(|key| changed(prior, planned, key))
    {
        request = request.deployment_configuration(deployment_to_sdk(planned, true)?);
        any = true;
    }
    if changed(prior, planned, "capacity_provider_strategy") {
        request = request.set_capacity_provider_strategy(Some(capacity_provider_strategy_to_sdk(
            planned,
            "capacity_provider_strategy",
        )?));
        any = true;
    }
    if changed(prior, planned, "deployment_controller") {
        request = request.set_deployment_controller(Some(
            controller_to_sdk(planned)?.unwrap_or_else(|| {
                DeploymentController::builder()
                    .r#type(DeploymentControllerType::Ecs)
                    .build()
                    .expect("type is set")
            }),
        ));
        any = true;
    }
    if changed(prior, planned, "ordered_placement_strategy") {
        request = request.set_placement_strategy(Some(placement_strategy_to_sdk(planned)));
        any = true;
    }
    if changed(prior, planned, "placement_constraints") {
        request = request.set_placement_constraints(Some(placement_constraints_to_sdk(planned)));
        any = true;
    }
    if changed(prior, planned, "service_registries") {
        request = request.set_service_registries(Some(service_registries_to_sdk(planned)));
        any = true;
    }
    if changed(prior, planned, "service_connect_configuration") {
        request = request.set_service_connect_configuration(
            service_connect_to_sdk(planned)?.or_else(|| {
                // Removing the block turns Service Connect off.
                Some(ServiceConnectConfiguration::builder().enabled(false).build())
            }),
        );
        any = true;
    }
    if changed(prior, planned, "volume_configuration") {
        request = request.set_volume_configurations(Some(volumes_to_sdk(planned)?));
        any = true;
    }
    if changed(prior, planned, "vpc_lattice_configurations") {
        request = request.set_vpc_lattice_configurations(Some(lattice_to_sdk(planned)?));
        any = true;
    }
    if changed(prior, planned, "enable_ecs_managed_tags") {
        request = request
            .enable_ecs_managed_tags(boolean(planned, "enable_ecs_managed_tags").unwrap_or(false));
        any = true;
    }
    if changed(prior, planned, "availability_zone_rebalancing")
        && !planned.get("availability_zone_rebalancing").is_unknown()
        && !planned.get("availability_zone_rebalancing").is_null()
    {
        request = request.set_availability_zone_rebalancing(
            string(planned, "availability_zone_rebalancing")
                .map(|r| AvailabilityZoneRebalancing::from(r.as_str())),
        );
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
            string(planned, "propagate_tags").unwrap_or_else(|| "NONE".into()).as_str(),
        ));
        any = true;
    }
    // `triggers` exist to redeploy; `force_new_deployment` redeploys with every update.
    let triggered = changed(prior, planned, "triggers");
    if triggered || (any && boolean(planned, "force_new_deployment") == Some(true)) {
        request = request.force_new_deployment(true);
        any = true;
    }
    if any {
        sent!(request)?;
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
        let response = match sent!(client
            .describe_services()
            .cluster(cluster)
            .set_services(Some(chunk.to_vec()))
            .include(ServiceField::Tags))
        {
            Ok(response) => response,
            // The whole cluster is gone: so are its services.
            Err(error) if is_not_found(&error) => continue,
            Err(error) => return Err(error),
        };
        active_by_key(
            &mut out,
            chunk,
            response.services(),
            Service::status,
            [Service::service_arn, Service::service_name],
        );
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
    wait_for(&format!("ECS service {service} to reach a steady state"), timeout, || async {
        let found = describe_services(aws, cluster, &[service.to_string()]).await?;
        let Some(current) = found.get(service) else {
            return Err(vanished("ECS service", service));
        };
        let primary = current.deployments().iter().find(|d| d.status() == Some("PRIMARY"));
        if let Some(state) = primary.and_then(|d| d.rollout_state()) {
            if state.as_str() == "FAILED" {
                let reason =
                    primary.and_then(|d| d.rollout_state_reason()).unwrap_or("no reason given");
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
    })
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
    delete_service(aws, cluster, service, timeout, true).await
}

/// Whether deleting the service `prior` describes drains it first: not a DAEMON service,
/// whose task count ECS sets (one per instance), as the provider skips it.
fn drains_before_delete(prior: &Value) -> bool {
    !is_daemon(prior)
}

/// Deletes `service` (forced), scaled to 0 first when `drain`, then waits until ECS reports
/// it gone or `INACTIVE`. A missing service is not an error.
async fn delete_service(
    aws: &Aws,
    cluster: &str,
    service: &str,
    timeout: Duration,
    drain: bool,
) -> Result<(), ProviderError> {
    let client = &aws.clients().await.ecs;
    if drain {
        let scaled =
            sent!(client.update_service().cluster(cluster).service(service).desired_count(0));
        match scaled {
            Ok(_) => {}
            Err(error) if is_not_found(&error) || is_inactive(&error) => return Ok(()),
            Err(error) => return Err(error),
        }
    }
    match sent!(client.delete_service().cluster(cluster).service(service).force(true)) {
        Ok(_) => {}
        Err(error) if is_not_found(&error) || is_inactive(&error) => return Ok(()),
        Err(error) => return Err(error),
    }
    // Target groups and the cluster cannot go while the service is draining.
    wait_for(&format!("ECS service {service} to be deleted"), timeout, || async {
        let client = &aws.clients().await.ecs;
        let response = sent!(client.describe_services().cluster(cluster).services(service));
        Ok(match response {
            Ok(response) => {
                response.services().iter().all(|s| s.status() == Some("INACTIVE")).then_some(())
            }
            Err(error) if is_not_found(&error) => Some(()),
            Err(error) => return Err(error),
        })
    })
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

/// `load_balancer`, each with the `advanced_configuration` of its hinted block (ECS does not
/// report it).
fn load_balancer_value(service: &Service, hint: &Value) -> Value {
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
            let mut entries = load_balancer_entries(lb, "elb_name");
            entries.push(("advanced_configuration", advanced));
            Value::map(entries)
        })
        .collect();
    Value::List(balancers)
}

/// `deployment_controller` from the reported controller type.
fn controller_value(controller: Option<&str>, hint: &Value) -> Value {
    match controller {
        // ECS is the default: no block reads as no block.
        Some("ECS") if blocks(hint, "deployment_controller").is_empty() => Value::List(vec![]),
        Some(kind) => Value::List(vec![Value::map([("type", Value::string(kind))])]),
        None => list_or_empty(hint.get("deployment_controller")),
    }
}

/// A placement strategy's `field` as the provider reads it: ECS answers `MEMORY` and `CPU`
/// for the `memory` and `cpu` it was sent (lowercased back), fields compare without case, and
/// `host` is ECS's `instanceId` (the provider's StateFunc); where the configured field means
/// the reported one, the configuration's spelling is kept.
fn placement_field_value(reported: Option<&str>, configured: &Value) -> Value {
    let Some(reported) = reported else {
        return Value::Null;
    };
    if let Some(configured) = configured.as_str() {
        let configured_means = if configured == "host" { "instanceId" } else { configured };
        if configured_means.eq_ignore_ascii_case(reported) {
            return Value::string(configured);
        }
    }
    match reported {
        "MEMORY" | "CPU" => Value::string(reported.to_ascii_lowercase()),
        _ => Value::string(reported),
    }
}

/// `alarms`, from the hint when ECS reports none.
fn alarms_value(deployment: Option<&DeploymentConfiguration>, hint: &Value) -> Value {
    match deployment.and_then(|d| d.alarms()) {
        Some(a) if a.enable() || a.rollback() || !a.alarm_names().is_empty() => {
            Value::List(vec![Value::map([
                ("alarm_names", string_list(a.alarm_names())),
                ("enable", Value::Bool(a.enable())),
                ("rollback", Value::Bool(a.rollback())),
            ])])
        }
        Some(_) => Value::List(vec![]),
        None => list_or_empty(hint.get("alarms")),
    }
}

/// The reported controller type (`ECS`, `CODE_DEPLOY`, `EXTERNAL`).
fn controller_type(service: &Service) -> Option<&str> {
    service.deployment_controller().map(|c| c.r#type().as_str())
}

/// With CODE_DEPLOY the deployment tool owns the task definition and the load balancers: the
/// hint's `key` where it is known and set.
fn kept_for_code_deploy(service: &Service, hint: &Value, key: &str) -> Option<Value> {
    let configured = hint.get(key);
    (controller_type(service) == Some("CODE_DEPLOY")
        && configured.is_wholly_known()
        && !configured.is_null())
    .then(|| configured.clone())
}

/// Whether ECS schedules the service as a DAEMON.
fn runs_as_daemon(service: &Service) -> bool {
    service.scheduling_strategy().map(|s| s.as_str()) == Some("DAEMON")
}

/// `desired_count`: for a DAEMON service, whose count ECS decides (one task per instance),
/// the configured count whatever ECS reports (the provider's DiffSuppressFunc).
fn desired_count_value(service: &Service, at: &Reading) -> Value {
    let configured = at.prior.get("desired_count");
    match runs_as_daemon(service) && matches!(configured, Value::Number(_)) {
        true => configured.clone(),
        false => number(Some(i64::from(service.desired_count()))),
    }
}

/// A rolling deployment percentage, from the hint where ECS omits it; for a DAEMON service
/// the configured `default` is kept where ECS reports its own (the provider's
/// DiffSuppressFunc).
fn percent_value(
    service: &Service,
    hint: &Value,
    key: &str,
    default: f64,
    reported: Option<i32>,
) -> Value {
    if runs_as_daemon(service) && hint.get(key).as_f64() == Some(default) {
        return Value::Number(default);
    }
    match reported {
        Some(n) => number(Some(i64::from(n))),
        None => hint.get(key).clone(),
    }
}

/// `deployment_circuit_breaker`, from the hint where ECS omits it.
fn circuit_breaker_value(deployment: Option<&DeploymentConfiguration>, hint: &Value) -> Value {
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
    if breaker.is_null() {
        Value::List(vec![])
    } else {
        breaker
    }
}

/// `ordered_placement_strategy`, each `field` in the configured spelling where it means the
/// reported one.
fn ordered_placement_strategy_value(service: &Service, at: &Reading) -> Value {
    let configured = blocks(at.prior, "ordered_placement_strategy");
    Value::List(
        service
            .placement_strategy()
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let field =
                    configured.get(i).map(|b| b.get("field").clone()).unwrap_or(Value::Null);
                Value::map([
                    ("type", text(p.r#type().map(|t| t.as_str()))),
                    ("field", placement_field_value(p.field(), &field)),
                ])
            })
            .collect(),
    )
}

fn placement_constraints_value(service: &Service) -> Value {
    Value::List(
        service
            .placement_constraints()
            .iter()
            .map(|p| {
                Value::map([
                    ("type", text(p.r#type().map(|t| t.as_str()))),
                    ("expression", text(p.expression())),
                ])
            })
            .collect(),
    )
}

/// The PRIMARY deployment, where ECS reports Service Connect, volumes and VPC Lattice.
fn primary_deployment(service: &Service) -> Option<&Deployment> {
    service.deployments().iter().find(|d| d.status() == Some("PRIMARY"))
}

/// `vpc_lattice_configurations` of the PRIMARY deployment, from the hint when it reports none.
fn vpc_lattice_value(service: &Service, at: &Reading) -> Value {
    match primary_deployment(service).map(|d| d.vpc_lattice_configurations()) {
        Some(lattice) if !lattice.is_empty() => Value::List(
            lattice
                .iter()
                .map(|l| {
                    Value::map([
                        ("role_arn", Value::string(l.role_arn())),
                        ("target_group_arn", Value::string(l.target_group_arn())),
                        ("port_name", Value::string(l.port_name())),
                    ])
                })
                .collect(),
        ),
        _ => list_or_empty(at.prior.get("vpc_lattice_configurations")),
    }
}

/// A block list from a hint: the list, or empty for null or unknown.
fn list_or_empty(value: &Value) -> Value {
    match value {
        Value::List(_) => value.clone(),
        _ => Value::List(vec![]),
    }
}

fn service_connect_value(config: &ServiceConnectConfiguration) -> Value {
    let log = config
        .log_configuration()
        .map(|log| {
            vec![Value::map([
                ("log_driver", Value::string(log.log_driver().as_str())),
                (
                    "options",
                    log.options()
                        .map(|options| {
                            Value::Map(
                                options
                                    .iter()
                                    .map(|(k, v)| (k.clone(), Value::string(v)))
                                    .collect(),
                            )
                        })
                        .unwrap_or(Value::Null),
                ),
                ("secret_option", secrets_value(log.secret_options())),
            ])]
        })
        .unwrap_or_default();
    let services = config
        .services()
        .iter()
        .map(|service| {
            Value::map([
                ("port_name", Value::string(service.port_name())),
                ("discovery_name", text(service.discovery_name())),
                ("ingress_port_override", number(service.ingress_port_override().map(i64::from))),
                (
                    "client_alias",
                    Value::List(
                        service
                            .client_aliases()
                            .iter()
                            .map(|a| {
                                Value::map([
                                    ("port", number(Some(i64::from(a.port())))),
                                    ("dns_name", text(a.dns_name())),
                                    (
                                        "test_traffic_rules",
                                        test_traffic_rules_value(a.test_traffic_rules()),
                                    ),
                                ])
                            })
                            .collect(),
                    ),
                ),
                (
                    "timeout",
                    Value::List(
                        service
                            .timeout()
                            .map(|t| {
                                Value::map([
                                    (
                                        "idle_timeout_seconds",
                                        number(t.idle_timeout_seconds().map(i64::from)),
                                    ),
                                    (
                                        "per_request_timeout_seconds",
                                        number(t.per_request_timeout_seconds().map(i64::from)),
                                    ),
                                ])
                            })
                            .into_iter()
                            .collect(),
                    ),
                ),
                (
                    "tls",
                    Value::List(
                        service
                            .tls()
                            .map(|t| {
                                Value::map([
                                    ("kms_key", text(t.kms_key())),
                                    ("role_arn", text(t.role_arn())),
                                    (
                                        "issuer_cert_authority",
                                        Value::List(
                                            t.issuer_certificate_authority()
                                                .map(|a| {
                                                    Value::map([(
                                                        "aws_pca_authority_arn",
                                                        text(a.aws_pca_authority_arn()),
                                                    )])
                                                })
                                                .into_iter()
                                                .collect(),
                                        ),
                                    ),
                                ])
                            })
                            .into_iter()
                            .collect(),
                    ),
                ),
            ])
        })
        .collect();
    let access_log = config.access_log_configuration().map(|access_log| {
        Value::map([
            ("format", Value::string(access_log.format().as_str())),
            (
                "include_query_parameters",
                text(access_log.include_query_parameters().map(|i| i.as_str())),
            ),
        ])
    });
    Value::map([
        ("enabled", Value::Bool(config.enabled())),
        ("namespace", text(config.namespace())),
        ("access_log_configuration", Value::List(access_log.into_iter().collect())),
        ("log_configuration", Value::List(log)),
        ("service", Value::List(services)),
    ])
}

fn volume_value(volume: &ServiceVolumeConfiguration) -> Value {
    let ebs = volume
        .managed_ebs_volume()
        .map(|ebs| {
            vec![Value::map([
                ("role_arn", Value::string(ebs.role_arn())),
                ("encrypted", Value::Bool(ebs.encrypted().unwrap_or(true))),
                (
                    "file_system_type",
                    Value::string(ebs.filesystem_type().map(|t| t.as_str()).unwrap_or("xfs")),
                ),
                ("iops", number(ebs.iops().map(i64::from))),
                ("kms_key_id", text(ebs.kms_key_id())),
                ("size_in_gb", number(ebs.size_in_gib().map(i64::from))),
                ("snapshot_id", text(ebs.snapshot_id())),
                ("throughput", number(ebs.throughput().map(i64::from))),
                (
                    "volume_initialization_rate",
                    number(ebs.volume_initialization_rate().map(i64::from)),
                ),
                ("volume_type", text(ebs.volume_type())),
                (
                    "tag_specifications",
                    Value::List(
                        ebs.tag_specifications()
                            .iter()
                            .map(|spec| {
                                let tags: BTreeMap<String, Value> = spec
                                    .tags()
                                    .iter()
                                    .filter_map(|t| {
                                        Some((t.key()?.to_string(), Value::string(t.value()?)))
                                    })
                                    .collect();
                                Value::map([
                                    ("resource_type", Value::string(spec.resource_type().as_str())),
                                    (
                                        "propagate_tags",
                                        text(spec.propagate_tags().map(|p| p.as_str())),
                                    ),
                                    (
                                        "tags",
                                        if tags.is_empty() {
                                            Value::Null
                                        } else {
                                            Value::Map(tags)
                                        },
                                    ),
                                ])
                            })
                            .collect(),
                    ),
                ),
            ])]
        })
        .unwrap_or_default();
    Value::map([("name", Value::string(volume.name())), ("managed_ebs_volume", Value::List(ebs))])
}

/// `triggers` as the provider's triggersCustomizeDiff has them: without
/// `force_new_deployment = true` a change to them is cleared from the diff (no change, no
/// redeploy), so they mean nothing and are held as unset; with it, a change redeploys. A
/// state that holds triggers without it (the provider stores them at create) and a
/// configuration that changes them then plan no change, as with the provider. The removal of
/// every trigger while `force_new_deployment` is set is cleared too ([`triggers_removed`]).
fn triggers_only_with_force_new_deployment(value: &mut Value) {
    let force = value.get("force_new_deployment");
    if force.is_unknown() || force.as_bool() == Some(true) {
        return;
    }
    if let Some(entries) = value.map_mut() {
        if entries.get("triggers").is_some_and(|t| !t.is_null()) {
            entries.insert("triggers".into(), Value::Null);
        }
    }
}

/// The rest of triggersCustomizeDiff: with `force_new_deployment = true`, going from some
/// triggers to none is cleared from the diff, so the stored triggers stay and nothing
/// redeploys.
fn triggers_removed(prior: &Value, planned: &Value) -> bool {
    let some = |value: &Value| value.as_map().is_some_and(|entries| !entries.is_empty());
    let none = match planned.get("triggers").unmarked() {
        Value::Null => true,
        Value::Map(entries) => entries.is_empty(),
        _ => false,
    };
    planned.get("force_new_deployment").as_bool() == Some(true)
        && some(prior.get("triggers").unmarked())
        && none
}

/// The provider's upgrader from schema version 0 (provider 5.58): a managed EBS volume's
/// `throughput` was a string, and is a number (`""` is 0).
fn upgrade_from_v0(from: u64, mut value: Value) -> Result<Value, String> {
    if from != 0 {
        return Ok(value);
    }
    let volume = value
        .map_mut()
        .and_then(|entries| entries.get_mut("volume_configuration"))
        .and_then(|v| v.list_mut())
        .and_then(|items| items.first_mut())
        .and_then(|v| v.map_mut())
        .and_then(|entries| entries.get_mut("managed_ebs_volume"))
        .and_then(|v| v.list_mut())
        .and_then(|items| items.first_mut())
        .and_then(|v| v.map_mut());
    if let Some(Value::String(text)) =
        volume.as_ref().and_then(|entries| entries.get("throughput")).cloned().as_ref()
    {
        let throughput = if text.is_empty() {
            0.0
        } else {
            text.parse::<i64>().map_err(|_| format!("throughput {text:?} is not a whole number"))?
                as f64
        };
        if let Some(entries) = volume {
            entries.insert("throughput".into(), Value::Number(throughput));
        }
    }
    Ok(value)
}

/// The checks across attributes: percentages, launch type, scheduling, controller, ARNs,
/// placement and test traffic rules.
fn validate_service(config: &Value) -> Vec<(String, String)> {
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
    problems.extend(launch_type_conflict(config));
    let controller = controller_of(config);
    if config.get("scheduling_strategy").as_str() == Some("DAEMON")
        && (config.get("launch_type").as_str() == Some("FARGATE") || controller != "ECS")
    {
        problems.push((
            "scheduling_strategy".to_string(),
            "the DAEMON scheduling strategy needs the ECS deployment controller and no FARGATE launch type".to_string(),
        ));
    }
    let strategy = single(config, "deployment_configuration")
        .and_then(|d| d.get("strategy").as_str().map(str::to_string));
    if let Some(strategy) = strategy.filter(|s| s != "ROLLING") {
        if controller != "ECS" {
            problems.push((
                "deployment_controller".to_string(),
                format!("deployment_configuration.strategy = \"{strategy}\" needs the ECS deployment controller, not {controller}"),
            ));
        }
    }
    problems.extend(placement_problems(config));
    problems.extend(test_traffic_rules_problems(config));
    problems.extend(service_deployment::validate(config));
    if controller != "EXTERNAL" && config.get("task_definition").is_null() {
        problems.push((
            "task_definition".to_string(),
            "The argument \"task_definition\" is required unless the deployment controller is EXTERNAL.".to_string(),
        ));
    }
    problems
}

/// infra runs a blue/green service as two ECS services, `<name>-blue` and `<name>-green`
/// ([`crate::blue_green`]); a single service is one ECS service named `<name>`. Turning
/// blue/green on or off therefore replaces the object, where AWS's own blue/green (one
/// service) updates it in place: an update would leave the other form running unrecorded.
///
/// A `capacity_provider_strategy` change replaces the service too, as the provider's
/// capacityProviderStrategyCustomizeDiff has it ("to be backward compatible, should
/// ForceNew almost always"): unless `force_new_deployment = true` and the strategy neither
/// appears nor goes away (0 blocks to some, or some to 0), which ECS updates in place.
fn replacing_paths(prior: &Value, planned: &Value, changed: &[String]) -> Vec<String> {
    let mut paths = Vec::new();
    let before = service_deployment::deployed_by_infra(prior);
    let after = service_deployment::deployed_by_infra(planned);
    if let (Some(before), Some(after)) = (before, after) {
        if before != after {
            paths.push("deployment_configuration".to_string());
        }
    }
    let strategy = "capacity_provider_strategy";
    if changed.iter().any(|path| path == strategy || path.starts_with(&format!("{strategy}["))) {
        let in_place = boolean(planned, "force_new_deployment") == Some(true)
            && blocks(prior, strategy).is_empty() == blocks(planned, strategy).is_empty();
        if !in_place {
            paths.push(strategy.to_string());
        }
    }
    paths
}

/// A described service with its tags, without infra's own markers: a blue/green colour's
/// [`COLOUR_OF_TAG`] and a paused deploy's [`PAUSE_SIGNAL_TAG`], which are not the
/// configuration's.
pub fn tagged(service: Service) -> Tagged<Service> {
    let mut tags = tags_from_sdk(service.tags());
    tags.retain(|(key, _)| key != COLOUR_OF_TAG && key != PAUSE_SIGNAL_TAG);
    Tagged { object: service, tags }
}

/// The services of `cluster` among `services` (names or ARNs), each under the key it was
/// asked for.
async fn described(
    aws: &Aws,
    cluster: &str,
    services: &[String],
) -> Result<BTreeMap<String, Tagged<Service>>, ProviderError> {
    let found = describe_services(aws, cluster, services).await?;
    Ok(found.into_iter().map(|(key, service)| (key, tagged(service))).collect())
}

/// The cluster a service ARN names (`service/<cluster>/<name>`), `default` for the old
/// format without it (`service/<name>`), as ECS does.
fn cluster_in_arn(arn: &str) -> String {
    let resource = arn.splitn(6, ':').nth(5).unwrap_or_default();
    match resource.split('/').collect::<Vec<_>>()[..] {
        ["service", cluster, _] => cluster.to_string(),
        _ => "default".to_string(),
    }
}

/// The cluster and service names of an import ID, `CLUSTER/SERVICE`; `None` for an ARN or
/// another form.
fn imported_service(key: &str) -> Option<(&str, &str)> {
    match key.split('/').collect::<Vec<_>>()[..] {
        [cluster, name] if !key.starts_with("arn:") => Some((cluster, name)),
        _ => None,
    }
}

/// Where a key's service is described: `(cluster, the service as DescribeServices takes it,
/// the key)`. An import ID ([`imported_service`]) names both; an ARN is asked for in the
/// cluster `cluster_of_arn` gives (the prior's, or the ARN's own).
fn lookup(key: &str, cluster_of_arn: impl FnOnce() -> String) -> (String, String, String) {
    match imported_service(key) {
        Some((cluster, name)) => (cluster.to_string(), name.to_string(), key.to_string()),
        None => (cluster_of_arn(), key.to_string(), key.to_string()),
    }
}

/// The services of `lookups` ([`lookup`]), DescribeServices per cluster (10 a call), each
/// under its key.
async fn described_by_key(
    aws: &Aws,
    lookups: impl Iterator<Item = (String, String, String)>,
) -> Result<BTreeMap<String, Tagged<Service>>, ProviderError> {
    // Cluster → (the service as DescribeServices takes it, its key).
    let mut by_cluster: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (cluster, service, key) in lookups {
        by_cluster.entry(cluster).or_default().push((service, key));
    }
    let mut found = BTreeMap::new();
    for (cluster, services) in &by_cluster {
        let asked: Vec<String> = services.iter().map(|(service, _)| service.clone()).collect();
        let mut answers = described(aws, cluster, &asked).await?;
        for (service, key) in services {
            if let Some(answer) = answers.remove(service) {
                found.insert(key.clone(), answer);
            }
        }
    }
    Ok(found)
}

/// The service just written, as ECS describes it in `cluster`: an error when ECS does not
/// list it.
async fn read_back(
    this: &AwsEcsService,
    cluster: &str,
    arn: &str,
) -> Result<Tagged<Service>, ProviderError> {
    described(&this.aws, cluster, &[arn.to_string()])
        .await?
        .remove(arn)
        .ok_or_else(|| vanished("ECS service", arn))
}

impl AwsObject for EcsServiceObject {
    type Object = Service;
    const NAME: &'static str = "aws_ecs_service";
    const KIND: &'static str = "ECS service";
    const KEY: &'static str = "arn";

    fn attributes() -> Vec<Declared<Service>> {
        [service_attributes(), service_blocks()].into_iter().flatten().collect()
    }

    fn schema(schema: Schema) -> Schema {
        schema.timeouts(&["create", "update", "delete"]).version(1)
    }

    /// 30 minutes each, where the provider's defaults are 20: the provider returns once ECS has
    /// taken a change (unless `wait_for_steady_state`), where infra runs the whole rollout
    /// (health gate, shifts, bakes) inside the create or update, and the rollouts written in
    /// the README's examples bake 10 minutes and more. Set `timeouts` to change it.
    fn default_timeouts() -> Timeouts {
        Timeouts::default()
    }

    /// The provider's upgrader from schema version 0 (provider 5.58): a managed EBS volume's
    /// `throughput` was a string, and is a number (`""` is 0).
    fn upgrade_state(from: u64, value: Value) -> Result<Value, String> {
        upgrade_from_v0(from, value)
    }

    fn normalize(value: &mut Value) {
        service_deployment::normalize(value);
        triggers_only_with_force_new_deployment(value);
    }

    fn cleared_changes(prior: &Value, planned: &Value) -> Vec<&'static str> {
        if triggers_removed(prior, planned) {
            vec!["triggers"]
        } else {
            vec![]
        }
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        validate_service(config)
    }

    /// See [`replacing_paths`].
    fn replacing_changes(
        _this: &ObjectType<Self>,
        prior: &Value,
        planned: &Value,
        changed: &[String],
    ) -> Vec<String> {
        replacing_paths(prior, planned, changed)
    }

    /// By the cluster each key names: an ARN's ([`cluster_in_arn`]) or an import ID's.
    async fn describe(this: &ObjectType<Self>, keys: &[String]) -> DescribeResult<Service> {
        let lookups = keys.iter().map(|key| lookup(key, || cluster_in_arn(key)));
        described_by_key(&this.aws, lookups).await
    }

    /// Terraform's import ID, `CLUSTER/SERVICE` (the provider's `resourceServiceImport`),
    /// held as the prior's key until the read gives the service's ARN ([`describe_priors`]).
    ///
    /// [`describe_priors`]: AwsObject::describe_priors
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        match imported_service(id) {
            Some(_) => Ok(infra_core::resource::import_by(Self::KEY, id)),
            None => Err(ProviderError::new(format!(
                "wrong format of resource: {id}, expecting 'cluster-name/service-name'"
            ))),
        }
    }

    /// DescribeServices per cluster the priors name (10 services a call); an imported prior
    /// ([`imported_service`]) by the cluster and name of its import ID.
    async fn describe_priors(this: &ObjectType<Self>, priors: &[Value]) -> DescribeResult<Service> {
        let lookups = priors.iter().filter_map(|p| {
            let key = Self::key_of(p)?;
            Some(lookup(&key, || cluster_of(p)))
        });
        described_by_key(&this.aws, lookups).await
    }

    async fn create_written(at: Creating<'_, Self>) -> Result<Tagged<Service>, ProviderError> {
        let name = string(at.planned, "name")
            .ok_or_else(|| ProviderError::new("aws_ecs_service needs a known \"name\""))?;
        let cluster = cluster_of(at.planned);
        let tags = at.operation.tags_with_managed(at.planned);
        let arn = create_service(&at.this.aws, &name, at.planned, &tags).await?;
        if boolean(at.planned, "wait_for_steady_state") == Some(true) {
            wait_for_steady_state(&at.this.aws, &cluster, &arn, at.operation.timeouts.create)
                .await?;
        }
        read_back(at.this, &cluster, &arn).await
    }

    async fn update_written(at: Updating<'_, Self>) -> Result<Tagged<Service>, ProviderError> {
        let client = &at.this.aws.clients().await.ecs;
        let cluster = cluster_of(at.prior);
        let sent = update_service(&at.this.aws, at.key, at.prior, at.planned).await?;
        update_tags(client, at.key, at.prior, at.planned).await?;
        if sent && boolean(at.planned, "wait_for_steady_state") == Some(true) {
            wait_for_steady_state(&at.this.aws, &cluster, at.key, at.operation.timeouts.update)
                .await?;
        }
        read_back(at.this, &cluster, at.key).await
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        delete_service(
            &at.this.aws,
            &cluster_of(at.prior),
            at.key,
            at.operation.timeouts.delete,
            drains_before_delete(at.prior),
        )
        .await
    }

    /// The service of the configured name in its cluster, when it carries this operation's
    /// managed tags.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<Service> {
        let Some(name) = string(at.planned, "name") else {
            return Ok(None);
        };
        let cluster = cluster_of(at.planned);
        let mut found =
            describe_services(&at.this.aws, &cluster, std::slice::from_ref(&name)).await?;
        Ok(found
            .remove(&name)
            .filter(|service| has_managed_tags(&tags_from_sdk(service.tags()), at.operation))
            .map(tagged))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use infra_core::ResourceType;

    #[test]
    fn imports_by_cluster_and_service_name_as_the_provider_does() {
        let prior = EcsServiceObject::import_prior("main/web").expect("an import ID");
        assert_eq!(prior.get("arn"), &Value::string("main/web"));
        assert_eq!(imported_service("main/web"), Some(("main", "web")));
        let arn = "arn:aws:ecs:us-east-1:123456789012:service/main/web";
        assert_eq!(imported_service(arn), None);
        assert_eq!(imported_service("arn:aws:ecs:us-east-1:1:service/web"), None);
        for wrong in ["web", "a/b/c", arn] {
            let error = EcsServiceObject::import_prior(wrong).expect_err(wrong);
            assert_eq!(
                error.to_string(),
                format!("wrong format of resource: {wrong}, expecting 'cluster-name/service-name'")
            );
        }
    }

    #[test]
    fn a_service_arn_names_its_cluster_or_the_default_one() {
        assert_eq!(cluster_in_arn("arn:aws:ecs:us-east-1:1:service/main/web"), "main");
        assert_eq!(cluster_in_arn("arn:aws:ecs:us-east-1:1:service/web"), "default");
    }

    /// The service read back with `hint`, as the declared type reads it.
    fn service_to_value(service: &Service, hint: &Value) -> Value {
        let ecs = AwsEcsService::new(Aws::new(crate::ProviderSettings::default()));
        ecs.value_of(&tagged(service.clone()), "", hint)
    }

    fn service(strategy: Value) -> Value {
        Value::map([
            ("name", Value::string("web")),
            ("deployment_configuration", Value::List(vec![Value::map([("strategy", strategy)])])),
        ])
    }

    /// Service Connect's access logs (provider 6.x) are sent as configured and read back as
    /// the provider flattens them. moto keeps no Service Connect configuration of a service, so
    /// only this test shows the request and the read-back.
    #[test]
    fn service_connect_access_logs_are_sent_and_read_back() {
        let access_log = |include: Value| {
            Value::map([(
                "service_connect_configuration",
                Value::List(vec![Value::map([
                    ("enabled", Value::Bool(true)),
                    (
                        "access_log_configuration",
                        Value::List(vec![Value::map([
                            ("format", Value::string("JSON")),
                            ("include_query_parameters", include),
                        ])]),
                    ),
                ])]),
            )])
        };

        let sent = service_connect_to_sdk(&access_log(Value::string("ENABLED")))
            .expect("valid")
            .expect("configured");
        let log = sent.access_log_configuration().expect("sent");
        assert_eq!(log.format(), &ServiceConnectAccessLoggingFormat::Json);
        assert_eq!(
            log.include_query_parameters(),
            Some(&ServiceConnectIncludeQueryParameters::Enabled)
        );
        let read = service_connect_value(&sent);
        assert_eq!(
            read.get("access_log_configuration"),
            access_log(Value::string("ENABLED"))
                .get("service_connect_configuration")
                .as_list()
                .and_then(|l| l.first())
                .map(|c| c.get("access_log_configuration"))
                .expect("configured")
        );

        // Left out, AWS decides (the provider's Optional+Computed): nothing is sent for it.
        let sent =
            service_connect_to_sdk(&access_log(Value::Null)).expect("valid").expect("configured");
        let log = sent.access_log_configuration().expect("sent");
        assert_eq!(log.include_query_parameters(), None);

        // Without the block, none is sent and none is read.
        let without = Value::map([(
            "service_connect_configuration",
            Value::List(vec![Value::map([("enabled", Value::Bool(true))])]),
        )]);
        let sent = service_connect_to_sdk(&without).expect("valid").expect("configured");
        assert!(sent.access_log_configuration().is_none());
        assert_eq!(
            service_connect_value(&sent).get("access_log_configuration"),
            &Value::List(vec![])
        );
    }

    /// A Service Connect configuration with one client alias, its `test_traffic_rules` blocks
    /// as given.
    fn with_test_traffic_rules(rules: Vec<Value>) -> Value {
        Value::map([(
            "service_connect_configuration",
            Value::List(vec![Value::map([
                ("enabled", Value::Bool(true)),
                ("namespace", Value::string("example")),
                (
                    "service",
                    Value::List(vec![Value::map([
                        ("port_name", Value::string("http")),
                        (
                            "client_alias",
                            Value::List(vec![Value::map([
                                ("port", Value::Number(8080.0)),
                                ("dns_name", Value::string("web.example")),
                                ("test_traffic_rules", Value::List(rules)),
                            ])]),
                        ),
                    ])]),
                ),
            ])]),
        )])
    }

    /// A `test_traffic_rules` block matching header `name` exactly on `exact`.
    fn header_rule(name: &str, exact: &str) -> Value {
        Value::map([(
            "header",
            Value::List(vec![Value::map([
                ("name", Value::string(name)),
                ("value", Value::List(vec![Value::map([("exact", Value::string(exact))])])),
            ])]),
        )])
    }

    /// The configured `client_alias` blocks of the first Service Connect service.
    fn configured_aliases(config: &Value) -> Value {
        let connect = single(config, "service_connect_configuration").expect("configured");
        let service = single(connect, "service").expect("configured");
        service.get("client_alias").clone()
    }

    /// `client_alias.test_traffic_rules` (provider 6.x) is sent in the Service Connect
    /// configuration of CreateService and UpdateService (both take it from
    /// `service_connect_to_sdk`) and read back as the provider flattens it. moto keeps no
    /// Service Connect configuration of a service, so only this test shows the request and the
    /// read-back.
    #[test]
    fn service_connect_test_traffic_rules_are_sent_and_read_back() {
        let config = with_test_traffic_rules(vec![header_rule("x-canary", "yes")]);
        let sent = service_connect_to_sdk(&config).expect("valid").expect("configured");
        let alias = &sent.services()[0].client_aliases()[0];
        assert_eq!(alias.port(), 8080);
        assert_eq!(alias.dns_name(), Some("web.example"));
        let header = alias
            .test_traffic_rules()
            .and_then(|rules| rules.header())
            .expect("the header rule is sent");
        assert_eq!(header.name(), "x-canary");
        assert_eq!(header.value().map(|v| v.exact()), Some("yes"));

        // Read back, the alias is what was configured.
        let read = service_connect_value(&sent);
        let service = single(&read, "service").expect("read");
        assert_eq!(service.get("client_alias"), &configured_aliases(&config));

        // A rule without a header is sent as an empty rule object and read back as one.
        let config = with_test_traffic_rules(vec![Value::map([("header", Value::List(vec![]))])]);
        let sent = service_connect_to_sdk(&config).expect("valid").expect("configured");
        let rules = sent.services()[0].client_aliases()[0].test_traffic_rules().expect("sent");
        assert!(rules.header().is_none());
        let read = service_connect_value(&sent);
        let service = single(&read, "service").expect("read");
        assert_eq!(service.get("client_alias"), &configured_aliases(&config));

        // Without rules, none are sent and none are read.
        let config = with_test_traffic_rules(vec![]);
        let sent = service_connect_to_sdk(&config).expect("valid").expect("configured");
        assert!(sent.services()[0].client_aliases()[0].test_traffic_rules().is_none());
        let read = service_connect_value(&sent);
        let service = single(&read, "service").expect("read");
        assert_eq!(service.get("client_alias"), &configured_aliases(&config));
    }

    /// A `capacity_provider_strategy` change replaces the service, as the provider's
    /// CustomizeDiff forces it, unless `force_new_deployment = true` and the strategy neither
    /// appears nor goes away.
    #[test]
    fn a_capacity_provider_strategy_change_replaces_unless_force_new_deployment() {
        let ecs = AwsEcsService::new(Aws::new(crate::ProviderSettings::default()));
        let with = |providers: &[(&str, f64)], force: Option<bool>| {
            let mut value = Value::map([
                ("name", Value::string("web")),
                (
                    "capacity_provider_strategy",
                    Value::List(
                        providers
                            .iter()
                            .map(|(name, weight)| {
                                Value::map([
                                    ("capacity_provider", Value::string(*name)),
                                    ("weight", Value::Number(*weight)),
                                    ("base", Value::Number(0.0)),
                                ])
                            })
                            .collect(),
                    ),
                ),
            ]);
            if let Some(force) = force {
                value.map_mut().unwrap().insert("force_new_deployment".into(), Value::Bool(force));
            }
            value
        };
        let replaced = |prior: &Value, planned: &Value| {
            let changed: Vec<String> = infra_engine_free_changed(prior, planned);
            ecs.replacing_changes(prior, planned, &changed)
        };
        let spot = with(&[("FARGATE_SPOT", 1.0)], None);
        let both = with(&[("FARGATE", 1.0), ("FARGATE_SPOT", 3.0)], None);
        assert_eq!(replaced(&spot, &both), vec!["capacity_provider_strategy"]);
        // With force_new_deployment, ECS updates it in place...
        let spot_forced = with(&[("FARGATE_SPOT", 1.0)], Some(true));
        let both_forced = with(&[("FARGATE", 1.0), ("FARGATE_SPOT", 3.0)], Some(true));
        assert!(replaced(&spot_forced, &both_forced).is_empty());
        // ...unless the strategy appears or goes away.
        let none_forced = with(&[], Some(true));
        assert_eq!(replaced(&none_forced, &spot_forced), vec!["capacity_provider_strategy"]);
        assert_eq!(replaced(&spot_forced, &none_forced), vec!["capacity_provider_strategy"]);
        assert!(replaced(&spot, &spot).is_empty());
    }

    /// The paths that differ at the top level, as the engine names a changed block.
    fn infra_engine_free_changed(prior: &Value, planned: &Value) -> Vec<String> {
        let keys = ["capacity_provider_strategy", "force_new_deployment"];
        keys.iter()
            .filter(|key| prior.get(key) != planned.get(key))
            .map(|key| key.to_string())
            .collect()
    }

    /// `triggers` mean something only with `force_new_deployment = true` (the provider's
    /// triggersCustomizeDiff clears their change otherwise): without it they normalize to
    /// unset, so a state holding them and a configuration changing them plan no change and
    /// nothing redeploys.
    #[test]
    fn triggers_count_only_with_force_new_deployment() {
        let ecs = AwsEcsService::new(Aws::new(crate::ProviderSettings::default()));
        let value = |force: Value| {
            Value::map([
                ("name", Value::string("web")),
                ("force_new_deployment", force),
                ("triggers", Value::map([("redeploy", Value::string("2026-11-26T23:00:00Z"))])),
            ])
        };
        for force in [Value::Null, Value::Bool(false)] {
            let mut unforced = value(force);
            ecs.normalize(&mut unforced);
            assert!(unforced.get("triggers").is_null(), "{unforced}");
        }
        for force in [Value::Bool(true), Value::Unknown] {
            let mut forced = value(force);
            let before = forced.get("triggers").clone();
            ecs.normalize(&mut forced);
            assert_eq!(forced.get("triggers"), &before);
        }
    }

    /// With `force_new_deployment = true`, removing every trigger is cleared from the diff as
    /// the provider's triggersCustomizeDiff clears it; changing or adding them is not.
    #[test]
    fn removing_every_trigger_with_force_new_deployment_is_no_change() {
        let ecs = AwsEcsService::new(Aws::new(crate::ProviderSettings::default()));
        let service = |force: bool, triggers: Value| {
            Value::map([("force_new_deployment", Value::Bool(force)), ("triggers", triggers)])
        };
        let some = |at: &str| Value::map([("redeploy", Value::string(at))]);
        let prior = service(true, some("1"));
        for none in [Value::Null, Value::Map(Default::default())] {
            assert_eq!(ecs.cleared_changes(&prior, &service(true, none)), ["triggers"]);
        }
        assert!(ecs.cleared_changes(&prior, &service(true, some("2"))).is_empty());
        assert!(ecs.cleared_changes(&prior, &service(true, Value::Unknown)).is_empty());
        assert!(ecs
            .cleared_changes(&service(true, Value::Null), &service(true, some("1")))
            .is_empty());
    }

    /// A Service Connect `timeout` with one of its two settings sends the other as 0, as the
    /// provider's expandTimeout does; ECS answers 0 for it, which reads back as no change from
    /// the unset argument (a zero value). moto keeps no Service Connect configuration, so only
    /// this test shows the request.
    #[test]
    fn a_service_connect_timeout_sends_both_settings() {
        let mut config = with_test_traffic_rules(vec![]);
        let service = config
            .map_mut()
            .and_then(|c| c.get_mut("service_connect_configuration"))
            .and_then(Value::list_mut)
            .and_then(|items| items.first_mut())
            .and_then(Value::map_mut)
            .and_then(|c| c.get_mut("service"))
            .and_then(Value::list_mut)
            .and_then(|items| items.first_mut())
            .and_then(Value::map_mut)
            .expect("a service");
        service.insert(
            "timeout".into(),
            Value::List(vec![Value::map([("idle_timeout_seconds", Value::Number(30.0))])]),
        );
        let sent = service_connect_to_sdk(&config).expect("valid").expect("configured");
        let timeout = sent.services()[0].timeout().expect("sent");
        assert_eq!(timeout.idle_timeout_seconds(), Some(30));
        assert_eq!(timeout.per_request_timeout_seconds(), Some(0));
    }

    /// ECS takes one set of test traffic rules per client alias: a second block is a located
    /// plan-time error rather than dropped (the provider sends the first only).
    #[test]
    fn a_second_test_traffic_rules_block_is_refused_at_its_location() {
        let ecs = AwsEcsService::new(Aws::new(crate::ProviderSettings::default()));
        let with_task = |mut config: Value| {
            if let Some(entries) = config.map_mut() {
                entries.insert("task_definition".into(), Value::string("web:1"));
            }
            config
        };
        let one = with_task(with_test_traffic_rules(vec![header_rule("x-canary", "yes")]));
        assert!(ecs.validate(&one).is_empty(), "{:?}", ecs.validate(&one));
        let two = with_task(with_test_traffic_rules(vec![
            header_rule("x-canary", "yes"),
            header_rule("x-test", "1"),
        ]));
        let problems = ecs.validate(&two);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            problems[0].0,
            "service_connect_configuration[0].service[0].client_alias[0].test_traffic_rules"
        );
        assert!(problems[0].1.contains("at most 1"), "{}", problems[0].1);
    }

    /// Service Connect's arguments have the provider's shape: what ECS fills in is
    /// Optional+Computed, a service has at most one client alias, a TLS block names its
    /// certificate authority, and the numbers have the provider's ranges.
    #[test]
    fn service_connect_arguments_have_the_providers_shape() {
        use infra_core::schema::Presence;
        let ecs = AwsEcsService::new(Aws::new(crate::ProviderSettings::default()));
        let connect =
            &ecs.schema().block_named("service_connect_configuration").expect("declared").schema;
        let presence =
            |schema: &Schema, name: &str| schema.attribute(name).map(|a| a.presence).expect(name);
        assert_eq!(presence(connect, "namespace"), Presence::OptionalComputed);
        let log = &connect.block_named("log_configuration").expect("declared").schema;
        assert_eq!(presence(log, "options"), Presence::OptionalComputed);
        assert!(matches!(
            log.attribute("log_driver").map(|a| a.checks.as_slice()),
            Some([Check::OneOf(drivers)]) if drivers.contains(&"awslogs") && drivers.len() == 8
        ));
        let service = &connect.block_named("service").expect("declared").schema;
        assert_eq!(presence(service, "discovery_name"), Presence::OptionalComputed);
        let alias = service.block_named("client_alias").expect("declared");
        assert_eq!(alias.max_items, Some(1));
        assert_eq!(presence(&alias.schema, "dns_name"), Presence::OptionalComputed);
        assert_eq!(
            alias.schema.attribute("port").map(|a| a.checks.as_slice()),
            Some(&[Check::Range(0, 65535)][..])
        );
        let timeout = &service.block_named("timeout").expect("declared").schema;
        for name in ["idle_timeout_seconds", "per_request_timeout_seconds"] {
            assert_eq!(
                timeout.attribute(name).map(|a| a.checks.as_slice()),
                Some(&[Check::Range(0, 2_147_483_647)][..])
            );
        }
        let authority = &service
            .block_named("tls")
            .and_then(|tls| tls.schema.block_named("issuer_cert_authority"))
            .expect("declared")
            .schema;
        assert_eq!(presence(authority, "aws_pca_authority_arn"), Presence::Required);
    }

    /// The provider's `verify.ValidARN` checks of the ARN arguments and its VPC Lattice port
    /// name check, each problem at its location; valid and unknown values pass.
    #[test]
    fn arns_and_lattice_port_names_are_checked_where_they_are() {
        let ecs = AwsEcsService::new(Aws::new(crate::ProviderSettings::default()));
        let arn = "arn:aws:iam::123456789012:role/ecs";
        let config = |bad: Value, port_name: &str| {
            Value::map([
                ("name", Value::string("web")),
                ("task_definition", Value::string("web:1")),
                (
                    "load_balancer",
                    Value::List(vec![Value::map([
                        ("container_name", Value::string("app")),
                        ("container_port", Value::Number(80.0)),
                        ("target_group_arn", bad.clone()),
                    ])]),
                ),
                (
                    "service_registries",
                    Value::List(vec![Value::map([("registry_arn", Value::string(arn))])]),
                ),
                (
                    "vpc_lattice_configurations",
                    Value::List(vec![Value::map([
                        ("role_arn", Value::string(arn)),
                        ("target_group_arn", bad.clone()),
                        ("port_name", Value::string(port_name)),
                    ])]),
                ),
                (
                    "deployment_configuration",
                    Value::List(vec![Value::map([
                        ("strategy", Value::string("BLUE_GREEN")),
                        (
                            "lifecycle_hook",
                            Value::List(vec![Value::map([
                                ("hook_target_arn", bad),
                                ("role_arn", Value::string(arn)),
                                (
                                    "lifecycle_stages",
                                    Value::List(vec![Value::string("PRE_SCALE_UP")]),
                                ),
                            ])]),
                        ),
                    ])]),
                ),
            ])
        };
        assert!(ecs.problems(&config(Value::string(arn), "http")).is_empty());
        assert!(ecs.problems(&config(Value::Unknown, "http")).is_empty());
        let problems = ecs.problems(&config(Value::string("my-target-group"), "-HTTP"));
        let at: Vec<&str> = problems.iter().map(|(at, _)| at.as_str()).collect();
        assert_eq!(
            at,
            [
                "vpc_lattice_configurations[0].target_group_arn",
                "vpc_lattice_configurations[0].port_name",
                "load_balancer[0].target_group_arn",
                "deployment_configuration[0].lifecycle_hook[0].hook_target_arn",
            ],
            "{problems:?}"
        );
        assert!(problems[0].1.contains("is an invalid ARN: arn: invalid prefix"));
        assert_eq!(
            lattice_port_name_problem("-http").as_deref(),
            Some("invalid value for port_name (cannot begin with a hyphen)")
        );
        assert!(lattice_port_name_problem(&"a".repeat(65)).is_some_and(|p| p.contains("(1 - 64)")));
        assert_eq!(lattice_port_name_problem("http_8080-a"), None);
    }

    /// A DAEMON service as the provider handles it: its maximum percent is not sent (ECS sets
    /// it), its minimum only when not the default 100 on create and whenever it is sent on
    /// update, and a REPLICA service sends both.
    #[test]
    fn a_daemon_service_sends_the_percentages_the_provider_sends() {
        let service = |strategy: &str, minimum: f64| {
            Value::map([
                ("scheduling_strategy", Value::string(strategy)),
                ("deployment_minimum_healthy_percent", Value::Number(minimum)),
                ("deployment_maximum_percent", Value::Number(200.0)),
            ])
        };
        assert_eq!(percents_to_sdk(&service("REPLICA", 100.0), false), (Some(100), Some(200)));
        assert_eq!(percents_to_sdk(&service("DAEMON", 100.0), false), (None, None));
        assert_eq!(percents_to_sdk(&service("DAEMON", 50.0), false), (Some(50), None));
        assert_eq!(percents_to_sdk(&service("DAEMON", 100.0), true), (Some(100), None));
        let sent = deployment_to_sdk(&service("DAEMON", 50.0), false).expect("valid");
        assert_eq!(sent.minimum_healthy_percent(), Some(50));
        assert_eq!(sent.maximum_percent(), None);
    }

    /// ECS decides a DAEMON service's task count and its own percentages: the configured
    /// count and the percentages' defaults read back as configured (the provider's
    /// DiffSuppressFuncs), and a REPLICA service reads back what ECS reports.
    #[test]
    fn a_daemon_service_reads_back_its_configured_count_and_default_percentages() {
        let reported = |strategy: SchedulingStrategy| {
            Service::builder()
                .service_arn("arn:aws:ecs:us-east-1:123456789012:service/prod/agent")
                .service_name("agent")
                .scheduling_strategy(strategy)
                .desired_count(3)
                .deployment_configuration(
                    DeploymentConfiguration::builder()
                        .minimum_healthy_percent(0)
                        .maximum_percent(100)
                        .build(),
                )
                .build()
        };
        let hint = Value::map([
            ("name", Value::string("agent")),
            ("scheduling_strategy", Value::string("DAEMON")),
            ("desired_count", Value::Number(1.0)),
            ("deployment_minimum_healthy_percent", Value::Number(100.0)),
            ("deployment_maximum_percent", Value::Number(200.0)),
        ]);
        let read = service_to_value(&reported(SchedulingStrategy::Daemon), &hint);
        assert_eq!(read.get("desired_count"), &Value::Number(1.0));
        assert_eq!(read.get("deployment_minimum_healthy_percent"), &Value::Number(100.0));
        assert_eq!(read.get("deployment_maximum_percent"), &Value::Number(200.0));

        // A minimum the configuration sets reads back as ECS reports it.
        let mut set = hint.clone();
        if let Some(entries) = set.map_mut() {
            entries.insert("deployment_minimum_healthy_percent".into(), Value::Number(50.0));
        }
        let read = service_to_value(&reported(SchedulingStrategy::Daemon), &set);
        assert_eq!(read.get("deployment_minimum_healthy_percent"), &Value::Number(0.0));

        let read = service_to_value(&reported(SchedulingStrategy::Replica), &hint);
        assert_eq!(read.get("desired_count"), &Value::Number(3.0));
        assert_eq!(read.get("deployment_maximum_percent"), &Value::Number(100.0));
    }

    /// A placement strategy's field reads back as configured where it means what ECS reports
    /// (ECS's upper case, `host` for `instanceId`), and lowercased for MEMORY and CPU
    /// otherwise, as the provider flattens it.
    #[test]
    fn placement_fields_read_back_as_the_provider_reads_them() {
        let field = |reported: Option<&str>, configured: Value| {
            placement_field_value(reported, &configured)
        };
        assert_eq!(field(Some("MEMORY"), Value::string("memory")), Value::string("memory"));
        assert_eq!(field(Some("CPU"), Value::Null), Value::string("cpu"));
        assert_eq!(field(Some("instanceId"), Value::string("host")), Value::string("host"));
        assert_eq!(
            field(
                Some("attribute:ecs.availability-zone"),
                Value::string("attribute:ecs.availability-zone")
            ),
            Value::string("attribute:ecs.availability-zone")
        );
        assert_eq!(field(Some("instanceId"), Value::string("memory")), Value::string("instanceId"));
        assert_eq!(field(None, Value::Null), Value::Null);
    }

    /// The provider's placement checks, at their locations: a random strategy takes no
    /// field, a binpack one cpu or memory, and a memberOf constraint needs an expression.
    #[test]
    fn placement_strategies_and_constraints_are_checked_as_the_provider_checks_them() {
        let ecs = AwsEcsService::new(Aws::new(crate::ProviderSettings::default()));
        let config = |strategies: Vec<(&str, Value)>, constraint: Value| {
            Value::map([
                ("name", Value::string("web")),
                ("task_definition", Value::string("web:1")),
                (
                    "ordered_placement_strategy",
                    Value::List(
                        strategies
                            .into_iter()
                            .map(|(kind, field)| {
                                Value::map([("type", Value::string(kind)), ("field", field)])
                            })
                            .collect(),
                    ),
                ),
                (
                    "placement_constraints",
                    Value::List(vec![Value::map([
                        ("type", Value::string("memberOf")),
                        ("expression", constraint),
                    ])]),
                ),
            ])
        };
        let good = config(
            vec![
                ("binpack", Value::string("memory")),
                ("spread", Value::string("attribute:ecs.availability-zone")),
                ("random", Value::Null),
            ],
            Value::string("attribute:ecs.instance-type =~ t3.*"),
        );
        assert!(ecs.validate(&good).is_empty(), "{:?}", ecs.validate(&good));
        let bad = config(
            vec![("binpack", Value::string("MEMORY")), ("random", Value::string("instanceId"))],
            Value::Null,
        );
        assert_eq!(
            ecs.validate(&bad),
            [
                (
                    "ordered_placement_strategy[0].field".to_string(),
                    "Binpack type requires the field attribute to be either 'cpu' or 'memory'. Got: MEMORY".to_string()
                ),
                (
                    "ordered_placement_strategy[1].field".to_string(),
                    "Random type requires the field attribute to be unset. Got: instanceId"
                        .to_string()
                ),
                (
                    "placement_constraints[0].expression".to_string(),
                    "Expression cannot be nil for 'memberOf' type".to_string()
                ),
            ]
        );
        let unknown = config(vec![("binpack", Value::Unknown)], Value::Unknown);
        assert!(ecs.validate(&unknown).is_empty());
    }

    /// A DAEMON service is deleted without scaling it to 0 first (ECS sets its count), as
    /// the provider deletes it; a REPLICA service is drained first.
    #[test]
    fn only_a_replica_service_is_drained_before_delete() {
        let strategy = |s: &str| Value::map([("scheduling_strategy", Value::string(s))]);
        assert!(drains_before_delete(&strategy("REPLICA")));
        assert!(!drains_before_delete(&strategy("DAEMON")));
        assert!(drains_before_delete(&Value::Null));
    }

    /// Turning blue/green on or off replaces the service (infra's blue/green is two ECS
    /// services); a change between infra's strategies, or an unknown one, does not.
    #[test]
    fn turning_blue_green_on_or_off_replaces_the_service() {
        let ecs = AwsEcsService::new(Aws::new(crate::ProviderSettings::default()));
        let rolling = service(Value::string("ROLLING"));
        let blue_green = service(Value::string("BLUE_GREEN"));
        let canary = service(Value::string("CANARY"));
        let replaced = ["deployment_configuration".to_string()];
        assert_eq!(ecs.replacing_changes(&rolling, &blue_green, &[]), replaced);
        assert_eq!(ecs.replacing_changes(&blue_green, &rolling, &[]), replaced);
        assert!(ecs.replacing_changes(&blue_green, &canary, &[]).is_empty());
        assert!(ecs.replacing_changes(&rolling, &rolling, &[]).is_empty());
        let unknown = service(Value::Unknown);
        assert!(ecs.replacing_changes(&rolling, &unknown, &[]).is_empty());
    }
}
