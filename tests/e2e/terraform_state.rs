//! Terraform's state file, read and written (issue 32): real states that Terraform wrote plan
//! "No changes" under infra, a later change plans only itself, infra's earlier format moves to
//! Terraform's with `init -migrate-state`, and what infra writes is Terraform's v4 format with
//! the provider's attribute names and schema versions.
//!
//! The fixtures under `tests/fixtures/terraform_states/` are public states with their
//! configuration; each folder's SOURCE.md names the repository, commit and licence.

use infra_testkit::{Moto, Stack};

use super::{apply_ok, apply_run, assert_contains, infra, plan_is_clean, plan_run, NO_VARS};

const NETWORK_FIXTURE: &str = "tests/fixtures/terraform_states/packt-vpc-natgw";

/// Terraform 1.2.4 and AWS provider 4.x wrote this state: a VPC, four subnets, an internet
/// and a NAT gateway, an EIP, two route tables and their associations, a data source and five
/// outputs. Read as it is, it plans nothing, and a changed tag plans one in-place update.
#[test]
fn a_terraform_written_state_plans_no_changes_then_only_the_change() {
    let moto = Moto::start();
    let stack = Stack::from_fixture(NETWORK_FIXTURE);
    let original = stack.read("terraform.tfstate");

    infra(&stack, Some(&moto), &["init", "-input=false"]).ok();
    let plan = infra(
        &stack,
        Some(&moto),
        &["plan", "-input=false", "-refresh=false", "-detailed-exitcode"],
    );
    assert_eq!(plan.code, 0, "{}", plan.all());
    assert_contains(&plan.stdout, "No changes.");
    assert_eq!(
        stack.read("terraform.tfstate"),
        original,
        "a plan leaves Terraform's file as it was"
    );

    let main = stack.read("main.tf");
    stack.write("main.tf", &main.replacen("Name = \"VPC\"", "Name = \"VPC (infra)\"", 1));
    let plan = infra(
        &stack,
        Some(&moto),
        &["plan", "-input=false", "-refresh=false", "-detailed-exitcode"],
    );
    assert_eq!(plan.code, 2, "{}", plan.all());
    assert_contains(&plan.stdout, "# aws_vpc.vpc will be updated in-place");
    assert_contains(&plan.stdout, "Plan: 0 to add, 1 to change, 0 to destroy.");

    // `state pull` prints Terraform's file, with Terraform's lineage and serial kept.
    let pulled: serde_json::Value =
        serde_json::from_str(&infra(&stack, Some(&moto), &["state", "pull"]).ok().stdout)
            .expect("state pull prints JSON");
    let written: serde_json::Value = serde_json::from_str(&original).unwrap();
    assert_eq!(pulled["version"], 4);
    assert_eq!(pulled["lineage"], written["lineage"]);
    assert_eq!(pulled["serial"], written["serial"]);
    assert_eq!(
        pulled["resources"].as_array().map(Vec::len),
        written["resources"].as_array().map(Vec::len)
    );
}

/// What a Terraform state holds for the provider's arguments infra does not support yet
/// (`Schema::not_supported`) is kept as it is and plans no change; a configuration that sets
/// one is refused at its line, and the file is left as it was.
#[test]
fn arguments_infra_does_not_support_yet_are_kept_from_a_state_and_refused_in_configuration() {
    let moto = Moto::start();
    let stack = Stack::from_fixture(NETWORK_FIXTURE);
    let mut state: serde_json::Value =
        serde_json::from_str(&stack.read("terraform.tfstate")).unwrap();
    for resource in state["resources"].as_array_mut().unwrap() {
        let attribute = match resource["type"].as_str().unwrap() {
            "aws_subnet" => "ipv4_ipam_pool_id",
            "aws_eip" => "ipam_pool_id",
            _ => continue,
        };
        for instance in resource["instances"].as_array_mut().unwrap() {
            instance["attributes"][attribute] = "ipam-pool-0123456789abcdef0".into();
        }
    }
    let original = serde_json::to_string_pretty(&state).unwrap();
    stack.write("terraform.tfstate", &original);

    infra(&stack, Some(&moto), &["init", "-input=false"]).ok();
    let plan_args = ["plan", "-input=false", "-refresh=false", "-detailed-exitcode"];
    let plan = infra(&stack, Some(&moto), &plan_args);
    assert_eq!(plan.code, 0, "{}", plan.all());
    assert_contains(&plan.stdout, "No changes.");
    let shown = infra(&stack, Some(&moto), &["state", "show", "aws_eip.eip_natgateway"]).ok();
    assert_contains(&shown.stdout, "ipam-pool-0123456789abcdef0");

    let main = stack.read("main.tf");
    let configured = main.replacen(
        "  availability_zone = each.key\n",
        "  availability_zone = each.key\n  ipv4_ipam_pool_id = \"ipam-pool-0123456789abcdef0\"\n",
        1,
    );
    assert_ne!(configured, main);
    stack.write("main.tf", &configured);
    let line = configured.lines().position(|l| l.contains("ipv4_ipam_pool_id")).unwrap() + 1;
    let plan = infra(&stack, Some(&moto), &plan_args);
    assert_eq!(plan.code, 1, "{}", plan.all());
    assert_contains(&plan.stderr, "infra does not support \"ipv4_ipam_pool_id\" of aws_subnet yet");
    assert_contains(&plan.stderr, &format!("main.tf:{line}:"));
    assert_eq!(stack.read("terraform.tfstate"), original);
}

/// The network fixture's state as OpenTofu writes it under an `encryption` block (pbkdf2 and
/// aes_gcm at OpenTofu's defaults), sealed by `tests/support/opentofu_encrypt.py`, which
/// follows OpenTofu's source and not infra's. With the same block in the configuration infra
/// reads it as it is: the plan is "No changes", leaves the file sealed as it was, and
/// `state pull` prints Terraform's plain state. Without the block, or with another
/// passphrase, the file is refused with the reason, and nothing is written.
#[test]
fn an_opentofu_encrypted_state_reads_with_the_encryption_blocks_keys() {
    const PASSPHRASE: &str = "correct-horse-battery-staple";
    let moto = Moto::start();
    let stack = Stack::from_fixture(NETWORK_FIXTURE);
    let plain = stack.read("terraform.tfstate");
    let sealed = opentofu_encrypted(&plain, "tofu", PASSPHRASE);
    assert!(!sealed.contains("aws_vpc"), "{sealed}");
    stack.write("terraform.tfstate", &sealed);
    let encryption = |passphrase: &str| {
        format!(
            "terraform {{\n  encryption {{\n    key_provider \"pbkdf2\" \"tofu\" {{\n      \
             passphrase = \"{passphrase}\"\n    }}\n    method \"aes_gcm\" \"tofu\" {{\n      \
             keys = key_provider.pbkdf2.tofu\n    }}\n    state {{\n      method = \
             method.aes_gcm.tofu\n    }}\n  }}\n}}\n"
        )
    };
    let plan_args = ["plan", "-input=false", "-refresh=false", "-detailed-exitcode"];

    let refused = infra(&stack, Some(&moto), &plan_args);
    assert_eq!(refused.code, 1, "{}", refused.all());
    assert_contains(&refused.stderr, "encrypted");
    stack.write("encryption.tf", &encryption("not the passphrase OpenTofu used"));
    let refused = infra(&stack, Some(&moto), &plan_args);
    assert_eq!(refused.code, 1, "{}", refused.all());
    assert_eq!(stack.read("terraform.tfstate"), sealed);

    stack.write("encryption.tf", &encryption(PASSPHRASE));
    infra(&stack, Some(&moto), &["init", "-input=false"]).ok();
    let plan = infra(&stack, Some(&moto), &plan_args);
    assert_eq!(plan.code, 0, "{}", plan.all());
    assert_contains(&plan.stdout, "No changes.");
    assert_eq!(stack.read("terraform.tfstate"), sealed, "a plan leaves the file as it was");
    let pulled: serde_json::Value =
        serde_json::from_str(&infra(&stack, Some(&moto), &["state", "pull"]).ok().stdout)
            .expect("state pull prints the plain state");
    let written: serde_json::Value = serde_json::from_str(&plain).unwrap();
    assert_eq!(pulled["version"], 4);
    assert_eq!(pulled["lineage"], written["lineage"]);
    assert_eq!(pulled["serial"], written["serial"]);
    let ids = |state: &serde_json::Value| -> Vec<serde_json::Value> {
        state["resources"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r["instances"].as_array().unwrap().clone())
            .map(|instance| instance["attributes"]["id"].clone())
            .collect()
    };
    assert_eq!(ids(&pulled), ids(&written));
}

