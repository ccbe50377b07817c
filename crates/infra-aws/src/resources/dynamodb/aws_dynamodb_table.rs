//! `aws_dynamodb_table`: a DynamoDB table with its key schema and attribute definitions,
//! provisioned or on-demand capacity, global and local secondary indexes, streams, encryption
//! at rest, TTL, point-in-time recovery, table class, deletion protection, on-demand and warm
//! throughput, and tags. The Terraform ID is the table name, which is also the import ID.
//!
//! `name`, `hash_key`, `range_key` and the `local_secondary_index` blocks force a new table, and
//! so does lowering `warm_throughput` (AWS only raises a table's). Everything else changes in
//! place. UpdateTable takes one kind of change a call, so an update sends, in the provider's
//! order: GSI deletions (one a call), the table class, billing mode and capacity (with the GSIs'
//! capacities), deletion protection, on-demand throughput, the stream (disabled and enabled
//! again to change its view type), GSI warm throughput, GSI creations (one a call), encryption;
//! each waits for the table, and the indexes it touched, to be ACTIVE. A GSI whose keys or
//! projection change, or whose warm throughput goes down, is deleted and created again.
//! UpdateTimeToLive, TagResource / UntagResource, UpdateContinuousBackups and the table's warm
//! throughput follow.
//!
//! The table is declared on the [`AwsObject`] family, keyed by its name: each attribute with its
//! reader over what a read gathers ([`Table`]); the family writes refresh, import, the read back
//! after a write and the lost create's search (the planned name's table, with the managed tags).
//! Refresh is per table (DynamoDB has no batched describe), several tables at once:
//! DescribeTable, then DescribeTimeToLive, DescribeContinuousBackups and ListTagsOfResource
//! together, then each table's replicas for the prior they are read for. An encrypted table's
//! key is compared with `alias/aws/dynamodb`: the AWS managed key reads as `kms_key_arn = ""`,
//! as the provider reports it. A GSI reads back in the form
//! its configuration uses (`hash_key`/`range_key`, or `key_schema` blocks); on import, in the
//! `hash_key`/`range_key` form when it has one partition key and at most one sort key.
//!
//! A new table can also be restored from another one or imported from S3 (`restore_*`,
//! `import_table`: `table_source.rs`); it is then tagged at once and updated to the rest of its
//! configuration, which those calls do not take.
//!
//! Global table replicas (`replica`) and the MRSC witness (`global_table_witness`) are made,
//! changed, read and removed through the table and the replicas' regions: `replicas.rs`.
//!
//! moto 5.2.5 neither holds nor reports `table_class` or `on_demand_throughput` (of the table
//! or of a GSI): both keep the prior value when the answer leaves them out, so drift on them is
//! not seen in tests. It also ignores UpdateTable's `SSESpecification` (an encryption change
//! does not take there) and refuses to enable a stream again once one was disabled, which a
//! change of `stream_view_type` does.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use aws_sdk_dynamodb::operation::update_table::builders::UpdateTableFluentBuilder;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, ContinuousBackupsDescription,
    CreateGlobalSecondaryIndexAction, DeleteGlobalSecondaryIndexAction, GlobalSecondaryIndex,
    GlobalSecondaryIndexDescription, GlobalSecondaryIndexUpdate, KeySchemaElement, KeyType,
    LocalSecondaryIndex, LocalSecondaryIndexDescription, OnDemandThroughput, Projection,
    ProjectionType, ProvisionedThroughput, ScalarAttributeType, SseSpecification, SseType,
    StreamSpecification, StreamViewType, TableClass, TableCreationParameters, TableDescription,
    TimeToLiveDescription, TimeToLiveSpecification, UpdateGlobalSecondaryIndexAction,
    WarmThroughput,
};
use aws_sdk_dynamodb::Client;
use infra_core::{
    Attribute, Block, Cause, Check, Operation, ProviderError, Schema, Timeouts, Type, Value,
};

use crate::app_support::{
    blocks, boolean, changed, int, is_missing, known, non_empty, number, sent, single, string_list,
    strings, tag_changes, text, vanished, wait_for,
};
use crate::aws_object::{
    each_key, AwsObject, Creating, Deleting, DescribeResult, ObjectType, Tagged, Updating,
};
use crate::declared::{read, read_block, Declared, Reading};
use crate::ec2_support::client_token;
use crate::error::{aws_error, built};

use super::replicas;
use super::table_api::{
    continuous_backups, default_key_arn, describe_table, sdk_tags, table_tags, too_many_changes,
    update_recovery, wait_table,
};
use super::table_source::{self, Source};
use crate::tagging::{tag_attributes, ManagedTags};

const PROVISIONED: &str = "PROVISIONED";
const PAY_PER_REQUEST: &str = "PAY_PER_REQUEST";

/// The warm throughput every table and index has: read back as no `warm_throughput` block,
/// as the provider does, so a configuration without one plans no change.
const DEFAULT_WARM_READ: i64 = 12_000;
const DEFAULT_WARM_WRITE: i64 = 4_000;

const PROJECTION_TYPES: Check = Check::OneOf(&["ALL", "KEYS_ONLY", "INCLUDE"]);

