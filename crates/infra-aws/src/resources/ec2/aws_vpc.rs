//! `aws_vpc`: a VPC with its DNS attributes and IPv6 block. The main route table, default
//! security group and default network ACL AWS creates with it are reported, not managed.
//! `aws_default_vpc` is [`VpcObject`] with `DEFAULT` (see that module).
//!
//! Refresh is one DescribeVpcs, one DescribeRouteTables, one DescribeSecurityGroups and one
//! DescribeNetworkAcls per 200 VPCs, plus the DNS attributes (see below). The IPv6 block is
//! (dis)associated in place. AWS does not report which IPAM pool or netmask length a VPC was
//! allocated with, so `ipv4_ipam_pool_id`, `ipv4_netmask_length`, `ipv6_ipam_pool_id` and
//! `ipv6_netmask_length` are kept from the configuration (the allocated CIDR blocks are read).
//!
//! moto does not return `ipv6_cidr_block_network_border_group`, so drift on it is not seen in
//! tests.

use std::collections::HashMap;

use aws_sdk_ec2::types::{
    AttributeBooleanValue, Filter, NetworkAcl, ResourceType as Ec2ResourceType, RouteTable,
    SecurityGroup, Tag, Tenancy, Vpc, VpcAttributeName, VpcCidrBlockStateCode,
    VpcIpv6CidrBlockAssociation,
};
use infra_core::{Attribute, Check, ProviderError, ResourceType, Schema, Timeouts, Type, Value};

use crate::app_support::{sent, text};
use crate::declared::copied;
use crate::ec2_object::{
    arn, owner_id, read, Creating, Declared, Deleting, Describing, Ec2Object, Ec2Type, Reading,
    Updating,
};
use crate::ec2_support::{
    as_enum, bool_attribute, chunks_of, created_id, delete_with_retry, filter, in_prior_order,
    integer_attribute, known_ids, non_empty_attribute, string_attribute,
};
use crate::paginated::all_items;
use crate::resources::ec2::aws_network_acl::AclObject;
use crate::resources::ec2::aws_route_table::TableObject;
use crate::resources::ec2::aws_security_group::GroupObject;

/// What decides the IPv6 block: a change to any of them re-associates it.
const IPV6: &[&str] = &[
    "assign_generated_ipv6_cidr_block",
    "ipv6_cidr_block",
    "ipv6_ipam_pool_id",
    "ipv6_netmask_length",
    "ipv6_cidr_block_network_border_group",
];

/// Why `aws_vpc` and `aws_default_vpc` no longer take `enable_classiclink` and
/// `enable_classiclink_dns_support`, which terraform-aws-modules/vpc 2.x still sets on every
/// VPC (null by default).
const CLASSICLINK_REMOVED: &str =
    "EC2-Classic was retired on 15 August 2022, and AWS provider 5.0 \
     removed ClassicLink with it";

pub type AwsVpc = Ec2Type<VpcObject<false>>;

/// `aws_vpc`, and with `DEFAULT` `aws_default_vpc` (the region's default VPC, adopted):
/// `cidr_block` and `instance_tenancy` are then computed, DNS hostnames default to on (as in a
/// default VPC), and `force_destroy` decides whether destroying deletes the VPC.
pub struct VpcObject<const DEFAULT: bool>;

/// A VPC as read: DescribeVpcs' object, the IDs of its default objects, and DescribeVpcAttribute's
/// flags.
pub struct VpcRead {
    vpc: Vpc,
    /// DNS support, DNS hostnames, address usage metrics.
    flags: [bool; 3],
    main_route_table: Option<String>,
    security_group: Option<String>,
    network_acl: Option<String>,
}

