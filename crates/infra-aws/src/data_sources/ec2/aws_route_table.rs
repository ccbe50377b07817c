//! `aws_route_table` (data source): the one route table matching `route_table_id`, `vpc_id`,
//! `subnet_id`, `gateway_id` (an association), `tags` and `filter` blocks, with its routes
//! and associations.
//!
//! moto does not return `core_network_arn`, `carrier_gateway_id` or `local_gateway_id` routes,
//! so those targets read empty in tests.

use aws_sdk_ec2::types::RouteTable;
use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::app_support::sent;
use crate::ec2_support::{
    ec2_arn, exactly_one, filter_block, lookup_filters, lookup_value, visible_ec2_tags,
};
use crate::lookup::{Lookup, LookupType};

pub type AwsRouteTable = LookupType<RouteTableLookup>;

pub struct RouteTableLookup;

/// The routes the provider reports: not the VPC's `local` routes, not routes propagated from a
/// virtual private gateway, not the prefix-list routes a gateway VPC endpoint adds.
fn routes(table: &RouteTable) -> Vec<Value> {
    let text = |value: Option<&str>| Value::string(value.unwrap_or_default());
    let endpoint = |gateway: Option<&str>| gateway.is_some_and(|g| g.starts_with("vpce-"));
    table
        .routes()
        .iter()
        .filter(|route| route.gateway_id() != Some("local"))
        .filter(|route| route.origin().map(|o| o.as_str()) != Some("EnableVgwRoutePropagation"))
        .filter(|route| {
            !(route.destination_prefix_list_id().is_some() && endpoint(route.gateway_id()))
        })
        .map(|route| {
            Value::map([
                ("cidr_block", text(route.destination_cidr_block())),
                ("ipv6_cidr_block", text(route.destination_ipv6_cidr_block())),
                ("destination_prefix_list_id", text(route.destination_prefix_list_id())),
                ("carrier_gateway_id", text(route.carrier_gateway_id())),
                ("core_network_arn", text(route.core_network_arn())),
                ("egress_only_gateway_id", text(route.egress_only_internet_gateway_id())),
                ("gateway_id", text(route.gateway_id().filter(|g| !endpoint(Some(*g))))),
                ("instance_id", text(route.instance_id())),
                ("local_gateway_id", text(route.local_gateway_id())),
                ("nat_gateway_id", text(route.nat_gateway_id())),
                ("network_interface_id", text(route.network_interface_id())),
                ("transit_gateway_id", text(route.transit_gateway_id())),
                ("vpc_endpoint_id", text(route.gateway_id().filter(|g| endpoint(Some(*g))))),
                ("vpc_peering_connection_id", text(route.vpc_peering_connection_id())),
            ])
        })
        .collect()
}

fn associations(table: &RouteTable) -> Vec<Value> {
    let text = |value: Option<&str>| Value::string(value.unwrap_or_default());
    table
        .associations()
        .iter()
        .map(|association| {
            Value::map([
                ("gateway_id", text(association.gateway_id())),
                ("main", Value::Bool(association.main().unwrap_or(false))),
                ("route_table_association_id", text(association.route_table_association_id())),
                ("route_table_id", text(association.route_table_id())),
                ("subnet_id", text(association.subnet_id())),
            ])
        })
        .collect()
}

impl Lookup for RouteTableLookup {
    const NAME: &'static str = "aws_route_table";

    fn schema() -> Schema {
        Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::optional_computed("route_table_id", Type::String))
            .attr(Attribute::optional_computed("vpc_id", Type::String))
            .attr(Attribute::optional_computed("subnet_id", Type::String))
            .attr(Attribute::optional_computed("gateway_id", Type::String))
            .attr(Attribute::optional_computed("tags", Type::map(Type::String)))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("owner_id", Type::String))
            // Objects of `cidr_block`, `ipv6_cidr_block`, `destination_prefix_list_id` and
            // each target id.
            .attr(Attribute::computed("routes", Type::list(Type::Any)))
            // Objects of `gateway_id`, `main`, `route_table_association_id`,
            // `route_table_id`, `subnet_id`.
            .attr(Attribute::computed("associations", Type::list(Type::Any)))
            .block(filter_block())
    }

    async fn read(this: &LookupType<Self>, config: &Value) -> Result<Value, ProviderError> {
        let set = |name: &str| !config.get(name).is_null();
        let has_filter = config.get("filter").as_list().is_some_and(|l| !l.is_empty());
        let has_tags = config.get("tags").as_map().is_some_and(|m| !m.is_empty());
        if !["route_table_id", "vpc_id", "subnet_id", "gateway_id"].iter().any(|name| set(name))
            && !has_filter
            && !has_tags
        {
            return Err(ProviderError::new(
                "one of route_table_id, vpc_id, subnet_id, gateway_id, filters, or tags must be assigned",
            ));
        }
        let clients = this.aws.clients().await;
        let filters = lookup_filters(
            config,
            &[
                ("route_table_id", "route-table-id"),
                ("vpc_id", "vpc-id"),
                ("subnet_id", "association.subnet-id"),
                ("gateway_id", "association.gateway-id"),
            ],
        );
        let tables = sent!(clients
            .ec2
            .describe_route_tables()
            .set_filters((!filters.is_empty()).then_some(filters)))?
        .route_tables
        .unwrap_or_default();
        let table = exactly_one(
            tables,
            "Your query returned no results. Please change your search criteria and try again.",
            "Multiple Route Tables matched; use additional constraints to reduce matches to a single Route Table",
        )?;
        let id = table.route_table_id().unwrap_or_default();
        let owner = table.owner_id().unwrap_or_default();
        let entries = [
            ("id", Value::string(id)),
            ("route_table_id", Value::string(id)),
            ("vpc_id", Value::string(table.vpc_id().unwrap_or_default())),
            ("arn", Value::string(ec2_arn(&clients.region, owner, "route-table", id))),
            ("owner_id", Value::string(owner)),
            ("tags", visible_ec2_tags(table.tags())),
            ("routes", Value::List(routes(&table))),
            ("associations", Value::List(associations(&table))),
        ];
        // `subnet_id` and `gateway_id` are only reported when configured.
        Ok(lookup_value(&this.schema, config, entries))
    }
}
