//! `aws_ecs_task_definition` (data source): a task definition by family (its latest ACTIVE
//! revision), `family:revision`, or ARN: one DescribeTaskDefinition through the
//! `aws_ecs_task_definition` resource's own read, plus `status`.
//!
//! `trusted_execution_configuration` is always empty: the ECS SDK this build uses does not
//! have the field yet. moto does not return `enable_fault_injection`.

use std::sync::Arc;

use infra_core::{Attribute, DataSourceType, ProviderError, Schema, Type, Value};

use crate::app_support::{data_source_schema, data_source_value, string, text};
use crate::resources::ecs::aws_ecs_task_definition::AwsEcsTaskDefinition;
use crate::Aws;

pub struct AwsEcsTaskDefinitionData {
    resource: AwsEcsTaskDefinition,
    schema: Schema,
}

impl AwsEcsTaskDefinitionData {
    pub fn new(aws: Arc<Aws>) -> AwsEcsTaskDefinitionData {
        let resource = AwsEcsTaskDefinition::new(aws);
        let schema = data_source_schema(
            infra_core::ResourceType::schema(&resource),
            &[],
            &["skip_destroy", "track_latest", "tags", "tags_all"],
        )
        .attr(Attribute::required("task_definition", Type::String))
        .attr(Attribute::computed("status", Type::String))
        .attr(Attribute::computed("trusted_execution_configuration", Type::list(Type::Any)));
        AwsEcsTaskDefinitionData { resource, schema }
    }
}

#[async_trait::async_trait]
impl DataSourceType for AwsEcsTaskDefinitionData {
    fn name(&self) -> &'static str {
        "aws_ecs_task_definition"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> Result<Value, ProviderError> {
        let key = string(config, "task_definition").ok_or_else(|| {
            ProviderError::new("aws_ecs_task_definition: task_definition is required")
        })?;
        let found = self.resource.found(&key).await?.ok_or_else(|| {
            ProviderError::new(format!(
                "reading ECS Task Definition ({key}): couldn't find resource"
            ))
        })?;
        let region = &self.resource.aws.clients().await.region;
        let read = self.resource.value_of(&found, region, &Value::Null);
        let mut value = data_source_value(&self.schema, read);
        let task = &found.object;
        if let Some(entries) = value.map_mut() {
            entries.insert("id".into(), text(task.task_definition_arn()));
            entries.insert("task_definition".into(), Value::string(&key));
            entries.insert("status".into(), text(task.status().map(|s| s.as_str())));
            entries.insert("trusted_execution_configuration".into(), Value::List(vec![]));
        }
        Ok(value)
    }
}
