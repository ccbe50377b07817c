//! CloudWatch and CloudWatch Logs.

super::resource_types! {
    aws_cloudwatch_log_group::AwsCloudwatchLogGroup::new,
}
