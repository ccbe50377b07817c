//! ELBv2 pieces shared by the load balancer, target group, listener and listener rule types:
//! the `default_action`/`action` block schema and its conversion to and from the SDK, rule
//! conditions, tags (DescribeTags, 20 ARNs a call) and tag updates.

use std::collections::BTreeMap;

use aws_sdk_elasticloadbalancingv2::types::{
    Action, ActionTypeEnum, FixedResponseActionConfig, ForwardActionConfig,
    HostHeaderConditionConfig, HttpHeaderConditionConfig, PathPatternConditionConfig,
    RedirectActionConfig, RedirectActionStatusCodeEnum, RuleCondition, Tag,
    TargetGroupStickinessConfig, TargetGroupTuple,
};
use infra_core::{Attribute, Block, Check, ProviderError, Schema, Type, Value};

use crate::app_support::{
    blocks, boolean, int, non_empty, number, single, string, strings, tag_changes, text,
};
use crate::error::aws_error;

/// DescribeTags takes at most 20 resource ARNs a call.
pub const TAGS_PER_CALL: usize = 20;

/// The schema of a `default_action` (listener) or `action` (listener rule) block.
pub fn action_block(name: &'static str) -> Block {
    let forward = Schema::new()
        .block(Block::set(
            "target_group",
            Schema::new()
                .attr(Attribute::required("arn", Type::String))
                .attr(
                    Attribute::optional("weight", Type::Number)
                        .default(Value::Number(1.0))
                        .check(Check::Range(0, 999)),
                ),
        ))
        .block(Block::single(
            "stickiness",
            Schema::new()
                .attr(Attribute::optional("enabled", Type::Bool).default(Value::Bool(false)))
                .attr(
                    Attribute::required("duration", Type::Number).check(Check::Range(1, 604_800)),
                ),
        ));
    let redirect = Schema::new()
        .attr(Attribute::optional("host", Type::String).default(Value::string("#{host}")))
        .attr(Attribute::optional("path", Type::String).default(Value::string("/#{path}")))
        .attr(Attribute::optional("port", Type::String).default(Value::string("#{port}")))
        .attr(Attribute::optional("protocol", Type::String).default(Value::string("#{protocol}")))
        .attr(Attribute::optional("query", Type::String).default(Value::string("#{query}")))
        .attr(
            Attribute::required("status_code", Type::String)
                .check(Check::OneOf(&["HTTP_301", "HTTP_302"])),
        );
    let fixed_response = Schema::new()
        .attr(
            Attribute::required("content_type", Type::String).check(Check::OneOf(&[
                "text/plain",
                "text/css",
                "text/html",
                "application/javascript",
                "application/json",
            ])),
        )
        .attr(Attribute::optional("message_body", Type::String))
        .attr(Attribute::optional_computed("status_code", Type::String));
    Block::list(
        name,
        Schema::new()
            .attr(
                Attribute::required("type", Type::String).check(Check::OneOf(&[
                    "forward",
                    "redirect",
                    "fixed-response",
                ])),
            )
            .attr(Attribute::optional("target_group_arn", Type::String))
            .attr(
                Attribute::optional_computed("order", Type::Number).check(Check::Range(1, 50_000)),
            )
            .block(Block::single("forward", forward))
            .block(Block::single("redirect", redirect))
            .block(Block::single("fixed_response", fixed_response)),
    )
    .required()
}

/// Checks the provider makes and moto does not: forward actions name target groups, weights
/// are 0-999, and each action type has its block. Returns `(path, message)`.
pub fn validate_actions(config: &Value, name: &str) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    for (index, action) in blocks(config, name).iter().enumerate() {
        let path = format!("{name}[{index}]");
        match action.get("type").as_str() {
            Some("forward") => {
                let forward = single(action, "forward");
                let groups = forward.map(|f| blocks(f, "target_group")).unwrap_or(&[]);
                if action.get("target_group_arn").is_null() && forward.is_none() {
                    problems.push((
                        path.clone(),
                        "a forward action requires \"target_group_arn\" or a \"forward\" block"
                            .to_string(),
                    ));
                }
                if forward.is_some()
                    && groups.is_empty()
                    && action.get("target_group_arn").is_null()
                {
                    problems.push((
                        format!("{path}.forward"),
                        "a \"forward\" block requires at least one \"target_group\" block"
                            .to_string(),
                    ));
                }
                if groups.len() > 5 {
                    problems.push((
                        format!("{path}.forward"),
                        format!(
                            "a forward action takes at most 5 target groups, got {}",
                            groups.len()
                        ),
                    ));
                }
                for (group_index, group) in groups.iter().enumerate() {
                    if let Some(weight) = group.get("weight").as_i64() {
                        if !(0..=999).contains(&weight) {
                            problems.push((
                                format!("{path}.forward[0].target_group[{group_index}].weight"),
                                format!(
                                    "expected weight to be in the range (0 - 999), got {weight}"
                                ),
                            ));
                        }
                    }
                }
            }
            Some("redirect") if single(action, "redirect").is_none() => {
                problems.push((
                    path,
                    "a redirect action requires a \"redirect\" block".to_string(),
                ));
            }
            Some("fixed-response") if single(action, "fixed_response").is_none() => {
                problems.push((
                    path,
                    "a fixed-response action requires a \"fixed_response\" block".to_string(),
                ));
            }
            _ => {}
        }
    }
    problems
}

