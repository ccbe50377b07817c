//! `aws_vpc`: a VPC with its DNS attributes and IPv6 block. The main route table, default
//! security group and default network ACL AWS creates with it are reported, not managed.
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
use std::sync::Arc;

use aws_sdk_ec2::types::{
    AttributeBooleanValue, Filter, NetworkAcl, ResourceType as Ec2ResourceType, RouteTable,
    SecurityGroup, Tenancy, Vpc, VpcAttributeName, VpcCidrBlockStateCode,
};
use infra_core::{
    Attribute, Check, Operation, ProviderError, ResourceType, Schema, Timeouts, Type, Value,
};

use crate::app_support::sent;
use crate::ec2_object::Ec2Object;
use crate::ec2_support::{
    bool_attribute, chunks_of, copy_attributes, delete_with_retry, ec2_arn, filter, in_prior_order,
    integer_attribute, known_ids, managed_tag_filters, non_empty_attribute, optional_string,
    string_attribute, tag_entries, tag_specification, update_tags, wait_for, whole_object,
};
use crate::paginated::all_items;
use crate::resources::ec2::aws_network_acl::AclObject;
use crate::resources::ec2::aws_route_table::TableObject;
use crate::resources::ec2::aws_security_group::GroupObject;
use crate::tagging::WithTags;
use crate::Aws;

/// Arguments AWS does not report for a VPC, kept from the configuration.
const CONFIG_ONLY: &[&str] = &[
    "ipv4_ipam_pool_id",
    "ipv4_netmask_length",
    "ipv6_ipam_pool_id",
    "ipv6_netmask_length",
];

/// What decides the IPv6 block: a change to any of them re-associates it.
const IPV6: &[&str] = &[
    "assign_generated_ipv6_cidr_block",
    "ipv6_cidr_block",
    "ipv6_ipam_pool_id",
    "ipv6_netmask_length",
    "ipv6_cidr_block_network_border_group",
];

/// `aws_default_vpc`'s arguments AWS does not report (`existing_default_vpc` is set once, on
/// adoption).
const ADOPTED_CONFIG_ONLY: &[&str] = &[
    "ipv6_ipam_pool_id",
    "ipv6_netmask_length",
    "force_destroy",
    "existing_default_vpc",
];

/// Why `aws_vpc` and `aws_default_vpc` no longer take `enable_classiclink` and
/// `enable_classiclink_dns_support`, which terraform-aws-modules/vpc 2.x still sets on every
/// VPC (null by default).
const CLASSICLINK_REMOVED: &str =
    "EC2-Classic was retired on 15 August 2022, and AWS provider 5.0 \
     removed ClassicLink with it";

pub struct AwsVpc {
    aws: Arc<Aws>,
    schema: Schema,
    /// Managed as `aws_default_vpc`: the region's default VPC, adopted.
    adopted: bool,
}

impl AwsVpc {
    pub fn new(aws: Arc<Aws>) -> AwsVpc {
        let schema = Schema::new()
            .version(1)
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(
                Attribute::optional_computed("cidr_block", Type::String)
                    .force_new()
                    .check(Check::Cidr),
            )
            .attr(Attribute::optional("ipv4_ipam_pool_id", Type::String).force_new())
            .attr(
                Attribute::optional("ipv4_netmask_length", Type::Number)
                    .force_new()
                    .check(Check::Range(0, 32)),
            );
        let schema = ipv6_and_dns_attributes(schema)
            .attr(
                Attribute::optional("enable_dns_hostnames", Type::Bool).default(Value::Bool(false)),
            )
            .attr(
                Attribute::optional("instance_tenancy", Type::String)
                    .default(Value::string("default"))
                    .force_new()
                    .check(Check::OneOf(&["default", "dedicated"])),
            );
        let schema = default_object_ids(schema)
            .with_tags()
            .removed("enable_classiclink", CLASSICLINK_REMOVED)
            .removed("enable_classiclink_dns_support", CLASSICLINK_REMOVED);
        AwsVpc {
            aws,
            schema,
            adopted: false,
        }
    }

