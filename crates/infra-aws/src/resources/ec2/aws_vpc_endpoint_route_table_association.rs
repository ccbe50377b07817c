//! `aws_vpc_endpoint_route_table_association`: one route table of a Gateway VPC endpoint,
//! managed apart from the endpoint's own `route_table_ids`.
//!
//! Create is ModifyVpcEndpoint with `AddRouteTableIds`, then a wait until the endpoint lists the
//! table; delete is `RemoveRouteTableIds` and a wait until it no longer does (done at once when
//! the endpoint or the table is gone, as the provider treats `InvalidVpcEndpointId.NotFound`,
//! `InvalidRouteTableId.NotFound` and `InvalidParameter`).
//! Both arguments force replacement. The ID is the provider's `a-<endpoint id><hash of the
//! table id>`; the import ID is `VPC_ENDPOINT_ID/ROUTE_TABLE_ID`. Refresh is one
//! DescribeVpcEndpoints for the endpoints of every association. A lost create is found by the
//! pair itself: the table among the endpoint's is the association.

use std::collections::{BTreeMap, BTreeSet};

use infra_core::{ProviderError, Value};

use crate::app_support::{read_one, sent, wait_for};
use crate::association::{split_pair, Association, AssociationType, Link, Pair};
use crate::ec2_support::{crc32, describe_by_ids, has_code};
use crate::error::aws_error;
use crate::iam_support::{propagated, PROPAGATION_TIMEOUT};

pub type AwsVpcEndpointRouteTableAssociation = AssociationType<EndpointRouteTables>;

/// A route table of a VPC endpoint as an [`Association`].
pub struct EndpointRouteTables;

/// The route table IDs of each endpoint of `endpoints` that exists.
async fn route_tables(
    this: &AwsVpcEndpointRouteTableAssociation,
    endpoints: &[String],
) -> Result<BTreeMap<String, BTreeSet<String>>, ProviderError> {
    let client = &this.aws.clients().await.ec2;
    let described = describe_by_ids(endpoints, |chunk| async move {
        let answer = sent!(client.describe_vpc_endpoints().set_vpc_endpoint_ids(Some(chunk)))?;
        Ok(answer.vpc_endpoints.unwrap_or_default())
    })
    .await?;
    Ok(described
        .iter()
        .filter(|endpoint| !super::aws_vpc_endpoint::is_gone(endpoint))
        .filter_map(|endpoint| {
            let id = endpoint.vpc_endpoint_id()?;
            Some((id.to_string(), endpoint.route_table_ids().iter().cloned().collect()))
        })
        .collect())
}

async fn modify(
    this: &AwsVpcEndpointRouteTableAssociation,
    (endpoint, table): &Pair,
    add: bool,
) -> Result<(), ProviderError> {
    let client = &this.aws.clients().await.ec2;
    let request = client.modify_vpc_endpoint().vpc_endpoint_id(endpoint);
    let request = if add {
        request.add_route_table_ids(table)
    } else {
        request.remove_route_table_ids(table)
    };
    request.send().await.map_err(aws_error)?;
    Ok(())
}

/// The provider's ID: `a-<endpoint id><crc32 of the table id>`.
fn id_of(endpoint: &str, table: &str) -> String {
    format!("a-{endpoint}{}", crc32(table.as_bytes()))
}

impl Association for EndpointRouteTables {
    const NAME: &'static str = "aws_vpc_endpoint_route_table_association";
    const PAIR: (&'static str, &'static str) = ("vpc_endpoint_id", "route_table_id");
    const UNKNOWN: &'static str =
        "aws_vpc_endpoint_route_table_association needs a known vpc_endpoint_id and route_table_id";

    fn id((endpoint, table): &Pair) -> String {
        id_of(endpoint, table)
    }

    /// Terraform's import ID: `VPC_ENDPOINT_ID/ROUTE_TABLE_ID`.
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        match split_pair(id, '/') {
            Some(pair) => Ok(AwsVpcEndpointRouteTableAssociation::value_of(&pair)),
            None => Err(ProviderError::new(format!(
                "wrong format of import ID ({id}), use: 'vpc-endpoint-id/route-table-id'"
            ))),
        }
    }

    async fn attach(at: Link<'_, Self>) -> Result<(), ProviderError> {
        let pair = at.pair;
        modify(at.this, pair, true).await?;
        // EC2 is eventually consistent: the table may take a moment to be listed.
        let planned = AwsVpcEndpointRouteTableAssociation::value_of(pair);
        propagated("VPC endpoint route table association", &Self::id(pair), || {
            read_one(at.this, &planned)
        })
        .await?;
        Ok(())
    }

    async fn detach(at: Link<'_, Self>) -> Result<(), ProviderError> {
        let pair = at.pair;
        match modify(at.this, pair, false).await {
            Err(error)
                if has_code(&error, "InvalidVpcEndpointId.NotFound")
                    || has_code(&error, "InvalidRouteTableId.NotFound")
                    || has_code(&error, "InvalidParameter") =>
            {
                return Ok(())
            }
            other => other?,
        }
        // Wait until the endpoint no longer lists the table, as the provider does, so that
        // deleting the table next does not meet a DependencyViolation.
        wait_for("the route table to leave the VPC endpoint", PROPAGATION_TIMEOUT, || async {
            Ok(read_one(at.this, at.state).await?.is_none().then_some(()))
        })
        .await
    }

    /// One DescribeVpcEndpoints for the endpoints of every association.
    async fn read(
        this: &AwsVpcEndpointRouteTableAssociation,
        prior: &[Value],
    ) -> Result<Vec<Option<Pair>>, ProviderError> {
        let endpoints: Vec<String> = prior
            .iter()
            .filter_map(Self::pair)
            .map(|(endpoint, _)| endpoint)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let tables = route_tables(this, &endpoints).await?;
        Ok(prior
            .iter()
            .map(|p| {
                let (endpoint, table) = Self::pair(p)?;
                let linked = tables.get(&endpoint)?.contains(&table);
                linked.then_some((endpoint, table))
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use infra_core::ResourceType;

    #[test]
    fn the_id_and_import_id_are_the_providers() {
        // The provider's `a-%s%d` of the endpoint and Go's crc32.ChecksumIEEE of the table.
        assert_eq!(
            id_of("vpce-0123456789abcdef0", "rtb-0123456789abcdef0"),
            format!("a-vpce-0123456789abcdef0{}", crc32(b"rtb-0123456789abcdef0"))
        );
        let imported =
            AwsVpcEndpointRouteTableAssociation::new(crate::Aws::new(Default::default()))
                .import_prior("vpce-1/rtb-2")
                .unwrap();
        assert_eq!(imported.get("route_table_id"), &Value::string("rtb-2"));
        assert_eq!(imported.get("id"), &Value::string(id_of("vpce-1", "rtb-2")));
        assert!(AwsVpcEndpointRouteTableAssociation::new(crate::Aws::new(Default::default()))
            .import_prior("vpce-1")
            .is_err());
    }
}
