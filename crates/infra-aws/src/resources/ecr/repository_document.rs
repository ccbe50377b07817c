//! The two policy documents of an ECR repository (lifecycle and access), one implementation
//! for `aws_ecr_lifecycle_policy` and `aws_ecr_repository_policy`.
//!
//! moto holds every argument of both types; drift on all of them is seen in tests.

use infra_core::{Attribute, ProviderError, Type, Value};

use crate::app_support::{canonical_json, invalid_json, policy_value, sent, string};
use crate::aws_object::{
    key_by_key, AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged,
    Updating,
};
use crate::declared::{read, Declared, Reading};
use crate::ecr_support::is_gone;
use crate::error::aws_error;

/// Which of a repository's two documents a type manages.
#[derive(Clone, Copy)]
pub enum DocumentKind {
    /// `aws_ecr_lifecycle_policy`: image expiry rules (Get/Put/DeleteLifecyclePolicy).
    Lifecycle,
    /// `aws_ecr_repository_policy`: who may pull and push (Get/Set/DeleteRepositoryPolicy).
    Access,
}

/// One policy document of an ECR repository, as its own resource: the ID is the repository
/// name (also the import ID); refresh reads the document per repository (ECR has no batched
/// read); `policy` is compared as normalised JSON and changes in place (the put replaces it);
/// `repository` forces a new policy. A policy carries no tags: a create whose answer was lost
/// is the repository's policy when it is the planned one. `ACCESS` is the kind: the
/// repository policy, else the lifecycle policy.
pub struct RepositoryDocument<const ACCESS: bool>;

/// The resource type of the document of kind `ACCESS` ([`RepositoryDocument`]).
pub type DocumentType<const ACCESS: bool> = ObjectType<RepositoryDocument<ACCESS>>;

/// A repository's document as read.
pub struct Document {
    repository: String,
    registry: String,
    policy: String,
}

impl<const ACCESS: bool> RepositoryDocument<ACCESS> {
    const KIND_OF: DocumentKind = match ACCESS {
        true => DocumentKind::Access,
        false => DocumentKind::Lifecycle,
    };

    /// The repository's document, `None` when it has none.
    async fn get(
        this: &DocumentType<ACCESS>,
        repository: &str,
    ) -> Result<Option<Document>, ProviderError> {
        let client = &this.aws.clients().await.ecr;
        let answer = match Self::KIND_OF {
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
            Ok((registry, policy)) => Ok(policy.map(|policy| Document {
                repository: repository.to_string(),
                registry: registry.unwrap_or_default(),
                policy,
            })),
            Err(error) if is_gone(&error) => Ok(None),
            Err(error) => Err(error),
        }
    }

    async fn put(this: &DocumentType<ACCESS>, planned: &Value) -> Result<String, ProviderError> {
        let client = &this.aws.clients().await.ecr;
        let repository = string(planned, "repository")
            .ok_or_else(|| ProviderError::new(format!("{} has no repository", Self::NAME)))?;
        let text = canonical_json(&string(planned, "policy").unwrap_or_default());
        match Self::KIND_OF {
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

fn untagged(object: Document) -> Tagged<Document> {
    Tagged { object, tags: vec![] }
}

impl<const ACCESS: bool> AwsObject for RepositoryDocument<ACCESS> {
    type Object = Document;
    const NAME: &'static str = match ACCESS {
        true => "aws_ecr_repository_policy",
        false => "aws_ecr_lifecycle_policy",
    };
    const KIND: &'static str = match ACCESS {
        true => "ECR repository policy",
        false => "ECR lifecycle policy",
    };
    const KEY: &'static str = "repository";
    const KEY_OR_ID: bool = true;
    const TAGGED: bool = false;

    fn attributes() -> Vec<Declared<Document>> {
        fn repository(document: &Document, _: &Reading) -> Value {
            Value::string(&document.repository)
        }
        vec![
            read(Attribute::computed("id", Type::String), repository),
            read(Attribute::required("repository", Type::String).force_new(), repository),
            read(Attribute::required("policy", Type::Json), |document: &Document, at: &Reading| {
                policy_value(Some(&document.policy), at.prior.get("policy"))
            }),
            read(
                Attribute::computed("registry_id", Type::String),
                |document: &Document, _: &Reading| Value::string(&document.registry),
            ),
        ]
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        invalid_json(config, "policy").into_iter().collect()
    }

    /// The document per repository, one after another: ECR has no batched read.
    async fn describe(
        this: &ObjectType<Self>,
        repositories: &[String],
    ) -> DescribeResult<Document> {
        let found = key_by_key(repositories, |repository| Self::get(this, repository)).await?;
        Ok(found.into_iter().map(|(k, d)| (k, untagged(d))).collect())
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        Self::put(at.this, at.planned).await
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        Self::put(at.this, at.planned).await
    }

    /// By the prior's `repository`.
    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let client = &at.this.aws.clients().await.ecr;
        let Some(repository) = string(at.prior, "repository") else {
            return Ok(());
        };
        let deleted = match Self::KIND_OF {
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

    async fn find_created(at: Creating<'_, Self>) -> FindResult<Document> {
        let Some(repository) = string(at.planned, "repository") else {
            return Ok(None);
        };
        let wanted = canonical_json(&string(at.planned, "policy").unwrap_or_default());
        Ok(Self::get(at.this, &repository)
            .await?
            .filter(|document| canonical_json(&document.policy) == wanted)
            .map(untagged))
    }
}
