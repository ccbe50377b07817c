//! `aws_launch_template`: an EC2 launch template (CreateLaunchTemplate). The Terraform ID is the
//! template ID (`lt-...`), which is also the import ID. Only `name` and `name_prefix` force a new
//! template. As in the provider, any change to the launch data or to `description` creates a new
//! version (CreateLaunchTemplateVersion) carrying the whole configured data;
//! `update_default_version = true` then makes that version the default (ModifyLaunchTemplate),
//! and a changed `default_version` sets the default explicitly (on create the provider ignores
//! it: a new template's default is version 1). `latest_version` is computed, and the data read
//! back is the latest version's, as the provider reads it. The template's own tags are sent with
//! CreateLaunchTemplate and change in place (CreateTags/DeleteTags).
//!
//! Refresh is batched: DescribeLaunchTemplates with a `launch-template-name` filter, 200 names a
//! call (the API has no launch-template-id filter, and a `LaunchTemplateIds` list with one
//! missing ID fails the whole call, so imported templates, known only by ID, are looked up one by
//! one); then the latest versions with DescribeLaunchTemplateVersions (`$Latest` across the
//! account for more than a few templates, stopping once all are seen, else one call per
//! template); then the tags with DescribeTags (`resource-id` filter, 200 a call), because moto's
//! DescribeLaunchTemplates reports the tags as they were at creation.
//!
//! Provider behaviours kept: `credit_specification` is sent only when `instance_type` is set and
//! has burstable performance (DescribeInstanceTypes), and is kept as configured when AWS holds
//! none; `user_data` is always sent (empty when unset), as base64 text as given; `ebs_optimized`
//! and the other nullable booleans (`ebs.delete_on_termination`, `ebs.encrypted`,
//! `network_interfaces.associate_carrier_ip_address`, `.associate_public_ip_address`,
//! `.delete_on_termination`, `.primary_ipv6`) are strings, `"true"`, `"false"` or `""` (unset);
//! `network_interfaces.device_index` and `.network_card_index` are always sent (0 when unset);
//! the range blocks of `instance_requirements` send `min` (0 when unset) and `max` only when it is
//! at least `min`.
//!
//! `secondary_interfaces` (provider v6.33+: a list of blocks, each sent as a
//! `LaunchTemplateInstanceSecondaryInterfaceSpecificationRequest` and read from the version's
//! `SecondaryInterfaces`) follows the provider's expand and flatten: `delete_on_termination` is a
//! plain boolean (not a nullable string) and always sent, `false` when unset, although AWS
//! documents `true` as its only supported value; `device_index` and `network_card_index` are
//! always sent (0 when unset); `private_ip_address_count` only when not 0; `interface_type` only
//! when set (`secondary` is the one value); `private_ip_addresses` is a set of IPv4 addresses
//! (checked at plan time with the provider's `IsIPv4Address` wording). As in the provider, giving
//! both the address count and the addresses is not refused at plan time (AWS's API reference
//! says they cannot go together).
//!
//! Left out (infra rejects them as unsupported arguments): `region` (infra has no per-resource
//! region); the removed `elastic_gpu_specifications` and `elastic_inference_accelerator`; and the
//! API's `instance_requirements` `baseline_performance_factors` / `require_encryption_in_transit`,
//! `placement.availability_zone_id`, `ebs.ebs_card_index` and `network_interfaces.ena_queue_count`,
//! which the provider does not document.
//!
//! moto (5.2.5) stores the launch data as sent and returns all of it (`secondary_interfaces` with
//! every field included), but it validates none of it (AMI, key pair, groups, subnets, secondary
//! subnets, interface types, an address count given with addresses, instance type), ignores
//! `ClientToken`, freezes the tags that DescribeLaunchTemplates reports at creation (hence
//! DescribeTags), and copies the template's own tag specification into the data's
//! `TagSpecifications` (dropped on read). Defaults that real AWS may add to a version
//! (`metadata_options`) are not added by moto, so drift on those is not seen in tests.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;
use std::time::Duration;

use aws_sdk_ec2::types::{
    AcceleratorCountRequest, AcceleratorManufacturer, AcceleratorName,
    AcceleratorTotalMemoryMiBRequest, AcceleratorType, BaselineEbsBandwidthMbpsRequest,
    ConnectionTrackingSpecificationRequest, CpuManufacturer, CreditSpecificationRequest,
    EnaSrdSpecificationRequest, EnaSrdUdpSpecificationRequest, Filter, InstanceGeneration,
    InstanceIpv6AddressRequest, InstanceRequirements, InstanceRequirementsRequest,
    Ipv4PrefixSpecificationRequest, Ipv6PrefixSpecificationRequest, LaunchTemplate,
    LaunchTemplateBlockDeviceMapping, LaunchTemplateBlockDeviceMappingRequest,
    LaunchTemplateCapacityReservationSpecificationRequest, LaunchTemplateCpuOptionsRequest,
    LaunchTemplateEbsBlockDeviceRequest, LaunchTemplateEnclaveOptionsRequest,
    LaunchTemplateHibernationOptionsRequest, LaunchTemplateIamInstanceProfileSpecificationRequest,
    LaunchTemplateInstanceMaintenanceOptionsRequest, LaunchTemplateInstanceMarketOptions,
    LaunchTemplateInstanceMarketOptionsRequest, LaunchTemplateInstanceMetadataOptionsRequest,
    LaunchTemplateInstanceNetworkInterfaceSpecification,
    LaunchTemplateInstanceNetworkInterfaceSpecificationRequest,
    LaunchTemplateInstanceSecondaryInterfaceSpecification,
    LaunchTemplateInstanceSecondaryInterfaceSpecificationRequest,
    LaunchTemplateLicenseConfigurationRequest, LaunchTemplateNetworkPerformanceOptionsRequest,
    LaunchTemplatePlacement, LaunchTemplatePlacementRequest, LaunchTemplatePrivateDnsNameOptions,
    LaunchTemplatePrivateDnsNameOptionsRequest, LaunchTemplateSpotMarketOptionsRequest,
    LaunchTemplateTagSpecificationRequest, LaunchTemplateVersion, LaunchTemplatesMonitoringRequest,
    LocalStorageType, MemoryGiBPerVCpuRequest, MemoryMiBRequest, NetworkBandwidthGbpsRequest,
    NetworkInterfaceCountRequest, PrivateIpAddressSpecification, RequestLaunchTemplateData,
    ResourceType as Ec2ResourceType, ResponseLaunchTemplateData,
    SecondaryInterfacePrivateIpAddressSpecificationRequest, Tag, TotalLocalStorageGbRequest,
    VCpuCountRangeRequest,
};
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use infra_core::{Attribute, Block, Check, Presence, ProviderError, Schema, Type, Value};

use super::launch_blocks::{
    burstable_performance, capacity_reservation_parts, capacity_reservation_schema,
    capacity_reservation_target_value, metadata_options_schema, metadata_options_value,
    AUTO_RECOVERY, CPU_CREDITS, ENABLED_DISABLED, HOSTNAME_TYPES, INTERRUPTION_BEHAVIORS,
    SPOT_INSTANCE_TYPES, TENANCIES, VOLUME_TYPES,
};
use crate::app_support::{
    blocks, boolean, computed_name_prefix_attribute, int, known, name_attribute, non_empty, number,
    sent, single, string, string_list, strings, text,
};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged, Updating,
};
use crate::declared::{self, declare, read, read_block, switch, Declared, Reading};
use crate::ec2_support::{
    as_enum, client_token, ec2_arn, filter, managed_tag_filters, name_for_create, sent_in,
    update_tags, wait_for, FILTER_VALUES_PER_CALL,
};
use crate::error::is_not_found;
use crate::Aws;

/// The most results a Describe call may return; moto truncates to 15 without it.
const MAX_RESULTS: i32 = 200;

/// Up to this many templates, their latest versions are read one template at a time; beyond
/// it, the account-wide `$Latest` listing costs fewer calls.
const PER_TEMPLATE_READS: usize = 3;

/// How long a create or update waits for DescribeLaunchTemplates to show the template.
const READ_AFTER_WRITE: Duration = Duration::from_secs(120);

/// The attributes that make up a version: a change to any of them creates a new version.
const VERSIONED: &[&str] = &[
    "block_device_mappings",
    "capacity_reservation_specification",
    "cpu_options",
    "credit_specification",
    "description",
    "disable_api_stop",
    "disable_api_termination",
    "ebs_optimized",
    "enclave_options",
    "hibernation_options",
    "iam_instance_profile",
    "image_id",
    "instance_initiated_shutdown_behavior",
    "instance_market_options",
    "instance_requirements",
    "instance_type",
    "kernel_id",
    "key_name",
    "license_specification",
    "maintenance_options",
    "metadata_options",
    "monitoring",
    "network_interfaces",
    "network_performance_options",
    "placement",
    "private_dns_name_options",
    "ram_disk_id",
    "secondary_interfaces",
    "security_group_names",
    "tag_specifications",
    "user_data",
    "vpc_security_group_ids",
];

const SHUTDOWN_BEHAVIORS: &[&str] = &["stop", "terminate"];
const MARKET_TYPES: &[&str] =
    &["spot", "capacity-block", "interruptible-capacity-reservation", "on-demand"];
const BANDWIDTH_WEIGHTINGS: &[&str] = &["default", "vpc-1", "ebs-1"];
const INCLUSION: &[&str] = &["included", "excluded", "required"];
/// `SecondaryInterfaceType`'s values.
const SECONDARY_INTERFACE_TYPES: &[&str] = &["secondary"];

/// The provider's nullable boolean: a string `"true"`, `"false"`, or `""` for unset.
fn nullable_bool(name: &'static str) -> Attribute {
    Attribute::optional(name, Type::String).default(Value::string(""))
}

/// A plain optional boolean, `false` when unset (as the provider stores it).
fn flag_attribute(name: &'static str) -> Attribute {
    Attribute::optional(name, Type::Bool).default(Value::Bool(false))
}

