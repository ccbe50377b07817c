//! `time_rotating`: a base timestamp (now, or the configured `rfc3339`) and a rotation time
//! after it (`rotation_years`/`months`/`days`/`hours`/`minutes`, or an explicit
//! `rotation_rfc3339`). The component attributes (`year` ... `unix`) are those of the rotation
//! time, `rfc3339` and `id` the base, as in the provider.
//!
//! Expiry: once the current time reaches `rotation_rfc3339`, refresh reports the object gone
//! (`read_many` returns `None`), so the engine plans to create it again with a new base, which
//! is how the provider rotates (it removes the object from state on read). Changing a rotation
//! argument updates the rotation time in place from the same base. Imported as
//! `BASE,YEARS,MONTHS,DAYS,HOURS,MINUTES` (empty for unset) or `BASE,ROTATION_RFC3339`.

use ::time::OffsetDateTime;
use infra_core::{Attribute, Creating, ProviderError, Schema, Type, Updating, Value};

use crate::in_state::{InState, StateOnly};
use crate::support::{
    carry_computed, integer, keep_priors, object_of, problem, replacing_map, text, Object,
};
use crate::time::{clock, insert_import_amounts, known_arguments};

const NAME: &str = "time_rotating";

/// The numeric rotation arguments, in the order the provider applies them: where several are
/// set, the last one set wins (then an explicit `rotation_rfc3339`, then years).
const NUMERIC_ROTATIONS: [&str; 5] =
    ["rotation_days", "rotation_hours", "rotation_minutes", "rotation_months", "rotation_years"];

pub struct TimeRotating;

impl TimeRotating {
    pub fn new() -> InState<TimeRotating> {
        let mut schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::optional_computed("rfc3339", Type::String).force_new())
            .attr(Attribute::optional_computed("rotation_rfc3339", Type::String))
            .attr(replacing_map("triggers"));
        for key in NUMERIC_ROTATIONS {
            schema = schema.attr(Attribute::optional(key, Type::Number));
        }
        for component in clock::COMPONENTS {
            schema = schema.attr(Attribute::computed(component, Type::Number));
        }
        InState::new(NAME, schema, TimeRotating)
    }
}

/// The rotation time for `base`: each set numeric rotation in the provider's order, where an
/// explicit rotation timestamp takes precedence over all but `rotation_years`.
fn rotation_time(
    base: OffsetDateTime,
    arguments: &Value,
    explicit: Option<OffsetDateTime>,
) -> Result<OffsetDateTime, ProviderError> {
    let mut rotation = None;
    for key in NUMERIC_ROTATIONS {
        let Some(amount) = integer(arguments, key).filter(|n| *n != 0) else {
            continue;
        };
        rotation = Some(clock::add(base, key.trim_start_matches("rotation_"), amount)?);
    }
    let years_set = integer(arguments, "rotation_years").is_some_and(|n| n != 0);
    match (explicit, years_set) {
        (Some(explicit), false) => Ok(explicit),
        _ => rotation.ok_or_else(|| {
            ProviderError::new(format!(
                "{NAME}: at least one of rotation_days, rotation_hours, rotation_minutes, \
                 rotation_months, rotation_years or rotation_rfc3339 must be set"
            ))
        }),
    }
}

/// The object for this base and rotation: `rfc3339` and `id` the base, the components the
/// rotation. Configured timestamps stay as written (only their instant matters).
fn stamped(mut object: Object, base: OffsetDateTime, rotation: OffsetDateTime) -> Value {
    clock::keep_or_insert(&mut object, "rfc3339", base);
    clock::keep_or_insert(&mut object, "rotation_rfc3339", rotation);
    object.insert("id".into(), Value::String(clock::format(base)));
    clock::insert_components(&mut object, rotation);
    Value::Map(object)
}

/// True when the rotation time of this object has come.
fn expired(prior: &Value, now: OffsetDateTime) -> bool {
    text(prior, "rotation_rfc3339")
        .and_then(|rotation| clock::parse(&rotation, "rotation_rfc3339").ok())
        .is_some_and(|rotation| now >= rotation)
}

