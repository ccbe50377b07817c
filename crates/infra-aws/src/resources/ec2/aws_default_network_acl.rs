//! `aws_default_network_acl`: adopts a VPC's default network ACL (`default_network_acl_id`)
//! instead of creating one. As in the provider, adoption removes every entry (but the
//! catch-all deny AWS keeps), then creates the configured `ingress`/`egress` blocks, which are
//! the whole truth (no block: no rule in that direction). The ACL's tags become the configured
//! tags. Subnets in `subnet_ids` are associated with it; a subnet removed from `subnet_ids`
//! cannot be taken away from the default ACL (it must join another ACL), so, as the provider
//! documents, it keeps showing as a difference until it does (the VPC module ignores
//! `subnet_ids` changes for this reason). Destroying it only forgets it. Import takes the ACL
//! id.
//!
//! Entries, associations, reads and the adoption itself are in `aws_network_acl`: this is its
//! [`AclObject`] with `DEFAULT`.

use crate::ec2_object::Ec2Type;
use crate::resources::ec2::aws_network_acl::AclObject;

pub type AwsDefaultNetworkAcl = Ec2Type<AclObject<true>>;
