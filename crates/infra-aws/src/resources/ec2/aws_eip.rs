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

use aws_sdk_ec2::types::{
    Address, AddressAttributeName, DomainType, ResourceType as Ec2ResourceType, Tag,
};
use infra_core::{Attribute, Check, ProviderError, Schema, Timeouts, Type, Value};

use crate::app_support::{deleted_or_gone, sent};
use crate::ec2_object::{
    read, Creating, Declared, Deleting, Describing, Ec2Object, Ec2Type, Reading, Updating,
};
use std::collections::HashMap;

use crate::ec2_support::{
    created_id, has_code, non_empty_attribute, optional_string, string_attribute, wait_for,
};
use crate::error::aws_error;

pub type AwsEip = Ec2Type<EipObject>;

pub struct EipObject;

/// An address as AWS describes it, with its reverse DNS record (DescribeAddressesAttribute).
pub struct DescribedAddress {
    address: Address,
    ptr_record: Option<String>,
}

/// What decides the association: a change to any of them re-associates.
const ASSOCIATION: &[&str] = &["instance", "network_interface", "associate_with_private_ip"];

/// Read only when configured: neither is reported as such; they read as the address and the
/// private address now in use, so a changed address shows as drift.
const READ_WHEN_CONFIGURED: &[&str] = &["address", "associate_with_private_ip"];

/// A non-empty string (moto reports "" for no instance or interface).
fn present(text: Option<&str>) -> Value {
    optional_string(text.filter(|t| !t.is_empty()))
}

/// An attribute read from one of the address's accessors, "" read as unset.
fn reported(
    attribute: Attribute,
    accessor: fn(&Address) -> Option<&str>,
) -> Declared<DescribedAddress> {
    read(attribute, move |a: &DescribedAddress, _| present(accessor(&a.address)))
}

/// An attribute read from one of the address's accessors as AWS gives it.
fn as_given(
    attribute: Attribute,
    accessor: fn(&Address) -> Option<&str>,
) -> Declared<DescribedAddress> {
    read(attribute, move |a: &DescribedAddress, _| optional_string(accessor(&a.address)))
}

/// The provider's DNS name of an address (the EC2 API has none): `PREFIX-A-B-C-D` under the
/// region's domain, us-east-1's own.
fn dns_name(ip: Option<&str>, at: &Reading, prefix: &str, east: &str, domain: &str) -> Value {
    let Some(ip) = ip.filter(|ip| !ip.is_empty()) else {
        return Value::Null;
    };
    let host = ip.replace('.', "-");
    let region = at.region;
    Value::string(match region {
        "us-east-1" => format!("{prefix}-{host}.{east}"),
        _ => format!("{prefix}-{host}.{region}.{domain}"),
    })
}

impl Ec2Object for EipObject {
    type Item = DescribedAddress;
    const NAME: &'static str = "aws_eip";
    const ID_FILTER: Option<&'static str> = Some("allocation-id");
    const NOT_FOUND: &'static str = "InvalidAllocationID.NotFound";
    // The provider's ARN names the account, which DescribeAddresses does not return.
    const READS_ACCOUNT: bool = true;

