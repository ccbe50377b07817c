//! `aws_appautoscaling_policy`: a scaling policy of an Application Auto Scaling target, either
//! step scaling (`step_scaling_policy_configuration`, driven by CloudWatch alarms), target
//! tracking (`target_tracking_scaling_policy_configuration`, on a predefined metric or a
//! customized one, itself a single metric or metric math over `metrics`) or predictive scaling
//! (`predictive_scaling_policy_configuration`, ECS services only: a target value over a
//! predefined metric pair, or a scaling and a load metric, predefined or customized as metric
//! data queries, plus an optional customized capacity metric; `mode` ForecastOnly or
//! ForecastAndScale).
//!
//! PutScalingPolicy creates and replaces the policy, so `policy_type` and the three
//! configurations change in place; the name, namespace, resource and dimension force a new
//! policy. Refresh is one DescribeScalingPolicies per service namespace, with up to 50 policy
//! names a call. Policies take no tags: crash recovery finds the policy by its natural key.
//! The `id` is the policy name; import ID:
//! `service-namespace/resource-id/scalable-dimension/policy-name` (a DynamoDB resource ID holds
//! slashes: `table/NAME` or `table/NAME/index/INDEX`).
//!
//! As in the provider, a predictive `target_value` is kept as a string (a float's shortest
//! text), and `mode` and `scheduling_buffer_time` are optional and computed: left out, they
//! keep what AWS reports (its defaults are ForecastOnly and 300 seconds).
//!
//! On an ECS service that infra deploys blue/green, the policy is put on the live colour's
//! service and follows it (see the module's documentation).
//!
//! moto holds every argument; drift on them is seen in tests. moto 5.2.5 refuses the
//! PredictiveScaling policy type; tests/support/moto_appautoscaling.py makes it accept, keep and
//! report the predictive configuration (its `Mode` defaulting to ForecastOnly; it fills no
//! `SchedulingBufferTime`).

use aws_sdk_applicationautoscaling::types::{
    AdjustmentType, CustomizedMetricSpecification, MetricAggregationType, MetricDimension,
    MetricStatistic, MetricType, PolicyType, PredefinedMetricSpecification,
    PredictiveScalingCustomizedMetricSpecification, PredictiveScalingMaxCapacityBreachBehavior,
    PredictiveScalingMetric, PredictiveScalingMetricDataQuery, PredictiveScalingMetricDimension,
    PredictiveScalingMetricSpecification, PredictiveScalingMetricStat, PredictiveScalingMode,
    PredictiveScalingPolicyConfiguration, PredictiveScalingPredefinedLoadMetricSpecification,
    PredictiveScalingPredefinedMetricPairSpecification,
    PredictiveScalingPredefinedScalingMetricSpecification, ScalingPolicy, ServiceNamespace,
    StepAdjustment, StepScalingPolicyConfiguration, TargetTrackingMetric,
    TargetTrackingMetricDataQuery, TargetTrackingMetricDimension, TargetTrackingMetricStat,
    TargetTrackingScalingPolicyConfiguration,
};
use infra_core::{Attribute, Block, Check, ProviderError, Schema, Type, Value};

use super::{on_key_target, Key, Keyed, KeyedScaling};
use crate::app_support::{
    blocks, boolean, int, non_empty, number, sent, single, string, string_list, text,
};
use crate::error::built;
use crate::paginated::all_items;

/// What a customized metric's single-metric arguments conflict with: the provider's
/// `ConflictsWith` on each.
const METRICS: &[&str] =
    &["target_tracking_scaling_policy_configuration.0.customized_metric_specification.0.metrics"];
const STATISTICS: &[&str] = &["Average", "Minimum", "Maximum", "SampleCount", "Sum"];

/// The predictive configuration's metric blocks that name a predefined metric.
const PREDEFINED_METRICS: [&str; 3] = [
    "predefined_load_metric_specification",
    "predefined_metric_pair_specification",
    "predefined_scaling_metric_specification",
];

/// The predictive configuration's metric blocks of metric data queries.
const CUSTOMIZED_METRICS: [&str; 3] = [
    "customized_capacity_metric_specification",
    "customized_load_metric_specification",
    "customized_scaling_metric_specification",
];

pub type AwsAppautoscalingPolicy = KeyedScaling<Policies>;

pub struct Policies;

fn dimension_schema() -> Schema {
    Schema::new()
        .attr(Attribute::required("name", Type::String))
        .attr(Attribute::required("value", Type::String))
}