impl VpcRead {
    /// The VPC's IPv6 block that is associated (or on its way).
    fn ipv6(&self) -> Option<&VpcIpv6CidrBlockAssociation> {
        self.vpc.ipv6_cidr_block_association_set().iter().find(|a| {
            matches!(
                a.ipv6_cidr_block_state().and_then(|s| s.state()),
                Some(VpcCidrBlockStateCode::Associated | VpcCidrBlockStateCode::Associating) | None
            )
        })
    }
}

/// A VPC attribute read by `read` from what was read of it.
fn vpc(attribute: Attribute, value: fn(&VpcRead) -> Value) -> Declared<VpcRead> {
    read(attribute, move |item: &VpcRead, _: &Reading| value(item))
}

/// A DescribeVpcAttribute flag (its index in [`VpcRead::flags`]).
fn flag(attribute: Attribute, index: usize) -> Declared<VpcRead> {
    read(attribute, move |item: &VpcRead, _: &Reading| Value::Bool(item.flags[index]))
}

impl<const DEFAULT: bool> Ec2Object for VpcObject<DEFAULT> {
    type Item = VpcRead;
    const NAME: &'static str = match DEFAULT {
        false => "aws_vpc",
        true => "aws_default_vpc",
    };
    const ID_FILTER: Option<&'static str> = Some("vpc-id");
    const NOT_FOUND: &'static str = "InvalidVpcID.NotFound";
    const NOUN: &'static str = "VPC";

    fn attributes() -> Vec<Declared<VpcRead>> {
        let mut declared = vec![
            vpc(Attribute::computed("id", Type::String), |v| text(v.vpc.vpc_id())),
            arn("vpc", |v: &VpcRead| v.vpc.vpc_id(), |v| v.vpc.owner_id()),
        ];
        let cidr_block = |v: &VpcRead| text(v.vpc.cidr_block());
        match DEFAULT {
            false => declared.extend([
                vpc(
                    Attribute::optional_computed("cidr_block", Type::String)
                        .force_new()
                        .conflicts_with(&["ipv4_netmask_length"])
                        .check(Check::CidrNetwork(16, 28)),
                    cidr_block,
                ),
                // AWS does not report these: kept from the configuration.
                copied(Attribute::optional("ipv4_ipam_pool_id", Type::String).force_new()),
                copied(
                    Attribute::optional("ipv4_netmask_length", Type::Number)
                        .force_new()
                        .conflicts_with(&["cidr_block"])
                        .required_with(&["ipv4_ipam_pool_id"])
                        .check(Check::Range(16, 28)),
                ),
            ]),
            true => declared.push(vpc(Attribute::computed("cidr_block", Type::String), cidr_block)),
        }
        // Both types' attributes from here (in the provider's order).
        let hostnames = Attribute::optional("enable_dns_hostnames", Type::Bool);
        declared.extend([
            vpc(
                Attribute::optional("assign_generated_ipv6_cidr_block", Type::Bool)
                    .default(Value::Bool(false))
                    .conflicts_with(&["ipv6_ipam_pool_id"]),
                // An Amazon-provided block is one from the "Amazon" pool.
                |v| Value::Bool(v.ipv6().and_then(|a| a.ipv6_pool()) == Some("Amazon")),
            ),
            vpc(
                Attribute::optional_computed("ipv6_cidr_block", Type::String)
                    .conflicts_with(&["ipv6_netmask_length", "assign_generated_ipv6_cidr_block"])
                    .required_with(&["ipv6_ipam_pool_id"]),
                |v| text(v.ipv6().and_then(|a| a.ipv6_cidr_block())),
            ),
            copied(
                Attribute::optional("ipv6_ipam_pool_id", Type::String)
                    .conflicts_with(&["assign_generated_ipv6_cidr_block"]),
            ),
            copied(
                Attribute::optional("ipv6_netmask_length", Type::Number)
                    .conflicts_with(&["ipv6_cidr_block"])
                    .required_with(&["ipv6_ipam_pool_id"])
                    .check(Check::OneOfNumbers(&[56])),
            ),
            vpc(
                Attribute::optional_computed("ipv6_cidr_block_network_border_group", Type::String)
                    .required_with(&["assign_generated_ipv6_cidr_block"]),
                |v| text(v.ipv6().and_then(|a| a.network_border_group())),
            ),
            vpc(Attribute::computed("ipv6_association_id", Type::String), |v| {
                text(v.ipv6().and_then(|a| a.association_id()))
            }),
            vpc(Attribute::computed("default_network_acl_id", Type::String), |v| {
                text(v.network_acl.as_deref())
            }),
            flag(
                Attribute::optional("enable_dns_support", Type::Bool).default(Value::Bool(true)),
                0,
            ),
            flag(
                Attribute::optional_computed("enable_network_address_usage_metrics", Type::Bool),
                2,
            ),
            flag(hostnames.default(Value::Bool(DEFAULT)), 1),
            vpc(
                match DEFAULT {
                    false => Attribute::optional("instance_tenancy", Type::String)
                        .default(Value::string("default"))
                        .force_new()
                        .check(Check::OneOf(&["default", "dedicated"])),
                    true => Attribute::computed("instance_tenancy", Type::String),
                },
                |v| text(v.vpc.instance_tenancy().map(Tenancy::as_str)),
            ),
            vpc(Attribute::computed("default_security_group_id", Type::String), |v| {
                text(v.security_group.as_deref())
            }),
            vpc(Attribute::computed("main_route_table_id", Type::String), |v| {
                text(v.main_route_table.as_deref())
            }),
            vpc(Attribute::computed("default_route_table_id", Type::String), |v| {
                text(v.main_route_table.as_deref())
            }),
            vpc(Attribute::computed("dhcp_options_id", Type::String), |v| {
                text(v.vpc.dhcp_options_id())
            }),
            owner_id(|v: &VpcRead| v.vpc.owner_id()),
        ]);
        if DEFAULT {
            // Set once, on adoption; kept since.
            declared.push(copied(Attribute::computed("existing_default_vpc", Type::Bool)));
            // Kept from the configuration; an import takes its default.
            declared.push(read(
                Attribute::optional("force_destroy", Type::Bool).default(Value::Bool(false)),
                |_: &VpcRead, at: &Reading| match at.prior.get("force_destroy") {
                    Value::Null => Value::Bool(false),
                    kept => kept.clone(),
                },
            ));
        }
        declared
    }

    fn schema(schema: Schema) -> Schema {
        schema
            .version(1)
            .removed("enable_classiclink", CLASSICLINK_REMOVED)
            .removed("enable_classiclink_dns_support", CLASSICLINK_REMOVED)
    }

    fn default_timeouts() -> Timeouts {
        Timeouts::minutes(10, 10, 5)
    }

    const ID: fn(&VpcRead) -> Option<&str> = |item| item.vpc.vpc_id();
    const TAGS: fn(&VpcRead) -> &[Tag] = |item| item.vpc.tags();

    /// infra's own check: CreateVpc takes a CIDR block or an IPv4 IPAM pool (the provider
    /// declares no rule for it, so Terraform learns it from AWS's answer at apply).
    fn validate(config: &Value) -> Vec<(String, String)> {
        let neither = ["cidr_block", "ipv4_ipam_pool_id"].map(|key| config.get(key).is_null());
        match !DEFAULT && neither == [true, true] {
            true => vec![(
                "cidr_block".to_string(),
                "\"cidr_block\" is required unless \"ipv4_ipam_pool_id\" is set".to_string(),
            )],
            false => vec![],
        }
    }

    /// DescribeVpcs, then the VPCs' defaults (main route tables, default security groups and
    /// network ACLs) and the three attributes DescribeVpcAttribute answers one at a time.
    async fn describe(at: Describing<'_>) -> Result<Vec<VpcRead>, ProviderError> {
        let ec2 = at.ec2;
        let described = describe_vpcs(at).await?;
        let ids: Vec<String> = described.ids().collect();
        let attributes = read_attributes(ec2, &ids).await?;
        Ok(described.read(&attributes))
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let ec2 = at.this.ec2().await;
        let generated = bool_attribute(at.planned, "assign_generated_ipv6_cidr_block", false);
        let output = sent!(ec2
            .create_vpc()
            .set_cidr_block(string_attribute(at.planned, "cidr_block"))
            .set_ipv4_ipam_pool_id(non_empty_attribute(at.planned, "ipv4_ipam_pool_id"))
            .set_ipv4_netmask_length(
                integer_attribute(at.planned, "ipv4_netmask_length").map(|n| n as i32),
            )
            .set_amazon_provided_ipv6_cidr_block(generated.then_some(true))
            .set_ipv6_cidr_block(
                non_empty_attribute(at.planned, "ipv6_cidr_block").filter(|_| !generated),
            )
            .set_ipv6_ipam_pool_id(non_empty_attribute(at.planned, "ipv6_ipam_pool_id"))
            .set_ipv6_netmask_length(
                integer_attribute(at.planned, "ipv6_netmask_length").map(|n| n as i32),
            )
            .set_ipv6_cidr_block_network_border_group(non_empty_attribute(
                at.planned,
                "ipv6_cidr_block_network_border_group",
            ))
            .set_instance_tenancy(as_enum(string_attribute(at.planned, "instance_tenancy")),)
            .tag_specifications(at.tag_specification(Ec2ResourceType::Vpc)))?;
        let id = created_id(output.vpc().and_then(Vpc::vpc_id), "CreateVpc returned no VPC id")?;
        // New VPCs have DNS support on and hostnames off; change only what differs.
        let support = bool_attribute(at.planned, "enable_dns_support", true);
        let hostnames = bool_attribute(at.planned, "enable_dns_hostnames", false);
        let address_usage_metrics = at
            .planned
            .get("enable_network_address_usage_metrics")
            .as_bool()
            .filter(|enabled| *enabled);
        set_dns(
            ec2,
            &id,
            (!support).then_some(false),
            hostnames.then_some(true),
            address_usage_metrics,
        )
        .await?;
        Ok(id)
    }

    /// `aws_vpc`: the create, then one read. `aws_default_vpc`: adopts the region's default
    /// VPC, creating one with CreateDefaultVpc where the region has none, then applies the
    /// configuration as an update from what the VPC is.
    async fn create_and_read(at: Creating<'_, Self>) -> Result<Value, ProviderError> {
        if !DEFAULT {
            let id = Self::create(at).await?;
            return at.this.read_one(&id, at.planned).await;
        }
        let (mut current, existing) = match find_default(at.this).await? {
            Some(current) => (current, true),
            None => {
                let output = sent!(at.this.ec2().await.create_default_vpc())?;
                let id = created_id(
                    output.vpc().and_then(|vpc| vpc.vpc_id()),
                    "CreateDefaultVpc returned no VPC id",
                )?;
                (at.this.read_one(&id, at.planned).await?, false)
            }
        };
        // The configuration is applied as an update from what the VPC is now.
        if let Some(entries) = current.map_mut() {
            for name in ["ipv6_ipam_pool_id", "ipv6_netmask_length"] {
                entries.insert(name.into(), Value::Null);
            }
            entries.insert("force_destroy".into(), at.planned.get("force_destroy").clone());
        }
        let updating =
            infra_core::Updating { operation: at.operation, prior: &current, planned: at.planned };
        let mut adopted = at.this.update(updating).await?;
        if let Some(entries) = adopted.map_mut() {
            entries.insert("existing_default_vpc".into(), Value::Bool(existing));
        }
        Ok(adopted)
    }

    /// `aws_default_vpc`'s is found by its natural key: the region's default VPC (whether
    /// adopted or created, a lost answer leaves `existing_default_vpc` unknown; false is the
    /// safe side).
    async fn find_created(at: Creating<'_, Self>) -> Result<Option<Value>, ProviderError> {
        if !DEFAULT {
            return at.this.find_tagged(at.operation, at.planned).await;
        }
        Ok(find_default(at.this).await?.map(|mut value| {
            if let Some(entries) = value.map_mut() {
                entries.insert("force_destroy".into(), at.planned.get("force_destroy").clone());
                entries.insert("existing_default_vpc".into(), Value::Bool(false));
            }
            value
        }))
    }

    /// DescribeVpcAttribute (one flag of one VPC a call, the slowest bucket of a refresh) needs
    /// only the IDs: its calls start at once, beside the describes by chunks, so that its
    /// bucket paces them from the first second rather than chunk after chunk.
    async fn read_many(
        this: &Ec2Type<Self>,
        prior: &[Value],
    ) -> Result<Vec<Option<Value>>, ProviderError> {
        let ec2 = this.ec2().await;
        let ids = known_ids(prior);
        let attributes = read_attributes(ec2, &ids);
        let described = async {
            let mut described = Vec::new();
            for chunk in chunks_of(&ids) {
                let filters = vec![filter("vpc-id", chunk.iter().cloned())];
                described.push(describe_vpcs(Describing::matching(ec2, filters)).await?);
            }
            Ok(described)
        };
        let (attributes, described) = futures::try_join!(attributes, described)?;
        let items = described.into_iter().flat_map(|chunk| chunk.read(&attributes)).collect();
        Ok(in_prior_order(prior, &this.read_described(items, prior).await?))
    }

    async fn update(at: Updating<'_, Self>) -> Result<(), ProviderError> {
        let changed = |name: &str, default: bool| {
            let after = bool_attribute(at.planned, name, default);
            (bool_attribute(at.prior, name, default) != after).then_some(after)
        };
        set_dns(
            at.this.ec2().await,
            at.key,
            changed("enable_dns_support", true),
            changed("enable_dns_hostnames", false),
            at.planned
                .get("enable_network_address_usage_metrics")
                .as_bool()
                .filter(|_| changed("enable_network_address_usage_metrics", false).is_some()),
        )
        .await?;
        let ipv6_changed = IPV6.iter().any(|name| {
            let next = at.planned.get(name);
            !next.is_unknown() && at.prior.get(name).to_json() != next.to_json()
        });
        if ipv6_changed {
            reassociate_ipv6(at.this, at.key, at.prior, at.planned).await?;
        }
        Ok(())
    }

    /// `aws_default_vpc` is only forgotten, unless `force_destroy`: then deleted, as in the
    /// provider.
    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let id = at.key;
        if DEFAULT && !bool_attribute(at.prior, "force_destroy", false) {
            return Ok(());
        }
        let ec2 = at.this.ec2().await;
        delete_with_retry(at.operation.timeouts.delete, &format!("VPC {id}"), || async {
            sent!(ec2.delete_vpc().vpc_id(id))
        })
        .await
    }
}

