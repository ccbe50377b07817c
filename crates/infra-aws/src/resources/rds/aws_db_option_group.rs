//! `aws_db_option_group`: a named set of engine options (and their settings) for RDS
//! instances.
//!
//! Create is CreateOptionGroup, then ModifyOptionGroup (`ApplyImmediately`, as the provider
//! does) with the options. Refresh describes the groups (one DescribeOptionGroups by name for
//! one group, one listing for several; options come in the answer) and ListTagsForResource per
//! group. Update sends changed and new options as `OptionsToInclude` and removed ones as
//! `OptionsToRemove` in one ModifyOptionGroup. An option's `port` and `version` are read back
//! only when configured, and its `option_settings` only those configured (AWS reports every
//! setting of an option, defaults included), as the provider does. Delete retries while AWS
//! reports the group in use (`InvalidOptionGroupStateFault`, e.g. an instance still being
//! deleted), up to the delete timeout (15 minutes by default). `skip_destroy` (configuration
//! only) leaves the group in AWS. Import ID: the name.
//!
//! moto does not hold an option's `port`, `version`, `db_security_group_memberships` or
//! `vpc_security_group_memberships`, so drift on them is not seen in tests.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_rds::types::{OptionConfiguration, OptionGroup, OptionSetting};
use infra_core::{
    Attribute, Block, Operation, ProviderError, ResourceType, Schema, Timeouts, Type, Value,
};

use crate::app_support::{
    blocks, boolean, by_key, describe_named, has_managed_tags, hints_by, int, keys_of, non_empty,
    number, set_tags, string, string_list, strings, text, vanished, wait_for,
};
use crate::ec2_support::{name_for_create, with_name_for_create};
use crate::error::{aws_error, is_not_found};
use crate::rds_support::{list_tags, tags_to_sdk, update_tags};
use crate::tagging::{ManagedTags, WithTags};
use crate::Aws;

pub struct AwsDbOptionGroup {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsDbOptionGroup {
    pub fn new(aws: Arc<Aws>) -> AwsDbOptionGroup {
        let option = Schema::new()
            .attr(Attribute::required("option_name", Type::String))
            .attr(Attribute::optional("port", Type::Number))
            .attr(Attribute::optional("version", Type::String))
            .attr(Attribute::optional(
                "db_security_group_memberships",
                Type::set(Type::String),
            ))
            .attr(Attribute::optional(
                "vpc_security_group_memberships",
                Type::set(Type::String),
            ))
            .block(Block::set(
                "option_settings",
                Schema::new()
                    .attr(Attribute::required("name", Type::String))
                    .attr(Attribute::required("value", Type::String)),
            ));
        let schema = Schema::new()
            .timeouts(&["delete"])
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::required("engine_name", Type::String).force_new())
            .attr(Attribute::required("major_engine_version", Type::String).force_new())
            .attr(Attribute::optional_computed("name", Type::String).force_new())
            .attr(Attribute::optional_computed("name_prefix", Type::String).force_new())
            .attr(
                Attribute::optional("option_group_description", Type::String)
                    .default(Value::string("Managed by Terraform"))
                    .force_new(),
            )
            .attr(Attribute::optional("skip_destroy", Type::Bool).default(Value::Bool(false)))
            .block(Block::set("option", option))
            .with_tags();
        AwsDbOptionGroup { aws, schema }
    }

    async fn describe(
        &self,
        names: &[String],
    ) -> Result<BTreeMap<String, OptionGroup>, ProviderError> {
        let client = &self.aws.clients().await.rds;
        let groups = describe_named(
            names,
            OptionGroup::option_group_name,
            |name| async move {
                let response = client
                    .describe_option_groups()
                    .option_group_name(name)
                    .send()
                    .await
                    .map_err(aws_error)?;
                Ok(response.option_groups_list().to_vec())
            },
            || async {
                let mut groups = Vec::new();
                let mut pages = client.describe_option_groups().into_paginator().send();
                while let Some(page) = pages.next().await {
                    match page.map_err(aws_error) {
                        Ok(page) => groups.extend(page.option_groups_list().iter().cloned()),
                        // moto answers an empty listing with OptionGroupNotFoundFault.
                        Err(error) if is_not_found(&error) => break,
                        Err(error) => return Err(error),
                    }
                }
                Ok(groups)
            },
        )
        .await?;
        Ok(groups
            .into_iter()
            .filter_map(|g| Some((g.option_group_name()?.to_string(), g)))
            .collect())
    }

