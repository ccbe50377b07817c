//! `aws_ssm_parameter`: a Systems Manager Parameter Store parameter (`String`, `StringList` or
//! `SecureString`).
//!
//! `value` is sensitive and never shown in a plan; `insecure_value` is the same value for a
//! non-secret parameter, shown in plans (exactly one of the two is set). Every argument but
//! `name` and `data_type` changes in place with PutParameter (Overwrite), which makes a new
//! `version`; tags change with Add/RemoveTagsFromResource. A tier downgrade from `Advanced` to
//! `Standard` is refused by AWS (the provider replaces the parameter; here the apply fails with
//! AWS's ValidationException, and the parameter is left as it was).
//!
//! `overwrite` (deprecated) is configuration only: when set, create passes it to PutParameter,
//! so `overwrite = true` takes over a parameter made outside.
//!
//! Refresh reads values 10 names a call (GetParameters, decrypted), metadata with one
//! DescribeParameters call per 50 names (a `Name Equals` filter), and tags per parameter
//! (ListTagsForResource). Import ID: the parameter name.
//!
//! moto does not enforce `allowed_pattern` or validate `data_type = "aws:ec2:image"` values, and
//! does not encrypt SecureString values with `key_id`; the attributes themselves read back.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_ssm::types::{
    Parameter, ParameterMetadata, ParameterStringFilter, ParameterTier, ParameterType,
    ResourceTypeForTagging, Tag,
};
use infra_core::{Attribute, Check, Operation, ProviderError, ResourceType, Schema, Type, Value};

use crate::app_support::{
    boolean, by_key, copy_attributes, has_managed_tags, keys_of, number, send_tag_changes, sent,
    set_tags, string, text, text_or_null, vanished,
};
use crate::error::aws_error;
use crate::tagging::{sdk_tags_of, ManagedTags, WithTags};
use crate::Aws;

/// GetParameters takes at most 10 names a call.
const NAMES_PER_GET: usize = 10;
/// A DescribeParameters filter takes at most 50 values.
const NAMES_PER_DESCRIBE: usize = 50;

pub struct AwsSsmParameter {
    aws: Arc<Aws>,
    schema: Schema,
}

/// One parameter as AWS reports it: value, metadata and tags.
struct Found {
    parameter: Parameter,
    metadata: Option<ParameterMetadata>,
    tags: Vec<(String, String)>,
}

