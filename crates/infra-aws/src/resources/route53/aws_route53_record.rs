//! `aws_route53_record`: one resource record set of a hosted zone, plain (`ttl` + `records`)
//! or an alias, with an optional routing policy (weighted, failover, latency, geolocation,
//! CIDR) and its `set_identifier`.
//!
//! The ID is the provider's `ZONEID_NAME_TYPE[_SETIDENTIFIER]`, the name being the full name
//! without its trailing dot. Names are compared lower case and without the trailing dot; a
//! relative `name` (`www`) is expanded with the zone's name, as the provider does. Once the
//! record exists, state holds the full name (`www.example.com`; the provider keeps `www`), so
//! an import by ID and a relative name in the configuration agree. TXT and SPF values are sent quoted (split into 255-character strings) and
//! read back unquoted.
//!
//! Create uses CREATE, so an existing record is AWS's `InvalidChangeBatch` error ("already
//! exists"), unless `allow_overwrite` (then UPSERT). moto only refuses a CREATE that repeats
//! an earlier identical change, so create checks for the record first and reports the same
//! error. Update is UPSERT, or DELETE of the old set plus CREATE of the new one in one batch
//! when `type` or `set_identifier` change. Every change waits for INSYNC.
//!
//! Refresh lists each hosted zone's records once (ListResourceRecordSets, paginated), however
//! many records of that zone the state holds. `allow_overwrite` is configuration only.
//! `geoproximity_routing_policy` is not supported yet ([`Schema::not_supported`]: `[]` in every
//! object, an error when configured). Only weighted routing and alias records are exercised
//! against moto; drift on `cidr_routing_policy` (moto has no CIDR collections) and
//! `health_check_id` is not seen in tests.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_route53::types::{
    AliasTarget, Change, ChangeAction, ChangeBatch, CidrRoutingConfig, GeoLocation, ResourceRecord,
    ResourceRecordSet, ResourceRecordSetFailover, ResourceRecordSetRegion, RrType,
};
use infra_core::{
    Attribute, Block, Check, Nesting, Operation, ProviderError, ResourceType, Schema, Type, Value,
};

use crate::app_support::{
    boolean, copy_attributes, non_empty, number, sent, single, string, strings, text,
};
use crate::error::{aws_error, built};
use crate::route53_support::{
    clean_zone_id, is_no_such_zone, normalize_dns_name, normalize_name_attribute, record_sets,
    wait_insync,
};
use crate::Aws;

const RECORD_TYPES: &[&str] = &[
    "A", "AAAA", "CAA", "CNAME", "DS", "HTTPS", "MX", "NAPTR", "NS", "PTR", "SOA", "SPF", "SRV",
    "SSHFP", "SVCB", "TLSA", "TXT",
];

pub struct AwsRoute53Record {
    aws: Arc<Aws>,
    schema: Schema,
}

/// The identity of a record set within its zone: full name, type, set identifier.
type RecordKey = (String, String, Option<String>);

