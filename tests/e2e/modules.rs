//! Modules as real stacks use them (issue 11): `count` and `for_each` on module calls, a
//! registry module resolved through a CLI-configuration `host` override at the newest version
//! matching its constraint, and a git module at a tag. The registry and the git repository are
//! local servers that speak the real protocols (infra-testkit); nothing reaches the internet.

use infra_testkit::module_registry::{git_fixture, ModuleRegistry};
use infra_testkit::{infra_command, run, Moto, Stack};

use super::{assert_contains, create_vpc, infra, plan_run, vpcs_in, BINARY, NO_VARS};

const NETWORK_MODULE: &str = r#"
variable "cidr" {
  type = string
}

variable "name" {
  type = string
}

resource "aws_vpc" "this" {
  cidr_block = var.cidr
  tags = {
    Name = var.name
  }
}

output "vpc_id" {
  value = aws_vpc.this.id
}
"#;

#[test]
fn modules_with_count_and_for_each_apply_plan_clean_and_destroy() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("modules/network/main.tf", NETWORK_MODULE);
    stack.write(
        "main.tf",
        r#"
provider "aws" {
  region = "us-east-1"
}

variable "enabled" {
  type    = bool
  default = true
}

variable "environments" {
  type = map(string)
  default = {
    staging = "10.20.0.0/16"
    prod    = "10.30.0.0/16"
  }
}

module "shared" {
  source = "./modules/network"
  count  = var.enabled ? 2 : 0
  cidr   = "10.${count.index + 1}.0.0/16"
  name   = "shared-${count.index}"
}

module "env" {
  source   = "./modules/network"
  for_each = var.environments
  cidr     = each.value
  name     = each.key
}

output "shared_ids" {
  value = module.shared[*].vpc_id
}

output "prod_id" {
  value = module.env["prod"].vpc_id
}
"#,
    );
    let plan = infra(&stack, Some(&moto), &["plan", "-input=false"]).ok();
    for address in [
        "module.shared[0].aws_vpc.this",
        "module.shared[1].aws_vpc.this",
        "module.env[\"prod\"].aws_vpc.this",
        "module.env[\"staging\"].aws_vpc.this",
    ] {
        assert!(
            plan.stdout.contains(&format!("# {address} will be created")),
            "{address}: {}",
            plan.stdout
        );
    }
    assert_contains(&plan.stdout, "Plan: 4 to add, 0 to change, 0 to destroy.");

    let apply = infra(&stack, Some(&moto), &["apply", "-auto-approve", "-input=false"]).ok();
    assert_contains(&apply.stdout, "prod_id = \"vpc-");
    assert_eq!(vpcs_in(&moto, "us-east-1"), vec!["prod", "shared-0", "shared-1", "staging"]);
    let again = plan_run(&stack, &moto, NO_VARS);
    assert_eq!(again.code, 0, "{}", again.all());

    // Dropping one key of for_each and the count to zero destroys exactly those instances.
    let plan = infra(
        &stack,
        Some(&moto),
        &[
            "plan",
            "-input=false",
            "-var",
            "enabled=false",
            "-var",
            "environments={prod = \"10.30.0.0/16\"}",
        ],
    )
    .ok();
    assert_contains(&plan.stdout, "Plan: 0 to add, 0 to change, 3 to destroy.");

    infra(&stack, Some(&moto), &["destroy", "-auto-approve", "-input=false"]).ok();
    assert!(vpcs_in(&moto, "us-east-1").is_empty());

    // A count that depends on a resource attribute is Terraform's error, located.
    stack.write(
        "main.tf",
        "resource \"aws_vpc\" \"a\" {\n  cidr_block = \"10.9.0.0/16\"\n}\n\nmodule \"x\" {\n  source = \"./modules/network\"\n  count  = length(aws_vpc.a.id)\n  cidr   = \"10.8.0.0/16\"\n  name   = \"x\"\n}\n",
    );
    let refused = infra(&stack, Some(&moto), &["plan", "-input=false"]).expect_code(1);
    assert_contains(&refused.stderr, "Invalid count argument");
    assert_contains(&refused.stderr, "main.tf:7:");
}

