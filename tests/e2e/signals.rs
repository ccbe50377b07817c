//! SIGINT and SIGTERM during an apply, with the real binary: the first signal lets the
//! operations in flight finish, saves them, releases the lock and exits 1 with "Interrupted:
//! N operations finished, M not started"; a second exits at once. Either way the next apply
//! converges with no duplicates.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use infra_testkit::{infra_command, Moto, Stack};

use super::{apply_ok, infra, plan_is_clean, BINARY, NO_VARS};

const GROUPS: usize = 60;

fn stack() -> Stack {
    let stack = Stack::new();
    stack.write(
        "main.tf",
        &format!(
            r#"
resource "aws_cloudwatch_log_group" "app" {{
  count = {GROUPS}
  name  = "/signals/app-${{count.index}}"
}}
"#
        ),
    );
    stack
}

/// Starts `apply -parallelism=1` and returns once its first create has finished.
fn apply_until_first_create(
    stack: &Stack,
    moto: &Moto,
) -> (Child, BufReader<std::process::ChildStdout>) {
    let mut child = infra_command(BINARY, stack.path(), Some(moto))
        .args(["apply", "-input=false", "-auto-approve", "-parallelism=1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start infra");
    let first_create = child.stdout.take().map(BufReader::new).and_then(|mut stdout| {
        let mut line = String::new();
        loop {
            line.clear();
            if stdout.read_line(&mut line).unwrap_or(0) == 0 {
                return None;
            }
            if line.contains("Creation complete") {
                return Some(stdout);
            }
        }
    });
    match first_create {
        Some(stdout) => (child, stdout),
        None => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the apply's output ended before its first create finished");
        }
    }
}

fn signal(child: &Child, name: &str) {
    let sent = Command::new("kill")
        .args([format!("-{name}"), child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(sent.success());
}

/// Log groups of this stack in the emulator.
fn groups(moto: &Moto) -> usize {
    moto.python(
        "import boto3\nlogs = boto3.client('logs')\nprint(sum(len(p['logGroups']) for p in logs.get_paginator('describe_log_groups').paginate(logGroupNamePrefix='/signals/')))",
    )
    .trim()
    .parse()
    .expect("a count")
}

fn finish(child: Child, mut stdout: BufReader<std::process::ChildStdout>) -> (i32, String) {
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).expect("read stdout");
    let output = child.wait_with_output().expect("wait for infra");
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn a_first_signal_finishes_what_is_in_flight_saves_and_exits_1() {
    for name in ["INT", "TERM"] {
        let moto = Moto::start();
        let stack = stack();
        let (child, stdout) = apply_until_first_create(&stack, &moto);
        signal(&child, name);
        let (code, stderr) = finish(child, stdout);
        assert_eq!(code, 1, "SIG{name}: {stderr}");
        assert!(stderr.contains("Interrupt received."), "SIG{name}: {stderr}");
        let summary = stderr
            .lines()
            .find_map(|line| line.split("Interrupted: ").nth(1))
            .unwrap_or_else(|| panic!("SIG{name}: no summary in {stderr}"));
        let numbers: Vec<usize> =
            summary.split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse().ok()).collect();
        let [finished, not_started] = numbers[..] else {
            panic!("SIG{name}: {summary}");
        };
        assert!(finished >= 1 && not_started >= 1, "SIG{name}: {summary}");
        assert_eq!(finished + not_started, GROUPS, "SIG{name}: {summary}");
        // What finished is in the state, and in the emulator; the lock is released.
        let listed = infra(&stack, Some(&moto), &["state", "list"]).ok().stdout;
        assert_eq!(listed.lines().count(), finished, "SIG{name}: {listed}");
        assert_eq!(groups(&moto), finished);
        apply_ok(&stack, &moto, NO_VARS);
        plan_is_clean(&stack, &moto, NO_VARS, "after the interrupted apply was run again");
        assert_eq!(groups(&moto), GROUPS);
    }
}

#[test]
fn a_second_signal_exits_at_once_and_the_next_apply_converges() {
    let moto = Moto::start();
    let stack = stack();
    // A create that takes a minute keeps the graceful shutdown waiting, so that the second
    // signal surely comes while the first is being honoured.
    stack.write(
        "slow.tf",
        r#"
variable "sleep" {
  type    = string
  default = "60s"
}

resource "time_sleep" "slow" {
  create_duration = var.sleep
}
"#,
    );
    let mut child = infra_command(BINARY, stack.path(), Some(&moto))
        .args(["apply", "-input=false", "-auto-approve", "-parallelism=2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start infra");
    let stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let (lines, seen) = std::sync::mpsc::channel();
    for reader in
        [Box::new(stdout) as Box<dyn BufRead + Send>, Box::new(stderr) as Box<dyn BufRead + Send>]
    {
        let lines = lines.clone();
        std::thread::spawn(move || {
            for line in reader.lines().map_while(Result::ok) {
                let _ = lines.send(line);
            }
        });
    }
    drop(lines);
    let wait_for = |text: &str| {
        let mut all = String::new();
        for line in seen.iter() {
            all.push_str(&line);
            all.push('\n');
            if line.contains(text) {
                return all;
            }
        }
        panic!("infra ended before printing {text:?}:\n{all}");
    };
    wait_for("Creation complete");
    signal(&child, "INT");
    wait_for("Interrupt received.");
    signal(&child, "INT");
    let rest = wait_for("Two interrupts received. Exiting immediately.");
    let status = child.wait().expect("wait for infra");
    assert_eq!(status.code(), Some(1), "{rest}");
    // The local lock is the operating system's: it went with the process. The sleep that was
    // in flight is in the pending journal, and the next run resolves it (a short sleep now).
    let short = ["-var=sleep=1s"];
    apply_ok(&stack, &moto, &short);
    plan_is_clean(&stack, &moto, &short, "after the run that exited at once");
    assert_eq!(groups(&moto), GROUPS);
}
