//! EventBridge (CloudWatch Events): rules and their targets.

super::resource_types! {
    regional;
    aws_cloudwatch_event_rule::AwsCloudwatchEventRule::new,
    aws_cloudwatch_event_target::AwsCloudwatchEventTarget::new,
}
