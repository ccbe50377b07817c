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

use std::collections::HashMap;
use std::time::Duration;

use infra_core::{Attribute, Check, ProviderError, Type, Value};

use crate::app_support::{boolean, int, known, sent, string, text, wait_for};
use crate::aws_object::{
    key_by_key, AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged,
    Updating,
};
use crate::declared::{read, switch, Declared, Reading};
use crate::sns_support::{
    attr, create_attributes, from_attribute, is_gone, json_problems, subscription_attributes,
    to_attribute, Kind, SnsAttribute,
};

const PROTOCOLS: &[&str] =
    &["application", "email", "email-json", "firehose", "http", "https", "lambda", "sms", "sqs"];

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

pub type AwsSnsTopicSubscription = ObjectType<SubscriptionObject>;

pub struct SubscriptionObject;

/// A subscription as read: its ARN and GetSubscriptionAttributes' map.
pub struct Subscription {
    arn: String,
    attributes: HashMap<String, String>,
}

/// The subscription of this ARN; `None` when it does not exist.
async fn get(
    this: &AwsSnsTopicSubscription,
    arn: &str,
) -> Result<Option<Tagged<Subscription>>, ProviderError> {
    let client = &this.aws.clients().await.sns;
    Ok(subscription_attributes(client, arn).await?.map(|attributes| Tagged {
        object: Subscription { arn: arn.to_string(), attributes },
        tags: vec![],
    }))
}

fn flag(attributes: &HashMap<String, String>, key: &str) -> Value {
    Value::Bool(attributes.get(key).is_some_and(|v| v.eq_ignore_ascii_case("true")))
}

/// An attribute SNS reports under `key`.
fn reported(attribute: Attribute, key: &'static str) -> Declared<Subscription> {
    read(attribute, move |s: &Subscription, _: &Reading| {
        text(s.attributes.get(key).map(String::as_str))
    })
}

/// A flag SNS reports under `key`, false when it does not.
fn flagged(name: &'static str, key: &'static str) -> Declared<Subscription> {
    read(Attribute::computed(name, Type::Bool), move |s: &Subscription, _: &Reading| {
        flag(&s.attributes, key)
    })
}

/// An argument held as a subscription attribute ([`ATTRIBUTES`]): false for an unreported
/// bool, null for the others (moto does not return ReplayPolicy: kept from the prior).
fn held(attribute: Attribute) -> Declared<Subscription> {
    let name = attribute.name;
    read(attribute, move |s: &Subscription, at: &Reading| {
        let Some(spec) = ATTRIBUTES.iter().find(|spec| spec.argument == name) else {
            return Value::Null;
        };
        match from_attribute(&s.attributes, spec, at.prior) {
            Some(value) => value,
            None if spec.kind == Kind::Bool => Value::Bool(false),
            None if spec.argument == "replay_policy" => known(at.prior, spec.argument),
            None => Value::Null,
        }
    })
}

/// A subscription's natural key: its topic ARN, protocol and endpoint, where all are known.
fn natural_key(planned: &Value) -> Option<(String, String, String)> {
    Some((
        string(planned, "topic_arn")?,
        string(planned, "protocol")?,
        string(planned, "endpoint")?,
    ))
}

impl AwsObject for SubscriptionObject {
    type Object = Subscription;
    const NAME: &'static str = "aws_sns_topic_subscription";
    const KIND: &'static str = "SNS subscription";
    const KEY: &'static str = "arn";
    const KEY_WORD: &'static str = "ARN";
    const KEY_OR_ID: bool = true;
    const TAGGED: bool = false;

