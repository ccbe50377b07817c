//! `aws_vpc_endpoint`: a VPC endpoint of type `Gateway` (route tables), `Interface` or
//! `GatewayLoadBalancer` (network interfaces in subnets, with security groups and private
//! DNS), `Resource` or `ServiceNetwork`. The endpoint type, VPC and service force a new
//! endpoint; route tables, subnets, security groups, policy, private DNS, DNS options, IP
//! address type and subnet configuration change in place (ModifyVpcEndpoint). Create sends an
//! EC2 `ClientToken` derived from the operation's lineage and address (see
//! [`client_token`]), waits until the endpoint is `available` (or `pendingAcceptance`, which
//! `auto_accept` accepts), and delete waits until it is gone.
//!
//! moto does not hold `ip_address_type`, `dns_options`, `subnet_configuration`,
//! `service_region`, `service_network_arn` or `resource_configuration_arn`; they are kept from
//! the prior value when the describe answer leaves them out, so drift on them is not seen in
//! tests. moto reports `private_dns_enabled = true` for Gateway endpoints, which AWS documents
//! as Interface-only: it is read as `false` for Gateway endpoints. `auto_accept` is not
//! reported by AWS at all and is kept from the configuration, as the provider does.

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_ec2::types::{
    DnsOptionsSpecification, DnsRecordIpType, Filter, IpAddressType,
    ResourceType as Ec2ResourceType, State, SubnetConfiguration, VpcEndpoint, VpcEndpointType,
};
use infra_core::{
    Attribute, Block, Check, Operation, ProviderError, ResourceType, Schema, Timeouts, Type, Value,
};

use crate::ec2_support::{
    bool_attribute, client_token, copy_attributes, describe_by_ids, filter, has_code,
    managed_tag_filters, non_empty_attribute, non_empty_list, optional_string, set_changes,
    single_block, string_attribute, string_list, string_values, tag_entries, tag_specification,
    update_tags, wait_for, whole_object,
};
use crate::error::aws_error;
use crate::paginated::all_items;
use crate::tagging::WithTags;
use crate::Aws;

/// Attributes AWS reports only sometimes (and moto never): kept from the prior value when
/// the describe answer leaves them out.
const UNREPORTED: &[&str] = &[
    "ip_address_type",
    "service_region",
    "service_network_arn",
    "resource_configuration_arn",
];

pub struct AwsVpcEndpoint {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsVpcEndpoint {
    pub fn new(aws: Arc<Aws>) -> AwsVpcEndpoint {
        let dns_options = Schema::new()
            .attr(
                Attribute::optional_computed("dns_record_ip_type", Type::String).check(
                    Check::OneOf(&["ipv4", "dualstack", "service-defined", "ipv6"]),
                ),
            )
            .attr(Attribute::optional_computed(
                "private_dns_only_for_inbound_resolver_endpoint",
                Type::Bool,
            ))
            .attr(Attribute::optional_computed(
                "private_dns_preference",
                Type::String,
            ))
            .attr(Attribute::optional_computed(
                "private_dns_specified_domains",
                Type::set(Type::String),
            ));
        let subnet_configuration = Schema::new()
            .attr(Attribute::optional_computed("ipv4", Type::String))
            .attr(Attribute::optional_computed("ipv6", Type::String))
            .attr(Attribute::optional_computed("subnet_id", Type::String));
        let schema = Schema::new()
            .timeouts(&["create", "update", "delete"])
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::required("vpc_id", Type::String).force_new())
            .attr(Attribute::optional("service_name", Type::String).force_new())
            .attr(Attribute::optional_computed("service_region", Type::String).force_new())
            .attr(Attribute::optional("service_network_arn", Type::String).force_new())
            .attr(Attribute::optional("resource_configuration_arn", Type::String).force_new())
            .attr(
                Attribute::optional("vpc_endpoint_type", Type::String)
                    .force_new()
                    .default(Value::string("Gateway"))
                    .check(Check::OneOf(&[
                        "Gateway",
                        "GatewayLoadBalancer",
                        "Interface",
                        "Resource",
                        "ServiceNetwork",
                    ])),
            )
            .attr(Attribute::optional("auto_accept", Type::Bool))
            .attr(Attribute::optional_computed("policy", Type::Json))
            .attr(Attribute::optional_computed(
                "private_dns_enabled",
                Type::Bool,
            ))
            .attr(
                Attribute::optional_computed("ip_address_type", Type::String)
                    .check(Check::OneOf(&["ipv4", "dualstack", "ipv6"])),
            )
            .attr(Attribute::optional_computed(
                "route_table_ids",
                Type::set(Type::String),
            ))
            .attr(Attribute::optional_computed(
                "subnet_ids",
                Type::set(Type::String),
            ))
            .attr(Attribute::optional_computed(
                "security_group_ids",
                Type::set(Type::String),
            ))
            .attr(Attribute::computed("cidr_blocks", Type::list(Type::String)))
            .attr(Attribute::computed(
                "dns_entry",
                Type::list(Type::map(Type::String)),
            ))
            .attr(Attribute::computed(
                "network_interface_ids",
                Type::set(Type::String),
            ))
            .attr(Attribute::computed("owner_id", Type::String))
            .attr(Attribute::computed("prefix_list_id", Type::String))
            .attr(Attribute::computed("requester_managed", Type::Bool))
            .attr(Attribute::computed("state", Type::String))
            .block(Block::single("dns_options", dns_options).computed())
            .block(Block::set("subnet_configuration", subnet_configuration).computed())
            .with_tags();
        AwsVpcEndpoint { aws, schema }
    }

