//! `aws_service_discovery_service`: an AWS Cloud Map service in a namespace, with the DNS
//! records Cloud Map makes for its instances (`dns_config`) and its health checking. The
//! Terraform ID is the service ID, which is also the import ID.
//!
//! `name`, `namespace_id`, `type`, `dns_config.namespace_id`, `dns_config.routing_policy`, a
//! DNS record's `type`, `health_check_config.type` and `health_check_custom_config` force a new
//! service (adding or removing a DNS record or a health check block does too). The
//! `description`, the records' `ttl` and the health check's threshold and path change in place:
//! UpdateService, a Cloud Map operation waited on until GetOperation reports `SUCCESS`, sent
//! with the whole DNS records and health check configuration (AWS deletes what an update leaves
//! out). Tags change with TagResource / UntagResource. `force_destroy` is configuration only:
//! with it, delete first deregisters every instance of the service.
//!
//! `health_check_custom_config.failure_threshold` is deprecated: AWS ignores it and always
//! reports 1. It is accepted and sent; the read keeps the configured value (AWS's answer only
//! where none is configured, as after an import), so it is neither drift nor a replacement.
//!
//! The create's request ID is derived from the state lineage, the address and the planned
//! value, so a create whose answer was lost is not made twice; `find_created` finds the service
//! by name in its namespace and by the managed tags.
//!
//! Refresh is one ListServices pass for every service, then per service (in parallel)
//! ListTagsForResource. The summary has no top-level namespace ID: it is taken from the DNS
//! configuration, else from the prior state (a service never changes namespace), else (an
//! import of a service without DNS records) from GetService.
//!
//! moto (5.2.5) reports no service `type` unless one was sent (AWS reports `DNS_HTTP`, `DNS`
//! or `HTTP`), so the prior value is kept when the answer leaves it out and drift on it is not
//! seen in tests; it also ignores ListServices filters (the namespace is checked here too).

// The provider's schema still has `dns_config.namespace_id` and
// `health_check_custom_config.failure_threshold`, which the SDK marks deprecated; they are sent
// and read as the provider does.
#![allow(deprecated)]

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use aws_sdk_servicediscovery::types::{
    DnsConfig, DnsConfigChange, DnsRecord, FilterCondition, HealthCheckConfig,
    HealthCheckCustomConfig, HealthCheckType, RecordType, RoutingPolicy, Service, ServiceChange,
    ServiceFilter, ServiceFilterName, ServiceSummary, ServiceTypeOption,
};
use aws_sdk_servicediscovery::Client;
use infra_core::{
    Attribute, Block, Check, Operation, ProviderError, ResourceType, Schema, Type, Value,
};

use super::support::{resource_tags, sdk_tags, update_tags, wait_answer};
use crate::app_support::{
    blocks, boolean, changed, deleted_or_gone, has_managed_tags, int, known, non_empty, number,
    read_each, sent, set_tags, single, string, text, text_or_null, vanished,
};
use crate::ec2_support::client_token;
use crate::error::{aws_error, built, found_or_none, is_not_found};
use crate::tagging::{ManagedTags, WithTags};
use crate::Aws;

pub struct AwsServiceDiscoveryService {
    aws: Arc<Aws>,
    schema: Schema,
}

/// What a service read says: from GetService or CreateService, or from ListServices' summary.
#[derive(Clone, Debug, Default)]
struct ServiceFacts {
    id: String,
    arn: Option<String>,
    name: Option<String>,
    namespace_id: Option<String>,
    description: Option<String>,
    service_type: Option<String>,
    dns_config: Option<DnsConfig>,
    health_check_config: Option<HealthCheckConfig>,
    health_check_custom_config: Option<HealthCheckCustomConfig>,
}

impl ServiceFacts {
    fn from_service(service: &Service) -> ServiceFacts {
        ServiceFacts {
            id: service.id().unwrap_or_default().to_string(),
            arn: service.arn().map(str::to_string),
            name: service.name().map(str::to_string),
            namespace_id: service
                .namespace_id()
                .or_else(|| service.dns_config().and_then(|d| d.namespace_id()))
                .map(str::to_string),
            description: service.description().map(str::to_string),
            service_type: service.r#type().map(|t| t.as_str().to_string()),
            dns_config: service.dns_config().cloned(),
            health_check_config: service.health_check_config().cloned(),
            health_check_custom_config: service.health_check_custom_config().cloned(),
        }
    }

