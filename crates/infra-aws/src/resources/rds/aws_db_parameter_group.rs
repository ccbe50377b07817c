//! `aws_db_parameter_group`: a named set of engine parameters for RDS instances.
//!
//! Create is CreateDBParameterGroup, then ModifyDBParameterGroup with the parameters (20 a call,
//! AWS's limit). Refresh describes the groups (one DescribeDBParameterGroups by name for one
//! group, one listing for several), then per group DescribeDBParameters with `Source = user`
//! (the parameters set on the group; the API has no batch form) and ListTagsForResource.
//! Changed parameters are sent with ModifyDBParameterGroup; removed ones are reset to the
//! engine default with ResetDBParameterGroup. `name`, `name_prefix`, `family` and
//! `description` force replacement. `skip_destroy` (configuration only) leaves the group in
//! AWS on destroy. Without `name` or `name_prefix` the name is generated (`terraform-...`).
//! Import ID: the name.
//!
//! moto ignores `Source` (it returns only the parameters that were set, which is what `user`
//! means) and does not implement ResetDBParameterGroup, so removing a parameter is not
//! exercised in tests.

use std::collections::BTreeMap;

use aws_sdk_rds::types::{ApplyMethod, DbParameterGroup, Parameter};
use infra_core::{Attribute, Block, Check, ProviderError, Schema, Type, Value};

use crate::app_support::{blocks, deleted_or_gone, sent, string};
use crate::app_support::{name_attribute, text};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Updating,
};
use crate::declared::{computed, read_block, switch, Declared};
use crate::error::is_not_found;
use crate::paginated::all_items;
use crate::rds_support::{created_group, group_name_checks, name_and_tags, name_prefix};
use crate::rds_support::{tagged_groups, update_group_tags};
use crate::subnet_group_support::describe_by_name;

/// ModifyDBParameterGroup and ResetDBParameterGroup take at most 20 parameters a call.
const PARAMETERS_PER_CALL: usize = 20;

pub type AwsDbParameterGroup = ObjectType<ParameterGroupObject>;

pub struct ParameterGroupObject;

/// A group as read: its describe and the parameters set on it.
pub struct ParameterGroup {
    group: DbParameterGroup,
    parameters: Vec<Parameter>,
}

fn name_of(group: &ParameterGroup) -> Option<&str> {
    group.group.db_parameter_group_name()
}

/// The parameters set on a group (`Source = user`).
async fn parameters(
    rds: &aws_sdk_rds::Client,
    name: &str,
) -> Result<Vec<Parameter>, ProviderError> {
    let request = rds.describe_db_parameters().db_parameter_group_name(name);
    all_items!(request.source("user"))
}

/// ModifyDBParameterGroup (or ResetDBParameterGroup when `reset`) with `parameters`, 20 a
/// call.
async fn send_parameters(
    rds: &aws_sdk_rds::Client,
    name: &str,
    parameters: Vec<Parameter>,
    reset: bool,
) -> Result<(), ProviderError> {
    for chunk in parameters.chunks(PARAMETERS_PER_CALL) {
        if reset {
            sent!(rds
                .reset_db_parameter_group()
                .db_parameter_group_name(name)
                .set_parameters(Some(chunk.to_vec())))?;
        } else {
            sent!(rds
                .modify_db_parameter_group()
                .db_parameter_group_name(name)
                .set_parameters(Some(chunk.to_vec())))?;
        }
    }
    Ok(())
}

impl AwsObject for ParameterGroupObject {
    type Object = ParameterGroup;
    const NAME: &'static str = "aws_db_parameter_group";
    const KIND: &'static str = "DB parameter group";
    const KEY: &'static str = "name";
    const GENERATED_NAME: bool = true;
    const SKIP_DESTROY: bool = true;

