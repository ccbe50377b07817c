//! Providers with no cloud API: random, null, time, local, archive and template, and
//! Terraform's built-in `terraform_data`. Each type is a pure function of its arguments plus
//! randomness or time, kept in state. This crate knows no AWS.

use infra_core::Registry;

/// Registers every resource type and data source of the utility providers.
pub fn register_all(_registry: &mut Registry) {}
