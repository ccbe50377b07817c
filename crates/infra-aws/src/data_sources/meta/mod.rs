//! The provider itself: region, partition, default tags.

super::data_source_types! {
    global_data;
    aws_region::AwsRegion::new,
    aws_partition::AwsPartition::new,
    aws_elb_service_account::AwsElbServiceAccount::new,
    aws_canonical_user_id::AwsCanonicalUserId::new,
    aws_default_tags::AwsDefaultTags::new,
}
