//! `aws_s3_bucket_server_side_encryption_configuration`: a bucket's default encryption
//! (PutBucketEncryption / GetBucketEncryption / DeleteBucketEncryption). ID and import ID: the
//! bucket name, or `bucket,expected_bucket_owner`. Every rule changes in place. The shared
//! implementation is [`crate::s3_support::BucketSubresource`].
//!
//! S3 keeps SSE-S3 (`AES256`) as the default encryption after a delete; the resource is gone
//! from state then. moto does not return `bucket_key_enabled` when it was not sent, so it reads
//! as false.
//!
//! Not supported yet ([`Schema::not_supported`]): a rule's `blocked_encryption_types`.

use aws_sdk_s3::types::{
    ServerSideEncryption, ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration,
    ServerSideEncryptionRule,
};
use infra_core::{Attribute, Block, Check, ProviderError, Schema, Type, Value};

use crate::app_support::{blocks, boolean, non_empty, single, string, text};
use crate::error::built;
use crate::s3_support::{bucket_call, fields, BucketConfig, Fields, Target};

/// The default encryption algorithms a rule takes.
const SSE_ALGORITHMS: &[&str] = &["AES256", "aws:kms", "aws:kms:dsse"];

pub struct Encryption;

/// A rule's `apply_server_side_encryption_by_default` (here, and in `aws_s3_bucket`'s
/// deprecated inline `server_side_encryption_configuration`, where the block is required).
pub(crate) fn by_default_schema() -> Schema {
    Schema::new()
        .attr(
            Attribute::required("sse_algorithm", Type::String).check(Check::OneOf(SSE_ALGORITHMS)),
        )
        .attr(Attribute::optional("kms_master_key_id", Type::String))
}

impl BucketConfig for Encryption {
    const NAME: &'static str = "aws_s3_bucket_server_side_encryption_configuration";
    const NOT_CONFIGURED: Option<&'static str> =
        Some("ServerSideEncryptionConfigurationNotFoundError");

    fn schema() -> Schema {
        Schema::new().block(
            Block::set(
                "rule",
                Schema::new()
                    .attr(Attribute::optional("bucket_key_enabled", Type::Bool))
                    .not_supported(
                        "blocked_encryption_types",
                        Type::list(Type::String),
                        "block encryption types with a bucket policy",
                    )
                    .block(Block::single(
                        "apply_server_side_encryption_by_default",
                        by_default_schema(),
                    )),
            )
            .required(),
        )
    }

    async fn put(at: &Target<'_>, planned: &Value) -> Result<(), ProviderError> {
        let mut rules = Vec::new();
        for rule in blocks(planned, "rule") {
            let default = match single(rule, "apply_server_side_encryption_by_default") {
                Some(default) => Some(built(
                    ServerSideEncryptionByDefault::builder()
                        .set_sse_algorithm(
                            string(default, "sse_algorithm")
                                .map(|a| ServerSideEncryption::from(a.as_str())),
                        )
                        .set_kms_master_key_id(non_empty(default, "kms_master_key_id"))
                        .build(),
                )?),
                None => None,
            };
            rules.push(
                ServerSideEncryptionRule::builder()
                    .set_apply_server_side_encryption_by_default(default)
                    .set_bucket_key_enabled(boolean(rule, "bucket_key_enabled"))
                    .build(),
            );
        }
        bucket_call!(
            at,
            put_bucket_encryption().server_side_encryption_configuration(built(
                ServerSideEncryptionConfiguration::builder().set_rules(Some(rules)).build(),
            )?)
        )
        .map(drop)
    }

    async fn get(at: &Target<'_>, hint: &Value) -> Result<Option<Fields>, ProviderError> {
        let output = bucket_call!(at, get_bucket_encryption())?;
        let Some(config) = output.server_side_encryption_configuration() else {
            return Ok(None);
        };
        // bucket_key_enabled: S3 reports false for "not set"; a configuration that left it
        // out keeps null.
        let configured_key =
            blocks(hint, "rule").iter().any(|r| !r.get("bucket_key_enabled").is_null());
        let rules = config
            .rules()
            .iter()
            .map(|rule| {
                let key = match rule.bucket_key_enabled() {
                    Some(true) => Value::Bool(true),
                    Some(false) if configured_key => Value::Bool(false),
                    _ if configured_key => Value::Bool(false),
                    _ => Value::Null,
                };
                Value::map([
                    ("bucket_key_enabled", key),
                    (
                        "apply_server_side_encryption_by_default",
                        Value::List(
                            rule.apply_server_side_encryption_by_default()
                                .map(|d| {
                                    Value::map([
                                        (
                                            "sse_algorithm",
                                            Value::string(d.sse_algorithm().as_str()),
                                        ),
                                        ("kms_master_key_id", text(d.kms_master_key_id())),
                                    ])
                                })
                                .into_iter()
                                .collect(),
                        ),
                    ),
                ])
            })
            .collect();
        Ok(Some(fields([("rule", Value::List(rules))])))
    }

    async fn delete(at: &Target<'_>, _prior: &Value) -> Result<(), ProviderError> {
        bucket_call!(at, delete_bucket_encryption()).map(drop)
    }
}
