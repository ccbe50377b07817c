//! `aws_eip`: an Elastic IP address in the VPC domain, optionally associated with an instance
//! or a network interface (`instance`, `network_interface`, `associate_with_private_ip`).
//! NAT gateways and load balancers take the allocation id directly instead.
//!
//! Refresh is one DescribeAddresses and one DescribeAddressesAttribute (`ptr_record`) per 200
//! addresses. `vpc` is the provider's deprecated spelling of `domain = "vpc"`; EC2-Classic is
//! retired, so `vpc = false` and `domain = "standard"` are refused at plan time.
//! `public_dns` and `private_dns` are derived from the addresses, as the provider does.
//!
//! moto does not return `network_border_group`, `public_ipv4_pool`, `customer_owned_ipv4_pool`,
//! `customer_owned_ip`, `carrier_ip` or `ptr_record`, and ignores `associate_with_private_ip`,
//! so drift on them is not seen in tests.
//!
//! Not supported yet ([`Schema::not_supported`]): `ipam_pool_id`, addresses from an IPAM pool.

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_ec2::types::{
    Address, AddressAttributeName, DomainType, Filter, ResourceType as Ec2ResourceType,
};
use infra_core::{
    Attribute, Check, Operation, ProviderError, ResourceType, Schema, Timeouts, Type, Value,
};

use crate::ec2_support::{
    chunks_of, ec2_arn, filter, has_code, in_prior_order, known_ids, managed_tag_filters,
    non_empty_attribute, optional_string, string_attribute, tag_entries, tag_specification,
    update_tags, wait_for, whole_object,
};
use crate::error::aws_error;
use crate::tagging::WithTags;
use crate::Aws;

pub struct AwsEip {
    aws: Arc<Aws>,
    schema: Schema,
}

/// What decides the association: a change to any of them re-associates.
const ASSOCIATION: &[&str] = &["instance", "network_interface", "associate_with_private_ip"];

/// A non-empty string (moto reports "" for no instance or interface).
fn present(text: Option<&str>) -> Value {
    optional_string(text.filter(|t| !t.is_empty()))
}

