//! `aws_lb` (alias `aws_alb`): an application, network or gateway load balancer.
//!
//! Refresh is one DescribeLoadBalancers with every ARN (falling back to a full listing when
//! one ARN is gone, since the call then fails), DescribeTags 20 ARNs a call, and one
//! DescribeLoadBalancerAttributes per load balancer (the API has no batch form).
//!
//! The load balancer attributes (`idle_timeout`, `enable_http2`, ...) are one table,
//! [`SETTINGS`]: each applies to some load balancer types, and one set on another type to
//! other than its neutral value is a plan-time error, since AWS would not take it. The S3 log
//! blocks (`access_logs`; `connection_logs` and `health_check_logs`, provider 6.x) are another,
//! [`LOG_BLOCKS`], sent and read by one path: each for the types the provider sends it for
//! (access logs for application and network load balancers, the others for application ones),
//! an enabled one on another type a plan-time error, and a block on a type that does not take
//! it kept as configured, as the provider leaves it. Without
//! `name` or `name_prefix` the name is generated (`tf-lb-...`), as the provider does.
//! `subnets` reads the zones AWS reports; `subnet_mapping` does too when it is configured.
//!
//! moto does not return `subnet_mapping` addresses (`allocation_id`, `private_ipv4_address`,
//! `ipv6_address`), and reports cross-zone load balancing off for application load balancers,
//! so drift on them is not seen in tests.
//!
//! moto 5.2.5 takes no `health_check_logs.s3.bucket` or `.prefix` attribute, so health check
//! logs are shown by a unit test, not against the emulator.
//!
//! Not supported yet ([`Schema::not_supported`]): `customer_owned_ipv4_pool`, `dns_record_client_routing_policy`, `enable_zonal_shift`,
//! `enforce_security_group_inbound_rules_on_private_link_traffic`, `ipam_pools`,
//! `minimum_load_balancer_capacity` and `secondary_ips_auto_assigned_per_subnet`.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_elasticloadbalancingv2::types::{
    IpAddressType, LoadBalancer, LoadBalancerAttribute, LoadBalancerSchemeEnum,
    LoadBalancerTypeEnum, SubnetMapping,
};
use infra_core::{
    Attribute, Block, Check, Nesting, Operation, ProviderError, ResourceType, Schema, Type, Value,
};

use crate::app_support::{
    blocks, boolean, changed, non_empty, set_tags, single, string, string_list, strings, text,
    vanished, wait_for,
};
use crate::elbv2_support::{
    arn_suffix, describe_tags, generated_name, has_managed_tags, name_prefix_of, settings_to_send,
    tags_to_sdk, update_tags, Setting, SettingKind,
};
use crate::error::{aws_error, is_not_found};
use crate::tagging::{ManagedTags, WithTags};
use crate::Aws;

const APPLICATION: &[&str] = &["application"];
const NETWORK: &[&str] = &["network", "gateway"];
const ALL: &[&str] = &["application", "network", "gateway"];

/// The load balancer attributes the schema exposes as top-level arguments.
const SETTINGS: &[Setting] = &[
    Setting::new(
        "idle_timeout",
        "idle_timeout.timeout_seconds",
        SettingKind::Number,
        Some("60"),
        APPLICATION,
    )
    .checked(Check::Range(1, 4000)),
    Setting::new(
        "enable_deletion_protection",
        "deletion_protection.enabled",
        SettingKind::Bool,
        Some("false"),
        ALL,
    ),
    Setting::new(
        "drop_invalid_header_fields",
        "routing.http.drop_invalid_header_fields.enabled",
        SettingKind::Bool,
        Some("false"),
        APPLICATION,
    ),
    Setting::new(
        "preserve_host_header",
        "routing.http.preserve_host_header.enabled",
        SettingKind::Bool,
        Some("false"),
        APPLICATION,
    ),
    Setting::new(
        "xff_header_processing_mode",
        "routing.http.xff_header_processing.mode",
        SettingKind::String,
        Some("append"),
        APPLICATION,
    )
    .checked(Check::OneOf(&["append", "preserve", "remove"])),
    Setting::new(
        "enable_xff_client_port",
        "routing.http.xff_client_port.enabled",
        SettingKind::Bool,
        Some("false"),
        APPLICATION,
    ),
    Setting::new(
        "enable_tls_version_and_cipher_suite_headers",
        "routing.http.x_amzn_tls_version_and_cipher_suite.enabled",
        SettingKind::Bool,
        Some("false"),
        APPLICATION,
    ),
    Setting::new(
        "enable_http2",
        "routing.http2.enabled",
        SettingKind::Bool,
        Some("true"),
        APPLICATION,
    ),
    Setting::new(
        "desync_mitigation_mode",
        "routing.http.desync_mitigation_mode",
        SettingKind::String,
        Some("defensive"),
        APPLICATION,
    )
    .checked(Check::OneOf(&["monitor", "defensive", "strictest"])),
    Setting::new(
        "enable_waf_fail_open",
        "waf.fail_open.enabled",
        SettingKind::Bool,
        Some("false"),
        APPLICATION,
    ),
    Setting::new(
        "client_keep_alive",
        "client_keep_alive.seconds",
        SettingKind::Number,
        Some("3600"),
        APPLICATION,
    )
    .checked(Check::Range(60, 604_800)),
    // Always on for application load balancers; off by default for the others.
    Setting::new(
        "enable_cross_zone_load_balancing",
        "load_balancing.cross_zone.enabled",
        SettingKind::Bool,
        None,
        NETWORK,
    )
    .neutral("true"),
];

