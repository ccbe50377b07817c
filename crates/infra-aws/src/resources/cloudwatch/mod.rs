//! CloudWatch and CloudWatch Logs.

super::resource_types! {
    regional;
    aws_cloudwatch_log_group::AwsCloudwatchLogGroup::new,
    aws_cloudwatch_metric_alarm::AwsCloudwatchMetricAlarm::new,
    aws_cloudwatch_log_stream::AwsCloudwatchLogStream::new,
    aws_cloudwatch_log_metric_filter::AwsCloudwatchLogMetricFilter::new,
    aws_cloudwatch_log_subscription_filter::AwsCloudwatchLogSubscriptionFilter::new,
    aws_cloudwatch_dashboard::AwsCloudwatchDashboard::new,
}
