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

use aws_sdk_kms::types::{KeySpec, KeyState, KeyUsageType, OriginType, Tag};
use infra_core::{Attribute, Check, ProviderError, Type, Value};

use crate::app_support::{
    boolean, canonical_json, changed, int, invalid_json, known, non_empty, number, policy_value,
    resource_tag_changes, sent, string, text, text_or_null, wait_for,
};
use crate::aws_object::{
    key_by_key, AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged,
    Updating,
};
use crate::declared::{copied, read, switch, Declared};
use crate::error::aws_error;
use crate::tagging::{sdk_tags_of, ManagedTags};

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

pub type AwsKmsKey = ObjectType<KeyObject>;

pub struct KeyObject;

/// A key as KMS reports it.
pub struct KeyInfo {
    pub metadata: aws_sdk_kms::types::KeyMetadata,
    pub policy: Option<String>,
    pub rotation: Option<(bool, Option<i32>)>,
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
) -> Result<Option<Tagged<KeyInfo>>, ProviderError> {
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
        Some((status.key_rotation_enabled(), status.rotation_period_in_days()))
    } else {
        None
    };
    let mut tags = Vec::new();
    let mut pages = client.list_resource_tags().key_id(&id).into_paginator().send();
    while let Some(page) = pages.next().await {
        tags.extend(
            page.map_err(aws_error)?
                .tags()
                .iter()
                .map(|t| (t.tag_key().to_string(), t.tag_value().to_string())),
        );
    }
    Ok(Some(Tagged { object: KeyInfo { metadata, policy, rotation }, tags }))
}

sdk_tags_of!(Tag, tag_key, tag_value);

async fn set_rotation(
    client: &aws_sdk_kms::Client,
    key_id: &str,
    enabled: bool,
    period: Option<i32>,
) -> Result<(), ProviderError> {
    if enabled {
        sent!(client.enable_key_rotation().key_id(key_id).set_rotation_period_in_days(period))?;
    } else {
        sent!(client.disable_key_rotation().key_id(key_id))?;
    }
    Ok(())
}

async fn set_enabled(
    client: &aws_sdk_kms::Client,
    key_id: &str,
    enabled: bool,
) -> Result<(), ProviderError> {
    if enabled {
        sent!(client.enable_key().key_id(key_id))?;
    } else {
        sent!(client.disable_key().key_id(key_id))?;
    }
    Ok(())
}

fn key_id_of(key: &KeyInfo, _: &crate::declared::Reading) -> Value {
    Value::string(key.metadata.key_id())
}

impl AwsObject for KeyObject {
    type Object = KeyInfo;
    const NAME: &'static str = "aws_kms_key";
    const KIND: &'static str = "KMS key";
    const KEY: &'static str = "id";
    const IMPORT_KEY: &'static str = "key_id";
    const KEY_WORD: &'static str = "ID";