/// One of the load balancer's S3 log blocks: its attribute keys, and the load balancer types
/// the provider sends and reads it for.
struct LogBlock {
    name: &'static str,
    enabled: &'static str,
    bucket: &'static str,
    prefix: &'static str,
    types: &'static [&'static str],
}

/// The S3 log blocks, each `{ bucket, enabled, prefix }`.
const LOG_BLOCKS: &[LogBlock] = &[
    LogBlock {
        name: "access_logs",
        enabled: "access_logs.s3.enabled",
        bucket: "access_logs.s3.bucket",
        prefix: "access_logs.s3.prefix",
        types: &["application", "network"],
    },
    LogBlock {
        name: "connection_logs",
        enabled: "connection_logs.s3.enabled",
        bucket: "connection_logs.s3.bucket",
        prefix: "connection_logs.s3.prefix",
        types: APPLICATION,
    },
    LogBlock {
        name: "health_check_logs",
        enabled: "health_check_logs.s3.enabled",
        bucket: "health_check_logs.s3.bucket",
        prefix: "health_check_logs.s3.prefix",
        types: APPLICATION,
    },
];

impl LogBlock {
    fn applies_to(&self, kind: &str) -> bool {
        self.types.contains(&kind)
    }

    fn block(&self) -> Block {
        Block::single(
            self.name,
            Schema::new()
                .attr(Attribute::required("bucket", Type::String))
                .attr(Attribute::optional("prefix", Type::String))
                .attr(Attribute::optional("enabled", Type::Bool).default(Value::Bool(false))),
        )
        .kept_when_unset()
    }

    /// The attributes to send when the block differs from `prior`'s (all of them, or
    /// "disabled" when the block is gone).
    fn to_send(&self, prior: &Value, planned: &Value) -> Vec<(&'static str, String)> {
        if !changed(prior, planned, self.name) {
            return vec![];
        }
        match single(planned, self.name) {
            Some(logs) => vec![
                (self.bucket, string(logs, "bucket").unwrap_or_default()),
                (self.prefix, string(logs, "prefix").unwrap_or_default()),
                (
                    self.enabled,
                    boolean(logs, "enabled").unwrap_or(false).to_string(),
                ),
            ],
            None if single(prior, self.name).is_some() => vec![(self.enabled, "false".to_string())],
            None => vec![],
        }
    }

    /// The block as AWS reports it (no bucket, no block) on a `kind` it applies to; on another
    /// kind, what `hint` (the configuration or prior state) has, as the provider keeps it.
    fn read(&self, attributes: &BTreeMap<String, String>, kind: &str, hint: &Value) -> Value {
        if !self.applies_to(kind) {
            let configured = hint.get(self.name);
            return match configured {
                Value::List(_) if configured.is_wholly_known() => configured.clone(),
                _ => Value::List(vec![]),
            };
        }
        let blocks = match attributes.get(self.bucket) {
            Some(bucket) if !bucket.is_empty() => vec![Value::map([
                ("bucket", Value::string(bucket)),
                (
                    "prefix",
                    attributes
                        .get(self.prefix)
                        .filter(|p| !p.is_empty())
                        .map(Value::string)
                        .unwrap_or(Value::Null),
                ),
                (
                    "enabled",
                    Value::Bool(attributes.get(self.enabled).map(String::as_str) == Some("true")),
                ),
            ])],
            _ => vec![],
        };
        Value::List(blocks)
    }

