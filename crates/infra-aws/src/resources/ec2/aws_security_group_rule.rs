//! `aws_security_group_rule`: one ingress or egress rule (possibly several sources) added to a
//! security group managed elsewhere. Everything but the description forces a replacement, as
//! in the provider; the id is `sgrule-<crc32 of the rule>`.
//!
//! The rule is an [`AwsObject`] keyed by itself: its group, direction, protocol, ports and
//! sources, the text its id hashes ([`rule_key`]; not the id, which two rules may share). AWS
//! holds no rule object, only its group's permissions: a refresh describes the priors' groups
//! (one DescribeSecurityGroups a chunk of group IDs) and reads each prior as held when the
//! group holds every one of its sources ([`Held`]). What AWS reports of it is the description;
//! the rest is read back as the prior state (or planned value) has it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use aws_sdk_ec2::types::SecurityGroup;
use infra_core::{Attribute, Check, ProviderError, Schema, Timeouts, Type, Value};

use crate::app_support::sent;
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged, Updating,
};
use crate::declared::{computed, copied, read, Declared, Reading};
use crate::ec2_support::{
    bool_attribute, by_id, crc32, describe_by_filter, has_code, known_strings, non_empty_attribute,
    string_attribute, string_list,
};
use crate::paginated::all_items;
use crate::resources::ec2::aws_security_group::{
    canonical_protocol, permission_atoms, permissions, protocol_problem, rule_atoms,
    send_permissions, Atom,
};

/// Where a rule's traffic comes from: at least one of these (the provider's `AtLeastOneOf` on
/// each). A written `self = false` counts as set, as the SDK counts it.
const SOURCES: &[&str] =
    &["cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids", "self", "source_security_group_id"];

/// An optional source of the rule's traffic, forcing a new rule ([`SOURCES`]).
fn source(name: &'static str, ty: Type) -> Attribute {
    Attribute::optional(name, ty).force_new().at_least_one_of(SOURCES)
}

pub type AwsSecurityGroupRule = ObjectType<Rule>;

/// The type of [`AwsObject`]; its object is a [`Held`] rule.
pub struct Rule;

/// A rule its group holds (every one of its sources): its id and AWS's description.
pub struct Held {
    id: String,
    description: String,
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
        ("description", Value::string(value.get("description").as_str().unwrap_or_default())),
    ])
}

fn without_description(atom: &Atom) -> Atom {
    Atom { description: String::new(), ..atom.clone() }
}

