//! `aws_nat_gateway`: a NAT gateway in a subnet. Create waits until it is available and delete
//! until it is deleted, so the Elastic IP it holds can be released right after.
//!
//! moto ignores `private_ip` (it picks an address of its own), so a configured address reads
//! back as drift there and is not set in tests; AWS gives the gateway the address asked for.

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_ec2::types::{
    ConnectivityType, Filter, NatGateway, NatGatewayState, ResourceType as Ec2ResourceType,
};
use infra_core::{
    Attribute, Check, Operation, ProviderError, ResourceType, Schema, Timeouts, Type, Value,
};

use crate::ec2_support::{
    chunks_of, filter, in_prior_order, known_ids, managed_tag_filters, non_empty_attribute,
    optional_string, string_attribute, tag_entries, tag_specification, update_tags, wait_for,
    whole_object,
};
use crate::error::aws_error;
use crate::Aws;

pub struct AwsNatGateway {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsNatGateway {
    /// A deleted gateway's elastic IP is free again in AWS. moto 5.2.5 leaves it associated
    /// with the gateway's network interface, so that a replacement gateway with the same
    /// allocation fails with Resource.AlreadyAssociated: release that association here. Best
    /// effort: the gateway is already deleted, so no error here fails the delete.
    async fn release_address(&self, prior: &Value) {
        let _ = self.try_release_address(prior).await;
    }

    async fn try_release_address(&self, prior: &Value) -> Result<(), ProviderError> {
        let (Some(allocation_id), Some(interface_id)) = (
            string_attribute(prior, "allocation_id"),
            string_attribute(prior, "network_interface_id"),
        ) else {
            return Ok(());
        };
        let ec2 = &self.aws.clients().await.ec2;
        let addresses = ec2
            .describe_addresses()
            .filters(filter("allocation-id", [allocation_id]))
            .send()
            .await
            .map_err(aws_error)?;
        for address in addresses.addresses() {
            if address.network_interface_id() != Some(interface_id.as_str()) {
                continue;
            }
            if let Some(association_id) = address.association_id() {
                ec2.disassociate_address()
                    .association_id(association_id)
                    .send()
                    .await
                    .map_err(aws_error)?;
            }
        }
        Ok(())
    }

    pub fn new(aws: Arc<Aws>) -> AwsNatGateway {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::optional_computed("allocation_id", Type::String).force_new())
            .attr(Attribute::required("subnet_id", Type::String).force_new())
            .attr(
                Attribute::optional("connectivity_type", Type::String)
                    .default(Value::string("public"))
                    .force_new()
                    .check(Check::OneOf(&["public", "private"])),
            )
            .attr(Attribute::optional_computed("private_ip", Type::String).force_new())
            .attr(Attribute::computed("public_ip", Type::String))
            .attr(Attribute::computed("association_id", Type::String))
            .attr(Attribute::computed("network_interface_id", Type::String))
            .with_tags();
        AwsNatGateway { aws, schema }
    }

    /// NAT gateways matching `filters`, deleted ones left out (AWS lists them for an hour).
    async fn describe_gateways(
        &self,
        filters: Vec<Filter>,
    ) -> Result<Vec<NatGateway>, ProviderError> {
        let gateways: Vec<NatGateway> = self
            .aws
            .clients()
            .await
            .ec2
            .describe_nat_gateways()
            .set_filter(Some(filters))
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(aws_error)?;
        Ok(gateways
            .into_iter()
            .filter(|gateway| {
                !matches!(
                    gateway.state(),
                    Some(NatGatewayState::Deleted | NatGatewayState::Deleting)
                )
            })
            .collect())
    }

    fn convert(&self, gateways: &[NatGateway]) -> HashMap<String, Value> {
        let mut found = HashMap::new();
        for gateway in gateways {
            let Some(id) = gateway.nat_gateway_id() else {
                continue;
            };
            let address = gateway.nat_gateway_addresses().first();
            let mut entries = vec![
                ("id", Value::string(id)),
                (
                    "allocation_id",
                    optional_string(address.and_then(|a| a.allocation_id())),
                ),
                ("subnet_id", optional_string(gateway.subnet_id())),
                (
                    "connectivity_type",
                    Value::string(
                        gateway
                            .connectivity_type()
                            .map(ConnectivityType::as_str)
                            .unwrap_or("public"),
                    ),
                ),
                (
                    "private_ip",
                    optional_string(address.and_then(|a| a.private_ip())),
                ),
                (
                    "public_ip",
                    optional_string(address.and_then(|a| a.public_ip())),
                ),
                (
                    "association_id",
                    optional_string(address.and_then(|a| a.association_id())),
                ),
                (
                    "network_interface_id",
                    optional_string(address.and_then(|a| a.network_interface_id())),
                ),
            ];
            entries.extend(tag_entries(gateway.tags()));
            found.insert(id.to_string(), whole_object(&self.schema, entries));
        }
        found
    }

