//! Plan, apply, no-op plan, in-place update, replacement, destroy: issue 2's "done when".

use std::os::unix::fs::PermissionsExt;

use infra_testkit::{Moto, Stack};

use super::{
    apply_run, assert_contains, destroy_run, infra, managed_objects, plan_run, vpcs_tagged, NO_VARS,
};

#[test]
fn plan_apply_update_replace_destroy() {
    let moto = Moto::start();
    let stack = Stack::from_fixture("tests/fixtures/network");

    let plan = infra(&stack, Some(&moto), &["plan", "-input=false", "-out=plan.json"]).ok();
    assert_contains(&plan.stdout, "# aws_vpc.main will be created");
    assert_contains(&plan.stdout, "Plan: 4 to add, 0 to change, 0 to destroy.");
    assert!(plan.stdout.contains("(known after apply)"));
    assert!(plan.stdout.contains("aws_subnet.private[0]"));

    let apply = infra(&stack, Some(&moto), &["apply", "plan.json"]).ok();
    assert_contains(&apply.stdout, "aws_vpc.main: Creation complete after");
    assert_contains(&apply.stdout, "Apply complete! Resources: 4 added, 0 changed, 0 destroyed.");
    assert_eq!(managed_objects(&moto), vec!["sg", "subnet", "subnet", "vpc"]);

    let mode =
        std::fs::metadata(stack.path().join("terraform.tfstate")).unwrap().permissions().mode();
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

    let again = plan_run(&stack, &moto, NO_VARS);
    let again = again.expect_code(0);
    assert_contains(&again.stdout, "No changes. Your infrastructure matches the configuration.");

    // A tag change is an in-place update.
    let tagged = plan_run(&stack, &moto, &["-var", "name=renamed"]).expect_code(2);
    assert_contains(&tagged.stdout, "# aws_vpc.main will be updated in-place");
    assert_contains(&tagged.stdout, "Plan: 0 to add, 1 to change, 0 to destroy.");
    apply_run(&stack, &moto, &["-var", "name=renamed"]).ok();
    plan_run(&stack, &moto, &["-var", "name=renamed"]).expect_code(0);

    // A CIDR change replaces the VPC, names the cause, and takes the subnets with it.
    let replaced = infra(
        &stack,
        Some(&moto),
        &["plan", "-input=false", "-var", "name=renamed", "-var", "cidr=10.1.0.0/16"],
    )
    .ok();
    assert_contains(&replaced.stdout, "# aws_vpc.main must be replaced");
    assert_contains(&replaced.stdout, "# forces replacement");
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
    let applied =
        apply_run(&stack, &moto, &["-var", "name=renamed", "-var", "cidr=10.1.0.0/16"]).ok();
    assert_contains(&applied.stdout, "aws_vpc.main: Destruction complete");
    assert_eq!(vpcs_tagged(&moto, "aws_vpc.main"), 1);
    plan_run(&stack, &moto, &["-var", "name=renamed", "-var", "cidr=10.1.0.0/16"]).expect_code(0);

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
    assert_contains(&destroy.stdout, "Destroy complete! Resources: 4 destroyed.");
    assert!(managed_objects(&moto).is_empty(), "left behind: {:?}", managed_objects(&moto));
    assert!(stack.path().join("terraform.tfstate.backup").exists());
}

