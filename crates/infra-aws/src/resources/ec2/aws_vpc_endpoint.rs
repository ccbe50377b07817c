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

use aws_sdk_ec2::types::{
    DnsOptionsSpecification, DnsRecordIpType, IpAddressType, ResourceType as Ec2ResourceType,
    State, SubnetConfiguration, Tag, VpcEndpoint, VpcEndpointType,
};
use infra_core::{Attribute, Block, Check, ProviderError, Schema, Timeouts, Type, Value};

use crate::app_support::sent;
use crate::ec2_object::{
    read, read_block, Creating, Declared, Deleting, Describing, Ec2Object, Ec2Type, Reading,
    Updating,
};
use crate::ec2_support::{
    as_enum, bool_attribute, client_token, copy_attributes, created_id, filter, has_code,
    non_empty_attribute, non_empty_list, optional_string, set_changes, single_block,
    string_attribute, string_list, string_values, wait_for,
};
use crate::error::aws_error;
use crate::paginated::all_items;
use crate::verify;

/// Attributes AWS reports only sometimes (and moto never): kept from the prior value when
/// the describe answer leaves them out.
const UNREPORTED: &[&str] =
    &["ip_address_type", "service_region", "service_network_arn", "resource_configuration_arn"];

pub type AwsVpcEndpoint = Ec2Type<VpcEndpointObject>;

pub struct VpcEndpointObject;

/// An endpoint as read: AWS's object and, for a Gateway endpoint, the prefix list AWS keeps
/// for its service (its ID and CIDR blocks).
pub struct Endpoint {
    endpoint: VpcEndpoint,
    prefix_list_id: Option<String>,
    cidr_blocks: Vec<String>,
}

impl Endpoint {
    fn kind(&self) -> &str {
        self.endpoint.vpc_endpoint_type().map(VpcEndpointType::as_str).unwrap_or("Gateway")
    }
}

/// An attribute read from the endpoint itself.
fn endpoint(
    attribute: Attribute,
    value: impl Fn(&VpcEndpoint) -> Value + Send + Sync + 'static,
) -> Declared<Endpoint> {
    read(attribute, move |read: &Endpoint, _: &Reading| value(&read.endpoint))
}

/// A string attribute read by one of the endpoint's accessors.
fn text(attribute: Attribute, accessor: fn(&VpcEndpoint) -> Option<&str>) -> Declared<Endpoint> {
    endpoint(attribute, move |e| optional_string(accessor(e)))
}

/// A set of strings read by one of the endpoint's accessors.
fn strings(attribute: Attribute, accessor: fn(&VpcEndpoint) -> &[String]) -> Declared<Endpoint> {
    endpoint(attribute, move |e| string_values(accessor(e)))
}

fn string_set(name: &'static str) -> Attribute {
    Attribute::optional_computed(name, Type::set(Type::String))
}

fn dns_options_schema() -> Schema {
    Schema::new()
        .attr(
            Attribute::optional_computed("dns_record_ip_type", Type::String)
                .check(Check::OneOf(&["ipv4", "dualstack", "service-defined", "ipv6"])),
        )
        .attr(Attribute::optional_computed(
            "private_dns_only_for_inbound_resolver_endpoint",
            Type::Bool,
        ))
        .attr(Attribute::optional_computed("private_dns_preference", Type::String))
        .attr(string_set("private_dns_specified_domains"))
}

fn dns_options_value(endpoint: &VpcEndpoint) -> Value {
    let Some(options) = endpoint.dns_options() else {
        return Value::List(Vec::new());
    };
    Value::List(vec![Value::map([
        (
            "dns_record_ip_type",
            optional_string(options.dns_record_ip_type().map(DnsRecordIpType::as_str)),
        ),
        (
            "private_dns_only_for_inbound_resolver_endpoint",
            Value::Bool(options.private_dns_only_for_inbound_resolver_endpoint().unwrap_or(false)),
        ),
        ("private_dns_preference", optional_string(options.private_dns_preference())),
        ("private_dns_specified_domains", string_values(options.private_dns_specified_domains())),
    ])])
}

fn dns_entries_value(endpoint: &VpcEndpoint) -> Value {
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
    )
}

