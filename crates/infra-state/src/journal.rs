//! The journal beside a local state file (`terraform.tfstate.infra-journal`): what changed
//! since the file was last written, one object at a time, so that saving an operation's result
//! costs that object's bytes and not the whole state's.
//!
//! During an apply, each operation's durable record (the pending create before its call, the
//! object after it, a blue/green deployment's step) is one line appended to the journal and
//! synced before the operation goes on: as durable as rewriting the state file was. A line
//! holds, for one address, everything the state keeps under it: the object, its pending create
//! and its deployment record, as a small v4 state (absent ones are absent). The whole state is
//! written again (compacted) when the journal has grown as large as the state file, and at the
//! end of every apply, after which the journal is removed.
//!
//! Reading a state replays the journal over the file: a run that died mid-apply leaves its
//! journal, and the next read sees every operation it recorded. Lines of another lineage or of
//! a serial the file already has are skipped; a last line cut short by a crash is the record
//! of an operation that was never sent, and is dropped.
//!
//! The journal is infra's own: Terraform and OpenTofu never read it, and after a run the state
//! file holds everything.

use std::collections::BTreeMap;

use infra_core::Address;

use crate::error::StateError;
use crate::format;
use crate::model::State;

/// The journal's file name beside the state file: `terraform.tfstate.infra-journal`.
pub const JOURNAL_SUFFIX: &str = ".infra-journal";

/// One journal line (newline included): the object at `address` in `state`, its pending create
/// and its deployment record, at `state`'s serial.
pub fn entry(state: &State, address: &Address) -> Vec<u8> {
    let key = address.to_string();
    let one = State {
        lineage: state.lineage.clone(),
        serial: state.serial,
        resources: state
            .resources
            .get(address)
            .map(|resource| BTreeMap::from([(address.clone(), resource.clone())]))
            .unwrap_or_default(),
        outputs: BTreeMap::new(),
        deployments: state
            .deployments
            .get(&key)
            .map(|deployment| BTreeMap::from([(key.clone(), deployment.clone())]))
            .unwrap_or_default(),
        pending: state
            .pending
            .get(address)
            .map(|pending| BTreeMap::from([(address.clone(), pending.clone())]))
            .unwrap_or_default(),
        check_results: Vec::new(),
        deposed: BTreeMap::new(),
    };
    let encoded: serde_json::Value =
        serde_json::from_slice(&format::encode(&one)).unwrap_or(serde_json::Value::Null);
    let mut line = serde_json::json!({ "address": key, "state": encoded }).to_string();
    line.push('\n');
    line.into_bytes()
}

/// `base` (the state file's, `None` when there is none yet) with the journal's lines applied.
/// `path` names the journal in errors.
pub fn replay(
    base: Option<State>,
    journal: &[u8],
    path: &str,
) -> Result<Option<State>, StateError> {
    let mut state = base;
    let complete = match journal.iter().rposition(|b| *b == b'\n') {
        Some(end) => &journal[..=end],
        None => return Ok(state),
    };
    for (number, line) in complete.split(|b| *b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let invalid = |why: String| StateError::Corrupt {
            path: path.to_string(),
            detail: format!("journal line {}: {why}", number + 1),
        };
        let parsed: serde_json::Value =
            serde_json::from_slice(line).map_err(|e| invalid(e.to_string()))?;
        let address: Address = parsed["address"]
            .as_str()
            .ok_or_else(|| invalid("no address".to_string()))?
            .parse()
            .map_err(|e| invalid(format!("{e}")))?;
        let bytes = serde_json::to_vec(&parsed["state"]).map_err(|e| invalid(e.to_string()))?;
        let one = format::decode(&bytes, path)?;
        let target = state.get_or_insert_with(|| State {
            lineage: one.lineage.clone(),
            serial: 0,
            ..State::new()
        });
        if one.lineage != target.lineage || one.serial <= target.serial {
            continue;
        }
        let key = address.to_string();
        target.serial = one.serial;
        target.resources.remove(&address);
        target.pending.remove(&address);
        target.deployments.remove(&key);
        target.resources.extend(one.resources);
        target.pending.extend(one.pending);
        target.deployments.extend(one.deployments);
    }
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PendingCreate, ResourceState};
    use infra_core::Value;

    fn address(text: &str) -> Address {
        text.parse().unwrap()
    }

    fn object(id: &str) -> ResourceState {
        ResourceState {
            resource_type: "aws_vpc".into(),
            value: Value::map([("id", Value::string(id))]),
            ..ResourceState::default()
        }
    }

    #[test]
    fn replay_applies_each_objects_latest_record_over_the_file() {
        let mut state = State::new();
        state.serial = 3;
        state
            .resources
            .insert(address("aws_vpc.old"), object("vpc-0"));
        let base = state.clone();
        let mut journal = Vec::new();

        // A pending create, then its result, then the removal of another object.
        state.serial += 1;
        state.pending.insert(
            address("aws_vpc.a"),
            PendingCreate {
                resource_type: "aws_vpc".into(),
                planned: Value::map([("cidr_block", Value::string("10.0.0.0/16"))]),
                started_at: "2026-11-24T00:00:00Z".into(),
                provider: None,
            },
        );
        journal.extend(entry(&state, &address("aws_vpc.a")));
        state.serial += 1;
        state.pending.remove(&address("aws_vpc.a"));
        state
            .resources
            .insert(address("aws_vpc.a"), object("vpc-1"));
        journal.extend(entry(&state, &address("aws_vpc.a")));
        state.serial += 1;
        state.resources.remove(&address("aws_vpc.old"));
        journal.extend(entry(&state, &address("aws_vpc.old")));

        let replayed = replay(Some(base.clone()), &journal, "j").unwrap().unwrap();
        assert_eq!(replayed.serial, 6);
        assert_eq!(
            replayed.resources.keys().collect::<Vec<_>>(),
            vec![&address("aws_vpc.a")]
        );
        assert!(replayed.pending.is_empty());

        // Cut after the pending create: the create is pending; a torn last line is dropped.
        let cut = journal.len() - entry(&state, &address("aws_vpc.old")).len() - 10;
        let torn = replay(Some(base.clone()), &journal[..cut], "j")
            .unwrap()
            .unwrap();
        assert_eq!(torn.serial, 4);
        assert!(torn.pending.contains_key(&address("aws_vpc.a")));
        assert!(torn.resources.contains_key(&address("aws_vpc.old")));
    }

    fn base_with_serial(state: &State, serial: u64) -> State {
        State {
            serial,
            ..state.clone()
        }
    }

    #[test]
    fn lines_of_another_lineage_or_an_older_serial_are_skipped() {
        let mut state = State::new();
        state.serial = 10;
        state
            .resources
            .insert(address("aws_vpc.a"), object("vpc-1"));
        let old = entry(&base_with_serial(&state, 9), &address("aws_vpc.a"));
        let mut other = State::new();
        other.serial = 11;
        let foreign = entry(&other, &address("aws_vpc.a"));
        let mut journal = old;
        journal.extend(foreign);
        let replayed = replay(Some(state.clone()), &journal, "j").unwrap().unwrap();
        assert_eq!(replayed, state);
    }

    #[test]
    fn a_journal_without_a_state_file_makes_the_state() {
        let mut state = State::new();
        state.serial = 1;
        state
            .resources
            .insert(address("aws_vpc.a"), object("vpc-1"));
        let replayed = replay(None, &entry(&state, &address("aws_vpc.a")), "j")
            .unwrap()
            .unwrap();
        assert_eq!(replayed.lineage, state.lineage);
        assert_eq!(replayed.resources, state.resources);
    }
}
