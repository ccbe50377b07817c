//! `aws_default_vpc`: adopts the region's default VPC. As in the provider (since v4), when the
//! region has none, one is created with CreateDefaultVpc; `existing_default_vpc` tells which.
//! Adoption then applies the configured DNS attributes, IPv6 block and tags (the VPC's tags
//! become the configured ones). Destroying it only forgets it, unless `force_destroy` is set:
//! then the VPC is deleted (which AWS refuses while its default subnets and internet gateway
//! remain). Import takes the VPC id.
//!
//! Reads, updates and the adoption itself are `aws_vpc`'s: this is its [`VpcObject`] with
//! `DEFAULT`. AWS does not report `ipv6_ipam_pool_id` and `ipv6_netmask_length`, so they are
//! kept from the configuration; moto does not return `ipv6_cidr_block_network_border_group`,
//! so drift on it is not seen in tests.

use crate::ec2_object::Ec2Type;
use crate::resources::ec2::aws_vpc::VpcObject;

pub type AwsDefaultVpc = Ec2Type<VpcObject<true>>;
