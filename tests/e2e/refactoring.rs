//! The Terraform language and CLI that real stacks use to change what the state calls an
//! object (issue 11): `moved`, `import`, `removed`, `state mv`; validate without variables;
//! `-exclude`, `-refresh-only`, `graph`; and the errors Terraform gives for bad references.

use infra_testkit::{Moto, Stack};

use super::{
    assert_contains, create_vpc, infra, infra_with_password, plan_run, python_lines, NO_VARS,
};

const DATABASE: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "db_password" {
  type      = string
  sensitive = true
}

resource "aws_db_instance" "NAME" {
  identifier          = "orders-db"
  engine              = "postgres"
  engine_version      = "16.3"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  db_name             = "orders"
  username            = "app"
  password            = var.db_password
  skip_final_snapshot = true
}
"#;

fn database_identifiers(moto: &Moto) -> Vec<String> {
    python_lines(moto, "import boto3\nrds = boto3.client('rds')\nprint('\\n'.join(d['DBInstanceIdentifier'] for d in rds.describe_db_instances()['DBInstances']))",)
}

fn state_addresses(stack: &Stack) -> Vec<String> {
    let state: serde_json::Value = stack.state();
    state["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| r["address"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn a_moved_block_renames_an_rds_instance_without_destroying_it() {
    let moto = Moto::start();
    let stack = Stack::new();
    let password = "s3cret-Pa55word";
    stack.write("main.tf", &DATABASE.replace("NAME", "old"));
    infra_with_password(&stack, &moto, password, &["apply", "-auto-approve", "-input=false"]).ok();
    assert_eq!(database_identifiers(&moto), vec!["orders-db"]);

    stack.write(
        "main.tf",
        &format!(
            "{}\nmoved {{\n  from = aws_db_instance.old\n  to   = aws_db_instance.new\n}}\n",
            DATABASE.replace("NAME", "new")
        ),
    );
    let plan =
        infra_with_password(&stack, &moto, password, &["plan", "-input=false", "-out=plan.json"])
            .ok();
    assert_contains(&plan.stdout, "# aws_db_instance.old has moved to aws_db_instance.new");
    assert_contains(&plan.stdout, "Plan: 0 to add, 0 to change, 0 to destroy.");
    let plan_json =
        infra_with_password(&stack, &moto, password, &["show", "-json", "plan.json"]).ok();
    let document: serde_json::Value = serde_json::from_str(&plan_json.stdout).expect("plan JSON");
    let change = document["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == "aws_db_instance.new")
        .expect("the moved instance is in resource_changes");
    assert_eq!(change["previous_address"], "aws_db_instance.old");
    assert_eq!(change["change"]["actions"], serde_json::json!(["no-op"]));

    let apply = infra_with_password(&stack, &moto, password, &["apply", "plan.json"]).ok();
    assert_contains(&apply.stdout, "0 destroyed");
    assert_eq!(state_addresses(&stack), vec!["aws_db_instance.new"]);
    assert_eq!(database_identifiers(&moto), vec!["orders-db"]);

    let again = infra_with_password(
        &stack,
        &moto,
        password,
        &["plan", "-input=false", "-detailed-exitcode"],
    );
    assert_eq!(again.code, 0, "{}", again.all());
    assert_contains(&again.stdout, "No changes.");
}

const VPC_BY_ID: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "vpc_id" {
  type = string
}

import {
  to = aws_vpc.imported
  id = var.vpc_id
}

resource "aws_vpc" "imported" {
  cidr_block = "10.40.0.0/16"
  tags = {
    Name = "legacy"
  }
}
"#;

fn vpc_count(moto: &Moto) -> usize {
    moto.python("import boto3\nec2 = boto3.client('ec2')\nprint(len([v for v in ec2.describe_vpcs()['Vpcs'] if not v.get('IsDefault')]))")
        .trim()
        .parse()
        .expect("a count")
}

#[test]
fn an_import_block_adopts_an_existing_vpc_then_plans_no_changes() {
    let moto = Moto::start();
    let stack = Stack::new();
    let vpc_id = create_vpc(&moto, "10.40.0.0/16", "legacy");
    stack.write("main.tf", VPC_BY_ID);
    let var = format!("vpc_id={vpc_id}");

    let plan = infra(&stack, Some(&moto), &["plan", "-input=false", "-var", &var]).ok();
    assert_contains(&plan.stdout, "# aws_vpc.imported will be imported");
    assert_contains(&plan.stdout, "Plan: 1 to import, 0 to add, 0 to change, 0 to destroy.");
    let apply =
        infra(&stack, Some(&moto), &["apply", "-auto-approve", "-input=false", "-var", &var]).ok();
    assert_contains(&apply.stdout, "Apply complete! Resources: 1 imported, 0 added");
    assert_eq!(vpc_count(&moto), 1, "the import made no second VPC");
    let state = stack.read("terraform.tfstate");
    assert_contains(&state, &vpc_id);

    let again = plan_run(&stack, &moto, &["-var", &var]);
    assert_eq!(again.code, 0, "{}", again.all());

    // An ID that names nothing is Terraform's error, at the import block.
    let missing = Stack::new();
    missing.write("main.tf", VPC_BY_ID);
    let refused = infra(
        &missing,
        Some(&moto),
        &["plan", "-input=false", "-var", "vpc_id=vpc-0000000000000000"],
    )
    .expect_code(1);
    assert_contains(&refused.stderr, "Cannot import non-existent remote object");
    assert_contains(&refused.stderr, "main.tf:");
}

#[test]
fn infra_import_adopts_an_object_by_its_terraform_id() {
    let moto = Moto::start();
    let stack = Stack::new();
    let vpc_id = create_vpc(&moto, "10.41.0.0/16", "by-command");
    stack.write(
        "main.tf",
        r#"
provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "main" {
  cidr_block = "10.41.0.0/16"
  tags = {
    Name = "by-command"
  }
}
"#,
    );
    let import =
        infra(&stack, Some(&moto), &["import", "-input=false", "aws_vpc.main", &vpc_id]).ok();
    assert_contains(&import.stdout, "Import successful!");
    assert_eq!(state_addresses(&stack), vec!["aws_vpc.main"]);
    let again = plan_run(&stack, &moto, NO_VARS);
    assert_eq!(again.code, 0, "{}", again.all());

    // A second import to the same address is refused, and so is one without configuration.
    let twice = infra(&stack, Some(&moto), &["import", "aws_vpc.main", &vpc_id]).expect_code(1);
    assert_contains(&twice.stderr, "already managed");
    let unconfigured =
        infra(&stack, Some(&moto), &["import", "aws_vpc.other", &vpc_id]).expect_code(1);
    assert_contains(&unconfigured.stderr, "does not exist in the configuration");
}

const ONE_VPC: &str = r#"
provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "main" {
  cidr_block = "10.42.0.0/16"
  tags = {
    Name = "kept"
  }
}
"#;

#[test]
fn a_removed_block_with_destroy_false_forgets_the_object_and_keeps_it() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", ONE_VPC);
    infra(&stack, Some(&moto), &["apply", "-auto-approve", "-input=false"]).ok();
    assert_eq!(vpc_count(&moto), 1);

    stack.write(
        "main.tf",
        "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nremoved {\n  from = aws_vpc.main\n  lifecycle {\n    destroy = false\n  }\n}\n",
    );
    let plan = infra(&stack, Some(&moto), &["plan", "-input=false"]).ok();
    assert_contains(&plan.stdout, "# aws_vpc.main will no longer be managed by infra");
    assert_contains(&plan.stdout, "Plan: 0 to add, 0 to change, 0 to destroy, 1 to forget.");
    infra(&stack, Some(&moto), &["apply", "-auto-approve", "-input=false"]).ok();
    assert!(state_addresses(&stack).is_empty());
    assert_eq!(vpc_count(&moto), 1, "the VPC still exists");

    // A removed block whose resource is still configured is Terraform's error.
    stack.write(
        "main.tf",
        &format!("{ONE_VPC}\nremoved {{\n  from = aws_vpc.main\n  lifecycle {{\n    destroy = false\n  }}\n}}\n"),
    );
    let refused = infra(&stack, Some(&moto), &["plan", "-input=false"]).expect_code(1);
    assert_contains(&refused.stderr, "Removed resource block still exists");
    assert_contains(&refused.stderr, "main.tf:");
}

#[test]
fn state_mv_renames_and_the_plan_agrees() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", ONE_VPC);
    infra(&stack, Some(&moto), &["apply", "-auto-approve", "-input=false"]).ok();
    let moved = infra(
        &stack,
        Some(&moto),
        &["state", "mv", "-input=false", "aws_vpc.main", "aws_vpc.renamed"],
    )
    .ok();
    assert_contains(&moved.stdout, "Move \"aws_vpc.main\" to \"aws_vpc.renamed\"");
    stack.write("main.tf", &ONE_VPC.replace("\"main\"", "\"renamed\""));
    let plan = plan_run(&stack, &moto, NO_VARS);
    assert_eq!(plan.code, 0, "{}", plan.all());
    let missing = infra(&stack, Some(&moto), &["state", "mv", "aws_vpc.nothing", "aws_vpc.else"])
        .expect_code(1);
    assert_contains(&missing.stderr, "nothing was moved");
}