/// A module that only has outputs, so the test needs no emulator: version `VERSION` says so.
fn versioned_module(dir: &std::path::Path, version: &str) {
    let path = dir.join(version).join("main.tf");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(
        path,
        format!("variable \"name\" {{\n  type = string\n}}\n\noutput \"greeting\" {{\n  value = \"${{var.name}} from {version}\"\n}}\n"),
    )
    .unwrap();
}

#[test]
fn a_registry_module_through_a_host_override_and_a_git_module_at_a_tag() {
    let registry = ModuleRegistry::start();
    let fixtures = tempfile::tempdir().unwrap();
    let versions = fixtures.path().join("greeting");
    for version in ["1.0.0", "1.2.0", "1.9.3", "2.0.0"] {
        versioned_module(&versions, version);
    }
    registry.add_module("acme/greeting/aws", &versions);
    let repository = git_fixture(&versions);
    let cli_config = fixtures.path().join("infra.tfrc");
    std::fs::write(&cli_config, registry.cli_config("registry.test")).unwrap();

    let stack = Stack::new();
    stack.write(
        "main.tf",
        &format!(
            r#"
module "from_registry" {{
  source  = "registry.test/acme/greeting/aws"
  version = "~> 1.2"
  name    = "registry"
}}

module "from_git" {{
  source = "git::file://{}?ref=v1.2.0"
  name   = "git"
}}

output "registry" {{
  value = module.from_registry.greeting
}}

output "git" {{
  value = module.from_git.greeting
}}
"#,
            repository.display()
        ),
    );
    let infra_with_config = |args: &[&str]| {
        let mut command = infra_command(BINARY, stack.path(), None);
        command.env("TF_CLI_CONFIG_FILE", &cli_config);
        run(command, args)
    };

    // Without init, the plan says what to do, at the module's source.
    let missing = infra_with_config(&["plan", "-input=false"]).expect_code(1);
    assert_contains(&missing.stderr, "Module not installed");
    assert_contains(&missing.stderr, "infra init");
    assert_contains(&missing.stderr, "main.tf:3:");

    let init = infra_with_config(&["init", "-input=false"]).ok();
    assert_contains(
        &init.stdout,
        "Downloading registry.test/acme/greeting/aws 1.9.3 for from_registry",
    );
    let manifest = stack.read(".infra/modules/modules.json");
    assert!(
        manifest.contains("\"Version\": \"1.9.3\"") || manifest.contains("\"Version\":\"1.9.3\""),
        "{manifest}"
    );

    let apply = infra_with_config(&["apply", "-auto-approve", "-input=false"]).ok();
    assert_contains(&apply.stdout, "registry = \"registry from 1.9.3\"");
    assert_contains(&apply.stdout, "git = \"git from 1.2.0\"");

    // -upgrade re-resolves: a newer matching version appears.
    versioned_module(&versions, "1.10.0");
    registry.add_version("acme/greeting/aws", "1.10.0", &versions.join("1.10.0"));
    let upgrade = infra_with_config(&["init", "-upgrade", "-input=false"]).ok();
    assert_contains(&upgrade.stdout, "1.10.0");
    let plan = infra_with_config(&["plan", "-input=false"]).ok();
    assert_contains(&plan.stdout, "registry from 1.10.0");
}

#[test]
fn aliased_providers_create_and_read_objects_in_their_own_regions() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("modules/network/main.tf", NETWORK_MODULE);
    stack.write(
        "main.tf",
        r#"
provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "west"
  region = "us-west-2"
}

resource "aws_vpc" "east" {
  cidr_block = "10.50.0.0/16"
  tags = {
    Name = "east"
  }
}

resource "aws_vpc" "west" {
  provider   = aws.west
  cidr_block = "10.60.0.0/16"
  tags = {
    Name = "west"
  }
}

