//! `aws_sns_topic_policy`: the access policy of an SNS topic, managed apart from the topic.
//!
//! The ID is the topic ARN (also the import ID). Create and update set the topic's `Policy`
//! attribute; delete puts back the default policy SNS gives a new topic, as the provider does.
//! `arn` forces a new resource. Refresh is GetTopicAttributes per topic (SNS has no batched
//! read); a deleted topic means the policy is gone.
//!
//! moto holds and returns the policy and owner, so drift on every attribute is seen in tests.

use infra_core::{Attribute, ProviderError, Type, Value};

use crate::app_support::{
    canonical_json, deleted_or_gone, invalid_json, policy_value, sent, string, text,
};
use crate::aws_object::{
    key_by_key, AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged,
    Updating,
};
use crate::declared::{read, Declared, Reading};
use crate::resources::sns::aws_sns_topic::Topic;
use crate::sns_support::{default_topic_policy, is_gone, topic_attributes};

pub type AwsSnsTopicPolicy = ObjectType<TopicPolicyObject>;

pub struct TopicPolicyObject;

/// Sets the topic's `Policy` attribute.
async fn put(this: &AwsSnsTopicPolicy, planned: &Value) -> Result<String, ProviderError> {
    let client = &this.aws.clients().await.sns;
    let arn = string(planned, "arn")
        .ok_or_else(|| ProviderError::new("aws_sns_topic_policy needs a known arn"))?;
    let policy = string(planned, "policy").unwrap_or_default();
    sent!(client
        .set_topic_attributes()
        .topic_arn(&arn)
        .attribute_name("Policy")
        .attribute_value(canonical_json(&policy)))?;
    Ok(arn)
}

impl AwsObject for TopicPolicyObject {
    type Object = Topic;
    const NAME: &'static str = "aws_sns_topic_policy";
    const KIND: &'static str = "SNS topic";
    const KEY: &'static str = "arn";
    const KEY_OR_ID: bool = true;
    const TAGGED: bool = false;

    /// The attributes, each with how it is read from the topic.
    fn attributes() -> Vec<Declared<Topic>> {
        fn arn(topic: &Topic, _: &Reading) -> Value {
            Value::string(&topic.arn)
        }
        vec![
            read(Attribute::computed("id", Type::String), arn),
            read(Attribute::required("arn", Type::String).force_new(), arn),
            read(Attribute::required("policy", Type::Json), |topic: &Topic, at: &Reading| {
                let policy = topic.attributes.get("Policy").map(String::as_str);
                policy_value(policy, at.prior.get("policy"))
            }),
            read(Attribute::computed("owner", Type::String), |topic: &Topic, _: &Reading| {
                text(topic.attributes.get("Owner").map(String::as_str))
            }),
        ]
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        invalid_json(config, "policy").into_iter().collect()
    }

    /// GetTopicAttributes per topic (SNS has no batched read); a deleted topic means the
    /// policy is gone.
    async fn describe(this: &ObjectType<Self>, arns: &[String]) -> DescribeResult<Topic> {
        let client = &this.aws.clients().await.sns;
        key_by_key(arns, |arn| async move {
            Ok(topic_attributes(client, arn).await?.map(|attributes| {
                let arn = arn.to_string();
                let object = Topic { arn, attributes };
                Tagged { object, tags: vec![] }
            }))
        })
        .await
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        put(at.this, at.planned).await
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        put(at.this, at.planned).await
    }

    /// Puts back the topic's default policy (the topic itself stays).
    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let client = &at.this.aws.clients().await.sns;
        let Some(attributes) = topic_attributes(client, at.key).await? else {
            return Ok(());
        };
        let owner = attributes
            .get("Owner")
            .cloned()
            .or_else(|| string(at.prior, "owner"))
            .unwrap_or_default();
        deleted_or_gone(
            sent!(client
                .set_topic_attributes()
                .topic_arn(at.key)
                .attribute_name("Policy")
                .attribute_value(default_topic_policy(at.key, &owner))),
            is_gone,
        )
    }

    /// By natural key: the topic's policy, when it already is the planned one.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<Topic> {
        let (Some(arn), Some(policy)) = (string(at.planned, "arn"), string(at.planned, "policy"))
        else {
            return Ok(None);
        };
        // The policy read back (`policy_value`) is the planned one when it means the same JSON.
        Ok(at.this.found(&arn).await?.filter(|found| {
            let reported = found.object.attributes.get("Policy");
            reported.filter(|p| !p.trim().is_empty()).map(|p| canonical_json(p))
                == Some(canonical_json(&policy))
        }))
    }
}
