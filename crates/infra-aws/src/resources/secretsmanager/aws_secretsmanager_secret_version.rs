//! `aws_secretsmanager_secret_version`: one value of a Secrets Manager secret.
//!
//! `secret_string` and `secret_binary` (base64) are sensitive and force a new version, as in
//! the provider; `version_stages` change in place with UpdateSecretVersionStage (adding
//! `AWSCURRENT` moves it from the version that holds it). The ID and import ID are
//! `SECRET_ID|VERSION_ID`. Refresh is GetSecretValue per version (Secrets Manager has no
//! batched read of values).
//!
//! Delete removes the version's staging labels except `AWSCURRENT`, which AWS only lets move to
//! another version: the version then stays current until the secret is deleted or another
//! version is made current (as the provider documents).
//!
//! A version carries no tags; a create whose answer was lost is recognised by the version that
//! holds the planned stage (`AWSCURRENT` by default) with the planned value.
//!
//! moto holds every argument of this type; drift on all of them is seen in tests.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_secretsmanager::operation::get_secret_value::GetSecretValueOutput;
use aws_sdk_secretsmanager::primitives::Blob;
use infra_core::{Attribute, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{sent, string, string_list, strings, text, vanished};
use crate::ec2_support::long_client_token;
use crate::error::aws_error;
use crate::resources::secretsmanager::aws_secretsmanager_secret::is_gone;
use crate::Aws;

const CURRENT: &str = "AWSCURRENT";
const PREVIOUS: &str = "AWSPREVIOUS";

pub struct AwsSecretsmanagerSecretVersion {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsSecretsmanagerSecretVersion {
    pub fn new(aws: Arc<Aws>) -> AwsSecretsmanagerSecretVersion {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("secret_arn", Type::String))
            .attr(Attribute::required("secret_id", Type::String).force_new())
            .attr(
                Attribute::optional("secret_string", Type::String)
                    .sensitive()
                    .force_new(),
            )
            .attr(
                Attribute::optional("secret_binary", Type::String)
                    .sensitive()
                    .force_new(),
            )
            // Terraform 1.11's write-only value: sent, never stored. A version's value cannot
            // change, so a new `secret_string_wo_version` makes a new version.
            .attr(Attribute::optional("secret_string_wo", Type::String).write_only())
            .attr(Attribute::optional("secret_string_wo_version", Type::Number).force_new())
            .attr(Attribute::computed("has_secret_string_wo", Type::Bool))
            .attr(Attribute::computed("version_id", Type::String))
            .attr(Attribute::optional_computed(
                "version_stages",
                Type::set(Type::String),
            ));
        AwsSecretsmanagerSecretVersion { aws, schema }
    }

    /// One version's value; `None` when the version or its secret is gone.
    async fn get(
        &self,
        secret_id: &str,
        version_id: Option<&str>,
        stage: Option<&str>,
    ) -> Result<Option<GetSecretValueOutput>, ProviderError> {
        let client = &self.aws.clients().await.secretsmanager;
        match sent!(client
            .get_secret_value()
            .secret_id(secret_id)
            .set_version_id(version_id.map(str::to_string))
            .set_version_stage(stage.map(str::to_string)))
        {
            Ok(output) => Ok(Some(output)),
            Err(error) if is_gone(&error) => Ok(None),
            Err(error) => Err(error),
        }
    }

    async fn read_one(
        &self,
        secret_id: &str,
        version_id: &str,
        hint: &Value,
    ) -> Result<Value, ProviderError> {
        self.get(secret_id, Some(version_id), None)
            .await?
            .map(|output| to_value(secret_id, &output, hint))
            .ok_or_else(|| vanished("Secrets Manager secret version", version_id))
    }

    async fn move_stage(
        &self,
        secret_id: &str,
        stage: &str,
        to: Option<&str>,
        from: Option<&str>,
    ) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.secretsmanager;
        sent!(client
            .update_secret_version_stage()
            .secret_id(secret_id)
            .version_stage(stage)
            .set_move_to_version_id(to.map(str::to_string))
            .set_remove_from_version_id(from.map(str::to_string)))?;
        Ok(())
    }

    /// The version that holds `AWSCURRENT` now.
    async fn current_version(&self, secret_id: &str) -> Result<Option<String>, ProviderError> {
        let client = &self.aws.clients().await.secretsmanager;
        let mut pages = client
            .list_secret_version_ids()
            .secret_id(secret_id)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            for version in page.map_err(aws_error)?.versions() {
                if version.version_stages().iter().any(|s| s == CURRENT) {
                    return Ok(version.version_id().map(str::to_string));
                }
            }
        }
        Ok(None)
    }
}

