//! `aws_sns_topic`: an SNS topic. The ID is the topic ARN (also the import ID).
//!
//! Every setting is a topic attribute: CreateTopic sends them all, an update sends
//! SetTopicAttributes for each changed one (an emptied one is set to ""), tags change with
//! TagResource / UntagResource. `name`, `name_prefix` and `fifo_topic` force a new topic.
//! Refresh is GetTopicAttributes plus ListTagsForResource per topic: SNS has no batched read.
//! A name generated for a FIFO topic ends in `.fifo`, as the provider makes it.
//!
//! moto does not return the delivery-status attributes (`<endpoint>_success_feedback_role_arn`,
//! `<endpoint>_success_feedback_sample_rate`, `<endpoint>_failure_feedback_role_arn`),
//! `signature_version`, `tracing_config`, `archive_policy`, `fifo_throughput_scope` or
//! `beginning_archive_time`, so those are kept from the prior value when the answer leaves them
//! out, and drift on them is not seen in tests.

use std::collections::{BTreeMap, HashMap};

use infra_core::{Attribute, Check, Operation, ProviderError, Type, Value};

use crate::app_support::{
    boolean, computed_name_prefix_attribute, deleted_or_gone, has_managed_tags, known,
    name_attribute, non_empty, sent, text,
};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged, Updating,
};
use crate::declared::{read, Declared};
use crate::ec2_support::name_for_create;
use crate::sns_support::{
    attr, create_attributes, from_attribute, json_problems, sdk_tags, to_attribute, topic_arns,
    topic_attributes, topic_tags, update_tags, Kind, SnsAttribute,
};
use crate::tagging::ManagedTags;
#[cfg(test)]
use {crate::Aws, infra_core::ResourceType};

/// The arguments held as topic attributes.
const ATTRIBUTES: &[SnsAttribute] = &[
    attr("display_name", "DisplayName", Kind::Text),
    attr("policy", "Policy", Kind::Json),
    attr("delivery_policy", "DeliveryPolicy", Kind::Json),
    attr("kms_master_key_id", "KmsMasterKeyId", Kind::Text),
    attr("signature_version", "SignatureVersion", Kind::Number),
    attr("tracing_config", "TracingConfig", Kind::Text),
    attr("archive_policy", "ArchivePolicy", Kind::Json),
    attr("fifo_topic", "FifoTopic", Kind::Bool),
    attr("fifo_throughput_scope", "FifoThroughputScope", Kind::Text),
    attr("content_based_deduplication", "ContentBasedDeduplication", Kind::Bool),
    attr("application_success_feedback_role_arn", "ApplicationSuccessFeedbackRoleArn", Kind::Text),
    attr(
        "application_success_feedback_sample_rate",
        "ApplicationSuccessFeedbackSampleRate",
        Kind::Number,
    ),
    attr("application_failure_feedback_role_arn", "ApplicationFailureFeedbackRoleArn", Kind::Text),
    attr("http_success_feedback_role_arn", "HTTPSuccessFeedbackRoleArn", Kind::Text),
    attr("http_success_feedback_sample_rate", "HTTPSuccessFeedbackSampleRate", Kind::Number),
    attr("http_failure_feedback_role_arn", "HTTPFailureFeedbackRoleArn", Kind::Text),
    attr("lambda_success_feedback_role_arn", "LambdaSuccessFeedbackRoleArn", Kind::Text),
    attr("lambda_success_feedback_sample_rate", "LambdaSuccessFeedbackSampleRate", Kind::Number),
    attr("lambda_failure_feedback_role_arn", "LambdaFailureFeedbackRoleArn", Kind::Text),
    attr("sqs_success_feedback_role_arn", "SQSSuccessFeedbackRoleArn", Kind::Text),
    attr("sqs_success_feedback_sample_rate", "SQSSuccessFeedbackSampleRate", Kind::Number),
    attr("sqs_failure_feedback_role_arn", "SQSFailureFeedbackRoleArn", Kind::Text),
    attr("firehose_success_feedback_role_arn", "FirehoseSuccessFeedbackRoleArn", Kind::Text),
    attr(
        "firehose_success_feedback_sample_rate",
        "FirehoseSuccessFeedbackSampleRate",
        Kind::Number,
    ),
    attr("firehose_failure_feedback_role_arn", "FirehoseFailureFeedbackRoleArn", Kind::Text),
];

