//! S3: buckets and their split configuration resources (one shared implementation,
//! [`crate::s3_support::BucketSubresource`]).

super::resource_types! {
    regional;
    aws_s3_bucket::AwsS3Bucket::new,
    aws_s3_bucket_versioning::new,
    aws_s3_bucket_server_side_encryption_configuration::new,
    aws_s3_bucket_public_access_block::new,
    aws_s3_bucket_policy::new,
    aws_s3_bucket_ownership_controls::new,
    aws_s3_bucket_lifecycle_configuration::new,
    aws_s3_bucket_logging::new,
    aws_s3_bucket_acl::new,
    aws_s3_bucket_cors_configuration::new,
    aws_s3_bucket_notification::new,
    aws_s3_bucket_object_lock_configuration::new,
}
