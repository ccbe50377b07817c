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
//! many records of that zone the state holds. The type is an [`AwsObject`]: a record's key is
//! its zone, name as written, type and set identifier, and `describe` expands the name with the
//! zone's. `allow_overwrite` is configuration only.
//! `geoproximity_routing_policy` is not supported yet ([`Schema::not_supported`]: `[]` in every
//! object, an error when configured). Only weighted routing and alias records are exercised
//! against moto; drift on `cidr_routing_policy` (moto has no CIDR collections) and
//! `health_check_id` is not seen in tests.

use std::collections::BTreeMap;

use aws_sdk_route53::types::{
    AliasTarget, Change, ChangeAction, ChangeBatch, CidrRoutingConfig, GeoLocation, ResourceRecord,
    ResourceRecordSet, ResourceRecordSetFailover, ResourceRecordSetRegion, RrType,
};
use aws_sdk_route53::Client;
use infra_core::{Attribute, Block, Check, Nesting, ProviderError, Schema, Type, Value};

use crate::app_support::{
    boolean, deleted_or_gone, non_empty, number, sent, single, string, strings, text,
};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged, Updating,
};
use crate::declared::{read, read_block, switch, Declared, Reading};
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

pub type AwsRoute53Record = ObjectType<RecordObject>;

pub struct RecordObject;

/// The identity of a record set within its zone: full name, type, set identifier.
type RecordKey = (String, String, Option<String>);

/// A record set as read, with its zone's ID and name (what its state value is read from).
pub struct ZoneRecord {
    zone_id: String,
    zone_name: String,
    record: ResourceRecordSet,
}

/// A zone's name and its records by key; `None` when the zone is gone.
type ZoneRecords = Option<(String, BTreeMap<RecordKey, ResourceRecordSet>)>;

/// The zone's name (lower case, no trailing dot), or `None` when the zone is gone.
async fn zone_name(client: &Client, zone_id: &str) -> Result<Option<String>, ProviderError> {
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
    client: &Client,
    zone_id: &str,
) -> Result<BTreeMap<RecordKey, ResourceRecordSet>, ProviderError> {
    let records = record_sets(client, zone_id).await?;
    Ok(records.into_iter().map(|r| (record_key(&r), r)).collect())
}

/// The zone a value names (`zone_id` without `/hostedzone/`), "" when it names none.
fn zone_of(value: &Value) -> String {
    string(value, "zone_id").map(|z| clean_zone_id(&z)).unwrap_or_default()
}

/// The record a value names, read now, with its zone.
async fn find(client: &Client, value: &Value) -> Result<Option<ZoneRecord>, ProviderError> {
    let zone_id = zone_of(value);
    let Some(zone_name) = zone_name(client, &zone_id).await? else {
        return Ok(None);
    };
    let key = wanted_key(value, &zone_name);
    let records = zone_records(client, &zone_id).await?;
    Ok(records.get(&key).cloned().map(|record| ZoneRecord { zone_id, zone_name, record }))
}

/// The record a value names, just written: an error when it is not there.
async fn written(client: &Client, hint: &Value) -> Result<Tagged<ZoneRecord>, ProviderError> {
    match find(client, hint).await? {
        Some(object) => Ok(untagged(object)),
        None => Err(vanished(hint)),
    }
}

/// The error for the record a value names, gone right after it was read or written.
fn vanished(value: &Value) -> ProviderError {
    crate::app_support::vanished("Route 53 record", &string(value, "name").unwrap_or_default())
}

fn untagged(object: ZoneRecord) -> Tagged<ZoneRecord> {
    Tagged { object, tags: vec![] }
}

/// Sends the changes to the zone in one batch and waits for them to be INSYNC.
async fn change_records(
    aws: &Aws,
    zone_id: &str,
    changes: Vec<Change>,
    timeout: std::time::Duration,
) -> Result<(), ProviderError> {
    let client = &aws.clients().await.route53;
    let response =
        sent!(client.change_resource_record_sets().hosted_zone_id(zone_id).change_batch(built(
            ChangeBatch::builder()
                .comment("Managed by Terraform")
                .set_changes(Some(changes))
                .build()
        )?,))?;
    wait_insync(aws, response.change_info().map(|c| c.id()), timeout).await
}

