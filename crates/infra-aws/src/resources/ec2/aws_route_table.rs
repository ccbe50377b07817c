//! `aws_route_table`: a route table with inline `route` blocks.
//!
//! The `local` route AWS adds (and routes propagated from virtual private gateways) are never
//! reported. As in the provider, a table whose configuration has no `route` block does not
//! manage routes: standalone `aws_route` resources own them, so they are neither reported nor
//! removed.
//!
//! Both table types are one [`Ec2Object`], [`TableObject`]: `aws_default_route_table`, which
//! adopts a VPC's main table instead of creating one, is `TableObject<true>`
//! ([`TableKind::Default`]'s route targets).
//!
//! moto does not implement EnableVgwRoutePropagation/DisableVgwRoutePropagation, so
//! `propagating_vgws` is not exercised in tests (and moto reports none).
//!
//! Not supported yet ([`Schema::not_supported`]): a route's `odb_network_arn` target.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{ResourceType as Ec2ResourceType, Route, RouteOrigin, RouteTable, Tag};
use infra_core::{Attribute, Block, ProviderError, Schema, Timeouts, Type, Value};

use crate::app_support::{deleted_or_gone, sent};
use crate::ec2_object::{
    arn, computed, owner_id, read, read_block, string, Creating, Declared, Deleting, Describing,
    Ec2Object, Ec2Type, Updating,
};
use crate::ec2_support::{
    block_network_problems, client_token, created_id, delete_with_retry, filter, in_prior_order,
    managed_tag_filters, string_attribute, string_list, string_values,
};
use crate::paginated::all_items;

/// The destinations of an inline `route` block; exactly one is set.
const ROUTE_DESTINATIONS: &[&str] =
    &["cidr_block", "ipv6_cidr_block", "destination_prefix_list_id"];

/// The targets of an `aws_default_route_table` `route` block: a subset of `aws_route`'s (which
/// `aws_route_table`'s inline blocks take too; a VPC's main table takes no carrier or local
/// gateway), plus `instance_id`.
const DEFAULT_TABLE_ROUTE_TARGETS: &[&str] = &[
    "core_network_arn",
    "egress_only_gateway_id",
    "gateway_id",
    "instance_id",
    "nat_gateway_id",
    "network_interface_id",
    "transit_gateway_id",
    "vpc_endpoint_id",
    "vpc_peering_connection_id",
];

/// Which resource type a route table object is managed as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TableKind {
    /// `aws_route_table`: created and deleted here.
    Table,
    /// `aws_default_route_table`: a VPC's main table, adopted and never deleted.
    Default,
}

impl TableKind {
    fn targets(self) -> &'static [&'static str] {
        match self {
            TableKind::Table => super::aws_route::ROUTE_TARGETS,
            TableKind::Default => DEFAULT_TABLE_ROUTE_TARGETS,
        }
    }

    /// The schema of one inline `route` block.
    fn route_schema(self) -> Schema {
        let empty = || Value::string("");
        let mut schema = Schema::new();
        for name in ROUTE_DESTINATIONS.iter().chain(self.targets()) {
            schema = schema.attr(Attribute::optional(name, Type::String).default(empty()));
        }
        if self == TableKind::Table {
            schema = schema.not_supported(
                "odb_network_arn",
                Type::String,
                super::aws_route::ODB_NETWORK,
            );
        }
        schema
    }
}

/// True for routes the table itself owns: `local`, and propagated ones.
pub(crate) fn is_implicit(route: &Route) -> bool {
    route.gateway_id() == Some("local")
        || matches!(
            route.origin(),
            Some(RouteOrigin::CreateRouteTable | RouteOrigin::EnableVgwRoutePropagation)
        )
}

