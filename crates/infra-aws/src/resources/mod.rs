//! Managed resource types, one file each, each registered with one line below.

use std::sync::Arc;

use infra_core::Registry;

use crate::Aws;

// --- network (EC2) modules ---
pub mod aws_eip;
pub mod aws_internet_gateway;
pub mod aws_nat_gateway;
pub mod aws_route;
pub mod aws_route_table;
pub mod aws_route_table_association;
pub mod aws_security_group;
pub mod aws_security_group_rule;
pub mod aws_subnet;
pub mod aws_vpc;
pub mod aws_vpc_security_group_egress_rule;
pub mod aws_vpc_security_group_ingress_rule;
// --- end network modules ---

// --- app (ELBv2, ECS, RDS, IAM, logs) modules ---
pub mod aws_cloudwatch_log_group;
pub mod aws_db_instance;
pub mod aws_db_subnet_group;
pub mod aws_ecs_cluster;
pub mod aws_ecs_service;
pub mod aws_ecs_task_definition;
pub mod aws_iam_role;
pub mod aws_iam_role_policy_attachment;
pub mod aws_lb;
pub mod aws_lb_listener;
pub mod aws_lb_listener_rule;
pub mod aws_lb_target_group;
// --- end app modules ---

pub(crate) fn register_all(registry: &mut Registry, aws: &Arc<Aws>) {
    // --- network (EC2) registrations ---
    registry.register_resource(Arc::new(aws_vpc::AwsVpc::new(aws.clone())));
    registry.register_resource(Arc::new(aws_subnet::AwsSubnet::new(aws.clone())));
    registry.register_resource(Arc::new(aws_security_group::AwsSecurityGroup::new(
        aws.clone(),
    )));
    registry.register_resource(Arc::new(aws_internet_gateway::AwsInternetGateway::new(
        aws.clone(),
    )));
    registry.register_resource(Arc::new(aws_eip::AwsEip::new(aws.clone())));
    registry.register_resource(Arc::new(aws_nat_gateway::AwsNatGateway::new(aws.clone())));
    registry.register_resource(Arc::new(aws_route_table::AwsRouteTable::new(aws.clone())));
    registry.register_resource(Arc::new(aws_route::AwsRoute::new(aws.clone())));
    registry.register_resource(Arc::new(
        aws_route_table_association::AwsRouteTableAssociation::new(aws.clone()),
    ));
    registry.register_resource(Arc::new(
        aws_security_group_rule::AwsSecurityGroupRule::new(aws.clone()),
    ));
    registry.register_resource(Arc::new(aws_vpc_security_group_ingress_rule::ingress(
        aws.clone(),
    )));
    registry.register_resource(Arc::new(aws_vpc_security_group_egress_rule::egress(
        aws.clone(),
    )));
    // --- end network registrations ---

    // --- app (ELBv2, ECS, RDS, IAM, logs) registrations ---
    registry.register_resource(Arc::new(aws_lb::AwsLb::new(aws.clone())));
    registry.register_resource(Arc::new(aws_lb_target_group::AwsLbTargetGroup::new(
        aws.clone(),
    )));
    registry.register_resource(Arc::new(aws_lb_listener::AwsLbListener::new(aws.clone())));
    registry.register_resource(Arc::new(aws_lb_listener_rule::AwsLbListenerRule::new(
        aws.clone(),
    )));
    registry.register_resource(Arc::new(aws_ecs_cluster::AwsEcsCluster::new(aws.clone())));
    registry.register_resource(Arc::new(
        aws_ecs_task_definition::AwsEcsTaskDefinition::new(aws.clone()),
    ));
    registry.register_resource(Arc::new(aws_ecs_service::AwsEcsService::new(aws.clone())));
    registry.register_resource(Arc::new(aws_db_subnet_group::AwsDbSubnetGroup::new(
        aws.clone(),
    )));
    registry.register_resource(Arc::new(aws_db_instance::AwsDbInstance::new(aws.clone())));
    registry.register_resource(Arc::new(aws_iam_role::AwsIamRole::new(aws.clone())));
    registry.register_resource(Arc::new(
        aws_iam_role_policy_attachment::AwsIamRolePolicyAttachment::new(aws.clone()),
    ));
    registry.register_resource(Arc::new(
        aws_cloudwatch_log_group::AwsCloudwatchLogGroup::new(aws.clone()),
    ));
    // --- end app registrations ---
    let _ = (registry, aws);
}