impl AwsRoute53Record {
    pub fn new(aws: Arc<Aws>) -> AwsRoute53Record {
        let schema = Schema::new()
            .timeouts(&["create", "update", "delete"])
            .version(2)
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("fqdn", Type::String))
            .attr(Attribute::required("zone_id", Type::String).force_new())
            .attr(Attribute::required("name", Type::String).force_new())
            .attr(Attribute::required("type", Type::String).check(Check::OneOf(RECORD_TYPES)))
            .attr(Attribute::optional("ttl", Type::Number))
            .attr(Attribute::optional("records", Type::set(Type::String)))
            .attr(Attribute::optional("set_identifier", Type::String))
            .attr(Attribute::optional("health_check_id", Type::String))
            .attr(Attribute::optional(
                "multivalue_answer_routing_policy",
                Type::Bool,
            ))
            .attr(Attribute::optional("allow_overwrite", Type::Bool).default(Value::Bool(false)))
            .block(Block::single(
                "alias",
                Schema::new()
                    .attr(Attribute::required("name", Type::String))
                    .attr(Attribute::required("zone_id", Type::String))
                    .attr(Attribute::required("evaluate_target_health", Type::Bool)),
            ))
            .block(Block::single(
                "failover_routing_policy",
                Schema::new().attr(
                    Attribute::required("type", Type::String)
                        .check(Check::OneOf(&["PRIMARY", "SECONDARY"])),
                ),
            ))
            .block(Block::single(
                "geolocation_routing_policy",
                Schema::new()
                    .attr(Attribute::optional("continent", Type::String))
                    .attr(Attribute::optional("country", Type::String))
                    .attr(Attribute::optional("subdivision", Type::String)),
            ))
            .block(Block::single(
                "latency_routing_policy",
                Schema::new().attr(Attribute::required("region", Type::String)),
            ))
            .block(Block::single(
                "weighted_routing_policy",
                Schema::new().attr(Attribute::required("weight", Type::Number)),
            ))
            .block(Block::single(
                "cidr_routing_policy",
                Schema::new()
                    .attr(Attribute::required("collection_id", Type::String))
                    .attr(Attribute::required("location_name", Type::String)),
            ))
            .not_supported(
                "geoproximity_routing_policy",
                Nesting::List,
                "route by geolocation, latency or weight instead",
            );
        AwsRoute53Record { aws, schema }
    }

    /// The zone's name (lower case, no trailing dot), or `None` when the zone is gone.
    async fn zone_name(&self, zone_id: &str) -> Result<Option<String>, ProviderError> {
        let client = &self.aws.clients().await.route53;
        match client.get_hosted_zone().id(zone_id).send().await {
            Ok(response) => Ok(response.hosted_zone().map(|z| normalize_dns_name(z.name()))),
            Err(error) => {
                let error = aws_error(error);
                if is_no_such_zone(&error) {
                    Ok(None)
                } else {
                    Err(error)
                }
            }
        }
    }

    /// Every record set of a zone, by key (one paginated ListResourceRecordSets walk).
    async fn zone_records(
        &self,
        zone_id: &str,
    ) -> Result<BTreeMap<RecordKey, ResourceRecordSet>, ProviderError> {
        let client = &self.aws.clients().await.route53;
        let records = record_sets(client, zone_id).await?;
        Ok(records.into_iter().map(|r| (key_of(&r), r)).collect())
    }

    /// The record a value names, read now, with its zone's name.
    async fn find(
        &self,
        value: &Value,
    ) -> Result<Option<(String, ResourceRecordSet)>, ProviderError> {
        let zone_id = string(value, "zone_id")
            .map(|z| clean_zone_id(&z))
            .unwrap_or_default();
        let Some(zone_name) = self.zone_name(&zone_id).await? else {
            return Ok(None);
        };
        let key = wanted_key(value, &zone_name);
        let records = self.zone_records(&zone_id).await?;
        Ok(records.get(&key).cloned().map(|r| (zone_name, r)))
    }

    async fn read_one(&self, hint: &Value) -> Result<Value, ProviderError> {
        let zone_id = string(hint, "zone_id")
            .map(|z| clean_zone_id(&z))
            .unwrap_or_default();
        match self.find(hint).await? {
            Some((zone_name, record)) => Ok(to_value(&zone_id, &zone_name, &record, hint)),
            None => Err(crate::app_support::vanished(
                "Route 53 record",
                &string(hint, "name").unwrap_or_default(),
            )),
        }
    }

    async fn change(
        &self,
        zone_id: &str,
        changes: Vec<Change>,
        timeout: std::time::Duration,
    ) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.route53;
        let response = sent!(client
            .change_resource_record_sets()
            .hosted_zone_id(zone_id)
            .change_batch(built(
                ChangeBatch::builder()
                    .comment("Managed by Terraform")
                    .set_changes(Some(changes))
                    .build()
            )?,))?;
        wait_insync(&self.aws, response.change_info().map(|c| c.id()), timeout).await
    }
}

