//! `aws_internet_gateway`: an internet gateway, attached to at most one VPC. Changing `vpc_id`
//! detaches and re-attaches in place.

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_ec2::types::{Filter, InternetGateway, ResourceType as Ec2ResourceType};
use infra_core::Attribute;
use infra_core::{Operation, ProviderError, ResourceType, Schema, Timeouts, Type, Value};

use crate::ec2_support::{
    chunks_of, delete_with_retry, ec2_arn, filter, has_code, in_prior_order, known_ids,
    managed_tag_filters, non_empty_attribute, optional_string, string_attribute, tag_entries,
    tag_specification, update_tags, whole_object,
};
use crate::error::aws_error;
use crate::tagging::WithTags;
use crate::Aws;

pub struct AwsInternetGateway {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsInternetGateway {
    pub fn new(aws: Arc<Aws>) -> AwsInternetGateway {
        let schema = Schema::new()
            .timeouts(&["create", "update", "delete"])
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::optional("vpc_id", Type::String))
            .attr(Attribute::computed("owner_id", Type::String))
            .with_tags();
        AwsInternetGateway { aws, schema }
    }

    async fn describe(
        &self,
        filters: Vec<Filter>,
    ) -> Result<HashMap<String, Value>, ProviderError> {
        let clients = self.aws.clients().await;
        let gateways: Vec<InternetGateway> = clients
            .ec2
            .describe_internet_gateways()
            .set_filters(Some(filters))
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(aws_error)?;
        let mut found = HashMap::new();
        for gateway in &gateways {
            let Some(id) = gateway.internet_gateway_id() else {
                continue;
            };
            let owner = gateway.owner_id().unwrap_or_default();
            let vpc_id = gateway
                .attachments()
                .iter()
                .find_map(|attachment| attachment.vpc_id());
            let mut entries = vec![
                ("id", Value::string(id)),
                (
                    "arn",
                    Value::string(ec2_arn(&clients.region, owner, "internet-gateway", id)),
                ),
                ("vpc_id", optional_string(vpc_id)),
                ("owner_id", Value::string(owner)),
            ];
            entries.extend(tag_entries(gateway.tags()));
            found.insert(id.to_string(), whole_object(&self.schema, entries));
        }
        Ok(found)
    }

    async fn read_one(&self, id: &str) -> Result<Value, ProviderError> {
        self.describe(vec![filter("internet-gateway-id", [id])])
            .await?
            .remove(id)
            .ok_or_else(|| {
                ProviderError::with_code(
                    "InvalidInternetGatewayID.NotFound",
                    format!("internet gateway {id} not found"),
                )
            })
    }

    async fn attach(&self, id: &str, vpc_id: &str) -> Result<(), ProviderError> {
        let ec2 = &self.aws.clients().await.ec2;
        ec2.attach_internet_gateway()
            .internet_gateway_id(id)
            .vpc_id(vpc_id)
            .send()
            .await
            .map_err(aws_error)?;
        Ok(())
    }

    /// Detaching from a VPC that is already gone (or never attached) is not an error.
    async fn detach(&self, id: &str, vpc_id: &str) -> Result<(), ProviderError> {
        let ec2 = &self.aws.clients().await.ec2;
        match ec2
            .detach_internet_gateway()
            .internet_gateway_id(id)
            .vpc_id(vpc_id)
            .send()
            .await
            .map_err(aws_error)
        {
            Ok(_) => Ok(()),
            Err(error)
                if crate::error::is_not_found(&error)
                    || has_code(&error, "Gateway.NotAttached") =>
            {
                Ok(())
            }
            Err(error) => Err(error),
        }
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsInternetGateway {
    fn name(&self) -> &'static str {
        "aws_internet_gateway"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn default_timeouts(&self) -> Timeouts {
        Timeouts {
            create: std::time::Duration::from_secs(20 * 60),
            update: std::time::Duration::from_secs(20 * 60),
            delete: std::time::Duration::from_secs(20 * 60),
        }
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let ec2 = &self.aws.clients().await.ec2;
        let output = ec2
            .create_internet_gateway()
            .tag_specifications(tag_specification(
                operation,
                planned,
                Ec2ResourceType::InternetGateway,
            ))
            .send()
            .await
            .map_err(aws_error)?;
        let id = output
            .internet_gateway()
            .and_then(InternetGateway::internet_gateway_id)
            .ok_or_else(|| ProviderError::new("CreateInternetGateway returned no id"))?
            .to_string();
        if let Some(vpc_id) = non_empty_attribute(planned, "vpc_id") {
            self.attach(&id, &vpc_id).await?;
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
            .ok_or_else(|| ProviderError::new("aws_internet_gateway: prior state has no id"))?;
        let before = non_empty_attribute(prior, "vpc_id");
        let after = non_empty_attribute(planned, "vpc_id");
        if before != after {
            if let Some(vpc_id) = &before {
                self.detach(&id, vpc_id).await?;
            }
            if let Some(vpc_id) = &after {
                self.attach(&id, vpc_id).await?;
            }
        }
        update_tags(&self.aws.clients().await.ec2, &id, prior, planned).await?;
        self.read_one(&id).await
    }

    async fn delete(&self, operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some(id) = string_attribute(prior, "id") else {
            return Ok(());
        };
        // Detach from whatever AWS says it is attached to, not only what the state says.
        let current = self
            .describe(vec![filter("internet-gateway-id", [id.as_str()])])
            .await?;
        let Some(current) = current.get(&id) else {
            return Ok(());
        };
        if let Some(vpc_id) = non_empty_attribute(current, "vpc_id") {
            self.detach(&id, &vpc_id).await?;
        }
        let ec2 = &self.aws.clients().await.ec2;
        delete_with_retry(
            operation.timeouts.delete,
            &format!("internet gateway {id}"),
            || async {
                ec2.delete_internet_gateway()
                    .internet_gateway_id(&id)
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
                self.describe(vec![filter("internet-gateway-id", chunk.iter().cloned())])
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
