//! Rollouts: a provider's way of changing what an object runs step by step instead of updating
//! it in place (the AWS provider deploys an ECS service blue/green). The engine says when: at
//! create, update and delete, at refresh, and at the start of an apply. The provider does the
//! work and keeps a record of it. The engine stores that record in the state's `deployments`
//! under the object's address, and never reads it.

use crate::error::ProviderError;
use crate::value::Value;

/// A rollout's record, as the provider wrote it; opaque to the engine.
pub type RolloutRecord = serde_json::Value;

/// What the engine gives a running rollout: where its progress goes, and how its record is
/// saved at each step, so that a run killed part way leaves it in the state.
pub trait RolloutEvents {
    /// The rolling object's address, for a message that names a command to run on it.
    fn address(&self) -> String;
    fn message(&self, text: String);
    /// Writes `record` to the state now.
    fn save(&self, record: &RolloutRecord) -> Result<(), String>;
    /// True once the user asked the apply to stop.
    fn interrupted(&self) -> bool;
}

/// How a planned update will roll out, for the plan text and the plan file.
#[derive(Clone, Debug, PartialEq)]
pub struct RolloutPlan {
    pub live_colour: String,
    pub target_colour: String,
    pub live_revision: String,
    pub target_revision: String,
}

/// What recovering an interrupted rollout did.
#[derive(Clone, Debug, PartialEq)]
pub struct Recovered {
    pub report: String,
    /// The revision now live, when the rollout was finished rather than rolled back (the
    /// state's object records it: [`Rollouts::with_live_revision`]).
    pub live_revision: Option<String>,
}

/// A provider's rollouts. `resource_type` is a type's name; `value` is the object's value
/// (planned, or as the state holds it, unmarked).
#[async_trait::async_trait(?Send)]
pub trait Rollouts: Send + Sync {
    /// `None` when `value` is applied as any object is; `Some(Ok(()))` when it rolls out;
    /// `Some(Err(reason))` when its rollout settings cannot run.
    fn rolls_out(&self, resource_type: &str, value: &Value) -> Option<Result<(), String>>;

    /// How an update to `planned` will roll out from what `record` says runs now.
    fn plan(
        &self,
        resource_type: &str,
        planned: &Value,
        record: &RolloutRecord,
    ) -> Option<RolloutPlan>;

    /// Creates the object and returns its ID; its record is saved through `events`.
    async fn create(
        &self,
        resource_type: &str,
        planned: &Value,
        events: &dyn RolloutEvents,
    ) -> Result<String, ProviderError>;

    /// Rolls `planned` out and returns the object's ID; the record is saved through `events`
    /// at each step and at the end, whatever the outcome.
    async fn update(
        &self,
        resource_type: &str,
        planned: &Value,
        record: &RolloutRecord,
        events: &dyn RolloutEvents,
    ) -> Result<String, ProviderError>;

    /// Deletes everything the rollout made for the object.
    async fn delete(&self, record: &RolloutRecord) -> Result<(), ProviderError>;

    /// True while the record says a rollout is under way (a run was killed or timed out).
    fn in_progress(&self, record: &RolloutRecord) -> bool;

    /// Rolls back the rollout a killed or timed-out run left part way, or with `resume`
    /// finishes it when it can; `None` when none was under way.
    async fn recover(
        &self,
        value: &Value,
        record: &mut RolloutRecord,
        resume: bool,
    ) -> Result<Option<Recovered>, ProviderError>;

    /// Moves what should follow the live side to it (AWS: auto scaling); returns a sentence
    /// saying so when it moved anything.
    async fn follow_live(&self, record: &RolloutRecord) -> Result<Option<String>, ProviderError>;

    /// Retires the standby side once it has outlived its retention; true when it did.
    async fn finalize_expired(
        &self,
        resource_type: &str,
        value: &Value,
        record: &mut RolloutRecord,
    ) -> Result<bool, ProviderError>;

    /// The record of a rolled-out object whose record the state lost (a tool that does not
    /// keep it rewrote the file), re-derived from what runs, with a sentence on what was found.
    async fn rederive(
        &self,
        resource_type: &str,
        value: &Value,
    ) -> Result<Option<(RolloutRecord, String)>, ProviderError>;

    /// The prior to read the object through (the side that serves now); `None` when the
    /// record cannot say.
    fn read_prior(
        &self,
        resource_type: &str,
        value: &Value,
        record: &RolloutRecord,
    ) -> Option<Value>;

    /// `remote`, read through [`Rollouts::read_prior`], with the attributes the rollout owns
    /// at run time taken from `prior`: only configuration is compared.
    fn with_runtime_attributes(&self, resource_type: &str, remote: Value, prior: &Value) -> Value;

    /// `value` recording `revision` as the one that runs (after a revert or a resumed rollout
    /// made it live outside a planned change).
    fn with_live_revision(&self, resource_type: &str, value: &Value, revision: &str) -> Value;

    /// The IDs of objects whose traffic the rollout moves: their types' traffic paths are
    /// neither drift nor planned.
    fn routes(&self, record: &RolloutRecord) -> Vec<String>;

    /// Pairs of object IDs `(first, then)` that a destroy must delete in that order, which
    /// the configuration's references do not show.
    fn delete_order(&self, record: &RolloutRecord) -> Vec<(String, String)>;
}
