//! Terraform 1.15's `deprecated` on `variable` and `output` blocks: a module author's notice
//! that reaches the module's callers, at `validate` and every command after it.
//!
//! - A module call that gives a deprecated variable a value: the warning "Deprecated variable
//!   got a value" at the argument, with the author's message. Terraform warns when the value is
//!   not null; here the argument is judged as written (only a literal `null` is quiet), so an
//!   expression that evaluates to null warns too.
//! - An expression that reads a deprecated output of a module it calls
//!   (`module.logs.bucket_id`): the warning "Deprecated value used" where it is read.
//! - A root module output cannot be deprecated: the loader refuses it (`config.rs`).
//! - `ignore_nested_deprecations = true` on a module call quiets the "Deprecated value used"
//!   warnings from within that module and the modules below it.

use std::collections::BTreeSet;

use hcl_edit::expr::Expression;
use hcl_edit::Span;
use infra_core::{Diagnostic, Diagnostics, Location};

use crate::config::{Config, Expr};
use crate::references::{self, RefKind, Reference};

/// The deprecation warnings of `config`, each once however many instances its module has.
pub(crate) fn warnings(config: &Config) -> Diagnostics {
    let mut found = Vec::new();
    for (index, module) in config.modules.iter().enumerate() {
        for call in &module.calls {
            let Some(&child) = call.children().first() else {
                continue;
            };
            let child = &config.modules[child];
            for (name, argument) in &call.inputs {
                let Some(variable) = child.variable_index.get(name).map(|&i| &child.variables[i])
                else {
                    continue;
                };
                if let Some(message) = &variable.deprecated {
                    if !matches!(argument.expr, Expression::Null(_)) {
                        found.push(
                            Diagnostic::warning("Deprecated variable got a value", message.clone())
                                .at(location(config, argument)),
                        );
                    }
                }
            }
        }
        if suppressed(config, index) {
            continue;
        }
        for (file, reference) in module_references(config, index) {
            let RefKind::Module(call_name, Some(output_name)) = &reference.kind else {
                continue;
            };
            let Some(message) = deprecated_output(config, index, call_name, output_name) else {
                continue;
            };
            found.push(
                Diagnostic::warning(
                    "Deprecated value used",
                    format!(
                        "The deprecation originates from module.{call_name}.{output_name}\n\n{message}"
                    ),
                )
                .at(config.location(file, reference.span.clone())),
            );
        }
    }
    let mut seen = BTreeSet::new();
    let mut diagnostics = Diagnostics::new();
    for warning in found {
        if seen.insert(format!("{warning:?}")) {
            diagnostics.push(warning);
        }
    }
    diagnostics
}

/// Whether module `index` is, or is below, a module called with
/// `ignore_nested_deprecations = true`.
fn suppressed(config: &Config, mut index: usize) -> bool {
    while let Some((parent, call)) = config.parent_of(index) {
        if call.ignore_nested_deprecations {
            return true;
        }
        index = parent;
    }
    false
}

/// The message of `module.CALL.OUTPUT`'s `deprecated`, read from module `index`.
fn deprecated_output<'c>(
    config: &'c Config,
    index: usize,
    call_name: &str,
    output_name: &str,
) -> Option<&'c str> {
    let call = config.modules[index].calls.iter().find(|call| call.name == call_name)?;
    let child = &config.modules[*call.children().first()?];
    let output = &child.outputs[*child.output_index.get(output_name)?];
    output.deprecated.as_deref()
}

/// Every reference written in module `index` (its resources, locals, outputs and module
/// call arguments), with its file.
fn module_references(config: &Config, index: usize) -> Vec<(usize, Reference)> {
    let module = &config.modules[index];
    let mut found = Vec::new();
    let mut add = |expr: &Expr| {
        found.extend(
            references::in_expr(&expr.expr).into_iter().map(|reference| (expr.file, reference)),
        );
    };
    for local in module.locals.values() {
        add(&local.value);
    }
    for output in &module.outputs {
        if let Some(value) = &output.value {
            add(value);
        }
    }
    for call in &module.calls {
        call.inputs.values().for_each(&mut add);
    }
    for resource in config.resources.iter().filter(|r| r.module == index) {
        found.extend(
            references::in_resource_body(&resource.body)
                .into_iter()
                .map(|reference| (resource.file, reference)),
        );
    }
    found
}

fn location(config: &Config, expr: &Expr) -> Option<Location> {
    config.location(expr.file, expr.expr.span())
}