    fn from_summary(summary: &ServiceSummary) -> ServiceFacts {
        ServiceFacts {
            id: summary.id().unwrap_or_default().to_string(),
            arn: summary.arn().map(str::to_string),
            name: summary.name().map(str::to_string),
            namespace_id: summary
                .dns_config()
                .and_then(|d| d.namespace_id())
                .map(str::to_string),
            description: summary.description().map(str::to_string),
            service_type: summary.r#type().map(|t| t.as_str().to_string()),
            dns_config: summary.dns_config().cloned(),
            health_check_config: summary.health_check_config().cloned(),
            health_check_custom_config: summary.health_check_custom_config().cloned(),
        }
    }
}

impl AwsServiceDiscoveryService {
    pub fn new(aws: Arc<Aws>) -> AwsServiceDiscoveryService {
        let dns_records = Schema::new()
            .attr(Attribute::required("ttl", Type::Number))
            .attr(
                Attribute::required("type", Type::String)
                    .force_new()
                    .check(Check::OneOf(&["SRV", "A", "AAAA", "CNAME"])),
            );
        let dns_config = Schema::new()
            .attr(Attribute::required("namespace_id", Type::String).force_new())
            .attr(
                Attribute::optional("routing_policy", Type::String)
                    .default(Value::string("MULTIVALUE"))
                    .force_new()
                    .check(Check::OneOf(&["MULTIVALUE", "WEIGHTED"])),
            )
            .block(Block::list("dns_records", dns_records).required());
        let health_check_config = Schema::new()
            .attr(Attribute::optional("failure_threshold", Type::Number))
            .attr(Attribute::optional("resource_path", Type::String))
            .attr(
                Attribute::optional("type", Type::String)
                    .force_new()
                    .check(Check::OneOf(&["HTTP", "HTTPS", "TCP"])),
            );
        let health_check_custom_config = Schema::new()
            .attr(Attribute::optional_computed("failure_threshold", Type::Number).force_new());
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::required("name", Type::String).force_new())
            .attr(Attribute::optional_computed("namespace_id", Type::String).force_new())
            .attr(Attribute::optional("description", Type::String))
            .attr(
                Attribute::optional_computed("type", Type::String)
                    .force_new()
                    .check(Check::OneOf(&["HTTP"])),
            )
            .attr(Attribute::optional("force_destroy", Type::Bool).default(Value::Bool(false)))
            .block(Block::single("dns_config", dns_config))
            .block(Block::single("health_check_config", health_check_config))
            .block(
                Block::single("health_check_custom_config", health_check_custom_config).force_new(),
            )
            .with_tags();
        AwsServiceDiscoveryService { aws, schema }
    }

    async fn read_one(&self, id: &str, hint: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.servicediscovery;
        let facts = get_service(client, id)
            .await?
            .ok_or_else(|| vanished("Service Discovery Service", id))?;
        let arn = facts.arn.clone().unwrap_or_default();
        let tags = resource_tags(client, &arn)
            .await?
            .ok_or_else(|| vanished("Service Discovery Service", id))?;
        Ok(to_value(&facts, &tags, hint))
    }

    /// Deregisters every instance of the service (`force_destroy`), waiting for each.
    async fn deregister_instances(&self, service_id: &str) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.servicediscovery;
        let mut instances = Vec::new();
        let mut next_token: Option<String> = None;
        loop {
            let answer = sent!(client
                .list_instances()
                .service_id(service_id)
                .set_next_token(next_token.take()));
            let Some(response) = found_or_none(answer)
                .map_err(|error| error.context("listing Service Discovery Instances"))?
            else {
                return Ok(());
            };
            instances.extend(
                response
                    .instances()
                    .iter()
                    .filter_map(|instance| instance.id())
                    .map(str::to_string),
            );
            match response.next_token() {
                Some(token) if !token.is_empty() => next_token = Some(token.to_string()),
                _ => break,
            }
        }
        for instance in instances {
            let answer = sent!(client
                .deregister_instance()
                .service_id(service_id)
                .instance_id(&instance));
            let Some(response) = found_or_none(answer).map_err(|error| {
                error.context(&format!(
                    "deregistering Service Discovery Instance ({instance})"
                ))
            })?
            else {
                continue;
            };
            wait_answer(
                client,
                response.operation_id(),
                &format!("Service Discovery Instance ({instance}) deregister"),
            )
            .await?;
        }
        Ok(())
    }
}

/// One service (GetService); `None` when it is gone.
async fn get_service(client: &Client, id: &str) -> Result<Option<ServiceFacts>, ProviderError> {
    let answer = found_or_none(sent!(client.get_service().id(id)))?;
    Ok(answer.and_then(|response| response.service().map(ServiceFacts::from_service)))
}

