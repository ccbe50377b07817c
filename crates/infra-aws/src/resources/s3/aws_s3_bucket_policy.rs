//! `aws_s3_bucket_policy`: a bucket's resource policy (PutBucketPolicy / GetBucketPolicy /
//! DeleteBucketPolicy). ID and import ID: the bucket name. The policy is compared as
//! normalised JSON. The shared implementation is [`crate::s3_support::BucketSubresource`].
//!
//! moto holds and returns the policy, so drift on it is seen in tests.

use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::app_support::{canonical_json, invalid_json, policy_value, string};
use crate::s3_support::{bucket_call, fields, BucketConfig, Fields, Target};

pub struct Policy;

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

    async fn put(at: &Target<'_>, planned: &Value) -> Result<(), ProviderError> {
        let policy = string(planned, "policy").unwrap_or_default();
        bucket_call!(at, put_bucket_policy().policy(canonical_json(&policy))).map(drop)
    }

    async fn get(at: &Target<'_>, hint: &Value) -> Result<Option<Fields>, ProviderError> {
        let output = bucket_call!(at, get_bucket_policy())?;
        match policy_value(output.policy(), hint.get("policy")) {
            Value::Null => Ok(None),
            policy => Ok(Some(fields([("policy", policy)]))),
        }
    }

    async fn delete(at: &Target<'_>, _prior: &Value) -> Result<(), ProviderError> {
        bucket_call!(at, delete_bucket_policy()).map(drop)
    }
}
