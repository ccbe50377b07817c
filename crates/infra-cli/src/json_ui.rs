//! `-json` on `plan`, `apply` and `destroy`: Terraform's machine-readable UI, one JSON object a
//! line on stdout, as wrappers (Atlantis, Spacelift, terraform-exec, tfcmt) read it. Every
//! line has `@level`, `@message`, `@module` (`terraform.ui`), `@timestamp` and `type`; the types
//! and their payloads are Terraform's (UI version 1.2):
//!
//! - `version`, `planned_change`, `resource_drift`, `change_summary`, `outputs`, `log`;
//! - `refresh_start`, `apply_start`, `apply_progress`, `apply_complete`, `apply_errored`;
//! - `diagnostic`, with `range` and `snippet` when the problem has a location.
//!
//! infra adds `deployment_step` (`hook`: `resource`, `message`), one line for each step of a
//! blue/green deployment, and `recovered` (`hook`: `resource`, `message`) for objects an
//! interrupted run left that this run took into the state. Readers show `@message` for types
//! they do not know, as Terraform's documentation asks of them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use infra_core::{Action, Address, Diagnostic, InstanceKey, Severity};
use infra_engine::observer::{EphemeralStep, Event, Observer};
use infra_engine::plan::{Plan, Reason, ResourceChange};
use infra_state::State;
use serde_json::{json, Map, Value as Json};

/// Terraform's machine-readable UI version whose messages these are.
const UI_VERSION: &str = "1.2";

/// The working directory, once `-json` is on: diagnostics name files relative to it.
static JSON_DIR: OnceLock<PathBuf> = OnceLock::new();

/// Turns the JSON UI on for the rest of the process, and prints the `version` line.
pub fn enable(dir: &Path) {
    if JSON_DIR.set(dir.to_path_buf()).is_ok() {
        let version = env!("CARGO_PKG_VERSION");
        emit(
            "info",
            format!("infra {version}"),
            "version",
            [("terraform", json!(version)), ("infra", json!(version)), ("ui", json!(UI_VERSION))],
        );
    }
}

pub fn enabled() -> bool {
    JSON_DIR.get().is_some()
}

/// One message line.
fn emit<const N: usize>(level: &str, message: String, kind: &str, payload: [(&str, Json); N]) {
    let mut line = Map::new();
    line.insert("@level".into(), json!(level));
    line.insert("@message".into(), json!(message));
    line.insert("@module".into(), json!("terraform.ui"));
    line.insert(
        "@timestamp".into(),
        json!(humantime::format_rfc3339_micros(std::time::SystemTime::now()).to_string()),
    );
    for (key, value) in payload {
        line.insert(key.into(), value);
    }
    line.insert("type".into(), json!(kind));
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{}", Json::Object(line));
    let _ = stdout.flush();
}

/// A `log` line: what the human UI prints as a sentence of its own.
pub fn log(message: String) {
    emit("info", message, "log", []);
}

/// Terraform's resource object: `addr`, `module`, `resource`, `implied_provider`,
/// `resource_type`, `resource_name`, `resource_key`.
fn resource(address: &Address) -> Json {
    let id = &address.resource;
    let module: String =
        id.module.iter().map(|m| format!("module.{m}")).collect::<Vec<_>>().join(".");
    let addr = address.to_string();
    let resource = match module.is_empty() {
        true => addr.clone(),
        false => addr[module.len() + 1..].to_string(),
    };
    json!({
        "addr": addr,
        "module": module,
        "resource": resource,
        "implied_provider": id.resource_type.split('_').next().unwrap_or_default(),
        "resource_type": id.resource_type,
        "resource_name": id.name,
        "resource_key": match &address.key {
            None => Json::Null,
            Some(InstanceKey::Index(i)) => json!(i),
            Some(InstanceKey::Key(k)) => json!(k),
        },
    })
}

/// Terraform's action names in the UI.
fn action_name(change: &ResourceChange) -> &'static str {
    match change.action {
        Action::Create => "create",
        Action::Read => "read",
        Action::Update => "update",
        Action::DeleteThenCreate | Action::CreateThenDelete => "replace",
        Action::Delete => "delete",
        Action::Forget => "remove",
        Action::NoOp if change.previous_address.is_some() => "move",
        Action::NoOp if change.importing.is_some() => "import",
        Action::NoOp => "noop",
    }
}

