//! Blue/green deployments of an ECS service against moto: the first apply, a deploy through
//! the health gate, a plan with no changes, an instant revert, a failed gate, an automatic
//! revert on a 5xx spike, canary and linear steps, a listener rule, and the history.
//!
//! moto's ECS registers no task IPs in target groups, so the tests register IP targets
//! themselves to stand in for ECS (moto reports registered IP targets healthy), and feed 5xx
//! figures with CloudWatch PutMetricData as an ALB publishes them: after the switch, under
//! `TargetGroup` and `LoadBalancer` (the test moto server matches dimensions exactly, as
//! CloudWatch does).

use std::collections::BTreeMap;

use infra_testkit::{Moto, Stack};

use super::{apply_run, assert_contains, destroy_run, infra, plan_run, NO_VARS};

fn start() -> (Moto, Stack) {
    let moto = Moto::start_with_env(&[("MOTO_ECS_SERVICE_RUNNING", "1")]);
    let stack = Stack::from_fixture("examples/blue-green");
    (moto, stack)
}

fn output(stack: &Stack, moto: &Moto, name: &str) -> String {
    infra(stack, Some(moto), &["output", "-raw", name]).ok().stdout
}

/// The forward weights of a listener's default action or a rule's action, by colour.
fn weights(stack: &Stack, moto: &Moto, route: &str) -> BTreeMap<String, i64> {
    let arn = output(stack, moto, route);
    let script = format!(
        r#"
import boto3, json
e = boto3.client('elbv2')
arn = '{arn}'
if ':listener-rule/' in arn:
    actions = e.describe_rules(RuleArns=[arn])['Rules'][0]['Actions']
else:
    actions = e.describe_listeners(ListenerArns=[arn])['Listeners'][0]['DefaultActions']
a = actions[0]
out = {{}}
if a.get('ForwardConfig'):
    for t in a['ForwardConfig']['TargetGroups']:
        out[t['TargetGroupArn']] = t.get('Weight', 1)
else:
    out[a['TargetGroupArn']] = 100
print(json.dumps(out))
"#
    );
    let by_arn: BTreeMap<String, i64> =
        serde_json::from_str(moto.python(&script).trim()).expect("weights");
    let blue = output(stack, moto, "blue_arn");
    let green = output(stack, moto, "green_arn");
    by_arn
        .into_iter()
        .filter(|(_, weight)| *weight > 0)
        .map(|(arn, weight)| {
            (
                if arn == blue {
                    "blue".to_string()
                } else if arn == green {
                    "green".to_string()
                } else {
                    arn
                },
                weight,
            )
        })
        .collect()
}

/// The example applied with `vars`, and one healthy IP target registered per colour, so that
/// the next deploy's health gate can pass.
fn applied_with_a_target_per_colour(vars: &[&str]) -> (Moto, Stack) {
    applied_with_a_target_per_colour_on(&[], vars)
}

/// As [`applied_with_a_target_per_colour`], on an emulator started with `env` as well.
fn applied_with_a_target_per_colour_on(env: &[(&str, &str)], vars: &[&str]) -> (Moto, Stack) {
    let mut emulator = vec![("MOTO_ECS_SERVICE_RUNNING", "1")];
    emulator.extend_from_slice(env);
    let moto = Moto::start_with_env(&emulator);
    let stack = Stack::from_fixture("examples/blue-green");
    apply_run(&stack, &moto, vars).ok();
    register_target(&stack, &moto, "blue", "10.0.0.10");
    register_target(&stack, &moto, "green", "10.0.1.10");
    (moto, stack)
}

fn only(colour: &str) -> BTreeMap<String, i64> {
    BTreeMap::from([(colour.to_string(), 100)])
}

/// Stands in for ECS: registers one healthy IP target in the colour's target group.
fn register_target(stack: &Stack, moto: &Moto, colour: &str, ip: &str) {
    let arn = output(stack, moto, &format!("{colour}_arn"));
    moto.python(&format!(
        "import boto3\nboto3.client('elbv2').register_targets(TargetGroupArn='{arn}', Targets=[{{'Id': '{ip}', 'Port': 8080}}])"
    ));
}

fn deregister_targets(stack: &Stack, moto: &Moto, colour: &str) {
    let arn = output(stack, moto, &format!("{colour}_arn"));
    moto.python(&format!(
        "import boto3\ne = boto3.client('elbv2')\nts = [d['Target'] for d in e.describe_target_health(TargetGroupArn='{arn}')['TargetHealthDescriptions']]\nif ts: e.deregister_targets(TargetGroupArn='{arn}', Targets=ts)"
    ));
}

fn history(stack: &Stack) -> Vec<String> {
    let state: serde_json::Value = stack.state();
    state["deployments"]["aws_ecs_service.web"]["history"]
        .as_array()
        .map(|entries| {
            entries.iter().map(|e| e["action"].as_str().unwrap_or_default().to_string()).collect()
        })
        .unwrap_or_default()
}

#[test]
fn deploy_through_the_gate_then_revert_instantly() {
    let (moto, stack) = start();
    // 1. The first apply: blue is live.
    apply_run(&stack, &moto, NO_VARS).ok();
    let deployments = infra(&stack, Some(&moto), &["deployments"]).ok();
    assert_contains(&deployments.stdout, "live:     blue (revision 1)");
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("blue"));
    plan_run(&stack, &moto, NO_VARS).expect_code(0);

    // 2. A new image: green is deployed, the gate passes, the listener forwards to green.
    register_target(&stack, &moto, "blue", "10.0.0.10");
    register_target(&stack, &moto, "green", "10.0.1.10");
    let plan =
        infra(&stack, Some(&moto), &["plan", "-input=false", "-var", "image=nginx:1.28"]).ok();
    assert_contains(&plan.stdout, "# aws_ecs_service.web will be deployed blue/green: green ← revision 2 (live: blue, revision 1)");
    assert!(!plan.stdout.contains("aws_ecs_service.web must be replaced"), "{}", plan.stdout);
    // Through the machine-readable UI: each step is a `deployment_step` message; in the log,
    // each step is a `deploy_step` span closed with its duration.
    let log = stack.path().join("deploy.log");
    let mut command = infra_testkit::infra_command(super::BINARY, stack.path(), Some(&moto));
    command.env("INFRA_LOG", "info").env("INFRA_LOG_FORMAT", "json").env("INFRA_LOG_PATH", &log);
    let deploy = infra_testkit::run(
        command,
        &["apply", "-json", "-input=false", "-auto-approve", "-var", "image=nginx:1.28"],
    )
    .ok();
    let log = std::fs::read_to_string(&log).expect("the log");
    let step_spans: Vec<serde_json::Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON log line"))
        .filter(|l: &serde_json::Value| {
            l["span"]["name"] == "deploy_step" && l["fields"]["message"] == "close"
        })
        .collect();
    assert!(step_spans.iter().any(|l| l["span"]["step"] == "health gate"), "{log}");
    assert!(step_spans
        .iter()
        .all(|l| l["fields"]["time.busy"].is_string() && l["fields"]["time.idle"].is_string()));
    let steps: Vec<serde_json::Value> = deploy
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON message"))
        .filter(|m: &serde_json::Value| m["type"] == "deployment_step")
        .collect();
    assert!(steps.len() >= 3, "{}", deploy.stdout);
    assert!(steps.iter().all(|m| m["hook"]["resource"]["addr"] == "aws_ecs_service.web"
        && m["@message"].as_str().unwrap().starts_with("aws_ecs_service.web: ")));
    assert_contains(&deploy.stdout, "health gate passed");
    assert_contains(&deploy.stdout, "green is live with revision 2");
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("green"));

    // 3. A plan afterwards shows no changes: colours and weights are not drift.
    let after = plan_run(&stack, &moto, &["-var", "image=nginx:1.28"]).expect_code(0);
    assert_contains(&after.stdout, "No changes.");

    // 4. Revert: blue is live again, with one mutating call.
    let revert = infra(&stack, Some(&moto), &["revert"]).ok();
    assert_contains(&revert.stdout, "blue is live again (revision 1)");
    assert_contains(&revert.stdout, "1 mutating AWS call (ModifyListener)");
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("blue"));
    let shown = infra(&stack, Some(&moto), &["deployments"]).ok();
    assert_contains(&shown.stdout, "live:     blue (revision 1)");
    assert!(shown.stdout.contains("standby:  green (revision 2"), "{}", shown.stdout);

    // 5. A failing deployment: the new colour never gets healthy targets. No switch, exit 1.
    deregister_targets(&stack, &moto, "green");
    let failed = apply_run(
        &stack,
        &moto,
        &["-var", "image=nginx:1.29", "-var", "health_gate_timeout_seconds=2"],
    )
    .expect_code(1);
    assert!(
        failed.all().contains("health gate failed, traffic was not switched"),
        "{}",
        failed.all()
    );
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("blue"));

    // 9. The history is in the state.
    assert_eq!(history(&stack), vec!["create", "deploy", "revert", "deploy"]);
    let state = stack.read("terraform.tfstate");
    assert!(state.contains("failed: "), "the failed deploy is recorded");

    // A revert with nothing healthy to go back to is refused with the reason.
    deregister_targets(&stack, &moto, "blue");
    apply_run(
        &stack,
        &moto,
        &["-var", "image=nginx:1.29", "-var", "health_gate_timeout_seconds=1"],
    )
    .expect_code(1);
    let refused = infra(&stack, Some(&moto), &["revert"]).expect_code(1);
    assert_contains(&refused.stderr, "cannot revert aws_ecs_service.web");

    let destroy = destroy_run(&stack, &moto, NO_VARS).ok();
    assert_contains(&destroy.stdout, "Destroy complete!");
    let services = moto.python(
        "import boto3\nr = boto3.client('ecs').describe_services(cluster='web', services=['web-blue', 'web-green'])\nprint(sorted(s['status'] for s in r['services']))",
    );
    assert!(!services.contains("ACTIVE'") || services.contains("INACTIVE"), "{services}");
    assert!(!services.contains("'ACTIVE'"), "colour services left behind: {services}");
}

