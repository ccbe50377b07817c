//! `aws_ecs_capacity_provider`: an ECS capacity provider over an EC2 Auto Scaling group. The
//! Terraform ID is its ARN, which is also the import ID (its name is accepted too). `name` and
//! the group's ARN force a new capacity provider; the managed scaling, draining and termination protection
//! settings and the tags change in place (UpdateCapacityProvider, TagResource).
//!
//! Refresh is one DescribeCapacityProviders for up to 100 names (tags included); a missing one
//! comes back in `failures`, a deleted one as `INACTIVE`.
//!
//! Not supported: `managed_instances_provider` (ECS Managed Instances) and `cluster`, which
//! only goes with it, are not in the schema, so a configuration that sets them is refused at
//! its line. The emulator (moto 5.2.5) does not implement them either.
//!
//! AWS applies an update and a delete asynchronously (`updateStatus`); the read after an
//! update shows the requested settings, which is what the plan compares.
//!
//! moto fills in AWS's defaults for `managed_scaling` and `managed_termination_protection`
//! but not `managed_draining` (AWS's default is `ENABLED`), so drift on `managed_draining`
//! is not seen in tests.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_ecs::types::{
    AutoScalingGroupProvider, AutoScalingGroupProviderUpdate, CapacityProvider,
    CapacityProviderField, ManagedDraining, ManagedScaling, ManagedScalingStatus,
    ManagedTerminationProtection,
};
use infra_core::{
    Attribute, Block, Check, Operation, ProviderError, ResourceType, Schema, Type, Value,
};

use crate::app_support::{int, number, set_tags, single, string, text, vanished, wait_for};
use crate::ecs_support::{has_managed_tags, tags_from_sdk, tags_to_sdk, update_tags};
use crate::error::{aws_error, is_not_found};
use crate::Aws;

/// DescribeCapacityProviders takes at most 100 names a call.
const PROVIDERS_PER_CALL: usize = 100;

const ENABLED_OR_DISABLED: Check = Check::OneOf(&["ENABLED", "DISABLED"]);

pub struct AwsEcsCapacityProvider {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsEcsCapacityProvider {
    pub fn new(aws: Arc<Aws>) -> AwsEcsCapacityProvider {
        let managed_scaling = Schema::new()
            .attr(
                Attribute::optional_computed("instance_warmup_period", Type::Number)
                    .check(Check::Range(0, 10_000)),
            )
            .attr(
                Attribute::optional_computed("maximum_scaling_step_size", Type::Number)
                    .check(Check::Range(1, 10_000)),
            )
            .attr(
                Attribute::optional_computed("minimum_scaling_step_size", Type::Number)
                    .check(Check::Range(1, 10_000)),
            )
            .attr(Attribute::optional_computed("status", Type::String).check(ENABLED_OR_DISABLED))
            .attr(
                Attribute::optional_computed("target_capacity", Type::Number)
                    .check(Check::Range(1, 100)),
            );
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::required("name", Type::String).force_new())
            .block(
                Block::single(
                    "auto_scaling_group_provider",
                    Schema::new()
                        .attr(
                            Attribute::required("auto_scaling_group_arn", Type::String)
                                .force_new(),
                        )
                        .attr(
                            Attribute::optional_computed("managed_draining", Type::String)
                                .check(ENABLED_OR_DISABLED),
                        )
                        .attr(
                            Attribute::optional_computed(
                                "managed_termination_protection",
                                Type::String,
                            )
                            .check(ENABLED_OR_DISABLED),
                        )
                        .block(Block::single("managed_scaling", managed_scaling).computed()),
                )
                .required(),
            )
            .with_tags();
        AwsEcsCapacityProvider { aws, schema }
    }

