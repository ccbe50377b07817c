//! A type whose object lives in the state alone: a random value, a time, a sleep, a file on this
//! machine. Such a type implements [`StateOnly`] (its checks and create, and whatever else is
//! particular to it), and [`InState`] makes a [`ResourceType`] of it, with its name and schema,
//! and the tail the types of these providers share written once:
//! - a refresh keeps every prior object as it is (nothing outside the state can change it);
//! - an update takes the planned arguments and carries each computed value from the prior
//!   object ([`carry_computed`]);
//! - a delete forgets the object;
//! - a create whose answer was lost finds nothing (it made nothing outside the state);
//! - an import takes the ID as the object's `id`, as [`ResourceType::import_prior`] does.

use std::future::Future;

use infra_core::{
    Creating, Deleting, ProviderError, ResourceType, Schema, Timeouts, Updating, Value,
};

use crate::support::{carry_computed, keep_priors};

/// What a type whose object lives in the state says; every method but `create` has the shared
/// default described in the module's documentation.
pub trait StateOnly: Send + Sync + 'static {
    fn create(&self, at: Creating<'_>)
        -> impl Future<Output = Result<Value, ProviderError>> + Send;

    /// Checks across arguments, as [`ResourceType::validate`].
    fn validate(&self, _config: &Value) -> Vec<(String, String)> {
        vec![]
    }
    /// As [`ResourceType::normalize`].
    fn normalize(&self, _value: &mut Value) {}
    /// As [`ResourceType::upgrade_state`].
    fn upgrade_state(&self, _from: u64, value: Value) -> Result<Value, String> {
        Ok(value)
    }
    /// As [`ResourceType::default_timeouts`].
    fn default_timeouts(&self) -> Timeouts {
        Timeouts::default()
    }
    /// `schema` is the type's.
    fn update(
        &self,
        schema: &Schema,
        at: Updating<'_>,
    ) -> impl Future<Output = Result<Value, ProviderError>> + Send {
        async move { Ok(carry_computed(schema, at.prior, at.planned)) }
    }
    fn delete(&self, _at: Deleting<'_>) -> impl Future<Output = Result<(), ProviderError>> + Send {
        async move { Ok(()) }
    }
    fn read_many(
        &self,
        priors: &[Value],
    ) -> impl Future<Output = Result<Vec<Option<Value>>, ProviderError>> + Send {
        async move { Ok(keep_priors(priors)) }
    }
    fn find_created(
        &self,
        _at: Creating<'_>,
    ) -> impl Future<Output = Result<Option<Value>, ProviderError>> + Send {
        async move { Ok(None) }
    }
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        Ok(Value::map([("id", Value::string(id))]))
    }
}

/// The [`ResourceType`] of a [`StateOnly`] type: its Terraform name and schema, and `kind`,
/// what it does.
pub struct InState<T> {
    name: &'static str,
    schema: Schema,
    kind: T,
}

impl<T> InState<T> {
    pub fn new(name: &'static str, schema: Schema, kind: T) -> InState<T> {
        InState { name, schema, kind }
    }
}

#[async_trait::async_trait]
impl<T: StateOnly> ResourceType for InState<T> {
    fn name(&self) -> &'static str {
        self.name
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        self.kind.validate(config)
    }

    fn normalize(&self, value: &mut Value) {
        self.kind.normalize(value)
    }

    fn upgrade_state(&self, from: u64, value: Value) -> Result<Value, String> {
        self.kind.upgrade_state(from, value)
    }

    fn default_timeouts(&self) -> Timeouts {
        self.kind.default_timeouts()
    }

    async fn create(&self, at: Creating<'_>) -> Result<Value, ProviderError> {
        self.kind.create(at).await
    }

    async fn update(&self, at: Updating<'_>) -> Result<Value, ProviderError> {
        self.kind.update(&self.schema, at).await
    }

    async fn delete(&self, at: Deleting<'_>) -> Result<(), ProviderError> {
        self.kind.delete(at).await
    }

    async fn read_many(&self, priors: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        self.kind.read_many(priors).await
    }

    async fn find_created(&self, at: Creating<'_>) -> Result<Option<Value>, ProviderError> {
        self.kind.find_created(at).await
    }

    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        self.kind.import_prior(id)
    }
}