/// "" is accepted, as the provider accepts it, for a table without a stream.
const STREAM_VIEW_TYPES: Check =
    Check::OneOf(&["", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"]);

pub type AwsDynamodbTable = ObjectType<TableObject>;

pub struct TableObject;

/// A table as its reads gather it: DescribeTable, then its TTL and point-in-time recovery, the
/// account's AWS managed DynamoDB key (where the table is encrypted), and its replicas and
/// witness (read for the prior state or plan they are read for: [`AwsObject::read_more`]).
pub struct Table {
    table: TableDescription,
    ttl: Option<TimeToLiveDescription>,
    backups: Option<ContinuousBackupsDescription>,
    default_key: Option<String>,
    replica: Value,
    witness: Value,
}

/// An attribute read from the table's description and the hint (the prior state or plan,
/// which keeps what AWS does not report; see the module comment).
fn described(
    attribute: Attribute,
    reader: fn(&TableDescription, &Value) -> Value,
) -> Declared<Table> {
    read(attribute, move |t: &Table, at: &Reading| reader(&t.table, at.prior))
}

/// A block read from the table's description and the hint.
fn described_block(
    block: Block,
    reader: fn(&TableDescription, &Value) -> Value,
) -> Declared<Table> {
    read_block(block, move |t: &Table, at: &Reading| reader(&t.table, at.prior))
}

/// The table's name as described, else the hint's.
fn name_read(table: &TableDescription, hint: &Value) -> Value {
    Value::string(
        table.table_name().map(str::to_string).or_else(|| table_name(hint)).unwrap_or_default(),
    )
}

/// The table's key attribute of this kind (HASH or RANGE).
fn table_key(table: &TableDescription, kind: &str) -> Value {
    text(
        table
            .key_schema()
            .iter()
            .find(|element| element.key_type().as_str() == kind)
            .map(|element| element.attribute_name()),
    )
}

/// The provisioned capacity AWS reports, else the hint's.
fn capacity_read(table: &TableDescription, hint: &Value, key: &str) -> Value {
    match table.provisioned_throughput() {
        Some(throughput) => number(Some(match key {
            "read_capacity" => throughput.read_capacity_units().unwrap_or(0),
            _ => throughput.write_capacity_units().unwrap_or(0),
        })),
        None => known(hint, key),
    }
}

/// The table's name, keys, billing and capacity, in the schema's order.
fn table_attributes() -> Vec<Declared<Table>> {
    vec![
        described(Attribute::computed("id", Type::String), name_read),
        described(Attribute::computed("arn", Type::String), |t, _| text(t.table_arn())),
        described(Attribute::required("name", Type::String).force_new(), name_read),
        described(Attribute::optional_computed("hash_key", Type::String).force_new(), |t, _| {
            table_key(t, "HASH")
        }),
        described(Attribute::optional("range_key", Type::String).force_new(), |t, _| {
            table_key(t, "RANGE")
        }),
        described(
            Attribute::optional("billing_mode", Type::String)
                .default(Value::string(PROVISIONED))
                .check(Check::OneOf(&[PROVISIONED, PAY_PER_REQUEST])),
            |t, _| {
                Value::string(
                    t.billing_mode_summary()
                        .and_then(|summary| summary.billing_mode())
                        .map(|mode| mode.as_str())
                        .unwrap_or(PROVISIONED),
                )
            },
        ),
        described(
            Attribute::optional_computed("read_capacity", Type::Number)
                .conflicts_with(&["on_demand_throughput"]),
            |t, hint| capacity_read(t, hint, "read_capacity"),
        ),
        described(
            Attribute::optional_computed("write_capacity", Type::Number)
                .conflicts_with(&["on_demand_throughput"]),
            |t, hint| capacity_read(t, hint, "write_capacity"),
        ),
        described(
            Attribute::optional("deletion_protection_enabled", Type::Bool)
                .default(Value::Bool(false)),
            |t, _| Value::Bool(t.deletion_protection_enabled().unwrap_or(false)),
        ),
    ]
}

/// The stream's attributes and the table class.
fn stream_and_class_attributes() -> Vec<Declared<Table>> {
    vec![
        described(
            Attribute::optional("stream_enabled", Type::Bool).default(Value::Bool(false)),
            |t, _| Value::Bool(t.stream_specification().is_some_and(|s| s.stream_enabled())),
        ),
        described(
            Attribute::optional_computed("stream_view_type", Type::String).check(STREAM_VIEW_TYPES),
            // A disabled stream has no view type: the configured one stays, as the provider
            // keeps it.
            |t, hint| match t.stream_specification().and_then(|s| s.stream_view_type()) {
                Some(view) => Value::string(view.as_str()),
                None => known(hint, "stream_view_type"),
            },
        ),
        described(Attribute::computed("stream_arn", Type::String), |t, _| {
            text(t.latest_stream_arn())
        }),
        described(Attribute::computed("stream_label", Type::String), |t, _| {
            text(t.latest_stream_label())
        }),
        described(
            Attribute::optional("table_class", Type::String)
                .default(Value::string("STANDARD"))
                .check(Check::OneOf(&["STANDARD", "STANDARD_INFREQUENT_ACCESS"])),
            |t, hint| match t.table_class_summary().and_then(|s| s.table_class()) {
                Some(class) => Value::string(class.as_str()),
                // AWS leaves the summary out for a table that was never given a class:
                // STANDARD.
                None => Value::string(
                    non_empty(hint, "table_class").unwrap_or_else(|| "STANDARD".to_string()),
                ),
            },
        ),
    ]
}

/// The attribute definitions, the secondary indexes and the on-demand throughput.
fn key_and_index_blocks() -> Vec<Declared<Table>> {
    let attribute = Schema::new()
        .attr(Attribute::required("name", Type::String))
        .attr(Attribute::required("type", Type::String).check(Check::OneOf(&["S", "N", "B"])));
    let key_schema = Schema::new().attr(Attribute::required("attribute_name", Type::String)).attr(
        Attribute::required("key_type", Type::String).check(Check::OneOf(&["HASH", "RANGE"])),
    );
    let global_index = Schema::new()
        .attr(Attribute::required("name", Type::String))
        .attr(Attribute::optional_computed("hash_key", Type::String))
        .attr(Attribute::optional("range_key", Type::String))
        .attr(Attribute::optional("non_key_attributes", Type::set(Type::String)))
        .attr(Attribute::required("projection_type", Type::String).check(PROJECTION_TYPES))
        .attr(Attribute::optional_computed("read_capacity", Type::Number))
        .attr(Attribute::optional_computed("write_capacity", Type::Number))
        .block(Block::list("key_schema", key_schema).computed())
        .block(on_demand_throughput_block())
        .block(warm_throughput_block());
    let local_index = Schema::new()
        .attr(Attribute::required("name", Type::String).force_new())
        .attr(Attribute::optional("non_key_attributes", Type::list(Type::String)).force_new())
        .attr(
            Attribute::required("projection_type", Type::String)
                .force_new()
                .check(PROJECTION_TYPES),
        )
        .attr(Attribute::required("range_key", Type::String).force_new());
    vec![
        described_block(Block::set("attribute", attribute).computed(), |t, _| {
            Value::List(
                t.attribute_definitions()
                    .iter()
                    .map(|definition| {
                        Value::map([
                            ("name", Value::string(definition.attribute_name())),
                            ("type", Value::string(definition.attribute_type().as_str())),
                        ])
                    })
                    .collect(),
            )
        }),
        described_block(
            Block::set("global_secondary_index", global_index).computed(),
            global_indexes_value,
        ),
        described_block(Block::set("local_secondary_index", local_index).force_new(), |t, _| {
            Value::List(t.local_secondary_indexes().iter().map(local_index_value).collect())
        }),
        described_block(on_demand_throughput_block(), |t, hint| {
            on_demand_value(t.on_demand_throughput(), single(hint, "on_demand_throughput"))
        }),
    ]
}

/// Point-in-time recovery, encryption, TTL and warm throughput.
fn settings_blocks() -> Vec<Declared<Table>> {
    let recovery = Schema::new().attr(Attribute::required("enabled", Type::Bool)).attr(
        Attribute::optional_computed("recovery_period_in_days", Type::Number)
            .check(Check::Range(1, 35)),
    );
    let encryption = Schema::new()
        .attr(Attribute::required("enabled", Type::Bool))
        .attr(Attribute::optional_computed("kms_key_arn", Type::String));
    let ttl = Schema::new()
        .attr(Attribute::optional("attribute_name", Type::String))
        .attr(Attribute::optional("enabled", Type::Bool).default(Value::Bool(false)));
    vec![
        read_block(
            Block::single("point_in_time_recovery", recovery).computed(),
            |t: &Table, at: &Reading| recovery_value(t.backups.as_ref(), at.prior),
        ),
        read_block(
            Block::single("server_side_encryption", encryption).computed(),
            |t: &Table, at: &Reading| {
                encryption_value(&t.table, t.default_key.as_deref(), at.prior)
            },
        ),
        read_block(Block::single("ttl", ttl).computed(), |t: &Table, at: &Reading| {
            ttl_value(t.ttl.as_ref(), at.prior)
        }),
        described_block(warm_throughput_block(), |t, _| match t.warm_throughput() {
            Some(warm) => warm_value(warm.read_units_per_second(), warm.write_units_per_second()),
            None => Value::List(vec![]),
        }),
    ]
}

/// The table as described, with its tags, or `None` when there is no table by that name:
/// DescribeTable, then DescribeTimeToLive, DescribeContinuousBackups and ListTagsOfResource
/// together, then the AWS managed key where the table is encrypted.
async fn table_of(
    this: &AwsDynamodbTable,
    name: &str,
) -> Result<Option<Tagged<Table>>, ProviderError> {
    let clients = this.aws.clients().await;
    let client = &clients.dynamodb;
    let Some(table) = describe_table(client, name).await? else {
        return Ok(None);
    };
    let arn = table.table_arn().unwrap_or_default().to_string();
    let (ttl, backups, tags) =
        tokio::try_join!(time_to_live(client, name), continuous_backups(client, name), async {
            if arn.is_empty() {
                Ok(Vec::new())
            } else {
                table_tags(client, &arn).await
            }
        })?;
    let default_key = match table.sse_description().and_then(|d| d.kms_master_key_arn()) {
        Some(_) => default_key_arn(&clients.kms).await,
        None => None,
    };
    let object =
        Table { table, ttl, backups, default_key, replica: Value::Null, witness: Value::Null };
    Ok(Some(Tagged { object, tags }))
}

/// The value of the table of this name, read for `hint`, as the family reads it back; an error
/// when there is none.
async fn table_value(
    this: &AwsDynamodbTable,
    name: &str,
    hint: &Value,
) -> Result<Value, ProviderError> {
    let mut found = table_of(this, name).await?.ok_or_else(|| vanished("DynamoDB Table", name))?;
    TableObject::read_more(this, &mut found.object, hint).await?;
    let region = this.aws.clients().await.region.clone();
    Ok(this.value_of(&found, &region, hint))
}

/// A block of two optional, computed numbers.
fn on_demand_throughput_block() -> Block {
    Block::single(
        "on_demand_throughput",
        Schema::new()
            .attr(Attribute::optional_computed("max_read_request_units", Type::Number))
            .attr(Attribute::optional_computed("max_write_request_units", Type::Number)),
    )
}

/// A table's or an index's `warm_throughput`: at least AWS's defaults.
fn warm_throughput_block() -> Block {
    let at_least = |name, minimum| {
        Attribute::optional_computed(name, Type::Number).check(Check::Range(minimum, i64::MAX))
    };
    Block::single(
        "warm_throughput",
        Schema::new()
            .attr(at_least("read_units_per_second", DEFAULT_WARM_READ))
            .attr(at_least("write_units_per_second", DEFAULT_WARM_WRITE)),
    )
    .computed()
}

/// The table name of a prior or planned value (an import has only `id` and `name`).
fn table_name(value: &Value) -> Option<String> {
    non_empty(value, "name").or_else(|| non_empty(value, "id"))
}

fn billing_mode(value: &Value) -> String {
    non_empty(value, "billing_mode").unwrap_or_else(|| PROVISIONED.to_string())
}

/// A whole-number attribute, 0 when unset (as the provider reads an unset `TypeInt`).
fn capacity(value: &Value, key: &str) -> i64 {
    value.get(key).as_i64().unwrap_or(0)
}

/// A whole-number attribute that is set to something other than 0 (the provider sends only
/// those).
fn nonzero(value: &Value, key: &str) -> Option<i64> {
    value.get(key).as_i64().filter(|n| *n != 0)
}

// ---- AWS reads ----

async fn time_to_live(
    client: &Client,
    name: &str,
) -> Result<Option<TimeToLiveDescription>, ProviderError> {
    match sent!(client.describe_time_to_live().table_name(name)) {
        Ok(output) => Ok(output.time_to_live_description().cloned()),
        Err(error) if is_missing(&error) => Ok(None),
        Err(error) => Err(error.context("reading DynamoDB Table TTL")),
    }
}

// ---- Reading a table into a value ----

/// The GSIs, each in the form its hint's index of the same name uses.
fn global_indexes_value(table: &TableDescription, hint: &Value) -> Value {
    let hinted = blocks(hint, "global_secondary_index");
    Value::List(
        table
            .global_secondary_indexes()
            .iter()
            .map(|index| {
                let hint =
                    hinted.iter().find(|item| item.get("name").as_str() == index.index_name());
                global_index_value(index, hint)
            })
            .collect(),
    )
}

/// An index's `projection_type` and `non_key_attributes`, from its projection.
fn projection_entries(projection: Option<&Projection>) -> [(&'static str, Value); 2] {
    [
        ("projection_type", text(projection.and_then(|p| p.projection_type()).map(|t| t.as_str()))),
        (
            "non_key_attributes",
            string_list(projection.map(|p| p.non_key_attributes()).unwrap_or(&[])),
        ),
    ]
}

fn local_index_value(index: &LocalSecondaryIndexDescription) -> Value {
    let range_key = index
        .key_schema()
        .iter()
        .find(|element| element.key_type().as_str() == "RANGE")
        .map(|element| element.attribute_name());
    let entries = [("name", text(index.index_name())), ("range_key", text(range_key))];
    Value::map(entries.into_iter().chain(projection_entries(index.projection())))
}

/// Whether a GSI's configuration (or prior value) names its keys with `key_schema` blocks.
fn uses_key_schema(index: &Value) -> bool {
    index.get("hash_key").is_null() && !blocks(index, "key_schema").is_empty()
}

fn global_index_value(index: &GlobalSecondaryIndexDescription, hint: Option<&Value>) -> Value {
    let keys: Vec<(&str, &str)> = index
        .key_schema()
        .iter()
        .map(|element| (element.attribute_name(), element.key_type().as_str()))
        .collect();
    let hashes: Vec<&str> =
        keys.iter().filter(|(_, kind)| *kind == "HASH").map(|(name, _)| *name).collect();
    let ranges: Vec<&str> =
        keys.iter().filter(|(_, kind)| *kind == "RANGE").map(|(name, _)| *name).collect();
    // One form only: a GSI in `hash_key` form has no `key_schema` in its value, so a set of
    // GSIs compares equal whatever order the configuration lists them in.
    let schema_form = hint.is_some_and(uses_key_schema) || hashes.len() != 1 || ranges.len() > 1;
    let (hash_key, range_key, key_schema) = if schema_form {
        (
            Value::Null,
            Value::Null,
            Value::List(
                keys.iter()
                    .map(|(name, kind)| {
                        Value::map([
                            ("attribute_name", Value::string(*name)),
                            ("key_type", Value::string(*kind)),
                        ])
                    })
                    .collect(),
            ),
        )
    } else {
        (text(hashes.first().copied()), text(ranges.first().copied()), Value::List(vec![]))
    };
    let (read_capacity, write_capacity) = match index.provisioned_throughput() {
        Some(throughput) => (
            number(Some(throughput.read_capacity_units().unwrap_or(0))),
            number(Some(throughput.write_capacity_units().unwrap_or(0))),
        ),
        None => (Value::Null, Value::Null),
    };
    Value::map(
        [
            ("name", text(index.index_name())),
            ("hash_key", hash_key),
            ("range_key", range_key),
            ("key_schema", key_schema),
            ("read_capacity", read_capacity),
            ("write_capacity", write_capacity),
            (
                "on_demand_throughput",
                on_demand_value(
                    index.on_demand_throughput(),
                    hint.and_then(|h| single(h, "on_demand_throughput")),
                ),
            ),
            (
                "warm_throughput",
                match index.warm_throughput() {
                    Some(warm) => {
                        warm_value(warm.read_units_per_second(), warm.write_units_per_second())
                    }
                    None => Value::List(vec![]),
                },
            ),
        ]
        .into_iter()
        .chain(projection_entries(index.projection())),
    )
}

/// An `on_demand_throughput` block from what AWS reports. A limit removed with -1 reads back
/// as the configured -1; no answer keeps the prior block (see the module comment).
fn on_demand_value(reported: Option<&OnDemandThroughput>, hint: Option<&Value>) -> Value {
    let reads = reported.and_then(|r| r.max_read_request_units());
    let writes = reported.and_then(|r| r.max_write_request_units());
    let limited = |n: Option<i64>| n.is_some_and(|n| n > 0);
    if !limited(reads) && !limited(writes) {
        return match hint {
            Some(block) => Value::List(vec![Value::map([
                ("max_read_request_units", known(block, "max_read_request_units")),
                ("max_write_request_units", known(block, "max_write_request_units")),
            ])]),
            None => Value::List(vec![]),
        };
    }
    let field = |reported: Option<i64>, key: &str| match reported {
        Some(n) if n > 0 => Value::Number(n as f64),
        _ if hint.is_some_and(|block| block.get(key).as_i64() == Some(-1)) => Value::Number(-1.0),
        other => number(other),
    };
    Value::List(vec![Value::map([
        ("max_read_request_units", field(reads, "max_read_request_units")),
        ("max_write_request_units", field(writes, "max_write_request_units")),
    ])])
}

/// A `warm_throughput` block, none for AWS's defaults (or values below the minimums, which AWS
/// reports for a table without warm throughput), as the provider reads it.
fn warm_value(reads: Option<i64>, writes: Option<i64>) -> Value {
    let (r, w) = (reads.unwrap_or(0), writes.unwrap_or(0));
    if (r < DEFAULT_WARM_READ && w < DEFAULT_WARM_WRITE)
        || (r == DEFAULT_WARM_READ && w == DEFAULT_WARM_WRITE)
    {
        return Value::List(vec![]);
    }
    Value::List(vec![Value::map([
        ("read_units_per_second", number(reads)),
        ("write_units_per_second", number(writes)),
    ])])
}

fn encryption_value(table: &TableDescription, default_key: Option<&str>, hint: &Value) -> Value {
    match table.sse_description() {
        Some(description) => {
            let key = description
                .kms_master_key_arn()
                .filter(|arn| Some(*arn) != default_key)
                .unwrap_or("");
            Value::List(vec![Value::map([
                (
                    "enabled",
                    Value::Bool(description.status().map(|s| s.as_str()) == Some("ENABLED")),
                ),
                ("kms_key_arn", Value::string(key)),
            ])])
        }
        // An AWS owned key (no description) is what `enabled = false` asks for: the configured
        // block stays, as the provider treats "disabled" and "absent" alike.
        None => match single(hint, "server_side_encryption") {
            Some(block) if block.get("enabled").as_bool() == Some(false) => {
                Value::List(vec![Value::map([
                    ("enabled", Value::Bool(false)),
                    ("kms_key_arn", known(block, "kms_key_arn")),
                ])])
            }
            _ => Value::List(vec![]),
        },
    }
}

fn ttl_value(ttl: Option<&TimeToLiveDescription>, hint: &Value) -> Value {
    let enabled =
        ttl.and_then(|t| t.time_to_live_status()).map(|status| status.as_str()) == Some("ENABLED");
    let reported = ttl.and_then(|t| t.attribute_name()).filter(|name| !name.is_empty());
    // AWS needs the attribute name to disable TTL but does not report it once disabled: the
    // configured one stays.
    let attribute_name = match (enabled, single(hint, "ttl")) {
        (false, Some(block)) => known(block, "attribute_name"),
        _ => text(reported),
    };
    Value::List(vec![Value::map([
        ("attribute_name", attribute_name),
        ("enabled", Value::Bool(enabled)),
    ])])
}

fn recovery_value(backups: Option<&ContinuousBackupsDescription>, hint: &Value) -> Value {
    let description = backups.and_then(|b| b.point_in_time_recovery_description());
    let enabled =
        description.and_then(|d| d.point_in_time_recovery_status()).map(|status| status.as_str())
            == Some("ENABLED");
    let hinted = || {
        single(hint, "point_in_time_recovery")
            .map(|block| known(block, "recovery_period_in_days"))
            .unwrap_or(Value::Null)
    };
    // The period means nothing while recovery is off: the configured one stays.
    let period = match description.and_then(|d| d.recovery_period_in_days()) {
        Some(days) if enabled => number(Some(i64::from(days))),
        _ => hinted(),
    };
    Value::List(vec![Value::map([
        ("enabled", Value::Bool(enabled)),
        ("recovery_period_in_days", period),
    ])])
}

// ---- Requests from a planned value ----

fn key_element(name: &str, kind: KeyType) -> Result<KeySchemaElement, ProviderError> {
    built(KeySchemaElement::builder().attribute_name(name).key_type(kind).build())
}

/// A GSI's keys as `(attribute, HASH|RANGE)`: its `key_schema` blocks, else `hash_key`; then
/// `range_key`, as the provider expands them.
fn index_keys(index: &Value) -> Vec<(String, String)> {
    let elements = blocks(index, "key_schema");
    let mut keys: Vec<(String, String)> = elements
        .iter()
        .filter_map(|element| {
            Some((non_empty(element, "attribute_name")?, non_empty(element, "key_type")?))
        })
        .collect();
    if elements.is_empty() {
        if let Some(hash) = non_empty(index, "hash_key") {
            keys.push((hash, "HASH".to_string()));
        }
    }
    if let Some(range) = non_empty(index, "range_key") {
        keys.push((range, "RANGE".to_string()));
    }
    keys
}

fn key_elements(keys: &[(String, String)]) -> Result<Vec<KeySchemaElement>, ProviderError> {
    keys.iter().map(|(name, kind)| key_element(name, KeyType::from(kind.as_str()))).collect()
}

fn projection(index: &Value) -> Projection {
    let non_key = strings(index, "non_key_attributes");
    Projection::builder()
        .set_projection_type(
            non_empty(index, "projection_type").map(|t| ProjectionType::from(t.as_str())),
        )
        .set_non_key_attributes((!non_key.is_empty()).then_some(non_key))
        .build()
}

fn provisioned_throughput(reads: i64, writes: i64) -> Result<ProvisionedThroughput, ProviderError> {
    built(
        ProvisionedThroughput::builder()
            .read_capacity_units(reads)
            .write_capacity_units(writes)
            .build(),
    )
}

/// The `on_demand_throughput` block of a table or GSI, if it sets anything.
fn on_demand(value: &Value) -> Option<OnDemandThroughput> {
    let block = single(value, "on_demand_throughput")?;
    let reads = nonzero(block, "max_read_request_units");
    let writes = nonzero(block, "max_write_request_units");
    (reads.is_some() || writes.is_some()).then(|| {
        OnDemandThroughput::builder()
            .set_max_read_request_units(reads)
            .set_max_write_request_units(writes)
            .build()
    })
}

/// The `warm_throughput` block of a table or GSI, if it sets anything.
fn warm(value: &Value) -> Option<WarmThroughput> {
    let block = single(value, "warm_throughput")?;
    let reads = nonzero(block, "read_units_per_second");
    let writes = nonzero(block, "write_units_per_second");
    (reads.is_some() || writes.is_some()).then(|| {
        WarmThroughput::builder()
            .set_read_units_per_second(reads)
            .set_write_units_per_second(writes)
            .build()
    })
}

fn warm_pair(value: &Value) -> (i64, i64) {
    single(value, "warm_throughput")
        .map(|block| {
            (capacity(block, "read_units_per_second"), capacity(block, "write_units_per_second"))
        })
        .unwrap_or((0, 0))
}

fn on_demand_pair(value: &Value) -> (Option<i64>, Option<i64>) {
    single(value, "on_demand_throughput")
        .map(|block| {
            (nonzero(block, "max_read_request_units"), nonzero(block, "max_write_request_units"))
        })
        .unwrap_or((None, None))
}

/// The provider's check of a GSI's capacity before it is created or changed.
fn check_index_capacity(index: &Value, billing: &str) -> Result<(), ProviderError> {
    if billing != PROVISIONED {
        return Ok(());
    }
    if capacity(index, "write_capacity") < 1 {
        return Err(ProviderError::new(format!(
            "failed to create GSI: write capacity must be > 0 when billing mode is {PROVISIONED}"
        )));
    }
    if capacity(index, "read_capacity") < 1 {
        return Err(ProviderError::new(format!(
            "failed to create GSI: read capacity must be > 0 when billing mode is {PROVISIONED}"
        )));
    }
    Ok(())
}

fn index_throughput(index: &Value) -> Result<ProvisionedThroughput, ProviderError> {
    provisioned_throughput(capacity(index, "read_capacity"), capacity(index, "write_capacity"))
}

/// A new global secondary index, as `$Builder` (CreateTable's index or UpdateTable's create
/// action) builds it: provisioned throughput when `billing` is provisioned, else on-demand.
macro_rules! global_index_of {
    ($Builder:ident, $index:expr, $billing:expr) => {{
        let index = $index;
        let builder = $Builder::builder()
            .set_index_name(non_empty(index, "name"))
            .set_key_schema(Some(key_elements(&index_keys(index))?))
            .projection(projection(index))
            .set_warm_throughput(warm(index));
        let builder = if $billing == PROVISIONED {
            builder.provisioned_throughput(index_throughput(index)?)
        } else {
            builder.set_on_demand_throughput(on_demand(index))
        };
        built(builder.build())
    }};
}

fn global_index(index: &Value, billing: &str) -> Result<GlobalSecondaryIndex, ProviderError> {
    global_index_of!(GlobalSecondaryIndex, index, billing)
}

fn create_index_action(
    index: &Value,
    billing: &str,
) -> Result<CreateGlobalSecondaryIndexAction, ProviderError> {
    global_index_of!(CreateGlobalSecondaryIndexAction, index, billing)
}

fn local_index(index: &Value, hash_key: &str) -> Result<LocalSecondaryIndex, ProviderError> {
    // An LSI shares the table's partition key.
    let mut keys = vec![key_element(hash_key, KeyType::Hash)?];
    if let Some(range) = non_empty(index, "range_key") {
        keys.push(key_element(&range, KeyType::Range)?);
    }
    built(
        LocalSecondaryIndex::builder()
            .set_index_name(non_empty(index, "name"))
            .set_key_schema(Some(keys))
            .projection(projection(index))
            .build(),
    )
}

fn attribute_definitions(planned: &Value) -> Result<Vec<AttributeDefinition>, ProviderError> {
    blocks(planned, "attribute")
        .iter()
        .filter_map(|attribute| {
            Some((non_empty(attribute, "name")?, non_empty(attribute, "type")?))
        })
        .map(|(name, kind)| {
            built(
                AttributeDefinition::builder()
                    .attribute_name(name)
                    .attribute_type(ScalarAttributeType::from(kind.as_str()))
                    .build(),
            )
        })
        .collect()
}

/// The `server_side_encryption` block as AWS takes it: a key only when enabled.
fn encryption(value: &Value) -> Option<SseSpecification> {
    let block = single(value, "server_side_encryption")?;
    let enabled = boolean(block, "enabled").unwrap_or(false);
    let key = if enabled { non_empty(block, "kms_key_arn") } else { None };
    Some(
        SseSpecification::builder()
            .enabled(enabled)
            .set_sse_type(key.as_ref().map(|_| SseType::Kms))
            .set_kms_master_key_id(key)
            .build(),
    )
}

fn encryption_disabled(value: &Value) -> bool {
    single(value, "server_side_encryption").and_then(|block| boolean(block, "enabled"))
        != Some(true)
}

fn stream_specification(
    enabled: bool,
    view: Option<String>,
) -> Result<StreamSpecification, ProviderError> {
    built(
        StreamSpecification::builder()
            .stream_enabled(enabled)
            .set_stream_view_type(
                view.filter(|v| !v.is_empty()).map(|v| StreamViewType::from(v.as_str())),
            )
            .build(),
    )
}

/// `(enabled, attribute_name)` of a value's `ttl` block.
fn ttl_settings(value: &Value) -> (bool, Option<String>) {
    match single(value, "ttl") {
        Some(block) => {
            (boolean(block, "enabled").unwrap_or(false), non_empty(block, "attribute_name"))
        }
        None => (false, None),
    }
}

/// `(enabled, recovery_period_in_days)` of a value's `point_in_time_recovery` block.
fn recovery_settings(value: &Value) -> (bool, Option<i32>) {
    match single(value, "point_in_time_recovery") {
        Some(block) => {
            (boolean(block, "enabled").unwrap_or(false), int(block, "recovery_period_in_days"))
        }
        None => (false, None),
    }
}

// ---- GSI changes ----

/// The UpdateTable work for a change of GSIs, in the provider's phases.
#[derive(Default)]
struct IndexChanges {
    /// Deleted first, one a call.
    deletes: Vec<String>,
    /// Capacity (or on-demand throughput) changes, sent with the table's billing change.
    throughput: Vec<UpdateGlobalSecondaryIndexAction>,
    /// Warm throughput raised, one a call.
    warm: Vec<UpdateGlobalSecondaryIndexAction>,
    /// Created last, one a call.
    creates: Vec<CreateGlobalSecondaryIndexAction>,
}

fn index_changes(
    before: &[Value],
    after: &[Value],
    billing: &str,
    switched_to_provisioned: bool,
) -> Result<IndexChanges, ProviderError> {
    let by_name = |items: &[Value]| -> BTreeMap<String, Value> {
        items.iter().filter_map(|item| Some((non_empty(item, "name")?, item.clone()))).collect()
    };
    let old = by_name(before);
    let new = by_name(after);
    for index in new.values() {
        check_index_capacity(index, billing)?;
    }
    let mut changes = IndexChanges::default();
    for (name, index) in &new {
        if !old.contains_key(name) {
            changes.creates.push(create_index_action(index, billing)?);
        }
    }
    for (name, was) in &old {
        let Some(index) = new.get(name) else {
            changes.deletes.push(name.clone());
            continue;
        };
        let non_key = |value: &Value| -> BTreeSet<String> {
            strings(value, "non_key_attributes").into_iter().collect()
        };
        let (old_reads, old_writes) = warm_pair(was);
        let (new_reads, new_writes) = warm_pair(index);
        let warm_changed = (old_reads, old_writes) != (new_reads, new_writes);
        let warm_lowered = warm_changed
            && single(was, "warm_throughput").is_some()
            && single(index, "warm_throughput").is_some()
            && (new_reads < old_reads || new_writes < old_writes);
        let recreate = index_keys(was) != index_keys(index)
            || non_empty(was, "projection_type") != non_empty(index, "projection_type")
            || non_key(was) != non_key(index)
            || warm_lowered;
        if recreate {
            changes.deletes.push(name.clone());
            changes.creates.push(create_index_action(index, billing)?);
            continue;
        }
        let capacity_changed = capacity(was, "read_capacity") != capacity(index, "read_capacity")
            || capacity(was, "write_capacity") != capacity(index, "write_capacity");
        if billing == PROVISIONED && (capacity_changed || switched_to_provisioned) {
            // AWS needs every GSI's capacity when a table turns PROVISIONED.
            changes.throughput.push(built(
                UpdateGlobalSecondaryIndexAction::builder()
                    .index_name(name)
                    .provisioned_throughput(index_throughput(index)?)
                    .build(),
            )?);
        } else if billing == PAY_PER_REQUEST && on_demand_pair(was) != on_demand_pair(index) {
            if let Some(throughput) = on_demand(index) {
                changes.throughput.push(built(
                    UpdateGlobalSecondaryIndexAction::builder()
                        .index_name(name)
                        .on_demand_throughput(throughput)
                        .build(),
                )?);
            }
        }
        if warm_changed {
            if let Some(throughput) = warm(index) {
                changes.warm.push(built(
                    UpdateGlobalSecondaryIndexAction::builder()
                        .index_name(name)
                        .warm_throughput(throughput)
                        .build(),
                )?);
            }
        }
    }
    Ok(changes)
}

// ---- Waits and small calls ----

/// Sends a request that makes a table, waiting for a turn while AWS has too many tables in
/// change at once; a name that is taken is [`Cause::AlreadyExists`].
async fn send_creating<T, F, Fut>(
    name: &str,
    doing: &str,
    timeout: Duration,
    send: F,
) -> Result<T, ProviderError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, ProviderError>>,
{
    wait_for(&format!("DynamoDB to accept the creation of table {name}"), timeout, || {
        let sent = send();
        async move {
            match sent.await {
                Ok(output) => Ok(Some(output)),
                Err(error) if too_many_changes(&error) => Ok(None),
                Err(error) => Err(error),
            }
        }
    })
    .await
    .map_err(|error| {
        let taken = matches!(
            error.code.as_deref(),
            Some("ResourceInUseException" | "TableAlreadyExistsException")
        ) && error.message.to_lowercase().contains("exists");
        let error = error.context(doing);
        if taken {
            error.with_cause(Cause::AlreadyExists)
        } else {
            error
        }
    })
}

async fn send_update(request: UpdateTableFluentBuilder, doing: &str) -> Result<(), ProviderError> {
    request.send().await.map(|_| ()).map_err(|error| aws_error(error).context(doing))
}

/// Waits for the table, and its warm throughput, to be ACTIVE.
async fn wait_table_active(
    client: &Client,
    name: &str,
    timeout: Duration,
) -> Result<(), ProviderError> {
    wait_table(client, name, "to be ACTIVE", timeout, |table| {
        let active = table.table_status().map(|s| s.as_str()) == Some("ACTIVE");
        let warm_active = table
            .warm_throughput()
            .and_then(|warm| warm.status())
            .is_none_or(|status| status.as_str() == "ACTIVE");
        active && warm_active
    })
    .await
}

/// Waits for the named GSIs (and their warm throughput) to be ACTIVE.
async fn wait_indexes_active(
    client: &Client,
    name: &str,
    indexes: Vec<String>,
    timeout: Duration,
) -> Result<(), ProviderError> {
    if indexes.is_empty() {
        return Ok(());
    }
    let what = format!("GSIs ({}) to be ACTIVE", indexes.join(", "));
    wait_table(client, name, &what, timeout, |table| {
        indexes.iter().all(|wanted| {
            table
                .global_secondary_indexes()
                .iter()
                .find(|index| index.index_name() == Some(wanted.as_str()))
                .is_some_and(|index| {
                    index.index_status().map(|s| s.as_str()) == Some("ACTIVE")
                        && index
                            .warm_throughput()
                            .and_then(|warm| warm.status())
                            .is_none_or(|status| status.as_str() == "ACTIVE")
                })
        })
    })
    .await
}

async fn wait_index_deleted(
    client: &Client,
    name: &str,
    index: &str,
    timeout: Duration,
) -> Result<(), ProviderError> {
    let what = format!("GSI ({index}) to be deleted");
    wait_table(client, name, &what, timeout, |table| {
        !table.global_secondary_indexes().iter().any(|i| i.index_name() == Some(index))
    })
    .await
}

async fn wait_encryption_settled(
    client: &Client,
    name: &str,
    timeout: Duration,
) -> Result<(), ProviderError> {
    wait_table(client, name, "SSE update", timeout, |table| {
        let pending = table
            .sse_description()
            .and_then(|d| d.status())
            .is_some_and(|status| matches!(status.as_str(), "ENABLING" | "DISABLING" | "UPDATING"));
        !pending
    })
    .await
}

/// UpdateTimeToLive, then waits for the status it asked for.
async fn update_time_to_live(
    client: &Client,
    name: &str,
    enabled: bool,
    attribute: &str,
    timeout: Duration,
) -> Result<(), ProviderError> {
    let specification = built(
        TimeToLiveSpecification::builder().enabled(enabled).attribute_name(attribute).build(),
    )?;
    sent!(client.update_time_to_live().table_name(name).time_to_live_specification(specification))
        .map_err(|error| error.context("updating Time To Live"))?;
    let wanted = if enabled { "ENABLED" } else { "DISABLED" };
    wait_for(&format!("DynamoDB Table ({name}) Time To Live update"), timeout, || {
        let client = client.clone();
        let name = name.to_string();
        async move {
            let status = time_to_live(&client, &name).await?.and_then(|ttl| {
                ttl.time_to_live_status().map(|status| status.as_str().to_string())
            });
            Ok((status.as_deref() == Some(wanted)).then_some(()))
        }
    })
    .await
}

// ---- Plan-time checks ----

/// Go's `%q` of a list of strings: `["a" "b"]`.
fn quoted_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|item| format!("{item:?}")).collect();
    format!("[{}]", quoted.join(" "))
}

fn validate_streams(config: &Value, problems: &mut Vec<(String, String)>) {
    let enabled = config.get("stream_enabled");
    let view = config.get("stream_view_type");
    if !enabled.is_wholly_known() || !view.is_wholly_known() {
        return;
    }
    let view_set = view.as_str().is_some_and(|v| !v.is_empty());
    if enabled.is_null() && view_set {
        problems.push((
            "stream_view_type".to_string(),
            "Attribute \"stream_enabled\" must be specified when \"stream_view_type\" is specified."
                .to_string(),
        ));
    } else if enabled.as_bool() == Some(true) && !view_set {
        problems.push((
            "stream_enabled".to_string(),
            "Attribute \"stream_view_type\" must be specified when \"stream_enabled\" is \"true\"."
                .to_string(),
        ));
    }
}

fn validate_capacity(config: &Value, problems: &mut Vec<(String, String)>) {
    for key in ["read_capacity", "write_capacity"] {
        let value = config.get(key);
        if value.is_null() {
            continue;
        }
        let (Some(billing), Some(n)) = (config.get("billing_mode").as_str(), value.as_i64()) else {
            continue;
        };
        if billing == PROVISIONED && n < 1 {
            problems.push((
                key.to_string(),
                format!(
                    "Attribute \"{key}\" must be at least 1 when \"billing_mode\" is \"{PROVISIONED}\"."
                ),
            ));
        } else if billing == PAY_PER_REQUEST && n != 0 {
            problems.push((
                key.to_string(),
                format!(
                    "Attribute \"{key}\" cannot be specified when \"billing_mode\" is \"{PAY_PER_REQUEST}\"."
                ),
            ));
        }
    }
}

fn validate_ttl(config: &Value, problems: &mut Vec<(String, String)>) {
    let Some(ttl) = single(config, "ttl") else {
        return;
    };
    let name = ttl.get("attribute_name");
    if ttl.get("enabled").as_bool() != Some(true) || !name.is_wholly_known() {
        return;
    }
    match name.as_str() {
        None => problems.push((
            "ttl[0].enabled".to_string(),
            "Attribute \"ttl[0].attribute_name\" must be specified when \"ttl[0].enabled\" is \"true\"."
                .to_string(),
        )),
        Some("") => problems.push((
            "ttl[0].attribute_name".to_string(),
            "Attribute \"ttl[0].attribute_name\" cannot have an empty value when \"ttl[0].enabled\" is \"true\""
                .to_string(),
        )),
        Some(_) => {}
    }
}

fn validate_global_indexes(config: &Value, problems: &mut Vec<(String, String)>) {
    for (i, index) in blocks(config, "global_secondary_index").iter().enumerate() {
        let path = format!("global_secondary_index[{i}]");
        let key_schema = blocks(index, "key_schema");
        let hash_key = index.get("hash_key");
        if hash_key.is_null() && key_schema.is_empty() {
            problems.push((
                path.clone(),
                "No attribute specified when one (and only one) of [key_schema,hash_key] is required"
                    .to_string(),
            ));
        } else if !hash_key.is_null() && !key_schema.is_empty() {
            problems.push((
                path.clone(),
                "2 attributes specified when one (and only one) of [key_schema,hash_key] is required"
                    .to_string(),
            ));
        }
        if !index.get("range_key").is_null() && !key_schema.is_empty() {
            problems.push((
                format!("{path}.range_key"),
                format!(
                    "Attribute \"{path}.range_key\" cannot be specified when \"{path}.key_schema\" is specified."
                ),
            ));
        }
        if !key_schema.is_empty() {
            let (mut hashes, mut ranges, mut last) = (0, 0, "");
            for (j, element) in key_schema.iter().enumerate() {
                let kind = element.get("key_type").as_str().unwrap_or_default();
                match kind {
                    "HASH" => {
                        if last == "RANGE" {
                            problems.push((
                                format!("{path}.key_schema[{j}]"),
                                format!("All elements of {path}.key_schema with \"key_type\" \"HASH\" must be before elements with \"key_type\" \"RANGE\""),
                            ));
                        }
                        hashes += 1;
                    }
                    "RANGE" => ranges += 1,
                    _ => {}
                }
                last = kind;
            }
            if !(1..=4).contains(&hashes) {
                problems.push((
                    format!("{path}.key_schema"),
                    format!("The attribute \"{path}.key_schema\" must contain at least 1 and at most 4 elements with \"key_type\" \"HASH\", got {hashes}"),
                ));
            }
            if ranges > 4 {
                problems.push((
                    format!("{path}.key_schema"),
                    format!("The attribute \"{path}.key_schema\" must contain at most 4 elements with \"key_type\" \"RANGE\", got {ranges}"),
                ));
            }
        }
    }
}

/// Every attribute definition is a key of the table or an index, and every key is defined.
fn validate_attributes(config: &Value, problems: &mut Vec<(String, String)>) {
    let mut keys: Vec<&Value> = vec![config.get("hash_key"), config.get("range_key")];
    for index in blocks(config, "local_secondary_index") {
        keys.push(index.get("range_key"));
    }
    for index in blocks(config, "global_secondary_index") {
        keys.push(index.get("hash_key"));
        keys.push(index.get("range_key"));
        for element in blocks(index, "key_schema") {
            keys.push(element.get("attribute_name"));
        }
    }
    let definitions: Vec<&Value> =
        blocks(config, "attribute").iter().map(|attribute| attribute.get("name")).collect();
    // An unknown name could be any of them: nothing to say until it is known.
    if keys.iter().chain(definitions.iter()).any(|v| !v.is_wholly_known())
        || !config.get("global_secondary_index").is_wholly_known()
        || !config.get("attribute").is_wholly_known()
    {
        return;
    }
    let mut indexed: BTreeSet<String> = keys
        .iter()
        .filter_map(|v| v.as_str())
        .filter(|name| !name.is_empty())
        .map(str::to_string)
        .collect();
    let mut unused = Vec::new();
    for name in definitions.iter().filter_map(|v| v.as_str()) {
        if !indexed.remove(name) {
            unused.push(name.to_string());
        }
    }
    if !unused.is_empty() {
        unused.sort();
        unused.dedup();
        problems.push((
            "attribute".to_string(),
            format!("all attributes must be indexed. Unused attributes: {}", quoted_list(&unused)),
        ));
    }
    if !indexed.is_empty() {
        let missing: Vec<String> = indexed.into_iter().collect();
        problems.push((
            "attribute".to_string(),
            format!(
                "all indexes must match a defined attribute. Unmatched indexes: {}",
                quoted_list(&missing)
            ),
        ));
    }
}

// ---- Creating a table ----

/// What the calls that make a table take of the plan, checked before any is sent.
struct NewTable {
    billing: String,
    keys: Vec<KeySchemaElement>,
    global: Vec<GlobalSecondaryIndex>,
    local: Vec<LocalSecondaryIndex>,
    definitions: Vec<AttributeDefinition>,
    throughput: Option<ProvisionedThroughput>,
    stream: Option<StreamSpecification>,
}

impl NewTable {
    /// The planned table's keys, indexes, attribute definitions, capacity and stream; `doing`
    /// is the context of a missing hash key or a GSI's capacity problem.
    fn planned(planned: &Value, doing: &str) -> Result<NewTable, ProviderError> {
        let hash_key = non_empty(planned, "hash_key").ok_or_else(|| {
            ProviderError::new(
                "The argument \"hash_key\" is required, but no definition was found.",
            )
            .context(doing)
        })?;
        let billing = billing_mode(planned);

        let mut keys = vec![key_element(&hash_key, KeyType::Hash)?];
        if let Some(range) = non_empty(planned, "range_key") {
            keys.push(key_element(&range, KeyType::Range)?);
        }
        let mut global = Vec::new();
        for index in blocks(planned, "global_secondary_index") {
            check_index_capacity(index, &billing).map_err(|e| e.context(doing))?;
            global.push(global_index(index, &billing)?);
        }
        let local = blocks(planned, "local_secondary_index")
            .iter()
            .map(|index| local_index(index, &hash_key))
            .collect::<Result<Vec<_>, _>>()?;
        let definitions = attribute_definitions(planned)?;
        let throughput = if billing == PROVISIONED {
            Some(provisioned_throughput(
                capacity(planned, "read_capacity"),
                capacity(planned, "write_capacity"),
            )?)
        } else {
            None
        };
        let stream = if boolean(planned, "stream_enabled") == Some(true) {
            Some(stream_specification(true, non_empty(planned, "stream_view_type"))?)
        } else {
            None
        };
        Ok(NewTable { billing, keys, global, local, definitions, throughput, stream })
    }
}

/// A table being made: its client, name and plan, what is being done (the errors' context)
/// and the create timeout.
struct Creation<'a> {
    client: &'a Client,
    operation: &'a Operation,
    planned: &'a Value,
    name: &'a str,
    doing: &'a str,
    timeout: Duration,
}

