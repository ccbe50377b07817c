//! `aws_nat_gateway`: a NAT gateway. A zonal one (`availability_mode = "zonal"`, the default)
//! sits in one subnet, public (an Elastic IP, `allocation_id`) or private; a regional one
//! (`availability_mode = "regional"`) is public and spans the zones of a VPC (`vpc_id`), either
//! managing its zones itself (auto mode, no `availability_zone_address` blocks) or using the
//! Elastic IPs each `availability_zone_address` block names (manual mode). Create waits until
//! the gateway is available and delete until it is deleted, so the Elastic IP it holds can be
//! released right after.
//!
//! Terraform ID and import ID: the gateway id (`nat-...`).
//!
//! Replacement: `allocation_id`, `subnet_id`, `connectivity_type`, `private_ip`,
//! `availability_mode`, `vpc_id`, and a configured `secondary_private_ip_address_count` (it can
//! only be configured on a private gateway; the provider forces replacement when it changes).
//! In place, with the provider's waits on each address: `secondary_allocation_ids` on a public
//! zonal gateway (AssociateNatGatewayAddress, paired with the private addresses added to
//! `secondary_private_ip_addresses` in the same change, and DisassociateNatGatewayAddress),
//! `secondary_private_ip_addresses` on a private zonal gateway
//! (Assign/UnassignPrivateNatGatewayAddress), and a regional gateway's
//! `availability_zone_address` blocks (Elastic IPs associated and disassociated per zone),
//! plus tags.
//!
//! Adding the first or removing the last `availability_zone_address` block switches a regional
//! gateway between auto and manual mode, which AWS cannot do in place: that change replaces it
//! ([`ResourceType::replacing_changes`]), as in the provider (which does it through a hidden
//! computed attribute, `regional_nat_gateway_auto_mode`, that infra stores null). Should an
//! update still get such a change, it fails with an error that names `-replace=ADDRESS`.
//!
//! Where this differs from the provider:
//! - On a public zonal gateway, private addresses are paired with Elastic IPs: a change to
//!   `secondary_private_ip_addresses` alone cannot be made. The provider then does nothing (and
//!   plans the same change again); here the update fails and says why.
//! - `availability_zone_address` blocks are read back naming each zone as the prior state (or
//!   the plan) names it, by `availability_zone` or by `availability_zone_id`, as the provider's
//!   diff suppression does; with nothing to go by (import) both are read.
//!
//! Refresh is batched: one DescribeNatGateways per 200 ids (`nat-gateway-id` filter).
//!
//! moto 5.2.5 holds only `subnet_id`, `allocation_id`, `connectivity_type` and tags (and reports
//! the subnet's `vpc_id`), so drift on the rest is not seen in tests:
//! - it ignores `private_ip` (it picks an address of its own), so a configured address reads
//!   back as drift there and is not set in tests; AWS gives the gateway the address asked for;
//! - it ignores `secondary_allocation_ids`, `secondary_private_ip_addresses` and
//!   `secondary_private_ip_address_count` on create, and has no AssociateNatGatewayAddress,
//!   DisassociateNatGatewayAddress, AssignPrivateNatGatewayAddress or
//!   UnassignPrivateNatGatewayAddress (a call fails as not implemented), so secondary addresses
//!   cannot be tested there at all;
//! - it cannot create a regional gateway (it needs `SubnetId` and ignores `AvailabilityMode`,
//!   `VpcId` and `AvailabilityZoneAddresses`), and reports no `availabilityMode` (read as
//!   `zonal`), `isPrimary` (its single address is the primary one), address `status`,
//!   `autoProvisionZones`, `autoScalingIps` or `routeTableId`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::time::Duration;

use aws_sdk_ec2::types::{
    AutoProvisionZonesState, AutoScalingIpsState, AvailabilityMode, AvailabilityZoneAddress,
    ConnectivityType, NatGateway, NatGatewayAddress, NatGatewayAddressStatus, NatGatewayState,
    ResourceType as Ec2ResourceType, Tag,
};
use infra_core::{
    Attribute, Block, Check, Operation, ProviderError, Schema, Timeouts, Type, Value,
};

use crate::app_support::{blocks, sent, sent_unless_gone};
use crate::ec2_object::{
    read, read_block, string, Creating, Declared, Deleting, Describing, Ec2Object, Ec2Type,
    Reading, Updating,
};
use crate::ec2_support::{
    as_enum, client_token, created_id, filter, integer_attribute, non_empty_attribute,
    non_empty_list, optional_string, set_changes, string_attribute, string_list, string_values,
    wait_for,
};
use crate::error::aws_error;
use crate::error::is_not_found;
use crate::paginated::all_items;

const ZONAL: &str = "zonal";
const REGIONAL: &str = "regional";
const ZONE_ADDRESS: &str = "availability_zone_address";

pub type AwsNatGateway = Ec2Type<NatGatewayObject>;

pub struct NatGatewayObject;

