//! `aws_secretsmanager_secret` (data source): a secret's metadata by `arn` or `name` (exactly
//! one), from DescribeSecret and GetResourcePolicy. Never its value: that is
//! `aws_secretsmanager_secret_version`.

use std::sync::Arc;

use infra_core::{Attribute, DataSourceType, ProviderError, Schema, Type, Value};

use crate::app_support::{canonical_json, sent, text, text_or_null};
use crate::Aws;

pub struct AwsSecretsmanagerSecret {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsSecretsmanagerSecret {
    pub fn new(aws: Arc<Aws>) -> AwsSecretsmanagerSecret {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::optional_computed("arn", Type::String))
            .attr(Attribute::optional_computed("name", Type::String))
            .attr(Attribute::computed("description", Type::String))
            .attr(Attribute::computed("kms_key_id", Type::String))
            .attr(Attribute::computed("policy", Type::Json))
            .attr(Attribute::computed("created_date", Type::String))
            .attr(Attribute::computed("last_changed_date", Type::String))
            .attr(Attribute::computed("tags", Type::map(Type::String)));
        AwsSecretsmanagerSecret { aws, schema }
    }
}

#[async_trait::async_trait]
impl DataSourceType for AwsSecretsmanagerSecret {
    fn name(&self) -> &'static str {
        "aws_secretsmanager_secret"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.secretsmanager;
        let id =
            match (config.get("arn").as_str(), config.get("name").as_str()) {
                (Some(arn), None) => arn.to_string(),
                (None, Some(name)) => name.to_string(),
                _ => return Err(ProviderError::new(
                    "aws_secretsmanager_secret: exactly one of `arn` or `name` must be specified",
                )),
            };
        let secret = sent!(client.describe_secret().secret_id(&id))?;
        let policy = sent!(client.get_resource_policy().secret_id(&id))?
            .resource_policy()
            .map(canonical_json);
        let tags = Value::Map(
            secret
                .tags()
                .iter()
                .filter_map(|t| Some((t.key()?.to_string(), Value::string(t.value()?))))
                .collect(),
        );
        let mut value = config.clone();
        if let Some(entries) = value.map_mut() {
            entries.insert("id".into(), text(secret.arn()));
            entries.insert("arn".into(), text(secret.arn()));
            entries.insert("name".into(), text(secret.name()));
            entries.insert("description".into(), text_or_null(secret.description()));
            entries.insert("kms_key_id".into(), text_or_null(secret.kms_key_id()));
            entries.insert("policy".into(), text(policy.as_deref()));
            entries.insert(
                "created_date".into(),
                text(secret.created_date().map(|d| d.to_string()).as_deref()),
            );
            entries.insert(
                "last_changed_date".into(),
                text(secret.last_changed_date().map(|d| d.to_string()).as_deref()),
            );
            entries.insert("tags".into(), tags);
        }
        Ok(value)
    }
}
