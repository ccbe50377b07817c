//! `aws_vpc_endpoint_service` (data source): the one VPC endpoint service matching `service`
//! (an AWS service's short name, `com.amazonaws.<region>.<service>`) or `service_name`,
//! `service_type`, `tags` and `filter` blocks (DescribeVpcEndpointServices). None is
//! "no matching EC2 VPC Endpoint Service found" and more than one "multiple EC2 VPC Endpoint
//! Services matched", as in the provider; the ID is the provider's hash of the service name.
//!
//! moto lists its default services with fewer details than AWS (no private DNS names, no
//! supported IP address types), so those read empty in tests.

use infra_core::{Attribute, Check, ProviderError, Schema, Type, Value};

use crate::app_support::{sent, string};
use crate::clients::partition_of;
use crate::ec2_support::{
    crc32, filter_block, lookup_filters, lookup_value, string_values, visible_ec2_tags,
};
use crate::lookup::{Lookup, LookupType};

pub type AwsVpcEndpointService = LookupType<VpcEndpointServiceLookup>;

pub struct VpcEndpointServiceLookup;

impl Lookup for VpcEndpointServiceLookup {
    const NAME: &'static str = "aws_vpc_endpoint_service";

    fn schema() -> Schema {
        Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::optional("service", Type::String))
            .attr(Attribute::optional_computed("service_name", Type::String))
            .attr(
                Attribute::optional_computed("service_type", Type::String).check(Check::OneOf(&[
                    "Interface",
                    "Gateway",
                    "GatewayLoadBalancer",
                ])),
            )
            .attr(Attribute::optional_computed("tags", Type::map(Type::String)))
            .attr(Attribute::computed("acceptance_required", Type::Bool))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("availability_zones", Type::set(Type::String)))
            .attr(Attribute::computed("base_endpoint_dns_names", Type::set(Type::String)))
            .attr(Attribute::computed("manages_vpc_endpoints", Type::Bool))
            .attr(Attribute::computed("owner", Type::String))
            .attr(Attribute::computed("private_dns_name", Type::String))
            .attr(Attribute::computed("private_dns_names", Type::list(Type::String)))
            .attr(Attribute::computed("service_id", Type::String))
            .attr(Attribute::computed("supported_ip_address_types", Type::set(Type::String)))
            .attr(Attribute::computed("vpc_endpoint_policy_supported", Type::Bool))
            .block(filter_block())
    }

    async fn read(this: &LookupType<Self>, config: &Value) -> Result<Value, ProviderError> {
        // The provider's ConflictsWith, which infra's schemas do not declare: refused here.
        if !config.get("service").is_null() && !config.get("service_name").is_null() {
            return Err(ProviderError::new("\"service\": conflicts with service_name"));
        }
        let clients = this.aws.clients().await;
        let region = clients.region.clone();
        let wanted = string(config, "service_name").or_else(|| {
            string(config, "service").map(|service| format!("com.amazonaws.{region}.{service}"))
        });
        let output = sent!(clients
            .ec2
            .describe_vpc_endpoint_services()
            .set_service_names(wanted.clone().map(|name| vec![name]))
            .set_filters(
                Some(lookup_filters(config, &[("service_type", "service-type")]))
                    .filter(|f| !f.is_empty()),
            ));
        let not_found =
            || ProviderError::with_code("NotFound", "no matching EC2 VPC Endpoint Service found");
        // AWS refuses a service name it does not know with `InvalidServiceName`.
        let output = match output {
            Err(error) if error.code.as_deref() == Some("InvalidServiceName") => {
                return Err(not_found())
            }
            other => other?,
        };
        let details = output.service_details();
        let detail = match details {
            [] => return Err(not_found()),
            [one] => one,
            _ => {
                return Err(ProviderError::new(
                    "multiple EC2 VPC Endpoint Services matched; use additional constraints to reduce matches to a single EC2 VPC Endpoint Service",
                ))
            }
        };
        let name = detail.service_name().unwrap_or_default().to_string();
        let service_id = detail.service_id().unwrap_or_default().to_string();
        let account = this.aws.account_id().await?.to_string();
        let arn = format!(
            "arn:{}:ec2:{region}:{account}:vpc-endpoint-service/{service_id}",
            partition_of(&region)
        );
        let flag = |value: Option<bool>| Value::Bool(value.unwrap_or(false));
        Ok(lookup_value(
            &this.schema,
            config,
            [
                ("id", Value::string(crc32(name.as_bytes()).to_string())),
                ("service_name", Value::string(&name)),
                (
                    "service_type",
                    detail
                        .service_type()
                        .first()
                        .and_then(|t| t.service_type())
                        .map_or(Value::Null, |t| Value::string(t.as_str())),
                ),
                ("tags", visible_ec2_tags(detail.tags())),
                ("acceptance_required", flag(detail.acceptance_required())),
                ("arn", Value::string(arn)),
                ("availability_zones", string_values(detail.availability_zones())),
                ("base_endpoint_dns_names", string_values(detail.base_endpoint_dns_names())),
                ("manages_vpc_endpoints", flag(detail.manages_vpc_endpoints())),
                ("owner", detail.owner().map_or(Value::Null, Value::string)),
                ("private_dns_name", detail.private_dns_name().map_or(Value::Null, Value::string)),
                (
                    "private_dns_names",
                    string_values(
                        detail.private_dns_names().iter().filter_map(|d| d.private_dns_name()),
                    ),
                ),
                ("service_id", Value::string(service_id)),
                (
                    "supported_ip_address_types",
                    string_values(detail.supported_ip_address_types().iter().map(|t| t.as_str())),
                ),
                ("vpc_endpoint_policy_supported", flag(detail.vpc_endpoint_policy_supported())),
            ],
        ))
    }
}
