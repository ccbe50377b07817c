//! `aws_cloudwatch_log_group`: a CloudWatch Logs group and its retention.
//!
//! Refresh is one DescribeLogGroups walk (by name prefix when there is one instance, else the
//! common prefix of all names) matched by exact name. DescribeLogGroups returns no tags, so
//! the tags of the groups found come from the Resource Groups Tagging API's GetResources,
//! 100 ARNs a call (the caller needs `tag:GetResources`), and ListTagsForResource only for a
//! group that answer leaves out.
//!
//! Without `name`, create generates one from `name_prefix` or `terraform-` (both
//! configuration only, like `skip_destroy`, which leaves the group in place on delete).
//! `kms_key_id` changes in place (AssociateKmsKey / DisassociateKmsKey), as does
//! `deletion_protection_enabled` (PutLogGroupDeletionProtection); `log_group_class` forces a
//! new group.
//!
//! moto does not return `log_group_class` or `deletion_protection_enabled`, and has no
//! AssociateKmsKey / DisassociateKmsKey / PutLogGroupDeletionProtection, so drift on them and
//! in-place changes of `kms_key_id` are not seen in tests.

use std::collections::BTreeMap;

use aws_sdk_cloudwatchlogs::types::{LogGroup, LogGroupClass};
use infra_core::{Attribute, Check, Operation, ProviderError, Type, Value};

use crate::app_support::{
    boolean, changed, deleted_or_missing, int, is_missing, name_attribute, name_prefix_attribute,
    non_empty, number, resource_tag_changes, sent, string,
};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, ObjectType, Tagged, Updating,
};
use crate::cloudwatch_support::{common_prefix, tag_map as sdk_tags, tagging_tags};
use crate::declared::{copied, read, string as text_of, switch, Declared};
use crate::ec2_support::{name_for_create, with_name_for_create};
use crate::error::aws_error;
use crate::tagging::ManagedTags;