/// Applies a new image while, as soon as the listener sends green any traffic, the load
/// balancer "publishes" `metrics` (name, value) for green's target group the way AWS does:
/// under `TargetGroup` and `LoadBalancer`, after the switch. The bake lasts 15 s.
fn deploy_publishing_after_the_switch(
    stack: &Stack,
    moto: &Moto,
    metrics: &[(&str, f64)],
) -> infra_testkit::Run {
    let green = output(stack, moto, "green_arn");
    let listener = output(stack, moto, "listener_arn");
    let mut command = infra_testkit::infra_command(super::BINARY, stack.path(), Some(moto));
    let child = command
        // A bake of one minute, each minute 15 s long (infra's test knob).
        .env("INFRA_TEST_BAKE_MINUTE_SECONDS", "15")
        .args([
            "apply",
            "-input=false",
            "-auto-approve",
            "-var",
            "image=nginx:1.28",
            "-var",
            "bake_time_in_minutes=1",
        ])
        // Files, not pipes: nothing reads a pipe while the script below waits.
        .stdout(std::fs::File::create(stack.path().join("apply.stdout")).expect("stdout file"))
        .stderr(std::fs::File::create(stack.path().join("apply.stderr")).expect("stderr file"))
        .spawn()
        .expect("start apply");
    let data = metrics
        .iter()
        .map(|(name, value)| {
            format!(
                "{{'MetricName': '{name}', 'Dimensions': dims, 'Value': {value}, 'Unit': 'Count'}}"
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    moto.python(&format!(
        r#"
import boto3, time
e = boto3.client('elbv2')
green, listener = '{green}', '{listener}'
deadline = time.time() + 120
while time.time() < deadline:
    action = e.describe_listeners(ListenerArns=[listener])['Listeners'][0]['DefaultActions'][0]
    groups = (action.get('ForwardConfig') or {{}}).get('TargetGroups') or [{{'TargetGroupArn': action.get('TargetGroupArn'), 'Weight': 1}}]
    if any(g['TargetGroupArn'] == green and g.get('Weight', 1) > 0 for g in groups):
        break
    time.sleep(0.2)
else:
    raise SystemExit('green never got traffic')
dims = [{{'Name': 'TargetGroup', 'Value': 'targetgroup/' + green.split(':targetgroup/')[1]}},
        {{'Name': 'LoadBalancer', 'Value': '/'.join(listener.split(':listener/')[1].split('/')[:3])}}]
boto3.client('cloudwatch').put_metric_data(Namespace='AWS/ApplicationELB', MetricData=[{data}])
"#
    ));
    let status = child.wait_with_output().expect("apply").status;
    infra_testkit::Run {
        code: status.code().unwrap_or(-1),
        stdout: stack.read("apply.stdout"),
        stderr: stack.read("apply.stderr"),
    }
}

#[test]
fn a_5xx_spike_during_the_bake_reverts_automatically() {
    let (moto, stack) = applied_with_a_target_per_colour(&[]);
    // Errors from before the deploy, as AWS publishes them: the window starts at the switch,
    // so these never count.
    let green = output(&stack, &moto, "green_arn");
    let listener = output(&stack, &moto, "listener_arn");
    moto.python(&format!(
        r#"
import boto3, datetime
dims = [{{'Name': 'TargetGroup', 'Value': 'targetgroup/' + '{green}'.split(':targetgroup/')[1]}},
        {{'Name': 'LoadBalancer', 'Value': '/'.join('{listener}'.split(':listener/')[1].split('/')[:3])}}]
old = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
boto3.client('cloudwatch').put_metric_data(Namespace='AWS/ApplicationELB', MetricData=[
    {{'MetricName': 'HTTPCode_Target_5XX_Count', 'Dimensions': dims, 'Value': 90.0, 'Timestamp': old}},
    {{'MetricName': 'RequestCount', 'Dimensions': dims, 'Value': 100.0, 'Timestamp': old}},
])
"#
    ));
    let spiked = deploy_publishing_after_the_switch(
        &stack,
        &moto,
        &[("HTTPCode_Target_5XX_Count", 30.0), ("RequestCount", 100.0)],
    );
    let all = spiked.all();
    assert_eq!(spiked.code, 1, "{all}");
    assert_contains(&all, "reverted automatically during the bake");
    assert!(
        all.contains("HTTPCode_Target_5XX_Count / RequestCount = 30 / 100 = 30.0%"),
        "the figures are named, and only those since the switch: {all}"
    );
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("blue"));
    assert_eq!(history(&stack), vec!["create", "auto-revert"]);
    // The failed colour does not keep running at full count.
    assert_contains(&all, "green scaled to 0 task(s)");
    assert_eq!(desired_count(&moto, "green"), 0);
}

#[test]
fn an_alarm_of_the_service_in_alarm_during_the_bake_reverts() {
    let (moto, stack) = start();
    moto.python(
        r#"
import boto3
cw = boto3.client('cloudwatch')
cw.put_metric_alarm(AlarmName='web-5xx', Namespace='AWS/ApplicationELB',
    MetricName='HTTPCode_Target_5XX_Count', Statistic='Sum', Period=60, EvaluationPeriods=1,
    Threshold=10, ComparisonOperator='GreaterThanThreshold')
cw.put_metric_alarm(AlarmName='web-latency', Namespace='AWS/ApplicationELB',
    MetricName='TargetResponseTime', Statistic='Average', Period=60, EvaluationPeriods=1,
    Threshold=1, ComparisonOperator='GreaterThanThreshold')
"#,
    );
    let alarms = r#"-var=alarm_names=["web-5xx","web-latency"]"#;
    apply_run(&stack, &moto, &[alarms]).ok();
    register_target(&stack, &moto, "blue", "10.0.0.10");
    register_target(&stack, &moto, "green", "10.0.1.10");
    moto.python(
        "import boto3\nboto3.client('cloudwatch').set_alarm_state(AlarmName='web-5xx', StateValue='ALARM', StateReason='5xx above 10')",
    );
    // A bake of one minute, 6 s long (infra's test knob).
    let mut command = infra_testkit::infra_command(super::BINARY, stack.path(), Some(&moto));
    command.env("INFRA_TEST_BAKE_MINUTE_SECONDS", "6");
    let reverted = infra_testkit::run(
        command,
        &[
            "apply",
            "-input=false",
            "-auto-approve",
            alarms,
            "-var",
            "image=nginx:1.28",
            "-var",
            "bake_time_in_minutes=1",
        ],
    )
    .expect_code(1);
    let all = reverted.all();
    assert_contains(&all, "alarm web-5xx is in ALARM");
    assert!(!all.contains("web-latency is in ALARM"), "{all}");
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("blue"));
    assert_eq!(history(&stack), vec!["create", "auto-revert"]);
    // The failed colour does not keep running at full count.
    assert_contains(&all, "green scaled to 0 task(s)");
    assert_eq!(desired_count(&moto, "green"), 0);
}

#[test]
fn a_5xx_burst_under_the_minimum_request_count_does_not_revert() {
    let (moto, stack) = applied_with_a_target_per_colour(&[]);
    let deployed = deploy_publishing_after_the_switch(
        &stack,
        &moto,
        &[("HTTPCode_Target_5XX_Count", 2.0), ("RequestCount", 3.0)],
    );
    let all = deployed.all();
    assert_eq!(deployed.code, 0, "{all}");
    assert!(
        all.contains("= 2 / 3, under the minimum of 20 requests: no decision"),
        "the figures and the decision are printed: {all}"
    );
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("green"));
    assert_eq!(history(&stack), vec!["create", "deploy"]);
}

