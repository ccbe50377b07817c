//! `null_resource`: an object that does nothing, replaced whenever `triggers` change (to rerun
//! provisioners). Its `id` is a random non-negative decimal number, as the provider's
//! `rand.Int()`. The provider offers no import.

use infra_core::{Creating, ProviderError, Value};

use crate::in_state::{InState, StateOnly};
use crate::random::source::{OsRandom, RandomSource};
use crate::support::{id_and_replacing_map, object_of};

const NAME: &str = "null_resource";

pub struct NullResource;

impl NullResource {
    pub fn new() -> InState<NullResource> {
        let schema = id_and_replacing_map("triggers");
        InState::new(NAME, schema, NullResource)
    }
}

impl StateOnly for NullResource {
    async fn create(&self, at: Creating<'_>) -> Result<Value, ProviderError> {
        // Go's rand.Int(): a non-negative 63-bit number.
        let id = OsRandom.next_word()? >> 1;
        let mut object = object_of(at.planned);
        object.insert("id".into(), Value::String(id.to_string()));
        Ok(Value::Map(object))
    }

    fn import_prior(&self, _id: &str) -> Result<Value, ProviderError> {
        Err(ProviderError::not_importable(NAME))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{
        assert_computed_known, assert_force_new, assert_refresh_keeps, config, create_ok, planned,
    };
    use infra_core::ResourceType;

    #[tokio::test]
    async fn create_gives_a_decimal_id_kept_on_refresh() {
        let resource = NullResource::new();
        let triggers = Value::map([("version", Value::string("1"))]);
        let planned = planned(&resource, &config([("triggers", triggers.clone())]));
        let created = create_ok(&resource, &planned).await;
        assert_computed_known(&resource, &created);
        let id = created.get("id").as_str().expect("id");
        assert!(id.parse::<i64>().is_ok_and(|n| n >= 0), "{id}");
        assert_eq!(created.get("triggers"), &triggers);
        assert_refresh_keeps(&resource, &created).await;
        let other = create_ok(&resource, &planned).await;
        assert_ne!(other.get("id"), created.get("id"));
    }

    #[test]
    fn triggers_replace_and_import_is_refused() {
        let resource = NullResource::new();
        assert_force_new(&resource, "triggers", true);
        assert_eq!(
            resource.import_prior("123").err(),
            Some(ProviderError::not_importable("null_resource"))
        );
    }
}
