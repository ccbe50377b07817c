//! A service's monitoring as a user writes it: a log group with a stream, a metric filter and a
//! subscription filter shipping to Kinesis, metric alarms (one metric with dimensions, a
//! percentile, metric math) and a dashboard. Apply, a clean plan, in-place changes, a
//! replacement, import by Terraform's IDs, and a destroy that leaves the emulator empty of them.

use infra_testkit::{Moto, Stack};

use super::{assert_contains, infra};

const STACK: &str = r#"
variable "destination_arn" {
  type = string
}

variable "threshold" {
  type    = number
  default = 80
}

variable "pattern" {
  type    = string
  default = "ERROR"
}

variable "stream_name" {
  type    = string
  default = "web-1"
}

variable "dashboard_title" {
  type    = string
  default = "CPU"
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "monitoring-app"
  retention_in_days = 7
}

resource "aws_cloudwatch_log_stream" "web" {
  name           = var.stream_name
  log_group_name = aws_cloudwatch_log_group.app.name
}

resource "aws_cloudwatch_log_metric_filter" "errors" {
  name           = "errors"
  pattern        = var.pattern
  log_group_name = aws_cloudwatch_log_group.app.name

  metric_transformation {
    name          = "Errors"
    namespace     = "Monitoring/App"
    value         = "1"
    default_value = "0"
    unit          = "Count"
  }
}

resource "aws_cloudwatch_log_subscription_filter" "ship" {
  name            = "ship"
  log_group_name  = aws_cloudwatch_log_group.app.name
  filter_pattern  = ""
  destination_arn = var.destination_arn
  role_arn        = "arn:aws:iam::123456789012:role/logs-to-kinesis"
}

resource "aws_cloudwatch_metric_alarm" "cpu" {
  alarm_name          = "monitoring-cpu"
  alarm_description   = "CPU of the web service"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 2
  datapoints_to_alarm = 2
  metric_name         = "CPUUtilization"
  namespace           = "AWS/ECS"
  period              = 60
  statistic           = "Average"
  threshold           = var.threshold
  unit                = "Percent"
  alarm_actions       = ["arn:aws:sns:us-east-1:123456789012:alerts"]
  ok_actions          = ["arn:aws:sns:us-east-1:123456789012:alerts"]

  dimensions = {
    ClusterName = "web"
    ServiceName = "api"
  }

  tags = {
    Team = "web"
  }
}

resource "aws_cloudwatch_metric_alarm" "latency" {
  alarm_name                            = "monitoring-latency"
  comparison_operator                   = "GreaterThanThreshold"
  evaluation_periods                    = 3
  metric_name                           = "TargetResponseTime"
  namespace                             = "AWS/ApplicationELB"
  period                                = 300
  extended_statistic                    = "p99"
  threshold                             = 1.5
  treat_missing_data                    = "notBreaching"
  evaluate_low_sample_count_percentiles = "ignore"
  actions_enabled                       = false
  insufficient_data_actions             = ["arn:aws:sns:us-east-1:123456789012:alerts"]
}

resource "aws_cloudwatch_metric_alarm" "error_rate" {
  alarm_name          = "monitoring-error-rate"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  threshold           = 5

  metric_query {
    id          = "rate"
    expression  = "100 * errors / requests"
    label       = "Error rate"
    return_data = true
  }

  metric_query {
    id = "errors"

    metric {
      metric_name = "HTTPCode_Target_5XX_Count"
      namespace   = "AWS/ApplicationELB"
      period      = 60
      stat        = "Sum"
      unit        = "Count"

      dimensions = {
        LoadBalancer = "app/web/123"
      }
    }
  }

  metric_query {
    id = "requests"

    metric {
      metric_name = "RequestCount"
      namespace   = "AWS/ApplicationELB"
      period      = 60
      stat        = "Sum"

      dimensions = {
        LoadBalancer = "app/web/123"
      }
    }
  }
}

