//! `aws_ecr_repository`: an ECR private image repository.
//!
//! The ID is the repository name (also the import ID). Refresh is one DescribeRepositories
//! call per 100 names (one name at a time only if one of them is gone, since ECR then refuses
//! the whole call), plus ListTagsForResource per repository (the describe answer has no tags).
//!
//! `image_tag_mutability` and `image_tag_mutability_exclusion_filter` change in place
//! (PutImageTagMutability), as does `image_scanning_configuration`
//! (PutImageScanningConfiguration) and tags; `name` and `encryption_configuration` force a new
//! repository. Without `encryption_configuration` or `image_scanning_configuration` blocks the
//! repository keeps what AWS reports (AES256, scan on push off), as the provider does.
//! `force_delete` is configuration only: destroy then deletes a repository that still holds
//! images.
//!
//! moto holds every argument of this type; drift on all of them is seen in tests.

use std::collections::BTreeMap;

use aws_sdk_ecr::types::{
    EncryptionConfiguration, EncryptionType, ImageScanningConfiguration, ImageTagMutability,
    ImageTagMutabilityExclusionFilter, ImageTagMutabilityExclusionFilterType, Repository,
};
use infra_core::{Attribute, Block, Check, Operation, ProviderError, Schema, Type, Value};

use crate::app_support::{blocks, boolean, changed, non_empty, sent, single, string, text};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, ObjectType, Tagged, Updating,
};
use crate::declared::{copied, read, read_block, string as text_of, Declared};
use crate::ecr_support::{is_gone, list_tags, sdk_tags, update_tags};
use crate::error::{aws_error, built};
use crate::tagging::ManagedTags;

/// DescribeRepositories takes at most 100 names.
const NAMES_PER_DESCRIBE: usize = 100;

pub type AwsEcrRepository = ObjectType<RepositoryObject>;

pub struct RepositoryObject;

async fn describe_names(
    client: &aws_sdk_ecr::Client,
    names: &[String],
) -> Result<Vec<Repository>, ProviderError> {
    let mut out = Vec::new();
    let mut pages = client
        .describe_repositories()
        .set_repository_names(Some(names.to_vec()))
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        out.extend(page.map_err(aws_error)?.repositories().iter().cloned());
    }
    Ok(out)
}

fn exclusion_filters(
    planned: &Value,
) -> Result<Vec<ImageTagMutabilityExclusionFilter>, ProviderError> {
    blocks(planned, "image_tag_mutability_exclusion_filter")
        .iter()
        .map(|f| {
            built(
                ImageTagMutabilityExclusionFilter::builder()
                    .filter(string(f, "filter").unwrap_or_default())
                    .filter_type(ImageTagMutabilityExclusionFilterType::from(
                        string(f, "filter_type").unwrap_or_default().as_str(),
                    ))
                    .build(),
            )
        })
        .collect()
}

async fn put_mutability(
    client: &aws_sdk_ecr::Client,
    name: &str,
    planned: &Value,
) -> Result<(), ProviderError> {
    let filters = exclusion_filters(planned)?;
    sent!(client
        .put_image_tag_mutability()
        .repository_name(name)
        .set_registry_id(string(planned, "registry_id"))
        .image_tag_mutability(ImageTagMutability::from(
            string(planned, "image_tag_mutability").unwrap_or_else(|| "MUTABLE".into()).as_str(),
        ))
        .set_image_tag_mutability_exclusion_filters((!filters.is_empty()).then_some(filters)))?;
    Ok(())
}

/// The repository's `image_tag_mutability_exclusion_filter` blocks (the data source's too).
pub(crate) fn exclusion_filter_blocks(repository: &Repository) -> Value {
    Value::List(
        repository
            .image_tag_mutability_exclusion_filters()
            .iter()
            .map(|f| {
                Value::map([
                    ("filter", Value::string(f.filter())),
                    ("filter_type", Value::string(f.filter_type().as_str())),
                ])
            })
            .collect(),
    )
}

/// The repository's `image_scanning_configuration` block (the data source's too).
pub(crate) fn scanning_blocks(repository: &Repository) -> Value {
    Value::List(
        repository
            .image_scanning_configuration()
            .map(|c| Value::map([("scan_on_push", Value::Bool(c.scan_on_push()))]))
            .into_iter()
            .collect(),
    )
}

