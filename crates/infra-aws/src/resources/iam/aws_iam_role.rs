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

use aws_sdk_iam::types::Role;
use infra_core::{Attribute, Block, Check, ProviderError, Schema, Type, Value};

use crate::app_support::{
    blocks, boolean, canonical_json, changed, decoded_policy, int, name_attribute,
    name_prefix_attribute, non_empty, number, same_json, sent, string, string_list, strings, text,
};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, ObjectType, Tagged, Updating,
};
use crate::declared::{copied, read, read_block, reported, Declared};
use crate::iam_support::{
    found, gone, new_name, owned_tags, read_each, sync_attachments, tags_to_sdk, update_tags,
    Principal,
};
use crate::paginated::all_items;
use crate::tagging::ManagedTags;

pub type AwsIamRole = ObjectType<RoleObject>;

pub struct RoleObject;

/// A role as read: GetRole's answer, plus its inline policies (name → canonical document) and
/// attached policies where the prior value manages them.
pub struct RoleRead {
    role: Role,
    inline: Option<BTreeMap<String, String>>,
    attached: Option<Vec<String>>,
}

/// One role by name (GetRole carries tags and the permissions boundary).
async fn get(this: &AwsIamRole, name: &str) -> Result<Option<Tagged<RoleRead>>, ProviderError> {
    let client = &this.aws.clients().await.iam;
    Ok(found(sent!(client.get_role().role_name(name)))?.and_then(|r| r.role().cloned()).map(
        |role| Tagged {
            tags: owned_tags(role.tags()),
            object: RoleRead { role, inline: None, attached: None },
        },
    ))
}

/// The role's inline policies, name → canonical document.
async fn inline_policies(
    client: &aws_sdk_iam::Client,
    name: &str,
) -> Result<BTreeMap<String, String>, ProviderError> {
    let names: Vec<String> = all_items!(client.list_role_policies().role_name(name))?;
    let mut out = BTreeMap::new();
    for policy in names {
        let response = sent!(client.get_role_policy().role_name(name).policy_name(&policy))?;
        out.insert(policy, decoded_policy(response.policy_document()));
    }
    Ok(out)
}

/// The ARNs of the managed policies attached to the role.
async fn attached_policies(
    client: &aws_sdk_iam::Client,
    name: &str,
) -> Result<Vec<String>, ProviderError> {
    let attached = Principal::Role.attached(client, name).await?;
    Ok(attached.unwrap_or_default().into_iter().collect())
}

/// Makes the role's inline policies exactly the configured ones (out-of-band policies are
/// found by listing).
async fn sync_inline_policies(
    client: &aws_sdk_iam::Client,
    name: &str,
    planned: &Value,
) -> Result<(), ProviderError> {
    let wanted = configured_inline(planned);
    let current = inline_policies(client, name).await?;
    for policy in current.keys().filter(|p| !wanted.contains_key(*p)) {
        sent!(client.delete_role_policy().role_name(name).policy_name(policy))?;
    }
    for (policy, document) in &wanted {
        if current.get(policy) != Some(&canonical_json(document)) {
            Principal::Role.put_inline_policy(client, name, policy, document).await?;
        }
    }
    Ok(())
}

