//! `aws_lb_target_group` (alias `aws_alb_target_group`): where a listener sends traffic, and
//! how its targets are health-checked.
//!
//! Refresh is one DescribeTargetGroups with every ARN (a full listing when one is gone),
//! DescribeTags 20 ARNs a call, and DescribeTargetGroupAttributes for `deregistration_delay`.
//! That API answers one group a call, so a refresh reads it for a [`ReadWindow`] of
//! [`ATTRIBUTE_READ_LIMIT`] groups and keeps the prior value of the others.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_elasticloadbalancingv2::types::{
    Matcher, ProtocolEnum, TargetGroup, TargetGroupAttribute, TargetTypeEnum,
};
use infra_core::{
    Attribute, Block, Check, Operation, ProviderError, ResourceType, Schema, Type, Value,
};

use crate::app_support::{
    blocks, boolean, changed, int, non_empty, number, set_tags, single, string, text, vanished,
};
use crate::elbv2_support::{arn_suffix, describe_tags, has_managed_tags, tags_to_sdk, update_tags};
use crate::error::{aws_error, is_not_found};
use crate::read_window::ReadWindow;
use crate::Aws;

const DEREGISTRATION_DELAY: &str = "deregistration_delay.timeout_seconds";

/// At most this many DescribeTargetGroupAttributes calls in one refresh.
const ATTRIBUTE_READ_LIMIT: usize = 8;

pub struct AwsLbTargetGroup {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsLbTargetGroup {
    pub fn new(aws: Arc<Aws>) -> AwsLbTargetGroup {
        let health_check = Schema::new()
            .attr(Attribute::optional("enabled", Type::Bool).default(Value::Bool(true)))
            .attr(Attribute::optional_computed("path", Type::String))
            .attr(Attribute::optional_computed("matcher", Type::String))
            .attr(
                Attribute::optional("interval", Type::Number)
                    .default(Value::Number(30.0))
                    .check(Check::Range(5, 300)),
            )
            .attr(Attribute::optional_computed("timeout", Type::Number).check(Check::Range(2, 120)))
            .attr(
                Attribute::optional("healthy_threshold", Type::Number)
                    .default(Value::Number(3.0))
                    .check(Check::Range(2, 10)),
            )
            .attr(
                Attribute::optional("unhealthy_threshold", Type::Number)
                    .default(Value::Number(3.0))
                    .check(Check::Range(2, 10)),
            )
            .attr(Attribute::optional("port", Type::String).default(Value::string("traffic-port")))
            .attr(
                Attribute::optional("protocol", Type::String)
                    .default(Value::string("HTTP"))
                    .check(Check::OneOf(&["HTTP", "HTTPS", "TCP"])),
            );
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("arn_suffix", Type::String))
            .attr(Attribute::optional_computed("name", Type::String).force_new())
            .attr(
                Attribute::optional("port", Type::Number)
                    .check(Check::Port)
                    .force_new(),
            )
            .attr(
                Attribute::optional("protocol", Type::String)
                    .check(Check::OneOf(&[
                        "HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "GENEVE",
                    ]))
                    .force_new(),
            )
            .attr(
                Attribute::optional("target_type", Type::String)
                    .default(Value::string("instance"))
                    .check(Check::OneOf(&["instance", "ip", "lambda", "alb"]))
                    .force_new(),
            )
            .attr(Attribute::optional("vpc_id", Type::String).force_new())
            .attr(
                Attribute::optional("deregistration_delay", Type::Number)
                    .default(Value::Number(300.0))
                    .check(Check::Range(0, 3600)),
            )
            .block(Block::single("health_check", health_check))
            .with_tags();
        AwsLbTargetGroup { aws, schema }
    }

