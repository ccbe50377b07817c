//! `random_password`: `random_string` for secrets. `result` and its `bcrypt_hash` are
//! sensitive and the `id` is the constant `"none"`, as in the provider. Imported by the
//! password itself. Arguments and generator are shared with `random_string`.

use infra_core::{Attribute, Creating, ProviderError, Type, Value};

use crate::in_state::{InState, StateOnly};
use crate::random::string_generator;

const NAME: &str = "random_password";

/// bcrypt's default cost, as Go's `bcrypt.DefaultCost`.
const BCRYPT_COST: u32 = 10;
/// bcrypt reads at most 72 bytes; the provider documents hashing the first 72.
const BCRYPT_MAX_BYTES: usize = 72;

pub struct RandomPassword;

impl RandomPassword {
    pub fn new() -> InState<RandomPassword> {
        let schema = string_generator::schema(true)
            .version(3)
            .attr(Attribute::computed("bcrypt_hash", Type::String).sensitive());
        InState::new(NAME, schema, RandomPassword)
    }
}

/// The `$2a$` bcrypt hash Go's `bcrypt.GenerateFromPassword` gives, of the first 72 bytes.
pub(crate) fn bcrypt_hash(password: &str) -> Result<String, ProviderError> {
    let bytes = password.as_bytes();
    let hashed = &bytes[..bytes.len().min(BCRYPT_MAX_BYTES)];
    bcrypt::hash_with_result(hashed, BCRYPT_COST)
        .map(|parts| parts.format_for_version(bcrypt::Version::TwoA))
        .map_err(|error| ProviderError::new(format!("hashing the password with bcrypt: {error}")))
}

/// The object with this password: `result` and `bcrypt_hash` marked sensitive.
fn with_password(
    mut object: crate::support::Object,
    password: &str,
) -> Result<Value, ProviderError> {
    object.insert("bcrypt_hash".into(), Value::string(bcrypt_hash(password)?).mark_sensitive());
    object.insert("result".into(), Value::string(password).mark_sensitive());
    object.insert("id".into(), Value::string("none"));
    Ok(Value::Map(object))
}

impl StateOnly for RandomPassword {
    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        string_generator::validate(config)
    }

    /// The provider's upgraders from versions 0, 1 and 2 (each straight to 3): the fills of
    /// [`string_generator::upgrade_fills`], and a `bcrypt_hash` made where version 0 had none.
    fn upgrade_state(&self, from: u64, mut value: Value) -> Result<Value, String> {
        if from >= 3 {
            return Ok(value);
        }
        string_generator::upgrade_fills(&mut value);
        let password = value.get("result").unmark_deep();
        if let (Some(password), Some(object)) = (password.as_str(), value.map_mut()) {
            if object.get("bcrypt_hash").is_none_or(Value::is_null) {
                let hash = bcrypt_hash(password).map_err(|error| error.to_string())?;
                object.insert("bcrypt_hash".into(), Value::string(hash).mark_sensitive());
            }
        }
        Ok(value)
    }

    fn normalize(&self, value: &mut Value) {
        string_generator::normalize(value);
    }

    async fn create(&self, at: Creating<'_>) -> Result<Value, ProviderError> {
        let (object, password) = string_generator::generated(at.planned, NAME)?;
        // bcrypt is deliberately slow: keep it off the async workers.
        tokio::task::spawn_blocking(move || with_password(object, &password))
            .await
            .map_err(|error| ProviderError::new(format!("hashing the password: {error}")))?
    }

    /// The import ID is the password itself.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        with_password(string_generator::imported_id(id, NAME, "password")?, id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{
        assert_computed_known, assert_refresh_keeps, config, create_ok, import, planned,
    };
    use infra_core::ResourceType;

    #[test]
    fn result_and_hash_are_sensitive_in_the_schema() {
        let resource = RandomPassword::new();
        let schema = resource.schema();
        assert!(schema.attribute("result").is_some_and(|a| a.sensitive));
        assert!(schema.attribute("bcrypt_hash").is_some_and(|a| a.sensitive));
        assert!(schema.attribute("length").is_some_and(|a| !a.sensitive));
    }

    #[tokio::test]
    async fn create_gives_a_password_and_its_bcrypt_hash() {
        let resource = RandomPassword::new();
        let planned = planned(
            &resource,
            &config([("length", Value::Number(20.0)), ("special", Value::Bool(false))]),
        );
        let created = create_ok(&resource, &planned).await;
        assert_computed_known(&resource, &created);
        assert_eq!(created.get("id"), &Value::string("none"));
        assert!(created.get("result").is_sensitive());
        assert!(created.get("bcrypt_hash").is_sensitive());
        let password = created.get("result").as_str().expect("result");
        assert_eq!(password.len(), 20);
        assert!(password.chars().all(char::is_alphanumeric), "{password}");
        let hash = created.get("bcrypt_hash").as_str().expect("hash");
        assert!(hash.starts_with("$2a$10$"), "{hash}");
        assert!(bcrypt::verify(password, hash).expect("verify"));
        assert!(!bcrypt::verify("something else", hash).expect("verify"));
        assert_refresh_keeps(&resource, &created).await;
    }

    #[tokio::test]
    async fn import_by_the_password_itself() {
        let resource = RandomPassword::new();
        let imported = import(&resource, "securepassword").await;
        assert_eq!(imported.get("id"), &Value::string("none"));
        assert_eq!(imported.get("result").as_str(), Some("securepassword"));
        assert!(imported.get("result").is_sensitive());
        assert_eq!(imported.get("length"), &Value::Number(14.0));
        let hash = imported.get("bcrypt_hash").as_str().expect("hash");
        assert!(bcrypt::verify("securepassword", hash).expect("verify"));
    }
}
