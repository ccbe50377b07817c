//! `aws_vpc_block_public_access_options`: the account's VPC Block Public Access mode in one
//! region (`off`, `block-bidirectional`, `block-ingress`). There is one per account and
//! region, so create and update both set the mode, and delete sets it back to `off`; the id
//! and the import ID are the region. Create and update wait until AWS reports
//! `update-complete`.
//!
//! moto does not implement DescribeVpcBlockPublicAccessOptions or
//! ModifyVpcBlockPublicAccessOptions, so this type is coded to the AWS API and only its
//! validate and plan (`count = 0`, as the VPC module gates it) are tested.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{
    InternetGatewayBlockMode, VpcBlockPublicAccessOptions as Options, VpcBlockPublicAccessState,
};
use infra_core::{Attribute, Check, ProviderError, Schema, Type, Value};

use crate::app_support::{sent, string, text};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged, Updating,
};
use crate::declared::{computed, read, Declared, Reading};
use crate::ec2_support::wait_for;

pub type AwsVpcBlockPublicAccessOptions = ObjectType<BpaOptions>;

pub struct BpaOptions;

const MODE: &str = "internet_gateway_block_mode";
const MODES: &[&str] = &["block-bidirectional", "block-ingress", "off"];

/// The options' region: the one AWS reports, else the client's.
fn region(options: &Options, at: &Reading) -> Value {
    Value::string(options.aws_region().unwrap_or(at.region))
}

fn mode(options: &Options) -> Value {
    let mode = options.internet_gateway_block_mode();
    text(mode.map(InternetGatewayBlockMode::as_str))
}

/// The options of the client's region.
async fn described(this: &AwsVpcBlockPublicAccessOptions) -> Result<Options, ProviderError> {
    let ec2 = &this.aws.clients().await.ec2;
    let output = sent!(ec2.describe_vpc_block_public_access_options())?;
    output.vpc_block_public_access_options().cloned().ok_or_else(|| {
        ProviderError::new("DescribeVpcBlockPublicAccessOptions returned no options")
    })
}

/// Sets the mode and waits until AWS has applied it.
async fn set_mode(
    this: &AwsVpcBlockPublicAccessOptions,
    mode: Option<&str>,
    timeout: std::time::Duration,
) -> Result<Tagged<Options>, ProviderError> {
    let mode = mode.ok_or_else(|| ProviderError::new("internet_gateway_block_mode is required"))?;
    let ec2 = &this.aws.clients().await.ec2;
    sent!(ec2
        .modify_vpc_block_public_access_options()
        .internet_gateway_block_mode(InternetGatewayBlockMode::from(mode)))?;
    wait_for(timeout, "VPC Block Public Access options to be updated", || async {
        let options = described(this).await?;
        Ok(match options.state() {
            Some(VpcBlockPublicAccessState::UpdateInProgress) => None,
            _ => Some(Tagged::untagged(options)),
        })
    })
    .await
}

impl AwsObject for BpaOptions {
    type Object = Options;
    const NAME: &'static str = "aws_vpc_block_public_access_options";
    const KIND: &'static str = "VPC Block Public Access options";
    const KEY: &'static str = "id";
    const TAGGED: bool = false;

    fn attributes() -> Vec<Declared<Options>> {
        vec![
            read(Attribute::computed("id", Type::String), region),
            read(
                Attribute::required(MODE, Type::String).check(Check::OneOf(MODES)),
                |options, _| mode(options),
            ),
            computed("aws_account_id", Options::aws_account_id),
            read(Attribute::computed("aws_region", Type::String), region),
        ]
    }

    fn schema(schema: Schema) -> Schema {
        schema.timeouts(&["create", "update", "delete"])
    }

    /// The options are the client's region's whatever `id` a state holds: every prior (one
    /// without an `id` too) names them, so refresh, update and delete always reach them.
    fn key_of(value: &Value) -> Option<String> {
        Some(string(value, "id").unwrap_or_default())
    }

    /// The options always exist; one describe call answers for every key.
    async fn describe(this: &ObjectType<Self>, keys: &[String]) -> DescribeResult<Options> {
        if keys.is_empty() {
            return Ok(BTreeMap::new());
        }
        let options = described(this).await?;
        let found = |key: &String| (key.clone(), Tagged::untagged(options.clone()));
        Ok(keys.iter().map(found).collect())
    }

    async fn create_written(at: Creating<'_, Self>) -> Result<Tagged<Options>, ProviderError> {
        set_mode(at.this, at.planned.get(MODE).as_str(), at.operation.timeouts.create).await
    }

    async fn update_written(at: Updating<'_, Self>) -> Result<Tagged<Options>, ProviderError> {
        set_mode(at.this, at.planned.get(MODE).as_str(), at.operation.timeouts.update).await
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        set_mode(at.this, Some("off"), at.operation.timeouts.delete).await?;
        Ok(())
    }

    /// The options cannot be lost: a create whose answer was lost set the mode already, so the
    /// current options are what it made when they carry the planned mode.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<Options> {
        let options = described(at.this).await?;
        Ok((&mode(&options) == at.planned.get(MODE)).then(|| Tagged::untagged(options)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use infra_core::ResourceType;

    use crate::{Aws, ProviderSettings};

    /// moto has no Block Public Access options: the schema and the value read back are shown
    /// here.
    #[test]
    fn the_id_and_region_are_the_reported_region_else_the_clients() {
        let bpa = AwsVpcBlockPublicAccessOptions::new(Aws::new(ProviderSettings::default()));
        let names: Vec<&str> = bpa.schema().attributes.iter().map(|a| a.name).collect();
        assert_eq!(names, ["id", MODE, "aws_account_id", "aws_region"]);
        assert_eq!(bpa.schema().timeouts, ["create", "update", "delete"]);
        let options = Options::builder()
            .aws_account_id("123456789012")
            .internet_gateway_block_mode(InternetGatewayBlockMode::BlockIngress)
            .state(VpcBlockPublicAccessState::UpdateComplete);
        let value =
            |options: Options| bpa.value_of(&Tagged::untagged(options), "us-east-1", &Value::Null);
        let read = |region: &str| {
            Value::map([
                ("id", Value::string(region)),
                (MODE, Value::string("block-ingress")),
                ("aws_account_id", Value::string("123456789012")),
                ("aws_region", Value::string(region)),
            ])
        };
        assert_eq!(value(options.clone().build()), read("us-east-1"));
        let reported = options.aws_region("eu-west-1").build();
        assert_eq!(value(reported), read("eu-west-1"));
    }
}
