//! Elastic Load Balancing v2: Application (and Network) Load Balancers.

super::resource_types! {
    regional;
    aws_lb::AwsLb::new,
    aws_lb_target_group::AwsLbTargetGroup::new,
    aws_lb_target_group_attachment::AwsLbTargetGroupAttachment::new,
    aws_lb_listener::AwsLbListener::new,
    aws_lb_listener_rule::AwsLbListenerRule::new,
    aws_lb_listener_certificate::AwsLbListenerCertificate::new,
}