/// `predictive_scaling_policy_configuration`, as the provider's schema has it.
fn predictive_schema() -> Schema {
    let metric = Schema::new()
        .attr(Attribute::optional("metric_name", Type::String))
        .attr(Attribute::optional("namespace", Type::String))
        .block(Block::set("dimension", dimension_schema()));
    let metric_stat = Schema::new()
        .attr(Attribute::required("stat", Type::String))
        .attr(Attribute::optional("unit", Type::String))
        .block(Block::single("metric", metric).required());
    let query = Schema::new()
        .attr(Attribute::required("id", Type::String))
        .attr(Attribute::optional("expression", Type::String).check(Check::Length(1, 2048)))
        .attr(Attribute::optional("label", Type::String))
        .attr(Attribute::optional("return_data", Type::Bool))
        .block(Block::single("metric_stat", metric_stat));
    let customized = Schema::new().block(Block::list("metric_data_query", query).required());
    let predefined = Schema::new()
        .attr(
            Attribute::required("predefined_metric_type", Type::String)
                .check(Check::Length(1, 128)),
        )
        .attr(Attribute::optional("resource_label", Type::String).check(Check::Length(1, 1023)));
    // The provider's nullable float: a number kept as its text.
    let mut specification = Schema::new().attr(Attribute::required("target_value", Type::String));
    for name in PREDEFINED_METRICS {
        specification = specification.block(Block::single(name, predefined.clone()));
    }
    for name in CUSTOMIZED_METRICS {
        specification = specification.block(Block::single(name, customized.clone()));
    }
    Schema::new()
        .attr(
            Attribute::optional("max_capacity_breach_behavior", Type::String)
                .check(Check::OneOf(&["HonorMaxCapacity", "IncreaseMaxCapacity"])),
        )
        .attr(Attribute::optional("max_capacity_buffer", Type::Number).check(Check::Range(0, 100)))
        .attr(
            Attribute::optional_computed("mode", Type::String)
                .check(Check::OneOf(&["ForecastAndScale", "ForecastOnly"])),
        )
        .attr(
            Attribute::optional_computed("scheduling_buffer_time", Type::Number)
                .check(Check::Range(0, 3600)),
        )
        .block(Block::list("metric_specification", specification).required())
}

fn schema() -> Schema {
    let step_adjustment = Schema::new()
        // The provider keeps the bounds as strings, so that 0 differs from unset.
        .attr(Attribute::optional("metric_interval_lower_bound", Type::String))
        .attr(Attribute::optional("metric_interval_upper_bound", Type::String))
        .attr(Attribute::required("scaling_adjustment", Type::Number));
    let step = Schema::new()
        .attr(Attribute::optional("adjustment_type", Type::String).check(Check::OneOf(&[
            "ChangeInCapacity",
            "ExactCapacity",
            "PercentChangeInCapacity",
        ])))
        .attr(Attribute::optional("cooldown", Type::Number))
        .attr(
            Attribute::optional("metric_aggregation_type", Type::String)
                .check(Check::OneOf(&["Average", "Minimum", "Maximum"])),
        )
        .attr(Attribute::optional("min_adjustment_magnitude", Type::Number))
        .block(Block::set("step_adjustment", step_adjustment));
    let metric = Schema::new()
        .attr(Attribute::required("metric_name", Type::String))
        .attr(Attribute::required("namespace", Type::String))
        .block(Block::set("dimensions", dimension_schema()));
    let metric_stat = Schema::new()
        .attr(Attribute::required("stat", Type::String))
        .attr(Attribute::optional("unit", Type::String))
        .block(Block::single("metric", metric).required());
    let metrics = Schema::new()
        .attr(Attribute::required("id", Type::String))
        .attr(Attribute::optional("expression", Type::String))
        .attr(Attribute::optional("label", Type::String))
        .attr(Attribute::optional("return_data", Type::Bool))
        .block(Block::single("metric_stat", metric_stat));
    let customized = Schema::new()
        .attr(Attribute::optional("metric_name", Type::String).conflicts_with(METRICS))
        .attr(Attribute::optional("namespace", Type::String).conflicts_with(METRICS))
        .attr(
            Attribute::optional("statistic", Type::String)
                .check(Check::OneOf(STATISTICS))
                .conflicts_with(METRICS),
        )
        .attr(Attribute::optional("unit", Type::String).conflicts_with(METRICS))
        .block(Block::set("dimensions", dimension_schema()).conflicts_with(METRICS))
        .block(Block::set("metrics", metrics).conflicts_with(&[
            "target_tracking_scaling_policy_configuration.0.customized_metric_specification.0.dimensions",
            "target_tracking_scaling_policy_configuration.0.customized_metric_specification.0.metric_name",
            "target_tracking_scaling_policy_configuration.0.customized_metric_specification.0.namespace",
            "target_tracking_scaling_policy_configuration.0.customized_metric_specification.0.statistic",
            "target_tracking_scaling_policy_configuration.0.customized_metric_specification.0.unit",
        ]));
    let predefined = Schema::new()
        .attr(Attribute::required("predefined_metric_type", Type::String))
        .attr(Attribute::optional("resource_label", Type::String));
    let target_tracking = Schema::new()
        .attr(Attribute::required("target_value", Type::Number))
        .attr(Attribute::optional("disable_scale_in", Type::Bool).default(Value::Bool(false)))
        .attr(Attribute::optional("scale_in_cooldown", Type::Number))
        .attr(Attribute::optional("scale_out_cooldown", Type::Number))
        .block(Block::single("customized_metric_specification", customized).conflicts_with(&[
            "target_tracking_scaling_policy_configuration.0.predefined_metric_specification",
        ]))
        .block(Block::single("predefined_metric_specification", predefined).conflicts_with(&[
            "target_tracking_scaling_policy_configuration.0.customized_metric_specification",
        ]));
    Schema::new()
        .attr(Attribute::computed("id", Type::String))
        .attr(Attribute::computed("arn", Type::String))
        .attr(Attribute::computed("alarm_arns", Type::list(Type::String)))
        .attr(Attribute::required("name", Type::String).force_new())
        .attr(Attribute::required("service_namespace", Type::String).force_new())
        .attr(Attribute::required("resource_id", Type::String).force_new())
        .attr(Attribute::required("scalable_dimension", Type::String).force_new())
        .attr(
            Attribute::optional("policy_type", Type::String)
                .default(Value::string("StepScaling"))
                .check(Check::OneOf(&[
                    "PredictiveScaling",
                    "StepScaling",
                    "TargetTrackingScaling",
                ])),
        )
        .block(Block::single("predictive_scaling_policy_configuration", predictive_schema()))
        .block(Block::single("step_scaling_policy_configuration", step))
        .block(Block::single("target_tracking_scaling_policy_configuration", target_tracking))
}

