//! `aws_s3_bucket_ownership_controls`: a bucket's Object Ownership setting
//! (PutBucketOwnershipControls / GetBucketOwnershipControls / DeleteBucketOwnershipControls).
//! ID and import ID: the bucket name. The shared implementation is
//! [`crate::s3_support::BucketSubresource`].
//!
//! moto holds and returns the rule, so drift on it is seen in tests.

use aws_sdk_s3::types::{ObjectOwnership, OwnershipControls, OwnershipControlsRule};
use infra_core::{Attribute, Block, Check, ProviderError, Schema, Type, Value};

use crate::app_support::{single, string};
use crate::error::refused;
use crate::s3_support::{bucket_call, fields, BucketConfig, Fields, Target};

pub struct OwnershipControlsConfig;

impl BucketConfig for OwnershipControlsConfig {
    const NAME: &'static str = "aws_s3_bucket_ownership_controls";
    const NOT_CONFIGURED: Option<&'static str> = Some("OwnershipControlsNotFoundError");
    const EXPECTED_OWNER: bool = false;

    fn schema() -> Schema {
        Schema::new().block(
            Block::single(
                "rule",
                Schema::new().attr(Attribute::required("object_ownership", Type::String).check(
                    Check::OneOf(&["BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced"]),
                )),
            )
            .required(),
        )
    }

    async fn put(at: &Target<'_>, planned: &Value) -> Result<(), ProviderError> {
        let ownership = single(planned, "rule")
            .and_then(|r| string(r, "object_ownership"))
            .unwrap_or_else(|| "BucketOwnerEnforced".into());
        let rule = OwnershipControlsRule::builder()
            .object_ownership(ObjectOwnership::from(ownership.as_str()))
            .build()
            .map_err(refused)?;
        bucket_call!(
            at,
            put_bucket_ownership_controls().ownership_controls(
                OwnershipControls::builder().rules(rule).build().map_err(refused)?,
            )
        )
        .map(drop)
    }

    async fn get(at: &Target<'_>, _hint: &Value) -> Result<Option<Fields>, ProviderError> {
        let output = bucket_call!(at, get_bucket_ownership_controls())?;
        let Some(rule) = output.ownership_controls().and_then(|c| c.rules().first()) else {
            return Ok(None);
        };
        Ok(Some(fields([(
            "rule",
            Value::List(vec![Value::map([(
                "object_ownership",
                Value::string(rule.object_ownership().as_str()),
            )])]),
        )])))
    }

    async fn delete(at: &Target<'_>, _prior: &Value) -> Result<(), ProviderError> {
        bucket_call!(at, delete_bucket_ownership_controls()).map(drop)
    }
}
