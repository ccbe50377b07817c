//! infra-config: reads the Terraform language (`*.tf`, `*.tfvars`) into a [`Config`] and
//! evaluates it with our own evaluator over hcl-edit's AST, so that every value can carry
//! "known after apply" and "sensitive" marks and every error carries a source location.
//!
//! This crate owns: loading files and local modules, static checks (duplicates, schemas,
//! undeclared references), variables and their types, locals, outputs, `count`/`for_each`
//! expansion, the built-in functions, and `infra fmt`. It does not plan, read state or talk
//! to AWS: resource values come in through [`ResourceValues`].
//!
//! Its modules stand in layers, each using only those below it (no two import each other):
//! `source` and `syntax` (files, and shapes read without evaluating); `context` (where an
//! expression is evaluated, and the `Scope` trait that resolves names); `types`, the
//! `functions` and `eval` (the expression language); `references`, `provisioner`, `inputs`,
//! `encryption` and `config` (the loader); `load`, `deprecation`, `ephemeral` and `validate`
//! (checks over a loaded configuration); and `evaluator`, a loaded configuration's scope.

mod config;
mod context;
mod deprecation;
mod encryption;
mod ephemeral;
mod eval;
mod evaluator;
mod fmt;
mod functions;
mod inputs;
mod load;
mod provisioner;
mod references;
mod repeated_keys;
mod source;
mod syntax;
mod types;
mod validate;

#[cfg(test)]
mod tests;

pub use config::{
    load_backend, load_state_settings, timeout_duration, Config, ModuleInstances, ModuleSource,
    ModuleSources, Resolved,
};
pub use encryption::{
    parse_environment as parse_encryption_environment, EncryptionBlock, EncryptionConfig,
    EncryptionTarget,
};
pub use evaluator::Evaluator;
pub use fmt::format_source;
pub use functions::{render_template, sha1};
pub use inputs::InputVariables;
pub use load::{load, load_with};
pub use provisioner::LocalExec;
pub use syntax::When;

use infra_core::{Address, Location, ResourceId, Value};
use std::collections::BTreeMap;

/// One `resource` or `data` block, before expansion.
#[derive(Debug, Clone)]
pub struct ResourceConfig {
    /// Module path + mode (Managed/Data) + type + name.
    pub id: ResourceId,
    /// The block header.
    pub location: Location,
    /// The provider reference as written (`aws`, `aws.west`), or the type's default provider;
    /// see `Config::provider_configuration` for the root configuration it means.
    pub provider: String,
    pub lifecycle: Lifecycle,
    pub has_count: bool,
    pub has_for_each: bool,
    /// Whether the block has `timeouts`: their values are each instance's
    /// ([`InstanceConfig::timeouts`]).
    pub has_timeouts: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lifecycle {
    pub create_before_destroy: bool,
    pub prevent_destroy: bool,
    pub ignore_changes: IgnoreChanges,
    /// `destroy = false` (Terraform 1.16): an instance that would be destroyed (no longer in
    /// the configuration, or `destroy`) is forgotten instead: dropped from the state, the
    /// object left alone.
    pub forget_instead_of_destroy: bool,
}

/// `lifecycle { ignore_changes = ... }`.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum IgnoreChanges {
    #[default]
    None,
    All,
    /// Paths like `tags` or `tags["Name"]`.
    Paths(Vec<String>),
}

/// `terraform { backend "s3" { ... } }`, literal values only.
#[derive(Debug, Clone, PartialEq)]
pub struct BackendConfig {
    pub kind: String,
    pub settings: BTreeMap<String, Value>,
    pub location: Location,
}

/// A `moved` block: objects at `from` in the state are moved to `to` before planning.
#[derive(Debug, Clone, PartialEq)]
pub struct MoveStatement {
    pub from: infra_core::AddressPattern,
    pub to: infra_core::AddressPattern,
    pub location: Location,
}

/// A `removed` block: the objects at `from` leave the configuration; with `destroy = false`
/// they are forgotten instead of destroyed.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoveStatement {
    pub from: infra_core::AddressPattern,
    pub destroy: bool,
    pub location: Location,
    /// Its destroy-time `provisioner` blocks (Terraform 1.9), run before each object at
    /// `from` is destroyed; evaluated in the block's `file` and `module`.
    pub(crate) provisioners: Vec<hcl_edit::structure::Block>,
    pub(crate) file: usize,
    pub(crate) module: usize,
}

/// One entry of `lifecycle { replace_triggered_by = [...] }`: a change to this resource (or
/// instance, or attribute) replaces the resource that names it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplaceTrigger {
    pub resource: ResourceId,
    pub key: Option<infra_core::InstanceKey>,
    pub attribute: Option<String>,
}

/// One evaluated `import` block instance: import the object with this ID into `to`.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportTarget {
    pub to: Address,
    pub id: String,
    pub location: Location,
}

/// A root module variable, for prompting.
#[derive(Debug, Clone, PartialEq)]
pub struct VariableInfo {
    pub name: String,
    pub required: bool,
    pub sensitive: bool,
    pub description: Option<String>,
}

/// One expanded resource instance and its evaluated configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceConfig {
    pub address: Address,
    pub value: Value,
    /// The instance's `timeouts { create = "10m" }` by operation; arguments that are null
    /// are left out. None without a `timeouts` block (a `dynamic "timeouts"` may generate
    /// none): the object then stores `timeouts` as null.
    pub timeouts: Option<BTreeMap<String, Timeout>>,
}

/// One configured timeout: the text as written (what the state stores) and its duration.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeout {
    pub text: String,
    pub duration: std::time::Duration,
}