/// `plain` sealed as OpenTofu seals a state: see `tests/support/opentofu_encrypt.py`.
fn opentofu_encrypted(plain: &str, key_provider: &str, passphrase: &str) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new(infra_testkit::venv().join("bin/python"))
        .arg(infra_testkit::repo_root().join("tests/support/opentofu_encrypt.py"))
        .args([key_provider, passphrase])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run opentofu_encrypt.py");
    child.stdin.take().unwrap().write_all(plain.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "opentofu_encrypt.py failed");
    String::from_utf8(output.stdout).unwrap()
}

const ECS_FIXTURE: &str = "tests/fixtures/terraform_states/ecs-fargate-alb-aws4";

/// Terraform 1.2.2 and AWS provider 4.17.1 wrote this state: an ECS cluster, a Fargate task
/// definition and service, an ALB with its listener and target group (under the legacy
/// `aws_alb*` names), two security groups, an IAM role and its policy attachment, application
/// auto scaling, CloudWatch alarms and logs. Read as it is, with provider 6's additions
/// (`client_keep_alive` and its kin) taken at their defaults and the blocks the provider keeps
/// when unset (`subnet_mapping`, `access_logs`, `deployment_circuit_breaker`, ...) kept, it
/// plans nothing; a changed desired count plans one in-place update.
///
/// The stack reads an existing VPC and six subnets by ID from someone else's account. The test
/// makes them in the emulator with the state's CIDR blocks and zones, and writes the emulator's
/// IDs for the originals into the configuration and the state: the only edit to the fixture.
#[test]
fn a_terraform_written_ecs_and_alb_state_plans_no_changes_then_only_the_change() {
    let moto = Moto::start();
    let stack = Stack::from_fixture(ECS_FIXTURE);
    let ids = moto.python(
        r#"
import boto3, json
ec2 = boto3.client("ec2")
state = json.load(open("terraform.tfstate"))
data = [r for r in state["resources"] if r["mode"] == "data"]
vpc = [r for r in data if r["type"] == "aws_vpc"][0]["instances"][0]["attributes"]
new_vpc = ec2.create_vpc(CidrBlock=vpc["cidr_block"])["Vpc"]["VpcId"]
ids = {vpc["id"]: new_vpc}
for r in data:
    if r["type"] == "aws_subnet":
        a = r["instances"][0]["attributes"]
        ids[a["id"]] = ec2.create_subnet(
            VpcId=new_vpc, CidrBlock=a["cidr_block"], AvailabilityZone=a["availability_zone"]
        )["Subnet"]["SubnetId"]
print(json.dumps(ids))
"#
        .replace("terraform.tfstate", &stack.path().join("terraform.tfstate").display().to_string())
        .as_str(),
    );
    let ids: std::collections::BTreeMap<String, String> =
        serde_json::from_str(ids.trim()).expect("the ID map");
    assert_eq!(ids.len(), 7, "one VPC and six subnets");
    for file in ["network.tf", "terraform.tfstate"] {
        let mut text = stack.read(file);
        for (theirs, ours) in &ids {
            assert!(text.contains(theirs.as_str()), "{file} names {theirs}");
            text = text.replace(theirs.as_str(), ours);
        }
        stack.write(file, &text);
    }
    let original = stack.read("terraform.tfstate");
    // The image is an environment variable in the original project; the state has its value.
    let image =
        "-var=demoapp_image=808694706516.dkr.ecr.us-east-1.amazonaws.com/ecs-demo-app:1.0.1";
    let plan_args = |extra: &[&'static str]| -> Vec<String> {
        let mut args: Vec<String> =
            ["plan", "-input=false", "-refresh=false", "-detailed-exitcode", image]
                .iter()
                .map(|a| a.to_string())
                .collect();
        args.extend(extra.iter().map(|a| a.to_string()));
        args
    };

    infra(&stack, Some(&moto), &["init", "-input=false"]).ok();
    let args = plan_args(&[]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let plan = infra(&stack, Some(&moto), &args);
    assert_eq!(plan.code, 0, "{}", plan.all());
    assert_contains(&plan.stdout, "No changes.");
    // The container definitions carry a task-level `networkMode` inside the container, which
    // ECS has no field for: ignored, as the provider ignores it, and said.
    assert!(
        plan.all().contains("\"networkMode\" is not a field of an ECS container definition"),
        "{}",
        plan.all()
    );
    assert_eq!(
        stack.read("terraform.tfstate"),
        original,
        "a plan leaves Terraform's file as it was"
    );

    let args = plan_args(&["-var=app_count=3"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let plan = infra(&stack, Some(&moto), &args);
    assert_eq!(plan.code, 2, "{}", plan.all());
    assert_contains(&plan.stdout, "# aws_ecs_service.demoapp_main will be updated in-place");
    assert!(
        plan.stdout.contains("~ desired_count") && plan.stdout.contains("2 -> 3"),
        "{}",
        plan.stdout
    );
    assert_contains(&plan.stdout, "Plan: 0 to add, 1 to change, 0 to destroy.");
}

/// Terraform 1.13 and AWS provider 5.x wrote this PostgreSQL instance, its parameter group
/// (both through terraform-aws-modules/rds 6.12.0) and its subnet group, in GovCloud, in a
/// state that holds a whole ECS stack besides. The other objects are removed with `state rm`,
/// as a user splitting the stack would; what is left plans nothing, and a larger instance
/// class plans one in-place update.
#[test]
fn a_terraform_written_rds_state_plans_no_changes_then_only_the_change() {
    let moto = Moto::start();
    let stack = Stack::from_fixture("tests/fixtures/terraform_states/cms-npd-rds");
    let whole = Stack::from_fixture("tests/fixtures/terraform_states/cms-npd-ecs-alb-rds");
    stack.write("terraform.tfstate", &whole.read("terraform.tfstate"));

    let listed = infra(&stack, None, &["state", "list"]).ok().stdout;
    let others: Vec<&str> = listed
        .lines()
        .filter(|a| !a.starts_with("module.rds.") && *a != "aws_db_subnet_group.db")
        .collect();
    assert_eq!(others.len(), 35, "{listed}");
    let mut rm = vec!["state", "rm"];
    rm.extend(others);
    infra(&stack, None, &rm).ok();
    let original = stack.read("terraform.tfstate");

    infra(&stack, Some(&moto), &["init", "-input=false"]).ok();
    let plan = infra(
        &stack,
        Some(&moto),
        &["plan", "-input=false", "-refresh=false", "-detailed-exitcode"],
    );
    assert_eq!(plan.code, 0, "{}", plan.all());
    assert_contains(&plan.stdout, "No changes.");
    assert_eq!(stack.read("terraform.tfstate"), original);

    let plan = infra(
        &stack,
        Some(&moto),
        &[
            "plan",
            "-input=false",
            "-refresh=false",
            "-detailed-exitcode",
            "-var=db_instance_class=db.t3.small",
        ],
    );
    assert_eq!(plan.code, 2, "{}", plan.all());
    assert_contains(
        &plan.stdout,
        "# module.rds.module.db_instance.aws_db_instance.this[0] will be updated in-place",
    );
    assert_contains(&plan.stdout, "\"db.t3.micro\" -> \"db.t3.small\"");
    assert_contains(&plan.stdout, "Plan: 0 to add, 1 to change, 0 to destroy.");
}

/// infra's earlier `infra.tfstate.json` (its own format 1) is not silently ignored: plan stops
/// and says to migrate, and `init -migrate-state` moves everything, pending creates and
/// deployment records included, to `terraform.tfstate`, after which the plan is clean.
#[test]
fn infras_earlier_state_file_moves_with_init_migrate_state() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write(
        "main.tf",
        "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.40.0.0/16\"\n  tags = { Name = \"migrated\" }\n}\n",
    );
    apply_ok(&stack, &moto, NO_VARS);
    // The same state as infra wrote it before it wrote Terraform's file.
    let flat = stack.state();
    let mut resources = flat["resources"].as_array().unwrap().clone();
    for resource in &mut resources {
        let object = resource.as_object_mut().unwrap();
        object.remove("schema_version");
        object.remove("status");
        object.insert("provider".into(), serde_json::Value::Null);
    }
    let earlier = serde_json::json!({
        "format_version": 1,
        "infra_version": "0.1.0",
        "serial": flat["serial"],
        "lineage": flat["lineage"],
        "outputs": {},
        "resources": resources,
        "deployments": {"aws_ecs_service.gone": {"version": 1, "note": "kept as it is"}},
        "pending": [{
            "address": "aws_subnet.pending",
            "type": "aws_subnet",
            "planned": {"cidr_block": "10.40.1.0/24", "id": null},
            "planned_unknown": {"id": true},
            "planned_sensitive": {},
            "started_at": "2026-11-22T10:00:00Z"
        }]
    });
    std::fs::remove_file(stack.path().join("terraform.tfstate")).unwrap();
    std::fs::remove_file(stack.path().join("terraform.tfstate.backup")).ok();
    let earlier_text = serde_json::to_string_pretty(&earlier).unwrap();
    stack.write("infra.tfstate.json", &earlier_text);

    let plan = infra(&stack, Some(&moto), &["plan", "-input=false"]);
    assert_eq!(plan.code, 1, "{}", plan.all());
    assert_contains(&plan.stderr, "infra init -migrate-state");
    assert!(!stack.path().join("terraform.tfstate").exists(), "a refused plan writes no state");

    let init = infra(&stack, Some(&moto), &["init", "-input=false", "-migrate-state"]).ok();
    assert_contains(&init.stdout, "Migrated workspace \"default\"");
    assert_eq!(stack.read("infra.tfstate.json.migrated"), earlier_text);
    let migrated: serde_json::Value =
        serde_json::from_str(&stack.read("terraform.tfstate")).unwrap();
    assert_eq!(migrated["version"], 4);
    assert_eq!(migrated["lineage"], flat["lineage"]);
    assert_eq!(migrated["serial"], flat["serial"]);
    assert_eq!(migrated["infra"]["deployments"]["aws_ecs_service.gone"]["note"], "kept as it is");
    assert_eq!(migrated["infra"]["pending"][0]["address"], "aws_subnet.pending");
    let vpc = &migrated["resources"][0];
    assert_eq!(vpc["type"], "aws_vpc");
    assert_eq!(
        vpc["instances"][0]["schema_version"], 1,
        "the provider's schema version for aws_vpc"
    );

    // The pending create finds nothing and is dropped; the VPC is unchanged.
    stack.write(
        "infra.tfstate.json",
        "", // an empty earlier file is no state
    );
    plan_is_clean(&stack, &moto, NO_VARS, "after the migration");
}

/// A `timeouts` block is stored in the object as Terraform stores it: each of the type's
/// operations with its text or null, and null without a block. A change to it alone is an
/// in-place update that only the state sees; a block or operation the provider does not declare
/// for the type is an error at its line, as in Terraform.
#[test]
fn timeouts_are_stored_in_the_object_and_a_change_to_them_is_an_update() {
    let moto = Moto::start();
    let stack = Stack::new();
    let main = r#"provider "aws" {
  region = "us-east-1"
}
variable "create_timeout" {
  default = "5m"
}
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_security_group" "web" {
  name   = "web"
  vpc_id = aws_vpc.main.id
  timeouts {
    create = var.create_timeout
  }
}
resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}
"#;
    stack.write("main.tf", main);
    apply_ok(&stack, &moto, NO_VARS);
    let attributes = |address: &str| -> serde_json::Value {
        let state = stack.state();
        state["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["address"] == address)
            .unwrap_or_else(|| panic!("{address} is not in the state"))["attributes"]
            .clone()
    };
    let group = attributes("aws_security_group.web");
    assert_eq!(group["timeouts"], serde_json::json!({"create": "5m", "delete": null}));
    let table = attributes("aws_route_table.private");
    assert!(
        table.as_object().unwrap().contains_key("timeouts") && table["timeouts"].is_null(),
        "a type with timeouts and no block stores null: {table}"
    );
    assert!(
        attributes("aws_vpc.main").get("timeouts").is_none(),
        "aws_vpc has no timeouts in provider 6"
    );
    plan_is_clean(&stack, &moto, NO_VARS, "after the apply");

    let changed = ["-var", "create_timeout=7m"];
    let plan = infra(
        &stack,
        Some(&moto),
        &["plan", "-input=false", "-detailed-exitcode", changed[0], changed[1]],
    );
    assert_eq!(plan.code, 2, "{}", plan.all());
    assert!(
        plan.stdout.contains("aws_security_group.web will be updated in-place")
            && plan.stdout.contains("\"7m\"")
            && plan.stdout.contains("0 to add, 1 to change, 0 to destroy"),
        "{}",
        plan.stdout
    );
    apply_ok(&stack, &moto, &changed);
    let after = attributes("aws_security_group.web");
    assert_eq!(after["timeouts"]["create"], "7m");
    assert_eq!(after["id"], group["id"], "the group is the same object");
    plan_is_clean(&stack, &moto, &changed, "after the timeouts changed");

    for (block, line, message) in [
        (
            "aws_security_group",
            "  timeouts {\n    read = \"1m\"\n  }\n",
            "An argument named \"read\" is not expected here.",
        ),
        (
            "aws_vpc",
            "  timeouts {\n    create = \"1m\"\n  }\n",
            "Blocks of type \"timeouts\" are not expected here.",
        ),
    ] {
        let bad = format!(
            "resource \"{block}\" \"bad\" {{\n  name       = \"bad\"\n  cidr_block = \"10.1.0.0/16\"\n{line}}}\n"
        );
        let bad = if block == "aws_vpc" {
            bad.replace("  name       = \"bad\"\n", "")
        } else {
            bad.replace("  cidr_block = \"10.1.0.0/16\"\n", "")
        };
        stack.write("bad.tf", &bad);
        let validate = infra(&stack, Some(&moto), &["validate"]);
        assert_eq!(validate.code, 1, "{}", validate.all());
        assert!(
            validate.all().contains(message) && validate.all().contains("bad.tf:"),
            "{}",
            validate.all()
        );
    }
}

