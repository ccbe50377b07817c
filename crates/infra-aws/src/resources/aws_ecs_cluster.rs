//! `aws_ecs_cluster`: an ECS cluster and its settings (e.g. `containerInsights`).
//!
//! Refresh is one DescribeClusters (up to 100 ARNs a call; missing clusters come back in
//! `failures`, and deleted ones as `INACTIVE`), tags included.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_ecs::types::{Cluster, ClusterField, ClusterSetting, ClusterSettingName};
use infra_core::{Attribute, Block, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{blocks, changed, set_tags, string, text, vanished};
use crate::ecs_support::{has_managed_tags, tags_from_sdk, tags_to_sdk, update_tags};
use crate::error::{aws_error, is_not_found};
use crate::Aws;

/// DescribeClusters takes at most 100 clusters a call.
const CLUSTERS_PER_CALL: usize = 100;

pub struct AwsEcsCluster {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsEcsCluster {
    pub fn new(aws: Arc<Aws>) -> AwsEcsCluster {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::required("name", Type::String).force_new())
            .block(Block::set(
                "setting",
                Schema::new()
                    .attr(
                        Attribute::required("name", Type::String)
                            .check(infra_core::Check::OneOf(&["containerInsights"])),
                    )
                    .attr(Attribute::required("value", Type::String).check(
                        infra_core::Check::OneOf(&["enabled", "disabled", "enhanced"]),
                    )),
            ))
            .with_tags();
        AwsEcsCluster { aws, schema }
    }

    /// Active clusters by ARN or name, as asked.
    async fn describe(&self, keys: &[String]) -> Result<BTreeMap<String, Cluster>, ProviderError> {
        let client = &self.aws.clients().await.ecs;
        let mut out = BTreeMap::new();
        for chunk in keys.chunks(CLUSTERS_PER_CALL) {
            let response = client
                .describe_clusters()
                .set_clusters(Some(chunk.to_vec()))
                .include(ClusterField::Tags)
                .include(ClusterField::Settings)
                .send()
                .await
                .map_err(aws_error)?;
            for cluster in response.clusters() {
                if cluster.status() == Some("INACTIVE") {
                    continue;
                }
                for key in chunk {
                    if cluster.cluster_arn() == Some(key.as_str())
                        || cluster.cluster_name() == Some(key.as_str())
                    {
                        out.insert(key.clone(), cluster.clone());
                    }
                }
            }
        }
        Ok(out)
    }

    async fn read_one(&self, key: &str, hint: &Value) -> Result<Value, ProviderError> {
        self.describe(&[key.to_string()])
            .await?
            .get(key)
            .map(|cluster| to_value(cluster, hint))
            .ok_or_else(|| vanished("ECS cluster", key))
    }
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

/// The cluster as a value. A `containerInsights = disabled` setting that the configuration
/// did not write is AWS's default and is left out.
fn to_value(cluster: &Cluster, hint: &Value) -> Value {
    let arn = cluster.cluster_arn().unwrap_or_default();
    let configured: Vec<String> = blocks(hint, "setting")
        .iter()
        .filter_map(|s| string(s, "name"))
        .collect();
    let settings: Vec<Value> = cluster
        .settings()
        .iter()
        .filter(|s| {
            let name = s.name().map(|n| n.as_str().to_string()).unwrap_or_default();
            configured.contains(&name) || s.value() != Some("disabled")
        })
        .map(|s| {
            Value::map([
                ("name", text(s.name().map(|n| n.as_str()))),
                ("value", text(s.value())),
            ])
        })
        .collect();
    let mut object = BTreeMap::new();
    object.insert("id".to_string(), Value::string(arn));
    object.insert("arn".to_string(), Value::string(arn));
    object.insert("name".to_string(), text(cluster.cluster_name()));
    object.insert("setting".to_string(), Value::List(settings));
    let tags = tags_from_sdk(cluster.tags());
    set_tags(
        &mut object,
        tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    );
    Value::Map(object)
}

#[async_trait::async_trait]
impl ResourceType for AwsEcsCluster {
    fn name(&self) -> &'static str {
        "aws_ecs_cluster"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.ecs;
        let name = string(planned, "name")
            .ok_or_else(|| ProviderError::new("aws_ecs_cluster needs a known \"name\""))?;
        let settings = settings_to_sdk(planned);
        let response = client
            .create_cluster()
            .cluster_name(&name)
            .set_settings((!settings.is_empty()).then_some(settings))
            .set_tags(Some(tags_to_sdk(&operation.tags_with_managed(planned))))
            .send()
            .await
            .map_err(aws_error)?;
        let arn = response
            .cluster()
            .and_then(|c| c.cluster_arn())
            .ok_or_else(|| vanished("ECS cluster", &name))?
            .to_string();
        self.read_one(&arn, planned).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.ecs;
        let arn = string(prior, "arn")
            .ok_or_else(|| ProviderError::new("aws_ecs_cluster has no arn in state"))?;
        if changed(prior, planned, "setting") {
            let mut settings = settings_to_sdk(planned);
            // A removed setting goes back to AWS's default rather than staying as it was.
            for old in blocks(prior, "setting") {
                let name = string(old, "name").unwrap_or_default();
                if !blocks(planned, "setting")
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
            client
                .update_cluster()
                .cluster(&arn)
                .set_settings(Some(settings))
                .send()
                .await
                .map_err(aws_error)?;
        }
        update_tags(client, &arn, prior, planned).await?;
        self.read_one(&arn, planned).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.ecs;
        let Some(arn) = string(prior, "arn") else {
            return Ok(());
        };
        match client
            .delete_cluster()
            .cluster(&arn)
            .send()
            .await
            .map_err(aws_error)
        {
            Ok(_) => Ok(()),
            Err(error) if is_not_found(&error) => Ok(()),
            Err(error) => Err(error),
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let arns: Vec<String> = prior.iter().filter_map(|p| string(p, "arn")).collect();
        let found = self.describe(&arns).await?;
        Ok(prior
            .iter()
            .map(|p| {
                string(p, "arn")
                    .and_then(|arn| found.get(&arn))
                    .map(|cluster| to_value(cluster, p))
            })
            .collect())
    }

    /// Terraform's import ID: its name (DescribeClusters takes names as well as ARNs).
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        Ok(infra_core::resource::import_by("arn", id))
    }

    async fn find_created(
        &self,
        operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let Some(name) = string(planned, "name") else {
            return Ok(None);
        };
        let found = self.describe(std::slice::from_ref(&name)).await?;
        Ok(found
            .get(&name)
            .filter(|cluster| has_managed_tags(&tags_from_sdk(cluster.tags()), operation))
            .map(|cluster| to_value(cluster, planned)))
    }
}