/// The prefix list AWS keeps for a Gateway endpoint's service, and its CIDR blocks.
async fn prefix_list(
    ec2: &aws_sdk_ec2::Client,
    service: &str,
) -> Result<(Option<String>, Vec<String>), ProviderError> {
    if service.is_empty() {
        return Ok((None, Vec::new()));
    }
    let output = sent!(ec2.describe_prefix_lists().filters(filter("prefix-list-name", [service])))?;
    Ok(output
        .prefix_lists()
        .first()
        .map(|list| (list.prefix_list_id().map(str::to_string), list.cidrs().to_vec()))
        .unwrap_or_default())
}

impl AwsVpcEndpoint {
    /// Waits for the endpoint to settle after a create or modify; accepts it when it waits for
    /// acceptance and `auto_accept` is set.
    async fn wait_available(
        &self,
        id: &str,
        planned: &Value,
        timeout: std::time::Duration,
    ) -> Result<Value, ProviderError> {
        let mut accepted = false;
        wait_for(timeout, &format!("VPC endpoint {id} to become available"), || {
            let accept = !accepted && bool_attribute(planned, "auto_accept", false);
            accepted = true;
            async move {
                let Some(value) = self.find(id, Some(planned)).await? else {
                    return Err(ProviderError::with_code(
                        VpcEndpointObject::NOT_FOUND,
                        format!("VPC endpoint {id} failed or disappeared"),
                    ));
                };
                let state = value.get("state").as_str().unwrap_or_default().to_ascii_lowercase();
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
        })
        .await
    }

    /// Accepts the endpoint's connection on its service (the same account's service).
    async fn accept(&self, id: &str, planned: &Value) -> Result<(), ProviderError> {
        let Some(service) = non_empty_attribute(planned, "service_name") else {
            return Ok(());
        };
        let ec2 = self.ec2().await;
        let services = sent!(ec2.describe_vpc_endpoint_services().service_names(&service))?;
        let Some(service_id) =
            services.service_details().first().and_then(|detail| detail.service_id())
        else {
            return Err(ProviderError::new(format!(
                "auto_accept: service {service} not found in this account"
            )));
        };
        sent!(ec2.accept_vpc_endpoint_connections().service_id(service_id).vpc_endpoint_ids(id))?;
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
        let empty =
            entries.get(block).and_then(Value::as_list).is_none_or(|items| items.is_empty());
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
            .set_dns_record_ip_type(as_enum(non_empty_attribute(options, "dns_record_ip_type")))
            .set_private_dns_only_for_inbound_resolver_endpoint(
                options.get("private_dns_only_for_inbound_resolver_endpoint").as_bool(),
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

impl Ec2Object for VpcEndpointObject {
    type Item = Endpoint;
    const NAME: &'static str = "aws_vpc_endpoint";
    const ID_FILTER: Option<&'static str> = None;
    const NOT_FOUND: &'static str = "InvalidVpcEndpointId.NotFound";

    fn attributes() -> Vec<Declared<Endpoint>> {
        let computed = |name| Attribute::computed(name, Type::String);
        vec![
            text(computed("id"), VpcEndpoint::vpc_endpoint_id),
            read(computed("arn"), |read: &Endpoint, at| {
                let e = &read.endpoint;
                let id = e.vpc_endpoint_id().unwrap_or_default();
                at.arn(e.owner_id().unwrap_or_default(), "vpc-endpoint", id)
            }),
            text(Attribute::required("vpc_id", Type::String).force_new(), VpcEndpoint::vpc_id),
            text(
                Attribute::optional("service_name", Type::String)
                    .force_new()
                    .conflicts_with(&["resource_configuration_arn", "service_network_arn"]),
                VpcEndpoint::service_name,
            ),
            text(
                Attribute::optional_computed("service_region", Type::String).force_new(),
                VpcEndpoint::service_region,
            ),
            text(
                Attribute::optional("service_network_arn", Type::String)
                    .force_new()
                    .conflicts_with(&["service_name", "resource_configuration_arn"])
                    .check(verify::ARN),
                VpcEndpoint::service_network_arn,
            ),
            text(
                Attribute::optional("resource_configuration_arn", Type::String)
                    .force_new()
                    .conflicts_with(&["service_name", "service_network_arn"])
                    .check(verify::ARN),
                VpcEndpoint::resource_configuration_arn,
            ),
            read(
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
                |read: &Endpoint, _| Value::string(read.kind()),
            ),
            // Not reported by AWS: kept from the configuration (`keep_unreported`).
            Declared::unread(Attribute::optional("auto_accept", Type::Bool)),
            text(Attribute::optional_computed("policy", Type::Json), VpcEndpoint::policy_document),
            read(
                Attribute::optional_computed("private_dns_enabled", Type::Bool),
                |read: &Endpoint, _| {
                    let enabled = read.endpoint.private_dns_enabled().unwrap_or(false);
                    Value::Bool(read.kind() != "Gateway" && enabled)
                },
            ),
            endpoint(
                Attribute::optional_computed("ip_address_type", Type::String)
                    .check(Check::OneOf(&["ipv4", "dualstack", "ipv6"])),
                |e| optional_string(e.ip_address_type().map(IpAddressType::as_str)),
            ),
            strings(string_set("route_table_ids"), VpcEndpoint::route_table_ids),
            strings(string_set("subnet_ids"), VpcEndpoint::subnet_ids),
            endpoint(string_set("security_group_ids"), |e| {
                string_values(e.groups().iter().filter_map(|g| g.group_id()))
            }),
            read(
                Attribute::computed("cidr_blocks", Type::list(Type::String)),
                |read: &Endpoint, _| string_values(&read.cidr_blocks),
            ),
            endpoint(
                Attribute::computed("dns_entry", Type::list(Type::map(Type::String))),
                dns_entries_value,
            ),
            strings(
                Attribute::computed("network_interface_ids", Type::set(Type::String)),
                VpcEndpoint::network_interface_ids,
            ),
            endpoint(computed("owner_id"), |e| Value::string(e.owner_id().unwrap_or_default())),
            read(computed("prefix_list_id"), |read: &Endpoint, _| {
                optional_string(read.prefix_list_id.as_deref())
            }),
            endpoint(Attribute::computed("requester_managed", Type::Bool), |e| {
                Value::Bool(e.requester_managed().unwrap_or(false))
            }),
            endpoint(computed("state"), |e| optional_string(e.state().map(State::as_str))),
            read_block(
                Block::single("dns_options", dns_options_schema()).computed(),
                |read: &Endpoint, _| dns_options_value(&read.endpoint),
            ),
            // Not reported (moto does not hold it): kept from the prior value.
            read_block(
                Block::set(
                    "subnet_configuration",
                    Schema::new()
                        .attr(Attribute::optional_computed("ipv4", Type::String))
                        .attr(Attribute::optional_computed("ipv6", Type::String))
                        .attr(Attribute::optional_computed("subnet_id", Type::String)),
                )
                .computed(),
                |_: &Endpoint, _| Value::List(Vec::new()),
            ),
        ]
    }

    fn schema(schema: Schema) -> Schema {
        schema.timeouts(&["create", "update", "delete"])
    }

    fn default_timeouts() -> Timeouts {
        Timeouts::minutes(10, 10, 10)
    }

    const ID: fn(&Endpoint) -> Option<&str> = |read| read.endpoint.vpc_endpoint_id();
    const TAGS: fn(&Endpoint) -> &[Tag] = |read| read.endpoint.tags();

    fn is_gone(read: &Endpoint) -> bool {
        is_gone(&read.endpoint)
    }

    fn not_found(id: &str) -> ProviderError {
        ProviderError::with_code(Self::NOT_FOUND, format!("VPC endpoint {id} not found"))
    }

    fn keep_unreported(prior: &Value, value: &mut Value) {
        keep_unreported(prior, value)
    }

    /// infra's own check, stricter than the provider's (which declares only that the three
    /// conflict, and leaves an endpoint that names none of them for CreateVpcEndpoint to
    /// refuse): an endpoint names a service, a service network or a resource configuration.
    fn validate(config: &Value) -> Vec<(String, String)> {
        let targets = ["service_name", "resource_configuration_arn", "service_network_arn"];
        if targets.iter().any(|name| !config.get(name).is_null()) {
            return vec![];
        }
        let message = "one of service_name, resource_configuration_arn or service_network_arn \
                       must be set.";
        vec![("service_name".to_string(), message.to_string())]
    }

    /// The endpoints, each Gateway endpoint with its service's prefix list (DescribePrefixLists).
    /// Described by tags (a create whose answer was lost), AWS's not-found answer finds none.
    async fn describe(at: Describing<'_>) -> Result<Vec<Endpoint>, ProviderError> {
        let by_ids = at.ids.is_some();
        let answer: Result<Vec<VpcEndpoint>, ProviderError> = all_items!(at
            .ec2
            .describe_vpc_endpoints()
            .set_vpc_endpoint_ids(at.ids)
            .set_filters(at.filters));
        let endpoints = match answer {
            Err(error) if !by_ids && has_code(&error, Self::NOT_FOUND) => return Ok(Vec::new()),
            other => other?,
        };
        let mut read = Vec::new();
        for endpoint in endpoints {
            if endpoint.vpc_endpoint_id().is_none() || is_gone(&endpoint) {
                continue;
            }
            let mut found = Endpoint { endpoint, prefix_list_id: None, cidr_blocks: Vec::new() };
            if found.kind() == "Gateway" {
                let service = found.endpoint.service_name().unwrap_or_default();
                (found.prefix_list_id, found.cidr_blocks) = prefix_list(at.ec2, service).await?;
            }
            read.push(found);
        }
        Ok(read)
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let kind = non_empty_attribute(at.planned, "vpc_endpoint_type")
            .unwrap_or_else(|| "Gateway".to_string());
        let interface = kind == "Interface";
        let output = sent!(at
            .this
            .ec2()
            .await
            .create_vpc_endpoint()
            .client_token(client_token(at.operation, at.planned))
            .vpc_endpoint_type(VpcEndpointType::from(kind.as_str()))
            .set_vpc_id(string_attribute(at.planned, "vpc_id"))
            .set_service_name(non_empty_attribute(at.planned, "service_name"))
            .set_service_region(non_empty_attribute(at.planned, "service_region"))
            .set_service_network_arn(non_empty_attribute(at.planned, "service_network_arn"))
            .set_resource_configuration_arn(non_empty_attribute(
                at.planned,
                "resource_configuration_arn",
            ))
            .set_policy_document(non_empty_attribute(at.planned, "policy"))
            .set_private_dns_enabled(if interface {
                Some(bool_attribute(at.planned, "private_dns_enabled", false))
            } else {
                None
            })
            .set_ip_address_type(as_enum(non_empty_attribute(at.planned, "ip_address_type")),)
            .set_route_table_ids(non_empty_list(string_list(at.planned, "route_table_ids")))
            .set_subnet_ids(non_empty_list(string_list(at.planned, "subnet_ids")))
            .set_security_group_ids(non_empty_list(string_list(at.planned, "security_group_ids")))
            .set_dns_options(dns_options_request(at.planned))
            .set_subnet_configurations(subnet_configurations(at.planned))
            .tag_specifications(at.tag_specification(Ec2ResourceType::VpcEndpoint)))?;
        created_id(
            output.vpc_endpoint().and_then(VpcEndpoint::vpc_endpoint_id),
            "CreateVpcEndpoint returned no id",
        )
    }

    /// The wait until the endpoint is available reads it whole: that read is the result.
    async fn create_and_read(at: Creating<'_, Self>) -> Result<Value, ProviderError> {
        let id = Self::create(at).await?;
        at.this.wait_available(&id, at.planned, at.operation.timeouts.create).await
    }

    async fn update(at: Updating<'_, Self>) -> Result<(), ProviderError> {
        let (add_tables, remove_tables) = set_changes(at.prior, at.planned, "route_table_ids");
        let (add_subnets, remove_subnets) = set_changes(at.prior, at.planned, "subnet_ids");
        let (add_groups, remove_groups) = set_changes(at.prior, at.planned, "security_group_ids");
        let mut request = at
            .this
            .ec2()
            .await
            .modify_vpc_endpoint()
            .vpc_endpoint_id(at.key)
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
        let policy_changed = at.planned.get("policy").is_wholly_known()
            && at.prior.get("policy") != at.planned.get("policy");
        if policy_changed {
            changed = true;
            request = match non_empty_attribute(at.planned, "policy") {
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
            let value = at.planned.get(name);
            if !value.is_wholly_known() || value.is_null() || at.prior.get(name) == value {
                continue;
            }
            changed = true;
            request = match apply {
                0 => request.set_private_dns_enabled(value.as_bool()),
                1 => request.set_ip_address_type(value.as_str().map(IpAddressType::from)),
                2 => request.set_dns_options(dns_options_request(at.planned)),
                _ => request.set_subnet_configurations(subnet_configurations(at.planned)),
            };
        }
        if changed {
            request.send().await.map_err(aws_error)?;
            at.this.wait_available(at.key, at.planned, at.operation.timeouts.update).await?;
        }
        Ok(())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let id = at.key;
        let prior = at.prior;
        let output = sent!(at.this.ec2().await.delete_vpc_endpoints().vpc_endpoint_ids(id));
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
            at.operation.timeouts.delete,
            &format!("VPC endpoint {id} to be deleted"),
            || async { Ok(at.this.find(id, Some(prior)).await?.is_none().then_some(())) },
        )
        .await
    }
}

/// Whether AWS reports the endpoint deleted, being deleted or failed. AWS answers in lower
/// case (`available`, `pendingAcceptance`, `deleted`) where the SDK's enum is capitalized:
/// compared case-insensitively.
pub(crate) fn is_gone(endpoint: &VpcEndpoint) -> bool {
    let state = endpoint.state().map(|s| s.as_str().to_ascii_lowercase()).unwrap_or_default();
    matches!(state.as_str(), "deleted" | "deleting" | "failed")
}

#[cfg(test)]
mod tests {
    use infra_core::Operation;

    use super::*;

    /// The three things an endpoint can name conflict, as the provider declares, and one is
    /// needed (infra's own check); the two ARNs are checked as ARNs.
    #[test]
    fn what_an_endpoint_names_is_checked() {
        let problems = |named: Vec<(&'static str, &str)>| {
            let mut entries = vec![("vpc_id", Value::string("vpc-1"))];
            entries.extend(named.into_iter().map(|(name, value)| (name, Value::string(value))));
            crate::problem_messages("aws_vpc_endpoint", &Value::map(entries))
        };
        let network = "arn:aws:vpc-lattice:us-east-1:123456789012:servicenetwork/sn-1";
        assert!(problems(vec![("service_name", "com.amazonaws.us-east-1.s3")]).is_empty());
        assert!(problems(vec![("service_network_arn", network)]).is_empty());
        assert_eq!(
            problems(vec![]),
            ["one of service_name, resource_configuration_arn or service_network_arn must be set."]
        );
        assert_eq!(
            problems(vec![
                ("service_name", "com.amazonaws.us-east-1.s3"),
                ("service_network_arn", network)
            ]),
            [
                "\"service_name\": conflicts with service_network_arn",
                "\"service_network_arn\": conflicts with service_name",
            ]
        );
        let wrong = problems(vec![("resource_configuration_arn", "rcfg-1")]);
        assert_eq!(wrong.len(), 1, "{wrong:?}");
        assert!(wrong[0].contains("resource_configuration_arn"), "{wrong:?}");
    }

    #[test]
    fn set_changes_add_and_remove() {
        let prior =
            Value::map([("subnet_ids", Value::List(vec![Value::string("a"), Value::string("b")]))]);
        let planned =
            Value::map([("subnet_ids", Value::List(vec![Value::string("b"), Value::string("c")]))]);
        assert_eq!(
            set_changes(&prior, &planned, "subnet_ids"),
            (vec!["c".to_string()], vec!["a".to_string()])
        );
        let unknown = Value::map([("subnet_ids", Value::Unknown)]);
        assert_eq!(set_changes(&prior, &unknown, "subnet_ids"), (vec![], vec![]));
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
        assert_eq!(token, client_token(&operation("aws_vpc_endpoint.s3"), &planned));
        assert_ne!(token, client_token(&operation("aws_vpc_endpoint.ssm"), &planned));
        let changed = Value::map([("service_name", Value::string("com.amazonaws.us-east-1.ssm"))]);
        assert_ne!(token, client_token(&operation("aws_vpc_endpoint.s3"), &changed));
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
