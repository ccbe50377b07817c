//! S3: buckets and their split configuration resources (one shared implementation,
//! [`crate::s3_support::BucketSubresource`]).

use crate::s3_support::BucketConfig;

super::resource_types! {
    regional;
    aws_s3_bucket::AwsS3Bucket::new,
    aws_s3_bucket_versioning::Versioning::resource,
    aws_s3_bucket_server_side_encryption_configuration::Encryption::resource,
    aws_s3_bucket_public_access_block::PublicAccessBlock::resource,
    aws_s3_bucket_policy::Policy::resource,
    aws_s3_bucket_ownership_controls::OwnershipControlsConfig::resource,
    aws_s3_bucket_lifecycle_configuration::Lifecycle::resource,
    aws_s3_bucket_logging::Logging::resource,
    aws_s3_bucket_acl::Acl::resource,
    aws_s3_bucket_cors_configuration::Cors::resource,
    aws_s3_bucket_notification::Notification::resource,
    aws_s3_bucket_object_lock_configuration::ObjectLock::resource,
}