#[test]
fn canary_and_linear_shift_traffic_in_steps() {
    let (moto, stack) = start();
    apply_run(&stack, &moto, &["-var", "traffic_shift=canary"]).ok();
    register_target(&stack, &moto, "blue", "10.0.0.10");
    register_target(&stack, &moto, "green", "10.0.1.10");
    let canary =
        apply_run(&stack, &moto, &["-var", "traffic_shift=canary", "-var", "image=nginx:1.28"])
            .ok();
    let steps: Vec<&str> = canary.stdout.lines().filter(|l| l.contains("traffic:")).collect();
    assert_eq!(steps.len(), 2, "{}", canary.stdout);
    assert!(
        steps[0].contains("green 25%, blue 75%") && steps[1].contains("green 100%, blue 0%"),
        "{steps:?}"
    );
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("green"));

    let linear =
        apply_run(&stack, &moto, &["-var", "traffic_shift=linear", "-var", "image=nginx:1.29"])
            .ok();
    let steps: Vec<&str> = linear.stdout.lines().filter(|l| l.contains("traffic:")).collect();
    assert_eq!(steps.len(), 4, "{}", linear.stdout);
    for (step, expected) in steps.iter().zip([
        "blue 25%, green 75%",
        "blue 50%, green 50%",
        "blue 75%, green 25%",
        "blue 100%, green 0%",
    ]) {
        assert!(step.contains(expected), "{step} should say {expected}");
    }
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("blue"));
}

/// The `traffic:` lines of an apply's output.
fn traffic_steps(stdout: &str) -> Vec<String> {
    stdout.lines().filter(|l| l.contains("traffic:")).map(str::to_string).collect()
}

#[test]
fn the_providers_canary_and_linear_blocks_shift_traffic_in_steps() {
    let (moto, stack) = start();
    let apply = |vars: &[&str]| {
        let mut args = vec!["apply", "-input=false", "-auto-approve"];
        for var in vars {
            args.extend(["-var", var]);
        }
        infra(&stack, Some(&moto), &args).ok()
    };
    apply(&["strategy=CANARY"]);
    register_target(&stack, &moto, "blue", "10.0.0.10");
    register_target(&stack, &moto, "green", "10.0.1.10");
    // canary_configuration { canary_percent = 10, canary_bake_time_in_minutes = 0 }
    let canary = apply(&["strategy=CANARY", "image=nginx:1.28"]);
    let steps = traffic_steps(&canary.stdout);
    assert_eq!(steps.len(), 2, "{}", canary.stdout);
    assert!(
        steps[0].contains("green 10%, blue 90%") && steps[1].contains("green 100%, blue 0%"),
        "{steps:?}"
    );
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("green"));
    // linear_configuration { step_percent = 34, step_bake_time_in_minutes = 0 }
    let linear = apply(&["strategy=LINEAR", "image=nginx:1.29"]);
    let steps = traffic_steps(&linear.stdout);
    assert_eq!(steps.len(), 3, "{}", linear.stdout);
    for (step, expected) in
        steps.iter().zip(["blue 34%, green 66%", "blue 68%, green 32%", "blue 100%, green 0%"])
    {
        assert!(step.contains(expected), "{step} should say {expected}");
    }
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("blue"));
    let plan = infra(
        &stack,
        Some(&moto),
        &["plan", "-input=false", "-var", "strategy=LINEAR", "-var", "image=nginx:1.29"],
    )
    .ok();
    assert_contains(&plan.stdout, "No changes.");
}

#[test]
fn fractional_percents_and_a_reconcile_hook_are_refused_at_their_line() {
    let (moto, stack) = start();
    let main = stack.read("main.tf");
    stack.write(
        "main.tf",
        &main.replace("canary_percent              = 10", "canary_percent              = 2.5"),
    );
    let refused = infra(&stack, Some(&moto), &["plan", "-input=false", "-var", "strategy=CANARY"]);
    let all = refused.all();
    assert_eq!(refused.code, 1, "{all}");
    assert_contains(&all, "canary_percent = 2.5");
    assert!(all.contains("main.tf:"), "located: {all}");
    stack.write("main.tf", &main);
    let refused = infra(
        &stack,
        Some(&moto),
        &[
            "plan",
            "-input=false",
            "-var",
            "hook_function_arn=arn:aws:lambda:us-east-1:123456789012:function:check",
            "-var",
            "hook_stages=[\"RECONCILE_SERVICE\"]",
        ],
    );
    let all = refused.all();
    assert_eq!(refused.code, 1, "{all}");
    assert_contains(&all, "RECONCILE_SERVICE has no counterpart");
}

