//! `aws_instance`: one EC2 instance (RunInstances with MinCount = MaxCount = 1). The Terraform
//! ID and import ID are the instance ID (`i-0123...`).
//!
//! Create sends an EC2 `ClientToken` (see [`client_token`]), tags the instance (and, with
//! `volume_tags`, its volumes) at launch and waits until the instance is `running`. Delete
//! cancels the Spot request of a Spot Instance, terminates and waits for `terminated`. As in
//! provider v6, stop and termination protection are turned off first only with
//! `force_destroy = true` (best effort); otherwise TerminateInstances refuses a protected
//! instance and says why. `force_destroy` is configuration only: it is never sent, a refresh
//! keeps it, an import reads it as `false`, and it takes effect once applied.
//!
//! Network interfaces: `network_interface` blocks (deprecated in the provider) attach existing
//! interfaces at launch (device index, network card index, DeleteOnTermination);
//! `primary_network_interface` attaches one existing interface at device index 0; both conflict
//! with the instance-level network arguments (`subnet_id`, `private_ip`, groups, IPv6, public
//! IP, `source_dest_check`) and with each other. A refresh reads `network_interface` back only
//! at the device indexes the state holds (an interface attached by another resource is not
//! this one's, as in the provider); after an import, where nothing is held yet, it reads the
//! interface at device index 0 when it is not deleted on termination (an existing interface
//! attached at launch), so a configuration with one `network_interface` at `eth0` imports
//! cleanly. `primary_network_interface` and `primary_network_interface_id` are always the
//! interface at device index 0. While `network_interface` blocks are held, `source_dest_check`
//! belongs to the interfaces: it is neither changed nor read back (the provider's
//! DiffSuppressFunc). `secondary_network_interface` blocks create secondary interfaces at
//! launch (RunInstances `SecondaryInterfaces`) and are read from the instance's
//! `SecondaryInterfaces`. `enable_primary_ipv6` is sent at launch (on the primary interface
//! specification when one is built), turned on in place (ModifyNetworkInterfaceAttribute on
//! the primary interface) and read from the primary interface's first IPv6 address.
//!
//! Replacement: `ami`, `associate_public_ip_address`, `availability_zone`, `ebs_optimized`,
//! `hibernation`, `host_id`, `host_resource_group_arn`, `ipv6_addresses`, `key_name`,
//! `placement_group`, `placement_group_id`, `placement_partition_number`, `private_ip`,
//! `security_groups`, `subnet_id`, `tenancy`, the `launch_template`, `ephemeral_block_device`,
//! `instance_market_options` and `private_dns_name_options` blocks, `cpu_options`,
//! `enclave_options`, `root_block_device.encrypted` / `kms_key_id`, everything of an
//! `ebs_block_device` but its `tags`, every argument of a `network_interface` and of a
//! `secondary_network_interface` (adding one too; removing them all only stops managing them,
//! as Optional+Computed blocks),
//! `primary_network_interface.network_interface_id`, and `enable_primary_ipv6` going from
//! `true` to `false` ([`AwsObject::replacing_changes`]; AWS cannot disable it).
//! (`host_resource_group_arn` is not ForceNew in the provider, but the provider has no update
//! for it either, so a change here replaces rather than being accepted and ignored.)
//!
//! In place: `instance_type`, `user_data` / `user_data_base64` and
//! `capacity_reservation_specification` stop the instance, modify it and start it again (in
//! one stop/start window where the provider uses one per attribute); `vpc_security_group_ids`
//! (ModifyInstanceAttribute `Groups` for a single-interface instance, else the primary
//! interface), `secondary_private_ips`, `ipv6_address_count`, `source_dest_check`,
//! `enable_primary_ipv6` (`false` to `true`), `disable_api_stop`, `disable_api_termination`,
//! `instance_initiated_shutdown_behavior`, `iam_instance_profile` (Associate / Replace /
//! Disassociate IamInstanceProfile, then a wait), `monitoring`, `maintenance_options`,
//! `metadata_options`, `credit_specification`, `root_block_device` (ModifyVolume,
//! DeleteOnTermination, tags), `ebs_block_device` tags, `volume_tags`, `tags` and
//! `force_destroy` (state only).
//!
//! `user_data` is kept in clear text, as provider v6 does (v5 kept its SHA-1 hash, which this
//! engine cannot do: the planned value is what create sends). A `user_data` that already is
//! base64 is sent as is, as the provider does. With `user_data_replace_on_change = true`, a
//! changed `user_data` or `user_data_base64` replaces the instance instead
//! ([`AwsObject::replacing_changes`]).
//!
//! Refresh is batched: one DescribeInstances per 200 IDs (an `instance-id` filter, so a
//! missing instance is not an error; `shutting-down` and `terminated` instances are gone),
//! then per batch one DescribeVolumes (`attachment.instance-id`), one
//! DescribeIamInstanceProfileAssociations, one DescribeVpcs (whether security groups are
//! shown by name), one DescribeInstanceCreditSpecifications (burstable types only) and one
//! DescribeSpotInstanceRequests; DescribeInstanceTypes and DescribeLaunchTemplates per
//! distinct type / template; and, per instance as the API has no batch form, the
//! `disableApiStop`, `disableApiTermination`, `userData` and
//! `instanceInitiatedShutdownBehavior` attributes (eight instances at a time), plus
//! GetPasswordData when `get_password_data` is set. `iam_instance_profile` is read from the
//! profile associations (what AWS reports once an association settles). Network interfaces,
//! secondary interfaces and the placement group ID come with DescribeInstances.
//!
//! `cpu_core_count` / `cpu_threads_per_core` (provider v5, deprecated there and removed in v6)
//! are accepted: sent as `cpu_options` counts and read back from them; they conflict with the
//! `cpu_options` block, as v5's ConflictsWith did.
//!
//! Left out: `region` (infra rejects it as an unsupported argument), the `timeouts` `read`
//! value, and `cpu_options.nested_virtualization` (not supported yet, [`Schema::not_supported`]:
//! stored null, an error when configured). A new `instance_type` of another CPU architecture replaces the
//! instance, as in the provider, with the architecture told from the type's name (the provider
//! looks it up at plan time; see `architecture_of`). A new `launch_template.version` replaces
//! the instance only when it names another version than the one it was launched with, as the
//! provider's plan-time check does, with the versions this run's refresh read (see
//! `replacing_changes`); a `$Latest` / `$Default` that now resolves to another version reads
//! back as the version the instance runs, so the plan replaces it. `ephemeral_block_device` is not reported by
//! AWS and is kept as configured. `secondary_network_interface.private_ip_addresses` is
//! computed only, as in the provider's schema (its docs call it an argument). When AWS lists
//! no secondary interfaces, or no IPv6 address on the primary interface, the known
//! `secondary_network_interface` / `enable_primary_ipv6` stay (the provider leaves them too).
//!
//! moto (5.2.5) does not hold or return `cpu_options`, `capacity_reservation_specification`,
//! `enclave_options`, `maintenance_options`, `private_dns_name_options` or Spot requests
//! (`instance_market_options`): they are kept from the prior value when the describe answer
//! leaves them out, so drift on them is not seen in tests. moto reports `tenancy = "default"`
//! and no placement group (name or ID), partition, host resource group or dedicated host
//! whatever was asked (so do not set those in tests), reports every credit specification as
//! `standard`, ignores `DisableApiTermination` on RunInstances (create sets it again
//! afterwards), ignores `secondary_private_ips` at launch, and does not list the security
//! groups of an instance launched with a network interface specification (they are then read
//! from its primary interface). moto ignores `EnablePrimaryIpv6` / `PrimaryIpv6` and
//! `SecondaryInterfaces` (it reports neither), so `enable_primary_ipv6` and
//! `secondary_network_interface` keep their configured values there. For an existing interface
//! attached at launch moto ignores the `DeleteOnTermination` asked for and reports the
//! interface's own flag (false), so do not set `network_interface.delete_on_termination =
//! true` in tests (AWS accepts only false there anyway). moto also reports the interface it
//! creates at launch as not deleted on termination (AWS deletes it), so after an import in the
//! emulator an instance launched into a subnet reads that interface as a `network_interface`
//! block; and it leaves existing interfaces `in-use` and attached to a terminated instance
//! (AWS detaches them). moto does not implement MonitorInstances,
//! ModifyInstanceMaintenanceOptions, ModifyInstanceCreditSpecification or
//! ModifyInstanceCapacityReservationAttributes, and rejects ModifyInstanceAttribute
//! `UserData`, so in-place changes of `monitoring`, `maintenance_options`,
//! `credit_specification`, `capacity_reservation_specification` and user data fail there.
//! moto's block device mappings need a `volume_size` (or snapshot), so it refuses an
//! `ephemeral_block_device` with a `virtual_name`.
//!
//! Engine limit: `ebs_block_device` and `secondary_network_interface` are sets whose items
//! have computed attributes; the engine pairs configured items with prior items by position,
//! so several blocks should be written in `device_name` (`network_card_index`) order (or set
//! every size and type) to avoid a spurious replacement.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_ec2::operation::modify_instance_attribute::builders::ModifyInstanceAttributeFluentBuilder as ModifyAttribute;
use aws_sdk_ec2::operation::run_instances::builders::RunInstancesFluentBuilder;
use aws_sdk_ec2::types::{
    AmdSevSnpSpecification, AttributeBooleanValue, AttributeValue, BlockDeviceMapping,
    CapacityReservationSpecification, CapacityReservationSpecificationResponse, CpuOptions,
    CpuOptionsRequest, CreditSpecificationRequest, DeviceType, EbsBlockDevice,
    EbsInstanceBlockDeviceSpecification, EnclaveOptionsRequest, Filter, GroupIdentifier,
    HibernationOptionsRequest, IamInstanceProfileAssociation, IamInstanceProfileAssociationState,
    IamInstanceProfileSpecification, Instance, InstanceAttributeName, InstanceAutoRecoveryState,
    InstanceBlockDeviceMappingSpecification, InstanceCreditSpecificationRequest,
    InstanceIpv6Address, InstanceMaintenanceOptionsRequest, InstanceMarketOptionsRequest,
    InstanceMetadataEndpointState, InstanceMetadataOptionsRequest, InstanceMetadataOptionsState,
    InstanceNetworkInterface, InstanceNetworkInterfaceSpecification, InstanceSecondaryInterface,
    InstanceSecondaryInterfaceSpecificationRequest, InstanceStateName, LaunchTemplateSpecification,
    MonitoringState, Placement, PrivateDnsNameOptionsRequest, PrivateDnsNameOptionsResponse,
    PrivateIpAddressSpecification, ResourceType as Ec2ResourceType, ResponseLaunchTemplateData,
    RunInstancesMonitoringEnabled, SecureBlobAttributeValue, SpotInstanceRequest,
    SpotMarketOptions, Tag, TagSpecification, Volume, VolumeModificationState, VolumeType,
};
use aws_smithy_types::date_time::Format as DateTimeFormat;
use aws_smithy_types::{Blob, DateTime};
use infra_core::{Attribute, Block, Check, ProviderError, Schema, Timeouts, Type, Value};

use super::launch_blocks::{
    burstable_performance, capacity_reservation_parts, capacity_reservation_schema,
    capacity_reservation_target_value, metadata_options_schema, metadata_options_value,
    AUTO_RECOVERY, CPU_CREDITS, ENABLED_DISABLED, HOSTNAME_TYPES, INTERRUPTION_BEHAVIORS,
    PREFERENCE_OR_TARGET, SPOT_INSTANCE_TYPES, TENANCIES, VOLUME_TYPES,
};
use crate::app_support::{blocks, changed, deleted_or_gone, int, number, sent, vanished};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged, Updating,
};
use crate::declared::{self, switch, Declared, Reading};
use crate::ec2_support::{
    as_enum, by_id, chunks_of, client_token, created_id, describe_by_filter, ec2_arn, ec2_tags,
    error_in, filter, has_code, known_ids, managed_tag_filters, non_empty_attribute,
    optional_string, sent_in, single_block, string_attribute, string_list, string_values,
    update_tags, wait_for, POLL_INTERVAL,
};
use crate::error::{aws_error, is_not_found};
use crate::paginated::all_items;

/// How long IAM may take to make a new instance profile usable by EC2 (the provider's
/// `iamPropagationTimeout`).
const IAM_PROPAGATION: Duration = Duration::from_secs(2 * 60);
/// How long StartInstances may refuse a just-changed instance type (`ec2PropagationTimeout`).
const EC2_PROPAGATION: Duration = Duration::from_secs(2 * 60);
/// How long a refresh waits for Windows password data (the provider's read timeout).
const PASSWORD_WAIT: Duration = Duration::from_secs(15 * 60);
/// Instances whose attributes are read at the same time during a refresh.
const ATTRIBUTE_CONCURRENCY: usize = 8;
/// The tags AWS puts on an instance launched from a launch template.
const LAUNCH_TEMPLATE_ID_TAG: &str = "aws:ec2launchtemplate:id";
const LAUNCH_TEMPLATE_VERSION_TAG: &str = "aws:ec2launchtemplate:version";
const DEFAULT_VERSION: &str = "$Default";
const LATEST_VERSION: &str = "$Latest";

/// `aws_instance` as a declared AWS object: see the module's documentation.
pub type AwsInstance = ObjectType<InstanceObject>;

pub struct InstanceObject;

/// An instance as a read found it: DescribeInstances' answer and what the other lookups of
/// its batch found ([`Related`]).
pub struct Described {
    instance: Instance,
    related: Arc<Related>,
}

impl Described {
    fn id(&self) -> &str {
        self.instance.instance_id().unwrap_or_default()
    }

    /// What DescribeInstanceAttribute (and GetPasswordData) reported of the instance.
    fn attributes(&self) -> Option<&InstanceAttributes> {
        self.related.attributes.get(self.id())
    }
}

/// What a read keeps of an instance's launch template for the plan ([`ObjectType::remember`]):
/// the version the instance was launched with, and the template's default and latest versions.
fn launch_template_versions(instance: &str, template: &LaunchTemplateInfo) -> Value {
    Value::map([
        ("instance", Value::string(instance)),
        ("default", Value::string(&template.default_version)),
        ("latest", Value::string(&template.latest_version)),
    ])
}

/// Whether a configured `launch_template.version` names another version than the one the
/// instance runs (`seen`: [`launch_template_versions`]), so that it must be replaced (the
/// provider's rule: `$Default` and `$Latest` as they resolve now, a number as it is).
fn names_another_version(seen: &Value, configured: &str) -> bool {
    let wanted = match configured {
        DEFAULT_VERSION => seen.get("default").as_str(),
        LATEST_VERSION => seen.get("latest").as_str(),
        number => Some(number),
    };
    wanted != seen.get("instance").as_str()
}

// ---- Schema ----

fn cpu_options_schema() -> Schema {
    Schema::new()
        .attr(
            Attribute::optional_computed("amd_sev_snp", Type::String)
                .force_new()
                .check(Check::OneOf(ENABLED_DISABLED)),
        )
        .attr(Attribute::optional_computed("core_count", Type::Number).force_new())
        .attr(Attribute::optional_computed("threads_per_core", Type::Number).force_new())
        .not_supported(
            "nested_virtualization",
            Type::String,
            "infra does not launch instances with nested virtualization",
        )
}

fn ebs_block_device_schema() -> Schema {
    Schema::new()
        .attr(
            Attribute::optional("delete_on_termination", Type::Bool)
                .default(Value::Bool(true))
                .force_new(),
        )
        .attr(Attribute::required("device_name", Type::String).force_new())
        .attr(Attribute::optional_computed("encrypted", Type::Bool).force_new())
        .attr(Attribute::optional_computed("iops", Type::Number).force_new())
        .attr(Attribute::optional_computed("kms_key_id", Type::String).force_new())
        .attr(Attribute::optional_computed("snapshot_id", Type::String).force_new())
        .attr(Attribute::optional("tags", Type::map(Type::String)))
        .attr(Attribute::computed("tags_all", Type::map(Type::String)))
        .attr(Attribute::optional_computed("throughput", Type::Number).force_new())
        .attr(Attribute::computed("volume_id", Type::String))
        .attr(Attribute::optional_computed("volume_size", Type::Number).force_new())
        .attr(
            Attribute::optional_computed("volume_type", Type::String)
                .force_new()
                .check(Check::OneOf(VOLUME_TYPES)),
        )
}

fn ephemeral_block_device_schema() -> Schema {
    Schema::new()
        .attr(Attribute::required("device_name", Type::String))
        .attr(Attribute::optional("no_device", Type::Bool))
        .attr(Attribute::optional("virtual_name", Type::String))
}

fn instance_market_options_schema() -> Schema {
    let spot_options = Schema::new()
        .attr(
            Attribute::optional_computed("instance_interruption_behavior", Type::String)
                .force_new()
                .check(Check::OneOf(INTERRUPTION_BEHAVIORS)),
        )
        .attr(Attribute::optional_computed("max_price", Type::String).force_new())
        .attr(
            Attribute::optional_computed("spot_instance_type", Type::String)
                .force_new()
                .check(Check::OneOf(SPOT_INSTANCE_TYPES)),
        )
        .attr(Attribute::optional_computed("valid_until", Type::String).force_new());
    Schema::new()
        .attr(Attribute::optional_computed("market_type", Type::String).force_new().check(
            Check::OneOf(&[
                "capacity-block",
                "interruptible-capacity-reservation",
                "on-demand",
                "spot",
            ]),
        ))
        .block(Block::single("spot_options", spot_options).computed().force_new())
}

/// A `launch_template` names its template by exactly one of `id` and `name` (the provider's
/// `ExactlyOneOf` on each).
const TEMPLATE_ID_OR_NAME: &[&str] = &["launch_template.0.name", "launch_template.0.id"];

fn launch_template_schema() -> Schema {
    Schema::new()
        .attr(
            Attribute::optional_computed("id", Type::String)
                .force_new()
                .exactly_one_of(TEMPLATE_ID_OR_NAME),
        )
        .attr(
            Attribute::optional_computed("name", Type::String)
                .force_new()
                .exactly_one_of(TEMPLATE_ID_OR_NAME),
        )
        .attr(Attribute::optional("version", Type::String).default(Value::string(DEFAULT_VERSION)))
}

fn private_dns_name_options_schema() -> Schema {
    Schema::new()
        .attr(Attribute::optional_computed("enable_resource_name_dns_aaaa_record", Type::Bool))
        .attr(Attribute::optional_computed("enable_resource_name_dns_a_record", Type::Bool))
        .attr(
            Attribute::optional_computed("hostname_type", Type::String)
                .check(Check::OneOf(HOSTNAME_TYPES)),
        )
}

/// An existing network interface attached at launch (`network_interface`, deprecated in the
/// provider). Everything forces a new instance: attachments made at boot cannot change.
fn network_interface_schema() -> Schema {
    Schema::new()
        .attr(
            Attribute::optional("delete_on_termination", Type::Bool)
                .default(Value::Bool(false))
                .force_new(),
        )
        .attr(Attribute::required("device_index", Type::Number).force_new())
        .attr(
            Attribute::optional("network_card_index", Type::Number)
                .default(Value::Number(0.0))
                .force_new(),
        )
        .attr(Attribute::required("network_interface_id", Type::String).force_new())
}