    async fn describe(
        &self,
        arns: &[String],
    ) -> Result<BTreeMap<String, TargetGroup>, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        if arns.is_empty() {
            return Ok(BTreeMap::new());
        }
        let listed = client
            .describe_target_groups()
            .set_target_group_arns(Some(arns.to_vec()))
            .send()
            .await
            .map_err(aws_error);
        let groups = match listed {
            Ok(response) => response.target_groups().to_vec(),
            // One missing ARN fails the whole call: list everything instead and match.
            Err(error) if is_not_found(&error) => {
                let mut all = Vec::new();
                let mut pages = client.describe_target_groups().into_paginator().send();
                while let Some(page) = pages.next().await {
                    all.extend(page.map_err(aws_error)?.target_groups().iter().cloned());
                }
                all
            }
            Err(error) => return Err(error),
        };
        Ok(groups
            .into_iter()
            .filter_map(|group| {
                let arn = group.target_group_arn()?.to_string();
                arns.contains(&arn).then_some((arn, group))
            })
            .collect())
    }

    /// The groups with these ARNs, with tags. `prior_delays` holds the deregistration delay
    /// last seen per ARN: outside this refresh's read window it is kept, not re-read.
    async fn read_arns(
        &self,
        arns: &[String],
        prior_delays: &BTreeMap<String, i64>,
    ) -> Result<BTreeMap<String, (Value, Vec<(String, String)>)>, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let groups = self.describe(arns).await?;
        let found: Vec<String> = groups.keys().cloned().collect();
        let tags = describe_tags(client, &found).await?;
        let window = ReadWindow::now(groups.len(), ATTRIBUTE_READ_LIMIT);
        let mut out = BTreeMap::new();
        for (index, (arn, group)) in groups.into_iter().enumerate() {
            let delay = match prior_delays.get(&arn) {
                Some(prior) if !window.contains(index) => *prior,
                _ => self.deregistration_delay(&arn).await?,
            };
            let tags = tags.get(&arn).cloned().unwrap_or_default();
            out.insert(arn, (to_value(&group, delay, &tags), tags));
        }
        Ok(out)
    }

    async fn deregistration_delay(&self, arn: &str) -> Result<i64, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let attributes = client
            .describe_target_group_attributes()
            .target_group_arn(arn)
            .send()
            .await
            .map_err(aws_error)?;
        Ok(attributes
            .attributes()
            .iter()
            .find(|a| a.key() == Some(DEREGISTRATION_DELAY))
            .and_then(|a| a.value())
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(300))
    }

    async fn read_one(&self, arn: &str, hint: &Value) -> Result<Value, ProviderError> {
        self.read_arns(&[arn.to_string()], &BTreeMap::new())
            .await?
            .remove(arn)
            .map(|(value, _)| fit_to_config(value, hint))
            .ok_or_else(|| vanished("target group", arn))
    }

    async fn set_deregistration_delay(&self, arn: &str, delay: i32) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        client
            .modify_target_group_attributes()
            .target_group_arn(arn)
            .attributes(
                TargetGroupAttribute::builder()
                    .key(DEREGISTRATION_DELAY)
                    .value(delay.to_string())
                    .build(),
            )
            .send()
            .await
            .map_err(aws_error)?;
        Ok(())
    }
}

fn to_value(group: &TargetGroup, deregistration_delay: i64, tags: &[(String, String)]) -> Value {
    let arn = group.target_group_arn().unwrap_or_default();
    let mut object = BTreeMap::new();
    object.insert("id".to_string(), Value::string(arn));
    object.insert("arn".to_string(), Value::string(arn));
    object.insert("arn_suffix".to_string(), Value::string(arn_suffix(arn)));
    object.insert("name".to_string(), text(group.target_group_name()));
    object.insert("port".to_string(), number(group.port().map(i64::from)));
    object.insert(
        "protocol".to_string(),
        text(group.protocol().map(|p| p.as_str())),
    );
    object.insert(
        "target_type".to_string(),
        Value::string(
            group
                .target_type()
                .map(|t| t.as_str())
                .unwrap_or("instance"),
        ),
    );
    object.insert("vpc_id".to_string(), text(group.vpc_id()));
    object.insert(
        "deregistration_delay".to_string(),
        number(Some(deregistration_delay)),
    );
    object.insert(
        "health_check".to_string(),
        Value::List(vec![Value::map([
            (
                "enabled",
                Value::Bool(group.health_check_enabled().unwrap_or(true)),
            ),
            ("path", text(group.health_check_path())),
            ("matcher", text(group.matcher().and_then(|m| m.http_code()))),
            (
                "interval",
                number(group.health_check_interval_seconds().map(i64::from)),
            ),
            (
                "timeout",
                number(group.health_check_timeout_seconds().map(i64::from)),
            ),
            (
                "healthy_threshold",
                number(group.healthy_threshold_count().map(i64::from)),
            ),
            (
                "unhealthy_threshold",
                number(group.unhealthy_threshold_count().map(i64::from)),
            ),
            ("port", text(group.health_check_port())),
            (
                "protocol",
                text(group.health_check_protocol().map(|p| p.as_str())),
            ),
        ])]),
    );
    set_tags(
        &mut object,
        tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    );
    Value::Map(object)
}

