//! `aws_codecommit_repository`: a CodeCommit Git repository. The Terraform ID is the
//! repository name, which is also the import ID.
//!
//! Nothing forces a new repository: a new `repository_name` renames it in place
//! (UpdateRepositoryName, and the ID follows the name), as the provider does; `description`
//! (UpdateRepositoryDescription), `kms_key_id` (UpdateRepositoryEncryptionKey), `default_branch`
//! (UpdateDefaultBranch) and tags (TagResource / UntagResource) change in place too.
//! `default_branch` can only be set once the repository has a branch: while ListBranches
//! finds none it is not sent, and the configured value is kept, as the provider keeps it. It is
//! read back only when the configuration sets it (the provider's rule), so a default branch
//! chosen outside Terraform is not drift.
//!
//! Refresh is one BatchGetRepositories per 100 names (a missing repository comes back in
//! `repositoriesNotFound`), plus ListTagsForResource per repository found (BatchGetRepositories
//! has no tags), 8 in flight.
//!
//! moto 5.2.5 implements only CreateRepository, GetRepository and DeleteRepository, and drops
//! the tags and KMS key given to CreateRepository; tests/support/moto_codecommit.py adds the
//! rest. Its repositories have no commits, so `default_branch` is never set there. Where an
//! answer has no `kmsKeyId` the prior value is kept.

use std::collections::HashMap;

use aws_sdk_codecommit::types::RepositoryMetadata;
use infra_core::{Attribute, Check, Operation, ProviderError, Type, Value};

use crate::app_support::{
    changed, deleted_or_gone, known, read_each, sent, string, tag_changes, vanished,
};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, ObjectType, Tagged, Updating,
};
use crate::declared::{read, string as text_of, Declared, Reading};
use crate::tagging::ManagedTags;
use crate::verify::ARN;

/// BatchGetRepositories takes at most 100 names a call.
const NAMES_PER_CALL: usize = 100;

pub type AwsCodecommitRepository = ObjectType<RepositoryObject>;

pub struct RepositoryObject;

/// Sets the default branch, as the provider does: only when the repository has a branch (an
/// empty repository has none to point at).
async fn update_default_branch(
    this: &AwsCodecommitRepository,
    name: &str,
    branch: &str,
) -> Result<(), ProviderError> {
    let client = &this.aws.clients().await.codecommit;
    let branches = sent!(client.list_branches().repository_name(name))
        .map_err(|e| e.context(&format!("listing CodeCommit Repository ({name}) branches")))?;
    if branches.branches().is_empty() {
        return Ok(());
    }
    sent!(client.update_default_branch().repository_name(name).default_branch_name(branch))
        .map_err(|e| {
            e.context(&format!("updating CodeCommit Repository ({name}) default branch"))
        })?;
    Ok(())
}