impl AwsSsmParameter {
    pub fn new(aws: Arc<Aws>) -> AwsSsmParameter {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::optional_computed("arn", Type::String))
            .attr(Attribute::required("name", Type::String).force_new())
            .attr(
                Attribute::required("type", Type::String).check(Check::OneOf(&[
                    "String",
                    "StringList",
                    "SecureString",
                ])),
            )
            .attr(Attribute::optional_computed("value", Type::String).sensitive())
            .attr(Attribute::optional_computed("insecure_value", Type::String))
            // Terraform 1.11's write-only value: sent, never stored; a new `value_wo_version`
            // sends it again.
            .attr(Attribute::optional("value_wo", Type::String).write_only())
            .attr(Attribute::optional("value_wo_version", Type::Number))
            .attr(Attribute::computed("has_value_wo", Type::Bool))
            .attr(Attribute::optional("description", Type::String))
            .attr(
                Attribute::optional_computed("tier", Type::String).check(Check::OneOf(&[
                    "Standard",
                    "Advanced",
                    "Intelligent-Tiering",
                ])),
            )
            .attr(Attribute::optional_computed("key_id", Type::String))
            .attr(
                Attribute::optional_computed("data_type", Type::String)
                    .check(Check::OneOf(&[
                        "aws:ec2:image",
                        "aws:ssm:integration",
                        "text",
                    ]))
                    .force_new(),
            )
            .attr(Attribute::optional("overwrite", Type::Bool))
            .attr(Attribute::optional("allowed_pattern", Type::String))
            .attr(Attribute::computed("version", Type::Number))
            .with_tags();
        AwsSsmParameter { aws, schema }
    }

    /// Parameters by name: values (decrypted), metadata and tags. Missing names are left out.
    async fn describe(&self, names: &[String]) -> Result<BTreeMap<String, Found>, ProviderError> {
        let client = &self.aws.clients().await.ssm;
        let mut parameters = BTreeMap::new();
        for chunk in names.chunks(NAMES_PER_GET) {
            let response = sent!(client
                .get_parameters()
                .set_names(Some(chunk.to_vec()))
                .with_decryption(true))?;
            for parameter in response.parameters() {
                if let Some(name) = parameter.name() {
                    parameters.insert(name.to_string(), parameter.clone());
                }
            }
        }
        let found_names: Vec<String> = parameters.keys().cloned().collect();
        let mut metadata = BTreeMap::new();
        for chunk in found_names.chunks(NAMES_PER_DESCRIBE) {
            let filter = ParameterStringFilter::builder()
                .key("Name")
                .option("Equals")
                .set_values(Some(chunk.to_vec()))
                .build()
                .map_err(|e| ProviderError::new(e.to_string()))?;
            let mut pages = client
                .describe_parameters()
                .parameter_filters(filter)
                .into_paginator()
                .send();
            while let Some(page) = pages.next().await {
                for item in page.map_err(aws_error)?.parameters() {
                    if let Some(name) = item.name() {
                        metadata.insert(name.to_string(), item.clone());
                    }
                }
            }
        }
        let mut out = BTreeMap::new();
        for (name, parameter) in parameters {
            let tags = match list_tags(client, &name).await {
                Ok(tags) => tags,
                Err(error) if is_missing(&error) => continue,
                Err(error) => return Err(error),
            };
            out.insert(
                name.clone(),
                Found {
                    parameter,
                    metadata: metadata.remove(&name),
                    tags,
                },
            );
        }
        Ok(out)
    }

    async fn read_one(&self, name: &str, hint: &Value) -> Result<Value, ProviderError> {
        self.describe(&[name.to_string()])
            .await?
            .remove(name)
            .map(|found| to_value(&found, hint))
            .ok_or_else(|| vanished("SSM parameter", name))
    }

    /// PutParameter with every configured argument (`overwrite` for an update), and `tags`
    /// (AWS refuses them together with `Overwrite`).
    async fn put(
        &self,
        planned: &Value,
        overwrite: bool,
        tags: Option<Vec<Tag>>,
    ) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.ssm;
        let name = string(planned, "name")
            .ok_or_else(|| ProviderError::new("aws_ssm_parameter has no name"))?;
        let kind = string(planned, "type").unwrap_or_else(|| "String".into());
        let value = configured_value(planned);
        let mut request = client
            .put_parameter()
            .name(&name)
            .r#type(ParameterType::from(kind.as_str()))
            .value(value)
            .overwrite(overwrite)
            .allowed_pattern(string(planned, "allowed_pattern").unwrap_or_default())
            .description(string(planned, "description").unwrap_or_default())
            .set_tier(string(planned, "tier").map(|t| ParameterTier::from(t.as_str())))
            .set_data_type(string(planned, "data_type"))
            .set_tags(tags);
        if kind == "SecureString" {
            request = request.set_key_id(string(planned, "key_id").filter(|k| !k.is_empty()));
        }
        request.send().await.map_err(aws_error)?;
        Ok(())
    }
}

/// The value to store: `insecure_value` when set, else `value`.
fn configured_value(planned: &Value) -> String {
    string(planned, "insecure_value")
        .filter(|v| !v.is_empty())
        .or_else(|| string(planned, "value"))
        .or_else(|| string(planned, "value_wo"))
        .unwrap_or_default()
}

/// Whether an object's value was written through `value_wo` (the provider's computed
/// `has_value_wo`): then the state holds no value.
fn written_only(value: &Value) -> bool {
    !value.get("value_wo").is_null() || value.get("has_value_wo").as_bool() == Some(true)
}