    fn attributes() -> Vec<Declared<KeyInfo>> {
        vec![
            read(Attribute::computed("id", Type::String), key_id_of),
            read(Attribute::computed("arn", Type::String), |key: &KeyInfo, _| {
                text(key.metadata.arn())
            }),
            read(Attribute::computed("key_id", Type::String), key_id_of),
            read(
                Attribute::optional_computed("description", Type::String)
                    .check(Check::Length(0, 8192)),
                |key: &KeyInfo, _| Value::string(key.metadata.description().unwrap_or_default()),
            ),
            read(
                Attribute::optional("key_usage", Type::String)
                    .default(Value::string("ENCRYPT_DECRYPT"))
                    .check(Check::OneOf(&[
                        "SIGN_VERIFY",
                        "ENCRYPT_DECRYPT",
                        "GENERATE_VERIFY_MAC",
                        "KEY_AGREEMENT",
                    ]))
                    .force_new(),
                |key: &KeyInfo, _| text(key.metadata.key_usage().map(|u| u.as_str())),
            ),
            read(
                Attribute::optional("customer_master_key_spec", Type::String)
                    .default(Value::string("SYMMETRIC_DEFAULT"))
                    .check(Check::OneOf(KEY_SPECS))
                    .force_new(),
                |key: &KeyInfo, _| text(key.metadata.key_spec().map(|s| s.as_str())),
            ),
            read(Attribute::optional_computed("policy", Type::Json), |key: &KeyInfo, at| {
                policy_value(key.policy.as_deref(), at.prior.get("policy"))
            }),
            switch(
                Attribute::optional("bypass_policy_lockout_safety_check", Type::Bool)
                    .default(Value::Bool(false)),
            ),
            copied(
                Attribute::optional("deletion_window_in_days", Type::Number)
                    .check(Check::Range(7, 30)),
            ),
            read(
                Attribute::optional("is_enabled", Type::Bool).default(Value::Bool(true)),
                |key: &KeyInfo, _| Value::Bool(key.metadata.enabled()),
            ),
            read(
                Attribute::optional("enable_key_rotation", Type::Bool).default(Value::Bool(false)),
                |key: &KeyInfo, _| Value::Bool(key.rotation.unwrap_or((false, None)).0),
            ),
            // moto does not report the period; AWS does whenever rotation is on.
            read(
                Attribute::optional_computed("rotation_period_in_days", Type::Number)
                    .check(Check::Range(90, 2560))
                    .required_with(&["enable_key_rotation"]),
                |key: &KeyInfo, at| match key.rotation.unwrap_or((false, None)).1 {
                    Some(days) => number(Some(i64::from(days))),
                    None => known(at.prior, "rotation_period_in_days"),
                },
            ),
            read(
                Attribute::optional_computed("multi_region", Type::Bool).force_new(),
                |key: &KeyInfo, _| Value::Bool(key.metadata.multi_region().unwrap_or(false)),
            ),
            read(
                Attribute::optional("custom_key_store_id", Type::String)
                    .force_new()
                    .check(Check::Length(1, 22)),
                |key: &KeyInfo, _| text_or_null(key.metadata.custom_key_store_id()),
            ),
            read(
                Attribute::optional("xks_key_id", Type::String)
                    .force_new()
                    .check(Check::Length(1, 128))
                    .required_with(&["custom_key_store_id"]),
                |key: &KeyInfo, _| {
                    text_or_null(key.metadata.xks_key_configuration().and_then(|x| x.id()))
                },
            ),
        ]
    }

    fn schema(schema: infra_core::Schema) -> infra_core::Schema {
        schema.timeouts(&["create"])
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        invalid_json(config, "policy").into_iter().collect()
    }