#[test]
fn validate_needs_no_variable_values() {
    let stack = Stack::new();
    stack.write(
        "main.tf",
        r#"
variable "cidr" {
  type = string
}

variable "azs" {
  type = list(string)
}

resource "aws_vpc" "main" {
  cidr_block = var.cidr
}

resource "aws_subnet" "private" {
  count      = length(var.azs)
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet(var.cidr, 8, count.index)
}
"#,
    );
    let validate = infra(&stack, None, &["validate", "-input=false"]).ok();
    assert_contains(&validate.stdout, "Success!");
    // plan still needs them.
    let plan = infra(&stack, None, &["plan", "-input=false"]).expect_code(1);
    assert_contains(&plan.stderr, "No value for required variable");
}

#[test]
fn references_terraform_refuses_are_located_errors() {
    let stack = Stack::new();
    stack.write(
        "main.tf",
        r#"
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = aws_vpc.main.cidr_blocks_typo
}

resource "aws_security_group" "loop" {
  name        = "loop"
  description = aws_security_group.loop.name
}
"#,
    );
    let validate = infra(&stack, None, &["validate"]).expect_code(1);
    assert_contains(&validate.stderr, "Unsupported attribute");
    assert_contains(
        &validate.stderr,
        "no argument, nested block, or exported attribute named \"cidr_blocks_typo\"",
    );
    assert_contains(&validate.stderr, "main.tf:8:");
    assert_contains(&validate.stderr, "Self-referential block");
    assert_contains(&validate.stderr, "main.tf:13:");

    let empty = Stack::new();
    let plan = infra(&empty, None, &["plan", "-input=false"]).expect_code(1);
    assert_contains(&plan.stderr, "No configuration files");
}