    /// The VPC logic with `aws_default_vpc`'s schema: `cidr_block` and `instance_tenancy` are
    /// computed, DNS hostnames default to on (as in a default VPC), and `force_destroy` decides
    /// whether destroying deletes the VPC.
    pub(crate) fn adopted(aws: Arc<Aws>) -> AwsVpc {
        let schema = Schema::new()
            .version(1)
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("cidr_block", Type::String));
        let schema = ipv6_and_dns_attributes(schema)
            .attr(
                Attribute::optional("enable_dns_hostnames", Type::Bool).default(Value::Bool(true)),
            )
            .attr(Attribute::computed("instance_tenancy", Type::String));
        let schema = default_object_ids(schema)
            .attr(Attribute::computed("existing_default_vpc", Type::Bool))
            .attr(Attribute::optional("force_destroy", Type::Bool).default(Value::Bool(false)))
            .with_tags()
            .removed("enable_classiclink", CLASSICLINK_REMOVED)
            .removed("enable_classiclink_dns_support", CLASSICLINK_REMOVED);
        AwsVpc {
            aws,
            schema,
            adopted: true,
        }
    }

    fn config_only(&self) -> &'static [&'static str] {
        if self.adopted {
            ADOPTED_CONFIG_ONLY
        } else {
            CONFIG_ONLY
        }
    }

    /// Copies the configuration-only arguments of `from` into `to`; an adopted VPC read
    /// without them (import) takes `force_destroy`'s default.
    fn keep_config_only(&self, from: &Value, to: &mut Value) {
        copy_attributes(from, to, self.config_only());
        if self.adopted && to.get("force_destroy").is_null() {
            if let Some(entries) = to.map_mut() {
                entries.insert("force_destroy".into(), Value::Bool(false));
            }
        }
    }

    /// Every VPC matching `filters`, converted, with main route tables and default security
    /// groups and the three attributes DescribeVpcAttribute answers one at a time. `prior`
    /// supplies the configuration-only arguments.
    pub(crate) async fn describe(
        &self,
        filters: Vec<aws_sdk_ec2::types::Filter>,
        prior: &HashMap<String, Value>,
    ) -> Result<HashMap<String, Value>, ProviderError> {
        let described = self.describe_vpcs(filters).await?;
        let ids: Vec<String> = described.ids().collect();
        let attributes = self.read_attributes(&ids).await?;
        Ok(self.values(&described, &attributes, prior).await)
    }

    /// The VPCs matching `filters` with their defaults (main route tables, default security
    /// groups and network ACLs), without DescribeVpcAttribute's flags.
    async fn describe_vpcs(
        &self,
        filters: Vec<aws_sdk_ec2::types::Filter>,
    ) -> Result<DescribedVpcs, ProviderError> {
        let clients = self.aws.clients().await;
        let vpcs: Vec<Vpc> = all_items!(clients.ec2.describe_vpcs().set_filters(Some(filters)))?;
        let mut described = DescribedVpcs {
            vpcs,
            defaults: VpcDefaults::default(),
        };
        let ids: Vec<String> = described.ids().collect();
        if !ids.is_empty() {
            described.defaults = VpcDefaults::read(&clients.ec2, &ids).await?;
        }
        Ok(described)
    }

    /// The described VPCs whose flags are in `attributes`, converted; `prior` supplies the
    /// configuration-only arguments.
    async fn values(
        &self,
        described: &DescribedVpcs,
        attributes: &HashMap<String, Vec<bool>>,
        prior: &HashMap<String, Value>,
    ) -> HashMap<String, Value> {
        let region = &self.aws.clients().await.region;
        let mut found = HashMap::new();
        for vpc in &described.vpcs {
            let Some(id) = vpc.vpc_id() else { continue };
            let Some(&[dns_support, dns_hostnames, address_usage_metrics]) =
                attributes.get(id).map(Vec::as_slice)
            else {
                continue;
            };
            let flags = [dns_support, dns_hostnames, address_usage_metrics];
            let mut entries = vpc_entries(vpc, region, &described.defaults, flags);
            entries.extend(tag_entries(vpc.tags()));
            let mut value = whole_object(&self.schema, entries);
            self.keep_config_only(prior.get(id).unwrap_or(&Value::Null), &mut value);
            found.insert(id.to_string(), value);
        }
        found
    }

    /// DescribeVpcAttribute's three flags of each VPC (DNS support, DNS hostnames, address
    /// usage metrics), by VPC ID.
    async fn read_attributes(
        &self,
        ids: &[String],
    ) -> Result<HashMap<String, Vec<bool>>, ProviderError> {
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
                    attribute_names
                        .iter()
                        .map(move |name| self.read_attribute(id, name.clone()))
                })
                .collect(),
        )
        .await?;
        // A VPC gone since its ID was known answers NotFound: it is left out.
        Ok(ids
            .iter()
            .cloned()
            .zip(attributes.chunks(attribute_names.len()))
            .filter_map(|(id, flags)| Some((id, flags.iter().copied().collect::<Option<_>>()?)))
            .collect())
    }

    async fn read_attribute(
        &self,
        vpc_id: &str,
        attribute: VpcAttributeName,
    ) -> Result<Option<bool>, ProviderError> {
        let clients = self.aws.clients().await;
        let output = sent!(clients
            .ec2
            .describe_vpc_attribute()
            .vpc_id(vpc_id)
            .attribute(attribute.clone()));
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
        Ok(Some(
            value
                .and_then(AttributeBooleanValue::value)
                .unwrap_or(false),
        ))
    }

    /// One VPC, every attribute read; `hint` (planned or prior) supplies the configuration-only
    /// arguments.
    pub(crate) async fn read_one(
        &self,
        id: &str,
        hint: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let mut found = self
            .describe(vec![filter("vpc-id", [id])], &HashMap::new())
            .await?
            .remove(id);
        if let Some(value) = found.as_mut() {
            self.keep_config_only(hint, value);
        }
        Ok(found)
    }

    /// Replaces the IPv6 block with the planned one (none, Amazon's, a given block or one from
    /// an IPAM pool).
    async fn reassociate_ipv6(
        &self,
        id: &str,
        prior: &Value,
        planned: &Value,
    ) -> Result<(), ProviderError> {
        let ec2 = &self.aws.clients().await.ec2;
        if let Some(association) = non_empty_attribute(prior, "ipv6_association_id") {
            sent!(ec2
                .disassociate_vpc_cidr_block()
                .association_id(&association))?;
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
        wait_for(
            std::time::Duration::from_secs(3 * 60),
            &format!("an IPv6 CIDR block to be associated with VPC {id}"),
            || async {
                Ok(self
                    .read_one(id, planned)
                    .await?
                    .filter(|vpc| !vpc.get("ipv6_association_id").is_null())
                    .map(|_| ()))
            },
        )
        .await
    }

    async fn set_dns(
        &self,
        id: &str,
        support: Option<bool>,
        hostnames: Option<bool>,
        address_usage_metrics: Option<bool>,
    ) -> Result<(), ProviderError> {
        let ec2 = &self.aws.clients().await.ec2;
        if let Some(enabled) = address_usage_metrics {
            sent!(ec2
                .modify_vpc_attribute()
                .vpc_id(id)
                .enable_network_address_usage_metrics(
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
}

/// The check `aws_vpc` and `aws_default_vpc` share: an IPAM pool and an Amazon-provided IPv6
/// block exclude each other.
pub(crate) fn ipv6_pool_conflict(config: &Value) -> Option<(String, String)> {
    (config.get("assign_generated_ipv6_cidr_block").as_bool() == Some(true)
        && !config.get("ipv6_ipam_pool_id").is_null())
    .then(|| {
        (
            "ipv6_ipam_pool_id".to_string(),
            "\"ipv6_ipam_pool_id\" conflicts with \"assign_generated_ipv6_cidr_block\"".to_string(),
        )
    })
}

/// VPCs as DescribeVpcs answers them, with their defaults.
struct DescribedVpcs {
    vpcs: Vec<Vpc>,
    defaults: VpcDefaults,
}

impl DescribedVpcs {
    fn ids(&self) -> impl Iterator<Item = String> + '_ {
        self.vpcs
            .iter()
            .filter_map(|vpc| vpc.vpc_id().map(str::to_string))
    }
}

/// The IPv6 and DNS arguments `aws_vpc` and `aws_default_vpc` share (in the provider's order).
fn ipv6_and_dns_attributes(schema: Schema) -> Schema {
    schema
        .attr(
            Attribute::optional("assign_generated_ipv6_cidr_block", Type::Bool)
                .default(Value::Bool(false)),
        )
        .attr(Attribute::optional_computed(
            "ipv6_cidr_block",
            Type::String,
        ))
        .attr(Attribute::optional("ipv6_ipam_pool_id", Type::String))
        .attr(Attribute::optional("ipv6_netmask_length", Type::Number).check(Check::Range(0, 128)))
        .attr(Attribute::optional_computed(
            "ipv6_cidr_block_network_border_group",
            Type::String,
        ))
        .attr(Attribute::computed("ipv6_association_id", Type::String))
        .attr(Attribute::computed("default_network_acl_id", Type::String))
        .attr(Attribute::optional("enable_dns_support", Type::Bool).default(Value::Bool(true)))
        .attr(Attribute::optional_computed(
            "enable_network_address_usage_metrics",
            Type::Bool,
        ))
}

/// The IDs of what every VPC has by default, computed in `aws_vpc` and `aws_default_vpc`.
fn default_object_ids(schema: Schema) -> Schema {
    schema
        .attr(Attribute::computed(
            "default_security_group_id",
            Type::String,
        ))
        .attr(Attribute::computed("main_route_table_id", Type::String))
        .attr(Attribute::computed("default_route_table_id", Type::String))
        .attr(Attribute::computed("dhcp_options_id", Type::String))
        .attr(Attribute::computed("owner_id", Type::String))
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
    let objects = O::describe(ec2, None, filters).await?;
    let ids = |o: &O::Item| Some((vpc_id(o)?.to_string(), O::id(o)?.to_string()));
    Ok(objects.iter().filter_map(ids).collect())
}

/// A described VPC's attributes, before its tags.
fn vpc_entries(
    vpc: &Vpc,
    region: &str,
    defaults: &VpcDefaults,
    [dns_support, dns_hostnames, address_usage_metrics]: [bool; 3],
) -> Vec<(&'static str, Value)> {
    let id = vpc.vpc_id().unwrap_or_default();
    let owner = vpc.owner_id().unwrap_or_default();
    let ipv6 = vpc.ipv6_cidr_block_association_set().iter().find(|a| {
        matches!(
            a.ipv6_cidr_block_state().and_then(|s| s.state()),
            Some(VpcCidrBlockStateCode::Associated | VpcCidrBlockStateCode::Associating) | None
        )
    });
    let main_route_table = optional_string(defaults.main_route_tables.get(id).map(String::as_str));
    vec![
        ("id", Value::string(id)),
        ("arn", Value::string(ec2_arn(region, owner, "vpc", id))),
        ("cidr_block", optional_string(vpc.cidr_block())),
        ("enable_dns_support", Value::Bool(dns_support)),
        ("enable_dns_hostnames", Value::Bool(dns_hostnames)),
        (
            "enable_network_address_usage_metrics",
            Value::Bool(address_usage_metrics),
        ),
        (
            "instance_tenancy",
            optional_string(vpc.instance_tenancy().map(Tenancy::as_str)),
        ),
        (
            "default_security_group_id",
            optional_string(defaults.security_groups.get(id).map(String::as_str)),
        ),
        ("main_route_table_id", main_route_table.clone()),
        ("default_route_table_id", main_route_table),
        ("dhcp_options_id", optional_string(vpc.dhcp_options_id())),
        (
            "default_network_acl_id",
            optional_string(defaults.network_acls.get(id).map(String::as_str)),
        ),
        ("owner_id", Value::string(owner)),
        (
            "ipv6_cidr_block",
            optional_string(ipv6.and_then(|a| a.ipv6_cidr_block())),
        ),
        (
            "ipv6_association_id",
            optional_string(ipv6.and_then(|a| a.association_id())),
        ),
        (
            "ipv6_cidr_block_network_border_group",
            optional_string(ipv6.and_then(|a| a.network_border_group())),
        ),
        (
            // An Amazon-provided block is one from the "Amazon" pool.
            "assign_generated_ipv6_cidr_block",
            Value::Bool(ipv6.and_then(|a| a.ipv6_pool()) == Some("Amazon")),
        ),
    ]
}

#[async_trait::async_trait]
impl ResourceType for AwsVpc {
    fn name(&self) -> &'static str {
        "aws_vpc"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if config.get("cidr_block").is_null() && config.get("ipv4_ipam_pool_id").is_null() {
            problems.push((
                "cidr_block".to_string(),
                "\"cidr_block\" is required unless \"ipv4_ipam_pool_id\" is set".to_string(),
            ));
        }
        problems.extend(ipv6_pool_conflict(config));
        problems
    }

    fn default_timeouts(&self) -> Timeouts {
        Timeouts::minutes(10, 10, 5)
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let ec2 = &self.aws.clients().await.ec2;
        let generated = bool_attribute(planned, "assign_generated_ipv6_cidr_block", false);
        let output = sent!(ec2
            .create_vpc()
            .set_cidr_block(string_attribute(planned, "cidr_block"))
            .set_ipv4_ipam_pool_id(non_empty_attribute(planned, "ipv4_ipam_pool_id"))
            .set_ipv4_netmask_length(
                integer_attribute(planned, "ipv4_netmask_length").map(|n| n as i32),
            )
            .set_amazon_provided_ipv6_cidr_block(generated.then_some(true))
            .set_ipv6_cidr_block(
                non_empty_attribute(planned, "ipv6_cidr_block").filter(|_| !generated),
            )
            .set_ipv6_ipam_pool_id(non_empty_attribute(planned, "ipv6_ipam_pool_id"))
            .set_ipv6_netmask_length(
                integer_attribute(planned, "ipv6_netmask_length").map(|n| n as i32),
            )
            .set_ipv6_cidr_block_network_border_group(non_empty_attribute(
                planned,
                "ipv6_cidr_block_network_border_group",
            ))
            .set_instance_tenancy(
                string_attribute(planned, "instance_tenancy")
                    .map(|tenancy| Tenancy::from(tenancy.as_str())),
            )
            .tag_specifications(tag_specification(operation, planned, Ec2ResourceType::Vpc)))?;
        let id = output
            .vpc()
            .and_then(Vpc::vpc_id)
            .ok_or_else(|| ProviderError::new("CreateVpc returned no VPC id"))?
            .to_string();
        // New VPCs have DNS support on and hostnames off; change only what differs.
        let support = bool_attribute(planned, "enable_dns_support", true);
        let hostnames = bool_attribute(planned, "enable_dns_hostnames", false);
        let address_usage_metrics = planned
            .get("enable_network_address_usage_metrics")
            .as_bool()
            .filter(|enabled| *enabled);
        self.set_dns(
            &id,
            (!support).then_some(false),
            hostnames.then_some(true),
            address_usage_metrics,
        )
        .await?;
        self.read_one(&id, planned).await?.ok_or_else(|| {
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
            planned
                .get("enable_network_address_usage_metrics")
                .as_bool()
                .filter(|_| changed("enable_network_address_usage_metrics", false).is_some()),
        )
        .await?;
        let ipv6_changed = IPV6.iter().any(|name| {
            let next = planned.get(name);
            !next.is_unknown() && prior.get(name).to_json() != next.to_json()
        });
        if ipv6_changed {
            self.reassociate_ipv6(&id, prior, planned).await?;
        }
        update_tags(&self.aws.clients().await.ec2, &id, prior, planned).await?;
        self.read_one(&id, planned).await?.ok_or_else(|| {
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
            sent!(ec2.delete_vpc().vpc_id(&id))
        })
        .await
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let ids = known_ids(prior);
        let by_id: HashMap<String, Value> = prior
            .iter()
            .filter_map(|value| Some((string_attribute(value, "id")?, value.clone())))
            .collect();
        // DescribeVpcAttribute (one flag of one VPC a call, the slowest bucket of a refresh)
        // needs only the IDs: its calls start at once, beside the describes by chunks, so that
        // its bucket paces them from the first second rather than chunk after chunk.
        let attributes = self.read_attributes(&ids);
        let described = async {
            let mut described = Vec::new();
            for chunk in chunks_of(&ids) {
                let filters = vec![filter("vpc-id", chunk.iter().cloned())];
                described.push(self.describe_vpcs(filters).await?);
            }
            Ok(described)
        };
        let (attributes, described) = futures::try_join!(attributes, described)?;
        let mut found = HashMap::new();
        for chunk in &described {
            found.extend(self.values(chunk, &attributes, &by_id).await);
        }
        Ok(in_prior_order(prior, &found))
    }

    async fn find_created(
        &self,
        operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        Ok(self
            .describe(managed_tag_filters(operation), &HashMap::new())
            .await?
            .into_values()
            .next()
            .map(|mut value| {
                self.keep_config_only(planned, &mut value);
                value
            }))
    }
}
