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

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_rds::operation::modify_db_instance::builders::ModifyDBInstanceFluentBuilder;
use aws_sdk_rds::types::{
    CloudwatchLogsExportConfiguration, DatabaseInsightsMode, DbInstance, Filter, ReplicaMode, Tag,
};
use aws_smithy_types::date_time::Format as DateTimeFormat;
use infra_core::{
    Attribute, Block, Check, Operation, ProviderError, ResourceType, Schema, Type, Value,
};

use crate::app_support::{
    blocks, boolean, changed, copy_attributes, int, non_empty, number, sent, set_tags, single,
    string, string_list, strings, text, vanished, wait_for,
};
use crate::app_support::{has_managed_tags, sent_unless_gone};
use crate::ec2_support::{name_for_create, with_name_for_create};
use crate::error::{aws_error, is_not_found};
use crate::rds_support::{master_user_secret, tags_from_sdk, tags_to_sdk, update_tags};
use crate::tagging::{ManagedTags, WithTags};
use crate::Aws;

/// Attributes AWS does not report back: copied from the configuration.
const CONFIG_ONLY: &[&str] = &[
    "password",
    "password_wo_version",
    "skip_final_snapshot",
    "final_snapshot_identifier",
    "apply_immediately",
    "allow_major_version_upgrade",
    "delete_automated_backups",
    "identifier_prefix",
    "snapshot_identifier",
    "upgrade_storage_config",
    "restore_to_point_in_time",
    "blue_green_update",
    "s3_import",
];

/// Identifiers per `db-instance-id` filter.
const IDENTIFIERS_PER_CALL: usize = 100;

pub struct AwsDbInstance {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsDbInstance {
    pub fn new(aws: Arc<Aws>) -> AwsDbInstance {
        let attributes = [
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
        ];
        let schema = attributes
            .into_iter()
            .flatten()
            .fold(
                Schema::new()
                    .timeouts(&["create", "update", "delete"])
                    .version(2),
                Schema::attr,
            )
            .block(restore_to_point_in_time_block())
            .block(Block::single(
                "blue_green_update",
                Schema::new().attr(defaulted_bool("enabled", false)),
            ))
            .block(s3_import_block())
            .with_tags();
        AwsDbInstance { aws, schema }
    }