/// The existing network interface attached at device index 0.
fn primary_network_interface_schema() -> Schema {
    Schema::new()
        .attr(Attribute::computed("delete_on_termination", Type::Bool))
        .attr(Attribute::required("network_interface_id", Type::String).force_new())
}

/// A secondary interface (secondary networks such as RDMA) created at launch.
fn secondary_network_interface_schema() -> Schema {
    Schema::new()
        .attr(
            Attribute::optional("delete_on_termination", Type::Bool)
                .default(Value::Bool(true))
                .force_new(),
        )
        .attr(
            Attribute::optional("device_index", Type::Number)
                .default(Value::Number(0.0))
                .force_new(),
        )
        .attr(
            Attribute::optional("interface_type", Type::String)
                .default(Value::string("secondary"))
                .force_new()
                .check(Check::OneOf(&["secondary"])),
        )
        .attr(Attribute::computed("mac_address", Type::String))
        .attr(Attribute::required("network_card_index", Type::Number).force_new())
        .attr(
            Attribute::optional("private_ip_address_count", Type::Number)
                .default(Value::Number(1.0))
                .force_new(),
        )
        .attr(Attribute::computed("private_ip_addresses", Type::list(Type::String)))
        .attr(Attribute::computed("secondary_interface_id", Type::String))
        .attr(Attribute::computed("secondary_network_id", Type::String))
        .attr(Attribute::required("secondary_subnet_id", Type::String).force_new())
        .attr(Attribute::computed("source_dest_check", Type::Bool))
        .attr(Attribute::computed("status", Type::String))
}

fn root_block_device_schema() -> Schema {
    Schema::new()
        .attr(Attribute::optional("delete_on_termination", Type::Bool).default(Value::Bool(true)))
        .attr(Attribute::computed("device_name", Type::String))
        .attr(Attribute::optional_computed("encrypted", Type::Bool).force_new())
        .attr(Attribute::optional_computed("iops", Type::Number))
        .attr(Attribute::optional_computed("kms_key_id", Type::String).force_new())
        .attr(Attribute::optional("tags", Type::map(Type::String)))
        .attr(Attribute::computed("tags_all", Type::map(Type::String)))
        .attr(Attribute::optional_computed("throughput", Type::Number))
        .attr(Attribute::computed("volume_id", Type::String))
        .attr(Attribute::optional_computed("volume_size", Type::Number))
        .attr(
            Attribute::optional_computed("volume_type", Type::String)
                .check(Check::OneOf(VOLUME_TYPES)),
        )
}

// ---- The declaration: each attribute with how it is read back ----

/// An attribute read from the described instance and the prior value (or the planned value a
/// write is read back for).
fn reads(attribute: Attribute, read: fn(&Described, &Value) -> Value) -> Declared<Described> {
    declared::read(attribute, move |described: &Described, at: &Reading| read(described, at.prior))
}

/// A block read as [`reads`] reads an attribute.
fn reads_block(block: Block, read: fn(&Described, &Value) -> Value) -> Declared<Described> {
    declared::read_block(block, move |described: &Described, at: &Reading| {
        read(described, at.prior)
    })
}

/// A string attribute read by one of `Instance`'s accessors.
fn instance_string(
    attribute: Attribute,
    accessor: fn(&Instance) -> Option<&str>,
) -> Declared<Described> {
    declared::read(attribute, move |described: &Described, _: &Reading| {
        optional_string(accessor(&described.instance))
    })
}

/// A string attribute read by one of `Placement`'s accessors.
fn placement_string(
    attribute: Attribute,
    accessor: fn(&Placement) -> Option<&str>,
) -> Declared<Described> {
    declared::read(attribute, move |described: &Described, _: &Reading| {
        optional_string(described.instance.placement().and_then(accessor))
    })
}

/// A flag DescribeInstanceAttribute reports (`read`), kept from the prior value where AWS did
/// not say.
fn reported_flag(
    attribute: Attribute,
    read: fn(&InstanceAttributes) -> Option<bool>,
) -> Declared<Described> {
    let name = attribute.name;
    declared::read(attribute, move |described: &Described, at: &Reading| {
        match described.attributes().and_then(read) {
            Some(flag) => Value::Bool(flag),
            None => kept(at.prior, name, Value::Null),
        }
    })
}

/// A block AWS reports (`read`), kept from the prior value where the answer leaves it out (as
/// moto's does).
fn reported_block(
    block: Block,
    read: fn(&Instance, &Value) -> Option<Value>,
) -> Declared<Described> {
    let name = block.name;
    declared::read_block(block, move |described: &Described, at: &Reading| {
        reported_or_kept(read(&described.instance, at.prior), at.prior, name)
    })
}

/// The instance's attributes, in alphabetical order after `id` and `arn` (the v5 CPU counts
/// beside the placement ones, as they have always been), in three lists to keep each short.
fn instance_attributes() -> Vec<Declared<Described>> {
    let mut declared = attributes_from_id_to_host();
    declared.extend(attributes_from_iam_to_placement());
    declared.extend(attributes_from_cpu_counts_to_vpc());
    declared
}

/// `id` to `host_resource_group_arn`.
fn attributes_from_id_to_host() -> Vec<Declared<Described>> {
    vec![
        reads(Attribute::computed("id", Type::String), |d, _| Value::string(d.id())),
        declared::read(Attribute::computed("arn", Type::String), |d: &Described, at: &Reading| {
            Value::string(ec2_arn(at.region, &d.related.account, "instance", d.id()))
        }),
        instance_string(
            Attribute::optional_computed("ami", Type::String)
                .force_new()
                .at_least_one_of(&["ami", "launch_template"]),
            Instance::image_id,
        ),
        reads(
            Attribute::optional_computed("associate_public_ip_address", Type::Bool).force_new(),
            |d, prior| match network(&d.instance) {
                Network::Outside => Value::Bool(d.instance.public_ip_address().is_some()),
                Network::Detached => kept(prior, "associate_public_ip_address", Value::Null),
                // An empty association (as moto reports) is no public address.
                Network::Primary(primary) => {
                    Value::Bool(primary.association().and_then(|a| a.public_ip()).is_some())
                }
            },
        ),
        placement_string(
            Attribute::optional_computed("availability_zone", Type::String).force_new(),
            Placement::availability_zone,
        ),
        reported_flag(Attribute::optional_computed("disable_api_stop", Type::Bool), |attributes| {
            attributes.disable_api_stop
        }),
        reported_flag(
            Attribute::optional_computed("disable_api_termination", Type::Bool),
            |attributes| attributes.disable_api_termination,
        ),
        reads(Attribute::optional_computed("ebs_optimized", Type::Bool).force_new(), |d, _| {
            Value::Bool(d.instance.ebs_optimized().unwrap_or(false))
        }),
        reads(Attribute::optional_computed("enable_primary_ipv6", Type::Bool), |d, prior| {
            enable_primary_ipv6_value(&d.instance, prior)
        }),
        // Configuration only: what the state holds (false after an import, as the provider's
        // importer sets it).
        switch(Attribute::optional("force_destroy", Type::Bool).default(Value::Bool(false))),
        switch(Attribute::optional("get_password_data", Type::Bool).default(Value::Bool(false))),
        reads(Attribute::optional("hibernation", Type::Bool).force_new(), |d, prior| {
            hibernation_value(&d.instance, prior)
        }),
        placement_string(
            Attribute::optional_computed("host_id", Type::String).force_new(),
            Placement::host_id,
        ),
        placement_string(
            Attribute::optional_computed("host_resource_group_arn", Type::String)
                .force_new()
                .conflicts_with(&["placement_group", "placement_group_id"]),
            Placement::host_resource_group_arn,
        ),
    ]
}

/// `iam_instance_profile` to `placement_group_id`.
fn attributes_from_iam_to_placement() -> Vec<Declared<Described>> {
    vec![
        reads(Attribute::optional_computed("iam_instance_profile", Type::String), |d, _| {
            optional_string(d.related.profiles.get(d.id()).map(|arn| profile_name(arn)))
        }),
        reads(
            Attribute::optional_computed("instance_initiated_shutdown_behavior", Type::String),
            |d, prior| match d.attributes().and_then(|a| a.shutdown_behavior.as_deref()) {
                Some(behavior) => Value::string(behavior),
                None => kept(prior, "instance_initiated_shutdown_behavior", Value::Null),
            },
        ),
        instance_string(Attribute::computed("instance_lifecycle", Type::String), |instance| {
            instance.instance_lifecycle().map(|l| l.as_str())
        }),
        instance_string(Attribute::computed("instance_state", Type::String), |instance| {
            instance.state().and_then(|state| state.name()).map(|name| name.as_str())
        }),
        instance_string(
            Attribute::optional_computed("instance_type", Type::String)
                .at_least_one_of(&["instance_type", "launch_template"]),
            |instance| instance.instance_type().map(|t| t.as_str()),
        ),
        reads(
            Attribute::optional_computed("ipv6_address_count", Type::Number)
                .conflicts_with(&["ipv6_addresses"]),
            |d, prior| match network(&d.instance) {
                Network::Outside => Value::Number(0.0),
                Network::Detached => kept(prior, "ipv6_address_count", Value::Null),
                Network::Primary(primary) => Value::Number(ipv6_addresses(primary).len() as f64),
            },
        ),
        reads(
            Attribute::optional_computed("ipv6_addresses", Type::list(Type::String))
                .force_new()
                .conflicts_with(&["ipv6_address_count"]),
            |d, _| match network(&d.instance) {
                Network::Primary(primary) => string_values(ipv6_addresses(primary)),
                Network::Outside | Network::Detached => Value::List(Vec::new()),
            },
        ),
        instance_string(
            Attribute::optional_computed("key_name", Type::String).force_new(),
            Instance::key_name,
        ),
        reads(Attribute::optional_computed("monitoring", Type::Bool), |d, _| {
            Value::Bool(matches!(
                d.instance.monitoring().and_then(|m| m.state()),
                Some(MonitoringState::Enabled | MonitoringState::Pending)
            ))
        }),
        instance_string(Attribute::computed("outpost_arn", Type::String), Instance::outpost_arn),
        reads(Attribute::computed("password_data", Type::String), |d, prior| {
            match prior.get("get_password_data").as_bool() == Some(true) {
                true => optional_string(d.attributes().and_then(|a| a.password_data.as_deref())),
                false => Value::Null,
            }
        }),
        placement_string(
            Attribute::optional_computed("placement_group", Type::String)
                .force_new()
                .conflicts_with(&["host_resource_group_arn", "placement_group_id"]),
            Placement::group_name,
        ),
        placement_string(
            Attribute::optional_computed("placement_group_id", Type::String)
                .force_new()
                .conflicts_with(&["host_resource_group_arn", "placement_group"]),
            Placement::group_id,
        ),
    ]
}

/// `cpu_core_count` to `vpc_security_group_ids`.
fn attributes_from_cpu_counts_to_vpc() -> Vec<Declared<Described>> {
    vec![
        // Provider v5's deprecated spellings of cpu_options' counts (removed in v6), still in
        // v5 stacks: sent as cpu_options, read back from it.
        reads(
            Attribute::optional_computed("cpu_core_count", Type::Number)
                .force_new()
                .conflicts_with(&["cpu_options.0.core_count"]),
            |d, prior| match d.instance.cpu_options().and_then(|o| o.core_count()) {
                Some(count) => number(Some(i64::from(count))),
                None => kept(prior, "cpu_core_count", Value::Null),
            },
        ),
        reads(
            Attribute::optional_computed("cpu_threads_per_core", Type::Number)
                .force_new()
                .conflicts_with(&["cpu_options.0.threads_per_core"]),
            |d, prior| match d.instance.cpu_options().and_then(|o| o.threads_per_core()) {
                Some(count) => number(Some(i64::from(count))),
                None => kept(prior, "cpu_threads_per_core", Value::Null),
            },
        ),
        reads(
            Attribute::optional_computed("placement_partition_number", Type::Number).force_new(),
            |d, _| {
                let placement = d.instance.placement();
                number(placement.and_then(|p| p.partition_number()).map(i64::from))
            },
        ),
        reads(Attribute::computed("primary_network_interface_id", Type::String), |d, prior| {
            match network(&d.instance) {
                Network::Outside => Value::Null,
                Network::Detached => kept(prior, "primary_network_interface_id", Value::Null),
                Network::Primary(primary) => optional_string(primary.network_interface_id()),
            }
        }),
        instance_string(
            Attribute::computed("private_dns", Type::String),
            Instance::private_dns_name,
        ),
        instance_string(
            Attribute::optional_computed("private_ip", Type::String).force_new(),
            Instance::private_ip_address,
        ),
        instance_string(Attribute::computed("public_dns", Type::String), Instance::public_dns_name),
        instance_string(
            Attribute::computed("public_ip", Type::String),
            Instance::public_ip_address,
        ),
        reads(
            Attribute::optional_computed("secondary_private_ips", Type::set(Type::String)),
            |d, _| match network(&d.instance) {
                Network::Primary(primary) => string_values(
                    primary
                        .private_ip_addresses()
                        .iter()
                        .filter(|address| address.primary() != Some(true))
                        .filter_map(|address| address.private_ip_address()),
                ),
                Network::Outside | Network::Detached => Value::List(Vec::new()),
            },
        ),
        reads(
            Attribute::optional_computed("security_groups", Type::set(Type::String)).force_new(),
            |d, _| match groups_by_name(&d.instance, &d.related) {
                true => string_values(groups_of(&d.instance).iter().filter_map(|g| g.group_name())),
                false => Value::List(Vec::new()),
            },
        ),
        reads(
            Attribute::optional("source_dest_check", Type::Bool).default(Value::Bool(true)),
            |d, prior| source_dest_check_value(&d.instance, prior),
        ),
        instance_string(
            Attribute::computed("spot_instance_request_id", Type::String),
            spot_request_id,
        ),
        reads(Attribute::optional_computed("subnet_id", Type::String).force_new(), |d, prior| {
            match network(&d.instance) {
                Network::Outside => optional_string(d.instance.subnet_id()),
                Network::Detached => kept(prior, "subnet_id", Value::Null),
                Network::Primary(primary) => {
                    optional_string(primary.subnet_id().or(d.instance.subnet_id()))
                }
            }
        }),
        instance_string(
            Attribute::optional_computed("tenancy", Type::String)
                .force_new()
                .check(Check::OneOf(TENANCIES)),
            |instance| {
                let placement = instance.placement();
                placement.and_then(|p| p.tenancy()).map(|t| t.as_str())
            },
        ),
        reads(
            Attribute::optional_computed("user_data", Type::String)
                .conflicts_with(&["user_data_base64"]),
            |d, prior| user_data_read(encoded_user_data(d), prior).0,
        ),
        reads(
            Attribute::optional_computed("user_data_base64", Type::String)
                .conflicts_with(&["user_data"]),
            |d, prior| user_data_read(encoded_user_data(d), prior).1,
        ),
        switch(
            Attribute::optional("user_data_replace_on_change", Type::Bool)
                .default(Value::Bool(false)),
        ),
        reads(Attribute::optional("volume_tags", Type::map(Type::String)), volume_tags_value),
        reads(
            Attribute::optional_computed("vpc_security_group_ids", Type::set(Type::String)),
            |d, _| match has_subnet(&d.instance) {
                true => string_values(groups_of(&d.instance).iter().filter_map(|g| g.group_id())),
                false => Value::List(Vec::new()),
            },
        ),
    ]
}

/// The instance's blocks, in alphabetical order.
fn instance_blocks() -> Vec<Declared<Described>> {
    vec![
        reported_block(
            Block::single(
                "capacity_reservation_specification",
                capacity_reservation_schema(PREFERENCE_OR_TARGET),
            )
            .computed(),
            |instance, _| {
                let specification = instance.capacity_reservation_specification();
                specification.map(capacity_reservation_value)
            },
        ),
        reported_block(
            Block::single("cpu_options", cpu_options_schema()).computed(),
            |instance, prior| {
                let options = instance.cpu_options();
                options.map(|options| cpu_options_value(options, prior))
            },
        ),
        // Optional+Computed: removing the block stops managing the setting (the
        // provider's DiffSuppressFunc), it does not reset it.
        reads_block(
            Block::single(
                "credit_specification",
                Schema::new().attr(
                    Attribute::optional_computed("cpu_credits", Type::String)
                        .check(Check::OneOf(CPU_CREDITS)),
                ),
            )
            .computed(),
            |d, prior| credit_value(&d.instance, &d.related, prior),
        ),
        reads_block(
            Block::set("ebs_block_device", ebs_block_device_schema()).computed(),
            |d, prior| Value::List(block_devices(d, prior).ebs),
        ),
        reported_block(
            Block::single(
                "enclave_options",
                Schema::new().attr(Attribute::optional_computed("enabled", Type::Bool).force_new()),
            )
            .computed(),
            |instance, _| {
                let options = instance.enclave_options();
                options.map(|o| {
                    single_object([("enabled", Value::Bool(o.enabled().unwrap_or(false)))])
                })
            },
        ),
        // AWS does not report instance store mappings: they stay as configured.
        reads_block(
            Block::set("ephemeral_block_device", ephemeral_block_device_schema())
                .computed()
                .force_new(),
            |_, prior| kept(prior, "ephemeral_block_device", Value::List(Vec::new())),
        ),
        reads_block(
            Block::single("instance_market_options", instance_market_options_schema())
                .computed()
                .force_new(),
            |d, prior| market_options_value(&d.instance, &d.related, prior),
        ),
        // Not force_new as a whole: its `id` and `name` are, and a new `version` replaces
        // only when it names another version than the instance's (`replacing_changes`).
        reads_block(
            Block::single("launch_template", launch_template_schema()).at_least_one_of(&[
                "ami",
                "instance_type",
                "launch_template",
            ]),
            |d, prior| launch_template_value(&d.instance, &d.related, prior),
        ),
        reported_block(
            Block::single(
                "maintenance_options",
                Schema::new().attr(
                    Attribute::optional_computed("auto_recovery", Type::String)
                        .check(Check::OneOf(AUTO_RECOVERY)),
                ),
            )
            .computed(),
            |instance, _| {
                instance.maintenance_options().map(|o| {
                    single_object([(
                        "auto_recovery",
                        optional_string(o.auto_recovery().map(|a| a.as_str())),
                    )])
                })
            },
        ),
        reported_block(
            Block::single(
                "metadata_options",
                metadata_options_schema(Some(("enabled", "disabled"))),
            )
            .computed(),
            |instance, _| {
                let options = instance.metadata_options();
                options.map(|options| Value::List(vec![metadata_options_value!(options)]))
            },
        ),
        reads_block(
            Block::set("network_interface", network_interface_schema())
                .computed()
                .conflicts_with(ATTACHED_INTERFACE_CONFLICTS),
            |d, prior| attached_interfaces_value(&d.instance, prior),
        ),
        reads_block(
            Block::single("primary_network_interface", primary_network_interface_schema())
                .computed()
                .conflicts_with(ATTACHED_INTERFACE_CONFLICTS),
            |d, prior| primary_interface_value(&d.instance, prior),
        ),
        reported_block(
            Block::single("private_dns_name_options", private_dns_name_options_schema())
                .computed()
                .force_new(),
            |instance, _| instance.private_dns_name_options().map(private_dns_name_options_value),
        ),
        reads_block(
            Block::single("root_block_device", root_block_device_schema()).computed(),
            |d, prior| match block_devices(d, prior).root {
                Some(item) => Value::List(vec![item]),
                None => kept(prior, "root_block_device", Value::List(Vec::new())),
            },
        ),
        reads_block(
            Block::set("secondary_network_interface", secondary_network_interface_schema())
                .computed(),
            |d, prior| secondary_interfaces_value(d.instance.secondary_interfaces(), prior),
        ),
    ]
}

