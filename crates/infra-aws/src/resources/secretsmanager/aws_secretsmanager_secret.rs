//! `aws_secretsmanager_secret`: a Secrets Manager secret's metadata (its values are
//! `aws_secretsmanager_secret_version`s).
//!
//! The ID is the secret's ARN (also the import ID). Refresh is DescribeSecret (which carries the
//! tags and replication status) plus GetResourcePolicy per secret; Secrets Manager has no
//! batched describe. A secret scheduled for deletion counts as gone, as in the provider.
//!
//! `description` and `kms_key_id` change with UpdateSecret, `policy` with PutResourcePolicy
//! (`policy = "{}"` deletes it; removing `policy` from the configuration leaves AWS's policy
//! alone, as the provider does), `replica` blocks with ReplicateSecretToRegions /
//! RemoveRegionsFromReplication, tags with TagResource / UntagResource. `name`, `name_prefix`
//! and `type` force a new secret.
//!
//! `recovery_window_in_days` (default 30; 0 deletes at once with ForceDeleteWithoutRecovery)
//! and `force_overwrite_replica_secret` are configuration only.
//!
//! moto does not return `type` (managed external secrets), so drift on `type` is not seen in
//! tests.

use std::collections::BTreeMap;

use aws_sdk_secretsmanager::operation::describe_secret::DescribeSecretOutput;
use aws_sdk_secretsmanager::types::{ReplicaRegionType, Tag};
use infra_core::{Attribute, Block, Operation, ProviderError, Schema, Type, Value};

use crate::app_support::{
    blocks, boolean, canonical_json, changed, computed_name_prefix_attribute, int, name_attribute,
    non_empty, policy_value, resource_tag_changes, sent, string, text, text_or_null,
};
use crate::aws_object::{
    key_by_key, AwsObject, Creating, Deleting, DescribeResult, ObjectType, Tagged, Updating,
};
use crate::declared::{from_prior, read, read_block, switch, Declared};
use crate::ec2_support::with_name_for_create;
use crate::ec2_support::{long_client_token, name_for_create};
use crate::error::aws_error;
use crate::iam_support::name_checks;
use crate::tagging::ManagedTags;

pub type AwsSecretsmanagerSecret = ObjectType<SecretObject>;

pub struct SecretObject;

/// A secret as AWS reports it, with its resource policy.
pub struct Found {
    secret: DescribeSecretOutput,
    policy: Option<String>,
}

/// One secret by ARN or name; `None` when it is gone or scheduled for deletion.
async fn find(
    this: &AwsSecretsmanagerSecret,
    id: &str,
) -> Result<Option<Tagged<Found>>, ProviderError> {
    let client = &this.aws.clients().await.secretsmanager;
    let secret = match sent!(client.describe_secret().secret_id(id)) {
        Ok(secret) => secret,
        Err(error) if is_gone(&error) => return Ok(None),
        Err(error) => return Err(error),
    };
    if secret.deleted_date().is_some() {
        return Ok(None);
    }
    let policy = match sent!(client.get_resource_policy().secret_id(id)) {
        Ok(response) => response.resource_policy().map(str::to_string),
        Err(error) if is_gone(&error) => return Ok(None),
        Err(error) => return Err(error),
    };
    let tags = secret_tags(&secret);
    Ok(Some(Tagged { object: Found { secret, policy }, tags }))
}

async fn put_policy(
    client: &aws_sdk_secretsmanager::Client,
    id: &str,
    planned: &Value,
) -> Result<(), ProviderError> {
    match string(planned, "policy").filter(|p| !p.is_empty()) {
        Some(policy) if canonical_json(&policy) != "{}" => {
            sent!(client
                .put_resource_policy()
                .secret_id(id)
                .resource_policy(canonical_json(&policy)))?;
        }
        _ => {
            sent!(client.delete_resource_policy().secret_id(id))?;
        }
    }
    Ok(())
}

/// Secrets Manager's "not found", and its answer for a secret already deleted.
pub(crate) fn is_gone(error: &ProviderError) -> bool {
    crate::app_support::is_missing(error)
        || (error.code.as_deref() == Some("InvalidRequestException")
            && (error.message.contains("was deleted")
                || error.message.contains("marked for deletion")))
}

fn sdk_tags(tags: &BTreeMap<String, String>) -> Result<Vec<Tag>, ProviderError> {
    Ok(tags.iter().map(|(k, v)| Tag::builder().key(k).value(v).build()).collect())
}