impl StateOnly for TimeRotating {
    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems: Vec<(String, String)> = ["rfc3339", "rotation_rfc3339"]
            .iter()
            .filter_map(|key| clock::rfc3339_problem(config, key))
            .collect();
        for key in NUMERIC_ROTATIONS {
            if let Some(amount) = integer(config, key).filter(|n| *n < 1) {
                problems.push(problem(
                    key,
                    format!("Attribute {key} value must be at least 1, got: {amount}"),
                ));
            }
        }
        let any_set = NUMERIC_ROTATIONS
            .iter()
            .chain(&["rotation_rfc3339"])
            .any(|key| !config.get(key).is_null());
        if !any_set {
            problems.push(problem(
                "rotation_days",
                "At least one of these attributes must be configured: [rotation_minutes, \
                 rotation_hours, rotation_days, rotation_months, rotation_years, \
                 rotation_rfc3339]",
            ));
        }
        problems
    }

    async fn create(&self, at: Creating<'_>) -> Result<Value, ProviderError> {
        let base = clock::configured_or_now(at.planned, "rfc3339")?;
        let explicit = text(at.planned, "rotation_rfc3339")
            .map(|text| clock::parse(&text, "rotation_rfc3339"))
            .transpose()?;
        let rotation = rotation_time(base, at.planned, explicit)?;
        Ok(stamped(known_arguments(at.planned), base, rotation))
    }

    /// A changed rotation argument moves the rotation time, counted from the same base.
    async fn update(&self, schema: &Schema, at: Updating<'_>) -> Result<Value, ProviderError> {
        let carried = carry_computed(schema, at.prior, at.planned);
        let unchanged = NUMERIC_ROTATIONS
            .iter()
            .chain(&["rotation_rfc3339"])
            .all(|key| at.prior.get(key) == carried.get(key));
        if unchanged {
            return Ok(carried);
        }
        let base_text =
            text(at.prior, "id").or_else(|| text(at.prior, "rfc3339")).ok_or_else(|| {
                ProviderError::new(format!("{NAME}: the prior object has no base time"))
            })?;
        let base = clock::parse(&base_text, "id")?;
        // The plan carries the prior rotation time when it is not configured: it is the
        // user's only when it changed, or when no numeric rotation is set.
        let numeric_set = NUMERIC_ROTATIONS.iter().any(|key| integer(&carried, key).is_some());
        let explicit = text(&carried, "rotation_rfc3339")
            .filter(|rotation| {
                !numeric_set || at.prior.get("rotation_rfc3339").as_str() != Some(rotation.as_str())
            })
            .map(|rotation| clock::parse(&rotation, "rotation_rfc3339"))
            .transpose()?;
        let rotation = rotation_time(base, &carried, explicit)?;
        let mut object = object_of(&carried);
        if explicit.is_none() {
            object.remove("rotation_rfc3339");
        }
        Ok(stamped(object, base, rotation))
    }

    /// Gone once its rotation time has come, so that it is created again.
    async fn read_many(&self, priors: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let now = OffsetDateTime::now_utc();
        Ok(keep_priors(priors)
            .into_iter()
            .map(|prior| prior.filter(|p| !expired(p, now)))
            .collect())
    }

    /// `BASE,YEARS,MONTHS,DAYS,HOURS,MINUTES` or `BASE,ROTATION_RFC3339`.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        let parts: Vec<&str> = id.split(',').collect();
        let unexpected = |expected: &str| {
            ProviderError::new(format!(
                "importing time_rotating: unexpected format of ID ({id:?}), expected {expected}"
            ))
        };
        let mut object = Object::new();
        object.insert("triggers".into(), Value::Null);
        for key in NUMERIC_ROTATIONS {
            object.insert(key.into(), Value::Null);
        }
        match parts.as_slice() {
            [base, rotation] => {
                if base.is_empty() || rotation.is_empty() {
                    return Err(unexpected("BASETIMESTAMP,ROTATIONTIMESTAMP"));
                }
                let base = clock::parse(base, "base timestamp")?;
                let rotation = clock::parse(rotation, "rotation timestamp")?;
                Ok(stamped(object, base, rotation))
            }
            [base, years, months, days, hours, minutes] => {
                let amounts = [*years, *months, *days, *hours, *minutes];
                if base.is_empty() || amounts.iter().all(|a| a.is_empty()) {
                    return Err(unexpected(
                        "BASETIMESTAMP,YEARS,MONTHS,DAYS,HOURS,MINUTES where at least one \
                         rotation value is non-empty",
                    ));
                }
                let keys = [
                    "rotation_years",
                    "rotation_months",
                    "rotation_days",
                    "rotation_hours",
                    "rotation_minutes",
                ];
                insert_import_amounts(&mut object, &keys, &amounts, NAME, "rotation")?;
                let base = clock::parse(base, "base timestamp")?;
                let rotation = rotation_time(base, &Value::Map(object.clone()), None)?;
                Ok(stamped(object, base, rotation))
            }
            _ => Err(unexpected(
                "BASETIMESTAMP,YEARS,MONTHS,DAYS,HOURS,MINUTES or \
                 BASETIMESTAMP,ROTATIONTIMESTAMP",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{
        assert_computed_known, assert_force_new, assert_refresh_keeps, config, create_ok, import,
        operation, planned, problems,
    };
    use infra_core::ResourceType;

    #[tokio::test]
    async fn rotation_counts_from_the_base() {
        let resource = TimeRotating::new();
        let planned = planned(
            &resource,
            &config([
                ("rfc3339", Value::string("2020-02-12T06:36:13Z")),
                ("rotation_days", Value::Number(30.0)),
            ]),
        );
        let created = create_ok(&resource, &planned).await;
        assert_computed_known(&resource, &created);
        assert_eq!(created.get("id"), &Value::string("2020-02-12T06:36:13Z"));
        assert_eq!(created.get("rotation_rfc3339"), &Value::string("2020-03-13T06:36:13Z"));
        assert_eq!(created.get("month"), &Value::Number(3.0));
        assert_eq!(created.get("day"), &Value::Number(13.0));
        assert_eq!(created.get("unix"), &Value::Number(1_584_081_373.0));
    }

    #[tokio::test]
    async fn expired_rotation_reads_as_gone_and_a_future_one_is_kept() {
        let resource = TimeRotating::new();
        let past = planned(
            &resource,
            &config([
                ("rfc3339", Value::string("2020-01-01T00:00:00Z")),
                ("rotation_hours", Value::Number(1.0)),
            ]),
        );
        let expired = create_ok(&resource, &past).await;
        let refreshed = resource.read_many(std::slice::from_ref(&expired)).await.expect("refresh");
        assert_eq!(refreshed, vec![None], "past rotation: the engine re-creates it");

        let now = planned(&resource, &config([("rotation_years", Value::Number(1.0))]));
        let fresh = create_ok(&resource, &now).await;
        assert_computed_known(&resource, &fresh);
        let base = clock::parse(fresh.get("id").as_str().expect("id"), "id").expect("base");
        assert!((clock::now() - base).whole_seconds() <= 5);
        assert_refresh_keeps(&resource, &fresh).await;
        // Both lists answered in order, one gone and one kept.
        let both = resource.read_many(&[expired.clone(), fresh.clone()]).await.expect("refresh");
        assert_eq!(both, vec![None, Some(fresh)]);
    }

    #[tokio::test]
    async fn changing_the_rotation_updates_in_place_from_the_same_base() {
        let resource = TimeRotating::new();
        let planned_value = planned(
            &resource,
            &config([
                ("rfc3339", Value::string("2030-01-01T00:00:00Z")),
                ("rotation_days", Value::Number(1.0)),
            ]),
        );
        let created = create_ok(&resource, &planned_value).await;
        assert_force_new(&resource, "rotation_days", false);
        // The engine plans the prior rotation_rfc3339 (computed, not configured).
        let mut next = created.clone();
        if let Some(object) = next.map_mut() {
            object.insert("rotation_days".into(), Value::Number(2.0));
        }
        let updated = resource
            .update(Updating { operation: &operation(), prior: &created, planned: &next })
            .await
            .expect("update");
        assert_eq!(updated.get("id"), &Value::string("2030-01-01T00:00:00Z"));
        assert_eq!(updated.get("rotation_rfc3339"), &Value::string("2030-01-03T00:00:00Z"));
        assert_eq!(updated.get("day"), &Value::Number(3.0));
    }

    #[tokio::test]
    async fn import_both_forms() {
        let resource = TimeRotating::new();
        let numeric = resource.import_prior("2020-02-12T06:36:13Z,0,0,30,0,0").expect("import");
        assert_eq!(numeric.get("rotation_rfc3339"), &Value::string("2020-03-13T06:36:13Z"));
        assert_eq!(numeric.get("rotation_days"), &Value::Number(30.0));
        assert_eq!(numeric.get("rfc3339"), &Value::string("2020-02-12T06:36:13Z"));

        let future = import(&resource, "2030-02-12T06:36:13Z,2031-02-13T06:36:13Z").await;
        assert_eq!(future.get("rotation_rfc3339"), &Value::string("2031-02-13T06:36:13Z"));
        assert_eq!(future.get("year"), &Value::Number(2031.0));
        assert_eq!(future.get("rotation_days"), &Value::Null);

        assert!(resource.import_prior("2020-02-12T06:36:13Z,,,,,").is_err());
        assert!(resource.import_prior("2020-02-12T06:36:13Z").is_err());
    }

    #[test]
    fn validation_needs_a_rotation() {
        let resource = TimeRotating::new();
        assert_eq!(problems(&resource, &config([])).len(), 1);
        assert_eq!(problems(&resource, &config([("rotation_days", Value::Number(0.0))])).len(), 1);
        assert!(problems(
            &resource,
            &config([("rotation_rfc3339", Value::string("2030-01-01T00:00:00Z"))])
        )
        .is_empty());
    }
}