/// The retention periods CloudWatch Logs accepts (0 = never expire).
const RETENTION_DAYS: &[i64] = &[
    0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

pub type AwsCloudwatchLogGroup = ObjectType<LogGroupObject>;

pub struct LogGroupObject;

/// The group's ARN without the `:*` DescribeLogGroups appends.
fn arn_of(group: &LogGroup) -> String {
    let arn = group.arn().unwrap_or_default();
    arn.strip_suffix(":*").unwrap_or(arn).to_string()
}

/// The tags of each log group ARN: GetResources with up to 100 ARNs a call, then
/// ListTagsForResource for each group missing from its answer (a group with no tags, or one
/// the tagging API has not indexed yet, such as a group created a moment ago). A group gone by
/// then is left out of the map.
async fn tags_of(
    this: &AwsCloudwatchLogGroup,
    arns: &[String],
) -> Result<BTreeMap<String, Vec<(String, String)>>, ProviderError> {
    let clients = this.aws.clients().await;
    let mut tags = tagging_tags(clients, arns).await?;
    for arn in arns {
        if tags.contains_key(arn) {
            continue;
        }
        match sent!(clients.logs.list_tags_for_resource().resource_arn(arn)) {
            Ok(response) => {
                let pairs = response
                    .tags()
                    .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                    .unwrap_or_default();
                tags.insert(arn.clone(), pairs);
            }
            Err(error) if is_missing(&error) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(tags)
}

/// The name a create gives the group: `name`, else generated from `name_prefix`.
fn created_name(operation: &Operation, planned: &Value) -> String {
    name_for_create(operation, planned, ["name", "name_prefix"], "terraform-")
}

impl AwsObject for LogGroupObject {
    type Object = LogGroup;
    const NAME: &'static str = "aws_cloudwatch_log_group";
    const KIND: &'static str = "log group";
    const KEY: &'static str = "name";
    /// `skip_destroy` leaves the group (and its logs) behind.
    const SKIP_DESTROY: bool = true;

    fn attributes() -> Vec<Declared<LogGroup>> {
        vec![
            text_of(Attribute::computed("id", Type::String), LogGroup::log_group_name),
            read(Attribute::computed("arn", Type::String), |group: &LogGroup, _| {
                Value::string(arn_of(group))
            }),
            text_of(name_attribute(), LogGroup::log_group_name),
            copied(name_prefix_attribute()),
            read(
                Attribute::optional("retention_in_days", Type::Number)
                    .default(Value::Number(0.0))
                    .check(Check::OneOfNumbers(RETENTION_DAYS)),
                |group: &LogGroup, _| {
                    number(Some(i64::from(group.retention_in_days().unwrap_or(0))))
                },
            ),
            text_of(Attribute::optional("kms_key_id", Type::String), LogGroup::kms_key_id),
            read(
                Attribute::optional_computed("log_group_class", Type::String)
                    .check(Check::OneOf(&["STANDARD", "INFREQUENT_ACCESS", "DELIVERY"]))
                    .force_new(),
                // AWS always reports the class; moto does not, so the configured one is kept
                // then.
                |group: &LogGroup, at| match group.log_group_class() {
                    Some(class) => Value::string(class.as_str()),
                    None => string(at.prior, "log_group_class")
                        .map(Value::string)
                        .unwrap_or_else(|| Value::string("STANDARD")),
                },
            ),
            read(
                Attribute::optional_computed("deletion_protection_enabled", Type::Bool),
                |group: &LogGroup, _| {
                    Value::Bool(group.deletion_protection_enabled().unwrap_or(false))
                },
            ),
            switch(Attribute::optional("skip_destroy", Type::Bool).default(Value::Bool(false))),
        ]
    }

    /// The generated `name` goes into the create's pending entry ([`with_name_for_create`]).
    fn with_generated_names(operation: &Operation, planned: Value) -> Value {
        with_name_for_create(operation, planned, ["name", "name_prefix"], "terraform-")
    }

    fn created_key(operation: &Operation, planned: &Value) -> Option<String> {
        Some(created_name(operation, planned))
    }

    /// Log groups by exact name, with tags: one DescribeLogGroups walk by the longest prefix
    /// every name shares.
    async fn describe(this: &ObjectType<Self>, names: &[String]) -> DescribeResult<LogGroup> {
        let client = &this.aws.clients().await.logs;
        let mut out = BTreeMap::new();
        if names.is_empty() {
            return Ok(out);
        }
        let prefix = common_prefix(names);
        let mut request = client.describe_log_groups();
        if !prefix.is_empty() {
            request = request.log_group_name_prefix(&prefix);
        }
        let mut pages = request.into_paginator().send();
        let mut found = Vec::new();
        while let Some(page) = pages.next().await {
            for group in page.map_err(aws_error)?.log_groups() {
                if group.log_group_name().is_some_and(|n| names.iter().any(|name| name == n)) {
                    found.push(group.clone());
                }
            }
        }
        let arns: Vec<String> = found.iter().map(arn_of).collect();
        let mut tags = tags_of(this, &arns).await?;
        for group in found {
            let name = group.log_group_name().unwrap_or_default().to_string();
            // No tags at all means the group was deleted between the two reads.
            if let Some(tags) = tags.remove(&arn_of(&group)) {
                out.insert(name, Tagged { object: group, tags });
            }
        }
        Ok(out)
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.logs;
        let name = created_name(at.operation, at.planned);
        sent!(client
            .create_log_group()
            .log_group_name(&name)
            .set_kms_key_id(non_empty(at.planned, "kms_key_id"))
            .set_log_group_class(
                string(at.planned, "log_group_class").map(|c| LogGroupClass::from(c.as_str())),
            )
            .set_deletion_protection_enabled(boolean(at.planned, "deletion_protection_enabled"))
            .set_tags(Some(at.operation.tags_with_managed(at.planned).into_iter().collect(),)))?;
        if let Some(days) = int(at.planned, "retention_in_days").filter(|d| *d > 0) {
            sent!(client.put_retention_policy().log_group_name(&name).retention_in_days(days))?;
        }
        Ok(name)
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.logs;
        if changed(at.prior, at.planned, "retention_in_days") {
            match int(at.planned, "retention_in_days").filter(|d| *d > 0) {
                Some(days) => {
                    sent!(client
                        .put_retention_policy()
                        .log_group_name(at.key)
                        .retention_in_days(days))?;
                }
                None => {
                    sent!(client.delete_retention_policy().log_group_name(at.key))?;
                }
            }
        }
        if changed(at.prior, at.planned, "kms_key_id") {
            match non_empty(at.planned, "kms_key_id") {
                Some(key) => {
                    sent!(client.associate_kms_key().log_group_name(at.key).kms_key_id(key))?;
                }
                None => {
                    sent!(client.disassociate_kms_key().log_group_name(at.key))?;
                }
            }
        }
        if changed(at.prior, at.planned, "deletion_protection_enabled") {
            if let Some(enabled) = boolean(at.planned, "deletion_protection_enabled") {
                sent!(client
                    .put_log_group_deletion_protection()
                    .log_group_identifier(at.key)
                    .deletion_protection_enabled(enabled))?;
            }
        }
        let arn = string(at.prior, "arn").unwrap_or_default();
        resource_tag_changes!(client, resource_arn(&arn), at.prior, at.planned);
        Ok(at.key.to_string())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let client = &at.this.aws.clients().await.logs;
        deleted_or_missing(sent!(client.delete_log_group().log_group_name(at.key)))
    }
}
