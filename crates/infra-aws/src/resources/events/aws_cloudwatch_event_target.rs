//! `aws_cloudwatch_event_target`: a target of an EventBridge rule (a Lambda function, SNS
//! topic, SQS queue, a scheduled ECS task, ...), with its input and delivery settings.
//!
//! The ID is `rule-target_id` on the default bus, else `bus-rule-target_id`, as the provider
//! writes it; the import ID is `event_bus_name/rule/target_id` (or `rule/target_id` on the
//! default bus). PutTargets creates the target and, with every argument, updates it in place;
//! `rule`, `event_bus_name` and `target_id` force a new target. A missing `target_id` is
//! generated (`terraform-` and a unique suffix). Refresh is batched: one ListTargetsByRule per
//! rule for all of that rule's targets. `force_destroy` is configuration only (RemoveTargets
//! `Force`, for targets of rules managed by an AWS service). The type is an [`AwsObject`]
//! (untagged): a target's key is its bus, rule and `target_id` (JSON).
//!
//! moto stores targets as sent and returns every parameter, so drift on each is seen in tests;
//! moto does not run targets, so no invocation is shown.

use std::collections::BTreeMap;

use aws_sdk_eventbridge::types::{
    AppSyncParameters, AssignPublicIp, AwsVpcConfiguration, BatchArrayProperties, BatchParameters,
    BatchRetryStrategy, CapacityProviderStrategyItem, DeadLetterConfig, EcsParameters,
    HttpParameters, InputTransformer, KinesisParameters, LaunchType, NetworkConfiguration,
    PlacementConstraint, PlacementConstraintType, PlacementStrategy, PlacementStrategyType,
    PropagateTags, RedshiftDataParameters, RetryPolicy, RunCommandParameters, RunCommandTarget,
    SageMakerPipelineParameter, SageMakerPipelineParameters, SqsParameters, Target,
};
use infra_core::{Attribute, Block, Check, ProviderError, Schema, Type, Value};

use crate::app_support::{
    blocks, boolean, canonical_json, int, invalid_json, map_value, non_empty, number, one_block,
    same_json, sent, single, string, string_list, string_map, strings, text, text_or_null,
    vanished,
};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged, Updating,
};
use crate::declared::{read, read_block, reported, Declared, Reading};
use crate::ec2_support::unique_name;
use crate::ecs_support::{
    awsvpc_value, capacity_provider_strategy_value, network_configuration_block,
};
use crate::error::built;
use crate::events_support::{
    bus_or_default, is_gone, parse_target_import_id, sdk_tags, target_id, DEFAULT_BUS,
};
use crate::Aws;

pub type AwsCloudwatchEventTarget = ObjectType<TargetObject>;

pub struct TargetObject;

/// A target as read, with the bus and rule it is a target of.
pub struct RuleTarget {
    bus: String,
    rule: String,
    target: Target,
}

/// `(bus, rule, target_id)`.
type Key = (String, String, String);

fn s(name: &'static str) -> Attribute {
    Attribute::optional(name, Type::String)
}

/// Every target of one rule; `None` when the rule (or its bus) is gone.
async fn targets_of(
    aws: &Aws,
    bus: &str,
    rule: &str,
) -> Result<Option<Vec<Target>>, ProviderError> {
    let client = &aws.clients().await.events;
    let mut targets = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = match sent!(client
            .list_targets_by_rule()
            .rule(rule)
            .event_bus_name(bus)
            .set_next_token(token.clone()))
        {
            Ok(page) => page,
            Err(error) if is_gone(&error) => return Ok(None),
            Err(error) => return Err(error),
        };
        targets.extend(page.targets().iter().cloned());
        match page.next_token() {
            Some(next) if !next.is_empty() => token = Some(next.to_string()),
            _ => return Ok(Some(targets)),
        }
    }
}

fn found(bus: &str, rule: &str, target: &Target) -> Tagged<RuleTarget> {
    let object =
        RuleTarget { bus: bus.to_string(), rule: rule.to_string(), target: target.clone() };
    Tagged { object, tags: vec![] }
}