fn one_of(name: &'static str, options: &'static [&'static str]) -> Attribute {
    Attribute::optional(name, Type::String).check(Check::OneOf(options))
}

fn optional_string(name: &'static str) -> Attribute {
    Attribute::optional(name, Type::String)
}

fn optional_number(name: &'static str) -> Attribute {
    Attribute::optional(name, Type::Number)
}

fn string_set(name: &'static str) -> Attribute {
    Attribute::optional(name, Type::set(Type::String))
}

/// A `{ min max }` block of `instance_requirements`; unset bounds are 0, as the provider stores
/// them.
fn range_schema(min_required: bool) -> Schema {
    let min = if min_required {
        Attribute::required("min", Type::Number)
    } else {
        optional_number("min").default(Value::Number(0.0))
    };
    Schema::new().attr(optional_number("max").default(Value::Number(0.0))).attr(min)
}

fn instance_requirements_schema() -> Schema {
    Schema::new()
        .block(Block::single("accelerator_count", range_schema(false)))
        .attr(string_set("accelerator_manufacturers"))
        .attr(string_set("accelerator_names"))
        .block(Block::single("accelerator_total_memory_mib", range_schema(false)))
        .attr(string_set("accelerator_types"))
        .attr(
            string_set("allowed_instance_types")
                .conflicts_with(&["instance_requirements.0.excluded_instance_types"]),
        )
        .attr(one_of("bare_metal", INCLUSION))
        .block(Block::single("baseline_ebs_bandwidth_mbps", range_schema(false)))
        .attr(one_of("burstable_performance", INCLUSION))
        .attr(string_set("cpu_manufacturers"))
        .attr(
            string_set("excluded_instance_types")
                .conflicts_with(&["instance_requirements.0.allowed_instance_types"]),
        )
        .attr(string_set("instance_generations"))
        .attr(one_of("local_storage", INCLUSION))
        .attr(string_set("local_storage_types"))
        .attr(
            optional_number("max_spot_price_as_percentage_of_optimal_on_demand_price")
                .conflicts_with(&[
                    "instance_requirements.0.spot_max_price_percentage_over_lowest_price",
                ]),
        )
        .block(Block::single("memory_gib_per_vcpu", range_schema(false)))
        .block(Block::single("memory_mib", range_schema(true)).required())
        .block(Block::single("network_bandwidth_gbps", range_schema(false)))
        .block(Block::single("network_interface_count", range_schema(false)))
        .attr(optional_number("on_demand_max_price_percentage_over_lowest_price"))
        .attr(flag_attribute("require_hibernate_support"))
        .attr(optional_number("spot_max_price_percentage_over_lowest_price").conflicts_with(&[
            "instance_requirements.0.max_spot_price_as_percentage_of_optimal_on_demand_price",
        ]))
        .block(Block::single("total_local_storage_gb", range_schema(false)))
        .block(Block::single("vcpu_count", range_schema(true)).required())
}

fn network_interface_schema() -> Schema {
    Schema::new()
        .attr(nullable_bool("associate_carrier_ip_address"))
        .attr(nullable_bool("associate_public_ip_address"))
        .block(Block::single(
            "connection_tracking_specification",
            Schema::new()
                .attr(optional_number("tcp_established_timeout"))
                .attr(optional_number("udp_stream_timeout"))
                .attr(optional_number("udp_timeout")),
        ))
        .attr(nullable_bool("delete_on_termination"))
        .attr(optional_string("description"))
        // Always sent, so 0 when unset (as the provider stores it).
        .attr(optional_number("device_index").default(Value::Number(0.0)))
        .block(Block::single(
            "ena_srd_specification",
            Schema::new().attr(flag_attribute("ena_srd_enabled")).block(Block::single(
                "ena_srd_udp_specification",
                Schema::new().attr(flag_attribute("ena_srd_udp_enabled")),
            )),
        ))
        .attr(optional_string("interface_type"))
        .attr(optional_number("ipv4_address_count"))
        .attr(string_set("ipv4_addresses"))
        .attr(optional_number("ipv4_prefix_count"))
        .attr(string_set("ipv4_prefixes"))
        .attr(optional_number("ipv6_address_count"))
        .attr(string_set("ipv6_addresses"))
        .attr(optional_number("ipv6_prefix_count"))
        .attr(string_set("ipv6_prefixes"))
        .attr(optional_number("network_card_index").default(Value::Number(0.0)))
        .attr(optional_string("network_interface_id"))
        .attr(nullable_bool("primary_ipv6"))
        .attr(optional_string("private_ip_address"))
        .attr(string_set("security_groups"))
        .attr(optional_string("subnet_id"))
}

/// A `secondary_interfaces` block, as the provider's schema has it.
fn secondary_interface_schema() -> Schema {
    Schema::new()
        // A plain boolean, always sent (`false` when unset), as the provider does.
        .attr(flag_attribute("delete_on_termination"))
        // Always sent, so 0 when unset (as the provider stores it).
        .attr(optional_number("device_index").default(Value::Number(0.0)))
        .attr(one_of("interface_type", SECONDARY_INTERFACE_TYPES))
        .attr(optional_number("network_card_index").default(Value::Number(0.0)))
        .attr(optional_number("private_ip_address_count"))
        .attr(string_set("private_ip_addresses"))
        .attr(optional_string("secondary_subnet_id"))
}

fn block_device_mapping_schema() -> Schema {
    let ebs = Schema::new()
        .attr(nullable_bool("delete_on_termination"))
        .attr(nullable_bool("encrypted"))
        .attr(Attribute::optional_computed("iops", Type::Number))
        .attr(optional_string("kms_key_id"))
        .attr(optional_string("snapshot_id"))
        // gp3 allows up to 2000 MiB/s since 2025; the provider's docs still say 1000.
        .attr(
            Attribute::optional_computed("throughput", Type::Number).check(Check::Range(125, 2000)),
        )
        .attr(optional_number("volume_initialization_rate"))
        .attr(Attribute::optional_computed("volume_size", Type::Number))
        .attr(
            Attribute::optional_computed("volume_type", Type::String)
                .check(Check::OneOf(VOLUME_TYPES)),
        );
    Schema::new()
        .attr(optional_string("device_name"))
        .block(Block::single("ebs", ebs))
        .attr(optional_string("no_device"))
        .attr(optional_string("virtual_name"))
}

fn cpu_options_schema() -> Schema {
    Schema::new()
        .attr(one_of("amd_sev_snp", ENABLED_DISABLED))
        .attr(optional_number("core_count"))
        .attr(one_of("nested_virtualization", ENABLED_DISABLED))
        .attr(optional_number("threads_per_core"))
}

fn market_options_schema() -> Schema {
    let spot_options = Schema::new()
        .attr(optional_number("block_duration_minutes"))
        .attr(one_of("instance_interruption_behavior", INTERRUPTION_BEHAVIORS))
        .attr(optional_string("max_price"))
        .attr(one_of("spot_instance_type", SPOT_INSTANCE_TYPES))
        .attr(Attribute::optional_computed("valid_until", Type::String));
    Schema::new()
        .attr(one_of("market_type", MARKET_TYPES))
        .block(Block::single("spot_options", spot_options))
}

fn placement_schema() -> Schema {
    Schema::new()
        .attr(optional_string("affinity"))
        .attr(optional_string("availability_zone"))
        .attr(optional_string("group_id"))
        .attr(optional_string("group_name"))
        .attr(optional_string("host_id"))
        .attr(optional_string("host_resource_group_arn").conflicts_with(&["placement.0.host_id"]))
        .attr(optional_number("partition_number"))
        .attr(optional_string("spread_domain"))
        .attr(one_of("tenancy", TENANCIES))
}

fn private_dns_name_options_schema() -> Schema {
    Schema::new()
        .attr(flag_attribute("enable_resource_name_dns_aaaa_record"))
        .attr(flag_attribute("enable_resource_name_dns_a_record"))
        .attr(one_of("hostname_type", HOSTNAME_TYPES))
}

/// A `tag_specifications` block: tags for what the template launches.
fn tag_specification_schema() -> Schema {
    Schema::new()
        .attr(optional_string("resource_type"))
        .attr(Attribute::optional("tags", Type::map(Type::String)))
}

// ---- Declaration: each attribute with how it is read ----

/// An attribute of the launch data, read from it by `read`.
fn data_attribute(
    attribute: Attribute,
    read: impl Fn(&ResponseLaunchTemplateData) -> Value + Send + Sync + 'static,
) -> Declared<Template> {
    declared::read(attribute, move |template: &Template, _: &Reading| read(&template.data))
}

/// A list block of the launch data, each of its items read by `read`.
fn data_list<T: 'static>(
    block: Block,
    items: fn(&ResponseLaunchTemplateData) -> &[T],
    read: fn(&T) -> Value,
) -> Declared<Template> {
    read_block(block, move |template: &Template, _: &Reading| {
        Value::List(items(&template.data).iter().map(read).collect())
    })
}

/// A `max_items = 1` block of the launch data, read by `read`: none when AWS holds none.
fn data_block(
    block: Block,
    read: impl Fn(&ResponseLaunchTemplateData) -> Option<Value> + Send + Sync + 'static,
) -> Declared<Template> {
    read_block(block, move |template: &Template, _: &Reading| optional_block(read(&template.data)))
}

/// A plain optional boolean of the launch data, `false` when AWS holds none.
fn data_flag(
    name: &'static str,
    read: fn(&ResponseLaunchTemplateData) -> Option<bool>,
) -> Declared<Template> {
    data_attribute(flag_attribute(name), move |data| Value::Bool(read(data).unwrap_or(false)))
}

/// A block of one `enabled` flag (`enclave_options`, `monitoring`).
fn enabled_block<T: 'static>(
    name: &'static str,
    part: fn(&ResponseLaunchTemplateData) -> Option<&T>,
    enabled: fn(&T) -> Option<bool>,
) -> Declared<Template> {
    data_block(Block::single(name, Schema::new().attr(flag_attribute("enabled"))), move |data| {
        let part = part(data)?;
        Some(Value::map([("enabled", Value::Bool(enabled(part).unwrap_or(false)))]))
    })
}

/// The template's own attributes, before its launch data.
fn template_attributes() -> Vec<Declared<Template>> {
    vec![
        read(Attribute::computed("id", Type::String), |t: &Template, _| {
            Value::string(t.template.launch_template_id().unwrap_or_default())
        }),
        read(Attribute::computed("arn", Type::String), |t: &Template, _| Value::string(&t.arn)),
        read(name_attribute(), |t: &Template, _| Value::string(t.name())),
        // AWS does not report it: kept as configured, else made from a generated name.
        read(computed_name_prefix_attribute(), |t: &Template, at: &Reading| {
            let kept = at.prior.get("name_prefix");
            match !kept.is_null() && kept.is_wholly_known() {
                true => kept.clone(),
                false => Value::string(name_prefix_from_name(t.name())),
            }
        }),
        read(optional_string("description").check(Check::Length(0, 255)), |t: &Template, _| {
            text(t.version.version_description())
        }),
        read(
            Attribute::optional_computed("default_version", Type::Number)
                .check(Check::Range(1, i64::MAX))
                .conflicts_with(&["update_default_version"]),
            |t: &Template, _| number(t.template.default_version_number()),
        ),
        switch(flag_attribute("update_default_version").conflicts_with(&["default_version"])),
        read(Attribute::computed("latest_version", Type::Number), |t: &Template, _| {
            number(t.version.version_number().or_else(|| t.template.latest_version_number()))
        }),
    ]
}

/// The launch data from `block_device_mappings` to `iam_instance_profile`: disks, capacity
/// reservation, CPU, credits, API protection, enclaves and hibernation.
fn hardware_data() -> Vec<Declared<Template>> {
    vec![
        data_list(
            Block::list("block_device_mappings", block_device_mapping_schema()),
            ResponseLaunchTemplateData::block_device_mappings,
            block_device_mapping_value,
        ),
        data_block(
            Block::single("capacity_reservation_specification", capacity_reservation_schema(&[])),
            |data| {
                let spec = data.capacity_reservation_specification()?;
                Some(Value::map([
                    (
                        "capacity_reservation_preference",
                        enum_value(spec.capacity_reservation_preference()),
                    ),
                    (
                        "capacity_reservation_target",
                        capacity_reservation_target_value(spec.capacity_reservation_target()),
                    ),
                ]))
            },
        ),
        data_block(Block::single("cpu_options", cpu_options_schema()), |data| {
            let options = data.cpu_options()?;
            Some(Value::map([
                ("amd_sev_snp", enum_value(options.amd_sev_snp())),
                ("core_count", int_value(options.core_count())),
                ("nested_virtualization", enum_value(options.nested_virtualization())),
                ("threads_per_core", int_value(options.threads_per_core())),
            ]))
        }),
        read_block(
            Block::single(
                "credit_specification",
                Schema::new().attr(one_of("cpu_credits", CPU_CREDITS)),
            ),
            |t: &Template, at: &Reading| match t.data.credit_specification() {
                Some(spec) => one(Value::map([("cpu_credits", text(spec.cpu_credits()))])),
                // Not sent for instance types without burstable performance (as the provider
                // does): keep what the configuration says rather than report drift.
                None => known(at.prior, "credit_specification"),
            },
        ),
        data_flag("disable_api_stop", ResponseLaunchTemplateData::disable_api_stop),
        data_flag("disable_api_termination", ResponseLaunchTemplateData::disable_api_termination),
        data_attribute(nullable_bool("ebs_optimized"), |data| nullable_value(data.ebs_optimized())),
        enabled_block("enclave_options", ResponseLaunchTemplateData::enclave_options, |options| {
            options.enabled()
        }),
        data_block(
            Block::single(
                "hibernation_options",
                Schema::new().attr(Attribute::required("configured", Type::Bool)),
            ),
            |data| {
                let options = data.hibernation_options()?;
                Some(Value::map([(
                    "configured",
                    Value::Bool(options.configured().unwrap_or(false)),
                )]))
            },
        ),
        data_block(
            Block::single(
                "iam_instance_profile",
                Schema::new()
                    .attr(optional_string("arn").conflicts_with(&["iam_instance_profile.0.name"]))
                    .attr(optional_string("name")),
            ),
            |data| {
                let profile = data.iam_instance_profile()?;
                Some(Value::map([("arn", text(profile.arn())), ("name", text(profile.name()))]))
            },
        ),
    ]
}