fn is_missing(error: &ProviderError) -> bool {
    crate::app_support::is_missing(error)
        || matches!(
            error.code.as_deref(),
            Some("ParameterNotFound" | "InvalidResourceId")
        )
}

async fn list_tags(
    client: &aws_sdk_ssm::Client,
    name: &str,
) -> Result<Vec<(String, String)>, ProviderError> {
    let response = sent!(client
        .list_tags_for_resource()
        .resource_type(ResourceTypeForTagging::Parameter)
        .resource_id(name))?;
    Ok(response
        .tag_list()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect())
}

sdk_tags_of!(Tag);

fn to_value(found: &Found, hint: &Value) -> Value {
    let parameter = &found.parameter;
    let mut object = BTreeMap::new();
    let name = parameter.name().unwrap_or_default();
    object.insert("id".to_string(), Value::string(name));
    object.insert("name".to_string(), Value::string(name));
    object.insert("arn".to_string(), text(parameter.arn()));
    let kind = parameter.r#type().map(|t| t.as_str()).unwrap_or("String");
    object.insert("type".to_string(), Value::string(kind));
    object.insert("version".to_string(), number(Some(parameter.version())));
    // The provider reports the value as `insecure_value` when that is what the configuration
    // set (and the parameter is not secret), else as `value`.
    let value = text(parameter.value());
    object.insert(
        "value_wo_version".to_string(),
        hint.get("value_wo_version").clone(),
    );
    let write_only = written_only(hint);
    object.insert("has_value_wo".to_string(), Value::Bool(write_only));
    if write_only {
        object.insert("value".to_string(), Value::Null);
        object.insert("insecure_value".to_string(), Value::Null);
    } else if hint.get("insecure_value").as_str().is_some() && kind != "SecureString" {
        object.insert("insecure_value".to_string(), value);
        object.insert("value".to_string(), Value::Null);
    } else {
        object.insert("value".to_string(), value);
        object.insert("insecure_value".to_string(), Value::Null);
    }
    let metadata = found.metadata.as_ref();
    object.insert(
        "description".to_string(),
        text_or_null(metadata.and_then(|m| m.description())),
    );
    object.insert(
        "allowed_pattern".to_string(),
        text_or_null(metadata.and_then(|m| m.allowed_pattern())),
    );
    object.insert(
        "key_id".to_string(),
        text_or_null(metadata.and_then(|m| m.key_id())),
    );
    // `Intelligent-Tiering` makes AWS pick a tier; the provider then keeps what was configured.
    let tier = metadata
        .and_then(|m| m.tier())
        .map(|t| t.as_str())
        .unwrap_or("Standard");
    let tier = match hint.get("tier").as_str() {
        Some("Intelligent-Tiering") => "Intelligent-Tiering",
        _ => tier,
    };
    object.insert("tier".to_string(), Value::string(tier));
    object.insert(
        "data_type".to_string(),
        text(Some(
            metadata
                .and_then(|m| m.data_type())
                .or(parameter.data_type())
                .unwrap_or("text"),
        )),
    );
    copy_attributes(&mut object, hint, &["overwrite"]);
    set_tags(
        &mut object,
        found.tags.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    );
    Value::Map(object)
}

#[async_trait::async_trait]
impl ResourceType for AwsSsmParameter {
    fn name(&self) -> &'static str {
        "aws_ssm_parameter"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn validate(&self, config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let given = ["value", "insecure_value", "value_wo"]
            .iter()
            .filter(|name| !config.get(name).is_null())
            .count();
        if given != 1 {
            problems.push((
                "value".to_string(),
                "exactly one of `insecure_value,value,value_wo` must be specified".to_string(),
            ));
        }
        if !config.get("value_wo_version").is_null() && config.get("value_wo").is_null() {
            problems.push((
                "value_wo_version".to_string(),
                "\"value_wo_version\": all of `value_wo,value_wo_version` must be specified"
                    .to_string(),
            ));
        }
        if !config.get("insecure_value").is_null()
            && config.get("type").as_str() == Some("SecureString")
        {
            problems.push((
                "insecure_value".to_string(),
                "invalid configuration, cannot set type = SecureString and insecure_value"
                    .to_string(),
            ));
        }
        if let Some(name) = config.get("name").as_str() {
            if name.is_empty() || name.len() > 2048 {
                problems.push((
                    "name".to_string(),
                    "expected length of name to be in the range (1 - 2048)".to_string(),
                ));
            }
        }
        for (attribute, limit) in [("description", 1024), ("allowed_pattern", 1024)] {
            if config
                .get(attribute)
                .as_str()
                .is_some_and(|s| s.len() > limit)
            {
                problems.push((
                    attribute.to_string(),
                    format!("expected length of {attribute} to be in the range (0 - {limit})"),
                ));
            }
        }
        problems
    }

