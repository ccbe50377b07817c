//! `aws_s3_bucket_lifecycle_configuration`: a bucket's lifecycle rules (expiration,
//! transitions, noncurrent versions, incomplete multipart uploads), put and read as a whole
//! (PutBucketLifecycleConfiguration / GetBucketLifecycleConfiguration /
//! DeleteBucketLifecycle). ID and import ID: the bucket name, or
//! `bucket,expected_bucket_owner`. Every rule changes in place. The shared implementation is
//! [`crate::s3_support::BucketSubresource`].
//!
//! A rule with neither `filter` nor the deprecated `prefix` applies to every object (an empty
//! filter prefix is sent, as the provider does). moto does not return
//! `transition_default_minimum_object_size`, so it is kept from the configuration when the answer
//! leaves it out, and drift on it is not seen in tests.

use std::collections::BTreeMap;

use aws_sdk_s3::types::{
    AbortIncompleteMultipartUpload, BucketLifecycleConfiguration, ExpirationStatus,
    LifecycleExpiration, LifecycleRule, LifecycleRuleAndOperator, LifecycleRuleFilter,
    NoncurrentVersionExpiration, NoncurrentVersionTransition, Tag, Transition,
    TransitionDefaultMinimumObjectSize, TransitionStorageClass,
};
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use infra_core::{Attribute, Block, Check, ProviderError, Schema, Type, Value};

use crate::app_support::{blocks, boolean, int, known, non_empty, number, single, string, text};
use crate::error::built;
use crate::s3_support::{bucket_call, fields, BucketConfig, Fields, Target};

/// The storage classes a transition takes (here and in `aws_s3_bucket`'s deprecated inline
/// `lifecycle_rule`).
pub(crate) const STORAGE_CLASSES: &[&str] =
    &["GLACIER", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "DEEP_ARCHIVE", "GLACIER_IR"];

pub struct Lifecycle;

fn n(name: &'static str) -> Attribute {
    Attribute::optional(name, Type::Number)
}

fn date(value: &Value, key: &str) -> Result<Option<DateTime>, ProviderError> {
    match non_empty(value, key) {
        Some(text) => DateTime::from_str(&text, Format::DateTime).map(Some).map_err(|_| {
            ProviderError::new(format!(
                "{key} \"{text}\" is not an RFC 3339 date (e.g. \"2024-01-01T00:00:00Z\")"
            ))
        }),
        None => Ok(None),
    }
}

fn date_value(date: Option<&DateTime>) -> Value {
    text(date.and_then(|d| d.fmt(Format::DateTime).ok()).as_deref())
}

fn long(value: &Value, key: &str) -> Option<i64> {
    value.get(key).as_i64()
}

fn s3_tag(key: &str, value: &str) -> Result<Tag, ProviderError> {
    built(Tag::builder().key(key).value(value).build())
}

fn filter(rule: &Value) -> Result<LifecycleRuleFilter, ProviderError> {
    let Some(filter) = single(rule, "filter") else {
        return Ok(LifecycleRuleFilter::builder()
            .set_prefix(if string(rule, "prefix").is_some() { None } else { Some(String::new()) })
            .build());
    };
    let mut builder = LifecycleRuleFilter::builder()
        .set_prefix(string(filter, "prefix"))
        .set_object_size_greater_than(long(filter, "object_size_greater_than"))
        .set_object_size_less_than(long(filter, "object_size_less_than"));
    if let Some(tag) = single(filter, "tag") {
        builder = builder.tag(s3_tag(
            &string(tag, "key").unwrap_or_default(),
            &string(tag, "value").unwrap_or_default(),
        )?);
    }
    if let Some(and) = single(filter, "and") {
        let tags = and
            .get("tags")
            .as_map()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| s3_tag(k, v.as_str().unwrap_or_default()))
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;
        builder = builder.and(
            LifecycleRuleAndOperator::builder()
                .set_prefix(string(and, "prefix"))
                .set_tags(tags)
                .set_object_size_greater_than(long(and, "object_size_greater_than"))
                .set_object_size_less_than(long(and, "object_size_less_than"))
                .build(),
        );
    }
    Ok(builder.build())
}

