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

use aws_sdk_ssm::types::{
    Parameter, ParameterMetadata, ParameterStringFilter, ParameterTier, ParameterType,
    ResourceTypeForTagging, Tag,
};
use infra_core::{Attribute, Check, Operation, ProviderError, Type, Value};

use crate::app_support::{boolean, number, send_tag_changes, sent, string, text, text_or_null};
use crate::aws_object::{
    AwsObject, Creating, Deleting, DescribeResult, ObjectType, Tagged, Updating,
};
use crate::declared::{copied, read, Declared, Reading};
use crate::error::{aws_error, built};
use crate::tagging::{sdk_tags_of, ManagedTags};

/// GetParameters takes at most 10 names a call.
const NAMES_PER_GET: usize = 10;
/// A DescribeParameters filter takes at most 50 values.
const NAMES_PER_DESCRIBE: usize = 50;

/// A parameter's value is one of these three: the provider's `ExactlyOneOf` on each.
const ONE_VALUE: &[&str] = &["value_wo", "insecure_value", "value"];

pub type AwsSsmParameter = ObjectType<ParameterObject>;

pub struct ParameterObject;

/// One parameter as AWS reports it: value and metadata.
pub struct Found {
    parameter: Parameter,
    metadata: Option<ParameterMetadata>,
}

/// PutParameter with every configured argument (`overwrite` for an update), and `tags` (AWS
/// refuses them together with `Overwrite`).
async fn put(
    client: &aws_sdk_ssm::Client,
    planned: &Value,
    overwrite: bool,
    tags: Option<Vec<Tag>>,
) -> Result<(), ProviderError> {
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
        || matches!(error.code.as_deref(), Some("ParameterNotFound" | "InvalidResourceId"))
}

async fn list_tags(
    client: &aws_sdk_ssm::Client,
    name: &str,
) -> Result<Vec<(String, String)>, ProviderError> {
    let response = sent!(client
        .list_tags_for_resource()
        .resource_type(ResourceTypeForTagging::Parameter)
        .resource_id(name))?;
    Ok(response.tag_list().iter().map(|t| (t.key().to_string(), t.value().to_string())).collect())
}

sdk_tags_of!(Tag);

fn name_of(found: &Found, _: &Reading) -> Value {
    Value::string(found.parameter.name().unwrap_or_default())
}

fn kind_of(found: &Found) -> &str {
    found.parameter.r#type().map(|t| t.as_str()).unwrap_or("String")
}

/// Which attribute holds the value read back: the provider reports it as `insecure_value`
/// when that is what the configuration set (and the parameter is not secret), else as
/// `value`; neither when it was written through `value_wo`.
fn holds_value(found: &Found, at: &Reading, attribute: &str) -> Value {
    let holder = if written_only(at.prior) {
        ""
    } else if at.prior.get("insecure_value").as_str().is_some() && kind_of(found) != "SecureString"
    {
        "insecure_value"
    } else {
        "value"
    };
    match holder == attribute {
        true => text(found.parameter.value()),
        false => Value::Null,
    }
}

fn metadata_text(found: &Found, field: fn(&ParameterMetadata) -> Option<&str>) -> Value {
    text_or_null(found.metadata.as_ref().and_then(field))
}

impl AwsObject for ParameterObject {
    type Object = Found;
    const NAME: &'static str = "aws_ssm_parameter";
    const KIND: &'static str = "SSM parameter";
    const KEY: &'static str = "name";

