//! What this process wrote to state storage, counted for the benches (`INFRA_DEBUG_REQUESTS`
//! prints it beside the AWS request count): journal records, and whole writes of the state.

use std::sync::atomic::{AtomicU64, Ordering};

static JOURNAL_RECORDS: AtomicU64 = AtomicU64::new(0);
static JOURNAL_BYTES: AtomicU64 = AtomicU64::new(0);
static WHOLE_WRITES: AtomicU64 = AtomicU64::new(0);
static WHOLE_BYTES: AtomicU64 = AtomicU64::new(0);

/// A journal record (a line, an S3 object) of `bytes` was written.
pub fn journal(bytes: usize) {
    JOURNAL_RECORDS.fetch_add(1, Ordering::Relaxed);
    JOURNAL_BYTES.fetch_add(bytes as u64, Ordering::Relaxed);
}

/// The whole state, `bytes` long, was written.
pub fn whole(bytes: usize) {
    WHOLE_WRITES.fetch_add(1, Ordering::Relaxed);
    WHOLE_BYTES.fetch_add(bytes as u64, Ordering::Relaxed);
}

/// `state written: N journal records (B bytes), M whole writes (B bytes)`.
pub fn summary() -> String {
    format!(
        "state written: {} journal records ({} bytes), {} whole writes ({} bytes)",
        JOURNAL_RECORDS.load(Ordering::Relaxed),
        JOURNAL_BYTES.load(Ordering::Relaxed),
        WHOLE_WRITES.load(Ordering::Relaxed),
        WHOLE_BYTES.load(Ordering::Relaxed),
    )
}
