//! RDS pieces shared by the RDS types: tags (RDS tags by ARN), managed-tag checks, the
//! provider's identifier rule, and an offline client for request-building tests.

use std::collections::BTreeMap;

use aws_sdk_rds::types::Tag;
use infra_core::{ProviderError, Value};

use crate::app_support::send_tag_changes;
use crate::error::aws_error;

pub fn tags_to_sdk(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

pub fn tags_from_sdk(tags: &[Tag]) -> Vec<(String, String)> {
    tags.iter()
        .map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The tags of one RDS resource (subnet groups do not carry them in their describe answer).
pub async fn list_tags(
    client: &aws_sdk_rds::Client,
    arn: &str,
) -> Result<Vec<(String, String)>, ProviderError> {
    let response = client
        .list_tags_for_resource()
        .resource_name(arn)
        .send()
        .await
        .map_err(aws_error)?;
    Ok(tags_from_sdk(response.tag_list()))
}

/// Adds and removes the tag difference between `prior` and `planned` on an RDS ARN.
pub async fn update_tags(
    client: &aws_sdk_rds::Client,
    arn: &str,
    prior: &Value,
    planned: &Value,
) -> Result<(), ProviderError> {
    send_tag_changes!(
        prior,
        planned,
        |to_remove| client
            .remove_tags_from_resource()
            .resource_name(arn)
            .set_tag_keys(Some(to_remove)),
        |to_set| client
            .add_tags_to_resource()
            .resource_name(arn)
            .set_tags(Some(tags_to_sdk(&to_set)))
    );
    Ok(())
}

/// The provider's `validIdentifier` check of `value` (the `key` argument: a DB instance, proxy
/// or proxy target group name), in its wording: lowercase letters, digits and hyphens, a letter
/// first, no two hyphens in a row, none at the end. Every rule broken is one message.
pub fn identifier_problems(key: &str, value: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if value.is_empty()
        || !value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        problems.push(format!(
            "only lowercase alphanumeric characters and hyphens allowed in \"{key}\""
        ));
    }
    if !value.starts_with(|c: char| c.is_ascii_lowercase()) {
        problems.push(format!("first character of \"{key}\" must be a letter"));
    }
    if value.contains("--") {
        problems.push(format!("\"{key}\" cannot contain two consecutive hyphens"));
    }
    if value.ends_with('-') {
        problems.push(format!("\"{key}\" cannot end with a hyphen"));
    }
    problems
}

/// The problems of `config`'s `keys` under [`identifier_problems`], as `(path, message)`; null
/// and unknown values pass.
pub fn identifier_checks(config: &Value, keys: &[&str]) -> Vec<(String, String)> {
    keys.iter()
        .filter_map(|key| Some((*key, config.get(key).as_str()?)))
        .flat_map(|(key, value)| {
            identifier_problems(key, value)
                .into_iter()
                .map(move |problem| (key.to_string(), problem))
        })
        .collect()
}

/// A client that is never sent anything: request-building tests read its builders' input.
#[cfg(test)]
pub fn offline_client() -> aws_sdk_rds::Client {
    let config = aws_sdk_rds::Config::builder()
        .behavior_version(aws_sdk_rds::config::BehaviorVersion::latest())
        .region(aws_sdk_rds::config::Region::new("us-east-1"))
        .build();
    aws_sdk_rds::Client::from_conf(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_follow_the_providers_rule_with_one_message_per_rule() {
        assert!(identifier_problems("name", "app-proxy-1").is_empty());
        assert_eq!(
            identifier_problems("name", "1Bad--"),
            [
                "only lowercase alphanumeric characters and hyphens allowed in \"name\"",
                "first character of \"name\" must be a letter",
                "\"name\" cannot contain two consecutive hyphens",
                "\"name\" cannot end with a hyphen",
            ]
        );
    }
}
