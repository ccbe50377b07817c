//! `aws_lambda_alias`: a named pointer to one version of a Lambda function, optionally sending a
//! share of its invocations to a second version (`routing_config`).
//!
//! The Terraform ID is the alias ARN; the import ID is `FUNCTION_NAME/ALIAS` (the alias ARN is
//! accepted too, as the provider does). `name` and `function_name` force a new alias;
//! `function_version`, `description` and `routing_config` change in place with UpdateAlias,
//! which is sent every setting (an unset description as `""`, no `routing_config` as an empty
//! one, which clears the weights). After weights are cleared, update waits until GetAlias shows
//! none. `function_name` is kept as configured (a name or an ARN): AWS does not report it.
//! `invoke_arn` is the API Gateway invocation URI of the alias ARN.
//!
//! Refresh is GetAlias per alias (Lambda has no batched alias read; ListAliases is per
//! function), at most eight in flight.
//!
//! moto 5.2.5 holds every argument. Unlike the provider, a change of `function_name` between a
//! name and the ARN of the same function is not suppressed: it plans a replacement.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use aws_sdk_lambda::operation::get_alias::GetAliasOutput;
use aws_sdk_lambda::types::AliasRoutingConfiguration;
use infra_core::{
    Attribute, Block, Cause, Operation, ProviderError, ResourceType, Schema, Timeouts, Type, Value,
};

use crate::app_support::{
    deleted_or_missing, is_missing, known, read_each, sent, single, string, text, vanished,
    wait_for,
};
use crate::clients::partition_of;
use crate::error::aws_error;
use crate::Aws;

use super::aws_lambda_permission::parse_function;

pub struct AwsLambdaAlias {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsLambdaAlias {
    pub fn new(aws: Arc<Aws>) -> AwsLambdaAlias {
        let routing = Schema::new().attr(Attribute::optional(
            "additional_version_weights",
            Type::map(Type::Number),
        ));
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::optional("description", Type::String))
            .attr(Attribute::required("function_name", Type::String).force_new())
            .attr(Attribute::required("function_version", Type::String))
            .attr(Attribute::computed("invoke_arn", Type::String))
            .attr(Attribute::required("name", Type::String).force_new())
            .block(Block::single("routing_config", routing));
        AwsLambdaAlias { aws, schema }
    }

    /// GetAlias; `None` when the function or the alias does not exist.
    async fn get(
        &self,
        function: &str,
        name: &str,
    ) -> Result<Option<GetAliasOutput>, ProviderError> {
        let answer = sent!(self
            .aws
            .clients()
            .await
            .lambda
            .get_alias()
            .function_name(function)
            .name(name));
        match answer {
            Ok(output) => Ok(Some(output)),
            Err(error) if is_missing(&error) => Ok(None),
            Err(error) => Err(error.context(&format!("reading Lambda Alias ({function}/{name})"))),
        }
    }

    /// The alias `hint` (a prior or planned value) names, as AWS has it.
    async fn read(&self, hint: &Value) -> Result<Option<Value>, ProviderError> {
        let (Some(function), Some(name)) = (string(hint, "function_name"), string(hint, "name"))
        else {
            return Ok(None);
        };
        let region = self.aws.clients().await.region.clone();
        Ok(self
            .get(&function, &name)
            .await?
            .map(|output| to_value(&output, hint, &region)))
    }

    async fn read_written(&self, planned: &Value) -> Result<Value, ProviderError> {
        self.read(planned)
            .await?
            .ok_or_else(|| vanished("Lambda Alias", &string(planned, "name").unwrap_or_default()))
    }
}

/// The API Gateway URI that invokes a function or alias ARN (the provider's `invokeARN`).
fn invoke_arn(region: &str, arn: &str) -> String {
    format!(
        "arn:{}:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations",
        partition_of(region)
    )
}

/// The configured weights: `None` without a `routing_config` block.
fn weights(value: &Value) -> Option<HashMap<String, f64>> {
    let block = single(value, "routing_config")?;
    Some(
        block
            .get("additional_version_weights")
            .as_map()
            .map(|entries| {
                entries
                    .iter()
                    .filter_map(|(version, weight)| Some((version.clone(), weight.as_f64()?)))
                    .collect()
            })
            .unwrap_or_default(),
    )
}

/// The `RoutingConfig` sent on create and update: the configured weights, or an empty
/// configuration (which clears them) as the provider sends.
fn routing(planned: &Value) -> AliasRoutingConfiguration {
    AliasRoutingConfiguration::builder()
        .set_additional_version_weights(weights(planned))
        .build()
}

