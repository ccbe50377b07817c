//! `aws_sns_topic_subscription`: a subscription of an endpoint (SQS queue, Lambda function,
//! HTTP(S) URL, e-mail address, ...) to an SNS topic.
//!
//! The ID is the subscription ARN (also the import ID). Subscribe sends every setting as an
//! attribute and asks for the ARN even while the subscription awaits confirmation
//! (`ReturnSubscriptionArn`). For `http`/`https` with `endpoint_auto_confirms = true`, create
//! waits up to `confirmation_timeout_in_minutes` for the endpoint to confirm. Per the
//! provider's doc, a subscription still pending confirmation (`email`, `email-json`, or HTTP(S)
//! without auto-confirmation) cannot be unsubscribed: destroying it removes it from state and
//! leaves it in AWS, where SNS drops it when the topic is deleted or it expires.
//!
//! `topic_arn`, `protocol` and `endpoint` force a new subscription; the policies,
//! `filter_policy_scope`, `raw_message_delivery` and `subscription_role_arn` change with
//! SetSubscriptionAttributes. `endpoint_auto_confirms` and `confirmation_timeout_in_minutes`
//! are configuration only. Refresh is GetSubscriptionAttributes per subscription (SNS has no
//! batched read).
//!
//! moto confirms every subscription at once (never pending) and does not return
//! `ReplayPolicy`, so the pending-confirmation path and drift on `replay_policy` are not seen in
//! tests.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use infra_core::{Attribute, Check, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{
    boolean, copy_attributes, int, known, sent, string, text, vanished, wait_for,
};
use crate::declared::read_in_turn;
use crate::sns_support::{
    attr, create_attributes, from_attribute, is_gone, json_problems, subscription_attributes,
    to_attribute, Kind, SnsAttribute,
};
use crate::Aws;

const PROTOCOLS: &[&str] = &[
    "application",
    "email",
    "email-json",
    "firehose",
    "http",
    "https",
    "lambda",
    "sms",
    "sqs",
];

/// The arguments held as subscription attributes.
const ATTRIBUTES: &[SnsAttribute] = &[
    attr("delivery_policy", "DeliveryPolicy", Kind::Json),
    attr("filter_policy", "FilterPolicy", Kind::Json),
    attr("filter_policy_scope", "FilterPolicyScope", Kind::Text),
    attr("raw_message_delivery", "RawMessageDelivery", Kind::Bool),
    attr("redrive_policy", "RedrivePolicy", Kind::Json),
    attr("replay_policy", "ReplayPolicy", Kind::Json),
    attr("subscription_role_arn", "SubscriptionRoleArn", Kind::Text),
];

/// Configuration-only arguments, kept from the configuration.
const CONFIG_ONLY: &[&str] = &["endpoint_auto_confirms", "confirmation_timeout_in_minutes"];

pub struct AwsSnsTopicSubscription {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsSnsTopicSubscription {
    pub fn new(aws: Arc<Aws>) -> AwsSnsTopicSubscription {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::required("topic_arn", Type::String).force_new())
            .attr(
                Attribute::required("protocol", Type::String)
                    .force_new()
                    .check(Check::OneOf(PROTOCOLS)),
            )
            .attr(Attribute::required("endpoint", Type::String).force_new())
            .attr(
                Attribute::optional("confirmation_timeout_in_minutes", Type::Number)
                    .default(Value::Number(1.0)),
            )
            .attr(
                Attribute::optional("endpoint_auto_confirms", Type::Bool)
                    .default(Value::Bool(false)),
            )
            .attr(Attribute::optional("delivery_policy", Type::Json))
            .attr(Attribute::optional("filter_policy", Type::Json))
            .attr(
                Attribute::optional_computed("filter_policy_scope", Type::String)
                    .check(Check::OneOf(&["MessageAttributes", "MessageBody"])),
            )
            .attr(
                Attribute::optional("raw_message_delivery", Type::Bool).default(Value::Bool(false)),
            )
            .attr(Attribute::optional("redrive_policy", Type::Json))
            .attr(Attribute::optional("replay_policy", Type::Json))
            .attr(Attribute::optional("subscription_role_arn", Type::String))
            .attr(Attribute::computed(
                "confirmation_was_authenticated",
                Type::Bool,
            ))
            .attr(Attribute::computed("owner_id", Type::String))
            .attr(Attribute::computed("pending_confirmation", Type::Bool));
        AwsSnsTopicSubscription { aws, schema }
    }

