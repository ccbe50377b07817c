//! End-to-end tests of the crate over fixture directories written to a temp dir.

use crate::*;
use infra_core::{Diagnostics, InstanceKey, Mode, ResourceId, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Writes files (paths may contain `/`) into a fresh temp dir.
fn fixture(files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "infra-config-test-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn load_ok(files: &[(&str, &str)]) -> Config {
    match load(&fixture(files)) {
        Ok(config) => config,
        Err(errors) => panic!("load failed:\n{errors}"),
    }
}

fn load_err(files: &[(&str, &str)]) -> Diagnostics {
    match load(&fixture(files)) {
        Ok(_) => panic!("load should fail"),
        Err(errors) => errors,
    }
}

/// A configuration of one file, main.tf, that must load.
fn load_main_tf(text: &str) -> Config {
    load_ok(&[("main.tf", text)])
}

/// A configuration of one file, main.tf, that must fail to load.
fn load_main_tf_err(text: &str) -> Diagnostics {
    load_err(&[("main.tf", text)])
}

/// A diagnostic's place as [`located`] gives it.
fn at(summary: &str, file: &str, line: usize, column: usize) -> (String, String, usize, usize) {
    (summary.to_string(), file.to_string(), line, column)
}

/// Asserts the diagnostics are exactly `expected`, in order, by [`located`].
#[track_caller]
fn assert_located(errors: &Diagnostics, expected: &[(String, String, usize, usize)]) {
    assert_eq!(located(errors), expected);
}

/// (summary, file name, line, column) of each diagnostic.
fn located(errors: &Diagnostics) -> Vec<(String, String, usize, usize)> {
    errors
        .iter()
        .map(|d| {
            let loc = d.location.as_ref().expect("diagnostic has a location");
            (
                d.summary.clone(),
                loc.file.file_name().unwrap().to_string_lossy().to_string(),
                loc.line,
                loc.column,
            )
        })
        .collect()
}

fn evaluator<'c>(config: &'c Config, vars: &[&str]) -> Evaluator<'c> {
    let mut inputs = InputVariables::new();
    for v in vars {
        inputs.add_cli(v).unwrap();
    }
    match Evaluator::new(config, &inputs, "default") {
        Ok(e) => e,
        Err(errors) => panic!("evaluator failed:\n{errors}"),
    }
}

fn managed(ty: &str, name: &str) -> ResourceId {
    ResourceId::managed(ty, name)
}

fn one(ev: &Evaluator, id: &ResourceId) -> Value {
    let mut instances = ev.expand(id, &NoResourceValues).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(instances.len(), 1);
    instances.remove(0).value
}

// ---- priority 1: load, locations, parse errors, duplicates ----

#[test]
fn parse_error_unclosed_brace_is_located() {
    let errors =
        load_main_tf_err("resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n");
    assert_located(&errors, &[at("Unclosed configuration block", "main.tf", 1, 27)]);
}

#[test]
fn parse_error_unterminated_heredoc_is_located() {
    let errors = load_err(&[("a.tf", "locals {\n  x = <<EOF\nhello\n")]);
    let loc = errors.0[0].location.as_ref().unwrap();
    assert_eq!(loc.file.file_name().unwrap(), "a.tf");
    assert!(loc.line >= 2, "{}", errors);
}

#[test]
fn errors_from_all_files_are_collected() {
    let errors = load_err(&[("a.tf", "resource \"x\" {\n"), ("b.tf", "bogus \"y\" {}\n")]);
    let files: Vec<String> = located(&errors).into_iter().map(|l| l.1).collect();
    assert!(files.contains(&"a.tf".to_string()) && files.contains(&"b.tf".to_string()), "{errors}");
}

#[test]
fn duplicate_resource_names_both_places() {
    let errors = load_err(&[
        ("a.tf", "resource \"aws_vpc\" \"main\" {}\n"),
        ("b.tf", "\n\nresource \"aws_vpc\" \"main\" {}\n"),
    ]);
    assert_located(&errors, &[at("Duplicate resource \"aws_vpc\" configuration", "b.tf", 3, 1)]);
    assert!(errors.0[0].detail.contains("a.tf:1:1"), "{}", errors.0[0].detail);
}

#[test]
fn duplicate_variable_output_local_module() {
    let errors = load_main_tf_err("variable \"a\" {}\nvariable \"a\" {}\noutput \"o\" { value = 1 }\noutput \"o\" { value = 2 }\nlocals { l = 1 }\nlocals { l = 2 }\n");
    let got = located(&errors);
    assert_eq!(got[0], at("Duplicate variable declaration", "main.tf", 2, 1));
    assert_eq!(got[1], at("Duplicate output definition", "main.tf", 4, 1));
    assert_eq!(got[2], at("Duplicate local value definition", "main.tf", 6, 10));
}

#[test]
fn attribute_redefined_is_located() {
    let errors = load_main_tf_err(
        "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"a\"\n  cidr_block = \"b\"\n}\n",
    );
    assert_located(&errors, &[at("Attribute redefined", "main.tf", 3, 3)]);
}

#[test]
fn unknown_top_level_block_is_an_error() {
    let errors = load_main_tf_err("\nresrouce \"aws_vpc\" \"x\" {}\n");
    assert_located(&errors, &[at("Unsupported block type", "main.tf", 2, 1)]);
}

#[test]
fn moved_removed_and_import_blocks_are_read_and_bad_ones_located() {
    let config = load_main_tf("moved {\n  from = aws_vpc.a\n  to = aws_vpc.b\n}\nremoved {\n  from = module.old\n  lifecycle {\n    destroy = false\n  }\n}\nimport {\n  to = aws_vpc.b\n  id = \"vpc-1\"\n}\nresource \"aws_vpc\" \"b\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n");
    assert!(config.warnings().is_empty(), "{}", config.warnings());
    assert_eq!(config.moves().len(), 1);
    assert_eq!(config.moves()[0].from.to_string(), "aws_vpc.a");
    assert_eq!(config.moves()[0].to.to_string(), "aws_vpc.b");
    assert_eq!(config.removals().len(), 1);
    assert!(!config.removals()[0].destroy);
    assert_eq!(config.removals()[0].from.to_string(), "module.old");

    let errors = load_main_tf_err("moved {\n  from = aws_vpc.a\n  to = aws_subnet.b\n}\nremoved {\n  from = aws_vpc.c[0]\n}\nimport {\n  id = \"vpc-1\"\n}\n");
    assert_located(
        &errors,
        &[
            at("Invalid \"moved\" addresses", "main.tf", 1, 1),
            at("Invalid \"removed\" address", "main.tf", 5, 1),
            at("Missing required argument", "main.tf", 8, 1),
        ],
    );
}

#[test]
fn remote_module_not_installed_is_an_error_at_its_source() {
    let errors =
        load_main_tf_err("module \"vpc\" {\n  source = \"terraform-aws-modules/vpc/aws\"\n}\n");
    assert_located(&errors, &[at("Module not installed", "main.tf", 2, 12)]);
    assert!(errors.0[0].detail.contains("Module \"vpc\" is not yet installed. Run \"infra init\""));
}

/// A root calling `vpc` from a registry (with `version`), installed as `modules.json` says.
fn installed_remote_module(version: &str, source: &str) -> Vec<(String, String)> {
    vec![
        (
            "main.tf".into(),
            format!("module \"vpc\" {{\n  source  = \"{source}\"\n  version = \"{version}\"\n}}\n"),
        ),
        (
            ".infra/modules/modules.json".into(),
            r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"vpc","Source":"registry.test/acme/vpc/aws","Version":"6.0.1","Dir":".infra/modules/vpc"},{"Key":"vpc.sub","Source":"./modules/sub","Dir":".infra/modules/vpc/modules/sub"}]}"#.into(),
        ),
        (
            ".infra/modules/vpc/main.tf".into(),
            "module \"sub\" {\n  source = \"./modules/sub\"\n}\nresource \"aws_vpc\" \"this\" {}\n".into(),
        ),
        (
            ".infra/modules/vpc/modules/sub/main.tf".into(),
            "resource \"aws_subnet\" \"this\" {}\n".into(),
        ),
    ]
}

fn as_refs(files: &[(String, String)]) -> Vec<(&str, &str)> {
    files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect()
}