// ---- What a refresh gathers besides DescribeInstances ----

/// What DescribeInstanceAttribute (and GetPasswordData) report for one instance; `None` where
/// AWS did not say.
#[derive(Default)]
struct InstanceAttributes {
    disable_api_stop: Option<bool>,
    disable_api_termination: Option<bool>,
    /// Base64, as AWS returns it.
    user_data: Option<String>,
    shutdown_behavior: Option<String>,
    password_data: Option<String>,
}

struct LaunchTemplateInfo {
    name: String,
    default_version: String,
    latest_version: String,
}

/// Everything a batch of instances needs besides DescribeInstances, by instance, volume,
/// VPC, type, template or request ID.
#[derive(Default)]
struct Related {
    /// The account's ID, for the instances' ARNs.
    account: String,
    volumes: HashMap<String, Volume>,
    /// Instance ID → instance profile ARN of its live association.
    profiles: HashMap<String, String>,
    /// VPC ID → whether it is the default VPC.
    default_vpcs: HashMap<String, bool>,
    /// Instance types with burstable performance (T2, T3, ...).
    burstable: HashSet<String>,
    /// Instance ID → `standard` / `unlimited`.
    credits: HashMap<String, String>,
    launch_templates: HashMap<String, LaunchTemplateInfo>,
    spot_requests: HashMap<String, SpotInstanceRequest>,
    attributes: HashMap<String, InstanceAttributes>,
}

/// The instance flags ModifyInstanceAttribute sets as booleans.
#[derive(Clone, Copy)]
enum Flag {
    DisableApiStop,
    DisableApiTermination,
    SourceDestCheck,
}

impl Flag {
    fn name(self) -> &'static str {
        match self {
            Flag::DisableApiStop => "DisableApiStop",
            Flag::DisableApiTermination => "DisableApiTermination",
            Flag::SourceDestCheck => "SourceDestCheck",
        }
    }
}

impl AwsInstance {
    async fn ec2(&self) -> &aws_sdk_ec2::Client {
        &self.aws.clients().await.ec2
    }

    // ---- Reading ----

    /// Every instance matching `filters` that still exists, with what the other lookups found
    /// of it, by ID; `priors` (by ID, else `fallback`) say what to look up beyond
    /// DescribeInstances (`get_password_data`).
    async fn described(
        &self,
        filters: Vec<Filter>,
        priors: &HashMap<String, &Value>,
        fallback: &Value,
    ) -> Result<BTreeMap<String, Tagged<Described>>, ProviderError> {
        let instances = self.live_instances(filters).await?;
        if instances.is_empty() {
            return Ok(BTreeMap::new());
        }
        let pairs: Vec<(&Instance, &Value)> = instances
            .iter()
            .map(|instance| {
                let prior = instance
                    .instance_id()
                    .and_then(|id| priors.get(id).copied())
                    .unwrap_or(fallback);
                (instance, prior)
            })
            .collect();
        let mut related = self.related(&pairs).await?;
        related.account = self.aws.account_id().await?.to_string();
        let related = Arc::new(related);
        Ok(instances
            .into_iter()
            .filter_map(|instance| {
                let id = instance.instance_id()?.to_string();
                // The managed `infra:` keys stay: the family finds a lost create by them and
                // leaves them out of `tags`.
                let tags = user_tag_pairs(instance.tags())
                    .map(|(key, value)| (key.to_string(), value.to_string()))
                    .collect();
                let described = Described { instance, related: Arc::clone(&related) };
                Some((id, Tagged { object: described, tags }))
            })
            .collect())
    }

    /// Instances matching `filters`, without those shutting down or terminated (AWS lists
    /// terminated instances for about an hour).
    async fn live_instances(&self, filters: Vec<Filter>) -> Result<Vec<Instance>, ProviderError> {
        let reservations: Vec<aws_sdk_ec2::types::Reservation> =
            all_items!(self.ec2().await.describe_instances().set_filters(Some(filters)))?;
        Ok(reservations
            .iter()
            .flat_map(|reservation| reservation.instances())
            .filter(|instance| {
                !matches!(
                    instance.state().and_then(|state| state.name()),
                    Some(InstanceStateName::ShuttingDown | InstanceStateName::Terminated)
                )
            })
            .cloned()
            .collect())
    }

    /// One instance in any state, `None` when AWS does not list it.
    async fn instance(&self, id: &str) -> Result<Option<Instance>, ProviderError> {
        let output =
            sent!(self.ec2().await.describe_instances().filters(filter("instance-id", [id])))?;
        Ok(output
            .reservations()
            .iter()
            .flat_map(|reservation| reservation.instances())
            .find(|instance| instance.instance_id() == Some(id))
            .cloned())
    }

    /// The instance just written, read for `planned`.
    async fn written(&self, id: &str, planned: &Value) -> Result<Tagged<Described>, ProviderError> {
        let priors = HashMap::from([(id.to_string(), planned)]);
        self.described(vec![filter("instance-id", [id])], &priors, &Value::Null)
            .await?
            .remove(id)
            .ok_or_else(|| vanished(InstanceObject::KIND, id))
    }

    async fn related(&self, instances: &[(&Instance, &Value)]) -> Result<Related, ProviderError> {
        let ec2 = self.ec2().await;
        let mut related = Related::default();
        let ids: Vec<String> = instances
            .iter()
            .filter_map(|(instance, _)| instance.instance_id().map(str::to_string))
            .collect();
        for chunk in chunks_of(&ids) {
            let volumes: Vec<Volume> = all_items!(ec2
                .describe_volumes()
                .filters(filter("attachment.instance-id", chunk.iter().cloned())))?;
            for volume in volumes {
                if let Some(id) = volume.volume_id().map(str::to_string) {
                    related.volumes.insert(id, volume);
                }
            }
            let associations: Vec<IamInstanceProfileAssociation> = all_items!(ec2
                .describe_iam_instance_profile_associations()
                .filters(filter("instance-id", chunk.iter().cloned())))?;
            for association in &associations {
                let (Some(instance_id), Some(arn)) = (
                    association.instance_id(),
                    association.iam_instance_profile().and_then(|p| p.arn()),
                ) else {
                    continue;
                };
                // A settled association wins over one still being made.
                match association.state() {
                    Some(IamInstanceProfileAssociationState::Associated) => {
                        related.profiles.insert(instance_id.to_string(), arn.to_string());
                    }
                    Some(IamInstanceProfileAssociationState::Associating) => {
                        related
                            .profiles
                            .entry(instance_id.to_string())
                            .or_insert_with(|| arn.to_string());
                    }
                    _ => {}
                }
            }
        }
        self.read_default_vpcs(instances, &mut related).await;
        self.read_credit_specifications(instances, &mut related).await?;
        self.read_launch_templates(instances, &mut related).await?;
        self.remember_launch_template_versions(instances, &related);
        self.read_spot_requests(instances, &mut related).await?;
        for group in instances.chunks(ATTRIBUTE_CONCURRENCY) {
            let answers =
                futures::future::try_join_all(group.iter().map(|&(instance, prior)| async move {
                    let id = instance.instance_id().unwrap_or_default().to_string();
                    let with_password = prior.get("get_password_data").as_bool() == Some(true);
                    let attributes = self.instance_attributes(&id, with_password).await?;
                    Ok::<_, ProviderError>((id, attributes))
                }))
                .await?;
            related.attributes.extend(answers);
        }
        Ok(related)
    }

    /// Whether each instance's VPC is the default VPC. Like the provider, a failed lookup
    /// only means security groups are shown by the subnet rule.
    async fn read_default_vpcs(&self, instances: &[(&Instance, &Value)], related: &mut Related) {
        let vpc_ids: Vec<String> = instances
            .iter()
            .filter_map(|(instance, _)| instance.vpc_id().filter(|id| !id.is_empty()))
            .map(str::to_string)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let ec2 = self.ec2().await;
        for chunk in chunks_of(&vpc_ids) {
            let Ok(output) =
                ec2.describe_vpcs().filters(filter("vpc-id", chunk.iter().cloned())).send().await
            else {
                continue;
            };
            for vpc in output.vpcs() {
                if let Some(id) = vpc.vpc_id() {
                    related.default_vpcs.insert(id.to_string(), vpc.is_default().unwrap_or(false));
                }
            }
        }
    }

    /// The credit specification of each instance whose type is burstable (AWS answers
    /// `InstanceCreditSpecification.NotSupported` for the others).
    async fn read_credit_specifications(
        &self,
        instances: &[(&Instance, &Value)],
        related: &mut Related,
    ) -> Result<(), ProviderError> {
        let types: BTreeSet<&str> = instances
            .iter()
            .filter_map(|(instance, _)| instance.instance_type().map(|t| t.as_str()))
            .collect();
        for instance_type in types {
            if self.is_burstable(instance_type).await? {
                related.burstable.insert(instance_type.to_string());
            }
        }
        let ids: Vec<String> = instances
            .iter()
            .filter(|(instance, _)| {
                instance.instance_type().is_some_and(|t| related.burstable.contains(t.as_str()))
            })
            .filter_map(|(instance, _)| instance.instance_id().map(str::to_string))
            .collect();
        let ec2 = self.ec2().await;
        for chunk in chunks_of(&ids) {
            let answer = all_items!(ec2
                .describe_instance_credit_specifications()
                .set_instance_ids(Some(chunk.to_vec())));
            match answer {
                Ok(specifications) => {
                    for specification in &specifications {
                        if let (Some(id), Some(credits)) =
                            (specification.instance_id(), specification.cpu_credits())
                        {
                            related.credits.insert(id.to_string(), credits.to_string());
                        }
                    }
                }
                // AWS China and GovCloud do not offer it; the provider skips it there.
                Err(error) if has_code(&error, "UnsupportedOperation") => {}
                Err(error) => return Err(error),
            }
        }
        Ok(())
    }

    /// Whether an instance type has burstable performance; a type AWS does not know has not.
    async fn is_burstable(&self, instance_type: &str) -> Result<bool, ProviderError> {
        match burstable_performance(self.ec2().await, instance_type).await {
            Err(error) if has_code(&error, "InvalidInstanceType") => Ok(false),
            answer => answer,
        }
    }

    /// Name, default and latest version of each launch template an instance came from (its
    /// `aws:ec2launchtemplate:id` tag); a deleted template is left out, as the provider does.
    async fn read_launch_templates(
        &self,
        instances: &[(&Instance, &Value)],
        related: &mut Related,
    ) -> Result<(), ProviderError> {
        let template_ids: BTreeSet<&str> = instances
            .iter()
            .filter_map(|(instance, _)| tag_value(instance.tags(), LAUNCH_TEMPLATE_ID_TAG))
            .collect();
        let ec2 = self.ec2().await;
        for template_id in template_ids {
            let answer = sent!(ec2.describe_launch_templates().launch_template_ids(template_id));
            let output = match answer {
                Ok(output) => output,
                Err(error) if is_not_found(&error) => continue,
                Err(error) => return Err(error),
            };
            if let Some(template) = output.launch_templates().first() {
                related.launch_templates.insert(
                    template_id.to_string(),
                    LaunchTemplateInfo {
                        name: template.launch_template_name().unwrap_or_default().to_string(),
                        default_version: template
                            .default_version_number()
                            .map(|n| n.to_string())
                            .unwrap_or_default(),
                        latest_version: template
                            .latest_version_number()
                            .map(|n| n.to_string())
                            .unwrap_or_default(),
                    },
                );
            }
        }
        Ok(())
    }

    /// Keeps, for this run's plan, the launch template versions of each instance just read.
    fn remember_launch_template_versions(
        &self,
        instances: &[(&Instance, &Value)],
        related: &Related,
    ) {
        for (instance, _) in instances {
            let (Some(id), Some(template), Some(version)) = (
                instance.instance_id(),
                tag_value(instance.tags(), LAUNCH_TEMPLATE_ID_TAG)
                    .and_then(|template| related.launch_templates.get(template)),
                tag_value(instance.tags(), LAUNCH_TEMPLATE_VERSION_TAG),
            ) else {
                continue;
            };
            self.remember(id, launch_template_versions(version, template));
        }
    }

    /// The Spot requests behind Spot Instances (a filter, so a request AWS forgot is not an
    /// error).
    async fn read_spot_requests(
        &self,
        instances: &[(&Instance, &Value)],
        related: &mut Related,
    ) -> Result<(), ProviderError> {
        let request_ids: Vec<String> = instances
            .iter()
            .filter_map(|(instance, _)| instance.spot_instance_request_id())
            .filter(|id| !id.is_empty())
            .map(str::to_string)
            .collect();
        let ec2 = self.ec2().await;
        let describe =
            |ids| async move { all_items!(ec2.describe_spot_instance_requests().filters(ids)) };
        let requests = describe_by_filter("spot-instance-request-id", &request_ids, describe);
        let id = SpotInstanceRequest::spot_instance_request_id;
        related.spot_requests.extend(by_id(requests.await?, id));
        Ok(())
    }

    /// The attributes DescribeInstances does not report, one call each (the API takes one
    /// attribute of one instance at a time).
    async fn instance_attributes(
        &self,
        id: &str,
        with_password: bool,
    ) -> Result<InstanceAttributes, ProviderError> {
        let ec2 = self.ec2().await;
        let describe = |name: InstanceAttributeName| async move {
            sent!(ec2.describe_instance_attribute().instance_id(id).attribute(name))
        };
        let stop = async {
            match describe(InstanceAttributeName::DisableApiStop).await {
                Ok(output) => Ok(output.disable_api_stop().and_then(|flag| flag.value())),
                // Some partitions do not have stop protection; the provider skips it there.
                Err(error) if has_code(&error, "UnsupportedOperation") => Ok(None),
                Err(error) => Err(error),
            }
        };
        let termination = async {
            let output = describe(InstanceAttributeName::DisableApiTermination).await?;
            Ok(output.disable_api_termination().and_then(|flag| flag.value()))
        };
        let user_data = async {
            let output = describe(InstanceAttributeName::UserData).await?;
            Ok(output.user_data().and_then(|data| data.value()).map(str::to_string))
        };
        let shutdown = async {
            let name = InstanceAttributeName::InstanceInitiatedShutdownBehavior;
            let output = describe(name).await?;
            let behavior = output.instance_initiated_shutdown_behavior();
            Ok(behavior.and_then(|behavior| behavior.value()).map(str::to_string))
        };
        let (disable_api_stop, disable_api_termination, user_data, shutdown_behavior) =
            futures::future::try_join4(stop, termination, user_data, shutdown).await?;
        let password_data = if with_password { Some(self.password_data(id).await?) } else { None };
        Ok(InstanceAttributes {
            disable_api_stop,
            disable_api_termination,
            user_data,
            shutdown_behavior,
            password_data,
        })
    }

    /// Waits until AWS has password data for the instance (Windows makes it some minutes
    /// after launch), as the provider does.
    async fn password_data(&self, id: &str) -> Result<String, ProviderError> {
        let ec2 = self.ec2().await;
        let deadline = Instant::now() + PASSWORD_WAIT;
        loop {
            let output = sent_in!(
                ec2.get_password_data().instance_id(id),
                format!("reading EC2 Instance ({id})")
            )?;
            if let Some(data) = output.password_data().map(str::trim).filter(|d| !d.is_empty()) {
                return Ok(data.to_string());
            }
            if Instant::now() >= deadline {
                return Err(ProviderError::new(format!(
                    "reading EC2 Instance ({id}): password data is blank"
                )));
            }
            tokio::time::sleep(POLL_INTERVAL * 5).await;
        }
    }

    // ---- Waiting ----

    /// Polls until the instance is in one of `target` while it is in one of `pending`; any
    /// other state fails with AWS's reason. An instance AWS does not list is done when
    /// `gone_is_done` (delete), else still pending (a new instance shows up late).
    async fn wait_state(
        &self,
        id: &str,
        target: &[InstanceStateName],
        pending: &[InstanceStateName],
        gone_is_done: bool,
        what: &str,
        timeout: Duration,
    ) -> Result<(), ProviderError> {
        wait_for(timeout, &format!("EC2 Instance ({id}) {what}"), || async {
            let Some(instance) = self.instance(id).await? else {
                return Ok(gone_is_done.then_some(()));
            };
            match instance.state().and_then(|state| state.name()) {
                Some(state) if target.contains(state) => Ok(Some(())),
                Some(state) if pending.contains(state) => Ok(None),
                None => Ok(None),
                Some(state) => Err(ProviderError::with_code(
                    "UnexpectedState",
                    format!(
                        "waiting for EC2 Instance ({id}) {what}: unexpected state '{}', wanted \
                         target '{}'. last error: {}",
                        state.as_str(),
                        target.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "),
                        instance
                            .state_reason()
                            .and_then(|reason| reason.message())
                            .unwrap_or_default()
                    ),
                )),
            }
        })
        .await
    }

    async fn stop(&self, id: &str, timeout: Duration) -> Result<(), ProviderError> {
        sent_in!(
            self.ec2().await.stop_instances().instance_ids(id).force(false),
            format!("stopping EC2 Instance ({id})")
        )?;
        self.wait_state(
            id,
            &[InstanceStateName::Stopped],
            &[
                InstanceStateName::Pending,
                InstanceStateName::Running,
                InstanceStateName::ShuttingDown,
                InstanceStateName::Stopping,
            ],
            false,
            "stop",
            timeout,
        )
        .await
    }

    async fn start(&self, id: &str, timeout: Duration) -> Result<(), ProviderError> {
        let ec2 = self.ec2().await;
        // Right after an instance type change, AWS may still start the old type's launch
        // plan (terraform-provider-aws#16433): retried, as the provider does.
        retry_while(
            EC2_PROPAGATION,
            |error| {
                has_code(error, "InvalidParameterValue")
                    && error
                        .message
                        .contains("LaunchPlan instance type does not match attribute value")
            },
            || async {
                ec2.start_instances().instance_ids(id).send().await.map(|_| ()).map_err(aws_error)
            },
        )
        .await
        .map_err(|error| context(error, &format!("starting EC2 Instance ({id})")))?;
        self.wait_state(
            id,
            &[InstanceStateName::Running],
            &[InstanceStateName::Pending, InstanceStateName::Stopped],
            false,
            "start",
            timeout,
        )
        .await
    }

    // ---- Creating ----

    /// The data of the launch template version the configuration names, if it names one.
    async fn launch_template_data(
        &self,
        planned: &Value,
    ) -> Result<Option<ResponseLaunchTemplateData>, ProviderError> {
        let Some(template) = single_block(planned, "launch_template") else {
            return Ok(None);
        };
        let request = self.ec2().await.describe_launch_template_versions();
        let request = match non_empty_attribute(template, "id") {
            Some(id) => request.launch_template_id(id),
            None => request.set_launch_template_name(non_empty_attribute(template, "name")),
        };
        let version =
            non_empty_attribute(template, "version").unwrap_or_else(|| DEFAULT_VERSION.into());
        let output = sent_in!(request.versions(version), "reading EC2 Launch Template versions")?;
        Ok(output
            .launch_template_versions()
            .first()
            .and_then(|version| version.launch_template_data())
            .cloned())
    }

