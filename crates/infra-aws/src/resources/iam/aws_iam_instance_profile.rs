//! `aws_iam_instance_profile`: an IAM instance profile, holding at most one role.
//!
//! `name`, `name_prefix` and `path` force replacement; `role` and tags change in place (the
//! old role is removed, the new one added). Delete removes the role, then the profile. The id
//! is the name, which is also the import ID. Refresh is one GetInstanceProfile per profile
//! (ListInstanceProfiles returns no tags), run concurrently.
//!
//! The provider's deprecated `roles` was removed in v3 and is not accepted. `name_prefix` is
//! read back from the name (one ending in a 26-hex-digit unique suffix), as the provider does.
//! moto holds every argument; drift on them is seen in tests.

use aws_sdk_iam::types::InstanceProfile;
use infra_core::{Attribute, Operation, ProviderError, Type, Value};

use crate::app_support::{computed_name_prefix_attribute, name_attribute, non_empty, sent, string};
use crate::aws_object::{
    each_key, AwsObject, Creating, Deleting, DescribeResult, ObjectType, Tagged, Updating,
};
use crate::declared::{read, reported, Declared, Reading};
use crate::ec2_support::with_name_for_create;
use crate::error::aws_error;
use crate::iam_support::{
    date, found, gone, name_prefix_from_name, name_problems, new_name, owned_tags, tags_to_sdk,
    update_tags,
};
use crate::tagging::ManagedTags;

pub type AwsIamInstanceProfile = ObjectType<InstanceProfileObject>;

pub struct InstanceProfileObject;

async fn get(
    this: &AwsIamInstanceProfile,
    name: &str,
) -> Result<Option<Tagged<InstanceProfile>>, ProviderError> {
    let client = &this.aws.clients().await.iam;
    Ok(found(sent!(client.get_instance_profile().instance_profile_name(name)))?
        .and_then(|r| r.instance_profile().cloned())
        .map(|profile| Tagged { tags: owned_tags(profile.tags()), object: profile }))
}

async fn remove_role(
    client: &aws_sdk_iam::Client,
    profile: &str,
    role: &str,
) -> Result<(), ProviderError> {
    gone(sent!(client
        .remove_role_from_instance_profile()
        .instance_profile_name(profile)
        .role_name(role)))
}

async fn add_role(
    client: &aws_sdk_iam::Client,
    profile: &str,
    role: &str,
) -> Result<(), ProviderError> {
    client
        .add_role_to_instance_profile()
        .instance_profile_name(profile)
        .role_name(role)
        .send()
        .await
        .map(|_| ())
        .map_err(aws_error)
}

impl AwsObject for InstanceProfileObject {
    type Object = InstanceProfile;
    const NAME: &'static str = "aws_iam_instance_profile";
    const KIND: &'static str = "IAM instance profile";
    const KEY: &'static str = "name";
    const KEY_OR_ID: bool = true;
    const EVENTUALLY_CONSISTENT: bool = true;

    /// The attributes (before `tags`/`tags_all`), each with how it is read from the SDK's
    /// profile.
    fn attributes() -> Vec<Declared<InstanceProfile>> {
        type Profile = InstanceProfile;
        vec![
            reported(Attribute::computed("id", Type::String), Profile::instance_profile_name),
            reported(Attribute::computed("arn", Type::String), Profile::arn),
            read(
                Attribute::computed("create_date", Type::String),
                |profile: &Profile, _: &Reading| date(Some(profile.create_date())),
            ),
            reported(Attribute::computed("unique_id", Type::String), Profile::instance_profile_id),
            reported(name_attribute(), Profile::instance_profile_name),
            read(computed_name_prefix_attribute(), |profile: &Profile, _: &Reading| {
                name_prefix_from_name(profile.instance_profile_name())
            }),
            reported(
                Attribute::optional("path", Type::String).default(Value::string("/")).force_new(),
                Profile::path,
            ),
            read(Attribute::optional("role", Type::String), |profile: &Profile, _: &Reading| {
                let role = profile.roles().first();
                role.map(|r| Value::string(r.role_name())).unwrap_or(Value::Null)
            }),
        ]
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        name_problems(config, 128)
    }

    /// The generated `name` goes into the create's pending entry ([`with_name_for_create`]).
    fn with_generated_names(operation: &Operation, planned: Value) -> Value {
        with_name_for_create(operation, planned, ["name", "name_prefix"], "terraform-")
    }

    fn created_key(operation: &Operation, planned: &Value) -> Option<String> {
        Some(new_name(operation, planned))
    }

    /// One GetInstanceProfile per profile (ListInstanceProfiles returns no tags), run
    /// concurrently.
    async fn describe(
        this: &ObjectType<Self>,
        names: &[String],
    ) -> DescribeResult<InstanceProfile> {
        each_key(names, |name| get(this, name)).await
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.iam;
        let name = new_name(at.operation, at.planned);
        sent!(client
            .create_instance_profile()
            .instance_profile_name(&name)
            .set_path(string(at.planned, "path"))
            .set_tags(Some(tags_to_sdk(&at.operation.tags_with_managed(at.planned))?)))?;
        if let Some(role) = non_empty(at.planned, "role") {
            add_role(client, &name, &role).await?;
        }
        Ok(name)
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.iam;
        let before = non_empty(at.prior, "role");
        let after = non_empty(at.planned, "role");
        if before != after {
            if let Some(role) = &before {
                remove_role(client, at.key, role).await?;
            }
            if let Some(role) = &after {
                add_role(client, at.key, role).await?;
            }
        }
        update_tags!(
            client,
            untag_instance_profile,
            tag_instance_profile,
            instance_profile_name(at.key),
            at.prior,
            at.planned
        )
        .await?;
        Ok(at.key.to_string())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let client = &at.this.aws.clients().await.iam;
        let Some(profile) = get(at.this, at.key).await? else {
            return Ok(());
        };
        // DeleteInstanceProfile fails while the profile holds a role.
        for role in profile.object.roles() {
            remove_role(client, at.key, role.role_name()).await?;
        }
        gone(sent!(client.delete_instance_profile().instance_profile_name(at.key)))
    }
}
