//! `random_shuffle`: a random permutation of `input` as `result`, `result_count` items long
//! (items repeat, permutation after permutation, when more are asked for than there are), from
//! the operating system or, given a `seed`, the same order every time. The `id` is the
//! provider's constant `"-"`. The provider offers no import.

use infra_core::{Attribute, Creating, ProviderError, Type, Value};

use crate::in_state::{InState, StateOnly};
use crate::random::at_least;
use crate::random::source::{RandomSource, SeedableSource};
use crate::support::{id_and_replacing_map, integer, object_of, text};

const NAME: &str = "random_shuffle";

pub struct RandomShuffle;

impl RandomShuffle {
    pub fn new() -> InState<RandomShuffle> {
        let schema = id_and_replacing_map("keepers")
            .attr(Attribute::required("input", Type::list(Type::String)).force_new())
            .attr(Attribute::optional("seed", Type::String).force_new())
            .attr(Attribute::optional("result_count", Type::Number).force_new())
            .attr(Attribute::computed("result", Type::list(Type::String)));
        InState::new(NAME, schema, RandomShuffle)
    }
}

/// `count` items: whole permutations of `input` one after another, the last one cut short.
fn shuffled(
    input: &[Value],
    count: usize,
    source: &mut impl RandomSource,
) -> Result<Vec<Value>, ProviderError> {
    let mut result = Vec::with_capacity(count);
    if input.is_empty() {
        return Ok(result);
    }
    while result.len() < count {
        let mut permutation = input.to_vec();
        source.shuffle(&mut permutation)?;
        let wanted = count - result.len();
        result.extend(permutation.into_iter().take(wanted));
    }
    Ok(result)
}

impl StateOnly for RandomShuffle {
    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        at_least(config, "result_count", 0).into_iter().collect()
    }

    async fn create(&self, at: Creating<'_>) -> Result<Value, ProviderError> {
        let input = at.planned.get("input").as_list().ok_or_else(|| {
            ProviderError::new("random_shuffle: \"input\" must be a known list of strings")
        })?;
        let count = match at.planned.get("result_count") {
            Value::Null => input.len(),
            _ => integer(at.planned, "result_count")
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| {
                    ProviderError::new(
                        "random_shuffle: \"result_count\" must be a whole number of at least 0",
                    )
                })?,
        };
        let seed = text(at.planned, "seed");
        let result = shuffled(input, count, &mut SeedableSource::for_seed(seed.as_deref()))?;
        let mut object = object_of(at.planned);
        object.insert("result".into(), Value::List(result));
        object.insert("id".into(), Value::string("-"));
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

    fn letters(items: &[&str]) -> Value {
        Value::List(items.iter().map(|s| Value::string(*s)).collect())
    }

    fn sorted_strings(value: &Value) -> Vec<String> {
        let mut items: Vec<String> = value
            .as_list()
            .unwrap_or(&[])
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        items.sort();
        items
    }

    #[tokio::test]
    async fn result_is_a_permutation_of_input() {
        let resource = RandomShuffle::new();
        let input = letters(&["a", "b", "c", "d", "e", "f", "g", "h"]);
        let planned = planned(&resource, &config([("input", input.clone())]));
        let created = create_ok(&resource, &planned).await;
        assert_computed_known(&resource, &created);
        assert_eq!(created.get("id"), &Value::string("-"));
        assert_eq!(sorted_strings(created.get("result")), sorted_strings(&input));
        assert_refresh_keeps(&resource, &created).await;
    }

    #[tokio::test]
    async fn result_count_cuts_or_repeats_and_seed_is_stable() {
        let resource = RandomShuffle::new();
        let input = letters(&["a", "b", "c"]);
        let fewer = planned(
            &resource,
            &config([("input", input.clone()), ("result_count", Value::Number(2.0))]),
        );
        let created = create_ok(&resource, &fewer).await;
        assert_eq!(created.get("result").as_list().map(<[Value]>::len), Some(2));

        let more = planned(
            &resource,
            &config([
                ("input", input.clone()),
                ("result_count", Value::Number(7.0)),
                ("seed", Value::string("fixed")),
            ]),
        );
        let first = create_ok(&resource, &more).await;
        let result = first.get("result").as_list().expect("result");
        assert_eq!(result.len(), 7);
        // Each item at most ceil(7 / 3) = 3 times: permutations follow one another.
        for letter in ["a", "b", "c"] {
            let times = result.iter().filter(|v| v.as_str() == Some(letter)).count();
            assert!((2..=3).contains(&times), "{letter} {times} times in {result:?}");
        }
        let second = create_ok(&resource, &more).await;
        assert_eq!(first.get("result"), second.get("result"));
    }

    #[tokio::test]
    async fn empty_input_gives_empty_result() {
        let resource = RandomShuffle::new();
        let planned = planned(&resource, &config([("input", Value::List(vec![]))]));
        let created = create_ok(&resource, &planned).await;
        assert_eq!(created.get("result"), &Value::List(vec![]));
        assert!(resource.import_prior("-").is_err());
    }
}
