//! `aws_subnet`: one subnet of a VPC, in one availability zone.
//!
//! Everything is read from one DescribeSubnets per 200 subnets. ModifySubnetAttribute takes
//! one attribute a call, so create sends only those that differ from AWS's defaults.
//! `ipv6_cidr_block` is associated and disassociated in place.
//!
//! moto does not return `ipv6_cidr_block` (nor its association id), `enable_dns64`, `enable_resource_name_dns_aaaa_record_on_launch`,
//! `private_dns_hostname_type_on_launch` changes, `enable_lni_at_device_index`,
//! `customer_owned_ipv4_pool`, `map_customer_owned_ip_on_launch` or `outpost_arn`, so drift on
//! them is not seen in tests.
//!
//! Not supported yet ([`Schema::not_supported`]): subnets allocated from IPAM pools
//! (`ipv4_ipam_pool_id`, `ipv4_netmask_length` and their IPv6 counterparts).

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_ec2::operation::modify_subnet_attribute::builders::ModifySubnetAttributeFluentBuilder;
use aws_sdk_ec2::types::{
    AttributeBooleanValue, Filter, HostnameType, ResourceType as Ec2ResourceType, Subnet,
    SubnetCidrBlockStateCode,
};
use infra_core::{
    Attribute, Check, Operation, ProviderError, ResourceType, Schema, Timeouts, Type, Value,
};

use crate::ec2_support::{
    bool_attribute, chunks_of, delete_with_retry, ec2_arn, filter, in_prior_order,
    integer_attribute, known_ids, managed_tag_filters, non_empty_attribute, optional_string,
    string_attribute, tag_entries, tag_specification, update_tags, wait_for, whole_object,
};
use crate::error::aws_error;
use crate::tagging::WithTags;
use crate::Aws;

/// The boolean subnet attributes ModifySubnetAttribute sets, with AWS's defaults.
const FLAGS: &[(&str, bool)] = &[
    ("map_public_ip_on_launch", false),
    ("assign_ipv6_address_on_creation", false),
    ("enable_dns64", false),
    ("enable_resource_name_dns_a_record_on_launch", false),
    ("enable_resource_name_dns_aaaa_record_on_launch", false),
];

fn flag(value: bool) -> AttributeBooleanValue {
    AttributeBooleanValue::builder().value(value).build()
}

/// One ModifySubnetAttribute call setting the flag `name`.
fn set_flag(
    call: ModifySubnetAttributeFluentBuilder,
    name: &str,
    value: bool,
) -> ModifySubnetAttributeFluentBuilder {
    match name {
        "map_public_ip_on_launch" => call.map_public_ip_on_launch(flag(value)),
        "assign_ipv6_address_on_creation" => call.assign_ipv6_address_on_creation(flag(value)),
        "enable_dns64" => call.enable_dns64(flag(value)),
        "enable_resource_name_dns_a_record_on_launch" => {
            call.enable_resource_name_dns_a_record_on_launch(flag(value))
        }
        "enable_resource_name_dns_aaaa_record_on_launch" => {
            call.enable_resource_name_dns_aaaa_record_on_launch(flag(value))
        }
        _ => call,
    }
}

/// Why the IPAM arguments are not supported.
const IPAM: &str = "give the subnet its `cidr_block` (and `ipv6_cidr_block`) instead";