/// Every service summary (every page), of one namespace when `namespace_id` is given.
async fn list_services(
    client: &Client,
    namespace_id: Option<&str>,
) -> Result<Vec<ServiceSummary>, ProviderError> {
    let filter = match namespace_id {
        Some(namespace_id) => Some(built(
            ServiceFilter::builder()
                .name(ServiceFilterName::NamespaceId)
                .values(namespace_id)
                .condition(FilterCondition::Eq)
                .build(),
        )?),
        None => None,
    };
    let mut summaries = Vec::new();
    let request = client.list_services().set_filters(filter.map(|f| vec![f]));
    let mut pages = request.into_paginator().send();
    while let Some(page) = pages.next().await {
        summaries.extend(page.map_err(aws_error)?.services().iter().cloned());
    }
    Ok(summaries)
}

/// A listed service made whole: its namespace (from the summary's DNS configuration, the
/// prior state, else GetService) and its tags. `None` when it is gone.
async fn complete_service(
    client: &Client,
    listed: Option<ServiceSummary>,
    hint: &Value,
) -> Result<Option<Value>, ProviderError> {
    let Some(summary) = listed else {
        return Ok(None);
    };
    let mut facts = ServiceFacts::from_summary(&summary);
    if facts.namespace_id.is_none() {
        facts.namespace_id = non_empty(hint, "namespace_id");
    }
    if facts.namespace_id.is_none() || facts.arn.is_none() {
        let full = get_service(client, &facts.id).await?;
        match full {
            Some(full) => facts = full,
            None => return Ok(None),
        }
    }
    let Some(arn) = facts.arn.clone() else {
        return Ok(None);
    };
    Ok(resource_tags(client, &arn)
        .await?
        .map(|tags| to_value(&facts, &tags, hint)))
}

