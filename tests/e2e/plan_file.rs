//! Audit-grade plan files (issue 5): `show -json` is Terraform's plan representation, checkov
//! reads it, sensitive values never leave the process, JSON-in-string attributes diff line by
//! line, and `show FILE` renders the same plan as `plan` did (as text or as Markdown).
//!
//! "apply FILE refuses a stale plan" is covered by `lifecycle.rs`.

use std::process::Command;

use infra_testkit::{repo_root, Moto, Run, Stack};
use serde_json::Value as Json;

use super::{apply_run, assert_contains, has_plan_line, infra, infra_with_password};

/// Insta filters for what moto generates anew on every run.
fn filters() -> Vec<(&'static str, &'static str)> {
    vec![
        (r"arn:aws:[^\x22\s]+", "[ARN]"),
        (r"\b(vpc|subnet|sg|rtb|igw|nat|eni|eipalloc)-[0-9a-f]{8,17}\b", "[ID]"),
        (r"/tmp/[^\s\x22]+", "[PATH]"),
    ]
}

/// The plan text without the "Saved the plan to" trailer that only `plan -out` prints.
fn plan_part(run: &Run) -> &str {
    run.stdout.split("\nSaved the plan to:").next().unwrap_or_default()
}

/// The block of one resource in a human plan: from its `# ADDRESS` comment to its closing brace.
fn resource_block<'a>(text: &'a str, address: &str) -> &'a str {
    let start = text
        .find(&format!("# {address} "))
        .unwrap_or_else(|| panic!("no block for {address} in\n{text}"));
    let start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let end = text[start..]
        .find("\n    }\n")
        .map(|i| start + i + "\n    }\n".len())
        .unwrap_or_else(|| panic!("no closing brace for {address} in\n{text}"));
    &text[start..end]
}

fn object<'a>(value: &'a Json, key: &str, context: &str) -> &'a serde_json::Map<String, Json> {
    value[key]
        .as_object()
        .unwrap_or_else(|| panic!("{context}.{key} is not an object: {}", value[key]))
}

fn array<'a>(value: &'a Json, key: &str, context: &str) -> &'a Vec<Json> {
    value[key]
        .as_array()
        .unwrap_or_else(|| panic!("{context}.{key} is not an array: {}", value[key]))
}

fn string<'a>(value: &'a Json, key: &str, context: &str) -> &'a str {
    value[key].as_str().unwrap_or_else(|| panic!("{context}.{key} is not a string: {}", value[key]))
}

/// A resource change (in `resource_changes` or `resource_drift`) has Terraform's keys and types.
fn check_resource_change(change: &Json) {
    let address = string(change, "address", "resource change");
    let context = format!("resource change {address}");
    for key in ["type", "name", "provider_name"] {
        string(change, key, &context);
    }
    assert!(matches!(string(change, "mode", &context), "managed" | "data"), "{change}");
    if address.starts_with("module.") {
        let module = string(change, "module_address", &context);
        assert!(address.starts_with(&format!("{module}.")), "{change}");
    } else {
        assert!(change.get("module_address").is_none(), "{change}");
    }
    if address.ends_with(']') {
        assert!(change["index"].is_u64() || change["index"].is_string(), "{change}");
    } else {
        assert!(change.get("index").is_none(), "{change}");
    }
    if let Some(reason) = change.get("action_reason") {
        assert!(
            matches!(
                reason.as_str(),
                Some(
                    "replace_because_tainted"
                        | "replace_because_cannot_update"
                        | "replace_by_request"
                        | "replace_by_triggers"
                        | "delete_because_no_resource_config"
                        | "delete_because_wrong_repetition"
                        | "delete_because_count_index"
                        | "delete_because_each_key"
                        | "delete_because_no_module"
                        | "delete_because_no_move_target"
                        | "read_because_config_unknown"
                        | "read_because_dependency_pending"
                        | "read_because_check_nested"
                )
            ),
            "{change}"
        );
    }
    let inner = &change["change"];
    object(change, "change", &context);
    let actions: Vec<&str> = array(inner, "actions", &context)
        .iter()
        .map(|a| a.as_str().expect("an action string"))
        .collect();
    assert!(
        matches!(
            actions.as_slice(),
            ["no-op"]
                | ["create"]
                | ["read"]
                | ["update"]
                | ["delete"]
                | ["delete", "create"]
                | ["create", "delete"]
        ),
        "{change}"
    );
    for key in ["before", "after", "after_unknown", "before_sensitive", "after_sensitive"] {
        assert!(inner.get(key).is_some(), "{context}: no change.{key}");
    }
    if actions == ["create"] {
        assert!(inner["before"].is_null(), "{change}");
    }
    if actions == ["delete"] {
        assert!(inner["after"].is_null(), "{change}");
    }
    for key in ["after_unknown", "before_sensitive", "after_sensitive"] {
        assert!(
            inner[key].is_boolean() || inner[key].is_object(),
            "{context}: change.{key} is {}",
            inner[key]
        );
    }
    if let Some(paths) = inner.get("replace_paths") {
        for path in paths.as_array().expect("replace_paths is an array") {
            let steps = path.as_array().expect("a replace path is an array");
            assert!(!steps.is_empty(), "{change}");
            assert!(steps.iter().all(|s| s.is_string() || s.is_u64()), "{change}");
        }
    }
}

