//! A `kill -9` in the middle of an apply, at several moments, followed by a clean recovery:
//! no duplicates, no orphans, and a plan with no changes.

use std::process::Stdio;
use std::time::Duration;

use infra_testkit::{infra_command, Moto, Stack};

use super::{
    apply_run, command_with_password, emulator_objects, managed_objects, plan_run, BINARY, NO_VARS,
};

/// How many operations of the apply have started ("...: Creating...").
fn started(output: &str) -> usize {
    output.matches(": Creating...").count()
}

/// Starts `command` with its output to `apply.stdout` in the stack, waits until that output
/// satisfies `moment`, and kills it there with SIGKILL. Each moment leaves work to do, so the
/// kill lands before the apply ends: the test checks that it did.
fn kill_at(stack: &Stack, mut command: std::process::Command, moment: &dyn Fn(&str) -> bool) {
    let path = stack.path().join("apply.stdout");
    let mut child = command
        .stdout(std::fs::File::create(&path).expect("stdout file"))
        .stderr(Stdio::null())
        .spawn()
        .expect("start infra apply");
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while !moment(&std::fs::read_to_string(&path).unwrap_or_default()) {
        assert!(
            std::time::Instant::now() < deadline,
            "the apply never reached the moment: {}",
            std::fs::read_to_string(&path).unwrap_or_default()
        );
        if let Some(status) = child.try_wait().expect("poll the apply") {
            panic!(
                "the apply ended ({status}) before the moment: {}",
                std::fs::read_to_string(&path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let _ = child.kill(); // SIGKILL
    let status = child.wait().expect("wait for the killed apply");
    let output = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        status.code().is_none() && !output.contains("Apply complete!"),
        "the kill landed after the apply ended ({status}): {output}"
    );
}

/// A moment to kill the apply at: its name, and whether the apply's output has reached it.
type Moment<'a> = (&'a str, &'a dyn Fn(&str) -> bool);

#[test]
fn an_apply_killed_at_any_moment_converges_without_duplicates() {
    // The VPC's create in flight; the VPC made and nothing else; the third and the fourth
    // (last) create started.
    let moments: [Moment; 4] = [
        ("the VPC's create", &|out| started(out) >= 1),
        ("after the VPC", &|out| out.contains("aws_vpc.main: Creation complete")),
        ("the third create", &|out| started(out) >= 3),
        ("the last create", &|out| started(out) >= 4),
    ];
    for (moment_name, moment) in moments {
        let moto = Moto::start();
        let stack = Stack::from_fixture("tests/fixtures/network");
        let mut command = infra_command(BINARY, stack.path(), Some(&moto));
        command.args(["apply", "-input=false", "-auto-approve", "-parallelism=1"]);
        kill_at(&stack, command, moment);

        let recovered = apply_run(&stack, &moto, NO_VARS);
        assert_eq!(recovered.code, 0, "kill at {moment_name}: {}", recovered.all());
        let plan = plan_run(&stack, &moto, NO_VARS);
        assert_eq!(plan.code, 0, "kill at {moment_name}, then a plan: {}", plan.all());
        assert_eq!(
            managed_objects(&moto),
            vec!["sg", "subnet", "subnet", "vpc"],
            "kill at {moment_name}"
        );
        let state: serde_json::Value = stack.state();
        assert!(
            state["pending"].as_array().is_none_or(|p| p.is_empty()),
            "pending left: {}",
            state["pending"]
        );
        // A temp file the killed run was writing is gone once the next run holds the lock.
        let leftovers: Vec<String> = std::fs::read_dir(stack.path())
            .expect("stack dir")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name.contains(".tmp-"))
            .collect();
        assert!(leftovers.is_empty(), "kill at {moment_name}: {leftovers:?}");
    }
}

/// The kinds of object in the emulator, counted (`vpc` → 1, `subnet` → 4, ...).
fn kinds(moto: &Moto) -> std::collections::BTreeMap<String, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for object in emulator_objects(moto) {
        let kind = object.split(' ').next().unwrap_or_default().to_string();
        *counts.entry(kind).or_insert(0) += 1;
    }
    counts
}

#[test]
fn the_reference_stack_killed_at_several_moments_converges_without_duplicates() {
    let apply = ["apply", "-input=false", "-auto-approve", "-var-file=envs/dev.tfvars"];
    let with_password =
        |stack: &Stack, moto: &Moto| command_with_password(stack, moto, "crash-test-password");
    // What one uninterrupted apply makes.
    let expected = {
        let moto = Moto::start();
        let stack = Stack::from_fixture("infrastructure");
        infra_testkit::run(with_password(&stack, &moto), &apply).ok();
        kinds(&moto)
    };
    // After the first, the eighth and the sixteenth create started, of many more.
    for creates in [1usize, 8, 16] {
        let moment_name = format!("{creates} creates");
        let moto = Moto::start();
        let stack = Stack::from_fixture("infrastructure");
        let mut command = with_password(&stack, &moto);
        command.args(apply).arg("-parallelism=2");
        kill_at(&stack, command, &|out| started(out) >= creates);

        let recovered = infra_testkit::run(with_password(&stack, &moto), &apply);
        assert_eq!(recovered.code, 0, "kill at {moment_name}: {}", recovered.all());
        let plan = infra_testkit::run(
            with_password(&stack, &moto),
            &["plan", "-input=false", "-detailed-exitcode", "-var-file=envs/dev.tfvars"],
        );
        assert_eq!(plan.code, 0, "kill at {moment_name}, then a plan: {}", plan.all());
        assert_eq!(kinds(&moto), expected, "kill at {moment_name}");
    }
}
