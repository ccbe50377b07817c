//! `local-exec` provisioners through the real binary (issue 36): run after a create with
//! `self`, output streamed as Terraform shows it, ordered by what they refer to, destroy-time
//! ones before a delete, a failure that taints (create) or stops the delete (destroy), and
//! the provisioners infra does not run refused at `validate`. No AWS call is made, so no
//! emulator is needed.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use infra_testkit::{infra_command, Stack};

use super::{assert_contains, infra, BINARY};

const IMAGE: &str = r#"
variable "release" {
  type    = string
  default = "v1"
}

resource "terraform_data" "image" {
  input            = var.release
  triggers_replace = [var.release]

  provisioner "local-exec" {
    command     = "echo \"built ${self.output}\" >> log.txt; echo \"pushing $TAG\"; echo warned >&2"
    environment = { TAG = "repo:${self.output}" }
  }

  provisioner "local-exec" {
    when    = destroy
    command = "echo \"removed ${self.output}\" >> log.txt"
  }
}

# Refers to the image only from its provisioner: it must still run after the image exists.
resource "null_resource" "deploy" {
  provisioner "local-exec" {
    command = "echo ${terraform_data.image.output} > deployed.txt"
  }
}
"#;

fn apply(stack: &Stack, args: &[&str]) -> infra_testkit::Run {
    let mut all = vec!["apply", "-input=false", "-auto-approve"];
    all.extend(args);
    infra(stack, None, &all)
}

fn log(stack: &Stack) -> Vec<String> {
    stack.read("log.txt").lines().map(str::to_string).collect()
}

#[test]
fn local_exec_runs_after_create_and_before_destroy_with_self() {
    let stack = Stack::new();
    stack.write("main.tf", IMAGE);
    let first = apply(&stack, &[]).ok();
    for line in [
        "terraform_data.image: Provisioning with 'local-exec'...",
        r#"terraform_data.image (local-exec): Executing: ["/bin/sh" "-c" "echo \"built v1\" >> log.txt; echo \"pushing $TAG\"; echo warned >&2"]"#,
        "terraform_data.image (local-exec): pushing repo:v1",
        "terraform_data.image (local-exec): warned",
    ] {
        assert!(first.stdout.contains(line), "{line}\n{}", first.stdout);
    }
    // As Terraform: the object is complete once its provisioners have run.
    let at =
        |line: &str| first.stdout.find(line).unwrap_or_else(|| panic!("{line}\n{}", first.stdout));
    assert!(
        at("terraform_data.image (local-exec): pushing repo:v1")
            < at("terraform_data.image: Creation complete after"),
        "{}",
        first.stdout
    );
    assert_eq!(log(&stack), ["built v1"]);
    assert_eq!(stack.read("deployed.txt").trim(), "v1");

    // Nothing changes: nothing runs again.
    apply(&stack, &[]).ok();
    assert_eq!(log(&stack), ["built v1"]);

    // A replacement runs the old object's destroy-time provisioner, then the new one's.
    apply(&stack, &["-var", "release=v2"]).ok();
    assert_eq!(log(&stack), ["built v1", "removed v1", "built v2"]);

    let destroyed = infra(&stack, None, &["destroy", "-input=false", "-auto-approve"]).ok();
    assert_contains(&destroyed.stdout, "terraform_data.image: Provisioning with 'local-exec'...");
    assert_eq!(log(&stack), ["built v1", "removed v1", "built v2", "removed v2"]);
}

