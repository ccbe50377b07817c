//! Ephemeral values (Terraform 1.10): `variable { ephemeral = true }`, `output { ephemeral =
//! true }` in child modules, the locals derived from them, and `ephemeralasnull()`. An
//! ephemeral value may flow only into write-only arguments, provider configuration and other
//! ephemeral values; anything else is Terraform's error at the expression.
//!
//! The check is static, over references: an expression is ephemeral when it reads an
//! ephemeral variable, local, module output or resource (an `ephemeral` block) outside
//! `ephemeralasnull(...)`.

use std::collections::BTreeSet;

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Body, Structure};
use hcl_edit::Span;
use infra_core::{Diagnostic, Diagnostics, Mode, Registry};

use crate::config::{is_meta, Config, Module};
use crate::references::{in_expr, RefKind};

/// The ephemeral names visible in one module.
struct Scope<'a> {
    config: &'a Config,
    module: &'a Module,
    locals: BTreeSet<String>,
}

impl Scope<'_> {
    fn is_ephemeral(&self, expr: &Expression) -> bool {
        in_expr(expr).iter().filter(|reference| !reference.ephemeral_masked).any(|reference| {
            match &reference.kind {
                RefKind::Var(name) => self
                    .module
                    .variable_index
                    .get(name)
                    .is_some_and(|&i| self.module.variables[i].ephemeral),
                RefKind::Local(name) => self.locals.contains(name),
                RefKind::Module(call, output) => {
                    self.module_output_is_ephemeral(call, output.as_deref())
                }
                RefKind::Resource(mode, ..) => *mode == Mode::Ephemeral,
            }
        })
    }

    fn module_output_is_ephemeral(&self, call: &str, output: Option<&str>) -> bool {
        let Some(&index) = self.module.call_index.get(call) else {
            return false;
        };
        self.module.calls[index].children().iter().any(|&child| {
            self.config.modules[child]
                .outputs
                .iter()
                .any(|o| o.ephemeral && output.is_none_or(|name| name == o.name))
        })
    }
}

impl<'a> Scope<'a> {
    fn of(config: &'a Config, module: &'a Module) -> Scope<'a> {
        let mut scope = Scope { config, module, locals: BTreeSet::new() };
        // Locals derived from ephemeral values are ephemeral, through any chain of locals.
        loop {
            let more: Vec<String> = module
                .locals
                .iter()
                .filter(|(name, _)| !scope.locals.contains(*name))
                .filter(|(_, local)| scope.is_ephemeral(&local.value.expr))
                .map(|(name, _)| name.clone())
                .collect();
            if more.is_empty() {
                return scope;
            }
            scope.locals.extend(more);
        }
    }
}

/// Whether `expr`, in the module at `module`, reads an ephemeral value (`ephemeralasnull`).
pub(crate) fn is_ephemeral(config: &Config, module: usize, expr: &Expression) -> bool {
    config.modules.get(module).is_some_and(|m| Scope::of(config, m).is_ephemeral(expr))
}

/// Every misuse of an ephemeral value in the configuration.
pub(crate) fn check(config: &Config, registry: &Registry) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    for (index, module) in config.modules.iter().enumerate() {
        let scope = Scope::of(config, module);
        for &resource in &module.resources {
            let decl = &config.resources[resource];
            let id = &decl.config.id;
            if id.mode == Mode::Ephemeral {
                // An ephemeral resource's arguments take ephemeral values: it is not stored.
                continue;
            }
            let schema = registry.schema(id.mode, &id.resource_type);
            let write_only =
                |name: &str| schema.and_then(|s| s.attribute(name)).is_some_and(|a| a.write_only);
            let mut misuses = Vec::new();
            arguments(&scope, &decl.body, true, &write_only, &mut misuses);
            for (name, span) in misuses {
                diagnostics.push(
                    Diagnostic::error(
                        "Invalid use of ephemeral value",
                        format!("Ephemeral values are not valid for \"{name}\", because it is not a write-only attribute and must be persisted to state."),
                    )
                    .at(config.files[decl.file].span_location(span))
                    .for_address(id),
                );
            }
        }
        for output in &module.outputs {
            if output.ephemeral && index == 0 {
                diagnostics.push(
                    Diagnostic::error(
                        "Ephemeral output not allowed",
                        "Ephemeral outputs are not allowed in context of a root module",
                    )
                    .at(Some(output.location.clone())),
                );
                continue;
            }
            if let Some(value) = &output.value {
                if !output.ephemeral && scope.is_ephemeral(&value.expr) {
                    diagnostics.push(
                        Diagnostic::error(
                            "Ephemeral value not allowed",
                            "This output value is not declared as returning an ephemeral value, so it cannot be set to a result derived from an ephemeral value.",
                        )
                        .at(config.files[value.file].span_location(value.expr.span())),
                    );
                }
            }
        }
        for call in &module.calls {
            for (name, input) in &call.inputs {
                if !scope.is_ephemeral(&input.expr) {
                    continue;
                }
                let accepts = call.children().iter().all(|&child| {
                    let child = &config.modules[child];
                    child.variable_index.get(name).is_none_or(|&i| child.variables[i].ephemeral)
                });
                if !accepts {
                    diagnostics.push(
                        Diagnostic::error(
                            "Ephemeral value not allowed",
                            format!("The input variable \"{name}\" of module \"{}\" does not accept ephemeral values: declare it with ephemeral = true.", call.name),
                        )
                        .at(config.files[input.file].span_location(input.expr.span())),
                    );
                }
            }
        }
    }
    diagnostics
}

/// The arguments of a resource body (and its nested blocks) that read an ephemeral value and
/// are not write-only: (name, span).
fn arguments(
    scope: &Scope<'_>,
    body: &Body,
    top: bool,
    write_only: &dyn Fn(&str) -> bool,
    out: &mut Vec<(String, Option<std::ops::Range<usize>>)>,
) {
    for structure in body.iter() {
        match structure {
            Structure::Attribute(attribute) => {
                let name = attribute.key.value().as_str();
                if top && is_meta(name) {
                    continue;
                }
                if scope.is_ephemeral(&attribute.value) && !(top && write_only(name)) {
                    out.push((name.to_string(), attribute.value.span()));
                }
            }
            Structure::Block(block) => {
                let ident = block.ident.value().as_str();
                if top && is_meta(ident) {
                    continue;
                }
                arguments(scope, &block.body, false, write_only, out);
            }
        }
    }
}
