//! `aws_egress_only_internet_gateway`: an IPv6 egress-only internet gateway for one VPC
//! (`vpc_id` forces a new gateway; tags change in place). Import takes the gateway id.
//!
//! moto ignores DescribeEgressOnlyInternetGateways filters, so the managed-tag lookup of
//! `find_created` also checks the tags itself.

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_ec2::types::{EgressOnlyInternetGateway, Filter, ResourceType as Ec2ResourceType};
use infra_core::resource::{ADDRESS_TAG, LINEAGE_TAG};
use infra_core::{Attribute, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::ec2_support::{
    describe_by_ids, filter, in_prior_order, known_ids, optional_string, string_attribute,
    tag_entries, tag_specification, update_tags, whole_object,
};
use crate::error::aws_error;
use crate::tagging::WithTags;
use crate::Aws;

pub struct AwsEgressOnlyInternetGateway {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsEgressOnlyInternetGateway {
    pub fn new(aws: Arc<Aws>) -> AwsEgressOnlyInternetGateway {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("vpc_id", Type::String).force_new())
            .with_tags();
        AwsEgressOnlyInternetGateway { aws, schema }
    }

    fn convert(&self, gateway: &EgressOnlyInternetGateway) -> Option<(String, Value)> {
        let id = gateway.egress_only_internet_gateway_id()?;
        let vpc_id = gateway
            .attachments()
            .iter()
            .find_map(|attachment| attachment.vpc_id());
        let mut entries = vec![
            ("id", Value::string(id)),
            ("vpc_id", optional_string(vpc_id)),
        ];
        entries.extend(tag_entries(gateway.tags()));
        Some((id.to_string(), whole_object(&self.schema, entries)))
    }

    async fn describe(
        &self,
        ids: Option<Vec<String>>,
        filters: Option<Vec<Filter>>,
    ) -> Result<Vec<EgressOnlyInternetGateway>, ProviderError> {
        self.aws
            .clients()
            .await
            .ec2
            .describe_egress_only_internet_gateways()
            .set_egress_only_internet_gateway_ids(ids)
            .set_filters(filters)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(aws_error)
    }

    /// The gateways with these ids that exist.
    async fn by_ids(&self, ids: &[String]) -> Result<HashMap<String, Value>, ProviderError> {
        let gateways = describe_by_ids(ids, |chunk| self.describe(Some(chunk), None)).await?;
        let mut found: HashMap<String, Value> =
            gateways.iter().filter_map(|g| self.convert(g)).collect();
        // Only the ids asked for (an emulator may answer more).
        found.retain(|id, _| ids.contains(id));
        Ok(found)
    }

    async fn read_one(&self, id: &str) -> Result<Value, ProviderError> {
        self.by_ids(&[id.to_string()])
            .await?
            .remove(id)
            .ok_or_else(|| {
                ProviderError::with_code(
                    "InvalidEgressOnlyInternetGatewayId.NotFound",
                    format!("egress-only internet gateway {id} not found"),
                )
            })
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsEgressOnlyInternetGateway {
    fn name(&self) -> &'static str {
        "aws_egress_only_internet_gateway"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let output = self
            .aws
            .clients()
            .await
            .ec2
            .create_egress_only_internet_gateway()
            .set_vpc_id(string_attribute(planned, "vpc_id"))
            .tag_specifications(tag_specification(
                operation,
                planned,
                Ec2ResourceType::EgressOnlyInternetGateway,
            ))
            .send()
            .await
            .map_err(aws_error)?;
        let id = output
            .egress_only_internet_gateway()
            .and_then(EgressOnlyInternetGateway::egress_only_internet_gateway_id)
            .ok_or_else(|| ProviderError::new("CreateEgressOnlyInternetGateway returned no id"))?
            .to_string();
        self.read_one(&id).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let id = string_attribute(prior, "id").ok_or_else(|| {
            ProviderError::new("aws_egress_only_internet_gateway: prior state has no id")
        })?;
        update_tags(&self.aws.clients().await.ec2, &id, prior, planned).await?;
        self.read_one(&id).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some(id) = string_attribute(prior, "id") else {
            return Ok(());
        };
        match self
            .aws
            .clients()
            .await
            .ec2
            .delete_egress_only_internet_gateway()
            .egress_only_internet_gateway_id(&id)
            .send()
            .await
            .map_err(aws_error)
        {
            Ok(_) => Ok(()),
            Err(error) if crate::error::is_not_found(&error) => Ok(()),
            Err(error) => Err(error),
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        Ok(in_prior_order(
            prior,
            &self.by_ids(&known_ids(prior)).await?,
        ))
    }

    async fn find_created(
        &self,
        operation: &Operation,
        _planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let filters = vec![
            filter(&format!("tag:{ADDRESS_TAG}"), [operation.address.clone()]),
            filter(&format!("tag:{LINEAGE_TAG}"), [operation.lineage.clone()]),
        ];
        let gateways = self.describe(None, Some(filters)).await?;
        let tagged = |gateway: &&EgressOnlyInternetGateway, key: &str, value: &str| {
            gateway
                .tags()
                .iter()
                .any(|tag| tag.key() == Some(key) && tag.value() == Some(value))
        };
        Ok(gateways
            .iter()
            .filter(|g| tagged(g, ADDRESS_TAG, &operation.address))
            .find(|g| tagged(g, LINEAGE_TAG, &operation.lineage))
            .and_then(|g| self.convert(g))
            .map(|(_, value)| value))
    }
}
