//! Helpers shared by the Cloud Map (AWS Cloud Map / Service Discovery) resource types
//! (`aws_service_discovery_private_dns_namespace`, `aws_service_discovery_http_namespace`,
//! `aws_service_discovery_service`): waits on Cloud Map's asynchronous operations, tags
//! (TagResource / UntagResource / ListTagsForResource by ARN), and the namespace reads,
//! lookups and deletes both namespace types make.
//!
//! Cloud Map answers a namespace create, update or delete (and a service update) with an
//! operation ID; the work is done once GetOperation reports `SUCCESS`, and a `FAIL` carries
//! the reason (`ErrorCode`, `ErrorMessage`).

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use aws_sdk_servicediscovery::types::{
    FilterCondition, Namespace, NamespaceFilter, NamespaceFilterName, NamespaceProperties,
    NamespaceSummary, NamespaceType, Operation, OperationStatus, OperationTargetType, Tag,
};
use aws_sdk_servicediscovery::Client;
use infra_core::{ProviderError, Value};

use crate::app_support::{
    has_managed_tags, resource_tag_changes, retry_while, sent, string, wait_for,
};
use crate::aws_object::each_key;
use crate::error::{aws_error, built, found_or_none, is_not_found};
use crate::tagging::sdk_tags_of;

/// How long an operation may take, as the provider waits (`waitOperationSucceeded`).
pub(crate) const OPERATION_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// How long a namespace delete is retried while AWS still counts services in it
/// (`ResourceInUse`), as the provider retries.
const IN_USE_TIMEOUT: Duration = Duration::from_secs(2 * 60);

/// Waits until the operation `operation_id` succeeds; its final state. A failed operation is an
/// error with Cloud Map's code and message. An operation not yet visible (GetOperation is
/// eventually consistent) counts as pending.
pub(crate) async fn wait_operation(
    client: &Client,
    operation_id: &str,
    what: &str,
) -> Result<Operation, ProviderError> {
    wait_for(what, OPERATION_TIMEOUT, || {
        let client = client.clone();
        let operation_id = operation_id.to_string();
        async move {
            let answer = sent!(client.get_operation().operation_id(&operation_id));
            let Some(response) = found_or_none(answer)? else {
                return Ok(None);
            };
            let Some(operation) = response.operation() else {
                return Ok(None);
            };
            match operation.status() {
                Some(OperationStatus::Success) => Ok(Some(operation.clone())),
                Some(OperationStatus::Fail) => {
                    let code = operation.error_code().unwrap_or("FAIL");
                    Err(ProviderError::with_code(
                        code,
                        format!(
                            "operation {operation_id} failed: {code}: {}",
                            operation.error_message().unwrap_or("no reason given")
                        ),
                    ))
                }
                _ => Ok(None),
            }
        }
    })
    .await
}

/// Waits for the operation a Cloud Map call answered with, when it answered with one.
pub(crate) async fn wait_answer(
    client: &Client,
    operation_id: Option<&str>,
    what: &str,
) -> Result<(), ProviderError> {
    if let Some(operation_id) = operation_id {
        wait_operation(client, operation_id, what).await?;
    }
    Ok(())
}

/// Waits for a namespace create and returns the new namespace's ID (the operation's
/// `NAMESPACE` target).
pub(crate) async fn created_namespace_id(
    client: &Client,
    operation_id: Option<&str>,
    name: &str,
) -> Result<String, ProviderError> {
    let operation_id = operation_id.ok_or_else(|| {
        ProviderError::new(format!(
            "creating Service Discovery Namespace ({name}): the answer has no OperationId"
        ))
    })?;
    let operation = wait_operation(
        client,
        operation_id,
        &format!("Service Discovery Namespace ({name}) create"),
    )
    .await?;
    operation
        .targets()
        .and_then(|targets| targets.get(&OperationTargetType::Namespace))
        .cloned()
        .ok_or_else(|| {
            ProviderError::new(format!(
                "creating Service Discovery Namespace ({name}): operation response missing Namespace ID"
            ))
        })
}

// Tags as Cloud Map takes them.
sdk_tags_of!(pub(crate) Tag);

/// The tags of the namespace or service `arn`; `None` when it no longer exists.
pub(crate) async fn resource_tags(
    client: &Client,
    arn: &str,
) -> Result<Option<Vec<(String, String)>>, ProviderError> {
    let answer = sent!(client.list_tags_for_resource().resource_arn(arn));
    Ok(found_or_none(answer)?.map(|response| {
        response.tags().iter().map(|tag| (tag.key().to_string(), tag.value().to_string())).collect()
    }))
}