/// The SDK actions for the `name` blocks of `value`.
pub fn actions_to_sdk(value: &Value, name: &str) -> Vec<Action> {
    blocks(value, name)
        .iter()
        .enumerate()
        .map(|(index, action)| {
            let kind = string(action, "type").unwrap_or_default();
            let mut builder = Action::builder()
                .r#type(ActionTypeEnum::from(kind.as_str()))
                .order(int(action, "order").unwrap_or(index as i32 + 1));
            match kind.as_str() {
                "forward" => {
                    if let Some(forward) = single(action, "forward") {
                        let groups: Vec<TargetGroupTuple> = blocks(forward, "target_group")
                            .iter()
                            .map(|group| {
                                TargetGroupTuple::builder()
                                    .set_target_group_arn(non_empty(group, "arn"))
                                    .weight(int(group, "weight").unwrap_or(1))
                                    .build()
                            })
                            .collect();
                        let mut config =
                            ForwardActionConfig::builder().set_target_groups(Some(groups));
                        if let Some(stickiness) = single(forward, "stickiness") {
                            config = config.target_group_stickiness_config(
                                TargetGroupStickinessConfig::builder()
                                    .enabled(boolean(stickiness, "enabled").unwrap_or(false))
                                    .set_duration_seconds(int(stickiness, "duration"))
                                    .build(),
                            );
                        }
                        builder = builder.forward_config(config.build());
                    } else {
                        builder =
                            builder.set_target_group_arn(non_empty(action, "target_group_arn"));
                    }
                }
                "redirect" => {
                    if let Some(redirect) = single(action, "redirect") {
                        builder = builder.redirect_config(
                            RedirectActionConfig::builder()
                                .set_protocol(non_empty(redirect, "protocol"))
                                .set_port(non_empty(redirect, "port"))
                                .set_host(non_empty(redirect, "host"))
                                .set_path(non_empty(redirect, "path"))
                                .set_query(string(redirect, "query"))
                                .set_status_code(
                                    non_empty(redirect, "status_code")
                                        .map(|s| RedirectActionStatusCodeEnum::from(s.as_str())),
                                )
                                .build(),
                        );
                    }
                }
                "fixed-response" => {
                    if let Some(fixed) = single(action, "fixed_response") {
                        builder = builder.fixed_response_config(
                            FixedResponseActionConfig::builder()
                                .set_content_type(non_empty(fixed, "content_type"))
                                .set_message_body(string(fixed, "message_body"))
                                .status_code(
                                    non_empty(fixed, "status_code")
                                        .unwrap_or_else(|| "200".to_string()),
                                )
                                .build(),
                        );
                    }
                }
                _ => {}
            }
            builder.build()
        })
        .collect()
}

