//! The vocabulary every other crate shares: addresses, values with unknown and sensitive marks,
//! plan actions, diagnostics, schemas, and the traits a provider implements.
//!
//! This crate does no IO, runs no async runtime and knows nothing of AWS.

pub mod action;
pub mod address;
pub mod blue_green;
pub mod cidr;
pub mod diagnostics;
pub mod path;
pub mod resource;
pub mod schema;
pub mod value;

pub use action::Action;
pub use address::{Address, AddressPattern, InstanceKey, Mode, ResourceId};
pub use diagnostics::{Diagnostic, Diagnostics, Location, Severity};
pub use resource::{DataSourceType, Operation, ProviderError, Registry, ResourceType, Timeouts};
pub use schema::{Attribute, Block, Check, Nesting, Presence, Schema, Type};
pub use value::Value;

/// Settings from the configuration's `provider "aws"` block.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProviderSettings {
    pub region: Option<String>,
    pub default_tags: std::collections::BTreeMap<String, String>,
}