fn key_of(record: &ResourceRecordSet) -> RecordKey {
    (
        normalize_dns_name(record.name()),
        record.r#type().as_str().to_string(),
        record.set_identifier().map(str::to_string),
    )
}

/// A configured name as the full record name: relative names get the zone's name appended.
pub(crate) fn expand_name(name: &str, zone_name: &str) -> String {
    let name = normalize_dns_name(name);
    if name.is_empty() {
        zone_name.to_string()
    } else if name == zone_name || name.ends_with(&format!(".{zone_name}")) {
        name
    } else {
        format!("{name}.{zone_name}")
    }
}

fn wanted_key(value: &Value, zone_name: &str) -> RecordKey {
    (
        expand_name(&string(value, "name").unwrap_or_default(), zone_name),
        string(value, "type").unwrap_or_default(),
        non_empty(value, "set_identifier"),
    )
}

/// The provider's record ID: `ZONEID_NAME_TYPE[_SETIDENTIFIER]`.
fn record_id(zone_id: &str, key: &RecordKey) -> String {
    let mut parts = vec![zone_id.to_string(), key.0.clone(), key.1.clone()];
    if let Some(set) = &key.2 {
        parts.push(set.clone());
    }
    parts.join("_")
}

/// Parses a record ID as the provider does: the zone before the first `_`, then the type after
/// the last `_` (or, when that is no record type, the set identifier, and the type before it).
pub(crate) fn parse_record_id(id: &str) -> Option<(String, String, String, Option<String>)> {
    let (zone, rest) = id.split_once('_')?;
    let (head, last) = rest.rsplit_once('_')?;
    if RECORD_TYPES.contains(&last) {
        return Some((zone.into(), head.into(), last.into(), None));
    }
    let (name, kind) = head.rsplit_once('_')?;
    if !RECORD_TYPES.contains(&kind) {
        return None;
    }
    Some((zone.into(), name.into(), kind.into(), Some(last.into())))
}

/// A TXT/SPF value as Route 53 takes it: quoted, in strings of at most 255 characters.
fn quote_txt(value: &str) -> String {
    if value.starts_with('"') && value.ends_with('"') && value.len() >= 2 {
        return value.to_string();
    }
    let chars: Vec<char> = value.chars().collect();
    let chunks: Vec<String> = chars
        .chunks(255)
        .map(|c| c.iter().collect::<String>())
        .collect();
    if chunks.is_empty() {
        return "\"\"".to_string();
    }
    format!("\"{}\"", chunks.join("\"\""))
}

/// A TXT/SPF value as the provider stores it: the outer quotes and the joins of split strings
/// removed.
fn unquote_txt(value: &str) -> String {
    if value.len() >= 2 && value.starts_with('"') && value.ends_with('"') {
        value[1..value.len() - 1].replace("\"\"", "")
    } else {
        value.to_string()
    }
}

fn is_txt(kind: &str) -> bool {
    kind == "TXT" || kind == "SPF"
}