resource "aws_cloudwatch_dashboard" "main" {
  dashboard_name = "monitoring"
  dashboard_body = jsonencode({
    widgets = [
      {
        type   = "metric"
        x      = 0
        y      = 0
        width  = 12
        height = 6
        properties = {
          metrics = [["AWS/ECS", "CPUUtilization", "ClusterName", "web"]]
          period  = 300
          stat    = "Average"
          region  = "us-east-1"
          title   = var.dashboard_title
        }
      }
    ]
  })
}
"#;

fn run(stack: &Stack, moto: &Moto, command: &[&str], vars: &[String]) -> infra_testkit::Run {
    let mut args: Vec<&str> = command.to_vec();
    args.extend(vars.iter().map(String::as_str));
    infra(stack, Some(moto), &args)
}

fn apply(stack: &Stack, moto: &Moto, vars: &[String]) -> String {
    let run = run(stack, moto, &["apply", "-input=false", "-auto-approve"], vars);
    assert_eq!(run.code, 0, "apply {vars:?}:\n{}", run.all());
    run.stdout
}

fn plan_is_clean(stack: &Stack, moto: &Moto, vars: &[String], when: &str) {
    let plan = run(stack, moto, &["plan", "-input=false", "-detailed-exitcode"], vars);
    assert_eq!(plan.code, 0, "{when}: the plan shows changes:\n{}", plan.all());
}

fn import(stack: &Stack, moto: &Moto, vars: &[String], address: &str, id: &str) {
    infra(stack, Some(moto), &["state", "rm", address]).ok();
    let import = run(stack, moto, &["import", "-input=false", address, id], vars);
    assert!(
        import.code == 0 && import.stdout.contains("Import successful!"),
        "import {address} {id}: {}",
        import.all()
    );
}

/// What moto holds of the monitoring objects, one line each.
fn monitoring_objects(moto: &Moto) -> String {
    moto.python(
        "import boto3\n\
         cw = boto3.client('cloudwatch')\n\
         logs = boto3.client('logs')\n\
         for a in cw.describe_alarms()['MetricAlarms']:\n    \
             print('alarm', a['AlarmName'], a.get('Threshold'))\n\
         for d in cw.list_dashboards()['DashboardEntries']:\n    \
             print('dashboard', d['DashboardName'])\n\
         for g in logs.describe_log_groups()['logGroups']:\n    \
             name = g['logGroupName']\n    \
             print('log_group', name)\n    \
             for s in logs.describe_log_streams(logGroupName=name)['logStreams']:\n        \
                 print('log_stream', s['logStreamName'])\n    \
             for f in logs.describe_metric_filters(logGroupName=name)['metricFilters']:\n        \
                 print('metric_filter', f['filterName'], f['filterPattern'])\n    \
             for f in logs.describe_subscription_filters(logGroupName=name)['subscriptionFilters']:\n        \
                 print('subscription_filter', f['filterName'])",
    )
}

