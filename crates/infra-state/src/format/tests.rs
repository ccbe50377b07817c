use std::collections::BTreeMap;

use infra_core::{Address, Value};

use super::*;
use crate::model::{OutputState, PendingCreate, ResourceState};

fn address(text: &str) -> Address {
    text.parse().unwrap()
}

fn resource(resource_type: &str, value: Value) -> ResourceState {
    ResourceState { resource_type: resource_type.to_string(), value, ..ResourceState::default() }
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
                ("list", Value::List(vec![Value::Bool(true), Value::string("x").mark_sensitive()])),
            ]),
            dependencies: vec![address("aws_subnet.private"), address("aws_vpc.main")],
            create_before_destroy: true,
            schema_version: 2,
            private: Some("eyJzY2hlbWFfdmVyc2lvbiI6IjIifQ==".into()),
            ..ResourceState::default()
        },
    );
    state.resources.insert(
        address("aws_vpc.main"),
        resource("aws_vpc", Value::map([("id", Value::string("vpc-1"))])),
    );
    state.resources.insert(
        address("aws_subnet.private[0]"),
        resource("aws_subnet", Value::map([("id", Value::string("subnet-0"))])),
    );
    state.resources.insert(
        address("aws_subnet.by_zone[\"a\"]"),
        resource("aws_subnet", Value::map([("id", Value::string("subnet-a"))])),
    );
    state.resources.insert(
        address("data.aws_region.current"),
        resource("aws_region", Value::map([("name", Value::string("us-east-1"))])),
    );
    state
        .outputs
        .insert("vpc_id".into(), OutputState { value: Value::string("vpc-1"), sensitive: false });
    state.outputs.insert(
        "db_password".into(),
        OutputState { value: Value::string("hunter2").mark_sensitive(), sensitive: true },
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
    // The plain JSON carries the values, Terraform's path steps carry the marks.
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let db = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "aws_db_instance")
        .unwrap();
    assert_eq!(db["module"], "module.db");
    assert_eq!(db["provider"], "provider[\"registry.terraform.io/hashicorp/aws\"]");
    let instance = &db["instances"][0];
    assert_eq!(instance["schema_version"], 2);
    assert_eq!(instance["attributes"]["password"], "hunter2");
    assert_eq!(instance["private"], "eyJzY2hlbWFfdmVyc2lvbiI6IjIifQ==");
    let get = |name: &str| serde_json::json!({"type": "get_attr", "value": name});
    assert_eq!(
        instance["sensitive_attributes"],
        serde_json::json!([
            [get("list"), {"type": "index", "value": {"value": 1, "type": "number"}}],
            [get("password")],
            [get("tags"), get("Secret")]
        ])
    );
    assert_eq!(instance["dependencies"], serde_json::json!(["aws_subnet.private", "aws_vpc.main"]));
    assert_eq!(instance["create_before_destroy"], true);
    assert_eq!(json["version"], 4);
    assert_eq!(json["terraform_version"], v4::TERRAFORM_VERSION);
    assert_eq!(json["serial"], 7);
    assert_eq!(json["lineage"], state.lineage.as_str());
    assert_eq!(json["check_results"], serde_json::Value::Null);
    assert_eq!(json["outputs"]["vpc_id"], serde_json::json!({"value": "vpc-1", "type": "string"}));
    assert_eq!(
        json["outputs"]["db_password"],
        serde_json::json!({"value": "hunter2", "type": "string", "sensitive": true})
    );
    // infra's own records sit under the one key Terraform ignores.
    assert_eq!(json["infra"]["pending"][0]["planned_unknown"], serde_json::json!({"id": true}));
    assert_eq!(
        json["infra"]["pending"][0]["planned_sensitive"],
        serde_json::json!({"password": true})
    );
    assert_eq!(json["infra"]["deployments"]["aws_ecs_service.web"]["live"], "blue");
}

#[test]
fn encoding_is_deterministic_and_pretty() {
    let state = sample_state();
    let first = encode(&state);
    assert_eq!(first, encode(&state.clone()));
    let text = String::from_utf8(first).unwrap();
    assert!(text.starts_with("{\n  \"version\": 4,\n  \"terraform_version\": \""), "{text}");
    assert!(text.ends_with("}\n"));
}