/// An inline `route` block as AWS reports the route, in `kind`'s shape ("" for unset). A
/// gateway id starting `vpce-` is a VPC endpoint, as in the provider.
fn route_block(route: &Route, kind: TableKind) -> Value {
    let gateway = route.gateway_id().unwrap_or_default();
    let (gateway, endpoint) =
        if gateway.starts_with("vpce-") { ("", gateway) } else { (gateway, "") };
    let mut instance = route.instance_id().unwrap_or_default();
    let mut interface = route.network_interface_id().unwrap_or_default();
    if kind == TableKind::Table {
        // aws_route_table has no instance_id: an instance route is its interface.
        instance = "";
    } else if !instance.is_empty() {
        // AWS reports an instance route's interface too; the configuration names the instance.
        interface = "";
    }
    let pairs = [
        ("cidr_block", route.destination_cidr_block().unwrap_or_default()),
        ("ipv6_cidr_block", route.destination_ipv6_cidr_block().unwrap_or_default()),
        ("destination_prefix_list_id", route.destination_prefix_list_id().unwrap_or_default()),
        ("carrier_gateway_id", route.carrier_gateway_id().unwrap_or_default()),
        ("core_network_arn", route.core_network_arn().unwrap_or_default()),
        ("egress_only_gateway_id", route.egress_only_internet_gateway_id().unwrap_or_default()),
        ("gateway_id", gateway),
        ("instance_id", instance),
        ("local_gateway_id", route.local_gateway_id().unwrap_or_default()),
        ("nat_gateway_id", route.nat_gateway_id().unwrap_or_default()),
        ("network_interface_id", interface),
        ("transit_gateway_id", route.transit_gateway_id().unwrap_or_default()),
        ("vpc_endpoint_id", endpoint),
        ("vpc_peering_connection_id", route.vpc_peering_connection_id().unwrap_or_default()),
    ];
    let names: Vec<&str> = ROUTE_DESTINATIONS.iter().chain(kind.targets()).copied().collect();
    Value::Map(
        pairs
            .into_iter()
            .filter(|(name, _)| names.contains(name))
            .map(|(name, value)| (name.to_string(), Value::string(value)))
            .collect(),
    )
}

/// A route block with every attribute of `kind`'s shape present ("" for unset), the one
/// infra does not support yet (`odb_network_arn`) included, as the provider stores it.
fn full_route(route: &Value, kind: TableKind) -> Value {
    let not_supported: &[&str] = match kind {
        TableKind::Table => &["odb_network_arn"],
        TableKind::Default => &[],
    };
    let mut entries = BTreeMap::new();
    for name in ROUTE_DESTINATIONS.iter().chain(kind.targets()).chain(not_supported) {
        let value = route.get(name).as_str().unwrap_or_default();
        entries.insert(name.to_string(), Value::string(value));
    }
    Value::Map(entries)
}

/// The destination attribute a route block sets, and its value.
fn destination(route: &Value) -> Option<(&'static str, String)> {
    ROUTE_DESTINATIONS.iter().find_map(|name| {
        route
            .get(name)
            .as_str()
            .filter(|value| !value.is_empty())
            .map(|value| (*name, value.to_string()))
    })
}

pub(crate) fn routes_by_destination(routes: &Value, kind: TableKind) -> BTreeMap<String, Value> {
    routes
        .as_list()
        .unwrap_or(&[])
        .iter()
        .filter_map(|route| Some((destination(route)?.1, full_route(route, kind))))
        .collect()
}

/// Plan-time checks of inline `route` blocks: one destination, its CIDR block a network as the
/// provider checks it ([`block_network_problems`]), and exactly one target.
pub(crate) fn validate_routes(config: &Value, kind: TableKind) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    for (index, route) in config.get("route").as_list().unwrap_or(&[]).iter().enumerate() {
        if !route.is_wholly_known() {
            continue;
        }
        let destinations = ROUTE_DESTINATIONS
            .iter()
            .filter(|name| route.get(name).as_str().is_some_and(|v| !v.is_empty()))
            .count();
        if destinations != 1 {
            problems.push((
                format!("route[{index}].cidr_block"),
                format!(
                    "a route needs exactly one destination ({}), found {destinations}.",
                    ROUTE_DESTINATIONS.join(", ")
                ),
            ));
        }
        problems.extend(block_network_problems(route, |name| format!("route[{index}].{name}")));
        let targets = kind
            .targets()
            .iter()
            .filter(|name| route.get(name).as_str().is_some_and(|v| !v.is_empty()))
            .count();
        if targets != 1 {
            problems.push((
                format!("route[{index}]"),
                format!(
                    "a route needs exactly one target ({}), found {targets}.",
                    kind.targets().join(", ")
                ),
            ));
        }
    }
    problems
}

