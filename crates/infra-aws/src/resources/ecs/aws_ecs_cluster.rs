//! `aws_ecs_cluster`: an ECS cluster and its settings (e.g. `containerInsights`).
//!
//! Refresh is one DescribeClusters (up to 100 ARNs a call; missing clusters come back in
//! `failures`, and deleted ones as `INACTIVE`), tags, settings and configuration included.
//! `configuration` (ECS Exec logging, managed storage keys) and `service_connect_defaults`
//! are sent on create and changed in place with UpdateCluster.
//!
//! moto holds `configuration` and `service_connect_defaults`; `managed_storage_configuration`
//! is not exercised in tests.

use std::collections::BTreeMap;

use aws_sdk_ecs::types::{
    Cluster, ClusterConfiguration, ClusterField, ClusterServiceConnectDefaultsRequest,
    ClusterSetting, ClusterSettingName, ExecuteCommandConfiguration,
    ExecuteCommandLogConfiguration, ExecuteCommandLogging, ManagedStorageConfiguration,
};
use infra_core::{Attribute, Block, Check, Operation, ProviderError, Schema, Type, Value};

use crate::app_support::{blocks, boolean, changed, deleted_or_gone, sent, single, string, text};
use crate::aws_object::{AwsObject, Creating, Deleting, DescribeResult, ObjectType, Updating};
use crate::declared::{self, read, read_block, Declared, Reading};
use crate::ecs_support::{
    active_by_key, cluster_name_checks, created_arn, tags_to_sdk, update_tags, with_tags,
};
use crate::error::{is_not_found, refused};
use crate::tagging::ManagedTags;

/// DescribeClusters takes at most 100 clusters a call.
const CLUSTERS_PER_CALL: usize = 100;

pub type AwsEcsCluster = ObjectType<ClusterObject>;

pub struct ClusterObject;

/// The cluster's ARN, as `id` and `arn`.
fn arn_value(cluster: &Cluster, _: &Reading) -> Value {
    Value::string(cluster.cluster_arn().unwrap_or_default())
}

fn attributes() -> Vec<Declared<Cluster>> {
    vec![
        read(Attribute::computed("id", Type::String), arn_value),
        read(Attribute::computed("arn", Type::String), arn_value),
        declared::string(
            cluster_name_checks(Attribute::required("name", Type::String).force_new()),
            Cluster::cluster_name,
        ),
        read_block(
            Block::set(
                "setting",
                Schema::new()
                    .attr(
                        Attribute::required("name", Type::String)
                            .check(infra_core::Check::OneOf(&["containerInsights"])),
                    )
                    .attr(
                        Attribute::required("value", Type::String)
                            .check(infra_core::Check::OneOf(&["enabled", "disabled", "enhanced"])),
                    ),
            )
            .computed(),
            |cluster: &Cluster, at: &Reading| settings_value(cluster, at.prior),
        ),
        read_block(
            Block::single("configuration", configuration_schema()),
            |cluster: &Cluster, _: &Reading| configuration_value(cluster.configuration()),
        ),
        read_block(
            Block::single(
                "service_connect_defaults",
                Schema::new().attr(Attribute::required("namespace", Type::String)),
            ),
            |cluster: &Cluster, at: &Reading| service_connect_value(cluster, at.prior),
        ),
    ]
}

fn configuration_schema() -> Schema {
    Schema::new()
        .block(Block::single(
            "execute_command_configuration",
            Schema::new()
                .attr(Attribute::optional("kms_key_id", Type::String))
                .attr(
                    // The provider's default: it sends DEFAULT (ECS's own) and stores it, so a
                    // Terraform-written state plans no change.
                    Attribute::optional("logging", Type::String)
                        .default(Value::string("DEFAULT"))
                        .check(Check::OneOf(&["NONE", "DEFAULT", "OVERRIDE"])),
                )
                .block(Block::single(
                    "log_configuration",
                    Schema::new()
                        .attr(
                            Attribute::optional("cloud_watch_encryption_enabled", Type::Bool)
                                .default(Value::Bool(false)),
                        )
                        .attr(Attribute::optional("cloud_watch_log_group_name", Type::String))
                        .attr(Attribute::optional("s3_bucket_name", Type::String))
                        .attr(
                            Attribute::optional("s3_bucket_encryption_enabled", Type::Bool)
                                .default(Value::Bool(false)),
                        )
                        .attr(Attribute::optional("s3_key_prefix", Type::String)),
                )),
        ))
        .block(Block::single(
            "managed_storage_configuration",
            Schema::new()
                .attr(Attribute::optional("fargate_ephemeral_storage_kms_key_id", Type::String))
                .attr(Attribute::optional("kms_key_id", Type::String)),
        ))
}