    /// A plan-time problem when `config` enables the block on a `kind` that does not take it
    /// (a disabled one is harmless, and not sent).
    fn misplaced(&self, config: &Value, kind: &str) -> Option<String> {
        let logs = single(config, self.name)?;
        if self.applies_to(kind) || logs.get("enabled") == &Value::Bool(false) {
            return None;
        }
        Some(format!(
            "\"{}\" applies only to {} load balancers (this one is {kind})",
            self.name,
            self.types.join(" or ")
        ))
    }
}

/// The log block attributes to send for a `kind` of load balancer, from `prior` (null on
/// create) to `planned`.
fn log_attributes(kind: &str, prior: &Value, planned: &Value) -> Vec<(&'static str, String)> {
    LOG_BLOCKS
        .iter()
        .filter(|logs| logs.applies_to(kind))
        .flat_map(|logs| logs.to_send(prior, planned))
        .collect()
}

/// Why the provider's newer arguments are not supported.
const OUTSIDE: &str = "configure it on the load balancer outside infra";

fn load_balancer_type(value: &Value) -> String {
    string(value, "load_balancer_type").unwrap_or_else(|| "application".to_string())
}

pub struct AwsLb {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsLb {
    pub fn new(aws: Arc<Aws>) -> AwsLb {
        let schema = Schema::new()
            .timeouts(&["create", "update", "delete"])
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("arn_suffix", Type::String))
            .attr(Attribute::computed("dns_name", Type::String))
            .attr(Attribute::computed("zone_id", Type::String))
            .attr(Attribute::computed("vpc_id", Type::String))
            .attr(Attribute::optional_computed("name", Type::String).force_new())
            .attr(Attribute::optional("name_prefix", Type::String).force_new())
            .attr(
                Attribute::optional("internal", Type::Bool)
                    .default(Value::Bool(false))
                    .force_new(),
            )
            .attr(
                Attribute::optional("load_balancer_type", Type::String)
                    .default(Value::string("application"))
                    .check(Check::OneOf(&["application", "network", "gateway"]))
                    .force_new(),
            )
            .attr(Attribute::optional_computed(
                "security_groups",
                Type::set(Type::String),
            ))
            .attr(Attribute::optional_computed(
                "subnets",
                Type::set(Type::String),
            ))
            .attr(
                Attribute::optional_computed("ip_address_type", Type::String).check(Check::OneOf(
                    &["ipv4", "dualstack", "dualstack-without-public-ipv4"],
                )),
            );
        let schema = LOG_BLOCKS
            .iter()
            .fold(schema, |schema, logs| schema.block(logs.block()))
            .block(
                Block::set(
                    "subnet_mapping",
                    Schema::new()
                        .attr(Attribute::required("subnet_id", Type::String))
                        .attr(Attribute::optional("allocation_id", Type::String))
                        .attr(Attribute::optional("private_ipv4_address", Type::String))
                        .attr(Attribute::optional_computed("ipv6_address", Type::String))
                        .attr(Attribute::computed("outpost_id", Type::String)),
                )
                .force_new()
                .computed(),
            );
        let schema = SETTINGS
            .iter()
            .fold(schema, |schema, setting| schema.attr(setting.attribute()))
            .not_supported("customer_owned_ipv4_pool", Type::String, OUTSIDE)
            .not_supported("dns_record_client_routing_policy", Type::String, OUTSIDE)
            .not_supported("enable_zonal_shift", Type::Bool, OUTSIDE)
            .not_supported(
                "enforce_security_group_inbound_rules_on_private_link_traffic",
                Type::String,
                OUTSIDE,
            )
            .not_supported("ipam_pools", Nesting::List, OUTSIDE)
            .not_supported("minimum_load_balancer_capacity", Nesting::List, OUTSIDE)
            .not_supported(
                "secondary_ips_auto_assigned_per_subnet",
                Type::Number,
                OUTSIDE,
            )
            .with_tags();
        AwsLb { aws, schema }
    }