fn reason_name(reason: Reason) -> Option<&'static str> {
    match reason {
        Reason::ReplaceBecauseCannotUpdate => Some("cannot_update"),
        Reason::ReplaceByRequest => Some("requested"),
        Reason::ReplaceBecauseTainted => Some("tainted"),
        Reason::ReplaceByTriggers => Some("replace_triggered_by"),
        Reason::DeleteBecauseNoResourceConfig => Some("delete_because_no_resource_config"),
        Reason::DeleteBecauseCountIndex => Some("delete_because_count_index"),
        Reason::DeleteBecauseEachKey => Some("delete_because_each_key"),
        Reason::DeletedOutside | Reason::Destroy => None,
    }
}

fn change_object(change: &ResourceChange) -> Json {
    let mut object = Map::new();
    object.insert("resource".into(), resource(&change.address));
    if let Some(previous) = &change.previous_address {
        object.insert("previous_resource".into(), resource(previous));
    }
    object.insert("action".into(), json!(action_name(change)));
    if let Some(reason) = change.reason.and_then(reason_name) {
        object.insert("reason".into(), json!(reason));
    }
    if let Some(id) = &change.importing {
        object.insert("importing".into(), json!({ "id": id }));
    }
    Json::Object(object)
}

/// What a plan says, in Terraform's order: drift, the planned changes, the summary, then the
/// outputs that change.
pub fn plan(plan: &Plan) {
    let drift: Vec<&ResourceChange> =
        if plan.refresh_only { plan.drift.iter().collect() } else { plan.relevant_drift() };
    for change in drift {
        emit(
            "info",
            format!("{}: Drift detected ({})", change.address, action_name(change)),
            "resource_drift",
            [("change", change_object(change))],
        );
    }
    for change in plan.changes.iter().filter(|c| c.changes_state()) {
        emit(
            "info",
            format!("{}: Plan to {}", change.address, action_name(change)),
            "planned_change",
            [("change", change_object(change))],
        );
    }
    change_summary(plan, "plan");
    let outputs: Map<String, Json> = plan
        .outputs
        .iter()
        .filter(|(_, output)| output.action.is_change())
        .map(|(name, output)| {
            let action = match output.action {
                Action::Create => "create",
                Action::Delete => "delete",
                _ => "update",
            };
            (name.clone(), json!({"sensitive": output.sensitive, "action": action}))
        })
        .collect();
    if !outputs.is_empty() {
        emit(
            "info",
            format!("Outputs: {}", outputs.len()),
            "outputs",
            [("outputs", Json::Object(outputs))],
        );
    }
}

/// `change_summary` after a plan (`plan`), an apply (`apply`) or a destroy (`destroy`).
pub fn change_summary(plan: &Plan, operation: &str) {
    let summary = plan.summary();
    let message = match operation {
        "plan" => format!("Plan: {}", infra_render::summary_line(plan)),
        "destroy" => format!("Destroy complete! Resources: {} destroyed.", summary.destroy),
        _ => {
            let imported = match summary.import {
                0 => String::new(),
                n => format!("{n} imported, "),
            };
            format!(
                "Apply complete! Resources: {imported}{} added, {} changed, {} destroyed.",
                summary.add, summary.change, summary.destroy
            )
        }
    };
    emit(
        "info",
        message,
        "change_summary",
        [(
            "changes",
            json!({
                "add": summary.add,
                "change": summary.change,
                "import": summary.import,
                "remove": summary.destroy,
                "operation": operation,
            }),
        )],
    );
}

/// The root module's outputs after an apply: type and value, the value left out when sensitive.
pub fn outputs(state: &State) {
    let outputs: Map<String, Json> = state
        .outputs
        .iter()
        .map(|(name, output)| {
            let value = output.value.unmark_deep().to_json();
            let mut object = Map::new();
            object.insert("sensitive".into(), json!(output.sensitive));
            object.insert("type".into(), type_of(&value));
            if !output.sensitive {
                object.insert("value".into(), value);
            }
            (name.clone(), Json::Object(object))
        })
        .collect();
    emit(
        "info",
        format!("Outputs: {}", outputs.len()),
        "outputs",
        [("outputs", Json::Object(outputs))],
    );
}

/// The cty type of a JSON value, in Terraform's JSON type notation.
fn type_of(value: &Json) -> Json {
    match value {
        Json::Null => json!("dynamic"),
        Json::Bool(_) => json!("bool"),
        Json::Number(_) => json!("number"),
        Json::String(_) => json!("string"),
        Json::Array(items) => json!(["tuple", items.iter().map(type_of).collect::<Vec<_>>()]),
        Json::Object(map) => json!([
            "object",
            map.iter().map(|(k, v)| (k.clone(), type_of(v))).collect::<Map<_, _>>()
        ]),
    }
}

