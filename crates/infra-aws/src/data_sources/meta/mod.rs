//! The provider itself: region, partition, default tags.

super::data_source_types! {
    aws_region::AwsRegion::new,
}
