//! PAUSE lifecycle hooks (provider 6.66's `lifecycle_hook { target_type = "PAUSE",
//! timeout_configuration { action, timeout_in_minutes } }`) through the real binary against
//! moto: a deploy pauses at POST_TEST_TRAFFIC_SHIFT until a second process runs `infra
//! deployments continue` (the new colour goes live) or `infra deployments rollback` (the deploy
//! rolls back and exits as a failed hook does), or until its timeout takes its action.
//!
//! The signal is a tag on the ECS service of the colour being deployed, which the paused apply
//! polls; the second process reads the state without its lock (the apply holds it). The
//! timeout case uses infra's test knob `INFRA_TEST_HOOK_TIMEOUT_SECONDS` (a hook timeout in
//! seconds instead of the configured minutes, AWS's shortest being one minute).

use std::collections::BTreeMap;

use infra_testkit::{Moto, Stack};

use super::blue_green::{finished, spawn_apply, wait_for_output};
use super::{apply_run, assert_contains, infra, plan_run};

const ADDRESS: &str = "aws_ecs_service.web";

/// The example's Lambda hook, replaced by a PAUSE hook after the test traffic shift.
const LAMBDA_HOOK: &str = r#"    dynamic "lifecycle_hook" {
      for_each = var.hook_function_arn == "" ? [] : [1]
      content {
        hook_target_arn  = var.hook_function_arn
        role_arn         = "arn:aws:iam::123456789012:role/ecs-hooks"
        lifecycle_stages = var.hook_stages
        hook_details     = jsonencode({ check = "smoke" })
      }
    }
"#;

const PAUSE_HOOK: &str = r#"    lifecycle_hook {
      target_type      = "PAUSE"
      lifecycle_stages = ["POST_TEST_TRAFFIC_SHIFT"]
      timeout_configuration {
        action             = var.pause_timeout_action
        timeout_in_minutes = 1
      }
    }
"#;

/// The blue/green example with a PAUSE hook, applied (blue live; the first apply runs no
/// hook), and one healthy IP target per colour standing in for ECS's tasks.
fn applied_with_a_pause_hook(vars: &[&str]) -> (Moto, Stack) {
    let moto = Moto::start_with_env(&[("MOTO_ECS_SERVICE_RUNNING", "1")]);
    let stack = Stack::from_fixture("examples/blue-green");
    let main = stack.read("main.tf");
    assert!(main.contains(LAMBDA_HOOK), "the example's hook block moved");
    stack.write("main.tf", &main.replace(LAMBDA_HOOK, PAUSE_HOOK));
    stack.write(
        "pause.tf",
        "variable \"pause_timeout_action\" {\n  type    = string\n  default = \"ROLLBACK\"\n}\n",
    );
    apply_run(&stack, &moto, vars).ok();
    for (colour, ip) in [("blue", "10.0.0.10"), ("green", "10.0.1.10")] {
        let arn = output(&stack, &moto, &format!("{colour}_arn"));
        moto.python(&format!(
            "import boto3\nboto3.client('elbv2').register_targets(TargetGroupArn='{arn}', Targets=[{{'Id': '{ip}', 'Port': 8080}}])"
        ));
    }
    (moto, stack)
}

fn output(stack: &Stack, moto: &Moto, name: &str) -> String {
    infra(stack, Some(moto), &["output", "-raw", name]).ok().stdout
}

/// The colours the production listener forwards to, with their weights.
fn production_weights(stack: &Stack, moto: &Moto) -> BTreeMap<String, i64> {
    let arn = output(stack, moto, "listener_arn");
    let by_arn: BTreeMap<String, i64> = serde_json::from_str(
        moto.python(&format!(
            r#"
import boto3, json
a = boto3.client('elbv2').describe_listeners(ListenerArns=['{arn}'])['Listeners'][0]['DefaultActions'][0]
out = {{}}
if a.get('ForwardConfig'):
    for t in a['ForwardConfig']['TargetGroups']:
        out[t['TargetGroupArn']] = t.get('Weight', 1)
else:
    out[a['TargetGroupArn']] = 100
print(json.dumps(out))
"#
        ))
        .trim(),
    )
    .expect("weights");
    let blue = output(stack, moto, "blue_arn");
    by_arn
        .into_iter()
        .filter(|(_, weight)| *weight > 0)
        .map(|(arn, weight)| {
            let colour = if arn == blue { "blue" } else { "green" };
            (colour.to_string(), weight)
        })
        .collect()
}

fn only(colour: &str) -> BTreeMap<String, i64> {
    BTreeMap::from([(colour.to_string(), 100)])
}

fn desired_count(moto: &Moto, colour: &str) -> i64 {
    moto.python(&format!(
        "import boto3\nprint(boto3.client('ecs').describe_services(cluster='web', services=['web-{colour}'])['services'][0]['desiredCount'])"
    ))
    .trim()
    .parse()
    .expect("a desired count")
}

