//! The provider's JSON state upgraders, one case each: an object as an older provider stored
//! it, and what the upgrade makes of it (each type's `upgrade_state`).

use crate::ProviderSettings;
use infra_core::{Registry, Value};

fn registry() -> Registry {
    crate::registry(crate::Aws::new(ProviderSettings {
        region: Some("eu-west-1".into()),
        ..Default::default()
    }))
}

/// Runs a type's upgrades from `from` to its current version, one step at a time.
fn upgraded(type_name: &str, from: u64, value: serde_json::Value) -> serde_json::Value {
    let registry = registry();
    let resource = registry.resource(type_name).expect("registered");
    let mut value = Value::from_json(&value);
    for version in from..resource.schema().version {
        value = resource.upgrade_state(version, value).expect("upgrades");
    }
    value.to_json()
}

#[test]
fn schema_versions_are_the_providers() {
    let registry = registry();
    for (name, version) in [
        ("aws_vpc", 1),
        ("aws_default_vpc", 1),
        ("aws_subnet", 1),
        ("aws_security_group", 1),
        ("aws_default_security_group", 1),
        ("aws_security_group_rule", 2),
        ("aws_instance", 2),
        ("aws_launch_template", 1),
        ("aws_flow_log", 1),
        ("aws_ecs_task_definition", 1),
        ("aws_ecs_service", 1),
        ("aws_db_instance", 2),
        ("aws_cloudwatch_event_rule", 1),
        ("aws_cloudwatch_event_target", 1),
        ("aws_cloudwatch_metric_alarm", 1),
        ("aws_secretsmanager_secret_rotation", 1),
        ("aws_dynamodb_table", 1),
        ("aws_key_pair", 1),
        ("aws_route53_record", 2),
        ("aws_s3_bucket_lifecycle_configuration", 1),
        ("aws_lb", 0),
        ("aws_iam_role", 0),
    ] {
        let resource = registry.resource(name).expect("registered");
        assert_eq!(resource.schema().version, version, "{name}");
    }
}

#[test]
fn db_instance_gains_delete_automated_backups_and_its_resource_id() {
    let value = upgraded(
        "aws_db_instance",
        0,
        serde_json::json!({"id": "app-db", "identifier": "app-db", "resource_id": "db-ABC123"}),
    );
    assert_eq!(value["delete_automated_backups"], true);
    assert_eq!(value["id"], "db-ABC123");
    assert_eq!(value["identifier"], "app-db");
}

#[test]
fn ecs_service_throughput_becomes_a_number() {
    let value = upgraded(
        "aws_ecs_service",
        0,
        serde_json::json!({"volume_configuration": [{"managed_ebs_volume": [{"throughput": "125"}]}]}),
    );
    assert_eq!(value["volume_configuration"][0]["managed_ebs_volume"][0]["throughput"], 125);
    let empty = upgraded(
        "aws_ecs_service",
        0,
        serde_json::json!({"volume_configuration": [{"managed_ebs_volume": [{"throughput": ""}]}]}),
    );
    assert_eq!(empty["volume_configuration"][0]["managed_ebs_volume"][0]["throughput"], 0);
    let untouched = upgraded("aws_ecs_service", 0, serde_json::json!({"name": "web"}));
    assert_eq!(untouched, serde_json::json!({"name": "web"}));
}

#[test]
fn event_rule_state_target_bus_and_rotation_defaults() {
    let rule = upgraded("aws_cloudwatch_event_rule", 0, serde_json::json!({"is_enabled": false}));
    assert_eq!(rule["state"], "DISABLED");
    let rule = upgraded("aws_cloudwatch_event_rule", 0, serde_json::json!({"is_enabled": true}));
    assert_eq!(rule["state"], "ENABLED");
    let target = upgraded("aws_cloudwatch_event_target", 0, serde_json::json!({"rule": "r"}));
    assert_eq!(target["event_bus_name"], "default");
    let kept =
        upgraded("aws_cloudwatch_event_target", 0, serde_json::json!({"event_bus_name": "orders"}));
    assert_eq!(kept["event_bus_name"], "orders");
    let rotation =
        upgraded("aws_secretsmanager_secret_rotation", 0, serde_json::json!({"secret_id": "s"}));
    assert_eq!(rotation["rotate_immediately"], true);
}

#[test]
fn lifecycle_configuration_numbers_and_empty_dates() {
    let value = upgraded(
        "aws_s3_bucket_lifecycle_configuration",
        0,
        serde_json::json!({"rule": [{
            "filter": [{"object_size_greater_than": "1024", "object_size_less_than": ""}],
            "noncurrent_version_expiration": [{"newer_noncurrent_versions": "3"}],
            "expiration": [{"date": "", "days": 30}],
            "transition": [{"date": "2027-01-01T00:00:00Z"}]
        }]}),
    );
    let rule = &value["rule"][0];
    assert_eq!(rule["filter"][0]["object_size_greater_than"], 1024);
    assert!(rule["filter"][0]["object_size_less_than"].is_null());
    assert_eq!(rule["noncurrent_version_expiration"][0]["newer_noncurrent_versions"], 3);
    assert!(rule["expiration"][0]["date"].is_null());
    assert_eq!(rule["expiration"][0]["days"], 30);
    assert_eq!(rule["transition"][0]["date"], "2027-01-01T00:00:00Z");
    let registry = registry();
    let lifecycle = registry.resource("aws_s3_bucket_lifecycle_configuration").unwrap();
    let bad = serde_json::json!({"rule": [{"filter": [{"object_size_greater_than": "big"}]}]});
    assert!(lifecycle.upgrade_state(0, Value::from_json(&bad)).unwrap_err().contains("\"big\""));
}

#[test]
fn instance_cpu_counts_move_into_cpu_options() {
    let value = upgraded(
        "aws_instance",
        1,
        serde_json::json!({"cpu_core_count": 2, "cpu_threads_per_core": 1, "cpu_options": []}),
    );
    assert_eq!(value["cpu_options"], serde_json::json!([{"core_count": 2, "threads_per_core": 1}]));
    assert!(value["cpu_core_count"].is_null());
    let kept = upgraded(
        "aws_instance",
        1,
        serde_json::json!({"cpu_core_count": 2, "cpu_options": [{"core_count": 4}]}),
    );
    assert_eq!(kept["cpu_options"][0]["core_count"], 4);
}

#[test]
fn flow_log_group_name_becomes_its_arn_and_launch_template_drops_removed_arguments() {
    let value = upgraded(
        "aws_flow_log",
        0,
        serde_json::json!({
            "arn": "arn:aws:ec2:eu-west-1:123456789012:vpc-flow-log/fl-1",
            "log_group_name": "vpc-logs",
            "log_destination": ""
        }),
    );
    assert_eq!(value["log_destination"], "arn:aws:logs:eu-west-1:123456789012:log-group:vpc-logs");
    assert!(value["log_group_name"].is_null());
    let template = upgraded(
        "aws_launch_template",
        0,
        serde_json::json!({"name": "t", "elastic_gpu_specifications": [], "elastic_inference_accelerator": []}),
    );
    assert_eq!(template, serde_json::json!({"name": "t"}));
}
