//! The application resource types (ELBv2, ECS, RDS, IAM, logs) against moto in server mode.
//!
//! One moto serves every test in this file; each test uses its own names. Each type goes
//! through create → read_many → in-place update → read → find_created → delete → read_many.

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use infra_aws::Aws;
use infra_core::{Block, Creating, Deleting, Operation, ResourceType, Schema, Updating, Value};
use support::{
    assert_refused, assert_text, planned_attributes, read_one, tags, vpc_with_two_subnets, with,
    SdkNetwork,
};

/// One moto for the whole test binary (see infra-testkit); this process's SDK clients use it.
fn aws() -> Arc<Aws> {
    support::aws_on_shared_moto("1")
}

fn operation(address: &str) -> Operation {
    support::operation(address, "lineage-app-tests", Duration::from_secs(30))
}

/// What the engine would plan for `config`: every attribute, defaults filled in, computed
/// attributes unknown, nested blocks filled the same way, `tags_all` = `tags`.
fn planned(schema: &Schema, config: Value) -> Value {
    let mut object = planned_attributes(schema, &config);
    for block in &schema.blocks {
        object.insert(block.name.to_string(), planned_block(block, config.get(block.name)));
    }
    if schema.taggable {
        let tags = config.get("tags").clone();
        object.insert(
            "tags_all".into(),
            if tags.is_null() { Value::Map(BTreeMap::new()) } else { tags },
        );
    }
    Value::Map(object)
}

fn planned_block(block: &Block, items: &Value) -> Value {
    Value::List(
        items
            .as_list()
            .unwrap_or(&[])
            .iter()
            .map(|item| planned(&block.schema, item.clone()))
            .collect(),
    )
}

/// Computed attributes that change on every read by design (a database's latest restorable
/// time): a refresh updates them without planning a change, so comparisons leave them out.
const VOLATILE: &[&str] = &["latest_restorable_time"];

/// Applies the engine's comparison: schema normalization plus the type's own.
fn normalized(resource: &dyn ResourceType, value: &Value) -> Value {
    let mut value = support::normalized(resource, value);
    if let Some(object) = value.map_mut() {
        for key in VOLATILE {
            object.remove(*key);
        }
    }
    value
}

/// The attributes the configuration set (and defaults) must read back unchanged.
fn assert_matches_config(resource: &dyn ResourceType, planned: &Value, actual: &Value) {
    let planned = normalized(resource, planned);
    let actual = normalized(resource, actual);
    let mut differences = Vec::new();
    for (key, expected) in planned.as_map().expect("a map") {
        if !expected.is_wholly_known() {
            continue;
        }
        // The engine treats absent tags and an empty tag map alike.
        if expected.is_null() && actual.get(key).as_map().is_some_and(|m| m.is_empty()) {
            continue;
        }
        if actual.get(key) != expected {
            differences.push(format!(
                "{}.{key}: planned {expected}, got {}",
                resource.name(),
                actual.get(key)
            ));
        }
    }
    assert!(differences.is_empty(), "differs after apply:\n{}", differences.join("\n"));
}

fn s(text: &str) -> Value {
    Value::string(text)
}

fn n(number: f64) -> Value {
    Value::Number(number)
}

fn list(items: impl IntoIterator<Item = Value>) -> Value {
    Value::List(items.into_iter().collect())
}

/// `config` planned and created at `address`, which must succeed (`what` names it otherwise).
async fn create(resource: &dyn ResourceType, address: &str, config: Value, what: &str) -> Value {
    resource
        .create(Creating {
            operation: &operation(address),
            planned: &planned(resource.schema(), config),
        })
        .await
        .expect(what)
}

/// `planned` for an update: the computed attributes it leaves unknown keep the prior's values,
/// as the planner keeps them.
fn keep_prior(mut planned: Value, prior: &Value) -> Value {
    if let (Some(object), Some(prior)) = (planned.map_mut(), prior.as_map()) {
        for (key, value) in object.iter_mut() {
            if value.is_unknown() {
                *value = prior.get(key).cloned().unwrap_or(Value::Null);
            }
        }
    }
    planned
}

/// `config` with each of `extra` set.
fn with_all(mut config: Value, extra: &[(&str, Value)]) -> Value {
    if let Some(object) = config.map_mut() {
        for (key, value) in extra {
            object.insert(key.to_string(), value.clone());
        }
    }
    config
}

