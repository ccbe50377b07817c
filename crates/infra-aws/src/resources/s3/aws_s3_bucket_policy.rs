//! `aws_s3_bucket_policy`: a bucket's resource policy (PutBucketPolicy / GetBucketPolicy /
//! DeleteBucketPolicy). ID and import ID: the bucket name. The policy is compared as
//! normalised JSON. The shared implementation is [`crate::s3_support::BucketSubresource`].
//!
//! moto holds and returns the policy, so drift on it is seen in tests.

use std::collections::BTreeMap;
use std::sync::Arc;

use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::app_support::{canonical_json, invalid_json, policy_value, string};
use crate::s3_support::{bucket_call, BucketConfig, BucketSubresource};
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
        invalid_json(config, "policy").into_iter().collect()
    }

    async fn put(
        client: &aws_sdk_s3::Client,
        bucket: &str,
        _owner: Option<String>,
        planned: &Value,
    ) -> Result<(), ProviderError> {
        let policy = string(planned, "policy").unwrap_or_default();
        bucket_call!(
            client,
            put_bucket_policy(bucket).policy(canonical_json(&policy))
        )?;
        Ok(())
    }

    async fn get(
        client: &aws_sdk_s3::Client,
        bucket: &str,
        _owner: Option<String>,
        hint: &Value,
    ) -> Result<Option<BTreeMap<String, Value>>, ProviderError> {
        let output = bucket_call!(client, get_bucket_policy(bucket))?;
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
        bucket_call!(client, delete_bucket_policy(bucket))?;
        Ok(())
    }
}
