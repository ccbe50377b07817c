//! `aws_cloudwatch_metric_alarm`: a CloudWatch alarm on one metric, or on a metric math
//! expression (`metric_query` blocks).
//!
//! PutMetricAlarm creates and replaces the whole alarm, so every change but `alarm_name` (which
//! forces a new alarm) is one PutMetricAlarm with the full planned configuration; tags change
//! through TagResource / UntagResource. Refresh is DescribeAlarms with up to 100 `AlarmNames` a
//! call; DescribeAlarms returns no tags, so they come from the Resource Groups Tagging API's
//! GetResources (100 ARNs a call), and ListTagsForResource only for an alarm that answer leaves
//! out. Crash recovery finds the alarm by its name and the managed tags. Import ID: the alarm
//! name.
//!
//! moto does not return a `metric_query`'s `account_id`, so drift on it is not seen in tests.
//!
//! Not supported yet ([`Schema::not_supported`]): PromQL alarms, `evaluation_criteria` and
//! `evaluation_interval`.

use std::collections::BTreeMap;

use aws_sdk_cloudwatch::types::{
    ComparisonOperator, Dimension, Metric, MetricAlarm, MetricDataQuery, MetricStat, StandardUnit,
    Statistic, Tag,
};
use infra_core::{
    Attribute, Block, Check, Nesting, Operation, Pattern, ProviderError, Schema, Type, Value,
};

use crate::app_support::{
    blocks, boolean, deleted_or_missing, int, is_missing, non_empty, number, resource_tag_changes,
    sent, single, string, string_list, strings, text,
};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, ObjectType, Tagged, Updating,
};
use crate::cloudwatch_support::{tagging_tags, UNITS};
use crate::declared::{read, read_block, Declared};
use crate::tagging::ManagedTags;

/// DescribeAlarms takes at most 100 `AlarmNames`.
const NAMES_PER_CALL: usize = 100;

const COMPARISON_OPERATORS: &[&str] = &[
    "GreaterThanOrEqualToThreshold",
    "GreaterThanThreshold",
    "LessThanThreshold",
    "LessThanOrEqualToThreshold",
    "LessThanLowerOrGreaterThanUpperThreshold",
    "LessThanLowerThreshold",
    "GreaterThanUpperThreshold",
];
const STATISTICS: &[&str] = &["SampleCount", "Average", "Sum", "Minimum", "Maximum"];
const MISSING_DATA: &[&str] = &["missing", "ignore", "breaching", "notBreaching"];
const LOW_SAMPLE_COUNT: &[&str] = &["ignore", "evaluate"];

/// What the single-metric arguments conflict with: the provider's `ConflictsWith` on each.
const METRIC_QUERY: &[&str] = &["metric_query"];

/// The provider's pattern for `namespace`, `[^:].*` unanchored: some character is not a colon.
const NAMESPACE: Check = Check::Matches(Pattern {
    expression: "[^:].*",
    test: |namespace| namespace.chars().any(|c| c != ':'),
    message: "must not contain colon characters",
});

/// Why `evaluation_criteria` and `evaluation_interval` are not supported.
const PROMQL: &str = "it belongs to PromQL alarms, which infra does not make";

pub type AwsCloudwatchMetricAlarm = ObjectType<MetricAlarmObject>;

pub struct MetricAlarmObject;

/// Tags as PutMetricAlarm and TagResource take them.
fn sdk_tags(tags: &BTreeMap<String, String>) -> Result<Vec<Tag>, ProviderError> {
    Ok(tags.iter().map(|(k, v)| Tag::builder().key(k).value(v).build()).collect())
}

