//! CodeDeploy: an ECS application with a blue/green deployment group for an ECS service behind
//! a pair of target groups, a Server application with an in-place group that picks instances by
//! EC2 (and on-premises) tag filters, and a spare Lambda application. A plan afterwards shows no
//! changes; the Server application and its group are renamed in place (the group follows its
//! application), the ECS group's deployment configuration, alarms and tags change in place; a new
//! compute platform replaces the spare application; every object imports by its Terraform
//! import ID (the spare application by its `<application_id>:<name>` ID); destroy leaves no
//! application in the emulator.
//!
//! The ECS cluster and service, the listeners, target groups, service role and SNS topic are
//! names and ARNs in variables: moto 5.2.5 checks none of them. Its missing CodeDeploy
//! operations (UpdateApplication, DeleteApplication, UpdateDeploymentGroup,
//! DeleteDeploymentGroup, BatchGetDeploymentGroups) come from `tests/support/moto_codedeploy.py`.

use infra_testkit::{Moto, Stack};

use super::{
    apply_ok as apply, assert_contains, destroy_ok, infra, plan_is_clean, reimport, state_id,
    NO_VARS,
};

const STACK: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "server_app_name" {
  type    = string
  default = "deploy-web"
}

variable "server_group_name" {
  type    = string
  default = "deploy-web-in-place"
}

variable "deployment_config" {
  type    = string
  default = "CodeDeployDefault.ECSAllAtOnce"
}

variable "alarm_enabled" {
  type    = bool
  default = true
}

variable "env" {
  type    = string
  default = "dev"
}

variable "spare_platform" {
  type    = string
  default = "Lambda"
}

variable "service_role_arn" {
  type    = string
  default = "arn:aws:iam::123456789012:role/codedeploy"
}

variable "prod_listener_arn" {
  type    = string
  default = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/deploy/50dc6c495c0c9188/f2f7dc8efc522ab2"
}

variable "test_listener_arn" {
  type    = string
  default = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/deploy/50dc6c495c0c9188/8ea9f2e5c3a1b4d7"
}

variable "topic_arn" {
  type    = string
  default = "arn:aws:sns:us-east-1:123456789012:deploy-events"
}

resource "aws_codedeploy_app" "ecs" {
  name             = "deploy-ecs"
  compute_platform = "ECS"

  tags = {
    Env = var.env
  }
}

resource "aws_codedeploy_deployment_group" "ecs" {
  app_name               = aws_codedeploy_app.ecs.name
  deployment_group_name  = "deploy-ecs-blue-green"
  service_role_arn       = var.service_role_arn
  deployment_config_name = var.deployment_config

  auto_rollback_configuration {
    enabled = true
    events  = ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"]
  }

  alarm_configuration {
    alarms  = ["deploy-errors"]
    enabled = var.alarm_enabled
  }

  blue_green_deployment_config {
    deployment_ready_option {
      action_on_timeout = "CONTINUE_DEPLOYMENT"
    }

    terminate_blue_instances_on_deployment_success {
      action                           = "TERMINATE"
      termination_wait_time_in_minutes = 5
    }
  }

  deployment_style {
    deployment_option = "WITH_TRAFFIC_CONTROL"
    deployment_type   = "BLUE_GREEN"
  }

  ecs_service {
    cluster_name = "deploy-cluster"
    service_name = "deploy-service"
  }

  load_balancer_info {
    target_group_pair_info {
      prod_traffic_route {
        listener_arns = [var.prod_listener_arn]
      }

      test_traffic_route {
        listener_arns = [var.test_listener_arn]
      }

      target_group {
        name = "deploy-blue"
      }

      target_group {
        name = "deploy-green"
      }
    }
  }

  trigger_configuration {
    trigger_events     = ["DeploymentFailure", "DeploymentSuccess"]
    trigger_name       = "deploy-events"
    trigger_target_arn = var.topic_arn
  }

  tags = {
    Env = var.env
  }
}