/// Runs the full life cycle of one instance: create, read, in-place update, read,
/// find_created, delete, read. Returns nothing; panics with the step that failed.
async fn life_cycle(resource: &dyn ResourceType, address: &str, config: Value, update: Value) {
    let operation = operation(address);
    let first = planned(resource.schema(), config);
    let created =
        resource.create(Creating { operation: &operation, planned: &first }).await.expect("create");
    assert!(created.is_wholly_known(), "create returned unknowns: {created}");
    assert_matches_config(resource, &first, &created);
    assert_reads_back(resource, &created).await;

    let second = keep_prior(planned(resource.schema(), update), &created);
    let updated = resource
        .update(Updating { operation: &operation, prior: &created, planned: &second })
        .await
        .expect("update");
    assert_matches_config(resource, &second, &updated);
    assert_reads_back(resource, &updated).await;

    let found = resource
        .find_created(Creating { operation: &operation, planned: &second })
        .await
        .expect("find_created");
    assert_eq!(
        found.map(|v| normalized(resource, &v)),
        Some(normalized(resource, &updated)),
        "find_created"
    );
    let stranger = resource
        .find_created(Creating { operation: &self::operation("other.address"), planned: &second })
        .await
        .expect("find_created");
    assert!(stranger.is_none(), "find_created matched another address");

    resource.delete(Deleting { operation: &operation, prior: &updated }).await.expect("delete");
    assert_eq!(
        read_one(resource, &updated).await,
        None,
        "{} still there after delete",
        resource.name()
    );
    resource
        .delete(Deleting { operation: &operation, prior: &updated })
        .await
        .expect("deleting twice is fine");
}

/// A refresh of `value` gives it back, as the engine compares it.
async fn assert_reads_back(resource: &dyn ResourceType, value: &Value) {
    assert_eq!(
        read_one(resource, value).await.map(|read| normalized(resource, &read)),
        Some(normalized(resource, value))
    );
}

async fn network(aws: &Aws, second_octet: u8) -> SdkNetwork {
    vpc_with_two_subnets(&aws.clients().await.ec2, second_octet).await
}

fn registry_type(aws: &Arc<Aws>, name: &str) -> Arc<dyn ResourceType> {
    let registry = infra_aws::registry(aws.clone());
    let known: Vec<&str> = registry.resource_names().collect();
    registry.resource(name).cloned().unwrap_or_else(|| panic!("{name} is registered: {known:?}"))
}

#[tokio::test]
async fn load_balancer_life_cycle_and_batched_refresh() {
    let aws = aws();
    let net = network(&aws, 10).await;
    let lb = registry_type(&aws, "aws_lb");
    assert!(infra_aws::registry(aws.clone()).resource("aws_alb").is_some(), "aws_alb alias");
    let subnets = list(net.subnet_ids.iter().map(|id| s(id)));

    let one_subnet = Value::map([("name", s("x")), ("subnets", list([s(&net.subnet_ids[0])]))]);
    assert!(!lb.validate(&one_subnet).is_empty(), "one subnet is refused for an ALB");

    let web = Value::map([
        ("name", s("web-lb")),
        ("subnets", subnets.clone()),
        ("tags", tags(&[("env", "test")])),
    ]);
    life_cycle(
        lb.as_ref(),
        "aws_lb.web",
        web.clone(),
        with_all(
            web,
            &[
                ("idle_timeout", n(120.0)),
                // Provider 6.x's connection logs, as the load balancer's connection_logs.s3.*
                // attributes (moto 5.2.5 refuses health_check_logs.s3.bucket: a unit test has those).
                (
                    "connection_logs",
                    list([Value::map([
                        ("bucket", s("lb-logs")),
                        ("prefix", s("connections")),
                        ("enabled", Value::Bool(true)),
                    ])]),
                ),
                ("tags", tags(&[("env", "prod")])),
            ],
        ),
    )
    .await;

    // Three load balancers, one deleted outside: still one describe call and one tags call.
    let mut created = Vec::new();
    for index in 0..3 {
        let config =
            Value::map([("name", s(&format!("batch-lb-{index}"))), ("subnets", subnets.clone())]);
        let value = create(lb.as_ref(), &format!("aws_lb.batch[{index}]"), config, "create").await;
        created.push(value);
    }
    let elbv2 = &aws.clients().await.elbv2;
    elbv2
        .delete_load_balancer()
        .load_balancer_arn(created[1].get("arn").as_str().expect("arn"))
        .send()
        .await
        .expect("delete outside");
    let before = aws.requests.count();
    let read = lb.read_many(&created).await.expect("read_many");
    let calls = aws.requests.count() - before;
    assert!(read[0].is_some() && read[1].is_none() && read[2].is_some(), "{read:?}");
    // Describe (fails on the missing ARN) + listing + tags + one attributes call per survivor.
    assert!(
        calls <= 5,
        "read_many of 3 load balancers took {calls} calls: {:?}",
        aws.requests.operations()
    );
}