/// The launch data from `image_id` to `monitoring`: image, shutdown, market, instance type or
/// requirements, kernel, key, licences, maintenance, metadata and monitoring.
fn image_and_type_data() -> Vec<Declared<Template>> {
    vec![
        data_attribute(optional_string("image_id"), |data| text(data.image_id())),
        data_attribute(
            one_of("instance_initiated_shutdown_behavior", SHUTDOWN_BEHAVIORS),
            |data| enum_value(data.instance_initiated_shutdown_behavior()),
        ),
        read_block(
            Block::single("instance_market_options", market_options_schema()),
            |t: &Template, at: &Reading| {
                let configured_valid_until = single(at.prior, "instance_market_options")
                    .and_then(|options| single(options, "spot_options"))
                    .and_then(|spot| spot.get("valid_until").as_str());
                optional_block(
                    t.data
                        .instance_market_options()
                        .map(|options| market_options_value(options, configured_valid_until)),
                )
            },
        ),
        data_block(
            Block::single("instance_requirements", instance_requirements_schema())
                .conflicts_with(&["instance_type"]),
            |data| data.instance_requirements().map(instance_requirements_value),
        ),
        data_attribute(
            optional_string("instance_type").conflicts_with(&["instance_requirements"]),
            |data| enum_value(data.instance_type()),
        ),
        data_attribute(optional_string("kernel_id"), |data| text(data.kernel_id())),
        data_attribute(optional_string("key_name"), |data| text(data.key_name())),
        data_list(
            Block::set(
                "license_specification",
                Schema::new().attr(Attribute::required("license_configuration_arn", Type::String)),
            ),
            ResponseLaunchTemplateData::license_specifications,
            |license| {
                Value::map([(
                    "license_configuration_arn",
                    text(license.license_configuration_arn()),
                )])
            },
        ),
        data_block(
            Block::single(
                "maintenance_options",
                Schema::new().attr(one_of("auto_recovery", AUTO_RECOVERY)),
            ),
            |data| {
                let options = data.maintenance_options()?;
                Some(Value::map([("auto_recovery", enum_value(options.auto_recovery()))]))
            },
        ),
        data_block(
            Block::single("metadata_options", metadata_options_schema(None)).computed(),
            |data| data.metadata_options().map(|options| metadata_options_value!(options)),
        ),
        enabled_block("monitoring", ResponseLaunchTemplateData::monitoring, |monitoring| {
            monitoring.enabled()
        }),
    ]
}

/// The launch data from `network_interfaces` on: interfaces, placement, DNS names, RAM disk,
/// security groups, tag specifications and user data.
fn network_and_placement_data() -> Vec<Declared<Template>> {
    vec![
        data_list(
            Block::list("network_interfaces", network_interface_schema()),
            ResponseLaunchTemplateData::network_interfaces,
            network_interface_value,
        ),
        data_block(
            Block::single(
                "network_performance_options",
                Schema::new().attr(one_of("bandwidth_weighting", BANDWIDTH_WEIGHTINGS)),
            ),
            |data| {
                let options = data.network_performance_options()?;
                Some(Value::map([(
                    "bandwidth_weighting",
                    enum_value(options.bandwidth_weighting()),
                )]))
            },
        ),
        data_block(Block::single("placement", placement_schema()), |data| {
            data.placement().map(placement_value)
        }),
        data_block(
            Block::single("private_dns_name_options", private_dns_name_options_schema()),
            |data| data.private_dns_name_options().map(private_dns_name_options_value),
        ),
        data_attribute(optional_string("ram_disk_id"), |data| text(data.ram_disk_id())),
        data_list(
            Block::list("secondary_interfaces", secondary_interface_schema()),
            ResponseLaunchTemplateData::secondary_interfaces,
            secondary_interface_value,
        ),
        data_attribute(
            string_set("security_group_names").conflicts_with(&["vpc_security_group_ids"]),
            |data| string_list(data.security_groups()),
        ),
        read_block(
            Block::list("tag_specifications", tag_specification_schema()),
            |t: &Template, _: &Reading| tag_specifications_value(&t.data),
        ),
        data_attribute(optional_string("user_data"), |data| text(data.user_data())),
        data_attribute(
            string_set("vpc_security_group_ids").conflicts_with(&["security_group_names"]),
            |data| string_list(data.security_group_ids()),
        ),
    ]
}

/// `aws_launch_template`, declared once ([`LaunchTemplateObject`]).
pub type AwsLaunchTemplate = ObjectType<LaunchTemplateObject>;

/// What makes `aws_launch_template`: its attributes, each read from a [`Template`], and its
/// batched describe, writes and lookup of a lost create.
pub struct LaunchTemplateObject;

/// A launch template as read: the template, its latest version with that version's launch
/// data, and its ARN.
pub struct Template {
    template: LaunchTemplate,
    version: LaunchTemplateVersion,
    data: ResponseLaunchTemplateData,
    arn: String,
}

impl Template {
    fn name(&self) -> &str {
        self.template.launch_template_name().unwrap_or_default()
    }
}

impl AwsObject for LaunchTemplateObject {
    type Object = Template;
    const NAME: &'static str = "aws_launch_template";
    const KIND: &'static str = "EC2 Launch Template";
    const KEY: &'static str = "id";
    const GENERATED_NAME: bool = true;

