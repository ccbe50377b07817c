//! `aws_network_acl`: a network ACL with inline `ingress`/`egress` rule sets and the subnets
//! it applies to. A subnet taken out of `subnet_ids` (or the whole ACL destroyed) goes back to
//! its VPC's default network ACL, as in the provider, since every subnet must have one.
//!
//! As in the provider, the rule blocks are Optional+Computed: with no `ingress` (or `egress`)
//! block the ACL's entries in that direction are not managed here (`aws_network_acl_rule`
//! resources own them), so they are neither drift nor removed. `subnet_ids` is likewise
//! Optional+Computed. Protocols are compared by number (`tcp` is `6`), actions ignoring case.
//!
//! The ACL logic here (entries, associations, reads) is shared with `aws_default_network_acl`
//! ([`AclKind::Default`]) and `aws_network_acl_rule`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use aws_sdk_ec2::types::{
    Filter, IcmpTypeCode, NetworkAcl, NetworkAclEntry, PortRange, ResourceType as Ec2ResourceType,
    RuleAction,
};
use infra_core::{
    Attribute, Block, Check, Operation, ProviderError, ResourceType, Schema, Timeouts, Type, Value,
};

use crate::app_support::sent;
use crate::ec2_support::{
    chunks_of, client_token, delete_with_retry, describe_by_ids, ec2_arn, filter, in_prior_order,
    known_ids, managed_tag_filters, optional_string, string_attribute, string_list, string_values,
    tag_entries, tag_specification, update_tags, whole_object,
};
use crate::error::aws_error;
use crate::paginated::all_items;
use crate::tagging::WithTags;
use crate::Aws;

/// The rule number of the catch-all deny entry AWS adds to every ACL; never reported.
const CATCH_ALL_RULE: i32 = 32767;

/// Which resource type a network ACL object is managed as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AclKind {
    /// `aws_network_acl`: created and deleted here.
    Acl,
    /// `aws_default_network_acl`: a VPC's default ACL, adopted and never deleted.
    Default,
}

