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

use aws_sdk_servicediscovery::types::{
    DnsConfig, DnsConfigChange, DnsRecord, FilterCondition, HealthCheckConfig,
    HealthCheckCustomConfig, HealthCheckType, RecordType, RoutingPolicy, Service, ServiceChange,
    ServiceFilter, ServiceFilterName, ServiceSummary, ServiceTypeOption,
};
use aws_sdk_servicediscovery::Client;
use infra_core::{Attribute, Block, Check, ProviderError, Schema, Type, Value};

use super::support::{resource_tags, sdk_tags, update_tags, wait_answer};
use crate::app_support::{
    blocks, boolean, changed, deleted_or_gone, has_managed_tags, int, known, non_empty, number,
    read_each, sent, single, string, text, text_or_null, vanished,
};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged, Updating,
};
use crate::declared::{self, read, read_block, Declared, Reading};
use crate::ec2_support::client_token;
use crate::error::{aws_error, built, found_or_none, is_not_found};
use crate::tagging::ManagedTags;

pub type AwsServiceDiscoveryService = ObjectType<DiscoveryService>;

/// The type of [`AwsObject`]; its object is what a read of the service says ([`ServiceFacts`]).
pub struct DiscoveryService;

/// What a service read says: from GetService or CreateService, or from ListServices' summary.
#[derive(Clone, Debug, Default)]
pub struct ServiceFacts {
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
            namespace_id: summary.dns_config().and_then(|d| d.namespace_id()).map(str::to_string),
            description: summary.description().map(str::to_string),
            service_type: summary.r#type().map(|t| t.as_str().to_string()),
            dns_config: summary.dns_config().cloned(),
            health_check_config: summary.health_check_config().cloned(),
            health_check_custom_config: summary.health_check_custom_config().cloned(),
        }
    }

    /// The service's namespace: as read, else the prior value's (a service never changes
    /// namespace).
    fn namespace(&self, prior: &Value) -> Option<String> {
        self.namespace_id.clone().or_else(|| non_empty(prior, "namespace_id"))
    }
}

fn dns_config_schema() -> Schema {
    let dns_records = Schema::new().attr(Attribute::required("ttl", Type::Number)).attr(
        Attribute::required("type", Type::String)
            .force_new()
            .check(Check::OneOf(&["SRV", "A", "AAAA", "CNAME"])),
    );
    Schema::new()
        .attr(Attribute::required("namespace_id", Type::String).force_new())
        .attr(
            Attribute::optional("routing_policy", Type::String)
                .default(Value::string("MULTIVALUE"))
                .force_new()
                .check(Check::OneOf(&["MULTIVALUE", "WEIGHTED"])),
        )
        .block(Block::list("dns_records", dns_records).required())
}

fn health_check_config_schema() -> Schema {
    Schema::new()
        .attr(Attribute::optional("failure_threshold", Type::Number))
        .attr(Attribute::optional("resource_path", Type::String))
        .attr(
            Attribute::optional("type", Type::String)
                .force_new()
                .check(Check::OneOf(&["HTTP", "HTTPS", "TCP"])),
        )
}

fn health_check_custom_config_schema() -> Schema {
    Schema::new().attr(Attribute::optional_computed("failure_threshold", Type::Number).force_new())
}

