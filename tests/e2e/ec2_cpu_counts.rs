//! Provider v5's `cpu_core_count` / `cpu_threads_per_core` on `aws_instance` (deprecated in
//! v5, removed in v6; v5 stacks still carry them): accepted, kept in the state, a change
//! replaces the instance, and setting one together with the `cpu_options` block's count is
//! refused at its line, as v5's ConflictsWith did.
//!
//! moto (5.2.5) neither holds nor returns CPU options, so that the counts reach RunInstances as
//! `CpuOptions` is not visible here; the unit of `cpu_options_request` is the request itself.

use infra_testkit::{Moto, Stack};

use super::{apply_ok as apply, assert_contains, infra, plan_is_clean};

fn stack_with(cores: u32, extra: &str) -> String {
    format!(
        r#"
provider "aws" {{
  region = "us-east-1"
}}

resource "aws_instance" "db" {{
  ami                  = "ami-1e749f67"
  instance_type        = "c5.xlarge"
  cpu_core_count       = {cores}
  cpu_threads_per_core = 1
  {extra}
}}

output "cores" {{
  value = aws_instance.db.cpu_core_count
}}
"#
    )
}

#[test]
fn v5_cpu_counts_apply_replace_and_conflict_with_the_block() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", &stack_with(2, ""));
    let created = apply(&stack, &moto, &[] as &[&str]);
    assert_contains(&created, "Apply complete! Resources: 1 added, 0 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, &[] as &[&str], "after the first apply");
    let cores = infra(&stack, Some(&moto), &["output", "-raw", "cores"]).ok().stdout;
    assert_eq!(cores.trim(), "2");

    stack.write("main.tf", &stack_with(4, ""));
    let plan = infra(&stack, Some(&moto), &["plan", "-input=false"]).ok().stdout;
    assert!(
        plan.contains("# aws_instance.db must be replaced") && plan.contains("cpu_core_count"),
        "{plan}"
    );

    stack.write("main.tf", &stack_with(4, "cpu_options {\n    core_count = 4\n  }"));
    let refused = infra(&stack, Some(&moto), &["plan", "-input=false"]);
    let all = refused.all();
    assert_eq!(refused.code, 1, "{all}");
    assert_contains(&all, "\"cpu_core_count\": conflicts with cpu_options.0.core_count");
    assert!(all.contains("main.tf:9"), "located at cpu_core_count: {all}");
}
