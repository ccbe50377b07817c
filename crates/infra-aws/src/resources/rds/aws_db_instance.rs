//! `aws_db_instance`: an RDS database instance.
//!
//! Refresh is one DescribeDBInstances with a `db-instance-id` filter listing every identifier
//! (tags come in the answer). Create is CreateDBInstance, or CreateDBInstanceReadReplica
//! (`replicate_source_db`), RestoreDBInstanceFromDBSnapshot (`snapshot_identifier`) or
//! RestoreDBInstanceToPointInTime (`restore_to_point_in_time`) followed by one
//! ModifyDBInstance for the arguments those calls do not take; it waits for `available`.
//! Update is one ModifyDBInstance with every changed argument; removing `replicate_source_db`
//! promotes the replica (PromoteReadReplica).
//!
//! `password`, `skip_final_snapshot`, `final_snapshot_identifier`, `apply_immediately`,
//! `allow_major_version_upgrade`, `delete_automated_backups`, `identifier_prefix`,
//! `snapshot_identifier`, `upgrade_storage_config` and `restore_to_point_in_time` are
//! configuration only: AWS never reports them, so they are copied from the prior value.
//! `maintenance_window` is compared case-insensitively (AWS reports it in lower case), and
//! `allocated_storage` growth by storage autoscaling (`max_allocated_storage` set) is not
//! drift.
//!
//! `blue_green_update { enabled = true }` and `s3_import` are refused at plan time: low-downtime
//! updates through RDS Blue/Green deployments and restores from S3 are not implemented.
//!
//! moto does not return `performance_insights_enabled`, `performance_insights_kms_key_id`,
//! `performance_insights_retention_period`, `network_type`, `multi_tenant`,
//! `dedicated_log_volume`, `engine_lifecycle_support`, `customer_owned_ip_enabled`,
//! `backup_target`, `custom_iam_instance_profile`, `replica_mode`, `nchar_character_set_name`,
//! `timezone`, `hosted_zone_id`, `listener_endpoint` or `database_insights_mode`, so drift on them is not seen in tests;
//! and it keeps reporting a promoted replica's source, so a promotion is checked by its call.
//!
//! The type is an [`AwsObject`] keyed by `identifier` (the import ID): each attribute is
//! declared once with how it is read from the `DbInstance` (or kept from the prior value), and
//! the family reads, finds a lost create (the generated identifier, with the operation's
//! managed tags) and imports. What is particular stays here: the create variants, the waits,
//! the one ModifyDBInstance, the promotion and the final snapshot on delete.

use std::collections::BTreeMap;

use aws_sdk_rds::operation::modify_db_instance::builders::ModifyDBInstanceFluentBuilder;
use aws_sdk_rds::types::{
    CloudwatchLogsExportConfiguration, DatabaseInsightsMode, DbInstance, DomainMembership, Filter,
    ReplicaMode, Tag,
};
use aws_smithy_types::date_time::Format as DateTimeFormat;
use infra_core::{
    Attribute, Block, Check, Operation, ProviderError, Schema, Timeouts, Type, Value,
};

use crate::app_support::{
    blocks, boolean, changed, int, non_empty, number, sent, sent_unless_gone, single, string,
    string_list, strings, text, vanished, wait_for,
};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, ObjectType, Tagged, Updating,
};
use crate::declared::{copied, read, read_block, string as text_of, string_or_empty, switch};
use crate::declared::{Declared, Reading};
use crate::ec2_support::{name_for_create, with_name_for_create};
use crate::error::{aws_error, is_not_found};
use crate::rds_support::{master_user_secret, tags_from_sdk, tags_to_sdk, update_tags};
use crate::tagging::ManagedTags;

/// Identifiers per `db-instance-id` filter.
const IDENTIFIERS_PER_CALL: usize = 100;

/// Where a create's identifier comes from: `identifier`, else `identifier_prefix`, else
/// `terraform-`, plus a unique suffix.
const IDENTIFIER_ARGUMENTS: [&str; 2] = ["identifier", "identifier_prefix"];
const GENERATED_PREFIX: &str = "terraform-";

pub type AwsDbInstance = ObjectType<InstanceObject>;

pub struct InstanceObject;

impl AwsDbInstance {
    /// Instances by identifier, via the `db-instance-id` filter (missing ones are skipped):
    /// the family's describe, and the `aws_db_instance` data source's.
    pub(crate) async fn describe(
        &self,
        identifiers: &[String],
    ) -> Result<BTreeMap<String, DbInstance>, ProviderError> {
        let client = &self.aws.clients().await.rds;
        let mut out = BTreeMap::new();
        for chunk in identifiers.chunks(IDENTIFIERS_PER_CALL) {
            let filter =
                Filter::builder().name("db-instance-id").set_values(Some(chunk.to_vec())).build();
            let mut pages = client.describe_db_instances().filters(filter).into_paginator().send();
            while let Some(page) = pages.next().await {
                let page = match page.map_err(aws_error) {
                    Ok(page) => page,
                    Err(error) if is_not_found(&error) => break,
                    Err(error) => return Err(error),
                };
                for instance in page.db_instances() {
                    if let Some(identifier) = instance.db_instance_identifier() {
                        if chunk.iter().any(|c| c == identifier) {
                            out.insert(identifier.to_string(), instance.clone());
                        }
                    }
                }
            }
        }
        Ok(out)
    }
}

/// Waits until the instance is `available`; a failed status ends the wait with an error.
async fn wait_available(
    this: &AwsDbInstance,
    identifier: &str,
    timeout: std::time::Duration,
) -> Result<Tagged<DbInstance>, ProviderError> {
    wait_for(&format!("DB instance {identifier} to be available"), timeout, || async {
        let Some(found) = this.found(identifier).await? else {
            return Err(vanished("DB instance", identifier));
        };
        match found.object.db_instance_status() {
            Some("available") => Ok(Some(found)),
            Some(
                status @ ("failed"
                | "incompatible-parameters"
                | "incompatible-network"
                | "storage-full"),
            ) => Err(ProviderError::with_code(
                "InvalidDBInstanceState",
                format!("DB instance {identifier} is {status}"),
            )),
            _ => Ok(None),
        }
    })
    .await
}

// ---- The attributes, in groups, each with how it is read ----

/// An optional boolean with a default.
fn defaulted_bool(name: &'static str, default: bool) -> Attribute {
    Attribute::optional(name, Type::Bool).default(Value::Bool(default))
}

/// A boolean AWS reports, `default` where it leaves it out.
fn flag(
    attribute: Attribute,
    get: fn(&DbInstance) -> Option<bool>,
    default: bool,
) -> Declared<DbInstance> {
    read(attribute, move |instance: &DbInstance, _: &Reading| {
        Value::Bool(get(instance).unwrap_or(default))
    })
}

/// A boolean AWS reports only when set: `false` reads as null while the prior value leaves
/// it null.
fn optional_flag(
    attribute: Attribute,
    get: fn(&DbInstance) -> Option<bool>,
) -> Declared<DbInstance> {
    let name = attribute.name;
    read(attribute, move |instance: &DbInstance, at: &Reading| {
        match (get(instance).unwrap_or(false), at.prior.get(name).as_bool()) {
            (false, None) => Value::Null,
            (reported, _) => Value::Bool(reported),
        }
    })
}

/// A number AWS reports as an integer.
fn integer(attribute: Attribute, get: fn(&DbInstance) -> Option<i32>) -> Declared<DbInstance> {
    read(attribute, move |instance: &DbInstance, _: &Reading| number(get(instance).map(i64::from)))
}

/// A configuration-only block AWS does not report: the prior value's blocks, else none.
fn kept_block(block: Block) -> Declared<DbInstance> {
    let name = block.name;
    read_block(block, move |_: &DbInstance, at: &Reading| match at.prior.get(name) {
        kept @ Value::List(_) => kept.clone(),
        _ => Value::List(vec![]),
    })
}