impl Creation<'_> {
    /// CreateTable, with everything it takes.
    async fn create_table(&self, table: NewTable) -> Result<(), ProviderError> {
        let planned = self.planned;
        let request = self
            .client
            .create_table()
            .table_name(self.name)
            .billing_mode(BillingMode::from(table.billing.as_str()))
            .set_key_schema(Some(table.keys))
            .set_attribute_definitions((!table.definitions.is_empty()).then_some(table.definitions))
            .set_provisioned_throughput(table.throughput)
            .set_global_secondary_indexes((!table.global.is_empty()).then_some(table.global))
            .set_local_secondary_indexes((!table.local.is_empty()).then_some(table.local))
            .set_stream_specification(table.stream)
            .set_sse_specification(encryption(planned))
            .set_table_class(
                non_empty(planned, "table_class").map(|class| TableClass::from(class.as_str())),
            )
            .set_deletion_protection_enabled(
                (boolean(planned, "deletion_protection_enabled") == Some(true)).then_some(true),
            )
            .set_on_demand_throughput(on_demand(planned))
            .set_warm_throughput(warm(planned))
            .set_tags(Some(sdk_tags(&self.operation.tags_with_managed(planned))?));
        send_creating(self.name, self.doing, self.timeout, || {
            let request = request.clone();
            async move { sent!(request) }
        })
        .await?;
        Ok(())
    }

    /// RestoreTableToPointInTime, with the overrides it takes; as the provider sends it:
    /// capacities only when both are set.
    async fn restore_table(&self, table: NewTable) -> Result<(), ProviderError> {
        let planned = self.planned;
        let both_capacities = nonzero(planned, "read_capacity").is_some()
            && nonzero(planned, "write_capacity").is_some();
        let request = table_source::restore_request(self.client, self.name, planned)?
            .billing_mode_override(BillingMode::from(table.billing.as_str()))
            .set_provisioned_throughput_override(table.throughput.filter(|_| both_capacities))
            .set_global_secondary_index_override((!table.global.is_empty()).then_some(table.global))
            .set_local_secondary_index_override((!table.local.is_empty()).then_some(table.local))
            .set_sse_specification_override(encryption(planned));
        send_creating(self.name, self.doing, self.timeout, || {
            let request = request.clone();
            async move { sent!(request) }
        })
        .await?;
        Ok(())
    }

    /// ImportTable of the `import_table` block; returns the import's ARN.
    async fn import_table(
        &self,
        import: &Value,
        table: NewTable,
    ) -> Result<Option<String>, ProviderError> {
        let planned = self.planned;
        let parameters = built(
            TableCreationParameters::builder()
                .table_name(self.name)
                .billing_mode(BillingMode::from(table.billing.as_str()))
                .set_key_schema(Some(table.keys))
                .set_attribute_definitions(Some(table.definitions))
                .set_provisioned_throughput(table.throughput)
                .set_sse_specification(encryption(planned))
                .set_global_secondary_indexes((!table.global.is_empty()).then_some(table.global))
                .set_on_demand_throughput(on_demand(planned))
                .build(),
        )?;
        let request = table_source::import_request(
            self.client,
            import,
            client_token(self.operation, planned),
        )?
        .table_creation_parameters(parameters);
        let output = send_creating(self.name, self.doing, self.timeout, || {
            let request = request.clone();
            async move { sent!(request) }
        })
        .await?;
        Ok(output.import_table_description().and_then(|d| d.import_arn()).map(str::to_string))
    }

    /// Waits for the new table and its GSIs to be ACTIVE.
    async fn wait_active(&self) -> Result<(), ProviderError> {
        let (client, name, timeout) = (self.client, self.name, self.timeout);
        let waiting = format!("waiting for DynamoDB Table ({name}) creation");
        wait_table_active(client, name, timeout).await.map_err(|e| e.context(&waiting))?;
        let index_names = blocks(self.planned, "global_secondary_index")
            .iter()
            .filter_map(|index| non_empty(index, "name"))
            .collect();
        wait_indexes_active(client, name, index_names, timeout)
            .await
            .map_err(|e| e.context(&waiting))
    }

    /// Puts the managed tags on a restored or imported table.
    async fn tag_made_table(&self) -> Result<(), ProviderError> {
        let arn = describe_table(self.client, self.name)
            .await?
            .and_then(|table| table.table_arn().map(str::to_string))
            .ok_or_else(|| vanished("DynamoDB Table", self.name))?;
        sent!(self
            .client
            .tag_resource()
            .resource_arn(&arn)
            .set_tags(Some(sdk_tags(&self.operation.tags_with_managed(self.planned),)?)))
        .map_err(|e| e.context(&format!("{}: tagging", self.doing)))?;
        Ok(())
    }

    /// Turns TTL and point-in-time recovery on where planned: CreateTable takes neither.
    async fn enable_ttl_and_recovery(&self) -> Result<(), ProviderError> {
        let (client, name, timeout, doing) = (self.client, self.name, self.timeout, self.doing);
        let (ttl_enabled, ttl_attribute) = ttl_settings(self.planned);
        if ttl_enabled {
            let attribute = ttl_attribute.unwrap_or_default();
            update_time_to_live(client, name, true, &attribute, timeout)
                .await
                .map_err(|e| e.context(&format!("{doing}: enabling TTL")))?;
        }
        let (recovery_enabled, period) = recovery_settings(self.planned);
        if recovery_enabled {
            update_recovery(client, name, true, period, timeout)
                .await
                .map_err(|e| e.context(&format!("{doing}: enabling point in time recovery")))?;
        }
        Ok(())
    }
}

