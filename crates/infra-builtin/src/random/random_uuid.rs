//! `random_uuid`: a random UUID (`result`, also the `id`) from the operating system's
//! randomness. Imported by the UUID, which is normalized to lower-case hyphenated form.

use infra_core::{Attribute, Creating, ProviderError, Type, Value};

use crate::in_state::{InState, StateOnly};
use crate::random::source::os_bytes;
use crate::support::{id_and_replacing_map, object_of};

const NAME: &str = "random_uuid";

pub struct RandomUuid;

impl RandomUuid {
    pub fn new() -> InState<RandomUuid> {
        let schema =
            id_and_replacing_map("keepers").attr(Attribute::computed("result", Type::String));
        InState::new(NAME, schema, RandomUuid)
    }
}

/// A version-4 UUID from 16 bytes of the operating system's randomness.
pub fn new_uuid() -> Result<String, ProviderError> {
    let bytes = os_bytes(16)?;
    let mut random = [0u8; 16];
    random.copy_from_slice(&bytes);
    Ok(uuid::Builder::from_random_bytes(random).into_uuid().hyphenated().to_string())
}

impl StateOnly for RandomUuid {
    async fn create(&self, at: Creating<'_>) -> Result<Value, ProviderError> {
        let uuid = new_uuid()?;
        let mut object = object_of(at.planned);
        object.insert("result".into(), Value::string(&uuid));
        object.insert("id".into(), Value::String(uuid));
        Ok(Value::Map(object))
    }

    /// The import ID is the UUID, in its 36-character hyphenated form.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        let parsed = (id.len() == 36)
            .then(|| uuid::Uuid::try_parse(id).ok())
            .flatten()
            .ok_or_else(|| {
                ProviderError::new(format!(
                    "importing random_uuid: {id:?} is not a UUID of the form \
                     aabbccdd-eeff-0011-2233-445566778899"
                ))
            })?;
        let uuid = parsed.hyphenated().to_string();
        Ok(Value::map([
            ("id", Value::string(&uuid)),
            ("result", Value::String(uuid)),
            ("keepers", Value::Null),
        ]))
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
    async fn create_gives_a_uuid_kept_on_refresh() {
        let resource = RandomUuid::new();
        let planned = planned(&resource, &config([]));
        let created = create_ok(&resource, &planned).await;
        assert_computed_known(&resource, &created);
        let result = created.get("result").as_str().expect("result");
        assert_eq!(created.get("id").as_str(), Some(result));
        let parsed = uuid::Uuid::parse_str(result).expect("a UUID");
        assert_eq!(parsed.get_version_num(), 4);
        assert_eq!(result, result.to_lowercase());
        assert_refresh_keeps(&resource, &created).await;
        let other = create_ok(&resource, &planned).await;
        assert_ne!(other.get("result"), created.get("result"));
    }

    #[tokio::test]
    async fn import_by_uuid() {
        let resource = RandomUuid::new();
        let imported = import(&resource, "AABBCCDD-EEFF-0011-2233-445566778899").await;
        assert_eq!(imported.get("result"), &Value::string("aabbccdd-eeff-0011-2233-445566778899"));
        assert_eq!(imported.get("id"), imported.get("result"));
        assert!(resource.import_prior("not-a-uuid").is_err());
        assert!(resource.import_prior("aabbccddeeff00112233445566778899").is_err());
    }
}
