//! `aws_route`: one route in a route table, managed on its own. Its id is the provider's
//! `r-<route table id><crc32 of the destination>`. Every destination (IPv4, IPv6, prefix list)
//! and target of the provider's schema; an egress-only internet gateway reads back as
//! `egress_only_gateway_id` (or as `gateway_id` where the state already names it there), a
//! Gateway Load Balancer endpoint as `vpc_endpoint_id`.
//!
//! moto does not hold carrier, local or core-network targets, so those are not shown in tests.
//!
//! Not supported yet ([`Schema::not_supported`]): the `odb_network_arn` target.

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_ec2::types::{Route, RouteTable};
use infra_core::{
    Attribute, Operation, ProviderError, ResourceType, Schema, Timeouts, Type, Value,
};

use crate::app_support::{deleted_or_gone, sent};
use crate::ec2_support::{
    by_id, crc32, describe_by_filter, known_strings, non_empty_attribute, optional_string,
    string_attribute, whole_object,
};
use crate::paginated::all_items;
use crate::Aws;

pub struct AwsRoute {
    aws: Arc<Aws>,
    schema: Schema,
}

/// The targets of a route, as the provider names them; exactly one is set. The same for an
/// `aws_route_table` inline `route` block.
pub(crate) const ROUTE_TARGETS: &[&str] = &[
    "carrier_gateway_id",
    "core_network_arn",
    "egress_only_gateway_id",
    "gateway_id",
    "local_gateway_id",
    "nat_gateway_id",
    "network_interface_id",
    "transit_gateway_id",
    "vpc_endpoint_id",
    "vpc_peering_connection_id",
];

/// Why a route to an Oracle Database@AWS network (`odb_network_arn`) is not supported.
pub(crate) const ODB_NETWORK: &str = "infra does not route to Oracle Database@AWS networks";

/// The destinations of a route; exactly one is set.
const DESTINATIONS: &[&str] = &[
    "destination_cidr_block",
    "destination_ipv6_cidr_block",
    "destination_prefix_list_id",
];

/// The target of `route` by attribute name. `hint` (the prior or planned value) keeps an
/// egress-only gateway under `gateway_id` where it was configured there.
fn targets_of(route: &Route, hint: &Value) -> Vec<(&'static str, Option<String>)> {
    let gateway = route.gateway_id().filter(|id| !id.starts_with("vpce-"));
    let endpoint = route.gateway_id().filter(|id| id.starts_with("vpce-"));
    let mut egress_only = route.egress_only_internet_gateway_id();
    let mut gateway = gateway.map(str::to_string);
    if egress_only.is_some() && hint.get("gateway_id").as_str() == egress_only {
        gateway = egress_only.map(str::to_string);
        egress_only = None;
    }
    let text = |value: Option<&str>| value.map(str::to_string);
    vec![
        ("carrier_gateway_id", text(route.carrier_gateway_id())),
        ("core_network_arn", text(route.core_network_arn())),
        ("egress_only_gateway_id", text(egress_only)),
        ("gateway_id", gateway),
        ("local_gateway_id", text(route.local_gateway_id())),
        ("nat_gateway_id", text(route.nat_gateway_id())),
        ("network_interface_id", text(route.network_interface_id())),
        ("transit_gateway_id", text(route.transit_gateway_id())),
        ("vpc_endpoint_id", text(endpoint)),
        (
            "vpc_peering_connection_id",
            text(route.vpc_peering_connection_id()),
        ),
    ]
}

/// The provider's route id.
fn route_id(route_table_id: &str, destination: &str) -> String {
    format!("r-{route_table_id}{}", crc32(destination.as_bytes()))
}

fn destination_of(value: &Value) -> Option<String> {
    DESTINATIONS
        .iter()
        .find_map(|name| non_empty_attribute(value, name))
}

