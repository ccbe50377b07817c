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
use std::future::ready;

use aws_sdk_rds::types::{OptionConfiguration, OptionGroup, OptionSetting};
use infra_core::{Attribute, Block, ProviderError, Schema, Timeouts, Type, Value};

use crate::app_support::{
    blocks, int, name_attribute, non_empty, number, sent, string, string_list, strings, text,
    wait_for,
};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Updating,
};
use crate::declared::{computed, read_block, switch, Declared};
use crate::error::{aws_error, is_not_found};
use crate::rds_support::{created_group, group_name_checks, name_and_tags, name_prefix};
use crate::rds_support::{tagged_groups, update_group_tags};
use crate::subnet_group_support::describe_by_name;

pub type AwsDbOptionGroup = ObjectType<OptionGroupObject>;

pub struct OptionGroupObject;

const NAME_OF: fn(&OptionGroup) -> Option<&str> = OptionGroup::option_group_name;

/// Every option group of the account (DescribeOptionGroups, paginated).
async fn all_groups(rds: &aws_sdk_rds::Client) -> Result<Vec<OptionGroup>, ProviderError> {
    let mut groups = Vec::new();
    let mut pages = rds.describe_option_groups().into_paginator().send();
    while let Some(page) = pages.next().await {
        match page.map_err(aws_error) {
            Ok(page) => groups.extend(page.option_groups_list().iter().cloned()),
            // moto answers an empty listing with OptionGroupNotFoundFault.
            Err(error) if is_not_found(&error) => break,
            Err(error) => return Err(error),
        }
    }
    Ok(groups)
}

/// ModifyOptionGroup with the options new or changed and those removed, when there are any.
async fn modify(
    rds: &aws_sdk_rds::Client,
    name: &str,
    prior: &Value,
    planned: &Value,
) -> Result<(), ProviderError> {
    let (include, remove) = option_changes(prior, planned);
    if include.is_empty() && remove.is_empty() {
        return Ok(());
    }
    sent!(rds
        .modify_option_group()
        .option_group_name(name)
        .set_options_to_include((!include.is_empty()).then_some(include))
        .set_options_to_remove((!remove.is_empty()).then_some(remove))
        .apply_immediately(true))?;
    Ok(())
}

impl AwsObject for OptionGroupObject {
    type Object = OptionGroup;
    const NAME: &'static str = "aws_db_option_group";
    const KIND: &'static str = "DB option group";
    const KEY: &'static str = "name";
    const GENERATED_NAME: bool = true;
    const SKIP_DESTROY: bool = true;

    fn attributes() -> Vec<Declared<OptionGroup>> {
        let option = Schema::new()
            .attr(Attribute::required("option_name", Type::String))
            .attr(Attribute::optional("port", Type::Number))
            .attr(Attribute::optional("version", Type::String))
            .attr(Attribute::optional("db_security_group_memberships", Type::set(Type::String)))
            .attr(Attribute::optional("vpc_security_group_memberships", Type::set(Type::String)))
            .block(Block::set(
                "option_settings",
                Schema::new()
                    .attr(Attribute::required("name", Type::String))
                    .attr(Attribute::required("value", Type::String)),
            ));
        vec![
            computed("id", NAME_OF),
            computed("arn", OptionGroup::option_group_arn),
            crate::declared::string(
                Attribute::required("engine_name", Type::String).force_new(),
                OptionGroup::engine_name,
            ),
            crate::declared::string(
                Attribute::required("major_engine_version", Type::String).force_new(),
                OptionGroup::major_engine_version,
            ),
            crate::declared::string(name_attribute(), NAME_OF),
            name_prefix(NAME_OF),
            crate::declared::string(
                Attribute::optional("option_group_description", Type::String)
                    .default(Value::string("Managed by Terraform"))
                    .force_new(),
                OptionGroup::option_group_description,
            ),
            switch(Attribute::optional("skip_destroy", Type::Bool).default(Value::Bool(false))),
            read_block(Block::set("option", option), |group: &OptionGroup, at| {
                options_value(group, at.prior)
            }),
        ]
    }