    async fn create(&self, operation: &Operation, planned: &Value) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.ssm;
        let name = string(planned, "name")
            .ok_or_else(|| ProviderError::new("aws_ssm_parameter has no name"))?;
        let overwrite = boolean(planned, "overwrite").unwrap_or(false);
        let tags = sdk_tags(&operation.tags_with_managed(planned))?;
        if overwrite {
            // PutParameter refuses tags together with Overwrite: they follow on their own, as
            // the provider does.
            self.put(planned, true, None).await?;
            sent!(client
                .add_tags_to_resource()
                .resource_type(ResourceTypeForTagging::Parameter)
                .resource_id(&name)
                .set_tags(Some(tags)))?;
        } else {
            // The tags go with the create, so a parameter whose answer was lost carries this
            // address's managed tags and `find_created` adopts it (issue 33).
            self.put(planned, false, Some(tags)).await?;
        }
        self.read_one(&name, planned).await
    }

    async fn update(
        &self,
        _operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let client = &self.aws.clients().await.ssm;
        let name = string(prior, "name")
            .ok_or_else(|| ProviderError::new("aws_ssm_parameter has no name in state"))?;
        let put_changes = [
            "type",
            "value",
            "insecure_value",
            "value_wo_version",
            "description",
            "tier",
            "key_id",
            "allowed_pattern",
        ]
        .iter()
        .any(|key| crate::app_support::changed(prior, planned, key));
        if put_changes {
            // An explicit `overwrite = false` is the user's to keep, as in the provider.
            self.put(planned, boolean(planned, "overwrite").unwrap_or(true), None)
                .await?;
        }
        send_tag_changes!(
            prior,
            planned,
            |to_remove| client
                .remove_tags_from_resource()
                .resource_type(ResourceTypeForTagging::Parameter)
                .resource_id(&name)
                .set_tag_keys(Some(to_remove)),
            |to_set| client
                .add_tags_to_resource()
                .resource_type(ResourceTypeForTagging::Parameter)
                .resource_id(&name)
                .set_tags(Some(sdk_tags(&to_set)?))
        );
        self.read_one(&name, planned).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let client = &self.aws.clients().await.ssm;
        let Some(name) = string(prior, "name") else {
            return Ok(());
        };
        match sent!(client.delete_parameter().name(&name)) {
            Ok(_) => Ok(()),
            Err(error) if is_missing(&error) => Ok(()),
            Err(error) => Err(error),
        }
    }

    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        let found = self.describe(&keys_of(prior, "name")).await?;
        Ok(by_key(
            prior,
            "name",
            |name| found.get(name),
            |found, p| to_value(found, p),
        ))
    }

    /// Terraform's import ID: the parameter name.
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
            .describe(std::slice::from_ref(&name))
            .await?
            .remove(&name)
            .filter(|found| has_managed_tags(&found.tags, operation))
            .map(|found| to_value(&found, planned)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_value_is_insecure_value_when_set() {
        let planned = Value::map([
            ("value", Value::Null),
            ("insecure_value", Value::string("plain")),
        ]);
        assert_eq!(configured_value(&planned), "plain");
        let planned = Value::map([("value", Value::string("secret").mark_sensitive())]);
        assert_eq!(configured_value(&planned), "secret");
    }
}
