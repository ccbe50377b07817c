//! EC2: networking and compute lookups.

mod ids;

super::data_source_types! {
    regional_data;
    aws_availability_zones::AwsAvailabilityZones::new,
    aws_vpc::AwsVpc::new,
    aws_vpcs::AwsVpcs::new,
    aws_subnet::AwsSubnet::new,
    aws_subnets::AwsSubnets::new,
    aws_security_group::AwsSecurityGroup::new,
    aws_route_table::AwsRouteTable::new,
    aws_route_tables::AwsRouteTables::new,
    aws_vpc_endpoint_service::AwsVpcEndpointService::new,
    aws_ami::AwsAmi::new,
    aws_ec2_managed_prefix_list::AwsEc2ManagedPrefixList::new,
}
