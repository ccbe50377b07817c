//! Helpers for the SNS resource types (`aws_sns_topic`, `aws_sns_topic_policy`,
//! `aws_sns_topic_subscription`): attribute maps read and written as typed `Value`s, topic and
//! subscription lookups, and tags.
//!
//! SNS keeps every setting of a topic or subscription as a string attribute
//! (`GetTopicAttributes` / `SetTopicAttributes`), so each type lists its attributes once as
//! [`SnsAttribute`]s and this file converts both ways.

use std::collections::HashMap;

use aws_sdk_sns::types::Tag;
use infra_core::{ProviderError, Value};

use crate::app_support::{canonical_json, resource_tag_changes, same_json, sent, string};
use crate::subnet_group_support::tag_pairs;
use crate::tagging::sdk_tags_of;

/// How an attribute's string form maps to a `Value`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    Text,
    /// A JSON document (compared after normalisation).
    Json,
    Number,
    Bool,
}

/// One Terraform argument and the SNS attribute that holds it.
pub struct SnsAttribute {
    pub argument: &'static str,
    pub attribute: &'static str,
    pub kind: Kind,
}

pub const fn attr(argument: &'static str, attribute: &'static str, kind: Kind) -> SnsAttribute {
    SnsAttribute { argument, attribute, kind }
}

/// The attribute's value as SNS takes it, from a planned value: `None` when unset.
pub fn to_attribute(value: &Value, spec: &SnsAttribute) -> Option<String> {
    let text = string(value, spec.argument)?;
    Some(match spec.kind {
        Kind::Json if !text.trim().is_empty() => canonical_json(&text),
        _ => text,
    })
}

/// The attributes a create sends (CreateTopic, Subscribe): each set argument's, but for empty
/// text and `false`, which are AWS's own defaults (so FifoTopic is sent only when true);
/// `None` when there are none.
pub fn create_attributes(
    planned: &Value,
    specs: &[SnsAttribute],
) -> Option<HashMap<String, String>> {
    let attributes: HashMap<String, String> = specs
        .iter()
        .filter_map(|spec| {
            let value = to_attribute(planned, spec)?;
            if value.is_empty() || (spec.kind == Kind::Bool && value == "false") {
                return None;
            }
            Some((spec.attribute.to_string(), value))
        })
        .collect();
    (!attributes.is_empty()).then_some(attributes)
}

/// The problems of the JSON arguments among `specs` that `config` sets to text that is not
/// JSON (blank text passes), in the specs' order.
pub fn json_problems(config: &Value, specs: &[SnsAttribute]) -> Vec<(String, String)> {
    specs
        .iter()
        .filter(|spec| spec.kind == Kind::Json)
        .filter_map(|spec| {
            let text = config.get(spec.argument).as_str()?;
            (!text.trim().is_empty() && serde_json::from_str::<serde_json::Value>(text).is_err())
                .then(|| {
                    (
                        spec.argument.to_string(),
                        format!("\"{}\" contains an invalid JSON", spec.argument),
                    )
                })
        })
        .collect()
}

/// The argument's value from SNS's attribute map; `hint` supplies the configuration's text for
/// JSON that means the same. `None` when SNS did not report the attribute.
pub fn from_attribute(
    attributes: &HashMap<String, String>,
    spec: &SnsAttribute,
    hint: &Value,
) -> Option<Value> {
    let raw = attributes.get(spec.attribute)?;
    Some(match spec.kind {
        Kind::Text if raw.is_empty() => Value::Null,
        Kind::Text => Value::string(raw),
        Kind::Json if raw.trim().is_empty() => Value::Null,
        Kind::Json => same_json(Some(canonical_json(raw)), hint.get(spec.argument)),
        Kind::Number => raw.parse::<f64>().map(Value::Number).unwrap_or(Value::Null),
        Kind::Bool => Value::Bool(raw.eq_ignore_ascii_case("true")),
    })
}

/// SNS's "not found" answers (`NotFound`, and `InvalidParameter` for a malformed or foreign
/// ARN of an object that cannot exist).
pub fn is_gone(error: &ProviderError) -> bool {
    crate::app_support::is_missing(error)
        || matches!(error.code.as_deref(), Some("NotFound" | "NotFoundException"))
}

