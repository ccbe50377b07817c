//! `aws_lb_target_group` (alias `aws_alb_target_group`): where a listener sends traffic, and
//! how its targets are health-checked.
//!
//! Refresh is one DescribeTargetGroups with every ARN (a full listing when one is gone),
//! DescribeTags 20 ARNs a call, and DescribeTargetGroupAttributes for the attribute-backed
//! arguments ([`SETTINGS`], `stickiness`, `target_health_state`, `target_failover`,
//! `target_group_health`). That API
//! answers one group a call; every refresh reads it for every group, so drift on those
//! arguments is seen on the next plan.
//!
//! Each setting applies to some protocols (or to `lambda` targets); one set elsewhere to other
//! than its default is a plan-time error, since AWS would refuse it. The `stickiness`,
//! `target_health_state` and `target_failover` blocks are read back when configured.
//! `target_group_health` (DNS failover and unhealthy state routing thresholds, provider 6.x)
//! is sent, as the provider sends it, for instance and ip groups of any protocol but GENEVE;
//! like the provider's Optional+Computed block it is read whenever AWS reports it, and a
//! configuration that omits it keeps what AWS has. A lambda
//! group without a `health_check` block keeps AWS's (disabled) health check. Without `name` or
//! `name_prefix` the name is generated (`tf-...`), as the provider does.
//!
//! moto does not return `protocol_version`, `ip_address_type`, `preserve_client_ip`,
//! `load_balancing_anomaly_mitigation`, `target_health_state` or `target_failover` attributes
//! it was not given, so drift on them is not seen in tests.
//!
//! `target_control_port` (the port of the target optimizer's control agent, provider 6.x) is
//! CreateTargetGroup's `TargetControlPort`, a port from 1 to 65535 as the provider validates
//! it. ModifyTargetGroup has no such parameter, so a change replaces the group; it is read back
//! from DescribeTargetGroups. moto 5.2.5 neither keeps nor returns it: unit tests show the
//! request and the read-back.

use std::collections::BTreeMap;

use aws_sdk_elasticloadbalancingv2::operation::create_target_group::builders::CreateTargetGroupFluentBuilder;
use aws_sdk_elasticloadbalancingv2::types::{
    Matcher, ProtocolEnum, TargetGroup, TargetGroupAttribute, TargetGroupIpAddressTypeEnum,
    TargetTypeEnum,
};
use aws_sdk_elasticloadbalancingv2::Client;
use infra_core::{Attribute, Block, Check, ProviderError, Schema, Type, Value};

use crate::app_support::{
    blocks, boolean, changed, int, name_attribute, name_prefix_attribute, non_empty, number, sent,
    set_tags, single, string, string_list, text,
};
use crate::elbv2_support::{
    arn_suffix, attribute_value, attributes_of, modify_attributes, name_prefix_of,
    name_prefix_problems, name_to_create, settings_to_send, tags_to_sdk, Creating, Elbv2Object,
    Elbv2Type, Setting, SettingKind, Updating,
};
use crate::paginated::all_items;
use crate::tagging::{ManagedTags, WithTags};

