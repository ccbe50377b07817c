//! `aws_kms_key`: a KMS key (customer managed key).
//!
//! The ID is the key ID (also the import ID). Refresh reads, per key, DescribeKey,
//! GetKeyPolicy, GetKeyRotationStatus and ListResourceTags (KMS has no batched describe); a key
//! pending deletion counts as gone, as in the provider.
//!
//! `description` (UpdateKeyDescription), `policy` (PutKeyPolicy, compared as normalised JSON),
//! `is_enabled` (EnableKey / DisableKey), `enable_key_rotation` and `rotation_period_in_days`
//! (EnableKeyRotation / DisableKeyRotation) and tags change in place; `key_usage`,
//! `customer_master_key_spec`, `multi_region`, `custom_key_store_id` and `xks_key_id` force a
//! new key. Destroy schedules the key's deletion (ScheduleKeyDeletion) after
//! `deletion_window_in_days` (AWS's default, 30, when unset), as AWS and the provider do: KMS
//! never deletes a key at once. `deletion_window_in_days` and
//! `bypass_policy_lockout_safety_check` are configuration only.
//!
//! moto does not return `rotation_period_in_days` (the configured value is kept) and has no
//! custom key stores, so drift on `rotation_period_in_days` is not seen in tests and
//! `custom_key_store_id` / `xks_key_id` are untested.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_kms::types::{KeySpec, KeyState, KeyUsageType, OriginType, Tag};
use infra_core::{Attribute, Check, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{
    boolean, canonical_json, changed, copy_attributes, int, invalid_json, known, non_empty, number,
    policy_value, resource_tag_changes, sent, set_tags, string, text, text_or_null, vanished,
    wait_for,
};
use crate::declared::read_in_turn;
use crate::error::aws_error;
use crate::tagging::{sdk_tags_of, ManagedTags, WithTags};
use crate::Aws;

const KEY_SPECS: &[&str] = &[
    "SYMMETRIC_DEFAULT",
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "HMAC_224",
    "HMAC_256",
    "HMAC_384",
    "HMAC_512",
    "ECC_NIST_P256",
    "ECC_NIST_P384",
    "ECC_NIST_P521",
    "ECC_SECG_P256K1",
    "SM2",
    "ML_DSA_44",
    "ML_DSA_65",
    "ML_DSA_87",
];

/// How long IAM takes to make a new principal visible to KMS.
const IAM_PROPAGATION: std::time::Duration = std::time::Duration::from_secs(120);

pub struct AwsKmsKey {
    aws: Arc<Aws>,
    schema: Schema,
}

/// A key as KMS reports it.
pub(crate) struct KeyInfo {
    pub metadata: aws_sdk_kms::types::KeyMetadata,
    pub policy: Option<String>,
    pub rotation: Option<(bool, Option<i32>)>,
    pub tags: Vec<(String, String)>,
}

/// KMS's "not found" (and a key already pending deletion).
pub(crate) fn is_gone(error: &ProviderError) -> bool {
    crate::app_support::is_missing(error)
        || (error.code.as_deref() == Some("KMSInvalidStateException")
            && error.message.contains("pending deletion"))
}

/// The key's metadata, policy, rotation status and tags; `None` when it is gone or pending
/// deletion.
pub(crate) async fn find_key(
    client: &aws_sdk_kms::Client,
    key_id: &str,
) -> Result<Option<KeyInfo>, ProviderError> {
    let metadata = match sent!(client.describe_key().key_id(key_id)) {
        Ok(response) => match response.key_metadata() {
            Some(metadata) => metadata.clone(),
            None => return Ok(None),
        },
        Err(error) if is_gone(&error) => return Ok(None),
        Err(error) => return Err(error),
    };
    if matches!(
        metadata.key_state(),
        Some(KeyState::PendingDeletion | KeyState::PendingReplicaDeletion)
    ) {
        return Ok(None);
    }
    let id = metadata.key_id().to_string();
    let policy = sent!(client.get_key_policy().key_id(&id).policy_name("default"))?
        .policy()
        .map(str::to_string);
    let rotation = if metadata.origin() == Some(&OriginType::AwsKms) || metadata.origin().is_none()
    {
        let status = sent!(client.get_key_rotation_status().key_id(&id))?;
        Some((
            status.key_rotation_enabled(),
            status.rotation_period_in_days(),
        ))
    } else {
        None
    };
    let mut tags = Vec::new();
    let mut pages = client
        .list_resource_tags()
        .key_id(&id)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        tags.extend(
            page.map_err(aws_error)?
                .tags()
                .iter()
                .map(|t| (t.tag_key().to_string(), t.tag_value().to_string())),
        );
    }
    Ok(Some(KeyInfo {
        metadata,
        policy,
        rotation,
        tags,
    }))
}

