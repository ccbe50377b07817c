//! `aws_vpc_block_public_access_exclusion`: exempts one VPC or subnet from VPC Block Public
//! Access. `vpc_id` and `subnet_id` force a new exclusion; `internet_gateway_exclusion_mode` and
//! tags change in place. Create, update and delete wait for AWS's `*-complete` states.
//!
//! moto does not implement the VPC Block Public Access exclusion API, so this type is coded to
//! the AWS API and only its validate and plan (`count = 0` / an empty `for_each`, as the VPC
//! module gates it) are tested.

use aws_sdk_ec2::types::{
    InternetGatewayExclusionMode, ResourceType as Ec2ResourceType, Tag,
    VpcBlockPublicAccessExclusion as Exclusion,
    VpcBlockPublicAccessExclusionState as ExclusionState,
};
use infra_core::{Attribute, Check, ProviderError, Schema, Type, Value};

use crate::app_support::{sent, sent_unless_gone};
use crate::ec2_object::{
    read, string, Creating, Declared, Deleting, Describing, Ec2Object, Ec2Type, Updating,
};
use crate::ec2_support::{
    created_id, non_empty_attribute, optional_string, string_attribute, wait_for,
};
use crate::error::is_not_found;

/// `vpc_id` / `subnet_id` from an excluded resource's ARN
/// (`arn:PARTITION:ec2:REGION:ACCOUNT:vpc/vpc-1`).
fn target_of(resource_arn: &str) -> (Option<&str>, Option<&str>) {
    let resource = resource_arn.rsplit(':').next().unwrap_or_default();
    match resource.split_once('/') {
        Some(("vpc", id)) => (Some(id), None),
        Some(("subnet", id)) => (None, Some(id)),
        _ => (None, None),
    }
}

fn target(exclusion: &Exclusion) -> (Option<&str>, Option<&str>) {
    target_of(exclusion.resource_arn().unwrap_or_default())
}

fn state(exclusion: &Exclusion) -> ExclusionState {
    exclusion.state().cloned().unwrap_or(ExclusionState::CreateComplete)
}

pub type AwsVpcBlockPublicAccessExclusion = Ec2Type<ExclusionObject>;

pub struct ExclusionObject;

impl Ec2Object for ExclusionObject {
    type Item = Exclusion;
    const NAME: &'static str = "aws_vpc_block_public_access_exclusion";
    // DescribeVpcBlockPublicAccessExclusions has no filter by ID.
    const ID_FILTER: Option<&'static str> = None;
    const NOT_FOUND: &'static str = "InvalidVpcBlockPublicAccessExclusionId.NotFound";

    fn attributes() -> Vec<Declared<Exclusion>> {
        vec![
            string(Attribute::computed("id", Type::String), Exclusion::exclusion_id),
            read(
                Attribute::required("internet_gateway_exclusion_mode", Type::String)
                    .check(Check::OneOf(&["allow-bidirectional", "allow-egress"])),
                |e: &Exclusion, _| {
                    optional_string(
                        e.internet_gateway_exclusion_mode()
                            .map(InternetGatewayExclusionMode::as_str),
                    )
                },
            ),
            read(Attribute::optional("vpc_id", Type::String).force_new(), |e: &Exclusion, _| {
                optional_string(target(e).0)
            }),
            read(Attribute::optional("subnet_id", Type::String).force_new(), |e: &Exclusion, _| {
                optional_string(target(e).1)
            }),
            string(Attribute::computed("resource_arn", Type::String), Exclusion::resource_arn),
        ]
    }

    fn schema(schema: Schema) -> Schema {
        schema.timeouts(&["create", "update", "delete"])
    }

    const ID: fn(&Exclusion) -> Option<&str> = Exclusion::exclusion_id;
    const TAGS: fn(&Exclusion) -> &[Tag] = Exclusion::tags;