/// A bound kept as a string (`"0"`), as a number.
fn bound(block: &Value, key: &str) -> Result<Option<f64>, ProviderError> {
    match non_empty(block, key) {
        Some(text) => text.trim().parse().map(Some).map_err(|_| {
            ProviderError::new(format!(
                "{key} must be a float value represented as a string, got \"{text}\""
            ))
        }),
        None => Ok(None),
    }
}

fn step_of(block: &Value) -> Result<StepScalingPolicyConfiguration, ProviderError> {
    let adjustments = blocks(block, "step_adjustment")
        .iter()
        .map(|a| {
            built(
                StepAdjustment::builder()
                    .set_metric_interval_lower_bound(bound(a, "metric_interval_lower_bound")?)
                    .set_metric_interval_upper_bound(bound(a, "metric_interval_upper_bound")?)
                    .set_scaling_adjustment(int(a, "scaling_adjustment"))
                    .build(),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(StepScalingPolicyConfiguration::builder()
        .set_adjustment_type(
            non_empty(block, "adjustment_type").map(|t| AdjustmentType::from(t.as_str())),
        )
        .set_cooldown(int(block, "cooldown"))
        .set_metric_aggregation_type(
            non_empty(block, "metric_aggregation_type")
                .map(|t| MetricAggregationType::from(t.as_str())),
        )
        .set_min_adjustment_magnitude(int(block, "min_adjustment_magnitude"))
        .set_step_adjustments((!adjustments.is_empty()).then_some(adjustments))
        .build())
}

fn tracking_of(block: &Value) -> Result<TargetTrackingScalingPolicyConfiguration, ProviderError> {
    let predefined = single(block, "predefined_metric_specification")
        .map(|p| {
            built(
                PredefinedMetricSpecification::builder()
                    .set_predefined_metric_type(
                        string(p, "predefined_metric_type").map(|t| MetricType::from(t.as_str())),
                    )
                    .set_resource_label(non_empty(p, "resource_label"))
                    .build(),
            )
        })
        .transpose()?;
    let customized =
        single(block, "customized_metric_specification").map(customized_of).transpose()?;
    built(
        TargetTrackingScalingPolicyConfiguration::builder()
            .set_target_value(block.get("target_value").as_f64())
            .set_disable_scale_in(boolean(block, "disable_scale_in"))
            .set_scale_in_cooldown(int(block, "scale_in_cooldown"))
            .set_scale_out_cooldown(int(block, "scale_out_cooldown"))
            .set_predefined_metric_specification(predefined)
            .set_customized_metric_specification(customized)
            .build(),
    )
}

fn customized_of(block: &Value) -> Result<CustomizedMetricSpecification, ProviderError> {
    let dimensions = blocks(block, "dimensions")
        .iter()
        .map(|d| {
            built(
                MetricDimension::builder()
                    .set_name(string(d, "name"))
                    .set_value(string(d, "value"))
                    .build(),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let metrics = blocks(block, "metrics").iter().map(query_of).collect::<Result<Vec<_>, _>>()?;
    Ok(CustomizedMetricSpecification::builder()
        .set_metric_name(non_empty(block, "metric_name"))
        .set_namespace(non_empty(block, "namespace"))
        .set_statistic(non_empty(block, "statistic").map(|s| MetricStatistic::from(s.as_str())))
        .set_unit(non_empty(block, "unit"))
        .set_dimensions((!dimensions.is_empty()).then_some(dimensions))
        .set_metrics((!metrics.is_empty()).then_some(metrics))
        .build())
}

/// Builds a metric data query (target tracking's or predictive scaling's: the same block and
/// request shape in different SDK types) from its configuration block; `$dimensions` is the
/// provider's name of the dimension blocks in each (`dimensions`, `dimension`).
macro_rules! metric_data_query_of {
    ($query:expr, $dimensions:literal, $Query:ident, $Stat:ident, $Metric:ident, $Dimension:ident) => {{
        let query: &Value = $query;
        let stat = single(query, "metric_stat")
            .map(|s| {
                let metric = single(s, "metric")
                    .map(|m| {
                        let dimensions = blocks(m, $dimensions)
                            .iter()
                            .map(|d| {
                                built(
                                    $Dimension::builder()
                                        .set_name(string(d, "name"))
                                        .set_value(string(d, "value"))
                                        .build(),
                                )
                            })
                            .collect::<Result<Vec<_>, _>>()?;
                        Ok::<_, ProviderError>(
                            $Metric::builder()
                                .set_metric_name(non_empty(m, "metric_name"))
                                .set_namespace(non_empty(m, "namespace"))
                                .set_dimensions((!dimensions.is_empty()).then_some(dimensions))
                                .build(),
                        )
                    })
                    .transpose()?;
                built(
                    $Stat::builder()
                        .set_metric(metric)
                        .set_stat(string(s, "stat"))
                        .set_unit(non_empty(s, "unit"))
                        .build(),
                )
            })
            .transpose()?;
        built(
            $Query::builder()
                .set_id(string(query, "id"))
                .set_expression(non_empty(query, "expression"))
                .set_label(non_empty(query, "label"))
                .set_return_data(boolean(query, "return_data"))
                .set_metric_stat(stat)
                .build(),
        )
    }};
}

fn query_of(query: &Value) -> Result<TargetTrackingMetricDataQuery, ProviderError> {
    metric_data_query_of!(
        query,
        "dimensions",
        TargetTrackingMetricDataQuery,
        TargetTrackingMetricStat,
        TargetTrackingMetric,
        TargetTrackingMetricDimension
    )
}

/// A predictive metric specification's `target_value` (a float kept as text), as a number.
fn target_value(specification: &Value) -> Result<Option<f64>, ProviderError> {
    match string(specification, "target_value") {
        Some(text) => text.trim().parse().map(Some).map_err(|_| {
            ProviderError::new(format!("target_value: cannot parse '{text}' as float"))
        }),
        None => Ok(None),
    }
}

fn predictive_of(block: &Value) -> Result<PredictiveScalingPolicyConfiguration, ProviderError> {
    let specifications = blocks(block, "metric_specification")
        .iter()
        .map(predictive_specification_of)
        .collect::<Result<Vec<_>, _>>()?;
    built(
        PredictiveScalingPolicyConfiguration::builder()
            .set_metric_specifications(Some(specifications))
            .set_mode(non_empty(block, "mode").map(|m| PredictiveScalingMode::from(m.as_str())))
            .set_scheduling_buffer_time(int(block, "scheduling_buffer_time"))
            .set_max_capacity_breach_behavior(
                non_empty(block, "max_capacity_breach_behavior")
                    .map(|b| PredictiveScalingMaxCapacityBreachBehavior::from(b.as_str())),
            )
            .set_max_capacity_buffer(int(block, "max_capacity_buffer"))
            .build(),
    )
}

fn predictive_specification_of(
    specification: &Value,
) -> Result<PredictiveScalingMetricSpecification, ProviderError> {
    let customized =
        |key: &str| single(specification, key).map(predictive_customized_of).transpose();
    let pair = single(specification, "predefined_metric_pair_specification")
        .map(|p| {
            built(
                PredictiveScalingPredefinedMetricPairSpecification::builder()
                    .set_predefined_metric_type(string(p, "predefined_metric_type"))
                    .set_resource_label(non_empty(p, "resource_label"))
                    .build(),
            )
        })
        .transpose()?;
    let scaling = single(specification, "predefined_scaling_metric_specification")
        .map(|p| {
            built(
                PredictiveScalingPredefinedScalingMetricSpecification::builder()
                    .set_predefined_metric_type(string(p, "predefined_metric_type"))
                    .set_resource_label(non_empty(p, "resource_label"))
                    .build(),
            )
        })
        .transpose()?;
    let load = single(specification, "predefined_load_metric_specification")
        .map(|p| {
            built(
                PredictiveScalingPredefinedLoadMetricSpecification::builder()
                    .set_predefined_metric_type(string(p, "predefined_metric_type"))
                    .set_resource_label(non_empty(p, "resource_label"))
                    .build(),
            )
        })
        .transpose()?;
    built(
        PredictiveScalingMetricSpecification::builder()
            .set_target_value(target_value(specification)?)
            .set_predefined_metric_pair_specification(pair)
            .set_predefined_scaling_metric_specification(scaling)
            .set_predefined_load_metric_specification(load)
            .set_customized_scaling_metric_specification(customized(
                "customized_scaling_metric_specification",
            )?)
            .set_customized_load_metric_specification(customized(
                "customized_load_metric_specification",
            )?)
            .set_customized_capacity_metric_specification(customized(
                "customized_capacity_metric_specification",
            )?)
            .build(),
    )
}

fn predictive_customized_of(
    block: &Value,
) -> Result<PredictiveScalingCustomizedMetricSpecification, ProviderError> {
    let queries = blocks(block, "metric_data_query")
        .iter()
        .map(predictive_query_of)
        .collect::<Result<Vec<_>, _>>()?;
    built(
        PredictiveScalingCustomizedMetricSpecification::builder()
            .set_metric_data_queries(Some(queries))
            .build(),
    )
}

fn predictive_query_of(query: &Value) -> Result<PredictiveScalingMetricDataQuery, ProviderError> {
    metric_data_query_of!(
        query,
        "dimension",
        PredictiveScalingMetricDataQuery,
        PredictiveScalingMetricStat,
        PredictiveScalingMetric,
        PredictiveScalingMetricDimension
    )
}

/// A bound as the provider stores it: the number's shortest text, or null.
fn bound_value(bound: Option<f64>) -> Value {
    bound.map(|b| Value::string(infra_core::value::format_number(b))).unwrap_or(Value::Null)
}

fn dimensions_value<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Value {
    Value::List(
        pairs
            .map(|(name, value)| {
                Value::map([("name", Value::string(name)), ("value", Value::string(value))])
            })
            .collect(),
    )
}

fn step_value(step: &StepScalingPolicyConfiguration) -> Value {
    Value::map([
        ("adjustment_type", text(step.adjustment_type().map(|t| t.as_str()))),
        ("cooldown", number(step.cooldown().map(i64::from))),
        ("metric_aggregation_type", text(step.metric_aggregation_type().map(|t| t.as_str()))),
        ("min_adjustment_magnitude", number(step.min_adjustment_magnitude().map(i64::from))),
        (
            "step_adjustment",
            Value::List(
                step.step_adjustments()
                    .iter()
                    .map(|a| {
                        Value::map([
                            (
                                "metric_interval_lower_bound",
                                bound_value(a.metric_interval_lower_bound()),
                            ),
                            (
                                "metric_interval_upper_bound",
                                bound_value(a.metric_interval_upper_bound()),
                            ),
                            (
                                "scaling_adjustment",
                                Value::Number(f64::from(a.scaling_adjustment())),
                            ),
                        ])
                    })
                    .collect(),
            ),
        ),
    ])
}

/// A metric data query as the provider stores it (target tracking's or predictive scaling's:
/// the same block in different SDK types); `$dimensions` is the provider's name of its
/// dimension blocks (`dimensions`, `dimension`).
macro_rules! metric_data_query_value {
    ($query:expr, $dimensions:literal) => {{
        let query = $query;
        let stat = query.metric_stat().map(|s| {
            let metric = s.metric().map(|m| {
                Value::map([
                    ("metric_name", text(m.metric_name())),
                    ("namespace", text(m.namespace())),
                    (
                        $dimensions,
                        dimensions_value(m.dimensions().iter().map(|d| (d.name(), d.value()))),
                    ),
                ])
            });
            Value::map([
                ("stat", Value::string(s.stat())),
                ("unit", text(s.unit())),
                ("metric", Value::List(metric.into_iter().collect())),
            ])
        });
        Value::map([
            ("id", Value::string(query.id())),
            ("expression", text(query.expression())),
            ("label", text(query.label())),
            ("return_data", query.return_data().map(Value::Bool).unwrap_or(Value::Null)),
            ("metric_stat", Value::List(stat.into_iter().collect())),
        ])
    }};
}

fn query_value(query: &TargetTrackingMetricDataQuery) -> Value {
    metric_data_query_value!(query, "dimensions")
}

fn tracking_value(tracking: &TargetTrackingScalingPolicyConfiguration) -> Value {
    let predefined = tracking
        .predefined_metric_specification()
        .map(|p| {
            vec![Value::map([
                ("predefined_metric_type", Value::string(p.predefined_metric_type().as_str())),
                ("resource_label", text(p.resource_label())),
            ])]
        })
        .unwrap_or_default();
    let customized = tracking
        .customized_metric_specification()
        .map(|c| {
            vec![Value::map([
                ("metric_name", text(c.metric_name())),
                ("namespace", text(c.namespace())),
                ("statistic", text(c.statistic().map(|s| s.as_str()))),
                ("unit", text(c.unit())),
                (
                    "dimensions",
                    dimensions_value(c.dimensions().iter().map(|d| (d.name(), d.value()))),
                ),
                ("metrics", Value::List(c.metrics().iter().map(query_value).collect())),
            ])]
        })
        .unwrap_or_default();
    Value::map([
        ("target_value", Value::Number(tracking.target_value())),
        ("disable_scale_in", Value::Bool(tracking.disable_scale_in().unwrap_or(false))),
        ("scale_in_cooldown", number(tracking.scale_in_cooldown().map(i64::from))),
        ("scale_out_cooldown", number(tracking.scale_out_cooldown().map(i64::from))),
        ("predefined_metric_specification", Value::List(predefined)),
        ("customized_metric_specification", Value::List(customized)),
    ])
}

/// A predefined predictive metric block: one object, or none.
fn predefined_value(metric: Option<(&str, Option<&str>)>) -> Value {
    Value::List(
        metric
            .map(|(metric_type, label)| {
                Value::map([
                    ("predefined_metric_type", Value::string(metric_type)),
                    ("resource_label", text(label)),
                ])
            })
            .into_iter()
            .collect(),
    )
}

fn predictive_query_value(query: &PredictiveScalingMetricDataQuery) -> Value {
    metric_data_query_value!(query, "dimension")
}

/// A customized predictive metric block: one object of metric data queries, or none.
fn predictive_customized_value(
    customized: Option<&PredictiveScalingCustomizedMetricSpecification>,
) -> Value {
    Value::List(
        customized
            .map(|c| {
                Value::map([(
                    "metric_data_query",
                    Value::List(
                        c.metric_data_queries().iter().map(predictive_query_value).collect(),
                    ),
                )])
            })
            .into_iter()
            .collect(),
    )
}

fn predictive_specification_value(specification: &PredictiveScalingMetricSpecification) -> Value {
    Value::map([
        (
            "target_value",
            Value::string(infra_core::value::format_number(specification.target_value())),
        ),
        (
            "predefined_metric_pair_specification",
            predefined_value(
                specification
                    .predefined_metric_pair_specification()
                    .map(|p| (p.predefined_metric_type(), p.resource_label())),
            ),
        ),
        (
            "predefined_scaling_metric_specification",
            predefined_value(
                specification
                    .predefined_scaling_metric_specification()
                    .map(|p| (p.predefined_metric_type(), p.resource_label())),
            ),
        ),
        (
            "predefined_load_metric_specification",
            predefined_value(
                specification
                    .predefined_load_metric_specification()
                    .map(|p| (p.predefined_metric_type(), p.resource_label())),
            ),
        ),
        (
            "customized_scaling_metric_specification",
            predictive_customized_value(specification.customized_scaling_metric_specification()),
        ),
        (
            "customized_load_metric_specification",
            predictive_customized_value(specification.customized_load_metric_specification()),
        ),
        (
            "customized_capacity_metric_specification",
            predictive_customized_value(specification.customized_capacity_metric_specification()),
        ),
    ])
}

fn predictive_value(predictive: &PredictiveScalingPolicyConfiguration) -> Value {
    Value::map([
        (
            "max_capacity_breach_behavior",
            text(predictive.max_capacity_breach_behavior().map(|b| b.as_str())),
        ),
        ("max_capacity_buffer", number(predictive.max_capacity_buffer().map(i64::from))),
        ("mode", text(predictive.mode().map(|m| m.as_str()))),
        ("scheduling_buffer_time", number(predictive.scheduling_buffer_time().map(i64::from))),
        (
            "metric_specification",
            Value::List(
                predictive
                    .metric_specifications()
                    .iter()
                    .map(predictive_specification_value)
                    .collect(),
            ),
        ),
    ])
}

fn to_value(policy: &ScalingPolicy) -> Value {
    Value::map([
        ("id", Value::string(policy.policy_name())),
        ("arn", Value::string(policy.policy_arn())),
        ("alarm_arns", string_list(policy.alarms().iter().map(|a| a.alarm_arn()))),
        ("name", Value::string(policy.policy_name())),
        ("service_namespace", Value::string(policy.service_namespace().as_str())),
        ("resource_id", Value::string(policy.resource_id())),
        ("scalable_dimension", Value::string(policy.scalable_dimension().as_str())),
        ("policy_type", Value::string(policy.policy_type().as_str())),
        (
            "predictive_scaling_policy_configuration",
            Value::List(
                policy
                    .predictive_scaling_policy_configuration()
                    .map(predictive_value)
                    .into_iter()
                    .collect(),
            ),
        ),
        (
            "step_scaling_policy_configuration",
            Value::List(
                policy.step_scaling_policy_configuration().map(step_value).into_iter().collect(),
            ),
        ),
        (
            "target_tracking_scaling_policy_configuration",
            Value::List(
                policy
                    .target_tracking_scaling_policy_configuration()
                    .map(tracking_value)
                    .into_iter()
                    .collect(),
            ),
        ),
    ])
}

/// Splits the provider's import ID `service-namespace/resource-id/scalable-dimension/name`.
/// The resource ID holds slashes; a DynamoDB one is `table/NAME` or `table/NAME/index/INDEX`,
/// and the policy name is all after its dimension.
fn split_import_id(id: &str) -> Result<Key, ProviderError> {
    let invalid = || {
        ProviderError::new(format!(
            "unexpected format ({id:?}), expected <service-namespace>/<resource-id>/<scalable-dimension>/<policy-name>"
        ))
    };
    let parts: Vec<&str> = id.split('/').collect();
    if parts.len() < 4 {
        return Err(invalid());
    }
    let (namespace, resource, dimension, name) = if parts[0] == "dynamodb" {
        let dimension_at = if parts[3] == "index" { 5 } else { 3 };
        if parts.len() <= dimension_at + 1 {
            return Err(invalid());
        }
        (
            parts[0].to_string(),
            parts[1..dimension_at].join("/"),
            parts[dimension_at].to_string(),
            parts[dimension_at + 1..].join("/"),
        )
    } else {
        let n = parts.len();
        (
            parts[0].to_string(),
            parts[1..n - 2].join("/"),
            parts[n - 2].to_string(),
            parts[n - 1].to_string(),
        )
    };
    if [&namespace, &resource, &dimension, &name].iter().any(|p| p.is_empty()) {
        return Err(invalid());
    }
    Ok((name, namespace, resource, dimension))
}

/// The provider's plan-time rules across the configuration blocks that its schema does not
/// declare (the target tracking metric's conflicts are declared).
fn check(config: &Value) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    if let Some(predictive) = single(config, "predictive_scaling_policy_configuration") {
        check_predictive(predictive, &mut problems);
    }
    for (i, adjustment) in single(config, "step_scaling_policy_configuration")
        .map(|s| blocks(s, "step_adjustment"))
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        for key in ["metric_interval_lower_bound", "metric_interval_upper_bound"] {
            if let Err(error) = bound(adjustment, key) {
                problems.push((
                    format!("step_scaling_policy_configuration[0].step_adjustment[{i}].{key}"),
                    error.message,
                ));
            }
        }
    }
    problems
}

/// The provider's plan-time rule inside `predictive_scaling_policy_configuration` that the
/// schema cannot express: a `target_value` that parses as a float.
fn check_predictive(predictive: &Value, problems: &mut Vec<(String, String)>) {
    let prefix = "predictive_scaling_policy_configuration[0].metric_specification";
    for (i, specification) in blocks(predictive, "metric_specification").iter().enumerate() {
        let path = format!("{prefix}[{i}]");
        if let Err(error) = target_value(specification) {
            problems.push((format!("{path}.target_value"), error.message));
        }
    }
}

impl Keyed for Policies {
    type Item = ScalingPolicy;
    const NAME: &'static str = "aws_appautoscaling_policy";
    const KIND: &'static str = "scaling policy";
    /// DescribeScalingPolicies takes at most 50 `PolicyNames`.
    const NAMES_PER_CALL: usize = 50;

    fn schema() -> Schema {
        schema()
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        check(config)
    }

    fn key(policy: &ScalingPolicy) -> Key {
        (
            policy.policy_name().to_string(),
            policy.service_namespace().as_str().to_string(),
            policy.resource_id().to_string(),
            policy.scalable_dimension().as_str().to_string(),
        )
    }

    /// One DescribeScalingPolicies walk.
    async fn describe(
        client: &aws_sdk_applicationautoscaling::Client,
        namespace: ServiceNamespace,
        names: Vec<String>,
    ) -> Result<Vec<ScalingPolicy>, ProviderError> {
        let request = client.describe_scaling_policies();
        all_items!(request.service_namespace(namespace).set_policy_names(Some(names)))
    }

    fn to_value(policy: &ScalingPolicy, _hint: &Value) -> Value {
        to_value(policy)
    }

    async fn put(
        client: &aws_sdk_applicationautoscaling::Client,
        key: &Key,
        planned: &Value,
    ) -> Result<(), ProviderError> {
        let step = single(planned, "step_scaling_policy_configuration").map(step_of).transpose()?;
        let tracking = single(planned, "target_tracking_scaling_policy_configuration")
            .map(tracking_of)
            .transpose()?;
        let predictive = single(planned, "predictive_scaling_policy_configuration")
            .map(predictive_of)
            .transpose()?;
        sent!(on_key_target!(client.put_scaling_policy(), key)
            .policy_name(&key.0)
            .set_policy_type(
                non_empty(planned, "policy_type").map(|t| PolicyType::from(t.as_str())),
            )
            .set_step_scaling_policy_configuration(step)
            .set_target_tracking_scaling_policy_configuration(tracking)
            .set_predictive_scaling_policy_configuration(predictive))?;
        Ok(())
    }

    async fn delete(
        client: &aws_sdk_applicationautoscaling::Client,
        key: Key,
    ) -> Result<(), ProviderError> {
        sent!(on_key_target!(client.delete_scaling_policy(), key).policy_name(&key.0))?;
        Ok(())
    }

    /// Terraform's import ID: `service-namespace/resource-id/scalable-dimension/policy-name`.
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        let (name, namespace, resource, dimension) = split_import_id(id)?;
        Ok(Value::map([
            ("id", Value::string(&name)),
            ("name", Value::string(name)),
            ("service_namespace", Value::string(namespace)),
            ("resource_id", Value::string(resource)),
            ("scalable_dimension", Value::string(dimension)),
        ]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_ids_split_around_a_resource_id_with_slashes() {
        assert_eq!(
            split_import_id("ecs/service/web/api/ecs:service:DesiredCount/cpu").unwrap(),
            (
                "cpu".to_string(),
                "ecs".to_string(),
                "service/web/api".to_string(),
                "ecs:service:DesiredCount".to_string()
            )
        );
        assert_eq!(
            split_import_id(
                "dynamodb/table/t/index/i/dynamodb:index:ReadCapacityUnits/read/policy"
            )
            .unwrap(),
            (
                "read/policy".to_string(),
                "dynamodb".to_string(),
                "table/t/index/i".to_string(),
                "dynamodb:index:ReadCapacityUnits".to_string()
            )
        );
        assert!(split_import_id("ecs/service/x").is_err());
        assert!(split_import_id("dynamodb/table/t/dynamodb:table:ReadCapacityUnits").is_err());
    }

    fn predictive_config(target: &str) -> Value {
        let query = Value::map([
            ("id", Value::string("capacity")),
            ("expression", Value::Null),
            ("label", Value::string("Running tasks")),
            ("return_data", Value::Bool(true)),
            (
                "metric_stat",
                Value::List(vec![Value::map([
                    ("stat", Value::string("Average")),
                    ("unit", Value::Null),
                    (
                        "metric",
                        Value::List(vec![Value::map([
                            ("metric_name", Value::string("RunningTaskCount")),
                            ("namespace", Value::string("ECS/ContainerInsights")),
                            (
                                "dimension",
                                Value::List(vec![Value::map([
                                    ("name", Value::string("ServiceName")),
                                    ("value", Value::string("api")),
                                ])]),
                            ),
                        ])]),
                    ),
                ])]),
            ),
        ]);
        let specification = Value::map([
            ("target_value", Value::string(target)),
            (
                "predefined_metric_pair_specification",
                Value::List(vec![Value::map([
                    ("predefined_metric_type", Value::string("ECSServiceAverageCPUUtilization")),
                    ("resource_label", Value::Null),
                ])]),
            ),
            ("predefined_scaling_metric_specification", Value::List(vec![])),
            ("predefined_load_metric_specification", Value::List(vec![])),
            ("customized_scaling_metric_specification", Value::List(vec![])),
            ("customized_load_metric_specification", Value::List(vec![])),
            (
                "customized_capacity_metric_specification",
                Value::List(vec![Value::map([("metric_data_query", Value::List(vec![query]))])]),
            ),
        ]);
        Value::map([
            ("max_capacity_breach_behavior", Value::string("IncreaseMaxCapacity")),
            ("max_capacity_buffer", Value::Number(10.0)),
            ("mode", Value::string("ForecastOnly")),
            ("scheduling_buffer_time", Value::Number(120.0)),
            ("metric_specification", Value::List(vec![specification])),
        ])
    }

    #[test]
    fn predictive_configuration_reads_back_as_written() {
        let config = predictive_config("40.5");
        let sent = predictive_of(&config).unwrap();
        assert_eq!(sent.metric_specifications()[0].target_value(), 40.5);
        assert_eq!(predictive_value(&sent), config);
    }

    #[test]
    fn predictive_target_value_is_a_float_in_a_string() {
        let config = Value::map([(
            "predictive_scaling_policy_configuration",
            Value::List(vec![predictive_config("forty")]),
        )]);
        let problems = check(&config);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            problems[0].0,
            "predictive_scaling_policy_configuration[0].metric_specification[0].target_value"
        );
        assert!(predictive_of(&predictive_config("forty")).is_err());
    }

    #[test]
    fn bounds_are_numbers_in_strings() {
        let adjustment = Value::map([("metric_interval_lower_bound", Value::string("x"))]);
        let config = Value::map([(
            "step_scaling_policy_configuration",
            Value::List(vec![Value::map([("step_adjustment", Value::List(vec![adjustment]))])]),
        )]);
        assert_eq!(check(&config).len(), 1);
        assert_eq!(bound_value(Some(0.0)), Value::string("0"));
    }
}