fn settings_to_sdk(value: &Value) -> Vec<ClusterSetting> {
    blocks(value, "setting")
        .iter()
        .map(|setting| {
            ClusterSetting::builder()
                .set_name(string(setting, "name").map(|n| ClusterSettingName::from(n.as_str())))
                .set_value(string(setting, "value"))
                .build()
        })
        .collect()
}

fn configuration_to_sdk(value: &Value) -> Option<ClusterConfiguration> {
    let configuration = single(value, "configuration")?;
    let execute = single(configuration, "execute_command_configuration").map(|e| {
        let log = single(e, "log_configuration").map(|l| {
            ExecuteCommandLogConfiguration::builder()
                .set_cloud_watch_log_group_name(string(l, "cloud_watch_log_group_name"))
                .set_cloud_watch_encryption_enabled(boolean(l, "cloud_watch_encryption_enabled"))
                .set_s3_bucket_name(string(l, "s3_bucket_name"))
                .set_s3_encryption_enabled(boolean(l, "s3_bucket_encryption_enabled"))
                .set_s3_key_prefix(string(l, "s3_key_prefix"))
                .build()
        });
        ExecuteCommandConfiguration::builder()
            .set_kms_key_id(string(e, "kms_key_id"))
            .set_logging(string(e, "logging").map(|l| ExecuteCommandLogging::from(l.as_str())))
            .set_log_configuration(log)
            .build()
    });
    let storage = single(configuration, "managed_storage_configuration").map(|m| {
        ManagedStorageConfiguration::builder()
            .set_kms_key_id(string(m, "kms_key_id"))
            .set_fargate_ephemeral_storage_kms_key_id(string(
                m,
                "fargate_ephemeral_storage_kms_key_id",
            ))
            .build()
    });
    Some(
        ClusterConfiguration::builder()
            .set_execute_command_configuration(execute)
            .set_managed_storage_configuration(storage)
            .build(),
    )
}

fn service_connect_to_sdk(
    value: &Value,
) -> Result<Option<ClusterServiceConnectDefaultsRequest>, ProviderError> {
    single(value, "service_connect_defaults")
        .map(|d| {
            ClusterServiceConnectDefaultsRequest::builder()
                .set_namespace(string(d, "namespace"))
                .build()
                .map_err(|e| ProviderError::new(format!("service_connect_defaults: {e}")))
        })
        .transpose()
}

fn configuration_value(configuration: Option<&ClusterConfiguration>) -> Value {
    let Some(configuration) = configuration else {
        return Value::List(vec![]);
    };
    let execute = configuration
        .execute_command_configuration()
        .map(|e| {
            let log = e
                .log_configuration()
                .map(|l| {
                    Value::map([
                        (
                            "cloud_watch_encryption_enabled",
                            Value::Bool(l.cloud_watch_encryption_enabled()),
                        ),
                        ("cloud_watch_log_group_name", text(l.cloud_watch_log_group_name())),
                        ("s3_bucket_name", text(l.s3_bucket_name())),
                        ("s3_bucket_encryption_enabled", Value::Bool(l.s3_encryption_enabled())),
                        ("s3_key_prefix", text(l.s3_key_prefix())),
                    ])
                })
                .into_iter()
                .collect();
            Value::map([
                ("kms_key_id", text(e.kms_key_id())),
                ("logging", text(e.logging().map(|l| l.as_str()))),
                ("log_configuration", Value::List(log)),
            ])
        })
        .into_iter()
        .collect::<Vec<_>>();
    let storage = configuration
        .managed_storage_configuration()
        .filter(|m| m.kms_key_id().is_some() || m.fargate_ephemeral_storage_kms_key_id().is_some())
        .map(|m| {
            Value::map([
                (
                    "fargate_ephemeral_storage_kms_key_id",
                    text(m.fargate_ephemeral_storage_kms_key_id()),
                ),
                ("kms_key_id", text(m.kms_key_id())),
            ])
        })
        .into_iter()
        .collect::<Vec<_>>();
    if execute.is_empty() && storage.is_empty() {
        return Value::List(vec![]);
    }
    Value::List(vec![Value::map([
        ("execute_command_configuration", Value::List(execute)),
        ("managed_storage_configuration", Value::List(storage)),
    ])])
}

