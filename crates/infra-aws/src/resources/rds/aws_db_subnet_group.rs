//! `aws_db_subnet_group`: the subnets an RDS instance may be placed in.
//!
//! Refresh lists every subnet group once (DescribeDBSubnetGroups, paginated; the API has no
//! name-list filter) and matches by name, then reads tags per found group
//! (ListTagsForResource; the describe answer carries none). Without `name`, create generates
//! one from `name_prefix` (configuration only) or `terraform-`.

use std::future::ready;

use aws_sdk_rds::types::DbSubnetGroup;
use infra_core::{Attribute, ProviderError, Type, Value};

use crate::app_support::{
    changed, deleted_or_gone, name_attribute, name_prefix_attribute, sent, string, string_list,
    strings,
};
use crate::aws_object::{AwsObject, Creating, Deleting, DescribeResult, ObjectType, Updating};
use crate::declared::{computed, copied, read, Declared};
use crate::error::is_not_found;
use crate::rds_support::{name_and_tags, tagged_groups, update_group_tags};
use crate::subnet_group_support::describe_by_name;

pub type AwsDbSubnetGroup = ObjectType<DbSubnetGroupObject>;

pub struct DbSubnetGroupObject;

const NAME_OF: fn(&DbSubnetGroup) -> Option<&str> = DbSubnetGroup::db_subnet_group_name;

impl AwsObject for DbSubnetGroupObject {
    type Object = DbSubnetGroup;
    const NAME: &'static str = "aws_db_subnet_group";
    const KIND: &'static str = "DB subnet group";
    const KEY: &'static str = "name";
    const GENERATED_NAME: bool = true;

    fn attributes() -> Vec<Declared<DbSubnetGroup>> {
        vec![
            computed("id", NAME_OF),
            computed("arn", DbSubnetGroup::db_subnet_group_arn),
            computed("vpc_id", DbSubnetGroup::vpc_id),
            read(
                Attribute::computed("supported_network_types", Type::set(Type::String)),
                |group: &DbSubnetGroup, _| string_list(group.supported_network_types()),
            ),
            crate::declared::string(name_attribute(), NAME_OF),
            copied(name_prefix_attribute()),
            crate::declared::string(
                Attribute::optional("description", Type::String)
                    .default(Value::string("Managed by Terraform")),
                DbSubnetGroup::db_subnet_group_description,
            ),
            read(
                Attribute::required("subnet_ids", Type::set(Type::String)),
                |group: &DbSubnetGroup, _| {
                    string_list(group.subnets().iter().filter_map(|s| s.subnet_identifier()))
                },
            ),
        ]
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if let Some(name) = config.get("name").as_str() {
            let valid = name.len() <= 255
                && name.chars().all(|c| {
                    c.is_ascii_lowercase()
                        || c.is_ascii_digit()
                        || matches!(c, '.' | '_' | '-' | ' ')
                })
                && name != "default";
            if !valid {
                problems.push((
                    "name".to_string(),
                    format!("\"{name}\" is not a valid DB subnet group name: lowercase letters, digits, '.', '_', '-', ' ' only, not \"default\""),
                ));
            }
        }
        problems
    }

    async fn describe(this: &ObjectType<Self>, names: &[String]) -> DescribeResult<DbSubnetGroup> {
        let rds = &this.aws.clients().await.rds;
        let groups = describe_by_name!(
            rds.describe_db_subnet_groups(),
            db_subnet_group_name,
            db_subnet_groups,
            NAME_OF,
            names
        )
        .await?;
        let arn_of = DbSubnetGroup::db_subnet_group_arn;
        tagged_groups(rds, groups, NAME_OF, arn_of, |_, group| ready(Ok(group))).await
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let rds = &at.this.aws.clients().await.rds;
        let (name, tags) = name_and_tags(at.operation, at.planned);
        sent!(rds
            .create_db_subnet_group()
            .db_subnet_group_name(&name)
            .db_subnet_group_description(
                string(at.planned, "description")
                    .unwrap_or_else(|| "Managed by Terraform".to_string()),
            )
            .set_subnet_ids(Some(strings(at.planned, "subnet_ids")))
            .set_tags(Some(tags)))?;
        Ok(name)
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let rds = &at.this.aws.clients().await.rds;
        if changed(at.prior, at.planned, "description")
            || changed(at.prior, at.planned, "subnet_ids")
        {
            sent!(rds
                .modify_db_subnet_group()
                .db_subnet_group_name(at.key)
                .set_db_subnet_group_description(string(at.planned, "description"))
                .set_subnet_ids(Some(strings(at.planned, "subnet_ids"))))?;
        }
        update_group_tags(rds, at.prior, at.planned).await?;
        Ok(at.key.to_string())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let rds = &at.this.aws.clients().await.rds;
        let answer = rds.delete_db_subnet_group().db_subnet_group_name(at.key);
        deleted_or_gone(sent!(answer), is_not_found)
    }
}
