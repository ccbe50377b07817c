//! Application Auto Scaling: scalable targets, their scaling policies and scheduled actions.

super::resource_types! {
    regional;
    aws_appautoscaling_target::AwsAppautoscalingTarget::new,
    aws_appautoscaling_policy::AwsAppautoscalingPolicy::new,
    aws_appautoscaling_scheduled_action::AwsAppautoscalingScheduledAction::new,
}