    /// Instances by identifier, via the `db-instance-id` filter (missing ones are skipped).
    pub(crate) async fn describe(
        &self,
        identifiers: &[String],
    ) -> Result<BTreeMap<String, DbInstance>, ProviderError> {
        let client = &self.aws.clients().await.rds;
        let mut out = BTreeMap::new();
        for chunk in identifiers.chunks(IDENTIFIERS_PER_CALL) {
            let filter = Filter::builder()
                .name("db-instance-id")
                .set_values(Some(chunk.to_vec()))
                .build();
            let mut pages = client
                .describe_db_instances()
                .filters(filter)
                .into_paginator()
                .send();
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

    async fn wait_available(
        &self,
        identifier: &str,
        timeout: std::time::Duration,
    ) -> Result<DbInstance, ProviderError> {
        wait_for(
            &format!("DB instance {identifier} to be available"),
            timeout,
            || async {
                let found = self.describe(&[identifier.to_string()]).await?;
                let Some(instance) = found.get(identifier) else {
                    return Err(vanished("DB instance", identifier));
                };
                match instance.db_instance_status() {
                    Some("available") => Ok(Some(instance.clone())),
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
            },
        )
        .await
    }
}

// ---- The schema, in groups of attributes ----

/// An optional boolean with a default.
fn defaulted_bool(name: &'static str, default: bool) -> Attribute {
    Attribute::optional(name, Type::Bool).default(Value::Bool(default))
}

/// What only AWS sets: identifiers, endpoints, status and the managed secret.
fn reported_attributes() -> Vec<Attribute> {
    vec![
        Attribute::computed("id", Type::String),
        Attribute::computed("arn", Type::String),
        Attribute::computed("address", Type::String),
        Attribute::computed("endpoint", Type::String),
        Attribute::computed("hosted_zone_id", Type::String),
        Attribute::computed("resource_id", Type::String),
        Attribute::computed("status", Type::String),
        Attribute::computed("engine_version_actual", Type::String),
        Attribute::computed("latest_restorable_time", Type::String).volatile(),
        Attribute::computed("listener_endpoint", Type::list(Type::map(Type::String))),
        Attribute::computed("master_user_secret", Type::list(Type::map(Type::String))),
    ]
}

/// The instance's name, engine and class.
fn instance_attributes() -> Vec<Attribute> {
    vec![
        Attribute::optional_computed("identifier", Type::String).force_new(),
        Attribute::optional("identifier_prefix", Type::String).force_new(),
        Attribute::optional_computed("engine", Type::String).force_new(),
        Attribute::optional_computed("engine_version", Type::String),
        Attribute::optional_computed("engine_lifecycle_support", Type::String).check(Check::OneOf(
            &[
                "open-source-rds-extended-support",
                "open-source-rds-extended-support-disabled",
            ],
        )),
        Attribute::required("instance_class", Type::String),
    ]
}

fn storage_attributes() -> Vec<Attribute> {
    vec![
        Attribute::optional_computed("allocated_storage", Type::Number),
        Attribute::optional("max_allocated_storage", Type::Number),
        Attribute::optional_computed("storage_type", Type::String)
            .check(Check::OneOf(&["standard", "gp2", "gp3", "io1", "io2"])),
        Attribute::optional_computed("iops", Type::Number),
        Attribute::optional_computed("storage_throughput", Type::Number),
        Attribute::optional_computed("storage_encrypted", Type::Bool).force_new(),
        Attribute::optional_computed("kms_key_id", Type::String).force_new(),
        defaulted_bool("dedicated_log_volume", false),
        Attribute::optional("upgrade_storage_config", Type::Bool),
    ]
}

/// The database name, the master user and its password.
fn credential_attributes() -> Vec<Attribute> {
    vec![
        Attribute::optional_computed("db_name", Type::String).force_new(),
        Attribute::optional_computed("username", Type::String).force_new(),
        Attribute::optional("password", Type::String).sensitive(),
        // Terraform 1.11's write-only password: sent, never stored; a new
        // `password_wo_version` sends it again.
        Attribute::optional("password_wo", Type::String).write_only(),
        Attribute::optional("password_wo_version", Type::Number),
        Attribute::optional("manage_master_user_password", Type::Bool),
        Attribute::optional_computed("master_user_secret_kms_key_id", Type::String),
    ]
}

fn network_attributes() -> Vec<Attribute> {
    vec![
        Attribute::optional_computed("port", Type::Number).check(Check::Port),
        Attribute::optional_computed("db_subnet_group_name", Type::String).force_new(),
        Attribute::optional_computed("vpc_security_group_ids", Type::set(Type::String)),
        Attribute::optional_computed("availability_zone", Type::String).force_new(),
        Attribute::optional_computed("multi_az", Type::Bool),
        Attribute::optional_computed("multi_tenant", Type::Bool),
        Attribute::optional_computed("network_type", Type::String)
            .check(Check::OneOf(&["IPV4", "DUAL"])),
        defaulted_bool("publicly_accessible", false),
        Attribute::optional("customer_owned_ip_enabled", Type::Bool),
    ]
}

fn backup_and_maintenance_attributes() -> Vec<Attribute> {
    vec![
        Attribute::optional_computed("backup_target", Type::String)
            .force_new()
            .check(Check::OneOf(&["region", "outposts"])),
        Attribute::optional_computed("backup_retention_period", Type::Number)
            .check(Check::Range(0, 35)),
        Attribute::optional_computed("backup_window", Type::String),
        Attribute::optional_computed("maintenance_window", Type::String),
        defaulted_bool("copy_tags_to_snapshot", false),
        defaulted_bool("delete_automated_backups", true),
        defaulted_bool("auto_minor_version_upgrade", true),
        Attribute::optional("allow_major_version_upgrade", Type::Bool),
    ]
}

/// The certificate, option and parameter groups, license, character sets, timezone and IAM
/// authentication.
fn database_settings_attributes() -> Vec<Attribute> {
    vec![
        Attribute::optional_computed("ca_cert_identifier", Type::String),
        Attribute::optional_computed("option_group_name", Type::String),
        Attribute::optional_computed("parameter_group_name", Type::String),
        Attribute::optional_computed("license_model", Type::String),
        Attribute::optional_computed("character_set_name", Type::String).force_new(),
        Attribute::optional_computed("nchar_character_set_name", Type::String).force_new(),
        Attribute::optional_computed("timezone", Type::String).force_new(),
        Attribute::optional("iam_database_authentication_enabled", Type::Bool),
    ]
}

/// Performance and Database Insights, enhanced monitoring and log exports.
fn monitoring_attributes() -> Vec<Attribute> {
    vec![
        defaulted_bool("performance_insights_enabled", false),
        Attribute::optional_computed("database_insights_mode", Type::String)
            .check(Check::OneOf(&["standard", "advanced"])),
        Attribute::optional_computed("performance_insights_kms_key_id", Type::String),
        Attribute::optional_computed("performance_insights_retention_period", Type::Number),
        Attribute::optional("monitoring_interval", Type::Number).default(Value::Number(0.0)),
        Attribute::optional_computed("monitoring_role_arn", Type::String),
        Attribute::optional("enabled_cloudwatch_logs_exports", Type::set(Type::String)),
    ]
}

/// The Active Directory domain.
fn domain_attributes() -> Vec<Attribute> {
    vec![
        Attribute::optional_computed("domain", Type::String),
        Attribute::optional("domain_iam_role_name", Type::String),
        Attribute::optional_computed("domain_fqdn", Type::String),
        Attribute::optional_computed("domain_ou", Type::String),
        Attribute::optional_computed("domain_auth_secret_arn", Type::String),
        Attribute::optional_computed("domain_dns_ips", Type::list(Type::String)),
    ]
}

/// The RDS Custom instance profile, read replicas and the snapshot to restore.
fn replication_attributes() -> Vec<Attribute> {
    vec![
        Attribute::optional("custom_iam_instance_profile", Type::String).force_new(),
        Attribute::optional_computed("replica_mode", Type::String)
            .check(Check::OneOf(&["mounted", "open-read-only"])),
        Attribute::optional("replicate_source_db", Type::String),
        Attribute::computed("replicas", Type::list(Type::String)),
        Attribute::computed("upgrade_rollout_order", Type::String),
        Attribute::optional("snapshot_identifier", Type::String).force_new(),
    ]
}

/// Deletion protection, the final snapshot, and when modifications apply.
fn lifecycle_attributes() -> Vec<Attribute> {
    vec![
        defaulted_bool("deletion_protection", false),
        defaulted_bool("skip_final_snapshot", false),
        Attribute::optional("final_snapshot_identifier", Type::String),
        defaulted_bool("apply_immediately", false),
    ]
}

fn restore_to_point_in_time_block() -> Block {
    Block::single(
        "restore_to_point_in_time",
        Schema::new()
            .attr(Attribute::optional("restore_time", Type::String))
            .attr(Attribute::optional(
                "source_db_instance_identifier",
                Type::String,
            ))
            .attr(Attribute::optional(
                "source_db_instance_automated_backups_arn",
                Type::String,
            ))
            .attr(Attribute::optional("source_dbi_resource_id", Type::String))
            .attr(defaulted_bool("use_latest_restorable_time", false)),
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

impl AwsDbInstance {
    /// One ModifyDBInstance with every argument that differs between `prior` and `planned`
    /// (null or unknown planned values are left as they are). Returns whether it was sent.
    async fn modify(
        &self,
        identifier: &str,
        prior: &Value,
        planned: &Value,
        immediately: bool,
    ) -> Result<bool, ProviderError> {
        let client = &self.aws.clients().await.rds;
        let request = client
            .modify_db_instance()
            .db_instance_identifier(identifier)
            .apply_immediately(immediately);
        // In this order: a later group may set an argument an earlier one set.
        let modification = Modification {
            prior,
            planned,
            request,
            any: false,
        }
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

    /// After a restore or a replica's creation: one ModifyDBInstance with what those calls do
    /// not take, and the wait for it when one was sent.
    async fn modify_after_restore(
        &self,
        identifier: &str,
        instance: DbInstance,
        planned: &Value,
        timeout: std::time::Duration,
    ) -> Result<DbInstance, ProviderError> {
        let mut current = to_value(&instance, planned);
        if let Some(object) = current.map_mut() {
            // The password is not part of a restore or a replica: set it afterwards.
            object.insert("password".into(), Value::Null);
            object.insert("password_wo_version".into(), Value::Null);
        }
        if self.modify(identifier, &current, planned, true).await? {
            return self.wait_available(identifier, timeout).await;
        }
        Ok(instance)
    }
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
            self.request = self
                .request
                .set_allocated_storage(int(planned, "allocated_storage"));
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
            self.request = self
                .request
                .set_master_user_password(string(planned, "password"));
            self.any = true;
        }
        if changed(prior, planned, "password_wo_version") && !planned.get("password_wo").is_null() {
            self.request = self
                .request
                .set_master_user_password(string(planned, "password_wo"));
            self.any = true;
        }
        if self.any_change(&[
            "manage_master_user_password",
            "master_user_secret_kms_key_id",
        ]) {
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
            self.request = self
                .request
                .set_database_insights_mode(insights_mode(planned));
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
            && planned
                .get("enabled_cloudwatch_logs_exports")
                .is_wholly_known()
        {
            let before = strings(prior, "enabled_cloudwatch_logs_exports");
            let after = strings(planned, "enabled_cloudwatch_logs_exports");
            let enable: Vec<String> = after
                .iter()
                .filter(|t| !before.contains(t))
                .cloned()
                .collect();
            let disable: Vec<String> = before
                .iter()
                .filter(|t| !after.contains(t))
                .cloned()
                .collect();
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

fn to_value(instance: &DbInstance, hint: &Value) -> Value {
    let mut object = BTreeMap::new();
    let groups = [
        endpoint_entries(instance),
        engine_entries(instance, hint),
        storage_entries(instance, hint),
        credential_entries(instance, hint),
        network_entries(instance, hint),
        backup_and_maintenance_entries(instance),
        database_settings_entries(instance, hint),
        monitoring_entries(instance, hint),
        domain_entries(instance),
        replication_entries(instance, hint),
    ];
    for (key, value) in groups.into_iter().flatten() {
        object.insert(key.to_string(), value);
    }
    object.insert(
        "deletion_protection".to_string(),
        Value::Bool(instance.deletion_protection().unwrap_or(false)),
    );
    copy_attributes(&mut object, hint, CONFIG_ONLY);
    for (key, default) in [
        ("skip_final_snapshot", false),
        ("apply_immediately", false),
        ("delete_automated_backups", true),
    ] {
        if object
            .get(key)
            .is_some_and(|v| !matches!(v.as_bool(), Some(_)))
        {
            object.insert(key.to_string(), Value::Bool(default));
        }
    }
    for key in ["restore_to_point_in_time", "blue_green_update", "s3_import"] {
        if !matches!(object.get(key), Some(Value::List(_))) {
            object.insert(key.to_string(), Value::List(vec![]));
        }
    }
    let tags = tags_from_sdk(instance.tag_list());
    set_tags(
        &mut object,
        tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    );
    Value::Map(object)
}

/// The port the instance listens on: its endpoint's, else the instance's own (0 is none).
fn instance_port(instance: &DbInstance) -> Option<i32> {
    instance
        .endpoint()
        .and_then(|e| e.port())
        .or(instance.db_instance_port().filter(|p| *p != 0))
}

/// The identifiers, status and endpoints.
fn endpoint_entries(instance: &DbInstance) -> Vec<(&'static str, Value)> {
    let identifier = instance.db_instance_identifier().unwrap_or_default();
    let endpoint = instance.endpoint();
    let address = endpoint.and_then(|e| e.address());
    let port = instance_port(instance);
    vec![
        // Provider 5.0 (schema version 2) made `id` the DbiResourceId; the identifier is
        // `identifier` (and what every call here uses).
        ("id", text(instance.dbi_resource_id())),
        ("identifier", Value::string(identifier)),
        ("arn", text(instance.db_instance_arn())),
        ("resource_id", text(instance.dbi_resource_id())),
        ("status", text(instance.db_instance_status())),
        ("address", text(address)),
        (
            "hosted_zone_id",
            text(endpoint.and_then(|e| e.hosted_zone_id())),
        ),
        (
            "endpoint",
            match (address, port) {
                (Some(address), Some(port)) => Value::string(format!("{address}:{port}")),
                (Some(address), None) => Value::string(address),
                _ => Value::Null,
            },
        ),
        (
            "listener_endpoint",
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
            ),
        ),
        (
            "latest_restorable_time",
            text(
                instance
                    .latest_restorable_time()
                    .map(|t| t.to_string())
                    .as_deref(),
            ),
        ),
    ]
}

fn engine_entries(instance: &DbInstance, hint: &Value) -> Vec<(&'static str, Value)> {
    vec![
        ("engine", text(instance.engine())),
        (
            "engine_version",
            engine_version(instance.engine_version(), hint.get("engine_version")),
        ),
        ("engine_version_actual", text(instance.engine_version())),
        (
            "engine_lifecycle_support",
            text(instance.engine_lifecycle_support()),
        ),
        ("instance_class", text(instance.db_instance_class())),
    ]
}

fn storage_entries(instance: &DbInstance, hint: &Value) -> Vec<(&'static str, Value)> {
    let allocated = instance.allocated_storage().map(i64::from);
    let maximum = instance.max_allocated_storage().map(i64::from);
    // With storage autoscaling on, growth past the configured size is not drift.
    let configured = hint.get("allocated_storage").as_i64();
    vec![
        (
            "allocated_storage",
            match (allocated, configured) {
                (Some(now), Some(configured)) if maximum.unwrap_or(0) > 0 && now > configured => {
                    number(Some(configured))
                }
                (allocated, _) => number(allocated),
            },
        ),
        ("max_allocated_storage", number(maximum)),
        ("storage_type", text(instance.storage_type())),
        ("iops", number(instance.iops().map(i64::from))),
        (
            "storage_throughput",
            number(instance.storage_throughput().map(i64::from)),
        ),
        (
            "storage_encrypted",
            Value::Bool(instance.storage_encrypted().unwrap_or(false)),
        ),
        ("kms_key_id", text(instance.kms_key_id())),
        (
            "dedicated_log_volume",
            Value::Bool(instance.dedicated_log_volume().unwrap_or(false)),
        ),
    ]
}

/// The database name, the master user and its managed secret.
fn credential_entries(instance: &DbInstance, hint: &Value) -> Vec<(&'static str, Value)> {
    let secret = instance.master_user_secret();
    vec![
        ("db_name", text(instance.db_name())),
        ("username", text(instance.master_username())),
        ("master_user_secret", master_user_secret(secret)),
        (
            "master_user_secret_kms_key_id",
            text(secret.and_then(|s| s.kms_key_id())),
        ),
        (
            "manage_master_user_password",
            match (secret, hint.get("manage_master_user_password").as_bool()) {
                (Some(_), _) => Value::Bool(true),
                (None, Some(true)) => Value::Bool(false),
                (None, configured) => configured.map(Value::Bool).unwrap_or(Value::Null),
            },
        ),
    ]
}

fn network_entries(instance: &DbInstance, hint: &Value) -> Vec<(&'static str, Value)> {
    vec![
        ("port", number(instance_port(instance).map(i64::from))),
        (
            "db_subnet_group_name",
            text(
                instance
                    .db_subnet_group()
                    .and_then(|g| g.db_subnet_group_name()),
            ),
        ),
        (
            "vpc_security_group_ids",
            string_list(
                instance
                    .vpc_security_groups()
                    .iter()
                    .filter_map(|g| g.vpc_security_group_id()),
            ),
        ),
        ("availability_zone", text(instance.availability_zone())),
        (
            "multi_az",
            Value::Bool(instance.multi_az().unwrap_or(false)),
        ),
        (
            "multi_tenant",
            Value::Bool(instance.multi_tenant().unwrap_or(false)),
        ),
        ("network_type", text(instance.network_type())),
        (
            "publicly_accessible",
            Value::Bool(instance.publicly_accessible().unwrap_or(false)),
        ),
        (
            "customer_owned_ip_enabled",
            optional_bool(
                instance.customer_owned_ip_enabled(),
                hint,
                "customer_owned_ip_enabled",
            ),
        ),
    ]
}

fn backup_and_maintenance_entries(instance: &DbInstance) -> Vec<(&'static str, Value)> {
    vec![
        ("backup_target", text(instance.backup_target())),
        (
            "backup_retention_period",
            number(instance.backup_retention_period().map(i64::from)),
        ),
        ("backup_window", text(instance.preferred_backup_window())),
        (
            "maintenance_window",
            text(
                instance
                    .preferred_maintenance_window()
                    .map(str::to_lowercase)
                    .as_deref(),
            ),
        ),
        (
            "copy_tags_to_snapshot",
            Value::Bool(instance.copy_tags_to_snapshot().unwrap_or(false)),
        ),
        (
            "auto_minor_version_upgrade",
            Value::Bool(instance.auto_minor_version_upgrade().unwrap_or(true)),
        ),
    ]
}

/// The certificate, option and parameter groups, license, character sets, timezone and IAM
/// authentication.
fn database_settings_entries(instance: &DbInstance, hint: &Value) -> Vec<(&'static str, Value)> {
    vec![
        (
            "ca_cert_identifier",
            text(instance.ca_certificate_identifier()),
        ),
        (
            "option_group_name",
            text(
                instance
                    .option_group_memberships()
                    .first()
                    .and_then(|g| g.option_group_name()),
            ),
        ),
        (
            "parameter_group_name",
            text(
                instance
                    .db_parameter_groups()
                    .first()
                    .and_then(|g| g.db_parameter_group_name()),
            ),
        ),
        ("license_model", text(instance.license_model())),
        ("character_set_name", text(instance.character_set_name())),
        (
            "nchar_character_set_name",
            text(instance.nchar_character_set_name()),
        ),
        ("timezone", text(instance.timezone())),
        (
            "iam_database_authentication_enabled",
            optional_bool(
                instance.iam_database_authentication_enabled(),
                hint,
                "iam_database_authentication_enabled",
            ),
        ),
    ]
}

/// Performance and Database Insights, enhanced monitoring and log exports.
fn monitoring_entries(instance: &DbInstance, hint: &Value) -> Vec<(&'static str, Value)> {
    let exports = instance.enabled_cloudwatch_logs_exports();
    vec![
        (
            "performance_insights_enabled",
            Value::Bool(instance.performance_insights_enabled().unwrap_or(false)),
        ),
        (
            "database_insights_mode",
            text(instance.database_insights_mode().map(|m| m.as_str())),
        ),
        (
            "performance_insights_kms_key_id",
            text(instance.performance_insights_kms_key_id()),
        ),
        (
            "performance_insights_retention_period",
            number(
                instance
                    .performance_insights_retention_period()
                    .map(i64::from),
            ),
        ),
        (
            "monitoring_interval",
            number(Some(
                instance.monitoring_interval().map(i64::from).unwrap_or(0),
            )),
        ),
        ("monitoring_role_arn", text(instance.monitoring_role_arn())),
        (
            "enabled_cloudwatch_logs_exports",
            if exports.is_empty() && hint.get("enabled_cloudwatch_logs_exports").is_null() {
                Value::Null
            } else {
                string_list(exports)
            },
        ),
    ]
}

/// The Active Directory domain (the first membership).
fn domain_entries(instance: &DbInstance) -> Vec<(&'static str, Value)> {
    let domain = instance.domain_memberships().first();
    vec![
        ("domain", text(domain.and_then(|d| d.domain()))),
        (
            "domain_iam_role_name",
            text(domain.and_then(|d| d.iam_role_name())),
        ),
        ("domain_fqdn", text(domain.and_then(|d| d.fqdn()))),
        ("domain_ou", text(domain.and_then(|d| d.ou()))),
        (
            "domain_auth_secret_arn",
            text(domain.and_then(|d| d.auth_secret_arn())),
        ),
        (
            "domain_dns_ips",
            string_list(domain.map(|d| d.dns_ips()).unwrap_or_default()),
        ),
    ]
}

/// The RDS Custom instance profile and read replicas.
fn replication_entries(instance: &DbInstance, hint: &Value) -> Vec<(&'static str, Value)> {
    vec![
        (
            "custom_iam_instance_profile",
            text(instance.custom_iam_instance_profile()),
        ),
        (
            "replica_mode",
            text(instance.replica_mode().map(|m| m.as_str())),
        ),
        (
            "replicate_source_db",
            replica_source(
                instance.read_replica_source_db_instance_identifier(),
                hint.get("replicate_source_db"),
            ),
        ),
        (
            "replicas",
            string_list(instance.read_replica_db_instance_identifiers()),
        ),
        (
            "upgrade_rollout_order",
            text(instance.upgrade_rollout_order().map(|o| o.as_str())),
        ),
    ]
}

/// A boolean AWS reports only when set: `false` reads as null while the configuration leaves
/// it null.
fn optional_bool(reported: Option<bool>, hint: &Value, key: &str) -> Value {
    match (reported.unwrap_or(false), hint.get(key).as_bool()) {
        (false, None) => Value::Null,
        (reported, _) => Value::Bool(reported),
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

#[async_trait::async_trait]
impl ResourceType for AwsDbInstance {
    fn name(&self) -> &'static str {
        "aws_db_instance"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The provider's `InstanceStateUpgradeV0` and `V1`: 0→1 adds `delete_automated_backups`
    /// (true), 1→2 makes `id` the DbiResourceId (`resource_id`).
    fn upgrade_state(&self, from: u64, mut value: Value) -> Result<Value, String> {
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

    fn default_timeouts(&self) -> infra_core::Timeouts {
        infra_core::Timeouts::minutes(40, 80, 60)
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if let Some(identifier) = config.get("identifier").as_str() {
            let valid = !identifier.is_empty()
                && identifier.len() <= 63
                && identifier.starts_with(|c: char| c.is_ascii_lowercase())
                && identifier
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !identifier.ends_with('-')
                && !identifier.contains("--");
            if !valid {
                problems.push((
                    "identifier".to_string(),
                    format!("\"{identifier}\": only lowercase alphanumeric characters and hyphens allowed, starting with a letter, no trailing or double hyphen, at most 63 characters"),
                ));
            }
        }
        if let (Some(allocated), Some(maximum)) = (
            config.get("allocated_storage").as_i64(),
            config.get("max_allocated_storage").as_i64(),
        ) {
            if maximum != 0 && maximum < allocated {
                problems.push((
                    "max_allocated_storage".to_string(),
                    format!("max_allocated_storage ({maximum}) must be at least allocated_storage ({allocated})"),
                ));
            }
        }
        let set = |key: &str| !config.get(key).is_null();
        if set("identifier") && set("identifier_prefix") {
            problems.push((
                "identifier_prefix".to_string(),
                "\"identifier_prefix\" conflicts with \"identifier\": set only one.".to_string(),
            ));
        }
        for password in ["password", "password_wo"] {
            if set(password) && config.get("manage_master_user_password").as_bool() == Some(true) {
                problems.push((
                    "manage_master_user_password".to_string(),
                    format!("\"manage_master_user_password\" conflicts with \"{password}\": set only one."),
                ));
            }
        }
        if set("password") && set("password_wo") {
            problems.push((
                "password_wo".to_string(),
                "\"password_wo\" conflicts with \"password\": set only one.".to_string(),
            ));
        }
        if set("password_wo_version") && !set("password_wo") {
            problems.push((
                "password_wo_version".to_string(),
                "\"password_wo_version\": all of `password_wo,password_wo_version` must be specified"
                    .to_string(),
            ));
        }
        let restored = set("replicate_source_db")
            || set("snapshot_identifier")
            || !blocks(config, "restore_to_point_in_time").is_empty();
        if !restored && !set("engine") {
            problems.push((
                "engine".to_string(),
                "The argument \"engine\" is required unless \"snapshot_identifier\", \"replicate_source_db\" or \"restore_to_point_in_time\" is set.".to_string(),
            ));
        }
        if let Some(interval) = config.get("monitoring_interval").as_i64() {
            if ![0, 1, 5, 10, 15, 30, 60].contains(&interval) {
                problems.push((
                    "monitoring_interval".to_string(),
                    format!(
                        "monitoring_interval ({interval}) must be one of 0, 1, 5, 10, 15, 30, 60"
                    ),
                ));
            }
        }
        if let Some(days) = config.get("performance_insights_retention_period").as_i64() {
            if !(days == 7 || days == 731 || (days > 0 && days % 31 == 0)) {
                problems.push((
                    "performance_insights_retention_period".to_string(),
                    format!("performance_insights_retention_period ({days}) must be 7, 731 or a multiple of 31"),
                ));
            }
        }
        if let Some(pitr) = single(config, "restore_to_point_in_time") {
            if set("identifier_prefix") || !set("identifier") {
                problems.push((
                    "identifier".to_string(),
                    "\"identifier\" is required with \"restore_to_point_in_time\"".to_string(),
                ));
            }
            if !pitr.get("restore_time").is_null()
                && pitr.get("use_latest_restorable_time").as_bool() == Some(true)
            {
                problems.push((
                    "restore_to_point_in_time".to_string(),
                    "\"restore_time\" conflicts with \"use_latest_restorable_time\"".to_string(),
                ));
            }
        }
        if single(config, "blue_green_update")
            .is_some_and(|b| b.get("enabled").as_bool() == Some(true))
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

    /// AWS reports the maintenance window in lower case.
    fn normalize(&self, value: &mut Value) {
        if let Some(object) = value.map_mut() {
            if let Some(Value::String(window)) = object.get_mut("maintenance_window") {
                *window = window.to_lowercase();
            }
        }
    }

    /// The generated `identifier` goes into the create's pending entry ([`with_name_for_create`]).
    fn with_generated_names(&self, operation: &Operation, planned: Value) -> Value {
        with_name_for_create(
            operation,
            planned,
            ["identifier", "identifier_prefix"],
            "terraform-",
        )
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.rds;
        let identifier = name_for_create(
            operation,
            planned,
            ["identifier", "identifier_prefix"],
            "terraform-",
        );
        let arguments = CreateArguments::new(operation, planned);
        // Restores and replicas take fewer arguments; the rest follow in a ModifyDBInstance.
        let follow_up = if let Some(source) = non_empty(planned, "replicate_source_db") {
            create_read_replica(client, &identifier, source, planned, arguments).await?;
            true
        } else if let Some(snapshot) = non_empty(planned, "snapshot_identifier") {
            restore_from_snapshot(client, &identifier, snapshot, planned, arguments).await?;
            true
        } else if let Some(pitr) = single(planned, "restore_to_point_in_time") {
            restore_to_point_in_time(client, &identifier, pitr, planned, arguments).await?;
            true
        } else {
            create_instance(client, &identifier, planned, arguments).await?;
            false
        };
        let mut instance = self
            .wait_available(&identifier, operation.timeouts.create)
            .await?;
        if follow_up {
            instance = self
                .modify_after_restore(&identifier, instance, planned, operation.timeouts.create)
                .await?;
        }
        Ok(to_value(&instance, planned))
    }

    async fn update(
        &self,
        operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.rds;
        let identifier = string(prior, "identifier")
            .ok_or_else(|| ProviderError::new("aws_db_instance has no identifier in state"))?;
        match (
            non_empty(prior, "replicate_source_db"),
            non_empty(planned, "replicate_source_db"),
        ) {
            (Some(_), None) => {
                // Removing the source promotes the replica to a standalone instance.
                sent!(client
                    .promote_read_replica()
                    .db_instance_identifier(&identifier)
                    .set_backup_retention_period(int(planned, "backup_retention_period"))
                    .set_preferred_backup_window(string(planned, "backup_window")))?;
                self.wait_available(&identifier, operation.timeouts.update)
                    .await?;
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
        let immediately = boolean(planned, "apply_immediately").unwrap_or(false);
        self.modify(&identifier, prior, planned, immediately)
            .await?;
        if let Some(arn) = string(prior, "arn") {
            update_tags(client, &arn, prior, planned).await?;
        }
        let instance = self
            .wait_available(&identifier, operation.timeouts.update)
            .await?;
        Ok(to_value(&instance, planned))
    }

    async fn delete(&self, operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.rds;
        let Some(identifier) = string(prior, "identifier") else {
            return Ok(());
        };
        let skip = boolean(prior, "skip_final_snapshot").unwrap_or(false);
        let snapshot = string(prior, "final_snapshot_identifier").filter(|s| !s.is_empty());
        // AWS refuses this too; moto does not, and would silently drop the data.
        if !skip && snapshot.is_none() {
            return Err(ProviderError::with_code(
                "InvalidParameterCombination",
                format!("DB instance \"{identifier}\": final_snapshot_identifier is required when skip_final_snapshot is false"),
            ));
        }
        let request = client
            .delete_db_instance()
            .db_instance_identifier(&identifier)
            .skip_final_snapshot(skip)
            .set_delete_automated_backups(boolean(prior, "delete_automated_backups"))
            .set_final_db_snapshot_identifier(if skip { None } else { snapshot });
        if !sent_unless_gone(sent!(request), is_not_found)? {
            return Ok(());
        }
        // Its subnet group and security groups cannot go while the instance still exists.
        wait_for(
            &format!("DB instance {identifier} to be deleted"),
            operation.timeouts.delete,
            || async {
                Ok(self
                    .describe(std::slice::from_ref(&identifier))
                    .await?
                    .is_empty()
                    .then_some(()))
            },
        )
        .await
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let identifiers: Vec<String> = prior
            .iter()
            .filter_map(|p| string(p, "identifier"))
            .collect();
        let found = self.describe(&identifiers).await?;
        Ok(prior
            .iter()
            .map(|p| {
                string(p, "identifier")
                    .and_then(|id| found.get(&id))
                    .map(|instance| to_value(instance, p))
            })
            .collect())
    }

    /// Terraform's import ID: its identifier.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        Ok(infra_core::resource::import_by("identifier", id))
    }

    async fn find_created(
        &self,
        operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let identifier = name_for_create(
            operation,
            planned,
            ["identifier", "identifier_prefix"],
            "terraform-",
        );
        Ok(self
            .describe(std::slice::from_ref(&identifier))
            .await?
            .get(&identifier)
            .filter(|instance| has_managed_tags(&tags_from_sdk(instance.tag_list()), operation))
            .map(|instance| to_value(instance, planned)))
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
                ProviderError::new(format!(
                    "restore_to_point_in_time.restore_time \"{time}\": {e}"
                ))
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
