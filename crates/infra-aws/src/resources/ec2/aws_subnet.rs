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

use aws_sdk_ec2::operation::modify_subnet_attribute::builders::ModifySubnetAttributeFluentBuilder;
use aws_sdk_ec2::types::{
    AttributeBooleanValue, HostnameType, ResourceType as Ec2ResourceType, Subnet,
    SubnetCidrBlockStateCode, SubnetIpv6CidrBlockAssociation, Tag,
};
use infra_core::{Attribute, Check, ProviderError, Schema, Timeouts, Type, Value};

use crate::app_support::sent;
use crate::ec2_object::{
    read, string, Creating, Declared, Deleting, Describing, Ec2Object, Ec2Type, Updating,
};
use crate::ec2_support::{
    bool_attribute, created_id, delete_with_retry, integer_attribute, non_empty_attribute,
    optional_string, string_attribute,
};
use crate::paginated::all_items;
use crate::verify;

/// How a boolean attribute is read from the subnet.
type SubnetFlag = fn(&Subnet) -> Option<bool>;

/// The boolean subnet attributes ModifySubnetAttribute sets, with AWS's defaults and how each
/// is read from the subnet.
const FLAGS: &[(&str, bool, SubnetFlag)] = &[
    ("map_public_ip_on_launch", false, Subnet::map_public_ip_on_launch),
    ("assign_ipv6_address_on_creation", false, Subnet::assign_ipv6_address_on_creation),
    ("enable_dns64", false, Subnet::enable_dns64),
    ("enable_resource_name_dns_a_record_on_launch", false, |s| {
        s.private_dns_name_options_on_launch()?.enable_resource_name_dns_a_record()
    }),
    ("enable_resource_name_dns_aaaa_record_on_launch", false, |s| {
        s.private_dns_name_options_on_launch()?.enable_resource_name_dns_aaaa_record()
    }),
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

/// The subnet's IPv6 block that is associated (or on its way).
fn ipv6_association(subnet: &Subnet) -> Option<&SubnetIpv6CidrBlockAssociation> {
    subnet.ipv6_cidr_block_association_set().iter().find(|a| {
        matches!(
            a.ipv6_cidr_block_state().and_then(|s| s.state()),
            Some(SubnetCidrBlockStateCode::Associated | SubnetCidrBlockStateCode::Associating)
                | None
        )
    })
}

/// Why the IPAM arguments are not supported.
const IPAM: &str = "give the subnet its `cidr_block` (and `ipv6_cidr_block`) instead";

pub type AwsSubnet = Ec2Type<SubnetObject>;

pub struct SubnetObject;

impl Ec2Object for SubnetObject {
    type Item = Subnet;
    const NAME: &'static str = "aws_subnet";
    const ID_FILTER: Option<&'static str> = Some("subnet-id");
    const NOT_FOUND: &'static str = "InvalidSubnetID.NotFound";

    fn attributes() -> Vec<Declared<Subnet>> {
        let mut declared = vec![
            string(Attribute::computed("id", Type::String), Subnet::subnet_id),
            read(Attribute::computed("arn", Type::String), |s: &Subnet, at| match s.subnet_arn() {
                Some(arn) => Value::string(arn),
                None => {
                    let owner = s.owner_id().unwrap_or_default();
                    at.arn(owner, "subnet", s.subnet_id().unwrap_or_default())
                }
            }),
            string(Attribute::required("vpc_id", Type::String).force_new(), Subnet::vpc_id),
            string(
                Attribute::optional("cidr_block", Type::String)
                    .force_new()
                    .check(verify::IPV4_NETWORK),
                Subnet::cidr_block,
            ),
            string(
                Attribute::optional_computed("availability_zone", Type::String)
                    .force_new()
                    .conflicts_with(&["availability_zone_id"]),
                Subnet::availability_zone,
            ),
            string(
                Attribute::optional_computed("availability_zone_id", Type::String)
                    .force_new()
                    .conflicts_with(&["availability_zone"]),
                Subnet::availability_zone_id,
            ),
            read(Attribute::optional("ipv6_cidr_block", Type::String), |s: &Subnet, _| {
                optional_string(ipv6_association(s).and_then(|a| a.ipv6_cidr_block()))
            }),
            read(
                Attribute::computed("ipv6_cidr_block_association_id", Type::String),
                |s: &Subnet, _| {
                    optional_string(ipv6_association(s).and_then(|a| a.association_id()))
                },
            ),
            read(
                Attribute::optional("ipv6_native", Type::Bool)
                    .default(Value::Bool(false))
                    .force_new(),
                |s: &Subnet, _| Value::Bool(s.ipv6_native().unwrap_or(false)),
            ),
            read(
                Attribute::optional_computed("private_dns_hostname_type_on_launch", Type::String)
                    .check(Check::OneOf(&["ip-name", "resource-name"])),
                |s: &Subnet, _| {
                    let options = s.private_dns_name_options_on_launch();
                    optional_string(options.and_then(|d| d.hostname_type()).map(|h| h.as_str()))
                },
            ),
            read(
                Attribute::optional_computed("enable_lni_at_device_index", Type::Number),
                |s: &Subnet, _| {
                    let index = s.enable_lni_at_device_index();
                    index.map_or(Value::Null, |n| Value::Number(f64::from(n)))
                },
            ),
            string(
                Attribute::optional("customer_owned_ipv4_pool", Type::String),
                Subnet::customer_owned_ipv4_pool,
            ),
            read(
                Attribute::optional("map_customer_owned_ip_on_launch", Type::Bool),
                |s: &Subnet, _| {
                    s.map_customer_owned_ip_on_launch().map_or(Value::Null, Value::Bool)
                },
            ),
            string(
                Attribute::optional("outpost_arn", Type::String).force_new(),
                Subnet::outpost_arn,
            ),
            read(Attribute::computed("owner_id", Type::String), |s: &Subnet, _| {
                Value::string(s.owner_id().unwrap_or_default())
            }),
        ];
        declared.extend(FLAGS.iter().map(|(name, default, flag)| {
            let attribute = Attribute::optional(name, Type::Bool).default(Value::Bool(*default));
            read(attribute, move |s: &Subnet, _| Value::Bool(flag(s).unwrap_or(false)))
        }));
        declared
    }

    fn schema(schema: Schema) -> Schema {
        schema
            .timeouts(&["create", "delete"])
            .version(1)
            .not_supported("ipv4_ipam_pool_id", Type::String, IPAM)
            .not_supported("ipv4_netmask_length", Type::Number, IPAM)
            .not_supported("ipv6_ipam_pool_id", Type::String, IPAM)
            .not_supported("ipv6_netmask_length", Type::Number, IPAM)
    }

    fn default_timeouts() -> Timeouts {
        Timeouts::minutes(10, 10, 20)
    }

    const ID: fn(&Subnet) -> Option<&str> = Subnet::subnet_id;
    const TAGS: fn(&Subnet) -> &[Tag] = Subnet::tags;

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if config.get("cidr_block").is_null() && config.get("ipv6_native").as_bool() != Some(true) {
            problems.push((
                "cidr_block".to_string(),
                "\"cidr_block\" is required unless \"ipv6_native\" is true".to_string(),
            ));
        }
        problems
    }

    async fn describe(at: Describing<'_>) -> Result<Vec<Subnet>, ProviderError> {
        all_items!(at.ec2.describe_subnets().set_subnet_ids(at.ids).set_filters(at.filters))
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let output = sent!(at
            .this
            .ec2()
            .await
            .create_subnet()
            .set_vpc_id(string_attribute(at.planned, "vpc_id"))
            .set_cidr_block(string_attribute(at.planned, "cidr_block"))
            .set_ipv6_cidr_block(non_empty_attribute(at.planned, "ipv6_cidr_block"))
            .set_ipv6_native(Some(bool_attribute(at.planned, "ipv6_native", false)).filter(|n| *n))
            .set_outpost_arn(non_empty_attribute(at.planned, "outpost_arn"))
            .set_availability_zone(non_empty_attribute(at.planned, "availability_zone"))
            .set_availability_zone_id(
                non_empty_attribute(at.planned, "availability_zone_id")
                    .filter(|_| non_empty_attribute(at.planned, "availability_zone").is_none()),
            )
            .tag_specifications(at.tag_specification(Ec2ResourceType::Subnet)))?;
        let id = created_id(
            output.subnet().and_then(Subnet::subnet_id),
            "CreateSubnet returned no subnet id",
        )?;
        apply_attributes(at.this, &id, &Value::Null, at.planned).await?;
        Ok(id)
    }

    /// The create may have stopped before its attributes were set (ModifySubnetAttribute
    /// after CreateSubnet): finish it as create would.
    async fn finish_create(
        this: &AwsSubnet,
        id: &str,
        found: &Value,
        planned: &Value,
    ) -> Result<bool, ProviderError> {
        apply_attributes(this, id, found, planned).await?;
        Ok(true)
    }

    async fn update(at: Updating<'_, Self>) -> Result<(), ProviderError> {
        apply_attributes(at.this, at.key, at.prior, at.planned).await
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let id = at.key;
        let ec2 = at.this.ec2().await;
        delete_with_retry(at.operation.timeouts.delete, &format!("subnet {id}"), || async {
            sent!(ec2.delete_subnet().subnet_id(id))
        })
        .await
    }
}

