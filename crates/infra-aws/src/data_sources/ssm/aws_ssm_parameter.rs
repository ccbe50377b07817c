//! `aws_ssm_parameter` (data source): one Parameter Store parameter by name, decrypted unless
//! `with_decryption = false`. `value` is sensitive; `insecure_value` carries the same value
//! unmarked for a parameter that is not a `SecureString` (null for one that is).

use aws_sdk_ssm::types::Parameter;
use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::app_support::{number, sensitive, sent, text};
use crate::lookup::{with_found, Lookup, LookupType};
use crate::Aws;

pub type AwsSsmParameter = LookupType<SsmParameterLookup>;

pub struct SsmParameterLookup;

/// GetParameter of `name` (a name or an ARN, as the API takes either), decrypted when
/// `decrypt`. The ephemeral resource of this name opens the parameter the same way.
pub(crate) async fn get_parameter(
    aws: &Aws,
    name: &str,
    decrypt: bool,
) -> Result<Parameter, ProviderError> {
    let output =
        sent!(aws.clients().await.ssm.get_parameter().name(name).with_decryption(decrypt))?;
    output.parameter.ok_or_else(|| ProviderError::new(format!("SSM parameter {name} not found")))
}

impl Lookup for SsmParameterLookup {
    const NAME: &'static str = "aws_ssm_parameter";

    fn schema() -> Schema {
        Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("name", Type::String))
            .attr(Attribute::optional("with_decryption", Type::Bool).default(Value::Bool(true)))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("type", Type::String))
            .attr(Attribute::computed("value", Type::String).sensitive())
            .attr(Attribute::computed("insecure_value", Type::String))
            .attr(Attribute::computed("version", Type::Number))
    }

    async fn read(this: &LookupType<Self>, config: &Value) -> Result<Value, ProviderError> {
        let name = config
            .get("name")
            .as_str()
            .ok_or_else(|| ProviderError::new("aws_ssm_parameter: name is required"))?;
        let decrypt = config.get("with_decryption").as_bool().unwrap_or(true);
        let parameter = get_parameter(&this.aws, name, decrypt).await?;
        let kind = parameter.r#type().map(|t| t.as_str()).unwrap_or("String");
        Ok(with_found(
            config,
            [
                ("id", text(parameter.name())),
                ("with_decryption", Value::Bool(decrypt)),
                ("arn", text(parameter.arn())),
                ("type", Value::string(kind)),
                ("value", sensitive(text(parameter.value()))),
                (
                    "insecure_value",
                    if kind == "SecureString" { Value::Null } else { text(parameter.value()) },
                ),
                ("version", number(Some(parameter.version()))),
            ],
        ))
    }
}
