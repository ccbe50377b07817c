//! `aws_route53_health_check`: a Route 53 health check of an endpoint (`HTTP`, `HTTPS`,
//! `HTTP_STR_MATCH`, `HTTPS_STR_MATCH`, `TCP`), of other health checks (`CALCULATED`), of a
//! CloudWatch alarm (`CLOUDWATCH_METRIC`) or of a recovery-control routing control
//! (`RECOVERY_CONTROL`).
//!
//! The Terraform ID is the health check ID, which is also the import ID. `type`,
//! `reference_name`, `request_interval`, `measure_latency` and `routing_control_arn` force a new
//! health check; everything else changes in place with one UpdateHealthCheck that carries the
//! changed settings and the health check's current `HealthCheckVersion` (an emptied `fqdn`,
//! `resource_path`, `regions` or `child_healthchecks` is reset with `ResetElements`). Tags
//! change with ChangeTagsForResource (resource type `healthcheck`). As the provider does, the
//! type-specific arguments are sent for their type only: `child_healthchecks` and
//! `child_health_threshold` for `CALCULATED`, the alarm and `insufficient_data_health_status`
//! for `CLOUDWATCH_METRIC`, `routing_control_arn` for `RECOVERY_CONTROL`, and
//! `measure_latency` for the others. `triggers` is configuration only: a change to it sends the
//! alarm again (when there is one), so Route 53 picks up a changed alarm.
//!
//! Where the configuration leaves `port`, `request_interval` or `child_health_threshold` out,
//! the value Route 53 fills in by default (port 80 or 443, a 30-second interval, threshold 0) is
//! not drift, as the provider sees no change there; on import Route 53's values are taken.
//! `invert_healthcheck` is false when not set, the value the provider stores. `ip_address` is
//! compared as an address (`::1` and `0:0::1` are the same).
//!
//! The caller reference is `<reference_name>-<marker>` (see `aws_route53_delegation_set`): the
//! marker carries the state lineage and the address, so `find_created` finds the check an
//! interrupted create made (and gives it its tags), and refresh reads `reference_name` back out
//! of it, also from the provider's own `<reference_name>-terraform-<26 digits>`.
//!
//! Refresh is one GetHealthCheck per check (8 in flight) and one ListTagsForResources per 10
//! checks. moto does not hold the alarm (`cloudwatch_alarm_name`, `cloudwatch_alarm_region`),
//! `insufficient_data_health_status` or `routing_control_arn`, so those are kept from the prior
//! value when the answer leaves them out, and drift on them is not seen in tests. moto's
//! UpdateHealthCheck also drops the child health checks and regions of a check when the update
//! does not name them (AWS keeps them).

use std::collections::BTreeMap;

use aws_sdk_route53::types::{
    AlarmIdentifier, CloudWatchRegion, HealthCheck, HealthCheckConfig, HealthCheckRegion,
    HealthCheckType, InsufficientDataHealthStatus, ResettableElementName, TagResourceType,
};
use infra_core::{Attribute, Check, ProviderError, Type, Value};

use super::aws_route53_delegation_set::{reference_name_of, reference_name_value};
use crate::app_support::{
    boolean, deleted_or_gone, int, known, non_empty, number, sent, string, string_list, strings,
    tag_changes, text, text_or_null, vanished,
};
use crate::aws_object::{
    each_key, AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged,
    Updating,
};
use crate::clients::partition_of;
use crate::declared::{read, reported, Declared};
use crate::error::{aws_error, built, refused};
use crate::route53_support::{caller_reference, creation_marker, resource_tags, route53_tags};
use crate::tagging::ManagedTags;
use crate::verify::ARN;

const TYPES: &[&str] = &[
    "HTTP",
    "HTTPS",
    "HTTP_STR_MATCH",
    "HTTPS_STR_MATCH",
    "TCP",
    "CALCULATED",
    "CLOUDWATCH_METRIC",
    "RECOVERY_CONTROL",
];

const INSUFFICIENT_DATA_STATUSES: &[&str] = &["Healthy", "Unhealthy", "LastKnownStatus"];