#[test]
fn installed_remote_modules_load_from_the_manifest() {
    let files = installed_remote_module("~> 6.0", "registry.test/acme/vpc/aws");
    let config = load_ok(&as_refs(&files));
    assert_eq!(
        resource_addresses(&config),
        ["module.vpc.aws_vpc.this", "module.vpc.module.sub.aws_subnet.this"]
    );
}

#[test]
fn remote_modules_that_no_longer_match_the_manifest_are_errors() {
    let files = installed_remote_module("~> 7.0", "registry.test/acme/vpc/aws");
    let errors = load_err(&as_refs(&files));
    assert_located(&errors, &[at("Module version requirements have changed", "main.tf", 2, 13)]);
    assert!(errors.0[0].detail.contains("(6.0.1)"), "{}", errors.0[0].detail);
    assert!(errors.0[0].detail.contains("infra init"));

    let files = installed_remote_module("~> 6.0", "registry.test/acme/subnets/aws");
    let errors = load_err(&as_refs(&files));
    assert_located(&errors, &[at("Module source has changed", "main.tf", 2, 13)]);

    let files = installed_remote_module("~> 6.0", "git::https://example.com/vpc.git");
    let errors = load_err(&as_refs(&files));
    assert_located(&errors, &[at("Invalid registry module source address", "main.tf", 2, 13)]);
}

#[test]
fn resources_backend_lifecycle_timeouts_and_digest() {
    let config = load_main_tf(
        r#"
terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
  backend "s3" {
    bucket = "state"
    key    = "infra.tfstate"
  }
}
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
  lifecycle {
    create_before_destroy = true
    prevent_destroy       = true
    ignore_changes        = [tags["Name"], cidr_block]
  }
  timeouts {
    create = "10m"
  }
}
data "aws_region" "current" {}
resource "aws_subnet" "a" {
  count = 2
  lifecycle { ignore_changes = all }
}
"#,
    );
    let resources = config.resources();
    assert_eq!(resources.len(), 3);
    assert_eq!(resources[0].id, managed("aws_vpc", "main"));
    assert_eq!(resources[0].location.line, 12);
    assert!(resources[0].lifecycle.create_before_destroy && resources[0].lifecycle.prevent_destroy);
    assert_eq!(
        resources[0].lifecycle.ignore_changes,
        IgnoreChanges::Paths(vec!["tags[\"Name\"]".into(), "cidr_block".into()])
    );
    assert!(resources[0].has_timeouts && !resources[1].has_timeouts);
    let instances = evaluator(&config, &[])
        .expand(&managed("aws_vpc", "main"), &NoResourceValues)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        instances[0].timeouts,
        Some(BTreeMap::from([(
            "create".to_string(),
            crate::Timeout { text: "10m".into(), duration: std::time::Duration::from_secs(600) }
        )]))
    );
    assert_eq!(resources[1].id.mode, Mode::Data);
    assert!(resources[2].has_count && !resources[2].has_for_each);
    assert_eq!(resources[2].lifecycle.ignore_changes, IgnoreChanges::All);
    let backend = config.backend().unwrap();
    assert_eq!(backend.kind, "s3");
    assert_eq!(backend.settings["bucket"], Value::string("state"));
    assert_eq!(config.digest().len(), 64);
    assert_eq!(config.digest(), config.digest());
}

// ---- priority 2: variables, locals, references, expansion, outputs, dependencies ----

const VARIABLES: &str = r#"
variable "name" {
  type        = string
  description = "The name"
}
variable "size" {
  type    = number
  default = 2
}
variable "zones" {
  type    = list(string)
  default = ["a", "b"]
}
variable "password" {
  type      = string
  sensitive = true
  default   = "hunter2"
}
variable "env" {
  type = string
  default = "dev"
  validation {
    condition     = contains(["dev", "prod"], var.env)
    error_message = "env must be dev or prod."
  }
}
"#;

#[test]
fn variables_types_defaults_and_prompt_info() {
    let config = load_ok(&[("variables.tf", VARIABLES)]);
    let infos = config.root_variables();
    assert_eq!(
        infos[0],
        VariableInfo {
            name: "name".into(),
            required: true,
            sensitive: false,
            description: Some("The name".into())
        }
    );
    assert!(infos[3].sensitive && !infos[3].required);

    let missing = Evaluator::new(&config, &InputVariables::new(), "default").err().unwrap();
    assert_located(&missing, &[at("No value for required variable", "variables.tf", 2, 1)]);

    let mut inputs = InputVariables::new();
    inputs.add_cli("name=web").unwrap();
    inputs.add_cli("size=3").unwrap();
    inputs.add_cli("zones=[\"x\"]").unwrap();
    let ev = Evaluator::new(&config, &inputs, "default").unwrap();
    let env = ev.root_variables.clone();
    assert_eq!(env["name"], Value::string("web"));
    assert_eq!(env["size"], Value::Number(3.0));
    assert_eq!(env["zones"], Value::List(vec![Value::string("x")]));
    assert!(env["password"].is_sensitive());
}

#[test]
fn variable_validation_failure_is_located_at_condition() {
    let config = load_ok(&[("variables.tf", VARIABLES)]);
    let mut inputs = InputVariables::new();
    inputs.add_cli("name=x").unwrap();
    inputs.add_cli("env=qa").unwrap();
    let errors = Evaluator::new(&config, &inputs, "default").err().unwrap();
    assert_located(&errors, &[at("Invalid value for variable", "variables.tf", 23, 21)]);
    assert!(errors.0[0].detail.contains("env must be dev or prod."));
}

#[test]
fn undeclared_variable_on_command_line_is_error_but_file_warns() {
    let dir = fixture(&[
        ("main.tf", "variable \"a\" { default = 1 }\n"),
        ("terraform.tfvars", "b = 2\n"),
    ]);
    let config = load(&dir).unwrap();
    let mut inputs = InputVariables::new();
    inputs.add_auto_files(&dir).unwrap();
    let ev = Evaluator::new(&config, &inputs, "default").unwrap();
    assert_eq!(ev.warnings().0.len(), 1);
    inputs.add_cli("c=1").unwrap();
    assert!(Evaluator::new(&config, &inputs, "default").is_err());
}

#[test]
fn wrong_type_and_non_nullable() {
    let config = load_main_tf("variable \"n\" { type = number }\nvariable \"s\" {\n  type = string\n  nullable = false\n  default = \"x\"\n}\n");
    let mut inputs = InputVariables::new();
    inputs.add_cli("n=abc").unwrap();
    let errors = Evaluator::new(&config, &inputs, "default").err().unwrap();
    assert_eq!(errors.0[0].summary, "Invalid value for input variable");
    assert_eq!(errors.0[0].location.as_ref().unwrap().line, 1);
}

const STACK: &str = r#"
variable "cidr" {
  type    = string
  default = "10.0.0.0/16"
}
locals {
  azs  = ["a", "b", "c"]
  name = "app-${terraform.workspace}"
  tags = { Name = local.name }
}
resource "aws_vpc" "main" {
  cidr_block = var.cidr
  tags       = local.tags
}
resource "aws_subnet" "private" {
  count      = length(local.azs)
  vpc_id     = aws_vpc.main.id
  cidr_block = cidrsubnet(var.cidr, 8, count.index)
  az         = local.azs[count.index]
}
resource "aws_security_group" "web" {
  for_each = toset(["http", "https"])
  name     = "${local.name}-${each.key}"
  vpc_id   = aws_vpc.main.id
  ingress {
    from_port = 80
    cidr_blocks = [aws_subnet.private[0].cidr_block]
  }
  ingress {
    from_port = 443
  }
  dynamic "egress" {
    for_each = { all = 0 }
    content {
      to_port = egress.value
      key     = egress.key
    }
  }
  lifecycle {
    create_before_destroy = true
  }
  depends_on = [aws_vpc.main]
}
output "vpc_id" {
  value = aws_vpc.main.id
}
output "subnet_ids" {
  value = aws_subnet.private[*].id
}
"#;

