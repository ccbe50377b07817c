//! Data sources, one file each.

use std::sync::Arc;

use infra_core::Registry;

use crate::Aws;

pub(crate) fn register_all(registry: &mut Registry, aws: &Arc<Aws>) {
    let _ = (registry, aws);
}
