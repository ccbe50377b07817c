//! `aws_s3_bucket_notification`: a bucket's event notifications to SNS topics, SQS queues,
//! Lambda functions and EventBridge, put and read as a whole
//! (PutBucketNotificationConfiguration / GetBucketNotificationConfiguration). ID and import
//! ID: the bucket name. This type has no `expected_bucket_owner` (the provider has none).
//! `bucket` forces replacement; everything else changes in place. Delete puts an empty
//! configuration, as the provider does. Refresh reads each bucket with one
//! GetBucketNotificationConfiguration call (S3 has no batch read). The shared implementation is
//! [`crate::s3_support::BucketSubresource`].
//!
//! A `topic`, `queue` or `lambda_function` without an `id` gets one made up on create
//! (`tf-s3-topic-...`, as the provider's), which is then kept. S3 checks that each destination
//! exists and lets the bucket publish to it (a topic or queue policy for `s3.amazonaws.com`, a
//! Lambda permission); moto only checks the ARN's service and region and the event names.
//!
//! moto holds but does not return the EventBridge setting, so `eventbridge` keeps the
//! configured value when the answer has no EventBridge configuration, and drift on it is not
//! seen in tests (nor, on AWS, EventBridge turned off outside infra).

use aws_sdk_s3::types::{
    Event, EventBridgeConfiguration, FilterRule, FilterRuleName, LambdaFunctionConfiguration,
    NotificationConfiguration, NotificationConfigurationFilter, QueueConfiguration, S3KeyFilter,
    TopicConfiguration,
};
use infra_core::{Attribute, Block, ProviderError, Schema, Type, Value};

use crate::app_support::{blocks, boolean, non_empty, string, string_list, strings, text};
use crate::ec2_support::unique_name;
use crate::error::built;
use crate::s3_support::{bucket_call, fields, BucketConfig, Fields, Target};

pub struct Notification;

/// The schema of one destination block; `arn` names its ARN argument.
fn destination(arn: &'static str) -> Schema {
    Schema::new()
        .attr(Attribute::required("events", Type::set(Type::String)))
        .attr(Attribute::optional("filter_prefix", Type::String))
        .attr(Attribute::optional("filter_suffix", Type::String))
        .attr(Attribute::optional_computed("id", Type::String))
        .attr(Attribute::required(arn, Type::String))
}

/// The configured ID, or a new unique one (the provider's `tf-s3-topic-...`).
fn configuration_id(value: &Value, prefix: &str) -> String {
    non_empty(value, "id").unwrap_or_else(|| unique_name(prefix))
}

fn events(value: &Value) -> Vec<Event> {
    strings(value, "events").iter().map(|e| Event::from(e.as_str())).collect()
}

/// The key name prefix and suffix rules; `None` when neither is set.
fn filter(value: &Value) -> Option<NotificationConfigurationFilter> {
    let mut rules = Vec::new();
    for (key, name) in
        [("filter_prefix", FilterRuleName::Prefix), ("filter_suffix", FilterRuleName::Suffix)]
    {
        if let Some(pattern) = non_empty(value, key) {
            rules.push(FilterRule::builder().name(name).value(pattern).build());
        }
    }
    if rules.is_empty() {
        return None;
    }
    Some(
        NotificationConfigurationFilter::builder()
            .key(S3KeyFilter::builder().set_filter_rules(Some(rules)).build())
            .build(),
    )
}

fn configuration(planned: &Value) -> Result<NotificationConfiguration, ProviderError> {
    let mut builder = NotificationConfiguration::builder();
    if boolean(planned, "eventbridge") == Some(true) {
        builder = builder.event_bridge_configuration(EventBridgeConfiguration::builder().build());
    }
    for item in blocks(planned, "lambda_function") {
        builder = builder.lambda_function_configurations(built(
            LambdaFunctionConfiguration::builder()
                .id(configuration_id(item, "tf-s3-lambda-"))
                .lambda_function_arn(string(item, "lambda_function_arn").unwrap_or_default())
                .set_events(Some(events(item)))
                .set_filter(filter(item))
                .build(),
        )?);
    }
    for item in blocks(planned, "queue") {
        builder = builder.queue_configurations(built(
            QueueConfiguration::builder()
                .id(configuration_id(item, "tf-s3-queue-"))
                .queue_arn(string(item, "queue_arn").unwrap_or_default())
                .set_events(Some(events(item)))
                .set_filter(filter(item))
                .build(),
        )?);
    }
    for item in blocks(planned, "topic") {
        builder = builder.topic_configurations(built(
            TopicConfiguration::builder()
                .id(configuration_id(item, "tf-s3-topic-"))
                .topic_arn(string(item, "topic_arn").unwrap_or_default())
                .set_events(Some(events(item)))
                .set_filter(filter(item))
                .build(),
        )?);
    }
    Ok(builder.build())
}

/// One destination as the resource's block: `arn_key` is its ARN argument.
fn destination_value(
    arn_key: &str,
    arn: &str,
    id: Option<&str>,
    events: &[Event],
    filter: Option<&NotificationConfigurationFilter>,
) -> Value {
    let mut prefix = Value::Null;
    let mut suffix = Value::Null;
    let rules = filter.and_then(|f| f.key()).map(|k| k.filter_rules()).unwrap_or_default();
    for rule in rules {
        // S3 answers "Prefix"/"Suffix" though "prefix"/"suffix" were sent.
        match rule.name().map(|n| n.as_str().to_ascii_lowercase()).as_deref() {
            Some("prefix") => prefix = text(rule.value()),
            Some("suffix") => suffix = text(rule.value()),
            _ => {}
        }
    }
    Value::map([
        ("events", string_list(events.iter().map(Event::as_str))),
        ("filter_prefix", prefix),
        ("filter_suffix", suffix),
        ("id", text(id)),
        (arn_key, Value::string(arn)),
    ])
}

