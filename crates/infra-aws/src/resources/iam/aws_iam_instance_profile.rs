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

use std::sync::Arc;

use aws_sdk_iam::types::InstanceProfile;
use infra_core::{Attribute, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{has_managed_tags, non_empty, sent, set_tags, string};
use crate::declared::{declare, read, reported, Declaration, Declared, Reading};
use crate::ec2_support::with_name_for_create;
use crate::error::aws_error;
use crate::iam_support::{
    date, found, gone, name_prefix_from_name, name_problems, new_name, owned_tags, propagated,
    read_each, tag_pairs, tags_to_sdk, update_tags,
};
use crate::tagging::{ManagedTags, WithTags};
use crate::Aws;

pub struct AwsIamInstanceProfile {
    aws: Arc<Aws>,
    schema: Schema,
    declaration: Declaration<InstanceProfile>,
}

/// The attributes (before `tags`/`tags_all`), each with how it is read from the SDK's profile.
fn attributes() -> Vec<Declared<InstanceProfile>> {
    type Profile = InstanceProfile;
    vec![
        reported(
            Attribute::computed("id", Type::String),
            Profile::instance_profile_name,
        ),
        reported(Attribute::computed("arn", Type::String), Profile::arn),
        read(
            Attribute::computed("create_date", Type::String),
            |profile: &Profile, _: &Reading| date(Some(profile.create_date())),
        ),
        reported(
            Attribute::computed("unique_id", Type::String),
            Profile::instance_profile_id,
        ),
        reported(
            Attribute::optional_computed("name", Type::String).force_new(),
            Profile::instance_profile_name,
        ),
        read(
            Attribute::optional_computed("name_prefix", Type::String).force_new(),
            |profile: &Profile, _: &Reading| name_prefix_from_name(profile.instance_profile_name()),
        ),
        reported(
            Attribute::optional("path", Type::String)
                .default(Value::string("/"))
                .force_new(),
            Profile::path,
        ),
        read(
            Attribute::optional("role", Type::String),
            |profile: &Profile, _: &Reading| {
                let role = profile.roles().first();
                role.map(|r| Value::string(r.role_name()))
                    .unwrap_or(Value::Null)
            },
        ),
    ]
}

impl AwsIamInstanceProfile {
    pub fn new(aws: Arc<Aws>) -> AwsIamInstanceProfile {
        let (schema, declaration) = declare(Schema::new(), attributes());
        AwsIamInstanceProfile {
            aws,
            schema: schema.with_tags(),
            declaration,
        }
    }

    fn to_value(&self, profile: &InstanceProfile) -> Value {
        let mut value = self.declaration.value(profile, &Reading::of(&Value::Null));
        if let Some(object) = value.map_mut() {
            set_tags(object, tag_pairs(profile.tags()));
        }
        value
    }

    async fn get(&self, name: &str) -> Result<Option<InstanceProfile>, ProviderError> {
        let client = &self.aws.clients().await.iam;
        Ok(found(sent!(client
            .get_instance_profile()
            .instance_profile_name(name)))?
        .and_then(|r| r.instance_profile().cloned()))
    }

    async fn read_one(&self, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(name) = string(prior, "name").or_else(|| string(prior, "id")) else {
            return Ok(None);
        };
        Ok(self.get(&name).await?.map(|p| self.to_value(&p)))
    }

    async fn read_written(&self, name: &str) -> Result<Value, ProviderError> {
        let profile = propagated("IAM instance profile", name, || self.get(name)).await?;
        Ok(self.to_value(&profile))
    }

    async fn remove_role(&self, profile: &str, role: &str) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.iam;
        gone(sent!(client
            .remove_role_from_instance_profile()
            .instance_profile_name(profile)
            .role_name(role)))
    }

    async fn add_role(&self, profile: &str, role: &str) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.iam;
        client
            .add_role_to_instance_profile()
            .instance_profile_name(profile)
            .role_name(role)
            .send()
            .await
            .map(|_| ())
            .map_err(aws_error)
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsIamInstanceProfile {
    fn name(&self) -> &'static str {
        "aws_iam_instance_profile"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        name_problems(config, 128)
    }

    /// The generated `name` goes into the create's pending entry ([`with_name_for_create`]).
    fn with_generated_names(&self, operation: &Operation, planned: Value) -> Value {
        with_name_for_create(operation, planned, ["name", "name_prefix"], "terraform-")
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.iam;
        let name = new_name(operation, planned);
        sent!(client
            .create_instance_profile()
            .instance_profile_name(&name)
            .set_path(string(planned, "path"))
            .set_tags(Some(tags_to_sdk(&operation.tags_with_managed(planned))?)))?;
        if let Some(role) = non_empty(planned, "role") {
            self.add_role(&name, &role).await?;
        }
        self.read_written(&name).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.iam;
        let name = string(prior, "name")
            .ok_or_else(|| ProviderError::new("aws_iam_instance_profile has no name in state"))?;
        let before = non_empty(prior, "role");
        let after = non_empty(planned, "role");
        if before != after {
            if let Some(role) = &before {
                self.remove_role(&name, role).await?;
            }
            if let Some(role) = &after {
                self.add_role(&name, role).await?;
            }
        }
        update_tags!(
            client,
            untag_instance_profile,
            tag_instance_profile,
            instance_profile_name(&name),
            prior,
            planned
        )
        .await?;
        self.read_written(&name).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.iam;
        let Some(name) = string(prior, "name") else {
            return Ok(());
        };
        let Some(profile) = self.get(&name).await? else {
            return Ok(());
        };
        // DeleteInstanceProfile fails while the profile holds a role.
        for role in profile.roles() {
            self.remove_role(&name, role.role_name()).await?;
        }
        gone(sent!(client
            .delete_instance_profile()
            .instance_profile_name(&name)))
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
        let name = new_name(operation, planned);
        Ok(self
            .get(&name)
            .await?
            .filter(|p| has_managed_tags(&owned_tags(p.tags()), operation))
            .map(|p| self.to_value(&p)))
    }
}
