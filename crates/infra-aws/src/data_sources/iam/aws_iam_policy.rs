//! `data "aws_iam_policy"`: a managed policy (AWS's or the account's) looked up by `arn`, or
//! by `name` and/or `path_prefix` (ListPolicies; exactly one must match), with its default
//! version's document.
//!
//! moto holds every attribute; they are seen in tests.

use aws_sdk_iam::types::Policy;
use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::app_support::{decoded_policy, number, sent, string, text};
use crate::error::aws_error;
use crate::iam_support::{found, tag_pairs};
use crate::lookup::{with_found, Lookup, LookupType};

pub type AwsIamPolicy = LookupType<IamPolicyLookup>;

pub struct IamPolicyLookup;

impl AwsIamPolicy {
    /// The ARN of the one policy matching `name` / `path_prefix`.
    async fn search(
        &self,
        name: Option<String>,
        path_prefix: Option<String>,
    ) -> Result<String, ProviderError> {
        let client = &self.aws.clients().await.iam;
        let mut matches = Vec::new();
        let mut pages =
            client.list_policies().set_path_prefix(path_prefix.clone()).into_paginator().send();
        while let Some(page) = pages.next().await {
            matches.extend(
                page.map_err(aws_error)?
                    .policies()
                    .iter()
                    .filter(|p| name.is_none() || p.policy_name() == name.as_deref())
                    .filter_map(|p| p.arn().map(str::to_string)),
            );
        }
        let what = format!(
            "IAM policy (name: {}, path prefix: {})",
            name.as_deref().unwrap_or("any"),
            path_prefix.as_deref().unwrap_or("/")
        );
        match matches.len() {
            1 => Ok(matches.remove(0)),
            0 => Err(ProviderError::with_code(
                "NoSuchEntity",
                format!("no {what} matched"),
            )),
            n => Err(ProviderError::new(format!(
                "{n} policies matched {what}; use additional constraints to reduce matches to a single policy"
            ))),
        }
    }
}

impl Lookup for IamPolicyLookup {
    const NAME: &'static str = "aws_iam_policy";

    fn schema() -> Schema {
        Schema::new()
            .attr(Attribute::optional_computed("arn", Type::String))
            .attr(Attribute::optional_computed("name", Type::String))
            .attr(Attribute::optional("path_prefix", Type::String))
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("attachment_count", Type::Number))
            .attr(Attribute::computed("description", Type::String))
            .attr(Attribute::computed("path", Type::String))
            .attr(Attribute::computed("policy", Type::String))
            .attr(Attribute::computed("policy_id", Type::String))
            .attr(Attribute::optional_computed("tags", Type::map(Type::String)))
    }

    async fn read(this: &LookupType<Self>, config: &Value) -> Result<Value, ProviderError> {
        let client = &this.aws.clients().await.iam;
        let arn = match string(config, "arn") {
            Some(arn) => {
                if !config.get("name").is_null() || !config.get("path_prefix").is_null() {
                    return Err(ProviderError::new(
                        "data.aws_iam_policy: \"arn\" conflicts with \"name\" and \"path_prefix\"",
                    ));
                }
                arn
            }
            None => this.search(string(config, "name"), string(config, "path_prefix")).await?,
        };
        let policy: Policy = found(sent!(client.get_policy().policy_arn(&arn)))?
            .and_then(|r| r.policy().cloned())
            .ok_or_else(|| {
                ProviderError::with_code(
                    "NoSuchEntity",
                    format!("reading IAM policy ({arn}): not found"),
                )
            })?;
        let document = sent!(client
            .get_policy_version()
            .policy_arn(&arn)
            .set_version_id(policy.default_version_id().map(str::to_string)))?
        .policy_version()
        .and_then(|v| v.document().map(decoded_policy));
        Ok(with_found(
            config,
            [
                ("id", Value::string(&arn)),
                ("arn", Value::string(&arn)),
                ("name", text(policy.policy_name())),
                ("attachment_count", number(policy.attachment_count().map(i64::from))),
                ("description", text(policy.description())),
                ("path", text(policy.path())),
                ("policy", text(document.as_deref())),
                ("policy_id", text(policy.policy_id())),
                ("tags", infra_core::resource::visible_tags(tag_pairs(policy.tags()))),
            ],
        ))
    }
}