impl AwsRoute {
    pub fn new(aws: Arc<Aws>) -> AwsRoute {
        let mut schema = Schema::new()
            .timeouts(&["create", "update", "delete"])
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("route_table_id", Type::String).force_new())
            .attr(Attribute::optional("destination_cidr_block", Type::String).force_new())
            .attr(Attribute::optional("destination_ipv6_cidr_block", Type::String).force_new())
            .attr(Attribute::optional("destination_prefix_list_id", Type::String).force_new())
            .attr(Attribute::computed("instance_id", Type::String))
            .attr(Attribute::computed("instance_owner_id", Type::String))
            .attr(Attribute::computed("origin", Type::String))
            .attr(Attribute::computed("state", Type::String));
        for target in ROUTE_TARGETS {
            schema = schema.attr(if *target == "network_interface_id" {
                Attribute::optional_computed(target, Type::String)
            } else {
                Attribute::optional(target, Type::String)
            });
        }
        let schema = schema.not_supported("odb_network_arn", Type::String, ODB_NETWORK);
        AwsRoute { aws, schema }
    }

    /// The tables holding `route_table_ids`, in one paginated call per 200 tables.
    async fn tables(
        &self,
        route_table_ids: &[String],
    ) -> Result<HashMap<String, RouteTable>, ProviderError> {
        let ec2 = &self.aws.clients().await.ec2;
        let describe = |ids| async move { all_items!(ec2.describe_route_tables().filters(ids)) };
        let tables = describe_by_filter("route-table-id", route_table_ids, describe).await?;
        Ok(by_id(tables, RouteTable::route_table_id))
    }

    /// The route `value` describes (by table and destination) as AWS now holds it.
    fn convert(&self, value: &Value, tables: &HashMap<String, RouteTable>) -> Option<Value> {
        let table_id = string_attribute(value, "route_table_id")?;
        let destination = destination_of(value)?;
        let route: &Route = tables.get(&table_id)?.routes().iter().find(|route| {
            route.destination_cidr_block() == Some(destination.as_str())
                || route.destination_ipv6_cidr_block() == Some(destination.as_str())
                || route.destination_prefix_list_id() == Some(destination.as_str())
        })?;
        let mut entries = vec![
            ("id", Value::string(route_id(&table_id, &destination))),
            ("route_table_id", Value::string(&table_id)),
            (
                "destination_cidr_block",
                optional_string(route.destination_cidr_block()),
            ),
            (
                "destination_ipv6_cidr_block",
                optional_string(route.destination_ipv6_cidr_block()),
            ),
            (
                "destination_prefix_list_id",
                optional_string(route.destination_prefix_list_id()),
            ),
            ("instance_id", optional_string(route.instance_id())),
            (
                "instance_owner_id",
                optional_string(route.instance_owner_id()),
            ),
            (
                "origin",
                optional_string(route.origin().map(|origin| origin.as_str())),
            ),
            (
                "state",
                optional_string(route.state().map(|state| state.as_str())),
            ),
        ];
        for (name, target) in targets_of(route, value) {
            // Unset targets read as null, matching a configuration that leaves them out.
            entries.push((name, target.map(Value::String).unwrap_or(Value::Null)));
        }
        Some(whole_object(&self.schema, entries))
    }

    async fn read_one(&self, value: &Value) -> Result<Value, ProviderError> {
        let table_id = string_attribute(value, "route_table_id").unwrap_or_default();
        let tables = self.tables(std::slice::from_ref(&table_id)).await?;
        self.convert(value, &tables).ok_or_else(|| {
            ProviderError::with_code(
                "InvalidRoute.NotFound",
                format!(
                    "no route to {} in route table {table_id}",
                    destination_of(value).unwrap_or_default()
                ),
            )
        })
    }
}