/// The rule as its id hashes it: group, direction, protocol, ports and sorted sources.
fn rule_key(value: &Value) -> String {
    let mut key = format!(
        "{}-{}-{}-{}-{}",
        value.get("security_group_id").as_str().unwrap_or_default(),
        value.get("type").as_str().unwrap_or_default(),
        value.get("protocol").as_str().map(canonical_protocol).unwrap_or_default(),
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
    key
}

/// The provider-style id: stable for the same group, direction, protocol, ports and sources.
fn rule_id(value: &Value) -> String {
    format!("sgrule-{}", crc32(rule_key(value).as_bytes()))
}

/// The groups of `group_ids`, by ID: one DescribeSecurityGroups a chunk of IDs.
async fn groups(
    this: &AwsSecurityGroupRule,
    group_ids: &[String],
) -> Result<HashMap<String, SecurityGroup>, ProviderError> {
    let ec2 = &this.aws.clients().await.ec2;
    let describe = |ids| async move { all_items!(ec2.describe_security_groups().filters(ids)) };
    let groups = describe_by_filter("group-id", group_ids, describe).await?;
    Ok(by_id(groups, SecurityGroup::group_id))
}

/// The rule `value` names as `groups` hold it, or `None` when any of its sources is missing.
fn held(value: &Value, groups: &HashMap<String, SecurityGroup>) -> Option<Held> {
    let group_id = string_attribute(value, "security_group_id")?;
    let group = groups.get(&group_id)?;
    let held = if value.get("type").as_str() == Some("egress") {
        permission_atoms(group.ip_permissions_egress(), &group_id)
    } else {
        permission_atoms(group.ip_permissions(), &group_id)
    };
    let descriptions: BTreeMap<Atom, String> =
        held.iter().map(|atom| (without_description(atom), atom.description.clone())).collect();
    let wanted: BTreeSet<Atom> =
        rule_atoms(&as_inline_rule(value)).iter().map(without_description).collect();
    if wanted.is_empty() || !wanted.iter().all(|atom| descriptions.contains_key(atom)) {
        return None;
    }
    let description =
        wanted.iter().find_map(|atom| descriptions.get(atom)).cloned().unwrap_or_default();
    Some(Held { id: rule_id(value), description })
}

/// The rule `value` names as its group holds it: one DescribeSecurityGroups of its group.
async fn group_held(
    this: &AwsSecurityGroupRule,
    value: &Value,
) -> Result<Option<Tagged<Held>>, ProviderError> {
    let group_ids = known_strings(std::slice::from_ref(value), "security_group_id");
    let groups = groups(this, &group_ids).await?;
    Ok(held(value, &groups).map(Tagged::untagged))
}

/// The rule just written, an error with AWS's code when its group does not hold it.
async fn written_rule(
    this: &AwsSecurityGroupRule,
    value: &Value,
) -> Result<Tagged<Held>, ProviderError> {
    group_held(this, value).await?.ok_or_else(|| {
        ProviderError::with_code(
            "InvalidPermission.NotFound",
            format!("security group rule {} not found", rule_id(value)),
        )
    })
}

/// Authorizes (or revokes) the rule's sources with the rule's description.
async fn change(
    this: &AwsSecurityGroupRule,
    value: &Value,
    authorize: bool,
) -> Result<(), ProviderError> {
    let ec2 = &this.aws.clients().await.ec2;
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

/// The description AWS holds; null where both it and the configured one are empty.
fn description(held: &Held, at: &Reading) -> Value {
    let configured_empty = at.prior.get("description").is_null();
    match held.description.is_empty() && configured_empty {
        true => Value::Null,
        false => Value::String(held.description.clone()),
    }
}

/// The prior's protocol in the provider's canonical spelling (`6` is `tcp`).
fn protocol(_: &Held, at: &Reading) -> Value {
    match at.prior.get("protocol").as_str() {
        Some(protocol) => Value::String(canonical_protocol(protocol)),
        None => at.prior.get("protocol").clone(),
    }
}

impl AwsObject for Rule {
    type Object = Held;
    const NAME: &'static str = "aws_security_group_rule";
    const KIND: &'static str = "security group rule";
    const KEY: &'static str = "id";
    const TAGGED: bool = false;

    fn attributes() -> Vec<Declared<Held>> {
        let list = || Type::list(Type::String);
        vec![
            computed("id", |held: &Held| Some(held.id.as_str())),
            copied(
                Attribute::required("type", Type::String)
                    .force_new()
                    .check(Check::OneOf(&["ingress", "egress"])),
            ),
            copied(Attribute::required("security_group_id", Type::String).force_new()),
            copied(Attribute::required("from_port", Type::Number).force_new().check(Check::Port)),
            copied(Attribute::required("to_port", Type::Number).force_new().check(Check::Port)),
            read(Attribute::required("protocol", Type::String).force_new(), protocol),
            copied(
                source("cidr_blocks", list()).conflicts_with(&["source_security_group_id", "self"]),
            ),
            copied(
                source("ipv6_cidr_blocks", list())
                    .conflicts_with(&["source_security_group_id", "self"]),
            ),
            copied(source("prefix_list_ids", list())),
            read(
                Attribute::optional_computed("source_security_group_id", Type::String)
                    .force_new()
                    .at_least_one_of(SOURCES)
                    .conflicts_with(&["cidr_blocks", "ipv6_cidr_blocks", "self"]),
                |_: &Held, at: &Reading| match at.prior.get("source_security_group_id") {
                    unknown if unknown.is_unknown() => Value::Null,
                    known => known.clone(),
                },
            ),
            copied(source("self", Type::Bool).default(Value::Bool(false)).conflicts_with(&[
                "cidr_blocks",
                "ipv6_cidr_blocks",
                "source_security_group_id",
            ])),
            read(Attribute::optional("description", Type::String), description),
            // The provider looks it up with DescribeSecurityGroupRules; infra reads the group's
            // permissions, which do not carry it, and stores null.
            Declared::unread(Attribute::computed("security_group_rule_id", Type::String)),
        ]
    }

    fn schema(schema: Schema) -> Schema {
        schema.timeouts(&["create"]).version(2)
    }

    fn default_timeouts() -> Timeouts {
        Timeouts::minutes(5, 5, 5)
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let problem = config.get("protocol").as_str().and_then(protocol_problem);
        problem.map(|p| ("protocol".to_string(), p)).into_iter().collect()
    }

    fn normalize(value: &mut Value) {
        if let Some(entries) = value.map_mut() {
            if let Some(protocol) =
                entries.get("protocol").and_then(Value::as_str).map(canonical_protocol)
            {
                entries.insert("protocol".to_string(), Value::String(protocol));
            }
        }
    }

    /// The rule itself ([`rule_key`]): every prior, imported or not, has one.
    fn key_of(value: &Value) -> Option<String> {
        Some(rule_key(value))
    }

    /// Rules carry no tags: the natural key is the rule itself.
    /// Terraform's import ID: `SG-ID_TYPE_PROTOCOL_FROM_TO_SOURCE...`.
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        // sg-123_ingress_tcp_80_80_10.0.0.0/16[_more cidrs] | _sg-456 | _self
        let parts: Vec<&str> = id.split('_').collect();
        let invalid = || {
            ProviderError::new(format!("unexpected format of ID ({id}), expected SECURITYGROUPID_TYPE_PROTOCOL_FROMPORT_TOPORT_SOURCE[_SOURCE]*"))
        };
        if parts.len() < 6 {
            return Err(invalid());
        }
        let port = |text: &str| text.parse::<f64>().map(Value::Number).map_err(|_| invalid());
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

    /// Never asked: a key alone is not read (the family reads through
    /// [`AwsObject::describe_priors`], and this type's writes and `find_created` read with the
    /// value they hold).
    async fn describe(_this: &ObjectType<Self>, _keys: &[String]) -> DescribeResult<Held> {
        Err(ProviderError::new(
            "aws_security_group_rule reads a rule with its prior state, not by its key",
        ))
    }

    /// The priors' groups, described in one go; each prior's rule as its group holds it.
    async fn describe_priors(this: &ObjectType<Self>, priors: &[Value]) -> DescribeResult<Held> {
        let groups = groups(this, &known_strings(priors, "security_group_id")).await?;
        Ok(priors
            .iter()
            .filter_map(|prior| Some((rule_key(prior), Tagged::untagged(held(prior, &groups)?))))
            .collect())
    }

    async fn create_written(at: Creating<'_, Self>) -> Result<Tagged<Held>, ProviderError> {
        change(at.this, at.planned, true).await?;
        written_rule(at.this, at.planned).await
    }

    /// Only the description changes in place: re-authorizing is refused as a duplicate, so
    /// the description is updated through UpdateSecurityGroupRuleDescriptions*.
    async fn update_written(at: Updating<'_, Self>) -> Result<Tagged<Held>, ProviderError> {
        let ec2 = &at.this.aws.clients().await.ec2;
        let group_id = string_attribute(at.planned, "security_group_id").unwrap_or_default();
        let atoms: BTreeSet<Atom> = rule_atoms(&as_inline_rule(at.planned)).into_iter().collect();
        let permissions = Some(permissions(&atoms, &group_id));
        if at.planned.get("type").as_str() == Some("egress") {
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
        written_rule(at.this, at.planned).await
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        change(at.this, at.prior, false).await
    }

    /// Rules carry no tags: the rule its group holds, if it holds every one of its sources.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<Held> {
        group_held(at.this, at.planned).await
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_ec2::types::{IpPermission, IpRange, UserIdGroupPair};

    use super::*;

    fn rule(entries: Vec<(&str, Value)>) -> Value {
        let mut value = Value::map([
            ("security_group_id", Value::string("sg-1")),
            ("type", Value::string("ingress")),
            ("protocol", Value::string("tcp")),
            ("from_port", Value::Number(80.0)),
            ("to_port", Value::Number(80.0)),
        ]);
        if let Some(map) = value.map_mut() {
            map.extend(entries.into_iter().map(|(k, v)| (k.to_string(), v)));
        }
        value
    }

    fn cidrs(items: &[&str]) -> Value {
        Value::List(items.iter().map(|item| Value::string(*item)).collect())
    }

    /// The key is the text the id hashes; the protocol's spelling and the sources' order do not
    /// change it, and an imported prior has the key of the state it becomes.
    /// The provider's sources: at least one (each of the five reports it), and a group or
    /// `self` in conflict with CIDR blocks. A written `self = false` is set, as in the SDK.
    #[test]
    fn a_rule_has_a_source_and_no_conflicting_ones() {
        let messages = |extra: Vec<(&'static str, Value)>| -> Vec<String> {
            let mut config = vec![
                ("type", Value::string("ingress")),
                ("security_group_id", Value::string("sg-1")),
                ("from_port", Value::Number(443.0)),
                ("to_port", Value::Number(443.0)),
                ("protocol", Value::string("tcp")),
            ];
            config.extend(extra);
            crate::problem_messages("aws_security_group_rule", &Value::map(config))
        };
        let none = messages(vec![]);
        assert_eq!(none.len(), 5, "{none:?}");
        assert_eq!(
            none[0],
            "\"cidr_blocks\": one of `cidr_blocks,ipv6_cidr_blocks,prefix_list_ids,self,\
             source_security_group_id` must be specified"
        );
        let cidrs = || ("cidr_blocks", Value::List(vec![Value::string("10.0.0.0/16")]));
        assert!(messages(vec![cidrs()]).is_empty());
        assert_eq!(
            messages(vec![cidrs(), ("self", Value::Bool(false))]),
            ["\"cidr_blocks\": conflicts with self", "\"self\": conflicts with cidr_blocks"]
        );
        assert_eq!(
            messages(vec![cidrs(), ("source_security_group_id", Value::string("sg-2"))]),
            [
                "\"cidr_blocks\": conflicts with source_security_group_id",
                "\"source_security_group_id\": conflicts with cidr_blocks"
            ]
        );
    }

    #[test]
    fn the_key_is_the_rule_and_the_id_its_crc32() {
        let stored = rule(vec![
            ("cidr_blocks", cidrs(&["10.1.0.0/16", "10.0.0.0/16"])),
            ("id", Value::string("sgrule-1")),
            ("description", Value::string("web")),
        ]);
        let key = "sg-1-ingress-tcp-80-80-10.0.0.0/16-10.1.0.0/16";
        assert_eq!(Rule::key_of(&stored).as_deref(), Some(key));
        assert_eq!(rule_id(&stored), format!("sgrule-{}", crc32(key.as_bytes())));
        let spelled = rule(vec![
            ("protocol", Value::string("6")),
            ("cidr_blocks", cidrs(&["10.0.0.0/16", "10.1.0.0/16"])),
        ]);
        assert_eq!(Rule::key_of(&spelled).as_deref(), Some(key));
        let imported = Rule::import_prior("sg-1_ingress_tcp_80_80_10.0.0.0/16_10.1.0.0/16");
        assert_eq!(Rule::key_of(&imported.unwrap()).as_deref(), Some(key));
        let from_self = rule(vec![("self", Value::Bool(true))]);
        assert_eq!(rule_key(&from_self), "sg-1-ingress-tcp-80-80-self");
    }

    /// A rule is held when its group holds every one of its sources in its direction, with
    /// AWS's description.
    #[test]
    fn a_rule_is_held_when_its_group_holds_all_its_sources() {
        let permission = IpPermission::builder()
            .ip_protocol("tcp")
            .from_port(80)
            .to_port(80)
            .ip_ranges(IpRange::builder().cidr_ip("10.0.0.0/16").description("web").build())
            .user_id_group_pairs(UserIdGroupPair::builder().group_id("sg-1").build())
            .build();
        let group = SecurityGroup::builder().group_id("sg-1").ip_permissions(permission).build();
        let groups = HashMap::from([("sg-1".to_string(), group)]);
        let cidr = rule(vec![("cidr_blocks", cidrs(&["10.0.0.0/16"]))]);
        let found = held(&cidr, &groups).unwrap();
        assert_eq!((found.id, found.description), (rule_id(&cidr), "web".into()));
        let from_self = rule(vec![("self", Value::Bool(true))]);
        assert_eq!(held(&from_self, &groups).unwrap().description, "");
        let one_missing = rule(vec![("cidr_blocks", cidrs(&["10.0.0.0/16", "10.9.0.0/16"]))]);
        assert!(held(&one_missing, &groups).is_none());
        let egress =
            rule(vec![("type", Value::string("egress")), ("cidr_blocks", cidrs(&["10.0.0.0/16"]))]);
        assert!(held(&egress, &groups).is_none());
        let other_group = rule(vec![
            ("security_group_id", Value::string("sg-2")),
            ("cidr_blocks", cidrs(&["10.0.0.0/16"])),
        ]);
        assert!(held(&other_group, &groups).is_none());
    }

    /// Read back: the prior's arguments, the canonical protocol, AWS's description (null when
    /// both it and the configured one are empty), no rule id.
    #[test]
    fn the_value_read_is_the_prior_with_what_aws_holds() {
        let planned = rule(vec![
            ("protocol", Value::string("6")),
            ("cidr_blocks", cidrs(&["10.0.0.0/16"])),
            ("self", Value::Bool(false)),
            ("source_security_group_id", Value::Unknown),
            ("id", Value::Unknown),
            ("security_group_rule_id", Value::Unknown),
        ]);
        let found = |description: &str| {
            Tagged::untagged(Held { id: "sgrule-1".into(), description: description.into() })
        };
        let value = crate::aws_object::value_of::<Rule>(&found(""), &planned);
        let mut expected = planned.clone();
        if let Some(map) = expected.map_mut() {
            for (name, value) in [
                ("protocol", Value::string("tcp")),
                ("source_security_group_id", Value::Null),
                ("id", Value::string("sgrule-1")),
                ("security_group_rule_id", Value::Null),
                ("description", Value::Null),
                ("ipv6_cidr_blocks", Value::Null),
                ("prefix_list_ids", Value::Null),
            ] {
                map.insert(name.to_string(), value);
            }
        }
        assert_eq!(value, expected);
        let value = crate::aws_object::value_of::<Rule>(&found("web"), &planned);
        assert_eq!(value.get("description"), &Value::string("web"));
        let configured = rule(vec![("description", Value::string(""))]);
        let value = crate::aws_object::value_of::<Rule>(&found(""), &configured);
        assert_eq!(value.get("description"), &Value::string(""));
    }
}
