//! `aws_subnet` (data source): the one subnet matching `id`, `availability_zone`,
//! `availability_zone_id`, `available_ip_address_count`, `cidr_block`, `default_for_az`,
//! `ipv6_cidr_block`, `state`, `vpc_id`, `tags` and `filter` blocks.
//!
//! moto does not return `customer_owned_ipv4_pool`, `map_customer_owned_ip_on_launch`,
//! `outpost_arn` or `enable_lni_at_device_index`, so they read as their defaults in tests.

use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::app_support::sent;
use crate::ec2_support::{
    ec2_arn, filter_block, lookup_filters, lookup_value, optional_string, single_match,
    visible_ec2_tags,
};
use crate::lookup::{Lookup, LookupType};

pub type AwsSubnet = LookupType<SubnetLookup>;

pub struct SubnetLookup;

impl Lookup for SubnetLookup {
    const NAME: &'static str = "aws_subnet";

    fn schema() -> Schema {
        let mut schema = Schema::new();
        for name in [
            "id",
            "availability_zone",
            "availability_zone_id",
            "cidr_block",
            "ipv6_cidr_block",
            "state",
            "vpc_id",
        ] {
            schema = schema.attr(Attribute::optional_computed(name, Type::String));
        }
        schema
            .attr(Attribute::optional_computed("default_for_az", Type::Bool))
            .attr(Attribute::optional_computed("available_ip_address_count", Type::Number))
            .attr(Attribute::optional_computed("tags", Type::map(Type::String)))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("assign_ipv6_address_on_creation", Type::Bool))
            .attr(Attribute::computed("customer_owned_ipv4_pool", Type::String))
            .attr(Attribute::computed("enable_dns64", Type::Bool))
            .attr(Attribute::computed("enable_lni_at_device_index", Type::Number))
            .attr(Attribute::computed("enable_resource_name_dns_aaaa_record_on_launch", Type::Bool))
            .attr(Attribute::computed("enable_resource_name_dns_a_record_on_launch", Type::Bool))
            .attr(Attribute::computed("ipv6_cidr_block_association_id", Type::String))
            .attr(Attribute::computed("ipv6_native", Type::Bool))
            .attr(Attribute::computed("map_customer_owned_ip_on_launch", Type::Bool))
            .attr(Attribute::computed("map_public_ip_on_launch", Type::Bool))
            .attr(Attribute::computed("outpost_arn", Type::String))
            .attr(Attribute::computed("owner_id", Type::String))
            .attr(Attribute::computed("private_dns_hostname_type_on_launch", Type::String))
            .block(filter_block())
    }

    async fn read(this: &LookupType<Self>, config: &Value) -> Result<Value, ProviderError> {
        let clients = this.aws.clients().await;
        let filters = lookup_filters(
            config,
            &[
                ("availability_zone", "availability-zone"),
                ("availability_zone_id", "availability-zone-id"),
                ("available_ip_address_count", "available-ip-address-count"),
                ("cidr_block", "cidr-block"),
                ("default_for_az", "default-for-az"),
                ("ipv6_cidr_block", "ipv6-cidr-block-association.ipv6-cidr-block"),
                ("state", "state"),
                ("vpc_id", "vpc-id"),
            ],
        );
        let mut request =
            clients.ec2.describe_subnets().set_filters((!filters.is_empty()).then_some(filters));
        if let Some(id) = config.get("id").as_str() {
            request = request.subnet_ids(id);
        }
        let subnets = sent!(request)?.subnets.unwrap_or_default();
        let subnet = single_match(subnets, "EC2 Subnet")?;
        let id = subnet.subnet_id().unwrap_or_default();
        let owner = subnet.owner_id().unwrap_or_default();
        let arn = subnet
            .subnet_arn()
            .map(str::to_string)
            .unwrap_or_else(|| ec2_arn(&clients.region, owner, "subnet", id));
        let ipv6 = subnet.ipv6_cidr_block_association_set().iter().find(|a| {
            a.ipv6_cidr_block_state()
                .and_then(|s| s.state())
                .is_some_and(|s| s.as_str() == "associated")
        });
        let dns = subnet.private_dns_name_options_on_launch();
        let flag = |value: Option<bool>| Value::Bool(value.unwrap_or(false));
        let entries = [
            ("id", Value::string(id)),
            ("arn", Value::string(arn)),
            ("availability_zone", optional_string(subnet.availability_zone())),
            ("availability_zone_id", optional_string(subnet.availability_zone_id())),
            (
                "available_ip_address_count",
                Value::Number(f64::from(subnet.available_ip_address_count().unwrap_or(0))),
            ),
            ("cidr_block", optional_string(subnet.cidr_block())),
            ("default_for_az", flag(subnet.default_for_az())),
            ("ipv6_cidr_block", optional_string(ipv6.and_then(|a| a.ipv6_cidr_block()))),
            (
                "ipv6_cidr_block_association_id",
                optional_string(ipv6.and_then(|a| a.association_id())),
            ),
            ("state", optional_string(subnet.state().map(|s| s.as_str()))),
            ("vpc_id", optional_string(subnet.vpc_id())),
            ("tags", visible_ec2_tags(subnet.tags())),
            ("assign_ipv6_address_on_creation", flag(subnet.assign_ipv6_address_on_creation())),
            (
                "customer_owned_ipv4_pool",
                Value::string(subnet.customer_owned_ipv4_pool().unwrap_or_default()),
            ),
            ("enable_dns64", flag(subnet.enable_dns64())),
            (
                "enable_lni_at_device_index",
                Value::Number(f64::from(subnet.enable_lni_at_device_index().unwrap_or(0))),
            ),
            (
                "enable_resource_name_dns_aaaa_record_on_launch",
                flag(dns.and_then(|d| d.enable_resource_name_dns_aaaa_record())),
            ),
            (
                "enable_resource_name_dns_a_record_on_launch",
                flag(dns.and_then(|d| d.enable_resource_name_dns_a_record())),
            ),
            ("ipv6_native", flag(subnet.ipv6_native())),
            ("map_customer_owned_ip_on_launch", flag(subnet.map_customer_owned_ip_on_launch())),
            ("map_public_ip_on_launch", flag(subnet.map_public_ip_on_launch())),
            ("outpost_arn", Value::string(subnet.outpost_arn().unwrap_or_default())),
            ("owner_id", Value::string(owner)),
            (
                "private_dns_hostname_type_on_launch",
                optional_string(dns.and_then(|d| d.hostname_type()).map(|t| t.as_str())),
            ),
        ];
        Ok(lookup_value(&this.schema, config, entries))
    }
}