    /// Active capacity providers by the name or ARN asked for.
    async fn describe(
        &self,
        keys: &[String],
    ) -> Result<BTreeMap<String, CapacityProvider>, ProviderError> {
        let client = &self.aws.clients().await.ecs;
        let mut found = BTreeMap::new();
        for chunk in keys.chunks(PROVIDERS_PER_CALL) {
            let response = client
                .describe_capacity_providers()
                .set_capacity_providers(Some(chunk.to_vec()))
                .include(CapacityProviderField::Tags)
                .send()
                .await
                .map_err(aws_error)?;
            for provider in response.capacity_providers() {
                if provider.status().map(|s| s.as_str()) == Some("INACTIVE") {
                    continue;
                }
                for key in chunk {
                    if provider.name() == Some(key.as_str())
                        || provider.capacity_provider_arn() == Some(key.as_str())
                    {
                        found.insert(key.clone(), provider.clone());
                    }
                }
            }
        }
        Ok(found)
    }

    async fn read_one(&self, key: &str) -> Result<Value, ProviderError> {
        self.describe(&[key.to_string()])
            .await?
            .get(key)
            .map(to_value)
            .ok_or_else(|| vanished("ECS capacity provider", key))
    }
}

fn managed_scaling_to_sdk(group: &Value) -> Option<ManagedScaling> {
    single(group, "managed_scaling").map(|scaling| {
        ManagedScaling::builder()
            .set_instance_warmup_period(int(scaling, "instance_warmup_period"))
            .set_maximum_scaling_step_size(int(scaling, "maximum_scaling_step_size"))
            .set_minimum_scaling_step_size(int(scaling, "minimum_scaling_step_size"))
            .set_status(string(scaling, "status").map(|s| ManagedScalingStatus::from(s.as_str())))
            .set_target_capacity(int(scaling, "target_capacity"))
            .build()
    })
}

fn termination_protection(group: &Value) -> Option<ManagedTerminationProtection> {
    string(group, "managed_termination_protection")
        .map(|p| ManagedTerminationProtection::from(p.as_str()))
}

fn draining(group: &Value) -> Option<ManagedDraining> {
    string(group, "managed_draining").map(|d| ManagedDraining::from(d.as_str()))
}

fn group_value(group: &AutoScalingGroupProvider) -> Value {
    let scaling = group
        .managed_scaling()
        .map(|scaling| {
            Value::map([
                (
                    "instance_warmup_period",
                    number(scaling.instance_warmup_period().map(i64::from)),
                ),
                (
                    "maximum_scaling_step_size",
                    number(scaling.maximum_scaling_step_size().map(i64::from)),
                ),
                (
                    "minimum_scaling_step_size",
                    number(scaling.minimum_scaling_step_size().map(i64::from)),
                ),
                ("status", text(scaling.status().map(|s| s.as_str()))),
                (
                    "target_capacity",
                    number(scaling.target_capacity().map(i64::from)),
                ),
            ])
        })
        .into_iter()
        .collect();
    Value::map([
        (
            "auto_scaling_group_arn",
            Value::string(group.auto_scaling_group_arn()),
        ),
        (
            "managed_draining",
            text(group.managed_draining().map(|d| d.as_str())),
        ),
        (
            "managed_termination_protection",
            text(group.managed_termination_protection().map(|p| p.as_str())),
        ),
        ("managed_scaling", Value::List(scaling)),
    ])
}

fn to_value(provider: &CapacityProvider) -> Value {
    let arn = provider.capacity_provider_arn().unwrap_or_default();
    let mut object = BTreeMap::new();
    object.insert("id".to_string(), Value::string(arn));
    object.insert("arn".to_string(), Value::string(arn));
    object.insert("name".to_string(), text(provider.name()));
    object.insert(
        "auto_scaling_group_provider".to_string(),
        Value::List(
            provider
                .auto_scaling_group_provider()
                .map(group_value)
                .into_iter()
                .collect(),
        ),
    );
    let tags = tags_from_sdk(provider.tags());
    set_tags(
        &mut object,
        tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    );
    Value::Map(object)
}

