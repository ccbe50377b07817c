//! Errors from reading, writing and locking state. Every message names the file or object.

use crate::lock::LockInfo;

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The stored state could not be decoded. `detail` reads as a predicate of the file:
    /// "is not valid JSON: line 3 column 5: …". The backend refuses to write over such a file.
    #[error("state file {path} {detail}")]
    Corrupt { path: String, detail: String },

    /// Written by a newer `infra`; never read or overwritten by this one.
    #[error(
        "state file {path} has format version {found}, but this version of infra reads at most \
         {supported}; upgrade infra to use this state"
    )]
    NewerFormat { path: String, found: u64, supported: u64 },

    /// The state is still in infra's earlier file (format 1), and Terraform's file does not
    /// exist yet.
    #[error(
        "the state is in {legacy}, infra's own format from before it wrote Terraform's state \
         file; run `infra init -migrate-state` to move it to {path} (nothing is lost, and the \
         old file is kept as {legacy}.migrated)"
    )]
    NeedsMigration { legacy: String, path: String },

    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },

    /// Another run holds the lock. Boxed to keep every `Result<_, StateError>` small.
    #[error("the state is locked by another run\n\nLock Info:\n{0}")]
    Locked(Box<LockInfo>),

    /// `force-unlock ID` named a lock that is not the one held.
    #[error(
        "cannot unlock {path}: lock ID {requested} does not match the current lock holder's ID \
         {holder}"
    )]
    LockMismatch { path: String, requested: String, holder: String },

    /// `force-unlock` when no lock is held.
    #[error("cannot unlock {path}: it is not locked")]
    NotLocked { path: String },

    /// Another writer changed the state since this run read it (compare-and-swap failed).
    #[error(
        "the state in {location} was changed by another writer since it was read; refusing to \
         overwrite"
    )]
    Conflict { location: String },

    /// The journal of an infra run that died no longer extends the state file: another tool
    /// (Terraform, OpenTofu) wrote the file since ([`crate::journal`]).
    #[error(
        "{path} holds the records of an infra run that died, but the state file was written \
         since by another tool ({}), so they no longer apply to it. They name objects that may \
         exist and that the state file may not know:\n  {}\nCheck each against the state \
         (`infra state list`) and the cloud; `infra import` what the state lacks, or delete it; \
         then move {path} out of the way. Nothing was changed.",
        match file_serial { Some(serial) => format!("its serial is now {serial}"), None => "it is gone".to_string() },
        objects.join("\n  ")
    )]
    StaleJournal { path: String, file_serial: Option<u64>, objects: Vec<String> },

    /// The state could not be encrypted (its key provider failed).
    #[error("state encryption: {0}")]
    Encryption(String),

    /// Any other backend failure (an AWS error, a misconfiguration); the message names the
    /// backend location.
    #[error("{0}")]
    Backend(String),
}

impl StateError {
    pub(crate) fn io(path: impl std::fmt::Display, source: std::io::Error) -> StateError {
        StateError::Io { path: path.to_string(), source }
    }
}
