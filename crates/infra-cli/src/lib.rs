//! The `infra` command line: parses arguments, builds one tokio runtime, runs a command, and
//! maps the result to an exit code. The only crate that prints, and the only one that uses
//! `anyhow`.

mod args;
mod commands;
mod encryption;
mod interrupt;
mod json_ui;
mod logging;
mod progress;
mod session;
mod state_json;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// What the process exits with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    Error = 1,
    /// `-detailed-exitcode`: the plan has changes.
    Changes = 2,
    /// `fmt -check`: files would change.
    FormatNeeded = 3,
}

/// An error already reported to the user (diagnostics printed); just exit 1.
#[derive(Debug)]
pub struct Reported;

impl std::fmt::Display for Reported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("(reported)")
    }
}

impl std::error::Error for Reported {}

pub fn main() -> ExitCode {
    exit_quietly_on_broken_pipe();
    let raw: Vec<String> = std::env::args().collect();
    let normalized = args::normalize(raw);
    let cli = match args::Cli::try_parse_from(&normalized) {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { 1 } else { 0 };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    if let Err(error) = logging::init() {
        eprintln!("Error: {error}");
        return ExitCode::from(1);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("Error: cannot start the async runtime: {error}");
            return ExitCode::from(1);
        }
    };
    let variable_sources = args::ordered_variable_sources(&normalized);
    let result = runtime.block_on(commands::run(cli, variable_sources));
    let _ = std::io::stdout().flush();
    match result {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(error) => {
            if error.downcast_ref::<Reported>().is_none() {
                if is_broken_pipe(&error) {
                    return ExitCode::from(0);
                }
                if json_ui::enabled() {
                    json_ui::error(&format!("{error}"), format!("{error:#}"), None);
                } else {
                    eprintln!("\nError: {error:#}");
                }
            }
            ExitCode::from(Exit::Error as u8)
        }
    }
}

/// `infra plan | head` closes stdout early; like other command-line tools, stop quietly
/// (exit 0) instead of reporting a panic from `println!`.
fn exit_quietly_on_broken_pipe() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.contains("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default_hook(info);
    }));
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}
