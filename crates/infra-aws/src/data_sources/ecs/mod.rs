//! ECS: clusters and task definitions.

super::data_source_types! {
    regional_data;
    aws_ecs_cluster::AwsEcsClusterData::new,
    aws_ecs_task_definition::AwsEcsTaskDefinitionData::new,
}
