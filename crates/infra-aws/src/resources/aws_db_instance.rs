//! `aws_db_instance`: an RDS database instance.
//!
//! Refresh is one DescribeDBInstances with a `db-instance-id` filter listing every identifier
//! (tags come in the answer). Create waits for `available`. `password`, `skip_final_snapshot`,
//! `final_snapshot_identifier` and `apply_immediately` are configuration only: AWS never
//! reports them, so they are copied from the prior value.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_rds::types::{DbInstance, Filter};
use infra_core::{Attribute, Check, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::has_managed_tags;
use crate::app_support::{
    boolean, changed, copy_attributes, int, number, set_tags, string, string_list, strings, text,
    vanished, wait_for,
};
use crate::error::{aws_error, is_not_found};
use crate::rds_support::{tags_from_sdk, tags_to_sdk, update_tags};
use crate::Aws;

/// Attributes AWS does not report back.
const CONFIG_ONLY: &[&str] = &[
    "password",
    "skip_final_snapshot",
    "final_snapshot_identifier",
    "apply_immediately",
];

/// Identifiers per `db-instance-id` filter.
const IDENTIFIERS_PER_CALL: usize = 100;

pub struct AwsDbInstance {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsDbInstance {
    pub fn new(aws: Arc<Aws>) -> AwsDbInstance {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("address", Type::String))
            .attr(Attribute::computed("endpoint", Type::String))
            .attr(Attribute::computed("resource_id", Type::String))
            .attr(Attribute::optional_computed("identifier", Type::String).force_new())
            .attr(Attribute::required("engine", Type::String).force_new())
            .attr(Attribute::optional_computed("engine_version", Type::String))
            .attr(Attribute::required("instance_class", Type::String))
            .attr(Attribute::optional_computed(
                "allocated_storage",
                Type::Number,
            ))
            .attr(Attribute::optional("max_allocated_storage", Type::Number))
            .attr(
                Attribute::optional_computed("storage_type", Type::String)
                    .check(Check::OneOf(&["standard", "gp2", "gp3", "io1", "io2"])),
            )
            .attr(Attribute::optional_computed("db_name", Type::String).force_new())
            .attr(Attribute::optional_computed("username", Type::String).force_new())
            .attr(Attribute::optional("password", Type::String).sensitive())
            .attr(Attribute::optional_computed("port", Type::Number).check(Check::Port))
            .attr(Attribute::optional_computed("db_subnet_group_name", Type::String).force_new())
            .attr(Attribute::optional_computed(
                "vpc_security_group_ids",
                Type::set(Type::String),
            ))
            .attr(Attribute::optional_computed("multi_az", Type::Bool))
            .attr(
                Attribute::optional("publicly_accessible", Type::Bool).default(Value::Bool(false)),
            )
            .attr(
                Attribute::optional_computed("backup_retention_period", Type::Number)
                    .check(Check::Range(0, 35)),
            )
            .attr(
                Attribute::optional("deletion_protection", Type::Bool).default(Value::Bool(false)),
            )
            .attr(
                Attribute::optional("skip_final_snapshot", Type::Bool).default(Value::Bool(false)),
            )
            .attr(Attribute::optional(
                "final_snapshot_identifier",
                Type::String,
            ))
            .attr(Attribute::optional("apply_immediately", Type::Bool).default(Value::Bool(false)))
            .attr(Attribute::optional_computed(
                "parameter_group_name",
                Type::String,
            ))
            .with_tags();
        AwsDbInstance { aws, schema }
    }

    /// Instances by identifier, via the `db-instance-id` filter (missing ones are skipped).
    async fn describe(
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
    let identifier = instance.db_instance_identifier().unwrap_or_default();
    let endpoint = instance.endpoint();
    let address = endpoint.and_then(|e| e.address());
    let port = endpoint
        .and_then(|e| e.port())
        .or(instance.db_instance_port().filter(|p| *p != 0));
    object.insert("id".to_string(), Value::string(identifier));
    object.insert("identifier".to_string(), Value::string(identifier));
    object.insert("arn".to_string(), text(instance.db_instance_arn()));
    object.insert("resource_id".to_string(), text(instance.dbi_resource_id()));
    object.insert("address".to_string(), text(address));
    object.insert(
        "endpoint".to_string(),
        match (address, port) {
            (Some(address), Some(port)) => Value::string(format!("{address}:{port}")),
            (Some(address), None) => Value::string(address),
            _ => Value::Null,
        },
    );
    object.insert("engine".to_string(), text(instance.engine()));
    object.insert(
        "engine_version".to_string(),
        engine_version(instance.engine_version(), hint.get("engine_version")),
    );
    object.insert(
        "instance_class".to_string(),
        text(instance.db_instance_class()),
    );
    object.insert(
        "allocated_storage".to_string(),
        number(instance.allocated_storage().map(i64::from)),
    );
    object.insert(
        "max_allocated_storage".to_string(),
        number(instance.max_allocated_storage().map(i64::from)),
    );
    object.insert("storage_type".to_string(), text(instance.storage_type()));
    object.insert("db_name".to_string(), text(instance.db_name()));
    object.insert("username".to_string(), text(instance.master_username()));
    object.insert("port".to_string(), number(port.map(i64::from)));
    object.insert(
        "db_subnet_group_name".to_string(),
        text(
            instance
                .db_subnet_group()
                .and_then(|g| g.db_subnet_group_name()),
        ),
    );
    object.insert(
        "vpc_security_group_ids".to_string(),
        string_list(
            instance
                .vpc_security_groups()
                .iter()
                .filter_map(|g| g.vpc_security_group_id()),
        ),
    );
    object.insert(
        "multi_az".to_string(),
        Value::Bool(instance.multi_az().unwrap_or(false)),
    );
    object.insert(
        "publicly_accessible".to_string(),
        Value::Bool(instance.publicly_accessible().unwrap_or(false)),
    );
    object.insert(
        "backup_retention_period".to_string(),
        number(instance.backup_retention_period().map(i64::from)),
    );
    object.insert(
        "deletion_protection".to_string(),
        Value::Bool(instance.deletion_protection().unwrap_or(false)),
    );
    object.insert(
        "parameter_group_name".to_string(),
        text(
            instance
                .db_parameter_groups()
                .first()
                .and_then(|g| g.db_parameter_group_name()),
        ),
    );
    copy_attributes(&mut object, hint, CONFIG_ONLY);
    for (key, default) in [("skip_final_snapshot", false), ("apply_immediately", false)] {
        if object
            .get(key)
            .is_some_and(|v| !matches!(v.as_bool(), Some(_)))
        {
            object.insert(key.to_string(), Value::Bool(default));
        }
    }
    let tags = tags_from_sdk(instance.tag_list());
    set_tags(
        &mut object,
        tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    );
    Value::Map(object)
}

#[async_trait::async_trait]
impl ResourceType for AwsDbInstance {
    fn name(&self) -> &'static str {
        "aws_db_instance"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn default_timeouts(&self) -> infra_core::Timeouts {
        infra_core::Timeouts {
            create: std::time::Duration::from_secs(40 * 60),
            update: std::time::Duration::from_secs(80 * 60),
            delete: std::time::Duration::from_secs(60 * 60),
        }
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
        problems
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.rds;
        let identifier = string(planned, "identifier")
            .ok_or_else(|| ProviderError::new("aws_db_instance needs a known \"identifier\""))?;
        let security_groups = strings(planned, "vpc_security_group_ids");
        client
            .create_db_instance()
            .db_instance_identifier(&identifier)
            .set_engine(string(planned, "engine"))
            .set_engine_version(string(planned, "engine_version"))
            .set_db_instance_class(string(planned, "instance_class"))
            .set_allocated_storage(int(planned, "allocated_storage"))
            .set_max_allocated_storage(int(planned, "max_allocated_storage").filter(|m| *m > 0))
            .set_storage_type(string(planned, "storage_type"))
            .set_db_name(string(planned, "db_name"))
            .set_master_username(string(planned, "username"))
            .set_master_user_password(string(planned, "password"))
            .set_port(int(planned, "port"))
            .set_db_subnet_group_name(string(planned, "db_subnet_group_name"))
            .set_vpc_security_group_ids((!security_groups.is_empty()).then_some(security_groups))
            .set_multi_az(boolean(planned, "multi_az"))
            .set_publicly_accessible(boolean(planned, "publicly_accessible"))
            .set_backup_retention_period(int(planned, "backup_retention_period"))
            .set_deletion_protection(boolean(planned, "deletion_protection"))
            .set_db_parameter_group_name(string(planned, "parameter_group_name"))
            .set_tags(Some(tags_to_sdk(&operation.tags_with_managed(planned))))
            .send()
            .await
            .map_err(aws_error)?;
        let instance = self
            .wait_available(&identifier, operation.timeouts.create)
            .await?;
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
        let mut request = client
            .modify_db_instance()
            .db_instance_identifier(&identifier)
            .apply_immediately(boolean(planned, "apply_immediately").unwrap_or(false));
        let mut any = false;
        let known_change = |key: &str| {
            changed(prior, planned, key)
                && !planned.get(key).is_unknown()
                && !planned.get(key).is_null()
        };
        if known_change("engine_version") {
            request = request
                .set_engine_version(string(planned, "engine_version"))
                .allow_major_version_upgrade(true);
            any = true;
        }
        if known_change("instance_class") {
            request = request.set_db_instance_class(string(planned, "instance_class"));
            any = true;
        }
        if known_change("allocated_storage") {
            request = request.set_allocated_storage(int(planned, "allocated_storage"));
            any = true;
        }
        if changed(prior, planned, "max_allocated_storage") {
            // Zero turns storage autoscaling off.
            request =
                request.max_allocated_storage(int(planned, "max_allocated_storage").unwrap_or(0));
            any = true;
        }
        if known_change("storage_type") {
            request = request.set_storage_type(string(planned, "storage_type"));
            any = true;
        }
        if changed(prior, planned, "password") && !planned.get("password").is_null() {
            request = request.set_master_user_password(string(planned, "password"));
            any = true;
        }
        if known_change("port") {
            request = request.set_db_port_number(int(planned, "port"));
            any = true;
        }
        if known_change("vpc_security_group_ids") {
            request = request
                .set_vpc_security_group_ids(Some(strings(planned, "vpc_security_group_ids")));
            any = true;
        }
        if known_change("multi_az") {
            request = request.set_multi_az(boolean(planned, "multi_az"));
            any = true;
        }
        if known_change("publicly_accessible") {
            request = request.set_publicly_accessible(boolean(planned, "publicly_accessible"));
            any = true;
        }
        if known_change("backup_retention_period") {
            request = request.set_backup_retention_period(int(planned, "backup_retention_period"));
            any = true;
        }
        if known_change("deletion_protection") {
            request = request.set_deletion_protection(boolean(planned, "deletion_protection"));
            any = true;
        }
        if known_change("parameter_group_name") {
            request = request.set_db_parameter_group_name(string(planned, "parameter_group_name"));
            any = true;
        }
        if any {
            request.send().await.map_err(aws_error)?;
        }
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
            .set_final_db_snapshot_identifier(if skip { None } else { snapshot });
        match request.send().await.map_err(aws_error) {
            Ok(_) => {}
            Err(error) if is_not_found(&error) => return Ok(()),
            Err(error) => return Err(error),
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
        let Some(identifier) = string(planned, "identifier") else {
            return Ok(None);
        };
        Ok(self
            .describe(std::slice::from_ref(&identifier))
            .await?
            .get(&identifier)
            .filter(|instance| has_managed_tags(&tags_from_sdk(instance.tag_list()), operation))
            .map(|instance| to_value(instance, planned)))
    }
}
