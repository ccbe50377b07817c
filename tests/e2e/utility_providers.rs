//! The utility providers every stack leans on (issue 15): random, null, time, local, archive,
//! template and terraform_data, through the real binary. None of them calls AWS, so most of
//! these tests need no emulator.

use infra_testkit::{Moto, Stack};

use super::{assert_contains, infra};

const EVERY_TYPE: &str = r#"
terraform {
  required_providers {
    random  = { source = "hashicorp/random", version = "~> 3.6" }
    null    = { source = "hashicorp/null" }
    time    = { source = "hashicorp/time" }
    local   = { source = "hashicorp/local" }
    archive = { source = "hashicorp/archive" }
  }
}

provider "random" {}
provider "null" {}

variable "generation" {
  type    = string
  default = "1"
}

resource "random_id" "suffix" {
  byte_length = 4
  keepers     = { generation = var.generation }
}

resource "random_string" "name" {
  length  = 12
  special = false
}

resource "random_password" "db" {
  length           = 24
  override_special = "!#%"
}

resource "random_pet" "server" {}

resource "random_integer" "port" {
  min = 20000
  max = 30000
}

resource "random_shuffle" "azs" {
  input        = ["a", "b", "c"]
  result_count = 2
}

resource "random_uuid" "run" {}

resource "null_resource" "migrate" {
  triggers = { generation = var.generation }
}

resource "terraform_data" "release" {
  input            = "release-${var.generation}"
  triggers_replace = [var.generation]
}

resource "time_static" "created" {}

resource "time_offset" "expiry" {
  offset_days = 30
}

resource "time_rotating" "key" {
  rotation_days = 90
}

resource "time_sleep" "settle" {
  create_duration = "1s"
}

resource "local_file" "config" {
  filename        = "${path.module}/out/config.txt"
  content         = "name=${random_pet.server.id}\n"
  file_permission = "0640"
}

data "template_file" "greeting" {
  template = "Hello, $${name}!"
  vars     = { name = "world" }
}

data "archive_file" "lambda" {
  type        = "zip"
  output_path = "${path.module}/out/lambda.zip"
  source {
    content  = "def handler(event, context):\n    return 'ok'\n"
    filename = "index.py"
  }
}

data "local_file" "readme" {
  filename = "${path.module}/input.txt"
}

output "suffix" {
  value = random_id.suffix.hex
}

output "greeting" {
  value = data.template_file.greeting.rendered
}

output "lambda_hash" {
  value = data.archive_file.lambda.output_base64sha256
}

output "readme" {
  value = data.local_file.readme.content
}
"#;

fn state(stack: &Stack) -> serde_json::Value {
    stack.state()
}