impl AwsEip {
    pub fn new(aws: Arc<Aws>) -> AwsEip {
        let schema = Schema::new()
            .timeouts(&["read", "update", "delete"])
            .attr(Attribute::computed("id", Type::String))
            .attr(
                // "standard" was EC2-Classic, which AWS retired: such an address has no
                // allocation id, and AllocateAddress no longer makes one.
                Attribute::optional("domain", Type::String)
                    .default(Value::string("vpc"))
                    .force_new()
                    .check(Check::OneOf(&["vpc"])),
            )
            // Removed in provider 6 (`domain` says it); read from configuration, not stored.
            .attr(Attribute::optional("vpc", Type::Bool).config_only())
            .attr(Attribute::optional("address", Type::String).force_new())
            .attr(Attribute::optional_computed("network_border_group", Type::String).force_new())
            .attr(Attribute::optional_computed("public_ipv4_pool", Type::String).force_new())
            .attr(Attribute::optional("customer_owned_ipv4_pool", Type::String).force_new())
            .attr(Attribute::optional_computed("instance", Type::String))
            .attr(Attribute::optional_computed(
                "network_interface",
                Type::String,
            ))
            .attr(Attribute::optional(
                "associate_with_private_ip",
                Type::String,
            ))
            .attr(Attribute::computed("allocation_id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("association_id", Type::String))
            .attr(Attribute::computed("public_ip", Type::String))
            .attr(Attribute::computed("private_ip", Type::String))
            .attr(Attribute::computed("public_dns", Type::String))
            .attr(Attribute::computed("private_dns", Type::String))
            .attr(Attribute::computed("customer_owned_ip", Type::String))
            .attr(Attribute::computed("carrier_ip", Type::String))
            .attr(Attribute::computed("ptr_record", Type::String))
            .not_supported(
                "ipam_pool_id",
                Type::String,
                "infra allocates addresses from Amazon's pool or `public_ipv4_pool`",
            )
            .with_tags();
        AwsEip { aws, schema }
    }

    /// Addresses matching `filters`, keyed by allocation id. `prior` (by id) keeps the
    /// configured `address` and `associate_with_private_ip` shape.
    async fn describe(
        &self,
        filters: Vec<Filter>,
        prior: &HashMap<String, &Value>,
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
        let ids: Vec<String> = output
            .addresses()
            .iter()
            .filter_map(|a| a.allocation_id().map(str::to_string))
            .collect();
        let ptr_records = self.ptr_records(&ids).await?;
        // The provider's ARN names the account, which DescribeAddresses does not return.
        let account = if ids.is_empty() {
            ""
        } else {
            self.aws.account_id().await?
        };
        let mut found = HashMap::new();
        for address in output.addresses() {
            let Some(id) = address.allocation_id() else {
                continue;
            };
            let hint = prior.get(id).copied().unwrap_or(&Value::Null);
            let value = self.to_value(
                address,
                hint,
                ptr_records.get(id).map(String::as_str),
                &clients.region,
                account,
            );
            found.insert(id.to_string(), value);
        }
        Ok(found)
    }

    /// The reverse DNS records of `ids` (DescribeAddressesAttribute, domain-name).
    async fn ptr_records(&self, ids: &[String]) -> Result<HashMap<String, String>, ProviderError> {
        let mut records = HashMap::new();
        if ids.is_empty() {
            return Ok(records);
        }
        let ec2 = &self.aws.clients().await.ec2;
        let mut pages = ec2
            .describe_addresses_attribute()
            .set_allocation_ids(Some(ids.to_vec()))
            .attribute(AddressAttributeName::DomainName)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for attribute in page.map_err(aws_error)?.addresses() {
                if let (Some(id), Some(record)) =
                    (attribute.allocation_id(), attribute.ptr_record())
                {
                    records.insert(id.to_string(), record.to_string());
                }
            }
        }
        Ok(records)
    }

    fn to_value(
        &self,
        address: &Address,
        hint: &Value,
        ptr_record: Option<&str>,
        region: &str,
        account: &str,
    ) -> Value {
        let id = address.allocation_id().unwrap_or_default();
        let public_ip = address.public_ip().unwrap_or_default();
        let private_ip = address.private_ip_address().unwrap_or_default();
        // The provider derives the DNS names from the addresses (the EC2 API has none).
        let public_dns = if public_ip.is_empty() {
            Value::Null
        } else {
            let host = public_ip.replace('.', "-");
            Value::string(if region == "us-east-1" {
                format!("ec2-{host}.compute-1.amazonaws.com")
            } else {
                format!("ec2-{host}.{region}.compute.amazonaws.com")
            })
        };
        let private_dns = if private_ip.is_empty() {
            Value::Null
        } else {
            let host = private_ip.replace('.', "-");
            Value::string(if region == "us-east-1" {
                format!("ip-{host}.ec2.internal")
            } else {
                format!("ip-{host}.{region}.compute.internal")
            })
        };
        let domain = address.domain().map(DomainType::as_str);
        // Neither is reported as such: they read as the address and private address now in
        // use, so a changed address shows as drift.
        let requested_address = if hint.get("address").is_null() {
            Value::Null
        } else {
            present(Some(public_ip))
        };
        let associated_private_ip = if hint.get("associate_with_private_ip").is_null() {
            Value::Null
        } else {
            present(Some(private_ip))
        };
        let mut entries = vec![
            ("id", Value::string(id)),
            ("domain", optional_string(domain)),
            ("address", requested_address),
            (
                "network_border_group",
                optional_string(address.network_border_group()),
            ),
            (
                "public_ipv4_pool",
                optional_string(address.public_ipv4_pool()),
            ),
            (
                "customer_owned_ipv4_pool",
                optional_string(address.customer_owned_ipv4_pool()),
            ),
            ("instance", present(address.instance_id())),
            ("network_interface", present(address.network_interface_id())),
            ("associate_with_private_ip", associated_private_ip),
            ("allocation_id", Value::string(id)),
            (
                "arn",
                Value::string(ec2_arn(region, account, "elastic-ip", id)),
            ),
            ("association_id", present(address.association_id())),
            ("public_ip", present(address.public_ip())),
            ("private_ip", present(address.private_ip_address())),
            ("public_dns", public_dns),
            ("private_dns", private_dns),
            ("customer_owned_ip", present(address.customer_owned_ip())),
            ("carrier_ip", present(address.carrier_ip())),
            ("ptr_record", optional_string(ptr_record)),
        ];
        entries.extend(tag_entries(address.tags()));
        whole_object(&self.schema, entries)
    }

    async fn read_one(&self, id: &str, hint: &Value) -> Result<Value, ProviderError> {
        self.describe(
            vec![filter("allocation-id", [id])],
            &HashMap::from([(id.to_string(), hint)]),
        )
        .await?
        .remove(id)
        .ok_or_else(|| {
            ProviderError::with_code(
                "InvalidAllocationID.NotFound",
                format!("Elastic IP {id} not found"),
            )
        })
    }

    /// Associates the address with the planned instance or network interface, if any.
    /// `prior` is null on create. Both may be known in a plan: AWS reports the interface of an
    /// associated instance, and the planner keeps it; the one that changed is the target.
    async fn associate(
        &self,
        id: &str,
        prior: &Value,
        planned: &Value,
    ) -> Result<(), ProviderError> {
        let instance = non_empty_attribute(planned, "instance");
        let interface = non_empty_attribute(planned, "network_interface");
        let instance_changed = instance != non_empty_attribute(prior, "instance");
        let interface_changed = interface != non_empty_attribute(prior, "network_interface");
        let (instance, interface) = match (instance, interface) {
            (Some(instance), Some(_)) if instance_changed && !interface_changed => {
                (Some(instance), None)
            }
            (_, Some(interface)) => (None, Some(interface)),
            (instance, None) => (instance, None),
        };
        if instance.is_none() && interface.is_none() {
            return Ok(());
        }
        let ec2 = &self.aws.clients().await.ec2;
        ec2.associate_address()
            .allocation_id(id)
            .set_instance_id(instance)
            .set_network_interface_id(interface)
            .set_private_ip_address(non_empty_attribute(planned, "associate_with_private_ip"))
            .allow_reassociation(true)
            .send()
            .await
            .map_err(aws_error)?;
        Ok(())
    }

    async fn disassociate(&self, prior: &Value) -> Result<(), ProviderError> {
        let Some(association) = non_empty_attribute(prior, "association_id") else {
            return Ok(());
        };
        let ec2 = &self.aws.clients().await.ec2;
        match ec2
            .disassociate_address()
            .association_id(&association)
            .send()
            .await
            .map_err(aws_error)
        {
            Ok(_) => Ok(()),
            Err(error)
                if crate::error::is_not_found(&error)
                    || has_code(&error, "InvalidAssociationID.NotFound") =>
            {
                Ok(())
            }
            Err(error) => Err(error),
        }
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

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if config.get("vpc").as_bool() == Some(false) {
            problems.push((
                "vpc".to_string(),
                "EC2-Classic is retired: an Elastic IP is always in the VPC domain, so \"vpc = false\" cannot be created; remove it or set it to true".to_string(),
            ));
        }
        if !config.get("instance").is_null() && !config.get("network_interface").is_null() {
            problems.push((
                "instance".to_string(),
                "\"instance\" and \"network_interface\" cannot both be set".to_string(),
            ));
        }
        problems
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
            .set_address(non_empty_attribute(planned, "address"))
            .set_network_border_group(non_empty_attribute(planned, "network_border_group"))
            .set_public_ipv4_pool(non_empty_attribute(planned, "public_ipv4_pool"))
            .set_customer_owned_ipv4_pool(non_empty_attribute(planned, "customer_owned_ipv4_pool"))
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
        self.associate(&id, &Value::Null, planned).await?;
        self.read_one(&id, planned).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let id = string_attribute(prior, "id")
            .ok_or_else(|| ProviderError::new("aws_eip: prior state has no id"))?;
        let reassociate = ASSOCIATION.iter().any(|key| {
            let next = planned.get(key);
            // An unset optional-computed value keeps what AWS has.
            !next.is_unknown() && prior.get(key).to_json() != next.to_json()
        });
        if reassociate {
            self.disassociate(prior).await?;
            self.associate(&id, prior, planned).await?;
        }
        update_tags(&self.aws.clients().await.ec2, &id, prior, planned).await?;
        self.read_one(&id, planned).await
    }

    async fn delete(&self, operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some(id) = string_attribute(prior, "id") else {
            return Ok(());
        };
        self.disassociate(prior).await?;
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
        let hints: HashMap<String, &Value> = prior
            .iter()
            .filter_map(|p| Some((string_attribute(p, "id")?, p)))
            .collect();
        let mut found = HashMap::new();
        for chunk in chunks_of(&known_ids(prior)) {
            found.extend(
                self.describe(vec![filter("allocation-id", chunk.iter().cloned())], &hints)
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
        let mut found = self
            .describe(managed_tag_filters(operation), &HashMap::new())
            .await?;
        let Some(id) = found.keys().next().cloned() else {
            return Ok(None);
        };
        // Read again with the plan as the hint, so configured-only shapes are kept.
        found.remove(&id);
        Ok(Some(self.read_one(&id, planned).await?))
    }
}
