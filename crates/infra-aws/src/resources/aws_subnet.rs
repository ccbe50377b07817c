//! `aws_subnet`: one subnet of a VPC, in one availability zone.

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_ec2::types::{AttributeBooleanValue, Filter, ResourceType as Ec2ResourceType, Subnet};
use infra_core::{
    Attribute, Check, Operation, ProviderError, ResourceType, Schema, Timeouts, Type, Value,
};

use crate::ec2_support::{
    bool_attribute, chunks_of, delete_with_retry, ec2_arn, filter, in_prior_order, known_ids,
    managed_tag_filters, non_empty_attribute, optional_string, string_attribute, tag_entries,
    tag_specification, update_tags, whole_object,
};
use crate::error::aws_error;
use crate::Aws;

pub struct AwsSubnet {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsSubnet {
    pub fn new(aws: Arc<Aws>) -> AwsSubnet {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::required("vpc_id", Type::String).force_new())
            .attr(
                Attribute::required("cidr_block", Type::String)
                    .force_new()
                    .check(Check::Cidr),
            )
            .attr(Attribute::optional_computed("availability_zone", Type::String).force_new())
            .attr(Attribute::computed("availability_zone_id", Type::String))
            .attr(
                Attribute::optional("map_public_ip_on_launch", Type::Bool)
                    .default(Value::Bool(false)),
            )
            .attr(Attribute::computed("owner_id", Type::String))
            .with_tags();
        AwsSubnet { aws, schema }
    }

    async fn describe(
        &self,
        filters: Vec<Filter>,
    ) -> Result<HashMap<String, Value>, ProviderError> {
        let clients = self.aws.clients().await;
        let subnets: Vec<Subnet> = clients
            .ec2
            .describe_subnets()
            .set_filters(Some(filters))
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(aws_error)?;
        let mut found = HashMap::new();
        for subnet in &subnets {
            let Some(id) = subnet.subnet_id() else {
                continue;
            };
            let owner = subnet.owner_id().unwrap_or_default();
            let arn = subnet
                .subnet_arn()
                .map(str::to_string)
                .unwrap_or_else(|| ec2_arn(&clients.region, owner, "subnet", id));
            let mut entries = vec![
                ("id", Value::string(id)),
                ("arn", Value::string(arn)),
                ("vpc_id", optional_string(subnet.vpc_id())),
                ("cidr_block", optional_string(subnet.cidr_block())),
                (
                    "availability_zone",
                    optional_string(subnet.availability_zone()),
                ),
                (
                    "availability_zone_id",
                    optional_string(subnet.availability_zone_id()),
                ),
                (
                    "map_public_ip_on_launch",
                    Value::Bool(subnet.map_public_ip_on_launch().unwrap_or(false)),
                ),
                ("owner_id", Value::string(owner)),
            ];
            entries.extend(tag_entries(subnet.tags()));
            found.insert(id.to_string(), whole_object(&self.schema, entries));
        }
        Ok(found)
    }

    async fn read_one(&self, id: &str) -> Result<Value, ProviderError> {
        self.describe(vec![filter("subnet-id", [id])])
            .await?
            .remove(id)
            .ok_or_else(|| {
                ProviderError::with_code(
                    "InvalidSubnetID.NotFound",
                    format!("subnet {id} not found"),
                )
            })
    }

    async fn set_map_public_ip(&self, id: &str, enabled: bool) -> Result<(), ProviderError> {
        self.aws
            .clients()
            .await
            .ec2
            .modify_subnet_attribute()
            .subnet_id(id)
            .map_public_ip_on_launch(AttributeBooleanValue::builder().value(enabled).build())
            .send()
            .await
            .map_err(aws_error)?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsSubnet {
    fn name(&self) -> &'static str {
        "aws_subnet"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn default_timeouts(&self) -> Timeouts {
        Timeouts {
            create: std::time::Duration::from_secs(10 * 60),
            update: std::time::Duration::from_secs(10 * 60),
            delete: std::time::Duration::from_secs(20 * 60),
        }
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let ec2 = &self.aws.clients().await.ec2;
        let output = ec2
            .create_subnet()
            .set_vpc_id(string_attribute(planned, "vpc_id"))
            .set_cidr_block(string_attribute(planned, "cidr_block"))
            .set_availability_zone(non_empty_attribute(planned, "availability_zone"))
            .tag_specifications(tag_specification(
                operation,
                planned,
                Ec2ResourceType::Subnet,
            ))
            .send()
            .await
            .map_err(aws_error)?;
        let id = output
            .subnet()
            .and_then(Subnet::subnet_id)
            .ok_or_else(|| ProviderError::new("CreateSubnet returned no subnet id"))?
            .to_string();
        if bool_attribute(planned, "map_public_ip_on_launch", false) {
            self.set_map_public_ip(&id, true).await?;
        }
        self.read_one(&id).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let id = string_attribute(prior, "id")
            .ok_or_else(|| ProviderError::new("aws_subnet: prior state has no id"))?;
        let public = bool_attribute(planned, "map_public_ip_on_launch", false);
        if public != bool_attribute(prior, "map_public_ip_on_launch", false) {
            self.set_map_public_ip(&id, public).await?;
        }
        update_tags(&self.aws.clients().await.ec2, &id, prior, planned).await?;
        self.read_one(&id).await
    }

    async fn delete(&self, operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some(id) = string_attribute(prior, "id") else {
            return Ok(());
        };
        let ec2 = &self.aws.clients().await.ec2;
        delete_with_retry(
            operation.timeouts.delete,
            &format!("subnet {id}"),
            || async {
                ec2.delete_subnet()
                    .subnet_id(&id)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(aws_error)
            },
        )
        .await
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let mut found = HashMap::new();
        for chunk in chunks_of(&known_ids(prior)) {
            found.extend(
                self.describe(vec![filter("subnet-id", chunk.iter().cloned())])
                    .await?,
            );
        }
        Ok(in_prior_order(prior, &found))
    }

    async fn find_created(
        &self,
        operation: &Operation,
        _planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        Ok(self
            .describe(managed_tag_filters(operation))
            .await?
            .into_values()
            .next())
    }
}
