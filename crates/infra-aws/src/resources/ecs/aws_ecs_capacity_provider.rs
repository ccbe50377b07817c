//! `aws_ecs_capacity_provider`: an ECS capacity provider, over an EC2 Auto Scaling group
//! (`auto_scaling_group_provider`) or over ECS Managed Instances (`managed_instances_provider`,
//! which belongs to the `cluster` named with it). Exactly one of the two blocks is set, and
//! `cluster` is required with managed instances and refused with a group: plan-time errors in
//! the provider's wording. The Terraform ID is the ARN, which is also the import ID (its name is
//! accepted too).
//!
//! Replacement: `name`, `cluster`, the group's ARN, the launch template's
//! `capacity_option_type`, and adding or removing either provider block force a new capacity
//! provider. Everything else changes in place: UpdateCapacityProvider with the whole configured
//! block (the group's managed scaling, draining and termination protection; for managed
//! instances the infrastructure role, `propagate_tags`, `infrastructure_optimization` and the
//! launch template's instance profile, network, storage, local storage, monitoring and instance
//! requirements), retried while AWS answers UpdateInProgressException, then a wait while
//! `updateStatus` is UPDATE_IN_PROGRESS (UPDATE_FAILED is an error with AWS's reason); tags
//! with TagResource/UntagResource.
//!
//! As the provider stores them, the numbers of `managed_instances_provider` that are left unset
//! read 0 (range bounds, percentages, `scale_in_after`) and `require_hibernate_support` reads
//! false. As the provider sends them, range bounds, percentages and the storage size are sent
//! only above 0, `scale_in_after` and `require_hibernate_support` always when their block is
//! set; `accelerator_count` and `accelerator_total_memory_mib` send `min` always and `max` when
//! it is at least `min` (the provider sends `max = 0` even when it is unset, which asks for no
//! accelerators at all). `capacity_option_type` takes the SDK's values (ON_DEMAND, SPOT,
//! RESERVED), as the provider's enum check does; it is computed (AWS's default is ON_DEMAND).
//!
//! Refresh is DescribeCapacityProviders for up to 100 names or ARNs a call, tags included,
//! following `nextToken`; a missing one comes back in `failures`, a deleted one as `INACTIVE`.
//! A managed instances capacity provider is cluster-scoped: it is deleted with its `cluster`,
//! and crash recovery looks its name up in that cluster.
//!
//! AWS applies a delete asynchronously (`DEPROVISIONING`); the delete waits until it is gone.
//!
//! moto (5.2.5) fills in AWS's defaults for `managed_scaling` and
//! `managed_termination_protection` but not `managed_draining` (AWS's default is `ENABLED`), so
//! drift on `managed_draining` is not seen in tests. moto does not implement managed instances:
//! CreateCapacityProvider without `autoScalingGroupProvider` fails (an internal error, a
//! Python TypeError), `cluster` and `managedInstancesProvider` are not held or returned, and
//! DeleteCapacityProvider's `cluster` is ignored. So `managed_instances_provider` and `cluster`
//! are tested by unit tests of the requests sent and of the answers read, not end to end.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_ecs::types::{
    AcceleratorCountRequest, AcceleratorTotalMemoryMiBRequest, AutoScalingGroupProvider,
    AutoScalingGroupProviderUpdate, BareMetal, BaselineEbsBandwidthMbpsRequest,
    BurstablePerformance, CapacityOptionType, CapacityProvider, CapacityProviderField,
    CreateManagedInstancesProviderConfiguration, InfrastructureOptimization,
    InstanceLaunchTemplate, InstanceLaunchTemplateUpdate, InstanceRequirementsRequest,
    LocalStorage, ManagedDraining, ManagedInstancesLocalStorageConfiguration,
    ManagedInstancesMonitoringOptions, ManagedInstancesNetworkConfiguration,
    ManagedInstancesProvider, ManagedInstancesStorageConfiguration, ManagedScaling,
    ManagedScalingStatus, ManagedTerminationProtection, MemoryGiBPerVCpuRequest, MemoryMiBRequest,
    NetworkBandwidthGbpsRequest, NetworkInterfaceCountRequest, PropagateMiTags,
    TotalLocalStorageGbRequest, UpdateManagedInstancesProviderConfiguration, VCpuCountRangeRequest,
};
use infra_core::{Attribute, Block, Check, Pattern, ProviderError, Schema, Type, Value};

use crate::app_support::{
    blocks, boolean, int, non_empty, number, retry_while, sent, single, string, string_list,
    strings, text, vanished, wait_for,
};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged, Updating,
};
use crate::declared::{self, read, read_block, Declared, Reading};
use crate::ecs_support::{
    active_by_key, cluster_name_checks, created_arn, has_managed_tags, tags_to_sdk, update_tags,
    with_tags,
};
use crate::error::is_not_found;
use crate::tagging::ManagedTags;
use crate::verify::ARN;

/// DescribeCapacityProviders takes at most 100 names a call.
const PROVIDERS_PER_CALL: usize = 100;

/// How long an update may stay in progress, and how long a provider busy with an earlier update
/// is retried: the provider's 10 minutes.
const UPDATE_TIMEOUT: Duration = Duration::from_secs(10 * 60);

const ENABLED_OR_DISABLED: Check = Check::OneOf(&["ENABLED", "DISABLED"]);

/// The SDK's whole numbers are `i32`: larger values are refused at plan time, not cut.
const I32_MAX: i64 = i32::MAX as i64;

const CAPACITY_OPTION_TYPES: &[&str] = &["ON_DEMAND", "SPOT", "RESERVED"];
const MONITORING: &[&str] = &["BASIC", "DETAILED"];
const PROPAGATE_TAGS: &[&str] = &["CAPACITY_PROVIDER", "NONE"];
const INCLUSION: &[&str] = &["included", "excluded", "required"];

/// The set arguments of `instance_requirements` that take a closed set of values (the SDK's
/// enums, which the provider checks against).
/// Instance type lists of `instance_requirements`: at most 400 names or patterns (`m5.*`).
const INSTANCE_TYPE_SETS: &[&str] = &["allowed_instance_types", "excluded_instance_types"];
const MAX_INSTANCE_TYPES: usize = 400;
const MAX_INSTANCE_TYPE_LENGTH: usize = 30;

/// The `{ min max }` blocks of `instance_requirements` that hold fractions, each at least 0.
const FRACTION_RANGES: &[&str] =
    &["memory_gib_per_vcpu", "network_bandwidth_gbps", "total_local_storage_gb"];

pub type AwsEcsCapacityProvider = ObjectType<CapacityProviderObject>;

pub struct CapacityProviderObject;

