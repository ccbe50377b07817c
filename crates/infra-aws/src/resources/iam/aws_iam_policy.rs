//! `aws_iam_policy`: a customer managed IAM policy.
//!
//! `name`, `name_prefix`, `path` and `description` force replacement. A change of `policy`
//! makes a new default policy version, as the provider does: when the policy already has the
//! maximum of five versions, the oldest non-default one is deleted first; the new version is
//! created non-default and made the default after `delay_after_policy_creation_in_ms` (5
//! seconds when unset, the provider's fixed wait before that argument existed), so tokens
//! issued meanwhile are not refused. `policy` is compared as canonical JSON. Delete removes the
//! non-default versions, then the policy.
//!
//! The id is the ARN, which is also the import ID. Refresh is GetPolicy plus GetPolicyVersion
//! of the default version per policy (IAM has no batched read that returns documents or
//! tags), run concurrently.
//!
//! `name_prefix` is read back from the name (a name ending in a 26-hex-digit unique suffix), as
//! the provider does. `delay_after_policy_creation_in_ms` is configuration only. moto holds
//! every other argument; drift on them is seen in tests.

use std::time::Duration;

use aws_sdk_iam::types::Policy;
use infra_core::{Attribute, Operation, ProviderError, Type, Value};

use crate::app_support::{
    computed_name_prefix_attribute, decoded_policy, has_managed_tags, is_missing, name_attribute,
    number, same_json, sent, string, text,
};
use crate::aws_object::{
    each_key, AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged,
    Updating,
};
use crate::declared::{copied, read, Declared, Reading};
use crate::ec2_support::with_name_for_create;
use crate::error::aws_error;
use crate::iam_support::{
    found, gone, json_problem, name_prefix_from_name, name_problems, new_name, owned_tags,
    tags_to_sdk, update_tags,
};
use crate::tagging::ManagedTags;

/// IAM keeps at most this many versions of a managed policy.
const MAX_VERSIONS: usize = 5;

/// The wait between creating a version and making it the default when
/// `delay_after_policy_creation_in_ms` is unset.
const DEFAULT_DELAY_MS: i64 = 5000;

pub type AwsIamPolicy = ObjectType<PolicyObject>;

pub struct PolicyObject;

/// A policy and its default version's document.
pub struct PolicyRead {
    policy: Policy,
    document: String,
}

/// The policy and its default version's document; `None` when it does not exist.
async fn get(this: &AwsIamPolicy, arn: &str) -> Result<Option<Tagged<PolicyRead>>, ProviderError> {
    let client = &this.aws.clients().await.iam;
    let Some(policy) =
        found(sent!(client.get_policy().policy_arn(arn)))?.and_then(|r| r.policy().cloned())
    else {
        return Ok(None);
    };
    let version = found(sent!(client
        .get_policy_version()
        .policy_arn(arn)
        .version_id(policy.default_version_id().unwrap_or("v1"))))?;
    let document = version
        .and_then(|v| v.policy_version().and_then(|v| v.document().map(decoded_policy)))
        .unwrap_or_default();
    Ok(Some(Tagged { tags: owned_tags(policy.tags()), object: PolicyRead { policy, document } }))
}

/// Makes `document` the policy's default version, making room first when the policy has the
/// maximum number of versions.
async fn new_version(
    client: &aws_sdk_iam::Client,
    arn: &str,
    document: &str,
    delay: Duration,
) -> Result<(), ProviderError> {
    let versions = sent!(client.list_policy_versions().policy_arn(arn))?.versions().to_vec();
    if versions.len() >= MAX_VERSIONS {
        if let Some(oldest) = oldest_non_default(&versions) {
            sent!(client.delete_policy_version().policy_arn(arn).version_id(oldest))?;
        }
    }
    let created = sent!(client
        .create_policy_version()
        .policy_arn(arn)
        .policy_document(document)
        .set_as_default(false))?;
    let version = created
        .policy_version()
        .and_then(|v| v.version_id())
        .ok_or_else(|| ProviderError::new("CreatePolicyVersion returned no version"))?;
    tokio::time::sleep(delay).await;
    sent!(client.set_default_policy_version().policy_arn(arn).version_id(version))?;
    Ok(())
}

