//! An instance launched from a launch template, and the provider's plan-time version check:
//! a new `launch_template.version` replaces the instance only when it names another version
//! than the one the instance runs (`$Default` and `$Latest` as they resolve when planned);
//! otherwise the change is recorded in place. The versions come from the refresh of the same
//! plan (the instance's `aws:ec2launchtemplate:version` tag, the template's default and latest
//! version numbers), so the plan makes no other AWS reads.

use infra_testkit::{Moto, Stack};

use super::{
    apply_and_plan_clean, apply_ok as apply, assert_contains, destroy_run, infra, plan_is_clean,
};

const STACK: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "version" {
  type    = string
  default = "$Latest"
}

variable "description" {
  type    = string
  default = "first"
}

resource "aws_launch_template" "app" {
  name          = "versions-app"
  description   = var.description
  image_id      = "ami-12c6146b"
  instance_type = "t3.micro"
}

resource "aws_instance" "app" {
  launch_template {
    id      = aws_launch_template.app.id
    version = var.version
  }

  tags = {
    Name = "app"
  }
}
"#;

fn plan(stack: &Stack, moto: &Moto, vars: &[&str]) -> String {
    let mut args = vec!["plan", "-input=false"];
    args.extend(vars);
    infra(stack, Some(moto), &args).ok().stdout
}

#[test]
fn a_new_launch_template_version_replaces_the_instance_only_when_it_names_another_version() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", STACK);

    let created = apply(&stack, &moto, &["-var=version=$Latest"]);
    assert_contains(&created, "Resources: 2 added, 0 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, &["-var=version=$Latest"], "after the first apply");

    // `$Latest` is version 1, the one the instance runs: the number changes in place, and so
    // does `$Default` (also 1).
    let to_number = plan(&stack, &moto, &["-var=version=1"]);
    assert!(
        to_number.contains("# aws_instance.app will be updated in-place")
            && to_number.contains(r#"~ version = "$Latest" -> "1""#)
            && !to_number.contains("must be replaced"),
        "{to_number}"
    );
    let changed = apply(&stack, &moto, &["-var=version=1"]);
    assert_contains(&changed, "Resources: 0 added, 1 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, &["-var=version=1"], "after moving to the number");
    let changed = apply(&stack, &moto, &["-var=version=$Default"]);
    assert_contains(&changed, "Resources: 0 added, 1 changed, 0 destroyed.");
    plan_is_clean(&stack, &moto, &["-var=version=$Default"], "after moving to $Default");

    // A new template version (2, not the default): `$Default` still names the instance's
    // version, so nothing happens to the instance.
    let vars = ["-var=version=$Default", "-var=description=second"];
    apply_and_plan_clean(
        &stack,
        &moto,
        &vars,
        "Resources: 0 added, 1 changed, 0 destroyed.",
        "after the new template version",
    );

    // `$Latest` (now 2) and `2` name another version: the instance must be replaced.
    for version in ["-var=version=$Latest", "-var=version=2"] {
        let replacing = plan(&stack, &moto, &[version, "-var=description=second"]);
        assert!(
            replacing.contains("# aws_instance.app must be replaced")
                && replacing.contains("# forces replacement"),
            "{version}: {replacing}"
        );
    }
    // `1` is the instance's version: in place.
    let same = plan(&stack, &moto, &["-var=version=1", "-var=description=second"]);
    assert!(
        same.contains("# aws_instance.app will be updated in-place")
            && !same.contains("must be replaced"),
        "{same}"
    );

    // Without a refresh the versions are not known, and infra replaces.
    let unrefreshed =
        plan(&stack, &moto, &["-refresh=false", "-var=version=1", "-var=description=second"]);
    assert_contains(&unrefreshed, "# aws_instance.app must be replaced");

    let replaced = apply(&stack, &moto, &["-var=version=$Latest", "-var=description=second"]);
    assert_contains(&replaced, "Resources: 1 added, 0 changed, 1 destroyed.");
    plan_is_clean(
        &stack,
        &moto,
        &["-var=version=$Latest", "-var=description=second"],
        "after the replacement",
    );
    let destroyed = destroy_run(&stack, &moto, &["-var=description=second"]).ok().stdout;
    assert_contains(&destroyed, "2 destroyed");
}
