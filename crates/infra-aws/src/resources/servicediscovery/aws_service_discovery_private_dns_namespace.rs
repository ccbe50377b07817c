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

use aws_sdk_servicediscovery::types::{NamespaceType, PrivateDnsNamespaceChange};
use aws_sdk_servicediscovery::Client;
use infra_core::{Attribute, Operation, ProviderError, Type, Value};

use super::namespace::{attributes, Namespace, NamespaceKind};
use super::support::{sdk_tags, wait_answer, NamespaceFacts};
use crate::app_support::{changed, non_empty, sent, string, text};
use crate::declared::{from_prior, read, Declared, Reading};
use crate::ec2_support::client_token;
use crate::tagging::ManagedTags;

pub type AwsServiceDiscoveryPrivateDnsNamespace = Namespace<PrivateDns>;

pub struct PrivateDns;

impl NamespaceKind for PrivateDns {
    const NAME: &'static str = "aws_service_discovery_private_dns_namespace";
    const TITLE: &'static str = "Service Discovery Private DNS Namespace";
    const TYPE: NamespaceType = NamespaceType::DnsPrivate;

    /// The hosted zone, and `vpc` as the prior (or planned) value holds it: AWS does not
    /// report it.
    fn attributes() -> Vec<Declared<NamespaceFacts>> {
        let hosted_zone = read(
            Attribute::computed("hosted_zone", Type::String),
            |facts: &NamespaceFacts, _: &Reading| text(facts.hosted_zone.as_deref()),
        );
        let vpc = from_prior(Attribute::required("vpc", Type::String).force_new());
        let description = Attribute::optional("description", Type::String);
        attributes(vec![hosted_zone], vec![vpc], description)
    }

    async fn create(
        client: &Client,
        operation: &Operation,
        planned: &Value,
        name: &str,
    ) -> Result<Option<String>, ProviderError> {
        let vpc = string(planned, "vpc")
            .ok_or_else(|| ProviderError::new(format!("{} needs a known \"vpc\"", Self::NAME)))?;
        let response = sent!(client
            .create_private_dns_namespace()
            .name(name)
            .vpc(vpc)
            .creator_request_id(client_token(operation, planned))
            .set_description(non_empty(planned, "description"))
            .set_tags(Some(sdk_tags(&operation.tags_with_managed(planned))?)))
        .map_err(|error| error.context(&format!("creating {} ({name})", Self::TITLE)))?;
        Ok(response.operation_id().map(str::to_string))
    }

    /// The description (UpdatePrivateDnsNamespace); an emptied one is sent as "", as the
    /// provider does.
    async fn update(
        client: &Client,
        operation: &Operation,
        id: &str,
        prior: &Value,
        planned: &Value,
    ) -> Result<(), ProviderError> {
        if !changed(prior, planned, "description") {
            return Ok(());
        }
        let response = sent!(client
            .update_private_dns_namespace()
            .id(id)
            .updater_request_id(client_token(operation, planned))
            .namespace(
                PrivateDnsNamespaceChange::builder()
                    .description(string(planned, "description").unwrap_or_default())
                    .build(),
            ))
        .map_err(|error| error.context(&format!("updating {} ({id})", Self::TITLE)))?;
        wait_answer(client, response.operation_id(), &format!("{} ({id}) update", Self::TITLE))
            .await
    }

    /// Terraform's import ID: `NAMESPACE_ID:VPC_ID` (AWS does not report the VPC).
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        match id.split(':').collect::<Vec<_>>().as_slice() {
            [namespace, vpc] if !namespace.is_empty() && !vpc.is_empty() => {
                Ok(Value::map([("id", Value::string(*namespace)), ("vpc", Value::string(*vpc))]))
            }
            _ => Err(ProviderError::new(format!(
                "Unexpected format of ID ({id:?}), expected NAMESPACE_ID:VPC_ID"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Aws;
    use infra_core::ResourceType;

    #[test]
    fn the_import_id_is_namespace_and_vpc() {
        let namespace = AwsServiceDiscoveryPrivateDnsNamespace::new(Aws::new(
            crate::ProviderSettings::default(),
        ));
        let prior = namespace.import_prior("ns-abc:vpc-123").expect("a valid import ID");
        assert_eq!(prior.get("id").as_str(), Some("ns-abc"));
        assert_eq!(prior.get("vpc").as_str(), Some("vpc-123"));
        for bad in ["ns-abc", "ns-abc:", ":vpc-1", "a:b:c"] {
            let error = namespace.import_prior(bad).expect_err(bad);
            assert!(error.message.contains("NAMESPACE_ID:VPC_ID"), "{}", error.message);
        }
    }
}