/// A module in `planned_values`, `prior_state.values` or `configuration`.
fn check_module(module: &Json, context: &str) {
    for resource in array(module, "resources", context) {
        let address = string(resource, "address", context);
        for key in ["mode", "type", "name"] {
            string(resource, key, address);
        }
    }
    if let Some(children) = module.get("child_modules") {
        for child in children.as_array().expect("child_modules is an array") {
            let address = string(child, "address", context);
            assert!(address.starts_with("module."), "{child}");
            check_module(child, address);
        }
    }
}

fn check_state_values(values: &Json, context: &str) {
    check_module(&values["root_module"], context);
    for (name, output) in object(values, "outputs", context) {
        assert!(output["sensitive"].is_boolean(), "output {name}: {output}");
        assert!(output.get("value").is_some(), "output {name}: {output}");
    }
}

/// A stack from `fixture` applied to a fresh moto.
fn applied(fixture: &str, variables: &[&str]) -> (Moto, Stack) {
    let moto = Moto::start();
    let stack = Stack::from_fixture(fixture);
    apply_run(&stack, &moto, variables).ok();
    (moto, stack)
}

/// The `audit_plan` stack applied, an owner tag added to its VPC behind infra's back, and a
/// plan saved as `plan.json` with one change of every kind.
fn drifted_plan_with_every_action() -> (Moto, Stack, Run) {
    let (moto, stack) = applied("tests/fixtures/audit_plan", &[]);
    let vpc_id = infra(&stack, Some(&moto), &["output", "-raw", "vpc_id"]).ok().stdout;
    moto.python(&format!(
        "import boto3\nboto3.client('ec2').create_tags(Resources=['{vpc_id}'], Tags=[{{'Key': 'Owner', 'Value': 'someone-else'}}])"
    ));
    let plan = infra(
        &stack,
        Some(&moto),
        &[
            "plan",
            "-input=false",
            "-out=plan.json",
            "-var",
            "name=renamed",
            "-var",
            "subnet_count=1",
            "-var",
            "subnet_offset=4",
            "-var",
            "extra_group=true",
        ],
    )
    .ok();
    (moto, stack, plan)
}

