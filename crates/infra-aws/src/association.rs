//! A link between two existing objects (a route table of a VPC endpoint, a web ACL on a load
//! balancer, a gateway attached to a VPC), written once: the counterpart of
//! [`crate::aws_object`] for what has no object of its own. A type implements [`Association`]:
//! the two arguments that name the link (both required; the first forces a new link, the
//! second too unless the link can be moved), its ID, its attach, detach and read calls and
//! their quirks. [`AssociationType`] makes a [`ResourceType`] of it and writes the shared tail
//! once:
//! - the schema: `id` (computed), then the two arguments;
//! - the value of a link: `id` and the pair, whether created, read back or imported;
//! - update ([`Update`]): nothing to change in place, or the link made again;
//! - delete: nothing to do for a prior state without the pair;
//! - `find_created`: the link has no tags; the pair is its natural key, so the planned pair
//!   read back as linked means the lost create happened;
//! - import: by default none (where the provider offers none).

use std::marker::PhantomData;
use std::sync::Arc;

use infra_core::{
    Attribute, Operation, ProviderError, ResourceType, Schema, Timeouts, Type, Value,
};

use crate::app_support::{read_one, string};
use crate::Aws;

/// The two arguments that name a link, in the schema's order.
pub type Pair = (String, String);

/// What an update does.
pub enum Update {
    /// Nothing changes in place: the prior state stays.
    KeepPrior,
    /// Nothing changes in place: the planned value is the state.
    Planned,
    /// The second argument changed: attached again, as a create.
    Attach,
}

/// What makes one association type; see the module's documentation.
#[async_trait::async_trait]
pub trait Association: Send + Sync + Sized + 'static {
    /// The Terraform type name.
    const NAME: &'static str;
    /// The two arguments, in the schema's order (after `id`).
    const PAIR: (&'static str, &'static str);
    /// The create's error for a planned value without both arguments.
    const UNKNOWN: &'static str;
    /// The operations a `timeouts` block may set.
    const TIMEOUTS: &'static [&'static str] = &[];
    /// Whether the second argument forces a new link (else an update attaches it again).
    const SECOND_FORCES_NEW: bool = true;
    /// What an update does (where both arguments force a new link, only `timeouts` can
    /// differ).
    const UPDATE: Update = Update::Planned;

    fn default_timeouts() -> Timeouts {
        Timeouts::default()
    }
    /// The provider's ID of a link.
    fn id(pair: &Pair) -> String;
    /// The link a value names: by default its two arguments.
    fn pair(value: &Value) -> Option<Pair> {
        Some((string(value, Self::PAIR.0)?, string(value, Self::PAIR.1)?))
    }
    /// As [`ResourceType::import_prior`]; by default the type offers no import.
    fn import_prior(_id: &str) -> Result<Value, ProviderError> {
        Err(ProviderError::not_importable(Self::NAME))
    }

    /// Links the pair (and waits for the link, where the provider does).
    async fn attach(
        this: &AssociationType<Self>,
        operation: &Operation,
        pair: &Pair,
    ) -> Result<(), ProviderError>;
    /// Unlinks the pair; a link (or object) already gone is done.
    async fn detach(
        this: &AssociationType<Self>,
        operation: &Operation,
        pair: &Pair,
        prior: &Value,
    ) -> Result<(), ProviderError>;
    /// For each prior state, in order, the pair linked now (`None` where the link is gone),
    /// read in as few calls as the API allows.
    async fn read(
        this: &AssociationType<Self>,
        prior: &[Value],
    ) -> Result<Vec<Option<Pair>>, ProviderError>;
}

/// The [`ResourceType`] of an [`Association`].
pub struct AssociationType<A: Association> {
    pub aws: Arc<Aws>,
    schema: Schema,
    association: PhantomData<A>,
}

impl<A: Association> AssociationType<A> {
    pub fn new(aws: Arc<Aws>) -> AssociationType<A> {
        let schema = Schema::new()
            .timeouts(A::TIMEOUTS)
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required(A::PAIR.0, Type::String).force_new())
            .attr(match A::SECOND_FORCES_NEW {
                true => Attribute::required(A::PAIR.1, Type::String).force_new(),
                false => Attribute::required(A::PAIR.1, Type::String),
            });
        AssociationType {
            aws,
            schema,
            association: PhantomData,
        }
    }

    /// The state of a link.
    pub fn value_of(pair: &Pair) -> Value {
        Value::map([
            ("id", Value::string(A::id(pair))),
            (A::PAIR.0, Value::string(&pair.0)),
            (A::PAIR.1, Value::string(&pair.1)),
        ])
    }
}

/// The two non-empty parts of an import ID joined by one `separator`, or `None`.
pub fn split_pair(id: &str, separator: char) -> Option<Pair> {
    match id.split_once(separator) {
        Some((first, second))
            if !first.is_empty() && !second.is_empty() && !second.contains(separator) =>
        {
            Some((first.to_string(), second.to_string()))
        }
        _ => None,
    }
}

#[async_trait::async_trait]
impl<A: Association> ResourceType for AssociationType<A> {
    fn name(&self) -> &'static str {
        A::NAME
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn default_timeouts(&self) -> Timeouts {
        A::default_timeouts()
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let pair = A::pair(planned).ok_or_else(|| ProviderError::new(A::UNKNOWN))?;
        A::attach(self, operation, &pair).await?;
        Ok(Self::value_of(&pair))
    }

    async fn update(
        &self,
        operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        match A::UPDATE {
            Update::KeepPrior => Ok(prior.clone()),
            Update::Planned => Ok(planned.clone()),
            Update::Attach => self.create(operation, planned).await,
        }
    }

    async fn delete(&self, operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        match A::pair(prior) {
            Some(pair) => A::detach(self, operation, &pair, prior).await,
            None => Ok(()),
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let linked = A::read(self, prior).await?;
        Ok(linked
            .iter()
            .map(|p| p.as_ref().map(Self::value_of))
            .collect())
    }

    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        A::import_prior(id)
    }

    /// The planned pair, linked now.
    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        Ok(read_one(self, planned)
            .await?
            .filter(|found| A::pair(found) == A::pair(planned)))
    }
}