/// The regions Route 53 health checkers run in (the SDK's `HealthCheckRegion`).
const CHECKER_REGIONS: &[&str] = &[
    "ap-northeast-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "eu-west-1",
    "sa-east-1",
    "us-east-1",
    "us-west-1",
    "us-west-2",
];

/// The regions a CloudWatch alarm of a health check may be in (the SDK's `CloudWatchRegion`).
const ALARM_REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "cn-north-1",
    "cn-northwest-1",
    "eu-central-1",
    "eu-central-2",
    "eu-isoe-west-1",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eusc-de-east-1",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-gov-east-1",
    "us-gov-west-1",
    "us-iso-east-1",
    "us-iso-west-1",
    "us-isob-east-1",
    "us-isob-west-1",
    "us-isof-east-1",
    "us-isof-south-1",
    "us-west-1",
    "us-west-2",
];

/// The longest `reference_name`: a caller reference holds 64 characters, and the generated
/// suffix with its `-` takes 37 of them.
const REFERENCE_NAME_MAX: usize = 27;

pub type AwsRoute53HealthCheck = ObjectType<HealthCheckObject>;

pub struct HealthCheckObject;

/// True for Route 53's "no such health check" error.
fn is_no_such_health_check(error: &ProviderError) -> bool {
    matches!(error.code.as_deref(), Some("NoSuchHealthCheck"))
}

/// An IP address in its canonical text form (IPv6 compressed); other text unchanged.
fn canonical_ip(text: &str) -> String {
    text.parse::<std::net::IpAddr>().map(|ip| ip.to_string()).unwrap_or_else(|_| text.to_string())
}

/// The port Route 53 uses for an endpoint check of this type when none is given.
fn default_port(kind: Option<&str>) -> Value {
    match kind {
        Some("HTTP" | "HTTP_STR_MATCH") => Value::Number(80.0),
        Some("HTTPS" | "HTTPS_STR_MATCH") => Value::Number(443.0),
        _ => Value::Null,
    }
}

/// Route 53's value of an optional argument, or null where the configuration leaves the
/// argument out (the prior value holds it as null) and Route 53 reports nothing or its own
/// default: the provider sees no change there. On import (the prior value lacks the key)
/// Route 53's value stands.
fn unless_default(hint: &Value, key: &str, reported: Value, aws_default: &Value) -> Value {
    let left_out = hint.as_map().is_some_and(|object| object.get(key).is_some_and(Value::is_null));
    if left_out && (reported.is_null() || &reported == aws_default) {
        Value::Null
    } else {
        reported
    }
}

/// Whether a scalar argument differs between `prior` and `planned`, with null and "" the same.
fn differs(prior: &Value, planned: &Value, key: &str) -> bool {
    let comparable = |value: &Value| match value.unmarked() {
        Value::String(text) if text.is_empty() => serde_json::Value::Null,
        other => other.to_json(),
    };
    comparable(prior.get(key)) != comparable(planned.get(key))
}

/// Whether a set of strings differs between `prior` and `planned`, with null and empty the same.
fn set_differs(prior: &Value, planned: &Value, key: &str) -> bool {
    let sorted = |value: &Value| {
        let mut items = strings(value, key);
        items.sort();
        items.dedup();
        items
    };
    sorted(prior) != sorted(planned)
}

/// The regions of a value as the SDK's enum.
fn checker_regions(value: &Value) -> Vec<HealthCheckRegion> {
    strings(value, "regions")
        .iter()
        .map(|region| HealthCheckRegion::from(region.as_str()))
        .collect()
}

/// The alarm of a value (`cloudwatch_alarm_name` and `cloudwatch_alarm_region`), if it names
/// one; both are required by Route 53.
fn alarm_identifier(value: &Value) -> Result<Option<AlarmIdentifier>, ProviderError> {
    let Some(name) = non_empty(value, "cloudwatch_alarm_name") else {
        return Ok(None);
    };
    AlarmIdentifier::builder()
        .name(name)
        .set_region(
            non_empty(value, "cloudwatch_alarm_region")
                .map(|region| CloudWatchRegion::from(region.as_str())),
        )
        .build()
        .map(Some)
        .map_err(refused)
}

/// A setting of the check's configuration.
fn setting<'a, T>(
    check: &'a HealthCheck,
    get: impl Fn(&'a HealthCheckConfig) -> Option<T>,
) -> Option<T> {
    check.health_check_config().and_then(get)
}

