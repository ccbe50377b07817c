//! Refresh reads in batches: the number of AWS requests a refresh makes does not grow with
//! the number of objects (counted by the binary's own request counter, not timed).

use infra_testkit::{infra_command, run, Moto, Run, Stack};

use super::BINARY;

/// `count` log groups and `count` target groups in one VPC.
fn stack(count: usize) -> Stack {
    let stack = Stack::new();
    stack.write(
        "main.tf",
        &format!(
            r#"
resource "aws_vpc" "main" {{
  cidr_block = "10.0.0.0/16"
}}

resource "aws_cloudwatch_log_group" "app" {{
  count             = {count}
  name              = "/bench/app-${{count.index}}"
  retention_in_days = 7
  tags              = {{ Index = tostring(count.index) }}
}}

resource "aws_lb_target_group" "app" {{
  count    = {count}
  name     = "app-${{count.index}}"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = aws_vpc.main.id
}}
"#
        ),
    );
    stack
}

fn infra_counting(stack: &Stack, moto: &Moto, args: &[&str]) -> Run {
    let mut command = infra_command(BINARY, stack.path(), Some(moto));
    command.env("INFRA_DEBUG_REQUESTS", "1");
    run(command, args)
}

fn requests(run: &Run) -> usize {
    run.stderr
        .lines()
        .find_map(|line| line.strip_prefix("AWS requests: "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no request count in: {}", run.stderr))
}

#[test]
fn refreshing_many_log_groups_and_target_groups_takes_a_bounded_number_of_requests() {
    let moto = Moto::start();
    let count = 30;
    let stack = stack(count);
    infra_counting(
        &stack,
        &moto,
        &["apply", "-input=false", "-auto-approve", "-parallelism=20"],
    )
    .ok();
    let plan = infra_counting(
        &stack,
        &moto,
        &["plan", "-input=false", "-detailed-exitcode"],
    );
    assert_eq!(plan.code, 0, "{}", plan.all());
    // VPC: DescribeVpcs, main route tables, default groups, 2 DNS attributes. Log groups:
    // DescribeLogGroups and one GetResources for the tags. Target groups: DescribeTargetGroups,
    // DescribeTags (20 a call) and a window of 8 DescribeTargetGroupAttributes. A read per
    // object would be 60 or more.
    let made = requests(&plan);
    assert!(
        made <= 20,
        "{made} requests to refresh {} objects",
        2 * count + 1
    );

    // Drift on a tag is still seen through the batched tag read.
    moto.python(
        "import boto3\nlogs = boto3.client('logs')\narn = [g['arn'] for g in logs.describe_log_groups(logGroupNamePrefix='/bench/app-7')['logGroups'] if g['logGroupName'] == '/bench/app-7'][0]\nlogs.tag_resource(resourceArn=arn.removesuffix(':*'), tags={'Index': 'changed'})",
    );
    let drifted = infra_counting(
        &stack,
        &moto,
        &["plan", "-input=false", "-detailed-exitcode"],
    );
    assert_eq!(drifted.code, 2, "{}", drifted.all());
    assert!(
        drifted
            .stdout
            .contains("# aws_cloudwatch_log_group.app[7] will be updated in-place"),
        "{}",
        drifted.stdout
    );
}
