//! Data source `aws_route53_zone`: one hosted zone, by `zone_id`, or by `name` (with
//! `private_zone`, and optionally `vpc_id` and `tags` to choose among zones of that name).
//! No zone, or more than one, is the provider's error.

use std::sync::Arc;

use infra_core::{Attribute, DataSourceType, ProviderError, Schema, Type, Value};

use crate::app_support::{boolean, non_empty, string_list, text};
use crate::clients::partition_of;
use crate::error::aws_error;
use crate::route53_support::{clean_zone_id, normalize_dns_name, zone_tags};
use crate::Aws;

pub struct AwsRoute53ZoneData {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsRoute53ZoneData {
    pub fn new(aws: Arc<Aws>) -> AwsRoute53ZoneData {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::optional_computed("zone_id", Type::String))
            .attr(Attribute::optional_computed("name", Type::String))
            .attr(Attribute::optional("private_zone", Type::Bool).default(Value::Bool(false)))
            .attr(Attribute::optional_computed("vpc_id", Type::String))
            .attr(Attribute::optional_computed("tags", Type::map(Type::String)))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("caller_reference", Type::String))
            .attr(Attribute::computed("comment", Type::String))
            .attr(Attribute::computed("enable_accelerated_recovery", Type::Bool))
            .attr(Attribute::computed("linked_service_description", Type::String))
            .attr(Attribute::computed("linked_service_principal", Type::String))
            .attr(Attribute::computed("name_servers", Type::list(Type::String)))
            .attr(Attribute::computed("primary_name_server", Type::String))
            .attr(Attribute::computed("resource_record_set_count", Type::Number));
        AwsRoute53ZoneData { aws, schema }
    }
}

#[async_trait::async_trait]
impl DataSourceType for AwsRoute53ZoneData {
    fn name(&self) -> &'static str {
        "aws_route53_zone"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> Result<Value, ProviderError> {
        let clients = self.aws.clients().await;
        let client = &clients.route53;
        let wanted_id = non_empty(config, "zone_id").map(|z| clean_zone_id(&z));
        let wanted_name = non_empty(config, "name").map(|n| normalize_dns_name(&n));
        if wanted_id.is_some() == wanted_name.is_some() {
            return Err(ProviderError::new(
                "exactly one of `name,zone_id` must be specified",
            ));
        }
        let private = boolean(config, "private_zone").unwrap_or(false);
        let vpc_id = non_empty(config, "vpc_id");
        let wanted_tags: Vec<(String, String)> = config
            .get("tags")
            .as_map()
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        // Candidate zone IDs.
        let candidates: Vec<String> = match (&wanted_id, &wanted_name) {
            (Some(id), _) => vec![id.clone()],
            (None, Some(name)) => {
                let mut ids = Vec::new();
                let mut pages = client.list_hosted_zones().into_paginator().send();
                while let Some(page) = pages.next().await {
                    for zone in page.map_err(aws_error)?.hosted_zones() {
                        let zone_private = zone.config().is_some_and(|c| c.private_zone());
                        if normalize_dns_name(zone.name()) == *name && zone_private == private {
                            ids.push(clean_zone_id(zone.id()));
                        }
                    }
                }
                ids
            }
            _ => vec![],
        };
        let tags = if candidates.is_empty() {
            Default::default()
        } else {
            zone_tags(&self.aws, &candidates).await?
        };
        let mut matched = Vec::new();
        for id in candidates {
            let response = client
                .get_hosted_zone()
                .id(&id)
                .send()
                .await
                .map_err(aws_error)?;
            if let Some(vpc) = &vpc_id {
                if !response.vpcs().iter().any(|v| v.vpc_id() == Some(vpc.as_str())) {
                    continue;
                }
            }
            let zone_tags = tags.get(&id).cloned().unwrap_or_default();
            if !wanted_tags.iter().all(|t| zone_tags.contains(t)) {
                continue;
            }
            matched.push((id, response, zone_tags));
        }
        let (id, response, zone_tags) = match matched.len() {
            1 => matched.remove(0),
            0 => return Err(ProviderError::new("no matching Route 53 Hosted Zone found")),
            _ => {
                return Err(ProviderError::new(
                    "multiple Route 53 Hosted Zones matched; use additional constraints to reduce matches to a single Route 53 Hosted Zone",
                ))
            }
        };
        let zone = response
            .hosted_zone()
            .ok_or_else(|| ProviderError::new("GetHostedZone returned no zone"))?;
        let name = normalize_dns_name(zone.name());
        let mut name_servers: Vec<String> = response
            .delegation_set()
            .map(|d| d.name_servers().iter().map(|n| normalize_dns_name(n)).collect())
            .unwrap_or_default();
        let apex = client
            .list_resource_record_sets()
            .hosted_zone_id(&id)
            .start_record_name(format!("{name}."))
            .max_items(10)
            .send()
            .await
            .map_err(aws_error)?;
        let mut primary = None;
        for record in apex.resource_record_sets() {
            if normalize_dns_name(record.name()) != name {
                continue;
            }
            let values: Vec<&str> = record.resource_records().iter().map(|r| r.value()).collect();
            match record.r#type().as_str() {
                "SOA" => {
                    primary = values
                        .first()
                        .and_then(|soa| soa.split_whitespace().next())
                        .map(normalize_dns_name)
                }
                "NS" if name_servers.is_empty() => {
                    name_servers = values.iter().map(|n| normalize_dns_name(n)).collect()
                }
                _ => {}
            }
        }
        name_servers.sort();
        let mut value = config.clone();
        if let Some(entries) = value.map_mut() {
            entries.insert("id".into(), Value::string(&id));
            entries.insert("zone_id".into(), Value::string(&id));
            entries.insert("name".into(), Value::string(&name));
            entries.insert(
                "private_zone".into(),
                Value::Bool(zone.config().is_some_and(|c| c.private_zone())),
            );
            entries.insert(
                "vpc_id".into(),
                match &vpc_id {
                    Some(vpc) => Value::string(vpc),
                    None => text(response.vpcs().first().and_then(|v| v.vpc_id())),
                },
            );
            entries.insert(
                "tags".into(),
                infra_core::resource::visible_tags(
                    zone_tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                ),
            );
            entries.insert(
                "arn".into(),
                Value::string(format!(
                    "arn:{}:route53:::hostedzone/{id}",
                    partition_of(&clients.region)
                )),
            );
            entries.insert("caller_reference".into(), Value::string(zone.caller_reference()));
            entries.insert(
                "comment".into(),
                text(zone.config().and_then(|c| c.comment())),
            );
            entries.insert(
                "enable_accelerated_recovery".into(),
                Value::Bool(
                    zone.features()
                        .and_then(|f| f.accelerated_recovery_status())
                        .is_some_and(|s| s.as_str().starts_with("ENABL")),
                ),
            );
            entries.insert(
                "linked_service_description".into(),
                text(zone.linked_service().and_then(|l| l.description())),
            );
            entries.insert(
                "linked_service_principal".into(),
                text(zone.linked_service().and_then(|l| l.service_principal())),
            );
            entries.insert("name_servers".into(), string_list(&name_servers));
            entries.insert("primary_name_server".into(), text(primary.as_deref()));
            entries.insert(
                "resource_record_set_count".into(),
                zone.resource_record_set_count()
                    .map(|n| Value::Number(n as f64))
                    .unwrap_or(Value::Null),
            );
        }
        Ok(value)
    }
}
