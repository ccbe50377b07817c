//! The `template_file` data source (the deprecated `template` provider): renders `template`
//! in Terraform's template syntax with `vars` into `rendered`; the `id` is the SHA-256 (hex)
//! of the rendered text. Variables must be primitives, and reach the template as strings, as
//! in the provider; the renderer is the one `templatefile()` uses.

use std::collections::BTreeMap;

use infra_core::value::format_number;
use infra_core::{Attribute, DataSourceType, ProviderError, Schema, Type, Value};
use sha2::{Digest, Sha256};

use crate::support::{object_of, text};

const NAME: &str = "template_file";

pub struct DataTemplateFile {
    schema: Schema,
}

impl DataTemplateFile {
    pub fn new() -> DataTemplateFile {
        let schema = Schema::new()
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::required("template", Type::String))
            .attr(Attribute::optional("vars", Type::map(Type::String)))
            .attr(Attribute::computed("rendered", Type::String));
        DataTemplateFile { schema }
    }
}

impl Default for DataTemplateFile {
    fn default() -> DataTemplateFile {
        DataTemplateFile::new()
    }
}

/// The variables as the provider passes them: every value a string; lists and maps refused.
fn string_variables(vars: &Value) -> Result<BTreeMap<String, Value>, ProviderError> {
    let Some(entries) = vars.as_map() else {
        return Ok(BTreeMap::new());
    };
    let mut variables = BTreeMap::new();
    let mut bad = Vec::new();
    for (key, value) in entries {
        let (plain, sensitive) = value.clone().unmark();
        let converted = match plain {
            Value::String(s) => Value::String(s),
            Value::Number(n) => Value::String(format_number(n)),
            Value::Bool(b) => Value::String(b.to_string()),
            Value::Null => Value::Null,
            Value::List(_) => {
                bad.push(format!("{key} (list)"));
                continue;
            }
            Value::Map(_) => {
                bad.push(format!("{key} (map)"));
                continue;
            }
            Value::Unknown | Value::Sensitive(_) => {
                return Err(ProviderError::new(format!(
                    "data.{NAME}: variable {key:?} is not known"
                )))
            }
        };
        let converted = if sensitive { converted.mark_sensitive() } else { converted };
        variables.insert(key.clone(), converted);
    }
    if !bad.is_empty() {
        return Err(ProviderError::new(format!(
            "data.{NAME}: vars: cannot contain non-primitives; bad keys: {}",
            bad.join(", ")
        )));
    }
    Ok(variables)
}

#[async_trait::async_trait]
impl DataSourceType for DataTemplateFile {
    fn name(&self) -> &'static str {
        NAME
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    async fn read(&self, config: &Value) -> Result<Value, ProviderError> {
        let template = text(config, "template")
            .ok_or_else(|| ProviderError::new(format!("data.{NAME} needs a known \"template\"")))?;
        let variables = string_variables(config.get("vars"))?;
        let rendered = infra_config::render_template(&template, variables).map_err(|message| {
            ProviderError::new(format!("data.{NAME}: failed to render the template: {message}"))
        })?;
        let (rendered, sensitive) = rendered.unmark();
        let rendered = match rendered {
            Value::String(s) => s,
            other => {
                return Err(ProviderError::new(format!(
                    "data.{NAME}: invalid template result: {} is not a string",
                    other.type_name()
                )))
            }
        };
        let mut object = object_of(config);
        object.insert("id".into(), Value::String(hex::encode(Sha256::digest(rendered.as_bytes()))));
        let rendered = Value::String(rendered);
        object.insert(
            "rendered".into(),
            if sensitive { rendered.mark_sensitive() } else { rendered },
        );
        Ok(Value::Map(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str, vars: Value) -> Result<Value, ProviderError> {
        let config = Value::map([("template", Value::string(template)), ("vars", vars)]);
        let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
        runtime.block_on(DataTemplateFile::new().read(&config))
    }

    #[test]
    fn renders_vars_and_hashes_the_result() {
        let vars = Value::map([
            ("name", Value::string("web")),
            ("port", Value::Number(8080.0)),
            ("debug", Value::Bool(true)),
        ]);
        let read = render("${name} listens on ${port}, debug=${debug}", vars).expect("render");
        let rendered = "web listens on 8080, debug=true";
        assert_eq!(read.get("rendered"), &Value::string(rendered));
        assert_eq!(
            read.get("id"),
            &Value::String(hex::encode(Sha256::digest(rendered.as_bytes())))
        );
    }

    #[test]
    fn directives_and_functions_work() {
        let vars = Value::map([("count", Value::string("3"))]);
        let read =
            render("%{ if count == \"3\" }three%{ else }other%{ endif } ${upper(\"x\")}", vars)
                .expect("render");
        assert_eq!(read.get("rendered"), &Value::string("three X"));
        let plain = render("no variables", Value::Null).expect("render");
        assert_eq!(plain.get("rendered"), &Value::string("no variables"));
    }

    #[test]
    fn lists_and_missing_variables_are_errors() {
        let vars = Value::map([("items", Value::List(vec![Value::string("a")]))]);
        let error = render("${items}", vars).expect_err("non-primitive");
        assert!(error.message.contains("items (list)"), "{error}");
        assert!(render("${missing}", Value::map::<&str>([])).is_err());
    }
}
