//! `aws_s3_bucket_logging`: a bucket's server access logging (PutBucketLogging /
//! GetBucketLogging). ID and import ID: the bucket name, or `bucket,expected_bucket_owner`.
//! `bucket` and `expected_bucket_owner` force replacement; the target, prefix, grants and key
//! format change in place. Delete puts an empty `BucketLoggingStatus` (logging off), as the
//! provider does; a bucket whose logging is off has no such resource. Refresh reads each bucket
//! with one GetBucketLogging call (S3 has no batch read). The shared implementation is
//! [`crate::s3_support::BucketSubresource`].
//!
//! S3 (and moto) accept the configuration only when the target bucket lets the logging service
//! write: a bucket policy allowing `logging.s3.amazonaws.com` to `s3:PutObject` on the target,
//! or the `log-delivery-write` ACL. Grants need a target bucket whose object ownership is not
//! `BucketOwnerEnforced`. `target_grant.grantee.display_name` is computed (S3 no longer
//! reports it).
//!
//! moto does not return `target_object_key_format`, so the configured one is kept when the
//! answer leaves it out, and drift on it is not seen in tests (nor, on AWS, a key format
//! removed outside infra). moto does not hold a grantee's `email_address` (an
//! `AmazonCustomerByEmail` grantee reads back as a `CanonicalUser` without an ID), so grants to
//! e-mail addresses drift in tests.

use std::collections::BTreeMap;

use aws_sdk_s3::types::{
    BucketLoggingStatus, BucketLogsPermission, LoggingEnabled, PartitionDateSource,
    PartitionedPrefix, SimplePrefix, TargetGrant, TargetObjectKeyFormat,
};
use infra_core::{Attribute, Block, Check, ProviderError, Schema, Type, Value};

use crate::app_support::{blocks, known, single, string, text};
use crate::error::built;
use crate::s3_support::{
    bucket_call, fields, grant_value, grantee_of, BucketConfig, Fields, Target,
};

const GRANTEE_TYPES: &[&str] = &["CanonicalUser", "AmazonCustomerByEmail", "Group"];
const PERMISSIONS: &[&str] = &["FULL_CONTROL", "READ", "WRITE"];
const DATE_SOURCES: &[&str] = &["EventTime", "DeliveryTime"];
/// A key format is partitioned or simple: the provider's `ExactlyOneOf` on each.
const KEY_FORMATS: &[&str] =
    &["target_object_key_format.0.partitioned_prefix", "target_object_key_format.0.simple_prefix"];

pub struct Logging;

fn target_grant(value: &Value) -> Result<TargetGrant, ProviderError> {
    Ok(TargetGrant::builder()
        .set_grantee(grantee_of(value)?)
        .set_permission(string(value, "permission").map(|p| BucketLogsPermission::from(p.as_str())))
        .build())
}

fn key_format(value: &Value) -> TargetObjectKeyFormat {
    let partitioned = single(value, "partitioned_prefix").map(|p| {
        PartitionedPrefix::builder()
            .set_partition_date_source(
                string(p, "partition_date_source").map(|s| PartitionDateSource::from(s.as_str())),
            )
            .build()
    });
    let simple = single(value, "simple_prefix").map(|_| SimplePrefix::builder().build());
    TargetObjectKeyFormat::builder()
        .set_partitioned_prefix(partitioned)
        .set_simple_prefix(simple)
        .build()
}

fn logging_enabled(planned: &Value) -> Result<LoggingEnabled, ProviderError> {
    let grants =
        blocks(planned, "target_grant").iter().map(target_grant).collect::<Result<Vec<_>, _>>()?;
    built(
        LoggingEnabled::builder()
            .target_bucket(string(planned, "target_bucket").unwrap_or_default())
            .target_prefix(string(planned, "target_prefix").unwrap_or_default())
            .set_target_grants(Some(grants).filter(|g| !g.is_empty()))
            .set_target_object_key_format(
                single(planned, "target_object_key_format").map(key_format),
            )
            .build(),
    )
}

fn target_grant_value(grant: &TargetGrant) -> Value {
    grant_value(grant.grantee(), grant.permission().map(|p| p.as_str()))
}

fn key_format_value(format: &TargetObjectKeyFormat) -> Value {
    let partitioned = format.partitioned_prefix().map(|p| {
        Value::map([("partition_date_source", text(p.partition_date_source().map(|s| s.as_str())))])
    });
    let simple = format.simple_prefix().map(|_| Value::Map(BTreeMap::new()));
    Value::List(vec![Value::map([
        ("partitioned_prefix", Value::List(partitioned.into_iter().collect())),
        ("simple_prefix", Value::List(simple.into_iter().collect())),
    ])])
}

fn logging_value(enabled: &LoggingEnabled, hint: &Value) -> Fields {
    let key_format = match enabled.target_object_key_format() {
        Some(format) => key_format_value(format),
        // moto does not return the key format: keep the configured one.
        None => match known(hint, "target_object_key_format") {
            Value::Null => Value::List(vec![]),
            configured => configured,
        },
    };
    fields([
        ("target_bucket", Value::string(enabled.target_bucket())),
        ("target_prefix", Value::string(enabled.target_prefix())),
        (
            "target_grant",
            Value::List(enabled.target_grants().iter().map(target_grant_value).collect()),
        ),
        ("target_object_key_format", key_format),
    ])
}

impl BucketConfig for Logging {
    const NAME: &'static str = "aws_s3_bucket_logging";

