//! `random_pet`: a random, readable name of `length` words joined by `separator`
//! ("adverb-adjective-animal" for three words), with an optional `prefix` word. The name is
//! the `id`. The provider offers no import.

use infra_core::{Attribute, Creating, ProviderError, Type, Value};

use crate::in_state::{InState, StateOnly};
use crate::random::pet_words::{ADJECTIVES, ADVERBS, NAMES};
use crate::random::source::{OsRandom, RandomSource};
use crate::random::{at_least, count_of};
use crate::support::{id_and_replacing_map, object_of, text};

const NAME: &str = "random_pet";

pub struct RandomPet;

impl RandomPet {
    pub fn new() -> InState<RandomPet> {
        let schema = id_and_replacing_map("keepers")
            .attr(
                Attribute::optional("length", Type::Number).default(Value::Number(2.0)).force_new(),
            )
            .attr(Attribute::optional("prefix", Type::String).force_new())
            .attr(
                Attribute::optional("separator", Type::String)
                    .default(Value::string("-"))
                    .force_new(),
            );
        InState::new(NAME, schema, RandomPet)
    }
}

/// `words` words: one is an animal; two put an adjective first; more add adverbs before.
fn pet_name(
    words: usize,
    separator: &str,
    source: &mut impl RandomSource,
) -> Result<String, ProviderError> {
    let mut pick = |list: &[&'static str]| -> Result<&'static str, ProviderError> {
        Ok(list[source.index(list.len())?])
    };
    let mut parts = Vec::with_capacity(words);
    for _ in 2..words {
        parts.push(pick(ADVERBS)?);
    }
    if words >= 2 {
        parts.push(pick(ADJECTIVES)?);
    }
    if words >= 1 {
        parts.push(pick(NAMES)?);
    }
    Ok(parts.join(separator))
}

impl StateOnly for RandomPet {
    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        at_least(config, "length", 1).into_iter().collect()
    }

    async fn create(&self, at: Creating<'_>) -> Result<Value, ProviderError> {
        let words = count_of(at.planned, "length", NAME)?;
        let separator = text(at.planned, "separator").unwrap_or_else(|| "-".into());
        let name = pet_name(words, &separator, &mut OsRandom)?;
        let id = match text(at.planned, "prefix").filter(|p| !p.is_empty()) {
            Some(prefix) => format!("{prefix}{separator}{name}"),
            None => name,
        };
        let mut object = object_of(at.planned);
        object.insert("id".into(), Value::String(id));
        Ok(Value::Map(object))
    }

    fn import_prior(&self, _id: &str) -> Result<Value, ProviderError> {
        Err(ProviderError::not_importable(NAME))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_computed_known, assert_refresh_keeps, config, create_ok, planned};
    use infra_core::ResourceType;

    #[tokio::test]
    async fn default_is_adjective_and_animal() {
        let resource = RandomPet::new();
        let planned = planned(&resource, &config([]));
        assert_eq!(planned.get("length"), &Value::Number(2.0));
        let created = create_ok(&resource, &planned).await;
        assert_computed_known(&resource, &created);
        let id = created.get("id").as_str().expect("id");
        let words: Vec<&str> = id.split('-').collect();
        assert_eq!(words.len(), 2, "{id}");
        assert!(ADJECTIVES.contains(&words[0]), "{id}");
        assert!(NAMES.contains(&words[1]), "{id}");
        assert_refresh_keeps(&resource, &created).await;
    }

    #[tokio::test]
    async fn length_separator_and_prefix() {
        let resource = RandomPet::new();
        let planned = planned(
            &resource,
            &config([
                ("length", Value::Number(4.0)),
                ("separator", Value::string("_")),
                ("prefix", Value::string("web")),
            ]),
        );
        let created = create_ok(&resource, &planned).await;
        let id = created.get("id").as_str().expect("id");
        let words: Vec<&str> = id.split('_').collect();
        assert_eq!(words.len(), 5, "{id}");
        assert_eq!(words[0], "web");
        assert!(ADVERBS.contains(&words[1]) && ADVERBS.contains(&words[2]), "{id}");
        assert!(ADJECTIVES.contains(&words[3]), "{id}");
        assert!(NAMES.contains(&words[4]), "{id}");
    }

    #[test]
    fn not_importable_and_words_are_clean() {
        let resource = RandomPet::new();
        assert_eq!(
            resource.import_prior("anything").err(),
            Some(ProviderError::not_importable("random_pet"))
        );
        for word in ADVERBS.iter().chain(ADJECTIVES).chain(NAMES) {
            assert!(!word.is_empty() && word.chars().all(|c| c.is_ascii_lowercase()), "{word:?}");
        }
    }
}