    fn is_gone(exclusion: &Exclusion) -> bool {
        matches!(state(exclusion), ExclusionState::DeleteComplete | ExclusionState::DisableComplete)
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        if config.get("vpc_id").is_null() == config.get("subnet_id").is_null() {
            return vec![(
                "vpc_id".to_string(),
                "exactly one of vpc_id or subnet_id must be set.".to_string(),
            )];
        }
        vec![]
    }

    async fn describe(at: Describing<'_>) -> Result<Vec<Exclusion>, ProviderError> {
        let output = sent!(at
            .ec2
            .describe_vpc_block_public_access_exclusions()
            .set_exclusion_ids(at.ids)
            .set_filters(at.filters))?;
        Ok(output.vpc_block_public_access_exclusions().to_vec())
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let mode = string_attribute(at.planned, "internet_gateway_exclusion_mode")
            .ok_or_else(|| ProviderError::new("internet_gateway_exclusion_mode is required"))?;
        let output = sent!(at
            .this
            .ec2()
            .await
            .create_vpc_block_public_access_exclusion()
            .internet_gateway_exclusion_mode(InternetGatewayExclusionMode::from(mode.as_str()))
            .set_vpc_id(non_empty_attribute(at.planned, "vpc_id"))
            .set_subnet_id(non_empty_attribute(at.planned, "subnet_id"))
            .tag_specifications(
                at.tag_specification(Ec2ResourceType::VpcBlockPublicAccessExclusion)
            ))?;
        let id = created_id(
            output.vpc_block_public_access_exclusion().and_then(Exclusion::exclusion_id),
            "CreateVpcBlockPublicAccessExclusion returned no id",
        )?;
        settle(at.this, &id, at.operation.timeouts.create).await?;
        Ok(id)
    }

    /// A changed mode is modified and waited for, as the provider does; tags change after.
    async fn update(at: Updating<'_, Self>) -> Result<(), ProviderError> {
        let mode = string_attribute(at.planned, "internet_gateway_exclusion_mode");
        if mode == string_attribute(at.prior, "internet_gateway_exclusion_mode") {
            return Ok(());
        }
        let Some(mode) = mode else {
            return Ok(());
        };
        sent!(at
            .this
            .ec2()
            .await
            .modify_vpc_block_public_access_exclusion()
            .exclusion_id(at.key)
            .internet_gateway_exclusion_mode(InternetGatewayExclusionMode::from(mode.as_str())))?;
        settle(at.this, at.key, at.operation.timeouts.update).await
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let id = at.key;
        let result =
            sent!(at.this.ec2().await.delete_vpc_block_public_access_exclusion().exclusion_id(id));
        if !sent_unless_gone(result, is_not_found)? {
            return Ok(());
        }
        let what = format!("VPC Block Public Access exclusion {id} to be deleted");
        at.this
            .wait_until(id, at.operation.timeouts.delete, &what, |exclusion| exclusion.is_none())
            .await
    }
}

/// Waits until the exclusion leaves its `*-in-progress` state, failing on `*-failed`.
async fn settle(
    this: &AwsVpcBlockPublicAccessExclusion,
    id: &str,
    timeout: std::time::Duration,
) -> Result<(), ProviderError> {
    wait_for(timeout, &format!("VPC Block Public Access exclusion {id}"), || async {
        match this.item(id).await?.as_ref().map(state) {
            None => Err(ProviderError::with_code(
                ExclusionObject::NOT_FOUND,
                format!("VPC Block Public Access exclusion {id} not found"),
            )),
            Some(ExclusionState::CreateFailed | ExclusionState::UpdateFailed) => {
                Err(ProviderError::new(format!("VPC Block Public Access exclusion {id} failed")))
            }
            Some(ExclusionState::CreateComplete | ExclusionState::UpdateComplete) => Ok(Some(())),
            Some(_) => Ok(None),
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_come_from_the_resource_arn() {
        assert_eq!(
            target_of("arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1"),
            (Some("vpc-1"), None)
        );
        assert_eq!(
            target_of("arn:aws:ec2:us-east-1:123456789012:subnet/subnet-1"),
            (None, Some("subnet-1"))
        );
        assert_eq!(target_of("bogus"), (None, None));
    }
}