pub struct AwsSubnet {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsSubnet {
    pub fn new(aws: Arc<Aws>) -> AwsSubnet {
        let schema = Schema::new()
            .timeouts(&["create", "delete"])
            .version(1)
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::required("vpc_id", Type::String).force_new())
            .attr(
                Attribute::optional("cidr_block", Type::String)
                    .force_new()
                    .check(Check::Cidr),
            )
            .attr(Attribute::optional_computed("availability_zone", Type::String).force_new())
            .attr(Attribute::optional_computed("availability_zone_id", Type::String).force_new())
            .attr(Attribute::optional("ipv6_cidr_block", Type::String))
            .attr(Attribute::computed(
                "ipv6_cidr_block_association_id",
                Type::String,
            ))
            .attr(
                Attribute::optional("ipv6_native", Type::Bool)
                    .default(Value::Bool(false))
                    .force_new(),
            )
            .attr(
                Attribute::optional_computed("private_dns_hostname_type_on_launch", Type::String)
                    .check(Check::OneOf(&["ip-name", "resource-name"])),
            )
            .attr(Attribute::optional_computed(
                "enable_lni_at_device_index",
                Type::Number,
            ))
            .attr(Attribute::optional(
                "customer_owned_ipv4_pool",
                Type::String,
            ))
            .attr(Attribute::optional(
                "map_customer_owned_ip_on_launch",
                Type::Bool,
            ))
            .attr(Attribute::optional("outpost_arn", Type::String).force_new())
            .attr(Attribute::computed("owner_id", Type::String));
        let schema = FLAGS
            .iter()
            .fold(schema, |schema, (name, default)| {
                schema.attr(Attribute::optional(name, Type::Bool).default(Value::Bool(*default)))
            })
            .not_supported("ipv4_ipam_pool_id", Type::String, IPAM)
            .not_supported("ipv4_netmask_length", Type::Number, IPAM)
            .not_supported("ipv6_ipam_pool_id", Type::String, IPAM)
            .not_supported("ipv6_netmask_length", Type::Number, IPAM)
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
            let dns = subnet.private_dns_name_options_on_launch();
            let ipv6 = subnet.ipv6_cidr_block_association_set().iter().find(|a| {
                matches!(
                    a.ipv6_cidr_block_state().and_then(|s| s.state()),
                    Some(
                        SubnetCidrBlockStateCode::Associated
                            | SubnetCidrBlockStateCode::Associating
                    ) | None
                )
            });
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
                (
                    "assign_ipv6_address_on_creation",
                    Value::Bool(subnet.assign_ipv6_address_on_creation().unwrap_or(false)),
                ),
                (
                    "enable_dns64",
                    Value::Bool(subnet.enable_dns64().unwrap_or(false)),
                ),
                (
                    "ipv6_native",
                    Value::Bool(subnet.ipv6_native().unwrap_or(false)),
                ),
                (
                    "enable_resource_name_dns_a_record_on_launch",
                    Value::Bool(
                        dns.and_then(|d| d.enable_resource_name_dns_a_record())
                            .unwrap_or(false),
                    ),
                ),
                (
                    "enable_resource_name_dns_aaaa_record_on_launch",
                    Value::Bool(
                        dns.and_then(|d| d.enable_resource_name_dns_aaaa_record())
                            .unwrap_or(false),
                    ),
                ),
                (
                    "private_dns_hostname_type_on_launch",
                    optional_string(dns.and_then(|d| d.hostname_type()).map(|h| h.as_str())),
                ),
                (
                    "ipv6_cidr_block",
                    optional_string(ipv6.and_then(|a| a.ipv6_cidr_block())),
                ),
                (
                    "ipv6_cidr_block_association_id",
                    optional_string(ipv6.and_then(|a| a.association_id())),
                ),
                (
                    "enable_lni_at_device_index",
                    subnet
                        .enable_lni_at_device_index()
                        .map(|n| Value::Number(f64::from(n)))
                        .unwrap_or(Value::Null),
                ),
                (
                    "customer_owned_ipv4_pool",
                    optional_string(subnet.customer_owned_ipv4_pool()),
                ),
                (
                    "map_customer_owned_ip_on_launch",
                    subnet
                        .map_customer_owned_ip_on_launch()
                        .map(Value::Bool)
                        .unwrap_or(Value::Null),
                ),
                ("outpost_arn", optional_string(subnet.outpost_arn())),
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

    fn modify(&self, ec2: &aws_sdk_ec2::Client, id: &str) -> ModifySubnetAttributeFluentBuilder {
        ec2.modify_subnet_attribute().subnet_id(id)
    }