fn to_value(output: &GetAliasOutput, hint: &Value, region: &str) -> Value {
    let arn = output.alias_arn().unwrap_or_default();
    // AWS answers an unset description as "" (or not at all): read as the configuration wrote
    // it, unset or "".
    let description = match output.description().filter(|d| !d.is_empty()) {
        Some(description) => Value::string(description),
        None if hint.get("description").as_str() == Some("") => Value::string(""),
        None => Value::Null,
    };
    let reported: BTreeMap<String, Value> = output
        .routing_config()
        .and_then(AliasRoutingConfiguration::additional_version_weights)
        .map(|entries| {
            entries
                .iter()
                .map(|(version, weight)| (version.clone(), Value::Number(*weight)))
                .collect()
        })
        .unwrap_or_default();
    // Weights are a block when AWS has some; none read as the configuration's empty block, or
    // as no block.
    let routing_config = if !reported.is_empty() || single(hint, "routing_config").is_some() {
        vec![Value::map([(
            "additional_version_weights",
            Value::Map(reported),
        )])]
    } else {
        Vec::new()
    };
    let name = match output.name() {
        Some(name) => Value::string(name),
        None => known(hint, "name"),
    };
    Value::map([
        ("id", Value::string(arn)),
        ("arn", Value::string(arn)),
        ("description", description),
        // AWS does not report the function: kept as configured (name or ARN).
        ("function_name", known(hint, "function_name")),
        ("function_version", text(output.function_version())),
        ("invoke_arn", Value::string(invoke_arn(region, arn))),
        ("name", name),
        ("routing_config", Value::List(routing_config)),
    ])
}

/// CreateAlias's answer for a name that is taken (`ResourceConflictException`, "Alias already
/// exists").
fn is_taken(error: &ProviderError) -> bool {
    error
        .message
        .to_ascii_lowercase()
        .contains("already exists")
}

#[async_trait::async_trait]
impl ResourceType for AwsLambdaAlias {
    fn name(&self) -> &'static str {
        "aws_lambda_alias"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The provider's update timeout is 15 minutes (waiting for weights to clear).
    fn default_timeouts(&self) -> Timeouts {
        Timeouts::minutes(30, 15, 30)
    }

    async fn create(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let (Some(function), Some(name), Some(version)) = (
            string(planned, "function_name"),
            string(planned, "name"),
            string(planned, "function_version"),
        ) else {
            return Err(ProviderError::new(
                "aws_lambda_alias needs known function_name, name and function_version",
            ));
        };
        let created = sent!(self
            .aws
            .clients()
            .await
            .lambda
            .create_alias()
            .function_name(&function)
            .name(&name)
            .function_version(version)
            .description(string(planned, "description").unwrap_or_default())
            .routing_config(routing(planned)));
        let creating = format!("creating Lambda Alias ({name})");
        match created {
            Ok(_) => {}
            Err(error) if is_taken(&error) => {
                return Err(error.with_cause(Cause::AlreadyExists).context(&creating));
            }
            Err(error) => return Err(error.context(&creating)),
        }
        self.read_written(planned).await
    }

    async fn update(
        &self,
        operation: &Operation,
        prior: &Value,
        planned: &Value,
    ) -> Result<Value, ProviderError> {
        let (Some(function), Some(name)) = (string(prior, "function_name"), string(prior, "name"))
        else {
            return Err(ProviderError::new(
                "aws_lambda_alias has no function_name or name in state",
            ));
        };
        let id = string(prior, "id").unwrap_or_else(|| format!("{function}/{name}"));
        let routing_config = routing(planned);
        self.aws
            .clients()
            .await
            .lambda
            .update_alias()
            .function_name(&function)
            .name(&name)
            .set_function_version(string(planned, "function_version"))
            // Every setting is sent: an unset description as "" clears it.
            .description(string(planned, "description").unwrap_or_default())
            .routing_config(routing_config.clone())
            .send()
            .await
            .map_err(|e| aws_error(e).context(&format!("updating Lambda Alias ({id})")))?;
        let cleared = routing_config
            .additional_version_weights()
            .is_none_or(HashMap::is_empty);
        // As the provider: a numeric alias name is never waited for.
        if cleared && name.parse::<i64>().is_err() {
            wait_for(
                "the Lambda alias routing weights to clear",
                operation.timeouts.update,
                || async {
                    Ok(match self.get(&function, &name).await? {
                        None => Some(()),
                        Some(output) => output
                            .routing_config()
                            .and_then(AliasRoutingConfiguration::additional_version_weights)
                            .is_none_or(HashMap::is_empty)
                            .then_some(()),
                    })
                },
            )
            .await
            .map_err(|e| {
                e.context(&format!(
                    "waiting for Lambda Alias ({id}) routing weights to clear"
                ))
            })?;
        }
        self.read_written(planned).await
    }

