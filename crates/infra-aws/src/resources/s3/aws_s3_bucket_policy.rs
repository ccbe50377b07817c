//! `aws_s3_bucket_policy`: a bucket's resource policy (PutBucketPolicy / GetBucketPolicy /
//! DeleteBucketPolicy). ID and import ID: the bucket name. The policy is compared as
//! normalised JSON. The shared implementation is [`crate::s3_support::BucketSubresource`].
//!
//! moto holds and returns the policy, so drift on it is seen in tests.

use std::collections::BTreeMap;
use std::sync::Arc;

use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::app_support::{canonical_json, policy_value, string};
use crate::error::aws_error;
use crate::s3_support::{BucketConfig, BucketSubresource};
use crate::Aws;

pub struct Policy;

pub fn new(aws: Arc<Aws>) -> BucketSubresource<Policy> {
    BucketSubresource::new(aws)
}

#[async_trait::async_trait]
impl BucketConfig for Policy {
    const NAME: &'static str = "aws_s3_bucket_policy";
    const NOT_CONFIGURED: Option<&'static str> = Some("NoSuchBucketPolicy");
    const EXPECTED_OWNER: bool = false;

    fn schema() -> Schema {
        Schema::new().attr(Attribute::required("policy", Type::Json))
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        match config.get("policy").as_str() {
            Some(policy) if serde_json::from_str::<serde_json::Value>(policy).is_err() => vec![(
                "policy".to_string(),
                "\"policy\" contains an invalid JSON".to_string(),
            )],
            _ => vec![],
        }
    }

    async fn put(
        client: &aws_sdk_s3::Client,
        bucket: &str,
        _owner: Option<String>,
        planned: &Value,
    ) -> Result<(), ProviderError> {
        let policy = string(planned, "policy").unwrap_or_default();
        client
            .put_bucket_policy()
            .bucket(bucket)
            .policy(canonical_json(&policy))
            .send()
            .await
            .map_err(aws_error)?;
        Ok(())
    }

    async fn get(
        client: &aws_sdk_s3::Client,
        bucket: &str,
        _owner: Option<String>,
        hint: &Value,
    ) -> Result<Option<BTreeMap<String, Value>>, ProviderError> {
        let output = client
            .get_bucket_policy()
            .bucket(bucket)
            .send()
            .await
            .map_err(aws_error)?;
        match policy_value(output.policy(), hint.get("policy")) {
            Value::Null => Ok(None),
            policy => Ok(Some(BTreeMap::from([("policy".to_string(), policy)]))),
        }
    }

    async fn delete(
        client: &aws_sdk_s3::Client,
        bucket: &str,
        _owner: Option<String>,
        _prior: &Value,
    ) -> Result<(), ProviderError> {
        client
            .delete_bucket_policy()
            .bucket(bucket)
            .send()
            .await
            .map_err(aws_error)?;
        Ok(())
    }
}