#[test]
fn exclude_leaves_out_an_address_and_what_depends_on_it() {
    let moto = Moto::start();
    let stack = Stack::from_fixture("tests/fixtures/network");
    let plan =
        infra(&stack, Some(&moto), &["plan", "-input=false", "-exclude=aws_security_group.web"])
            .ok();
    assert_contains(&plan.stdout, "Plan: 3 to add, 0 to change, 0 to destroy.");
    assert!(!plan.stdout.contains("aws_security_group.web will be"), "{}", plan.stdout);

    // Excluding the VPC leaves out everything that depends on it: here, everything.
    stack.write("exclude.txt", "# the network stays as it is\naws_vpc.main\n");
    let plan =
        infra(&stack, Some(&moto), &["plan", "-input=false", "-exclude-file=exclude.txt"]).ok();
    assert_contains(&plan.stdout, "No changes.");
}

#[test]
fn refresh_only_records_drift_without_changing_any_object() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", ONE_VPC);
    infra(&stack, Some(&moto), &["apply", "-auto-approve", "-input=false"]).ok();
    moto.python("import boto3\nec2 = boto3.client('ec2')\nfor v in ec2.describe_vpcs(Filters=[{'Name': 'tag:Name', 'Values': ['kept']}])['Vpcs']:\n    ec2.create_tags(Resources=[v['VpcId']], Tags=[{'Key': 'Owner', 'Value': 'ops'}])");

    let plan = infra(
        &stack,
        Some(&moto),
        &["plan", "-input=false", "-refresh-only", "-detailed-exitcode"],
    );
    assert_eq!(plan.code, 2, "{}", plan.all());
    assert_contains(&plan.stdout, "# aws_vpc.main has changed");
    assert_contains(&plan.stdout, "This is a refresh-only plan");
    assert!(!plan.stdout.contains("Plan:"), "{}", plan.stdout);

    infra(&stack, Some(&moto), &["apply", "-refresh-only", "-auto-approve", "-input=false"]).ok();
    let state = stack.read("terraform.tfstate");
    assert!(state.contains("\"Owner\""), "the drift is recorded: {state}");
    let tags = moto.python("import boto3\nec2 = boto3.client('ec2')\nprint(sorted(t['Key'] for v in ec2.describe_vpcs(Filters=[{'Name': 'tag:Name', 'Values': ['kept']}])['Vpcs'] for t in v['Tags']))");
    assert!(tags.contains("Owner"), "the object was not changed: {tags}");

    // A normal plan now proposes to undo the out-of-band tag.
    let plan = infra(&stack, Some(&moto), &["plan", "-input=false"]).ok();
    assert_contains(&plan.stdout, "1 to change");
}

