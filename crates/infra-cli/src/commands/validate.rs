//! `infra validate`: the configuration alone, without variable values, state or AWS calls.

use anyhow::Result;
use infra_config::{Evaluator, NoResourceValues};
use infra_core::{Diagnostics, ProviderSettings};

use crate::args::{VariableArgs, VariableSource};
use crate::session::{self, check, Workdir};
use crate::Exit;

/// As Terraform's validate, no variable values are read: `-var` and `-input` are accepted and
/// ignored, and an unset variable is an unknown value of its type.
pub fn run(work: &Workdir, _args: &VariableArgs, _sources: &[VariableSource]) -> Result<Exit> {
    let config = session::load_required_config(work, false)?;
    let evaluator = check(
        Evaluator::for_validation(&config, &work.workspace),
        work.style,
    )?;
    let (_, registry) = session::provider(ProviderSettings::default());
    let mut diagnostics = config.validate_schemas(&registry);
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
    session::report(&diagnostics, work.style)?;
    println!(
        "{}",
        work.style
            .bold_green("Success! The configuration is valid.")
    );
    Ok(Exit::Ok)
}
