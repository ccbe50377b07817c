//! Messaging and events: SNS topics, a topic policy and a subscription, and EventBridge rules
//! with their targets. Apply, a clean second plan, an in-place update, a replacement, import by
//! the Terraform import IDs, and a destroy that leaves the emulator without these objects.

use infra_testkit::{Moto, Stack};

use super::{
    apply_and_plan_clean, apply_ok as apply, assert_contains, destroy_run, infra, plan_is_clean,
    plan_run,
};

const STACK: &str = r#"
variable "queue_arn" {
  type = string
}

variable "topic_name" {
  type    = string
  default = "orders"
}

variable "display_name" {
  type    = string
  default = "Orders"
}

variable "raw" {
  type    = bool
  default = false
}

resource "aws_sns_topic" "orders" {
  name              = var.topic_name
  display_name      = var.display_name
  kms_master_key_id = "alias/aws/sns"

  delivery_policy = jsonencode({
    http = {
      defaultHealthyRetryPolicy = {
        minDelayTarget = 20
        maxDelayTarget = 20
        numRetries     = 3
      }
    }
  })

  sqs_success_feedback_role_arn    = "arn:aws:iam::123456789012:role/sns-feedback"
  sqs_success_feedback_sample_rate = 50
  sqs_failure_feedback_role_arn    = "arn:aws:iam::123456789012:role/sns-feedback"

  tags = {
    team = "orders"
  }
}

resource "aws_sns_topic" "fifo" {
  name_prefix                 = "ledger-"
  fifo_topic                  = true
  content_based_deduplication = true
}

resource "aws_sns_topic_policy" "orders" {
  arn = aws_sns_topic.orders.arn

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "events"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = aws_sns_topic.orders.arn
    }]
  })
}

resource "aws_sns_topic_subscription" "queue" {
  topic_arn            = aws_sns_topic.orders.arn
  protocol             = "sqs"
  endpoint             = var.queue_arn
  raw_message_delivery = var.raw

  filter_policy = jsonencode({
    kind = ["order"]
  })
}
"#;