/// Sets what changed from `prior` (null on create: what differs from AWS's defaults), one
/// ModifySubnetAttribute call each.
async fn apply_attributes(
    this: &AwsSubnet,
    id: &str,
    prior: &Value,
    planned: &Value,
) -> Result<(), ProviderError> {
    let ec2 = this.ec2().await;
    let modify = || ec2.modify_subnet_attribute().subnet_id(id);
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
        if let Some(association) = non_empty_attribute(prior, "ipv6_cidr_block_association_id") {
            sent!(ec2.disassociate_subnet_cidr_block().association_id(&association))?;
        }
        if let Some(block) = non_empty_attribute(planned, "ipv6_cidr_block") {
            sent!(ec2.associate_subnet_cidr_block().subnet_id(id).ipv6_cidr_block(&block))?;
            let what = format!("IPv6 CIDR block {block} of subnet {id} to be associated");
            let timeout = std::time::Duration::from_secs(3 * 60);
            this.wait_until(id, timeout, &what, |subnet| {
                let associated = subnet.and_then(ipv6_association);
                associated.and_then(|a| a.ipv6_cidr_block()) == Some(block.as_str())
            })
            .await?;
        }
    }
    for (name, default, _) in FLAGS {
        let Some(value) = planned.get(name).as_bool() else {
            continue;
        };
        let send = if creating { value != *default } else { differs(name) };
        if send {
            sent!(set_flag(modify(), name, value))?;
        }
    }
    if differs("private_dns_hostname_type_on_launch") {
        if let Some(kind) = non_empty_attribute(planned, "private_dns_hostname_type_on_launch") {
            sent!(modify().private_dns_hostname_type_on_launch(HostnameType::from(kind.as_str())))?;
        }
    }
    if differs("enable_lni_at_device_index") {
        if let Some(index) = integer_attribute(planned, "enable_lni_at_device_index") {
            sent!(modify().enable_lni_at_device_index(index as i32))?;
        }
    }
    if differs("customer_owned_ipv4_pool") || differs("map_customer_owned_ip_on_launch") {
        sent!(modify()
            .set_customer_owned_ipv4_pool(non_empty_attribute(planned, "customer_owned_ipv4_pool"))
            .map_customer_owned_ip_on_launch(flag(bool_attribute(
                planned,
                "map_customer_owned_ip_on_launch",
                false,
            ))))?;
    }
    Ok(())
}
