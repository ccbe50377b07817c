//! SNS: topics, their access policies, and subscriptions.

super::resource_types! {
    regional;
    aws_sns_topic::AwsSnsTopic::new,
    aws_sns_topic_policy::AwsSnsTopicPolicy::new,
    aws_sns_topic_subscription::AwsSnsTopicSubscription::new,
}
