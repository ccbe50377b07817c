//! `aws_network_acl`: a network ACL with inline `ingress`/`egress` rule sets and the subnets
//! it applies to. A subnet taken out of `subnet_ids` (or the whole ACL destroyed) goes back to
//! its VPC's default network ACL, as in the provider, since every subnet must have one.
//!
//! As in the provider, the rule blocks are Optional+Computed: with no `ingress` (or `egress`)
//! block the ACL's entries in that direction are not managed here (`aws_network_acl_rule`
//! resources own them), so they are neither drift nor removed. `subnet_ids` is likewise
//! Optional+Computed. Protocols are compared by number (`tcp` is `6`), actions ignoring case.
//!
//! Both ACL types are one [`Ec2Object`], [`AclObject`]: `aws_default_network_acl` is
//! `AclObject<true>`, with its own attributes' shape and adoption. The entry logic is shared
//! with `aws_network_acl_rule`.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_ec2::types::{
    Filter, IcmpTypeCode, NetworkAcl, NetworkAclEntry, PortRange, ResourceType as Ec2ResourceType,
    RuleAction, Tag,
};
use infra_core::{Attribute, Block, Check, ProviderError, Schema, Timeouts, Type, Value};

use crate::app_support::{deleted_or_gone, sent};
use crate::ec2_object::{
    arn, computed, owner_id, read, read_block, string, Creating, Declared, Deleting, Describing,
    Ec2Object, Ec2Type, Updating,
};
use crate::ec2_support::{
    block_network_problems, chunks_of, client_token, created_id, delete_with_retry,
    describe_by_ids, filter, for_each_inline_rule, normalize_inline_rules, optional_string,
    string_attribute, string_list, string_values,
};
use crate::paginated::all_items;

/// The rule number of the catch-all deny entry AWS adds to every ACL; never reported.
const CATCH_ALL_RULE: i32 = 32767;

/// The schema of one inline `ingress` or `egress` block.
fn entry_schema() -> Schema {
    Schema::new()
        .attr(Attribute::required("action", Type::String).check(Check::OneOfAnyCase(RULE_ACTIONS)))
        .attr(Attribute::optional("cidr_block", Type::String).default(Value::string("")))
        .attr(Attribute::required("from_port", Type::Number).check(Check::Port))
        .attr(Attribute::optional("icmp_code", Type::Number).default(Value::Number(0.0)))
        .attr(Attribute::optional("icmp_type", Type::Number).default(Value::Number(0.0)))
        .attr(Attribute::optional("ipv6_cidr_block", Type::String).default(Value::string("")))
        .attr(Attribute::required("protocol", Type::String))
        .attr(Attribute::required("rule_no", Type::Number).check(Check::Range(1, 32766)))
        .attr(Attribute::required("to_port", Type::Number).check(Check::Port))
}

/// The protocol number a network ACL protocol names (`tcp` → 6, `all` → -1), as the provider
/// accepts them: a number -1..=255 or an IANA keyword.
pub(crate) fn protocol_number(protocol: &str) -> Option<i64> {
    let lower = protocol.trim().to_ascii_lowercase();
    if let Ok(number) = lower.parse::<i64>() {
        return (-1..=255).contains(&number).then_some(number);
    }
    let number = match lower.as_str() {
        "all" => -1,
        "hopopt" => 0,
        "icmp" => 1,
        "igmp" => 2,
        "ipv4" => 4,
        "tcp" => 6,
        "egp" => 8,
        "udp" => 17,
        "ipv6" => 41,
        "gre" => 47,
        "esp" => 50,
        "ah" => 51,
        "icmpv6" | "ipv6-icmp" => 58,
        "sctp" => 132,
        _ => return None,
    };
    Some(number)
}

/// Why a protocol is not one the provider accepts, if it is not.
pub(crate) fn protocol_problem(protocol: &str) -> Option<String> {
    protocol_number(protocol).is_none().then(|| {
        format!("\"{protocol}\" is not a protocol: use a number -1-255 or a name such as \"tcp\", \"udp\", \"icmp\" or \"all\".")
    })
}

