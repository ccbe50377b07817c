//! `aws_route`: one route in a route table, managed on its own. Its id is the provider's
//! `r-<route table id><crc32 of the destination>`. Every destination (IPv4, IPv6, prefix list)
//! and target of the provider's schema; an egress-only internet gateway reads back as
//! `egress_only_gateway_id` (or as `gateway_id` where the state already names it there), a
//! Gateway Load Balancer endpoint as `vpc_endpoint_id`.
//!
//! moto does not hold carrier, local or core-network targets, so those are not shown in tests.
//!
//! Not supported yet ([`Schema::not_supported`]): the `odb_network_arn` target.
//!
//! The route is an [`AwsObject`] whose key is Terraform's import ID,
//! `ROUTE-TABLE-ID_DESTINATION`: a refresh describes the keys' tables in one paginated call
//! per 200 tables and finds each route by its destination.

use aws_sdk_ec2::types::{Route, RouteTable};
use infra_core::{Attribute, ProviderError, Schema, Timeouts, Type, Value};

use crate::app_support::{deleted_or_gone, sent};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged, Updating,
};
use crate::declared::{not_supported, read, string, Declared, Reading};
use crate::ec2_support::{
    by_id, crc32, describe_by_filter, distinct_ids, non_empty_attribute, string_attribute,
};
use crate::paginated::all_items;
use crate::verify;

pub type AwsRoute = ObjectType<RouteObject>;

/// The type of [`AwsObject`]; its object is a [`FoundRoute`].
pub struct RouteObject;

/// A route as found in its table, with the table and destination its key names.
pub struct FoundRoute {
    table_id: String,
    destination: String,
    route: Route,
}

/// The targets of a route, as the provider names them; exactly one is set (the provider's
/// `ExactlyOneOf` on `aws_route`). The same for an `aws_route_table` inline `route` block.
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

/// The destinations of a route; exactly one is set (the provider's `ExactlyOneOf`).
const DESTINATIONS: &[&str] =
    &["destination_cidr_block", "destination_ipv6_cidr_block", "destination_prefix_list_id"];

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
        ("vpc_peering_connection_id", text(route.vpc_peering_connection_id())),
    ]
}

/// The target attribute `name`, read from the route; unset targets read as null, matching a
/// configuration that leaves them out.
fn target(name: &'static str) -> Declared<FoundRoute> {
    let attribute = match name {
        "network_interface_id" => Attribute::optional_computed(name, Type::String),
        _ => Attribute::optional(name, Type::String),
    };
    // The provider's: a carrier gateway routes IPv4 destinations only, an egress-only gateway
    // IPv6 ones only, and a VPC endpoint no prefix list.
    let attribute = match name {
        "carrier_gateway_id" => attribute.conflicts_with(&["destination_ipv6_cidr_block"]),
        "egress_only_gateway_id" => attribute.conflicts_with(&["destination_cidr_block"]),
        "vpc_endpoint_id" => attribute.conflicts_with(&["destination_prefix_list_id"]),
        _ => attribute,
    };
    let attribute = attribute.exactly_one_of(ROUTE_TARGETS);
    read(attribute, move |found: &FoundRoute, at: &Reading| {
        let targets = targets_of(&found.route, at.prior);
        let target = targets.into_iter().find(|(target, _)| *target == name);
        target.and_then(|(_, id)| id).map_or(Value::Null, Value::String)
    })
}

/// The provider's route id.
fn route_id(route_table_id: &str, destination: &str) -> String {
    format!("r-{route_table_id}{}", crc32(destination.as_bytes()))
}

fn destination_of(value: &Value) -> Option<String> {
    DESTINATIONS.iter().find_map(|name| non_empty_attribute(value, name))
}

/// The key of the route `value` names (by table and destination): Terraform's import ID.
fn route_key(value: &Value) -> Option<String> {
    Some(format!("{}_{}", string_attribute(value, "route_table_id")?, destination_of(value)?))
}

/// A key, or an import ID, as (route table, destination).
fn split_key(key: &str) -> Option<(&str, &str)> {
    key.split_once('_')
}