#[test]
fn expand_count_for_each_blocks_and_dynamic() {
    let config = load_ok(&[("main.tf", STACK)]);
    let ev = evaluator(&config, &[]);
    let vpc = one(&ev, &managed("aws_vpc", "main"));
    assert_eq!(vpc.get("cidr_block"), &Value::string("10.0.0.0/16"));
    assert_eq!(vpc.get("tags"), &Value::map([("Name", Value::string("app-default"))]));

    let subnets = ev.expand(&managed("aws_subnet", "private"), &NoResourceValues).unwrap();
    assert_eq!(subnets.len(), 3);
    assert_eq!(subnets[2].address.key, Some(InstanceKey::Index(2)));
    assert_eq!(subnets[2].value.get("cidr_block"), &Value::string("10.0.2.0/24"));
    assert_eq!(subnets[2].value.get("az"), &Value::string("c"));
    assert_eq!(subnets[0].value.get("vpc_id"), &Value::Unknown);
    assert!(subnets[0].value.as_map().unwrap().get("count").is_none());

    let mut values = BTreeMap::new();
    values.insert(
        managed("aws_vpc", "main"),
        ResourceValue::Single(Value::map([("id", Value::string("vpc-1"))])),
    );
    values.insert(
        managed("aws_subnet", "private"),
        ResourceValue::Counted(vec![Value::map([
            ("cidr_block", Value::string("10.0.0.0/24")),
            ("id", Value::string("s-0")),
        ])]),
    );
    let groups = ev.expand(&managed("aws_security_group", "web"), &values).unwrap();
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[0].address.key, Some(InstanceKey::Key("http".into())));
    let group = &groups[0].value;
    assert_eq!(group.get("name"), &Value::string("app-default-http"));
    assert_eq!(group.get("vpc_id"), &Value::string("vpc-1"));
    let ingress = group.get("ingress").as_list().unwrap();
    assert_eq!(ingress.len(), 2);
    assert_eq!(ingress[0].get("cidr_blocks"), &Value::List(vec![Value::string("10.0.0.0/24")]));
    let egress = group.get("egress").as_list().unwrap();
    assert_eq!(
        egress[0],
        Value::map([("to_port", Value::Number(0.0)), ("key", Value::string("all"))])
    );
    assert!(
        group.get("lifecycle").is_null()
            && group.get("depends_on").is_null()
            && group.get("for_each").is_null()
    );

    let outputs = ev.outputs(&values).unwrap();
    assert_eq!(outputs["vpc_id"].value, Value::string("vpc-1"));
    assert_eq!(outputs["subnet_ids"].value, Value::List(vec![Value::string("s-0")]));
}

/// A `dynamic` block that generates nothing is as no block written, as in Terraform (which
/// expands dynamic blocks before decoding): the argument is unset, so an Optional+Computed
/// block keeps what the object has, where `ingress = []` says "none".
#[test]
fn a_dynamic_block_that_generates_nothing_is_as_none_written() {
    let config = load_main_tf(
        r#"
resource "aws_security_group" "web" {
  dynamic "ingress" {
    for_each = []
    content {
      from_port = ingress.value
    }
  }
  egress = []
}
"#,
    );
    let ev = evaluator(&config, &[]);
    let group = one(&ev, &managed("aws_security_group", "web"));
    let object = group.as_map().unwrap();
    assert!(!object.contains_key("ingress"), "{group:?}");
    assert_eq!(group.get("egress"), &Value::List(vec![]));
}

#[test]
fn dependencies_are_transitive_through_locals() {
    let config = load_main_tf(
        r#"
resource "aws_vpc" "main" {}
data "aws_region" "current" {}
locals {
  vpc_id = aws_vpc.main.id
  both   = "${local.vpc_id}-${data.aws_region.current.name}"
}
resource "aws_subnet" "a" {
  vpc_id = local.both
}
resource "aws_eip" "b" {
  count      = length([for s in [aws_subnet.a] : s.id])
  depends_on = [aws_vpc.main]
}
"#,
    );
    let ev = evaluator(&config, &[]);
    let deps = ev.dependencies().unwrap();
    let region = ResourceId { mode: Mode::Data, ..managed("aws_region", "current") };
    assert_eq!(
        deps[&managed("aws_subnet", "a")],
        [managed("aws_vpc", "main"), region].into_iter().collect()
    );
    assert_eq!(
        deps[&managed("aws_eip", "b")],
        [managed("aws_subnet", "a"), managed("aws_vpc", "main")].into_iter().collect()
    );
    assert!(deps[&managed("aws_vpc", "main")].is_empty());
}

#[test]
fn undeclared_references_are_located() {
    let config = load_main_tf("resource \"aws_subnet\" \"a\" {\n  vpc_id = aws_vpc.nope.id\n  name   = local.nope\n  cidr   = var.nope\n}\n");
    let ev = evaluator(&config, &[]);
    let errors = ev.dependencies().unwrap_err();
    assert_located(
        &errors,
        &[
            at("Reference to undeclared resource", "main.tf", 2, 12),
            at("Reference to undeclared local value", "main.tf", 3, 12),
            at("Reference to undeclared input variable", "main.tf", 4, 12),
        ],
    );
    // The same errors come out of evaluation.
    let errors = ev.expand(&managed("aws_subnet", "a"), &NoResourceValues).unwrap_err();
    assert_eq!(located(&errors)[0], at("Reference to undeclared resource", "main.tf", 2, 12));
}

#[test]
fn local_cycle_is_an_error_naming_the_chain() {
    let config = load_main_tf("locals {\n  a = local.b\n  b = local.a\n}\nresource \"aws_vpc\" \"x\" {\n  name = local.a\n}\n");
    let ev = evaluator(&config, &[]);
    let errors = ev.dependencies().unwrap_err();
    assert_eq!(errors.0[0].summary, "Cycle in references");
    assert!(errors.0[0].detail.contains("local.a -> local.b -> local.a"), "{}", errors.0[0].detail);
    assert!(errors.0[0].location.is_some());
    assert!(ev.expand(&managed("aws_vpc", "x"), &NoResourceValues).is_err());
}

#[test]
fn count_and_for_each_errors_are_located() {
    let config = load_main_tf(
        r#"resource "aws_vpc" "main" {}
resource "aws_subnet" "unknown" {
  count = length(aws_vpc.main.ids)
}
resource "aws_subnet" "negative" {
  count = -1
}
resource "aws_subnet" "list" {
  for_each = ["a", "b"]
}
resource "aws_subnet" "secret" {
  for_each = sensitive(toset(["a"]))
}
resource "aws_subnet" "index" {
  name = ["a"][3]
}
resource "aws_subnet" "fn" {
  name = nosuch(1)
}
resource "aws_subnet" "types" {
  name = upper({})
}
resource "aws_subnet" "huge" {
  count = 1e12
}
"#,
    );
    let ev = evaluator(&config, &[]);
    let check = |name: &str, summary: &str, line: usize, column: usize, detail: &str| {
        let errors = ev.expand(&managed("aws_subnet", name), &NoResourceValues).unwrap_err();
        assert_eq!(
            located(&errors)[0],
            (summary.to_string(), "main.tf".to_string(), line, column),
            "{errors}"
        );
        assert!(errors.0[0].detail.contains(detail), "{}", errors.0[0].detail);
        assert_eq!(
            errors.0[0].address.as_deref().map(|a| a.starts_with("aws_subnet.")),
            Some(true)
        );
    };
    check("unknown", "Invalid count argument", 3, 11, "cannot be determined until apply");
    check("negative", "Invalid count argument", 6, 11, "non-negative");
    check("list", "Invalid for_each argument", 9, 14, "toset(");
    check("secret", "Invalid for_each argument", 12, 14, "Sensitive");
    check("index", "Invalid index", 15, 16, "out of range");
    check("fn", "Call to unknown function", 18, 10, "nosuch");
    check("types", "Invalid function argument", 21, 16, "string");
    check("huge", "Invalid count argument", 24, 11, "up to 100000");
}

#[test]
fn timeouts_are_durations_of_known_operations() {
    let errors = load_main_tf_err(
        r#"resource "aws_vpc" "main" {
  timeouts {
    create = "ten minutes"
    delete = "-5m"
    destroy = "5m"
    update = "1h30m"
  }
}
"#,
    );
    assert_eq!(
        located(&errors),
        vec![
            at("Invalid timeout value", "main.tf", 3, 5),
            at("Invalid timeout value", "main.tf", 4, 5),
            at("Unsupported argument", "main.tf", 5, 5),
        ],
        "{errors}"
    );
}