/// A switch of the configuration: false when Route 53 reports none.
fn flag(
    attribute: Attribute,
    get: fn(&HealthCheckConfig) -> Option<bool>,
) -> Declared<HealthCheck> {
    read(attribute, move |check: &HealthCheck, _| Value::Bool(setting(check, get).unwrap_or(false)))
}

/// A whole number of the configuration.
fn whole(check: &HealthCheck, get: fn(&HealthCheckConfig) -> Option<i32>) -> Value {
    number(setting(check, get).map(i64::from))
}

/// A text of the configuration, AWS's empty string as null.
fn words(
    attribute: Attribute,
    get: fn(&HealthCheckConfig) -> Option<&str>,
) -> Declared<HealthCheck> {
    read(attribute, move |check: &HealthCheck, _| text_or_null(setting(check, get)))
}

/// A setting moto does not hold: as reported, else kept from the prior value.
fn kept(
    attribute: Attribute,
    get: fn(&HealthCheckConfig) -> Option<&str>,
) -> Declared<HealthCheck> {
    let name = attribute.name;
    read(attribute, move |check: &HealthCheck, at| match setting(check, get) {
        Some(reported) => Value::string(reported),
        None => known(at.prior, name),
    })
}

/// A number Route 53 fills in by default ([`unless_default`]).
fn defaulted(
    attribute: Attribute,
    get: fn(&HealthCheckConfig) -> Option<i32>,
    aws_default: fn(&HealthCheck) -> Value,
) -> Declared<HealthCheck> {
    let name = attribute.name;
    read(attribute, move |check: &HealthCheck, at| {
        unless_default(at.prior, name, whole(check, get), &aws_default(check))
    })
}

/// The check's type.
fn kind(check: &HealthCheck) -> Option<&str> {
    check.health_check_config().map(|c| c.r#type().as_str())
}

fn alarm(check: &HealthCheck) -> Option<&AlarmIdentifier> {
    setting(check, HealthCheckConfig::alarm_identifier)
}

/// Every health check of the account.
async fn list(this: &AwsRoute53HealthCheck) -> Result<Vec<HealthCheck>, ProviderError> {
    let client = &this.aws.clients().await.route53;
    let mut checks = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let page = sent!(client.list_health_checks().set_marker(marker.take()))?;
        checks.extend(page.health_checks().iter().cloned());
        match page.next_marker() {
            Some(next) if page.is_truncated() => marker = Some(next.to_string()),
            _ => break,
        }
    }
    Ok(checks)
}

/// One health check, or `None` when it is gone.
async fn fetch(
    this: &AwsRoute53HealthCheck,
    id: &str,
) -> Result<Option<HealthCheck>, ProviderError> {
    let client = &this.aws.clients().await.route53;
    match sent!(client.get_health_check().health_check_id(id)) {
        Ok(response) => Ok(response.health_check().cloned()),
        Err(error) if is_no_such_health_check(&error) => Ok(None),
        Err(error) => Err(error),
    }
}

impl AwsObject for HealthCheckObject {
    type Object = HealthCheck;
    const NAME: &'static str = "aws_route53_health_check";
    const KIND: &'static str = "Route 53 health check";
    const KEY: &'static str = "id";

