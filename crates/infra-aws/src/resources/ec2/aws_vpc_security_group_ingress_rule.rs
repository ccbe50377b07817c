//! `aws_vpc_security_group_ingress_rule`, and the implementation it shares with
//! `aws_vpc_security_group_egress_rule`: one security group rule with its own id (`sgr-…`),
//! tags, and in-place changes through ModifySecurityGroupRules.

use std::collections::BTreeSet;

use aws_sdk_ec2::types::{
    IpPermission, IpRange, Ipv6Range, PrefixListId, ResourceType as Ec2ResourceType, SecurityGroup,
    SecurityGroupRule, SecurityGroupRuleRequest, SecurityGroupRuleUpdate, Tag, UserIdGroupPair,
};
use infra_core::{Attribute, Check, ProviderError, Timeouts, Type, Value};

use crate::app_support::{deleted_or_gone, sent, text};
use crate::ec2_object::{
    read, Creating, Declared, Deleting, Describing, Ec2Object, Ec2Type, Reading, Updating,
};
use crate::ec2_support::{filter, integer_attribute, non_empty_attribute, string_attribute};
use crate::paginated::all_items;
use crate::resources::ec2::aws_security_group::{canonical_protocol, protocol_problem};
use crate::verify;

/// The attributes naming where traffic comes from (or goes to); exactly one is set.
const SOURCES: &[&str] =
    &["cidr_ipv4", "cidr_ipv6", "prefix_list_id", "referenced_security_group_id"];

pub type AwsVpcSecurityGroupIngressRule = Ec2Type<RuleObject<false>>;

/// One standalone VPC security group rule: ingress, or with `EGRESS` egress.
pub struct RuleObject<const EGRESS: bool>;

/// Ports do not apply to protocol -1 (and AWS reports them as -1), so they read as null.
fn port_value(protocol: &str, port: Option<i32>) -> Value {
    match port {
        Some(port) if protocol != "-1" => Value::Number(f64::from(port)),
        _ => Value::Null,
    }
}

/// The rule's protocol as the provider writes it.
fn protocol(rule: &SecurityGroupRule) -> String {
    canonical_protocol(rule.ip_protocol().unwrap_or("-1"))
}

/// A rule attribute read by `value`.
fn rule(
    attribute: Attribute,
    value: fn(&SecurityGroupRule) -> Value,
) -> Declared<SecurityGroupRule> {
    read(attribute, move |rule: &SecurityGroupRule, _: &Reading| value(rule))
}