/// Attributes moto leaves out of its answer: kept from the prior value when absent.
const UNREPORTED: &[&str] = &[
    "signature_version",
    "tracing_config",
    "archive_policy",
    "fifo_throughput_scope",
    "application_success_feedback_role_arn",
    "application_success_feedback_sample_rate",
    "application_failure_feedback_role_arn",
    "http_success_feedback_role_arn",
    "http_success_feedback_sample_rate",
    "http_failure_feedback_role_arn",
    "lambda_success_feedback_role_arn",
    "lambda_success_feedback_sample_rate",
    "lambda_failure_feedback_role_arn",
    "sqs_success_feedback_role_arn",
    "sqs_success_feedback_sample_rate",
    "sqs_failure_feedback_role_arn",
    "firehose_success_feedback_role_arn",
    "firehose_success_feedback_sample_rate",
    "firehose_failure_feedback_role_arn",
];

pub type AwsSnsTopic = ObjectType<TopicObject>;

pub struct TopicObject;

/// A topic: its ARN and its attributes as GetTopicAttributes reports them (the topic policy's
/// object too).
pub struct Topic {
    pub arn: String,
    pub attributes: HashMap<String, String>,
}

fn topic_name_of(topic: &Topic) -> &str {
    topic.arn.rsplit(':').next().unwrap_or(&topic.arn)
}

/// An argument held as the topic attribute `spec`, read from it.
fn topic_attribute(attribute: Attribute, spec: &'static SnsAttribute) -> Declared<Topic> {
    read(attribute, move |topic: &Topic, at| {
        match from_attribute(&topic.attributes, spec, at.prior) {
            Some(value) => value,
            None if UNREPORTED.contains(&spec.argument) => known(at.prior, spec.argument),
            None if spec.kind == Kind::Bool => Value::Bool(false),
            None => Value::Null,
        }
    })
}

/// The prefix of a generated name (`prefix` + 26 digits, `.fifo` for a FIFO topic), as the
/// provider derives `name_prefix` on import.
fn name_prefix_of(name: &str) -> Option<&str> {
    let base = name.strip_suffix(".fifo").unwrap_or(name);
    let split = base.len().checked_sub(26)?;
    let (prefix, suffix) = (base.get(..split)?, base.get(split..)?);
    suffix.bytes().all(|b| b.is_ascii_digit()).then_some(prefix)
}

/// The name a create uses: `name`, else `name_prefix` (or `terraform-`) plus a unique suffix,
/// with `.fifo` for a FIFO topic.
fn topic_name(operation: &Operation, planned: &Value) -> String {
    if let Some(name) = non_empty(planned, "name") {
        return name;
    }
    let name = name_for_create(operation, planned, ["name", "name_prefix"], "terraform-");
    if boolean(planned, "fifo_topic") == Some(true) {
        format!("{name}.fifo")
    } else {
        name
    }
}

impl AwsObject for TopicObject {
    type Object = Topic;
    const NAME: &'static str = "aws_sns_topic";
    const KIND: &'static str = "SNS topic";
    const KEY: &'static str = "arn";
    const KEY_OR_ID: bool = true;
    const KEY_WORD: &'static str = "ARN";

