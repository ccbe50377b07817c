//! RDS pieces shared by the subnet group and instance types: tags (RDS tags by ARN) and
//! managed-tag checks.

use std::collections::BTreeMap;

use aws_sdk_rds::types::Tag;
use infra_core::{ProviderError, Value};

use crate::app_support::tag_changes;
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
    let (to_set, to_remove) = tag_changes(prior, planned);
    if !to_remove.is_empty() {
        client
            .remove_tags_from_resource()
            .resource_name(arn)
            .set_tag_keys(Some(to_remove))
            .send()
            .await
            .map_err(aws_error)?;
    }
    if !to_set.is_empty() {
        client
            .add_tags_to_resource()
            .resource_name(arn)
            .set_tags(Some(tags_to_sdk(&to_set)))
            .send()
            .await
            .map_err(aws_error)?;
    }
    Ok(())
}
