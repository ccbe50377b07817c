//! `aws_lb` (data source): a load balancer by `arn`, `name` or `tags` (each tag pair must
//! match; `arn` wins over `name`). Its attributes are the `aws_lb` resource's, read by the
//! resource's own code: DescribeLoadBalancers, DescribeTags, DescribeLoadBalancerAttributes.
//!
//! It answers to the provider's legacy name `aws_alb` too. moto does not return
//! `subnet_mapping` addresses.

use std::sync::Arc;

use infra_core::{DataSourceType, ProviderError, Schema, Value};

use crate::app_support::{data_source_schema, data_source_value, string};
use crate::elbv2_support::only_match;
use crate::paginated::all_items;
use crate::resources::elbv2::aws_lb::AwsLb;
use crate::Aws;

pub struct AwsLbData {
    aws: Arc<Aws>,
    resource: AwsLb,
    schema: Schema,
}

impl AwsLbData {
    pub fn new(aws: Arc<Aws>) -> AwsLbData {
        let resource = AwsLb::new(aws.clone());
        let schema = data_source_schema(
            infra_core::ResourceType::schema(&resource),
            &["arn", "name", "tags"],
            &["name_prefix", "tags_all"],
        );
        AwsLbData {
            aws,
            resource,
            schema,
        }
    }
}

#[async_trait::async_trait]
impl DataSourceType for AwsLbData {
    fn name(&self) -> &'static str {
        "aws_lb"
    }

    /// The provider's older name for the same data source.
    fn aliases(&self) -> &'static [&'static str] {
        &["aws_alb"]
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let call = client.describe_load_balancers();
        let call = match (string(config, "arn"), string(config, "name")) {
            (Some(arn), _) => call.load_balancer_arns(arn),
            (None, Some(name)) => call.names(name),
            (None, None) => call,
        };
        let candidates = all_items!(call)?
            .iter()
            .filter_map(|lb| lb.load_balancer_arn().map(str::to_string))
            .collect();
        let arn = only_match(client, "Load Balancer", candidates, config.get("tags")).await?;
        // The resource shows `subnet_mapping` when its hint has it: show it, as the provider
        // does.
        let hint = Value::map([(
            "subnet_mapping",
            Value::List(vec![Value::Map(Default::default())]),
        )]);
        let value = self.resource.read_one(&arn, &hint).await?;
        Ok(data_source_value(&self.schema, value))
    }
}
