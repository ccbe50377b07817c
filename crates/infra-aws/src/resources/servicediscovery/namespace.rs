//! A Cloud Map namespace type written once: what an HTTP and a private DNS namespace share
//! (read by ID, refresh in one ListNamespaces pass, tags updated with TagResource /
//! UntagResource, delete waited on, a lost create found by name, type and managed tags, the
//! create's operation waited on for the new ID), with what differs in each kind's
//! [`NamespaceKind`]: its schema, what it reads beyond the shared attributes, its create call,
//! what it updates beyond tags and its import ID.

use std::future::Future;
use std::marker::PhantomData;

use aws_sdk_servicediscovery::types::NamespaceType;
use aws_sdk_servicediscovery::Client;
use infra_core::{Attribute, Operation, ProviderError, Type, Value};

use super::support::{
    created_namespace_id, delete_namespace, find_namespace, read_namespace, read_namespaces,
    update_tags, validate_namespace_name, NamespaceFacts,
};
use crate::app_support::{string, text, text_or_null, vanished};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged, Updating,
};
use crate::declared::{read, Declared, Reading};

/// One kind of namespace: see the module's documentation.
pub trait NamespaceKind: Send + Sync + 'static {
    /// The Terraform type name.
    const NAME: &'static str;
    /// The provider's name for it in messages, e.g. "Service Discovery HTTP Namespace".
    const TITLE: &'static str;
    /// Its type in ListNamespaces' answer.
    const TYPE: NamespaceType;

    /// The attributes, `tags` and `tags_all` aside, each with its reader ([`attributes`]).
    fn attributes() -> Vec<Declared<NamespaceFacts>>;
    /// Sends the create of the namespace `name`; returns its operation's ID.
    fn create(
        client: &Client,
        operation: &Operation,
        planned: &Value,
        name: &str,
    ) -> impl Future<Output = Result<Option<String>, ProviderError>> + Send;
    /// What an update changes beyond the tags (by default nothing: the rest forces a new one).
    fn update(
        _client: &Client,
        _operation: &Operation,
        _id: &str,
        _prior: &Value,
        _planned: &Value,
    ) -> impl Future<Output = Result<(), ProviderError>> + Send {
        async move { Ok(()) }
    }
    /// Terraform's import ID: by default the namespace ID.
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        Ok(infra_core::resource::import_by("id", id))
    }
}

/// A namespace's attributes in the schema's order: `id`, `arn`, the kind's computed ones
/// (`computed`), `name`, the kind's arguments (`arguments`), then `description` (declared by
/// the kind: it forces a new HTTP namespace), AWS's empty one read as null.
pub fn attributes(
    computed: Vec<Declared<NamespaceFacts>>,
    arguments: Vec<Declared<NamespaceFacts>>,
    description: Attribute,
) -> Vec<Declared<NamespaceFacts>> {
    let mut all = vec![
        read(Attribute::computed("id", Type::String), |facts: &NamespaceFacts, _: &Reading| {
            Value::string(&facts.id)
        }),
        read(Attribute::computed("arn", Type::String), |facts: &NamespaceFacts, _: &Reading| {
            text(facts.arn.as_deref())
        }),
    ];
    all.extend(computed);
    all.push(read(
        Attribute::required("name", Type::String).force_new(),
        |facts: &NamespaceFacts, _: &Reading| text(facts.name.as_deref()),
    ));
    all.extend(arguments);
    all.push(read(description, |facts: &NamespaceFacts, _: &Reading| {
        text_or_null(facts.description.as_deref())
    }));
    all
}

/// The [`AwsObject`] of a namespace of kind `K`.
pub struct NamespaceOf<K>(PhantomData<K>);

/// The resource type of a namespace of kind `K`.
pub type Namespace<K> = ObjectType<NamespaceOf<K>>;

fn tagged(facts: NamespaceFacts) -> Tagged<NamespaceFacts> {
    Tagged { tags: facts.tags.clone(), object: facts }
}

impl<K: NamespaceKind> AwsObject for NamespaceOf<K> {
    type Object = NamespaceFacts;
    const NAME: &'static str = K::NAME;
    const KIND: &'static str = K::TITLE;
    const KEY: &'static str = "id";

    fn attributes() -> Vec<Declared<NamespaceFacts>> {
        K::attributes()
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        validate_namespace_name(config)
    }

    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        K::import_prior(id)
    }

    /// One ListNamespaces pass for every namespace ([`read_namespaces`]).
    async fn describe(this: &ObjectType<Self>, ids: &[String]) -> DescribeResult<NamespaceFacts> {
        let client = &this.aws.clients().await.servicediscovery;
        let found = read_namespaces(client, ids).await?;
        Ok(found.into_iter().map(|(id, f)| (id, tagged(f))).collect())
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.servicediscovery;
        let name = string(at.planned, "name")
            .ok_or_else(|| ProviderError::new(format!("{} needs a known \"name\"", K::NAME)))?;
        let operation_id = K::create(client, at.operation, at.planned, &name).await?;
        created_namespace_id(client, operation_id.as_deref(), &name).await
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.servicediscovery;
        K::update(client, at.operation, at.key, at.prior, at.planned).await?;
        update_tags(client, at.prior, at.planned).await?;
        Ok(at.key.to_string())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        delete_namespace(&at.this.aws.clients().await.servicediscovery, at.key).await
    }

    /// The namespace just written: GetNamespace and its tags.
    async fn written(
        this: &Namespace<K>,
        id: &str,
    ) -> Result<Tagged<NamespaceFacts>, ProviderError> {
        let client = &this.aws.clients().await.servicediscovery;
        let facts = read_namespace(client, id).await?;
        facts.map(tagged).ok_or_else(|| vanished(K::TITLE, id))
    }

    /// The namespace of this kind with this name that carries this operation's managed tags.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<NamespaceFacts> {
        let Some(name) = string(at.planned, "name") else {
            return Ok(None);
        };
        let client = &at.this.aws.clients().await.servicediscovery;
        let found = find_namespace(client, at.operation, &name, K::TYPE).await?;
        Ok(found.map(tagged))
    }
}
