//! Plan, apply, no-op plan, in-place update, replacement, destroy: issue 2's "done when".

use std::os::unix::fs::PermissionsExt;

use infra_testkit::{Moto, Stack};

use super::{infra, managed_objects, vpcs_tagged};

#[test]
fn plan_apply_update_replace_destroy() {
    let moto = Moto::start();
    let stack = Stack::from_fixture("tests/fixtures/network");

    let plan = infra(
        &stack,
        Some(&moto),
        &["plan", "-input=false", "-out=plan.json"],
    )
    .ok();
    assert!(
        plan.stdout.contains("# aws_vpc.main will be created"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("Plan: 4 to add, 0 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
    assert!(plan.stdout.contains("(known after apply)"));
    assert!(plan.stdout.contains("aws_subnet.private[0]"));

    let apply = infra(&stack, Some(&moto), &["apply", "plan.json"]).ok();
    assert!(
        apply
            .stdout
            .contains("aws_vpc.main: Creation complete after"),
        "{}",
        apply.stdout
    );
    assert!(
        apply
            .stdout
            .contains("Apply complete! Resources: 4 added, 0 changed, 0 destroyed."),
        "{}",
        apply.stdout
    );
    assert_eq!(
        managed_objects(&moto),
        vec!["sg", "subnet", "subnet", "vpc"]
    );

    let mode = std::fs::metadata(stack.path().join("terraform.tfstate"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "state file mode");
    let state: serde_json::Value = stack.state();
    let addresses: Vec<&str> = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["address"].as_str().unwrap())
        .collect();
    assert_eq!(
        addresses,
        vec![
            "aws_security_group.web",
            "aws_subnet.private[0]",
            "aws_subnet.private[1]",
            "aws_vpc.main"
        ]
    );

    let again = infra(
        &stack,
        Some(&moto),
        &["plan", "-input=false", "-detailed-exitcode"],
    );
    let again = again.expect_code(0);
    assert!(
        again
            .stdout
            .contains("No changes. Your infrastructure matches the configuration."),
        "{}",
        again.stdout
    );

    // A tag change is an in-place update.
    let tagged = infra(
        &stack,
        Some(&moto),
        &[
            "plan",
            "-input=false",
            "-detailed-exitcode",
            "-var",
            "name=renamed",
        ],
    )
    .expect_code(2);
    assert!(
        tagged
            .stdout
            .contains("# aws_vpc.main will be updated in-place"),
        "{}",
        tagged.stdout
    );
    assert!(
        tagged
            .stdout
            .contains("Plan: 0 to add, 1 to change, 0 to destroy."),
        "{}",
        tagged.stdout
    );
    infra(
        &stack,
        Some(&moto),
        &[
            "apply",
            "-input=false",
            "-auto-approve",
            "-var",
            "name=renamed",
        ],
    )
    .ok();
    infra(
        &stack,
        Some(&moto),
        &[
            "plan",
            "-input=false",
            "-detailed-exitcode",
            "-var",
            "name=renamed",
        ],
    )
    .expect_code(0);

    // A CIDR change replaces the VPC, names the cause, and takes the subnets with it.
    let replaced = infra(
        &stack,
        Some(&moto),
        &[
            "plan",
            "-input=false",
            "-var",
            "name=renamed",
            "-var",
            "cidr=10.1.0.0/16",
        ],
    )
    .ok();
    assert!(
        replaced.stdout.contains("# aws_vpc.main must be replaced"),
        "{}",
        replaced.stdout
    );
    assert!(
        replaced.stdout.contains("# forces replacement"),
        "{}",
        replaced.stdout
    );
    let cidr_line = replaced
        .stdout
        .lines()
        .find(|l| l.contains("cidr_block") && l.contains("10.1.0.0/16"))
        .unwrap_or_default();
    assert!(
        cidr_line.contains("\"10.0.0.0/16\" -> \"10.1.0.0/16\" # forces replacement"),
        "{}",
        replaced.stdout
    );
    let applied = infra(
        &stack,
        Some(&moto),
        &[
            "apply",
            "-input=false",
            "-auto-approve",
            "-var",
            "name=renamed",
            "-var",
            "cidr=10.1.0.0/16",
        ],
    )
    .ok();
    assert!(
        applied
            .stdout
            .contains("aws_vpc.main: Destruction complete"),
        "{}",
        applied.stdout
    );
    assert_eq!(vpcs_tagged(&moto, "aws_vpc.main"), 1);
    infra(
        &stack,
        Some(&moto),
        &[
            "plan",
            "-input=false",
            "-detailed-exitcode",
            "-var",
            "name=renamed",
            "-var",
            "cidr=10.1.0.0/16",
        ],
    )
    .expect_code(0);

    let outputs = infra(&stack, Some(&moto), &["output", "-raw", "vpc_id"]).ok();
    assert!(outputs.stdout.starts_with("vpc-"), "{}", outputs.stdout);

    let destroy = infra(
        &stack,
        Some(&moto),
        &[
            "destroy",
            "-auto-approve",
            "-input=false",
            "-var",
            "name=renamed",
            "-var",
            "cidr=10.1.0.0/16",
        ],
    )
    .ok();
    assert!(
        destroy
            .stdout
            .contains("Destroy complete! Resources: 4 destroyed."),
        "{}",
        destroy.stdout
    );
    assert!(
        managed_objects(&moto).is_empty(),
        "left behind: {:?}",
        managed_objects(&moto)
    );
    assert!(stack.path().join("terraform.tfstate.backup").exists());
}

#[test]
fn a_saved_plan_is_refused_once_the_state_or_an_object_changed() {
    let moto = Moto::start();
    let stack = Stack::from_fixture("tests/fixtures/network");
    infra(
        &stack,
        Some(&moto),
        &["apply", "-input=false", "-auto-approve"],
    )
    .ok();

    // The state moved on after the plan was saved.
    infra(
        &stack,
        Some(&moto),
        &["plan", "-input=false", "-out=old.json", "-var", "name=one"],
    )
    .ok();
    infra(
        &stack,
        Some(&moto),
        &["apply", "-input=false", "-auto-approve", "-var", "name=two"],
    )
    .ok();
    let before = stack.read("terraform.tfstate");
    let stale = infra(
        &stack,
        Some(&moto),
        &["apply", "-input=false", "-var", "name=one", "old.json"],
    )
    .expect_code(1);
    assert!(
        stale.stderr.contains("Saved plan is stale"),
        "{}",
        stale.stderr
    );
    assert!(stale.stderr.contains("serial"), "{}", stale.stderr);
    assert_eq!(
        stack.read("terraform.tfstate"),
        before,
        "a refused plan must not touch the state"
    );

    // An object the plan changes was modified directly in the emulator.
    infra(
        &stack,
        Some(&moto),
        &[
            "plan",
            "-input=false",
            "-out=fresh.json",
            "-var",
            "name=three",
        ],
    )
    .ok();
    let vpc_id = infra(&stack, Some(&moto), &["output", "-raw", "vpc_id"])
        .ok()
        .stdout;
    moto.python(&format!(
        "import boto3\nboto3.client('ec2').create_tags(Resources=['{vpc_id}'], Tags=[{{'Key': 'Owner', 'Value': 'someone-else'}}])"
    ));
    let drifted = infra(
        &stack,
        Some(&moto),
        &["apply", "-input=false", "-var", "name=three", "fresh.json"],
    )
    .expect_code(1);
    assert!(
        drifted
            .stderr
            .contains("aws_vpc.main was modified outside infra"),
        "{}",
        drifted.stderr
    );

    // And a plan now reports the drift before the plan.
    let plan = infra(
        &stack,
        Some(&moto),
        &["plan", "-input=false", "-var", "name=three"],
    )
    .ok();
    assert!(
        plan.stdout
            .contains("Objects have changed outside of infra"),
        "{}",
        plan.stdout
    );
}

#[test]
fn a_resource_deleted_outside_is_planned_for_creation() {
    let moto = Moto::start();
    let stack = Stack::from_fixture("tests/fixtures/network");
    infra(
        &stack,
        Some(&moto),
        &["apply", "-input=false", "-auto-approve"],
    )
    .ok();
    let state: serde_json::Value = stack.state();
    let group_id = state["resources"][0]["id"].as_str().unwrap().to_string();
    moto.python(&format!(
        "import boto3\nboto3.client('ec2').delete_security_group(GroupId='{group_id}')"
    ));
    let plan = infra(
        &stack,
        Some(&moto),
        &["plan", "-input=false", "-detailed-exitcode"],
    )
    .expect_code(2);
    assert!(
        plan.stdout
            .contains("# aws_security_group.web will be created"),
        "{}",
        plan.stdout
    );
    assert!(plan.stdout.contains("has been deleted"), "{}", plan.stdout);
}

/// A security group's inline rules, as the Terraform provider treats them: with no `ingress`
/// block the rules are left alone (separate rule resources may own them), and `ingress = []`
/// removes them all.
#[test]
fn security_group_rules_are_left_alone_without_blocks_and_removed_with_an_empty_list() {
    let moto = Moto::start();
    let stack = Stack::new();
    let group = |ingress: &str| {
        format!(
            "resource \"aws_vpc\" \"main\" {{\n  cidr_block = \"10.0.0.0/16\"\n}}\n\nresource \"aws_security_group\" \"web\" {{\n  name   = \"web\"\n  vpc_id = aws_vpc.main.id\n{ingress}}}\n"
        )
    };
    stack.write(
        "main.tf",
        &group("  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = \"tcp\"\n    cidr_blocks = [\"10.0.0.0/8\"]\n  }\n"),
    );
    infra(
        &stack,
        Some(&moto),
        &["apply", "-input=false", "-auto-approve"],
    )
    .ok();
    let rules = || {
        moto.python(
            "import boto3\ng = boto3.client('ec2').describe_security_groups(Filters=[{'Name': 'group-name', 'Values': ['web']}])['SecurityGroups'][0]\nprint(len(g['IpPermissions']))",
        )
        .trim()
        .to_string()
    };
    assert_eq!(rules(), "1");

    stack.write("main.tf", &group(""));
    let untouched = infra(
        &stack,
        Some(&moto),
        &["plan", "-input=false", "-detailed-exitcode"],
    );
    assert_eq!(untouched.code, 0, "{}", untouched.all());

    stack.write("main.tf", &group("  ingress = []\n"));
    let removal = infra(
        &stack,
        Some(&moto),
        &["plan", "-input=false", "-detailed-exitcode"],
    );
    assert_eq!(removal.code, 2, "{}", removal.all());
    assert!(
        removal
            .stdout
            .contains("# aws_security_group.web will be updated in-place"),
        "{}",
        removal.stdout
    );
    infra(
        &stack,
        Some(&moto),
        &["apply", "-input=false", "-auto-approve"],
    )
    .ok();
    assert_eq!(rules(), "0");
    infra(
        &stack,
        Some(&moto),
        &["plan", "-input=false", "-detailed-exitcode"],
    )
    .ok();
}

/// aws_eip's one force-new attribute is `domain`, and "vpc" is its only value since AWS retired
/// EC2-Classic ("standard"): asking for "standard" is refused at plan time, at its location,
/// before anything is destroyed. So the type has no replacement to test.
#[test]
fn an_elastic_ip_in_the_retired_standard_domain_is_refused_before_anything_changes() {
    let moto = Moto::start();
    let stack = Stack::new();
    let eip = |domain: &str| {
        format!("resource \"aws_eip\" \"nat\" {{\n  domain = \"{domain}\"\n  tags = {{ Name = \"nat\" }}\n}}\n")
    };
    stack.write("main.tf", &eip("vpc"));
    infra(
        &stack,
        Some(&moto),
        &["apply", "-input=false", "-auto-approve"],
    )
    .ok();
    let before = stack.read("terraform.tfstate");
    stack.write("main.tf", &eip("standard"));
    let refused = infra(
        &stack,
        Some(&moto),
        &["apply", "-input=false", "-auto-approve"],
    )
    .expect_code(1);
    assert!(
        refused.stderr.contains("main.tf:2:") && refused.stderr.contains("standard"),
        "{}",
        refused.stderr
    );
    assert_eq!(stack.read("terraform.tfstate"), before);
    let addresses = moto
        .python("import boto3\nprint(len(boto3.client('ec2').describe_addresses()['Addresses']))");
    assert_eq!(addresses.trim(), "1", "the address is still there");
}

/// Terraform 1.16's `lifecycle { destroy = false }`: an instance that would be destroyed is
/// forgotten instead, whether it left the configuration (here, `count` shrank) or `destroy`
/// ran; the objects stay in AWS. A replacement it would need is refused, never a destroy.
#[test]
fn destroy_false_forgets_instead_of_destroying() {
    let moto = Moto::start();
    let stack = Stack::new();
    let config = |count: u32, retention: u32| {
        format!(
            "resource \"aws_cloudwatch_log_group\" \"kept\" {{\n  count             = {count}\n  name              = \"/kept/${{count.index}}\"\n  retention_in_days = {retention}\n  lifecycle {{\n    destroy = false\n  }}\n}}\n"
        )
    };
    let groups = |moto: &Moto| {
        moto.python("import boto3\nprint(len(boto3.client('logs').describe_log_groups(logGroupNamePrefix='/kept/')['logGroups']))")
            .trim()
            .to_string()
    };
    stack.write("main.tf", &config(2, 7));
    super::apply_ok(&stack, &moto, super::NO_VARS);
    assert_eq!(groups(&moto), "2");

    stack.write("main.tf", &config(1, 7));
    let plan = infra(&stack, Some(&moto), &["plan", "-input=false"]).ok();
    assert!(
        plan.stdout
            .contains("# aws_cloudwatch_log_group.kept[1] will no longer be managed by infra"),
        "{}",
        plan.stdout
    );
    super::apply_ok(&stack, &moto, super::NO_VARS);
    assert_eq!(groups(&moto), "2", "the forgotten group stays");
    let list = infra(&stack, Some(&moto), &["state", "list"]).ok().stdout;
    assert_eq!(list.trim(), "aws_cloudwatch_log_group.kept[0]");

    // A name change forces a replacement: refused at the resource, nothing destroyed.
    stack.write(
        "main.tf",
        &config(1, 7).replace("/kept/${count.index}", "/kept/new-${count.index}"),
    );
    let refused = infra(&stack, Some(&moto), &["plan", "-input=false"]);
    assert_eq!(refused.code, 1, "{}", refused.all());
    assert!(
        refused
            .all()
            .contains("Replacement not supported yet with destroy = false")
            && refused.all().contains("main.tf:1"),
        "{}",
        refused.all()
    );

    stack.write("main.tf", &config(1, 7));
    let destroyed = infra(
        &stack,
        Some(&moto),
        &["destroy", "-input=false", "-auto-approve"],
    )
    .ok();
    assert!(
        destroyed.stdout.contains("will no longer be managed"),
        "{}",
        destroyed.stdout
    );
    assert_eq!(groups(&moto), "2", "destroy forgets too");
    let list = infra(&stack, Some(&moto), &["state", "list"]).ok().stdout;
    assert_eq!(list.trim(), "");
}
