//! `aws_security_group_rule`: one ingress or egress rule (possibly several sources) added to a
//! security group managed elsewhere. Everything but the description forces a replacement, as
//! in the provider; the id is `sgrule-<crc32 of the rule>`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use aws_sdk_ec2::types::SecurityGroup;
use infra_core::{
    Attribute, Check, Operation, ProviderError, ResourceType, Schema, Timeouts, Type, Value,
};

use crate::app_support::sent;
use crate::ec2_support::{
    bool_attribute, by_id, crc32, describe_by_filter, has_code, known_strings, non_empty_attribute,
    string_attribute, string_list,
};
use crate::paginated::all_items;
use crate::resources::ec2::aws_security_group::{
    canonical_protocol, permission_atoms, permissions, protocol_problem, rule_atoms,
    send_permissions, Atom,
};
use crate::Aws;

pub struct AwsSecurityGroupRule {
    aws: Arc<Aws>,
    schema: Schema,
}

/// The rule in the shape of an inline `ingress`/`egress` block, to reuse its atoms.
fn as_inline_rule(value: &Value) -> Value {
    let mut groups = Vec::new();
    if let Some(group) = non_empty_attribute(value, "source_security_group_id") {
        groups.push(Value::String(group));
    }
    Value::map([
        ("from_port", value.get("from_port").clone()),
        ("to_port", value.get("to_port").clone()),
        ("protocol", value.get("protocol").clone()),
        ("cidr_blocks", value.get("cidr_blocks").clone()),
        ("ipv6_cidr_blocks", value.get("ipv6_cidr_blocks").clone()),
        ("prefix_list_ids", value.get("prefix_list_ids").clone()),
        ("security_groups", Value::List(groups)),
        ("self", Value::Bool(bool_attribute(value, "self", false))),
        (
            "description",
            Value::string(value.get("description").as_str().unwrap_or_default()),
        ),
    ])
}

fn without_description(atom: &Atom) -> Atom {
    Atom {
        description: String::new(),
        ..atom.clone()
    }
}

/// The provider-style id: stable for the same group, direction, protocol, ports and sources.
fn rule_id(value: &Value) -> String {
    let mut key = format!(
        "{}-{}-{}-{}-{}",
        value.get("security_group_id").as_str().unwrap_or_default(),
        value.get("type").as_str().unwrap_or_default(),
        value
            .get("protocol")
            .as_str()
            .map(canonical_protocol)
            .unwrap_or_default(),
        value.get("from_port").as_i64().unwrap_or(0),
        value.get("to_port").as_i64().unwrap_or(0),
    );
    let mut sources: Vec<String> = string_list(value, "cidr_blocks");
    sources.extend(string_list(value, "ipv6_cidr_blocks"));
    sources.extend(string_list(value, "prefix_list_ids"));
    sources.extend(non_empty_attribute(value, "source_security_group_id"));
    if bool_attribute(value, "self", false) {
        sources.push("self".to_string());
    }
    sources.sort();
    for source in sources {
        key.push('-');
        key.push_str(&source);
    }
    format!("sgrule-{}", crc32(key.as_bytes()))
}

impl AwsSecurityGroupRule {
    pub fn new(aws: Arc<Aws>) -> AwsSecurityGroupRule {
        let schema = Schema::new()
            .timeouts(&["create"])
            .version(2)
            .attr(Attribute::computed("id", Type::String))
            .attr(
                Attribute::required("type", Type::String)
                    .force_new()
                    .check(Check::OneOf(&["ingress", "egress"])),
            )
            .attr(Attribute::required("security_group_id", Type::String).force_new())
            .attr(
                Attribute::required("from_port", Type::Number)
                    .force_new()
                    .check(Check::Port),
            )
            .attr(
                Attribute::required("to_port", Type::Number)
                    .force_new()
                    .check(Check::Port),
            )
            .attr(Attribute::required("protocol", Type::String).force_new())
            .attr(Attribute::optional("cidr_blocks", Type::list(Type::String)).force_new())
            .attr(Attribute::optional("ipv6_cidr_blocks", Type::list(Type::String)).force_new())
            .attr(Attribute::optional("prefix_list_ids", Type::list(Type::String)).force_new())
            .attr(
                Attribute::optional_computed("source_security_group_id", Type::String).force_new(),
            )
            .attr(
                Attribute::optional("self", Type::Bool)
                    .default(Value::Bool(false))
                    .force_new(),
            )
            .attr(Attribute::optional("description", Type::String))
            // The provider looks it up with DescribeSecurityGroupRules; infra reads the group's
            // permissions, which do not carry it, and stores null.
            .attr(Attribute::computed("security_group_rule_id", Type::String));
        AwsSecurityGroupRule { aws, schema }
    }

