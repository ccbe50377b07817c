//! `aws_route_tables` (data source): the ids of every route table matching `vpc_id`, `tags`
//! and `filter` blocks (none is not an error, as in the provider).

use std::sync::Arc;

use infra_core::{Attribute, DataSourceType, ProviderError, Schema, Type, Value};

use crate::ec2_support::{filter_block, lookup_filters, lookup_value, string_values};
use crate::paginated::all_items;
use crate::Aws;

pub struct AwsRouteTables {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsRouteTables {
    pub fn new(aws: Arc<Aws>) -> AwsRouteTables {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::optional("vpc_id", Type::String))
            .attr(Attribute::optional_computed(
                "tags",
                Type::map(Type::String),
            ))
            .attr(Attribute::computed("ids", Type::list(Type::String)))
            .block(filter_block());
        AwsRouteTables { aws, schema }
    }
}

#[async_trait::async_trait]
impl DataSourceType for AwsRouteTables {
    fn name(&self) -> &'static str {
        "aws_route_tables"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> Result<Value, ProviderError> {
        let clients = self.aws.clients().await;
        let tables: Vec<_> = all_items!(clients.ec2.describe_route_tables().set_filters(
            Some(lookup_filters(config, &[("vpc_id", "vpc-id")])).filter(|f| !f.is_empty()),
        ))?;
        let ids = tables
            .iter()
            .filter_map(|table| table.route_table_id().map(str::to_string));
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
