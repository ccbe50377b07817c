//! The vocabulary every other crate shares: addresses, values with unknown and sensitive marks,
//! plan actions, diagnostics, schemas, and the traits a provider implements.
//!
//! This crate does no IO, runs no async runtime and knows nothing of AWS.

pub mod action;
pub mod address;
pub mod checks;
pub mod cidr;
pub mod diagnostics;
pub mod error;
pub mod path;
pub mod provider;
pub mod resource;
pub mod rollout;
pub mod schema;
pub mod tagging;
pub mod value;

pub use action::Action;
pub use address::{Address, AddressPattern, InstanceKey, Mode, ResourceId};
pub use checks::{CheckResult, CheckStatus, CheckableKind, CheckedObject};
pub use diagnostics::{Diagnostic, Diagnostics, Location, Severity};
pub use provider::{Argument, BlockBody, NestedBlock, ProviderBlock};
pub use resource::{
    Cause, Creating, DataSourceType, Deleting, Operation, ProviderError, Registry, ResourceType,
    StateReader, Timeouts, Updating,
};
pub use schema::{
    Attribute, Block, Check, Nesting, Pattern, Presence, RemovedArgument, Schema, Shape, TextCheck,
    Type,
};
pub use value::{PlainJson, Value};
