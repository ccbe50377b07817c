//! `aws_kms_alias` (data source): an alias by name (`alias/...`), with the key it points to
//! (ListAliases; the key ARN from DescribeKey, which also answers for AWS managed aliases).

use std::sync::Arc;

use infra_core::{Attribute, DataSourceType, ProviderError, Schema, Type, Value};

use crate::app_support::{sent, text};
use crate::resources::kms::aws_kms_alias::list_aliases;
use crate::Aws;

pub struct AwsKmsAlias {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsKmsAlias {
    pub fn new(aws: Arc<Aws>) -> AwsKmsAlias {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("name", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("target_key_arn", Type::String))
            .attr(Attribute::computed("target_key_id", Type::String));
        AwsKmsAlias { aws, schema }
    }
}

#[async_trait::async_trait]
impl DataSourceType for AwsKmsAlias {
    fn name(&self) -> &'static str {
        "aws_kms_alias"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.kms;
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
        let mut value = config.clone();
        if let Some(entries) = value.map_mut() {
            entries.insert("id".into(), text(alias.alias_arn()));
            entries.insert("arn".into(), text(alias.alias_arn()));
            entries.insert(
                "target_key_id".into(),
                text(metadata.map(|m| m.key_id()).or(alias.target_key_id())),
            );
            entries.insert("target_key_arn".into(), text(metadata.and_then(|m| m.arn())));
        }
        Ok(value)
    }
}