// ---- Updating a table, one change after another ----

/// A table being updated from `prior` to `planned`: its client and name, what is being done
/// (the errors' context) and the update timeout.
struct TableUpdate<'a> {
    client: &'a Client,
    name: &'a str,
    doing: &'a str,
    timeout: Duration,
    prior: &'a Value,
    planned: &'a Value,
}

impl TableUpdate<'_> {
    fn changed(&self, key: &str) -> bool {
        changed(self.prior, self.planned, key)
    }

    /// Whether the billing mode changes to PROVISIONED.
    fn switched_to_provisioned(&self) -> bool {
        let new_billing = billing_mode(self.planned);
        new_billing != billing_mode(self.prior) && new_billing == PROVISIONED
    }

    /// The GSI work, when the GSIs change or the table switches to PROVISIONED.
    fn index_changes(&self) -> Result<IndexChanges, ProviderError> {
        let switched_to_provisioned = self.switched_to_provisioned();
        if !self.changed("global_secondary_index") && !switched_to_provisioned {
            return Ok(IndexChanges::default());
        }
        index_changes(
            blocks(self.prior, "global_secondary_index"),
            blocks(self.planned, "global_secondary_index"),
            &billing_mode(self.planned),
            switched_to_provisioned,
        )
        .map_err(|e| e.context(self.doing))
    }

    /// An UpdateTable of the table.
    fn request(&self) -> UpdateTableFluentBuilder {
        self.client.update_table().table_name(self.name)
    }

    async fn wait_active(&self) -> Result<(), ProviderError> {
        wait_table_active(self.client, self.name, self.timeout).await
    }

    /// Sends one UpdateTable and waits for the table to be ACTIVE again.
    async fn update_and_wait(
        &self,
        request: UpdateTableFluentBuilder,
        doing: &str,
    ) -> Result<(), ProviderError> {
        send_update(request, doing).await?;
        self.wait_active().await
    }

    async fn wait_indexes_active(&self, indexes: Vec<String>) -> Result<(), ProviderError> {
        wait_indexes_active(self.client, self.name, indexes, self.timeout).await
    }

    async fn delete_indexes(&self, deletes: &[String]) -> Result<(), ProviderError> {
        for index in deletes {
            let delete =
                built(DeleteGlobalSecondaryIndexAction::builder().index_name(index).build())?;
            send_update(
                self.request().global_secondary_index_updates(
                    GlobalSecondaryIndexUpdate::builder().delete(delete).build(),
                ),
                &format!("{}: deleting GSI ({index})", self.doing),
            )
            .await?;
            wait_index_deleted(self.client, self.name, index, self.timeout).await?;
        }
        Ok(())
    }

    /// The table class changes alone.
    async fn change_table_class(&self) -> Result<(), ProviderError> {
        if self.changed("table_class") {
            if let Some(class) = non_empty(self.planned, "table_class") {
                self.update_and_wait(
                    self.request().table_class(TableClass::from(class.as_str())),
                    &format!("{} table class", self.doing),
                )
                .await?;
            }
        }
        Ok(())
    }

    /// Billing mode and capacity, the table's and its GSIs' (`throughput`) together.
    async fn change_capacity(
        &self,
        throughput: &[UpdateGlobalSecondaryIndexAction],
    ) -> Result<(), ProviderError> {
        let (prior, planned) = (self.prior, self.planned);
        let new_billing = billing_mode(planned);
        let old_billing = billing_mode(prior);
        let capacity_changed = ["billing_mode", "read_capacity", "write_capacity"]
            .iter()
            .any(|key| changed(prior, planned, key));
        if !capacity_changed && throughput.is_empty() {
            return Ok(());
        }
        let mut request = self.request();
        if capacity_changed {
            request = request.billing_mode(BillingMode::from(new_billing.as_str()));
            if new_billing == PROVISIONED {
                // Switching from on-demand with capacity left to autoscaling: AWS needs
                // some, the provider sends 1.
                let units = |key: &str| match capacity(planned, key) {
                    0 if old_billing == PAY_PER_REQUEST => 1,
                    n => n,
                };
                request = request.provisioned_throughput(provisioned_throughput(
                    units("read_capacity"),
                    units("write_capacity"),
                )?);
            }
        }
        for update in throughput {
            request = request.global_secondary_index_updates(
                GlobalSecondaryIndexUpdate::builder().update(update.clone()).build(),
            );
        }
        self.update_and_wait(request, self.doing).await?;
        let touched = throughput.iter().map(|update| update.index_name().to_string()).collect();
        self.wait_indexes_active(touched).await
    }

    async fn change_deletion_protection(&self) -> Result<(), ProviderError> {
        if self.changed("deletion_protection_enabled") {
            self.update_and_wait(
                self.request().deletion_protection_enabled(
                    boolean(self.planned, "deletion_protection_enabled").unwrap_or(false),
                ),
                self.doing,
            )
            .await?;
        }
        Ok(())
    }

    async fn change_on_demand_throughput(&self) -> Result<(), ProviderError> {
        if self.changed("on_demand_throughput") {
            if let Some(throughput) = on_demand(self.planned) {
                self.update_and_wait(self.request().on_demand_throughput(throughput), self.doing)
                    .await?;
            }
        }
        Ok(())
    }

    async fn change_stream(&self) -> Result<(), ProviderError> {
        let planned = self.planned;
        let stream_enabled = boolean(planned, "stream_enabled").unwrap_or(false);
        let view = non_empty(planned, "stream_view_type");
        if self.changed("stream_enabled") {
            let view = if stream_enabled { view } else { None };
            self.update_and_wait(
                self.request().stream_specification(stream_specification(stream_enabled, view)?),
                self.doing,
            )
            .await?;
        } else if stream_enabled && view.is_some() && self.changed("stream_view_type") {
            // An enabled stream's view type cannot change: it is disabled and enabled again.
            let cycling = format!("{}: cycling stream enabled", self.doing);
            self.update_and_wait(
                self.request().stream_specification(stream_specification(false, None)?),
                &cycling,
            )
            .await?;
            self.update_and_wait(
                self.request().stream_specification(stream_specification(true, view)?),
                &cycling,
            )
            .await?;
        }
        Ok(())
    }

    /// The GSIs' raised warm throughput, one GSI a call.
    async fn raise_index_warm_throughput(
        &self,
        warm: &[UpdateGlobalSecondaryIndexAction],
    ) -> Result<(), ProviderError> {
        for update in warm {
            let index = update.index_name().to_string();
            send_update(
                self.request().global_secondary_index_updates(
                    GlobalSecondaryIndexUpdate::builder().update(update.clone()).build(),
                ),
                &format!("{}: updating GSI for warm throughput ({index})", self.doing),
            )
            .await?;
            self.wait_indexes_active(vec![index]).await?;
        }
        Ok(())
    }

    /// The new GSIs, one a call, each with the planned attribute definitions.
    async fn create_indexes(
        &self,
        creates: &[CreateGlobalSecondaryIndexAction],
    ) -> Result<(), ProviderError> {
        if creates.is_empty() {
            return Ok(());
        }
        let definitions = attribute_definitions(self.planned)?;
        for create in creates {
            let index = create.index_name().to_string();
            send_update(
                self.request()
                    .set_attribute_definitions(Some(definitions.clone()))
                    .global_secondary_index_updates(
                        GlobalSecondaryIndexUpdate::builder().create(create.clone()).build(),
                    ),
                &format!("{}: creating GSI ({index})", self.doing),
            )
            .await?;
            self.wait_indexes_active(vec![index]).await?;
        }
        Ok(())
    }

    async fn change_encryption(&self) -> Result<(), ProviderError> {
        let (prior, planned) = (self.prior, self.planned);
        // "Disabled" and "absent" are the same AWS owned key: nothing to send between them.
        if !self.changed("server_side_encryption")
            || (encryption_disabled(prior) && encryption_disabled(planned))
        {
            return Ok(());
        }
        let (client, name, timeout) = (self.client, self.name, self.timeout);
        let sse = format!("{} SSE", self.doing);
        let key =
            single(planned, "server_side_encryption").and_then(|e| non_empty(e, "kms_key_arn"));
        let own_region = client.config().region().map(|r| r.to_string());
        match (key, own_region) {
            // A global table's key goes to each region through ReplicaUpdates (the
            // provider's request), then every replica's encryption settles.
            (Some(key), Some(own_region)) if !blocks(planned, "replica").is_empty() => {
                send_update(
                    self.request().set_replica_updates(Some(replicas::key_updates(
                        planned,
                        &own_region,
                        &key,
                    )?)),
                    &sse,
                )
                .await?;
                replicas::wait_encryption_settled(client, name, planned, timeout).await?;
                wait_encryption_settled(client, name, timeout).await?;
            }
            _ => {
                if let Some(specification) = encryption(planned) {
                    send_update(self.request().sse_specification(specification), &sse).await?;
                    wait_encryption_settled(client, name, timeout).await?;
                }
            }
        }
        Ok(())
    }

    async fn change_ttl(&self) -> Result<(), ProviderError> {
        if self.changed("ttl") {
            let (was_enabled, old_attribute) = ttl_settings(self.prior);
            let (enabled, attribute) = ttl_settings(self.planned);
            // AWS takes a change of state (or of the attribute while enabled); a disabled
            // TTL's attribute name is only remembered.
            if enabled != was_enabled || (enabled && attribute != old_attribute) {
                let attribute = attribute.or(old_attribute).unwrap_or_default();
                update_time_to_live(self.client, self.name, enabled, &attribute, self.timeout)
                    .await
                    .map_err(|e| e.context(self.doing))?;
            }
        }
        Ok(())
    }

    /// The replicas, and the tags they carry.
    async fn change_replicas(&self) -> Result<(), ProviderError> {
        let (prior, planned) = (self.prior, self.planned);
        if self.changed("replica") {
            replicas::update(self.client, self.name, prior, planned, self.timeout)
                .await
                .map_err(|e| e.context(self.doing))?;
        }
        if (self.changed("replica") || self.changed("tags_all"))
            && !blocks(planned, "replica").is_empty()
        {
            let arn = non_empty(prior, "arn").unwrap_or_default();
            replicas::propagate_tags(self.client, &arn, planned).await?;
        }
        Ok(())
    }

    async fn change_tags(&self) -> Result<(), ProviderError> {
        let (to_set, to_remove) = tag_changes(self.prior, self.planned);
        if to_set.is_empty() && to_remove.is_empty() {
            return Ok(());
        }
        let doing = self.doing;
        let arn = non_empty(self.prior, "arn")
            .ok_or_else(|| ProviderError::new("aws_dynamodb_table has no arn in state"))?;
        if !to_remove.is_empty() {
            sent!(self.client.untag_resource().resource_arn(&arn).set_tag_keys(Some(to_remove)))
                .map_err(|e| e.context(&format!("{doing}: untagging")))?;
        }
        if !to_set.is_empty() {
            sent!(self.client.tag_resource().resource_arn(&arn).set_tags(Some(sdk_tags(&to_set)?)))
                .map_err(|e| e.context(&format!("{doing}: tagging")))?;
        }
        Ok(())
    }

    async fn change_recovery(&self) -> Result<(), ProviderError> {
        if self.changed("point_in_time_recovery") {
            let (was_enabled, _) = recovery_settings(self.prior);
            let (enabled, period) = recovery_settings(self.planned);
            if enabled || was_enabled {
                update_recovery(self.client, self.name, enabled, period, self.timeout)
                    .await
                    .map_err(|e| e.context(self.doing))?;
            }
        }
        Ok(())
    }

    async fn change_warm_throughput(&self) -> Result<(), ProviderError> {
        if self.changed("warm_throughput") {
            if let Some(throughput) = warm(self.planned) {
                self.update_and_wait(
                    self.request().warm_throughput(throughput),
                    &format!("{}: warm throughput", self.doing),
                )
                .await?;
            }
        }
        Ok(())
    }
}

