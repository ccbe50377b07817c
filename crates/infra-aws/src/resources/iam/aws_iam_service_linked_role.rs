//! `aws_iam_service_linked_role`: a role that an AWS service assumes, made by
//! CreateServiceLinkedRole (IAM chooses its name and path, `/aws-service-role/<service>/`).
//!
//! `aws_service_name` and `custom_suffix` force replacement; `description` (UpdateRole) and
//! tags change in place. CreateServiceLinkedRole takes no tags, so they are added with TagRole
//! right after, as the provider does. Delete is DeleteServiceLinkedRole, then polling the
//! deletion task until it succeeds (or fails, with AWS's reason). The id is the ARN, which is
//! also the import ID. Refresh is one GetRole per role, run concurrently.
//!
//! moto holds every argument; drift on them is seen in tests.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_iam::types::{DeletionTaskStatusType, Role};
use infra_core::{Attribute, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{changed, has_managed_tags, sent, set_tags, string, text, wait_for};
use crate::error::aws_error;
use crate::iam_support::{
    date, found, owned_tags, propagated, read_each, tag_pairs, tags_to_sdk, update_tags,
};
use crate::tagging::{ManagedTags, WithTags};
use crate::{create_memo, Aws};

pub struct AwsIamServiceLinkedRole {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsIamServiceLinkedRole {
    pub fn new(aws: Arc<Aws>) -> AwsIamServiceLinkedRole {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("create_date", Type::String))
            .attr(Attribute::computed("name", Type::String))
            .attr(Attribute::computed("path", Type::String))
            .attr(Attribute::computed("unique_id", Type::String))
            .attr(Attribute::required("aws_service_name", Type::String).force_new())
            .attr(Attribute::optional("custom_suffix", Type::String).force_new())
            .attr(Attribute::optional("description", Type::String))
            .with_tags();
        AwsIamServiceLinkedRole { aws, schema }
    }

    async fn get(&self, name: &str) -> Result<Option<Role>, ProviderError> {
        let client = &self.aws.clients().await.iam;
        Ok(found(sent!(client.get_role().role_name(name)))?.and_then(|r| r.role().cloned()))
    }

    /// The names of the roles under the service's path with the configured suffix: the
    /// roles a create of `planned` could have made.
    async fn roles_like(&self, planned: &Value) -> Result<Vec<String>, ProviderError> {
        let client = &self.aws.clients().await.iam;
        let Some(service) = string(planned, "aws_service_name") else {
            return Ok(vec![]);
        };
        let wanted_suffix = string(planned, "custom_suffix");
        let mut names = Vec::new();
        let mut pages = client
            .list_roles()
            .path_prefix(format!("/aws-service-role/{service}/"))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            names.extend(
                page.map_err(aws_error)?
                    .roles()
                    .iter()
                    .filter(|r| suffix(r.role_name()) == wanted_suffix.as_deref())
                    .map(|r| r.role_name().to_string()),
            );
        }
        Ok(names)
    }

    async fn read_one(&self, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(arn) = string(prior, "arn").or_else(|| string(prior, "id")) else {
            return Ok(None);
        };
        let Some((service, name)) = parse_arn(&arn) else {
            return Ok(None);
        };
        Ok(self
            .get(&name)
            .await?
            .map(|role| to_value(&role, &service, prior)))
    }

    async fn read_written(&self, arn: &str, planned: &Value) -> Result<Value, ProviderError> {
        let written = Value::map([
            ("arn", Value::string(arn)),
            ("custom_suffix", planned.get("custom_suffix").clone()),
        ]);
        propagated("IAM service-linked role", arn, || self.read_one(&written)).await
    }
}

/// `arn:aws:iam::123456789012:role/aws-service-role/<service>/<name>` → (service, name).
fn parse_arn(arn: &str) -> Option<(String, String)> {
    let resource = arn.split_once(":role/aws-service-role/")?.1;
    let (service, name) = resource.rsplit_once('/')?;
    (!service.is_empty() && !name.is_empty()).then(|| (service.to_string(), name.to_string()))
}

/// The suffix IAM appended to the role's name (`AWSServiceRoleForAutoScaling_infra`): as the
/// provider reads it, only a name of exactly two `_`-separated parts has one.
fn suffix(name: &str) -> Option<&str> {
    let mut parts = name.split('_');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(_), Some(suffix), None) => Some(suffix),
        _ => None,
    }
}

fn to_value(role: &Role, service: &str, hint: &Value) -> Value {
    let mut object = BTreeMap::new();
    object.insert("id".to_string(), Value::string(role.arn()));
    object.insert("arn".to_string(), Value::string(role.arn()));
    object.insert("create_date".to_string(), date(Some(role.create_date())));
    object.insert("name".to_string(), Value::string(role.role_name()));
    object.insert("path".to_string(), Value::string(role.path()));
    object.insert("unique_id".to_string(), Value::string(role.role_id()));
    object.insert("aws_service_name".to_string(), Value::string(service));
    // Application Auto Scaling names its roles with a suffix of its own
    // (`AWSServiceRoleForApplicationAutoScaling_ECSService`); an unset `custom_suffix` is not
    // drift there (the provider suppresses that difference).
    let chosen_by_service =
        service.contains(".application-autoscaling.") && hint.get("custom_suffix").is_null();
    object.insert(
        "custom_suffix".to_string(),
        match suffix(role.role_name()) {
            Some(_) if chosen_by_service => Value::Null,
            Some(suffix) => Value::string(suffix),
            None => Value::Null,
        },
    );
    object.insert(
        "description".to_string(),
        text(role.description().filter(|d| !d.is_empty())),
    );
    set_tags(&mut object, tag_pairs(role.tags()));
    Value::Map(object)
}

