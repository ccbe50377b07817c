//! `aws_s3_bucket_public_access_block`: a bucket's Block Public Access settings
//! (PutPublicAccessBlock / GetPublicAccessBlock / DeletePublicAccessBlock). ID and import ID:
//! the bucket name. Every flag changes in place. The shared implementation is
//! [`crate::s3_support::BucketSubresource`].
//!
//! `skip_destroy` (configuration only) leaves the settings in place on destroy. moto holds and
//! returns every flag, so drift on each is seen in tests.

use aws_sdk_s3::types::PublicAccessBlockConfiguration;
use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::app_support::boolean;
use crate::s3_support::{bucket_call, fields, BucketConfig, Fields, Target};

const FLAGS: &[&str] = &[
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
];

pub struct PublicAccessBlock;

#[async_trait::async_trait]
impl BucketConfig for PublicAccessBlock {
    const NAME: &'static str = "aws_s3_bucket_public_access_block";
    const NOT_CONFIGURED: Option<&'static str> = Some("NoSuchPublicAccessBlockConfiguration");
    const EXPECTED_OWNER: bool = false;

    fn schema() -> Schema {
        let mut schema = Schema::new();
        for flag in FLAGS {
            schema = schema.attr(Attribute::optional(flag, Type::Bool).default(Value::Bool(false)));
        }
        schema.attr(Attribute::optional("skip_destroy", Type::Bool))
    }

    async fn put(at: &Target<'_>, planned: &Value) -> Result<(), ProviderError> {
        let flag = |name: &str| boolean(planned, name).unwrap_or(false);
        bucket_call!(
            at,
            put_public_access_block().public_access_block_configuration(
                PublicAccessBlockConfiguration::builder()
                    .block_public_acls(flag("block_public_acls"))
                    .block_public_policy(flag("block_public_policy"))
                    .ignore_public_acls(flag("ignore_public_acls"))
                    .restrict_public_buckets(flag("restrict_public_buckets"))
                    .build(),
            )
        )
        .map(drop)
    }

    async fn get(at: &Target<'_>, hint: &Value) -> Result<Option<Fields>, ProviderError> {
        let output = bucket_call!(at, get_public_access_block())?;
        let Some(config) = output.public_access_block_configuration() else {
            return Ok(None);
        };
        Ok(Some(fields([
            (
                "block_public_acls",
                Value::Bool(config.block_public_acls().unwrap_or(false)),
            ),
            (
                "block_public_policy",
                Value::Bool(config.block_public_policy().unwrap_or(false)),
            ),
            (
                "ignore_public_acls",
                Value::Bool(config.ignore_public_acls().unwrap_or(false)),
            ),
            (
                "restrict_public_buckets",
                Value::Bool(config.restrict_public_buckets().unwrap_or(false)),
            ),
            (
                "skip_destroy",
                crate::app_support::known(hint, "skip_destroy"),
            ),
        ])))
    }

    async fn delete(at: &Target<'_>, prior: &Value) -> Result<(), ProviderError> {
        if boolean(prior, "skip_destroy") == Some(true) {
            return Ok(());
        }
        bucket_call!(at, delete_public_access_block()).map(drop)
    }
}
