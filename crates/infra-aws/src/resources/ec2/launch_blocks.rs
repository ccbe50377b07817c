//! What `aws_instance` and `aws_launch_template` describe alike, written once: the value lists
//! their checks share, the `capacity_reservation_specification` block (schema, request parts,
//! target read back) and the `metadata_options` block (schema, read back), and the burstable-type lookup before
//! `credit_specification` is sent. What differs
//! between the two (the provider's Optional+Computed instance blocks against the template's
//! Optional ones, the instance's metadata endpoint default, which fields are sent) stays in
//! each type's file.

use aws_sdk_ec2::types::{
    CapacityReservationPreference, CapacityReservationTarget, CapacityReservationTargetResponse,
    InstanceType,
};
use infra_core::{Attribute, Block, Check, ProviderError, Schema, Type, Value};

use crate::app_support::{non_empty, sent, single, text};
use crate::ec2_support::as_enum;
use crate::verify::ARN;

pub(super) const VOLUME_TYPES: &[&str] = &["standard", "io1", "io2", "gp2", "sc1", "st1", "gp3"];
pub(super) const ENABLED_DISABLED: &[&str] = &["enabled", "disabled"];
pub(super) const INTERRUPTION_BEHAVIORS: &[&str] = &["hibernate", "stop", "terminate"];
pub(super) const SPOT_INSTANCE_TYPES: &[&str] = &["one-time", "persistent"];
pub(super) const CPU_CREDITS: &[&str] = &["standard", "unlimited"];
pub(super) const AUTO_RECOVERY: &[&str] = &["default", "disabled"];
pub(super) const TENANCIES: &[&str] = &["default", "dedicated", "host"];
pub(super) const HOSTNAME_TYPES: &[&str] = &["ip-name", "resource-name"];
const RESERVATION_PREFERENCES: &[&str] = &["capacity-reservations-only", "open", "none"];
const HTTP_TOKENS: &[&str] = &["optional", "required"];

/// `capacity_reservation_specification` of the instance and the launch template: a preference,
/// or a target reservation (or group).
///
/// `preference_or_target` is the provider's `ExactlyOneOf` between the preference and the
/// target (the instance declares it, the launch template does not); the target's ID and group
/// conflict in both.
pub(super) fn capacity_reservation_schema(preference_or_target: &'static [&'static str]) -> Schema {
    const ID: &str = "capacity_reservation_specification.0.capacity_reservation_target.0.capacity_reservation_id";
    const GROUP: &str = "capacity_reservation_specification.0.capacity_reservation_target.0.capacity_reservation_resource_group_arn";
    Schema::new()
        .attr(
            Attribute::optional("capacity_reservation_preference", Type::String)
                .check(Check::OneOf(RESERVATION_PREFERENCES))
                .exactly_one_of(preference_or_target),
        )
        .block(
            Block::single(
                "capacity_reservation_target",
                Schema::new()
                    .attr(
                        Attribute::optional("capacity_reservation_id", Type::String)
                            .conflicts_with(&[GROUP]),
                    )
                    .attr(
                        Attribute::optional(
                            "capacity_reservation_resource_group_arn",
                            Type::String,
                        )
                        .check(ARN)
                        .conflicts_with(&[ID]),
                    ),
            )
            .exactly_one_of(preference_or_target),
        )
}

/// The instance's `ExactlyOneOf` between a reservation's preference and its target.
pub(super) const PREFERENCE_OR_TARGET: &[&str] = &[
    "capacity_reservation_specification.0.capacity_reservation_preference",
    "capacity_reservation_specification.0.capacity_reservation_target",
];

/// The preference and the target of a `capacity_reservation_specification` block, as both
/// requests (RunInstances' and the launch data's) take them.
pub(super) fn capacity_reservation_parts(
    specification: &Value,
) -> (Option<CapacityReservationPreference>, Option<CapacityReservationTarget>) {
    let preference = as_enum(non_empty(specification, "capacity_reservation_preference"));
    let target = single(specification, "capacity_reservation_target").map(|target| {
        CapacityReservationTarget::builder()
            .set_capacity_reservation_id(non_empty(target, "capacity_reservation_id"))
            .set_capacity_reservation_resource_group_arn(non_empty(
                target,
                "capacity_reservation_resource_group_arn",
            ))
            .build()
    });
    (preference, target)
}

/// `capacity_reservation_target` as read back: one object, or none.
pub(super) fn capacity_reservation_target_value(
    target: Option<&CapacityReservationTargetResponse>,
) -> Value {
    Value::List(
        target
            .map(|target| {
                Value::map([
                    ("capacity_reservation_id", text(target.capacity_reservation_id())),
                    (
                        "capacity_reservation_resource_group_arn",
                        text(target.capacity_reservation_resource_group_arn()),
                    ),
                ])
            })
            .into_iter()
            .collect(),
    )
}

/// `metadata_options`: an instance defaults `http_endpoint` and `http_protocol_ipv6`
/// (`endpoint_defaults`, Optional with a default in the provider), a template leaves them
/// to AWS (Optional+Computed).
pub(super) fn metadata_options_schema(endpoint_defaults: Option<(&str, &str)>) -> Schema {
    let state = |name: &'static str, default: Option<&str>| {
        match default {
            Some(default) => {
                Attribute::optional(name, Type::String).default(Value::string(default))
            }
            None => Attribute::optional_computed(name, Type::String),
        }
        .check(Check::OneOf(ENABLED_DISABLED))
    };
    Schema::new()
        .attr(state("http_endpoint", endpoint_defaults.map(|d| d.0)))
        .attr(state("http_protocol_ipv6", endpoint_defaults.map(|d| d.1)))
        .attr(
            Attribute::optional_computed("http_put_response_hop_limit", Type::Number)
                .check(Check::Range(1, 64)),
        )
        .attr(
            Attribute::optional_computed("http_tokens", Type::String)
                .check(Check::OneOf(HTTP_TOKENS)),
        )
        .attr(state("instance_metadata_tags", None))
}

/// One `metadata_options` object as read back, from either SDK object
/// (`InstanceMetadataOptionsResponse`, `LaunchTemplateInstanceMetadataOptions`: the same
/// accessors over enum types of their own).
macro_rules! metadata_options_value {
    ($options:expr) => {{
        let options = $options;
        let state = crate::app_support::text;
        infra_core::Value::map([
            ("http_endpoint", state(options.http_endpoint().map(|v| v.as_str()))),
            ("http_protocol_ipv6", state(options.http_protocol_ipv6().map(|v| v.as_str()))),
            (
                "http_put_response_hop_limit",
                crate::app_support::number(options.http_put_response_hop_limit().map(i64::from)),
            ),
            ("http_tokens", state(options.http_tokens().map(|v| v.as_str()))),
            ("instance_metadata_tags", state(options.instance_metadata_tags().map(|v| v.as_str()))),
        ])
    }};
}
pub(super) use metadata_options_value;

/// Whether an instance type has burstable performance (DescribeInstanceTypes), which both
/// types ask before sending `credit_specification`, as the provider does; AWS's error as is.
pub(super) async fn burstable_performance(
    ec2: &aws_sdk_ec2::Client,
    instance_type: &str,
) -> Result<bool, ProviderError> {
    let output =
        sent!(ec2.describe_instance_types().instance_types(InstanceType::from(instance_type)))?;
    Ok(output
        .instance_types()
        .first()
        .and_then(|info| info.burstable_performance_supported())
        .unwrap_or(false))
}