/// Whether `route` goes to `destination` (of any kind).
fn routes_to(route: &Route, destination: &str) -> bool {
    route.destination_cidr_block() == Some(destination)
        || route.destination_ipv6_cidr_block() == Some(destination)
        || route.destination_prefix_list_id() == Some(destination)
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

/// The key a write reads back: the planned route's (a planned value without its table or
/// destination reads back nothing).
fn planned_key(planned: &Value) -> String {
    route_key(planned).unwrap_or_else(|| {
        format!(
            "{}_{}",
            string_attribute(planned, "route_table_id").unwrap_or_default(),
            destination_of(planned).unwrap_or_default()
        )
    })
}

impl AwsObject for RouteObject {
    type Object = FoundRoute;
    const NAME: &'static str = "aws_route";
    const KIND: &'static str = "route";
    const KEY: &'static str = "route_table_id";
    /// The key is the table and the destination ([`AwsObject::key_of`]): either may be missing.
    const KEY_WORD: &'static str = "route_table_id or destination";
    const TAGGED: bool = false;

    fn attributes() -> Vec<Declared<FoundRoute>> {
        let destination =
            |name| Attribute::optional(name, Type::String).force_new().exactly_one_of(DESTINATIONS);
        let mut attributes = vec![
            read(Attribute::computed("id", Type::String), |found: &FoundRoute, _: &Reading| {
                Value::string(route_id(&found.table_id, &found.destination))
            }),
            read(
                Attribute::required("route_table_id", Type::String).force_new(),
                |found: &FoundRoute, _: &Reading| Value::string(&found.table_id),
            ),
            string(
                destination("destination_cidr_block").check(verify::IPV4_NETWORK),
                |found: &FoundRoute| found.route.destination_cidr_block(),
            ),
            string(
                destination("destination_ipv6_cidr_block").check(verify::IPV6_NETWORK),
                |found: &FoundRoute| found.route.destination_ipv6_cidr_block(),
            ),
            string(destination("destination_prefix_list_id"), |found: &FoundRoute| {
                found.route.destination_prefix_list_id()
            }),
            string(Attribute::computed("instance_id", Type::String), |found: &FoundRoute| {
                found.route.instance_id()
            }),
            string(Attribute::computed("instance_owner_id", Type::String), |found: &FoundRoute| {
                found.route.instance_owner_id()
            }),
            string(Attribute::computed("origin", Type::String), |found: &FoundRoute| {
                found.route.origin().map(|origin| origin.as_str())
            }),
            string(Attribute::computed("state", Type::String), |found: &FoundRoute| {
                found.route.state().map(|state| state.as_str())
            }),
        ];
        attributes.extend(ROUTE_TARGETS.iter().map(|name| target(name)));
        attributes.push(not_supported("odb_network_arn", Type::String, ODB_NETWORK));
        attributes
    }

    fn schema(schema: Schema) -> Schema {
        schema.timeouts(&["create", "update", "delete"])
    }

    fn default_timeouts() -> Timeouts {
        Timeouts::minutes(5, 2, 5)
    }

    fn key_of(value: &Value) -> Option<String> {
        route_key(value)
    }

    /// Routes carry no tags: the natural key is the table and destination.
    /// Terraform's import ID: `ROUTE-TABLE-ID_DESTINATION`.
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        let (table, destination) = split_key(id).ok_or_else(|| {
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

    /// The keys' tables, in one paginated call per 200 tables; each key's route found by its
    /// destination.
    async fn describe(this: &ObjectType<Self>, keys: &[String]) -> DescribeResult<FoundRoute> {
        let wanted: Vec<(&String, (&str, &str))> =
            keys.iter().filter_map(|key| Some((key, split_key(key)?))).collect();
        let table_ids: Vec<String> =
            wanted.iter().map(|(_, (table, _))| table.to_string()).collect();
        let table_ids = distinct_ids(&table_ids);
        let ec2 = &this.aws.clients().await.ec2;
        let describe = |ids| async move { all_items!(ec2.describe_route_tables().filters(ids)) };
        let tables = describe_by_filter("route-table-id", &table_ids, describe).await?;
        let tables = by_id(tables, RouteTable::route_table_id);
        let found = wanted.into_iter().filter_map(|(key, (table, destination))| {
            let routes = tables.get(table)?.routes();
            let route = routes.iter().find(|route| routes_to(route, destination))?;
            let found = FoundRoute {
                table_id: table.to_string(),
                destination: destination.to_string(),
                route: route.clone(),
            };
            Some((key.clone(), Tagged::untagged(found)))
        });
        Ok(found.collect())
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let ec2 = &at.this.aws.clients().await.ec2;
        sent!(with_route!(ec2.create_route(), at.planned))?;
        Ok(planned_key(at.planned))
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let ec2 = &at.this.aws.clients().await.ec2;
        sent!(with_route!(ec2.replace_route(), at.planned))?;
        Ok(planned_key(at.planned))
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let ec2 = &at.this.aws.clients().await.ec2;
        let result = sent!(ec2
            .delete_route()
            .set_route_table_id(string_attribute(at.prior, "route_table_id"))
            .set_destination_cidr_block(non_empty_attribute(at.prior, "destination_cidr_block"))
            .set_destination_ipv6_cidr_block(non_empty_attribute(
                at.prior,
                "destination_ipv6_cidr_block",
            ))
            .set_destination_prefix_list_id(non_empty_attribute(
                at.prior,
                "destination_prefix_list_id",
            )));
        deleted_or_gone(result, crate::error::is_not_found)
    }

    /// The route just written, or the error that names its table and destination.
    async fn written(this: &AwsRoute, key: &str) -> Result<Tagged<FoundRoute>, ProviderError> {
        this.found(key).await?.ok_or_else(|| {
            let (table, destination) = split_key(key).unwrap_or_default();
            ProviderError::with_code(
                "InvalidRoute.NotFound",
                format!("no route to {destination} in route table {table}"),
            )
        })
    }

    /// Routes carry no tags: found by the planned table and destination.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<FoundRoute> {
        match route_key(at.planned) {
            Some(key) => at.this.found(&key).await,
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use infra_core::Value;

    /// The problems of a route in table `rtb-1` with these arguments.
    fn problems(arguments: Vec<(&'static str, &str)>) -> Vec<String> {
        let mut entries = vec![("route_table_id", Value::string("rtb-1"))];
        entries.extend(arguments.into_iter().map(|(name, value)| (name, Value::string(value))));
        crate::problem_messages("aws_route", &Value::map(entries))
    }

    /// The destinations' `ExactlyOneOf` and their `ValidateFunc`s, as the provider declares
    /// them, in the SDK's words.
    #[test]
    fn destinations_are_checked_as_the_provider_declares_them() {
        let route = |mut destinations: Vec<(&'static str, &'static str)>| {
            destinations.push(("gateway_id", "igw-1"));
            problems(destinations)
        };
        assert!(route(vec![("destination_cidr_block", "0.0.0.0/0")]).is_empty());
        assert!(route(vec![("destination_ipv6_cidr_block", "::/0")]).is_empty());
        assert!(route(vec![("destination_prefix_list_id", "pl-1")]).is_empty());
        assert_eq!(
            route(vec![("destination_cidr_block", "10.0.0.1/16")]),
            ["\"10.0.0.1/16\" is not a valid IPv4 CIDR block; did you mean \"10.0.0.0/16\"?"]
        );
        assert_eq!(
            route(vec![("destination_ipv6_cidr_block", "0.0.0.0/0")]),
            ["\"0.0.0.0/0\" is not a valid IPv6 CIDR block"]
        );
        let one_of =
            "destination_cidr_block,destination_ipv6_cidr_block,destination_prefix_list_id";
        let none = route(vec![]);
        assert_eq!(none.len(), 3, "{none:?}");
        assert!(none.iter().all(|m| m.contains(one_of)), "{none:?}");
        let two = route(vec![
            ("destination_cidr_block", "0.0.0.0/0"),
            ("destination_prefix_list_id", "pl-1"),
        ]);
        assert_eq!(two.len(), 3, "{two:?}");
        assert!(two.iter().all(|m| m.contains(one_of)), "{two:?}");
    }

    /// The targets' `ExactlyOneOf`, and the destinations each target cannot take
    /// (`ConflictsWith`), as the provider declares them.
    #[test]
    fn targets_are_checked_as_the_provider_declares_them() {
        let targets = super::ROUTE_TARGETS.join(",");
        let ipv4 = ("destination_cidr_block", "0.0.0.0/0");
        assert!(problems(vec![ipv4, ("nat_gateway_id", "nat-1")]).is_empty());
        let none = problems(vec![ipv4]);
        assert_eq!(none.len(), 10, "{none:?}");
        assert!(
            none.iter().all(|m| m.contains(&format!("one of `{targets}` must be"))),
            "{none:?}"
        );
        let two = problems(vec![ipv4, ("gateway_id", "igw-1"), ("nat_gateway_id", "nat-1")]);
        assert_eq!(two.len(), 10, "{two:?}");
        assert!(two[0].ends_with("but `gateway_id,nat_gateway_id` were specified."), "{two:?}");
        assert_eq!(
            problems(vec![
                ("destination_ipv6_cidr_block", "::/0"),
                ("carrier_gateway_id", "cagw-1")
            ]),
            ["\"carrier_gateway_id\": conflicts with destination_ipv6_cidr_block"]
        );
        assert_eq!(
            problems(vec![ipv4, ("egress_only_gateway_id", "eigw-1")]),
            ["\"egress_only_gateway_id\": conflicts with destination_cidr_block"]
        );
        assert_eq!(
            problems(vec![("destination_prefix_list_id", "pl-1"), ("vpc_endpoint_id", "vpce-1")]),
            ["\"vpc_endpoint_id\": conflicts with destination_prefix_list_id"]
        );
    }
}