const HTTP: &[&str] = &["HTTP", "HTTPS"];
const BALANCED: &[&str] = &["HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP"];
const NETWORK: &[&str] = &["TCP", "TLS", "UDP", "TCP_UDP"];
const NOT_LAMBDA: &[&str] = &["HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "GENEVE"];
const LAMBDA: &[&str] = &["lambda"];

/// `deregistration_delay`'s default (the provider's `Default: 300`, AWS's own).
const DEREGISTRATION_DELAY_DEFAULT: &str = "300";

/// The target group attributes shown as top-level arguments. "Kinds" are protocols, or
/// `lambda` for lambda targets.
const SETTINGS: &[Setting] = &[
    // A string in the provider's schema (its nullable int: TypeString holding a whole number,
    // validated 0-3600), so the state holds "300" as Terraform's does; a configured number is
    // converted, as Terraform converts it for a string attribute.
    Setting::new(
        "deregistration_delay",
        "deregistration_delay.timeout_seconds",
        SettingKind::String,
        Some(DEREGISTRATION_DELAY_DEFAULT),
        NOT_LAMBDA,
    )
    .checked(Check::Range(0, 3600)),
    // 0 or 30-900: the rest of 0-900 is refused by the type's validate, as the provider's
    // validation.Any(IntBetween(0, 0), IntBetween(30, 900)) refuses it.
    Setting::new("slow_start", "slow_start.duration_seconds", SettingKind::Number, Some("0"), HTTP)
        .checked(Check::Range(0, 900)),
    Setting::new(
        "load_balancing_algorithm_type",
        "load_balancing.algorithm.type",
        SettingKind::String,
        None,
        HTTP,
    )
    .neutral("round_robin")
    .checked(Check::OneOf(&["round_robin", "least_outstanding_requests", "weighted_random"])),
    Setting::new(
        "load_balancing_anomaly_mitigation",
        "load_balancing.algorithm.anomaly_mitigation",
        SettingKind::String,
        None,
        HTTP,
    )
    .neutral("off")
    .checked(Check::OneOf(&["on", "off"])),
    Setting::new(
        "load_balancing_cross_zone_enabled",
        "load_balancing.cross_zone.enabled",
        SettingKind::String,
        None,
        BALANCED,
    )
    .neutral("use_load_balancer_configuration")
    .checked(Check::OneOf(&["true", "false", "use_load_balancer_configuration"])),
    Setting::new(
        "connection_termination",
        "deregistration_delay.connection_termination.enabled",
        SettingKind::Bool,
        Some("false"),
        NETWORK,
    ),
    Setting::new(
        "proxy_protocol_v2",
        "proxy_protocol_v2.enabled",
        SettingKind::Bool,
        Some("false"),
        NETWORK,
    ),
    Setting::new(
        "preserve_client_ip",
        "preserve_client_ip.enabled",
        SettingKind::String,
        None,
        NETWORK,
    )
    .checked(Check::OneOf(&["true", "false"])),
    Setting::new(
        "lambda_multi_value_headers_enabled",
        "lambda.multi_value_headers.enabled",
        SettingKind::Bool,
        Some("false"),
        LAMBDA,
    ),
];

/// Attribute-backed blocks and the protocols they apply to.
const ATTRIBUTE_BLOCKS: &[(&str, &[&str])] = &[
    ("stickiness", NOT_LAMBDA),
    ("target_health_state", &["TCP", "TLS"]),
    ("target_failover", &["GENEVE"]),
];

/// The `target_group_health` block's attributes: (nested block, attribute, AWS key).
const TARGET_GROUP_HEALTH: &[(&str, &str, &str)] = &[
    (
        "dns_failover",
        "minimum_healthy_targets_count",
        "target_group_health.dns_failover.minimum_healthy_targets.count",
    ),
    (
        "dns_failover",
        "minimum_healthy_targets_percentage",
        "target_group_health.dns_failover.minimum_healthy_targets.percentage",
    ),
    (
        "unhealthy_state_routing",
        "minimum_healthy_targets_count",
        "target_group_health.unhealthy_state_routing.minimum_healthy_targets.count",
    ),
    (
        "unhealthy_state_routing",
        "minimum_healthy_targets_percentage",
        "target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage",
    ),
];

/// The `target_group_health` block's schema, the provider's defaults included: DNS failover
/// off; unhealthy state routing below 1 healthy target, percentage off.
fn target_group_health_schema() -> Schema {
    let off = || Value::string("off");
    Schema::new()
        .block(Block::single(
            "dns_failover",
            Schema::new()
                .attr(
                    Attribute::optional("minimum_healthy_targets_count", Type::String)
                        .default(off()),
                )
                .attr(
                    Attribute::optional("minimum_healthy_targets_percentage", Type::String)
                        .default(off()),
                ),
        ))
        .block(Block::single(
            "unhealthy_state_routing",
            Schema::new()
                .attr(
                    Attribute::optional("minimum_healthy_targets_count", Type::Number)
                        .default(Value::Number(1.0)),
                )
                .attr(
                    Attribute::optional("minimum_healthy_targets_percentage", Type::String)
                        .default(off()),
                ),
        ))
}

/// Whether the provider sends `target_group_health` for the group: instance and ip targets,
/// any protocol but GENEVE.
fn takes_target_group_health(value: &Value) -> bool {
    let target_type = string(value, "target_type").unwrap_or_else(|| "instance".to_string());
    matches!(target_type.as_str(), "instance" | "ip")
        && string(value, "protocol").as_deref() != Some("GENEVE")
}

/// The provider's checks of `target_group_health`'s values: a DNS failover count is "off" or
/// a whole number, a percentage "off" or 1 to 100. Returns `(path, message)`.
fn check_target_group_health(config: &Value) -> Vec<(String, String)> {
    let Some(health) = single(config, "target_group_health") else {
        return vec![];
    };
    let mut problems = Vec::new();
    for (block, attribute, _) in TARGET_GROUP_HEALTH {
        let Some(text) = single(health, block).and_then(|b| b.get(attribute).as_str()) else {
            continue;
        };
        let path = format!("target_group_health.{block}.{attribute}");
        let number = text.parse::<i64>();
        if attribute.ends_with("percentage") {
            if text != "off" && !number.is_ok_and(|n| (1..=100).contains(&n)) {
                problems.push((
                    path,
                    format!("\"{text}\" must be an integer between 0 and 100 or 'off'"),
                ));
            }
        } else if text != "off" && number.is_err() {
            problems.push((path, format!("\"{text}\" must be an integer or 'off'")));
        }
    }
    problems
}

/// The provider's checks that the schema's cannot express: `slow_start` 0 or 30-900, and `deregistration_delay` a whole number (its nullable int, a
/// string in the provider's schema; "" is unset). Returns `(path, message)`.
fn provider_value_checks(config: &Value) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    if let Some(seconds) = config.get("slow_start").as_i64() {
        if (1..30).contains(&seconds) {
            problems.push((
                "slow_start".to_string(),
                format!(
                    "expected slow_start to be in the range (0 - 0) or (30 - 900), got {seconds}"
                ),
            ));
        }
    }
    if let Value::String(text) = config.get("deregistration_delay").unmarked() {
        if !text.is_empty() && text.parse::<i64>().is_err() {
            problems.push((
                "deregistration_delay".to_string(),
                format!("deregistration_delay: cannot parse '{text}' as int"),
            ));
        }
    }
    problems
}

/// What a group is for the settings: `lambda`, or its protocol.
fn group_kind(value: &Value) -> Option<String> {
    match string(value, "target_type").as_deref() {
        Some("lambda") => Some("lambda".to_string()),
        _ => string(value, "protocol"),
    }
}

/// `aws_lb_target_group` (and `aws_alb_target_group`), by its ARN.
pub type AwsLbTargetGroup = Elbv2Type<TargetGroups>;

pub struct TargetGroups;

impl AwsLbTargetGroup {
    async fn attributes(&self, arn: &str) -> Result<BTreeMap<String, String>, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        attributes_of!(client.describe_target_group_attributes().target_group_arn(arn))
    }

    async fn modify_attributes(
        &self,
        arn: &str,
        attributes: Vec<(&str, String)>,
    ) -> Result<(), ProviderError> {
        modify_attributes!(
            self.aws.clients().await.elbv2.modify_target_group_attributes().target_group_arn(arn),
            TargetGroupAttribute,
            attributes
        )
    }
}

