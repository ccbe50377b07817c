//! `ephemeral "aws_ssm_parameter"`: a Parameter Store parameter by `arn`, decrypted unless
//! `with_decryption = false`, with the provider's ephemeral schema: `name`, `type`, `value`
//! (sensitive) and `version`.

use infra_core::{Attribute, ProviderError, Schema, Type, Value};

use crate::app_support::{number, sensitive, text};
use crate::data_sources::ssm::aws_ssm_parameter::get_parameter;
use crate::lookup::{with_found, Lookup, LookupType};

pub type EphemeralSsmParameter = LookupType<SsmParameterLookup>;

pub struct SsmParameterLookup;

impl Lookup for SsmParameterLookup {
    const NAME: &'static str = "aws_ssm_parameter";

    fn schema() -> Schema {
        Schema::new()
            .attr(Attribute::required("arn", Type::String))
            .attr(Attribute::optional("with_decryption", Type::Bool).default(Value::Bool(true)))
            .attr(Attribute::computed("name", Type::String))
            .attr(Attribute::computed("type", Type::String))
            .attr(Attribute::computed("value", Type::String).sensitive())
            .attr(Attribute::computed("version", Type::Number))
    }

    async fn read(this: &LookupType<Self>, config: &Value) -> Result<Value, ProviderError> {
        let arn = config
            .get("arn")
            .as_str()
            .ok_or_else(|| ProviderError::new("aws_ssm_parameter: arn is required"))?;
        let decrypt = config.get("with_decryption").as_bool().unwrap_or(true);
        let parameter = get_parameter(&this.aws, arn, decrypt).await?;
        let kind = parameter.r#type().map(|t| t.as_str()).unwrap_or("String");
        Ok(with_found(
            config,
            [
                ("with_decryption", Value::Bool(decrypt)),
                ("name", text(parameter.name())),
                ("type", Value::string(kind)),
                ("value", sensitive(text(parameter.value()))),
                ("version", number(Some(parameter.version()))),
            ],
        ))
    }
}