/// Sets a route request's destination and target fields from a full route block.
macro_rules! route_fields {
    ($request:expr, $route:expr) => {{
        let field =
            |name: &str| $route.get(name).as_str().filter(|v| !v.is_empty()).map(str::to_string);
        $request
            .set_destination_cidr_block(field("cidr_block"))
            .set_destination_ipv6_cidr_block(field("ipv6_cidr_block"))
            .set_destination_prefix_list_id(field("destination_prefix_list_id"))
            .set_carrier_gateway_id(field("carrier_gateway_id"))
            .set_core_network_arn(field("core_network_arn"))
            .set_egress_only_internet_gateway_id(field("egress_only_gateway_id"))
            .set_gateway_id(field("gateway_id"))
            .set_instance_id(field("instance_id"))
            .set_local_gateway_id(field("local_gateway_id"))
            .set_nat_gateway_id(field("nat_gateway_id"))
            .set_network_interface_id(field("network_interface_id"))
            .set_transit_gateway_id(field("transit_gateway_id"))
            .set_vpc_endpoint_id(field("vpc_endpoint_id"))
            .set_vpc_peering_connection_id(field("vpc_peering_connection_id"))
    }};
}

pub type AwsRouteTable = Ec2Type<TableObject<false>>;

/// A route table: `aws_route_table`, or with `DEFAULT` `aws_default_route_table` (a VPC's main
/// table, adopted and never deleted; see that module).
pub struct TableObject<const DEFAULT: bool>;

impl<const DEFAULT: bool> TableObject<DEFAULT> {
    const KIND: TableKind = match DEFAULT {
        false => TableKind::Table,
        true => TableKind::Default,
    };
}

