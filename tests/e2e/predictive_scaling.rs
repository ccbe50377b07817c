//! Predictive scaling of an ECS service: a scalable target on the service's desired count and two
//! `PredictiveScaling` policies, one on a predefined metric pair in ForecastOnly mode with a
//! capacity buffer, one on a predefined scaling metric with customized load and capacity metrics
//! (metric data queries, metric math) that leaves `mode` to AWS's default. Apply, a clean plan,
//! drift made outside infra seen and undone, the target value and mode changed in place, a
//! renamed policy replaced, import of every resource by its Terraform ID, and a destroy that
//! leaves the emulator without policies or target.
//!
//! The ECS service exists before the stack, made in the emulator with boto3, as in the monitoring
//! test's scaling stack. moto 5.2.5 refuses the PredictiveScaling policy type;
//! tests/support/moto_appautoscaling.py (loaded by moto_server.py) makes it accept and report it.

use infra_testkit::{Moto, Stack};

use super::{
    apply_ok as apply, assert_contains, destroy_ok, plan_is_clean, plan_run, reimport, NO_VARS,
};

const STACK: &str = r#"
variable "target_value" {
  type    = number
  default = 40
}

variable "mode" {
  type    = string
  default = "ForecastOnly"
}

variable "custom_name" {
  type    = string
  default = "requests-forecast"
}

resource "aws_appautoscaling_target" "api" {
  service_namespace  = "ecs"
  resource_id        = "service/forecast/api"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = 1
  max_capacity       = 4
}

resource "aws_appautoscaling_policy" "forecast" {
  name               = "cpu-forecast"
  policy_type        = "PredictiveScaling"
  service_namespace  = aws_appautoscaling_target.api.service_namespace
  resource_id        = aws_appautoscaling_target.api.resource_id
  scalable_dimension = aws_appautoscaling_target.api.scalable_dimension

  predictive_scaling_policy_configuration {
    mode                         = var.mode
    scheduling_buffer_time       = 300
    max_capacity_breach_behavior = "IncreaseMaxCapacity"
    max_capacity_buffer          = 10

    metric_specification {
      target_value = var.target_value

      predefined_metric_pair_specification {
        predefined_metric_type = "ECSServiceCPUUtilization"
      }
    }
  }
}

resource "aws_appautoscaling_policy" "custom" {
  name               = var.custom_name
  policy_type        = "PredictiveScaling"
  service_namespace  = aws_appautoscaling_target.api.service_namespace
  resource_id        = aws_appautoscaling_target.api.resource_id
  scalable_dimension = aws_appautoscaling_target.api.scalable_dimension

  predictive_scaling_policy_configuration {
    metric_specification {
      target_value = 70.5

      predefined_scaling_metric_specification {
        predefined_metric_type = "ECSServiceAverageCPUUtilization"
      }

      customized_load_metric_specification {
        metric_data_query {
          id          = "load"
          label       = "Total CPU of the service"
          return_data = true

          metric_stat {
            stat = "Sum"
            unit = "Percent"

            metric {
              metric_name = "CPUUtilization"
              namespace   = "AWS/ECS"

              dimension {
                name  = "ClusterName"
                value = "forecast"
              }

              dimension {
                name  = "ServiceName"
                value = "api"
              }
            }
          }
        }
      }

      customized_capacity_metric_specification {
        metric_data_query {
          id          = "running"
          return_data = false

          metric_stat {
            stat = "Average"

            metric {
              metric_name = "RunningTaskCount"
              namespace   = "ECS/ContainerInsights"

              dimension {
                name  = "ServiceName"
                value = "api"
              }
            }
          }
        }

        metric_data_query {
          id          = "capacity"
          expression  = "running * 1"
          label       = "Running tasks"
          return_data = true
        }
      }
    }
  }
}
"#;

/// The cluster and service the stack scales, made outside the stack.
fn ecs_service(moto: &Moto) {
    moto.python(
        "import boto3\n\
         ecs = boto3.client('ecs')\n\
         ecs.create_cluster(clusterName='forecast')\n\
         ecs.register_task_definition(family='api', containerDefinitions=[{'name': 'api', 'image': 'nginx', 'memory': 128}])\n\
         ecs.create_service(cluster='forecast', serviceName='api', taskDefinition='api', desiredCount=1)",
    );
}

/// The ECS scaling policies (with their predictive configuration) and scalable targets the
/// emulator holds, one line each.
fn scaling_objects(moto: &Moto) -> String {
    moto.python(
        r#"
import boto3
aas = boto3.client('application-autoscaling')
policies = aas.describe_scaling_policies(ServiceNamespace='ecs')['ScalingPolicies']
for p in sorted(policies, key=lambda p: p['PolicyName']):
    c = p.get('PredictiveScalingPolicyConfiguration', {})
    s = (c.get('MetricSpecifications') or [{}])[0]
    metrics = []
    for key in sorted(k for k in s if k != 'TargetValue'):
        spec = s[key]
        if 'PredefinedMetricType' in spec:
            metrics.append(key + '=' + spec['PredefinedMetricType'])
        else:
            metrics.append(key + '=' + ','.join(q['Id'] for q in spec['MetricDataQueries']))
    print('policy', p['PolicyName'], p['PolicyType'], c.get('Mode'), '%g' % s.get('TargetValue', 0),
          c.get('SchedulingBufferTime'), c.get('MaxCapacityBreachBehavior'), c.get('MaxCapacityBuffer'),
          ' '.join(metrics))
for t in aas.describe_scalable_targets(ServiceNamespace='ecs')['ScalableTargets']:
    print('target', t['ResourceId'], t['MinCapacity'], t['MaxCapacity'])
"#,
    )
}

