//! `random_id`: `byte_length` random bytes from the operating system, presented as unpadded
//! URL-safe base64 (`id`, and `b64_url` with the `prefix`), padded standard base64, hex and
//! decimal. Imported by `b64_url`, optionally `PREFIX,B64_URL`.

use base64::Engine;
use infra_core::{Attribute, Creating, ProviderError, Type, Value};

use crate::in_state::{InState, StateOnly};
use crate::random::source::os_bytes;
use crate::random::{at_least, count_of};
use crate::support::{id_and_replacing_map, number, object_of, text};

const NAME: &str = "random_id";

pub struct RandomId;

impl RandomId {
    pub fn new() -> InState<RandomId> {
        let schema = id_and_replacing_map("keepers")
            .attr(Attribute::required("byte_length", Type::Number).force_new())
            .attr(Attribute::optional("prefix", Type::String).force_new())
            .attr(Attribute::computed("b64_url", Type::String))
            .attr(Attribute::computed("b64_std", Type::String))
            .attr(Attribute::computed("hex", Type::String))
            .attr(Attribute::computed("dec", Type::String));
        InState::new(NAME, schema, RandomId)
    }
}

/// The object for these bytes: every presentation, each but `id` behind the prefix.
fn presented(mut object: crate::support::Object, bytes: &[u8], prefix: &str) -> Value {
    let url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let standard = base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut put = |key: &str, value: String| {
        object.insert(key.to_string(), Value::String(value));
    };
    put("b64_url", format!("{prefix}{url}"));
    put("b64_std", format!("{prefix}{standard}"));
    put("hex", format!("{prefix}{}", hex::encode(bytes)));
    put("dec", format!("{prefix}{}", decimal(bytes)));
    put("id", url);
    object.insert("byte_length".into(), number(bytes.len() as i64));
    Value::Map(object)
}

/// The big-endian unsigned integer in `bytes`, in decimal digits ("0" for none or zeros).
fn decimal(bytes: &[u8]) -> String {
    let mut remaining = bytes.to_vec();
    let mut digits = Vec::new();
    while remaining.iter().any(|b| *b != 0) {
        let mut carry = 0u32;
        for byte in remaining.iter_mut() {
            let current = carry * 256 + u32::from(*byte);
            *byte = (current / 10) as u8;
            carry = current % 10;
        }
        digits.push(char::from(b'0' + carry as u8));
    }
    if digits.is_empty() {
        return "0".into();
    }
    digits.iter().rev().collect()
}

impl StateOnly for RandomId {
    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        at_least(config, "byte_length", 1).into_iter().collect()
    }

    async fn create(&self, at: Creating<'_>) -> Result<Value, ProviderError> {
        let bytes = os_bytes(count_of(at.planned, "byte_length", NAME)?)?;
        let prefix = text(at.planned, "prefix").unwrap_or_default();
        Ok(presented(object_of(at.planned), &bytes, &prefix))
    }

    /// `B64_URL` or `PREFIX,B64_URL`: the prefix is everything before the last comma.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        let (prefix, encoded) = match id.rfind(',') {
            Some(comma) => (&id[..comma], &id[comma + 1..]),
            None => ("", id),
        };
        let bytes =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(encoded).map_err(|error| {
                ProviderError::new(format!(
                    "importing random_id: \"{encoded}\" is not unpadded URL-safe base64 \
                     (the b64_url value, optionally PREFIX,B64_URL): {error}"
                ))
            })?;
        if bytes.is_empty() {
            return Err(ProviderError::new("importing random_id: the ID holds no bytes"));
        }
        let mut object = crate::support::Object::new();
        object.insert("keepers".into(), Value::Null);
        object.insert(
            "prefix".into(),
            if prefix.is_empty() { Value::Null } else { Value::string(prefix) },
        );
        Ok(presented(object, &bytes, prefix))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{
        assert_computed_known, assert_force_new, assert_refresh_keeps, config, create_ok, import,
        planned, problems,
    };
    use infra_core::ResourceType;

    #[tokio::test]
    async fn create_presents_the_same_bytes_every_way() {
        let resource = RandomId::new();
        let planned = planned(
            &resource,
            &config([("byte_length", Value::Number(8.0)), ("prefix", Value::string("app-"))]),
        );
        let created = create_ok(&resource, &planned).await;
        assert_computed_known(&resource, &created);
        let id = created.get("id").as_str().expect("id");
        assert_eq!(id.len(), 11, "8 bytes are 11 unpadded base64 characters");
        let bytes =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(id).expect("id decodes");
        assert_eq!(created.get("b64_url"), &Value::string(format!("app-{id}")));
        assert_eq!(created.get("hex"), &Value::string(format!("app-{}", hex::encode(&bytes))));
        let mut word = [0u8; 8];
        word.copy_from_slice(&bytes);
        assert_eq!(created.get("dec"), &Value::string(format!("app-{}", u64::from_be_bytes(word))));
        assert_refresh_keeps(&resource, &created).await;
        let again = create_ok(&resource, &planned).await;
        assert_ne!(again.get("id"), created.get("id"));
    }

    #[tokio::test]
    async fn import_by_b64_url_with_and_without_prefix() {
        let resource = RandomId::new();
        let imported = import(&resource, "p-9hUg").await;
        assert_eq!(imported.get("id"), &Value::string("p-9hUg"));
        assert_eq!(imported.get("b64_url"), &Value::string("p-9hUg"));
        assert_eq!(imported.get("hex"), &Value::string("a7ef6152"));
        assert_eq!(imported.get("dec"), &Value::string("2817483090"));
        assert_eq!(imported.get("b64_std"), &Value::string("p+9hUg=="));
        assert_eq!(imported.get("byte_length"), &Value::Number(4.0));
        assert_eq!(imported.get("prefix"), &Value::Null);

        let prefixed = import(&resource, "my-prefix-,p-9hUg").await;
        assert_eq!(prefixed.get("id"), &Value::string("p-9hUg"));
        assert_eq!(prefixed.get("prefix"), &Value::string("my-prefix-"));
        assert_eq!(prefixed.get("b64_url"), &Value::string("my-prefix-p-9hUg"));
        assert_eq!(prefixed.get("hex"), &Value::string("my-prefix-a7ef6152"));

        assert!(resource.import_prior("not base64!").is_err());
    }

    #[test]
    fn byte_length_must_be_positive_and_force_new() {
        let resource = RandomId::new();
        let found = problems(&resource, &config([("byte_length", Value::Number(0.0))]));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_force_new(&resource, "byte_length", true);
        assert_force_new(&resource, "keepers", true);
    }

    #[test]
    fn decimal_of_large_numbers() {
        assert_eq!(decimal(&[]), "0");
        assert_eq!(decimal(&[0, 0]), "0");
        assert_eq!(decimal(&[1, 0]), "256");
        assert_eq!(decimal(&[0xff; 16]), u128::MAX.to_string());
    }
}
