//! The two policy documents of an ECR repository (lifecycle and access), one implementation
//! for `aws_ecr_lifecycle_policy` and `aws_ecr_repository_policy`.
//!
//! moto holds every argument of both types; drift on all of them is seen in tests.

use std::collections::BTreeMap;
use std::sync::Arc;

use infra_core::{Attribute, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{
    canonical_json, invalid_json, policy_value, sent, string, text, vanished,
};
use crate::ecr_support::is_gone;
use crate::error::aws_error;
use crate::Aws;

/// Which of a repository's two documents a type manages.
#[derive(Clone, Copy)]
pub enum DocumentKind {
    /// `aws_ecr_lifecycle_policy`: image expiry rules (Get/Put/DeleteLifecyclePolicy).
    Lifecycle,
    /// `aws_ecr_repository_policy`: who may pull and push (Get/Set/DeleteRepositoryPolicy).
    Access,
}

impl DocumentKind {
    fn type_name(self) -> &'static str {
        match self {
            DocumentKind::Lifecycle => "aws_ecr_lifecycle_policy",
            DocumentKind::Access => "aws_ecr_repository_policy",
        }
    }

    fn what(self) -> &'static str {
        match self {
            DocumentKind::Lifecycle => "ECR lifecycle policy",
            DocumentKind::Access => "ECR repository policy",
        }
    }
}

/// One policy document of an ECR repository, as its own resource: the ID is the repository
/// name (also the import ID); refresh reads the document per repository (ECR has no batched
/// read); `policy` is compared as normalised JSON and changes in place (the put replaces it);
/// `repository` forces a new policy. A policy carries no tags: a create whose answer was lost
/// is the repository's policy when it is the planned one.
pub struct RepositoryDocument {
    aws: Arc<Aws>,
    schema: Schema,
    kind: DocumentKind,
}

impl RepositoryDocument {
    pub fn new(aws: Arc<Aws>, kind: DocumentKind) -> RepositoryDocument {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("repository", Type::String).force_new())
            .attr(Attribute::required("policy", Type::Json))
            .attr(Attribute::computed("registry_id", Type::String));
        RepositoryDocument { aws, schema, kind }
    }

    /// The repository's document: `(registry ID, policy text)`, `None` when it has none.
    async fn get(&self, repository: &str) -> Result<Option<(String, String)>, ProviderError> {
        let client = &self.aws.clients().await.ecr;
        let answer = match self.kind {
            DocumentKind::Lifecycle => {
                sent!(client.get_lifecycle_policy().repository_name(repository))
                    .map(|r| (r.registry_id, r.lifecycle_policy_text))
            }
            DocumentKind::Access => {
                sent!(client.get_repository_policy().repository_name(repository))
                    .map(|r| (r.registry_id, r.policy_text))
            }
        };
        match answer {
            Ok((registry, policy)) => {
                Ok(policy.map(|policy| (registry.unwrap_or_default(), policy)))
            }
            Err(error) if is_gone(&error) => Ok(None),
            Err(error) => Err(error),
        }
    }

    async fn read_one(&self, repository: &str, hint: &Value) -> Result<Value, ProviderError> {
        self.get(repository)
            .await?
            .map(|(registry, policy)| to_value(repository, &registry, &policy, hint))
            .ok_or_else(|| vanished(self.kind.what(), repository))
    }

    async fn put(&self, planned: &Value) -> Result<String, ProviderError> {
        let client = &self.aws.clients().await.ecr;
        let repository = string(planned, "repository").ok_or_else(|| {
            ProviderError::new(format!("{} has no repository", self.kind.type_name()))
        })?;
        let text = canonical_json(&string(planned, "policy").unwrap_or_default());
        match self.kind {
            DocumentKind::Lifecycle => client
                .put_lifecycle_policy()
                .repository_name(&repository)
                .lifecycle_policy_text(text)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_error)?,
            DocumentKind::Access => client
                .set_repository_policy()
                .repository_name(&repository)
                .policy_text(text)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_error)?,
        }
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
impl ResourceType for RepositoryDocument {
    fn name(&self) -> &'static str {
        self.kind.type_name()
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        invalid_json(config, "policy").into_iter().collect()
    }

    async fn create(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
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
        let deleted = match self.kind {
            DocumentKind::Lifecycle => client
                .delete_lifecycle_policy()
                .repository_name(&repository)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_error),
            DocumentKind::Access => client
                .delete_repository_policy()
                .repository_name(&repository)
                .send()
                .await
                .map(|_| ())
                .map_err(aws_error),
        };
        match deleted {
            Err(error) if !is_gone(&error) => Err(error),
            _ => Ok(()),
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