/// The region's default VPC, read, if there is one.
async fn find_default<const DEFAULT: bool>(
    this: &Ec2Type<VpcObject<DEFAULT>>,
) -> Result<Option<Value>, ProviderError> {
    let is_default = vec![filter("is-default", ["true"])];
    this.find_matching(is_default, &Value::Null).await
}

/// The VPCs matching `filters` (and `ids`, when given) with their defaults (main route tables,
/// default security groups and network ACLs), without DescribeVpcAttribute's flags.
async fn describe_vpcs(at: Describing<'_>) -> Result<DescribedVpcs, ProviderError> {
    let vpcs: Vec<Vpc> =
        all_items!(at.ec2.describe_vpcs().set_vpc_ids(at.ids).set_filters(at.filters))?;
    let mut described = DescribedVpcs { vpcs, defaults: VpcDefaults::default() };
    let ids: Vec<String> = described.ids().collect();
    if !ids.is_empty() {
        described.defaults = VpcDefaults::read(at.ec2, &ids).await?;
    }
    Ok(described)
}

/// DescribeVpcAttribute's three flags of each VPC (DNS support, DNS hostnames, address usage
/// metrics), by VPC ID.
async fn read_attributes(
    ec2: &aws_sdk_ec2::Client,
    ids: &[String],
) -> Result<HashMap<String, [bool; 3]>, ProviderError> {
    // DescribeVpcAttribute answers one attribute of one VPC a call: those calls run
    // concurrently, three per VPC.
    let attribute_names = [
        VpcAttributeName::EnableDnsSupport,
        VpcAttributeName::EnableDnsHostnames,
        VpcAttributeName::EnableNetworkAddressUsageMetrics,
    ];
    let attributes = crate::app_support::read_each(
        ids.iter()
            .flat_map(|id| {
                attribute_names.iter().map(move |name| read_attribute(ec2, id, name.clone()))
            })
            .collect(),
    )
    .await?;
    // A VPC gone since its ID was known answers NotFound: it is left out.
    Ok(ids
        .iter()
        .cloned()
        .zip(attributes.chunks(attribute_names.len()))
        .filter_map(|(id, flags)| {
            let flags: Vec<bool> = flags.iter().copied().collect::<Option<_>>()?;
            Some((id, flags.try_into().ok()?))
        })
        .collect())
}

