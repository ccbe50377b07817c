//! ECR pieces shared by the repository and its policy types: tags (by repository ARN) and
//! ECR's "not found" codes.

use aws_sdk_ecr::types::Tag;
use infra_core::{ProviderError, Value};

use crate::app_support::{resource_tag_changes, sent};
use crate::subnet_group_support::tag_pairs;
use crate::tagging::sdk_tags_of;

/// ECR's "not found" answers (repository, lifecycle policy, repository policy).
pub fn is_gone(error: &ProviderError) -> bool {
    crate::app_support::is_missing(error)
        || matches!(
            error.code.as_deref(),
            Some(
                "RepositoryNotFoundException"
                    | "LifecyclePolicyNotFoundException"
                    | "RepositoryPolicyNotFoundException"
            )
        )
}

sdk_tags_of!(pub Tag);

/// The tags of one repository.
pub async fn list_tags(
    client: &aws_sdk_ecr::Client,
    arn: &str,
) -> Result<Vec<(String, String)>, ProviderError> {
    let response = sent!(client.list_tags_for_resource().resource_arn(arn))?;
    Ok(tag_pairs(response.tags(), |t| Some(t.key()), |t| Some(t.value())))
}

/// Adds and removes the tag difference between `prior` and `planned` on a repository ARN.
pub async fn update_tags(
    client: &aws_sdk_ecr::Client,
    arn: &str,
    prior: &Value,
    planned: &Value,
) -> Result<(), ProviderError> {
    resource_tag_changes!(client, resource_arn(arn), prior, planned);
    Ok(())
}
