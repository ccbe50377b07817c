//! RDS: database instances.

super::data_source_types! {
    regional_data;
    aws_db_instance::AwsDbInstanceData::new,
}