#[test]
fn a_failed_creation_time_provisioner_taints_and_on_failure_continue_does_not() {
    let stack = Stack::new();
    stack.write(
        "main.tf",
        r#"
resource "terraform_data" "migrate" {
  provisioner "local-exec" {
    command = "echo migrating; exit 7"
  }
}

resource "terraform_data" "optional" {
  provisioner "local-exec" {
    command    = "exit 1"
    on_failure = continue
  }
}
"#,
    );
    let failed = apply(&stack, &[]).expect_code(1);
    let said = format!("{}{}", failed.stdout, failed.stderr);
    assert!(
        said.contains(
            "Error running command 'echo migrating; exit 7': exit status 7. Output: migrating"
        ),
        "{said}"
    );
    assert_contains(&said, "main.tf:3:");
    let state = stack.state_text_at("terraform.tfstate");
    let state: serde_json::Value = serde_json::from_str(&state).expect("v4 state");
    let status = |name: &str| {
        state["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["name"] == name)
            .map(|r| r["instances"][0]["status"].clone())
            .unwrap_or_else(|| panic!("{name} is not in the state"))
    };
    assert_eq!(status("migrate"), "tainted");
    assert_eq!(status("optional"), serde_json::Value::Null);

    // The tainted object is replaced by the next apply, which runs the provisioner again.
    let plan = infra(&stack, None, &["plan", "-input=false"]).ok();
    assert_contains(&plan.stdout, "is tainted, so must be replaced");
    assert_contains(&plan.stdout, "1 to add, 0 to change, 1 to destroy");
}

#[test]
fn a_failed_destroy_time_provisioner_stops_the_delete() {
    let stack = Stack::new();
    stack.write(
        "main.tf",
        r#"
resource "terraform_data" "drain" {
  provisioner "local-exec" {
    when    = destroy
    command = "echo still in use; exit 1"
  }
}
"#,
    );
    apply(&stack, &[]).ok();
    let refused = infra(&stack, None, &["destroy", "-input=false", "-auto-approve"]).expect_code(1);
    let said = format!("{}{}", refused.stdout, refused.stderr);
    assert_contains(&said, "exit status 1. Output: still in use");
    assert!(
        stack.state()["resources"]
            .as_array()
            .is_some_and(|r| r.iter().any(|r| r["address"] == "terraform_data.drain")),
        "the object was not deleted, so it stays in the state"
    );
}

#[test]
fn a_sensitive_value_in_a_provisioner_hides_its_command_and_output() {
    let stack = Stack::new();
    stack.write(
        "main.tf",
        r#"
variable "token" {
  type      = string
  default   = "s3cret-token"
  sensitive = true
}

resource "terraform_data" "login" {
  provisioner "local-exec" {
    command     = "echo logging in with $TOKEN"
    environment = { TOKEN = var.token }
  }
}
"#,
    );
    let applied = apply(&stack, &[]).ok();
    assert!(!applied.stdout.contains("s3cret-token"), "{}", applied.stdout);
    assert_contains(
        &applied.stdout,
        "terraform_data.login (local-exec): (output suppressed due to sensitive value in config)",
    );
}

#[test]
fn provisioners_infra_does_not_run_are_located_errors_at_validate() {
    let stack = Stack::new();
    stack.write(
        "main.tf",
        "resource \"null_resource\" \"migrate\" {\n  provisioner \"remote-exec\" {\n    inline = [\"./migrate.sh\"]\n  }\n}\n",
    );
    let refused = infra(&stack, None, &["validate"]).expect_code(1);
    assert_contains(&refused.stderr, "Provisioner not supported");
    assert_contains(&refused.stderr, "main.tf:2:");
    assert!(!stack.path().join("terraform.tfstate").exists());
}

#[test]
fn an_apply_killed_while_a_provisioner_runs_leaves_the_object_to_be_replaced() {
    let stack = Stack::new();
    stack.write(
        "main.tf",
        r#"
resource "terraform_data" "seed" {
  provisioner "local-exec" {
    command = "echo seeding; sleep 20; echo seeded"
  }
}
"#,
    );
    let mut child = infra_command(BINARY, stack.path(), None)
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
        if line.contains("terraform_data.seed (local-exec): seeding") {
            break;
        }
    }
    child.kill().expect("kill infra");
    child.wait().expect("wait for infra");
    let plan = infra(&stack, None, &["plan", "-input=false"]).ok();
    assert_contains(&plan.stdout, "terraform_data.seed is tainted, so must be replaced");
}

/// Terraform 1.9: a `removed` block's destroy-time provisioners run before the objects it
/// names are destroyed, with `self` the stored object; a creation-time one there, or one on a
/// `removed` block of a module call, is Terraform's located error.
#[test]
fn a_removed_blocks_destroy_time_provisioner_runs_before_the_destroy() {
    let stack = Stack::new();
    stack.write(
        "main.tf",
        "resource \"terraform_data\" \"image\" {\n  count = 2\n  input = \"v${count.index}\"\n}\n",
    );
    apply(&stack, &[]).ok();

    let removed = |provisioner: &str| {
        format!(
            "removed {{\n  from = terraform_data.image\n\n  lifecycle {{\n    destroy = true\n  }}\n\n{provisioner}}}\n"
        )
    };
    stack.write(
        "main.tf",
        &removed("  provisioner \"local-exec\" {\n    command = \"echo built\"\n  }\n"),
    );
    let refused = infra(&stack, None, &["validate"]).expect_code(1);
    assert_contains(
        &refused.stderr,
        "Only destroy-time provisioners are valid in \"removed\" blocks",
    );
    assert_contains(&refused.stderr, "main.tf:8:");

    stack.write(
        "main.tf",
        &removed(
            "  provisioner \"local-exec\" {\n    when    = destroy\n    command = \"echo \\\"removed ${self.output} ${count.index}\\\" >> log.txt\"\n  }\n",
        ),
    );
    let applied = apply(&stack, &[]).ok();
    assert_contains(&applied.stdout, "terraform_data.image[1]: Provisioning with 'local-exec'...");
    assert_contains(&applied.stdout, "0 added, 0 changed, 2 destroyed");
    let mut lines = log(&stack);
    lines.sort();
    assert_eq!(lines, ["removed v0 0", "removed v1 1"]);
}
