//! Refresh reads in batches: the number of AWS requests a refresh makes grows with the number
//! of objects only by the reads per object that AWS has no batch form for (counted by the
//! binary's own request counter, not timed). Every attribute is read on every refresh, so
//! drift is seen on the very next plan, and two plans of the same cloud are identical.

use infra_testkit::{infra_command, run, Moto, Run, Stack};

use super::{assert_contains, BINARY};

/// VPCs besides the main one, in the first test's stack.
const EXTRA_VPCS: usize = 10;

/// `count` log groups and `count` target groups in one VPC, and [`EXTRA_VPCS`] more VPCs.
fn stack(count: usize) -> Stack {
    let stack = Stack::new();
    stack.write(
        "main.tf",
        &format!(
            r#"
resource "aws_vpc" "main" {{
  cidr_block = "10.0.0.0/16"
}}

resource "aws_vpc" "extra" {{
  count                = {EXTRA_VPCS}
  cidr_block           = "10.${{count.index + 1}}.0.0/16"
  enable_dns_hostnames = true
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
    infra_counting(&stack, &moto, &["apply", "-input=false", "-auto-approve", "-parallelism=20"])
        .ok();
    let plan = infra_counting(&stack, &moto, &["plan", "-input=false", "-detailed-exitcode"]);
    assert_eq!(plan.code, 0, "{}", plan.all());
    // Batched: DescribeVpcs, the VPCs' default ACLs, main route tables and default groups;
    // DescribeLogGroups and one GetResources for the tags; DescribeTargetGroups and
    // DescribeTags (20 a call). Then the calls AWS has no batch form for, made for every
    // object on every refresh (no sample, so drift on them is seen), concurrently:
    // DescribeTargetGroupAttributes, one group a call, and DescribeVpcAttribute, one
    // attribute of one VPC a call (three per VPC).
    let made = requests(&plan);
    let vpcs = EXTRA_VPCS + 1;
    assert!(
        made <= 9 + count + 3 * vpcs,
        "{made} requests to refresh {} objects",
        2 * count + vpcs
    );

    // Drift on an attribute with no batch read is seen on the very next plan, for any group.
    moto.python(
        "import boto3\ne = boto3.client('elbv2')\narn = e.describe_target_groups(Names=['app-23'])['TargetGroups'][0]['TargetGroupArn']\ne.modify_target_group_attributes(TargetGroupArn=arn, Attributes=[{'Key': 'deregistration_delay.timeout_seconds', 'Value': '17'}])",
    );
    let drifted = infra_counting(&stack, &moto, &["plan", "-input=false", "-detailed-exitcode"]);
    assert_eq!(drifted.code, 2, "{}", drifted.all());
    assert_contains(&drifted.stdout, "# aws_lb_target_group.app[23] will be updated in-place");
    // The same cloud gives the same plan, byte for byte, drift section included.
    let again = infra_counting(&stack, &moto, &["plan", "-input=false", "-detailed-exitcode"]);
    assert_eq!(again.stdout, drifted.stdout, "two plans of the same cloud differ");
    infra_counting(&stack, &moto, &["apply", "-input=false", "-auto-approve", "-parallelism=20"])
        .ok();

    // Drift on a VPC's DNS attribute is seen on the very next plan, for any VPC.
    moto.python(
        "import boto3\nec2 = boto3.client('ec2')\nvpc = ec2.describe_vpcs(Filters=[{'Name': 'cidr', 'Values': ['10.8.0.0/16']}])['Vpcs'][0]['VpcId']\nec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={'Value': False})",
    );
    let drifted = infra_counting(&stack, &moto, &["plan", "-input=false", "-detailed-exitcode"]);
    assert_eq!(drifted.code, 2, "{}", drifted.all());
    assert_contains(&drifted.stdout, "# aws_vpc.extra[7] will be updated in-place");
    infra_counting(&stack, &moto, &["apply", "-input=false", "-auto-approve", "-parallelism=20"])
        .ok();

    // Drift on a tag is still seen through the batched tag read.
    moto.python(
        "import boto3\nlogs = boto3.client('logs')\narn = [g['arn'] for g in logs.describe_log_groups(logGroupNamePrefix='/bench/app-7')['logGroups'] if g['logGroupName'] == '/bench/app-7'][0]\nlogs.tag_resource(resourceArn=arn.removesuffix(':*'), tags={'Index': 'changed'})",
    );
    let drifted = infra_counting(&stack, &moto, &["plan", "-input=false", "-detailed-exitcode"]);
    assert_eq!(drifted.code, 2, "{}", drifted.all());
    assert_contains(&drifted.stdout, "# aws_cloudwatch_log_group.app[7] will be updated in-place");
}

/// `count` each of key pairs, launch templates, network ACLs, metric alarms and ECS capacity
/// providers (over one Auto Scaling group made in the emulator beforehand).
fn newer_types_stack(count: usize, asg_arn: &str) -> Stack {
    let stack = Stack::new();
    stack.write(
        "main.tf",
        &format!(
            r#"
resource "aws_vpc" "main" {{
  cidr_block = "10.1.0.0/16"
}}

resource "aws_key_pair" "app" {{
  count      = {count}
  key_name   = "bench-${{count.index}}"
  public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILl5aCn7U7++wGD5IHSH5q8/PyjWUKFTzVFnuQxPS6aM deploy"
}}

resource "aws_launch_template" "app" {{
  count         = {count}
  name          = "bench-${{count.index}}"
  image_id      = "ami-12c6146b"
  instance_type = "m5.large"
  tags          = {{ Index = tostring(count.index) }}
}}

resource "aws_network_acl" "app" {{
  count  = {count}
  vpc_id = aws_vpc.main.id
  tags   = {{ Index = tostring(count.index) }}
}}

resource "aws_cloudwatch_metric_alarm" "app" {{
  count               = {count}
  alarm_name          = "bench-${{count.index}}"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_Target_5XX_Count"
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 5
  comparison_operator = "GreaterThanThreshold"
}}

resource "aws_ecs_capacity_provider" "app" {{
  count = {count}
  name  = "bench-${{count.index}}"
  auto_scaling_group_provider {{
    auto_scaling_group_arn = "{asg_arn}"
  }}
}}
"#
        ),
    );
    stack
}

#[test]
fn refreshing_many_objects_of_the_newer_batched_types_takes_a_bounded_number_of_requests() {
    let moto = Moto::start();
    let asg_arn = moto
        .python(
            r#"
import boto3
autoscaling = boto3.client('autoscaling')
autoscaling.create_launch_configuration(LaunchConfigurationName='bench', ImageId='ami-12c6146b', InstanceType='t3.micro')
autoscaling.create_auto_scaling_group(AutoScalingGroupName='bench', LaunchConfigurationName='bench', MinSize=0, MaxSize=1, AvailabilityZones=['us-east-1a'])
print(autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=['bench'])['AutoScalingGroups'][0]['AutoScalingGroupARN'])
"#,
        )
        .trim()
        .to_string();
    let made = requests_to_refresh(&moto, &[5, 40], |count| newer_types_stack(count, &asg_arn));
    // Eight times the objects, the same requests: DescribeKeyPairs, DescribeLaunchTemplates,
    // their latest versions and DescribeTags, DescribeNetworkAcls, DescribeAlarms and the
    // tagging API's GetResources, DescribeCapacityProviders, and the VPC's reads.
    assert_eq!(made[0], made[1], "requests to refresh 5 and 40 of each type: {made:?}");
}

/// `count` CodeBuild projects: BatchGetProjects reads 100 a call, tags included.
fn codebuild_stack(count: usize) -> Stack {
    let stack = Stack::new();
    stack.write(
        "main.tf",
        &format!(
            r#"
resource "aws_codebuild_project" "app" {{
  count        = {count}
  name         = "bench-${{count.index}}"
  service_role = "arn:aws:iam::123456789012:role/codebuild"
  tags         = {{ Index = tostring(count.index) }}

  artifacts {{
    type = "NO_ARTIFACTS"
  }}

  environment {{
    compute_type = "BUILD_GENERAL1_SMALL"
    image        = "aws/codebuild/amazonlinux2-x86_64-standard:5.0"
    type         = "LINUX_CONTAINER"
  }}

  source {{
    type     = "GITHUB"
    location = "https://github.com/example/app.git"
  }}
}}
"#
        ),
    );
    stack
}

#[test]
fn refreshing_many_codebuild_projects_takes_the_same_requests_for_5_and_40() {
    let moto = Moto::start();
    let made = requests_to_refresh(&moto, &[5, 40], codebuild_stack);
    // One BatchGetProjects (up to 100 names) answers every project with its tags.
    assert_eq!(made[0], made[1], "requests to refresh 5 and 40 projects: {made:?}");
}

/// For each count: applies the stack `stack(count)` makes, counts the requests of a plan (which
/// must find no changes), and destroys it again.
fn requests_to_refresh(
    moto: &Moto,
    counts: &[usize],
    stack: impl Fn(usize) -> Stack,
) -> Vec<usize> {
    let mut made = Vec::new();
    for &count in counts {
        let stack = stack(count);
        infra_counting(
            &stack,
            moto,
            &["apply", "-input=false", "-auto-approve", "-parallelism=20"],
        )
        .ok();
        let plan = infra_counting(&stack, moto, &["plan", "-input=false", "-detailed-exitcode"]);
        assert_eq!(plan.code, 0, "{}", plan.all());
        made.push(requests(&plan));
        infra_counting(
            &stack,
            moto,
            &["destroy", "-input=false", "-auto-approve", "-parallelism=20"],
        )
        .ok();
    }
    made
}