/// A Lambda function for lifecycle hooks in the emulator, and its queued answers: moto's
/// Lambda without Docker answers each invoke with the next queued result, in order.
fn hook_function(moto: &Moto, answers: &[&str]) -> String {
    let results = serde_json::to_string(answers).expect("answers");
    moto.python(&format!(
        r#"
import boto3, io, json, os, urllib.request, zipfile
iam = boto3.client('iam')
role = iam.create_role(RoleName='hook', AssumeRolePolicyDocument=json.dumps({{'Version': '2012-10-17', 'Statement': [{{'Effect': 'Allow', 'Principal': {{'Service': 'lambda.amazonaws.com'}}, 'Action': 'sts:AssumeRole'}}]}}))['Role']['Arn']
code = io.BytesIO()
with zipfile.ZipFile(code, 'w') as z:
    z.writestr('index.py', 'def handler(event, context):\n    return {{}}\n')
arn = boto3.client('lambda').create_function(FunctionName='deploy-check', Runtime='python3.12', Role=role, Handler='index.handler', Code={{'ZipFile': code.getvalue()}})['FunctionArn']
request = urllib.request.Request(os.environ['AWS_ENDPOINT_URL'] + '/moto-api/static/lambda-simple/response', data=json.dumps({{'results': {results}}}).encode(), method='POST')
urllib.request.urlopen(request).read()
print(arn)
"#
    ))
    .trim()
    .to_string()
}

#[test]
fn a_lifecycle_hook_in_progress_is_invoked_again_until_it_succeeds() {
    let (moto, stack) = applied_with_a_target_per_colour(&[]);
    let hook = hook_function(
        &moto,
        &[r#"{"hookStatus": "IN_PROGRESS", "callBackDelay": 1}"#, r#"{"hookStatus": "SUCCEEDED"}"#],
    );
    let deploy = apply_run(
        &stack,
        &moto,
        &["-var", "image=nginx:1.28", "-var", &format!("hook_function_arn={hook}")],
    )
    .ok();
    let out = &deploy.stdout;
    let waiting = out
        .find("lifecycle hook POST_SCALE_UP: ")
        .filter(|at| out[*at..].contains("IN_PROGRESS; invoking it again in 1s"))
        .unwrap_or_else(|| panic!("the hook asked to wait: {out}"));
    let succeeded = out.find("SUCCEEDED").unwrap_or_else(|| panic!("the hook succeeded: {out}"));
    let switched =
        out.find("traffic: green 100%").unwrap_or_else(|| panic!("then traffic moved: {out}"));
    assert!(waiting < succeeded && succeeded < switched, "{out}");
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("green"));
}

#[test]
fn a_lifecycle_hook_that_fails_rolls_the_deploy_back() {
    let (moto, stack) = applied_with_a_target_per_colour(&[]);
    let hook =
        hook_function(&moto, &[r#"{"hookStatus": "SUCCEEDED"}"#, r#"{"hookStatus": "FAILED"}"#]);
    let failed = infra(
        &stack,
        Some(&moto),
        &[
            "apply",
            "-input=false",
            "-auto-approve",
            "-var",
            "use_test_listener_rule=true",
            "-var",
            "image=nginx:1.28",
            "-var",
            &format!("hook_function_arn={hook}"),
            "-var",
            "hook_stages=[\"POST_SCALE_UP\", \"POST_TEST_TRAFFIC_SHIFT\"]",
        ],
    );
    let all = failed.all();
    assert_eq!(failed.code, 1, "{all}");
    assert!(
        all.contains("rolled back by a lifecycle hook")
            && all.contains("answered FAILED at POST_TEST_TRAFFIC_SHIFT"),
        "{all}"
    );
    // Test traffic had moved to green; it is back on blue, and production never left it.
    assert_eq!(weights(&stack, &moto, "test_rule_arn"), only("blue"));
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("blue"));
    assert_eq!(desired_count(&moto, "green"), 0);
    assert_eq!(history(&stack), vec!["create", "hook-failed"]);
}

#[test]
fn test_traffic_moves_to_the_new_colour_before_production() {
    let (moto, stack) = start();
    let with_test_rule = ["-var", "use_test_listener_rule=true"];
    let apply = |extra: &[&str]| {
        let mut args = vec!["apply", "-input=false", "-auto-approve"];
        args.extend(with_test_rule);
        args.extend(extra);
        infra(&stack, Some(&moto), &args).ok()
    };
    apply(&[]);
    register_target(&stack, &moto, "blue", "10.0.0.10");
    register_target(&stack, &moto, "green", "10.0.1.10");
    let deploy = apply(&["-var", "image=nginx:1.28"]);
    let lines: Vec<&str> = deploy.stdout.lines().collect();
    let test_at = lines
        .iter()
        .position(|l| l.contains("test traffic: green 100%"))
        .unwrap_or_else(|| panic!("no test traffic step: {}", deploy.stdout));
    let production_at = lines
        .iter()
        .position(|l| l.contains("traffic: green 100%, blue 0%"))
        .expect("production switch");
    assert!(test_at < production_at, "{}", deploy.stdout);
    assert_eq!(weights(&stack, &moto, "test_rule_arn"), only("green"));
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("green"));
    // The test rule's action is the deployment's now, not drift or a change.
    let mut args = vec!["plan", "-input=false", "-var", "image=nginx:1.28"];
    args.extend(with_test_rule);
    let plan = infra(&stack, Some(&moto), &args).ok();
    assert_contains(&plan.stdout, "No changes.");
}

#[test]
fn a_blue_green_service_is_refreshed_through_its_live_colour() {
    let (moto, stack) = start();
    apply_run(&stack, &moto, NO_VARS).ok();
    let clean = infra(&stack, Some(&moto), &["plan", "-input=false"]).ok();
    assert_contains(&clean.stdout, "No changes.");
    assert!(!clean.stdout.contains("changed outside"), "{}", clean.stdout);
    // Someone narrows the live colour's network to one subnet, outside infra.
    moto.python(
        r#"
import boto3
ecs = boto3.client('ecs')
s = ecs.describe_services(cluster='web', services=['web-blue'])['services'][0]
vpc = s['networkConfiguration']['awsvpcConfiguration']
ecs.update_service(cluster='web', service='web-blue', networkConfiguration={'awsvpcConfiguration': {
    'subnets': vpc['subnets'][:1], 'securityGroups': vpc['securityGroups'], 'assignPublicIp': 'DISABLED'}})
"#,
    );
    let drifted = infra(&stack, Some(&moto), &["plan", "-input=false"]).ok();
    assert_contains(&drifted.stdout, "Objects have changed outside of infra");
    assert_contains(&drifted.stdout, "aws_ecs_service.web");
    assert_contains(&drifted.stdout, "network_configuration");
}