    /// Load balancers by ARN; missing ones are absent from the map.
    async fn describe(
        &self,
        arns: &[String],
    ) -> Result<BTreeMap<String, LoadBalancer>, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let mut found = BTreeMap::new();
        if arns.is_empty() {
            return Ok(found);
        }
        let listed = client
            .describe_load_balancers()
            .set_load_balancer_arns(Some(arns.to_vec()))
            .send()
            .await
            .map_err(aws_error);
        let load_balancers = match listed {
            Ok(response) => response.load_balancers().to_vec(),
            // One missing ARN fails the whole call: list everything instead and match.
            Err(error) if is_not_found(&error) => {
                let mut all = Vec::new();
                let mut pages = client.describe_load_balancers().into_paginator().send();
                while let Some(page) = pages.next().await {
                    all.extend(page.map_err(aws_error)?.load_balancers().iter().cloned());
                }
                all
            }
            Err(error) => return Err(error),
        };
        for load_balancer in load_balancers {
            if let Some(arn) = load_balancer.load_balancer_arn() {
                if arns.iter().any(|a| a == arn) {
                    found.insert(arn.to_string(), load_balancer);
                }
            }
        }
        Ok(found)
    }

    async fn attributes(&self, arn: &str) -> Result<BTreeMap<String, String>, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let response = client
            .describe_load_balancer_attributes()
            .load_balancer_arn(arn)
            .send()
            .await
            .map_err(aws_error)?;
        Ok(response
            .attributes()
            .iter()
            .filter_map(|a| Some((a.key()?.to_string(), a.value()?.to_string())))
            .collect())
    }

    /// Reads full values for `arns`, keyed by ARN.
    /// Reads full values for `arns`, keyed by ARN; `hints` (ARN → prior or planned value)
    /// decide whether `subnet_mapping` is shown.
    async fn read_arns(
        &self,
        arns: &[String],
        hints: &BTreeMap<String, &Value>,
    ) -> Result<BTreeMap<String, (Value, Vec<(String, String)>)>, ProviderError> {
        let load_balancers = self.describe(arns).await?;
        let found: Vec<String> = load_balancers.keys().cloned().collect();
        let tags = describe_tags(&self.aws.clients().await.elbv2, &found).await?;
        let mut out = BTreeMap::new();
        for (arn, load_balancer) in load_balancers {
            let attributes = self.attributes(&arn).await?;
            let tags = tags.get(&arn).cloned().unwrap_or_default();
            out.insert(
                arn.clone(),
                (
                    to_value(
                        &load_balancer,
                        &attributes,
                        &tags,
                        hints.get(&arn).copied().unwrap_or(&Value::Null),
                    ),
                    tags,
                ),
            );
        }
        Ok(out)
    }

    pub(crate) async fn read_one(&self, arn: &str, hint: &Value) -> Result<Value, ProviderError> {
        self.read_arns(
            &[arn.to_string()],
            &BTreeMap::from([(arn.to_string(), hint)]),
        )
        .await?
        .remove(arn)
        .map(|(value, _)| value)
        .ok_or_else(|| vanished("load balancer", arn))
    }

    async fn modify_attributes(
        &self,
        arn: &str,
        attributes: Vec<(&str, String)>,
    ) -> Result<(), ProviderError> {
        if attributes.is_empty() {
            return Ok(());
        }
        let client = &self.aws.clients().await.elbv2;
        client
            .modify_load_balancer_attributes()
            .load_balancer_arn(arn)
            .set_attributes(Some(
                attributes
                    .into_iter()
                    .map(|(key, value)| {
                        LoadBalancerAttribute::builder()
                            .key(key)
                            .value(value)
                            .build()
                    })
                    .collect(),
            ))
            .send()
            .await
            .map_err(aws_error)?;
        Ok(())
    }
}

/// The SDK subnet mappings, when `subnet_mapping` blocks are configured.
fn subnet_mappings(planned: &Value) -> Option<Vec<SubnetMapping>> {
    let mappings = blocks(planned, "subnet_mapping");
    (!mappings.is_empty()).then(|| {
        mappings
            .iter()
            .map(|mapping| {
                SubnetMapping::builder()
                    .set_subnet_id(string(mapping, "subnet_id"))
                    .set_allocation_id(non_empty(mapping, "allocation_id"))
                    .set_private_ipv4_address(non_empty(mapping, "private_ipv4_address"))
                    .set_ipv6_address(non_empty(mapping, "ipv6_address"))
                    .build()
            })
            .collect()
    })
}