async fn read_attribute(
    ec2: &aws_sdk_ec2::Client,
    vpc_id: &str,
    attribute: VpcAttributeName,
) -> Result<Option<bool>, ProviderError> {
    let output = sent!(ec2.describe_vpc_attribute().vpc_id(vpc_id).attribute(attribute.clone()));
    let output = match output {
        Err(error) if crate::error::is_not_found(&error) => return Ok(None),
        other => other?,
    };
    let value = match attribute {
        VpcAttributeName::EnableDnsHostnames => output.enable_dns_hostnames(),
        VpcAttributeName::EnableNetworkAddressUsageMetrics => {
            output.enable_network_address_usage_metrics()
        }
        _ => output.enable_dns_support(),
    };
    Ok(Some(value.and_then(AttributeBooleanValue::value).unwrap_or(false)))
}

/// Replaces the IPv6 block with the planned one (none, Amazon's, a given block or one from an
/// IPAM pool).
async fn reassociate_ipv6<const DEFAULT: bool>(
    this: &Ec2Type<VpcObject<DEFAULT>>,
    id: &str,
    prior: &Value,
    planned: &Value,
) -> Result<(), ProviderError> {
    let ec2 = this.ec2().await;
    if let Some(association) = non_empty_attribute(prior, "ipv6_association_id") {
        sent!(ec2.disassociate_vpc_cidr_block().association_id(&association))?;
    }
    let generated = bool_attribute(planned, "assign_generated_ipv6_cidr_block", false);
    let pool = non_empty_attribute(planned, "ipv6_ipam_pool_id");
    // A block carried over from the prior (the planner keeps computed values) is the one
    // being replaced, not a chosen one.
    let block = non_empty_attribute(planned, "ipv6_cidr_block")
        .filter(|block| prior.get("ipv6_cidr_block").as_str() != Some(block.as_str()))
        .filter(|_| !generated);
    if !generated && pool.is_none() && block.is_none() {
        return Ok(());
    }
    sent!(ec2
        .associate_vpc_cidr_block()
        .vpc_id(id)
        .set_amazon_provided_ipv6_cidr_block(generated.then_some(true))
        .set_ipv6_cidr_block(block)
        .set_ipv6_ipam_pool_id(pool)
        .set_ipv6_netmask_length(
            integer_attribute(planned, "ipv6_netmask_length").map(|n| n as i32),
        )
        .set_ipv6_cidr_block_network_border_group(
            non_empty_attribute(planned, "ipv6_cidr_block_network_border_group")
                .filter(|_| generated),
        ))?;
    this.wait_until(
        id,
        std::time::Duration::from_secs(3 * 60),
        &format!("an IPv6 CIDR block to be associated with VPC {id}"),
        |vpc| vpc.is_some_and(|vpc| vpc.ipv6().and_then(|a| a.association_id()).is_some()),
    )
    .await
}