/// One PutMetricAlarm with the whole configuration (create, and every in-place change).
async fn put(
    this: &AwsCloudwatchMetricAlarm,
    planned: &Value,
    tags: Option<Vec<Tag>>,
) -> Result<(), ProviderError> {
    let client = &this.aws.clients().await.cloudwatch;
    sent!(client
        .put_metric_alarm()
        .alarm_name(string(planned, "alarm_name").unwrap_or_default())
        .comparison_operator(ComparisonOperator::from(
            string(planned, "comparison_operator").unwrap_or_default().as_str(),
        ))
        .set_evaluation_periods(int(planned, "evaluation_periods"))
        .set_metric_name(non_empty(planned, "metric_name"))
        .set_namespace(non_empty(planned, "namespace"))
        .set_period(int(planned, "period"))
        .set_statistic(non_empty(planned, "statistic").map(|s| Statistic::from(s.as_str())))
        .set_extended_statistic(non_empty(planned, "extended_statistic"))
        .set_threshold(planned.get("threshold").as_f64())
        .set_threshold_metric_id(non_empty(planned, "threshold_metric_id"))
        .actions_enabled(boolean(planned, "actions_enabled").unwrap_or(true))
        .set_alarm_actions(Some(strings(planned, "alarm_actions")))
        .set_ok_actions(Some(strings(planned, "ok_actions")))
        .set_insufficient_data_actions(Some(strings(planned, "insufficient_data_actions")))
        .set_alarm_description(non_empty(planned, "alarm_description"))
        .set_datapoints_to_alarm(int(planned, "datapoints_to_alarm"))
        .set_dimensions(Some(dimensions_of(planned.get("dimensions"))))
        .set_unit(non_empty(planned, "unit").map(|u| StandardUnit::from(u.as_str())))
        .set_treat_missing_data(non_empty(planned, "treat_missing_data"))
        .set_evaluate_low_sample_count_percentile(non_empty(
            planned,
            "evaluate_low_sample_count_percentiles",
        ))
        .set_metrics(Some(blocks(planned, "metric_query").iter().map(metric_query_of).collect(),))
        .set_tags(tags))?;
    Ok(())
}

/// A `dimensions` map as CloudWatch dimensions.
fn dimensions_of(value: &Value) -> Vec<Dimension> {
    value
        .as_map()
        .map(|entries| {
            entries
                .iter()
                .filter_map(|(name, v)| {
                    let v = v.as_str()?;
                    Some(Dimension::builder().name(name).value(v).build())
                })
                .collect()
        })
        .unwrap_or_default()
}

fn dimensions_value(dimensions: &[Dimension]) -> Value {
    Value::Map(
        dimensions
            .iter()
            .filter_map(|d| Some((d.name()?.to_string(), Value::string(d.value()?))))
            .collect(),
    )
}

/// One `metric_query` block as a MetricDataQuery.
fn metric_query_of(query: &Value) -> MetricDataQuery {
    let metric_stat = single(query, "metric").map(|metric| {
        MetricStat::builder()
            .metric(
                Metric::builder()
                    .set_metric_name(non_empty(metric, "metric_name"))
                    .set_namespace(non_empty(metric, "namespace"))
                    .set_dimensions(Some(dimensions_of(metric.get("dimensions"))))
                    .build(),
            )
            .set_period(int(metric, "period"))
            .set_stat(non_empty(metric, "stat"))
            .set_unit(non_empty(metric, "unit").map(|u| StandardUnit::from(u.as_str())))
            .build()
    });
    MetricDataQuery::builder()
        .set_id(string(query, "id"))
        .set_account_id(non_empty(query, "account_id"))
        .set_expression(non_empty(query, "expression"))
        .set_label(non_empty(query, "label"))
        .set_period(int(query, "period"))
        .return_data(boolean(query, "return_data").unwrap_or(false))
        .set_metric_stat(metric_stat)
        .build()
}

fn metric_query_value(query: &MetricDataQuery) -> Value {
    let metric = match query.metric_stat() {
        Some(stat) => {
            let metric = stat.metric();
            Value::List(vec![Value::map([
                ("dimensions", dimensions_value(metric.map(|m| m.dimensions()).unwrap_or(&[]))),
                ("metric_name", text(metric.and_then(|m| m.metric_name()))),
                ("namespace", text(metric.and_then(|m| m.namespace()))),
                ("period", number(stat.period().map(i64::from))),
                ("stat", text(stat.stat())),
                ("unit", text(stat.unit().map(|u| u.as_str()))),
            ])])
        }
        None => Value::List(vec![]),
    };
    Value::map([
        ("id", text(query.id())),
        ("account_id", text(query.account_id())),
        ("expression", text(query.expression())),
        ("label", text(query.label())),
        ("period", number(query.period().map(i64::from))),
        ("return_data", Value::Bool(query.return_data().unwrap_or(false))),
        ("metric", metric),
    ])
}