/// The `name` blocks as AWS reports `actions`. `hint` (the planned or prior value) decides
/// whether a single-group forward is shown as `target_group_arn` or as a `forward` block, since
/// AWS reports both shapes for either.
pub fn actions_from_sdk(actions: &[Action], hint: &Value, name: &str) -> Value {
    let hints = blocks(hint, name);
    let mut sorted: Vec<&Action> = actions.iter().collect();
    sorted.sort_by_key(|a| a.order().unwrap_or(i32::MAX));
    Value::List(
        sorted
            .iter()
            .enumerate()
            .map(|(index, action)| {
                let hint = hints.get(index).cloned().unwrap_or(Value::Null);
                let kind = action
                    .r#type()
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_default();
                let mut object = BTreeMap::new();
                object.insert("type".to_string(), Value::string(&kind));
                object.insert("order".to_string(), number(action.order().map(i64::from)));
                let mut target_group_arn = Value::Null;
                let mut forward = Value::List(vec![]);
                if kind == "forward" {
                    let groups: Vec<(String, i32)> = match action.forward_config() {
                        Some(config) if !config.target_groups().is_empty() => config
                            .target_groups()
                            .iter()
                            .map(|g| {
                                (
                                    g.target_group_arn().unwrap_or_default().to_string(),
                                    g.weight().unwrap_or(1),
                                )
                            })
                            .collect(),
                        _ => action
                            .target_group_arn()
                            .map(|arn| vec![(arn.to_string(), 1)])
                            .unwrap_or_default(),
                    };
                    let stickiness = action
                        .forward_config()
                        .and_then(|c| c.target_group_stickiness_config());
                    let hint_uses_block = single(&hint, "forward").is_some();
                    let hint_uses_arn = !hint.get("target_group_arn").is_null();
                    let as_arn = if hint_uses_block {
                        false
                    } else if hint_uses_arn {
                        groups.len() == 1
                    } else {
                        groups.len() == 1 && !stickiness.and_then(|s| s.enabled()).unwrap_or(false)
                    };
                    if as_arn {
                        target_group_arn = Value::string(&groups[0].0);
                    } else {
                        let hint_stickiness = single(&hint, "forward")
                            .and_then(|f| single(f, "stickiness"))
                            .is_some();
                        let stickiness_blocks = match stickiness {
                            Some(s) if hint_stickiness || s.enabled().unwrap_or(false) => {
                                vec![Value::map([
                                    ("enabled", Value::Bool(s.enabled().unwrap_or(false))),
                                    ("duration", number(s.duration_seconds().map(i64::from))),
                                ])]
                            }
                            _ => vec![],
                        };
                        forward = Value::List(vec![Value::map([
                            (
                                "target_group",
                                Value::List(
                                    groups
                                        .iter()
                                        .map(|(arn, weight)| {
                                            Value::map([
                                                ("arn", Value::string(arn)),
                                                ("weight", Value::Number(f64::from(*weight))),
                                            ])
                                        })
                                        .collect(),
                                ),
                            ),
                            ("stickiness", Value::List(stickiness_blocks)),
                        ])]);
                    }
                }
                object.insert("target_group_arn".to_string(), target_group_arn);
                object.insert("forward".to_string(), forward);
                let redirect = action
                    .redirect_config()
                    .map(|r| {
                        vec![Value::map([
                            ("host", text(r.host())),
                            ("path", text(r.path())),
                            ("port", text(r.port())),
                            ("protocol", text(r.protocol())),
                            ("query", text(r.query())),
                            ("status_code", text(r.status_code().map(|s| s.as_str()))),
                        ])]
                    })
                    .unwrap_or_default();
                object.insert("redirect".to_string(), Value::List(redirect));
                let fixed = action
                    .fixed_response_config()
                    .map(|f| {
                        vec![Value::map([
                            ("content_type", text(f.content_type())),
                            ("message_body", text(f.message_body())),
                            ("status_code", text(f.status_code())),
                        ])]
                    })
                    .unwrap_or_default();
                object.insert("fixed_response".to_string(), Value::List(fixed));
                Value::Map(object)
            })
            .collect(),
    )
}

/// The schema of a listener rule's `condition` set block.
pub fn condition_block() -> Block {
    let values = || Schema::new().attr(Attribute::required("values", Type::set(Type::String)));
    Block::set(
        "condition",
        Schema::new()
            .block(Block::single("path_pattern", values()))
            .block(Block::single("host_header", values()))
            .block(Block::single(
                "http_header",
                Schema::new()
                    .attr(Attribute::required("http_header_name", Type::String))
                    .attr(Attribute::required("values", Type::set(Type::String))),
            )),
    )
    .required()
}

pub fn conditions_to_sdk(value: &Value) -> Vec<RuleCondition> {
    let mut out = Vec::new();
    for condition in blocks(value, "condition") {
        if let Some(path) = single(condition, "path_pattern") {
            out.push(
                RuleCondition::builder()
                    .field("path-pattern")
                    .path_pattern_config(
                        PathPatternConditionConfig::builder()
                            .set_values(Some(strings(path, "values")))
                            .build(),
                    )
                    .build(),
            );
        }
        if let Some(host) = single(condition, "host_header") {
            out.push(
                RuleCondition::builder()
                    .field("host-header")
                    .host_header_config(
                        HostHeaderConditionConfig::builder()
                            .set_values(Some(strings(host, "values")))
                            .build(),
                    )
                    .build(),
            );
        }
        if let Some(header) = single(condition, "http_header") {
            out.push(
                RuleCondition::builder()
                    .field("http-header")
                    .http_header_config(
                        HttpHeaderConditionConfig::builder()
                            .set_http_header_name(string(header, "http_header_name"))
                            .set_values(Some(strings(header, "values")))
                            .build(),
                    )
                    .build(),
            );
        }
    }
    out
}

