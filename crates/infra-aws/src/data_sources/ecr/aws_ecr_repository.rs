//! `aws_ecr_repository` (data source): a repository by name (and `registry_id`, default the
//! caller's registry): its settings, tags, and the tags of its most recently pushed image.

use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::app_support::{sent, string_list, text};
use crate::ecr_support::list_tags;
use crate::error::aws_error;
use crate::lookup::{with_found, Lookup, LookupType};
use crate::resources::ecr::aws_ecr_repository::{
    encryption_blocks, exclusion_filter_blocks, scanning_blocks,
};

pub type AwsEcrRepository = LookupType<EcrRepositoryLookup>;

pub struct EcrRepositoryLookup;

impl Lookup for EcrRepositoryLookup {
    const NAME: &'static str = "aws_ecr_repository";

    fn schema() -> Schema {
        Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("name", Type::String))
            .attr(Attribute::optional_computed("registry_id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("repository_url", Type::String))
            .attr(Attribute::computed("image_tag_mutability", Type::String))
            .attr(Attribute::computed(
                "image_tag_mutability_exclusion_filter",
                Type::list(Type::Any),
            ))
            .attr(Attribute::computed("image_scanning_configuration", Type::list(Type::Any)))
            .attr(Attribute::computed("encryption_configuration", Type::list(Type::Any)))
            .attr(Attribute::computed("most_recent_image_tags", Type::list(Type::String)))
            .attr(Attribute::optional_computed("tags", Type::map(Type::String)))
    }

    async fn read(this: &LookupType<Self>, config: &Value) -> Result<Value, ProviderError> {
        let client = &this.aws.clients().await.ecr;
        let name = config
            .get("name")
            .as_str()
            .ok_or_else(|| ProviderError::new("aws_ecr_repository: name is required"))?;
        let registry = config.get("registry_id").as_str().map(str::to_string);
        let output = sent!(client
            .describe_repositories()
            .repository_names(name)
            .set_registry_id(registry.clone()))?;
        let repository = output
            .repositories()
            .first()
            .ok_or_else(|| ProviderError::new(format!("ECR Repository ({name}) not found")))?;
        let tags = match repository.repository_arn() {
            Some(arn) => list_tags(client, arn).await?,
            None => vec![],
        };
        // The most recently pushed image's tags.
        let mut latest: Option<(aws_smithy_types::DateTime, Vec<String>)> = None;
        let mut pages = client
            .describe_images()
            .repository_name(name)
            .set_registry_id(registry)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for image in page.map_err(aws_error)?.image_details() {
                let Some(pushed) = image.image_pushed_at() else {
                    continue;
                };
                if latest.as_ref().is_none_or(|(at, _)| pushed > at) {
                    latest = Some((*pushed, image.image_tags().to_vec()));
                }
            }
        }
        Ok(with_found(
            config,
            [
                ("id", text(repository.repository_name())),
                ("arn", text(repository.repository_arn())),
                ("registry_id", text(repository.registry_id())),
                ("repository_url", text(repository.repository_uri())),
                (
                    "image_tag_mutability",
                    text(repository.image_tag_mutability().map(|m| m.as_str())),
                ),
                ("image_tag_mutability_exclusion_filter", exclusion_filter_blocks(repository)),
                ("image_scanning_configuration", scanning_blocks(repository)),
                ("encryption_configuration", encryption_blocks(repository)),
                (
                    "most_recent_image_tags",
                    string_list(latest.map(|(_, tags)| tags).unwrap_or_default()),
                ),
                (
                    "tags",
                    infra_core::resource::visible_tags(
                        tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                    ),
                ),
            ],
        ))
    }
}
