//! `aws_service_discovery_private_dns_namespace`: an AWS Cloud Map private DNS namespace, with
//! the private Route 53 hosted zone Cloud Map makes for it in one VPC. The Terraform ID is the
//! namespace ID; the import ID is `NAMESPACE_ID:VPC_ID`.
//!
//! `name` and `vpc` force a new namespace; `description` changes in place
//! (UpdatePrivateDnsNamespace) and tags with TagResource / UntagResource. Create, update and
//! delete are Cloud Map operations: each is waited on until GetOperation reports `SUCCESS`, and
//! the create's `NAMESPACE` target is the new namespace's ID. The create's request ID is
//! derived from the state lineage, the address and the planned value, so a create whose answer
//! was lost is not made twice; `find_created` finds it by name and type (`DNS_PRIVATE`) and the
//! managed tags.
//!
//! Refresh is one ListNamespaces pass for every namespace, then per namespace (in parallel)
//! ListTagsForResource, and GetNamespace only where the summary lacks the hosted zone.
//!
//! AWS does not report a namespace's VPC, so `vpc` is kept from the configuration (or the
//! import ID) and drift on it is not seen, as in the provider. moto (5.2.5) leaves the hosted
//! zone it makes behind when a namespace is deleted, and refuses a second namespace in a VPC
//! that has one (`ConflictingDomainExists`).

use std::sync::Arc;

use aws_sdk_servicediscovery::types::{NamespaceType, PrivateDnsNamespaceChange};
use infra_core::{Attribute, Operation, ProviderError, ResourceType, Schema, Type, Value};

use super::support::{
    created_namespace_id, delete_namespace, find_namespace, namespace_object, read_namespace,
    read_namespaces, sdk_tags, update_tags, validate_namespace_name, wait_answer, NamespaceFacts,
};
use crate::app_support::{changed, known, non_empty, string, text, vanished};
use crate::ec2_support::client_token;
use crate::error::aws_error;
use crate::tagging::{ManagedTags, WithTags};
use crate::Aws;

pub struct AwsServiceDiscoveryPrivateDnsNamespace {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsServiceDiscoveryPrivateDnsNamespace {
    pub fn new(aws: Arc<Aws>) -> AwsServiceDiscoveryPrivateDnsNamespace {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("hosted_zone", Type::String))
            .attr(Attribute::required("name", Type::String).force_new())
            .attr(Attribute::required("vpc", Type::String).force_new())
            .attr(Attribute::optional("description", Type::String))
            .with_tags();
        AwsServiceDiscoveryPrivateDnsNamespace { aws, schema }
    }

    async fn read_one(&self, id: &str, hint: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.servicediscovery;
        let facts = read_namespace(client, id)
            .await?
            .ok_or_else(|| vanished("Service Discovery Private DNS Namespace", id))?;
        Ok(to_value(&facts, hint))
    }
}

/// The state value of a namespace; `hint` (the prior or planned value) supplies `vpc`, which
/// AWS does not report.
fn to_value(facts: &NamespaceFacts, hint: &Value) -> Value {
    let mut object = namespace_object(facts);
    object.insert(
        "hosted_zone".to_string(),
        text(facts.hosted_zone.as_deref()),
    );
    object.insert("vpc".to_string(), known(hint, "vpc"));
    Value::Map(object)
}

#[async_trait::async_trait]
impl ResourceType for AwsServiceDiscoveryPrivateDnsNamespace {
    fn name(&self) -> &'static str {
        "aws_service_discovery_private_dns_namespace"
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
            ProviderError::new("aws_service_discovery_private_dns_namespace needs a known \"name\"")
        })?;
        let vpc = string(planned, "vpc").ok_or_else(|| {
            ProviderError::new("aws_service_discovery_private_dns_namespace needs a known \"vpc\"")
        })?;
        let response = client
            .create_private_dns_namespace()
            .name(&name)
            .vpc(vpc)
            .creator_request_id(client_token(operation, planned))
            .set_description(non_empty(planned, "description"))
            .set_tags(Some(sdk_tags(&operation.tags_with_managed(planned))?))
            .send()
            .await
            .map_err(|error| {
                aws_error(error).context(&format!(
                    "creating Service Discovery Private DNS Namespace ({name})"
                ))
            })?;
        let id = created_namespace_id(client, response.operation_id(), &name).await?;
        self.read_one(&id, planned).await
    }

    async fn update(
        &self,
        operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.servicediscovery;
        let id = string(prior, "id").ok_or_else(|| {
            ProviderError::new("aws_service_discovery_private_dns_namespace has no id in state")
        })?;
        if changed(prior, planned, "description") {
            // An emptied description is sent as "", as the provider does.
            let response = client
                .update_private_dns_namespace()
                .id(&id)
                .updater_request_id(client_token(operation, planned))
                .namespace(
                    PrivateDnsNamespaceChange::builder()
                        .description(string(planned, "description").unwrap_or_default())
                        .build(),
                )
                .send()
                .await
                .map_err(|error| {
                    aws_error(error).context(&format!(
                        "updating Service Discovery Private DNS Namespace ({id})"
                    ))
                })?;
            wait_answer(
                client,
                response.operation_id(),
                &format!("Service Discovery Private DNS Namespace ({id}) update"),
            )
            .await?;
        }
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
            .map(|(facts, hint)| facts.as_ref().map(|facts| to_value(facts, hint)))
            .collect())
    }

    /// Terraform's import ID: `NAMESPACE_ID:VPC_ID` (AWS does not report the VPC).
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        match id.split(':').collect::<Vec<_>>().as_slice() {
            [namespace, vpc] if !namespace.is_empty() && !vpc.is_empty() => Ok(Value::map([
                ("id", Value::string(*namespace)),
                ("vpc", Value::string(*vpc)),
            ])),
            _ => Err(ProviderError::new(format!(
                "Unexpected format of ID ({id:?}), expected NAMESPACE_ID:VPC_ID"
            ))),
        }
    }

    /// The private DNS namespace with this name that carries this operation's managed tags.
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
            find_namespace(client, operation, &name, NamespaceType::DnsPrivate)
                .await?
                .map(|facts| to_value(&facts, planned)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_import_id_is_namespace_and_vpc() {
        let namespace = AwsServiceDiscoveryPrivateDnsNamespace::new(Aws::new(
            crate::ProviderSettings::default(),
        ));
        let prior = namespace
            .import_prior("ns-abc:vpc-123")
            .expect("a valid import ID");
        assert_eq!(prior.get("id").as_str(), Some("ns-abc"));
        assert_eq!(prior.get("vpc").as_str(), Some("vpc-123"));
        for bad in ["ns-abc", "ns-abc:", ":vpc-1", "a:b:c"] {
            let error = namespace.import_prior(bad).expect_err(bad);
            assert!(
                error.message.contains("NAMESPACE_ID:VPC_ID"),
                "{}",
                error.message
            );
        }
    }
}
