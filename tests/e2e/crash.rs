//! A `kill -9` in the middle of an apply, at several moments, followed by a clean recovery:
//! no duplicates, no orphans, and a plan with no changes.

use std::process::Stdio;
use std::time::Duration;

use infra_testkit::{infra_command, Moto, Stack};

use super::{command_with_password, emulator_objects, infra, managed_objects, BINARY};

#[test]
fn an_apply_killed_at_any_moment_converges_without_duplicates() {
    for delay_ms in [30u64, 150, 400, 900] {
        let moto = Moto::start();
        let stack = Stack::from_fixture("tests/fixtures/network");
        let mut child = infra_command(BINARY, stack.path(), Some(&moto))
            .args(["apply", "-input=false", "-auto-approve", "-parallelism=1"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start infra apply");
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();

        let recovered = infra(
            &stack,
            Some(&moto),
            &["apply", "-input=false", "-auto-approve"],
        );
        assert_eq!(
            recovered.code,
            0,
            "kill after {delay_ms} ms: {}",
            recovered.all()
        );
        let plan = infra(
            &stack,
            Some(&moto),
            &["plan", "-input=false", "-detailed-exitcode"],
        );
        assert_eq!(
            plan.code,
            0,
            "kill after {delay_ms} ms, then a plan: {}",
            plan.all()
        );
        assert_eq!(
            managed_objects(&moto),
            vec!["sg", "subnet", "subnet", "vpc"],
            "kill after {delay_ms} ms"
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
        assert!(
            leftovers.is_empty(),
            "kill after {delay_ms} ms: {leftovers:?}"
        );
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
    let apply = [
        "apply",
        "-input=false",
        "-auto-approve",
        "-var-file=envs/dev.tfvars",
    ];
    let with_password =
        |stack: &Stack, moto: &Moto| command_with_password(stack, moto, "crash-test-password");
    // What one uninterrupted apply makes.
    let expected = {
        let moto = Moto::start();
        let stack = Stack::from_fixture("infrastructure");
        infra_testkit::run(with_password(&stack, &moto), &apply).ok();
        kinds(&moto)
    };
    for delay_ms in [200u64, 700, 1500] {
        let moto = Moto::start();
        let stack = Stack::from_fixture("infrastructure");
        let mut child = with_password(&stack, &moto)
            .args(apply)
            .arg("-parallelism=2")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start infra apply");
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();

        let recovered = infra_testkit::run(with_password(&stack, &moto), &apply);
        assert_eq!(
            recovered.code,
            0,
            "kill after {delay_ms} ms: {}",
            recovered.all()
        );
        let plan = infra_testkit::run(
            with_password(&stack, &moto),
            &[
                "plan",
                "-input=false",
                "-detailed-exitcode",
                "-var-file=envs/dev.tfvars",
            ],
        );
        assert_eq!(
            plan.code,
            0,
            "kill after {delay_ms} ms, then a plan: {}",
            plan.all()
        );
        assert_eq!(kinds(&moto), expected, "kill after {delay_ms} ms");
    }
}