impl<const EGRESS: bool> Ec2Object for RuleObject<EGRESS> {
    type Item = SecurityGroupRule;
    const NAME: &'static str = match EGRESS {
        false => "aws_vpc_security_group_ingress_rule",
        true => "aws_vpc_security_group_egress_rule",
    };
    const ID_FILTER: Option<&'static str> = Some("security-group-rule-id");
    const NOT_FOUND: &'static str = "InvalidSecurityGroupRuleId.NotFound";
    const NOUN: &'static str = "security group rule";

    fn attributes() -> Vec<Declared<SecurityGroupRule>> {
        let id = |r: &SecurityGroupRule| text(r.security_group_rule_id());
        vec![
            rule(Attribute::computed("id", Type::String), id),
            read(
                Attribute::computed("arn", Type::String),
                |r: &SecurityGroupRule, at: &Reading| match r.security_group_rule_arn() {
                    Some(arn) => Value::string(arn),
                    None => at.arn(
                        r.group_owner_id().unwrap_or_default(),
                        "security-group-rule",
                        r.security_group_rule_id().unwrap_or_default(),
                    ),
                },
            ),
            rule(Attribute::computed("security_group_rule_id", Type::String), id),
            rule(Attribute::required("security_group_id", Type::String).force_new(), |r| {
                text(r.group_id())
            }),
            rule(Attribute::required("ip_protocol", Type::String), |r| Value::String(protocol(r))),
            rule(Attribute::optional("from_port", Type::Number).check(Check::Port), |r| {
                port_value(&protocol(r), r.from_port())
            }),
            rule(Attribute::optional("to_port", Type::Number).check(Check::Port), |r| {
                port_value(&protocol(r), r.to_port())
            }),
            rule(Attribute::optional("cidr_ipv4", Type::String).check(verify::IPV4_NETWORK), |r| {
                text(r.cidr_ipv4())
            }),
            rule(Attribute::optional("cidr_ipv6", Type::String), |r| text(r.cidr_ipv6())),
            rule(Attribute::optional("prefix_list_id", Type::String), |r| text(r.prefix_list_id())),
            rule(Attribute::optional("referenced_security_group_id", Type::String), |r| {
                text(referenced_group(r))
            }),
            rule(Attribute::optional("description", Type::String), |r| {
                text(r.description().filter(|d| !d.is_empty()))
            }),
        ]
    }

    fn default_timeouts() -> Timeouts {
        Timeouts::minutes(5, 5, 5)
    }

    const ID: fn(&SecurityGroupRule) -> Option<&str> = SecurityGroupRule::security_group_rule_id;
    const TAGS: fn(&SecurityGroupRule) -> &[Tag] = SecurityGroupRule::tags;

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let set = SOURCES.iter().filter(|name| !config.get(name).is_null()).count();
        if set != 1 {
            problems.push((
                "cidr_ipv4".to_string(),
                format!("set exactly one of {}, found {set}.", SOURCES.join(", ")),
            ));
        }
        if let Some(protocol) = config.get("ip_protocol").as_str() {
            if let Some(problem) = protocol_problem(protocol) {
                problems.push(("ip_protocol".to_string(), problem));
            }
            let canonical = canonical_protocol(protocol);
            let ports_set = !config.get("from_port").is_null() || !config.get("to_port").is_null();
            if canonical == "-1" && ports_set {
                problems.push((
                    "from_port".to_string(),
                    "from_port and to_port cannot be set when ip_protocol is \"-1\".".to_string(),
                ));
            }
            if (canonical == "tcp" || canonical == "udp")
                && (config.get("from_port").is_null() || config.get("to_port").is_null())
            {
                problems.push((
                    "from_port".to_string(),
                    format!("ip_protocol \"{protocol}\" needs from_port and to_port."),
                ));
            }
        }
        problems
    }

    fn normalize(value: &mut Value) {
        if let Some(entries) = value.map_mut() {
            if let Some(protocol) =
                entries.get("ip_protocol").and_then(Value::as_str).map(canonical_protocol)
            {
                entries.insert("ip_protocol".to_string(), Value::String(protocol));
            }
        }
    }

    /// The rules of this direction matching `filters`.
    async fn describe(at: Describing<'_>) -> Result<Vec<SecurityGroupRule>, ProviderError> {
        let rules: Vec<SecurityGroupRule> = all_items!(at
            .ec2
            .describe_security_group_rules()
            .set_security_group_rule_ids(at.ids)
            .set_filters(at.filters))?;
        let mut rules: Vec<SecurityGroupRule> =
            rules.into_iter().filter(|rule| rule.is_egress() == Some(EGRESS)).collect();
        fill_group_rule_descriptions(at.ec2, &mut rules, EGRESS).await?;
        Ok(rules)
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let ec2 = at.this.ec2().await;
        let group_id = string_attribute(at.planned, "security_group_id");
        let tags = at.tag_specification(Ec2ResourceType::SecurityGroupRule);
        let permission = permission(at.planned);
        let rules: Vec<SecurityGroupRule> = if EGRESS {
            sent!(ec2
                .authorize_security_group_egress()
                .set_group_id(group_id)
                .ip_permissions(permission)
                .tag_specifications(tags))?
            .security_group_rules()
            .to_vec()
        } else {
            sent!(ec2
                .authorize_security_group_ingress()
                .set_group_id(group_id)
                .ip_permissions(permission)
                .tag_specifications(tags))?
            .security_group_rules()
            .to_vec()
        };
        let id =
            rules.iter().find_map(SecurityGroupRule::security_group_rule_id).ok_or_else(|| {
                ProviderError::new("AuthorizeSecurityGroup* returned no security group rule id")
            })?;
        Ok(id.to_string())
    }

    async fn update(at: Updating<'_, Self>) -> Result<(), ProviderError> {
        let rule_fields = [
            "ip_protocol",
            "from_port",
            "to_port",
            "cidr_ipv4",
            "cidr_ipv6",
            "prefix_list_id",
            "referenced_security_group_id",
            "description",
        ];
        let mut normalized_prior = at.prior.clone();
        let mut normalized_planned = at.planned.clone();
        Self::normalize(&mut normalized_prior);
        Self::normalize(&mut normalized_planned);
        if rule_fields.iter().all(|name| normalized_prior.get(name) == normalized_planned.get(name))
        {
            return Ok(());
        }
        let (protocol, from_port, to_port) = ports(at.planned);
        let request = SecurityGroupRuleRequest::builder()
            .ip_protocol(protocol)
            .set_from_port(from_port)
            .set_to_port(to_port)
            .set_cidr_ipv4(non_empty_attribute(at.planned, "cidr_ipv4"))
            .set_cidr_ipv6(non_empty_attribute(at.planned, "cidr_ipv6"))
            .set_prefix_list_id(non_empty_attribute(at.planned, "prefix_list_id"))
            .set_referenced_group_id(non_empty_attribute(
                at.planned,
                "referenced_security_group_id",
            ))
            .set_description(non_empty_attribute(at.planned, "description"))
            .build();
        sent!(at
            .this
            .ec2()
            .await
            .modify_security_group_rules()
            .set_group_id(string_attribute(at.prior, "security_group_id"))
            .security_group_rules(
                SecurityGroupRuleUpdate::builder()
                    .security_group_rule_id(at.key)
                    .security_group_rule(request)
                    .build(),
            ))?;
        Ok(())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let ec2 = at.this.ec2().await;
        let group_id = string_attribute(at.prior, "security_group_id");
        let result = if EGRESS {
            let request = ec2.revoke_security_group_egress().set_group_id(group_id);
            sent!(request.security_group_rule_ids(at.key)).map(|_| ())
        } else {
            let request = ec2.revoke_security_group_ingress().set_group_id(group_id);
            sent!(request.security_group_rule_ids(at.key)).map(|_| ())
        };
        // `InvalidSecurityGroupRuleId.NotFound` is one of is_not_found's codes.
        deleted_or_gone(result, crate::error::is_not_found)
    }
}

