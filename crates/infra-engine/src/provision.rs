//! Runs `local-exec` provisioners, as Terraform's `builtin/provisioners/local-exec` does: the
//! interpreter (`/bin/sh -c` by default) with the command as its last argument, infra's
//! environment plus `environment`, in `working_dir`, stdout and stderr into one pipe whose
//! lines are reported as they come ([`Event::ProvisionOutput`]). A failure's message ends with
//! the last 8 KiB of what the command printed.

use std::os::fd::OwnedFd;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use infra_config::LocalExec;
use infra_core::{Address, ProviderError};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::observer::{Event, Observer};

/// How much of a command's output a failure's message keeps (Terraform's `maxBufSize`).
const KEPT_OUTPUT: usize = 8 * 1024;

/// How long output is still read after the command exits: a process it left in the
/// background may hold the pipe open for good.
const DRAIN_AFTER_EXIT: Duration = Duration::from_secs(1);

/// Runs the provisioners in order. One that fails stops the rest, unless its `on_failure` is
/// `continue`.
pub(crate) async fn run(
    address: &Address,
    provisioners: &[LocalExec],
    observer: &dyn Observer,
) -> Result<(), ProviderError> {
    for provisioner in provisioners {
        let provisioner_event = |finished: Option<bool>| Event::Provisioning {
            address: address.clone(),
            provisioner: LocalExec::KIND,
            failed: finished,
        };
        observer.event(provisioner_event(None));
        let outcome = run_one(address, provisioner, observer).await;
        observer.event(provisioner_event(Some(outcome.is_err())));
        match outcome {
            Ok(()) => {}
            Err(error) if provisioner.continue_on_failure => {
                tracing::warn!(%address, %error, "a provisioner failed; continuing, as on_failure = continue asks");
            }
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

async fn run_one(
    address: &Address,
    provisioner: &LocalExec,
    observer: &dyn Observer,
) -> Result<(), ProviderError> {
    let output = |line: String| {
        let line = if provisioner.sensitive {
            "(output suppressed due to sensitive value in config)".to_string()
        } else {
            line
        };
        observer.event(Event::ProvisionOutput {
            address: address.clone(),
            provisioner: LocalExec::KIND,
            line,
        });
    };
    let mut arguments = provisioner.interpreter.clone();
    arguments.push(provisioner.command.clone());
    if provisioner.quiet {
        output("local-exec: Executing: Suppressed by quiet=true".into());
    } else {
        let quoted: Vec<String> = arguments.iter().map(|a| format!("{a:?}")).collect();
        output(format!("Executing: [{}]", quoted.join(" ")));
    }
    let mut kept = Vec::new();
    let status = execute(provisioner, &arguments, |line| {
        keep_tail(&mut kept, &line);
        output(String::from_utf8_lossy(&line).trim_end().to_string());
    })
    .await;
    let failure = match status {
        Ok(status) if status.success() => return Ok(()),
        Ok(status) => exit_text(status),
        Err(error) => error.to_string(),
    };
    let at = provisioner.location.as_ref().map(|l| format!(" ({l})")).unwrap_or_default();
    let message = if provisioner.sensitive {
        format!("local-exec provisioner error{at}: Error running command (not shown: the provisioner's configuration holds a sensitive value): {failure}.")
    } else {
        format!(
            "local-exec provisioner error{at}: Error running command '{}': {failure}. Output: {}",
            provisioner.command,
            String::from_utf8_lossy(&kept).trim_end()
        )
    };
    tracing::debug!(%address, "{message}");
    Err(ProviderError::new(message))
}

/// Starts the command, hands each line it prints (stdout and stderr, as they come) to
/// `line`, and waits for it to exit.
async fn execute(
    provisioner: &LocalExec,
    arguments: &[String],
    mut line: impl FnMut(Vec<u8>),
) -> std::io::Result<ExitStatus> {
    let (sender, receiver) = tokio::net::unix::pipe::pipe()?;
    let stdout: OwnedFd = sender.into_blocking_fd()?;
    let stderr = stdout.try_clone()?;
    let mut command = tokio::process::Command::new(&arguments[0]);
    command
        .args(&arguments[1..])
        .envs(provisioner.environment.iter().cloned())
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .kill_on_drop(true);
    if let Some(dir) = &provisioner.working_dir {
        command.current_dir(dir);
    }
    let mut child = command.spawn()?;
    // The command holds the pipe's write end now; ours must close for the read to end.
    drop(command);
    let mut reader = BufReader::new(receiver);
    let mut buffer = Vec::new();
    let mut exited = None;
    loop {
        // A read cut short by the exit keeps what it read in `buffer` (`read_until` is
        // cancel-safe that way), and the next read goes on from there.
        let read = match exited {
            None => tokio::select! {
                read = reader.read_until(b'\n', &mut buffer) => read,
                status = child.wait() => {
                    exited = Some(status?);
                    continue;
                }
            },
            Some(_) => {
                match tokio::time::timeout(DRAIN_AFTER_EXIT, reader.read_until(b'\n', &mut buffer))
                    .await
                {
                    Ok(read) => read,
                    Err(_) => break,
                }
            }
        };
        match read {
            Ok(0) => break,
            Ok(_) => line(std::mem::take(&mut buffer)),
            Err(error) => return Err(error),
        }
    }
    match exited {
        Some(status) => Ok(status),
        None => child.wait().await,
    }
}

/// Go's words for an exit that is not success, as Terraform's message has them.
fn exit_text(status: ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit status {code}"),
        (None, Some(signal)) => format!("signal {signal}"),
        (None, None) => status.to_string(),
    }
}

/// Appends `line` to `kept`, keeping only the last [`KEPT_OUTPUT`] bytes.
fn keep_tail(kept: &mut Vec<u8>, line: &[u8]) {
    kept.extend_from_slice(line);
    if kept.len() > KEPT_OUTPUT {
        kept.drain(..kept.len() - KEPT_OUTPUT);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Recorded(Mutex<Vec<String>>);

    impl Observer for Recorded {
        fn event(&self, event: Event) {
            let line = match event {
                Event::ProvisionOutput { line, .. } => line,
                Event::Provisioning { failed: None, .. } => "<start>".into(),
                Event::Provisioning { failed: Some(failed), .. } => {
                    format!("<end failed={failed}>")
                }
                _ => return,
            };
            self.0.lock().unwrap().push(line);
        }
    }

    fn local_exec(command: &str) -> LocalExec {
        LocalExec {
            command: command.into(),
            interpreter: vec!["/bin/sh".into(), "-c".into()],
            working_dir: None,
            environment: Vec::new(),
            quiet: false,
            continue_on_failure: false,
            sensitive: false,
            location: None,
        }
    }

    fn address() -> Address {
        "null_resource.build".parse().unwrap()
    }

    fn run_now(provisioners: &[LocalExec]) -> (Result<(), ProviderError>, Vec<String>) {
        let observer = Recorded::default();
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let outcome = runtime.block_on(run(&address(), provisioners, &observer));
        (outcome, observer.0.into_inner().unwrap())
    }

    #[test]
    fn output_of_both_streams_is_reported_line_by_line_with_the_environment_and_directory() {
        let dir = std::env::temp_dir();
        let mut provisioner = local_exec("echo \"$GREETING\"; echo to-stderr >&2; pwd");
        provisioner.environment = vec![("GREETING".into(), "hello there".into())];
        provisioner.working_dir = Some(dir.display().to_string());
        let (outcome, lines) = run_now(&[provisioner]);
        assert!(outcome.is_ok(), "{outcome:?}");
        let canonical = dir.canonicalize().unwrap();
        assert_eq!(
            lines,
            [
                "<start>",
                r#"Executing: ["/bin/sh" "-c" "echo \"$GREETING\"; echo to-stderr >&2; pwd"]"#,
                "hello there",
                "to-stderr",
                &canonical.display().to_string(),
                "<end failed=false>",
            ]
        );
    }

    #[test]
    fn a_failure_stops_the_rest_and_says_the_exit_status_and_output() {
        let (outcome, lines) =
            run_now(&[local_exec("echo partial; exit 3"), local_exec("echo never")]);
        let error = outcome.unwrap_err().message;
        assert_eq!(
            error,
            "local-exec provisioner error: Error running command 'echo partial; exit 3': exit status 3. Output: partial"
        );
        assert!(!lines.iter().any(|l| l == "never"), "{lines:?}");
        assert_eq!(lines.last().map(String::as_str), Some("<end failed=true>"));
    }

    #[test]
    fn on_failure_continue_runs_the_next_one() {
        let mut failing = local_exec("exit 1");
        failing.continue_on_failure = true;
        let (outcome, lines) = run_now(&[failing, local_exec("echo next")]);
        assert!(outcome.is_ok(), "{outcome:?}");
        assert!(lines.iter().any(|l| l == "next"), "{lines:?}");
    }

    #[test]
    fn a_sensitive_configuration_shows_neither_the_command_nor_its_output() {
        let mut provisioner = local_exec("echo s3cret; exit 1");
        provisioner.sensitive = true;
        let (outcome, lines) = run_now(&[provisioner]);
        let error = outcome.unwrap_err().message;
        assert!(!error.contains("s3cret"), "{error}");
        assert!(lines.iter().all(|l| !l.contains("s3cret")), "{lines:?}");
        assert!(lines.iter().any(|l| l == "(output suppressed due to sensitive value in config)"));
    }

    #[test]
    fn a_missing_interpreter_is_an_error_not_a_panic() {
        let mut provisioner = local_exec("true");
        provisioner.interpreter = vec!["/nonexistent/interpreter".into()];
        let (outcome, _) = run_now(&[provisioner]);
        let error = outcome.unwrap_err().message;
        assert!(error.contains("Error running command 'true'"), "{error}");
    }

    #[test]
    fn a_command_that_leaves_a_process_behind_does_not_hold_the_apply() {
        let (outcome, lines) = run_now(&[local_exec("sleep 5 & echo started")]);
        assert!(outcome.is_ok(), "{outcome:?}");
        assert!(lines.iter().any(|l| l == "started"), "{lines:?}");
    }
}