/// What only AWS sets: identifiers, endpoints, status and the managed secret.
fn reported_attributes() -> Vec<Declared<DbInstance>> {
    let computed = |name| Attribute::computed(name, Type::String);
    vec![
        // Provider 5.0 (schema version 2) made `id` the DbiResourceId; the identifier is
        // `identifier` (and what every call here uses).
        text_of(computed("id"), DbInstance::dbi_resource_id),
        text_of(computed("arn"), DbInstance::db_instance_arn),
        text_of(computed("address"), |instance| instance.endpoint().and_then(|e| e.address())),
        read(computed("endpoint"), |instance: &DbInstance, _: &Reading| {
            let address = instance.endpoint().and_then(|e| e.address());
            match (address, instance_port(instance)) {
                (Some(address), Some(port)) => Value::string(format!("{address}:{port}")),
                (Some(address), None) => Value::string(address),
                _ => Value::Null,
            }
        }),
        text_of(computed("hosted_zone_id"), |instance| {
            instance.endpoint().and_then(|e| e.hosted_zone_id())
        }),
        text_of(computed("resource_id"), DbInstance::dbi_resource_id),
        text_of(computed("status"), DbInstance::db_instance_status),
        text_of(computed("engine_version_actual"), DbInstance::engine_version),
        read(
            computed("latest_restorable_time").volatile(),
            |instance: &DbInstance, _: &Reading| {
                text(instance.latest_restorable_time().map(|t| t.to_string()).as_deref())
            },
        ),
        read(
            Attribute::computed("listener_endpoint", Type::list(Type::map(Type::String))),
            |instance: &DbInstance, _: &Reading| {
                Value::List(
                    instance
                        .listener_endpoint()
                        .map(|e| {
                            Value::map([
                                ("address", text(e.address())),
                                ("hosted_zone_id", text(e.hosted_zone_id())),
                                ("port", number(e.port().map(i64::from))),
                            ])
                        })
                        .into_iter()
                        .collect(),
                )
            },
        ),
        read(
            Attribute::computed("master_user_secret", Type::list(Type::map(Type::String))),
            |instance: &DbInstance, _: &Reading| master_user_secret(instance.master_user_secret()),
        ),
    ]
}

/// The instance's name, engine and class.
fn instance_attributes() -> Vec<Declared<DbInstance>> {
    vec![
        string_or_empty(
            Attribute::optional_computed("identifier", Type::String)
                .force_new()
                .conflicts_with(&["identifier_prefix"]),
            DbInstance::db_instance_identifier,
        ),
        copied(
            Attribute::optional("identifier_prefix", Type::String)
                .force_new()
                .conflicts_with(&["identifier"]),
        ),
        text_of(
            Attribute::optional_computed("engine", Type::String).force_new(),
            DbInstance::engine,
        ),
        read(
            Attribute::optional_computed("engine_version", Type::String),
            |instance: &DbInstance, at: &Reading| {
                engine_version(instance.engine_version(), at.prior.get("engine_version"))
            },
        ),
        text_of(
            Attribute::optional_computed("engine_lifecycle_support", Type::String).check(
                Check::OneOf(&[
                    "open-source-rds-extended-support",
                    "open-source-rds-extended-support-disabled",
                ]),
            ),
            DbInstance::engine_lifecycle_support,
        ),
        text_of(Attribute::required("instance_class", Type::String), DbInstance::db_instance_class),
    ]
}

fn storage_attributes() -> Vec<Declared<DbInstance>> {
    vec![
        read(
            Attribute::optional_computed("allocated_storage", Type::Number),
            |instance: &DbInstance, at: &Reading| allocated_storage(instance, at.prior),
        ),
        integer(
            Attribute::optional("max_allocated_storage", Type::Number),
            DbInstance::max_allocated_storage,
        ),
        text_of(
            Attribute::optional_computed("storage_type", Type::String)
                .check(Check::OneOf(&["standard", "gp2", "gp3", "io1", "io2"])),
            DbInstance::storage_type,
        ),
        integer(Attribute::optional_computed("iops", Type::Number), DbInstance::iops),
        integer(
            Attribute::optional_computed("storage_throughput", Type::Number),
            DbInstance::storage_throughput,
        ),
        flag(
            Attribute::optional_computed("storage_encrypted", Type::Bool).force_new(),
            DbInstance::storage_encrypted,
            false,
        ),
        text_of(
            Attribute::optional_computed("kms_key_id", Type::String).force_new(),
            DbInstance::kms_key_id,
        ),
        flag(
            defaulted_bool("dedicated_log_volume", false),
            DbInstance::dedicated_log_volume,
            false,
        ),
        copied(Attribute::optional("upgrade_storage_config", Type::Bool)),
    ]
}

/// The database name, the master user and its password.
fn credential_attributes() -> Vec<Declared<DbInstance>> {
    vec![
        text_of(
            Attribute::optional_computed("db_name", Type::String).force_new(),
            DbInstance::db_name,
        ),
        text_of(
            Attribute::optional_computed("username", Type::String).force_new(),
            DbInstance::master_username,
        ),
        copied(
            Attribute::optional("password", Type::String)
                .sensitive()
                .conflicts_with(&["manage_master_user_password", "password_wo"]),
        ),
        // Terraform 1.11's write-only password: sent, never stored; a new
        // `password_wo_version` sends it again.
        Declared::unread(
            Attribute::optional("password_wo", Type::String)
                .write_only()
                .conflicts_with(&["manage_master_user_password", "password"]),
        ),
        copied(
            Attribute::optional("password_wo_version", Type::Number)
                .required_with(&["password_wo"]),
        ),
        read(
            Attribute::optional("manage_master_user_password", Type::Bool)
                .conflicts_with(&["password", "password_wo"]),
            |instance: &DbInstance, at: &Reading| match (
                instance.master_user_secret(),
                at.prior.get("manage_master_user_password").as_bool(),
            ) {
                (Some(_), _) => Value::Bool(true),
                (None, Some(true)) => Value::Bool(false),
                (None, configured) => configured.map(Value::Bool).unwrap_or(Value::Null),
            },
        ),
        text_of(
            Attribute::optional_computed("master_user_secret_kms_key_id", Type::String),
            |instance| instance.master_user_secret().and_then(|s| s.kms_key_id()),
        ),
    ]
}

fn network_attributes() -> Vec<Declared<DbInstance>> {
    vec![
        read(
            Attribute::optional_computed("port", Type::Number).check(Check::Port),
            |instance: &DbInstance, _: &Reading| number(instance_port(instance).map(i64::from)),
        ),
        text_of(
            Attribute::optional_computed("db_subnet_group_name", Type::String).force_new(),
            |instance| instance.db_subnet_group().and_then(|g| g.db_subnet_group_name()),
        ),
        read(
            Attribute::optional_computed("vpc_security_group_ids", Type::set(Type::String)),
            |instance: &DbInstance, _: &Reading| {
                string_list(
                    instance.vpc_security_groups().iter().filter_map(|g| g.vpc_security_group_id()),
                )
            },
        ),
        text_of(
            Attribute::optional_computed("availability_zone", Type::String).force_new(),
            DbInstance::availability_zone,
        ),
        flag(Attribute::optional_computed("multi_az", Type::Bool), DbInstance::multi_az, false),
        flag(
            Attribute::optional_computed("multi_tenant", Type::Bool),
            DbInstance::multi_tenant,
            false,
        ),
        text_of(
            Attribute::optional_computed("network_type", Type::String)
                .check(Check::OneOf(&["IPV4", "DUAL"])),
            DbInstance::network_type,
        ),
        flag(defaulted_bool("publicly_accessible", false), DbInstance::publicly_accessible, false),
        optional_flag(
            Attribute::optional("customer_owned_ip_enabled", Type::Bool),
            DbInstance::customer_owned_ip_enabled,
        ),
    ]
}

