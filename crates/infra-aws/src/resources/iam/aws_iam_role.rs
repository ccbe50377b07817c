//! `aws_iam_role`: an IAM role, its trust policy, and optionally its exclusive inline policies
//! (`inline_policy`) and managed policy attachments (`managed_policy_arns`).
//!
//! Refresh is one ListRoles walk (paginated) matched by name, then GetRole per found role
//! (ListRoles returns neither tags nor the permissions boundary). A role whose prior value
//! manages `inline_policy` blocks adds ListRolePolicies plus GetRolePolicy per policy, and one
//! whose prior value sets `managed_policy_arns` adds ListAttachedRolePolicies: roles that do
//! not use those arguments refresh without them. Policy documents are compared as canonical
//! JSON; IAM returns them URL-encoded.
//!
//! `name_prefix` and `force_detach_policies` are configuration only. Delete removes the role
//! from its instance profiles (as the provider does), deletes its managed inline policies and
//! detaches its managed attachments; with `force_detach_policies` every inline policy and
//! attachment goes, also ones made outside.
//!
//! moto holds every argument of this type; drift on all of them is seen in tests.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_iam::types::Role;
use infra_core::{
    Attribute, Block, Check, Operation, ProviderError, ResourceType, Schema, Type, Value,
};

use crate::app_support::{
    blocks, boolean, canonical_json, changed, copy_attributes, decoded_policy, has_managed_tags,
    int, is_missing, non_empty, number, same_json, sent, set_tags, string, string_list, strings,
    text, vanished,
};
use crate::ec2_support::{name_for_create, with_name_for_create};
use crate::error::aws_error;
use crate::iam_support::{read_each, sync_attachments, tags_to_sdk, update_tags, Principal};
use crate::tagging::{ManagedTags, WithTags};
use crate::Aws;

pub struct AwsIamRole {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsIamRole {
    pub fn new(aws: Arc<Aws>) -> AwsIamRole {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("unique_id", Type::String))
            .attr(Attribute::computed("create_date", Type::String))
            .attr(Attribute::optional_computed("name", Type::String).force_new())
            .attr(Attribute::optional("name_prefix", Type::String).force_new())
            .attr(Attribute::required("assume_role_policy", Type::Json))
            .attr(Attribute::optional("permissions_boundary", Type::String))
            .attr(
                Attribute::optional("force_detach_policies", Type::Bool)
                    .default(Value::Bool(false)),
            )
            .attr(Attribute::optional_computed(
                "managed_policy_arns",
                Type::set(Type::String),
            ))
            .block(
                Block::set(
                    "inline_policy",
                    Schema::new()
                        .attr(Attribute::optional("name", Type::String))
                        .attr(Attribute::optional("policy", Type::Json)),
                )
                .computed(),
            )
            .attr(Attribute::optional("description", Type::String))
            .attr(
                Attribute::optional("path", Type::String)
                    .default(Value::string("/"))
                    .force_new(),
            )
            .attr(
                Attribute::optional("max_session_duration", Type::Number)
                    .default(Value::Number(3600.0))
                    .check(Check::Range(3600, 43200)),
            )
            .with_tags();
        AwsIamRole { aws, schema }
    }