    fn attributes() -> Vec<Declared<Template>> {
        [
            template_attributes(),
            hardware_data(),
            image_and_type_data(),
            network_and_placement_data(),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    fn schema(schema: Schema) -> Schema {
        schema.version(1)
    }

    /// The provider's `launchTemplateStateUpgradeV0` (6.13): the removed Elastic GPU and
    /// Elastic Inference arguments leave the object.
    fn upgrade_state(from: u64, mut value: Value) -> Result<Value, String> {
        if let (0, Some(entries)) = (from, value.map_mut()) {
            entries.remove("elastic_gpu_specifications");
            entries.remove("elastic_inference_accelerator");
        }
        Ok(value)
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        validate_config(config)
    }

    fn normalize(value: &mut Value) {
        normalize_object(declared_schema(), value);
    }

    /// Each template by ID, one call each (a `LaunchTemplateIds` list with one missing ID
    /// fails the whole call), then their latest versions and tags.
    async fn describe(this: &ObjectType<Self>, keys: &[String]) -> DescribeResult<Template> {
        let mut templates = Vec::new();
        for id in keys {
            templates.extend(template_by_id(&this.aws, id).await?);
        }
        complete(&this.aws, templates).await
    }

    /// DescribeLaunchTemplates by name, 200 a call (imported templates, known only by ID, one
    /// by one), then the latest versions and the tags of all found (see the module notes).
    async fn describe_priors(
        this: &ObjectType<Self>,
        priors: &[Value],
    ) -> DescribeResult<Template> {
        let mut names: Vec<String> = Vec::new();
        let mut ids: HashSet<String> = HashSet::new();
        let mut ids_only: Vec<String> = Vec::new();
        for prior in priors {
            let Some(id) = Self::key_of(prior) else {
                continue;
            };
            match prior.get("name").as_str().filter(|name| !name.is_empty()) {
                Some(name) => names.push(name.to_string()),
                None => ids_only.push(id.clone()),
            }
            ids.insert(id);
        }
        names.sort();
        names.dedup();
        ids_only.sort();
        ids_only.dedup();
        let mut templates: Vec<LaunchTemplate> = Vec::new();
        for chunk in names.chunks(FILTER_VALUES_PER_CALL) {
            let by_name = filter("launch-template-name", chunk.iter().cloned());
            templates.extend(templates_matching(&this.aws, vec![by_name]).await?);
        }
        for id in &ids_only {
            templates.extend(template_by_id(&this.aws, id).await?);
        }
        // A template recreated under a remembered name is another object: only remembered IDs
        // count.
        let mut seen: HashSet<String> = HashSet::new();
        templates.retain(|template| {
            template
                .launch_template_id()
                .is_some_and(|id| ids.contains(id) && seen.insert(id.to_string()))
        });
        complete(&this.aws, templates).await
    }

    async fn create_written(at: Creating<'_, Self>) -> Result<Tagged<Template>, ProviderError> {
        let name = name_for_create(at.operation, at.planned, ["name", "name_prefix"], "terraform-");
        let data =
            request_data(at.planned, sends_credit_specification(&at.this.aws, at.planned).await?)?;
        let ec2 = &at.this.aws.clients().await.ec2;
        let output = sent_in!(
            ec2.create_launch_template()
                .client_token(client_token(at.operation, at.planned))
                .launch_template_name(&name)
                .set_version_description(non_empty(at.planned, "description"))
                .launch_template_data(data)
                .tag_specifications(at.tag_specification(Ec2ResourceType::LaunchTemplate)),
            format!("creating EC2 Launch Template ({name})")
        )?;
        let id = output
            .launch_template()
            .and_then(|template| template.launch_template_id())
            .ok_or_else(|| {
                ProviderError::new(format!(
                    "creating EC2 Launch Template ({name}): no launch template ID returned"
                ))
            })?;
        read_after_write(at.this, id).await
    }

    /// A new version when the launch data or the description changed, the default version,
    /// and the tags.
    async fn update_written(at: Updating<'_, Self>) -> Result<Tagged<Template>, ProviderError> {
        let id = at.key;
        let ec2 = &at.this.aws.clients().await.ec2;
        let mut latest_version = at.prior.get("latest_version").as_i64();
        if VERSIONED.iter().any(|key| !same(at.prior.get(key), at.planned.get(key))) {
            let send_credit = sends_credit_specification(&at.this.aws, at.planned).await?;
            let output = sent_in!(
                ec2.create_launch_template_version()
                    .client_token(client_token(at.operation, at.planned))
                    .launch_template_id(id)
                    .set_version_description(non_empty(at.planned, "description"))
                    .launch_template_data(request_data(at.planned, send_credit)?),
                format!("creating EC2 Launch Template ({id}) Version")
            )?;
            latest_version = output
                .launch_template_version()
                .and_then(|version| version.version_number())
                .or(latest_version);
        }
        let update_default = boolean(at.planned, "update_default_version").unwrap_or(false);
        if update_default
            || !same(at.prior.get("default_version"), at.planned.get("default_version"))
        {
            let version = if update_default {
                latest_version
            } else {
                at.planned.get("default_version").as_i64()
            };
            if let Some(version) = version {
                sent_in!(
                    ec2.modify_launch_template()
                        .launch_template_id(id)
                        .default_version(version.to_string()),
                    format!("updating EC2 Launch Template ({id})")
                )?;
            }
        }
        update_tags(ec2, id, at.prior, at.planned).await?;
        read_after_write(at.this, id).await
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let id = at.key;
        let ec2 = &at.this.aws.clients().await.ec2;
        match sent!(ec2.delete_launch_template().launch_template_id(id)) {
            Ok(_) => Ok(()),
            Err(error) if is_not_found(&error) => Ok(()),
            Err(error) => Err(context(error, &format!("deleting EC2 Launch Template ({id})"))),
        }
    }

    /// By the managed tags (set atomically by CreateLaunchTemplate), narrowed by the name when
    /// the configuration gives one (names are unique per region).
    async fn find_created(at: Creating<'_, Self>) -> FindResult<Template> {
        let mut filters = managed_tag_filters(at.operation);
        if let Some(name) = non_empty(at.planned, "name") {
            filters.push(filter("launch-template-name", [name]));
        }
        let templates = templates_matching(&at.this.aws, filters).await?;
        let Some(template) = templates.into_iter().next() else {
            return Ok(None);
        };
        let Some(id) = template.launch_template_id().map(str::to_string) else {
            return Ok(None);
        };
        Ok(complete(&at.this.aws, vec![template]).await?.remove(&id))
    }
}

/// The declared schema, for [`normalize_object`] (the family's `normalize` has no schema).
fn declared_schema() -> &'static Schema {
    static SCHEMA: LazyLock<Schema> = LazyLock::new(|| {
        let (schema, _) = declare(Schema::new(), LaunchTemplateObject::attributes());
        schema
    });
    &SCHEMA
}

/// Every template matching `filters`, all pages.
async fn templates_matching(
    aws: &Aws,
    filters: Vec<Filter>,
) -> Result<Vec<LaunchTemplate>, ProviderError> {
    let ec2 = &aws.clients().await.ec2;
    let mut templates = Vec::new();
    let mut next_token: Option<String> = None;
    loop {
        let output = sent!(ec2
            .describe_launch_templates()
            .set_filters(Some(filters.clone()))
            .max_results(MAX_RESULTS)
            .set_next_token(next_token.take()))?;
        templates.extend(output.launch_templates().iter().cloned());
        match output.next_token() {
            Some(token) if !token.is_empty() => next_token = Some(token.to_string()),
            _ => break,
        }
    }
    Ok(templates)
}

/// One template by ID; `None` when it does not exist.
async fn template_by_id(aws: &Aws, id: &str) -> Result<Option<LaunchTemplate>, ProviderError> {
    let ec2 = &aws.clients().await.ec2;
    match sent!(ec2.describe_launch_templates().launch_template_ids(id)) {
        Ok(output) => Ok(output
            .launch_templates()
            .iter()
            .find(|template| template.launch_template_id() == Some(id))
            .cloned()),
        Err(error) if is_not_found(&error) => Ok(None),
        Err(error) => Err(context(error, &format!("reading EC2 Launch Template ({id})"))),
    }
}

/// The latest version of each template, by template ID; a template deleted meanwhile is
/// missing.
async fn latest_versions(
    aws: &Aws,
    templates: &[LaunchTemplate],
) -> Result<HashMap<String, LaunchTemplateVersion>, ProviderError> {
    let ec2 = &aws.clients().await.ec2;
    let latest: HashMap<&str, Option<i64>> = templates
        .iter()
        .filter_map(|template| {
            Some((template.launch_template_id()?, template.latest_version_number()))
        })
        .collect();
    let mut found: HashMap<String, LaunchTemplateVersion> = HashMap::new();
    if latest.len() > PER_TEMPLATE_READS {
        let mut next_token: Option<String> = None;
        loop {
            let output = sent!(ec2
                .describe_launch_template_versions()
                .versions("$Latest")
                .max_results(MAX_RESULTS)
                .set_next_token(next_token.take()))?;
            for version in output.launch_template_versions() {
                let Some(id) = version.launch_template_id() else {
                    continue;
                };
                // A version older than the template's latest was listed before a
                // concurrent update: that template is read on its own below.
                if let Some(expected) = latest.get(id) {
                    if version.version_number() >= *expected {
                        found.insert(id.to_string(), version.clone());
                    }
                }
            }
            if found.len() >= latest.len() {
                break;
            }
            match output.next_token() {
                Some(token) if !token.is_empty() => next_token = Some(token.to_string()),
                _ => break,
            }
        }
    }
    for (id, number) in &latest {
        if found.contains_key(*id) {
            continue;
        }
        // The provider reads the version numbered LatestVersionNumber.
        let version = number.map(|n| n.to_string()).unwrap_or_else(|| "$Latest".to_string());
        match sent!(ec2
            .describe_launch_template_versions()
            .launch_template_id(*id)
            .versions(version.clone()))
        {
            Ok(output) => {
                if let Some(found_version) = output.launch_template_versions().first() {
                    found.insert(id.to_string(), found_version.clone());
                }
            }
            Err(error) if is_not_found(&error) => {}
            Err(error) => {
                return Err(context(
                    error,
                    &format!("reading EC2 Launch Template ({id}) Version ({version})"),
                ))
            }
        }
    }
    Ok(found)
}

/// The tags of each template, by template ID.
async fn tags_of(
    aws: &Aws,
    ids: &[String],
) -> Result<HashMap<String, Vec<(String, String)>>, ProviderError> {
    let ec2 = &aws.clients().await.ec2;
    let mut tags: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for chunk in ids.chunks(FILTER_VALUES_PER_CALL) {
        let mut next_token: Option<String> = None;
        loop {
            let output = sent!(ec2
                .describe_tags()
                .filters(filter("resource-id", chunk.iter().cloned()))
                .max_results(1000)
                .set_next_token(next_token.take()))?;
            for tag in output.tags() {
                if let (Some(id), Some(key)) = (tag.resource_id(), tag.key()) {
                    tags.entry(id.to_string())
                        .or_default()
                        .push((key.to_string(), tag.value().unwrap_or_default().to_string()));
                }
            }
            match output.next_token() {
                Some(token) if !token.is_empty() => next_token = Some(token.to_string()),
                _ => break,
            }
        }
    }
    Ok(tags)
}

/// The whole objects of `templates` (latest version and tags added), by ID.
async fn complete(
    aws: &Aws,
    templates: Vec<LaunchTemplate>,
) -> Result<BTreeMap<String, Tagged<Template>>, ProviderError> {
    if templates.is_empty() {
        return Ok(BTreeMap::new());
    }
    let mut versions = latest_versions(aws, &templates).await?;
    let ids: Vec<String> = templates
        .iter()
        .filter_map(|template| template.launch_template_id())
        .map(str::to_string)
        .collect();
    let mut tags = tags_of(aws, &ids).await?;
    let region = aws.clients().await.region.clone();
    let account = aws.account_id().await?;
    let mut found = BTreeMap::new();
    for template in templates {
        let Some(id) = template.launch_template_id().map(str::to_string) else {
            continue;
        };
        // Deleted between the two describe calls: gone.
        let Some(version) = versions.remove(&id) else {
            continue;
        };
        let data = version
            .launch_template_data()
            .cloned()
            .unwrap_or_else(|| ResponseLaunchTemplateData::builder().build());
        let object = Template {
            arn: ec2_arn(&region, account, "launch-template", &id),
            template,
            version,
            data,
        };
        let tags = tags.remove(&id).unwrap_or_default();
        found.insert(id, Tagged { object, tags });
    }
    Ok(found)
}

/// A template just written, waiting out eventual consistency.
async fn read_after_write(
    this: &AwsLaunchTemplate,
    id: &str,
) -> Result<Tagged<Template>, ProviderError> {
    wait_for(READ_AFTER_WRITE, &format!("EC2 Launch Template ({id}) to be readable"), || {
        this.found(id)
    })
    .await
}

/// Whether `credit_specification` is sent: as in the provider, only for a configured
/// instance type with burstable performance.
async fn sends_credit_specification(aws: &Aws, planned: &Value) -> Result<bool, ProviderError> {
    if single(planned, "credit_specification").is_none() {
        return Ok(false);
    }
    let Some(instance_type) = non_empty(planned, "instance_type") else {
        return Ok(false);
    };
    let ec2 = &aws.clients().await.ec2;
    burstable_performance(ec2, &instance_type)
        .await
        .map_err(|error| error.context(&format!("reading EC2 Instance Type ({instance_type})")))
}

// ---- Request: the configured launch data ----

/// The launch data of `planned`, as the provider's `expandRequestLaunchTemplateData` builds it.
fn request_data(
    planned: &Value,
    send_credit: bool,
) -> Result<RequestLaunchTemplateData, ProviderError> {
    let credit = if send_credit {
        single(planned, "credit_specification").map(|spec| {
            CreditSpecificationRequest::builder()
                .set_cpu_credits(non_empty(spec, "cpu_credits"))
                .build()
        })
    } else {
        None
    };
    let market_options = match single(planned, "instance_market_options") {
        Some(options) => Some(market_options(options)?),
        None => None,
    };
    Ok(RequestLaunchTemplateData::builder()
        // Always at least one field, as the provider sends: the user data, empty when unset.
        .user_data(string(planned, "user_data").unwrap_or_default())
        .set_block_device_mappings(some_items(
            blocks(planned, "block_device_mappings").iter().map(block_device_mapping).collect(),
        ))
        .set_capacity_reservation_specification(
            single(planned, "capacity_reservation_specification").map(capacity_reservation),
        )
        .set_cpu_options(single(planned, "cpu_options").map(cpu_options))
        .set_credit_specification(credit)
        // Sent only when true, as the provider does (GetOk).
        .set_disable_api_stop(flag(planned, "disable_api_stop").then_some(true))
        .set_disable_api_termination(flag(planned, "disable_api_termination").then_some(true))
        .set_ebs_optimized(nullable_arg(planned, "ebs_optimized"))
        .set_enclave_options(single(planned, "enclave_options").map(|options| {
            LaunchTemplateEnclaveOptionsRequest::builder().enabled(flag(options, "enabled")).build()
        }))
        .set_hibernation_options(single(planned, "hibernation_options").map(|options| {
            LaunchTemplateHibernationOptionsRequest::builder()
                .configured(flag(options, "configured"))
                .build()
        }))
        .set_iam_instance_profile(single(planned, "iam_instance_profile").map(|profile| {
            LaunchTemplateIamInstanceProfileSpecificationRequest::builder()
                .set_arn(non_empty(profile, "arn"))
                .set_name(non_empty(profile, "name"))
                .build()
        }))
        .set_image_id(non_empty(planned, "image_id"))
        .set_instance_initiated_shutdown_behavior(as_enum(non_empty(
            planned,
            "instance_initiated_shutdown_behavior",
        )))
        .set_instance_market_options(market_options)
        .set_instance_requirements(
            single(planned, "instance_requirements").map(instance_requirements),
        )
        .set_instance_type(as_enum(non_empty(planned, "instance_type")))
        .set_kernel_id(non_empty(planned, "kernel_id"))
        .set_key_name(non_empty(planned, "key_name"))
        .set_license_specifications(some_items(
            blocks(planned, "license_specification")
                .iter()
                .map(|license| {
                    LaunchTemplateLicenseConfigurationRequest::builder()
                        .set_license_configuration_arn(non_empty(
                            license,
                            "license_configuration_arn",
                        ))
                        .build()
                })
                .collect(),
        ))
        .set_maintenance_options(single(planned, "maintenance_options").map(|options| {
            LaunchTemplateInstanceMaintenanceOptionsRequest::builder()
                .set_auto_recovery(as_enum(non_empty(options, "auto_recovery")))
                .build()
        }))
        .set_metadata_options(single(planned, "metadata_options").map(metadata_options))
        .set_monitoring(single(planned, "monitoring").map(|monitoring| {
            LaunchTemplatesMonitoringRequest::builder().enabled(flag(monitoring, "enabled")).build()
        }))
        .set_network_interfaces(some_items(
            blocks(planned, "network_interfaces").iter().map(network_interface).collect(),
        ))
        .set_network_performance_options(single(planned, "network_performance_options").map(
            |options| {
                LaunchTemplateNetworkPerformanceOptionsRequest::builder()
                    .set_bandwidth_weighting(as_enum(non_empty(options, "bandwidth_weighting")))
                    .build()
            },
        ))
        .set_placement(single(planned, "placement").map(placement))
        .set_private_dns_name_options(single(planned, "private_dns_name_options").map(|options| {
            LaunchTemplatePrivateDnsNameOptionsRequest::builder()
                .enable_resource_name_dns_aaaa_record(flag(
                    options,
                    "enable_resource_name_dns_aaaa_record",
                ))
                .enable_resource_name_dns_a_record(flag(
                    options,
                    "enable_resource_name_dns_a_record",
                ))
                .set_hostname_type(as_enum(non_empty(options, "hostname_type")))
                .build()
        }))
        .set_ram_disk_id(non_empty(planned, "ram_disk_id"))
        .set_secondary_interfaces(some_items(
            blocks(planned, "secondary_interfaces").iter().map(secondary_interface).collect(),
        ))
        .set_security_groups(some_items(strings(planned, "security_group_names")))
        .set_security_group_ids(some_items(strings(planned, "vpc_security_group_ids")))
        .set_tag_specifications(some_items(
            blocks(planned, "tag_specifications").iter().map(tag_specification_request).collect(),
        ))
        .build())
}

fn block_device_mapping(mapping: &Value) -> LaunchTemplateBlockDeviceMappingRequest {
    LaunchTemplateBlockDeviceMappingRequest::builder()
        .set_device_name(non_empty(mapping, "device_name"))
        .set_ebs(single(mapping, "ebs").map(|ebs| {
            LaunchTemplateEbsBlockDeviceRequest::builder()
                .set_delete_on_termination(nullable_arg(ebs, "delete_on_termination"))
                .set_encrypted(nullable_arg(ebs, "encrypted"))
                .set_iops(nonzero(ebs, "iops"))
                .set_kms_key_id(non_empty(ebs, "kms_key_id"))
                .set_snapshot_id(non_empty(ebs, "snapshot_id"))
                .set_throughput(nonzero(ebs, "throughput"))
                .set_volume_initialization_rate(nonzero(ebs, "volume_initialization_rate"))
                .set_volume_size(nonzero(ebs, "volume_size"))
                .set_volume_type(as_enum(non_empty(ebs, "volume_type")))
                .build()
        }))
        .set_no_device(non_empty(mapping, "no_device"))
        .set_virtual_name(non_empty(mapping, "virtual_name"))
        .build()
}

fn capacity_reservation(spec: &Value) -> LaunchTemplateCapacityReservationSpecificationRequest {
    let (preference, target) = capacity_reservation_parts(spec);
    LaunchTemplateCapacityReservationSpecificationRequest::builder()
        .set_capacity_reservation_preference(preference)
        .set_capacity_reservation_target(target)
        .build()
}

fn cpu_options(options: &Value) -> LaunchTemplateCpuOptionsRequest {
    LaunchTemplateCpuOptionsRequest::builder()
        .set_amd_sev_snp(as_enum(non_empty(options, "amd_sev_snp")))
        .set_core_count(nonzero(options, "core_count"))
        .set_nested_virtualization(as_enum(non_empty(options, "nested_virtualization")))
        .set_threads_per_core(nonzero(options, "threads_per_core"))
        .build()
}

fn market_options(
    options: &Value,
) -> Result<LaunchTemplateInstanceMarketOptionsRequest, ProviderError> {
    let spot = match single(options, "spot_options") {
        Some(spot) => {
            let valid_until = match non_empty(spot, "valid_until") {
                Some(text) => Some(parse_time(&text).ok_or_else(|| {
                    ProviderError::new(format!(
                        "instance_market_options.0.spot_options.0.valid_until: \"{text}\" is \
                         not an RFC 3339 time"
                    ))
                })?),
                None => None,
            };
            Some(
                LaunchTemplateSpotMarketOptionsRequest::builder()
                    .set_block_duration_minutes(nonzero(spot, "block_duration_minutes"))
                    .set_instance_interruption_behavior(as_enum(non_empty(
                        spot,
                        "instance_interruption_behavior",
                    )))
                    .set_max_price(non_empty(spot, "max_price"))
                    .set_spot_instance_type(as_enum(non_empty(spot, "spot_instance_type")))
                    .set_valid_until(valid_until)
                    .build(),
            )
        }
        None => None,
    };
    Ok(LaunchTemplateInstanceMarketOptionsRequest::builder()
        .set_market_type(as_enum(non_empty(options, "market_type")))
        .set_spot_options(spot)
        .build())
}

fn metadata_options(options: &Value) -> LaunchTemplateInstanceMetadataOptionsRequest {
    LaunchTemplateInstanceMetadataOptionsRequest::builder()
        .set_http_endpoint(as_enum(non_empty(options, "http_endpoint")))
        .set_http_tokens(as_enum(non_empty(options, "http_tokens")))
        .set_http_put_response_hop_limit(nonzero(options, "http_put_response_hop_limit"))
        .set_instance_metadata_tags(as_enum(non_empty(options, "instance_metadata_tags")))
        .set_http_protocol_ipv6(as_enum(non_empty(options, "http_protocol_ipv6")))
        .build()
}

fn network_interface(item: &Value) -> LaunchTemplateInstanceNetworkInterfaceSpecificationRequest {
    let private_ip = non_empty(item, "private_ip_address");
    let mut builder = LaunchTemplateInstanceNetworkInterfaceSpecificationRequest::builder()
        .set_associate_carrier_ip_address(nullable_arg(item, "associate_carrier_ip_address"))
        .set_associate_public_ip_address(nullable_arg(item, "associate_public_ip_address"))
        .set_connection_tracking_specification(
            single(item, "connection_tracking_specification").map(|tracking| {
                ConnectionTrackingSpecificationRequest::builder()
                    .set_tcp_established_timeout(nonzero(tracking, "tcp_established_timeout"))
                    .set_udp_stream_timeout(nonzero(tracking, "udp_stream_timeout"))
                    .set_udp_timeout(nonzero(tracking, "udp_timeout"))
                    .build()
            }),
        )
        .set_delete_on_termination(nullable_arg(item, "delete_on_termination"))
        .set_description(non_empty(item, "description"))
        // Always sent (0 when unset), as the provider does.
        .device_index(int(item, "device_index").unwrap_or(0))
        .set_ena_srd_specification(single(item, "ena_srd_specification").map(|srd| {
            EnaSrdSpecificationRequest::builder()
                .ena_srd_enabled(flag(srd, "ena_srd_enabled"))
                .set_ena_srd_udp_specification(single(srd, "ena_srd_udp_specification").map(
                    |udp| {
                        EnaSrdUdpSpecificationRequest::builder()
                            .ena_srd_udp_enabled(flag(udp, "ena_srd_udp_enabled"))
                            .build()
                    },
                ))
                .build()
        }))
        .set_interface_type(non_empty(item, "interface_type"))
        .set_private_ip_address(private_ip.clone())
        .set_ipv4_prefix_count(nonzero(item, "ipv4_prefix_count"))
        .set_ipv4_prefixes(some_items(
            strings(item, "ipv4_prefixes")
                .into_iter()
                .map(|prefix| Ipv4PrefixSpecificationRequest::builder().ipv4_prefix(prefix).build())
                .collect(),
        ))
        .set_ipv6_address_count(nonzero(item, "ipv6_address_count"))
        .set_ipv6_addresses(some_items(
            strings(item, "ipv6_addresses")
                .into_iter()
                .map(|address| InstanceIpv6AddressRequest::builder().ipv6_address(address).build())
                .collect(),
        ))
        .set_ipv6_prefix_count(nonzero(item, "ipv6_prefix_count"))
        .set_ipv6_prefixes(some_items(
            strings(item, "ipv6_prefixes")
                .into_iter()
                .map(|prefix| Ipv6PrefixSpecificationRequest::builder().ipv6_prefix(prefix).build())
                .collect(),
        ))
        // Always sent (0 when unset), as the provider does.
        .network_card_index(int(item, "network_card_index").unwrap_or(0))
        .set_network_interface_id(non_empty(item, "network_interface_id"))
        .set_primary_ipv6(nullable_arg(item, "primary_ipv6"))
        .set_groups(some_items(strings(item, "security_groups")))
        .set_subnet_id(non_empty(item, "subnet_id"));
    // A secondary address count wins over the address list, as in the provider; the address
    // equal to `private_ip_address` is the primary one.
    if let Some(count) = nonzero(item, "ipv4_address_count") {
        builder = builder.secondary_private_ip_address_count(count);
    } else {
        let addresses: Vec<PrivateIpAddressSpecification> = strings(item, "ipv4_addresses")
            .into_iter()
            .map(|address| {
                let primary = private_ip.as_deref() == Some(address.as_str());
                PrivateIpAddressSpecification::builder()
                    .primary(primary)
                    .private_ip_address(address)
                    .build()
            })
            .collect();
        builder = builder.set_private_ip_addresses(some_items(addresses));
    }
    builder.build()
}

/// One `secondary_interfaces` block, as the provider's
/// `expandLaunchTemplateInstanceSecondaryInterfaceSpecificationRequest` builds it.
fn secondary_interface(
    item: &Value,
) -> LaunchTemplateInstanceSecondaryInterfaceSpecificationRequest {
    LaunchTemplateInstanceSecondaryInterfaceSpecificationRequest::builder()
        // Always sent, as the provider does (`false` when unset).
        .delete_on_termination(flag(item, "delete_on_termination"))
        // Always sent (0 when unset), as the provider does.
        .device_index(int(item, "device_index").unwrap_or(0))
        .set_interface_type(as_enum(non_empty(item, "interface_type")))
        .network_card_index(int(item, "network_card_index").unwrap_or(0))
        .set_private_ip_address_count(nonzero(item, "private_ip_address_count"))
        .set_private_ip_addresses(some_items(
            strings(item, "private_ip_addresses")
                .into_iter()
                .map(|address| {
                    SecondaryInterfacePrivateIpAddressSpecificationRequest::builder()
                        .private_ip_address(address)
                        .build()
                })
                .collect(),
        ))
        .set_secondary_subnet_id(non_empty(item, "secondary_subnet_id"))
        .build()
}

fn placement(placement: &Value) -> LaunchTemplatePlacementRequest {
    LaunchTemplatePlacementRequest::builder()
        .set_affinity(non_empty(placement, "affinity"))
        .set_availability_zone(non_empty(placement, "availability_zone"))
        .set_group_id(non_empty(placement, "group_id"))
        .set_group_name(non_empty(placement, "group_name"))
        .set_host_id(non_empty(placement, "host_id"))
        .set_host_resource_group_arn(non_empty(placement, "host_resource_group_arn"))
        .set_partition_number(nonzero(placement, "partition_number"))
        .set_spread_domain(non_empty(placement, "spread_domain"))
        .set_tenancy(as_enum(non_empty(placement, "tenancy")))
        .build()
}

fn tag_specification_request(spec: &Value) -> LaunchTemplateTagSpecificationRequest {
    // The provider drops `aws:` keys (IgnoreAWS); AWS refuses them anyway.
    let tags: Vec<Tag> = spec
        .get("tags")
        .as_map()
        .map(|entries| {
            entries
                .iter()
                .filter(|(key, _)| !key.starts_with("aws:"))
                .filter_map(|(key, value)| {
                    Some(Tag::builder().key(key).value(value.as_str()?).build())
                })
                .collect()
        })
        .unwrap_or_default();
    LaunchTemplateTagSpecificationRequest::builder()
        .set_resource_type(as_enum(non_empty(spec, "resource_type")))
        .set_tags(some_items(tags))
        .build()
}

/// The `min` (0 when unset) and the `max` (only when at least `min`) of a whole-number range,
/// as the provider sends them.
fn int_range(requirements: &Value, name: &str) -> Option<(i32, Option<i32>)> {
    single(requirements, name).map(|range| {
        let min = int(range, "min").unwrap_or(0);
        let max = int(range, "max").unwrap_or(0);
        (min, (max >= min).then_some(max))
    })
}

/// As [`int_range`], for the ranges that take decimals.
fn float_range(requirements: &Value, name: &str) -> Option<(f64, Option<f64>)> {
    single(requirements, name).map(|range| {
        let min = range.get("min").as_f64().unwrap_or(0.0);
        let max = range.get("max").as_f64().unwrap_or(0.0);
        (min, (max >= min).then_some(max))
    })
}

fn instance_requirements(requirements: &Value) -> InstanceRequirementsRequest {
    let listed = |name: &str| strings(requirements, name);
    InstanceRequirementsRequest::builder()
        .set_accelerator_count(
            int_range(requirements, "accelerator_count")
                .map(|(min, max)| AcceleratorCountRequest::builder().min(min).set_max(max).build()),
        )
        .set_accelerator_manufacturers(some_items(
            listed("accelerator_manufacturers")
                .iter()
                .map(|name| AcceleratorManufacturer::from(name.as_str()))
                .collect(),
        ))
        .set_accelerator_names(some_items(
            listed("accelerator_names")
                .iter()
                .map(|name| AcceleratorName::from(name.as_str()))
                .collect(),
        ))
        .set_accelerator_total_memory_mib(
            int_range(requirements, "accelerator_total_memory_mib").map(|(min, max)| {
                AcceleratorTotalMemoryMiBRequest::builder().min(min).set_max(max).build()
            }),
        )
        .set_accelerator_types(some_items(
            listed("accelerator_types")
                .iter()
                .map(|name| AcceleratorType::from(name.as_str()))
                .collect(),
        ))
        .set_allowed_instance_types(some_items(listed("allowed_instance_types")))
        .set_bare_metal(as_enum(non_empty(requirements, "bare_metal")))
        .set_baseline_ebs_bandwidth_mbps(
            int_range(requirements, "baseline_ebs_bandwidth_mbps").map(|(min, max)| {
                BaselineEbsBandwidthMbpsRequest::builder().min(min).set_max(max).build()
            }),
        )
        .set_burstable_performance(as_enum(non_empty(requirements, "burstable_performance")))
        .set_cpu_manufacturers(some_items(
            listed("cpu_manufacturers")
                .iter()
                .map(|name| CpuManufacturer::from(name.as_str()))
                .collect(),
        ))
        .set_excluded_instance_types(some_items(listed("excluded_instance_types")))
        .set_instance_generations(some_items(
            listed("instance_generations")
                .iter()
                .map(|name| InstanceGeneration::from(name.as_str()))
                .collect(),
        ))
        .set_local_storage(as_enum(non_empty(requirements, "local_storage")))
        .set_local_storage_types(some_items(
            listed("local_storage_types")
                .iter()
                .map(|name| LocalStorageType::from(name.as_str()))
                .collect(),
        ))
        .set_max_spot_price_as_percentage_of_optimal_on_demand_price(nonzero(
            requirements,
            "max_spot_price_as_percentage_of_optimal_on_demand_price",
        ))
        .set_memory_gib_per_v_cpu(
            float_range(requirements, "memory_gib_per_vcpu")
                .map(|(min, max)| MemoryGiBPerVCpuRequest::builder().min(min).set_max(max).build()),
        )
        .set_memory_mib(
            int_range(requirements, "memory_mib")
                .map(|(min, max)| MemoryMiBRequest::builder().min(min).set_max(max).build()),
        )
        .set_network_bandwidth_gbps(
            float_range(requirements, "network_bandwidth_gbps").map(|(min, max)| {
                NetworkBandwidthGbpsRequest::builder().min(min).set_max(max).build()
            }),
        )
        .set_network_interface_count(int_range(requirements, "network_interface_count").map(
            |(min, max)| NetworkInterfaceCountRequest::builder().min(min).set_max(max).build(),
        ))
        .set_on_demand_max_price_percentage_over_lowest_price(nonzero(
            requirements,
            "on_demand_max_price_percentage_over_lowest_price",
        ))
        .set_require_hibernate_support(
            flag(requirements, "require_hibernate_support").then_some(true),
        )
        .set_spot_max_price_percentage_over_lowest_price(nonzero(
            requirements,
            "spot_max_price_percentage_over_lowest_price",
        ))
        .set_total_local_storage_gb(
            float_range(requirements, "total_local_storage_gb").map(|(min, max)| {
                TotalLocalStorageGbRequest::builder().min(min).set_max(max).build()
            }),
        )
        .set_v_cpu_count(
            int_range(requirements, "vcpu_count")
                .map(|(min, max)| VCpuCountRangeRequest::builder().min(min).set_max(max).build()),
        )
        .build()
}

// ---- Response: the latest version's data, in the configuration's shape ----

/// `instance_market_options`, `valid_until` in the configured form when it is the same time.
fn market_options_value(
    options: &LaunchTemplateInstanceMarketOptions,
    configured_valid_until: Option<&str>,
) -> Value {
    Value::map([
        ("market_type", enum_value(options.market_type())),
        (
            "spot_options",
            optional_block(options.spot_options().map(|spot| {
                Value::map([
                    ("block_duration_minutes", int_value(spot.block_duration_minutes())),
                    (
                        "instance_interruption_behavior",
                        enum_value(spot.instance_interruption_behavior()),
                    ),
                    ("max_price", text(spot.max_price())),
                    ("spot_instance_type", enum_value(spot.spot_instance_type())),
                    ("valid_until", time_value(spot.valid_until(), configured_valid_until)),
                ])
            })),
        ),
    ])
}

fn placement_value(placement: &LaunchTemplatePlacement) -> Value {
    Value::map([
        ("affinity", text(placement.affinity())),
        ("availability_zone", text(placement.availability_zone())),
        ("group_id", text(placement.group_id())),
        ("group_name", text(placement.group_name())),
        ("host_id", text(placement.host_id())),
        ("host_resource_group_arn", text(placement.host_resource_group_arn())),
        ("partition_number", int_value(placement.partition_number())),
        ("spread_domain", text(placement.spread_domain())),
        ("tenancy", enum_value(placement.tenancy())),
    ])
}

fn private_dns_name_options_value(options: &LaunchTemplatePrivateDnsNameOptions) -> Value {
    Value::map([
        (
            "enable_resource_name_dns_aaaa_record",
            Value::Bool(options.enable_resource_name_dns_aaaa_record().unwrap_or(false)),
        ),
        (
            "enable_resource_name_dns_a_record",
            Value::Bool(options.enable_resource_name_dns_a_record().unwrap_or(false)),
        ),
        ("hostname_type", enum_value(options.hostname_type())),
    ])
}

fn tag_specifications_value(data: &ResponseLaunchTemplateData) -> Value {
    Value::List(
        data.tag_specifications()
            .iter()
            // moto copies the template's own tags in here; real AWS allows no launch-template
            // entry in launch data.
            .filter(|spec| spec.resource_type() != Some(&Ec2ResourceType::LaunchTemplate))
            .map(|spec| {
                let tags = Value::Map(
                    spec.tags()
                        .iter()
                        .filter_map(|tag| Some((tag.key()?, tag.value().unwrap_or(""))))
                        .filter(|(key, _)| !key.starts_with("aws:"))
                        .map(|(key, value)| (key.to_string(), Value::string(value)))
                        .collect(),
                );
                Value::map([("resource_type", enum_value(spec.resource_type())), ("tags", tags)])
            })
            .collect(),
    )
}

fn block_device_mapping_value(mapping: &LaunchTemplateBlockDeviceMapping) -> Value {
    Value::map([
        ("device_name", text(mapping.device_name())),
        (
            "ebs",
            optional_block(mapping.ebs().map(|ebs| {
                Value::map([
                    ("delete_on_termination", nullable_value(ebs.delete_on_termination())),
                    ("encrypted", nullable_value(ebs.encrypted())),
                    ("iops", int_value(ebs.iops())),
                    ("kms_key_id", text(ebs.kms_key_id())),
                    ("snapshot_id", text(ebs.snapshot_id())),
                    ("throughput", int_value(ebs.throughput())),
                    ("volume_initialization_rate", int_value(ebs.volume_initialization_rate())),
                    ("volume_size", int_value(ebs.volume_size())),
                    ("volume_type", enum_value(ebs.volume_type())),
                ])
            })),
        ),
        ("no_device", text(mapping.no_device())),
        ("virtual_name", text(mapping.virtual_name())),
    ])
}

fn network_interface_value(item: &LaunchTemplateInstanceNetworkInterfaceSpecification) -> Value {
    Value::map([
        ("associate_carrier_ip_address", nullable_value(item.associate_carrier_ip_address())),
        ("associate_public_ip_address", nullable_value(item.associate_public_ip_address())),
        (
            "connection_tracking_specification",
            optional_block(item.connection_tracking_specification().map(|tracking| {
                Value::map([
                    ("tcp_established_timeout", int_value(tracking.tcp_established_timeout())),
                    ("udp_stream_timeout", int_value(tracking.udp_stream_timeout())),
                    ("udp_timeout", int_value(tracking.udp_timeout())),
                ])
            })),
        ),
        ("delete_on_termination", nullable_value(item.delete_on_termination())),
        ("description", text(item.description())),
        ("device_index", int_value(Some(item.device_index().unwrap_or(0)))),
        (
            "ena_srd_specification",
            optional_block(item.ena_srd_specification().map(|srd| {
                Value::map([
                    ("ena_srd_enabled", Value::Bool(srd.ena_srd_enabled().unwrap_or(false))),
                    (
                        "ena_srd_udp_specification",
                        optional_block(srd.ena_srd_udp_specification().map(|udp| {
                            Value::map([(
                                "ena_srd_udp_enabled",
                                Value::Bool(udp.ena_srd_udp_enabled().unwrap_or(false)),
                            )])
                        })),
                    ),
                ])
            })),
        ),
        ("interface_type", text(item.interface_type())),
        ("ipv4_address_count", int_value(item.secondary_private_ip_address_count())),
        (
            "ipv4_addresses",
            string_list(
                item.private_ip_addresses()
                    .iter()
                    .filter_map(|address| address.private_ip_address()),
            ),
        ),
        ("ipv4_prefix_count", int_value(item.ipv4_prefix_count())),
        (
            "ipv4_prefixes",
            string_list(item.ipv4_prefixes().iter().filter_map(|prefix| prefix.ipv4_prefix())),
        ),
        ("ipv6_address_count", int_value(item.ipv6_address_count())),
        (
            "ipv6_addresses",
            string_list(item.ipv6_addresses().iter().filter_map(|address| address.ipv6_address())),
        ),
        ("ipv6_prefix_count", int_value(item.ipv6_prefix_count())),
        (
            "ipv6_prefixes",
            string_list(item.ipv6_prefixes().iter().filter_map(|prefix| prefix.ipv6_prefix())),
        ),
        ("network_card_index", int_value(Some(item.network_card_index().unwrap_or(0)))),
        ("network_interface_id", text(item.network_interface_id())),
        ("primary_ipv6", nullable_value(item.primary_ipv6())),
        ("private_ip_address", text(item.private_ip_address())),
        ("security_groups", string_list(item.groups())),
        ("subnet_id", text(item.subnet_id())),
    ])
}

/// One secondary interface as read, as the provider's
/// `flattenLaunchTemplateInstanceSecondaryInterfaceSpecification` sets it (an unreported
/// boolean or index is `false` / 0 in the provider's state).
fn secondary_interface_value(
    item: &LaunchTemplateInstanceSecondaryInterfaceSpecification,
) -> Value {
    Value::map([
        ("delete_on_termination", Value::Bool(item.delete_on_termination().unwrap_or(false))),
        ("device_index", int_value(Some(item.device_index().unwrap_or(0)))),
        ("interface_type", enum_value(item.interface_type())),
        ("network_card_index", int_value(Some(item.network_card_index().unwrap_or(0)))),
        ("private_ip_address_count", int_value(item.private_ip_address_count())),
        (
            "private_ip_addresses",
            string_list(
                item.private_ip_addresses()
                    .iter()
                    .filter_map(|address| address.private_ip_address()),
            ),
        ),
        ("secondary_subnet_id", text(item.secondary_subnet_id())),
    ])
}

fn instance_requirements_value(requirements: &InstanceRequirements) -> Value {
    Value::map([
        (
            "accelerator_count",
            int_range_value(requirements.accelerator_count().map(|r| (r.min(), r.max()))),
        ),
        ("accelerator_manufacturers", enum_list(requirements.accelerator_manufacturers())),
        ("accelerator_names", enum_list(requirements.accelerator_names())),
        (
            "accelerator_total_memory_mib",
            int_range_value(
                requirements.accelerator_total_memory_mib().map(|r| (r.min(), r.max())),
            ),
        ),
        ("accelerator_types", enum_list(requirements.accelerator_types())),
        ("allowed_instance_types", string_list(requirements.allowed_instance_types())),
        ("bare_metal", enum_value(requirements.bare_metal())),
        (
            "baseline_ebs_bandwidth_mbps",
            int_range_value(requirements.baseline_ebs_bandwidth_mbps().map(|r| (r.min(), r.max()))),
        ),
        ("burstable_performance", enum_value(requirements.burstable_performance())),
        ("cpu_manufacturers", enum_list(requirements.cpu_manufacturers())),
        ("excluded_instance_types", string_list(requirements.excluded_instance_types())),
        ("instance_generations", enum_list(requirements.instance_generations())),
        ("local_storage", enum_value(requirements.local_storage())),
        ("local_storage_types", enum_list(requirements.local_storage_types())),
        (
            "max_spot_price_as_percentage_of_optimal_on_demand_price",
            int_value(requirements.max_spot_price_as_percentage_of_optimal_on_demand_price()),
        ),
        (
            "memory_gib_per_vcpu",
            float_range_value(requirements.memory_gib_per_v_cpu().map(|r| (r.min(), r.max()))),
        ),
        ("memory_mib", int_range_value(requirements.memory_mib().map(|r| (r.min(), r.max())))),
        (
            "network_bandwidth_gbps",
            float_range_value(requirements.network_bandwidth_gbps().map(|r| (r.min(), r.max()))),
        ),
        (
            "network_interface_count",
            int_range_value(requirements.network_interface_count().map(|r| (r.min(), r.max()))),
        ),
        (
            "on_demand_max_price_percentage_over_lowest_price",
            int_value(requirements.on_demand_max_price_percentage_over_lowest_price()),
        ),
        (
            "require_hibernate_support",
            Value::Bool(requirements.require_hibernate_support().unwrap_or(false)),
        ),
        (
            "spot_max_price_percentage_over_lowest_price",
            int_value(requirements.spot_max_price_percentage_over_lowest_price()),
        ),
        (
            "total_local_storage_gb",
            float_range_value(requirements.total_local_storage_gb().map(|r| (r.min(), r.max()))),
        ),
        ("vcpu_count", int_range_value(requirements.v_cpu_count().map(|r| (r.min(), r.max())))),
    ])
}

/// A range block as read; an unset bound is 0, as the provider stores it.
fn int_range_value(range: Option<(Option<i32>, Option<i32>)>) -> Value {
    optional_block(range.map(|(min, max)| {
        Value::map([
            ("max", int_value(Some(max.unwrap_or(0)))),
            ("min", int_value(Some(min.unwrap_or(0)))),
        ])
    }))
}

fn float_range_value(range: Option<(Option<f64>, Option<f64>)>) -> Value {
    optional_block(range.map(|(min, max)| {
        Value::map([
            ("max", Value::Number(max.unwrap_or(0.0))),
            ("min", Value::Number(min.unwrap_or(0.0))),
        ])
    }))
}

/// A `valid_until` as read: the configured text when it names the same instant (so `+00:00`
/// and `Z` are not drift), else AWS's in RFC 3339.
fn time_value(read: Option<&DateTime>, configured: Option<&str>) -> Value {
    let Some(read) = read else {
        return Value::Null;
    };
    if let Some(configured) = configured {
        if parse_time(configured).as_ref() == Some(read) {
            return Value::string(configured);
        }
    }
    read.fmt(Format::DateTime).map(Value::String).unwrap_or(Value::Null)
}

// ---- Small helpers ----

/// A list of one object.
fn one(object: Value) -> Value {
    Value::List(vec![object])
}

/// A `max_items = 1` block as read: one object, or none.
fn optional_block(object: Option<Value>) -> Value {
    object.map(one).unwrap_or(Value::List(vec![]))
}

/// `Some(items)` unless empty: the provider sends no empty lists.
fn some_items<T>(items: Vec<T>) -> Option<Vec<T>> {
    (!items.is_empty()).then_some(items)
}

/// A whole-number argument the provider sends only when not 0.
fn nonzero(value: &Value, key: &str) -> Option<i32> {
    int(value, key).filter(|n| *n != 0)
}

fn flag(value: &Value, key: &str) -> bool {
    boolean(value, key).unwrap_or(false)
}

/// Go's `strconv.ParseBool`, which the provider's nullable booleans accept.
fn go_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// A nullable boolean argument: `None` when unset (`""`).
fn nullable_arg(value: &Value, key: &str) -> Option<bool> {
    match value.get(key).unmarked() {
        Value::Bool(flag) => Some(*flag),
        Value::String(text) => go_bool(text),
        _ => None,
    }
}

/// A nullable boolean as read: `"true"`, `"false"`, or `""` when AWS holds none.
fn nullable_value(flag: Option<bool>) -> Value {
    Value::string(match flag {
        Some(true) => "true",
        Some(false) => "false",
        None => "",
    })
}

fn int_value(value: Option<i32>) -> Value {
    number(value.map(i64::from))
}

fn enum_value<E: AsRef<str>>(value: Option<&E>) -> Value {
    text(value.map(|value| value.as_ref()))
}

fn enum_list<E: AsRef<str>>(values: &[E]) -> Value {
    string_list(values.iter().map(|value| value.as_ref()))
}

fn parse_time(text: &str) -> Option<DateTime> {
    DateTime::from_str(text, Format::DateTime)
        .or_else(|_| DateTime::from_str(text, Format::DateTimeWithOffset))
        .ok()
}

/// The provider's `create.NamePrefixFromName`, for names made from a prefix: the name without
/// its 26-digit unique suffix, else `""`.
fn name_prefix_from_name(name: &str) -> String {
    const SUFFIX: usize = 26;
    if name.len() <= SUFFIX {
        return String::new();
    }
    let split = name.len() - SUFFIX;
    match (name.get(..split), name.get(split..)) {
        (Some(prefix), Some(suffix)) if suffix.bytes().all(|b| b.is_ascii_digit()) => {
            prefix.to_string()
        }
        _ => String::new(),
    }
}

fn context(error: ProviderError, action: &str) -> ProviderError {
    error.context(action)
}

/// Whether two values mean the same: marks dropped, null and empty collections alike, numbers
/// compared as numbers (as the engine compares them).
fn same(a: &Value, b: &Value) -> bool {
    same_plain(&a.unmark_deep(), &b.unmark_deep())
}

fn same_plain(a: &Value, b: &Value) -> bool {
    let empty = |v: &Value| match v {
        Value::Null => true,
        Value::List(items) => items.is_empty(),
        Value::Map(entries) => entries.is_empty(),
        _ => false,
    };
    if empty(a) && empty(b) {
        return true;
    }
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => (x - y).abs() < 1e-9,
        (Value::Map(x), Value::Map(y)) => x.keys().chain(y.keys()).all(|key| {
            same_plain(x.get(key).unwrap_or(&Value::Null), y.get(key).unwrap_or(&Value::Null))
        }),
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_plain(p, q))
        }
        _ => a == b,
    }
}