    /// The endpoints with these ids (those that exist), by id.
    async fn describe_ids(&self, ids: &[String]) -> Result<HashMap<String, Value>, ProviderError> {
        let found = describe_by_ids(ids, |chunk| async {
            Ok(Vec::from_iter(self.describe(Some(chunk), None).await?))
        })
        .await?;
        Ok(found.into_iter().collect())
    }

    async fn describe(
        &self,
        ids: Option<Vec<String>>,
        filters: Option<Vec<Filter>>,
    ) -> Result<HashMap<String, Value>, ProviderError> {
        let clients = self.aws.clients().await;
        let endpoints: Vec<VpcEndpoint> = all_items!(clients
            .ec2
            .describe_vpc_endpoints()
            .set_vpc_endpoint_ids(ids)
            .set_filters(filters))?;
        let mut found = HashMap::new();
        for endpoint in &endpoints {
            let Some(id) = endpoint.vpc_endpoint_id() else {
                continue;
            };
            if is_gone(endpoint) {
                continue;
            }
            let owner = endpoint.owner_id().unwrap_or_default();
            let kind = endpoint
                .vpc_endpoint_type()
                .map(VpcEndpointType::as_str)
                .unwrap_or("Gateway");
            let gateway = kind == "Gateway";
            let (prefix_list_id, cidr_blocks) = if gateway {
                self.prefix_list(endpoint.service_name().unwrap_or_default())
                    .await?
            } else {
                (None, Vec::new())
            };
            let mut entries = vec![
                ("id", Value::string(id)),
                (
                    "arn",
                    Value::string(crate::ec2_support::ec2_arn(
                        &clients.region,
                        owner,
                        "vpc-endpoint",
                        id,
                    )),
                ),
                ("vpc_id", optional_string(endpoint.vpc_id())),
                ("service_name", optional_string(endpoint.service_name())),
                ("service_region", optional_string(endpoint.service_region())),
                (
                    "service_network_arn",
                    optional_string(endpoint.service_network_arn()),
                ),
                (
                    "resource_configuration_arn",
                    optional_string(endpoint.resource_configuration_arn()),
                ),
                ("vpc_endpoint_type", Value::string(kind)),
                ("policy", optional_string(endpoint.policy_document())),
                (
                    "private_dns_enabled",
                    Value::Bool(!gateway && endpoint.private_dns_enabled().unwrap_or(false)),
                ),
                (
                    "ip_address_type",
                    optional_string(endpoint.ip_address_type().map(IpAddressType::as_str)),
                ),
                ("route_table_ids", string_values(endpoint.route_table_ids())),
                ("subnet_ids", string_values(endpoint.subnet_ids())),
                (
                    "security_group_ids",
                    string_values(endpoint.groups().iter().filter_map(|g| g.group_id())),
                ),
                ("cidr_blocks", string_values(cidr_blocks)),
                (
                    "dns_entry",
                    Value::List(
                        endpoint
                            .dns_entries()
                            .iter()
                            .map(|entry| {
                                Value::map([
                                    ("dns_name", optional_string(entry.dns_name())),
                                    ("hosted_zone_id", optional_string(entry.hosted_zone_id())),
                                ])
                            })
                            .collect(),
                    ),
                ),
                (
                    "network_interface_ids",
                    string_values(endpoint.network_interface_ids()),
                ),
                ("owner_id", Value::string(owner)),
                ("prefix_list_id", optional_string(prefix_list_id.as_deref())),
                (
                    "requester_managed",
                    Value::Bool(endpoint.requester_managed().unwrap_or(false)),
                ),
                (
                    "state",
                    optional_string(endpoint.state().map(State::as_str)),
                ),
            ];
            if let Some(options) = endpoint.dns_options() {
                entries.push((
                    "dns_options",
                    Value::List(vec![Value::map([
                        (
                            "dns_record_ip_type",
                            optional_string(
                                options.dns_record_ip_type().map(DnsRecordIpType::as_str),
                            ),
                        ),
                        (
                            "private_dns_only_for_inbound_resolver_endpoint",
                            Value::Bool(
                                options
                                    .private_dns_only_for_inbound_resolver_endpoint()
                                    .unwrap_or(false),
                            ),
                        ),
                        (
                            "private_dns_preference",
                            optional_string(options.private_dns_preference()),
                        ),
                        (
                            "private_dns_specified_domains",
                            string_values(options.private_dns_specified_domains()),
                        ),
                    ])]),
                ));
            }
            entries.extend(tag_entries(endpoint.tags()));
            found.insert(id.to_string(), whole_object(&self.schema, entries));
        }
        Ok(found)
    }