#[test]
fn alarms_log_filters_and_dashboard() {
    let moto = Moto::start();
    let stream = moto
        .python(
            "import boto3\n\
             k = boto3.client('kinesis')\n\
             k.create_stream(StreamName='logs', ShardCount=1)\n\
             print(k.describe_stream(StreamName='logs')['StreamDescription']['StreamARN'])",
        )
        .trim()
        .to_string();
    let stack = Stack::new();
    stack.write("main.tf", STACK);
    let base = vec![format!("-var=destination_arn={stream}")];

    let created = apply(&stack, &moto, &base);
    assert_contains(&created, "Apply complete! Resources: 8 added");
    let held = monitoring_objects(&moto);
    for line in [
        "alarm monitoring-cpu 80.0",
        "alarm monitoring-latency",
        "alarm monitoring-error-rate",
        "dashboard monitoring",
        "log_stream web-1",
        "metric_filter errors ERROR",
        "subscription_filter ship",
    ] {
        assert!(held.contains(line), "{line} missing from:\n{held}");
    }
    plan_is_clean(&stack, &moto, &base, "after create");

    // In place: the alarm threshold, the filter pattern and the dashboard body.
    let mut changed = base.clone();
    changed.extend([
        "-var=threshold=90".to_string(),
        "-var=pattern=FATAL".to_string(),
        "-var=dashboard_title=CPU of web".to_string(),
    ]);
    let updated = apply(&stack, &moto, &changed);
    assert_contains(&updated, "Apply complete! Resources: 0 added, 3 changed, 0 destroyed.");
    let held = monitoring_objects(&moto);
    assert_contains(&held, "alarm monitoring-cpu 90.0");
    assert_contains(&held, "metric_filter errors FATAL");
    plan_is_clean(&stack, &moto, &changed, "after the in-place changes");

    // A new stream name replaces the stream.
    changed.push("-var=stream_name=web-2".to_string());
    let replaced = apply(&stack, &moto, &changed);
    assert_contains(&replaced, "Apply complete! Resources: 1 added, 0 changed, 1 destroyed.");
    let held = monitoring_objects(&moto);
    assert_contains(&held, "log_stream web-2");
    assert!(!held.contains("log_stream web-1"), "{held}");
    plan_is_clean(&stack, &moto, &changed, "after the replacement");

    // Import by Terraform's IDs.
    for (address, id) in [
        ("aws_cloudwatch_metric_alarm.cpu", "monitoring-cpu"),
        ("aws_cloudwatch_metric_alarm.error_rate", "monitoring-error-rate"),
        ("aws_cloudwatch_log_stream.web", "monitoring-app:web-2"),
        ("aws_cloudwatch_log_metric_filter.errors", "monitoring-app:errors"),
        ("aws_cloudwatch_log_subscription_filter.ship", "monitoring-app|ship"),
        ("aws_cloudwatch_dashboard.main", "monitoring"),
    ] {
        import(&stack, &moto, &changed, address, id);
    }
    plan_is_clean(&stack, &moto, &changed, "after the imports");

    // Drift: an alarm changed outside is seen and put back.
    moto.python(
        "import boto3\n\
         cw = boto3.client('cloudwatch')\n\
         cw.put_metric_alarm(AlarmName='monitoring-cpu', ComparisonOperator='GreaterThanOrEqualToThreshold', EvaluationPeriods=2, MetricName='CPUUtilization', Namespace='AWS/ECS', Period=60, Statistic='Average', Threshold=50.0)",
    );
    let drift = run(&stack, &moto, &["plan", "-input=false", "-detailed-exitcode"], &changed);
    assert_eq!(drift.code, 2, "drift not seen:\n{}", drift.all());
    let fixed = apply(&stack, &moto, &changed);
    assert_contains(&fixed, "1 changed");
    plan_is_clean(&stack, &moto, &changed, "after putting the alarm back");

    let destroyed = run(&stack, &moto, &["destroy", "-input=false", "-auto-approve"], &changed);
    assert_eq!(destroyed.code, 0, "{}", destroyed.all());
    assert_contains(&destroyed.stdout, "Destroy complete! Resources: 8 destroyed.");
    assert_eq!(monitoring_objects(&moto).trim(), "");
}

const GROUP_STACK: &str = r#"
variable "action" {
  type    = string
  default = "logs:GetLogEvents"
}

variable "policy_name" {
  type    = string
  default = "read-logs"
}

resource "aws_iam_group" "devs" {
  name = "monitoring-devs"
}

resource "aws_iam_group_policy" "read" {
  name  = var.policy_name
  group = aws_iam_group.devs.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = [var.action]
      Resource = "*"
    }]
  })
}

data "aws_ecr_image" "tagged" {
  repository_name = "monitoring-app"
  image_tag       = "v1"
}

data "aws_ecr_image" "latest" {
  repository_name = "monitoring-app"
  most_recent     = true
}

output "tagged_uri" {
  value = data.aws_ecr_image.tagged.image_uri
}

output "tagged_digest" {
  value = data.aws_ecr_image.tagged.image_digest
}

output "latest_tags" {
  value = join(",", data.aws_ecr_image.latest.image_tags)
}
"#;