    fn attributes() -> Vec<Declared<HealthCheck>> {
        let optional = Attribute::optional;
        vec![
            reported(Attribute::computed("id", Type::String), HealthCheck::id),
            read(Attribute::computed("arn", Type::String), |check: &HealthCheck, at| {
                let partition = partition_of(at.region);
                Value::string(format!("arn:{partition}:route53:::healthcheck/{}", check.id()))
            }),
            read(
                Attribute::required("type", Type::String).force_new().check(Check::OneOf(TYPES)),
                |check: &HealthCheck, _| text(kind(check)),
            ),
            defaulted(
                optional("child_health_threshold", Type::Number).check(Check::Range(0, 256)),
                HealthCheckConfig::health_threshold,
                |_| Value::Number(0.0),
            ),
            read(
                optional("child_healthchecks", Type::set(Type::String)).check(Check::Length(0, 64)),
                |check: &HealthCheck, _| {
                    string_list(
                        setting(check, |c| Some(c.child_health_checks())).unwrap_or_default(),
                    )
                },
            ),
            read(optional("cloudwatch_alarm_name", Type::String), |check: &HealthCheck, at| {
                match alarm(check) {
                    Some(alarm) => Value::string(alarm.name()),
                    None => known(at.prior, "cloudwatch_alarm_name"),
                }
            }),
            read(
                optional("cloudwatch_alarm_region", Type::String)
                    .check(Check::OneOf(ALARM_REGIONS)),
                |check: &HealthCheck, at| match alarm(check) {
                    Some(alarm) => Value::string(alarm.region().as_str()),
                    None => known(at.prior, "cloudwatch_alarm_region"),
                },
            ),
            flag(
                optional("disabled", Type::Bool).default(Value::Bool(false)),
                HealthCheckConfig::disabled,
            ),
            flag(
                Attribute::optional_computed("enable_sni", Type::Bool),
                HealthCheckConfig::enable_sni,
            ),
            read(
                Attribute::optional_computed("failure_threshold", Type::Number)
                    .check(Check::Range(1, 10)),
                |check: &HealthCheck, _| whole(check, HealthCheckConfig::failure_threshold),
            ),
            words(
                optional("fqdn", Type::String).check(Check::Length(0, 255)),
                HealthCheckConfig::fully_qualified_domain_name,
            ),
            kept(
                optional("insufficient_data_health_status", Type::String)
                    .check(Check::OneOf(INSUFFICIENT_DATA_STATUSES)),
                |c| c.insufficient_data_health_status().map(|status| status.as_str()),
            ),
            flag(
                optional("invert_healthcheck", Type::Bool).default(Value::Bool(false)),
                HealthCheckConfig::inverted,
            ),
            read(optional("ip_address", Type::String), |check: &HealthCheck, _| {
                let ip = setting(check, HealthCheckConfig::ip_address).filter(|ip| !ip.is_empty());
                text(ip.map(canonical_ip).as_deref())
            }),
            flag(
                optional("measure_latency", Type::Bool).default(Value::Bool(false)).force_new(),
                HealthCheckConfig::measure_latency,
            ),
            defaulted(
                optional("port", Type::Number).check(Check::Range(1, 65535)),
                HealthCheckConfig::port,
                |check| default_port(kind(check)),
            ),
            read(
                optional("reference_name", Type::String)
                    .force_new()
                    .check(Check::Length(0, REFERENCE_NAME_MAX)),
                |check: &HealthCheck, at| {
                    reference_name_value(Some(check.caller_reference()), at.prior)
                },
            ),
            read(
                optional("regions", Type::set(Type::String)).check(Check::OneOf(CHECKER_REGIONS)),
                |check: &HealthCheck, _| {
                    let regions = setting(check, |c| Some(c.regions())).unwrap_or_default();
                    string_list(regions.iter().map(|region| region.as_str()))
                },
            ),
            defaulted(
                optional("request_interval", Type::Number)
                    .force_new()
                    .check(Check::OneOfNumbers(&[10, 30])),
                HealthCheckConfig::request_interval,
                |_| Value::Number(30.0),
            ),
            words(
                optional("resource_path", Type::String).check(Check::Length(0, 255)),
                HealthCheckConfig::resource_path,
            ),
            kept(
                optional("routing_control_arn", Type::String).force_new().check(ARN),
                HealthCheckConfig::routing_control_arn,
            ),
            words(
                optional("search_string", Type::String).check(Check::Length(0, 255)),
                HealthCheckConfig::search_string,
            ),
            read(
                Attribute::optional_computed("triggers", Type::map(Type::String)),
                |_: &HealthCheck, at| known(at.prior, "triggers"),
            ),
        ]
    }