impl AwsObject for TableObject {
    type Object = Table;
    const NAME: &'static str = "aws_dynamodb_table";
    const KIND: &'static str = "DynamoDB Table";
    const KEY: &'static str = "name";

    fn attributes() -> Vec<Declared<Table>> {
        let [replica, witness] = replicas::blocks_owned();
        let mut declared = table_attributes();
        declared.extend(stream_and_class_attributes());
        // The origin's arguments follow the tags.
        declared.extend(tag_attributes().map(Declared::unread));
        declared.extend(key_and_index_blocks());
        declared.extend(settings_blocks());
        declared.extend(table_source::arguments());
        declared.push(read_block(replica, |t: &Table, _: &Reading| t.replica.clone()));
        declared.push(read_block(witness, |t: &Table, _: &Reading| t.witness.clone()));
        declared
    }

    fn schema(schema: Schema) -> Schema {
        schema.timeouts(&["create", "update", "delete"]).version(1)
    }

    fn default_timeouts() -> Timeouts {
        Timeouts::minutes(30, 60, 10)
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        validate_streams(config, &mut problems);
        validate_capacity(config, &mut problems);
        validate_ttl(config, &mut problems);
        validate_global_indexes(config, &mut problems);
        validate_attributes(config, &mut problems);
        table_source::validate(config, &mut problems);
        replicas::validate(config, &mut problems);
        problems
    }