impl<const DEFAULT: bool> Ec2Object for TableObject<DEFAULT> {
    type Item = RouteTable;
    const NAME: &'static str = match DEFAULT {
        false => "aws_route_table",
        true => "aws_default_route_table",
    };
    const ID_FILTER: Option<&'static str> = Some("route-table-id");
    const NOT_FOUND: &'static str = "InvalidRouteTableID.NotFound";
    const NOUN: &'static str = "route table";
    /// A main route table is adopted, and only forgotten on delete.
    const ADOPTS: bool = DEFAULT;

    fn attributes() -> Vec<Declared<RouteTable>> {
        let mut attributes = vec![
            computed("id", RouteTable::route_table_id),
            arn("route-table", RouteTable::route_table_id, RouteTable::owner_id),
            owner_id(RouteTable::owner_id),
        ];
        let propagating_vgws = |attribute: Attribute| {
            read(attribute, |table: &RouteTable, _| {
                string_values(table.propagating_vgws().iter().filter_map(|v| v.gateway_id()))
            })
        };
        attributes.extend(match DEFAULT {
            false => vec![
                string(Attribute::required("vpc_id", Type::String).force_new(), RouteTable::vpc_id),
                propagating_vgws(Attribute::optional_computed(
                    "propagating_vgws",
                    Type::set(Type::String),
                )),
            ],
            true => vec![
                string(
                    Attribute::required("default_route_table_id", Type::String).force_new(),
                    RouteTable::route_table_id,
                ),
                computed("vpc_id", RouteTable::vpc_id),
                propagating_vgws(
                    Attribute::optional("propagating_vgws", Type::set(Type::String))
                        .default(Value::List(Vec::new())),
                ),
            ],
        });
        attributes.push(read_block(
            Block::set("route", Self::KIND.route_schema()).computed().attribute_mode(),
            |table: &RouteTable, at| route_blocks(table, at.prior, Self::KIND),
        ));
        attributes
    }

    fn schema(schema: Schema) -> Schema {
        schema.timeouts(match DEFAULT {
            false => &["create", "update", "delete"],
            true => &["create", "update"],
        })
    }

    fn default_timeouts() -> Timeouts {
        match DEFAULT {
            false => Timeouts::minutes(5, 2, 5),
            true => Timeouts::minutes(2, 2, 2),
        }
    }

    const ID: fn(&RouteTable) -> Option<&str> = RouteTable::route_table_id;
    const TAGS: fn(&RouteTable) -> &[Tag] = RouteTable::tags;

    fn validate(config: &Value) -> Vec<(String, String)> {
        validate_routes(config, Self::KIND)
    }

    fn normalize(value: &mut Value) {
        normalize_routes(value, Self::KIND);
    }

    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        match DEFAULT {
            false => Ok(Value::map([("id", Value::string(id))])),
            true => import_prior(id),
        }
    }

    async fn describe(at: Describing<'_>) -> Result<Vec<RouteTable>, ProviderError> {
        all_items!(at
            .ec2
            .describe_route_tables()
            .set_route_table_ids(at.ids)
            .set_filters(at.filters))
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let ec2 = at.this.ec2().await;
        let output = sent!(ec2
            .create_route_table()
            .client_token(client_token(at.operation, at.planned))
            .set_vpc_id(string_attribute(at.planned, "vpc_id"))
            .tag_specifications(at.tag_specification(Ec2ResourceType::RouteTable)))?;
        let id = created_id(
            output.route_table().and_then(RouteTable::route_table_id),
            "CreateRouteTable returned no id",
        )?;
        change_propagation(ec2, &id, &[], &string_list(at.planned, "propagating_vgws")).await?;
        let routes = routes_by_destination(at.planned.get("route"), Self::KIND);
        change_routes(ec2, &id, &BTreeMap::new(), &routes).await?;
        Ok(id)
    }

    /// Adopts the planned main table: its propagations and routes are replaced by the configured
    /// ones (its tags then become the configured tags).
    async fn adopt(at: Creating<'_, Self>) -> Result<(String, Value), ProviderError> {
        let id = string_attribute(at.planned, "default_route_table_id").ok_or_else(|| {
            ProviderError::new("aws_default_route_table: default_route_table_id is not known")
        })?;
        let ec2 = at.this.ec2().await;
        let in_table = vec![filter("route-table-id", [id.as_str()])];
        let tables = Self::describe(Describing::matching(ec2, in_table)).await?;
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
                ("cidr_block", Value::string(route.destination_cidr_block().unwrap_or_default())),
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
        change_propagation(ec2, &id, &[], &string_list(at.planned, "propagating_vgws")).await?;
        let after = routes_by_destination(at.planned.get("route"), TableKind::Default);
        change_routes(ec2, &id, &BTreeMap::new(), &after).await?;
        let current = at.this.read_one(&id, &Value::Null).await?;
        Ok((id, current))
    }

    /// Adoption is found by its natural key: the table it adopts.
    async fn find_adopted(
        this: &Ec2Type<Self>,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let Some(id) = string_attribute(planned, "default_route_table_id") else {
            return Ok(None);
        };
        this.find(&id, Some(planned)).await
    }

    async fn find_created(at: Creating<'_, Self>) -> Result<Option<Value>, ProviderError> {
        let tagged = Self::describe(Describing::matching(
            at.this.ec2().await,
            managed_tag_filters(at.operation),
        ))
        .await?;
        match tagged.iter().find_map(RouteTable::route_table_id) {
            Some(id) => at.this.read_one(id, at.planned).await.map(Some),
            None => Ok(None),
        }
    }

    async fn read_many(
        this: &Ec2Type<Self>,
        prior: &[Value],
    ) -> Result<Vec<Option<Value>>, ProviderError> {
        match DEFAULT {
            false => Ok(in_prior_order(prior, &this.read_known(prior).await?)),
            true => read_adopted(this, prior).await,
        }
    }

    /// Propagation, then routes (both table types).
    async fn update(at: Updating<'_, Self>) -> Result<(), ProviderError> {
        let prior = at.prior;
        let ec2 = at.this.ec2().await;
        // Unknown or unset (Optional+Computed on aws_route_table): not managed.
        if at.planned.get("propagating_vgws").as_list().is_some() {
            change_propagation(
                ec2,
                at.key,
                &string_list(prior, "propagating_vgws"),
                &string_list(at.planned, "propagating_vgws"),
            )
            .await?;
        }
        // No route blocks: routes are not managed here (see the module doc).
        if let Some(planned_routes) = at.planned.get("route").as_list() {
            let after = routes_by_destination(&Value::List(planned_routes.to_vec()), Self::KIND);
            if !after.is_empty() || prior.get("route").as_list().is_some_and(|r| !r.is_empty()) {
                let before = routes_by_destination(prior.get("route"), Self::KIND);
                change_routes(ec2, at.key, &before, &after).await?;
            }
        }
        Ok(())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let id = at.key;
        let ec2 = at.this.ec2().await;
        // Subnet associations block the delete; the provider removes them first.
        let tables: Vec<RouteTable> =
            sent!(ec2.describe_route_tables().filters(filter("route-table-id", [id])))?
                .route_tables()
                .to_vec();
        for association in tables.iter().flat_map(|table| table.associations()) {
            if association.main() == Some(true) {
                continue;
            }
            if let Some(association_id) = association.route_table_association_id() {
                let answer = sent!(ec2.disassociate_route_table().association_id(association_id));
                deleted_or_gone(answer, crate::error::is_not_found)?;
            }
        }
        delete_with_retry(at.operation.timeouts.delete, &format!("route table {id}"), || async {
            sent!(ec2.delete_route_table().route_table_id(id))
        })
        .await
    }
}

