//! `random_integer`: a random whole number in `min..=max` (`result`, and its decimal string as
//! `id`), from the operating system or, given a `seed`, the same number every time. Imported
//! as `RESULT,MIN,MAX` or `RESULT,MIN,MAX,SEED`.

use infra_core::{Attribute, Creating, ProviderError, Type, Value};

use crate::in_state::{InState, StateOnly};
use crate::random::source::{RandomSource, SeedableSource};
use crate::support::{
    id_and_replacing_map, integer, number, object_of, problem, required_integer, text,
};

const NAME: &str = "random_integer";

pub struct RandomInteger;

impl RandomInteger {
    pub fn new() -> InState<RandomInteger> {
        let schema = id_and_replacing_map("keepers")
            .attr(Attribute::required("min", Type::Number).force_new())
            .attr(Attribute::required("max", Type::Number).force_new())
            .attr(Attribute::optional("seed", Type::String).force_new())
            .attr(Attribute::computed("result", Type::Number));
        InState::new(NAME, schema, RandomInteger)
    }
}

/// A uniform number in `low..=high` (`low <= high`).
fn between(low: i64, high: i64, source: &mut impl RandomSource) -> Result<i64, ProviderError> {
    let span = (i128::from(high) - i128::from(low) + 1) as u128;
    let offset = if span > u128::from(u64::MAX) {
        // The whole i64 range: every word is a valid offset.
        u128::from(source.next_word()?)
    } else {
        u128::from(source.below(span as u64)?)
    };
    i64::try_from(i128::from(low) + offset as i128)
        .map_err(|_| ProviderError::new("random_integer: result out of range"))
}

fn min_max_problem(config: &Value) -> Option<(String, String)> {
    match (integer(config, "min"), integer(config, "max")) {
        (Some(min), Some(max)) if max < min => Some(problem(
            "max",
            format!(
                "The minimum (min) value needs to be smaller than or equal to maximum (max) \
                 value, got min = {min}, max = {max}"
            ),
        )),
        _ => None,
    }
}

impl StateOnly for RandomInteger {
    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        min_max_problem(config).into_iter().collect()
    }

    async fn create(&self, at: Creating<'_>) -> Result<Value, ProviderError> {
        let min = required_integer(at.planned, "min", NAME)?;
        let max = required_integer(at.planned, "max", NAME)?;
        if let Some((_, message)) = min_max_problem(at.planned) {
            return Err(ProviderError::new(message));
        }
        let seed = text(at.planned, "seed");
        let result = between(min, max, &mut SeedableSource::for_seed(seed.as_deref()))?;
        let mut object = object_of(at.planned);
        object.insert("result".into(), number(result));
        object.insert("id".into(), Value::String(result.to_string()));
        Ok(Value::Map(object))
    }

    /// `RESULT,MIN,MAX` or `RESULT,MIN,MAX,SEED`.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        let parts: Vec<&str> = id.split(',').collect();
        if parts.len() != 3 && parts.len() != 4 {
            return Err(ProviderError::new(format!(
                "importing random_integer: invalid ID {id:?}, expecting {{result}},{{min}},{{max}} \
                 or {{result}},{{min}},{{max}},{{seed}}"
            )));
        }
        let parse = |index: usize, what: &str| -> Result<i64, ProviderError> {
            parts[index].trim().parse::<i64>().map_err(|error| {
                ProviderError::new(format!(
                    "importing random_integer: the {what} {:?} is not an integer: {error}",
                    parts[index]
                ))
            })
        };
        let result = parse(0, "result")?;
        let min = parse(1, "min value")?;
        let max = parse(2, "max value")?;
        Ok(Value::map([
            ("id", Value::String(result.to_string())),
            ("keepers", Value::Null),
            ("result", number(result)),
            ("min", number(min)),
            ("max", number(max)),
            ("seed", parts.get(3).map_or(Value::Null, |seed| Value::string(*seed))),
        ]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::source::OsRandom;
    use crate::testing::{
        assert_computed_known, assert_refresh_keeps, config, create_ok, import, planned, problems,
    };
    use infra_core::ResourceType;

    #[tokio::test]
    async fn create_stays_in_range_and_keeps_its_value() {
        let resource = RandomInteger::new();
        let planned =
            planned(&resource, &config([("min", Value::Number(1.0)), ("max", Value::Number(6.0))]));
        for _ in 0..20 {
            let created = create_ok(&resource, &planned).await;
            assert_computed_known(&resource, &created);
            let result = created.get("result").as_i64().expect("result");
            assert!((1..=6).contains(&result), "{result}");
            assert_eq!(created.get("id"), &Value::String(result.to_string()));
        }
        let created = create_ok(&resource, &planned).await;
        assert_refresh_keeps(&resource, &created).await;
    }

    #[tokio::test]
    async fn a_seed_gives_the_same_number() {
        let resource = RandomInteger::new();
        let planned = planned(
            &resource,
            &config([
                ("min", Value::Number(1.0)),
                ("max", Value::Number(1_000_000.0)),
                ("seed", Value::string("stable")),
            ]),
        );
        let first = create_ok(&resource, &planned).await;
        let second = create_ok(&resource, &planned).await;
        assert_eq!(first.get("result"), second.get("result"));
        assert_eq!(first.get("seed"), &Value::string("stable"));
    }

    #[tokio::test]
    async fn import_result_min_max_and_seed() {
        let resource = RandomInteger::new();
        let imported = import(&resource, "15390,1,50000").await;
        assert_eq!(imported.get("id"), &Value::string("15390"));
        assert_eq!(imported.get("result"), &Value::Number(15390.0));
        assert_eq!(imported.get("min"), &Value::Number(1.0));
        assert_eq!(imported.get("max"), &Value::Number(50000.0));
        assert_eq!(imported.get("seed"), &Value::Null);
        let seeded = import(&resource, "7,1,10,my-seed").await;
        assert_eq!(seeded.get("seed"), &Value::string("my-seed"));
        assert!(resource.import_prior("15390,1").is_err());
        assert!(resource.import_prior("x,1,5").is_err());
    }

    #[test]
    fn max_below_min_is_rejected() {
        let resource = RandomInteger::new();
        let found = problems(
            &resource,
            &config([("min", Value::Number(5.0)), ("max", Value::Number(1.0))]),
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "max");
    }

    #[test]
    fn the_full_range_works() {
        for _ in 0..10 {
            let n = between(i64::MIN, i64::MAX, &mut OsRandom).expect("between");
            assert!((i64::MIN..=i64::MAX).contains(&n));
        }
        assert_eq!(between(4, 4, &mut OsRandom).expect("between"), 4);
    }
}