sdk_tags_of!(Tag, tag_key, tag_value);

impl AwsKmsKey {
    pub fn new(aws: Arc<Aws>) -> AwsKmsKey {
        let schema = Schema::new()
            .timeouts(&["create"])
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("key_id", Type::String))
            .attr(Attribute::optional_computed("description", Type::String))
            .attr(
                Attribute::optional("key_usage", Type::String)
                    .default(Value::string("ENCRYPT_DECRYPT"))
                    .check(Check::OneOf(&[
                        "SIGN_VERIFY",
                        "ENCRYPT_DECRYPT",
                        "GENERATE_VERIFY_MAC",
                        "KEY_AGREEMENT",
                    ]))
                    .force_new(),
            )
            .attr(
                Attribute::optional("customer_master_key_spec", Type::String)
                    .default(Value::string("SYMMETRIC_DEFAULT"))
                    .check(Check::OneOf(KEY_SPECS))
                    .force_new(),
            )
            .attr(Attribute::optional_computed("policy", Type::Json))
            .attr(
                Attribute::optional("bypass_policy_lockout_safety_check", Type::Bool)
                    .default(Value::Bool(false)),
            )
            .attr(
                Attribute::optional("deletion_window_in_days", Type::Number)
                    .check(Check::Range(7, 30)),
            )
            .attr(Attribute::optional("is_enabled", Type::Bool).default(Value::Bool(true)))
            .attr(
                Attribute::optional("enable_key_rotation", Type::Bool).default(Value::Bool(false)),
            )
            .attr(
                Attribute::optional_computed("rotation_period_in_days", Type::Number)
                    .check(Check::Range(90, 2560)),
            )
            .attr(Attribute::optional_computed("multi_region", Type::Bool).force_new())
            .attr(Attribute::optional("custom_key_store_id", Type::String).force_new())
            .attr(Attribute::optional("xks_key_id", Type::String).force_new())
            .with_tags();
        AwsKmsKey { aws, schema }
    }

    async fn read_one(&self, key_id: &str, hint: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.kms;
        find_key(client, key_id)
            .await?
            .map(|key| to_value(&key, hint))
            .ok_or_else(|| vanished("KMS key", key_id))
    }

    async fn set_rotation(
        &self,
        key_id: &str,
        enabled: bool,
        period: Option<i32>,
    ) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.kms;
        if enabled {
            sent!(client
                .enable_key_rotation()
                .key_id(key_id)
                .set_rotation_period_in_days(period))?;
        } else {
            sent!(client.disable_key_rotation().key_id(key_id))?;
        }
        Ok(())
    }

    async fn set_enabled(&self, key_id: &str, enabled: bool) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.kms;
        if enabled {
            sent!(client.enable_key().key_id(key_id))?;
        } else {
            sent!(client.disable_key().key_id(key_id))?;
        }
        Ok(())
    }
}

