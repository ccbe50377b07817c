//! `aws_vpcs` (data source): the ids of every VPC matching `tags` and `filter` blocks (none is
//! not an error).

use std::sync::Arc;

use infra_core::{Attribute, DataSourceType, ProviderError, Schema, Type, Value};

use crate::ec2_support::{filter_block, lookup_filters, lookup_value, string_values};
use crate::paginated::all_items;
use crate::Aws;

pub struct AwsVpcs {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsVpcs {
    pub fn new(aws: Arc<Aws>) -> AwsVpcs {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::optional("tags", Type::map(Type::String)))
            .attr(Attribute::computed("ids", Type::list(Type::String)))
            .block(filter_block());
        AwsVpcs { aws, schema }
    }
}

#[async_trait::async_trait]
impl DataSourceType for AwsVpcs {
    fn name(&self) -> &'static str {
        "aws_vpcs"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> Result<Value, ProviderError> {
        let clients = self.aws.clients().await;
        let vpcs: Vec<_> = all_items!(clients
            .ec2
            .describe_vpcs()
            .set_filters(Some(lookup_filters(config, &[])).filter(|f| !f.is_empty())))?;
        let ids = vpcs
            .iter()
            .filter_map(|vpc| vpc.vpc_id().map(str::to_string));
        Ok(lookup_value(
            &self.schema,
            config,
            [
                ("id", Value::string(&clients.region)),
                ("ids", string_values(ids)),
            ],
        ))
    }
}