fn attribute(stack: &Stack, address: &str, name: &str) -> serde_json::Value {
    state(stack)["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["address"] == address)
        .unwrap_or_else(|| panic!("{address} is not in the state"))["attributes"][name]
        .clone()
}

#[test]
fn every_utility_type_is_created_stable_replaced_by_its_keepers_and_destroyed() {
    let stack = Stack::new();
    stack.write("main.tf", EVERY_TYPE);
    stack.write("input.txt", "read me\n");

    let apply = infra(&stack, None, &["apply", "-auto-approve", "-input=false"]).ok();
    assert_contains(&apply.stdout, "Apply complete! Resources: 14 added, 0 changed, 0 destroyed.");
    assert_contains(&apply.stdout, "greeting = \"Hello, world!\"");
    assert_contains(&apply.stdout, "readme = \"read me\\n\"");
    let written = std::fs::read_to_string(stack.path().join("out/config.txt")).unwrap();
    assert!(written.starts_with("name="), "{written}");
    let password = attribute(&stack, "random_password.db", "result");
    let password = password.as_str().expect("the password is in the state");
    assert_eq!(password.len(), 24);
    assert!(!apply.all().contains(password), "the password was printed");

    // Stable: nothing is regenerated on the next plan.
    let again = infra(&stack, None, &["plan", "-input=false", "-detailed-exitcode"]);
    assert_eq!(again.code, 0, "{}", again.all());
    assert_contains(&again.stdout, "No changes.");

    // A keeper or trigger change replaces exactly the resources that use it.
    let suffix = attribute(&stack, "random_id.suffix", "hex");
    let plan = infra(&stack, None, &["plan", "-input=false", "-var", "generation=2"]).ok();
    for address in ["random_id.suffix", "null_resource.migrate", "terraform_data.release"] {
        assert!(
            plan.stdout.contains(&format!("# {address} must be replaced")),
            "{address}: {}",
            plan.stdout
        );
    }
    assert_contains(&plan.stdout, "Plan: 3 to add, 0 to change, 3 to destroy.");
    infra(&stack, None, &["apply", "-auto-approve", "-input=false", "-var", "generation=2"]).ok();
    assert_ne!(attribute(&stack, "random_id.suffix", "hex"), suffix);
    assert_eq!(
        // A dynamic attribute, in cty's wrapped form as Terraform stores it.
        attribute(&stack, "terraform_data.release", "output"),
        serde_json::json!({"value": "release-2", "type": "string"})
    );

    // A deleted local file is drift: it is written again.
    std::fs::remove_file(stack.path().join("out/config.txt")).unwrap();
    let plan = infra(&stack, None, &["plan", "-input=false", "-var", "generation=2"]).ok();
    assert_contains(&plan.stdout, "# local_file.config will be created");
    let apply =
        infra(&stack, None, &["apply", "-auto-approve", "-input=false", "-var", "generation=2"])
            .ok();
    assert_contains(&apply.stdout, "Resources: 1 added, 0 changed, 0 destroyed.");
    assert!(stack.path().join("out/config.txt").exists());

    let destroy =
        infra(&stack, None, &["destroy", "-auto-approve", "-input=false", "-var", "generation=2"])
            .ok();
    assert_contains(&destroy.stdout, "Destroy complete! Resources: 14 destroyed.");
    assert!(!stack.path().join("out/config.txt").exists());
}

#[test]
fn an_archive_for_a_lambda_does_not_churn() {
    let stack = Stack::new();
    stack.write("src/index.py", "def handler(event, context):\n    return 'ok'\n");
    stack.write(
        "main.tf",
        r#"
data "archive_file" "lambda" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/lambda.zip"
}

resource "terraform_data" "code" {
  input = data.archive_file.lambda.output_base64sha256
}
"#,
    );
    infra(&stack, None, &["apply", "-auto-approve", "-input=false"]).ok();
    let first = std::fs::read(stack.path().join("build/lambda.zip")).unwrap();
    let again = infra(&stack, None, &["plan", "-input=false", "-detailed-exitcode"]);
    assert_eq!(again.code, 0, "{}", again.all());
    let second = std::fs::read(stack.path().join("build/lambda.zip")).unwrap();
    assert_eq!(first, second, "the zip is byte-identical");

    stack.write("src/index.py", "def handler(event, context):\n    return 'changed'\n");
    let changed = infra(&stack, None, &["plan", "-input=false"]).ok();
    assert_contains(&changed.stdout, "# terraform_data.code will be updated in-place");
}

#[test]
fn utility_resources_import_by_their_provider_ids() {
    let stack = Stack::new();
    stack.write(
        "main.tf",
        r#"
resource "random_password" "imported" {
  length = 14
}

resource "random_integer" "port" {
  min = 1
  max = 100
}

resource "random_pet" "name" {}

import {
  to = random_uuid.run
  id = "c0b1a9f2-7d7e-4b8e-9a55-2f1c3e4d5a6b"
}

resource "random_uuid" "run" {}
"#,
    );
    let import =
        infra(&stack, None, &["import", "random_password.imported", "Sup3rS3cret!xy"]).ok();
    assert_contains(&import.stdout, "Import successful!");
    assert!(!import.all().contains("Sup3rS3cret!xy"), "the imported password was printed");
    infra(&stack, None, &["import", "random_integer.port", "42,1,100"]).ok();
    assert_eq!(attribute(&stack, "random_integer.port", "result"), 42.0);

    let refused = infra(&stack, None, &["import", "random_pet.name", "anything"]).expect_code(1);
    assert_contains(&refused.stderr, "resource random_pet doesn't support import");

    let plan = infra(&stack, None, &["plan", "-input=false"]).ok();
    assert_contains(&plan.stdout, "# random_uuid.run will be imported");
    assert_contains(&plan.stdout, "1 to import, 1 to add");
    infra(&stack, None, &["apply", "-auto-approve", "-input=false"]).ok();
    assert_eq!(
        attribute(&stack, "random_uuid.run", "result"),
        "c0b1a9f2-7d7e-4b8e-9a55-2f1c3e4d5a6b"
    );
    let again = infra(&stack, None, &["plan", "-input=false", "-detailed-exitcode"]);
    assert_eq!(again.code, 0, "{}", again.all());
}

