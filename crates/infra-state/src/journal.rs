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
//! [`COMPACT_RATIO`] times the state file, when the last whole write is [`PERSIST_INTERVAL`]
//! old ([`WholeWrites`]), and at the end of every apply, after which the journal is removed.
//!
//! Reading a state replays the journal over the file: a run that died mid-apply leaves its
//! journal, and the next read sees every operation it recorded. A compaction appends a
//! [`compacted_marker`] naming the new file's digest before it replaces the file, so a run
//! killed before the journal's removal leaves lines the replay knows are in the file; a last
//! line cut short by a crash is the record of an operation that was never sent, and is dropped.
//!
//! The journal is infra's own: Terraform and OpenTofu never read it, and after a run the state
//! file holds everything. After a run that died, they read the file as it was last written
//! whole: at most [`PERSIST_INTERVAL`] behind, as Terraform's own file is when Terraform dies.
//! If one of them then writes the file, the journal no longer extends it (each line names the
//! serial of the file it extends): replaying it would put the dead run's objects over what the
//! other tool wrote, and dropping it would forget objects that exist. Reading such a state is
//! an error that names the journal's objects ([`StateError::StaleJournal`]).

use std::time::{Duration, Instant};

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

/// Terraform writes its state at least this often during an apply (`DefaultStatePersistInterval`
/// in its `internal/command`), so that a Terraform that dies loses at most this much work.
pub const PERSIST_INTERVAL: Duration = Duration::from_secs(20);

/// How many times a whole write's own time the interval between whole writes is at least: a
/// large state's writes then take at most a twentieth of the apply.
const WHOLE_WRITE_SHARE: u32 = 20;

/// Whether a journal holding `journal` bytes, `line` more to come, should instead be compacted
/// into a state of `state` bytes.
pub fn should_compact(journal: u64, line: u64, state: u64) -> bool {
    journal + line > (state * COMPACT_RATIO).max(MIN_COMPACT_BYTES)
}

/// The time rule for compacting: a backend folds its journal into the whole state once the
/// last whole write (or, before any in this run, the first journal line) is
/// [`PERSIST_INTERVAL`] old, or 20 times that write's own time if that is longer. So the file
/// Terraform reads after infra died is as fresh as Terraform keeps its own. The interval is
/// Terraform's `TF_STATE_PERSIST_INTERVAL` (seconds) where that asks for more than 20.
#[derive(Clone, Debug)]
pub struct WholeWrites {
    last: Option<Instant>,
    cost: Duration,
    interval: Duration,
}

impl Default for WholeWrites {
    fn default() -> WholeWrites {
        WholeWrites::every(persist_interval(
            std::env::var("TF_STATE_PERSIST_INTERVAL").ok().as_deref(),
        ))
    }
}

impl WholeWrites {
    /// Whole writes at least every `interval`.
    pub fn every(interval: Duration) -> WholeWrites {
        WholeWrites { last: None, cost: Duration::ZERO, interval }
    }

    /// A whole write that began at `started` has just ended.
    pub fn written(&mut self, started: Instant) {
        let now = Instant::now();
        self.last = Some(now);
        self.cost = now.saturating_duration_since(started);
    }

    /// Whether the journal, which holds `journal` bytes, is due to be compacted.
    pub fn due(&mut self, journal: u64) -> bool {
        let Some(last) = self.last else {
            // The clock starts at this run's first record.
            self.last = Some(Instant::now());
            return false;
        };
        journal > 0 && last.elapsed() >= self.interval.max(self.cost * WHOLE_WRITE_SHARE)
    }
}

/// Terraform's rule for `TF_STATE_PERSIST_INTERVAL`: a whole number of seconds above the
/// default counts; anything else is the default.
fn persist_interval(setting: Option<&str>) -> Duration {
    match setting.and_then(|text| text.trim().parse::<u64>().ok()) {
        Some(seconds) if seconds > PERSIST_INTERVAL.as_secs() => Duration::from_secs(seconds),
        _ => PERSIST_INTERVAL,
    }
}

/// One journal line (newline included): the object at `address` in `state`, its pending create
/// and its deployment record, at `state`'s serial ([`v4::encode_record`]: the object in the v4
/// instance layout, without the whole-state wrapper), extending the state file of serial
/// `base` (`None`: there is no file yet).
pub fn entry(state: &State, address: &Address, base: Option<u64>) -> Vec<u8> {
    let mut line = v4::encode_record(state, address, base);
    line.push(b'\n');
    line
}

/// The line appended to a journal just before the state file is replaced by `file` (the
/// compaction's bytes): a replay over exactly those bytes skips every line before it, which the
/// file holds. A run killed between the file's replacement and the journal's removal leaves
/// it; a file written by anything else does not match it.
pub fn compacted_marker(file: &[u8]) -> Vec<u8> {
    format!("{{\"compacted\":\"{}\"}}\n", digest(file)).into_bytes()
}

