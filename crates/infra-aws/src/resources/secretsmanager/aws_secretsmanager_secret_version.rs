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

use aws_sdk_secretsmanager::operation::get_secret_value::GetSecretValueOutput;
use aws_sdk_secretsmanager::primitives::Blob;
use infra_core::{Attribute, ProviderError, Type, Value};

use crate::app_support::{sent, string, string_list, strings, text, vanished};
use crate::aws_object::{
    key_by_key, AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged,
    Updating,
};
use crate::declared::{copied, read, Declared, Reading};
use crate::ec2_support::long_client_token;
use crate::error::aws_error;
use crate::resources::secretsmanager::aws_secretsmanager_secret::is_gone;

const CURRENT: &str = "AWSCURRENT";
const PREVIOUS: &str = "AWSPREVIOUS";

pub type AwsSecretsmanagerSecretVersion = ObjectType<SecretVersionObject>;

pub struct SecretVersionObject;

/// A version as read: the secret ID it was read by (a name or an ARN, as configured) and
/// GetSecretValue's answer.
pub struct SecretVersion {
    secret_id: String,
    output: GetSecretValueOutput,
}

/// One version's value; `None` when the version or its secret is gone.
async fn get(
    this: &AwsSecretsmanagerSecretVersion,
    secret_id: &str,
    version_id: Option<&str>,
    stage: Option<&str>,
) -> Result<Option<Tagged<SecretVersion>>, ProviderError> {
    let client = &this.aws.clients().await.secretsmanager;
    match sent!(client
        .get_secret_value()
        .secret_id(secret_id)
        .set_version_id(version_id.map(str::to_string))
        .set_version_stage(stage.map(str::to_string)))
    {
        Ok(output) => Ok(Some(Tagged {
            object: SecretVersion { secret_id: secret_id.to_string(), output },
            tags: vec![],
        })),
        Err(error) if is_gone(&error) => Ok(None),
        Err(error) => Err(error),
    }
}

async fn move_stage(
    this: &AwsSecretsmanagerSecretVersion,
    secret_id: &str,
    stage: &str,
    to: Option<&str>,
    from: Option<&str>,
) -> Result<(), ProviderError> {
    let client = &this.aws.clients().await.secretsmanager;
    sent!(client
        .update_secret_version_stage()
        .secret_id(secret_id)
        .version_stage(stage)
        .set_move_to_version_id(to.map(str::to_string))
        .set_remove_from_version_id(from.map(str::to_string)))?;
    Ok(())
}

