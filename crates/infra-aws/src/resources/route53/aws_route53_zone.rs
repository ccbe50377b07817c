//! `aws_route53_zone`: a Route 53 hosted zone, public, or private when it has `vpc` blocks.
//!
//! The zone's `name` is compared without its trailing dot and in lower case, as the provider
//! does. The create's caller reference starts with a marker of the state lineage and the
//! address (then a unique suffix, as AWS wants a new one per create), so a create whose answer
//! was lost, or that stopped before the zone was tagged, is found again by it (`find_created`).
//!
//! Refresh is GetHostedZone per zone (it alone carries the delegation set and the VPCs), one
//! ListTagsForResources per 10 zones, and one ListResourceRecordSets per zone for the SOA and
//! NS records (`primary_name_server`, and the name servers of a private zone).
//!
//! `force_destroy` is configuration only: with it, delete first removes every record except the
//! zone's own SOA and NS. Changing a zone between public and private is not seen as a
//! replacement here (the provider replaces it); add or remove `vpc` blocks of a private zone
//! only. moto does not return `features` (accelerated recovery), so drift on
//! `enable_accelerated_recovery` is not seen in tests. `delegation_set_id` is read back (and
//! so imported): only a reusable delegation set has an ID in GetHostedZone's answer.

use std::collections::BTreeMap;

use aws_sdk_route53::types::{
    Change, ChangeAction, ChangeBatch, HostedZoneConfig, RrType, TagResourceType, Vpc, VpcRegion,
};
use infra_core::{Attribute, Block, Check, Operation, ProviderError, Schema, Type, Value};

use crate::app_support::{
    blocks, boolean, has_managed_tags, non_empty, sent, string, string_list, tag_changes, text,
};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged, Updating,
};
use crate::clients::partition_of;
use crate::declared::{read, read_block, switch, Declared, Reading};
use crate::error::{aws_error, built};
use crate::route53_support::{
    apex_name_servers, caller_reference, clean_zone_id, creation_marker, is_no_such_zone,
    normalize_dns_name, normalize_name_attribute, record_sets, route53_tags, wait_insync,
    zone_tags,
};
use crate::tagging::ManagedTags;

pub type AwsRoute53Zone = ObjectType<ZoneObject>;

pub struct ZoneObject;

/// What one GetHostedZone plus the apex records say about a zone.
pub struct ZoneFacts {
    id: String,
    name: String,
    comment: Option<String>,
    private: bool,
    delegation_set_id: Option<String>,
    name_servers: Vec<String>,
    primary_name_server: Option<String>,
    vpcs: Vec<(String, Option<String>)>,
    accelerated_recovery: bool,
}

/// One zone, or `None` when it is gone.
async fn facts(
    client: &aws_sdk_route53::Client,
    zone_id: &str,
) -> Result<Option<ZoneFacts>, ProviderError> {
    let response = match client.get_hosted_zone().id(zone_id).send().await {
        Ok(response) => response,
        Err(error) => {
            let error = aws_error(error);
            if is_no_such_zone(&error) {
                return Ok(None);
            }
            return Err(error);
        }
    };
    let Some(zone) = response.hosted_zone() else {
        return Ok(None);
    };
    let name = normalize_dns_name(zone.name());
    let private = zone.config().is_some_and(|c| c.private_zone());
    // The apex SOA (primary name server) and NS (a private zone's name servers).
    let (name_servers, primary) = apex_name_servers(client, &response, zone_id, &name).await?;
    Ok(Some(ZoneFacts {
        id: clean_zone_id(zone.id()),
        name,
        comment: zone.config().and_then(|c| c.comment()).map(str::to_string),
        private,
        delegation_set_id: response
            .delegation_set()
            .and_then(|d| d.id())
            .map(|id| id.trim_start_matches("/delegationset/").to_string()),
        name_servers,
        primary_name_server: primary,
        vpcs: response
            .vpcs()
            .iter()
            .filter_map(|v| {
                Some((v.vpc_id()?.to_string(), v.vpc_region().map(|r| r.as_str().to_string())))
            })
            .collect(),
        accelerated_recovery: zone
            .features()
            .and_then(|f| f.accelerated_recovery_status())
            .is_some_and(|s| s.as_str().starts_with("ENABL")),
    }))
}

