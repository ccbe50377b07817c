//! `aws_vpn_gateway`: a virtual private gateway (the AWS side of a site-to-site VPN), attached
//! to at most one VPC. Changing `vpc_id` detaches and re-attaches in place; `amazon_side_asn`
//! and `availability_zone` force a new gateway. The attach/detach helpers here are shared with
//! `aws_vpn_gateway_attachment`.
//!
//! moto attaches and detaches at once and holds every argument; AWS takes a while, so attach
//! and detach wait for the attachment state.

use std::time::Duration;

use aws_sdk_ec2::types::{
    AttachmentStatus, Filter, GatewayType, ResourceType as Ec2ResourceType, Tag, VpnGateway,
    VpnState,
};
use infra_core::{Attribute, ProviderError, Type, Value};

use crate::app_support::sent;
use crate::ec2_object::{
    read, string, Creating, Declared, Deleting, Describing, Ec2Object, Ec2Type, Updating,
};
use crate::ec2_support::{
    created_id, delete_with_retry, filter, has_code, non_empty_attribute, optional_string, wait_for,
};

/// The virtual private gateways matching `filters` that are not deleted.
pub(crate) async fn describe_vpn_gateways(
    ec2: &aws_sdk_ec2::Client,
    filters: Vec<Filter>,
) -> Result<Vec<VpnGateway>, ProviderError> {
    let gateways = VpnGatewayObject::describe(Describing::matching(ec2, filters)).await?;
    Ok(gateways.into_iter().filter(|gateway| !VpnGatewayObject::is_gone(gateway)).collect())
}

/// The VPCs the gateway is attached or attaching to.
fn attached_vpcs(gateway: &VpnGateway) -> impl Iterator<Item = &str> {
    gateway
        .vpc_attachments()
        .iter()
        .filter(|a| {
            matches!(a.state(), Some(AttachmentStatus::Attached | AttachmentStatus::Attaching))
        })
        .filter_map(|a| a.vpc_id())
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
    Ok(gateways.first().and_then(|gateway| attachment_state(gateway, vpc_id)))
}

/// Attaches the gateway to the VPC and waits until the attachment is `attached`.
pub(crate) async fn attach_vpn_gateway(
    ec2: &aws_sdk_ec2::Client,
    id: &str,
    vpc_id: &str,
    timeout: Duration,
) -> Result<(), ProviderError> {
    sent!(ec2.attach_vpn_gateway().vpn_gateway_id(id).vpc_id(vpc_id))?;
    wait_for(timeout, &format!("VPN gateway {id} to attach to {vpc_id}"), || async {
        Ok(match current_attachment(ec2, id, vpc_id).await? {
            Some(AttachmentStatus::Attached) => Some(()),
            _ => None,
        })
    })
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
    let result = sent!(ec2.detach_vpn_gateway().vpn_gateway_id(id).vpc_id(vpc_id));
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
    wait_for(timeout, &format!("VPN gateway {id} to detach from {vpc_id}"), || async {
        Ok(current_attachment(ec2, id, vpc_id).await?.is_none().then_some(()))
    })
    .await
}

pub type AwsVpnGateway = Ec2Type<VpnGatewayObject>;

pub struct VpnGatewayObject;

impl Ec2Object for VpnGatewayObject {
    type Item = VpnGateway;
    const NAME: &'static str = "aws_vpn_gateway";
    const ID_FILTER: Option<&'static str> = Some("vpn-gateway-id");
    const NOT_FOUND: &'static str = "InvalidVpnGatewayID.NotFound";
    const READS_ACCOUNT: bool = true;

    fn attributes() -> Vec<Declared<VpnGateway>> {
        vec![
            string(Attribute::computed("id", Type::String), VpnGateway::vpn_gateway_id),
            read(Attribute::computed("arn", Type::String), |g: &VpnGateway, at| {
                let id = g.vpn_gateway_id().unwrap_or_default();
                at.arn(at.account, "vpn-gateway", id)
            }),
            read(
                Attribute::optional_computed("amazon_side_asn", Type::String).force_new(),
                |g: &VpnGateway, _| {
                    optional_string(g.amazon_side_asn().map(|asn| asn.to_string()).as_deref())
                },
            ),
            read(
                Attribute::optional("availability_zone", Type::String).force_new(),
                |g: &VpnGateway, _| {
                    optional_string(g.availability_zone().filter(|az| !az.is_empty()))
                },
            ),
            read(Attribute::optional_computed("vpc_id", Type::String), |g: &VpnGateway, _| {
                optional_string(attached_vpcs(g).next())
            }),
        ]
    }

