//! `aws_db_instance` (data source): an RDS instance by `db_instance_identifier`, through the
//! `aws_db_instance` resource's DescribeDBInstances (tags come in the answer). The attribute
//! names are the data source's own (`db_instance_class`, `db_parameter_groups`, ...), not the
//! resource's.
//!
//! moto does not return `network_type`, `timezone`, `hosted_zone_id` or `storage_throughput`,
//! so they read as unset in tests.

use aws_sdk_rds::types::DbInstance;
use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::app_support::{number, string, string_list, text};
use crate::lookup::{Lookup, LookupType};
use crate::rds_support::{master_user_secret, tags_from_sdk};
use crate::resources::rds::aws_db_instance::AwsDbInstance;

const STRINGS: &[&str] = &[
    "address",
    "availability_zone",
    "ca_cert_identifier",
    "db_cluster_identifier",
    "db_instance_arn",
    "db_instance_class",
    "db_name",
    "db_subnet_group",
    "endpoint",
    "engine",
    "engine_version",
    "hosted_zone_id",
    "kms_key_id",
    "license_model",
    "master_username",
    "monitoring_role_arn",
    "network_type",
    "preferred_backup_window",
    "preferred_maintenance_window",
    "replicate_source_db",
    "resource_id",
    "storage_type",
    "timezone",
];
const NUMBERS: &[&str] = &[
    "allocated_storage",
    "backup_retention_period",
    "db_instance_port",
    "iops",
    "monitoring_interval",
    "port",
    "storage_throughput",
];
const BOOLS: &[&str] =
    &["auto_minor_version_upgrade", "multi_az", "publicly_accessible", "storage_encrypted"];
const LISTS: &[&str] = &[
    "db_parameter_groups",
    "db_security_groups",
    "enabled_cloudwatch_logs_exports",
    "option_group_memberships",
    "vpc_security_groups",
];

pub type AwsDbInstanceData = LookupType<DbInstanceLookup>;

pub struct DbInstanceLookup;

/// How an attribute is read from one field of the instance.
type Text = fn(&DbInstance) -> Option<&str>;
type Integer = fn(&DbInstance) -> Option<i32>;
type Flag = fn(&DbInstance) -> Option<bool>;

/// The attributes read from one text field of the instance.
const TEXT: &[(&str, Text)] = &[
    ("id", DbInstance::db_instance_identifier),
    ("availability_zone", DbInstance::availability_zone),
    ("ca_cert_identifier", DbInstance::ca_certificate_identifier),
    ("db_cluster_identifier", DbInstance::db_cluster_identifier),
    ("db_instance_arn", DbInstance::db_instance_arn),
    ("db_instance_class", DbInstance::db_instance_class),
    ("db_name", DbInstance::db_name),
    ("engine", DbInstance::engine),
    ("engine_version", DbInstance::engine_version),
    ("kms_key_id", DbInstance::kms_key_id),
    ("license_model", DbInstance::license_model),
    ("master_username", DbInstance::master_username),
    ("monitoring_role_arn", DbInstance::monitoring_role_arn),
    ("network_type", DbInstance::network_type),
    ("preferred_backup_window", DbInstance::preferred_backup_window),
    ("preferred_maintenance_window", DbInstance::preferred_maintenance_window),
    ("replicate_source_db", DbInstance::read_replica_source_db_instance_identifier),
    ("resource_id", DbInstance::dbi_resource_id),
    ("storage_type", DbInstance::storage_type),
    ("timezone", DbInstance::timezone),
];

/// The attributes read from one integer field of the instance.
const INTEGERS: &[(&str, Integer)] = &[
    ("allocated_storage", DbInstance::allocated_storage),
    ("backup_retention_period", DbInstance::backup_retention_period),
    ("db_instance_port", DbInstance::db_instance_port),
    ("iops", DbInstance::iops),
    ("monitoring_interval", DbInstance::monitoring_interval),
    ("storage_throughput", DbInstance::storage_throughput),
];