/// Leaves out a `health_check` block the configuration did not write when AWS reports exactly
/// the defaults, so an absent block does not show as a change.
fn fit_to_config(mut value: Value, config: &Value) -> Value {
    if !blocks(config, "health_check").is_empty() {
        return value;
    }
    if let Some(object) = value.map_mut() {
        let defaults = health_check_settings(&Value::Null);
        let is_default = object
            .get("health_check")
            .and_then(|v| v.as_list())
            .and_then(|items| items.first())
            .is_some_and(|reported| {
                defaults.as_map().is_some_and(|d| {
                    d.iter()
                        .all(|(k, v)| reported.get(k).to_json() == v.to_json())
                })
            });
        if is_default {
            object.insert("health_check".to_string(), Value::List(vec![]));
        }
    }
    value
}

/// The planned health check, with the schema defaults filled in when the block is absent, so
/// what we send is what we later read back.
fn health_check_settings(planned: &Value) -> Value {
    let defaults = Value::map([
        ("enabled", Value::Bool(true)),
        ("interval", Value::Number(30.0)),
        ("healthy_threshold", Value::Number(3.0)),
        ("unhealthy_threshold", Value::Number(3.0)),
        ("port", Value::string("traffic-port")),
        ("protocol", Value::string("HTTP")),
    ]);
    single(planned, "health_check").cloned().unwrap_or(defaults)
}

