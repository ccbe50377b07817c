//! `aws_s3_bucket_object_lock_configuration`: a bucket's default Object Lock retention
//! (PutObjectLockConfiguration / GetObjectLockConfiguration). ID and import ID: the bucket
//! name, or `bucket,expected_bucket_owner`. It does not enable Object Lock on a bucket (that is
//! `aws_s3_bucket.object_lock_enabled` at creation, or AWS Support with a `token`): S3 refuses
//! the put on a bucket without it. Delete puts the configuration without a rule, since Object
//! Lock once enabled cannot be turned off, as the provider does. `token` is sent with every put
//! and never read back (sensitive). A zero `days` or `years` reads as unset, as the provider
//! treats it (it sends neither when zero; moto answers an unset one as 0). The shared
//! implementation is [`crate::s3_support::BucketSubresource`].

use aws_sdk_s3::types::{
    DefaultRetention, ObjectLockConfiguration, ObjectLockEnabled, ObjectLockRetentionMode,
    ObjectLockRule,
};
use infra_core::{Attribute, Block, Check, ProviderError, Schema, Type, Value};

use crate::app_support::{int, known, number, single, string};
use crate::s3_support::{bucket_call, fields, BucketConfig, Fields, Target};

pub struct ObjectLock;

/// The configuration `planned` asks for: enabled, with its default retention unless `rule`
/// is left out (or `without_rule`, for delete).
pub(crate) fn configuration(planned: &Value, without_rule: bool) -> ObjectLockConfiguration {
    let retention = single(planned, "rule")
        .filter(|_| !without_rule)
        .and_then(|rule| single(rule, "default_retention"));
    let rule = retention.map(|retention| {
        ObjectLockRule::builder()
            .default_retention(
                DefaultRetention::builder()
                    .set_days(int(retention, "days").filter(|d| *d > 0))
                    .set_years(int(retention, "years").filter(|y| *y > 0))
                    .set_mode(
                        string(retention, "mode")
                            .map(|m| ObjectLockRetentionMode::from(m.as_str())),
                    )
                    .build(),
            )
            .build()
    });
    ObjectLockConfiguration::builder()
        .object_lock_enabled(ObjectLockEnabled::from(
            string(planned, "object_lock_enabled")
                .filter(|e| !e.is_empty())
                .unwrap_or_else(|| "Enabled".into())
                .as_str(),
        ))
        .set_rule(rule)
        .build()
}

async fn put(at: &Target<'_>, planned: &Value, without_rule: bool) -> Result<(), ProviderError> {
    bucket_call!(
        at,
        put_object_lock_configuration()
            .set_token(string(planned, "token").filter(|t| !t.is_empty()))
            .object_lock_configuration(configuration(planned, without_rule))
    )
    .map(drop)
}

impl BucketConfig for ObjectLock {
    const NAME: &'static str = "aws_s3_bucket_object_lock_configuration";
    const NOT_CONFIGURED: Option<&'static str> = Some("ObjectLockConfigurationNotFoundError");

    fn schema() -> Schema {
        Schema::new()
            .attr(
                Attribute::optional("object_lock_enabled", Type::String)
                    .default(Value::string("Enabled"))
                    .check(Check::OneOf(&["Enabled"]))
                    .force_new(),
            )
            .attr(Attribute::optional("token", Type::String).sensitive())
            .block(Block::single(
                "rule",
                Schema::new().block(
                    Block::single(
                        "default_retention",
                        Schema::new()
                            .attr(Attribute::optional("days", Type::Number))
                            .attr(
                                Attribute::optional("mode", Type::String)
                                    .check(Check::OneOf(&["GOVERNANCE", "COMPLIANCE"])),
                            )
                            .attr(Attribute::optional("years", Type::Number)),
                    )
                    .required(),
                ),
            ))
    }

    async fn put(at: &Target<'_>, planned: &Value) -> Result<(), ProviderError> {
        put(at, planned, false).await
    }

    async fn get(at: &Target<'_>, hint: &Value) -> Result<Option<Fields>, ProviderError> {
        let output = bucket_call!(at, get_object_lock_configuration())?;
        let Some(configuration) = output.object_lock_configuration() else {
            return Ok(None);
        };
        let rule = match configuration.rule() {
            None => Value::List(vec![]),
            Some(rule) => Value::List(vec![Value::map([(
                "default_retention",
                match rule.default_retention() {
                    None => Value::List(vec![]),
                    Some(retention) => Value::List(vec![Value::map([
                        ("days", number(retention.days().filter(|d| *d > 0).map(i64::from))),
                        (
                            "mode",
                            retention.mode().map_or(Value::Null, |m| Value::string(m.as_str())),
                        ),
                        ("years", number(retention.years().filter(|y| *y > 0).map(i64::from))),
                    ])]),
                },
            )])]),
        };
        Ok(Some(fields([
            (
                "object_lock_enabled",
                configuration
                    .object_lock_enabled()
                    .map_or(Value::Null, |e| Value::string(e.as_str())),
            ),
            ("rule", rule),
            ("token", known(hint, "token")),
        ])))
    }

    async fn delete(at: &Target<'_>, prior: &Value) -> Result<(), ProviderError> {
        put(at, prior, true).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_is_sent_unless_deleting() {
        let planned = Value::map([
            ("object_lock_enabled", Value::string("Enabled")),
            (
                "rule",
                Value::List(vec![Value::map([(
                    "default_retention",
                    Value::List(vec![Value::map([
                        ("mode", Value::string("COMPLIANCE")),
                        ("days", Value::Number(5.0)),
                        ("years", Value::Null),
                    ])]),
                )])]),
            ),
        ]);
        let sent = configuration(&planned, false);
        let retention = sent.rule().and_then(|r| r.default_retention()).expect("a rule");
        assert_eq!(retention.days(), Some(5));
        assert_eq!(retention.years(), None);
        assert_eq!(retention.mode(), Some(&ObjectLockRetentionMode::Compliance));
        assert!(configuration(&planned, true).rule().is_none());
    }
}
