//! Two runs at once: the second is refused and names the holder.

use std::path::PathBuf;
use std::time::Duration;

use infra_state::{Backend, LocalBackend, LockInfo};
use infra_testkit::{Moto, Stack};

use super::infra;

#[test]
fn a_held_lock_refuses_the_second_run_and_names_the_holder() {
    let moto = Moto::start();
    let stack = Stack::from_fixture("tests/fixtures/network");
    infra(
        &stack,
        Some(&moto),
        &["apply", "-input=false", "-auto-approve"],
    )
    .ok();
    let before = stack.read("terraform.tfstate");

    let backend = LocalBackend::new(PathBuf::from(stack.path().join("terraform.tfstate")));
    let holder = LockInfo::new("OperationTypeApply", "terraform.tfstate");
    let guard = backend
        .lock(holder.clone(), Duration::ZERO)
        .expect("the test takes the lock");

    let refused = infra(
        &stack,
        Some(&moto),
        &[
            "apply",
            "-input=false",
            "-auto-approve",
            "-var",
            "name=other",
        ],
    )
    .expect_code(1);
    assert!(
        refused.stderr.contains("Error acquiring the state lock"),
        "{}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains(&holder.id),
        "the holder's lock ID is named: {}",
        refused.stderr
    );
    assert!(
        refused.stderr.contains("OperationTypeApply"),
        "{}",
        refused.stderr
    );
    assert_eq!(stack.read("terraform.tfstate"), before);

    // -lock-timeout waits for the holder: held throughout, the run is refused, and not
    // before its timeout has passed.
    let started = std::time::Instant::now();
    let waited = infra(
        &stack,
        Some(&moto),
        &["plan", "-input=false", "-lock-timeout=2s"],
    )
    .expect_code(1);
    assert!(
        waited.stderr.contains("Error acquiring the state lock"),
        "{}",
        waited.stderr
    );
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "refused after {:?}, before its -lock-timeout of 2s",
        started.elapsed()
    );
    // Released while a run waits, the waiting run goes on.
    let mut waiting = infra_testkit::infra_command(super::BINARY, stack.path(), Some(&moto))
        .args(["plan", "-input=false", "-lock-timeout=60s"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start plan");
    std::thread::sleep(Duration::from_secs(2));
    if waiting.try_wait().expect("poll the plan").is_some() {
        let output = waiting.wait_with_output().expect("the plan's output");
        panic!(
            "the plan did not wait for the lock: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    drop(guard);
    let output = waiting.wait_with_output().expect("the plan's output");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // -lock=false skips the lock entirely.
    let _guard = backend
        .lock(LockInfo::new("OperationTypePlan", "x"), Duration::ZERO)
        .unwrap();
    infra(
        &stack,
        Some(&moto),
        &["plan", "-input=false", "-lock=false"],
    )
    .ok();
}
