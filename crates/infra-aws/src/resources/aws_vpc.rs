//! `aws_vpc`: a VPC with its DNS attributes. The main route table and default security group
//! AWS creates with it are reported, not managed.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use aws_sdk_ec2::types::{
    AttributeBooleanValue, ResourceType as Ec2ResourceType, Tenancy, Vpc, VpcAttributeName,
};
use infra_core::{
    Attribute, Check, Operation, ProviderError, ResourceType, Schema, Timeouts, Type, Value,
};

use crate::ec2_support::{
    bool_attribute, chunks_of, delete_with_retry, ec2_arn, filter, in_prior_order, known_ids,
    managed_tag_filters, optional_string, string_attribute, tag_entries, tag_specification,
    update_tags, whole_object,
};
use crate::error::aws_error;
use crate::read_window::ReadWindow;
use crate::Aws;

/// DescribeVpcAttribute answers one attribute of one VPC (two calls per VPC), so a refresh
/// reads the DNS attributes for a [`ReadWindow`] of this many VPCs and keeps the prior values
/// of the others.
const DNS_ATTRIBUTE_READ_LIMIT: usize = 4;

pub struct AwsVpc {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsVpc {
    pub fn new(aws: Arc<Aws>) -> AwsVpc {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(
                Attribute::required("cidr_block", Type::String)
                    .force_new()
                    .check(Check::Cidr),
            )
            .attr(Attribute::optional("enable_dns_support", Type::Bool).default(Value::Bool(true)))
            .attr(
                Attribute::optional("enable_dns_hostnames", Type::Bool).default(Value::Bool(false)),
            )
            .attr(
                Attribute::optional("instance_tenancy", Type::String)
                    .default(Value::string("default"))
                    .force_new()
                    .check(Check::OneOf(&["default", "dedicated"])),
            )
            .attr(Attribute::computed(
                "default_security_group_id",
                Type::String,
            ))
            .attr(Attribute::computed("main_route_table_id", Type::String))
            .attr(Attribute::computed("default_route_table_id", Type::String))
            .attr(Attribute::computed("dhcp_options_id", Type::String))
            .attr(Attribute::computed("owner_id", Type::String))
            .with_tags();
        AwsVpc { aws, schema }
    }

    /// Every VPC matching `filters`, converted, with main route tables and default security
    /// groups. DNS attributes are read for the VPCs in `read_dns` and those `prior` does not
    /// know; `prior` supplies them for the rest.
    async fn describe(
        &self,
        filters: Vec<aws_sdk_ec2::types::Filter>,
        prior: &HashMap<String, Value>,
        read_dns: &HashSet<String>,
    ) -> Result<HashMap<String, Value>, ProviderError> {
        let clients = self.aws.clients().await;
        let vpcs: Vec<Vpc> = clients
            .ec2
            .describe_vpcs()
            .set_filters(Some(filters))
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(aws_error)?;
        let ids: Vec<String> = vpcs
            .iter()
            .filter_map(|vpc| vpc.vpc_id().map(str::to_string))
            .collect();
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let mut main_route_tables: HashMap<String, String> = HashMap::new();
        let mut default_security_groups: HashMap<String, String> = HashMap::new();
        for chunk in chunks_of(&ids) {
            let tables = clients
                .ec2
                .describe_route_tables()
                .filters(filter("vpc-id", chunk.iter().cloned()))
                .filters(filter("association.main", ["true"]))
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
                .map_err(aws_error)?;
            for table in tables {
                if let (Some(vpc_id), Some(table_id)) = (table.vpc_id(), table.route_table_id()) {
                    main_route_tables.insert(vpc_id.to_string(), table_id.to_string());
                }
            }
            let groups = clients
                .ec2
                .describe_security_groups()
                .filters(filter("vpc-id", chunk.iter().cloned()))
                .filters(filter("group-name", ["default"]))
                .into_paginator()
                .items()
                .send()
                .try_collect()
                .await
                .map_err(aws_error)?;
            for group in groups {
                if let (Some(vpc_id), Some(group_id)) = (group.vpc_id(), group.group_id()) {
                    default_security_groups.insert(vpc_id.to_string(), group_id.to_string());
                }
            }
        }
        let mut found = HashMap::new();
        for vpc in &vpcs {
            let Some(id) = vpc.vpc_id() else { continue };
            let (dns_support, dns_hostnames) = if read_dns.contains(id) || !prior.contains_key(id) {
                (
                    self.read_attribute(id, VpcAttributeName::EnableDnsSupport)
                        .await?,
                    self.read_attribute(id, VpcAttributeName::EnableDnsHostnames)
                        .await?,
                )
            } else {
                let before = prior.get(id);
                (
                    before
                        .and_then(|value| value.get("enable_dns_support").as_bool())
                        .unwrap_or(true),
                    before
                        .and_then(|value| value.get("enable_dns_hostnames").as_bool())
                        .unwrap_or(false),
                )
            };
            let owner = vpc.owner_id().unwrap_or_default();
            let main_route_table = optional_string(main_route_tables.get(id).map(String::as_str));
            let mut entries = vec![
                ("id", Value::string(id)),
                (
                    "arn",
                    Value::string(ec2_arn(&clients.region, owner, "vpc", id)),
                ),
                ("cidr_block", optional_string(vpc.cidr_block())),
                ("enable_dns_support", Value::Bool(dns_support)),
                ("enable_dns_hostnames", Value::Bool(dns_hostnames)),
                (
                    "instance_tenancy",
                    optional_string(vpc.instance_tenancy().map(Tenancy::as_str)),
                ),
                (
                    "default_security_group_id",
                    optional_string(default_security_groups.get(id).map(String::as_str)),
                ),
                ("main_route_table_id", main_route_table.clone()),
                ("default_route_table_id", main_route_table),
                ("dhcp_options_id", optional_string(vpc.dhcp_options_id())),
                ("owner_id", Value::string(owner)),
            ];
            entries.extend(tag_entries(vpc.tags()));
            found.insert(id.to_string(), whole_object(&self.schema, entries));
        }
        Ok(found)
    }