    fn attributes() -> Vec<Declared<Topic>> {
        let mut attributes = vec![
            read(Attribute::computed("id", Type::String), |topic: &Topic, _| {
                Value::string(&topic.arn)
            }),
            read(Attribute::computed("arn", Type::String), |topic: &Topic, _| {
                Value::string(&topic.arn)
            }),
            read(Attribute::computed("owner", Type::String), |topic: &Topic, _| {
                text(topic.attributes.get("Owner").map(String::as_str))
            }),
            read(
                Attribute::computed("beginning_archive_time", Type::String),
                |topic: &Topic, at| match topic.attributes.get("BeginningArchiveTime") {
                    Some(time) => Value::string(time),
                    None => known(at.prior, "beginning_archive_time"),
                },
            ),
            read(name_attribute(), |topic: &Topic, _| Value::string(topic_name_of(topic))),
            read(computed_name_prefix_attribute(), |topic: &Topic, at| {
                match known(at.prior, "name_prefix") {
                    Value::Null => text(name_prefix_of(topic_name_of(topic))),
                    prefix => prefix,
                }
            }),
        ];
        let arguments = [
            Attribute::optional("display_name", Type::String),
            Attribute::optional_computed("policy", Type::Json),
            Attribute::optional("delivery_policy", Type::Json),
            Attribute::optional("kms_master_key_id", Type::String),
            Attribute::optional_computed("signature_version", Type::Number)
                .check(Check::Range(1, 2)),
            Attribute::optional_computed("tracing_config", Type::String)
                .check(Check::OneOf(&["PassThrough", "Active"])),
            Attribute::optional("archive_policy", Type::Json),
            Attribute::optional("fifo_topic", Type::Bool).default(Value::Bool(false)).force_new(),
            Attribute::optional_computed("fifo_throughput_scope", Type::String)
                .check(Check::OneOf(&["Topic", "MessageGroup"])),
            Attribute::optional("content_based_deduplication", Type::Bool)
                .default(Value::Bool(false)),
        ];
        let mut arguments = arguments.into_iter();
        for spec in ATTRIBUTES {
            // The delivery-status arguments after the first ten are alike.
            let attribute = arguments.next().unwrap_or_else(|| match spec.kind {
                Kind::Number => {
                    Attribute::optional(spec.argument, Type::Number).check(Check::Range(0, 100))
                }
                _ => Attribute::optional(spec.argument, Type::String),
            });
            attributes.push(topic_attribute(attribute, spec));
        }
        attributes
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let fifo = config.get("fifo_topic").as_bool() == Some(true);
        if let Some(name) = config.get("name").as_str() {
            let base = if fifo { name.strip_suffix(".fifo") } else { Some(name) };
            let valid = base.is_some_and(|b| {
                !b.is_empty()
                    && b.len() <= 256
                    && b.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            });
            if !valid {
                problems.push((
                    "name".to_string(),
                    if fifo {
                        format!("invalid value for name (must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, must end with \".fifo\", and must be between 1 and 256 characters long): \"{name}\"")
                    } else {
                        format!("invalid value for name (must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long): \"{name}\"")
                    },
                ));
            }
        }
        if !fifo {
            for attribute in ["content_based_deduplication"] {
                if config.get(attribute).as_bool() == Some(true) {
                    problems.push((
                        attribute.to_string(),
                        format!(
                            "\"{attribute}\" can only be set for FIFO topics (fifo_topic = true)"
                        ),
                    ));
                }
            }
            if config.get("fifo_throughput_scope").as_str().is_some() {
                problems.push((
                    "fifo_throughput_scope".to_string(),
                    "\"fifo_throughput_scope\" can only be set for FIFO topics (fifo_topic = true)"
                        .to_string(),
                ));
            }
        }
        problems.extend(json_problems(config, ATTRIBUTES));
        problems
    }

    /// The generated `name` (with `.fifo` for a FIFO topic) goes into the create's pending
    /// entry.
    fn with_generated_names(operation: &Operation, mut planned: Value) -> Value {
        let name = topic_name(operation, &planned);
        if let Some(entries) = planned.map_mut() {
            entries.insert("name".into(), Value::string(name));
        }
        planned
    }

