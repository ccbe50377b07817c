//! `aws_default_route_table`: adopts a VPC's main route table (`default_route_table_id`)
//! instead of creating one. As in the provider, adoption first removes every route (but the
//! `local` one, propagated ones and VPC endpoint prefix-list routes) and every VGW propagation,
//! then adds the configured ones; the table's tags become the configured tags. Destroying it
//! only forgets it: a main route table cannot be deleted, and its routes stay as they are.
//! Import takes the VPC id and finds that VPC's main table.
//!
//! The table logic (inline `route`, `propagating_vgws`, reads) is `aws_route_table`'s, with
//! [`TableKind::Default`]'s route targets. moto does not implement VGW route propagation, so
//! `propagating_vgws` is not exercised in tests.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use aws_sdk_ec2::types::RouteTable;
use infra_core::{Operation, ProviderError, ResourceType, Schema, Timeouts, Value};

use crate::ec2_support::{filter, in_prior_order, string_attribute, string_list, update_tags};
use crate::paginated::all_items;
use crate::resources::ec2::aws_route_table::{
    is_implicit, normalize_routes, routes_by_destination, validate_routes, AwsRouteTable, TableKind,
};
use crate::Aws;

pub struct AwsDefaultRouteTable {
    aws: Arc<Aws>,
    table: AwsRouteTable,
}

impl AwsDefaultRouteTable {
    pub fn new(aws: Arc<Aws>) -> AwsDefaultRouteTable {
        AwsDefaultRouteTable {
            table: AwsRouteTable::with_kind(aws.clone(), TableKind::Default),
            aws,
        }
    }

    async fn describe_raw(
        &self,
        filters: Vec<aws_sdk_ec2::types::Filter>,
    ) -> Result<Vec<RouteTable>, ProviderError> {
        all_items!(self
            .aws
            .clients()
            .await
            .ec2
            .describe_route_tables()
            .set_filters(Some(filters)))
    }

    /// The id of the main route table of `vpc_id` (import), if the VPC exists.
    async fn main_table_of(&self, vpc_id: &str) -> Result<Option<String>, ProviderError> {
        let tables = self
            .describe_raw(vec![
                filter("vpc-id", [vpc_id]),
                filter("association.main", ["true"]),
            ])
            .await?;
        Ok(tables
            .iter()
            .find_map(|table| table.route_table_id().map(str::to_string)))
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsDefaultRouteTable {
    fn name(&self) -> &'static str {
        "aws_default_route_table"
    }

    fn schema(&self) -> &Schema {
        self.table.table_schema()
    }

    fn default_timeouts(&self) -> Timeouts {
        Timeouts::minutes(2, 2, 2)
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        validate_routes(config, TableKind::Default)
    }

    fn normalize(&self, value: &mut Value) {
        normalize_routes(value, TableKind::Default);
    }

    async fn create(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let id = string_attribute(planned, "default_route_table_id").ok_or_else(|| {
            ProviderError::new("aws_default_route_table: default_route_table_id is not known")
        })?;
        let tables = self
            .describe_raw(vec![filter("route-table-id", [id.as_str()])])
            .await?;
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
        self.table
            .change_propagation(&id, &propagating, &[])
            .await?;
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
            self.table.delete_route(&id, &destination).await?;
        }
        self.table
            .change_propagation(&id, &[], &string_list(planned, "propagating_vgws"))
            .await?;
        let after = routes_by_destination(planned.get("route"), TableKind::Default);
        self.table
            .change_routes(&id, &BTreeMap::new(), &after)
            .await?;
        // The table's tags become the configured ones.
        let current = self.table.read_one(&id, &Value::Null).await?;
        update_tags(&self.aws.clients().await.ec2, &id, &current, planned).await?;
        self.table.read_one(&id, planned).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        self.table.update_table(prior, planned).await
    }

    /// A main route table cannot be deleted: it is only forgotten, as in the provider.
    async fn delete(&self, _operation: &Operation, _prior: &Value) -> Result<(), ProviderError> {
        Ok(())
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let (imports, tables): (Vec<&Value>, Vec<&Value>) = prior.iter().partition(|value| {
            value
                .get("id")
                .as_str()
                .is_some_and(|id| id.starts_with("vpc-"))
        });
        let tables: Vec<Value> = tables.into_iter().cloned().collect();
        let mut found = self.table.read_tables(&tables).await?;
        for value in imports {
            let Some(vpc_id) = string_attribute(value, "id") else {
                continue;
            };
            if let Some(table_id) = self.main_table_of(&vpc_id).await? {
                // No prior `route`: the import adopts every route the table has.
                found.insert(vpc_id, self.table.read_one(&table_id, &Value::Null).await?);
            }
        }
        Ok(in_prior_order(prior, &found))
    }

    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        // Adoption is found by its natural key: the table it adopts.
        let Some(id) = string_attribute(planned, "default_route_table_id") else {
            return Ok(None);
        };
        let found = self
            .table
            .describe(
                vec![filter("route-table-id", [id.as_str()])],
                &HashMap::from([(id.clone(), planned)]),
            )
            .await?;
        Ok(found.into_values().next())
    }

    /// The provider's import ID is the VPC id; [`read_many`] finds its main table.
    ///
    /// [`read_many`]: ResourceType::read_many
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        if !id.starts_with("vpc-") {
            return Err(ProviderError::new(format!(
                "aws_default_route_table is imported by its VPC id (vpc-...), got \"{id}\""
            )));
        }
        Ok(Value::map([("id", Value::string(id))]))
    }
}