    /// Sets what changed from `prior` (null on create: what differs from AWS's defaults), one
    /// ModifySubnetAttribute call each.
    async fn apply_attributes(
        &self,
        id: &str,
        prior: &Value,
        planned: &Value,
    ) -> Result<(), ProviderError> {
        let ec2 = &self.aws.clients().await.ec2;
        let creating = prior.is_null();
        let differs = |name: &str| {
            let next = planned.get(name);
            !next.is_null() && !next.is_unknown() && prior.get(name).to_json() != next.to_json()
        };
        // The IPv6 block first: assign_ipv6_address_on_creation needs it.
        // On create the block is a CreateSubnet argument; later it is (dis)associated.
        let ipv6_changed = !planned.get("ipv6_cidr_block").is_unknown()
            && prior.get("ipv6_cidr_block").to_json() != planned.get("ipv6_cidr_block").to_json();
        if !creating && ipv6_changed {
            if let Some(association) = non_empty_attribute(prior, "ipv6_cidr_block_association_id")
            {
                ec2.disassociate_subnet_cidr_block()
                    .association_id(&association)
                    .send()
                    .await
                    .map_err(aws_error)?;
            }
            if let Some(block) = non_empty_attribute(planned, "ipv6_cidr_block") {
                ec2.associate_subnet_cidr_block()
                    .subnet_id(id)
                    .ipv6_cidr_block(&block)
                    .send()
                    .await
                    .map_err(aws_error)?;
                wait_for(
                    std::time::Duration::from_secs(3 * 60),
                    &format!("IPv6 CIDR block {block} of subnet {id} to be associated"),
                    || async {
                        let found = self.describe(vec![filter("subnet-id", [id])]).await?;
                        Ok(found
                            .get(id)
                            .is_some_and(|s| s.get("ipv6_cidr_block").as_str() == Some(&block))
                            .then_some(()))
                    },
                )
                .await?;
            }
        }
        for (name, default) in FLAGS {
            let Some(value) = planned.get(name).as_bool() else {
                continue;
            };
            let send = if creating {
                value != *default
            } else {
                differs(name)
            };
            if send {
                set_flag(self.modify(ec2, id), name, value)
                    .send()
                    .await
                    .map_err(aws_error)?;
            }
        }
        if differs("private_dns_hostname_type_on_launch") {
            if let Some(kind) = non_empty_attribute(planned, "private_dns_hostname_type_on_launch")
            {
                self.modify(ec2, id)
                    .private_dns_hostname_type_on_launch(HostnameType::from(kind.as_str()))
                    .send()
                    .await
                    .map_err(aws_error)?;
            }
        }
        if differs("enable_lni_at_device_index") {
            if let Some(index) = integer_attribute(planned, "enable_lni_at_device_index") {
                self.modify(ec2, id)
                    .enable_lni_at_device_index(index as i32)
                    .send()
                    .await
                    .map_err(aws_error)?;
            }
        }
        if differs("customer_owned_ipv4_pool") || differs("map_customer_owned_ip_on_launch") {
            self.modify(ec2, id)
                .set_customer_owned_ipv4_pool(non_empty_attribute(
                    planned,
                    "customer_owned_ipv4_pool",
                ))
                .map_customer_owned_ip_on_launch(flag(bool_attribute(
                    planned,
                    "map_customer_owned_ip_on_launch",
                    false,
                )))
                .send()
                .await
                .map_err(aws_error)?;
        }
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

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if config.get("cidr_block").is_null() && config.get("ipv6_native").as_bool() != Some(true) {
            problems.push((
                "cidr_block".to_string(),
                "\"cidr_block\" is required unless \"ipv6_native\" is true".to_string(),
            ));
        }
        if !config.get("availability_zone").is_null()
            && !config.get("availability_zone_id").is_null()
        {
            problems.push((
                "availability_zone_id".to_string(),
                "\"availability_zone_id\" conflicts with \"availability_zone\": set only one."
                    .to_string(),
            ));
        }
        problems
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
            .set_ipv6_cidr_block(non_empty_attribute(planned, "ipv6_cidr_block"))
            .set_ipv6_native(Some(bool_attribute(planned, "ipv6_native", false)).filter(|n| *n))
            .set_outpost_arn(non_empty_attribute(planned, "outpost_arn"))
            .set_availability_zone(non_empty_attribute(planned, "availability_zone"))
            .set_availability_zone_id(
                non_empty_attribute(planned, "availability_zone_id")
                    .filter(|_| non_empty_attribute(planned, "availability_zone").is_none()),
            )
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
        self.apply_attributes(&id, &Value::Null, planned).await?;
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
        self.apply_attributes(&id, prior, planned).await?;
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
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let Some(found) = self
            .describe(managed_tag_filters(operation))
            .await?
            .into_values()
            .next()
        else {
            return Ok(None);
        };
        let Some(id) = string_attribute(&found, "id") else {
            return Ok(Some(found));
        };
        // The create may have stopped before its attributes were set (ModifySubnetAttribute
        // after CreateSubnet): finish it as create would.
        self.apply_attributes(&id, &found, planned).await?;
        self.read_one(&id).await.map(Some)
    }
}
