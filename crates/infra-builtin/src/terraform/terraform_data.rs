//! `terraform_data`: Terraform's built-in resource that stores a value. `input` (any type) is
//! copied to `output` and changes in place; `triggers_replace` (any type) replaces the object
//! when it changes. The `id` is a random UUID. Imported by `id` (with no input or output), as
//! Terraform does.
//!
//! Terraform plans `output` as unknown when `input` changes. Here `normalize` makes the planned
//! `output` the planned `input` itself, so the plan shows the value `output` will have (and
//! unknown exactly when `input` is).

use infra_core::{Attribute, Creating, ProviderError, Schema, Type, Updating, Value};

use crate::in_state::{InState, StateOnly};
use crate::random::random_uuid::new_uuid;
use crate::support::object_of;

const NAME: &str = "terraform_data";

pub struct TerraformData;

impl TerraformData {
    pub fn new() -> InState<TerraformData> {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::optional("input", Type::Any))
            .attr(Attribute::computed("output", Type::Any))
            .attr(Attribute::optional("triggers_replace", Type::Any).force_new());
        InState::new(NAME, schema, TerraformData)
    }
}

/// The object with `output` set to `input` (marks and all).
fn with_output(value: &Value) -> crate::support::Object {
    let mut object = object_of(value);
    let input = value.get("input").clone();
    object.insert("output".into(), input);
    object
}

impl StateOnly for TerraformData {
    fn normalize(&self, value: &mut Value) {
        // Only objects that carry `input` (an imported object has none until applied).
        if value.as_map().is_some_and(|m| m.contains_key("input")) {
            *value = Value::Map(with_output(value));
        }
    }

    async fn create(&self, at: Creating<'_>) -> Result<Value, ProviderError> {
        let mut object = with_output(at.planned);
        object.insert("id".into(), Value::String(new_uuid()?));
        Ok(Value::Map(object))
    }

    async fn update(&self, _schema: &Schema, at: Updating<'_>) -> Result<Value, ProviderError> {
        let mut object = with_output(at.planned);
        let id = match at.planned.get("id") {
            id @ Value::String(_) => id.clone(),
            _ => at.prior.get("id").clone(),
        };
        object.insert("id".into(), id);
        Ok(Value::Map(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{
        assert_computed_known, assert_force_new, assert_refresh_keeps, config, create_ok, import,
        operation, planned,
    };
    use infra_core::ResourceType;

    #[tokio::test]
    async fn output_follows_input_of_any_type() {
        let resource = TerraformData::new();
        let input = Value::map([
            ("name", Value::string("web")),
            ("ports", Value::List(vec![Value::Number(80.0), Value::Number(443.0)])),
        ]);
        let planned = planned(&resource, &config([("input", input.clone())]));
        assert_eq!(planned.get("output"), &input, "the plan already shows the output");
        let created = create_ok(&resource, &planned).await;
        assert_computed_known(&resource, &created);
        assert_eq!(created.get("output"), &input);
        let id = created.get("id").as_str().expect("id").to_string();
        assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
        assert_refresh_keeps(&resource, &created).await;

        // A new input updates in place: same id, new output.
        let mut next = created.clone();
        if let Some(object) = next.map_mut() {
            object.insert("input".into(), Value::Number(3.0));
        }
        resource.normalize(&mut next);
        assert_eq!(next.get("output"), &Value::Number(3.0));
        let updated = resource
            .update(Updating { operation: &operation(), prior: &created, planned: &next })
            .await
            .expect("update");
        assert_eq!(updated.get("id").as_str(), Some(id.as_str()));
        assert_eq!(updated.get("output"), &Value::Number(3.0));
    }

    #[tokio::test]
    async fn unknown_input_plans_unknown_output_and_import_keeps_the_id() {
        let resource = TerraformData::new();
        let planned = planned(&resource, &config([("input", Value::Unknown)]));
        assert!(planned.get("output").is_unknown());
        assert!(resource
            .schema()
            .attribute("triggers_replace")
            .is_some_and(|a| a.force_new && a.ty == Type::Any));
        assert_force_new(&resource, "input", false);
        let imported = import(&resource, "4f8a2c8e-0b1a-4d8c-9a53-3f0b8f6f2d11").await;
        assert_eq!(imported.get("id"), &Value::string("4f8a2c8e-0b1a-4d8c-9a53-3f0b8f6f2d11"));
        assert_eq!(imported.get("output"), &Value::Null);
    }
}
