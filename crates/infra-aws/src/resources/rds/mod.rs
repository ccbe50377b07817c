//! RDS: database instances, their subnet groups, parameter groups and option groups, and the
//! RDS Proxy in front of them (the proxy, its default target group's pool settings, and the
//! databases registered as its targets).

super::resource_types! {
    regional;
    aws_db_subnet_group::AwsDbSubnetGroup::new,
    aws_db_instance::AwsDbInstance::new,
    aws_db_parameter_group::AwsDbParameterGroup::new,
    aws_db_option_group::AwsDbOptionGroup::new,
    aws_db_proxy::AwsDbProxy::new,
    aws_db_proxy_default_target_group::AwsDbProxyDefaultTargetGroup::new,
    aws_db_proxy_target::AwsDbProxyTarget::new,
}
