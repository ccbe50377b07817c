//! `aws_customer_gateway`: the customer side of a site-to-site VPN (its public IP, BGP ASN,
//! certificate). Every argument forces a new gateway; only tags change in place. Create waits
//! until it is `available`, delete until it is `deleted`.
//!
//! moto does not hold `device_name`, `certificate_arn` or `bgp_asn_extended`, so they are kept
//! from the prior value when the describe answer leaves them out, and drift on them is not
//! seen in tests.

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_ec2::types::{CustomerGateway, Filter, GatewayType, ResourceType as Ec2ResourceType};
use infra_core::{
    Attribute, Check, Operation, ProviderError, ResourceType, Schema, Timeouts, Type, Value,
};

use crate::ec2_support::{
    chunks_of, ec2_arn, filter, in_prior_order, known_ids, managed_tag_filters,
    non_empty_attribute, optional_string, string_attribute, tag_entries, tag_specification,
    update_tags, wait_for, whole_object,
};
use crate::error::aws_error;
use crate::tagging::WithTags;
use crate::Aws;

/// Attributes moto leaves out of its answer: kept from the prior value when absent.
const UNREPORTED: &[&str] = &["device_name", "certificate_arn", "bgp_asn_extended"];

pub struct AwsCustomerGateway {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsCustomerGateway {
    pub fn new(aws: Arc<Aws>) -> AwsCustomerGateway {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::optional_computed("bgp_asn", Type::String).force_new())
            .attr(Attribute::optional_computed("bgp_asn_extended", Type::String).force_new())
            .attr(Attribute::optional("certificate_arn", Type::String).force_new())
            .attr(Attribute::optional("device_name", Type::String).force_new())
            .attr(Attribute::optional("ip_address", Type::String).force_new())
            .attr(
                Attribute::required("type", Type::String)
                    .force_new()
                    .check(Check::OneOf(&["ipsec.1"])),
            )
            .with_tags();
        AwsCustomerGateway { aws, schema }
    }