fn one_of(name: &'static str, options: &'static [&'static str]) -> Attribute {
    Attribute::optional(name, Type::String).check(Check::OneOf(options))
}

fn string_set(name: &'static str) -> Attribute {
    Attribute::optional(name, Type::set(Type::String))
}

/// An optional whole number that reads 0 when unset, as the provider stores it.
fn zero_when_unset(name: &'static str, low: i64) -> Attribute {
    Attribute::optional(name, Type::Number)
        .default(Value::Number(0.0))
        .check(Check::Range(low, I32_MAX))
}

/// A `{ min max }` block of whole numbers, each at least `low`; `min_required` for the
/// provider's required `vcpu_count` and `memory_mib` minimums.
fn whole_range(low: i64, min_required: bool) -> Schema {
    let min = if min_required {
        Attribute::required("min", Type::Number).check(Check::Range(low, I32_MAX))
    } else {
        zero_when_unset("min", low)
    };
    Schema::new().attr(zero_when_unset("max", low)).attr(min)
}

/// A `{ min max }` block of fractions (at least 0, checked in `validate`).
fn fraction_range() -> Schema {
    let bound =
        |name: &'static str| Attribute::optional(name, Type::Number).default(Value::Number(0.0));
    Schema::new().attr(bound("max")).attr(bound("min"))
}

fn instance_requirements_schema() -> Schema {
    Schema::new()
        .block(Block::single("accelerator_count", whole_range(0, false)))
        .attr(string_set("accelerator_manufacturers").check(Check::OneOf(&[
            "amazon-web-services",
            "amd",
            "habana",
            "nvidia",
            "xilinx",
        ])))
        .attr(string_set("accelerator_names").check(Check::OneOf(&[
            "a100",
            "a10g",
            "h100",
            "inferentia",
            "k520",
            "k80",
            "m60",
            "radeon-pro-v520",
            "t4",
            "t4g",
            "v100",
            "vu9p",
        ])))
        .block(Block::single("accelerator_total_memory_mib", whole_range(0, false)))
        .attr(string_set("accelerator_types").check(Check::OneOf(&["fpga", "gpu", "inference"])))
        .attr(
            string_set("allowed_instance_types")
                .check(Check::Length(1, MAX_INSTANCE_TYPE_LENGTH))
                .check(INSTANCE_TYPE),
        )
        .attr(one_of("bare_metal", INCLUSION))
        .block(Block::single("baseline_ebs_bandwidth_mbps", whole_range(0, false)))
        .attr(one_of("burstable_performance", INCLUSION))
        .attr(string_set("cpu_manufacturers").check(Check::OneOf(&[
            "amazon-web-services",
            "amd",
            "intel",
        ])))
        .attr(
            string_set("excluded_instance_types")
                .check(Check::Length(1, MAX_INSTANCE_TYPE_LENGTH))
                .check(INSTANCE_TYPE),
        )
        .attr(string_set("instance_generations").check(Check::OneOf(&["current", "previous"])))
        .attr(one_of("local_storage", INCLUSION))
        .attr(string_set("local_storage_types").check(Check::OneOf(&["hdd", "ssd"])))
        .attr(zero_when_unset("max_spot_price_as_percentage_of_optimal_on_demand_price", 0))
        .block(Block::single("memory_gib_per_vcpu", fraction_range()))
        .block(Block::single("memory_mib", whole_range(1, true)).required())
        .block(Block::single("network_bandwidth_gbps", fraction_range()))
        .block(Block::single("network_interface_count", whole_range(1, false)))
        .attr(zero_when_unset("on_demand_max_price_percentage_over_lowest_price", 0))
        .attr(
            Attribute::optional("require_hibernate_support", Type::Bool)
                .default(Value::Bool(false)),
        )
        .attr(zero_when_unset("spot_max_price_percentage_over_lowest_price", 0))
        .block(Block::single("total_local_storage_gb", fraction_range()))
        .block(Block::single("vcpu_count", whole_range(1, true)).required())
}

fn instance_launch_template_schema() -> Schema {
    Schema::new()
        .attr(
            Attribute::optional_computed("capacity_option_type", Type::String)
                .force_new()
                .check(Check::OneOf(CAPACITY_OPTION_TYPES)),
        )
        .attr(Attribute::required("ec2_instance_profile_arn", Type::String).check(ARN))
        .block(Block::single("instance_requirements", instance_requirements_schema()))
        .block(Block::single(
            "local_storage_configuration",
            Schema::new().attr(Attribute::required("use_local_storage", Type::Bool)),
        ))
        .attr(one_of("monitoring", MONITORING))
        .block(
            Block::single(
                "network_configuration",
                Schema::new()
                    .attr(string_set("security_groups"))
                    .attr(Attribute::required("subnets", Type::set(Type::String))),
            )
            .required(),
        )
        .block(Block::single(
            "storage_configuration",
            Schema::new().attr(
                Attribute::required("storage_size_gib", Type::Number)
                    .check(Check::Range(1, I32_MAX)),
            ),
        ))
}

fn managed_instances_provider_schema() -> Schema {
    Schema::new()
        .block(Block::single(
            "infrastructure_optimization",
            Schema::new().attr(
                Attribute::optional("scale_in_after", Type::Number)
                    .default(Value::Number(0.0))
                    .check(Check::Range(-1, 3600)),
            ),
        ))
        .attr(Attribute::required("infrastructure_role_arn", Type::String).check(ARN))
        .block(
            Block::single("instance_launch_template", instance_launch_template_schema()).required(),
        )
        .attr(one_of("propagate_tags", PROPAGATE_TAGS))
}

/// The `auto_scaling_group_provider` block: its group is fixed, the rest changes in place.
fn auto_scaling_group_provider_schema() -> Schema {
    let managed_scaling = Schema::new()
        .attr(
            Attribute::optional_computed("instance_warmup_period", Type::Number)
                .check(Check::Range(0, 10_000)),
        )
        .attr(
            Attribute::optional_computed("maximum_scaling_step_size", Type::Number)
                .check(Check::Range(1, 10_000)),
        )
        .attr(
            Attribute::optional_computed("minimum_scaling_step_size", Type::Number)
                .check(Check::Range(1, 10_000)),
        )
        .attr(Attribute::optional_computed("status", Type::String).check(ENABLED_OR_DISABLED))
        .attr(
            Attribute::optional_computed("target_capacity", Type::Number)
                .check(Check::Range(1, 100)),
        );
    Schema::new()
        .attr(Attribute::required("auto_scaling_group_arn", Type::String).force_new().check(ARN))
        .attr(
            Attribute::optional_computed("managed_draining", Type::String)
                .check(ENABLED_OR_DISABLED),
        )
        .attr(
            Attribute::optional_computed("managed_termination_protection", Type::String)
                .check(ENABLED_OR_DISABLED),
        )
        .block(Block::single("managed_scaling", managed_scaling).computed())
}

/// Active capacity providers by the name or ARN asked for, with their tags; `cluster` narrows
/// the look-up to one cluster's providers (where a managed instances provider's name is known).
async fn describe(
    this: &AwsEcsCapacityProvider,
    keys: &[String],
    cluster: Option<&str>,
) -> Result<BTreeMap<String, Tagged<CapacityProvider>>, ProviderError> {
    let client = &this.aws.clients().await.ecs;
    let mut found = BTreeMap::new();
    for chunk in keys.chunks(PROVIDERS_PER_CALL) {
        let mut next_token: Option<String> = None;
        loop {
            let response = sent!(client
                .describe_capacity_providers()
                .set_capacity_providers(Some(chunk.to_vec()))
                .set_cluster(cluster.map(str::to_string))
                .include(CapacityProviderField::Tags)
                .set_next_token(next_token.clone()))?;
            active_by_key(
                &mut found,
                chunk,
                response.capacity_providers(),
                |provider| provider.status().map(|s| s.as_str()),
                [CapacityProvider::name, CapacityProvider::capacity_provider_arn],
            );
            // A page holds at most 10 providers when AWS pages the answer.
            match response.next_token().filter(|token| !token.is_empty()) {
                Some(token) if next_token.as_deref() != Some(token) => {
                    next_token = Some(token.to_string());
                }
                _ => break,
            }
        }
    }
    Ok(with_tags(found, CapacityProvider::tags))
}

/// Waits while AWS applies an update (`updateStatus` UPDATE_IN_PROGRESS).
async fn wait_for_update(this: &AwsEcsCapacityProvider, arn: &str) -> Result<(), ProviderError> {
    let key = arn.to_string();
    wait_for("the ECS capacity provider update", UPDATE_TIMEOUT, || async {
        let found = describe(this, std::slice::from_ref(&key), None).await?;
        let provider =
            &found.get(&key).ok_or_else(|| vanished("ECS capacity provider", &key))?.object;
        match provider.update_status().map(|s| s.as_str()) {
            Some("UPDATE_IN_PROGRESS") => Ok(None),
            Some("UPDATE_FAILED") => Err(ProviderError::with_code(
                "UPDATE_FAILED",
                format!(
                    "updating ECS capacity provider {key}: {}",
                    provider.update_status_reason().unwrap_or("AWS gave no reason")
                ),
            )),
            _ => Ok(Some(())),
        }
    })
    .await
}

// ---- Auto Scaling group provider ----

fn managed_scaling_to_sdk(group: &Value) -> Option<ManagedScaling> {
    single(group, "managed_scaling").map(|scaling| {
        ManagedScaling::builder()
            .set_instance_warmup_period(int(scaling, "instance_warmup_period"))
            .set_maximum_scaling_step_size(int(scaling, "maximum_scaling_step_size"))
            .set_minimum_scaling_step_size(int(scaling, "minimum_scaling_step_size"))
            .set_status(string(scaling, "status").map(|s| ManagedScalingStatus::from(s.as_str())))
            .set_target_capacity(int(scaling, "target_capacity"))
            .build()
    })
}

fn termination_protection(group: &Value) -> Option<ManagedTerminationProtection> {
    string(group, "managed_termination_protection")
        .map(|p| ManagedTerminationProtection::from(p.as_str()))
}

fn draining(group: &Value) -> Option<ManagedDraining> {
    string(group, "managed_draining").map(|d| ManagedDraining::from(d.as_str()))
}

fn group_of(group: &Value) -> Result<AutoScalingGroupProvider, ProviderError> {
    AutoScalingGroupProvider::builder()
        .set_auto_scaling_group_arn(string(group, "auto_scaling_group_arn"))
        .set_managed_scaling(managed_scaling_to_sdk(group))
        .set_managed_termination_protection(termination_protection(group))
        .set_managed_draining(draining(group))
        .build()
        .map_err(|e| ProviderError::new(format!("auto_scaling_group_provider: {e}")))
}

fn group_update_of(group: &Value) -> AutoScalingGroupProviderUpdate {
    AutoScalingGroupProviderUpdate::builder()
        .set_managed_scaling(managed_scaling_to_sdk(group))
        .set_managed_termination_protection(termination_protection(group))
        .set_managed_draining(draining(group))
        .build()
}

fn group_value(group: &AutoScalingGroupProvider) -> Value {
    let scaling = group
        .managed_scaling()
        .map(|scaling| {
            Value::map([
                ("instance_warmup_period", number(scaling.instance_warmup_period().map(i64::from))),
                (
                    "maximum_scaling_step_size",
                    number(scaling.maximum_scaling_step_size().map(i64::from)),
                ),
                (
                    "minimum_scaling_step_size",
                    number(scaling.minimum_scaling_step_size().map(i64::from)),
                ),
                ("status", text(scaling.status().map(|s| s.as_str()))),
                ("target_capacity", number(scaling.target_capacity().map(i64::from))),
            ])
        })
        .into_iter()
        .collect();
    Value::map([
        ("auto_scaling_group_arn", Value::string(group.auto_scaling_group_arn())),
        ("managed_draining", text(group.managed_draining().map(|d| d.as_str()))),
        (
            "managed_termination_protection",
            text(group.managed_termination_protection().map(|p| p.as_str())),
        ),
        ("managed_scaling", Value::List(scaling)),
    ])
}

// ---- Managed instances provider: the requests ----

/// A whole number above 0: the provider sends range bounds, percentages and the storage size
/// only then (0 is its "unset").
fn positive(value: &Value, key: &str) -> Option<i32> {
    int(value, key).filter(|n| *n > 0)
}

/// A fraction above 0, sent only then (as `positive`).
fn positive_fraction(value: &Value, key: &str) -> Option<f64> {
    value.get(key).as_f64().filter(|n| *n > 0.0)
}

/// The strings of a list or set attribute; `None` (not sent) when there are none.
fn listed(value: &Value, key: &str) -> Option<Vec<String>> {
    let items = strings(value, key);
    (!items.is_empty()).then_some(items)
}

/// A set of enum values; `None` (not sent) when empty.
fn enums<T: for<'a> From<&'a str>>(value: &Value, key: &str) -> Option<Vec<T>> {
    listed(value, key).map(|items| items.iter().map(|item| T::from(item.as_str())).collect())
}

/// An accelerator range's bounds: `min` always (0 when unset), `max` when it is at least `min`,
/// so an unset `max` (stored 0) does not ask for "no accelerators" above a set `min`.
fn accelerator_bounds(range: &Value) -> (Option<i32>, Option<i32>) {
    let min = int(range, "min").unwrap_or(0);
    let max = int(range, "max").filter(|max| *max >= min);
    (Some(min), max)
}

fn instance_requirements_of(
    requirements: &Value,
) -> Result<InstanceRequirementsRequest, ProviderError> {
    let vcpu_count = single(requirements, "vcpu_count")
        .map(|range| {
            VCpuCountRangeRequest::builder()
                .set_min(int(range, "min"))
                .set_max(positive(range, "max"))
                .build()
                .map_err(|e| ProviderError::new(format!("vcpu_count: {e}")))
        })
        .transpose()?;
    let memory_mib = single(requirements, "memory_mib")
        .map(|range| {
            MemoryMiBRequest::builder()
                .set_min(int(range, "min"))
                .set_max(positive(range, "max"))
                .build()
                .map_err(|e| ProviderError::new(format!("memory_mib: {e}")))
        })
        .transpose()?;
    Ok(InstanceRequirementsRequest::builder()
        .set_accelerator_count(single(requirements, "accelerator_count").map(|range| {
            let (min, max) = accelerator_bounds(range);
            AcceleratorCountRequest::builder().set_min(min).set_max(max).build()
        }))
        .set_accelerator_manufacturers(enums(requirements, "accelerator_manufacturers"))
        .set_accelerator_names(enums(requirements, "accelerator_names"))
        .set_accelerator_total_memory_mib(single(requirements, "accelerator_total_memory_mib").map(
            |range| {
                let (min, max) = accelerator_bounds(range);
                AcceleratorTotalMemoryMiBRequest::builder().set_min(min).set_max(max).build()
            },
        ))
        .set_accelerator_types(enums(requirements, "accelerator_types"))
        .set_allowed_instance_types(listed(requirements, "allowed_instance_types"))
        .set_bare_metal(non_empty(requirements, "bare_metal").map(|v| BareMetal::from(v.as_str())))
        .set_baseline_ebs_bandwidth_mbps(single(requirements, "baseline_ebs_bandwidth_mbps").map(
            |range| {
                BaselineEbsBandwidthMbpsRequest::builder()
                    .set_min(positive(range, "min"))
                    .set_max(positive(range, "max"))
                    .build()
            },
        ))
        .set_burstable_performance(
            non_empty(requirements, "burstable_performance")
                .map(|v| BurstablePerformance::from(v.as_str())),
        )
        .set_cpu_manufacturers(enums(requirements, "cpu_manufacturers"))
        .set_excluded_instance_types(listed(requirements, "excluded_instance_types"))
        .set_instance_generations(enums(requirements, "instance_generations"))
        .set_local_storage(
            non_empty(requirements, "local_storage").map(|v| LocalStorage::from(v.as_str())),
        )
        .set_local_storage_types(enums(requirements, "local_storage_types"))
        .set_max_spot_price_as_percentage_of_optimal_on_demand_price(positive(
            requirements,
            "max_spot_price_as_percentage_of_optimal_on_demand_price",
        ))
        .set_memory_gib_per_v_cpu(single(requirements, "memory_gib_per_vcpu").map(|range| {
            MemoryGiBPerVCpuRequest::builder()
                .set_min(positive_fraction(range, "min"))
                .set_max(positive_fraction(range, "max"))
                .build()
        }))
        .set_memory_mib(memory_mib)
        .set_network_bandwidth_gbps(single(requirements, "network_bandwidth_gbps").map(|range| {
            NetworkBandwidthGbpsRequest::builder()
                .set_min(positive_fraction(range, "min"))
                .set_max(positive_fraction(range, "max"))
                .build()
        }))
        .set_network_interface_count(single(requirements, "network_interface_count").map(|range| {
            NetworkInterfaceCountRequest::builder()
                .set_min(positive(range, "min"))
                .set_max(positive(range, "max"))
                .build()
        }))
        .set_on_demand_max_price_percentage_over_lowest_price(positive(
            requirements,
            "on_demand_max_price_percentage_over_lowest_price",
        ))
        .set_require_hibernate_support(boolean(requirements, "require_hibernate_support"))
        .set_spot_max_price_percentage_over_lowest_price(positive(
            requirements,
            "spot_max_price_percentage_over_lowest_price",
        ))
        .set_total_local_storage_gb(single(requirements, "total_local_storage_gb").map(|range| {
            TotalLocalStorageGbRequest::builder()
                .set_min(positive_fraction(range, "min"))
                .set_max(positive_fraction(range, "max"))
                .build()
        }))
        .set_v_cpu_count(vcpu_count)
        .build())
}

fn network_of(network: &Value) -> ManagedInstancesNetworkConfiguration {
    ManagedInstancesNetworkConfiguration::builder()
        .set_security_groups(listed(network, "security_groups"))
        .set_subnets(listed(network, "subnets"))
        .build()
}

fn storage_of(storage: &Value) -> ManagedInstancesStorageConfiguration {
    ManagedInstancesStorageConfiguration::builder()
        .set_storage_size_gib(positive(storage, "storage_size_gib"))
        .build()
}

fn local_storage_of(local: &Value) -> ManagedInstancesLocalStorageConfiguration {
    ManagedInstancesLocalStorageConfiguration::builder()
        .set_use_local_storage(boolean(local, "use_local_storage"))
        .build()
}

fn monitoring_of(template: &Value) -> Option<ManagedInstancesMonitoringOptions> {
    non_empty(template, "monitoring").map(|m| ManagedInstancesMonitoringOptions::from(m.as_str()))
}

/// The launch template settings CreateCapacityProvider and UpdateCapacityProvider share, set on
/// either's builder (`?` returns a bad `instance_requirements`).
macro_rules! with_launch_template_settings {
    ($builder:expr, $template:expr) => {
        $builder
            .set_ec2_instance_profile_arn(non_empty($template, "ec2_instance_profile_arn"))
            .set_instance_requirements(
                single($template, "instance_requirements")
                    .map(instance_requirements_of)
                    .transpose()?,
            )
            .set_local_storage_configuration(
                single($template, "local_storage_configuration").map(local_storage_of),
            )
            .set_monitoring(monitoring_of($template))
            .set_network_configuration(single($template, "network_configuration").map(network_of))
            .set_storage_configuration(single($template, "storage_configuration").map(storage_of))
    };
}

/// The launch template CreateCapacityProvider takes.
fn launch_template_of(template: &Value) -> Result<InstanceLaunchTemplate, ProviderError> {
    let builder = InstanceLaunchTemplate::builder().set_capacity_option_type(
        non_empty(template, "capacity_option_type")
            .map(|option| CapacityOptionType::from(option.as_str())),
    );
    with_launch_template_settings!(builder, template)
        .build()
        .map_err(|e| ProviderError::new(format!("instance_launch_template: {e}")))
}

/// The launch template UpdateCapacityProvider takes: all but `capacity_option_type`, which
/// cannot change in place.
fn launch_template_update_of(
    template: &Value,
) -> Result<InstanceLaunchTemplateUpdate, ProviderError> {
    Ok(with_launch_template_settings!(InstanceLaunchTemplateUpdate::builder(), template).build())
}

fn optimization_of(optimization: &Value) -> InfrastructureOptimization {
    InfrastructureOptimization::builder()
        .set_scale_in_after(int(optimization, "scale_in_after"))
        .build()
}

fn propagate_tags_of(provider: &Value) -> Option<PropagateMiTags> {
    non_empty(provider, "propagate_tags").map(|p| PropagateMiTags::from(p.as_str()))
}

/// The `managedInstancesProvider` of CreateCapacityProvider and UpdateCapacityProvider from a
/// `managed_instances_provider` block, built on either's builder with its launch template.
macro_rules! managed_instances_provider {
    ($builder:expr, $provider:expr, $launch_template:expr) => {
        $builder
            .set_infrastructure_optimization(
                single($provider, "infrastructure_optimization").map(optimization_of),
            )
            .set_infrastructure_role_arn(non_empty($provider, "infrastructure_role_arn"))
            .set_instance_launch_template(
                single($provider, "instance_launch_template").map($launch_template).transpose()?,
            )
            .set_propagate_tags(propagate_tags_of($provider))
            .build()
            .map_err(|e| ProviderError::new(format!("managed_instances_provider: {e}")))
    };
}

/// CreateCapacityProvider's `managedInstancesProvider` from a `managed_instances_provider` block.
fn managed_instances_provider_of(
    provider: &Value,
) -> Result<CreateManagedInstancesProviderConfiguration, ProviderError> {
    let builder = CreateManagedInstancesProviderConfiguration::builder();
    managed_instances_provider!(builder, provider, launch_template_of)
}

/// UpdateCapacityProvider's `managedInstancesProvider` from a `managed_instances_provider` block.
fn managed_instances_update_of(
    provider: &Value,
) -> Result<UpdateManagedInstancesProviderConfiguration, ProviderError> {
    let builder = UpdateManagedInstancesProviderConfiguration::builder();
    managed_instances_provider!(builder, provider, launch_template_update_of)
}

// ---- Managed instances provider: the answer read back ----

/// A block read back: one object, or none.
fn block_of(object: Option<Value>) -> Value {
    Value::List(object.into_iter().collect())
}

/// A whole number AWS may leave out, as the provider stores it (0).
fn whole(n: Option<i32>) -> Value {
    Value::Number(f64::from(n.unwrap_or(0)))
}

/// A fraction AWS may leave out, as the provider stores it (0).
fn fraction(n: Option<f64>) -> Value {
    Value::Number(n.unwrap_or(0.0))
}

/// A `{min, max}` block of whole numbers read back, none where AWS reports none.
fn whole_block(range: Option<(Option<i32>, Option<i32>)>) -> Value {
    block_of(range.map(|(min, max)| Value::map([("max", whole(max)), ("min", whole(min))])))
}

/// A `{min, max}` block of fractions read back, none where AWS reports none.
fn fraction_block(range: Option<(Option<f64>, Option<f64>)>) -> Value {
    block_of(range.map(|(min, max)| Value::map([("max", fraction(max)), ("min", fraction(min))])))
}

fn instance_requirements_value(r: &InstanceRequirementsRequest) -> Value {
    Value::map([
        ("accelerator_count", whole_block(r.accelerator_count().map(|c| (c.min(), c.max())))),
        ("accelerator_manufacturers", string_list(r.accelerator_manufacturers())),
        ("accelerator_names", string_list(r.accelerator_names())),
        (
            "accelerator_total_memory_mib",
            whole_block(r.accelerator_total_memory_mib().map(|m| (m.min(), m.max()))),
        ),
        ("accelerator_types", string_list(r.accelerator_types())),
        ("allowed_instance_types", string_list(r.allowed_instance_types())),
        ("bare_metal", text(r.bare_metal().map(|b| b.as_str()))),
        (
            "baseline_ebs_bandwidth_mbps",
            whole_block(r.baseline_ebs_bandwidth_mbps().map(|b| (b.min(), b.max()))),
        ),
        ("burstable_performance", text(r.burstable_performance().map(|b| b.as_str()))),
        ("cpu_manufacturers", string_list(r.cpu_manufacturers())),
        ("excluded_instance_types", string_list(r.excluded_instance_types())),
        ("instance_generations", string_list(r.instance_generations())),
        ("local_storage", text(r.local_storage().map(|l| l.as_str()))),
        ("local_storage_types", string_list(r.local_storage_types())),
        (
            "max_spot_price_as_percentage_of_optimal_on_demand_price",
            whole(r.max_spot_price_as_percentage_of_optimal_on_demand_price()),
        ),
        (
            "memory_gib_per_vcpu",
            fraction_block(r.memory_gib_per_v_cpu().map(|m| (m.min(), m.max()))),
        ),
        ("memory_mib", whole_block(r.memory_mib().map(|m| (Some(m.min()), m.max())))),
        (
            "network_bandwidth_gbps",
            fraction_block(r.network_bandwidth_gbps().map(|n| (n.min(), n.max()))),
        ),
        (
            "network_interface_count",
            whole_block(r.network_interface_count().map(|n| (n.min(), n.max()))),
        ),
        (
            "on_demand_max_price_percentage_over_lowest_price",
            whole(r.on_demand_max_price_percentage_over_lowest_price()),
        ),
        ("require_hibernate_support", Value::Bool(r.require_hibernate_support().unwrap_or(false))),
        (
            "spot_max_price_percentage_over_lowest_price",
            whole(r.spot_max_price_percentage_over_lowest_price()),
        ),
        (
            "total_local_storage_gb",
            fraction_block(r.total_local_storage_gb().map(|t| (t.min(), t.max()))),
        ),
        ("vcpu_count", whole_block(r.v_cpu_count().map(|v| (Some(v.min()), v.max())))),
    ])
}

fn launch_template_value(template: &InstanceLaunchTemplate) -> Value {
    Value::map([
        ("capacity_option_type", text(template.capacity_option_type().map(|c| c.as_str()))),
        ("ec2_instance_profile_arn", Value::string(template.ec2_instance_profile_arn())),
        (
            "instance_requirements",
            block_of(template.instance_requirements().map(instance_requirements_value)),
        ),
        (
            "local_storage_configuration",
            block_of(template.local_storage_configuration().map(|local| {
                Value::map([("use_local_storage", Value::Bool(local.use_local_storage()))])
            })),
        ),
        ("monitoring", text(template.monitoring().map(|m| m.as_str()))),
        (
            "network_configuration",
            block_of(template.network_configuration().map(|network| {
                Value::map([
                    ("security_groups", string_list(network.security_groups())),
                    ("subnets", string_list(network.subnets())),
                ])
            })),
        ),
        (
            "storage_configuration",
            block_of(template.storage_configuration().map(|storage| {
                Value::map([("storage_size_gib", whole(storage.storage_size_gib()))])
            })),
        ),
    ])
}

/// The `managed_instances_provider` block from DescribeCapacityProviders' answer.
fn managed_instances_value(provider: &ManagedInstancesProvider) -> Value {
    Value::map([
        (
            "infrastructure_optimization",
            block_of(provider.infrastructure_optimization().map(|optimization| {
                Value::map([("scale_in_after", whole(optimization.scale_in_after()))])
            })),
        ),
        ("infrastructure_role_arn", text(provider.infrastructure_role_arn())),
        (
            "instance_launch_template",
            block_of(provider.instance_launch_template().map(launch_template_value)),
        ),
        ("propagate_tags", text(provider.propagate_tags().map(|p| p.as_str()))),
    ])
}

// ---- Plan-time checks ----

/// How many blocks of `key` the configuration has; `None` while that is unknown (a dynamic
/// block over a collection known only after apply).
fn block_count(config: &Value, key: &str) -> Option<usize> {
    let value = config.get(key);
    if value.is_unknown() {
        return None;
    }
    Some(value.as_list().map_or(0, |items| items.len()))
}

/// An instance type or pattern (`m5.*`) of `instance_requirements`' lists: the provider's
/// `validation.All` of `StringLenBetween(1, 30)` and this `StringMatch`.
const INSTANCE_TYPE: Check = Check::Matches(Pattern {
    expression: r"^[a-zA-Z0-9\.\*\-]+$",
    test: |text| {
        !text.is_empty()
            && text.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '*' | '-'))
    },
    message: "must contain only alphanumeric characters, dots, asterisks, and hyphens",
});

