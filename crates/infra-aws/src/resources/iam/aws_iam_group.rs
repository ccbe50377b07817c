//! `aws_iam_group`: an IAM group.
//!
//! `name` and `path` change in place (UpdateGroup). Groups take no tags. Delete fails with
//! AWS's `DeleteConflict` while the group has members or policies, as in the provider. The id
//! is the name, which is also the import ID. Refresh of one group is a GetGroup; of more, one
//! ListGroups walk (which returns every field of the type).
//!
//! moto holds every argument; drift on them is seen in tests.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_iam::types::Group;
use infra_core::{Attribute, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{changed, sent, string};
use crate::declared::{declare, reported, Declaration, Declared, Reading};
use crate::error::aws_error;
use crate::iam_support::{found, gone, name_problems, propagated};
use crate::Aws;

pub struct AwsIamGroup {
    aws: Arc<Aws>,
    schema: Schema,
    declaration: Declaration<Group>,
}

/// The attributes, each with how it is read from the SDK's group.
fn attributes() -> Vec<Declared<Group>> {
    vec![
        reported(Attribute::computed("id", Type::String), Group::group_name),
        reported(Attribute::computed("arn", Type::String), Group::arn),
        reported(
            Attribute::computed("unique_id", Type::String),
            Group::group_id,
        ),
        reported(Attribute::required("name", Type::String), Group::group_name),
        reported(
            Attribute::optional("path", Type::String).default(Value::string("/")),
            Group::path,
        ),
    ]
}

impl AwsIamGroup {
    pub fn new(aws: Arc<Aws>) -> AwsIamGroup {
        let (schema, declaration) = declare(Schema::new(), attributes());
        AwsIamGroup {
            aws,
            schema,
            declaration,
        }
    }

    fn to_value(&self, group: &Group) -> Value {
        self.declaration.value(group, &Reading::of(&Value::Null))
    }

    async fn get(&self, name: &str) -> Result<Option<Group>, ProviderError> {
        let client = &self.aws.clients().await.iam;
        Ok(
            found(sent!(client.get_group().group_name(name).max_items(1)))?
                .and_then(|r| r.group().cloned()),
        )
    }

    /// Groups by name: one GetGroup for one name, else one ListGroups walk.
    async fn describe(&self, names: &[String]) -> Result<BTreeMap<String, Group>, ProviderError> {
        let client = &self.aws.clients().await.iam;
        let mut out = BTreeMap::new();
        if let [name] = names {
            if let Some(group) = self.get(name).await? {
                out.insert(name.clone(), group);
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
                    out.insert(group.group_name().to_string(), group.clone());
                }
            }
        }
        Ok(out)
    }

    async fn read_written(&self, name: &str) -> Result<Value, ProviderError> {
        let group = propagated("IAM group", name, || self.get(name)).await?;
        Ok(self.to_value(&group))
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsIamGroup {
    fn name(&self) -> &'static str {
        "aws_iam_group"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        name_problems(config, 128)
    }

    async fn create(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.iam;
        let name = string(planned, "name")
            .ok_or_else(|| ProviderError::new("aws_iam_group needs a known name"))?;
        sent!(client
            .create_group()
            .group_name(&name)
            .set_path(string(planned, "path")))?;
        self.read_written(&name).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.iam;
        let old_name = string(prior, "name")
            .ok_or_else(|| ProviderError::new("aws_iam_group has no name in state"))?;
        let name = string(planned, "name").unwrap_or_else(|| old_name.clone());
        if name != old_name || changed(prior, planned, "path") {
            sent!(client
                .update_group()
                .group_name(&old_name)
                .set_new_group_name((name != old_name).then(|| name.clone()))
                .set_new_path(
                    changed(prior, planned, "path")
                        .then(|| string(planned, "path"))
                        .flatten(),
                ))?;
        }
        self.read_written(&name).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.iam;
        let Some(name) = string(prior, "name") else {
            return Ok(());
        };
        gone(sent!(client.delete_group().group_name(&name)))
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let names: Vec<String> = prior
            .iter()
            .filter_map(|p| string(p, "name").or_else(|| string(p, "id")))
            .collect();
        let found = self.describe(&names).await?;
        Ok(prior
            .iter()
            .map(|p| {
                let name = string(p, "name").or_else(|| string(p, "id"))?;
                found.get(&name).map(|group| self.to_value(group))
            })
            .collect())
    }

    /// Terraform's import ID: the name.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        Ok(infra_core::resource::import_by("name", id))
    }

    /// Groups have no tags: found by name.
    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let Some(name) = string(planned, "name") else {
            return Ok(None);
        };
        Ok(self.get(&name).await?.map(|g| self.to_value(&g)))
    }
}
