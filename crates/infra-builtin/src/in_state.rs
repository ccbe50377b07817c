//! A type whose object lives in the state alone: a random value, a time, a sleep, a file on this
//! machine. Such a type implements [`StateOnly`] (its schema, checks and create, and whatever
//! else is particular to it), and [`InState`] makes a [`ResourceType`] of it with the tail the
//! types of these providers share written once:
//! - a refresh keeps every prior object as it is (nothing outside the state can change it);
//! - an update takes the planned arguments and carries each computed value from the prior
//!   object ([`carry_computed`]);
//! - a delete forgets the object;
//! - a create whose answer was lost finds nothing (it made nothing outside the state);
//! - an import takes the ID as the object's `id`, as [`ResourceType::import_prior`] does.

use infra_core::{Operation, ProviderError, ResourceType, Schema, Timeouts, Value};

use crate::support::{carry_computed, keep_priors};

/// What a type whose object lives in the state says; every method but the first three has the
/// shared default described in the module's documentation.
#[async_trait::async_trait]
pub trait StateOnly: Send + Sync + 'static {
    /// The Terraform type name.
    fn name(&self) -> &'static str;
    fn schema(&self) -> &Schema;
    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError>;

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
    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        Ok(carry_computed(self.schema(), prior, planned))
    }
    async fn delete(&self, _operation: &Operation, _prior: &Value) -> Result<(), ProviderError> {
        Ok(())
    }
    async fn read_many(&self, priors: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        Ok(keep_priors(priors))
    }
    async fn find_created(
        &self,
        _operation: &Operation,
        _planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        Ok(None)
    }
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        Ok(Value::map([("id", Value::string(id))]))
    }
}

/// The [`ResourceType`] of a [`StateOnly`] type.
pub struct InState<T>(pub T);

#[async_trait::async_trait]
impl<T: StateOnly> ResourceType for InState<T> {
    fn name(&self) -> &'static str {
        self.0.name()
    }

    fn schema(&self) -> &Schema {
        self.0.schema()
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        self.0.validate(config)
    }

    fn normalize(&self, value: &mut Value) {
        self.0.normalize(value)
    }

    fn upgrade_state(&self, from: u64, value: Value) -> Result<Value, String> {
        self.0.upgrade_state(from, value)
    }

    fn default_timeouts(&self) -> Timeouts {
        self.0.default_timeouts()
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        self.0.create(operation, planned).await
    }

    async fn update(
        &self,
        operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        self.0.update(operation, prior, planned).await
    }

    async fn delete(&self, operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        self.0.delete(operation, prior).await
    }

    async fn read_many(&self, priors: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        self.0.read_many(priors).await
    }

    async fn find_created(
        &self,
        operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        self.0.find_created(operation, planned).await
    }

    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        self.0.import_prior(id)
    }
}
