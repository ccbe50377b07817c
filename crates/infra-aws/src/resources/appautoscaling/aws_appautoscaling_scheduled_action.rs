//! `aws_appautoscaling_scheduled_action`: a scheduled change of an Application Auto Scaling
//! target's capacity (`scalable_target_action`) at a time, rate or cron `schedule`.
//!
//! PutScheduledAction creates and replaces the action, so `schedule`, `timezone`, `start_time`,
//! `end_time` and `scalable_target_action` change in place; the name, namespace, resource and
//! dimension force a new action. `start_time` / `end_time` are RFC 3339 times, compared as the
//! instant they name (AWS answers in UTC). Refresh is one DescribeScheduledActions per service
//! namespace, with up to 200 action names a call. Scheduled actions take no tags: crash recovery
//! finds the action by its natural key. The provider does not import this type, so neither does
//! infra. The `id` is the provider's `<name>-<service_namespace>-<resource_id>`.
//!
//! On an ECS service that infra deploys blue/green, the action is put on the live colour's
//! service and follows it (see the module's documentation).
//!
//! moto holds every argument; drift on them is seen in tests.

use aws_sdk_applicationautoscaling::types::{
    ScalableTargetAction, ScheduledAction, ServiceNamespace,
};
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use infra_core::{Attribute, Block, ProviderError, Schema, Type, Value};

use super::{on_key_target, Key, Keyed, KeyedScaling};
use crate::app_support::{non_empty, sent, single, string, text};
use crate::paginated::all_items;

pub type AwsAppautoscalingScheduledAction = KeyedScaling<ScheduledActions>;

pub struct ScheduledActions;

fn schema() -> Schema {
    // The provider keeps the capacities as nullable integers, in strings; at least one is set
    // (its AtLeastOneOf on each).
    const CAPACITIES: &[&str] =
        &["scalable_target_action.0.max_capacity", "scalable_target_action.0.min_capacity"];
    let action = Schema::new()
        .attr(Attribute::optional("min_capacity", Type::String).at_least_one_of(CAPACITIES))
        .attr(Attribute::optional("max_capacity", Type::String).at_least_one_of(CAPACITIES));
    Schema::new()
        .attr(Attribute::computed("id", Type::String))
        .attr(Attribute::computed("arn", Type::String))
        .attr(Attribute::required("name", Type::String).force_new())
        .attr(Attribute::required("service_namespace", Type::String).force_new())
        .attr(Attribute::required("resource_id", Type::String).force_new())
        .attr(Attribute::required("scalable_dimension", Type::String).force_new())
        .attr(Attribute::required("schedule", Type::String))
        .attr(Attribute::optional("start_time", Type::String))
        .attr(Attribute::optional("end_time", Type::String))
        .attr(Attribute::optional("timezone", Type::String).default(Value::string("UTC")))
        .block(Block::single("scalable_target_action", action).required())
}

/// A capacity kept as a string (`"3"`), as an integer.
fn capacity(action: &Value, key: &str) -> Option<i32> {
    non_empty(action, key).and_then(|s| s.trim().parse().ok())
}

/// An RFC 3339 time attribute as a `DateTime`.
fn time(value: &Value, key: &str) -> Result<Option<DateTime>, ProviderError> {
    match non_empty(value, key) {
        Some(text) => DateTime::from_str(&text, Format::DateTime)
            .map(Some)
            .map_err(|_| ProviderError::new(format!("{key}: \"{text}\" is not an RFC 3339 time"))),
        None => Ok(None),
    }
}

/// A time AWS reported, as the configuration wrote it when it names the same instant.
fn time_value(reported: Option<&DateTime>, configured: &Value) -> Value {
    let Some(reported) = reported else {
        return Value::Null;
    };
    if let Some(text) = configured.as_str() {
        if DateTime::from_str(text, Format::DateTime).is_ok_and(|c| c.secs() == reported.secs()) {
            return Value::string(text);
        }
    }
    reported.fmt(Format::DateTime).map(Value::string).unwrap_or(Value::Null)
}

fn to_value(action: &ScheduledAction, hint: &Value) -> Value {
    let name = action.scheduled_action_name();
    let namespace = action.service_namespace().as_str();
    let resource = action.resource_id();
    let target_action = action
        .scalable_target_action()
        .map(|a| {
            vec![Value::map([
                ("min_capacity", text(a.min_capacity().map(|n| n.to_string()).as_deref())),
                ("max_capacity", text(a.max_capacity().map(|n| n.to_string()).as_deref())),
            ])]
        })
        .unwrap_or_default();
    Value::map([
        ("id", Value::string(format!("{name}-{namespace}-{resource}"))),
        ("arn", Value::string(action.scheduled_action_arn())),
        ("name", Value::string(name)),
        ("service_namespace", Value::string(namespace)),
        ("resource_id", Value::string(resource)),
        ("scalable_dimension", text(action.scalable_dimension().map(|d| d.as_str()))),
        ("schedule", Value::string(action.schedule())),
        ("timezone", Value::string(action.timezone().unwrap_or("UTC"))),
        ("start_time", time_value(action.start_time(), hint.get("start_time"))),
        ("end_time", time_value(action.end_time(), hint.get("end_time"))),
        ("scalable_target_action", Value::List(target_action)),
    ])
}

