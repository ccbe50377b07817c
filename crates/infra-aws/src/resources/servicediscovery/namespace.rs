//! A Cloud Map namespace type written once: what an HTTP and a private DNS namespace share
//! (read by ID, refresh in one ListNamespaces pass, tags updated with TagResource /
//! UntagResource, delete waited on, a lost create found by name, type and managed tags, the
//! create's operation waited on for the new ID), with what differs in each kind's
//! [`NamespaceKind`]: its schema, what it reads beyond the shared attributes, its create call,
//! what it updates beyond tags and its import ID.

use std::marker::PhantomData;
use std::sync::Arc;

use aws_sdk_servicediscovery::types::NamespaceType;
use aws_sdk_servicediscovery::Client;
use infra_core::{Operation, ProviderError, ResourceType, Schema, Value};

use super::support::{
    created_namespace_id, delete_namespace, find_namespace, namespace_object, read_namespace,
    read_namespaces, update_tags, validate_namespace_name, NamespaceFacts,
};
use crate::app_support::{string, vanished};
use crate::tagging::WithTags;
use crate::Aws;

/// One kind of namespace: see the module's documentation.
#[async_trait::async_trait]
pub trait NamespaceKind: Send + Sync + 'static {
    /// The Terraform type name.
    const NAME: &'static str;
    /// The provider's name for it in messages, e.g. "Service Discovery HTTP Namespace".
    const TITLE: &'static str;
    /// Its type in ListNamespaces' answer.
    const TYPE: NamespaceType;

    /// The schema, `tags` and `tags_all` aside.
    fn schema() -> Schema;
    /// What the kind reads beyond [`namespace_object`]; `hint` is the prior or planned value.
    fn read(facts: &NamespaceFacts, hint: &Value) -> Vec<(&'static str, Value)>;
    /// Sends the create of the namespace `name`; returns its operation's ID.
    async fn create(
        client: &Client,
        operation: &Operation,
        planned: &Value,
        name: &str,
    ) -> Result<Option<String>, ProviderError>;
    /// What an update changes beyond the tags (by default nothing: the rest forces a new one).
    async fn update(
        _client: &Client,
        _operation: &Operation,
        _id: &str,
        _prior: &Value,
        _planned: &Value,
    ) -> Result<(), ProviderError> {
        Ok(())
    }
    /// Terraform's import ID: by default the namespace ID.
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        Ok(infra_core::resource::import_by("id", id))
    }
}

/// The [`ResourceType`] of a namespace of kind `K`.
pub struct Namespace<K> {
    aws: Arc<Aws>,
    schema: Schema,
    kind: PhantomData<K>,
}

impl<K: NamespaceKind> Namespace<K> {
    pub fn new(aws: Arc<Aws>) -> Namespace<K> {
        Namespace {
            aws,
            schema: K::schema().with_tags(),
            kind: PhantomData,
        }
    }

    fn to_value(facts: &NamespaceFacts, hint: &Value) -> Value {
        let mut object = namespace_object(facts);
        for (name, value) in K::read(facts, hint) {
            object.insert(name.to_string(), value);
        }
        Value::Map(object)
    }

    async fn read_one(&self, id: &str, hint: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.servicediscovery;
        let facts = read_namespace(client, id)
            .await?
            .ok_or_else(|| vanished(K::TITLE, id))?;
        Ok(Self::to_value(&facts, hint))
    }
}

#[async_trait::async_trait]
impl<K: NamespaceKind> ResourceType for Namespace<K> {
    fn name(&self) -> &'static str {
        K::NAME
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        validate_namespace_name(config)
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.servicediscovery;
        let name = string(planned, "name")
            .ok_or_else(|| ProviderError::new(format!("{} needs a known \"name\"", K::NAME)))?;
        let operation_id = K::create(client, operation, planned, &name).await?;
        let id = created_namespace_id(client, operation_id.as_deref(), &name).await?;
        self.read_one(&id, planned).await
    }

    async fn update(
        &self,
        operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.servicediscovery;
        let id = string(prior, "id")
            .ok_or_else(|| ProviderError::new(format!("{} has no id in state", K::NAME)))?;
        K::update(client, operation, &id, prior, planned).await?;
        update_tags(client, prior, planned).await?;
        self.read_one(&id, planned).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some(id) = string(prior, "id") else {
            return Ok(());
        };
        delete_namespace(&self.aws.clients().await.servicediscovery, &id).await
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let client = &self.aws.clients().await.servicediscovery;
        let found = read_namespaces(client, prior).await?;
        Ok(found
            .iter()
            .zip(prior)
            .map(|(facts, hint)| facts.as_ref().map(|facts| Self::to_value(facts, hint)))
            .collect())
    }

    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        K::import_prior(id)
    }

    /// The namespace of this kind with this name that carries this operation's managed tags.
    async fn find_created(
        &self,
        operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let Some(name) = string(planned, "name") else {
            return Ok(None);
        };
        let client = &self.aws.clients().await.servicediscovery;
        Ok(find_namespace(client, operation, &name, K::TYPE)
            .await?
            .map(|facts| Self::to_value(&facts, planned)))
    }
}
