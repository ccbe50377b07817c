//! The blue/green operations (`infra_aws::blue_green::AwsBlueGreen`) against moto in server
//! mode, started with `MOTO_ECS_SERVICE_RUNNING=2`.
//!
//! The surrounding stack (VPC, ALB, target groups, listener, rule, cluster, task definition)
//! is made with the SDK directly, so these tests depend on no resource type.

mod support;

use std::sync::Arc;

use aws_sdk_cloudwatch::types::{Dimension, MetricDatum};
use aws_sdk_ecs::types::{Compatibility, ContainerDefinition, NetworkMode, PortMapping};
use aws_sdk_elasticloadbalancingv2::types::{
    Action, ActionTypeEnum, PathPatternConditionConfig, RuleCondition, TargetDescription,
    TargetTypeEnum,
};
use infra_aws::blue_green::api::{BlueGreenApi, ErrorCounts, ServiceStatus, WeightedTarget};
use infra_aws::blue_green::{AwsBlueGreen, COLOUR_OF_TAG};
use infra_aws::Aws;
use infra_core::{ProviderError, Value};
use support::{vpc_with_two_subnets, SdkNetwork};

/// moto's running count for every ECS service on the server.
const RUNNING: i64 = 2;

/// One moto for the whole test binary (see infra-testkit, which also routes CloudWatch's CBOR
/// protocol); this process's SDK clients use it.
fn aws() -> Arc<Aws> {
    support::aws_on_shared_moto("2")
}

fn s(text: &str) -> Value {
    Value::string(text)
}

fn weighted(target_group_arn: &str, weight: i64) -> WeightedTarget {
    WeightedTarget { target_group_arn: target_group_arn.to_string(), weight }
}

/// Everything a blue/green service stands on, made with the SDK.
struct Stack {
    subnet_ids: Vec<String>,
    security_group_id: String,
    blue_tg: String,
    green_tg: String,
    listener_arn: String,
    rule_arn: String,
    cluster: String,
    task_definition: String,
}

fn forward_to(target_group_arn: &str) -> Action {
    Action::builder().r#type(ActionTypeEnum::Forward).target_group_arn(target_group_arn).build()
}

/// `name` keeps the ELBv2 and ECS names of different tests apart; `second_octet` the CIDRs.
async fn stack(aws: &Aws, name: &str, second_octet: u8) -> Stack {
    let clients = aws.clients().await;
    let SdkNetwork { vpc_id, subnet_ids } = vpc_with_two_subnets(&clients.ec2, second_octet).await;
    let group = clients
        .ec2
        .create_security_group()
        .group_name(format!("{name}-tasks"))
        .description("tasks")
        .vpc_id(&vpc_id)
        .send()
        .await
        .expect("security group");
    let security_group_id = group.group_id().expect("group id").to_string();

    let load_balancer = clients
        .elbv2
        .create_load_balancer()
        .name(format!("{name}-alb"))
        .set_subnets(Some(subnet_ids.clone()))
        .send()
        .await
        .expect("load balancer");
    let load_balancer_arn =
        load_balancer.load_balancers()[0].load_balancer_arn().expect("alb arn").to_string();
    let mut target_groups = Vec::new();
    for colour in ["blue", "green"] {
        let created = clients
            .elbv2
            .create_target_group()
            .name(format!("{name}-{colour}"))
            .protocol(aws_sdk_elasticloadbalancingv2::types::ProtocolEnum::Http)
            .port(8080)
            .vpc_id(&vpc_id)
            .target_type(TargetTypeEnum::Ip)
            .health_check_path("/health")
            .send()
            .await
            .expect("target group");
        target_groups
            .push(created.target_groups()[0].target_group_arn().expect("tg arn").to_string());
    }
    let listener = clients
        .elbv2
        .create_listener()
        .load_balancer_arn(&load_balancer_arn)
        .protocol(aws_sdk_elasticloadbalancingv2::types::ProtocolEnum::Http)
        .port(80)
        .default_actions(forward_to(&target_groups[0]))
        .send()
        .await
        .expect("listener");
    let listener_arn = listener.listeners()[0].listener_arn().expect("listener arn").to_string();
    let rule = clients
        .elbv2
        .create_rule()
        .listener_arn(&listener_arn)
        .priority(10)
        .conditions(
            RuleCondition::builder()
                .field("path-pattern")
                .path_pattern_config(PathPatternConditionConfig::builder().values("/api/*").build())
                .build(),
        )
        .actions(forward_to(&target_groups[0]))
        .send()
        .await
        .expect("rule");
    let rule_arn = rule.rules()[0].rule_arn().expect("rule arn").to_string();

    let cluster = clients
        .ecs
        .create_cluster()
        .cluster_name(format!("{name}-cluster"))
        .send()
        .await
        .expect("cluster");
    let cluster =
        cluster.cluster().and_then(|c| c.cluster_name()).expect("cluster name").to_string();
    let task_definition = clients
        .ecs
        .register_task_definition()
        .family(name)
        .network_mode(NetworkMode::Awsvpc)
        .requires_compatibilities(Compatibility::Fargate)
        .cpu("256")
        .memory("512")
        // moto 5.2.5 needs container-level memory.
        .container_definitions(
            ContainerDefinition::builder()
                .name("web")
                .image("nginx:1.27")
                .memory(512)
                .port_mappings(PortMapping::builder().container_port(8080).build())
                .build(),
        )
        .send()
        .await
        .expect("task definition");
    let task_definition = task_definition
        .task_definition()
        .and_then(|t| t.task_definition_arn())
        .expect("task definition arn")
        .to_string();
    let mut target_groups = target_groups.into_iter();
    Stack {
        subnet_ids,
        security_group_id,
        blue_tg: target_groups.next().expect("blue"),
        green_tg: target_groups.next().expect("green"),
        listener_arn,
        rule_arn,
        cluster,
        task_definition,
    }
}

