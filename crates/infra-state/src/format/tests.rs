use std::collections::BTreeMap;

use infra_core::{Address, Value};

use super::*;
use crate::model::{OutputState, PendingCreate, ResourceState};

fn address(text: &str) -> Address {
    text.parse().unwrap()
}

fn resource(resource_type: &str, value: Value) -> ResourceState {
    ResourceState {
        resource_type: resource_type.to_string(),
        value,
        dependencies: vec![],
        create_before_destroy: false,
        provider: None,
    }
}

fn sample_state() -> State {
    let mut state = State::new();
    state.serial = 7;
    state.resources.insert(
        address("module.db.aws_db_instance.main"),
        ResourceState {
            resource_type: "aws_db_instance".into(),
            value: Value::map([
                ("id", Value::string("db-1")),
                ("password", Value::string("hunter2").mark_sensitive()),
                ("port", Value::Number(5432.0)),
                (
                    "tags",
                    Value::map([
                        ("Name", Value::string("db")),
                        ("Secret", Value::string("s").mark_sensitive()),
                    ]),
                ),
                (
                    "list",
                    Value::List(vec![Value::Bool(true), Value::string("x").mark_sensitive()]),
                ),
            ]),
            dependencies: vec![address("aws_subnet.private[0]"), address("aws_vpc.main")],
            create_before_destroy: true,
            provider: None,
        },
    );
    state.resources.insert(
        address("aws_vpc.main"),
        resource("aws_vpc", Value::map([("id", Value::string("vpc-1"))])),
    );
    state.resources.insert(
        address("aws_subnet.private[0]"),
        resource(
            "aws_subnet",
            Value::map([("id", Value::string("subnet-0"))]),
        ),
    );
    state.resources.insert(
        address("aws_subnet.by_zone[\"a\"]"),
        resource(
            "aws_subnet",
            Value::map([("id", Value::string("subnet-a"))]),
        ),
    );
    state.resources.insert(
        address("data.aws_region.current"),
        resource(
            "aws_region",
            Value::map([("name", Value::string("us-east-1"))]),
        ),
    );
    state.outputs.insert(
        "vpc_id".into(),
        OutputState {
            value: Value::string("vpc-1"),
            sensitive: false,
        },
    );
    state.outputs.insert(
        "db_password".into(),
        OutputState {
            value: Value::string("hunter2").mark_sensitive(),
            sensitive: true,
        },
    );
    state.deployments.insert(
        "aws_ecs_service.web".into(),
        serde_json::json!({"live": "blue", "previous": "green", "weights": {"blue": 100, "green": 0}}),
    );
    state.pending.insert(
        address("aws_db_instance.replica"),
        PendingCreate {
            resource_type: "aws_db_instance".into(),
            planned: Value::map([
                ("id", Value::Unknown),
                ("identifier", Value::string("replica")),
                ("password", Value::string("p").mark_sensitive()),
            ]),
            started_at: "2026-11-22T10:00:00Z".into(),
            provider: None,
        },
    );
    state
}

#[test]
fn round_trip_keeps_sensitive_marks() {
    let state = sample_state();
    let bytes = encode(&state);
    let decoded = decode(&bytes, "test.json").unwrap();
    assert_eq!(decoded, state);
    // The plain JSON carries the values, the paths carry the marks.
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let db = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "aws_db_instance")
        .unwrap();
    assert_eq!(db["module"], "module.db");
    assert_eq!(db["id"], "db-1");
    assert_eq!(db["attributes"]["password"], "hunter2");
    assert_eq!(
        db["sensitive_attributes"],
        serde_json::json!(["list[1]", "password", "tags.Secret"])
    );
    assert_eq!(
        db["dependencies"],
        serde_json::json!(["aws_subnet.private[0]", "aws_vpc.main"])
    );
    assert_eq!(json["format_version"], 1);
    assert_eq!(json["serial"], 7);
    assert_eq!(json["lineage"], state.lineage.as_str());
    assert_eq!(
        json["outputs"]["vpc_id"],
        serde_json::json!({"value": "vpc-1", "sensitive": false})
    );
    assert_eq!(
        json["pending"][0]["planned_unknown"],
        serde_json::json!({"id": true})
    );
    assert_eq!(
        json["pending"][0]["planned_sensitive"],
        serde_json::json!({"password": true})
    );
}