    fn normalize(value: &mut Value) {
        if let Value::Map(object) = value {
            if let Some(Value::String(ip)) = object.get_mut("ip_address") {
                *ip = canonical_ip(ip);
            }
        }
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if let Some(ip) = config.get("ip_address").as_str() {
            if ip.parse::<std::net::IpAddr>().is_err() {
                problems.push((
                    "ip_address".to_string(),
                    format!("expected ip_address to contain a valid IP, got: {ip}"),
                ));
            }
        }
        if let Some(children) = config.get("child_healthchecks").as_list() {
            if children.len() > 256 {
                problems.push((
                    "child_healthchecks".to_string(),
                    format!(
                        "Attribute supports 256 item maximum, but config has {} declared.",
                        children.len()
                    ),
                ));
            }
        }
        if let Some(regions) = config.get("regions").as_list() {
            // Unknown elements count; their values are checked once known.
            if regions.len() < 3 {
                problems.push((
                    "regions".to_string(),
                    format!(
                        "Attribute requires 3 item minimum, but config has only {} declared.",
                        regions.len()
                    ),
                ));
            } else if regions.len() > 64 {
                problems.push((
                    "regions".to_string(),
                    format!(
                        "Attribute supports 64 item maximum, but config has {} declared.",
                        regions.len()
                    ),
                ));
            }
        }
        problems
    }

