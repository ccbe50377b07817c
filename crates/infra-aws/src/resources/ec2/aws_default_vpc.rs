//! `aws_default_vpc`: adopts the region's default VPC. As in the provider (since v4), when the
//! region has none, one is created with CreateDefaultVpc; `existing_default_vpc` tells which.
//! Adoption then applies the configured DNS attributes, IPv6 block and tags (the VPC's tags
//! become the configured ones). Destroying it only forgets it, unless `force_destroy` is set:
//! then the VPC is deleted (which AWS refuses while its default subnets and internet gateway
//! remain). Import takes the VPC id.
//!
//! Reads and updates are `aws_vpc`'s. AWS does not report `ipv6_ipam_pool_id` and
//! `ipv6_netmask_length`, so they are kept from the configuration; moto does not return
//! `ipv6_cidr_block_network_border_group`, so drift on it is not seen in tests.

use std::collections::HashMap;
use std::sync::Arc;

use infra_core::{Operation, ProviderError, ResourceType, Schema, Timeouts, Value};

use crate::app_support::sent;
use crate::ec2_support::{bool_attribute, filter};
use crate::resources::ec2::aws_vpc::{ipv6_pool_conflict, AwsVpc};
use crate::Aws;

pub struct AwsDefaultVpc {
    aws: Arc<Aws>,
    vpc: AwsVpc,
}

impl AwsDefaultVpc {
    pub fn new(aws: Arc<Aws>) -> AwsDefaultVpc {
        AwsDefaultVpc {
            vpc: AwsVpc::adopted(aws.clone()),
            aws,
        }
    }

    /// The region's default VPC, read, if there is one.
    async fn find_default(&self) -> Result<Option<Value>, ProviderError> {
        Ok(self
            .vpc
            .describe(vec![filter("is-default", ["true"])], &HashMap::new())
            .await?
            .into_values()
            .next())
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsDefaultVpc {
    fn name(&self) -> &'static str {
        "aws_default_vpc"
    }

    fn schema(&self) -> &Schema {
        self.vpc.schema()
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        ipv6_pool_conflict(config).into_iter().collect()
    }

    fn default_timeouts(&self) -> Timeouts {
        self.vpc.default_timeouts()
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let (mut current, existing) = match self.find_default().await? {
            Some(current) => (current, true),
            None => {
                let output = sent!(self.aws.clients().await.ec2.create_default_vpc())?;
                let id = output
                    .vpc()
                    .and_then(|vpc| vpc.vpc_id())
                    .ok_or_else(|| ProviderError::new("CreateDefaultVpc returned no VPC id"))?
                    .to_string();
                let current = self.vpc.read_one(&id, planned).await?.ok_or_else(|| {
                    ProviderError::with_code(
                        "InvalidVpcID.NotFound",
                        format!("default VPC {id} vanished right after it was created"),
                    )
                })?;
                (current, false)
            }
        };
        // The configuration is applied as an update from what the VPC is now.
        if let Some(entries) = current.map_mut() {
            for name in ["ipv6_ipam_pool_id", "ipv6_netmask_length"] {
                entries.insert(name.into(), Value::Null);
            }
            entries.insert("force_destroy".into(), planned.get("force_destroy").clone());
        }
        let mut adopted = self.vpc.update(operation, &current, planned).await?;
        if let Some(entries) = adopted.map_mut() {
            entries.insert("existing_default_vpc".into(), Value::Bool(existing));
        }
        Ok(adopted)
    }

    async fn update(
        &self,
        operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        self.vpc.update(operation, prior, planned).await
    }

    /// Only forgotten, unless `force_destroy`: then deleted, as in the provider.
    async fn delete(&self, operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        if bool_attribute(prior, "force_destroy", false) {
            self.vpc.delete(operation, prior).await
        } else {
            Ok(())
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        self.vpc.read_many(prior).await
    }

    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        // Found by its natural key: the region's default VPC (whether adopted or created, a
        // lost answer leaves `existing_default_vpc` unknown; false is the safe side).
        Ok(self.find_default().await?.map(|mut value| {
            if let Some(entries) = value.map_mut() {
                entries.insert("force_destroy".into(), planned.get("force_destroy").clone());
                entries.insert("existing_default_vpc".into(), Value::Bool(false));
            }
            value
        }))
    }
}