/// The state records Terraform's `check_results` after an apply: each resource with
/// conditions (per instance), output with preconditions, `check` block and variable with
/// validations, with its status and the messages of what failed.
#[test]
fn an_apply_records_terraforms_check_results() {
    let moto = Moto::start();
    let stack = Stack::new();
    let main = r#"provider "aws" {
  region = "us-east-1"
}
variable "cidr" {
  default = "10.0.0.0/16"
  validation {
    condition     = can(cidrhost(var.cidr, 0))
    error_message = "The CIDR must be a network."
  }
}
resource "aws_vpc" "main" {
  count      = 2
  cidr_block = cidrsubnet(var.cidr, 4, count.index)
  lifecycle {
    postcondition {
      condition     = self.cidr_block == "10.0.0.0/20"
      error_message = "Only the first VPC is 10.0.0.0/20."
    }
  }
}
output "first" {
  value = aws_vpc.main[0].id
  precondition {
    condition     = aws_vpc.main[0].enable_dns_support
    error_message = "DNS support is off."
  }
}
check "dns_hostnames" {
  assert {
    condition     = aws_vpc.main[0].enable_dns_hostnames
    error_message = "DNS hostnames are off."
  }
}
"#;
    stack.write("main.tf", main);
    let apply = apply_run(&stack, &moto, NO_VARS);
    assert_eq!(apply.code, 1, "the second VPC fails its postcondition: {}", apply.all());
    let written: serde_json::Value =
        serde_json::from_str(&stack.read("terraform.tfstate")).unwrap();
    let results = written["check_results"].as_array().expect("check_results");
    let by_address = |address: &str| -> serde_json::Value {
        results
            .iter()
            .find(|r| r["config_addr"] == address)
            .unwrap_or_else(|| panic!("no result for {address}: {results:?}"))
            .clone()
    };
    assert_eq!(
        by_address("aws_vpc.main"),
        serde_json::json!({
            "object_kind": "resource",
            "config_addr": "aws_vpc.main",
            "status": "fail",
            "objects": [
                {"object_addr": "aws_vpc.main[0]", "status": "pass"},
                {"object_addr": "aws_vpc.main[1]", "status": "fail",
                 "failure_messages": ["Only the first VPC is 10.0.0.0/20."]}
            ]
        })
    );
    assert_eq!(by_address("output.first")["object_kind"], "output");
    assert_eq!(by_address("output.first")["status"], "pass");
    assert_eq!(by_address("var.cidr")["object_kind"], "var");
    assert_eq!(
        by_address("var.cidr")["objects"],
        serde_json::json!([{"object_addr": "var.cidr", "status": "pass"}])
    );
    assert_eq!(
        by_address("check.dns_hostnames"),
        serde_json::json!({
            "object_kind": "check",
            "config_addr": "check.dns_hostnames",
            "status": "fail",
            "objects": [
                {"object_addr": "check.dns_hostnames", "status": "fail",
                 "failure_messages": ["DNS hostnames are off."]}
            ]
        })
    );
    assert_eq!(results.len(), 4, "{results:?}");

    // Without conditions there is nothing to record: null, as Terraform writes it.
    stack.write(
        "main.tf",
        "provider \"aws\" {\n  region = \"us-east-1\"\n}\nresource \"aws_vpc\" \"main\" {\n  count      = 2\n  cidr_block = \"10.${count.index}.0.0/16\"\n}\n",
    );
    apply_ok(&stack, &moto, NO_VARS);
    let written: serde_json::Value =
        serde_json::from_str(&stack.read("terraform.tfstate")).unwrap();
    assert!(written["check_results"].is_null(), "{}", written["check_results"]);
}