    async fn read(&self, arn: &str, hint: &Value) -> Result<Option<Value>, ProviderError> {
        let client = &self.aws.clients().await.sns;
        Ok(subscription_attributes(client, arn)
            .await?
            .map(|attributes| to_value(arn, &attributes, hint)))
    }
}

fn flag(attributes: &HashMap<String, String>, key: &str) -> Value {
    Value::Bool(
        attributes
            .get(key)
            .is_some_and(|v| v.eq_ignore_ascii_case("true")),
    )
}

fn to_value(arn: &str, attributes: &HashMap<String, String>, hint: &Value) -> Value {
    let get = |key: &str| text(attributes.get(key).map(String::as_str));
    let mut object = BTreeMap::new();
    object.insert("id".to_string(), Value::string(arn));
    object.insert("arn".to_string(), Value::string(arn));
    object.insert("topic_arn".to_string(), get("TopicArn"));
    object.insert("protocol".to_string(), get("Protocol"));
    object.insert("endpoint".to_string(), get("Endpoint"));
    object.insert("owner_id".to_string(), get("Owner"));
    object.insert(
        "pending_confirmation".to_string(),
        flag(attributes, "PendingConfirmation"),
    );
    object.insert(
        "confirmation_was_authenticated".to_string(),
        flag(attributes, "ConfirmationWasAuthenticated"),
    );
    for spec in ATTRIBUTES {
        let value = match from_attribute(attributes, spec, hint) {
            Some(value) => value,
            None if spec.kind == Kind::Bool => Value::Bool(false),
            // moto does not return ReplayPolicy.
            None if spec.argument == "replay_policy" => known(hint, spec.argument),
            None => Value::Null,
        };
        object.insert(spec.argument.to_string(), value);
    }
    copy_attributes(&mut object, hint, CONFIG_ONLY);
    if boolean(hint, "endpoint_auto_confirms").is_none() {
        object.insert("endpoint_auto_confirms".into(), Value::Bool(false));
    }
    if int(hint, "confirmation_timeout_in_minutes").is_none() {
        object.insert("confirmation_timeout_in_minutes".into(), Value::Number(1.0));
    }
    Value::Map(object)
}

/// A subscription's natural key: its topic ARN, protocol and endpoint, where all are known.
fn natural_key(planned: &Value) -> Option<(String, String, String)> {
    Some((
        string(planned, "topic_arn")?,
        string(planned, "protocol")?,
        string(planned, "endpoint")?,
    ))
}