/// A table's `route` blocks, read when the object manages inline routes (its `prior` has
/// some), and on import (no prior `route` at all), where Terraform adopts every route the
/// table has.
fn route_blocks(table: &RouteTable, prior: &Value, kind: TableKind) -> Value {
    let manages_routes = match prior.get("route") {
        Value::Null => true,
        routes => routes.as_list().is_some_and(|routes| !routes.is_empty()),
    };
    if !manages_routes {
        return Value::List(Vec::new());
    }
    let prior_routes = routes_by_destination(prior.get("route"), kind);
    Value::List(
        table
            .routes()
            .iter()
            .filter(|route| !is_implicit(route))
            .map(|route| {
                let mut block = route_block(route, kind);
                keep_configured_gateway(&mut block, &prior_routes);
                block
            })
            .collect(),
    )
}

/// Deletes one route by the destination of its full block; "not found" is not an error.
pub(crate) async fn delete_route(
    ec2: &aws_sdk_ec2::Client,
    id: &str,
    route: &Value,
) -> Result<(), ProviderError> {
    let field = |name: &str| route.get(name).as_str().filter(|v| !v.is_empty()).map(str::to_string);
    deleted_or_gone(
        sent!(ec2
            .delete_route()
            .route_table_id(id)
            .set_destination_cidr_block(field("cidr_block"))
            .set_destination_ipv6_cidr_block(field("ipv6_cidr_block"))
            .set_destination_prefix_list_id(field("destination_prefix_list_id"))),
        crate::error::is_not_found,
    )
}

/// Creates, replaces or deletes routes so the table holds `after` instead of `before`.
pub(crate) async fn change_routes(
    ec2: &aws_sdk_ec2::Client,
    id: &str,
    before: &BTreeMap<String, Value>,
    after: &BTreeMap<String, Value>,
) -> Result<(), ProviderError> {
    for (key, route) in before {
        if !after.contains_key(key) {
            delete_route(ec2, id, route).await?;
        }
    }
    for (key, route) in after {
        match before.get(key) {
            Some(existing) if existing == route => {}
            Some(_) => {
                sent!(route_fields!(ec2.replace_route().route_table_id(id), route))?;
            }
            None => {
                sent!(route_fields!(ec2.create_route().route_table_id(id), route))?;
            }
        }
    }
    Ok(())
}