fn sdk_vpc(block: &Value, region: &str) -> Vpc {
    Vpc::builder()
        .set_vpc_id(string(block, "vpc_id"))
        .vpc_region(VpcRegion::from(
            non_empty(block, "vpc_region").unwrap_or_else(|| region.to_string()).as_str(),
        ))
        .build()
}

/// Deletes every record but the apex SOA and NS (`force_destroy`).
async fn empty_zone(
    client: &aws_sdk_route53::Client,
    zone_id: &str,
    zone_name: &str,
) -> Result<(), ProviderError> {
    let records = record_sets(client, zone_id).await?;
    let changes = records
        .into_iter()
        .filter(|r| {
            !(normalize_dns_name(r.name()) == zone_name
                && matches!(r.r#type(), RrType::Soa | RrType::Ns))
        })
        .map(|mut r| {
            // Route 53 takes the name either way; moto matches it as it was written.
            r.name = r.name.trim_end_matches('.').to_string();
            built(Change::builder().action(ChangeAction::Delete).resource_record_set(r).build())
        })
        .collect::<Result<Vec<_>, _>>()?;
    for chunk in changes.chunks(100) {
        sent!(client.change_resource_record_sets().hosted_zone_id(zone_id).change_batch(built(
            ChangeBatch::builder().set_changes(Some(chunk.to_vec())).build()
        )?,))?;
    }
    Ok(())
}

/// Tags a zone just created with the configured and managed tags (CreateHostedZone takes
/// none): after the create, and when recovery finds a create that stopped before it.
async fn tag_new_zone(
    client: &aws_sdk_route53::Client,
    zone_id: &str,
    operation: &Operation,
    planned: &Value,
) -> Result<(), ProviderError> {
    sent!(client
        .change_tags_for_resource()
        .resource_type(TagResourceType::Hostedzone)
        .resource_id(zone_id)
        .set_add_tags(Some(route53_tags(&operation.tags_with_managed(planned)))))?;
    Ok(())
}

fn zone_id_of(facts: &ZoneFacts, _: &Reading) -> Value {
    Value::string(&facts.id)
}

impl AwsObject for ZoneObject {
    type Object = ZoneFacts;
    const NAME: &'static str = "aws_route53_zone";
    const KIND: &'static str = "Route 53 hosted zone";
    const KEY: &'static str = "id";

    fn attributes() -> Vec<Declared<ZoneFacts>> {
        vec![
            read(Attribute::computed("id", Type::String), zone_id_of),
            read(Attribute::computed("arn", Type::String), |facts: &ZoneFacts, at: &Reading| {
                Value::string(format!(
                    "arn:{}:route53:::hostedzone/{}",
                    partition_of(at.region),
                    facts.id
                ))
            }),
            read(Attribute::computed("zone_id", Type::String), zone_id_of),
            read(
                Attribute::computed("name_servers", Type::list(Type::String)),
                |facts: &ZoneFacts, _| string_list(&facts.name_servers),
            ),
            read(
                Attribute::computed("primary_name_server", Type::String),
                |facts: &ZoneFacts, _| text(facts.primary_name_server.as_deref()),
            ),
            read(Attribute::required("name", Type::String).force_new(), |facts: &ZoneFacts, _| {
                Value::string(&facts.name)
            }),
            read(
                Attribute::optional("comment", Type::String)
                    .default(Value::string("Managed by Terraform")),
                |facts: &ZoneFacts, _| text(facts.comment.as_deref()),
            ),
            // Only a reusable delegation set has an ID; a zone's own set has none.
            read(
                Attribute::optional("delegation_set_id", Type::String)
                    .force_new()
                    .check(Check::Length(0, 32))
                    .conflicts_with(&["vpc"]),
                |facts: &ZoneFacts, _| match (&facts.delegation_set_id, facts.private) {
                    (Some(id), false) if !id.is_empty() => Value::string(id),
                    _ => Value::Null,
                },
            ),
            read(
                Attribute::optional("enable_accelerated_recovery", Type::Bool)
                    .default(Value::Bool(false)),
                |facts: &ZoneFacts, _| Value::Bool(facts.accelerated_recovery),
            ),
            switch(Attribute::optional("force_destroy", Type::Bool).default(Value::Bool(false))),
            read_block(
                Block::set(
                    "vpc",
                    Schema::new()
                        .attr(Attribute::required("vpc_id", Type::String))
                        .attr(Attribute::optional_computed("vpc_region", Type::String)),
                )
                .conflicts_with(&["delegation_set_id"]),
                |facts: &ZoneFacts, at: &Reading| {
                    let vpcs = facts.vpcs.iter().map(|(id, vpc_region)| {
                        let vpc_region = vpc_region.as_deref().unwrap_or(at.region);
                        Value::map([
                            ("vpc_id", Value::string(id)),
                            ("vpc_region", Value::string(vpc_region)),
                        ])
                    });
                    Value::List(vpcs.collect())
                },
            ),
        ]
    }

    fn schema(schema: Schema) -> Schema {
        schema.timeouts(&["create", "update", "delete"])
    }

    fn normalize(value: &mut Value) {
        normalize_name_attribute(value, "name");
    }

    /// Terraform's import ID: the zone ID.
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        Ok(infra_core::resource::import_by("zone_id", &clean_zone_id(id)))
    }

    /// GetHostedZone and the apex records a zone in turn, then one ListTagsForResources per
    /// 10 zones found.
    async fn describe(this: &ObjectType<Self>, ids: &[String]) -> DescribeResult<ZoneFacts> {
        let client = &this.aws.clients().await.route53;
        let mut found = BTreeMap::new();
        for id in ids {
            if let Some(zone) = facts(client, id).await? {
                found.insert(id.clone(), zone);
            }
        }
        let found_ids: Vec<String> = found.keys().cloned().collect();
        let mut tags = match found_ids.is_empty() {
            true => BTreeMap::new(),
            false => zone_tags(&this.aws, &found_ids).await?,
        };
        Ok(found
            .into_iter()
            .map(|(id, zone)| {
                let tags = tags.remove(&zone.id).unwrap_or_default();
                (id, Tagged { object: zone, tags })
            })
            .collect())
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let clients = at.this.aws.clients().await;
        let client = &clients.route53;
        let name = string(at.planned, "name")
            .ok_or_else(|| ProviderError::new("aws_route53_zone needs a name"))?;
        let vpcs = blocks(at.planned, "vpc");
        let mut request = client
            .create_hosted_zone()
            .name(&name)
            .caller_reference(caller_reference(at.operation, None))
            .hosted_zone_config(
                HostedZoneConfig::builder()
                    .set_comment(string(at.planned, "comment"))
                    .private_zone(!vpcs.is_empty())
                    .build(),
            )
            .set_delegation_set_id(non_empty(at.planned, "delegation_set_id"));
        if let Some(first) = vpcs.first() {
            request = request.vpc(sdk_vpc(first, &clients.region));
        }
        let response = request.send().await.map_err(aws_error)?;
        let zone_id = response
            .hosted_zone()
            .map(|z| clean_zone_id(z.id()))
            .ok_or_else(|| ProviderError::new("CreateHostedZone returned no zone"))?;
        wait_insync(
            &at.this.aws,
            response.change_info().map(|c| c.id()),
            at.operation.timeouts.create,
        )
        .await?;
        for vpc in vpcs.iter().skip(1) {
            sent!(client
                .associate_vpc_with_hosted_zone()
                .hosted_zone_id(&zone_id)
                .vpc(sdk_vpc(vpc, &clients.region)))?;
        }
        tag_new_zone(client, &zone_id, at.operation, at.planned).await?;
        if boolean(at.planned, "enable_accelerated_recovery") == Some(true) {
            sent!(client
                .update_hosted_zone_features()
                .hosted_zone_id(&zone_id)
                .enable_accelerated_recovery(true))?;
        }
        Ok(zone_id)
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let clients = at.this.aws.clients().await;
        let client = &clients.route53;
        if string(at.prior, "comment") != string(at.planned, "comment") {
            sent!(client
                .update_hosted_zone_comment()
                .id(at.key)
                .comment(string(at.planned, "comment").unwrap_or_default()))?;
        }
        let vpc_key = |b: &Value| {
            (
                string(b, "vpc_id").unwrap_or_default(),
                non_empty(b, "vpc_region").unwrap_or_else(|| clients.region.clone()),
            )
        };
        let before: Vec<(String, String)> = blocks(at.prior, "vpc").iter().map(vpc_key).collect();
        let after: Vec<&Value> = blocks(at.planned, "vpc").iter().collect();
        // Associate first: a private zone must keep one VPC at all times.
        for block in &after {
            if !before.contains(&vpc_key(block)) {
                sent!(client
                    .associate_vpc_with_hosted_zone()
                    .hosted_zone_id(at.key)
                    .vpc(sdk_vpc(block, &clients.region)))?;
            }
        }
        let after_keys: Vec<(String, String)> = after.iter().map(|b| vpc_key(b)).collect();
        for block in blocks(at.prior, "vpc") {
            if !after_keys.contains(&vpc_key(block)) {
                sent!(client
                    .disassociate_vpc_from_hosted_zone()
                    .hosted_zone_id(at.key)
                    .vpc(sdk_vpc(block, &clients.region)))?;
            }
        }
        if boolean(at.prior, "enable_accelerated_recovery")
            != boolean(at.planned, "enable_accelerated_recovery")
        {
            sent!(client
                .update_hosted_zone_features()
                .hosted_zone_id(at.key)
                .enable_accelerated_recovery(
                    boolean(at.planned, "enable_accelerated_recovery").unwrap_or(false),
                ))?;
        }
        let (to_set, to_remove) = tag_changes(at.prior, at.planned);
        if !to_set.is_empty() || !to_remove.is_empty() {
            sent!(client
                .change_tags_for_resource()
                .resource_type(TagResourceType::Hostedzone)
                .resource_id(at.key)
                .set_add_tags((!to_set.is_empty()).then(|| route53_tags(&to_set)))
                .set_remove_tag_keys((!to_remove.is_empty()).then_some(to_remove)))?;
        }
        Ok(at.key.to_string())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let client = &at.this.aws.clients().await.route53;
        if boolean(at.prior, "force_destroy") == Some(true) {
            let name = string(at.prior, "name").map(|n| normalize_dns_name(&n));
            match empty_zone(client, at.key, &name.unwrap_or_default()).await {
                Ok(()) => {}
                Err(error) if is_no_such_zone(&error) => return Ok(()),
                Err(error) => return Err(error),
            }
        }
        match client.delete_hosted_zone().id(at.key).send().await {
            Ok(response) => {
                wait_insync(
                    &at.this.aws,
                    response.change_info().map(|c| c.id()),
                    at.operation.timeouts.delete,
                )
                .await
            }
            Err(error) => {
                let error = aws_error(error);
                if is_no_such_zone(&error) {
                    Ok(())
                } else {
                    Err(error)
                }
            }
        }
    }

    async fn find_created(at: Creating<'_, Self>) -> FindResult<ZoneFacts> {
        let client = &at.this.aws.clients().await.route53;
        let Some(name) = string(at.planned, "name") else {
            return Ok(None);
        };
        let name = normalize_dns_name(&name);
        let marker = creation_marker(at.operation);
        let response = sent!(client.list_hosted_zones_by_name().dns_name(format!("{name}.")))?;
        for zone in response.hosted_zones() {
            if normalize_dns_name(zone.name()) != name {
                continue;
            }
            let zone_id = clean_zone_id(zone.id());
            let tags = zone_tags(&at.this.aws, std::slice::from_ref(&zone_id)).await?;
            let zone_tags = tags.get(&zone_id).cloned().unwrap_or_default();
            let tagged = has_managed_tags(&zone_tags, at.operation);
            if tagged || zone.caller_reference().starts_with(&marker) {
                if !tagged {
                    // The create stopped between CreateHostedZone and tagging: finish it.
                    tag_new_zone(client, &zone_id, at.operation, at.planned).await?;
                }
                return Self::written(at.this, &zone_id).await.map(Some);
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reusable delegation set is for public zones: the provider's conflict, both sides.
    #[test]
    fn a_delegation_set_conflicts_with_a_vpc() {
        let messages = |config: Value| crate::problem_messages("aws_route53_zone", &config);
        let vpc = Value::map([("vpc_id", Value::string("vpc-1"))]);
        let config = Value::map([
            ("name", Value::string("example.com")),
            ("delegation_set_id", Value::string("N1")),
            ("vpc", Value::List(vec![vpc])),
        ]);
        assert_eq!(
            messages(config),
            [
                "\"delegation_set_id\": conflicts with vpc",
                "\"vpc\": conflicts with delegation_set_id",
            ]
        );
    }
}