fn state_attribute(stack: &Stack, address: &str, attribute: &str) -> String {
    let state: serde_json::Value = stack.state();
    state["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["address"] == address)
        .and_then(|r| r["attributes"][attribute].as_str().map(str::to_string))
        .unwrap_or_else(|| panic!("{address}.{attribute} is not in the state"))
}

/// The SNS topics and subscriptions and the EventBridge rules (with their target counts) in
/// the emulator, one per line.
fn inventory(moto: &Moto) -> String {
    moto.python(
        r#"
import boto3
sns = boto3.client('sns')
events = boto3.client('events')
out = []
for t in sns.list_topics()['Topics']: out.append('topic ' + t['TopicArn'].split(':')[-1])
for s in sns.list_subscriptions()['Subscriptions']: out.append('subscription ' + s['Protocol'])
for bus in events.list_event_buses()['EventBuses']:
    for r in events.list_rules(EventBusName=bus['Name'])['Rules']:
        targets = events.list_targets_by_rule(Rule=r['Name'], EventBusName=bus['Name'])['Targets']
        out.append('rule %s/%s %d' % (bus['Name'], r['Name'], len(targets)))
print('\n'.join(sorted(out)))
"#,
    )
    .trim()
    .to_string()
}

#[test]
fn sns_topics_policies_and_subscriptions() {
    let moto = Moto::start();
    let queue = moto
        .python("import boto3\nsqs = boto3.client('sqs')\nurl = sqs.create_queue(QueueName='orders')['QueueUrl']\nprint(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=['QueueArn'])['Attributes']['QueueArn'])")
        .trim()
        .to_string();
    let stack = Stack::new();
    stack.write("main.tf", STACK);
    let queue_var = format!("-var=queue_arn={queue}");
    let vars = [queue_var.as_str()];

    let out = apply(&stack, &moto, &vars);
    assert_contains(&out, "Apply complete! Resources: 4 added");
    let fifo = state_attribute(&stack, "aws_sns_topic.fifo", "name");
    assert!(fifo.starts_with("ledger-") && fifo.ends_with(".fifo"), "{fifo}");
    plan_is_clean(&stack, &moto, &vars, "after the first apply");

    // In place: the topic's display name and the subscription's raw delivery.
    let updated = [queue_var.as_str(), "-var=display_name=Orders v2", "-var=raw=true"];
    let out = apply(&stack, &moto, &updated);
    assert_contains(&out, "0 added, 2 changed, 0 destroyed");
    let raw = moto.python(&format!(
        "import boto3\nsns = boto3.client('sns')\nprint(sns.get_subscription_attributes(SubscriptionArn='{}')['Attributes']['RawMessageDelivery'])",
        state_attribute(&stack, "aws_sns_topic_subscription.queue", "arn")
    ));
    assert_eq!(raw.trim().to_lowercase(), "true");
    plan_is_clean(&stack, &moto, &updated, "after the update");

    // Drift: a display name changed outside is planned back.
    moto.python(&format!(
        "import boto3\nboto3.client('sns').set_topic_attributes(TopicArn='{}', AttributeName='DisplayName', AttributeValue='changed')",
        state_attribute(&stack, "aws_sns_topic.orders", "arn")
    ));
    let drift = plan_run(&stack, &moto, &updated);
    assert_eq!(drift.code, 2, "{}", drift.all());
    assert_contains(&drift.stdout, "1 to change");
    apply(&stack, &moto, &updated);

    // Replacement: a new topic name replaces the topic, its policy and its subscription.
    let renamed = [
        queue_var.as_str(),
        "-var=display_name=Orders v2",
        "-var=raw=true",
        "-var=topic_name=orders-v2",
    ];
    apply_and_plan_clean(
        &stack,
        &moto,
        &renamed,
        "3 added, 0 changed, 3 destroyed",
        "after the replacement",
    );

    // Import by the Terraform import IDs (ARNs). (The orders topic's feedback settings are
    // not returned by moto, so it is the FIFO topic that is imported.)
    for address in
        ["aws_sns_topic.fifo", "aws_sns_topic_policy.orders", "aws_sns_topic_subscription.queue"]
    {
        let id = state_attribute(&stack, address, "id");
        infra(&stack, Some(&moto), &["state", "rm", address]).ok();
        let mut args = vec!["import", "-input=false", address, id.as_str()];
        args.extend_from_slice(&renamed);
        let import = infra(&stack, Some(&moto), &args);
        assert!(
            import.code == 0 && import.stdout.contains("Import successful!"),
            "import {address} {id}: {}",
            import.all()
        );
    }
    plan_is_clean(&stack, &moto, &renamed, "after the imports");

    let destroyed = destroy_run(&stack, &moto, &renamed);
    assert_eq!(destroyed.code, 0, "{}", destroyed.all());
    assert_contains(&destroyed.stdout, "Destroy complete! Resources: 4 destroyed.");
    assert_eq!(inventory(&moto), "");
}

const RULES: &str = r#"
variable "bus" {
  type = string
}

variable "rule_name" {
  type    = string
  default = "order-placed"
}

variable "description" {
  type    = string
  default = "Orders placed"
}

variable "task_count" {
  type    = number
  default = 1
}

resource "aws_sns_topic" "alerts" {
  name = "alerts"
}

resource "aws_cloudwatch_event_rule" "placed" {
  name           = var.rule_name
  description    = var.description
  event_bus_name = var.bus

  event_pattern = jsonencode({
    source        = ["shop.orders"]
    "detail-type" = ["OrderPlaced"]
  })

  tags = {
    team = "orders"
  }
}

resource "aws_cloudwatch_event_rule" "nightly" {
  name_prefix         = "nightly-"
  schedule_expression = "cron(0 3 * * ? *)"
  state               = "DISABLED"
  role_arn            = "arn:aws:iam::123456789012:role/events"
}

resource "aws_cloudwatch_event_rule" "legacy" {
  name                = "legacy-hourly"
  schedule_expression = "rate(1 hour)"
  is_enabled          = false
}

resource "aws_cloudwatch_event_target" "alert" {
  rule           = aws_cloudwatch_event_rule.placed.name
  event_bus_name = var.bus
  target_id      = "alert"
  arn            = aws_sns_topic.alerts.arn

  input_transformer {
    input_paths = {
      order = "$.detail.order"
    }
    input_template = "\"Order <order> placed\""
  }

  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 3
  }

  dead_letter_config {
    arn = "arn:aws:sqs:us-east-1:123456789012:dead-letters"
  }
}