/// Makes the role's managed policy attachments exactly `managed_policy_arns`.
async fn sync_managed(
    client: &aws_sdk_iam::Client,
    name: &str,
    planned: &Value,
) -> Result<(), ProviderError> {
    let wanted = strings(planned, "managed_policy_arns").into_iter().collect();
    let current = attached_policies(client, name).await?.into_iter().collect();
    sync_attachments(client, Principal::Role, name, &current, &wanted).await
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

/// The `inline_policy` blocks read back: none where the prior does not manage them, as
/// configured where only empty blocks are and none was found, else each found policy (its
/// document as configured when it means the same JSON).
fn inline_blocks(inline: Option<&BTreeMap<String, String>>, hint: &Value) -> Value {
    let configured = blocks(hint, "inline_policy");
    match inline {
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
    }
}

/// A problem for a known attribute that is not JSON.
fn json_problem(config: &Value, key: &str, path: String) -> Option<(String, String)> {
    let policy = config.get(key).as_str()?;
    let invalid = serde_json::from_str::<serde_json::Value>(policy).is_err();
    invalid.then(|| (path, format!("\"{policy}\" is not valid JSON")))
}

impl AwsObject for RoleObject {
    type Object = RoleRead;
    const NAME: &'static str = "aws_iam_role";
    const KIND: &'static str = "IAM role";
    const KEY: &'static str = "name";
    const GENERATED_NAME: bool = true;

    /// The trust policy keeps the configuration's text when it means the same JSON, so a plan
    /// shows no change for whitespace or key order.
    fn attributes() -> Vec<Declared<RoleRead>> {
        vec![
            reported(Attribute::computed("id", Type::String), |r: &RoleRead| r.role.role_name()),
            reported(Attribute::computed("arn", Type::String), |r: &RoleRead| r.role.arn()),
            reported(Attribute::computed("unique_id", Type::String), |r: &RoleRead| {
                r.role.role_id()
            }),
            read(Attribute::computed("create_date", Type::String), |r: &RoleRead, _| {
                let date = r.role.create_date();
                Value::string(
                    date.fmt(aws_smithy_types::date_time::Format::DateTime).unwrap_or_default(),
                )
            }),
            reported(name_attribute(), |r: &RoleRead| r.role.role_name()),
            copied(name_prefix_attribute()),
            read(Attribute::required("assume_role_policy", Type::Json), |r: &RoleRead, at| {
                let document = r.role.assume_role_policy_document();
                same_json(document.map(decoded_policy), at.prior.get("assume_role_policy"))
            }),
            read(Attribute::optional("permissions_boundary", Type::String), |r: &RoleRead, _| {
                let boundary = r.role.permissions_boundary();
                text(boundary.and_then(|b| b.permissions_boundary_arn()))
            }),
            read(
                Attribute::optional("force_detach_policies", Type::Bool)
                    .default(Value::Bool(false)),
                |_: &RoleRead, at| {
                    Value::Bool(boolean(at.prior, "force_detach_policies").unwrap_or(false))
                },
            ),
            read(
                Attribute::optional_computed("managed_policy_arns", Type::set(Type::String)),
                |r: &RoleRead, _| r.attached.as_deref().map(string_list).unwrap_or(Value::Null),
            ),
            read_block(
                Block::set(
                    "inline_policy",
                    Schema::new()
                        .attr(Attribute::optional("name", Type::String))
                        .attr(Attribute::optional("policy", Type::Json)),
                )
                .computed(),
                |r: &RoleRead, at| inline_blocks(r.inline.as_ref(), at.prior),
            ),
            read(Attribute::optional("description", Type::String), |r: &RoleRead, _| {
                text(r.role.description().filter(|d| !d.is_empty()))
            }),
            reported(
                Attribute::optional("path", Type::String).default(Value::string("/")).force_new(),
                |r: &RoleRead| r.role.path(),
            ),
            read(
                Attribute::optional("max_session_duration", Type::Number)
                    .default(Value::Number(3600.0))
                    .check(Check::Range(3600, 43200)),
                |r: &RoleRead, _| {
                    number(Some(i64::from(r.role.max_session_duration().unwrap_or(3600))))
                },
            ),
        ]
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let policy_path = "assume_role_policy".to_string();
        problems.extend(json_problem(config, "assume_role_policy", policy_path));
        if let Some(name) = config.get("name").as_str() {
            if name.len() > 64
                || !name.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
            {
                problems.push(("name".to_string(), format!("\"{name}\" is not a valid IAM role name (at most 64 of [A-Za-z0-9+=,.@_-])")));
            }
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
            let path = format!("inline_policy[{index}].policy");
            problems.extend(json_problem(block, "policy", path));
            if block.get("name").is_null() != block.get("policy").is_null() {
                problems.push((
                    format!("inline_policy[{index}]"),
                    "an inline_policy block needs both \"name\" and \"policy\" (or neither, to remove every inline policy)".to_string(),
                ));
            }
        }
        problems
    }

    /// Roles by name. One name is a GetRole; more are one ListRoles walk plus GetRole per
    /// found role.
    async fn describe(this: &ObjectType<Self>, names: &[String]) -> DescribeResult<RoleRead> {
        let client = &this.aws.clients().await.iam;
        let mut out = BTreeMap::new();
        if let [name] = names {
            if let Some(role) = get(this, name).await? {
                out.insert(name.clone(), role);
            }
            return Ok(out);
        }
        if names.is_empty() {
            return Ok(out);
        }
        let listed: Vec<Role> = all_items!(client.list_roles())?;
        let reads = listed
            .iter()
            .map(|role| role.role_name().to_string())
            .filter(|name| names.contains(name))
            .map(|name| async move {
                let role = get(this, &name).await?;
                Ok((name, role))
            })
            .collect();
        let roles = read_each(reads).await?;
        out.extend(roles.into_iter().filter_map(|(name, role)| Some((name, role?))));
        Ok(out)
    }

    /// The inline policies and attachments, only where `hint` manages them.
    async fn read_more(
        this: &AwsIamRole,
        read: &mut RoleRead,
        hint: &Value,
    ) -> Result<(), ProviderError> {
        let client = &this.aws.clients().await.iam;
        let name = read.role.role_name();
        read.inline = match manages_inline(hint) {
            true => Some(inline_policies(client, name).await?),
            false => None,
        };
        read.attached = match manages_attachments(hint) {
            true => Some(attached_policies(client, name).await?),
            false => None,
        };
        Ok(())
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.iam;
        let name = new_name(at.operation, at.planned);
        sent!(client
            .create_role()
            .role_name(&name)
            .set_assume_role_policy_document(string(at.planned, "assume_role_policy"))
            .set_description(string(at.planned, "description"))
            .set_path(string(at.planned, "path"))
            .set_max_session_duration(int(at.planned, "max_session_duration"))
            .set_permissions_boundary(non_empty(at.planned, "permissions_boundary"))
            .set_tags(Some(tags_to_sdk(&at.operation.tags_with_managed(at.planned))?)))?;
        if manages_inline(at.planned) {
            sync_inline_policies(client, &name, at.planned).await?;
        }
        if manages_attachments(at.planned) {
            sync_managed(client, &name, at.planned).await?;
        }
        Ok(name)
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.iam;
        let prior_policy = string(at.prior, "assume_role_policy").map(|p| canonical_json(&p));
        let planned_policy = string(at.planned, "assume_role_policy").map(|p| canonical_json(&p));
        if prior_policy != planned_policy {
            sent!(client
                .update_assume_role_policy()
                .role_name(at.key)
                .set_policy_document(string(at.planned, "assume_role_policy")))?;
        }
        if changed(at.prior, at.planned, "description")
            || changed(at.prior, at.planned, "max_session_duration")
        {
            sent!(client
                .update_role()
                .role_name(at.key)
                .description(string(at.planned, "description").unwrap_or_default())
                .set_max_session_duration(int(at.planned, "max_session_duration")))?;
        }
        if changed(at.prior, at.planned, "permissions_boundary") {
            match non_empty(at.planned, "permissions_boundary") {
                Some(boundary) => {
                    sent!(client
                        .put_role_permissions_boundary()
                        .role_name(at.key)
                        .permissions_boundary(boundary))?;
                }
                None => {
                    sent!(client.delete_role_permissions_boundary().role_name(at.key))?;
                }
            }
        }
        if manages_inline(at.planned) && changed(at.prior, at.planned, "inline_policy") {
            sync_inline_policies(client, at.key, at.planned).await?;
        } else if manages_inline(at.prior) && !manages_inline(at.planned) {
            // No longer managed here: the policies this role owned go.
            for policy in configured_inline(at.prior).keys() {
                Principal::Role.delete_inline_policy(client, at.key, policy).await?;
            }
        }
        if manages_attachments(at.planned)
            && at.planned.get("managed_policy_arns").is_wholly_known()
            && changed(at.prior, at.planned, "managed_policy_arns")
        {
            sync_managed(client, at.key, at.planned).await?;
        }
        update_tags!(client, untag_role, tag_role, role_name(at.key), at.prior, at.planned).await?;
        Ok(at.key.to_string())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let client = &at.this.aws.clients().await.iam;
        if get(at.this, at.key).await?.is_none() {
            return Ok(());
        }
        // DeleteRole fails while the role is in an instance profile or has policies.
        let profiles: Vec<_> =
            all_items!(client.list_instance_profiles_for_role().role_name(at.key))?;
        for profile in profiles {
            sent!(client
                .remove_role_from_instance_profile()
                .role_name(at.key)
                .instance_profile_name(profile.instance_profile_name()))?;
        }
        let force = boolean(at.prior, "force_detach_policies").unwrap_or(false);
        let inline = match force {
            true => inline_policies(client, at.key).await?,
            false => configured_inline(at.prior),
        };
        for policy in inline.keys() {
            Principal::Role.delete_inline_policy(client, at.key, policy).await?;
        }
        let attached = match force {
            true => attached_policies(client, at.key).await?,
            false => strings(at.prior, "managed_policy_arns"),
        };
        for arn in attached {
            Principal::Role.detach(client, at.key, &arn).await?;
        }
        gone(sent!(client.delete_role().role_name(at.key)))
    }
}