/// The record set a value asks for, under its full name (sent without the trailing dot).
fn record_set(value: &Value, zone_name: &str) -> Result<ResourceRecordSet, ProviderError> {
    let kind = string(value, "type").unwrap_or_default();
    let name = expand_name(&string(value, "name").unwrap_or_default(), zone_name);
    let mut builder = ResourceRecordSet::builder()
        .name(name)
        .r#type(RrType::from(kind.as_str()))
        .set_set_identifier(non_empty(value, "set_identifier"))
        .set_health_check_id(non_empty(value, "health_check_id"));
    if let Some(alias) = single(value, "alias") {
        builder = builder.alias_target(built(
            AliasTarget::builder()
                .dns_name(string(alias, "name").unwrap_or_default())
                .hosted_zone_id(string(alias, "zone_id").unwrap_or_default())
                .evaluate_target_health(boolean(alias, "evaluate_target_health").unwrap_or(false))
                .build(),
        )?);
    } else {
        builder = builder.set_ttl(value.get("ttl").as_i64());
        for record in strings(value, "records") {
            let record = if is_txt(&kind) {
                quote_txt(&record)
            } else {
                record
            };
            builder =
                builder.resource_records(built(ResourceRecord::builder().value(record).build())?);
        }
    }
    if let Some(policy) = single(value, "weighted_routing_policy") {
        builder = builder.set_weight(policy.get("weight").as_i64());
    }
    if let Some(policy) = single(value, "failover_routing_policy") {
        builder = builder.failover(ResourceRecordSetFailover::from(
            string(policy, "type").unwrap_or_default().as_str(),
        ));
    }
    if let Some(policy) = single(value, "latency_routing_policy") {
        builder = builder.region(ResourceRecordSetRegion::from(
            string(policy, "region").unwrap_or_default().as_str(),
        ));
    }
    if let Some(policy) = single(value, "geolocation_routing_policy") {
        builder = builder.geo_location(
            GeoLocation::builder()
                .set_continent_code(non_empty(policy, "continent"))
                .set_country_code(non_empty(policy, "country"))
                .set_subdivision_code(non_empty(policy, "subdivision"))
                .build(),
        );
    }
    if let Some(policy) = single(value, "cidr_routing_policy") {
        builder = builder.cidr_routing_config(built(
            CidrRoutingConfig::builder()
                .collection_id(string(policy, "collection_id").unwrap_or_default())
                .location_name(string(policy, "location_name").unwrap_or_default())
                .build(),
        )?);
    }
    if let Some(multivalue) = boolean(value, "multivalue_answer_routing_policy") {
        if multivalue {
            builder = builder.multi_value_answer(true);
        }
    }
    built(builder.build())
}

fn change(action: ChangeAction, record: ResourceRecordSet) -> Result<Change, ProviderError> {
    built(
        Change::builder()
            .action(action)
            .resource_record_set(record)
            .build(),
    )
}

/// A record as read, for a DELETE: the same values, name without the trailing dot.
fn as_read(mut record: ResourceRecordSet) -> ResourceRecordSet {
    record.name = record.name.trim_end_matches('.').to_string();
    record
}

fn single_block(entries: Vec<(&str, Value)>) -> Value {
    Value::List(vec![Value::map(entries)])
}