resource "aws_codedeploy_app" "server" {
  name = var.server_app_name
}

resource "aws_codedeploy_deployment_group" "server" {
  app_name                    = aws_codedeploy_app.server.name
  deployment_group_name       = var.server_group_name
  service_role_arn            = var.service_role_arn
  outdated_instances_strategy = "IGNORE"

  ec2_tag_filter {
    key   = "Role"
    type  = "KEY_AND_VALUE"
    value = "web"
  }

  ec2_tag_filter {
    key  = "Deploy"
    type = "KEY_ONLY"
  }

  on_premises_instance_tag_filter {
    key   = "Site"
    type  = "KEY_AND_VALUE"
    value = "lab"
  }
}

resource "aws_codedeploy_app" "spare" {
  name             = "deploy-spare"
  compute_platform = var.spare_platform
}

output "ids" {
  value = [aws_codedeploy_app.ecs.id, aws_codedeploy_deployment_group.ecs.arn, aws_codedeploy_deployment_group.ecs.compute_platform]
}
"#;

/// Every application in the emulator with its platform and tags, and each of its deployment
/// groups with its deployment configuration, style, ECS services, target groups, EC2 tag
/// filter keys, strategy, alarm configuration and tags.
fn emulator_view(moto: &Moto) -> String {
    moto.python(
        r#"
import boto3
cd = boto3.client('codedeploy')
prefix = 'arn:aws:codedeploy:us-east-1:123456789012:'
def tags(arn):
    return sorted(f"{t['Key']}={t['Value']}" for t in cd.list_tags_for_resource(ResourceArn=arn)['Tags'] if not t['Key'].startswith('infra:'))
for name in sorted(cd.list_applications()['applications']):
    app = cd.get_application(applicationName=name)['application']
    print('app', name, app['computePlatform'], tags(prefix + 'application:' + name))
    for group in sorted(cd.list_deployment_groups(applicationName=name)['deploymentGroups']):
        g = cd.get_deployment_group(applicationName=name, deploymentGroupName=group)['deploymentGroupInfo']
        style = (g.get('deploymentStyle') or {}).get('deploymentType')
        services = [s['serviceName'] for s in g.get('ecsServices') or []]
        pairs = (g.get('loadBalancerInfo') or {}).get('targetGroupPairInfoList') or []
        target_groups = [t['name'] for p in pairs for t in p['targetGroups']]
        filters = sorted(f['Key'] for f in g.get('ec2TagFilters') or [])
        alarms = g.get('alarmConfiguration') or {}
        alarm_names = sorted(a['name'] for a in alarms.get('alarms') or [])
        print('group', group, g['deploymentConfigName'], style, services, target_groups, filters,
              g.get('outdatedInstancesStrategy'), alarms.get('enabled', False), alarm_names,
              tags(prefix + 'deploymentgroup:' + name + '/' + group))
"#,
    )
}

/// The ECS group's line in [`emulator_view`].
fn ecs_group(config: &str, alarms_enabled: &str, env: &str) -> String {
    format!(
        "group deploy-ecs-blue-green {config} BLUE_GREEN ['deploy-service'] \
         ['deploy-blue', 'deploy-green'] [] UPDATE {alarms_enabled} ['deploy-errors'] \
         ['Env={env}']\n"
    )
}

/// The Server group's line in [`emulator_view`].
fn server_group(name: &str) -> String {
    format!(
        "group {name} CodeDeployDefault.OneAtATime None [] [] ['Deploy', 'Role'] IGNORE False \
         [] []\n"
    )
}

