//! EC2: VPC networking.

super::resource_types! {
    regional;
    aws_vpc::AwsVpc::new,
    aws_subnet::AwsSubnet::new,
    aws_security_group::AwsSecurityGroup::new,
    aws_internet_gateway::AwsInternetGateway::new,
    aws_eip::AwsEip::new,
    aws_nat_gateway::AwsNatGateway::new,
    aws_route_table::AwsRouteTable::new,
    aws_route::AwsRoute::new,
    aws_route_table_association::AwsRouteTableAssociation::new,
    aws_security_group_rule::AwsSecurityGroupRule::new,
    aws_vpc_security_group_ingress_rule::ingress,
    aws_vpc_security_group_egress_rule::egress,
    aws_default_security_group::AwsDefaultSecurityGroup::new,
    aws_default_route_table::AwsDefaultRouteTable::new,
    aws_network_acl::AwsNetworkAcl::new,
    aws_default_network_acl::AwsDefaultNetworkAcl::new,
    aws_network_acl_rule::AwsNetworkAclRule::new,
    aws_main_route_table_association::AwsMainRouteTableAssociation::new,
    aws_egress_only_internet_gateway::AwsEgressOnlyInternetGateway::new,
    aws_default_vpc::AwsDefaultVpc::new,
}