fn to_value(zone_id: &str, zone_name: &str, record: &ResourceRecordSet, hint: &Value) -> Value {
    let key = key_of(record);
    let kind = key.1.clone();
    let mut object = BTreeMap::new();
    object.insert("id".to_string(), Value::string(record_id(zone_id, &key)));
    object.insert("zone_id".to_string(), Value::string(zone_id));
    object.insert("fqdn".to_string(), Value::string(&key.0));
    // The name as written when it means this record; else the full name.
    let name = match string(hint, "name") {
        Some(written) if expand_name(&written, zone_name) == key.0 => normalize_dns_name(&written),
        _ => key.0.clone(),
    };
    object.insert("name".to_string(), Value::string(name));
    object.insert("type".to_string(), Value::string(&kind));
    object.insert("set_identifier".to_string(), text(key.2.as_deref()));
    object.insert(
        "health_check_id".to_string(),
        text(record.health_check_id()),
    );
    match record.alias_target() {
        Some(alias) => {
            object.insert("ttl".to_string(), Value::Null);
            object.insert("records".to_string(), Value::Null);
            object.insert(
                "alias".to_string(),
                single_block(vec![
                    ("name", Value::string(normalize_dns_name(alias.dns_name()))),
                    ("zone_id", Value::string(alias.hosted_zone_id())),
                    (
                        "evaluate_target_health",
                        Value::Bool(alias.evaluate_target_health()),
                    ),
                ]),
            );
        }
        None => {
            object.insert("ttl".to_string(), number(record.ttl()));
            let values: Vec<Value> = record
                .resource_records()
                .iter()
                .map(|r| {
                    Value::string(if is_txt(&kind) {
                        unquote_txt(r.value())
                    } else {
                        r.value().to_string()
                    })
                })
                .collect();
            object.insert("records".to_string(), Value::List(values));
            object.insert("alias".to_string(), Value::List(vec![]));
        }
    }
    object.insert(
        "weighted_routing_policy".to_string(),
        match record.weight() {
            Some(weight) => single_block(vec![("weight", Value::Number(weight as f64))]),
            None => Value::List(vec![]),
        },
    );
    object.insert(
        "failover_routing_policy".to_string(),
        match record.failover() {
            Some(failover) => single_block(vec![("type", Value::string(failover.as_str()))]),
            None => Value::List(vec![]),
        },
    );
    object.insert(
        "latency_routing_policy".to_string(),
        match record.region() {
            Some(region) => single_block(vec![("region", Value::string(region.as_str()))]),
            None => Value::List(vec![]),
        },
    );
    object.insert(
        "geolocation_routing_policy".to_string(),
        match record.geo_location() {
            Some(geo) => single_block(vec![
                ("continent", text(geo.continent_code())),
                ("country", text(geo.country_code())),
                ("subdivision", text(geo.subdivision_code())),
            ]),
            None => Value::List(vec![]),
        },
    );
    object.insert(
        "cidr_routing_policy".to_string(),
        match record.cidr_routing_config() {
            Some(cidr) => single_block(vec![
                ("collection_id", Value::string(cidr.collection_id())),
                ("location_name", Value::string(cidr.location_name())),
            ]),
            None => Value::List(vec![]),
        },
    );
    object.insert(
        "multivalue_answer_routing_policy".to_string(),
        match record.multi_value_answer() {
            Some(true) => Value::Bool(true),
            _ if boolean(hint, "multivalue_answer_routing_policy") == Some(false) => {
                Value::Bool(false)
            }
            _ => Value::Null,
        },
    );
    copy_attributes(&mut object, hint, &["allow_overwrite"]);
    if boolean(hint, "allow_overwrite").is_none() {
        object.insert("allow_overwrite".to_string(), Value::Bool(false));
    }
    Value::Map(object)
}

const POLICIES: &[&str] = &[
    "failover_routing_policy",
    "geolocation_routing_policy",
    "latency_routing_policy",
    "weighted_routing_policy",
    "cidr_routing_policy",
];

