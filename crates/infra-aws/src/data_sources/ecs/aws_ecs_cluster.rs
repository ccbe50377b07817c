//! `aws_ecs_cluster` (data source): an active cluster by `cluster_name`, with its status, task
//! and container instance counts, settings, Service Connect defaults and tags: one
//! DescribeClusters through the `aws_ecs_cluster` resource's own read.
//!
//! moto reports zero tasks and container instances unless some were started.

use std::sync::Arc;

use infra_core::{Attribute, DataSourceType, ProviderError, Schema, Type, Value};

use crate::app_support::{number, string, text};
use crate::lookup::with_found;
use crate::resources::ecs::aws_ecs_cluster::AwsEcsCluster;
use crate::Aws;

pub struct AwsEcsClusterData {
    resource: AwsEcsCluster,
    schema: Schema,
}

impl AwsEcsClusterData {
    pub fn new(aws: Arc<Aws>) -> AwsEcsClusterData {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("cluster_name", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("status", Type::String))
            .attr(Attribute::computed("pending_tasks_count", Type::Number))
            .attr(Attribute::computed("running_tasks_count", Type::Number))
            .attr(Attribute::computed("registered_container_instances_count", Type::Number))
            .attr(Attribute::computed("service_connect_defaults", Type::list(Type::Any)))
            .attr(Attribute::computed("setting", Type::set(Type::Any)))
            .attr(Attribute::computed("tags", Type::map(Type::String)));
        AwsEcsClusterData { resource: AwsEcsCluster::new(aws), schema }
    }
}

#[async_trait::async_trait]
impl DataSourceType for AwsEcsClusterData {
    fn name(&self) -> &'static str {
        "aws_ecs_cluster"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> Result<Value, ProviderError> {
        let name = string(config, "cluster_name")
            .ok_or_else(|| ProviderError::new("aws_ecs_cluster: cluster_name is required"))?;
        let found = self.resource.found(&name).await?.ok_or_else(|| {
            ProviderError::new(format!("reading ECS Cluster ({name}): couldn't find resource"))
        })?;
        let cluster = &found.object;
        // The resource's reading of settings, Service Connect defaults and tags; every setting
        // is shown (the hint names none, so "disabled" ones are kept by this hint).
        let hint = Value::map([(
            "setting",
            Value::List(
                cluster
                    .settings()
                    .iter()
                    .map(|s| Value::map([("name", text(s.name().map(|n| n.as_str())))]))
                    .collect(),
            ),
        )]);
        let region = self.resource.aws.clients().await.region.clone();
        let read = self.resource.value_of(&found, &region, &hint);
        let counts = [
            ("pending_tasks_count", cluster.pending_tasks_count()),
            ("running_tasks_count", cluster.running_tasks_count()),
            (
                "registered_container_instances_count",
                cluster.registered_container_instances_count(),
            ),
        ];
        let identity = [
            ("id", text(cluster.cluster_arn())),
            ("arn", text(cluster.cluster_arn())),
            ("status", text(cluster.status())),
        ];
        let shown =
            ["setting", "service_connect_defaults", "tags"].map(|key| (key, read.get(key).clone()));
        let counts = counts.map(|(key, count)| (key, number(Some(i64::from(count)))));
        Ok(with_found(config, identity.into_iter().chain(counts).chain(shown)))
    }
}