#[test]
fn a_random_password_for_rds_never_leaves_the_state() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write(
        "main.tf",
        r#"
provider "aws" {
  region = "us-east-1"
}

resource "random_password" "master" {
  length  = 20
  special = false
}

resource "aws_db_instance" "main" {
  identifier          = "random-password-db"
  engine              = "postgres"
  engine_version      = "16.3"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  username            = "app"
  password            = random_password.master.result
  skip_final_snapshot = true
}
"#,
    );
    infra(&stack, Some(&moto), &["plan", "-input=false", "-out=plan.json"]).ok();
    let apply = infra(&stack, Some(&moto), &["apply", "plan.json"]).ok();
    let password = attribute(&stack, "random_password.master", "result");
    let password = password.as_str().expect("the password is in the state").to_string();
    let plan = infra(&stack, Some(&moto), &["plan", "-input=false", "-out=again.json"]).ok();
    let shown = infra(&stack, Some(&moto), &["show", "-json", "again.json"]).ok();
    let text = infra(&stack, Some(&moto), &["show"]).ok();
    for (what, output) in [
        ("apply", apply.all()),
        ("plan", plan.all()),
        ("plan JSON", shown.stdout),
        ("plan file", stack.read("again.json")),
        ("show", text.all()),
    ] {
        assert!(!output.contains(&password), "{what} shows the password");
    }
    assert_contains(&plan.stdout, "No changes.");
}