/// The attribute changes for the attribute-backed blocks from `prior` (null on create) to
/// `planned`.
fn block_attributes(prior: &Value, planned: &Value) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if crate::app_support::changed(prior, planned, "stickiness") {
        match single(planned, "stickiness") {
            Some(block) => {
                let kind = string(block, "type").unwrap_or_default();
                let enabled = boolean(block, "enabled").unwrap_or(true);
                out.push(("stickiness.enabled", enabled.to_string()));
                out.push(("stickiness.type", kind.clone()));
                let duration = int(block, "cookie_duration").unwrap_or(86400).to_string();
                match kind.as_str() {
                    "lb_cookie" => out.push(("stickiness.lb_cookie.duration_seconds", duration)),
                    "app_cookie" => {
                        out.push(("stickiness.app_cookie.duration_seconds", duration));
                        out.push((
                            "stickiness.app_cookie.cookie_name",
                            string(block, "cookie_name").unwrap_or_default(),
                        ));
                    }
                    _ => {}
                }
            }
            None if single(prior, "stickiness").is_some() => {
                out.push(("stickiness.enabled", "false".to_string()));
            }
            None => {}
        }
    }
    if crate::app_support::changed(prior, planned, "target_health_state") {
        let block = single(planned, "target_health_state");
        if block.is_some() || single(prior, "target_health_state").is_some() {
            let terminate = block
                .and_then(|b| boolean(b, "enable_unhealthy_connection_termination"))
                .unwrap_or(true);
            out.push((
                "target_health_state.unhealthy.connection_termination.enabled",
                terminate.to_string(),
            ));
            if let Some(interval) = block.and_then(|b| int(b, "unhealthy_draining_interval")) {
                out.push((
                    "target_health_state.unhealthy.draining_interval_seconds",
                    interval.to_string(),
                ));
            }
        }
    }
    if crate::app_support::changed(prior, planned, "target_failover") {
        let block = single(planned, "target_failover");
        if block.is_some() || single(prior, "target_failover").is_some() {
            let get = |key: &str| {
                block.and_then(|b| string(b, key)).unwrap_or_else(|| "no_rebalance".to_string())
            };
            out.push(("target_failover.on_deregistration", get("on_deregistration")));
            out.push(("target_failover.on_unhealthy", get("on_unhealthy")));
        }
    }
    // Sent whole when it changed; removing it sends nothing, as the provider does (the block
    // is Optional+Computed: the group keeps what it has).
    if crate::app_support::changed(prior, planned, "target_group_health")
        && takes_target_group_health(planned)
    {
        if let Some(health) = single(planned, "target_group_health") {
            for (block, attribute, key) in TARGET_GROUP_HEALTH {
                let value = single(health, block).and_then(|b| attribute_value(b, attribute));
                if let Some(value) = value {
                    out.push((*key, value));
                }
            }
        }
    }
    out
}

/// `target_group_health` as AWS reports it (none when AWS reports none of its keys). When
/// `hint` has the block, only the nested blocks it has are shown, so a configuration that
/// sets one of them plans clean.
fn target_group_health_value(attributes: &BTreeMap<String, String>, hint: &Value) -> Value {
    if !TARGET_GROUP_HEALTH.iter().any(|(_, _, key)| attributes.contains_key(*key)) {
        return Value::List(vec![]);
    }
    let configured = single(hint, "target_group_health");
    let nested = |block: &str| {
        if configured.is_some_and(|health| single(health, block).is_none()) {
            return Value::List(vec![]);
        }
        let entries = TARGET_GROUP_HEALTH.iter().filter(|(name, _, _)| *name == block).map(
            |(_, attribute, key)| {
                let reported = attributes.get(*key).map(String::as_str);
                let value = match (*attribute, reported) {
                    (_, None) => Value::Null,
                    // The one number: the provider reads it as an integer.
                    ("minimum_healthy_targets_count", Some(text))
                        if block == "unhealthy_state_routing" =>
                    {
                        text.parse::<f64>()
                            .map(Value::Number)
                            .unwrap_or_else(|_| Value::string(text))
                    }
                    (_, Some(text)) => Value::string(text),
                };
                (attribute.to_string(), value)
            },
        );
        Value::List(vec![Value::Map(entries.collect())])
    };
    Value::List(vec![Value::map([
        ("dns_failover", nested("dns_failover")),
        ("unhealthy_state_routing", nested("unhealthy_state_routing")),
    ])])
}

/// The attribute-backed blocks as AWS reports them, shown when `hint` has them.
fn blocks_from_attributes(
    object: &mut BTreeMap<String, Value>,
    attributes: &BTreeMap<String, String>,
    hint: &Value,
) {
    let get = |key: &str| attributes.get(key).map(String::as_str);
    let stickiness = match (single(hint, "stickiness"), get("stickiness.type")) {
        (Some(_), Some(kind)) => {
            let duration = match kind {
                "app_cookie" => get("stickiness.app_cookie.duration_seconds"),
                _ => get("stickiness.lb_cookie.duration_seconds"),
            };
            vec![Value::map([
                ("type", Value::string(kind)),
                ("enabled", Value::Bool(get("stickiness.enabled") == Some("true"))),
                (
                    "cookie_duration",
                    Value::Number(duration.and_then(|d| d.parse().ok()).unwrap_or(86400.0)),
                ),
                (
                    "cookie_name",
                    text(get("stickiness.app_cookie.cookie_name").filter(|n| !n.is_empty())),
                ),
            ])]
        }
        _ => vec![],
    };
    object.insert("stickiness".to_string(), Value::List(stickiness));
    let health_state = match single(hint, "target_health_state") {
        Some(_) => vec![Value::map([
            (
                "enable_unhealthy_connection_termination",
                Value::Bool(
                    get("target_health_state.unhealthy.connection_termination.enabled")
                        != Some("false"),
                ),
            ),
            (
                "unhealthy_draining_interval",
                get("target_health_state.unhealthy.draining_interval_seconds")
                    .and_then(|d| d.parse::<f64>().ok())
                    .map(Value::Number)
                    .unwrap_or(Value::Null),
            ),
        ])],
        None => vec![],
    };
    object.insert("target_health_state".to_string(), Value::List(health_state));
    let failover = match single(hint, "target_failover") {
        Some(_) => vec![Value::map([
            ("on_deregistration", text(get("target_failover.on_deregistration"))),
            ("on_unhealthy", text(get("target_failover.on_unhealthy"))),
        ])],
        None => vec![],
    };
    object.insert("target_failover".to_string(), Value::List(failover));
    object.insert("target_group_health".to_string(), target_group_health_value(attributes, hint));
}

