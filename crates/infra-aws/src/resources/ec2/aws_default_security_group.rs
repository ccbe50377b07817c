//! `aws_default_security_group`: adopts a VPC's `default` security group (found by `vpc_id`,
//! or the default VPC's group when `vpc_id` is not set) instead of creating one. As in the
//! provider, adoption revokes every ingress and egress rule the group has, then authorizes the
//! configured ones; the group's tags become the configured tags. Destroying it only forgets it:
//! the group stays, with its rules as they are. Import takes the group id.
//!
//! Rules, reads, updates and the adoption itself are in `aws_security_group` (the same inline
//! `ingress`/`egress` blocks): this is its [`GroupObject`] with `DEFAULT`.
//! `revoke_rules_on_delete` is accepted, as in the provider, and not used.

use crate::ec2_object::Ec2Type;
use crate::resources::ec2::aws_security_group::GroupObject;

pub type AwsDefaultSecurityGroup = Ec2Type<GroupObject<true>>;
