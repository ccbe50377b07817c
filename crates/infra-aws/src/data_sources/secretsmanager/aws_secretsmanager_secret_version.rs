//! `aws_secretsmanager_secret_version` (data source): one value of a secret, by `version_id`
//! (which overrides `version_stage`) or `version_stage` (default `AWSCURRENT`).
//! `secret_string` and `secret_binary` are sensitive.

use aws_sdk_secretsmanager::operation::get_secret_value::GetSecretValueOutput;
use infra_core::{Attribute, ProviderError, Schema, Type, Value};
use std::collections::BTreeMap;

use crate::app_support::{sensitive, sent, string_list, text};
use crate::lookup::{Lookup, LookupType};
use crate::Aws;

pub type AwsSecretsmanagerSecretVersion = LookupType<SecretsmanagerSecretVersionLookup>;

pub struct SecretsmanagerSecretVersionLookup;

/// The attributes both this data source and the ephemeral resource of this name read from
/// GetSecretValue, after their own: `created_date`, `secret_string`, `secret_binary` (both
/// sensitive) and `version_stages`.
pub(crate) fn with_secret_value(schema: Schema) -> Schema {
    schema
        .attr(Attribute::computed("created_date", Type::String))
        .attr(Attribute::computed("secret_string", Type::String).sensitive())
        .attr(Attribute::computed("secret_binary", Type::String).sensitive())
        .attr(Attribute::computed("version_stages", Type::list(Type::String)))
}

/// Sets what [`with_secret_value`] declares, and `arn`, from GetSecretValue's answer;
/// `binary` is `secret_binary` as the caller gives it (base64 here, the bytes as a string in
/// the ephemeral resource).
pub(crate) fn insert_secret_value(
    entries: &mut BTreeMap<String, Value>,
    output: &GetSecretValueOutput,
    binary: Option<String>,
) {
    entries.insert("arn".into(), text(output.arn()));
    entries.insert(
        "created_date".into(),
        text(output.created_date().map(|d| d.to_string()).as_deref()),
    );
    entries.insert("secret_string".into(), sensitive(text(output.secret_string())));
    entries.insert("secret_binary".into(), sensitive(text(binary.as_deref())));
    entries.insert("version_stages".into(), string_list(output.version_stages()));
}

/// GetSecretValue for `config`'s `secret_id`, by `version_id` (which overrides
/// `version_stage`) or `version_stage` (default AWSCURRENT): the secret ID, the stage asked
/// for, and the answer. The ephemeral resource of this name opens the secret the same way.
pub(crate) async fn get_secret_value(
    aws: &Aws,
    config: &Value,
) -> Result<(String, Option<String>, GetSecretValueOutput), ProviderError> {
    let client = &aws.clients().await.secretsmanager;
    let secret_id = config.get("secret_id").as_str().ok_or_else(|| {
        ProviderError::new("aws_secretsmanager_secret_version: secret_id is required")
    })?;
    let version_id = config.get("version_id").as_str().map(str::to_string);
    let stage = match (&version_id, config.get("version_stage").as_str()) {
        (Some(_), _) => None,
        (None, Some(stage)) => Some(stage.to_string()),
        (None, None) => Some("AWSCURRENT".to_string()),
    };
    let output = sent!(client
        .get_secret_value()
        .secret_id(secret_id)
        .set_version_id(version_id)
        .set_version_stage(stage.clone()))?;
    Ok((secret_id.to_string(), stage, output))
}

impl Lookup for SecretsmanagerSecretVersionLookup {
    const NAME: &'static str = "aws_secretsmanager_secret_version";

    fn schema() -> Schema {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("secret_id", Type::String))
            .attr(Attribute::optional_computed("version_id", Type::String))
            .attr(Attribute::optional("version_stage", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("secret_arn", Type::String));
        with_secret_value(schema)
    }

    async fn read(this: &LookupType<Self>, config: &Value) -> Result<Value, ProviderError> {
        let (secret_id, stage, output) = get_secret_value(&this.aws, config).await?;
        let version = output.version_id().unwrap_or_default();
        let mut value = config.clone();
        if let Some(entries) = value.map_mut() {
            entries.insert("id".into(), Value::string(format!("{secret_id}|{version}")));
            entries.insert("version_id".into(), Value::string(version));
            if let Some(stage) = &stage {
                entries.insert("version_stage".into(), Value::string(stage));
            }
            // `arn` is the provider's deprecated name for `secret_arn`.
            entries.insert("secret_arn".into(), text(output.arn()));
            let binary =
                output.secret_binary().map(|b| aws_smithy_types::base64::encode(b.as_ref()));
            insert_secret_value(entries, &output, binary);
        }
        Ok(value)
    }
}
