//! `infra validate`: the configuration alone, without variable values, state or AWS calls.
//! With `-json`, the result is Terraform's validate JSON on stdout, whatever it is.

use anyhow::Result;
use infra_config::{Evaluator, NoResourceValues};
use infra_core::{Diagnostic, Diagnostics, ProviderSettings, Severity};
use serde_json::{json, Value as Json};

use crate::args::{ValidateArgs, VariableSource};
use crate::session::{self, Workdir};
use crate::{Exit, Reported};

/// As Terraform's validate, no variable values are read: `-var` and `-input` are accepted and
/// ignored, and an unset variable is an unknown value of its type.
pub fn run(work: &Workdir, args: &ValidateArgs, _sources: &[VariableSource]) -> Result<Exit> {
    let diagnostics = problems(work);
    if args.json {
        println!("{:#}", validate_json(work, &diagnostics));
        return if diagnostics.has_errors() {
            Err(Reported.into())
        } else {
            Ok(Exit::Ok)
        };
    }
    session::report(&diagnostics, work.style)?;
    println!(
        "{}",
        work.style
            .bold_green("Success! The configuration is valid.")
    );
    Ok(Exit::Ok)
}

/// Every problem of the configuration, warnings included; loading stops at its own errors.
fn problems(work: &Workdir) -> Diagnostics {
    let config = match infra_config::load(&work.dir) {
        Ok(config) => config,
        Err(errors) => return errors,
    };
    let mut diagnostics = config.warnings().clone();
    if config.has_no_files() {
        diagnostics.push(Diagnostic::error(
            "No configuration files",
            format!("Planning requires configuration to be present in {}. Planning without a configuration would mark everything for destruction, which is normally not what is desired. If you would like to destroy everything, run plan with the -destroy option. Otherwise, create a configuration file (.tf file) and try again.", work.dir.display()),
        ));
        return diagnostics;
    }
    let evaluator = match Evaluator::for_validation(&config, &work.workspace) {
        Ok(evaluator) => evaluator,
        Err(errors) => {
            diagnostics.extend(errors);
            return diagnostics;
        }
    };
    let (_, registry) = session::provider(ProviderSettings::default());
    diagnostics.extend(config.validate_schemas(&registry));
    if let Err(errors) = evaluator.dependencies() {
        diagnostics.extend(errors);
    }
    if !diagnostics.has_errors() {
        for resource in config.resources() {
            if let Err(errors) = evaluator.expand(&resource.id, &NoResourceValues) {
                // Unknown-at-plan count/for_each is fine for validate.
                diagnostics.extend(Diagnostics(
                    errors
                        .0
                        .into_iter()
                        .filter(|d| {
                            !d.summary.contains("Invalid count")
                                && !d.summary.contains("Invalid for_each")
                        })
                        .collect(),
                ));
            }
        }
    }
    diagnostics
}

/// Terraform's `validate -json` document (format version 1.0).
fn validate_json(work: &Workdir, diagnostics: &Diagnostics) -> Json {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    json!({
        "format_version": "1.0",
        "valid": errors == 0,
        "error_count": errors,
        "warning_count": diagnostics.iter().count() - errors,
        "diagnostics": diagnostics.iter().map(|d| diagnostic_json(work, d)).collect::<Vec<_>>(),
    })
}

/// One diagnostic as Terraform writes it: the range starts at the located line and column
/// (with its byte offset in the file) and, as infra records a point rather than a span, ends
/// there too.
fn diagnostic_json(work: &Workdir, diagnostic: &Diagnostic) -> Json {
    let mut object = json!({
        "severity": match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        },
        "summary": diagnostic.summary,
        "detail": diagnostic.detail,
    });
    if let Some(location) = &diagnostic.location {
        let filename = location
            .file
            .strip_prefix(&work.dir)
            .unwrap_or(&location.file)
            .display()
            .to_string();
        let byte = byte_offset(&location.file, location.line, location.column);
        let position = json!({"line": location.line, "column": location.column, "byte": byte});
        object["range"] = json!({"filename": filename, "start": position, "end": position});
        object["snippet"] = json!({
            "context": Json::Null,
            "code": location.snippet,
            "start_line": location.line,
            "highlight_start_offset": location.column.saturating_sub(1),
            "highlight_end_offset": location.column.saturating_sub(1),
            "values": [],
        });
    }
    object
}

/// The byte offset of a 1-based line and character column in a file (0 when unreadable).
fn byte_offset(file: &std::path::Path, line: usize, column: usize) -> usize {
    let Ok(text) = std::fs::read_to_string(file) else {
        return 0;
    };
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let in_line: usize = text[line_start..]
        .chars()
        .take(column.saturating_sub(1))
        .map(char::len_utf8)
        .sum();
    line_start + in_line
}