/// The id of the oldest version that is not the default (IAM cannot delete the default).
fn oldest_non_default(versions: &[aws_sdk_iam::types::PolicyVersion]) -> Option<String> {
    versions
        .iter()
        .filter(|v| !v.is_default_version())
        .min_by(|a, b| {
            let key = |v: &aws_sdk_iam::types::PolicyVersion| {
                (
                    v.create_date().map(|d| (d.secs(), d.subsec_nanos())),
                    version_number(v.version_id()),
                )
            };
            key(a).cmp(&key(b))
        })
        .and_then(|v| v.version_id().map(str::to_string))
}

/// `v12` → 12 (versions created in the same second are ordered by number).
fn version_number(id: Option<&str>) -> u64 {
    id.and_then(|id| id.trim_start_matches('v').parse().ok()).unwrap_or(u64::MAX)
}

fn arn_of(read: &PolicyRead, _: &Reading) -> Value {
    Value::string(read.policy.arn().unwrap_or_default())
}

/// How long a new version waits before it becomes the default.
fn delay(value: &Value) -> Duration {
    let ms = value.get("delay_after_policy_creation_in_ms").as_i64().unwrap_or(DEFAULT_DELAY_MS);
    Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}

impl AwsObject for PolicyObject {
    type Object = PolicyRead;
    const NAME: &'static str = "aws_iam_policy";
    const KIND: &'static str = "IAM policy";
    const KEY: &'static str = "arn";
    const KEY_OR_ID: bool = true;
    const EVENTUALLY_CONSISTENT: bool = true;

    fn attributes() -> Vec<Declared<PolicyRead>> {
        vec![
            read(Attribute::computed("id", Type::String), arn_of),
            read(Attribute::computed("arn", Type::String), arn_of),
            read(Attribute::computed("policy_id", Type::String), |read: &PolicyRead, _| {
                text(read.policy.policy_id())
            }),
            read(
                Attribute::computed("attachment_count", Type::Number).volatile(),
                |read: &PolicyRead, _| number(read.policy.attachment_count().map(i64::from)),
            ),
            read(name_attribute(), |read: &PolicyRead, _| text(read.policy.policy_name())),
            read(computed_name_prefix_attribute(), |read: &PolicyRead, _| {
                name_prefix_from_name(read.policy.policy_name().unwrap_or_default())
            }),
            read(
                Attribute::optional("path", Type::String).default(Value::string("/")).force_new(),
                |read: &PolicyRead, _| text(read.policy.path().or(Some("/"))),
            ),
            read(
                Attribute::optional("description", Type::String).force_new(),
                |read: &PolicyRead, _| text(read.policy.description().filter(|d| !d.is_empty())),
            ),
            read(Attribute::required("policy", Type::Json), |read: &PolicyRead, at| {
                same_json(Some(read.document.clone()), at.prior.get("policy"))
            }),
            copied(Attribute::optional("delay_after_policy_creation_in_ms", Type::Number)),
        ]
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = name_problems(config, 128);
        problems.extend(json_problem(config, "policy"));
        if let Some(ms) = config.get("delay_after_policy_creation_in_ms").as_f64() {
            if ms < 0.0 {
                problems.push((
                    "delay_after_policy_creation_in_ms".to_string(),
                    "must not be negative".to_string(),
                ));
            }
        }
        problems
    }

    /// The generated `name` goes into the create's pending entry ([`with_name_for_create`]).
    fn with_generated_names(operation: &Operation, planned: Value) -> Value {
        with_name_for_create(operation, planned, ["name", "name_prefix"], "terraform-")
    }