/// A rule block with every attribute present, its protocol a number and its action lower-case.
fn full_entry(entry: &Value) -> Value {
    let mut entry = entry.clone();
    entry_schema().normalize(&mut entry);
    let number = |name: &str| Value::Number(entry.get(name).as_f64().unwrap_or(0.0));
    let text = |name: &str| Value::string(entry.get(name).as_str().unwrap_or_default());
    let protocol = entry.get("protocol").as_str().unwrap_or_default();
    let protocol =
        protocol_number(protocol).map(|n| n.to_string()).unwrap_or_else(|| protocol.to_string());
    Value::map([
        (
            "action",
            Value::string(entry.get("action").as_str().unwrap_or_default().to_ascii_lowercase()),
        ),
        ("cidr_block", text("cidr_block")),
        ("from_port", number("from_port")),
        ("icmp_code", number("icmp_code")),
        ("icmp_type", number("icmp_type")),
        ("ipv6_cidr_block", text("ipv6_cidr_block")),
        ("protocol", Value::String(protocol)),
        ("rule_no", number("rule_no")),
        ("to_port", number("to_port")),
    ])
}

/// An AWS entry as an inline rule block (already full).
fn entry_block(entry: &NetworkAclEntry) -> Value {
    let protocol = entry.protocol().unwrap_or("-1");
    let (from_port, to_port) = entry
        .port_range()
        .map(|range| (range.from().unwrap_or(0), range.to().unwrap_or(0)))
        .unwrap_or((0, 0));
    let (icmp_type, icmp_code) = entry
        .icmp_type_code()
        .map(|icmp| (icmp.r#type().unwrap_or(0), icmp.code().unwrap_or(0)))
        .unwrap_or((0, 0));
    full_entry(&Value::map([
        ("action", Value::string(entry.rule_action().map(|a| a.as_str()).unwrap_or_default())),
        ("cidr_block", optional_string(entry.cidr_block())),
        ("from_port", Value::Number(f64::from(from_port))),
        ("icmp_code", Value::Number(f64::from(icmp_code))),
        ("icmp_type", Value::Number(f64::from(icmp_type))),
        ("ipv6_cidr_block", optional_string(entry.ipv6_cidr_block())),
        ("protocol", Value::string(protocol)),
        ("rule_no", Value::Number(f64::from(entry.rule_number().unwrap_or(0)))),
        ("to_port", Value::Number(f64::from(to_port))),
    ]))
}

/// Full rule blocks by rule number.
fn entries_by_number(entries: &Value) -> BTreeMap<i64, Value> {
    entries
        .as_list()
        .unwrap_or(&[])
        .iter()
        .map(full_entry)
        .filter_map(|entry| Some((entry.get("rule_no").as_i64()?, entry)))
        .collect()
}

/// Plan-time checks of the inline rule blocks: the protocol, and the CIDR blocks as the
/// provider checks them ([`block_network_problems`]).
fn validate_entries(config: &Value) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    for_each_inline_rule(config, |path, entry| {
        if let Some(problem) = entry.get("protocol").as_str().and_then(protocol_problem) {
            problems.push((path("protocol"), problem));
        }
        problems.extend(block_network_problems(entry, path));
    });
    problems
}

/// A rule's action, checked in any case (the provider's `enum.ValidateIgnoreCase`).
pub(crate) const RULE_ACTIONS: &[&str] = &["allow", "deny"];

pub type AwsNetworkAcl = Ec2Type<AclObject<false>>;

/// A network ACL: `aws_network_acl`, or with `DEFAULT` `aws_default_network_acl` (a VPC's
/// default ACL, adopted and never deleted; see that module).
pub struct AclObject<const DEFAULT: bool>;

impl<const DEFAULT: bool> Ec2Object for AclObject<DEFAULT> {
    type Item = NetworkAcl;
    const NAME: &'static str = match DEFAULT {
        false => "aws_network_acl",
        true => "aws_default_network_acl",
    };
    /// Described by `NetworkAclIds` (moto does not implement the `network-acl-id` filter).
    const ID_FILTER: Option<&'static str> = None;
    const NOT_FOUND: &'static str = "InvalidNetworkAclID.NotFound";
    const NOUN: &'static str = "network ACL";
    /// A default ACL is adopted, and only forgotten on delete.
    const ADOPTS: bool = DEFAULT;

    fn attributes() -> Vec<Declared<NetworkAcl>> {
        let mut attributes = vec![
            computed("id", NetworkAcl::network_acl_id),
            arn("network-acl", NetworkAcl::network_acl_id, NetworkAcl::owner_id),
            owner_id(NetworkAcl::owner_id),
        ];
        let subnet_ids = |attribute: Attribute| {
            read(attribute, |acl: &NetworkAcl, _| {
                string_values(acl.associations().iter().filter_map(|a| a.subnet_id()))
            })
        };
        attributes.extend(match DEFAULT {
            false => vec![
                string(Attribute::required("vpc_id", Type::String).force_new(), NetworkAcl::vpc_id),
                subnet_ids(Attribute::optional_computed("subnet_ids", Type::set(Type::String))),
            ],
            true => vec![
                string(
                    Attribute::required("default_network_acl_id", Type::String).force_new(),
                    NetworkAcl::network_acl_id,
                ),
                computed("vpc_id", NetworkAcl::vpc_id),
                subnet_ids(Attribute::optional("subnet_ids", Type::set(Type::String))),
            ],
        });
        let rules = |name: &'static str, egress: bool| {
            // A default ACL's rule blocks are the whole truth (see the module docs); an ACL's
            // are the provider's attributes-as-blocks (`ingress = []` says none).
            let block = Block::set(name, entry_schema());
            let block = match DEFAULT {
                true => block,
                false => block.computed().attribute_mode(),
            };
            read_block(block, move |acl: &NetworkAcl, _| rule_blocks(acl, egress))
        };
        attributes.extend([rules("ingress", false), rules("egress", true)]);
        attributes
    }

    fn default_timeouts() -> Timeouts {
        Timeouts::minutes(5, 5, 5)
    }

    const ID: fn(&NetworkAcl) -> Option<&str> = NetworkAcl::network_acl_id;
    const TAGS: fn(&NetworkAcl) -> &[Tag] = NetworkAcl::tags;

    fn validate(config: &Value) -> Vec<(String, String)> {
        validate_entries(config)
    }

    fn normalize(value: &mut Value) {
        normalize_inline_rules(value, full_entry);
    }

    async fn describe(at: Describing<'_>) -> Result<Vec<NetworkAcl>, ProviderError> {
        match at.ids {
            Some(ids) => Ok(sent!(at.ec2.describe_network_acls().set_network_acl_ids(Some(ids)))?
                .network_acls()
                .to_vec()),
            None => acls_matching(at.ec2, at.filters.unwrap_or_default()).await,
        }
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let ec2 = at.this.ec2().await;
        let output = sent!(ec2
            .create_network_acl()
            .client_token(client_token(at.operation, at.planned))
            .set_vpc_id(string_attribute(at.planned, "vpc_id"))
            .tag_specifications(at.tag_specification(Ec2ResourceType::NetworkAcl)))?;
        let id = created_id(
            output.network_acl().and_then(NetworkAcl::network_acl_id),
            "CreateNetworkAcl returned no id",
        )?;
        change_all_entries(ec2, &id, &Value::Null, at.planned).await?;
        associate(ec2, &id, &string_list(at.planned, "subnet_ids")).await?;
        Ok(id)
    }

    /// Adopts the planned default ACL: its entries and subnets (then its tags) are updated from
    /// what they are to the configuration.
    async fn adopt(at: Creating<'_, Self>) -> Result<(String, Value), ProviderError> {
        let id = string_attribute(at.planned, "default_network_acl_id").ok_or_else(|| {
            ProviderError::new("aws_default_network_acl: default_network_acl_id is not known")
        })?;
        // As in the provider, only a default ACL can be adopted.
        let is_default = at.this.item(&id).await?.is_some_and(|acl| acl.is_default() == Some(true));
        if !is_default {
            return Err(ProviderError::new(format!(
                "use the aws_network_acl resource instead: EC2 Network ACL ({id}) is not a VPC's default network ACL (or does not exist)"
            )));
        }
        let current = at.this.read_one(&id, &Value::Null).await?;
        // Adoption: every entry goes, then the configured ones are created.
        Self::update(at.then_update(&id, &current)).await?;
        Ok((id, current))
    }

    /// Adoption is found by its natural key: the ACL it adopts.
    async fn find_adopted(
        this: &Ec2Type<Self>,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        match string_attribute(planned, "default_network_acl_id") {
            Some(id) => this.find(&id, Some(planned)).await,
            None => Ok(None),
        }
    }

    async fn update(at: Updating<'_, Self>) -> Result<(), ProviderError> {
        let ec2 = at.this.ec2().await;
        change_all_entries(ec2, at.key, at.prior, at.planned).await?;
        let before = string_list(at.prior, "subnet_ids");
        let after = string_list(at.planned, "subnet_ids");
        let added: Vec<String> = after.iter().filter(|s| !before.contains(s)).cloned().collect();
        if DEFAULT {
            // A subnet cannot be taken away from the default ACL: it must join another one.
            return associate(ec2, at.key, &added).await;
        }
        if at.planned.get("subnet_ids").as_list().is_some() {
            let removed: Vec<String> =
                before.iter().filter(|s| !after.contains(s)).cloned().collect();
            associate(ec2, at.key, &added).await?;
            let vpc_id = string_attribute(at.prior, "vpc_id").unwrap_or_default();
            release(ec2, &vpc_id, &removed).await?;
        }
        Ok(())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let id = at.key;
        // Whatever AWS says is associated now goes back to the default ACL first.
        let Some(current) = at.this.find(id, None).await? else {
            return Ok(());
        };
        let ec2 = at.this.ec2().await;
        let vpc_id = string_attribute(&current, "vpc_id").unwrap_or_default();
        release(ec2, &vpc_id, &string_list(&current, "subnet_ids")).await?;
        delete_with_retry(at.operation.timeouts.delete, &format!("network ACL {id}"), || async {
            sent!(ec2.delete_network_acl().network_acl_id(id))
        })
        .await
    }
}