/// The family's key of a record: its zone (where the value has `zone_id`), its name as written,
/// type and set identifier, as JSON ([`AwsObject::describe`] expands the name with the
/// zone's).
type WrittenKey = (Option<String>, String, String, Option<String>);

fn parse_key(key: &str) -> Result<WrittenKey, ProviderError> {
    serde_json::from_str(key)
        .map_err(|error| ProviderError::new(format!("aws_route53_record key {key:?}: {error}")))
}

fn record_key(record: &ResourceRecordSet) -> RecordKey {
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
    let chunks: Vec<String> = chars.chunks(255).map(|c| c.iter().collect::<String>()).collect();
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
            let record = if is_txt(&kind) { quote_txt(&record) } else { record };
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
    built(Change::builder().action(action).resource_record_set(record).build())
}

/// A record as read, for a DELETE: the same values, name without the trailing dot.
fn as_read(mut record: ResourceRecordSet) -> ResourceRecordSet {
    record.name = record.name.trim_end_matches('.').to_string();
    record
}

/// A routing policy block: one object when `read` finds the policy on the record, else none.
fn policy(
    name: &'static str,
    schema: Schema,
    read: fn(&ResourceRecordSet) -> Option<Value>,
) -> Declared<ZoneRecord> {
    read_block(
        Block::single(name, schema)
            .conflicts_with(ROUTING_POLICIES)
            .required_with(&["set_identifier"]),
        move |r: &ZoneRecord, _: &Reading| Value::List(read(&r.record).into_iter().collect()),
    )
}

/// The attributes and blocks in the schema's order, each read from the record (and, for the
/// name as written and the configuration-only arguments, from the prior value).
fn attributes() -> Vec<Declared<ZoneRecord>> {
    type R = ZoneRecord;
    let alias = Schema::new()
        .attr(Attribute::required("name", Type::String))
        .attr(Attribute::required("zone_id", Type::String))
        .attr(Attribute::required("evaluate_target_health", Type::Bool));
    vec![
        read(Attribute::computed("id", Type::String), |r: &R, _: &Reading| {
            Value::string(record_id(&r.zone_id, &record_key(&r.record)))
        }),
        read(Attribute::computed("fqdn", Type::String), |r: &R, _: &Reading| {
            Value::string(record_key(&r.record).0)
        }),
        read(Attribute::required("zone_id", Type::String).force_new(), |r: &R, _: &Reading| {
            Value::string(&r.zone_id)
        }),
        // The name as written when it means this record; else the full name.
        read(Attribute::required("name", Type::String).force_new(), |r: &R, at: &Reading| {
            let full = record_key(&r.record).0;
            match string(at.prior, "name") {
                Some(written) if expand_name(&written, &r.zone_name) == full => {
                    Value::string(normalize_dns_name(&written))
                }
                _ => Value::string(full),
            }
        }),
        read(
            Attribute::required("type", Type::String).check(Check::OneOf(RECORD_TYPES)),
            |r: &R, _: &Reading| Value::string(record_key(&r.record).1),
        ),
        read(
            Attribute::optional("ttl", Type::Number)
                .conflicts_with(&["alias"])
                .required_with(&["records", "ttl"]),
            |r: &R, _: &Reading| match r.record.alias_target() {
                Some(_) => Value::Null,
                None => number(r.record.ttl()),
            },
        ),
        read(
            Attribute::optional("records", Type::set(Type::String))
                .exactly_one_of(ALIAS_OR_RECORDS),
            |r: &R, _: &Reading| match r.record.alias_target() {
                Some(_) => Value::Null,
                None => records_value(&r.record),
            },
        ),
        read(Attribute::optional("set_identifier", Type::String), |r: &R, _: &Reading| {
            text(r.record.set_identifier())
        }),
        read(Attribute::optional("health_check_id", Type::String), |r: &R, _: &Reading| {
            text(r.record.health_check_id())
        }),
        read(
            Attribute::optional("multivalue_answer_routing_policy", Type::Bool)
                .conflicts_with(ROUTING_POLICIES)
                .required_with(&["set_identifier"]),
            |r: &R, at: &Reading| match r.record.multi_value_answer() {
                Some(true) => Value::Bool(true),
                _ if boolean(at.prior, "multivalue_answer_routing_policy") == Some(false) => {
                    Value::Bool(false)
                }
                _ => Value::Null,
            },
        ),
        switch(Attribute::optional("allow_overwrite", Type::Bool).default(Value::Bool(false))),
        read_block(
            Block::single("alias", alias).exactly_one_of(ALIAS_OR_RECORDS).conflicts_with(&["ttl"]),
            |r: &R, _: &Reading| {
                Value::List(r.record.alias_target().map(alias_value).into_iter().collect())
            },
        ),
        policy(
            "failover_routing_policy",
            Schema::new().attr(
                Attribute::required("type", Type::String)
                    .check(Check::OneOf(&["PRIMARY", "SECONDARY"])),
            ),
            |record| {
                let failover = record.failover()?;
                Some(Value::map([("type", Value::string(failover.as_str()))]))
            },
        ),
        policy(
            "geolocation_routing_policy",
            Schema::new()
                .attr(Attribute::optional("continent", Type::String))
                .attr(Attribute::optional("country", Type::String))
                .attr(Attribute::optional("subdivision", Type::String)),
            |record| {
                let geo = record.geo_location()?;
                Some(Value::map([
                    ("continent", text(geo.continent_code())),
                    ("country", text(geo.country_code())),
                    ("subdivision", text(geo.subdivision_code())),
                ]))
            },
        ),
        policy(
            "latency_routing_policy",
            Schema::new().attr(Attribute::required("region", Type::String)),
            |record| {
                let region = record.region()?;
                Some(Value::map([("region", Value::string(region.as_str()))]))
            },
        ),
        policy(
            "weighted_routing_policy",
            Schema::new().attr(Attribute::required("weight", Type::Number)),
            |record| {
                let weight = record.weight()?;
                Some(Value::map([("weight", Value::Number(weight as f64))]))
            },
        ),
        policy(
            "cidr_routing_policy",
            Schema::new()
                .attr(Attribute::required("collection_id", Type::String))
                .attr(Attribute::required("location_name", Type::String)),
            |record| {
                let cidr = record.cidr_routing_config()?;
                Some(Value::map([
                    ("collection_id", Value::string(cidr.collection_id())),
                    ("location_name", Value::string(cidr.location_name())),
                ]))
            },
        ),
    ]
}

