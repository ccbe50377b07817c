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
use std::sync::Arc;

use aws_sdk_rds::types::{ApplyMethod, DbParameterGroup, Parameter};
use infra_core::{
    Attribute, Block, Check, Operation, ProviderError, ResourceType, Schema, Type, Value,
};

use crate::app_support::{
    blocks, boolean, by_key, describe_named, has_managed_tags, hints_by, keys_of, set_tags, string,
    text, vanished,
};
use crate::ec2_support::{name_for_create, with_name_for_create};
use crate::error::{aws_error, is_not_found};
use crate::paginated::all_items;
use crate::rds_support::{list_tags, tags_to_sdk, update_tags};
use crate::tagging::{ManagedTags, WithTags};
use crate::Aws;

/// ModifyDBParameterGroup and ResetDBParameterGroup take at most 20 parameters a call.
const PARAMETERS_PER_CALL: usize = 20;

pub struct AwsDbParameterGroup {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsDbParameterGroup {
    pub fn new(aws: Arc<Aws>) -> AwsDbParameterGroup {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::optional_computed("name", Type::String).force_new())
            .attr(Attribute::optional_computed("name_prefix", Type::String).force_new())
            .attr(Attribute::required("family", Type::String).force_new())
            .attr(
                Attribute::optional("description", Type::String)
                    .default(Value::string("Managed by Terraform"))
                    .force_new(),
            )
            .attr(Attribute::optional("skip_destroy", Type::Bool).default(Value::Bool(false)))
            .block(Block::set(
                "parameter",
                Schema::new()
                    .attr(Attribute::required("name", Type::String))
                    .attr(Attribute::required("value", Type::String))
                    .attr(
                        Attribute::optional("apply_method", Type::String)
                            .default(Value::string("immediate"))
                            .check(Check::OneOf(&["immediate", "pending-reboot"])),
                    ),
            ))
            .with_tags();
        AwsDbParameterGroup { aws, schema }
    }

    /// Groups by name (AWS stores names in lower case).
    async fn describe(
        &self,
        names: &[String],
    ) -> Result<BTreeMap<String, DbParameterGroup>, ProviderError> {
        let client = &self.aws.clients().await.rds;
        let groups = describe_named(
            names,
            DbParameterGroup::db_parameter_group_name,
            |name| async move {
                let response = client
                    .describe_db_parameter_groups()
                    .db_parameter_group_name(name)
                    .send()
                    .await
                    .map_err(aws_error)?;
                Ok(response.db_parameter_groups().to_vec())
            },
            || async { all_items!(client.describe_db_parameter_groups()) },
        )
        .await?;
        Ok(groups
            .into_iter()
            .filter_map(|g| Some((g.db_parameter_group_name()?.to_string(), g)))
            .collect())
    }

    /// The parameters set on a group (`Source = user`).
    async fn parameters(&self, name: &str) -> Result<Vec<Parameter>, ProviderError> {
        let client = &self.aws.clients().await.rds;
        let mut out = Vec::new();
        let mut pages = client
            .describe_db_parameters()
            .db_parameter_group_name(name)
            .source("user")
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            out.extend(page.map_err(aws_error)?.parameters().iter().cloned());
        }
        Ok(out)
    }

    async fn read_names(
        &self,
        names: &[String],
        hints: &BTreeMap<String, &Value>,
    ) -> Result<BTreeMap<String, (Value, Vec<(String, String)>)>, ProviderError> {
        let client = &self.aws.clients().await.rds;
        let mut out = BTreeMap::new();
        for (name, group) in self.describe(names).await? {
            let parameters = self.parameters(&name).await?;
            let tags = match group.db_parameter_group_arn() {
                Some(arn) => list_tags(client, arn).await?,
                None => vec![],
            };
            let hint = hints.get(&name).copied().unwrap_or(&Value::Null);
            out.insert(name, (to_value(&group, &parameters, &tags, hint), tags));
        }
        Ok(out)
    }

    async fn read_one(&self, name: &str, hint: &Value) -> Result<Value, ProviderError> {
        self.read_names(
            &[name.to_string()],
            &BTreeMap::from([(name.to_string(), hint)]),
        )
        .await?
        .remove(name)
        .map(|(value, _)| value)
        .ok_or_else(|| vanished("DB parameter group", name))
    }

    /// ModifyDBParameterGroup (or ResetDBParameterGroup when `reset`) with `parameters`, 20 a
    /// call.
    async fn send_parameters(
        &self,
        name: &str,
        parameters: Vec<Parameter>,
        reset: bool,
    ) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.rds;
        for chunk in parameters.chunks(PARAMETERS_PER_CALL) {
            if reset {
                client
                    .reset_db_parameter_group()
                    .db_parameter_group_name(name)
                    .set_parameters(Some(chunk.to_vec()))
                    .send()
                    .await
                    .map_err(aws_error)?;
            } else {
                client
                    .modify_db_parameter_group()
                    .db_parameter_group_name(name)
                    .set_parameters(Some(chunk.to_vec()))
                    .send()
                    .await
                    .map_err(aws_error)?;
            }
        }
        Ok(())
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