/// PutTargets of the planned target with ID `id` (an error for a failed entry), then the
/// target read back from its rule's targets.
async fn put(aws: &Aws, planned: &Value, id: &str) -> Result<Tagged<RuleTarget>, ProviderError> {
    let client = &aws.clients().await.events;
    let bus = bus_or_default(string(planned, "event_bus_name"));
    let rule = string(planned, "rule")
        .ok_or_else(|| ProviderError::new("aws_cloudwatch_event_target needs a known rule"))?;
    let output = sent!(client
        .put_targets()
        .rule(&rule)
        .event_bus_name(&bus)
        .targets(build_target(planned, id)?))?;
    if let Some(failed) = output.failed_entries().first() {
        return Err(ProviderError::with_code(
            failed.error_code().unwrap_or("FailedEntry"),
            format!(
                "putting EventBridge target {id} of rule {rule}: {}",
                failed.error_message().unwrap_or_default()
            ),
        ));
    }
    targets_of(aws, &bus, &rule)
        .await?
        .and_then(|targets| targets.into_iter().find(|t| t.id() == id))
        .map(|target| found(&bus, &rule, &target))
        .ok_or_else(|| vanished("EventBridge target", &target_id(&bus, &rule, id)))
}

/// The target's ID, rule, bus, ARN, input and role, in the schema's order (a planned unknown
/// `target_id` never reaches a read: the read uses the ID that was sent).
fn identity() -> Vec<Declared<RuleTarget>> {
    type R = RuleTarget;
    vec![
        read(Attribute::computed("id", Type::String), |r: &R, _: &Reading| {
            Value::string(target_id(&r.bus, &r.rule, r.target.id()))
        }),
        read(Attribute::required("rule", Type::String).force_new(), |r: &R, _: &Reading| {
            Value::string(&r.rule)
        }),
        read(
            Attribute::optional("event_bus_name", Type::String)
                .default(Value::string(DEFAULT_BUS))
                .force_new(),
            |r: &R, _: &Reading| Value::string(&r.bus),
        ),
        reported(Attribute::optional_computed("target_id", Type::String).force_new(), |r: &R| {
            r.target.id()
        }),
        reported(Attribute::required("arn", Type::String), |r: &R| r.target.arn()),
        read(
            Attribute::optional("input", Type::Json)
                .conflicts_with(&["input_path", "input_transformer"]),
            |r: &R, at: &Reading| match r.target.input().filter(|i| !i.is_empty()) {
                Some(input) => same_json(Some(canonical_json(input)), at.prior.get("input")),
                None => Value::Null,
            },
        ),
        read(
            s("input_path").conflicts_with(&["input", "input_transformer"]),
            |r: &R, _: &Reading| text_or_null(r.target.input_path()),
        ),
        read(s("role_arn"), |r: &R, _: &Reading| text_or_null(r.target.role_arn())),
        read(
            Attribute::optional("force_destroy", Type::Bool).default(Value::Bool(false)),
            |_: &R, at: &Reading| Value::Bool(boolean(at.prior, "force_destroy").unwrap_or(false)),
        ),
    ]
}

/// A block read from the target by `read`: its objects.
fn block(block: Block, read: fn(&Target) -> Value) -> Declared<RuleTarget> {
    read_block(block, move |r: &RuleTarget, _: &Reading| read(&r.target))
}

/// The target's blocks, in the order they have always been declared: the parameters for the
/// kinds of target (Run Command, ECS, Batch, Kinesis, Redshift and SageMaker), then SQS and
/// HTTP parameters, the input transformer, retries, dead letters and AppSync.
fn target_blocks() -> Vec<Declared<RuleTarget>> {
    let mut blocks = kind_blocks();
    blocks.extend(delivery_blocks());
    blocks
}

