//! `aws_db_subnet_group`: the subnets an RDS instance may be placed in.
//!
//! Refresh lists every subnet group once (DescribeDBSubnetGroups, paginated; the API has no
//! name-list filter) and matches by name, then reads tags per found group
//! (ListTagsForResource; the describe answer carries none). Without `name`, create generates
//! one from `name_prefix` (configuration only) or `terraform-`.

use aws_sdk_rds::types::{DbSubnetGroup, Tag};
use infra_core::{Attribute, Operation, ProviderError, Schema, Type, Value};

use crate::app_support::{changed, deleted_or_gone, sent, string};
use crate::app_support::{string_list, strings, text};
use crate::ec2_support::name_for_create;
use crate::error::{aws_error, is_not_found};
use crate::iam_support::name_conflict;
use crate::rds_support::{Object, RdsGroup, RdsGroupType};
use crate::subnet_group_support::describe_by_name;

pub type AwsDbSubnetGroup = RdsGroupType<DbSubnetGroups>;

pub struct DbSubnetGroups;

#[async_trait::async_trait]
impl RdsGroup for DbSubnetGroups {
    type Group = DbSubnetGroup;
    type Details = ();
    const NAME: &'static str = "aws_db_subnet_group";
    const NAME_OF: fn(&DbSubnetGroup) -> Option<&str> = DbSubnetGroup::db_subnet_group_name;
    const ARN: fn(&DbSubnetGroup) -> Option<&str> = DbSubnetGroup::db_subnet_group_arn;
    const KIND: &'static str = "DB subnet group";

    fn schema() -> Schema {
        Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("vpc_id", Type::String))
            .attr(Attribute::computed(
                "supported_network_types",
                Type::set(Type::String),
            ))
            .attr(Attribute::optional_computed("name", Type::String).force_new())
            .attr(Attribute::optional("name_prefix", Type::String).force_new())
            .attr(
                Attribute::optional("description", Type::String)
                    .default(Value::string("Managed by Terraform")),
            )
            .attr(Attribute::required("subnet_ids", Type::set(Type::String)))
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems: Vec<_> = name_conflict(config).into_iter().collect();
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

    async fn describe(
        rds: &aws_sdk_rds::Client,
        names: &[String],
    ) -> Result<Vec<DbSubnetGroup>, ProviderError> {
        describe_by_name!(
            rds.describe_db_subnet_groups(),
            db_subnet_group_name,
            db_subnet_groups,
            Self::NAME_OF,
            names
        )
        .await
    }

    fn to_value(group: &DbSubnetGroup, _: &(), hint: &Value) -> Object {
        let mut object = Object::new();
        object.insert("vpc_id".to_string(), text(group.vpc_id()));
        object.insert(
            "description".to_string(),
            text(group.db_subnet_group_description()),
        );
        object.insert(
            "subnet_ids".to_string(),
            string_list(group.subnets().iter().filter_map(|s| s.subnet_identifier())),
        );
        object.insert(
            "supported_network_types".to_string(),
            string_list(group.supported_network_types()),
        );
        object.insert("name_prefix".to_string(), hint.get("name_prefix").clone());
        object
    }

    async fn create(
        rds: &aws_sdk_rds::Client,
        tags: Vec<Tag>,
        name: &str,
        planned: &Value,
    ) -> Result<String, ProviderError> {
        rds.create_db_subnet_group()
            .db_subnet_group_name(name)
            .db_subnet_group_description(
                string(planned, "description")
                    .unwrap_or_else(|| "Managed by Terraform".to_string()),
            )
            .set_subnet_ids(Some(strings(planned, "subnet_ids")))
            .set_tags(Some(tags))
            .send()
            .await
            .map_err(aws_error)?;
        Ok(name.to_string())
    }

    async fn update(
        rds: &aws_sdk_rds::Client,
        name: &str,
        prior: &Value,
        planned: &Value,
    ) -> Result<(), ProviderError> {
        if changed(prior, planned, "description") || changed(prior, planned, "subnet_ids") {
            sent!(rds
                .modify_db_subnet_group()
                .db_subnet_group_name(name)
                .set_db_subnet_group_description(string(planned, "description"))
                .set_subnet_ids(Some(strings(planned, "subnet_ids"))))?;
        }
        Ok(())
    }

    async fn delete(
        rds: &aws_sdk_rds::Client,
        _operation: &Operation,
        name: &str,
    ) -> Result<(), ProviderError> {
        let answer = rds.delete_db_subnet_group().db_subnet_group_name(name);
        deleted_or_gone(answer.send().await.map_err(aws_error), is_not_found)
    }

    /// The name the create used (given, or generated and kept in the pending entry).
    async fn created_names(
        _: &aws_sdk_rds::Client,
        operation: &Operation,
        planned: &Value,
    ) -> Result<Vec<String>, ProviderError> {
        let name = name_for_create(operation, planned, ["name", "name_prefix"], "terraform-");
        Ok(vec![name])
    }
}