#[async_trait::async_trait]
impl ResourceType for AwsLbTargetGroup {
    fn name(&self) -> &'static str {
        "aws_lb_target_group"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["aws_alb_target_group"]
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let target_type = config.get("target_type").as_str().unwrap_or("instance");
        if target_type != "lambda" {
            for key in ["port", "protocol", "vpc_id"] {
                if config.get(key).is_null() {
                    problems.push((
                        key.to_string(),
                        format!("\"{key}\" is required when target_type is \"{target_type}\""),
                    ));
                }
            }
        }
        if let Some(name) = config.get("name").as_str() {
            if name.len() > 32 {
                problems.push((
                    "name".to_string(),
                    format!("\"{name}\" is longer than 32 characters"),
                ));
            }
        }
        problems
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let name = string(planned, "name")
            .ok_or_else(|| ProviderError::new("aws_lb_target_group needs a known \"name\""))?;
        let health = health_check_settings(planned);
        let response = client
            .create_target_group()
            .name(&name)
            .set_port(int(planned, "port"))
            .set_protocol(string(planned, "protocol").map(|p| ProtocolEnum::from(p.as_str())))
            .set_vpc_id(string(planned, "vpc_id"))
            .set_target_type(
                string(planned, "target_type").map(|t| TargetTypeEnum::from(t.as_str())),
            )
            .set_health_check_enabled(boolean(&health, "enabled"))
            .set_health_check_path(non_empty(&health, "path"))
            .set_matcher(
                non_empty(&health, "matcher").map(|m| Matcher::builder().http_code(m).build()),
            )
            .set_health_check_interval_seconds(int(&health, "interval"))
            .set_health_check_timeout_seconds(int(&health, "timeout"))
            .set_healthy_threshold_count(int(&health, "healthy_threshold"))
            .set_unhealthy_threshold_count(int(&health, "unhealthy_threshold"))
            .set_health_check_port(non_empty(&health, "port"))
            .set_health_check_protocol(
                non_empty(&health, "protocol").map(|p| ProtocolEnum::from(p.as_str())),
            )
            .set_tags(Some(tags_to_sdk(&operation.tags_with_managed(planned))))
            .send()
            .await
            .map_err(aws_error)?;
        let arn = response
            .target_groups()
            .first()
            .and_then(|g| g.target_group_arn())
            .ok_or_else(|| vanished("target group", &name))?
            .to_string();
        // Only when it differs from AWS's own default: saves a call per group.
        if let Some(delay) = int(planned, "deregistration_delay").filter(|d| *d != 300) {
            self.set_deregistration_delay(&arn, delay).await?;
        }
        self.read_one(&arn, planned).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let arn = string(prior, "arn")
            .ok_or_else(|| ProviderError::new("aws_lb_target_group has no arn in state"))?;
        if changed(prior, planned, "health_check") {
            let health = health_check_settings(planned);
            client
                .modify_target_group()
                .target_group_arn(&arn)
                .set_health_check_enabled(boolean(&health, "enabled"))
                .set_health_check_path(non_empty(&health, "path"))
                .set_matcher(
                    non_empty(&health, "matcher").map(|m| Matcher::builder().http_code(m).build()),
                )
                .set_health_check_interval_seconds(int(&health, "interval"))
                .set_health_check_timeout_seconds(int(&health, "timeout"))
                .set_healthy_threshold_count(int(&health, "healthy_threshold"))
                .set_unhealthy_threshold_count(int(&health, "unhealthy_threshold"))
                .set_health_check_port(non_empty(&health, "port"))
                .set_health_check_protocol(
                    non_empty(&health, "protocol").map(|p| ProtocolEnum::from(p.as_str())),
                )
                .send()
                .await
                .map_err(aws_error)?;
        }
        if changed(prior, planned, "deregistration_delay") {
            if let Some(delay) = int(planned, "deregistration_delay") {
                self.set_deregistration_delay(&arn, delay).await?;
            }
        }
        update_tags(client, &arn, prior, planned).await?;
        self.read_one(&arn, planned).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let Some(arn) = string(prior, "arn") else {
            return Ok(());
        };
        match client
            .delete_target_group()
            .target_group_arn(&arn)
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
        let arns: Vec<String> = prior.iter().filter_map(|p| string(p, "arn")).collect();
        let prior_delays: BTreeMap<String, i64> = prior
            .iter()
            .filter_map(|p| {
                Some((
                    string(p, "arn")?,
                    i64::from(int(p, "deregistration_delay")?),
                ))
            })
            .collect();
        let found = self.read_arns(&arns, &prior_delays).await?;
        Ok(prior
            .iter()
            .map(|p| {
                string(p, "arn")
                    .and_then(|arn| found.get(&arn))
                    .map(|(value, _)| fit_to_config(value.clone(), p))
            })
            .collect())
    }

    /// Terraform's import ID: its ARN.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        Ok(infra_core::resource::import_by("arn", id))
    }

    async fn find_created(
        &self,
        operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let Some(name) = string(planned, "name") else {
            return Ok(None);
        };
        let arn = match client
            .describe_target_groups()
            .names(&name)
            .send()
            .await
            .map_err(aws_error)
        {
            Ok(response) => response
                .target_groups()
                .first()
                .and_then(|g| g.target_group_arn())
                .map(str::to_string),
            Err(error) if is_not_found(&error) => None,
            Err(error) => return Err(error),
        };
        let Some(arn) = arn else { return Ok(None) };
        let mut found = self
            .read_arns(std::slice::from_ref(&arn), &BTreeMap::new())
            .await?;
        Ok(found
            .remove(&arn)
            .filter(|(_, tags)| has_managed_tags(tags, operation))
            .map(|(value, _)| fit_to_config(value, planned)))
    }
}