fn backup_and_maintenance_attributes() -> Vec<Declared<DbInstance>> {
    vec![
        text_of(
            Attribute::optional_computed("backup_target", Type::String)
                .force_new()
                .check(Check::OneOf(&["region", "outposts"])),
            DbInstance::backup_target,
        ),
        integer(
            Attribute::optional_computed("backup_retention_period", Type::Number)
                .check(Check::Range(0, 35)),
            DbInstance::backup_retention_period,
        ),
        text_of(
            Attribute::optional_computed("backup_window", Type::String),
            DbInstance::preferred_backup_window,
        ),
        // AWS reports it in lower case (and `normalize` writes the configuration's so).
        read(
            Attribute::optional_computed("maintenance_window", Type::String),
            |instance: &DbInstance, _: &Reading| {
                text(instance.preferred_maintenance_window().map(str::to_lowercase).as_deref())
            },
        ),
        flag(
            defaulted_bool("copy_tags_to_snapshot", false),
            DbInstance::copy_tags_to_snapshot,
            false,
        ),
        switch(defaulted_bool("delete_automated_backups", true)),
        flag(
            defaulted_bool("auto_minor_version_upgrade", true),
            DbInstance::auto_minor_version_upgrade,
            true,
        ),
        copied(Attribute::optional("allow_major_version_upgrade", Type::Bool)),
    ]
}

/// The certificate, option and parameter groups, license, character sets, timezone and IAM
/// authentication.
fn database_settings_attributes() -> Vec<Declared<DbInstance>> {
    let setting = |name| Attribute::optional_computed(name, Type::String);
    vec![
        text_of(setting("ca_cert_identifier"), DbInstance::ca_certificate_identifier),
        text_of(setting("option_group_name"), |instance| {
            instance.option_group_memberships().first().and_then(|g| g.option_group_name())
        }),
        text_of(setting("parameter_group_name"), |instance| {
            instance.db_parameter_groups().first().and_then(|g| g.db_parameter_group_name())
        }),
        text_of(setting("license_model"), DbInstance::license_model),
        text_of(setting("character_set_name").force_new(), DbInstance::character_set_name),
        text_of(
            setting("nchar_character_set_name").force_new(),
            DbInstance::nchar_character_set_name,
        ),
        text_of(setting("timezone").force_new(), DbInstance::timezone),
        optional_flag(
            Attribute::optional("iam_database_authentication_enabled", Type::Bool),
            DbInstance::iam_database_authentication_enabled,
        ),
    ]
}

/// Performance and Database Insights, enhanced monitoring and log exports.
fn monitoring_attributes() -> Vec<Declared<DbInstance>> {
    vec![
        flag(
            defaulted_bool("performance_insights_enabled", false),
            DbInstance::performance_insights_enabled,
            false,
        ),
        text_of(
            Attribute::optional_computed("database_insights_mode", Type::String)
                .check(Check::OneOf(&["standard", "advanced"])),
            |instance| instance.database_insights_mode().map(|m| m.as_str()),
        ),
        text_of(
            Attribute::optional_computed("performance_insights_kms_key_id", Type::String),
            DbInstance::performance_insights_kms_key_id,
        ),
        integer(
            Attribute::optional_computed("performance_insights_retention_period", Type::Number),
            DbInstance::performance_insights_retention_period,
        ),
        read(
            Attribute::optional("monitoring_interval", Type::Number)
                .default(Value::Number(0.0))
                .check(Check::OneOfNumbers(&[0, 1, 5, 10, 15, 30, 60])),
            |instance: &DbInstance, _: &Reading| {
                number(Some(instance.monitoring_interval().map(i64::from).unwrap_or(0)))
            },
        ),
        text_of(
            Attribute::optional_computed("monitoring_role_arn", Type::String),
            DbInstance::monitoring_role_arn,
        ),
        read(
            Attribute::optional("enabled_cloudwatch_logs_exports", Type::set(Type::String)),
            |instance: &DbInstance, at: &Reading| {
                let exports = instance.enabled_cloudwatch_logs_exports();
                match exports.is_empty()
                    && at.prior.get("enabled_cloudwatch_logs_exports").is_null()
                {
                    true => Value::Null,
                    false => string_list(exports),
                }
            },
        ),
    ]
}

/// The instance's Active Directory domain: its first membership.
fn membership(instance: &DbInstance) -> Option<&DomainMembership> {
    instance.domain_memberships().first()
}

/// The Active Directory domain.
fn domain_attributes() -> Vec<Declared<DbInstance>> {
    let setting = |name| Attribute::optional_computed(name, Type::String);
    vec![
        text_of(setting("domain"), |instance| membership(instance).and_then(|d| d.domain())),
        text_of(Attribute::optional("domain_iam_role_name", Type::String), |instance| {
            membership(instance).and_then(|d| d.iam_role_name())
        }),
        text_of(setting("domain_fqdn"), |instance| membership(instance).and_then(|d| d.fqdn())),
        text_of(setting("domain_ou"), |instance| membership(instance).and_then(|d| d.ou())),
        text_of(setting("domain_auth_secret_arn"), |instance| {
            membership(instance).and_then(|d| d.auth_secret_arn())
        }),
        read(
            Attribute::optional_computed("domain_dns_ips", Type::list(Type::String)),
            |instance: &DbInstance, _: &Reading| {
                string_list(membership(instance).map(|d| d.dns_ips()).unwrap_or_default())
            },
        ),
    ]
}

/// The RDS Custom instance profile, read replicas and the snapshot to restore.
fn replication_attributes() -> Vec<Declared<DbInstance>> {
    vec![
        text_of(
            Attribute::optional("custom_iam_instance_profile", Type::String).force_new(),
            DbInstance::custom_iam_instance_profile,
        ),
        text_of(
            Attribute::optional_computed("replica_mode", Type::String)
                .check(Check::OneOf(&["mounted", "open-read-only"])),
            |instance| instance.replica_mode().map(|m| m.as_str()),
        ),
        read(
            Attribute::optional("replicate_source_db", Type::String),
            |instance: &DbInstance, at: &Reading| {
                replica_source(
                    instance.read_replica_source_db_instance_identifier(),
                    at.prior.get("replicate_source_db"),
                )
            },
        ),
        read(
            Attribute::computed("replicas", Type::list(Type::String)),
            |instance: &DbInstance, _: &Reading| {
                string_list(instance.read_replica_db_instance_identifiers())
            },
        ),
        text_of(Attribute::computed("upgrade_rollout_order", Type::String), |instance| {
            instance.upgrade_rollout_order().map(|o| o.as_str())
        }),
        copied(Attribute::optional("snapshot_identifier", Type::String).force_new()),
    ]
}

/// Deletion protection, the final snapshot, and when modifications apply.
fn lifecycle_attributes() -> Vec<Declared<DbInstance>> {
    vec![
        flag(defaulted_bool("deletion_protection", false), DbInstance::deletion_protection, false),
        switch(defaulted_bool("skip_final_snapshot", false)),
        copied(Attribute::optional("final_snapshot_identifier", Type::String)),
        switch(defaulted_bool("apply_immediately", false)),
    ]
}

/// The blocks, configuration only.
fn blocks_kept() -> Vec<Declared<DbInstance>> {
    vec![
        kept_block(restore_to_point_in_time_block()),
        kept_block(Block::single(
            "blue_green_update",
            Schema::new().attr(defaulted_bool("enabled", false)),
        )),
        kept_block(s3_import_block()),
    ]
}

fn restore_to_point_in_time_block() -> Block {
    Block::single(
        "restore_to_point_in_time",
        Schema::new()
            .attr(
                Attribute::optional("restore_time", Type::String)
                    .conflicts_with(&["restore_to_point_in_time.0.use_latest_restorable_time"]),
            )
            .attr(Attribute::optional("source_db_instance_identifier", Type::String))
            .attr(Attribute::optional("source_db_instance_automated_backups_arn", Type::String))
            .attr(Attribute::optional("source_dbi_resource_id", Type::String))
            .attr(
                defaulted_bool("use_latest_restorable_time", false)
                    .conflicts_with(&["restore_to_point_in_time.0.restore_time"]),
            ),
    )
    .force_new()
}

