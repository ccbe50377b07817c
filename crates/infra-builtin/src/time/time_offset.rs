//! `time_offset`: a base timestamp (now, or the configured `base_rfc3339`) moved by
//! `offset_years`/`months`/`days`/`hours`/`minutes`/`seconds`, exported as `rfc3339` and the
//! component attributes of the offset time; the `id` is the base. Changing an offset updates
//! in place from the same base; changing `triggers` replaces it, taking a new base. Imported as
//! `BASE,YEARS,MONTHS,DAYS,HOURS,MINUTES,SECONDS` (empty for unset).
//!
//! As the provider's plan modifier does, the plan already shows the new offset time when the
//! base is known: `normalize` computes it.

use ::time::OffsetDateTime;
use infra_core::{Attribute, Creating, ProviderError, Schema, Type, Updating, Value};

use crate::in_state::{InState, StateOnly};
use crate::support::{integer, object_of, problem, replacing_map, text, Object};
use crate::time::{clock, insert_import_amounts, known_arguments};

const NAME: &str = "time_offset";

/// The offsets in the order the provider applies them, one after another.
const OFFSETS: [&str; 6] = [
    "offset_days",
    "offset_hours",
    "offset_minutes",
    "offset_months",
    "offset_seconds",
    "offset_years",
];

pub struct TimeOffset;

impl TimeOffset {
    pub fn new() -> InState<TimeOffset> {
        let mut schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::optional_computed("base_rfc3339", Type::String))
            .attr(replacing_map("triggers"))
            .attr(Attribute::computed("rfc3339", Type::String));
        for key in OFFSETS {
            schema = schema.attr(Attribute::optional(key, Type::Number));
        }
        for component in clock::COMPONENTS {
            schema = schema.attr(Attribute::computed(component, Type::Number));
        }
        InState::new(NAME, schema, TimeOffset)
    }
}

/// `base` moved by every offset set in `arguments`, in the provider's order.
fn offset_time(base: OffsetDateTime, arguments: &Value) -> Result<OffsetDateTime, ProviderError> {
    let mut moved = base;
    for key in OFFSETS {
        let Some(amount) = integer(arguments, key).filter(|n| *n != 0) else {
            continue;
        };
        moved = clock::add(moved, key.trim_start_matches("offset_"), amount)?;
    }
    Ok(moved)
}

/// The object for this base: the base as `id` (and `base_rfc3339` unless written otherwise
/// for the same instant), the offset time as `rfc3339` and components.
fn stamped(mut object: Object, base: OffsetDateTime) -> Result<Value, ProviderError> {
    let moved = offset_time(base, &Value::Map(object.clone()))?;
    clock::keep_or_insert(&mut object, "base_rfc3339", base);
    object.insert("id".into(), Value::String(clock::format(base)));
    object.insert("rfc3339".into(), Value::String(clock::format(moved)));
    clock::insert_components(&mut object, moved);
    Ok(Value::Map(object))
}

