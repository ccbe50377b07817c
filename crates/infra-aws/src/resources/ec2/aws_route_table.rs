//! `aws_route_table`: a route table with inline `route` blocks.
//!
//! The `local` route AWS adds (and routes propagated from virtual private gateways) are never
//! reported. As in the provider, a table whose configuration has no `route` block does not
//! manage routes: standalone `aws_route` resources own them, so they are neither reported nor
//! removed.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use aws_sdk_ec2::types::{Filter, ResourceType as Ec2ResourceType, Route, RouteOrigin, RouteTable};
use infra_core::{
    Attribute, Block, Operation, ProviderError, ResourceType, Schema, Timeouts, Type, Value,
};

use crate::ec2_support::{
    chunks_of, delete_with_retry, ec2_arn, filter, in_prior_order, known_ids, managed_tag_filters,
    optional_string, string_attribute, tag_entries, tag_specification, update_tags, whole_object,
};
use crate::error::aws_error;
use crate::Aws;

/// The target attributes of a route, each "" when unset (as the provider stores them).
pub(crate) const ROUTE_TARGETS: &[&str] = &[
    "gateway_id",
    "nat_gateway_id",
    "network_interface_id",
    "transit_gateway_id",
    "vpc_endpoint_id",
    "vpc_peering_connection_id",
];

pub struct AwsRouteTable {
    aws: Arc<Aws>,
    schema: Schema,
}

fn route_schema() -> Schema {
    let empty = || Value::string("");
    let mut schema = Schema::new()
        .attr(Attribute::optional("cidr_block", Type::String).default(empty()))
        .attr(Attribute::optional("ipv6_cidr_block", Type::String).default(empty()));
    for target in ROUTE_TARGETS {
        schema = schema.attr(Attribute::optional(target, Type::String).default(empty()));
    }
    schema
}

/// The target of a route as AWS reports it, by attribute name. An egress-only internet
/// gateway reports under `gateway_id`, as in the provider.
pub(crate) fn route_targets(route: &Route) -> BTreeMap<&'static str, String> {
    let gateway = route
        .gateway_id()
        .or(route.egress_only_internet_gateway_id());
    let pairs = [
        ("gateway_id", gateway),
        ("nat_gateway_id", route.nat_gateway_id()),
        ("network_interface_id", route.network_interface_id()),
        ("transit_gateway_id", route.transit_gateway_id()),
        ("vpc_endpoint_id", None),
        (
            "vpc_peering_connection_id",
            route.vpc_peering_connection_id(),
        ),
    ];
    pairs
        .into_iter()
        .map(|(name, value)| (name, value.unwrap_or_default().to_string()))
        .collect()
}

/// True for routes the table itself owns: `local`, and propagated ones.
pub(crate) fn is_implicit(route: &Route) -> bool {
    route.gateway_id() == Some("local")
        || matches!(
            route.origin(),
            Some(RouteOrigin::CreateRouteTable | RouteOrigin::EnableVgwRoutePropagation)
        )
}

/// A route block with every attribute present ("" for unset).
fn full_route(route: &Value) -> Value {
    let mut entries = BTreeMap::new();
    for attribute in route_schema().attributes {
        let value = route.get(attribute.name).as_str().unwrap_or_default();
        entries.insert(attribute.name.to_string(), Value::string(value));
    }
    Value::Map(entries)
}

fn destination(route: &Value) -> String {
    match route.get("cidr_block").as_str() {
        Some(cidr) if !cidr.is_empty() => cidr.to_string(),
        _ => route
            .get("ipv6_cidr_block")
            .as_str()
            .unwrap_or_default()
            .to_string(),
    }
}

fn routes_by_destination(routes: &Value) -> BTreeMap<String, Value> {
    routes
        .as_list()
        .unwrap_or(&[])
        .iter()
        .map(|route| (destination(route), full_route(route)))
        .collect()
}

