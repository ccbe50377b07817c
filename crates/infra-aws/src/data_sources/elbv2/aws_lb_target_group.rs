//! `aws_lb_target_group` (data source): a target group by `arn`, `name` or `tags` (each tag
//! pair must match; `arn` wins over `name`). Its attributes are the `aws_lb_target_group`
//! resource's, read by the resource's own code (DescribeTargetGroups, DescribeTags,
//! DescribeTargetGroupAttributes); `health_check` and `stickiness` are always shown.
//!
//! It answers to the legacy name `aws_alb_target_group` too. moto does not return
//! `protocol_version`, `ip_address_type`, `preserve_client_ip` or
//! `load_balancing_anomaly_mitigation` unless they were set.

use infra_core::ProviderError;

use crate::elbv2_support::{Elbv2Data, Elbv2Lookup};
use crate::paginated::all_items;
use crate::resources::elbv2::aws_lb_target_group::TargetGroups;

pub type AwsLbTargetGroupData = Elbv2Data<TargetGroups>;

impl Elbv2Lookup for TargetGroups {
    const LOOKUP_KIND: &'static str = "Target Group";
    /// Both blocks, as the provider shows them.
    const SHOWN_BLOCKS: &'static [&'static str] = &["health_check", "stickiness"];

    async fn candidates(
        client: &aws_sdk_elasticloadbalancingv2::Client,
        arn: Option<String>,
        name: Option<String>,
    ) -> Result<Vec<String>, ProviderError> {
        let call = client.describe_target_groups();
        let call = match (arn, name) {
            (Some(arn), _) => call.target_group_arns(arn),
            (None, Some(name)) => call.names(name),
            (None, None) => call,
        };
        Ok(all_items!(call)?
            .iter()
            .filter_map(|g| g.target_group_arn().map(str::to_string))
            .collect())
    }
}