    /// The prefix list AWS keeps for a Gateway endpoint's service, and its CIDR blocks.
    async fn prefix_list(
        &self,
        service: &str,
    ) -> Result<(Option<String>, Vec<String>), ProviderError> {
        if service.is_empty() {
            return Ok((None, Vec::new()));
        }
        let output = self
            .aws
            .clients()
            .await
            .ec2
            .describe_prefix_lists()
            .filters(filter("prefix-list-name", [service]))
            .send()
            .await
            .map_err(aws_error)?;
        Ok(output
            .prefix_lists()
            .first()
            .map(|list| {
                (
                    list.prefix_list_id().map(str::to_string),
                    list.cidrs().to_vec(),
                )
            })
            .unwrap_or_default())
    }

    async fn find(&self, id: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let mut found = self.describe_ids(&[id.to_string()]).await?.remove(id);
        if let Some(value) = &mut found {
            keep_unreported(prior, value);
        }
        Ok(found)
    }

    /// Waits for the endpoint to settle after a create or modify; accepts it when it waits for
    /// acceptance and `auto_accept` is set.
    async fn wait_available(
        &self,
        id: &str,
        planned: &Value,
        timeout: std::time::Duration,
    ) -> Result<Value, ProviderError> {
        let mut accepted = false;
        wait_for(
            timeout,
            &format!("VPC endpoint {id} to become available"),
            || {
                let accept = !accepted && bool_attribute(planned, "auto_accept", false);
                accepted = true;
                async move {
                    let Some(value) = self.find(id, planned).await? else {
                        return Err(ProviderError::with_code(
                            "InvalidVpcEndpointId.NotFound",
                            format!("VPC endpoint {id} failed or disappeared"),
                        ));
                    };
                    let state = value
                        .get("state")
                        .as_str()
                        .unwrap_or_default()
                        .to_ascii_lowercase();
                    match state.as_str() {
                        "available" => Ok(Some(value)),
                        "pendingacceptance" if accept => {
                            self.accept(id, planned).await?;
                            Ok(None)
                        }
                        "pendingacceptance" if !bool_attribute(planned, "auto_accept", false) => {
                            Ok(Some(value))
                        }
                        "rejected" | "failed" => Err(ProviderError::new(format!(
                            "VPC endpoint {id} is {}",
                            value.get("state").as_str().unwrap_or_default()
                        ))),
                        _ => Ok(None),
                    }
                }
            },
        )
        .await
    }

