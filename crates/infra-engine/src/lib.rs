//! The engine: the resource graph, the pure planner (desired vs refreshed state → Plan), the
//! async executor (bounded parallel walk, state persisted after every operation), refresh,
//! crash recovery, and the plan file.
//!
//! It prints nothing: progress goes through an [`observer::Observer`], and plans are rendered
//! by infra-render.

pub mod data;
pub mod diff;
pub mod executor;
pub mod fingerprint;
pub mod graph;
pub mod lost_answer;
pub mod observer;
pub mod persist;
pub mod plan;
pub mod planfile;
pub mod planner;
mod provision;
pub mod recover;
pub mod refactoring;
pub mod refresh;
mod state_values;
pub mod upgrade;
pub mod watchdog;

pub use plan::{Plan, ResourceChange};
