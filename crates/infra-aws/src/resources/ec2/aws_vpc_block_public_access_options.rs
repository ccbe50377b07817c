//! `aws_vpc_block_public_access_options`: the account's VPC Block Public Access mode in one
//! region (`off`, `block-bidirectional`, `block-ingress`). There is one per account and
//! region, so create and update both set the mode, and delete sets it back to `off`; the id
//! and the import ID are the region. Create and update wait until AWS reports
//! `update-complete`.
//!
//! moto does not implement DescribeVpcBlockPublicAccessOptions or
//! ModifyVpcBlockPublicAccessOptions, so this type is coded to the AWS API and only its
//! validate and plan (`count = 0`, as the VPC module gates it) are tested.

use std::sync::Arc;

use aws_sdk_ec2::types::{
    InternetGatewayBlockMode, VpcBlockPublicAccessOptions, VpcBlockPublicAccessState,
};
use infra_core::{
    Attribute, Check, Operation, ProviderError, ResourceType, Schema, Timeouts, Type, Value,
};

use crate::app_support::sent;
use crate::ec2_support::{optional_string, string_attribute, wait_for, whole_object};
use crate::Aws;

pub struct AwsVpcBlockPublicAccessOptions {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsVpcBlockPublicAccessOptions {
    pub fn new(aws: Arc<Aws>) -> AwsVpcBlockPublicAccessOptions {
        let schema = Schema::new()
            .timeouts(&["create", "update", "delete"])
            .attr(Attribute::computed("id", Type::String))
            .attr(
                Attribute::required("internet_gateway_block_mode", Type::String).check(
                    Check::OneOf(&["block-bidirectional", "block-ingress", "off"]),
                ),
            )
            .attr(Attribute::computed("aws_account_id", Type::String))
            .attr(Attribute::computed("aws_region", Type::String));
        AwsVpcBlockPublicAccessOptions { aws, schema }
    }

    async fn describe(&self) -> Result<VpcBlockPublicAccessOptions, ProviderError> {
        let output = sent!(self
            .aws
            .clients()
            .await
            .ec2
            .describe_vpc_block_public_access_options())?;
        output
            .vpc_block_public_access_options()
            .cloned()
            .ok_or_else(|| {
                ProviderError::new("DescribeVpcBlockPublicAccessOptions returned no options")
            })
    }

    fn object(&self, options: &VpcBlockPublicAccessOptions, region: &str) -> Value {
        let region = options.aws_region().unwrap_or(region);
        whole_object(
            &self.schema,
            [
                ("id", Value::string(region)),
                (
                    "internet_gateway_block_mode",
                    optional_string(
                        options
                            .internet_gateway_block_mode()
                            .map(InternetGatewayBlockMode::as_str),
                    ),
                ),
                ("aws_account_id", optional_string(options.aws_account_id())),
                ("aws_region", Value::string(region)),
            ],
        )
    }

    /// Sets the mode and waits until AWS has applied it.
    async fn set_mode(
        &self,
        mode: &str,
        timeout: std::time::Duration,
    ) -> Result<Value, ProviderError> {
        let clients = self.aws.clients().await;
        sent!(clients
            .ec2
            .modify_vpc_block_public_access_options()
            .internet_gateway_block_mode(InternetGatewayBlockMode::from(mode)))?;
        let region = clients.region.clone();
        wait_for(
            timeout,
            "VPC Block Public Access options to be updated",
            || async {
                let options = self.describe().await?;
                Ok(match options.state() {
                    Some(VpcBlockPublicAccessState::UpdateInProgress) => None,
                    _ => Some(self.object(&options, &region)),
                })
            },
        )
        .await
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsVpcBlockPublicAccessOptions {
    fn name(&self) -> &'static str {
        "aws_vpc_block_public_access_options"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let mode = string_attribute(planned, "internet_gateway_block_mode")
            .ok_or_else(|| ProviderError::new("internet_gateway_block_mode is required"))?;
        self.set_mode(&mode, operation.timeouts.create).await
    }

    async fn update(
        &self,
        operation: &Operation,
        _prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let mode = string_attribute(planned, "internet_gateway_block_mode")
            .ok_or_else(|| ProviderError::new("internet_gateway_block_mode is required"))?;
        self.set_mode(&mode, operation.timeouts.update).await
    }

    async fn delete(&self, operation: &Operation, _prior: &Value) -> Result<(), ProviderError> {
        self.set_mode("off", operation.timeouts.delete).await?;
        Ok(())
    }

    /// The options always exist; one describe call answers for every instance.
    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        if prior.is_empty() {
            return Ok(Vec::new());
        }
        let options = self.describe().await?;
        let region = self.aws.clients().await.region.clone();
        Ok(prior
            .iter()
            .map(|_| Some(self.object(&options, &region)))
            .collect())
    }

    /// The options cannot be lost: a create whose answer was lost set the mode already, so the
    /// current options are what it made when they carry the planned mode.
    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let options = self.describe().await?;
        let region = self.aws.clients().await.region.clone();
        let value = self.object(&options, &region);
        Ok(
            (value.get("internet_gateway_block_mode")
                == planned.get("internet_gateway_block_mode"))
            .then_some(value),
        )
    }

    fn default_timeouts(&self) -> Timeouts {
        Timeouts::default()
    }
}