    /// One GetHealthCheck per check (8 in flight) and one ListTagsForResources per 10 checks.
    async fn describe(this: &ObjectType<Self>, ids: &[String]) -> DescribeResult<HealthCheck> {
        let checks = each_key(ids, |id| fetch(this, id)).await?;
        let found: Vec<String> =
            ids.iter().filter_map(|id| Some(checks.get(id)?.id().to_string())).collect();
        let tags = if found.is_empty() {
            BTreeMap::new()
        } else {
            resource_tags(&this.aws, TagResourceType::Healthcheck, &found).await?
        };
        Ok(checks
            .into_iter()
            .map(|(id, check)| {
                let tags = tags.get(check.id()).cloned().unwrap_or_default();
                (id, Tagged { object: check, tags })
            })
            .collect())
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.route53;
        let kind = string(at.planned, "type")
            .ok_or_else(|| ProviderError::new("aws_route53_health_check needs a type"))?;
        let check_type = HealthCheckType::from(kind.as_str());
        let mut config = HealthCheckConfig::builder()
            .r#type(check_type.clone())
            // As the provider, send the switches when set; Route 53's defaults are false.
            .set_disabled(boolean(at.planned, "disabled").filter(|on| *on))
            .set_inverted(boolean(at.planned, "invert_healthcheck").filter(|on| *on))
            // Sent whenever configured: Route 53's default is true for HTTPS checks.
            .set_enable_sni(boolean(at.planned, "enable_sni"))
            .set_failure_threshold(int(at.planned, "failure_threshold"))
            .set_fully_qualified_domain_name(non_empty(at.planned, "fqdn"))
            .set_ip_address(non_empty(at.planned, "ip_address"))
            .set_port(int(at.planned, "port"))
            .set_request_interval(int(at.planned, "request_interval"))
            .set_resource_path(non_empty(at.planned, "resource_path"))
            .set_search_string(non_empty(at.planned, "search_string"));
        match &check_type {
            HealthCheckType::Calculated => {
                let children = strings(at.planned, "child_healthchecks");
                config = config
                    .set_health_threshold(int(at.planned, "child_health_threshold"))
                    .set_child_health_checks((!children.is_empty()).then_some(children));
            }
            HealthCheckType::CloudwatchMetric => {
                config = config
                    .set_alarm_identifier(alarm_identifier(at.planned)?)
                    .set_insufficient_data_health_status(
                        non_empty(at.planned, "insufficient_data_health_status")
                            .map(|status| InsufficientDataHealthStatus::from(status.as_str())),
                    );
            }
            HealthCheckType::RecoveryControl => {
                config = config
                    .set_routing_control_arn(non_empty(at.planned, "routing_control_arn"))
                    .set_measure_latency(boolean(at.planned, "measure_latency").filter(|on| *on));
            }
            _ => {
                let measure_latency = boolean(at.planned, "measure_latency").filter(|on| *on);
                config = config.set_measure_latency(measure_latency);
            }
        }
        let regions = checker_regions(at.planned);
        if !regions.is_empty() {
            config = config.set_regions(Some(regions));
        }
        let config = built(config.build())?;
        let reference_name = non_empty(at.planned, "reference_name");
        let response = sent!(client
            .create_health_check()
            .caller_reference(caller_reference(at.operation, reference_name.as_deref()))
            .health_check_config(config))?;
        let id = response
            .health_check()
            .map(|check| check.id().to_string())
            .ok_or_else(|| ProviderError::new("CreateHealthCheck returned no health check"))?;
        client
            .change_tags_for_resource()
            .resource_type(TagResourceType::Healthcheck)
            .resource_id(&id)
            .set_add_tags(Some(route53_tags(&at.operation.tags_with_managed(at.planned))))
            .send()
            .await
            .map_err(|error| {
                aws_error(error).context(&format!("setting Route53 Health Check ({id}) tags"))
            })?;
        Ok(id)
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let id = at.key;
        let client = &at.this.aws.clients().await.route53;
        let mut request = client.update_health_check().health_check_id(id);
        let mut resets = Vec::new();
        let mut any = false;
        if differs(at.prior, at.planned, "child_health_threshold") {
            request =
                request.health_threshold(int(at.planned, "child_health_threshold").unwrap_or(0));
            any = true;
        }
        if set_differs(at.prior, at.planned, "child_healthchecks") {
            let children = strings(at.planned, "child_healthchecks");
            if children.is_empty() {
                resets.push(ResettableElementName::ChildHealthChecks);
            } else {
                request = request.set_child_health_checks(Some(children));
            }
            any = true;
        }
        let alarm_changed = differs(at.prior, at.planned, "cloudwatch_alarm_name")
            || differs(at.prior, at.planned, "cloudwatch_alarm_region")
            || (differs(at.prior, at.planned, "triggers")
                && non_empty(at.planned, "cloudwatch_alarm_name").is_some());
        if alarm_changed {
            if let Some(alarm) = alarm_identifier(at.planned)? {
                request = request.alarm_identifier(alarm);
                any = true;
            }
        }
        if differs(at.prior, at.planned, "disabled") {
            request = request.disabled(boolean(at.planned, "disabled").unwrap_or(false));
            any = true;
        }
        if differs(at.prior, at.planned, "enable_sni") {
            if let Some(enable_sni) = boolean(at.planned, "enable_sni") {
                request = request.enable_sni(enable_sni);
                any = true;
            }
        }
        if differs(at.prior, at.planned, "failure_threshold") {
            if let Some(threshold) = int(at.planned, "failure_threshold") {
                request = request.failure_threshold(threshold);
                any = true;
            }
        }
        if differs(at.prior, at.planned, "fqdn") {
            match non_empty(at.planned, "fqdn") {
                Some(fqdn) => request = request.fully_qualified_domain_name(fqdn),
                None => resets.push(ResettableElementName::FullyQualifiedDomainName),
            }
            any = true;
        }
        if differs(at.prior, at.planned, "insufficient_data_health_status") {
            if let Some(status) = non_empty(at.planned, "insufficient_data_health_status") {
                request = request.insufficient_data_health_status(
                    InsufficientDataHealthStatus::from(status.as_str()),
                );
                any = true;
            }
        }
        if differs(at.prior, at.planned, "invert_healthcheck") {
            request = request.inverted(boolean(at.planned, "invert_healthcheck").unwrap_or(false));
            any = true;
        }
        if differs(at.prior, at.planned, "ip_address") {
            // Route 53 refuses to add or remove an address; the provider sends "" to remove.
            request = request.ip_address(string(at.planned, "ip_address").unwrap_or_default());
            any = true;
        }
        if differs(at.prior, at.planned, "port") {
            if let Some(port) = int(at.planned, "port") {
                request = request.port(port);
                any = true;
            }
        }
        if set_differs(at.prior, at.planned, "regions") {
            let regions = checker_regions(at.planned);
            if regions.is_empty() {
                resets.push(ResettableElementName::Regions);
            } else {
                request = request.set_regions(Some(regions));
            }
            any = true;
        }
        if differs(at.prior, at.planned, "resource_path") {
            match non_empty(at.planned, "resource_path") {
                Some(path) => request = request.resource_path(path),
                None => resets.push(ResettableElementName::ResourcePath),
            }
            any = true;
        }
        if differs(at.prior, at.planned, "search_string") {
            request =
                request.search_string(string(at.planned, "search_string").unwrap_or_default());
            any = true;
        }
        if any {
            // The version read just now: an update made since by someone else is not
            // overwritten (HealthCheckVersionMismatch).
            let current =
                fetch(at.this, id).await?.ok_or_else(|| vanished("Route 53 health check", id))?;
            request
                .health_check_version(current.health_check_version())
                .set_reset_elements((!resets.is_empty()).then_some(resets))
                .send()
                .await
                .map_err(|error| {
                    aws_error(error).context(&format!("updating Route53 Health Check ({id})"))
                })?;
        }
        let (to_set, to_remove) = tag_changes(at.prior, at.planned);
        if !to_set.is_empty() || !to_remove.is_empty() {
            sent!(client
                .change_tags_for_resource()
                .resource_type(TagResourceType::Healthcheck)
                .resource_id(id)
                .set_add_tags((!to_set.is_empty()).then(|| route53_tags(&to_set)))
                .set_remove_tag_keys((!to_remove.is_empty()).then_some(to_remove)))?;
        }
        Ok(id.to_string())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let id = at.key;
        let client = &at.this.aws.clients().await.route53;
        let answer = sent!(client.delete_health_check().health_check_id(id));
        deleted_or_gone(answer, is_no_such_health_check)
            .map_err(|error| error.context(&format!("deleting Route53 Health Check ({id})")))
    }