fn to_value(
    load_balancer: &LoadBalancer,
    attributes: &BTreeMap<String, String>,
    tags: &[(String, String)],
    hint: &Value,
) -> Value {
    let arn = load_balancer.load_balancer_arn().unwrap_or_default();
    let mut object = BTreeMap::new();
    object.insert("id".to_string(), Value::string(arn));
    object.insert("arn".to_string(), Value::string(arn));
    object.insert("arn_suffix".to_string(), Value::string(arn_suffix(arn)));
    object.insert("dns_name".to_string(), text(load_balancer.dns_name()));
    object.insert(
        "zone_id".to_string(),
        text(load_balancer.canonical_hosted_zone_id()),
    );
    object.insert("vpc_id".to_string(), text(load_balancer.vpc_id()));
    object.insert("name".to_string(), text(load_balancer.load_balancer_name()));
    object.insert(
        "name_prefix".to_string(),
        name_prefix_of(load_balancer.load_balancer_name(), hint),
    );
    object.insert(
        "internal".to_string(),
        Value::Bool(load_balancer.scheme() == Some(&LoadBalancerSchemeEnum::Internal)),
    );
    object.insert(
        "load_balancer_type".to_string(),
        text(load_balancer.r#type().map(|t| t.as_str())),
    );
    object.insert(
        "security_groups".to_string(),
        string_list(load_balancer.security_groups()),
    );
    object.insert(
        "subnets".to_string(),
        string_list(
            load_balancer
                .availability_zones()
                .iter()
                .filter_map(|zone| zone.subnet_id()),
        ),
    );
    // Shown when the configuration uses subnet_mapping; `subnets` shows the zones otherwise.
    let mapped = !blocks(hint, "subnet_mapping").is_empty();
    object.insert(
        "subnet_mapping".to_string(),
        Value::List(
            load_balancer
                .availability_zones()
                .iter()
                .filter(|_| mapped)
                .map(|zone| {
                    let address = zone.load_balancer_addresses().first();
                    Value::map([
                        ("subnet_id", text(zone.subnet_id())),
                        ("outpost_id", text(zone.outpost_id())),
                        (
                            "allocation_id",
                            text(address.and_then(|a| a.allocation_id())),
                        ),
                        (
                            "private_ipv4_address",
                            text(address.and_then(|a| a.private_ipv4_address())),
                        ),
                        ("ipv6_address", text(address.and_then(|a| a.ipv6_address()))),
                    ])
                })
                .collect(),
        ),
    );
    object.insert(
        "ip_address_type".to_string(),
        text(load_balancer.ip_address_type().map(|t| t.as_str())),
    );
    let kind = load_balancer
        .r#type()
        .map_or("application", |kind| kind.as_str());
    for setting in SETTINGS {
        // One that does not apply to this type (cross-zone load balancing on an application
        // load balancer, where it is always on) is not read: the provider suppresses its diff
        // there, and terraform-aws-modules/alb sets it to true on every load balancer.
        let configured = hint.get(setting.name);
        let value =
            if setting.applies_to(kind) || configured.is_null() || !configured.is_wholly_known() {
                setting.read(attributes)
            } else {
                configured.clone()
            };
        object.insert(setting.name.to_string(), value);
    }
    for logs in LOG_BLOCKS {
        object.insert(logs.name.to_string(), logs.read(attributes, kind, hint));
    }
    set_tags(
        &mut object,
        tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    );
    Value::Map(object)
}

#[async_trait::async_trait]
impl ResourceType for AwsLb {
    fn name(&self) -> &'static str {
        "aws_lb"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["aws_alb"]
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let is_application = config
            .get("load_balancer_type")
            .as_str()
            .unwrap_or("application")
            == "application";
        let subnets = match blocks(config, "subnet_mapping") {
            [] => config.get("subnets").clone(),
            mappings => Value::List(mappings.to_vec()),
        };
        let subnets = &subnets;
        // AWS refuses an application load balancer in fewer than two subnets; moto does not.
        if is_application && subnets.is_wholly_known() {
            if let Some(list) = subnets.as_list() {
                if list.len() < 2 {
                    problems.push((
                        "subnets".to_string(),
                        format!(
                            "an application load balancer needs at least 2 subnets in different Availability Zones, got {}",
                            list.len()
                        ),
                    ));
                }
            }
        }
        if !config.get("name").is_null() && !config.get("name_prefix").is_null() {
            problems.push((
                "name_prefix".to_string(),
                "\"name_prefix\" conflicts with \"name\": set only one.".to_string(),
            ));
        }
        if let Some(prefix) = config.get("name_prefix").as_str() {
            if prefix.len() > 6 {
                problems.push((
                    "name_prefix".to_string(),
                    format!("\"{prefix}\" is longer than 6 characters"),
                ));
            }
        }
        // An unknown type is checked once it is known.
        let kind = match config.get("load_balancer_type") {
            Value::Null => Some("application"),
            known => known.as_str(),
        };
        if let Some(kind) = kind {
            for setting in SETTINGS {
                if let Some(problem) = setting.misplaced(config, kind) {
                    problems.push((setting.name.to_string(), problem));
                }
            }
            for logs in LOG_BLOCKS {
                if let Some(problem) = logs.misplaced(config, kind) {
                    problems.push((logs.name.to_string(), problem));
                }
            }
            if !config.get("subnets").is_null() && !blocks(config, "subnet_mapping").is_empty() {
                problems.push((
                    "subnet_mapping".to_string(),
                    "\"subnet_mapping\" conflicts with \"subnets\": set only one.".to_string(),
                ));
            }
        }
        if let Some(name) = config.get("name").as_str() {
            if name.len() > 32
                || name.starts_with("internal-")
                || name.starts_with('-')
                || name.ends_with('-')
            {
                problems.push((
                    "name".to_string(),
                    format!("\"{name}\" is not a valid load balancer name: at most 32 characters, no leading or trailing hyphen, not starting with \"internal-\""),
                ));
            }
        }
        problems
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let name = match (string(planned, "name"), non_empty(planned, "name_prefix")) {
            (Some(name), _) => name,
            (None, Some(prefix)) => generated_name(&prefix, 32),
            (None, None) => generated_name("tf-lb-", 32),
        };
        let load_balancer_type = load_balancer_type(planned);
        // Gateway load balancers take no scheme.
        let scheme = match (load_balancer_type.as_str(), boolean(planned, "internal")) {
            ("gateway", _) => None,
            (_, Some(true)) => Some(LoadBalancerSchemeEnum::Internal),
            _ => Some(LoadBalancerSchemeEnum::InternetFacing),
        };
        let security_groups = strings(planned, "security_groups");
        let mappings = subnet_mappings(planned);
        let response = client
            .create_load_balancer()
            .name(&name)
            .set_scheme(scheme)
            .r#type(LoadBalancerTypeEnum::from(load_balancer_type.as_str()))
            .set_subnets(mappings.is_none().then(|| strings(planned, "subnets")))
            .set_subnet_mappings(mappings)
            .set_security_groups((!security_groups.is_empty()).then_some(security_groups))
            .set_ip_address_type(
                non_empty(planned, "ip_address_type").map(|t| IpAddressType::from(t.as_str())),
            )
            .set_tags(Some(tags_to_sdk(&operation.tags_with_managed(planned))))
            .send()
            .await
            .map_err(aws_error)?;
        let arn = response
            .load_balancers()
            .first()
            .and_then(|lb| lb.load_balancer_arn())
            .ok_or_else(|| vanished("load balancer", &name))?
            .to_string();
        // Only what differs from AWS's defaults: a new load balancer has those already.
        let mut attributes = settings_to_send(SETTINGS, &load_balancer_type, &Value::Null, planned);
        attributes.extend(log_attributes(&load_balancer_type, &Value::Null, planned));
        self.modify_attributes(&arn, attributes).await?;
        let timeout = operation.timeouts.create;
        wait_for(
            &format!("load balancer {name} to be active"),
            timeout,
            || async {
                let found = self.describe(std::slice::from_ref(&arn)).await?;
                let state = found
                    .get(&arn)
                    .and_then(|lb| lb.state())
                    .and_then(|s| s.code())
                    .map(|c| c.as_str().to_string());
                Ok(match state.as_deref() {
                    Some("active") | None => Some(()),
                    Some("failed") => {
                        return Err(ProviderError::new(format!(
                            "load balancer {name} failed to provision"
                        )))
                    }
                    _ => None,
                })
            },
        )
        .await?;
        self.read_one(&arn, planned).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let arn =
            string(prior, "arn").ok_or_else(|| ProviderError::new("aws_lb has no arn in state"))?;
        if changed(prior, planned, "security_groups")
            && !planned.get("security_groups").is_unknown()
        {
            client
                .set_security_groups()
                .load_balancer_arn(&arn)
                .set_security_groups(Some(strings(planned, "security_groups")))
                .send()
                .await
                .map_err(aws_error)?;
        }
        if changed(prior, planned, "subnets") && !planned.get("subnets").is_unknown() {
            client
                .set_subnets()
                .load_balancer_arn(&arn)
                .set_subnets(Some(strings(planned, "subnets")))
                .send()
                .await
                .map_err(aws_error)?;
        }
        if changed(prior, planned, "ip_address_type") {
            if let Some(kind) = non_empty(planned, "ip_address_type") {
                client
                    .set_ip_address_type()
                    .load_balancer_arn(&arn)
                    .ip_address_type(IpAddressType::from(kind.as_str()))
                    .send()
                    .await
                    .map_err(aws_error)?;
            }
        }
        let load_balancer_type = load_balancer_type(planned);
        let mut attributes = settings_to_send(SETTINGS, &load_balancer_type, prior, planned);
        attributes.extend(log_attributes(&load_balancer_type, prior, planned));
        self.modify_attributes(&arn, attributes).await?;
        update_tags(client, &arn, prior, planned).await?;
        self.read_one(&arn, planned).await
    }

    async fn delete(&self, operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let Some(arn) = string(prior, "arn") else {
            return Ok(());
        };
        match client
            .delete_load_balancer()
            .load_balancer_arn(&arn)
            .send()
            .await
            .map_err(aws_error)
        {
            Ok(_) => {}
            Err(error) if is_not_found(&error) => return Ok(()),
            Err(error) => return Err(error),
        }
        // Security groups and subnets cannot be deleted while the load balancer still exists.
        wait_for(
            &format!("load balancer {arn} to be deleted"),
            operation.timeouts.delete,
            || async {
                Ok(self
                    .describe(std::slice::from_ref(&arn))
                    .await?
                    .is_empty()
                    .then_some(()))
            },
        )
        .await
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let arns: Vec<String> = prior.iter().filter_map(|p| string(p, "arn")).collect();
        let hints: BTreeMap<String, &Value> = prior
            .iter()
            .filter_map(|p| Some((string(p, "arn")?, p)))
            .collect();
        let found = self.read_arns(&arns, &hints).await?;
        Ok(prior
            .iter()
            .map(|p| {
                string(p, "arn")
                    .and_then(|arn| found.get(&arn))
                    .map(|(value, _)| value.clone())
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
            // A generated name: look among every load balancer for this operation's tags.
            let mut arns = Vec::new();
            let mut pages = client.describe_load_balancers().into_paginator().send();
            while let Some(page) = pages.next().await {
                arns.extend(
                    page.map_err(aws_error)?
                        .load_balancers()
                        .iter()
                        .filter_map(|lb| lb.load_balancer_arn().map(str::to_string)),
                );
            }
            let tags = describe_tags(client, &arns).await?;
            let Some(arn) = tags
                .iter()
                .find(|(_, tags)| has_managed_tags(tags, operation))
                .map(|(arn, _)| arn.clone())
            else {
                return Ok(None);
            };
            return Ok(self
                .read_arns(
                    std::slice::from_ref(&arn),
                    &BTreeMap::from([(arn.clone(), planned)]),
                )
                .await?
                .remove(&arn)
                .map(|(value, _)| value));
        };
        let response = client
            .describe_load_balancers()
            .names(&name)
            .send()
            .await
            .map_err(aws_error);
        let arn = match response {
            Ok(response) => response
                .load_balancers()
                .first()
                .and_then(|lb| lb.load_balancer_arn())
                .map(str::to_string),
            Err(error) if is_not_found(&error) => None,
            Err(error) => return Err(error),
        };
        let Some(arn) = arn else { return Ok(None) };
        let mut found = self
            .read_arns(
                std::slice::from_ref(&arn),
                &BTreeMap::from([(arn.clone(), planned)]),
            )
            .await?;
        Ok(found
            .remove(&arn)
            .filter(|(_, tags)| has_managed_tags(tags, operation))
            .map(|(value, _)| value))
    }
}

#[cfg(test)]
mod log_block_tests {
    use super::*;

    fn logs(bucket: &str, prefix: Option<&str>, enabled: bool) -> Value {
        Value::List(vec![Value::map([
            ("bucket", Value::string(bucket)),
            ("prefix", prefix.map(Value::string).unwrap_or(Value::Null)),
            ("enabled", Value::Bool(enabled)),
        ])])
    }

    fn load_balancer(kind: LoadBalancerTypeEnum) -> LoadBalancer {
        LoadBalancer::builder()
            .load_balancer_arn("arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/web/1")
            .r#type(kind)
            .build()
    }

    /// terraform-aws-modules/alb's complete example: connection and health check logs on an
    /// application load balancer. Both go to AWS as their `*.s3.*` attributes, by the same
    /// path as access logs, and come back the same. (moto 5.2.5 refuses
    /// `health_check_logs.s3.bucket`, so this is shown here.)
    #[test]
    fn connection_and_health_check_logs_go_to_aws_and_come_back() {
        let planned = Value::map([
            ("load_balancer_type", Value::string("application")),
            (
                "connection_logs",
                logs("logs", Some("connection-logs"), true),
            ),
            ("health_check_logs", logs("logs", None, true)),
        ]);
        let sent = log_attributes("application", &Value::Null, &planned);
        assert_eq!(
            sent,
            [
                ("connection_logs.s3.bucket", "logs".to_string()),
                ("connection_logs.s3.prefix", "connection-logs".to_string()),
                ("connection_logs.s3.enabled", "true".to_string()),
                ("health_check_logs.s3.bucket", "logs".to_string()),
                ("health_check_logs.s3.prefix", String::new()),
                ("health_check_logs.s3.enabled", "true".to_string()),
            ]
        );
        // DescribeLoadBalancerAttributes answers every key, the unset ones empty.
        let mut reported: BTreeMap<String, String> = [
            ("access_logs.s3.enabled", "false"),
            ("access_logs.s3.bucket", ""),
            ("access_logs.s3.prefix", ""),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        reported.extend(sent.iter().map(|(k, v)| (k.to_string(), v.clone())));
        let read = to_value(
            &load_balancer(LoadBalancerTypeEnum::Application),
            &reported,
            &[],
            &planned,
        );
        assert_eq!(read.get("connection_logs"), planned.get("connection_logs"));
        assert_eq!(
            read.get("health_check_logs"),
            planned.get("health_check_logs")
        );
        assert_eq!(read.get("access_logs"), &Value::List(vec![]));

        // Removing a block disables its logs and touches nothing else.
        let removed = Value::map([
            ("load_balancer_type", Value::string("application")),
            (
                "connection_logs",
                logs("logs", Some("connection-logs"), true),
            ),
        ]);
        assert_eq!(
            log_attributes("application", &planned, &removed),
            [("health_check_logs.s3.enabled", "false".to_string())]
        );
    }

    /// The provider sends connection and health check logs for application load balancers
    /// only, and does not read them for the other types: a network load balancer gets none of
    /// them, keeps a disabled block as configured, and refuses an enabled one at plan time.
    #[test]
    fn a_network_load_balancer_takes_access_logs_only() {
        let planned = Value::map([
            ("load_balancer_type", Value::string("network")),
            ("access_logs", logs("logs", None, true)),
            ("connection_logs", logs("logs", None, false)),
        ]);
        let sent = log_attributes("network", &Value::Null, &planned);
        assert!(
            sent.iter().all(|(key, _)| key.starts_with("access_logs.")),
            "{sent:?}"
        );
        let reported: BTreeMap<String, String> = sent
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        let read = to_value(
            &load_balancer(LoadBalancerTypeEnum::Network),
            &reported,
            &[],
            &planned,
        );
        assert_eq!(read.get("access_logs"), planned.get("access_logs"));
        assert_eq!(read.get("connection_logs"), planned.get("connection_logs"));
        assert_eq!(read.get("health_check_logs"), &Value::List(vec![]));

        let enabled = Value::map([("health_check_logs", logs("logs", None, true))]);
        assert_eq!(
            LOG_BLOCKS[2].misplaced(&enabled, "network").as_deref(),
            Some("\"health_check_logs\" applies only to application load balancers (this one is network)")
        );
        assert_eq!(LOG_BLOCKS[1].misplaced(&planned, "network"), None);
        let gateway = Value::map([("access_logs", logs("logs", None, true))]);
        assert!(LOG_BLOCKS[0].misplaced(&gateway, "gateway").is_some());
    }
}