/// `SECRET_ID|VERSION_ID` (the secret ID may be a name or an ARN).
pub fn parse_id(id: &str) -> Result<(String, String), ProviderError> {
    match id.split_once('|') {
        Some((secret, version)) if !secret.is_empty() && !version.is_empty() => {
            Ok((secret.to_string(), version.to_string()))
        }
        _ => Err(ProviderError::new(format!(
            "unexpected format of ID ({id}), expected SecretID|VersionID"
        ))),
    }
}

/// Whether an object's value was written through `secret_string_wo` (the provider's computed
/// `has_secret_string_wo`): then the state holds no `secret_string`.
fn written_only(value: &Value) -> bool {
    !value.get("secret_string_wo").is_null()
        || value.get("has_secret_string_wo").as_bool() == Some(true)
}

fn to_value(secret_id: &str, output: &GetSecretValueOutput, hint: &Value) -> Value {
    let version_id = output.version_id().unwrap_or_default();
    let mut object = BTreeMap::new();
    object.insert(
        "id".to_string(),
        Value::string(format!("{secret_id}|{version_id}")),
    );
    // `arn` is the provider's deprecated name for the secret's ARN, `secret_arn` its new one.
    object.insert("arn".to_string(), text(output.arn()));
    object.insert("secret_arn".to_string(), text(output.arn()));
    object.insert("secret_id".to_string(), Value::string(secret_id));
    object.insert("version_id".to_string(), Value::string(version_id));
    let write_only = written_only(hint);
    let secret_string = match write_only {
        true => Value::Null,
        false => text(output.secret_string()),
    };
    object.insert("secret_string".to_string(), secret_string);
    object.insert("has_secret_string_wo".to_string(), Value::Bool(write_only));
    object.insert(
        "secret_string_wo_version".to_string(),
        hint.get("secret_string_wo_version").clone(),
    );
    object.insert(
        "secret_binary".to_string(),
        text(
            output
                .secret_binary()
                .map(|b| aws_smithy_types::base64::encode(b.as_ref()))
                .as_deref(),
        ),
    );
    object.insert(
        "version_stages".to_string(),
        string_list(output.version_stages()),
    );
    Value::Map(object)
}