/// `validate` loads a module called with `for_each` or `count` once, before its instances are
/// known: as in Terraform's validate walk, `each` and `count.index` in the call's arguments are
/// unknown, not an error (terraform-aws-modules/ecs's service calls its container-definition
/// module with `for_each`).
#[test]
fn validate_reads_each_and_count_of_an_unexpanded_module_call_as_unknown() {
    let config = load_ok(&[
        (
            "main.tf",
            r#"module "each" {
  source   = "./child"
  for_each = { a = 1 }
  n        = each.value
  name     = each.key
}
module "counted" {
  source = "./child"
  count  = 2
  n      = count.index
  name   = "counted"
}
"#,
        ),
        (
            "child/main.tf",
            r#"variable "n" {
  type = number
}
variable "name" {
  type = string
}
resource "aws_vpc" "v" {
  cidr_block = "10.${var.n}.0.0/16"
  tags       = { Name = var.name }
}
"#,
        ),
    ]);
    let ev = Evaluator::for_validation(&config, "default").unwrap_or_else(|e| panic!("{e}"));
    for call in ["each", "counted"] {
        let id = ResourceId { module: vec![call.to_string()], ..managed("aws_vpc", "v") };
        let instances =
            ev.expand(&id, &NoResourceValues).unwrap_or_else(|e| panic!("module.{call}: {e}"));
        assert_eq!(instances[0].value.get("cidr_block"), &Value::Unknown, "{call}");
    }
}

/// terraform-aws-modules/alb and /ecs write `dynamic "timeouts"` over their `timeouts`
/// variable: it generates the block as Terraform does, none when the variable is null (the
/// object stores null, as without a block), and its content is checked as a block's.
#[test]
fn a_dynamic_timeouts_block_generates_the_timeouts() {
    let config = load_main_tf(
        r#"variable "timeouts" {
  type    = object({ create = optional(string), delete = optional(string) })
  default = null
}
resource "aws_lb" "this" {
  dynamic "timeouts" {
    for_each = var.timeouts != null ? [var.timeouts] : []
    content {
      create = timeouts.value.create
      delete = timeouts.value.delete
    }
  }
}
"#,
    );
    assert!(config.resources()[0].has_timeouts);
    let expand = |vars: &[&str]| {
        evaluator(&config, vars)
            .expand(&managed("aws_lb", "this"), &NoResourceValues)
            .unwrap_or_else(|e| panic!("{e}"))
            .remove(0)
    };
    let none = expand(&[]);
    assert_eq!(none.timeouts, None);
    assert!(none.value.get("timeouts").is_null(), "not an argument");
    let set = expand(&["timeouts={create = \"15m\"}"]);
    let texts: Vec<(&str, &str)> = set
        .configured_timeouts()
        .iter()
        .map(|(operation, timeout)| (operation.as_str(), timeout.text.as_str()))
        .collect();
    assert_eq!(texts, [("create", "15m")]);
    assert!(set.value.get("timeouts").is_null(), "not an argument");

    let errors = load_main_tf_err(
        r#"resource "aws_lb" "this" {
  dynamic "timeouts" {
    for_each = [1]
    content {
      creation = "5m"
    }
  }
}
"#,
    );
    assert!(errors.to_string().contains("Unsupported argument"), "{errors}");
}

/// terraform-aws-modules write `create = lookup(var.timeouts, "create", null)`: timeouts are
/// evaluated with each instance, a null one sets nothing, and a bad value is located.
#[test]
fn timeouts_are_evaluated_for_each_instance() {
    let config = load_main_tf(
        r#"variable "timeouts" {
  type    = map(string)
  default = {}
}
resource "aws_db_instance" "db" {
  for_each = { a = "40m", b = null }
  timeouts {
    create = each.value
    delete = lookup(var.timeouts, "delete", null)
  }
}
resource "aws_vpc" "bad" {
  timeouts {
    create = "${var.timeouts["x"]}"
    update = 5
  }
}
"#,
    );
    let ev = evaluator(&config, &["timeouts={delete = \"2h\"}"]);
    let instances = ev
        .expand(&managed("aws_db_instance", "db"), &NoResourceValues)
        .unwrap_or_else(|e| panic!("{e}"));
    let durations = |timeouts: &BTreeMap<String, crate::Timeout>| -> Vec<(String, u64)> {
        timeouts
            .iter()
            .map(|(operation, timeout)| (operation.clone(), timeout.duration.as_secs() / 60))
            .collect()
    };
    assert_eq!(
        durations(instances[0].configured_timeouts()),
        [("create".into(), 40), ("delete".into(), 120)]
    );
    assert_eq!(durations(instances[1].configured_timeouts()), [("delete".into(), 120)]);
    assert_eq!(instances[1].configured_timeouts()["delete"].text, "2h");
    let ev = evaluator(&config, &["timeouts={x = \"soon\"}"]);
    let errors = ev.expand(&managed("aws_vpc", "bad"), &NoResourceValues).unwrap_err();
    assert_eq!(
        located(&errors),
        vec![
            at("Invalid timeout value", "main.tf", 14, 14),
            at("Invalid timeout value", "main.tf", 15, 14),
        ],
        "{errors}"
    );
}

#[test]
fn sensitive_output_must_be_declared() {
    let config = load_main_tf("variable \"p\" {\n  sensitive = true\n  default = \"x\"\n}\noutput \"leak\" {\n  value = \"${var.p}!\"\n}\noutput \"ok\" {\n  value = var.p\n  sensitive = true\n}\noutput \"len\" {\n  value = nonsensitive(length(var.p))\n}\n");
    let ev = evaluator(&config, &[]);
    let errors = ev.outputs(&NoResourceValues).unwrap_err();
    assert_located(&errors, &[at("Output refers to sensitive values", "main.tf", 5, 1)]);
    let config = load_main_tf("variable \"p\" {\n  sensitive = true\n  default = \"x\"\n}\noutput \"ok\" {\n  value = var.p\n  sensitive = true\n}\n");
    let ev = evaluator(&config, &[]);
    let outputs = ev.outputs(&NoResourceValues).unwrap();
    assert!(outputs["ok"].sensitive && outputs["ok"].value.is_sensitive());
}

/// A provider block is handed to its provider evaluated: the language reads `alias` and
/// nothing else, so an argument no provider knows is the provider's to refuse.
#[test]
fn provider_blocks_are_evaluated_for_their_provider() {
    let config = load_main_tf("variable \"region\" { default = \"eu-west-1\" }\nprovider \"aws\" {\n  region = var.region\n  default_tags {\n    tags = { Team = \"infra\", Env = terraform.workspace }\n  }\n}\nprovider \"aws\" {\n  alias = \"west\"\n  anything = 1\n}\n");
    let mut inputs = InputVariables::new();
    inputs.add_environment([("TF_VAR_region".to_string(), "us-east-1".to_string())]);
    let ev = Evaluator::new(&config, &inputs, "prod").unwrap();
    let blocks = ev.provider_blocks().unwrap();
    let addresses: Vec<String> = blocks.iter().map(|b| b.address()).collect();
    assert_eq!(addresses, ["aws", "aws.west"]);
    let region = &blocks[0].body.arguments[0];
    assert_eq!((region.name.as_str(), &region.value), ("region", &Value::string("us-east-1")));
    let tags = &blocks[0].body.blocks[0];
    assert_eq!(tags.name, "default_tags");
    assert_eq!(tags.body.arguments[0].value.get("Env"), &Value::string("prod"));
    assert_eq!(blocks[1].body.arguments[0].name, "anything");
    assert!(evaluator(&load_main_tf(""), &[]).provider_blocks().unwrap().is_empty());

    let twice =
        load_main_tf("provider \"aws\" {}\nprovider \"aws\" {\n  region = \"us-east-1\"\n}\n");
    let errors = evaluator(&twice, &[]).provider_blocks().unwrap_err();
    assert_located(&errors, &[at("Duplicate provider configuration", "main.tf", 2, 1)]);
}

