//! Progress reporting: the engine reports events, the CLI decides how to show them.

use std::time::Duration;

use infra_core::{Action, Address, ProviderError};

#[derive(Clone, Debug)]
pub enum Event {
    Refreshing {
        address: Address,
        id: String,
    },
    ReadingData {
        address: Address,
    },
    /// An `import` target is being read.
    Importing {
        address: Address,
        id: String,
    },
    Recovered {
        address: Address,
        found: bool,
    },
    /// A create was refused because its object exists, and the object is this
    /// configuration's (an earlier attempt whose answer was lost): it is taken into the state.
    Adopted {
        address: Address,
    },
    /// A call of a create or update got no answer that says what happened (a 5xx,
    /// throttling, a lost connection, a timeout): the executor looks before sending it again.
    AnswerLost {
        address: Address,
        action: Action,
        error: ProviderError,
    },
    /// Nothing was found of a create whose answer was lost (or an update's object was read
    /// again): the call is sent again, for the `attempt`th time after the first.
    Resending {
        address: Address,
        action: Action,
        attempt: u32,
    },
    Started {
        address: Address,
        action: Action,
        id: Option<String>,
    },
    StillRunning {
        address: Address,
        action: Action,
        elapsed: Duration,
    },
    Finished {
        address: Address,
        action: Action,
        elapsed: Duration,
        id: Option<String>,
    },
    Failed {
        address: Address,
        action: Action,
        elapsed: Duration,
        error: ProviderError,
    },
    /// A provisioner of the object starts (`failed` is `None`) or has ended.
    Provisioning {
        address: Address,
        provisioner: &'static str,
        failed: Option<bool>,
    },
    /// A line a provisioner's command printed (or Terraform's words for a suppressed one).
    ProvisionOutput {
        address: Address,
        provisioner: &'static str,
        line: String,
    },
    /// An ephemeral resource read while planning (or before an apply): its opening has ended
    /// (`ReadingData` began it), or it is being closed and then closed, when the reads of that
    /// round are done (its value is held in memory for the plan, never in a state or plan
    /// file). Terraform's "Opening complete", "Closing...", "Closing complete" lines; the
    /// ephemeral types infra has hold nothing open at AWS, so closing sends nothing.
    Ephemeral {
        address: Address,
        step: EphemeralStep,
        elapsed: Duration,
    },
    /// A step of a blue/green deployment, in words.
    Deployment {
        address: Address,
        message: String,
    },
}

/// Where an ephemeral resource is ([`Event::Ephemeral`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EphemeralStep {
    Opened,
    Closing,
    Closed,
}

/// Receives events; all methods default to doing nothing.
pub trait Observer: Send + Sync {
    fn event(&self, _event: Event) {}
}

/// An observer that ignores everything.
pub struct Silent;

impl Observer for Silent {}