async fn set_dns(
    ec2: &aws_sdk_ec2::Client,
    id: &str,
    support: Option<bool>,
    hostnames: Option<bool>,
    address_usage_metrics: Option<bool>,
) -> Result<(), ProviderError> {
    if let Some(enabled) = address_usage_metrics {
        sent!(ec2.modify_vpc_attribute().vpc_id(id).enable_network_address_usage_metrics(
            AttributeBooleanValue::builder().value(enabled).build(),
        ))?;
    }
    // ModifyVpcAttribute takes one attribute per call.
    if let Some(enabled) = support {
        sent!(ec2
            .modify_vpc_attribute()
            .vpc_id(id)
            .enable_dns_support(AttributeBooleanValue::builder().value(enabled).build()))?;
    }
    if let Some(enabled) = hostnames {
        sent!(ec2
            .modify_vpc_attribute()
            .vpc_id(id)
            .enable_dns_hostnames(AttributeBooleanValue::builder().value(enabled).build()))?;
    }
    Ok(())
}

/// VPCs as DescribeVpcs answers them, with their defaults.
struct DescribedVpcs {
    vpcs: Vec<Vpc>,
    defaults: VpcDefaults,
}

impl DescribedVpcs {
    fn ids(&self) -> impl Iterator<Item = String> + '_ {
        self.vpcs.iter().filter_map(|vpc| vpc.vpc_id().map(str::to_string))
    }

    /// The VPCs whose flags are in `attributes` (one gone since its ID was known is not), read.
    fn read(self, attributes: &HashMap<String, [bool; 3]>) -> Vec<VpcRead> {
        let defaults = self.defaults;
        let default = |of: &HashMap<String, String>, id: &str| of.get(id).cloned();
        self.vpcs
            .into_iter()
            .filter_map(|vpc| {
                let id = vpc.vpc_id()?;
                Some(VpcRead {
                    flags: *attributes.get(id)?,
                    main_route_table: default(&defaults.main_route_tables, id),
                    security_group: default(&defaults.security_groups, id),
                    network_acl: default(&defaults.network_acls, id),
                    vpc,
                })
            })
            .collect()
    }
}