#[test]
fn resources_sorted_and_grouped_as_terraform_does() {
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
        state
            .resources
            .insert(address(text), resource("t", Value::map([("id", Value::string(text))])));
    }
    let json: serde_json::Value = serde_json::from_slice(&encode(&state)).unwrap();
    let resources = json["resources"].as_array().unwrap();
    let order: Vec<String> = resources
        .iter()
        .map(|r| {
            format!(
                "{}{} {}.{}",
                r["module"].as_str().map(|m| format!("{m} ")).unwrap_or_default(),
                r["mode"].as_str().unwrap(),
                r["type"].as_str().unwrap(),
                r["name"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        order,
        vec![
            "data aws_region.current",
            "managed aws_eip.nat",
            "managed aws_subnet.by_zone",
            "managed aws_subnet.private",
            "managed aws_vpc.main",
            "module.a managed aws_vpc.main",
            "module.z managed aws_vpc.main",
        ]
    );
    let private = &resources[3];
    assert_eq!(private["each"], "list");
    assert_eq!(resources[2]["each"], "map");
    assert!(resources[1].get("each").is_none());
    let keys: Vec<&serde_json::Value> =
        private["instances"].as_array().unwrap().iter().map(|i| &i["index_key"]).collect();
    assert_eq!(keys, vec![&serde_json::json!(0), &serde_json::json!(2), &serde_json::json!(10)]);
    assert!(resources[1]["instances"][0].get("index_key").is_none());
    assert!(resources[1].get("module").is_none());
}

/// A state as Terraform 1.x writes it: every field of the v4 format, a tainted instance, an
/// alias, a data source, identity and a sensitive output.
const TERRAFORM_WRITTEN: &str = r#"{
  "version": 4,
  "terraform_version": "1.9.8",
  "serial": 12,
  "lineage": "0f4e7c2a-5b43-3b1a-9d1c-6f2b0d7c2a11",
  "outputs": {
    "db_endpoint": {"value": "db:5432", "type": "string", "sensitive": true},
    "subnets": {"value": ["a", "b"], "type": ["list", "string"]}
  },
  "resources": [
    {
      "mode": "data",
      "type": "aws_region",
      "name": "current",
      "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
      "instances": [{"schema_version": 0, "attributes": {"name": "eu-west-1"}, "sensitive_attributes": []}]
    },
    {
      "mode": "managed",
      "type": "aws_db_instance",
      "name": "db",
      "provider": "provider[\"registry.terraform.io/hashicorp/aws\"].west",
      "instances": [
        {
          "status": "tainted",
          "schema_version": 2,
          "attributes": {"id": "db-1", "password": "pw", "tags": null},
          "sensitive_attributes": [[{"type": "get_attr", "value": "password"}]],
          "identity_schema_version": 0,
          "identity": {"identifier": "db", "region": "eu-west-1"},
          "private": "eyJzY2hlbWFfdmVyc2lvbiI6IjIifQ==",
          "dependencies": ["aws_db_subnet_group.db"]
        }
      ]
    }
  ],
  "check_results": null
}
"#;

#[test]
fn reads_what_terraform_wrote() {
    let state = decode(TERRAFORM_WRITTEN.as_bytes(), "terraform.tfstate").unwrap();
    assert_eq!(state.serial, 12);
    assert_eq!(state.lineage, "0f4e7c2a-5b43-3b1a-9d1c-6f2b0d7c2a11");
    let db = state.get(&address("aws_db_instance.db")).unwrap();
    assert!(db.tainted);
    assert_eq!(db.schema_version, 2);
    assert_eq!(db.provider.as_deref(), Some("aws.west"));
    assert_eq!(db.value.get("password"), &Value::string("pw").mark_sensitive());
    assert_eq!(db.value.get("tags"), &Value::Null);
    assert_eq!(db.dependencies, vec![address("aws_db_subnet_group.db")]);
    assert_eq!(
        db.identity,
        Some((0, serde_json::json!({"identifier": "db", "region": "eu-west-1"})))
    );
    let region = state.get(&address("data.aws_region.current")).unwrap();
    assert_eq!(region.value.get("name").as_str(), Some("eu-west-1"));
    assert!(state.outputs["db_endpoint"].value.is_sensitive());
    assert_eq!(
        state.outputs["subnets"].value,
        Value::List(vec![Value::string("a"), Value::string("b")])
    );
    // Written back, it is the same state (and Terraform's fields are all there).
    let again = decode(&encode(&state), "terraform.tfstate").unwrap();
    assert_eq!(again, state);
    let json: serde_json::Value = serde_json::from_slice(&encode(&state)).unwrap();
    assert_eq!(json["resources"][1]["instances"][0]["status"], "tainted");
    assert_eq!(
        json["resources"][1]["provider"],
        "provider[\"registry.terraform.io/hashicorp/aws\"].west"
    );
    assert!(json.get("infra").is_none(), "no infra records: no key");
}

#[test]
fn reads_infra_format_1() {
    let state = decode(
        br#"{"format_version": 1, "serial": 3, "lineage": "l", "future": {"x": 1},
            "resources": [{"address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc",
              "name": "main", "attributes": {"id": "vpc-1"}, "extra": true}],
            "deployments": {"aws_ecs_service.web": {"live": "green"}},
            "pending": [{"address": "aws_subnet.a", "type": "aws_subnet", "planned": {"id": null},
              "planned_unknown": {"id": true}, "started_at": "2026-11-22T10:00:00Z"}]}"#,
        "infra.tfstate.json",
    )
    .unwrap();
    assert_eq!(state.serial, 3);
    let vpc = state.get(&address("aws_vpc.main")).unwrap();
    assert_eq!(vpc.id(), Some("vpc-1"));
    assert_eq!(vpc.schema_version, crate::model::SCHEMA_VERSION_CURRENT);
    assert_eq!(state.deployments["aws_ecs_service.web"]["live"], "green");
    assert_eq!(state.pending[&address("aws_subnet.a")].planned.get("id"), &Value::Unknown);
    assert_eq!(state.outputs, BTreeMap::new());
}