#[test]
fn a_listener_rule_can_be_the_production_route() {
    let (moto, stack) = start();
    let rule = ["-var", "use_listener_rule=true"];
    let args = |extra: &[&'static str]| -> Vec<&'static str> {
        let mut all = vec!["apply", "-input=false", "-auto-approve"];
        all.extend_from_slice(&rule);
        all.extend_from_slice(extra);
        all
    };
    infra(&stack, Some(&moto), &args(&[])).ok();
    register_target(&stack, &moto, "green", "10.0.1.10");
    register_target(&stack, &moto, "blue", "10.0.0.10");
    infra(&stack, Some(&moto), &args(&["-var", "image=nginx:1.28"])).ok();
    assert_eq!(weights(&stack, &moto, "rule_arn"), only("green"));
    assert_eq!(
        weights(&stack, &moto, "listener_arn"),
        only("blue"),
        "the listener's default action is untouched"
    );
    let plan =
        plan_run(&stack, &moto, &["-var", "use_listener_rule=true", "-var", "image=nginx:1.28"]);
    assert_eq!(plan.code, 0, "{}", plan.all());
    let revert = infra(&stack, Some(&moto), &["revert", "aws_ecs_service.web"]).ok();
    assert_contains(&revert.stdout, "(ModifyRule)");
    assert_eq!(weights(&stack, &moto, "rule_arn"), only("blue"));
}

/// The desired count of a colour's ECS service (`web-blue`, `web-green`) in the emulator.
fn desired_count(moto: &Moto, colour: &str) -> i64 {
    moto.python(&format!(
        "import boto3\nprint(boto3.client('ecs').describe_services(cluster='web', services=['web-{colour}'])['services'][0]['desiredCount'])"
    ))
    .trim()
    .parse()
    .expect("a desired count")
}

#[test]
fn revert_is_refused_with_its_reason_forced_and_finalize_scales_the_standby_down() {
    let (moto, stack) = applied_with_a_target_per_colour(&[]);
    let new_image = ["-var", "image=nginx:1.28"];
    let apply_new_image: Vec<&str> =
        ["apply", "-input=false", "-auto-approve"].into_iter().chain(new_image).collect();
    infra(&stack, Some(&moto), &apply_new_image).ok();
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("green"));

    // An unhealthy standby is refused, with the reason, and nothing moves.
    deregister_targets(&stack, &moto, "blue");
    let refused = infra(&stack, Some(&moto), &["revert"]).expect_code(1);
    assert!(
        refused.stderr.contains(
            "the standby colour blue is not healthy (0 of 1 targets healthy); use -force"
        ),
        "{}",
        refused.stderr
    );
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("green"));

    // -force switches anyway, still with one mutating call.
    let forced = infra(&stack, Some(&moto), &["revert", "-force"]).ok();
    assert!(
        forced.stdout.contains("blue is live again (revision 1)")
            && forced.stdout.contains("1 mutating AWS call (ModifyListener)"),
        "{}",
        forced.stdout
    );
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("blue"));

    // finalize scales the standby (green) to 0; a revert to it is then refused.
    register_target(&stack, &moto, "blue", "10.0.0.11");
    let finalized = infra(&stack, Some(&moto), &["finalize"]).ok();
    assert!(
        finalized.stdout.contains("standby colour scaled to 0; blue stays live"),
        "{}",
        finalized.stdout
    );
    assert_eq!(desired_count(&moto, "green"), 0);
    assert_eq!(desired_count(&moto, "blue"), 1);
    let scaled_down = infra(&stack, Some(&moto), &["revert"]).expect_code(1);
    assert_contains(
        &scaled_down.stderr,
        "the standby colour green was scaled down after its retention time",
    );
    let shown = infra(&stack, Some(&moto), &["deployments"]).ok();
    assert_contains(&shown.stdout, "live:     blue (revision 1)");

    // A deployment whose gate fails puts the idle colour back to 0; traffic never moves.
    deregister_targets(&stack, &moto, "green");
    apply_run(
        &stack,
        &moto,
        &["-var", "image=nginx:1.29", "-var", "health_gate_timeout_seconds=1"],
    )
    .expect_code(1);
    assert_eq!(desired_count(&moto, "green"), 0);
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("blue"));

    // The history records who did what, to which revisions.
    let state: serde_json::Value = stack.state();
    let entries = state["deployments"]["aws_ecs_service.web"]["history"]
        .as_array()
        .expect("a history")
        .clone();
    let actions: Vec<&str> =
        entries.iter().map(|e| e["action"].as_str().unwrap_or_default()).collect();
    assert_eq!(actions, vec!["create", "deploy", "revert", "finalize", "deploy"]);
    for entry in &entries {
        for field in ["time", "operator", "result"] {
            assert!(
                entry[field].as_str().is_some_and(|v| !v.is_empty()),
                "history entry without {field}: {entry}"
            );
        }
    }
    assert_eq!(
        (entries[1]["from_revision"].as_str(), entries[1]["to_revision"].as_str()),
        (Some("1"), Some("2")),
        "the deploy went from revision 1 to 2: {}",
        entries[1]
    );
}

#[test]
fn the_next_apply_scales_down_a_standby_past_its_retention() {
    let (moto, stack) = start();
    let retention = ["-var", "standby_retention_minutes=0"];
    let apply = |extra: &[&str]| {
        let args: Vec<&str> = ["apply", "-input=false", "-auto-approve"]
            .into_iter()
            .chain(retention)
            .chain(extra.iter().copied())
            .collect();
        infra(&stack, Some(&moto), &args).ok().stdout
    };
    apply(&[]);
    register_target(&stack, &moto, "blue", "10.0.0.10");
    register_target(&stack, &moto, "green", "10.0.1.10");
    apply(&["-var", "image=nginx:1.28"]);
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("green"));
    assert_eq!(desired_count(&moto, "blue"), 1);

    // Nothing to change, but blue has been standby longer than its retention (0 minutes).
    let next = apply(&["-var", "image=nginx:1.28"]);
    assert_contains(&next, "aws_ecs_service.web: the standby colour outlived standby_retention_minutes and was scaled to 0");
    assert_eq!(desired_count(&moto, "blue"), 0);
    assert_eq!(desired_count(&moto, "green"), 1);
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("green"));
}

/// Starts `infra apply` with `args` and kills it (SIGKILL) as soon as its output shows
/// `marker`; returns the output up to there.
fn apply_killed_at(stack: &Stack, moto: &Moto, args: &[&str], marker: &str) -> String {
    use std::io::{BufRead, BufReader};
    let mut child = infra_testkit::infra_command(super::BINARY, stack.path(), Some(moto))
        .args(["apply", "-input=false", "-auto-approve"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start infra apply");
    let mut seen = String::new();
    let stdout = child.stdout.take().expect("stdout");
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap_or_default();
        seen.push_str(&line);
        seen.push('\n');
        if line.contains(marker) {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(seen.contains(marker), "the apply ended before {marker}: {seen}");
    seen
}

fn in_progress(stack: &Stack) -> serde_json::Value {
    let state: serde_json::Value = stack.state();
    state["deployments"]["aws_ecs_service.web"]["in_progress"].clone()
}

#[test]
fn a_deploy_killed_mid_shift_is_rolled_back_by_revert_or_by_the_next_apply() {
    let (moto, stack) = start();
    let linear = ["-var", "traffic_shift=linear"];
    apply_run(&stack, &moto, &linear).ok();
    register_target(&stack, &moto, "blue", "10.0.0.10");
    register_target(&stack, &moto, "green", "10.0.1.10");
    let deploy = ["-var", "traffic_shift=linear", "-var", "image=nginx:1.28"];

    // Killed with the listener at green 50%: the state journals the step, and `infra
    // deployments` reads the listener.
    apply_killed_at(&stack, &moto, &deploy, "traffic: green 50%");
    assert_eq!(in_progress(&stack)["step"], "shifting traffic");
    let shown = infra(&stack, Some(&moto), &["deployments"]).ok().stdout;
    assert!(
        shown.contains("interrupted: a deploy of revision")
            && shown.contains("stopped at \"shifting traffic\"; the listener serves")
            && shown.contains("green weight")
            && shown.contains("blue weight"),
        "{shown}"
    );
    // `infra revert` puts all traffic on the live colour, in one write.
    let reverted = infra(&stack, Some(&moto), &["revert"]).ok().stdout;
    assert!(
        reverted.contains("was interrupted at \"shifting traffic\"")
            && reverted.contains("1 mutating AWS call"),
        "{reverted}"
    );
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("blue"));
    assert!(in_progress(&stack).is_null());

    // Killed again; this time the next apply finds it, rolls back, then deploys afresh.
    apply_killed_at(&stack, &moto, &deploy, "traffic: green 25%");
    let recovered = apply_run(&stack, &moto, &deploy).ok().stdout;
    // The listener as the killed run left it (25%, or 50% if the kill came late), read back.
    let rolled_back = ["green 25%, blue 75%", "green 50%, blue 50%"]
        .iter()
        .find_map(|found| {
            recovered.find(&format!(
                "was interrupted at \"shifting traffic\" with the listener at {found}; traffic is back on blue"
            ))
        })
        .unwrap_or_else(|| panic!("{recovered}"));
    let live =
        recovered.find("green is live with revision").unwrap_or_else(|| panic!("{recovered}"));
    assert!(rolled_back < live, "{recovered}");
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("green"));
    assert!(in_progress(&stack).is_null());
    let mut args = vec!["plan", "-input=false"];
    args.extend(deploy);
    let plan = infra(&stack, Some(&moto), &args).ok();
    assert_contains(&plan.stdout, "No changes.");
    assert_eq!(history(&stack), vec!["create", "revert", "interrupted", "deploy"]);
}

#[test]
fn sigint_during_a_deploy_with_sigint_rollback_puts_traffic_back_before_exiting() {
    use std::io::{BufRead, BufReader};
    let vars = ["-var", "traffic_shift=linear", "-var", "sigint_rollback=true"];
    let (moto, stack) = applied_with_a_target_per_colour(&vars);
    let mut child = infra_testkit::infra_command(super::BINARY, stack.path(), Some(&moto))
        .args(["apply", "-input=false", "-auto-approve", "-var", "image=nginx:1.28"])
        .args(vars)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start infra apply");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut seen = String::new();
    for line in lines.by_ref() {
        let line = line.unwrap_or_default();
        seen.push_str(&line);
        seen.push('\n');
        if line.contains("traffic: green 25%") {
            break;
        }
    }
    assert_contains(&seen, "traffic: green 25%");
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(sent.success());
    for line in lines {
        seen.push_str(&line.unwrap_or_default());
        seen.push('\n');
    }
    let output = child.wait_with_output().expect("apply exits");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{seen}{stderr}");
    assert!(seen.contains("sigint_rollback = true, rolling the traffic back"), "{seen}{stderr}");
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("blue"));
    assert_eq!(desired_count(&moto, "green"), 0);
    assert!(in_progress(&stack).is_null());
    assert_eq!(history(&stack).last().map(String::as_str), Some("interrupted"));
}