fn s3_import_block() -> Block {
    Block::single(
        "s3_import",
        Schema::new()
            .attr(Attribute::required("bucket_name", Type::String))
            .attr(Attribute::optional("bucket_prefix", Type::String))
            .attr(Attribute::required("ingestion_role", Type::String))
            .attr(Attribute::required("source_engine", Type::String))
            .attr(Attribute::required("source_engine_version", Type::String)),
    )
    .force_new()
}

/// The port the instance listens on: its endpoint's, else the instance's own (0 is none).
fn instance_port(instance: &DbInstance) -> Option<i32> {
    instance.endpoint().and_then(|e| e.port()).or(instance.db_instance_port().filter(|p| *p != 0))
}

/// `reported` unless `configured` is a prefix of it at a version boundary ("16" for "16.3"),
/// which AWS resolves to the latest minor version.
fn engine_version(reported: Option<&str>, configured: &Value) -> Value {
    match (reported, configured.as_str()) {
        (Some(reported), Some(configured)) if reported.starts_with(&format!("{configured}.")) => {
            Value::string(configured)
        }
        (reported, _) => text(reported),
    }
}

/// The allocated storage; with storage autoscaling on, growth past the size the prior value
/// holds is not drift.
fn allocated_storage(instance: &DbInstance, prior: &Value) -> Value {
    let allocated = instance.allocated_storage().map(i64::from);
    let maximum = instance.max_allocated_storage().map(i64::from);
    match (allocated, prior.get("allocated_storage").as_i64()) {
        (Some(now), Some(configured)) if maximum.unwrap_or(0) > 0 && now > configured => {
            number(Some(configured))
        }
        (allocated, _) => number(allocated),
    }
}

/// The replica's source: AWS reports an identifier for a same-region source and an ARN for a
/// cross-region one; the configuration may use either for the same database.
fn replica_source(reported: Option<&str>, configured: &Value) -> Value {
    match (reported, configured.as_str()) {
        (Some(reported), Some(configured))
            if configured == reported
                || configured.ends_with(&format!(":db:{reported}"))
                || reported.ends_with(&format!(":db:{configured}")) =>
        {
            Value::string(configured)
        }
        (reported, _) => text(reported),
    }
}

impl AwsObject for InstanceObject {
    type Object = DbInstance;
    const NAME: &'static str = "aws_db_instance";
    const KIND: &'static str = "DB instance";
    const KEY: &'static str = "identifier";

    fn attributes() -> Vec<Declared<DbInstance>> {
        [
            reported_attributes(),
            instance_attributes(),
            storage_attributes(),
            credential_attributes(),
            network_attributes(),
            backup_and_maintenance_attributes(),
            database_settings_attributes(),
            monitoring_attributes(),
            domain_attributes(),
            replication_attributes(),
            lifecycle_attributes(),
            blocks_kept(),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    fn schema(schema: Schema) -> Schema {
        schema.timeouts(&["create", "update", "delete"]).version(2)
    }

    fn default_timeouts() -> Timeouts {
        Timeouts::minutes(40, 80, 60)
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        validate(config)
    }

    /// AWS reports the maintenance window in lower case.
    fn normalize(value: &mut Value) {
        if let Some(object) = value.map_mut() {
            if let Some(Value::String(window)) = object.get_mut("maintenance_window") {
                *window = window.to_lowercase();
            }
        }
    }

    /// The provider's `InstanceStateUpgradeV0` and `V1`: 0→1 adds `delete_automated_backups`
    /// (true), 1→2 makes `id` the DbiResourceId (`resource_id`).
    fn upgrade_state(from: u64, mut value: Value) -> Result<Value, String> {
        if let Some(entries) = value.map_mut() {
            match from {
                0 => {
                    entries.insert("delete_automated_backups".into(), Value::Bool(true));
                }
                1 => {
                    let resource_id = entries.get("resource_id").cloned().unwrap_or_default();
                    entries.insert("id".into(), resource_id);
                }
                _ => {}
            }
        }
        Ok(value)
    }

    /// The generated `identifier` goes into the create's pending entry ([`with_name_for_create`]).
    fn with_generated_names(operation: &Operation, planned: Value) -> Value {
        with_name_for_create(operation, planned, IDENTIFIER_ARGUMENTS, GENERATED_PREFIX)
    }

    /// The identifier the create gives the instance (configured, from `identifier_prefix`, or
    /// generated): what a lost create is found by.
    fn created_key(operation: &Operation, planned: &Value) -> Option<String> {
        Some(name_for_create(operation, planned, IDENTIFIER_ARGUMENTS, GENERATED_PREFIX))
    }

    async fn describe(
        this: &ObjectType<Self>,
        identifiers: &[String],
    ) -> DescribeResult<DbInstance> {
        Ok(this
            .describe(identifiers)
            .await?
            .into_iter()
            .map(|(identifier, instance)| {
                let tags = tags_from_sdk(instance.tag_list());
                let found = Tagged { object: instance, tags };
                (identifier, found)
            })
            .collect())
    }

    /// The create call of its kind, the wait for `available`, and after a restore or a
    /// replica's creation the ModifyDBInstance of what those calls do not take.
    async fn create_written(at: Creating<'_, Self>) -> Result<Tagged<DbInstance>, ProviderError> {
        let client = &at.this.aws.clients().await.rds;
        let identifier =
            name_for_create(at.operation, at.planned, IDENTIFIER_ARGUMENTS, GENERATED_PREFIX);
        let arguments = CreateArguments::new(at.operation, at.planned);
        // Restores and replicas take fewer arguments; the rest follow in a ModifyDBInstance.
        let follow_up = if let Some(source) = non_empty(at.planned, "replicate_source_db") {
            create_read_replica(client, &identifier, source, at.planned, arguments).await?;
            true
        } else if let Some(snapshot) = non_empty(at.planned, "snapshot_identifier") {
            restore_from_snapshot(client, &identifier, snapshot, at.planned, arguments).await?;
            true
        } else if let Some(pitr) = single(at.planned, "restore_to_point_in_time") {
            restore_to_point_in_time(client, &identifier, pitr, at.planned, arguments).await?;
            true
        } else {
            create_instance(client, &identifier, at.planned, arguments).await?;
            false
        };
        let mut found = wait_available(at.this, &identifier, at.operation.timeouts.create).await?;
        if follow_up {
            found = modify_after_restore(
                at.this,
                &identifier,
                found,
                at.planned,
                at.operation.timeouts.create,
            )
            .await?;
        }
        Ok(found)
    }

    /// The promotion (when `replicate_source_db` goes), one ModifyDBInstance, the tags, and
    /// the wait for `available`.
    async fn update_written(at: Updating<'_, Self>) -> Result<Tagged<DbInstance>, ProviderError> {
        let identifier = at.key;
        let client = &at.this.aws.clients().await.rds;
        match (
            non_empty(at.prior, "replicate_source_db"),
            non_empty(at.planned, "replicate_source_db"),
        ) {
            (Some(_), None) => {
                // Removing the source promotes the replica to a standalone instance.
                sent!(client
                    .promote_read_replica()
                    .db_instance_identifier(identifier)
                    .set_backup_retention_period(int(at.planned, "backup_retention_period"))
                    .set_preferred_backup_window(string(at.planned, "backup_window")))?;
                wait_available(at.this, identifier, at.operation.timeouts.update).await?;
            }
            (Some(before), Some(after)) if before != after => {
                return Err(ProviderError::with_code(
                    "InvalidParameterCombination",
                    format!("DB instance \"{identifier}\": a read replica cannot change its replicate_source_db ({before} to {after}); remove it to promote the replica"),
                ));
            }
            (None, Some(after)) => {
                return Err(ProviderError::with_code(
                    "InvalidParameterCombination",
                    format!("DB instance \"{identifier}\" is not a read replica: replicate_source_db = \"{after}\" only applies when the instance is created"),
                ));
            }
            _ => {}
        }
        let immediately = boolean(at.planned, "apply_immediately").unwrap_or(false);
        modify(at.this, identifier, at.prior, at.planned, immediately).await?;
        if let Some(arn) = string(at.prior, "arn") {
            update_tags(client, &arn, at.prior, at.planned).await?;
        }
        wait_available(at.this, identifier, at.operation.timeouts.update).await
    }

    /// DeleteDBInstance (with the final snapshot, unless skipped), then the wait until the
    /// instance is gone.
    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let identifier = at.key;
        let client = &at.this.aws.clients().await.rds;
        let skip = boolean(at.prior, "skip_final_snapshot").unwrap_or(false);
        let snapshot = string(at.prior, "final_snapshot_identifier").filter(|s| !s.is_empty());
        // AWS refuses this too; moto does not, and would silently drop the data.
        if !skip && snapshot.is_none() {
            return Err(ProviderError::with_code(
                "InvalidParameterCombination",
                format!("DB instance \"{identifier}\": final_snapshot_identifier is required when skip_final_snapshot is false"),
            ));
        }
        let request = client
            .delete_db_instance()
            .db_instance_identifier(identifier)
            .skip_final_snapshot(skip)
            .set_delete_automated_backups(boolean(at.prior, "delete_automated_backups"))
            .set_final_db_snapshot_identifier(if skip { None } else { snapshot });
        if !sent_unless_gone(sent!(request), is_not_found)? {
            return Ok(());
        }
        // Its subnet group and security groups cannot go while the instance still exists.
        let identifiers = [identifier.to_string()];
        wait_for(
            &format!("DB instance {identifier} to be deleted"),
            at.operation.timeouts.delete,
            || async { Ok(at.this.describe(&identifiers).await?.is_empty().then_some(())) },
        )
        .await
    }
}

/// The provider's plan-time checks beyond the schema's.
fn validate(config: &Value) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    if let Some(identifier) = config.get("identifier").as_str() {
        let valid = !identifier.is_empty()
            && identifier.len() <= 63
            && identifier.starts_with(|c: char| c.is_ascii_lowercase())
            && identifier.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !identifier.ends_with('-')
            && !identifier.contains("--");
        if !valid {
            problems.push((
                "identifier".to_string(),
                format!("\"{identifier}\": only lowercase alphanumeric characters and hyphens allowed, starting with a letter, no trailing or double hyphen, at most 63 characters"),
            ));
        }
    }
    if let (Some(allocated), Some(maximum)) =
        (config.get("allocated_storage").as_i64(), config.get("max_allocated_storage").as_i64())
    {
        if maximum != 0 && maximum < allocated {
            problems.push((
                "max_allocated_storage".to_string(),
                format!("max_allocated_storage ({maximum}) must be at least allocated_storage ({allocated})"),
            ));
        }
    }
    let set = |key: &str| !config.get(key).is_null();
    let restored = set("replicate_source_db")
        || set("snapshot_identifier")
        || !blocks(config, "restore_to_point_in_time").is_empty();
    if !restored && !set("engine") {
        problems.push((
            "engine".to_string(),
            "The argument \"engine\" is required unless \"snapshot_identifier\", \"replicate_source_db\" or \"restore_to_point_in_time\" is set.".to_string(),
        ));
    }
    if let Some(days) = config.get("performance_insights_retention_period").as_i64() {
        if !(days == 7 || days == 731 || (days > 0 && days % 31 == 0)) {
            problems.push((
                "performance_insights_retention_period".to_string(),
                format!("performance_insights_retention_period ({days}) must be 7, 731 or a multiple of 31"),
            ));
        }
    }
    let restores = single(config, "restore_to_point_in_time").is_some();
    if restores && (set("identifier_prefix") || !set("identifier")) {
        problems.push((
            "identifier".to_string(),
            "\"identifier\" is required with \"restore_to_point_in_time\"".to_string(),
        ));
    }
    if single(config, "blue_green_update").is_some_and(|b| b.get("enabled").as_bool() == Some(true))
    {
        problems.push((
            "blue_green_update".to_string(),
            "blue_green_update { enabled = true } (low-downtime updates through RDS Blue/Green deployments) is not supported by infra yet; remove it or set enabled = false".to_string(),
        ));
    }
    if single(config, "s3_import").is_some() {
        problems.push((
            "s3_import".to_string(),
            "s3_import (restoring a MySQL backup from S3) is not supported by infra yet"
                .to_string(),
        ));
    }
    problems
}

