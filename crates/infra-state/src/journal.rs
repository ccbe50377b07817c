//! The journal beside a local state file (`terraform.tfstate.infra-journal`): what changed
//! since the file was last written, one object at a time, so that saving an operation's result
//! costs that object's bytes and not the whole state's.
//!
//! During an apply, each operation's durable record (the pending create before its call, the
//! object after it, a blue/green deployment's step) is one line appended to the journal and
//! synced before the operation goes on: as durable as rewriting the state file was. A line
//! holds, for one address, everything the state keeps under it: the object, its pending create
//! and its deployment record, the object in the v4 instance layout (absent ones are absent).
//! The whole state is written again (compacted) when the journal has grown to
//! [`COMPACT_RATIO`] times the state file, and at the end of every apply, after which the
//! journal is removed.
//!
//! Reading a state replays the journal over the file: a run that died mid-apply leaves its
//! journal, and the next read sees every operation it recorded. Lines of another lineage or of
//! a serial the file already has are skipped; a last line cut short by a crash is the record
//! of an operation that was never sent, and is dropped.
//!
//! The journal is infra's own: Terraform and OpenTofu never read it, and after a run the state
//! file holds everything.

use infra_core::Address;

use crate::error::StateError;
use crate::format::{self, v4, v4::ObjectRecord};
use crate::model::State;

/// The journal's file name beside the state file: `terraform.tfstate.infra-journal`.
pub const JOURNAL_SUFFIX: &str = ".infra-journal";

/// How many times the state file's size the journal may grow to before it is compacted into
/// the file. Larger means fewer whole rewrites during a long apply (each costs the whole
/// state); the price is a longer replay after a crash, which reads at most this much more.
pub const COMPACT_RATIO: u64 = 4;

/// The journal is compacted once it holds more than [`COMPACT_RATIO`] times the state, and not
/// before it holds this much.
pub const MIN_COMPACT_BYTES: u64 = 1 << 20;

/// Whether a journal holding `journal` bytes, `line` more to come, should instead be compacted
/// into a state of `state` bytes.
pub fn should_compact(journal: u64, line: u64, state: u64) -> bool {
    journal + line > (state * COMPACT_RATIO).max(MIN_COMPACT_BYTES)
}

/// One journal line (newline included): the object at `address` in `state`, its pending create
/// and its deployment record, at `state`'s serial ([`v4::encode_record`]: the object in the v4
/// instance layout, without the whole-state wrapper).
pub fn entry(state: &State, address: &Address) -> Vec<u8> {
    let mut line = v4::encode_record(state, address);
    line.push(b'\n');
    line
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
        let record = v4::decode_record(line)
            .or_else(|error| earlier_record(line, path).map_err(|_| error))
            .map_err(|why| StateError::Corrupt {
                path: path.to_string(),
                detail: format!("journal line {}: {why}", number + 1),
            })?;
        let target = state.get_or_insert_with(|| State {
            lineage: record.lineage.clone(),
            serial: 0,
            ..State::new()
        });
        if record.lineage != target.lineage || record.serial <= target.serial {
            continue;
        }
        let key = record.address.to_string();
        target.serial = record.serial;
        target.resources.remove(&record.address);
        target.pending.remove(&record.address);
        target.deployments.remove(&key);
        if let Some(object) = record.object {
            target.resources.insert(record.address.clone(), object);
        }
        if let Some(pending) = record.pending {
            target.pending.insert(record.address.clone(), pending);
        }
        if let Some(deployment) = record.deployment {
            target.deployments.insert(key, deployment);
        }
    }
    Ok(state)
}

/// A line as infra wrote it before 2026-11-25 (`{"address": ..., "state": <a one-object v4
/// state>}`), left by a run that died before that version compacted its journal.
fn earlier_record(line: &[u8], path: &str) -> Result<ObjectRecord, String> {
    let parsed: serde_json::Value = serde_json::from_slice(line).map_err(|e| e.to_string())?;
    let address: Address = parsed["address"]
        .as_str()
        .ok_or("no address")?
        .parse()
        .map_err(|e| format!("{e}"))?;
    let bytes = serde_json::to_vec(&parsed["state"]).map_err(|e| e.to_string())?;
    let mut one = format::decode(&bytes, path).map_err(|e| e.to_string())?;
    Ok(ObjectRecord {
        object: one.resources.remove(&address),
        pending: one.pending.remove(&address),
        deployment: one.deployments.remove(&address.to_string()),
        address,
        lineage: one.lineage,
        serial: one.serial,
    })
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

    /// A line holds the object's attributes and little else: its address, lineage, serial and
    /// the v4 instance fields.
    #[test]
    fn a_line_costs_little_more_than_the_objects_attributes() {
        let mut state = State::new();
        state.serial = 7;
        let attributes = Value::map([
            ("id", Value::string("/ecs/app")),
            ("name", Value::string("/ecs/app")),
            (
                "arn",
                Value::string("arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/app"),
            ),
            ("retention_in_days", Value::Number(14.0)),
            ("kms_key_id", Value::Null),
            ("log_group_class", Value::string("STANDARD")),
            ("skip_destroy", Value::Bool(false)),
            ("tags", Value::Null),
        ]);
        let own = attributes.to_json().to_string().len();
        state.resources.insert(
            address("aws_cloudwatch_log_group.app"),
            ResourceState {
                resource_type: "aws_cloudwatch_log_group".into(),
                value: attributes,
                ..ResourceState::default()
            },
        );
        let line = entry(&state, &address("aws_cloudwatch_log_group.app"));
        assert!(
            line.len() <= own + 210,
            "{} bytes for {own} bytes of attributes: {}",
            line.len(),
            String::from_utf8_lossy(&line)
        );
        let replayed = replay(None, &line, "j").unwrap().unwrap();
        assert_eq!(replayed.resources, state.resources);
    }

    /// A journal left by a run of an earlier infra (a one-object v4 state per line) replays.
    #[test]
    fn a_line_of_the_earlier_layout_replays() {
        let mut state = State::new();
        state.serial = 2;
        state
            .resources
            .insert(address("aws_vpc.a"), object("vpc-1"));
        let mut one = state.clone();
        one.resources.retain(|a, _| *a == address("aws_vpc.a"));
        let encoded: serde_json::Value = serde_json::from_slice(&format::encode(&one)).unwrap();
        let line = format!(
            "{}\n",
            serde_json::json!({ "address": "aws_vpc.a", "state": encoded })
        );
        let mut base = state.clone();
        base.serial = 1;
        base.resources.clear();
        let replayed = replay(Some(base), line.as_bytes(), "j").unwrap().unwrap();
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