    async fn groups(
        &self,
        group_ids: &[String],
    ) -> Result<HashMap<String, SecurityGroup>, ProviderError> {
        let ec2 = &self.aws.clients().await.ec2;
        let describe = |ids| async move { all_items!(ec2.describe_security_groups().filters(ids)) };
        let groups = describe_by_filter("group-id", group_ids, describe).await?;
        Ok(by_id(groups, SecurityGroup::group_id))
    }

    /// The rule as AWS holds it: `value` with AWS's description, or `None` when any of its
    /// sources is missing.
    fn convert(&self, value: &Value, groups: &HashMap<String, SecurityGroup>) -> Option<Value> {
        let group_id = string_attribute(value, "security_group_id")?;
        let group = groups.get(&group_id)?;
        let held = if value.get("type").as_str() == Some("egress") {
            permission_atoms(group.ip_permissions_egress(), &group_id)
        } else {
            permission_atoms(group.ip_permissions(), &group_id)
        };
        let descriptions: BTreeMap<Atom, String> = held
            .iter()
            .map(|atom| (without_description(atom), atom.description.clone()))
            .collect();
        let wanted: BTreeSet<Atom> = rule_atoms(&as_inline_rule(value))
            .iter()
            .map(without_description)
            .collect();
        if wanted.is_empty() || !wanted.iter().all(|atom| descriptions.contains_key(atom)) {
            return None;
        }
        let description = wanted
            .iter()
            .find_map(|atom| descriptions.get(atom))
            .cloned()
            .unwrap_or_default();
        let mut result = value.clone();
        if let Some(entries) = result.map_mut() {
            entries.insert("id".into(), Value::String(rule_id(value)));
            let configured_empty = entries.get("description").is_none_or(Value::is_null);
            entries.insert(
                "description".into(),
                if description.is_empty() && configured_empty {
                    Value::Null
                } else {
                    Value::String(description)
                },
            );
            if let Some(protocol) = entries
                .get("protocol")
                .and_then(Value::as_str)
                .map(canonical_protocol)
            {
                entries.insert("protocol".into(), Value::String(protocol));
            }
            for attribute in &self.schema.attributes {
                entries
                    .entry(attribute.name.to_string())
                    .or_insert(Value::Null);
            }
            if entries
                .get("source_security_group_id")
                .is_some_and(Value::is_unknown)
            {
                entries.insert("source_security_group_id".into(), Value::Null);
            }
            // The group's permissions do not carry it (see the schema): read as null.
            entries.insert("security_group_rule_id".into(), Value::Null);
        }
        Some(result)
    }

    async fn read_one(&self, value: &Value) -> Result<Value, ProviderError> {
        let groups = self
            .groups(&known_strings(
                std::slice::from_ref(value),
                "security_group_id",
            ))
            .await?;
        self.convert(value, &groups).ok_or_else(|| {
            ProviderError::with_code(
                "InvalidPermission.NotFound",
                format!("security group rule {} not found", rule_id(value)),
            )
        })
    }

