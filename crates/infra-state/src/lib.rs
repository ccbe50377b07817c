//! infra-state: where the result of an apply is remembered.
//!
//! This crate owns:
//! - the [`State`] model the engine works with ([`model`]);
//! - the versioned JSON file format, kept apart from the model and upgraded explicitly
//!   ([`format`]);
//! - the [`Backend`] contract (read, write, lock) and the local file backend ([`local`]);
//! - local workspaces ([`workspace`]).
//!
//! It does not own the S3 backend's AWS calls (those live in `infra-aws`, the only crate that
//! knows the SDK), nor the decision of when to write: the executor writes after every resource
//! operation and bumps `serial` itself.

pub mod backend;
pub mod encryption;
pub mod error;
pub mod format;
pub mod journal;
pub mod local;
pub mod lock;
pub mod model;
pub mod workspace;
pub mod written;

pub use backend::{Backend, LockGuard};
pub use error::StateError;
pub use local::{legacy_workspace_state_path, workspace_state_path, write_atomic, LocalBackend};
pub use lock::LockInfo;
pub use model::{OutputState, PendingCreate, ResourceState, State};
