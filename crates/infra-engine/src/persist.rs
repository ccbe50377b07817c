//! Saving the state during a run: each save bumps the serial, so a journal line or a whole
//! write is newer than what the backend holds.

use infra_core::Address;
use infra_state::{Backend, State, StateError};

/// Writes the whole state with its serial bumped.
pub fn persist(backend: &dyn Backend, state: &mut State) -> Result<(), StateError> {
    state.serial += 1;
    backend.write(state)
}

/// Records the change of the one object at `address` with the state's serial bumped: the
/// backend may write just that ([`Backend::write_object`]), so an operation's record costs
/// what it changed.
pub fn persist_object(
    backend: &dyn Backend,
    state: &mut State,
    address: &Address,
) -> Result<(), StateError> {
    state.serial += 1;
    backend.write_object(state, address)
}
