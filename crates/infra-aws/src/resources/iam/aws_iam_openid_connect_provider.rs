//! `aws_iam_openid_connect_provider`: an IAM OpenID Connect identity provider.
//!
//! `url` forces replacement (IAM stores it without `https://`; both forms mean the same);
//! `client_id_list` changes in place (Add/RemoveClientIDToOpenIDConnectProvider), as do
//! `thumbprint_list` (UpdateOpenIDConnectProviderThumbprint) and tags. `thumbprint_list` is
//! optional: when it is not set, whatever IAM holds is kept. The id is the ARN, which is also
//! the import ID. Refresh is one GetOpenIDConnectProvider per provider, run concurrently.
//!
//! moto holds every argument; drift on them is seen in tests.

use std::collections::BTreeSet;

use aws_sdk_iam::operation::get_open_id_connect_provider::GetOpenIdConnectProviderOutput;
use infra_core::{Attribute, ProviderError, Type, Value};

use crate::app_support::{changed, has_managed_tags, sent, string, string_list, strings};
use crate::aws_object::{
    each_key, AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged,
    Updating,
};
use crate::declared::{read, Declared, Reading};
use crate::iam_support::{found, gone, owned_tags, tags_to_sdk, update_tags};
use crate::tagging::ManagedTags;

pub type AwsIamOpenidConnectProvider = ObjectType<OidcProviderObject>;

pub struct OidcProviderObject;

/// A provider: its ARN and what GetOpenIDConnectProvider says of it.
pub struct OidcProvider {
    arn: String,
    provider: GetOpenIdConnectProviderOutput,
}

async fn get(
    this: &AwsIamOpenidConnectProvider,
    arn: &str,
) -> Result<Option<Tagged<OidcProvider>>, ProviderError> {
    let client = &this.aws.clients().await.iam;
    Ok(found(sent!(client.get_open_id_connect_provider().open_id_connect_provider_arn(arn)))?.map(
        |provider| Tagged {
            tags: owned_tags(provider.tags()),
            object: OidcProvider { arn: arn.to_string(), provider },
        },
    ))
}

/// The URL without its scheme, as IAM stores it.
fn bare_url(url: &str) -> &str {
    url.strip_prefix("https://").unwrap_or(url)
}

fn arn_of(found: &OidcProvider, _: &Reading) -> Value {
    Value::string(&found.arn)
}

impl AwsObject for OidcProviderObject {
    type Object = OidcProvider;
    const NAME: &'static str = "aws_iam_openid_connect_provider";
    const KIND: &'static str = "IAM OpenID Connect provider";
    const KEY: &'static str = "arn";
    const KEY_OR_ID: bool = true;
    const EVENTUALLY_CONSISTENT: bool = true;

    fn attributes() -> Vec<Declared<OidcProvider>> {
        vec![
            read(Attribute::computed("id", Type::String), arn_of),
            read(Attribute::computed("arn", Type::String), arn_of),
            read(
                Attribute::required("url", Type::String).force_new(),
                |found: &OidcProvider, at: &Reading| {
                    let url = found.provider.url().unwrap_or_default();
                    match at.prior.get("url").as_str() {
                        Some(configured) if bare_url(configured) == bare_url(url) => {
                            Value::string(configured)
                        }
                        _ if url.starts_with("https://") => Value::string(url),
                        _ => Value::string(format!("https://{url}")),
                    }
                },
            ),
            read(
                Attribute::required("client_id_list", Type::set(Type::String)),
                |found: &OidcProvider, _| string_list(found.provider.client_id_list()),
            ),
            read(
                Attribute::optional_computed("thumbprint_list", Type::list(Type::String)),
                |found: &OidcProvider, _| string_list(found.provider.thumbprint_list()),
            ),
        ]
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if let Some(url) = config.get("url").as_str() {
            if !url.starts_with("https://") || url.len() <= "https://".len() {
                problems.push(("url".to_string(), format!("\"{url}\" is not an https:// URL")));
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

    /// One GetOpenIDConnectProvider per provider, run concurrently.
    async fn describe(this: &ObjectType<Self>, arns: &[String]) -> DescribeResult<OidcProvider> {
        each_key(arns, |arn| get(this, arn)).await
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.iam;
        let thumbprints = strings(at.planned, "thumbprint_list");
        let response = sent!(client
            .create_open_id_connect_provider()
            .set_url(string(at.planned, "url"))
            .set_client_id_list(Some(strings(at.planned, "client_id_list")))
            .set_thumbprint_list((!thumbprints.is_empty()).then_some(thumbprints))
            .set_tags(Some(tags_to_sdk(&at.operation.tags_with_managed(at.planned))?)))?;
        let arn = response
            .open_id_connect_provider_arn()
            .ok_or_else(|| ProviderError::new("CreateOpenIDConnectProvider returned no ARN"))?
            .to_string();
        Ok(arn)
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.iam;
        let before: BTreeSet<String> = strings(at.prior, "client_id_list").into_iter().collect();
        let after: BTreeSet<String> = strings(at.planned, "client_id_list").into_iter().collect();
        for id in after.difference(&before) {
            sent!(client
                .add_client_id_to_open_id_connect_provider()
                .open_id_connect_provider_arn(at.key)
                .client_id(id))?;
        }
        for id in before.difference(&after) {
            sent!(client
                .remove_client_id_from_open_id_connect_provider()
                .open_id_connect_provider_arn(at.key)
                .client_id(id))?;
        }
        // An empty list cannot be sent (IAM needs at least one thumbprint on update), as in
        // the provider: clearing the list keeps what IAM has.
        if at.planned.get("thumbprint_list").is_wholly_known()
            && !strings(at.planned, "thumbprint_list").is_empty()
            && changed(at.prior, at.planned, "thumbprint_list")
        {
            sent!(client
                .update_open_id_connect_provider_thumbprint()
                .open_id_connect_provider_arn(at.key)
                .set_thumbprint_list(Some(strings(at.planned, "thumbprint_list"))))?;
        }
        update_tags!(
            client,
            untag_open_id_connect_provider,
            tag_open_id_connect_provider,
            open_id_connect_provider_arn(at.key),
            at.prior,
            at.planned
        )
        .await?;
        Ok(at.key.to_string())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let client = &at.this.aws.clients().await.iam;
        gone(sent!(client.delete_open_id_connect_provider().open_id_connect_provider_arn(at.key)))
    }

    /// By URL (the ARN ends with it) among the account's providers, with this operation's
    /// managed tags.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<OidcProvider> {
        let client = &at.this.aws.clients().await.iam;
        let Some(url) = string(at.planned, "url") else {
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
        Ok(get(at.this, arn).await?.filter(|found| has_managed_tags(&found.tags, at.operation)))
    }
}