/// The value AWS reports.
fn to_value(
    group: &TargetGroup,
    attributes: &BTreeMap<String, String>,
    tags: &[(String, String)],
    hint: &Value,
) -> Value {
    let arn = group.target_group_arn().unwrap_or_default();
    let mut object = BTreeMap::new();
    for setting in SETTINGS {
        object.insert(setting.name.to_string(), setting.read(attributes));
    }
    blocks_from_attributes(&mut object, attributes, hint);
    object.insert("name_prefix".to_string(), name_prefix_of(group.target_group_name(), hint));
    object.insert("protocol_version".to_string(), text(group.protocol_version()));
    object.insert("ip_address_type".to_string(), text(group.ip_address_type().map(|t| t.as_str())));
    object.insert("id".to_string(), Value::string(arn));
    object.insert("arn".to_string(), Value::string(arn));
    object.insert("arn_suffix".to_string(), Value::string(arn_suffix(arn)));
    object.insert("load_balancer_arns".to_string(), string_list(group.load_balancer_arns()));
    object.insert("name".to_string(), text(group.target_group_name()));
    object.insert("port".to_string(), number(group.port().map(i64::from)));
    object.insert("protocol".to_string(), text(group.protocol().map(|p| p.as_str())));
    object.insert(
        "target_type".to_string(),
        Value::string(group.target_type().map(|t| t.as_str()).unwrap_or("instance")),
    );
    object.insert("vpc_id".to_string(), text(group.vpc_id()));
    object.insert(
        "target_control_port".to_string(),
        number(group.target_control_port().map(i64::from)),
    );
    // Nor does AWS report them for a lambda group; the provider suppresses their diff there,
    // so what the configuration says stands.
    if group.target_type() == Some(&TargetTypeEnum::Lambda) {
        for key in ["port", "protocol", "protocol_version", "vpc_id"] {
            let configured = hint.get(key);
            if !configured.is_null() && configured.is_wholly_known() {
                object.insert(key.to_string(), configured.clone());
            }
        }
    }
    object.insert(
        "health_check".to_string(),
        Value::List(vec![Value::map([
            ("enabled", Value::Bool(group.health_check_enabled().unwrap_or(true))),
            ("path", text(group.health_check_path())),
            ("matcher", text(group.matcher().and_then(|m| m.http_code().or(m.grpc_code())))),
            ("interval", number(group.health_check_interval_seconds().map(i64::from))),
            ("timeout", number(group.health_check_timeout_seconds().map(i64::from))),
            ("healthy_threshold", number(group.healthy_threshold_count().map(i64::from))),
            ("unhealthy_threshold", number(group.unhealthy_threshold_count().map(i64::from))),
            ("port", text(group.health_check_port())),
            ("protocol", text(group.health_check_protocol().map(|p| p.as_str()))),
        ])]),
    );
    set_tags(&mut object, tags.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    Value::Map(object)
}

/// Leaves out a `health_check` block the configuration did not write when AWS reports exactly
/// the defaults, so an absent block does not show as a change.
fn fit_to_config(mut value: Value, config: &Value) -> Value {
    if !blocks(config, "health_check").is_empty() {
        return value;
    }
    // A lambda group's health check is AWS's until configured.
    let lambda = value.get("target_type").as_str() == Some("lambda");
    if let Some(object) = value.map_mut() {
        if lambda {
            object.insert("health_check".to_string(), Value::List(vec![]));
            return value;
        }
        let defaults = health_check_settings(&Value::Null);
        let is_default = object
            .get("health_check")
            .and_then(|v| v.as_list())
            .and_then(|items| items.first())
            .is_some_and(|reported| {
                defaults.as_map().is_some_and(|d| {
                    d.iter().all(|(k, v)| reported.get(k).to_json() == v.to_json())
                })
            });
        if is_default {
            object.insert("health_check".to_string(), Value::List(vec![]));
        }
    }
    value
}

/// The health check arguments of a CreateTargetGroup or ModifyTargetGroup call; a lambda
/// group without a block sends none (AWS leaves its health check off) and never a port or
/// protocol (AWS refuses them for lambda targets).
macro_rules! with_health_check {
    ($call:expr, $planned:expr) => {{
        let planned = $planned;
        let lambda = string(planned, "target_type").as_deref() == Some("lambda");
        if lambda && single(planned, "health_check").is_none() {
            $call
        } else {
            let health = health_check_settings(planned);
            let grpc = string(planned, "protocol_version")
                .is_some_and(|version| version.eq_ignore_ascii_case("GRPC"));
            $call
                .set_health_check_enabled(boolean(&health, "enabled"))
                .set_health_check_path(non_empty(&health, "path"))
                .set_matcher(non_empty(&health, "matcher").map(|m| {
                    if grpc {
                        Matcher::builder().grpc_code(m).build()
                    } else {
                        Matcher::builder().http_code(m).build()
                    }
                }))
                .set_health_check_interval_seconds(int(&health, "interval"))
                .set_health_check_timeout_seconds(int(&health, "timeout"))
                .set_healthy_threshold_count(int(&health, "healthy_threshold"))
                .set_unhealthy_threshold_count(int(&health, "unhealthy_threshold"))
                .set_health_check_port(non_empty(&health, "port").filter(|_| !lambda))
                .set_health_check_protocol(
                    non_empty(&health, "protocol")
                        .filter(|_| !lambda)
                        .map(|p| ProtocolEnum::from(p.to_uppercase().as_str())),
                )
        }
    }};
}

/// CreateTargetGroup for `planned`, named `name` (the tags are added by the caller).
fn create_request(client: &Client, name: &str, planned: &Value) -> CreateTargetGroupFluentBuilder {
    // A lambda group has no port, protocol or VPC: AWS refuses them ("VPC ID cannot be
    // specified for target groups with target type 'lambda'"), and the provider sends
    // none of them whatever the configuration says (terraform-aws-modules/alb sets vpc_id
    // on every group).
    let lambda = string(planned, "target_type").as_deref() == Some("lambda");
    let unless_lambda = |value: Option<String>| value.filter(|_| !lambda);
    let call = client
        .create_target_group()
        .name(name)
        .set_port(int(planned, "port").filter(|_| !lambda))
        .set_protocol(
            unless_lambda(string(planned, "protocol")).map(|p| ProtocolEnum::from(p.as_str())),
        )
        .set_protocol_version(
            unless_lambda(non_empty(planned, "protocol_version")).map(|v| v.to_uppercase()),
        )
        .set_ip_address_type(
            unless_lambda(non_empty(planned, "ip_address_type"))
                .map(|t| TargetGroupIpAddressTypeEnum::from(t.as_str())),
        )
        .set_vpc_id(unless_lambda(string(planned, "vpc_id")))
        .set_target_type(string(planned, "target_type").map(|t| TargetTypeEnum::from(t.as_str())))
        // Sent whenever configured, as the provider sends it: AWS refuses it where the
        // target optimizer does not apply.
        .set_target_control_port(int(planned, "target_control_port"));
    with_health_check!(call, planned)
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

impl Elbv2Object for TargetGroups {
    type Object = TargetGroup;
    const NAME: &'static str = "aws_lb_target_group";
    const ALIASES: &'static [&'static str] = &["aws_alb_target_group"];
    const KIND: &'static str = "target group";
    /// DescribeTargetGroupAttributes answers one group a call: those calls run concurrently.
    const READ_CONCURRENTLY: bool = true;

    const ARN: fn(&TargetGroup) -> Option<&str> = TargetGroup::target_group_arn;

    fn schema() -> Schema {
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
            // Stored upper-case (the provider's StateFunc): see `normalize`.
            .attr(
                Attribute::optional("protocol", Type::String)
                    .default(Value::string("HTTP"))
                    .check(Check::OneOfAnyCase(&["HTTP", "HTTPS", "TCP"])),
            );
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("arn_suffix", Type::String))
            // The load balancers whose listeners or rules forward to the group.
            .attr(Attribute::computed("load_balancer_arns", Type::set(Type::String)))
            .attr(name_attribute())
            .attr(name_prefix_attribute())
            .attr(
                Attribute::optional_computed("protocol_version", Type::String)
                    .force_new()
                    .check(Check::OneOfAnyCase(&["GRPC", "HTTP1", "HTTP2"])),
            )
            .attr(
                Attribute::optional_computed("ip_address_type", Type::String)
                    .check(Check::OneOf(&["ipv4", "ipv6"]))
                    .force_new(),
            )
            .attr(Attribute::optional("port", Type::Number).check(Check::Port).force_new())
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
            .block(Block::single("health_check", health_check))
            .block(
                Block::single(
                    "stickiness",
                    Schema::new()
                        .attr(Attribute::required("type", Type::String).check(Check::OneOf(&[
                            "lb_cookie",
                            "app_cookie",
                            "source_ip",
                            "source_ip_dest_ip",
                            "source_ip_dest_ip_proto",
                        ])))
                        .attr(Attribute::optional("enabled", Type::Bool).default(Value::Bool(true)))
                        .attr(
                            Attribute::optional("cookie_duration", Type::Number)
                                .default(Value::Number(86400.0))
                                .check(Check::Range(0, 604_800)),
                        )
                        .attr(Attribute::optional("cookie_name", Type::String)),
                )
                .computed(),
            )
            .block(Block::single(
                "target_health_state",
                Schema::new()
                    // Required, as in the provider's schema.
                    .attr(Attribute::required(
                        "enable_unhealthy_connection_termination",
                        Type::Bool,
                    ))
                    .attr(
                        Attribute::optional("unhealthy_draining_interval", Type::Number)
                            .default(Value::Number(0.0))
                            .check(Check::Range(0, 360_000)),
                    ),
            ))
            .block(Block::single(
                "target_failover",
                Schema::new()
                    .attr(
                        Attribute::required("on_deregistration", Type::String)
                            .check(Check::OneOf(&["rebalance", "no_rebalance"])),
                    )
                    .attr(
                        Attribute::required("on_unhealthy", Type::String)
                            .check(Check::OneOf(&["rebalance", "no_rebalance"])),
                    ),
            ))
            .block(Block::single("target_group_health", target_group_health_schema()).computed());
        SETTINGS
            .iter()
            .fold(schema, |schema, setting| schema.attr(setting.attribute()))
            .attr(
                Attribute::optional("target_control_port", Type::Number)
                    .check(Check::Range(1, 65535))
                    .force_new(),
            )
            .with_tags()
    }

    /// `protocol_version` and `health_check.protocol` upper-case, as the provider's StateFunc
    /// stores them: a configured `grpc` or `http` is the `GRPC` or `HTTP` AWS reports, so it
    /// plans no change.
    fn normalize(value: &mut Value) {
        let Some(object) = value.map_mut() else {
            return;
        };
        // `deregistration_delay = ""` is unset: the provider's nullable int reads "" as null
        // and sends nothing for it. Unset plans the default, which AWS has (and reports) when
        // nothing is sent, so "" is never sent to AWS and a re-plan is clean.
        if let Some(Value::String(delay)) = object.get_mut("deregistration_delay") {
            if delay.is_empty() {
                *delay = DEREGISTRATION_DELAY_DEFAULT.to_string();
            }
        }
        if let Some(Value::String(version)) = object.get_mut("protocol_version") {
            *version = version.to_uppercase();
        }
        if let Some(Value::List(checks)) = object.get_mut("health_check") {
            for check in checks {
                if let Some(Value::String(protocol)) =
                    check.map_mut().and_then(|c| c.get_mut("protocol"))
                {
                    *protocol = protocol.to_uppercase();
                }
            }
        }
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
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
        problems.extend(name_prefix_problems(config));
        let protocol = config.get("protocol").as_str();
        if !config.get("protocol_version").is_null() && !matches!(protocol, Some("HTTP" | "HTTPS"))
        {
            problems.push((
                "protocol_version".to_string(),
                "\"protocol_version\" applies only when \"protocol\" is HTTP or HTTPS".to_string(),
            ));
        }
        let kind = if target_type == "lambda" { Some("lambda") } else { protocol };
        if let Some(kind) = kind {
            for setting in SETTINGS {
                // An empty `deregistration_delay` is unset (see `normalize`), on any type.
                if setting.name == "deregistration_delay"
                    && config.get(setting.name).unmarked().as_str() == Some("")
                {
                    continue;
                }
                if let Some(problem) = setting.misplaced(config, kind) {
                    problems.push((setting.name.to_string(), problem));
                }
            }
            if single(config, "target_group_health").is_some()
                && config.get("target_type").is_wholly_known()
                && config.get("protocol").is_wholly_known()
                && !takes_target_group_health(config)
            {
                problems.push((
                    "target_group_health".to_string(),
                    "\"target_group_health\" applies only to instance and ip target groups whose protocol is not GENEVE".to_string(),
                ));
            }
            for (block, kinds) in ATTRIBUTE_BLOCKS {
                if single(config, block).is_some() && !kinds.contains(&kind) {
                    problems.push((
                        block.to_string(),
                        format!("\"{block}\" applies only to {} target groups", kinds.join(" or ")),
                    ));
                }
            }
        }
        problems.extend(check_target_group_health(config));
        problems.extend(provider_value_checks(config));
        if let Some(name) = config.get("name").as_str() {
            if name.len() > 32 {
                problems
                    .push(("name".to_string(), format!("\"{name}\" is longer than 32 characters")));
            }
        }
        problems
    }

    async fn describe(
        this: &AwsLbTargetGroup,
        arns: &[String],
        _hints: &BTreeMap<String, &Value>,
    ) -> Result<BTreeMap<String, TargetGroup>, ProviderError> {
        let client = &this.aws.clients().await.elbv2;
        this.by_arn(
            arns,
            |arns| client.describe_target_groups().set_target_group_arns(Some(arns)).send(),
            |answer| answer.target_groups(),
            // Every target group.
            || async move { all_items!(client.describe_target_groups()) },
        )
        .await
    }

    /// The group with its attributes; `hint` (the prior or planned value) shapes the blocks.
    async fn value(
        this: &AwsLbTargetGroup,
        arn: &str,
        group: &TargetGroup,
        tags: &[(String, String)],
        hint: &Value,
    ) -> Result<Value, ProviderError> {
        let attributes = this.attributes(arn).await?;
        Ok(fit_to_config(to_value(group, &attributes, tags, hint), hint))
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.elbv2;
        let name = name_to_create(at.planned, "tf-");
        let response = sent!(create_request(client, &name, at.planned)
            .set_tags(Some(tags_to_sdk(&at.operation.tags_with_managed(at.planned)))))?;
        let arn = AwsLbTargetGroup::created_arn(response.target_groups(), &name)?;
        // Only what differs from AWS's own defaults: saves a call per group.
        let kind = group_kind(at.planned).unwrap_or_default();
        let mut attributes = settings_to_send(SETTINGS, &kind, &Value::Null, at.planned);
        attributes.extend(block_attributes(&Value::Null, at.planned));
        at.this.modify_attributes(&arn, attributes).await?;
        Ok(arn)
    }

    async fn update(at: Updating<'_, Self>) -> Result<(), ProviderError> {
        let client = &at.this.aws.clients().await.elbv2;
        if changed(at.prior, at.planned, "health_check") {
            let call = client.modify_target_group().target_group_arn(at.key);
            sent!(with_health_check!(call, at.planned))?;
        }
        let kind = group_kind(at.planned).unwrap_or_default();
        let mut attributes = settings_to_send(SETTINGS, &kind, at.prior, at.planned);
        attributes.extend(block_attributes(at.prior, at.planned));
        at.this.modify_attributes(at.key, attributes).await
    }

    async fn delete(this: &AwsLbTargetGroup, arn: &str) -> Result<(), ProviderError> {
        let client = &this.aws.clients().await.elbv2;
        sent!(client.delete_target_group().target_group_arn(arn)).map(|_| ())
    }

    async fn find_created(at: Creating<'_, Self>) -> Result<Option<Value>, ProviderError> {
        let client = &at.this.aws.clients().await.elbv2;
        at.created_named(
            |name| client.describe_target_groups().names(name).send(),
            |answer| answer.target_groups(),
            async { all_items!(client.describe_target_groups()) },
        )
        .await
    }
}

