//! `aws_eip`: an Elastic IP address in the VPC domain. Association with instances or network
//! interfaces is not managed here; NAT gateways take the allocation id directly.

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_ec2::types::{DomainType, Filter, ResourceType as Ec2ResourceType};
use infra_core::{
    Attribute, Check, Operation, ProviderError, ResourceType, Schema, Timeouts, Type, Value,
};

use crate::ec2_support::{
    chunks_of, filter, has_code, in_prior_order, known_ids, managed_tag_filters, optional_string,
    string_attribute, tag_entries, tag_specification, update_tags, wait_for, whole_object,
};
use crate::error::aws_error;
use crate::Aws;

pub struct AwsEip {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsEip {
    pub fn new(aws: Arc<Aws>) -> AwsEip {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(
                // "standard" was EC2-Classic, which AWS retired: such an address has no
                // allocation id, and AllocateAddress no longer makes one.
                Attribute::optional("domain", Type::String)
                    .default(Value::string("vpc"))
                    .force_new()
                    .check(Check::OneOf(&["vpc"])),
            )
            .attr(Attribute::computed("allocation_id", Type::String))
            .attr(Attribute::computed("association_id", Type::String))
            .attr(Attribute::computed("public_ip", Type::String))
            .attr(Attribute::computed("private_ip", Type::String))
            .attr(Attribute::computed("network_interface", Type::String))
            .attr(Attribute::computed("public_dns", Type::String))
            .with_tags();
        AwsEip { aws, schema }
    }

    async fn describe(
        &self,
        filters: Vec<Filter>,
    ) -> Result<HashMap<String, Value>, ProviderError> {
        let clients = self.aws.clients().await;
        // DescribeAddresses is not paginated: one call returns every match.
        let output = clients
            .ec2
            .describe_addresses()
            .set_filters(Some(filters))
            .send()
            .await
            .map_err(aws_error)?;
        let mut found = HashMap::new();
        for address in output.addresses() {
            let Some(id) = address.allocation_id() else {
                continue;
            };
            let public_ip = address.public_ip().unwrap_or_default();
            // The provider derives the public DNS name from the address.
            let public_dns = if public_ip.is_empty() {
                Value::Null
            } else {
                let host = public_ip.replace('.', "-");
                Value::string(if clients.region == "us-east-1" {
                    format!("ec2-{host}.compute-1.amazonaws.com")
                } else {
                    format!("ec2-{host}.{}.compute.amazonaws.com", clients.region)
                })
            };
            let mut entries = vec![
                ("id", Value::string(id)),
                (
                    "domain",
                    optional_string(address.domain().map(DomainType::as_str)),
                ),
                ("allocation_id", Value::string(id)),
                ("association_id", optional_string(address.association_id())),
                ("public_ip", optional_string(address.public_ip())),
                ("private_ip", optional_string(address.private_ip_address())),
                (
                    "network_interface",
                    optional_string(address.network_interface_id()),
                ),
                ("public_dns", public_dns),
            ];
            entries.extend(tag_entries(address.tags()));
            found.insert(id.to_string(), whole_object(&self.schema, entries));
        }
        Ok(found)
    }

    async fn read_one(&self, id: &str) -> Result<Value, ProviderError> {
        self.describe(vec![filter("allocation-id", [id])])
            .await?
            .remove(id)
            .ok_or_else(|| {
                ProviderError::with_code(
                    "InvalidAllocationID.NotFound",
                    format!("Elastic IP {id} not found"),
                )
            })
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsEip {
    fn name(&self) -> &'static str {
        "aws_eip"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn default_timeouts(&self) -> Timeouts {
        Timeouts {
            create: std::time::Duration::from_secs(5 * 60),
            update: std::time::Duration::from_secs(5 * 60),
            delete: std::time::Duration::from_secs(3 * 60),
        }
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let ec2 = &self.aws.clients().await.ec2;
        let domain = string_attribute(planned, "domain").unwrap_or_else(|| "vpc".to_string());
        let output = ec2
            .allocate_address()
            .domain(DomainType::from(domain.as_str()))
            .tag_specifications(tag_specification(
                operation,
                planned,
                Ec2ResourceType::ElasticIp,
            ))
            .send()
            .await
            .map_err(aws_error)?;
        let id = output
            .allocation_id()
            .ok_or_else(|| ProviderError::new("AllocateAddress returned no allocation id"))?
            .to_string();
        self.read_one(&id).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let id = string_attribute(prior, "id")
            .ok_or_else(|| ProviderError::new("aws_eip: prior state has no id"))?;
        update_tags(&self.aws.clients().await.ec2, &id, prior, planned).await?;
        self.read_one(&id).await
    }

    async fn delete(&self, operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some(id) = string_attribute(prior, "id") else {
            return Ok(());
        };
        let ec2 = &self.aws.clients().await.ec2;
        // A NAT gateway being deleted keeps the address "in use" for a while.
        wait_for(
            operation.timeouts.delete,
            &format!("Elastic IP {id} to be released"),
            || async {
                match ec2
                    .release_address()
                    .allocation_id(&id)
                    .send()
                    .await
                    .map_err(aws_error)
                {
                    Ok(_) => Ok(Some(())),
                    Err(error) if crate::error::is_not_found(&error) => Ok(Some(())),
                    Err(error) if has_code(&error, "InvalidIPAddress.InUse") => Ok(None),
                    Err(error) => Err(error),
                }
            },
        )
        .await
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let mut found = HashMap::new();
        for chunk in chunks_of(&known_ids(prior)) {
            found.extend(
                self.describe(vec![filter("allocation-id", chunk.iter().cloned())])
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
