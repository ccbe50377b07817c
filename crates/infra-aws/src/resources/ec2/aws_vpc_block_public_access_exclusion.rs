//! `aws_vpc_block_public_access_exclusion`: exempts one VPC or subnet from VPC Block Public
//! Access. `vpc_id` and `subnet_id` force a new exclusion; `internet_gateway_exclusion_mode` and
//! tags change in place. Create, update and delete wait for AWS's `*-complete` states.
//!
//! moto does not implement the VPC Block Public Access exclusion API, so this type is coded to
//! the AWS API and only its validate and plan (`count = 0` / an empty `for_each`, as the VPC
//! module gates it) are tested.

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_ec2::types::{
    Filter, InternetGatewayExclusionMode, ResourceType as Ec2ResourceType,
    VpcBlockPublicAccessExclusion, VpcBlockPublicAccessExclusionState as ExclusionState,
};
use infra_core::{
    Attribute, Check, Operation, ProviderError, ResourceType, Schema, Timeouts, Type, Value,
};

use crate::ec2_support::{
    describe_by_ids, in_prior_order, known_ids, managed_tag_filters, non_empty_attribute,
    optional_string, string_attribute, tag_entries, tag_specification, update_tags, wait_for,
    whole_object,
};
use crate::error::aws_error;
use crate::tagging::WithTags;
use crate::Aws;

/// `vpc_id` / `subnet_id` from an excluded resource's ARN
/// (`arn:aws:ec2:REGION:ACCOUNT:vpc/vpc-1`).
fn target_of(resource_arn: &str) -> (Option<&str>, Option<&str>) {
    let resource = resource_arn.rsplit(':').next().unwrap_or_default();
    match resource.split_once('/') {
        Some(("vpc", id)) => (Some(id), None),
        Some(("subnet", id)) => (None, Some(id)),
        _ => (None, None),
    }
}

pub struct AwsVpcBlockPublicAccessExclusion {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsVpcBlockPublicAccessExclusion {
    pub fn new(aws: Arc<Aws>) -> AwsVpcBlockPublicAccessExclusion {
        let schema = Schema::new()
            .timeouts(&["create", "update", "delete"])
            .attr(Attribute::computed("id", Type::String))
            .attr(
                Attribute::required("internet_gateway_exclusion_mode", Type::String)
                    .check(Check::OneOf(&["allow-bidirectional", "allow-egress"])),
            )
            .attr(Attribute::optional("vpc_id", Type::String).force_new())
            .attr(Attribute::optional("subnet_id", Type::String).force_new())
            .attr(Attribute::computed("resource_arn", Type::String))
            .with_tags();
        AwsVpcBlockPublicAccessExclusion { aws, schema }
    }

    /// Exclusions by id with their state; deleted ones are left out.
    async fn describe(
        &self,
        ids: Option<Vec<String>>,
        filters: Option<Vec<Filter>>,
    ) -> Result<HashMap<String, (Value, ExclusionState)>, ProviderError> {
        let output = self
            .aws
            .clients()
            .await
            .ec2
            .describe_vpc_block_public_access_exclusions()
            .set_exclusion_ids(ids)
            .set_filters(filters)
            .send()
            .await
            .map_err(aws_error)?;
        let mut found = HashMap::new();
        for exclusion in output.vpc_block_public_access_exclusions() {
            let Some(id) = exclusion.exclusion_id() else {
                continue;
            };
            let state = exclusion
                .state()
                .cloned()
                .unwrap_or(ExclusionState::CreateComplete);
            if matches!(
                state,
                ExclusionState::DeleteComplete | ExclusionState::DisableComplete
            ) {
                continue;
            }
            found.insert(id.to_string(), (self.object(exclusion), state));
        }
        Ok(found)
    }

    fn object(&self, exclusion: &VpcBlockPublicAccessExclusion) -> Value {
        let arn = exclusion.resource_arn().unwrap_or_default();
        let (vpc_id, subnet_id) = target_of(arn);
        let mut entries = vec![
            ("id", optional_string(exclusion.exclusion_id())),
            (
                "internet_gateway_exclusion_mode",
                optional_string(
                    exclusion
                        .internet_gateway_exclusion_mode()
                        .map(InternetGatewayExclusionMode::as_str),
                ),
            ),
            ("vpc_id", optional_string(vpc_id)),
            ("subnet_id", optional_string(subnet_id)),
            ("resource_arn", optional_string(exclusion.resource_arn())),
        ];
        entries.extend(tag_entries(exclusion.tags()));
        whole_object(&self.schema, entries)
    }

