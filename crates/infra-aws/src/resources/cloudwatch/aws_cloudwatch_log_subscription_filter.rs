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

use aws_sdk_cloudwatchlogs::types::{Distribution, SubscriptionFilter};
use aws_sdk_cloudwatchlogs::Client as LogsClient;
use infra_core::{Attribute, Check, ProviderError, Schema, Type, Value};

use crate::app_support::{boolean, non_empty, sent, string, string_list, strings, text};
use crate::cloudwatch_support::{log_group_pages, InLogGroup, LogGroupMember};
use crate::ec2_support::crc32;

pub type AwsCloudwatchLogSubscriptionFilter = InLogGroup<SubscriptionFilters>;

/// Subscription filters as a [`LogGroupMember`].
pub struct SubscriptionFilters;

impl LogGroupMember for SubscriptionFilters {
    type Object = SubscriptionFilter;
    const TYPE_NAME: &'static str = "aws_cloudwatch_log_subscription_filter";
    const KIND: &'static str = "subscription filter";
    /// PutSubscriptionFilter replaces the filter in place.
    const WRITES_ON_UPDATE: bool = true;
    /// Terraform's import ID: `log_group_name|name`.
    const IMPORT_ID: (char, &'static str) = ('|', "log-group-name|filter-name");

    fn schema() -> Schema {
        Schema::new()
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
            .attr(Attribute::optional("emit_system_fields", Type::set(Type::String)))
            .attr(Attribute::optional_computed("apply_on_transformed_logs", Type::Bool))
            .attr(Attribute::optional_computed("role_arn", Type::String))
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
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

    fn id(group: &str, _name: &str) -> String {
        resource_id(group)
    }

    const NAME_OF: fn(&SubscriptionFilter) -> Option<&str> = SubscriptionFilter::filter_name;

    fn to_value(group: &str, filter: &SubscriptionFilter) -> Value {
        Value::map([
            ("id", Value::string(resource_id(group))),
            ("name", text(filter.filter_name())),
            ("log_group_name", Value::string(group)),
            ("destination_arn", text(filter.destination_arn())),
            ("filter_pattern", Value::string(filter.filter_pattern().unwrap_or(""))),
            (
                "distribution",
                Value::string(filter.distribution().map(|d| d.as_str()).unwrap_or("ByLogStream")),
            ),
            ("emit_system_fields", string_list(filter.emit_system_fields())),
            ("apply_on_transformed_logs", Value::Bool(filter.apply_on_transformed_logs())),
            ("role_arn", text(filter.role_arn())),
        ])
    }

    /// DescribeSubscriptionFilters of the group (a group holds at most two).
    async fn list(
        client: &LogsClient,
        group: String,
        _names: Vec<String>,
    ) -> Result<Vec<SubscriptionFilter>, ProviderError> {
        let request = client.describe_subscription_filters().log_group_name(&group);
        Ok(log_group_pages!(request, subscription_filters))
    }

    async fn write(
        client: &LogsClient,
        group: &str,
        name: &str,
        planned: &Value,
    ) -> Result<(), ProviderError> {
        let emit = strings(planned, "emit_system_fields");
        sent!(client
            .put_subscription_filter()
            .log_group_name(group)
            .filter_name(name)
            .filter_pattern(string(planned, "filter_pattern").unwrap_or_default())
            .set_destination_arn(string(planned, "destination_arn"))
            .set_role_arn(non_empty(planned, "role_arn"))
            .set_distribution(
                non_empty(planned, "distribution").map(|d| Distribution::from(d.as_str())),
            )
            .set_emit_system_fields((!emit.is_empty()).then_some(emit))
            .set_apply_on_transformed_logs(boolean(planned, "apply_on_transformed_logs")))?;
        Ok(())
    }

    async fn delete(client: &LogsClient, group: String, name: String) -> Result<(), ProviderError> {
        sent!(client.delete_subscription_filter().log_group_name(group).filter_name(name))?;
        Ok(())
    }
}

/// The provider's resource ID: `cwlsf-` and the hash code of `"<log group name>-"`.
fn resource_id(log_group_name: &str) -> String {
    format!("cwlsf-{}", crc32(format!("{log_group_name}-").as_bytes()))
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
