//! The `time` provider: timestamps taken once and kept (`time_static`, `time_offset`), kept
//! until they expire (`time_rotating`), or waited on (`time_sleep`). Nothing is remote; the
//! state is the object.

pub mod clock;
pub mod go_duration;
pub mod time_offset;
pub mod time_rotating;
pub mod time_sleep;
pub mod time_static;