#[async_trait::async_trait]
impl ResourceType for AwsEcsCapacityProvider {
    fn name(&self) -> &'static str {
        "aws_ecs_capacity_provider"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let name = string(planned, "name").ok_or_else(|| {
            ProviderError::new("aws_ecs_capacity_provider needs a known \"name\"")
        })?;
        let group = single(planned, "auto_scaling_group_provider")
            .map(|group| {
                AutoScalingGroupProvider::builder()
                    .set_auto_scaling_group_arn(string(group, "auto_scaling_group_arn"))
                    .set_managed_scaling(managed_scaling_to_sdk(group))
                    .set_managed_termination_protection(termination_protection(group))
                    .set_managed_draining(draining(group))
                    .build()
                    .map_err(|e| ProviderError::new(format!("auto_scaling_group_provider: {e}")))
            })
            .transpose()?;
        let response = self
            .aws
            .clients()
            .await
            .ecs
            .create_capacity_provider()
            .name(&name)
            .set_auto_scaling_group_provider(group)
            .set_tags(Some(tags_to_sdk(&operation.tags_with_managed(planned))))
            .send()
            .await
            .map_err(aws_error)?;
        let arn = response
            .capacity_provider()
            .and_then(|p| p.capacity_provider_arn())
            .ok_or_else(|| vanished("ECS capacity provider", &name))?
            .to_string();
        self.read_one(&arn).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.ecs;
        let arn = string(prior, "arn").ok_or_else(|| {
            ProviderError::new("aws_ecs_capacity_provider has no arn in state")
        })?;
        let before = single(prior, "auto_scaling_group_provider");
        let after = single(planned, "auto_scaling_group_provider");
        if before != after {
            if let Some(group) = after {
                client
                    .update_capacity_provider()
                    .name(string(planned, "name").unwrap_or_else(|| arn.clone()))
                            .auto_scaling_group_provider(
                        AutoScalingGroupProviderUpdate::builder()
                            .set_managed_scaling(managed_scaling_to_sdk(group))
                            .set_managed_termination_protection(termination_protection(group))
                            .set_managed_draining(draining(group))
                            .build(),
                    )
                    .send()
                    .await
                    .map_err(aws_error)?;
            }
        }
        update_tags(client, &arn, prior, planned).await?;
        self.read_one(&arn).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some(arn) = string(prior, "arn") else {
            return Ok(());
        };
        match self
            .aws
            .clients()
            .await
            .ecs
            .delete_capacity_provider()
            .capacity_provider(&arn)
            .send()
            .await
            .map_err(aws_error)
        {
            Ok(_) => {}
            Err(error) if is_not_found(&error) => return Ok(()),
            Err(error) => return Err(error),
        }
        // Deprovisioning is asynchronous; the name is free again once it is gone.
        wait_for(
            "the ECS capacity provider to be deleted",
            Duration::from_secs(20 * 60),
            || async {
                let remaining = self.describe(std::slice::from_ref(&arn)).await?;
                Ok(remaining.is_empty().then_some(()))
            },
        )
        .await
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let arns: Vec<String> = prior.iter().filter_map(|p| string(p, "arn")).collect();
        let found = self.describe(&arns).await?;
        Ok(prior
            .iter()
            .map(|p| string(p, "arn").and_then(|arn| found.get(&arn)).map(to_value))
            .collect())
    }

    /// Terraform's import ID: the ARN (a name works too: DescribeCapacityProviders takes both).
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        Ok(infra_core::resource::import_by("arn", id))
    }

    /// Names are unique in a region; ours carries the managed tags.
    async fn find_created(
        &self,
        operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let Some(name) = string(planned, "name") else {
            return Ok(None);
        };
        let found = self.describe(std::slice::from_ref(&name)).await?;
        Ok(found
            .get(&name)
            .filter(|provider| has_managed_tags(&tags_from_sdk(provider.tags()), operation))
            .map(to_value))
    }
}
