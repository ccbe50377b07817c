//! A provider block that reads an ephemeral value (Terraform 1.10: provider configuration is
//! one of the places an ephemeral value may go), and an object constructor that repeats a key
//! (issue 36), through the binary and moto.

use infra_testkit::{Moto, Stack};

use super::{apply_ok, assert_contains, infra, NO_VARS};

/// An aliased AWS provider assumes a role under a session name made from an ephemeral
/// password: moto's STS names the session in the assumed role's ARN, which the provider's
/// `aws_caller_identity` reads back.
const STACK: &str = r#"
provider "aws" {
  region = "us-east-1"
}

ephemeral "random_password" "session" {
  length  = 16
  special = false
}

provider "aws" {
  alias  = "deployer"
  region = "us-east-1"
  assume_role {
    role_arn     = "arn:aws:iam::123456789012:role/deployer"
    session_name = "s-${ephemeral.random_password.session.result}"
  }
}

data "aws_caller_identity" "deployer" {
  provider = aws.deployer
}

resource "aws_ssm_parameter" "who" {
  provider = aws.deployer
  name     = "/deployer/who"
  type     = "String"
  value    = "made"
}

output "arn" {
  value = data.aws_caller_identity.deployer.arn
}
"#;

fn assumed_session(arn: &str) -> &str {
    let session = arn
        .strip_prefix("arn:aws:sts::123456789012:assumed-role/deployer/s-")
        .unwrap_or_else(|| panic!("not the deployer role's session: {arn}"));
    assert_eq!(session.len(), 16, "{arn}");
    assert!(session.chars().all(char::is_alphanumeric), "{arn}");
    session
}

#[test]
fn a_provider_block_reads_an_ephemeral_resource_opened_before_it_is_configured() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", STACK);

    // validate: the value is not known, and provider configuration may take it.
    infra(&stack, None, &["validate"]).ok();

    let plan = infra(&stack, Some(&moto), &["plan", "-input=false", "-out=p.tfplan"]).ok();
    assert_contains(&plan.stdout, "ephemeral.random_password.session: Opening...");
    let arn_line = plan
        .stdout
        .lines()
        .find(|line| line.trim_start().starts_with("+ arn = \""))
        .unwrap_or_else(|| panic!("no arn output in\n{}", plan.stdout));
    let planned = arn_line.split('"').nth(1).unwrap_or_default().to_string();
    let planned_session = assumed_session(&planned).to_string();
    let plan_file = stack.read("p.tfplan");
    assert!(!plan_file.contains("random_password"), "{plan_file}");

    // A saved plan is applied with the ephemeral resource opened again (a new password, so a
    // new session of the same role), as Terraform opens it again to apply.
    infra(&stack, Some(&moto), &["apply", "-input=false", "p.tfplan"]).ok();
    let state = stack.read("terraform.tfstate");
    assert!(!state.contains("ephemeral"), "{state}");
    assert!(state.contains("\"/deployer/who\""), "made with the role: {state}");
    let output = infra(&stack, Some(&moto), &["output", "-raw", "arn"]).ok();
    let applied_session = assumed_session(output.stdout.trim()).to_string();

    // Every run opens it again and assumes the role under a new session name: the data
    // source's ARN, so the output, changes with it, and nothing managed does.
    apply_ok(&stack, &moto, NO_VARS);
    let output = infra(&stack, Some(&moto), &["output", "-raw", "arn"]).ok();
    let again = assumed_session(output.stdout.trim());
    assert!(again != planned_session && again != applied_session, "{again}");
    let plan = infra(&stack, Some(&moto), &["plan", "-input=false"]).ok();
    assert!(
        plan.stdout.contains("Plan: 0 to add, 0 to change, 0 to destroy.")
            && plan.stdout.contains("~ arn = \"arn:aws:sts::123456789012:assumed-role/deployer/s-"),
        "{}",
        plan.stdout
    );
}

#[test]
fn what_infra_cannot_open_before_the_providers_is_a_located_error() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write(
        "main.tf",
        r#"
provider "aws" {
  region = "us-east-1"
}

resource "aws_ssm_parameter" "role" {
  name  = "/role"
  type  = "String"
  value = "arn:aws:iam::123456789012:role/deployer"
}

ephemeral "aws_ssm_parameter" "role" {
  arn = aws_ssm_parameter.role.arn
}

provider "aws" {
  alias  = "deployer"
  region = "us-east-1"
  assume_role {
    role_arn = ephemeral.aws_ssm_parameter.role.value
  }
}
"#,
    );
    let refused = infra(&stack, Some(&moto), &["plan", "-input=false"]).expect_code(1);
    assert!(
        refused.stderr.contains("Unsupported provider configuration")
            && refused.stderr.contains("aws_ssm_parameter.role, a managed resource")
            && refused.stderr.contains("on main.tf:12:1"),
        "{}",
        refused.all()
    );
}

/// Terraform takes the last of a repeated key in an object constructor (hclsyntax's
/// `ObjectConsExpr`), as terraform-aws-modules/alb's complete example writes `port` twice.
#[test]
fn an_object_constructor_may_repeat_a_key_the_last_one_winning() {
    let stack = Stack::new();
    stack.write(
        "main.tf",
        "locals {\n  group = {\n    port     = 80\n    protocol = \"HTTP\"\n    port     = 8080\n  }\n}\n\noutput \"port\" {\n  value = local.group.port\n}\n\noutput \"keys\" {\n  value = keys({ a = 1, b = 2, a = 3 })\n}\n",
    );
    infra(&stack, None, &["validate"]).ok();
    let plan = infra(&stack, None, &["plan", "-input=false"]).ok();
    assert_contains(&plan.stdout, "+ port = 8080");
    assert_contains(&plan.stdout, "\"a\"");
    // A body's attribute may still not be repeated.
    stack.write("main.tf", "locals {\n  a = 1\n  a = 2\n}\n");
    let refused = infra(&stack, None, &["validate"]).expect_code(1);
    assert!(refused.stderr.contains("Attribute redefined"), "{}", refused.all());
}
