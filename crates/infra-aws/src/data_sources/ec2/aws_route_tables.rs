//! `aws_route_tables` (data source): the ids of every route table matching `vpc_id`, `tags`
//! and `filter` blocks (none is not an error, as in the provider); see [`super::ids`].

use aws_sdk_ec2::types::Filter;
use infra_core::ProviderError;

use super::ids::{Ids, IdsType};
use crate::paginated::all_items;

pub type AwsRouteTables = IdsType<RouteTables>;

pub struct RouteTables;

impl Ids for RouteTables {
    const NAME: &'static str = "aws_route_tables";
    const ARGUMENTS: &'static [(&'static str, &'static str)] = &[("vpc_id", "vpc-id")];
    const TAGS_COMPUTED: bool = true;

    async fn ids(
        ec2: &aws_sdk_ec2::Client,
        filters: Option<Vec<Filter>>,
    ) -> Result<Vec<String>, ProviderError> {
        let tables: Vec<_> = all_items!(ec2.describe_route_tables().set_filters(filters))?;
        Ok(tables.iter().filter_map(|table| table.route_table_id().map(str::to_string)).collect())
    }
}