fn to_value(key: &KeyInfo, hint: &Value) -> Value {
    let metadata = &key.metadata;
    let mut object = BTreeMap::new();
    object.insert("id".to_string(), Value::string(metadata.key_id()));
    object.insert("key_id".to_string(), Value::string(metadata.key_id()));
    object.insert("arn".to_string(), text(metadata.arn()));
    object.insert(
        "description".to_string(),
        Value::string(metadata.description().unwrap_or_default()),
    );
    object.insert(
        "key_usage".to_string(),
        text(metadata.key_usage().map(|u| u.as_str())),
    );
    object.insert(
        "customer_master_key_spec".to_string(),
        text(metadata.key_spec().map(|s| s.as_str())),
    );
    object.insert(
        "policy".to_string(),
        policy_value(key.policy.as_deref(), hint.get("policy")),
    );
    object.insert("is_enabled".to_string(), Value::Bool(metadata.enabled()));
    let (rotation, period) = key.rotation.unwrap_or((false, None));
    object.insert("enable_key_rotation".to_string(), Value::Bool(rotation));
    // moto does not report the period; AWS does whenever rotation is on.
    object.insert(
        "rotation_period_in_days".to_string(),
        match period {
            Some(days) => number(Some(i64::from(days))),
            None => known(hint, "rotation_period_in_days"),
        },
    );
    object.insert(
        "multi_region".to_string(),
        Value::Bool(metadata.multi_region().unwrap_or(false)),
    );
    object.insert(
        "custom_key_store_id".to_string(),
        text_or_null(metadata.custom_key_store_id()),
    );
    object.insert(
        "xks_key_id".to_string(),
        text_or_null(metadata.xks_key_configuration().and_then(|x| x.id())),
    );
    copy_attributes(
        &mut object,
        hint,
        &[
            "deletion_window_in_days",
            "bypass_policy_lockout_safety_check",
        ],
    );
    if boolean(hint, "bypass_policy_lockout_safety_check").is_none() {
        object.insert(
            "bypass_policy_lockout_safety_check".to_string(),
            Value::Bool(false),
        );
    }
    set_tags(
        &mut object,
        key.tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    );
    Value::Map(object)
}