/// One ModifyDBInstance with every argument that differs between `prior` and `planned` (null
/// or unknown planned values are left as they are). Returns whether it was sent.
async fn modify(
    this: &AwsDbInstance,
    identifier: &str,
    prior: &Value,
    planned: &Value,
    immediately: bool,
) -> Result<bool, ProviderError> {
    let client = &this.aws.clients().await.rds;
    let request = client
        .modify_db_instance()
        .db_instance_identifier(identifier)
        .apply_immediately(immediately);
    // In this order: a later group may set an argument an earlier one set.
    let modification = Modification { prior, planned, request, any: false }
        .settings()
        .engine_and_storage()
        .access()
        .monitoring()
        .log_exports()
        .domain()
        .replica_mode();
    if modification.any {
        sent!(modification.request)?;
    }
    Ok(modification.any)
}

/// After a restore or a replica's creation: one ModifyDBInstance with what those calls do not
/// take, and the wait for it when one was sent.
async fn modify_after_restore(
    this: &AwsDbInstance,
    identifier: &str,
    found: Tagged<DbInstance>,
    planned: &Value,
    timeout: std::time::Duration,
) -> Result<Tagged<DbInstance>, ProviderError> {
    let region = this.aws.clients().await.region.clone();
    let mut current = this.value_of(&found, &region, planned);
    if let Some(object) = current.map_mut() {
        // The password is not part of a restore or a replica: set it afterwards.
        object.insert("password".into(), Value::Null);
        object.insert("password_wo_version".into(), Value::Null);
    }
    if modify(this, identifier, &current, planned, true).await? {
        return wait_available(this, identifier, timeout).await;
    }
    Ok(found)
}

/// A ModifyDBInstance being built from the changes between `prior` and `planned`, and whether
/// any argument is on it yet.
struct Modification<'a> {
    prior: &'a Value,
    planned: &'a Value,
    request: ModifyDBInstanceFluentBuilder,
    any: bool,
}

