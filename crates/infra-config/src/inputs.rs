//! Values for root module variables from the environment, `.tfvars` files, `-var` flags and
//! prompts, kept raw until the declared types are known (Terraform parses `-var` text as a
//! string for string variables and as an expression otherwise).

use crate::source::SourceFile;
use hcl_edit::structure::Structure;
use hcl_edit::Span;
use infra_core::{Diagnostic, Diagnostics, Location, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// Where a value came from; decides whether an undeclared name is an error or a warning.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum InputSource {
    Environment,
    File,
    CommandLine,
    Prompt,
}

#[derive(Debug, Clone)]
pub(crate) enum RawValue {
    /// Already evaluated (from a `.tfvars` file).
    Value(Value),
    /// Text to read as a string or an HCL expression depending on the declared type.
    Text(String),
}

#[derive(Debug, Clone)]
pub(crate) struct RawInput {
    pub value: RawValue,
    pub source: InputSource,
    pub location: Option<Location>,
}

/// Raw variable values, in the order they were added; a later value wins.
#[derive(Debug, Clone, Default)]
pub struct InputVariables {
    pub(crate) values: BTreeMap<String, RawInput>,
}

impl InputVariables {
    pub fn new() -> Self {
        Self::default()
    }

    /// `TF_VAR_name` and `INFRA_VAR_name`; INFRA_ wins over TF_ for the same name.
    pub fn add_environment(&mut self, vars: impl IntoIterator<Item = (String, String)>) {
        let mut terraform = BTreeMap::new();
        let mut infra = BTreeMap::new();
        for (key, value) in vars {
            if let Some(name) = key.strip_prefix("TF_VAR_") {
                terraform.insert(name.to_string(), value);
            } else if let Some(name) = key.strip_prefix("INFRA_VAR_") {
                infra.insert(name.to_string(), value);
            }
        }
        for (name, value) in terraform.into_iter().chain(infra) {
            if name.is_empty() {
                continue;
            }
            self.values.insert(
                name,
                RawInput {
                    value: RawValue::Text(value),
                    source: InputSource::Environment,
                    location: None,
                },
            );
        }
    }

    /// `terraform.tfvars`, then `*.auto.tfvars` in lexical order, from `dir`; missing is fine.
    pub fn add_auto_files(&mut self, dir: &Path) -> Result<(), Diagnostics> {
        let mut diagnostics = Diagnostics::new();
        let mut files = Vec::new();
        let main = dir.join("terraform.tfvars");
        if main.is_file() {
            files.push(main);
        }
        if let Ok(entries) = std::fs::read_dir(dir) {
            let mut auto: Vec<_> = entries
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| {
                    p.is_file()
                        && p.file_name()
                            .and_then(|n| n.to_str())
                            .is_some_and(|n| n.ends_with(".auto.tfvars"))
                })
                .collect();
            auto.sort();
            files.extend(auto);
        }
        for file in files {
            if let Err(errors) = self.add_file(&file) {
                diagnostics.extend(errors);
            }
        }
        diagnostics.into_result(())
    }

    /// `-var-file=F`; a missing file is an error naming the path.
    pub fn add_file(&mut self, path: &Path) -> Result<(), Diagnostics> {
        let text = std::fs::read_to_string(path).map_err(|error| {
            Diagnostics::from(Diagnostic::error(
                "Failed to read variables file",
                format!("Cannot read `{}`: {error}", path.display()),
            ))
        })?;
        self.add_source(path, text)
    }

    fn add_source(&mut self, path: &Path, text: String) -> Result<(), Diagnostics> {
        let file = SourceFile::new(path.to_path_buf(), path.display().to_string(), text);
        let body = file.parse().map_err(|d| Diagnostics::from(*d))?;
        let mut diagnostics = Diagnostics::new();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attribute) => {
                    let location = file.span_location(attribute.span());
                    match crate::context::constant(&attribute.value) {
                        Ok(value) => {
                            self.values.insert(
                                attribute.key.value().as_str().to_string(),
                                RawInput {
                                    value: RawValue::Value(value),
                                    source: InputSource::File,
                                    location,
                                },
                            );
                        }
                        Err(error) => diagnostics.push(
                            Diagnostic::error(error.summary.clone(), error.detail.clone())
                                .at(file.span_location(attribute.value.span())),
                        ),
                    }
                }
                Structure::Block(block) => diagnostics.push(
                    Diagnostic::error(
                        "Unexpected block",
                        "Blocks are not allowed in a variables file; use name = value.",
                    )
                    .at(file.span_location(block.span())),
                ),
            }
        }
        diagnostics.into_result(())
    }

    /// `-var 'k=v'`.
    pub fn add_cli(&mut self, raw: &str) -> Result<(), Diagnostics> {
        let Some((name, value)) = raw.split_once('=') else {
            return Err(Diagnostic::error(
                "Invalid -var option",
                format!("The given -var option \"{raw}\" is not correctly specified. It must be a variable name and value separated by an equals sign, like -var=\"key=value\"."),
            )
            .into());
        };
        let name = name.trim();
        if name.is_empty() {
            return Err(Diagnostic::error(
                "Invalid -var option",
                format!("The -var option \"{raw}\" has no variable name."),
            )
            .into());
        }
        self.values.insert(
            name.to_string(),
            RawInput {
                value: RawValue::Text(value.to_string()),
                source: InputSource::CommandLine,
                location: None,
            },
        );
        Ok(())
    }

    /// An answer from an interactive prompt.
    /// True when a value for `name` was given by any source.
    pub fn has(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    pub fn set_string(&mut self, name: &str, value: &str) {
        self.values.insert(
            name.to_string(),
            RawInput {
                value: RawValue::Text(value.to_string()),
                source: InputSource::Prompt,
                location: None,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_and_sources() {
        let mut inputs = InputVariables::new();
        inputs.add_environment([
            ("INFRA_VAR_a".to_string(), "infra".to_string()),
            ("TF_VAR_a".to_string(), "tf".to_string()),
            ("PATH".to_string(), "/bin".to_string()),
        ]);
        assert!(matches!(&inputs.values["a"].value, RawValue::Text(t) if t == "infra"));
        inputs.add_cli("a=cli").unwrap();
        assert!(matches!(&inputs.values["a"].value, RawValue::Text(t) if t == "cli"));
        assert!(inputs.add_cli("novalue").is_err());
        let missing = inputs.add_file(Path::new("/nonexistent/x.tfvars")).unwrap_err();
        assert!(missing.0[0].detail.contains("/nonexistent/x.tfvars"));
        inputs.add_source(Path::new("t.tfvars"), "b = [1, 2]\nc = \"x\"\n".into()).unwrap();
        assert!(
            matches!(&inputs.values["b"].value, RawValue::Value(Value::List(items)) if items.len() == 2)
        );
        let bad = inputs.add_source(Path::new("t.tfvars"), "b = var.x\n".into()).unwrap_err();
        assert_eq!(bad.0[0].location.as_ref().map(|l| (l.line, l.column)), Some((1, 5)));
    }
}
