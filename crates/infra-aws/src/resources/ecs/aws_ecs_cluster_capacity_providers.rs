//! `aws_ecs_cluster_capacity_providers`: which capacity providers a cluster may use, and its
//! default strategy (PutClusterCapacityProviders). The Terraform ID is the cluster name;
//! `cluster_name` forces a new object and everything else changes in place.
//!
//! The object is a setting of the cluster, not a thing of its own: destroy puts empty lists,
//! and refresh reads the cluster (one DescribeClusters for up to 100 clusters). A cluster that
//! is gone takes the object with it.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_ecs::types::Cluster;
use infra_core::{Attribute, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{string, string_list, strings, vanished};
use crate::ecs_support::{
    capacity_provider_strategy_block, capacity_provider_strategy_to_sdk,
    capacity_provider_strategy_value, cluster_name_problems,
};
use crate::error::{aws_error, is_not_found};
use crate::Aws;

/// DescribeClusters takes at most 100 clusters a call.
const CLUSTERS_PER_CALL: usize = 100;

pub struct AwsEcsClusterCapacityProviders {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsEcsClusterCapacityProviders {
    pub fn new(aws: Arc<Aws>) -> AwsEcsClusterCapacityProviders {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("cluster_name", Type::String).force_new())
            .attr(Attribute::optional(
                "capacity_providers",
                Type::set(Type::String),
            ))
            .block(capacity_provider_strategy_block(
                "default_capacity_provider_strategy",
            ));
        AwsEcsClusterCapacityProviders { aws, schema }
    }

    /// Active clusters by name.
    async fn describe(&self, names: &[String]) -> Result<BTreeMap<String, Cluster>, ProviderError> {
        let client = &self.aws.clients().await.ecs;
        let mut found = BTreeMap::new();
        for chunk in names.chunks(CLUSTERS_PER_CALL) {
            let response = client
                .describe_clusters()
                .set_clusters(Some(chunk.to_vec()))
                .send()
                .await
                .map_err(aws_error)?;
            for cluster in response.clusters() {
                if cluster.status() == Some("INACTIVE") {
                    continue;
                }
                if let Some(name) = cluster.cluster_name() {
                    found.insert(name.to_string(), cluster.clone());
                }
            }
        }
        Ok(found)
    }

    async fn put(
        &self,
        cluster: &str,
        providers: Vec<String>,
        strategy: Vec<aws_sdk_ecs::types::CapacityProviderStrategyItem>,
    ) -> Result<Value, ProviderError> {
        let response = self
            .aws
            .clients()
            .await
            .ecs
            .put_cluster_capacity_providers()
            .cluster(cluster)
            .set_capacity_providers(Some(providers))
            .set_default_capacity_provider_strategy(Some(strategy))
            .send()
            .await
            .map_err(aws_error)?;
        response
            .cluster()
            .map(to_value)
            .ok_or_else(|| vanished("ECS cluster", cluster))
    }

    async fn put_planned(&self, planned: &Value) -> Result<Value, ProviderError> {
        let cluster = string(planned, "cluster_name").ok_or_else(|| {
            ProviderError::new("aws_ecs_cluster_capacity_providers needs a known \"cluster_name\"")
        })?;
        let strategy =
            capacity_provider_strategy_to_sdk(planned, "default_capacity_provider_strategy")?;
        self.put(&cluster, strings(planned, "capacity_providers"), strategy)
            .await
    }
}

fn to_value(cluster: &Cluster) -> Value {
    let name = cluster.cluster_name().unwrap_or_default();
    let mut providers: Vec<&str> = cluster
        .capacity_providers()
        .iter()
        .map(String::as_str)
        .collect();
    providers.sort_unstable();
    Value::map([
        ("id", Value::string(name)),
        ("cluster_name", Value::string(name)),
        ("capacity_providers", string_list(providers)),
        (
            "default_capacity_provider_strategy",
            capacity_provider_strategy_value(cluster.default_capacity_provider_strategy()),
        ),
    ])
}

#[async_trait::async_trait]
impl ResourceType for AwsEcsClusterCapacityProviders {
    fn name(&self) -> &'static str {
        "aws_ecs_cluster_capacity_providers"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The provider's `validateClusterName` of `cluster_name` (a name, not an ARN, so that the
    /// read knows which to store).
    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        cluster_name_problems(config, "cluster_name")
    }

    async fn create(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        self.put_planned(planned).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        _prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        self.put_planned(planned).await
    }

    /// Empty lists, as the provider does; a cluster that is gone needs nothing.
    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some(cluster) = string(prior, "cluster_name") else {
            return Ok(());
        };
        match self.put(&cluster, Vec::new(), Vec::new()).await {
            Ok(_) => Ok(()),
            Err(error) if is_not_found(&error) => Ok(()),
            Err(error) => Err(error),
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let names: Vec<String> = prior
            .iter()
            .filter_map(|p| string(p, "cluster_name"))
            .collect();
        let found = self.describe(&names).await?;
        Ok(prior
            .iter()
            .map(|p| {
                string(p, "cluster_name")
                    .and_then(|name| found.get(&name))
                    .map(to_value)
            })
            .collect())
    }

    /// Putting the same lists again is harmless, so an unanswered create is simply retried.
    async fn find_created(
        &self,
        _operation: &Operation,
        _planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        Ok(None)
    }

    /// Terraform's import ID: the cluster name.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        Ok(infra_core::resource::import_by("cluster_name", id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `cluster_name` is a cluster name, checked as the provider's `validateClusterName`
    /// checks it (an ARN is refused, as the provider refuses it).
    #[test]
    fn the_cluster_name_is_checked_as_the_provider_checks_it() {
        let ecs = AwsEcsClusterCapacityProviders::new(Aws::new(crate::ProviderSettings::default()));
        let named = |name: &str| Value::map([("cluster_name", Value::string(name))]);
        assert!(ecs.validate(&named("prod")).is_empty());
        let problems = ecs.validate(&named("arn:aws:ecs:us-east-1:123456789012:cluster/prod"));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].0, "cluster_name");
        assert!(problems[0].1.starts_with("invalid value for cluster_name"));
    }
}
