//! `aws_service_discovery_http_namespace`: an AWS Cloud Map HTTP namespace (instances are found
//! with DiscoverInstances only, no DNS). The Terraform ID is the namespace ID, which is also the
//! import ID.
//!
//! `name` and `description` force a new namespace, as in the provider; only tags change in
//! place (TagResource / UntagResource). Create and delete are Cloud Map operations, each waited
//! on until GetOperation reports `SUCCESS`; the create's `NAMESPACE` target is the new
//! namespace's ID. The create's request ID is derived from the state lineage, the address and
//! the planned value, so a create whose answer was lost is not made twice; `find_created`
//! finds it by name and type (`HTTP`) and the managed tags.
//!
//! Refresh is one ListNamespaces pass for every namespace, then per namespace (in parallel)
//! ListTagsForResource, and GetNamespace only where the summary lacks the HTTP name.

use std::sync::Arc;

use aws_sdk_servicediscovery::types::NamespaceType;
use infra_core::{Attribute, Operation, ProviderError, ResourceType, Schema, Type, Value};

use super::support::{
    created_namespace_id, delete_namespace, find_namespace, namespace_object, read_namespace,
    read_namespaces, sdk_tags, update_tags, validate_namespace_name, NamespaceFacts,
};
use crate::app_support::{non_empty, string, text, vanished};
use crate::ec2_support::client_token;
use crate::error::aws_error;
use crate::tagging::{ManagedTags, WithTags};
use crate::Aws;

pub struct AwsServiceDiscoveryHttpNamespace {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsServiceDiscoveryHttpNamespace {
    pub fn new(aws: Arc<Aws>) -> AwsServiceDiscoveryHttpNamespace {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("http_name", Type::String))
            .attr(Attribute::required("name", Type::String).force_new())
            .attr(Attribute::optional("description", Type::String).force_new())
            .with_tags();
        AwsServiceDiscoveryHttpNamespace { aws, schema }
    }

    async fn read_one(&self, id: &str) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.servicediscovery;
        let facts = read_namespace(client, id)
            .await?
            .ok_or_else(|| vanished("Service Discovery HTTP Namespace", id))?;
        Ok(to_value(&facts))
    }
}

fn to_value(facts: &NamespaceFacts) -> Value {
    let mut object = namespace_object(facts);
    object.insert("http_name".to_string(), text(facts.http_name.as_deref()));
    Value::Map(object)
}

#[async_trait::async_trait]
impl ResourceType for AwsServiceDiscoveryHttpNamespace {
    fn name(&self) -> &'static str {
        "aws_service_discovery_http_namespace"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        validate_namespace_name(config)
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.servicediscovery;
        let name = string(planned, "name").ok_or_else(|| {
            ProviderError::new("aws_service_discovery_http_namespace needs a known \"name\"")
        })?;
        let response = client
            .create_http_namespace()
            .name(&name)
            .creator_request_id(client_token(operation, planned))
            .set_description(non_empty(planned, "description"))
            .set_tags(Some(sdk_tags(&operation.tags_with_managed(planned))?))
            .send()
            .await
            .map_err(|error| {
                aws_error(error).context(&format!(
                    "creating Service Discovery HTTP Namespace ({name})"
                ))
            })?;
        let id = created_namespace_id(client, response.operation_id(), &name).await?;
        self.read_one(&id).await
    }

    /// Tags only: every other argument forces a new namespace.
    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.servicediscovery;
        let id = string(prior, "id").ok_or_else(|| {
            ProviderError::new("aws_service_discovery_http_namespace has no id in state")
        })?;
        update_tags(client, prior, planned).await?;
        self.read_one(&id).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some(id) = string(prior, "id") else {
            return Ok(());
        };
        delete_namespace(&self.aws.clients().await.servicediscovery, &id).await
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let client = &self.aws.clients().await.servicediscovery;
        Ok(read_namespaces(client, prior)
            .await?
            .iter()
            .map(|facts| facts.as_ref().map(to_value))
            .collect())
    }

    /// Terraform's import ID: the namespace ID.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        Ok(infra_core::resource::import_by("id", id))
    }

    /// The HTTP namespace with this name that carries this operation's managed tags.
    async fn find_created(
        &self,
        operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let Some(name) = string(planned, "name") else {
            return Ok(None);
        };
        let client = &self.aws.clients().await.servicediscovery;
        Ok(
            find_namespace(client, operation, &name, NamespaceType::Http)
                .await?
                .map(|facts| to_value(&facts)),
        )
    }
}
