//! CloudWatch and CloudWatch Logs.

super::resource_types! {
    regional;
    aws_cloudwatch_log_group::AwsCloudwatchLogGroup::new,
}