/// The ACLs with these IDs that exist, as AWS describes them.
pub(crate) async fn acls_by_id(
    ec2: &aws_sdk_ec2::Client,
    ids: &[String],
) -> Result<Vec<NetworkAcl>, ProviderError> {
    describe_by_ids(ids, |chunk| {
        AclObject::<false>::describe(Describing::new(ec2, Some(chunk), vec![]))
    })
    .await
}

/// An ACL's entries in one direction as rule blocks, but the catch-all deny.
fn rule_blocks(acl: &NetworkAcl, egress: bool) -> Value {
    Value::List(
        acl.entries()
            .iter()
            .filter(|entry| entry.egress() == Some(egress))
            .filter(|entry| entry.rule_number() != Some(CATCH_ALL_RULE))
            .map(entry_block)
            .collect(),
    )
}

/// Deletes and creates entries in one direction so the ACL holds `after` (full rule blocks by
/// rule number) instead of `before`.
async fn change_entries(
    ec2: &aws_sdk_ec2::Client,
    id: &str,
    egress: bool,
    before: &BTreeMap<i64, Value>,
    after: &BTreeMap<i64, Value>,
) -> Result<(), ProviderError> {
    for (number, entry) in before {
        if after.get(number) == Some(entry) {
            continue;
        }
        let answer = sent!(ec2
            .delete_network_acl_entry()
            .network_acl_id(id)
            .egress(egress)
            .rule_number(i32::try_from(*number).unwrap_or(i32::MAX)));
        deleted_or_gone(answer, crate::error::is_not_found)?;
    }
    for (number, entry) in after {
        if before.get(number) == Some(entry) {
            continue;
        }
        create_entry(
            ec2,
            id,
            egress,
            *number,
            entry.get("protocol").as_str().unwrap_or("-1"),
            entry.get("action").as_str().unwrap_or_default(),
            entry,
        )
        .await?;
    }
    Ok(())
}