/// The parameters for the kinds of target: Run Command, ECS, Batch, Kinesis, Redshift and
/// SageMaker.
fn kind_blocks() -> Vec<Declared<RuleTarget>> {
    vec![
        block(
            Block {
                max_items: Some(5),
                ..Block::list(
                    "run_command_targets",
                    Schema::new()
                        .attr(Attribute::required("key", Type::String))
                        .attr(Attribute::required("values", Type::list(Type::String))),
                )
            },
            |target| {
                Value::List(
                    target
                        .run_command_parameters()
                        .map(|r| r.run_command_targets())
                        .unwrap_or_default()
                        .iter()
                        .map(|t| {
                            Value::map([
                                ("key", Value::string(t.key())),
                                ("values", string_list(t.values())),
                            ])
                        })
                        .collect(),
                )
            },
        ),
        block(Block::single("ecs_target", ecs_target_schema()), |target| {
            one_block(target.ecs_parameters().map(ecs_value))
        }),
        block(
            Block::single(
                "batch_target",
                Schema::new()
                    .attr(Attribute::required("job_definition", Type::String))
                    .attr(Attribute::required("job_name", Type::String))
                    .attr(
                        Attribute::optional("array_size", Type::Number)
                            .check(Check::Range(2, 10000)),
                    )
                    .attr(
                        Attribute::optional("job_attempts", Type::Number)
                            .check(Check::Range(1, 10)),
                    ),
            ),
            |target| {
                one_block(target.batch_parameters().map(|b| {
                    Value::map([
                        ("job_definition", Value::string(b.job_definition())),
                        ("job_name", Value::string(b.job_name())),
                        ("array_size", number(b.array_properties().map(|a| i64::from(a.size())))),
                        (
                            "job_attempts",
                            number(b.retry_strategy().map(|r| i64::from(r.attempts()))),
                        ),
                    ])
                }))
            },
        ),
        block(
            Block::single("kinesis_target", Schema::new().attr(s("partition_key_path"))),
            |target| {
                one_block(target.kinesis_parameters().map(|k| {
                    Value::map([("partition_key_path", Value::string(k.partition_key_path()))])
                }))
            },
        ),
        block(
            Block::single(
                "redshift_target",
                Schema::new()
                    .attr(Attribute::required("database", Type::String))
                    .attr(s("db_user"))
                    .attr(s("secrets_manager_arn"))
                    .attr(s("sql"))
                    .attr(s("statement_name"))
                    .attr(
                        Attribute::optional("with_event", Type::Bool).default(Value::Bool(false)),
                    ),
            ),
            |target| {
                one_block(target.redshift_data_parameters().map(|r| {
                    Value::map([
                        ("database", Value::string(r.database())),
                        ("db_user", text_or_null(r.db_user())),
                        ("secrets_manager_arn", text_or_null(r.secret_manager_arn())),
                        ("sql", text_or_null(r.sql())),
                        ("statement_name", text_or_null(r.statement_name())),
                        ("with_event", Value::Bool(r.with_event())),
                    ])
                }))
            },
        ),
        block(
            Block::single(
                "sagemaker_pipeline_target",
                Schema::new().block(Block {
                    max_items: Some(200),
                    ..Block::set(
                        "pipeline_parameter_list",
                        Schema::new()
                            .attr(Attribute::required("name", Type::String))
                            .attr(Attribute::required("value", Type::String)),
                    )
                }),
            ),
            |target| {
                one_block(target.sage_maker_pipeline_parameters().map(|p| {
                    Value::map([(
                        "pipeline_parameter_list",
                        Value::List(
                            p.pipeline_parameter_list()
                                .iter()
                                .map(|p| {
                                    Value::map([
                                        ("name", Value::string(p.name())),
                                        ("value", Value::string(p.value())),
                                    ])
                                })
                                .collect(),
                        ),
                    )])
                }))
            },
        ),
    ]
}