    async fn read_attribute(
        &self,
        vpc_id: &str,
        attribute: VpcAttributeName,
    ) -> Result<bool, ProviderError> {
        let clients = self.aws.clients().await;
        let output = clients
            .ec2
            .describe_vpc_attribute()
            .vpc_id(vpc_id)
            .attribute(attribute.clone())
            .send()
            .await
            .map_err(aws_error)?;
        let value = match attribute {
            VpcAttributeName::EnableDnsHostnames => output.enable_dns_hostnames(),
            _ => output.enable_dns_support(),
        };
        Ok(value
            .and_then(AttributeBooleanValue::value)
            .unwrap_or(false))
    }

    async fn read_one(&self, id: &str) -> Result<Option<Value>, ProviderError> {
        Ok(self
            .describe(
                vec![filter("vpc-id", [id])],
                &HashMap::new(),
                &HashSet::new(),
            )
            .await?
            .remove(id))
    }

    async fn set_dns(
        &self,
        id: &str,
        support: Option<bool>,
        hostnames: Option<bool>,
    ) -> Result<(), ProviderError> {
        let ec2 = &self.aws.clients().await.ec2;
        // ModifyVpcAttribute takes one attribute per call.
        if let Some(enabled) = support {
            ec2.modify_vpc_attribute()
                .vpc_id(id)
                .enable_dns_support(AttributeBooleanValue::builder().value(enabled).build())
                .send()
                .await
                .map_err(aws_error)?;
        }
        if let Some(enabled) = hostnames {
            ec2.modify_vpc_attribute()
                .vpc_id(id)
                .enable_dns_hostnames(AttributeBooleanValue::builder().value(enabled).build())
                .send()
                .await
                .map_err(aws_error)?;
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsVpc {
    fn name(&self) -> &'static str {
        "aws_vpc"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn default_timeouts(&self) -> Timeouts {
        Timeouts {
            create: std::time::Duration::from_secs(10 * 60),
            update: std::time::Duration::from_secs(10 * 60),
            delete: std::time::Duration::from_secs(5 * 60),
        }
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let ec2 = &self.aws.clients().await.ec2;
        let output = ec2
            .create_vpc()
            .set_cidr_block(string_attribute(planned, "cidr_block"))
            .set_instance_tenancy(
                string_attribute(planned, "instance_tenancy")
                    .map(|tenancy| Tenancy::from(tenancy.as_str())),
            )
            .tag_specifications(tag_specification(operation, planned, Ec2ResourceType::Vpc))
            .send()
            .await
            .map_err(aws_error)?;
        let id = output
            .vpc()
            .and_then(Vpc::vpc_id)
            .ok_or_else(|| ProviderError::new("CreateVpc returned no VPC id"))?
            .to_string();
        // New VPCs have DNS support on and hostnames off; change only what differs.
        let support = bool_attribute(planned, "enable_dns_support", true);
        let hostnames = bool_attribute(planned, "enable_dns_hostnames", false);
        self.set_dns(&id, (!support).then_some(false), hostnames.then_some(true))
            .await?;
        self.read_one(&id).await?.ok_or_else(|| {
            ProviderError::with_code(
                "InvalidVpcID.NotFound",
                format!("VPC {id} vanished right after it was created"),
            )
        })
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let id = string_attribute(prior, "id")
            .ok_or_else(|| ProviderError::new("aws_vpc: prior state has no id"))?;
        let changed = |name: &str, default: bool| {
            let after = bool_attribute(planned, name, default);
            (bool_attribute(prior, name, default) != after).then_some(after)
        };
        self.set_dns(
            &id,
            changed("enable_dns_support", true),
            changed("enable_dns_hostnames", false),
        )
        .await?;
        update_tags(&self.aws.clients().await.ec2, &id, prior, planned).await?;
        self.read_one(&id).await?.ok_or_else(|| {
            ProviderError::with_code(
                "InvalidVpcID.NotFound",
                format!("VPC {id} not found after update"),
            )
        })
    }

    async fn delete(&self, operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some(id) = string_attribute(prior, "id") else {
            return Ok(());
        };
        let ec2 = &self.aws.clients().await.ec2;
        delete_with_retry(operation.timeouts.delete, &format!("VPC {id}"), || async {
            ec2.delete_vpc()
                .vpc_id(&id)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_error)
        })
        .await
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let ids = known_ids(prior);
        let by_id: HashMap<String, Value> = prior
            .iter()
            .filter_map(|value| Some((string_attribute(value, "id")?, value.clone())))
            .collect();
        let mut found = HashMap::new();
        // One window over every VPC of the refresh, not one per describe chunk.
        let window = ReadWindow::now(ids.len(), DNS_ATTRIBUTE_READ_LIMIT);
        let read_dns: HashSet<String> = ids
            .iter()
            .enumerate()
            .filter(|(index, _)| window.contains(*index))
            .map(|(_, id)| id.clone())
            .collect();
        for chunk in chunks_of(&ids) {
            found.extend(
                self.describe(
                    vec![filter("vpc-id", chunk.iter().cloned())],
                    &by_id,
                    &read_dns,
                )
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
            .describe(
                managed_tag_filters(operation),
                &HashMap::new(),
                &HashSet::new(),
            )
            .await?
            .into_values()
            .next())
    }
}