/// The checks of an `instance_requirements` block that the schema cannot express: the size of
/// its instance type lists, and its fractions (at least 0).
fn requirements_problems(requirements: &Value, at: &str, problems: &mut Vec<(String, String)>) {
    for key in INSTANCE_TYPE_SETS {
        let items = requirements.get(key).as_list().unwrap_or(&[]);
        if items.len() > MAX_INSTANCE_TYPES {
            problems.push((
                format!("{at}.{key}"),
                format!(
                    "Too many \"{key}\" values: at most {MAX_INSTANCE_TYPES} are allowed, got {}.",
                    items.len()
                ),
            ));
        }
    }
    for key in FRACTION_RANGES {
        for (i, range) in blocks(requirements, key).iter().enumerate() {
            for bound in ["max", "min"] {
                if let Some(n) = range.get(bound).as_f64().filter(|n| *n < 0.0) {
                    problems.push((
                        format!("{at}.{key}[{i}].{bound}"),
                        format!("expected {bound} to be at least (0.000000), got {n:.6}"),
                    ));
                }
            }
        }
    }
}

/// The changed paths that replace the capacity provider beyond the schema's `force_new`:
/// adding or removing a provider block (the provider's `ForceNew` on the blocks, which
/// Terraform applies to their count only).
fn replacing_paths(changed: &[String]) -> Vec<String> {
    changed
        .iter()
        .filter(|path| {
            path.as_str() == "auto_scaling_group_provider"
                || path.as_str() == "managed_instances_provider"
        })
        .cloned()
        .collect()
}