/// The `aws_ecs_service` value the engine would pass for a blue/green service `name`.
fn service_config(stack: &Stack, name: &str) -> Value {
    Value::map([
        ("name", s(name)),
        ("cluster", s(&stack.cluster)),
        ("task_definition", s(&stack.task_definition)),
        ("desired_count", Value::Number(2.0)),
        ("launch_type", s("FARGATE")),
        ("platform_version", s("LATEST")),
        ("propagate_tags", s("SERVICE")),
        ("enable_execute_command", Value::Bool(false)),
        ("health_check_grace_period_seconds", Value::Number(30.0)),
        (
            "network_configuration",
            Value::List(vec![Value::map([
                ("subnets", Value::List(stack.subnet_ids.iter().map(|id| s(id)).collect())),
                ("security_groups", Value::List(vec![s(&stack.security_group_id)])),
                ("assign_public_ip", Value::Bool(false)),
            ])]),
        ),
        (
            "load_balancer",
            Value::List(vec![Value::map([
                ("target_group_arn", s(&stack.blue_tg)),
                ("container_name", s("web")),
                ("container_port", Value::Number(8080.0)),
                (
                    "advanced_configuration",
                    Value::List(vec![Value::map([
                        ("alternate_target_group_arn", s(&stack.green_tg)),
                        ("production_listener_rule", s(&stack.listener_arn)),
                    ])]),
                ),
            ])]),
        ),
        (
            "deployment_configuration",
            Value::List(vec![Value::map([
                ("strategy", s("BLUE_GREEN")),
                ("bake_time_in_minutes", Value::Number(10.0)),
            ])]),
        ),
        (
            "deployment_circuit_breaker",
            Value::List(vec![Value::map([
                ("enable", Value::Bool(true)),
                ("rollback", Value::Bool(false)),
            ])]),
        ),
        ("deployment_maximum_percent", Value::Number(200.0)),
        ("deployment_minimum_healthy_percent", Value::Number(100.0)),
        ("tags", Value::map([("env", s("test"))])),
    ])
}

/// The target groups and tags ECS reports for a service.
async fn bindings_and_tags(
    aws: &Aws,
    cluster: &str,
    service_name: &str,
) -> (Vec<String>, Vec<(String, String)>) {
    let ecs = &aws.clients().await.ecs;
    let described = ecs
        .describe_services()
        .cluster(cluster)
        .services(service_name)
        .include(aws_sdk_ecs::types::ServiceField::Tags)
        .send()
        .await
        .expect("describe services");
    let service = &described.services()[0];
    let groups = service
        .load_balancers()
        .iter()
        .filter_map(|lb| lb.target_group_arn().map(str::to_string))
        .collect();
    let arn = service.service_arn().expect("service arn");
    let listed = ecs.list_tags_for_resource().resource_arn(arn).send().await.expect("list tags");
    let tags = listed
        .tags()
        .iter()
        .map(|t| {
            (t.key().unwrap_or_default().to_string(), t.value().unwrap_or_default().to_string())
        })
        .collect();
    (groups, tags)
}