fn to_value(
    group: &DbParameterGroup,
    parameters: &[Parameter],
    tags: &[(String, String)],
    hint: &Value,
) -> Value {
    let name = group.db_parameter_group_name().unwrap_or_default();
    let mut object = BTreeMap::new();
    object.insert("id".to_string(), Value::string(name));
    object.insert("arn".to_string(), text(group.db_parameter_group_arn()));
    object.insert("name".to_string(), Value::string(name));
    object.insert(
        "name_prefix".to_string(),
        match hint.get("name_prefix").as_str() {
            Some(prefix) if name.starts_with(prefix) => Value::string(prefix),
            _ => Value::Null,
        },
    );
    object.insert(
        "family".to_string(),
        text(group.db_parameter_group_family()),
    );
    object.insert("description".to_string(), text(group.description()));
    object.insert(
        "skip_destroy".to_string(),
        Value::Bool(boolean(hint, "skip_destroy").unwrap_or(false)),
    );
    object.insert(
        "parameter".to_string(),
        Value::List(
            parameters
                .iter()
                .filter_map(|p| {
                    Some(Value::map([
                        ("name", Value::string(p.parameter_name()?)),
                        ("value", text(p.parameter_value())),
                        (
                            "apply_method",
                            Value::string(
                                p.apply_method().map(|m| m.as_str()).unwrap_or("immediate"),
                            ),
                        ),
                    ]))
                })
                .collect(),
        ),
    );
    set_tags(
        &mut object,
        tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    );
    Value::Map(object)
}

#[async_trait::async_trait]
impl ResourceType for AwsDbParameterGroup {
    fn name(&self) -> &'static str {
        "aws_db_parameter_group"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if !config.get("name").is_null() && !config.get("name_prefix").is_null() {
            problems.push((
                "name_prefix".to_string(),
                "\"name_prefix\": conflicts with name".to_string(),
            ));
        }
        for key in ["name", "name_prefix"] {
            if let Some(name) = config.get(key).as_str() {
                if let Some(problem) = name_problem(name, key == "name_prefix") {
                    problems.push((key.to_string(), problem));
                }
            }
        }
        problems
    }

    /// The generated `name` goes into the create's pending entry ([`with_name_for_create`]).
    fn with_generated_names(&self, operation: &Operation, planned: Value) -> Value {
        with_name_for_create(operation, planned, ["name", "name_prefix"], "terraform-")
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.rds;
        let name = name_for_create(operation, planned, ["name", "name_prefix"], "terraform-");
        client
            .create_db_parameter_group()
            .db_parameter_group_name(&name)
            .db_parameter_group_family(string(planned, "family").unwrap_or_default())
            .description(
                string(planned, "description").unwrap_or_else(|| "Managed by Terraform".into()),
            )
            .set_tags(Some(tags_to_sdk(&operation.tags_with_managed(planned))))
            .send()
            .await
            .map_err(aws_error)?;
        let name = name.to_lowercase();
        let (set, _) = parameter_changes(&Value::Null, planned);
        self.send_parameters(&name, set, false).await?;
        self.read_one(&name, planned).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.rds;
        let name = string(prior, "name")
            .ok_or_else(|| ProviderError::new("aws_db_parameter_group has no name in state"))?;
        let (set, reset) = parameter_changes(prior, planned);
        self.send_parameters(&name, reset, true).await?;
        self.send_parameters(&name, set, false).await?;
        if let Some(arn) = string(prior, "arn") {
            update_tags(client, &arn, prior, planned).await?;
        }
        self.read_one(&name, planned).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        if boolean(prior, "skip_destroy") == Some(true) {
            return Ok(());
        }
        let client = &self.aws.clients().await.rds;
        let Some(name) = string(prior, "name") else {
            return Ok(());
        };
        match client
            .delete_db_parameter_group()
            .db_parameter_group_name(&name)
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
        let (names, hints) = (keys_of(prior, "name"), hints_by(prior, "name"));
        let found = self.read_names(&names, &hints).await?;
        Ok(by_key(
            prior,
            "name",
            |name| found.get(name),
            |(value, _), _| value.clone(),
        ))
    }

    /// Terraform's import ID: the group's name.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        Ok(infra_core::resource::import_by("name", id))
    }

    async fn find_created(
        &self,
        operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let names = match string(planned, "name") {
            Some(name) => vec![name.to_lowercase()],
            // A generated name: every group is a candidate; the tags decide.
            None => {
                let client = &self.aws.clients().await.rds;
                let mut names = Vec::new();
                let mut pages = client
                    .describe_db_parameter_groups()
                    .into_paginator()
                    .send();
                while let Some(page) = pages.next().await {
                    names.extend(
                        page.map_err(aws_error)?
                            .db_parameter_groups()
                            .iter()
                            .filter_map(|g| g.db_parameter_group_name().map(str::to_string)),
                    );
                }
                names
            }
        };
        let hints: BTreeMap<String, &Value> = names.iter().map(|n| (n.clone(), planned)).collect();
        Ok(self
            .read_names(&names, &hints)
            .await?
            .into_values()
            .find(|(_, tags)| has_managed_tags(tags, operation))
            .map(|(value, _)| value))
    }
}

/// AWS's naming rule for DB parameter groups (the provider checks it too): lowercase letters,
/// digits and hyphens, beginning with a letter, no two hyphens in a row, not ending in one,
/// at most 255 characters (a prefix: 229, leaving room for the generated suffix).
fn name_problem(name: &str, prefix: bool) -> Option<String> {
    let max = if prefix { 229 } else { 255 };
    if name.len() > max {
        return Some(format!("\"{name}\" is longer than {max} characters"));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
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