/// Applies the tag changes from `prior` to `planned` (never the managed `infra:*` tags) to the
/// namespace or service at the prior `arn`; nothing without one.
pub(crate) async fn update_tags(
    client: &Client,
    prior: &Value,
    planned: &Value,
) -> Result<(), ProviderError> {
    let Some(arn) = string(prior, "arn") else {
        return Ok(());
    };
    resource_tag_changes!(client, resource_arn(&arn), prior, planned);
    Ok(())
}

/// What a namespace read says: from GetNamespace, or from ListNamespaces' summary.
#[derive(Clone, Debug, Default)]
pub struct NamespaceFacts {
    pub id: String,
    pub arn: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub namespace_type: Option<String>,
    /// The Route 53 hosted zone of a DNS namespace.
    pub hosted_zone: Option<String>,
    /// The HTTP name of an HTTP namespace.
    pub http_name: Option<String>,
    pub tags: Vec<(String, String)>,
}

impl NamespaceFacts {
    fn from_namespace(namespace: &Namespace) -> NamespaceFacts {
        NamespaceFacts::from_fields(
            namespace.id(),
            namespace.arn(),
            namespace.name(),
            namespace.description(),
            namespace.r#type(),
            namespace.properties(),
        )
    }

    fn from_summary(summary: &NamespaceSummary) -> NamespaceFacts {
        NamespaceFacts::from_fields(
            summary.id(),
            summary.arn(),
            summary.name(),
            summary.description(),
            summary.r#type(),
            summary.properties(),
        )
    }

    /// The fields GetNamespace's namespace and ListNamespaces' summary both carry.
    fn from_fields(
        id: Option<&str>,
        arn: Option<&str>,
        name: Option<&str>,
        description: Option<&str>,
        namespace_type: Option<&NamespaceType>,
        properties: Option<&NamespaceProperties>,
    ) -> NamespaceFacts {
        NamespaceFacts {
            id: id.unwrap_or_default().to_string(),
            arn: arn.map(str::to_string),
            name: name.map(str::to_string),
            description: description.map(str::to_string),
            namespace_type: namespace_type.map(|t| t.as_str().to_string()),
            hosted_zone: properties
                .and_then(|p| p.dns_properties())
                .and_then(|d| d.hosted_zone_id())
                .map(str::to_string),
            http_name: properties
                .and_then(|p| p.http_properties())
                .and_then(|h| h.http_name())
                .map(str::to_string),
            tags: Vec::new(),
        }
    }

    /// Whether a summary holds everything the namespace's type reports (its ARN, name, and
    /// its hosted zone or HTTP name); else GetNamespace fills it in.
    fn is_complete(&self) -> bool {
        let property = match self.namespace_type.as_deref() {
            Some("HTTP") => self.http_name.is_some(),
            Some(_) => self.hosted_zone.is_some(),
            None => false,
        };
        self.arn.is_some() && self.name.is_some() && property
    }
}

/// One namespace with its tags (GetNamespace, ListTagsForResource); `None` when it is gone.
pub(crate) async fn read_namespace(
    client: &Client,
    id: &str,
) -> Result<Option<NamespaceFacts>, ProviderError> {
    let answer = found_or_none(sent!(client.get_namespace().id(id)))?;
    match answer.as_ref().and_then(|response| response.namespace()) {
        Some(namespace) => with_tags(client, NamespaceFacts::from_namespace(namespace)).await,
        None => Ok(None),
    }
}

/// The facts with the namespace's tags; `None` when it vanished in between.
async fn with_tags(
    client: &Client,
    mut facts: NamespaceFacts,
) -> Result<Option<NamespaceFacts>, ProviderError> {
    let Some(arn) = facts.arn.clone() else {
        return Ok(Some(facts));
    };
    match resource_tags(client, &arn).await? {
        Some(tags) => {
            facts.tags = tags;
            Ok(Some(facts))
        }
        None => Ok(None),
    }
}