/// The repository's `encryption_configuration` block (the data source's too).
pub(crate) fn encryption_blocks(repository: &Repository) -> Value {
    Value::List(
        repository
            .encryption_configuration()
            .map(|c| {
                Value::map([
                    ("encryption_type", Value::string(c.encryption_type().as_str())),
                    ("kms_key", Value::string(c.kms_key().unwrap_or_default())),
                ])
            })
            .into_iter()
            .collect(),
    )
}

fn name_of(repository: &Repository, _: &crate::declared::Reading) -> Value {
    Value::string(repository.repository_name().unwrap_or_default())
}

impl AwsObject for RepositoryObject {
    type Object = Repository;
    const NAME: &'static str = "aws_ecr_repository";
    const KIND: &'static str = "ECR repository";
    const KEY: &'static str = "name";

    fn attributes() -> Vec<Declared<Repository>> {
        vec![
            read(Attribute::computed("id", Type::String), name_of),
            text_of(Attribute::computed("arn", Type::String), Repository::repository_arn),
            read(Attribute::required("name", Type::String).force_new(), name_of),
            text_of(Attribute::computed("registry_id", Type::String), Repository::registry_id),
            text_of(
                Attribute::computed("repository_url", Type::String),
                Repository::repository_uri,
            ),
            copied(Attribute::optional("force_delete", Type::Bool)),
            read(
                Attribute::optional("image_tag_mutability", Type::String)
                    .default(Value::string("MUTABLE"))
                    .check(Check::OneOf(&[
                        "MUTABLE",
                        "IMMUTABLE",
                        "IMMUTABLE_WITH_EXCLUSION",
                        "MUTABLE_WITH_EXCLUSION",
                    ])),
                |repository: &Repository, _| {
                    text(Some(
                        repository.image_tag_mutability().map(|m| m.as_str()).unwrap_or("MUTABLE"),
                    ))
                },
            ),
            read_block(
                Block {
                    max_items: Some(5),
                    ..Block::list(
                        "image_tag_mutability_exclusion_filter",
                        Schema::new().attr(Attribute::required("filter", Type::String)).attr(
                            Attribute::required("filter_type", Type::String)
                                .check(Check::OneOf(&["WILDCARD"])),
                        ),
                    )
                },
                |repository: &Repository, _| exclusion_filter_blocks(repository),
            ),
            read_block(
                Block::single(
                    "image_scanning_configuration",
                    Schema::new().attr(Attribute::required("scan_on_push", Type::Bool)),
                )
                .computed(),
                |repository: &Repository, _| scanning_blocks(repository),
            ),
            read_block(
                Block::list(
                    "encryption_configuration",
                    Schema::new()
                        .attr(
                            Attribute::optional("encryption_type", Type::String)
                                .default(Value::string("AES256"))
                                .check(Check::OneOf(&["AES256", "KMS", "KMS_DSSE"]))
                                .force_new(),
                        )
                        .attr(Attribute::optional_computed("kms_key", Type::String).force_new()),
                )
                .force_new()
                .computed(),
                |repository: &Repository, _| encryption_blocks(repository),
            ),
        ]
    }

    fn schema(schema: Schema) -> Schema {
        schema.timeouts(&["delete"])
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let filters = blocks(config, "image_tag_mutability_exclusion_filter");
        let mutability = config.get("image_tag_mutability").as_str().unwrap_or("MUTABLE");
        if !filters.is_empty()
            && !matches!(mutability, "IMMUTABLE_WITH_EXCLUSION" | "MUTABLE_WITH_EXCLUSION")
        {
            problems.push((
                "image_tag_mutability_exclusion_filter".to_string(),
                "image_tag_mutability_exclusion_filter can only be used when image_tag_mutability is set to IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION".to_string(),
            ));
        }
        for (i, filter) in filters.iter().enumerate() {
            if let Some(text) = filter.get("filter").as_str() {
                let valid = !text.is_empty()
                    && text.len() <= 128
                    && text.chars().all(|c| c.is_ascii_alphanumeric() || "._*-".contains(c))
                    && text.matches('*').count() <= 2;
                if !valid {
                    problems.push((
                        format!("image_tag_mutability_exclusion_filter[{i}].filter"),
                        format!("\"{text}\": 1 to 128 letters, numbers and ._*- with at most 2 wildcards (*)"),
                    ));
                }
            }
        }
        problems
    }

    fn created_key(_operation: &Operation, planned: &Value) -> Option<String> {
        string(planned, "name")
    }