/// A deposed object in a Terraform state (what a `create_before_destroy` replacement set aside
/// and did not delete) reads as it is, plans as Terraform shows it, and the apply deletes it,
/// from a saved plan as well.
#[test]
fn a_deposed_object_is_planned_for_deletion_and_deleted() {
    let moto = Moto::start();
    let stack = Stack::new();
    let provider = "provider \"aws\" {\n  region = \"us-east-1\"\n}\n";
    let main = "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n";
    let old = "resource \"aws_vpc\" \"old\" {\n  cidr_block = \"10.1.0.0/16\"\n}\n";
    stack.write("main.tf", &format!("{provider}{main}{old}"));
    apply_ok(&stack, &moto, NO_VARS);

    // The old VPC becomes a deposed object of aws_vpc.main, as Terraform records one.
    let mut written: serde_json::Value =
        serde_json::from_str(&stack.read("terraform.tfstate")).unwrap();
    let resources = written["resources"].as_array_mut().unwrap();
    let at = resources.iter().position(|r| r["name"] == "old").unwrap();
    let mut deposed = resources.remove(at)["instances"][0].clone();
    let old_id = deposed["attributes"]["id"].as_str().unwrap().to_string();
    deposed["deposed"] = serde_json::json!("00000001");
    deposed["create_before_destroy"] = serde_json::json!(true);
    let main_at = resources.iter().position(|r| r["name"] == "main").unwrap();
    resources[main_at]["instances"].as_array_mut().unwrap().push(deposed);
    stack.write("terraform.tfstate", &serde_json::to_string_pretty(&written).unwrap());
    stack.write("main.tf", &format!("{provider}{main}"));

    let plan = plan_run(&stack, &moto, &["-out=tfplan"]);
    assert_eq!(plan.code, 2, "{}", plan.all());
    assert!(
        plan.stdout.contains("# aws_vpc.main (deposed object 00000001) will be destroyed")
            && plan.stdout.contains(&old_id)
            && plan.stdout.contains("0 to add, 0 to change, 1 to destroy"),
        "{}",
        plan.stdout
    );
    let shown: serde_json::Value =
        serde_json::from_str(&infra(&stack, Some(&moto), &["show", "-json", "tfplan"]).ok().stdout)
            .unwrap();
    let changes: Vec<&serde_json::Value> = shown["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["change"]["actions"] != serde_json::json!(["no-op"]))
        .collect();
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0]["address"], "aws_vpc.main");
    assert_eq!(changes[0]["deposed"], "00000001");
    assert_eq!(changes[0]["change"]["actions"], serde_json::json!(["delete"]));
    assert_eq!(changes[0]["change"]["before"]["id"], old_id.as_str());

    infra(&stack, Some(&moto), &["apply", "-input=false", "tfplan"]).ok();
    let left = moto.python(&format!(
        "import boto3\nec2 = boto3.client('ec2', region_name='us-east-1')\nprint(len(ec2.describe_vpcs(Filters=[{{'Name': 'vpc-id', 'Values': ['{old_id}']}}])['Vpcs']))"
    ));
    assert_eq!(left.trim(), "0", "the deposed VPC is deleted");
    let written = stack.read("terraform.tfstate");
    assert!(!written.contains("\"deposed\""), "{written}");
    assert!(!written.contains(&old_id), "{written}");
    plan_is_clean(&stack, &moto, NO_VARS, "after the deposed object is deleted");
}

/// A `create_before_destroy` replacement whose delete fails sets the replaced object aside
/// as deposed, as Terraform does, instead of losing track of it; the next apply deletes it.
#[test]
fn a_replaced_object_whose_delete_fails_is_deposed_and_deleted_next() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write(
        "main.tf",
        r#"provider "aws" {
  region = "us-east-1"
}
variable "name" {
  default = "infra-deposed-a"
}
resource "aws_s3_bucket" "logs" {
  bucket = var.name
  lifecycle {
    create_before_destroy = true
  }
}
"#,
    );
    apply_ok(&stack, &moto, NO_VARS);
    let objects = |bucket: &str, action: &str| {
        moto.python(&format!(
            "import boto3\ns3 = boto3.client('s3', region_name='us-east-1')\ns3.{action}(Bucket='{bucket}', Key='kept.txt'{})",
            if action == "put_object" { ", Body=b'x'" } else { "" }
        ));
    };
    objects("infra-deposed-a", "put_object");

    let replace = apply_run(&stack, &moto, &["-var=name=infra-deposed-b"]);
    assert_eq!(replace.code, 1, "{}", replace.all());
    assert!(replace.all().contains("BucketNotEmpty"), "{}", replace.all());
    let written: serde_json::Value =
        serde_json::from_str(&stack.read("terraform.tfstate")).unwrap();
    let instances = written["resources"][0]["instances"].as_array().unwrap();
    assert_eq!(instances.len(), 2, "{instances:?}");
    assert_eq!(instances[0]["attributes"]["bucket"], "infra-deposed-b");
    assert_eq!(instances[1]["attributes"]["bucket"], "infra-deposed-a");
    assert_eq!(instances[1]["deposed"], "00000001");

    let vars = ["-var=name=infra-deposed-b"];
    let plan = infra(&stack, Some(&moto), &["plan", "-input=false", "-detailed-exitcode", vars[0]]);
    assert_eq!(plan.code, 2, "{}", plan.all());
    assert!(
        plan.stdout.contains("# aws_s3_bucket.logs (deposed object 00000001) will be destroyed")
            && plan.stdout.contains("0 to add, 0 to change, 1 to destroy"),
        "{}",
        plan.stdout
    );
    objects("infra-deposed-a", "delete_object");
    apply_ok(&stack, &moto, &vars);
    let left = moto.python(
        "import boto3\nprint(sorted(b['Name'] for b in boto3.client('s3', region_name='us-east-1').list_buckets()['Buckets']))",
    );
    assert_eq!(left.trim(), "['infra-deposed-b']");
    plan_is_clean(&stack, &moto, &vars, "after the deposed bucket is deleted");
}