/// Provider configuration may read an ephemeral value (Terraform 1.10): the ephemeral
/// resources each provider block reads are named, so that they are opened before the provider
/// is configured, and the blocks are evaluated again with their values. Not opened, the value
/// is unknown (as `validate` sees it). The static check lets the value in.
#[test]
fn provider_blocks_read_ephemeral_resources_once_opened() {
    let config = load_main_tf("ephemeral \"random_password\" \"session\" {\n  length  = 16\n  special = false\n}\nephemeral \"aws_ssm_parameter\" \"role\" {\n  arn = \"arn:aws:ssm:us-east-1:123456789012:parameter/role\"\n}\nprovider \"aws\" {\n  region = \"us-east-1\"\n}\nprovider \"aws\" {\n  alias = \"target\"\n  assume_role {\n    role_arn     = ephemeral.aws_ssm_parameter.role.value\n    session_name = \"s-${ephemeral.random_password.session.result}\"\n  }\n}\n");
    assert!(!crate::ephemeral::check(&config, &infra_core::Registry::new()).has_errors());
    let ev = evaluator(&config, &[]);
    let reads = ev.provider_ephemeral_reads().unwrap();
    let ephemeral = |ty: &str, name: &str| ResourceId {
        module: vec![],
        mode: Mode::Ephemeral,
        resource_type: ty.into(),
        name: name.into(),
    };
    assert_eq!(
        reads.into_iter().collect::<Vec<_>>(),
        vec![(
            "aws.target".to_string(),
            [ephemeral("aws_ssm_parameter", "role"), ephemeral("random_password", "session")]
                .into_iter()
                .collect()
        )]
    );
    let unopened = ev.provider_blocks().unwrap();
    let assume_role = &unopened[1].body.blocks[0].body.arguments;
    assert_eq!(assume_role[0].value, Value::Unknown);
    let mut values = BTreeMap::new();
    values.insert(
        ephemeral("random_password", "session"),
        ResourceValue::Single(Value::map([("result", Value::string("abc"))])),
    );
    values.insert(
        ephemeral("aws_ssm_parameter", "role"),
        ResourceValue::Single(Value::map([(
            "value",
            Value::string("arn:aws:iam::123456789012:role/r"),
        )])),
    );
    let opened = ev.provider_blocks_with(&values).unwrap();
    let assume_role = &opened[1].body.blocks[0].body.arguments;
    assert_eq!(
        (&assume_role[0].value, &assume_role[1].value),
        (&Value::string("arn:aws:iam::123456789012:role/r"), &Value::string("s-abc"))
    );
    assert_eq!(opened[0], unopened[0]);
}

/// As in Terraform, a relative path given to the path functions is relative to the working
/// directory (the root module's), in a child module too; `path.module` names the module's own.
/// A stack whose module calls `file("./modules/ecs/x.json")` reads the root's file.
#[test]
fn path_functions_resolve_relative_paths_from_the_working_directory() {
    let config = load_ok(&[
        ("main.tf", "module \"app\" {\n  source = \"./app\"\n  name = \"web\"\n}\noutput \"rendered\" {\n  value = module.app.rendered\n}\n"),
        ("app/main.tf", "variable \"name\" {}\noutput \"rendered\" {\n  value = \"${templatefile(\"${path.module}/t.tpl\", { name = var.name })}|${file(\"./app/f.txt\")}|${file(\"f.txt\")}|${fileexists(\"t.tpl\")}\"\n}\n"),
        ("app/t.tpl", "hello ${name}%{ if name == \"web\" }!%{ endif }"),
        ("app/f.txt", "the module's"),
        ("f.txt", "the root's"),
    ]);
    let ev = evaluator(&config, &[]);
    let outputs = ev.outputs(&NoResourceValues).unwrap();
    assert_eq!(
        outputs["rendered"].value,
        Value::string("hello web!|the module's|the root's|false")
    );
}

// ---- priority 5: modules ----

#[test]
fn modules_inputs_outputs_and_dependencies() {
    let config = load_ok(&[
        (
            "main.tf",
            r#"
resource "aws_vpc" "main" {}
module "net" {
  source = "./modules/net"
  vpc_id = aws_vpc.main.id
  cidrs  = ["10.0.1.0/24", "10.0.2.0/24"]
}
resource "aws_instance" "web" {
  subnet_id = module.net.subnet_ids[0]
}
resource "aws_eip" "after" {
  depends_on = [module.net]
}
output "ids" {
  value = module.net.subnet_ids
}
"#,
        ),
        (
            "modules/net/main.tf",
            r#"
variable "vpc_id" { type = string }
variable "cidrs" { type = list(string) }
resource "aws_subnet" "this" {
  count      = length(var.cidrs)
  vpc_id     = var.vpc_id
  cidr_block = var.cidrs[count.index]
}
module "inner" {
  source = "./inner"
}
output "subnet_ids" {
  value = aws_subnet.this[*].id
}
"#,
        ),
        ("modules/net/inner/main.tf", "resource \"aws_route\" \"r\" {}\n"),
    ]);
    assert_eq!(
        resource_addresses(&config),
        vec![
            "aws_vpc.main",
            "aws_instance.web",
            "aws_eip.after",
            "module.net.aws_subnet.this",
            "module.net.module.inner.aws_route.r",
        ]
    );
    let ev = evaluator(&config, &[]);
    let deps = ev.dependencies().unwrap();
    let subnet = ResourceId { module: vec!["net".into()], ..managed("aws_subnet", "this") };
    let route =
        ResourceId { module: vec!["net".into(), "inner".into()], ..managed("aws_route", "r") };
    assert_eq!(deps[&subnet], [managed("aws_vpc", "main")].into_iter().collect());
    assert_eq!(deps[&managed("aws_instance", "web")], [subnet.clone()].into_iter().collect());
    assert_eq!(deps[&managed("aws_eip", "after")], [subnet.clone(), route].into_iter().collect());

    let mut values = BTreeMap::new();
    values.insert(
        managed("aws_vpc", "main"),
        ResourceValue::Single(Value::map([("id", Value::string("vpc-9"))])),
    );
    let subnets = ev.expand(&subnet, &values).unwrap();
    assert_eq!(subnets.len(), 2);
    assert_eq!(subnets[1].value.get("vpc_id"), &Value::string("vpc-9"));
    assert_eq!(subnets[1].address.to_string(), "module.net.aws_subnet.this[1]");
    values.insert(
        subnet.clone(),
        ResourceValue::Counted(vec![
            Value::map([("id", Value::string("s-1"))]),
            Value::map([("id", Value::string("s-2"))]),
        ]),
    );
    let web = ev.expand(&managed("aws_instance", "web"), &values).unwrap();
    assert_eq!(web[0].value.get("subnet_id"), &Value::string("s-1"));
    let outputs = ev.outputs(&values).unwrap();
    assert_eq!(outputs["ids"].value, Value::List(vec![Value::string("s-1"), Value::string("s-2")]));
}

#[test]
fn module_missing_input_is_reported() {
    let config = load_ok(&[
        ("main.tf", "module \"m\" {\n  source = \"./m\"\n  extra = 1\n}\n"),
        ("m/main.tf", "variable \"needed\" {}\n"),
    ]);
    let ev = evaluator(&config, &[]);
    let errors = ev.dependencies().unwrap_err();
    let summaries: Vec<String> = errors.iter().map(|d| d.summary.clone()).collect();
    assert!(summaries.contains(&"Unsupported argument".to_string()), "{errors}");
    assert!(summaries.contains(&"Missing required argument".to_string()), "{errors}");
}

// ---- priority 4: schemas and locations ----

/// A schema-only data source, `fake_thing`, whose read returns its configuration.
pub(crate) mod fake_provider {
    use infra_core::{Attribute, Block, DataSourceType, ProviderError, Schema, Type, Value};
    use std::future::Future;
    use std::pin::Pin;

    pub struct Thing(pub Schema);

