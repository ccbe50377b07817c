//! `aws_ecs_task_definition`: one revision of a task definition family.
//!
//! Every change but tags registers a new revision (all such attributes force replacement), and
//! delete deregisters the revision. `container_definitions` is compared in the normal form of
//! [`crate::ecs_support::normalize_container_definitions`]. ECS has no batch describe for task
//! definitions, so refresh is one DescribeTaskDefinition (tags included) per instance.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_ecs::types::{
    Compatibility, CpuArchitecture, NetworkMode, OsFamily, RuntimePlatform, TaskDefinition,
    TaskDefinitionField, TaskDefinitionStatus,
};
use infra_core::{
    Attribute, Block, Check, Operation, ProviderError, ResourceType, Schema, Type, Value,
};

use crate::app_support::{number, set_tags, single, string, string_list, strings, text, vanished};
use crate::ecs_support::{
    container_definition_problems, containers_to_json, containers_to_sdk, has_managed_tags,
    normalize_container_definitions, tags_from_sdk, tags_to_sdk, update_tags,
};
use crate::error::aws_error;
use crate::Aws;

pub struct AwsEcsTaskDefinition {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsEcsTaskDefinition {
    pub fn new(aws: Arc<Aws>) -> AwsEcsTaskDefinition {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("arn_without_revision", Type::String))
            .attr(Attribute::computed("revision", Type::Number))
            .attr(Attribute::required("family", Type::String).force_new())
            .attr(Attribute::required("container_definitions", Type::Json).force_new())
            .attr(
                Attribute::optional("requires_compatibilities", Type::set(Type::String))
                    .force_new(),
            )
            .attr(
                Attribute::optional_computed("network_mode", Type::String)
                    .check(Check::OneOf(&["bridge", "host", "awsvpc", "none"]))
                    .force_new(),
            )
            .attr(Attribute::optional("cpu", Type::String).force_new())
            .attr(Attribute::optional("memory", Type::String).force_new())
            .attr(Attribute::optional("execution_role_arn", Type::String).force_new())
            .attr(Attribute::optional("task_role_arn", Type::String).force_new())
            .block(
                Block::single(
                    "runtime_platform",
                    Schema::new()
                        .attr(Attribute::optional("operating_system_family", Type::String))
                        .attr(
                            Attribute::optional("cpu_architecture", Type::String)
                                .check(Check::OneOf(&["X86_64", "ARM64"])),
                        ),
                )
                .force_new(),
            )
            .with_tags();
        AwsEcsTaskDefinition { aws, schema }
    }

    /// The task definition and its tags; `None` when it does not exist or is deregistered.
    async fn describe(
        &self,
        key: &str,
    ) -> Result<Option<(TaskDefinition, Vec<(String, String)>)>, ProviderError> {
        let client = &self.aws.clients().await.ecs;
        let response = client
            .describe_task_definition()
            .task_definition(key)
            .include(TaskDefinitionField::Tags)
            .send()
            .await
            .map_err(aws_error);
        match response {
            Ok(response) => Ok(response
                .task_definition()
                .filter(|t| {
                    t.status() != Some(&TaskDefinitionStatus::Inactive)
                        && t.status() != Some(&TaskDefinitionStatus::DeleteInProgress)
                })
                .map(|t| (t.clone(), tags_from_sdk(response.tags())))),
            // ECS answers an unknown task definition with a ClientException.
            Err(error)
                if matches!(error.code.as_deref(), Some("ClientException"))
                    || crate::error::is_not_found(&error) =>
            {
                Ok(None)
            }
            Err(error) => Err(error),
        }
    }

    async fn read_one(&self, key: &str) -> Result<Value, ProviderError> {
        self.describe(key)
            .await?
            .map(|(task, tags)| to_value(&task, &tags))
            .ok_or_else(|| vanished("task definition", key))
    }
}

fn to_value(task: &TaskDefinition, tags: &[(String, String)]) -> Value {
    let arn = task.task_definition_arn().unwrap_or_default();
    let without_revision = match arn.rsplit_once(':') {
        Some((head, revision)) if revision.chars().all(|c| c.is_ascii_digit()) => head.to_string(),
        _ => arn.to_string(),
    };
    let mut object = BTreeMap::new();
    object.insert("id".to_string(), text(task.family()));
    object.insert("arn".to_string(), Value::string(arn));
    object.insert(
        "arn_without_revision".to_string(),
        Value::string(without_revision),
    );
    object.insert(
        "revision".to_string(),
        number(Some(i64::from(task.revision()))),
    );
    object.insert("family".to_string(), text(task.family()));
    object.insert(
        "container_definitions".to_string(),
        Value::string(containers_to_json(task.container_definitions())),
    );
    object.insert(
        "requires_compatibilities".to_string(),
        string_list(task.requires_compatibilities().iter().map(|c| c.as_str())),
    );
    object.insert(
        "network_mode".to_string(),
        text(task.network_mode().map(|m| m.as_str())),
    );
    object.insert("cpu".to_string(), text(task.cpu()));
    object.insert("memory".to_string(), text(task.memory()));
    object.insert(
        "execution_role_arn".to_string(),
        text(task.execution_role_arn()),
    );
    object.insert("task_role_arn".to_string(), text(task.task_role_arn()));
    let platform = task
        .runtime_platform()
        .filter(|p| p.operating_system_family().is_some() || p.cpu_architecture().is_some())
        .map(|p| {
            vec![Value::map([
                (
                    "operating_system_family",
                    text(p.operating_system_family().map(|f| f.as_str())),
                ),
                (
                    "cpu_architecture",
                    text(p.cpu_architecture().map(|c| c.as_str())),
                ),
            ])]
        })
        .unwrap_or_default();
    object.insert("runtime_platform".to_string(), Value::List(platform));
    set_tags(
        &mut object,
        tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    );
    Value::Map(object)
}