    /// The root device name of the AMI the instance launches from (`root_block_device`
    /// needs it), with the provider's rule for AMIs whose root device is not in their own
    /// mappings: the first mapping is the root.
    async fn root_device_name(
        &self,
        planned: &Value,
        template: Option<&ResponseLaunchTemplateData>,
    ) -> Result<String, ProviderError> {
        let ami = non_empty_attribute(planned, "ami")
            .or_else(|| template.and_then(|t| t.image_id()).map(str::to_string))
            .ok_or_else(|| {
                ProviderError::new("`ami` must be set or provided via `launch_template`")
            })?;
        let output = sent!(self.ec2().await.describe_images().image_ids(&ami))?;
        let none = || ProviderError::new(format!("Expected 1 AMI for ID: {ami}, got none"));
        let image = output.images().first().ok_or_else(none)?;
        // Instance store backed AMIs have no root device to map.
        if image.root_device_type() == Some(&DeviceType::InstanceStore) {
            return Err(none());
        }
        let mappings = image.block_device_mappings();
        let root_in_mappings =
            mappings.iter().any(|mapping| mapping.device_name() == image.root_device_name());
        let name = match mappings.first() {
            Some(first) if !root_in_mappings => first.device_name(),
            _ => image.root_device_name(),
        };
        name.map(str::to_string)
            .ok_or_else(|| ProviderError::new(format!("finding Root Device Name for AMI ({ami})")))
    }

    /// T3 instances launch with unlimited credits (the provider's default); a configured
    /// `credit_specification` is sent only for a burstable type, as the provider does.
    async fn credit_request(
        &self,
        planned: &Value,
    ) -> Result<Option<CreditSpecificationRequest>, ProviderError> {
        let instance_type = non_empty_attribute(planned, "instance_type").unwrap_or_default();
        let mut request = instance_type
            .starts_with("t3")
            .then(|| CreditSpecificationRequest::builder().cpu_credits("unlimited").build());
        let configured = single_block(planned, "credit_specification")
            .and_then(|block| non_empty_attribute(block, "cpu_credits"));
        if let Some(credits) = configured {
            if !instance_type.is_empty() && self.is_burstable(&instance_type).await? {
                request = Some(CreditSpecificationRequest::builder().cpu_credits(credits).build());
            }
        }
        Ok(request)
    }

    /// Tags the root and EBS volumes the configuration gives `tags` (the provider does it
    /// after launch). Best effort, as in the provider: the refresh shows what stuck.
    async fn tag_block_devices(&self, id: &str, planned: &Value) {
        let Ok(Some(instance)) = self.instance(id).await else {
            return;
        };
        let ec2 = self.ec2().await;
        let mut wanted: Vec<(String, BTreeMap<String, String>)> = Vec::new();
        if let Some(root) = single_block(planned, "root_block_device") {
            let tags = string_map(root.get("tags"));
            if let (false, Some(volume)) = (tags.is_empty(), root_volume_id(&instance)) {
                wanted.push((volume.to_string(), tags));
            }
        }
        for device in blocks(planned, "ebs_block_device") {
            let tags = string_map(device.get("tags"));
            let volume = device
                .get("device_name")
                .as_str()
                .and_then(|name| volume_id_of_device(&instance, name));
            if let (false, Some(volume)) = (tags.is_empty(), volume) {
                wanted.push((volume.to_string(), tags));
            }
        }
        for (volume, tags) in wanted {
            let _ =
                ec2.create_tags().resources(volume).set_tags(Some(ec2_tags(&tags))).send().await;
        }
    }

    // ---- Updating ----

    /// ModifyInstanceAttribute with what `set` sets; an error names the attribute (`what`), as
    /// the provider's does.
    async fn modify_attribute(
        &self,
        id: &str,
        what: &str,
        set: impl FnOnce(ModifyAttribute) -> ModifyAttribute,
    ) -> Result<(), ProviderError> {
        let request = set(self.ec2().await.modify_instance_attribute().instance_id(id));
        let doing = format!("modifying EC2 Instance ({id}) {what} attribute");
        sent_in!(request, doing)?;
        Ok(())
    }

    /// Sets one boolean instance attribute. Spot Instances cannot have stop or termination
    /// protection: the provider only warns there.
    async fn set_flag(&self, id: &str, flag: Flag, value: bool) -> Result<(), ProviderError> {
        let setting = AttributeBooleanValue::builder().value(value).build();
        let request = self.ec2().await.modify_instance_attribute().instance_id(id);
        let request = match flag {
            Flag::DisableApiStop => request.disable_api_stop(setting),
            Flag::DisableApiTermination => request.disable_api_termination(setting),
            Flag::SourceDestCheck => request.source_dest_check(setting),
        };
        match request.send().await.map_err(aws_error) {
            Ok(_) => Ok(()),
            Err(error)
                if has_code(&error, "UnsupportedOperation")
                    && error.message.contains("not supported for spot instances") =>
            {
                Ok(())
            }
            Err(error) => Err(context(
                error,
                &format!("modifying EC2 Instance ({id}) {} attribute", flag.name()),
            )),
        }
    }

    /// The live instance profile associations of an instance.
    async fn profile_associations(
        &self,
        id: &str,
    ) -> Result<Vec<IamInstanceProfileAssociation>, ProviderError> {
        let associations: Vec<IamInstanceProfileAssociation> = all_items!(self
            .ec2()
            .await
            .describe_iam_instance_profile_associations()
            .filters(filter("instance-id", [id])))?;
        Ok(associations
            .into_iter()
            .filter(|association| {
                matches!(
                    association.state(),
                    Some(
                        IamInstanceProfileAssociationState::Associated
                            | IamInstanceProfileAssociationState::Associating
                    )
                )
            })
            .collect())
    }

    async fn associate_profile(&self, id: &str, name: &str) -> Result<(), ProviderError> {
        let ec2 = self.ec2().await;
        send_profile_change(id, "associating", || async {
            let request = ec2.associate_iam_instance_profile().instance_id(id);
            sent!(request.iam_instance_profile(profile_specification(name))).map(|_| ())
        })
        .await
    }

    async fn disassociate_profile(&self, id: &str, association: &str) -> Result<(), ProviderError> {
        sent_in!(
            self.ec2().await.disassociate_iam_instance_profile().association_id(association),
            format!("updating EC2 Instance ({id}): disassociating instance profile")
        )
        .map(|_| ())
    }

    /// Associates, replaces or removes (`iam_instance_profile = ""`) the instance profile,
    /// then waits until AWS reports the change settled.
    async fn change_instance_profile(
        &self,
        id: &str,
        prior: &Value,
        planned: &Value,
        timeout: Duration,
    ) -> Result<(), ProviderError> {
        let desired = non_empty_attribute(planned, "iam_instance_profile");
        let current = self.profile_associations(id).await?;
        let association = current
            .iter()
            .find(|a| a.state() == Some(&IamInstanceProfileAssociationState::Associated))
            .or_else(|| current.first())
            .and_then(|a| a.association_id())
            .map(str::to_string);
        match (&desired, association) {
            (Some(name), None) => self.associate_profile(id, name).await?,
            (Some(name), Some(association)) => {
                // A stopped instance cannot have its association replaced: it is removed and
                // made again (terraform-provider-aws#8262).
                let stopped = matches!(
                    prior.get("instance_state").as_str(),
                    Some("stopped" | "stopping" | "shutting-down")
                );
                if stopped {
                    self.disassociate_profile(id, &association).await?;
                    self.associate_profile(id, name).await?;
                } else {
                    let ec2 = self.ec2().await;
                    send_profile_change(id, "replacing", || async {
                        let request = ec2.replace_iam_instance_profile_association();
                        let request = request.association_id(&association);
                        sent!(request.iam_instance_profile(profile_specification(name))).map(|_| ())
                    })
                    .await?;
                }
            }
            (None, Some(association)) => self.disassociate_profile(id, &association).await?,
            (None, None) => {}
        }
        wait_for(timeout, &format!("EC2 Instance ({id}) IAM Instance Profile update"), || async {
            let associations = self.profile_associations(id).await?;
            let settled = match &desired {
                None => associations.is_empty(),
                Some(name) => associations.iter().any(|association| {
                    association.state() == Some(&IamInstanceProfileAssociationState::Associated)
                        && association
                            .iam_instance_profile()
                            .and_then(|profile| profile.arn())
                            .is_some_and(|arn| profile_name(arn) == name.as_str())
                }),
            };
            Ok(settled.then_some(()))
        })
        .await
    }

    /// `ipv6_address_count`, `secondary_private_ips` and `vpc_security_group_ids`, which live
    /// on the primary network interface.
    async fn change_network(
        &self,
        id: &str,
        prior: &Value,
        planned: &Value,
    ) -> Result<(), ProviderError> {
        let ec2 = self.ec2().await;
        let instance = self.instance(id).await?.ok_or_else(|| vanished("EC2 Instance", id))?;
        let primary = primary_interface(&instance);
        let interface_id = primary.and_then(|eni| eni.network_interface_id()).map(str::to_string);
        let no_primary = |attribute: &str| {
            ProviderError::new(format!(
                "Failed to update {attribute} on \"{id}\", which does not contain a primary \
                 network interface"
            ))
        };
        if changed(prior, planned, "ipv6_address_count") {
            let interface =
                interface_id.as_deref().ok_or_else(|| no_primary("ipv6_address_count"))?;
            let before = int(prior, "ipv6_address_count").unwrap_or(0);
            let after = int(planned, "ipv6_address_count").unwrap_or(0);
            if after > before {
                sent_in!(
                    ec2.assign_ipv6_addresses()
                        .network_interface_id(interface)
                        .ipv6_address_count(after - before),
                    format!("assigning EC2 Instance ({id}) IPv6 addresses")
                )?;
            } else if before > after {
                let current: Vec<String> = primary
                    .map(|eni| eni.ipv6_addresses())
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|address| address.ipv6_address().map(str::to_string))
                    .collect();
                if i32::try_from(current.len()).ok() != Some(before) {
                    return Err(ProviderError::new(format!(
                        "IPv6 address count ({}) on the instance does not match state's count \
                         ({before}), we're in a race with something else",
                        current.len()
                    )));
                }
                let keep = usize::try_from(after).unwrap_or(0);
                sent_in!(
                    ec2.unassign_ipv6_addresses()
                        .network_interface_id(interface)
                        .set_ipv6_addresses(Some(current[keep.min(current.len())..].to_vec())),
                    format!("unassigning EC2 Instance ({id}) IPv6 addresses")
                )?;
            }
        }
        if changed(prior, planned, "secondary_private_ips") {
            let interface =
                interface_id.as_deref().ok_or_else(|| no_primary("secondary_private_ips"))?;
            let before = string_list(prior, "secondary_private_ips");
            let after = string_list(planned, "secondary_private_ips");
            let removed: Vec<String> =
                before.iter().filter(|ip| !after.contains(ip)).cloned().collect();
            let added: Vec<String> =
                after.iter().filter(|ip| !before.contains(ip)).cloned().collect();
            if !removed.is_empty() {
                sent_in!(
                    ec2.unassign_private_ip_addresses()
                        .network_interface_id(interface)
                        .set_private_ip_addresses(Some(removed)),
                    "Failure to unassign Secondary Private IPs"
                )?;
            }
            if !added.is_empty() {
                sent_in!(
                    ec2.assign_private_ip_addresses()
                        .network_interface_id(interface)
                        .set_private_ip_addresses(Some(added)),
                    "Failure to assign Secondary Private IPs"
                )?;
            }
        }
        if changed(prior, planned, "vpc_security_group_ids") {
            let groups = string_list(planned, "vpc_security_group_ids");
            if groups.is_empty() {
                return Err(ProviderError::new(
                    "VPC-based instances require at least one security group to be attached.",
                ));
            }
            // ModifyInstanceAttribute refuses an instance with several interfaces ("There are
            // multiple interfaces attached to instance"): then the primary interface is
            // changed, as the provider always does.
            let answer = if instance.network_interfaces().len() <= 1 {
                ec2.modify_instance_attribute()
                    .instance_id(id)
                    .set_groups(Some(groups))
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(aws_error)
            } else {
                let interface =
                    interface_id.as_deref().ok_or_else(|| no_primary("vpc_security_group_ids"))?;
                ec2.modify_network_interface_attribute()
                    .network_interface_id(interface)
                    .set_groups(Some(groups))
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(aws_error)
            };
            answer.map_err(|error| {
                context(
                    error,
                    &format!("updating EC2 Instance ({id}): modifying network interface"),
                )
            })?;
        }
        Ok(())
    }

    /// `enable_primary_ipv6` on the primary network interface, where AWS keeps it.
    async fn enable_primary_ipv6(&self, id: &str, enabled: bool) -> Result<(), ProviderError> {
        let instance = self.instance(id).await?.ok_or_else(|| vanished("EC2 Instance", id))?;
        let interface = primary_interface(&instance)
            .and_then(|eni| eni.network_interface_id())
            .ok_or_else(|| {
                ProviderError::new(format!(
                    "modifying EC2 Instance ({id}), enable_primary_ipv6, which does not contain \
                     a primary network interface"
                ))
            })?;
        sent_in!(
            self.ec2()
                .await
                .modify_network_interface_attribute()
                .network_interface_id(interface)
                .enable_primary_ipv6(enabled),
            format!("modifying EC2 Instance ({id}) primary network interface")
        )
        .map(|_| ())
    }

    /// `instance_type`, user data and `capacity_reservation_specification` can only change
    /// while the instance is stopped: one stop, the modifications, one start.
    async fn change_while_stopped(
        &self,
        id: &str,
        prior: &Value,
        planned: &Value,
        timeout: Duration,
    ) -> Result<(), ProviderError> {
        let instance_type = non_empty_attribute(planned, "instance_type")
            .filter(|_| changed(prior, planned, "instance_type"));
        let user_data = user_data_change(prior, planned);
        let capacity = if changed(prior, planned, "capacity_reservation_specification") {
            capacity_reservation_request(planned).filter(|specification| {
                specification.capacity_reservation_preference().is_some()
                    || specification.capacity_reservation_target().is_some()
            })
        } else {
            None
        };
        if instance_type.is_none() && user_data.is_none() && capacity.is_none() {
            return Ok(());
        }
        self.stop(id, timeout).await?;
        let ec2 = self.ec2().await;
        if let Some(instance_type) = &instance_type {
            let value = AttributeValue::builder().value(instance_type).build();
            let what = format!("InstanceType ({instance_type})");
            self.modify_attribute(id, &what, |request| request.instance_type(value)).await?;
        }
        if let Some(bytes) = user_data {
            let value = SecureBlobAttributeValue::builder().value(Blob::new(bytes)).build();
            self.modify_attribute(id, "UserData", |request| request.user_data(value)).await?;
        }
        if let Some(specification) = capacity {
            sent_in!(
                ec2.modify_instance_capacity_reservation_attributes()
                    .instance_id(id)
                    .capacity_reservation_specification(specification),
                format!("updating EC2 Instance ({id}) capacity reservation attributes")
            )?;
        }
        self.start(id, timeout).await
    }

    async fn change_maintenance_options(
        &self,
        id: &str,
        planned: &Value,
        timeout: Duration,
    ) -> Result<(), ProviderError> {
        let Some(auto_recovery) = single_block(planned, "maintenance_options")
            .and_then(|options| non_empty_attribute(options, "auto_recovery"))
        else {
            return Ok(());
        };
        sent_in!(
            self.ec2()
                .await
                .modify_instance_maintenance_options()
                .instance_id(id)
                .auto_recovery(InstanceAutoRecoveryState::from(auto_recovery.as_str())),
            format!("updating EC2 Instance ({id}): modifying maintenance options")
        )?;
        self.wait_updated(id, timeout, "maintenance options", |instance| {
            let current =
                instance.and_then(|i| i.maintenance_options()).and_then(|o| o.auto_recovery());
            current.map(|a| a.as_str()) == Some(auto_recovery.as_str())
        })
        .await
    }

    /// Polls the instance (`None` once it is gone) until `settled` says its `what` update
    /// took, or `timeout` passes.
    async fn wait_updated(
        &self,
        id: &str,
        timeout: Duration,
        what: &str,
        settled: impl Fn(Option<&Instance>) -> bool,
    ) -> Result<(), ProviderError> {
        let settled = &settled;
        wait_for(timeout, &format!("EC2 Instance ({id}) {what} update"), || async move {
            Ok(settled(self.instance(id).await?.as_ref()).then_some(()))
        })
        .await
    }

    async fn change_metadata_options(
        &self,
        id: &str,
        planned: &Value,
        timeout: Duration,
    ) -> Result<(), ProviderError> {
        let Some(options) = single_block(planned, "metadata_options") else {
            return Ok(());
        };
        let endpoint =
            non_empty_attribute(options, "http_endpoint").unwrap_or_else(|| "enabled".into());
        let mut request = self
            .ec2()
            .await
            .modify_instance_metadata_options()
            .instance_id(id)
            .http_endpoint(InstanceMetadataEndpointState::from(endpoint.as_str()));
        // These are refused unless the endpoint is enabled.
        if endpoint == "enabled" {
            request = request
                .set_http_protocol_ipv6(as_enum(non_empty_attribute(options, "http_protocol_ipv6")))
                .set_http_put_response_hop_limit(int(options, "http_put_response_hop_limit"))
                .set_http_tokens(as_enum(non_empty_attribute(options, "http_tokens")))
                .set_instance_metadata_tags(as_enum(non_empty_attribute(
                    options,
                    "instance_metadata_tags",
                )));
        }
        let failed = |error: ProviderError| {
            context(error, &format!("updating EC2 Instance ({id}) metadata options"))
        };
        match request.clone().send().await.map_err(aws_error) {
            Ok(_) => {}
            // Partitions without instance metadata tags: retried without them, as the
            // provider does.
            Err(error)
                if has_code(&error, "UnsupportedOperation")
                    && error.message.contains("InstanceMetadataTags") =>
            {
                request
                    .set_instance_metadata_tags(None)
                    .send()
                    .await
                    .map_err(|error| failed(aws_error(error)))?;
            }
            Err(error) => return Err(failed(error)),
        }
        self.wait_updated(id, timeout, "metadata options", |instance| {
            let state = instance.and_then(|i| i.metadata_options()).and_then(|o| o.state());
            state != Some(&InstanceMetadataOptionsState::Pending)
        })
        .await
    }

    /// Size, type, IOPS and throughput (ModifyVolume), `delete_on_termination` and tags of
    /// the root volume.
    async fn change_root_block_device(
        &self,
        id: &str,
        prior: &Value,
        planned: &Value,
        timeout: Duration,
    ) -> Result<(), ProviderError> {
        let (Some(before), Some(after)) =
            (single_block(prior, "root_block_device"), single_block(planned, "root_block_device"))
        else {
            return Ok(());
        };
        let Some(volume_id) =
            string_attribute(after, "volume_id").or_else(|| string_attribute(before, "volume_id"))
        else {
            return Ok(());
        };
        let ec2 = self.ec2().await;
        let volume_type = non_empty_attribute(after, "volume_type").unwrap_or_default();
        let mut request = ec2.modify_volume().volume_id(&volume_id);
        let mut modify = false;
        if changed(before, after, "volume_size") {
            if let Some(size) = int(after, "volume_size").filter(|n| *n != 0) {
                request = request.size(size);
                modify = true;
            }
        }
        if changed(before, after, "volume_type") && !volume_type.is_empty() {
            request = request.volume_type(VolumeType::from(volume_type.as_str()));
            modify = true;
        }
        if changed(before, after, "iops") {
            if let Some(iops) = int(after, "iops").filter(|n| *n != 0) {
                if !matches!(volume_type.as_str(), "io1" | "io2" | "gp3") {
                    let shown = if volume_type.is_empty() { "gp2" } else { volume_type.as_str() };
                    return Err(ProviderError::new(format!(
                        "updating instance: iops attribute not supported for type {shown}"
                    )));
                }
                request = request.iops(iops);
                modify = true;
            }
        }
        if changed(before, after, "throughput") {
            if let Some(throughput) = int(after, "throughput").filter(|n| *n != 0) {
                if volume_type != "gp3" {
                    return Err(ProviderError::new(format!(
                        "updating instance: throughput attribute not supported for type \
                         {volume_type}"
                    )));
                }
                request = request.throughput(throughput);
                modify = true;
            }
        }
        if modify {
            sent_in!(request, format!("updating EC2 Instance ({id}) volume ({volume_id})"))?;
            self.wait_volume_modified(id, &volume_id, timeout).await?;
        }
        if changed(before, after, "delete_on_termination") {
            let device = string_attribute(after, "device_name")
                .or_else(|| string_attribute(before, "device_name"));
            if let (Some(delete), Some(device)) =
                (after.get("delete_on_termination").as_bool(), device)
            {
                let mapping = InstanceBlockDeviceMappingSpecification::builder()
                    .device_name(&device)
                    .ebs(
                        EbsInstanceBlockDeviceSpecification::builder()
                            .delete_on_termination(delete)
                            .build(),
                    )
                    .build();
                let what = format!("BlockDeviceMappings ({device})");
                self.modify_attribute(id, &what, |request| request.block_device_mappings(mapping))
                    .await?;
                let what = "root block device DeleteOnTermination";
                self.wait_updated(id, timeout, what, |instance| {
                    let current = instance.and_then(|instance| {
                        instance
                            .block_device_mappings()
                            .iter()
                            .find(|m| m.device_name() == instance.root_device_name())
                            .and_then(|m| m.ebs())
                            .and_then(|ebs| ebs.delete_on_termination())
                    });
                    current == Some(delete)
                })
                .await?;
            }
        }
        if changed(before, after, "tags") {
            retag(ec2, &volume_id, &string_map(before.get("tags")), &string_map(after.get("tags")))
                .await
                .map_err(|error| {
                    context(error, &format!("updating tags for volume ({volume_id})"))
                })?;
        }
        Ok(())
    }

    async fn wait_volume_modified(
        &self,
        id: &str,
        volume_id: &str,
        timeout: Duration,
    ) -> Result<(), ProviderError> {
        let ec2 = self.ec2().await;
        wait_for(timeout, &format!("EC2 Instance ({id}) volume ({volume_id}) update"), || async {
            let output = sent!(ec2.describe_volumes_modifications().volume_ids(volume_id))?;
            let modification = output.volumes_modifications().first();
            match modification.and_then(|m| m.modification_state()) {
                Some(VolumeModificationState::Modifying) => Ok(None),
                Some(VolumeModificationState::Failed) => Err(ProviderError::new(format!(
                    "waiting for EC2 Instance ({id}) volume ({volume_id}) update: {}",
                    modification.and_then(|m| m.status_message()).unwrap_or("modification failed")
                ))),
                // `optimizing` already serves the new size, as the provider accepts.
                _ => Ok(Some(())),
            }
        })
        .await
    }

    /// `volume_tags` on every volume attached to the instance.
    async fn retag_volumes(
        &self,
        id: &str,
        prior: &Value,
        planned: &Value,
    ) -> Result<(), ProviderError> {
        let ec2 = self.ec2().await;
        let volumes: Vec<Volume> = ec2
            .describe_volumes()
            .filters(filter("attachment.instance-id", [id]))
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(error_in(format!("updating EC2 Instance ({id})")))?;
        let before = string_map(prior.get("volume_tags"));
        let after = string_map(planned.get("volume_tags"));
        for volume_id in volumes.iter().filter_map(|volume| volume.volume_id()) {
            retag(ec2, volume_id, &before, &after)
                .await
                .map_err(|error| context(error, &format!("updating volume_tags ({volume_id})")))?;
        }
        Ok(())
    }

    /// The `tags` of each `ebs_block_device` (matched by device name).
    async fn retag_ebs_block_devices(
        &self,
        prior: &Value,
        planned: &Value,
    ) -> Result<(), ProviderError> {
        let ec2 = self.ec2().await;
        for after in blocks(planned, "ebs_block_device") {
            let Some(device) = after.get("device_name").as_str() else {
                continue;
            };
            let before = blocks(prior, "ebs_block_device")
                .iter()
                .find(|item| item.get("device_name").as_str() == Some(device));
            let Some(volume_id) = string_attribute(after, "volume_id")
                .or_else(|| before.and_then(|item| string_attribute(item, "volume_id")))
            else {
                continue;
            };
            let old = before.map(|item| string_map(item.get("tags"))).unwrap_or_default();
            let new = string_map(after.get("tags"));
            if old != new {
                retag(ec2, &volume_id, &old, &new).await.map_err(|error| {
                    context(error, &format!("updating tags for volume ({volume_id})"))
                })?;
            }
        }
        Ok(())
    }
}

