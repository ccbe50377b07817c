//! What the CodePipeline types share: tags through TagResource / UntagResource /
//! ListTagsForResource on a pipeline's or a webhook's ARN, SDK builder errors, and the
//! provider's string-length check. Nothing here knows a pipeline or a webhook.

use std::collections::BTreeMap;

use aws_sdk_codepipeline::types::Tag;
use infra_core::{ProviderError, Value};

use crate::app_support::send_tag_changes;
use crate::error::aws_error;

/// A builder's result as a `ProviderError` (a required member left unset).
pub(super) fn built<T, E: std::fmt::Display>(result: Result<T, E>) -> Result<T, ProviderError> {
    result.map_err(|e| ProviderError::new(e.to_string()))
}

/// Tags as CodePipeline takes them (PutWebhook, CreatePipeline, TagResource).
pub(super) fn sdk_tags(tags: &BTreeMap<String, String>) -> Result<Vec<Tag>, ProviderError> {
    tags.iter()
        .map(|(key, value)| built(Tag::builder().key(key).value(value).build()))
        .collect()
}

/// The tags on a pipeline or webhook ARN, every page.
pub(super) async fn list_tags(
    client: &aws_sdk_codepipeline::Client,
    arn: &str,
) -> Result<Vec<(String, String)>, ProviderError> {
    let mut tags = Vec::new();
    let mut pages = client
        .list_tags_for_resource()
        .resource_arn(arn)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        for tag in page.map_err(aws_error)?.tags() {
            tags.push((tag.key().to_string(), tag.value().to_string()));
        }
    }
    Ok(tags)
}

/// Removes and sets tags on a pipeline or webhook ARN, from `prior` to `planned`; the managed
/// `infra:*` tags are never touched.
pub(super) async fn update_tags(
    client: &aws_sdk_codepipeline::Client,
    arn: &str,
    prior: &Value,
    planned: &Value,
) -> Result<(), ProviderError> {
    send_tag_changes!(
        prior,
        planned,
        |to_remove| client
            .untag_resource()
            .resource_arn(arn)
            .set_tag_keys(Some(to_remove)),
        |to_set| client
            .tag_resource()
            .resource_arn(arn)
            .set_tags(Some(sdk_tags(&to_set)?))
    );
    Ok(())
}

/// Terraform's StringLenBetween check.
pub(super) fn length_problem(
    problems: &mut Vec<(String, String)>,
    path: String,
    key: &str,
    value: &Value,
    (min, max): (usize, usize),
) {
    if let Some(text) = value.as_str() {
        let length = text.chars().count();
        if length < min || length > max {
            problems.push((
                path,
                format!("expected length of {key} to be in the range ({min} - {max}), got {text}"),
            ));
        }
    }
}