    /// GetTopicAttributes plus ListTagsForResource per topic: SNS has no batched read.
    async fn describe(this: &ObjectType<Self>, arns: &[String]) -> DescribeResult<Topic> {
        let client = &this.aws.clients().await.sns;
        let mut out = BTreeMap::new();
        for arn in arns {
            let Some(attributes) = topic_attributes(client, arn).await? else {
                continue;
            };
            let tags = topic_tags(client, arn).await?;
            let arn = arn.clone();
            let object = Topic { arn: arn.clone(), attributes };
            out.insert(arn, Tagged { object, tags });
        }
        Ok(out)
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.sns;
        let name = topic_name(at.operation, at.planned);
        let created = sent!(client
            .create_topic()
            .name(&name)
            .set_attributes(create_attributes(at.planned, ATTRIBUTES))
            .set_tags(Some(sdk_tags(&at.operation.tags_with_managed(at.planned))?)))?;
        let arn = created
            .topic_arn()
            .map(str::to_string)
            .ok_or_else(|| ProviderError::new("CreateTopic returned no TopicArn"))?;
        Ok(arn)
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.sns;
        for spec in ATTRIBUTES {
            if spec.argument == "fifo_topic" {
                continue;
            }
            let before = to_attribute(at.prior, spec);
            let after = to_attribute(at.planned, spec);
            // An optional-computed attribute left out of the configuration keeps AWS's value.
            if before == after
                || (after.is_none()
                    && at.planned.get(spec.argument).is_null()
                    && matches!(
                        spec.argument,
                        "policy" | "signature_version" | "tracing_config" | "fifo_throughput_scope"
                    ))
            {
                continue;
            }
            sent!(client
                .set_topic_attributes()
                .topic_arn(at.key)
                .attribute_name(spec.attribute)
                .attribute_value(after.unwrap_or_default()))?;
        }
        update_tags(client, at.key, at.prior, at.planned).await?;
        Ok(at.key.to_string())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let client = &at.this.aws.clients().await.sns;
        deleted_or_gone(sent!(client.delete_topic().topic_arn(at.key)), crate::sns_support::is_gone)
    }

    /// The topic with this name (or name prefix) that carries this operation's managed tags.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<Topic> {
        let client = &at.this.aws.clients().await.sns;
        let name = non_empty(at.planned, "name");
        let prefix = non_empty(at.planned, "name_prefix").unwrap_or_else(|| "terraform-".into());
        for arn in topic_arns(client).await? {
            let topic_name = arn.rsplit(':').next().unwrap_or_default();
            let matches = match &name {
                Some(name) => topic_name == name.as_str(),
                None => topic_name.starts_with(&prefix),
            };
            if matches && has_managed_tags(&topic_tags(client, &arn).await?, at.operation) {
                return at.this.found(&arn).await;
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_fifo_names_end_in_fifo() {
        let planned = Value::map([
            ("name_prefix", Value::string("orders-")),
            ("fifo_topic", Value::Bool(true)),
        ]);
        let name = topic_name(&Operation::default(), &planned);
        assert!(name.starts_with("orders-") && name.ends_with(".fifo"), "{name}");
        assert_eq!(name_prefix_of(&name), Some("orders-"));
        let named = Value::map([("name", Value::string("a.fifo"))]);
        assert_eq!(topic_name(&Operation::default(), &named), "a.fifo");
        assert_eq!(name_prefix_of("a.fifo"), None);
    }

    #[test]
    fn fifo_settings_need_a_fifo_topic() {
        let topic = AwsSnsTopic::new(Aws::new(crate::ProviderSettings::default()));
        let problems = topic.validate(&Value::map([
            ("name", Value::string("plain")),
            ("content_based_deduplication", Value::Bool(true)),
        ]));
        assert_eq!(problems[0].0, "content_based_deduplication");
        let problems = topic.validate(&Value::map([
            ("name", Value::string("orders")),
            ("fifo_topic", Value::Bool(true)),
        ]));
        assert_eq!(problems[0].0, "name");
    }
}