/// Applies both directions' rule blocks: `before` to `after`.
async fn change_all_entries(
    ec2: &aws_sdk_ec2::Client,
    id: &str,
    before: &Value,
    after: &Value,
) -> Result<(), ProviderError> {
    for (direction, egress) in [("ingress", false), ("egress", true)] {
        // Unknown (Optional+Computed, not configured): not managed.
        if after.get(direction).as_list().is_none() {
            continue;
        }
        change_entries(
            ec2,
            id,
            egress,
            &entries_by_number(before.get(direction)),
            &entries_by_number(after.get(direction)),
        )
        .await?;
    }
    Ok(())
}

/// The ACLs matching `filters`.
async fn acls_matching(
    ec2: &aws_sdk_ec2::Client,
    filters: Vec<Filter>,
) -> Result<Vec<NetworkAcl>, ProviderError> {
    all_items!(ec2.describe_network_acls().set_filters(Some(filters)))
}

/// Associates `subnets` with ACL `id`, replacing each subnet's current association.
async fn associate(
    ec2: &aws_sdk_ec2::Client,
    id: &str,
    subnets: &[String],
) -> Result<(), ProviderError> {
    if subnets.is_empty() {
        return Ok(());
    }
    let mut associations: HashMap<String, String> = HashMap::new();
    for chunk in chunks_of(subnets) {
        let in_chunk = filter("association.subnet-id", chunk.iter().cloned());
        for acl in acls_matching(ec2, vec![in_chunk]).await? {
            for association in acl.associations() {
                if let (Some(subnet), Some(association_id)) =
                    (association.subnet_id(), association.network_acl_association_id())
                {
                    associations.insert(subnet.to_string(), association_id.to_string());
                }
            }
        }
    }
    for subnet in subnets {
        let association_id = associations.get(subnet).ok_or_else(|| {
            ProviderError::with_code(
                "InvalidSubnetID.NotFound",
                format!("subnet {subnet} has no network ACL association to replace"),
            )
        })?;
        sent!(ec2
            .replace_network_acl_association()
            .association_id(association_id)
            .network_acl_id(id))?;
    }
    Ok(())
}