    /// Terraform's import ID: the ARN.
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
        if !id.starts_with("arn:") {
            return Err(ProviderError::new(format!(
                "unexpected format of ID ({id}), expected a policy ARN"
            )));
        }
        Ok(infra_core::resource::import_by("arn", id))
    }

    /// GetPolicy plus GetPolicyVersion of the default version per policy, run concurrently.
    async fn describe(this: &ObjectType<Self>, arns: &[String]) -> DescribeResult<PolicyRead> {
        each_key(arns, |arn| get(this, arn)).await
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.iam;
        let response = sent!(client
            .create_policy()
            .policy_name(new_name(at.operation, at.planned))
            .set_path(string(at.planned, "path"))
            .set_description(string(at.planned, "description"))
            .set_policy_document(string(at.planned, "policy"))
            .set_tags(Some(tags_to_sdk(&at.operation.tags_with_managed(at.planned))?)))?;
        let arn = response
            .policy()
            .and_then(|p| p.arn())
            .ok_or_else(|| ProviderError::new("CreatePolicy returned no ARN"))?
            .to_string();
        Ok(arn)
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.iam;
        let before = string(at.prior, "policy").map(|p| crate::app_support::canonical_json(&p));
        let after = string(at.planned, "policy").map(|p| crate::app_support::canonical_json(&p));
        if before != after {
            new_version(
                client,
                at.key,
                &string(at.planned, "policy").unwrap_or_default(),
                delay(at.planned),
            )
            .await?;
        }
        update_tags!(client, untag_policy, tag_policy, policy_arn(at.key), at.prior, at.planned)
            .await?;
        Ok(at.key.to_string())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let client = &at.this.aws.clients().await.iam;
        // DeletePolicy fails while non-default versions exist.
        let versions = match sent!(client.list_policy_versions().policy_arn(at.key)) {
            Ok(response) => response.versions().to_vec(),
            Err(error) if is_missing(&error) => return Ok(()),
            Err(error) => return Err(error),
        };
        for version in versions.iter().filter(|v| !v.is_default_version()) {
            gone(sent!(client
                .delete_policy_version()
                .policy_arn(at.key)
                .set_version_id(version.version_id().map(str::to_string))))?;
        }
        gone(sent!(client.delete_policy().policy_arn(at.key)))
    }

    /// By name and path in the account's own policies, when the name was known before the
    /// create, and only if it carries this operation's managed tags.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<PolicyRead> {
        let client = &at.this.aws.clients().await.iam;
        let name = new_name(at.operation, at.planned);
        let mut arn = None;
        let mut pages = client
            .list_policies()
            .scope(aws_sdk_iam::types::PolicyScopeType::Local)
            .set_path_prefix(string(at.planned, "path"))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            if let Some(policy) = page
                .map_err(aws_error)?
                .policies()
                .iter()
                .find(|p| p.policy_name() == Some(name.as_str()))
            {
                arn = policy.arn().map(str::to_string);
            }
        }
        let Some(arn) = arn else {
            return Ok(None);
        };
        Ok(get(at.this, &arn).await?.filter(|found| has_managed_tags(&found.tags, at.operation)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_iam::types::PolicyVersion;
    use aws_smithy_types::DateTime;

    fn version(id: &str, secs: i64, default: bool) -> PolicyVersion {
        PolicyVersion::builder()
            .version_id(id)
            .create_date(DateTime::from_secs(secs))
            .is_default_version(default)
            .build()
    }

    #[test]
    fn the_oldest_non_default_version_goes() {
        let versions = [
            version("v1", 10, true),
            version("v2", 20, false),
            version("v3", 20, false),
            version("v10", 30, false),
        ];
        assert_eq!(oldest_non_default(&versions), Some("v2".to_string()));
        // Same second: by number, not by text (v10 sorts before v9 as text).
        let same = [version("v10", 5, false), version("v9", 5, false)];
        assert_eq!(oldest_non_default(&same), Some("v9".to_string()));
        assert_eq!(oldest_non_default(&[version("v1", 1, true)]), None);
    }
}
