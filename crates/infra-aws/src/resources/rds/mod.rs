//! RDS: database instances and their subnet groups.

super::resource_types! {
    regional;
    aws_db_subnet_group::AwsDbSubnetGroup::new,
    aws_db_instance::AwsDbInstance::new,
}
