//! `aws_ecs_cluster_capacity_providers`: which capacity providers a cluster may use, and its
//! default strategy (PutClusterCapacityProviders). The Terraform ID is the cluster name;
//! `cluster_name` forces a new object and everything else changes in place.
//!
//! The object is a setting of the cluster, not a thing of its own: destroy puts empty lists,
//! and refresh reads the cluster (one DescribeClusters for up to 100 clusters). A cluster that
//! is gone takes the object with it. Create and update are the same put, whose answer holds
//! the cluster as written: that is the value stored, with no describe after it. Import ID: the
//! cluster name.

use std::collections::BTreeMap;

use aws_sdk_ecs::types::{CapacityProviderStrategyItem, Cluster};
use infra_core::{Attribute, Operation, ProviderError, Type, Value};

use crate::app_support::{sent, string, string_list, strings, vanished};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, ObjectType, Tagged, Updating,
};
use crate::declared::{read, read_block, Declared, Reading};
use crate::ecs_support::{
    capacity_provider_strategy_block, capacity_provider_strategy_to_sdk,
    capacity_provider_strategy_value, cluster_name_checks,
};
use crate::error::is_not_found;
#[cfg(test)]
use {crate::Aws, infra_core::ResourceType};

/// DescribeClusters takes at most 100 clusters a call.
const CLUSTERS_PER_CALL: usize = 100;

pub type AwsEcsClusterCapacityProviders = ObjectType<ClusterCapacityProviders>;

pub struct ClusterCapacityProviders;

/// PutClusterCapacityProviders: the cluster as its answer holds it.
async fn put(
    this: &AwsEcsClusterCapacityProviders,
    cluster: &str,
    providers: Vec<String>,
    strategy: Vec<CapacityProviderStrategyItem>,
) -> Result<Tagged<Cluster>, ProviderError> {
    let response = sent!(this
        .aws
        .clients()
        .await
        .ecs
        .put_cluster_capacity_providers()
        .cluster(cluster)
        .set_capacity_providers(Some(providers))
        .set_default_capacity_provider_strategy(Some(strategy)))?;
    let cluster = response
        .cluster()
        .cloned()
        .ok_or_else(|| vanished(ClusterCapacityProviders::KIND, cluster))?;
    Ok(Tagged { object: cluster, tags: vec![] })
}

/// Create and update alike: the planned lists put on the planned cluster.
async fn put_planned(
    this: &AwsEcsClusterCapacityProviders,
    planned: &Value,
) -> Result<Tagged<Cluster>, ProviderError> {
    let cluster = string(planned, "cluster_name").ok_or_else(|| {
        ProviderError::new("aws_ecs_cluster_capacity_providers needs a known \"cluster_name\"")
    })?;
    let strategy =
        capacity_provider_strategy_to_sdk(planned, "default_capacity_provider_strategy")?;
    put(this, &cluster, strings(planned, "capacity_providers"), strategy).await
}

/// The cluster's name: the ID and `cluster_name`.
fn cluster_name(cluster: &Cluster, _: &Reading) -> Value {
    Value::string(cluster.cluster_name().unwrap_or_default())
}

impl AwsObject for ClusterCapacityProviders {
    type Object = Cluster;
    const NAME: &'static str = "aws_ecs_cluster_capacity_providers";
    const KIND: &'static str = "ECS cluster";
    const KEY: &'static str = "cluster_name";
    const TAGGED: bool = false;

    fn attributes() -> Vec<Declared<Cluster>> {
        vec![
            read(Attribute::computed("id", Type::String), cluster_name),
            read(
                // A name, not an ARN, so that the read knows which to store.
                cluster_name_checks(Attribute::required("cluster_name", Type::String).force_new()),
                cluster_name,
            ),
            read(
                Attribute::optional("capacity_providers", Type::set(Type::String)),
                |cluster: &Cluster, _| {
                    let mut providers: Vec<&str> =
                        cluster.capacity_providers().iter().map(String::as_str).collect();
                    providers.sort_unstable();
                    string_list(providers)
                },
            ),
            read_block(
                capacity_provider_strategy_block("default_capacity_provider_strategy"),
                |cluster: &Cluster, _| {
                    capacity_provider_strategy_value(cluster.default_capacity_provider_strategy())
                },
            ),
        ]
    }

    /// Putting the same lists again is harmless, so an unanswered create is simply retried:
    /// no key to look for, and the family's `find_created` finds nothing.
    fn created_key(_operation: &Operation, _planned: &Value) -> Option<String> {
        None
    }

    /// Active clusters by name (DescribeClusters, 100 names a call), each under the name AWS
    /// reports.
    async fn describe(this: &ObjectType<Self>, names: &[String]) -> DescribeResult<Cluster> {
        let client = &this.aws.clients().await.ecs;
        let mut found = BTreeMap::new();
        for chunk in names.chunks(CLUSTERS_PER_CALL) {
            let response = sent!(client.describe_clusters().set_clusters(Some(chunk.to_vec())))?;
            for cluster in response.clusters() {
                if cluster.status() == Some("INACTIVE") {
                    continue;
                }
                if let Some(name) = cluster.cluster_name() {
                    let cluster = Tagged { object: cluster.clone(), tags: vec![] };
                    found.insert(name.to_string(), cluster);
                }
            }
        }
        Ok(found)
    }

    async fn create_written(at: Creating<'_, Self>) -> Result<Tagged<Cluster>, ProviderError> {
        put_planned(at.this, at.planned).await
    }

    async fn update_written(at: Updating<'_, Self>) -> Result<Tagged<Cluster>, ProviderError> {
        put_planned(at.this, at.planned).await
    }

    /// Empty lists, as the provider does; a cluster that is gone needs nothing.
    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        match put(at.this, at.key, Vec::new(), Vec::new()).await {
            Ok(_) => Ok(()),
            Err(error) if is_not_found(&error) => Ok(()),
            Err(error) => Err(error),
        }
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
        assert!(ecs.problems(&named("prod")).is_empty());
        let problems = ecs.problems(&named("arn:aws:ecs:us-east-1:123456789012:cluster/prod"));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].0, "cluster_name");
        assert!(problems[0].1.starts_with("invalid value for cluster_name"));
    }
}
