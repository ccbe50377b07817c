//! The plan: data only. It is rendered by infra-render and executed by the executor, and it is
//! always accompanied by the configuration it was built from (checked by digest on apply).

use std::collections::BTreeMap;

use infra_core::{Action, Address, Value};

/// Why an instance is planned the way it is, in Terraform's plan-JSON vocabulary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// A force-new attribute changed.
    ReplaceBecauseCannotUpdate,
    /// `-replace=ADDR`.
    ReplaceByRequest,
    /// The state marks the object tainted (a creation that failed part way, in Terraform).
    ReplaceBecauseTainted,
    /// `lifecycle { replace_triggered_by = [...] }`: something it names changes.
    ReplaceByTriggers,
    /// The object no longer exists remotely; it is created again.
    DeletedOutside,
    /// In state, no longer in the configuration.
    DeleteBecauseNoResourceConfig,
    /// `count` shrank.
    DeleteBecauseCountIndex,
    /// A `for_each` key disappeared.
    DeleteBecauseEachKey,
    /// `infra destroy`.
    Destroy,
}

impl Reason {
    /// Terraform's `action_reason` value.
    pub fn terraform_name(self) -> &'static str {
        match self {
            Reason::ReplaceBecauseCannotUpdate => "replace_because_cannot_update",
            Reason::ReplaceByRequest => "replace_by_request",
            Reason::ReplaceBecauseTainted => "replace_because_tainted",
            Reason::ReplaceByTriggers => "replace_by_triggers",
            Reason::DeletedOutside => "delete_because_no_resource_config",
            Reason::DeleteBecauseNoResourceConfig => "delete_because_no_resource_config",
            Reason::DeleteBecauseCountIndex => "delete_because_count_index",
            Reason::DeleteBecauseEachKey => "delete_because_each_key",
            Reason::Destroy => "delete_because_no_resource_config",
        }
    }

    pub fn from_terraform_name(name: &str) -> Option<Reason> {
        Some(match name {
            "replace_because_cannot_update" => Reason::ReplaceBecauseCannotUpdate,
            "replace_by_request" => Reason::ReplaceByRequest,
            "replace_because_tainted" => Reason::ReplaceBecauseTainted,
            "replace_by_triggers" => Reason::ReplaceByTriggers,
            "delete_because_no_resource_config" => Reason::DeleteBecauseNoResourceConfig,
            "delete_because_count_index" => Reason::DeleteBecauseCountIndex,
            "delete_because_each_key" => Reason::DeleteBecauseEachKey,
            _ => return None,
        })
    }
}

/// The planned change of one resource instance.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceChange {
    pub address: Address,
    pub resource_type: String,
    pub action: Action,
    pub reason: Option<Reason>,
    /// The refreshed object, `Null` for a create.
    pub before: Value,
    /// The planned object, `Null` for a delete; may hold `Unknown`.
    pub after: Value,
    /// The attribute paths whose change forces the replacement.
    pub replace_paths: Vec<String>,
    /// Resource instances this one depends on (config references and `depends_on`).
    pub dependencies: Vec<Address>,
    pub create_before_destroy: bool,
    /// How the provider will roll the update out, for a type it rolls out ([`infra_core::rollout`]).
    pub deployment: Option<DeploymentPlan>,
    /// The address the object had in the state before a `moved` block moved it.
    pub previous_address: Option<Address>,
    /// The import ID, when this plan imports the object (`import` blocks); `before` is the
    /// object as read, which apply adopts into the state.
    pub importing: Option<String>,
    /// The deposed key, when the change deletes a deposed object of the instance
    /// ([`infra_state::State::deposed`]) rather than its current one.
    pub deposed: Option<String>,
}

impl ResourceChange {
    /// A change of `action` from `before` to `after` and nothing more: no reason, no
    /// dependencies, no rollout, no move, no import (drift is such a change).
    pub fn new(
        address: Address,
        resource_type: impl Into<String>,
        action: Action,
        before: Value,
        after: Value,
    ) -> ResourceChange {
        ResourceChange {
            address,
            resource_type: resource_type.into(),
            action,
            reason: None,
            before,
            after,
            replace_paths: vec![],
            dependencies: vec![],
            create_before_destroy: false,
            deployment: None,
            previous_address: None,
            importing: None,
            deposed: None,
        }
    }

