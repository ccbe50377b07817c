//! What a create saw before its first send, for the lookup after a lost answer.
//!
//! Most types find an object whose create answer was lost by the managed tags the create sent
//! with it (`find_created`). A few cannot: the object is tagged by a later call (an S3 bucket,
//! a service-linked role), or it cannot carry tags at all (an IAM access key). For those, the
//! create lists the objects that could be mistaken for its own before its first send, and the
//! lookup takes an object that was not there then as the one the lost call made.
//!
//! The record lives in this process, once per operation (lineage and address), like
//! [`crate::ec2_support::name_for_create`]'s names: a resend after a lost answer keeps the first
//! send's record. A run after a crash has none, so those types fall back to their managed tags
//! (CREATE_PROTECTION.md says which).

use std::collections::{BTreeSet, HashMap};
use std::sync::{LazyLock, Mutex, PoisonError};
use std::time::SystemTime;

use infra_core::Operation;

/// What one operation saw before its first send, and when it looked.
struct Before {
    existing: BTreeSet<String>,
    at: SystemTime,
}

static BEFORE: LazyLock<Mutex<HashMap<String, Before>>> = LazyLock::new(Default::default);

fn key(operation: &Operation) -> String {
    format!("{}\n{}", operation.lineage, operation.address)
}

/// Whether this operation has recorded what was there before its first send.
pub(crate) fn recorded(operation: &Operation) -> bool {
    BEFORE.lock().unwrap_or_else(PoisonError::into_inner).contains_key(&key(operation))
}

/// Records `existing`, the ids that were there before this operation's first send. A later
/// record for the same operation (a resend) is ignored.
pub(crate) fn record(operation: &Operation, existing: impl IntoIterator<Item = String>) {
    BEFORE.lock().unwrap_or_else(PoisonError::into_inner).entry(key(operation)).or_insert_with(
        || Before { existing: existing.into_iter().collect(), at: SystemTime::now() },
    );
}

/// The ids of `now` that were not there before this operation's first send: what its sends
/// made. `None` when this process sent no create for the operation (the lookup of a run after
/// a crash), so that nothing is taken for the create's.
pub(crate) fn made_since_first_send<'a>(
    operation: &Operation,
    now: impl IntoIterator<Item = &'a str>,
) -> Option<Vec<String>> {
    let before = BEFORE.lock().unwrap_or_else(PoisonError::into_inner);
    let before = before.get(&key(operation))?;
    Some(now.into_iter().filter(|id| !before.existing.contains(*id)).map(str::to_string).collect())
}

/// When this operation looked before its first send; `None` when it sent no create here.
pub(crate) fn first_send_at(operation: &Operation) -> Option<SystemTime> {
    BEFORE
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&key(operation))
        .map(|before| before.at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operation(address: &str) -> Operation {
        Operation { address: address.into(), lineage: "lineage".into(), ..Operation::default() }
    }

    #[test]
    fn only_what_appeared_after_the_first_send_is_the_creates() {
        let create = operation("aws_iam_access_key.first");
        assert_eq!(made_since_first_send(&create, ["a"]), None);
        assert!(!recorded(&create));
        record(&create, ["a".to_string()]);
        // A resend records again; the first record stands.
        record(&create, ["a".to_string(), "b".to_string()]);
        assert!(recorded(&create));
        assert_eq!(made_since_first_send(&create, ["a", "b"]), Some(vec!["b".to_string()]));
        assert_eq!(made_since_first_send(&operation("aws_iam_access_key.other"), ["a", "b"]), None);
    }
}
