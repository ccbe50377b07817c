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

use aws_sdk_servicediscovery::types::NamespaceType;
use aws_sdk_servicediscovery::Client;
use infra_core::{Attribute, Operation, ProviderError, Type, Value};

use super::namespace::{attributes, Namespace, NamespaceKind};
use super::support::{sdk_tags, NamespaceFacts};
use crate::app_support::{non_empty, sent, text};
use crate::declared::{read, Declared, Reading};
use crate::ec2_support::client_token;
use crate::tagging::ManagedTags;

pub type AwsServiceDiscoveryHttpNamespace = Namespace<Http>;

pub struct Http;

impl NamespaceKind for Http {
    const NAME: &'static str = "aws_service_discovery_http_namespace";
    const TITLE: &'static str = "Service Discovery HTTP Namespace";
    const TYPE: NamespaceType = NamespaceType::Http;

    fn attributes() -> Vec<Declared<NamespaceFacts>> {
        let http_name = read(
            Attribute::computed("http_name", Type::String),
            |facts: &NamespaceFacts, _: &Reading| text(facts.http_name.as_deref()),
        );
        let description = Attribute::optional("description", Type::String).force_new();
        attributes(vec![http_name], vec![], description)
    }

    async fn create(
        client: &Client,
        operation: &Operation,
        planned: &Value,
        name: &str,
    ) -> Result<Option<String>, ProviderError> {
        let response = sent!(client
            .create_http_namespace()
            .name(name)
            .creator_request_id(client_token(operation, planned))
            .set_description(non_empty(planned, "description"))
            .set_tags(Some(sdk_tags(&operation.tags_with_managed(planned))?)))
        .map_err(|error| error.context(&format!("creating {} ({name})", Self::TITLE)))?;
        Ok(response.operation_id().map(str::to_string))
    }
}
