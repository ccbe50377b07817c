//! `aws_cloudwatch_log_metric_filter`: a metric filter on a CloudWatch Logs group, which turns
//! matching log events into a CloudWatch metric (`metric_transformation`).
//!
//! PutMetricFilter creates and replaces the filter, so `pattern`, `metric_transformation` and
//! `apply_on_transformed_logs` change in place; `name` and `log_group_name` force a new filter.
//! Refresh is one DescribeMetricFilters walk per log group (by the common prefix of the wanted
//! names). Metric filters take no tags: crash recovery finds the filter by its natural key
//! (group and name). The `id` is the filter name; import ID: `log_group_name:name`.
//!
//! moto does not return `apply_on_transformed_logs`, so drift on it is not seen in tests.

use aws_sdk_cloudwatchlogs::types::{MetricFilter, MetricTransformation, StandardUnit};
use aws_sdk_cloudwatchlogs::Client as LogsClient;
use infra_core::{Attribute, Block, Check, ProviderError, Schema, Type, Value};

use crate::app_support::{boolean, non_empty, sent, single, string, text};
use crate::cloudwatch_support::{
    common_prefix, log_group_pages, InLogGroup, LogGroupMember, UNITS,
};
use crate::error::built;

pub type AwsCloudwatchLogMetricFilter = InLogGroup<MetricFilters>;

/// Metric filters as a [`LogGroupMember`].
pub struct MetricFilters;

impl LogGroupMember for MetricFilters {
    type Object = MetricFilter;
    const TYPE_NAME: &'static str = "aws_cloudwatch_log_metric_filter";
    const KIND: &'static str = "metric filter";
    /// PutMetricFilter replaces the filter in place.
    const WRITES_ON_UPDATE: bool = true;
    /// Terraform's import ID: `log_group_name:name`.
    const IMPORT_ID: (char, &'static str) = (':', "log-group-name:filter-name");

    fn schema() -> Schema {
        let transformation = Schema::new()
            .attr(Attribute::required("name", Type::String))
            .attr(Attribute::required("namespace", Type::String))
            .attr(Attribute::required("value", Type::String))
            // The provider keeps a nullable float as a string.
            .attr(Attribute::optional("default_value", Type::String))
            .attr(Attribute::optional("dimensions", Type::map(Type::String)))
            .attr(
                Attribute::optional("unit", Type::String)
                    .default(Value::string("None"))
                    .check(Check::OneOf(UNITS)),
            );
        Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("name", Type::String).force_new())
            .attr(Attribute::required("log_group_name", Type::String).force_new())
            .attr(Attribute::required("pattern", Type::String))
            .attr(Attribute::optional_computed("apply_on_transformed_logs", Type::Bool))
            .block(Block::single("metric_transformation", transformation).required())
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        check(config)
    }

    /// The provider stores the pattern trimmed.
    fn normalize(value: &mut Value) {
        if let Some(map) = value.map_mut() {
            if let Some(Value::String(pattern)) = map.get_mut("pattern") {
                *pattern = pattern.trim().to_string();
            }
        }
    }

    const NAME_OF: fn(&MetricFilter) -> Option<&str> = MetricFilter::filter_name;

    fn to_value(group: &str, filter: &MetricFilter) -> Value {
        Value::map([
            ("id", text(filter.filter_name())),
            ("name", text(filter.filter_name())),
            ("log_group_name", Value::string(group)),
            ("pattern", text(Some(filter.filter_pattern().unwrap_or("")))),
            ("apply_on_transformed_logs", Value::Bool(filter.apply_on_transformed_logs())),
            (
                "metric_transformation",
                Value::List(
                    filter.metric_transformations().iter().map(transformation_value).collect(),
                ),
            ),
        ])
    }

    /// DescribeMetricFilters by the common prefix of the wanted names.
    async fn list(
        client: &LogsClient,
        group: String,
        names: Vec<String>,
    ) -> Result<Vec<MetricFilter>, ProviderError> {
        let prefix = common_prefix(&names);
        let mut request = client.describe_metric_filters().log_group_name(&group);
        if !prefix.is_empty() {
            request = request.filter_name_prefix(&prefix);
        }
        Ok(log_group_pages!(request, metric_filters))
    }