#[test]
fn the_functions_real_stacks_call_and_timestamp_at_apply() {
    let stack = Stack::new();
    stack.write("files/hello.txt", "hello\n");
    stack.write(
        "main.tf",
        r#"
locals {
  subnets = cidrsubnets("10.0.0.0/16", 8, 8, 4)
  pairs   = setproduct(["a", "b"], [1, 2])
}

resource "terraform_data" "stamp" {
  input = timestamp()
}

output "subnets" {
  value = local.subnets
}

output "pairs" {
  value = length(local.pairs)
}

output "yaml" {
  value = yamlencode({ name = "web", ports = [80, 443] })
}

output "decoded" {
  value = yamldecode("a: 1\nb: [x, y]\n").b
}

output "year" {
  value = formatdate("YYYY-MM-DD", "2024-03-05T10:00:00Z")
}

output "later" {
  value = timeadd("2024-03-05T10:00:00Z", "90m")
}

output "file_hash" {
  value = filesha256("${path.module}/files/hello.txt")
}

output "names" {
  value = [basename("/a/b/c.txt"), dirname("/a/b/c.txt"), strrev("abc"), parseint("ff", 16)]
}

output "secret" {
  value = issensitive(sensitive("x"))
}
"#,
    );
    let plan = infra(&stack, None, &["plan", "-input=false"]).ok();
    assert_contains(&plan.stdout, "+ input  = (known after apply)");
    let apply = infra(&stack, None, &["apply", "-auto-approve", "-input=false"]).ok();
    for expected in [
        "subnets = [\"10.0.0.0/24\", \"10.0.1.0/24\", \"10.0.16.0/20\"]",
        "pairs = 4",
        // Terraform's YAML reader resolves plain scalars as YAML 1.1 does: `y` is true.
        "decoded = [\"x\", true]",
        "year = \"2024-03-05\"",
        "later = \"2024-03-05T11:30:00Z\"",
        "file_hash = \"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03\"",
        "names = [\"c.txt\", \"/a/b\", \"cba\", 255]",
        "secret = true",
    ] {
        assert!(apply.stdout.contains(expected), "{expected}: {}", apply.stdout);
    }
    assert_contains(&apply.stdout, r#"yaml = "\"name\": \"web\"\n\"ports\":\n- 80\n- 443\n""#);
    let stamp = attribute(&stack, "terraform_data.stamp", "output");
    let stamp = stamp["value"].as_str().expect("timestamp() has the apply time at apply");
    assert!(stamp.starts_with("20") && stamp.ends_with('Z'), "{stamp}");
}

#[test]
fn a_sensitive_value_set_in_an_argument_stays_sensitive_in_the_state() {
    let stack = Stack::new();
    stack.write(
        "main.tf",
        r#"
variable "secret" {
  type      = string
  default   = "hunter2-in-config"
  sensitive = true
}

resource "terraform_data" "x" {
  input = var.secret
}

resource "null_resource" "y" {
  triggers = { pw = var.secret, plain = "visible" }
}
"#,
    );
    infra(&stack, None, &["apply", "-input=false", "-auto-approve"]).ok();
    let file: serde_json::Value =
        serde_json::from_str(&stack.state_text_at("terraform.tfstate")).expect("v4 state");
    let sensitive_paths = |name: &str| {
        file["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["name"] == name)
            .map(|r| r["instances"][0]["sensitive_attributes"].to_string())
            .unwrap_or_default()
    };
    assert!(
        sensitive_paths("x").contains(r#"{"type":"get_attr","value":"input"}"#),
        "{}",
        sensitive_paths("x")
    );
    let y = sensitive_paths("y");
    assert_contains(
        &y,
        r#"{"type":"get_attr","value":"triggers"},{"type":"get_attr","value":"pw"}"#,
    );
    assert!(!y.contains("plain"), "{y}");
    for args in [
        &["show"][..],
        &["show", "-json"],
        &["state", "show", "terraform_data.x"],
        &["state", "show", "null_resource.y"],
    ] {
        let shown = infra(&stack, None, args).ok().stdout;
        assert!(!shown.contains("hunter2-in-config"), "{args:?}: {shown}");
    }
    let plan = infra(&stack, None, &["plan", "-input=false", "-detailed-exitcode"]);
    assert_eq!(plan.code, 0, "{}", plan.stdout);
}

/// Terraform 1.16: an `import` block inside a child module imports into that module, once for
/// each of its instances, with the instance's own variables (`internal/refactoring`'s
/// `FindImportStatements`). No AWS call is made.
#[test]
fn import_blocks_in_a_child_module_import_into_each_of_its_instances() {
    let stack = Stack::new();
    stack.write(
        "main.tf",
        r#"
module "names" {
  source = "./names"
  count  = 2
  prefix = "n${count.index}"
}
"#,
    );
    stack.write(
        "names/main.tf",
        r#"
variable "prefix" {
  type = string
}

# The documented way to import a random_string without a replacement: its length, the rest
# left to their defaults.
resource "random_string" "s" {
  length = 5
}

import {
  to = random_string.s
  id = "${var.prefix}abc"
}
"#,
    );
    infra(&stack, None, &["init", "-input=false"]).ok();
    let plan = infra(&stack, None, &["plan", "-input=false"]).ok();
    for index in 0..2 {
        assert_contains(
            &plan.stdout,
            &format!("# module.names[{index}].random_string.s will be imported"),
        );
    }
    assert_contains(&plan.stdout, "Plan: 2 to import, 0 to add, 0 to change, 0 to destroy.");
    infra(&stack, None, &["apply", "-auto-approve", "-input=false"]).ok();
    for index in 0..2 {
        assert_eq!(
            attribute(&stack, &format!("module.names[{index}].random_string.s"), "result"),
            format!("n{index}abc")
        );
    }
    let again = infra(&stack, None, &["plan", "-input=false", "-detailed-exitcode"]);
    assert_eq!(again.code, 0, "{}", again.all());
}

/// `apply` ends with the outputs, and `output` without a name prints the same lines: each
/// `name = value` in Terraform's syntax, a sensitive one as `<sensitive>` (Terraform's
/// `outputs.go` and `output.go` human views).
#[test]
fn apply_and_output_print_each_output_hiding_sensitive_ones() {
    let stack = Stack::new();
    stack.write(
        "main.tf",
        r#"
resource "terraform_data" "web" {
  input = "web"
}

output "name" {
  value = terraform_data.web.output
}

output "password" {
  value     = "hunter2-7c1e"
  sensitive = true
}
"#,
    );
    let apply = infra(&stack, None, &["apply", "-auto-approve", "-input=false"]).ok();
    let lines = "name = \"web\"\npassword = <sensitive>\n";
    assert_contains(&apply.stdout, &format!("\nOutputs:\n\n{lines}"));
    let output = infra(&stack, None, &["output"]).ok();
    assert_eq!(output.stdout, lines);
    assert!(!apply.stdout.contains("hunter2-7c1e"), "{}", apply.stdout);
}