module "west_network" {
  source    = "./modules/network"
  providers = { aws = aws.west }
  cidr      = "10.70.0.0/16"
  name      = "west-module"
}
"#,
    );
    infra(&stack, Some(&moto), &["apply", "-auto-approve", "-input=false"]).ok();
    assert_eq!(vpcs_in(&moto, "us-east-1"), vec!["east"]);
    assert_eq!(vpcs_in(&moto, "us-west-2"), vec!["west", "west-module"]);
    let state = stack.read("terraform.tfstate");
    assert_contains(
        &state,
        r#""provider": "provider[\"registry.terraform.io/hashicorp/aws\"].west""#,
    );

    // Each is refreshed in its own region: no drift, no change.
    let again = plan_run(&stack, &moto, NO_VARS);
    assert_eq!(again.code, 0, "{}", again.all());

    // An object deleted in its region is seen as deleted there.
    moto.python("import boto3\nec2 = boto3.client('ec2', region_name='us-west-2')\nfor v in ec2.describe_vpcs(Filters=[{'Name': 'tag:Name', 'Values': ['west']}])['Vpcs']:\n    ec2.delete_vpc(VpcId=v['VpcId'])");
    let plan = infra(&stack, Some(&moto), &["plan", "-input=false"]).ok();
    assert_contains(&plan.stdout, "# aws_vpc.west will be created");

    infra(&stack, Some(&moto), &["destroy", "-auto-approve", "-input=false"]).ok();
    assert!(vpcs_in(&moto, "us-east-1").is_empty());
    assert!(vpcs_in(&moto, "us-west-2").is_empty());

    // A provider configuration that no block declares is Terraform's error, located.
    stack.write(
        "main.tf",
        "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nresource \"aws_vpc\" \"x\" {\n  provider   = aws.nowhere\n  cidr_block = \"10.0.0.0/16\"\n}\n",
    );
    let refused = infra(&stack, Some(&moto), &["plan", "-input=false"]).expect_code(1);
    assert_contains(&refused.stderr, "Provider configuration not present");
    assert_contains(&refused.stderr, "main.tf:5:");
}

#[test]
fn moved_into_a_module_and_import_with_for_each() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("modules/network/main.tf", NETWORK_MODULE);
    let provider = "provider \"aws\" {\n  region = \"us-east-1\"\n}\n";
    stack.write(
        "main.tf",
        &format!("{provider}\nresource \"aws_vpc\" \"net\" {{\n  cidr_block = \"10.90.0.0/16\"\n  tags = {{\n    Name = \"net\"\n  }}\n}}\n"),
    );
    infra(&stack, Some(&moto), &["apply", "-auto-approve", "-input=false"]).ok();
    stack.write(
        "main.tf",
        &format!("{provider}\nmodule \"network\" {{\n  source = \"./modules/network\"\n  cidr   = \"10.90.0.0/16\"\n  name   = \"net\"\n}}\n\nmoved {{\n  from = aws_vpc.net\n  to   = module.network.aws_vpc.this\n}}\n"),
    );
    let plan = infra(&stack, Some(&moto), &["plan", "-input=false"]).ok();
    assert_contains(&plan.stdout, "# aws_vpc.net has moved to module.network.aws_vpc.this");
    assert_contains(&plan.stdout, "0 to add, 0 to change, 0 to destroy.");
    infra(&stack, Some(&moto), &["apply", "-auto-approve", "-input=false"]).ok();
    assert_eq!(vpcs_in(&moto, "us-east-1"), vec!["net"]);

    // import with for_each: two existing VPCs adopted by key.
    let mut ids = Vec::new();
    for (name, cidr) in [("a", "10.81.0.0/16"), ("b", "10.82.0.0/16")] {
        ids.push(create_vpc(&moto, cidr, name));
    }
    stack.write(
        "imports.tf",
        &format!(
            "locals {{\n  existing = {{\n    a = {{ id = \"{}\", cidr = \"10.81.0.0/16\" }}\n    b = {{ id = \"{}\", cidr = \"10.82.0.0/16\" }}\n  }}\n}}\n\nimport {{\n  for_each = local.existing\n  to       = aws_vpc.imported[each.key]\n  id       = each.value.id\n}}\n\nresource \"aws_vpc\" \"imported\" {{\n  for_each   = local.existing\n  cidr_block = each.value.cidr\n  tags = {{\n    Name = each.key\n  }}\n}}\n",
            ids[0], ids[1]
        ),
    );
    let plan = infra(&stack, Some(&moto), &["plan", "-input=false"]).ok();
    assert_contains(&plan.stdout, "# aws_vpc.imported[\"a\"] will be imported");
    assert_contains(&plan.stdout, "Plan: 2 to import, 0 to add, 0 to change, 0 to destroy.");
    infra(&stack, Some(&moto), &["apply", "-auto-approve", "-input=false"]).ok();
    assert_eq!(vpcs_in(&moto, "us-east-1"), vec!["a", "b", "net"]);
    let again = plan_run(&stack, &moto, NO_VARS);
    assert_eq!(again.code, 0, "{}", again.all());
}