/// The attributes read from one boolean field of the instance.
const FLAGS: &[(&str, Flag)] = &[
    ("auto_minor_version_upgrade", DbInstance::auto_minor_version_upgrade),
    ("multi_az", DbInstance::multi_az),
    ("publicly_accessible", DbInstance::publicly_accessible),
    ("storage_encrypted", DbInstance::storage_encrypted),
];

fn to_value(instance: &DbInstance, config: &Value) -> Value {
    let endpoint = instance.endpoint();
    let address = endpoint.and_then(|e| e.address());
    let port = endpoint.and_then(|e| e.port());
    let mut value = config.clone();
    let Some(entries) = value.map_mut() else {
        return value;
    };
    let mut put = |key: &str, v: Value| {
        entries.insert(key.to_string(), v);
    };
    for (key, field) in TEXT {
        put(key, text(field(instance)));
    }
    for (key, field) in INTEGERS {
        put(key, number(field(instance).map(i64::from)));
    }
    for (key, field) in FLAGS {
        put(key, field(instance).map(Value::Bool).unwrap_or(Value::Null));
    }
    put("address", text(address));
    put(
        "endpoint",
        match (address, port) {
            (Some(address), Some(port)) => Value::string(format!("{address}:{port}")),
            _ => Value::Null,
        },
    );
    put("hosted_zone_id", text(endpoint.and_then(|e| e.hosted_zone_id())));
    put("port", number(port.map(i64::from)));
    put(
        "db_parameter_groups",
        string_list(
            instance.db_parameter_groups().iter().filter_map(|g| g.db_parameter_group_name()),
        ),
    );
    put(
        "db_security_groups",
        string_list(
            instance.db_security_groups().iter().filter_map(|g| g.db_security_group_name()),
        ),
    );
    put("db_subnet_group", text(instance.db_subnet_group().and_then(|g| g.db_subnet_group_name())));
    put("enabled_cloudwatch_logs_exports", string_list(instance.enabled_cloudwatch_logs_exports()));
    put("master_user_secret", master_user_secret(instance.master_user_secret()));
    put(
        "option_group_memberships",
        string_list(
            instance.option_group_memberships().iter().filter_map(|g| g.option_group_name()),
        ),
    );
    put(
        "vpc_security_groups",
        string_list(
            instance.vpc_security_groups().iter().filter_map(|g| g.vpc_security_group_id()),
        ),
    );
    put(
        "tags",
        infra_core::resource::visible_tags(
            tags_from_sdk(instance.tag_list()).iter().map(|(k, v)| (k.as_str(), v.as_str())),
        ),
    );
    value
}

impl Lookup for DbInstanceLookup {
    const NAME: &'static str = "aws_db_instance";

    fn schema() -> Schema {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("db_instance_identifier", Type::String))
            .attr(Attribute::computed("master_user_secret", Type::list(Type::Any)))
            .attr(Attribute::computed("tags", Type::map(Type::String)));
        let schema =
            STRINGS.iter().fold(schema, |s, name| s.attr(Attribute::computed(name, Type::String)));
        let schema =
            NUMBERS.iter().fold(schema, |s, name| s.attr(Attribute::computed(name, Type::Number)));
        let schema =
            BOOLS.iter().fold(schema, |s, name| s.attr(Attribute::computed(name, Type::Bool)));
        LISTS
            .iter()
            .fold(schema, |s, name| s.attr(Attribute::computed(name, Type::list(Type::String))))
    }

    async fn read(this: &LookupType<Self>, config: &Value) -> Result<Value, ProviderError> {
        let resource = AwsDbInstance::new(this.aws.clone());
        let identifier = string(config, "db_instance_identifier").ok_or_else(|| {
            ProviderError::new("aws_db_instance: db_instance_identifier is required")
        })?;
        let instance = resource
            .describe(std::slice::from_ref(&identifier))
            .await?
            .remove(&identifier)
            .ok_or_else(|| {
                ProviderError::new(format!(
                    "reading RDS DB Instance ({identifier}): couldn't find resource"
                ))
            })?;
        Ok(to_value(&instance, config))
    }
}