#[async_trait::async_trait]
impl ResourceType for AwsIamServiceLinkedRole {
    fn name(&self) -> &'static str {
        "aws_iam_service_linked_role"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        match config.get("aws_service_name").as_str() {
            Some(service) if !service.contains('.') => vec![(
                "aws_service_name".to_string(),
                format!(
                    "\"{service}\" must be a full service hostname e.g. elasticbeanstalk.amazonaws.com"
                ),
            )],
            _ => vec![],
        }
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.iam;
        // Tagged by a later call: a role whose create answer was lost is found by having
        // been absent before the first send (`find_created`).
        if !create_memo::recorded(operation) {
            let existing = self.roles_like(planned).await?;
            create_memo::record(operation, existing);
        }
        let response = sent!(client
            .create_service_linked_role()
            .set_aws_service_name(string(planned, "aws_service_name"))
            .set_custom_suffix(string(planned, "custom_suffix"))
            .set_description(string(planned, "description")))?;
        let role = response
            .role()
            .ok_or_else(|| ProviderError::new("CreateServiceLinkedRole returned no role"))?;
        sent!(client
            .tag_role()
            .role_name(role.role_name())
            .set_tags(Some(tags_to_sdk(&operation.tags_with_managed(planned))?)))?;
        self.read_written(role.arn(), planned).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.iam;
        let (arn, name) = match (string(prior, "arn"), string(prior, "name")) {
            (Some(arn), Some(name)) => (arn, name),
            _ => {
                return Err(ProviderError::new(
                    "aws_iam_service_linked_role has no arn or name in state",
                ))
            }
        };
        if changed(prior, planned, "description") {
            sent!(client
                .update_role()
                .role_name(&name)
                .description(string(planned, "description").unwrap_or_default()))?;
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
        self.read_written(&arn, planned).await
    }

    async fn delete(&self, operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.iam;
        let Some(name) = string(prior, "name") else {
            return Ok(());
        };
        let Some(task) = found(sent!(client.delete_service_linked_role().role_name(&name)))?
            .map(|r| r.deletion_task_id().to_string())
        else {
            return Ok(());
        };
        wait_for(
            &format!("deletion of service-linked role {name}"),
            operation.timeouts.delete,
            || async {
                let status = sent!(client
                    .get_service_linked_role_deletion_status()
                    .deletion_task_id(&task))?;
                match status.status() {
                    DeletionTaskStatusType::Succeeded => Ok(Some(())),
                    DeletionTaskStatusType::Failed => Err(ProviderError::with_code(
                        "DeletionTaskFailed",
                        format!(
                            "deleting service-linked role {name} failed: {:?}",
                            status.reason()
                        ),
                    )),
                    _ => Ok(None),
                }
            },
        )
        .await
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        read_each(prior.iter().map(|p| self.read_one(p)).collect()).await
    }

    /// Terraform's import ID: the ARN.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        if parse_arn(id).is_none() {
            return Err(ProviderError::new(format!(
                "unexpected format of ID ({id}), expected a service-linked role ARN (arn:aws:iam::ACCOUNT:role/aws-service-role/SERVICE/NAME)"
            )));
        }
        Ok(infra_core::resource::import_by("arn", id))
    }

    /// Among the roles under the service's path with the configured suffix, the one this run's
    /// create made (absent before its first send, `create_memo`), else the one with this
    /// operation's managed tags.
    async fn find_created(
        &self,
        operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let Some(service) = string(planned, "aws_service_name") else {
            return Ok(None);
        };
        let names = self.roles_like(planned).await?;
        let made = create_memo::made_since_first_send(operation, names.iter().map(String::as_str))
            .unwrap_or_default();
        for name in names {
            if let Some(role) = self.get(&name).await? {
                if made.contains(&name) || has_managed_tags(&owned_tags(role.tags()), operation) {
                    return Ok(Some(to_value(&role, &service, planned)));
                }
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_linked_role_arns_parse() {
        assert_eq!(
            parse_arn("arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling_infra"),
            Some((
                "autoscaling.amazonaws.com".to_string(),
                "AWSServiceRoleForAutoScaling_infra".to_string()
            ))
        );
        assert_eq!(parse_arn("arn:aws:iam::123456789012:role/app"), None);
        assert_eq!(suffix("AWSServiceRoleForAutoScaling_infra"), Some("infra"));
        assert_eq!(suffix("AWSServiceRoleForAutoScaling"), None);
        assert_eq!(suffix("AWSServiceRoleFor_a_b"), None);
    }
}
