//! `aws_vpc` (data source): the one VPC matching `id`, `cidr_block`, `dhcp_options_id`,
//! `default`, `state`, `tags` and `filter` blocks, with its DNS attributes, main route table and
//! IPv4/IPv6 CIDR associations.
//!
//! moto does not report `enable_network_address_usage_metrics` changes made outside the VPC
//! attribute API, so tests only see its default.

use aws_sdk_ec2::types::{VpcAttributeName, VpcCidrBlockStateCode};
use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::app_support::sent;
use crate::ec2_support::{
    ec2_arn, filter, filter_block, lookup_filters, lookup_value, optional_string, single_match,
    visible_ec2_tags,
};
use crate::lookup::{Lookup, LookupType};

pub type AwsVpc = LookupType<VpcLookup>;

pub struct VpcLookup;

impl Lookup for VpcLookup {
    const NAME: &'static str = "aws_vpc";

    fn schema() -> Schema {
        Schema::new()
            .attr(Attribute::optional_computed("id", Type::String))
            .attr(Attribute::optional_computed("cidr_block", Type::String))
            .attr(Attribute::optional_computed("dhcp_options_id", Type::String))
            .attr(Attribute::optional_computed("default", Type::Bool))
            .attr(Attribute::optional_computed("state", Type::String))
            .attr(Attribute::optional_computed("tags", Type::map(Type::String)))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("enable_dns_support", Type::Bool))
            .attr(Attribute::computed("enable_dns_hostnames", Type::Bool))
            .attr(Attribute::computed("enable_network_address_usage_metrics", Type::Bool))
            .attr(Attribute::computed("instance_tenancy", Type::String))
            .attr(Attribute::computed("ipv6_association_id", Type::String))
            .attr(Attribute::computed("ipv6_cidr_block", Type::String))
            .attr(Attribute::computed("main_route_table_id", Type::String))
            .attr(Attribute::computed("owner_id", Type::String))
            // Objects of `association_id`, `cidr_block`, `state`.
            .attr(Attribute::computed("cidr_block_associations", Type::list(Type::Any)))
            .block(filter_block())
    }

    async fn read(this: &LookupType<Self>, config: &Value) -> Result<Value, ProviderError> {
        let clients = this.aws.clients().await;
        let ec2 = &clients.ec2;
        let filters = lookup_filters(
            config,
            &[
                ("cidr_block", "cidrBlock"),
                ("dhcp_options_id", "dhcp-options-id"),
                ("default", "isDefault"),
                ("state", "state"),
            ],
        );
        let mut request = ec2.describe_vpcs().set_filters((!filters.is_empty()).then_some(filters));
        if let Some(id) = config.get("id").as_str() {
            request = request.vpc_ids(id);
        }
        let vpcs = sent!(request)?.vpcs.unwrap_or_default();
        let vpc = single_match(vpcs, "EC2 VPC")?;
        let id = vpc.vpc_id().unwrap_or_default().to_string();
        let mut flags = Vec::new();
        for (name, attribute) in [
            ("enable_dns_support", VpcAttributeName::EnableDnsSupport),
            ("enable_dns_hostnames", VpcAttributeName::EnableDnsHostnames),
            (
                "enable_network_address_usage_metrics",
                VpcAttributeName::EnableNetworkAddressUsageMetrics,
            ),
        ] {
            let answer = sent!(ec2.describe_vpc_attribute().vpc_id(&id).attribute(attribute))?;
            let flag = match name {
                "enable_dns_support" => answer.enable_dns_support(),
                "enable_dns_hostnames" => answer.enable_dns_hostnames(),
                _ => answer.enable_network_address_usage_metrics(),
            };
            flags.push((name, Value::Bool(flag.and_then(|f| f.value()).unwrap_or(false))));
        }
        let main_table = sent!(ec2
            .describe_route_tables()
            .filters(filter("vpc-id", [id.clone()]))
            .filters(filter("association.main", ["true"])))?
        .route_tables
        .unwrap_or_default()
        .first()
        .and_then(|table| table.route_table_id().map(str::to_string));
        let owner = vpc.owner_id().unwrap_or_default();
        // The provider reports the first associated IPv6 block.
        let ipv6 = vpc.ipv6_cidr_block_association_set().iter().find(|a| {
            a.ipv6_cidr_block_state()
                .and_then(|s| s.state())
                .is_some_and(|s| s.as_str() == "associated")
        });
        let associations: Vec<Value> = vpc
            .cidr_block_association_set()
            .iter()
            .map(|a| {
                Value::map([
                    ("association_id", optional_string(a.association_id())),
                    ("cidr_block", optional_string(a.cidr_block())),
                    (
                        "state",
                        optional_string(
                            a.cidr_block_state()
                                .and_then(|s| s.state())
                                .map(VpcCidrBlockStateCode::as_str),
                        ),
                    ),
                ])
            })
            .collect();
        let mut entries = vec![
            ("id", Value::string(&id)),
            ("arn", Value::string(ec2_arn(&clients.region, owner, "vpc", &id))),
            ("cidr_block", optional_string(vpc.cidr_block())),
            ("dhcp_options_id", optional_string(vpc.dhcp_options_id())),
            ("default", Value::Bool(vpc.is_default().unwrap_or(false))),
            ("state", optional_string(vpc.state().map(|s| s.as_str()))),
            ("tags", visible_ec2_tags(vpc.tags())),
            ("instance_tenancy", optional_string(vpc.instance_tenancy().map(|t| t.as_str()))),
            ("ipv6_association_id", optional_string(ipv6.and_then(|a| a.association_id()))),
            ("ipv6_cidr_block", optional_string(ipv6.and_then(|a| a.ipv6_cidr_block()))),
            ("main_route_table_id", optional_string(main_table.as_deref())),
            ("owner_id", Value::string(owner)),
            ("cidr_block_associations", Value::List(associations)),
        ];
        entries.extend(flags);
        Ok(lookup_value(&this.schema, config, entries))
    }
}