/// The group's inline policies in moto, as `group policy action` lines.
fn group_policies(moto: &Moto) -> String {
    moto.python(
        "import boto3, json\n\
         iam = boto3.client('iam')\n\
         for g in iam.list_groups()['Groups']:\n    \
             print('group', g['GroupName'])\n    \
             for p in iam.list_group_policies(GroupName=g['GroupName'])['PolicyNames']:\n        \
                 doc = iam.get_group_policy(GroupName=g['GroupName'], PolicyName=p)['PolicyDocument']\n        \
                 doc = json.loads(doc) if isinstance(doc, str) else doc\n        \
                 print('policy', p, doc['Statement'][0]['Action'][0])",
    )
}

#[test]
fn group_inline_policy_and_ecr_image() {
    let moto = Moto::start();
    // Two images pushed outside the stack; `v2` is the later one.
    let digests = moto.python(
        "import boto3, json, time\n\
         ecr = boto3.client('ecr')\n\
         ecr.create_repository(repositoryName='monitoring-app')\n\
         for tag in ['v1', 'v2']:\n    \
             manifest = json.dumps({'schemaVersion': 2, 'mediaType': 'application/vnd.docker.distribution.manifest.v2+json', 'config': {'digest': 'sha256:' + tag * 32, 'size': 1, 'mediaType': 'application/vnd.docker.container.image.v1+json'}, 'layers': []})\n    \
             print(ecr.put_image(repositoryName='monitoring-app', imageManifest=manifest, imageTag=tag)['image']['imageId']['imageDigest'])\n    \
             time.sleep(1.1)",
    );
    let digests: Vec<&str> = digests.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(digests.len(), 2, "{digests:?}");
    let stack = Stack::new();
    stack.write("main.tf", GROUP_STACK);
    let none: Vec<String> = vec![];

    let created = apply(&stack, &moto, &none);
    assert_contains(&created, "Apply complete! Resources: 2 added");
    assert_contains(
        &created,
        "tagged_uri = \"123456789012.dkr.ecr.us-east-1.amazonaws.com/monitoring-app:v1\"",
    );
    assert_contains(&created, &format!("tagged_digest = \"{}\"", digests[0]));
    assert_contains(&created, "latest_tags = \"v2\"");
    assert!(
        group_policies(&moto).contains("policy read-logs logs:GetLogEvents"),
        "{}",
        group_policies(&moto)
    );
    plan_is_clean(&stack, &moto, &none, "after create");

    let changed = vec!["-var=action=logs:FilterLogEvents".to_string()];
    let updated = apply(&stack, &moto, &changed);
    assert_contains(&updated, "Apply complete! Resources: 0 added, 1 changed, 0 destroyed.");
    assert!(
        group_policies(&moto).contains("policy read-logs logs:FilterLogEvents"),
        "{}",
        group_policies(&moto)
    );
    plan_is_clean(&stack, &moto, &changed, "after the in-place change");

    let mut renamed = changed.clone();
    renamed.push("-var=policy_name=read-all-logs".to_string());
    let replaced = apply(&stack, &moto, &renamed);
    assert_contains(&replaced, "Apply complete! Resources: 1 added, 0 changed, 1 destroyed.");
    let held = group_policies(&moto);
    assert_contains(&held, "policy read-all-logs");
    assert!(!held.contains("policy read-logs "), "{held}");

    import(&stack, &moto, &renamed, "aws_iam_group_policy.read", "monitoring-devs:read-all-logs");
    plan_is_clean(&stack, &moto, &renamed, "after the import");

    let destroyed = run(&stack, &moto, &["destroy", "-input=false", "-auto-approve"], &renamed);
    assert_eq!(destroyed.code, 0, "{}", destroyed.all());
    assert_contains(&destroyed.stdout, "Destroy complete! Resources: 2 destroyed.");
    assert_eq!(group_policies(&moto).trim(), "");
}

const SCALING_STACK: &str = r#"
variable "target_value" {
  type    = number
  default = 60
}

variable "schedule" {
  type    = string
  default = "cron(0 20 * * ? *)"
}

variable "cpu_policy_name" {
  type    = string
  default = "cpu"
}

variable "max_tasks" {
  type    = number
  default = 4
}

variable "team" {
  type    = string
  default = "web"
}