#[async_trait::async_trait]
impl ResourceType for AwsRoute53Record {
    fn name(&self) -> &'static str {
        "aws_route53_record"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Names compare lower case without the trailing dot; a relative name that the known
    /// `fqdn` expands is compared as that full name (so an imported record, whose name is the
    /// full name, matches a configuration that writes `www`).
    fn normalize(&self, value: &mut Value) {
        normalize_name_attribute(value, "name");
        if let (Some(name), Some(fqdn)) = (string(value, "name"), string(value, "fqdn")) {
            let fqdn = normalize_dns_name(&fqdn);
            if fqdn != name && fqdn.starts_with(&format!("{name}.")) {
                if let Value::Map(object) = value {
                    object.insert("name".to_string(), Value::string(fqdn));
                }
            }
        }
        if let Value::Map(object) = value {
            if let Some(Value::List(aliases)) = object.get_mut("alias") {
                for alias in aliases {
                    normalize_name_attribute(alias, "name");
                }
            }
        }
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let has_alias = single(config, "alias").is_some();
        let has_records = !config.get("records").is_null();
        if has_alias && (has_records || !config.get("ttl").is_null()) {
            problems.push((
                "alias".to_string(),
                "\"alias\": conflicts with records and ttl".to_string(),
            ));
        }
        if !has_alias && !has_records {
            problems.push((
                "records".to_string(),
                "one of `alias,records` must be specified".to_string(),
            ));
        }
        if has_records && !has_alias && config.get("ttl").is_null() {
            problems.push((
                "ttl".to_string(),
                "\"ttl\": required field is not set (records without an alias need a ttl)"
                    .to_string(),
            ));
        }
        let mut policies: Vec<&str> = POLICIES
            .iter()
            .copied()
            .filter(|p| single(config, p).is_some())
            .collect();
        if boolean(config, "multivalue_answer_routing_policy") == Some(true) {
            policies.push("multivalue_answer_routing_policy");
        }
        if policies.len() > 1 {
            problems.push((
                policies[1].to_string(),
                format!("\"{}\": conflicts with {}", policies[1], policies[0]),
            ));
        }
        if !policies.is_empty() && config.get("set_identifier").is_null() {
            problems.push((
                "set_identifier".to_string(),
                format!(
                    "\"set_identifier\": required when \"{}\" is set",
                    policies[0]
                ),
            ));
        }
        if let Some(policy) = single(config, "geolocation_routing_policy") {
            if policy.get("continent").is_null() && policy.get("country").is_null() {
                problems.push((
                    "geolocation_routing_policy".to_string(),
                    "either continent or country must be specified".to_string(),
                ));
            }
        }
        problems
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let zone_id = string(planned, "zone_id")
            .map(|z| clean_zone_id(&z))
            .ok_or_else(|| ProviderError::new("aws_route53_record needs a zone_id"))?;
        let zone_name = self.zone_name(&zone_id).await?.ok_or_else(|| {
            ProviderError::with_code(
                "NoSuchHostedZone",
                format!("No hosted zone found with ID: {zone_id}"),
            )
        })?;
        let overwrite = boolean(planned, "allow_overwrite") == Some(true);
        if !overwrite {
            // AWS refuses a CREATE of an existing record; moto does not always.
            let key = wanted_key(planned, &zone_name);
            if self.zone_records(&zone_id).await?.contains_key(&key) {
                return Err(ProviderError::with_code(
                    "InvalidChangeBatch",
                    format!(
                        "[Tried to create resource record set [name='{}.', type='{}'{}] but it already exists]",
                        key.0,
                        key.1,
                        key.2
                            .as_ref()
                            .map(|s| format!(", set-identifier='{s}'"))
                            .unwrap_or_default()
                    ),
                ));
            }
        }
        let action = if overwrite {
            ChangeAction::Upsert
        } else {
            ChangeAction::Create
        };
        self.change(
            &zone_id,
            vec![change(action, record_set(planned, &zone_name)?)?],
            operation.timeouts.create,
        )
        .await?;
        self.read_one(planned).await
    }

    async fn update(
        &self,
        operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let zone_id = string(prior, "zone_id")
            .map(|z| clean_zone_id(&z))
            .unwrap_or_default();
        let Some((zone_name, current)) = self.find(prior).await? else {
            return Err(crate::app_support::vanished(
                "Route 53 record",
                &string(prior, "name").unwrap_or_default(),
            ));
        };
        let wanted = record_set(planned, &zone_name)?;
        let changes = if key_of(&current) != key_of(&wanted) {
            vec![
                change(ChangeAction::Delete, as_read(current))?,
                change(ChangeAction::Create, wanted)?,
            ]
        } else {
            vec![change(ChangeAction::Upsert, wanted)?]
        };
        self.change(&zone_id, changes, operation.timeouts.update)
            .await?;
        self.read_one(planned).await
    }