#[test]
fn a_deploy_past_its_update_timeout_is_rolled_back_at_once() {
    let (moto, stack) = start();
    let main = stack.read("main.tf");
    // The timeout is an expression, as modules write it: null (the default) sets nothing.
    stack.write(
        "main.tf",
        &format!(
            "variable \"update_timeout\" {{\n  default = null\n}}\n{}",
            main.replace(
                "  sigint_rollback = var.sigint_rollback\n",
                "  sigint_rollback = var.sigint_rollback\n  timeouts {\n    update = var.update_timeout\n  }\n",
            )
        ),
    );
    let vars = ["-var", "traffic_shift=linear"];
    apply_run(&stack, &moto, &vars).ok();
    register_target(&stack, &moto, "blue", "10.0.0.10");
    register_target(&stack, &moto, "green", "10.0.1.10");
    // Four steps a second apart do not fit in two seconds.
    let deploy = ["-var", "image=nginx:1.28", "-var", "update_timeout=2s"];
    let timed_out = apply_run(&stack, &moto, &[&vars[..], &deploy].concat());
    let all = timed_out.all();
    assert_eq!(timed_out.code, 1, "{all}");
    assert!(
        all.contains("timed out after 2s")
            && all.contains("was interrupted at \"shifting traffic\""),
        "{all}"
    );
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("blue"));
    assert!(in_progress(&stack).is_null());
}

/// `kill -9` at each step of a deploy (the idle colour updated and waiting for the gate, the
/// gate passed, test traffic moved, production half way, the bake), then the next apply:
/// traffic ends on a healthy colour, the state agrees with the listener, nothing is left in
/// progress, and a plan shows no changes.
#[test]
fn a_deploy_killed_at_each_step_converges_on_the_next_apply() {
    // Each marker is printed just before the next step is journaled, so the kill lands on
    // one of two steps.
    let steps = [
        ("waiting for the health gate", ["updating green", "health gate"]),
        ("health gate passed", ["health gate", "test traffic"]),
        ("test traffic: green 100%", ["test traffic", "shifting traffic"]),
        ("traffic: green 50%", ["shifting traffic", "shifting traffic"]),
        ("traffic: green 100%, blue 0%", ["shifting traffic", "bake"]),
    ];
    for (marker, journaled) in steps {
        let (moto, stack) = start();
        let vars = [
            "-var",
            "traffic_shift=linear",
            "-var",
            "use_test_listener_rule=true",
            "-var",
            "bake_time_in_minutes=1",
        ];
        apply_run(&stack, &moto, &vars).ok();
        register_target(&stack, &moto, "blue", "10.0.0.10");
        register_target(&stack, &moto, "green", "10.0.1.10");
        let mut deploy = vars.to_vec();
        deploy.extend(["-var", "image=nginx:1.28"]);
        apply_killed_at(&stack, &moto, &deploy, marker);
        let step = in_progress(&stack)["step"].as_str().unwrap_or_default().to_string();
        assert!(journaled.contains(&step.as_str()), "killed at {marker}: {step}");

        // The next apply rolls back first, then deploys again: with a bake of a minute, the
        // test lets it through with a shorter one.
        let mut args = vec!["apply", "-input=false", "-auto-approve"];
        args.extend(["-var", "traffic_shift=linear", "-var", "use_test_listener_rule=true"]);
        args.extend(["-var", "image=nginx:1.28"]);
        let recovered = infra(&stack, Some(&moto), &args).ok().stdout;
        assert!(
            recovered.contains(&format!("was interrupted at \"{step}\"")),
            "killed at {marker}: {recovered}"
        );
        assert_eq!(weights(&stack, &moto, "listener_arn"), only("green"), "killed at {marker}");
        assert_eq!(weights(&stack, &moto, "test_rule_arn"), only("green"));
        let state: serde_json::Value = stack.state();
        let deployment = &state["deployments"]["aws_ecs_service.web"];
        assert_eq!(deployment["live"], "green", "killed at {marker}");
        assert_eq!(deployment["weights"]["green"], 100, "killed at {marker}");
        assert!(in_progress(&stack).is_null());
        let mut args = vec!["plan", "-input=false", "-detailed-exitcode"];
        args.extend(["-var", "traffic_shift=linear", "-var", "use_test_listener_rule=true"]);
        args.extend(["-var", "image=nginx:1.28"]);
        let plan = infra(&stack, Some(&moto), &args);
        assert_eq!(plan.code, 0, "killed at {marker}: {}", plan.all());
    }
}

#[test]
fn apply_resume_finishes_a_killed_deploy_whose_gate_had_passed() {
    let vars = ["-var", "traffic_shift=linear"];
    let (moto, stack) = applied_with_a_target_per_colour(&vars);
    let deploy = ["-var", "traffic_shift=linear", "-var", "image=nginx:1.28"];
    apply_killed_at(&stack, &moto, &deploy, "traffic: green 50%");

    let mut args = vec!["apply", "-input=false", "-auto-approve", "-resume"];
    args.extend(deploy);
    let resumed = infra(&stack, Some(&moto), &args).ok().stdout;
    assert!(
        resumed.contains("was interrupted at \"shifting traffic\"")
            && resumed.contains("resumed: green (1 of 1 targets healthy) now has all traffic and is live, blue is on standby"),
        "{resumed}"
    );
    // The state records the revision green runs: nothing left to deploy.
    assert_contains(&resumed, "No changes.");
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("green"));
    assert!(in_progress(&stack).is_null());
    assert_eq!(history(&stack), vec!["create", "deploy"]);
    // And blue, on standby, is one write away.
    let reverted = infra(&stack, Some(&moto), &["revert"]).ok().stdout;
    assert_contains(&reverted, "blue is live again");
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("blue"));
}

