//! CodeDeploy: applications and deployment groups (ECS blue/green among them).

super::resource_types! {
    regional;
    aws_codedeploy_app::AwsCodedeployApp::new,
    aws_codedeploy_deployment_group::AwsCodedeployDeploymentGroup::new,
}