    /// KMS has no batched describe: each key on its own, in the order asked.
    async fn describe(this: &ObjectType<Self>, keys: &[String]) -> DescribeResult<KeyInfo> {
        let client = &this.aws.clients().await.kms;
        key_by_key(keys, |key_id| find_key(client, key_id)).await
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.kms;
        let mut request = client
            .create_key()
            .bypass_policy_lockout_safety_check(
                boolean(at.planned, "bypass_policy_lockout_safety_check").unwrap_or(false),
            )
            .key_spec(KeySpec::from(
                string(at.planned, "customer_master_key_spec")
                    .unwrap_or_else(|| "SYMMETRIC_DEFAULT".into())
                    .as_str(),
            ))
            .key_usage(KeyUsageType::from(
                string(at.planned, "key_usage")
                    .unwrap_or_else(|| "ENCRYPT_DECRYPT".into())
                    .as_str(),
            ))
            .set_description(non_empty(at.planned, "description"))
            .set_multi_region(boolean(at.planned, "multi_region"))
            .set_policy(non_empty(at.planned, "policy").map(|p| canonical_json(&p)))
            .set_tags(Some(sdk_tags(&at.operation.tags_with_managed(at.planned))?));
        if let Some(store) = non_empty(at.planned, "custom_key_store_id") {
            request = request.origin(OriginType::AwsCloudhsm).custom_key_store_id(store);
        }
        if let Some(xks) = non_empty(at.planned, "xks_key_id") {
            request = request.origin(OriginType::ExternalKeyStore).xks_key_id(xks);
        }
        // KMS refuses a policy naming a principal IAM has not propagated yet: retry that
        // (MalformedPolicyDocumentException) for up to 2 minutes (the provider's IAM
        // propagation time) within the create timeout, as the provider does.
        let created = wait_for(
            "the key policy's principals to exist",
            at.operation.timeouts.create.min(IAM_PROPAGATION),
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
        if boolean(at.planned, "enable_key_rotation") == Some(true) {
            set_rotation(client, &key_id, true, int(at.planned, "rotation_period_in_days")).await?;
        }
        if boolean(at.planned, "is_enabled") == Some(false) {
            set_enabled(client, &key_id, false).await?;
        }
        Ok(key_id)
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.kms;
        let enabled = boolean(at.planned, "is_enabled").unwrap_or(true);
        // A disabled key cannot be changed: enable it first, disable it last.
        if changed(at.prior, at.planned, "is_enabled") && enabled {
            set_enabled(client, at.key, true).await?;
        }
        let rotation = boolean(at.planned, "enable_key_rotation").unwrap_or(false);
        if changed(at.prior, at.planned, "enable_key_rotation")
            || (rotation && changed(at.prior, at.planned, "rotation_period_in_days"))
        {
            set_rotation(client, at.key, rotation, int(at.planned, "rotation_period_in_days"))
                .await?;
        }
        if changed(at.prior, at.planned, "description") {
            sent!(client
                .update_key_description()
                .key_id(at.key)
                .description(string(at.planned, "description").unwrap_or_default()))?;
        }
        if changed(at.prior, at.planned, "policy") {
            if let Some(policy) = non_empty(at.planned, "policy") {
                sent!(client
                    .put_key_policy()
                    .key_id(at.key)
                    .policy_name("default")
                    .policy(canonical_json(&policy))
                    .bypass_policy_lockout_safety_check(
                        boolean(at.planned, "bypass_policy_lockout_safety_check").unwrap_or(false),
                    ))?;
            }
        }
        resource_tag_changes!(client, key_id(at.key), at.prior, at.planned);
        if changed(at.prior, at.planned, "is_enabled") && !enabled {
            set_enabled(client, at.key, false).await?;
        }
        Ok(at.key.to_string())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let client = &at.this.aws.clients().await.kms;
        match sent!(client
            .schedule_key_deletion()
            .key_id(at.key)
            .set_pending_window_in_days(int(at.prior, "deletion_window_in_days")))
        {
            Ok(_) => Ok(()),
            Err(error) if is_gone(&error) => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// A key has no natural key: the keys tagged with this operation's managed tags, found
    /// with the Resource Groups Tagging API.
    async fn find_created(at: Creating<'_, Self>) -> FindResult<KeyInfo> {
        let clients = at.this.aws.clients().await;
        let response = sent!(clients
            .tagging
            .get_resources()
            .resource_type_filters("kms:key")
            .tag_filters(
                aws_sdk_resourcegroupstagging::types::TagFilter::builder()
                    .key(infra_core::resource::ADDRESS_TAG)
                    .values(&at.operation.address)
                    .build(),
            )
            .tag_filters(
                aws_sdk_resourcegroupstagging::types::TagFilter::builder()
                    .key(infra_core::resource::LINEAGE_TAG)
                    .values(&at.operation.lineage)
                    .build(),
            ))?;
        for mapping in response.resource_tag_mapping_list() {
            let Some(arn) = mapping.resource_arn() else {
                continue;
            };
            if let Some(key) = find_key(&clients.kms, arn).await? {
                return Ok(Some(key));
            }
        }
        Ok(None)
    }
}
