//! The vocabulary every other crate shares: addresses, values with unknown and sensitive marks,
//! plan actions, diagnostics, schemas, and the traits a provider implements.
//!
//! This crate does no IO, runs no async runtime and knows nothing of AWS.

pub mod action;
pub mod address;
pub mod checks;
pub mod cidr;
pub mod diagnostics;
pub mod path;
pub mod resource;
pub mod rollout;
pub mod schema;
pub mod tagging;
pub mod value;

pub use action::Action;
pub use address::{Address, AddressPattern, InstanceKey, Mode, ResourceId};
pub use checks::{CheckResult, CheckStatus, CheckableKind, CheckedObject};
pub use diagnostics::{Diagnostic, Diagnostics, Location, Severity};
pub use resource::{
    Cause, DataSourceType, Operation, ProviderError, Registry, ResourceType, StateReader, Timeouts,
};
pub use schema::{
    Attribute, Block, Check, Nesting, Presence, RemovedArgument, Schema, Shape, Type,
};
pub use value::{PlainJson, Value};

/// Settings from one `provider "aws"` block (the default one, or one with an `alias`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProviderSettings {
    pub region: Option<String>,
    pub default_tags: std::collections::BTreeMap<String, String>,
    /// `profile`: a named profile of the shared configuration files.
    pub profile: Option<String>,
    /// `assume_role { ... }`: credentials of this role, from the base credentials.
    pub assume_role: Option<AssumeRole>,
    /// `max_retries`: how many times a failed call is retried.
    pub max_retries: Option<u32>,
    /// `retry_mode`: `standard` or `adaptive` (which also rate-limits the client when AWS
    /// throttles).
    pub retry_mode: Option<String>,
    /// `endpoints { ec2 = "http://..." }`: a URL per service name.
    pub endpoints: std::collections::BTreeMap<String, String>,
}

/// `assume_role { role_arn, session_name, external_id }` of a provider block.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AssumeRole {
    pub role_arn: String,
    pub session_name: Option<String>,
    pub external_id: Option<String>,
}