/// An alarm's attribute read by `read` from the SDK's alarm.
fn alarm(attribute: Attribute, read_alarm: fn(&MetricAlarm) -> Value) -> Declared<MetricAlarm> {
    read(attribute, move |alarm: &MetricAlarm, _| read_alarm(alarm))
}

impl AwsObject for MetricAlarmObject {
    type Object = MetricAlarm;
    const NAME: &'static str = "aws_cloudwatch_metric_alarm";
    const KIND: &'static str = "metric alarm";
    const KEY: &'static str = "alarm_name";
    const KEY_OR_ID: bool = true;

    fn attributes() -> Vec<Declared<MetricAlarm>> {
        type A = MetricAlarm;
        let metric = Schema::new()
            .attr(Attribute::optional("dimensions", Type::map(Type::String)))
            .attr(Attribute::required("metric_name", Type::String))
            .attr(Attribute::optional("namespace", Type::String))
            .attr(Attribute::required("period", Type::Number))
            .attr(Attribute::required("stat", Type::String))
            .attr(Attribute::optional("unit", Type::String).check(Check::OneOf(UNITS)));
        let metric_query = Schema::new()
            .attr(Attribute::required("id", Type::String))
            .attr(Attribute::optional("account_id", Type::String))
            .attr(Attribute::optional("expression", Type::String))
            .attr(Attribute::optional("label", Type::String))
            .attr(Attribute::optional("period", Type::Number))
            .attr(Attribute::optional("return_data", Type::Bool).default(Value::Bool(false)))
            .block(Block::single("metric", metric));
        vec![
            alarm(Attribute::computed("id", Type::String), |a: &A| text(a.alarm_name())),
            alarm(Attribute::computed("arn", Type::String), |a: &A| text(a.alarm_arn())),
            alarm(Attribute::required("alarm_name", Type::String).force_new(), |a: &A| {
                text(a.alarm_name())
            }),
            alarm(
                Attribute::required("comparison_operator", Type::String)
                    .check(Check::OneOf(COMPARISON_OPERATORS)),
                |a: &A| text(a.comparison_operator().map(|c| c.as_str())),
            ),
            alarm(Attribute::required("evaluation_periods", Type::Number), |a: &A| {
                number(a.evaluation_periods().map(i64::from))
            }),
            alarm(
                Attribute::optional("metric_name", Type::String)
                    .check(Check::Length(1, 255))
                    .conflicts_with(METRIC_QUERY),
                |a: &A| text(a.metric_name()),
            ),
            alarm(
                Attribute::optional("namespace", Type::String)
                    .check(Check::Length(1, 255))
                    .check(NAMESPACE)
                    .conflicts_with(METRIC_QUERY),
                |a: &A| text(a.namespace()),
            ),
            alarm(
                Attribute::optional("period", Type::Number).conflicts_with(METRIC_QUERY),
                |a: &A| number(a.period().map(i64::from)),
            ),
            alarm(
                Attribute::optional("statistic", Type::String)
                    .check(Check::OneOf(STATISTICS))
                    .conflicts_with(&["extended_statistic", "metric_query"]),
                |a: &A| text(a.statistic().map(|s| s.as_str())),
            ),
            alarm(
                Attribute::optional("extended_statistic", Type::String)
                    .conflicts_with(&["statistic", "metric_query"]),
                |a: &A| text(a.extended_statistic()),
            ),
            alarm(
                Attribute::optional("threshold", Type::Number)
                    .conflicts_with(&["threshold_metric_id"]),
                |a: &A| a.threshold().map(Value::Number).unwrap_or(Value::Null),
            ),
            alarm(
                Attribute::optional("threshold_metric_id", Type::String)
                    .check(Check::Length(1, 255))
                    .conflicts_with(&["threshold"]),
                |a: &A| text(a.threshold_metric_id()),
            ),
            alarm(
                Attribute::optional("actions_enabled", Type::Bool).default(Value::Bool(true)),
                |a: &A| Value::Bool(a.actions_enabled().unwrap_or(true)),
            ),
            alarm(Attribute::optional("alarm_actions", Type::set(Type::String)), |a: &A| {
                string_list(a.alarm_actions())
            }),
            alarm(Attribute::optional("ok_actions", Type::set(Type::String)), |a: &A| {
                string_list(a.ok_actions())
            }),
            alarm(
                Attribute::optional("insufficient_data_actions", Type::set(Type::String)),
                |a: &A| string_list(a.insufficient_data_actions()),
            ),
            alarm(Attribute::optional("alarm_description", Type::String), |a: &A| {
                text(a.alarm_description())
            }),
            alarm(Attribute::optional("datapoints_to_alarm", Type::Number), |a: &A| {
                number(a.datapoints_to_alarm().map(i64::from))
            }),
            alarm(
                Attribute::optional("dimensions", Type::map(Type::String))
                    .conflicts_with(METRIC_QUERY),
                |a: &A| dimensions_value(a.dimensions()),
            ),
            alarm(Attribute::optional("unit", Type::String).check(Check::OneOf(UNITS)), |a: &A| {
                text(a.unit().map(|u| u.as_str()))
            }),
            alarm(
                Attribute::optional("treat_missing_data", Type::String)
                    .default(Value::string("missing"))
                    .check(Check::OneOf(MISSING_DATA)),
                |a: &A| Value::string(a.treat_missing_data().unwrap_or("missing")),
            ),
            alarm(
                Attribute::optional_computed("evaluate_low_sample_count_percentiles", Type::String)
                    .check(Check::OneOf(LOW_SAMPLE_COUNT)),
                |a: &A| text(a.evaluate_low_sample_count_percentile()),
            ),
            read_block(
                Block::set("metric_query", metric_query).conflicts_with(&["metric_name"]),
                |a: &A, _| Value::List(a.metrics().iter().map(metric_query_value).collect()),
            ),
        ]
    }

