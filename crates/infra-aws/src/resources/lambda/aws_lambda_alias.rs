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

use aws_sdk_lambda::operation::get_alias::GetAliasOutput;
use aws_sdk_lambda::types::AliasRoutingConfiguration;
use infra_core::{Attribute, Block, Cause, ProviderError, Schema, Timeouts, Type, Value};

use crate::app_support::{
    deleted_or_missing, is_missing, known, sent, single, string, text, vanished, wait_for,
};
use crate::aws_object::{
    each_key, AwsObject, Creating, Deleting, DescribeResult, FindResult, ObjectType, Tagged,
    Updating,
};
use crate::clients::partition_of;
use crate::declared::{read, read_block, Declared, Reading};

use super::aws_lambda_permission::parse_function;

pub type AwsLambdaAlias = ObjectType<AliasObject>;

pub struct AliasObject;

/// Between the function and the alias name in the key (neither name can hold it).
const SEPARATOR: char = '\0';

/// The function and alias name a key holds.
fn parts(key: &str) -> Option<(&str, &str)> {
    key.split_once(SEPARATOR)
}

/// GetAlias; `None` when the function or the alias does not exist.
async fn get(
    this: &AwsLambdaAlias,
    function: &str,
    name: &str,
) -> Result<Option<Tagged<GetAliasOutput>>, ProviderError> {
    let client = &this.aws.clients().await.lambda;
    match sent!(client.get_alias().function_name(function).name(name)) {
        Ok(object) => Ok(Some(Tagged { object, tags: vec![] })),
        Err(error) if is_missing(&error) => Ok(None),
        Err(error) => Err(error.context(&format!("reading Lambda Alias ({function}/{name})"))),
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
    AliasRoutingConfiguration::builder().set_additional_version_weights(weights(planned)).build()
}

/// AWS answers an unset description as "" (or not at all): read as the configuration wrote
/// it, unset or "".
fn description(output: &GetAliasOutput, at: &Reading) -> Value {
    match output.description().filter(|d| !d.is_empty()) {
        Some(description) => Value::string(description),
        None if at.prior.get("description").as_str() == Some("") => Value::string(""),
        None => Value::Null,
    }
}

/// Weights are a block when AWS has some; none read as the configuration's empty block, or as
/// no block.
fn routing_config(output: &GetAliasOutput, at: &Reading) -> Value {
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
    Value::List(if !reported.is_empty() || single(at.prior, "routing_config").is_some() {
        vec![Value::map([("additional_version_weights", Value::Map(reported))])]
    } else {
        Vec::new()
    })
}

/// CreateAlias's answer for a name that is taken (`ResourceConflictException`, "Alias already
/// exists").
fn is_taken(error: &ProviderError) -> bool {
    error.message.to_ascii_lowercase().contains("already exists")
}

impl AwsObject for AliasObject {
    type Object = GetAliasOutput;
    const NAME: &'static str = "aws_lambda_alias";
    const KIND: &'static str = "Lambda Alias";
    /// Unused: the key is the function and the name ([`AliasObject::key_of`]).
    const KEY: &'static str = "name";
    const KEY_WORD: &'static str = "function_name or name";
    const TAGGED: bool = false;

    fn attributes() -> Vec<Declared<GetAliasOutput>> {
        fn arn(output: &GetAliasOutput, _: &Reading) -> Value {
            Value::string(output.alias_arn().unwrap_or_default())
        }
        let computed = |name| Attribute::computed(name, Type::String);
        let routing = Schema::new()
            .attr(Attribute::optional("additional_version_weights", Type::map(Type::Number)));
        vec![
            read(computed("id"), arn),
            read(computed("arn"), arn),
            read(Attribute::optional("description", Type::String), description),
            // AWS does not report the function: kept as configured (name or ARN).
            read(
                Attribute::required("function_name", Type::String).force_new(),
                |_: &GetAliasOutput, at| known(at.prior, "function_name"),
            ),
            read(Attribute::required("function_version", Type::String), |o: &GetAliasOutput, _| {
                text(o.function_version())
            }),
            read(computed("invoke_arn"), |o: &GetAliasOutput, at| {
                Value::string(invoke_arn(at.region, o.alias_arn().unwrap_or_default()))
            }),
            read(
                Attribute::required("name", Type::String).force_new(),
                |o: &GetAliasOutput, at| match o.name() {
                    Some(name) => Value::string(name),
                    None => known(at.prior, "name"),
                },
            ),
            read_block(Block::single("routing_config", routing), routing_config),
        ]
    }

    /// The provider's update timeout is 15 minutes (waiting for weights to clear).
    fn default_timeouts() -> Timeouts {
        Timeouts::minutes(30, 15, 30)
    }

    /// The function (as configured, a name or an ARN) and the alias name.
    fn key_of(value: &Value) -> Option<String> {
        let (function, name) = (string(value, "function_name")?, string(value, "name")?);
        Some(format!("{function}{SEPARATOR}{name}"))
    }

    /// GetAlias per alias (Lambda has no batched alias read), at most eight in flight.
    async fn describe(this: &ObjectType<Self>, keys: &[String]) -> DescribeResult<GetAliasOutput> {
        each_key(keys, |key| async move {
            match parts(key) {
                Some((function, name)) => get(this, function, name).await,
                None => Ok(None),
            }
        })
        .await
    }

    /// Gone right after it was written: named by the alias name.
    async fn written(
        this: &AwsLambdaAlias,
        key: &str,
    ) -> Result<Tagged<GetAliasOutput>, ProviderError> {
        let name = parts(key).map_or("", |(_, name)| name);
        this.found(key).await?.ok_or_else(|| vanished(Self::KIND, name))
    }

    async fn create(at: Creating<'_, Self>) -> Result<String, ProviderError> {
        let (Some(function), Some(name), Some(version)) = (
            string(at.planned, "function_name"),
            string(at.planned, "name"),
            string(at.planned, "function_version"),
        ) else {
            return Err(ProviderError::new(
                "aws_lambda_alias needs known function_name, name and function_version",
            ));
        };
        let created = sent!(at
            .this
            .aws
            .clients()
            .await
            .lambda
            .create_alias()
            .function_name(&function)
            .name(&name)
            .function_version(version)
            .description(string(at.planned, "description").unwrap_or_default())
            .routing_config(routing(at.planned)));
        let creating = format!("creating Lambda Alias ({name})");
        match created {
            Ok(_) => {}
            Err(error) if is_taken(&error) => {
                return Err(error.with_cause(Cause::AlreadyExists).context(&creating));
            }
            Err(error) => return Err(error.context(&creating)),
        }
        Ok(format!("{function}{SEPARATOR}{name}"))
    }

    async fn update(at: Updating<'_, Self>) -> Result<String, ProviderError> {
        let (Some(function), Some(name)) =
            (string(at.prior, "function_name"), string(at.prior, "name"))
        else {
            return Err(ProviderError::new(
                "aws_lambda_alias has no function_name or name in state",
            ));
        };
        let id = string(at.prior, "id").unwrap_or_else(|| format!("{function}/{name}"));
        let routing_config = routing(at.planned);
        sent!(at
            .this
            .aws
            .clients()
            .await
            .lambda
            .update_alias()
            .function_name(&function)
            .name(&name)
            .set_function_version(string(at.planned, "function_version"))
            // Every setting is sent: an unset description as "" clears it.
            .description(string(at.planned, "description").unwrap_or_default())
            .routing_config(routing_config.clone()))
        .map_err(|e| e.context(&format!("updating Lambda Alias ({id})")))?;
        let cleared = routing_config.additional_version_weights().is_none_or(HashMap::is_empty);
        // As the provider: a numeric alias name is never waited for.
        if cleared && name.parse::<i64>().is_err() {
            wait_for(
                "the Lambda alias routing weights to clear",
                at.operation.timeouts.update,
                || async {
                    Ok(match get(at.this, &function, &name).await? {
                        None => Some(()),
                        Some(found) => found
                            .object
                            .routing_config()
                            .and_then(AliasRoutingConfiguration::additional_version_weights)
                            .is_none_or(HashMap::is_empty)
                            .then_some(()),
                    })
                },
            )
            .await
            .map_err(|e| {
                e.context(&format!("waiting for Lambda Alias ({id}) routing weights to clear"))
            })?;
        }
        // Read back by the planned function and name (the same: both force a new alias).
        Ok(Self::key_of(at.planned).unwrap_or_default())
    }

    async fn delete(at: Deleting<'_, Self>) -> Result<(), ProviderError> {
        let (Some(function), Some(name)) =
            (string(at.prior, "function_name"), string(at.prior, "name"))
        else {
            return Ok(());
        };
        let deleted = sent!(at
            .this
            .aws
            .clients()
            .await
            .lambda
            .delete_alias()
            .function_name(&function)
            .name(&name));
        deleted_or_missing(deleted).map_err(|error| {
            let id = string(at.prior, "id").unwrap_or_else(|| format!("{function}/{name}"));
            error.context(&format!("deleting Lambda Alias ({id})"))
        })
    }

    /// `FUNCTION_NAME/ALIAS`, or the alias ARN.
    fn import_prior(id: &str) -> Result<Value, ProviderError> {
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
    async fn find_created(at: Creating<'_, Self>) -> FindResult<GetAliasOutput> {
        let Some(key) = Self::key_of(at.planned) else {
            return Ok(None);
        };
        let found = at.this.found(&key).await?;
        Ok(found.filter(|alias| {
            alias.object.function_version() == at.planned.get("function_version").as_str()
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::declared::declare;
    use crate::Aws;
    use infra_core::ResourceType;

    /// The value read back from this answer in `region`.
    fn to_value(output: &GetAliasOutput, hint: &Value, region: &str) -> Value {
        let (_, declaration) = declare(Schema::new(), AliasObject::attributes());
        let reading = Reading { region, account: "", prior: hint };
        declaration.value(output, &reading)
    }

    fn alias(weights: Option<HashMap<String, f64>>, description: Option<&str>) -> GetAliasOutput {
        GetAliasOutput::builder()
            .alias_arn("arn:aws:lambda:us-east-1:123456789012:function:fn:live")
            .name("live")
            .function_version("1")
            .set_description(description.map(str::to_string))
            .set_routing_config(weights.map(|w| {
                AliasRoutingConfiguration::builder().set_additional_version_weights(Some(w)).build()
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
            routing.first().map(|r| r.get("additional_version_weights").get("2")),
            Some(&Value::Number(0.5))
        );
    }

    #[test]
    fn no_weights_read_as_the_configured_shape() {
        let without =
            to_value(&alias(None, None), &Value::map([("name", Value::Null)]), "us-east-1");
        assert_eq!(without.get("routing_config"), &Value::List(vec![]));
        let hint = Value::map([(
            "routing_config",
            Value::List(vec![Value::map([("additional_version_weights", Value::Null)])]),
        )]);
        let with_block = to_value(&alias(None, None), &hint, "us-east-1");
        assert_eq!(with_block.get("routing_config").as_list().map(<[Value]>::len), Some(1));
    }

    #[test]
    fn import_ids_are_function_and_alias_or_the_alias_arn() {
        let resource = AwsLambdaAlias::new(Aws::new(crate::ProviderSettings::default()));
        let plain = resource.import_prior("fn/live").ok();
        assert_eq!(
            plain.as_ref().map(|v| (v.get("function_name").as_str(), v.get("name").as_str())),
            Some((Some("fn"), Some("live")))
        );
        let arn =
            resource.import_prior("arn:aws:lambda:us-east-1:123456789012:function:fn:live").ok();
        assert_eq!(
            arn.as_ref().map(|v| (v.get("function_name").as_str(), v.get("name").as_str())),
            Some((Some("fn"), Some("live")))
        );
        assert!(resource.import_prior("fn").is_err());
        assert!(resource.import_prior("fn/").is_err());
    }
}