impl Modification<'_> {
    /// Whether `key` changed to a value that is known and not null.
    fn known_change(&self, key: &str) -> bool {
        changed(self.prior, self.planned, key)
            && !self.planned.get(key).is_unknown()
            && !self.planned.get(key).is_null()
    }

    fn any_change(&self, keys: &[&str]) -> bool {
        keys.iter().any(|key| self.known_change(key))
    }

    /// The arguments sent as planned when they change.
    fn settings(mut self) -> Self {
        let planned = self.planned;
        macro_rules! send_if_changed {
            ($($key:literal => $setter:ident($read:ident)),* $(,)?) => {
                $(if self.known_change($key) {
                    self.request = self.request.$setter($read(planned, $key));
                    self.any = true;
                })*
            };
        }
        send_if_changed!(
            "instance_class" => set_db_instance_class(string),
            "dedicated_log_volume" => set_dedicated_log_volume(boolean),
            "port" => set_db_port_number(int),
            "multi_az" => set_multi_az(boolean),
            "multi_tenant" => set_multi_tenant(boolean),
            "network_type" => set_network_type(string),
            "publicly_accessible" => set_publicly_accessible(boolean),
            "customer_owned_ip_enabled" => set_enable_customer_owned_ip(boolean),
            "backup_retention_period" => set_backup_retention_period(int),
            "backup_window" => set_preferred_backup_window(string),
            "maintenance_window" => set_preferred_maintenance_window(string),
            "copy_tags_to_snapshot" => set_copy_tags_to_snapshot(boolean),
            "auto_minor_version_upgrade" => set_auto_minor_version_upgrade(boolean),
            "allow_major_version_upgrade" => set_allow_major_version_upgrade(boolean),
            "ca_cert_identifier" => set_ca_certificate_identifier(string),
            "option_group_name" => set_option_group_name(string),
            "parameter_group_name" => set_db_parameter_group_name(string),
            "license_model" => set_license_model(string),
            "iam_database_authentication_enabled" => set_enable_iam_database_authentication(boolean),
            "engine_lifecycle_support" => set_engine_lifecycle_support(string),
            "deletion_protection" => set_deletion_protection(boolean),
        );
        self
    }

    fn engine_and_storage(mut self) -> Self {
        let (prior, planned) = (self.prior, self.planned);
        if self.known_change("engine_version") {
            self.request = self
                .request
                .set_engine_version(string(planned, "engine_version"))
                .set_allow_major_version_upgrade(boolean(planned, "allow_major_version_upgrade"));
            self.any = true;
        }
        if self.known_change("allocated_storage") {
            self.request = self.request.set_allocated_storage(int(planned, "allocated_storage"));
            self.any = true;
        }
        if changed(prior, planned, "max_allocated_storage") {
            // Zero turns storage autoscaling off.
            self.request = self
                .request
                .max_allocated_storage(int(planned, "max_allocated_storage").unwrap_or(0));
            self.any = true;
        }
        // AWS wants the storage settings together.
        if self.any_change(&["storage_type", "iops", "storage_throughput"]) {
            self.request = self
                .request
                .set_storage_type(string(planned, "storage_type"))
                .set_iops(int(planned, "iops"))
                .set_storage_throughput(int(planned, "storage_throughput"))
                .set_allocated_storage(int(planned, "allocated_storage"));
            self.any = true;
        }
        self
    }

    /// The master password, the managed secret and the security groups.
    fn access(mut self) -> Self {
        let (prior, planned) = (self.prior, self.planned);
        if changed(prior, planned, "password") && !planned.get("password").is_null() {
            self.request = self.request.set_master_user_password(string(planned, "password"));
            self.any = true;
        }
        if changed(prior, planned, "password_wo_version") && !planned.get("password_wo").is_null() {
            self.request = self.request.set_master_user_password(string(planned, "password_wo"));
            self.any = true;
        }
        if self.any_change(&["manage_master_user_password", "master_user_secret_kms_key_id"]) {
            let manage = boolean(planned, "manage_master_user_password").unwrap_or(false);
            self.request = self.request.manage_master_user_password(manage);
            if manage {
                self.request = self.request.set_master_user_secret_kms_key_id(string(
                    planned,
                    "master_user_secret_kms_key_id",
                ));
            }
            self.any = true;
        }
        if self.known_change("vpc_security_group_ids") {
            self.request = self
                .request
                .set_vpc_security_group_ids(Some(strings(planned, "vpc_security_group_ids")));
            self.any = true;
        }
        self
    }

    /// Database Insights, Performance Insights and enhanced monitoring.
    fn monitoring(mut self) -> Self {
        let planned = self.planned;
        if self.known_change("database_insights_mode") {
            self.request = self.request.set_database_insights_mode(insights_mode(planned));
            self.any = true;
        }
        if self.any_change(&[
            "performance_insights_enabled",
            "performance_insights_kms_key_id",
            "performance_insights_retention_period",
        ]) {
            let enabled = boolean(planned, "performance_insights_enabled").unwrap_or(false);
            self.request = self.request.enable_performance_insights(enabled);
            if enabled {
                self.request = self
                    .request
                    .set_performance_insights_kms_key_id(string(
                        planned,
                        "performance_insights_kms_key_id",
                    ))
                    .set_performance_insights_retention_period(int(
                        planned,
                        "performance_insights_retention_period",
                    ));
            }
            self.any = true;
        }
        if self.any_change(&["monitoring_interval", "monitoring_role_arn"]) {
            self.request = self
                .request
                .set_monitoring_interval(int(planned, "monitoring_interval"))
                .set_monitoring_role_arn(string(planned, "monitoring_role_arn"));
            self.any = true;
        }
        self
    }

    /// The CloudWatch log types to enable and to disable.
    fn log_exports(mut self) -> Self {
        let (prior, planned) = (self.prior, self.planned);
        if changed(prior, planned, "enabled_cloudwatch_logs_exports")
            && planned.get("enabled_cloudwatch_logs_exports").is_wholly_known()
        {
            let before = strings(prior, "enabled_cloudwatch_logs_exports");
            let after = strings(planned, "enabled_cloudwatch_logs_exports");
            let enable: Vec<String> =
                after.iter().filter(|t| !before.contains(t)).cloned().collect();
            let disable: Vec<String> =
                before.iter().filter(|t| !after.contains(t)).cloned().collect();
            if !enable.is_empty() || !disable.is_empty() {
                self.request = self.request.cloudwatch_logs_export_configuration(
                    CloudwatchLogsExportConfiguration::builder()
                        .set_enable_log_types((!enable.is_empty()).then_some(enable))
                        .set_disable_log_types((!disable.is_empty()).then_some(disable))
                        .build(),
                );
                self.any = true;
            }
        }
        self
    }

    /// The Active Directory domain: joined, changed, or left.
    fn domain(mut self) -> Self {
        let (prior, planned) = (self.prior, self.planned);
        let domain_keys = [
            "domain",
            "domain_iam_role_name",
            "domain_fqdn",
            "domain_ou",
            "domain_auth_secret_arn",
            "domain_dns_ips",
        ];
        if domain_keys.iter().any(|key| changed(prior, planned, key))
            && domain_keys.iter().all(|key| !planned.get(key).is_unknown())
        {
            let dns_ips = strings(planned, "domain_dns_ips");
            let joined = |value: &Value| {
                !value.get("domain").is_null() || !value.get("domain_fqdn").is_null()
            };
            if joined(prior) && !joined(planned) {
                self.request = self.request.disable_domain(true);
            } else {
                self.request = self
                    .request
                    .set_domain(string(planned, "domain"))
                    .set_domain_iam_role_name(string(planned, "domain_iam_role_name"))
                    .set_domain_fqdn(string(planned, "domain_fqdn"))
                    .set_domain_ou(string(planned, "domain_ou"))
                    .set_domain_auth_secret_arn(string(planned, "domain_auth_secret_arn"))
                    .set_domain_dns_ips((!dns_ips.is_empty()).then_some(dns_ips));
            }
            self.any = true;
        }
        self
    }

    fn replica_mode(mut self) -> Self {
        if self.known_change("replica_mode") {
            self.request = self.request.set_replica_mode(
                string(self.planned, "replica_mode").map(|m| ReplicaMode::from(m.as_str())),
            );
            self.any = true;
        }
        self
    }
}

/// `database_insights_mode` for the SDK.
fn insights_mode(planned: &Value) -> Option<DatabaseInsightsMode> {
    string(planned, "database_insights_mode").map(|m| DatabaseInsightsMode::from(m.as_str()))
}

// ---- The create calls ----

/// The arguments of the create calls that are worked out from the plan before sending.
struct CreateArguments {
    tags: Option<Vec<Tag>>,
    security_groups: Option<Vec<String>>,
    exports: Option<Vec<String>>,
    dns_ips: Option<Vec<String>>,
    /// `max_allocated_storage` when above zero.
    maximum: Option<i32>,
}