/// The group a rule references, if any.
fn referenced_group(rule: &SecurityGroupRule) -> Option<&str> {
    rule.referenced_group_info().and_then(|group| group.group_id())
}

/// moto 5.2.5's DescribeSecurityGroupRules leaves out the description of a rule that
/// references another group; its DescribeSecurityGroups has it. When any such rule came back
/// without one, one DescribeSecurityGroups of their groups fills it in. Against AWS, which
/// reports it, this makes no request.
async fn fill_group_rule_descriptions(
    ec2: &aws_sdk_ec2::Client,
    rules: &mut [SecurityGroupRule],
    egress: bool,
) -> Result<(), ProviderError> {
    let undescribed = |rule: &SecurityGroupRule| rule.description().is_none_or(str::is_empty);
    let wanting: Vec<String> = rules
        .iter()
        .filter(|rule| referenced_group(rule).is_some() && undescribed(rule))
        .filter_map(|rule| rule.group_id().map(str::to_string))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if wanting.is_empty() {
        return Ok(());
    }
    let groups: Vec<SecurityGroup> =
        all_items!(ec2.describe_security_groups().filters(filter("group-id", wanting)))?;
    for rule in rules.iter_mut() {
        if !undescribed(rule) {
            continue;
        }
        let (Some(group_id), Some(referenced)) = (rule.group_id(), referenced_group(rule)) else {
            continue;
        };
        let protocol = protocol(rule);
        let ports = (rule.from_port(), rule.to_port());
        let description = groups
            .iter()
            .filter(|group| group.group_id() == Some(group_id))
            .flat_map(
                |group| {
                    if egress {
                        group.ip_permissions_egress()
                    } else {
                        group.ip_permissions()
                    }
                },
            )
            .filter(|permission| {
                canonical_protocol(permission.ip_protocol().unwrap_or("-1")) == protocol
                    && (protocol == "-1" || (permission.from_port(), permission.to_port()) == ports)
            })
            .flat_map(|permission| permission.user_id_group_pairs())
            .find(|pair| pair.group_id() == Some(referenced))
            .and_then(|pair| pair.description())
            .filter(|d| !d.is_empty())
            .map(str::to_string);
        if description.is_some() {
            rule.description = description;
        }
    }
    Ok(())
}

fn ports(planned: &Value) -> (String, Option<i32>, Option<i32>) {
    let protocol = planned
        .get("ip_protocol")
        .as_str()
        .map(canonical_protocol)
        .unwrap_or_else(|| "-1".to_string());
    let port =
        |name: &str| integer_attribute(planned, name).and_then(|port| i32::try_from(port).ok());
    if protocol == "-1" {
        (protocol, None, None)
    } else {
        (protocol, port("from_port"), port("to_port"))
    }
}

fn permission(planned: &Value) -> IpPermission {
    let (protocol, from_port, to_port) = ports(planned);
    let description = non_empty_attribute(planned, "description");
    let mut permission =
        IpPermission::builder().ip_protocol(protocol).set_from_port(from_port).set_to_port(to_port);
    if let Some(cidr) = non_empty_attribute(planned, "cidr_ipv4") {
        permission = permission.ip_ranges(
            IpRange::builder().cidr_ip(cidr).set_description(description.clone()).build(),
        );
    }
    if let Some(cidr) = non_empty_attribute(planned, "cidr_ipv6") {
        permission = permission.ipv6_ranges(
            Ipv6Range::builder().cidr_ipv6(cidr).set_description(description.clone()).build(),
        );
    }
    if let Some(id) = non_empty_attribute(planned, "prefix_list_id") {
        permission = permission.prefix_list_ids(
            PrefixListId::builder().prefix_list_id(id).set_description(description.clone()).build(),
        );
    }
    if let Some(id) = non_empty_attribute(planned, "referenced_security_group_id") {
        permission = permission.user_id_group_pairs(
            UserIdGroupPair::builder().group_id(id).set_description(description).build(),
        );
    }
    permission.build()
}