    fn schema(schema: Schema) -> Schema {
        schema.version(1).not_supported("evaluation_criteria", Nesting::List, PROMQL).not_supported(
            "evaluation_interval",
            Type::Number,
            PROMQL,
        )
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        check(config)
    }

    fn created_key(_operation: &Operation, planned: &Value) -> Option<String> {
        string(planned, "alarm_name")
    }

    /// Metric alarms by exact name, with their tags: DescribeAlarms 100 names a call, tags
    /// through [`tagging_tags`] and ListTagsForResource for the alarms it leaves out.
    async fn describe(this: &ObjectType<Self>, names: &[String]) -> DescribeResult<MetricAlarm> {
        let clients = this.aws.clients().await;
        let mut alarms = Vec::new();
        for chunk in names.chunks(NAMES_PER_CALL) {
            let mut token: Option<String> = None;
            loop {
                let response = sent!(clients
                    .cloudwatch
                    .describe_alarms()
                    .set_alarm_names(Some(chunk.to_vec()))
                    .alarm_types(aws_sdk_cloudwatch::types::AlarmType::MetricAlarm)
                    .max_records(100)
                    .set_next_token(token.clone()))?;
                alarms.extend(response.metric_alarms().iter().cloned());
                match response.next_token().filter(|t| !t.is_empty()) {
                    Some(next) => token = Some(next.to_string()),
                    None => break,
                }
            }
        }
        let arns: Vec<String> =
            alarms.iter().filter_map(|a| a.alarm_arn().map(str::to_string)).collect();
        let mut tags = tagging_tags(clients, &arns).await?;
        let mut out = BTreeMap::new();
        for alarm in alarms {
            let (Some(name), Some(arn)) = (alarm.alarm_name(), alarm.alarm_arn()) else {
                continue;
            };
            let pairs = match tags.remove(arn) {
                Some(pairs) => pairs,
                None => {
                    match sent!(clients.cloudwatch.list_tags_for_resource().resource_arn(arn)) {
                        Ok(response) => response
                            .tags()
                            .iter()
                            .filter_map(|t| Some((t.key()?.to_string(), t.value()?.to_string())))
                            .collect(),
                        // Deleted between the two reads.
                        Err(error) if is_missing(&error) => continue,
                        Err(error) => return Err(error),
                    }
                }
            };
            out.insert(name.to_string(), Tagged { object: alarm.clone(), tags: pairs });
        }
        Ok(out)
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let name = string(at.planned, "alarm_name")
            .ok_or_else(|| ProviderError::new("aws_cloudwatch_metric_alarm needs alarm_name"))?;
        // PutMetricAlarm overwrites an alarm of the same name: refuse, as the provider does.
        if at.this.found(&name).await?.is_some() {
            return Err(ProviderError::with_code(
                "ResourceAlreadyExists",
                format!("CloudWatch metric alarm \"{name}\" already exists"),
            ));
        }
        let tags = sdk_tags(&at.operation.tags_with_managed(at.planned))?;
        put(at.this, at.planned, Some(tags)).await?;
        Ok(name)
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let mut prior_rest = at.prior.clone();
        let mut planned_rest = at.planned.clone();
        for value in [&mut prior_rest, &mut planned_rest] {
            if let Some(map) = value.map_mut() {
                map.remove("tags");
                map.remove("tags_all");
            }
        }
        if prior_rest.to_json() != planned_rest.to_json() {
            // Tags on PutMetricAlarm apply only to a new alarm; existing ones stay.
            put(at.this, at.planned, None).await?;
        }
        let client = &at.this.aws.clients().await.cloudwatch;
        let arn = string(at.prior, "arn").unwrap_or_default();
        resource_tag_changes!(client, resource_arn(&arn), at.prior, at.planned);
        Ok(at.key.to_string())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let client = &at.this.aws.clients().await.cloudwatch;
        deleted_or_missing(sent!(client.delete_alarms().alarm_names(at.key)))
    }
}

