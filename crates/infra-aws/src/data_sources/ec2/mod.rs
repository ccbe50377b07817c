//! EC2: networking and compute lookups.

super::data_source_types! {
    regional_data;
    aws_availability_zones::AwsAvailabilityZones::new,
}