    /// The gateways matching `filters` with their state (`pending`, `available`, ...); deleted
    /// ones are left out.
    async fn describe(
        &self,
        filters: Vec<Filter>,
    ) -> Result<HashMap<String, (Value, String)>, ProviderError> {
        let clients = self.aws.clients().await;
        let output = clients
            .ec2
            .describe_customer_gateways()
            .set_filters(Some(filters))
            .send()
            .await
            .map_err(aws_error)?;
        let gateways: Vec<&CustomerGateway> = output
            .customer_gateways()
            .iter()
            .filter(|g| !matches!(g.state(), Some("deleted" | "deleting")))
            .collect();
        if gateways.is_empty() {
            return Ok(HashMap::new());
        }
        let account = self.aws.account_id().await?;
        let mut found = HashMap::new();
        for gateway in gateways {
            let Some(id) = gateway.customer_gateway_id() else {
                continue;
            };
            let mut entries = vec![
                ("id", Value::string(id)),
                (
                    "arn",
                    Value::string(ec2_arn(&clients.region, &account, "customer-gateway", id)),
                ),
                ("bgp_asn", optional_string(gateway.bgp_asn())),
                (
                    "bgp_asn_extended",
                    optional_string(gateway.bgp_asn_extended()),
                ),
                (
                    "certificate_arn",
                    optional_string(gateway.certificate_arn()),
                ),
                ("device_name", optional_string(gateway.device_name())),
                ("ip_address", optional_string(gateway.ip_address())),
                ("type", optional_string(gateway.r#type())),
            ];
            entries.extend(tag_entries(gateway.tags()));
            found.insert(
                id.to_string(),
                (
                    whole_object(&self.schema, entries),
                    gateway.state().unwrap_or("available").to_string(),
                ),
            );
        }
        Ok(found)
    }

    async fn find(&self, id: &str) -> Result<Option<(Value, String)>, ProviderError> {
        Ok(self
            .describe(vec![filter("customer-gateway-id", [id])])
            .await?
            .remove(id))
    }
}

/// What the describe answer left out is kept from `prior`.
fn keep_unreported(prior: &Value, value: &mut Value) {
    let Some(entries) = value.map_mut() else {
        return;
    };
    for name in UNREPORTED {
        if entries.get(*name).is_none_or(Value::is_null) {
            entries.insert(name.to_string(), prior.get(name).clone());
        }
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsCustomerGateway {
    fn name(&self) -> &'static str {
        "aws_customer_gateway"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn default_timeouts(&self) -> Timeouts {
        Timeouts {
            create: std::time::Duration::from_secs(10 * 60),
            update: std::time::Duration::from_secs(10 * 60),
            delete: std::time::Duration::from_secs(10 * 60),
        }
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if !config.get("bgp_asn").is_null() && !config.get("bgp_asn_extended").is_null() {
            problems.push((
                "bgp_asn".to_string(),
                "\"bgp_asn\": conflicts with bgp_asn_extended.".to_string(),
            ));
        }
        if let Some(asn) = config.get("bgp_asn").as_str() {
            if !asn
                .parse::<i64>()
                .is_ok_and(|n| (1..=2_147_483_647).contains(&n))
            {
                problems.push((
                    "bgp_asn".to_string(),
                    format!("\"bgp_asn\" ({asn}) must be a number from 1 to 2147483647."),
                ));
            }
        }
        if let Some(asn) = config.get("bgp_asn_extended").as_str() {
            if !asn
                .parse::<i64>()
                .is_ok_and(|n| (2_147_483_648..=4_294_967_295).contains(&n))
            {
                problems.push((
                    "bgp_asn_extended".to_string(),
                    format!("\"bgp_asn_extended\" ({asn}) must be a number from 2147483648 to 4294967295."),
                ));
            }
        }
        problems
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let output = self
            .aws
            .clients()
            .await
            .ec2
            .create_customer_gateway()
            .r#type(GatewayType::Ipsec1)
            .set_bgp_asn(non_empty_attribute(planned, "bgp_asn").and_then(|a| a.parse().ok()))
            .set_bgp_asn_extended(
                non_empty_attribute(planned, "bgp_asn_extended").and_then(|a| a.parse().ok()),
            )
            .set_certificate_arn(non_empty_attribute(planned, "certificate_arn"))
            .set_device_name(non_empty_attribute(planned, "device_name"))
            .set_ip_address(non_empty_attribute(planned, "ip_address"))
            .tag_specifications(tag_specification(
                operation,
                planned,
                Ec2ResourceType::CustomerGateway,
            ))
            .send()
            .await
            .map_err(aws_error)?;
        let id = output
            .customer_gateway()
            .and_then(CustomerGateway::customer_gateway_id)
            .ok_or_else(|| ProviderError::new("CreateCustomerGateway returned no id"))?
            .to_string();
        let mut value = wait_for(
            operation.timeouts.create,
            &format!("customer gateway {id} to become available"),
            || async {
                Ok(match self.find(&id).await? {
                    Some((value, state)) if state == "available" => Some(value),
                    _ => None,
                })
            },
        )
        .await?;
        keep_unreported(planned, &mut value);
        Ok(value)
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let id = string_attribute(prior, "id")
            .ok_or_else(|| ProviderError::new("aws_customer_gateway: prior state has no id"))?;
        update_tags(&self.aws.clients().await.ec2, &id, prior, planned).await?;
        let (mut value, _) = self.find(&id).await?.ok_or_else(|| {
            ProviderError::with_code(
                "InvalidCustomerGatewayID.NotFound",
                format!("customer gateway {id} not found"),
            )
        })?;
        keep_unreported(planned, &mut value);
        Ok(value)
    }

    async fn delete(&self, operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some(id) = string_attribute(prior, "id") else {
            return Ok(());
        };
        let result = self
            .aws
            .clients()
            .await
            .ec2
            .delete_customer_gateway()
            .customer_gateway_id(&id)
            .send()
            .await
            .map_err(aws_error);
        match result {
            Ok(_) => {}
            Err(error) if crate::error::is_not_found(&error) => return Ok(()),
            Err(error) => return Err(error),
        }
        wait_for(
            operation.timeouts.delete,
            &format!("customer gateway {id} to be deleted"),
            || async { Ok(self.find(&id).await?.is_none().then_some(())) },
        )
        .await
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let mut found = HashMap::new();
        for chunk in chunks_of(&known_ids(prior)) {
            for (id, (value, _)) in self
                .describe(vec![filter("customer-gateway-id", chunk.iter().cloned())])
                .await?
            {
                found.insert(id, value);
            }
        }
        let mut read = in_prior_order(prior, &found);
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
        let mut found = self
            .describe(managed_tag_filters(operation))
            .await?
            .into_values()
            .map(|(value, _)| value)
            .next();
        if let Some(value) = &mut found {
            keep_unreported(planned, value);
        }
        Ok(found)
    }
}