/// What each VPC has by default, by VPC ID: its main route table, default security group
/// and default network ACL.
#[derive(Default)]
struct VpcDefaults {
    main_route_tables: HashMap<String, String>,
    security_groups: HashMap<String, String>,
    network_acls: HashMap<String, String>,
}

impl VpcDefaults {
    /// DescribeNetworkAcls, DescribeRouteTables and DescribeSecurityGroups for the VPCs, in
    /// chunks.
    async fn read(ec2: &aws_sdk_ec2::Client, ids: &[String]) -> Result<VpcDefaults, ProviderError> {
        let mut defaults = VpcDefaults::default();
        for chunk in chunks_of(ids) {
            let acls = filter("default", ["true"]);
            let acls = default_ids::<AclObject<false>>(ec2, chunk, acls, NetworkAcl::vpc_id);
            defaults.network_acls.extend(acls.await?);
            let tables = filter("association.main", ["true"]);
            let tables = default_ids::<TableObject<false>>(ec2, chunk, tables, RouteTable::vpc_id);
            defaults.main_route_tables.extend(tables.await?);
            let groups = filter("group-name", ["default"]);
            let groups =
                default_ids::<GroupObject<false>>(ec2, chunk, groups, SecurityGroup::vpc_id);
            defaults.security_groups.extend(groups.await?);
        }
        Ok(defaults)
    }
}

