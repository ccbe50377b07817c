//! What the CodePipeline types share: tags through TagResource / UntagResource /
//! ListTagsForResource on a pipeline's or a webhook's ARN, and the provider's string-length
//! check. Nothing here knows a pipeline or a webhook.

use aws_sdk_codepipeline::types::Tag;
use infra_core::{ProviderError, Value};

use crate::app_support::resource_tag_changes;
use crate::error::aws_error;
use crate::tagging::sdk_tags_of;

// Tags as CodePipeline takes them (PutWebhook, CreatePipeline, TagResource).
sdk_tags_of!(pub(super) Tag);

/// The tags on a pipeline or webhook ARN, every page.
pub(super) async fn list_tags(
    client: &aws_sdk_codepipeline::Client,
    arn: &str,
) -> Result<Vec<(String, String)>, ProviderError> {
    let mut tags = Vec::new();
    let mut pages = client.list_tags_for_resource().resource_arn(arn).into_paginator().send();
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
    resource_tag_changes!(client, resource_arn(arn), prior, planned);
    Ok(())
}