/// A `diagnostic` line.
pub fn diagnostic(diagnostic: &Diagnostic) {
    let dir = JSON_DIR.get().map(PathBuf::as_path).unwrap_or(Path::new("."));
    let (level, word) = match diagnostic.severity {
        Severity::Error => ("error", "Error"),
        Severity::Warning => ("warn", "Warning"),
    };
    emit(
        level,
        format!("{word}: {}", diagnostic.summary),
        "diagnostic",
        [("diagnostic", diagnostic_json(dir, diagnostic))],
    );
}

/// An error that is not a configuration diagnostic (an AWS failure, a state error), as a
/// `diagnostic` without a range.
pub fn error(summary: &str, detail: String, address: Option<&Address>) {
    let mut object = json!({"severity": "error", "summary": summary, "detail": detail});
    if let Some(address) = address {
        object["address"] = json!(address.to_string());
    }
    emit("error", format!("Error: {summary}"), "diagnostic", [("diagnostic", object)]);
}

/// One diagnostic as Terraform writes it (in the UI stream and in `validate -json`): the
/// range starts at the located line and column (with its byte offset in the file) and, as
/// infra records a point rather than a span, ends there too.
pub fn diagnostic_json(dir: &Path, diagnostic: &Diagnostic) -> Json {
    let mut object = json!({
        "severity": match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        },
        "summary": diagnostic.summary,
        "detail": diagnostic.detail,
    });
    if let Some(location) = &diagnostic.location {
        let filename =
            location.file.strip_prefix(dir).unwrap_or(&location.file).display().to_string();
        let byte = byte_offset(&location.file, location.line, location.column);
        let position = json!({"line": location.line, "column": location.column, "byte": byte});
        object["range"] = json!({"filename": filename, "start": position, "end": position});
        object["snippet"] = json!({
            "context": Json::Null,
            "code": location.snippet,
            "start_line": location.line,
            "highlight_start_offset": location.column.saturating_sub(1),
            "highlight_end_offset": location.column.saturating_sub(1),
            "values": [],
        });
    }
    object
}

/// The byte offset of a 1-based line and character column in a file (0 when unreadable).
fn byte_offset(file: &Path, line: usize, column: usize) -> usize {
    let Ok(text) = std::fs::read_to_string(file) else {
        return 0;
    };
    let line_start: usize =
        text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    let in_line: usize =
        text[line_start..].chars().take(column.saturating_sub(1)).map(char::len_utf8).sum();
    line_start + in_line
}

/// Progress as hook messages.
pub struct JsonProgress;

/// Terraform's verbs: (`Creating`, `Creation`, `creating`).
fn verbs(action: Action) -> (&'static str, &'static str, &'static str) {
    match action {
        Action::Delete => ("Destroying", "Destruction", "destroying"),
        Action::Update => ("Modifying", "Modifications", "modifying"),
        Action::Read => ("Refreshing", "Refresh", "refreshing"),
        Action::Forget => ("Removing", "Removal", "removing"),
        _ => ("Creating", "Creation", "creating"),
    }
}

fn ui_action(action: Action) -> &'static str {
    match action {
        Action::Delete => "delete",
        Action::Update => "update",
        Action::Read => "read",
        Action::Forget => "remove",
        _ => "create",
    }
}

/// Whole seconds, in Go's duration notation (`0s`, `1m4s`), as Terraform prints elapsed time.
fn go_duration(seconds: u64) -> String {
    match seconds {
        s if s >= 3600 => format!("{}h{}m{}s", s / 3600, s % 3600 / 60, s % 60),
        s if s >= 60 => format!("{}m{}s", s / 60, s % 60),
        s => format!("{s}s"),
    }
}