/// The type's normalization, after the schema's: nullable booleans in canonical form
/// (`"1"` is `"true"`), and an empty plain optional string the same as an unset one (the
/// provider neither sends `""` nor tells it from unset).
fn normalize_object(schema: &Schema, value: &mut Value) {
    if !matches!(value.unmarked(), Value::Map(_)) {
        return;
    }
    let Some(entries) = value.map_mut() else {
        return;
    };
    for attribute in &schema.attributes {
        if attribute.ty != Type::String {
            continue;
        }
        let Some(current) = entries.get_mut(attribute.name) else {
            continue;
        };
        let nullable = attribute.default == Some(Value::string(""));
        let canonical = current.as_str().and_then(go_bool);
        let empty = current.as_str() == Some("");
        if nullable {
            if let Some(flag) = canonical {
                *current = Value::string(flag.to_string());
            }
        } else if attribute.presence == Presence::Optional && attribute.default.is_none() && empty {
            *current = Value::Null;
        }
    }
    for block in &schema.blocks {
        if let Some(Value::List(items)) = entries.get_mut(block.name) {
            for item in items.iter_mut() {
                normalize_object(&block.schema, item);
            }
        }
    }
}

// ---- Validation ----

fn is_set(value: &Value) -> bool {
    match value.unmarked() {
        Value::Null => false,
        Value::List(items) => !items.is_empty(),
        _ => true,
    }
}

