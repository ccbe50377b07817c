//! The contract between the engine and a provider: a resource type or data source declares its
//! schema and implements create/read/update/delete. The engine never knows which cloud API is
//! behind it; the AWS crate implements these traits, one file per type.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use crate::address::Mode;
pub use crate::error::{Cause, ProviderError};
use crate::schema::Schema;
use crate::value::Value;

/// The `timeouts { create, update, delete }` of one resource, with the type's defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct Timeouts {
    pub create: Duration,
    pub update: Duration,
    pub delete: Duration,
}

impl Timeouts {
    /// Create, update and delete timeouts in minutes, as the provider's `schema.ResourceTimeout`
    /// states a type's defaults.
    pub fn minutes(create: u64, update: u64, delete: u64) -> Timeouts {
        Timeouts {
            create: Duration::from_secs(create * 60),
            update: Duration::from_secs(update * 60),
            delete: Duration::from_secs(delete * 60),
        }
    }
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts::minutes(30, 30, 30)
    }
}

/// What a provider operation knows about the instance it works on.
#[derive(Clone, Debug, Default)]
pub struct Operation {
    /// The resource address, e.g. `aws_vpc.main`.
    pub address: String,
    /// The state lineage, written as the `infra:lineage` tag.
    pub lineage: String,
    pub timeouts: Timeouts,
    /// The state's rollout records, so that a type configured on a rolled-out object acts
    /// on the side that serves (Application Auto Scaling on a blue/green ECS service).
    pub rollouts: Vec<crate::rollout::RolloutRecord>,
}

/// What a create is handed, and the search for what a create whose answer was lost made: the
/// operation and the planned value.
#[derive(Clone, Copy)]
pub struct Creating<'a> {
    pub operation: &'a Operation,
    pub planned: &'a Value,
}

/// What an update is handed: the operation and the values the object goes between.
#[derive(Clone, Copy)]
pub struct Updating<'a> {
    pub operation: &'a Operation,
    pub prior: &'a Value,
    pub planned: &'a Value,
}

/// What a delete is handed: the operation and the object's prior state.
#[derive(Clone, Copy)]
pub struct Deleting<'a> {
    pub operation: &'a Operation,
    pub prior: &'a Value,
}

/// The provider a resource type belongs to, as Terraform names it in plan JSON: the type's
/// prefix (`aws_vpc` → `registry.terraform.io/hashicorp/aws`), and Terraform's built-in
/// provider for `terraform_data`.
pub fn provider_source(type_name: &str) -> String {
    if type_name == "terraform_data" {
        return "terraform.io/builtin/terraform".into();
    }
    let prefix = type_name.split('_').next().unwrap_or(type_name);
    format!("registry.terraform.io/hashicorp/{prefix}")
}

/// The local name of a type's provider (`aws_vpc` → `aws`, `terraform_data` → `terraform`).
pub fn provider_name(type_name: &str) -> &str {
    type_name.split('_').next().unwrap_or(type_name)
}

/// The prior value for a type whose Terraform import ID is one attribute (`name`, `arn`,
/// `identifier`): that attribute, and `id`, set to the ID.
pub fn import_by(attribute: &str, id: &str) -> Value {
    Value::map([(attribute, Value::string(id)), ("id", Value::string(id))])
}

/// The tag keys every taggable resource carries, so a crashed apply can find what it made.
pub const ADDRESS_TAG: &str = "infra:address";
pub const LINEAGE_TAG: &str = "infra:lineage";

/// Tags as a provider read them, without the managed `infra:*` tags, as a `Value` map.
pub fn visible_tags<'a>(tags: impl IntoIterator<Item = (&'a str, &'a str)>) -> Value {
    Value::Map(
        tags.into_iter()
            .filter(|(k, _)| !k.starts_with("infra:"))
            .map(|(k, v)| (k.to_string(), Value::string(v)))
            .collect(),
    )
}

/// Reads a stored state's bytes from one kind of backend, for `terraform_remote_state`: the
/// local backend is built in, and a provider adds those it can reach (S3).
#[async_trait::async_trait]
pub trait StateReader: Send + Sync {
    /// The bytes of the state that the backend settings `config` name for `workspace`, and
    /// where they were read (for messages); `None` when no state is stored there.
    async fn read(
        &self,
        config: &Value,
        workspace: &str,
    ) -> Result<Option<(Vec<u8>, String)>, ProviderError>;
}

