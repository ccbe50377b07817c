//! AWS WAF: `aws_wafv2_web_acl_association`, a web ACL protecting a load balancer, as
//! terraform-aws-modules/alb writes it. infra has no `aws_wafv2_web_acl` type yet, so the web
//! ACL is made with boto3 and passed in, as a stack that reads it from another state would.

use infra_testkit::{Moto, Stack};

use super::{apply_ok as apply, assert_contains, infra, plan_is_clean, reimport, state_id};

const ASSOCIATION: &str = r#"
variable "web_acl_arn" {
  type = string
}

resource "aws_vpc" "main" {
  cidr_block = "10.42.0.0/16"
}

resource "aws_subnet" "public" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  availability_zone = ["us-east-1a", "us-east-1b"][count.index]
}

resource "aws_lb" "web" {
  name    = "waf-protected"
  subnets = aws_subnet.public[*].id
}

resource "aws_wafv2_web_acl_association" "web" {
  resource_arn = aws_lb.web.arn
  web_acl_arn  = var.web_acl_arn
}
"#;

/// A regional web ACL made with boto3; its ARN.
fn web_acl(moto: &Moto, name: &str) -> String {
    moto.python(&format!(
        "import boto3\n\
         acl = boto3.client('wafv2').create_web_acl(Name='{name}', Scope='REGIONAL', DefaultAction={{'Allow': {{}}}}, \
         VisibilityConfig={{'SampledRequestsEnabled': False, 'CloudWatchMetricsEnabled': False, 'MetricName': '{name}'}})\n\
         print(acl['Summary']['ARN'])"
    ))
    .trim()
    .to_string()
}

/// The ARN of the web ACL that protects `resource`, as WAF answers, or "none".
fn protecting(moto: &Moto, resource: &str) -> String {
    moto.python(&format!(
        "import boto3\n\
         answer = boto3.client('wafv2').get_web_acl_for_resource(ResourceArn='{resource}')\n\
         print(answer.get('WebACL', {{}}).get('ARN', 'none'))"
    ))
    .trim()
    .to_string()
}

/// The association protects the load balancer with the web ACL, its ID is the provider's
/// `WEB_ACL_ARN,RESOURCE_ARN`, the next plan is clean, an import by that ID plans clean,
/// another web ACL replaces the association, and destroy removes it.
#[test]
fn a_web_acl_association_protects_the_load_balancer_until_destroyed() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", ASSOCIATION);
    let first = web_acl(&moto, "first");
    let vars = [format!("-var=web_acl_arn={first}")];
    let created = apply(&stack, &moto, &vars);
    assert_contains(&created, "Apply complete! Resources: 5 added, 0 changed, 0 destroyed.");
    let lb = state_id(&stack, "aws_lb.web");
    let id = format!("{first},{lb}");
    assert_eq!(state_id(&stack, "aws_wafv2_web_acl_association.web"), id);
    assert_eq!(protecting(&moto, &lb), first);
    plan_is_clean(&stack, &moto, &vars, "after the apply");

    reimport(&stack, &moto, &vars, &[("aws_wafv2_web_acl_association.web", &id)]);
    plan_is_clean(&stack, &moto, &vars, "after the import");

    // Another web ACL: both arguments force a new association.
    let second = web_acl(&moto, "second");
    let vars = [format!("-var=web_acl_arn={second}")];
    let plan = infra(&stack, Some(&moto), &["plan", "-input=false", &vars[0]]).ok();
    assert_contains(&plan.stdout, "# aws_wafv2_web_acl_association.web must be replaced");
    apply(&stack, &moto, &vars);
    assert_eq!(protecting(&moto, &lb), second);

    let mut destroy = vec!["destroy", "-input=false", "-auto-approve"];
    destroy.push(&vars[0]);
    infra(&stack, Some(&moto), &destroy).ok();
    assert_eq!(protecting(&moto, &lb), "none");
}
