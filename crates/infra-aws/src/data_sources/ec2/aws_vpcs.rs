//! `aws_vpcs` (data source): the ids of every VPC matching `tags` and `filter` blocks (none is
//! not an error); see [`super::ids`].

use aws_sdk_ec2::types::Filter;
use infra_core::ProviderError;

use super::ids::{Ids, IdsType};
use crate::paginated::all_items;

pub type AwsVpcs = IdsType<Vpcs>;

pub struct Vpcs;

impl Ids for Vpcs {
    const NAME: &'static str = "aws_vpcs";

    async fn ids(
        ec2: &aws_sdk_ec2::Client,
        filters: Option<Vec<Filter>>,
    ) -> Result<Vec<String>, ProviderError> {
        let vpcs: Vec<_> = all_items!(ec2.describe_vpcs().set_filters(filters))?;
        Ok(vpcs.iter().filter_map(|vpc| vpc.vpc_id().map(str::to_string)).collect())
    }
}