/// The secondary address a wait follows: the one holding an Elastic IP, or a private address.
#[derive(Clone, Copy)]
enum AddressKey<'a> {
    Allocation(&'a str),
    PrivateIp(&'a str),
}

impl AddressKey<'_> {
    fn matches(self, address: &NatGatewayAddress) -> bool {
        match self {
            AddressKey::Allocation(id) => address.allocation_id() == Some(id),
            AddressKey::PrivateIp(ip) => address.private_ip() == Some(ip),
        }
    }
}

impl fmt::Display for AddressKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddressKey::Allocation(id) => write!(f, "Elastic IP {id}"),
            AddressKey::PrivateIp(ip) => write!(f, "private IP {ip}"),
        }
    }
}

impl AwsNatGateway {
    /// A deleted gateway's elastic IP is free again in AWS. moto 5.2.5 leaves it associated
    /// with the gateway's network interface, so that a replacement gateway with the same
    /// allocation fails with Resource.AlreadyAssociated: release that association here. Best
    /// effort: the gateway is already deleted, so no error here fails the delete.
    async fn release_address(&self, prior: &Value) {
        let _ = self.try_release_address(prior).await;
    }

    async fn try_release_address(&self, prior: &Value) -> Result<(), ProviderError> {
        let (Some(allocation_id), Some(interface_id)) = (
            string_attribute(prior, "allocation_id"),
            string_attribute(prior, "network_interface_id"),
        ) else {
            return Ok(());
        };
        let ec2 = self.ec2().await;
        let addresses =
            sent!(ec2.describe_addresses().filters(filter("allocation-id", [allocation_id])))?;
        for address in addresses.addresses() {
            if address.network_interface_id() != Some(interface_id.as_str()) {
                continue;
            }
            if let Some(association_id) = address.association_id() {
                sent!(ec2.disassociate_address().association_id(association_id))?;
            }
        }
        Ok(())
    }

    /// The gateway's state, `None` when AWS no longer lists it.
    async fn state(&self, id: &str) -> Result<Option<(NatGatewayState, String)>, ProviderError> {
        let gateways: Vec<NatGateway> =
            sent!(self.ec2().await.describe_nat_gateways().filter(filter("nat-gateway-id", [id])))?
                .nat_gateways()
                .to_vec();
        Ok(gateways.first().and_then(|gateway| {
            let state = gateway.state()?.clone();
            let reason = gateway.failure_message().unwrap_or_default().to_string();
            Some((state, reason))
        }))
    }

    // ---- Secondary addresses ----

    /// The gateway's address that `key` names, `None` when it has none such.
    async fn find_address(
        &self,
        id: &str,
        key: AddressKey<'_>,
    ) -> Result<Option<NatGatewayAddress>, ProviderError> {
        let gateway = self.item(id).await?;
        Ok(gateway
            .iter()
            .flat_map(|gateway| gateway.nat_gateway_addresses())
            .find(|address| key.matches(address))
            .cloned())
    }

    /// Waits, one after the other, until each address of `addresses` (Elastic IPs' allocation
    /// ids or private IPs, as `as_key` reads them) is in use (`succeeded`: it was associated or
    /// assigned) or, with `in_use` false, released (gone: it was disassociated or unassigned,
    /// and AWS drains its connections first).
    async fn wait_addresses<'k>(
        &self,
        id: &str,
        addresses: &'k [String],
        as_key: fn(&'k str) -> AddressKey<'k>,
        in_use: bool,
        timeout: Duration,
    ) -> Result<(), ProviderError> {
        let what = if in_use { "in use" } else { "released" };
        for key in addresses.iter().map(|address| as_key(address)) {
            wait_for(timeout, &format!("NAT gateway {id} {key} to be {what}"), || async {
                match self.find_address(id, key).await? {
                    Some(address) if address_failed(&address) => {
                        Err(address_failure(id, key, &address))
                    }
                    Some(address) if in_use && is_settled(&address) => Ok(Some(())),
                    None if !in_use => Ok(Some(())),
                    _ => Ok(None),
                }
            })
            .await?;
        }
        Ok(())
    }

    /// Associates Elastic IPs with a public gateway, paired with `private_ips` (or addresses AWS
    /// picks), in `zone` for a regional gateway; then waits until each is in use.
    async fn associate_addresses(
        &self,
        id: &str,
        allocation_ids: Vec<String>,
        private_ips: Vec<String>,
        zone: Option<String>,
        timeout: Duration,
    ) -> Result<(), ProviderError> {
        if allocation_ids.is_empty() {
            return Ok(());
        }
        sent!(self
            .ec2()
            .await
            .associate_nat_gateway_address()
            .nat_gateway_id(id)
            .set_allocation_ids(Some(allocation_ids.clone()))
            .set_private_ip_addresses(non_empty_list(private_ips))
            .set_availability_zone(zone))?;
        self.wait_addresses(id, &allocation_ids, AddressKey::Allocation, true, timeout).await
    }

