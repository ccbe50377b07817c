//! `aws_ecr_image` (data source): one image of an ECR repository, by `image_digest`, by
//! `image_tag`, or the most recently pushed one (`most_recent`): its digest, tags, size, push
//! time and URI (`<repository URI>:<tag>` when found by tag, else `<repository URI>@<digest>`).

use aws_sdk_ecr::types::{ImageDetail, ImageIdentifier};
use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::app_support::{boolean, non_empty, number, sent, string_list, text};
use crate::error::aws_error;
use crate::lookup::{with_found, Lookup, LookupType};

pub type AwsEcrImage = LookupType<EcrImageLookup>;

pub struct EcrImageLookup;

/// The image a configuration asks for, among the images found: the only one, or with
/// `most_recent` the last pushed.
fn choose(
    mut images: Vec<ImageDetail>,
    most_recent: bool,
    repository: &str,
) -> Result<ImageDetail, ProviderError> {
    if images.len() > 1 && most_recent {
        images.sort_by_key(|i| i.image_pushed_at().map(|t| (t.secs(), t.subsec_nanos())));
        return Ok(images.pop().expect("not empty"));
    }
    match images.len() {
        0 => Err(ProviderError::new(format!(
            "no matching ECR Image found in repository {repository}"
        ))),
        1 => Ok(images.pop().expect("one")),
        n => Err(ProviderError::new(format!(
            "{n} ECR Images matched in repository {repository}; use a more specific search or set most_recent = true"
        ))),
    }
}

impl Lookup for EcrImageLookup {
    const NAME: &'static str = "aws_ecr_image";

    fn schema() -> Schema {
        Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("repository_name", Type::String))
            .attr(Attribute::optional_computed("registry_id", Type::String))
            .attr(Attribute::optional_computed("image_digest", Type::String))
            .attr(Attribute::optional("image_tag", Type::String))
            .attr(Attribute::optional("most_recent", Type::Bool))
            .attr(Attribute::computed("image_pushed_at", Type::Number))
            .attr(Attribute::computed("image_size_in_bytes", Type::Number))
            .attr(Attribute::computed("image_tags", Type::list(Type::String)))
            .attr(Attribute::computed("image_uri", Type::String))
    }

    async fn read(this: &LookupType<Self>, config: &Value) -> Result<Value, ProviderError> {
        let client = &this.aws.clients().await.ecr;
        let repository = non_empty(config, "repository_name")
            .ok_or_else(|| ProviderError::new("aws_ecr_image: repository_name is required"))?;
        let registry = non_empty(config, "registry_id");
        let digest = non_empty(config, "image_digest");
        let tag = non_empty(config, "image_tag");
        let most_recent = boolean(config, "most_recent").unwrap_or(false);
        if digest.is_none() && tag.is_none() && !most_recent {
            return Err(ProviderError::new(
                "aws_ecr_image: one of `image_digest`, `image_tag` or `most_recent` must be specified",
            ));
        }
        let mut request =
            client.describe_images().repository_name(&repository).set_registry_id(registry.clone());
        if digest.is_some() || tag.is_some() {
            request = request.image_ids(
                ImageIdentifier::builder()
                    .set_image_digest(digest.clone())
                    .set_image_tag(tag.clone())
                    .build(),
            );
        }
        let mut images = Vec::new();
        let mut pages = request.into_paginator().send();
        while let Some(page) = pages.next().await {
            images.extend(page.map_err(aws_error)?.image_details().iter().cloned());
        }
        let image = choose(images, most_recent, &repository)?;
        let repositories = sent!(client
            .describe_repositories()
            .repository_names(&repository)
            .set_registry_id(registry))?;
        let repository_uri = repositories
            .repositories()
            .first()
            .and_then(|r| r.repository_uri())
            .unwrap_or_default()
            .to_string();
        let image_digest = image.image_digest().unwrap_or_default().to_string();
        let image_uri = match &tag {
            Some(tag) => format!("{repository_uri}:{tag}"),
            None => format!("{repository_uri}@{image_digest}"),
        };
        Ok(with_found(
            config,
            [
                ("id", Value::string(&image_digest)),
                ("image_digest", Value::string(&image_digest)),
                ("registry_id", text(image.registry_id())),
                ("image_pushed_at", number(image.image_pushed_at().map(|t| t.secs()))),
                ("image_size_in_bytes", number(image.image_size_in_bytes())),
                ("image_tags", string_list(image.image_tags())),
                ("image_uri", Value::string(image_uri)),
            ],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(digest: &str, pushed: i64) -> ImageDetail {
        ImageDetail::builder()
            .image_digest(digest)
            .image_pushed_at(aws_smithy_types::DateTime::from_secs(pushed))
            .build()
    }

    #[test]
    fn most_recent_picks_the_last_pushed_image() {
        let chosen = choose(vec![image("a", 10), image("b", 30), image("c", 20)], true, "r");
        assert_eq!(chosen.unwrap().image_digest(), Some("b"));
    }

    #[test]
    fn several_matches_without_most_recent_are_an_error() {
        assert!(choose(vec![image("a", 1), image("b", 2)], false, "r").is_err());
        assert!(choose(vec![], true, "r").is_err());
    }
}
