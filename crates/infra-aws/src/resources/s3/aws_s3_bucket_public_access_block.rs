//! `aws_s3_bucket_public_access_block`: a bucket's Block Public Access settings
//! (PutPublicAccessBlock / GetPublicAccessBlock / DeletePublicAccessBlock). ID and import ID:
//! the bucket name. Every flag changes in place. The shared implementation is
//! [`crate::s3_support::BucketSubresource`].
//!
//! `skip_destroy` (configuration only) leaves the settings in place on destroy. moto holds and
//! returns every flag, so drift on each is seen in tests.

use aws_sdk_s3::types::PublicAccessBlockConfiguration as Config;
use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::app_support::{boolean, known};
use crate::s3_support::{bucket_call, fields, BucketConfig, Fields, Target};

/// How a flag is read from AWS's configuration.
type ConfigFlag = fn(&Config) -> Option<bool>;

/// The four flags, each with how it is read from AWS's configuration.
const FLAGS: &[(&str, ConfigFlag)] = &[
    ("block_public_acls", Config::block_public_acls),
    ("block_public_policy", Config::block_public_policy),
    ("ignore_public_acls", Config::ignore_public_acls),
    ("restrict_public_buckets", Config::restrict_public_buckets),
];

pub struct PublicAccessBlock;

impl BucketConfig for PublicAccessBlock {
    const NAME: &'static str = "aws_s3_bucket_public_access_block";
    const NOT_CONFIGURED: Option<&'static str> = Some("NoSuchPublicAccessBlockConfiguration");
    const EXPECTED_OWNER: bool = false;

    fn schema() -> Schema {
        let mut schema = Schema::new();
        for (flag, _) in FLAGS {
            schema = schema.attr(Attribute::optional(flag, Type::Bool).default(Value::Bool(false)));
        }
        schema.attr(Attribute::optional("skip_destroy", Type::Bool))
    }

    async fn put(at: &Target<'_>, planned: &Value) -> Result<(), ProviderError> {
        let flag = |name: &str| boolean(planned, name).unwrap_or(false);
        bucket_call!(
            at,
            put_public_access_block().public_access_block_configuration(
                Config::builder()
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
        let flags =
            FLAGS.iter().map(|(name, read)| (*name, Value::Bool(read(config).unwrap_or(false))));
        let skip_destroy = ("skip_destroy", known(hint, "skip_destroy"));
        Ok(Some(fields(flags.chain([skip_destroy]))))
    }

    async fn delete(at: &Target<'_>, prior: &Value) -> Result<(), ProviderError> {
        if crate::aws_object::skips_destroy(prior) {
            return Ok(());
        }
        bucket_call!(at, delete_public_access_block()).map(drop)
    }
}
