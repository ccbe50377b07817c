//! `aws_key_pair`: an EC2 key pair registered from a user's public key (ImportKeyPair). The
//! Terraform ID is the key name; `key_name`, `key_name_prefix` and `public_key` force a new
//! key pair; tags change in place.
//!
//! AWS returns the public key only in its own normalized form, so `public_key` keeps the
//! configured text (as the provider does); after an import, where nothing is configured yet,
//! it is read from AWS (`IncludePublicKey`).

use aws_sdk_ec2::types::{KeyPairInfo, ResourceType as Ec2ResourceType, Tag};
use infra_core::{Attribute, Check, Operation, ProviderError, Schema, Type, Value};

use crate::app_support::{deleted_or_gone, sent};
use crate::ec2_object::{
    computed, read, string, Creating, Declared, Deleting, Describing, Ec2Object, Ec2Type,
};
use crate::ec2_support::{
    filter, managed_tag_filters, name_for_create, non_empty_attribute, optional_string,
    string_attribute, with_name_for_create,
};

pub type AwsKeyPair = Ec2Type<KeyPairObject>;

pub struct KeyPairObject;

impl Ec2Object for KeyPairObject {
    type Item = KeyPairInfo;
    const NAME: &'static str = "aws_key_pair";
    /// One DescribeKeyPairs call per 200 key pairs (a `key-name` filter, so a missing name is
    /// not an error for the whole batch).
    const ID_FILTER: Option<&'static str> = Some("key-name");
    const NOT_FOUND: &'static str = "InvalidKeyPair.NotFound";
    const NOUN: &'static str = "key pair";
    const READS_ACCOUNT: bool = true;

    /// `public_key` and `key_name_prefix` are the configured ones (the prior value's).
    fn attributes() -> Vec<Declared<KeyPairInfo>> {
        vec![
            computed("id", KeyPairInfo::key_name),
            read(Attribute::computed("arn", Type::String), |pair: &KeyPairInfo, at| {
                at.arn(at.account, "key-pair", pair.key_name().unwrap_or_default())
            }),
            string(
                Attribute::optional_computed("key_name", Type::String)
                    .force_new()
                    .check(Check::Length(0, 255))
                    .conflicts_with(&["key_name_prefix"]),
                KeyPairInfo::key_name,
            ),
            read(
                Attribute::optional_computed("key_name_prefix", Type::String)
                    .force_new()
                    .conflicts_with(&["key_name"]),
                |_: &KeyPairInfo, at| {
                    Some(at.prior.get("key_name_prefix").clone())
                        .filter(|v| !v.is_null() && v.is_wholly_known())
                        .unwrap_or_else(|| Value::string(""))
                },
            ),
            read(
                Attribute::required("public_key", Type::String).force_new(),
                |pair: &KeyPairInfo, at| match string_attribute(at.prior, "public_key") {
                    Some(configured) => Value::String(configured),
                    None => optional_string(pair.public_key().map(str::trim)),
                },
            ),
            computed("fingerprint", KeyPairInfo::key_fingerprint),
            computed("key_pair_id", KeyPairInfo::key_pair_id),
            read(Attribute::computed("key_type", Type::String), |pair: &KeyPairInfo, _| {
                optional_string(pair.key_type().map(|t| t.as_str()))
            }),
        ]
    }

    fn schema(schema: Schema) -> Schema {
        schema.version(1)
    }

    const ID: fn(&KeyPairInfo) -> Option<&str> = KeyPairInfo::key_name;
    const TAGS: fn(&KeyPairInfo) -> &[Tag] = KeyPairInfo::tags;

    /// Tags go on the key pair's ID, not its name.
    fn tagged_id(name: &str, prior: &Value) -> String {
        string_attribute(prior, "key_pair_id").unwrap_or_else(|| name.to_string())
    }

    /// The generated `key_name` goes into the create's pending entry ([`with_name_for_create`]).
    fn with_generated_names(operation: &Operation, planned: Value) -> Value {
        with_name_for_create(operation, planned, ["key_name", "key_name_prefix"], "terraform-")
    }

    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        Ok(infra_core::resource::import_by("key_name", id))
    }

    /// The IDs [`Describing`] holds are key names.
    async fn describe(at: Describing<'_>) -> Result<Vec<KeyPairInfo>, ProviderError> {
        Ok(sent!(at
            .ec2
            .describe_key_pairs()
            .set_key_names(at.ids)
            .set_filters(at.filters)
            .include_public_key(true))?
        .key_pairs
        .unwrap_or_default())
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let name = name_for_create(
            at.operation,
            at.planned,
            ["key_name", "key_name_prefix"],
            "terraform-",
        );
        let public_key = string_attribute(at.planned, "public_key")
            .ok_or_else(|| ProviderError::new("aws_key_pair: public_key is not known"))?;
        sent!(at
            .this
            .ec2()
            .await
            .import_key_pair()
            .key_name(&name)
            .public_key_material(aws_smithy_types::Blob::new(public_key.into_bytes()))
            .tag_specifications(at.tag_specification(Ec2ResourceType::KeyPair)))?;
        Ok(name)
    }

    /// By its name when the configuration names it, else by the managed tags; the key
    /// material is what this configuration sent.
    async fn find_created(at: Creating<'_, Self>) -> Result<Option<Value>, ProviderError> {
        let filters = match non_empty_attribute(at.planned, "key_name") {
            Some(name) => vec![filter("key-name", [name])],
            None => managed_tag_filters(at.operation),
        };
        let mut found = at.this.find_matching(filters, &Value::Null).await?;
        if let (Some(entries), Some(key)) =
            (found.as_mut().and_then(Value::map_mut), string_attribute(at.planned, "public_key"))
        {
            entries.insert("public_key".into(), Value::String(key));
        }
        Ok(found)
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        deleted_or_gone(
            sent!(at.this.ec2().await.delete_key_pair().key_name(at.key)),
            crate::error::is_not_found,
        )
    }
}
