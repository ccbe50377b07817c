//! What the infra-aws test binaries against moto share: moto started for one file, the
//! provider in us-east-1, a VPC with two subnets made with the SDK, the operation a test
//! passes, and building or normalizing values as the engine does. Each binary uses a part.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use infra_aws::{Aws, ProviderSettings};
use infra_core::{Operation, ResourceType, Schema, Timeouts, Value};

/// moto for one test file (see infra-testkit), with this process's SDK clients pointed at it.
pub fn start_moto() -> infra_testkit::Moto {
    let moto = infra_testkit::Moto::start_with_env(&[]);
    moto.export_env();
    moto
}

/// The provider in us-east-1 on the one moto of this test binary, started (see infra-testkit)
/// with `MOTO_ECS_SERVICE_RUNNING` = `ecs_running` the first time.
pub fn aws_on_shared_moto(ecs_running: &str) -> Arc<Aws> {
    infra_testkit::Moto::shared(&[("MOTO_ECS_SERVICE_RUNNING", ecs_running)]);
    aws_in_us_east_1()
}

/// The provider as the tests configure it: us-east-1, everything else by default.
pub fn aws_in_us_east_1() -> Arc<Aws> {
    Aws::new(ProviderSettings { region: Some("us-east-1".into()), ..Default::default() })
}

/// A VPC `10.{second_octet}.0.0/16` with a subnet in us-east-1a and one in us-east-1b.
pub struct SdkNetwork {
    pub vpc_id: String,
    pub subnet_ids: Vec<String>,
}

/// Makes an [`SdkNetwork`] with the SDK directly, so that no resource type is involved.
pub async fn vpc_with_two_subnets(ec2: &aws_sdk_ec2::Client, second_octet: u8) -> SdkNetwork {
    let vpc =
        ec2.create_vpc().cidr_block(format!("10.{second_octet}.0.0/16")).send().await.expect("vpc");
    let vpc_id = vpc.vpc().and_then(|v| v.vpc_id()).expect("vpc id").to_string();
    let mut subnet_ids = Vec::new();
    for (index, zone) in ["us-east-1a", "us-east-1b"].iter().enumerate() {
        let subnet = ec2
            .create_subnet()
            .vpc_id(&vpc_id)
            .cidr_block(format!("10.{second_octet}.{index}.0/24"))
            .availability_zone(*zone)
            .send()
            .await
            .expect("subnet");
        subnet_ids
            .push(subnet.subnet().and_then(|s| s.subnet_id()).expect("subnet id").to_string());
    }
    SdkNetwork { vpc_id, subnet_ids }
}

/// The operation for `address`, with `lineage` and the same create, update and delete timeout.
pub fn operation(address: &str, lineage: &str, timeout: Duration) -> Operation {
    Operation {
        address: address.to_string(),
        lineage: lineage.to_string(),
        timeouts: Timeouts { create: timeout, update: timeout, delete: timeout },
        ..Default::default()
    }
}

/// The attributes the engine would plan for a create of `config`: the configured value, else
/// the schema default, else unknown for a computed attribute, else null.
pub fn planned_attributes(schema: &Schema, config: &Value) -> BTreeMap<String, Value> {
    let mut object = BTreeMap::new();
    for attribute in &schema.attributes {
        let given = config.get(attribute.name);
        let value = if !given.is_null() {
            given.clone()
        } else if let Some(default) = &attribute.default {
            default.clone()
        } else if attribute.is_computed() {
            Value::Unknown
        } else {
            Value::Null
        };
        object.insert(attribute.name.to_string(), value);
    }
    object
}

/// `value` as the engine compares it: the schema's normalization, then the type's own.
pub fn normalized(resource: &dyn ResourceType, value: &Value) -> Value {
    let mut value = value.clone();
    resource.schema().normalize(&mut value);
    resource.normalize(&mut value);
    value
}

/// `value` with `key` set to `new`.
pub fn with(value: &Value, key: &str, new: Value) -> Value {
    let mut value = value.clone();
    if let Some(object) = value.map_mut() {
        object.insert(key.to_string(), new);
    }
    value
}

/// A map of strings, as `tags` takes.
pub fn tags(entries: &[(&str, &str)]) -> Value {
    Value::map(entries.iter().map(|(k, v)| (*k, Value::string(*v))))
}

/// A list of strings.
pub fn strings(items: &[&str]) -> Value {
    Value::List(items.iter().map(|s| Value::string(*s)).collect())
}

/// Asserts that `key` of `value` is a string that passes `test`.
pub fn assert_text(value: &Value, key: &str, test: impl Fn(&str) -> bool) {
    assert!(value.get(key).as_str().is_some_and(test), "{key}: {value}");
}

/// Asserts that `key` of `value` is a string.
pub fn assert_has_text(value: &Value, key: &str) {
    assert_text(value, key, |_| true);
}

/// Asserts that `resource` refuses `config` with a problem at `path` (`why` says which rule),
/// as the planner reports its problems.
pub fn assert_refused(resource: &dyn ResourceType, config: &Value, path: &str, why: &str) {
    assert!(resource.problems(config).iter().any(|(at, _)| at == path), "{why}");
}

/// Refreshes one object: what `read_many` gives for it (`None` when it is gone).
pub async fn read_one(resource: &dyn ResourceType, value: &Value) -> Option<Value> {
    let mut read = resource
        .read_many(std::slice::from_ref(value))
        .await
        .unwrap_or_else(|e| panic!("{} read: {e}", resource.name()));
    assert_eq!(read.len(), 1, "{}: one answer for one object", resource.name());
    read.pop().flatten()
}
