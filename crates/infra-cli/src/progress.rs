//! Progress lines during refresh and apply, one line per event (readable in CI logs).

use std::io::Write;

use infra_core::{Action, Address, Mode};
use infra_engine::observer::{EphemeralStep, Event, Observer};
use infra_render::Style;

pub struct Progress {
    pub style: Style,
    /// Refresh lines are noise in a plan of thousands; shown only when asked.
    pub show_refresh: bool,
}

/// Terraform's words for an operation on `address` (views/hook_ui.go): starting, done, and
/// under way. An ephemeral resource is opened, not read.
fn verbs(address: &Address, action: Action) -> (&'static str, &'static str, &'static str) {
    match action {
        Action::Delete => ("Destroying...", "Destruction complete", "destroying"),
        Action::Update => ("Modifying...", "Modifications complete", "modifying"),
        Action::Read if address.resource.mode == Mode::Ephemeral => {
            ("Opening...", "Opening complete", "opening")
        }
        Action::Read => ("Reading...", "Read complete", "reading"),
        _ => ("Creating...", "Creation complete", "creating"),
    }
}

fn seconds(duration: std::time::Duration) -> String {
    let secs = duration.as_secs();
    if secs >= 60 {
        format!("{}m{}s", secs / 60, secs % 60)
    } else {
        format!("{secs}s")
    }
}

/// What the executor does about a lost answer, in words (the human and the JSON UI alike).
pub(crate) fn lost_answer_line(event: &Event) -> String {
    let call = |action: Action| match action {
        Action::Update => "update",
        Action::Delete => "delete",
        _ => "create",
    };
    match event {
        Event::AnswerLost { address, action, error } => format!(
            "{address}: the answer to the {} was lost ({error}); looking for what it did before sending it again",
            call(*action)
        ),
        Event::Resending { address, action: action @ (Action::Update | Action::Delete), attempt } => format!(
            "{address}: read the object again; sending the {} again (retry {attempt})",
            call(*action)
        ),
        Event::Resending { address, attempt, .. } => format!(
            "{address}: nothing was made; sending the create again (retry {attempt})"
        ),
        _ => String::new(),
    }
}

impl Observer for Progress {
    fn event(&self, event: Event) {
        let line = match event {
            Event::Refreshing { address, id } if self.show_refresh => format!("{address}: Refreshing state... [id={id}]"),
            Event::Refreshing { .. } => return,
            // Terraform's word for an ephemeral resource is "Opening" (views/hook_ui.go).
            Event::ReadingData { address } if address.resource.mode == Mode::Ephemeral => {
                format!("{address}: Opening...")
            }
            Event::ReadingData { address } if self.show_refresh => format!("{address}: Reading..."),
            Event::ReadingData { .. } => return,
            // The ID is not shown: for some types (random_password) it is the secret itself.
            Event::Importing { address, .. } => format!("{address}: Preparing import..."),
            Event::Recovered { address, found: true } => format!("{address}: found an object created by an interrupted apply; it is now in the state"),
            Event::Recovered { address, found: false } => format!("{address}: an interrupted create left nothing behind"),
            Event::Adopted { address } => format!("{address}: the object already existed, made for this address by an earlier attempt whose answer was lost; it is now in the state"),
            Event::AnswerLost { .. } | Event::Resending { .. } => lost_answer_line(&event),
            Event::Started { address, action, id } => {
                let id = id.map(|id| format!(" [id={id}]")).unwrap_or_default();
                format!("{}: {}{id}", self.style.bold(&address.to_string()), verbs(&address, action).0)
            }
            Event::StillRunning { address, action, elapsed } => {
                format!("{address}: Still {}... [{} elapsed]", verbs(&address, action).2, seconds(elapsed))
            }
            Event::Finished { address, action, elapsed, id } => {
                let id = id.filter(|_| action != Action::Delete).map(|id| format!(" [id={id}]")).unwrap_or_default();
                format!("{}: {} after {}{id}", self.style.bold(&address.to_string()), verbs(&address, action).1, seconds(elapsed))
            }
            Event::Failed { address, action, error, .. } => {
                format!("{}: {} failed: {error}", self.style.bold(&address.to_string()), verbs(&address, action).2)
            }
            Event::Ephemeral { address, step, elapsed } => match step {
                EphemeralStep::Opened => format!("{address}: Opening complete after {}", seconds(elapsed)),
                EphemeralStep::Closing => format!("{address}: Closing..."),
                EphemeralStep::Closed => format!("{address}: Closing complete after {}", seconds(elapsed)),
            },
            Event::Deployment { address, message } => format!("{}: {message}", self.style.bold(&address.to_string())),
            // Terraform's lines (command/views/hook_ui.go); the end of a provisioner has none.
            Event::Provisioning { address, provisioner, failed: None } => {
                format!("{}: Provisioning with '{provisioner}'...", self.style.bold(&address.to_string()))
            }
            Event::Provisioning { .. } => return,
            Event::ProvisionOutput { address, provisioner, line } if !line.trim().is_empty() => {
                format!("{} {line}", self.style.bold(&format!("{address} ({provisioner}):")))
            }
            Event::ProvisionOutput { .. } => return,
        };
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{line}");
        let _ = stdout.flush();
    }
}