    fn schema(schema: Schema) -> Schema {
        schema.timeouts(&["delete"])
    }

    fn default_timeouts() -> Timeouts {
        Timeouts::minutes(30, 30, 15)
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        group_name_checks(config, |name, _| {
            name.chars()
                .any(|c| c.is_ascii_uppercase())
                .then(|| format!("\"{name}\": must be lowercase, as AWS stores it"))
        })
    }

    async fn describe(this: &ObjectType<Self>, names: &[String]) -> DescribeResult<OptionGroup> {
        let rds = &this.aws.clients().await.rds;
        let groups = describe_by_name!(
            rds.describe_option_groups(),
            option_group_name,
            option_groups_list,
            NAME_OF,
            names,
            all: all_groups(rds)
        )
        .await?;
        let arn_of = OptionGroup::option_group_arn;
        tagged_groups(rds, groups, NAME_OF, arn_of, |_, group| ready(Ok(group))).await
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let rds = &at.this.aws.clients().await.rds;
        let (name, tags) = name_and_tags(at.operation, at.planned);
        sent!(rds
            .create_option_group()
            .option_group_name(&name)
            .engine_name(string(at.planned, "engine_name").unwrap_or_default())
            .major_engine_version(string(at.planned, "major_engine_version").unwrap_or_default())
            .option_group_description(
                string(at.planned, "option_group_description")
                    .unwrap_or_else(|| "Managed by Terraform".into()),
            )
            .set_tags(Some(tags)))?;
        modify(rds, &name, &Value::Null, at.planned).await?;
        Ok(name)
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let rds = &at.this.aws.clients().await.rds;
        modify(rds, at.key, at.prior, at.planned).await?;
        update_group_tags(rds, at.prior, at.planned).await?;
        Ok(at.key.to_string())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let name = at.key;
        let rds = &at.this.aws.clients().await.rds;
        wait_for(
            &format!("DB option group {name} to be deletable"),
            at.operation.timeouts.delete,
            || async move {
                match sent!(rds.delete_option_group().option_group_name(name)) {
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

    /// The group of the configured name; for a generated name every group is a candidate,
    /// and the tags decide.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<OptionGroup> {
        let rds = &at.this.aws.clients().await.rds;
        let all = || all_groups(rds);
        created_group(at.this, at.operation, at.planned, |name| name, all, NAME_OF).await
    }
}

/// The configured options by name.
fn options(value: &Value) -> BTreeMap<String, &Value> {
    blocks(value, "option").iter().filter_map(|o| Some((string(o, "option_name")?, o))).collect()
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
            before.get(*name).is_none_or(|old| old.to_json() != option.to_json())
        })
        .map(|(_, option)| to_sdk(option))
        .collect();
    let remove = before.keys().filter(|name| !after.contains_key(*name)).cloned().collect();
    (include, remove)
}

/// The `option` blocks of a group: of a configured option only its configured settings, and its
/// `port` and `version` only where configured (`hint` is the prior state or planned value).
fn options_value(group: &OptionGroup, hint: &Value) -> Value {
    let configured = options(hint);
    let read: Vec<Value> = group
        .options()
        .iter()
        .filter_map(|option| {
            let option_name = option.option_name()?;
            let config = configured.get(option_name).copied();
            // Only the configured settings, when the option is configured.
            let wanted: Option<Vec<String>> = config.map(|c| {
                blocks(c, "option_settings").iter().filter_map(|s| string(s, "name")).collect()
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
                    if shown("port") { number(option.port().map(i64::from)) } else { Value::Null },
                ),
                (
                    "version",
                    if shown("version") { text(option.option_version()) } else { Value::Null },
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
    Value::List(read)
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
                option("MARIADB_AUDIT_PLUGIN", &[("SERVER_AUDIT_EVENTS", "CONNECT")]),
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