/// Terraform's `ConflictsWith` error on `second`. `path` is infra's location prefix
/// (`placement[0].`), `key` the provider's (`placement.0.`).
fn check_conflict(
    problems: &mut Vec<(String, String)>,
    value: &Value,
    (path, key): (&str, &str),
    first: &str,
    second: &str,
) {
    if is_set(value.get(first)) && is_set(value.get(second)) {
        problems.push((
            format!("{path}{second}"),
            format!("\"{key}{second}\": conflicts with {key}{first}"),
        ));
    }
}

/// The provider's `verify.ValidLaunchTemplateName`.
fn name_problem(key: &str, name: &str) -> Option<String> {
    let prefix = key.ends_with("prefix");
    if name.len() < 3 {
        Some(format!("\"{key}\" cannot be less than 3 characters"))
    } else if prefix && name.len() > 99 {
        Some(format!("\"{key}\" cannot be longer than 99 characters, name is limited to 125"))
    } else if !prefix && name.len() > 125 {
        Some(format!("\"{key}\" cannot be longer than 125 characters"))
    } else if !name.chars().all(|c| c.is_ascii_alphanumeric() || "()./_-".contains(c)) {
        Some(format!("\"{key}\" can only alphanumeric characters and ()./_- symbols"))
    } else {
        None
    }
}