/// The value a planned version holds: the string, or the decoded binary.
fn same_value(output: &GetSecretValueOutput, planned: &Value) -> bool {
    match string(planned, "secret_binary") {
        Some(binary) => output
            .secret_binary()
            .map(|b| aws_smithy_types::base64::encode(b.as_ref()))
            .is_some_and(|b| b == binary),
        None => {
            output.secret_string()
                == string(planned, "secret_string")
                    .or_else(|| string(planned, "secret_string_wo"))
                    .as_deref()
        }
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsSecretsmanagerSecretVersion {
    fn name(&self) -> &'static str {
        "aws_secretsmanager_secret_version"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if !config.get("secret_string").is_null() && !config.get("secret_binary").is_null() {
            problems.push((
                "secret_binary".to_string(),
                "\"secret_binary\": conflicts with secret_string".to_string(),
            ));
        }
        for other in ["secret_string", "secret_binary"] {
            if !config.get("secret_string_wo").is_null() && !config.get(other).is_null() {
                problems.push((
                    "secret_string_wo".to_string(),
                    format!("\"secret_string_wo\": conflicts with {other}"),
                ));
            }
        }
        if config.get("secret_string_wo_version").is_null()
            != config.get("secret_string_wo").is_null()
        {
            problems.push((
                "secret_string_wo_version".to_string(),
                "all of `secret_string_wo,secret_string_wo_version` must be specified".to_string(),
            ));
        }
        if let Some(binary) = config.get("secret_binary").as_str() {
            if aws_smithy_types::base64::decode(binary).is_err() {
                problems.push((
                    "secret_binary".to_string(),
                    "\"secret_binary\" is not base64-encoded".to_string(),
                ));
            }
        }
        problems
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.secretsmanager;
        let secret_id = string(planned, "secret_id").ok_or_else(|| {
            ProviderError::new("aws_secretsmanager_secret_version has no secret_id")
        })?;
        let mut request = client
            .put_secret_value()
            .secret_id(&secret_id)
            // Stable for the operation: a resend after a lost answer is the same version.
            .client_request_token(long_client_token(operation, planned));
        if let Some(binary) = string(planned, "secret_binary") {
            let bytes = aws_smithy_types::base64::decode(&binary)
                .map_err(|_| ProviderError::new("secret_binary is not base64-encoded"))?;
            request = request.secret_binary(Blob::new(bytes));
        } else if let Some(secret) =
            string(planned, "secret_string").or_else(|| string(planned, "secret_string_wo"))
        {
            request = request.secret_string(secret);
        }
        let stages = strings(planned, "version_stages");
        if !stages.is_empty() {
            request = request.set_version_stages(Some(stages));
        }
        let output = request.send().await.map_err(aws_error)?;
        let version_id = output
            .version_id()
            .ok_or_else(|| ProviderError::new("PutSecretValue returned no version ID"))?;
        self.read_one(&secret_id, version_id, planned).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let (secret_id, version_id) = parse_id(&string(prior, "id").unwrap_or_default())?;
        let before = strings(prior, "version_stages");
        let after = strings(planned, "version_stages");
        let mut moved_current = false;
        for stage in after.iter().filter(|s| !before.contains(s)) {
            // AWSCURRENT is moved: AWS needs the version that holds it named.
            let from = if stage == CURRENT {
                moved_current = true;
                self.current_version(&secret_id).await?
            } else {
                None
            };
            self.move_stage(&secret_id, stage, Some(&version_id), from.as_deref())
                .await?;
        }
        for stage in before.iter().filter(|s| !after.contains(s)) {
            // AWSCURRENT can only move away; AWSPREVIOUS has moved already if we took
            // AWSCURRENT.
            if stage == CURRENT || (moved_current && stage == PREVIOUS) {
                continue;
            }
            self.move_stage(&secret_id, stage, None, Some(&version_id))
                .await?;
        }
        self.read_one(&secret_id, &version_id, planned).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Ok((secret_id, version_id)) = parse_id(&string(prior, "id").unwrap_or_default()) else {
            return Ok(());
        };
        for stage in strings(prior, "version_stages") {
            if stage == CURRENT {
                continue;
            }
            match self
                .move_stage(&secret_id, &stage, None, Some(&version_id))
                .await
            {
                Ok(()) => {}
                Err(error) if is_gone(&error) => return Ok(()),
                Err(error) => return Err(error),
            }
        }
        Ok(())
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let mut out = Vec::with_capacity(prior.len());
        for p in prior {
            let Ok((secret_id, version_id)) = parse_id(&string(p, "id").unwrap_or_default()) else {
                out.push(None);
                continue;
            };
            out.push(
                self.get(&secret_id, Some(&version_id), None)
                    .await?
                    .map(|output| to_value(&secret_id, &output, p)),
            );
        }
        Ok(out)
    }

    /// Terraform's import ID: `SECRET_ID|VERSION_ID`.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        let (secret_id, version_id) = parse_id(id)?;
        Ok(Value::map([
            ("id", Value::string(id)),
            ("secret_id", Value::string(secret_id)),
            ("version_id", Value::string(version_id)),
        ]))
    }

    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let Some(secret_id) = string(planned, "secret_id") else {
            return Ok(None);
        };
        let stage = strings(planned, "version_stages")
            .into_iter()
            .next()
            .unwrap_or_else(|| CURRENT.to_string());
        Ok(self
            .get(&secret_id, None, Some(&stage))
            .await?
            .filter(|output| same_value(output, planned))
            .map(|output| to_value(&secret_id, &output, planned)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_ids_are_secret_and_version() {
        let (secret, version) =
            parse_id("arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf|v-1").unwrap();
        assert_eq!(
            secret,
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"
        );
        assert_eq!(version, "v-1");
        assert!(parse_id("no-separator").is_err());
        assert!(parse_id("|v-1").is_err());
        assert!(parse_id("secret|").is_err());
    }
}