fn digest(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|byte| format!("{byte:02x}")).collect()
}

/// A [`compacted_marker`] line.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Compacted {
    compacted: String,
}

/// The state as `read_once` reads it (the file with its journal replayed), read again up to
/// twice while the journal does not extend the file: a run that compacts its journal between
/// the reads of the file and of the journal (a lock-free reader, such as `infra show`, during
/// an apply) pairs the old file with the new journal. A journal that really is stale
/// ([`StateError::StaleJournal`]) stays so.
pub fn read_consistently(
    mut read_once: impl FnMut() -> Result<Option<State>, StateError>,
) -> Result<Option<State>, StateError> {
    let mut attempts = 0;
    loop {
        match read_once() {
            Err(StateError::StaleJournal { .. }) if attempts < 2 => attempts += 1,
            read => return read,
        }
    }
}

/// `base` (the state file as decoded from `base_bytes`; `None` when there is none yet) with
/// the journal's lines applied. `path` names the journal in errors. A journal whose lines
/// extend another file than `base` (another tool wrote it after the run that left them died)
/// is [`StateError::StaleJournal`].
pub fn replay(
    base: Option<State>,
    base_bytes: &[u8],
    journal: &[u8],
    path: &str,
) -> Result<Option<State>, StateError> {
    let file = base.as_ref().map(|state| (state.lineage.clone(), state.serial));
    let mut state = base;
    let mut stale = Vec::new();
    let complete = match journal.iter().rposition(|b| *b == b'\n') {
        Some(end) => &journal[..=end],
        None => return Ok(state),
    };
    let lines: Vec<&[u8]> = complete
        .split(|b| *b == b'\n')
        .filter(|line| !line.iter().all(u8::is_ascii_whitespace))
        .collect();
    // The lines before a compaction of this very file are in it.
    let mut file_digest = None;
    let first = lines
        .iter()
        .rposition(|line| {
            serde_json::from_slice::<Compacted>(line).is_ok_and(|marker| {
                marker.compacted == *file_digest.get_or_insert_with(|| digest(base_bytes))
            })
        })
        .map_or(0, |marker| marker + 1);
    for (number, line) in lines.iter().enumerate().skip(first) {
        if serde_json::from_slice::<Compacted>(line).is_ok() {
            continue;
        }
        let record = v4::decode_record(line)
            .or_else(|error| earlier_record(line, path).map_err(|_| error))
            .map_err(|why| StateError::Corrupt {
                path: path.to_string(),
                detail: format!("journal line {}: {why}", number + 1),
            })?;
        let extends = match (&file, record.base) {
            // Written before records named their file.
            (_, None) => true,
            (None, Some(None)) => true,
            (Some((lineage, serial)), Some(Some(base))) => {
                *lineage == record.lineage && *serial == base
            }
            _ => false,
        };
        if !extends {
            stale.push(record);
            continue;
        }
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
    if stale.is_empty() {
        return Ok(state);
    }
    Err(StateError::StaleJournal {
        path: path.to_string(),
        file_serial: file.map(|(_, serial)| serial),
        objects: stale_objects(stale),
    })
}

/// What a stale journal says exists: each address's last record, as `address (id)`, or
/// `address (create started, not known whether it happened)`.
fn stale_objects(records: Vec<ObjectRecord>) -> Vec<String> {
    let mut last = std::collections::BTreeMap::new();
    for record in records {
        last.insert(record.address.to_string(), record);
    }
    last.into_iter()
        .filter_map(|(address, record)| {
            if let Some(object) = &record.object {
                Some(match object.value.get("id").as_str() {
                    Some(id) => format!("{address} ({id})"),
                    None => address,
                })
            } else if record.pending.is_some() {
                Some(format!("{address} (a create was started; it may exist)"))
            } else {
                None
            }
        })
        .collect()
}

/// A line as infra wrote it before 2026-11-25 (`{"address": ..., "state": <a one-object v4
/// state>}`), left by a run that died before that version compacted its journal.
fn earlier_record(line: &[u8], path: &str) -> Result<ObjectRecord, String> {
    let parsed: serde_json::Value = serde_json::from_slice(line).map_err(|e| e.to_string())?;
    let address: Address =
        parsed["address"].as_str().ok_or("no address")?.parse().map_err(|e| format!("{e}"))?;
    let bytes = serde_json::to_vec(&parsed["state"]).map_err(|e| e.to_string())?;
    let mut one = format::decode(&bytes, path).map_err(|e| e.to_string())?;
    Ok(ObjectRecord {
        object: one.resources.remove(&address),
        pending: one.pending.remove(&address),
        deployment: one.deployments.remove(&address.to_string()),
        address,
        lineage: one.lineage,
        serial: one.serial,
        base: None,
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

    /// An empty state at `serial`.
    fn state_at(serial: u64) -> State {
        let mut state = State::new();
        state.serial = serial;
        state
    }

    /// Puts the VPC `id` at `at` in `state`.
    fn put_vpc(state: &mut State, at: &str, id: &str) {
        state.resources.insert(address(at), object(id));
    }

    /// A create of `resource_type` with this `cidr_block` under way since `started_at`.
    fn pending(resource_type: &str, cidr_block: &str, started_at: &str) -> PendingCreate {
        PendingCreate {
            resource_type: resource_type.into(),
            planned: Value::map([("cidr_block", Value::string(cidr_block))]),
            started_at: started_at.into(),
            provider: None,
        }
    }

    #[test]
    fn replay_applies_each_objects_latest_record_over_the_file() {
        let mut state = state_at(3);
        put_vpc(&mut state, "aws_vpc.old", "vpc-0");
        let base = state.clone();
        let mut journal = Vec::new();

        // A pending create, then its result, then the removal of another object.
        state.serial += 1;
        state.pending.insert(
            address("aws_vpc.a"),
            pending("aws_vpc", "10.0.0.0/16", "2026-11-24T00:00:00Z"),
        );
        journal.extend(entry(&state, &address("aws_vpc.a"), Some(3)));
        state.serial += 1;
        state.pending.remove(&address("aws_vpc.a"));
        put_vpc(&mut state, "aws_vpc.a", "vpc-1");
        journal.extend(entry(&state, &address("aws_vpc.a"), Some(3)));
        state.serial += 1;
        state.resources.remove(&address("aws_vpc.old"));
        journal.extend(entry(&state, &address("aws_vpc.old"), Some(3)));

        let replayed = replay(Some(base.clone()), b"", &journal, "j").unwrap().unwrap();
        assert_eq!(replayed.serial, 6);
        assert_eq!(replayed.resources.keys().collect::<Vec<_>>(), vec![&address("aws_vpc.a")]);
        assert!(replayed.pending.is_empty());

        // Cut after the pending create: the create is pending; a torn last line is dropped.
        let cut = journal.len() - entry(&state, &address("aws_vpc.old"), Some(3)).len() - 10;
        let torn = replay(Some(base.clone()), b"", &journal[..cut], "j").unwrap().unwrap();
        assert_eq!(torn.serial, 4);
        assert!(torn.pending.contains_key(&address("aws_vpc.a")));
        assert!(torn.resources.contains_key(&address("aws_vpc.old")));
    }

    /// A compaction killed after the file was replaced and before the journal was removed: the
    /// marker names the file's digest, so the lines before it are skipped; a marker of other
    /// bytes (the compaction never replaced the file) is not.
    #[test]
    fn lines_before_a_compaction_of_this_file_are_skipped() {
        let mut state = state_at(3);
        let file = format::encode(&state);
        let mut journal = Vec::new();
        state.serial = 4;
        put_vpc(&mut state, "aws_vpc.a", "vpc-1");
        journal.extend(entry(&state, &address("aws_vpc.a"), Some(3)));
        state.serial = 5;
        let compacted = format::encode(&state);
        journal.extend(compacted_marker(&compacted));

        let replayed = replay(Some(state.clone()), &compacted, &journal, "j").unwrap().unwrap();
        assert_eq!(replayed, state);
        let base = format::decode(&file, "f").unwrap();
        let replayed = replay(Some(base), &file, &journal, "j").unwrap().unwrap();
        assert_eq!(replayed.serial, 4, "the marker of bytes never written is ignored");
        assert!(replayed.resources.contains_key(&address("aws_vpc.a")));
    }

    /// A journal of another state (the file replaced by another lineage's) is an error too.
    #[test]
    fn lines_of_another_lineage_are_an_error() {
        let state = state_at(10);
        let mut other = state_at(11);
        put_vpc(&mut other, "aws_vpc.a", "vpc-1");
        let foreign = entry(&other, &address("aws_vpc.a"), Some(10));
        let error = replay(Some(state), b"", &foreign, "j").unwrap_err();
        assert!(matches!(error, StateError::StaleJournal { .. }), "{error}");
    }

    /// A line holds the object's attributes and little else: its address, lineage, serial and
    /// the v4 instance fields.
    #[test]
    fn a_line_costs_little_more_than_the_objects_attributes() {
        let mut state = state_at(7);
        let attributes = Value::map([
            ("id", Value::string("/ecs/app")),
            ("name", Value::string("/ecs/app")),
            ("arn", Value::string("arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/app")),
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
        let line = entry(&state, &address("aws_cloudwatch_log_group.app"), None);
        assert!(
            line.len() <= own + 221,
            "{} bytes for {own} bytes of attributes: {}",
            line.len(),
            String::from_utf8_lossy(&line)
        );
        let replayed = replay(None, b"", &line, "j").unwrap().unwrap();
        assert_eq!(replayed.resources, state.resources);
    }

    /// A journal left by a run of an earlier infra (a one-object v4 state per line) replays.
    #[test]
    fn a_line_of_the_earlier_layout_replays() {
        let mut state = state_at(2);
        put_vpc(&mut state, "aws_vpc.a", "vpc-1");
        let mut one = state.clone();
        one.resources.retain(|a, _| *a == address("aws_vpc.a"));
        let encoded: serde_json::Value = serde_json::from_slice(&format::encode(&one)).unwrap();
        let line = format!("{}\n", serde_json::json!({ "address": "aws_vpc.a", "state": encoded }));
        let mut base = state.clone();
        base.serial = 1;
        base.resources.clear();
        let replayed = replay(Some(base), b"", line.as_bytes(), "j").unwrap().unwrap();
        assert_eq!(replayed, state);
    }

    #[test]
    fn a_journal_without_a_state_file_makes_the_state() {
        let mut state = state_at(1);
        put_vpc(&mut state, "aws_vpc.a", "vpc-1");
        let replayed =
            replay(None, b"", &entry(&state, &address("aws_vpc.a"), None), "j").unwrap().unwrap();
        assert_eq!(replayed.lineage, state.lineage);
        assert_eq!(replayed.resources, state.resources);
    }

    /// Terraform wrote the file after the run that left the journal died: replaying would put
    /// the dead run's objects over Terraform's, dropping would forget them. An error names them.
    #[test]
    fn a_journal_that_no_longer_extends_the_file_is_an_error_naming_its_objects() {
        let mut state = state_at(3);
        let file = state.clone();
        let mut journal = Vec::new();
        state.serial = 4;
        put_vpc(&mut state, "aws_vpc.a", "vpc-1");
        journal.extend(entry(&state, &address("aws_vpc.a"), Some(3)));
        state.serial = 5;
        state.pending.insert(
            address("aws_subnet.b"),
            pending("aws_subnet", "10.0.1.0/24", "2026-11-26T00:00:00Z"),
        );
        journal.extend(entry(&state, &address("aws_subnet.b"), Some(3)));

        // The journal extends the file: replayed.
        let replayed = replay(Some(file.clone()), b"", &journal, "j").unwrap().unwrap();
        assert_eq!(replayed.serial, 5);

        // Terraform read serial 3 and wrote serial 4 with something else in it.
        let mut terraform = file.clone();
        terraform.serial = 4;
        put_vpc(&mut terraform, "aws_vpc.z", "vpc-9");
        let error =
            replay(Some(terraform), b"", &journal, "terraform.tfstate.infra-journal").unwrap_err();
        let StateError::StaleJournal { objects, file_serial, .. } = &error else {
            panic!("{error}");
        };
        assert_eq!(*file_serial, Some(4));
        assert_eq!(
            objects,
            &vec![
                "aws_subnet.b (a create was started; it may exist)".to_string(),
                "aws_vpc.a (vpc-1)".to_string(),
            ]
        );
        let message = error.to_string();
        assert!(
            message.contains(
                "terraform.tfstate.infra-journal holds the records of an infra run that died"
            ),
            "{message}"
        );
        assert!(message.contains("its serial is now 4"), "{message}");

        // The file was deleted since.
        let error = replay(None, b"", &journal, "j").unwrap_err();
        assert!(error.to_string().contains("it is gone"), "{error}");
    }

    #[test]
    fn whole_writes_come_at_the_interval_or_twenty_times_their_cost() {
        let mut writes = WholeWrites::every(Duration::ZERO);
        // The clock starts at the first record; an empty journal is never due.
        assert!(!writes.due(100));
        assert!(writes.due(100));
        assert!(!writes.due(0));
        // A whole write that took a while holds the next one off for 20 times as long.
        writes.written(Instant::now() - Duration::from_secs(3600));
        assert!(!writes.due(100));
        let mut writes = WholeWrites::every(PERSIST_INTERVAL);
        writes.written(Instant::now());
        assert!(!writes.due(100));
    }

    #[test]
    fn tf_state_persist_interval_counts_only_above_twenty_seconds() {
        assert_eq!(persist_interval(None), PERSIST_INTERVAL);
        assert_eq!(persist_interval(Some("5")), PERSIST_INTERVAL);
        assert_eq!(persist_interval(Some("soon")), PERSIST_INTERVAL);
        assert_eq!(persist_interval(Some("90")), Duration::from_secs(90));
    }
}
