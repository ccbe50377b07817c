//! The provider itself: region, partition, default tags.

super::data_source_types! {
    global_data;
    aws_region::AwsRegion::new,
    aws_partition::AwsPartition::new,
}
