//! `aws_iam_role_policy_attachment`: a managed policy attached to a role.
//!
//! The attachment has no tags and no ARN of its own; its natural key is the pair
//! (role, policy ARN), and its id is `<role>/<policy_arn>`. Refresh is one
//! ListAttachedRolePolicies walk per distinct role.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use infra_core::{Attribute, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{is_missing, string};
use crate::error::aws_error;
use crate::Aws;

pub struct AwsIamRolePolicyAttachment {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsIamRolePolicyAttachment {
    pub fn new(aws: Arc<Aws>) -> AwsIamRolePolicyAttachment {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("role", Type::String).force_new())
            .attr(Attribute::required("policy_arn", Type::String).force_new());
        AwsIamRolePolicyAttachment { aws, schema }
    }

    /// The attached policy ARNs of each role; a missing role has none.
    async fn attached(
        &self,
        roles: &BTreeSet<String>,
    ) -> Result<BTreeMap<String, BTreeSet<String>>, ProviderError> {
        let client = &self.aws.clients().await.iam;
        let mut out = BTreeMap::new();
        for role in roles {
            let mut policies = BTreeSet::new();
            let mut pages = client
                .list_attached_role_policies()
                .role_name(role)
                .into_paginator()
                .send();
            while let Some(page) = pages.next().await {
                match page.map_err(aws_error) {
                    Ok(page) => policies.extend(
                        page.attached_policies()
                            .iter()
                            .filter_map(|p| p.policy_arn().map(str::to_string)),
                    ),
                    Err(error) if is_missing(&error) => break,
                    Err(error) => return Err(error),
                }
            }
            out.insert(role.clone(), policies);
        }
        Ok(out)
    }
}

fn to_value(role: &str, policy_arn: &str) -> Value {
    Value::map([
        ("id", Value::string(format!("{role}/{policy_arn}"))),
        ("role", Value::string(role)),
        ("policy_arn", Value::string(policy_arn)),
    ])
}

fn key(value: &Value) -> Result<(String, String), ProviderError> {
    match (string(value, "role"), string(value, "policy_arn")) {
        (Some(role), Some(policy_arn)) => Ok((role, policy_arn)),
        _ => Err(ProviderError::new(
            "aws_iam_role_policy_attachment needs a known \"role\" and \"policy_arn\"",
        )),
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsIamRolePolicyAttachment {
    fn name(&self) -> &'static str {
        "aws_iam_role_policy_attachment"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        match config.get("policy_arn").as_str() {
            Some(arn) if !arn.starts_with("arn:") => {
                vec![(
                    "policy_arn".to_string(),
                    format!("\"{arn}\" is not an ARN (expected arn:aws:iam::...:policy/...)"),
                )]
            }
            _ => vec![],
        }
    }

    async fn create(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.iam;
        let (role, policy_arn) = key(planned)?;
        client
            .attach_role_policy()
            .role_name(&role)
            .policy_arn(&policy_arn)
            .send()
            .await
            .map_err(aws_error)?;
        Ok(to_value(&role, &policy_arn))
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        _planned: &Value,
    ) -> Result<Value, ProviderError> {
        // Both attributes force replacement: nothing changes in place.
        let (role, policy_arn) = key(prior)?;
        Ok(to_value(&role, &policy_arn))
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.iam;
        let (role, policy_arn) = key(prior)?;
        match client
            .detach_role_policy()
            .role_name(&role)
            .policy_arn(&policy_arn)
            .send()
            .await
            .map_err(aws_error)
        {
            Ok(_) => Ok(()),
            Err(error) if is_missing(&error) => Ok(()),
            Err(error) => Err(error),
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let roles: BTreeSet<String> = prior.iter().filter_map(|p| string(p, "role")).collect();
        let attached = self.attached(&roles).await?;
        Ok(prior
            .iter()
            .map(|p| {
                let (role, policy_arn) = key(p).ok()?;
                attached
                    .get(&role)?
                    .contains(&policy_arn)
                    .then(|| to_value(&role, &policy_arn))
            })
            .collect())
    }

    /// Terraform's import ID: `ROLE/POLICY_ARN`.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        let (role, policy_arn) = id.split_once('/').ok_or_else(|| {
            ProviderError::new(format!(
                "unexpected format of ID ({id}), expected ROLE-NAME/POLICY-ARN"
            ))
        })?;
        Ok(Value::map([
            ("role", Value::string(role)),
            ("policy_arn", Value::string(policy_arn)),
        ]))
    }

    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let Ok((role, policy_arn)) = key(planned) else {
            return Ok(None);
        };
        let attached = self.attached(&BTreeSet::from([role.clone()])).await?;
        Ok(attached
            .get(&role)
            .filter(|p| p.contains(&policy_arn))
            .map(|_| to_value(&role, &policy_arn)))
    }
}