    impl DataSourceType for Thing {
        fn name(&self) -> &'static str {
            "fake_thing"
        }
        fn schema(&self) -> &Schema {
            &self.0
        }
        fn read<'life0, 'life1, 'async_trait>(
            &'life0 self,
            config: &'life1 Value,
        ) -> Pin<Box<dyn Future<Output = Result<Value, ProviderError>> + Send + 'async_trait>>
        where
            'life0: 'async_trait,
            'life1: 'async_trait,
            Self: 'async_trait,
        {
            let config = config.clone();
            Box::pin(async move { Ok(config) })
        }
    }

    pub fn schema() -> Schema {
        Schema::new()
            .attr(Attribute::required("cidr_block", Type::String))
            .attr(Attribute::optional("name", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .block(Block::list(
                "ingress",
                Schema::new().attr(Attribute::required("from_port", Type::Number)),
            ))
    }
}

#[test]
fn validate_schemas_reports_each_kind() {
    let config = load_main_tf(
        r#"data "fake_thng" "typo" {}
data "fake_thing" "x" {
  count = 1
  nmae  = "x"
  arn   = "arn:x"
  ingress = []
  name {
  }
  ingress {
  }
  dynamic "ingress" {
    for_each = [1]
    content {
      from_port = 1
      bogus     = 2
    }
  }
}
"#,
    );
    let mut registry = infra_core::Registry::new();
    registry
        .register_data_source(std::sync::Arc::new(fake_provider::Thing(fake_provider::schema())));
    let errors = config.validate_schemas(&registry);
    let got = located(&errors);
    assert_eq!(got[0], at("Invalid data source", "main.tf", 1, 1));
    assert!(errors.0[0].detail.contains("Did you mean \"fake_thing\"?"));
    assert_eq!(got[1], at("Unsupported argument", "main.tf", 4, 3));
    assert!(errors.0[1].detail.contains("Did you mean \"name\"?"));
    assert_eq!(got[2], at("Value for unconfigurable attribute", "main.tf", 5, 3));
    assert_eq!(got[3], at("Unsupported argument", "main.tf", 6, 3));
    assert!(errors.0[3].detail.contains("block of type \"ingress\""));
    assert_eq!(got[4], at("Unsupported block type", "main.tf", 7, 3));
    assert_eq!(got[5], at("Missing required argument", "main.tf", 9, 3));
    assert_eq!(got[6], at("Unsupported argument", "main.tf", 15, 7));
    assert_eq!(got[7], at("Missing required argument", "main.tf", 2, 1));
    assert_eq!(got.len(), 8, "{errors}");
}

#[test]
fn location_of_attribute_paths() {
    let config = load_main_tf("resource \"aws_security_group\" \"web\" {\n  name = \"x\"\n  ingress {\n    from_port = 1\n  }\n  ingress {\n    from_port = 70000\n    cidr_blocks = [\"a\", \"10.0.0.0/33\"]\n  }\n}\n");
    let id = managed("aws_security_group", "web");
    let at = |path: &str| config.location_of(&id, path).map(|l| (l.line, l.column));
    assert_eq!(at("name"), Some((2, 3)));
    assert_eq!(at("ingress[1].from_port"), Some((7, 5)));
    assert_eq!(at("ingress[1].cidr_blocks[1]"), Some((8, 25)));
    assert_eq!(at("ingress[0]"), Some((3, 3)));
    assert_eq!(at("missing"), Some((1, 1)));
    assert!(config.location_of(&managed("aws_vpc", "none"), "x").is_none());
}

#[test]
fn load_backend_reads_only_the_files_that_mention_a_backend() {
    let dir = fixture(&[
        (
            "backend.tf",
            "terraform {\n  backend \"s3\" {\n    bucket = \"state\"\n    key = \"app.json\"\n  }\n}\n",
        ),
        // Broken, but it has no backend block, so it is not parsed.
        ("main.tf", "resource \"aws_lb\" \"backend\" {\n  name = aws_lb.backend.arn\n"),
        ("modules/child/main.tf", "terraform {\n  backend \"local\" {}\n}\n"),
    ]);
    let backend = load_backend(&dir).expect("only backend.tf is parsed").expect("a backend");
    assert_eq!(backend.kind, "s3");
    assert_eq!(backend.settings["bucket"], Value::string("state"));
    assert!(load(&dir).is_err(), "the whole configuration is broken");

    let none = fixture(&[("main.tf", "resource \"aws_vpc\" \"main\" {\n")]);
    assert_eq!(load_backend(&none).expect("nothing parsed"), None);

    let broken = fixture(&[("backend.tf", "terraform {\n  backend \"s3\" {\n")]);
    let errors = load_backend(&broken).expect_err("a broken backend file is an error");
    assert!(errors.to_string().contains("backend.tf:"), "{errors}");
}

/// Terraform 1.15's `deprecated`: a caller that sets a deprecated variable, and an expression
/// that reads a deprecated output, are warned where they are written; a null argument and an
/// unread output are quiet; a root module output cannot be deprecated.
#[test]
fn deprecated_variables_and_outputs_warn_their_callers() {
    let child = (
        "modules/logs/main.tf",
        r#"
variable "versioning" {
  type       = bool
  default    = null
  deprecated = "Set retention instead."
}

variable "retention" {
  default = {}
}

output "bucket_id" {
  value      = "b"
  deprecated = "Use the name output instead."
}

output "name" {
  value = "n"
}
"#,
    );
    let config = load_ok(&[
        (
            "main.tf",
            r#"
module "logs" {
  source     = "./modules/logs"
  versioning = true
}

module "quiet" {
  source     = "./modules/logs"
  versioning = null
}

output "bucket" {
  value = module.logs.bucket_id
}

output "name" {
  value = module.quiet.name
}
"#,
        ),
        child,
    ]);
    let warnings: Vec<(String, String, usize)> = config
        .warnings()
        .iter()
        .map(|d| {
            let location = d.location.as_ref().expect("located");
            (d.summary.clone(), d.detail.clone(), location.line)
        })
        .collect();
    assert_eq!(
        warnings,
        vec![
            (
                "Deprecated variable got a value".to_string(),
                "Set retention instead.".to_string(),
                4
            ),
            (
                "Deprecated value used".to_string(),
                "The deprecation originates from module.logs.bucket_id\n\nUse the name output instead."
                    .to_string(),
                13
            ),
        ]
    );

    let errors =
        load_main_tf_err("output \"id\" {\n  value      = \"x\"\n  deprecated = \"gone\"\n}\n");
    assert_located(&errors, &[at("Root module output deprecated", "main.tf", 3, 16)]);
}

/// `ignore_nested_deprecations = true` on a module call quiets the deprecation warnings from
/// within the called module (here, its read of a deprecated output of its own child).
#[test]
fn ignore_nested_deprecations_quiets_the_called_module() {
    let logs = (
        "modules/logs/main.tf",
        "output \"bucket_id\" {\n  value      = \"b\"\n  deprecated = \"Use name.\"\n}\n",
    );
    let wrapper = (
        "modules/wrapper/main.tf",
        "module \"logs\" {\n  source = \"../logs\"\n}\n\noutput \"id\" {\n  value = module.logs.bucket_id\n}\n",
    );
    let quiet = load_ok(&[
        (
            "main.tf",
            "module \"wrapper\" {\n  source                     = \"./modules/wrapper\"\n  ignore_nested_deprecations = true\n}\n",
        ),
        wrapper,
        logs,
    ]);
    assert!(quiet.warnings().is_empty(), "{}", quiet.warnings());
    let loud = load_ok(&[
        ("main.tf", "module \"wrapper\" {\n  source = \"./modules/wrapper\"\n}\n"),
        wrapper,
        logs,
    ]);
    assert_eq!(
        loud.warnings().iter().map(|d| d.summary.clone()).collect::<Vec<_>>(),
        vec!["Deprecated value used".to_string()]
    );
    let errors = load_err(&[(
        "main.tf",
        "variable \"on\" {\n  default = true\n}\nmodule \"wrapper\" {\n  source                     = \"./modules/wrapper\"\n  ignore_nested_deprecations = var.on\n}\n",
    ), wrapper, logs]);
    assert_eq!(
        located(&errors)[0],
        at("Invalid value for ignore_nested_deprecations", "main.tf", 6, 32)
    );
}

/// Terraform 1.15's output `type`: the value is converted to it (optional attributes and
/// defaults included); a value that does not fit is an error at the value expression.
#[test]
fn an_output_type_converts_its_value() {
    let config = load_main_tf("output \"port\" {\n  type  = number\n  value = \"8080\"\n}\n\noutput \"app\" {\n  type  = object({ name = optional(string, \"web\") })\n  value = {}\n}\n");
    let ev = evaluator(&config, &[]);
    let outputs = ev.outputs(&NoResourceValues).unwrap();
    assert_eq!(outputs["port"].value, Value::Number(8080.0));
    assert_eq!(outputs["app"].value, Value::map([("name", Value::string("web"))]));
    let config = load_main_tf("output \"port\" {\n  type  = number\n  value = \"eighty\"\n}\n");
    let ev = evaluator(&config, &[]);
    let errors = ev.outputs(&NoResourceValues).unwrap_err();
    assert_located(&errors, &[at("Invalid output value", "main.tf", 3, 11)]);
}

/// Nothing in a `variable`, `output` or `lifecycle` block is ignored silently: an argument or
/// block the language does not have there is Terraform's error, with the likely name.
#[test]
fn unknown_arguments_of_variable_output_and_lifecycle_are_errors() {
    let errors = load_main_tf_err("variable \"a\" {\n  defualt = 1\n  const   = true\n}\n\noutput \"b\" {\n  value     = 1\n  sensitiv = true\n}\n\nresource \"aws_vpc\" \"c\" {\n  lifecycle {\n    prevent_destory = true\n    destroy         = false\n  }\n}\n");
    let found: Vec<(String, usize)> = errors
        .iter()
        .map(|d| (d.detail.clone(), d.location.as_ref().map(|l| l.line).unwrap_or(0)))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "An argument named \"defualt\" is not expected here. Did you mean \"default\"?"
                    .to_string(),
                2
            ),
            (
                "An argument named \"sensitiv\" is not expected here. Did you mean \"sensitive\"?"
                    .to_string(),
                8
            ),
            (
                "An argument named \"prevent_destory\" is not expected here. Did you mean \"prevent_destroy\"?"
                    .to_string(),
                13
            ),
        ]
    );
}