    fn attributes() -> Vec<Declared<Found>> {
        vec![
            read(Attribute::computed("id", Type::String), name_of),
            read(Attribute::optional_computed("arn", Type::String), |found: &Found, _| {
                text(found.parameter.arn())
            }),
            read(
                Attribute::required("name", Type::String).force_new().check(Check::Length(1, 2048)),
                name_of,
            ),
            read(
                Attribute::required("type", Type::String).check(Check::OneOf(&[
                    "String",
                    "StringList",
                    "SecureString",
                ])),
                |found: &Found, _| Value::string(kind_of(found)),
            ),
            read(
                Attribute::optional_computed("value", Type::String)
                    .sensitive()
                    .exactly_one_of(ONE_VALUE),
                |found: &Found, at| holds_value(found, at, "value"),
            ),
            read(
                Attribute::optional_computed("insecure_value", Type::String)
                    .exactly_one_of(ONE_VALUE),
                |found: &Found, at| holds_value(found, at, "insecure_value"),
            ),
            // Terraform 1.11's write-only value: sent, never stored; a new `value_wo_version`
            // sends it again.
            Declared::unread(
                Attribute::optional("value_wo", Type::String)
                    .write_only()
                    .exactly_one_of(ONE_VALUE)
                    .required_with(&["value_wo_version"]),
            ),
            copied(
                Attribute::optional("value_wo_version", Type::Number).required_with(&["value_wo"]),
            ),
            read(Attribute::computed("has_value_wo", Type::Bool), |_: &Found, at| {
                Value::Bool(written_only(at.prior))
            }),
            read(
                Attribute::optional("description", Type::String).check(Check::Length(0, 1024)),
                |found: &Found, _| metadata_text(found, ParameterMetadata::description),
            ),
            // `Intelligent-Tiering` makes AWS pick a tier; the provider then keeps what was
            // configured.
            read(
                Attribute::optional_computed("tier", Type::String).check(Check::OneOf(&[
                    "Standard",
                    "Advanced",
                    "Intelligent-Tiering",
                ])),
                |found: &Found, at| {
                    let tier = found
                        .metadata
                        .as_ref()
                        .and_then(|m| m.tier())
                        .map(|t| t.as_str())
                        .unwrap_or("Standard");
                    Value::string(match at.prior.get("tier").as_str() {
                        Some("Intelligent-Tiering") => "Intelligent-Tiering",
                        _ => tier,
                    })
                },
            ),
            read(Attribute::optional_computed("key_id", Type::String), |found: &Found, _| {
                metadata_text(found, ParameterMetadata::key_id)
            }),
            read(
                Attribute::optional_computed("data_type", Type::String)
                    .check(Check::OneOf(&["aws:ec2:image", "aws:ssm:integration", "text"]))
                    .force_new(),
                |found: &Found, _| {
                    text(Some(
                        found
                            .metadata
                            .as_ref()
                            .and_then(|m| m.data_type())
                            .or(found.parameter.data_type())
                            .unwrap_or("text"),
                    ))
                },
            ),
            copied(Attribute::optional("overwrite", Type::Bool)),
            read(
                Attribute::optional("allowed_pattern", Type::String).check(Check::Length(0, 1024)),
                |found: &Found, _| metadata_text(found, ParameterMetadata::allowed_pattern),
            ),
            read(Attribute::computed("version", Type::Number), |found: &Found, _| {
                number(Some(found.parameter.version()))
            }),
        ]
    }

