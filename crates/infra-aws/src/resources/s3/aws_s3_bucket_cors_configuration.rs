//! `aws_s3_bucket_cors_configuration`: a bucket's cross-origin resource sharing rules, put and
//! read as a whole (PutBucketCors / GetBucketCors / DeleteBucketCors). ID and import ID: the
//! bucket name, or `bucket,expected_bucket_owner`. `bucket` and `expected_bucket_owner` force
//! replacement; every rule changes in place (`cors_rule` is a set of up to 100 rules). Refresh
//! reads each bucket with one GetBucketCors call (S3 has no batch read). The shared
//! implementation is [`crate::s3_support::BucketSubresource`].
//!
//! `max_age_seconds` is sent only when configured (S3 has no default for it). moto holds and
//! returns every rule attribute, so drift on them is seen in tests.

use aws_sdk_s3::types::{CorsConfiguration, CorsRule};
use infra_core::{Attribute, Block, Check, ProviderError, Schema, Type, Value};

use crate::app_support::{blocks, int, non_empty, number, string_list, strings, text};
use crate::error::built;
use crate::s3_support::{bucket_call, fields, BucketConfig, Fields, Target};

const MAX_RULES: usize = 100;
const MAX_ID_LENGTH: usize = 255;

pub struct Cors;

/// A set attribute's strings, or `None` when empty (the provider leaves empty sets out).
fn string_set(value: &Value, key: &str) -> Option<Vec<String>> {
    Some(strings(value, key)).filter(|items| !items.is_empty())
}

fn rule(value: &Value) -> Result<CorsRule, ProviderError> {
    built(
        CorsRule::builder()
            .set_id(non_empty(value, "id"))
            .set_allowed_headers(string_set(value, "allowed_headers"))
            .set_allowed_methods(Some(strings(value, "allowed_methods")))
            .set_allowed_origins(Some(strings(value, "allowed_origins")))
            .set_expose_headers(string_set(value, "expose_headers"))
            .set_max_age_seconds(int(value, "max_age_seconds"))
            .build(),
    )
}

fn rule_value(rule: &CorsRule) -> Value {
    Value::map([
        ("allowed_headers", string_list(rule.allowed_headers())),
        ("allowed_methods", string_list(rule.allowed_methods())),
        ("allowed_origins", string_list(rule.allowed_origins())),
        ("expose_headers", string_list(rule.expose_headers())),
        ("id", text(rule.id())),
        ("max_age_seconds", number(rule.max_age_seconds().map(i64::from))),
    ])
}

impl BucketConfig for Cors {
    const NAME: &'static str = "aws_s3_bucket_cors_configuration";
    const NOT_CONFIGURED: Option<&'static str> = Some("NoSuchCORSConfiguration");

    fn schema() -> Schema {
        let rule = Schema::new()
            .attr(Attribute::optional("allowed_headers", Type::set(Type::String)))
            .attr(Attribute::required("allowed_methods", Type::set(Type::String)))
            .attr(Attribute::required("allowed_origins", Type::set(Type::String)))
            .attr(Attribute::optional("expose_headers", Type::set(Type::String)))
            .attr(Attribute::optional("id", Type::String).check(Check::Length(0, MAX_ID_LENGTH)))
            .attr(Attribute::optional("max_age_seconds", Type::Number));
        Schema::new()
            .block(Block { max_items: Some(MAX_RULES), ..Block::set("cors_rule", rule).required() })
    }

    async fn put(at: &Target<'_>, planned: &Value) -> Result<(), ProviderError> {
        let rules = blocks(planned, "cors_rule").iter().map(rule).collect::<Result<Vec<_>, _>>()?;
        bucket_call!(
            at,
            put_bucket_cors().cors_configuration(built(
                CorsConfiguration::builder().set_cors_rules(Some(rules)).build(),
            )?)
        )
        .map(drop)
    }

    async fn get(at: &Target<'_>, _hint: &Value) -> Result<Option<Fields>, ProviderError> {
        let output = bucket_call!(at, get_bucket_cors())?;
        Ok(Some(fields([(
            "cors_rule",
            Value::List(output.cors_rules().iter().map(rule_value).collect()),
        )])))
    }

    async fn delete(at: &Target<'_>, _prior: &Value) -> Result<(), ProviderError> {
        bucket_call!(at, delete_bucket_cors()).map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_round_trips() {
        let planned = Value::map([
            ("id", Value::string("uploads")),
            ("allowed_headers", Value::List(vec![Value::string("*")])),
            ("allowed_methods", Value::List(vec![Value::string("PUT"), Value::string("POST")])),
            ("allowed_origins", Value::List(vec![Value::string("https://example.com")])),
            ("max_age_seconds", Value::Number(3000.0)),
        ]);
        let value = rule_value(&rule(&planned).unwrap());
        assert_eq!(value.get("id").as_str(), Some("uploads"));
        assert_eq!(value.get("max_age_seconds"), &Value::Number(3000.0));
        assert_eq!(value.get("allowed_methods").as_list().map(<[Value]>::len), Some(2));
        assert_eq!(value.get("expose_headers"), &Value::List(vec![]));
    }

    #[test]
    fn an_unset_max_age_is_not_sent() {
        let planned = Value::map([
            ("allowed_methods", Value::List(vec![Value::string("GET")])),
            ("allowed_origins", Value::List(vec![Value::string("*")])),
        ]);
        let sdk = rule(&planned).unwrap();
        assert_eq!(sdk.max_age_seconds(), None);
        assert!(rule_value(&sdk).get("max_age_seconds").is_null());
    }
}