/// The provider's schemas (`terraform providers schema -json` of AWS provider 6.47.0, see
/// tests/fixtures/provider_schemas/aws/SOURCE.md).
fn provider_schemas() -> serde_json::Value {
    let text = std::fs::read_to_string(
        infra_testkit::repo_root().join("tests/fixtures/provider_schemas/aws/schema.json"),
    )
    .expect("provider schema fixture");
    let document: serde_json::Value = serde_json::from_str(&text).unwrap();
    document["provider_schemas"]["registry.terraform.io/hashicorp/aws"]["resource_schemas"].clone()
}

/// Every resource type infra implements declares every argument and block of the provider's
/// schema, nested blocks included (those infra cannot set yet as `Schema::not_supported`), so
/// that every object it writes holds the provider's full attribute set. `infra providers schema
/// -json` is checked against provider 6.47.0's for all of them, without applying anything.
#[test]
fn every_type_declares_every_attribute_of_the_providers_schema() {
    let stack = Stack::new();
    stack.write("main.tf", "terraform {}\n");
    let printed = infra(&stack, None, &["providers", "schema", "-json"]).ok();
    let document: serde_json::Value = serde_json::from_str(&printed.stdout).unwrap();
    let declared =
        &document["provider_schemas"]["registry.terraform.io/hashicorp/aws"]["resource_schemas"];
    let provider = provider_schemas();
    let mut missing = Vec::new();
    for (kind, schema) in provider.as_object().unwrap() {
        let Some(ours) = declared.get(kind) else {
            missing.push(format!("{kind}: the type"));
            continue;
        };
        undeclared(kind, &schema["block"], &ours["block"], &mut missing);
    }
    assert!(
        missing.is_empty(),
        "the provider's arguments infra's types do not declare (declare each, with \
         Schema::not_supported if infra cannot set it yet):\n{}",
        missing.join("\n")
    );
}

/// The attributes and blocks of the provider's `block` that `ours` lacks, by path.
fn undeclared(
    path: &str,
    block: &serde_json::Value,
    ours: &serde_json::Value,
    missing: &mut Vec<String>,
) {
    for name in block["attributes"].as_object().into_iter().flatten().map(|(n, _)| n) {
        let declared = ours["attributes"].get(name).is_some()
            // SDKv2 blocks that infra declares as attributes (or the other way round) are one
            // stored value all the same.
            || ours["block_types"].get(name).is_some();
        if !declared {
            missing.push(format!("{path}.{name}"));
        }
    }
    for (name, nested) in block["block_types"].as_object().into_iter().flatten() {
        let here = format!("{path}.{name}");
        if let Some(our) = ours["block_types"].get(name) {
            // A block infra does not support yet declares none of its contents: none can be set.
            let not_supported =
                our["block"]["attributes"].is_null() && our["block"]["block_types"].is_null();
            if !not_supported {
                undeclared(&here, &nested["block"], &our["block"], missing);
            }
        } else if ours["attributes"].get(name).is_none() {
            missing.push(here);
        }
    }
}

/// What infra writes is Terraform's v4 state, and each instance is what the provider stores:
/// every attribute one of the provider's for the type, each value of the provider's type,
/// required ones set, and the provider's `schema_version`. Every one of the provider's
/// attributes is there: those infra does not support yet are declared so
/// (`Schema::not_supported`) and stored as the provider stores them unset.
#[test]
fn an_applied_state_is_terraforms_format_with_the_providers_attributes() {
    let moto = Moto::start();
    let stack = Stack::from_fixture(NETWORK_FIXTURE);
    std::fs::remove_file(stack.path().join("terraform.tfstate")).unwrap();
    // Provider 6 spells the fixture's `vpc = true` (provider 4) as `domain = "vpc"`.
    let main = stack.read("main.tf");
    stack.write("main.tf", &main.replace("vpc        = true", "domain     = \"vpc\""));
    apply_ok(&stack, &moto, NO_VARS);
    let written: serde_json::Value =
        serde_json::from_str(&stack.read("terraform.tfstate")).unwrap();
    let problems = v4_format_problems(&written);
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    assert_is_the_providers(&written);
}

/// Every managed instance of a state file is what the provider stores for its type (see
/// [`an_applied_state_is_terraforms_format_with_the_providers_attributes`]), none of the
/// provider's attributes missing.
pub(super) fn assert_is_the_providers(written: &serde_json::Value) {
    let schemas = provider_schemas();
    let mut problems = Vec::new();
    let mut missing = std::collections::BTreeSet::new();
    for resource in written["resources"].as_array().unwrap() {
        if resource["mode"] != "managed" {
            continue;
        }
        let kind = resource["type"].as_str().unwrap();
        let schema = &schemas[kind];
        for instance in resource["instances"].as_array().unwrap() {
            if instance["schema_version"] != schema["version"] {
                problems.push(format!(
                    "{kind}: schema_version {} is not the provider's {}",
                    instance["schema_version"], schema["version"]
                ));
            }
            conforms(kind, &schema["block"], &instance["attributes"], &mut problems, &mut missing);
        }
    }
    problems.retain(|problem| {
        !KNOWN_EXTRA.iter().any(|extra| problem.starts_with(&format!("{extra}: not an attribute")))
    });
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        missing.is_empty(),
        "the provider's attributes infra does not write (declare each in the type's schema, \
         with Schema::not_supported if infra cannot set it yet): {missing:#?}"
    );
}

/// What infra stores that the provider 6.47.0 schema lacks: infra's own blue/green settings in
/// `deployment_configuration` (Terraform's reader drops them; they belong in infra's records,
/// not the object), and arguments of providers newer than 6.47 (`multi_tenant`, the secret's
/// `type`).
const KNOWN_EXTRA: &[&str] = &[
    "aws_db_instance.multi_tenant",
    "aws_secretsmanager_secret.type",
    "aws_ecs_service.deployment_configuration.error_threshold_percent",
    "aws_ecs_service.deployment_configuration.health_gate_timeout_seconds",
    "aws_ecs_service.deployment_configuration.keep_failed_colour",
    "aws_ecs_service.deployment_configuration.minimum_request_count",
    "aws_ecs_service.deployment_configuration.poll_interval_seconds",
    "aws_ecs_service.deployment_configuration.shift_interval_seconds",
    "aws_ecs_service.deployment_configuration.shift_percent",
    "aws_ecs_service.deployment_configuration.standby_retention_minutes",
    "aws_ecs_service.deployment_configuration.traffic_shift",
];

