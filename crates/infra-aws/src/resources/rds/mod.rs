//! RDS: database instances, their subnet groups, parameter groups and option groups.

super::resource_types! {
    regional;
    aws_db_subnet_group::AwsDbSubnetGroup::new,
    aws_db_instance::AwsDbInstance::new,
    aws_db_parameter_group::AwsDbParameterGroup::new,
    aws_db_option_group::AwsDbOptionGroup::new,
}
