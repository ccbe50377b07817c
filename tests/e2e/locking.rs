//! Two runs at once: the second is refused and names the holder.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use infra_state::{Backend, LocalBackend, LockInfo};
use infra_testkit::{Moto, Stack};

use super::{apply_run, assert_contains, infra, NO_VARS};

#[test]
fn a_held_lock_refuses_the_second_run_and_names_the_holder() {
    let moto = Moto::start();
    let stack = Stack::from_fixture("tests/fixtures/network");
    apply_run(&stack, &moto, NO_VARS).ok();
    let before = stack.read("terraform.tfstate");

    let backend = LocalBackend::new(stack.path().join("terraform.tfstate"));
    let holder = LockInfo::new("OperationTypeApply", "terraform.tfstate");
    let guard = backend.lock(holder.clone(), Duration::ZERO).expect("the test takes the lock");

    let refused = apply_run(&stack, &moto, &["-var", "name=other"]).expect_code(1);
    assert_contains(&refused.stderr, "Error acquiring the state lock");
    assert!(
        refused.stderr.contains(&holder.id),
        "the holder's lock ID is named: {}",
        refused.stderr
    );
    assert_contains(&refused.stderr, "OperationTypeApply");
    assert_eq!(stack.read("terraform.tfstate"), before);

    // -lock-timeout waits for the holder: held throughout, the run is refused, and not
    // before its timeout has passed.
    let started = std::time::Instant::now();
    let waited =
        infra(&stack, Some(&moto), &["plan", "-input=false", "-lock-timeout=2s"]).expect_code(1);
    assert_contains(&waited.stderr, "Error acquiring the state lock");
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
        panic!("the plan did not wait for the lock: {}", String::from_utf8_lossy(&output.stderr));
    }
    drop(guard);
    let output = waiting.wait_with_output().expect("the plan's output");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));

    // -lock=false skips the lock entirely.
    let _guard = backend.lock(LockInfo::new("OperationTypePlan", "x"), Duration::ZERO).unwrap();
    infra(&stack, Some(&moto), &["plan", "-input=false", "-lock=false"]).ok();
}

/// What Terraform 1.x does to lock a local state (`statemgr.Filesystem.Lock`): an fcntl write
/// lock (`F_SETLK`, which Python's `lockf` takes) on the whole state file, and its lock info in
/// `.terraform.tfstate.lock.info`. Holds it until stdin closes; with `try`, only says whether
/// it could take it.
const TERRAFORM_LOCK: &str = r#"
import fcntl, json, sys
state, info, mode = sys.argv[1], sys.argv[2], sys.argv[3]
f = open(state, "a+")
try:
    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
except OSError:
    print("refused", flush=True)
    sys.exit(0)
if mode == "try":
    print("granted", flush=True)
    sys.exit(0)
with open(info, "w") as out:
    json.dump({"ID": "6c2a9c1e-0000-4000-8000-000000000001", "Operation": "OperationTypeApply",
               "Info": "", "Who": "alice@laptop", "Version": "1.12.0",
               "Created": "2026-11-25T10:00:00.000000Z", "Path": "terraform.tfstate"}, out)
print("locked", flush=True)
sys.stdin.readline()
"#;

fn terraform_lock(stack: &Stack, mode: &str) -> std::process::Child {
    Command::new("python3")
        .args(["-c", TERRAFORM_LOCK])
        .arg(stack.path().join("terraform.tfstate"))
        .arg(stack.path().join(".terraform.tfstate.lock.info"))
        .arg(mode)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3")
}

fn first_line(child: &mut std::process::Child) -> String {
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    line.trim().to_string()
}

/// Terraform (or OpenTofu) and infra on one local state exclude each other: a state Terraform
/// has locked refuses infra, which names Terraform's holder, and while infra holds the lock
/// (here, waiting for approval) Terraform's lock is refused.
#[test]
fn terraform_and_infra_exclude_each_other_on_a_local_state() {
    let stack = Stack::new();
    let config =
        |input: &str| format!("resource \"terraform_data\" \"x\" {{\n  input = \"{input}\"\n}}\n");
    stack.write("main.tf", &config("a"));
    infra(&stack, None, &["apply", "-input=false", "-auto-approve"]).ok();
    let before = stack.read("terraform.tfstate");

    let mut terraform = terraform_lock(&stack, "hold");
    assert_eq!(first_line(&mut terraform), "locked");
    let refused = infra(&stack, None, &["plan", "-input=false"]).expect_code(1);
    assert!(
        refused.stderr.contains("Error acquiring the state lock")
            && refused.stderr.contains("6c2a9c1e-0000-4000-8000-000000000001")
            && refused.stderr.contains("alice@laptop"),
        "{}",
        refused.stderr
    );
    drop(terraform.stdin.take());
    assert!(terraform.wait().unwrap().success());
    assert_eq!(stack.read("terraform.tfstate"), before);

    stack.write("main.tf", &config("b"));
    let mut apply = infra_testkit::infra_command(super::BINARY, stack.path(), None)
        .arg("apply")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start apply");
    let mut printed = Vec::new();
    let mut stdout = apply.stdout.take().unwrap();
    let mut byte = [0u8; 1];
    while !String::from_utf8_lossy(&printed).contains("Enter a value:") {
        assert_eq!(
            stdout.read(&mut byte).unwrap(),
            1,
            "apply ended before asking: {}",
            String::from_utf8_lossy(&printed)
        );
        printed.push(byte[0]);
    }
    let mut attempt = terraform_lock(&stack, "try");
    assert_eq!(first_line(&mut attempt), "refused", "Terraform took infra's lock");
    attempt.wait().unwrap();
    apply.stdin.take().unwrap().write_all(b"no\n").unwrap();
    apply.wait().unwrap();
    let mut attempt = terraform_lock(&stack, "try");
    assert_eq!(first_line(&mut attempt), "granted", "infra let go of the lock");
    attempt.wait().unwrap();
}