/// The `health_check_config` block as AWS reports it.
fn health_check_config_value(facts: &ServiceFacts) -> Value {
    Value::List(
        facts
            .health_check_config
            .iter()
            .map(|check| {
                Value::map([
                    ("failure_threshold", number(check.failure_threshold().map(i64::from))),
                    ("resource_path", text(check.resource_path())),
                    ("type", text_or_null(Some(check.r#type().as_str()))),
                ])
            })
            .collect(),
    )
}

/// The `health_check_custom_config` block: AWS ignores the deprecated threshold, so the
/// configured one (`prior`) is kept, AWS's answer only where none is configured.
fn health_check_custom_config_value(facts: &ServiceFacts, prior: &Value) -> Value {
    let configured_threshold = single(prior, "health_check_custom_config")
        .map(|block| known(block, "failure_threshold"))
        .unwrap_or(Value::Null);
    Value::List(
        facts
            .health_check_custom_config
            .iter()
            .map(|custom| {
                let threshold = if configured_threshold.is_null() {
                    number(custom.failure_threshold().map(i64::from))
                } else {
                    configured_threshold.clone()
                };
                Value::map([("failure_threshold", threshold)])
            })
            .collect(),
    )
}

/// Deregisters every instance of the service (`force_destroy`), waiting for each.
async fn deregister_instances(client: &Client, service_id: &str) -> Result<(), ProviderError> {
    let mut instances = Vec::new();
    let mut next_token: Option<String> = None;
    loop {
        let answer =
            sent!(client.list_instances().service_id(service_id).set_next_token(next_token.take()));
        let Some(response) = found_or_none(answer)
            .map_err(|error| error.context("listing Service Discovery Instances"))?
        else {
            return Ok(());
        };
        instances.extend(
            response.instances().iter().filter_map(|instance| instance.id()).map(str::to_string),
        );
        match response.next_token() {
            Some(token) if !token.is_empty() => next_token = Some(token.to_string()),
            _ => break,
        }
    }
    for instance in instances {
        let answer =
            sent!(client.deregister_instance().service_id(service_id).instance_id(&instance));
        let Some(response) = found_or_none(answer).map_err(|error| {
            error.context(&format!("deregistering Service Discovery Instance ({instance})"))
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

/// The services of `wanted` (each ID with the prior value it is read for, null where there is
/// none), under their IDs: one ListServices pass for all of them, then each listed one made
/// whole ([`complete_service`]), a few at a time. Nothing is sent when none is wanted.
async fn listed_services(
    client: &Client,
    wanted: Vec<(String, &Value)>,
) -> Result<BTreeMap<String, Tagged<ServiceFacts>>, ProviderError> {
    if wanted.is_empty() {
        return Ok(BTreeMap::new());
    }
    let listed: HashMap<String, ServiceSummary> = list_services(client, None)
        .await?
        .into_iter()
        .filter_map(|summary| Some((summary.id()?.to_string(), summary)))
        .collect();
    let reads: Vec<_> = wanted
        .iter()
        .map(|(id, prior)| complete_service(client, listed.get(id).cloned(), prior))
        .collect();
    let found = read_each(reads).await?;
    Ok(wanted.into_iter().zip(found).filter_map(|((id, _), found)| Some((id, found?))).collect())
}

/// A listed service made whole: its namespace (from the summary's DNS configuration, the
/// prior state, else GetService) and its tags. `None` when it is gone.
async fn complete_service(
    client: &Client,
    listed: Option<ServiceSummary>,
    prior: &Value,
) -> Result<Option<Tagged<ServiceFacts>>, ProviderError> {
    let Some(summary) = listed else {
        return Ok(None);
    };
    let mut facts = ServiceFacts::from_summary(&summary);
    if facts.namespace_id.is_none() {
        facts.namespace_id = non_empty(prior, "namespace_id");
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
    let tags = resource_tags(client, &arn).await?;
    Ok(tags.map(|tags| Tagged { object: facts, tags }))
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

impl AwsObject for DiscoveryService {
    type Object = ServiceFacts;
    const NAME: &'static str = "aws_service_discovery_service";
    const KIND: &'static str = "Service Discovery Service";
    const KEY: &'static str = "id";

    fn attributes() -> Vec<Declared<ServiceFacts>> {
        vec![
            read(Attribute::computed("id", Type::String), |facts: &ServiceFacts, _: &Reading| {
                Value::string(&facts.id)
            }),
            declared::string(Attribute::computed("arn", Type::String), |facts| {
                facts.arn.as_deref()
            }),
            declared::string(Attribute::required("name", Type::String).force_new(), |facts| {
                facts.name.as_deref()
            }),
            read(
                Attribute::optional_computed("namespace_id", Type::String).force_new(),
                |facts: &ServiceFacts, at: &Reading| text(facts.namespace(at.prior).as_deref()),
            ),
            read(
                Attribute::optional("description", Type::String),
                |facts: &ServiceFacts, _: &Reading| text_or_null(facts.description.as_deref()),
            ),
            read(
                Attribute::optional_computed("type", Type::String)
                    .force_new()
                    .check(Check::OneOf(&["HTTP"])),
                |facts: &ServiceFacts, at: &Reading| match &facts.service_type {
                    Some(kind) => Value::string(kind),
                    None => known(at.prior, "type"),
                },
            ),
            read(
                Attribute::optional("force_destroy", Type::Bool).default(Value::Bool(false)),
                |_: &ServiceFacts, at: &Reading| {
                    Value::Bool(boolean(at.prior, "force_destroy").unwrap_or(false))
                },
            ),
            read_block(
                Block::single("dns_config", dns_config_schema()),
                |facts: &ServiceFacts, at: &Reading| {
                    let namespace_id = facts.namespace(at.prior);
                    dns_config_value(facts.dns_config.as_ref(), namespace_id.as_deref(), at.prior)
                },
            ),
            read_block(
                Block::single("health_check_config", health_check_config_schema()),
                |facts: &ServiceFacts, _: &Reading| health_check_config_value(facts),
            ),
            read_block(
                Block::single("health_check_custom_config", health_check_custom_config_schema())
                    .force_new(),
                |facts: &ServiceFacts, at: &Reading| {
                    health_check_custom_config_value(facts, at.prior)
                },
            ),
        ]
    }

    /// The services of `ids` ([`listed_services`]), read without a prior value.
    async fn describe(this: &ObjectType<Self>, ids: &[String]) -> DescribeResult<ServiceFacts> {
        let client = &this.aws.clients().await.servicediscovery;
        let wanted = ids.iter().map(|id| (id.clone(), &Value::Null)).collect();
        listed_services(client, wanted).await
    }

    /// The priors' services ([`listed_services`]), each read with its prior value: a summary
    /// has no top-level namespace, which the prior holds.
    async fn describe_priors(
        this: &ObjectType<Self>,
        priors: &[Value],
    ) -> DescribeResult<ServiceFacts> {
        let client = &this.aws.clients().await.servicediscovery;
        let wanted =
            priors.iter().filter_map(|prior| Some((Self::key_of(prior)?, prior))).collect();
        listed_services(client, wanted).await
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.servicediscovery;
        let name = string(at.planned, "name").ok_or_else(|| {
            ProviderError::new("aws_service_discovery_service needs a known \"name\"")
        })?;
        let response = client
            .create_service()
            .name(&name)
            .creator_request_id(client_token(at.operation, at.planned))
            .set_namespace_id(non_empty(at.planned, "namespace_id"))
            .set_description(non_empty(at.planned, "description"))
            .set_dns_config(dns_config(at.planned)?)
            .set_health_check_config(health_check_config(at.planned)?)
            .set_health_check_custom_config(health_check_custom_config(at.planned))
            .set_type(non_empty(at.planned, "type").map(|t| ServiceTypeOption::from(t.as_str())))
            .set_tags(Some(sdk_tags(&at.operation.tags_with_managed(at.planned))?))
            .send()
            .await
            .map_err(|error| {
                aws_error(error).context(&format!("creating Service Discovery Service ({name})"))
            })?;
        response.service().and_then(|service| service.id()).map(str::to_string).ok_or_else(|| {
            ProviderError::new(format!(
                "creating Service Discovery Service ({name}): the answer has no service ID"
            ))
        })
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let id = at.key;
        let client = &at.this.aws.clients().await.servicediscovery;
        let in_place = ["description", "dns_config", "health_check_config"];
        if in_place.iter().any(|key| changed(at.prior, at.planned, key)) {
            // The whole configuration goes: AWS deletes the DNS records or health check that
            // an update leaves out. An emptied description is sent as "", as the provider does.
            let change = ServiceChange::builder()
                .description(string(at.planned, "description").unwrap_or_default())
                .set_dns_config(dns_config_change(at.planned)?)
                .set_health_check_config(health_check_config(at.planned)?)
                .build();
            let response =
                client.update_service().id(id).service(change).send().await.map_err(|error| {
                    aws_error(error).context(&format!("updating Service Discovery Service ({id})"))
                })?;
            wait_answer(
                client,
                response.operation_id(),
                &format!("Service Discovery Service ({id}) update"),
            )
            .await?;
        }
        update_tags(client, at.prior, at.planned).await?;
        Ok(id.to_string())
    }

    /// The service just written: GetService and its tags.
    async fn written(
        this: &AwsServiceDiscoveryService,
        id: &str,
    ) -> Result<Tagged<ServiceFacts>, ProviderError> {
        let client = &this.aws.clients().await.servicediscovery;
        let facts = get_service(client, id).await?.ok_or_else(|| vanished(Self::KIND, id))?;
        let arn = facts.arn.clone().unwrap_or_default();
        let tags = resource_tags(client, &arn).await?.ok_or_else(|| vanished(Self::KIND, id))?;
        Ok(Tagged { object: facts, tags })
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let id = at.key;
        let client = &at.this.aws.clients().await.servicediscovery;
        if boolean(at.prior, "force_destroy") == Some(true) {
            deregister_instances(client, id).await?;
        }
        deleted_or_gone(sent!(client.delete_service().id(id)), is_not_found)
            .map_err(|error| error.context(&format!("deleting Service Discovery Service ({id})")))
    }

    /// The service with this name in its namespace that carries this operation's managed tags.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<ServiceFacts> {
        let Some(name) = string(at.planned, "name") else {
            return Ok(None);
        };
        let namespace = namespace_of(at.planned);
        let client = &at.this.aws.clients().await.servicediscovery;
        for summary in list_services(client, namespace.as_deref()).await? {
            let Some(id) = summary.id().filter(|_| summary.name() == Some(name.as_str())) else {
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
            if has_managed_tags(&tags, at.operation) {
                return Ok(Some(Tagged { object: facts, tags }));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws_object::value_of;

    #[test]
    fn the_configured_custom_health_threshold_is_kept() {
        let facts = ServiceFacts {
            id: "srv-1".to_string(),
            health_check_custom_config: Some(
                HealthCheckCustomConfig::builder().failure_threshold(1).build(),
            ),
            ..ServiceFacts::default()
        };
        let configured = Value::map([(
            "health_check_custom_config",
            Value::List(vec![Value::map([("failure_threshold", Value::Number(5.0))])]),
        )]);
        let facts = Tagged::untagged(facts);
        let value = value_of::<DiscoveryService>(&facts, &configured);
        let threshold = single(&value, "health_check_custom_config")
            .map(|block| block.get("failure_threshold").clone());
        assert_eq!(threshold, Some(Value::Number(5.0)));
        let imported = value_of::<DiscoveryService>(&facts, &Value::Null);
        let threshold = single(&imported, "health_check_custom_config")
            .map(|block| block.get("failure_threshold").clone());
        assert_eq!(threshold, Some(Value::Number(1.0)));
    }
}