fn check_nullable_bool(problems: &mut Vec<(String, String)>, value: &Value, path: &str, key: &str) {
    if let Value::String(text) = value.get(key).unmarked() {
        if !text.is_empty() && go_bool(text).is_none() {
            problems
                .push((format!("{path}{key}"), format!("{key}: cannot parse '{text}' as boolean")));
        }
    }
}

/// Go's `net.ParseIP(text).To4() != nil`, which the provider's `validation.IsIPv4Address`
/// checks: a dotted IPv4 address, or an IPv4-mapped IPv6 one.
fn is_ipv4_address(text: &str) -> bool {
    text.parse::<Ipv4Addr>().is_ok()
        || text.parse::<Ipv6Addr>().is_ok_and(|address| address.to_ipv4_mapped().is_some())
}

/// The provider's `validation.IsIPv4Address` on each element of the set `key`; the provider
/// names an element by its index (`secondary_interfaces.0.private_ip_addresses.1`).
fn check_ipv4_addresses(
    problems: &mut Vec<(String, String)>,
    value: &Value,
    path: &str,
    provider_path: &str,
    key: &str,
) {
    for (index, element) in blocks(value, key).iter().enumerate() {
        if let Some(text) = element.as_str() {
            if !is_ipv4_address(text) {
                problems.push((
                    format!("{path}{key}"),
                    format!(
                        "expected {provider_path}{key}.{index} to contain a valid IPv4 address, \
                         got: {text}"
                    ),
                ));
            }
        }
    }
}

fn validate_config(config: &Value) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    check_top_level(&mut problems, config);
    check_disks_and_interfaces(&mut problems, config);
    check_block_conflicts(&mut problems, config);
    check_spot_options(&mut problems, config);
    problems
}

/// The top-level names and `ebs_optimized`.
fn check_top_level(problems: &mut Vec<(String, String)>, config: &Value) {
    for key in ["name", "name_prefix"] {
        if let Some(name) = config.get(key).as_str() {
            if let Some(problem) = name_problem(key, name) {
                problems.push((key.to_string(), problem));
            }
        }
    }
    check_nullable_bool(problems, config, "", "ebs_optimized");
}

/// The nullable booleans of `block_device_mappings` and `network_interfaces`, and the
/// addresses of `secondary_interfaces`.
fn check_disks_and_interfaces(problems: &mut Vec<(String, String)>, config: &Value) {
    for (index, mapping) in blocks(config, "block_device_mappings").iter().enumerate() {
        for ebs in blocks(mapping, "ebs") {
            let path = format!("block_device_mappings[{index}].ebs[0].");
            check_nullable_bool(problems, ebs, &path, "delete_on_termination");
            check_nullable_bool(problems, ebs, &path, "encrypted");
        }
    }
    for (index, item) in blocks(config, "network_interfaces").iter().enumerate() {
        let path = format!("network_interfaces[{index}].");
        for key in [
            "associate_carrier_ip_address",
            "associate_public_ip_address",
            "delete_on_termination",
            "primary_ipv6",
        ] {
            check_nullable_bool(problems, item, &path, key);
        }
    }
    for (index, item) in blocks(config, "secondary_interfaces").iter().enumerate() {
        check_ipv4_addresses(
            problems,
            item,
            &format!("secondary_interfaces[{index}]."),
            &format!("secondary_interfaces.{index}."),
            "private_ip_addresses",
        );
    }
}

/// `placement`'s `group_name` with its `group_id`: AWS takes one (infra's own check; the
/// conflicts the provider declares are declared on the schema).
fn check_block_conflicts(problems: &mut Vec<(String, String)>, config: &Value) {
    if let Some(placement) = single(config, "placement") {
        let at = ("placement[0].", "placement.0.");
        check_conflict(problems, placement, at, "group_name", "group_id");
    }
}

