//! `aws_iam_user`: an IAM user.
//!
//! `name` and `path` change in place (UpdateUser renames and moves the user), as do
//! `permissions_boundary` and tags. Delete first removes the user from its groups (as the
//! provider always does); with `force_destroy` it also removes the credentials made outside:
//! access keys, the login profile, SSH public keys, signing certificates, MFA devices and
//! service-specific credentials. Inline policies and managed attachments are not touched (as
//! in the provider): while any remain, DeleteUser fails with AWS's `DeleteConflict`. The id is the name, which is also the import ID. Refresh is one GetUser
//! per user (ListUsers returns neither tags nor the permissions boundary), run concurrently.
//!
//! `force_destroy` is configuration only. moto does not implement user permissions boundaries
//! (CreateUser ignores `PermissionsBoundary`, and there is no PutUserPermissionsBoundary), so
//! `permissions_boundary` is not set in tests and drift on it is not seen. moto holds every
//! other argument; drift on them is seen in tests.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_iam::types::User;
use infra_core::{Attribute, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{
    boolean, changed, has_managed_tags, non_empty, sent, set_tags, string, text,
};
use crate::iam_support::{
    arn_problem, found, gone, name_problems, owned_tags, propagated, read_each, tag_pairs,
    tags_to_sdk, update_tags,
};
use crate::tagging::{ManagedTags, WithTags};
use crate::Aws;

pub struct AwsIamUser {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsIamUser {
    pub fn new(aws: Arc<Aws>) -> AwsIamUser {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("unique_id", Type::String))
            .attr(Attribute::required("name", Type::String))
            .attr(Attribute::optional("path", Type::String).default(Value::string("/")))
            .attr(Attribute::optional("permissions_boundary", Type::String))
            .attr(Attribute::optional("force_destroy", Type::Bool).default(Value::Bool(false)))
            .with_tags();
        AwsIamUser { aws, schema }
    }

    async fn get(&self, name: &str) -> Result<Option<User>, ProviderError> {
        let client = &self.aws.clients().await.iam;
        Ok(found(sent!(client.get_user().user_name(name)))?.and_then(|r| r.user().cloned()))
    }

    async fn read_one(&self, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(name) = string(prior, "name").or_else(|| string(prior, "id")) else {
            return Ok(None);
        };
        Ok(self.get(&name).await?.map(|u| to_value(&u, prior)))
    }

    async fn read_written(&self, name: &str, planned: &Value) -> Result<Value, ProviderError> {
        let user = propagated("IAM user", name, || self.get(name)).await?;
        Ok(to_value(&user, planned))
    }

    /// Removes the user from every group (IAM refuses to delete a group member; the provider
    /// always does this, with or without `force_destroy`).
    async fn leave_groups(&self, name: &str) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.iam;
        let groups = sent!(client.list_groups_for_user().user_name(name))?;
        for group in groups.groups() {
            gone(sent!(client
                .remove_user_from_group()
                .user_name(name)
                .group_name(group.group_name())))?;
        }
        Ok(())
    }

    /// Removes the credentials that keep IAM from deleting the user (`force_destroy`).
    async fn strip(&self, name: &str) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.iam;
        let keys = sent!(client.list_access_keys().user_name(name))?;
        for key in keys.access_key_metadata() {
            gone(sent!(client
                .delete_access_key()
                .user_name(name)
                .set_access_key_id(key.access_key_id().map(str::to_string))))?;
        }
        gone(sent!(client.delete_login_profile().user_name(name)))?;
        let ssh = sent!(client.list_ssh_public_keys().user_name(name))?;
        for key in ssh.ssh_public_keys() {
            gone(sent!(client
                .delete_ssh_public_key()
                .user_name(name)
                .ssh_public_key_id(key.ssh_public_key_id())))?;
        }
        let certificates = sent!(client.list_signing_certificates().user_name(name))?;
        for certificate in certificates.certificates() {
            gone(sent!(client
                .delete_signing_certificate()
                .user_name(name)
                .certificate_id(certificate.certificate_id())))?;
        }
        let devices = sent!(client.list_mfa_devices().user_name(name))?;
        for device in devices.mfa_devices() {
            gone(sent!(client
                .deactivate_mfa_device()
                .user_name(name)
                .serial_number(device.serial_number())))?;
            if device.serial_number().starts_with("arn:") {
                gone(sent!(client
                    .delete_virtual_mfa_device()
                    .serial_number(device.serial_number())))?;
            }
        }
        // moto does not implement service-specific credentials; a failure to list them is
        // not a reason to keep the user.
        if let Ok(credentials) = client
            .list_service_specific_credentials()
            .user_name(name)
            .send()
            .await
        {
            for credential in credentials.service_specific_credentials() {
                gone(sent!(client
                    .delete_service_specific_credential()
                    .user_name(name)
                    .service_specific_credential_id(
                        credential.service_specific_credential_id()
                    )))?;
            }
        }
        Ok(())
    }
}

