//! `aws_subnets` (data source): the ids of every subnet matching `tags` and `filter` blocks (none is
//! not an error).

use std::sync::Arc;

use infra_core::{Attribute, DataSourceType, ProviderError, Schema, Type, Value};

use crate::ec2_support::{filter_block, lookup_filters, lookup_value, string_values};
use crate::paginated::all_items;
use crate::Aws;

pub struct AwsSubnets {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsSubnets {
    pub fn new(aws: Arc<Aws>) -> AwsSubnets {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::optional("tags", Type::map(Type::String)))
            .attr(Attribute::computed("ids", Type::list(Type::String)))
            .block(filter_block());
        AwsSubnets { aws, schema }
    }
}

#[async_trait::async_trait]
impl DataSourceType for AwsSubnets {
    fn name(&self) -> &'static str {
        "aws_subnets"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> Result<Value, ProviderError> {
        let clients = self.aws.clients().await;
        let subnets: Vec<_> = all_items!(clients
            .ec2
            .describe_subnets()
            .set_filters(Some(lookup_filters(config, &[])).filter(|f| !f.is_empty())))?;
        let ids = subnets
            .iter()
            .filter_map(|subnet| subnet.subnet_id().map(str::to_string));
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