    /// Accepts the endpoint's connection on its service (the same account's service).
    async fn accept(&self, id: &str, planned: &Value) -> Result<(), ProviderError> {
        let Some(service) = non_empty_attribute(planned, "service_name") else {
            return Ok(());
        };
        let ec2 = &self.aws.clients().await.ec2;
        let services = ec2
            .describe_vpc_endpoint_services()
            .service_names(&service)
            .send()
            .await
            .map_err(aws_error)?;
        let Some(service_id) = services
            .service_details()
            .first()
            .and_then(|detail| detail.service_id())
        else {
            return Err(ProviderError::new(format!(
                "auto_accept: service {service} not found in this account"
            )));
        };
        ec2.accept_vpc_endpoint_connections()
            .service_id(service_id)
            .vpc_endpoint_ids(id)
            .send()
            .await
            .map_err(aws_error)?;
        Ok(())
    }
}

/// What the describe answer left out is kept from `prior`; `auto_accept` always is.
fn keep_unreported(prior: &Value, value: &mut Value) {
    copy_attributes(prior, value, &["auto_accept"]);
    let Some(entries) = value.map_mut() else {
        return;
    };
    for name in UNREPORTED {
        if entries.get(*name).is_none_or(Value::is_null) {
            entries.insert(name.to_string(), prior.get(name).clone());
        }
    }
    for block in ["dns_options", "subnet_configuration"] {
        let empty = entries
            .get(block)
            .and_then(Value::as_list)
            .is_none_or(|items| items.is_empty());
        if empty && prior.get(block).is_wholly_known() && !prior.get(block).is_null() {
            entries.insert(block.to_string(), prior.get(block).clone());
        }
    }
}

fn dns_options_request(planned: &Value) -> Option<DnsOptionsSpecification> {
    let options = single_block(planned, "dns_options")?;
    let domains = string_list(options, "private_dns_specified_domains");
    Some(
        DnsOptionsSpecification::builder()
            .set_dns_record_ip_type(
                non_empty_attribute(options, "dns_record_ip_type")
                    .map(|t| DnsRecordIpType::from(t.as_str())),
            )
            .set_private_dns_only_for_inbound_resolver_endpoint(
                options
                    .get("private_dns_only_for_inbound_resolver_endpoint")
                    .as_bool(),
            )
            .set_private_dns_preference(non_empty_attribute(options, "private_dns_preference"))
            .set_private_dns_specified_domains((!domains.is_empty()).then_some(domains))
            .build(),
    )
}

fn subnet_configurations(planned: &Value) -> Option<Vec<SubnetConfiguration>> {
    let items = planned.get("subnet_configuration").as_list()?;
    if items.is_empty() {
        return None;
    }
    Some(
        items
            .iter()
            .map(|item| {
                SubnetConfiguration::builder()
                    .set_subnet_id(non_empty_attribute(item, "subnet_id"))
                    .set_ipv4(non_empty_attribute(item, "ipv4"))
                    .set_ipv6(non_empty_attribute(item, "ipv6"))
                    .build()
            })
            .collect(),
    )
}

#[async_trait::async_trait]
impl ResourceType for AwsVpcEndpoint {
    fn name(&self) -> &'static str {
        "aws_vpc_endpoint"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn default_timeouts(&self) -> Timeouts {
        Timeouts::minutes(10, 10, 10)
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let targets = [
            "service_name",
            "resource_configuration_arn",
            "service_network_arn",
        ];
        let set = targets
            .iter()
            .filter(|name| !config.get(name).is_null())
            .count();
        if set != 1 {
            return vec![(
                "service_name".to_string(),
                "exactly one of service_name, resource_configuration_arn or service_network_arn must be set.".to_string(),
            )];
        }
        vec![]
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let kind = non_empty_attribute(planned, "vpc_endpoint_type")
            .unwrap_or_else(|| "Gateway".to_string());
        let interface = kind == "Interface";
        let output = self
            .aws
            .clients()
            .await
            .ec2
            .create_vpc_endpoint()
            .client_token(client_token(operation, planned))
            .vpc_endpoint_type(VpcEndpointType::from(kind.as_str()))
            .set_vpc_id(string_attribute(planned, "vpc_id"))
            .set_service_name(non_empty_attribute(planned, "service_name"))
            .set_service_region(non_empty_attribute(planned, "service_region"))
            .set_service_network_arn(non_empty_attribute(planned, "service_network_arn"))
            .set_resource_configuration_arn(non_empty_attribute(
                planned,
                "resource_configuration_arn",
            ))
            .set_policy_document(non_empty_attribute(planned, "policy"))
            .set_private_dns_enabled(if interface {
                Some(bool_attribute(planned, "private_dns_enabled", false))
            } else {
                None
            })
            .set_ip_address_type(
                non_empty_attribute(planned, "ip_address_type")
                    .map(|t| IpAddressType::from(t.as_str())),
            )
            .set_route_table_ids(non_empty_list(string_list(planned, "route_table_ids")))
            .set_subnet_ids(non_empty_list(string_list(planned, "subnet_ids")))
            .set_security_group_ids(non_empty_list(string_list(planned, "security_group_ids")))
            .set_dns_options(dns_options_request(planned))
            .set_subnet_configurations(subnet_configurations(planned))
            .tag_specifications(tag_specification(
                operation,
                planned,
                Ec2ResourceType::VpcEndpoint,
            ))
            .send()
            .await
            .map_err(aws_error)?;
        let id = output
            .vpc_endpoint()
            .and_then(VpcEndpoint::vpc_endpoint_id)
            .ok_or_else(|| ProviderError::new("CreateVpcEndpoint returned no id"))?
            .to_string();
        self.wait_available(&id, planned, operation.timeouts.create)
            .await
    }

