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

use infra_core::{Attribute, ProviderError, Schema, Type};

use crate::app_support::{is_missing, sent};
use crate::association::{Members, MembersType};
use crate::error::aws_error;
use crate::iam_support::gone;

pub type AwsIamGroupMembership = MembersType<GroupMembers>;

/// The users of an IAM group as [`Members`].
pub struct GroupMembers;

impl Members for GroupMembers {
    const NAME: &'static str = "aws_iam_group_membership";
    const KEY: &'static str = "group";
    const KINDS: &'static [&'static str] = &["users"];
    const UNKNOWN: &'static str = "aws_iam_group_membership needs a known group";
    const NO_KEY: &'static str = "aws_iam_group_membership has no group in state";
    const DELETE_GONE_OK: bool = true;

    fn schema() -> Schema {
        Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("name", Type::String).force_new())
            .attr(Attribute::required("users", Type::set(Type::String)))
            .attr(Attribute::required("group", Type::String).force_new())
    }

    /// The group's users (GetGroup); `None` when the group does not exist.
    async fn members(
        this: &AwsIamGroupMembership,
        group: &str,
    ) -> Result<Option<Vec<BTreeSet<String>>>, ProviderError> {
        let client = &this.aws.clients().await.iam;
        let mut out = BTreeSet::new();
        let mut pages = client.get_group().group_name(group).into_paginator().send();
        while let Some(page) = pages.next().await {
            match page.map_err(aws_error) {
                Ok(page) => out.extend(page.users().iter().map(|u| u.user_name().to_string())),
                Err(error) if is_missing(&error) => return Ok(None),
                Err(error) => return Err(error),
            }
        }
        Ok(Some(vec![out]))
    }

    async fn change(
        this: &AwsIamGroupMembership,
        _kind: usize,
        group: &str,
        user: &str,
        add: bool,
    ) -> Result<(), ProviderError> {
        let client = &this.aws.clients().await.iam;
        match add {
            true => sent!(client.add_user_to_group().group_name(group).user_name(user)).map(drop),
            false => gone(sent!(client.remove_user_from_group().group_name(group).user_name(user))),
        }
    }
}