fn configuration_value(
    lambdas: &[LambdaFunctionConfiguration],
    queues: &[QueueConfiguration],
    topics: &[TopicConfiguration],
    eventbridge: bool,
) -> Fields {
    fields([
        ("eventbridge", Value::Bool(eventbridge)),
        (
            "lambda_function",
            Value::List(
                lambdas
                    .iter()
                    .map(|c| {
                        destination_value(
                            "lambda_function_arn",
                            c.lambda_function_arn(),
                            c.id(),
                            c.events(),
                            c.filter(),
                        )
                    })
                    .collect(),
            ),
        ),
        (
            "queue",
            Value::List(
                queues
                    .iter()
                    .map(|c| {
                        destination_value(
                            "queue_arn",
                            c.queue_arn(),
                            c.id(),
                            c.events(),
                            c.filter(),
                        )
                    })
                    .collect(),
            ),
        ),
        (
            "topic",
            Value::List(
                topics
                    .iter()
                    .map(|c| {
                        destination_value(
                            "topic_arn",
                            c.topic_arn(),
                            c.id(),
                            c.events(),
                            c.filter(),
                        )
                    })
                    .collect(),
            ),
        ),
    ])
}

impl BucketConfig for Notification {
    const NAME: &'static str = "aws_s3_bucket_notification";
    const EXPECTED_OWNER: bool = false;

    fn schema() -> Schema {
        Schema::new()
            .attr(Attribute::optional("eventbridge", Type::Bool).default(Value::Bool(false)))
            .block(Block::list("lambda_function", destination("lambda_function_arn")))
            .block(Block::list("queue", destination("queue_arn")))
            .block(Block::list("topic", destination("topic_arn")))
    }

    async fn put(at: &Target<'_>, planned: &Value) -> Result<(), ProviderError> {
        bucket_call!(
            at,
            put_bucket_notification_configuration()
                .notification_configuration(configuration(planned)?)
        )
        .map(drop)
    }

    async fn get(at: &Target<'_>, hint: &Value) -> Result<Option<Fields>, ProviderError> {
        let output = bucket_call!(at, get_bucket_notification_configuration())?;
        // moto never reports EventBridge: keep the configured value when S3 says nothing.
        let eventbridge = output.event_bridge_configuration().is_some()
            || boolean(hint, "eventbridge").unwrap_or(false);
        // A bucket always has a notification configuration (maybe empty), so the resource
        // lives as long as its bucket.
        Ok(Some(configuration_value(
            output.lambda_function_configurations(),
            output.queue_configurations(),
            output.topic_configurations(),
            eventbridge,
        )))
    }

    async fn delete(at: &Target<'_>, _prior: &Value) -> Result<(), ProviderError> {
        bucket_call!(
            at,
            put_bucket_notification_configuration()
                .notification_configuration(NotificationConfiguration::builder().build())
        )
        .map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topic(id: Option<&str>) -> Value {
        Value::map([
            ("id", id.map(Value::string).unwrap_or(Value::Null)),
            ("topic_arn", Value::string("arn:aws:sns:us-east-1:123456789012:events")),
            ("events", Value::List(vec![Value::string("s3:ObjectCreated:*")])),
            ("filter_prefix", Value::string("logs/")),
            ("filter_suffix", Value::string(".log")),
        ])
    }

    #[test]
    fn a_topic_round_trips() {
        let planned = Value::map([("topic", Value::List(vec![topic(Some("new-logs"))]))]);
        let sdk = configuration(&planned).unwrap();
        assert!(sdk.event_bridge_configuration().is_none());
        let value = configuration_value(
            sdk.lambda_function_configurations(),
            sdk.queue_configurations(),
            sdk.topic_configurations(),
            false,
        );
        let read = &value["topic"].as_list().unwrap()[0];
        assert_eq!(read.get("id").as_str(), Some("new-logs"));
        assert_eq!(read.get("filter_prefix").as_str(), Some("logs/"));
        assert_eq!(read.get("filter_suffix").as_str(), Some(".log"));
        assert_eq!(read.get("events"), &Value::List(vec![Value::string("s3:ObjectCreated:*")]));
        assert_eq!(value["queue"], Value::List(vec![]));
    }

    #[test]
    fn a_missing_id_is_made_up() {
        let planned = Value::map([
            ("eventbridge", Value::Bool(true)),
            ("topic", Value::List(vec![topic(None)])),
        ]);
        let sdk = configuration(&planned).unwrap();
        assert!(sdk.event_bridge_configuration().is_some());
        let id = sdk.topic_configurations()[0].id().unwrap_or_default();
        assert!(id.starts_with("tf-s3-topic-"), "{id}");
    }

    #[test]
    fn capitalised_filter_rule_names_are_read() {
        let filter = NotificationConfigurationFilter::builder()
            .key(
                S3KeyFilter::builder()
                    .filter_rules(
                        FilterRule::builder()
                            .name(FilterRuleName::from("Prefix"))
                            .value("images/")
                            .build(),
                    )
                    .build(),
            )
            .build();
        let value = destination_value("queue_arn", "arn", None, &[], Some(&filter));
        assert_eq!(value.get("filter_prefix").as_str(), Some("images/"));
        assert!(value.get("filter_suffix").is_null());
    }
}
