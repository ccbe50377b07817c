//! ECS: clusters, their capacity providers, task definitions, (blue/green) services, the task
//! sets of externally deployed services, and Express Mode services.

pub mod service_deployment;

super::resource_types! {
    regional;
    aws_ecs_cluster::AwsEcsCluster::new,
    aws_ecs_capacity_provider::AwsEcsCapacityProvider::new,
    aws_ecs_cluster_capacity_providers::AwsEcsClusterCapacityProviders::new,
    aws_ecs_task_definition::AwsEcsTaskDefinition::new,
    aws_ecs_service::AwsEcsService::new,
    aws_ecs_task_set::AwsEcsTaskSet::new,
    aws_ecs_express_gateway_service::AwsEcsExpressGatewayService::new,
}