/// Publishes one datapoint as an ALB does: a target group's metrics under `TargetGroup` and
/// `LoadBalancer`, a load balancer's under `LoadBalancer` alone (`target_group_arn` `None`).
/// `dimensions_override` publishes another shape instead; `seconds_ago` back-dates it.
async fn put_metric(
    aws: &Aws,
    listener_arn: &str,
    target_group_arn: Option<&str>,
    metric: &str,
    value: f64,
    seconds_ago: i64,
) {
    let load_balancer =
        infra_aws::blue_green::load_balancer_dimension(listener_arn).expect("listener arn");
    let mut dimensions =
        vec![Dimension::builder().name("LoadBalancer").value(load_balancer).build()];
    if let Some(arn) = target_group_arn {
        dimensions.insert(
            0,
            Dimension::builder()
                .name("TargetGroup")
                .value(infra_aws::blue_green::target_group_dimension(arn).expect("tg arn"))
                .build(),
        );
    }
    put_datum(aws, metric, dimensions, value, seconds_ago).await;
}

async fn put_datum(
    aws: &Aws,
    metric: &str,
    dimensions: Vec<Dimension>,
    value: f64,
    seconds_ago: i64,
) {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
        as i64;
    aws.clients()
        .await
        .cloudwatch
        .put_metric_data()
        .namespace("AWS/ApplicationELB")
        .metric_data(
            MetricDatum::builder()
                .metric_name(metric)
                .set_dimensions(Some(dimensions))
                .timestamp(aws_smithy_types::DateTime::from_secs(now - seconds_ago))
                .value(value)
                .unit(aws_sdk_cloudwatch::types::StandardUnit::Count)
                .build(),
        )
        .send()
        .await
        .expect("put metric data");
}

#[tokio::test]
async fn registry_offers_the_blue_green_operations() {
    let aws = aws();
    assert!(infra_aws::registry(aws).rollouts().is_some());
}

/// `put_service` of colour `name` (`web-blue` bound to the blue target group, `web-green` to
/// the green) of `config`, running the stack's task definition.
async fn put(
    api: &AwsBlueGreen,
    stack: &Stack,
    config: &Value,
    name: &str,
    count: i64,
) -> Result<String, ProviderError> {
    let target_group = match name.ends_with("-green") {
        true => &stack.green_tg,
        false => &stack.blue_tg,
    };
    api.put_service(config, name, target_group, &stack.task_definition, count).await
}

/// The status of the stack's service `name`.
async fn status(api: &AwsBlueGreen, stack: &Stack, name: &str) -> ServiceStatus {
    let status = api.service_status(&stack.cluster, name).await;
    status.unwrap_or_else(|error| panic!("status of {name}: {error}"))
}