/// Sets a CreateRoute or ReplaceRoute request's route table, destination and target from
/// `planned` (the two requests take the same members; an empty string is not sent).
macro_rules! with_route {
    ($request:expr, $planned:expr) => {{
        let planned = $planned;
        let target = |name: &str| non_empty_attribute(planned, name);
        $request
            .set_route_table_id(string_attribute(planned, "route_table_id"))
            .set_destination_cidr_block(target("destination_cidr_block"))
            .set_destination_ipv6_cidr_block(target("destination_ipv6_cidr_block"))
            .set_destination_prefix_list_id(target("destination_prefix_list_id"))
            .set_carrier_gateway_id(target("carrier_gateway_id"))
            .set_core_network_arn(target("core_network_arn"))
            .set_egress_only_internet_gateway_id(target("egress_only_gateway_id"))
            .set_local_gateway_id(target("local_gateway_id"))
            .set_gateway_id(target("gateway_id"))
            .set_nat_gateway_id(target("nat_gateway_id"))
            .set_network_interface_id(target("network_interface_id"))
            .set_transit_gateway_id(target("transit_gateway_id"))
            .set_vpc_endpoint_id(target("vpc_endpoint_id"))
            .set_vpc_peering_connection_id(target("vpc_peering_connection_id"))
    }};
}

#[async_trait::async_trait]
impl ResourceType for AwsRoute {
    fn name(&self) -> &'static str {
        "aws_route"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn default_timeouts(&self) -> Timeouts {
        Timeouts::minutes(5, 2, 5)
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let destinations = DESTINATIONS
            .iter()
            .filter(|name| !config.get(name).is_null())
            .count();
        if destinations != 1 {
            problems.push((
                "destination_cidr_block".to_string(),
                format!("set exactly one of {}.", DESTINATIONS.join(", ")),
            ));
        }
        if let Some(cidr) = config.get("destination_cidr_block").as_str() {
            if infra_core::cidr::parse_ipv4_cidr(cidr).is_none() {
                problems.push((
                    "destination_cidr_block".to_string(),
                    format!("\"{cidr}\" is not a valid IPv4 CIDR block."),
                ));
            }
        }
        let targets = ROUTE_TARGETS
            .iter()
            .filter(|name| !config.get(name).is_null())
            .count();
        if targets != 1 {
            problems.push((
                "gateway_id".to_string(),
                format!(
                    "a route needs exactly one target ({}), found {targets}.",
                    ROUTE_TARGETS.join(", ")
                ),
            ));
        }
        problems
    }

    async fn create(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let ec2 = &self.aws.clients().await.ec2;
        sent!(with_route!(ec2.create_route(), planned))?;
        self.read_one(planned).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        _prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let ec2 = &self.aws.clients().await.ec2;
        sent!(with_route!(ec2.replace_route(), planned))?;
        self.read_one(planned).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let ec2 = &self.aws.clients().await.ec2;
        let result = sent!(ec2
            .delete_route()
            .set_route_table_id(string_attribute(prior, "route_table_id"))
            .set_destination_cidr_block(non_empty_attribute(prior, "destination_cidr_block"))
            .set_destination_ipv6_cidr_block(non_empty_attribute(
                prior,
                "destination_ipv6_cidr_block",
            ))
            .set_destination_prefix_list_id(non_empty_attribute(
                prior,
                "destination_prefix_list_id",
            )));
        deleted_or_gone(result, crate::error::is_not_found)
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let tables = self.tables(&known_strings(prior, "route_table_id")).await?;
        Ok(prior
            .iter()
            .map(|value| self.convert(value, &tables))
            .collect())
    }

    /// Routes carry no tags: the natural key is the table and destination.
    /// Terraform's import ID: `ROUTE-TABLE-ID_DESTINATION`.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        let (table, destination) = id.split_once('_').ok_or_else(|| {
            ProviderError::new(format!(
                "unexpected format of ID ({id}), expected ROUTE-TABLE-ID_DESTINATION"
            ))
        })?;
        let attribute = if destination.contains(':') {
            "destination_ipv6_cidr_block"
        } else if destination.starts_with("pl-") {
            "destination_prefix_list_id"
        } else {
            "destination_cidr_block"
        };
        Ok(Value::map([
            ("route_table_id", Value::string(table)),
            (attribute, Value::string(destination)),
        ]))
    }

    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let Some(table_id) = string_attribute(planned, "route_table_id") else {
            return Ok(None);
        };
        let tables = self.tables(&[table_id]).await?;
        Ok(self.convert(planned, &tables))
    }
}