    /// Disassociates Elastic IPs (by the association ids AWS reports for them) and waits until
    /// each is released, with its private address.
    async fn disassociate_addresses(
        &self,
        id: &str,
        allocation_ids: &[String],
        timeout: Duration,
    ) -> Result<(), ProviderError> {
        if allocation_ids.is_empty() {
            return Ok(());
        }
        let gateway = self.item(id).await?;
        let association_ids: Vec<String> = gateway
            .iter()
            .flat_map(|gateway| gateway.nat_gateway_addresses())
            .filter(|address| {
                address
                    .allocation_id()
                    .is_some_and(|allocation| allocation_ids.iter().any(|a| a == allocation))
            })
            .filter_map(|address| address.association_id().map(str::to_string))
            .collect();
        if association_ids.is_empty() {
            return Ok(());
        }
        sent!(self
            .ec2()
            .await
            .disassociate_nat_gateway_address()
            .nat_gateway_id(id)
            .set_association_ids(Some(association_ids)))?;
        self.wait_addresses(id, allocation_ids, AddressKey::Allocation, false, timeout).await
    }

    /// Assigns (`assign`) secondary private addresses to a private gateway, or unassigns them,
    /// and waits until each is in use, or released.
    async fn assign_private_addresses(
        &self,
        id: &str,
        private_ips: Vec<String>,
        assign: bool,
        timeout: Duration,
    ) -> Result<(), ProviderError> {
        if private_ips.is_empty() {
            return Ok(());
        }
        let ec2 = self.ec2().await;
        let ips = Some(private_ips.clone());
        if assign {
            let request = ec2.assign_private_nat_gateway_address();
            let request = request.nat_gateway_id(id).set_private_ip_addresses(ips);
            request.send().await.map_err(aws_error)?;
        } else {
            let request = ec2.unassign_private_nat_gateway_address();
            let request = request.nat_gateway_id(id).set_private_ip_addresses(ips);
            request.send().await.map_err(aws_error)?;
        }
        self.wait_addresses(id, &private_ips, AddressKey::PrivateIp, assign, timeout).await
    }

    /// A private zonal gateway's `secondary_private_ip_addresses`: the new ones assigned, then
    /// the dropped ones unassigned, as the provider orders them.
    async fn update_private_addresses(
        &self,
        id: &str,
        prior: &Value,
        planned: &Value,
        timeout: Duration,
    ) -> Result<(), ProviderError> {
        let (added, removed) = set_changes(prior, planned, "secondary_private_ip_addresses");
        self.assign_private_addresses(id, added, true, timeout).await?;
        self.assign_private_addresses(id, removed, false, timeout).await
    }

    /// A public zonal gateway's `secondary_allocation_ids`: new Elastic IPs associated with the
    /// private addresses added in the same change, dropped ones disassociated (which releases
    /// their private addresses too).
    async fn update_secondary_allocations(
        &self,
        id: &str,
        prior: &Value,
        planned: &Value,
        timeout: Duration,
    ) -> Result<(), ProviderError> {
        let (added, removed) = set_changes(prior, planned, "secondary_allocation_ids");
        let (added_ips, removed_ips) =
            set_changes(prior, planned, "secondary_private_ip_addresses");
        if added.is_empty() && removed.is_empty() {
            if added_ips.is_empty() && removed_ips.is_empty() {
                return Ok(());
            }
            return Err(ProviderError::with_code(
                "InvalidParameterCombination",
                format!(
                    "NAT gateway {id}: on a public NAT gateway secondary_private_ip_addresses \
                     change only together with secondary_allocation_ids (AWS pairs each \
                     secondary Elastic IP with a private address)"
                ),
            ));
        }
        self.associate_addresses(id, added, added_ips, None, timeout).await?;
        self.disassociate_addresses(id, &removed, timeout).await
    }

    /// A regional gateway's `availability_zone_address` blocks, compared per zone as the
    /// provider does: the Elastic IPs new to a zone are associated there, then all dropped
    /// ones are disassociated.
    async fn update_zone_addresses(
        &self,
        operation: &Operation,
        id: &str,
        prior: &Value,
        planned: &Value,
    ) -> Result<(), ProviderError> {
        if !planned.get(ZONE_ADDRESS).is_wholly_known() {
            return Ok(());
        }
        if switches_zone_mode(prior, planned) {
            return Err(mode_switch_error(&operation.address, id));
        }
        let (before, after) = (blocks(prior, ZONE_ADDRESS), blocks(planned, ZONE_ADDRESS));
        let zone_names = if needs_zone_names(before) || needs_zone_names(after) {
            self.zone_names().await?
        } else {
            HashMap::new()
        };
        let before = allocations_by_zone(before, &zone_names)?;
        let after = allocations_by_zone(after, &zone_names)?;
        let timeout = operation.timeouts.update;
        let none = BTreeSet::new();
        let mut removed = Vec::new();
        let zones: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
        for zone in zones {
            let old = before.get(zone).unwrap_or(&none);
            let new = after.get(zone).unwrap_or(&none);
            let added: Vec<String> = new.difference(old).cloned().collect();
            self.associate_addresses(id, added, Vec::new(), Some(zone.clone()), timeout).await?;
            removed.extend(old.difference(new).cloned());
        }
        self.disassociate_addresses(id, &removed, timeout).await
    }

