//! `aws_secretsmanager_secret` (data source): a secret's metadata by `arn` or `name` (exactly
//! one), from DescribeSecret and GetResourcePolicy. Never its value: that is
//! `aws_secretsmanager_secret_version`.

use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::app_support::{canonical_json, sent, text, text_or_null};
use crate::lookup::{with_found, Lookup, LookupType};

pub type AwsSecretsmanagerSecret = LookupType<SecretsmanagerSecretLookup>;

pub struct SecretsmanagerSecretLookup;

impl Lookup for SecretsmanagerSecretLookup {
    const NAME: &'static str = "aws_secretsmanager_secret";

    fn schema() -> Schema {
        Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::optional_computed("arn", Type::String))
            .attr(Attribute::optional_computed("name", Type::String))
            .attr(Attribute::computed("description", Type::String))
            .attr(Attribute::computed("kms_key_id", Type::String))
            .attr(Attribute::computed("policy", Type::Json))
            .attr(Attribute::computed("created_date", Type::String))
            .attr(Attribute::computed("last_changed_date", Type::String))
            .attr(Attribute::computed("tags", Type::map(Type::String)))
    }

    async fn read(this: &LookupType<Self>, config: &Value) -> Result<Value, ProviderError> {
        let client = &this.aws.clients().await.secretsmanager;
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
        Ok(with_found(
            config,
            [
                ("id", text(secret.arn())),
                ("arn", text(secret.arn())),
                ("name", text(secret.name())),
                ("description", text_or_null(secret.description())),
                ("kms_key_id", text_or_null(secret.kms_key_id())),
                ("policy", text(policy.as_deref())),
                ("created_date", text(secret.created_date().map(|d| d.to_string()).as_deref())),
                (
                    "last_changed_date",
                    text(secret.last_changed_date().map(|d| d.to_string()).as_deref()),
                ),
                ("tags", tags),
            ],
        ))
    }
}