fn is_update_in_progress(error: &ProviderError) -> bool {
    error.code.as_deref() == Some("UpdateInProgressException")
}

/// Refresh reads by the ARN (the import ID, which may be a name: DescribeCapacityProviders
/// takes both).
impl AwsObject for CapacityProviderObject {
    type Object = CapacityProvider;
    const NAME: &'static str = "aws_ecs_capacity_provider";
    const KIND: &'static str = "ECS capacity provider";
    const KEY: &'static str = "arn";

    /// The attributes in the schema's order, each read from DescribeCapacityProviders' answer.
    /// Neither provider block is `force_new` as a whole: infra would then replace on any change
    /// inside it, while the provider replaces only when one is added or removed
    /// (`replacing_changes`) and changes the rest in place.
    fn attributes() -> Vec<Declared<CapacityProvider>> {
        let arn = |provider: &CapacityProvider, _: &Reading| {
            Value::string(provider.capacity_provider_arn().unwrap_or_default())
        };
        vec![
            read(Attribute::computed("id", Type::String), arn),
            read(Attribute::computed("arn", Type::String), arn),
            declared::string(
                Attribute::required("name", Type::String).force_new(),
                CapacityProvider::name,
            ),
            declared::string(
                cluster_name_checks(Attribute::optional("cluster", Type::String).force_new()),
                CapacityProvider::cluster,
            ),
            read_block(
                Block::single("auto_scaling_group_provider", auto_scaling_group_provider_schema()),
                |provider: &CapacityProvider, _: &Reading| {
                    block_of(provider.auto_scaling_group_provider().map(group_value))
                },
            ),
            read_block(
                Block::single("managed_instances_provider", managed_instances_provider_schema()),
                |provider: &CapacityProvider, _: &Reading| {
                    block_of(provider.managed_instances_provider().map(managed_instances_value))
                },
            ),
        ]
    }