    async fn read_one(&self, id: &str) -> Result<Value, ProviderError> {
        let gateways = self
            .describe_gateways(vec![filter("nat-gateway-id", [id])])
            .await?;
        self.convert(&gateways).remove(id).ok_or_else(|| {
            ProviderError::with_code("NatGatewayNotFound", format!("NAT gateway {id} not found"))
        })
    }

    /// The gateway's state, `None` when AWS no longer lists it.
    async fn state(&self, id: &str) -> Result<Option<(NatGatewayState, String)>, ProviderError> {
        let gateways: Vec<NatGateway> = self
            .aws
            .clients()
            .await
            .ec2
            .describe_nat_gateways()
            .filter(filter("nat-gateway-id", [id]))
            .send()
            .await
            .map_err(aws_error)?
            .nat_gateways()
            .to_vec();
        Ok(gateways.first().and_then(|gateway| {
            let state = gateway.state()?.clone();
            let reason = gateway.failure_message().unwrap_or_default().to_string();
            Some((state, reason))
        }))
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsNatGateway {
    fn name(&self) -> &'static str {
        "aws_nat_gateway"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn default_timeouts(&self) -> Timeouts {
        Timeouts {
            create: std::time::Duration::from_secs(10 * 60),
            update: std::time::Duration::from_secs(10 * 60),
            delete: std::time::Duration::from_secs(30 * 60),
        }
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let public = config
            .get("connectivity_type")
            .as_str()
            .is_none_or(|kind| kind == "public");
        if public && config.get("allocation_id").is_null() {
            return vec![(
                "allocation_id".to_string(),
                "a public NAT gateway needs an Elastic IP: set allocation_id (or connectivity_type = \"private\").".to_string(),
            )];
        }
        vec![]
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let ec2 = &self.aws.clients().await.ec2;
        let connectivity =
            string_attribute(planned, "connectivity_type").unwrap_or_else(|| "public".to_string());
        let output = ec2
            .create_nat_gateway()
            .set_subnet_id(string_attribute(planned, "subnet_id"))
            .set_allocation_id(non_empty_attribute(planned, "allocation_id"))
            .set_private_ip_address(non_empty_attribute(planned, "private_ip"))
            .connectivity_type(ConnectivityType::from(connectivity.as_str()))
            .tag_specifications(tag_specification(
                operation,
                planned,
                Ec2ResourceType::Natgateway,
            ))
            .send()
            .await
            .map_err(aws_error)?;
        let id = output
            .nat_gateway()
            .and_then(NatGateway::nat_gateway_id)
            .ok_or_else(|| ProviderError::new("CreateNatGateway returned no id"))?
            .to_string();
        wait_for(
            operation.timeouts.create,
            &format!("NAT gateway {id} to become available"),
            || async {
                match self.state(&id).await? {
                    Some((NatGatewayState::Available, _)) => Ok(Some(())),
                    Some((NatGatewayState::Failed, reason)) => Err(ProviderError::with_code(
                        "NatGatewayFailed",
                        format!("NAT gateway {id} failed: {reason}"),
                    )),
                    _ => Ok(None),
                }
            },
        )
        .await?;
        self.read_one(&id).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let id = string_attribute(prior, "id")
            .ok_or_else(|| ProviderError::new("aws_nat_gateway: prior state has no id"))?;
        update_tags(&self.aws.clients().await.ec2, &id, prior, planned).await?;
        self.read_one(&id).await
    }

    async fn delete(&self, operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some(id) = string_attribute(prior, "id") else {
            return Ok(());
        };
        let ec2 = &self.aws.clients().await.ec2;
        match ec2
            .delete_nat_gateway()
            .nat_gateway_id(&id)
            .send()
            .await
            .map_err(aws_error)
        {
            Ok(_) => {}
            Err(error) if crate::error::is_not_found(&error) => return Ok(()),
            Err(error) => return Err(error),
        }
        wait_for(
            operation.timeouts.delete,
            &format!("NAT gateway {id} to be deleted"),
            || async {
                Ok(match self.state(&id).await? {
                    None | Some((NatGatewayState::Deleted, _)) => Some(()),
                    _ => None,
                })
            },
        )
        .await?;
        self.release_address(prior).await;
        Ok(())
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let mut found = HashMap::new();
        for chunk in chunks_of(&known_ids(prior)) {
            let gateways = self
                .describe_gateways(vec![filter("nat-gateway-id", chunk.iter().cloned())])
                .await?;
            found.extend(self.convert(&gateways));
        }
        Ok(in_prior_order(prior, &found))
    }

    async fn find_created(
        &self,
        operation: &Operation,
        _planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let gateways = self
            .describe_gateways(managed_tag_filters(operation))
            .await?;
        Ok(self.convert(&gateways).into_values().next())
    }
}