impl AwsObject for InstanceObject {
    type Object = Described;
    const NAME: &'static str = "aws_instance";
    const KIND: &'static str = "EC2 Instance";
    const KEY: &'static str = "id";

    fn attributes() -> Vec<Declared<Described>> {
        let mut declared = instance_attributes();
        declared.extend(instance_blocks());
        declared
    }

    fn schema(schema: Schema) -> Schema {
        schema.version(2).timeouts(&["create", "read", "update", "delete"])
    }

    /// The provider's `instanceStateUpgradeV1`: `cpu_core_count` and `cpu_threads_per_core`
    /// move into `cpu_options` where it has no such key. (Its 0→1 step rewrites only Terraform
    /// 0.11's flat states, so a JSON object passes unchanged.)
    fn upgrade_state(from: u64, mut value: Value) -> Result<Value, String> {
        if from != 1 {
            return Ok(value);
        }
        let Some(entries) = value.map_mut() else {
            return Ok(value);
        };
        let mut options = entries
            .get("cpu_options")
            .and_then(|v| v.as_list())
            .and_then(|items| items.first())
            .and_then(|item| item.as_map())
            .cloned()
            .unwrap_or_default();
        for (old, new) in
            [("cpu_core_count", "core_count"), ("cpu_threads_per_core", "threads_per_core")]
        {
            let moved = entries.insert(old.to_string(), Value::Null);
            if let Some(moved) = moved {
                options.entry(new.to_string()).or_insert(moved);
            }
        }
        if !options.is_empty() {
            entries.insert("cpu_options".into(), Value::List(vec![Value::Map(options)]));
        }
        Ok(value)
    }

    fn default_timeouts() -> Timeouts {
        Timeouts::minutes(10, 10, 20)
    }

    /// `user_data_replace_on_change = true`: a user data change replaces the instance. A
    /// primary IPv6 address can be turned on in place but not off: `enable_primary_ipv6` going
    /// from `true` to `false` replaces it (the provider's ForceNewIf). A new `instance_type`
    /// of another CPU architecture replaces it too (see [`architecture_of`]).
    ///
    /// A new `launch_template.version` replaces it when it names another version than the one
    /// the instance was launched with (`$Default` and `$Latest` as this run's refresh resolved
    /// them), as the provider's CustomizeDiff does with the same reads at plan time; otherwise
    /// only the state changes. Without a refresh in this run (`-refresh=false`) infra cannot
    /// tell, and replaces.
    fn replacing_changes(
        this: &ObjectType<Self>,
        prior: &Value,
        planned: &Value,
        changed: &[String],
    ) -> Vec<String> {
        // A version not known until apply (a template changed in the same plan) replaces, as
        // in the provider, where it reads as "".
        let launch_template_replaces = || {
            let Some(configured) = single_block(planned, "launch_template")
                .and_then(|template| template.get("version").as_str())
            else {
                return true;
            };
            string_attribute(prior, "id")
                .and_then(|id| this.seen(&id))
                .is_none_or(|seen| names_another_version(&seen, configured))
        };
        let user_data_replaces = planned.get("user_data_replace_on_change").as_bool() == Some(true);
        let disables_primary_ipv6 = prior.get("enable_primary_ipv6").as_bool() == Some(true)
            && planned.get("enable_primary_ipv6").as_bool() == Some(false);
        let architecture =
            |value: &Value| value.get("instance_type").as_str().and_then(architecture_of);
        let changes_architecture = matches!(
            (architecture(prior), architecture(planned)),
            (Some(before), Some(after)) if before != after
        );
        changed
            .iter()
            .filter(|path| match path.as_str() {
                "user_data" | "user_data_base64" => user_data_replaces,
                "enable_primary_ipv6" => disables_primary_ipv6,
                "instance_type" => changes_architecture,
                "launch_template[0].version" => launch_template_replaces(),
                _ => false,
            })
            .cloned()
            .collect()
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        check_user_data(&mut problems, config);
        check_volume_tags(&mut problems, config);
        problems
    }

    /// AWS reports a Spot price with trailing zeros (`0.003100`), which the provider ignores.
    fn normalize(value: &mut Value) {
        let Value::Map(entries) = value else {
            return;
        };
        let Some(Value::List(options)) = entries.get_mut("instance_market_options") else {
            return;
        };
        for option in options.iter_mut() {
            let Value::Map(option) = option else {
                continue;
            };
            let Some(Value::List(spot_options)) = option.get_mut("spot_options") else {
                continue;
            };
            for spot in spot_options.iter_mut() {
                if let Value::Map(spot) = spot {
                    if let Some(Value::String(price)) = spot.get_mut("max_price") {
                        *price = trimmed_price(price);
                    }
                }
            }
        }
    }

    async fn create_written(at: Creating<'_, Self>) -> Result<Tagged<Described>, ProviderError> {
        let template = at.this.launch_template_data(at.planned).await?;
        let interruption = template
            .as_ref()
            .and_then(|data| data.instance_market_options())
            .and_then(|options| options.spot_options())
            .and_then(|spot| spot.instance_interruption_behavior())
            .map(|behavior| behavior.as_str().to_string());
        let root_device_name = if single_block(at.planned, "root_block_device").is_some() {
            Some(at.this.root_device_name(at.planned, template.as_ref()).await?)
        } else {
            None
        };
        let credit = at.this.credit_request(at.planned).await?;
        let mappings = block_device_mappings(at.planned, root_device_name.as_deref())?;
        let mut request = at
            .this
            .ec2()
            .await
            .run_instances()
            .min_count(1)
            .max_count(1)
            .client_token(client_token(at.operation, at.planned))
            .set_image_id(non_empty_attribute(at.planned, "ami"))
            .set_instance_type(as_enum(non_empty_attribute(at.planned, "instance_type")))
            .set_key_name(non_empty_attribute(at.planned, "key_name"))
            .set_user_data(launch_user_data(at.planned))
            .set_iam_instance_profile(
                non_empty_attribute(at.planned, "iam_instance_profile")
                    .map(|name| profile_specification(&name)),
            )
            .set_instance_initiated_shutdown_behavior(as_enum(non_empty_attribute(
                at.planned,
                "instance_initiated_shutdown_behavior",
            )))
            .monitoring(
                RunInstancesMonitoringEnabled::builder()
                    .enabled(at.planned.get("monitoring").as_bool().unwrap_or(false))
                    .build(),
            )
            .disable_api_termination(
                at.planned.get("disable_api_termination").as_bool().unwrap_or(false),
            )
            .set_disable_api_stop(at.planned.get("disable_api_stop").as_bool().filter(|stop| *stop))
            .ebs_optimized(at.planned.get("ebs_optimized").as_bool().unwrap_or(false))
            .hibernation_options(
                HibernationOptionsRequest::builder()
                    .configured(at.planned.get("hibernation").as_bool().unwrap_or(false))
                    .build(),
            )
            .placement(placement_request(at.planned, interruption.as_deref()))
            .set_block_device_mappings(non_empty(mappings))
            .set_cpu_options(cpu_options_request(at.planned))
            .set_credit_specification(credit)
            .set_enclave_options(enclave_options_request(at.planned))
            .set_metadata_options(metadata_options_request(at.planned))
            .set_capacity_reservation_specification(capacity_reservation_request(at.planned))
            .set_maintenance_options(maintenance_options_request(at.planned))
            .set_private_dns_name_options(private_dns_name_options_request(at.planned))
            .set_instance_market_options(market_options_request(at.planned)?)
            .set_launch_template(launch_template_request(at.planned))
            .set_secondary_interfaces(secondary_interfaces_request(at.planned))
            .tag_specifications(at.tag_specification(Ec2ResourceType::Instance));
        let volume_tags = string_map(at.planned.get("volume_tags"));
        if !volume_tags.is_empty() {
            request = request.tag_specifications(
                TagSpecification::builder()
                    .resource_type(Ec2ResourceType::Volume)
                    .set_tags(Some(ec2_tags(&volume_tags)))
                    .build(),
            );
        }
        let request = with_network(request, at.planned);
        let output = retry_while(IAM_PROPAGATION, iam_not_yet_usable, || {
            let request = request.clone();
            async move { request.send().await.map_err(aws_error) }
        })
        .await
        .map_err(|error| context(error, "creating EC2 Instance"))?;
        let id = created_id(
            output.instances().first().and_then(|instance| instance.instance_id()),
            "creating EC2 Instance: RunInstances returned no instance",
        )?;
        at.this
            .wait_state(
                &id,
                &[InstanceStateName::Running],
                &[InstanceStateName::Pending],
                false,
                "create",
                at.operation.timeouts.create,
            )
            .await?;
        // RunInstances cannot turn source/destination checking off: the provider does it
        // right after launch (not with `network_interface` blocks, whose interfaces carry it).
        if at.planned.get("source_dest_check").as_bool() == Some(false)
            && blocks(at.planned, "network_interface").is_empty()
        {
            at.this.set_flag(&id, Flag::SourceDestCheck, false).await?;
        }
        // AWS applies DisableApiTermination at launch; moto ignores it there. Setting it again
        // is harmless on AWS and makes the emulator hold what was asked.
        if at.planned.get("disable_api_termination").as_bool() == Some(true) {
            at.this.set_flag(&id, Flag::DisableApiTermination, true).await?;
        }
        at.this.tag_block_devices(&id, at.planned).await;
        at.this.written(&id, at.planned).await
    }

    async fn update_written(at: Updating<'_, Self>) -> Result<Tagged<Described>, ProviderError> {
        let id = at.key;
        let timeout = at.operation.timeouts.update;
        let ec2 = at.this.ec2().await;
        update_tags(ec2, id, at.prior, at.planned).await?;
        if changed(at.prior, at.planned, "volume_tags") {
            at.this.retag_volumes(id, at.prior, at.planned).await?;
        }
        if changed(at.prior, at.planned, "iam_instance_profile") {
            at.this.change_instance_profile(id, at.prior, at.planned, timeout).await?;
        }
        // With `network_interface` blocks the interfaces carry the flag: the provider leaves it.
        if changed(at.prior, at.planned, "source_dest_check")
            && blocks(at.planned, "network_interface").is_empty()
        {
            if let Some(check) = at.planned.get("source_dest_check").as_bool() {
                at.this.set_flag(id, Flag::SourceDestCheck, check).await?;
            }
        }
        // Turning it off replaces the instance (see `replacing_changes`).
        if changed(at.prior, at.planned, "enable_primary_ipv6") {
            if let Some(enabled) = at.planned.get("enable_primary_ipv6").as_bool() {
                at.this.enable_primary_ipv6(id, enabled).await?;
            }
        }
        if ["ipv6_address_count", "secondary_private_ips", "vpc_security_group_ids"]
            .iter()
            .any(|name| changed(at.prior, at.planned, name))
        {
            at.this.change_network(id, at.prior, at.planned).await?;
        }
        at.this.change_while_stopped(id, at.prior, at.planned, timeout).await?;
        for (name, flag) in [
            ("disable_api_stop", Flag::DisableApiStop),
            ("disable_api_termination", Flag::DisableApiTermination),
        ] {
            if changed(at.prior, at.planned, name) {
                if let Some(value) = at.planned.get(name).as_bool() {
                    at.this.set_flag(id, flag, value).await?;
                }
            }
        }
        if changed(at.prior, at.planned, "instance_initiated_shutdown_behavior") {
            if let Some(behavior) =
                non_empty_attribute(at.planned, "instance_initiated_shutdown_behavior")
            {
                // The Attribute/Value form: the same change on AWS, and the form moto applies.
                let what = "InstanceInitiatedShutdownBehavior";
                at.this
                    .modify_attribute(id, what, |request| {
                        request
                            .attribute(InstanceAttributeName::InstanceInitiatedShutdownBehavior)
                            .value(behavior)
                    })
                    .await?;
            }
        }
        if changed(at.prior, at.planned, "maintenance_options") {
            at.this.change_maintenance_options(id, at.planned, timeout).await?;
        }
        if changed(at.prior, at.planned, "monitoring") {
            let answer = match at.planned.get("monitoring").as_bool() {
                Some(true) => ec2
                    .monitor_instances()
                    .instance_ids(id)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(aws_error),
                Some(false) => ec2
                    .unmonitor_instances()
                    .instance_ids(id)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(aws_error),
                None => Ok(()),
            };
            answer.map_err(|error| context(error, "updating Instance monitoring"))?;
        }
        if changed(at.prior, at.planned, "credit_specification") {
            let credits = single_block(at.planned, "credit_specification")
                .and_then(|block| non_empty_attribute(block, "cpu_credits"));
            if let Some(credits) = credits {
                sent_in!(
                    ec2.modify_instance_credit_specification()
                        .client_token(client_token(at.operation, at.planned))
                        .instance_credit_specifications(
                            InstanceCreditSpecificationRequest::builder()
                                .instance_id(id)
                                .cpu_credits(credits)
                                .build()
                        ),
                    format!("updating EC2 Instance ({id}) credit specification")
                )?;
            }
        }
        if changed(at.prior, at.planned, "metadata_options") {
            at.this.change_metadata_options(id, at.planned, timeout).await?;
        }
        if changed(at.prior, at.planned, "root_block_device") {
            at.this.change_root_block_device(id, at.prior, at.planned, timeout).await?;
        }
        if changed(at.prior, at.planned, "ebs_block_device") {
            at.this.retag_ebs_block_devices(at.prior, at.planned).await?;
        }
        at.this.written(id, at.planned).await
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let id = at.key;
        let ec2 = at.this.ec2().await;
        // As provider v6 does, protection is turned off only with `force_destroy` (as applied
        // before this delete). Only a warning there: TerminateInstances reports what stops the
        // delete.
        if at.prior.get("force_destroy").as_bool() == Some(true) {
            let _ = at.this.set_flag(id, Flag::DisableApiTermination, false).await;
            let _ = at.this.set_flag(id, Flag::DisableApiStop, false).await;
        }
        if at.prior.get("instance_lifecycle").as_str() == Some("spot") {
            if let Some(request) = non_empty_attribute(at.prior, "spot_instance_request_id") {
                let answer =
                    sent!(ec2.cancel_spot_instance_requests().spot_instance_request_ids(&request));
                deleted_or_gone(answer, is_not_found).map_err(|error| {
                    context(error, &format!("cancelling EC2 Spot Fleet Request ({request})"))
                })?;
            }
        }
        match sent!(ec2.terminate_instances().instance_ids(id)) {
            Ok(_) => {}
            Err(error) if is_not_found(&error) => return Ok(()),
            Err(error) => return Err(context(error, &format!("terminating EC2 Instance ({id})"))),
        }
        at.this
            .wait_state(
                id,
                &[InstanceStateName::Terminated],
                &[
                    InstanceStateName::Pending,
                    InstanceStateName::Running,
                    InstanceStateName::ShuttingDown,
                    InstanceStateName::Stopping,
                    InstanceStateName::Stopped,
                ],
                true,
                "delete",
                at.operation.timeouts.delete,
            )
            .await
    }