#[async_trait::async_trait]
impl ResourceType for AwsEcsTaskDefinition {
    fn name(&self) -> &'static str {
        "aws_ecs_task_definition"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if let Some(text) = config.get("container_definitions").as_str() {
            for problem in container_definition_problems(text) {
                problems.push(("container_definitions".to_string(), problem));
            }
        }
        let fargate = config
            .get("requires_compatibilities")
            .as_list()
            .is_some_and(|items| items.iter().any(|i| i.as_str() == Some("FARGATE")));
        if fargate {
            if config
                .get("network_mode")
                .as_str()
                .is_some_and(|m| m != "awsvpc")
            {
                problems.push((
                    "network_mode".to_string(),
                    "Fargate task definitions need network_mode = \"awsvpc\"".to_string(),
                ));
            }
            for key in ["cpu", "memory"] {
                if config.get(key).is_null() {
                    problems.push((
                        key.to_string(),
                        format!("Fargate task definitions need a task-level \"{key}\""),
                    ));
                }
            }
        }
        problems
    }

    /// Puts `container_definitions` in its normal form (AWS's defaults dropped, keys and
    /// environment sorted), so configuration and what AWS reports compare equal.
    fn normalize(&self, value: &mut Value) {
        let awsvpc = value.get("network_mode").as_str() == Some("awsvpc");
        if let Some(entries) = value.map_mut() {
            if let Some(Value::String(text)) = entries.get_mut("container_definitions") {
                *text = normalize_container_definitions(text, awsvpc);
            }
        }
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.ecs;
        let family = string(planned, "family").ok_or_else(|| {
            ProviderError::new("aws_ecs_task_definition needs a known \"family\"")
        })?;
        let containers =
            containers_to_sdk(&string(planned, "container_definitions").unwrap_or_default())?;
        let compatibilities: Vec<Compatibility> = strings(planned, "requires_compatibilities")
            .iter()
            .map(|c| Compatibility::from(c.as_str()))
            .collect();
        let runtime_platform = single(planned, "runtime_platform").map(|p| {
            RuntimePlatform::builder()
                .set_operating_system_family(
                    string(p, "operating_system_family").map(|f| OsFamily::from(f.as_str())),
                )
                .set_cpu_architecture(
                    string(p, "cpu_architecture").map(|c| CpuArchitecture::from(c.as_str())),
                )
                .build()
        });
        let response = client
            .register_task_definition()
            .family(&family)
            .set_container_definitions(Some(containers))
            .set_requires_compatibilities((!compatibilities.is_empty()).then_some(compatibilities))
            .set_network_mode(
                string(planned, "network_mode").map(|m| NetworkMode::from(m.as_str())),
            )
            .set_cpu(string(planned, "cpu"))
            .set_memory(string(planned, "memory"))
            .set_execution_role_arn(string(planned, "execution_role_arn"))
            .set_task_role_arn(string(planned, "task_role_arn"))
            .set_runtime_platform(runtime_platform)
            .set_tags(Some(tags_to_sdk(&operation.tags_with_managed(planned))))
            .send()
            .await
            .map_err(aws_error)?;
        let arn = response
            .task_definition()
            .and_then(|t| t.task_definition_arn())
            .ok_or_else(|| vanished("task definition", &family))?
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
        let arn = string(prior, "arn")
            .ok_or_else(|| ProviderError::new("aws_ecs_task_definition has no arn in state"))?;
        update_tags(client, &arn, prior, planned).await?;
        self.read_one(&arn).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.ecs;
        let Some(arn) = string(prior, "arn") else {
            return Ok(());
        };
        if self.describe(&arn).await?.is_none() {
            return Ok(());
        }
        client
            .deregister_task_definition()
            .task_definition(&arn)
            .send()
            .await
            .map_err(aws_error)?;
        Ok(())
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let mut out = Vec::with_capacity(prior.len());
        for p in prior {
            let Some(arn) = string(p, "arn") else {
                out.push(None);
                continue;
            };
            out.push(
                self.describe(&arn)
                    .await?
                    .map(|(task, tags)| to_value(&task, &tags)),
            );
        }
        Ok(out)
    }

    /// Terraform's import ID: its ARN.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        Ok(infra_core::resource::import_by("arn", id))
    }

    async fn find_created(
        &self,
        operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let Some(family) = string(planned, "family") else {
            return Ok(None);
        };
        // The family name resolves to its latest active revision.
        Ok(self
            .describe(&family)
            .await?
            .filter(|(_, tags)| has_managed_tags(tags, operation))
            .map(|(task, tags)| to_value(&task, &tags)))
    }
}