/// Enables and disables route propagation from virtual private gateways so the table
/// propagates `after` instead of `before`.
pub(crate) async fn change_propagation(
    ec2: &aws_sdk_ec2::Client,
    id: &str,
    before: &[String],
    after: &[String],
) -> Result<(), ProviderError> {
    for gateway in before.iter().filter(|g| !after.contains(g)) {
        let answer =
            sent!(ec2.disable_vgw_route_propagation().route_table_id(id).gateway_id(gateway));
        deleted_or_gone(answer, crate::error::is_not_found)?;
    }
    for gateway in after.iter().filter(|g| !before.contains(g)) {
        sent!(ec2.enable_vgw_route_propagation().route_table_id(id).gateway_id(gateway))?;
    }
    Ok(())
}

/// An `aws_route_table` configured before `egress_only_gateway_id` existed here names an
/// egress-only gateway as `gateway_id`; such a route keeps reading that way.
fn keep_configured_gateway(block: &mut Value, prior_routes: &BTreeMap<String, Value>) {
    let Some((_, key)) = destination(block) else {
        return;
    };
    let egress_only = block.get("egress_only_gateway_id").as_str().unwrap_or_default().to_string();
    let configured_as_gateway = !egress_only.is_empty()
        && prior_routes
            .get(&key)
            .is_some_and(|route| route.get("gateway_id").as_str() == Some(egress_only.as_str()));
    if let (true, Some(entries)) = (configured_as_gateway, block.map_mut()) {
        entries.insert("gateway_id".into(), Value::String(egress_only));
        entries.insert("egress_only_gateway_id".into(), Value::string(""));
    }
}

/// The shared `normalize` of both table types: full, sorted route blocks.
pub(crate) fn normalize_routes(value: &mut Value, kind: TableKind) {
    let Some(entries) = value.map_mut() else {
        return;
    };
    if let Some(Value::List(routes)) = entries.get_mut("route") {
        for route in routes.iter_mut() {
            *route = full_route(route, kind);
        }
        routes.sort_by_key(|route| route.to_json().to_string());
    }
}

/// A refresh: the tables by their IDs, and an import's VPC ID (see [`import_prior`]) as that
/// VPC's main table.
async fn read_adopted<const DEFAULT: bool>(
    this: &Ec2Type<TableObject<DEFAULT>>,
    prior: &[Value],
) -> Result<Vec<Option<Value>>, ProviderError> {
    let (imports, tables): (Vec<&Value>, Vec<&Value>) = prior
        .iter()
        .partition(|value| value.get("id").as_str().is_some_and(|id| id.starts_with("vpc-")));
    let tables: Vec<Value> = tables.into_iter().cloned().collect();
    let mut found = this.read_known(&tables).await?;
    for value in imports {
        let Some(vpc_id) = string_attribute(value, "id") else {
            continue;
        };
        let main = vec![filter("vpc-id", [vpc_id.as_str()]), filter("association.main", ["true"])];
        let tables =
            TableObject::<DEFAULT>::describe(Describing::matching(this.ec2().await, main)).await?;
        if let Some(table_id) = tables.iter().find_map(|table| table.route_table_id()) {
            // No prior `route`: the import adopts every route the table has.
            found.insert(vpc_id, this.read_one(table_id, &Value::Null).await?);
        }
    }
    Ok(in_prior_order(prior, &found))
}