    /// The instances of these IDs (DescribeInstances by an `instance-id` filter, 200 a call).
    async fn describe(this: &ObjectType<Self>, keys: &[String]) -> DescribeResult<Described> {
        let none = HashMap::new();
        let describe = |ids| this.described(vec![ids], &none, &Value::Null);
        describe_by_filter("instance-id", keys, describe).await
    }

    /// One DescribeInstances per 200 instances (an `instance-id` filter), then the batch
    /// lookups described at the top of this file.
    async fn describe_priors(
        this: &ObjectType<Self>,
        priors: &[Value],
    ) -> DescribeResult<Described> {
        let by_id: HashMap<String, &Value> = priors
            .iter()
            .filter_map(|value| Some((string_attribute(value, "id")?, value)))
            .collect();
        let describe = |ids| this.described(vec![ids], &by_id, &Value::Null);
        describe_by_filter("instance-id", &known_ids(priors), describe).await
    }

    /// By the managed tags, among instances that are not shutting down or terminated.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<Described> {
        let mut filters = managed_tag_filters(at.operation);
        filters.push(filter("instance-state-name", ["pending", "running", "stopping", "stopped"]));
        Ok(at.this.described(filters, &HashMap::new(), at.planned).await?.into_values().next())
    }
}

// ---- Small helpers ----

// ---- Validation ----

/// Whether an argument is set: not null, and not an empty list.
fn present(value: &Value) -> bool {
    !value.is_null() && value.as_list().is_none_or(|items| !items.is_empty())
}

/// What an existing interface attached at launch (`network_interface` or
/// `primary_network_interface`) conflicts with: it brings its own subnet, addresses, groups and
/// source/destination check, and the two exclude each other (the provider's `ConflictsWith` on
/// each, in its order; each passes over its own name).
const ATTACHED_INTERFACE_CONFLICTS: &[&str] = &[
    "associate_public_ip_address",
    "enable_primary_ipv6",
    "ipv6_addresses",
    "ipv6_address_count",
    "network_interface",
    "primary_network_interface",
    "private_ip",
    "secondary_private_ips",
    "security_groups",
    "source_dest_check",
    "subnet_id",
    "vpc_security_group_ids",
];

/// `user_data`'s length and `user_data_base64`'s encoding.
fn check_user_data(problems: &mut Vec<(String, String)>, config: &Value) {
    if let Some(text) = config.get("user_data").as_str() {
        if text.len() > 16384 {
            problems.push((
                "user_data".to_string(),
                format!(
                    "expected length of user_data to be in the range (0 - 16384), got {} \
                     characters",
                    text.len()
                ),
            ));
        }
    }
    if let Some(encoded) = config.get("user_data_base64").as_str() {
        if aws_smithy_types::base64::decode(encoded).is_err() {
            problems.push((
                "user_data_base64".to_string(),
                format!("\"user_data_base64\" (\"{encoded}\") must be base64-encoded"),
            ));
        }
    }
}

/// `volume_tags` conflicts with the block devices' `tags`.
fn check_volume_tags(problems: &mut Vec<(String, String)>, config: &Value) {
    if present(config.get("volume_tags")) {
        for block in ["root_block_device", "ebs_block_device"] {
            for (index, item) in blocks(config, block).iter().enumerate() {
                if present(item.get("tags")) {
                    problems.push((
                        format!("{block}[{index}].tags"),
                        format!("\"{block}.{index}.tags\": conflicts with volume_tags"),
                    ));
                }
            }
        }
    }
}

/// `error` with what was being done in front of its message, keeping its code.
fn context(error: ProviderError, doing: &str) -> ProviderError {
    error.context(doing)
}

/// Runs `call` again (every two poll intervals) while it fails with a `retryable` error, until
/// `timeout`.
async fn retry_while<T, F, Fut>(
    timeout: Duration,
    retryable: impl Fn(&ProviderError) -> bool,
    mut call: F,
) -> Result<T, ProviderError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ProviderError>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        match call().await {
            Err(error) if retryable(&error) && Instant::now() < deadline => {
                tokio::time::sleep(POLL_INTERVAL * 2).await;
            }
            answer => return answer,
        }
    }
}

/// A new instance profile (or its role) that IAM has not yet made usable by EC2.
fn iam_not_yet_usable(error: &ProviderError) -> bool {
    has_code(error, "InvalidParameterValue")
        && (error.message.contains("Invalid IAM Instance Profile")
            || error.message.contains(" has no associated IAM Roles"))
}

/// Sends an association or replacement of the instance profile (`doing`), again while IAM
/// has not made the profile usable yet.
async fn send_profile_change<F, Fut>(id: &str, doing: &str, send: F) -> Result<(), ProviderError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), ProviderError>>,
{
    retry_while(IAM_PROPAGATION, iam_not_yet_usable, send).await.map_err(|error| {
        let doing = format!("updating EC2 Instance ({id}): {doing} instance profile");
        context(error, &doing)
    })
}

fn profile_specification(name: &str) -> IamInstanceProfileSpecification {
    IamInstanceProfileSpecification::builder().name(name).build()
}

/// The name in an instance profile ARN (`arn:aws:iam::1:instance-profile/path/name`).
fn profile_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// `prior`'s value of `name` when it is set and known, else `empty`: for what AWS does not
/// report (what create and update return must be wholly known).
fn kept(prior: &Value, name: &str, empty: Value) -> Value {
    let value = prior.get(name);
    if value.is_null() || !value.is_wholly_known() {
        empty
    } else {
        value.clone()
    }
}

/// A block AWS reported, else (an emulator that leaves it out) the prior value.
fn reported_or_kept(reported: Option<Value>, prior: &Value, name: &str) -> Value {
    reported.unwrap_or_else(|| kept(prior, name, Value::List(Vec::new())))
}

fn single_object<'a>(entries: impl IntoIterator<Item = (&'a str, Value)>) -> Value {
    Value::List(vec![Value::map(entries)])
}

fn optional_bool(value: Option<bool>) -> Value {
    value.map(Value::Bool).unwrap_or(Value::Null)
}

fn non_empty<T>(items: Vec<T>) -> Option<Vec<T>> {
    (!items.is_empty()).then_some(items)
}

