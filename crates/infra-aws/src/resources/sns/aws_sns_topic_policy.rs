//! `aws_sns_topic_policy`: the access policy of an SNS topic, managed apart from the topic.
//!
//! The ID is the topic ARN (also the import ID). Create and update set the topic's `Policy`
//! attribute; delete puts back the default policy SNS gives a new topic, as the provider does.
//! `arn` forces a new resource. Refresh is GetTopicAttributes per topic (SNS has no batched
//! read); a deleted topic means the policy is gone.
//!
//! moto holds and returns the policy and owner, so drift on every attribute is seen in tests.

use std::collections::HashMap;
use std::sync::Arc;

use infra_core::{Attribute, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{
    canonical_json, deleted_or_gone, invalid_json, policy_value, sent, string, text, vanished,
};
use crate::declared::{declare, read, read_in_turn, Declaration, Declared, Reading};
use crate::sns_support::{default_topic_policy, is_gone, topic_attributes};
use crate::Aws;

pub struct AwsSnsTopicPolicy {
    aws: Arc<Aws>,
    schema: Schema,
    declaration: Declaration<Topic>,
}

/// A topic's ARN and its attributes (GetTopicAttributes).
type Topic = (String, HashMap<String, String>);

/// The attributes, each with how it is read from the topic.
fn attributes() -> Vec<Declared<Topic>> {
    fn arn((arn, _): &Topic, _: &Reading) -> Value {
        Value::string(arn)
    }
    vec![
        read(Attribute::computed("id", Type::String), arn),
        read(Attribute::required("arn", Type::String).force_new(), arn),
        read(
            Attribute::required("policy", Type::Json),
            |(_, attributes): &Topic, at: &Reading| {
                let policy = attributes.get("Policy").map(String::as_str);
                policy_value(policy, at.prior.get("policy"))
            },
        ),
        read(
            Attribute::computed("owner", Type::String),
            |(_, attributes): &Topic, _: &Reading| {
                text(attributes.get("Owner").map(String::as_str))
            },
        ),
    ]
}

impl AwsSnsTopicPolicy {
    pub fn new(aws: Arc<Aws>) -> AwsSnsTopicPolicy {
        let (schema, declaration) = declare(Schema::new(), attributes());
        AwsSnsTopicPolicy {
            aws,
            schema,
            declaration,
        }
    }

    async fn read(&self, arn: &str, hint: &Value) -> Result<Option<Value>, ProviderError> {
        let client = &self.aws.clients().await.sns;
        Ok(topic_attributes(client, arn).await?.map(|attributes| {
            let topic = (arn.to_string(), attributes);
            self.declaration.value(&topic, &Reading::of(hint))
        }))
    }

    async fn put(&self, planned: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.sns;
        let arn = string(planned, "arn")
            .ok_or_else(|| ProviderError::new("aws_sns_topic_policy needs a known arn"))?;
        let policy = string(planned, "policy").unwrap_or_default();
        sent!(client
            .set_topic_attributes()
            .topic_arn(&arn)
            .attribute_name("Policy")
            .attribute_value(canonical_json(&policy)))?;
        self.read(&arn, planned)
            .await?
            .ok_or_else(|| vanished("SNS topic", &arn))
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsSnsTopicPolicy {
    fn name(&self) -> &'static str {
        "aws_sns_topic_policy"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        invalid_json(config, "policy").into_iter().collect()
    }

    async fn create(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        self.put(planned).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        _prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        self.put(planned).await
    }

    /// Puts back the topic's default policy (the topic itself stays).
    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.sns;
        let Some(arn) = string(prior, "arn").or_else(|| string(prior, "id")) else {
            return Ok(());
        };
        let Some(attributes) = topic_attributes(client, &arn).await? else {
            return Ok(());
        };
        let owner = attributes
            .get("Owner")
            .cloned()
            .or_else(|| string(prior, "owner"))
            .unwrap_or_default();
        deleted_or_gone(
            sent!(client
                .set_topic_attributes()
                .topic_arn(&arn)
                .attribute_name("Policy")
                .attribute_value(default_topic_policy(&arn, &owner))),
            is_gone,
        )
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        read_in_turn(prior, &["arn", "id"], |arn, p| async move {
            self.read(&arn, p).await
        })
        .await
    }

    /// Terraform's import ID: the topic ARN.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        Ok(infra_core::resource::import_by("arn", id))
    }

    /// By natural key: the topic's policy, when it already is the planned one.
    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let (Some(arn), Some(policy)) = (string(planned, "arn"), string(planned, "policy")) else {
            return Ok(None);
        };
        Ok(self.read(&arn, planned).await?.filter(|found| {
            found.get("policy").as_str().map(canonical_json) == Some(canonical_json(&policy))
        }))
    }
}