fn to_value(user: &User, hint: &Value) -> Value {
    let mut object = BTreeMap::new();
    object.insert("id".to_string(), Value::string(user.user_name()));
    object.insert("arn".to_string(), Value::string(user.arn()));
    object.insert("unique_id".to_string(), Value::string(user.user_id()));
    object.insert("name".to_string(), Value::string(user.user_name()));
    object.insert("path".to_string(), Value::string(user.path()));
    object.insert(
        "permissions_boundary".to_string(),
        text(
            user.permissions_boundary()
                .and_then(|b| b.permissions_boundary_arn()),
        ),
    );
    object.insert(
        "force_destroy".to_string(),
        Value::Bool(boolean(hint, "force_destroy").unwrap_or(false)),
    );
    set_tags(&mut object, tag_pairs(user.tags()));
    Value::Map(object)
}

#[async_trait::async_trait]
impl ResourceType for AwsIamUser {
    fn name(&self) -> &'static str {
        "aws_iam_user"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = name_problems(config, 64);
        if let Some(name) = config.get("name").as_str() {
            if !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "=,.@-_+".contains(c))
            {
                problems.push((
                    "name".to_string(),
                    format!("\"{name}\" must only contain alphanumeric characters, hyphens, underscores, commas, periods, @ symbols, plus and equals signs"),
                ));
            }
        }
        problems.extend(arn_problem(config, "permissions_boundary"));
        problems
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.iam;
        let name = string(planned, "name")
            .ok_or_else(|| ProviderError::new("aws_iam_user needs a known name"))?;
        sent!(client
            .create_user()
            .user_name(&name)
            .set_path(string(planned, "path"))
            .set_permissions_boundary(non_empty(planned, "permissions_boundary"))
            .set_tags(Some(tags_to_sdk(&operation.tags_with_managed(planned))?)))?;
        self.read_written(&name, planned).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.iam;
        let old_name = string(prior, "name")
            .ok_or_else(|| ProviderError::new("aws_iam_user has no name in state"))?;
        let name = string(planned, "name").unwrap_or_else(|| old_name.clone());
        if name != old_name || changed(prior, planned, "path") {
            sent!(client
                .update_user()
                .user_name(&old_name)
                .set_new_user_name((name != old_name).then(|| name.clone()))
                .set_new_path(
                    changed(prior, planned, "path")
                        .then(|| string(planned, "path"))
                        .flatten(),
                ))?;
        }
        if changed(prior, planned, "permissions_boundary") {
            match non_empty(planned, "permissions_boundary") {
                Some(boundary) => {
                    sent!(client
                        .put_user_permissions_boundary()
                        .user_name(&name)
                        .permissions_boundary(boundary))?;
                }
                None => gone(sent!(client
                    .delete_user_permissions_boundary()
                    .user_name(&name)))?,
            }
        }
        update_tags!(
            client,
            untag_user,
            tag_user,
            user_name(&name),
            prior,
            planned
        )
        .await?;
        self.read_written(&name, planned).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.iam;
        let Some(name) = string(prior, "name") else {
            return Ok(());
        };
        if self.get(&name).await?.is_none() {
            return Ok(());
        }
        self.leave_groups(&name).await?;
        if boolean(prior, "force_destroy").unwrap_or(false) {
            self.strip(&name).await?;
        }
        gone(sent!(client.delete_user().user_name(&name)))
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        read_each(prior.iter().map(|p| self.read_one(p)).collect()).await
    }

    /// Terraform's import ID: the name.
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
            .get(&name)
            .await?
            .filter(|u| has_managed_tags(&owned_tags(u.tags()), operation))
            .map(|u| to_value(&u, planned)))
    }
}