/// Subnets leaving an ACL go back to the VPC's default ACL; subnets that no longer exist need
/// nothing.
async fn release(
    ec2: &aws_sdk_ec2::Client,
    vpc_id: &str,
    subnets: &[String],
) -> Result<(), ProviderError> {
    if subnets.is_empty() {
        return Ok(());
    }
    let defaults = vec![filter("vpc-id", [vpc_id]), filter("default", ["true"])];
    let default = acls_matching(ec2, defaults)
        .await?
        .iter()
        .find_map(|acl| acl.network_acl_id().map(str::to_string))
        .ok_or_else(|| {
            ProviderError::with_code(
                "InvalidNetworkAclID.NotFound",
                format!("VPC {vpc_id} has no default network ACL"),
            )
        })?;
    let existing: Vec<String> =
        sent!(ec2.describe_subnets().filters(filter("subnet-id", subnets.iter().cloned())))?
            .subnets()
            .iter()
            .filter_map(|subnet| subnet.subnet_id().map(str::to_string))
            .collect();
    associate(ec2, &default, &existing).await
}

/// CreateNetworkAclEntry from a rule's attributes (`entry` holds `cidr_block`,
/// `ipv6_cidr_block`, `from_port`, `to_port`, `icmp_type`, `icmp_code`). ICMP type and code are
/// sent for ICMP and ICMPv6 only, as the provider does.
pub(crate) async fn create_entry(
    ec2: &aws_sdk_ec2::Client,
    id: &str,
    egress: bool,
    number: i64,
    protocol: &str,
    action: &str,
    entry: &Value,
) -> Result<(), ProviderError> {
    let protocol = protocol_number(protocol).unwrap_or(-1);
    let int = |name: &str| i32::try_from(entry.get(name).as_i64().unwrap_or(0)).unwrap_or(0);
    let text = |name: &str| entry.get(name).as_str().filter(|v| !v.is_empty()).map(str::to_string);
    let icmp = (protocol == 1 || protocol == 58)
        .then(|| IcmpTypeCode::builder().r#type(int("icmp_type")).code(int("icmp_code")).build());
    sent!(ec2
        .create_network_acl_entry()
        .network_acl_id(id)
        .egress(egress)
        .rule_number(i32::try_from(number).unwrap_or(i32::MAX))
        .protocol(protocol.to_string())
        .rule_action(RuleAction::from(action.to_ascii_lowercase().as_str()))
        .set_cidr_block(text("cidr_block"))
        .set_ipv6_cidr_block(text("ipv6_cidr_block"))
        .port_range(PortRange::builder().from(int("from_port")).to(int("to_port")).build(),)
        .set_icmp_type_code(icmp))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The inline rules' blocks are checked as the provider's `ValidateFunc`s check them, in
    /// both directions and on both ACL types; the declared default `""` is not checked.
    #[test]
    fn rule_blocks_are_networks_as_the_provider_checks_them() {
        let rules = |direction: &str, cidr: &str, ipv6: &str| {
            let rule = Value::map([
                ("rule_no", Value::Number(100.0)),
                ("action", Value::string("allow")),
                ("protocol", Value::string("tcp")),
                ("from_port", Value::Number(443.0)),
                ("to_port", Value::Number(443.0)),
                ("cidr_block", Value::string(cidr)),
                ("ipv6_cidr_block", Value::string(ipv6)),
            ]);
            Value::map([
                ("vpc_id", Value::string("vpc-1")),
                ("default_network_acl_id", Value::string("acl-1")),
                (direction, Value::List(vec![rule])),
            ])
        };
        for name in ["aws_network_acl", "aws_default_network_acl"] {
            for direction in ["ingress", "egress"] {
                let problems =
                    |cidr, ipv6| crate::located_problems(name, &rules(direction, cidr, ipv6));
                assert!(problems("0.0.0.0/0", "").is_empty(), "{name} {direction}");
                assert!(problems("", "::/0").is_empty(), "{name} {direction}");
                assert_eq!(
                    problems("10.1.2.3/8", "2001:db8::1/64"),
                    [
                        (
                            format!("{direction}[0].cidr_block"),
                            "\"10.1.2.3/8\" is not a valid IPv4 CIDR block; did you mean \"10.0.0.0/8\"?"
                                .to_string()
                        ),
                        (
                            format!("{direction}[0].ipv6_cidr_block"),
                            "\"2001:db8::1/64\" is not a valid IPv6 CIDR block; did you mean \"2001:db8::/64\"?"
                                .to_string()
                        ),
                    ],
                    "{name} {direction}"
                );
            }
        }
    }

    #[test]
    fn protocols_compare_by_number() {
        assert_eq!(protocol_number("tcp"), Some(6));
        assert_eq!(protocol_number("ALL"), Some(-1));
        assert_eq!(protocol_number("-1"), Some(-1));
        assert_eq!(protocol_number("58"), Some(58));
        assert_eq!(protocol_number("256"), None);
        assert!(protocol_problem("tcpp").is_some());
    }

    #[test]
    fn configured_and_read_entries_normalize_alike() {
        let configured = Value::map([
            ("action", Value::string("Allow")),
            ("from_port", Value::string("443")),
            ("to_port", Value::Number(443.0)),
            ("protocol", Value::string("tcp")),
            ("rule_no", Value::Number(100.0)),
            ("cidr_block", Value::string("10.0.0.0/16")),
        ]);
        let read = Value::map([
            ("action", Value::string("allow")),
            ("from_port", Value::Number(443.0)),
            ("to_port", Value::Number(443.0)),
            ("protocol", Value::string("6")),
            ("rule_no", Value::Number(100.0)),
            ("cidr_block", Value::string("10.0.0.0/16")),
            ("ipv6_cidr_block", Value::Null),
            ("icmp_code", Value::Number(0.0)),
            ("icmp_type", Value::Number(0.0)),
        ]);
        assert_eq!(full_entry(&configured), full_entry(&read));
    }
}