impl CreateArguments {
    fn new(operation: &Operation, planned: &Value) -> CreateArguments {
        CreateArguments {
            tags: Some(tags_to_sdk(&operation.tags_with_managed(planned))),
            security_groups: strings_or_none(planned, "vpc_security_group_ids"),
            exports: strings_or_none(planned, "enabled_cloudwatch_logs_exports"),
            dns_ips: strings_or_none(planned, "domain_dns_ips"),
            maximum: int(planned, "max_allocated_storage").filter(|m| *m > 0),
        }
    }
}

/// The strings at `key`, or none for an empty list.
fn strings_or_none(planned: &Value, key: &str) -> Option<Vec<String>> {
    let items = strings(planned, key);
    (!items.is_empty()).then_some(items)
}

/// Sets the arguments that all four create calls (CreateDBInstance,
/// CreateDBInstanceReadReplica, RestoreDBInstanceFromDBSnapshot and
/// RestoreDBInstanceToPointInTime) take alike: the same attribute to the same request member.
/// The four are different SDK builders with no common trait, hence a macro.
macro_rules! set_instance_arguments {
    ($request:expr, $planned:expr, $arguments:ident) => {
        $request
            .set_db_instance_class(string($planned, "instance_class"))
            .set_allocated_storage(int($planned, "allocated_storage"))
            .set_storage_type(string($planned, "storage_type"))
            .set_iops(int($planned, "iops"))
            .set_storage_throughput(int($planned, "storage_throughput"))
            .set_dedicated_log_volume(boolean($planned, "dedicated_log_volume"))
            .set_port(int($planned, "port"))
            .set_availability_zone(string($planned, "availability_zone"))
            .set_db_subnet_group_name(string($planned, "db_subnet_group_name"))
            .set_vpc_security_group_ids($arguments.security_groups)
            .set_multi_az(boolean($planned, "multi_az"))
            .set_network_type(string($planned, "network_type"))
            .set_publicly_accessible(boolean($planned, "publicly_accessible"))
            .set_enable_customer_owned_ip(boolean($planned, "customer_owned_ip_enabled"))
            .set_backup_target(string($planned, "backup_target"))
            .set_copy_tags_to_snapshot(boolean($planned, "copy_tags_to_snapshot"))
            .set_auto_minor_version_upgrade(boolean($planned, "auto_minor_version_upgrade"))
            .set_ca_certificate_identifier(string($planned, "ca_cert_identifier"))
            .set_option_group_name(string($planned, "option_group_name"))
            .set_db_parameter_group_name(string($planned, "parameter_group_name"))
            .set_enable_iam_database_authentication(boolean(
                $planned,
                "iam_database_authentication_enabled",
            ))
            .set_enable_cloudwatch_logs_exports($arguments.exports)
            .set_domain(string($planned, "domain"))
            .set_domain_iam_role_name(string($planned, "domain_iam_role_name"))
            .set_domain_fqdn(string($planned, "domain_fqdn"))
            .set_domain_ou(string($planned, "domain_ou"))
            .set_domain_auth_secret_arn(string($planned, "domain_auth_secret_arn"))
            .set_domain_dns_ips($arguments.dns_ips)
            .set_custom_iam_instance_profile(string($planned, "custom_iam_instance_profile"))
            .set_deletion_protection(boolean($planned, "deletion_protection"))
            .set_tags($arguments.tags)
    };
}

/// Sets the arguments of a new database that a read replica takes from its source instead:
/// CreateDBInstance and both restores take them alike.
macro_rules! set_database_arguments {
    ($request:expr, $planned:expr) => {
        $request
            .set_engine(string($planned, "engine"))
            .set_engine_lifecycle_support(string($planned, "engine_lifecycle_support"))
            .set_db_name(string($planned, "db_name"))
            .set_manage_master_user_password(boolean($planned, "manage_master_user_password"))
            .set_master_user_secret_kms_key_id(string($planned, "master_user_secret_kms_key_id"))
            .set_backup_retention_period(int($planned, "backup_retention_period"))
            .set_preferred_backup_window(string($planned, "backup_window"))
            .set_license_model(string($planned, "license_model"))
    };
}

/// Sets the monitoring arguments (Performance Insights, Database Insights, Enhanced
/// Monitoring), which CreateDBInstance and CreateDBInstanceReadReplica take alike (the
/// restores do not; the ModifyDBInstance after them sets these).
macro_rules! set_monitoring_arguments {
    ($request:expr, $planned:expr) => {
        $request
            .set_enable_performance_insights(boolean($planned, "performance_insights_enabled"))
            .set_database_insights_mode(insights_mode($planned))
            .set_performance_insights_kms_key_id(string(
                $planned,
                "performance_insights_kms_key_id",
            ))
            .set_performance_insights_retention_period(int(
                $planned,
                "performance_insights_retention_period",
            ))
            .set_monitoring_interval(int($planned, "monitoring_interval"))
            .set_monitoring_role_arn(string($planned, "monitoring_role_arn"))
    };
}

/// CreateDBInstanceReadReplica of `source`.
async fn create_read_replica(
    client: &aws_sdk_rds::Client,
    identifier: &str,
    source: String,
    planned: &Value,
    arguments: CreateArguments,
) -> Result<(), ProviderError> {
    let request = client
        .create_db_instance_read_replica()
        .db_instance_identifier(identifier)
        .source_db_instance_identifier(source)
        .set_max_allocated_storage(arguments.maximum)
        .set_kms_key_id(string(planned, "kms_key_id"))
        .set_upgrade_storage_config(boolean(planned, "upgrade_storage_config"))
        .set_replica_mode(string(planned, "replica_mode").map(|m| ReplicaMode::from(m.as_str())));
    let request = set_monitoring_arguments!(request, planned);
    sent!(set_instance_arguments!(request, planned, arguments))?;
    Ok(())
}

/// RestoreDBInstanceFromDBSnapshot of `snapshot`.
async fn restore_from_snapshot(
    client: &aws_sdk_rds::Client,
    identifier: &str,
    snapshot: String,
    planned: &Value,
    arguments: CreateArguments,
) -> Result<(), ProviderError> {
    let request = client
        .restore_db_instance_from_db_snapshot()
        .db_instance_identifier(identifier)
        .db_snapshot_identifier(snapshot);
    let request = set_database_arguments!(request, planned);
    sent!(set_instance_arguments!(request, planned, arguments))?;
    Ok(())
}

/// `restore_to_point_in_time.restore_time` as the SDK takes it.
fn restore_time(pitr: &Value) -> Result<Option<aws_smithy_types::DateTime>, ProviderError> {
    match non_empty(pitr, "restore_time") {
        Some(time) => Ok(Some(
            aws_smithy_types::DateTime::from_str(&time, DateTimeFormat::DateTime).map_err(|e| {
                ProviderError::new(format!("restore_to_point_in_time.restore_time \"{time}\": {e}"))
            })?,
        )),
        None => Ok(None),
    }
}

/// RestoreDBInstanceToPointInTime, as the `restore_to_point_in_time` block says.
async fn restore_to_point_in_time(
    client: &aws_sdk_rds::Client,
    identifier: &str,
    pitr: &Value,
    planned: &Value,
    arguments: CreateArguments,
) -> Result<(), ProviderError> {
    let restore_time = restore_time(pitr)?;
    let request = client
        .restore_db_instance_to_point_in_time()
        .target_db_instance_identifier(identifier)
        .set_source_db_instance_identifier(non_empty(pitr, "source_db_instance_identifier"))
        .set_source_db_instance_automated_backups_arn(non_empty(
            pitr,
            "source_db_instance_automated_backups_arn",
        ))
        .set_source_dbi_resource_id(non_empty(pitr, "source_dbi_resource_id"))
        .set_restore_time(restore_time)
        .set_use_latest_restorable_time(boolean(pitr, "use_latest_restorable_time"))
        .set_max_allocated_storage(arguments.maximum);
    let request = set_database_arguments!(request, planned);
    sent!(set_instance_arguments!(request, planned, arguments))?;
    Ok(())
}