    async fn write(
        client: &LogsClient,
        group: &str,
        name: &str,
        planned: &Value,
    ) -> Result<(), ProviderError> {
        let transformation =
            single(planned, "metric_transformation").map(transformation_of).transpose()?;
        sent!(client
            .put_metric_filter()
            .log_group_name(group)
            .filter_name(name)
            .filter_pattern(string(planned, "pattern").unwrap_or_default().trim())
            .set_metric_transformations(transformation.map(|t| vec![t]))
            .set_apply_on_transformed_logs(boolean(planned, "apply_on_transformed_logs")))?;
        Ok(())
    }

    async fn delete(client: &LogsClient, group: String, name: String) -> Result<(), ProviderError> {
        sent!(client.delete_metric_filter().log_group_name(group).filter_name(name))?;
        Ok(())
    }
}

fn transformation_of(block: &Value) -> Result<MetricTransformation, ProviderError> {
    let default_value = match non_empty(block, "default_value") {
        Some(text) => Some(text.trim().parse::<f64>().map_err(|_| {
            ProviderError::new(format!(
                "metric_transformation.default_value: \"{text}\" is not a number"
            ))
        })?),
        None => None,
    };
    let dimensions = block.get("dimensions").as_map().filter(|m| !m.is_empty()).map(|m| {
        m.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect()
    });
    built(
        MetricTransformation::builder()
            .set_metric_name(string(block, "name"))
            .set_metric_namespace(string(block, "namespace"))
            .set_metric_value(string(block, "value"))
            .set_default_value(default_value)
            .set_dimensions(dimensions)
            .set_unit(non_empty(block, "unit").map(|u| StandardUnit::from(u.as_str())))
            .build(),
    )
}

fn transformation_value(t: &MetricTransformation) -> Value {
    Value::map([
        ("name", Value::string(t.metric_name())),
        ("namespace", Value::string(t.metric_namespace())),
        ("value", Value::string(t.metric_value())),
        (
            "default_value",
            t.default_value()
                .map(|v| Value::string(infra_core::value::format_number(v)))
                .unwrap_or(Value::Null),
        ),
        (
            "dimensions",
            Value::Map(
                t.dimensions()
                    .map(|d| d.iter().map(|(k, v)| (k.clone(), Value::string(v))).collect())
                    .unwrap_or_default(),
            ),
        ),
        ("unit", Value::string(t.unit().map(|u| u.as_str()).unwrap_or("None"))),
    ])
}

/// The provider's plan-time rules for `metric_transformation`.
fn check(config: &Value) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    if let Some(block) = single(config, "metric_transformation") {
        let has_dimensions = block.get("dimensions").as_map().is_some_and(|m| !m.is_empty());
        if has_dimensions && !block.get("default_value").is_null() {
            problems.push((
                "metric_transformation[0].default_value".to_string(),
                "\"default_value\" conflicts with \"dimensions\"".to_string(),
            ));
        }
        if block.get("dimensions").as_map().is_some_and(|m| m.len() > 3) {
            problems.push((
                "metric_transformation[0].dimensions".to_string(),
                "up to 3 dimensions are allowed".to_string(),
            ));
        }
        if let Some(text) = block.get("default_value").as_str() {
            if !text.is_empty() && text.trim().parse::<f64>().is_err() {
                problems.push((
                    "metric_transformation[0].default_value".to_string(),
                    format!("\"{text}\" is not a number"),
                ));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_value_conflicts_with_dimensions() {
        let config = Value::map([(
            "metric_transformation",
            Value::List(vec![Value::map([
                ("default_value", Value::string("0")),
                ("dimensions", Value::map([("a", Value::string("$.a"))])),
            ])]),
        )]);
        assert_eq!(check(&config).len(), 1);
    }

    #[test]
    fn read_back_keeps_the_default_value_as_text() {
        let t = MetricTransformation::builder()
            .metric_name("Errors")
            .metric_namespace("App")
            .metric_value("1")
            .default_value(0.0)
            .build()
            .unwrap();
        let value = transformation_value(&t);
        assert_eq!(value.get("default_value").as_str(), Some("0"));
        assert_eq!(value.get("unit").as_str(), Some("None"));
    }
}