/// The tags of a colour's ECS service.
fn service_tags(moto: &Moto, colour: &str) -> String {
    moto.python(&format!(
        "import boto3\ne = boto3.client('ecs')\narn = e.describe_services(cluster='web', services=['web-{colour}'])['services'][0]['serviceArn']\nprint(sorted(t['key'] for t in e.list_tags_for_resource(resourceArn=arn)['tags']))"
    ))
}

fn history(stack: &Stack) -> Vec<String> {
    let state: serde_json::Value = stack.state();
    state["deployments"][ADDRESS]["history"]
        .as_array()
        .map(|entries| {
            entries.iter().map(|e| e["action"].as_str().unwrap_or_default().to_string()).collect()
        })
        .unwrap_or_default()
}

const NEW_IMAGE: &[&str] = &["-var", "image=nginx:1.28"];
const PAUSED: &str = "paused at POST_TEST_TRAFFIC_SHIFT";

#[test]
fn a_paused_deploy_goes_on_when_another_process_continues_it() {
    let (moto, stack) = applied_with_a_pause_hook(&[]);
    // Nothing is paused before the deploy: the commands say so, and which resource is not
    // blue/green or not there at all.
    let early = infra(&stack, Some(&moto), &["deployments", "continue", ADDRESS]);
    assert_eq!(early.code, 1, "{}", early.all());
    assert!(early.all().contains("no deployment is paused"), "{}", early.all());
    let not_blue_green = infra(&stack, Some(&moto), &["deployments", "continue", "aws_lb.web"]);
    assert_eq!(not_blue_green.code, 1, "{}", not_blue_green.all());
    assert!(
        not_blue_green.all().contains("aws_lb.web is not a blue/green service"),
        "{}",
        not_blue_green.all()
    );
    let missing =
        infra(&stack, Some(&moto), &["deployments", "rollback", "module.x.aws_ecs_service.web"]);
    assert_eq!(missing.code, 1, "{}", missing.all());
    assert!(
        missing.all().contains("no resource module.x.aws_ecs_service.web in the state"),
        "{}",
        missing.all()
    );

    let apply = spawn_apply(&stack, &moto, &[], NEW_IMAGE);
    wait_for_output(&stack, PAUSED);
    let paused_line = stack
        .read("apply.stdout")
        .lines()
        .find(|l| l.contains(PAUSED))
        .map(str::to_string)
        .expect("the paused line");
    assert!(
        paused_line.starts_with(&format!("{ADDRESS}: "))
            && paused_line.contains(&format!("infra deployments continue {ADDRESS}`"))
            && paused_line.contains(&format!("infra deployments rollback {ADDRESS}`"))
            && paused_line.contains("after 1m")
            && paused_line.contains("the deploy will roll back"),
        "{paused_line}"
    );
    // Production traffic has not moved while paused; `infra deployments` shows the pause.
    assert_eq!(production_weights(&stack, &moto), only("blue"));
    let listed = infra(&stack, Some(&moto), &["deployments"]).ok();
    assert_contains(&listed.stdout, "paused:   at POST_TEST_TRAFFIC_SHIFT");
    // Another process, while the apply holds the state lock.
    let signal = infra(&stack, Some(&moto), &["deployments", "continue", ADDRESS]).ok();
    assert_contains(&signal.stdout, "the deploy paused at POST_TEST_TRAFFIC_SHIFT");
    let done = finished(&stack, apply);
    assert_eq!(done.code, 0, "{}", done.all());
    let out = &done.stdout;
    let continued = out
        .find("continued by `infra deployments continue`")
        .unwrap_or_else(|| panic!("continued: {out}"));
    let switched =
        out.find("traffic: green 100%").unwrap_or_else(|| panic!("then traffic moved: {out}"));
    assert!(continued < switched, "{out}");
    assert_contains(out, "green is live");
    assert_eq!(production_weights(&stack, &moto), only("green"));
    assert_eq!(history(&stack), vec!["create", "deploy"]);
    // The signal is gone, and the pause left nothing a plan would change.
    assert!(
        !service_tags(&moto, "green").contains("infra:deployment-signal"),
        "{}",
        service_tags(&moto, "green")
    );
    let plan = plan_run(&stack, &moto, &["-var", "image=nginx:1.28"]);
    assert_eq!(plan.code, 0, "{}", plan.all());
    let after = infra(&stack, Some(&moto), &["deployments", "continue", ADDRESS]);
    assert_eq!(after.code, 1, "{}", after.all());
    assert!(after.all().contains("no deployment is paused"), "{}", after.all());
}