#[tokio::test]
async fn services_are_created_updated_reported_and_deleted() {
    let aws = aws();
    let stack = stack(&aws, "svc", 40).await;
    let api = AwsBlueGreen::new(aws.clone());
    let config = service_config(&stack, "web");

    let blue_arn = put(&api, &stack, &config, "web-blue", 2).await.expect("blue");
    let green_arn = put(&api, &stack, &config, "web-green", 0).await.expect("green");
    assert!(blue_arn.ends_with("/web-blue"), "{blue_arn}");
    assert!(green_arn.ends_with("/web-green"), "{green_arn}");

    // Each colour is bound to its own target group only, and tagged with the service it serves.
    let (groups, tags) = bindings_and_tags(&aws, &stack.cluster, "web-green").await;
    assert_eq!(groups, vec![stack.green_tg.clone()]);
    assert!(tags.contains(&(COLOUR_OF_TAG.to_string(), "web".to_string())), "{tags:?}");
    assert!(tags.contains(&("env".to_string(), "test".to_string())), "{tags:?}");
    let (groups, _) = bindings_and_tags(&aws, &stack.cluster, "web-blue").await;
    assert_eq!(groups, vec![stack.blue_tg.clone()]);

    // moto 5.2.5 reports runningCount = MOTO_ECS_SERVICE_RUNNING at creation whatever the
    // desired count, and a PRIMARY deployment COMPLETED when that covers the desired count.
    let blue = status(&api, &stack, "web-blue").await;
    assert!(blue.exists && blue.rollout_completed && !blue.rollout_failed, "{blue:?}");
    assert_eq!((blue.desired, blue.running), (2, RUNNING));
    assert_eq!(blue.task_definition, stack.task_definition);
    let green = status(&api, &stack, "web-green").await;
    assert!(green.exists && green.rollout_completed && !green.rollout_failed, "{green:?}");
    assert_eq!((green.desired, green.running), (0, RUNNING));

    // A second put updates in place: same ARN, new count, binding unchanged.
    let before = aws.requests.operations().len();
    let again = put(&api, &stack, &config, "web-green", 2).await.expect("update green");
    assert_eq!(again, green_arn);
    let operations = aws.requests.operations()[before..].to_vec();
    assert_eq!(operations, ["DescribeServices", "UpdateService", "TagResource"]);
    let green = status(&api, &stack, "web-green").await;
    assert_eq!((green.desired, green.running, green.rollout_completed), (2, 2, true), "{green:?}");

    // Missing: a name never created, and a cluster that does not exist.
    let missing = status(&api, &stack, "web-none").await;
    assert!(!missing.exists, "{missing:?}");
    let no_cluster =
        api.service_status("no-such-cluster", "web-blue").await.expect("missing cluster");
    assert!(!no_cluster.exists, "{no_cluster:?}");

    // Config problems are refused before any call.
    let before = aws.requests.count();
    let mut no_cluster_config = config.clone();
    no_cluster_config.map_mut().expect("map").remove("cluster");
    let error = put(&api, &stack, &no_cluster_config, "web-blue", 2).await.expect_err("no cluster");
    assert!(error.message.contains("`cluster`") && error.message.contains("web-blue"), "{error}");
    let error = put(&api, &stack, &config, "web-blue", -1).await.expect_err("negative");
    assert!(error.message.contains("-1"), "{error}");
    assert_eq!(aws.requests.count(), before);

    for name in ["web-blue", "web-green"] {
        api.delete_service(&stack.cluster, name).await.expect("delete");
        let status = status(&api, &stack, name).await;
        assert!(!status.exists, "{name} still exists: {status:?}");
        api.delete_service(&stack.cluster, name).await.expect("deleting twice is fine");
    }
    api.delete_service(&stack.cluster, "web-none")
        .await
        .expect("deleting a missing service is fine");

    // A deleted (INACTIVE) colour is created again, not updated.
    put(&api, &stack, &config, "web-blue", 1).await.expect("recreate");
    let blue = status(&api, &stack, "web-blue").await;
    assert!(blue.exists && blue.desired == 1, "{blue:?}");
    api.delete_service(&stack.cluster, "web-blue").await.expect("delete");
}