    /// Authorizes (or revokes) the rule's sources with the rule's description.
    async fn change(&self, value: &Value, authorize: bool) -> Result<(), ProviderError> {
        let ec2 = &self.aws.clients().await.ec2;
        let group_id = string_attribute(value, "security_group_id").unwrap_or_default();
        let atoms: BTreeSet<Atom> = rule_atoms(&as_inline_rule(value)).into_iter().collect();
        let egress = value.get("type").as_str() == Some("egress");
        let permissions = permissions(&atoms, &group_id);
        let result = send_permissions(ec2, &group_id, egress, authorize, permissions).await;
        match result {
            // `InvalidPermission.NotFound` is one of is_not_found's codes.
            Err(error) if !authorize && crate::error::is_not_found(&error) => Ok(()),
            Err(error) if authorize && has_code(&error, "InvalidPermission.Duplicate") => Err(error.context(&format!(
                "the rule {} already exists in {group_id} (perhaps as an inline rule of its aws_security_group)",
                rule_id(value)
            ))),
            other => other,
        }
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsSecurityGroupRule {
    fn name(&self) -> &'static str {
        "aws_security_group_rule"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn default_timeouts(&self) -> Timeouts {
        Timeouts::minutes(5, 5, 5)
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if let Some(problem) = config.get("protocol").as_str().and_then(protocol_problem) {
            problems.push(("protocol".to_string(), problem));
        }
        let sources = ["cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids"]
            .iter()
            .filter(|name| {
                config
                    .get(name)
                    .as_list()
                    .is_some_and(|items| !items.is_empty())
            })
            .count()
            + usize::from(!config.get("source_security_group_id").is_null())
            + usize::from(config.get("self").as_bool() == Some(true));
        let all_known = [
            "cidr_blocks",
            "ipv6_cidr_blocks",
            "prefix_list_ids",
            "source_security_group_id",
            "self",
        ]
        .iter()
        .all(|name| config.get(name).is_wholly_known());
        if all_known && sources == 0 {
            problems.push((
                "cidr_blocks".to_string(),
                "one of cidr_blocks, ipv6_cidr_blocks, prefix_list_ids, source_security_group_id or self must be set.".to_string(),
            ));
        }
        if !config.get("source_security_group_id").is_null()
            && (config.get("self").as_bool() == Some(true) || !config.get("cidr_blocks").is_null())
        {
            problems.push((
                "source_security_group_id".to_string(),
                "source_security_group_id conflicts with self and cidr_blocks.".to_string(),
            ));
        }
        problems
    }

    fn normalize(&self, value: &mut Value) {
        if let Some(entries) = value.map_mut() {
            if let Some(protocol) = entries
                .get("protocol")
                .and_then(Value::as_str)
                .map(canonical_protocol)
            {
                entries.insert("protocol".to_string(), Value::String(protocol));
            }
        }
    }

    async fn create(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        self.change(planned, true).await?;
        self.read_one(planned).await
    }

    /// Only the description changes in place: re-authorizing is refused as a duplicate, so
    /// the description is updated through UpdateSecurityGroupRuleDescriptions*.
    async fn update(
        &self,
        _operation: &Operation,
        _prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let ec2 = &self.aws.clients().await.ec2;
        let group_id = string_attribute(planned, "security_group_id").unwrap_or_default();
        let atoms: BTreeSet<Atom> = rule_atoms(&as_inline_rule(planned)).into_iter().collect();
        let permissions = Some(permissions(&atoms, &group_id));
        if planned.get("type").as_str() == Some("egress") {
            sent!(ec2
                .update_security_group_rule_descriptions_egress()
                .group_id(&group_id)
                .set_ip_permissions(permissions))?;
        } else {
            sent!(ec2
                .update_security_group_rule_descriptions_ingress()
                .group_id(&group_id)
                .set_ip_permissions(permissions))?;
        }
        self.read_one(planned).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        self.change(prior, false).await
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let groups = self
            .groups(&known_strings(prior, "security_group_id"))
            .await?;
        Ok(prior
            .iter()
            .map(|value| self.convert(value, &groups))
            .collect())
    }

    /// Rules carry no tags: the natural key is the rule itself.
    /// Terraform's import ID: `SG-ID_TYPE_PROTOCOL_FROM_TO_SOURCE...`.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        // sg-123_ingress_tcp_80_80_10.0.0.0/16[_more cidrs] | _sg-456 | _self
        let parts: Vec<&str> = id.split('_').collect();
        let invalid = || {
            ProviderError::new(format!("unexpected format of ID ({id}), expected SECURITYGROUPID_TYPE_PROTOCOL_FROMPORT_TOPORT_SOURCE[_SOURCE]*"))
        };
        if parts.len() < 6 {
            return Err(invalid());
        }
        let port = |text: &str| {
            text.parse::<f64>()
                .map(Value::Number)
                .map_err(|_| invalid())
        };
        let mut value = std::collections::BTreeMap::from([
            ("security_group_id".to_string(), Value::string(parts[0])),
            ("type".to_string(), Value::string(parts[1])),
            ("protocol".to_string(), Value::string(parts[2])),
            ("from_port".to_string(), port(parts[3])?),
            ("to_port".to_string(), port(parts[4])?),
        ]);
        let sources = &parts[5..];
        value.insert("self".into(), Value::Bool(sources == ["self"]));
        let list = |items: Vec<&str>| Value::List(items.into_iter().map(Value::string).collect());
        if sources == ["self"] {
            value.insert("self".into(), Value::Bool(true));
        } else if sources.len() == 1 && sources[0].starts_with("sg-") {
            value.insert("source_security_group_id".into(), Value::string(sources[0]));
        } else {
            let (v6, v4): (Vec<&str>, Vec<&str>) = sources.iter().partition(|s| s.contains(':'));
            let (prefix_lists, v4): (Vec<&str>, Vec<&str>) =
                v4.into_iter().partition(|s| s.starts_with("pl-"));
            value.insert("cidr_blocks".into(), list(v4));
            value.insert("ipv6_cidr_blocks".into(), list(v6));
            value.insert("prefix_list_ids".into(), list(prefix_lists));
        }
        Ok(Value::Map(value))
    }

    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let groups = self
            .groups(&known_strings(
                std::slice::from_ref(planned),
                "security_group_id",
            ))
            .await?;
        Ok(self.convert(planned, &groups))
    }
}
