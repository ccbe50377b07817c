//! `aws_vpc_security_group_egress_rule`: the egress twin of
//! [`super::aws_vpc_security_group_ingress_rule`], which holds the shared implementation.

use std::sync::Arc;

use crate::resources::ec2::aws_vpc_security_group_ingress_rule::VpcSecurityGroupRule;
use crate::Aws;

pub fn egress(aws: Arc<Aws>) -> VpcSecurityGroupRule {
    VpcSecurityGroupRule::new(aws, true)
}
