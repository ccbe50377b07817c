//! Managed resource types, one file each, each registered with one line below.

use std::sync::Arc;

use infra_core::Registry;

use crate::Aws;

// --- network (EC2) modules ---
// --- end network modules ---

// --- app (ELBv2, ECS, RDS, IAM, logs) modules ---
// --- end app modules ---

pub(crate) fn register_all(registry: &mut Registry, aws: &Arc<Aws>) {
    // --- network (EC2) registrations ---
    // --- end network registrations ---

    // --- app (ELBv2, ECS, RDS, IAM, logs) registrations ---
    // --- end app registrations ---
    let _ = (registry, aws);
}