impl InstanceConfig {
    /// What the object stores of its `timeouts` block for a type of `schema`: null without
    /// a block, else each of the type's operations with its configured text (`"5m"`) or null.
    pub fn stored_timeouts(&self, schema: &infra_core::Schema) -> Value {
        let texts: BTreeMap<String, String> = self
            .timeouts
            .iter()
            .flatten()
            .map(|(operation, timeout)| (operation.clone(), timeout.text.clone()))
            .collect();
        schema.stored_timeouts(self.timeouts.is_some(), &texts)
    }

    /// The configured durations by operation (none without a `timeouts` block).
    pub fn configured_timeouts(&self) -> &BTreeMap<String, Timeout> {
        static NONE: BTreeMap<String, Timeout> = BTreeMap::new();
        self.timeouts.as_ref().unwrap_or(&NONE)
    }
}

/// A root module output.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputValue {
    pub value: Value,
    pub sensitive: bool,
    pub description: Option<String>,
}

/// Supplies the current value of resources that configuration refers to.
pub trait ResourceValues {
    /// The current value of a resource (managed or data), shaped by its expansion.
    fn get(&self, id: &ResourceId) -> Option<ResourceValue>;

    /// The part of a resource's value that the leading `steps` of a reference reach, and how
    /// many steps that took: `aws_vpc.main.id` needs the VPC's `id`, not a copy of the whole
    /// object. A holder that can lend its values overrides this with [`ResourceValue::part`];
    /// the default copies the whole value and takes no step.
    fn get_part(&self, id: &ResourceId, steps: &[Step]) -> Option<(Value, usize)> {
        let _ = steps;
        self.get(id).map(|value| (value.into_value(), 0))
    }
}

/// One plain step of a reference after the resource's name: `.name`, `[0]` or `["key"]` with
/// a literal key. Other operators (splats, computed keys) are applied to the value reached.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Step<'a> {
    Attr(&'a str),
    Index(i64),
    Key(&'a str),
}

/// Follows `steps` from `value` as far as each lands on a present attribute, element or key of
/// a plain (unmarked, known) value. What it stops at is left to the evaluator's operators,
/// which give the same result as following every step there would have.
pub fn follow<'v>(value: &'v Value, steps: &[Step]) -> (&'v Value, usize) {
    let mut at = value;
    let mut taken = 0;
    for step in steps {
        let next = match (at, step) {
            (Value::Map(entries), Step::Attr(name) | Step::Key(name)) => entries.get(*name),
            (Value::List(items), Step::Index(i)) => {
                usize::try_from(*i).ok().and_then(|i| items.get(i))
            }
            _ => None,
        };
        match next {
            Some(value) => {
                at = value;
                taken += 1;
            }
            None => break,
        }
    }
    (at, taken)
}

/// A resource's instances in the shape references see them: one, a list (count) or a map
/// (for_each).
#[derive(Debug, Clone, PartialEq)]
pub enum Shaped<T> {
    /// No count/for_each: `aws_vpc.main.id`.
    Single(T),
    /// count: `aws_subnet.x[0].id`, `aws_subnet.x[*].id`.
    Counted(Vec<T>),
    /// for_each: `aws_subnet.x["a"].id`, `values(aws_subnet.x)`.
    Keyed(BTreeMap<String, T>),
}

/// A resource's value as seen from expressions.
pub type ResourceValue = Shaped<Value>;

impl<T> Shaped<T> {
    /// The same shape over what `f` makes of each instance.
    pub fn map<U>(&self, mut f: impl FnMut(&T) -> U) -> Shaped<U> {
        match self {
            Shaped::Single(one) => Shaped::Single(f(one)),
            Shaped::Counted(items) => Shaped::Counted(items.iter().map(f).collect()),
            Shaped::Keyed(entries) => {
                Shaped::Keyed(entries.iter().map(|(k, v)| (k.clone(), f(v))).collect())
            }
        }
    }

    /// The instance a reference's `steps` pick, and how many steps that took: the one of a
    /// single resource (none taken), or the one a literal index or key names.
    pub fn instance(&self, steps: &[Step]) -> Option<(&T, usize)> {
        match (self, steps.first()) {
            (Shaped::Single(one), _) => Some((one, 0)),
            (Shaped::Counted(items), Some(Step::Index(i))) => {
                usize::try_from(*i).ok().and_then(|i| items.get(i)).map(|v| (v, 1))
            }
            (Shaped::Keyed(entries), Some(Step::Attr(key) | Step::Key(key))) => {
                entries.get(*key).map(|v| (v, 1))
            }
            _ => None,
        }
    }
}

impl ResourceValue {
    pub fn into_value(self) -> Value {
        match self {
            Shaped::Single(v) => v,
            Shaped::Counted(items) => Value::List(items),
            Shaped::Keyed(entries) => Value::Map(entries),
        }
    }

    /// What `steps` reach in this value (see [`follow`]), copied alone, and the steps taken.
    pub fn part(&self, steps: &[Step]) -> (Value, usize) {
        match self.instance(steps) {
            Some((value, first)) => {
                let (reached, taken) = follow(value, &steps[first..]);
                (reached.clone(), first + taken)
            }
            None => (self.clone().into_value(), 0),
        }
    }
}

/// No resource has a value yet: every reference is unknown. Useful for validation runs.
pub struct NoResourceValues;

impl ResourceValues for NoResourceValues {
    fn get(&self, _id: &ResourceId) -> Option<ResourceValue> {
        None
    }
}

impl ResourceValues for BTreeMap<ResourceId, ResourceValue> {
    fn get(&self, id: &ResourceId) -> Option<ResourceValue> {
        BTreeMap::get(self, id).cloned()
    }

    fn get_part(&self, id: &ResourceId, steps: &[Step]) -> Option<(Value, usize)> {
        BTreeMap::get(self, id).map(|value| value.part(steps))
    }
}
