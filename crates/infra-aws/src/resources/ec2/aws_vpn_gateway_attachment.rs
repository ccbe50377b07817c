//! `aws_vpn_gateway_attachment`: attaches an existing virtual private gateway to a VPC. Both
//! arguments force a new attachment. Its id is the provider's `vpn-attachment-<crc32 of
//! "VPC-ID-VGW-ID" in hex>`; the provider has no import for this type. Create waits until the
//! attachment is `attached`, delete until it is detached.
//!
//! An attachment has no tags, so `find_created` finds it by its natural key (the gateway is
//! attached to the VPC). moto holds and returns every argument.

use aws_sdk_ec2::types::AttachmentStatus;
use infra_core::{ProviderError, Timeouts, Value};

use crate::association::{Association, AssociationType, Link, Pair, Update};
use crate::ec2_support::{crc32, describe_by_filter, known_strings};
use crate::resources::ec2::aws_vpn_gateway::{
    attach_vpn_gateway, attachment_state, describe_vpn_gateways, detach_vpn_gateway,
};

/// The provider's id for the attachment of `vpn_gateway_id` to `vpc_id`.
fn attachment_id(vpc_id: &str, vpn_gateway_id: &str) -> String {
    format!("vpn-attachment-{:x}", crc32(format!("{vpc_id}-{vpn_gateway_id}").as_bytes()))
}

pub type AwsVpnGatewayAttachment = AssociationType<VpnGatewayAttachments>;

/// A virtual private gateway attached to a VPC as an [`Association`].
pub struct VpnGatewayAttachments;

impl Association for VpnGatewayAttachments {
    const NAME: &'static str = "aws_vpn_gateway_attachment";
    const PAIR: (&'static str, &'static str) = ("vpc_id", "vpn_gateway_id");
    const UNKNOWN: &'static str =
        "aws_vpn_gateway_attachment: vpc_id and vpn_gateway_id are required";
    const UPDATE: Update = Update::KeepPrior;

    fn default_timeouts() -> Timeouts {
        Timeouts::minutes(15, 15, 15)
    }

    fn id((vpc_id, gateway): &Pair) -> String {
        attachment_id(vpc_id, gateway)
    }

    async fn attach(at: Link<'_, Self>) -> Result<(), ProviderError> {
        let (vpc_id, gateway) = at.pair;
        let ec2 = &at.this.aws.clients().await.ec2;
        attach_vpn_gateway(ec2, gateway, vpc_id, at.operation.timeouts.create).await
    }

    async fn detach(at: Link<'_, Self>) -> Result<(), ProviderError> {
        let (vpc_id, gateway) = at.pair;
        let ec2 = &at.this.aws.clients().await.ec2;
        detach_vpn_gateway(ec2, gateway, vpc_id, at.operation.timeouts.delete).await
    }

    async fn read(
        this: &AwsVpnGatewayAttachment,
        prior: &[Value],
    ) -> Result<Vec<Option<Pair>>, ProviderError> {
        let ids = known_strings(prior, "vpn_gateway_id");
        let ec2 = &this.aws.clients().await.ec2;
        let describe = |ids| describe_vpn_gateways(ec2, vec![ids]);
        let gateways: Vec<_> = describe_by_filter("vpn-gateway-id", &ids, describe).await?;
        Ok(prior
            .iter()
            .map(|value| {
                let (vpc_id, id) = Self::pair(value)?;
                let gateway = gateways.iter().find(|g| g.vpn_gateway_id() == Some(id.as_str()))?;
                matches!(
                    attachment_state(gateway, &vpc_id),
                    Some(AttachmentStatus::Attached | AttachmentStatus::Attaching)
                )
                .then_some((vpc_id, id))
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_is_the_providers_hash() {
        // Go: fmt.Sprintf("vpn-attachment-%x", hashcode.String("vpc-1-vgw-1")).
        let id = attachment_id("vpc-1", "vgw-1");
        assert_eq!(id, format!("vpn-attachment-{:x}", crc32(b"vpc-1-vgw-1")));
        assert_ne!(id, attachment_id("vpc-2", "vgw-1"));
    }
}