    const ID: fn(&VpnGateway) -> Option<&str> = VpnGateway::vpn_gateway_id;
    const TAGS: fn(&VpnGateway) -> &[Tag] = VpnGateway::tags;

    fn is_gone(gateway: &VpnGateway) -> bool {
        matches!(gateway.state(), Some(VpnState::Deleted | VpnState::Deleting))
    }

    /// The provider's check of `amazon_side_asn`: 64512-65534 or 4200000000-4294967294.
    fn validate(config: &Value) -> Vec<(String, String)> {
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

    async fn describe(at: Describing<'_>) -> Result<Vec<VpnGateway>, ProviderError> {
        let output = sent!(at
            .ec2
            .describe_vpn_gateways()
            .set_vpn_gateway_ids(at.ids)
            .set_filters(at.filters))?;
        Ok(output.vpn_gateways().to_vec())
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let ec2 = at.this.ec2().await;
        let output = sent!(ec2
            .create_vpn_gateway()
            .r#type(GatewayType::Ipsec1)
            .set_amazon_side_asn(
                non_empty_attribute(at.planned, "amazon_side_asn").and_then(|a| a.parse().ok()),
            )
            .set_availability_zone(non_empty_attribute(at.planned, "availability_zone"))
            .tag_specifications(at.tag_specification(Ec2ResourceType::VpnGateway)))?;
        let id = created_id(
            output.vpn_gateway().and_then(VpnGateway::vpn_gateway_id),
            "CreateVpnGateway returned no id",
        )?;
        let what = format!("VPN gateway {id} to become available");
        at.this
            .wait_until(&id, at.operation.timeouts.create, &what, |gateway| {
                gateway.is_some_and(|g| g.state() == Some(&VpnState::Available))
            })
            .await?;
        if let Some(vpc_id) = non_empty_attribute(at.planned, "vpc_id") {
            attach_vpn_gateway(ec2, &id, &vpc_id, at.operation.timeouts.create).await?;
        }
        Ok(id)
    }

    /// A changed `vpc_id` detaches from the old VPC and attaches to the new one.
    async fn update(at: Updating<'_, Self>) -> Result<(), ProviderError> {
        let ec2 = at.this.ec2().await;
        let timeout = at.operation.timeouts.update;
        let before = non_empty_attribute(at.prior, "vpc_id");
        let after = non_empty_attribute(at.planned, "vpc_id");
        if before != after && !at.planned.get("vpc_id").is_unknown() {
            if let Some(vpc_id) = &before {
                detach_vpn_gateway(ec2, at.key, vpc_id, timeout).await?;
            }
            if let Some(vpc_id) = &after {
                attach_vpn_gateway(ec2, at.key, vpc_id, timeout).await?;
            }
        }
        Ok(())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let id = at.key;
        let ec2 = at.this.ec2().await;
        // Detach from whatever AWS says it is attached to, not only what the state says.
        let Some(gateway) = at.this.item(id).await? else {
            return Ok(());
        };
        let attached: Vec<String> = attached_vpcs(&gateway).map(str::to_string).collect();
        for vpc_id in attached {
            detach_vpn_gateway(ec2, id, &vpc_id, at.operation.timeouts.delete).await?;
        }
        delete_with_retry(at.operation.timeouts.delete, &format!("VPN gateway {id}"), || async {
            match sent!(ec2.delete_vpn_gateway().vpn_gateway_id(id)) {
                Ok(_) => Ok(()),
                // A detach still in progress: retried like a dependency.
                Err(error) if has_code(&error, "IncorrectState") => {
                    Err(ProviderError::with_code("DependencyViolation", error.message))
                }
                Err(error) => Err(error),
            }
        })
        .await
    }
}