#[tokio::test]
async fn target_group_listener_and_rule_life_cycle() {
    let aws = aws();
    let net = network(&aws, 11).await;
    let target_group = registry_type(&aws, "aws_lb_target_group");
    let blue = Value::map([
        ("name", s("blue")),
        ("port", n(8080.0)),
        ("protocol", s("HTTP")),
        ("target_type", s("ip")),
        ("vpc_id", s(&net.vpc_id)),
        ("health_check", list([Value::map([("path", s("/health")), ("matcher", s("200-299"))])])),
    ]);
    life_cycle(
        target_group.as_ref(),
        "aws_lb_target_group.blue",
        blue.clone(),
        with_all(
            blue,
            &[
                ("deregistration_delay", n(30.0)),
                // Provider 6.x's DNS failover and unhealthy state routing thresholds, as the
                // group's target_group_health.* attributes.
                (
                    "target_group_health",
                    list([Value::map([
                        (
                            "dns_failover",
                            list([Value::map([("minimum_healthy_targets_count", s("1"))])]),
                        ),
                        (
                            "unhealthy_state_routing",
                            list([Value::map([
                                ("minimum_healthy_targets_count", n(2.0)),
                                ("minimum_healthy_targets_percentage", s("50")),
                            ])]),
                        ),
                    ])]),
                ),
                (
                    "health_check",
                    list([Value::map([
                        ("path", s("/ready")),
                        ("matcher", s("200")),
                        ("interval", n(15.0)),
                    ])]),
                ),
                ("tags", tags(&[("colour", "blue")])),
            ],
        ),
    )
    .await;

    // A load balancer and two groups for the listener and the rule.
    let lb = registry_type(&aws, "aws_lb");
    let subnets = list(net.subnet_ids.iter().map(|id| s(id)));
    let balancer = create(
        lb.as_ref(),
        "aws_lb.main",
        Value::map([("name", s("main-lb")), ("subnets", subnets)]),
        "lb",
    )
    .await;
    let mut groups = Vec::new();
    for name in ["green", "red"] {
        let config = Value::map([
            ("name", s(name)),
            ("port", n(80.0)),
            ("protocol", s("HTTP")),
            ("vpc_id", s(&net.vpc_id)),
        ]);
        let created =
            create(target_group.as_ref(), &format!("aws_lb_target_group.{name}"), config, "group")
                .await;
        assert!(
            created.get("health_check").as_list().is_some_and(|l| l.is_empty()),
            "default health check hidden: {created}"
        );
        groups.push(created.get("arn").as_str().expect("arn").to_string());
    }

    let listener = registry_type(&aws, "aws_lb_listener");
    let forward = |arn: &str| Value::map([("type", s("forward")), ("target_group_arn", s(arn))]);
    let weighted = Value::map([
        ("type", s("forward")),
        (
            "forward",
            list([Value::map([(
                "target_group",
                list([
                    Value::map([("arn", s(&groups[0])), ("weight", n(90.0))]),
                    Value::map([("arn", s(&groups[1])), ("weight", n(10.0))]),
                ]),
            )])]),
        ),
    ]);
    let too_heavy = Value::map([(
        "default_action",
        list([Value::map([
            ("type", s("forward")),
            (
                "forward",
                list([Value::map([(
                    "target_group",
                    list([Value::map([("arn", s("x")), ("weight", n(1000.0))])]),
                )])]),
            ),
        ])]),
    )]);
    assert!(!listener.problems(&too_heavy).is_empty(), "weight 1000 refused");
    let no_target = Value::map([("default_action", list([Value::map([("type", s("forward"))])]))]);
    assert!(!listener.validate(&no_target).is_empty(), "forward without a target refused");
    let lb_arn = balancer.get("arn").as_str().expect("arn").to_string();
    let http_listener = Value::map([
        ("load_balancer_arn", s(&lb_arn)),
        ("port", n(80.0)),
        ("protocol", s("HTTP")),
        ("default_action", list([forward(&groups[0])])),
    ]);
    life_cycle(
        listener.as_ref(),
        "aws_lb_listener.http",
        http_listener.clone(),
        with_all(
            http_listener,
            &[
                ("default_action", list([weighted.clone()])),
                ("tags", tags(&[("switch", "canary")])),
            ],
        ),
    )
    .await;

    let http = create(
        listener.as_ref(),
        "aws_lb_listener.main",
        Value::map([
            ("load_balancer_arn", s(&lb_arn)),
            ("port", n(8080.0)),
            ("protocol", s("HTTP")),
            (
                "default_action",
                list([Value::map([
                    ("type", s("fixed-response")),
                    (
                        "fixed_response",
                        list([Value::map([
                            ("content_type", s("text/plain")),
                            ("message_body", s("nope")),
                            ("status_code", s("404")),
                        ])]),
                    ),
                ])]),
            ),
        ]),
        "listener",
    )
    .await;
    let rule = registry_type(&aws, "aws_lb_listener_rule");
    let listener_arn = http.get("arn").as_str().expect("arn").to_string();
    let path = |values: &[&str]| {
        list([Value::map([(
            "path_pattern",
            list([Value::map([("values", list(values.iter().map(|v| s(v))))])]),
        )])])
    };
    life_cycle(
        rule.as_ref(),
        "aws_lb_listener_rule.api",
        Value::map([
            ("listener_arn", s(&listener_arn)),
            ("priority", n(10.0)),
            ("action", list([forward(&groups[0])])),
            ("condition", path(&["/api/*"])),
        ]),
        Value::map([
            ("listener_arn", s(&listener_arn)),
            ("priority", n(20.0)),
            ("action", list([weighted])),
            ("condition", path(&["/api/*", "/v2/*"])),
            ("tags", tags(&[("route", "api")])),
        ]),
    )
    .await;
}

