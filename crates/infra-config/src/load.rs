//! Loading a configuration directory: [`crate::config`] reads the files and the modules they
//! call; the checks that need the configuration whole (deprecated variables and outputs in use)
//! run over what it read.

use std::path::Path;

use infra_core::Diagnostics;

use crate::config::{read, Config, Resolved};

/// Reads every `*.tf` file in `dir` (sorted by name), then every module it calls, recursively.
/// All errors from all files are collected before returning. A call whose `source` is an
/// expression has no module yet ([`load_with`]).
pub fn load(dir: &Path) -> Result<Config, Diagnostics> {
    load_with(dir, &Resolved::default())
}

/// As [`load`], with one module per instance of each call with `count`/`for_each` whose
/// instances are given (see `Evaluator::module_instances`): `module.app[0]`, `module.app[1]`;
/// and the children of calls whose source is an expression, where it is given
/// (`Evaluator::module_sources`).
pub fn load_with(dir: &Path, resolved: &Resolved) -> Result<Config, Diagnostics> {
    let (mut config, mut diagnostics) = read(dir, resolved);
    diagnostics.extend(crate::deprecation::warnings(&config));
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    config.warnings = diagnostics;
    Ok(config)
}
