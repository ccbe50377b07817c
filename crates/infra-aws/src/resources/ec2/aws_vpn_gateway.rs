//! `aws_vpn_gateway`: a virtual private gateway (the AWS side of a site-to-site VPN), attached
//! to at most one VPC. Changing `vpc_id` detaches and re-attaches in place; `amazon_side_asn`
//! and `availability_zone` force a new gateway. The attach/detach helpers here are shared with
//! `aws_vpn_gateway_attachment`.
//!
//! moto attaches and detaches at once and holds every argument; AWS takes a while, so attach
//! and detach wait for the attachment state.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_ec2::types::{
    AttachmentStatus, Filter, GatewayType, ResourceType as Ec2ResourceType, VpnGateway, VpnState,
};
use infra_core::{Attribute, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::ec2_support::{
    chunks_of, delete_with_retry, ec2_arn, filter, has_code, in_prior_order, known_ids,
    managed_tag_filters, non_empty_attribute, optional_string, string_attribute, tag_entries,
    tag_specification, update_tags, wait_for, whole_object,
};
use crate::error::aws_error;
use crate::tagging::WithTags;
use crate::Aws;

/// The virtual private gateways matching `filters` that are not deleted.
pub(crate) async fn describe_vpn_gateways(
    ec2: &aws_sdk_ec2::Client,
    filters: Vec<Filter>,
) -> Result<Vec<VpnGateway>, ProviderError> {
    let output = ec2
        .describe_vpn_gateways()
        .set_filters(Some(filters))
        .send()
        .await
        .map_err(aws_error)?;
    Ok(output
        .vpn_gateways()
        .iter()
        .filter(|gateway| {
            !matches!(
                gateway.state(),
                Some(VpnState::Deleted | VpnState::Deleting)
            )
        })
        .cloned()
        .collect())
}

/// The state of `vpc_id`'s attachment to `gateway`, if there is one that is not detached.
pub(crate) fn attachment_state(gateway: &VpnGateway, vpc_id: &str) -> Option<AttachmentStatus> {
    gateway
        .vpc_attachments()
        .iter()
        .find(|attachment| attachment.vpc_id() == Some(vpc_id))
        .and_then(|attachment| attachment.state().cloned())
        .filter(|state| *state != AttachmentStatus::Detached)
}

/// The state of the attachment of `vpc_id` to the gateway `id` now.
async fn current_attachment(
    ec2: &aws_sdk_ec2::Client,
    id: &str,
    vpc_id: &str,
) -> Result<Option<AttachmentStatus>, ProviderError> {
    let gateways = describe_vpn_gateways(ec2, vec![filter("vpn-gateway-id", [id])]).await?;
    Ok(gateways
        .first()
        .and_then(|gateway| attachment_state(gateway, vpc_id)))
}

/// Attaches the gateway to the VPC and waits until the attachment is `attached`.
pub(crate) async fn attach_vpn_gateway(
    ec2: &aws_sdk_ec2::Client,
    id: &str,
    vpc_id: &str,
    timeout: Duration,
) -> Result<(), ProviderError> {
    ec2.attach_vpn_gateway()
        .vpn_gateway_id(id)
        .vpc_id(vpc_id)
        .send()
        .await
        .map_err(aws_error)?;
    wait_for(
        timeout,
        &format!("VPN gateway {id} to attach to {vpc_id}"),
        || async {
            Ok(match current_attachment(ec2, id, vpc_id).await? {
                Some(AttachmentStatus::Attached) => Some(()),
                _ => None,
            })
        },
    )
    .await
}

/// Detaches the gateway from the VPC and waits until it is detached. A gateway or VPC that is
/// gone, or an attachment that is not there, counts as detached.
pub(crate) async fn detach_vpn_gateway(
    ec2: &aws_sdk_ec2::Client,
    id: &str,
    vpc_id: &str,
    timeout: Duration,
) -> Result<(), ProviderError> {
    let result = ec2
        .detach_vpn_gateway()
        .vpn_gateway_id(id)
        .vpc_id(vpc_id)
        .send()
        .await
        .map_err(aws_error);
    match result {
        Ok(_) => {}
        Err(error)
            if crate::error::is_not_found(&error)
                || has_code(&error, "InvalidVpnGatewayAttachment.NotFound") =>
        {
            return Ok(())
        }
        Err(error) => return Err(error),
    }
    wait_for(
        timeout,
        &format!("VPN gateway {id} to detach from {vpc_id}"),
        || async {
            Ok(current_attachment(ec2, id, vpc_id)
                .await?
                .is_none()
                .then_some(()))
        },
    )
    .await
}

pub struct AwsVpnGateway {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsVpnGateway {
    pub fn new(aws: Arc<Aws>) -> AwsVpnGateway {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::optional_computed("amazon_side_asn", Type::String).force_new())
            .attr(Attribute::optional("availability_zone", Type::String).force_new())
            .attr(Attribute::optional_computed("vpc_id", Type::String))
            .with_tags();
        AwsVpnGateway { aws, schema }
    }

    async fn describe(
        &self,
        filters: Vec<Filter>,
    ) -> Result<HashMap<String, Value>, ProviderError> {
        let clients = self.aws.clients().await;
        let gateways = describe_vpn_gateways(&clients.ec2, filters).await?;
        if gateways.is_empty() {
            return Ok(HashMap::new());
        }
        let account = self.aws.account_id().await?;
        let mut found = HashMap::new();
        for gateway in &gateways {
            let Some(id) = gateway.vpn_gateway_id() else {
                continue;
            };
            let vpc_id = gateway
                .vpc_attachments()
                .iter()
                .find(|a| {
                    matches!(
                        a.state(),
                        Some(AttachmentStatus::Attached | AttachmentStatus::Attaching)
                    )
                })
                .and_then(|a| a.vpc_id());
            let mut entries = vec![
                ("id", Value::string(id)),
                (
                    "arn",
                    Value::string(ec2_arn(&clients.region, &account, "vpn-gateway", id)),
                ),
                (
                    "amazon_side_asn",
                    optional_string(
                        gateway
                            .amazon_side_asn()
                            .map(|asn| asn.to_string())
                            .as_deref(),
                    ),
                ),
                (
                    "availability_zone",
                    optional_string(gateway.availability_zone().filter(|az| !az.is_empty())),
                ),
                ("vpc_id", optional_string(vpc_id)),
            ];
            entries.extend(tag_entries(gateway.tags()));
            found.insert(id.to_string(), whole_object(&self.schema, entries));
        }
        Ok(found)
    }

    async fn read_one(&self, id: &str) -> Result<Value, ProviderError> {
        self.describe(vec![filter("vpn-gateway-id", [id])])
            .await?
            .remove(id)
            .ok_or_else(|| {
                ProviderError::with_code(
                    "InvalidVpnGatewayID.NotFound",
                    format!("VPN gateway {id} not found"),
                )
            })
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsVpnGateway {
    fn name(&self) -> &'static str {
        "aws_vpn_gateway"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The provider's check of `amazon_side_asn`: 64512-65534 or 4200000000-4294967294.
    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let asn = config.get("amazon_side_asn");
        let Some(text) = asn.as_str() else {
            return vec![];
        };
        let valid = text.parse::<i64>().is_ok_and(|n| {
            (64512..=65534).contains(&n) || (4_200_000_000..=4_294_967_294).contains(&n)
        });
        if valid {
            vec![]
        } else {
            vec![(
                "amazon_side_asn".to_string(),
                format!("\"amazon_side_asn\" ({text}) must be in the range 64512 to 65534 or 4200000000 to 4294967294."),
            )]
        }
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let ec2 = &self.aws.clients().await.ec2;
        let output = ec2
            .create_vpn_gateway()
            .r#type(GatewayType::Ipsec1)
            .set_amazon_side_asn(
                non_empty_attribute(planned, "amazon_side_asn").and_then(|a| a.parse().ok()),
            )
            .set_availability_zone(non_empty_attribute(planned, "availability_zone"))
            .tag_specifications(tag_specification(
                operation,
                planned,
                Ec2ResourceType::VpnGateway,
            ))
            .send()
            .await
            .map_err(aws_error)?;
        let id = output
            .vpn_gateway()
            .and_then(VpnGateway::vpn_gateway_id)
            .ok_or_else(|| ProviderError::new("CreateVpnGateway returned no id"))?
            .to_string();
        wait_for(
            operation.timeouts.create,
            &format!("VPN gateway {id} to become available"),
            || async {
                let gateways =
                    describe_vpn_gateways(ec2, vec![filter("vpn-gateway-id", [id.as_str()])])
                        .await?;
                Ok(gateways
                    .first()
                    .filter(|g| g.state() == Some(&VpnState::Available))
                    .map(|_| ()))
            },
        )
        .await?;
        if let Some(vpc_id) = non_empty_attribute(planned, "vpc_id") {
            attach_vpn_gateway(ec2, &id, &vpc_id, operation.timeouts.create).await?;
        }
        self.read_one(&id).await
    }

    async fn update(
        &self,
        operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let id = string_attribute(prior, "id")
            .ok_or_else(|| ProviderError::new("aws_vpn_gateway: prior state has no id"))?;
        let ec2 = &self.aws.clients().await.ec2;
        let before = non_empty_attribute(prior, "vpc_id");
        let after = non_empty_attribute(planned, "vpc_id");
        if before != after && !planned.get("vpc_id").is_unknown() {
            if let Some(vpc_id) = &before {
                detach_vpn_gateway(ec2, &id, vpc_id, operation.timeouts.update).await?;
            }
            if let Some(vpc_id) = &after {
                attach_vpn_gateway(ec2, &id, vpc_id, operation.timeouts.update).await?;
            }
        }
        update_tags(ec2, &id, prior, planned).await?;
        self.read_one(&id).await
    }

    async fn delete(&self, operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some(id) = string_attribute(prior, "id") else {
            return Ok(());
        };
        let ec2 = &self.aws.clients().await.ec2;
        // Detach from whatever AWS says it is attached to, not only what the state says.
        let gateways =
            describe_vpn_gateways(ec2, vec![filter("vpn-gateway-id", [id.as_str()])]).await?;
        let Some(gateway) = gateways.first() else {
            return Ok(());
        };
        let attached: Vec<String> = gateway
            .vpc_attachments()
            .iter()
            .filter(|a| {
                matches!(
                    a.state(),
                    Some(AttachmentStatus::Attached | AttachmentStatus::Attaching)
                )
            })
            .filter_map(|a| a.vpc_id().map(str::to_string))
            .collect();
        for vpc_id in attached {
            detach_vpn_gateway(ec2, &id, &vpc_id, operation.timeouts.delete).await?;
        }
        delete_with_retry(
            operation.timeouts.delete,
            &format!("VPN gateway {id}"),
            || async {
                match ec2
                    .delete_vpn_gateway()
                    .vpn_gateway_id(&id)
                    .send()
                    .await
                    .map_err(aws_error)
                {
                    Ok(_) => Ok(()),
                    // A detach still in progress: retried like a dependency.
                    Err(error) if has_code(&error, "IncorrectState") => Err(
                        ProviderError::with_code("DependencyViolation", error.message),
                    ),
                    Err(error) => Err(error),
                }
            },
        )
        .await
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let mut found = HashMap::new();
        for chunk in chunks_of(&known_ids(prior)) {
            found.extend(
                self.describe(vec![filter("vpn-gateway-id", chunk.iter().cloned())])
                    .await?,
            );
        }
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
