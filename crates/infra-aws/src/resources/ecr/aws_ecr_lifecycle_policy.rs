//! `aws_ecr_lifecycle_policy`: the lifecycle policy (image expiry rules) of an ECR repository.
//!
//! The ID is the repository name (also the import ID). Refresh is GetLifecyclePolicy per
//! repository (ECR has no batched read). `policy` is compared as normalised JSON and changes in
//! place (PutLifecyclePolicy replaces it); `repository` forces a new policy. A policy carries
//! no tags: a create whose answer was lost is the repository's policy when it is the planned
//! one.
//!
//! moto holds every argument of this type; drift on all of them is seen in tests.

use std::collections::BTreeMap;
use std::sync::Arc;

use infra_core::{Attribute, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{canonical_json, policy_value, string, text, vanished};
use crate::ecr_support::is_gone;
use crate::error::aws_error;
use crate::Aws;

pub struct AwsEcrLifecyclePolicy {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsEcrLifecyclePolicy {
    pub fn new(aws: Arc<Aws>) -> AwsEcrLifecyclePolicy {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("repository", Type::String).force_new())
            .attr(Attribute::required("policy", Type::Json))
            .attr(Attribute::computed("registry_id", Type::String));
        AwsEcrLifecyclePolicy { aws, schema }
    }

    /// The repository's lifecycle policy: `(registry ID, policy text)`, `None` when it has none.
    async fn get(&self, repository: &str) -> Result<Option<(String, String)>, ProviderError> {
        let client = &self.aws.clients().await.ecr;
        match client
            .get_lifecycle_policy()
            .repository_name(repository)
            .send()
            .await
            .map_err(aws_error)
        {
            Ok(response) => Ok(response.lifecycle_policy_text().map(|policy| {
                (
                    response.registry_id().unwrap_or_default().to_string(),
                    policy.to_string(),
                )
            })),
            Err(error) if is_gone(&error) => Ok(None),
            Err(error) => Err(error),
        }
    }

    async fn read_one(&self, repository: &str, hint: &Value) -> Result<Value, ProviderError> {
        self.get(repository)
            .await?
            .map(|(registry, policy)| to_value(repository, &registry, &policy, hint))
            .ok_or_else(|| vanished("ECR lifecycle policy", repository))
    }

    async fn put(&self, planned: &Value) -> Result<String, ProviderError> {
        let client = &self.aws.clients().await.ecr;
        let repository = string(planned, "repository")
            .ok_or_else(|| ProviderError::new("aws_ecr_lifecycle_policy has no repository"))?;
        client
            .put_lifecycle_policy()
            .repository_name(&repository)
            .lifecycle_policy_text(canonical_json(
                &string(planned, "policy").unwrap_or_default(),
            ))
            .send()
            .await
            .map_err(aws_error)?;
        Ok(repository)
    }
}

fn to_value(repository: &str, registry: &str, policy: &str, hint: &Value) -> Value {
    let mut object = BTreeMap::new();
    object.insert("id".to_string(), Value::string(repository));
    object.insert("repository".to_string(), Value::string(repository));
    object.insert("registry_id".to_string(), text(Some(registry)));
    object.insert(
        "policy".to_string(),
        policy_value(Some(policy), hint.get("policy")),
    );
    Value::Map(object)
}

#[async_trait::async_trait]
impl ResourceType for AwsEcrLifecyclePolicy {
    fn name(&self) -> &'static str {
        "aws_ecr_lifecycle_policy"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        match config.get("policy").as_str() {
            Some(policy) if serde_json::from_str::<serde_json::Value>(policy).is_err() => vec![(
                "policy".to_string(),
                "\"policy\" contains an invalid JSON".to_string(),
            )],
            _ => vec![],
        }
    }

    async fn create(&self, _operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let repository = self.put(planned).await?;
        self.read_one(&repository, planned).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        _prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let repository = self.put(planned).await?;
        self.read_one(&repository, planned).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.ecr;
        let Some(repository) = string(prior, "repository") else {
            return Ok(());
        };
        match client
            .delete_lifecycle_policy()
            .repository_name(&repository)
            .send()
            .await
            .map_err(aws_error)
        {
            Ok(_) => Ok(()),
            Err(error) if is_gone(&error) => Ok(()),
            Err(error) => Err(error),
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let mut out = Vec::with_capacity(prior.len());
        for p in prior {
            let Some(repository) = string(p, "repository").or_else(|| string(p, "id")) else {
                out.push(None);
                continue;
            };
            out.push(
                self.get(&repository)
                    .await?
                    .map(|(registry, policy)| to_value(&repository, &registry, &policy, p)),
            );
        }
        Ok(out)
    }

    /// Terraform's import ID: the repository name.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        Ok(infra_core::resource::import_by("repository", id))
    }

    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let Some(repository) = string(planned, "repository") else {
            return Ok(None);
        };
        let wanted = canonical_json(&string(planned, "policy").unwrap_or_default());
        Ok(self
            .get(&repository)
            .await?
            .filter(|(_, policy)| canonical_json(policy) == wanted)
            .map(|(registry, policy)| to_value(&repository, &registry, &policy, planned)))
    }
}
