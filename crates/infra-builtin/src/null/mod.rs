//! The `null` provider: `null_resource`, an object with no effect but a lifecycle.

pub mod null_resource;