/// A rule of this resource's shape as S3 takes it (also `aws_s3_bucket`'s deprecated inline
/// `lifecycle_rule`, converted to this shape). The rule-level `prefix` is deprecated in S3
/// (and in the provider) but still accepted.
#[allow(deprecated)]
pub(crate) fn rule(rule: &Value) -> Result<LifecycleRule, ProviderError> {
    let mut builder = LifecycleRule::builder()
        .set_id(string(rule, "id"))
        .set_prefix(string(rule, "prefix"))
        .status(ExpirationStatus::from(string(rule, "status").unwrap_or_default().as_str()))
        .filter(filter(rule)?);
    if let Some(abort) = single(rule, "abort_incomplete_multipart_upload") {
        builder = builder.abort_incomplete_multipart_upload(
            AbortIncompleteMultipartUpload::builder()
                .set_days_after_initiation(int(abort, "days_after_initiation"))
                .build(),
        );
    }
    if let Some(expiration) = single(rule, "expiration") {
        builder = builder.expiration(
            LifecycleExpiration::builder()
                .set_date(date(expiration, "date")?)
                .set_days(int(expiration, "days").filter(|d| *d > 0))
                .set_expired_object_delete_marker(
                    boolean(expiration, "expired_object_delete_marker").filter(|m| *m),
                )
                .build(),
        );
    }
    if let Some(expiration) = single(rule, "noncurrent_version_expiration") {
        builder = builder.noncurrent_version_expiration(
            NoncurrentVersionExpiration::builder()
                .set_noncurrent_days(int(expiration, "noncurrent_days"))
                .set_newer_noncurrent_versions(int(expiration, "newer_noncurrent_versions"))
                .build(),
        );
    }
    for transition in blocks(rule, "noncurrent_version_transition") {
        builder = builder.noncurrent_version_transitions(
            NoncurrentVersionTransition::builder()
                .set_noncurrent_days(int(transition, "noncurrent_days"))
                .set_newer_noncurrent_versions(int(transition, "newer_noncurrent_versions"))
                .set_storage_class(
                    string(transition, "storage_class")
                        .map(|c| TransitionStorageClass::from(c.as_str())),
                )
                .build(),
        );
    }
    for transition in blocks(rule, "transition") {
        builder = builder.transitions(
            Transition::builder()
                .set_date(date(transition, "date")?)
                .set_days(int(transition, "days"))
                .set_storage_class(
                    string(transition, "storage_class")
                        .map(|c| TransitionStorageClass::from(c.as_str())),
                )
                .build(),
        );
    }
    built(builder.build())
}

fn tags_value(tags: &[Tag]) -> Value {
    if tags.is_empty() {
        Value::Null
    } else {
        Value::Map(tags.iter().map(|t| (t.key().to_string(), Value::string(t.value()))).collect())
    }
}

fn filter_value(filter: Option<&LifecycleRuleFilter>, hint: Option<&Value>) -> Value {
    let Some(f) = filter else {
        return Value::List(vec![]);
    };
    let empty = f.prefix().unwrap_or_default().is_empty()
        && f.tag().is_none()
        && f.and().is_none()
        && f.object_size_greater_than().is_none()
        && f.object_size_less_than().is_none();
    // The empty filter sent for a rule with neither filter nor prefix reads back as no filter.
    if empty && hint.is_some_and(|h| single(h, "filter").is_none()) {
        return Value::List(vec![]);
    }
    Value::List(vec![Value::map([
        ("prefix", text(f.prefix())),
        ("object_size_greater_than", number(f.object_size_greater_than())),
        ("object_size_less_than", number(f.object_size_less_than())),
        (
            "tag",
            Value::List(
                f.tag()
                    .map(|t| {
                        Value::map([
                            ("key", Value::string(t.key())),
                            ("value", Value::string(t.value())),
                        ])
                    })
                    .into_iter()
                    .collect(),
            ),
        ),
        (
            "and",
            Value::List(
                f.and()
                    .map(|a| {
                        Value::map([
                            ("prefix", text(a.prefix())),
                            ("tags", tags_value(a.tags())),
                            ("object_size_greater_than", number(a.object_size_greater_than())),
                            ("object_size_less_than", number(a.object_size_less_than())),
                        ])
                    })
                    .into_iter()
                    .collect(),
            ),
        ),
    ])])
}