/// The `replica` blocks of a value, by region.
fn replicas(value: &Value) -> BTreeMap<String, Option<String>> {
    blocks(value, "replica")
        .iter()
        .filter_map(|r| string(r, "region").map(|region| (region, non_empty(r, "kms_key_id"))))
        .collect()
}

fn replica_regions(replicas: &BTreeMap<String, Option<String>>) -> Vec<ReplicaRegionType> {
    replicas
        .iter()
        .map(|(region, key)| {
            ReplicaRegionType::builder().region(region).set_kms_key_id(key.clone()).build()
        })
        .collect()
}

fn secret_tags(secret: &DescribeSecretOutput) -> Vec<(String, String)> {
    secret
        .tags()
        .iter()
        .map(|t| {
            (t.key().unwrap_or_default().to_string(), t.value().unwrap_or_default().to_string())
        })
        .collect()
}

fn arn_of(found: &Found, _: &crate::declared::Reading) -> Value {
    text(found.secret.arn())
}

impl AwsObject for SecretObject {
    type Object = Found;
    const NAME: &'static str = "aws_secretsmanager_secret";
    const KIND: &'static str = "Secrets Manager secret";
    const KEY: &'static str = "arn";
    const KEY_OR_ID: bool = true;
    const KEY_WORD: &'static str = "ARN";