#[test]
fn codedeploy_apps_and_groups_apply_update_replace_import_and_destroy() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", STACK);

    let created = apply(&stack, &moto, NO_VARS);
    assert_contains(&created, "Apply complete! Resources: 5 added, 0 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, NO_VARS, "after the first apply");
    assert_eq!(
        emulator_view(&moto),
        format!(
            "app deploy-ecs ECS ['Env=dev']\n{}\
             app deploy-spare Lambda []\n\
             app deploy-web Server []\n{}",
            ecs_group("CodeDeployDefault.ECSAllAtOnce", "True", "dev"),
            server_group("deploy-web-in-place"),
        )
    );
    let output = infra(&stack, Some(&moto), &["output", "-json", "ids"]).ok();
    assert!(
        output.stdout.contains(
            "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:deploy-ecs/deploy-ecs-blue-green"
        ) && output.stdout.contains(":deploy-ecs\"")
            && output.stdout.contains("\"ECS\""),
        "{}",
        output.stdout
    );
    // The group's Terraform ID is its deployment group ID, the application's `<id>:<name>`.
    let group_id = state_id(&stack, "aws_codedeploy_deployment_group.ecs");
    assert!(!group_id.is_empty() && !group_id.contains(':'), "{group_id}");
    let app_id = state_id(&stack, "aws_codedeploy_app.ecs");
    assert!(app_id.ends_with(":deploy-ecs"), "{app_id}");

    // In place: the Server application and its group renamed (the group follows its
    // application), the ECS group's deployment configuration and alarms, the ECS tags.
    let mut vars = vec![
        "-var=server_app_name=deploy-web-v2".to_string(),
        "-var=server_group_name=deploy-web-rolling".to_string(),
        "-var=deployment_config=CodeDeployDefault.ECSLinear10PercentEvery1Minutes".to_string(),
        "-var=alarm_enabled=false".to_string(),
        "-var=env=prod".to_string(),
    ];
    let changed = apply(&stack, &moto, &vars);
    assert_contains(&changed, "Apply complete! Resources: 0 added, 4 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, &vars, "after the in-place update");
    let after_update = format!(
        "app deploy-ecs ECS ['Env=prod']\n{}\
         app deploy-spare Lambda []\n\
         app deploy-web-v2 Server []\n{}",
        ecs_group("CodeDeployDefault.ECSLinear10PercentEvery1Minutes", "False", "prod"),
        server_group("deploy-web-rolling"),
    );
    assert_eq!(emulator_view(&moto), after_update);
    assert_eq!(
        state_id(&stack, "aws_codedeploy_deployment_group.ecs"),
        group_id,
        "an in-place update keeps the group"
    );

    // A new compute platform replaces the spare application.
    vars.push("-var=spare_platform=Server".to_string());
    let replaced = apply(&stack, &moto, &vars);
    assert_contains(&replaced, "Apply complete! Resources: 1 added, 0 changed, 1 destroyed.");
    plan_is_clean(&stack, &moto, &vars, "after the replacement");
    assert_eq!(
        emulator_view(&moto),
        after_update.replace("app deploy-spare Lambda", "app deploy-spare Server")
    );

    // Import: applications by name (the spare one by its Terraform ID), groups by
    // `<app_name>:<deployment_group_name>`.
    let spare_id = state_id(&stack, "aws_codedeploy_app.spare");
    assert!(spare_id.ends_with(":deploy-spare"), "{spare_id}");
    reimport(
        &stack,
        &moto,
        &vars,
        &[
            ("aws_codedeploy_app.ecs", "deploy-ecs"),
            ("aws_codedeploy_deployment_group.ecs", "deploy-ecs:deploy-ecs-blue-green"),
            ("aws_codedeploy_app.server", "deploy-web-v2"),
            ("aws_codedeploy_deployment_group.server", "deploy-web-v2:deploy-web-rolling"),
            ("aws_codedeploy_app.spare", spare_id.as_str()),
        ],
    );
    plan_is_clean(&stack, &moto, &vars, "after the imports");
    assert_eq!(
        state_id(&stack, "aws_codedeploy_deployment_group.ecs"),
        group_id,
        "import finds the group's ID"
    );

    let destroyed = destroy_ok(&stack, &moto, &vars);
    assert_contains(&destroyed, "Destroy complete! Resources: 5 destroyed.");
    assert_eq!(emulator_view(&moto), "");
}