/// CreateDBInstance: a new, empty instance with every argument.
async fn create_instance(
    client: &aws_sdk_rds::Client,
    identifier: &str,
    planned: &Value,
    arguments: CreateArguments,
) -> Result<(), ProviderError> {
    let request = client
        .create_db_instance()
        .db_instance_identifier(identifier)
        .set_engine_version(string(planned, "engine_version"))
        .set_max_allocated_storage(arguments.maximum)
        .set_storage_encrypted(boolean(planned, "storage_encrypted"))
        .set_kms_key_id(string(planned, "kms_key_id"))
        .set_master_username(string(planned, "username"))
        .set_master_user_password(
            string(planned, "password").or_else(|| string(planned, "password_wo")),
        )
        .set_multi_tenant(boolean(planned, "multi_tenant"))
        .set_preferred_maintenance_window(string(planned, "maintenance_window"))
        .set_character_set_name(string(planned, "character_set_name"))
        .set_nchar_character_set_name(string(planned, "nchar_character_set_name"))
        .set_timezone(string(planned, "timezone"));
    let request = set_database_arguments!(request, planned);
    let request = set_monitoring_arguments!(request, planned);
    sent!(set_instance_arguments!(request, planned, arguments))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use aws_sdk_rds::types::{Endpoint, MasterUserSecret};

    use super::*;
    use crate::aws_object::value_of;

    fn instance(allocated: i32, maximum: Option<i32>, window: &str) -> DbInstance {
        DbInstance::builder()
            .db_instance_identifier("main")
            .dbi_resource_id("db-ABC")
            .engine("postgres")
            .engine_version("16.3")
            .allocated_storage(allocated)
            .set_max_allocated_storage(maximum)
            .preferred_maintenance_window(window)
            .endpoint(
                Endpoint::builder().address("main.example.rds.amazonaws.com").port(5432).build(),
            )
            .tag_list(Tag::builder().key("team").value("data").build())
            .build()
    }

    fn read(instance: DbInstance, prior: &Value) -> Value {
        let tags = tags_from_sdk(instance.tag_list());
        value_of::<InstanceObject>(&Tagged { object: instance, tags }, prior)
    }

    #[test]
    fn growth_by_storage_autoscaling_is_not_drift_and_the_window_reads_in_lower_case() {
        let prior = Value::map([
            ("allocated_storage", Value::Number(20.0)),
            ("engine_version", Value::string("16")),
        ]);
        let grown = read(instance(40, Some(100), "Sun:05:00-Sun:06:00"), &prior);
        assert_eq!(grown.get("allocated_storage"), &Value::Number(20.0));
        assert_eq!(grown.get("max_allocated_storage"), &Value::Number(100.0));
        assert_eq!(grown.get("maintenance_window"), &Value::string("sun:05:00-sun:06:00"));
        assert_eq!(grown.get("engine_version"), &Value::string("16"));
        assert_eq!(grown.get("engine_version_actual"), &Value::string("16.3"));
        assert_eq!(grown.get("endpoint"), &Value::string("main.example.rds.amazonaws.com:5432"));
        assert_eq!(grown.get("tags"), &Value::map([("team", Value::string("data"))]));
        let resized = read(instance(40, None, "sun:05:00-sun:06:00"), &prior);
        assert_eq!(resized.get("allocated_storage"), &Value::Number(40.0));
    }

    #[test]
    fn configuration_only_arguments_are_kept_from_the_prior_value_or_defaulted() {
        let pitr =
            Value::List(vec![Value::map([("use_latest_restorable_time", Value::Bool(true))])]);
        let prior = Value::map([
            ("password", Value::string("secret")),
            ("password_wo", Value::string("never stored")),
            ("skip_final_snapshot", Value::Bool(true)),
            ("apply_immediately", Value::Unknown),
            ("final_snapshot_identifier", Value::string("last")),
            ("restore_to_point_in_time", pitr.clone()),
            ("manage_master_user_password", Value::Bool(true)),
        ]);
        let value = read(instance(20, None, "sun:05:00-sun:06:00"), &prior);
        assert_eq!(value.get("password"), &Value::string("secret"));
        assert!(value.as_map().is_some_and(|m| !m.contains_key("password_wo")));
        assert_eq!(value.get("skip_final_snapshot"), &Value::Bool(true));
        assert_eq!(value.get("apply_immediately"), &Value::Bool(false));
        assert_eq!(value.get("delete_automated_backups"), &Value::Bool(true));
        assert_eq!(value.get("final_snapshot_identifier"), &Value::string("last"));
        assert_eq!(value.get("restore_to_point_in_time"), &pitr);
        assert_eq!(value.get("s3_import"), &Value::List(vec![]));
        // Managed before, no secret now: turned off.
        assert_eq!(value.get("manage_master_user_password"), &Value::Bool(false));
        let managed = DbInstance::builder()
            .master_user_secret(MasterUserSecret::builder().secret_arn("arn:secret").build())
            .build();
        let value = read(managed, &Value::Null);
        assert_eq!(value.get("manage_master_user_password"), &Value::Bool(true));
        assert_eq!(value.get("customer_owned_ip_enabled"), &Value::Null);
        assert_eq!(value.get("enabled_cloudwatch_logs_exports"), &Value::Null);
        assert_eq!(value.get("identifier"), &Value::string(""));
    }

    /// A write-only password's version needs the password: the provider's `RequiredWith`, in
    /// the SDK's words.
    #[test]
    fn a_password_version_needs_the_write_only_password() {
        let instance = |entries: Vec<(&'static str, Value)>| {
            let mut config = vec![
                ("identifier", Value::string("db")),
                ("instance_class", Value::string("db.t3.micro")),
                ("engine", Value::string("postgres")),
                ("allocated_storage", Value::Number(20.0)),
                ("username", Value::string("app")),
            ];
            config.extend(entries);
            crate::problem_messages("aws_db_instance", &Value::map(config))
        };
        let version = ("password_wo_version", Value::Number(1.0));
        let password = ("password_wo", Value::string("s3cret-password"));
        assert_eq!(instance(vec![version.clone(), password]), Vec::<String>::new());
        assert_eq!(
            instance(vec![version]),
            ["\"password_wo_version\": all of `password_wo,password_wo_version` must be specified"]
        );
    }

    /// A point-in-time restore names a time or the latest restorable one, not both: the
    /// provider's conflict on each (a written `false` is set, as the SDK counts it).
    #[test]
    fn a_restore_time_conflicts_with_the_latest_restorable_time() {
        let restore = Value::map([
            ("identifier", Value::string("db")),
            ("instance_class", Value::string("db.t3.micro")),
            (
                "restore_to_point_in_time",
                Value::List(vec![Value::map([
                    ("source_db_instance_identifier", Value::string("prod")),
                    ("restore_time", Value::string("2026-11-20T10:00:00Z")),
                    ("use_latest_restorable_time", Value::Bool(false)),
                ])]),
            ),
        ]);
        let messages = crate::problem_messages("aws_db_instance", &restore);
        assert_eq!(
            messages,
            [
                "\"restore_to_point_in_time.0.restore_time\": conflicts with \
                 restore_to_point_in_time.0.use_latest_restorable_time",
                "\"restore_to_point_in_time.0.use_latest_restorable_time\": conflicts with \
                 restore_to_point_in_time.0.restore_time",
            ]
        );
    }

    #[test]
    fn a_replica_source_reads_as_configured_whether_identifier_or_arn() {
        let arn = "arn:aws:rds:us-west-2:123456789012:db:source";
        let configured = Value::string(arn);
        assert_eq!(replica_source(Some("source"), &configured), configured);
        assert_eq!(replica_source(Some("other"), &configured), Value::string("other"));
        assert_eq!(replica_source(None, &configured), Value::Null);
    }
}