    fn attributes() -> Vec<Declared<DescribedAddress>> {
        vec![
            reported(Attribute::computed("id", Type::String), Address::allocation_id),
            read(
                // "standard" was EC2-Classic, which AWS retired: such an address has no
                // allocation id, and AllocateAddress no longer makes one.
                Attribute::optional("domain", Type::String)
                    .default(Value::string("vpc"))
                    .force_new()
                    .check(Check::OneOf(&["vpc"])),
                |a: &DescribedAddress, _| {
                    optional_string(a.address.domain().map(DomainType::as_str))
                },
            ),
            // Removed in provider 6 (`domain` says it); read from configuration, not stored.
            Declared::unread(Attribute::optional("vpc", Type::Bool).config_only()),
            reported(Attribute::optional("address", Type::String).force_new(), Address::public_ip),
            as_given(
                Attribute::optional_computed("network_border_group", Type::String).force_new(),
                Address::network_border_group,
            ),
            as_given(
                Attribute::optional_computed("public_ipv4_pool", Type::String).force_new(),
                Address::public_ipv4_pool,
            ),
            as_given(
                Attribute::optional("customer_owned_ipv4_pool", Type::String).force_new(),
                Address::customer_owned_ipv4_pool,
            ),
            reported(Attribute::optional_computed("instance", Type::String), Address::instance_id),
            reported(
                Attribute::optional_computed("network_interface", Type::String),
                Address::network_interface_id,
            ),
            reported(
                Attribute::optional("associate_with_private_ip", Type::String),
                Address::private_ip_address,
            ),
            reported(Attribute::computed("allocation_id", Type::String), Address::allocation_id),
            read(Attribute::computed("arn", Type::String), |a: &DescribedAddress, at| {
                let id = a.address.allocation_id().unwrap_or_default();
                at.arn(at.account, "elastic-ip", id)
            }),
            reported(Attribute::computed("association_id", Type::String), Address::association_id),
            reported(Attribute::computed("public_ip", Type::String), Address::public_ip),
            reported(Attribute::computed("private_ip", Type::String), Address::private_ip_address),
            read(Attribute::computed("public_dns", Type::String), |a: &DescribedAddress, at| {
                let ip = a.address.public_ip();
                dns_name(ip, at, "ec2", "compute-1.amazonaws.com", "compute.amazonaws.com")
            }),
            read(Attribute::computed("private_dns", Type::String), |a: &DescribedAddress, at| {
                let ip = a.address.private_ip_address();
                dns_name(ip, at, "ip", "ec2.internal", "compute.internal")
            }),
            reported(
                Attribute::computed("customer_owned_ip", Type::String),
                Address::customer_owned_ip,
            ),
            reported(Attribute::computed("carrier_ip", Type::String), Address::carrier_ip),
            read(Attribute::computed("ptr_record", Type::String), |a: &DescribedAddress, _| {
                optional_string(a.ptr_record.as_deref())
            }),
        ]
    }

    fn schema(schema: Schema) -> Schema {
        schema.timeouts(&["read", "update", "delete"]).not_supported(
            "ipam_pool_id",
            Type::String,
            "infra allocates addresses from Amazon's pool or `public_ipv4_pool`",
        )
    }

    fn default_timeouts() -> Timeouts {
        Timeouts::minutes(5, 5, 3)
    }

    const ID: fn(&DescribedAddress) -> Option<&str> = |address| address.address.allocation_id();
    const TAGS: fn(&DescribedAddress) -> &[Tag] = |address| address.address.tags();

