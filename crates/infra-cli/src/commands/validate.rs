//! `infra validate`: the configuration alone, without state or AWS calls.

use anyhow::Result;
use infra_config::NoResourceValues;
use infra_core::{Diagnostics, ProviderSettings};

use crate::args::{VariableArgs, VariableSource};
use crate::session::{self, Workdir};
use crate::Exit;

pub fn run(work: &Workdir, args: &VariableArgs, sources: &[VariableSource]) -> Result<Exit> {
    let config = session::load_config(work)?;
    let inputs = session::input_variables(work, &config, sources, args.input)?;
    let evaluator = session::evaluator(work, &config, &inputs)?;
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