#[tokio::test]
async fn health_routing_and_error_counts() {
    let aws = aws();
    let stack = stack(&aws, "route", 41).await;
    let api = AwsBlueGreen::new(aws.clone());

    // moto reports registered IP targets healthy.
    assert_eq!(api.healthy_targets(&stack.green_tg).await.expect("empty"), 0);
    let elbv2 = &aws.clients().await.elbv2;
    elbv2
        .register_targets()
        .target_group_arn(&stack.green_tg)
        .targets(TargetDescription::builder().id("10.0.1.10").port(8080).build())
        .targets(TargetDescription::builder().id("10.0.1.11").port(8080).build())
        .send()
        .await
        .expect("register targets");
    assert_eq!(api.healthy_targets(&stack.green_tg).await.expect("healthy"), 2);
    assert_eq!(api.healthy_targets(&stack.blue_tg).await.expect("blue healthy"), 0);

    // A plain forward (no ForwardConfig) reads as 100.
    assert_eq!(
        api.current_route(&stack.listener_arn).await.expect("route"),
        vec![weighted(&stack.blue_tg, 100)]
    );
    assert_eq!(
        api.current_route(&stack.rule_arn).await.expect("rule route"),
        vec![weighted(&stack.blue_tg, 100)]
    );

    // The switch is exactly one write.
    let switch = [weighted(&stack.green_tg, 100), weighted(&stack.blue_tg, 0)];
    let count = aws.requests.count();
    let before = aws.requests.operations().len();
    api.route(&stack.listener_arn, &switch).await.expect("switch");
    assert_eq!(aws.requests.count() - count, 1);
    assert_eq!(aws.requests.operations()[before..].to_vec(), ["ModifyListener"]);
    assert_eq!(api.current_route(&stack.listener_arn).await.expect("route"), switch.to_vec());
    let listener = elbv2
        .describe_listeners()
        .listener_arns(&stack.listener_arn)
        .send()
        .await
        .expect("listener");
    let listener = &listener.listeners()[0];
    assert_eq!(
        (listener.port(), listener.protocol().map(|p| p.as_str())),
        (Some(80), Some("HTTP"))
    );

    // A canary step on the rule: one ModifyRule, the rule's conditions kept.
    let canary = [weighted(&stack.green_tg, 10), weighted(&stack.blue_tg, 90)];
    let before = aws.requests.operations().len();
    api.route(&stack.rule_arn, &canary).await.expect("canary");
    assert_eq!(aws.requests.operations()[before..].to_vec(), ["ModifyRule"]);
    assert_eq!(api.current_route(&stack.rule_arn).await.expect("rule route"), canary.to_vec());
    let rules = elbv2.describe_rules().rule_arns(&stack.rule_arn).send().await.expect("rule");
    let conditions = rules.rules()[0].conditions();
    assert_eq!(conditions.len(), 1, "{conditions:?}");
    assert_eq!(conditions[0].field(), Some("path-pattern"));

    // Refused before any call: weights out of range, no targets, an ARN of the wrong kind.
    let count = aws.requests.count();
    let error =
        api.route(&stack.listener_arn, &[weighted(&stack.green_tg, 1000)]).await.expect_err("1000");
    assert!(error.message.contains("1000") && error.message.contains(&stack.green_tg), "{error}");
    api.route(&stack.listener_arn, &[weighted(&stack.green_tg, -1)]).await.expect_err("negative");
    api.route(&stack.listener_arn, &[]).await.expect_err("no targets");
    let error = api.route(&stack.green_tg, &switch).await.expect_err("not a listener");
    assert!(error.message.contains(&stack.green_tg), "{error}");
    api.current_route(&stack.green_tg).await.expect_err("not a listener");
    assert_eq!(aws.requests.count(), count);

    // CloudWatch sums what the load balancer published since the switch, under the
    // dimensions AWS uses, and only that.
    let listener = &stack.listener_arn;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
        as i64;
    let switch = now - 30;
    let green = Some(stack.green_tg.as_str());
    put_metric(&aws, listener, green, "HTTPCode_Target_5XX_Count", 2.0, 10).await;
    put_metric(&aws, listener, green, "HTTPCode_Target_5XX_Count", 3.0, 5).await;
    put_metric(&aws, listener, green, "RequestCount", 100.0, 5).await;
    put_metric(&aws, listener, Some(&stack.blue_tg), "RequestCount", 40.0, 5).await;
    put_metric(&aws, listener, None, "HTTPCode_ELB_5XX_Count", 4.0, 5).await;
    put_metric(&aws, listener, None, "RequestCount", 150.0, 5).await;
    // Before the switch: not counted.
    put_metric(&aws, listener, green, "HTTPCode_Target_5XX_Count", 50.0, 600).await;
    // A shape AWS never publishes (the target group alone): not counted.
    put_datum(
        &aws,
        "HTTPCode_Target_5XX_Count",
        vec![Dimension::builder()
            .name("TargetGroup")
            .value(infra_aws::blue_green::target_group_dimension(&stack.green_tg).unwrap())
            .build()],
        70.0,
        5,
    )
    .await;
    let counts = api.error_counts(listener, &stack.green_tg, switch).await.expect("green counts");
    assert_eq!(
        counts,
        ErrorCounts {
            target_5xx: 5.0,
            target_requests: 100.0,
            load_balancer_5xx: 4.0,
            load_balancer_requests: 150.0,
        }
    );
    let blue = api.error_counts(listener, &stack.blue_tg, switch).await.expect("blue counts");
    assert_eq!((blue.target_5xx, blue.target_requests), (0.0, 40.0));
    // A switch two days ago needs a coarser period; the sums are the same.
    let days = api
        .error_counts(listener, &stack.green_tg, now - 86_400 * 2 + 600)
        .await
        .expect("two days");
    assert_eq!(
        (days.target_5xx - 50.0, days.target_requests),
        (counts.target_5xx, counts.target_requests)
    );
    api.error_counts(listener, &stack.green_tg, 0).await.expect_err("no switch time");
    api.error_counts(&stack.green_tg, &stack.green_tg, switch).await.expect_err("not a listener");
}
