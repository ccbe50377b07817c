//! Elastic Load Balancing v2: load balancers, listeners and target groups.

super::data_source_types! {
    regional_data;
    aws_lb::AwsLbData::new,
    aws_lb_listener::AwsLbListenerData::new,
    aws_lb_target_group::AwsLbTargetGroupData::new,
}
