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
//! Both change in place with SetSubnets, except where the provider's CustomizeDiff replaces
//! the load balancer ([`subnet_replacements`]): a changed mapping, and on a network load
//! balancer any subnet or mapping removed, or security groups going from none to some or
//! from some to none.
//!
//! moto does not return `subnet_mapping` addresses (`allocation_id`, `private_ipv4_address`,
//! `ipv6_address`), and reports cross-zone load balancing off for application load balancers,
//! so drift on them is not seen in tests.
//!
//! moto 5.2.5 takes no `health_check_logs.s3.bucket` or `.prefix` attribute, so health check
//! logs are shown by a unit test, not against the emulator.
//!
//! Provider 6.x's newer arguments, each as the provider has it:
//! - `enable_zonal_shift` (application and network), `dns_record_client_routing_policy` and
//!   `secondary_ips_auto_assigned_per_subnet` (network) are [`SETTINGS`] rows
//!   (`zonal_shift.config.enabled`, `dns_record.client_routing_policy`,
//!   `secondary_ips.auto_assigned.per_subnet`); fewer secondary IPs than before replace the load
//!   balancer ([`ResourceType::replacing_changes`]), since AWS cannot take them back.
//! - `customer_owned_ipv4_pool` goes with CreateLoadBalancer and forces a new load balancer;
//!   `ipam_pools` (application) too, and a change is ModifyIpPools (its removal
//!   `RemoveIpamPools = [ipv4]`); both are read from DescribeLoadBalancers.
//! - `enforce_security_group_inbound_rules_on_private_link_traffic` (network) is sent with
//!   SetSecurityGroups after the create and whenever it or `security_groups` changes, and read
//!   from DescribeLoadBalancers.
//! - `minimum_load_balancer_capacity` (application and network) is ModifyCapacityReservation
//!   (its removal `ResetCapacityReservation`), then a wait for the reservation to be
//!   provisioned; it is read with DescribeCapacityReservation (none where AWS answers
//!   `AccessDenied` or `InvalidAction`, as the provider reads it), one call per application or
//!   network load balancer whose object has a reservation, and on import: unlike the provider,
//!   a refresh does not ask for one that has none ([`reads_capacity`]).
//!
//! Each set on a type it does not apply to is a plan-time error, like the settings. moto 5.2.5
//! holds the three attributes but none of the others (no customer-owned pool, IPAM pools,
//! PrivateLink enforcement, ModifyIpPools or ModifyCapacityReservation, and a capacity
//! reservation without capacity), so the requests built and the values read back are shown by
//! unit tests.

use std::collections::BTreeMap;

use aws_sdk_elasticloadbalancingv2::operation::create_load_balancer::builders::CreateLoadBalancerFluentBuilder;
use aws_sdk_elasticloadbalancingv2::operation::describe_capacity_reservation::DescribeCapacityReservationOutput;
use aws_sdk_elasticloadbalancingv2::types::{
    CapacityReservationStateEnum, EnforceSecurityGroupInboundRulesOnPrivateLinkTrafficEnum,
    IpAddressType, IpamPools, LoadBalancer, LoadBalancerAttribute, LoadBalancerSchemeEnum,
    LoadBalancerTypeEnum, MinimumLoadBalancerCapacity, RemoveIpamPoolEnum, SubnetMapping,
};
use infra_core::{
    Attribute, Block, Check, Operation, ProviderError, Schema, Timeouts, Type, Value,
};

use crate::app_support::{
    blocks, boolean, changed, int, name_attribute, name_prefix_attribute, non_empty, number, sent,
    set_tags, single, string, string_list, strings, text, text_or_null, wait_for,
};
use crate::elbv2_support::{
    arn_suffix, attributes_of, modify_attributes, name_prefix_of, name_prefix_problems,
    name_to_create, settings_to_send, tags_to_sdk, Creating, Elbv2Object, Elbv2Type, Setting,
    SettingKind, Updating,
};
use crate::paginated::all_items;
use crate::tagging::{ManagedTags, WithTags};

/// The provider's `ExactlyOneOf` on `subnets` and `subnet_mapping`: a load balancer names its
/// subnets one way.
const SUBNETS_OR_MAPPINGS: &[&str] = &["subnet_mapping", "subnets"];

const APPLICATION: &[&str] = &["application"];
const NETWORK: &[&str] = &["network", "gateway"];
const ALL: &[&str] = &["application", "network", "gateway"];
const NETWORK_ONLY: &[&str] = &["network"];
const APPLICATION_AND_NETWORK: &[&str] = &["application", "network"];

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
    // Off by default for network and gateway load balancers, as the provider's schema has
    // it (Default: false), so removing `= true` plans false. Always on for application load
    // balancers, where the provider suppresses its diff: [`AwsLb::normalize`] makes any value
    // there the `true` AWS reports.
    Setting::new(
        "enable_cross_zone_load_balancing",
        "load_balancing.cross_zone.enabled",
        SettingKind::Bool,
        Some("false"),
        NETWORK,
    )
    .neutral("true"),
    Setting::new(
        "enable_zonal_shift",
        "zonal_shift.config.enabled",
        SettingKind::Bool,
        Some("false"),
        APPLICATION_AND_NETWORK,
    ),
    Setting::new(
        "dns_record_client_routing_policy",
        "dns_record.client_routing_policy",
        SettingKind::String,
        Some("any_availability_zone"),
        NETWORK_ONLY,
    )
    .checked(Check::OneOf(&[
        "availability_zone_affinity",
        "partial_availability_zone_affinity",
        "any_availability_zone",
    ])),
    // Optional and computed, as the provider has it; 0 (AWS's default, no secondary IPs) is
    // what the other types have.
    Setting::new(
        SECONDARY_IPS,
        "secondary_ips.auto_assigned.per_subnet",
        SettingKind::Number,
        None,
        NETWORK_ONLY,
    )
    .checked(Check::Range(0, 7))
    .neutral("0"),
];

const SECONDARY_IPS: &str = "secondary_ips_auto_assigned_per_subnet";
const PRIVATE_LINK: &str = "enforce_security_group_inbound_rules_on_private_link_traffic";
const IPAM_POOLS: &str = "ipam_pools";
const MINIMUM_CAPACITY: &str = "minimum_load_balancer_capacity";

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
                (self.enabled, boolean(logs, "enabled").unwrap_or(false).to_string()),
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

fn load_balancer_type(value: &Value) -> String {
    string(value, "load_balancer_type").unwrap_or_else(|| "application".to_string())
}

/// `aws_lb` (and `aws_alb`), by its ARN.
pub type AwsLb = Elbv2Type<LoadBalancers>;

pub struct LoadBalancers;