    async fn update(
        &self,
        operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let id = string_attribute(prior, "id")
            .ok_or_else(|| ProviderError::new("aws_vpc_endpoint: prior state has no id"))?;
        let ec2 = &self.aws.clients().await.ec2;
        let (add_tables, remove_tables) = set_changes(prior, planned, "route_table_ids");
        let (add_subnets, remove_subnets) = set_changes(prior, planned, "subnet_ids");
        let (add_groups, remove_groups) = set_changes(prior, planned, "security_group_ids");
        let mut request = ec2
            .modify_vpc_endpoint()
            .vpc_endpoint_id(&id)
            .set_add_route_table_ids(non_empty_list(add_tables))
            .set_remove_route_table_ids(non_empty_list(remove_tables))
            .set_add_subnet_ids(non_empty_list(add_subnets))
            .set_remove_subnet_ids(non_empty_list(remove_subnets))
            .set_add_security_group_ids(non_empty_list(add_groups))
            .set_remove_security_group_ids(non_empty_list(remove_groups));
        let mut changed = request.get_add_route_table_ids().is_some()
            || request.get_remove_route_table_ids().is_some()
            || request.get_add_subnet_ids().is_some()
            || request.get_remove_subnet_ids().is_some()
            || request.get_add_security_group_ids().is_some()
            || request.get_remove_security_group_ids().is_some();
        let policy_changed =
            planned.get("policy").is_wholly_known() && prior.get("policy") != planned.get("policy");
        if policy_changed {
            changed = true;
            request = match non_empty_attribute(planned, "policy") {
                Some(policy) => request.policy_document(policy),
                None => request.reset_policy(true),
            };
        }
        for (name, apply) in [
            ("private_dns_enabled", 0),
            ("ip_address_type", 1),
            ("dns_options", 2),
            ("subnet_configuration", 3),
        ] {
            let value = planned.get(name);
            if !value.is_wholly_known() || value.is_null() || prior.get(name) == value {
                continue;
            }
            changed = true;
            request = match apply {
                0 => request.set_private_dns_enabled(value.as_bool()),
                1 => request.set_ip_address_type(value.as_str().map(IpAddressType::from)),
                2 => request.set_dns_options(dns_options_request(planned)),
                _ => request.set_subnet_configurations(subnet_configurations(planned)),
            };
        }
        if changed {
            request.send().await.map_err(aws_error)?;
            self.wait_available(&id, planned, operation.timeouts.update)
                .await?;
        }
        update_tags(ec2, &id, prior, planned).await?;
        self.find(&id, planned).await?.ok_or_else(|| {
            ProviderError::with_code(
                "InvalidVpcEndpointId.NotFound",
                format!("VPC endpoint {id} not found"),
            )
        })
    }

