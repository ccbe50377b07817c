//! `aws_ssm_parameter` (data source): one Parameter Store parameter by name, decrypted unless
//! `with_decryption = false`. `value` is sensitive; `insecure_value` carries the same value
//! unmarked for a parameter that is not a `SecureString` (null for one that is).

use std::sync::Arc;

use aws_sdk_ssm::types::Parameter;
use infra_core::{Attribute, DataSourceType, ProviderError, Schema, Type, Value};

use crate::app_support::{number, sensitive, sent, text};
use crate::Aws;

pub struct AwsSsmParameter {
    aws: Arc<Aws>,
    schema: Schema,
}

impl AwsSsmParameter {
    pub fn new(aws: Arc<Aws>) -> AwsSsmParameter {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("name", Type::String))
            .attr(Attribute::optional("with_decryption", Type::Bool).default(Value::Bool(true)))
            .attr(Attribute::computed("arn", Type::String))
            .attr(Attribute::computed("type", Type::String))
            .attr(Attribute::computed("value", Type::String).sensitive())
            .attr(Attribute::computed("insecure_value", Type::String))
            .attr(Attribute::computed("version", Type::Number));
        AwsSsmParameter { aws, schema }
    }
}

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

#[async_trait::async_trait]
impl DataSourceType for AwsSsmParameter {
    fn name(&self) -> &'static str {
        "aws_ssm_parameter"
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> Result<Value, ProviderError> {
        let name = config
            .get("name")
            .as_str()
            .ok_or_else(|| ProviderError::new("aws_ssm_parameter: name is required"))?;
        let decrypt = config.get("with_decryption").as_bool().unwrap_or(true);
        let parameter = get_parameter(&self.aws, name, decrypt).await?;
        let kind = parameter.r#type().map(|t| t.as_str()).unwrap_or("String");
        let mut value = config.clone();
        if let Some(entries) = value.map_mut() {
            entries.insert("id".into(), text(parameter.name()));
            entries.insert("with_decryption".into(), Value::Bool(decrypt));
            entries.insert("arn".into(), text(parameter.arn()));
            entries.insert("type".into(), Value::string(kind));
            entries.insert("value".into(), sensitive(text(parameter.value())));
            entries.insert(
                "insecure_value".into(),
                if kind == "SecureString" { Value::Null } else { text(parameter.value()) },
            );
            entries.insert("version".into(), number(Some(parameter.version())));
        }
        Ok(value)
    }
}
