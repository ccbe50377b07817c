//! `aws_s3_bucket_versioning`: a bucket's versioning state (PutBucketVersioning /
//! GetBucketVersioning). ID and import ID: the bucket name, or `bucket,expected_bucket_owner`.
//! Delete suspends versioning (a bucket can never return to unversioned), unless the
//! configuration said `Disabled`. A bucket never versioned reads as `Disabled`, as in the
//! provider. The shared implementation is [`crate::s3_support::BucketSubresource`].
//!
//! `mfa` (the device serial and code) is configuration only. moto does not hold MFA delete
//! (`mfa_delete` reads back as configured only when S3 reports it), so drift on `mfa_delete`
//! is not seen in tests.

use aws_sdk_s3::types::{BucketVersioningStatus, MfaDelete, VersioningConfiguration};
use infra_core::{Attribute, Block, Check, ProviderError, Schema, Type, Value};

use crate::app_support::{known, single, string};
use crate::s3_support::{bucket_call, fields, BucketConfig, Fields, Target};

pub struct Versioning;

impl BucketConfig for Versioning {
    const NAME: &'static str = "aws_s3_bucket_versioning";

    fn schema() -> Schema {
        Schema::new().attr(Attribute::optional("mfa", Type::String)).block(
            Block::single(
                "versioning_configuration",
                Schema::new()
                    .attr(Attribute::required("status", Type::String).check(Check::OneOf(&[
                        "Enabled",
                        "Suspended",
                        "Disabled",
                    ])))
                    .attr(
                        Attribute::optional_computed("mfa_delete", Type::String)
                            .check(Check::OneOf(&["Enabled", "Disabled"])),
                    ),
            )
            .required(),
        )
    }

    async fn put(at: &Target<'_>, planned: &Value) -> Result<(), ProviderError> {
        let config = single(planned, "versioning_configuration").cloned().unwrap_or(Value::Null);
        let status = string(&config, "status").unwrap_or_else(|| "Enabled".into());
        if status == "Disabled" {
            // Only a bucket that was never versioned can be "Disabled": nothing to put.
            return Ok(());
        }
        put_versioning(
            at,
            string(planned, "mfa"),
            Some(BucketVersioningStatus::from(status.as_str())),
            string(&config, "mfa_delete").map(|m| MfaDelete::from(m.as_str())),
        )
        .await
    }

    async fn get(at: &Target<'_>, hint: &Value) -> Result<Option<Fields>, ProviderError> {
        let output = bucket_call!(at, get_bucket_versioning())?;
        let status =
            output.status().map(|s| s.as_str().to_string()).unwrap_or_else(|| "Disabled".into());
        let configured = single(hint, "versioning_configuration");
        let mfa_delete = match output.mfa_delete() {
            Some(m) => Value::string(m.as_str()),
            None => configured.map(|c| known(c, "mfa_delete")).unwrap_or(Value::Null),
        };
        Ok(Some(fields([
            ("mfa", known(hint, "mfa")),
            (
                "versioning_configuration",
                Value::List(vec![Value::map([
                    ("status", Value::string(status)),
                    ("mfa_delete", mfa_delete),
                ])]),
            ),
        ])))
    }

    async fn delete(at: &Target<'_>, prior: &Value) -> Result<(), ProviderError> {
        let status = single(prior, "versioning_configuration").and_then(|c| string(c, "status"));
        if status.as_deref() == Some("Disabled") {
            return Ok(());
        }
        put_versioning(at, None, Some(BucketVersioningStatus::Suspended), None).await
    }
}

/// PutBucketVersioning: this resource's, and `aws_s3_bucket`'s deprecated inline
/// `versioning` (which sends a status and MFA delete as the provider expands them).
pub(crate) async fn put_versioning(
    at: &Target<'_>,
    mfa: Option<String>,
    status: Option<BucketVersioningStatus>,
    mfa_delete: Option<MfaDelete>,
) -> Result<(), ProviderError> {
    bucket_call!(
        at,
        put_bucket_versioning().set_mfa(mfa).versioning_configuration(
            VersioningConfiguration::builder()
                .set_status(status)
                .set_mfa_delete(mfa_delete)
                .build(),
        )
    )
    .map(drop)
}