    /// The check whose caller reference carries this lineage's and address's marker and the
    /// planned reference name; it gets the tags the interrupted create may not have set.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<HealthCheck> {
        let client = &at.this.aws.clients().await.route53;
        let marker = creation_marker(at.operation);
        let wanted = non_empty(at.planned, "reference_name");
        for check in list(at.this).await? {
            let reference = check.caller_reference();
            if !reference.contains(&marker) || reference_name_of(reference) != Some(wanted.clone())
            {
                continue;
            }
            sent!(client
                .change_tags_for_resource()
                .resource_type(TagResourceType::Healthcheck)
                .resource_id(check.id())
                .set_add_tags(Some(route53_tags(&at.operation.tags_with_managed(at.planned)))))?;
            return Ok(Some(Self::written(at.this, check.id()).await?));
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Aws;
    use infra_core::ResourceType;

    #[test]
    fn defaults_route53_fills_in_are_not_drift_unless_imported() {
        let configured = Value::map([("port", Value::Null)]);
        let reported = Value::Number(80.0);
        assert_eq!(
            unless_default(&configured, "port", reported.clone(), &Value::Number(80.0)),
            Value::Null
        );
        assert_eq!(
            unless_default(&configured, "port", Value::Number(8080.0), &Value::Number(80.0)),
            Value::Number(8080.0)
        );
        let imported = Value::map([("id", Value::string("abc"))]);
        assert_eq!(
            unless_default(&imported, "port", reported.clone(), &Value::Number(80.0)),
            reported
        );
    }

    #[test]
    fn addresses_compare_in_canonical_form() {
        assert_eq!(canonical_ip("0:0::1"), "::1");
        assert_eq!(canonical_ip("10.0.0.1"), "10.0.0.1");
        assert_eq!(canonical_ip("not an ip"), "not an ip");
    }

    #[test]
    fn plan_checks_follow_the_provider() {
        let check = AwsRoute53HealthCheck::new(Aws::new(crate::ProviderSettings::default()));
        let problems = check.problems(&Value::map([
            ("type", Value::string("HTTP")),
            ("request_interval", Value::Number(20.0)),
            ("ip_address", Value::string("300.1.1.1")),
            ("regions", Value::List(vec![Value::string("us-east-1"), Value::string("mars-1")])),
            ("reference_name", Value::string("a".repeat(28))),
        ]));
        let paths: Vec<&str> = problems.iter().map(|(path, _)| path.as_str()).collect();
        assert!(paths.contains(&"request_interval"), "{problems:?}");
        assert!(paths.contains(&"ip_address"), "{problems:?}");
        assert!(paths.contains(&"reference_name"), "{problems:?}");
        // Too few regions, and one not a checker region.
        assert!(paths.contains(&"regions"), "{problems:?}");
        assert!(paths.contains(&"regions[1]"), "{problems:?}");
        assert_eq!(problems.len(), 5, "{problems:?}");
    }
}