    /// Zone id -> zone name, to compare blocks that name a zone by id with those that name it
    /// by name.
    async fn zone_names(&self) -> Result<HashMap<String, String>, ProviderError> {
        let output = sent!(self
            .ec2()
            .await
            .describe_availability_zones()
            .filters(filter("zone-type", ["availability-zone"])))?;
        Ok(output
            .availability_zones()
            .iter()
            .filter_map(|zone| Some((zone.zone_id()?.to_string(), zone.zone_name()?.to_string())))
            .collect())
    }
}

// ---- Schema and validation ----

/// One `availability_zone_address` block: the Elastic IPs a regional gateway uses in a zone,
/// named by `availability_zone` or `availability_zone_id`.
fn zone_address_schema() -> Schema {
    Schema::new()
        .attr(Attribute::optional("allocation_ids", Type::set(Type::String)))
        .attr(Attribute::optional("availability_zone", Type::String))
        .attr(Attribute::optional("availability_zone_id", Type::String))
}

/// Whether the configuration sets `name` to something: known, not null, not an empty list.
fn is_configured(config: &Value, name: &str) -> bool {
    match config.get(name).unmarked() {
        Value::Null | Value::Unknown => false,
        Value::List(items) => !items.is_empty(),
        _ => true,
    }
}

/// The configured value of an attribute with a default; `None` while it is unknown.
fn setting<'a>(config: &'a Value, name: &str, default: &'a str) -> Option<&'a str> {
    let value = config.get(name);
    if value.is_null() {
        Some(default)
    } else {
        value.as_str()
    }
}

fn problem(path: &str, message: impl Into<String>) -> (String, String) {
    (path.to_string(), message.into())
}

/// The provider's checks of arguments against `connectivity_type`.
fn connectivity_problems(config: &Value) -> Vec<(String, String)> {
    let unsupported = |name: &str, kind: &str| {
        problem(name, format!("{name} is not supported with connectivity_type = \"{kind}\""))
    };
    match setting(config, "connectivity_type", "public") {
        Some("private") => ["allocation_id", "secondary_allocation_ids"]
            .into_iter()
            .filter(|name| is_configured(config, name))
            .map(|name| unsupported(name, "private"))
            .collect(),
        Some("public") if is_configured(config, "secondary_private_ip_address_count") => {
            vec![unsupported("secondary_private_ip_address_count", "public")]
        }
        _ => vec![],
    }
}

/// A zonal gateway needs its subnet, and an Elastic IP unless it is private.
fn zonal_problems(config: &Value) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    if config.get("subnet_id").is_null() {
        problems.push(problem(
            "subnet_id",
            "The argument \"subnet_id\" is required, but no definition was found.",
        ));
    }
    let public = config.get("connectivity_type").as_str().is_none_or(|kind| kind == "public");
    if public && config.get("allocation_id").is_null() {
        problems.push(problem(
            "allocation_id",
            "a public NAT gateway needs an Elastic IP: set allocation_id (or connectivity_type = \"private\").",
        ));
    }
    if !blocks(config, ZONE_ADDRESS).is_empty() {
        problems.push(problem(
            ZONE_ADDRESS,
            "availability_zone_address is supported only with availability_mode = \"regional\"",
        ));
    }
    problems
}

/// A regional gateway is public, lives in a VPC rather than a subnet, and gets its addresses
/// per zone; each zone is named.
fn regional_problems(config: &Value) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    if config.get("vpc_id").is_null() {
        problems
            .push(problem("vpc_id", "vpc_id is required with availability_mode = \"regional\""));
    }
    for name in [
        "subnet_id",
        "allocation_id",
        "private_ip",
        "secondary_allocation_ids",
        "secondary_private_ip_addresses",
        "secondary_private_ip_address_count",
    ] {
        if is_configured(config, name) {
            problems.push(problem(
                name,
                format!("{name} is not supported with availability_mode = \"regional\""),
            ));
        }
    }
    if config.get("connectivity_type").as_str() == Some("private") {
        problems.push(problem(
            "connectivity_type",
            "a regional NAT gateway is public: connectivity_type must be \"public\"",
        ));
    }
    for (index, item) in blocks(config, ZONE_ADDRESS).iter().enumerate() {
        if item.get("availability_zone").is_null() && item.get("availability_zone_id").is_null() {
            problems.push(problem(
                &format!("{ZONE_ADDRESS}[{index}]"),
                "At least one of availability_zone or availability_zone_id must be specified",
            ));
        }
    }
    problems
}

// ---- Requests ----