/// Every namespace summary (every page), of one type when `namespace_type` is given.
pub(crate) async fn list_namespaces(
    client: &Client,
    namespace_type: Option<NamespaceType>,
) -> Result<Vec<NamespaceSummary>, ProviderError> {
    let filter = match &namespace_type {
        Some(kind) => Some(built(
            NamespaceFilter::builder()
                .name(NamespaceFilterName::Type)
                .values(kind.as_str())
                .condition(FilterCondition::Eq)
                .build(),
        )?),
        None => None,
    };
    let mut summaries = Vec::new();
    let request = client.list_namespaces().set_filters(filter.map(|f| vec![f]));
    let mut pages = request.into_paginator().send();
    while let Some(page) = pages.next().await {
        summaries.extend(page.map_err(aws_error)?.namespaces().iter().cloned());
    }
    // The filter is applied here too, so an endpoint that ignores it answers the same.
    if let Some(kind) = &namespace_type {
        summaries.retain(|s| s.r#type() == Some(kind));
    }
    Ok(summaries)
}

/// Refreshes many namespaces: one ListNamespaces pass, then per namespace asked for (in
/// parallel) its tags, and GetNamespace only where the summary lacks a field. The namespaces
/// found, by ID (none for a namespace that is gone, or an ID that is not known).
pub(crate) async fn read_namespaces(
    client: &Client,
    ids: &[String],
) -> Result<BTreeMap<String, NamespaceFacts>, ProviderError> {
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let listed: HashMap<String, NamespaceFacts> = list_namespaces(client, None)
        .await?
        .iter()
        .map(NamespaceFacts::from_summary)
        .filter(|facts| !facts.id.is_empty())
        .map(|facts| (facts.id.clone(), facts))
        .collect();
    each_key(ids, |id| complete_namespace(client, listed.get(id).cloned())).await
}

/// A listed namespace made whole: GetNamespace when the summary lacks a field, then its tags.
async fn complete_namespace(
    client: &Client,
    listed: Option<NamespaceFacts>,
) -> Result<Option<NamespaceFacts>, ProviderError> {
    match listed {
        None => Ok(None),
        Some(facts) if facts.is_complete() => with_tags(client, facts).await,
        Some(facts) => read_namespace(client, &facts.id).await,
    }
}

/// The namespace of `namespace_type` named `name` that carries this operation's managed tags
/// (an interrupted create's); its facts with tags.
pub(crate) async fn find_namespace(
    client: &Client,
    operation: &infra_core::Operation,
    name: &str,
    namespace_type: NamespaceType,
) -> Result<Option<NamespaceFacts>, ProviderError> {
    for summary in list_namespaces(client, Some(namespace_type)).await? {
        if summary.name() != Some(name) {
            continue;
        }
        let Some(id) = summary.id() else {
            continue;
        };
        if let Some(facts) = read_namespace(client, id).await? {
            if has_managed_tags(&facts.tags, operation) {
                return Ok(Some(facts));
            }
        }
    }
    Ok(None)
}

/// Deletes a namespace and waits for the delete to finish. A namespace that still counts
/// services (`ResourceInUse`, for a while after they are deleted) is retried for two minutes;
/// one that is gone already is done.
pub(crate) async fn delete_namespace(client: &Client, id: &str) -> Result<(), ProviderError> {
    let deleted = retry_while(IN_USE_TIMEOUT, is_in_use, move || async move {
        sent!(client.delete_namespace().id(id))
    })
    .await;
    let response = match deleted {
        Ok(response) => response,
        Err(error) if is_not_found(&error) => return Ok(()),
        Err(error) => {
            return Err(error.context(&format!("deleting Service Discovery Namespace ({id})")))
        }
    };
    wait_answer(
        client,
        response.operation_id(),
        &format!("Service Discovery Namespace ({id}) delete"),
    )
    .await
}

/// A namespace that AWS still counts services in (for a while after they are deleted).
fn is_in_use(error: &ProviderError) -> bool {
    error.code.as_deref() == Some("ResourceInUse")
}

/// Terraform's check of a namespace `name` (`validNamespaceName`): 1 to 1024 characters of
/// letters, digits, `.`, `_` and `-`.
pub(crate) fn validate_namespace_name(config: &Value) -> Vec<(String, String)> {
    let Some(name) = config.get("name").as_str() else {
        return Vec::new();
    };
    if name.is_empty() || name.chars().count() > 1024 {
        return vec![(
            "name".to_string(),
            format!("expected length of name to be in the range (1 - 1024), got {name}"),
        )];
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')) {
        return vec![(
            "name".to_string(),
            format!(
                "expected value of name to match regular expression \"^[0-9A-Za-z._-]+$\", got {name}"
            ),
        )];
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_names_are_checked_as_terraform_does() {
        let named = |name: &str| Value::map([("name", Value::string(name))]);
        assert!(validate_namespace_name(&named("sd.example-1_internal")).is_empty());
        assert_eq!(validate_namespace_name(&named("bad name"))[0].0, "name");
        assert_eq!(validate_namespace_name(&named(""))[0].0, "name");
        assert!(validate_namespace_name(&Value::map([("name", Value::Unknown)])).is_empty());
    }
}
