//! `aws_key_pair`: an EC2 key pair registered from a user's public key (ImportKeyPair). The
//! Terraform ID is the key name; `key_name`, `key_name_prefix` and `public_key` force a new
//! key pair; tags change in place.
//!
//! AWS returns the public key only in its own normalized form, so `public_key` keeps the
//! configured text (as the provider does); after an import, where nothing is configured yet,
//! it is read from AWS (`IncludePublicKey`).

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_ec2::types::{Filter, KeyPairInfo, ResourceType as Ec2ResourceType};
use infra_core::{Attribute, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{deleted_or_gone, sent};
use crate::ec2_support::with_name_for_create;
use crate::ec2_support::{
    ec2_arn, filter, in_prior_order, known_ids, managed_tag_filters, name_for_create,
    non_empty_attribute, optional_string, string_attribute, tag_entries, tag_specification,
    update_tags, whole_object, FILTER_VALUES_PER_CALL,
};
use crate::tagging::WithTags;
use crate::Aws;

pub struct AwsKeyPair {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsKeyPair {
    pub fn new(aws: Arc<Aws>) -> AwsKeyPair {
        let schema = Schema::new()
            .version(1)
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::optional_computed("key_name", Type::String).force_new())
            .attr(Attribute::optional_computed("key_name_prefix", Type::String).force_new())
            .attr(Attribute::required("public_key", Type::String).force_new())
            .attr(Attribute::computed("fingerprint", Type::String))
            .attr(Attribute::computed("key_pair_id", Type::String))
            .attr(Attribute::computed("key_type", Type::String))
            .with_tags();
        AwsKeyPair { aws, schema }
    }

    /// Every key pair matching `filters`, by name; `prior` (by name) supplies the configured
    /// `public_key` and `key_name_prefix`.
    async fn describe(
        &self,
        filters: Vec<Filter>,
        prior: &HashMap<String, &Value>,
    ) -> Result<HashMap<String, Value>, ProviderError> {
        let clients = self.aws.clients().await;
        let pairs = sent!(clients
            .ec2
            .describe_key_pairs()
            .set_filters(Some(filters))
            .include_public_key(true))?
        .key_pairs
        .unwrap_or_default();
        let account = self.aws.account_id().await?;
        let mut found = HashMap::new();
        for pair in &pairs {
            let Some(name) = pair.key_name() else {
                continue;
            };
            found.insert(
                name.to_string(),
                self.convert(pair, &clients.region, account, prior.get(name).copied()),
            );
        }
        Ok(found)
    }

    fn convert(
        &self,
        pair: &KeyPairInfo,
        region: &str,
        account: &str,
        prior: Option<&Value>,
    ) -> Value {
        let name = pair.key_name().unwrap_or_default();
        let configured_key = prior.and_then(|p| string_attribute(p, "public_key"));
        let public_key = configured_key
            .map(Value::String)
            .unwrap_or_else(|| optional_string(pair.public_key().map(str::trim)));
        let prefix = prior
            .map(|p| p.get("key_name_prefix").clone())
            .filter(|v| !v.is_null() && v.is_wholly_known())
            .unwrap_or_else(|| Value::string(""));
        let mut entries = vec![
            ("id", Value::string(name)),
            (
                "arn",
                Value::string(ec2_arn(region, account, "key-pair", name)),
            ),
            ("key_name", Value::string(name)),
            ("key_name_prefix", prefix),
            ("public_key", public_key),
            ("fingerprint", optional_string(pair.key_fingerprint())),
            ("key_pair_id", optional_string(pair.key_pair_id())),
            (
                "key_type",
                optional_string(pair.key_type().map(|t| t.as_str())),
            ),
        ];
        entries.extend(tag_entries(pair.tags()));
        whole_object(&self.schema, entries)
    }

    async fn read_one(&self, name: &str, planned: &Value) -> Result<Value, ProviderError> {
        let prior = HashMap::from([(name.to_string(), planned)]);
        self.describe(vec![filter("key-name", [name])], &prior)
            .await?
            .remove(name)
            .ok_or_else(|| {
                ProviderError::with_code(
                    "InvalidKeyPair.NotFound",
                    format!("key pair {name} not found"),
                )
            })
    }
}

#[async_trait::async_trait]
impl ResourceType for AwsKeyPair {
    fn name(&self) -> &'static str {
        "aws_key_pair"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if !config.get("key_name").is_null() && !config.get("key_name_prefix").is_null() {
            problems.push((
                "key_name_prefix".to_string(),
                "\"key_name_prefix\": conflicts with key_name".to_string(),
            ));
        }
        if let Some(name) = config.get("key_name").as_str() {
            if name.len() > 255 {
                problems.push((
                    "key_name".to_string(),
                    "expected length of key_name to be in the range (0 - 255)".to_string(),
                ));
            }
        }
        problems
    }

    /// The generated `key_name` goes into the create's pending entry ([`with_name_for_create`]).
    fn with_generated_names(&self, operation: &Operation, planned: Value) -> Value {
        with_name_for_create(
            operation,
            planned,
            ["key_name", "key_name_prefix"],
            "terraform-",
        )
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let name = name_for_create(
            operation,
            planned,
            ["key_name", "key_name_prefix"],
            "terraform-",
        );
        let public_key = string_attribute(planned, "public_key")
            .ok_or_else(|| ProviderError::new("aws_key_pair: public_key is not known"))?;
        let ec2 = &self.aws.clients().await.ec2;
        sent!(ec2
            .import_key_pair()
            .key_name(&name)
            .public_key_material(aws_smithy_types::Blob::new(public_key.into_bytes()))
            .tag_specifications(tag_specification(
                operation,
                planned,
                Ec2ResourceType::KeyPair,
            )))?;
        self.read_one(&name, planned).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let name = string_attribute(prior, "id")
            .ok_or_else(|| ProviderError::new("aws_key_pair: prior state has no id"))?;
        let ec2 = &self.aws.clients().await.ec2;
        let key_pair_id = string_attribute(prior, "key_pair_id").unwrap_or_else(|| name.clone());
        update_tags(ec2, &key_pair_id, prior, planned).await?;
        self.read_one(&name, planned).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let Some(name) = string_attribute(prior, "id") else {
            return Ok(());
        };
        let ec2 = &self.aws.clients().await.ec2;
        deleted_or_gone(
            sent!(ec2.delete_key_pair().key_name(&name)),
            crate::error::is_not_found,
        )
    }

    /// One DescribeKeyPairs call per 200 key pairs (a `key-name` filter, so a missing name is
    /// not an error for the whole batch).
    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let by_name: HashMap<String, &Value> = prior
            .iter()
            .filter_map(|value| Some((string_attribute(value, "id")?, value)))
            .collect();
        let mut found = HashMap::new();
        for chunk in known_ids(prior).chunks(FILTER_VALUES_PER_CALL) {
            found.extend(
                self.describe(vec![filter("key-name", chunk.iter().cloned())], &by_name)
                    .await?,
            );
        }
        Ok(in_prior_order(prior, &found))
    }

    /// By its name when the configuration names it, else by the managed tags.
    async fn find_created(
        &self,
        operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let filters = match non_empty_attribute(planned, "key_name") {
            Some(name) => vec![filter("key-name", [name])],
            None => managed_tag_filters(operation),
        };
        let prior = HashMap::new();
        let mut found = self.describe(filters, &prior).await?;
        let Some(name) = found.keys().next().cloned() else {
            return Ok(None);
        };
        let mut value = found.remove(&name).unwrap_or(Value::Null);
        // The key material is what this configuration sent.
        if let (Some(entries), Some(key)) =
            (value.map_mut(), string_attribute(planned, "public_key"))
        {
            entries.insert("public_key".into(), Value::String(key));
        }
        Ok(Some(value))
    }

    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        Ok(infra_core::resource::import_by("key_name", id))
    }
}