/// The version that holds `AWSCURRENT` now.
async fn current_version(
    this: &AwsSecretsmanagerSecretVersion,
    secret_id: &str,
) -> Result<Option<String>, ProviderError> {
    let client = &this.aws.clients().await.secretsmanager;
    let mut pages = client.list_secret_version_ids().secret_id(secret_id).into_paginator().send();
    while let Some(page) = pages.next().await {
        for version in page.map_err(aws_error)?.versions() {
            if version.version_stages().iter().any(|s| s == CURRENT) {
                return Ok(version.version_id().map(str::to_string));
            }
        }
    }
    Ok(None)
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

impl AwsObject for SecretVersionObject {
    type Object = SecretVersion;
    const NAME: &'static str = "aws_secretsmanager_secret_version";
    const KIND: &'static str = "Secrets Manager secret version";
    const KEY: &'static str = "id";
    const TAGGED: bool = false;

    fn attributes() -> Vec<Declared<SecretVersion>> {
        let computed = |name| Attribute::computed(name, Type::String);
        // `arn` is the provider's deprecated name for the secret's ARN, `secret_arn` its new one.
        fn secret_arn(v: &SecretVersion, _: &Reading) -> Value {
            text(v.output.arn())
        }
        fn version_id(v: &SecretVersion) -> &str {
            v.output.version_id().unwrap_or_default()
        }
        vec![
            read(computed("id"), |v: &SecretVersion, _| {
                Value::string(format!("{}|{}", v.secret_id, version_id(v)))
            }),
            read(computed("arn"), secret_arn),
            read(computed("secret_arn"), secret_arn),
            read(
                Attribute::required("secret_id", Type::String).force_new(),
                |v: &SecretVersion, _| Value::string(&v.secret_id),
            ),
            read(
                Attribute::optional("secret_string", Type::String)
                    .sensitive()
                    .force_new()
                    .conflicts_with(&["secret_binary", "secret_string_wo"]),
                |v: &SecretVersion, at| match written_only(at.prior) {
                    true => Value::Null,
                    false => text(v.output.secret_string()),
                },
            ),
            read(
                Attribute::optional("secret_binary", Type::String)
                    .sensitive()
                    .force_new()
                    .conflicts_with(&["secret_string", "secret_string_wo"]),
                |v: &SecretVersion, _| {
                    let binary = v.output.secret_binary();
                    text(binary.map(|b| aws_smithy_types::base64::encode(b.as_ref())).as_deref())
                },
            ),
            // Terraform 1.11's write-only value: sent, never stored. A version's value cannot
            // change, so a new `secret_string_wo_version` makes a new version.
            Declared::unread(
                Attribute::optional("secret_string_wo", Type::String)
                    .write_only()
                    .conflicts_with(&["secret_binary", "secret_string"])
                    .required_with(&["secret_string_wo_version"]),
            ),
            copied(
                Attribute::optional("secret_string_wo_version", Type::Number)
                    .force_new()
                    .required_with(&["secret_string_wo"]),
            ),
            read(
                Attribute::computed("has_secret_string_wo", Type::Bool),
                |_: &SecretVersion, at| Value::Bool(written_only(at.prior)),
            ),
            read(computed("version_id"), |v: &SecretVersion, _| Value::string(version_id(v))),
            read(
                Attribute::optional_computed("version_stages", Type::set(Type::String)),
                |v: &SecretVersion, _| string_list(v.output.version_stages()),
            ),
        ]
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
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

    /// The `id` (`SECRET_ID|VERSION_ID`), "" without one: [`parse_id`] refuses it where it
    /// must be read (an update), and finds no version (a refresh, a delete).
    fn key_of(value: &Value) -> Option<String> {
        Some(string(value, "id").unwrap_or_default())
    }

    /// Terraform's import ID: `SECRET_ID|VERSION_ID`.
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        let (secret_id, version_id) = parse_id(id)?;
        Ok(Value::map([
            ("id", Value::string(id)),
            ("secret_id", Value::string(secret_id)),
            ("version_id", Value::string(version_id)),
        ]))
    }

    /// GetSecretValue per version, one after another in the priors' order.
    async fn describe(this: &ObjectType<Self>, ids: &[String]) -> DescribeResult<SecretVersion> {
        key_by_key(ids, |id| async move {
            match parse_id(id) {
                Ok((secret_id, version_id)) => get(this, &secret_id, Some(&version_id), None).await,
                Err(_) => Ok(None),
            }
        })
        .await
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.secretsmanager;
        let secret_id = string(at.planned, "secret_id").ok_or_else(|| {
            ProviderError::new("aws_secretsmanager_secret_version has no secret_id")
        })?;
        let mut request = client
            .put_secret_value()
            .secret_id(&secret_id)
            // Stable for the operation: a resend after a lost answer is the same version.
            .client_request_token(long_client_token(at.operation, at.planned));
        if let Some(binary) = string(at.planned, "secret_binary") {
            let bytes = aws_smithy_types::base64::decode(&binary)
                .map_err(|_| ProviderError::new("secret_binary is not base64-encoded"))?;
            request = request.secret_binary(Blob::new(bytes));
        } else if let Some(secret) =
            string(at.planned, "secret_string").or_else(|| string(at.planned, "secret_string_wo"))
        {
            request = request.secret_string(secret);
        }
        let stages = strings(at.planned, "version_stages");
        if !stages.is_empty() {
            request = request.set_version_stages(Some(stages));
        }
        let output = request.send().await.map_err(aws_error)?;
        let version_id = output
            .version_id()
            .ok_or_else(|| ProviderError::new("PutSecretValue returned no version ID"))?;
        Ok(format!("{secret_id}|{version_id}"))
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let (secret_id, version_id) = parse_id(at.key)?;
        let before = strings(at.prior, "version_stages");
        let after = strings(at.planned, "version_stages");
        let mut moved_current = false;
        for stage in after.iter().filter(|s| !before.contains(s)) {
            // AWSCURRENT is moved: AWS needs the version that holds it named.
            let from = if stage == CURRENT {
                moved_current = true;
                current_version(at.this, &secret_id).await?
            } else {
                None
            };
            move_stage(at.this, &secret_id, stage, Some(&version_id), from.as_deref()).await?;
        }
        for stage in before.iter().filter(|s| !after.contains(s)) {
            // AWSCURRENT can only move away; AWSPREVIOUS has moved already if we took
            // AWSCURRENT.
            if stage == CURRENT || (moved_current && stage == PREVIOUS) {
                continue;
            }
            move_stage(at.this, &secret_id, stage, None, Some(&version_id)).await?;
        }
        Ok(at.key.to_string())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let Ok((secret_id, version_id)) = parse_id(at.key) else {
            return Ok(());
        };
        for stage in strings(at.prior, "version_stages") {
            if stage == CURRENT {
                continue;
            }
            match move_stage(at.this, &secret_id, &stage, None, Some(&version_id)).await {
                Ok(()) => {}
                Err(error) if is_gone(&error) => return Ok(()),
                Err(error) => return Err(error),
            }
        }
        Ok(())
    }

    /// The version just written, an error naming its version ID when it is not found.
    async fn written(
        this: &AwsSecretsmanagerSecretVersion,
        id: &str,
    ) -> Result<Tagged<SecretVersion>, ProviderError> {
        let version_id = id.split_once('|').map_or(id, |(_, version)| version);
        this.found(id).await?.ok_or_else(|| vanished(Self::KIND, version_id))
    }

    /// The version that holds the planned stage (`AWSCURRENT` by default), when it holds the
    /// planned value.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<SecretVersion> {
        let Some(secret_id) = string(at.planned, "secret_id") else {
            return Ok(None);
        };
        let stage = strings(at.planned, "version_stages")
            .into_iter()
            .next()
            .unwrap_or_else(|| CURRENT.to_string());
        Ok(get(at.this, &secret_id, None, Some(&stage))
            .await?
            .filter(|found| same_value(&found.object.output, at.planned)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The provider's conflicts among the three values, and the write-only pair.
    #[test]
    fn a_version_has_one_kind_of_value() {
        let messages =
            |config: Value| crate::problem_messages("aws_secretsmanager_secret_version", &config);
        let with = |extra: Vec<(&'static str, Value)>| {
            let mut config = vec![("secret_id", Value::string("s"))];
            config.extend(extra);
            Value::map(config)
        };
        assert_eq!(
            messages(with(vec![
                ("secret_string", Value::string("a")),
                ("secret_binary", Value::string("YQ==")),
            ])),
            [
                "\"secret_string\": conflicts with secret_binary",
                "\"secret_binary\": conflicts with secret_string",
            ]
        );
        assert_eq!(
            messages(with(vec![("secret_string_wo_version", Value::Number(1.0))])),
            ["\"secret_string_wo_version\": all of `secret_string_wo,secret_string_wo_version` must be specified"]
        );
        assert!(messages(with(vec![])).is_empty());
    }

    #[test]
    fn import_ids_are_secret_and_version() {
        let (secret, version) =
            parse_id("arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf|v-1").unwrap();
        assert_eq!(secret, "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf");
        assert_eq!(version, "v-1");
        assert!(parse_id("no-separator").is_err());
        assert!(parse_id("|v-1").is_err());
        assert!(parse_id("secret|").is_err());
    }
}