    fn attributes() -> Vec<Declared<ParameterGroup>> {
        vec![
            computed("id", name_of),
            computed("arn", |g: &ParameterGroup| g.group.db_parameter_group_arn()),
            crate::declared::string(name_attribute(), name_of),
            name_prefix(name_of),
            crate::declared::string(
                Attribute::required("family", Type::String).force_new(),
                |g: &ParameterGroup| g.group.db_parameter_group_family(),
            ),
            crate::declared::string(
                Attribute::optional("description", Type::String)
                    .default(Value::string("Managed by Terraform"))
                    .force_new(),
                |g: &ParameterGroup| g.group.description(),
            ),
            switch(Attribute::optional("skip_destroy", Type::Bool).default(Value::Bool(false))),
            read_block(
                Block::set(
                    "parameter",
                    Schema::new()
                        .attr(Attribute::required("name", Type::String))
                        .attr(Attribute::required("value", Type::String))
                        .attr(
                            Attribute::optional("apply_method", Type::String)
                                .default(Value::string("immediate"))
                                .check(Check::OneOf(&["immediate", "pending-reboot"])),
                        ),
                ),
                |g: &ParameterGroup, _| parameters_value(&g.parameters),
            ),
        ]
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        group_name_checks(config, name_problem)
    }

    /// Groups by name (AWS stores names in lower case), each with its parameters.
    async fn describe(this: &ObjectType<Self>, names: &[String]) -> DescribeResult<ParameterGroup> {
        let rds = &this.aws.clients().await.rds;
        let groups = describe_by_name!(
            rds.describe_db_parameter_groups(),
            db_parameter_group_name,
            db_parameter_groups,
            DbParameterGroup::db_parameter_group_name,
            names
        )
        .await?;
        tagged_groups(
            rds,
            groups,
            DbParameterGroup::db_parameter_group_name,
            DbParameterGroup::db_parameter_group_arn,
            |name, group| async move {
                let parameters = parameters(rds, &name).await?;
                Ok(ParameterGroup { group, parameters })
            },
        )
        .await
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let rds = &at.this.aws.clients().await.rds;
        let (name, tags) = name_and_tags(at.operation, at.planned);
        sent!(rds
            .create_db_parameter_group()
            .db_parameter_group_name(&name)
            .db_parameter_group_family(string(at.planned, "family").unwrap_or_default())
            .description(
                string(at.planned, "description").unwrap_or_else(|| "Managed by Terraform".into()),
            )
            .set_tags(Some(tags)))?;
        let name = name.to_lowercase();
        let (set, _) = parameter_changes(&Value::Null, at.planned);
        send_parameters(rds, &name, set, false).await?;
        Ok(name)
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let rds = &at.this.aws.clients().await.rds;
        let (set, reset) = parameter_changes(at.prior, at.planned);
        send_parameters(rds, at.key, reset, true).await?;
        send_parameters(rds, at.key, set, false).await?;
        update_group_tags(rds, at.prior, at.planned).await?;
        Ok(at.key.to_string())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let rds = &at.this.aws.clients().await.rds;
        let answer = rds.delete_db_parameter_group().db_parameter_group_name(at.key);
        deleted_or_gone(sent!(answer), is_not_found)
    }

    /// The group of the configured name; for a generated name every group is a candidate,
    /// and the tags decide.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<ParameterGroup> {
        let rds = &at.this.aws.clients().await.rds;
        let all = || async { all_items!(rds.describe_db_parameter_groups()) };
        let stored = |name: String| name.to_lowercase();
        let name_of = DbParameterGroup::db_parameter_group_name;
        created_group(at.this, at.operation, at.planned, stored, all, name_of).await
    }
}

/// The configured parameters by name: (value, apply method).
fn configured(value: &Value) -> BTreeMap<String, (String, String)> {
    blocks(value, "parameter")
        .iter()
        .filter_map(|p| {
            Some((
                string(p, "name")?,
                (
                    string(p, "value").unwrap_or_default(),
                    string(p, "apply_method").unwrap_or_else(|| "immediate".to_string()),
                ),
            ))
        })
        .collect()
}

