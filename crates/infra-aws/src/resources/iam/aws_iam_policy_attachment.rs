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

use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::app_support::is_missing;
use crate::association::{Members, MembersType};
use crate::error::aws_error;
use crate::iam_support::Principal;
use crate::verify::ARN;

pub type AwsIamPolicyAttachment = MembersType<PolicyAttachments>;

/// The principals a managed policy is attached to as [`Members`]: users, roles, groups.
pub struct PolicyAttachments;

/// The principal of each of [`PolicyAttachments`]' kinds.
const PRINCIPALS: [Principal; 3] = [Principal::User, Principal::Role, Principal::Group];

impl Members for PolicyAttachments {
    const NAME: &'static str = "aws_iam_policy_attachment";
    const KEY: &'static str = "policy_arn";
    const KINDS: &'static [&'static str] = &["users", "roles", "groups"];
    const UNKNOWN: &'static str = "aws_iam_policy_attachment needs a policy_arn";
    const NO_KEY: &'static str = "aws_iam_policy_attachment has no policy_arn";
    /// A policy attached to nothing is gone, as the provider reads it.
    const NONE_IS_GONE: bool = true;

    fn schema() -> Schema {
        Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("name", Type::String).force_new())
            .attr(Attribute::optional("users", Type::set(Type::String)))
            .attr(Attribute::optional("roles", Type::set(Type::String)))
            .attr(Attribute::optional("groups", Type::set(Type::String)))
            .attr(Attribute::required("policy_arn", Type::String).force_new().check(ARN))
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if config.get("name").as_str() == Some("") {
            problems.push(("name".to_string(), "\"name\" must not be empty".to_string()));
        }
        problems
    }

    /// Everything the policy is attached to (ListEntitiesForPolicy); `None` when the policy
    /// does not exist.
    async fn members(
        this: &AwsIamPolicyAttachment,
        policy_arn: &str,
    ) -> Result<Option<Vec<BTreeSet<String>>>, ProviderError> {
        let client = &this.aws.clients().await.iam;
        let (mut users, mut roles, mut groups) = Default::default();
        let mut pages =
            client.list_entities_for_policy().policy_arn(policy_arn).into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = match page.map_err(aws_error) {
                Ok(page) => page,
                Err(error) if is_missing(&error) => return Ok(None),
                Err(error) => return Err(error),
            };
            let users_of = page.policy_users().iter().filter_map(|u| u.user_name());
            let roles_of = page.policy_roles().iter().filter_map(|r| r.role_name());
            let groups_of = page.policy_groups().iter().filter_map(|g| g.group_name());
            extend(&mut users, users_of);
            extend(&mut roles, roles_of);
            extend(&mut groups, groups_of);
        }
        Ok(Some(vec![users, roles, groups]))
    }

    async fn change(
        this: &AwsIamPolicyAttachment,
        kind: usize,
        policy_arn: &str,
        owner: &str,
        add: bool,
    ) -> Result<(), ProviderError> {
        let client = &this.aws.clients().await.iam;
        match add {
            true => PRINCIPALS[kind].attach(client, owner, policy_arn).await,
            false => PRINCIPALS[kind].detach(client, owner, policy_arn).await,
        }
    }
}

fn extend<'a>(set: &mut BTreeSet<String>, names: impl Iterator<Item = &'a str>) {
    set.extend(names.map(str::to_string));
}