const CONTAINERS: &str = r#"[{"name":"web","image":"nginx:1.27","memory":512,"essential":true,
  "portMappings":[{"containerPort":8080,"hostPort":8080,"protocol":"tcp"}],
  "environment":[{"name":"ZED","value":"z"},{"name":"ALPHA","value":"a"}],
  "mountPoints":[],"volumesFrom":[]}]"#;

fn task_definition_config(family: &str, tags_value: Value) -> Value {
    Value::map([
        ("family", s(family)),
        ("container_definitions", s(CONTAINERS)),
        ("requires_compatibilities", list([s("FARGATE")])),
        ("network_mode", s("awsvpc")),
        ("cpu", s("256")),
        ("memory", s("512")),
        ("tags", tags_value),
    ])
}

#[tokio::test]
async fn ecs_cluster_task_definition_and_service_life_cycle() {
    let aws = aws();
    let net = network(&aws, 12).await;
    let cluster = registry_type(&aws, "aws_ecs_cluster");
    life_cycle(
        cluster.as_ref(),
        "aws_ecs_cluster.main",
        Value::map([("name", s("life"))]),
        Value::map([
            ("name", s("life")),
            (
                "setting",
                list([Value::map([("name", s("containerInsights")), ("value", s("enabled"))])]),
            ),
            (
                "configuration",
                list([Value::map([(
                    "execute_command_configuration",
                    list([Value::map([
                        ("logging", s("OVERRIDE")),
                        (
                            "log_configuration",
                            list([Value::map([
                                ("cloud_watch_log_group_name", s("/ecs/exec")),
                                ("cloud_watch_encryption_enabled", Value::Bool(true)),
                            ])]),
                        ),
                    ])]),
                )])]),
            ),
            ("tags", tags(&[("team", "web")])),
        ]),
    )
    .await;

    let task = registry_type(&aws, "aws_ecs_task_definition");
    let bad = Value::map([
        ("family", s("x")),
        ("container_definitions", s(r#"[{"name":"a","image":"b","gpu":1}]"#)),
    ]);
    // ECS's ContainerDefinition has no `gpu` (that is resourceRequirements): the provider
    // drops such keys, and infra does the same with a warning that names the key.
    assert!(task.validate(&bad).is_empty(), "{:?}", task.validate(&bad));
    let warned = task.warnings(&bad);
    assert!(
        warned
            .iter()
            .any(|(path, message)| path == "container_definitions" && message.contains("gpu")),
        "unsupported container field warned about: {warned:?}"
    );
    life_cycle(
        task.as_ref(),
        "aws_ecs_task_definition.web",
        task_definition_config("web-life", Value::Null),
        task_definition_config("web-life", tags(&[("version", "2")])),
    )
    .await;
    let rich = |tags_value: Value| {
        with_all(
            task_definition_config("web-rich", tags_value),
            &[
                ("task_role_arn", s("arn:aws:iam::123456789012:role/task")),
                ("execution_role_arn", s("arn:aws:iam::123456789012:role/exec")),
                ("pid_mode", s("task")),
                ("skip_destroy", Value::Bool(false)),
                ("ephemeral_storage", list([Value::map([("size_in_gib", n(30.0))])])),
                (
                    "volume",
                    list([
                        Value::map([
                            ("name", s("shared")),
                            (
                                "efs_volume_configuration",
                                list([Value::map([
                                    ("file_system_id", s("fs-12345678")),
                                    ("root_directory", s("/data")),
                                    ("transit_encryption", s("ENABLED")),
                                ])]),
                            ),
                        ]),
                        Value::map([("name", s("scratch"))]),
                    ]),
                ),
                (
                    "runtime_platform",
                    list([Value::map([
                        ("operating_system_family", s("LINUX")),
                        ("cpu_architecture", s("ARM64")),
                    ])]),
                ),
            ],
        )
    };
    life_cycle(
        task.as_ref(),
        "aws_ecs_task_definition.rich",
        rich(Value::Null),
        rich(tags(&[("version", "2")])),
    )
    .await;

    // A cluster and a task definition for the service.
    let main = create(
        cluster.as_ref(),
        "aws_ecs_cluster.app",
        Value::map([("name", s("app"))]),
        "cluster",
    )
    .await;
    let web = create(
        task.as_ref(),
        "aws_ecs_task_definition.app",
        task_definition_config("app", Value::Null),
        "task definition",
    )
    .await;
    let service = registry_type(&aws, "aws_ecs_service");
    let cluster_arn = main.get("arn").as_str().expect("arn").to_string();
    let task_arn = web.get("arn").as_str().expect("arn").to_string();
    let network_block =
        list([Value::map([("subnets", list(net.subnet_ids.iter().map(|id| s(id))))])]);
    let service_config = |desired: f64, extra: &[(&str, Value)]| {
        let config = Value::map([
            ("name", s("web")),
            ("cluster", s(&cluster_arn)),
            ("task_definition", s(&task_arn)),
            ("desired_count", n(desired)),
            ("launch_type", s("FARGATE")),
            ("network_configuration", network_block.clone()),
            ("wait_for_steady_state", Value::Bool(true)),
            (
                "deployment_circuit_breaker",
                list([Value::map([
                    ("enable", Value::Bool(true)),
                    ("rollback", Value::Bool(true)),
                ])]),
            ),
        ]);
        with_all(config, extra)
    };
    life_cycle(
        service.as_ref(),
        "aws_ecs_service.web",
        service_config(1.0, &[]),
        service_config(2.0, &[("tags", tags(&[("release", "b")]))]),
    )
    .await;
    let registry = list([Value::map([
        ("registry_arn", s("arn:aws:servicediscovery:us-east-1:123456789012:service/srv-web")),
        ("container_name", s("web")),
        ("container_port", n(8080.0)),
    ])]);
    let alarms = |names: &[&str]| {
        list([Value::map([
            ("alarm_names", list(names.iter().map(|n| s(n)))),
            ("enable", Value::Bool(true)),
            ("rollback", Value::Bool(true)),
        ])])
    };
    let full = |desired: f64, extra: &[(&str, Value)]| {
        let shared = [
            ("name", s("full")),
            ("propagate_tags", s("SERVICE")),
            ("scheduling_strategy", s("REPLICA")),
            ("force_delete", Value::Bool(true)),
            ("service_registries", registry.clone()),
            ("deployment_controller", list([Value::map([("type", s("ECS"))])])),
        ];
        with_all(service_config(desired, &shared), extra)
    };
    life_cycle(
        service.as_ref(),
        "aws_ecs_service.full",
        full(
            1.0,
            &[
                ("health_check_grace_period_seconds", n(30.0)),
                ("alarms", alarms(&["cpu-high"])),
                ("triggers", Value::map([("redeploy", s("1"))])),
            ],
        ),
        full(
            2.0,
            &[
                ("health_check_grace_period_seconds", n(60.0)),
                ("force_new_deployment", Value::Bool(true)),
                ("alarms", alarms(&["cpu-high", "errors"])),
                ("triggers", Value::map([("redeploy", s("2"))])),
            ],
        ),
    )
    .await;
    let both = with(
        &service_config(1.0, &[]),
        "capacity_provider_strategy",
        list([Value::map([("capacity_provider", s("FARGATE"))])]),
    );
    assert_refused(
        service.as_ref(),
        &both,
        "capacity_provider_strategy",
        "launch_type and capacity_provider_strategy refused",
    );

    // Twelve services, one deleted outside: two DescribeServices calls (10 a call).
    let mut services = Vec::new();
    for index in 0..12 {
        let config = Value::map([
            ("name", s(&format!("batch-{index}"))),
            ("cluster", s(&cluster_arn)),
            ("task_definition", s(&task_arn)),
            ("launch_type", s("FARGATE")),
            ("network_configuration", network_block.clone()),
        ]);
        let created =
            create(service.as_ref(), &format!("aws_ecs_service.batch[{index}]"), config, "service")
                .await;
        services.push(created);
    }
    let ecs = &aws.clients().await.ecs;
    ecs.delete_service()
        .cluster(&cluster_arn)
        .service(services[3].get("arn").as_str().expect("arn"))
        .force(true)
        .send()
        .await
        .expect("delete outside");
    let before = aws.requests.count();
    let read = service.read_many(&services).await.expect("read_many");
    let calls = aws.requests.count() - before;
    assert_eq!(read.iter().filter(|r| r.is_none()).count(), 1, "one service gone");
    assert!(read[3].is_none());
    assert_eq!(calls, 2, "12 services refresh in 2 calls: {:?}", aws.requests.operations());
}

#[tokio::test]
async fn rds_subnet_group_and_instance_life_cycle() {
    let aws = aws();
    let net = network(&aws, 13).await;
    let subnet_group = registry_type(&aws, "aws_db_subnet_group");
    let subnets = list(net.subnet_ids.iter().map(|id| s(id)));
    let life = Value::map([("name", s("life")), ("subnet_ids", subnets.clone())]);
    life_cycle(
        subnet_group.as_ref(),
        "aws_db_subnet_group.life",
        life.clone(),
        // Only tags: moto 5.2.5's ModifyDBSubnetGroup drops the group from its store.
        with(&life, "tags", tags(&[("tier", "data")])),
    )
    .await;

    let prefixed = create(
        subnet_group.as_ref(),
        "aws_db_subnet_group.prefixed",
        Value::map([("name_prefix", s("data-")), ("subnet_ids", subnets.clone())]),
        "subnet group from a prefix",
    )
    .await;
    assert_text(&prefixed, "name", |n| n.starts_with("data-"));
    assert_reads_back(subnet_group.as_ref(), &prefixed).await;
    subnet_group
        .delete(Deleting {
            operation: &operation("aws_db_subnet_group.prefixed"),
            prior: &prefixed,
        })
        .await
        .expect("delete");

    let group = create(
        subnet_group.as_ref(),
        "aws_db_subnet_group.main",
        Value::map([("name", s("main")), ("subnet_ids", subnets)]),
        "subnet group",
    )
    .await;
    let instance = registry_type(&aws, "aws_db_instance");
    let config = |class: &str, extra: &[(&str, Value)]| {
        let config = Value::map([
            ("identifier", s("orders")),
            ("engine", s("postgres")),
            ("engine_version", s("16.3")),
            ("instance_class", s(class)),
            ("allocated_storage", n(20.0)),
            ("db_name", s("orders")),
            ("username", s("app")),
            ("password", s("hunter2hunter2").mark_sensitive()),
            ("db_subnet_group_name", s(group.get("name").as_str().expect("name"))),
            ("skip_final_snapshot", Value::Bool(true)),
        ]);
        with_all(config, extra)
    };
    life_cycle(
        instance.as_ref(),
        "aws_db_instance.orders",
        config("db.t3.micro", &[]),
        config(
            "db.t3.small",
            &[("apply_immediately", Value::Bool(true)), ("tags", tags(&[("backup", "daily")]))],
        ),
    )
    .await;

    // Every argument the emulator holds, then an in-place update of several of them.
    let full = |extra: &[(&str, Value)]| {
        let mut settings = vec![
            ("storage_encrypted", Value::Bool(true)),
            ("storage_type", s("gp3")),
            ("max_allocated_storage", n(100.0)),
            ("port", n(5433.0)),
            ("backup_retention_period", n(7.0)),
            ("backup_window", s("03:00-04:00")),
            ("maintenance_window", s("Mon:05:00-Mon:06:00")),
            ("copy_tags_to_snapshot", Value::Bool(true)),
            ("auto_minor_version_upgrade", Value::Bool(false)),
            ("iam_database_authentication_enabled", Value::Bool(true)),
            ("enabled_cloudwatch_logs_exports", list([s("postgresql")])),
            ("multi_az", Value::Bool(false)),
            ("publicly_accessible", Value::Bool(false)),
            ("delete_automated_backups", Value::Bool(true)),
            ("final_snapshot_identifier", s("full-final")),
        ];
        settings.extend(extra.iter().cloned());
        with(&config("db.t3.micro", &settings), "identifier", s("full"))
    };
    life_cycle(
        instance.as_ref(),
        "aws_db_instance.full",
        full(&[]),
        full(&[
            ("apply_immediately", Value::Bool(true)),
            ("backup_retention_period", n(14.0)),
            ("maintenance_window", s("Tue:05:00-Tue:06:00")),
            ("copy_tags_to_snapshot", Value::Bool(false)),
            ("auto_minor_version_upgrade", Value::Bool(true)),
            ("enabled_cloudwatch_logs_exports", list([s("postgresql"), s("upgrade")])),
            ("allow_major_version_upgrade", Value::Bool(true)),
        ]),
    )
    .await;
    let conflicting = Value::map([
        ("identifier", s("a")),
        ("identifier_prefix", s("a-")),
        ("engine", s("postgres")),
        ("instance_class", s("db.t3.micro")),
        ("monitoring_interval", n(7.0)),
        ("blue_green_update", list([Value::map([("enabled", Value::Bool(true))])])),
    ]);
    let problems = instance.problems(&conflicting);
    for argument in ["identifier_prefix", "monitoring_interval", "blue_green_update"] {
        assert!(
            problems.iter().any(|(path, _)| path == argument),
            "{argument} refused: {problems:?}"
        );
    }

    // A generated identifier from the prefix.
    let prefixed = create(
        instance.as_ref(),
        "aws_db_instance.prefixed",
        with(
            &config("db.t3.micro", &[("identifier_prefix", s("pre-"))]),
            "identifier",
            Value::Null,
        ),
        "instance from a prefix",
    )
    .await;
    let generated = prefixed.get("identifier").as_str().expect("identifier");
    assert!(generated.starts_with("pre-"), "{generated}");
    assert_eq!(prefixed.get("identifier_prefix"), &s("pre-"));
    instance
        .delete(Deleting { operation: &operation("aws_db_instance.prefixed"), prior: &prefixed })
        .await
        .expect("delete");

    // A delete without a final-snapshot choice is refused, as AWS refuses it.
    let kept = create(
        instance.as_ref(),
        "aws_db_instance.kept",
        with(&config("db.t3.micro", &[]), "identifier", s("kept")),
        "instance",
    )
    .await;
    let no_choice = with(&kept, "skip_final_snapshot", Value::Bool(false));
    let refused = instance
        .delete(Deleting { operation: &operation("aws_db_instance.kept"), prior: &no_choice })
        .await
        .expect_err("refused");
    assert!(refused.message.contains("final_snapshot_identifier is required"), "{refused}");
    assert_eq!(
        kept.get("password"),
        &s("hunter2hunter2").mark_sensitive(),
        "password kept from config"
    );

    // A restore from a snapshot (backup retention follows in a ModifyDBInstance), a read
    // replica promoted by removing its source, and a password RDS manages.
    let rds = &aws.clients().await.rds;
    rds.create_db_snapshot()
        .db_instance_identifier("kept")
        .db_snapshot_identifier("kept-snap")
        .send()
        .await
        .expect("snapshot");
    let subnet_group_name = group.get("name").as_str().expect("name").to_string();
    let restore_config = Value::map([
        ("identifier", s("restored")),
        ("instance_class", s("db.t3.micro")),
        ("snapshot_identifier", s("kept-snap")),
        ("db_subnet_group_name", s(&subnet_group_name)),
        ("backup_retention_period", n(3.0)),
        ("skip_final_snapshot", Value::Bool(true)),
    ]);
    assert!(instance.validate(&restore_config).is_empty(), "engine not needed for a restore");
    let restore_plan = planned(instance.schema(), restore_config);
    let restored = instance
        .create(Creating {
            operation: &operation("aws_db_instance.restored"),
            planned: &restore_plan,
        })
        .await
        .expect("restore");
    assert_matches_config(instance.as_ref(), &restore_plan, &restored);
    assert_eq!(restored.get("engine"), &s("postgres"));
    let replica_config = |source: Value| {
        Value::map([
            ("identifier", s("replica")),
            ("instance_class", s("db.t3.micro")),
            ("replicate_source_db", source),
            ("skip_final_snapshot", Value::Bool(true)),
        ])
    };
    let replica =
        create(instance.as_ref(), "aws_db_instance.replica", replica_config(s("kept")), "replica")
            .await;
    assert_eq!(replica.get("replicate_source_db"), &s("kept"));
    let promote = keep_prior(planned(instance.schema(), replica_config(Value::Null)), &replica);
    let promoted = instance
        .update(Updating {
            operation: &operation("aws_db_instance.replica"),
            prior: &replica,
            planned: &promote,
        })
        .await
        .expect("promote");
    // moto keeps reporting the source after PromoteReadReplica; AWS clears it.
    assert!(
        aws.requests.operations().iter().any(|o| o.contains("PromoteReadReplica")),
        "{:?}",
        aws.requests.operations()
    );
    let managed_plan = planned(
        instance.schema(),
        with(
            &with(
                &config("db.t3.micro", &[("manage_master_user_password", Value::Bool(true))]),
                "password",
                Value::Null,
            ),
            "identifier",
            s("managed"),
        ),
    );
    let managed = instance
        .create(Creating {
            operation: &operation("aws_db_instance.managed"),
            planned: &managed_plan,
        })
        .await
        .expect("managed password");
    assert_matches_config(instance.as_ref(), &managed_plan, &managed);
    assert!(managed.get("master_user_secret").as_list().is_some_and(|l| l.len() == 1), "{managed}");
    for (address, value) in [
        ("aws_db_instance.restored", &restored),
        ("aws_db_instance.replica", &promoted),
        ("aws_db_instance.managed", &managed),
    ] {
        instance
            .delete(Deleting { operation: &operation(address), prior: value })
            .await
            .expect("delete");
    }

    // Two instances, one deleted outside: one DescribeDBInstances call.
    let other = create(
        instance.as_ref(),
        "aws_db_instance.other",
        with(&config("db.t3.micro", &[]), "identifier", s("other")),
        "instance",
    )
    .await;
    instance
        .delete(Deleting { operation: &operation("aws_db_instance.other"), prior: &other })
        .await
        .expect("delete");
    let before = aws.requests.count();
    let read = instance.read_many(&[kept.clone(), other]).await.expect("read_many");
    assert_eq!(aws.requests.count() - before, 1, "{:?}", aws.requests.operations());
    assert!(read[0].is_some() && read[1].is_none());
}

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

#[tokio::test]
async fn iam_role_attachment_and_log_group_life_cycle() {
    let aws = aws();
    let role = registry_type(&aws, "aws_iam_role");
    let iam = &aws.clients().await.iam;
    let boundary = iam
        .create_policy()
        .policy_name("role-boundary")
        .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#)
        .send()
        .await
        .expect("policy");
    let boundary_arn = boundary.policy().and_then(|p| p.arn()).expect("arn").to_string();
    // Same policy, other whitespace and key order: must read back as the configuration wrote it.
    let spaced = r#"{ "Statement": [ { "Action": "sts:AssumeRole", "Effect": "Allow", "Principal": { "Service": "ecs-tasks.amazonaws.com" } } ], "Version": "2012-10-17" }"#;
    let inline = |name: &str, action: &str| {
        Value::map([
            ("name", s(name)),
            (
                "policy",
                s(&format!(
                    r#"{{ "Version": "2012-10-17", "Statement": [ {{ "Effect": "Allow", "Action": "{action}", "Resource": "*" }} ] }}"#
                )),
            ),
        ])
    };
    life_cycle(
        role.as_ref(),
        "aws_iam_role.task",
        Value::map([
            ("name", s("task-role")),
            ("assume_role_policy", s(spaced)),
            ("path", s("/app/")),
            ("permissions_boundary", s(&boundary_arn)),
            ("inline_policy", list([inline("logs", "logs:PutLogEvents")])),
            ("managed_policy_arns", list([s(&boundary_arn)])),
            ("force_detach_policies", Value::Bool(true)),
        ]),
        Value::map([
            ("name", s("task-role")),
            ("assume_role_policy", s(TRUST)),
            ("path", s("/app/")),
            ("description", s("runs the web task")),
            ("max_session_duration", n(7200.0)),
            (
                "inline_policy",
                list([inline("logs", "logs:CreateLogStream"), inline("s3", "s3:GetObject")]),
            ),
            ("managed_policy_arns", list([])),
            ("force_detach_policies", Value::Bool(true)),
            ("tags", tags(&[("owner", "web")])),
        ]),
    )
    .await;
    let both =
        Value::map([("name", s("a")), ("name_prefix", s("a")), ("assume_role_policy", s(TRUST))]);
    assert_refused(role.as_ref(), &both, "name_prefix", "name and name_prefix refused");
    let prefixed = create(
        role.as_ref(),
        "aws_iam_role.prefixed",
        Value::map([("name_prefix", s("svc-")), ("assume_role_policy", s(TRUST))]),
        "role from a prefix",
    )
    .await;
    assert_text(&prefixed, "name", |n| n.starts_with("svc-"));
    assert_text(&prefixed, "create_date", |d| !d.is_empty());
    role.delete(Deleting { operation: &operation("aws_iam_role.prefixed"), prior: &prefixed })
        .await
        .expect("delete");

    // Two roles, one deleted outside: ListRoles plus one GetRole (tags, boundary).
    let mut roles = Vec::new();
    for name in ["exec-a", "exec-b"] {
        let config = Value::map([("name", s(name)), ("assume_role_policy", s(TRUST))]);
        roles.push(create(role.as_ref(), &format!("aws_iam_role.{name}"), config, "role").await);
    }
    iam.delete_role().role_name("exec-b").send().await.expect("delete outside");
    let before = aws.requests.count();
    let read = role.read_many(&roles).await.expect("read_many");
    assert!(read[0].is_some() && read[1].is_none());
    assert_eq!(aws.requests.count() - before, 2, "{:?}", aws.requests.operations());

    let attachment = registry_type(&aws, "aws_iam_role_policy_attachment");
    let policy = iam
        .create_policy()
        .policy_name("logs-write")
        .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"*"}]}"#)
        .send()
        .await
        .expect("policy");
    let policy_arn = policy.policy().and_then(|p| p.arn()).expect("arn").to_string();
    let operation_attach = operation("aws_iam_role_policy_attachment.logs");
    let planned_attach = planned(
        attachment.schema(),
        Value::map([("role", s("exec-a")), ("policy_arn", s(&policy_arn))]),
    );
    let attached = attachment
        .create(Creating { operation: &operation_attach, planned: &planned_attach })
        .await
        .expect("attach");
    assert_eq!(attached.get("id"), &s(&format!("exec-a/{policy_arn}")));
    assert_eq!(read_one(attachment.as_ref(), &attached).await, Some(attached.clone()));
    assert_eq!(
        attachment
            .find_created(Creating { operation: &operation_attach, planned: &planned_attach })
            .await
            .expect("find"),
        Some(attached.clone())
    );
    attachment
        .delete(Deleting { operation: &operation_attach, prior: &attached })
        .await
        .expect("detach");
    assert_eq!(read_one(attachment.as_ref(), &attached).await, None);
    attachment
        .delete(Deleting { operation: &operation_attach, prior: &attached })
        .await
        .expect("detaching twice is fine");

    let log_group = registry_type(&aws, "aws_cloudwatch_log_group");
    assert!(!log_group
        .problems(&Value::map([("name", s("x")), ("retention_in_days", n(2.0))]))
        .is_empty());
    life_cycle(
        log_group.as_ref(),
        "aws_cloudwatch_log_group.web",
        Value::map([("name", s("/ecs/web"))]),
        Value::map([
            ("name", s("/ecs/web")),
            ("retention_in_days", n(14.0)),
            ("tags", tags(&[("app", "web")])),
        ]),
    )
    .await;
    let archive = Value::map([
        ("name", s("/ecs/archive")),
        ("kms_key_id", s("arn:aws:kms:us-east-1:123456789012:key/one")),
    ]);
    life_cycle(
        log_group.as_ref(),
        "aws_cloudwatch_log_group.archive",
        archive.clone(),
        // moto has no AssociateKmsKey: the key stays.
        with(&archive, "retention_in_days", n(30.0)),
    )
    .await;
    // A generated name, and skip_destroy leaves the group behind.
    let kept = create(
        log_group.as_ref(),
        "aws_cloudwatch_log_group.kept",
        Value::map([("name_prefix", s("/kept/")), ("skip_destroy", Value::Bool(true))]),
        "log group from a prefix",
    )
    .await;
    assert_text(&kept, "name", |n| n.starts_with("/kept/"));
    log_group
        .delete(Deleting { operation: &operation("aws_cloudwatch_log_group.kept"), prior: &kept })
        .await
        .expect("delete");
    assert!(read_one(log_group.as_ref(), &kept).await.is_some(), "skip_destroy kept the group");
}
