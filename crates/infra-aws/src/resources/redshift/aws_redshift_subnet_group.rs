//! `aws_redshift_subnet_group`: the subnets a Redshift cluster may use. Schema, refresh, import
//! and crash recovery are the shared subnet group's ([`crate::subnet_group_support`]); the
//! provider exports no `vpc_id` for this type.
//!
//! Refresh: one DescribeClusterSubnetGroups for one name, else the account's groups
//! (paginated); tags come in the describe answer. Redshift returns no ARN, so it is built as the
//! provider builds it: `arn:PARTITION:redshift:REGION:ACCOUNT:subnetgroup:NAME`.
//!
//! moto (5.x) does not implement ModifyClusterSubnetGroup, so an in-place change of
//! `description` or `subnet_ids` is not shown in tests; it follows the API reference.

use std::sync::Arc;

use aws_sdk_redshift::types::{ClusterSubnetGroup, Subnet, Tag};
use infra_core::ProviderError;

use crate::clients::partition_of;
use crate::subnet_group_support::describe_by_name;
use crate::subnet_group_support::{subnet_group_api, subnet_ids, tag_pairs};
use crate::subnet_group_support::{SubnetGroup, SubnetGroupRecord};
use crate::Aws;

pub fn new(aws: Arc<Aws>) -> SubnetGroup<RedshiftSubnetGroups> {
    SubnetGroup::new(RedshiftSubnetGroups { aws })
}

pub struct RedshiftSubnetGroups {
    aws: Arc<Aws>,
}

subnet_group_api! {
    impl RedshiftSubnetGroups over redshift {
        type_name: "aws_redshift_subnet_group",
        kind: "Redshift subnet group",
        exports_vpc_id: false,
        create: create_cluster_subnet_group,
        modify: modify_cluster_subnet_group,
        delete: delete_cluster_subnet_group,
        name: cluster_subnet_group_name,
        description: description,
        add_tags: create_tags,
        remove_tags: delete_tags,
        tag: Tag,
    }

    /// The provider's rule: lowercase letters, digits and hyphens, at most 255, not "default".
    fn name_problem(&self, name: &str) -> Option<String> {
        let valid = !name.is_empty()
            && name.len() <= 255
            && name != "default"
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        (!valid).then(|| {
            format!("\"{name}\" is not a valid Redshift subnet group name: 1 to 255 lowercase letters, digits and hyphens, not \"default\"")
        })
    }

    async fn describe(&self, names: &[String]) -> Result<Vec<SubnetGroupRecord>, ProviderError> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let clients = self.aws.clients().await;
        let client = &clients.redshift;
        let groups = describe_by_name!(client.describe_cluster_subnet_groups(), cluster_subnet_group_name, cluster_subnet_groups, ClusterSubnetGroup::cluster_subnet_group_name, names)
        .await?;
        if groups.is_empty() {
            return Ok(Vec::new());
        }
        let account = self.aws.account_id().await?;
        let partition = partition_of(&clients.region);
        Ok(groups
            .iter()
            .filter_map(|group| {
                let name = group.cluster_subnet_group_name()?;
                Some(SubnetGroupRecord {
                    name: name.to_string(),
                    arn: Some(format!(
                        "arn:{partition}:redshift:{}:{account}:subnetgroup:{name}",
                        clients.region
                    )),
                    description: group.description().map(str::to_string),
                    vpc_id: group.vpc_id().map(str::to_string),
                    subnet_ids: subnet_ids(group.subnets(), Subnet::subnet_identifier),
                    tags: tag_pairs(group.tags(), Tag::key, Tag::value),
                })
            })
            .collect())
    }
}
