//! Local workspaces: several states for one configuration, as `terraform workspace` keeps
//! them. The selected workspace is remembered in `.infra/environment`; `default` lives in
//! `terraform.tfstate`, the others in `terraform.tfstate.d/NAME/terraform.tfstate`, as Terraform keeps them.
//!
//! This module does not know remote backends: the S3 backend lists and deletes its own
//! workspaces (`env:/NAME/key`).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::backend::Backend;
use crate::error::StateError;
use crate::local::{workspace_state_path, LocalBackend, WORKSPACES_DIR_NAME};
use crate::lock::LockInfo;

pub const DEFAULT: &str = "default";

#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    #[error(
        "invalid workspace name `{0}`: use letters, digits, `-`, `_` and `.` (at most 90 \
         characters)"
    )]
    InvalidName(String),
    #[error("workspace `{0}` already exists")]
    AlreadyExists(String),
    #[error("workspace `{0}` does not exist")]
    NotFound(String),
    #[error("the `default` workspace cannot be deleted")]
    CannotDeleteDefault,
    #[error("workspace `{0}` is the selected workspace; select another one before deleting it")]
    IsCurrent(String),
    #[error(
        "workspace `{name}` is not empty: its state tracks {resources} resource instance(s); \
         destroy them first, or delete with force to forget them"
    )]
    NotEmpty { name: String, resources: usize },
    #[error(transparent)]
    State(#[from] StateError),
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: io::Error,
    },
}

fn environment_file(dir: &Path) -> PathBuf {
    dir.join(".infra").join("environment")
}

/// True for names that are safe as a directory and an S3 key segment.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 90
        && name != "."
        && name != ".."
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The selected workspace: the content of `dir/.infra/environment`, else `default`.
pub fn current(dir: &Path) -> String {
    fs::read_to_string(environment_file(dir))
        .ok()
        .map(|text| text.trim().to_string())
        .filter(|name| valid_name(name))
        .unwrap_or_else(|| DEFAULT.to_string())
}

/// Remembers `name` as the selected workspace. Does not check that it exists: remote
/// backends have workspaces this module cannot see.
pub fn select(dir: &Path, name: &str) -> io::Result<()> {
    if !valid_name(name) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            WorkspaceError::InvalidName(name.to_string()).to_string(),
        ));
    }
    let file = environment_file(dir);
    if let Some(parent) = file.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(file, format!("{name}\n"))
}

/// `default` first, then every local workspace by name.
pub fn list_local(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir.join(WORKSPACES_DIR_NAME))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_dir()))
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| valid_name(name) && name != DEFAULT)
        .collect();
    names.sort();
    names.insert(0, DEFAULT.to_string());
    names
}

fn workspace_dir(dir: &Path, name: &str) -> PathBuf {
    dir.join(WORKSPACES_DIR_NAME).join(name)
}

/// Creates an empty workspace (its directory; the state file appears on first write).
pub fn create_local(dir: &Path, name: &str) -> Result<(), WorkspaceError> {
    if !valid_name(name) {
        return Err(WorkspaceError::InvalidName(name.to_string()));
    }
    let path = workspace_dir(dir, name);
    if name == DEFAULT || path.exists() {
        return Err(WorkspaceError::AlreadyExists(name.to_string()));
    }
    fs::create_dir_all(&path)
        .map_err(|source| WorkspaceError::Io { path: path.display().to_string(), source })
}

