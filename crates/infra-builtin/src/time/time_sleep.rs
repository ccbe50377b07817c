//! `time_sleep`: waits `create_duration` when created and `destroy_duration` when destroyed
//! (Go durations such as `30s`), to let something settle between two other resources. Its `id`
//! is the RFC 3339 time the create finished. Changing a duration alone updates it in place
//! without waiting; changing `triggers` replaces it, and so waits again. Imported as
//! `CREATE_DURATION,DESTROY_DURATION` (either may be empty, not both).

use std::time::Duration;

use infra_core::{Attribute, Creating, Deleting, ProviderError, Schema, Timeouts, Type, Value};

use crate::in_state::{InState, StateOnly};
use crate::support::{object_of, problem, replacing_map, text};
use crate::time::{clock, go_duration};

const NAME: &str = "time_sleep";
const DURATIONS: [&str; 2] = ["create_duration", "destroy_duration"];

/// The provider puts no limit on a sleep; the engine's 30-minute default would cut a longer
/// `create_duration` short, so a sleep's operations may take up to a year.
const SLEEP_LIMIT: Duration = Duration::from_secs(366 * 24 * 60 * 60);

pub struct TimeSleep;

impl TimeSleep {
    pub fn new() -> InState<TimeSleep> {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::optional("create_duration", Type::String))
            .attr(Attribute::optional("destroy_duration", Type::String))
            .attr(replacing_map("triggers"));
        InState::new(NAME, schema, TimeSleep)
    }
}

/// The duration in `key`, if set and not empty.
fn duration(value: &Value, key: &str) -> Result<Option<Duration>, ProviderError> {
    match text(value, key).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => go_duration::parse(&text)
            .map(Some)
            .map_err(|message| ProviderError::new(format!("{NAME}: \"{key}\": {message}"))),
    }
}

impl StateOnly for TimeSleep {
    fn default_timeouts(&self) -> Timeouts {
        Timeouts { create: SLEEP_LIMIT, update: SLEEP_LIMIT, delete: SLEEP_LIMIT }
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if DURATIONS.iter().all(|key| config.get(key).is_null()) {
            problems.push(problem(
                "create_duration",
                "At least one of these attributes must be configured: \
                 [create_duration, destroy_duration]",
            ));
        }
        for key in DURATIONS {
            if let Some(text) = config.get(key).as_str() {
                if let Err(message) = go_duration::parse(text) {
                    problems.push(problem(
                        key,
                        format!("must be a duration such as 30s, 5m or 1m30s: {message}"),
                    ));
                }
            }
        }
        problems
    }

    async fn create(&self, at: Creating<'_>) -> Result<Value, ProviderError> {
        if let Some(wait) = duration(at.planned, "create_duration")? {
            tokio::time::sleep(wait).await;
        }
        let mut object = object_of(at.planned);
        object.insert("id".into(), Value::String(clock::format(clock::now())));
        Ok(Value::Map(object))
    }

    /// Only the durations can change in place; recording them is all there is to do.
    async fn delete(&self, at: Deleting<'_>) -> Result<(), ProviderError> {
        if let Some(wait) = duration(at.prior, "destroy_duration")? {
            tokio::time::sleep(wait).await;
        }
        Ok(())
    }

    /// `CREATE_DURATION,DESTROY_DURATION`, e.g. `30s,` or `,30s`; `triggers` are not imported.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        let parts: Vec<&str> = id.split(',').collect();
        let unexpected = || {
            ProviderError::new(format!(
                "importing time_sleep: unexpected format of ID ({id:?}), expected \
                 CREATEDURATION,DESTROYDURATION where at least one value is non-empty"
            ))
        };
        let [create, destroy] = parts.as_slice() else {
            return Err(unexpected());
        };
        if create.is_empty() && destroy.is_empty() {
            return Err(unexpected());
        }
        let mut object = crate::support::Object::new();
        for (key, part) in DURATIONS.iter().zip([create, destroy]) {
            let value = if part.is_empty() {
                Value::Null
            } else {
                go_duration::parse(part).map_err(|message| {
                    ProviderError::new(format!("importing time_sleep: \"{key}\": {message}"))
                })?;
                Value::string(*part)
            };
            object.insert((*key).into(), value);
        }
        object.insert("triggers".into(), Value::Null);
        object.insert("id".into(), Value::String(clock::format(clock::now())));
        Ok(Value::Map(object))
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
    async fn create_and_destroy_wait_their_durations() {
        let resource = TimeSleep::new();
        let planned = planned(
            &resource,
            &config([
                ("create_duration", Value::string("150ms")),
                ("destroy_duration", Value::string("100ms")),
            ]),
        );
        let started = std::time::Instant::now();
        let created = create_ok(&resource, &planned).await;
        assert!(started.elapsed() >= Duration::from_millis(150));
        assert_computed_known(&resource, &created);
        let id = created.get("id").as_str().expect("id");
        let stamp = clock::parse(id, "id").expect("id is RFC 3339");
        assert!((clock::now() - stamp).whole_seconds().abs() <= 5, "{id}");
        assert_refresh_keeps(&resource, &created).await;

        let started = std::time::Instant::now();
        resource
            .delete(Deleting { operation: &operation(), prior: &created })
            .await
            .expect("delete");
        assert!(started.elapsed() >= Duration::from_millis(100));
    }

    #[tokio::test]
    async fn import_both_forms_of_the_id() {
        let resource = TimeSleep::new();
        let create_only = import(&resource, "30s,").await;
        assert_eq!(create_only.get("create_duration"), &Value::string("30s"));
        assert_eq!(create_only.get("destroy_duration"), &Value::Null);
        assert!(create_only.get("id").as_str().is_some());
        let destroy_only = import(&resource, ",1m30s").await;
        assert_eq!(destroy_only.get("destroy_duration"), &Value::string("1m30s"));
        assert!(resource.import_prior(",").is_err());
        assert!(resource.import_prior("30s").is_err());
        assert!(resource.import_prior("soon,").is_err());
    }

    #[test]
    fn validation_needs_one_valid_duration() {
        let resource = TimeSleep::new();
        assert_eq!(problems(&resource, &config([])).len(), 1);
        let bad = problems(&resource, &config([("create_duration", Value::string("30"))]));
        assert_eq!(bad.len(), 1, "{bad:?}");
        assert_eq!(bad[0].0, "create_duration");
        assert_force_new(&resource, "create_duration", false);
        assert_force_new(&resource, "triggers", true);
    }
}
