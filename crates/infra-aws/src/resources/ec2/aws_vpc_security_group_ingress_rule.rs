//! `aws_vpc_security_group_ingress_rule`, and the implementation it shares with
//! `aws_vpc_security_group_egress_rule`: one security group rule with its own id (`sgr-…`),
//! tags, and in-place changes through ModifySecurityGroupRules.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use aws_sdk_ec2::types::{
    Filter, IpPermission, IpRange, Ipv6Range, PrefixListId, ResourceType as Ec2ResourceType,
    SecurityGroup, SecurityGroupRule, SecurityGroupRuleRequest, SecurityGroupRuleUpdate,
    UserIdGroupPair,
};
use infra_core::{
    Attribute, Check, Operation, ProviderError, ResourceType, Schema, Timeouts, Type, Value,
};

use crate::app_support::sent;
use crate::ec2_support::{
    describe_by_filter, ec2_arn, filter, has_code, in_prior_order, integer_attribute, known_ids,
    managed_tag_filters, non_empty_attribute, optional_string, string_attribute, tag_entries,
    tag_specification, update_tags, whole_object,
};
use crate::error::aws_error;
use crate::paginated::all_items;
use crate::resources::ec2::aws_security_group::{canonical_protocol, protocol_problem};
use crate::tagging::WithTags;
use crate::Aws;

/// The attributes naming where traffic comes from (or goes to); exactly one is set.
const SOURCES: &[&str] = &[
    "cidr_ipv4",
    "cidr_ipv6",
    "prefix_list_id",
    "referenced_security_group_id",
];

/// One standalone VPC security group rule, ingress or egress.
pub struct VpcSecurityGroupRule {
    aws: Arc<Aws>,
    schema: Schema,
    egress: bool,
}

pub fn ingress(aws: Arc<Aws>) -> VpcSecurityGroupRule {
    VpcSecurityGroupRule::new(aws, false)
}

/// Ports do not apply to protocol -1 (and AWS reports them as -1), so they read as null.
fn port_value(protocol: &str, port: Option<i32>) -> Value {
    match port {
        Some(port) if protocol != "-1" => Value::Number(f64::from(port)),
        _ => Value::Null,
    }
}