#[test]
fn graph_prints_the_dependencies_as_dot() {
    let stack = Stack::from_fixture("tests/fixtures/network");
    let graph = infra(&stack, None, &["graph"]).ok();
    assert!(graph.stdout.starts_with("digraph G {"), "{}", graph.stdout);
    assert!(
        graph.stdout.contains("\"aws_subnet.private\" -> \"aws_vpc.main\";"),
        "{}",
        graph.stdout
    );
}

#[test]
fn every_command_accepts_input_false_and_auto_approve() {
    let stack = Stack::new();
    stack.write("main.tf", ONE_VPC);
    for args in [
        &["revert", "-input=false", "-auto-approve"][..],
        &["finalize", "-input=false"],
        &["deployments", "-input=false"],
        &["state", "list", "-input=false"],
        &["output", "-input=false"],
        &["show", "-input=false"],
        &["fmt", "-check", "-input=false"],
        &["workspace", "show", "-input=false"],
    ] {
        let run = infra(&stack, None, args);
        assert!(!run.stderr.contains("unexpected argument"), "{args:?}: {}", run.all());
    }
}

#[test]
fn a_data_source_that_depends_on_a_new_resource_is_read_during_apply() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write(
        "main.tf",
        r#"
provider "aws" {
  region = "us-east-1"
}

resource "aws_iam_role" "first" {
  name = "deferred-first"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.first.arn]
    }
  }
}

data "aws_availability_zones" "after_role" {
  state      = "available"
  depends_on = [aws_iam_role.first]
}

resource "aws_iam_role" "second" {
  name               = "deferred-second"
  assume_role_policy = data.aws_iam_policy_document.trust.json
  tags = {
    Zone = data.aws_availability_zones.after_role.names[0]
  }
}
"#,
    );
    let plan = infra(&stack, Some(&moto), &["plan", "-input=false", "-out=plan.json"]).ok();
    assert_contains(&plan.stdout, "# data.aws_iam_policy_document.trust will be read during apply");
    assert_contains(
        &plan.stdout,
        "# data.aws_availability_zones.after_role will be read during apply",
    );
    let apply = infra(&stack, Some(&moto), &["apply", "plan.json"]).ok();
    assert_contains(&apply.stdout, "data.aws_iam_policy_document.trust: Read complete");
    let trust = moto.python("import boto3, json\niam = boto3.client('iam')\nprint(json.dumps(iam.get_role(RoleName='deferred-second')['Role']['AssumeRolePolicyDocument']))");
    assert_contains(&trust, "role/deferred-first");

    // Now that the role exists and nothing changes, the data sources are read while planning.
    let again = plan_run(&stack, &moto, NO_VARS);
    assert_eq!(again.code, 0, "{}", again.all());
    assert!(!again.stdout.contains("will be read during apply"), "{}", again.stdout);
}

const CONDITIONS: &str = r#"
variable "image" {
  type    = string
  default = "v1"
}

variable "min_port" {
  type    = number
  default = 1
}

resource "terraform_data" "image" {
  input = var.image
}

resource "random_id" "service" {
  byte_length = 4
  lifecycle {
    replace_triggered_by = [terraform_data.image]
  }
}

resource "random_integer" "port" {
  min = var.min_port
  max = 100
  lifecycle {
    precondition {
      condition     = var.min_port > 0
      error_message = "min_port must be positive, got ${var.min_port}."
    }
    postcondition {
      condition     = self.result >= var.min_port
      error_message = "The port is below min_port."
    }
  }
}