    fn attributes() -> Vec<Declared<Found>> {
        vec![
            read(Attribute::computed("id", Type::String), arn_of),
            read(Attribute::computed("arn", Type::String), arn_of),
            read(name_attribute(), |found: &Found, _| text(found.secret.name())),
            from_prior(computed_name_prefix_attribute()),
            read(Attribute::optional("description", Type::String), |found: &Found, _| {
                text_or_null(found.secret.description())
            }),
            read(Attribute::optional("kms_key_id", Type::String), |found: &Found, _| {
                text_or_null(found.secret.kms_key_id())
            }),
            // No policy reads as null, which `policy = "{}"` (the way to delete one) also
            // means.
            read(Attribute::optional_computed("policy", Type::Json), |found: &Found, at| {
                let configured = at.prior.get("policy");
                match policy_value(found.policy.as_deref(), configured) {
                    Value::Null
                        if configured.as_str().map(canonical_json).as_deref() == Some("{}") =>
                    {
                        configured.clone()
                    }
                    policy => policy,
                }
            }),
            read(
                Attribute::optional("recovery_window_in_days", Type::Number)
                    .default(Value::Number(30.0)),
                |_: &Found, at| match int(at.prior, "recovery_window_in_days") {
                    Some(_) => at.prior.get("recovery_window_in_days").clone(),
                    None => Value::Number(30.0),
                },
            ),
            switch(
                Attribute::optional("force_overwrite_replica_secret", Type::Bool)
                    .default(Value::Bool(false)),
            ),
            read(
                Attribute::optional_computed("type", Type::String).force_new(),
                |found: &Found, _| text_or_null(found.secret.r#type()),
            ),
            read_block(
                Block::set(
                    "replica",
                    Schema::new()
                        .attr(Attribute::required("region", Type::String))
                        .attr(Attribute::optional_computed("kms_key_id", Type::String))
                        .attr(Attribute::computed("last_accessed_date", Type::String))
                        .attr(Attribute::computed("status", Type::String))
                        .attr(Attribute::computed("status_message", Type::String)),
                )
                .computed(),
                |found: &Found, _| {
                    let replicas = found.secret.replication_status().iter().map(|r| {
                        Value::map([
                            ("region", text(r.region())),
                            ("kms_key_id", text_or_null(r.kms_key_id())),
                            (
                                "last_accessed_date",
                                text(r.last_accessed_date().map(|d| d.to_string()).as_deref()),
                            ),
                            ("status", text(r.status().map(|s| s.as_str()))),
                            ("status_message", text(r.status_message())),
                        ])
                    });
                    Value::List(replicas.collect())
                },
            ),
        ]
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = name_checks(config, |name| {
            let valid = name.chars().all(|c| c.is_ascii_alphanumeric() || "/_+=.@-".contains(c));
            (!valid || name.len() > 512).then(|| {
                format!("\"{name}\": must be at most 512 characters of letters, digits and /_+=.@-")
            })
        });
        if let Some(days) = config.get("recovery_window_in_days").as_i64() {
            if days != 0 && !(7..=30).contains(&days) {
                problems.push((
                    "recovery_window_in_days".to_string(),
                    format!("expected recovery_window_in_days to be 0 or in the range (7 - 30), got {days}"),
                ));
            }
        }
        if let Some(policy) = config.get("policy").as_str() {
            if !policy.is_empty() && serde_json::from_str::<serde_json::Value>(policy).is_err() {
                problems.push((
                    "policy".to_string(),
                    "\"policy\" contains an invalid JSON".to_string(),
                ));
            }
        }
        problems
    }

    /// The generated `name` goes into the create's pending entry ([`with_name_for_create`]).
    fn with_generated_names(operation: &Operation, planned: Value) -> Value {
        with_name_for_create(operation, planned, ["name", "name_prefix"], "terraform-")
    }

    /// DescribeSecret takes the name too.
    fn created_key(operation: &Operation, planned: &Value) -> Option<String> {
        Some(name_for_create(operation, planned, ["name", "name_prefix"], "terraform-"))
    }

    /// DescribeSecret (which carries the tags and replication status) plus GetResourcePolicy
    /// per secret: Secrets Manager has no batched describe.
    async fn describe(this: &ObjectType<Self>, ids: &[String]) -> DescribeResult<Found> {
        key_by_key(ids, |id| find(this, id)).await
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.secretsmanager;
        let name = name_for_create(at.operation, at.planned, ["name", "name_prefix"], "terraform-");
        let replicas = replicas(at.planned);
        let created = sent!(client
            .create_secret()
            .name(&name)
            .client_request_token(long_client_token(at.operation, at.planned))
            .set_description(string(at.planned, "description"))
            .set_kms_key_id(non_empty(at.planned, "kms_key_id"))
            .set_type(non_empty(at.planned, "type"))
            .set_tags(Some(sdk_tags(&at.operation.tags_with_managed(at.planned))?))
            .set_add_replica_regions((!replicas.is_empty()).then(|| replica_regions(&replicas)))
            .force_overwrite_replica_secret(
                boolean(at.planned, "force_overwrite_replica_secret").unwrap_or(false),
            ))?;
        let arn = created
            .arn()
            .map(str::to_string)
            .ok_or_else(|| ProviderError::new("CreateSecret returned no ARN"))?;
        if non_empty(at.planned, "policy").is_some_and(|p| canonical_json(&p) != "{}") {
            put_policy(client, &arn, at.planned).await?;
        }
        Ok(arn)
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.secretsmanager;
        let before = replicas(at.prior);
        let after = replicas(at.planned);
        let removed: Vec<String> = before
            .iter()
            .filter(|(region, key)| after.get(*region) != Some(*key))
            .map(|(region, _)| region.clone())
            .collect();
        if !removed.is_empty() {
            sent!(client
                .remove_regions_from_replication()
                .secret_id(at.key)
                .set_remove_replica_regions(Some(removed)))?;
        }
        let added: BTreeMap<String, Option<String>> = after
            .iter()
            .filter(|(region, key)| before.get(*region) != Some(*key))
            .map(|(region, key)| (region.clone(), key.clone()))
            .collect();
        if !added.is_empty() {
            sent!(client
                .replicate_secret_to_regions()
                .secret_id(at.key)
                .set_add_replica_regions(Some(replica_regions(&added)))
                .force_overwrite_replica_secret(
                    boolean(at.planned, "force_overwrite_replica_secret").unwrap_or(false),
                ))?;
        }
        if changed(at.prior, at.planned, "description")
            || changed(at.prior, at.planned, "kms_key_id")
        {
            sent!(client
                .update_secret()
                .secret_id(at.key)
                .description(string(at.planned, "description").unwrap_or_default())
                .set_kms_key_id(non_empty(at.planned, "kms_key_id")))?;
        }
        if changed(at.prior, at.planned, "policy") {
            put_policy(client, at.key, at.planned).await?;
        }
        resource_tag_changes!(client, secret_id(at.key), at.prior, at.planned);
        Ok(at.key.to_string())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let client = &at.this.aws.clients().await.secretsmanager;
        let regions: Vec<String> = replicas(at.prior).into_keys().collect();
        if !regions.is_empty() {
            match sent!(client
                .remove_regions_from_replication()
                .secret_id(at.key)
                .set_remove_replica_regions(Some(regions)))
            {
                Ok(_) => {}
                Err(error) if is_gone(&error) => return Ok(()),
                Err(error) => return Err(error),
            }
        }
        let mut request = client.delete_secret().secret_id(at.key);
        match int(at.prior, "recovery_window_in_days").unwrap_or(30) {
            0 => request = request.force_delete_without_recovery(true),
            days => request = request.recovery_window_in_days(i64::from(days)),
        }
        match request.send().await.map_err(aws_error) {
            Ok(_) => Ok(()),
            Err(error) if is_gone(&error) => Ok(()),
            Err(error) => Err(error),
        }
    }
}
