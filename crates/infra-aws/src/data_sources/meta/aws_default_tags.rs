//! `aws_default_tags`: the `default_tags { tags = {...} }` of this data source's provider
//! block (an aliased block's own, as in Terraform), from the provider settings, so no AWS call
//! is needed. `id` is the partition (deprecated in the provider, kept as it sets it).
//!
//! The engine applies the default provider block's `default_tags` to resources of an aliased
//! block that has none (an aliased block with different ones is refused at load); this data
//! source reports the block's own, which is what Terraform does.

use std::sync::Arc;

use infra_core::{Attribute, DataSourceType, ProviderError, Schema, Type, Value};

use crate::Aws;

pub struct AwsDefaultTags {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsDefaultTags {
    pub fn new(aws: Arc<Aws>) -> AwsDefaultTags {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("tags", Type::map(Type::String)));
        AwsDefaultTags { aws, schema }
    }
}

#[async_trait::async_trait]
impl DataSourceType for AwsDefaultTags {
    fn name(&self) -> &'static str {
        "aws_default_tags"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> Result<Value, ProviderError> {
        let tags = Value::Map(
            self.aws
                .settings
                .default_tags
                .iter()
                .map(|(k, v)| (k.clone(), Value::string(v)))
                .collect(),
        );
        let region = self.aws.clients().await.region.clone();
        let partition = crate::clients::partition_of(&region);
        let mut value = config.clone();
        if let Some(entries) = value.map_mut() {
            entries.insert("id".into(), Value::string(partition));
            entries.insert("tags".into(), tags);
        }
        Ok(value)
    }
}