/// The provider's import ID is the VPC id; [`read_adopted`] finds its main table.
fn import_prior(id: &str) -> Result<Value, ProviderError> {
    if !id.starts_with("vpc-") {
        return Err(ProviderError::new(format!(
            "aws_default_route_table is imported by its VPC id (vpc-...), got \"{id}\""
        )));
    }
    Ok(Value::map([("id", Value::string(id))]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::Route;

    fn config(route: Value) -> Value {
        Value::map([("route", Value::List(vec![route]))])
    }

    #[test]
    fn each_table_type_takes_its_own_targets() {
        let instance = config(Value::map([
            ("cidr_block", Value::string("10.0.0.0/16")),
            ("instance_id", Value::string("i-1")),
        ]));
        assert!(validate_routes(&instance, TableKind::Default).is_empty());
        assert_eq!(validate_routes(&instance, TableKind::Table).len(), 1);
        let two_destinations = config(Value::map([
            ("cidr_block", Value::string("10.0.0.0/16")),
            ("ipv6_cidr_block", Value::string("::/0")),
            ("gateway_id", Value::string("igw-1")),
        ]));
        assert_eq!(validate_routes(&two_destinations, TableKind::Table).len(), 1);
    }

    /// The inline route's blocks are checked as the provider's `ValidateFunc`s check them, on
    /// both table types; an empty block is how an unset one is written.
    #[test]
    fn route_blocks_are_networks_as_the_provider_checks_them() {
        let route = |cidr: &str, ipv6: &str| {
            let mut table = config(Value::map([
                ("cidr_block", Value::string(cidr)),
                ("ipv6_cidr_block", Value::string(ipv6)),
                ("gateway_id", Value::string("igw-1")),
            ]));
            for (name, id) in [("vpc_id", "vpc-1"), ("default_route_table_id", "rtb-1")] {
                table.map_mut().unwrap().insert(name.into(), Value::string(id));
            }
            table
        };
        let none: [(String, String); 0] = [];
        for name in ["aws_route_table", "aws_default_route_table"] {
            assert_eq!(crate::located_problems(name, &route("10.0.0.0/16", "")), none);
            assert_eq!(crate::located_problems(name, &route("", "2001:db8::/56")), none);
            assert_eq!(
                crate::located_problems(name, &route("10.0.0.1/16", "")),
                [(
                    "route[0].cidr_block".to_string(),
                    "\"10.0.0.1/16\" is not a valid IPv4 CIDR block; did you mean \"10.0.0.0/16\"?"
                        .to_string()
                )]
            );
            assert_eq!(
                crate::located_problems(name, &route("", "10.0.0.0/16")),
                [(
                    "route[0].ipv6_cidr_block".to_string(),
                    "\"10.0.0.0/16\" is not a valid IPv6 CIDR block".to_string()
                )]
            );
        }
    }

    #[test]
    fn reads_name_egress_only_gateways_and_endpoints_as_the_provider_does() {
        let egress = Route::builder()
            .destination_ipv6_cidr_block("::/0")
            .egress_only_internet_gateway_id("eigw-1")
            .build();
        let block = route_block(&egress, TableKind::Default);
        assert_eq!(block.get("egress_only_gateway_id"), &Value::string("eigw-1"));
        assert_eq!(block.get("gateway_id"), &Value::string(""));
        assert_eq!(block.get("local_gateway_id"), &Value::Null, "not a default-table target");
        let endpoint =
            Route::builder().destination_prefix_list_id("pl-1").gateway_id("vpce-1").build();
        let block = route_block(&endpoint, TableKind::Table);
        assert_eq!(block.get("vpc_endpoint_id"), &Value::string("vpce-1"));
        assert_eq!(block.get("gateway_id"), &Value::string(""));
    }

    #[test]
    fn an_egress_only_gateway_configured_as_gateway_id_reads_back_so() {
        let route = Route::builder()
            .destination_ipv6_cidr_block("::/0")
            .egress_only_internet_gateway_id("eigw-1")
            .build();
        let prior = routes_by_destination(
            &Value::List(vec![Value::map([
                ("ipv6_cidr_block", Value::string("::/0")),
                ("gateway_id", Value::string("eigw-1")),
            ])]),
            TableKind::Table,
        );
        let mut block = route_block(&route, TableKind::Table);
        keep_configured_gateway(&mut block, &prior);
        assert_eq!(block.get("gateway_id"), &Value::string("eigw-1"));
        assert_eq!(block.get("egress_only_gateway_id"), &Value::string(""));
    }
}