/// How the event is delivered: SQS and HTTP parameters, the input transformer, retries, dead
/// letters and AppSync.
fn delivery_blocks() -> Vec<Declared<RuleTarget>> {
    vec![
        block(Block::single("sqs_target", Schema::new().attr(s("message_group_id"))), |target| {
            one_block(
                target.sqs_parameters().map(|q| {
                    Value::map([("message_group_id", text_or_null(q.message_group_id()))])
                }),
            )
        }),
        block(
            Block::single(
                "http_target",
                Schema::new()
                    .attr(Attribute::optional("path_parameter_values", Type::list(Type::String)))
                    .attr(Attribute::optional("header_parameters", Type::map(Type::String)))
                    .attr(Attribute::optional("query_string_parameters", Type::map(Type::String))),
            ),
            |target| {
                one_block(target.http_parameters().map(|h| {
                    Value::map([
                        (
                            "path_parameter_values",
                            if h.path_parameter_values().is_empty() {
                                Value::Null
                            } else {
                                string_list(h.path_parameter_values())
                            },
                        ),
                        ("header_parameters", map_value(h.header_parameters())),
                        ("query_string_parameters", map_value(h.query_string_parameters())),
                    ])
                }))
            },
        ),
        block(
            Block::single(
                "input_transformer",
                Schema::new()
                    .attr(Attribute::optional("input_paths", Type::map(Type::String)))
                    .attr(Attribute::required("input_template", Type::String)),
            )
            .conflicts_with(&["input", "input_path"]),
            |target| {
                one_block(target.input_transformer().map(|t| {
                    Value::map([
                        ("input_paths", map_value(t.input_paths_map())),
                        ("input_template", Value::string(t.input_template())),
                    ])
                }))
            },
        ),
        block(
            Block::single(
                "retry_policy",
                Schema::new()
                    .attr(
                        Attribute::optional("maximum_event_age_in_seconds", Type::Number)
                            .check(Check::Range(60, 86400)),
                    )
                    .attr(
                        Attribute::optional("maximum_retry_attempts", Type::Number)
                            .check(Check::Range(0, 185)),
                    ),
            ),
            |target| {
                one_block(target.retry_policy().map(|r| {
                    Value::map([
                        (
                            "maximum_event_age_in_seconds",
                            number(r.maximum_event_age_in_seconds().map(i64::from)),
                        ),
                        (
                            "maximum_retry_attempts",
                            number(r.maximum_retry_attempts().map(i64::from)),
                        ),
                    ])
                }))
            },
        ),
        block(Block::single("dead_letter_config", Schema::new().attr(s("arn"))), |target| {
            one_block(
                target.dead_letter_config().map(|d| Value::map([("arn", text_or_null(d.arn()))])),
            )
        }),
        block(
            Block::single("appsync_target", Schema::new().attr(s("graphql_operation"))),
            |target| {
                one_block(target.app_sync_parameters().map(|a| {
                    Value::map([("graphql_operation", text_or_null(a.graph_ql_operation()))])
                }))
            },
        ),
    ]
}

/// `ecs_target`'s schema.
fn ecs_target_schema() -> Schema {
    Schema::new()
        .attr(Attribute::required("task_definition_arn", Type::String))
        .attr(
            Attribute::optional("task_count", Type::Number)
                .default(Value::Number(1.0))
                .check(Check::Range(1, 10)),
        )
        .attr(s("launch_type").check(Check::OneOf(&["EC2", "FARGATE", "EXTERNAL"])))
        .attr(s("platform_version"))
        .attr(s("group"))
        .attr(
            Attribute::optional("enable_ecs_managed_tags", Type::Bool).default(Value::Bool(false)),
        )
        .attr(Attribute::optional("enable_execute_command", Type::Bool).default(Value::Bool(false)))
        .attr(s("propagate_tags").check(Check::OneOf(&["TASK_DEFINITION"])))
        .attr(Attribute::optional("tags", Type::map(Type::String)))
        .block(network_configuration_block())
        .block(Block {
            max_items: Some(10),
            ..Block::set(
                "placement_constraint",
                Schema::new()
                    .attr(
                        Attribute::required("type", Type::String)
                            .check(Check::OneOf(&["distinctInstance", "memberOf"])),
                    )
                    .attr(s("expression")),
            )
        })
        .block(Block {
            max_items: Some(5),
            ..Block::list(
                "ordered_placement_strategy",
                Schema::new()
                    .attr(
                        Attribute::required("type", Type::String)
                            .check(Check::OneOf(&["random", "spread", "binpack"])),
                    )
                    .attr(s("field")),
            )
        })
        .block(Block::set(
            "capacity_provider_strategy",
            Schema::new()
                .attr(Attribute::required("capacity_provider", Type::String))
                .attr(Attribute::optional("weight", Type::Number).check(Check::Range(0, 1000)))
                .attr(Attribute::optional("base", Type::Number).check(Check::Range(0, 100000))),
        ))
}

