//! ECS capacity: a cluster gets an EC2 capacity provider over an Auto Scaling group and a
//! default strategy over Fargate, Fargate Spot and that provider. A plan afterwards shows no
//! changes; managed scaling, the strategy and tags change in place; a renamed capacity
//! provider is replaced; both types import by their Terraform IDs; destroy leaves no capacity
//! provider and the cluster gone.
//!
//! The Auto Scaling group exists before the stack (infra has no `aws_autoscaling_group` yet);
//! the test makes it in the emulator with boto3, so the capacity provider names a real group,
//! as AWS requires.

use infra_testkit::{Moto, Stack};

use super::{
    apply_and_plan_clean, apply_ok as apply, assert_contains, destroy_ok, infra, plan_is_clean,
    reimport,
};

const STACK: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "asg_arn" {
  type = string
}

variable "target_capacity" {
  type    = number
  default = 90
}

variable "fargate_weight" {
  type    = number
  default = 1
}

variable "env" {
  type    = string
  default = "dev"
}

variable "spare_name" {
  type    = string
  default = "capacity-spare"
}

resource "aws_ecs_cluster" "main" {
  name = "capacity"
}

resource "aws_ecs_capacity_provider" "ec2" {
  name = "capacity-ec2"

  auto_scaling_group_provider {
    auto_scaling_group_arn         = var.asg_arn
    managed_termination_protection = "DISABLED"

    managed_scaling {
      status                    = "ENABLED"
      target_capacity           = var.target_capacity
      minimum_scaling_step_size = 1
      maximum_scaling_step_size = 100
      instance_warmup_period    = 120
    }
  }

  tags = {
    Env = var.env
  }
}

resource "aws_ecs_capacity_provider" "spare" {
  name = var.spare_name

  auto_scaling_group_provider {
    auto_scaling_group_arn = var.asg_arn
  }
}

resource "aws_ecs_cluster_capacity_providers" "main" {
  cluster_name       = aws_ecs_cluster.main.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT", aws_ecs_capacity_provider.ec2.name]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    base              = 1
    weight            = var.fargate_weight
  }

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE_SPOT"
    weight            = 1
  }
}

output "provider" {
  value = [aws_ecs_capacity_provider.ec2.arn, aws_ecs_capacity_provider.ec2.auto_scaling_group_provider[0].managed_scaling[0].target_capacity]
}
"#;

/// Makes an Auto Scaling group in the emulator; returns its ARN.
fn auto_scaling_group(moto: &Moto) -> String {
    moto.python(
        r#"
import boto3
autoscaling = boto3.client('autoscaling')
autoscaling.create_launch_configuration(LaunchConfigurationName='capacity', ImageId='ami-12c6146b', InstanceType='t3.micro')
autoscaling.create_auto_scaling_group(AutoScalingGroupName='capacity', LaunchConfigurationName='capacity', MinSize=0, MaxSize=2, AvailabilityZones=['us-east-1a'])
print(autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=['capacity'])['AutoScalingGroups'][0]['AutoScalingGroupARN'])
"#,
    )
    .trim()
    .to_string()
}

/// The cluster's capacity providers and default strategy, and every active capacity
/// provider with its target capacity and tags, as the emulator holds them.
fn emulator_view(moto: &Moto) -> String {
    moto.python(
        r#"
import boto3
ecs = boto3.client('ecs')
clusters = ecs.describe_clusters(clusters=['capacity'])['clusters']
for cluster in clusters:
    if cluster['status'] != 'ACTIVE': continue
    strategy = sorted(f"{s['capacityProvider']}:{s.get('base', 0)}:{s.get('weight', 0)}" for s in cluster.get('defaultCapacityProviderStrategy') or [])
    print('cluster', sorted(cluster.get('capacityProviders') or []), strategy)
names = ['capacity-ec2', 'capacity-spare', 'capacity-other']
for provider in ecs.describe_capacity_providers(capacityProviders=names, include=['TAGS'])['capacityProviders']:
    scaling = provider['autoScalingGroupProvider'].get('managedScaling', {})
    tags = sorted(f"{t['key']}={t['value']}" for t in provider.get('tags') or [] if not t['key'].startswith('infra:'))
    print('provider', provider['name'], scaling.get('targetCapacity'), tags)
"#,
    )
}

#[test]
fn ecs_capacity_providers_apply_update_replace_import_and_destroy() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", STACK);
    let asg = auto_scaling_group(&moto);
    assert!(asg.starts_with("arn:aws:autoscaling:"), "{asg}");
    let mut vars = vec![format!("-var=asg_arn={asg}")];

    let created = apply(&stack, &moto, &vars);
    assert_contains(&created, "Apply complete! Resources: 4 added, 0 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, &vars, "after the first apply");
    assert_eq!(
        emulator_view(&moto),
        "cluster ['FARGATE', 'FARGATE_SPOT', 'capacity-ec2'] ['FARGATE:1:1', 'FARGATE_SPOT:0:1']\n\
         provider capacity-ec2 90 ['Env=dev']\n\
         provider capacity-spare 100 []\n"
    );
    let output = infra(&stack, Some(&moto), &["output", "-json", "provider"]).ok();
    assert_contains(
        &output.stdout,
        "arn:aws:ecs:us-east-1:123456789012:capacity-provider/capacity-ec2",
    );

    // In place: managed scaling and tags on the provider, the weight in the strategy.
    vars.extend([
        "-var=target_capacity=75".to_string(),
        "-var=fargate_weight=3".to_string(),
        "-var=env=prod".to_string(),
    ]);
    apply_and_plan_clean(
        &stack,
        &moto,
        &vars,
        "Resources: 0 added, 2 changed, 0 destroyed.",
        "after the in-place update",
    );
    assert_eq!(
        emulator_view(&moto),
        "cluster ['FARGATE', 'FARGATE_SPOT', 'capacity-ec2'] ['FARGATE:1:3', 'FARGATE_SPOT:0:1']\n\
         provider capacity-ec2 75 ['Env=prod']\n\
         provider capacity-spare 100 []\n"
    );

    // A new name replaces the capacity provider.
    vars.push("-var=spare_name=capacity-other".to_string());
    apply_and_plan_clean(
        &stack,
        &moto,
        &vars,
        "Resources: 1 added, 0 changed, 1 destroyed.",
        "after the replacement",
    );
    assert!(
        emulator_view(&moto).ends_with("provider capacity-other 100 []\n"),
        "{}",
        emulator_view(&moto)
    );

    // Import: the capacity provider by name, the cluster's providers by cluster name.
    reimport(
        &stack,
        &moto,
        &vars,
        &[
            (
                "aws_ecs_capacity_provider.ec2",
                "arn:aws:ecs:us-east-1:123456789012:capacity-provider/capacity-ec2",
            ),
            ("aws_ecs_cluster_capacity_providers.main", "capacity"),
        ],
    );
    plan_is_clean(&stack, &moto, &vars, "after the imports");

    let destroyed = destroy_ok(&stack, &moto, &vars);
    assert_contains(&destroyed, "Destroy complete! Resources: 4 destroyed.");
    assert_eq!(emulator_view(&moto), "");
}
