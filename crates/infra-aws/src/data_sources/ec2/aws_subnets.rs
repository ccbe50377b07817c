//! `aws_subnets` (data source): the ids of every subnet matching `tags` and `filter` blocks (none is
//! not an error); see [`super::ids`].

use aws_sdk_ec2::types::Filter;
use infra_core::ProviderError;

use super::ids::{Ids, IdsType};
use crate::paginated::all_items;

pub type AwsSubnets = IdsType<Subnets>;

pub struct Subnets;

impl Ids for Subnets {
    const NAME: &'static str = "aws_subnets";

    async fn ids(
        ec2: &aws_sdk_ec2::Client,
        filters: Option<Vec<Filter>>,
    ) -> Result<Vec<String>, ProviderError> {
        let subnets: Vec<_> = all_items!(ec2.describe_subnets().set_filters(filters))?;
        Ok(subnets.iter().filter_map(|subnet| subnet.subnet_id().map(str::to_string)).collect())
    }
}