#[test]
fn a_paused_deploy_rolled_back_by_another_process_reverts_and_fails() {
    let (moto, stack) = applied_with_a_pause_hook(&["-var", "use_test_listener_rule=true"]);
    let apply = spawn_apply(
        &stack,
        &moto,
        &[],
        &["-var", "image=nginx:1.28", "-var", "use_test_listener_rule=true"],
    );
    wait_for_output(&stack, PAUSED);
    let signal = infra(&stack, Some(&moto), &["deployments", "rollback", ADDRESS]).ok();
    assert_contains(&signal.stdout, "rolls back");
    let done = finished(&stack, apply);
    let all = done.all();
    assert_eq!(done.code, 1, "{all}");
    assert!(
        all.contains("rolled back by a lifecycle hook")
            && all.contains("rolled back by `infra deployments rollback`"),
        "{all}"
    );
    // Test traffic had moved to green; it is back on blue, and production never left it.
    assert_eq!(production_weights(&stack, &moto), only("blue"));
    assert_eq!(desired_count(&moto, "green"), 0);
    assert_eq!(history(&stack), vec!["create", "hook-failed"]);
    assert!(
        !service_tags(&moto, "green").contains("infra:deployment-signal"),
        "{}",
        service_tags(&moto, "green")
    );
}

#[test]
fn a_paused_deploy_takes_its_timeout_action_continue() {
    let (moto, stack) = applied_with_a_pause_hook(&[]);
    let apply = spawn_apply(
        &stack,
        &moto,
        &[("INFRA_TEST_HOOK_TIMEOUT_SECONDS", "2")],
        &["-var", "image=nginx:1.28", "-var", "pause_timeout_action=CONTINUE"],
    );
    let done = finished(&stack, apply);
    assert_eq!(done.code, 0, "{}", done.all());
    let out = &done.stdout;
    assert!(out.contains(PAUSED) && out.contains("the deploy will continue"), "{out}");
    let timed_out = out
        .find("timed out after 2s; its timeout action is CONTINUE")
        .unwrap_or_else(|| panic!("timed out: {out}"));
    let live = out.find("green is live").unwrap_or_else(|| panic!("green went live: {out}"));
    assert!(timed_out < live, "{out}");
    assert_eq!(production_weights(&stack, &moto), only("green"));
}

#[test]
fn pause_hooks_are_checked_at_plan_time_at_their_line() {
    let moto = Moto::start();
    let stack = Stack::from_fixture("examples/blue-green");
    let main = stack.read("main.tf");
    stack.write(
        "main.tf",
        &main.replace(
            LAMBDA_HOOK,
            r#"    lifecycle_hook {
      target_type      = "PAUSE"
      hook_target_arn  = "arn:aws:lambda:us-east-1:123456789012:function:check"
      lifecycle_stages = ["PRODUCTION_TRAFFIC_SHIFT"]
      timeout_configuration {
        timeout_in_minutes = 0
      }
    }
"#,
        ),
    );
    let plan = infra(&stack, Some(&moto), &["plan", "-input=false"]);
    let all = plan.all();
    assert_eq!(plan.code, 1, "{all}");
    for expected in [
        "a PAUSE hook cannot be at PRODUCTION_TRAFFIC_SHIFT",
        "hook_target_arn is not used by a PAUSE hook",
        "timeout_in_minutes = \"0\": must be a whole number of minutes from 1 to 20160",
        "main.tf",
    ] {
        assert!(all.contains(expected), "{expected}: {all}");
    }
}

/// A deploy killed while paused never had its go-ahead: `apply -resume` rolls it back instead
/// of finishing it, and says why.
#[test]
fn a_deploy_killed_while_paused_is_rolled_back_not_resumed() {
    let (moto, stack) = applied_with_a_pause_hook(&[]);
    let mut apply = spawn_apply(&stack, &moto, &[], NEW_IMAGE);
    wait_for_output(&stack, PAUSED);
    apply.kill().expect("kill the paused apply");
    let _ = apply.wait();
    let state: serde_json::Value = stack.state();
    assert_eq!(
        state["deployments"][ADDRESS]["in_progress"]["pause"]["stage"], "POST_TEST_TRAFFIC_SHIFT",
        "{}",
        state["deployments"][ADDRESS]
    );
    let recovered =
        apply_run(&stack, &moto, &["-resume", "-refresh-only", "-var", "image=nginx:1.28"])
            .ok()
            .stdout;
    assert_contains(&recovered, "not resumed: a PAUSE lifecycle hook held it at POST_TEST_TRAFFIC_SHIFT, and nothing continued it");
    assert_eq!(production_weights(&stack, &moto), only("blue"));
    assert_eq!(desired_count(&moto, "green"), 0);
    let after = infra(&stack, Some(&moto), &["deployments", "continue", ADDRESS]);
    assert_eq!(after.code, 1, "{}", after.all());
}