impl Observer for JsonProgress {
    fn event(&self, event: Event) {
        match event {
            Event::Refreshing { address, id } => emit(
                "info",
                format!("{address}: Refreshing state... [id={id}]"),
                "refresh_start",
                [("hook", json!({"resource": resource(&address), "id_key": "id", "id_value": id}))],
            ),
            // Terraform 1.10's message for an ephemeral resource (views/json/hook.go).
            Event::ReadingData { address } if address.resource.mode == infra_core::Mode::Ephemeral => emit(
                "info",
                format!("{address}: Opening..."),
                "ephemeral_op_start",
                [("hook", json!({"resource": resource(&address), "action": "open"}))],
            ),
            // Terraform 1.10's ephemeral_op_start / ephemeral_op_complete (views/json/hook.go).
            Event::Ephemeral { address, step, elapsed } => {
                let seconds = elapsed.as_secs();
                let (message, kind, action) = match step {
                    EphemeralStep::Opened => (format!("{address}: Opening complete after {seconds}s"), "ephemeral_op_complete", "open"),
                    EphemeralStep::Closing => (format!("{address}: Closing..."), "ephemeral_op_start", "close"),
                    EphemeralStep::Closed => (format!("{address}: Closing complete after {seconds}s"), "ephemeral_op_complete", "close"),
                };
                let mut hook = json!({"resource": resource(&address), "action": action});
                if step != EphemeralStep::Closing {
                    hook["elapsed_seconds"] = json!(seconds);
                }
                emit("info", message, kind, [("hook", hook)])
            }
            Event::ReadingData { address } => emit(
                "info",
                format!("{address}: Refreshing..."),
                "apply_start",
                [("hook", json!({"resource": resource(&address), "action": "read"}))],
            ),
            // The ID is not shown: for some types (random_password) it is the secret itself.
            Event::Importing { address, .. } => log(format!("{address}: Preparing import...")),
            Event::Recovered { address, found } => emit(
                "info",
                format!(
                    "{address}: {}",
                    if found {
                        "found an object created by an interrupted apply; it is now in the state"
                    } else {
                        "an interrupted create left nothing behind"
                    }
                ),
                "recovered",
                [("hook", json!({"resource": resource(&address), "found": found}))],
            ),
            Event::AnswerLost { .. } | Event::Resending { .. } => {
                emit("warn", crate::progress::lost_answer_line(&event), "log", [])
            }
            Event::Adopted { address } => emit(
                "info",
                format!("{address}: the object already existed, made for this address by an earlier attempt whose answer was lost; it is now in the state"),
                "recovered",
                [("hook", json!({"resource": resource(&address), "found": true}))],
            ),
            Event::Started { address, action, id } => {
                let mut hook = json!({"resource": resource(&address), "action": ui_action(action)});
                let suffix = match id {
                    Some(id) => {
                        hook["id_key"] = json!("id");
                        hook["id_value"] = json!(id);
                        format!(" [id={id}]")
                    }
                    None => String::new(),
                };
                emit("info", format!("{address}: {}...{suffix}", verbs(action).0), "apply_start", [("hook", hook)]);
            }
            Event::StillRunning { address, action, elapsed } => {
                let seconds = elapsed.as_secs();
                emit(
                    "info",
                    format!("{address}: Still {}... [{} elapsed]", verbs(action).2, go_duration(seconds)),
                    "apply_progress",
                    [("hook", json!({"resource": resource(&address), "action": ui_action(action), "elapsed_seconds": seconds}))],
                );
            }
            Event::Finished { address, action, elapsed, id } => {
                let seconds = elapsed.as_secs();
                let mut hook = json!({"resource": resource(&address), "action": ui_action(action), "elapsed_seconds": seconds});
                let suffix = match id.filter(|_| action != Action::Delete) {
                    Some(id) => {
                        hook["id_key"] = json!("id");
                        hook["id_value"] = json!(id);
                        format!(" [id={id}]")
                    }
                    None => String::new(),
                };
                emit(
                    "info",
                    format!("{address}: {} complete after {}{suffix}", verbs(action).1, go_duration(seconds)),
                    "apply_complete",
                    [("hook", hook)],
                );
            }
            Event::Failed { address, action, elapsed, .. } => emit(
                "info",
                format!("{address}: {} errored after {}", verbs(action).1, go_duration(elapsed.as_secs())),
                "apply_errored",
                [("hook", json!({"resource": resource(&address), "action": ui_action(action), "elapsed_seconds": elapsed.as_secs()}))],
            ),
            Event::Deployment { address, message } => emit(
                "info",
                format!("{address}: {message}"),
                "deployment_step",
                [("hook", json!({"resource": resource(&address), "message": message}))],
            ),
            // Terraform's provision_* messages (command/views/json/hook.go).
            Event::Provisioning { address, provisioner, failed } => {
                let (message, kind) = match failed {
                    None => (format!("{address}: Provisioning with '{provisioner}'..."), "provision_start"),
                    Some(false) => (format!("{address}: ({provisioner}) Provisioning complete"), "provision_complete"),
                    Some(true) => (format!("{address}: ({provisioner}) Provisioning errored"), "provision_errored"),
                };
                emit("info", message, kind, [("hook", json!({"resource": resource(&address), "provisioner": provisioner}))])
            }
            Event::ProvisionOutput { address, provisioner, line } => emit(
                "info",
                format!("{address}: ({provisioner}): {line}"),
                "provision_progress",
                [("hook", json!({"resource": resource(&address), "provisioner": provisioner, "output": line}))],
            ),
        }
    }
}