    fn schema() -> Schema {
        let grantee = Schema::new()
            .attr(Attribute::computed("display_name", Type::String))
            .attr(Attribute::optional("email_address", Type::String))
            .attr(Attribute::optional("id", Type::String))
            .attr(Attribute::required("type", Type::String).check(Check::OneOf(GRANTEE_TYPES)))
            .attr(Attribute::optional("uri", Type::String));
        Schema::new()
            .attr(Attribute::required("target_bucket", Type::String))
            .attr(Attribute::required("target_prefix", Type::String))
            .block(Block::set(
                "target_grant",
                Schema::new().block(Block::single("grantee", grantee).required()).attr(
                    Attribute::required("permission", Type::String)
                        .check(Check::OneOf(PERMISSIONS)),
                ),
            ))
            .block(Block::single(
                "target_object_key_format",
                Schema::new()
                    .block(
                        Block::single(
                            "partitioned_prefix",
                            Schema::new().attr(
                                Attribute::required("partition_date_source", Type::String)
                                    .check(Check::OneOf(DATE_SOURCES)),
                            ),
                        )
                        .exactly_one_of(KEY_FORMATS),
                    )
                    .block(
                        Block::single("simple_prefix", Schema::new()).exactly_one_of(KEY_FORMATS),
                    ),
            ))
    }

    async fn put(at: &Target<'_>, planned: &Value) -> Result<(), ProviderError> {
        bucket_call!(
            at,
            put_bucket_logging().bucket_logging_status(
                BucketLoggingStatus::builder().logging_enabled(logging_enabled(planned)?).build(),
            )
        )
        .map(drop)
    }

    async fn get(at: &Target<'_>, hint: &Value) -> Result<Option<Fields>, ProviderError> {
        let output = bucket_call!(at, get_bucket_logging())?;
        // Logging off: the resource is gone, as in the provider.
        Ok(output.logging_enabled().map(|enabled| logging_value(enabled, hint)))
    }

    async fn delete(at: &Target<'_>, _prior: &Value) -> Result<(), ProviderError> {
        bucket_call!(
            at,
            put_bucket_logging().bucket_logging_status(BucketLoggingStatus::builder().build())
        )
        .map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::s3_support::log_delivery_grant;

    fn planned() -> Value {
        Value::map([
            ("target_bucket", Value::string("logs")),
            ("target_prefix", Value::string("access/")),
            ("target_grant", Value::List(vec![log_delivery_grant("WRITE")])),
            (
                "target_object_key_format",
                Value::List(vec![Value::map([(
                    "partitioned_prefix",
                    Value::List(vec![Value::map([(
                        "partition_date_source",
                        Value::string("EventTime"),
                    )])]),
                )])]),
            ),
        ])
    }

    #[test]
    fn the_configuration_round_trips() {
        let enabled = logging_enabled(&planned()).unwrap();
        let value = logging_value(&enabled, &Value::Null);
        assert_eq!(value["target_prefix"].as_str(), Some("access/"));
        let grant = &value["target_grant"].as_list().unwrap()[0];
        assert_eq!(grant.get("permission").as_str(), Some("WRITE"));
        let grantee = &grant.get("grantee").as_list().unwrap()[0];
        assert_eq!(grantee.get("type").as_str(), Some("Group"));
        assert!(grantee.get("id").is_null());
        let format = &value["target_object_key_format"].as_list().unwrap()[0];
        let partitioned = &format.get("partitioned_prefix").as_list().unwrap()[0];
        assert_eq!(partitioned.get("partition_date_source").as_str(), Some("EventTime"));
    }

    #[test]
    fn a_missing_key_format_keeps_the_configured_one() {
        let enabled = LoggingEnabled::builder()
            .target_bucket("logs")
            .target_prefix("access/")
            .build()
            .unwrap();
        let value = logging_value(&enabled, &planned());
        assert_eq!(value["target_object_key_format"], *planned().get("target_object_key_format"));
        let none = logging_value(&enabled, &Value::Null);
        assert_eq!(none["target_object_key_format"], Value::List(vec![]));
    }

    #[test]
    fn exactly_one_key_format() {
        let config =
            |format: Value| Value::map([("target_object_key_format", Value::List(vec![format]))]);
        let problems = |format: Value| {
            let mut config = config(format);
            if let Some(entries) = config.map_mut() {
                entries.insert("bucket".to_string(), Value::string("logs"));
                entries.insert("target_bucket".to_string(), Value::string("archive"));
                entries.insert("target_prefix".to_string(), Value::string("log/"));
            }
            Logging::schema().validate(&config)
        };
        let neither = problems(Value::map([("simple_prefix", Value::List(vec![]))]));
        let keys = "target_object_key_format.0.partitioned_prefix,\
                    target_object_key_format.0.simple_prefix";
        assert_eq!(
            neither,
            [
                (
                    "target_object_key_format[0].partitioned_prefix".to_string(),
                    format!(
                        "\"target_object_key_format.0.partitioned_prefix\": one of `{keys}` must \
                         be specified"
                    )
                ),
                (
                    "target_object_key_format[0].simple_prefix".to_string(),
                    format!(
                        "\"target_object_key_format.0.simple_prefix\": one of `{keys}` must be \
                         specified"
                    )
                ),
            ]
        );
        let simple = problems(Value::map([(
            "simple_prefix",
            Value::List(vec![Value::Map(BTreeMap::new())]),
        )]));
        assert!(simple.is_empty(), "{simple:?}");
    }
}
