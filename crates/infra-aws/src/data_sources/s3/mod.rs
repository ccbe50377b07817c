//! S3: buckets.

super::data_source_types! {
    regional_data;
    aws_s3_bucket::AwsS3Bucket::new,
}
