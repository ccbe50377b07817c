//! `aws_default_route_table`: adopts a VPC's main route table (`default_route_table_id`)
//! instead of creating one. As in the provider, adoption first removes every route (but the
//! `local` one, propagated ones and VPC endpoint prefix-list routes) and every VGW propagation,
//! then adds the configured ones; the table's tags become the configured tags. Destroying it
//! only forgets it: a main route table cannot be deleted, and its routes stay as they are.
//! Import takes the VPC id and finds that VPC's main table.
//!
//! The table logic (inline `route`, `propagating_vgws`, reads) is `aws_route_table`'s: this is
//! its [`TableObject`] with `DEFAULT` ([`TableKind::Default`]'s route targets). moto does not
//! implement VGW route propagation, so `propagating_vgws` is not exercised in tests.

use std::collections::BTreeMap;

use infra_core::{ProviderError, Value};

use crate::ec2_object::{Ec2Object, Ec2Type};
use crate::ec2_support::{filter, in_prior_order, string_attribute, string_list, update_tags};
use crate::resources::ec2::aws_route_table::{
    change_propagation, change_routes, delete_route, is_implicit, routes_by_destination, TableKind,
    TableObject,
};

pub type AwsDefaultRouteTable = Ec2Type<TableObject<true>>;

/// Adopts the planned main table: its propagations and routes are replaced by the configured
/// ones, and its tags become the configured tags. Returns its ID.
pub(crate) async fn adopt<const DEFAULT: bool>(
    this: &Ec2Type<TableObject<DEFAULT>>,
    planned: &Value,
) -> Result<String, ProviderError> {
    let id = string_attribute(planned, "default_route_table_id").ok_or_else(|| {
        ProviderError::new("aws_default_route_table: default_route_table_id is not known")
    })?;
    let ec2 = this.ec2().await;
    let in_table = vec![filter("route-table-id", [id.as_str()])];
    let tables = TableObject::<DEFAULT>::describe(ec2, None, in_table).await?;
    let table = tables.first().ok_or_else(|| {
        ProviderError::with_code(
            "InvalidRouteTableID.NotFound",
            format!("reading EC2 Default Route Table ({id}): not found"),
        )
    })?;
    // Adoption: no propagation and no route but the implicit ones remain.
    let propagating: Vec<String> = table
        .propagating_vgws()
        .iter()
        .filter_map(|vgw| vgw.gateway_id().map(str::to_string))
        .collect();
    change_propagation(ec2, &id, &propagating, &[]).await?;
    for route in table.routes() {
        let endpoint_prefix_list = route.destination_prefix_list_id().is_some()
            && route.gateway_id().is_some_and(|g| g.starts_with("vpce-"));
        if is_implicit(route) || endpoint_prefix_list {
            continue;
        }
        let destination = Value::map([
            (
                "cidr_block",
                Value::string(route.destination_cidr_block().unwrap_or_default()),
            ),
            (
                "ipv6_cidr_block",
                Value::string(route.destination_ipv6_cidr_block().unwrap_or_default()),
            ),
            (
                "destination_prefix_list_id",
                Value::string(route.destination_prefix_list_id().unwrap_or_default()),
            ),
        ]);
        delete_route(ec2, &id, &destination).await?;
    }
    change_propagation(ec2, &id, &[], &string_list(planned, "propagating_vgws")).await?;
    let after = routes_by_destination(planned.get("route"), TableKind::Default);
    change_routes(ec2, &id, &BTreeMap::new(), &after).await?;
    // The table's tags become the configured ones.
    let current = this.read_one(&id, &Value::Null).await?;
    update_tags(ec2, &id, &current, planned).await?;
    Ok(id)
}

/// A refresh: the tables by their IDs, and an import's VPC ID (see [`import_prior`]) as that
/// VPC's main table.
pub(crate) async fn read_adopted<const DEFAULT: bool>(
    this: &Ec2Type<TableObject<DEFAULT>>,
    prior: &[Value],
) -> Result<Vec<Option<Value>>, ProviderError> {
    let (imports, tables): (Vec<&Value>, Vec<&Value>) = prior.iter().partition(|value| {
        value
            .get("id")
            .as_str()
            .is_some_and(|id| id.starts_with("vpc-"))
    });
    let tables: Vec<Value> = tables.into_iter().cloned().collect();
    let mut found = this.read_known(&tables).await?;
    for value in imports {
        let Some(vpc_id) = string_attribute(value, "id") else {
            continue;
        };
        let main = vec![
            filter("vpc-id", [vpc_id.as_str()]),
            filter("association.main", ["true"]),
        ];
        let tables = TableObject::<DEFAULT>::describe(this.ec2().await, None, main).await?;
        if let Some(table_id) = tables.iter().find_map(|table| table.route_table_id()) {
            // No prior `route`: the import adopts every route the table has.
            found.insert(vpc_id, this.read_one(table_id, &Value::Null).await?);
        }
    }
    Ok(in_prior_order(prior, &found))
}

/// The provider's import ID is the VPC id; [`read_adopted`] finds its main table.
pub(crate) fn import_prior(id: &str) -> Result<Value, ProviderError> {
    if !id.starts_with("vpc-") {
        return Err(ProviderError::new(format!(
            "aws_default_route_table is imported by its VPC id (vpc-...), got \"{id}\""
        )));
    }
    Ok(Value::map([("id", Value::string(id))]))
}
