//! Resource types' default timeouts.

use std::time::Duration;

use infra_core::Timeouts;

/// Default create, update and delete timeouts, in minutes (as the provider's
/// `schema.ResourceTimeout` states them).
pub(crate) fn minutes(create: u64, update: u64, delete: u64) -> Timeouts {
    Timeouts {
        create: Duration::from_secs(create * 60),
        update: Duration::from_secs(update * 60),
        delete: Duration::from_secs(delete * 60),
    }
}
