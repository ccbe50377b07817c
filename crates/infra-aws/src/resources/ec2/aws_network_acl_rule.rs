//! `aws_network_acl_rule`: one entry of a network ACL, managed on its own. Every argument
//! forces a new rule (AWS has no in-place change that keeps an entry's identity). Its id is the
//! provider's `nacl-<crc32 of "ACL-RULE_NUMBER-EGRESS-PROTOCOL-">`, with the protocol as
//! configured; import takes `NETWORK_ACL_ID:RULE_NUMBER:PROTOCOL:EGRESS`.
//!
//! The protocol is compared by number (`tcp` is `6`) and the action ignoring case, as the
//! provider suppresses those differences; the configured spelling is kept. Ports and ICMP
//! type/code that AWS does not report (protocol `-1`, or ICMP fields of a TCP rule) keep their
//! configured values.

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_ec2::types::NetworkAclEntry;
use infra_core::{Attribute, Check, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{deleted_or_gone, sent};
use crate::ec2_support::{
    bool_attribute, crc32, integer_attribute, known_strings, optional_string, string_attribute,
    whole_object,
};
use crate::resources::ec2::aws_network_acl::{
    action_problem, create_entry, protocol_number, protocol_problem, AwsNetworkAcl,
};
use crate::Aws;

pub struct AwsNetworkAclRule {
    aws: Arc<Aws>,
    schema: Schema,
    acls: AwsNetworkAcl,
}

/// The provider's rule id.
pub(crate) fn rule_id(acl_id: &str, rule_number: i64, egress: bool, protocol: &str) -> String {
    format!(
        "nacl-{}",
        crc32(format!("{acl_id}-{rule_number}-{egress}-{protocol}-").as_bytes())
    )
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

impl AwsNetworkAclRule {
    pub fn new(aws: Arc<Aws>) -> AwsNetworkAclRule {
        let zero = || Value::Number(0.0);
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("network_acl_id", Type::String).force_new())
            .attr(Attribute::required("rule_number", Type::Number).force_new())
            .attr(
                Attribute::optional("egress", Type::Bool)
                    .default(Value::Bool(false))
                    .force_new(),
            )
            .attr(Attribute::required("protocol", Type::String).force_new())
            .attr(Attribute::required("rule_action", Type::String).force_new())
            .attr(
                Attribute::optional("cidr_block", Type::String)
                    .check(Check::Cidr)
                    .force_new(),
            )
            .attr(Attribute::optional("ipv6_cidr_block", Type::String).force_new())
            // Unset numbers are 0, as the provider (SDKv2) stores them.
            .attr(
                Attribute::optional("from_port", Type::Number)
                    .default(zero())
                    .force_new(),
            )
            .attr(
                Attribute::optional("to_port", Type::Number)
                    .default(zero())
                    .force_new(),
            )
            .attr(
                Attribute::optional("icmp_type", Type::Number)
                    .default(zero())
                    .force_new(),
            )
            .attr(
                Attribute::optional("icmp_code", Type::Number)
                    .default(zero())
                    .force_new(),
            );
        AwsNetworkAclRule {
            acls: AwsNetworkAcl::new(aws.clone()),
            aws,
            schema,
        }
    }

    /// The rule `prior` names as AWS holds it, in the prior's spelling where equivalent.
    fn convert(&self, prior: &Value, entry: &NetworkAclEntry) -> Value {
        let acl_id = string_attribute(prior, "network_acl_id").unwrap_or_default();
        let number = integer_attribute(prior, "rule_number").unwrap_or(0);
        let egress = bool_attribute(prior, "egress", false);
        let aws_protocol = entry.protocol().unwrap_or("-1");
        let protocol = match string_attribute(prior, "protocol") {
            Some(p)
                if protocol_number(&p).is_some()
                    && protocol_number(&p) == protocol_number(aws_protocol) =>
            {
                p
            }
            _ => aws_protocol.to_string(),
        };
        let aws_action = entry.rule_action().map(|a| a.as_str()).unwrap_or_default();
        let action = match string_attribute(prior, "rule_action") {
            Some(a) if a.eq_ignore_ascii_case(aws_action) => a,
            _ => aws_action.to_string(),
        };
        let kept = |name: &str| match prior.get(name) {
            Value::Number(n) => Value::Number(*n),
            _ => Value::Number(0.0),
        };
        let (from_port, to_port) = match entry.port_range() {
            Some(range) if protocol_number(aws_protocol) != Some(-1) => (
                Value::Number(f64::from(range.from().unwrap_or(0))),
                Value::Number(f64::from(range.to().unwrap_or(0))),
            ),
            _ => (kept("from_port"), kept("to_port")),
        };
        let (icmp_type, icmp_code) = match entry.icmp_type_code() {
            Some(icmp) => (
                Value::Number(f64::from(icmp.r#type().unwrap_or(0))),
                Value::Number(f64::from(icmp.code().unwrap_or(0))),
            ),
            None => (kept("icmp_type"), kept("icmp_code")),
        };
        let id = string_attribute(prior, "id")
            .filter(|id| !id.is_empty())
            .unwrap_or_else(|| rule_id(&acl_id, number, egress, &protocol));
        whole_object(
            &self.schema,
            [
                ("id", Value::String(id)),
                ("network_acl_id", Value::String(acl_id)),
                ("rule_number", Value::Number(number as f64)),
                ("egress", Value::Bool(egress)),
                ("protocol", Value::String(protocol)),
                ("rule_action", Value::String(action)),
                ("cidr_block", optional_string(entry.cidr_block())),
                ("ipv6_cidr_block", optional_string(entry.ipv6_cidr_block())),
                ("from_port", from_port),
                ("to_port", to_port),
                ("icmp_type", icmp_type),
                ("icmp_code", icmp_code),
            ],
        )
    }

    /// The entries of the ACLs `values` name, by (ACL, egress, rule number).
    async fn entries(
        &self,
        values: &[Value],
    ) -> Result<HashMap<(String, bool, i64), NetworkAclEntry>, ProviderError> {
        let mut found = HashMap::new();
        for acl in self
            .acls
            .acls_by_id(&known_strings(values, "network_acl_id"))
            .await?
        {
            let Some(acl_id) = acl.network_acl_id() else {
                continue;
            };
            for entry in acl.entries() {
                if let (Some(egress), Some(number)) = (entry.egress(), entry.rule_number()) {
                    found.insert(
                        (acl_id.to_string(), egress, i64::from(number)),
                        entry.clone(),
                    );
                }
            }
        }
        Ok(found)
    }

    fn key(value: &Value) -> (String, bool, i64) {
        (
            string_attribute(value, "network_acl_id").unwrap_or_default(),
            bool_attribute(value, "egress", false),
            integer_attribute(value, "rule_number").unwrap_or(0),
        )
    }

    async fn read_one(&self, value: &Value) -> Result<Option<Value>, ProviderError> {
        let entries = self.entries(std::slice::from_ref(value)).await?;
        Ok(entries
            .get(&Self::key(value))
            .map(|entry| self.convert(value, entry)))
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsNetworkAclRule {
    fn name(&self) -> &'static str {
        "aws_network_acl_rule"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if let Some(problem) = config.get("protocol").as_str().and_then(protocol_problem) {
            problems.push(("protocol".to_string(), problem));
        }
        if let Some(action) = config.get("rule_action").as_str() {
            if let Some(problem) = action_problem(action) {
                problems.push(("rule_action".to_string(), problem));
            }
        }
        let v4 = config.get("cidr_block");
        let v6 = config.get("ipv6_cidr_block");
        if v4.is_wholly_known() && v6.is_wholly_known() && v4.is_null() == v6.is_null() {
            problems.push((
                "cidr_block".to_string(),
                "exactly one of cidr_block and ipv6_cidr_block must be set.".to_string(),
            ));
        }
        problems
    }

    async fn create(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let (acl_id, egress, number) = Self::key(planned);
        // CreateNetworkAclEntry succeeds when an identical entry exists; the provider refuses.
        if self.read_one(planned).await?.is_some() {
            return Err(ProviderError::with_code(
                "NetworkAclEntryAlreadyExists",
                format!(
                    "EC2 Network ACL ({acl_id}) Rule (egress: {egress})({number}) already exists"
                ),
            ));
        }
        let protocol = string_attribute(planned, "protocol").unwrap_or_default();
        create_entry(
            &self.aws.clients().await.ec2,
            &acl_id,
            egress,
            number,
            &protocol,
            &string_attribute(planned, "rule_action").unwrap_or_default(),
            planned,
        )
        .await?;
        let mut value = planned.clone();
        if let Some(entries) = value.map_mut() {
            entries.insert(
                "id".into(),
                Value::String(rule_id(&acl_id, number, egress, &protocol)),
            );
        }
        self.read_one(&value).await?.ok_or_else(|| {
            ProviderError::with_code(
                "InvalidNetworkAclEntry.NotFound",
                format!("EC2 Network ACL ({acl_id}) Rule (egress: {egress})({number}) not found after create"),
            )
        })
    }

    /// Every argument forces a new rule, so there is nothing to update in place.
    async fn update(
        &self,
        _operation: &Operation,
        _prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        Ok(planned.clone())
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let (acl_id, egress, number) = Self::key(prior);
        deleted_or_gone(
            sent!(self
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

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let entries = self.entries(prior).await?;
        Ok(prior
            .iter()
            .map(|value| {
                entries
                    .get(&Self::key(value))
                    .map(|entry| self.convert(value, entry))
            })
            .collect())
    }

    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        // Found by its natural key: the ACL, direction and rule number.
        self.read_one(planned).await
    }

    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        let (acl_id, number, protocol, egress) = parse_import_id(id)?;
        Ok(Value::map([
            (
                "id",
                Value::String(rule_id(&acl_id, number, egress, &protocol)),
            ),
            ("network_acl_id", Value::String(acl_id)),
            ("rule_number", Value::Number(number as f64)),
            ("protocol", Value::String(protocol)),
            ("egress", Value::Bool(egress)),
        ]))
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
