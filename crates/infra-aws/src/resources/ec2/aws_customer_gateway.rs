//! `aws_customer_gateway`: the customer side of a site-to-site VPN (its public IP, BGP ASN,
//! certificate). Every argument forces a new gateway; only tags change in place. Create waits
//! until it is `available`, delete until it is `deleted`.
//!
//! moto does not hold `device_name`, `certificate_arn` or `bgp_asn_extended`, so they are kept
//! from the prior value when the describe answer leaves them out, and drift on them is not
//! seen in tests.

use aws_sdk_ec2::types::{CustomerGateway, GatewayType, ResourceType as Ec2ResourceType, Tag};
use infra_core::{Attribute, Check, ProviderError, Timeouts, Type, Value};

use crate::app_support::{sent, sent_unless_gone};
use crate::ec2_object::{
    read, string, Creating, Declared, Deleting, Describing, Ec2Object, Ec2Type,
};
use crate::ec2_support::{created_id, non_empty_attribute, optional_string};
use crate::error::is_not_found;

pub type AwsCustomerGateway = Ec2Type<CustomerGatewayObject>;

pub struct CustomerGatewayObject;

impl Ec2Object for CustomerGatewayObject {
    type Item = CustomerGateway;
    const NAME: &'static str = "aws_customer_gateway";
    const ID_FILTER: Option<&'static str> = Some("customer-gateway-id");
    const NOT_FOUND: &'static str = "InvalidCustomerGatewayID.NotFound";
    const READS_ACCOUNT: bool = true;
    const KEPT_FROM_PRIOR: &'static [&'static str] =
        &["device_name", "certificate_arn", "bgp_asn_extended"];

    fn attributes() -> Vec<Declared<CustomerGateway>> {
        vec![
            string(Attribute::computed("id", Type::String), CustomerGateway::customer_gateway_id),
            read(Attribute::computed("arn", Type::String), |g: &CustomerGateway, at| {
                let id = g.customer_gateway_id().unwrap_or_default();
                at.arn(at.account, "customer-gateway", id)
            }),
            string(
                Attribute::optional_computed("bgp_asn", Type::String)
                    .force_new()
                    .conflicts_with(&["bgp_asn_extended"]),
                CustomerGateway::bgp_asn,
            ),
            string(
                Attribute::optional_computed("bgp_asn_extended", Type::String)
                    .force_new()
                    .conflicts_with(&["bgp_asn"]),
                CustomerGateway::bgp_asn_extended,
            ),
            string(
                Attribute::optional("certificate_arn", Type::String).force_new(),
                CustomerGateway::certificate_arn,
            ),
            string(
                Attribute::optional("device_name", Type::String).force_new(),
                CustomerGateway::device_name,
            ),
            string(
                Attribute::optional("ip_address", Type::String).force_new(),
                CustomerGateway::ip_address,
            ),
            read(
                Attribute::required("type", Type::String)
                    .force_new()
                    .check(Check::OneOf(&["ipsec.1"])),
                |g: &CustomerGateway, _| optional_string(g.r#type()),
            ),
        ]
    }

    fn default_timeouts() -> Timeouts {
        Timeouts::minutes(10, 10, 10)
    }

    const ID: fn(&CustomerGateway) -> Option<&str> = CustomerGateway::customer_gateway_id;
    const TAGS: fn(&CustomerGateway) -> &[Tag] = CustomerGateway::tags;

    fn is_gone(gateway: &CustomerGateway) -> bool {
        matches!(gateway.state(), Some("deleted" | "deleting"))
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if let Some(asn) = config.get("bgp_asn").as_str() {
            if !asn.parse::<i64>().is_ok_and(|n| (1..=2_147_483_647).contains(&n)) {
                problems.push((
                    "bgp_asn".to_string(),
                    format!("\"bgp_asn\" ({asn}) must be a number from 1 to 2147483647."),
                ));
            }
        }
        if let Some(asn) = config.get("bgp_asn_extended").as_str() {
            if !asn.parse::<i64>().is_ok_and(|n| (2_147_483_648..=4_294_967_295).contains(&n)) {
                problems.push((
                    "bgp_asn_extended".to_string(),
                    format!("\"bgp_asn_extended\" ({asn}) must be a number from 2147483648 to 4294967295."),
                ));
            }
        }
        problems
    }

    async fn describe(at: Describing<'_>) -> Result<Vec<CustomerGateway>, ProviderError> {
        let output = sent!(at
            .ec2
            .describe_customer_gateways()
            .set_customer_gateway_ids(at.ids)
            .set_filters(at.filters))?;
        Ok(output.customer_gateways().to_vec())
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let output = sent!(at
            .this
            .ec2()
            .await
            .create_customer_gateway()
            .r#type(GatewayType::Ipsec1)
            .set_bgp_asn(non_empty_attribute(at.planned, "bgp_asn").and_then(|a| a.parse().ok()))
            .set_bgp_asn_extended(
                non_empty_attribute(at.planned, "bgp_asn_extended").and_then(|a| a.parse().ok()),
            )
            .set_certificate_arn(non_empty_attribute(at.planned, "certificate_arn"))
            .set_device_name(non_empty_attribute(at.planned, "device_name"))
            .set_ip_address(non_empty_attribute(at.planned, "ip_address"))
            .tag_specifications(at.tag_specification(Ec2ResourceType::CustomerGateway)))?;
        let id = created_id(
            output.customer_gateway().and_then(CustomerGateway::customer_gateway_id),
            "CreateCustomerGateway returned no id",
        )?;
        let what = format!("customer gateway {id} to become available");
        at.this
            .wait_until(&id, at.operation.timeouts.create, &what, |gateway| {
                gateway.is_some_and(|g| g.state().unwrap_or("available") == "available")
            })
            .await?;
        Ok(id)
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let id = at.key;
        let deleted = sent!(at.this.ec2().await.delete_customer_gateway().customer_gateway_id(id));
        if !sent_unless_gone(deleted, is_not_found)? {
            return Ok(());
        }
        let what = format!("customer gateway {id} to be deleted");
        at.this
            .wait_until(id, at.operation.timeouts.delete, &what, |gateway| gateway.is_none())
            .await
    }
}