    /// Repositories by name, with tags: one DescribeRepositories per 100 names (each name on
    /// its own when one is gone, since ECR then refuses the whole call), ListTagsForResource
    /// per repository.
    async fn describe(this: &ObjectType<Self>, names: &[String]) -> DescribeResult<Repository> {
        let client = &this.aws.clients().await.ecr;
        let mut repositories = Vec::new();
        for chunk in names.chunks(NAMES_PER_DESCRIBE) {
            match describe_names(client, chunk).await {
                Ok(found) => repositories.extend(found),
                // One missing name fails the call: ask for each on its own.
                Err(error) if is_gone(&error) && chunk.len() > 1 => {
                    for name in chunk {
                        match describe_names(client, std::slice::from_ref(name)).await {
                            Ok(found) => repositories.extend(found),
                            Err(error) if is_gone(&error) => {}
                            Err(error) => return Err(error),
                        }
                    }
                }
                Err(error) if is_gone(&error) => {}
                Err(error) => return Err(error),
            }
        }
        let mut out = BTreeMap::new();
        for repository in repositories {
            let (Some(name), Some(arn)) =
                (repository.repository_name(), repository.repository_arn())
            else {
                continue;
            };
            let tags = match list_tags(client, arn).await {
                Ok(tags) => tags,
                Err(error) if is_gone(&error) => continue,
                Err(error) => return Err(error),
            };
            out.insert(name.to_string(), Tagged { object: repository.clone(), tags });
        }
        Ok(out)
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.ecr;
        let name = string(at.planned, "name")
            .ok_or_else(|| ProviderError::new("aws_ecr_repository has no name"))?;
        let encryption = match single(at.planned, "encryption_configuration") {
            Some(config) => Some(built(
                EncryptionConfiguration::builder()
                    .encryption_type(EncryptionType::from(
                        string(config, "encryption_type")
                            .unwrap_or_else(|| "AES256".into())
                            .as_str(),
                    ))
                    .set_kms_key(non_empty(config, "kms_key"))
                    .build(),
            )?),
            None => None,
        };
        let scanning = single(at.planned, "image_scanning_configuration").map(|c| {
            ImageScanningConfiguration::builder()
                .scan_on_push(boolean(c, "scan_on_push").unwrap_or(false))
                .build()
        });
        let filters = exclusion_filters(at.planned)?;
        sent!(client
            .create_repository()
            .repository_name(&name)
            .image_tag_mutability(ImageTagMutability::from(
                string(at.planned, "image_tag_mutability")
                    .unwrap_or_else(|| "MUTABLE".into())
                    .as_str(),
            ))
            .set_image_tag_mutability_exclusion_filters((!filters.is_empty()).then_some(filters))
            .set_encryption_configuration(encryption)
            .set_image_scanning_configuration(scanning)
            .set_tags(Some(sdk_tags(&at.operation.tags_with_managed(at.planned))?)))?;
        Ok(name)
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.ecr;
        if changed(at.prior, at.planned, "image_tag_mutability")
            || changed(at.prior, at.planned, "image_tag_mutability_exclusion_filter")
        {
            put_mutability(client, at.key, at.planned).await?;
        }
        if changed(at.prior, at.planned, "image_scanning_configuration") {
            let scan = single(at.planned, "image_scanning_configuration")
                .and_then(|c| boolean(c, "scan_on_push"))
                .unwrap_or(false);
            sent!(client
                .put_image_scanning_configuration()
                .repository_name(at.key)
                .set_registry_id(string(at.prior, "registry_id"))
                .image_scanning_configuration(
                    ImageScanningConfiguration::builder().scan_on_push(scan).build(),
                ))?;
        }
        if let Some(arn) = string(at.prior, "arn") {
            update_tags(client, &arn, at.prior, at.planned).await?;
        }
        Ok(at.key.to_string())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let name = at.key;
        let client = &at.this.aws.clients().await.ecr;
        match sent!(client
            .delete_repository()
            .repository_name(name)
            .set_registry_id(string(at.prior, "registry_id"))
            .force(boolean(at.prior, "force_delete").unwrap_or(false)))
        {
            Ok(_) => Ok(()),
            Err(error) if is_gone(&error) => Ok(()),
            Err(error) if error.code.as_deref() == Some("RepositoryNotEmptyException") => {
                Err(ProviderError::with_code(
                    "RepositoryNotEmptyException",
                    format!(
                        "ECR Repository ({name}) not empty, consider using force_delete: {}",
                        error.message
                    ),
                ))
            }
            Err(error) => Err(error),
        }
    }
}
