//! `aws_elasticache_subnet_group`: the subnets an ElastiCache cluster may use. ElastiCache keeps
//! names in lowercase, so a configured name is compared lowercased. Schema, refresh, import and
//! crash recovery are the shared subnet group's ([`crate::subnet_group_support`]).
//!
//! Refresh: one DescribeCacheSubnetGroups for one name, else the account's groups (paginated;
//! the API has no list filter), plus ListTagsForResource per group (the describe answer carries
//! no tags).
//!
//! moto (5.x) does not implement ModifyCacheSubnetGroup or DeleteCacheSubnetGroup, so an
//! in-place change and a destroy of this type are not shown in tests; they follow the API
//! reference.

use std::sync::Arc;

use aws_sdk_elasticache::types::{CacheSubnetGroup, Subnet, Tag};
use infra_core::ProviderError;

use crate::app_support::sent;
use crate::subnet_group_support::describe_by_name;
use crate::subnet_group_support::{subnet_group_api, subnet_ids, tag_pairs};
use crate::subnet_group_support::{SubnetGroup, SubnetGroupRecord};
use crate::Aws;

pub fn new(aws: Arc<Aws>) -> SubnetGroup<ElastiCacheSubnetGroups> {
    SubnetGroup::new(ElastiCacheSubnetGroups { aws })
}

pub struct ElastiCacheSubnetGroups {
    aws: Arc<Aws>,
}

subnet_group_api! {
    impl ElastiCacheSubnetGroups over elasticache {
        type_name: "aws_elasticache_subnet_group",
        kind: "ElastiCache subnet group",
        exports_vpc_id: true,
        create: create_cache_subnet_group,
        modify: modify_cache_subnet_group,
        delete: delete_cache_subnet_group,
        name: cache_subnet_group_name,
        description: cache_subnet_group_description,
        add_tags: add_tags_to_resource,
        remove_tags: remove_tags_from_resource,
        tag: Tag,
    }

    fn stored_name(&self, name: &str) -> String {
        name.to_lowercase()
    }

    fn name_problem(&self, name: &str) -> Option<String> {
        let valid = !name.is_empty()
            && name.len() <= 255
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        (!valid).then(|| {
            format!("\"{name}\" is not a valid ElastiCache subnet group name: 1 to 255 letters, digits and hyphens")
        })
    }

    async fn describe(&self, names: &[String]) -> Result<Vec<SubnetGroupRecord>, ProviderError> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let client = &self.aws.clients().await.elasticache;
        let groups = describe_by_name!(client.describe_cache_subnet_groups(), cache_subnet_group_name, cache_subnet_groups, CacheSubnetGroup::cache_subnet_group_name, names)
        .await?;
        let mut records = Vec::new();
        for group in groups {
            let Some(name) = group.cache_subnet_group_name() else {
                continue;
            };
            let mut tags = Vec::new();
            if let Some(arn) = group.arn() {
                let answer = sent!(client
                    .list_tags_for_resource()
                    .resource_name(arn))?;
                tags = tag_pairs(answer.tag_list(), Tag::key, Tag::value);
            }
            records.push(SubnetGroupRecord {
                name: name.to_string(),
                arn: group.arn().map(str::to_string),
                description: group.cache_subnet_group_description().map(str::to_string),
                vpc_id: group.vpc_id().map(str::to_string),
                subnet_ids: subnet_ids(group.subnets(), Subnet::subnet_identifier),
                tags,
            });
        }
        Ok(records)
    }
}
