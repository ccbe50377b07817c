//! Data source `aws_route53_zone`: one hosted zone, by `zone_id`, or by `name` (with
//! `private_zone`, and optionally `vpc_id` and `tags` to choose among zones of that name).
//! No zone, or more than one, is the provider's error.

use aws_sdk_route53::operation::get_hosted_zone::GetHostedZoneOutput;
use aws_sdk_route53::types::HostedZone;
use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::app_support::{boolean, non_empty, number, sent, string_list, string_map, text};
use crate::clients::partition_of;
use crate::error::aws_error;
use crate::lookup::{with_found, Lookup, LookupType};
use crate::route53_support::{apex_name_servers, clean_zone_id, normalize_dns_name, zone_tags};

pub type AwsRoute53ZoneData = LookupType<Route53ZoneLookup>;

pub struct Route53ZoneLookup;

impl Lookup for Route53ZoneLookup {
    const NAME: &'static str = "aws_route53_zone";

    fn schema() -> Schema {
        Schema::new()
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
            .attr(Attribute::computed("resource_record_set_count", Type::Number))
    }

    async fn read(this: &LookupType<Self>, config: &Value) -> Result<Value, ProviderError> {
        let clients = this.aws.clients().await;
        let client = &clients.route53;
        let wanted_id = non_empty(config, "zone_id").map(|z| clean_zone_id(&z));
        let wanted_name = non_empty(config, "name").map(|n| normalize_dns_name(&n));
        if wanted_id.is_some() == wanted_name.is_some() {
            return Err(ProviderError::new("exactly one of `name,zone_id` must be specified"));
        }
        let private = boolean(config, "private_zone").unwrap_or(false);
        let vpc_id = non_empty(config, "vpc_id");
        // Only whether each wanted tag is there counts, so the map's order does not.
        let wanted_tags: Vec<(String, String)> =
            string_map(config, "tags").unwrap_or_default().into_iter().collect();
        let candidates = candidate_ids(client, &wanted_id, &wanted_name, private).await?;
        let found = this.matching_zone(client, candidates, vpc_id.as_deref(), &wanted_tags).await?;
        let zone = found
            .response
            .hosted_zone()
            .ok_or_else(|| ProviderError::new("GetHostedZone returned no zone"))?;
        let name = normalize_dns_name(zone.name());
        let (name_servers, primary) =
            apex_name_servers(client, &found.response, &found.id, &name).await?;
        let groups = [
            identity_entries(&found, zone, &name, vpc_id.as_deref(), &clients.region),
            detail_entries(zone, &name_servers, primary.as_deref()),
        ];
        Ok(with_found(config, groups.into_iter().flatten()))
    }
}

/// The one zone the configuration chose, with its tags.
struct Found {
    id: String,
    response: GetHostedZoneOutput,
    tags: Vec<(String, String)>,
}

impl AwsRoute53ZoneData {
    /// GetHostedZone for each candidate, keeping those in the wanted VPC with the wanted
    /// tags: exactly one must be left.
    async fn matching_zone(
        &self,
        client: &aws_sdk_route53::Client,
        candidates: Vec<String>,
        vpc_id: Option<&str>,
        wanted_tags: &[(String, String)],
    ) -> Result<Found, ProviderError> {
        let tags = if candidates.is_empty() {
            Default::default()
        } else {
            zone_tags(&self.aws, &candidates).await?
        };
        let mut matched = Vec::new();
        for id in candidates {
            let response = sent!(client.get_hosted_zone().id(&id))?;
            if let Some(vpc) = vpc_id {
                if !response.vpcs().iter().any(|v| v.vpc_id() == Some(vpc)) {
                    continue;
                }
            }
            let zone_tags = tags.get(&id).cloned().unwrap_or_default();
            if !wanted_tags.iter().all(|t| zone_tags.contains(t)) {
                continue;
            }
            matched.push(Found { id, response, tags: zone_tags });
        }
        match matched.len() {
            1 => Ok(matched.remove(0)),
            0 => Err(ProviderError::new("no matching Route 53 Hosted Zone found")),
            _ => Err(ProviderError::new(
                "multiple Route 53 Hosted Zones matched; use additional constraints to reduce matches to a single Route 53 Hosted Zone",
            )),
        }
    }
}

/// Candidate zone IDs: the one wanted, or those ListHostedZones lists by that name and
/// privacy.
async fn candidate_ids(
    client: &aws_sdk_route53::Client,
    wanted_id: &Option<String>,
    wanted_name: &Option<String>,
    private: bool,
) -> Result<Vec<String>, ProviderError> {
    Ok(match (wanted_id, wanted_name) {
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
    })
}

/// The zone's ID, name, privacy, VPC, tags and ARN.
fn identity_entries(
    found: &Found,
    zone: &HostedZone,
    name: &str,
    vpc_id: Option<&str>,
    region: &str,
) -> Vec<(&'static str, Value)> {
    let id = &found.id;
    vec![
        ("id", Value::string(id)),
        ("zone_id", Value::string(id)),
        ("name", Value::string(name)),
        ("private_zone", Value::Bool(zone.config().is_some_and(|c| c.private_zone()))),
        (
            "vpc_id",
            match vpc_id {
                Some(vpc) => Value::string(vpc),
                None => text(found.response.vpcs().first().and_then(|v| v.vpc_id())),
            },
        ),
        (
            "tags",
            infra_core::resource::visible_tags(
                found.tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            ),
        ),
        ("arn", Value::string(format!("arn:{}:route53:::hostedzone/{id}", partition_of(region)))),
    ]
}

/// What the zone reports about itself: caller reference, comment, features, linked
/// service, name servers and record count.
fn detail_entries(
    zone: &HostedZone,
    name_servers: &[String],
    primary: Option<&str>,
) -> Vec<(&'static str, Value)> {
    vec![
        ("caller_reference", Value::string(zone.caller_reference())),
        ("comment", text(zone.config().and_then(|c| c.comment()))),
        (
            "enable_accelerated_recovery",
            Value::Bool(
                zone.features()
                    .and_then(|f| f.accelerated_recovery_status())
                    .is_some_and(|s| s.as_str().starts_with("ENABL")),
            ),
        ),
        ("linked_service_description", text(zone.linked_service().and_then(|l| l.description()))),
        (
            "linked_service_principal",
            text(zone.linked_service().and_then(|l| l.service_principal())),
        ),
        ("name_servers", string_list(name_servers)),
        ("primary_name_server", text(primary)),
        ("resource_record_set_count", number(zone.resource_record_set_count())),
    ]
}