/// The cluster's settings. A `containerInsights = disabled` setting that the configuration
/// (`hint`) did not write is AWS's default and is left out.
fn settings_value(cluster: &Cluster, hint: &Value) -> Value {
    let configured: Vec<String> =
        blocks(hint, "setting").iter().filter_map(|s| string(s, "name")).collect();
    let settings = cluster.settings().iter().filter(|s| {
        let name = s.name().map(|n| n.as_str().to_string()).unwrap_or_default();
        configured.contains(&name) || s.value() != Some("disabled")
    });
    Value::List(
        settings
            .map(|s| {
                Value::map([
                    ("name", text(s.name().map(|n| n.as_str()))),
                    ("value", text(s.value())),
                ])
            })
            .collect(),
    )
}

/// `service_connect_defaults`: AWS reports the namespace ARN; the configuration (`hint`) may
/// name it, and is kept then.
fn service_connect_value(cluster: &Cluster, hint: &Value) -> Value {
    let namespace = cluster.service_connect_defaults().and_then(|d| d.namespace());
    Value::List(
        namespace
            .map(|namespace| {
                let configured = single(hint, "service_connect_defaults")
                    .map(|d| d.get("namespace").clone())
                    .unwrap_or(Value::Null);
                let same = configured
                    .as_str()
                    .is_some_and(|c| c == namespace || namespace.rsplit('/').next() == Some(c));
                Value::map([(
                    "namespace",
                    if same { configured } else { Value::string(namespace) },
                )])
            })
            .into_iter()
            .collect(),
    )
}

impl AwsObject for ClusterObject {
    type Object = Cluster;
    const NAME: &'static str = "aws_ecs_cluster";
    const KIND: &'static str = "ECS cluster";
    /// Terraform's import ID is its name, which DescribeClusters takes as well as the ARN.
    const KEY: &'static str = "arn";

    fn attributes() -> Vec<Declared<Cluster>> {
        attributes()
    }

    // The provider also requires `service_connect_defaults.namespace` to be an ARN; infra
    // keeps taking the namespace's name as well, which the API accepts: see
    // `service_connect_value`.

    fn created_key(_operation: &Operation, planned: &Value) -> Option<String> {
        string(planned, "name")
    }

