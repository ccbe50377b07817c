//! `aws_canonical_user_id`: the canonical user ID of the provider's account, the owner that S3
//! ListBuckets reports, and its `display_name` (which S3 includes only in some regions; empty
//! otherwise).

use std::sync::Arc;

use infra_core::{Attribute, DataSourceType, ProviderError, Schema, Type, Value};

use crate::error::aws_error;
use crate::Aws;

pub struct AwsCanonicalUserId {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsCanonicalUserId {
    pub fn new(aws: Arc<Aws>) -> AwsCanonicalUserId {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("display_name", Type::String));
        AwsCanonicalUserId { aws, schema }
    }
}

#[async_trait::async_trait]
impl DataSourceType for AwsCanonicalUserId {
    fn name(&self) -> &'static str {
        "aws_canonical_user_id"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.s3;
        let response = client.list_buckets().max_buckets(1).send().await.map_err(aws_error)?;
        let owner = response.owner().ok_or_else(|| {
            ProviderError::new("S3 ListBuckets returned no owner: no canonical user ID")
        })?;
        let id = owner
            .id()
            .ok_or_else(|| ProviderError::new("S3 ListBuckets returned an owner without an ID"))?;
        let mut value = config.clone();
        if let Some(entries) = value.map_mut() {
            entries.insert("id".into(), Value::string(id));
            entries.insert(
                "display_name".into(),
                Value::string(owner.display_name().unwrap_or_default()),
            );
        }
        Ok(value)
    }
}