#[test]
fn encoding_is_deterministic_and_pretty() {
    let state = sample_state();
    let first = encode(&state);
    assert_eq!(first, encode(&state.clone()));
    let text = String::from_utf8(first).unwrap();
    assert!(text.starts_with("{\n  \"format_version\": 1,\n"), "{text}");
    assert!(text.ends_with("}\n"));
}

#[test]
fn resources_sorted_as_terraform_sorts_them() {
    let mut state = State::new();
    for text in [
        "module.z.aws_vpc.main",
        "aws_vpc.main",
        "aws_subnet.private[10]",
        "aws_subnet.private[2]",
        "aws_subnet.by_zone[\"b\"]",
        "aws_subnet.by_zone[\"a\"]",
        "data.aws_region.current",
        "module.a.aws_vpc.main",
        "aws_subnet.private[0]",
        "aws_eip.nat",
    ] {
        state.resources.insert(
            address(text),
            resource("t", Value::map([("id", Value::string(text))])),
        );
    }
    let json: serde_json::Value = serde_json::from_slice(&encode(&state)).unwrap();
    let order: Vec<&str> = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["address"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        vec![
            "data.aws_region.current",
            "aws_eip.nat",
            "aws_subnet.by_zone[\"a\"]",
            "aws_subnet.by_zone[\"b\"]",
            "aws_subnet.private[0]",
            "aws_subnet.private[2]",
            "aws_subnet.private[10]",
            "aws_vpc.main",
            "module.a.aws_vpc.main",
            "module.z.aws_vpc.main",
        ]
    );
    let keys: Vec<&serde_json::Value> = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["name"] == "private")
        .map(|r| &r["index_key"])
        .collect();
    assert_eq!(
        keys,
        vec![
            &serde_json::json!(0),
            &serde_json::json!(2),
            &serde_json::json!(10)
        ]
    );
    assert!(json["resources"][1].get("index_key").is_none());
    assert!(json["resources"][1].get("module").is_none());
}

#[test]
fn invalid_json_is_corrupt_with_location() {
    let error = decode(
        b"{\n  \"format_version\": 1,\n  \"serial\": ,\n}",
        "dir/infra.tfstate.json",
    )
    .unwrap_err();
    let message = error.to_string();
    assert!(matches!(error, StateError::Corrupt { .. }), "{message}");
    assert!(
        message.starts_with("state file dir/infra.tfstate.json is not valid JSON: line 3 column"),
        "{message}"
    );
}

#[test]
fn newer_format_is_refused() {
    let error = decode(
        br#"{"format_version": 2, "serial": 1, "lineage": "x", "whatever": []}"#,
        "s.json",
    )
    .unwrap_err();
    assert!(
        matches!(
            error,
            StateError::NewerFormat {
                found: 2,
                supported: 1,
                ..
            }
        ),
        "{error}"
    );
    assert!(error.to_string().contains("s.json"));
}

#[test]
fn other_bad_files_are_corrupt() {
    for (bytes, expected) in [
        (&b"[1, 2]"[..], "expected a JSON object, found an array"),
        (br#"{"serial": 1}"#, "has no format_version"),
        (br#"{"version": 4, "terraform_version": "1.9.0"}"#, "Terraform state file"),
        (br#"{"format_version": "1"}"#, "invalid format_version"),
        (br#"{"format_version": 1, "serial": "x", "lineage": "l"}"#, "does not match state format version 1: line 1"),
        (
            br#"{"format_version": 1, "serial": 1, "lineage": "l", "resources": [{"mode": "weird", "type": "t", "name": "n"}]}"#,
            "mode `weird`",
        ),
    ] {
        let error = decode(bytes, "s.json").unwrap_err();
        assert!(matches!(error, StateError::Corrupt { .. }), "{error}");
        assert!(error.to_string().contains(expected), "{error}");
    }
}

#[test]
fn unknown_fields_are_ignored() {
    let state = decode(
        br#"{"format_version": 1, "serial": 3, "lineage": "l", "future": {"x": 1},
            "resources": [{"address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc",
              "name": "main", "attributes": {"id": "vpc-1"}, "extra": true}]}"#,
        "s.json",
    )
    .unwrap();
    assert_eq!(state.serial, 3);
    assert_eq!(
        state.get(&address("aws_vpc.main")).unwrap().id(),
        Some("vpc-1")
    );
    assert_eq!(state.outputs, BTreeMap::new());
}