#[cfg(test)]
mod target_group_health_tests {
    use super::*;

    fn health(dns: Option<(&str, &str)>, routing: Option<(f64, &str)>) -> Value {
        let dns = dns.map(|(count, percentage)| {
            Value::map([
                ("minimum_healthy_targets_count", Value::string(count)),
                ("minimum_healthy_targets_percentage", Value::string(percentage)),
            ])
        });
        let routing = routing.map(|(count, percentage)| {
            Value::map([
                ("minimum_healthy_targets_count", Value::Number(count)),
                ("minimum_healthy_targets_percentage", Value::string(percentage)),
            ])
        });
        Value::List(vec![Value::map([
            ("dns_failover", Value::List(dns.into_iter().collect())),
            ("unhealthy_state_routing", Value::List(routing.into_iter().collect())),
        ])])
    }

    fn group() -> TargetGroup {
        TargetGroup::builder()
            .target_group_arn("arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/blue/1")
            .target_type(TargetTypeEnum::Ip)
            .protocol(ProtocolEnum::Http)
            .build()
    }

    /// terraform-aws-modules/alb's complete example: DNS failover and unhealthy state
    /// routing thresholds on an ip group, sent as the four `target_group_health.*` target
    /// group attributes and read back the same.
    #[test]
    fn target_group_health_goes_to_aws_and_comes_back() {
        let planned = Value::map([
            ("target_type", Value::string("ip")),
            ("protocol", Value::string("HTTP")),
            ("target_group_health", health(Some(("1", "off")), Some((1.0, "50")))),
        ]);
        let sent = block_attributes(&Value::Null, &planned);
        assert_eq!(
            sent,
            [
                (
                    "target_group_health.dns_failover.minimum_healthy_targets.count",
                    "1".to_string()
                ),
                (
                    "target_group_health.dns_failover.minimum_healthy_targets.percentage",
                    "off".to_string()
                ),
                (
                    "target_group_health.unhealthy_state_routing.minimum_healthy_targets.count",
                    "1".to_string()
                ),
                (
                    "target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage",
                    "50".to_string()
                ),
            ]
        );
        let reported: BTreeMap<String, String> =
            sent.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        let read = to_value(&group(), &reported, &[], &planned);
        assert_eq!(read.get("target_group_health"), planned.get("target_group_health"));

        // Without the block in the configuration (Optional+Computed), AWS's values are read.
        let unset = to_value(&group(), &reported, &[], &Value::Null);
        assert_eq!(unset.get("target_group_health"), planned.get("target_group_health"));
        // A configuration with only DNS failover reads only DNS failover back.
        let dns_only = Value::map([("target_group_health", health(Some(("1", "off")), None))]);
        let read = to_value(&group(), &reported, &[], &dns_only);
        assert_eq!(read.get("target_group_health"), dns_only.get("target_group_health"));
        // AWS reporting none of the keys (another kind of group): no block.
        let none = to_value(&group(), &BTreeMap::new(), &[], &planned);
        assert_eq!(none.get("target_group_health"), &Value::List(vec![]));
    }