#[async_trait::async_trait]
impl ResourceType for AwsSnsTopicSubscription {
    fn name(&self) -> &'static str {
        "aws_sns_topic_subscription"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if config.get("protocol").as_str() == Some("firehose")
            && config.get("subscription_role_arn").is_null()
        {
            problems.push((
                "subscription_role_arn".to_string(),
                "protocol firehose must contain subscription_role_arn!".to_string(),
            ));
        }
        problems.extend(json_problems(config, ATTRIBUTES));
        problems
    }

    async fn create(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.sns;
        let Some((topic, protocol, endpoint)) = natural_key(planned) else {
            return Err(ProviderError::new(
                "aws_sns_topic_subscription needs known topic_arn, protocol and endpoint",
            ));
        };
        let subscribed = sent!(client
            .subscribe()
            .topic_arn(&topic)
            .protocol(&protocol)
            .endpoint(&endpoint)
            .set_attributes(create_attributes(planned, ATTRIBUTES))
            .return_subscription_arn(true))?;
        let arn = subscribed
            .subscription_arn()
            .map(str::to_string)
            .ok_or_else(|| ProviderError::new("Subscribe returned no SubscriptionArn"))?;
        let auto_confirms = boolean(planned, "endpoint_auto_confirms") == Some(true);
        if auto_confirms && (protocol == "http" || protocol == "https") {
            let minutes = int(planned, "confirmation_timeout_in_minutes").unwrap_or(1);
            let timeout = Duration::from_secs(60 * u64::try_from(minutes.max(0)).unwrap_or(1));
            wait_for("the subscription to be confirmed", timeout, || async {
                let attributes = subscription_attributes(client, &arn).await?;
                Ok(attributes
                    .filter(|a| flag(a, "PendingConfirmation") == Value::Bool(false))
                    .map(|_| ()))
            })
            .await?;
        }
        self.read(&arn, planned)
            .await?
            .ok_or_else(|| vanished("SNS subscription", &arn))
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.sns;
        let arn = string(prior, "arn")
            .ok_or_else(|| ProviderError::new("aws_sns_topic_subscription has no ARN in state"))?;
        for spec in ATTRIBUTES {
            let before = to_attribute(prior, spec);
            let after = to_attribute(planned, spec);
            if before == after
                || (spec.argument == "filter_policy_scope" && planned.get(spec.argument).is_null())
            {
                continue;
            }
            let value = match (spec.kind, after) {
                (_, Some(value)) => value,
                (Kind::Bool, None) => "false".to_string(),
                (_, None) => String::new(),
            };
            sent!(client
                .set_subscription_attributes()
                .subscription_arn(&arn)
                .attribute_name(spec.attribute)
                .attribute_value(value))?;
        }
        self.read(&arn, planned)
            .await?
            .ok_or_else(|| vanished("SNS subscription", &arn))
    }

    /// Unsubscribes; a subscription pending confirmation cannot be, and is only forgotten.
    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.sns;
        let Some(arn) = string(prior, "arn").or_else(|| string(prior, "id")) else {
            return Ok(());
        };
        match sent!(client.unsubscribe().subscription_arn(&arn)) {
            Ok(_) => Ok(()),
            Err(error) if is_gone(&error) => Ok(()),
            Err(error)
                if error.code.as_deref() == Some("InvalidParameter")
                    && error.message.contains("pending confirmation") =>
            {
                Ok(())
            }
            Err(error) => Err(error),
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        read_in_turn(prior, &["arn", "id"], |arn, p| async move {
            self.read(&arn, p).await
        })
        .await
    }

    /// Terraform's import ID: the subscription ARN.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        Ok(infra_core::resource::import_by("arn", id))
    }

    /// By natural key: the topic's subscription with this protocol and endpoint.
    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let client = &self.aws.clients().await.sns;
        let Some((topic, protocol, endpoint)) = natural_key(planned) else {
            return Ok(None);
        };
        let mut token: Option<String> = None;
        loop {
            let page = match sent!(client
                .list_subscriptions_by_topic()
                .topic_arn(&topic)
                .set_next_token(token.clone()))
            {
                Ok(page) => page,
                Err(error) if is_gone(&error) => return Ok(None),
                Err(error) => return Err(error),
            };
            let found = page.subscriptions().iter().find(|s| {
                s.protocol() == Some(protocol.as_str()) && s.endpoint() == Some(endpoint.as_str())
            });
            if let Some(arn) = found.and_then(|s| s.subscription_arn()) {
                if arn.starts_with("arn:") {
                    return self.read(arn, planned).await;
                }
            }
            match page.next_token().filter(|t| !t.is_empty()) {
                Some(next) => token = Some(next.to_string()),
                None => return Ok(None),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn firehose_needs_a_role() {
        let resource = AwsSnsTopicSubscription::new(Aws::new(crate::ProviderSettings::default()));
        let problems = resource.validate(&Value::map([
            ("protocol", Value::string("firehose")),
            ("filter_policy", Value::string("{not json")),
        ]));
        let paths: Vec<&str> = problems.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["subscription_role_arn", "filter_policy"]);
    }

    #[test]
    fn read_back_keeps_configuration_only_arguments() {
        let attributes = HashMap::from([
            (
                "TopicArn".to_string(),
                "arn:aws:sns:us-east-1:1:t".to_string(),
            ),
            ("RawMessageDelivery".to_string(), "true".to_string()),
            ("PendingConfirmation".to_string(), "true".to_string()),
        ]);
        let hint = Value::map([("endpoint_auto_confirms", Value::Bool(true))]);
        let value = to_value("arn:aws:sns:us-east-1:1:t:x", &attributes, &hint);
        assert_eq!(value.get("raw_message_delivery"), &Value::Bool(true));
        assert_eq!(value.get("pending_confirmation"), &Value::Bool(true));
        assert_eq!(value.get("endpoint_auto_confirms"), &Value::Bool(true));
        assert_eq!(
            value.get("confirmation_timeout_in_minutes"),
            &Value::Number(1.0)
        );
    }
}
