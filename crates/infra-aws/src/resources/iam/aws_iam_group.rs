//! `aws_iam_group`: an IAM group.
//!
//! `name` and `path` change in place (UpdateGroup). Groups take no tags. Delete fails with
//! AWS's `DeleteConflict` while the group has members or policies, as in the provider. The id
//! is the name, which is also the import ID. Refresh of one group is a GetGroup; of more, one
//! ListGroups walk (which returns every field of the type).
//!
//! moto holds every argument; drift on them is seen in tests.

use std::collections::BTreeMap;

use aws_sdk_iam::types::Group;
use infra_core::{Operation, ProviderError, Value};

use crate::app_support::{sent, string};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, ObjectType, Tagged, Updating,
};
use crate::declared::Declared;
use crate::error::aws_error;
use crate::iam_support::{found, gone, name_problems, named_in_path, renamed_or_moved};

pub type AwsIamGroup = ObjectType<GroupObject>;

pub struct GroupObject;

async fn get(this: &AwsIamGroup, name: &str) -> Result<Option<Group>, ProviderError> {
    let client = &this.aws.clients().await.iam;
    Ok(found(sent!(client.get_group().group_name(name).max_items(1)))?
        .and_then(|r| r.group().cloned()))
}

/// A group, which has no tags.
fn untagged(group: Group) -> Tagged<Group> {
    Tagged { object: group, tags: vec![] }
}

impl AwsObject for GroupObject {
    type Object = Group;
    const NAME: &'static str = "aws_iam_group";
    const KIND: &'static str = "IAM group";
    const KEY: &'static str = "name";
    const KEY_OR_ID: bool = true;
    const EVENTUALLY_CONSISTENT: bool = true;
    const TAGGED: bool = false;

    /// The attributes, each with how it is read from the SDK's group.
    fn attributes() -> Vec<Declared<Group>> {
        named_in_path(Group::group_name, Group::arn, Group::group_id, Group::path)
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        name_problems(config, 128)
    }

    /// Groups have no tags: found by name.
    fn created_key(_operation: &Operation, planned: &Value) -> Option<String> {
        string(planned, "name")
    }

    /// Groups by name: one GetGroup for one name, else one ListGroups walk.
    async fn describe(this: &ObjectType<Self>, names: &[String]) -> DescribeResult<Group> {
        let client = &this.aws.clients().await.iam;
        let mut out = BTreeMap::new();
        if let [name] = names {
            if let Some(group) = get(this, name).await? {
                out.insert(name.clone(), untagged(group));
            }
            return Ok(out);
        }
        if names.is_empty() {
            return Ok(out);
        }
        let mut pages = client.list_groups().into_paginator().send();
        while let Some(page) = pages.next().await {
            for group in page.map_err(aws_error)?.groups() {
                if names.iter().any(|n| n == group.group_name()) {
                    out.insert(group.group_name().to_string(), untagged(group.clone()));
                }
            }
        }
        Ok(out)
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.iam;
        let name = string(at.planned, "name")
            .ok_or_else(|| ProviderError::new("aws_iam_group needs a known name"))?;
        sent!(client.create_group().group_name(&name).set_path(string(at.planned, "path")))?;
        Ok(name)
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.iam;
        let renamed = renamed_or_moved(at.key, at.prior, at.planned);
        if renamed.sent {
            sent!(client
                .update_group()
                .group_name(at.key)
                .set_new_group_name(renamed.new_name)
                .set_new_path(renamed.new_path))?;
        }
        Ok(renamed.name)
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let client = &at.this.aws.clients().await.iam;
        gone(sent!(client.delete_group().group_name(at.key)))
    }
}
