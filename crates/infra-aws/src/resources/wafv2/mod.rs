//! AWS WAF (v2): the association of a web ACL with a load balancer.

super::resource_types! {
    regional;
    aws_wafv2_web_acl_association::AwsWafv2WebAclAssociation::new,
}