resource "aws_appautoscaling_target" "api" {
  service_namespace  = "ecs"
  resource_id        = "service/monitoring/api"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = 1
  max_capacity       = var.max_tasks

  tags = {
    Team = var.team
  }
}

locals {
  resource_id = aws_appautoscaling_target.api.resource_id
  dimension   = aws_appautoscaling_target.api.scalable_dimension
}

resource "aws_appautoscaling_policy" "cpu" {
  name               = var.cpu_policy_name
  policy_type        = "TargetTrackingScaling"
  service_namespace  = "ecs"
  resource_id        = local.resource_id
  scalable_dimension = local.dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.target_value
    scale_in_cooldown  = 120
    scale_out_cooldown = 30

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_appautoscaling_policy" "queue" {
  name               = "queue-depth"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = "ecs"
  resource_id        = local.resource_id
  scalable_dimension = local.dimension

  target_tracking_scaling_policy_configuration {
    target_value     = 100
    disable_scale_in = true

    customized_metric_specification {
      metric_name = "ApproximateNumberOfMessagesVisible"
      namespace   = "AWS/SQS"
      statistic   = "Average"
      unit        = "Count"

      dimensions {
        name  = "QueueName"
        value = "jobs"
      }
    }
  }
}

resource "aws_appautoscaling_policy" "backlog" {
  name               = "backlog-per-task"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = "ecs"
  resource_id        = local.resource_id
  scalable_dimension = local.dimension

  target_tracking_scaling_policy_configuration {
    target_value = 10

    customized_metric_specification {
      metrics {
        id          = "backlog"
        expression  = "visible / tasks"
        label       = "Backlog per task"
        return_data = true
      }

      metrics {
        id          = "visible"
        return_data = false

        metric_stat {
          stat = "Sum"

          metric {
            metric_name = "ApproximateNumberOfMessagesVisible"
            namespace   = "AWS/SQS"

            dimensions {
              name  = "QueueName"
              value = "jobs"
            }
          }
        }
      }

      metrics {
        id          = "tasks"
        return_data = false

        metric_stat {
          stat = "Average"

          metric {
            metric_name = "RunningTaskCount"
            namespace   = "ECS/ContainerInsights"

            dimensions {
              name  = "ServiceName"
              value = "api"
            }
          }
        }
      }
    }
  }
}

resource "aws_appautoscaling_policy" "step" {
  name               = "step-out"
  service_namespace  = "ecs"
  resource_id        = local.resource_id
  scalable_dimension = local.dimension

  step_scaling_policy_configuration {
    adjustment_type         = "ChangeInCapacity"
    cooldown                = 60
    metric_aggregation_type = "Maximum"

    step_adjustment {
      metric_interval_lower_bound = 0
      metric_interval_upper_bound = 10
      scaling_adjustment          = 1
    }

    step_adjustment {
      metric_interval_lower_bound = 10
      scaling_adjustment          = 3
    }
  }
}

resource "aws_appautoscaling_scheduled_action" "night" {
  name               = "night"
  service_namespace  = "ecs"
  resource_id        = local.resource_id
  scalable_dimension = local.dimension
  schedule           = var.schedule
  timezone           = "Europe/Berlin"
  start_time         = "2030-01-01T00:00:00Z"
  end_time           = "2031-01-01T00:00:00Z"

  scalable_target_action {
    min_capacity = 1
    max_capacity = 2
  }
}
"#;

/// The scaling policies and scheduled actions moto holds for ECS, one line each.
fn scaling_objects(moto: &Moto) -> String {
    moto.python(
        "import boto3\n\
         aas = boto3.client('application-autoscaling')\n\
         for p in aas.describe_scaling_policies(ServiceNamespace='ecs')['ScalingPolicies']:\n    \
             c = p.get('TargetTrackingScalingPolicyConfiguration', {})\n    \
             print('policy', p['PolicyName'], p['PolicyType'], c.get('TargetValue', ''))\n\
         for a in aas.describe_scheduled_actions(ServiceNamespace='ecs')['ScheduledActions']:\n    \
             print('scheduled_action', a['ScheduledActionName'], a['Schedule'])\n\
         for t in aas.describe_scalable_targets(ServiceNamespace='ecs')['ScalableTargets']:\n    \
             tags = aas.list_tags_for_resource(ResourceARN=t['ScalableTargetARN'])['Tags']\n    \
             print('target', t['ResourceId'], t['MinCapacity'], t['MaxCapacity'], sorted(f'{k}={v}' for k, v in tags.items() if not k.startswith('infra:')))",
    )
}