/// Lends nothing: every reference copies the whole resource value, as before `get_part`.
struct CopiedWhole<'a>(&'a BTreeMap<ResourceId, ResourceValue>);

impl ResourceValues for CopiedWhole<'_> {
    fn get(&self, id: &ResourceId) -> Option<ResourceValue> {
        self.0.get(id).cloned()
    }
}

#[test]
fn a_reference_that_follows_a_lent_value_means_what_a_copied_one_does() {
    let references = [
        "aws_vpc.main.id",
        "aws_vpc.main",
        "aws_vpc.main.tags.Name",
        "aws_vpc.main.tags[\"Name\"]",
        "aws_vpc.main.missing",
        "aws_vpc.main.nested[1].port",
        "aws_vpc.main.nested[*].port",
        "aws_vpc.main.nested.0.port",
        "aws_vpc.main.secret",
        "aws_vpc.main.unknown.deeper",
        "aws_subnet.counted[1].id",
        "aws_subnet.counted[*].id",
        "aws_subnet.counted.1.id",
        "aws_subnet.keyed[\"a\"].id",
        "aws_subnet.keyed.b.id",
        "aws_subnet.keyed",
        "data.aws_region.current.name",
        "aws_subnet.counted[5].id",
        "aws_subnet.keyed[\"z\"].id",
        "aws_vpc.main.nested[7]",
        "aws_vpc.main.id.deeper",
    ];
    let resources = r#"
resource "aws_vpc" "main" {}
resource "aws_subnet" "counted" {
  count = 2
}
resource "aws_subnet" "keyed" {
  for_each = toset(["a", "b"])
}
data "aws_region" "current" {}
"#;
    let subnet = |id: &str| Value::map([("id", Value::string(id))]);
    let mut values = BTreeMap::new();
    values.insert(
        managed("aws_vpc", "main"),
        ResourceValue::Single(Value::map([
            ("id", Value::string("vpc-1")),
            ("tags", Value::map([("Name", Value::string("main"))])),
            (
                "nested",
                Value::List(vec![
                    Value::map([("port", Value::Number(80.0))]),
                    Value::map([("port", Value::Number(443.0))]),
                ]),
            ),
            ("secret", Value::string("hush").mark_sensitive()),
            ("unknown", Value::Unknown),
        ])),
    );
    values.insert(
        managed("aws_subnet", "counted"),
        ResourceValue::Counted(vec![subnet("s-0"), subnet("s-1")]),
    );
    values.insert(
        managed("aws_subnet", "keyed"),
        ResourceValue::Keyed(BTreeMap::from([
            ("a".to_string(), subnet("s-a")),
            ("b".to_string(), subnet("s-b")),
        ])),
    );
    let region = ResourceId {
        module: vec![],
        mode: Mode::Data,
        resource_type: "aws_region".into(),
        name: "current".into(),
    };
    values
        .insert(region, ResourceValue::Single(Value::map([("name", Value::string("eu-west-1"))])));
    // Each reference in a configuration of its own, so that one failing does not hide another.
    for (i, reference) in references.iter().enumerate() {
        let config = load_ok(&[(
            "main.tf",
            &format!(
                "{resources}\noutput \"o\" {{\n  value     = {reference}\n  sensitive = true\n}}\n"
            ),
        )]);
        let ev = evaluator(&config, &[]);
        let lent = ev.outputs(&values).map(|o| o["o"].value.clone());
        let copied = ev.outputs(&CopiedWhole(&values)).map(|o| o["o"].value.clone());
        assert_eq!(format!("{lent:?}"), format!("{copied:?}"), "{reference}");
        // The last four fail: out of range, no such key, no such element, no attributes.
        assert_eq!(lent.is_err(), i >= references.len() - 4, "{reference}: {lent:?}");
    }
}

// ---- provisioners ----

#[test]
fn provisioners_are_checked_when_loaded_and_located() {
    let errors = load_main_tf_err(
        r#"variable "bucket" {
  type    = string
  default = "b"
}

resource "null_resource" "a" {
  provisioner "remote-exec" {
    inline = ["true"]
  }
  provisioner "local-exec" {
    comand = "true"
  }
  provisioner "local-exec" {
    command = "true"
    when    = later
  }
  provisioner "local-exec" {
    when    = destroy
    command = "aws s3 rm s3://${var.bucket} --recursive ${each.value}"
  }
  provisioner "chef" {}
  provisioner "local-exec" {
    when    = destroy
    command = "echo each.value is only text here: ${each.key}"
  }
}
"#,
    );
    assert_located(
        &errors,
        &[
            at("Provisioner not supported", "main.tf", 7, 3),
            at("Unsupported argument", "main.tf", 11, 5),
            at("Missing required argument", "main.tf", 10, 3),
            at("Invalid \"when\" keyword", "main.tf", 15, 15),
            at("Invalid reference from destroy provisioner", "main.tf", 19, 33),
            at("Invalid reference from destroy provisioner", "main.tf", 19, 59),
            at("The \"chef\" provisioner has been removed", "main.tf", 21, 3),
        ],
    );
    assert!(errors.to_string().contains("Did you mean \"command\"?"), "{errors}");
}

#[test]
fn provisioners_are_evaluated_with_self_for_their_moment() {
    let config = load_main_tf(
        r#"variable "tag" {
  type    = string
  default = "v1"
}

variable "token" {
  type      = string
  default   = "t0ken"
  sensitive = true
}

resource "null_resource" "image" {
  count = 2
  provisioner "local-exec" {
    command     = "docker push repo:${var.tag}-${count.index}-${self.id}"
    environment = { TOKEN = var.token, EMPTY = null }
    on_failure  = continue
  }
  provisioner "local-exec" {
    when        = "destroy"
    command     = "echo gone ${self.id}"
    interpreter = ["/bin/bash", "-c"]
    working_dir = path.module
    quiet       = true
  }
}
"#,
    );
    let ev = evaluator(&config, &[]);
    let address = managed("null_resource", "image").instance(Some(InstanceKey::Index(1)));
    let created = Value::map([("id", Value::string("42"))]);
    // The one provisioner that runs at `when`.
    let only_at = |when| {
        let mut found = ev
            .provisioners(&address, &NoResourceValues, when, &created)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(found.len(), 1);
        found.remove(0)
    };
    let push = only_at(When::Create);
    assert_eq!(push.command, "docker push repo:v1-1-42");
    assert_eq!(push.interpreter, ["/bin/sh", "-c"]);
    assert_eq!(push.environment, [("TOKEN".to_string(), "t0ken".to_string())]);
    assert!(push.continue_on_failure && push.sensitive && !push.quiet);
    let gone = only_at(When::Destroy);
    assert_eq!(gone.command, "echo gone 42");
    assert_eq!(gone.interpreter, ["/bin/bash", "-c"]);
    assert!(gone.quiet && !gone.sensitive && !gone.continue_on_failure);
    let module_dir = config.modules[0].dir.display().to_string();
    assert_eq!(gone.working_dir.as_deref(), Some(module_dir.as_str()));
    assert!(config.warnings().iter().any(|w| w.summary == "Quoted keywords are deprecated"));
}

#[test]
fn a_creation_time_provisioner_depends_on_what_it_refers_to() {
    let config = load_main_tf(
        r#"resource "null_resource" "repo" {}

resource "null_resource" "push" {
  provisioner "local-exec" {
    command = "push ${null_resource.repo.id}"
  }
}

resource "null_resource" "cleanup" {
  provisioner "local-exec" {
    when    = destroy
    command = "echo ${self.id}"
  }
}
"#,
    );
    let ev = evaluator(&config, &[]);
    let dependencies = ev.dependencies().unwrap_or_else(|e| panic!("{e}"));
    let repo = managed("null_resource", "repo");
    assert!(dependencies[&managed("null_resource", "push")].contains(&repo));
    assert!(dependencies[&managed("null_resource", "cleanup")].is_empty());
}