/// A topic's attributes; `None` when the topic does not exist.
pub async fn topic_attributes(
    client: &aws_sdk_sns::Client,
    arn: &str,
) -> Result<Option<HashMap<String, String>>, ProviderError> {
    match sent!(client.get_topic_attributes().topic_arn(arn)) {
        Ok(output) => Ok(Some(output.attributes().cloned().unwrap_or_default())),
        Err(error) if is_gone(&error) => Ok(None),
        Err(error) => Err(error),
    }
}

/// A subscription's attributes; `None` when it does not exist.
pub async fn subscription_attributes(
    client: &aws_sdk_sns::Client,
    arn: &str,
) -> Result<Option<HashMap<String, String>>, ProviderError> {
    match sent!(client.get_subscription_attributes().subscription_arn(arn)) {
        Ok(output) => Ok(Some(output.attributes().cloned().unwrap_or_default())),
        Err(error) if is_gone(&error) => Ok(None),
        Err(error) => Err(error),
    }
}

/// Every topic ARN in the region (ListTopics, paged).
pub async fn topic_arns(client: &aws_sdk_sns::Client) -> Result<Vec<String>, ProviderError> {
    let mut arns = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = sent!(client.list_topics().set_next_token(token.clone()))?;
        arns.extend(page.topics().iter().filter_map(|t| t.topic_arn().map(str::to_string)));
        match page.next_token().filter(|t| !t.is_empty()) {
            Some(next) => token = Some(next.to_string()),
            None => return Ok(arns),
        }
    }
}

/// The tags of a topic, as `(key, value)` pairs.
pub async fn topic_tags(
    client: &aws_sdk_sns::Client,
    arn: &str,
) -> Result<Vec<(String, String)>, ProviderError> {
    let output = sent!(client.list_tags_for_resource().resource_arn(arn))?;
    Ok(tag_pairs(output.tags(), |t| Some(t.key()), |t| Some(t.value())))
}

sdk_tags_of!(pub Tag);

/// Applies the tag changes between `prior` and `planned` to a topic.
pub async fn update_tags(
    client: &aws_sdk_sns::Client,
    arn: &str,
    prior: &Value,
    planned: &Value,
) -> Result<(), ProviderError> {
    resource_tag_changes!(client, resource_arn(arn), prior, planned);
    Ok(())
}

/// The policy SNS gives a new topic (what `aws_sns_topic_policy` restores on delete).
pub fn default_topic_policy(arn: &str, owner: &str) -> String {
    serde_json::json!({
        "Version": "2008-10-17",
        "Id": "__default_policy_ID",
        "Statement": [{
            "Sid": "__default_statement_ID",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": [
                "SNS:GetTopicAttributes",
                "SNS:SetTopicAttributes",
                "SNS:AddPermission",
                "SNS:RemovePermission",
                "SNS:DeleteTopic",
                "SNS:Subscribe",
                "SNS:ListSubscriptionsByTopic",
                "SNS:Publish"
            ],
            "Resource": arn,
            "Condition": {"StringEquals": {"AWS:SourceOwner": owner}}
        }]
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_convert_both_ways() {
        let json = attr("policy", "Policy", Kind::Json);
        let hint = Value::map([("policy", Value::string("{ \"b\": 1, \"a\": 2 }"))]);
        assert_eq!(to_attribute(&hint, &json).as_deref(), Some("{\"a\":2,\"b\":1}"));
        let reported = HashMap::from([("Policy".to_string(), "{\"a\":2,\"b\":1}".to_string())]);
        assert_eq!(from_attribute(&reported, &json, &hint), Some(hint.get("policy").clone()));
        let rate = attr("rate", "Rate", Kind::Number);
        let reported = HashMap::from([("Rate".to_string(), "50".to_string())]);
        assert_eq!(from_attribute(&reported, &rate, &Value::Null), Some(Value::Number(50.0)));
        assert_eq!(from_attribute(&HashMap::new(), &rate, &Value::Null), None);
    }
}
