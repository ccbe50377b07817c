//! `aws_iam_openid_connect_provider`: an IAM OpenID Connect identity provider.
//!
//! `url` forces replacement (IAM stores it without `https://`; both forms mean the same);
//! `client_id_list` changes in place (Add/RemoveClientIDToOpenIDConnectProvider), as do
//! `thumbprint_list` (UpdateOpenIDConnectProviderThumbprint) and tags. `thumbprint_list` is
//! optional: when it is not set, whatever IAM holds is kept. The id is the ARN, which is also
//! the import ID. Refresh is one GetOpenIDConnectProvider per provider, run concurrently.
//!
//! moto holds every argument; drift on them is seen in tests.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use aws_sdk_iam::operation::get_open_id_connect_provider::GetOpenIdConnectProviderOutput;
use infra_core::{Attribute, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{changed, has_managed_tags, sent, set_tags, string, string_list, strings};
use crate::iam_support::{
    found, gone, owned_tags, propagated, read_each, tag_pairs, tags_to_sdk, update_tags,
};
use crate::tagging::{ManagedTags, WithTags};
use crate::Aws;

pub struct AwsIamOpenidConnectProvider {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsIamOpenidConnectProvider {
    pub fn new(aws: Arc<Aws>) -> AwsIamOpenidConnectProvider {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::required("url", Type::String).force_new())
            .attr(Attribute::required(
                "client_id_list",
                Type::set(Type::String),
            ))
            .attr(Attribute::optional_computed(
                "thumbprint_list",
                Type::list(Type::String),
            ))
            .with_tags();
        AwsIamOpenidConnectProvider { aws, schema }
    }

    async fn get(
        &self,
        arn: &str,
    ) -> Result<Option<GetOpenIdConnectProviderOutput>, ProviderError> {
        let client = &self.aws.clients().await.iam;
        found(sent!(client
            .get_open_id_connect_provider()
            .open_id_connect_provider_arn(arn)))
    }

    async fn read_one(&self, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(arn) = string(prior, "arn").or_else(|| string(prior, "id")) else {
            return Ok(None);
        };
        Ok(self.get(&arn).await?.map(|p| to_value(&arn, &p, prior)))
    }

    async fn read_written(&self, arn: &str, planned: &Value) -> Result<Value, ProviderError> {
        let provider = propagated("IAM OpenID Connect provider", arn, || self.get(arn)).await?;
        Ok(to_value(arn, &provider, planned))
    }
}

/// The URL without its scheme, as IAM stores it.
fn bare_url(url: &str) -> &str {
    url.strip_prefix("https://").unwrap_or(url)
}

fn to_value(arn: &str, provider: &GetOpenIdConnectProviderOutput, hint: &Value) -> Value {
    let url = provider.url().unwrap_or_default();
    let url = match hint.get("url").as_str() {
        Some(configured) if bare_url(configured) == bare_url(url) => Value::string(configured),
        _ if url.starts_with("https://") => Value::string(url),
        _ => Value::string(format!("https://{url}")),
    };
    let mut object = BTreeMap::new();
    object.insert("id".to_string(), Value::string(arn));
    object.insert("arn".to_string(), Value::string(arn));
    object.insert("url".to_string(), url);
    object.insert(
        "client_id_list".to_string(),
        string_list(provider.client_id_list()),
    );
    object.insert(
        "thumbprint_list".to_string(),
        string_list(provider.thumbprint_list()),
    );
    set_tags(&mut object, tag_pairs(provider.tags()));
    Value::Map(object)
}

#[async_trait::async_trait]
impl ResourceType for AwsIamOpenidConnectProvider {
    fn name(&self) -> &'static str {
        "aws_iam_openid_connect_provider"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if let Some(url) = config.get("url").as_str() {
            if !url.starts_with("https://") || url.len() <= "https://".len() {
                problems.push((
                    "url".to_string(),
                    format!("\"{url}\" is not an https:// URL"),
                ));
            }
        }
        for (index, id) in strings(config, "client_id_list").iter().enumerate() {
            if id.is_empty() || id.len() > 255 {
                problems.push((
                    format!("client_id_list[{index}]"),
                    format!("\"{id}\" must be 1 to 255 characters long"),
                ));
            }
        }
        for (index, thumbprint) in strings(config, "thumbprint_list").iter().enumerate() {
            if thumbprint.len() != 40 || !thumbprint.chars().all(|c| c.is_ascii_hexdigit()) {
                problems.push((
                    format!("thumbprint_list[{index}]"),
                    format!("\"{thumbprint}\" is not a 40-character hex SHA-1 thumbprint"),
                ));
            }
        }
        problems
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.iam;
        let thumbprints = strings(planned, "thumbprint_list");
        let response = sent!(client
            .create_open_id_connect_provider()
            .set_url(string(planned, "url"))
            .set_client_id_list(Some(strings(planned, "client_id_list")))
            .set_thumbprint_list((!thumbprints.is_empty()).then_some(thumbprints))
            .set_tags(Some(tags_to_sdk(&operation.tags_with_managed(planned))?)))?;
        let arn = response
            .open_id_connect_provider_arn()
            .ok_or_else(|| ProviderError::new("CreateOpenIDConnectProvider returned no ARN"))?
            .to_string();
        self.read_written(&arn, planned).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.iam;
        let arn = string(prior, "arn").ok_or_else(|| {
            ProviderError::new("aws_iam_openid_connect_provider has no arn in state")
        })?;
        let before: BTreeSet<String> = strings(prior, "client_id_list").into_iter().collect();
        let after: BTreeSet<String> = strings(planned, "client_id_list").into_iter().collect();
        for id in after.difference(&before) {
            sent!(client
                .add_client_id_to_open_id_connect_provider()
                .open_id_connect_provider_arn(&arn)
                .client_id(id))?;
        }
        for id in before.difference(&after) {
            sent!(client
                .remove_client_id_from_open_id_connect_provider()
                .open_id_connect_provider_arn(&arn)
                .client_id(id))?;
        }
        // An empty list cannot be sent (IAM needs at least one thumbprint on update), as in
        // the provider: clearing the list keeps what IAM has.
        if planned.get("thumbprint_list").is_wholly_known()
            && !strings(planned, "thumbprint_list").is_empty()
            && changed(prior, planned, "thumbprint_list")
        {
            sent!(client
                .update_open_id_connect_provider_thumbprint()
                .open_id_connect_provider_arn(&arn)
                .set_thumbprint_list(Some(strings(planned, "thumbprint_list"))))?;
        }
        update_tags!(
            client,
            untag_open_id_connect_provider,
            tag_open_id_connect_provider,
            open_id_connect_provider_arn(&arn),
            prior,
            planned
        )
        .await?;
        self.read_written(&arn, planned).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.iam;
        let Some(arn) = string(prior, "arn") else {
            return Ok(());
        };
        gone(sent!(client
            .delete_open_id_connect_provider()
            .open_id_connect_provider_arn(&arn)))
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        read_each(prior.iter().map(|p| self.read_one(p)).collect()).await
    }

    /// Terraform's import ID: the ARN.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        Ok(infra_core::resource::import_by("arn", id))
    }

    /// By URL (the ARN ends with it) among the account's providers, with this operation's
    /// managed tags.
    async fn find_created(
        &self,
        operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let client = &self.aws.clients().await.iam;
        let Some(url) = string(planned, "url") else {
            return Ok(None);
        };
        let suffix = format!(":oidc-provider/{}", bare_url(&url));
        let list = sent!(client.list_open_id_connect_providers())?;
        let Some(arn) = list
            .open_id_connect_provider_list()
            .iter()
            .filter_map(|p| p.arn())
            .find(|arn| arn.ends_with(&suffix))
        else {
            return Ok(None);
        };
        Ok(self
            .get(arn)
            .await?
            .filter(|p| has_managed_tags(&owned_tags(p.tags()), operation))
            .map(|p| to_value(arn, &p, planned)))
    }
}