impl Keyed for ScheduledActions {
    type Item = ScheduledAction;
    const NAME: &'static str = "aws_appautoscaling_scheduled_action";
    const KIND: &'static str = "scheduled action";
    /// DescribeScheduledActions takes at most 200 `ScheduledActionNames`.
    const NAMES_PER_CALL: usize = 200;

    fn schema() -> Schema {
        schema()
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        for key in ["start_time", "end_time"] {
            if let Some(text) = config.get(key).as_str() {
                if DateTime::from_str(text, Format::DateTime).is_err() {
                    problems.push((
                        key.to_string(),
                        format!("\"{key}\": \"{text}\" is not a valid RFC 3339 time"),
                    ));
                }
            }
        }
        if let Some(action) = single(config, "scalable_target_action") {
            let (min, max) = (action.get("min_capacity"), action.get("max_capacity"));
            for (key, value) in [("min_capacity", min), ("max_capacity", max)] {
                if let Some(text) = value.as_str().filter(|t| !t.is_empty()) {
                    if text.trim().parse::<i32>().map_or(true, |n| n < 0) {
                        problems.push((
                            format!("scalable_target_action[0].{key}"),
                            format!("expected a whole number of at least 0, got \"{text}\""),
                        ));
                    }
                }
            }
        }
        problems
    }

    fn key(action: &ScheduledAction) -> Key {
        (
            action.scheduled_action_name().to_string(),
            action.service_namespace().as_str().to_string(),
            action.resource_id().to_string(),
            action.scalable_dimension().map(|d| d.as_str().to_string()).unwrap_or_default(),
        )
    }

    /// One DescribeScheduledActions walk.
    async fn describe(
        client: &aws_sdk_applicationautoscaling::Client,
        namespace: ServiceNamespace,
        names: Vec<String>,
    ) -> Result<Vec<ScheduledAction>, ProviderError> {
        let request = client.describe_scheduled_actions();
        all_items!(request.service_namespace(namespace).set_scheduled_action_names(Some(names)))
    }

    fn to_value(action: &ScheduledAction, hint: &Value) -> Value {
        to_value(action, hint)
    }

    async fn put(
        client: &aws_sdk_applicationautoscaling::Client,
        key: &Key,
        planned: &Value,
    ) -> Result<(), ProviderError> {
        let target_action = single(planned, "scalable_target_action").map(|a| {
            ScalableTargetAction::builder()
                .set_min_capacity(capacity(a, "min_capacity"))
                .set_max_capacity(capacity(a, "max_capacity"))
                .build()
        });
        sent!(on_key_target!(client.put_scheduled_action(), key)
            .scheduled_action_name(&key.0)
            .set_schedule(string(planned, "schedule"))
            .set_timezone(non_empty(planned, "timezone"))
            .set_start_time(time(planned, "start_time")?)
            .set_end_time(time(planned, "end_time")?)
            .set_scalable_target_action(target_action))?;
        Ok(())
    }

    async fn delete(
        client: &aws_sdk_applicationautoscaling::Client,
        key: Key,
    ) -> Result<(), ProviderError> {
        sent!(on_key_target!(client.delete_scheduled_action(), key).scheduled_action_name(&key.0))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The provider's AtLeastOneOf on the action's two capacities, reported by each.
    #[test]
    fn an_action_sets_a_capacity() {
        let messages =
            |config: Value| crate::problem_messages("aws_appautoscaling_scheduled_action", &config);
        let config = Value::map([
            ("name", Value::string("night")),
            ("service_namespace", Value::string("ecs")),
            ("resource_id", Value::string("service/c/s")),
            ("scalable_dimension", Value::string("ecs:service:DesiredCount")),
            ("schedule", Value::string("cron(0 0 * * ? *)")),
            (
                "scalable_target_action",
                Value::List(vec![Value::map([("min_capacity", Value::Null)])]),
            ),
        ]);
        let one_of = "one of `scalable_target_action.0.max_capacity,\
                      scalable_target_action.0.min_capacity` must be specified";
        assert_eq!(
            messages(config),
            [
                format!("\"scalable_target_action.0.min_capacity\": {one_of}"),
                format!("\"scalable_target_action.0.max_capacity\": {one_of}"),
            ]
        );
    }

    #[test]
    fn times_that_name_the_same_instant_keep_the_configured_text() {
        let reported = DateTime::from_secs(1_767_225_600);
        let configured = Value::string("2026-01-01T00:00:00Z");
        assert_eq!(time_value(Some(&reported), &configured), configured);
        assert_eq!(
            time_value(Some(&reported), &Value::Null),
            Value::string("2026-01-01T00:00:00Z")
        );
    }

    #[test]
    fn capacities_are_whole_numbers_in_strings() {
        let action = Value::map([("min_capacity", Value::string("2"))]);
        assert_eq!(capacity(&action, "min_capacity"), Some(2));
        assert_eq!(capacity(&action, "max_capacity"), None);
    }
}
