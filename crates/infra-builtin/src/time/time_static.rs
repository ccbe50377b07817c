//! `time_static`: a timestamp taken once (now, or the configured `rfc3339`) and kept, with its
//! `year`, `month`, `day`, `hour`, `minute`, `second` and `unix`. Changing `rfc3339` or
//! `triggers` replaces it, taking a new time. Imported by the RFC 3339 timestamp.

use infra_core::{Attribute, Creating, ProviderError, Schema, Type, Value};

use crate::in_state::{InState, StateOnly};
use crate::support::{object_of, replacing_map, Object};
use crate::time::clock;

const NAME: &str = "time_static";

pub struct TimeStatic;

impl TimeStatic {
    pub fn new() -> InState<TimeStatic> {
        let mut schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::optional_computed("rfc3339", Type::String).force_new())
            .attr(replacing_map("triggers"));
        for component in clock::COMPONENTS {
            schema = schema.attr(Attribute::computed(component, Type::Number));
        }
        InState::new(NAME, schema, TimeStatic)
    }
}

/// Fills in the timestamp's attributes. A configured `rfc3339` is kept as written (another
/// spelling of the same instant must not plan a replacement); an unset one gets the time.
fn stamped(mut object: Object, timestamp: ::time::OffsetDateTime) -> Value {
    let formatted = clock::format(timestamp);
    if object.get("rfc3339").is_none_or(|v| v.as_str().is_none()) {
        object.insert("rfc3339".into(), Value::string(&formatted));
    }
    object.insert("id".into(), Value::String(formatted));
    clock::insert_components(&mut object, timestamp);
    Value::Map(object)
}

impl StateOnly for TimeStatic {
    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        clock::rfc3339_problem(config, "rfc3339").into_iter().collect()
    }

    async fn create(&self, at: Creating<'_>) -> Result<Value, ProviderError> {
        let timestamp = clock::configured_or_now(at.planned, "rfc3339")?;
        let mut object = object_of(at.planned);
        if at.planned.get("rfc3339").is_unknown() {
            object.remove("rfc3339");
        }
        Ok(stamped(object, timestamp))
    }

    /// The UTC RFC 3339 timestamp, e.g. `2020-02-12T06:36:13Z`; `triggers` are not imported.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        let timestamp = clock::parse(id, "import ID")?;
        let mut object = Object::new();
        object.insert("triggers".into(), Value::Null);
        Ok(stamped(object, timestamp))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{
        assert_computed_known, assert_refresh_keeps, config, create_ok, import, planned, problems,
    };
    use infra_core::ResourceType;

    #[tokio::test]
    async fn create_takes_the_current_time() {
        let resource = TimeStatic::new();
        let planned = planned(&resource, &config([]));
        assert!(planned.get("rfc3339").is_unknown());
        let before = clock::now();
        let created = create_ok(&resource, &planned).await;
        assert_computed_known(&resource, &created);
        let rfc3339 = created.get("rfc3339").as_str().expect("rfc3339");
        assert_eq!(created.get("id").as_str(), Some(rfc3339));
        let stamp = clock::parse(rfc3339, "rfc3339").expect("parses");
        assert!(stamp >= before && (stamp - before).whole_seconds() <= 5);
        assert_eq!(created.get("unix").as_i64(), Some(stamp.unix_timestamp()));
        assert_refresh_keeps(&resource, &created).await;
    }

    #[tokio::test]
    async fn configured_time_gives_its_components() {
        let resource = TimeStatic::new();
        let planned =
            planned(&resource, &config([("rfc3339", Value::string("2020-02-12T06:36:13Z"))]));
        let created = create_ok(&resource, &planned).await;
        assert_computed_known(&resource, &created);
        for (key, expected) in [
            ("year", 2020.0),
            ("month", 2.0),
            ("day", 12.0),
            ("hour", 6.0),
            ("minute", 36.0),
            ("second", 13.0),
            ("unix", 1_581_489_373.0),
        ] {
            assert_eq!(created.get(key), &Value::Number(expected), "{key}");
        }
        assert_eq!(created.get("id"), &Value::string("2020-02-12T06:36:13Z"));
    }

    #[tokio::test]
    async fn import_by_timestamp() {
        let resource = TimeStatic::new();
        let imported = import(&resource, "2020-02-12T06:36:13Z").await;
        assert_eq!(imported.get("rfc3339"), &Value::string("2020-02-12T06:36:13Z"));
        assert_eq!(imported.get("id"), &Value::string("2020-02-12T06:36:13Z"));
        assert_eq!(imported.get("unix"), &Value::Number(1_581_489_373.0));
        assert!(resource.import_prior("yesterday").is_err());
        assert_eq!(problems(&resource, &config([("rfc3339", Value::string("soon"))])).len(), 1);
    }
}