/// The SDK target for a planned value.
fn build_target(planned: &Value, id: &str) -> Result<Target, ProviderError> {
    let mut target = Target::builder()
        .id(id)
        .set_arn(string(planned, "arn"))
        .set_role_arn(non_empty(planned, "role_arn"))
        .set_input(non_empty(planned, "input").map(|i| canonical_json(&i)))
        .set_input_path(non_empty(planned, "input_path"));
    let commands = blocks(planned, "run_command_targets");
    if !commands.is_empty() {
        let targets = commands
            .iter()
            .map(|c| {
                built(
                    RunCommandTarget::builder()
                        .set_key(string(c, "key"))
                        .set_values(Some(strings(c, "values")))
                        .build(),
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        target = target.run_command_parameters(built(
            RunCommandParameters::builder().set_run_command_targets(Some(targets)).build(),
        )?);
    }
    if let Some(ecs) = single(planned, "ecs_target") {
        target = target.ecs_parameters(ecs_parameters(ecs)?);
    }
    if let Some(batch) = single(planned, "batch_target") {
        target = target.batch_parameters(built(
            BatchParameters::builder()
                .set_job_definition(string(batch, "job_definition"))
                .set_job_name(string(batch, "job_name"))
                .set_array_properties(
                    int(batch, "array_size")
                        .map(|size| BatchArrayProperties::builder().size(size).build()),
                )
                .set_retry_strategy(
                    int(batch, "job_attempts")
                        .map(|n| BatchRetryStrategy::builder().attempts(n).build()),
                )
                .build(),
        )?);
    }
    if let Some(kinesis) = single(planned, "kinesis_target") {
        if let Some(path) = non_empty(kinesis, "partition_key_path") {
            target = target.kinesis_parameters(built(
                KinesisParameters::builder().partition_key_path(path).build(),
            )?);
        }
    }
    if let Some(redshift) = single(planned, "redshift_target") {
        target = target.redshift_data_parameters(built(
            RedshiftDataParameters::builder()
                .set_database(string(redshift, "database"))
                .set_db_user(non_empty(redshift, "db_user"))
                .set_secret_manager_arn(non_empty(redshift, "secrets_manager_arn"))
                .set_sql(non_empty(redshift, "sql"))
                .set_statement_name(non_empty(redshift, "statement_name"))
                .with_event(boolean(redshift, "with_event").unwrap_or(false))
                .build(),
        )?);
    }
    if let Some(sagemaker) = single(planned, "sagemaker_pipeline_target") {
        let parameters = blocks(sagemaker, "pipeline_parameter_list")
            .iter()
            .map(|p| {
                built(
                    SageMakerPipelineParameter::builder()
                        .set_name(string(p, "name"))
                        .set_value(string(p, "value"))
                        .build(),
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        target = target.sage_maker_pipeline_parameters(
            SageMakerPipelineParameters::builder()
                .set_pipeline_parameter_list(Some(parameters))
                .build(),
        );
    }
    if let Some(sqs) = single(planned, "sqs_target") {
        target = target.sqs_parameters(
            SqsParameters::builder()
                .set_message_group_id(non_empty(sqs, "message_group_id"))
                .build(),
        );
    }
    if let Some(http) = single(planned, "http_target") {
        let paths = strings(http, "path_parameter_values");
        target = target.http_parameters(
            HttpParameters::builder()
                .set_path_parameter_values((!paths.is_empty()).then_some(paths))
                .set_header_parameters(string_map(http, "header_parameters"))
                .set_query_string_parameters(string_map(http, "query_string_parameters"))
                .build(),
        );
    }
    if let Some(transformer) = single(planned, "input_transformer") {
        target = target.input_transformer(built(
            InputTransformer::builder()
                .set_input_paths_map(string_map(transformer, "input_paths"))
                .set_input_template(string(transformer, "input_template"))
                .build(),
        )?);
    }
    if let Some(retry) = single(planned, "retry_policy") {
        target = target.retry_policy(
            RetryPolicy::builder()
                .set_maximum_event_age_in_seconds(int(retry, "maximum_event_age_in_seconds"))
                .set_maximum_retry_attempts(int(retry, "maximum_retry_attempts"))
                .build(),
        );
    }
    if let Some(dead_letter) = single(planned, "dead_letter_config") {
        target = target.dead_letter_config(
            DeadLetterConfig::builder().set_arn(non_empty(dead_letter, "arn")).build(),
        );
    }
    if let Some(appsync) = single(planned, "appsync_target") {
        target = target.app_sync_parameters(
            AppSyncParameters::builder()
                .set_graph_ql_operation(non_empty(appsync, "graphql_operation"))
                .build(),
        );
    }
    built(target.build())
}

fn ecs_parameters(ecs: &Value) -> Result<EcsParameters, ProviderError> {
    let network = match single(ecs, "network_configuration") {
        Some(network) => {
            let groups = strings(network, "security_groups");
            Some(
                NetworkConfiguration::builder()
                    .awsvpc_configuration(built(
                        AwsVpcConfiguration::builder()
                            .set_subnets(Some(strings(network, "subnets")))
                            .set_security_groups((!groups.is_empty()).then_some(groups))
                            .assign_public_ip(
                                if boolean(network, "assign_public_ip") == Some(true) {
                                    AssignPublicIp::Enabled
                                } else {
                                    AssignPublicIp::Disabled
                                },
                            )
                            .build(),
                    )?)
                    .build(),
            )
        }
        None => None,
    };
    let constraints: Vec<PlacementConstraint> = blocks(ecs, "placement_constraint")
        .iter()
        .map(|c| {
            PlacementConstraint::builder()
                .set_type(string(c, "type").map(|t| PlacementConstraintType::from(t.as_str())))
                .set_expression(non_empty(c, "expression"))
                .build()
        })
        .collect();
    let strategies: Vec<PlacementStrategy> = blocks(ecs, "ordered_placement_strategy")
        .iter()
        .map(|p| {
            PlacementStrategy::builder()
                .set_type(string(p, "type").map(|t| PlacementStrategyType::from(t.as_str())))
                .set_field(non_empty(p, "field"))
                .build()
        })
        .collect();
    let providers = blocks(ecs, "capacity_provider_strategy")
        .iter()
        .map(|c| {
            built(
                CapacityProviderStrategyItem::builder()
                    .set_capacity_provider(string(c, "capacity_provider"))
                    .weight(int(c, "weight").unwrap_or(0))
                    .base(int(c, "base").unwrap_or(0))
                    .build(),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let tags = crate::app_support::desired_tags(&Value::map([("tags", ecs.get("tags").clone())]));
    built(
        EcsParameters::builder()
            .set_task_definition_arn(string(ecs, "task_definition_arn"))
            .task_count(int(ecs, "task_count").unwrap_or(1))
            .set_launch_type(non_empty(ecs, "launch_type").map(|l| LaunchType::from(l.as_str())))
            .set_network_configuration(network)
            .set_platform_version(non_empty(ecs, "platform_version"))
            .set_group(non_empty(ecs, "group"))
            .enable_ecs_managed_tags(boolean(ecs, "enable_ecs_managed_tags").unwrap_or(false))
            .enable_execute_command(boolean(ecs, "enable_execute_command").unwrap_or(false))
            .set_propagate_tags(
                non_empty(ecs, "propagate_tags").map(|p| PropagateTags::from(p.as_str())),
            )
            .set_placement_constraints((!constraints.is_empty()).then_some(constraints))
            .set_placement_strategy((!strategies.is_empty()).then_some(strategies))
            .set_capacity_provider_strategy((!providers.is_empty()).then_some(providers))
            .set_tags((!tags.is_empty()).then(|| sdk_tags(&tags)).transpose()?)
            .build(),
    )
}

fn ecs_value(ecs: &EcsParameters) -> Value {
    let network = awsvpc_value(
        ecs.network_configuration().and_then(|n| n.awsvpc_configuration()).map(|vpc| {
            (
                vpc.subnets(),
                vpc.security_groups(),
                vpc.assign_public_ip() == Some(&AssignPublicIp::Enabled),
            )
        }),
        false,
    );
    let tags = if ecs.tags().is_empty() {
        Value::Null
    } else {
        Value::Map(
            ecs.tags().iter().map(|t| (t.key().to_string(), Value::string(t.value()))).collect(),
        )
    };
    Value::map([
        ("task_definition_arn", Value::string(ecs.task_definition_arn())),
        ("task_count", number(Some(i64::from(ecs.task_count().unwrap_or(1))))),
        ("launch_type", text(ecs.launch_type().map(|l| l.as_str()))),
        ("platform_version", text_or_null(ecs.platform_version())),
        ("group", text_or_null(ecs.group())),
        ("enable_ecs_managed_tags", Value::Bool(ecs.enable_ecs_managed_tags())),
        ("enable_execute_command", Value::Bool(ecs.enable_execute_command())),
        ("propagate_tags", text(ecs.propagate_tags().map(|p| p.as_str()))),
        ("tags", tags),
        ("network_configuration", network),
        (
            "placement_constraint",
            Value::List(
                ecs.placement_constraints()
                    .iter()
                    .map(|c| {
                        Value::map([
                            ("type", text(c.r#type().map(|t| t.as_str()))),
                            ("expression", text_or_null(c.expression())),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "ordered_placement_strategy",
            Value::List(
                ecs.placement_strategy()
                    .iter()
                    .map(|p| {
                        Value::map([
                            ("type", text(p.r#type().map(|t| t.as_str()))),
                            ("field", text_or_null(p.field())),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "capacity_provider_strategy",
            capacity_provider_strategy_value(ecs.capacity_provider_strategy()),
        ),
    ])
}

/// `(bus, rule, target_id)` of a prior value (from state, or an import).
fn natural_key(value: &Value) -> Option<Key> {
    Some((
        bus_or_default(string(value, "event_bus_name")),
        string(value, "rule")?,
        string(value, "target_id")?,
    ))
}

impl AwsObject for TargetObject {
    type Object = RuleTarget;
    const NAME: &'static str = "aws_cloudwatch_event_target";
    const KIND: &'static str = "EventBridge target";
    /// The key is the bus, rule and `target_id` together ([`natural_key`]).
    const KEY: &'static str = "target_id";
    const TAGGED: bool = false;

    fn attributes() -> Vec<Declared<RuleTarget>> {
        let mut attributes = identity();
        attributes.extend(target_blocks());
        attributes
    }

    fn schema(schema: Schema) -> Schema {
        schema.version(1)
    }

    /// The provider's `targetStateUpgradeV0`: `event_bus_name` is `default` where the older
    /// state has no such key.
    fn upgrade_state(from: u64, mut value: Value) -> Result<Value, String> {
        if let (0, Some(entries)) = (from, value.map_mut()) {
            entries.entry("event_bus_name".to_string()).or_insert_with(|| Value::string("default"));
        }
        Ok(value)
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        problems.extend(invalid_json(config, "input"));
        if let Some(id) = config.get("target_id").as_str() {
            let valid = !id.is_empty()
                && id.len() <= 64
                && id.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
            if !valid {
                problems.push((
                    "target_id".to_string(),
                    format!("invalid value for target_id (must contain only alphanumeric characters, underscores, periods and hyphens, 1-64 characters): \"{id}\""),
                ));
            }
        }
        if let Some(transformer) = single(config, "input_transformer") {
            if let Some(paths) = transformer.get("input_paths").as_map() {
                if paths.len() > 100 {
                    problems.push((
                        "input_transformer[0].input_paths".to_string(),
                        "\"input_paths\" can have at most 100 entries".to_string(),
                    ));
                }
            }
        }
        problems
    }

    fn key_of(value: &Value) -> Option<String> {
        serde_json::to_string(&natural_key(value)?).ok()
    }

    /// Terraform's import ID: `event_bus_name/rule/target_id` (or `rule/target_id`).
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        let (bus, rule, target) = parse_target_import_id(id)?;
        Ok(Value::map([
            ("id", Value::string(target_id(&bus, &rule, &target))),
            ("event_bus_name", Value::string(bus)),
            ("rule", Value::string(rule)),
            ("target_id", Value::string(target)),
        ]))
    }

    /// One ListTargetsByRule per rule, for all of that rule's targets, in the order the keys
    /// first name the rule.
    async fn describe(this: &ObjectType<Self>, keys: &[String]) -> DescribeResult<RuleTarget> {
        let keys: Vec<(&String, Key)> = keys
            .iter()
            .filter_map(|joined| Some((joined, serde_json::from_str(joined).ok()?)))
            .collect();
        let mut by_rule: BTreeMap<(String, String), Option<Vec<Target>>> = BTreeMap::new();
        for (_, (bus, rule, _)) in &keys {
            if let std::collections::btree_map::Entry::Vacant(entry) =
                by_rule.entry((bus.clone(), rule.clone()))
            {
                entry.insert(targets_of(&this.aws, bus, rule).await?);
            }
        }
        Ok(keys
            .into_iter()
            .filter_map(|(joined, (bus, rule, id))| {
                let target = by_rule
                    .get(&(bus.clone(), rule.clone()))?
                    .as_ref()?
                    .iter()
                    .find(|t| t.id() == id)?;
                Some((joined.clone(), found(&bus, &rule, target)))
            })
            .collect())
    }

    async fn create_written(at: Creating<'_, Self>) -> Result<Tagged<RuleTarget>, ProviderError> {
        let id = non_empty(at.planned, "target_id").unwrap_or_else(|| unique_name("terraform-"));
        put(&at.this.aws, at.planned, &id).await
    }

    async fn update_written(at: Updating<'_, Self>) -> Result<Tagged<RuleTarget>, ProviderError> {
        let (_, _, id) = natural_key(at.prior).ok_or_else(|| {
            ProviderError::new("aws_cloudwatch_event_target has no target_id in state")
        })?;
        put(&at.this.aws, at.planned, &id).await
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let client = &at.this.aws.clients().await.events;
        let Some((bus, rule, id)) = natural_key(at.prior) else {
            return Ok(());
        };
        match sent!(client
            .remove_targets()
            .rule(&rule)
            .event_bus_name(&bus)
            .ids(&id)
            .force(boolean(at.prior, "force_destroy").unwrap_or(false)))
        {
            Ok(output) => match output.failed_entries().first() {
                Some(failed) => Err(ProviderError::with_code(
                    failed.error_code().unwrap_or("FailedEntry"),
                    format!(
                        "removing EventBridge target {id} of rule {rule}: {}",
                        failed.error_message().unwrap_or_default()
                    ),
                )),
                None => Ok(()),
            },
            Err(error) if is_gone(&error) => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// By natural key: the rule's target with the planned `target_id`, or, for a generated
    /// one, a `terraform-` target with the planned ARN.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<RuleTarget> {
        let bus = bus_or_default(string(at.planned, "event_bus_name"));
        let Some(rule) = string(at.planned, "rule") else {
            return Ok(None);
        };
        let Some(targets) = targets_of(&at.this.aws, &bus, &rule).await? else {
            return Ok(None);
        };
        let wanted = non_empty(at.planned, "target_id");
        let arn = string(at.planned, "arn");
        Ok(targets
            .iter()
            .find(|t| match &wanted {
                Some(id) => t.id() == id.as_str(),
                None => t.id().starts_with("terraform-") && Some(t.arn()) == arn.as_deref(),
            })
            .map(|t| found(&bus, &rule, t)))
    }
}

#[cfg(test)]
mod tests {
    use infra_core::ResourceType;

    use super::*;

    fn resource() -> AwsCloudwatchEventTarget {
        AwsCloudwatchEventTarget::new(Aws::new(crate::ProviderSettings::default()))
    }

    fn to_value(target: &Target, bus: &str, rule: &str, hint: &Value) -> Value {
        crate::aws_object::value_of::<TargetObject>(&found(bus, rule, target), hint)
    }
    #[test]
    fn import_ids_name_bus_rule_and_target() {
        let prior = resource().import_prior("orders/nightly/run").unwrap();
        assert_eq!(prior.get("id").as_str(), Some("orders-nightly-run"));
        assert_eq!(prior.get("target_id").as_str(), Some("run"));
        let prior = resource().import_prior("nightly/run").unwrap();
        assert_eq!(prior.get("id").as_str(), Some("nightly-run"));
        assert!(resource().import_prior("nightly").is_err());
    }

    #[test]
    fn inputs_conflict() {
        let problems = infra_core::ResourceType::problems(
            &resource(),
            &Value::map([
                ("rule", Value::string("nightly")),
                ("arn", Value::string("arn:aws:sns:us-east-1:123456789012:t")),
                ("input", Value::string("{}")),
                ("input_path", Value::string("$.detail")),
            ]),
        );
        let messages: Vec<&str> = problems.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(
            messages,
            ["\"input\": conflicts with input_path", "\"input_path\": conflicts with input"]
        );
    }

    #[test]
    fn an_ecs_target_round_trips() {
        let planned = Value::map([
            ("arn", Value::string("arn:aws:ecs:us-east-1:1:cluster/c")),
            (
                "ecs_target",
                Value::List(vec![Value::map([
                    ("task_definition_arn", Value::string("arn:td")),
                    ("task_count", Value::Number(2.0)),
                    ("launch_type", Value::string("FARGATE")),
                    (
                        "network_configuration",
                        Value::List(vec![Value::map([
                            ("subnets", string_list(["subnet-1"])),
                            ("assign_public_ip", Value::Bool(true)),
                        ])]),
                    ),
                ])]),
            ),
        ]);
        let target = build_target(&planned, "run").unwrap();
        let value = to_value(&target, "default", "nightly", &planned);
        let ecs = &value.get("ecs_target").as_list().unwrap()[0];
        assert_eq!(ecs.get("task_count"), &Value::Number(2.0));
        assert_eq!(ecs.get("launch_type").as_str(), Some("FARGATE"));
        let network = &ecs.get("network_configuration").as_list().unwrap()[0];
        assert_eq!(network.get("assign_public_ip"), &Value::Bool(true));
        assert_eq!(value.get("id").as_str(), Some("nightly-run"));
    }
}
