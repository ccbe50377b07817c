//! `aws_iam_policy_attachment`: the *exclusive* attachment of one managed policy to users,
//! roles and groups. Across the account, every principal the policy is attached to belongs to
//! this resource: refresh reports all of them (ListEntitiesForPolicy), so an attachment made
//! elsewhere shows as drift and the next apply detaches it, as the provider does.
//!
//! `name` and `policy_arn` force replacement; `users`, `roles` and `groups` change in place
//! (attach the added, detach the removed). When the policy is gone, or attached to nothing,
//! the resource is gone (as the provider reads it). The id is `name`; the provider offers no
//! import, and neither does infra. Refresh is one ListEntitiesForPolicy walk per attachment,
//! run concurrently.
//!
//! `name` is configuration only (IAM has no object for it). moto holds every other argument;
//! drift on them is seen in tests.

use std::collections::BTreeSet;
use std::sync::Arc;

use infra_core::{Attribute, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{is_missing, string, string_list, strings};
use crate::error::aws_error;
use crate::iam_support::{arn_problem, read_each, Principal};
use crate::Aws;

/// The principals a policy is attached to, by kind.
#[derive(Debug, Default, PartialEq)]
struct Entities {
    users: BTreeSet<String>,
    roles: BTreeSet<String>,
    groups: BTreeSet<String>,
}

impl Entities {
    fn configured(value: &Value) -> Entities {
        let set = |key| strings(value, key).into_iter().collect();
        Entities {
            users: set("users"),
            roles: set("roles"),
            groups: set("groups"),
        }
    }

    fn is_empty(&self) -> bool {
        self.users.is_empty() && self.roles.is_empty() && self.groups.is_empty()
    }

    fn by_kind(&self) -> [(Principal, &BTreeSet<String>); 3] {
        [
            (Principal::User, &self.users),
            (Principal::Role, &self.roles),
            (Principal::Group, &self.groups),
        ]
    }
}

pub struct AwsIamPolicyAttachment {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsIamPolicyAttachment {
    pub fn new(aws: Arc<Aws>) -> AwsIamPolicyAttachment {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("name", Type::String).force_new())
            .attr(Attribute::optional("users", Type::set(Type::String)))
            .attr(Attribute::optional("roles", Type::set(Type::String)))
            .attr(Attribute::optional("groups", Type::set(Type::String)))
            .attr(Attribute::required("policy_arn", Type::String).force_new());
        AwsIamPolicyAttachment { aws, schema }
    }

    /// Everything the policy is attached to; `None` when the policy does not exist.
    async fn entities(&self, policy_arn: &str) -> Result<Option<Entities>, ProviderError> {
        let client = &self.aws.clients().await.iam;
        let mut out = Entities::default();
        let mut pages = client
            .list_entities_for_policy()
            .policy_arn(policy_arn)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = match page.map_err(aws_error) {
                Ok(page) => page,
                Err(error) if is_missing(&error) => return Ok(None),
                Err(error) => return Err(error),
            };
            out.users.extend(
                page.policy_users()
                    .iter()
                    .filter_map(|u| u.user_name().map(str::to_string)),
            );
            out.roles.extend(
                page.policy_roles()
                    .iter()
                    .filter_map(|r| r.role_name().map(str::to_string)),
            );
            out.groups.extend(
                page.policy_groups()
                    .iter()
                    .filter_map(|g| g.group_name().map(str::to_string)),
            );
        }
        Ok(Some(out))
    }

    async fn read_one(&self, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(policy_arn) = string(prior, "policy_arn") else {
            return Ok(None);
        };
        Ok(self
            .entities(&policy_arn)
            .await?
            .filter(|e| !e.is_empty())
            .map(|e| to_value(&policy_arn, &e, prior)))
    }

    /// Attaches and detaches so that the policy is attached to exactly `wanted`, starting
    /// from `current`.
    async fn sync(
        &self,
        policy_arn: &str,
        current: &Entities,
        wanted: &Entities,
    ) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.iam;
        for ((principal, before), (_, after)) in current.by_kind().into_iter().zip(wanted.by_kind())
        {
            for owner in before.difference(after) {
                principal.detach(client, owner, policy_arn).await?;
            }
            for owner in after.difference(before) {
                principal.attach(client, owner, policy_arn).await?;
            }
        }
        Ok(())
    }
}

fn to_value(policy_arn: &str, entities: &Entities, hint: &Value) -> Value {
    // An unset list stays unset when nothing of its kind is attached.
    let list = |key: &str, found: &BTreeSet<String>| {
        if found.is_empty() && hint.get(key).is_null() {
            Value::Null
        } else {
            string_list(found)
        }
    };
    Value::map([
        ("id", hint.get("name").clone()),
        ("name", hint.get("name").clone()),
        ("policy_arn", Value::string(policy_arn)),
        ("users", list("users", &entities.users)),
        ("roles", list("roles", &entities.roles)),
        ("groups", list("groups", &entities.groups)),
    ])
}

#[async_trait::async_trait]
impl ResourceType for AwsIamPolicyAttachment {
    fn name(&self) -> &'static str {
        "aws_iam_policy_attachment"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems: Vec<_> = arn_problem(config, "policy_arn").into_iter().collect();
        if config.get("name").as_str() == Some("") {
            problems.push(("name".to_string(), "\"name\" must not be empty".to_string()));
        }
        problems
    }

    async fn create(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let policy_arn = string(planned, "policy_arn")
            .ok_or_else(|| ProviderError::new("aws_iam_policy_attachment needs a policy_arn"))?;
        let wanted = Entities::configured(planned);
        // Create attaches what is configured; other principals are detached by the next
        // apply, after refresh shows them (as the provider does).
        self.sync(&policy_arn, &Entities::default(), &wanted)
            .await?;
        Ok(to_value(&policy_arn, &wanted, planned))
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let policy_arn = string(prior, "policy_arn")
            .ok_or_else(|| ProviderError::new("aws_iam_policy_attachment has no policy_arn"))?;
        let wanted = Entities::configured(planned);
        self.sync(&policy_arn, &Entities::configured(prior), &wanted)
            .await?;
        Ok(to_value(&policy_arn, &wanted, planned))
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some(policy_arn) = string(prior, "policy_arn") else {
            return Ok(());
        };
        self.sync(
            &policy_arn,
            &Entities::configured(prior),
            &Entities::default(),
        )
        .await
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        read_each(prior.iter().map(|p| self.read_one(p)).collect()).await
    }

    fn import_prior(&self, _id: &str) -> Result<Value, ProviderError> {
        Err(ProviderError::not_importable("aws_iam_policy_attachment"))
    }

    /// The attachment has no object of its own: found when every configured principal has
    /// the policy.
    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let Some(policy_arn) = string(planned, "policy_arn") else {
            return Ok(None);
        };
        let wanted = Entities::configured(planned);
        let Some(found) = self.entities(&policy_arn).await? else {
            return Ok(None);
        };
        let complete = wanted.users.is_subset(&found.users)
            && wanted.roles.is_subset(&found.roles)
            && wanted.groups.is_subset(&found.groups);
        Ok((complete && !wanted.is_empty()).then(|| to_value(&policy_arn, &found, planned)))
    }
}