/// The provider's plan-time rules its schema cannot declare (its CustomizeDiff's and the
/// period's `validation.Any`); its conflicts are declared.
fn check(config: &Value) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    let set = |key: &str| !config.get(key).is_null();
    let queries = blocks(config, "metric_query");
    if set("metric_name") && set("statistic") == set("extended_statistic") {
        problems.push((
            "statistic".to_string(),
            "One of `statistic` or `extended_statistic` must be set for a cloudwatch metric alarm"
                .to_string(),
        ));
    }
    for (i, query) in queries.iter().enumerate() {
        if non_empty(query, "expression").is_some() && single(query, "metric").is_some() {
            problems.push((
                format!("metric_query[{i}]"),
                "No metric_query may have both `expression` and a `metric` specified".to_string(),
            ));
        }
    }
    if let Some(period) = config.get("period").as_i64() {
        if !valid_period(period, &[10, 20, 30]) {
            problems.push((
                "period".to_string(),
                format!(
                    "expected period to be one of [10 20 30] or a multiple of 60, got {period}"
                ),
            ));
        }
    }
    for (i, query) in queries.iter().enumerate() {
        let periods = [
            (format!("metric_query[{i}].period"), query.get("period")),
            (
                format!("metric_query[{i}].metric[0].period"),
                single(query, "metric").map(|m| m.get("period")).unwrap_or(&Value::Null),
            ),
        ];
        for (path, value) in periods {
            if let Some(period) = value.as_i64() {
                if !valid_period(period, &[1, 5, 10, 20, 30]) {
                    problems.push((
                        path,
                        format!(
                            "expected period to be one of [1 5 10 20 30] or a multiple of 60, got {period}"
                        ),
                    ));
                }
            }
        }
    }
    problems
}

