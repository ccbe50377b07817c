//! Creates whose answer was lost: the object was made, but the state never heard of it (here,
//! `infra state rm` stands in for the lost answer). The next apply's create is refused because
//! the object exists; infra finds that the object is this configuration's (by its
//! `infra:address` / `infra:lineage` tags or natural key) and adopts it, with no duplicate. An
//! object of the same name that infra did not make is not taken: the error names it and the
//! command to import it.

use infra_testkit::{Moto, Stack};

use super::{apply_ok, apply_run, assert_contains, infra, plan_is_clean, NO_VARS};

const STACK: &str = r#"
resource "aws_iam_role" "app" {
  name = "lost-answer-app"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/lost-answer/app"
  retention_in_days = 7
}
"#;

/// How many roles and log groups of that name the emulator holds.
fn copies(moto: &Moto) -> String {
    moto.python(
        r#"
import boto3
roles = [r for r in boto3.client('iam').list_roles()['Roles'] if r['RoleName'] == 'lost-answer-app']
groups = [g for g in boto3.client('logs').describe_log_groups(logGroupNamePrefix='/lost-answer/')['logGroups']]
print(len(roles), len(groups))
"#,
    )
    .trim()
    .to_string()
}

#[test]
fn a_create_refused_because_its_object_exists_adopts_it_when_it_is_ours() {
    let moto = Moto::start();
    let stack = Stack::new();
    stack.write("main.tf", STACK);
    apply_ok(&stack, &moto, NO_VARS);
    infra(
        &stack,
        Some(&moto),
        &["state", "rm", "aws_iam_role.app", "aws_cloudwatch_log_group.app"],
    )
    .ok();

    let applied = apply_ok(&stack, &moto, NO_VARS);
    for address in ["aws_iam_role.app", "aws_cloudwatch_log_group.app"] {
        assert_contains(&applied, &format!("{address}: the object already existed"));
    }
    assert_eq!(copies(&moto), "1 1");
    plan_is_clean(&stack, &moto, NO_VARS, "after adopting");
}

#[test]
fn a_create_refused_by_an_object_infra_did_not_make_names_it_and_the_import() {
    let moto = Moto::start();
    moto.python(
        "import boto3\nboto3.client('logs').create_log_group(logGroupName='/lost-answer/app')",
    );
    let stack = Stack::new();
    stack.write("main.tf", STACK);
    let apply = apply_run(&stack, &moto, NO_VARS);
    assert_eq!(apply.code, 1, "{}", apply.all());
    assert!(
        apply.all().contains("exists already and was not made by this configuration")
            && apply.all().contains("infra import aws_cloudwatch_log_group.app <its id>"),
        "{}",
        apply.all()
    );
    // The role, which nothing was in the way of, was made and is in the state.
    let list = infra(&stack, Some(&moto), &["state", "list"]).ok().stdout;
    assert_eq!(list.trim(), "aws_iam_role.app");
    assert_eq!(copies(&moto), "1 1");
}