/// A tag map attribute as strings, without the managed `infra:` keys.
fn string_map(value: &Value) -> BTreeMap<String, String> {
    value
        .as_map()
        .map(|entries| {
            entries
                .iter()
                .filter(|(key, _)| !key.starts_with("infra:"))
                .filter_map(|(key, value)| value.as_str().map(|v| (key.clone(), v.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

fn tag_value<'a>(tags: &'a [Tag], key: &str) -> Option<&'a str> {
    tags.iter().find(|tag| tag.key() == Some(key)).and_then(|tag| tag.value())
}

/// Tags without AWS's own `aws:` keys (launch template, Spot, CloudFormation).
fn user_tag_pairs(tags: &[Tag]) -> impl Iterator<Item = (&str, &str)> {
    tags.iter()
        .filter_map(|tag| Some((tag.key()?, tag.value().unwrap_or(""))))
        .filter(|(key, _)| !key.starts_with("aws:"))
}

/// Tags as the provider shows them: without the `aws:` keys and the managed `infra:` keys.
fn shown_tags(tags: &[Tag]) -> Value {
    Value::Map(
        user_tag_pairs(tags)
            .filter(|(key, _)| !key.starts_with("infra:"))
            .map(|(key, value)| (key.to_string(), Value::string(value)))
            .collect(),
    )
}

/// Applies the difference between two tag maps to one EC2 resource.
async fn retag(
    ec2: &aws_sdk_ec2::Client,
    resource: &str,
    before: &BTreeMap<String, String>,
    after: &BTreeMap<String, String>,
) -> Result<(), ProviderError> {
    let removed: Vec<Tag> = before
        .keys()
        .filter(|key| !after.contains_key(*key))
        .map(|key| Tag::builder().key(key).build())
        .collect();
    let set: BTreeMap<String, String> = after
        .iter()
        .filter(|(key, value)| before.get(*key) != Some(*value))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    if !removed.is_empty() {
        sent!(ec2.delete_tags().resources(resource).set_tags(Some(removed)))?;
    }
    if !set.is_empty() {
        sent!(ec2.create_tags().resources(resource).set_tags(Some(ec2_tags(&set))))?;
    }
    Ok(())
}

/// `0.003100` → `0.0031`, `1.000` → `1`.
fn trimmed_price(price: &str) -> String {
    if price.contains('.') {
        price.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        price.to_string()
    }
}

// ---- User data ----

/// Text that already is base64 is sent as is, anything else is encoded (the provider's
/// "encode once").
fn encode_once(text: &str) -> String {
    if aws_smithy_types::base64::decode(text).is_ok() {
        text.to_string()
    } else {
        aws_smithy_types::base64::encode(text)
    }
}

/// The bytes of user data that may or may not be base64 already (ModifyInstanceAttribute
/// takes raw bytes; the SDK encodes them).
fn user_data_bytes(text: &str) -> Vec<u8> {
    aws_smithy_types::base64::decode(text).unwrap_or_else(|_| text.as_bytes().to_vec())
}

/// RunInstances' `UserData` (base64).
fn launch_user_data(planned: &Value) -> Option<String> {
    non_empty_attribute(planned, "user_data")
        .map(|text| encode_once(&text))
        .or_else(|| non_empty_attribute(planned, "user_data_base64"))
}

/// The new user data, when `user_data` or `user_data_base64` changed.
fn user_data_change(prior: &Value, planned: &Value) -> Option<Vec<u8>> {
    if changed(prior, planned, "user_data_base64") {
        if let Some(encoded) = non_empty_attribute(planned, "user_data_base64") {
            return Some(user_data_bytes(&encoded));
        }
    }
    if changed(prior, planned, "user_data") {
        if let Some(text) = string_attribute(planned, "user_data") {
            return Some(user_data_bytes(&text));
        }
    }
    None
}

/// `user_data` and `user_data_base64` from what AWS holds (base64): the configured text when
/// it is what AWS holds, base64 when the configuration uses `user_data_base64`, else the
/// decoded text (after an import).
fn user_data_read(encoded: Option<&str>, prior: &Value) -> (Value, Value) {
    let Some(encoded) = encoded.filter(|e| !e.is_empty()) else {
        return (Value::Null, Value::Null);
    };
    if let Some(text) = prior.get("user_data").as_str() {
        if encode_once(text) == encoded {
            return (Value::string(text), Value::Null);
        }
    }
    if prior.get("user_data_base64").as_str().is_some_and(|configured| !configured.is_empty()) {
        return (Value::Null, Value::string(encoded));
    }
    let text = String::from_utf8_lossy(&user_data_bytes(encoded)).into_owned();
    (Value::string(text), Value::Null)
}

// ---- To the SDK (create) ----

/// RunInstances' `Placement`. A placement group is left out when the launch template makes a
/// Spot Instance that hibernates or stops when interrupted, as the provider does.
fn placement_request(planned: &Value, interruption: Option<&str>) -> Placement {
    let group_allowed =
        interruption.is_none_or(|behavior| behavior.is_empty() || behavior == "terminate");
    Placement::builder()
        .set_availability_zone(non_empty_attribute(planned, "availability_zone"))
        .set_partition_number(int(planned, "placement_partition_number").filter(|n| *n != 0))
        .set_group_name(non_empty_attribute(planned, "placement_group").filter(|_| group_allowed))
        .set_group_id(non_empty_attribute(planned, "placement_group_id").filter(|_| group_allowed))
        .set_tenancy(as_enum(non_empty_attribute(planned, "tenancy")))
        .set_host_id(non_empty_attribute(planned, "host_id"))
        .set_host_resource_group_arn(non_empty_attribute(planned, "host_resource_group_arn"))
        .build()
}

/// The EBS part of a root or EBS block device mapping. IOPS and throughput are sent only
/// with a volume type that takes them (io1/io2/gp3, gp3), and refused with another type, as
/// the provider does.
fn ebs_request(
    item: &Value,
    block: &str,
    with_snapshot: bool,
) -> Result<EbsBlockDevice, ProviderError> {
    let mut ebs = EbsBlockDevice::builder()
        .delete_on_termination(item.get("delete_on_termination").as_bool().unwrap_or(true))
        .set_encrypted(item.get("encrypted").as_bool().filter(|encrypted| *encrypted))
        .set_kms_key_id(non_empty_attribute(item, "kms_key_id"))
        .set_volume_size(int(item, "volume_size").filter(|size| *size != 0));
    if with_snapshot {
        ebs = ebs.set_snapshot_id(non_empty_attribute(item, "snapshot_id"));
    }
    if let Some(volume_type) = non_empty_attribute(item, "volume_type") {
        let lower = volume_type.to_ascii_lowercase();
        if let Some(iops) = int(item, "iops").filter(|n| *n > 0) {
            if !matches!(lower.as_str(), "io1" | "io2" | "gp3") {
                return Err(ProviderError::new(format!(
                    "creating resource: iops attribute not supported for {block} with \
                     volume_type {volume_type}"
                )));
            }
            ebs = ebs.iops(iops);
        }
        if let Some(throughput) = int(item, "throughput").filter(|n| *n > 0) {
            if lower != "gp3" {
                return Err(ProviderError::new(format!(
                    "creating resource: throughput attribute not supported for {block} with \
                     volume_type {volume_type}"
                )));
            }
            ebs = ebs.throughput(throughput);
        }
        ebs = ebs.volume_type(VolumeType::from(volume_type.as_str()));
    }
    Ok(ebs.build())
}

/// The block device mappings of `ebs_block_device`, `ephemeral_block_device` and
/// `root_block_device` (mapped to the AMI's root device).
fn block_device_mappings(
    planned: &Value,
    root_device_name: Option<&str>,
) -> Result<Vec<BlockDeviceMapping>, ProviderError> {
    let mut mappings = Vec::new();
    for item in blocks(planned, "ebs_block_device") {
        mappings.push(
            BlockDeviceMapping::builder()
                .set_device_name(string_attribute(item, "device_name"))
                .ebs(ebs_request(item, "ebs_block_device", true)?)
                .build(),
        );
    }
    for item in blocks(planned, "ephemeral_block_device") {
        let no_device = item.get("no_device").as_bool().unwrap_or(false);
        let virtual_name = non_empty_attribute(item, "virtual_name");
        if !no_device && virtual_name.is_none() {
            return Err(ProviderError::new(
                "virtual_name cannot be empty when no_device is false or undefined.",
            ));
        }
        let mapping =
            BlockDeviceMapping::builder().set_device_name(string_attribute(item, "device_name"));
        // With NoDevice the virtual name is not needed (and not sent).
        let mapping =
            if no_device { mapping.no_device("") } else { mapping.set_virtual_name(virtual_name) };
        mappings.push(mapping.build());
    }
    if let Some(root) = single_block(planned, "root_block_device") {
        let name = root_device_name
            .ok_or_else(|| ProviderError::new("root_block_device: the AMI has no root device"))?;
        mappings.push(
            BlockDeviceMapping::builder()
                .device_name(name)
                .ebs(ebs_request(root, "root_block_device", false)?)
                .build(),
        );
    }
    Ok(mappings)
}

/// The network settings of RunInstances, as the provider builds them: with a subnet and a
/// public IP choice, a private IP or secondary IPs, one primary network interface
/// specification (AWS refuses an instance-level subnet or groups next to it); else the
/// existing interfaces of `network_interface` or `primary_network_interface`; otherwise
/// instance-level subnet, IP and security groups (IDs in a VPC, names without a subnet).
fn with_network(request: RunInstancesFluentBuilder, planned: &Value) -> RunInstancesFluentBuilder {
    let subnet = non_empty_attribute(planned, "subnet_id");
    let group_names = string_list(planned, "security_groups");
    let group_ids = string_list(planned, "vpc_security_group_ids");
    let associate = planned.get("associate_public_ip_address").as_bool();
    let private_ip = non_empty_attribute(planned, "private_ip");
    let secondary = string_list(planned, "secondary_private_ips");
    let ipv6_count = int(planned, "ipv6_address_count").filter(|n| *n != 0);
    let ipv6: Option<Vec<InstanceIpv6Address>> = non_empty(
        string_list(planned, "ipv6_addresses")
            .into_iter()
            .map(|address| InstanceIpv6Address::builder().ipv6_address(address).build())
            .collect(),
    );
    // Sent only to turn it on, as the provider does (AWS's default is off).
    let primary_ipv6 = planned.get("enable_primary_ipv6").as_bool().filter(|enabled| *enabled);
    if subnet.is_some() && (associate.is_some() || private_ip.is_some() || !secondary.is_empty()) {
        let secondary: Vec<PrivateIpAddressSpecification> = secondary
            .into_iter()
            .map(|ip| PrivateIpAddressSpecification::builder().private_ip_address(ip).build())
            .collect();
        let interface = InstanceNetworkInterfaceSpecification::builder()
            .device_index(0)
            .set_subnet_id(subnet)
            .set_groups(non_empty(group_names.into_iter().chain(group_ids).collect()))
            .set_associate_public_ip_address(associate)
            .set_private_ip_address(private_ip)
            .set_private_ip_addresses(non_empty(secondary))
            .set_ipv6_address_count(ipv6_count)
            .set_ipv6_addresses(ipv6)
            // The provider drops `enable_primary_ipv6` here; AWS takes it on the interface.
            .set_primary_ipv6(primary_ipv6)
            .build();
        return request.network_interfaces(interface);
    }
    let attached = blocks(planned, "network_interface");
    if !attached.is_empty() {
        return request.set_network_interfaces(Some(
            attached.iter().map(attached_interface_request).collect(),
        ));
    }
    if let Some(primary) = single_block(planned, "primary_network_interface") {
        return request.network_interfaces(
            InstanceNetworkInterfaceSpecification::builder()
                .device_index(0)
                .set_network_interface_id(non_empty_attribute(primary, "network_interface_id"))
                .build(),
        );
    }
    let (ids, names): (Vec<String>, Vec<String>) = if subnet.is_some() {
        (group_names.into_iter().chain(group_ids).collect(), Vec::new())
    } else {
        (group_ids, group_names)
    };
    request
        .set_subnet_id(subnet)
        .set_private_ip_address(private_ip)
        .set_security_group_ids(non_empty(ids))
        .set_security_groups(non_empty(names))
        .set_ipv6_address_count(ipv6_count)
        .set_ipv6_addresses(ipv6)
        .set_enable_primary_ipv6(primary_ipv6)
}

/// One `network_interface` block: an existing interface attached at launch. The network card
/// index is sent only when not 0, as the provider does.
fn attached_interface_request(item: &Value) -> InstanceNetworkInterfaceSpecification {
    InstanceNetworkInterfaceSpecification::builder()
        .delete_on_termination(item.get("delete_on_termination").as_bool().unwrap_or(false))
        .set_device_index(int(item, "device_index"))
        .set_network_interface_id(non_empty_attribute(item, "network_interface_id"))
        .set_network_card_index(int(item, "network_card_index").filter(|index| *index != 0))
        .build()
}

/// RunInstances' `SecondaryInterfaces`, one per `secondary_network_interface` block.
fn secondary_interfaces_request(
    planned: &Value,
) -> Option<Vec<InstanceSecondaryInterfaceSpecificationRequest>> {
    non_empty(
        blocks(planned, "secondary_network_interface")
            .iter()
            .map(|item| {
                InstanceSecondaryInterfaceSpecificationRequest::builder()
                    .set_secondary_subnet_id(non_empty_attribute(item, "secondary_subnet_id"))
                    .set_network_card_index(int(item, "network_card_index"))
                    .set_device_index(int(item, "device_index"))
                    .set_interface_type(as_enum(non_empty_attribute(item, "interface_type")))
                    .set_delete_on_termination(item.get("delete_on_termination").as_bool())
                    .set_private_ip_address_count(
                        int(item, "private_ip_address_count").filter(|count| *count > 0),
                    )
                    .build()
            })
            .collect(),
    )
}

/// `cpu_options`; `threads_per_core` goes with `core_count` only, and AWS picks the default
/// when it is not set.
/// Provider v5's `cpu_core_count` / `cpu_threads_per_core` stand in for the block's counts.
fn cpu_options_request(planned: &Value) -> Option<CpuOptionsRequest> {
    let options = single_block(planned, "cpu_options");
    let count = |block_key: &str, top_level: &str| {
        options
            .and_then(|o| int(o, block_key))
            .or_else(|| int(planned, top_level))
            .filter(|n| *n > 0)
    };
    let core_count = count("core_count", "cpu_core_count");
    if options.is_none() && core_count.is_none() {
        return None;
    }
    Some(
        CpuOptionsRequest::builder()
            .set_amd_sev_snp(
                options
                    .and_then(|o| non_empty_attribute(o, "amd_sev_snp"))
                    .map(|v| AmdSevSnpSpecification::from(v.as_str())),
            )
            .set_core_count(core_count)
            .set_threads_per_core(core_count.and(count("threads_per_core", "cpu_threads_per_core")))
            .build(),
    )
}

fn enclave_options_request(planned: &Value) -> Option<EnclaveOptionsRequest> {
    let options = single_block(planned, "enclave_options")?;
    Some(
        EnclaveOptionsRequest::builder()
            .enabled(options.get("enabled").as_bool().unwrap_or(false))
            .build(),
    )
}

/// `metadata_options`; the other settings are refused unless the endpoint is enabled.
fn metadata_options_request(planned: &Value) -> Option<InstanceMetadataOptionsRequest> {
    let options = single_block(planned, "metadata_options")?;
    let endpoint =
        non_empty_attribute(options, "http_endpoint").unwrap_or_else(|| "enabled".into());
    let request = InstanceMetadataOptionsRequest::builder()
        .http_endpoint(InstanceMetadataEndpointState::from(endpoint.as_str()));
    if endpoint != "enabled" {
        return Some(request.build());
    }
    Some(
        request
            .set_http_protocol_ipv6(as_enum(non_empty_attribute(options, "http_protocol_ipv6")))
            .set_http_tokens(as_enum(non_empty_attribute(options, "http_tokens")))
            .set_http_put_response_hop_limit(
                int(options, "http_put_response_hop_limit").filter(|n| *n != 0),
            )
            .set_instance_metadata_tags(as_enum(non_empty_attribute(
                options,
                "instance_metadata_tags",
            )))
            .build(),
    )
}

fn capacity_reservation_request(planned: &Value) -> Option<CapacityReservationSpecification> {
    let specification = single_block(planned, "capacity_reservation_specification")?;
    let (preference, target) = capacity_reservation_parts(specification);
    Some(
        CapacityReservationSpecification::builder()
            .set_capacity_reservation_preference(preference)
            .set_capacity_reservation_target(target)
            .build(),
    )
}

fn maintenance_options_request(planned: &Value) -> Option<InstanceMaintenanceOptionsRequest> {
    let options = single_block(planned, "maintenance_options")?;
    Some(
        InstanceMaintenanceOptionsRequest::builder()
            .set_auto_recovery(as_enum(non_empty_attribute(options, "auto_recovery")))
            .build(),
    )
}

fn private_dns_name_options_request(planned: &Value) -> Option<PrivateDnsNameOptionsRequest> {
    let options = single_block(planned, "private_dns_name_options")?;
    Some(
        PrivateDnsNameOptionsRequest::builder()
            .set_enable_resource_name_dns_aaaa_record(
                options.get("enable_resource_name_dns_aaaa_record").as_bool(),
            )
            .set_enable_resource_name_dns_a_record(
                options.get("enable_resource_name_dns_a_record").as_bool(),
            )
            .set_hostname_type(as_enum(non_empty_attribute(options, "hostname_type")))
            .build(),
    )
}

fn market_options_request(
    planned: &Value,
) -> Result<Option<InstanceMarketOptionsRequest>, ProviderError> {
    let Some(options) = single_block(planned, "instance_market_options") else {
        return Ok(None);
    };
    let spot = match single_block(options, "spot_options") {
        None => None,
        Some(spot) => {
            let valid_until = match non_empty_attribute(spot, "valid_until") {
                None => None,
                Some(text) => {
                    Some(DateTime::from_str(&text, DateTimeFormat::DateTime).map_err(|error| {
                        ProviderError::new(format!(
                            "instance_market_options.0.spot_options.0.valid_until: \"{text}\" \
                             is not a UTC timestamp (YYYY-MM-DDTHH:MM:SSZ): {error}"
                        ))
                    })?)
                }
            };
            Some(
                SpotMarketOptions::builder()
                    .set_instance_interruption_behavior(as_enum(non_empty_attribute(
                        spot,
                        "instance_interruption_behavior",
                    )))
                    .set_max_price(non_empty_attribute(spot, "max_price"))
                    .set_spot_instance_type(as_enum(non_empty_attribute(
                        spot,
                        "spot_instance_type",
                    )))
                    .set_valid_until(valid_until)
                    .build(),
            )
        }
    };
    Ok(Some(
        InstanceMarketOptionsRequest::builder()
            .set_market_type(as_enum(non_empty_attribute(options, "market_type")))
            .set_spot_options(spot)
            .build(),
    ))
}

/// The CPU architecture of an instance type, from its name, as EC2 names its types
/// ("Amazon EC2 instance type naming conventions": family, generation, then capabilities, where
/// `g` is an AWS Graviton processor; `a1` is the first Graviton; `mac1` is an Intel Mac,
/// `mac2*` an Apple silicon one). `None` for a name that does not follow the convention.
///
/// The provider replaces an instance whose new type shares no architecture with the old one
/// (a ForceNewIf that looks both up with DescribeInstanceTypes at plan time). infra's plan
/// makes no AWS reads, so the architecture comes from the name; where it cannot be told, the
/// change stays in place, as in the provider when a lookup fails.
fn architecture_of(instance_type: &str) -> Option<&'static str> {
    let name = instance_type.split('.').next()?;
    let family_end = name.find(|c: char| c.is_ascii_digit())?;
    let (family, rest) = name.split_at(family_end);
    let capabilities = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    if family.is_empty() || !family.chars().all(|c| c.is_ascii_lowercase()) {
        return None;
    }
    Some(match (family, rest) {
        ("mac", "1") => "x86_64_mac",
        ("mac", _) => "arm64_mac",
        ("a", "1") => "arm64",
        _ if capabilities.split('-').next()?.contains('g') => "arm64",
        _ => "x86_64",
    })
}

/// `launch_template`: by ID when known (AWS takes only one of ID and name), else by name.
fn launch_template_request(planned: &Value) -> Option<LaunchTemplateSpecification> {
    let template = single_block(planned, "launch_template")?;
    let request = LaunchTemplateSpecification::builder();
    let request = match non_empty_attribute(template, "id") {
        Some(id) => request.launch_template_id(id),
        None => request.set_launch_template_name(non_empty_attribute(template, "name")),
    };
    Some(request.set_version(non_empty_attribute(template, "version")).build())
}

// ---- From the SDK (refresh) ----

/// The interface at device index 0.
fn primary_interface(instance: &Instance) -> Option<&InstanceNetworkInterface> {
    instance
        .network_interfaces()
        .iter()
        .find(|eni| eni.attachment().and_then(|a| a.device_index()) == Some(0))
}

fn root_volume_id(instance: &Instance) -> Option<&str> {
    let root = instance.root_device_name()?;
    volume_id_of_device(instance, root)
}

fn volume_id_of_device<'a>(instance: &'a Instance, device: &str) -> Option<&'a str> {
    instance
        .block_device_mappings()
        .iter()
        .find(|mapping| mapping.device_name() == Some(device))
        .and_then(|mapping| mapping.ebs())
        .and_then(|ebs| ebs.volume_id())
}

/// Whether `prior` is what an import starts from: nothing but the ID.
fn is_import(prior: &Value) -> bool {
    prior.as_map().is_none_or(|entries| entries.keys().all(|key| key == "id"))
}

/// `network_interface`: the attached interfaces at the device indexes the prior value holds,
/// as the provider reads them (an interface another resource attached is not this one's).
/// After an import nothing is held yet: the interface at device index 0 is read when it is
/// not deleted on termination, which is what an existing interface attached at launch is (an
/// interface RunInstances creates is deleted on termination).
fn attached_interfaces_value(instance: &Instance, prior: &Value) -> Value {
    if instance.network_interfaces().is_empty() {
        return kept(prior, "network_interface", Value::List(Vec::new()));
    }
    let import = is_import(prior);
    let held: BTreeSet<i64> = blocks(prior, "network_interface")
        .iter()
        .filter_map(|item| item.get("device_index").as_i64())
        .collect();
    let items = instance
        .network_interfaces()
        .iter()
        .filter_map(|eni| {
            let attachment = eni.attachment()?;
            let index = attachment.device_index()?;
            let delete_on_termination = attachment.delete_on_termination().unwrap_or(false);
            let wanted = if import {
                index == 0 && !delete_on_termination
            } else {
                held.contains(&i64::from(index))
            };
            wanted.then(|| {
                Value::map([
                    ("delete_on_termination", Value::Bool(delete_on_termination)),
                    ("device_index", Value::Number(f64::from(index))),
                    (
                        "network_card_index",
                        Value::Number(f64::from(attachment.network_card_index().unwrap_or(0))),
                    ),
                    ("network_interface_id", optional_string(eni.network_interface_id())),
                ])
            })
        })
        .collect();
    Value::List(items)
}

/// `secondary_network_interface` from the instance's secondary interfaces. AWS lists every
/// one; an answer without any (moto's) keeps what was known, as the provider does.
fn secondary_interfaces_value(interfaces: &[InstanceSecondaryInterface], prior: &Value) -> Value {
    if interfaces.is_empty() {
        return kept(prior, "secondary_network_interface", Value::List(Vec::new()));
    }
    let before = blocks(prior, "secondary_network_interface");
    Value::List(
        interfaces
            .iter()
            .map(|interface| {
                let attachment = interface.attachment();
                let card = attachment.and_then(|a| a.network_card_index());
                let addresses: Vec<&str> = interface
                    .private_ip_addresses()
                    .iter()
                    .filter_map(|address| address.private_ip_address())
                    .collect();
                // Without addresses in the answer, the count asked for (on the same network
                // card) stays.
                let count = if addresses.is_empty() {
                    before
                        .iter()
                        .find(|item| {
                            card.is_some()
                                && item.get("network_card_index").as_i64() == card.map(i64::from)
                        })
                        .map(|item| item.get("private_ip_address_count").clone())
                        .filter(|value| value.is_wholly_known())
                        .unwrap_or(Value::Null)
                } else {
                    Value::Number(addresses.len() as f64)
                };
                Value::map([
                    ("secondary_subnet_id", optional_string(interface.secondary_subnet_id())),
                    ("network_card_index", number(card.map(i64::from))),
                    (
                        "device_index",
                        number(attachment.and_then(|a| a.device_index()).map(i64::from)),
                    ),
                    (
                        "delete_on_termination",
                        optional_bool(attachment.and_then(|a| a.delete_on_termination())),
                    ),
                    (
                        "interface_type",
                        optional_string(interface.interface_type().map(|t| t.as_str())),
                    ),
                    ("private_ip_address_count", count),
                    ("private_ip_addresses", string_values(addresses)),
                    ("secondary_interface_id", optional_string(interface.secondary_interface_id())),
                    ("secondary_network_id", optional_string(interface.secondary_network_id())),
                    ("mac_address", optional_string(interface.mac_address())),
                    ("status", optional_string(interface.status().map(|s| s.as_str()))),
                    ("source_dest_check", optional_bool(interface.source_dest_check())),
                ])
            })
            .collect(),
    )
}

/// The instance's flag for an instance in a subnet, else its primary interface's. While
/// `network_interface` blocks are held the interfaces carry the flag and the provider ignores
/// a difference (its DiffSuppressFunc): the known value stays.
fn source_dest_check_value(instance: &Instance, prior: &Value) -> Value {
    if !blocks(prior, "network_interface").is_empty() {
        if let Some(check) = prior.get("source_dest_check").as_bool() {
            return Value::Bool(check);
        }
    }
    let on_instance =
        instance.subnet_id().filter(|subnet| !subnet.is_empty()).and(instance.source_dest_check());
    let on_interface = primary_interface(instance).and_then(|eni| eni.source_dest_check());
    on_instance
        .or(on_interface)
        .map(Value::Bool)
        .unwrap_or_else(|| kept(prior, "source_dest_check", Value::Bool(true)))
}

/// `hibernation` is Optional without Computed in the provider, where unset and `false` are
/// the same: an unset value stays unset while AWS reports `false`.
fn hibernation_value(instance: &Instance, prior: &Value) -> Value {
    let before = prior.get("hibernation");
    match instance.hibernation_options().and_then(|o| o.configured()) {
        Some(false) if before.is_null() || !before.is_wholly_known() => Value::Null,
        Some(configured) => Value::Bool(configured),
        None => kept(prior, "hibernation", Value::Null),
    }
}

/// `amd_sev_snp` is kept from the prior value when AWS leaves it out, so an instance
/// launched without it does not plan a replacement for `amd_sev_snp = "disabled"` (the
/// provider's DiffSuppressFunc).
fn cpu_options_value(options: &CpuOptions, prior: &Value) -> Value {
    let amd_sev_snp = match options.amd_sev_snp() {
        Some(setting) => Value::string(setting.as_str()),
        None => single_block(prior, "cpu_options")
            .map(|before| before.get("amd_sev_snp").clone())
            .filter(|value| value.is_wholly_known())
            .unwrap_or(Value::Null),
    };
    single_object([
        ("amd_sev_snp", amd_sev_snp),
        ("core_count", number(options.core_count().map(i64::from))),
        ("threads_per_core", number(options.threads_per_core().map(i64::from))),
    ])
}

/// The configuration sets exactly one of preference and target: with a target, AWS's
/// preference is not shown.
fn capacity_reservation_value(specification: &CapacityReservationSpecificationResponse) -> Value {
    let target = specification.capacity_reservation_target();
    let preference = if target.is_some() {
        Value::Null
    } else {
        optional_string(specification.capacity_reservation_preference().map(|p| p.as_str()))
    };
    single_object([
        ("capacity_reservation_preference", preference),
        ("capacity_reservation_target", capacity_reservation_target_value(target)),
    ])
}

/// Read for burstable types only (AWS refuses the others); otherwise what was configured.
fn credit_value(instance: &Instance, related: &Related, prior: &Value) -> Value {
    let burstable =
        instance.instance_type().is_some_and(|t| related.burstable.contains(t.as_str()));
    if !burstable {
        return kept(prior, "credit_specification", Value::List(Vec::new()));
    }
    match instance.instance_id().and_then(|id| related.credits.get(id)) {
        Some(credits) => single_object([("cpu_credits", Value::string(credits))]),
        None => Value::List(Vec::new()),
    }
}

/// The launch template from the instance's `aws:ec2launchtemplate:*` tags; a version that
/// is the template's default (latest) stays `$Default` (`$Latest`) when configured so, and
/// is `$Default` after an import when it is the default.
fn launch_template_value(instance: &Instance, related: &Related, prior: &Value) -> Value {
    let Some(id) = tag_value(instance.tags(), LAUNCH_TEMPLATE_ID_TAG) else {
        return Value::List(Vec::new());
    };
    let Some(template) = related.launch_templates.get(id) else {
        return Value::List(Vec::new());
    };
    let previous = single_block(prior, "launch_template")
        .and_then(|before| before.get("version").as_str())
        .unwrap_or_default();
    let version = match tag_value(instance.tags(), LAUNCH_TEMPLATE_VERSION_TAG) {
        None | Some("") => {
            Value::string(if previous.is_empty() { DEFAULT_VERSION } else { previous })
        }
        Some(current) => Value::string(match previous {
            DEFAULT_VERSION | "" if current == template.default_version => DEFAULT_VERSION,
            LATEST_VERSION if current == template.latest_version => LATEST_VERSION,
            _ => current,
        }),
    };
    single_object([
        ("id", Value::string(id)),
        ("name", Value::string(&template.name)),
        ("version", version),
    ])
}

/// One root or EBS volume as a block: size, type, IOPS, throughput and encryption from
/// DescribeVolumes, `delete_on_termination` from the instance's mapping, and the volume's
/// tags when `volume_tags` does not manage them.
fn volume_value(
    volume: &Volume,
    delete_on_termination: Option<bool>,
    device_name: Option<&str>,
    with_tags: bool,
    with_snapshot: bool,
) -> Value {
    let tags = if with_tags { shown_tags(volume.tags()) } else { Value::Null };
    let mut entries = vec![
        ("volume_id", optional_string(volume.volume_id())),
        ("delete_on_termination", optional_bool(delete_on_termination)),
        ("device_name", optional_string(device_name)),
        ("volume_size", number(volume.size().map(i64::from))),
        ("volume_type", optional_string(volume.volume_type().map(|t| t.as_str()))),
        ("iops", number(volume.iops().map(i64::from))),
        ("throughput", number(volume.throughput().map(i64::from))),
        ("encrypted", optional_bool(volume.encrypted())),
        ("kms_key_id", optional_string(volume.kms_key_id())),
        ("tags", tags.clone()),
        ("tags_all", tags),
    ];
    if with_snapshot {
        entries.push(("snapshot_id", optional_string(volume.snapshot_id())));
    }
    Value::map(entries)
}

/// Whether the configuration tags a root or EBS volume itself.
fn block_device_tags_defined(prior: &Value) -> bool {
    ["root_block_device", "ebs_block_device"].iter().any(|block| {
        blocks(prior, block)
            .iter()
            .any(|item| item.get("tags").as_map().is_some_and(|tags| !tags.is_empty()))
    })
}

/// Where an instance's network settings are read from.
enum Network<'a> {
    /// No network interfaces listed: the instance's own fields.
    Outside,
    /// Interfaces listed, none at device index 0 (a shutting-down instance's are detached):
    /// what was known stays.
    Detached,
    /// The primary network interface.
    Primary(&'a InstanceNetworkInterface),
}

fn network(instance: &Instance) -> Network<'_> {
    if instance.network_interfaces().is_empty() {
        return Network::Outside;
    }
    match primary_interface(instance) {
        Some(primary) => Network::Primary(primary),
        None => Network::Detached,
    }
}

