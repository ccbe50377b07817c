//! `aws_vpn_gateway_route_propagation`: lets a virtual private gateway propagate its routes
//! into a route table. Both arguments force a new propagation; its id is the provider's
//! `ROUTE-TABLE-ID_VPN-GATEWAY-ID`. The provider has no import for this type.
//!
//! moto does not implement EnableVgwRoutePropagation / DisableVgwRoutePropagation, so this
//! type is coded to the AWS API and only its validate and plan (`count = 0`, as the VPC module
//! gates it) are tested.

use aws_sdk_ec2::types::RouteTable;
use infra_core::{ProviderError, Timeouts, Value};

use crate::app_support::sent;
use crate::association::{Association, AssociationType, Link, Pair, Update};
use crate::ec2_support::{describe_by_filter, known_strings, wait_for};
use crate::paginated::all_items;

fn propagation_id(route_table_id: &str, vpn_gateway_id: &str) -> String {
    format!("{route_table_id}_{vpn_gateway_id}")
}

pub type AwsVpnGatewayRoutePropagation = AssociationType<RoutePropagations>;

/// A route table propagating a virtual private gateway's routes as an [`Association`].
pub struct RoutePropagations;

async fn tables(
    this: &AwsVpnGatewayRoutePropagation,
    ids: &[String],
) -> Result<Vec<RouteTable>, ProviderError> {
    let ec2 = &this.aws.clients().await.ec2;
    let describe = |ids| async move { all_items!(ec2.describe_route_tables().filters(ids)) };
    describe_by_filter("route-table-id", ids, describe).await
}

/// Whether the table propagates the gateway's routes now.
async fn propagating(
    this: &AwsVpnGatewayRoutePropagation,
    table: &str,
    gateway: &str,
) -> Result<bool, ProviderError> {
    let tables = tables(this, &[table.to_string()]).await?;
    Ok(propagates(&tables, table, gateway))
}

fn propagates(tables: &[RouteTable], table: &str, gateway: &str) -> bool {
    tables
        .iter()
        .filter(|t| t.route_table_id() == Some(table))
        .flat_map(RouteTable::propagating_vgws)
        .any(|vgw| vgw.gateway_id() == Some(gateway))
}

impl Association for RoutePropagations {
    const NAME: &'static str = "aws_vpn_gateway_route_propagation";
    const PAIR: (&'static str, &'static str) = ("route_table_id", "vpn_gateway_id");
    const UNKNOWN: &'static str =
        "aws_vpn_gateway_route_propagation: route_table_id and vpn_gateway_id are required";
    const TIMEOUTS: &'static [&'static str] = &["create", "delete"];
    const UPDATE: Update = Update::KeepPrior;

    fn default_timeouts() -> Timeouts {
        Timeouts::minutes(2, 2, 2)
    }

    fn id((table, gateway): &Pair) -> String {
        propagation_id(table, gateway)
    }

    async fn attach(at: Link<'_, Self>) -> Result<(), ProviderError> {
        let (table, gateway) = at.pair;
        let ec2 = &at.this.aws.clients().await.ec2;
        sent!(ec2.enable_vgw_route_propagation().route_table_id(table).gateway_id(gateway))?;
        wait_for(
            at.operation.timeouts.create,
            &format!("route table {table} to propagate routes of {gateway}"),
            || async { Ok(propagating(at.this, table, gateway).await?.then_some(())) },
        )
        .await
    }

    async fn detach(at: Link<'_, Self>) -> Result<(), ProviderError> {
        let (table, gateway) = at.pair;
        let ec2 = &at.this.aws.clients().await.ec2;
        let result =
            sent!(ec2.disable_vgw_route_propagation().route_table_id(table).gateway_id(gateway));
        match result {
            Ok(_) => {}
            Err(error)
                if crate::error::is_not_found(&error)
                    || error.code.as_deref() == Some("Gateway.NotAttached") =>
            {
                return Ok(())
            }
            Err(error) => return Err(error),
        }
        wait_for(
            at.operation.timeouts.delete,
            &format!("route table {table} to stop propagating routes of {gateway}"),
            || async { Ok((!propagating(at.this, table, gateway).await?).then_some(())) },
        )
        .await
    }

    async fn read(
        this: &AwsVpnGatewayRoutePropagation,
        prior: &[Value],
    ) -> Result<Vec<Option<Pair>>, ProviderError> {
        let tables = tables(this, &known_strings(prior, "route_table_id")).await?;
        Ok(prior
            .iter()
            .map(|value| {
                let (table, gateway) = Self::pair(value)?;
                propagates(&tables, &table, &gateway).then_some((table, gateway))
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::PropagatingVgw;

    #[test]
    fn id_and_propagation_lookup() {
        assert_eq!(propagation_id("rtb-1", "vgw-2"), "rtb-1_vgw-2");
        let tables = vec![RouteTable::builder()
            .route_table_id("rtb-1")
            .propagating_vgws(PropagatingVgw::builder().gateway_id("vgw-2").build())
            .build()];
        assert!(propagates(&tables, "rtb-1", "vgw-2"));
        assert!(!propagates(&tables, "rtb-1", "vgw-3"));
        assert!(!propagates(&tables, "rtb-9", "vgw-2"));
    }
}