/// Every tag of one repository (ListTagsForResource pages with `nextToken`).
async fn list_tags(
    client: &aws_sdk_codecommit::Client,
    arn: &str,
) -> Result<Vec<(String, String)>, ProviderError> {
    let mut tags = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let response =
            sent!(client.list_tags_for_resource().resource_arn(arn).set_next_token(token.take()))?;
        if let Some(page) = response.tags() {
            tags.extend(page.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        match response.next_token() {
            Some(next) if !next.is_empty() => token = Some(next.to_string()),
            _ => break,
        }
    }
    tags.sort();
    Ok(tags)
}

/// True when the error says the repository does not exist.
fn is_gone(error: &ProviderError) -> bool {
    crate::app_support::is_missing(error)
        || error.code.as_deref() == Some("RepositoryDoesNotExistException")
}

fn name_of(repository: &RepositoryMetadata, _: &Reading) -> Value {
    Value::string(repository.repository_name().unwrap_or_default())
}

impl AwsObject for RepositoryObject {
    type Object = RepositoryMetadata;
    const NAME: &'static str = "aws_codecommit_repository";
    const KIND: &'static str = "CodeCommit Repository";
    const KEY: &'static str = "repository_name";
    const KEY_OR_ID: bool = true;

    /// Some read the prior (or planned) value, for what the provider keeps from the
    /// configuration.
    fn attributes() -> Vec<Declared<RepositoryMetadata>> {
        vec![
            read(Attribute::computed("id", Type::String), name_of),
            text_of(Attribute::computed("arn", Type::String), RepositoryMetadata::arn),
            text_of(
                Attribute::computed("clone_url_http", Type::String),
                RepositoryMetadata::clone_url_http,
            ),
            text_of(
                Attribute::computed("clone_url_ssh", Type::String),
                RepositoryMetadata::clone_url_ssh,
            ),
            // The provider reads the default branch only when the configuration sets one,
            // and keeps the configured value while the repository has none (no branch to point
            // at yet).
            read(
                Attribute::optional("default_branch", Type::String),
                |repository: &RepositoryMetadata, at| {
                    let configured_branch = known(at.prior, "default_branch");
                    if configured_branch.is_null() {
                        Value::Null
                    } else {
                        match repository.default_branch() {
                            Some(branch) => Value::string(branch),
                            None => configured_branch,
                        }
                    }
                },
            ),
            // AWS reports no description as none (or ""); a configured "" stays "".
            read(
                Attribute::optional("description", Type::String).check(Check::Length(0, 1000)),
                |repository: &RepositoryMetadata, at| match repository.repository_description() {
                    Some(d) if !d.is_empty() => Value::string(d),
                    _ if known(at.prior, "description").as_str() == Some("") => Value::string(""),
                    _ => Value::Null,
                },
            ),
            read(
                Attribute::optional_computed("kms_key_id", Type::String).check(ARN),
                |repository: &RepositoryMetadata, at| match repository.kms_key_id() {
                    Some(key) => Value::string(key),
                    None => known(at.prior, "kms_key_id"),
                },
            ),
            text_of(
                Attribute::computed("repository_id", Type::String),
                RepositoryMetadata::repository_id,
            ),
            read(
                Attribute::required("repository_name", Type::String).check(Check::Length(0, 100)),
                name_of,
            ),
        ]
    }

    /// Names are unique in a region; ours carries the managed tags.
    fn created_key(_operation: &Operation, planned: &Value) -> Option<String> {
        string(planned, "repository_name")
    }

    /// The repositories that exist among `names`, by name, with their tags.
    async fn describe(
        this: &ObjectType<Self>,
        names: &[String],
    ) -> DescribeResult<RepositoryMetadata> {
        let client = &this.aws.clients().await.codecommit;
        let mut repositories: Vec<RepositoryMetadata> = Vec::new();
        for chunk in names.chunks(NAMES_PER_CALL) {
            let response =
                sent!(client.batch_get_repositories().set_repository_names(Some(chunk.to_vec())))?;
            // A repository whose KMS key cannot be used comes back as an error, not as gone:
            // the refresh fails, as the provider's GetRepository does.
            for error in response.errors() {
                let code = error.error_code().map(|c| c.as_str()).unwrap_or("Error");
                if code == "RepositoryDoesNotExistException" {
                    continue;
                }
                return Err(ProviderError::with_code(
                    code,
                    format!(
                        "reading CodeCommit Repository ({}): {}",
                        error.repository_name().unwrap_or_default(),
                        error.error_message().unwrap_or(code)
                    ),
                ));
            }
            repositories.extend(response.repositories().iter().cloned());
        }
        let arns: Vec<String> =
            repositories.iter().map(|r| r.arn().unwrap_or_default().to_string()).collect();
        let tags = read_each(arns.iter().map(|arn| list_tags(client, arn)).collect()).await?;
        Ok(repositories
            .into_iter()
            .zip(tags)
            .filter_map(|(metadata, tags)| {
                let name = metadata.repository_name()?.to_string();
                Some((name, Tagged { object: metadata, tags }))
            })
            .collect())
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.codecommit;
        let name = string(at.planned, "repository_name").ok_or_else(|| {
            ProviderError::new("aws_codecommit_repository needs a known \"repository_name\"")
        })?;
        let tags: HashMap<String, String> =
            at.operation.tags_with_managed(at.planned).into_iter().collect();
        sent!(client
            .create_repository()
            .repository_name(&name)
            .set_repository_description(string(at.planned, "description").filter(|d| !d.is_empty()))
            .set_kms_key_id(string(at.planned, "kms_key_id").filter(|k| !k.is_empty()))
            .set_tags(Some(tags)))
        .map_err(|e| e.context(&format!("creating CodeCommit Repository ({name})")))?;
        if let Some(branch) = string(at.planned, "default_branch").filter(|b| !b.is_empty()) {
            update_default_branch(at.this, &name, &branch).await?;
        }
        Ok(name)
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let old_name = at.key;
        let client = &at.this.aws.clients().await.codecommit;
        let name = string(at.planned, "repository_name").unwrap_or_else(|| old_name.to_string());
        if name != old_name {
            sent!(client.update_repository_name().old_name(old_name).new_name(&name)).map_err(
                |e| e.context(&format!("updating CodeCommit Repository ({old_name}) name")),
            )?;
        }
        if changed(at.prior, at.planned, "default_branch") {
            if let Some(branch) = string(at.planned, "default_branch").filter(|b| !b.is_empty()) {
                update_default_branch(at.this, &name, &branch).await?;
            }
        }
        if changed(at.prior, at.planned, "description") {
            sent!(client
                .update_repository_description()
                .repository_name(&name)
                .repository_description(string(at.planned, "description").unwrap_or_default()))
            .map_err(|e| {
                e.context(&format!("updating CodeCommit Repository ({name}) description"))
            })?;
        }
        if changed(at.prior, at.planned, "kms_key_id") {
            if let Some(key) = string(at.planned, "kms_key_id").filter(|k| !k.is_empty()) {
                sent!(client
                    .update_repository_encryption_key()
                    .repository_name(&name)
                    .kms_key_id(key))
                .map_err(|e| {
                    e.context(&format!("updating CodeCommit Repository ({name}) encryption key"))
                })?;
            }
        }
        let (to_set, to_remove) = tag_changes(at.prior, at.planned);
        if !to_set.is_empty() || !to_remove.is_empty() {
            // A rename changes the ARN: tag the repository by the ARN it has now.
            let arn = match at.this.found(&name).await? {
                Some(found) => found.object.arn().unwrap_or_default().to_string(),
                None => return Err(vanished("CodeCommit Repository", &name)),
            };
            if !to_remove.is_empty() {
                sent!(client.untag_resource().resource_arn(&arn).set_tag_keys(Some(to_remove)))?;
            }
            if !to_set.is_empty() {
                sent!(client
                    .tag_resource()
                    .resource_arn(&arn)
                    .set_tags(Some(to_set.into_iter().collect())))?;
            }
        }
        Ok(name)
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let name = at.key;
        let client = &at.this.aws.clients().await.codecommit;
        deleted_or_gone(sent!(client.delete_repository().repository_name(name)), is_gone)
            .map_err(|error| error.context(&format!("deleting CodeCommit Repository ({name})")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_checked_as_an_arn() {
        use infra_core::ResourceType;
        let repository =
            AwsCodecommitRepository::new(crate::Aws::new(crate::ProviderSettings::default()));
        let problems = repository.problems(&Value::map([
            ("repository_name", Value::string("app")),
            ("kms_key_id", Value::string("key/k")),
        ]));
        assert_eq!(
            problems,
            [(
                "kms_key_id".to_string(),
                "\"kms_key_id\" (key/k) is an invalid ARN: arn: invalid prefix".to_string()
            )]
        );
    }
}