    async fn read_names(
        &self,
        names: &[String],
        hints: &BTreeMap<String, &Value>,
    ) -> Result<BTreeMap<String, (Value, Vec<(String, String)>)>, ProviderError> {
        let client = &self.aws.clients().await.rds;
        let mut out = BTreeMap::new();
        for (name, group) in self.describe(names).await? {
            let tags = match group.option_group_arn() {
                Some(arn) => list_tags(client, arn).await?,
                None => vec![],
            };
            let hint = hints.get(&name).copied().unwrap_or(&Value::Null);
            out.insert(name, (to_value(&group, &tags, hint), tags));
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
        .ok_or_else(|| vanished("DB option group", name))
    }

    async fn modify(
        &self,
        name: &str,
        prior: &Value,
        planned: &Value,
    ) -> Result<(), ProviderError> {
        let (include, remove) = option_changes(prior, planned);
        if include.is_empty() && remove.is_empty() {
            return Ok(());
        }
        let client = &self.aws.clients().await.rds;
        client
            .modify_option_group()
            .option_group_name(name)
            .set_options_to_include((!include.is_empty()).then_some(include))
            .set_options_to_remove((!remove.is_empty()).then_some(remove))
            .apply_immediately(true)
            .send()
            .await
            .map_err(aws_error)?;
        Ok(())
    }
}

/// The configured options by name.
fn options(value: &Value) -> BTreeMap<String, &Value> {
    blocks(value, "option")
        .iter()
        .filter_map(|o| Some((string(o, "option_name")?, o)))
        .collect()
}

fn to_sdk(option: &Value) -> OptionConfiguration {
    let settings: Vec<OptionSetting> = blocks(option, "option_settings")
        .iter()
        .map(|s| {
            OptionSetting::builder()
                .set_name(string(s, "name"))
                .set_value(string(s, "value"))
                .build()
        })
        .collect();
    let db_groups = strings(option, "db_security_group_memberships");
    let vpc_groups = strings(option, "vpc_security_group_memberships");
    OptionConfiguration::builder()
        .option_name(string(option, "option_name").unwrap_or_default())
        .set_port(int(option, "port"))
        .set_option_version(non_empty(option, "version"))
        .set_db_security_group_memberships((!db_groups.is_empty()).then_some(db_groups))
        .set_vpc_security_group_memberships((!vpc_groups.is_empty()).then_some(vpc_groups))
        .set_option_settings((!settings.is_empty()).then_some(settings))
        .build()
}

/// What one ModifyOptionGroup sends to go from `prior` to `planned`: options new or changed
/// (`OptionsToInclude`), and the names of options no longer configured (`OptionsToRemove`).
fn option_changes(prior: &Value, planned: &Value) -> (Vec<OptionConfiguration>, Vec<String>) {
    let before = options(prior);
    let after = options(planned);
    let include = after
        .iter()
        .filter(|(name, option)| {
            before
                .get(*name)
                .is_none_or(|old| old.to_json() != option.to_json())
        })
        .map(|(_, option)| to_sdk(option))
        .collect();
    let remove = before
        .keys()
        .filter(|name| !after.contains_key(*name))
        .cloned()
        .collect();
    (include, remove)
}

fn to_value(group: &OptionGroup, tags: &[(String, String)], hint: &Value) -> Value {
    let name = group.option_group_name().unwrap_or_default();
    let configured = options(hint);
    let mut object = BTreeMap::new();
    object.insert("id".to_string(), Value::string(name));
    object.insert("arn".to_string(), text(group.option_group_arn()));
    object.insert("name".to_string(), Value::string(name));
    object.insert(
        "name_prefix".to_string(),
        match hint.get("name_prefix").as_str() {
            Some(prefix) if name.starts_with(prefix) => Value::string(prefix),
            _ => Value::Null,
        },
    );
    object.insert("engine_name".to_string(), text(group.engine_name()));
    object.insert(
        "major_engine_version".to_string(),
        text(group.major_engine_version()),
    );
    object.insert(
        "option_group_description".to_string(),
        text(group.option_group_description()),
    );
    object.insert(
        "skip_destroy".to_string(),
        Value::Bool(boolean(hint, "skip_destroy").unwrap_or(false)),
    );
    let read: Vec<Value> = group
        .options()
        .iter()
        .filter_map(|option| {
            let option_name = option.option_name()?;
            let config = configured.get(option_name).copied();
            // Only the configured settings, when the option is configured.
            let wanted: Option<Vec<String>> = config.map(|c| {
                blocks(c, "option_settings")
                    .iter()
                    .filter_map(|s| string(s, "name"))
                    .collect()
            });
            let settings: Vec<Value> = option
                .option_settings()
                .iter()
                .filter(|s| {
                    wanted
                        .as_ref()
                        .is_none_or(|names| s.name().is_some_and(|n| names.iter().any(|w| w == n)))
                })
                .map(|s| Value::map([("name", text(s.name())), ("value", text(s.value()))]))
                .collect();
            let shown = |key: &str| config.is_some_and(|c| !c.get(key).is_null());
            Some(Value::map([
                ("option_name", Value::string(option_name)),
                (
                    "port",
                    if shown("port") {
                        number(option.port().map(i64::from))
                    } else {
                        Value::Null
                    },
                ),
                (
                    "version",
                    if shown("version") {
                        text(option.option_version())
                    } else {
                        Value::Null
                    },
                ),
                (
                    "db_security_group_memberships",
                    string_list(
                        option
                            .db_security_group_memberships()
                            .iter()
                            .filter_map(|m| m.db_security_group_name()),
                    ),
                ),
                (
                    "vpc_security_group_memberships",
                    string_list(
                        option
                            .vpc_security_group_memberships()
                            .iter()
                            .filter_map(|m| m.vpc_security_group_id()),
                    ),
                ),
                ("option_settings", Value::List(settings)),
            ]))
        })
        .collect();
    object.insert("option".to_string(), Value::List(read));
    set_tags(
        &mut object,
        tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    );
    Value::Map(object)
}

#[async_trait::async_trait]
impl ResourceType for AwsDbOptionGroup {
    fn name(&self) -> &'static str {
        "aws_db_option_group"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn default_timeouts(&self) -> Timeouts {
        Timeouts {
            delete: Duration::from_secs(15 * 60),
            ..Timeouts::default()
        }
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
                if name.chars().any(|c| c.is_ascii_uppercase()) {
                    problems.push((
                        key.to_string(),
                        format!("\"{name}\": must be lowercase, as AWS stores it"),
                    ));
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
            .create_option_group()
            .option_group_name(&name)
            .engine_name(string(planned, "engine_name").unwrap_or_default())
            .major_engine_version(string(planned, "major_engine_version").unwrap_or_default())
            .option_group_description(
                string(planned, "option_group_description")
                    .unwrap_or_else(|| "Managed by Terraform".into()),
            )
            .set_tags(Some(tags_to_sdk(&operation.tags_with_managed(planned))))
            .send()
            .await
            .map_err(aws_error)?;
        self.modify(&name, &Value::Null, planned).await?;
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
            .ok_or_else(|| ProviderError::new("aws_db_option_group has no name in state"))?;
        self.modify(&name, prior, planned).await?;
        if let Some(arn) = string(prior, "arn") {
            update_tags(client, &arn, prior, planned).await?;
        }
        self.read_one(&name, planned).await
    }

    async fn delete(&self, operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        if boolean(prior, "skip_destroy") == Some(true) {
            return Ok(());
        }
        let client = &self.aws.clients().await.rds;
        let Some(name) = string(prior, "name") else {
            return Ok(());
        };
        let name = name.as_str();
        wait_for(
            &format!("DB option group {name} to be deletable"),
            operation.timeouts.delete,
            || async move {
                match client
                    .delete_option_group()
                    .option_group_name(name)
                    .send()
                    .await
                    .map_err(aws_error)
                {
                    Ok(_) => Ok(Some(())),
                    Err(error) if is_not_found(&error) => Ok(Some(())),
                    Err(error) if error.code.as_deref() == Some("InvalidOptionGroupStateFault") => {
                        Ok(None)
                    }
                    Err(error) => Err(error),
                }
            },
        )
        .await
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
            Some(name) => vec![name],
            None => {
                let client = &self.aws.clients().await.rds;
                let mut names = Vec::new();
                let mut pages = client.describe_option_groups().into_paginator().send();
                while let Some(page) = pages.next().await {
                    match page.map_err(aws_error) {
                        Ok(page) => names.extend(
                            page.option_groups_list()
                                .iter()
                                .filter_map(|g| g.option_group_name().map(str::to_string)),
                        ),
                        Err(error) if is_not_found(&error) => break,
                        Err(error) => return Err(error),
                    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn option(name: &str, settings: &[(&str, &str)]) -> Value {
        Value::map([
            ("option_name", Value::string(name)),
            (
                "option_settings",
                Value::List(
                    settings
                        .iter()
                        .map(|(n, v)| {
                            Value::map([("name", Value::string(*n)), ("value", Value::string(*v))])
                        })
                        .collect(),
                ),
            ),
        ])
    }

    #[test]
    fn changed_options_are_included_and_dropped_ones_removed() {
        let prior = Value::map([(
            "option",
            Value::List(vec![
                option(
                    "MARIADB_AUDIT_PLUGIN",
                    &[("SERVER_AUDIT_EVENTS", "CONNECT")],
                ),
                option("MEMCACHED", &[]),
            ]),
        )]);
        let planned = Value::map([(
            "option",
            Value::List(vec![option(
                "MARIADB_AUDIT_PLUGIN",
                &[("SERVER_AUDIT_EVENTS", "CONNECT,QUERY")],
            )]),
        )]);
        let (include, remove) = option_changes(&prior, &planned);
        assert_eq!(include.len(), 1);
        assert_eq!(include[0].option_name(), Some("MARIADB_AUDIT_PLUGIN"));
        assert_eq!(remove, vec!["MEMCACHED".to_string()]);
        let (include, remove) = option_changes(&planned, &planned);
        assert!(include.is_empty() && remove.is_empty());
    }
}