/// Starts `infra apply ARGS` (with `env`), its output to files; returns the child.
pub(super) fn spawn_apply(
    stack: &Stack,
    moto: &Moto,
    env: &[(&str, &str)],
    args: &[&str],
) -> std::process::Child {
    infra_testkit::infra_command(super::BINARY, stack.path(), Some(moto))
        .envs(env.iter().copied())
        .args(["apply", "-input=false", "-auto-approve"])
        .args(args)
        .stdout(std::fs::File::create(stack.path().join("apply.stdout")).expect("stdout file"))
        .stderr(std::fs::File::create(stack.path().join("apply.stderr")).expect("stderr file"))
        .spawn()
        .expect("start apply")
}

/// Waits until the spawned apply's output shows `marker` (three minutes at most).
pub(super) fn wait_for_output(stack: &Stack, marker: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(180);
    while !stack.read("apply.stdout").contains(marker) {
        assert!(
            std::time::Instant::now() < deadline,
            "no {marker}: {}\n{}",
            stack.read("apply.stdout"),
            stack.read("apply.stderr")
        );
        // Polled often: a test acts on the marker before the next step, a second later.
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

pub(super) fn finished(stack: &Stack, child: std::process::Child) -> infra_testkit::Run {
    let status = child.wait_with_output().expect("apply").status;
    infra_testkit::Run {
        code: status.code().unwrap_or(-1),
        stdout: stack.read("apply.stdout"),
        stderr: stack.read("apply.stderr"),
    }
}

/// The health gate needs the new colour's tasks running, not only healthy targets: with ECS
/// starting no task (`MOTO_ECS_TASKS_NEVER_START`, tests/support/moto_server.py), the gate
/// fails though every target is healthy, and traffic stays where it was.
#[test]
fn the_health_gate_fails_while_the_new_colours_tasks_are_not_running() {
    let (moto, stack) =
        applied_with_a_target_per_colour_on(&[("MOTO_ECS_TASKS_NEVER_START", "1")], &[]);
    let failed = apply_run(
        &stack,
        &moto,
        &["-var", "image=nginx:1.28", "-var", "health_gate_timeout_seconds=2"],
    )
    .expect_code(1);
    let all = failed.all();
    assert!(
        all.contains("health gate failed, traffic was not switched")
            && all.contains("0 of 1 tasks running")
            && all.contains("1 of 1 targets healthy"),
        "{all}"
    );
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("blue"));
}

#[test]
fn the_health_gate_waits_for_targets_registered_after_the_deploy_starts() {
    let (moto, stack) = start();
    apply_run(&stack, &moto, NO_VARS).ok();
    register_target(&stack, &moto, "blue", "10.0.0.10");
    // Green has no healthy target when the deploy starts; one registers 5 s later, as a
    // task's IP would once it is running.
    let child = spawn_apply(&stack, &moto, &[], &["-var", "image=nginx:1.28"]);
    wait_for_output(&stack, "waiting for the health gate");
    std::thread::sleep(std::time::Duration::from_secs(5));
    assert!(
        !stack.read("apply.stdout").contains("health gate passed"),
        "the gate cannot pass without a healthy target"
    );
    register_target(&stack, &moto, "green", "10.0.1.10");
    let run = finished(&stack, child);
    assert_eq!(run.code, 0, "{}", run.all());
    assert_contains(
        &run.stdout,
        "health gate passed: 1 of 1 tasks running, rollout completed, 1 of 1 targets healthy",
    );
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("green"));
}

#[test]
fn unhealthy_targets_during_the_bake_revert() {
    let (moto, stack) = applied_with_a_target_per_colour(&[]);
    // A bake of one minute, 30 s long (infra's test knob).
    let child = spawn_apply(
        &stack,
        &moto,
        &[("INFRA_TEST_BAKE_MINUTE_SECONDS", "30")],
        &["-var", "image=nginx:1.28", "-var", "bake_time_in_minutes=1"],
    );
    wait_for_output(&stack, "traffic: green 100%, blue 0%");
    deregister_targets(&stack, &moto, "green");
    let run = finished(&stack, child);
    let all = run.all();
    assert_eq!(run.code, 1, "{all}");
    assert_contains(
        &all,
        "reverted automatically during the bake: only 0 of 1 targets are healthy",
    );
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("blue"));
    assert_eq!(history(&stack), vec!["create", "auto-revert"]);
}

#[test]
fn failed_tasks_fail_the_gate_and_the_state_records_what_ecs_runs() {
    let (moto, stack) =
        applied_with_a_target_per_colour_on(&[("MOTO_ECS_SERVICE_FAILED_TASKS", "1")], &[]);
    let failed = apply_run(&stack, &moto, &["-var", "image=nginx:1.28"]);
    let all = failed.all();
    assert_eq!(failed.code, 1, "{all}");
    assert_contains(
        &all,
        "health gate failed, traffic was not switched: the ECS deployment failed",
    );
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("blue"));
    assert_eq!(desired_count(&moto, "green"), 0);
    // The state's green colour names the revision ECS now has for it (at zero tasks).
    let ecs_revision = moto.python(
        "import boto3\nprint(boto3.client('ecs').describe_services(cluster='web', services=['web-green'])['services'][0]['taskDefinition'])",
    );
    let state: serde_json::Value = stack.state();
    assert_eq!(
        state["deployments"]["aws_ecs_service.web"]["colours"]["green"]["task_definition"]
            .as_str()
            .unwrap_or_default(),
        ecs_revision.trim()
    );
}

#[test]
fn a_deploy_whose_state_cannot_be_saved_stops_and_rolls_back() {
    let vars = ["-var", "traffic_shift=linear"];
    let (moto, stack) = applied_with_a_target_per_colour(&vars);
    let child = spawn_apply(
        &stack,
        &moto,
        &[],
        &["-var", "traffic_shift=linear", "-var", "image=nginx:1.28"],
    );
    wait_for_output(&stack, "traffic: green 25%");
    // The state is written whole through `terraform.tfstate.tmp-<pid>`, and a step's record is
    // appended to `terraform.tfstate.infra-journal`: a directory in the place of the first, and
    // the journal swapped for a link to /dev/full, make every further save of this run fail as
    // a full disk would. The journal so far is kept aside (a second link to it, made first, so
    // no line is lost) and put back after the run, as a disk that comes back would have it.
    let blocker = stack.path().join(format!("terraform.tfstate.tmp-{}", child.id()));
    // The run may be writing through that very name right now: wait for its rename.
    let started = std::time::Instant::now();
    while let Err(error) = std::fs::create_dir(&blocker) {
        assert!(
            error.kind() == std::io::ErrorKind::AlreadyExists
                && started.elapsed() < std::time::Duration::from_secs(10),
            "block the state's temp file: {error}"
        );
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let journal = stack.path().join("terraform.tfstate.infra-journal");
    let journal_aside = stack.path().join("journal-aside");
    let _ = std::fs::hard_link(&journal, &journal_aside);
    let full = stack.path().join("journal-full");
    std::os::unix::fs::symlink("/dev/full", &full).expect("a link to /dev/full");
    std::fs::rename(&full, &journal).expect("swap the journal for /dev/full");
    let run = finished(&stack, child);
    // The disk comes back for the journal (reading /dev/full never ends).
    std::fs::remove_file(&journal).expect("unblock the journal");
    if journal_aside.exists() {
        std::fs::rename(&journal_aside, &journal).expect("put the journal back");
    }
    let all = run.all();
    assert_eq!(run.code, 1, "{all}");
    assert_contains(&all, "the deployment state could not be saved");
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("blue"));
    assert_eq!(desired_count(&moto, "green"), 0);
    // The next run, which can save, finds the journal and agrees with the listener.
    std::fs::remove_dir(&blocker).expect("unblock the state file");
    let shown = infra(&stack, Some(&moto), &["revert"]).ok().stdout;
    assert_contains(&shown, "all traffic is back on blue");
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("blue"));
    assert!(in_progress(&stack).is_null());
}