#[allow(deprecated)]
fn rule_value(rule: &LifecycleRule, hint: Option<&Value>) -> Value {
    let int_value = |n: Option<i32>| number(n.map(i64::from));
    Value::map([
        ("id", text(rule.id())),
        ("status", Value::string(rule.status().as_str())),
        ("prefix", text(rule.prefix())),
        ("filter", filter_value(rule.filter(), hint)),
        (
            "abort_incomplete_multipart_upload",
            Value::List(
                rule.abort_incomplete_multipart_upload()
                    .map(|a| {
                        Value::map([(
                            "days_after_initiation",
                            int_value(a.days_after_initiation()),
                        )])
                    })
                    .into_iter()
                    .collect(),
            ),
        ),
        (
            "expiration",
            Value::List(
                rule.expiration()
                    .map(|e| {
                        Value::map([
                            ("date", date_value(e.date())),
                            ("days", int_value(e.days())),
                            (
                                "expired_object_delete_marker",
                                Value::Bool(e.expired_object_delete_marker().unwrap_or(false)),
                            ),
                        ])
                    })
                    .into_iter()
                    .collect(),
            ),
        ),
        (
            "noncurrent_version_expiration",
            Value::List(
                rule.noncurrent_version_expiration()
                    .map(|e| {
                        Value::map([
                            ("noncurrent_days", int_value(e.noncurrent_days())),
                            ("newer_noncurrent_versions", int_value(e.newer_noncurrent_versions())),
                        ])
                    })
                    .into_iter()
                    .collect(),
            ),
        ),
        (
            "noncurrent_version_transition",
            Value::List(
                rule.noncurrent_version_transitions()
                    .iter()
                    .map(|t| {
                        Value::map([
                            ("noncurrent_days", int_value(t.noncurrent_days())),
                            ("newer_noncurrent_versions", int_value(t.newer_noncurrent_versions())),
                            ("storage_class", text(t.storage_class().map(|c| c.as_str()))),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "transition",
            Value::List(
                rule.transitions()
                    .iter()
                    .map(|t| {
                        Value::map([
                            ("date", date_value(t.date())),
                            ("days", int_value(t.days())),
                            ("storage_class", text(t.storage_class().map(|c| c.as_str()))),
                        ])
                    })
                    .collect(),
            ),
        ),
    ])
}

impl BucketConfig for Lifecycle {
    const NAME: &'static str = "aws_s3_bucket_lifecycle_configuration";
    const NOT_CONFIGURED: Option<&'static str> = Some("NoSuchLifecycleConfiguration");

    /// The provider's upgrader from the SDKv2 shape (version 0) to the framework's: sizes and
    /// version counts that were strings are numbers, and empty strings are null.
    fn upgrade_state(from: u64, mut value: Value) -> Result<Value, String> {
        if from != 0 {
            return Ok(value);
        }
        let rules = value
            .map_mut()
            .and_then(|entries| entries.get_mut("rule"))
            .and_then(|rules| rules.list_mut());
        for rule in rules.into_iter().flatten() {
            for (block, fields) in [
                ("filter", &["object_size_greater_than", "object_size_less_than"][..]),
                ("noncurrent_version_expiration", &["newer_noncurrent_versions"][..]),
                ("noncurrent_version_transition", &["newer_noncurrent_versions"][..]),
            ] {
                for_each_item(rule, block, |item| {
                    for field in fields {
                        if let Some(v) = item.get_mut(*field) {
                            *v = upgraded_number(v)?;
                        }
                    }
                    Ok(())
                })?;
            }
            for block in ["expiration", "transition"] {
                for_each_item(rule, block, |item| {
                    if item.get("date").and_then(Value::as_str) == Some("") {
                        item.insert("date".into(), Value::Null);
                    }
                    Ok(())
                })?;
            }
        }
        Ok(value)
    }

    fn schema() -> Schema {
        let size_filter = |schema: Schema| {
            schema
                .attr(Attribute::optional("prefix", Type::String))
                .attr(n("object_size_greater_than"))
                .attr(n("object_size_less_than"))
        };
        let filter = size_filter(Schema::new())
            .block(Block::single(
                "tag",
                Schema::new()
                    .attr(Attribute::required("key", Type::String))
                    .attr(Attribute::required("value", Type::String)),
            ))
            .block(Block::single(
                "and",
                size_filter(Schema::new())
                    .attr(Attribute::optional("tags", Type::map(Type::String))),
            ));
        let storage = || {
            Attribute::required("storage_class", Type::String).check(Check::OneOf(STORAGE_CLASSES))
        };
        let rule = Schema::new()
            .attr(Attribute::required("id", Type::String))
            .attr(
                Attribute::required("status", Type::String)
                    .check(Check::OneOf(&["Enabled", "Disabled"])),
            )
            .attr(Attribute::optional("prefix", Type::String))
            .block(Block::single("filter", filter))
            .block(Block::single(
                "abort_incomplete_multipart_upload",
                Schema::new().attr(n("days_after_initiation")),
            ))
            .block(Block::single(
                "expiration",
                Schema::new()
                    .attr(Attribute::optional("date", Type::String))
                    .attr(n("days"))
                    .attr(Attribute::optional_computed("expired_object_delete_marker", Type::Bool)),
            ))
            .block(Block::single(
                "noncurrent_version_expiration",
                Schema::new()
                    .attr(Attribute::required("noncurrent_days", Type::Number))
                    .attr(n("newer_noncurrent_versions")),
            ))
            .block(Block::set(
                "noncurrent_version_transition",
                Schema::new()
                    .attr(Attribute::required("noncurrent_days", Type::Number))
                    .attr(n("newer_noncurrent_versions"))
                    .attr(storage()),
            ))
            .block(Block::set(
                "transition",
                Schema::new()
                    .attr(Attribute::optional("date", Type::String))
                    .attr(n("days"))
                    .attr(storage()),
            ));
        Schema::new()
            .version(1)
            .timeouts(&["create", "update"])
            .attr(
                Attribute::optional_computed(
                    "transition_default_minimum_object_size",
                    Type::String,
                )
                .check(Check::OneOf(&["varies_by_storage_class", "all_storage_classes_128K"])),
            )
            .block(Block::list("rule", rule).required())
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        for (i, rule) in blocks(config, "rule").iter().enumerate() {
            if single(rule, "filter").is_some() && !rule.get("prefix").is_null() {
                problems.push((
                    format!("rule[{i}].prefix"),
                    "\"prefix\": conflicts with filter".to_string(),
                ));
            }
            for (block, key) in [("expiration", "date"), ("transition", "date")] {
                for (j, item) in blocks(rule, block).iter().enumerate() {
                    if let Some(text) = item.get(key).as_str() {
                        if DateTime::from_str(text, Format::DateTime).is_err() {
                            problems.push((
                                format!("rule[{i}].{block}[{j}].{key}"),
                                format!("\"{text}\" is not an RFC 3339 date (e.g. \"2024-01-01T00:00:00Z\")"),
                            ));
                        }
                    }
                }
            }
        }
        problems
    }

    async fn put(at: &Target<'_>, planned: &Value) -> Result<(), ProviderError> {
        let rules = blocks(planned, "rule").iter().map(rule).collect::<Result<Vec<_>, _>>()?;
        let minimum = non_empty(planned, "transition_default_minimum_object_size")
            .map(|s| TransitionDefaultMinimumObjectSize::from(s.as_str()));
        put_rules(at, minimum, rules).await
    }

    async fn get(at: &Target<'_>, hint: &Value) -> Result<Option<Fields>, ProviderError> {
        let output = bucket_call!(at, get_bucket_lifecycle_configuration())?;
        let hints = blocks(hint, "rule");
        let rules = output
            .rules()
            .iter()
            .map(|r| {
                let hint = hints.iter().find(|h| string(h, "id").as_deref() == r.id());
                rule_value(r, hint)
            })
            .collect();
        let minimum = match output.transition_default_minimum_object_size() {
            Some(size) => Value::string(size.as_str()),
            None => known(hint, "transition_default_minimum_object_size"),
        };
        Ok(Some(fields([
            ("rule", Value::List(rules)),
            ("transition_default_minimum_object_size", minimum),
        ])))
    }

    async fn delete(at: &Target<'_>, _prior: &Value) -> Result<(), ProviderError> {
        bucket_call!(at, delete_bucket_lifecycle()).map(drop)
    }
}

/// PutBucketLifecycleConfiguration: this resource's, and `aws_s3_bucket`'s deprecated inline
/// `lifecycle_rule`.
pub(crate) async fn put_rules(
    at: &Target<'_>,
    minimum: Option<TransitionDefaultMinimumObjectSize>,
    rules: Vec<LifecycleRule>,
) -> Result<(), ProviderError> {
    bucket_call!(
        at,
        put_bucket_lifecycle_configuration()
            .set_transition_default_minimum_object_size(minimum)
            .lifecycle_configuration(built(
                BucketLifecycleConfiguration::builder().set_rules(Some(rules)).build(),
            )?)
    )
    .map(drop)
}

/// Calls `f` on each object of the nested block `name` of `object`.
fn for_each_item(
    object: &mut Value,
    name: &str,
    mut f: impl FnMut(&mut BTreeMap<String, Value>) -> Result<(), String>,
) -> Result<(), String> {
    let items = object
        .map_mut()
        .and_then(|entries| entries.get_mut(name))
        .and_then(|items| items.list_mut());
    for item in items.into_iter().flatten() {
        if let Some(entries) = item.map_mut() {
            f(entries)?;
        }
    }
    Ok(())
}

/// A number the SDKv2 schema stored as a string: `""` is null, anything else must parse.
fn upgraded_number(value: &Value) -> Result<Value, String> {
    match value {
        Value::String(text) if text.is_empty() => Ok(Value::Null),
        Value::String(text) => text
            .parse::<i64>()
            .map(|n| Value::Number(n as f64))
            .map_err(|_| format!("{text:?} is not a whole number")),
        other => Ok(other.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_round_trips() {
        let planned = Value::map([
            ("id", Value::string("logs")),
            ("status", Value::string("Enabled")),
            ("filter", Value::List(vec![Value::map([("prefix", Value::string("logs/"))])])),
            ("expiration", Value::List(vec![Value::map([("days", Value::Number(90.0))])])),
            (
                "transition",
                Value::List(vec![Value::map([
                    ("days", Value::Number(30.0)),
                    ("storage_class", Value::string("STANDARD_IA")),
                ])]),
            ),
        ]);
        let sdk = rule(&planned).unwrap();
        let value = rule_value(&sdk, Some(&planned));
        assert_eq!(value.get("id").as_str(), Some("logs"));
        let expiration = &value.get("expiration").as_list().unwrap()[0];
        assert_eq!(expiration.get("days"), &Value::Number(90.0));
        let filter = &value.get("filter").as_list().unwrap()[0];
        assert_eq!(filter.get("prefix").as_str(), Some("logs/"));
    }

    #[test]
    fn dates_must_be_rfc3339() {
        let config = Value::map([(
            "rule",
            Value::List(vec![Value::map([(
                "expiration",
                Value::List(vec![Value::map([("date", Value::string("2024-01-01"))])]),
            )])]),
        )]);
        assert_eq!(Lifecycle::validate(&config)[0].0, "rule[0].expiration[0].date");
    }
}