resource "aws_cloudwatch_event_target" "report" {
  rule     = aws_cloudwatch_event_rule.nightly.name
  arn      = "arn:aws:ecs:us-east-1:123456789012:cluster/reports"
  role_arn = "arn:aws:iam::123456789012:role/events"
  input    = jsonencode({ containerOverrides = [{ name = "report", command = ["run"] }] })

  ecs_target {
    task_definition_arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/report:1"
    task_count          = var.task_count
    launch_type         = "FARGATE"
    platform_version    = "LATEST"
    propagate_tags      = "TASK_DEFINITION"

    network_configuration {
      subnets          = ["subnet-0123456789abcdef0"]
      security_groups  = ["sg-0123456789abcdef0"]
      assign_public_ip = true
    }

    tags = {
      job = "report"
    }
  }
}
"#;

#[test]
fn eventbridge_rules_and_targets() {
    let moto = Moto::start();
    moto.python("import boto3\nboto3.client('events').create_event_bus(Name='orders')");
    let stack = Stack::new();
    stack.write("main.tf", RULES);
    let vars = ["-var=bus=orders"];

    let out = apply(&stack, &moto, &vars);
    assert_contains(&out, "Apply complete! Resources: 6 added");
    assert_eq!(
        state_attribute(&stack, "aws_cloudwatch_event_rule.placed", "id"),
        "orders/order-placed"
    );
    assert_eq!(
        state_attribute(&stack, "aws_cloudwatch_event_target.alert", "id"),
        "orders-order-placed-alert"
    );
    let nightly = state_attribute(&stack, "aws_cloudwatch_event_rule.nightly", "name");
    assert_eq!(
        moto.python(&format!(
            "import boto3\nprint(boto3.client('events').describe_rule(Name='{nightly}')['State'])"
        ))
        .trim(),
        "DISABLED"
    );
    plan_is_clean(&stack, &moto, &vars, "after the first apply");

    // In place: the rule's description and the ECS target's task count.
    let updated = ["-var=bus=orders", "-var=description=Orders", "-var=task_count=2"];
    let out = apply(&stack, &moto, &updated);
    assert_contains(&out, "0 added, 2 changed, 0 destroyed");
    let count = moto.python(&format!(
        "import boto3\nprint(boto3.client('events').list_targets_by_rule(Rule='{nightly}')['Targets'][0]['EcsParameters']['TaskCount'])"
    ));
    assert_eq!(count.trim(), "2");
    plan_is_clean(&stack, &moto, &updated, "after the update");

    // Replacement: a new rule name replaces the rule and its target.
    let renamed = [
        "-var=bus=orders",
        "-var=description=Orders",
        "-var=task_count=2",
        "-var=rule_name=order-created",
    ];
    apply_and_plan_clean(
        &stack,
        &moto,
        &renamed,
        "2 added, 0 changed, 2 destroyed",
        "after the replacement",
    );

    // Import by the Terraform import IDs.
    let report_id = format!(
        "{nightly}/{}",
        state_attribute(&stack, "aws_cloudwatch_event_target.report", "target_id")
    );
    for (address, id) in [
        ("aws_cloudwatch_event_rule.placed", "orders/order-created".to_string()),
        ("aws_cloudwatch_event_rule.nightly", nightly.clone()),
        ("aws_cloudwatch_event_target.alert", "orders/order-created/alert".to_string()),
        ("aws_cloudwatch_event_target.report", report_id),
    ] {
        infra(&stack, Some(&moto), &["state", "rm", address]).ok();
        let mut args = vec!["import", "-input=false", address, id.as_str()];
        args.extend_from_slice(&renamed);
        let import = infra(&stack, Some(&moto), &args);
        assert!(
            import.code == 0 && import.stdout.contains("Import successful!"),
            "import {address} {id}: {}",
            import.all()
        );
    }
    plan_is_clean(&stack, &moto, &renamed, "after the imports");

    let destroyed = destroy_run(&stack, &moto, &renamed);
    assert_eq!(destroyed.code, 0, "{}", destroyed.all());
    assert_contains(&destroyed.stdout, "Destroy complete! Resources: 6 destroyed.");
    assert_eq!(inventory(&moto), "");
}