    /// Whether applying this change alters the state: an action, a move or an import (not
    /// the opening of an ephemeral resource).
    pub fn changes_state(&self) -> bool {
        !self.opens_ephemeral()
            && (self.action.is_change()
                || self.previous_address.is_some()
                || self.importing.is_some())
    }

    /// The opening of an ephemeral resource during apply (its configuration was not known when
    /// planned). Terraform's plans do not show these: only infra's own section of the plan
    /// file holds them, so that applying the file opens the resource where it should.
    pub fn opens_ephemeral(&self) -> bool {
        self.address.resource.mode == infra_core::Mode::Ephemeral
    }
}

/// What a rollout will do, for the plan text and the plan file.
pub use infra_core::rollout::RolloutPlan as DeploymentPlan;

/// An output's change.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputChange {
    pub action: Action,
    pub before: Value,
    pub after: Value,
    pub sensitive: bool,
}

/// What the plan was made against, so that `apply FILE` can refuse a stale plan.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct PlanBasis {
    pub lineage: String,
    pub serial: u64,
    /// sha256 of every configuration file read.
    pub config_digest: String,
    /// sha256 of the input variable values (sensitive ones included, so they need not be
    /// stored in the file).
    pub variables_digest: String,
    /// sha256 of each refreshed object the plan changes.
    pub fingerprints: BTreeMap<Address, String>,
    pub workspace: String,
}

/// The figures of Terraform's summary line: `Plan: 1 to import, 2 to add, 0 to change, 0 to
/// destroy, 1 to forget.` (import and forget appear only when not zero).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub import: usize,
    pub add: usize,
    pub change: usize,
    pub destroy: usize,
    pub forget: usize,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Plan {
    /// In execution-graph order.
    pub changes: Vec<ResourceChange>,
    /// Objects that changed outside infra, found by refresh (before = state, after = refreshed).
    pub drift: Vec<ResourceChange>,
    pub outputs: BTreeMap<String, OutputChange>,
    /// Input variables as planned; sensitive ones carry their mark and are never printed.
    pub variables: BTreeMap<String, Value>,
    pub basis: PlanBasis,
    /// A `destroy` plan.
    pub destroy: bool,
    /// A `-refresh-only` plan: its only effect is recording the drift in the state.
    pub refresh_only: bool,
    /// Failed `check` assertions and arguments the provider ignores: warnings, never errors.
    pub warnings: Vec<infra_core::Diagnostic>,
}

impl Plan {
    /// The drift worth showing a person: objects deleted outside infra, and objects changed
    /// outside that this plan changes. As in Terraform (1.2 and later), drift that leads to no
    /// change, such as rules that separate resources added to a group, is left out of the human
    /// plan; the plan file keeps all of it in `resource_drift`.
    pub fn relevant_drift(&self) -> Vec<&ResourceChange> {
        if self.refresh_only {
            return self.drift.iter().collect();
        }
        let changed: std::collections::BTreeSet<&Address> = self
            .changes
            .iter()
            .filter(|change| change.action.is_change())
            .map(|change| &change.address)
            .collect();
        self.drift
            .iter()
            .filter(|drift| drift.action == Action::Delete || changed.contains(&drift.address))
            .collect()
    }

    pub fn has_changes(&self) -> bool {
        if self.refresh_only {
            return !self.drift.is_empty();
        }
        self.changes.iter().any(ResourceChange::changes_state)
            || self.outputs.values().any(|o| o.action.is_change())
    }

    /// (to add, to change, to destroy), counted as Terraform counts them.
    pub fn counts(&self) -> (usize, usize, usize) {
        let counts = self.summary();
        (counts.add, counts.change, counts.destroy)
    }

    /// Every figure of Terraform's "Plan:" line.
    pub fn summary(&self) -> Summary {
        let mut counts = Summary::default();
        for change in &self.changes {
            if change.importing.is_some() {
                counts.import += 1;
            }
            match change.action {
                Action::Create => counts.add += 1,
                Action::Update => counts.change += 1,
                Action::Delete => counts.destroy += 1,
                Action::DeleteThenCreate | Action::CreateThenDelete => {
                    counts.add += 1;
                    counts.destroy += 1;
                }
                Action::Forget => counts.forget += 1,
                Action::NoOp | Action::Read => {}
            }
        }
        counts
    }

    pub fn change(&self, address: &Address) -> Option<&ResourceChange> {
        self.changes.iter().find(|c| &c.address == address)
    }
}