impl StateOnly for TimeOffset {
    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems: Vec<(String, String)> =
            clock::rfc3339_problem(config, "base_rfc3339").into_iter().collect();
        if OFFSETS.iter().all(|key| config.get(key).is_null()) {
            problems.push(problem(
                "offset_days",
                "At least one of these attributes must be configured: [offset_seconds, \
                 offset_minutes, offset_hours, offset_days, offset_months, offset_years]",
            ));
        }
        problems
    }

    /// With a known base and known offsets, the offset time is known at plan time.
    fn normalize(&self, value: &mut Value) {
        let Some(base) =
            text(value, "base_rfc3339").and_then(|text| clock::parse(&text, "base_rfc3339").ok())
        else {
            return;
        };
        if OFFSETS.iter().any(|key| value.get(key).is_unknown()) {
            return;
        }
        if let Ok(stamped) = stamped(object_of(value), base) {
            *value = stamped;
        }
    }

    async fn create(&self, at: Creating<'_>) -> Result<Value, ProviderError> {
        let base = clock::configured_or_now(at.planned, "base_rfc3339")?;
        stamped(known_arguments(at.planned), base)
    }

    /// New offsets, counted from the same base (the plan carries the prior base when none is
    /// configured).
    async fn update(&self, _schema: &Schema, at: Updating<'_>) -> Result<Value, ProviderError> {
        let base_text = text(at.planned, "base_rfc3339")
            .or_else(|| text(at.prior, "base_rfc3339"))
            .ok_or_else(|| ProviderError::new(format!("{NAME}: no base timestamp to offset")))?;
        let base = clock::parse(&base_text, "base_rfc3339")?;
        stamped(known_arguments(at.planned), base)
    }

    /// `BASE,YEARS,MONTHS,DAYS,HOURS,MINUTES,SECONDS`, e.g. `2020-02-12T06:36:13Z,0,0,7,0,0,0`.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        let parts: Vec<&str> = id.split(',').collect();
        let [base, amounts @ ..] = parts.as_slice() else {
            return Err(ProviderError::new("importing time_offset: empty ID"));
        };
        if amounts.len() != 6 || base.is_empty() || amounts.iter().all(|a| a.is_empty()) {
            return Err(ProviderError::new(format!(
                "importing time_offset: unexpected format of ID ({id:?}), expected \
                 BASETIMESTAMP,YEARS,MONTHS,DAYS,HOURS,MINUTES,SECONDS where at least one \
                 offset value is non-empty"
            )));
        }
        let keys = [
            "offset_years",
            "offset_months",
            "offset_days",
            "offset_hours",
            "offset_minutes",
            "offset_seconds",
        ];
        let mut object = Object::new();
        object.insert("triggers".into(), Value::Null);
        insert_import_amounts(&mut object, &keys, amounts, NAME, "offset")?;
        let base = clock::parse(base, "base timestamp")?;
        stamped(object, base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{
        assert_computed_known, assert_refresh_keeps, config, create_ok, import, operation, planned,
        problems,
    };
    use infra_core::ResourceType;

    #[tokio::test]
    async fn offsets_apply_in_the_providers_order() {
        let resource = TimeOffset::new();
        let planned = planned(
            &resource,
            &config([
                ("base_rfc3339", Value::string("2020-01-31T10:00:00Z")),
                ("offset_months", Value::Number(1.0)),
                ("offset_hours", Value::Number(-2.0)),
                ("offset_seconds", Value::Number(30.0)),
            ]),
        );
        // The base is known, so the plan already knows the result.
        assert_eq!(planned.get("rfc3339"), &Value::string("2020-03-02T08:00:30Z"));
        let created = create_ok(&resource, &planned).await;
        assert_computed_known(&resource, &created);
        assert_eq!(created, planned, "create gives what the plan showed");
        assert_eq!(created.get("id"), &Value::string("2020-01-31T10:00:00Z"));
        assert_eq!(created.get("month"), &Value::Number(3.0));
        assert_eq!(created.get("hour"), &Value::Number(8.0));
        assert_eq!(created.get("second"), &Value::Number(30.0));
        assert_refresh_keeps(&resource, &created).await;
    }

    #[tokio::test]
    async fn default_base_is_now_and_updates_keep_it() {
        let resource = TimeOffset::new();
        let planned_value = planned(&resource, &config([("offset_days", Value::Number(7.0))]));
        assert!(planned_value.get("rfc3339").is_unknown());
        let created = create_ok(&resource, &planned_value).await;
        assert_computed_known(&resource, &created);
        let base = clock::parse(created.get("id").as_str().expect("id"), "id").expect("base");
        let moved = clock::parse(created.get("rfc3339").as_str().expect("rfc3339"), "rfc3339")
            .expect("offset time");
        assert_eq!((moved - base).whole_days(), 7);
        assert!((clock::now() - base).whole_seconds() <= 5);

        let mut next = created.clone();
        if let Some(object) = next.map_mut() {
            object.insert("offset_days".into(), Value::Number(1.0));
        }
        resource.normalize(&mut next);
        let updated = resource
            .update(Updating { operation: &operation(), prior: &created, planned: &next })
            .await
            .expect("update");
        assert_eq!(updated.get("id"), created.get("id"));
        let moved = clock::parse(updated.get("rfc3339").as_str().expect("rfc3339"), "rfc3339")
            .expect("offset time");
        assert_eq!((moved - base).whole_days(), 1);
        assert_eq!(updated, next, "the plan showed the updated offset time");
    }

    #[tokio::test]
    async fn import_base_and_offsets() {
        let resource = TimeOffset::new();
        let imported = import(&resource, "2020-02-12T06:36:13Z,0,0,7,0,0,0").await;
        assert_eq!(imported.get("rfc3339"), &Value::string("2020-02-19T06:36:13Z"));
        assert_eq!(imported.get("offset_days"), &Value::Number(7.0));
        assert_eq!(imported.get("id"), &Value::string("2020-02-12T06:36:13Z"));
        assert!(resource.import_prior("2020-02-12T06:36:13Z,,,,,,").is_err());
        assert!(resource.import_prior("2020-02-12T06:36:13Z,0,0,7").is_err());
        assert_eq!(problems(&resource, &config([])).len(), 1);
    }
}
