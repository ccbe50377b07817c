//! ECS: clusters, task definitions and (blue/green) services.

super::resource_types! {
    regional;
    aws_ecs_cluster::AwsEcsCluster::new,
    aws_ecs_task_definition::AwsEcsTaskDefinition::new,
    aws_ecs_service::AwsEcsService::new,
}
