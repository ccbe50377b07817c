//! Logs, as Terraform's `TF_LOG` gives them: `INFRA_LOG` (or `TF_LOG`) sets the level,
//! `INFRA_LOG_PATH` (or `TF_LOG_PATH`) sends them to a file instead of stderr, and
//! `INFRA_LOG_FORMAT=json` (or `TF_LOG=json`) prints one JSON object a line. Logs never go to
//! stdout, where the plan is.
//!
//! The events come from `tracing`: infra's own spans (load, refresh per type, plan, each
//! operation, each blue/green step, closed with their duration) and one event per AWS call
//! (infra-aws `call_log`), plus whatever the AWS SDK emits at the level asked for.

use std::fs::OpenOptions;
use std::sync::Mutex;

use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::fmt::format::FmtSpan;

/// What the environment asks for: the level, the format and the destination.
#[derive(Debug, PartialEq)]
struct LogSettings {
    level: LevelFilter,
    json: bool,
    path: Option<String>,
    /// A level name that is not one (Terraform warns and logs at TRACE).
    invalid_level: Option<String>,
}

fn settings(var: impl Fn(&str) -> Option<String>) -> Option<LogSettings> {
    let first =
        |names: &[&str]| names.iter().find_map(|name| var(name).filter(|value| !value.is_empty()));
    let raw = first(&["INFRA_LOG", "TF_LOG"])?;
    let mut json = first(&["INFRA_LOG_FORMAT"]).is_some_and(|f| f.eq_ignore_ascii_case("json"));
    let mut invalid_level = None;
    let level = match raw.to_ascii_lowercase().as_str() {
        "off" => return None,
        "error" => LevelFilter::ERROR,
        "warn" => LevelFilter::WARN,
        "info" => LevelFilter::INFO,
        "debug" => LevelFilter::DEBUG,
        "trace" => LevelFilter::TRACE,
        // Terraform: `TF_LOG=JSON` is TRACE in JSON.
        "json" => {
            json = true;
            LevelFilter::TRACE
        }
        _ => {
            invalid_level = Some(raw);
            LevelFilter::TRACE
        }
    };
    Some(LogSettings {
        level,
        json,
        path: first(&["INFRA_LOG_PATH", "TF_LOG_PATH"]),
        invalid_level,
    })
}

/// Installs the log subscriber the environment asks for; nothing when it asks for none.
pub fn init() -> Result<(), String> {
    let Some(settings) = settings(|name| std::env::var(name).ok()) else {
        return Ok(());
    };
    if let Some(level) = &settings.invalid_level {
        eprintln!(
            "[WARN] Invalid log level: {level:?}. Defaulting to level: TRACE. \
             Valid levels: [TRACE DEBUG INFO WARN ERROR OFF JSON]"
        );
    }
    let builder = tracing_subscriber::fmt()
        .with_max_level(settings.level)
        .with_ansi(false)
        .with_span_events(FmtSpan::CLOSE);
    let installed = match (&settings.path, settings.json) {
        (Some(path), json) => {
            let file = open_log_file(path)?;
            if json {
                builder.json().with_span_list(true).with_writer(Mutex::new(file)).try_init()
            } else {
                builder.with_writer(Mutex::new(file)).try_init()
            }
        }
        (None, true) => builder.json().with_span_list(true).with_writer(std::io::stderr).try_init(),
        (None, false) => builder.with_writer(std::io::stderr).try_init(),
    };
    installed.map_err(|error| format!("cannot start logging: {error}"))
}

/// The log file, appended to as Terraform does, readable by its owner only (logs name the
/// account's objects).
fn open_log_file(path: &str) -> Result<std::fs::File, String> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .map_err(|error| format!("cannot open the log file {path} (INFRA_LOG_PATH): {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(pairs: &[(&str, &str)]) -> Option<LogSettings> {
        settings(|name| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string()))
    }

    #[test]
    fn infra_variables_win_over_terraform_ones_and_json_is_a_level_or_a_format() {
        assert_eq!(from(&[]), None);
        assert_eq!(from(&[("TF_LOG", "off")]), None);
        let tf = from(&[("TF_LOG", "DEBUG"), ("TF_LOG_PATH", "/tmp/x.log")]).unwrap();
        assert_eq!(
            (tf.level, tf.json, tf.path.as_deref()),
            (LevelFilter::DEBUG, false, Some("/tmp/x.log"))
        );
        let ours =
            from(&[("TF_LOG", "debug"), ("INFRA_LOG", "warn"), ("INFRA_LOG_FORMAT", "json")])
                .unwrap();
        assert_eq!((ours.level, ours.json), (LevelFilter::WARN, true));
        let json = from(&[("TF_LOG", "JSON")]).unwrap();
        assert_eq!((json.level, json.json), (LevelFilter::TRACE, true));
        let bad = from(&[("INFRA_LOG", "loud")]).unwrap();
        assert_eq!((bad.level, bad.invalid_level.as_deref()), (LevelFilter::TRACE, Some("loud")));
    }
}
