//! `infra validate`: the configuration alone, without variable values, state or AWS calls.
//! With `-json`, the result is Terraform's validate JSON on stdout, whatever it is.

use anyhow::Result;
use infra_aws::ProviderSettings;
use infra_config::{Evaluator, NoResourceValues};
use infra_core::{Diagnostic, Diagnostics, Severity};
use serde_json::{json, Value as Json};

use crate::args::{ValidateArgs, VariableSource};
use crate::session::{self, Workdir};
use crate::{Exit, Reported};

/// As Terraform's validate, variable values are not needed: an unset variable is an unknown
/// value of its type. Only `const` variables that module `source` or `version` expressions
/// use are read (Terraform 1.15), from `-var`, `-var-file` and the usual files.
pub fn run(work: &Workdir, args: &ValidateArgs, sources: &[VariableSource]) -> Result<Exit> {
    let diagnostics = problems(work, sources)?;
    if args.json {
        println!("{:#}", validate_json(work, &diagnostics));
        return if diagnostics.has_errors() { Err(Reported.into()) } else { Ok(Exit::Ok) };
    }
    session::report(&diagnostics, work.style)?;
    println!("{}", work.style.bold_green("Success! The configuration is valid."));
    Ok(Exit::Ok)
}

/// Every problem of the configuration, warnings included; loading stops at its own errors.
/// Variable values that cannot be read are an error of their own.
fn problems(work: &Workdir, sources: &[VariableSource]) -> Result<Diagnostics> {
    let config = match infra_config::load(&work.dir) {
        Ok(config) => config,
        Err(errors) => return Ok(errors),
    };
    let config = if config.has_module_sources_to_evaluate() {
        let inputs = session::input_variables(work, &config, sources, false)?;
        match session::resolve_module_sources(work, config, &inputs) {
            Ok(config) => config,
            Err(errors) => return Ok(errors),
        }
    } else {
        config
    };
    Ok(problems_of(work, &config))
}

fn problems_of(work: &Workdir, config: &infra_config::Config) -> Diagnostics {
    let mut diagnostics = config.warnings().clone();
    if config.has_no_files() {
        diagnostics.push(Diagnostic::error(
            "No configuration files",
            format!("Planning requires configuration to be present in {}. Planning without a configuration would mark everything for destruction, which is normally not what is desired. If you would like to destroy everything, run plan with the -destroy option. Otherwise, create a configuration file (.tf file) and try again.", work.dir.display()),
        ));
        return diagnostics;
    }
    let evaluator = match Evaluator::for_validation(config, &work.workspace) {
        Ok(evaluator) => evaluator,
        Err(errors) => {
            diagnostics.extend(errors);
            return diagnostics;
        }
    };
    // The provider blocks, their values unknown where they come from variables.
    match evaluator.provider_blocks().and_then(|blocks| {
        infra_aws::settings::configurations(&blocks, infra_aws::settings::Reading::Validate)
    }) {
        Ok((_, warnings)) => diagnostics.extend(warnings),
        Err(errors) => diagnostics.extend(errors),
    }
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
    let errors = diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    json!({
        "format_version": "1.0",
        "valid": errors == 0,
        "error_count": errors,
        "warning_count": diagnostics.iter().count() - errors,
        "diagnostics": diagnostics.iter().map(|d| crate::json_ui::diagnostic_json(&work.dir, d)).collect::<Vec<_>>(),
    })
}