/// Deletes a workspace and its state. Refuses `default`, the selected workspace, a locked
/// state, and (unless `force`) a state that still tracks resources or an unreadable one.
pub fn delete_local(dir: &Path, name: &str, force: bool) -> Result<(), WorkspaceError> {
    if name == DEFAULT {
        return Err(WorkspaceError::CannotDeleteDefault);
    }
    if !valid_name(name) {
        return Err(WorkspaceError::InvalidName(name.to_string()));
    }
    let path = workspace_dir(dir, name);
    if !path.is_dir() {
        return Err(WorkspaceError::NotFound(name.to_string()));
    }
    if current(dir) == name {
        return Err(WorkspaceError::IsCurrent(name.to_string()));
    }
    let backend = LocalBackend::new(workspace_state_path(dir, name));
    let lock_guard = backend.lock(
        LockInfo::new("workspace delete", &backend.path().display().to_string()),
        Duration::ZERO,
    )?;
    match backend.read() {
        Ok(Some(state)) if !force => {
            let resources = state
                .resources
                .keys()
                .filter(|address| address.resource.mode == infra_core::Mode::Managed)
                .count()
                + state.pending.len();
            if resources > 0 {
                return Err(WorkspaceError::NotEmpty { name: name.to_string(), resources });
            }
        }
        Err(error) if !force => return Err(error.into()),
        _ => {}
    }
    drop(lock_guard);
    fs::remove_dir_all(&path)
        .map_err(|source| WorkspaceError::Io { path: path.display().to_string(), source })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ResourceState, State};

    fn temp_dir(label: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "infra-state-ws-{label}-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4()
        ));
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn workspace_paths() {
        let dir = Path::new("/stack");
        assert_eq!(workspace_state_path(dir, "default"), Path::new("/stack/terraform.tfstate"));
        assert_eq!(
            workspace_state_path(dir, "staging"),
            Path::new("/stack/terraform.tfstate.d/staging/terraform.tfstate")
        );
    }

    #[test]
    fn names() {
        assert!(valid_name("prod"));
        assert!(valid_name("feature-1.2_x"));
        for bad in ["", ".", "..", "a/b", "a b", "env:x", &"x".repeat(91)] {
            assert!(!valid_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn select_create_list_delete() {
        let dir = temp_dir("cycle");
        assert_eq!(current(&dir), "default");
        assert_eq!(list_local(&dir), vec!["default"]);
        create_local(&dir, "staging").unwrap();
        create_local(&dir, "dev").unwrap();
        assert!(matches!(create_local(&dir, "dev"), Err(WorkspaceError::AlreadyExists(_))));
        assert!(matches!(create_local(&dir, "a/b"), Err(WorkspaceError::InvalidName(_))));
        assert_eq!(list_local(&dir), vec!["default", "dev", "staging"]);
        select(&dir, "staging").unwrap();
        assert_eq!(current(&dir), "staging");
        assert!(select(&dir, "../x").is_err());
        assert!(matches!(delete_local(&dir, "staging", false), Err(WorkspaceError::IsCurrent(_))));
        assert!(matches!(
            delete_local(&dir, "default", false),
            Err(WorkspaceError::CannotDeleteDefault)
        ));
        assert!(matches!(delete_local(&dir, "nope", false), Err(WorkspaceError::NotFound(_))));
        delete_local(&dir, "dev", false).unwrap();
        assert_eq!(list_local(&dir), vec!["default", "staging"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn delete_refuses_non_empty_state_unless_forced() {
        let dir = temp_dir("nonempty");
        create_local(&dir, "dev").unwrap();
        let mut state = State::new();
        state.resources.insert(
            "aws_vpc.main".parse().unwrap(),
            ResourceState {
                resource_type: "aws_vpc".into(),
                value: infra_core::Value::map([("id", infra_core::Value::string("vpc-1"))]),
                ..ResourceState::default()
            },
        );
        LocalBackend::new(workspace_state_path(&dir, "dev")).write(&state).unwrap();
        let error = delete_local(&dir, "dev", false).unwrap_err();
        assert!(matches!(error, WorkspaceError::NotEmpty { resources: 1, .. }), "{error}");
        assert!(error.to_string().contains("`dev`"));
        delete_local(&dir, "dev", true).unwrap();
        assert_eq!(list_local(&dir), vec!["default"]);
        fs::remove_dir_all(&dir).unwrap();
    }
}