/// A managed resource type such as `aws_vpc`.
///
/// Values passed in and out are whole objects: every schema attribute, nested blocks as lists
/// of objects. `planned` may hold `Value::Unknown` for computed attributes; what `create` and
/// `update` return must be wholly known and include `id`.
#[async_trait::async_trait]
pub trait ResourceType: Send + Sync {
    /// The Terraform type name, e.g. `aws_vpc`.
    fn name(&self) -> &'static str;
    /// Legacy names that mean the same type, e.g. `aws_alb` for `aws_lb`.
    fn aliases(&self) -> &'static [&'static str] {
        &[]
    }
    fn schema(&self) -> &Schema;
    /// Checks across attributes that the schema cannot express: `(attribute path, message)`.
    fn validate(&self, _config: &Value) -> Vec<(String, String)> {
        vec![]
    }
    /// Every problem of a configuration, as the planner reports them: the schema's checks,
    /// then [`ResourceType::validate`]'s.
    fn problems(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = self.schema().validate(config);
        problems.extend(self.validate(config));
        problems
    }
    /// What the configuration holds that the provider accepts and ignores, each said once as
    /// a warning: `(attribute path, message)`.
    fn warnings(&self, _config: &Value) -> Vec<(String, String)> {
        vec![]
    }
    /// Extra normalization before comparing, after the schema's (e.g. filling in the defaults
    /// AWS adds to container definitions).
    fn normalize(&self, _value: &mut Value) {}
    /// Of the attribute paths that change from `prior` to `planned` (`changed`), those that
    /// force a new object for this change only, beyond the schema's `force_new`: the
    /// provider's conditional replacements (an instance's `user_data` when
    /// `user_data_replace_on_change` is set). A type may compare with what its own
    /// `read_many` read in this run, as the provider's CustomizeDiff reads AWS at plan time
    /// (an instance's launch template versions); without a refresh it must decide without it.
    fn replacing_changes(
        &self,
        _prior: &Value,
        _planned: &Value,
        _changed: &[String],
    ) -> Vec<String> {
        vec![]
    }
    /// The top-level attributes whose change from `prior` to `planned` the provider's
    /// CustomizeDiff clears (`d.Clear`): they keep `prior`'s value, so they plan no change and
    /// send none (an ECS service's `triggers` removed while `force_new_deployment` is set).
    fn cleared_changes(&self, _prior: &Value, _planned: &Value) -> Vec<&'static str> {
        vec![]
    }
    /// The computed attributes that an in-place update from `prior` to `planned` gives new
    /// values, so the plan shows them as known after apply and what references them is
    /// planned with the new value (a Lambda function's `version` when the update publishes
    /// one: the provider's SetNewComputed).
    fn unknown_after_update(&self, _prior: &Value, _planned: &Value) -> Vec<&'static str> {
        vec![]
    }
    /// Attributes a rollout sets at run time when it routes traffic through an object of
    /// this type (a listener's actions): they are neither drift nor planned.
    fn traffic_paths(&self) -> &'static [&'static str] {
        &[]
    }
    /// Default `timeouts` for long waits.
    fn default_timeouts(&self) -> Timeouts {
        Timeouts::default()
    }
    /// The provider's state upgrader from schema version `from` to `from + 1`, applied to a
    /// stored object (a Terraform state written by an older provider) before anything reads
    /// it. The default leaves the object as it is: right for a type whose upgraders change
    /// nothing that the type reads. A type whose upgrader renames, removes or converts
    /// attributes does what the provider's does.
    fn upgrade_state(&self, _from: u64, value: Value) -> Result<Value, String> {
        Ok(value)
    }

    /// The names a create generates (the provider's `name_prefix`, or no name at all), filled
    /// into `planned` before the create is journaled. The pending entry then holds them, so a
    /// resend after a lost answer and the next run after a crash look for, and ask for, the
    /// object the first attempt made. The default leaves `planned` as it is: right for a type
    /// whose create names nothing itself.
    fn with_generated_names(&self, _operation: &Operation, planned: Value) -> Value {
        planned
    }

    async fn create(&self, at: Creating<'_>) -> Result<Value, ProviderError>;
    async fn update(&self, at: Updating<'_>) -> Result<Value, ProviderError>;
    async fn delete(&self, at: Deleting<'_>) -> Result<(), ProviderError>;
    /// Refreshes many instances of this type in as few calls as the API allows. The result has
    /// one entry per `prior`, in order: `None` where the object no longer exists.
    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError>;
    /// Resolves an interrupted create: finds the object by its managed tags or natural key.
    async fn find_created(&self, at: Creating<'_>) -> Result<Option<Value>, ProviderError>;

    /// Import (`import` blocks, `infra import ADDR ID`): the prior value that [`read_many`]
    /// refreshes into the imported object, from the type's Terraform import ID. The default
    /// takes the ID as the object's `id`; a type whose import ID is composite (`ROLE/ARN`) or
    /// whose object is its ID (`random_password`) overrides this, and a type the provider
    /// cannot import returns [`ProviderError::not_importable`].
    ///
    /// [`read_many`]: ResourceType::read_many
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        Ok(Value::map([("id", Value::string(id))]))
    }
}

/// A data source such as `aws_availability_zones`.
#[async_trait::async_trait]
pub trait DataSourceType: Send + Sync {
    fn name(&self) -> &'static str;
    /// Other names the data source answers to (`aws_alb` for `aws_lb`).
    fn aliases(&self) -> &'static [&'static str] {
        &[]
    }
    fn schema(&self) -> &Schema;
    /// Reads the data source; `config` is wholly known. Returns the config plus computed values.
    async fn read(&self, config: &Value) -> Result<Value, ProviderError>;
}

/// Every resource type and data source the provider offers, looked up by name (aliases too).
#[derive(Clone, Default)]
pub struct Registry {
    resources: BTreeMap<&'static str, Arc<dyn ResourceType>>,
    data_sources: BTreeMap<&'static str, Arc<dyn DataSourceType>>,
    /// Ephemeral resource types (Terraform 1.10): opened as a data source is read, and never
    /// stored. None of infra's has anything to close.
    ephemeral_resources: BTreeMap<&'static str, Arc<dyn DataSourceType>>,
    rollouts: Option<Arc<dyn crate::rollout::Rollouts>>,
    tagging: Option<Arc<dyn crate::tagging::Tagging>>,
    resend_budget: Option<u32>,
    /// The registries of other provider configurations (`aws.west`), by address.
    configurations: BTreeMap<String, Registry>,
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    pub fn register_resource(&mut self, resource: Arc<dyn ResourceType>) {
        for alias in resource.aliases() {
            self.resources.insert(alias, resource.clone());
        }
        self.resources.insert(resource.name(), resource);
    }

    pub fn register_data_source(&mut self, data_source: Arc<dyn DataSourceType>) {
        for alias in data_source.aliases() {
            self.data_sources.insert(alias, data_source.clone());
        }
        self.data_sources.insert(data_source.name(), data_source);
    }

    pub fn register_ephemeral_resource(&mut self, ephemeral: Arc<dyn DataSourceType>) {
        self.ephemeral_resources.insert(ephemeral.name(), ephemeral);
    }

    /// Adds the types of another provider configuration, such as `aws.west` (a `provider`
    /// block with an `alias`), built with that configuration's clients.
    pub fn add_configuration(&mut self, address: impl Into<String>, registry: Registry) {
        self.configurations.insert(address.into(), registry);
    }

    /// The registry of a provider configuration: `aws.west`'s own, or this one for the default
    /// configurations (`aws`, `random`, ...).
    pub fn for_configuration(&self, address: &str) -> &Registry {
        self.configurations.get(address).unwrap_or(self)
    }

    /// Whether a provider configuration address is declared: a default one, or an added one.
    pub fn has_configuration(&self, address: &str) -> bool {
        !address.contains('.') || self.configurations.contains_key(address)
    }

    /// How many times a call whose answer was lost may be sent again after looking for its
    /// work (the provider configuration's retry setting).
    pub fn set_resend_budget(&mut self, budget: u32) {
        self.resend_budget = Some(budget);
    }

    pub fn resend_budget(&self) -> Option<u32> {
        self.resend_budget
    }

    /// The provider's rollouts, if it has them.
    pub fn set_rollouts(&mut self, rollouts: Arc<dyn crate::rollout::Rollouts>) {
        self.rollouts = Some(rollouts);
    }

    pub fn rollouts(&self) -> Option<&Arc<dyn crate::rollout::Rollouts>> {
        self.rollouts.as_ref()
    }

    /// How the provider completes the tags of its taggable types, if it does.
    pub fn set_tagging(&mut self, tagging: Arc<dyn crate::tagging::Tagging>) {
        self.tagging = Some(tagging);
    }

    pub fn tagging(&self) -> Option<&dyn crate::tagging::Tagging> {
        self.tagging.as_deref()
    }

    pub fn resource(&self, name: &str) -> Option<&Arc<dyn ResourceType>> {
        self.resources.get(name)
    }

    pub fn data_source(&self, name: &str) -> Option<&Arc<dyn DataSourceType>> {
        self.data_sources.get(name)
    }

    pub fn ephemeral_resource(&self, name: &str) -> Option<&Arc<dyn DataSourceType>> {
        self.ephemeral_resources.get(name)
    }

    /// What reads an object of `mode` without managing it: a data source, or an ephemeral
    /// resource (opened); `None` for a managed resource.
    pub fn reader(&self, mode: Mode, name: &str) -> Option<&Arc<dyn DataSourceType>> {
        match mode {
            Mode::Managed => None,
            Mode::Data => self.data_source(name),
            Mode::Ephemeral => self.ephemeral_resource(name),
        }
    }

    pub fn resource_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.resources.keys().copied()
    }

    pub fn data_source_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.data_sources.keys().copied()
    }

    pub fn ephemeral_resource_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.ephemeral_resources.keys().copied()
    }

    /// The type names of a mode.
    pub fn names(&self, mode: Mode) -> Vec<&'static str> {
        match mode {
            Mode::Managed => self.resource_names().collect(),
            Mode::Data => self.data_source_names().collect(),
            Mode::Ephemeral => self.ephemeral_resource_names().collect(),
        }
    }

    /// The schema of a type of `mode`.
    pub fn schema(&self, mode: Mode, name: &str) -> Option<&Schema> {
        match mode {
            Mode::Managed => self.resource(name).map(|r| r.schema()),
            _ => self.reader(mode, name).map(|d| d.schema()),
        }
    }
}
