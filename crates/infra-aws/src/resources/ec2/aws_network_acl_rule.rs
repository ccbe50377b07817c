//! `aws_network_acl_rule`: one entry of a network ACL, managed on its own. Every argument
//! forces a new rule (AWS has no in-place change that keeps an entry's identity). Its id is the
//! provider's `nacl-<crc32 of "ACL-RULE_NUMBER-EGRESS-PROTOCOL-">`, with the protocol as
//! configured; import takes `NETWORK_ACL_ID:RULE_NUMBER:PROTOCOL:EGRESS`.
//!
//! The protocol is compared by number (`tcp` is `6`) and the action ignoring case, as the
//! provider suppresses those differences; the configured spelling is kept. Ports and ICMP
//! type/code that AWS does not report (protocol `-1`, or ICMP fields of a TCP rule) keep their
//! configured values.
//!
//! The rule is an [`AwsObject`] whose key is the entry's natural key, its ACL, direction and
//! rule number (what DeleteNetworkAclEntry takes): a refresh describes the keys' ACLs and
//! finds each entry in its ACL.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::NetworkAclEntry;
use infra_core::{Attribute, Check, ProviderError, Type, Value};

use crate::app_support::{deleted_or_gone, sent};
use crate::aws_object::{
    composite_key, key_parts, AwsObject, Creating, Deleting, DescribeResult, FindResult,
    ObjectType, Tagged, Updating,
};
use crate::declared::{read, string, Declared, Reading};
use crate::ec2_support::{
    bool_attribute, crc32, distinct_ids, integer_attribute, string_attribute,
};
use crate::resources::ec2::aws_network_acl::{
    acls_by_id, create_entry, protocol_number, protocol_problem, RULE_ACTIONS,
};

pub type AwsNetworkAclRule = ObjectType<RuleObject>;

/// A rule's IPv4 or IPv6 block: exactly one of them (the provider's `ExactlyOneOf` on each).
const CIDR_BLOCKS: &[&str] = &["cidr_block", "ipv6_cidr_block"];

/// The type of [`AwsObject`]; its object is a [`FoundEntry`].
pub struct RuleObject;

/// An entry as found in its ACL.
pub struct FoundEntry {
    acl_id: String,
    entry: NetworkAclEntry,
    /// The id a create gives the rule (of the planned protocol's spelling), where the entry is
    /// read just after its create; else the prior state's, or the one of the protocol read.
    created_id: Option<String>,
}

/// The natural key of an entry: its ACL, direction and rule number.
type EntryKey = (String, bool, i64);

/// The provider's rule id.
pub(crate) fn rule_id(acl_id: &str, rule_number: i64, egress: bool, protocol: &str) -> String {
    format!("nacl-{}", crc32(format!("{acl_id}-{rule_number}-{egress}-{protocol}-").as_bytes()))
}

/// `NETWORK_ACL_ID:RULE_NUMBER:PROTOCOL:EGRESS` → (acl, rule number, protocol, egress).
pub(crate) fn parse_import_id(id: &str) -> Result<(String, i64, String, bool), ProviderError> {
    let invalid = || {
        ProviderError::new(format!(
            "unexpected format of ID ({id}), expected NETWORK_ACL_ID:RULE_NUMBER:PROTOCOL:EGRESS"
        ))
    };
    let parts: Vec<&str> = id.split(':').collect();
    if parts.len() != 4 || parts.iter().any(|part| part.is_empty()) {
        return Err(invalid());
    }
    let number = parts[1].parse::<i64>().map_err(|_| invalid())?;
    let egress = match parts[3] {
        "true" | "1" | "t" | "T" | "TRUE" | "True" => true,
        "false" | "0" | "f" | "F" | "FALSE" | "False" => false,
        _ => return Err(invalid()),
    };
    Ok((parts[0].to_string(), number, parts[2].to_string(), egress))
}

/// The entry `value` names (an unset ACL, direction or number as "", false, 0).
fn entry_key(value: &Value) -> EntryKey {
    (
        string_attribute(value, "network_acl_id").unwrap_or_default(),
        bool_attribute(value, "egress", false),
        integer_attribute(value, "rule_number").unwrap_or(0),
    )
}

/// The protocol read: the prior's spelling where it is the same protocol, else AWS's.
fn protocol_read(entry: &NetworkAclEntry, prior: &Value) -> String {
    let aws_protocol = entry.protocol().unwrap_or("-1");
    match string_attribute(prior, "protocol") {
        Some(p)
            if protocol_number(&p).is_some()
                && protocol_number(&p) == protocol_number(aws_protocol) =>
        {
            p
        }
        _ => aws_protocol.to_string(),
    }
}

/// A number AWS does not report keeps the prior's (0 where it has none).
fn kept(prior: &Value, name: &str) -> Value {
    match prior.get(name) {
        Value::Number(n) => Value::Number(*n),
        _ => Value::Number(0.0),
    }
}

