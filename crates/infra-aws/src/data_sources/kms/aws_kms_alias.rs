//! `aws_kms_alias` (data source): an alias by name (`alias/...`), with the key it points to
//! (ListAliases; the key ARN from DescribeKey, which also answers for AWS managed aliases).

use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::app_support::{sent, text};
use crate::lookup::{with_found, Lookup, LookupType};
use crate::resources::kms::aws_kms_alias::list_aliases;

pub type AwsKmsAlias = LookupType<KmsAliasLookup>;

pub struct KmsAliasLookup;

impl Lookup for KmsAliasLookup {
    const NAME: &'static str = "aws_kms_alias";

    fn schema() -> Schema {
        Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("name", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("target_key_arn", Type::String))
            .attr(Attribute::computed("target_key_id", Type::String))
    }

    async fn read(this: &LookupType<Self>, config: &Value) -> Result<Value, ProviderError> {
        let client = &this.aws.clients().await.kms;
        let name = config
            .get("name")
            .as_str()
            .ok_or_else(|| ProviderError::new("aws_kms_alias: name is required"))?;
        let aliases = list_aliases(client).await?;
        let alias = aliases.get(name).ok_or_else(|| {
            ProviderError::with_code("NotFoundException", format!("KMS Alias ({name}) not found"))
        })?;
        // AWS managed aliases carry no target key ID in ListAliases; DescribeKey resolves both.
        let key = sent!(client.describe_key().key_id(name))?;
        let metadata = key.key_metadata();
        Ok(with_found(
            config,
            [
                ("id", text(alias.alias_arn())),
                ("arn", text(alias.alias_arn())),
                ("target_key_id", text(metadata.map(|m| m.key_id()).or(alias.target_key_id()))),
                ("target_key_arn", text(metadata.and_then(|m| m.arn()))),
            ],
        ))
    }
}