/// `secondary_private_ip_address_count` to send; like the provider, a count of zero is not.
fn secondary_address_count(planned: &Value) -> Option<i32> {
    integer_attribute(planned, "secondary_private_ip_address_count")
        .and_then(|count| i32::try_from(count).ok())
        .filter(|count| *count > 0)
}

/// The `availability_zone_address` blocks for CreateNatGateway; `None` (auto mode) without
/// any.
fn zone_addresses_request(planned: &Value) -> Option<Vec<AvailabilityZoneAddress>> {
    let items = blocks(planned, ZONE_ADDRESS);
    if items.is_empty() {
        return None;
    }
    Some(items.iter().map(zone_address_request).collect())
}

/// One zone's Elastic IPs, the zone named by name if the block has one, else by id (the
/// provider sends one of the two).
fn zone_address_request(item: &Value) -> AvailabilityZoneAddress {
    let zone = non_empty_attribute(item, "availability_zone");
    let zone_id = match zone {
        Some(_) => None,
        None => non_empty_attribute(item, "availability_zone_id"),
    };
    AvailabilityZoneAddress::builder()
        .set_allocation_ids(non_empty_list(string_list(item, "allocation_ids")))
        .set_availability_zone(zone)
        .set_availability_zone_id(zone_id)
        .build()
}

fn is_regional(value: &Value) -> bool {
    value.get("availability_mode").as_str() == Some(REGIONAL)
}

fn is_private(value: &Value) -> bool {
    value.get("connectivity_type").as_str() == Some("private")
}

/// Whether any block names its zone only by id, so ids must be translated to names.
fn needs_zone_names(items: &[Value]) -> bool {
    items.iter().any(|item| {
        non_empty_attribute(item, "availability_zone").is_none()
            && non_empty_attribute(item, "availability_zone_id").is_some()
    })
}

/// The zone name a block stands for (its id translated with `zone_names`).
fn zone_name(item: &Value, zone_names: &HashMap<String, String>) -> Result<String, ProviderError> {
    if let Some(name) = non_empty_attribute(item, "availability_zone") {
        return Ok(name);
    }
    let Some(zone_id) = non_empty_attribute(item, "availability_zone_id") else {
        return Err(ProviderError::new(
            "either availability_zone or availability_zone_id must be specified",
        ));
    };
    zone_names
        .get(&zone_id)
        .cloned()
        .ok_or_else(|| ProviderError::new(format!("availability zone ID {zone_id:?} not found")))
}

/// The Elastic IPs of each zone in `availability_zone_address` blocks, by zone name.
fn allocations_by_zone(
    items: &[Value],
    zone_names: &HashMap<String, String>,
) -> Result<BTreeMap<String, BTreeSet<String>>, ProviderError> {
    let mut zones: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in items {
        zones
            .entry(zone_name(item, zone_names)?)
            .or_default()
            .extend(string_list(item, "allocation_ids"));
    }
    Ok(zones)
}

/// Whether a regional gateway goes from no `availability_zone_address` blocks to some, or from
/// some to none. A block list not yet known (a dynamic block over unknown values) switches
/// nothing yet.
fn switches_zone_mode(prior: &Value, planned: &Value) -> bool {
    let Some(after) = planned.get(ZONE_ADDRESS).as_list() else {
        return false;
    };
    is_regional(planned) && blocks(prior, ZONE_ADDRESS).is_empty() != after.is_empty()
}

fn mode_switch_error(address: &str, id: &str) -> ProviderError {
    ProviderError::with_code(
        "NatGatewayModeChange",
        format!(
            "{address} ({id}): adding the first or removing the last availability_zone_address \
             block switches a regional NAT gateway between automatic and manual zone \
             management, which AWS cannot do in place (the AWS provider replaces the gateway). \
             Plan the replacement with -replace={address}."
        ),
    )
}

// ---- Reading ----

/// Whether an address is in use: AWS says `succeeded`; an emulator that reports no status is
/// taken at its word.
fn is_settled(address: &NatGatewayAddress) -> bool {
    matches!(address.status(), None | Some(NatGatewayAddressStatus::Succeeded))
}

fn address_failed(address: &NatGatewayAddress) -> bool {
    matches!(address.status(), Some(NatGatewayAddressStatus::Failed))
}

fn address_failure(id: &str, key: AddressKey<'_>, address: &NatGatewayAddress) -> ProviderError {
    ProviderError::with_code(
        "NatGatewayAddressFailed",
        format!("NAT gateway {id} {key} failed: {}", address.failure_message().unwrap_or_default()),
    )
}

/// Which address is the gateway's primary one: the one AWS marks; else the first, which is
/// the only one where the provider takes it as primary (and what this type read before AWS
/// marked addresses).
fn primary_index(addresses: &[NatGatewayAddress]) -> Option<usize> {
    addresses
        .iter()
        .position(|address| address.is_primary() == Some(true))
        .or_else(|| (!addresses.is_empty()).then_some(0))
}