    /// The provider's CustomizeDiff (exactly one provider block; `cluster` with managed
    /// instances only, first problem only, as it returns) and its value checks.
    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let groups = block_count(config, "auto_scaling_group_provider");
        let instances = block_count(config, "managed_instances_provider");
        let cluster = config.get("cluster");
        let cluster_set = !cluster.is_null() && cluster.as_str() != Some("");
        let problem = match (groups, instances) {
            (Some(0), Some(0)) => Some((
                "auto_scaling_group_provider",
                "exactly one of auto_scaling_group_provider or managed_instances_provider must \
                 be specified",
            )),
            (Some(groups), Some(instances)) if groups > 0 && instances > 0 => Some((
                "managed_instances_provider",
                "only one of auto_scaling_group_provider or managed_instances_provider must be \
                 specified",
            )),
            _ if instances.unwrap_or(0) > 0 && !cluster_set => {
                Some(("cluster", "cluster is required when using managed_instances_provider"))
            }
            _ if groups.unwrap_or(0) > 0 && cluster_set => {
                Some(("cluster", "cluster must not be set when using auto_scaling_group_provider"))
            }
            _ => None,
        };
        if let Some((path, message)) = problem {
            problems.push((path.to_string(), message.to_string()));
        }
        for (i, provider) in blocks(config, "managed_instances_provider").iter().enumerate() {
            let at = format!("managed_instances_provider[{i}]");
            for (j, template) in blocks(provider, "instance_launch_template").iter().enumerate() {
                let at = format!("{at}.instance_launch_template[{j}]");
                for (k, requirements) in
                    blocks(template, "instance_requirements").iter().enumerate()
                {
                    let at = format!("{at}.instance_requirements[{k}]");
                    requirements_problems(requirements, &at, &mut problems);
                }
            }
        }
        problems
    }

    fn replacing_changes(
        _this: &ObjectType<Self>,
        _prior: &Value,
        _planned: &Value,
        changed: &[String],
    ) -> Vec<String> {
        replacing_paths(changed)
    }

    async fn describe(
        this: &ObjectType<Self>,
        keys: &[String],
    ) -> DescribeResult<CapacityProvider> {
        describe(this, keys, None).await
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let name = string(at.planned, "name").ok_or_else(|| {
            ProviderError::new("aws_ecs_capacity_provider needs a known \"name\"")
        })?;
        let group = single(at.planned, "auto_scaling_group_provider").map(group_of).transpose()?;
        let instances = single(at.planned, "managed_instances_provider")
            .map(managed_instances_provider_of)
            .transpose()?;
        let response = sent!(at
            .this
            .aws
            .clients()
            .await
            .ecs
            .create_capacity_provider()
            .name(&name)
            .set_cluster(non_empty(at.planned, "cluster"))
            .set_auto_scaling_group_provider(group)
            .set_managed_instances_provider(instances)
            .set_tags(Some(tags_to_sdk(&at.operation.tags_with_managed(at.planned)))))?;
        let arn = response.capacity_provider().and_then(CapacityProvider::capacity_provider_arn);
        created_arn(arn, "ECS capacity provider", &name)
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.ecs;
        let providers = ["auto_scaling_group_provider", "managed_instances_provider"];
        let settings_changed =
            providers.iter().any(|key| single(at.prior, key) != single(at.planned, key));
        if settings_changed {
            // As the provider: the whole configured block, and the cluster a managed instances
            // provider belongs to.
            let name = string(at.planned, "name").unwrap_or_else(|| at.key.to_string());
            let cluster = non_empty(at.planned, "cluster");
            let group = single(at.planned, "auto_scaling_group_provider").map(group_update_of);
            let instances = single(at.planned, "managed_instances_provider")
                .map(managed_instances_update_of)
                .transpose()?;
            retry_while(UPDATE_TIMEOUT, is_update_in_progress, || {
                let request = client
                    .update_capacity_provider()
                    .name(&name)
                    .set_cluster(cluster.clone())
                    .set_auto_scaling_group_provider(group.clone())
                    .set_managed_instances_provider(instances.clone());
                async move { sent!(request) }
            })
            .await?;
            wait_for_update(at.this, at.key).await?;
        }
        update_tags(client, at.key, at.prior, at.planned).await?;
        Ok(at.key.to_string())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        // A managed instances provider is cluster-scoped: it is deleted from its cluster.
        match sent!(at
            .this
            .aws
            .clients()
            .await
            .ecs
            .delete_capacity_provider()
            .capacity_provider(at.key)
            .set_cluster(non_empty(at.prior, "cluster")))
        {
            Ok(_) => {}
            Err(error) if is_not_found(&error) => return Ok(()),
            Err(error) => return Err(error),
        }
        // Deprovisioning is asynchronous; the name is free again once it is gone.
        wait_for(
            "the ECS capacity provider to be deleted",
            Duration::from_secs(20 * 60),
            || async {
                let remaining = describe(at.this, &[at.key.to_string()], None).await?;
                Ok(remaining.is_empty().then_some(()))
            },
        )
        .await
    }

    /// Names are unique in a region (a managed instances provider's in its cluster, where it
    /// is looked up); ours carries the managed tags.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<CapacityProvider> {
        let Some(name) = string(at.planned, "name") else {
            return Ok(None);
        };
        let cluster = non_empty(at.planned, "cluster");
        let mut found = describe(at.this, std::slice::from_ref(&name), cluster.as_deref()).await?;
        Ok(found.remove(&name).filter(|provider| has_managed_tags(&provider.tags, at.operation)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecs_support::tags_from_sdk;
    use crate::Aws;
    use infra_core::ResourceType;

    /// The value read back from a described provider (its tags included).
    fn to_value(provider: &CapacityProvider) -> Value {
        let tags = tags_from_sdk(provider.tags());
        let found = Tagged { object: provider.clone(), tags };
        crate::aws_object::value_of::<CapacityProviderObject>(&found, &Value::Null)
    }

    const ROLE: &str = "arn:aws:iam::123456789012:role/ecs-infrastructure";
    const PROFILE: &str = "arn:aws:iam::123456789012:instance-profile/ecs-instance";
    const GROUP: &str = "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:\
                         0b1c2d3e-aaaa-bbbb-cccc-1234567890ab:autoScalingGroupName/app";

    fn resource() -> AwsEcsCapacityProvider {
        AwsEcsCapacityProvider::new(Aws::new(crate::ProviderSettings::default()))
    }

    fn list(items: &[&str]) -> Value {
        string_list(items.iter())
    }

    fn owned(items: &[&str]) -> Vec<String> {
        items.iter().map(|item| item.to_string()).collect()
    }

    fn block(object: Value) -> Value {
        Value::List(vec![object])
    }

    fn range(min: f64, max: f64) -> Value {
        Value::map([("max", Value::Number(max)), ("min", Value::Number(min))])
    }

    /// An `instance_requirements` block with every argument set away from its zero value.
    fn full_requirements() -> Value {
        Value::map([
            ("accelerator_count", block(range(1.0, 2.0))),
            ("accelerator_manufacturers", list(&["nvidia"])),
            ("accelerator_names", list(&["t4", "a10g"])),
            ("accelerator_total_memory_mib", block(range(1024.0, 32768.0))),
            ("accelerator_types", list(&["gpu"])),
            ("allowed_instance_types", list(&["g5.*", "g4dn.xlarge"])),
            ("bare_metal", Value::string("excluded")),
            ("baseline_ebs_bandwidth_mbps", block(range(100.0, 10000.0))),
            ("burstable_performance", Value::string("excluded")),
            ("cpu_manufacturers", list(&["intel", "amd"])),
            ("excluded_instance_types", list(&[])),
            ("instance_generations", list(&["current"])),
            ("local_storage", Value::string("included")),
            ("local_storage_types", list(&["ssd"])),
            ("max_spot_price_as_percentage_of_optimal_on_demand_price", Value::Number(60.0)),
            ("memory_gib_per_vcpu", block(range(0.5, 8.0))),
            ("memory_mib", block(range(2048.0, 16384.0))),
            ("network_bandwidth_gbps", block(range(1.5, 25.0))),
            ("network_interface_count", block(range(1.0, 4.0))),
            ("on_demand_max_price_percentage_over_lowest_price", Value::Number(20.0)),
            ("require_hibernate_support", Value::Bool(true)),
            ("spot_max_price_percentage_over_lowest_price", Value::Number(30.0)),
            ("total_local_storage_gb", block(range(10.0, 500.0))),
            ("vcpu_count", block(range(2.0, 8.0))),
        ])
    }

    /// A planned `managed_instances_provider` block with every argument set.
    fn provider_with(requirements: Value) -> Value {
        let template = Value::map([
            ("capacity_option_type", Value::string("SPOT")),
            ("ec2_instance_profile_arn", Value::string(PROFILE)),
            ("instance_requirements", block(requirements)),
            (
                "local_storage_configuration",
                block(Value::map([("use_local_storage", Value::Bool(true))])),
            ),
            ("monitoring", Value::string("DETAILED")),
            (
                "network_configuration",
                block(Value::map([
                    ("security_groups", list(&["sg-1"])),
                    ("subnets", list(&["subnet-a", "subnet-b"])),
                ])),
            ),
            (
                "storage_configuration",
                block(Value::map([("storage_size_gib", Value::Number(50.0))])),
            ),
        ]);
        Value::map([
            (
                "infrastructure_optimization",
                block(Value::map([("scale_in_after", Value::Number(300.0))])),
            ),
            ("infrastructure_role_arn", Value::string(ROLE)),
            ("instance_launch_template", block(template)),
            ("propagate_tags", Value::string("CAPACITY_PROVIDER")),
        ])
    }

    fn full_provider() -> Value {
        provider_with(full_requirements())
    }

    /// The smallest block as planned: what is required, and the zero values the schema's
    /// defaults give the rest; the computed capacity option type is not known on create.
    fn minimal_provider() -> Value {
        let requirements = Value::map([
            ("accelerator_count", block(range(1.0, 0.0))),
            ("max_spot_price_as_percentage_of_optimal_on_demand_price", Value::Number(0.0)),
            ("memory_mib", block(range(1024.0, 0.0))),
            ("network_bandwidth_gbps", block(range(0.0, 0.0))),
            ("require_hibernate_support", Value::Bool(false)),
            ("vcpu_count", block(range(1.0, 0.0))),
        ]);
        Value::map([
            (
                "infrastructure_optimization",
                block(Value::map([("scale_in_after", Value::Number(0.0))])),
            ),
            ("infrastructure_role_arn", Value::string(ROLE)),
            (
                "instance_launch_template",
                block(Value::map([
                    ("capacity_option_type", Value::Unknown),
                    ("ec2_instance_profile_arn", Value::string(PROFILE)),
                    ("instance_requirements", block(requirements)),
                    (
                        "network_configuration",
                        block(Value::map([("subnets", list(&["subnet-a"]))])),
                    ),
                ])),
            ),
        ])
    }

    /// What DescribeCapacityProviders answers for a provider created with `request`.
    fn answer_for(
        request: &CreateManagedInstancesProviderConfiguration,
    ) -> ManagedInstancesProvider {
        ManagedInstancesProvider::builder()
            .infrastructure_role_arn(request.infrastructure_role_arn())
            .set_instance_launch_template(request.instance_launch_template().cloned())
            .set_propagate_tags(request.propagate_tags().cloned())
            .set_infrastructure_optimization(request.infrastructure_optimization().cloned())
            .build()
    }

    /// An `auto_scaling_group_provider` block of the group `arn`.
    fn group_provider(arn: &str) -> Value {
        block(Value::map([("auto_scaling_group_arn", Value::string(arn))]))
    }

    fn configured(entries: Vec<(&str, Value)>) -> Value {
        let mut config = vec![("name", Value::string("capacity"))];
        config.extend(entries);
        Value::map(config)
    }

    fn problem(path: &str, message: &str) -> (String, String) {
        (path.to_string(), message.to_string())
    }

    #[test]
    fn the_create_request_carries_every_managed_instances_argument() {
        let request = managed_instances_provider_of(&full_provider()).expect("request");
        assert_eq!(request.infrastructure_role_arn(), ROLE);
        assert_eq!(request.propagate_tags().map(|p| p.as_str()), Some("CAPACITY_PROVIDER"));
        assert_eq!(
            request.infrastructure_optimization().and_then(|o| o.scale_in_after()),
            Some(300)
        );
        let template = request.instance_launch_template().expect("launch template");
        assert_eq!(template.capacity_option_type().map(|c| c.as_str()), Some("SPOT"));
        assert_eq!(template.ec2_instance_profile_arn(), PROFILE);
        assert_eq!(template.monitoring().map(|m| m.as_str()), Some("DETAILED"));
        let network = template.network_configuration().expect("network");
        assert_eq!(network.subnets().to_vec(), owned(&["subnet-a", "subnet-b"]));
        assert_eq!(network.security_groups().to_vec(), owned(&["sg-1"]));
        assert_eq!(template.storage_configuration().and_then(|s| s.storage_size_gib()), Some(50));
        assert_eq!(
            template.local_storage_configuration().map(|l| l.use_local_storage()),
            Some(true)
        );
        let requirements = template.instance_requirements().expect("requirements");
        let vcpu = requirements.v_cpu_count().expect("vcpu_count");
        assert_eq!((vcpu.min(), vcpu.max()), (2, Some(8)));
        let memory = requirements.memory_mib().expect("memory_mib");
        assert_eq!((memory.min(), memory.max()), (2048, Some(16384)));
        let accelerators = requirements.accelerator_count().expect("accelerator_count");
        assert_eq!((accelerators.min(), accelerators.max()), (Some(1), Some(2)));
        assert_eq!(
            requirements.cpu_manufacturers().iter().map(|m| m.as_str()).collect::<Vec<_>>(),
            ["intel", "amd"]
        );
        assert_eq!(
            requirements.accelerator_names().iter().map(|n| n.as_str()).collect::<Vec<_>>(),
            ["t4", "a10g"]
        );
        assert_eq!(requirements.allowed_instance_types().to_vec(), owned(&["g5.*", "g4dn.xlarge"]));
        assert!(requirements.excluded_instance_types.is_none());
        assert_eq!(requirements.bare_metal().map(|b| b.as_str()), Some("excluded"));
        assert_eq!(requirements.memory_gib_per_v_cpu().and_then(|m| m.min()), Some(0.5));
        assert_eq!(requirements.network_bandwidth_gbps().and_then(|n| n.min()), Some(1.5));
        assert_eq!(requirements.require_hibernate_support(), Some(true));
        assert_eq!(requirements.spot_max_price_percentage_over_lowest_price(), Some(30));
        assert_eq!(
            requirements.max_spot_price_as_percentage_of_optimal_on_demand_price(),
            Some(60)
        );
    }

    #[test]
    fn zero_bounds_and_percentages_are_not_sent() {
        let request = managed_instances_provider_of(&minimal_provider()).expect("request");
        assert_eq!(request.propagate_tags(), None);
        // As the provider sends it: with its block, even at 0.
        assert_eq!(request.infrastructure_optimization().and_then(|o| o.scale_in_after()), Some(0));
        let template = request.instance_launch_template().expect("launch template");
        assert_eq!(template.capacity_option_type(), None);
        assert_eq!(template.monitoring(), None);
        assert!(template.storage_configuration().is_none());
        assert!(template.local_storage_configuration().is_none());
        let network = template.network_configuration().expect("network");
        assert!(network.security_groups.is_none());
        let requirements = template.instance_requirements().expect("requirements");
        assert_eq!(requirements.memory_mib().map(|m| (m.min(), m.max())), Some((1024, None)));
        assert_eq!(requirements.v_cpu_count().map(|v| (v.min(), v.max())), Some((1, None)));
        // The unset maximum (0) is below the minimum: not "no accelerators".
        assert_eq!(
            requirements.accelerator_count().map(|a| (a.min(), a.max())),
            Some((Some(1), None))
        );
        assert_eq!(
            requirements.network_bandwidth_gbps().map(|n| (n.min(), n.max())),
            Some((None, None))
        );
        assert_eq!(requirements.max_spot_price_as_percentage_of_optimal_on_demand_price(), None);
        assert_eq!(requirements.require_hibernate_support(), Some(false));
        assert!(requirements.cpu_manufacturers.is_none());
        assert!(requirements.allowed_instance_types.is_none());
    }

    #[test]
    fn the_update_request_carries_everything_but_the_capacity_option_type() {
        let request = managed_instances_update_of(&full_provider()).expect("request");
        assert_eq!(request.infrastructure_role_arn(), ROLE);
        assert_eq!(request.propagate_tags().map(|p| p.as_str()), Some("CAPACITY_PROVIDER"));
        assert_eq!(
            request.infrastructure_optimization().and_then(|o| o.scale_in_after()),
            Some(300)
        );
        let template = request.instance_launch_template().expect("launch template");
        assert_eq!(template.ec2_instance_profile_arn(), Some(PROFILE));
        assert_eq!(template.monitoring().map(|m| m.as_str()), Some("DETAILED"));
        assert_eq!(template.storage_configuration().and_then(|s| s.storage_size_gib()), Some(50));
        assert_eq!(template.network_configuration().map(|n| n.subnets().len()), Some(2));
        assert_eq!(
            template.instance_requirements().and_then(|r| r.v_cpu_count()).map(|v| v.min()),
            Some(2)
        );
        assert!(template.local_storage_configuration().is_some());
    }

    #[test]
    fn what_is_sent_reads_back_as_configured() {
        let configured = full_provider();
        let request = managed_instances_provider_of(&configured).expect("request");
        assert_eq!(managed_instances_value(&answer_for(&request)), configured);
    }

    #[test]
    fn what_aws_leaves_out_reads_as_the_providers_zero_values() {
        let requirements = InstanceRequirementsRequest::builder()
            .v_cpu_count(VCpuCountRangeRequest::builder().min(1).build().expect("vcpu"))
            .memory_mib(MemoryMiBRequest::builder().min(1024).build().expect("memory"))
            .build();
        let template = InstanceLaunchTemplate::builder()
            .ec2_instance_profile_arn(PROFILE)
            .network_configuration(
                ManagedInstancesNetworkConfiguration::builder().subnets("subnet-a").build(),
            )
            .instance_requirements(requirements)
            .build()
            .expect("template");
        let read = managed_instances_value(
            &ManagedInstancesProvider::builder()
                .infrastructure_role_arn(ROLE)
                .instance_launch_template(template)
                .build(),
        );
        assert_eq!(read.get("propagate_tags"), &Value::Null);
        assert_eq!(read.get("infrastructure_optimization"), &Value::List(vec![]));
        let template = single(&read, "instance_launch_template").expect("template");
        assert_eq!(template.get("capacity_option_type"), &Value::Null);
        assert_eq!(template.get("monitoring"), &Value::Null);
        assert_eq!(template.get("storage_configuration"), &Value::List(vec![]));
        assert_eq!(
            single(template, "network_configuration").expect("network"),
            &Value::map([
                ("security_groups", Value::List(vec![])),
                ("subnets", list(&["subnet-a"])),
            ])
        );
        let requirements = single(template, "instance_requirements").expect("requirements");
        assert_eq!(requirements.get("memory_mib"), &block(range(1024.0, 0.0)));
        assert_eq!(requirements.get("vcpu_count"), &block(range(1.0, 0.0)));
        assert_eq!(requirements.get("accelerator_count"), &Value::List(vec![]));
        assert_eq!(requirements.get("require_hibernate_support"), &Value::Bool(false));
        assert_eq!(
            requirements.get("spot_max_price_percentage_over_lowest_price"),
            &Value::Number(0.0)
        );
        assert_eq!(requirements.get("bare_metal"), &Value::Null);
        assert_eq!(requirements.get("cpu_manufacturers"), &Value::List(vec![]));
    }

    #[test]
    fn a_managed_instances_capacity_provider_reads_with_its_cluster() {
        let request = managed_instances_provider_of(&full_provider()).expect("request");
        let provider = CapacityProvider::builder()
            .capacity_provider_arn("arn:aws:ecs:us-east-1:123456789012:capacity-provider/mi")
            .name("mi")
            .cluster("main")
            .managed_instances_provider(answer_for(&request))
            .build();
        let value = to_value(&provider);
        assert_eq!(value.get("cluster"), &Value::string("main"));
        assert_eq!(value.get("managed_instances_provider"), &block(full_provider()));
        assert_eq!(value.get("auto_scaling_group_provider"), &Value::List(vec![]));
        assert_eq!(value.get("id"), value.get("arn"));
    }

    #[test]
    fn the_schema_takes_either_provider_block() {
        let resource = resource();
        let instances = configured(vec![
            ("cluster", Value::string("main")),
            ("managed_instances_provider", block(full_provider())),
        ]);
        assert_eq!(resource.schema().validate(&instances), vec![]);
        assert_eq!(resource.validate(&instances), vec![]);
        let group = configured(vec![("auto_scaling_group_provider", group_provider(GROUP))]);
        assert_eq!(resource.schema().validate(&group), vec![]);
        assert_eq!(resource.validate(&group), vec![]);
    }

    #[test]
    fn exactly_one_provider_block_is_set() {
        let resource = resource();
        assert_eq!(
            resource.validate(&configured(vec![])),
            vec![problem(
                "auto_scaling_group_provider",
                "exactly one of auto_scaling_group_provider or managed_instances_provider must \
                 be specified"
            )]
        );
        let both = configured(vec![
            ("cluster", Value::string("main")),
            ("auto_scaling_group_provider", group_provider(GROUP)),
            ("managed_instances_provider", block(full_provider())),
        ]);
        assert_eq!(
            resource.validate(&both),
            vec![problem(
                "managed_instances_provider",
                "only one of auto_scaling_group_provider or managed_instances_provider must be \
                 specified"
            )]
        );
        // A dynamic block over a collection not known yet is checked once it is.
        let unknown = configured(vec![
            ("cluster", Value::string("main")),
            ("managed_instances_provider", Value::Unknown),
        ]);
        assert_eq!(resource.validate(&unknown), vec![]);
    }

    #[test]
    fn cluster_goes_with_managed_instances_only() {
        let resource = resource();
        let without_cluster =
            configured(vec![("managed_instances_provider", block(full_provider()))]);
        assert_eq!(
            resource.validate(&without_cluster),
            vec![problem("cluster", "cluster is required when using managed_instances_provider")]
        );
        let group_with_cluster = configured(vec![
            ("cluster", Value::string("main")),
            ("auto_scaling_group_provider", group_provider(GROUP)),
        ]);
        assert_eq!(
            resource.validate(&group_with_cluster),
            vec![problem(
                "cluster",
                "cluster must not be set when using auto_scaling_group_provider"
            )]
        );
    }

    #[test]
    fn cluster_names_and_arns_are_checked() {
        let resource = resource();
        let mut provider = full_provider();
        if let Some(entries) = provider.map_mut() {
            entries
                .insert("infrastructure_role_arn".to_string(), Value::string("ecs-infrastructure"));
        }
        let config = configured(vec![
            ("cluster", Value::string("my cluster")),
            ("managed_instances_provider", block(provider)),
        ]);
        let problems = resource.problems(&config);
        let paths: Vec<&str> = problems.iter().map(|(path, _)| path.as_str()).collect();
        assert_eq!(paths, ["cluster", "managed_instances_provider[0].infrastructure_role_arn"]);
        assert!(problems[1].1.contains("is an invalid ARN"), "{problems:?}");
        assert_eq!(
            problems[0].1,
            "invalid value for cluster (The cluster name must consist of alphanumerics, \
             hyphens, and underscores.)"
        );
        let bad_group = configured(vec![("auto_scaling_group_provider", group_provider("app"))]);
        assert_eq!(
            resource.problems(&bad_group)[0].0,
            "auto_scaling_group_provider[0].auto_scaling_group_arn"
        );
    }

    #[test]
    fn instance_requirement_values_are_checked() {
        let resource = resource();
        let mut requirements = full_requirements();
        if let Some(entries) = requirements.map_mut() {
            entries.insert("cpu_manufacturers".to_string(), list(&["intel", "arm"]));
            entries.insert("allowed_instance_types".to_string(), list(&["m5 large"]));
            entries.insert("memory_gib_per_vcpu".to_string(), block(range(-1.0, 4.0)));
        }
        let config = configured(vec![
            ("cluster", Value::string("main")),
            ("managed_instances_provider", block(provider_with(requirements))),
        ]);
        let at = "managed_instances_provider[0].instance_launch_template[0].\
                  instance_requirements[0]";
        let key = "managed_instances_provider.0.instance_launch_template.0.\
                   instance_requirements.0";
        assert_eq!(
            resource.problems(&config),
            vec![
                problem(
                    &format!("{at}.allowed_instance_types[0]"),
                    &format!(
                        "invalid value for {key}.allowed_instance_types.0 (must contain only \
                         alphanumeric characters, dots, asterisks, and hyphens)"
                    )
                ),
                problem(
                    &format!("{at}.cpu_manufacturers[1]"),
                    "expected cpu_manufacturers to be one of \
                     [\"amazon-web-services\" \"amd\" \"intel\"], got arm"
                ),
                problem(
                    &format!("{at}.memory_gib_per_vcpu[0].min"),
                    "expected min to be at least (0.000000), got -1.000000"
                ),
            ]
        );
    }

    #[test]
    fn adding_or_removing_a_provider_block_replaces_the_capacity_provider() {
        let changed = owned(&[
            "managed_instances_provider",
            "auto_scaling_group_provider",
            "cluster",
            "tags_all",
        ]);
        assert_eq!(
            replacing_paths(&changed),
            owned(&["managed_instances_provider", "auto_scaling_group_provider"])
        );
        let in_place = owned(&[
            "managed_instances_provider[0].propagate_tags",
            "managed_instances_provider[0].instance_launch_template[0].monitoring",
        ]);
        assert!(replacing_paths(&in_place).is_empty());
    }

    #[test]
    fn the_family_asks_the_type_which_changes_replace() {
        // ObjectType forwards AwsObject::replacing_changes (and the other plan hooks, whose
        // defaults the capacity provider keeps).
        let resource = resource();
        let changed = owned(&["auto_scaling_group_provider", "cluster"]);
        assert_eq!(
            resource.replacing_changes(&Value::Null, &Value::Null, &changed),
            owned(&["auto_scaling_group_provider"])
        );
        assert!(resource.warnings(&Value::Null).is_empty());
        assert!(resource.cleared_changes(&Value::Null, &Value::Null).is_empty());
        assert!(resource.unknown_after_update(&Value::Null, &Value::Null).is_empty());
    }

    #[test]
    fn only_the_capacity_option_type_and_cluster_force_replacement() {
        let resource = resource();
        let schema = resource.schema();
        assert!(schema.attribute("cluster").expect("cluster").force_new);
        let groups = schema.block_named("auto_scaling_group_provider").expect("group block");
        assert_eq!(groups.min_items, 0);
        let instances =
            schema.block_named("managed_instances_provider").expect("managed instances block");
        assert!(!instances.force_new);
        assert!(instances.schema.attributes.iter().all(|attribute| !attribute.force_new));
        let template =
            instances.schema.block_named("instance_launch_template").expect("launch template");
        let forcing: Vec<&str> = template
            .schema
            .attributes
            .iter()
            .filter(|attribute| attribute.force_new)
            .map(|attribute| attribute.name)
            .collect();
        assert_eq!(forcing, ["capacity_option_type"]);
    }
}
