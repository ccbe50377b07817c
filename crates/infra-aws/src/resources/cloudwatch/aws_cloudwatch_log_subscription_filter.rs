//! `aws_cloudwatch_log_subscription_filter`: a subscription filter that delivers a log group's
//! matching events to a Kinesis stream, Firehose stream, Lambda function or logs destination.
//!
//! PutSubscriptionFilter creates and replaces the filter, so `filter_pattern`, `role_arn`,
//! `distribution`, `emit_system_fields` and `apply_on_transformed_logs` change in place;
//! `name`, `log_group_name` and `destination_arn` force a new filter. Refresh is one
//! DescribeSubscriptionFilters walk per log group (a group holds at most two filters). The
//! filters take no tags: crash recovery finds the filter by its natural key (group and name).
//! The `id` is the provider's `cwlsf-<hash of the group name>`; import ID:
//! `log_group_name|name`.
//!
//! moto does not hold `distribution` (it always answers `ByLogStream`), `emit_system_fields` or
//! `apply_on_transformed_logs`, so drift on them is not seen in tests.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_cloudwatchlogs::types::{Distribution, SubscriptionFilter};
use infra_core::{Attribute, Check, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{
    boolean, is_missing, non_empty, string, string_list, strings, text, vanished,
};
use crate::cloudwatch_support::{
    by_log_group, found_in_log_groups, log_group_and_name, two_part_id,
};
use crate::error::aws_error;
use crate::Aws;

pub struct AwsCloudwatchLogSubscriptionFilter {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsCloudwatchLogSubscriptionFilter {
    pub fn new(aws: Arc<Aws>) -> AwsCloudwatchLogSubscriptionFilter {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("name", Type::String).force_new())
            .attr(Attribute::required("log_group_name", Type::String).force_new())
            .attr(Attribute::required("destination_arn", Type::String).force_new())
            .attr(Attribute::required("filter_pattern", Type::String))
            .attr(
                Attribute::optional("distribution", Type::String)
                    .default(Value::string("ByLogStream"))
                    .check(Check::OneOf(&["Random", "ByLogStream"])),
            )
            .attr(Attribute::optional(
                "emit_system_fields",
                Type::set(Type::String),
            ))
            .attr(Attribute::optional_computed(
                "apply_on_transformed_logs",
                Type::Bool,
            ))
            .attr(Attribute::optional_computed("role_arn", Type::String));
        AwsCloudwatchLogSubscriptionFilter { aws, schema }
    }

    /// The filters found, by `(group, name)`: one DescribeSubscriptionFilters walk per group.
    async fn describe(
        &self,
        keys: &[(String, String)],
    ) -> Result<BTreeMap<(String, String), SubscriptionFilter>, ProviderError> {
        let client = &self.aws.clients().await.logs;
        let mut out = BTreeMap::new();
        for (group, names) in by_log_group(keys) {
            let mut pages = client
                .describe_subscription_filters()
                .log_group_name(&group)
                .into_paginator()
                .send();
            while let Some(page) = pages.next().await {
                let page = match page.map_err(aws_error) {
                    Ok(page) => page,
                    Err(error) if is_missing(&error) => break,
                    Err(error) => return Err(error),
                };
                for filter in page.subscription_filters() {
                    let Some(name) = filter.filter_name() else {
                        continue;
                    };
                    if names.iter().any(|n| n == name) {
                        out.insert((group.clone(), name.to_string()), filter.clone());
                    }
                }
            }
        }
        Ok(out)
    }

    async fn read_one(&self, group: &str, name: &str) -> Result<Option<Value>, ProviderError> {
        let key = (group.to_string(), name.to_string());
        Ok(self
            .describe(std::slice::from_ref(&key))
            .await?
            .remove(&key)
            .map(|filter| to_value(group, &filter)))
    }

    async fn put(&self, planned: &Value) -> Result<Value, ProviderError> {
        let (group, name) = log_group_and_name(planned).ok_or_else(|| {
            ProviderError::new("aws_cloudwatch_log_subscription_filter needs a name and group")
        })?;
        let emit = strings(planned, "emit_system_fields");
        self.aws
            .clients()
            .await
            .logs
            .put_subscription_filter()
            .log_group_name(&group)
            .filter_name(&name)
            .filter_pattern(string(planned, "filter_pattern").unwrap_or_default())
            .set_destination_arn(string(planned, "destination_arn"))
            .set_role_arn(non_empty(planned, "role_arn"))
            .set_distribution(
                non_empty(planned, "distribution").map(|d| Distribution::from(d.as_str())),
            )
            .set_emit_system_fields((!emit.is_empty()).then_some(emit))
            .set_apply_on_transformed_logs(boolean(planned, "apply_on_transformed_logs"))
            .send()
            .await
            .map_err(aws_error)?;
        self.read_one(&group, &name)
            .await?
            .ok_or_else(|| vanished("subscription filter", &name))
    }
}

/// CRC-32 (IEEE), as Go's `crc32.ChecksumIEEE`.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The provider's resource ID: `cwlsf-` and the hash code of `"<log group name>-"`.
fn resource_id(log_group_name: &str) -> String {
    format!("cwlsf-{}", crc32(format!("{log_group_name}-").as_bytes()))
}

fn to_value(group: &str, filter: &SubscriptionFilter) -> Value {
    Value::map([
        ("id", Value::string(resource_id(group))),
        ("name", text(filter.filter_name())),
        ("log_group_name", Value::string(group)),
        ("destination_arn", text(filter.destination_arn())),
        (
            "filter_pattern",
            Value::string(filter.filter_pattern().unwrap_or("")),
        ),
        (
            "distribution",
            Value::string(
                filter
                    .distribution()
                    .map(|d| d.as_str())
                    .unwrap_or("ByLogStream"),
            ),
        ),
        (
            "emit_system_fields",
            string_list(filter.emit_system_fields()),
        ),
        (
            "apply_on_transformed_logs",
            Value::Bool(filter.apply_on_transformed_logs()),
        ),
        ("role_arn", text(filter.role_arn())),
    ])
}

#[async_trait::async_trait]
impl ResourceType for AwsCloudwatchLogSubscriptionFilter {
    fn name(&self) -> &'static str {
        "aws_cloudwatch_log_subscription_filter"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        strings(config, "emit_system_fields")
            .into_iter()
            .filter(|f| f != "@aws.account" && f != "@aws.region")
            .map(|f| {
                (
                    "emit_system_fields".to_string(),
                    format!("expected \"@aws.account\" or \"@aws.region\", got \"{f}\""),
                )
            })
            .collect()
    }

    async fn create(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        self.put(planned).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        _prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        self.put(planned).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some((group, name)) = log_group_and_name(prior) else {
            return Ok(());
        };
        match self
            .aws
            .clients()
            .await
            .logs
            .delete_subscription_filter()
            .log_group_name(group)
            .filter_name(name)
            .send()
            .await
            .map_err(aws_error)
        {
            Ok(_) => Ok(()),
            Err(error) if is_missing(&error) => Ok(()),
            Err(error) => Err(error),
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let keys: Vec<(String, String)> = prior.iter().filter_map(log_group_and_name).collect();
        let found = self.describe(&keys).await?;
        Ok(found_in_log_groups(prior, &found, to_value))
    }

    /// Terraform's import ID: `log_group_name|name`.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        let (group, name) = two_part_id(self.name(), id, '|', "log-group-name|filter-name")?;
        Ok(Value::map([
            ("id", Value::string(resource_id(&group))),
            ("name", Value::string(name)),
            ("log_group_name", Value::string(group)),
        ]))
    }

    /// Subscription filters have no tags: the filter of this group and name is the one the
    /// create wrote.
    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        match log_group_and_name(planned) {
            Some((group, name)) => self.read_one(&group, &name).await,
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_ieee_checksum() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn the_id_hashes_the_group_name() {
        assert_eq!(resource_id("app"), format!("cwlsf-{}", crc32(b"app-")));
    }
}
