//! `aws_lb_target_group` (data source): a target group by `arn`, `name` or `tags` (each tag
//! pair must match; `arn` wins over `name`). Its attributes are the `aws_lb_target_group`
//! resource's, read by the resource's own code (DescribeTargetGroups, DescribeTags,
//! DescribeTargetGroupAttributes); `health_check` and `stickiness` are always shown.
//!
//! It answers to the legacy name `aws_alb_target_group` too. moto does not return
//! `protocol_version`, `ip_address_type`, `preserve_client_ip` or
//! `load_balancing_anomaly_mitigation` unless they were set.

use std::sync::Arc;

use infra_core::{DataSourceType, ProviderError, Schema, Value};

use crate::app_support::{data_source_schema, data_source_value, string};
use crate::elbv2_support::only_match;
use crate::paginated::all_items;
use crate::resources::elbv2::aws_lb_target_group::AwsLbTargetGroup;
use crate::Aws;

pub struct AwsLbTargetGroupData {
    aws: Arc<Aws>,
    resource: AwsLbTargetGroup,
    schema: Schema,
}

impl AwsLbTargetGroupData {
    pub fn new(aws: Arc<Aws>) -> AwsLbTargetGroupData {
        let resource = AwsLbTargetGroup::new(aws.clone());
        let schema = data_source_schema(
            infra_core::ResourceType::schema(&resource),
            &["arn", "name", "tags"],
            &["name_prefix", "tags_all"],
        );
        AwsLbTargetGroupData {
            aws,
            resource,
            schema,
        }
    }
}

#[async_trait::async_trait]
impl DataSourceType for AwsLbTargetGroupData {
    fn name(&self) -> &'static str {
        "aws_lb_target_group"
    }

    /// The provider's older name for the same data source.
    fn aliases(&self) -> &'static [&'static str] {
        &["aws_alb_target_group"]
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let call = client.describe_target_groups();
        let call = match (string(config, "arn"), string(config, "name")) {
            (Some(arn), _) => call.target_group_arns(arn),
            (None, Some(name)) => call.names(name),
            (None, None) => call,
        };
        let candidates = all_items!(call)?
            .iter()
            .filter_map(|g| g.target_group_arn().map(str::to_string))
            .collect();
        let arn = only_match(client, "Target Group", candidates, config.get("tags")).await?;
        // The resource shows the blocks its hint has: show both, as the provider does.
        let hint = Value::map([
            (
                "health_check",
                Value::List(vec![Value::Map(Default::default())]),
            ),
            (
                "stickiness",
                Value::List(vec![Value::Map(Default::default())]),
            ),
        ]);
        let value = self.resource.read_one(&arn, &hint).await?;
        Ok(data_source_value(&self.schema, value))
    }
}