    fn attributes() -> Vec<Declared<Subscription>> {
        fn arn_of(s: &Subscription, _: &Reading) -> Value {
            Value::string(&s.arn)
        }
        let forces = |name| Attribute::required(name, Type::String).force_new();
        vec![
            read(Attribute::computed("id", Type::String), arn_of),
            read(Attribute::computed("arn", Type::String), arn_of),
            reported(forces("topic_arn"), "TopicArn"),
            reported(forces("protocol").check(Check::OneOf(PROTOCOLS)), "Protocol"),
            reported(forces("endpoint"), "Endpoint"),
            // Configuration only: kept from the configuration, else the default.
            read(
                Attribute::optional("confirmation_timeout_in_minutes", Type::Number)
                    .default(Value::Number(1.0)),
                |_: &Subscription, at: &Reading| match int(
                    at.prior,
                    "confirmation_timeout_in_minutes",
                ) {
                    Some(_) => at.prior.get("confirmation_timeout_in_minutes").clone(),
                    None => Value::Number(1.0),
                },
            ),
            switch(
                Attribute::optional("endpoint_auto_confirms", Type::Bool)
                    .default(Value::Bool(false)),
            ),
            held(Attribute::optional("delivery_policy", Type::Json)),
            held(Attribute::optional("filter_policy", Type::Json)),
            held(
                Attribute::optional_computed("filter_policy_scope", Type::String)
                    .check(Check::OneOf(&["MessageAttributes", "MessageBody"])),
            ),
            held(
                Attribute::optional("raw_message_delivery", Type::Bool).default(Value::Bool(false)),
            ),
            held(Attribute::optional("redrive_policy", Type::Json)),
            held(Attribute::optional("replay_policy", Type::Json)),
            held(Attribute::optional("subscription_role_arn", Type::String)),
            flagged("confirmation_was_authenticated", "ConfirmationWasAuthenticated"),
            reported(Attribute::computed("owner_id", Type::String), "Owner"),
            flagged("pending_confirmation", "PendingConfirmation"),
        ]
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
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

    /// GetSubscriptionAttributes per subscription, one after another in the priors' order
    /// (SNS has no batched read).
    async fn describe(this: &ObjectType<Self>, arns: &[String]) -> DescribeResult<Subscription> {
        key_by_key(arns, |arn| get(this, arn)).await
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.sns;
        let Some((topic, protocol, endpoint)) = natural_key(at.planned) else {
            return Err(ProviderError::new(
                "aws_sns_topic_subscription needs known topic_arn, protocol and endpoint",
            ));
        };
        let subscribed = sent!(client
            .subscribe()
            .topic_arn(&topic)
            .protocol(&protocol)
            .endpoint(&endpoint)
            .set_attributes(create_attributes(at.planned, ATTRIBUTES))
            .return_subscription_arn(true))?;
        let arn = subscribed
            .subscription_arn()
            .map(str::to_string)
            .ok_or_else(|| ProviderError::new("Subscribe returned no SubscriptionArn"))?;
        let auto_confirms = boolean(at.planned, "endpoint_auto_confirms") == Some(true);
        if auto_confirms && (protocol == "http" || protocol == "https") {
            let minutes = int(at.planned, "confirmation_timeout_in_minutes").unwrap_or(1);
            let timeout = Duration::from_secs(60 * u64::try_from(minutes.max(0)).unwrap_or(1));
            wait_for("the subscription to be confirmed", timeout, || async {
                let attributes = subscription_attributes(client, &arn).await?;
                Ok(attributes
                    .filter(|a| flag(a, "PendingConfirmation") == Value::Bool(false))
                    .map(|_| ()))
            })
            .await?;
        }
        Ok(arn)
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.sns;
        // The ARN itself (the key may have been read from `id`), as before.
        let arn = string(at.prior, "arn")
            .ok_or_else(|| ProviderError::new("aws_sns_topic_subscription has no ARN in state"))?;
        for spec in ATTRIBUTES {
            let before = to_attribute(at.prior, spec);
            let after = to_attribute(at.planned, spec);
            if before == after
                || (spec.argument == "filter_policy_scope"
                    && at.planned.get(spec.argument).is_null())
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
        Ok(arn)
    }

    /// Unsubscribes; a subscription pending confirmation cannot be, and is only forgotten.
    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let client = &at.this.aws.clients().await.sns;
        match sent!(client.unsubscribe().subscription_arn(at.key)) {
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

    /// By natural key: the topic's subscription with this protocol and endpoint.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<Subscription> {
        let client = &at.this.aws.clients().await.sns;
        let Some((topic, protocol, endpoint)) = natural_key(at.planned) else {
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
                    return get(at.this, arn).await;
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
    use crate::aws_object::value_of;
    use crate::Aws;
    use infra_core::ResourceType;

    /// The value read back from these attributes.
    fn to_value(arn: &str, attributes: &HashMap<String, String>, hint: &Value) -> Value {
        let object = Subscription { arn: arn.to_string(), attributes: attributes.clone() };
        let found = Tagged { object, tags: vec![] };
        value_of::<SubscriptionObject>(&found, hint)
    }

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
            ("TopicArn".to_string(), "arn:aws:sns:us-east-1:1:t".to_string()),
            ("RawMessageDelivery".to_string(), "true".to_string()),
            ("PendingConfirmation".to_string(), "true".to_string()),
        ]);
        let hint = Value::map([("endpoint_auto_confirms", Value::Bool(true))]);
        let value = to_value("arn:aws:sns:us-east-1:1:t:x", &attributes, &hint);
        assert_eq!(value.get("raw_message_delivery"), &Value::Bool(true));
        assert_eq!(value.get("pending_confirmation"), &Value::Bool(true));
        assert_eq!(value.get("endpoint_auto_confirms"), &Value::Bool(true));
        assert_eq!(value.get("confirmation_timeout_in_minutes"), &Value::Number(1.0));
    }
}
