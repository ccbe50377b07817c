//! `random_string`: a random string of `length` characters, its `result` also its `id`, not
//! sensitive (use `random_password` for secrets). Imported by the value itself. Arguments and
//! generator are shared with `random_password` in [`string_generator`].
//!
//! [`string_generator`]: crate::random::string_generator

use infra_core::{Creating, ProviderError, Value};

use crate::in_state::{InState, StateOnly};
use crate::random::string_generator;

const NAME: &str = "random_string";

pub struct RandomString;

impl RandomString {
    pub fn new() -> InState<RandomString> {
        InState::new(NAME, string_generator::schema(false).version(2), RandomString)
    }
}

impl StateOnly for RandomString {
    /// The provider's upgrader from version 1 ([`string_generator::upgrade_fills`]); it has
    /// none from version 0, and neither has infra.
    fn upgrade_state(&self, from: u64, mut value: Value) -> Result<Value, String> {
        match from {
            0 => Err("the random provider cannot upgrade a random_string of schema version 0 \
                      either; recreate it (`infra apply -replace=ADDRESS`)"
                .to_string()),
            _ => {
                string_generator::upgrade_fills(&mut value);
                Ok(value)
            }
        }
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        string_generator::validate(config)
    }

    fn normalize(&self, value: &mut Value) {
        string_generator::normalize(value);
    }

    async fn create(&self, at: Creating<'_>) -> Result<Value, ProviderError> {
        let (mut object, result) = string_generator::generated(at.planned, NAME)?;
        object.insert("result".into(), Value::string(&result));
        object.insert("id".into(), Value::String(result));
        Ok(Value::Map(object))
    }

    /// The import ID is the string itself.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        let mut object = string_generator::imported_id(id, NAME, "string")?;
        object.insert("id".into(), Value::string(id));
        Ok(Value::Map(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{
        assert_computed_known, assert_refresh_keeps, config, create_ok, import, planned,
    };
    use infra_core::ResourceType;

    #[tokio::test]
    async fn create_honours_length_minimums_and_override_special() {
        let resource = RandomString::new();
        let planned = planned(
            &resource,
            &config([
                ("length", Value::Number(16.0)),
                ("min_numeric", Value::Number(5.0)),
                ("override_special", Value::string("/@")),
                ("min_special", Value::Number(3.0)),
                ("upper", Value::Bool(false)),
            ]),
        );
        let created = create_ok(&resource, &planned).await;
        assert_computed_known(&resource, &created);
        let result = created.get("result").as_str().expect("result").to_string();
        assert!(!created.get("result").is_sensitive());
        assert_eq!(created.get("id").as_str(), Some(result.as_str()));
        assert_eq!(result.chars().count(), 16);
        assert!(result.chars().filter(char::is_ascii_digit).count() >= 5, "{result}");
        assert!(result.chars().filter(|c| "/@".contains(*c)).count() >= 3, "{result}");
        assert!(!result.chars().any(|c| c.is_ascii_uppercase()), "{result}");
        assert!(
            !result.chars().any(|c| "!#$%&*()-_=+[]{}<>:?".contains(c)),
            "override_special replaces the default specials: {result}"
        );
        assert_eq!(created.get("number"), &Value::Bool(true));
        assert_eq!(created.get("numeric"), &Value::Bool(true));
        assert_refresh_keeps(&resource, &created).await;
    }

    #[tokio::test]
    async fn import_by_value_with_defaults() {
        let resource = RandomString::new();
        let imported = import(&resource, "test").await;
        assert_eq!(imported.get("id"), &Value::string("test"));
        assert_eq!(imported.get("result"), &Value::string("test"));
        assert_eq!(imported.get("length"), &Value::Number(4.0));
        assert_eq!(imported.get("lower"), &Value::Bool(true));
        assert_eq!(imported.get("min_upper"), &Value::Number(0.0));
        // The documented way to avoid a replacement after import: length = 4, rest default.
        let matching = planned(&resource, &config([("length", Value::Number(4.0))]));
        for attribute in resource.schema().attributes.iter().filter(|a| a.is_settable()) {
            assert_eq!(
                matching.get(attribute.name),
                imported.get(attribute.name),
                "{}",
                attribute.name
            );
        }
    }

    #[test]
    fn every_argument_replaces() {
        let resource = RandomString::new();
        for attribute in resource.schema().attributes.iter().filter(|a| a.is_settable()) {
            assert!(attribute.force_new, "{} should force a new string", attribute.name);
        }
    }
}