/// Terraform 1.16: an `import` block in a child module imports into that module, once per
/// instance of it, with the instance's variables; a block in the calling module that targets
/// the same resource takes the child's place.
#[test]
fn import_blocks_in_child_modules_import_into_each_instance() {
    let dir = fixture(&[
        (
            "main.tf",
            r#"
module "one" {
  source = "./child"
  tag    = "one"
}

module "many" {
  source = "./child"
  count  = 2
  tag    = "many-${count.index}"
}

module "overridden" {
  source = "./child"
  tag    = "child-id"
}

import {
  to = module.overridden.random_string.s
  id = "from-root"
}
"#,
        ),
        (
            "child/main.tf",
            r#"
variable "tag" {
  type = string
}

resource "random_string" "s" {
  length = 8
}

import {
  to = random_string.s
  id = "id-${var.tag}"
}
"#,
        ),
    ]);
    let config = load(&dir).unwrap_or_else(|errors| panic!("{errors}"));
    let instances =
        evaluator(&config, &[]).module_instances().unwrap_or_else(|errors| panic!("{errors}"));
    let resolved = Resolved { instances, ..Resolved::default() };
    let config = load_with(&dir, &resolved).unwrap_or_else(|e| panic!("{e}"));
    let targets = evaluator(&config, &[]).imports().unwrap_or_else(|errors| panic!("{errors}"));
    let mut found: Vec<(String, String)> =
        targets.iter().map(|t| (t.to.to_string(), t.id.clone())).collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("module.many[0].random_string.s", "id-many-0"),
            ("module.many[1].random_string.s", "id-many-1"),
            ("module.one.random_string.s", "id-one"),
            ("module.overridden.random_string.s", "from-root"),
        ]
        .map(|(to, id)| (to.to_string(), id.to_string()))
    );
}

/// The configuration in `dir` loaded again until every module source written as an expression
/// is evaluated (what `infra init` and `plan` do), with these `-var`s.
fn load_resolving_sources(dir: &std::path::Path, vars: &[&str]) -> Result<Config, Diagnostics> {
    let mut inputs = InputVariables::new();
    for v in vars {
        inputs.add_cli(v).unwrap();
    }
    let mut config = load(dir)?;
    let mut known = Resolved::default();
    for _ in 0..16 {
        let sources = Evaluator::for_init(&config, &inputs, "default")?.module_sources()?;
        if sources == known.sources {
            break;
        }
        known.sources = sources;
        config = load_with(dir, &known)?;
    }
    Ok(config)
}

fn module_source_stack(flavour_variable: &str) -> PathBuf {
    fixture(&[
        (
            "main.tf",
            &format!(
                r#"
{flavour_variable}

locals {{
  modules = "./modules"
}}

module "app" {{
  source = "${{local.modules}}/${{var.flavour}}"
  size   = 3
}}
"#
            ),
        ),
        (
            "modules/small/main.tf",
            r#"
variable "size" {
  type = number
}

variable "inner" {
  type    = string
  const   = true
  default = "leaf"
}

resource "random_string" "s" {
  length = var.size
}

module "leaf" {
  source = "./${var.inner}"
}
"#,
        ),
        ("modules/small/leaf/main.tf", "resource \"random_id\" \"r\" {\n  byte_length = 4\n}\n"),
        ("modules/large/main.tf", "variable \"size\" {}\n\nresource \"random_pet\" \"p\" {}\n"),
    ])
}

fn resource_addresses(config: &Config) -> Vec<String> {
    config.resources().iter().map(|r| r.id.to_string()).collect()
}

#[test]
fn module_sources_from_constant_variables_and_locals_load_their_modules() {
    let dir = module_source_stack(
        "variable \"flavour\" {\n  type    = string\n  const   = true\n  default = \"small\"\n}",
    );
    // Loaded once, the call whose source is an expression has no module yet.
    assert!(resource_addresses(&load(&dir).unwrap()).is_empty());
    let config = load_resolving_sources(&dir, &[]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        resource_addresses(&config),
        ["module.app.random_string.s", "module.app.module.leaf.random_id.r"]
    );
    let config = load_resolving_sources(&dir, &["flavour=large"]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(resource_addresses(&config), ["module.app.random_pet.p"]);
}

#[test]
fn a_module_source_from_a_variable_not_marked_const_is_an_error() {
    let dir =
        module_source_stack("variable \"flavour\" {\n  type    = string\n  default = \"small\"\n}");
    let Err(errors) = load_resolving_sources(&dir, &[]) else {
        panic!("the source should be refused")
    };
    let error = errors.iter().next().unwrap();
    assert_eq!(error.summary, "Invalid module source");
    assert!(
        error.detail.contains("unknown during init")
            && error.detail.contains("constant variables (with const = true)"),
        "{}",
        error.detail
    );
    assert_eq!(located(&errors)[0].1, "main.tf");
}

#[test]
fn a_module_source_may_refer_only_to_variables_and_locals() {
    let errors = load_main_tf_err(
        r#"
resource "random_pet" "p" {}

module "app" {
  source  = "./modules/${random_pet.p.id}"
  version = data.x.y.version
}
"#,
    );
    let details: Vec<_> = errors.iter().map(|d| (d.summary.as_str(), d.detail.as_str())).collect();
    assert_eq!(
        details,
        [
            (
                "Invalid module source",
                "The module source can only reference constant input variables and local values."
            ),
            (
                "Invalid module version",
                "The module version can only reference constant input variables and local values."
            ),
        ]
    );
}

#[test]
fn a_const_variable_cannot_be_sensitive_or_ephemeral() {
    let errors = load_main_tf_err("variable \"a\" {\n  const     = true\n  sensitive = true\n}\n\nvariable \"b\" {\n  const     = true\n  ephemeral = true\n}\n");
    let summaries: Vec<_> = errors.iter().map(|d| d.summary.as_str()).collect();
    assert_eq!(
        summaries,
        ["Const variable cannot be sensitive", "Const variable cannot be ephemeral"]
    );
}

#[test]
fn provisioners_of_a_removed_block_are_destroy_time_ones_of_a_managed_resource() {
    let errors = load_main_tf_err(
        r#"
removed {
  from = module.old

  provisioner "local-exec" {
    when    = destroy
    command = "echo gone"
  }
}

removed {
  from = aws_vpc.gone

  provisioner "local-exec" {
    command = "echo made"
  }
}
"#,
    );
    let found: Vec<_> = errors
        .iter()
        .map(|d| (d.summary.as_str(), d.detail.lines().next().unwrap_or_default()))
        .collect();
    assert_eq!(
        found,
        [
            (
                "Invalid provisioner block",
                "Provisioners are valid only when a removed block targets a managed resource."
            ),
            (
                "Invalid provisioner block",
                "Only destroy-time provisioners are valid in \"removed\" blocks. To declare a destroy-time provisioner, use:"
            ),
        ]
    );
    assert_eq!(located(&errors).iter().map(|l| l.2).collect::<Vec<_>>(), [5, 14]);
}

/// The legacy shorthands `type = list` and `type = map` (Terraform 1.x still takes them, as
/// `list(any)` and `map(any)`) load, and a value is converted as for those types: the list's
/// numbers and strings unify to strings. `type = set` is not a shorthand Terraform takes.
#[test]
fn legacy_list_and_map_type_shorthands_load_and_convert() {
    let config = load_main_tf(
        r#"variable "zones" {
  type    = list
  default = ["a", 1]
}
variable "tags" {
  type    = map
  default = { Team = "web" }
}
resource "aws_vpc" "v" {
  cidr_block = "10.0.0.0/16"
  tags       = merge(var.tags, { Zone = var.zones[1] })
}
"#,
    );
    let ev = evaluator(&config, &[]);
    let vpc = one(&ev, &managed("aws_vpc", "v"));
    assert_eq!(
        vpc.get("tags"),
        &Value::map([("Team", Value::string("web")), ("Zone", Value::string("1"))])
    );
    let errors = load_main_tf_err("variable \"s\" {\n  type = set\n}\n");
    assert!(errors.to_string().contains("Invalid type specification"), "{errors}");
}