    /// A table's warm throughput only goes up: a lower one is a new table.
    fn replacing_changes(
        _this: &ObjectType<Self>,
        prior: &Value,
        planned: &Value,
        changed: &[String],
    ) -> Vec<String> {
        let mut paths = Vec::new();
        for key in ["read_units_per_second", "write_units_per_second"] {
            let path = format!("warm_throughput[0].{key}");
            if !changed.contains(&path) {
                continue;
            }
            let before = single(prior, "warm_throughput").map_or(0, |w| capacity(w, key));
            let after = single(planned, "warm_throughput").map_or(0, |w| capacity(w, key));
            if after != 0 && after < before {
                paths.push(path);
            }
        }
        paths
    }

    /// The table name, else `id` (an import holds both).
    fn key_of(value: &Value) -> Option<String> {
        table_name(value)
    }

    /// Table names are unique in a region: a lost create's table is the planned name's, when
    /// it carries the managed tags.
    fn created_key(_operation: &Operation, planned: &Value) -> Option<String> {
        non_empty(planned, "name")
    }

    /// Each table read whole (DynamoDB has no batched describe), several at once.
    async fn describe(this: &ObjectType<Self>, names: &[String]) -> DescribeResult<Table> {
        each_key(names, |name| table_of(this, name)).await
    }

