//! `aws_vpc_security_group_egress_rule`: the egress twin of
//! [`super::aws_vpc_security_group_ingress_rule`], which holds the shared implementation.

use crate::ec2_object::Ec2Type;
use crate::resources::ec2::aws_vpc_security_group_ingress_rule::RuleObject;

pub type AwsVpcSecurityGroupEgressRule = Ec2Type<RuleObject<true>>;
