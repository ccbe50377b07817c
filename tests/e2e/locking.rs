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

    // -lock-timeout waits for the holder.
    let releaser = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(800));
        drop(guard);
    });
    infra(
        &stack,
        Some(&moto),
        &["plan", "-input=false", "-lock-timeout=20s"],
    )
    .ok();
    releaser.join().unwrap();

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
