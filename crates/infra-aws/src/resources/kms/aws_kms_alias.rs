//! `aws_kms_alias`: a friendly name (`alias/...`) for a KMS key.
//!
//! The ID is the alias name (also the import ID). Refresh is one ListAliases walk for every
//! alias at once, matched by name. `target_key_id` changes in place (UpdateAlias) and may be a
//! key ID or key ARN: either reads back as written when it names the same key. `name` and
//! `name_prefix` force a new alias; without either, the name is generated from `alias/`.
//! Aliases carry no tags: a create whose answer was lost is found by its name.
//!
//! moto holds every argument of this type; drift on all of them is seen in tests.

use std::collections::BTreeMap;

use aws_sdk_kms::types::AliasListEntry;
use infra_core::{Attribute, Operation, ProviderError, Type, Value};

use crate::app_support::{
    changed, computed_name_prefix_attribute, name_attribute, sent, string, text,
};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged, Updating,
};
use crate::declared::{computed, from_prior, read, Declared, Reading};
use crate::ec2_support::{name_for_create, with_name_for_create};
use crate::error::aws_error;
use crate::iam_support::name_checks;
use crate::resources::kms::aws_kms_key::is_gone;

pub type AwsKmsAlias = ObjectType<AliasObject>;

pub struct AliasObject;

/// Every alias in the region, by name.
pub(crate) async fn list_aliases(
    client: &aws_sdk_kms::Client,
) -> Result<BTreeMap<String, AliasListEntry>, ProviderError> {
    let mut out = BTreeMap::new();
    let mut pages = client.list_aliases().into_paginator().send();
    while let Some(page) = pages.next().await {
        for alias in page.map_err(aws_error)?.aliases() {
            if let Some(name) = alias.alias_name() {
                out.insert(name.to_string(), alias.clone());
            }
        }
    }
    Ok(out)
}

/// The key's ARN from the alias ARN (same account and region) and the key ID.
pub(crate) fn key_arn(alias_arn: &str, key_id: &str) -> Option<String> {
    let (prefix, _) = alias_arn.split_once(":alias/")?;
    Some(format!("{prefix}:key/{key_id}"))
}

/// True when `configured` (a key ID or key ARN) names the key `key_id`.
fn same_key(configured: &str, key_id: &str) -> bool {
    configured == key_id || configured.rsplit_once(":key/").is_some_and(|(_, id)| id == key_id)
}

impl AwsObject for AliasObject {
    type Object = AliasListEntry;
    const NAME: &'static str = "aws_kms_alias";
    const KIND: &'static str = "KMS alias";
    const KEY: &'static str = "name";
    const KEY_OR_ID: bool = true;
    const TAGGED: bool = false;

    /// The attributes, each with how it is read from ListAliases' entry.
    fn attributes() -> Vec<Declared<AliasListEntry>> {
        fn name(alias: &AliasListEntry, _: &Reading) -> Value {
            Value::string(alias.alias_name().unwrap_or_default())
        }
        vec![
            read(Attribute::computed("id", Type::String), name),
            computed("arn", AliasListEntry::alias_arn),
            read(name_attribute(), name),
            from_prior(computed_name_prefix_attribute()),
            read(
                Attribute::computed("target_key_arn", Type::String),
                |alias: &AliasListEntry, _: &Reading| {
                    let key_id = alias.target_key_id().unwrap_or_default();
                    text(alias.alias_arn().and_then(|arn| key_arn(arn, key_id)).as_deref())
                },
            ),
            // A key ID or key ARN reads back as written when it names the same key.
            read(
                Attribute::required("target_key_id", Type::String),
                |alias: &AliasListEntry, at: &Reading| {
                    let key_id = alias.target_key_id().unwrap_or_default();
                    match at.prior.get("target_key_id").as_str() {
                        Some(configured) if same_key(configured, key_id) => {
                            Value::string(configured)
                        }
                        _ => Value::string(key_id),
                    }
                },
            ),
        ]
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        name_checks(config, invalid_alias_name)
    }

    /// The generated `name` goes into the create's pending entry ([`with_name_for_create`]).
    fn with_generated_names(operation: &Operation, planned: Value) -> Value {
        with_name_for_create(operation, planned, ["name", "name_prefix"], "alias/")
    }

    /// One ListAliases walk for every alias at once, matched by name.
    async fn describe(this: &ObjectType<Self>, names: &[String]) -> DescribeResult<AliasListEntry> {
        if names.is_empty() {
            return Ok(BTreeMap::new());
        }
        let client = &this.aws.clients().await.kms;
        Ok(list_aliases(client)
            .await?
            .into_iter()
            .filter(|(name, _)| names.contains(name))
            .map(|(name, alias)| {
                let alias = Tagged { object: alias, tags: vec![] };
                (name, alias)
            })
            .collect())
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.kms;
        let name = name_for_create(at.operation, at.planned, ["name", "name_prefix"], "alias/");
        sent!(client
            .create_alias()
            .alias_name(&name)
            .target_key_id(string(at.planned, "target_key_id").unwrap_or_default()))?;
        Ok(name)
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.kms;
        if changed(at.prior, at.planned, "target_key_id") {
            sent!(client
                .update_alias()
                .alias_name(at.key)
                .target_key_id(string(at.planned, "target_key_id").unwrap_or_default()))?;
        }
        Ok(at.key.to_string())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let client = &at.this.aws.clients().await.kms;
        match sent!(client.delete_alias().alias_name(at.key)) {
            Ok(_) => Ok(()),
            Err(error) if is_gone(&error) => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// Aliases carry no tags: the alias of the create's name that targets the planned key.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<AliasListEntry> {
        let name = name_for_create(at.operation, at.planned, ["name", "name_prefix"], "alias/");
        Ok(at.this.found(&name).await?.filter(|alias| {
            at.planned
                .get("target_key_id")
                .as_str()
                .zip(alias.object.target_key_id())
                .is_some_and(|(configured, id)| same_key(configured, id))
        }))
    }
}

/// The provider's check of an alias name or prefix: `alias/` then letters, digits, `/_-`,
/// not in the reserved `alias/aws/` space.
fn invalid_alias_name(name: &str) -> Option<String> {
    let Some(rest) = name.strip_prefix("alias/") else {
        return Some(format!("\"{name}\" must begin with 'alias/'"));
    };
    if name.starts_with("alias/aws/") {
        return Some(format!("\"{name}\" cannot begin with reserved AWS CMK prefix 'alias/aws/'"));
    }
    if !rest.chars().all(|c| c.is_ascii_alphanumeric() || "/_-".contains(c)) || name.len() > 256 {
        return Some(format!(
            "\"{name}\" must contain only alphanumeric characters, forward slashes, underscores and dashes"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_arns_come_from_alias_arns() {
        assert_eq!(
            key_arn("arn:aws:kms:us-east-1:123456789012:alias/app", "1234-abcd").as_deref(),
            Some("arn:aws:kms:us-east-1:123456789012:key/1234-abcd")
        );
        assert!(same_key("arn:aws:kms:us-east-1:123456789012:key/1234-abcd", "1234-abcd"));
        assert!(!same_key("other", "1234-abcd"));
    }

    #[test]
    fn alias_names_are_checked_like_the_provider() {
        assert!(invalid_alias_name("alias/app-key").is_none());
        assert!(invalid_alias_name("app-key").is_some());
        assert!(invalid_alias_name("alias/aws/ebs").is_some());
        assert!(invalid_alias_name("alias/bad name").is_some());
    }
}
