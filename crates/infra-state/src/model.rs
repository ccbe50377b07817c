//! The state model: what the engine reads and changes. It knows nothing of JSON; the file
//! format lives in [`crate::format`].

use std::collections::BTreeMap;

use infra_core::{Address, CheckResult, Value};

/// Everything remembered between runs of one workspace.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    /// Identifies one history of this state (uuid v4), set when the state is first created.
    /// A plan or a write with another lineage belongs to a different state.
    pub lineage: String,
    /// Bumped by the caller on every write.
    pub serial: u64,
    pub resources: BTreeMap<Address, ResourceState>,
    pub outputs: BTreeMap<String, OutputState>,
    /// Blue/green runtime state per service address; opaque JSON to this crate.
    pub deployments: BTreeMap<String, serde_json::Value>,
    /// The intent journal: a create that was started and may or may not have happened.
    pub pending: BTreeMap<Address, PendingCreate>,
    /// Terraform's `check_results`: each checkable object's status as the last apply left it.
    pub check_results: Vec<CheckResult>,
    /// Terraform's deposed objects: what a `create_before_destroy` replacement set aside and
    /// did not delete (the delete failed, or the run stopped), by instance address and deposed
    /// key (eight hex digits). The next apply deletes each.
    pub deposed: BTreeMap<Address, BTreeMap<String, ResourceState>>,
}

/// One resource instance as last read or written.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResourceState {
    pub resource_type: String,
    /// The object, with its sensitive marks (restored on read). Never contains `Unknown`.
    pub value: Value,
    /// Addresses this instance depended on when last applied, sorted.
    pub dependencies: Vec<Address>,
    pub create_before_destroy: bool,
    /// The provider configuration that manages it, when not its type's default: `aws.west`.
    pub provider: Option<String>,
    /// The version of the type's schema `value` follows. Older versions are upgraded by the
    /// type's state upgraders before anything else reads the value.
    pub schema_version: u64,
    /// Terraform's `tainted` status: the object is replaced on the next apply.
    pub tainted: bool,
    /// The provider's private data as the state file holds it (base64), kept as it was read:
    /// Terraform's providers keep timeouts and their own schema version there.
    pub private: Option<String>,
    /// The resource identity (Terraform 1.12) a provider recorded, with its schema version;
    /// kept as it was read.
    pub identity: Option<(u64, serde_json::Value)>,
    /// The type's attributes of dynamic type (`terraform_data.input`), which the state file
    /// holds in cty's wrapped form `{"value": …, "type": …}`; set from the type's schema.
    pub dynamic_attributes: Vec<String>,
}

/// The `schema_version` of an instance read from infra's format 1, which did not record one:
/// its value follows the type's current schema. Replaced by that version when the state is
/// upgraded, before anything else reads it.
pub const SCHEMA_VERSION_CURRENT: u64 = u64::MAX;

/// A root module output as last applied.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputState {
    pub value: Value,
    pub sensitive: bool,
}

/// A create call that was about to be made. Recorded before the call and removed once its
/// result is in `resources`, so a crash in between leaves a trace the next run can resolve.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingCreate {
    pub resource_type: String,
    /// The planned object; may contain `Unknown` and sensitive marks.
    pub planned: Value,
    /// RFC 3339.
    pub started_at: String,
    /// The provider configuration, when not the type's default (`aws.west`).
    pub provider: Option<String>,
}

impl State {
    /// An empty state with a fresh lineage and serial 0.
    pub fn new() -> State {
        State {
            lineage: uuid::Uuid::new_v4().to_string(),
            serial: 0,
            resources: BTreeMap::new(),
            outputs: BTreeMap::new(),
            deployments: BTreeMap::new(),
            pending: BTreeMap::new(),
            check_results: Vec::new(),
            deposed: BTreeMap::new(),
        }
    }

    pub fn get(&self, address: &Address) -> Option<&ResourceState> {
        self.resources.get(address)
    }

    /// True when nothing at all is recorded (no resources, outputs, deployments or pending
    /// creates); such a workspace may be deleted without losing track of anything.
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty()
            && self.deposed.is_empty()
            && self.outputs.is_empty()
            && self.deployments.is_empty()
            && self.pending.is_empty()
    }
}

impl State {
    /// Sets `object`, the object at `address` a replacement puts aside, as deposed under a new
    /// key; returns the key.
    pub fn depose(&mut self, address: &Address, object: ResourceState) -> String {
        let objects = self.deposed.entry(address.clone()).or_default();
        let key = (1u32..)
            .map(|n| format!("{n:08x}"))
            .find(|key| !objects.contains_key(key))
            .unwrap_or_default();
        objects.insert(key.clone(), object);
        key
    }

    /// Forgets the deposed object `key` of `address` (it was deleted).
    pub fn forget_deposed(&mut self, address: &Address, key: &str) {
        if let Some(objects) = self.deposed.get_mut(address) {
            objects.remove(key);
            if objects.is_empty() {
                self.deposed.remove(address);
            }
        }
    }
}

impl Default for State {
    fn default() -> State {
        State::new()
    }
}

impl ResourceState {
    /// The `id` attribute, when the object has a string one.
    pub fn id(&self) -> Option<&str> {
        self.value.get("id").as_str()
    }
}
