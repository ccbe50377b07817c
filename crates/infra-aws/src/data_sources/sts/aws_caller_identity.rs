//! `aws_caller_identity`: who the credentials belong to, from STS GetCallerIdentity.

use std::sync::Arc;

use infra_core::{Attribute, DataSourceType, ProviderError, Schema, Type, Value};

use crate::ec2_support::optional_string;
use crate::error::aws_error;
use crate::Aws;

pub struct AwsCallerIdentity {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsCallerIdentity {
    pub fn new(aws: Arc<Aws>) -> AwsCallerIdentity {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("account_id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("user_id", Type::String));
        AwsCallerIdentity { aws, schema }
    }
}

#[async_trait::async_trait]
impl DataSourceType for AwsCallerIdentity {
    fn name(&self) -> &'static str {
        "aws_caller_identity"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> Result<Value, ProviderError> {
        let output =
            self.aws.clients().await.sts.get_caller_identity().send().await.map_err(aws_error)?;
        let mut value = config.clone();
        if let Some(entries) = value.map_mut() {
            entries.insert("id".into(), optional_string(output.account()));
            entries.insert("account_id".into(), optional_string(output.account()));
            entries.insert("arn".into(), optional_string(output.arn()));
            entries.insert("user_id".into(), optional_string(output.user_id()));
        }
        Ok(value)
    }
}