/// Where Application Auto Scaling has the service's scalable target, policies and scheduled
/// actions: the resource IDs of each, sorted.
fn scaling(moto: &Moto) -> [Vec<String>; 3] {
    let script = r#"
import boto3, json
a = boto3.client('application-autoscaling')
targets = [t['ResourceId'] for t in a.describe_scalable_targets(ServiceNamespace='ecs')['ScalableTargets']]
policies = [p['ResourceId'] for p in a.describe_scaling_policies(ServiceNamespace='ecs')['ScalingPolicies']]
actions = [s['ResourceId'] for s in a.describe_scheduled_actions(ServiceNamespace='ecs')['ScheduledActions']]
print(json.dumps([sorted(targets), sorted(policies), sorted(actions)]))
"#;
    serde_json::from_str(moto.python(script).trim()).expect("scaling")
}

fn all_on(resource_id: &str) -> [Vec<String>; 3] {
    [vec![resource_id.to_string()], vec![resource_id.to_string()], vec![resource_id.to_string()]]
}

#[test]
fn auto_scaling_of_a_blue_green_service_follows_the_live_colour() {
    // moto reports this many running tasks whatever the desired count: enough for the count
    // the scaling sets below.
    let moto = Moto::start_with_env(&[("MOTO_ECS_SERVICE_RUNNING", "2")]);
    let stack = Stack::from_fixture("examples/blue-green");
    let run = |command: &str, vars: &[&str]| {
        let mut args = vec![command, "-input=false"];
        if command != "plan" {
            args.push("-auto-approve");
        }
        args.extend(["-var", "autoscaling=true"]);
        args.extend(vars);
        infra(&stack, Some(&moto), &args).ok()
    };
    let no_changes = |vars: &[&str]| {
        let mut args = vec!["plan", "-input=false", "-detailed-exitcode"];
        args.extend(["-var", "autoscaling=true"]);
        args.extend(vars);
        let plan = infra(&stack, Some(&moto), &args).expect_code(0);
        assert_contains(&plan.stdout, "No changes.");
    };

    // 1. `service/web/web` is registered on the live colour's service (ECS has no `web`; AWS
    //    refuses a scalable target for a missing service, and so does moto).
    run("apply", &[]);
    assert_eq!(scaling(&moto), all_on("service/web/web-blue"));
    no_changes(&[]);

    // 2. The scaling raised the live colour to 2 tasks: the new colour starts at 2, not at the
    //    configured 1, and the scaling moves to it when it goes live.
    moto.python(
        "import boto3\nboto3.client('ecs').update_service(cluster='web', service='web-blue', desiredCount=2)",
    );
    register_target(&stack, &moto, "green", "10.0.1.10");
    register_target(&stack, &moto, "green", "10.0.1.11");
    let deployed = ["-var", "image=nginx:1.28"];
    let deploy = run("apply", &deployed);
    assert!(
        deploy.stdout.contains("green is live with revision 2")
            && deploy.stdout.contains("auto scaling moved to green"),
        "{}",
        deploy.stdout
    );
    assert_eq!(desired_count(&moto, "green"), 2);
    assert_eq!(scaling(&moto), all_on("service/web/web-green"));
    no_changes(&deployed);

    // 3. A change to the scaling is made where it is now, and shows the configured ID.
    let wider = ["-var", "image=nginx:1.28", "-var", "max_capacity=6"];
    let plan = run("plan", &wider);
    assert_contains(&plan.stdout, "# aws_appautoscaling_target.web[0] will be updated in-place");
    run("apply", &wider);
    assert_eq!(max_capacity(&moto, "service/web/web-green"), 6);
    no_changes(&wider);

    // 4. Revert: traffic back in one write, then the scaling follows.
    register_target(&stack, &moto, "blue", "10.0.0.10");
    register_target(&stack, &moto, "blue", "10.0.0.11");
    let revert = infra(&stack, Some(&moto), &["revert"]).ok();
    assert!(
        revert.stdout.contains("1 mutating AWS call (ModifyListener)")
            && revert.stdout.contains("Auto scaling moved to blue."),
        "{}",
        revert.stdout
    );
    assert_eq!(scaling(&moto), all_on("service/web/web-blue"));
    assert_eq!(max_capacity(&moto, "service/web/web-blue"), 6);
    // The plan shows the reverted deploy again, and nothing of the scaling.
    let plan = run("plan", &wider);
    assert!(
        plan.stdout.contains("green ← revision 2 (live: blue, revision 1)")
            && plan.stdout.contains("Plan: 0 to add, 1 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );

    // 5. Destroy deregisters it from where it is.
    run("destroy", &wider);
    assert_eq!(scaling(&moto), <[Vec<String>; 3]>::default());
}

fn max_capacity(moto: &Moto, resource_id: &str) -> i64 {
    moto.python(&format!(
        "import boto3\nprint(boto3.client('application-autoscaling').describe_scalable_targets(ServiceNamespace='ecs', ResourceIds=['{resource_id}'])['ScalableTargets'][0]['MaxCapacity'])"
    ))
    .trim()
    .parse()
    .expect("a max capacity")
}

/// Terraform (or OpenTofu) rewrote the state file and dropped infra's `infra` key, and with
/// it the deployment records: the next run re-derives the live colour from the listener and
/// the colours' services, says so, plans nothing, and the apply after it keeps the record.
#[test]
fn a_state_rewritten_without_infras_records_re_derives_the_live_colour() {
    let (moto, stack) = applied_with_a_target_per_colour(&[]);
    let apply_v2 = || {
        let args = ["apply", "-input=false", "-auto-approve", "-var", "image=nginx:1.28"];
        infra(&stack, Some(&moto), &args).ok()
    };
    apply_v2();
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("green"));
    let mut file: serde_json::Value =
        serde_json::from_str(&stack.read("terraform.tfstate")).unwrap();
    file.as_object_mut().unwrap().remove("infra");
    stack.write("terraform.tfstate", &serde_json::to_string_pretty(&file).unwrap());

    let plan = plan_run(&stack, &moto, &["-var", "image=nginx:1.28"]);
    assert_eq!(plan.code, 0, "{}", plan.all());
    assert!(
        plan.all()
            .contains("aws_ecs_service.web: its blue/green record was missing from the state"),
        "{}",
        plan.all()
    );
    assert!(plan.all().contains("green is live"), "{}", plan.all());
    apply_v2();
    let state = stack.state();
    let deployment = &state["deployments"]["aws_ecs_service.web"];
    assert_eq!(deployment["live"], "green", "{state}");
    assert_eq!(deployment["standby"], "blue", "{state}");
    let revert = infra(&stack, Some(&moto), &["revert"]).ok();
    assert_contains(&revert.stdout, "blue");
    assert_eq!(weights(&stack, &moto, "listener_arn"), only("blue"));
}