    async fn find(&self, id: &str) -> Result<Option<(Value, ExclusionState)>, ProviderError> {
        match self.describe(Some(vec![id.to_string()]), None).await {
            Ok(mut found) => Ok(found.remove(id)),
            Err(error) if crate::error::is_not_found(&error) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Waits until the exclusion leaves its `*-in-progress` state, failing on `*-failed`.
    async fn settle(&self, id: &str, timeout: std::time::Duration) -> Result<Value, ProviderError> {
        wait_for(
            timeout,
            &format!("VPC Block Public Access exclusion {id}"),
            || async {
                match self.find(id).await? {
                    None => Err(ProviderError::with_code(
                        "InvalidVpcBlockPublicAccessExclusionId.NotFound",
                        format!("VPC Block Public Access exclusion {id} not found"),
                    )),
                    Some((_, ExclusionState::CreateFailed | ExclusionState::UpdateFailed)) => {
                        Err(ProviderError::new(format!(
                            "VPC Block Public Access exclusion {id} failed"
                        )))
                    }
                    Some((
                        value,
                        ExclusionState::CreateComplete | ExclusionState::UpdateComplete,
                    )) => Ok(Some(value)),
                    Some(_) => Ok(None),
                }
            },
        )
        .await
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsVpcBlockPublicAccessExclusion {
    fn name(&self) -> &'static str {
        "aws_vpc_block_public_access_exclusion"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn default_timeouts(&self) -> Timeouts {
        Timeouts::default()
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        if config.get("vpc_id").is_null() == config.get("subnet_id").is_null() {
            return vec![(
                "vpc_id".to_string(),
                "exactly one of vpc_id or subnet_id must be set.".to_string(),
            )];
        }
        vec![]
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let mode = string_attribute(planned, "internet_gateway_exclusion_mode")
            .ok_or_else(|| ProviderError::new("internet_gateway_exclusion_mode is required"))?;
        let output = self
            .aws
            .clients()
            .await
            .ec2
            .create_vpc_block_public_access_exclusion()
            .internet_gateway_exclusion_mode(InternetGatewayExclusionMode::from(mode.as_str()))
            .set_vpc_id(non_empty_attribute(planned, "vpc_id"))
            .set_subnet_id(non_empty_attribute(planned, "subnet_id"))
            .tag_specifications(tag_specification(
                operation,
                planned,
                Ec2ResourceType::VpcBlockPublicAccessExclusion,
            ))
            .send()
            .await
            .map_err(aws_error)?;
        let id = output
            .vpc_block_public_access_exclusion()
            .and_then(|e| e.exclusion_id())
            .ok_or_else(|| {
                ProviderError::new("CreateVpcBlockPublicAccessExclusion returned no id")
            })?
            .to_string();
        self.settle(&id, operation.timeouts.create).await
    }

    async fn update(
        &self,
        operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let id = string_attribute(prior, "id").ok_or_else(|| {
            ProviderError::new("aws_vpc_block_public_access_exclusion: prior state has no id")
        })?;
        let ec2 = &self.aws.clients().await.ec2;
        let mode = string_attribute(planned, "internet_gateway_exclusion_mode");
        if mode != string_attribute(prior, "internet_gateway_exclusion_mode") {
            if let Some(mode) = mode {
                ec2.modify_vpc_block_public_access_exclusion()
                    .exclusion_id(&id)
                    .internet_gateway_exclusion_mode(InternetGatewayExclusionMode::from(
                        mode.as_str(),
                    ))
                    .send()
                    .await
                    .map_err(aws_error)?;
                self.settle(&id, operation.timeouts.update).await?;
            }
        }
        update_tags(ec2, &id, prior, planned).await?;
        self.settle(&id, operation.timeouts.update).await
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
            .delete_vpc_block_public_access_exclusion()
            .exclusion_id(&id)
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
            &format!("VPC Block Public Access exclusion {id} to be deleted"),
            || async { Ok(self.find(&id).await?.is_none().then_some(())) },
        )
        .await
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let described = describe_by_ids(&known_ids(prior), |chunk| async {
            Ok(Vec::from_iter(self.describe(Some(chunk), None).await?))
        })
        .await?;
        let found: HashMap<String, Value> = described
            .into_iter()
            .map(|(id, (value, _))| (id, value))
            .collect();
        Ok(in_prior_order(prior, &found))
    }

    async fn find_created(
        &self,
        operation: &Operation,
        _planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        Ok(self
            .describe(None, Some(managed_tag_filters(operation)))
            .await?
            .into_values()
            .map(|(value, _)| value)
            .next())
    }
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