fn to_sdk(name: &str, value: Option<&str>, method: &str) -> Parameter {
    Parameter::builder()
        .parameter_name(name)
        .set_parameter_value(value.map(str::to_string))
        .apply_method(ApplyMethod::from(method))
        .build()
}

/// What to send to go from `prior` to `planned`: parameters to set (new or changed), and
/// parameters to reset (no longer configured).
fn parameter_changes(prior: &Value, planned: &Value) -> (Vec<Parameter>, Vec<Parameter>) {
    let before = configured(prior);
    let after = configured(planned);
    let set = after
        .iter()
        .filter(|(name, setting)| before.get(*name) != Some(setting))
        .map(|(name, (value, method))| to_sdk(name, Some(value), method))
        .collect();
    let reset = before
        .iter()
        .filter(|(name, _)| !after.contains_key(*name))
        .map(|(name, (_, method))| to_sdk(name, None, method))
        .collect();
    (set, reset)
}

/// The `parameter` blocks of the parameters read.
fn parameters_value(parameters: &[Parameter]) -> Value {
    Value::List(
        parameters
            .iter()
            .filter_map(|p| {
                Some(Value::map([
                    ("name", Value::string(p.parameter_name()?)),
                    ("value", text(p.parameter_value())),
                    (
                        "apply_method",
                        Value::string(p.apply_method().map(|m| m.as_str()).unwrap_or("immediate")),
                    ),
                ]))
            })
            .collect(),
    )
}

/// AWS's naming rule for DB parameter groups (the provider checks it too): lowercase letters,
/// digits and hyphens, beginning with a letter, no two hyphens in a row, not ending in one,
/// at most 255 characters (a prefix: 229, leaving room for the generated suffix).
fn name_problem(name: &str, prefix: bool) -> Option<String> {
    let max = if prefix { 229 } else { 255 };
    if name.len() > max {
        return Some(format!("\"{name}\" is longer than {max} characters"));
    }
    if !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        return Some(format!(
            "\"{name}\": only lowercase alphanumeric characters and hyphens allowed"
        ));
    }
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Some(format!("\"{name}\": first character must be a letter"));
    }
    if name.contains("--") {
        return Some(format!("\"{name}\" cannot contain two consecutive hyphens"));
    }
    if !prefix && name.ends_with('-') {
        return Some(format!("\"{name}\" cannot end with a hyphen"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(parameters: &[(&str, &str, &str)]) -> Value {
        Value::map([(
            "parameter",
            Value::List(
                parameters
                    .iter()
                    .map(|(name, value, method)| {
                        Value::map([
                            ("name", Value::string(*name)),
                            ("value", Value::string(*value)),
                            ("apply_method", Value::string(*method)),
                        ])
                    })
                    .collect(),
            ),
        )])
    }

    #[test]
    fn only_changed_parameters_are_sent_and_removed_ones_reset() {
        let prior = group(&[("a", "1", "immediate"), ("b", "2", "immediate")]);
        let planned = group(&[("a", "1", "immediate"), ("c", "3", "pending-reboot")]);
        let (set, reset) = parameter_changes(&prior, &planned);
        assert_eq!(set.len(), 1);
        assert_eq!(set[0].parameter_name(), Some("c"));
        assert_eq!(set[0].apply_method(), Some(&ApplyMethod::PendingReboot));
        assert_eq!(reset.len(), 1);
        assert_eq!(reset[0].parameter_name(), Some("b"));
        assert_eq!(reset[0].parameter_value(), None);
    }

    #[test]
    fn names_follow_the_rds_rules() {
        assert!(name_problem("app-pg", false).is_none());
        assert!(name_problem("App", false).is_some());
        assert!(name_problem("1pg", false).is_some());
        assert!(name_problem("a--b", false).is_some());
        assert!(name_problem("pg-", false).is_some());
        assert!(name_problem("pg-", true).is_none());
    }
}
