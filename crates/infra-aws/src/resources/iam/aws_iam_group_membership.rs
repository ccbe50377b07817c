//! `aws_iam_group_membership`: the *exclusive* member list of one IAM group. Refresh reports
//! every user in the group (GetGroup), so a user added elsewhere shows as drift and the next
//! apply removes it, as the provider does.
//!
//! `name` and `group` force replacement; `users` changes in place (added users are added,
//! removed ones removed). Delete removes the listed users from the group. The id is `name`;
//! the provider offers no import, and neither does infra. Refresh is one GetGroup walk per
//! membership, run concurrently.
//!
//! `name` is configuration only (IAM has no object for it). moto holds every other argument;
//! drift on them is seen in tests.

use std::collections::BTreeSet;
use std::sync::Arc;

use infra_core::{Attribute, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{is_missing, sent, string, string_list, strings};
use crate::error::aws_error;
use crate::iam_support::{gone, read_each};
use crate::Aws;

pub struct AwsIamGroupMembership {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsIamGroupMembership {
    pub fn new(aws: Arc<Aws>) -> AwsIamGroupMembership {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("name", Type::String).force_new())
            .attr(Attribute::required("users", Type::set(Type::String)))
            .attr(Attribute::required("group", Type::String).force_new());
        AwsIamGroupMembership { aws, schema }
    }

    /// The group's users; `None` when the group does not exist.
    async fn members(&self, group: &str) -> Result<Option<BTreeSet<String>>, ProviderError> {
        let client = &self.aws.clients().await.iam;
        let mut out = BTreeSet::new();
        let mut pages = client.get_group().group_name(group).into_paginator().send();
        while let Some(page) = pages.next().await {
            match page.map_err(aws_error) {
                Ok(page) => out.extend(page.users().iter().map(|u| u.user_name().to_string())),
                Err(error) if is_missing(&error) => return Ok(None),
                Err(error) => return Err(error),
            }
        }
        Ok(Some(out))
    }

    async fn read_one(&self, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(group) = string(prior, "group") else {
            return Ok(None);
        };
        Ok(self
            .members(&group)
            .await?
            .map(|users| to_value(&group, &users, prior)))
    }

    async fn sync(
        &self,
        group: &str,
        current: &BTreeSet<String>,
        wanted: &BTreeSet<String>,
    ) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.iam;
        for user in current.difference(wanted) {
            gone(sent!(client
                .remove_user_from_group()
                .group_name(group)
                .user_name(user)))?;
        }
        for user in wanted.difference(current) {
            sent!(client.add_user_to_group().group_name(group).user_name(user))?;
        }
        Ok(())
    }
}

fn users(value: &Value) -> BTreeSet<String> {
    strings(value, "users").into_iter().collect()
}

fn to_value(group: &str, users: &BTreeSet<String>, hint: &Value) -> Value {
    Value::map([
        ("id", hint.get("name").clone()),
        ("name", hint.get("name").clone()),
        ("group", Value::string(group)),
        ("users", string_list(users)),
    ])
}

#[async_trait::async_trait]
impl ResourceType for AwsIamGroupMembership {
    fn name(&self) -> &'static str {
        "aws_iam_group_membership"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn create(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let group = string(planned, "group")
            .ok_or_else(|| ProviderError::new("aws_iam_group_membership needs a known group"))?;
        let wanted = users(planned);
        self.sync(&group, &BTreeSet::new(), &wanted).await?;
        Ok(to_value(&group, &wanted, planned))
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let group = string(prior, "group")
            .ok_or_else(|| ProviderError::new("aws_iam_group_membership has no group in state"))?;
        let wanted = users(planned);
        self.sync(&group, &users(prior), &wanted).await?;
        Ok(to_value(&group, &wanted, planned))
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some(group) = string(prior, "group") else {
            return Ok(());
        };
        match self.sync(&group, &users(prior), &BTreeSet::new()).await {
            Err(error) if is_missing(&error) => Ok(()),
            other => other,
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        read_each(prior.iter().map(|p| self.read_one(p)).collect()).await
    }

    fn import_prior(&self, _id: &str) -> Result<Value, ProviderError> {
        Err(ProviderError::not_importable("aws_iam_group_membership"))
    }

    /// The membership has no object of its own: found when every configured user is in the
    /// group.
    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let Some(group) = string(planned, "group") else {
            return Ok(None);
        };
        let wanted = users(planned);
        Ok(self
            .members(&group)
            .await?
            .filter(|found| wanted.is_subset(found))
            .map(|found| to_value(&group, &found, planned)))
    }
}