const CUSTOM_METRICS: &str = "CustomizedCapacityMetricSpecification=running,capacity \
     CustomizedLoadMetricSpecification=load \
     PredefinedScalingMetricSpecification=ECSServiceAverageCPUUtilization";

#[test]
fn ecs_predictive_scaling_policies() {
    let moto = Moto::start();
    ecs_service(&moto);
    let stack = Stack::new();
    stack.write("main.tf", STACK);
    let mut vars: Vec<String> = vec![];

    let created = apply(&stack, &moto, &vars);
    assert_contains(&created, "Apply complete! Resources: 3 added, 0 changed, 0 destroyed.");
    assert_eq!(
        scaling_objects(&moto),
        format!(
            "policy cpu-forecast PredictiveScaling ForecastOnly 40 300 IncreaseMaxCapacity 10 \
             PredefinedMetricPairSpecification=ECSServiceCPUUtilization\n\
             policy requests-forecast PredictiveScaling ForecastOnly 70.5 None None None \
             {CUSTOM_METRICS}\n\
             target service/forecast/api 1 4\n"
        )
    );
    plan_is_clean(&stack, &moto, &vars, "after the first apply");

    // Drift made outside infra: the policy is read back, and the apply puts it back.
    moto.python(
        "import boto3\n\
         boto3.client('application-autoscaling').put_scaling_policy(\n    \
             PolicyName='cpu-forecast', ServiceNamespace='ecs', ResourceId='service/forecast/api',\n    \
             ScalableDimension='ecs:service:DesiredCount', PolicyType='PredictiveScaling',\n    \
             PredictiveScalingPolicyConfiguration={'MetricSpecifications': [{'TargetValue': 99,\n        \
                 'PredefinedMetricPairSpecification': {'PredefinedMetricType': 'ECSServiceCPUUtilization'}}],\n        \
                 'Mode': 'ForecastAndScale', 'SchedulingBufferTime': 300,\n        \
                 'MaxCapacityBreachBehavior': 'IncreaseMaxCapacity', 'MaxCapacityBuffer': 10})",
    );
    let drifted = plan_run(&stack, &moto, NO_VARS).expect_code(2);
    assert_contains(
        &drifted.stdout,
        "# aws_appautoscaling_policy.forecast will be updated in-place",
    );
    let restored = apply(&stack, &moto, &vars);
    assert_contains(&restored, "Apply complete! Resources: 0 added, 1 changed, 0 destroyed.");
    assert!(
        scaling_objects(&moto).starts_with(
            "policy cpu-forecast PredictiveScaling ForecastOnly 40 300 IncreaseMaxCapacity 10 "
        ),
        "{}",
        scaling_objects(&moto)
    );
    plan_is_clean(&stack, &moto, &vars, "after the drift was undone");

    // In place: the target value and the mode.
    vars.extend(["-var=target_value=55.5".to_string(), "-var=mode=ForecastAndScale".to_string()]);
    let changed = apply(&stack, &moto, &vars);
    assert_contains(&changed, "Apply complete! Resources: 0 added, 1 changed, 0 destroyed.");
    assert!(
        scaling_objects(&moto).starts_with(
            "policy cpu-forecast PredictiveScaling ForecastAndScale 55.5 300 IncreaseMaxCapacity 10 \
             PredefinedMetricPairSpecification=ECSServiceCPUUtilization\n"
        ),
        "{}",
        scaling_objects(&moto)
    );
    plan_is_clean(&stack, &moto, &vars, "after the in-place update");

    // A new name replaces the policy.
    vars.push("-var=custom_name=load-forecast".to_string());
    let replaced = apply(&stack, &moto, &vars);
    assert_contains(&replaced, "Apply complete! Resources: 1 added, 0 changed, 1 destroyed.");
    let held = scaling_objects(&moto);
    assert_contains(&held, &format!(
            "policy load-forecast PredictiveScaling ForecastOnly 70.5 None None None {CUSTOM_METRICS}\n"
        ));
    assert!(!held.contains("requests-forecast"), "{held}");
    plan_is_clean(&stack, &moto, &vars, "after the replacement");

    reimport(
        &stack,
        &moto,
        &vars,
        &[
            ("aws_appautoscaling_target.api", "ecs/service/forecast/api/ecs:service:DesiredCount"),
            (
                "aws_appautoscaling_policy.forecast",
                "ecs/service/forecast/api/ecs:service:DesiredCount/cpu-forecast",
            ),
            (
                "aws_appautoscaling_policy.custom",
                "ecs/service/forecast/api/ecs:service:DesiredCount/load-forecast",
            ),
        ],
    );
    plan_is_clean(&stack, &moto, &vars, "after the imports");

    let destroyed = destroy_ok(&stack, &moto, &vars);
    assert_contains(&destroyed, "Destroy complete! Resources: 3 destroyed.");
    assert_eq!(scaling_objects(&moto), "");
}