/// A period CloudWatch accepts: one of the high-resolution values, or a multiple of 60.
fn valid_period(period: i64, short: &[i64]) -> bool {
    short.contains(&period) || (period > 0 && period % 60 == 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws_object::value_of;

    /// The alarm as the type reads it back.
    fn to_value(alarm: &MetricAlarm, tags: &[(String, String)]) -> Value {
        let found = Tagged { object: alarm.clone(), tags: tags.to_vec() };
        value_of::<MetricAlarmObject>(&found, &Value::Null)
    }

    fn query(expression: Option<&str>, metric: bool) -> Value {
        let mut entries = vec![("id", Value::string("q"))];
        if let Some(e) = expression {
            entries.push(("expression", Value::string(e)));
        }
        if metric {
            entries.push((
                "metric",
                Value::List(vec![Value::map([
                    ("metric_name", Value::string("CPUUtilization")),
                    ("period", Value::Number(60.0)),
                    ("stat", Value::string("Average")),
                ])]),
            ));
        }
        Value::map(entries)
    }

    #[test]
    fn metric_query_conflicts_with_a_single_metric() {
        let alarm =
            AwsCloudwatchMetricAlarm::new(crate::Aws::new(crate::ProviderSettings::default()));
        let config = Value::map([
            ("alarm_name", Value::string("cpu")),
            ("comparison_operator", Value::string("GreaterThanThreshold")),
            ("evaluation_periods", Value::Number(1.0)),
            ("metric_name", Value::string("CPUUtilization")),
            ("statistic", Value::string("Average")),
            ("metric_query", Value::List(vec![query(None, true)])),
        ]);
        let problems = infra_core::ResourceType::problems(&alarm, &config);
        let messages: Vec<&str> = problems.iter().map(|(_, m)| m.as_str()).collect();
        // As the provider declares them: each single-metric argument with metric_query, and
        // metric_query with metric_name.
        assert_eq!(
            messages,
            [
                "\"metric_name\": conflicts with metric_query",
                "\"statistic\": conflicts with metric_query",
                "\"metric_query\": conflicts with metric_name"
            ]
        );
    }

    #[test]
    fn a_query_has_an_expression_or_a_metric_not_both() {
        let config = Value::map([("metric_query", Value::List(vec![query(Some("m1*2"), true)]))]);
        assert_eq!(check(&config).len(), 1);
        let config = Value::map([(
            "metric_query",
            Value::List(vec![query(Some("m1*2"), false), query(None, true)]),
        )]);
        assert!(check(&config).is_empty());
    }

    #[test]
    fn a_single_metric_needs_exactly_one_statistic() {
        let neither = Value::map([("metric_name", Value::string("m"))]);
        assert_eq!(check(&neither).len(), 1);
        let one = Value::map([
            ("metric_name", Value::string("m")),
            ("extended_statistic", Value::string("p99")),
        ]);
        assert!(check(&one).is_empty());
    }

    #[test]
    fn periods_are_high_resolution_values_or_minutes() {
        assert!(valid_period(60, &[10, 20, 30]));
        assert!(valid_period(10, &[10, 20, 30]));
        assert!(!valid_period(45, &[10, 20, 30]));
        assert!(!valid_period(5, &[10, 20, 30]));
        assert!(valid_period(5, &[1, 5, 10, 20, 30]));
    }

    #[test]
    fn read_back_fills_the_provider_defaults() {
        let alarm = MetricAlarm::builder()
            .alarm_name("a")
            .alarm_arn("arn:aws:cloudwatch:us-east-1:123456789012:alarm:a")
            .threshold(80.0)
            .build();
        let value = to_value(&alarm, &[("infra:address".into(), "x".into())]);
        assert_eq!(value.get("treat_missing_data").as_str(), Some("missing"));
        assert_eq!(value.get("actions_enabled").as_bool(), Some(true));
        assert_eq!(value.get("threshold").as_f64(), Some(80.0));
        assert_eq!(value.get("tags").as_map().map(|m| m.len()), Some(0));
    }
}
