//! Test support: the planned value the engine would hand a type for a configuration (config,
//! then schema defaults, then unknown for computed attributes, then normalization), and
//! assertions every type's tests share.

use std::collections::BTreeMap;

use infra_core::{Creating, Operation, Presence, ResourceType, Timeouts, Value};

/// The operation a test passes to create/update/delete.
pub fn operation() -> Operation {
    Operation {
        address: "test.this".into(),
        lineage: "lineage".into(),
        timeouts: Timeouts::default(),
        ..Default::default()
    }
}

/// A configuration object from `(name, value)` pairs.
pub fn config<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::map(pairs)
}

/// What the engine plans for a new object with this configuration. Panics (the test fails)
/// when the configuration does not validate, so a test cannot silently plan nonsense.
pub fn planned(resource: &dyn ResourceType, config: &Value) -> Value {
    let problems = problems(resource, config);
    assert!(problems.is_empty(), "configuration invalid: {problems:?}");
    let schema = resource.schema();
    let mut object = BTreeMap::new();
    for attribute in &schema.attributes {
        let configured = config.get(attribute.name);
        let value = if attribute.is_settable() && !configured.is_null() {
            configured.clone()
        } else if let Some(default) = &attribute.default {
            default.clone()
        } else if attribute.is_computed() {
            Value::Unknown
        } else {
            Value::Null
        };
        object.insert(attribute.name.to_string(), value);
    }
    for block in &schema.blocks {
        let configured = config.get(block.name);
        let items = if configured.is_null() { Value::List(vec![]) } else { configured.clone() };
        object.insert(block.name.to_string(), items);
    }
    let mut value = Value::Map(object);
    schema.normalize(&mut value);
    resource.normalize(&mut value);
    value
}

/// The problems `validate` (schema and type) finds in a configuration.
pub fn problems(resource: &dyn ResourceType, config: &Value) -> Vec<(String, String)> {
    let mut problems = resource.schema().validate(config);
    problems.extend(resource.validate(config));
    problems
}

/// `planned` created, which must succeed.
pub async fn create_ok(resource: &dyn ResourceType, planned: &Value) -> Value {
    resource.create(Creating { operation: &operation(), planned }).await.expect("create")
}

/// Every computed attribute of a created object is known, and the computed-only ones are set.
pub fn assert_computed_known(resource: &dyn ResourceType, value: &Value) {
    assert!(value.is_wholly_known(), "unknown left in {value:?}");
    for attribute in &resource.schema().attributes {
        if attribute.presence == Presence::Computed {
            assert!(
                !value.get(attribute.name).is_null(),
                "{}.{} is null in {value:?}",
                resource.name(),
                attribute.name
            );
        }
    }
    assert!(
        value.get("id").as_str().is_some_and(|id| !id.is_empty()),
        "{} has no id: {value:?}",
        resource.name()
    );
}

/// Asserts that the type has the attribute `name` and that a change of it replaces the object
/// when `force_new`, or updates it in place when not.
pub fn assert_force_new(resource: &dyn ResourceType, name: &str, force_new: bool) {
    assert!(
        resource.schema().attribute(name).is_some_and(|a| a.force_new == force_new),
        "{}.{name}: force_new is not {force_new}",
        resource.name()
    );
}

/// Refreshing the object returns it unchanged (nothing generated is lost or regenerated).
pub async fn assert_refresh_keeps(resource: &dyn ResourceType, value: &Value) {
    let refreshed = resource.read_many(std::slice::from_ref(value)).await.expect("refresh");
    assert_eq!(refreshed, vec![Some(value.clone())]);
}

/// Imports `id` the way the engine does: `import_prior`, then one refresh.
pub async fn import(resource: &dyn ResourceType, id: &str) -> Value {
    let prior = resource.import_prior(id).expect("import_prior");
    let mut refreshed =
        resource.read_many(std::slice::from_ref(&prior)).await.expect("refresh after import");
    refreshed.pop().flatten().expect("the imported object exists")
}