fn mode(gateway: &NatGateway) -> &str {
    gateway.availability_mode().map(AvailabilityMode::as_str).unwrap_or(ZONAL)
}

/// A zonal gateway's primary address.
fn primary(gateway: &NatGateway) -> Option<&NatGatewayAddress> {
    let addresses = gateway.nat_gateway_addresses();
    primary_index(addresses).and_then(|index| addresses.get(index))
}

/// A zonal gateway's other addresses: its secondary ones.
fn secondary(gateway: &NatGateway) -> impl Iterator<Item = &NatGatewayAddress> {
    let primary_at = primary_index(gateway.nat_gateway_addresses());
    let addresses = gateway.nat_gateway_addresses().iter().enumerate();
    addresses.filter(move |(index, _)| Some(*index) != primary_at).map(|(_, address)| address)
}

fn secondary_private_ips(gateway: &NatGateway) -> impl Iterator<Item = &str> {
    secondary(gateway).filter_map(|address| address.private_ip()).filter(|ip| !ip.is_empty())
}

/// An attribute of the gateways of one mode (`ZONAL`: its addresses; `REGIONAL`: its zone
/// management and addresses), null on the other mode's.
fn in_mode(
    wanted: &'static str,
    attribute: Attribute,
    value: impl Fn(&NatGateway) -> Value + Send + Sync + 'static,
) -> Declared<NatGateway> {
    read(attribute, move |gateway: &NatGateway, _: &Reading| {
        match (mode(gateway) == REGIONAL) == (wanted == REGIONAL) {
            true => value(gateway),
            false => Value::Null,
        }
    })
}

/// A field of a zonal gateway's primary address.
fn primary_address(
    attribute: Attribute,
    field: fn(&NatGatewayAddress) -> Option<&str>,
) -> Declared<NatGateway> {
    in_mode(ZONAL, attribute, move |gateway| optional_string(primary(gateway).and_then(field)))
}

/// A regional gateway's per-zone Elastic IPs, named as `prior` names the zones; none in auto
/// mode, as the provider reads it, or on a zonal gateway.
fn zone_addresses_value(gateway: &NatGateway, prior: &Value) -> Value {
    let automatic =
        matches!(gateway.auto_provision_zones(), Some(AutoProvisionZonesState::Enabled));
    if mode(gateway) != REGIONAL || automatic {
        return Value::List(Vec::new());
    }
    zone_address_blocks(gateway.nat_gateway_addresses(), prior)
}

/// The `availability_zone_address` blocks of a manual-mode regional gateway: the Elastic IPs in
/// use, grouped by zone.
fn zone_address_blocks(addresses: &[NatGatewayAddress], hint: &Value) -> Value {
    let mut zones: BTreeMap<(&str, &str), Vec<&str>> = BTreeMap::new();
    for address in addresses.iter().filter(|address| is_settled(address)) {
        let zone = (
            address.availability_zone().unwrap_or_default(),
            address.availability_zone_id().unwrap_or_default(),
        );
        zones.entry(zone).or_default().extend(address.allocation_id());
    }
    let hints = blocks(hint, ZONE_ADDRESS);
    Value::List(
        zones
            .into_iter()
            .map(|((name, zone_id), allocation_ids)| {
                zone_address_block(name, zone_id, allocation_ids, hints)
            })
            .collect(),
    )
}

/// One `availability_zone_address` block, naming its zone the way the hint's block for that
/// zone does (by name, by id, or both); with no such block, both as AWS reports them.
fn zone_address_block(
    name: &str,
    zone_id: &str,
    allocation_ids: Vec<&str>,
    hints: &[Value],
) -> Value {
    let hint = hints
        .iter()
        .find(|item| names_zone(item, "availability_zone", name))
        .or_else(|| hints.iter().find(|item| names_zone(item, "availability_zone_id", zone_id)));
    let named = |key: &str, reported: &str| {
        let wanted = hint.is_none_or(|item| !item.get(key).is_null());
        if wanted && !reported.is_empty() {
            Value::string(reported)
        } else {
            Value::Null
        }
    };
    Value::map([
        ("allocation_ids", string_values(allocation_ids)),
        ("availability_zone", named("availability_zone", name)),
        ("availability_zone_id", named("availability_zone_id", zone_id)),
    ])
}

/// Whether a configured block names the zone AWS reported as `reported` under `key`.
fn names_zone(item: &Value, key: &str, reported: &str) -> bool {
    !reported.is_empty() && item.get(key).as_str() == Some(reported)
}

/// `regional_nat_gateway_address`: every address of a regional gateway, with its status.
fn regional_addresses(addresses: &[NatGatewayAddress]) -> Value {
    Value::List(
        addresses
            .iter()
            .map(|address| {
                Value::map([
                    ("allocation_id", optional_string(address.allocation_id())),
                    ("association_id", optional_string(address.association_id())),
                    ("availability_zone", optional_string(address.availability_zone())),
                    ("availability_zone_id", optional_string(address.availability_zone_id())),
                    ("network_interface_id", optional_string(address.network_interface_id())),
                    ("public_ip", optional_string(address.public_ip())),
                    (
                        "status",
                        optional_string(address.status().map(NatGatewayAddressStatus::as_str)),
                    ),
                ])
            })
            .collect(),
    )
}

