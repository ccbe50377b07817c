//! `random_password` as an ephemeral resource (`ephemeral "random_password"`, provider 3.7):
//! a new password each time it is opened, at plan and again at apply, kept in no plan or
//! state. It feeds write-only arguments (`password_wo`, `secret_string_wo`). The arguments and
//! generator are `random_password`'s, without `keepers` and the deprecated `number`; it has no
//! `id`. `result` and `bcrypt_hash` are sensitive.

use infra_core::{Attribute, DataSourceType, ProviderError, Schema, Type, Value};

use crate::random::random_password::bcrypt_hash;
use crate::random::string_generator::{self, StringParams};

const NAME: &str = "random_password";

pub struct EphemeralRandomPassword {
    schema: Schema,
}

impl EphemeralRandomPassword {
    pub fn new() -> EphemeralRandomPassword {
        let flag = |name| Attribute::optional(name, Type::Bool).default(Value::Bool(true));
        let minimum = |name| Attribute::optional(name, Type::Number).default(Value::Number(0.0));
        let schema = Schema::new()
            .attr(Attribute::required("length", Type::Number))
            .attr(flag("special"))
            .attr(flag("upper"))
            .attr(flag("lower"))
            .attr(flag("numeric"))
            .attr(minimum("min_numeric"))
            .attr(minimum("min_upper"))
            .attr(minimum("min_lower"))
            .attr(minimum("min_special"))
            .attr(Attribute::optional("override_special", Type::String))
            .attr(Attribute::computed("result", Type::String).sensitive())
            .attr(Attribute::computed("bcrypt_hash", Type::String).sensitive());
        EphemeralRandomPassword { schema }
    }
}

impl Default for EphemeralRandomPassword {
    fn default() -> EphemeralRandomPassword {
        EphemeralRandomPassword::new()
    }
}

#[async_trait::async_trait]
impl DataSourceType for EphemeralRandomPassword {
    fn name(&self) -> &'static str {
        NAME
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Opens it: generates a password for the arguments, as the resource's create does.
    async fn read(&self, config: &Value) -> Result<Value, ProviderError> {
        if let Some((path, message)) = string_generator::validate(config).into_iter().next() {
            return Err(ProviderError::new(format!("{path}: {message}")));
        }
        let password = string_generator::generate(&StringParams::from_planned(config, NAME)?)?;
        // bcrypt is deliberately slow: keep it off the async workers.
        let hashed = password.clone();
        let hash = tokio::task::spawn_blocking(move || bcrypt_hash(&hashed))
            .await
            .map_err(|error| ProviderError::new(format!("hashing the password: {error}")))??;
        let mut value = config.clone();
        if let Some(entries) = value.map_mut() {
            entries.insert("result".into(), Value::string(password).mark_sensitive());
            entries.insert("bcrypt_hash".into(), Value::string(hash).mark_sensitive());
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn each_opening_is_a_new_password_of_the_asked_shape() {
        let password = EphemeralRandomPassword::new();
        let config = Value::map([
            ("length", Value::Number(20.0)),
            ("special", Value::Bool(false)),
            ("min_numeric", Value::Number(3.0)),
        ]);
        let first = password.read(&config).await.expect("opened");
        let second = password.read(&config).await.expect("opened again");
        let result =
            |value: &Value| value.get("result").unmark_deep().as_str().unwrap().to_string();
        assert_ne!(result(&first), result(&second));
        assert_eq!(result(&first).chars().count(), 20);
        assert!(result(&first).chars().all(char::is_alphanumeric));
        assert!(result(&first).chars().filter(char::is_ascii_digit).count() >= 3);
        assert!(first.get("result").is_sensitive());
        assert!(first.get("bcrypt_hash").is_sensitive());
        assert!(password.schema().attribute("id").is_none());
        assert!(password.schema().attribute("keepers").is_none());
    }

    #[tokio::test]
    async fn arguments_that_cannot_be_met_are_an_error() {
        let password = EphemeralRandomPassword::new();
        let config = Value::map([("length", Value::Number(0.0))]);
        assert!(password.read(&config).await.is_err());
    }
}