    /// The provider sends the block for instance and ip groups only, never for GENEVE, and
    /// checks its values.
    #[test]
    fn target_group_health_is_checked_and_sent_only_where_it_applies() {
        let lambda = Value::map([
            ("target_type", Value::string("lambda")),
            ("target_group_health", health(Some(("off", "off")), None)),
        ]);
        assert!(block_attributes(&Value::Null, &lambda).is_empty());
        let geneve = with_entries(&lambda, [("target_type", "ip"), ("protocol", "GENEVE")]);
        assert!(block_attributes(&Value::Null, &geneve).is_empty());
        assert!(!takes_target_group_health(&geneve));

        let bad =
            Value::map([("target_group_health", health(Some(("some", "0")), Some((1.0, "101"))))]);
        let problems: Vec<String> =
            check_target_group_health(&bad).into_iter().map(|(path, _)| path).collect();
        assert_eq!(
            problems,
            [
                "target_group_health.dns_failover.minimum_healthy_targets_count",
                "target_group_health.dns_failover.minimum_healthy_targets_percentage",
                "target_group_health.unhealthy_state_routing.minimum_healthy_targets_percentage",
            ]
        );
        let good =
            Value::map([("target_group_health", health(Some(("3", "100")), Some((2.0, "off"))))]);
        assert!(check_target_group_health(&good).is_empty());
    }