/// The schema of one inline `ingress` or `egress` block.
fn entry_schema() -> Schema {
    Schema::new()
        .attr(Attribute::required("action", Type::String))
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
    let protocol = protocol_number(protocol)
        .map(|n| n.to_string())
        .unwrap_or_else(|| protocol.to_string());
    Value::map([
        (
            "action",
            Value::string(
                entry
                    .get("action")
                    .as_str()
                    .unwrap_or_default()
                    .to_ascii_lowercase(),
            ),
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
        (
            "action",
            Value::string(entry.rule_action().map(|a| a.as_str()).unwrap_or_default()),
        ),
        ("cidr_block", optional_string(entry.cidr_block())),
        ("from_port", Value::Number(f64::from(from_port))),
        ("icmp_code", Value::Number(f64::from(icmp_code))),
        ("icmp_type", Value::Number(f64::from(icmp_type))),
        ("ipv6_cidr_block", optional_string(entry.ipv6_cidr_block())),
        ("protocol", Value::string(protocol)),
        (
            "rule_no",
            Value::Number(f64::from(entry.rule_number().unwrap_or(0))),
        ),
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

/// Plan-time checks of the inline rule blocks: protocol, action, a CIDR block.
fn validate_entries(config: &Value) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    for direction in ["ingress", "egress"] {
        for (index, entry) in config
            .get(direction)
            .as_list()
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            let path = |name: &str| format!("{direction}[{index}].{name}");
            if let Some(problem) = entry.get("protocol").as_str().and_then(protocol_problem) {
                problems.push((path("protocol"), problem));
            }
            if let Some(problem) = entry.get("action").as_str().and_then(action_problem) {
                problems.push((path("action"), problem));
            }
            if let Some(cidr) = entry.get("cidr_block").as_str().filter(|c| !c.is_empty()) {
                if infra_core::cidr::parse_ipv4_cidr(cidr).is_none() {
                    problems.push((
                        path("cidr_block"),
                        format!("\"{cidr}\" is not a valid IPv4 CIDR block."),
                    ));
                }
            }
        }
    }
    problems
}

/// Why a rule action is not `allow` or `deny` (any case), if it is not.
pub(crate) fn action_problem(action: &str) -> Option<String> {
    (!["allow", "deny"].contains(&action.to_ascii_lowercase().as_str()))
        .then(|| format!("\"{action}\" is not one of \"allow\", \"deny\"."))
}

/// The shared `normalize` of both ACL types: full, sorted rule blocks.
pub(crate) fn normalize_entries(value: &mut Value) {
    let Some(entries) = value.map_mut() else {
        return;
    };
    for direction in ["ingress", "egress"] {
        if let Some(Value::List(rules)) = entries.get_mut(direction) {
            for rule in rules.iter_mut() {
                *rule = full_entry(rule);
            }
            rules.sort_by_key(|rule| rule.to_json().to_string());
        }
    }
}

pub struct AwsNetworkAcl {
    aws: Arc<Aws>,
    schema: Schema,
    kind: AclKind,
}

impl AwsNetworkAcl {
    pub fn new(aws: Arc<Aws>) -> AwsNetworkAcl {
        AwsNetworkAcl::with_kind(aws, AclKind::Acl)
    }

    /// The shared ACL logic with `kind`'s schema.
    pub(crate) fn with_kind(aws: Arc<Aws>, kind: AclKind) -> AwsNetworkAcl {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("owner_id", Type::String));
        let schema = match kind {
            AclKind::Acl => schema
                .attr(Attribute::required("vpc_id", Type::String).force_new())
                .attr(Attribute::optional_computed(
                    "subnet_ids",
                    Type::set(Type::String),
                ))
                .block(Block::set("ingress", entry_schema()).computed())
                .block(Block::set("egress", entry_schema()).computed()),
            AclKind::Default => schema
                .attr(Attribute::required("default_network_acl_id", Type::String).force_new())
                .attr(Attribute::computed("vpc_id", Type::String))
                .attr(Attribute::optional("subnet_ids", Type::set(Type::String)))
                .block(Block::set("ingress", entry_schema()))
                .block(Block::set("egress", entry_schema())),
        };
        AwsNetworkAcl {
            aws,
            schema: schema.with_tags(),
            kind,
        }
    }

    pub(crate) fn acl_schema(&self) -> &Schema {
        &self.schema
    }

    pub(crate) async fn describe_acls(
        &self,
        filters: Vec<Filter>,
    ) -> Result<Vec<NetworkAcl>, ProviderError> {
        all_items!(self
            .aws
            .clients()
            .await
            .ec2
            .describe_network_acls()
            .set_filters(Some(filters)))
    }

    /// The ACLs with these ids that exist. Looked up by `NetworkAclIds` (moto does not
    /// implement the `network-acl-id` filter).
    pub(crate) async fn acls_by_id(
        &self,
        ids: &[String],
    ) -> Result<Vec<NetworkAcl>, ProviderError> {
        let ec2 = &self.aws.clients().await.ec2;
        describe_by_ids(ids, |chunk| async move {
            ec2.describe_network_acls()
                .set_network_acl_ids(Some(chunk))
                .send()
                .await
                .map(|output| output.network_acls().to_vec())
                .map_err(aws_error)
        })
        .await
    }

    fn convert(&self, region: &str, acl: &NetworkAcl) -> Option<(String, Value)> {
        let id = acl.network_acl_id()?;
        let owner = acl.owner_id().unwrap_or_default();
        let direction = |egress: bool| {
            Value::List(
                acl.entries()
                    .iter()
                    .filter(|entry| entry.egress() == Some(egress))
                    .filter(|entry| entry.rule_number() != Some(CATCH_ALL_RULE))
                    .map(entry_block)
                    .collect(),
            )
        };
        let mut entries = vec![
            ("id", Value::string(id)),
            (
                "arn",
                Value::string(ec2_arn(region, owner, "network-acl", id)),
            ),
            ("owner_id", Value::string(owner)),
            ("vpc_id", optional_string(acl.vpc_id())),
            (
                "subnet_ids",
                string_values(
                    acl.associations()
                        .iter()
                        .filter_map(|association| association.subnet_id()),
                ),
            ),
            ("ingress", direction(false)),
            ("egress", direction(true)),
        ];
        if self.kind == AclKind::Default {
            entries.push(("default_network_acl_id", Value::string(id)));
        }
        entries.extend(tag_entries(acl.tags()));
        Some((id.to_string(), whole_object(&self.schema, entries)))
    }

    pub(crate) async fn read_one(&self, id: &str) -> Result<Value, ProviderError> {
        let acls = self.acls_by_id(&[id.to_string()]).await?;
        let region = &self.aws.clients().await.region;
        acls.iter()
            .find_map(|acl| self.convert(region, acl))
            .map(|(_, value)| value)
            .ok_or_else(|| {
                ProviderError::with_code(
                    "InvalidNetworkAclID.NotFound",
                    format!("network ACL {id} not found"),
                )
            })
    }

    pub(crate) async fn read_acls(
        &self,
        prior: &[Value],
    ) -> Result<Vec<Option<Value>>, ProviderError> {
        let region = self.aws.clients().await.region.clone();
        let mut found = HashMap::new();
        for acl in self.acls_by_id(&known_ids(prior)).await? {
            found.extend(self.convert(&region, &acl));
        }
        Ok(in_prior_order(prior, &found))
    }

    /// Deletes and creates entries in one direction so the ACL holds `after` (full rule blocks
    /// by rule number) instead of `before`.
    pub(crate) async fn change_entries(
        &self,
        id: &str,
        egress: bool,
        before: &BTreeMap<i64, Value>,
        after: &BTreeMap<i64, Value>,
    ) -> Result<(), ProviderError> {
        let ec2 = &self.aws.clients().await.ec2;
        for (number, entry) in before {
            if after.get(number) == Some(entry) {
                continue;
            }
            match sent!(ec2
                .delete_network_acl_entry()
                .network_acl_id(id)
                .egress(egress)
                .rule_number(i32::try_from(*number).unwrap_or(i32::MAX)))
            {
                Ok(_) => {}
                Err(error) if crate::error::is_not_found(&error) => {}
                Err(error) => return Err(error),
            }
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
    pub(crate) async fn change_all_entries(
        &self,
        id: &str,
        before: &Value,
        after: &Value,
    ) -> Result<(), ProviderError> {
        for (direction, egress) in [("ingress", false), ("egress", true)] {
            // Unknown (Optional+Computed, not configured): not managed.
            if after.get(direction).as_list().is_none() {
                continue;
            }
            self.change_entries(
                id,
                egress,
                &entries_by_number(before.get(direction)),
                &entries_by_number(after.get(direction)),
            )
            .await?;
        }
        Ok(())
    }

    /// Associates `subnets` with ACL `id`, replacing each subnet's current association.
    pub(crate) async fn associate(
        &self,
        id: &str,
        subnets: &[String],
    ) -> Result<(), ProviderError> {
        if subnets.is_empty() {
            return Ok(());
        }
        let ec2 = &self.aws.clients().await.ec2;
        let mut associations: HashMap<String, String> = HashMap::new();
        for chunk in chunks_of(subnets) {
            for acl in self
                .describe_acls(vec![filter("association.subnet-id", chunk.iter().cloned())])
                .await?
            {
                for association in acl.associations() {
                    if let (Some(subnet), Some(association_id)) = (
                        association.subnet_id(),
                        association.network_acl_association_id(),
                    ) {
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

    /// The id of the default network ACL of `vpc_id`.
    pub(crate) async fn default_acl_of(&self, vpc_id: &str) -> Result<String, ProviderError> {
        self.describe_acls(vec![
            filter("vpc-id", [vpc_id]),
            filter("default", ["true"]),
        ])
        .await?
        .iter()
        .find_map(|acl| acl.network_acl_id().map(str::to_string))
        .ok_or_else(|| {
            ProviderError::with_code(
                "InvalidNetworkAclID.NotFound",
                format!("VPC {vpc_id} has no default network ACL"),
            )
        })
    }

    /// Subnets leaving ACL `id` go back to the VPC's default ACL; subnets that no longer exist
    /// need nothing.
    async fn release(&self, vpc_id: &str, subnets: &[String]) -> Result<(), ProviderError> {
        if subnets.is_empty() {
            return Ok(());
        }
        let default = self.default_acl_of(vpc_id).await?;
        let existing: Vec<String> = sent!(self
            .aws
            .clients()
            .await
            .ec2
            .describe_subnets()
            .filters(filter("subnet-id", subnets.iter().cloned())))?
        .subnets()
        .iter()
        .filter_map(|subnet| subnet.subnet_id().map(str::to_string))
        .collect();
        self.associate(&default, &existing).await
    }
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
    let text = |name: &str| {
        entry
            .get(name)
            .as_str()
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let icmp = (protocol == 1 || protocol == 58).then(|| {
        IcmpTypeCode::builder()
            .r#type(int("icmp_type"))
            .code(int("icmp_code"))
            .build()
    });
    sent!(ec2
        .create_network_acl_entry()
        .network_acl_id(id)
        .egress(egress)
        .rule_number(i32::try_from(number).unwrap_or(i32::MAX))
        .protocol(protocol.to_string())
        .rule_action(RuleAction::from(action.to_ascii_lowercase().as_str()))
        .set_cidr_block(text("cidr_block"))
        .set_ipv6_cidr_block(text("ipv6_cidr_block"))
        .port_range(
            PortRange::builder()
                .from(int("from_port"))
                .to(int("to_port"))
                .build(),
        )
        .set_icmp_type_code(icmp))?;
    Ok(())
}

#[async_trait::async_trait]
impl ResourceType for AwsNetworkAcl {
    fn name(&self) -> &'static str {
        "aws_network_acl"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn default_timeouts(&self) -> Timeouts {
        Timeouts::minutes(5, 5, 5)
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        validate_entries(config)
    }

    fn normalize(&self, value: &mut Value) {
        normalize_entries(value);
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let ec2 = &self.aws.clients().await.ec2;
        let output = sent!(ec2
            .create_network_acl()
            .client_token(client_token(operation, planned))
            .set_vpc_id(string_attribute(planned, "vpc_id"))
            .tag_specifications(tag_specification(
                operation,
                planned,
                Ec2ResourceType::NetworkAcl,
            )))?;
        let id = output
            .network_acl()
            .and_then(NetworkAcl::network_acl_id)
            .ok_or_else(|| ProviderError::new("CreateNetworkAcl returned no id"))?
            .to_string();
        self.change_all_entries(&id, &Value::Null, planned).await?;
        self.associate(&id, &string_list(planned, "subnet_ids"))
            .await?;
        self.read_one(&id).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let id = string_attribute(prior, "id")
            .ok_or_else(|| ProviderError::new("aws_network_acl: prior state has no id"))?;
        self.change_all_entries(&id, prior, planned).await?;
        if planned.get("subnet_ids").as_list().is_some() {
            let before = string_list(prior, "subnet_ids");
            let after = string_list(planned, "subnet_ids");
            let added: Vec<String> = after
                .iter()
                .filter(|s| !before.contains(s))
                .cloned()
                .collect();
            let removed: Vec<String> = before
                .iter()
                .filter(|s| !after.contains(s))
                .cloned()
                .collect();
            self.associate(&id, &added).await?;
            let vpc_id = string_attribute(prior, "vpc_id").unwrap_or_default();
            self.release(&vpc_id, &removed).await?;
        }
        update_tags(&self.aws.clients().await.ec2, &id, prior, planned).await?;
        self.read_one(&id).await
    }

    async fn delete(&self, operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some(id) = string_attribute(prior, "id") else {
            return Ok(());
        };
        // Whatever AWS says is associated now goes back to the default ACL first.
        let current = match self.read_one(&id).await {
            Ok(current) => current,
            Err(error) if crate::error::is_not_found(&error) => return Ok(()),
            Err(error) => return Err(error),
        };
        let vpc_id = string_attribute(&current, "vpc_id").unwrap_or_default();
        self.release(&vpc_id, &string_list(&current, "subnet_ids"))
            .await?;
        let ec2 = &self.aws.clients().await.ec2;
        delete_with_retry(
            operation.timeouts.delete,
            &format!("network ACL {id}"),
            || async { sent!(ec2.delete_network_acl().network_acl_id(&id)) },
        )
        .await
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        self.read_acls(prior).await
    }

    async fn find_created(
        &self,
        operation: &Operation,
        _planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let acls = self.describe_acls(managed_tag_filters(operation)).await?;
        let region = &self.aws.clients().await.region;
        Ok(acls
            .iter()
            .find_map(|acl| self.convert(region, acl))
            .map(|(_, value)| value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocols_compare_by_number() {
        assert_eq!(protocol_number("tcp"), Some(6));
        assert_eq!(protocol_number("ALL"), Some(-1));
        assert_eq!(protocol_number("-1"), Some(-1));
        assert_eq!(protocol_number("58"), Some(58));
        assert_eq!(protocol_number("256"), None);
        assert!(protocol_problem("tcpp").is_some());
        assert!(action_problem("ALLOW").is_none());
        assert!(action_problem("permit").is_some());
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