impl VpcSecurityGroupRule {
    pub(crate) fn new(aws: Arc<Aws>, egress: bool) -> VpcSecurityGroupRule {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("security_group_rule_id", Type::String))
            .attr(Attribute::required("security_group_id", Type::String).force_new())
            .attr(Attribute::required("ip_protocol", Type::String))
            .attr(Attribute::optional("from_port", Type::Number).check(Check::Port))
            .attr(Attribute::optional("to_port", Type::Number).check(Check::Port))
            .attr(Attribute::optional("cidr_ipv4", Type::String).check(Check::Cidr))
            .attr(Attribute::optional("cidr_ipv6", Type::String))
            .attr(Attribute::optional("prefix_list_id", Type::String))
            .attr(Attribute::optional(
                "referenced_security_group_id",
                Type::String,
            ))
            .attr(Attribute::optional("description", Type::String))
            .with_tags();
        VpcSecurityGroupRule {
            aws,
            schema,
            egress,
        }
    }

    async fn describe(
        &self,
        filters: Vec<Filter>,
    ) -> Result<HashMap<String, Value>, ProviderError> {
        let clients = self.aws.clients().await;
        let rules: Vec<SecurityGroupRule> = all_items!(clients
            .ec2
            .describe_security_group_rules()
            .set_filters(Some(filters)))?;
        let mut found = HashMap::new();
        for rule in rules
            .iter()
            .filter(|rule| rule.is_egress() == Some(self.egress))
        {
            let Some(id) = rule.security_group_rule_id() else {
                continue;
            };
            let protocol = canonical_protocol(rule.ip_protocol().unwrap_or("-1"));
            let arn = rule
                .security_group_rule_arn()
                .map(str::to_string)
                .unwrap_or_else(|| {
                    ec2_arn(
                        &clients.region,
                        rule.group_owner_id().unwrap_or_default(),
                        "security-group-rule",
                        id,
                    )
                });
            let mut entries = vec![
                ("id", Value::string(id)),
                ("arn", Value::string(arn)),
                ("security_group_rule_id", Value::string(id)),
                ("security_group_id", optional_string(rule.group_id())),
                ("from_port", port_value(&protocol, rule.from_port())),
                ("to_port", port_value(&protocol, rule.to_port())),
                ("ip_protocol", Value::String(protocol)),
                ("cidr_ipv4", optional_string(rule.cidr_ipv4())),
                ("cidr_ipv6", optional_string(rule.cidr_ipv6())),
                ("prefix_list_id", optional_string(rule.prefix_list_id())),
                (
                    "referenced_security_group_id",
                    optional_string(
                        rule.referenced_group_info()
                            .and_then(|group| group.group_id()),
                    ),
                ),
                (
                    "description",
                    optional_string(rule.description().filter(|d| !d.is_empty())),
                ),
            ];
            entries.extend(tag_entries(rule.tags()));
            found.insert(id.to_string(), whole_object(&self.schema, entries));
        }
        self.fill_group_rule_descriptions(&mut found).await?;
        Ok(found)
    }

    /// moto 5.2.5's DescribeSecurityGroupRules leaves out the description of a rule that
    /// references another group; its DescribeSecurityGroups has it. When any such rule came
    /// back without one, one DescribeSecurityGroups of their groups fills it in. Against AWS,
    /// which reports it, this makes no request.
    async fn fill_group_rule_descriptions(
        &self,
        found: &mut HashMap<String, Value>,
    ) -> Result<(), ProviderError> {
        let wanting: Vec<String> = found
            .values()
            .filter(|rule| {
                !rule.get("referenced_security_group_id").is_null()
                    && rule.get("description").is_null()
            })
            .filter_map(|rule| string_attribute(rule, "security_group_id"))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if wanting.is_empty() {
            return Ok(());
        }
        let groups: Vec<SecurityGroup> = all_items!(self
            .aws
            .clients()
            .await
            .ec2
            .describe_security_groups()
            .filters(filter("group-id", wanting)))?;
        for rule in found.values_mut() {
            if !rule.get("description").is_null() {
                continue;
            }
            let (Some(group_id), Some(referenced)) = (
                string_attribute(rule, "security_group_id"),
                string_attribute(rule, "referenced_security_group_id"),
            ) else {
                continue;
            };
            let protocol = rule.get("ip_protocol").as_str().unwrap_or("-1").to_string();
            let ports = (rule.get("from_port").as_i64(), rule.get("to_port").as_i64());
            let description = groups
                .iter()
                .filter(|group| group.group_id() == Some(group_id.as_str()))
                .flat_map(|group| {
                    if self.egress {
                        group.ip_permissions_egress()
                    } else {
                        group.ip_permissions()
                    }
                })
                .filter(|permission| {
                    canonical_protocol(permission.ip_protocol().unwrap_or("-1")) == protocol
                        && (protocol == "-1"
                            || (
                                permission.from_port().map(i64::from),
                                permission.to_port().map(i64::from),
                            ) == ports)
                })
                .flat_map(|permission| permission.user_id_group_pairs())
                .find(|pair| pair.group_id() == Some(referenced.as_str()))
                .and_then(|pair| pair.description())
                .filter(|d| !d.is_empty());
            if let (Some(description), Some(entries)) = (description, rule.map_mut()) {
                entries.insert("description".to_string(), Value::string(description));
            }
        }
        Ok(())
    }

    async fn read_one(&self, id: &str) -> Result<Value, ProviderError> {
        self.describe(vec![filter("security-group-rule-id", [id])])
            .await?
            .remove(id)
            .ok_or_else(|| {
                ProviderError::with_code(
                    "InvalidSecurityGroupRuleId.NotFound",
                    format!("security group rule {id} not found"),
                )
            })
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
        let (protocol, from_port, to_port) = Self::ports(planned);
        let description = non_empty_attribute(planned, "description");
        let mut permission = IpPermission::builder()
            .ip_protocol(protocol)
            .set_from_port(from_port)
            .set_to_port(to_port);
        if let Some(cidr) = non_empty_attribute(planned, "cidr_ipv4") {
            permission = permission.ip_ranges(
                IpRange::builder()
                    .cidr_ip(cidr)
                    .set_description(description.clone())
                    .build(),
            );
        }
        if let Some(cidr) = non_empty_attribute(planned, "cidr_ipv6") {
            permission = permission.ipv6_ranges(
                Ipv6Range::builder()
                    .cidr_ipv6(cidr)
                    .set_description(description.clone())
                    .build(),
            );
        }
        if let Some(id) = non_empty_attribute(planned, "prefix_list_id") {
            permission = permission.prefix_list_ids(
                PrefixListId::builder()
                    .prefix_list_id(id)
                    .set_description(description.clone())
                    .build(),
            );
        }
        if let Some(id) = non_empty_attribute(planned, "referenced_security_group_id") {
            permission = permission.user_id_group_pairs(
                UserIdGroupPair::builder()
                    .group_id(id)
                    .set_description(description)
                    .build(),
            );
        }
        permission.build()
    }
}