/// The state value of a service. `hint` (the prior or planned value) supplies
/// `force_destroy`, the configured custom health check threshold, and what AWS leaves out.
fn to_value(facts: &ServiceFacts, tags: &[(String, String)], hint: &Value) -> Value {
    let namespace_id = facts
        .namespace_id
        .clone()
        .or_else(|| non_empty(hint, "namespace_id"));
    let mut object = BTreeMap::new();
    object.insert("id".to_string(), Value::string(&facts.id));
    object.insert("arn".to_string(), text(facts.arn.as_deref()));
    object.insert("name".to_string(), text(facts.name.as_deref()));
    object.insert("namespace_id".to_string(), text(namespace_id.as_deref()));
    object.insert(
        "description".to_string(),
        text_or_null(facts.description.as_deref()),
    );
    object.insert(
        "type".to_string(),
        match &facts.service_type {
            Some(kind) => Value::string(kind),
            None => known(hint, "type"),
        },
    );
    object.insert(
        "force_destroy".to_string(),
        Value::Bool(boolean(hint, "force_destroy").unwrap_or(false)),
    );
    object.insert(
        "dns_config".to_string(),
        dns_config_value(facts.dns_config.as_ref(), namespace_id.as_deref(), hint),
    );
    object.insert(
        "health_check_config".to_string(),
        Value::List(
            facts
                .health_check_config
                .iter()
                .map(|check| {
                    Value::map([
                        (
                            "failure_threshold",
                            number(check.failure_threshold().map(i64::from)),
                        ),
                        ("resource_path", text(check.resource_path())),
                        ("type", text_or_null(Some(check.r#type().as_str()))),
                    ])
                })
                .collect(),
        ),
    );
    let configured_threshold = single(hint, "health_check_custom_config")
        .map(|block| known(block, "failure_threshold"))
        .unwrap_or(Value::Null);
    object.insert(
        "health_check_custom_config".to_string(),
        Value::List(
            facts
                .health_check_custom_config
                .iter()
                .map(|custom| {
                    // AWS ignores the deprecated threshold; the configured one is kept.
                    let threshold = if configured_threshold.is_null() {
                        number(custom.failure_threshold().map(i64::from))
                    } else {
                        configured_threshold.clone()
                    };
                    Value::map([("failure_threshold", threshold)])
                })
                .collect(),
        ),
    );
    set_tags(
        &mut object,
        tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    );
    Value::Map(object)
}

/// The `dns_config` block as AWS reports it; the namespace and routing policy fall back to
/// the service's namespace and the prior value where the answer leaves them out.
fn dns_config_value(config: Option<&DnsConfig>, namespace_id: Option<&str>, hint: &Value) -> Value {
    let Some(config) = config else {
        return Value::List(vec![]);
    };
    if config.dns_records().is_empty() && config.namespace_id().is_none() {
        return Value::List(vec![]);
    }
    let prior = single(hint, "dns_config").cloned().unwrap_or(Value::Null);
    let records = config
        .dns_records()
        .iter()
        .map(|record| {
            Value::map([
                ("ttl", number(Some(record.ttl()))),
                ("type", text_or_null(Some(record.r#type().as_str()))),
            ])
        })
        .collect();
    Value::List(vec![Value::map([
        (
            "namespace_id",
            match config.namespace_id().or(namespace_id) {
                Some(id) => Value::string(id),
                None => known(&prior, "namespace_id"),
            },
        ),
        (
            "routing_policy",
            match config.routing_policy() {
                Some(policy) => Value::string(policy.as_str()),
                None => known(&prior, "routing_policy"),
            },
        ),
        ("dns_records", Value::List(records)),
    ])])
}

fn dns_records(block: &Value) -> Result<Vec<DnsRecord>, ProviderError> {
    blocks(block, "dns_records")
        .iter()
        .map(|record| {
            DnsRecord::builder()
                .set_type(non_empty(record, "type").map(|t| RecordType::from(t.as_str())))
                .set_ttl(record.get("ttl").as_i64())
                .build()
                .map_err(|e| ProviderError::new(format!("dns_config.dns_records: {e}")))
        })
        .collect()
}

fn dns_config(value: &Value) -> Result<Option<DnsConfig>, ProviderError> {
    let Some(block) = single(value, "dns_config") else {
        return Ok(None);
    };
    DnsConfig::builder()
        .set_namespace_id(non_empty(block, "namespace_id"))
        .set_routing_policy(
            non_empty(block, "routing_policy").map(|p| RoutingPolicy::from(p.as_str())),
        )
        .set_dns_records(Some(dns_records(block)?))
        .build()
        .map(Some)
        .map_err(|e| ProviderError::new(format!("dns_config: {e}")))
}

/// The DNS records as UpdateService takes them (only the records change in place).
fn dns_config_change(value: &Value) -> Result<Option<DnsConfigChange>, ProviderError> {
    let Some(block) = single(value, "dns_config") else {
        return Ok(None);
    };
    DnsConfigChange::builder()
        .set_dns_records(Some(dns_records(block)?))
        .build()
        .map(Some)
        .map_err(|e| ProviderError::new(format!("dns_config: {e}")))
}

fn health_check_config(value: &Value) -> Result<Option<HealthCheckConfig>, ProviderError> {
    let Some(block) = single(value, "health_check_config") else {
        return Ok(None);
    };
    HealthCheckConfig::builder()
        .set_type(non_empty(block, "type").map(|t| HealthCheckType::from(t.as_str())))
        .set_resource_path(non_empty(block, "resource_path"))
        .set_failure_threshold(int(block, "failure_threshold").filter(|n| *n != 0))
        .build()
        .map(Some)
        .map_err(|e| ProviderError::new(format!("health_check_config: {e}")))
}

fn health_check_custom_config(value: &Value) -> Option<HealthCheckCustomConfig> {
    single(value, "health_check_custom_config").map(|block| {
        HealthCheckCustomConfig::builder()
            .set_failure_threshold(int(block, "failure_threshold").filter(|n| *n != 0))
            .build()
    })
}

/// The namespace a service is made in: `namespace_id`, else `dns_config.namespace_id`.
fn namespace_of(value: &Value) -> Option<String> {
    non_empty(value, "namespace_id")
        .or_else(|| single(value, "dns_config").and_then(|b| non_empty(b, "namespace_id")))
}

#[async_trait::async_trait]
impl ResourceType for AwsServiceDiscoveryService {
    fn name(&self) -> &'static str {
        "aws_service_discovery_service"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.servicediscovery;
        let name = string(planned, "name").ok_or_else(|| {
            ProviderError::new("aws_service_discovery_service needs a known \"name\"")
        })?;
        let response = client
            .create_service()
            .name(&name)
            .creator_request_id(client_token(operation, planned))
            .set_namespace_id(non_empty(planned, "namespace_id"))
            .set_description(non_empty(planned, "description"))
            .set_dns_config(dns_config(planned)?)
            .set_health_check_config(health_check_config(planned)?)
            .set_health_check_custom_config(health_check_custom_config(planned))
            .set_type(non_empty(planned, "type").map(|t| ServiceTypeOption::from(t.as_str())))
            .set_tags(Some(sdk_tags(&operation.tags_with_managed(planned))?))
            .send()
            .await
            .map_err(|error| {
                aws_error(error).context(&format!("creating Service Discovery Service ({name})"))
            })?;
        let id = response
            .service()
            .and_then(|service| service.id())
            .map(str::to_string)
            .ok_or_else(|| {
                ProviderError::new(format!(
                    "creating Service Discovery Service ({name}): the answer has no service ID"
                ))
            })?;
        self.read_one(&id, planned).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.servicediscovery;
        let id = string(prior, "id").ok_or_else(|| {
            ProviderError::new("aws_service_discovery_service has no id in state")
        })?;
        let in_place = ["description", "dns_config", "health_check_config"];
        if in_place.iter().any(|key| changed(prior, planned, key)) {
            // The whole configuration goes: AWS deletes the DNS records or health check that
            // an update leaves out. An emptied description is sent as "", as the provider does.
            let change = ServiceChange::builder()
                .description(string(planned, "description").unwrap_or_default())
                .set_dns_config(dns_config_change(planned)?)
                .set_health_check_config(health_check_config(planned)?)
                .build();
            let response = client
                .update_service()
                .id(&id)
                .service(change)
                .send()
                .await
                .map_err(|error| {
                    aws_error(error).context(&format!("updating Service Discovery Service ({id})"))
                })?;
            wait_answer(
                client,
                response.operation_id(),
                &format!("Service Discovery Service ({id}) update"),
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
        if boolean(prior, "force_destroy") == Some(true) {
            self.deregister_instances(&id).await?;
        }
        let client = &self.aws.clients().await.servicediscovery;
        deleted_or_gone(sent!(client.delete_service().id(&id)), is_not_found)
            .map_err(|error| error.context(&format!("deleting Service Discovery Service ({id})")))
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let client = &self.aws.clients().await.servicediscovery;
        let ids: Vec<Option<String>> = prior.iter().map(|p| string(p, "id")).collect();
        if ids.iter().all(Option::is_none) {
            return Ok(prior.iter().map(|_| None).collect());
        }
        let listed: HashMap<String, ServiceSummary> = list_services(client, None)
            .await?
            .into_iter()
            .filter_map(|summary| Some((summary.id()?.to_string(), summary)))
            .collect();
        let reads: Vec<_> = ids
            .iter()
            .zip(prior)
            .map(|(id, hint)| {
                let summary = id.as_ref().and_then(|id| listed.get(id)).cloned();
                complete_service(client, summary, hint)
            })
            .collect();
        read_each(reads).await
    }

    /// Terraform's import ID: the service ID.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        Ok(infra_core::resource::import_by("id", id))
    }

    /// The service with this name in its namespace that carries this operation's managed tags.
    async fn find_created(
        &self,
        operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let Some(name) = string(planned, "name") else {
            return Ok(None);
        };
        let namespace = namespace_of(planned);
        let client = &self.aws.clients().await.servicediscovery;
        for summary in list_services(client, namespace.as_deref()).await? {
            let Some(id) = summary
                .id()
                .filter(|_| summary.name() == Some(name.as_str()))
            else {
                continue;
            };
            let Some(facts) = get_service(client, id).await? else {
                continue;
            };
            if namespace.is_some() && facts.namespace_id != namespace {
                continue;
            }
            let Some(arn) = facts.arn.clone() else {
                continue;
            };
            let Some(tags) = resource_tags(client, &arn).await? else {
                continue;
            };
            if has_managed_tags(&tags, operation) {
                return Ok(Some(to_value(&facts, &tags, planned)));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_configured_custom_health_threshold_is_kept() {
        let facts = ServiceFacts {
            id: "srv-1".to_string(),
            health_check_custom_config: Some(
                HealthCheckCustomConfig::builder()
                    .failure_threshold(1)
                    .build(),
            ),
            ..ServiceFacts::default()
        };
        let configured = Value::map([(
            "health_check_custom_config",
            Value::List(vec![Value::map([(
                "failure_threshold",
                Value::Number(5.0),
            )])]),
        )]);
        let value = to_value(&facts, &[], &configured);
        let threshold = single(&value, "health_check_custom_config")
            .map(|block| block.get("failure_threshold").clone());
        assert_eq!(threshold, Some(Value::Number(5.0)));
        let imported = to_value(&facts, &[], &Value::Null);
        let threshold = single(&imported, "health_check_custom_config")
            .map(|block| block.get("failure_threshold").clone());
        assert_eq!(threshold, Some(Value::Number(1.0)));
    }
}