impl AwsLb {
    /// Load balancers by ARN; missing ones are absent from the map.
    async fn describe(
        &self,
        arns: &[String],
    ) -> Result<BTreeMap<String, LoadBalancer>, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        self.by_arn(
            arns,
            |arns| client.describe_load_balancers().set_load_balancer_arns(Some(arns)).send(),
            |answer| answer.load_balancers(),
            // Every load balancer.
            || async move { all_items!(client.describe_load_balancers()) },
        )
        .await
    }

    async fn attributes(&self, arn: &str) -> Result<BTreeMap<String, String>, ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        attributes_of!(client.describe_load_balancer_attributes().load_balancer_arn(arn))
    }

    /// DescribeCapacityReservation, for the application and network load balancers the
    /// provider reads it for, when [`reads_capacity`] says so; none when AWS refuses it with
    /// `AccessDenied` or `InvalidAction` (a partition or account without capacity
    /// reservations), as the provider reads it.
    async fn capacity_reservation(
        &self,
        arn: &str,
        kind: &str,
        hint: &Value,
    ) -> Result<Option<DescribeCapacityReservationOutput>, ProviderError> {
        if !APPLICATION_AND_NETWORK.contains(&kind) || !reads_capacity(hint) {
            return Ok(None);
        }
        let client = &self.aws.clients().await.elbv2;
        match sent!(client.describe_capacity_reservation().load_balancer_arn(arn)) {
            Ok(reservation) => Ok(Some(reservation)),
            Err(error)
                if matches!(error.code.as_deref(), Some("AccessDenied" | "InvalidAction")) =>
            {
                Ok(None)
            }
            Err(error) => Err(error),
        }
    }

    /// ModifyCapacityReservation for `planned`, then the provider's wait for the reservation to
    /// be provisioned.
    async fn modify_capacity(
        &self,
        arn: &str,
        planned: &Value,
        timeout: std::time::Duration,
    ) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        let (minimum, reset) = capacity_request(planned);
        sent!(client
            .modify_capacity_reservation()
            .load_balancer_arn(arn)
            .set_minimum_load_balancer_capacity(minimum)
            .reset_capacity_reservation(reset))?;
        wait_for(
            &format!("the capacity reservation of load balancer {arn} to be provisioned"),
            timeout,
            || async {
                let reservation = sent!(client
                    .describe_capacity_reservation()
                    .load_balancer_arn(arn))?;
                match reservation_state(&reservation).as_str() {
                    "provisioned" => Ok(Some(())),
                    "pending" | "failed" | "rebalancing" => Ok(None),
                    other => Err(ProviderError::new(format!(
                        "the capacity reservation of load balancer {arn} is in the unexpected state {other:?}"
                    ))),
                }
            },
        )
        .await
    }

    /// SetSecurityGroups with the groups and the PrivateLink enforcement.
    async fn set_security_groups(
        &self,
        arn: &str,
        groups: Vec<String>,
        enforcement: Option<EnforceSecurityGroupInboundRulesOnPrivateLinkTrafficEnum>,
    ) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.elbv2;
        sent!(client
            .set_security_groups()
            .load_balancer_arn(arn)
            .set_security_groups(Some(groups))
            .set_enforce_security_group_inbound_rules_on_private_link_traffic(enforcement))?;
        Ok(())
    }

    /// Waits until the load balancer is active (or gone from the listing).
    async fn wait_active(
        &self,
        arn: &str,
        name: &str,
        timeout: std::time::Duration,
    ) -> Result<(), ProviderError> {
        wait_for(&format!("load balancer {name} to be active"), timeout, || async {
            let found = self.describe(&[arn.to_string()]).await?;
            let state = found
                .get(arn)
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
        })
        .await
    }

    async fn modify_attributes(
        &self,
        arn: &str,
        attributes: Vec<(&str, String)>,
    ) -> Result<(), ProviderError> {
        modify_attributes!(
            self.aws.clients().await.elbv2.modify_load_balancer_attributes().load_balancer_arn(arn),
            LoadBalancerAttribute,
            attributes
        )
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

/// CreateLoadBalancer for `planned`, named `name`, without its tags.
fn create_request(
    client: &aws_sdk_elasticloadbalancingv2::Client,
    name: &str,
    planned: &Value,
) -> CreateLoadBalancerFluentBuilder {
    let load_balancer_type = load_balancer_type(planned);
    // Gateway load balancers take no scheme.
    let scheme = match (load_balancer_type.as_str(), boolean(planned, "internal")) {
        ("gateway", _) => None,
        (_, Some(true)) => Some(LoadBalancerSchemeEnum::Internal),
        _ => Some(LoadBalancerSchemeEnum::InternetFacing),
    };
    let security_groups = strings(planned, "security_groups");
    let mappings = subnet_mappings(planned);
    client
        .create_load_balancer()
        .name(name)
        .set_scheme(scheme)
        .r#type(LoadBalancerTypeEnum::from(load_balancer_type.as_str()))
        .set_subnets(mappings.is_none().then(|| strings(planned, "subnets")))
        .set_subnet_mappings(mappings)
        .set_security_groups((!security_groups.is_empty()).then_some(security_groups))
        .set_ip_address_type(
            non_empty(planned, "ip_address_type").map(|t| IpAddressType::from(t.as_str())),
        )
        .set_customer_owned_ipv4_pool(non_empty(planned, "customer_owned_ipv4_pool"))
        .set_ipam_pools(ipam_pools(planned))
}

/// The IPAM pools CreateLoadBalancer takes, when the block is configured.
fn ipam_pools(planned: &Value) -> Option<IpamPools> {
    single(planned, IPAM_POOLS).map(|pools| {
        IpamPools::builder().set_ipv4_ipam_pool_id(non_empty(pools, "ipv4_ipam_pool_id")).build()
    })
}

/// What ModifyIpPools sends for a change of `ipam_pools`.
#[derive(Debug, PartialEq)]
enum IpPoolsChange {
    /// The pools now configured.
    Set(IpamPools),
    /// The block is gone: `RemoveIpamPools = [ipv4]`, as the provider sends it.
    RemoveIpv4,
}

/// The ModifyIpPools request an update sends, when `ipam_pools` changed.
fn ip_pools_change(prior: &Value, planned: &Value) -> Option<IpPoolsChange> {
    if !changed(prior, planned, IPAM_POOLS) {
        return None;
    }
    Some(match ipam_pools(planned) {
        Some(pools) => IpPoolsChange::Set(pools),
        None => IpPoolsChange::RemoveIpv4,
    })
}

/// ModifyCapacityReservation's minimum capacity and `ResetCapacityReservation` for `planned`:
/// the configured capacity units, or a reset when there are none (no block, or no units), as
/// the provider sends them.
fn capacity_request(planned: &Value) -> (Option<MinimumLoadBalancerCapacity>, bool) {
    match single(planned, MINIMUM_CAPACITY) {
        Some(capacity) => {
            let units = int(capacity, "capacity_units").filter(|units| *units != 0);
            let minimum = MinimumLoadBalancerCapacity::builder().set_capacity_units(units).build();
            (Some(minimum), units.is_none())
        }
        None => (None, true),
    }
}

/// A capacity reservation's state across its zones: provisioned when every zone is, else the
/// state of the last zone that is not, as the provider takes it.
fn reservation_state(reservation: &DescribeCapacityReservationOutput) -> String {
    let provisioned = CapacityReservationStateEnum::Provisioned;
    reservation
        .capacity_reservation_state()
        .iter()
        .map(|zone| zone.state().and_then(|state| state.code()))
        .rfind(|code| *code != Some(&provisioned))
        .map_or_else(
            || provisioned.as_str().to_string(),
            |code| code.map_or_else(String::new, |code| code.as_str().to_string()),
        )
}

/// Whether a read asks AWS for the capacity reservation: when `hint` (the prior or planned
/// value) has one, or may have one, and on an import (a hint without the load balancer's
/// type). The provider asks for every application and network load balancer; infra spares
/// the call (one per load balancer, the API has no batch form) on a refresh of one whose
/// object has none, so a reservation added outside infra to a load balancer configured
/// without one is not seen there.
fn reads_capacity(hint: &Value) -> bool {
    match hint.get(MINIMUM_CAPACITY).unmarked() {
        Value::List(items) => !items.is_empty(),
        Value::Null => hint.get("load_balancer_type").is_null(),
        _ => true,
    }
}

/// `minimum_load_balancer_capacity` as read: what DescribeCapacityReservation reports for an
/// application or network load balancer (`None`: AWS refused the call with `AccessDenied` or
/// `InvalidAction`, read as none, as the provider does); a gateway load balancer has no
/// reservation and keeps what `hint` holds, as the provider leaves it.
fn capacity_value(
    kind: &str,
    reservation: Option<&DescribeCapacityReservationOutput>,
    hint: &Value,
) -> Value {
    if !APPLICATION_AND_NETWORK.contains(&kind) {
        let configured = hint.get(MINIMUM_CAPACITY);
        return match configured {
            Value::List(_) if configured.is_wholly_known() => configured.clone(),
            _ => Value::List(vec![]),
        };
    }
    Value::List(
        reservation
            .and_then(|reservation| reservation.minimum_load_balancer_capacity())
            .map(|minimum| {
                Value::map([(
                    "capacity_units",
                    number(Some(i64::from(minimum.capacity_units().unwrap_or(0)))),
                )])
            })
            .into_iter()
            .collect(),
    )
}

/// The PrivateLink enforcement SetSecurityGroups sends: for a network load balancer, when set.
fn private_link_enforcement(
    planned: &Value,
) -> Option<EnforceSecurityGroupInboundRulesOnPrivateLinkTrafficEnum> {
    if load_balancer_type(planned) != "network" {
        return None;
    }
    non_empty(planned, PRIVATE_LINK).map(|enforce| {
        EnforceSecurityGroupInboundRulesOnPrivateLinkTrafficEnum::from(enforce.as_str())
    })
}

/// The SetSecurityGroups request an update sends (the groups, and the PrivateLink enforcement
/// of a network load balancer), when either changed, as the provider's update does.
#[allow(clippy::type_complexity)]
fn security_groups_request(
    prior: &Value,
    planned: &Value,
) -> Option<(Vec<String>, Option<EnforceSecurityGroupInboundRulesOnPrivateLinkTrafficEnum>)> {
    let known = |key: &str| {
        let value = planned.get(key);
        !value.is_unknown() && !value.is_null()
    };
    let groups = changed(prior, planned, "security_groups") && known("security_groups");
    let enforcement = changed(prior, planned, PRIVATE_LINK) && known(PRIVATE_LINK);
    (groups || enforcement)
        .then(|| (strings(planned, "security_groups"), private_link_enforcement(planned)))
}

/// A subnet mapping as the provider's set tells them apart: by its configurable arguments
/// (`outpost_id`, computed only, is not one), an unset one the same as `""`.
fn mapping_key(mapping: &Value) -> [String; 4] {
    ["subnet_id", "allocation_id", "private_ipv4_address", "ipv6_address"]
        .map(|key| mapping.get(key).as_str().unwrap_or_default().to_string())
}

/// The subnet mappings of `value`, when it has a known list of them.
fn mapping_keys(value: &Value) -> Option<Vec<[String; 4]>> {
    let mappings = value.get("subnet_mapping");
    if !mappings.is_wholly_known() {
        return None;
    }
    let mut keys: Vec<[String; 4]> =
        mappings.as_list().unwrap_or(&[]).iter().map(mapping_key).collect();
    keys.sort();
    keys.dedup();
    Some(keys)
}

/// Whether `subnet_mapping` changes from `prior` to `planned` (and is known).
fn mappings_changed(prior: &Value, planned: &Value) -> bool {
    match (mapping_keys(prior), mapping_keys(planned)) {
        (Some(before), Some(after)) => !after.is_empty() && before != after,
        _ => false,
    }
}

/// The subnet and security group changes that replace the load balancer, as the provider's
/// CustomizeDiff decides them for an existing one (customizeDiffLoadBalancerALB and
/// customizeDiffLoadBalancerNLB), each only when the planned value is known:
/// - `subnet_mapping`: an application load balancer is replaced when a mapping changes
///   (mappings only added or only removed are SetSubnets); a network load balancer also when
///   one is removed (only additions are SetSubnets);
/// - `subnets` of a network load balancer: replaced unless subnets are only added;
/// - `security_groups` of a network load balancer: replaced when it goes from none to some or
///   from some to none (AWS cannot add groups to one created without, nor remove them all).
fn subnet_replacements(prior: &Value, planned: &Value) -> Vec<String> {
    let kind = load_balancer_type(planned);
    let mut replace = Vec::new();
    if mappings_changed(prior, planned) {
        if let (Some(before), Some(after)) = (mapping_keys(prior), mapping_keys(planned)) {
            // A prior object that showed no mappings (its configuration had `subnets`) has
            // one for each subnet, as the provider's state has.
            let before = if before.is_empty() {
                strings(prior, "subnets")
                    .into_iter()
                    .map(|subnet| [subnet, String::new(), String::new(), String::new()])
                    .collect()
            } else {
                before
            };
            let kept_all = before.iter().all(|m| after.contains(m));
            let unchanged = kept_all && before.len() == after.len();
            let only_removed = after.iter().all(|m| before.contains(m));
            let in_place = match kind.as_str() {
                "application" => {
                    (after.len() > before.len() && kept_all)
                        || (after.len() < before.len() && only_removed)
                }
                "network" => after.len() > before.len() && kept_all,
                _ => true,
            };
            if !in_place && !unchanged {
                replace.push("subnet_mapping".to_string());
            }
        }
    }
    if kind != "network" {
        return replace;
    }
    let known_set = |key: &str| {
        let value = planned.get(key);
        (!value.is_null() && value.is_wholly_known()).then(|| strings(planned, key))
    };
    if let Some(after) = known_set("subnets") {
        let before = strings(prior, "subnets");
        let mut sorted = after.clone();
        sorted.sort();
        let mut previous = before.clone();
        previous.sort();
        if sorted != previous && after.len() <= before.len() {
            replace.push("subnets".to_string());
        }
    }
    if let Some(after) = known_set("security_groups") {
        let before = strings(prior, "security_groups");
        if before.is_empty() != after.is_empty() {
            replace.push("security_groups".to_string());
        }
    }
    replace
}

/// The SetSubnets request an update sends, as the provider's: the subnet mappings when they
/// changed, else the subnets when they changed; each only when known.
#[allow(clippy::type_complexity)]
fn subnets_request(
    prior: &Value,
    planned: &Value,
) -> Option<(Option<Vec<String>>, Option<Vec<SubnetMapping>>)> {
    if mappings_changed(prior, planned) {
        return Some((None, subnet_mappings(planned)));
    }
    let subnets = planned.get("subnets");
    (changed(prior, planned, "subnets") && !subnets.is_null() && subnets.is_wholly_known())
        .then(|| (Some(strings(planned, "subnets")), None))
}

/// Fewer secondary IP addresses than before on a network load balancer: AWS cannot take them
/// back, so the provider replaces the load balancer.
fn fewer_secondary_ips(prior: &Value, planned: &Value, changed: &[String]) -> Option<String> {
    if load_balancer_type(planned) != "network" || !changed.iter().any(|c| c == SECONDARY_IPS) {
        return None;
    }
    let before = prior.get(SECONDARY_IPS).as_f64()?;
    let after = planned.get(SECONDARY_IPS).as_f64()?;
    (after < before).then(|| SECONDARY_IPS.to_string())
}

/// The arguments that apply to some load balancer types only and are no [`SETTINGS`] row:
/// each set on another type is a plan-time error (AWS would refuse it, or the provider would
/// not send it, which would ignore it).
const TYPED_ARGUMENTS: &[(&str, &[&str])] = &[
    (PRIVATE_LINK, NETWORK_ONLY),
    (IPAM_POOLS, APPLICATION),
    (MINIMUM_CAPACITY, APPLICATION_AND_NETWORK),
];

fn misplaced_argument(config: &Value, name: &str, types: &[&str], kind: &str) -> Option<String> {
    let value = config.get(name);
    let set = match value.unmarked() {
        Value::List(items) => !items.is_empty(),
        _ => !value.is_null() && !value.is_unknown(),
    };
    (set && !types.contains(&kind)).then(|| {
        format!(
            "\"{name}\" applies only to {} load balancers (this one is {kind})",
            types.join(" or ")
        )
    })
}

/// The object as AWS reports it: `reservation` is DescribeCapacityReservation's answer (none
/// for a gateway load balancer, or when AWS refused the call).
fn to_value(
    load_balancer: &LoadBalancer,
    attributes: &BTreeMap<String, String>,
    reservation: Option<&DescribeCapacityReservationOutput>,
    tags: &[(String, String)],
    hint: &Value,
) -> Value {
    let arn = load_balancer.load_balancer_arn().unwrap_or_default();
    let mut object = BTreeMap::new();
    object.insert("id".to_string(), Value::string(arn));
    object.insert("arn".to_string(), Value::string(arn));
    object.insert("arn_suffix".to_string(), Value::string(arn_suffix(arn)));
    object.insert("dns_name".to_string(), text(load_balancer.dns_name()));
    object.insert("zone_id".to_string(), text(load_balancer.canonical_hosted_zone_id()));
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
    object
        .insert("load_balancer_type".to_string(), text(load_balancer.r#type().map(|t| t.as_str())));
    object.insert("security_groups".to_string(), string_list(load_balancer.security_groups()));
    object.insert(
        "subnets".to_string(),
        string_list(load_balancer.availability_zones().iter().filter_map(|zone| zone.subnet_id())),
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
                        ("allocation_id", text(address.and_then(|a| a.allocation_id()))),
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
    let kind = load_balancer.r#type().map_or("application", |kind| kind.as_str());
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
    object.insert(
        "customer_owned_ipv4_pool".to_string(),
        text_or_null(load_balancer.customer_owned_ipv4_pool()),
    );
    // Network load balancers only: on another type, what the configuration has (refused at
    // plan time when set) stays, as the provider's diff suppression leaves it.
    let configured = hint.get(PRIVATE_LINK);
    let enforcement = if kind != "network" && !configured.is_null() && configured.is_wholly_known()
    {
        configured.clone()
    } else {
        text_or_null(load_balancer.enforce_security_group_inbound_rules_on_private_link_traffic())
    };
    object.insert(PRIVATE_LINK.to_string(), enforcement);
    object.insert(
        IPAM_POOLS.to_string(),
        Value::List(
            load_balancer
                .ipam_pools()
                .map(|pools| {
                    Value::map([(
                        "ipv4_ipam_pool_id",
                        Value::string(pools.ipv4_ipam_pool_id().unwrap_or_default()),
                    )])
                })
                .into_iter()
                .collect(),
        ),
    );
    object.insert(MINIMUM_CAPACITY.to_string(), capacity_value(kind, reservation, hint));
    set_tags(&mut object, tags.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    Value::Map(object)
}

impl Elbv2Object for LoadBalancers {
    type Object = LoadBalancer;
    const NAME: &'static str = "aws_lb";
    const ALIASES: &'static [&'static str] = &["aws_alb"];
    const KIND: &'static str = "load balancer";

    const ARN: fn(&LoadBalancer) -> Option<&str> = LoadBalancer::load_balancer_arn;

    fn schema() -> Schema {
        let schema = Schema::new()
            .timeouts(&["create", "update", "delete"])
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("arn_suffix", Type::String))
            .attr(Attribute::computed("dns_name", Type::String))
            .attr(Attribute::computed("zone_id", Type::String))
            .attr(Attribute::computed("vpc_id", Type::String))
            .attr(name_attribute())
            .attr(name_prefix_attribute())
            // Optional+Computed, as the provider has it: a configuration that omits it keeps
            // the scheme the load balancer has (an imported internal one is not replaced); a
            // new one is internet-facing.
            .attr(Attribute::optional_computed("internal", Type::Bool).force_new())
            .attr(
                Attribute::optional("load_balancer_type", Type::String)
                    .default(Value::string("application"))
                    .check(Check::OneOf(&["application", "network", "gateway"]))
                    .force_new(),
            )
            .attr(Attribute::optional_computed("security_groups", Type::set(Type::String)))
            .attr(
                Attribute::optional_computed("subnets", Type::set(Type::String))
                    .exactly_one_of(SUBNETS_OR_MAPPINGS),
            )
            .attr(
                Attribute::optional_computed("ip_address_type", Type::String)
                    .check(Check::OneOf(&["ipv4", "dualstack", "dualstack-without-public-ipv4"])),
            );
        let schema =
            LOG_BLOCKS.iter().fold(schema, |schema, logs| schema.block(logs.block())).block(
                Block::set(
                    "subnet_mapping",
                    Schema::new()
                        .attr(Attribute::required("subnet_id", Type::String))
                        .attr(Attribute::optional("allocation_id", Type::String))
                        .attr(Attribute::optional("private_ipv4_address", Type::String))
                        .attr(Attribute::optional_computed("ipv6_address", Type::String))
                        .attr(Attribute::computed("outpost_id", Type::String)),
                )
                // Changed in place (SetSubnets) except where the provider's CustomizeDiff
                // replaces: [`subnet_replacements`].
                .computed()
                .exactly_one_of(SUBNETS_OR_MAPPINGS),
            );
        SETTINGS
            .iter()
            .fold(schema, |schema, setting| schema.attr(setting.attribute()))
            .attr(Attribute::optional("customer_owned_ipv4_pool", Type::String).force_new())
            .attr(
                Attribute::optional_computed(PRIVATE_LINK, Type::String)
                    .check(Check::OneOf(&["on", "off"])),
            )
            .block(Block::single(
                IPAM_POOLS,
                Schema::new().attr(Attribute::required("ipv4_ipam_pool_id", Type::String)),
            ))
            .block(Block::single(
                MINIMUM_CAPACITY,
                Schema::new().attr(Attribute::required("capacity_units", Type::Number)),
            ))
            .with_tags()
    }

    /// The provider's defaults: 10 minutes to create, update and delete.
    fn default_timeouts() -> Timeouts {
        Timeouts::minutes(10, 10, 10)
    }

    /// Fewer `secondary_ips_auto_assigned_per_subnet` on a network load balancer replace it,
    /// and the subnet and security group changes AWS cannot make in place
    /// ([`subnet_replacements`]).
    fn replacing_changes(prior: &Value, planned: &Value, changed: &[String]) -> Vec<String> {
        fewer_secondary_ips(prior, planned, changed)
            .into_iter()
            .chain(subnet_replacements(prior, planned))
            .collect()
    }

    /// A changed `subnet_mapping` changes the zones, so `subnets` is known after the update
    /// (the provider's SetNewComputed).
    fn unknown_after_update(prior: &Value, planned: &Value) -> Vec<&'static str> {
        if mappings_changed(prior, planned) && !planned.get("subnets").is_unknown() {
            vec!["subnets"]
        } else {
            vec![]
        }
    }

    /// A setting with a default that does not apply to the load balancer's type reads as its
    /// default where a stored object has null: the provider suppresses its diff there, so
    /// Terraform's state holds null for it (`dns_record_client_routing_policy` of an
    /// application load balancer), which is no change. A setting with a value that is AWS's
    /// fixed behaviour there (`neutral`: cross-zone load balancing, always on for an
    /// application load balancer) reads as that value whatever the configuration or the state
    /// says, as the provider's suppression leaves no change; AWS reports it so, and the
    /// provider stores what AWS reports.
    fn normalize(value: &mut Value) {
        let Some(kind) = value.get("load_balancer_type").as_str().map(str::to_string) else {
            return;
        };
        let Some(object) = value.map_mut() else {
            return;
        };
        for setting in SETTINGS {
            if setting.applies_to(&kind) {
                continue;
            }
            let Some(slot) = object.get_mut(setting.name) else {
                continue;
            };
            if let (Some(neutral), Some(_)) = (setting.neutral, setting.default) {
                if !slot.is_unknown() {
                    *slot = setting
                        .read(&BTreeMap::from([(setting.key.to_string(), neutral.to_string())]));
                }
            } else if slot.is_null() && setting.default.is_some() {
                *slot = setting.read(&BTreeMap::new());
            }
        }
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let is_application =
            config.get("load_balancer_type").as_str().unwrap_or("application") == "application";
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
        problems.extend(name_prefix_problems(config));
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
            for (name, types) in TYPED_ARGUMENTS {
                if let Some(problem) = misplaced_argument(config, name, types, kind) {
                    problems.push((name.to_string(), problem));
                }
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

    async fn describe(
        this: &AwsLb,
        arns: &[String],
        _hints: &BTreeMap<String, &Value>,
    ) -> Result<BTreeMap<String, LoadBalancer>, ProviderError> {
        this.describe(arns).await
    }

    /// The load balancer with its attributes and capacity reservation; `hint` (the prior or
    /// planned value) decides whether `subnet_mapping` is shown.
    async fn value(
        this: &AwsLb,
        arn: &str,
        load_balancer: &LoadBalancer,
        tags: &[(String, String)],
        hint: &Value,
    ) -> Result<Value, ProviderError> {
        let kind = load_balancer.r#type().map_or("application", |kind| kind.as_str());
        let (attributes, reservation) =
            futures::try_join!(this.attributes(arn), this.capacity_reservation(arn, kind, hint))?;
        Ok(to_value(load_balancer, &attributes, reservation.as_ref(), tags, hint))
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.elbv2;
        let name = name_to_create(at.planned, "tf-lb-");
        let load_balancer_type = load_balancer_type(at.planned);
        let security_groups = strings(at.planned, "security_groups");
        let response = sent!(create_request(client, &name, at.planned)
            .set_tags(Some(tags_to_sdk(&at.operation.tags_with_managed(at.planned)))))?;
        let arn = AwsLb::created_arn(response.load_balancers(), &name)?;
        // Only what differs from AWS's defaults: a new load balancer has those already.
        let mut attributes =
            settings_to_send(SETTINGS, &load_balancer_type, &Value::Null, at.planned);
        attributes.extend(log_attributes(&load_balancer_type, &Value::Null, at.planned));
        at.this.modify_attributes(&arn, attributes).await?;
        let timeout = at.operation.timeouts.create;
        at.this.wait_active(&arn, &name, timeout).await?;
        // The provider's order once the load balancer is active: the capacity reservation (and
        // its wait), then the PrivateLink enforcement, then a wait for it to be active again.
        if APPLICATION_AND_NETWORK.contains(&load_balancer_type.as_str())
            && single(at.planned, MINIMUM_CAPACITY).is_some()
        {
            at.this.modify_capacity(&arn, at.planned, timeout).await?;
        }
        if let Some(enforcement) = private_link_enforcement(at.planned) {
            at.this.set_security_groups(&arn, security_groups, Some(enforcement)).await?;
            at.this.wait_active(&arn, &name, timeout).await?;
        }
        Ok(arn)
    }

    async fn update(at: Updating<'_, Self>) -> Result<(), ProviderError> {
        let client = &at.this.aws.clients().await.elbv2;
        if let Some((groups, enforcement)) = security_groups_request(at.prior, at.planned) {
            at.this.set_security_groups(at.key, groups, enforcement).await?;
        }
        if let Some((subnets, mappings)) = subnets_request(at.prior, at.planned) {
            sent!(client
                .set_subnets()
                .load_balancer_arn(at.key)
                .set_subnets(subnets)
                .set_subnet_mappings(mappings))?;
        }
        if changed(at.prior, at.planned, "ip_address_type") {
            if let Some(kind) = non_empty(at.planned, "ip_address_type") {
                sent!(client
                    .set_ip_address_type()
                    .load_balancer_arn(at.key)
                    .ip_address_type(IpAddressType::from(kind.as_str())))?;
            }
        }
        match ip_pools_change(at.prior, at.planned) {
            Some(IpPoolsChange::Set(pools)) => {
                sent!(client.modify_ip_pools().load_balancer_arn(at.key).ipam_pools(pools))?;
            }
            Some(IpPoolsChange::RemoveIpv4) => {
                sent!(client
                    .modify_ip_pools()
                    .load_balancer_arn(at.key)
                    .remove_ipam_pools(RemoveIpamPoolEnum::Ipv4))?;
            }
            None => {}
        }
        let load_balancer_type = load_balancer_type(at.planned);
        let mut attributes = settings_to_send(SETTINGS, &load_balancer_type, at.prior, at.planned);
        attributes.extend(log_attributes(&load_balancer_type, at.prior, at.planned));
        at.this.modify_attributes(at.key, attributes).await?;
        if changed(at.prior, at.planned, MINIMUM_CAPACITY) {
            at.this.modify_capacity(at.key, at.planned, at.operation.timeouts.update).await?;
        }
        Ok(())
    }

    async fn delete(this: &AwsLb, arn: &str) -> Result<(), ProviderError> {
        let client = &this.aws.clients().await.elbv2;
        sent!(client.delete_load_balancer().load_balancer_arn(arn)).map(|_| ())
    }

    async fn deleted(this: &AwsLb, operation: &Operation, arn: &str) -> Result<(), ProviderError> {
        // Security groups and subnets cannot be deleted while the load balancer still exists.
        wait_for(
            &format!("load balancer {arn} to be deleted"),
            operation.timeouts.delete,
            || async { Ok(this.describe(&[arn.to_string()]).await?.is_empty().then_some(())) },
        )
        .await
    }

    async fn find_created(at: Creating<'_, Self>) -> Result<Option<Value>, ProviderError> {
        let client = &at.this.aws.clients().await.elbv2;
        at.created_named(
            |name| client.describe_load_balancers().names(name).send(),
            |answer| answer.load_balancers(),
            async { all_items!(client.describe_load_balancers()) },
        )
        .await
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
            ("connection_logs", logs("logs", Some("connection-logs"), true)),
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
            None,
            &[],
            &planned,
        );
        assert_eq!(read.get("connection_logs"), planned.get("connection_logs"));
        assert_eq!(read.get("health_check_logs"), planned.get("health_check_logs"));
        assert_eq!(read.get("access_logs"), &Value::List(vec![]));

        // Removing a block disables its logs and touches nothing else.
        let removed = Value::map([
            ("load_balancer_type", Value::string("application")),
            ("connection_logs", logs("logs", Some("connection-logs"), true)),
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
        assert!(sent.iter().all(|(key, _)| key.starts_with("access_logs.")), "{sent:?}");
        let reported: BTreeMap<String, String> =
            sent.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        let read =
            to_value(&load_balancer(LoadBalancerTypeEnum::Network), &reported, None, &[], &planned);
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

/// Provider 6.x's newer arguments. moto 5.2.5 holds none of them but the three attributes
/// (no customer-owned pool, IPAM pools, PrivateLink enforcement, ModifyIpPools,
/// ModifyCapacityReservation, and a capacity reservation without capacity), so the requests
/// built and the values read back are shown here.
#[cfg(test)]
mod newer_argument_tests {
    use super::*;
    use crate::Aws;
    use aws_sdk_elasticloadbalancingv2::types::{
        CapacityReservationStatus, ZonalCapacityReservationState,
    };
    use infra_core::ResourceType;

    use crate::elbv2_support::test_client as client;

    fn load_balancer() -> AwsLb {
        AwsLb::new(Aws::new(crate::ProviderSettings::default()))
    }

    fn block(entries: &[(&str, Value)]) -> Value {
        Value::List(vec![Value::map(entries.iter().cloned())])
    }

    fn reservation(capacity: Option<i32>, states: &[&str]) -> DescribeCapacityReservationOutput {
        let mut builder = DescribeCapacityReservationOutput::builder();
        if let Some(units) = capacity {
            builder = builder.minimum_load_balancer_capacity(
                MinimumLoadBalancerCapacity::builder().capacity_units(units).build(),
            );
        }
        for (zone, state) in states.iter().enumerate() {
            builder = builder.capacity_reservation_state(
                ZonalCapacityReservationState::builder()
                    .availability_zone(format!("eu-west-1{}", ["a", "b", "c"][zone % 3]))
                    .state(
                        CapacityReservationStatus::builder()
                            .code(CapacityReservationStateEnum::from(*state))
                            .build(),
                    )
                    .build(),
            );
        }
        builder.build()
    }

    fn lb(kind: LoadBalancerTypeEnum) -> LoadBalancer {
        LoadBalancer::builder()
            .load_balancer_arn("arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/net/n/1")
            .r#type(kind)
            .build()
    }

    /// `enable_zonal_shift` (application and network), `dns_record_client_routing_policy` and
    /// `secondary_ips_auto_assigned_per_subnet` (network) are load balancer attributes: a create
    /// sends those that differ from AWS's defaults, on the types they apply to, and they are
    /// read back from DescribeLoadBalancerAttributes.
    #[test]
    fn zonal_shift_dns_routing_and_secondary_ips_are_attributes() {
        let planned = Value::map([
            ("load_balancer_type", Value::string("network")),
            ("enable_zonal_shift", Value::Bool(true)),
            ("dns_record_client_routing_policy", Value::string("availability_zone_affinity")),
            (SECONDARY_IPS, Value::Number(3.0)),
        ]);
        let sent = settings_to_send(SETTINGS, "network", &Value::Null, &planned);
        for pair in [
            ("zonal_shift.config.enabled", "true"),
            ("dns_record.client_routing_policy", "availability_zone_affinity"),
            ("secondary_ips.auto_assigned.per_subnet", "3"),
        ] {
            assert!(sent.contains(&(pair.0, pair.1.to_string())), "{pair:?} in {sent:?}");
        }
        let reported: BTreeMap<String, String> =
            sent.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        let read = to_value(&lb(LoadBalancerTypeEnum::Network), &reported, None, &[], &planned);
        for name in ["enable_zonal_shift", "dns_record_client_routing_policy", SECONDARY_IPS] {
            assert_eq!(read.get(name), planned.get(name), "{name}");
        }

        // An application load balancer takes zonal shift only; the defaults are not sent.
        let application = Value::map([
            ("enable_zonal_shift", Value::Bool(true)),
            ("dns_record_client_routing_policy", Value::string("any_availability_zone")),
        ]);
        assert_eq!(
            settings_to_send(SETTINGS, "application", &Value::Null, &application)
                .iter()
                .filter(|(key, _)| key.starts_with("zonal_shift")
                    || key.starts_with("dns_record")
                    || key.starts_with("secondary_ips"))
                .cloned()
                .collect::<Vec<_>>(),
            [("zonal_shift.config.enabled", "true".to_string())]
        );
        // An update sends what changed.
        let prior = Value::map([
            ("load_balancer_type", Value::string("network")),
            ("enable_zonal_shift", Value::Bool(true)),
            ("dns_record_client_routing_policy", Value::string("availability_zone_affinity")),
            (SECONDARY_IPS, Value::Number(1.0)),
        ]);
        assert_eq!(
            settings_to_send(SETTINGS, "network", &prior, &planned),
            [("secondary_ips.auto_assigned.per_subnet", "3".to_string())]
        );
    }

    /// The provider's `ExactlyOneOf` on `subnets` and `subnet_mapping`, reported by each.
    #[test]
    fn subnets_are_named_one_way_exactly() {
        let resource = load_balancer();
        let subnets = Value::List(vec![Value::string("subnet-a"), Value::string("subnet-b")]);
        let mappings = Value::List(
            ["subnet-a", "subnet-b"]
                .iter()
                .map(|id| Value::map([("subnet_id", Value::string(*id))]))
                .collect(),
        );
        let problems = |entries: Vec<(&str, Value)>| -> Vec<(String, String)> {
            let mut config = vec![("name", Value::string("web"))];
            config.extend(entries);
            resource.problems(&Value::map(config))
        };
        let one_of = "one of `subnet_mapping,subnets` must be specified";
        assert_eq!(
            problems(vec![]),
            [
                ("subnets".to_string(), format!("\"subnets\": {one_of}")),
                ("subnet_mapping".to_string(), format!("\"subnet_mapping\": {one_of}")),
            ]
        );
        let both =
            problems(vec![("subnets", subnets.clone()), ("subnet_mapping", mappings.clone())]);
        assert_eq!(both.len(), 2, "{both:?}");
        assert_eq!(
            both[0].1,
            "\"subnets\": only one of `subnet_mapping,subnets` can be specified, but \
             `subnet_mapping,subnets` were specified."
        );
        assert!(problems(vec![("subnets", subnets)]).is_empty());
        assert!(problems(vec![("subnet_mapping", mappings)]).is_empty());
    }

    /// Set on a type it does not apply to, each is a plan-time error (the provider would not
    /// send it); AWS's values for the other types are accepted.
    #[test]
    fn each_argument_is_refused_on_a_type_it_does_not_apply_to() {
        let resource = load_balancer();
        let problems = |entries: Vec<(&str, Value)>| -> Vec<String> {
            let mut config = vec![
                (
                    "subnets",
                    Value::List(vec![Value::string("subnet-a"), Value::string("subnet-b")]),
                ),
                ("name", Value::string("web")),
            ];
            config.extend(entries);
            resource.validate(&Value::map(config)).into_iter().map(|(path, _)| path).collect()
        };
        let application = || ("load_balancer_type", Value::string("application"));
        let network = || ("load_balancer_type", Value::string("network"));
        let gateway = || ("load_balancer_type", Value::string("gateway"));
        assert_eq!(
            problems(vec![
                application(),
                ("dns_record_client_routing_policy", Value::string("availability_zone_affinity")),
                (SECONDARY_IPS, Value::Number(2.0)),
                (PRIVATE_LINK, Value::string("off")),
                (MINIMUM_CAPACITY, block(&[("capacity_units", Value::Number(100.0))])),
            ]),
            ["dns_record_client_routing_policy", SECONDARY_IPS, PRIVATE_LINK]
        );
        assert_eq!(
            problems(vec![
                application(),
                ("dns_record_client_routing_policy", Value::string("any_availability_zone")),
                (SECONDARY_IPS, Value::Number(0.0)),
                ("enable_zonal_shift", Value::Bool(true)),
                (IPAM_POOLS, block(&[("ipv4_ipam_pool_id", Value::string("ipam-pool-1"))])),
            ]),
            Vec::<String>::new()
        );
        assert_eq!(
            problems(vec![
                network(),
                (IPAM_POOLS, block(&[("ipv4_ipam_pool_id", Value::string("ipam-pool-1"))])),
                (PRIVATE_LINK, Value::string("off")),
                (SECONDARY_IPS, Value::Number(7.0)),
            ]),
            [IPAM_POOLS]
        );
        assert_eq!(
            problems(vec![
                gateway(),
                ("enable_zonal_shift", Value::Bool(true)),
                (MINIMUM_CAPACITY, block(&[("capacity_units", Value::Number(100.0))])),
            ]),
            ["enable_zonal_shift", MINIMUM_CAPACITY]
        );
        let message = misplaced_argument(
            &Value::map([(PRIVATE_LINK, Value::string("on"))]),
            PRIVATE_LINK,
            NETWORK_ONLY,
            "application",
        );
        assert_eq!(
            message.as_deref(),
            Some("\"enforce_security_group_inbound_rules_on_private_link_traffic\" applies only to network load balancers (this one is application)")
        );
        // The schema checks the values themselves.
        let schema = resource.schema();
        let check = |name: &str| schema.attribute(name).and_then(|a| a.checks.first().cloned());
        assert_eq!(check(SECONDARY_IPS), Some(Check::Range(0, 7)));
        assert_eq!(check(PRIVATE_LINK), Some(Check::OneOf(&["on", "off"])));
        assert!(schema
            .attributes
            .iter()
            .any(|a| a.name == "customer_owned_ipv4_pool" && a.force_new));
    }

    /// Fewer secondary IP addresses replace a network load balancer (AWS cannot take them
    /// back); more are an update.
    #[test]
    fn fewer_secondary_ips_replace_a_network_load_balancer() {
        let resource = load_balancer();
        let value = |n: f64| {
            Value::map([
                ("load_balancer_type", Value::string("network")),
                (SECONDARY_IPS, Value::Number(n)),
            ])
        };
        let changed = [SECONDARY_IPS.to_string()];
        assert_eq!(resource.replacing_changes(&value(3.0), &value(1.0), &changed), [SECONDARY_IPS]);
        assert!(resource.replacing_changes(&value(1.0), &value(3.0), &changed).is_empty());
        assert!(resource.replacing_changes(&value(3.0), &value(1.0), &[]).is_empty());
    }

    /// CreateLoadBalancer carries the customer-owned pool and the IPAM pools; an update's
    /// ModifyIpPools sets the new pools, or removes the IPv4 pool when the block is gone.
    #[test]
    fn the_pools_go_with_the_create_and_ip_pool_changes() {
        let planned = Value::map([
            ("load_balancer_type", Value::string("application")),
            ("subnets", Value::List(vec![Value::string("subnet-a"), Value::string("subnet-b")])),
            ("customer_owned_ipv4_pool", Value::string("ipv4pool-coip-1")),
            (IPAM_POOLS, block(&[("ipv4_ipam_pool_id", Value::string("ipam-pool-1"))])),
        ]);
        let client = client();
        let request = create_request(&client, "web", &planned);
        let input = request.as_input();
        assert_eq!(input.get_customer_owned_ipv4_pool().as_deref(), Some("ipv4pool-coip-1"));
        assert_eq!(
            input.get_ipam_pools().as_ref().and_then(|p| p.ipv4_ipam_pool_id()),
            Some("ipam-pool-1")
        );
        let bare = Value::map([("load_balancer_type", Value::string("application"))]);
        let request = create_request(&client, "web", &bare);
        assert_eq!(request.as_input().get_customer_owned_ipv4_pool(), &None);
        assert_eq!(request.as_input().get_ipam_pools(), &None);

        let other = Value::map([(
            IPAM_POOLS,
            block(&[("ipv4_ipam_pool_id", Value::string("ipam-pool-2"))]),
        )]);
        assert_eq!(ip_pools_change(&planned, &planned), None);
        assert_eq!(
            ip_pools_change(&planned, &other),
            Some(IpPoolsChange::Set(IpamPools::builder().ipv4_ipam_pool_id("ipam-pool-2").build()))
        );
        let removed = Value::map([(IPAM_POOLS, Value::List(vec![]))]);
        assert_eq!(ip_pools_change(&planned, &removed), Some(IpPoolsChange::RemoveIpv4));
    }

    /// SetSecurityGroups carries the PrivateLink enforcement of a network load balancer, when
    /// the groups or the enforcement change; an application load balancer's groups go alone.
    #[test]
    fn private_link_enforcement_goes_with_set_security_groups() {
        let value = |kind: &str, groups: &[&str], enforce: Value| {
            Value::map([
                ("load_balancer_type", Value::string(kind)),
                (
                    "security_groups",
                    Value::List(groups.iter().map(|g| Value::string(*g)).collect()),
                ),
                (PRIVATE_LINK, enforce),
            ])
        };
        let prior = value("network", &["sg-1"], Value::string("on"));
        let off = value("network", &["sg-1"], Value::string("off"));
        assert_eq!(
            private_link_enforcement(&off),
            Some(EnforceSecurityGroupInboundRulesOnPrivateLinkTrafficEnum::Off)
        );
        assert_eq!(
            security_groups_request(&prior, &off),
            Some((
                vec!["sg-1".to_string()],
                Some(EnforceSecurityGroupInboundRulesOnPrivateLinkTrafficEnum::Off)
            ))
        );
        let more = value("network", &["sg-1", "sg-2"], Value::string("on"));
        assert_eq!(
            security_groups_request(&prior, &more),
            Some((
                vec!["sg-1".to_string(), "sg-2".to_string()],
                Some(EnforceSecurityGroupInboundRulesOnPrivateLinkTrafficEnum::On)
            ))
        );
        assert_eq!(security_groups_request(&prior, &prior), None);
        // Unset (optional and computed): the prior value stays, nothing is sent.
        let unknown = value("network", &["sg-1"], Value::Unknown);
        assert_eq!(private_link_enforcement(&unknown), None);
        assert_eq!(security_groups_request(&prior, &unknown), None);
        let application = value("application", &["sg-1", "sg-2"], Value::Null);
        assert_eq!(
            security_groups_request(&value("application", &["sg-1"], Value::Null), &application),
            Some((vec!["sg-1".to_string(), "sg-2".to_string()], None))
        );
    }

    /// ModifyCapacityReservation sets the configured capacity units, or resets the
    /// reservation when the block is gone; the capacity and the reservation's state are read
    /// from DescribeCapacityReservation.
    #[test]
    fn the_minimum_capacity_is_a_capacity_reservation() {
        let planned =
            Value::map([(MINIMUM_CAPACITY, block(&[("capacity_units", Value::Number(150.0))]))]);
        assert_eq!(
            capacity_request(&planned),
            (Some(MinimumLoadBalancerCapacity::builder().capacity_units(150).build()), false)
        );
        assert_eq!(capacity_request(&Value::Null), (None, true));

        let answer = reservation(Some(150), &["provisioned", "provisioned"]);
        assert_eq!(reservation_state(&answer), "provisioned");
        assert_eq!(
            capacity_value("network", Some(&answer), &Value::Null),
            planned.get(MINIMUM_CAPACITY).clone()
        );
        assert_eq!(
            reservation_state(&reservation(Some(150), &["provisioned", "pending"])),
            "pending"
        );
        assert_eq!(reservation_state(&reservation(None, &[])), "provisioned");
        // No reservation, or AWS refusing the call: none.
        assert_eq!(
            capacity_value("application", Some(&reservation(None, &["provisioned"])), &planned),
            Value::List(vec![])
        );
        assert_eq!(capacity_value("application", None, &planned), Value::List(vec![]));
        // A gateway load balancer has none to read: the configuration's stays.
        assert_eq!(
            capacity_value("gateway", None, &planned),
            planned.get(MINIMUM_CAPACITY).clone()
        );
        let read = to_value(
            &lb(LoadBalancerTypeEnum::Network),
            &BTreeMap::new(),
            Some(&answer),
            &[],
            &Value::Null,
        );
        assert_eq!(read.get(MINIMUM_CAPACITY), planned.get(MINIMUM_CAPACITY));
        // Asked for where the object has one, and on an import; not on a refresh of one
        // without.
        assert!(reads_capacity(&planned));
        assert!(reads_capacity(&Value::map([(
            "arn",
            Value::string("arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/web/1")
        )])));
        assert!(!reads_capacity(&Value::map([
            ("load_balancer_type", Value::string("application")),
            (MINIMUM_CAPACITY, Value::List(vec![])),
        ])));
    }

    /// DescribeLoadBalancers gives the customer-owned pool, the IPAM pools and the PrivateLink
    /// enforcement; on another type than network, a configured enforcement stays as it is.
    #[test]
    fn the_pools_and_the_enforcement_are_read_back() {
        let reported = LoadBalancer::builder()
            .load_balancer_arn("arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/net/n/1")
            .r#type(LoadBalancerTypeEnum::Network)
            .customer_owned_ipv4_pool("ipv4pool-coip-1")
            .enforce_security_group_inbound_rules_on_private_link_traffic("off")
            .ipam_pools(IpamPools::builder().ipv4_ipam_pool_id("ipam-pool-1").build())
            .build();
        let read = to_value(&reported, &BTreeMap::new(), None, &[], &Value::Null);
        assert_eq!(read.get("customer_owned_ipv4_pool"), &Value::string("ipv4pool-coip-1"));
        assert_eq!(read.get(PRIVATE_LINK), &Value::string("off"));
        assert_eq!(
            read.get(IPAM_POOLS),
            &block(&[("ipv4_ipam_pool_id", Value::string("ipam-pool-1"))])
        );

        let bare = to_value(
            &lb(LoadBalancerTypeEnum::Application),
            &BTreeMap::new(),
            None,
            &[],
            &Value::map([(PRIVATE_LINK, Value::string("on"))]),
        );
        assert_eq!(bare.get("customer_owned_ipv4_pool"), &Value::Null);
        assert_eq!(bare.get(PRIVATE_LINK), &Value::string("on"));
        assert_eq!(bare.get(IPAM_POOLS), &Value::List(vec![]));
        assert_eq!(bare.get(MINIMUM_CAPACITY), &Value::List(vec![]));
    }

    /// Terraform's state holds null for a setting whose diff the provider suppresses on the
    /// load balancer's type (`dns_record_client_routing_policy` of an application load
    /// balancer): it reads as the default infra plans, so it plans no change.
    #[test]
    fn a_suppressed_setting_stored_as_null_reads_as_its_default() {
        let resource = load_balancer();
        let mut stored = Value::map([
            ("load_balancer_type", Value::string("application")),
            ("dns_record_client_routing_policy", Value::Null),
            (SECONDARY_IPS, Value::Null),
            ("enable_zonal_shift", Value::Bool(false)),
        ]);
        resource.normalize(&mut stored);
        assert_eq!(
            stored.get("dns_record_client_routing_policy"),
            &Value::string("any_availability_zone")
        );
        assert_eq!(stored.get(SECONDARY_IPS), &Value::Null);
        let mut network = Value::map([
            ("load_balancer_type", Value::string("network")),
            ("dns_record_client_routing_policy", Value::Null),
            ("idle_timeout", Value::Null),
        ]);
        resource.normalize(&mut network);
        assert_eq!(network.get("dns_record_client_routing_policy"), &Value::Null);
        assert_eq!(network.get("idle_timeout"), &Value::Number(60.0));
    }
}

/// The audit of issue 36 against the provider's schema and CustomizeDiff (load_balancer.go).
#[cfg(test)]
mod provider_schema_tests {
    use super::*;
    use crate::Aws;
    use infra_core::ResourceType;

    fn load_balancer() -> AwsLb {
        AwsLb::new(Aws::new(crate::ProviderSettings::default()))
    }

    fn mapping(subnet: &str, allocation: Option<&str>) -> Value {
        Value::map([
            ("subnet_id", Value::string(subnet)),
            ("allocation_id", allocation.map_or(Value::Null, Value::string)),
            ("private_ipv4_address", Value::Null),
            ("ipv6_address", Value::Null),
            ("outpost_id", Value::string("")),
        ])
    }

    /// A load balancer configured with `subnet_mapping`: its `subnets` is computed, the same
    /// before and after (unset here).
    fn mapped(kind: &str, mappings: &[Value]) -> Value {
        Value::map([
            ("load_balancer_type", Value::string(kind)),
            ("subnet_mapping", Value::List(mappings.to_vec())),
        ])
    }

    fn with_subnets(kind: &str, subnets: &[&str], groups: &[&str]) -> Value {
        let list = |items: &[&str]| Value::List(items.iter().map(|i| Value::string(*i)).collect());
        Value::map([
            ("load_balancer_type", Value::string(kind)),
            ("subnets", list(subnets)),
            ("security_groups", list(groups)),
            ("subnet_mapping", Value::List(vec![])),
        ])
    }

    /// `subnet_mapping` is no longer force-new: the provider changes it with SetSubnets and
    /// replaces only through its CustomizeDiff. An application load balancer is replaced when
    /// a mapping changes; one that only gains or only loses mappings is updated. A network
    /// load balancer is replaced unless it only gains mappings.
    #[test]
    fn subnet_mappings_change_in_place_where_the_provider_changes_them() {
        let resource = load_balancer();
        let block = resource.schema.block_named("subnet_mapping").expect("declared");
        assert!(!block.force_new);
        assert!(!block.schema.attributes.iter().any(|a| a.force_new));

        let a = mapping("subnet-a", None);
        let b = mapping("subnet-b", None);
        let c = mapping("subnet-c", None);
        let replaced = |kind: &str, before: &[Value], after: &[Value]| {
            resource.replacing_changes(
                &mapped(kind, before),
                &mapped(kind, after),
                &["subnet_mapping".to_string()],
            )
        };
        let none: Vec<String> = vec![];
        let mappings = vec!["subnet_mapping".to_string()];
        // Application: added or removed in place; one changed replaces.
        assert_eq!(
            replaced("application", &[a.clone(), b.clone()], &[a.clone(), b.clone(), c.clone()]),
            none
        );
        assert_eq!(
            replaced("application", &[a.clone(), b.clone(), c.clone()], &[a.clone(), b.clone()]),
            none
        );
        assert_eq!(
            replaced("application", &[a.clone(), b.clone()], &[a.clone(), c.clone()]),
            mappings
        );
        assert_eq!(
            replaced("application", &[a.clone(), b.clone()], std::slice::from_ref(&c)),
            mappings
        );
        // Network: added in place; removed or changed replaces (an Elastic IP too).
        assert_eq!(replaced("network", std::slice::from_ref(&a), &[a.clone(), b.clone()]), none);
        assert_eq!(
            replaced("network", &[a.clone(), b.clone()], std::slice::from_ref(&a)),
            mappings
        );
        let a_with_eip = mapping("subnet-a", Some("eipalloc-1"));
        assert_eq!(replaced("network", std::slice::from_ref(&a), &[a_with_eip]), mappings);
        assert_eq!(replaced("network", std::slice::from_ref(&a), std::slice::from_ref(&a)), none);

        // The update sends the new mappings with SetSubnets, and `subnets` is known after it.
        let prior = mapped("application", &[a.clone(), b.clone()]);
        let planned = mapped("application", &[a.clone(), b.clone(), c.clone()]);
        let (subnets, sent) = subnets_request(&prior, &planned).expect("a SetSubnets");
        assert_eq!(subnets, None);
        let sent: Vec<&str> =
            sent.as_deref().unwrap_or_default().iter().filter_map(|m| m.subnet_id()).collect();
        assert_eq!(sent, ["subnet-a", "subnet-b", "subnet-c"]);
        assert_eq!(resource.unknown_after_update(&prior, &planned), ["subnets"]);
        assert!(subnets_request(&prior, &prior).is_none());
        assert!(resource.unknown_after_update(&prior, &prior).is_empty());
    }

    /// A network load balancer is replaced when it loses a subnet (or swaps one), or when its
    /// security groups go from none to some or from some to none, as the provider's
    /// CustomizeDiff has it; AWS would refuse those changes. Added subnets and changed groups
    /// are updates; an application load balancer is never replaced for them.
    #[test]
    fn a_network_load_balancer_is_replaced_where_aws_cannot_change_it() {
        let resource = load_balancer();
        let replaced = |kind: &str, before: (&[&str], &[&str]), after: (&[&str], &[&str])| {
            resource.replacing_changes(
                &with_subnets(kind, before.0, before.1),
                &with_subnets(kind, after.0, after.1),
                &[],
            )
        };
        let none: Vec<String> = vec![];
        let ab: &[&str] = &["subnet-a", "subnet-b"];
        let abc: &[&str] = &["subnet-a", "subnet-b", "subnet-c"];
        let ac: &[&str] = &["subnet-a", "subnet-c"];
        let sg1: &[&str] = &["sg-1"];
        let sg2: &[&str] = &["sg-1", "sg-2"];
        let no: &[&str] = &[];
        assert_eq!(replaced("network", (ab, no), (abc, no)), none);
        assert_eq!(replaced("network", (abc, no), (ab, no)), ["subnets"]);
        assert_eq!(replaced("network", (ab, no), (ac, no)), ["subnets"]);
        assert_eq!(replaced("network", (ab, no), (ab, sg1)), ["security_groups"]);
        assert_eq!(replaced("network", (ab, sg1), (ab, no)), ["security_groups"]);
        assert_eq!(replaced("network", (ab, sg1), (ab, sg2)), none);
        assert_eq!(replaced("application", (abc, sg1), (ab, no)), none);
        assert_eq!(replaced("application", (ab, sg1), (ac, sg1)), none);
        // Unknown subnets (known after apply) decide nothing yet.
        let mut unknown = with_subnets("network", ab, no);
        unknown.map_mut().unwrap().insert("subnets".to_string(), Value::Unknown);
        assert_eq!(
            resource.replacing_changes(&with_subnets("network", abc, no), &unknown, &[]),
            none
        );
        // An update still sends SetSubnets with the subnets.
        let (subnets, mappings) = subnets_request(
            &with_subnets("application", ab, no),
            &with_subnets("application", ac, no),
        )
        .expect("a SetSubnets");
        assert_eq!(subnets, Some(vec!["subnet-a".to_string(), "subnet-c".to_string()]));
        assert!(mappings.is_none());
    }

    /// `enable_cross_zone_load_balancing` defaults to false (network and gateway), so removing
    /// `= true` plans false; on an application load balancer, where it is always on, any
    /// value reads as the `true` AWS reports, as the provider suppresses the diff there.
    #[test]
    fn cross_zone_load_balancing_defaults_to_false_where_it_applies() {
        let resource = load_balancer();
        let attribute =
            resource.schema.attribute("enable_cross_zone_load_balancing").expect("declared");
        assert_eq!(attribute.default, Some(Value::Bool(false)));
        assert!(!attribute.is_computed());

        let value = |kind: &str, enabled: bool| {
            Value::map([
                ("load_balancer_type", Value::string(kind)),
                ("enable_cross_zone_load_balancing", Value::Bool(enabled)),
            ])
        };
        // Network: the default is sent on no create; a change from true to false is sent.
        assert_eq!(
            settings_to_send(
                SETTINGS,
                "network",
                &value("network", true),
                &value("network", false)
            ),
            [("load_balancing.cross_zone.enabled", "false".to_string())]
        );
        let mut network = value("network", false);
        resource.normalize(&mut network);
        assert_eq!(network, value("network", false));
        // Application: the state's true, the default false and a configured true are the same.
        for enabled in [true, false] {
            let mut application = value("application", enabled);
            resource.normalize(&mut application);
            assert_eq!(application, value("application", true));
        }
        assert!(settings_to_send(
            SETTINGS,
            "application",
            &value("application", true),
            &value("application", false)
        )
        .is_empty());
    }

    /// `internal` is Optional+Computed: a configuration that omits it keeps the load
    /// balancer's scheme (an imported internal one is not replaced), and a new one is
    /// internet-facing.
    #[test]
    fn internal_is_optional_and_computed() {
        let resource = load_balancer();
        let attribute = resource.schema.attribute("internal").expect("declared");
        assert_eq!(attribute.default, None);
        assert!(attribute.is_computed() && attribute.is_settable() && attribute.force_new);

        let client = crate::elbv2_support::test_client();
        let scheme = |internal: Value| {
            let planned = Value::map([
                ("load_balancer_type", Value::string("application")),
                ("internal", internal),
            ]);
            create_request(&client, "web", &planned).as_input().get_scheme().clone()
        };
        assert_eq!(scheme(Value::Unknown), Some(LoadBalancerSchemeEnum::InternetFacing));
        assert_eq!(scheme(Value::Bool(true)), Some(LoadBalancerSchemeEnum::Internal));
    }
}
