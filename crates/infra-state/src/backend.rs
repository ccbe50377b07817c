//! The contract every state storage (local file, S3) fulfils. Synchronous on purpose: the
//! local backend does plain file IO, and the S3 backend blocks on the runtime it is given.

use std::time::Duration;

use infra_core::Address;

use crate::error::StateError;
use crate::lock::LockInfo;
use crate::model::State;

/// Where one workspace's state is stored.
pub trait Backend: Send + Sync {
    /// The stored state; `None` when no state exists yet.
    fn read(&self) -> Result<Option<State>, StateError>;

    /// Persists `state` as is: the caller bumps `serial`. Called after every resource
    /// operation during apply, so it is cheap and never leaves a half-written state. Refuses
    /// to overwrite a stored state it could not decode.
    fn write(&self, state: &State) -> Result<(), StateError>;

    /// Persists the change of the one object at `address` (its entry, its pending create and
    /// its deployment record, as they are in `state`), as durably as [`Backend::write`]. A
    /// backend may record just that change: the local one appends it to its journal
    /// ([`crate::journal`]), so an operation costs what it changed. The default writes the
    /// whole state.
    fn write_object(&self, state: &State, address: &Address) -> Result<(), StateError> {
        let _ = address;
        self.write(state)
    }

    /// Takes the lock, retrying until `timeout` (zero means one try). When another run holds
    /// it, fails with [`StateError::Locked`] naming the holder. The guard releases on drop.
    fn lock(&self, info: LockInfo, timeout: Duration) -> Result<Box<dyn LockGuard>, StateError>;

    /// Removes a lock left behind by a run that died, given its ID. A wrong ID fails with
    /// [`StateError::LockMismatch`] naming the real holder's ID.
    fn force_unlock(&self, id: &str) -> Result<(), StateError>;

    /// Where the state lives, for messages: `local state terraform.tfstate`, `s3://bucket/key`.
    fn describe(&self) -> String;
}

/// A held lock; dropping it releases the lock.
pub trait LockGuard: Send {}

/// How long to wait before trying a busy lock again: short at first, then at most a second.
pub fn retry_delay(attempt: u32) -> Duration {
    Duration::from_millis((50u64 << attempt.min(5)).min(1000))
}
