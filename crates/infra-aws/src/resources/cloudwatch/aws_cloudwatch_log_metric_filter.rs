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

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_cloudwatchlogs::types::{MetricFilter, MetricTransformation, StandardUnit};
use infra_core::{
    Attribute, Block, Check, Operation, ProviderError, ResourceType, Schema, Type, Value,
};

use crate::app_support::{boolean, is_missing, non_empty, single, string, text, vanished};
use crate::cloudwatch_support::{
    by_log_group, common_prefix, found_in_log_groups, log_group_and_name, two_part_id, UNITS,
};
use crate::error::aws_error;
use crate::Aws;

pub struct AwsCloudwatchLogMetricFilter {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsCloudwatchLogMetricFilter {
    pub fn new(aws: Arc<Aws>) -> AwsCloudwatchLogMetricFilter {
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
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("name", Type::String).force_new())
            .attr(Attribute::required("log_group_name", Type::String).force_new())
            .attr(Attribute::required("pattern", Type::String))
            .attr(Attribute::optional_computed(
                "apply_on_transformed_logs",
                Type::Bool,
            ))
            .block(Block::single("metric_transformation", transformation).required());
        AwsCloudwatchLogMetricFilter { aws, schema }
    }

    /// The filters found, by `(group, name)`: one DescribeMetricFilters walk per group.
    async fn describe(
        &self,
        keys: &[(String, String)],
    ) -> Result<BTreeMap<(String, String), MetricFilter>, ProviderError> {
        let client = &self.aws.clients().await.logs;
        let mut out = BTreeMap::new();
        for (group, names) in by_log_group(keys) {
            let prefix = common_prefix(&names);
            let mut request = client.describe_metric_filters().log_group_name(&group);
            if !prefix.is_empty() {
                request = request.filter_name_prefix(&prefix);
            }
            let mut pages = request.into_paginator().send();
            while let Some(page) = pages.next().await {
                let page = match page.map_err(aws_error) {
                    Ok(page) => page,
                    Err(error) if is_missing(&error) => break,
                    Err(error) => return Err(error),
                };
                for filter in page.metric_filters() {
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
            ProviderError::new("aws_cloudwatch_log_metric_filter needs a name and group")
        })?;
        let transformation = single(planned, "metric_transformation")
            .map(transformation_of)
            .transpose()?;
        self.aws
            .clients()
            .await
            .logs
            .put_metric_filter()
            .log_group_name(&group)
            .filter_name(&name)
            .filter_pattern(string(planned, "pattern").unwrap_or_default().trim())
            .set_metric_transformations(transformation.map(|t| vec![t]))
            .set_apply_on_transformed_logs(boolean(planned, "apply_on_transformed_logs"))
            .send()
            .await
            .map_err(aws_error)?;
        self.read_one(&group, &name)
            .await?
            .ok_or_else(|| vanished("metric filter", &name))
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
    let dimensions = block
        .get("dimensions")
        .as_map()
        .filter(|m| !m.is_empty())
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        });
    MetricTransformation::builder()
        .set_metric_name(string(block, "name"))
        .set_metric_namespace(string(block, "namespace"))
        .set_metric_value(string(block, "value"))
        .set_default_value(default_value)
        .set_dimensions(dimensions)
        .set_unit(non_empty(block, "unit").map(|u| StandardUnit::from(u.as_str())))
        .build()
        .map_err(|e| ProviderError::new(e.to_string()))
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
                    .map(|d| {
                        d.iter()
                            .map(|(k, v)| (k.clone(), Value::string(v)))
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
        ),
        (
            "unit",
            Value::string(t.unit().map(|u| u.as_str()).unwrap_or("None")),
        ),
    ])
}

fn to_value(group: &str, filter: &MetricFilter) -> Value {
    Value::map([
        ("id", text(filter.filter_name())),
        ("name", text(filter.filter_name())),
        ("log_group_name", Value::string(group)),
        ("pattern", text(Some(filter.filter_pattern().unwrap_or("")))),
        (
            "apply_on_transformed_logs",
            Value::Bool(filter.apply_on_transformed_logs()),
        ),
        (
            "metric_transformation",
            Value::List(
                filter
                    .metric_transformations()
                    .iter()
                    .map(transformation_value)
                    .collect(),
            ),
        ),
    ])
}

/// The provider's plan-time rules for `metric_transformation`.
fn check(config: &Value) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    if let Some(block) = single(config, "metric_transformation") {
        let has_dimensions = block
            .get("dimensions")
            .as_map()
            .is_some_and(|m| !m.is_empty());
        if has_dimensions && !block.get("default_value").is_null() {
            problems.push((
                "metric_transformation[0].default_value".to_string(),
                "\"default_value\" conflicts with \"dimensions\"".to_string(),
            ));
        }
        if block
            .get("dimensions")
            .as_map()
            .is_some_and(|m| m.len() > 3)
        {
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

#[async_trait::async_trait]
impl ResourceType for AwsCloudwatchLogMetricFilter {
    fn name(&self) -> &'static str {
        "aws_cloudwatch_log_metric_filter"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        check(config)
    }

    /// The provider stores the pattern trimmed.
    fn normalize(&self, value: &mut Value) {
        if let Some(map) = value.map_mut() {
            if let Some(Value::String(pattern)) = map.get_mut("pattern") {
                *pattern = pattern.trim().to_string();
            }
        }
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
            .delete_metric_filter()
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

    /// Terraform's import ID: `log_group_name:name`.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        let (group, name) = two_part_id(self.name(), id, ':', "log-group-name:filter-name")?;
        Ok(Value::map([
            ("id", Value::string(&name)),
            ("name", Value::string(name)),
            ("log_group_name", Value::string(group)),
        ]))
    }

    /// Metric filters have no tags: the filter of this group and name is the one the create
    /// wrote (PutMetricFilter on an existing name would have replaced it with the same
    /// configuration).
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