impl AwsRouteTable {
    pub fn new(aws: Arc<Aws>) -> AwsRouteTable {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::required("vpc_id", Type::String).force_new())
            .attr(Attribute::computed("owner_id", Type::String))
            .block(Block::set("route", route_schema()).computed())
            .with_tags();
        AwsRouteTable { aws, schema }
    }

    async fn describe(
        &self,
        filters: Vec<Filter>,
        prior: &HashMap<String, &Value>,
    ) -> Result<HashMap<String, Value>, ProviderError> {
        let clients = self.aws.clients().await;
        let tables: Vec<RouteTable> = clients
            .ec2
            .describe_route_tables()
            .set_filters(Some(filters))
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(aws_error)?;
        let mut found = HashMap::new();
        for table in &tables {
            let Some(id) = table.route_table_id() else {
                continue;
            };
            // Routes are read when the object manages inline routes, and on import (no prior
            // `route` at all), where Terraform adopts every route the table has.
            let manages_routes = prior.get(id).is_some_and(|value| match value.get("route") {
                Value::Null => true,
                routes => routes.as_list().is_some_and(|routes| !routes.is_empty()),
            });
            let routes = if manages_routes {
                table
                    .routes()
                    .iter()
                    .filter(|route| !is_implicit(route))
                    .map(|route| {
                        let mut entries: BTreeMap<String, Value> = route_targets(route)
                            .into_iter()
                            .map(|(name, value)| (name.to_string(), Value::String(value)))
                            .collect();
                        entries.insert(
                            "cidr_block".into(),
                            Value::string(route.destination_cidr_block().unwrap_or_default()),
                        );
                        entries.insert(
                            "ipv6_cidr_block".into(),
                            Value::string(route.destination_ipv6_cidr_block().unwrap_or_default()),
                        );
                        Value::Map(entries)
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let owner = table.owner_id().unwrap_or_default();
            let mut entries = vec![
                ("id", Value::string(id)),
                (
                    "arn",
                    Value::string(ec2_arn(&clients.region, owner, "route-table", id)),
                ),
                ("vpc_id", optional_string(table.vpc_id())),
                ("owner_id", Value::string(owner)),
                ("route", Value::List(routes)),
            ];
            entries.extend(tag_entries(table.tags()));
            found.insert(id.to_string(), whole_object(&self.schema, entries));
        }
        Ok(found)
    }

    async fn read_one(&self, id: &str, shape: &Value) -> Result<Value, ProviderError> {
        self.describe(
            vec![filter("route-table-id", [id])],
            &HashMap::from([(id.to_string(), shape)]),
        )
        .await?
        .remove(id)
        .ok_or_else(|| {
            ProviderError::with_code(
                "InvalidRouteTableID.NotFound",
                format!("route table {id} not found"),
            )
        })
    }

    /// Creates, replaces or deletes routes so the table holds `after` instead of `before`.
    async fn change_routes(
        &self,
        id: &str,
        before: &BTreeMap<String, Value>,
        after: &BTreeMap<String, Value>,
    ) -> Result<(), ProviderError> {
        let ec2 = &self.aws.clients().await.ec2;
        for (destination, route) in before {
            if after.contains_key(destination) {
                continue;
            }
            let request = ec2.delete_route().route_table_id(id);
            let request = if route
                .get("cidr_block")
                .as_str()
                .is_some_and(|c| !c.is_empty())
            {
                request.destination_cidr_block(destination)
            } else {
                request.destination_ipv6_cidr_block(destination)
            };
            match request.send().await.map_err(aws_error) {
                Ok(_) => {}
                Err(error) if crate::error::is_not_found(&error) => {}
                Err(error) => return Err(error),
            }
        }
        for (key, route) in after {
            let target = |name: &str| {
                route
                    .get(name)
                    .as_str()
                    .filter(|v| !v.is_empty())
                    .map(str::to_string)
            };
            let ipv4 = route
                .get("cidr_block")
                .as_str()
                .is_some_and(|c| !c.is_empty());
            let (v4, v6) = if ipv4 {
                (Some(key.clone()), None)
            } else {
                (None, Some(key.clone()))
            };
            match before.get(key) {
                Some(existing) if existing == route => {}
                Some(_) => {
                    ec2.replace_route()
                        .route_table_id(id)
                        .set_destination_cidr_block(v4)
                        .set_destination_ipv6_cidr_block(v6)
                        .set_gateway_id(target("gateway_id"))
                        .set_nat_gateway_id(target("nat_gateway_id"))
                        .set_network_interface_id(target("network_interface_id"))
                        .set_transit_gateway_id(target("transit_gateway_id"))
                        .set_vpc_endpoint_id(target("vpc_endpoint_id"))
                        .set_vpc_peering_connection_id(target("vpc_peering_connection_id"))
                        .send()
                        .await
                        .map_err(aws_error)?;
                }
                None => {
                    ec2.create_route()
                        .route_table_id(id)
                        .set_destination_cidr_block(v4)
                        .set_destination_ipv6_cidr_block(v6)
                        .set_gateway_id(target("gateway_id"))
                        .set_nat_gateway_id(target("nat_gateway_id"))
                        .set_network_interface_id(target("network_interface_id"))
                        .set_transit_gateway_id(target("transit_gateway_id"))
                        .set_vpc_endpoint_id(target("vpc_endpoint_id"))
                        .set_vpc_peering_connection_id(target("vpc_peering_connection_id"))
                        .send()
                        .await
                        .map_err(aws_error)?;
                }
            }
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsRouteTable {
    fn name(&self) -> &'static str {
        "aws_route_table"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn default_timeouts(&self) -> Timeouts {
        Timeouts {
            create: std::time::Duration::from_secs(5 * 60),
            update: std::time::Duration::from_secs(2 * 60),
            delete: std::time::Duration::from_secs(5 * 60),
        }
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        for (index, route) in config
            .get("route")
            .as_list()
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            if !route.is_wholly_known() {
                continue;
            }
            if destination(route).is_empty() {
                problems.push((
                    format!("route[{index}].cidr_block"),
                    "a route needs cidr_block or ipv6_cidr_block.".to_string(),
                ));
            } else if let Some(cidr) = route.get("cidr_block").as_str().filter(|c| !c.is_empty()) {
                if infra_core::cidr::parse_ipv4_cidr(cidr).is_none() {
                    problems.push((
                        format!("route[{index}].cidr_block"),
                        format!("\"{cidr}\" is not a valid IPv4 CIDR block."),
                    ));
                }
            }
            let targets = ROUTE_TARGETS
                .iter()
                .filter(|name| route.get(name).as_str().is_some_and(|v| !v.is_empty()))
                .count();
            if targets != 1 {
                problems.push((
                    format!("route[{index}]"),
                    format!(
                        "a route needs exactly one target ({}), found {targets}.",
                        ROUTE_TARGETS.join(", ")
                    ),
                ));
            }
        }
        problems
    }

    fn normalize(&self, value: &mut Value) {
        let Some(entries) = value.map_mut() else {
            return;
        };
        if let Some(Value::List(routes)) = entries.get_mut("route") {
            for route in routes.iter_mut() {
                *route = full_route(route);
            }
            routes.sort_by_key(|route| route.to_json().to_string());
        }
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let ec2 = &self.aws.clients().await.ec2;
        let output = ec2
            .create_route_table()
            .set_vpc_id(string_attribute(planned, "vpc_id"))
            .tag_specifications(tag_specification(
                operation,
                planned,
                Ec2ResourceType::RouteTable,
            ))
            .send()
            .await
            .map_err(aws_error)?;
        let id = output
            .route_table()
            .and_then(RouteTable::route_table_id)
            .ok_or_else(|| ProviderError::new("CreateRouteTable returned no id"))?
            .to_string();
        self.change_routes(
            &id,
            &BTreeMap::new(),
            &routes_by_destination(planned.get("route")),
        )
        .await?;
        self.read_one(&id, planned).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let id = string_attribute(prior, "id")
            .ok_or_else(|| ProviderError::new("aws_route_table: prior state has no id"))?;
        let after = routes_by_destination(planned.get("route"));
        // No route blocks: routes are not managed here (see the module doc).
        if !after.is_empty() {
            self.change_routes(&id, &routes_by_destination(prior.get("route")), &after)
                .await?;
        }
        update_tags(&self.aws.clients().await.ec2, &id, prior, planned).await?;
        self.read_one(&id, planned).await
    }

    async fn delete(&self, operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some(id) = string_attribute(prior, "id") else {
            return Ok(());
        };
        let ec2 = &self.aws.clients().await.ec2;
        // Subnet associations block the delete; the provider removes them first.
        let tables: Vec<RouteTable> = ec2
            .describe_route_tables()
            .filters(filter("route-table-id", [id.as_str()]))
            .send()
            .await
            .map_err(aws_error)?
            .route_tables()
            .to_vec();
        for association in tables.iter().flat_map(|table| table.associations()) {
            if association.main() == Some(true) {
                continue;
            }
            if let Some(association_id) = association.route_table_association_id() {
                match ec2
                    .disassociate_route_table()
                    .association_id(association_id)
                    .send()
                    .await
                    .map_err(aws_error)
                {
                    Ok(_) => {}
                    Err(error) if crate::error::is_not_found(&error) => {}
                    Err(error) => return Err(error),
                }
            }
        }
        delete_with_retry(
            operation.timeouts.delete,
            &format!("route table {id}"),
            || async {
                ec2.delete_route_table()
                    .route_table_id(&id)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(aws_error)
            },
        )
        .await
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let by_id: HashMap<String, &Value> = prior
            .iter()
            .filter_map(|value| Some((string_attribute(value, "id")?, value)))
            .collect();
        let mut found = HashMap::new();
        for chunk in chunks_of(&known_ids(prior)) {
            found.extend(
                self.describe(
                    vec![filter("route-table-id", chunk.iter().cloned())],
                    &by_id,
                )
                .await?,
            );
        }
        Ok(in_prior_order(prior, &found))
    }

    async fn find_created(
        &self,
        operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let found = self
            .describe(managed_tag_filters(operation), &HashMap::new())
            .await?;
        let Some(id) = found.keys().next().cloned() else {
            return Ok(None);
        };
        Ok(Some(self.read_one(&id, planned).await?))
    }
}