#[test]
fn invalid_json_is_corrupt_with_location() {
    let error =
        decode(b"{\n  \"version\": 4,\n  \"serial\": ,\n}", "dir/terraform.tfstate").unwrap_err();
    let message = error.to_string();
    assert!(matches!(error, StateError::Corrupt { .. }), "{message}");
    assert!(
        message.starts_with("state file dir/terraform.tfstate is not valid JSON: line 3 column"),
        "{message}"
    );
}

#[test]
fn newer_format_is_refused() {
    let error = decode(br#"{"version": 5, "serial": 1, "lineage": "x", "whatever": []}"#, "s.json")
        .unwrap_err();
    assert!(matches!(error, StateError::NewerFormat { found: 5, supported: 4, .. }), "{error}");
    assert!(error.to_string().contains("s.json"));
}

#[test]
fn other_bad_files_are_corrupt() {
    for (bytes, expected) in [
        (&b"[1, 2]"[..], "expected a JSON object, found an array"),
        (br#"{"serial": 1}"#, "has no \"version\""),
        (br#"{"version": 3, "serial": 1}"#, "Terraform 0.12 or newer"),
        (br#"{"version": "4"}"#, "invalid version"),
        (br#"{"format_version": 2}"#, "which no version of infra wrote"),
        (br#"{"version": 4, "serial": "x", "lineage": "l"}"#, "does not match Terraform's state format version 4: line 1"),
        (br#"{"version": 4, "serial": 1}"#, "has no lineage"),
        (
            br#"{"version": 4, "serial": 1, "lineage": "l", "resources": [{"mode": "weird", "type": "t", "name": "n", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]", "instances": [{}]}]}"#,
            "mode `weird`",
        ),
        (
            br#"{"version": 4, "serial": 1, "lineage": "l", "resources": [{"mode": "managed", "type": "aws_vpc", "name": "n", "provider": "aws", "instances": []}]}"#,
            "invalid provider `aws`",
        ),
        (
            br#"{"version": 4, "serial": 1, "lineage": "l", "resources": [{"mode": "managed", "type": "aws_vpc", "name": "n", "provider": "provider.aws", "instances": [{"deposed": "00000001", "attributes": {}}, {"deposed": "00000001", "attributes": {}}]}]}"#,
            "lists deposed object 00000001 of `aws_vpc.n` twice",
        ),
        (
            br#"{"version": 4, "serial": 1, "lineage": "l", "resources": [{"mode": "managed", "type": "aws_vpc", "name": "n", "provider": "provider.aws", "instances": [{"attributes_flat": {"id": "x"}}]}]}"#,
            "Terraform 0.11's flat attribute format",
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
        br#"{"version": 4, "serial": 3, "lineage": "l", "future": {"x": 1},
            "resources": [{"mode": "managed", "type": "aws_vpc", "name": "main",
              "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
              "instances": [{"schema_version": 1, "attributes": {"id": "vpc-1"}, "extra": true}]}]}"#,
        "s.json",
    )
    .unwrap();
    assert_eq!(state.serial, 3);
    assert_eq!(state.get(&address("aws_vpc.main")).unwrap().id(), Some("vpc-1"));
    assert_eq!(state.outputs, BTreeMap::new());
}

/// `check_results` as Terraform 1.5+ writes them are read and written back; an object kind
/// a newer Terraform may add is skipped, as Terraform's reader skips it.
#[test]
fn check_results_round_trip() {
    let file = br#"{"version": 4, "serial": 3, "lineage": "l", "resources": [],
      "check_results": [
        {"object_kind": "resource", "config_addr": "module.net.aws_vpc.main", "status": "fail",
         "objects": [
           {"object_addr": "module.net[0].aws_vpc.main", "status": "fail",
            "failure_messages": ["the VPC needs DNS"]},
           {"object_addr": "module.net[1].aws_vpc.main", "status": "pass"}]},
        {"object_kind": "var", "config_addr": "var.region", "status": "pass",
         "objects": [{"object_addr": "var.region", "status": "pass"}]},
        {"object_kind": "check", "config_addr": "check.health", "status": "unknown",
         "objects": null},
        {"object_kind": "ephemeral_thing", "config_addr": "x.y", "status": "pass", "objects": []}
      ]}"#;
    let state = decode(file, "terraform.tfstate").unwrap();
    assert_eq!(state.check_results.len(), 3, "{:?}", state.check_results);
    let vpc = &state.check_results[0];
    assert_eq!(vpc.kind, infra_core::CheckableKind::Resource);
    assert_eq!(vpc.status, infra_core::CheckStatus::Fail);
    assert_eq!(vpc.objects[0].failure_messages, ["the VPC needs DNS"]);
    assert_eq!(state.check_results[2].status, infra_core::CheckStatus::Unknown);
    let json: serde_json::Value = serde_json::from_slice(&encode(&state)).unwrap();
    assert_eq!(
        json["check_results"][0],
        serde_json::json!({
            "object_kind": "resource", "config_addr": "module.net.aws_vpc.main", "status": "fail",
            "objects": [
                {"object_addr": "module.net[0].aws_vpc.main", "status": "fail",
                 "failure_messages": ["the VPC needs DNS"]},
                {"object_addr": "module.net[1].aws_vpc.main", "status": "pass"}
            ]
        })
    );
    assert_eq!(json["check_results"][1]["object_kind"], "var");
    assert_eq!(json["check_results"][2]["objects"], serde_json::Value::Null);
    assert_eq!(decode(&encode(&state), "terraform.tfstate").unwrap(), state);
}

/// Deposed objects read as Terraform wrote them (beside or without the current object) and are
/// written back after the instance's current object.
#[test]
fn deposed_objects_round_trip() {
    let file = br#"{"version": 4, "serial": 3, "lineage": "l", "resources": [
      {"mode": "managed", "type": "aws_lb", "name": "web",
       "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
       "instances": [
         {"deposed": "5a1c0e2f", "schema_version": 0, "attributes": {"id": "arn:old"},
          "create_before_destroy": true},
         {"schema_version": 0, "attributes": {"id": "arn:new"}, "create_before_destroy": true}]},
      {"mode": "managed", "type": "aws_lb_target_group", "name": "gone",
       "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
       "instances": [{"deposed": "00000001", "schema_version": 0,
                      "attributes": {"id": "arn:tg"}}]}]}"#;
    let state = decode(file, "terraform.tfstate").unwrap();
    let web = address("aws_lb.web");
    assert_eq!(state.get(&web).and_then(|r| r.id()), Some("arn:new"));
    assert_eq!(state.deposed[&web]["5a1c0e2f"].id(), Some("arn:old"));
    let gone = address("aws_lb_target_group.gone");
    assert!(state.get(&gone).is_none());
    assert_eq!(state.deposed[&gone]["00000001"].id(), Some("arn:tg"));
    let json: serde_json::Value = serde_json::from_slice(&encode(&state)).unwrap();
    let instances = &json["resources"][0]["instances"];
    assert_eq!(instances[0]["attributes"]["id"], "arn:new");
    assert!(instances[0].get("deposed").is_none());
    assert_eq!(instances[1]["deposed"], "5a1c0e2f");
    assert_eq!(json["resources"][1]["instances"][0]["deposed"], "00000001");
    assert_eq!(decode(&encode(&state), "terraform.tfstate").unwrap(), state);

    let mut state = state;
    let key = state.depose(&web, state.get(&web).unwrap().clone());
    assert_eq!(key, "00000001");
    state.forget_deposed(&gone, "00000001");
    assert!(!state.deposed.contains_key(&gone));
}