    async fn delete(&self, _operation: &Operation, prior: &Value) -> Result<(), ProviderError> {
        let (Some(function), Some(name)) = (string(prior, "function_name"), string(prior, "name"))
        else {
            return Ok(());
        };
        let deleted = sent!(self
            .aws
            .clients()
            .await
            .lambda
            .delete_alias()
            .function_name(&function)
            .name(&name));
        deleted_or_missing(deleted).map_err(|error| {
            let id = string(prior, "id").unwrap_or_else(|| format!("{function}/{name}"));
            error.context(&format!("deleting Lambda Alias ({id})"))
        })
    }

    /// GetAlias per alias, at most eight in flight.
    async fn read_many(&self, prior: &[Value]) -> Result<Vec<Option<Value>>, ProviderError> {
        read_each(prior.iter().map(|value| self.read(value)).collect()).await
    }

    /// `FUNCTION_NAME/ALIAS`, or the alias ARN.
    fn import_prior(&self, id: &str) -> Result<Value, ProviderError> {
        let from_arn = id
            .starts_with("arn:")
            .then(|| parse_function(id))
            .flatten()
            .and_then(|(function, alias)| Some((function, alias?)));
        let (function, alias) = match from_arn {
            Some(parts) => parts,
            None => match id.rsplit_once('/') {
                Some((function, alias)) if !function.is_empty() && !alias.is_empty() => {
                    (function.to_string(), alias.to_string())
                }
                _ => {
                    return Err(ProviderError::new(format!(
                        "unexpected format of ID ({id:?}), expected FUNCTION_NAME/ALIAS"
                    )))
                }
            },
        };
        Ok(Value::map([
            ("id", Value::string(id)),
            ("function_name", Value::string(function)),
            ("name", Value::string(alias)),
        ]))
    }

    /// By natural key: the function's alias of this name, when it points at the planned
    /// version.
    async fn find_created(
        &self,
        _operation: &Operation,
        planned: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let found = self.read(planned).await?;
        Ok(found.filter(|alias| {
            alias.get("function_version").as_str() == planned.get("function_version").as_str()
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alias(weights: Option<HashMap<String, f64>>, description: Option<&str>) -> GetAliasOutput {
        GetAliasOutput::builder()
            .alias_arn("arn:aws:lambda:us-east-1:123456789012:function:fn:live")
            .name("live")
            .function_version("1")
            .set_description(description.map(str::to_string))
            .set_routing_config(weights.map(|w| {
                AliasRoutingConfiguration::builder()
                    .set_additional_version_weights(Some(w))
                    .build()
            }))
            .build()
    }

    #[test]
    fn reads_back_the_alias_with_its_invoke_arn() {
        let hint = Value::map([("function_name", Value::string("fn"))]);
        let read = to_value(
            &alias(Some(HashMap::from([("2".to_string(), 0.5)])), Some("")),
            &hint,
            "us-east-1",
        );
        assert_eq!(
            read.get("invoke_arn").as_str(),
            Some(
                "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/\
                 arn:aws:lambda:us-east-1:123456789012:function:fn:live/invocations"
            )
        );
        assert_eq!(read.get("function_name").as_str(), Some("fn"));
        assert!(read.get("description").is_null());
        let routing = read.get("routing_config").as_list().unwrap_or_default();
        assert_eq!(
            routing
                .first()
                .map(|r| r.get("additional_version_weights").get("2")),
            Some(&Value::Number(0.5))
        );
    }

    #[test]
    fn no_weights_read_as_the_configured_shape() {
        let without = to_value(
            &alias(None, None),
            &Value::map([("name", Value::Null)]),
            "us-east-1",
        );
        assert_eq!(without.get("routing_config"), &Value::List(vec![]));
        let hint = Value::map([(
            "routing_config",
            Value::List(vec![Value::map([(
                "additional_version_weights",
                Value::Null,
            )])]),
        )]);
        let with_block = to_value(&alias(None, None), &hint, "us-east-1");
        assert_eq!(
            with_block
                .get("routing_config")
                .as_list()
                .map(<[Value]>::len),
            Some(1)
        );
    }

    #[test]
    fn import_ids_are_function_and_alias_or_the_alias_arn() {
        let resource = AwsLambdaAlias::new(Aws::new(crate::ProviderSettings::default()));
        let plain = resource.import_prior("fn/live").ok();
        assert_eq!(
            plain
                .as_ref()
                .map(|v| (v.get("function_name").as_str(), v.get("name").as_str())),
            Some((Some("fn"), Some("live")))
        );
        let arn = resource
            .import_prior("arn:aws:lambda:us-east-1:123456789012:function:fn:live")
            .ok();
        assert_eq!(
            arn.as_ref()
                .map(|v| (v.get("function_name").as_str(), v.get("name").as_str())),
            Some((Some("fn"), Some("live")))
        );
        assert!(resource.import_prior("fn").is_err());
        assert!(resource.import_prior("fn/").is_err());
    }
}