    /// One role by name (GetRole carries tags and the permissions boundary).
    async fn get(&self, name: &str) -> Result<Option<Role>, ProviderError> {
        let client = &self.aws.clients().await.iam;
        match sent!(client.get_role().role_name(name)) {
            Ok(response) => Ok(response.role().cloned()),
            Err(error) if is_missing(&error) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Roles by name. One name is a GetRole; more are one ListRoles walk plus GetRole per
    /// found role.
    async fn describe(&self, names: &[String]) -> Result<BTreeMap<String, Role>, ProviderError> {
        let client = &self.aws.clients().await.iam;
        let mut out = BTreeMap::new();
        if let [name] = names {
            if let Some(role) = self.get(name).await? {
                out.insert(name.clone(), role);
            }
            return Ok(out);
        }
        if names.is_empty() {
            return Ok(out);
        }
        let mut found = Vec::new();
        let mut pages = client.list_roles().into_paginator().send();
        while let Some(page) = pages.next().await {
            for role in page.map_err(aws_error)?.roles() {
                if names.iter().any(|n| n == role.role_name()) {
                    found.push(role.role_name().to_string());
                }
            }
        }
        let reads = found
            .into_iter()
            .map(|name| async move {
                let role = self.get(&name).await?;
                Ok((name, role))
            })
            .collect();
        let roles = read_each(reads).await?;
        out.extend(
            roles
                .into_iter()
                .filter_map(|(name, role)| Some((name, role?))),
        );
        Ok(out)
    }

    /// The role's inline policies, name → canonical document.
    async fn inline_policies(&self, name: &str) -> Result<BTreeMap<String, String>, ProviderError> {
        let client = &self.aws.clients().await.iam;
        let mut names = Vec::new();
        let mut pages = client
            .list_role_policies()
            .role_name(name)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            names.extend(page.map_err(aws_error)?.policy_names().iter().cloned());
        }
        let mut out = BTreeMap::new();
        for policy in names {
            let response = sent!(client
                .get_role_policy()
                .role_name(name)
                .policy_name(&policy))?;
            out.insert(policy, decoded_policy(response.policy_document()));
        }
        Ok(out)
    }

    /// The ARNs of the managed policies attached to the role.
    async fn attached_policies(&self, name: &str) -> Result<Vec<String>, ProviderError> {
        let client = &self.aws.clients().await.iam;
        Ok(Principal::Role
            .attached(client, name)
            .await?
            .unwrap_or_default()
            .into_iter()
            .collect())
    }

    /// The role as a value, reading inline policies and attachments only where `hint`
    /// manages them.
    async fn value(&self, role: &Role, hint: &Value) -> Result<Value, ProviderError> {
        let inline = if manages_inline(hint) {
            Some(self.inline_policies(role.role_name()).await?)
        } else {
            None
        };
        let attached = if manages_attachments(hint) {
            Some(self.attached_policies(role.role_name()).await?)
        } else {
            None
        };
        Ok(to_value(role, inline.as_ref(), attached.as_deref(), hint))
    }

    async fn read_one(&self, name: &str, hint: &Value) -> Result<Value, ProviderError> {
        match self.get(name).await? {
            Some(role) => self.value(&role, hint).await,
            None => Err(vanished("IAM role", name)),
        }
    }

    /// Makes the role's inline policies exactly the configured ones (`prior` holds what was
    /// read last; out-of-band policies are found by listing).
    async fn sync_inline_policies(&self, name: &str, planned: &Value) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.iam;
        let wanted = configured_inline(planned);
        let current = self.inline_policies(name).await?;
        for policy in current.keys().filter(|p| !wanted.contains_key(*p)) {
            sent!(client
                .delete_role_policy()
                .role_name(name)
                .policy_name(policy))?;
        }
        for (policy, document) in &wanted {
            if current.get(policy) == Some(&canonical_json(document)) {
                continue;
            }
            sent!(client
                .put_role_policy()
                .role_name(name)
                .policy_name(policy)
                .policy_document(document))?;
        }
        Ok(())
    }

    /// Makes the role's managed policy attachments exactly `managed_policy_arns`.
    async fn sync_attachments(&self, name: &str, planned: &Value) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.iam;
        let wanted = strings(planned, "managed_policy_arns")
            .into_iter()
            .collect();
        let current = self.attached_policies(name).await?.into_iter().collect();
        sync_attachments(client, Principal::Role, name, &current, &wanted).await
    }
}

/// True when the value has `inline_policy` blocks: the role then owns its inline policies.
fn manages_inline(value: &Value) -> bool {
    !blocks(value, "inline_policy").is_empty()
}

/// True when `managed_policy_arns` is set: the role then owns its attachments.
fn manages_attachments(value: &Value) -> bool {
    value.get("managed_policy_arns").as_list().is_some()
}

/// The configured inline policies with both a name and a policy (an empty block only says
/// "no others").
fn configured_inline(value: &Value) -> BTreeMap<String, String> {
    blocks(value, "inline_policy")
        .iter()
        .filter_map(|block| Some((non_empty(block, "name")?, string(block, "policy")?)))
        .collect()
}