impl Ec2Object for NatGatewayObject {
    type Item = NatGateway;
    const NAME: &'static str = "aws_nat_gateway";
    const ID_FILTER: Option<&'static str> = Some("nat-gateway-id");
    const NOT_FOUND: &'static str = "NatGatewayNotFound";

    fn attributes() -> Vec<Declared<NatGateway>> {
        vec![
            string(Attribute::computed("id", Type::String), NatGateway::nat_gateway_id),
            primary_address(
                Attribute::optional_computed("allocation_id", Type::String).force_new(),
                NatGatewayAddress::allocation_id,
            ),
            // Required for a zonal gateway, refused for a regional one: see `validate`.
            string(
                Attribute::optional("subnet_id", Type::String).force_new(),
                NatGateway::subnet_id,
            ),
            read(
                Attribute::optional("connectivity_type", Type::String)
                    .default(Value::string("public"))
                    .force_new()
                    .check(Check::OneOf(&["public", "private"])),
                |gateway: &NatGateway, _| {
                    let kind = gateway.connectivity_type().map(ConnectivityType::as_str);
                    Value::string(kind.unwrap_or("public"))
                },
            ),
            primary_address(
                Attribute::optional_computed("private_ip", Type::String).force_new(),
                NatGatewayAddress::private_ip,
            ),
            read(
                Attribute::optional_computed("availability_mode", Type::String)
                    .force_new()
                    .check(Check::OneOf(&["zonal", "regional"])),
                |gateway: &NatGateway, _| Value::string(mode(gateway)),
            ),
            string(
                Attribute::optional_computed("vpc_id", Type::String).force_new(),
                NatGateway::vpc_id,
            ),
            in_mode(
                ZONAL,
                Attribute::optional_computed("secondary_allocation_ids", Type::set(Type::String)),
                |gateway| {
                    let allocations = secondary(gateway).filter_map(|a| a.allocation_id());
                    string_values(allocations.filter(|allocation| !allocation.is_empty()))
                },
            ),
            // Force-new is what the provider's plan does: the count can only be configured on
            // a private gateway, and a configured count that changes replaces it. Unconfigured,
            // it keeps the prior value and never differs.
            in_mode(
                ZONAL,
                Attribute::optional_computed("secondary_private_ip_address_count", Type::Number)
                    .force_new()
                    .conflicts_with(&["secondary_private_ip_addresses"]),
                |gateway| Value::Number(secondary_private_ips(gateway).count() as f64),
            ),
            in_mode(
                ZONAL,
                Attribute::optional_computed(
                    "secondary_private_ip_addresses",
                    Type::set(Type::String),
                )
                .conflicts_with(&["secondary_private_ip_address_count"]),
                |gateway| string_values(secondary_private_ips(gateway)),
            ),
            primary_address(
                Attribute::computed("public_ip", Type::String),
                NatGatewayAddress::public_ip,
            ),
            primary_address(
                Attribute::computed("association_id", Type::String),
                NatGatewayAddress::association_id,
            ),
            primary_address(
                Attribute::computed("network_interface_id", Type::String),
                NatGatewayAddress::network_interface_id,
            ),
            in_mode(
                REGIONAL,
                Attribute::computed("auto_provision_zones", Type::String),
                |gateway| {
                    let state = gateway.auto_provision_zones();
                    optional_string(state.map(AutoProvisionZonesState::as_str))
                },
            ),
            in_mode(REGIONAL, Attribute::computed("auto_scaling_ips", Type::String), |gateway| {
                optional_string(gateway.auto_scaling_ips().map(AutoScalingIpsState::as_str))
            }),
            in_mode(REGIONAL, Attribute::computed("route_table_id", Type::String), |gateway| {
                optional_string(gateway.route_table_id())
            }),
            // The provider's hidden switch between auto and manual mode: stored null here.
            Declared::unread(Attribute::computed("regional_nat_gateway_auto_mode", Type::String)),
            in_mode(
                REGIONAL,
                Attribute::computed(
                    "regional_nat_gateway_address",
                    Type::set(Type::map(Type::String)),
                ),
                |gateway| regional_addresses(gateway.nat_gateway_addresses()),
            ),
            read_block(
                Block::set(ZONE_ADDRESS, zone_address_schema()),
                |gateway: &NatGateway, at| zone_addresses_value(gateway, at.prior),
            ),
        ]
    }

    fn schema(schema: Schema) -> Schema {
        schema.timeouts(&["create", "update", "delete"])
    }

    fn default_timeouts() -> Timeouts {
        Timeouts::minutes(10, 10, 30)
    }

