//! `aws_ecs_cluster` (data source): an active cluster by `cluster_name`, with its status, task
//! and container instance counts, settings, Service Connect defaults and tags: one
//! DescribeClusters through the `aws_ecs_cluster` resource's own read.
//!
//! moto reports zero tasks and container instances unless some were started.

use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::app_support::{number, string, text};
use crate::lookup::{with_found, Lookup, LookupType};
use crate::resources::ecs::aws_ecs_cluster::AwsEcsCluster;

pub type AwsEcsClusterData = LookupType<EcsClusterLookup>;

pub struct EcsClusterLookup;

impl Lookup for EcsClusterLookup {
    const NAME: &'static str = "aws_ecs_cluster";

    fn schema() -> Schema {
        Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("cluster_name", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("status", Type::String))
            .attr(Attribute::computed("pending_tasks_count", Type::Number))
            .attr(Attribute::computed("running_tasks_count", Type::Number))
            .attr(Attribute::computed("registered_container_instances_count", Type::Number))
            .attr(Attribute::computed("service_connect_defaults", Type::list(Type::Any)))
            .attr(Attribute::computed("setting", Type::set(Type::Any)))
            .attr(Attribute::computed("tags", Type::map(Type::String)))
    }

    async fn read(this: &LookupType<Self>, config: &Value) -> Result<Value, ProviderError> {
        let resource = AwsEcsCluster::new(this.aws.clone());
        let name = string(config, "cluster_name")
            .ok_or_else(|| ProviderError::new("aws_ecs_cluster: cluster_name is required"))?;
        let found = resource.found(&name).await?.ok_or_else(|| {
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
        let region = this.aws.clients().await.region.clone();
        let read = resource.value_of(&found, &region, &hint);
        let count = |n: i32| number(Some(i64::from(n)));
        let entries = [
            ("id", text(cluster.cluster_arn())),
            ("arn", text(cluster.cluster_arn())),
            ("status", text(cluster.status())),
            ("pending_tasks_count", count(cluster.pending_tasks_count())),
            ("running_tasks_count", count(cluster.running_tasks_count())),
            (
                "registered_container_instances_count",
                count(cluster.registered_container_instances_count()),
            ),
        ];
        let shown =
            ["setting", "service_connect_defaults", "tags"].map(|key| (key, read.get(key).clone()));
        Ok(with_found(config, entries.into_iter().chain(shown)))
    }
}