/// The role as a value. The trust policy keeps the configuration's text when it means the
/// same JSON, so a plan shows no change for whitespace or key order.
fn to_value(
    role: &Role,
    inline: Option<&BTreeMap<String, String>>,
    attached: Option<&[String]>,
    hint: &Value,
) -> Value {
    let policy = same_json(
        role.assume_role_policy_document().map(decoded_policy),
        hint.get("assume_role_policy"),
    );
    let mut object = BTreeMap::new();
    object.insert("id".to_string(), Value::string(role.role_name()));
    object.insert("arn".to_string(), Value::string(role.arn()));
    object.insert("unique_id".to_string(), Value::string(role.role_id()));
    object.insert(
        "create_date".to_string(),
        Value::string(
            role.create_date()
                .fmt(aws_smithy_types::date_time::Format::DateTime)
                .unwrap_or_default(),
        ),
    );
    object.insert("name".to_string(), Value::string(role.role_name()));
    object.insert("assume_role_policy".to_string(), policy);
    object.insert(
        "description".to_string(),
        text(role.description().filter(|d| !d.is_empty())),
    );
    object.insert("path".to_string(), Value::string(role.path()));
    object.insert(
        "max_session_duration".to_string(),
        number(Some(i64::from(role.max_session_duration().unwrap_or(3600)))),
    );
    object.insert(
        "permissions_boundary".to_string(),
        text(
            role.permissions_boundary()
                .and_then(|b| b.permissions_boundary_arn()),
        ),
    );
    let configured = blocks(hint, "inline_policy");
    object.insert(
        "inline_policy".to_string(),
        match inline {
            // Only empty blocks configured and none found: as configured.
            Some(found) if found.is_empty() && configured_inline(hint).is_empty() => {
                Value::List(configured.to_vec())
            }
            Some(found) => Value::List(
                found
                    .iter()
                    .map(|(name, document)| {
                        let configured = configured
                            .iter()
                            .find(|b| b.get("name").as_str() == Some(name))
                            .map(|b| b.get("policy"))
                            .unwrap_or(&Value::Null);
                        Value::map([
                            ("name", Value::string(name)),
                            ("policy", same_json(Some(document.clone()), configured)),
                        ])
                    })
                    .collect(),
            ),
            None => Value::List(vec![]),
        },
    );
    object.insert(
        "managed_policy_arns".to_string(),
        attached.map(string_list).unwrap_or(Value::Null),
    );
    copy_attributes(&mut object, hint, &["name_prefix", "force_detach_policies"]);
    if boolean(hint, "force_detach_policies").is_none() {
        object.insert("force_detach_policies".to_string(), Value::Bool(false));
    }
    let tags: Vec<(&str, &str)> = role.tags().iter().map(|t| (t.key(), t.value())).collect();
    set_tags(&mut object, tags);
    Value::Map(object)
}

