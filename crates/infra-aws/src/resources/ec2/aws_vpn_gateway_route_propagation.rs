//! `aws_vpn_gateway_route_propagation`: lets a virtual private gateway propagate its routes
//! into a route table. Both arguments force a new propagation; its id is the provider's
//! `ROUTE-TABLE-ID_VPN-GATEWAY-ID`. The provider has no import for this type.
//!
//! moto does not implement EnableVgwRoutePropagation / DisableVgwRoutePropagation, so this
//! type is coded to the AWS API and only its validate and plan (`count = 0`, as the VPC module
//! gates it) are tested.

use std::sync::Arc;

use aws_sdk_ec2::types::RouteTable;
use infra_core::{
    Attribute, Operation, ProviderError, ResourceType, Schema, Timeouts, Type, Value,
};

use crate::app_support::sent;
use crate::ec2_support::{
    chunks_of, filter, known_strings, string_attribute, wait_for, whole_object,
};
use crate::paginated::all_items;
use crate::Aws;

fn propagation_id(route_table_id: &str, vpn_gateway_id: &str) -> String {
    format!("{route_table_id}_{vpn_gateway_id}")
}

pub struct AwsVpnGatewayRoutePropagation {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsVpnGatewayRoutePropagation {
    pub fn new(aws: Arc<Aws>) -> AwsVpnGatewayRoutePropagation {
        let schema = Schema::new()
            .timeouts(&["create", "delete"])
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("route_table_id", Type::String).force_new())
            .attr(Attribute::required("vpn_gateway_id", Type::String).force_new());
        AwsVpnGatewayRoutePropagation { aws, schema }
    }

    fn keys(value: &Value) -> Option<(String, String)> {
        Some((
            string_attribute(value, "route_table_id")?,
            string_attribute(value, "vpn_gateway_id")?,
        ))
    }

    fn object(&self, table: &str, gateway: &str) -> Value {
        whole_object(
            &self.schema,
            [
                ("id", Value::string(propagation_id(table, gateway))),
                ("route_table_id", Value::string(table)),
                ("vpn_gateway_id", Value::string(gateway)),
            ],
        )
    }

    async fn tables(&self, ids: &[String]) -> Result<Vec<RouteTable>, ProviderError> {
        let ec2 = &self.aws.clients().await.ec2;
        let mut tables = Vec::new();
        for chunk in chunks_of(ids) {
            let found: Vec<RouteTable> = all_items!(ec2
                .describe_route_tables()
                .filters(filter("route-table-id", chunk.iter().cloned())))?;
            tables.extend(found);
        }
        Ok(tables)
    }

    /// Whether the table propagates the gateway's routes now.
    async fn propagating(&self, table: &str, gateway: &str) -> Result<bool, ProviderError> {
        let tables = self.tables(&[table.to_string()]).await?;
        Ok(propagates(&tables, table, gateway))
    }
}

fn propagates(tables: &[RouteTable], table: &str, gateway: &str) -> bool {
    tables
        .iter()
        .filter(|t| t.route_table_id() == Some(table))
        .flat_map(RouteTable::propagating_vgws)
        .any(|vgw| vgw.gateway_id() == Some(gateway))
}

#[async_trait::async_trait]
impl ResourceType for AwsVpnGatewayRoutePropagation {
    fn name(&self) -> &'static str {
        "aws_vpn_gateway_route_propagation"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn default_timeouts(&self) -> Timeouts {
        Timeouts::minutes(2, 2, 2)
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let (table, gateway) = Self::keys(planned).ok_or_else(|| {
            ProviderError::new(
                "aws_vpn_gateway_route_propagation: route_table_id and vpn_gateway_id are required",
            )
        })?;
        sent!(self
            .aws
            .clients()
            .await
            .ec2
            .enable_vgw_route_propagation()
            .route_table_id(&table)
            .gateway_id(&gateway))?;
        wait_for(
            operation.timeouts.create,
            &format!("route table {table} to propagate routes of {gateway}"),
            || async { Ok(self.propagating(&table, &gateway).await?.then_some(())) },
        )
        .await?;
        Ok(self.object(&table, &gateway))
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        _planned: &Value,
    ) -> Result<Value, ProviderError> {
        // Both arguments force a new propagation; nothing changes in place.
        Ok(prior.clone())
    }

    async fn delete(&self, operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some((table, gateway)) = Self::keys(prior) else {
            return Ok(());
        };
        let result = sent!(self
            .aws
            .clients()
            .await
            .ec2
            .disable_vgw_route_propagation()
            .route_table_id(&table)
            .gateway_id(&gateway));
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
            operation.timeouts.delete,
            &format!("route table {table} to stop propagating routes of {gateway}"),
            || async { Ok((!self.propagating(&table, &gateway).await?).then_some(())) },
        )
        .await
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let tables = self.tables(&known_strings(prior, "route_table_id")).await?;
        Ok(prior
            .iter()
            .map(|value| {
                let (table, gateway) = Self::keys(value)?;
                propagates(&tables, &table, &gateway).then(|| self.object(&table, &gateway))
            })
            .collect())
    }

    /// A propagation has no tags: the natural key is the table and the gateway.
    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        crate::app_support::read_one(self, planned).await
    }

    fn import_prior(&self, _id: &str) -> Result<Value, ProviderError> {
        Err(ProviderError::not_importable(
            "aws_vpn_gateway_route_propagation",
        ))
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