/// (VPC ID, object ID) of each object of the VPCs in `chunk` that the filter `default` names
/// (each type's own describe, its VPC's default object by one more filter).
async fn default_ids<O: Ec2Object>(
    ec2: &aws_sdk_ec2::Client,
    chunk: &[String],
    default: Filter,
    vpc_id: fn(&O::Item) -> Option<&str>,
) -> Result<Vec<(String, String)>, ProviderError> {
    let filters = vec![filter("vpc-id", chunk.iter().cloned()), default];
    let objects = O::describe(Describing::matching(ec2, filters)).await?;
    let ids = |o: &O::Item| Some((vpc_id(o)?.to_string(), (O::ID)(o)?.to_string()));
    Ok(objects.iter().filter_map(ids).collect())
}

#[cfg(test)]
mod tests {
    use infra_core::Value;

    /// The provider's relations between the IPv4 and IPv6 arguments (`ConflictsWith`,
    /// `RequiredWith`) and its netmask checks, for both types; each argument reports its first
    /// broken rule.
    #[test]
    fn address_arguments_are_checked_as_the_provider_declares_them() {
        let messages = |name: &str, entries: Vec<(&'static str, Value)>| {
            crate::problem_messages(name, &Value::map(entries))
        };
        let cidr = ("cidr_block", Value::string("10.0.0.0/16"));
        assert!(messages("aws_vpc", vec![cidr.clone()]).is_empty());
        assert_eq!(
            messages(
                "aws_vpc",
                vec![cidr.clone(), ("ipv4_netmask_length", Value::Number(20.0))]
            ),
            [
                "\"cidr_block\": conflicts with ipv4_netmask_length",
                "\"ipv4_netmask_length\": all of `ipv4_ipam_pool_id,ipv4_netmask_length` must be specified",
            ]
        );
        assert_eq!(
            messages(
                "aws_vpc",
                vec![
                    ("ipv4_ipam_pool_id", Value::string("ipam-pool-1")),
                    ("ipv4_netmask_length", Value::Number(30.0))
                ]
            ),
            ["expected ipv4_netmask_length to be in the range (16 - 28), got 30"]
        );
        for name in ["aws_vpc", "aws_default_vpc"] {
            // The default VPC's CIDR block is AWS's (computed only).
            let with = |mut entries: Vec<(&'static str, Value)>| {
                if name == "aws_vpc" {
                    entries.push(cidr.clone());
                }
                entries
            };
            let pool = ("ipv6_ipam_pool_id", Value::string("ipam-pool-6"));
            assert_eq!(
                messages(
                    name,
                    with(vec![
                        ("assign_generated_ipv6_cidr_block", Value::Bool(true)),
                        pool.clone()
                    ])
                ),
                [
                    "\"assign_generated_ipv6_cidr_block\": conflicts with ipv6_ipam_pool_id",
                    "\"ipv6_ipam_pool_id\": conflicts with assign_generated_ipv6_cidr_block",
                ],
                "{name}"
            );
            assert_eq!(
                messages(
                    name,
                    with(vec![
                        ("ipv6_netmask_length", Value::Number(48.0)),
                        ("ipv6_cidr_block_network_border_group", Value::string("us-west-2-lax-1"))
                    ])
                ),
                [
                    "\"ipv6_netmask_length\": all of `ipv6_ipam_pool_id,ipv6_netmask_length` must be specified",
                    "\"ipv6_cidr_block_network_border_group\": all of `assign_generated_ipv6_cidr_block,ipv6_cidr_block_network_border_group` must be specified",
                ],
                "{name}"
            );
            assert_eq!(
                messages(
                    name,
                    with(vec![pool.clone(), ("ipv6_netmask_length", Value::Number(48.0))])
                ),
                ["expected ipv6_netmask_length to be one of [56], got 48"],
                "{name}"
            );
        }
    }
}