#[async_trait::async_trait]
impl ResourceType for AwsIamRole {
    fn name(&self) -> &'static str {
        "aws_iam_role"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if let Some(policy) = config.get("assume_role_policy").as_str() {
            if serde_json::from_str::<serde_json::Value>(policy).is_err() {
                problems.push((
                    "assume_role_policy".to_string(),
                    format!("\"{policy}\" is not valid JSON"),
                ));
            }
        }
        if let Some(name) = config.get("name").as_str() {
            if name.len() > 64
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
            {
                problems.push(("name".to_string(), format!("\"{name}\" is not a valid IAM role name (at most 64 of [A-Za-z0-9+=,.@_-])")));
            }
        }
        if !config.get("name").is_null() && !config.get("name_prefix").is_null() {
            problems.push((
                "name_prefix".to_string(),
                "\"name_prefix\" conflicts with \"name\": set only one.".to_string(),
            ));
        }
        if let Some(prefix) = config.get("name_prefix").as_str() {
            if prefix.len() > 38 {
                problems.push((
                    "name_prefix".to_string(),
                    format!("\"{prefix}\" is longer than 38 characters"),
                ));
            }
        }
        for (index, block) in blocks(config, "inline_policy").iter().enumerate() {
            if let Some(policy) = block.get("policy").as_str() {
                if serde_json::from_str::<serde_json::Value>(policy).is_err() {
                    problems.push((
                        format!("inline_policy[{index}].policy"),
                        format!("\"{policy}\" is not valid JSON"),
                    ));
                }
            }
            if block.get("name").is_null() != block.get("policy").is_null() {
                problems.push((
                    format!("inline_policy[{index}]"),
                    "an inline_policy block needs both \"name\" and \"policy\" (or neither, to remove every inline policy)".to_string(),
                ));
            }
        }
        problems
    }

    /// The generated `name` goes into the create's pending entry ([`with_name_for_create`]).
    fn with_generated_names(&self, operation: &Operation, planned: Value) -> Value {
        with_name_for_create(operation, planned, ["name", "name_prefix"], "terraform-")
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.iam;
        let name = name_for_create(operation, planned, ["name", "name_prefix"], "terraform-");
        sent!(client
            .create_role()
            .role_name(&name)
            .set_assume_role_policy_document(string(planned, "assume_role_policy"))
            .set_description(string(planned, "description"))
            .set_path(string(planned, "path"))
            .set_max_session_duration(int(planned, "max_session_duration"))
            .set_permissions_boundary(non_empty(planned, "permissions_boundary"))
            .set_tags(Some(tags_to_sdk(&operation.tags_with_managed(planned))?)))?;
        if manages_inline(planned) {
            self.sync_inline_policies(&name, planned).await?;
        }
        if manages_attachments(planned) {
            self.sync_attachments(&name, planned).await?;
        }
        self.read_one(&name, planned).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.iam;
        let name = string(prior, "name")
            .ok_or_else(|| ProviderError::new("aws_iam_role has no name in state"))?;
        let prior_policy = string(prior, "assume_role_policy").map(|p| canonical_json(&p));
        let planned_policy = string(planned, "assume_role_policy").map(|p| canonical_json(&p));
        if prior_policy != planned_policy {
            sent!(client
                .update_assume_role_policy()
                .role_name(&name)
                .set_policy_document(string(planned, "assume_role_policy")))?;
        }
        if changed(prior, planned, "description") || changed(prior, planned, "max_session_duration")
        {
            sent!(client
                .update_role()
                .role_name(&name)
                .description(string(planned, "description").unwrap_or_default())
                .set_max_session_duration(int(planned, "max_session_duration")))?;
        }
        if changed(prior, planned, "permissions_boundary") {
            match non_empty(planned, "permissions_boundary") {
                Some(boundary) => {
                    sent!(client
                        .put_role_permissions_boundary()
                        .role_name(&name)
                        .permissions_boundary(boundary))?;
                }
                None => {
                    sent!(client.delete_role_permissions_boundary().role_name(&name))?;
                }
            }
        }
        if manages_inline(planned) && changed(prior, planned, "inline_policy") {
            self.sync_inline_policies(&name, planned).await?;
        } else if manages_inline(prior) && !manages_inline(planned) {
            // No longer managed here: the policies this role owned go.
            for policy in configured_inline(prior).keys() {
                match sent!(client
                    .delete_role_policy()
                    .role_name(&name)
                    .policy_name(policy))
                {
                    Ok(_) => {}
                    Err(error) if is_missing(&error) => {}
                    Err(error) => return Err(error),
                }
            }
        }
        if manages_attachments(planned)
            && planned.get("managed_policy_arns").is_wholly_known()
            && changed(prior, planned, "managed_policy_arns")
        {
            self.sync_attachments(&name, planned).await?;
        }
        update_tags!(
            client,
            untag_role,
            tag_role,
            role_name(&name),
            prior,
            planned
        )
        .await?;
        self.read_one(&name, planned).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.iam;
        let Some(name) = string(prior, "name") else {
            return Ok(());
        };
        if self.get(&name).await?.is_none() {
            return Ok(());
        }
        // DeleteRole fails while the role is in an instance profile or has policies.
        let mut profiles = client
            .list_instance_profiles_for_role()
            .role_name(&name)
            .into_paginator()
            .send();
        let mut profile_names = Vec::new();
        while let Some(page) = profiles.next().await {
            profile_names.extend(
                page.map_err(aws_error)?
                    .instance_profiles()
                    .iter()
                    .map(|p| p.instance_profile_name().to_string()),
            );
        }
        for profile in profile_names {
            sent!(client
                .remove_role_from_instance_profile()
                .role_name(&name)
                .instance_profile_name(profile))?;
        }
        let force = boolean(prior, "force_detach_policies").unwrap_or(false);
        let inline: Vec<String> = if force {
            self.inline_policies(&name).await?.into_keys().collect()
        } else {
            configured_inline(prior).into_keys().collect()
        };
        for policy in inline {
            match sent!(client
                .delete_role_policy()
                .role_name(&name)
                .policy_name(&policy))
            {
                Ok(_) => {}
                Err(error) if is_missing(&error) => {}
                Err(error) => return Err(error),
            }
        }
        let attached = if force {
            self.attached_policies(&name).await?
        } else {
            strings(prior, "managed_policy_arns")
        };
        for arn in attached {
            Principal::Role.detach(client, &name, &arn).await?;
        }
        match sent!(client.delete_role().role_name(&name)) {
            Ok(_) => Ok(()),
            Err(error) if is_missing(&error) => Ok(()),
            Err(error) => Err(error),
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let names: Vec<String> = prior.iter().filter_map(|p| string(p, "name")).collect();
        let found = self.describe(&names).await?;
        let mut out = Vec::with_capacity(prior.len());
        for p in prior {
            out.push(match string(p, "name").and_then(|name| found.get(&name)) {
                Some(role) => Some(self.value(role, p).await?),
                None => None,
            });
        }
        Ok(out)
    }

    /// Terraform's import ID: its name.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        Ok(infra_core::resource::import_by("name", id))
    }

    async fn find_created(
        &self,
        operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let name = name_for_create(operation, planned, ["name", "name_prefix"], "terraform-");
        let Some(role) = self.get(&name).await? else {
            return Ok(None);
        };
        let tags: Vec<(String, String)> = role
            .tags()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect();
        if !has_managed_tags(&tags, operation) {
            return Ok(None);
        }
        Ok(Some(self.value(&role, planned).await?))
    }
}
