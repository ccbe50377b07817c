//! `aws_lb` (data source): a load balancer by `arn`, `name` or `tags` (each tag pair must
//! match; `arn` wins over `name`). Its attributes are the `aws_lb` resource's, read by the
//! resource's own code: DescribeLoadBalancers, DescribeTags, DescribeLoadBalancerAttributes.
//!
//! It answers to the provider's legacy name `aws_alb` too. moto does not return
//! `subnet_mapping` addresses.

use infra_core::ProviderError;

use crate::elbv2_support::{Elbv2Data, Elbv2Lookup};
use crate::paginated::all_items;
use crate::resources::elbv2::aws_lb::LoadBalancers;

pub type AwsLbData = Elbv2Data<LoadBalancers>;

impl Elbv2Lookup for LoadBalancers {
    const LOOKUP_KIND: &'static str = "Load Balancer";
    /// `subnet_mapping`, as the provider shows it.
    const SHOWN_BLOCKS: &'static [&'static str] = &["subnet_mapping"];

    async fn candidates(
        client: &aws_sdk_elasticloadbalancingv2::Client,
        arn: Option<String>,
        name: Option<String>,
    ) -> Result<Vec<String>, ProviderError> {
        let call = client.describe_load_balancers();
        let call = match (arn, name) {
            (Some(arn), _) => call.load_balancer_arns(arn),
            (None, Some(name)) => call.names(name),
            (None, None) => call,
        };
        Ok(all_items!(call)?
            .iter()
            .filter_map(|lb| lb.load_balancer_arn().map(str::to_string))
            .collect())
    }
}