    async fn delete(&self, operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some(id) = string_attribute(prior, "id") else {
            return Ok(());
        };
        let output = self
            .aws
            .clients()
            .await
            .ec2
            .delete_vpc_endpoints()
            .vpc_endpoint_ids(&id)
            .send()
            .await
            .map_err(aws_error);
        let output = match output {
            Err(error) if crate::error::is_not_found(&error) => return Ok(()),
            other => other?,
        };
        if let Some(error) = output.unsuccessful().first().and_then(|u| u.error()) {
            let code = error.code().unwrap_or_default();
            if !code.ends_with("NotFound") {
                return Err(ProviderError::with_code(
                    code,
                    format!(
                        "deleting VPC endpoint {id}: {}",
                        error.message().unwrap_or("unsuccessful")
                    ),
                ));
            }
        }
        wait_for(
            operation.timeouts.delete,
            &format!("VPC endpoint {id} to be deleted"),
            || async { Ok(self.find(&id, prior).await?.is_none().then_some(())) },
        )
        .await
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let ids = crate::ec2_support::known_ids(prior);
        let mut found = HashMap::new();
        for chunk in crate::ec2_support::chunks_of(&ids) {
            found.extend(self.describe_ids(chunk).await?);
        }
        let mut read = crate::ec2_support::in_prior_order(prior, &found);
        for (value, before) in read.iter_mut().zip(prior) {
            if let Some(value) = value {
                keep_unreported(before, value);
            }
        }
        Ok(read)
    }

    async fn find_created(
        &self,
        operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let found = match self
            .describe(None, Some(managed_tag_filters(operation)))
            .await
        {
            Err(error) if has_code(&error, "InvalidVpcEndpointId.NotFound") => return Ok(None),
            other => other?,
        };
        let mut found = found.into_values().next();
        if let Some(value) = &mut found {
            keep_unreported(planned, value);
        }
        Ok(found)
    }
}

/// Whether AWS reports the endpoint deleted, being deleted or failed. AWS answers in lower
/// case (`available`, `pendingAcceptance`, `deleted`) where the SDK's enum is capitalized:
/// compared case-insensitively.
pub(crate) fn is_gone(endpoint: &VpcEndpoint) -> bool {
    let state = endpoint
        .state()
        .map(|s| s.as_str().to_ascii_lowercase())
        .unwrap_or_default();
    matches!(state.as_str(), "deleted" | "deleting" | "failed")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_changes_add_and_remove() {
        let prior = Value::map([(
            "subnet_ids",
            Value::List(vec![Value::string("a"), Value::string("b")]),
        )]);
        let planned = Value::map([(
            "subnet_ids",
            Value::List(vec![Value::string("b"), Value::string("c")]),
        )]);
        assert_eq!(
            set_changes(&prior, &planned, "subnet_ids"),
            (vec!["c".to_string()], vec!["a".to_string()])
        );
        let unknown = Value::map([("subnet_ids", Value::Unknown)]);
        assert_eq!(
            set_changes(&prior, &unknown, "subnet_ids"),
            (vec![], vec![])
        );
    }

    #[test]
    fn client_tokens_are_stable_per_lineage_address_and_plan() {
        let operation = |address: &str| Operation {
            address: address.to_string(),
            lineage: "0f3c2a1e-lineage".to_string(),
            ..Default::default()
        };
        let planned = Value::map([("service_name", Value::string("com.amazonaws.us-east-1.s3"))]);
        let token = client_token(&operation("aws_vpc_endpoint.s3"), &planned);
        assert!(token.len() <= 64 && token.is_ascii(), "{token}");
        assert_eq!(
            token,
            client_token(&operation("aws_vpc_endpoint.s3"), &planned)
        );
        assert_ne!(
            token,
            client_token(&operation("aws_vpc_endpoint.ssm"), &planned)
        );
        let changed = Value::map([("service_name", Value::string("com.amazonaws.us-east-1.ssm"))]);
        assert_ne!(
            token,
            client_token(&operation("aws_vpc_endpoint.s3"), &changed)
        );
    }

    #[test]
    fn unreported_attributes_are_kept() {
        let prior = Value::map([
            ("auto_accept", Value::Bool(true)),
            ("ip_address_type", Value::string("ipv4")),
        ]);
        let mut read = Value::map([("ip_address_type", Value::Null)]);
        keep_unreported(&prior, &mut read);
        assert_eq!(read.get("ip_address_type"), &Value::string("ipv4"));
        assert_eq!(read.get("auto_accept"), &Value::Bool(true));
    }
}