#[test]
fn show_json_is_terraforms_plan_representation() {
    let (moto, stack, _) = drifted_plan_with_every_action();
    let shown = infra(&stack, Some(&moto), &["show", "-json", "plan.json"]).ok();
    let document: Json = serde_json::from_str(&shown.stdout)
        .unwrap_or_else(|e| panic!("show -json is not one JSON document: {e}\n{}", shown.stdout));
    let file: Json = serde_json::from_str(&stack.read("plan.json")).expect("plan file JSON");
    assert_eq!(document, file, "show -json prints the plan file");

    assert_eq!(string(&document, "format_version", "plan"), "1.2");
    string(&document, "terraform_version", "plan");

    let variables = object(&document, "variables", "plan");
    for name in ["name", "subnet_count", "subnet_offset", "extra_group", "api_token"] {
        assert!(
            variables.get(name).and_then(|v| v.get("value")).is_some(),
            "variable {name}: {variables:?}"
        );
    }
    assert_eq!(variables["name"]["value"], "renamed");
    assert_eq!(variables["subnet_count"]["value"], 1);
    assert_eq!(variables["extra_group"]["value"], true);
    assert!(
        variables["api_token"]["value"].is_null(),
        "a sensitive variable is masked: {}",
        variables["api_token"]
    );
    assert!(!shown.stdout.contains("token-Kx7-never-shown"), "{}", shown.stdout);

    let planned = object(&document, "planned_values", "plan");
    assert!(planned.contains_key("root_module") && planned.contains_key("outputs"));
    check_state_values(&document["planned_values"], "planned_values");
    assert_eq!(
        document["planned_values"]["outputs"]["token"],
        serde_json::json!({"sensitive": true, "value": null})
    );
    let children = array(
        &document["planned_values"]["root_module"],
        "child_modules",
        "planned_values.root_module",
    );
    assert_eq!(children[0]["address"], "module.firewall");

    let prior = object(&document, "prior_state", "plan");
    assert!(prior["format_version"].is_string(), "{prior:?}");
    check_state_values(&document["prior_state"]["values"], "prior_state.values");

    let configuration = object(&document, "configuration", "plan");
    assert!(configuration["provider_config"]["aws"].is_object());
    check_module(&document["configuration"]["root_module"], "configuration");

    let outputs = object(&document, "output_changes", "plan");
    for (name, change) in outputs {
        array(change, "actions", name);
        for key in ["before", "after", "after_unknown"] {
            assert!(change.get(key).is_some(), "output {name}: {change}");
        }
        assert!(change["before_sensitive"].is_boolean(), "{change}");
        assert!(change["after_sensitive"].is_boolean(), "{change}");
    }
    assert_eq!(outputs["token"]["after_sensitive"], true);
    assert!(outputs["token"]["after"].is_null());

    array(&document, "relevant_attributes", "plan");

    let changes = array(&document, "resource_changes", "plan");
    for change in changes {
        check_resource_change(change);
    }
    let by_address = |address: &str| -> &Json {
        changes
            .iter()
            .find(|c| c["address"] == address)
            .unwrap_or_else(|| panic!("no resource change for {address}"))
    };
    let created = by_address("aws_security_group.extra[0]");
    assert_eq!(created["change"]["actions"], serde_json::json!(["create"]));
    assert_eq!(created["index"], 0);
    assert_eq!(created["change"]["after_unknown"]["id"], true);
    let replaced = by_address("aws_subnet.private[0]");
    assert_eq!(replaced["change"]["actions"], serde_json::json!(["delete", "create"]));
    assert_eq!(replaced["action_reason"], "replace_because_cannot_update");
    assert_eq!(replaced["change"]["replace_paths"], serde_json::json!([["cidr_block"]]));
    let deleted = by_address("aws_subnet.private[1]");
    assert_eq!(deleted["change"]["actions"], serde_json::json!(["delete"]));
    assert_eq!(deleted["action_reason"], "delete_because_count_index");
    assert_eq!(deleted["index"], 1);
    let updated = by_address("aws_vpc.main");
    assert_eq!(updated["change"]["actions"], serde_json::json!(["update"]));
    assert_eq!(updated["change"]["after"]["tags"]["Name"], "renamed");
    assert_eq!(updated["type"], "aws_vpc");
    assert_eq!(updated["name"], "main");
    assert_eq!(updated["provider_name"], "registry.terraform.io/hashicorp/aws");
    let in_module = by_address("module.firewall.aws_security_group.web");
    assert_eq!(in_module["module_address"], "module.firewall");
    assert_eq!(in_module["change"]["actions"], serde_json::json!(["no-op"]));

    let drift = array(&document, "resource_drift", "plan");
    assert_eq!(drift.len(), 1, "{drift:?}");
    check_resource_change(&drift[0]);
    assert_eq!(drift[0]["address"], "aws_vpc.main");
    assert_eq!(drift[0]["change"]["after"]["tags"]["Owner"], "someone-else");

    // Our own section: what `apply FILE` needs to execute the plan and to refuse it when stale.
    let section = object(&document, "infra", "plan");
    let state: Json = stack.state();
    assert_eq!(section["lineage"], state["lineage"]);
    assert_eq!(section["serial"], state["serial"]);
    assert!(section["serial"].is_u64());
    assert_eq!(string(&document["infra"], "config_digest", "infra").len(), 64);
    let fingerprints = object(&document["infra"], "fingerprints", "infra");
    for address in ["aws_subnet.private[0]", "aws_subnet.private[1]", "aws_vpc.main"] {
        assert!(
            fingerprints.get(address).is_some_and(Json::is_string),
            "no fingerprint for {address}: {fingerprints:?}"
        );
    }
    let steps: Vec<&str> = array(&document["infra"], "steps", "infra")
        .iter()
        .map(|s| s["address"].as_str().expect("a step address"))
        .collect();
    for address in [
        "aws_security_group.extra[0]",
        "aws_subnet.private[0]",
        "aws_subnet.private[1]",
        "aws_vpc.main",
    ] {
        assert!(steps.contains(&address), "no step for {address}: {steps:?}");
    }
}