/// A plain record's values, TXT and SPF ones unquoted.
fn records_value(record: &ResourceRecordSet) -> Value {
    let kind = record.r#type().as_str();
    Value::List(
        record
            .resource_records()
            .iter()
            .map(|r| {
                Value::string(if is_txt(kind) {
                    unquote_txt(r.value())
                } else {
                    r.value().to_string()
                })
            })
            .collect(),
    )
}

fn alias_value(alias: &AliasTarget) -> Value {
    Value::map([
        ("name", Value::string(normalize_dns_name(alias.dns_name()))),
        ("zone_id", Value::string(alias.hosted_zone_id())),
        ("evaluate_target_health", Value::Bool(alias.evaluate_target_health())),
    ])
}

/// The routing policies, each in conflict with the others (the provider lists the other six
/// on each, alphabetically; a policy passes over its own name here) and each needing a
/// `set_identifier`.
const ROUTING_POLICIES: &[&str] = &[
    "cidr_routing_policy",
    "failover_routing_policy",
    "geolocation_routing_policy",
    "geoproximity_routing_policy",
    "latency_routing_policy",
    "multivalue_answer_routing_policy",
    "weighted_routing_policy",
];

/// A record is an alias or has records: the provider's `ExactlyOneOf` on both.
const ALIAS_OR_RECORDS: &[&str] = &["alias", "records"];