#[test]
fn a_saved_plan_is_refused_once_the_state_or_an_object_changed() {
    let moto = Moto::start();
    let stack = Stack::from_fixture("tests/fixtures/network");
    apply_run(&stack, &moto, NO_VARS).ok();

    // The state moved on after the plan was saved.
    infra(&stack, Some(&moto), &["plan", "-input=false", "-out=old.json", "-var", "name=one"]).ok();
    apply_run(&stack, &moto, &["-var", "name=two"]).ok();
    let before = stack.read("terraform.tfstate");
    let stale =
        infra(&stack, Some(&moto), &["apply", "-input=false", "-var", "name=one", "old.json"])
            .expect_code(1);
    assert_contains(&stale.stderr, "Saved plan is stale");
    assert_contains(&stale.stderr, "serial");
    assert_eq!(stack.read("terraform.tfstate"), before, "a refused plan must not touch the state");

    // An object the plan changes was modified directly in the emulator.
    infra(&stack, Some(&moto), &["plan", "-input=false", "-out=fresh.json", "-var", "name=three"])
        .ok();
    let vpc_id = infra(&stack, Some(&moto), &["output", "-raw", "vpc_id"]).ok().stdout;
    moto.python(&format!(
        "import boto3\nboto3.client('ec2').create_tags(Resources=['{vpc_id}'], Tags=[{{'Key': 'Owner', 'Value': 'someone-else'}}])"
    ));
    let drifted =
        infra(&stack, Some(&moto), &["apply", "-input=false", "-var", "name=three", "fresh.json"])
            .expect_code(1);
    assert_contains(&drifted.stderr, "aws_vpc.main was modified outside infra");

    // And a plan now reports the drift before the plan.
    let plan = infra(&stack, Some(&moto), &["plan", "-input=false", "-var", "name=three"]).ok();
    assert_contains(&plan.stdout, "Objects have changed outside of infra");
}

#[test]
fn a_resource_deleted_outside_is_planned_for_creation() {
    let moto = Moto::start();
    let stack = Stack::from_fixture("tests/fixtures/network");
    apply_run(&stack, &moto, NO_VARS).ok();
    let state: serde_json::Value = stack.state();
    let group_id = state["resources"][0]["id"].as_str().unwrap().to_string();
    moto.python(&format!(
        "import boto3\nboto3.client('ec2').delete_security_group(GroupId='{group_id}')"
    ));
    let plan = plan_run(&stack, &moto, NO_VARS).expect_code(2);
    assert_contains(&plan.stdout, "# aws_security_group.web will be created");
    assert_contains(&plan.stdout, "has been deleted");
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
    apply_run(&stack, &moto, NO_VARS).ok();
    let rules = || {
        moto.python(
            "import boto3\ng = boto3.client('ec2').describe_security_groups(Filters=[{'Name': 'group-name', 'Values': ['web']}])['SecurityGroups'][0]\nprint(len(g['IpPermissions']))",
        )
        .trim()
        .to_string()
    };
    assert_eq!(rules(), "1");

    stack.write("main.tf", &group(""));
    let untouched = plan_run(&stack, &moto, NO_VARS);
    assert_eq!(untouched.code, 0, "{}", untouched.all());

    stack.write("main.tf", &group("  ingress = []\n"));
    let removal = plan_run(&stack, &moto, NO_VARS);
    assert_eq!(removal.code, 2, "{}", removal.all());
    assert_contains(&removal.stdout, "# aws_security_group.web will be updated in-place");
    apply_run(&stack, &moto, NO_VARS).ok();
    assert_eq!(rules(), "0");
    plan_run(&stack, &moto, NO_VARS).ok();
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
    apply_run(&stack, &moto, NO_VARS).ok();
    let before = stack.read("terraform.tfstate");
    stack.write("main.tf", &eip("standard"));
    let refused = apply_run(&stack, &moto, NO_VARS).expect_code(1);
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
    assert_contains(
        &plan.stdout,
        "# aws_cloudwatch_log_group.kept[1] will no longer be managed by infra",
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
        refused.all().contains("Replacement not supported yet with destroy = false")
            && refused.all().contains("main.tf:1"),
        "{}",
        refused.all()
    );

    stack.write("main.tf", &config(1, 7));
    let destroyed = destroy_run(&stack, &moto, NO_VARS).ok();
    assert_contains(&destroyed.stdout, "will no longer be managed");
    assert_eq!(groups(&moto), "2", "destroy forgets too");
    let list = infra(&stack, Some(&moto), &["state", "list"]).ok().stdout;
    assert_eq!(list.trim(), "");
}