    fn with_entries<const N: usize>(value: &Value, entries: [(&str, &str); N]) -> Value {
        let mut object = value.as_map().cloned().unwrap_or_default();
        for (key, text) in entries {
            object.insert(key.to_string(), Value::string(text));
        }
        Value::Map(object)
    }
}

/// moto 5.2.5 neither keeps nor returns `TargetControlPort`: the request and the read-back are
/// shown here.
#[cfg(test)]
mod target_control_port_tests {
    use super::*;
    use crate::elbv2_support::test_client as client;

    fn planned(port: Option<f64>) -> Value {
        let mut object = BTreeMap::from([
            ("target_type".to_string(), Value::string("ip")),
            ("protocol".to_string(), Value::string("HTTP")),
            ("port".to_string(), Value::Number(80.0)),
            ("vpc_id".to_string(), Value::string("vpc-1")),
        ]);
        if let Some(port) = port {
            object.insert("target_control_port".to_string(), Value::Number(port));
        }
        Value::Map(object)
    }

    #[test]
    fn the_target_control_port_is_sent_on_create_and_read_back() {
        let request = create_request(&client(), "web", &planned(Some(3000.0)));
        let input = request.as_input();
        assert_eq!(input.get_target_control_port(), &Some(3000));
        assert_eq!(input.get_port(), &Some(80));
        let request = create_request(&client(), "web", &planned(None));
        assert_eq!(request.as_input().get_target_control_port(), &None);

        let group = TargetGroup::builder()
            .target_group_arn("arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/1")
            .target_type(TargetTypeEnum::Ip)
            .protocol(ProtocolEnum::Http)
            .port(80)
            .target_control_port(3000)
            .build();
        let read = to_value(&group, &BTreeMap::new(), &[], &planned(Some(3000.0)));
        assert_eq!(read.get("target_control_port"), &Value::Number(3000.0));
        let without = TargetGroup::builder()
            .target_group_arn("arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/1")
            .build();
        let read = to_value(&without, &BTreeMap::new(), &[], &planned(None));
        assert_eq!(read.get("target_control_port"), &Value::Null);
    }

    /// A port from 1 to 65535 (the provider's IsPortNumber), and a change replaces the group:
    /// ModifyTargetGroup cannot change it.
    #[test]
    fn the_target_control_port_is_a_port_that_forces_a_new_group() {
        let group = AwsLbTargetGroup::new(crate::Aws::new(crate::ProviderSettings::default()));
        let attribute = group.schema.attribute("target_control_port").expect("declared");
        assert!(attribute.force_new && attribute.not_supported.is_none());
        let problems = |port: f64| {
            group
                .schema
                .validate(&planned(Some(port)))
                .into_iter()
                .filter(|(path, _)| path == "target_control_port")
                .count()
        };
        assert_eq!(problems(0.0), 1);
        assert_eq!(problems(65536.0), 1);
        assert_eq!(problems(1.0), 0);
        assert_eq!(problems(65535.0), 0);
    }
}

/// The audit of issue 36 against the provider's schema (target_group.go): the state shape of
/// `deregistration_delay`, the StateFunc'd protocols, and the provider's validations and
/// defaults.
#[cfg(test)]
mod provider_schema_tests {
    use super::*;
    use crate::elbv2_support::test_client as client;
    use infra_core::ResourceType;

    fn group() -> AwsLbTargetGroup {
        AwsLbTargetGroup::new(crate::Aws::new(crate::ProviderSettings::default()))
    }

    fn http_group(extra: &[(&str, Value)]) -> Value {
        let mut object = BTreeMap::from([
            ("port".to_string(), Value::Number(80.0)),
            ("protocol".to_string(), Value::string("HTTP")),
            ("vpc_id".to_string(), Value::string("vpc-1")),
        ]);
        for (key, value) in extra {
            object.insert(key.to_string(), value.clone());
        }
        Value::Map(object)
    }

    fn problems_at(config: &Value, path: &str) -> Vec<String> {
        let resource = group();
        let mut problems = resource.schema.validate(config);
        problems.extend(resource.validate(config));
        problems.into_iter().filter(|(at, _)| at == path).map(|(_, message)| message).collect()
    }

    /// The provider's `deregistration_delay` is a string (a nullable int): its state holds
    /// "300", which is what infra reads and stores; a configured number becomes that string,
    /// and the request sends it.
    #[test]
    fn deregistration_delay_is_a_string_as_the_provider_stores_it() {
        let resource = group();
        let attribute = resource.schema.attribute("deregistration_delay").expect("declared");
        assert_eq!(attribute.ty, Type::String);
        assert_eq!(attribute.default, Some(Value::string("300")));

        let reported = BTreeMap::from([(
            "deregistration_delay.timeout_seconds".to_string(),
            "30".to_string(),
        )]);
        let aws = TargetGroup::builder()
            .target_group_arn("arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/1")
            .protocol(ProtocolEnum::Http)
            .build();
        let read = to_value(&aws, &reported, &[], &Value::Null);
        assert_eq!(read.get("deregistration_delay"), &Value::string("30"));

        // A configured number: the schema's normalization makes it the state's string.
        let mut planned = http_group(&[("deregistration_delay", Value::Number(30.0))]);
        resource.schema.normalize(&mut planned);
        assert_eq!(planned.get("deregistration_delay"), &Value::string("30"));
        assert_eq!(
            settings_to_send(SETTINGS, "HTTP", &Value::Null, &planned),
            [("deregistration_delay.timeout_seconds", "30".to_string())]
        );
        // A Terraform state's "300" and AWS's default read the same: no change to send.
        let state = http_group(&[("deregistration_delay", Value::string("300"))]);
        let configured = http_group(&[("deregistration_delay", Value::Number(300.0))]);
        let mut configured = configured;
        resource.schema.normalize(&mut configured);
        assert!(settings_to_send(SETTINGS, "HTTP", &state, &configured).is_empty());

        assert!(problems_at(
            &http_group(&[("deregistration_delay", Value::string("60"))]),
            "deregistration_delay"
        )
        .is_empty());
        assert_eq!(
            problems_at(
                &http_group(&[("deregistration_delay", Value::string("soon"))]),
                "deregistration_delay"
            )
            .len(),
            1
        );
        assert_eq!(
            problems_at(
                &http_group(&[("deregistration_delay", Value::Number(3601.0))]),
                "deregistration_delay"
            )
            .len(),
            1
        );
    }

