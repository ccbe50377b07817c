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

use aws_sdk_iam::types::User;
use infra_core::{Attribute, Operation, ProviderError, Type, Value};

use crate::app_support::{boolean, changed, non_empty, sent, string, text};
use crate::aws_object::{
    each_key, AwsObject, Creating, Deleting, DescribeResult, ObjectType, Tagged, Updating,
};
use crate::declared::{read, Declared};
use crate::iam_support::{
    found, gone, name_problems, named_in_path, owned_tags, renamed_or_moved, tags_to_sdk,
    update_tags,
};
use crate::tagging::ManagedTags;
use crate::verify::ARN;

pub type AwsIamUser = ObjectType<UserObject>;

pub struct UserObject;

async fn get(this: &AwsIamUser, name: &str) -> Result<Option<Tagged<User>>, ProviderError> {
    let client = &this.aws.clients().await.iam;
    Ok(found(sent!(client.get_user().user_name(name)))?
        .and_then(|r| r.user().cloned())
        .map(|user| Tagged { tags: owned_tags(user.tags()), object: user }))
}

/// Removes the user from every group (IAM refuses to delete a group member; the provider
/// always does this, with or without `force_destroy`).
async fn leave_groups(client: &aws_sdk_iam::Client, name: &str) -> Result<(), ProviderError> {
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
async fn strip(client: &aws_sdk_iam::Client, name: &str) -> Result<(), ProviderError> {
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
            gone(sent!(client.delete_virtual_mfa_device().serial_number(device.serial_number())))?;
        }
    }
    // moto does not implement service-specific credentials; a failure to list them is
    // not a reason to keep the user.
    if let Ok(credentials) = client.list_service_specific_credentials().user_name(name).send().await
    {
        for credential in credentials.service_specific_credentials() {
            gone(sent!(client
                .delete_service_specific_credential()
                .user_name(name)
                .service_specific_credential_id(credential.service_specific_credential_id())))?;
        }
    }
    Ok(())
}

impl AwsObject for UserObject {
    type Object = User;
    const NAME: &'static str = "aws_iam_user";
    const KIND: &'static str = "IAM user";
    const KEY: &'static str = "name";
    const KEY_OR_ID: bool = true;
    const EVENTUALLY_CONSISTENT: bool = true;

    fn attributes() -> Vec<Declared<User>> {
        let mut attributes = named_in_path(User::user_name, User::arn, User::user_id, User::path);
        attributes.extend([
            read(
                Attribute::optional("permissions_boundary", Type::String).check(ARN),
                |user: &User, _| {
                    text(user.permissions_boundary().and_then(|b| b.permissions_boundary_arn()))
                },
            ),
            read(
                Attribute::optional("force_destroy", Type::Bool).default(Value::Bool(false)),
                |_: &User, at| Value::Bool(boolean(at.prior, "force_destroy").unwrap_or(false)),
            ),
        ]);
        attributes
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = name_problems(config, 64);
        if let Some(name) = config.get("name").as_str() {
            if !name.chars().all(|c| c.is_ascii_alphanumeric() || "=,.@-_+".contains(c)) {
                problems.push((
                    "name".to_string(),
                    format!("\"{name}\" must only contain alphanumeric characters, hyphens, underscores, commas, periods, @ symbols, plus and equals signs"),
                ));
            }
        }
        problems
    }

    fn created_key(_operation: &Operation, planned: &Value) -> Option<String> {
        string(planned, "name")
    }

    /// One GetUser per user (ListUsers returns neither tags nor the permissions boundary),
    /// run concurrently.
    async fn describe(this: &ObjectType<Self>, names: &[String]) -> DescribeResult<User> {
        each_key(names, |name| get(this, name)).await
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.iam;
        let name = string(at.planned, "name")
            .ok_or_else(|| ProviderError::new("aws_iam_user needs a known name"))?;
        sent!(client
            .create_user()
            .user_name(&name)
            .set_path(string(at.planned, "path"))
            .set_permissions_boundary(non_empty(at.planned, "permissions_boundary"))
            .set_tags(Some(tags_to_sdk(&at.operation.tags_with_managed(at.planned))?)))?;
        Ok(name)
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.iam;
        let renamed = renamed_or_moved(at.key, at.prior, at.planned);
        if renamed.sent {
            sent!(client
                .update_user()
                .user_name(at.key)
                .set_new_user_name(renamed.new_name)
                .set_new_path(renamed.new_path))?;
        }
        let name = renamed.name;
        if changed(at.prior, at.planned, "permissions_boundary") {
            match non_empty(at.planned, "permissions_boundary") {
                Some(boundary) => {
                    sent!(client
                        .put_user_permissions_boundary()
                        .user_name(&name)
                        .permissions_boundary(boundary))?;
                }
                None => gone(sent!(client.delete_user_permissions_boundary().user_name(&name)))?,
            }
        }
        update_tags!(client, untag_user, tag_user, user_name(&name), at.prior, at.planned).await?;
        Ok(name)
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let client = &at.this.aws.clients().await.iam;
        if get(at.this, at.key).await?.is_none() {
            return Ok(());
        }
        leave_groups(client, at.key).await?;
        if boolean(at.prior, "force_destroy").unwrap_or(false) {
            strip(client, at.key).await?;
        }
        gone(sent!(client.delete_user().user_name(at.key)))
    }
}