/// Checks one object against a provider schema block: names, value types and required
/// attributes; records the provider's attributes the object lacks in `missing`.
fn conforms(
    path: &str,
    block: &serde_json::Value,
    object: &serde_json::Value,
    problems: &mut Vec<String>,
    missing: &mut std::collections::BTreeSet<String>,
) {
    let Some(entries) = object.as_object() else {
        problems.push(format!("{path}: not an object: {object}"));
        return;
    };
    let attributes = block["attributes"].as_object().cloned().unwrap_or_default();
    let blocks = block["block_types"].as_object().cloned().unwrap_or_default();
    for (name, value) in entries {
        let here = format!("{path}.{name}");
        if let Some(attribute) = attributes.get(name) {
            if attribute["required"] == true && value.is_null() {
                problems.push(format!("{here}: required but null"));
            }
            if !value_conforms(&attribute["type"], value) {
                problems.push(format!(
                    "{here}: {value} is not of the provider's type {}",
                    attribute["type"]
                ));
            }
            // A list or set of objects (SDKv2 stores computed nested blocks so): the
            // provider's fields each item lacks.
            if let (Some(fields), Some(items)) =
                (attribute["type"][1][1].as_object(), value.as_array())
            {
                for item in items {
                    for field in fields.keys() {
                        if item.get(field).is_none() {
                            missing.insert(format!("{here}.{field}"));
                        }
                    }
                }
            }
        } else if let Some(nested) = blocks.get(name) {
            if nested["nesting_mode"] == "single" {
                if !value.is_null() {
                    conforms(&here, &nested["block"], value, problems, missing);
                }
                continue;
            }
            match value.as_array() {
                Some(items) => {
                    for item in items {
                        conforms(&here, &nested["block"], item, problems, missing);
                    }
                }
                None if value.is_null() => {}
                None => problems.push(format!("{here}: a block stored as {value}")),
            }
        } else {
            problems.push(format!("{here}: not an attribute of the provider's"));
        }
    }
    for name in attributes.keys().chain(blocks.keys()) {
        if !entries.contains_key(name) {
            missing.insert(format!("{path}.{name}"));
        }
    }
}

/// Whether a JSON value decodes as the cty type `ty`, as Terraform's state reader (cty's JSON
/// unmarshal) decodes it: null always; a string from a number or bool; a number or bool
/// from a string that spells one.
fn value_conforms(ty: &serde_json::Value, value: &serde_json::Value) -> bool {
    use serde_json::Value;
    if value.is_null() {
        return true;
    }
    match ty {
        Value::String(kind) => match (kind.as_str(), value) {
            ("string", Value::String(_) | Value::Number(_) | Value::Bool(_)) => true,
            ("number", Value::Number(_)) => true,
            ("number", Value::String(text)) => text.parse::<f64>().is_ok(),
            ("bool", Value::Bool(_)) => true,
            ("bool", Value::String(text)) => matches!(text.as_str(), "true" | "false"),
            ("string" | "number" | "bool", _) => false,
            _ => true,
        },
        Value::Array(parts) => match (parts[0].as_str(), &parts[1]) {
            (Some("list" | "set"), element) => value
                .as_array()
                .is_some_and(|items| items.iter().all(|item| value_conforms(element, item))),
            (Some("map"), element) => value
                .as_object()
                .is_some_and(|entries| entries.values().all(|item| value_conforms(element, item))),
            (Some("object"), Value::Object(fields)) => value.as_object().is_some_and(|entries| {
                entries.iter().all(|(key, item)| {
                    fields.get(key).is_some_and(|field| value_conforms(field, item))
                })
            }),
            _ => true,
        },
        _ => true,
    }
}

/// How a state file departs from Terraform's v4 format (`internal/states/statefile/
/// version4.go`): its fields, their types, and Terraform's order of resources.
fn v4_format_problems(state: &serde_json::Value) -> Vec<String> {
    use serde_json::Value;
    let mut problems = Vec::new();
    let mut check = |ok: bool, what: String| {
        if !ok {
            problems.push(what);
        }
    };
    check(state["version"] == 4, "version is 4".into());
    check(
        state["terraform_version"].as_str().is_some_and(|v| v.split('.').count() == 3),
        "terraform_version is a version".into(),
    );
    check(state["serial"].is_u64(), "serial is a number".into());
    check(state["lineage"].as_str().is_some_and(|l| l.len() == 36), "lineage is a UUID".into());
    check(state["outputs"].is_object(), "outputs is an object".into());
    check(state.get("check_results").is_some(), "check_results is present".into());
    for (name, output) in state["outputs"].as_object().into_iter().flatten() {
        check(
            output.get("value").is_some() && output.get("type").is_some(),
            format!("output {name} has value and type"),
        );
    }
    let mut keys = Vec::new();
    for resource in state["resources"].as_array().into_iter().flatten() {
        let name = format!("{}.{}", resource["type"], resource["name"]);
        check(
            matches!(resource["mode"].as_str(), Some("managed" | "data")),
            format!("{name}: mode"),
        );
        check(
            resource["provider"]
                .as_str()
                .is_some_and(|p| p.starts_with("provider[\"registry.terraform.io/hashicorp/")),
            format!("{name}: provider address"),
        );
        keys.push((
            resource["module"].as_str().unwrap_or_default().to_string(),
            resource["mode"].as_str().unwrap_or_default().to_string(),
            resource["type"].as_str().unwrap_or_default().to_string(),
            resource["name"].as_str().unwrap_or_default().to_string(),
        ));
        for instance in resource["instances"].as_array().into_iter().flatten() {
            check(instance["schema_version"].is_u64(), format!("{name}: schema_version"));
            check(instance["attributes"].is_object(), format!("{name}: attributes"));
            check(
                instance["sensitive_attributes"].is_array(),
                format!("{name}: sensitive_attributes"),
            );
            match (&resource["each"], &instance["index_key"]) {
                (Value::Null, Value::Null) => {}
                (Value::String(each), Value::Number(_)) if each == "list" => {}
                (Value::String(each), Value::String(_)) if each == "map" => {}
                (each, key) => check(false, format!("{name}: each {each} with index_key {key}")),
            }
            for dependency in instance["dependencies"].as_array().into_iter().flatten() {
                check(
                    dependency.as_str().is_some_and(|d| !d.contains('[')),
                    format!("{name}: dependency {dependency} is a resource address"),
                );
            }
        }
    }
    let mut sorted = keys.clone();
    sorted.sort();
    check(keys == sorted, "resources in Terraform's order".into());
    problems
}