    async fn delete(&self, operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let zone_id = string(prior, "zone_id")
            .map(|z| clean_zone_id(&z))
            .unwrap_or_default();
        let Some((_, current)) = self.find(prior).await? else {
            return Ok(());
        };
        match self
            .change(
                &zone_id,
                vec![change(ChangeAction::Delete, as_read(current))?],
                operation.timeouts.delete,
            )
            .await
        {
            Ok(()) => Ok(()),
            Err(error) if is_no_such_zone(&error) => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// One GetHostedZone and one ListResourceRecordSets walk per zone.
    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let mut zones: BTreeMap<String, Option<(String, BTreeMap<RecordKey, ResourceRecordSet>)>> =
            BTreeMap::new();
        for p in prior {
            let Some(zone_id) = string(p, "zone_id").map(|z| clean_zone_id(&z)) else {
                continue;
            };
            if zones.contains_key(&zone_id) {
                continue;
            }
            let found = match self.zone_name(&zone_id).await? {
                Some(name) => Some((name, self.zone_records(&zone_id).await?)),
                None => None,
            };
            zones.insert(zone_id, found);
        }
        Ok(prior
            .iter()
            .map(|p| {
                let zone_id = clean_zone_id(&string(p, "zone_id")?);
                let (zone_name, records) = zones.get(&zone_id)?.as_ref()?;
                let record = records.get(&wanted_key(p, zone_name))?;
                Some(to_value(&zone_id, zone_name, record, p))
            })
            .collect())
    }

    /// Terraform's import ID: `ZONEID_NAME_TYPE[_SETIDENTIFIER]`.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        let (zone, name, kind, set) = parse_record_id(id).ok_or_else(|| {
            ProviderError::new(format!(
                "unexpected format of ID ({id}), expected ZONEID_RECORDNAME_TYPE_SET-IDENTIFIER (e.g. Z4KAPRWWNC7JR_dev.example.com_NS_dev), where SET-IDENTIFIER is optional"
            ))
        })?;
        Ok(Value::map([
            ("id", Value::string(id)),
            ("zone_id", Value::string(zone)),
            ("name", Value::string(normalize_dns_name(&name))),
            ("type", Value::string(kind)),
            ("set_identifier", text(set.as_deref())),
        ]))
    }

    /// A record's natural key is its zone, name, type and set identifier.
    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let zone_id = string(planned, "zone_id")
            .map(|z| clean_zone_id(&z))
            .unwrap_or_default();
        Ok(self
            .find(planned)
            .await?
            .map(|(zone_name, record)| to_value(&zone_id, &zone_name, &record, planned)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_ids_parse_as_the_provider_does() {
        assert_eq!(
            parse_record_id("Z4KAPRWWNC7JR_dev.example.com_NS"),
            Some((
                "Z4KAPRWWNC7JR".into(),
                "dev.example.com".into(),
                "NS".into(),
                None
            ))
        );
        assert_eq!(
            parse_record_id("Z4KAPRWWNC7JR_dev.example.com_NS_dev"),
            Some((
                "Z4KAPRWWNC7JR".into(),
                "dev.example.com".into(),
                "NS".into(),
                Some("dev".into())
            ))
        );
        assert_eq!(
            parse_record_id("Z1_the_name.example.com_CNAME").map(|p| p.1),
            Some("the_name.example.com".into())
        );
        assert_eq!(parse_record_id("nonsense"), None);
    }

    #[test]
    fn names_expand_with_the_zone() {
        assert_eq!(expand_name("www", "example.com"), "www.example.com");
        assert_eq!(
            expand_name("WWW.example.com.", "example.com"),
            "www.example.com"
        );
        assert_eq!(expand_name("", "example.com"), "example.com");
        assert_eq!(expand_name("example.com", "example.com"), "example.com");
    }

    #[test]
    fn txt_values_are_quoted_and_split() {
        assert_eq!(quote_txt("v=spf1 -all"), "\"v=spf1 -all\"");
        assert_eq!(unquote_txt("\"v=spf1 -all\""), "v=spf1 -all");
        let long = "a".repeat(300);
        let quoted = quote_txt(&long);
        assert!(quoted.contains("\"\""));
        assert_eq!(unquote_txt(&quoted), long);
    }
}