    fn validate(config: &Value) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if !config.get("insecure_value").is_null()
            && config.get("type").as_str() == Some("SecureString")
        {
            problems.push((
                "insecure_value".to_string(),
                "invalid configuration, cannot set type = SecureString and insecure_value"
                    .to_string(),
            ));
        }
        problems
    }

    fn created_key(_operation: &Operation, planned: &Value) -> Option<String> {
        string(planned, "name")
    }

    /// Parameters by name: values (decrypted), metadata and tags. Missing names are left out.
    async fn describe(this: &ObjectType<Self>, names: &[String]) -> DescribeResult<Found> {
        let client = &this.aws.clients().await.ssm;
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
            let filter = built(
                ParameterStringFilter::builder()
                    .key("Name")
                    .option("Equals")
                    .set_values(Some(chunk.to_vec()))
                    .build(),
            )?;
            let mut pages =
                client.describe_parameters().parameter_filters(filter).into_paginator().send();
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
            let object = Found { parameter, metadata: metadata.remove(&name) };
            out.insert(name.clone(), Tagged { object, tags });
        }
        Ok(out)
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.ssm;
        let name = string(at.planned, "name")
            .ok_or_else(|| ProviderError::new("aws_ssm_parameter has no name"))?;
        let overwrite = boolean(at.planned, "overwrite").unwrap_or(false);
        let tags = sdk_tags(&at.operation.tags_with_managed(at.planned))?;
        if overwrite {
            // PutParameter refuses tags together with Overwrite: they follow on their own, as
            // the provider does.
            put(client, at.planned, true, None).await?;
            sent!(client
                .add_tags_to_resource()
                .resource_type(ResourceTypeForTagging::Parameter)
                .resource_id(&name)
                .set_tags(Some(tags)))?;
        } else {
            // The tags go with the create, so a parameter whose answer was lost carries this
            // address's managed tags and `find_created` adopts it (issue 33).
            put(client, at.planned, false, Some(tags)).await?;
        }
        Ok(name)
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let client = &at.this.aws.clients().await.ssm;
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
        .any(|key| crate::app_support::changed(at.prior, at.planned, key));
        if put_changes {
            // An explicit `overwrite = false` is the user's to keep, as in the provider.
            put(client, at.planned, boolean(at.planned, "overwrite").unwrap_or(true), None).await?;
        }
        send_tag_changes!(
            at.prior,
            at.planned,
            |to_remove| client
                .remove_tags_from_resource()
                .resource_type(ResourceTypeForTagging::Parameter)
                .resource_id(at.key)
                .set_tag_keys(Some(to_remove)),
            |to_set| client
                .add_tags_to_resource()
                .resource_type(ResourceTypeForTagging::Parameter)
                .resource_id(at.key)
                .set_tags(Some(sdk_tags(&to_set)?))
        );
        Ok(at.key.to_string())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let client = &at.this.aws.clients().await.ssm;
        match sent!(client.delete_parameter().name(at.key)) {
            Ok(_) => Ok(()),
            Err(error) if is_missing(&error) => Ok(()),
            Err(error) => Err(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The provider's ExactlyOneOf among the three values, and the write-only pair.
    #[test]
    fn a_parameter_has_one_value() {
        let messages = |config: Value| crate::problem_messages("aws_ssm_parameter", &config);
        let base = || vec![("name", Value::string("p")), ("type", Value::string("String"))];
        let with = |extra: Vec<(&'static str, Value)>| {
            let mut config = base();
            config.extend(extra);
            Value::map(config)
        };
        let one_of = "one of `insecure_value,value,value_wo` must be specified";
        assert_eq!(
            messages(with(vec![])),
            [
                format!("\"value\": {one_of}"),
                format!("\"insecure_value\": {one_of}"),
                format!("\"value_wo\": {one_of}"),
            ]
        );
        assert!(messages(with(vec![("value", Value::string("v"))])).is_empty());
        assert_eq!(
            messages(with(vec![
                ("value_wo", Value::string("v")),
                ("value_wo_version", Value::Number(1.0)),
                ("insecure_value", Value::string("v")),
            ]))
            .len(),
            3,
            "each of the three declares the rule, set or not"
        );
        assert_eq!(
            messages(with(vec![("value_wo", Value::string("v"))])),
            ["\"value_wo\": all of `value_wo,value_wo_version` must be specified"]
        );
    }

    #[test]
    fn the_stored_value_is_insecure_value_when_set() {
        let planned =
            Value::map([("value", Value::Null), ("insecure_value", Value::string("plain"))]);
        assert_eq!(configured_value(&planned), "plain");
        let planned = Value::map([("value", Value::string("secret").mark_sensitive())]);
        assert_eq!(configured_value(&planned), "secret");
    }
}