/// `data "terraform_remote_state"` reads the outputs of a state Terraform wrote and of one
/// infra wrote, from a local file and from S3 (both workspaces' keys); a sensitive output stays
/// sensitive, and `defaults` fills what a state lacks.
#[test]
fn terraform_remote_state_reads_terraforms_and_infras_outputs_locally_and_from_s3() {
    let moto = Moto::start();
    // A state infra writes, with a sensitive output.
    let producer = Stack::new();
    producer.write(
        "main.tf",
        "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.41.0.0/16\"\n}\noutput \"vpc_id\" {\n  value = aws_vpc.main.id\n}\noutput \"token\" {\n  value     = \"s3cr3t-token\"\n  sensitive = true\n}\n",
    );
    apply_ok(&producer, &moto, NO_VARS);
    let infra_written = producer.read("terraform.tfstate");
    let network = Stack::from_fixture(NETWORK_FIXTURE);
    let terraform_written = network.read("terraform.tfstate");
    let terraform_vpc = serde_json::from_str::<serde_json::Value>(&terraform_written).unwrap()
        ["outputs"]["vpc_id"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    let infra_vpc = super::state_id(&producer, "aws_vpc.main");

    let bucket = "remote-states";
    moto.python(&format!(
        "import boto3\ns3 = boto3.client('s3')\ns3.create_bucket(Bucket='{bucket}')\n\
         s3.put_object(Bucket='{bucket}', Key='network/terraform.tfstate', Body=open('{}').read())\n\
         s3.put_object(Bucket='{bucket}', Key='env:/staging/app/terraform.tfstate', Body=open('{}').read())\n",
        network.path().join("terraform.tfstate").display(),
        producer.path().join("terraform.tfstate").display(),
    ));

    let consumer = Stack::new();
    consumer.write("terraform-network.tfstate", &terraform_written);
    consumer.write("infra-app.tfstate", &infra_written);
    consumer.write(
        "main.tf",
        &format!(
            r#"
data "terraform_remote_state" "tf_local" {{
  backend = "local"
  config  = {{ path = "terraform-network.tfstate" }}
}}
data "terraform_remote_state" "infra_local" {{
  backend = "local"
  config  = {{ path = "infra-app.tfstate" }}
}}
data "terraform_remote_state" "tf_s3" {{
  backend = "s3"
  config  = {{ bucket = "{bucket}", key = "network/terraform.tfstate", region = "us-east-1" }}
}}
data "terraform_remote_state" "infra_s3" {{
  backend   = "s3"
  workspace = "staging"
  config    = {{ bucket = "{bucket}", key = "app/terraform.tfstate", region = "us-east-1" }}
  defaults  = {{ owner = "platform" }}
}}
output "tf_local"    {{ value = data.terraform_remote_state.tf_local.outputs.vpc_id }}
output "infra_local" {{ value = data.terraform_remote_state.infra_local.outputs.vpc_id }}
output "tf_s3"       {{ value = data.terraform_remote_state.tf_s3.outputs.private_subnets_cidr }}
output "infra_s3"    {{ value = data.terraform_remote_state.infra_s3.outputs.vpc_id }}
output "owner"       {{ value = data.terraform_remote_state.infra_s3.outputs.owner }}
output "token" {{
  value     = data.terraform_remote_state.infra_local.outputs.token
  sensitive = true
}}
"#
        ),
    );
    let applied = apply_ok(&consumer, &moto, NO_VARS);
    assert!(!applied.contains("s3cr3t-token"), "{applied}");
    let outputs: serde_json::Value =
        serde_json::from_str(&infra(&consumer, Some(&moto), &["output", "-json"]).ok().stdout)
            .expect("output -json");
    assert_eq!(outputs["tf_local"]["value"], terraform_vpc.as_str());
    assert_eq!(outputs["infra_local"]["value"], infra_vpc.as_str());
    assert_eq!(outputs["tf_s3"]["value"], serde_json::json!(["10.0.16.0/20", "10.0.32.0/20"]));
    assert_eq!(outputs["infra_s3"]["value"], infra_vpc.as_str());
    assert_eq!(outputs["owner"]["value"], "platform");
    assert_eq!(outputs["token"]["sensitive"], true);

    // A sensitive output read through the data source cannot leave as a plain output.
    consumer.write(
        "leak.tf",
        "output \"leak\" { value = data.terraform_remote_state.infra_local.outputs.token }\n",
    );
    let refused = infra(&consumer, Some(&moto), &["plan", "-input=false"]);
    assert_eq!(refused.code, 1, "{}", refused.all());
    assert_contains(&refused.stderr, "sensitive");
}

/// `init` checks an S3 backend as Terraform's does: a bucket that does not exist, or a lock
/// table without the string hash key `LockID`, stops at init with a clear error.
#[test]
fn init_refuses_a_missing_bucket_and_a_lock_table_without_lock_id() {
    let moto = Moto::start();
    let stack = Stack::new();
    let backend = |bucket: &str, table: Option<&str>| {
        format!(
            "terraform {{\n  backend \"s3\" {{\n    bucket = \"{bucket}\"\n    key = \"app/terraform.tfstate\"\n    region = \"us-east-1\"\n{}  }}\n}}\nresource \"aws_vpc\" \"main\" {{\n  cidr_block = \"10.42.0.0/16\"\n}}\n",
            table.map(|t| format!("    dynamodb_table = \"{t}\"\n")).unwrap_or_default()
        )
    };
    stack.write("main.tf", &backend("no-such-bucket", None));
    let init = infra(&stack, Some(&moto), &["init", "-input=false"]);
    assert_eq!(init.code, 1, "{}", init.all());
    assert_contains(&init.stderr, "S3 bucket \"no-such-bucket\" does not exist.");
    assert!(!init.stdout.contains("successfully initialized"), "{}", init.stdout);

    moto.python(
        "import boto3\nboto3.client('s3').create_bucket(Bucket='states')\n\
         boto3.client('dynamodb').create_table(TableName='locks', BillingMode='PAY_PER_REQUEST',\n\
           KeySchema=[{'AttributeName': 'id', 'KeyType': 'HASH'}],\n\
           AttributeDefinitions=[{'AttributeName': 'id', 'AttributeType': 'S'}])\n",
    );
    stack.write("main.tf", &backend("states", Some("locks")));
    let init = infra(&stack, Some(&moto), &["init", "-input=false"]);
    assert_eq!(init.code, 1, "{}", init.all());
    assert_contains(&init.stderr, "must have the string hash key \"LockID\"");

    stack.write("main.tf", &backend("states", None));
    let init = infra(&stack, Some(&moto), &["init", "-input=false"]).ok();
    assert_contains(&init.stdout, "successfully initialized");
}

/// `state push` takes a state Terraform wrote, with Terraform's checks: an unrelated lineage,
/// an older serial, or the same serial with other contents are refused unless `-force`.
#[test]
fn state_push_takes_a_terraform_state_with_terraforms_checks() {
    let stack = Stack::from_fixture(NETWORK_FIXTURE);
    let terraform_written = stack.read("terraform.tfstate");
    std::fs::remove_file(stack.path().join("terraform.tfstate")).unwrap();
    stack.write("pushed.tfstate", &terraform_written);
    infra(&stack, None, &["state", "push", "pushed.tfstate"]).ok();
    let written: serde_json::Value = serde_json::from_str(&terraform_written).unwrap();
    let state = stack.state();
    assert_eq!(state["lineage"], written["lineage"]);
    assert_eq!(
        state["resources"].as_array().map(Vec::len),
        Some(15),
        "every instance of the pushed state: {state}"
    );

    let mut unrelated = written.clone();
    unrelated["lineage"] = "00000000-0000-4000-8000-000000000000".into();
    unrelated["serial"] = 1000.into();
    stack.write("unrelated.tfstate", &unrelated.to_string());
    let refused = infra(&stack, None, &["state", "push", "unrelated.tfstate"]).expect_code(1);
    assert_contains(&refused.stderr, "over unrelated state with lineage");
    let mut same_serial = written.clone();
    same_serial["serial"] = state["serial"].clone();
    same_serial["outputs"] = serde_json::json!({});
    stack.write("same.tfstate", &same_serial.to_string());
    let refused = infra(&stack, None, &["state", "push", "same.tfstate"]).expect_code(1);
    assert_contains(&refused.stderr, "with a different state that has the same serial");
    infra(&stack, None, &["state", "push", "-force", "unrelated.tfstate"]).ok();
    assert_eq!(stack.state()["lineage"], "00000000-0000-4000-8000-000000000000");
}

/// Every public Terraform state in the fixtures reads as it is: Terraform 0.12's
/// `provider.aws` addresses and modules (platy), 1.2 with provider 4.17 and the legacy
/// `aws_alb*` names (ecs-fargate), 1.2 with provider 4 (packt), and 1.13 with provider 5,
/// modules, data sources, `check_results` and `identity_schema_version` (cms-npd).
#[test]
fn every_public_terraform_state_reads_as_it_is() {
    for fixture in
        ["platy-tf012-legacy", "ecs-fargate-alb-aws4", "packt-vpc-natgw", "cms-npd-ecs-alb-rds"]
    {
        let stack = Stack::from_fixture(&format!("tests/fixtures/terraform_states/{fixture}"));
        let written: serde_json::Value =
            serde_json::from_str(&stack.read("terraform.tfstate")).unwrap();
        let instances: usize = written["resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["instances"].as_array().map_or(0, Vec::len))
            .sum();
        let listed = infra(&stack, None, &["state", "list", "-state=terraform.tfstate"]);
        assert_eq!(listed.code, 0, "{fixture}: {}", listed.all());
        assert_eq!(listed.stdout.lines().count(), instances, "{fixture}: {}", listed.stdout);
        let pulled: serde_json::Value = serde_json::from_str(
            &infra(&stack, None, &["state", "pull", "-state=terraform.tfstate"]).ok().stdout,
        )
        .unwrap();
        assert_eq!(pulled["lineage"], written["lineage"], "{fixture}");
        for (name, output) in written["outputs"].as_object().unwrap() {
            assert_eq!(pulled["outputs"][name]["value"], output["value"], "{fixture}: {name}");
            assert_eq!(
                pulled["outputs"][name]["sensitive"].as_bool().unwrap_or(false),
                output["sensitive"].as_bool().unwrap_or(false),
                "{fixture}: {name}"
            );
        }
        // Every attribute Terraform wrote is kept as it was (no refresh, no plan). Terraform
        // 0.12 wrote resources in its own order; infra writes 1.x's sorted order.
        let key = |r: &serde_json::Value| {
            format!("{} {} {}.{}", r["module"], r["mode"], r["type"], r["name"])
        };
        let ours: std::collections::BTreeMap<String, &serde_json::Value> =
            pulled["resources"].as_array().unwrap().iter().map(|r| (key(r), r)).collect();
        for theirs in written["resources"].as_array().unwrap() {
            let ours = ours
                .get(&key(theirs))
                .unwrap_or_else(|| panic!("{fixture}: {} is kept", key(theirs)));
            assert_eq!(theirs["provider"].is_string(), ours["provider"].is_string());
            for (a, b) in theirs["instances"]
                .as_array()
                .unwrap()
                .iter()
                .zip(ours["instances"].as_array().unwrap())
            {
                assert_eq!(a["attributes"], b["attributes"], "{fixture}");
                assert_eq!(a["schema_version"], b["schema_version"], "{fixture}");
                assert_eq!(a["private"], b["private"], "{fixture}");
            }
        }
        let keys: Vec<&String> = ours.keys().collect();
        assert_eq!(keys.len(), written["resources"].as_array().unwrap().len());
    }
}

/// Objects of the utility providers and Terraform's `terraform_data` in a Terraform state are
/// adopted: the plan is clean with and without refresh, and a changed `terraform_data.input`
/// plans one in-place update; what infra writes back keeps cty's wrapped form of its dynamic
/// `input` and `output`.
#[test]
fn utility_provider_objects_in_a_terraform_state_are_adopted() {
    let moto = Moto::start();
    let stack = Stack::from_fixture("tests/fixtures/terraform_states/utility-providers");
    for refresh in ["-refresh=false", "-refresh=true"] {
        let plan = plan_run(&stack, &moto, &[refresh]);
        assert_eq!(plan.code, 0, "{refresh}: {}", plan.all());
    }
    let main = stack.read("main.tf");
    stack.write("main.tf", &main.replace("input = \"v1\"", "input = \"v2\""));
    let plan = plan_run(&stack, &moto, NO_VARS);
    assert_eq!(plan.code, 2, "{}", plan.all());
    assert_contains(&plan.stdout, "Plan: 0 to add, 1 to change, 0 to destroy.");
    apply_ok(&stack, &moto, NO_VARS);
    let written: serde_json::Value =
        serde_json::from_str(&stack.read("terraform.tfstate")).unwrap();
    let data = written["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "terraform_data")
        .unwrap();
    assert_eq!(
        data["instances"][0]["attributes"]["input"],
        serde_json::json!({"value": "v2", "type": "string"})
    );
    assert_eq!(data["provider"], "provider[\"terraform.io/builtin/terraform\"]");
    plan_is_clean(&stack, &moto, NO_VARS, "after the apply");
}

/// An infra apply dies mid-run and Terraform then writes the state file (issue 34): the
/// journal the dead run left no longer extends the file. infra neither replays it over what
/// Terraform wrote nor drops it: reading the state is an error that names the objects the
/// journal holds, and nothing is changed. With the journal moved away, the file reads as
/// Terraform wrote it. No AWS call is made, so no emulator is needed.
#[test]
fn terraform_writing_the_state_after_a_dead_run_makes_its_journal_an_error_naming_its_objects() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    let stack = Stack::new();
    stack.write(
        "main.tf",
        r#"
resource "terraform_data" "first" {
  input = "one"
}

resource "terraform_data" "second" {
  input      = "two"
  depends_on = [terraform_data.first]
  provisioner "local-exec" {
    command = "echo started; sleep 30"
  }
}
"#,
    );
    let mut child = infra_testkit::infra_command(super::BINARY, stack.path(), None)
        .args(["apply", "-input=false", "-auto-approve"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start infra");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    loop {
        line.clear();
        let read = stdout.read_line(&mut line).expect("read stdout");
        assert!(read > 0, "the apply ended before its provisioner started");
        if line.contains("terraform_data.second (local-exec): started") {
            break;
        }
    }
    child.kill().expect("kill infra");
    child.wait().expect("wait for infra");
    assert!(
        stack.path().join("terraform.tfstate.infra-journal").exists(),
        "the killed run left its journal"
    );
    let first_id = {
        let state: serde_json::Value =
            serde_json::from_str(&stack.state_text_at("terraform.tfstate")).expect("state");
        infra_testkit::flat_state(&state)["resources"]
            .as_array()
            .and_then(|resources| resources.iter().find(|r| r["address"] == "terraform_data.first"))
            .map(|r| r["id"].as_str().unwrap_or_default().to_string())
            .expect("the journal holds terraform_data.first")
    };

    // Terraform reads the file alone (the journal is infra's) and writes it again: the same
    // lineage, the next serial. Where the dead run wrote no file yet, Terraform starts one.
    let terraform_state = match std::fs::read_to_string(stack.path().join("terraform.tfstate")) {
        Ok(text) if !text.trim().is_empty() => {
            let mut state: serde_json::Value = serde_json::from_str(&text).expect("v4 JSON");
            state["serial"] = serde_json::json!(state["serial"].as_u64().unwrap_or(0) + 1);
            state
        }
        _ => serde_json::json!({
            "version": 4,
            "terraform_version": "1.14.0",
            "serial": 1,
            "lineage": "0b9c9a49-6e52-4bb7-a0d5-3c1b7b0a0c11",
            "outputs": {},
            "resources": [],
            "check_results": null
        }),
    };
    let terraform_text = serde_json::to_string_pretty(&terraform_state).unwrap();
    stack.write("terraform.tfstate", &terraform_text);

    let plan = infra(&stack, None, &["plan", "-input=false"]);
    assert_eq!(plan.code, 1, "{}", plan.all());
    assert!(plan.stderr.contains("holds the records of an infra run that died"), "{}", plan.all());
    assert!(plan.stderr.contains(&format!("terraform_data.first ({first_id})")), "{}", plan.all());
    assert!(plan.stderr.contains("terraform_data.second"), "{}", plan.all());
    assert_eq!(stack.read("terraform.tfstate"), terraform_text, "nothing was changed");

    std::fs::rename(
        stack.path().join("terraform.tfstate.infra-journal"),
        stack.path().join("journal-aside"),
    )
    .expect("move the journal away");
    let plan = infra(&stack, None, &["plan", "-input=false"]).ok();
    assert_contains(&plan.stdout, "terraform_data.second will be created");
}