#[test]
fn show_renders_the_saved_plan_as_plan_printed_it() {
    let (moto, stack, plan) = drifted_plan_with_every_action();
    assert_contains(&plan.stdout, "Note: Objects have changed outside of infra");
    // After the summary, every address grouped by action.
    assert_contains(&plan.stdout, "Plan: 2 to add, 1 to change, 2 to destroy.\n  replace  aws_subnet.private[0]\n  destroy  aws_subnet.private[1]\n  update   aws_vpc.main\n  create   aws_security_group.extra[0]\n");
    let shown = infra(&stack, Some(&moto), &["show", "plan.json"]).ok();
    assert_same_text(plan_part(&plan), &shown.stdout);

    // A destroy plan, read back, still says why each object goes.
    let destroy =
        infra(&stack, Some(&moto), &["plan", "-input=false", "-destroy", "-out=destroy.json"]).ok();
    assert_contains(&destroy.stdout, "# aws_vpc.main will be destroyed\n");
    let shown = infra(&stack, Some(&moto), &["show", "destroy.json"]).ok();
    assert_same_text(plan_part(&destroy), &shown.stdout);
    let document: Json = serde_json::from_str(&stack.read("destroy.json")).expect("plan JSON");
    for change in array(&document, "resource_changes", "plan") {
        assert!(
            change.get("action_reason").is_none(),
            "Terraform gives no reason for a destroy plan: {change}"
        );
    }
}

/// Equal texts, or a failure that points at the first line that differs.
fn assert_same_text(expected: &str, actual: &str) {
    if expected == actual {
        return;
    }
    let expected_lines: Vec<&str> = expected.lines().collect();
    let actual_lines: Vec<&str> = actual.lines().collect();
    let first = expected_lines
        .iter()
        .zip(&actual_lines)
        .position(|(a, b)| a != b)
        .unwrap_or(expected_lines.len().min(actual_lines.len()));
    panic!(
        "show FILE differs from what plan printed, from line {}:\n--- plan\n{}\n--- show\n{}",
        first + 1,
        expected_lines[first..].join("\n"),
        actual_lines[first..].join("\n")
    );
}

#[test]
fn markdown_summary_puts_destructive_changes_first() {
    let (moto, stack, _) = drifted_plan_with_every_action();
    let markdown = infra(&stack, Some(&moto), &["show", "-format=markdown", "plan.json"]).ok();
    insta::with_settings!({filters => filters()}, {
        insta::assert_snapshot!("markdown_summary", markdown.stdout);
    });
}

#[test]
fn one_changed_environment_variable_is_a_one_line_diff() {
    let (moto, stack) = applied("tests/fixtures/audit_task_definition", &[]);
    let plan =
        infra(&stack, Some(&moto), &["plan", "-input=false", "-var", "log_level=debug"]).ok();
    let block = resource_block(&plan.stdout, "aws_ecs_task_definition.app");
    // Inside `jsonencode(...)`, as Terraform writes it, the one value that changes is the
    // one line with an arrow; nothing is deleted or added.
    let json: Vec<&str> = block
        .lines()
        .skip_while(|l| !l.contains("jsonencode("))
        .take_while(|l| l.trim() != ")")
        .collect();
    let changed: Vec<&str> = json.iter().copied().filter(|l| l.contains(" -> ")).collect();
    assert_eq!(
        changed,
        vec!["                          ~ value = \"info\" -> \"debug\""],
        "{block}"
    );
    assert!(
        !json.iter().any(|l| {
            let t = l.trim_start();
            t.starts_with("- ") || t.starts_with("+ ")
        }),
        "{block}"
    );
    insta::with_settings!({filters => filters()}, {
        insta::assert_snapshot!("container_definitions_diff", block);
    });
}

