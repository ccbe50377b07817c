//! Who holds a state lock. The JSON form uses Terraform's field names (`ID`, `Operation`,
//! `Who`, `Version`, `Created`, `Path`), so a lock left by one tool reads in the other; `PID`
//! is ours and optional.

use std::fmt;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

/// Describes the holder of a lock; written next to the lock and shown to whoever is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockInfo {
    /// A uuid; `force-unlock` takes it.
    pub id: String,
    /// The command holding the lock: `apply`, `plan`, `destroy`…
    pub operation: String,
    /// `user@host`.
    pub who: String,
    pub pid: u32,
    /// RFC 3339.
    pub created: String,
    /// The locked state's location.
    pub path: String,
}

/// The serialized form (private: the model is not the format).
#[derive(Serialize, Deserialize)]
struct LockInfoFile {
    #[serde(rename = "ID")]
    id: String,
    #[serde(rename = "Operation", default)]
    operation: String,
    #[serde(rename = "Info", default)]
    info: String,
    #[serde(rename = "Who", default)]
    who: String,
    #[serde(rename = "Version", default)]
    version: String,
    #[serde(rename = "Created", default)]
    created: String,
    #[serde(rename = "Path", default)]
    path: String,
    #[serde(rename = "PID", default)]
    pid: u32,
}

impl LockInfo {
    /// A new lock description for this process, with a fresh id.
    pub fn new(operation: &str, path: &str) -> LockInfo {
        LockInfo {
            id: uuid::Uuid::new_v4().to_string(),
            operation: operation.to_string(),
            who: who(),
            pid: std::process::id(),
            created: humantime::format_rfc3339_micros(SystemTime::now()).to_string(),
            path: path.to_string(),
        }
    }

    /// Pretty JSON with Terraform's field names.
    pub fn to_json(&self) -> String {
        let file = LockInfoFile {
            id: self.id.clone(),
            operation: self.operation.clone(),
            info: String::new(),
            who: self.who.clone(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            created: self.created.clone(),
            path: self.path.clone(),
            pid: self.pid,
        };
        // A struct of strings always serializes.
        serde_json::to_string_pretty(&file).unwrap_or_default()
    }

    /// Parses [`LockInfo::to_json`] output (or a Terraform lock info). `None` when the text is
    /// not lock info, e.g. a half-written file.
    pub fn from_json(text: &[u8]) -> Option<LockInfo> {
        let file: LockInfoFile = serde_json::from_slice(text).ok()?;
        Some(LockInfo {
            id: file.id,
            operation: file.operation,
            who: file.who,
            pid: file.pid,
            created: file.created,
            path: file.path,
        })
    }

    /// Stands in for a holder whose lock info could not be read (it is being written, or was
    /// removed by hand while the lock is still held).
    pub fn unknown_holder(path: &str) -> LockInfo {
        LockInfo {
            id: "(unknown: the lock info could not be read)".to_string(),
            operation: String::new(),
            who: String::new(),
            pid: 0,
            created: String::new(),
            path: path.to_string(),
        }
    }
}

/// Lines of `Label: value`, indented, as Terraform prints lock info.
impl fmt::Display for LockInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "  ID:        {}", self.id)?;
        writeln!(f, "  Path:      {}", self.path)?;
        writeln!(f, "  Operation: {}", self.operation)?;
        writeln!(f, "  Who:       {}", self.who)?;
        writeln!(f, "  PID:       {}", self.pid)?;
        write!(f, "  Created:   {}", self.created)
    }
}

/// `user@host`, from the environment and the kernel's hostname, without unsafe calls.
fn who() -> String {
    let user = ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "unknown".to_string());
    let host = ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|path| {
            std::fs::read_to_string(path)
                .ok()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        })
        .or_else(|| std::env::var("HOSTNAME").ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "unknown".to_string());
    format!("{user}@{host}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip_and_display() {
        let info = LockInfo::new("apply", "infra.tfstate.json");
        let parsed = LockInfo::from_json(info.to_json().as_bytes()).unwrap();
        assert_eq!(parsed, info);
        assert!(info.to_json().contains("\"ID\""));
        let text = info.to_string();
        for label in ["ID:", "Path:", "Operation:", "Who:", "PID:", "Created:"] {
            assert!(text.contains(label), "{text}");
        }
        assert!(info.who.contains('@'));
        assert!(LockInfo::from_json(b"{not json").is_none());
    }

    #[test]
    fn reads_terraform_lock_info() {
        let text = br#"{"ID":"abc","Operation":"OperationTypeApply","Info":"","Who":"me@box","Version":"1.9.0","Created":"2024-01-01T00:00:00Z","Path":"b/k"}"#;
        let info = LockInfo::from_json(text).unwrap();
        assert_eq!(info.id, "abc");
        assert_eq!(info.who, "me@box");
        assert_eq!(info.pid, 0);
    }
}