/// Terraform 1.15: a module's `source` and `version` may use constant variables and locals.
/// `init` installs what they evaluate to, with `-var`, and the commands after it load the same
/// modules; a variable not marked `const` is Terraform's error, at the source.
#[test]
fn module_sources_and_versions_from_constant_variables_and_locals() {
    let registry = ModuleRegistry::start();
    let fixtures = tempfile::tempdir().unwrap();
    let versions = fixtures.path().join("greeting");
    for version in ["1.0.0", "1.2.0", "1.9.3"] {
        versioned_module(&versions, version);
    }
    registry.add_module("acme/greeting/aws", &versions);
    let cli_config = fixtures.path().join("infra.tfrc");
    std::fs::write(&cli_config, registry.cli_config("registry.test")).unwrap();

    let stack = Stack::new();
    versioned_module(&stack.path().join("modules/greeting"), "local");
    stack.write(
        "main.tf",
        r#"
variable "greeting_version" {
  type  = string
  const = true
}

variable "flavour" {
  type    = string
  const   = true
  default = "local"
}

locals {
  registry = "registry.test/acme"
}

module "from_registry" {
  source  = "${local.registry}/greeting/aws"
  version = var.greeting_version
  name    = "registry"
}

module "from_path" {
  source = "./modules/greeting/${var.flavour}"
  name   = "path"
}

output "registry" {
  value = module.from_registry.greeting
}

output "path" {
  value = module.from_path.greeting
}
"#,
    );
    let infra_with_config = |args: &[&str]| {
        let mut command = infra_command(BINARY, stack.path(), None);
        command.env("TF_CLI_CONFIG_FILE", &cli_config);
        run(command, args)
    };

    // A const variable that the sources need must have a value, at init too.
    let unset = infra_with_config(&["init", "-input=false"]).expect_code(1);
    assert_contains(&unset.stderr, "No value for required variable");

    let init = infra_with_config(&["init", "-input=false", "-var=greeting_version=1.2.0"]).ok();
    assert_contains(
        &init.stdout,
        "Downloading registry.test/acme/greeting/aws 1.2.0 for from_registry",
    );
    assert_contains(&init.stdout, "- from_path in modules/greeting/local");

    let apply = infra_with_config(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-var=greeting_version=1.2.0",
    ])
    .ok();
    assert_contains(&apply.stdout, "registry = \"registry from 1.2.0\"");
    assert_contains(&apply.stdout, "path = \"path from local\"");

    // Another version than the one installed wants init again, as a changed literal would.
    let changed =
        infra_with_config(&["plan", "-input=false", "-var=greeting_version=1.9.3"]).expect_code(1);
    assert_contains(&changed.stderr, "infra init");

    // A variable not marked const is unknown when sources are evaluated.
    let text = stack.read("main.tf").replacen(
        "  type    = string\n  const   = true\n  default = \"local\"",
        "  type    = string\n  default = \"local\"",
        1,
    );
    stack.write("main.tf", &text);
    let refused = infra_with_config(&["validate", "-var=greeting_version=1.2.0"]).expect_code(1);
    assert_contains(&refused.stderr, "Invalid module source");
    assert_contains(&refused.stderr, "constant variables (with const = true)");
    assert_contains(&refused.stderr, "main.tf:23:");
}