#[test]
fn ecs_service_scaling_policies_and_schedule() {
    let moto = Moto::start();
    // The ECS service, made outside the stack.
    moto.python(
        "import boto3\n\
         ecs = boto3.client('ecs')\n\
         ecs.create_cluster(clusterName='monitoring')\n\
         ecs.register_task_definition(family='api', containerDefinitions=[{'name': 'api', 'image': 'nginx', 'memory': 128}])\n\
         ecs.create_service(cluster='monitoring', serviceName='api', taskDefinition='api', desiredCount=1)",
    );
    let stack = Stack::new();
    stack.write("main.tf", SCALING_STACK);
    let none: Vec<String> = vec![];

    let created = apply(&stack, &moto, &none);
    assert_contains(&created, "Apply complete! Resources: 6 added");
    let held = scaling_objects(&moto);
    for line in [
        "policy cpu TargetTrackingScaling 60",
        "policy queue-depth TargetTrackingScaling 100",
        "policy backlog-per-task TargetTrackingScaling 10",
        "policy step-out StepScaling",
        "scheduled_action night cron(0 20 * * ? *)",
        "target service/monitoring/api 1 4 ['Team=web']",
    ] {
        assert!(held.contains(line), "{line} missing from:\n{held}");
    }
    plan_is_clean(&stack, &moto, &none, "after create");

    let changed = vec![
        "-var=target_value=70".to_string(),
        "-var=schedule=cron(0 22 * * ? *)".to_string(),
        "-var=max_tasks=6".to_string(),
        "-var=team=platform".to_string(),
    ];
    let updated = apply(&stack, &moto, &changed);
    assert_contains(&updated, "Apply complete! Resources: 0 added, 3 changed, 0 destroyed.");
    let held = scaling_objects(&moto);
    assert_contains(&held, "policy cpu TargetTrackingScaling 70");
    assert_contains(&held, "scheduled_action night cron(0 22 * * ? *)");
    assert_contains(&held, "target service/monitoring/api 1 6 ['Team=platform']");
    plan_is_clean(&stack, &moto, &changed, "after the in-place changes");

    let mut renamed = changed.clone();
    renamed.push("-var=cpu_policy_name=cpu-target".to_string());
    let replaced = apply(&stack, &moto, &renamed);
    assert_contains(&replaced, "Apply complete! Resources: 1 added, 0 changed, 1 destroyed.");
    let held = scaling_objects(&moto);
    assert_contains(&held, "policy cpu-target ");
    assert!(!held.contains("policy cpu "), "{held}");
    plan_is_clean(&stack, &moto, &renamed, "after the replacement");

    for (address, id) in [
        ("aws_appautoscaling_target.api", "ecs/service/monitoring/api/ecs:service:DesiredCount"),
        (
            "aws_appautoscaling_policy.step",
            "ecs/service/monitoring/api/ecs:service:DesiredCount/step-out",
        ),
        (
            "aws_appautoscaling_policy.backlog",
            "ecs/service/monitoring/api/ecs:service:DesiredCount/backlog-per-task",
        ),
    ] {
        import(&stack, &moto, &renamed, address, id);
    }
    plan_is_clean(&stack, &moto, &renamed, "after the imports");

    let destroyed = run(&stack, &moto, &["destroy", "-input=false", "-auto-approve"], &renamed);
    assert_eq!(destroyed.code, 0, "{}", destroyed.all());
    assert_contains(&destroyed.stdout, "Destroy complete! Resources: 6 destroyed.");
    assert_eq!(scaling_objects(&moto).trim(), "");
}
