//! `aws_vpn_gateway_attachment`: attaches an existing virtual private gateway to a VPC. Both
//! arguments force a new attachment. Its id is the provider's `vpn-attachment-<crc32 of
//! "VPC-ID-VGW-ID" in hex>`; the provider has no import for this type. Create waits until the
//! attachment is `attached`, delete until it is detached.
//!
//! An attachment has no tags, so `find_created` finds it by its natural key (the gateway is
//! attached to the VPC). moto holds and returns every argument.

use std::sync::Arc;

use aws_sdk_ec2::types::AttachmentStatus;
use infra_core::{
    Attribute, Operation, ProviderError, ResourceType, Schema, Timeouts, Type, Value,
};

use crate::ec2_support::{crc32, filter, known_strings, string_attribute, whole_object};
use crate::resources::ec2::aws_vpn_gateway::{
    attach_vpn_gateway, attachment_state, describe_vpn_gateways, detach_vpn_gateway,
};
use crate::Aws;

/// The provider's id for the attachment of `vpn_gateway_id` to `vpc_id`.
fn attachment_id(vpc_id: &str, vpn_gateway_id: &str) -> String {
    format!(
        "vpn-attachment-{:x}",
        crc32(format!("{vpc_id}-{vpn_gateway_id}").as_bytes())
    )
}

pub struct AwsVpnGatewayAttachment {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsVpnGatewayAttachment {
    pub fn new(aws: Arc<Aws>) -> AwsVpnGatewayAttachment {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("vpc_id", Type::String).force_new())
            .attr(Attribute::required("vpn_gateway_id", Type::String).force_new());
        AwsVpnGatewayAttachment { aws, schema }
    }

    fn object(&self, vpc_id: &str, vpn_gateway_id: &str) -> Value {
        whole_object(
            &self.schema,
            [
                ("id", Value::string(attachment_id(vpc_id, vpn_gateway_id))),
                ("vpc_id", Value::string(vpc_id)),
                ("vpn_gateway_id", Value::string(vpn_gateway_id)),
            ],
        )
    }

    fn keys(value: &Value) -> Option<(String, String)> {
        Some((
            string_attribute(value, "vpc_id")?,
            string_attribute(value, "vpn_gateway_id")?,
        ))
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsVpnGatewayAttachment {
    fn name(&self) -> &'static str {
        "aws_vpn_gateway_attachment"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn default_timeouts(&self) -> Timeouts {
        Timeouts::minutes(15, 15, 15)
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let (vpc_id, gateway) = Self::keys(planned).ok_or_else(|| {
            ProviderError::new("aws_vpn_gateway_attachment: vpc_id and vpn_gateway_id are required")
        })?;
        let ec2 = &self.aws.clients().await.ec2;
        attach_vpn_gateway(ec2, &gateway, &vpc_id, operation.timeouts.create).await?;
        Ok(self.object(&vpc_id, &gateway))
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        _planned: &Value,
    ) -> Result<Value, ProviderError> {
        // Both arguments force a new attachment; nothing changes in place.
        Ok(prior.clone())
    }

    async fn delete(&self, operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some((vpc_id, gateway)) = Self::keys(prior) else {
            return Ok(());
        };
        let ec2 = &self.aws.clients().await.ec2;
        detach_vpn_gateway(ec2, &gateway, &vpc_id, operation.timeouts.delete).await
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let ids = known_strings(prior, "vpn_gateway_id");
        let ec2 = &self.aws.clients().await.ec2;
        let mut gateways = Vec::new();
        for chunk in crate::ec2_support::chunks_of(&ids) {
            gateways.extend(
                describe_vpn_gateways(ec2, vec![filter("vpn-gateway-id", chunk.iter().cloned())])
                    .await?,
            );
        }
        Ok(prior
            .iter()
            .map(|value| {
                let (vpc_id, id) = Self::keys(value)?;
                let gateway = gateways
                    .iter()
                    .find(|g| g.vpn_gateway_id() == Some(id.as_str()))?;
                matches!(
                    attachment_state(gateway, &vpc_id),
                    Some(AttachmentStatus::Attached | AttachmentStatus::Attaching)
                )
                .then(|| self.object(&vpc_id, &id))
            })
            .collect())
    }

    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        crate::app_support::read_one(self, planned).await
    }

    fn import_prior(&self, _id: &str) -> Result<Value, ProviderError> {
        Err(ProviderError::not_importable("aws_vpn_gateway_attachment"))
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