check "port_is_high" {
  assert {
    condition     = random_integer.port.result > 1000
    error_message = "The port is below 1000."
  }
}

output "service" {
  value = random_id.service.hex
  precondition {
    condition     = length(var.image) > 1
    error_message = "The image tag is too short."
  }
}
"#;

#[test]
fn replace_triggered_by_conditions_and_checks_behave_as_in_terraform() {
    let stack = Stack::new();
    stack.write("main.tf", CONDITIONS);
    let apply = infra(&stack, None, &["apply", "-auto-approve", "-input=false"]).ok();
    assert!(apply.stderr.contains("Check block assertion failed"), "{}", apply.all());
    assert!(apply.stderr.contains("The port is below 1000."), "{}", apply.all());

    let plan = infra(&stack, None, &["plan", "-input=false", "-var", "image=v2"]).ok();
    assert_contains(
        &plan.stdout,
        "# random_id.service will be replaced due to changes in replace_triggered_by",
    );
    assert_contains(&plan.stdout, "Plan: 1 to add, 1 to change, 1 to destroy.");
    infra(&stack, None, &["plan", "-input=false", "-var", "image=v2", "-out=plan.json"]).ok();
    let shown = infra(&stack, None, &["show", "-json", "plan.json"]).ok();
    assert_contains(&shown.stdout, "\"action_reason\":\"replace_by_triggers\"");

    let refused =
        infra(&stack, None, &["plan", "-input=false", "-var", "min_port=0"]).expect_code(1);
    assert_contains(&refused.stderr, "Resource precondition failed");
    assert_contains(&refused.stderr, "min_port must be positive, got 0.");
    assert_contains(&refused.stderr, "main.tf:28:");

    let refused = infra(&stack, None, &["plan", "-input=false", "-var", "image=x"]).expect_code(1);
    assert_contains(&refused.stderr, "Output precondition failed");
    assert_contains(&refused.stderr, "The image tag is too short.");

    // A postcondition that fails once the object exists fails the apply, naming it.
    let post = Stack::new();
    post.write(
        "main.tf",
        "resource \"random_integer\" \"port\" {\n  min = 1\n  max = 100\n  lifecycle {\n    postcondition {\n      condition     = self.result > 1000\n      error_message = \"Ports above 1000 only.\"\n    }\n  }\n}\n",
    );
    let failed = infra(&post, None, &["apply", "-auto-approve", "-input=false"]).expect_code(1);
    assert!(failed.stderr.contains("Ports above 1000 only."), "{}", failed.all());
}

#[test]
fn generate_config_out_writes_configuration_for_an_import_block() {
    let moto = Moto::start();
    let stack = Stack::new();
    let vpc_id = create_vpc(&moto, "10.44.0.0/16", "generated");
    stack.write(
        "main.tf",
        &format!("provider \"aws\" {{\n  region = \"us-east-1\"\n}}\n\nimport {{\n  to = aws_vpc.legacy\n  id = \"{vpc_id}\"\n}}\n"),
    );
    // Without configuration for the target, Terraform's error.
    let refused = infra(&stack, Some(&moto), &["plan", "-input=false"]).expect_code(1);
    assert_contains(&refused.stderr, "Configuration for import target does not exist");
    let plan =
        infra(&stack, Some(&moto), &["plan", "-input=false", "-generate-config-out=generated.tf"])
            .ok();
    let generated = stack.read("generated.tf");
    assert_contains(&generated, "resource \"aws_vpc\" \"legacy\" {");
    assert_contains(&generated, "cidr_block = \"10.44.0.0/16\"");
    assert_contains(&plan.stdout, "# aws_vpc.legacy will be imported");
    infra(&stack, Some(&moto), &["apply", "-auto-approve", "-input=false"]).ok();
    let again = plan_run(&stack, &moto, NO_VARS);
    assert_eq!(again.code, 0, "{}", again.all());
    // A second run refuses to overwrite the file.
    let refused =
        infra(&stack, Some(&moto), &["plan", "-input=false", "-generate-config-out=generated.tf"])
            .expect_code(1);
    assert_contains(&refused.stderr, "already exists");
}