/// A port of the entry's range (`from` or `to`), where AWS reports one for a protocol that has
/// ports; else the prior's.
fn port(
    attribute: Attribute,
    end: fn(&aws_sdk_ec2::types::PortRange) -> Option<i32>,
) -> Declared<FoundEntry> {
    let name = attribute.name;
    read(attribute, move |found: &FoundEntry, at: &Reading| {
        let aws_protocol = found.entry.protocol().unwrap_or("-1");
        match found.entry.port_range() {
            Some(range) if protocol_number(aws_protocol) != Some(-1) => {
                Value::Number(f64::from(end(range).unwrap_or(0)))
            }
            _ => kept(at.prior, name),
        }
    })
}

/// An ICMP field (`type` or `code`), where AWS reports them; else the prior's.
fn icmp(
    attribute: Attribute,
    field: fn(&aws_sdk_ec2::types::IcmpTypeCode) -> Option<i32>,
) -> Declared<FoundEntry> {
    let name = attribute.name;
    read(attribute, move |found: &FoundEntry, at: &Reading| match found.entry.icmp_type_code() {
        Some(icmp) => Value::Number(f64::from(field(icmp).unwrap_or(0))),
        None => kept(at.prior, name),
    })
}

/// The error of an entry that the create found already there, or not there after it.
fn entry_error(code: &str, (acl_id, egress, number): &EntryKey, what: &str) -> ProviderError {
    ProviderError::with_code(
        code,
        format!("EC2 Network ACL ({acl_id}) Rule (egress: {egress})({number}) {what}"),
    )
}

impl AwsObject for RuleObject {
    type Object = FoundEntry;
    const NAME: &'static str = "aws_network_acl_rule";
    const KIND: &'static str = "network ACL rule";
    const KEY: &'static str = "network_acl_id";
    const TAGGED: bool = false;

    fn attributes() -> Vec<Declared<FoundEntry>> {
        // Unset numbers are 0, as the provider (SDKv2) stores them.
        let number =
            |name| Attribute::optional(name, Type::Number).default(Value::Number(0.0)).force_new();
        vec![
            read(Attribute::computed("id", Type::String), |found: &FoundEntry, at: &Reading| {
                let id = found
                    .created_id
                    .clone()
                    .or_else(|| string_attribute(at.prior, "id").filter(|id| !id.is_empty()));
                Value::String(id.unwrap_or_else(|| {
                    let (acl_id, egress, number) = entry_key(at.prior);
                    let protocol = protocol_read(&found.entry, at.prior);
                    rule_id(&acl_id, number, egress, &protocol)
                }))
            }),
            read(
                Attribute::required("network_acl_id", Type::String).force_new(),
                |found: &FoundEntry, _: &Reading| Value::string(&found.acl_id),
            ),
            read(
                Attribute::required("rule_number", Type::Number).force_new(),
                |found: &FoundEntry, _: &Reading| {
                    Value::Number(f64::from(found.entry.rule_number().unwrap_or(0)))
                },
            ),
            read(
                Attribute::optional("egress", Type::Bool).default(Value::Bool(false)).force_new(),
                |found: &FoundEntry, _: &Reading| {
                    Value::Bool(found.entry.egress().unwrap_or(false))
                },
            ),
            read(
                Attribute::required("protocol", Type::String).force_new(),
                |found: &FoundEntry, at: &Reading| {
                    Value::String(protocol_read(&found.entry, at.prior))
                },
            ),
            read(
                Attribute::required("rule_action", Type::String)
                    .force_new()
                    .check(Check::OneOfAnyCase(RULE_ACTIONS)),
                |found: &FoundEntry, at: &Reading| {
                    let aws_action = found.entry.rule_action().map(|a| a.as_str());
                    let aws_action = aws_action.unwrap_or_default();
                    Value::String(match string_attribute(at.prior, "rule_action") {
                        Some(a) if a.eq_ignore_ascii_case(aws_action) => a,
                        _ => aws_action.to_string(),
                    })
                },
            ),
            string(
                Attribute::optional("cidr_block", Type::String)
                    .exactly_one_of(CIDR_BLOCKS)
                    .check(Check::Cidr)
                    .force_new(),
                |found: &FoundEntry| found.entry.cidr_block(),
            ),
            string(
                Attribute::optional("ipv6_cidr_block", Type::String)
                    .exactly_one_of(CIDR_BLOCKS)
                    .force_new(),
                |found: &FoundEntry| found.entry.ipv6_cidr_block(),
            ),
            port(number("from_port"), |range| range.from()),
            port(number("to_port"), |range| range.to()),
            icmp(number("icmp_type"), |icmp| icmp.r#type()),
            icmp(number("icmp_code"), |icmp| icmp.code()),
        ]
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if let Some(problem) = config.get("protocol").as_str().and_then(protocol_problem) {
            problems.push(("protocol".to_string(), problem));
        }
        problems
    }

    /// Every value names an entry (see [`entry_key`]): a delete is always sent.
    fn key_of(value: &Value) -> Option<String> {
        Some(composite_key(&entry_key(value)))
    }

    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        let (acl_id, number, protocol, egress) = parse_import_id(id)?;
        Ok(Value::map([
            ("id", Value::String(rule_id(&acl_id, number, egress, &protocol))),
            ("network_acl_id", Value::String(acl_id)),
            ("rule_number", Value::Number(number as f64)),
            ("protocol", Value::String(protocol)),
            ("egress", Value::Bool(egress)),
        ]))
    }