    fn validate(config: &Value) -> Vec<(String, String)> {
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

    /// What is read only when configured ([`READ_WHEN_CONFIGURED`]) reads as unset otherwise.
    fn keep_unreported(prior: &Value, value: &mut Value) {
        if let Some(object) = value.map_mut() {
            for name in READ_WHEN_CONFIGURED {
                if prior.get(name).is_null() {
                    object.insert(name.to_string(), Value::Null);
                }
            }
        }
    }

    async fn describe(at: Describing<'_>) -> Result<Vec<DescribedAddress>, ProviderError> {
        // DescribeAddresses is not paginated: one call returns every match.
        let output =
            sent!(at.ec2.describe_addresses().set_allocation_ids(at.ids).set_filters(at.filters))?;
        let ids: Vec<String> = output
            .addresses()
            .iter()
            .filter_map(|a| a.allocation_id().map(str::to_string))
            .collect();
        let mut records = ptr_records(at.ec2, ids).await?;
        Ok(output
            .addresses()
            .iter()
            .map(|address| DescribedAddress {
                ptr_record: address.allocation_id().and_then(|id| records.remove(id)),
                address: address.clone(),
            })
            .collect())
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let domain = string_attribute(at.planned, "domain").unwrap_or_else(|| "vpc".to_string());
        let output = sent!(at
            .this
            .ec2()
            .await
            .allocate_address()
            .domain(DomainType::from(domain.as_str()))
            .set_address(non_empty_attribute(at.planned, "address"))
            .set_network_border_group(non_empty_attribute(at.planned, "network_border_group"))
            .set_public_ipv4_pool(non_empty_attribute(at.planned, "public_ipv4_pool"))
            .set_customer_owned_ipv4_pool(non_empty_attribute(
                at.planned,
                "customer_owned_ipv4_pool"
            ))
            .tag_specifications(at.tag_specification(Ec2ResourceType::ElasticIp)))?;
        let id = created_id(output.allocation_id(), "AllocateAddress returned no allocation id")?;
        associate(at.this, &id, &Value::Null, at.planned).await?;
        Ok(id)
    }

    async fn update(at: Updating<'_, Self>) -> Result<(), ProviderError> {
        let reassociate = ASSOCIATION.iter().any(|key| {
            let next = at.planned.get(key);
            // An unset optional-computed value keeps what AWS has.
            !next.is_unknown() && at.prior.get(key).to_json() != next.to_json()
        });
        if reassociate {
            disassociate(at.this, at.prior).await?;
            associate(at.this, at.key, at.prior, at.planned).await?;
        }
        Ok(())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let id = at.key;
        disassociate(at.this, at.prior).await?;
        let ec2 = at.this.ec2().await;
        // A NAT gateway being deleted keeps the address "in use" for a while.
        wait_for(
            at.operation.timeouts.delete,
            &format!("Elastic IP {id} to be released"),
            || async {
                match sent!(ec2.release_address().allocation_id(id)) {
                    Ok(_) => Ok(Some(())),
                    Err(error) if crate::error::is_not_found(&error) => Ok(Some(())),
                    Err(error) if has_code(&error, "InvalidIPAddress.InUse") => Ok(None),
                    Err(error) => Err(error),
                }
            },
        )
        .await
    }
}

/// The reverse DNS records of `ids` (DescribeAddressesAttribute, domain-name).
async fn ptr_records(
    ec2: &aws_sdk_ec2::Client,
    ids: Vec<String>,
) -> Result<HashMap<String, String>, ProviderError> {
    let mut records = HashMap::new();
    if ids.is_empty() {
        return Ok(records);
    }
    let mut pages = ec2
        .describe_addresses_attribute()
        .set_allocation_ids(Some(ids))
        .attribute(AddressAttributeName::DomainName)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        for attribute in page.map_err(aws_error)?.addresses() {
            if let (Some(id), Some(record)) = (attribute.allocation_id(), attribute.ptr_record()) {
                records.insert(id.to_string(), record.to_string());
            }
        }
    }
    Ok(records)
}

/// Associates the address with the planned instance or network interface, if any.
/// `prior` is null on create. Both may be known in a plan: AWS reports the interface of an
/// associated instance, and the planner keeps it; the one that changed is the target.
async fn associate(
    this: &AwsEip,
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
    sent!(this
        .ec2()
        .await
        .associate_address()
        .allocation_id(id)
        .set_instance_id(instance)
        .set_network_interface_id(interface)
        .set_private_ip_address(non_empty_attribute(planned, "associate_with_private_ip"))
        .allow_reassociation(true))?;
    Ok(())
}

async fn disassociate(this: &AwsEip, prior: &Value) -> Result<(), ProviderError> {
    let Some(association) = non_empty_attribute(prior, "association_id") else {
        return Ok(());
    };
    let answer = sent!(this.ec2().await.disassociate_address().association_id(&association));
    // `InvalidAssociationID.NotFound` is one of is_not_found's codes.
    deleted_or_gone(answer, crate::error::is_not_found)
}