#[async_trait::async_trait]
impl ResourceType for AwsKmsKey {
    fn name(&self) -> &'static str {
        "aws_kms_key"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if !config.get("rotation_period_in_days").is_null()
            && config.get("enable_key_rotation").is_null()
        {
            problems.push((
                "rotation_period_in_days".to_string(),
                "all of `enable_key_rotation,rotation_period_in_days` must be specified"
                    .to_string(),
            ));
        }
        if !config.get("xks_key_id").is_null() && config.get("custom_key_store_id").is_null() {
            problems.push((
                "xks_key_id".to_string(),
                "all of `custom_key_store_id,xks_key_id` must be specified".to_string(),
            ));
        }
        if config
            .get("description")
            .as_str()
            .is_some_and(|d| d.len() > 8192)
        {
            problems.push((
                "description".to_string(),
                "expected length of description to be in the range (0 - 8192)".to_string(),
            ));
        }
        problems.extend(invalid_json(config, "policy"));
        problems
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.kms;
        let mut request = client
            .create_key()
            .bypass_policy_lockout_safety_check(
                boolean(planned, "bypass_policy_lockout_safety_check").unwrap_or(false),
            )
            .key_spec(KeySpec::from(
                string(planned, "customer_master_key_spec")
                    .unwrap_or_else(|| "SYMMETRIC_DEFAULT".into())
                    .as_str(),
            ))
            .key_usage(KeyUsageType::from(
                string(planned, "key_usage")
                    .unwrap_or_else(|| "ENCRYPT_DECRYPT".into())
                    .as_str(),
            ))
            .set_description(non_empty(planned, "description"))
            .set_multi_region(boolean(planned, "multi_region"))
            .set_policy(non_empty(planned, "policy").map(|p| canonical_json(&p)))
            .set_tags(Some(sdk_tags(&operation.tags_with_managed(planned))?));
        if let Some(store) = non_empty(planned, "custom_key_store_id") {
            request = request
                .origin(OriginType::AwsCloudhsm)
                .custom_key_store_id(store);
        }
        if let Some(xks) = non_empty(planned, "xks_key_id") {
            request = request.origin(OriginType::ExternalKeyStore).xks_key_id(xks);
        }
        // KMS refuses a policy naming a principal IAM has not propagated yet: retry that
        // (MalformedPolicyDocumentException) for up to 2 minutes (the provider's IAM
        // propagation time) within the create timeout, as the provider does.
        let created = wait_for(
            "the key policy's principals to exist",
            operation.timeouts.create.min(IAM_PROPAGATION),
            || {
                let request = request.clone();
                async move {
                    match request.send().await.map_err(aws_error) {
                        Ok(created) => Ok(Some(created)),
                        Err(error)
                            if error.code.as_deref()
                                == Some("MalformedPolicyDocumentException") =>
                        {
                            Ok(None)
                        }
                        Err(error) => Err(error),
                    }
                }
            },
        )
        .await?;
        let key_id = created
            .key_metadata()
            .map(|m| m.key_id().to_string())
            .ok_or_else(|| ProviderError::new("CreateKey returned no key"))?;
        if boolean(planned, "enable_key_rotation") == Some(true) {
            self.set_rotation(&key_id, true, int(planned, "rotation_period_in_days"))
                .await?;
        }
        if boolean(planned, "is_enabled") == Some(false) {
            self.set_enabled(&key_id, false).await?;
        }
        self.read_one(&key_id, planned).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.kms;
        let key_id = string(prior, "id")
            .ok_or_else(|| ProviderError::new("aws_kms_key has no ID in state"))?;
        let enabled = boolean(planned, "is_enabled").unwrap_or(true);
        // A disabled key cannot be changed: enable it first, disable it last.
        if changed(prior, planned, "is_enabled") && enabled {
            self.set_enabled(&key_id, true).await?;
        }
        let rotation = boolean(planned, "enable_key_rotation").unwrap_or(false);
        if changed(prior, planned, "enable_key_rotation")
            || (rotation && changed(prior, planned, "rotation_period_in_days"))
        {
            self.set_rotation(&key_id, rotation, int(planned, "rotation_period_in_days"))
                .await?;
        }
        if changed(prior, planned, "description") {
            sent!(client
                .update_key_description()
                .key_id(&key_id)
                .description(string(planned, "description").unwrap_or_default()))?;
        }
        if changed(prior, planned, "policy") {
            if let Some(policy) = non_empty(planned, "policy") {
                sent!(client
                    .put_key_policy()
                    .key_id(&key_id)
                    .policy_name("default")
                    .policy(canonical_json(&policy))
                    .bypass_policy_lockout_safety_check(
                        boolean(planned, "bypass_policy_lockout_safety_check").unwrap_or(false),
                    ))?;
            }
        }
        resource_tag_changes!(client, key_id(&key_id), prior, planned);
        if changed(prior, planned, "is_enabled") && !enabled {
            self.set_enabled(&key_id, false).await?;
        }
        self.read_one(&key_id, planned).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.kms;
        let Some(key_id) = string(prior, "id") else {
            return Ok(());
        };
        match sent!(client
            .schedule_key_deletion()
            .key_id(&key_id)
            .set_pending_window_in_days(int(prior, "deletion_window_in_days")))
        {
            Ok(_) => Ok(()),
            Err(error) if is_gone(&error) => Ok(()),
            Err(error) => Err(error),
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let client = &self.aws.clients().await.kms;
        read_in_turn(prior, &["id"], |id, p| async move {
            Ok(find_key(client, &id).await?.map(|key| to_value(&key, p)))
        })
        .await
    }

    /// Terraform's import ID: the key ID.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        Ok(infra_core::resource::import_by("key_id", id))
    }

    /// A key has no natural key: the keys tagged with this operation's managed tags, found
    /// with the Resource Groups Tagging API.
    async fn find_created(
        &self,
        operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let clients = self.aws.clients().await;
        let response = sent!(clients
            .tagging
            .get_resources()
            .resource_type_filters("kms:key")
            .tag_filters(
                aws_sdk_resourcegroupstagging::types::TagFilter::builder()
                    .key(infra_core::resource::ADDRESS_TAG)
                    .values(&operation.address)
                    .build(),
            )
            .tag_filters(
                aws_sdk_resourcegroupstagging::types::TagFilter::builder()
                    .key(infra_core::resource::LINEAGE_TAG)
                    .values(&operation.lineage)
                    .build(),
            ))?;
        for mapping in response.resource_tag_mapping_list() {
            let Some(arn) = mapping.resource_arn() else {
                continue;
            };
            if let Some(key) = find_key(&clients.kms, arn).await? {
                return Ok(Some(to_value(&key, planned)));
            }
        }
        Ok(None)
    }
}