fn ipv6_addresses(primary: &InstanceNetworkInterface) -> Vec<&str> {
    primary.ipv6_addresses().iter().filter_map(|address| address.ipv6_address()).collect()
}

/// `primary_network_interface`: the interface at device index 0; where AWS lists none, the
/// known block stays.
fn primary_interface_value(instance: &Instance, prior: &Value) -> Value {
    let known = || kept(prior, "primary_network_interface", Value::List(Vec::new()));
    let Network::Primary(primary) = network(instance) else {
        return known();
    };
    let Some(id) = primary.network_interface_id() else {
        return known();
    };
    let delete_on_termination = primary
        .attachment()
        .and_then(|attachment| attachment.delete_on_termination())
        .unwrap_or(false);
    single_object([
        ("delete_on_termination", Value::Bool(delete_on_termination)),
        ("network_interface_id", Value::string(id)),
    ])
}

/// `enable_primary_ipv6`: AWS marks the first IPv6 address of the primary interface primary
/// once a primary IPv6 address is enabled; with no IPv6 address (or no primary interface)
/// nothing says, and the known value stays (as in the provider).
fn enable_primary_ipv6_value(instance: &Instance, prior: &Value) -> Value {
    let first = match network(instance) {
        Network::Primary(primary) => primary.ipv6_addresses().first(),
        Network::Outside | Network::Detached => None,
    };
    match first {
        Some(address) => Value::Bool(address.is_primary_ipv6().unwrap_or(false)),
        None => kept(prior, "enable_primary_ipv6", Value::Bool(false)),
    }
}

fn has_subnet(instance: &Instance) -> bool {
    instance.subnet_id().is_some_and(|subnet| !subnet.is_empty())
}

/// Whether security groups are shown by name (`security_groups`): for an instance in the
/// default VPC, or outside a subnet, as the provider decides. An instance in a subnet shows
/// them by ID (`vpc_security_group_ids`); one in the default VPC both ways.
fn groups_by_name(instance: &Instance, related: &Related) -> bool {
    instance
        .vpc_id()
        .filter(|vpc| !vpc.is_empty())
        .and_then(|vpc| related.default_vpcs.get(vpc).copied())
        .unwrap_or(!has_subnet(instance))
}

/// The instance's security groups. AWS always lists a VPC instance's; moto lists none for an
/// instance launched with a network interface specification, whose groups are on that
/// interface.
fn groups_of(instance: &Instance) -> &[GroupIdentifier] {
    if instance.security_groups().is_empty() {
        primary_interface(instance).map(|eni| eni.groups()).unwrap_or_default()
    } else {
        instance.security_groups()
    }
}

fn private_dns_name_options_value(options: &PrivateDnsNameOptionsResponse) -> Value {
    single_object([
        (
            "enable_resource_name_dns_aaaa_record",
            optional_bool(options.enable_resource_name_dns_aaaa_record()),
        ),
        (
            "enable_resource_name_dns_a_record",
            optional_bool(options.enable_resource_name_dns_a_record()),
        ),
        ("hostname_type", optional_string(options.hostname_type().map(|t| t.as_str()))),
    ])
}

/// The Spot request behind a Spot Instance (AWS may report it as "").
fn spot_request_id(instance: &Instance) -> Option<&str> {
    instance.spot_instance_request_id().filter(|id| !id.is_empty())
}

/// `instance_market_options`, read from the Spot request; kept from the prior value for a Spot
/// or Capacity Block instance whose request AWS does not give.
fn market_options_value(instance: &Instance, related: &Related, prior: &Value) -> Value {
    let request = spot_request_id(instance).and_then(|id| related.spot_requests.get(id));
    match (request, instance.instance_lifecycle()) {
        (Some(request), Some(_)) => single_object([
            ("market_type", Value::string("spot")),
            (
                "spot_options",
                single_object([
                    (
                        "instance_interruption_behavior",
                        optional_string(
                            request.instance_interruption_behavior().map(|b| b.as_str()),
                        ),
                    ),
                    ("spot_instance_type", optional_string(request.r#type().map(|t| t.as_str()))),
                    (
                        "max_price",
                        optional_string(request.spot_price().map(trimmed_price).as_deref()),
                    ),
                    (
                        "valid_until",
                        optional_string(
                            request
                                .valid_until()
                                .and_then(|time| time.fmt(DateTimeFormat::DateTime).ok())
                                .as_deref(),
                        ),
                    ),
                ]),
            ),
        ]),
        (None, Some(_)) => kept(prior, "instance_market_options", Value::List(Vec::new())),
        (_, None) => Value::List(Vec::new()),
    }
}

/// The instance's EBS volumes as blocks: the root device's (`root_block_device`), every other
/// one (`ebs_block_device`), and the tags of them all (for `volume_tags`).
struct BlockDevices {
    root: Option<Value>,
    ebs: Vec<Value>,
    tags: BTreeMap<String, Value>,
}

fn block_devices(described: &Described, prior: &Value) -> BlockDevices {
    let instance = &described.instance;
    let mut devices = BlockDevices { root: None, ebs: Vec::new(), tags: BTreeMap::new() };
    for mapping in instance.block_device_mappings() {
        let Some(device) = mapping.ebs() else {
            continue;
        };
        let volumes = &described.related.volumes;
        let Some(volume) = device.volume_id().and_then(|id| volumes.get(id)) else {
            continue;
        };
        if let Value::Map(tags) = shown_tags(volume.tags()) {
            devices.tags.extend(tags);
        }
        let is_root =
            mapping.device_name().is_some() && mapping.device_name() == instance.root_device_name();
        let item = volume_value(
            volume,
            device.delete_on_termination(),
            mapping.device_name(),
            !volume_tags_set(prior),
            !is_root,
        );
        if is_root {
            devices.root = Some(item);
        } else {
            devices.ebs.push(item);
        }
    }
    devices
}

fn volume_tags_set(prior: &Value) -> bool {
    prior.get("volume_tags").as_map().is_some_and(|tags| !tags.is_empty())
}

/// `volume_tags`: the tags of all the instance's volumes, when the configuration sets
/// `volume_tags` and tags no volume itself; else what was known.
fn volume_tags_value(described: &Described, prior: &Value) -> Value {
    if volume_tags_set(prior) && !block_device_tags_defined(prior) {
        Value::Map(block_devices(described, prior).tags)
    } else {
        kept(prior, "volume_tags", Value::Null)
    }
}

/// The user data AWS holds (base64), where it said.
fn encoded_user_data(described: &Described) -> Option<&str> {
    described.attributes().and_then(|attributes| attributes.user_data.as_deref())
}

#[cfg(test)]
mod tests {
    use infra_core::ResourceType;

    use crate::Aws;

    use super::*;

    #[test]
    fn instance_type_names_tell_the_architecture() {
        for (name, architecture) in [
            ("t3.micro", Some("x86_64")),
            ("t4g.micro", Some("arm64")),
            ("m6gd.large", Some("arm64")),
            ("c7gn.xlarge", Some("arm64")),
            ("im4gn.large", Some("arm64")),
            ("is4gen.medium", Some("arm64")),
            ("g5g.xlarge", Some("arm64")),
            ("g4dn.xlarge", Some("x86_64")),
            ("c7i-flex.large", Some("x86_64")),
            ("p6-b200.48xlarge", Some("x86_64")),
            ("a1.medium", Some("arm64")),
            ("mac1.metal", Some("x86_64_mac")),
            ("mac2-m2pro.metal", Some("arm64_mac")),
            ("u-6tb1.metal", None),
            ("", None),
        ] {
            assert_eq!(architecture_of(name), architecture, "{name}");
        }
    }

    #[test]
    fn another_architecture_replaces_the_instance_and_the_same_one_does_not() {
        let instance = AwsInstance::new(Aws::new(crate::ProviderSettings::default()));
        let with_type = |name: &str| Value::map([("instance_type", Value::string(name))]);
        let changed = vec!["instance_type".to_string()];
        assert_eq!(
            instance.replacing_changes(&with_type("t3.micro"), &with_type("t4g.micro"), &changed),
            changed
        );
        assert!(instance
            .replacing_changes(&with_type("t3.micro"), &with_type("m5.large"), &changed)
            .is_empty());
        assert!(instance
            .replacing_changes(&with_type("t3.micro"), &with_type("u-6tb1.metal"), &changed)
            .is_empty());
    }

    #[test]
    fn a_launch_template_version_replaces_only_when_it_names_another_version() {
        let template = LaunchTemplateInfo {
            name: "web".into(),
            default_version: "1".into(),
            latest_version: "2".into(),
        };
        let versions = launch_template_versions("1", &template);
        assert!(!names_another_version(&versions, "$Default"));
        assert!(!names_another_version(&versions, "1"));
        assert!(names_another_version(&versions, "$Latest"));
        assert!(names_another_version(&versions, "2"));

        // What the refresh read is what the plan compares with; without it, a new version
        // replaces.
        let instance = AwsInstance::new(Aws::new(crate::ProviderSettings::default()));
        let with_version = |version: Value| {
            Value::map([
                ("id", Value::string("i-1")),
                ("launch_template", Value::List(vec![Value::map([("version", version)])])),
            ])
        };
        let changed = vec!["launch_template[0].version".to_string()];
        let prior = with_version(Value::string("$Latest"));
        assert_eq!(
            instance.replacing_changes(&prior, &with_version(Value::string("1")), &changed),
            changed
        );
        instance.remember("i-1", versions);
        assert!(instance
            .replacing_changes(&prior, &with_version(Value::string("1")), &changed)
            .is_empty());
        assert_eq!(
            instance.replacing_changes(&prior, &with_version(Value::Unknown), &changed),
            changed
        );
    }

    #[test]
    fn v5_cpu_counts_are_sent_as_cpu_options() {
        let planned = Value::map([
            ("cpu_core_count", Value::Number(2.0)),
            ("cpu_threads_per_core", Value::Number(1.0)),
        ]);
        let request = cpu_options_request(&planned).expect("cpu options");
        assert_eq!(request.core_count(), Some(2));
        assert_eq!(request.threads_per_core(), Some(1));
        assert!(cpu_options_request(&Value::map([("ami", Value::string("a"))])).is_none());
    }

    #[test]
    fn user_data_is_encoded_once() {
        assert_eq!(encode_once("#!/bin/sh\necho hi"), "IyEvYmluL3NoCmVjaG8gaGk=");
        assert_eq!(encode_once("IyEvYmluL3NoCmVjaG8gaGk="), "IyEvYmluL3NoCmVjaG8gaGk=");
        assert_eq!(user_data_bytes("IyEvYmluL3NoCmVjaG8gaGk="), b"#!/bin/sh\necho hi");
        assert_eq!(user_data_bytes("plain text"), b"plain text");
    }

    #[test]
    fn user_data_reads_back_as_configured() {
        let encoded = "IyEvYmluL3NoCmVjaG8gaGk=";
        let text = Value::map([("user_data", Value::string("#!/bin/sh\necho hi"))]);
        assert_eq!(user_data_read(Some(encoded), &text).0, Value::string("#!/bin/sh\necho hi"));
        let base64 = Value::map([("user_data_base64", Value::string(encoded))]);
        let read = user_data_read(Some(encoded), &base64);
        assert_eq!(read, (Value::Null, Value::string(encoded)));
        // After an import nothing is configured: the decoded text.
        assert_eq!(
            user_data_read(Some(encoded), &Value::Null).0,
            Value::string("#!/bin/sh\necho hi")
        );
    }

    #[test]
    fn spot_prices_lose_trailing_zeros() {
        assert_eq!(trimmed_price("0.003100"), "0.0031");
        assert_eq!(trimmed_price("1.000"), "1");
        assert_eq!(trimmed_price("10"), "10");
    }

    #[test]
    fn profile_names_come_from_arns() {
        assert_eq!(profile_name("arn:aws:iam::123456789012:instance-profile/a/b/web"), "web");
    }

    #[test]
    fn validation_follows_the_provider() {
        let instance = AwsInstance::new(Aws::new(crate::ProviderSettings::default()));
        let config = Value::map([
            ("ami", Value::string("ami-1")),
            ("instance_type", Value::string("t3.micro")),
            ("user_data_replace_on_change", Value::Bool(true)),
        ]);
        assert!(instance.validate(&config).is_empty());
        let missing = instance.problems(&Value::map([
            ("user_data", Value::string("x")),
            ("user_data_base64", Value::string("eA==")),
        ]));
        let paths: Vec<&str> = missing.iter().map(|(path, _)| path.as_str()).collect();
        assert_eq!(
            paths,
            ["ami", "instance_type", "user_data", "user_data_base64", "launch_template"],
            "{missing:?}"
        );
        assert_eq!(missing[0].1, "\"ami\": one of `ami,launch_template` must be specified");
        assert_eq!(missing[2].1, "\"user_data\": conflicts with user_data_base64");
        assert_eq!(
            missing[4].1,
            "\"launch_template\": one of `ami,instance_type,launch_template` must be specified"
        );
    }

    #[test]
    fn a_capacity_reservation_has_a_preference_or_a_target() {
        let instance = AwsInstance::new(Aws::new(crate::ProviderSettings::default()));
        let with = |specification: Value| {
            instance.problems(&Value::map([
                ("ami", Value::string("ami-1")),
                ("instance_type", Value::string("t3.micro")),
                ("capacity_reservation_specification", Value::List(vec![specification])),
            ]))
        };
        let keys = "capacity_reservation_specification.0.capacity_reservation_preference,\
                    capacity_reservation_specification.0.capacity_reservation_target";
        // Neither: each of the two declares the rule, and each reports it.
        let neither = with(Value::map([("capacity_reservation_preference", Value::Null)]));
        assert_eq!(
            neither,
            [
                (
                    "capacity_reservation_specification[0].capacity_reservation_preference"
                        .to_string(),
                    format!(
                        "\"capacity_reservation_specification.0.capacity_reservation_preference\": \
                         one of `{keys}` must be specified"
                    )
                ),
                (
                    "capacity_reservation_specification[0].capacity_reservation_target".to_string(),
                    format!(
                        "\"capacity_reservation_specification.0.capacity_reservation_target\": \
                         one of `{keys}` must be specified"
                    )
                ),
            ]
        );
        // A target naming both a reservation and a group: the two conflict (and, as in the
        // SDK, an argument that conflicts is not checked further).
        let target = Value::map([
            ("capacity_reservation_id", Value::string("cr-1")),
            ("capacity_reservation_resource_group_arn", Value::string("group")),
        ]);
        let both = with(Value::map([("capacity_reservation_target", Value::List(vec![target]))]));
        let messages: Vec<&str> = both.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].ends_with(
            "capacity_reservation_id\": conflicts with \
             capacity_reservation_specification.0.capacity_reservation_target.0.\
             capacity_reservation_resource_group_arn"
        ));
        let group =
            Value::map([("capacity_reservation_resource_group_arn", Value::string("group"))]);
        let bad_group =
            with(Value::map([("capacity_reservation_target", Value::List(vec![group]))]));
        assert!(bad_group[0].1.contains("is an invalid ARN"), "{bad_group:?}");
        assert!(with(Value::map([("capacity_reservation_preference", Value::string("open"))]))
            .is_empty());
    }

    #[test]
    fn attached_interfaces_conflict_with_instance_level_network_arguments() {
        let instance = AwsInstance::new(Aws::new(crate::ProviderSettings::default()));
        let interface = Value::List(vec![Value::map([
            ("device_index", Value::Number(0.0)),
            ("network_interface_id", Value::string("eni-1")),
        ])]);
        let problems = instance.problems(&Value::map([
            ("ami", Value::string("ami-1")),
            ("instance_type", Value::string("t3.micro")),
            ("subnet_id", Value::string("subnet-1")),
            ("network_interface", interface.clone()),
            ("primary_network_interface", interface),
            ("placement_group", Value::string("cluster")),
            ("placement_group_id", Value::string("pg-1")),
        ]));
        let messages: Vec<&str> = problems.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(
            messages,
            [
                "\"placement_group\": conflicts with placement_group_id",
                "\"placement_group_id\": conflicts with placement_group",
                // The SDK names the first conflicting argument only.
                "\"network_interface\": conflicts with primary_network_interface",
                "\"primary_network_interface\": conflicts with network_interface",
            ],
            "{problems:?}"
        );
        assert_eq!(problems[2].0, "network_interface");
    }

    #[test]
    fn turning_primary_ipv6_off_replaces_the_instance() {
        let instance = AwsInstance::new(Aws::new(crate::ProviderSettings::default()));
        let on = Value::map([("enable_primary_ipv6", Value::Bool(true))]);
        let off = Value::map([("enable_primary_ipv6", Value::Bool(false))]);
        let changed = vec!["enable_primary_ipv6".to_string()];
        assert_eq!(instance.replacing_changes(&on, &off, &changed), changed.clone());
        assert!(instance.replacing_changes(&off, &on, &changed).is_empty());
    }

    fn eni(id: &str, index: i32, delete_on_termination: bool) -> InstanceNetworkInterface {
        InstanceNetworkInterface::builder()
            .network_interface_id(id)
            .attachment(
                aws_sdk_ec2::types::InstanceNetworkInterfaceAttachment::builder()
                    .device_index(index)
                    .delete_on_termination(delete_on_termination)
                    .network_card_index(0)
                    .build(),
            )
            .build()
    }

    #[test]
    fn attached_interfaces_are_read_at_the_held_device_indexes() {
        let instance = Instance::builder()
            .instance_id("i-1")
            .network_interfaces(eni("eni-0", 0, false))
            .network_interfaces(eni("eni-1", 1, false))
            .build();
        let item = |id: &str, index: f64| {
            Value::map([
                ("delete_on_termination", Value::Bool(false)),
                ("device_index", Value::Number(index)),
                ("network_card_index", Value::Number(0.0)),
                ("network_interface_id", Value::string(id)),
            ])
        };
        // Held at index 0 only: the interface another resource attached at 1 is not read.
        let held = Value::map([
            ("id", Value::string("i-1")),
            ("network_interface", Value::List(vec![item("eni-0", 0.0)])),
        ]);
        assert_eq!(
            attached_interfaces_value(&instance, &held),
            Value::List(vec![item("eni-0", 0.0)])
        );
        // None held (an instance launched into a subnet): none read.
        let none = Value::map([("id", Value::string("i-1")), ("ami", Value::string("ami-1"))]);
        assert_eq!(attached_interfaces_value(&instance, &none), Value::List(Vec::new()));
        // After an import: the existing interface at index 0.
        let imported = Value::map([("id", Value::string("i-1"))]);
        assert_eq!(
            attached_interfaces_value(&instance, &imported),
            Value::List(vec![item("eni-0", 0.0)])
        );
        // An interface RunInstances made (deleted on termination) is not one to attach.
        let launched = Instance::builder()
            .instance_id("i-2")
            .network_interfaces(eni("eni-2", 0, true))
            .build();
        assert_eq!(attached_interfaces_value(&launched, &imported), Value::List(Vec::new()));
    }
}