/// Runs `infra ARGS` with the database password in the environment, as the README does.
#[test]
fn a_sensitive_variable_never_leaves_the_process() {
    const SECRET: &str = "pw-Zq81-do-not-print";
    const NEXT_SECRET: &str = "pw-Wy42-do-not-print";
    let moto = Moto::start();
    let stack = Stack::from_fixture("tests/fixtures/audit_database");
    let infra = |password: &str, args: &[&str]| infra_with_password(&stack, &moto, password, args);

    let plan = infra(SECRET, &["plan", "-input=false", "-out=plan.json"]).ok();
    let apply = infra(SECRET, &["apply", "-input=false", "plan.json"]).ok();
    let shown = infra(SECRET, &["show", "-json", "plan.json"]).ok();
    let shown_text = infra(SECRET, &["show", "plan.json"]).ok();
    let markdown = infra(SECRET, &["show", "-format=markdown", "plan.json"]).ok();
    let state_shown = infra(SECRET, &["show"]).ok();
    let state_json = infra(SECRET, &["show", "-json"]).ok();
    let output = infra(SECRET, &["output", "-json"]).ok();
    assert_contains(&plan.stdout, "+ password                              = (sensitive value)");
    assert_contains(&apply.stdout, "Apply complete! Resources: 1 added");
    for (what, text) in [
        ("plan output", plan.all()),
        ("apply output", apply.all()),
        ("the plan file", stack.read("plan.json")),
        ("show -json FILE", shown.all()),
        ("show FILE", shown_text.all()),
        ("show -format=markdown FILE", markdown.all()),
        ("show (state)", state_shown.all()),
        ("show -json (state)", state_json.all()),
        ("output -json", output.all()),
    ] {
        assert!(!text.contains(SECRET), "{what} shows the password:\n{text}");
    }
    let document: Json = serde_json::from_str(&shown.stdout).expect("show -json");
    let change = &document["resource_changes"][0];
    assert_eq!(change["address"], "aws_db_instance.main");
    assert_eq!(change["change"]["after_sensitive"]["password"], true);
    assert!(change["change"]["after"]["password"].is_null(), "{change}");
    assert_eq!(
        document["planned_values"]["root_module"]["resources"][0]["sensitive_values"]["password"],
        true
    );
    assert!(document["variables"]["db_password"]["value"].is_null());

    // Changing it: both the old and the new value stay hidden, and the change still shows.
    let update = infra(NEXT_SECRET, &["plan", "-input=false", "-out=next.json"]).ok();
    assert!(has_plan_line(&update.stdout, "~ password = (sensitive value)"), "{}", update.stdout);
    let apply_next = infra(NEXT_SECRET, &["apply", "-input=false", "next.json"]).ok();
    let file = stack.read("next.json");
    let document: Json = serde_json::from_str(&file).expect("plan JSON");
    let change = &document["resource_changes"][0]["change"];
    assert_eq!(change["before_sensitive"]["password"], true);
    assert_eq!(change["after_sensitive"]["password"], true);
    for (what, text) in
        [("plan output", update.all()), ("apply output", apply_next.all()), ("the plan file", file)]
    {
        assert!(
            !text.contains(SECRET) && !text.contains(NEXT_SECRET),
            "{what} shows a password:\n{text}"
        );
    }
}

/// checkov, pinned with every dependency (`tests/requirements-audit.txt`,
/// `tests/constraints-audit.txt`) and installed by `scripts/setup-emulator` into a virtualenv
/// of its own (`.venv-audit`): its dependencies pin an older botocore than the emulator's.
fn checkov() -> std::path::PathBuf {
    let checkov = repo_root().join(".venv-audit/bin/checkov");
    assert!(
        checkov.exists(),
        "checkov is not installed: run scripts/setup-emulator (scripts/test does)"
    );
    checkov
}

#[test]
fn checkov_reads_the_plan_file_and_flags_ssh_from_anywhere() {
    let moto = Moto::start();
    let stack = Stack::from_fixture("tests/fixtures/audit_security_group");
    infra(&stack, Some(&moto), &["plan", "-input=false", "-out=tfplan.json"]).ok();
    let output = Command::new(checkov())
        .current_dir(stack.path())
        .args([
            "-f",
            "tfplan.json",
            "--framework",
            "terraform_plan",
            "--skip-download",
            "--output",
            "json",
        ])
        .env("BC_SKIP_MAPPING", "TRUE")
        .output()
        .expect("run checkov");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report: Json = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "checkov printed no JSON report ({e}):\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    assert_eq!(report["check_type"], "terraform_plan", "{report}");
    assert_eq!(report["results"]["parsing_errors"], serde_json::json!([]), "{report}");
    let failed: Vec<(String, String)> = report["results"]["failed_checks"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["check_id"].as_str().unwrap_or_default().to_string(),
                c["resource"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert!(
        failed.contains(&("CKV_AWS_24".to_string(), "aws_security_group.ssh".to_string())),
        "CKV_AWS_24 did not fail for aws_security_group.ssh: {failed:?}"
    );
    let passed: Vec<&str> = report["results"]["passed_checks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["check_id"].as_str())
        .collect();
    assert!(
        passed.contains(&"CKV_AWS_25"),
        "port 3389 is closed, so CKV_AWS_25 passes: {passed:?}"
    );
    assert_eq!(output.status.code(), Some(1), "checkov exits 1 on failures");
}