    /// The replicas and the witness, read for the prior (or plan) they are read for.
    async fn read_more(
        this: &AwsDynamodbTable,
        table: &mut Table,
        prior: &Value,
    ) -> Result<(), ProviderError> {
        let clients = this.aws.clients().await;
        let (replica, witness) =
            replicas::read(&clients.dynamodb, &clients.kms, &table.table, prior).await?;
        table.replica = replica;
        table.witness = witness;
        Ok(())
    }

    async fn create_written(at: Creating<'_, Self>) -> Result<Tagged<Table>, ProviderError> {
        let client = at.this.aws.clients().await.dynamodb.clone();
        let name = non_empty(at.planned, "name")
            .ok_or_else(|| ProviderError::new("aws_dynamodb_table needs a known \"name\""))?;
        let doing = format!("creating DynamoDB Table ({name})");
        let table = NewTable::planned(at.planned, &doing)?;
        let creation = Creation {
            client: &client,
            operation: at.operation,
            planned: at.planned,
            name: &name,
            doing: &doing,
            timeout: at.operation.timeouts.create,
        };
        let source = table_source::source_of(at.planned);
        let import_arn = match source {
            Source::Empty => {
                creation.create_table(table).await?;
                None
            }
            Source::Restore => {
                creation.restore_table(table).await?;
                None
            }
            Source::Import(import) => creation.import_table(import, table).await?,
        };
        if let Some(import_arn) = &import_arn {
            table_source::wait_import_completed(&client, import_arn, creation.timeout)
                .await
                .map_err(|e| e.context(&doing))?;
        }
        creation.wait_active().await?;

        if !matches!(source, Source::Empty) {
            // RestoreTableToPointInTime and ImportTable take no tags and few of the settings:
            // the managed tags go on first (a run stopped from here finds the table by them),
            // then the table is updated to the rest of its configuration.
            creation.tag_made_table().await?;
            let made = table_value(at.this, &name, at.planned).await?;
            return Self::update_written(at.then_update(&name, &made)).await;
        }
        creation.enable_ttl_and_recovery().await?;
        let new_replicas: Vec<&Value> = blocks(at.planned, "replica").iter().collect();
        if !new_replicas.is_empty() {
            let witness = replicas::witness(at.planned);
            replicas::create(&client, &name, &new_replicas, witness.as_deref(), creation.timeout)
                .await
                .map_err(|e| e.context(&format!("{doing}: replicas")))?;
            let made = table_value(at.this, &name, at.planned).await?;
            let arn = non_empty(&made, "arn").unwrap_or_default();
            replicas::propagate_tags(&client, &arn, at.planned).await?;
        }
        Self::written(at.this, &name).await
    }