    /// Active clusters by ARN or name, as asked (DescribeClusters, 100 a call), with their
    /// tags, settings and configuration.
    async fn describe(this: &ObjectType<Self>, keys: &[String]) -> DescribeResult<Cluster> {
        let client = &this.aws.clients().await.ecs;
        let mut out = BTreeMap::new();
        for chunk in keys.chunks(CLUSTERS_PER_CALL) {
            let response = sent!(client
                .describe_clusters()
                .set_clusters(Some(chunk.to_vec()))
                .include(ClusterField::Tags)
                .include(ClusterField::Settings)
                .include(ClusterField::Configurations))?;
            active_by_key(
                &mut out,
                chunk,
                response.clusters(),
                Cluster::status,
                [Cluster::cluster_arn, Cluster::cluster_name],
            );
        }
        Ok(with_tags(out, Cluster::tags))
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.ecs;
        let name = string(at.planned, "name")
            .ok_or_else(|| ProviderError::new("aws_ecs_cluster needs a known \"name\""))?;
        let settings = settings_to_sdk(at.planned);
        let response = sent!(client
            .create_cluster()
            .cluster_name(&name)
            .set_settings((!settings.is_empty()).then_some(settings))
            .set_configuration(configuration_to_sdk(at.planned))
            .set_service_connect_defaults(service_connect_to_sdk(at.planned)?)
            .set_tags(Some(tags_to_sdk(&at.operation.tags_with_managed(at.planned)))))?;
        let arn = response.cluster().and_then(Cluster::cluster_arn);
        created_arn(arn, "ECS cluster", &name)
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.ecs;
        if changed(at.prior, at.planned, "setting") {
            let mut settings = settings_to_sdk(at.planned);
            // A removed setting goes back to AWS's default rather than staying as it was.
            for old in blocks(at.prior, "setting") {
                let name = string(old, "name").unwrap_or_default();
                if !blocks(at.planned, "setting")
                    .iter()
                    .any(|s| string(s, "name").as_deref() == Some(name.as_str()))
                {
                    settings.push(
                        ClusterSetting::builder()
                            .name(ClusterSettingName::from(name.as_str()))
                            .value("disabled")
                            .build(),
                    );
                }
            }
            // UpdateCluster carries settings too, and the emulator implements it.
            sent!(client.update_cluster().cluster(at.key).set_settings(Some(settings)))?;
        }
        if changed(at.prior, at.planned, "configuration")
            || changed(at.prior, at.planned, "service_connect_defaults")
        {
            let mut request = client.update_cluster().cluster(at.key);
            if changed(at.prior, at.planned, "configuration") {
                // No block clears the configuration.
                request = request.configuration(
                    configuration_to_sdk(at.planned)
                        .unwrap_or_else(|| ClusterConfiguration::builder().build()),
                );
            }
            if changed(at.prior, at.planned, "service_connect_defaults") {
                request = request.set_service_connect_defaults(Some(match service_connect_to_sdk(
                    at.planned,
                )? {
                    Some(defaults) => defaults,
                    // An empty namespace removes the default.
                    None => ClusterServiceConnectDefaultsRequest::builder()
                        .namespace("")
                        .build()
                        .map_err(refused)?,
                }));
            }
            sent!(request)?;
        }
        update_tags(client, at.key, at.prior, at.planned).await?;
        Ok(at.key.to_string())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let client = &at.this.aws.clients().await.ecs;
        deleted_or_gone(sent!(client.delete_cluster().cluster(at.key)), is_not_found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Aws;
    use infra_core::ResourceType;

    /// The name is checked as the provider's `validateClusterName` checks it.
    #[test]
    fn the_name_is_checked_as_the_provider_checks_it() {
        let ecs = AwsEcsCluster::new(Aws::new(crate::ProviderSettings::default()));
        let named = |name: &str| Value::map([("name", Value::string(name))]);
        assert!(ecs.problems(&named("prod_cluster-1")).is_empty());
        assert!(ecs.problems(&Value::map([("name", Value::Unknown)])).is_empty());
        assert_eq!(
            ecs.problems(&named("prod.cluster")),
            [(
                "name".to_string(),
                "invalid value for name (The cluster name must consist of alphanumerics, \
                 hyphens, and underscores.)"
                    .to_string()
            )]
        );
        assert_eq!(ecs.problems(&named(&"c".repeat(256))).len(), 1);
    }

    /// `execute_command_configuration.logging` defaults to DEFAULT, as in the provider: it is
    /// sent, and a Terraform-written state holding it plans no change.
    #[test]
    fn exec_logging_defaults_to_default() {
        let ecs = AwsEcsCluster::new(Aws::new(crate::ProviderSettings::default()));
        let logging = ecs
            .schema()
            .block_named("configuration")
            .and_then(|c| c.schema.block_named("execute_command_configuration"))
            .and_then(|e| e.schema.attribute("logging"))
            .expect("declared");
        assert_eq!(logging.default, Some(Value::string("DEFAULT")));
        let planned = Value::map([(
            "configuration",
            Value::List(vec![Value::map([(
                "execute_command_configuration",
                Value::List(vec![Value::map([("logging", Value::string("DEFAULT"))])]),
            )])]),
        )]);
        let sent = configuration_to_sdk(&planned).expect("configured");
        assert_eq!(
            sent.execute_command_configuration().and_then(|e| e.logging()).map(|l| l.as_str()),
            Some("DEFAULT")
        );
        // Read back as sent.
        let execute = Value::List(vec![Value::map([
            ("kms_key_id", Value::Null),
            ("logging", Value::string("DEFAULT")),
            ("log_configuration", Value::List(vec![])),
        ])]);
        assert_eq!(
            configuration_value(Some(&sent)),
            Value::List(vec![Value::map([
                ("execute_command_configuration", execute),
                ("managed_storage_configuration", Value::List(vec![])),
            ])])
        );
    }
}
