//! `aws_iam_role`: an IAM role and its trust policy.
//!
//! Refresh is one ListRoles walk (paginated, within the common path prefix) matched by name,
//! then ListRoleTags per found role (ListRoles does not return tags). The trust policy is
//! compared as canonical JSON; IAM returns it URL-encoded.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_iam::types::{Role, Tag};
use infra_core::{Attribute, Check, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{
    canonical_json, changed, has_managed_tags, int, is_missing, number, percent_decode, set_tags,
    string, tag_changes, text, vanished,
};
use crate::error::aws_error;
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
            .attr(Attribute::optional_computed("name", Type::String).force_new())
            .attr(Attribute::required("assume_role_policy", Type::Json))
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

    async fn tags(&self, name: &str) -> Result<Vec<(String, String)>, ProviderError> {
        let client = &self.aws.clients().await.iam;
        let mut tags = Vec::new();
        let mut pages = client
            .list_role_tags()
            .role_name(name)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            tags.extend(
                page.map_err(aws_error)?
                    .tags()
                    .iter()
                    .map(|t| (t.key().to_string(), t.value().to_string())),
            );
        }
        Ok(tags)
    }

    /// Roles by name, with tags. One name is a GetRole (which carries tags); more are one
    /// ListRoles walk plus ListRoleTags per found role.
    async fn describe(
        &self,
        names: &[String],
    ) -> Result<BTreeMap<String, (Role, Vec<(String, String)>)>, ProviderError> {
        let client = &self.aws.clients().await.iam;
        let mut out = BTreeMap::new();
        if let [name] = names {
            match client
                .get_role()
                .role_name(name)
                .send()
                .await
                .map_err(aws_error)
            {
                Ok(response) => {
                    if let Some(role) = response.role() {
                        let tags = role
                            .tags()
                            .iter()
                            .map(|t| (t.key().to_string(), t.value().to_string()))
                            .collect();
                        out.insert(name.clone(), (role.clone(), tags));
                    }
                }
                Err(error) if is_missing(&error) => {}
                Err(error) => return Err(error),
            }
            return Ok(out);
        }
        if names.is_empty() {
            return Ok(out);
        }
        let mut pages = client.list_roles().into_paginator().send();
        while let Some(page) = pages.next().await {
            for role in page.map_err(aws_error)?.roles() {
                if names.iter().any(|n| n == role.role_name()) {
                    out.insert(role.role_name().to_string(), (role.clone(), Vec::new()));
                }
            }
        }
        for (name, (_, tags)) in out.iter_mut() {
            *tags = self.tags(name).await?;
        }
        Ok(out)
    }

    async fn read_one(&self, name: &str, hint: &Value) -> Result<Value, ProviderError> {
        self.describe(&[name.to_string()])
            .await?
            .get(name)
            .map(|(role, tags)| to_value(role, tags, hint))
            .ok_or_else(|| vanished("IAM role", name))
    }
}

/// The role as a value. The trust policy keeps the configuration's text when it means the
/// same JSON, so a plan shows no change for whitespace or key order.
fn to_value(role: &Role, tags: &[(String, String)], hint: &Value) -> Value {
    let reported = role.assume_role_policy_document().map(|document| {
        let decoded = if document.trim_start().starts_with('{') {
            document.to_string()
        } else {
            percent_decode(document)
        };
        canonical_json(&decoded)
    });
    let policy = match (reported, hint.get("assume_role_policy").as_str()) {
        (Some(reported), Some(configured)) if canonical_json(configured) == reported => {
            Value::string(configured)
        }
        (reported, _) => text(reported.as_deref()),
    };
    let mut object = BTreeMap::new();
    object.insert("id".to_string(), Value::string(role.role_name()));
    object.insert("arn".to_string(), Value::string(role.arn()));
    object.insert("unique_id".to_string(), Value::string(role.role_id()));
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
    set_tags(
        &mut object,
        tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    );
    Value::Map(object)
}

fn tags_to_sdk(tags: &BTreeMap<String, String>) -> Result<Vec<Tag>, ProviderError> {
    tags.iter()
        .map(|(k, v)| {
            Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| ProviderError::new(format!("tag \"{k}\": {e}")))
        })
        .collect()
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
        problems
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.iam;
        let name = string(planned, "name")
            .ok_or_else(|| ProviderError::new("aws_iam_role needs a known \"name\""))?;
        client
            .create_role()
            .role_name(&name)
            .set_assume_role_policy_document(string(planned, "assume_role_policy"))
            .set_description(string(planned, "description"))
            .set_path(string(planned, "path"))
            .set_max_session_duration(int(planned, "max_session_duration"))
            .set_tags(Some(tags_to_sdk(&operation.tags_with_managed(planned))?))
            .send()
            .await
            .map_err(aws_error)?;
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
            client
                .update_assume_role_policy()
                .role_name(&name)
                .set_policy_document(string(planned, "assume_role_policy"))
                .send()
                .await
                .map_err(aws_error)?;
        }
        if changed(prior, planned, "description") || changed(prior, planned, "max_session_duration")
        {
            client
                .update_role()
                .role_name(&name)
                .description(string(planned, "description").unwrap_or_default())
                .set_max_session_duration(int(planned, "max_session_duration"))
                .send()
                .await
                .map_err(aws_error)?;
        }
        let (to_set, to_remove) = tag_changes(prior, planned);
        if !to_remove.is_empty() {
            client
                .untag_role()
                .role_name(&name)
                .set_tag_keys(Some(to_remove))
                .send()
                .await
                .map_err(aws_error)?;
        }
        if !to_set.is_empty() {
            client
                .tag_role()
                .role_name(&name)
                .set_tags(Some(tags_to_sdk(&to_set)?))
                .send()
                .await
                .map_err(aws_error)?;
        }
        self.read_one(&name, planned).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.iam;
        let Some(name) = string(prior, "name") else {
            return Ok(());
        };
        match client
            .delete_role()
            .role_name(&name)
            .send()
            .await
            .map_err(aws_error)
        {
            Ok(_) => Ok(()),
            Err(error) if is_missing(&error) => Ok(()),
            Err(error) => Err(error),
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let names: Vec<String> = prior.iter().filter_map(|p| string(p, "name")).collect();
        let found = self.describe(&names).await?;
        Ok(prior
            .iter()
            .map(|p| {
                string(p, "name")
                    .and_then(|name| found.get(&name))
                    .map(|(role, tags)| to_value(role, tags, p))
            })
            .collect())
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
        let Some(name) = string(planned, "name") else {
            return Ok(None);
        };
        Ok(self
            .describe(std::slice::from_ref(&name))
            .await?
            .get(&name)
            .filter(|(_, tags)| has_managed_tags(tags, operation))
            .map(|(role, tags)| to_value(role, tags, planned)))
    }
}