    /// UpdateTable takes one kind of change a call: each in the provider's order (see the
    /// module comment), then TTL, replicas, tags, recovery and warm throughput.
    async fn update_written(at: Updating<'_, Self>) -> Result<Tagged<Table>, ProviderError> {
        let name = at.key;
        let client = at.this.aws.clients().await.dynamodb.clone();
        let doing = format!("updating DynamoDB Table ({name})");
        let update = TableUpdate {
            client: &client,
            name,
            doing: &doing,
            timeout: at.operation.timeouts.update,
            prior: at.prior,
            planned: at.planned,
        };
        let indexes = update.index_changes()?;
        // GSIs go first, one at a time (AWS deletes one online index at a time), so a switch
        // to PROVISIONED never needs capacity for an index that is going away.
        update.delete_indexes(&indexes.deletes).await?;
        update.change_table_class().await?;
        update.change_capacity(&indexes.throughput).await?;
        update.change_deletion_protection().await?;
        update.change_on_demand_throughput().await?;
        update.change_stream().await?;
        update.raise_index_warm_throughput(&indexes.warm).await?;
        update.create_indexes(&indexes.creates).await?;
        update.change_encryption().await?;
        update.change_ttl().await?;
        update.change_replicas().await?;
        update.change_tags().await?;
        update.change_recovery().await?;
        update.change_warm_throughput().await?;
        Self::written(at.this, name).await
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let name = at.key;
        let client = at.this.aws.clients().await.dynamodb.clone();
        let timeout = at.operation.timeouts.delete;
        let doing = format!("deleting DynamoDB Table ({name})");
        let old_replicas: Vec<&Value> = blocks(at.prior, "replica").iter().collect();
        if !old_replicas.is_empty() {
            let witness = replicas::witness(at.prior);
            replicas::delete(&client, name, &old_replicas, witness.as_deref(), true, timeout)
                .await
                .map_err(|e| e.context(&doing))?;
        }
        // A table still settling from an update, or too many tables changing at once in the
        // account, refuses the delete for now.
        let deleting =
            wait_for(&format!("DynamoDB Table ({name}) to accept deletion"), timeout, || {
                let client = client.clone();
                async move {
                    match sent!(client.delete_table().table_name(name)) {
                        Ok(_) => Ok(Some(true)),
                        Err(error) if is_missing(&error) => Ok(Some(false)),
                        Err(error)
                            if error.code.as_deref() == Some("ResourceInUseException")
                                || too_many_changes(&error) =>
                        {
                            Ok(None)
                        }
                        Err(error) => Err(error),
                    }
                }
            })
            .await
            .map_err(|e| e.context(&doing))?;
        if !deleting {
            return Ok(());
        }
        wait_for(&format!("DynamoDB Table ({name}) to be deleted"), timeout, || {
            let client = client.clone();
            async move { Ok(describe_table(&client, name).await?.is_none().then_some(())) }
        })
        .await
        .map_err(|e| e.context(&format!("waiting for DynamoDB Table ({name}) deletion")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use infra_core::ResourceType;

    fn table() -> AwsDynamodbTable {
        AwsDynamodbTable::new(crate::Aws::new(crate::ProviderSettings::default()))
    }

    fn attribute(name: &str, kind: &str) -> Value {
        Value::map([("name", Value::string(name)), ("type", Value::string(kind))])
    }

    #[test]
    fn every_attribute_is_a_key_and_every_key_is_defined() {
        let config = Value::map([
            ("name", Value::string("orders")),
            ("hash_key", Value::string("customer")),
            ("attribute", Value::List(vec![attribute("customer", "S"), attribute("spare", "N")])),
            (
                "global_secondary_index",
                Value::List(vec![Value::map([
                    ("name", Value::string("by-status")),
                    ("hash_key", Value::string("status")),
                    ("projection_type", Value::string("ALL")),
                ])]),
            ),
        ]);
        let problems = table().validate(&config);
        let messages: Vec<&str> = problems.iter().map(|(_, m)| m.as_str()).collect();
        assert!(
            messages.contains(&"all attributes must be indexed. Unused attributes: [\"spare\"]"),
            "{messages:?}"
        );
        assert!(
            messages.contains(
                &"all indexes must match a defined attribute. Unmatched indexes: [\"status\"]"
            ),
            "{messages:?}"
        );
    }

    #[test]
    fn streams_need_a_view_type_and_ttl_an_attribute() {
        let config = Value::map([
            ("stream_enabled", Value::Bool(true)),
            ("ttl", Value::List(vec![Value::map([("enabled", Value::Bool(true))])])),
        ]);
        let paths: Vec<String> =
            table().validate(&config).into_iter().map(|(path, _)| path).collect();
        assert!(paths.contains(&"stream_enabled".to_string()), "{paths:?}");
        assert!(paths.contains(&"ttl[0].enabled".to_string()), "{paths:?}");
    }

    #[test]
    fn gsi_keys_read_back_in_the_configured_form() {
        let description = GlobalSecondaryIndexDescription::builder()
            .index_name("by-status")
            .key_schema(key_element("status", KeyType::Hash).expect("key"))
            .key_schema(key_element("total", KeyType::Range).expect("key"))
            .build();
        let plain = global_index_value(&description, None);
        assert_eq!(plain.get("hash_key").as_str(), Some("status"));
        assert_eq!(plain.get("range_key").as_str(), Some("total"));
        assert_eq!(plain.get("key_schema"), &Value::List(vec![]));
        let hint = Value::map([(
            "key_schema",
            Value::List(vec![Value::map([
                ("attribute_name", Value::string("status")),
                ("key_type", Value::string("HASH")),
            ])]),
        )]);
        let schema_form = global_index_value(&description, Some(&hint));
        assert!(schema_form.get("hash_key").is_null());
        assert_eq!(blocks(&schema_form, "key_schema").len(), 2);
        assert_eq!(index_keys(&schema_form), index_keys(&plain), "both forms name the same keys");
    }

    #[test]
    fn aws_default_warm_throughput_reads_as_none() {
        assert_eq!(warm_value(Some(12_000), Some(4_000)), Value::List(vec![]));
        assert_eq!(warm_value(Some(5), Some(5)), Value::List(vec![]));
        assert_eq!(warm_value(Some(15_000), Some(4_000)).as_list().map(|l| l.len()), Some(1));
    }

    #[test]
    fn lowering_warm_throughput_replaces_the_table() {
        let warm = |reads: f64| {
            Value::map([(
                "warm_throughput",
                Value::List(vec![Value::map([
                    ("read_units_per_second", Value::Number(reads)),
                    ("write_units_per_second", Value::Number(4_000.0)),
                ])]),
            )])
        };
        let changed = vec!["warm_throughput[0].read_units_per_second".to_string()];
        assert_eq!(table().replacing_changes(&warm(20_000.0), &warm(15_000.0), &changed), changed);
        assert!(table().replacing_changes(&warm(15_000.0), &warm(20_000.0), &changed).is_empty());
    }
}