/// The checks across arguments the schema does not declare: records without an alias have a
/// `ttl`, a geolocation has a continent or a country (AWS refuses either at apply).
fn record_problems(config: &Value) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    let has_alias = single(config, "alias").is_some();
    let has_records = !config.get("records").is_null();
    if has_records && !has_alias && config.get("ttl").is_null() {
        problems.push((
            "ttl".to_string(),
            "\"ttl\": required field is not set (records without an alias need a ttl)".to_string(),
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

impl AwsObject for RecordObject {
    type Object = ZoneRecord;
    const NAME: &'static str = "aws_route53_record";
    const KIND: &'static str = "Route 53 record";
    const KEY: &'static str = "id";
    const TAGGED: bool = false;

    fn attributes() -> Vec<Declared<ZoneRecord>> {
        attributes()
    }

    fn schema(schema: Schema) -> Schema {
        schema.timeouts(&["create", "update", "delete"]).version(2).not_supported(
            "geoproximity_routing_policy",
            Nesting::List,
            "route by geolocation, latency or weight instead",
        )
    }

    /// Names compare lower case without the trailing dot; a relative name that the known
    /// `fqdn` expands is compared as that full name (so an imported record, whose name is the
    /// full name, matches a configuration that writes `www`).
    fn normalize(value: &mut Value) {
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

    fn validate(config: &Value) -> Vec<(String, String)> {
        record_problems(config)
    }

    /// The record's zone (where the value names one), name as written, type and set
    /// identifier ([`WrittenKey`]): its full name needs the zone's, which
    /// [`AwsObject::describe`] reads.
    fn key_of(value: &Value) -> Option<String> {
        let key: WrittenKey = (
            string(value, "zone_id").map(|z| clean_zone_id(&z)),
            string(value, "name").unwrap_or_default(),
            string(value, "type").unwrap_or_default(),
            non_empty(value, "set_identifier"),
        );
        serde_json::to_string(&key).ok()
    }

    /// Terraform's import ID: `ZONEID_NAME_TYPE[_SETIDENTIFIER]`.
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
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

    /// One GetHostedZone and one ListResourceRecordSets walk per zone, in the order the keys
    /// first name it; a key without a zone is not found.
    async fn describe(this: &ObjectType<Self>, keys: &[String]) -> DescribeResult<ZoneRecord> {
        let client = &this.aws.clients().await.route53;
        let mut zones: BTreeMap<String, ZoneRecords> = BTreeMap::new();
        let mut found = BTreeMap::new();
        for key in keys {
            let (Some(zone_id), name, kind, set) = parse_key(key)? else {
                continue;
            };
            if !zones.contains_key(&zone_id) {
                let records = match zone_name(client, &zone_id).await? {
                    Some(name) => Some((name, zone_records(client, &zone_id).await?)),
                    None => None,
                };
                zones.insert(zone_id.clone(), records);
            }
            let Some((zone_name, records)) = zones.get(&zone_id).and_then(Option::as_ref) else {
                continue;
            };
            if let Some(record) = records.get(&(expand_name(&name, zone_name), kind, set)) {
                let object =
                    ZoneRecord { zone_id, zone_name: zone_name.clone(), record: record.clone() };
                found.insert(key.clone(), untagged(object));
            }
        }
        Ok(found)
    }

    async fn create_written(at: Creating<'_, Self>) -> Result<Tagged<ZoneRecord>, ProviderError> {
        let client = &at.this.aws.clients().await.route53;
        let zone_id = string(at.planned, "zone_id")
            .map(|z| clean_zone_id(&z))
            .ok_or_else(|| ProviderError::new("aws_route53_record needs a zone_id"))?;
        let zone_name = zone_name(client, &zone_id).await?.ok_or_else(|| {
            ProviderError::with_code(
                "NoSuchHostedZone",
                format!("No hosted zone found with ID: {zone_id}"),
            )
        })?;
        let overwrite = boolean(at.planned, "allow_overwrite") == Some(true);
        if !overwrite {
            // AWS refuses a CREATE of an existing record; moto does not always.
            let key = wanted_key(at.planned, &zone_name);
            if zone_records(client, &zone_id).await?.contains_key(&key) {
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
        let action = if overwrite { ChangeAction::Upsert } else { ChangeAction::Create };
        change_records(
            &at.this.aws,
            &zone_id,
            vec![change(action, record_set(at.planned, &zone_name)?)?],
            at.operation.timeouts.create,
        )
        .await?;
        written(client, at.planned).await
    }

    async fn update_written(at: Updating<'_, Self>) -> Result<Tagged<ZoneRecord>, ProviderError> {
        let client = &at.this.aws.clients().await.route53;
        let Some(current) = find(client, at.prior).await? else {
            return Err(vanished(at.prior));
        };
        let wanted = record_set(at.planned, &current.zone_name)?;
        let changes = if record_key(&current.record) != record_key(&wanted) {
            vec![
                change(ChangeAction::Delete, as_read(current.record))?,
                change(ChangeAction::Create, wanted)?,
            ]
        } else {
            vec![change(ChangeAction::Upsert, wanted)?]
        };
        change_records(&at.this.aws, &zone_of(at.prior), changes, at.operation.timeouts.update)
            .await?;
        written(client, at.planned).await
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let client = &at.this.aws.clients().await.route53;
        let Some(current) = find(client, at.prior).await? else {
            return Ok(());
        };
        let changes = vec![change(ChangeAction::Delete, as_read(current.record))?];
        let answer =
            change_records(&at.this.aws, &zone_of(at.prior), changes, at.operation.timeouts.delete)
                .await;
        deleted_or_gone(answer, is_no_such_zone)
    }

    /// A record's natural key is its zone, name, type and set identifier.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<ZoneRecord> {
        let client = &at.this.aws.clients().await.route53;
        Ok(find(client, at.planned).await?.map(untagged))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The provider's relations, each reported by the argument that declares it.
    #[test]
    fn an_alias_or_records_and_one_routing_policy_with_its_identifier() {
        let record = AwsRoute53Record::new(crate::Aws::new(crate::ProviderSettings::default()));
        let problems = |entries: Vec<(&str, Value)>| -> Vec<String> {
            let mut config = vec![
                ("zone_id", Value::string("Z123")),
                ("name", Value::string("www")),
                ("type", Value::string("A")),
            ];
            config.extend(entries);
            infra_core::ResourceType::problems(&record, &Value::map(config))
                .into_iter()
                .map(|(_, message)| message)
                .collect()
        };
        let records = || ("records", Value::List(vec![Value::string("192.0.2.1")]));
        let alias = || {
            let target = Value::map([
                ("name", Value::string("lb.example.com")),
                ("zone_id", Value::string("Z2")),
                ("evaluate_target_health", Value::Bool(true)),
            ]);
            ("alias", Value::List(vec![target]))
        };
        assert_eq!(
            problems(vec![("ttl", Value::Number(60.0))]),
            [
                "\"ttl\": all of `records,ttl` must be specified",
                "\"records\": one of `alias,records` must be specified",
                "\"alias\": one of `alias,records` must be specified",
            ]
        );
        assert_eq!(
            problems(vec![alias(), ("ttl", Value::Number(60.0))]),
            // ttl's RequiredWith comes before its ConflictsWith, as in the SDK.
            ["\"ttl\": all of `records,ttl` must be specified", "\"alias\": conflicts with ttl"]
        );
        let weighted = Value::List(vec![Value::map([("weight", Value::Number(10.0))])]);
        let latency = Value::List(vec![Value::map([("region", Value::string("eu-west-1"))])]);
        assert_eq!(
            problems(vec![
                records(),
                ("ttl", Value::Number(60.0)),
                ("weighted_routing_policy", weighted.clone()),
                ("latency_routing_policy", latency),
            ]),
            [
                "\"latency_routing_policy\": all of `latency_routing_policy,set_identifier` \
                 must be specified",
                "\"weighted_routing_policy\": all of `set_identifier,weighted_routing_policy` \
                 must be specified",
            ]
        );
        assert_eq!(
            problems(vec![
                records(),
                ("ttl", Value::Number(60.0)),
                ("set_identifier", Value::string("eu")),
                ("multivalue_answer_routing_policy", Value::Bool(true)),
                ("weighted_routing_policy", weighted.clone()),
            ]),
            [
                "\"multivalue_answer_routing_policy\": conflicts with weighted_routing_policy",
                "\"weighted_routing_policy\": conflicts with multivalue_answer_routing_policy",
            ]
        );
        assert!(problems(vec![
            records(),
            ("ttl", Value::Number(60.0)),
            ("set_identifier", Value::string("eu")),
            ("weighted_routing_policy", weighted),
        ])
        .is_empty());
    }

    #[test]
    fn record_ids_parse_as_the_provider_does() {
        assert_eq!(
            parse_record_id("Z4KAPRWWNC7JR_dev.example.com_NS"),
            Some(("Z4KAPRWWNC7JR".into(), "dev.example.com".into(), "NS".into(), None))
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
        assert_eq!(expand_name("WWW.example.com.", "example.com"), "www.example.com");
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