    /// `protocol_version` and `health_check.protocol` are checked in any case and stored
    /// upper-case (the provider's StateFunc): `grpc` and `http` plan what AWS reports, and
    /// the request sends the upper-case value.
    #[test]
    fn protocol_version_and_health_check_protocol_are_upper_cased() {
        let resource = group();
        let config = http_group(&[
            ("protocol_version", Value::string("grpc")),
            (
                "health_check",
                Value::List(vec![Value::map([
                    ("protocol", Value::string("http")),
                    ("matcher", Value::string("12")),
                ])]),
            ),
        ]);
        assert!(problems_at(&config, "protocol_version").is_empty());
        assert!(problems_at(&config, "health_check[0].protocol").is_empty());
        let mut planned = config.clone();
        resource.normalize(&mut planned);
        assert_eq!(planned.get("protocol_version"), &Value::string("GRPC"));
        assert_eq!(
            single(&planned, "health_check").unwrap().get("protocol"),
            &Value::string("HTTP")
        );
        let request = create_request(&client(), "web", &config);
        let input = request.as_input();
        assert_eq!(input.get_protocol_version().as_deref(), Some("GRPC"));
        assert_eq!(input.get_health_check_protocol(), &Some(ProtocolEnum::Http));
        // The gRPC matcher goes as a gRPC code whatever the configured case.
        assert_eq!(
            input.get_matcher().as_ref().and_then(|m| m.grpc_code()).map(str::to_string),
            Some("12".to_string())
        );

        let bad = http_group(&[
            ("protocol_version", Value::string("http3")),
            ("health_check", Value::List(vec![Value::map([("protocol", Value::string("udp"))])])),
        ]);
        assert_eq!(problems_at(&bad, "protocol_version").len(), 1);
        assert_eq!(problems_at(&bad, "health_check[0].protocol").len(), 1);
    }

    /// `slow_start` is 0 or 30-900 (the provider's validation.Any), not any of 0-900.
    #[test]
    fn slow_start_is_zero_or_thirty_to_nine_hundred() {
        let count = |seconds: f64| {
            problems_at(&http_group(&[("slow_start", Value::Number(seconds))]), "slow_start").len()
        };
        assert_eq!(count(0.0), 0);
        assert_eq!(count(1.0), 1);
        assert_eq!(count(29.0), 1);
        assert_eq!(count(30.0), 0);
        assert_eq!(count(900.0), 0);
        assert_eq!(count(901.0), 1);
    }

    /// `deregistration_delay = ""` is unset, as the provider's nullable int reads it (its
    /// expand sends nothing for ""): it plans the default, so "" never goes to AWS and AWS's
    /// reported default re-plans clean; nor is it refused on a lambda group.
    #[test]
    fn an_empty_deregistration_delay_is_unset() {
        let resource = group();
        let mut planned = http_group(&[("deregistration_delay", Value::string(""))]);
        resource.schema.normalize(&mut planned);
        ResourceType::normalize(&resource, &mut planned);
        assert_eq!(planned.get("deregistration_delay"), &Value::string("300"));
        // Nothing to send on create (AWS's default), and nothing after a read of it.
        assert!(settings_to_send(SETTINGS, "HTTP", &Value::Null, &planned).is_empty());
        let state = http_group(&[("deregistration_delay", Value::string("300"))]);
        assert!(settings_to_send(SETTINGS, "HTTP", &state, &planned).is_empty());
        // From another value, the default is what unset sends.
        let state = http_group(&[("deregistration_delay", Value::string("60"))]);
        assert_eq!(
            settings_to_send(SETTINGS, "HTTP", &state, &planned),
            [("deregistration_delay.timeout_seconds", "300".to_string())]
        );
        assert!(problems_at(
            &http_group(&[("deregistration_delay", Value::string(""))]),
            "deregistration_delay"
        )
        .is_empty());
        let lambda = Value::map([
            ("target_type", Value::string("lambda")),
            ("deregistration_delay", Value::string("")),
        ]);
        assert!(problems_at(&lambda, "deregistration_delay").is_empty());
    }

    /// `target_health_state.enable_unhealthy_connection_termination` is Required in the
    /// provider's schema: a block without it is a plan-time error at that argument.
    #[test]
    fn unhealthy_connection_termination_is_required() {
        let tcp_group = |state: Value| {
            Value::map([
                ("port", Value::Number(80.0)),
                ("protocol", Value::string("TCP")),
                ("vpc_id", Value::string("vpc-1")),
                ("target_health_state", Value::List(vec![state])),
            ])
        };
        let path = "target_health_state[0].enable_unhealthy_connection_termination";
        let missing = tcp_group(Value::map([("unhealthy_draining_interval", Value::Number(60.0))]));
        let problems = problems_at(&missing, path);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("is required"), "{problems:?}");
        let given = tcp_group(Value::map([(
            "enable_unhealthy_connection_termination",
            Value::Bool(false),
        )]));
        assert!(problems_at(&given, path).is_empty());
    }

    /// `target_health_state.unhealthy_draining_interval` defaults to 0 (not Optional+Computed),
    /// so removing it plans 0 and sends it, as the provider does.
    #[test]
    fn unhealthy_draining_interval_defaults_to_zero() {
        let resource = group();
        let block = resource.schema.block_named("target_health_state").expect("declared");
        let attribute = block.schema.attribute("unhealthy_draining_interval").expect("declared");
        assert_eq!(attribute.default, Some(Value::Number(0.0)));
        assert!(!attribute.is_computed());

        let state = |interval: f64| {
            Value::map([
                ("protocol", Value::string("TCP")),
                (
                    "target_health_state",
                    Value::List(vec![Value::map([
                        ("enable_unhealthy_connection_termination", Value::Bool(false)),
                        ("unhealthy_draining_interval", Value::Number(interval)),
                    ])]),
                ),
            ])
        };
        assert_eq!(
            block_attributes(&state(300.0), &state(0.0)),
            [
                (
                    "target_health_state.unhealthy.connection_termination.enabled",
                    "false".to_string()
                ),
                ("target_health_state.unhealthy.draining_interval_seconds", "0".to_string()),
            ]
        );
    }
}