/// `instance_market_options.spot_options`: `block_duration_minutes` and `valid_until`.
fn check_spot_options(problems: &mut Vec<(String, String)>, config: &Value) {
    if let Some(spot) = single(config, "instance_market_options")
        .and_then(|options| single(options, "spot_options"))
    {
        let path = "instance_market_options[0].spot_options[0].";
        if let Some(minutes) = spot.get("block_duration_minutes").as_i64() {
            if minutes % 60 != 0 {
                problems.push((
                    format!("{path}block_duration_minutes"),
                    format!(
                        "expected block_duration_minutes to be divisible by 60, got: {minutes}"
                    ),
                ));
            }
        }
        if let Some(valid_until) = spot.get("valid_until").as_str() {
            if !valid_until.is_empty() && parse_time(valid_until).is_none() {
                problems.push((
                    format!("{path}valid_until"),
                    format!(
                        "expected \"valid_until\" to be a valid RFC3339 date, got \"{valid_until}\""
                    ),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::SecondaryInterfaceType;

    #[test]
    fn name_prefix_comes_from_generated_names_only() {
        assert_eq!(name_prefix_from_name("web-20261122143000000000000001"), "web-");
        assert_eq!(name_prefix_from_name("web"), "");
        assert_eq!(name_prefix_from_name("a-template-name-that-is-long-enough"), "");
    }

    #[test]
    fn nullable_booleans_are_canonical_and_empty_strings_unset() {
        let schema = declared_schema();
        let mut value = Value::map([
            ("ebs_optimized", Value::string("1")),
            ("image_id", Value::string("")),
            (
                "network_interfaces",
                Value::List(vec![Value::map([
                    ("associate_public_ip_address", Value::string("F")),
                    ("description", Value::string("")),
                ])]),
            ),
        ]);
        normalize_object(schema, &mut value);
        assert_eq!(value.get("ebs_optimized"), &Value::string("true"));
        assert_eq!(value.get("image_id"), &Value::Null);
        let interfaces = value.get("network_interfaces").as_list().unwrap_or(&[]);
        assert_eq!(interfaces[0].get("associate_public_ip_address"), &Value::string("false"));
        assert_eq!(interfaces[0].get("description"), &Value::Null);
    }

    #[test]
    fn validation_uses_the_provider_wording() {
        let config = Value::map([
            ("name", Value::string("ab")),
            ("name_prefix", Value::string("web-")),
            ("ebs_optimized", Value::string("maybe")),
            (
                "iam_instance_profile",
                Value::List(vec![Value::map([
                    ("arn", Value::string("arn:aws:iam::1:instance-profile/p")),
                    ("name", Value::string("p")),
                ])]),
            ),
        ]);
        let mut problems = declared_schema().validate(&config);
        problems.extend(validate_config(&config));
        let messages: Vec<&str> = problems.iter().map(|(_, m)| m.as_str()).collect();
        assert!(messages.contains(&"\"name\": conflicts with name_prefix"));
        assert!(messages.contains(&"\"name_prefix\": conflicts with name"));
        assert!(messages.contains(&"\"name\" cannot be less than 3 characters"));
        assert!(messages.contains(&"ebs_optimized: cannot parse 'maybe' as boolean"));
        // One-sided, as the provider declares it: on the ARN.
        let conflict = "\"iam_instance_profile.0.arn\": conflicts with iam_instance_profile.0.name";
        assert!(messages.contains(&conflict));
    }

    #[test]
    fn unset_and_empty_are_the_same_version_data() {
        assert!(same(&Value::Null, &Value::List(vec![])));
        assert!(same(&Value::Number(2.0), &Value::Number(2.0)));
        assert!(!same(&Value::string("a"), &Value::string("b")));
    }

    #[test]
    fn ranges_send_min_and_a_max_not_below_it() {
        let requirements = Value::map([
            (
                "vcpu_count",
                Value::List(vec![Value::map([
                    ("min", Value::Number(2.0)),
                    ("max", Value::Number(0.0)),
                ])]),
            ),
            ("accelerator_count", Value::List(vec![Value::map([("max", Value::Number(0.0))])])),
        ]);
        assert_eq!(int_range(&requirements, "vcpu_count"), Some((2, None)));
        assert_eq!(int_range(&requirements, "accelerator_count"), Some((0, Some(0))));
        assert_eq!(int_range(&requirements, "memory_mib"), None);
    }

    /// Two `secondary_interfaces` blocks as planned (defaults filled in): one with addresses
    /// and a subnet, one with an address count.
    fn secondary_interfaces_config() -> Value {
        Value::map([(
            "secondary_interfaces",
            Value::List(vec![
                Value::map([
                    ("delete_on_termination", Value::Bool(true)),
                    ("device_index", Value::Number(1.0)),
                    ("interface_type", Value::string("secondary")),
                    ("network_card_index", Value::Number(0.0)),
                    ("private_ip_address_count", Value::Null),
                    (
                        "private_ip_addresses",
                        Value::List(vec![Value::string("10.0.1.5"), Value::string("10.0.1.6")]),
                    ),
                    ("secondary_subnet_id", Value::string("ss-0123456789abcdef0")),
                ]),
                Value::map([
                    ("delete_on_termination", Value::Bool(false)),
                    ("device_index", Value::Number(2.0)),
                    ("interface_type", Value::Null),
                    ("network_card_index", Value::Number(1.0)),
                    ("private_ip_address_count", Value::Number(3.0)),
                    ("private_ip_addresses", Value::List(vec![])),
                    ("secondary_subnet_id", Value::Null),
                ]),
            ]),
        )])
    }

    fn addresses_sent(
        item: &LaunchTemplateInstanceSecondaryInterfaceSpecificationRequest,
    ) -> Vec<&str> {
        item.private_ip_addresses()
            .iter()
            .filter_map(|address| address.private_ip_address())
            .collect()
    }

    #[test]
    fn secondary_interfaces_are_sent_as_the_provider_expands_them() {
        let data = request_data(&secondary_interfaces_config(), false).expect("launch data");
        let sent = data.secondary_interfaces();
        assert_eq!(sent.len(), 2);

        assert_eq!(sent[0].delete_on_termination(), Some(true));
        assert_eq!(sent[0].device_index(), Some(1));
        assert_eq!(sent[0].interface_type(), Some(&SecondaryInterfaceType::Secondary));
        assert_eq!(sent[0].network_card_index(), Some(0));
        assert_eq!(sent[0].private_ip_address_count(), None);
        assert_eq!(addresses_sent(&sent[0]), vec!["10.0.1.5", "10.0.1.6"]);
        assert_eq!(sent[0].secondary_subnet_id(), Some("ss-0123456789abcdef0"));

        // `false` and the indexes are always sent; a count only when not 0; no empty list.
        assert_eq!(sent[1].delete_on_termination(), Some(false));
        assert_eq!(sent[1].device_index(), Some(2));
        assert_eq!(sent[1].interface_type(), None);
        assert_eq!(sent[1].network_card_index(), Some(1));
        assert_eq!(sent[1].private_ip_address_count(), Some(3));
        assert!(sent[1].private_ip_addresses.is_none());
        assert_eq!(sent[1].secondary_subnet_id(), None);
    }

    #[test]
    fn an_empty_secondary_interface_still_sends_the_provider_s_zero_values() {
        let config = Value::map([(
            "secondary_interfaces",
            Value::List(vec![Value::map([("private_ip_address_count", Value::Number(0.0))])]),
        )]);
        let data = request_data(&config, false).expect("launch data");
        let sent = data.secondary_interfaces();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].delete_on_termination(), Some(false));
        assert_eq!(sent[0].device_index(), Some(0));
        assert_eq!(sent[0].network_card_index(), Some(0));
        assert_eq!(sent[0].private_ip_address_count(), None);
        assert_eq!(sent[0].secondary_subnet_id(), None);

        // Without the block, no list is sent at all.
        let data = request_data(&Value::map([("image_id", Value::string("ami-1"))]), false)
            .expect("launch data");
        assert!(data.secondary_interfaces.is_none());
    }

    /// What AWS answers for a secondary interface it was sent.
    fn echoed(
        request: &LaunchTemplateInstanceSecondaryInterfaceSpecificationRequest,
    ) -> LaunchTemplateInstanceSecondaryInterfaceSpecification {
        let addresses = request
            .private_ip_addresses()
            .iter()
            .map(|address| {
                aws_sdk_ec2::types::SecondaryInterfacePrivateIpAddressSpecification::builder()
                    .set_private_ip_address(address.private_ip_address().map(str::to_string))
                    .build()
            })
            .collect();
        LaunchTemplateInstanceSecondaryInterfaceSpecification::builder()
            .set_delete_on_termination(request.delete_on_termination())
            .set_device_index(request.device_index())
            .set_interface_type(request.interface_type().cloned())
            .set_network_card_index(request.network_card_index())
            .set_private_ip_address_count(request.private_ip_address_count())
            .set_private_ip_addresses(Some(addresses))
            .set_secondary_subnet_id(request.secondary_subnet_id().map(str::to_string))
            .build()
    }

    /// `secondary_interfaces` as the declaration reads it from a version holding `data`.
    fn secondary_interfaces_read(data: &ResponseLaunchTemplateData) -> Value {
        let template = Template {
            template: LaunchTemplate::builder().build(),
            version: LaunchTemplateVersion::builder().build(),
            data: data.clone(),
            arn: String::new(),
        };
        let (_, declaration) = declare(Schema::new(), LaunchTemplateObject::attributes());
        let value = declaration.value(&template, &Reading::of(&Value::Null));
        value.get("secondary_interfaces").clone()
    }

    #[test]
    fn secondary_interfaces_read_back_as_configured() {
        let config = secondary_interfaces_config();
        let sent = request_data(&config, false).expect("launch data");
        let answer = ResponseLaunchTemplateData::builder()
            .set_secondary_interfaces(Some(
                sent.secondary_interfaces().iter().map(echoed).collect(),
            ))
            .build();
        assert_eq!(secondary_interfaces_read(&answer), config.get("secondary_interfaces").clone());

        // Nothing reported: the provider's zero values, so an unset block plans no change.
        let bare = ResponseLaunchTemplateData::builder()
            .secondary_interfaces(
                LaunchTemplateInstanceSecondaryInterfaceSpecification::builder().build(),
            )
            .build();
        assert_eq!(
            secondary_interfaces_read(&bare),
            Value::List(vec![Value::map([
                ("delete_on_termination", Value::Bool(false)),
                ("device_index", Value::Number(0.0)),
                ("interface_type", Value::Null),
                ("network_card_index", Value::Number(0.0)),
                ("private_ip_address_count", Value::Null),
                ("private_ip_addresses", Value::List(vec![])),
                ("secondary_subnet_id", Value::Null),
            ])])
        );
        let none = ResponseLaunchTemplateData::builder().build();
        assert_eq!(secondary_interfaces_read(&none), Value::List(vec![]));
    }

    #[test]
    fn secondary_interfaces_are_versioned_with_the_provider_s_schema() {
        assert!(VERSIONED.contains(&"secondary_interfaces"));
        let schema = declared_schema();
        let block = schema
            .blocks
            .iter()
            .find(|block| block.name == "secondary_interfaces")
            .expect("the secondary_interfaces block");
        assert!(!block.force_new);
        assert_eq!(block.max_items, None);
        let attribute = |name: &str| {
            block
                .schema
                .attributes
                .iter()
                .find(|attribute| attribute.name == name)
                .cloned()
                .expect("an attribute")
        };
        assert_eq!(attribute("delete_on_termination").default, Some(Value::Bool(false)));
        assert_eq!(attribute("device_index").default, Some(Value::Number(0.0)));
        assert_eq!(attribute("network_card_index").default, Some(Value::Number(0.0)));
        assert_eq!(attribute("interface_type").checks, [Check::OneOf(&["secondary"])]);
        assert_eq!(attribute("private_ip_addresses").ty, Type::set(Type::String));
        for name in ["private_ip_address_count", "secondary_subnet_id", "interface_type"] {
            assert_eq!(attribute(name).default, None, "{name}");
            assert!(!attribute(name).force_new, "{name}");
        }
    }

    #[test]
    fn secondary_interface_addresses_must_be_ipv4_as_the_provider_checks() {
        let config = Value::map([(
            "secondary_interfaces",
            Value::List(vec![
                Value::map([(
                    "private_ip_addresses",
                    Value::List(vec![
                        Value::string("10.0.1.5"),
                        Value::string("10.0.1.300"),
                        Value::string("::ffff:10.0.1.7"),
                        Value::string("fe80::1"),
                    ]),
                )]),
                // The provider does not refuse a count with addresses at plan time.
                Value::map([
                    ("private_ip_address_count", Value::Number(2.0)),
                    ("private_ip_addresses", Value::List(vec![Value::string("10.0.2.5")])),
                ]),
            ]),
        )]);
        let problems = validate_config(&config);
        assert_eq!(
            problems,
            vec![
                (
                    "secondary_interfaces[0].private_ip_addresses".to_string(),
                    "expected secondary_interfaces.0.private_ip_addresses.1 to contain a valid \
                     IPv4 address, got: 10.0.1.300"
                        .to_string()
                ),
                (
                    "secondary_interfaces[0].private_ip_addresses".to_string(),
                    "expected secondary_interfaces.0.private_ip_addresses.3 to contain a valid \
                     IPv4 address, got: fe80::1"
                        .to_string()
                ),
            ]
        );
    }
}