pub fn conditions_from_sdk(conditions: &[RuleCondition]) -> Value {
    let values_block = |values: &[String]| {
        Value::List(vec![Value::map([(
            "values",
            crate::app_support::string_list(values),
        )])])
    };
    Value::List(
        conditions
            .iter()
            .filter_map(|condition| {
                let field = condition.field().unwrap_or_default();
                let mut object = BTreeMap::from([
                    ("path_pattern".to_string(), Value::List(vec![])),
                    ("host_header".to_string(), Value::List(vec![])),
                    ("http_header".to_string(), Value::List(vec![])),
                ]);
                match field {
                    "path-pattern" => {
                        let values = condition
                            .path_pattern_config()
                            .map(|c| c.values().to_vec())
                            .filter(|v| !v.is_empty())
                            .unwrap_or_else(|| condition.values().to_vec());
                        object.insert("path_pattern".into(), values_block(&values));
                    }
                    "host-header" => {
                        let values = condition
                            .host_header_config()
                            .map(|c| c.values().to_vec())
                            .filter(|v| !v.is_empty())
                            .unwrap_or_else(|| condition.values().to_vec());
                        object.insert("host_header".into(), values_block(&values));
                    }
                    "http-header" => {
                        let config = condition.http_header_config();
                        object.insert(
                            "http_header".into(),
                            Value::List(vec![Value::map([
                                (
                                    "http_header_name",
                                    text(config.and_then(|c| c.http_header_name())),
                                ),
                                (
                                    "values",
                                    crate::app_support::string_list(
                                        config.map(|c| c.values()).unwrap_or(&[]),
                                    ),
                                ),
                            ])]),
                        );
                    }
                    _ => return None,
                }
                Some(Value::Map(object))
            })
            .collect(),
    )
}

/// SDK tags from a tag map.
pub fn tags_to_sdk(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

/// The tags of each ARN, 20 ARNs a DescribeTags call.
pub async fn describe_tags(
    client: &aws_sdk_elasticloadbalancingv2::Client,
    arns: &[String],
) -> Result<BTreeMap<String, Vec<(String, String)>>, ProviderError> {
    let mut out = BTreeMap::new();
    for chunk in arns.chunks(TAGS_PER_CALL) {
        let response = client
            .describe_tags()
            .set_resource_arns(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(aws_error)?;
        for description in response.tag_descriptions() {
            let Some(arn) = description.resource_arn() else {
                continue;
            };
            let tags = description
                .tags()
                .iter()
                .map(|t| {
                    (
                        t.key().unwrap_or_default().to_string(),
                        t.value().unwrap_or_default().to_string(),
                    )
                })
                .collect();
            out.insert(arn.to_string(), tags);
        }
    }
    Ok(out)
}

/// Adds and removes the tag difference between `prior` and `planned` on `arn`.
pub async fn update_tags(
    client: &aws_sdk_elasticloadbalancingv2::Client,
    arn: &str,
    prior: &Value,
    planned: &Value,
) -> Result<(), ProviderError> {
    let (to_set, to_remove) = tag_changes(prior, planned);
    if !to_remove.is_empty() {
        client
            .remove_tags()
            .resource_arns(arn)
            .set_tag_keys(Some(to_remove))
            .send()
            .await
            .map_err(aws_error)?;
    }
    if !to_set.is_empty() {
        client
            .add_tags()
            .resource_arns(arn)
            .set_tags(Some(tags_to_sdk(&to_set)))
            .send()
            .await
            .map_err(aws_error)?;
    }
    Ok(())
}

pub use crate::app_support::has_managed_tags;

/// The last `type/name/id` part of an ELBv2 ARN (`app/web/123` for a load balancer), used by
/// CloudWatch dimensions.
pub fn arn_suffix(arn: &str) -> String {
    match arn.split_once(":loadbalancer/") {
        Some((_, rest)) => rest.to_string(),
        None => arn.rsplit(':').next().unwrap_or(arn).to_string(),
    }
}