    const ID: fn(&NatGateway) -> Option<&str> = NatGateway::nat_gateway_id;
    const TAGS: fn(&NatGateway) -> &[Tag] = NatGateway::tags;

    /// Deleted gateways are left out (AWS lists them for an hour).
    fn is_gone(gateway: &NatGateway) -> bool {
        matches!(gateway.state(), Some(NatGatewayState::Deleted | NatGatewayState::Deleting))
    }

    fn not_found(id: &str) -> ProviderError {
        ProviderError::with_code(Self::NOT_FOUND, format!("NAT gateway {id} not found"))
    }

    /// A regional gateway switching between auto mode (no `availability_zone_address` blocks)
    /// and manual mode is replaced, as the provider plans it.
    fn replacing_changes(prior: &Value, planned: &Value, changed: &[String]) -> Vec<String> {
        if !switches_zone_mode(prior, planned) {
            return Vec::new();
        }
        changed
            .iter()
            .filter(|path| {
                path.as_str() == ZONE_ADDRESS || path.starts_with(&format!("{ZONE_ADDRESS}["))
            })
            .cloned()
            .collect()
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        // A regional gateway refuses the zonal-only arguments outright, so the connectivity
        // checks (about the same arguments) would only repeat them.
        match setting(config, "availability_mode", ZONAL) {
            Some(REGIONAL) => problems.extend(regional_problems(config)),
            Some(ZONAL) => {
                problems.extend(connectivity_problems(config));
                problems.extend(zonal_problems(config));
            }
            _ => problems.extend(connectivity_problems(config)),
        }
        problems
    }

    async fn describe(at: Describing<'_>) -> Result<Vec<NatGateway>, ProviderError> {
        all_items!(at
            .ec2
            .describe_nat_gateways()
            .set_nat_gateway_ids(at.ids)
            .set_filter(at.filters))
    }

    /// Creates the gateway and waits until it is available.
    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let ec2 = at.this.ec2().await;
        let connectivity = string_attribute(at.planned, "connectivity_type")
            .unwrap_or_else(|| "public".to_string());
        let output = sent!(ec2
            .create_nat_gateway()
            .client_token(client_token(at.operation, at.planned))
            .set_subnet_id(string_attribute(at.planned, "subnet_id"))
            .set_allocation_id(non_empty_attribute(at.planned, "allocation_id"))
            .set_private_ip_address(non_empty_attribute(at.planned, "private_ip"))
            .connectivity_type(ConnectivityType::from(connectivity.as_str()))
            .set_availability_mode(as_enum(non_empty_attribute(at.planned, "availability_mode")),)
            .set_vpc_id(non_empty_attribute(at.planned, "vpc_id"))
            .set_availability_zone_addresses(zone_addresses_request(at.planned))
            .set_secondary_allocation_ids(non_empty_list(string_list(
                at.planned,
                "secondary_allocation_ids",
            )))
            .set_secondary_private_ip_addresses(non_empty_list(string_list(
                at.planned,
                "secondary_private_ip_addresses",
            )))
            .set_secondary_private_ip_address_count(secondary_address_count(at.planned))
            .tag_specifications(at.tag_specification(Ec2ResourceType::Natgateway)))?;
        let id = created_id(
            output.nat_gateway().and_then(NatGateway::nat_gateway_id),
            "CreateNatGateway returned no id",
        )?;
        wait_for(
            at.operation.timeouts.create,
            &format!("NAT gateway {id} to become available"),
            || async {
                match at.this.state(&id).await? {
                    Some((NatGatewayState::Available, _)) => Ok(Some(())),
                    Some((NatGatewayState::Failed, reason)) => Err(ProviderError::with_code(
                        "NatGatewayFailed",
                        format!("NAT gateway {id} failed: {reason}"),
                    )),
                    _ => Ok(None),
                }
            },
        )
        .await?;
        Ok(id)
    }

    async fn update(at: Updating<'_, Self>) -> Result<(), ProviderError> {
        let timeout = at.operation.timeouts.update;
        if is_regional(at.planned) {
            at.this.update_zone_addresses(at.operation, at.key, at.prior, at.planned).await
        } else if is_private(at.planned) {
            at.this.update_private_addresses(at.key, at.prior, at.planned, timeout).await
        } else {
            at.this.update_secondary_allocations(at.key, at.prior, at.planned, timeout).await
        }
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let id = at.key;
        let ec2 = at.this.ec2().await;
        if !sent_unless_gone(sent!(ec2.delete_nat_gateway().nat_gateway_id(id)), is_not_found)? {
            return Ok(());
        }
        wait_for(
            at.operation.timeouts.delete,
            &format!("NAT gateway {id} to be deleted"),
            || async {
                Ok(match at.this.state(id).await? {
                    None | Some((NatGatewayState::Deleted, _)) => Some(()),
                    _ => None,
                })
            },
        )
        .await?;
        at.this.release_address(at.prior).await;
        Ok(())
    }
}