    /// The keys' ACLs, as AWS describes them (a chunk of IDs a call); each key's entry found
    /// by its direction and rule number.
    async fn describe(this: &ObjectType<Self>, keys: &[String]) -> DescribeResult<FoundEntry> {
        let wanted: Vec<(&String, EntryKey)> =
            keys.iter().filter_map(|key| Some((key, key_parts(key)?))).collect();
        let acl_ids: Vec<String> = wanted.iter().map(|(_, (acl, _, _))| acl.clone()).collect();
        let ec2 = &this.aws.clients().await.ec2;
        let acls = acls_by_id(ec2, &distinct_ids(&acl_ids)).await?;
        let mut entries = BTreeMap::new();
        for acl in &acls {
            let Some(acl_id) = acl.network_acl_id() else {
                continue;
            };
            for entry in acl.entries() {
                if let (Some(egress), Some(number)) = (entry.egress(), entry.rule_number()) {
                    entries.insert((acl_id.to_string(), egress, i64::from(number)), entry);
                }
            }
        }
        let found = wanted.into_iter().filter_map(|(joined, key)| {
            let found = FoundEntry {
                entry: (*entries.get(&key)?).clone(),
                acl_id: key.0,
                created_id: None,
            };
            Some((joined.clone(), Tagged::untagged(found)))
        });
        Ok(found.collect())
    }

    /// Creates the entry, refused where one with its key exists (CreateNetworkAclEntry
    /// succeeds for an identical entry; the provider refuses), and reads it back.
    async fn create_written(at: Creating<'_, Self>) -> Result<Tagged<FoundEntry>, ProviderError> {
        let key = entry_key(at.planned);
        if at.this.found(&composite_key(&key)).await?.is_some() {
            return Err(entry_error("NetworkAclEntryAlreadyExists", &key, "already exists"));
        }
        let (acl_id, egress, number) = &key;
        let protocol = string_attribute(at.planned, "protocol").unwrap_or_default();
        create_entry(
            &at.this.aws.clients().await.ec2,
            acl_id,
            *egress,
            *number,
            &protocol,
            &string_attribute(at.planned, "rule_action").unwrap_or_default(),
            at.planned,
        )
        .await?;
        let mut found = at.this.found(&composite_key(&key)).await?.ok_or_else(|| {
            entry_error("InvalidNetworkAclEntry.NotFound", &key, "not found after create")
        })?;
        found.object.created_id = Some(rule_id(acl_id, *number, *egress, &protocol));
        Ok(found)
    }

    /// Every argument forces a new rule, so the engine never updates one in place; an update
    /// reads it back.
    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        Ok(at.key.to_string())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let (acl_id, egress, number) = entry_key(at.prior);
        deleted_or_gone(
            sent!(at
                .this
                .aws
                .clients()
                .await
                .ec2
                .delete_network_acl_entry()
                .network_acl_id(&acl_id)
                .egress(egress)
                .rule_number(i32::try_from(number).unwrap_or(i32::MAX))),
            crate::error::is_not_found,
        )
    }

    /// Found by its natural key: the ACL, direction and rule number.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<FoundEntry> {
        at.this.found(&composite_key(&entry_key(at.planned))).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_ids_parse() {
        let (acl, number, protocol, egress) =
            parse_import_id("acl-7aaabd18:100:tcp:false").unwrap();
        assert_eq!(
            (acl.as_str(), number, protocol.as_str(), egress),
            ("acl-7aaabd18", 100, "tcp", false)
        );
        assert!(parse_import_id("acl-7aaabd18:100:6:true").unwrap().3);
        assert!(parse_import_id("acl-7aaabd18:100:tcp").is_err());
        assert!(parse_import_id("acl-7aaabd18:x:tcp:false").is_err());
        assert!(parse_import_id("acl-7aaabd18:100:tcp:maybe").is_err());
        assert!(parse_import_id(":100:tcp:false").is_err());
    }

    #[test]
    fn ids_are_the_providers_hash() {
        // nacl-<crc32("acl-1-100-false-tcp-")>
        let expected = format!("nacl-{}", crc32(b"acl-1-100-false-tcp-"));
        assert_eq!(rule_id("acl-1", 100, false, "tcp"), expected);
        assert_ne!(rule_id("acl-1", 100, false, "6"), expected);
    }
}