#[async_trait::async_trait]
impl ResourceType for VpcSecurityGroupRule {
    fn name(&self) -> &'static str {
        if self.egress {
            "aws_vpc_security_group_egress_rule"
        } else {
            "aws_vpc_security_group_ingress_rule"
        }
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn default_timeouts(&self) -> Timeouts {
        Timeouts::minutes(5, 5, 5)
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let set = SOURCES
            .iter()
            .filter(|name| !config.get(name).is_null())
            .count();
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

    fn normalize(&self, value: &mut Value) {
        if let Some(entries) = value.map_mut() {
            if let Some(protocol) = entries
                .get("ip_protocol")
                .and_then(Value::as_str)
                .map(canonical_protocol)
            {
                entries.insert("ip_protocol".to_string(), Value::String(protocol));
            }
        }
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let ec2 = &self.aws.clients().await.ec2;
        let group_id = string_attribute(planned, "security_group_id");
        let tags = tag_specification(operation, planned, Ec2ResourceType::SecurityGroupRule);
        let permission = Self::permission(planned);
        let rules: Vec<SecurityGroupRule> = if self.egress {
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
        let id = rules
            .iter()
            .find_map(SecurityGroupRule::security_group_rule_id)
            .ok_or_else(|| {
                ProviderError::new("AuthorizeSecurityGroup* returned no security group rule id")
            })?;
        self.read_one(id).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let id = string_attribute(prior, "id")
            .ok_or_else(|| ProviderError::new("security group rule: prior state has no id"))?;
        let ec2 = &self.aws.clients().await.ec2;
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
        let mut normalized_prior = prior.clone();
        let mut normalized_planned = planned.clone();
        self.normalize(&mut normalized_prior);
        self.normalize(&mut normalized_planned);
        if rule_fields
            .iter()
            .any(|name| normalized_prior.get(name) != normalized_planned.get(name))
        {
            let (protocol, from_port, to_port) = Self::ports(planned);
            let request = SecurityGroupRuleRequest::builder()
                .ip_protocol(protocol)
                .set_from_port(from_port)
                .set_to_port(to_port)
                .set_cidr_ipv4(non_empty_attribute(planned, "cidr_ipv4"))
                .set_cidr_ipv6(non_empty_attribute(planned, "cidr_ipv6"))
                .set_prefix_list_id(non_empty_attribute(planned, "prefix_list_id"))
                .set_referenced_group_id(non_empty_attribute(
                    planned,
                    "referenced_security_group_id",
                ))
                .set_description(non_empty_attribute(planned, "description"))
                .build();
            sent!(ec2
                .modify_security_group_rules()
                .set_group_id(string_attribute(prior, "security_group_id"))
                .security_group_rules(
                    SecurityGroupRuleUpdate::builder()
                        .security_group_rule_id(&id)
                        .security_group_rule(request)
                        .build(),
                ))?;
        }
        update_tags(ec2, &id, prior, planned).await?;
        self.read_one(&id).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some(id) = string_attribute(prior, "id") else {
            return Ok(());
        };
        let ec2 = &self.aws.clients().await.ec2;
        let group_id = string_attribute(prior, "security_group_id");
        let result = if self.egress {
            ec2.revoke_security_group_egress()
                .set_group_id(group_id)
                .security_group_rule_ids(&id)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_error)
        } else {
            ec2.revoke_security_group_ingress()
                .set_group_id(group_id)
                .security_group_rule_ids(&id)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_error)
        };
        match result {
            Ok(()) => Ok(()),
            Err(error)
                if crate::error::is_not_found(&error)
                    || has_code(&error, "InvalidSecurityGroupRuleId.NotFound") =>
            {
                Ok(())
            }
            Err(error) => Err(error),
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let describe = |ids| self.describe(vec![ids]);
        let found =
            describe_by_filter("security-group-rule-id", &known_ids(prior), describe).await?;
        Ok(in_prior_order(prior, &found))
    }

    async fn find_created(
        &self,
        operation: &Operation,
        _planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        Ok(self
            .describe(managed_tag_filters(operation))
            .await?
            .into_values()
            .next())
    }
}
