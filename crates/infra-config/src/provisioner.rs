//! `provisioner` blocks of resources: checked when the configuration is loaded, evaluated when
//! the executor runs them (after a create, or before a destroy).
//!
//! As in Terraform (`configs/provisioner.go`, `builtin/provisioners/local-exec`): `when` is the
//! keyword `create` (the default) or `destroy`; `on_failure` is `fail` (the default) or
//! `continue`; a destroy-time provisioner may refer only to `self`, `count.index`, `each.key`,
//! `path` and `terraform`. infra runs `local-exec`. `file` and `remote-exec` need a connection
//! to the object and are refused, located; the provisioners Terraform removed in 0.15 get
//! Terraform's error.

use hcl_edit::expr::{Expression, Traversal, TraversalOperator};
use hcl_edit::structure::{Block, Body};
use hcl_edit::Span;
use infra_core::{Diagnostic, Diagnostics, Location, Value};

use crate::context::Ctx;
use crate::syntax::{keyword, when, When};
use crate::types::TypeConstraint;

/// A `local-exec` provisioner, evaluated for one instance.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalExec {
    pub command: String,
    /// The program and its first arguments; the command is the last argument. `/bin/sh -c`
    /// unless `interpreter` names one.
    pub interpreter: Vec<String>,
    pub working_dir: Option<String>,
    /// Added to infra's own environment.
    pub environment: Vec<(String, String)>,
    /// `quiet = true`: the command is not echoed.
    pub quiet: bool,
    /// `on_failure = continue`: a failure is logged and the apply goes on.
    pub continue_on_failure: bool,
    /// The configuration holds a sensitive value: nothing the command prints is shown, as in
    /// Terraform ("output suppressed due to sensitive value in config"), nor the command.
    pub sensitive: bool,
    /// The `provisioner` block.
    pub location: Option<Location>,
}

impl LocalExec {
    /// The provisioner's name as Terraform shows it in progress lines.
    pub const KIND: &'static str = "local-exec";
}

const LOCAL_EXEC_ARGUMENTS: &[&str] =
    &["command", "interpreter", "working_dir", "environment", "quiet", "when", "on_failure"];

/// The provisioners Terraform 0.15 removed: its own error names them.
const REMOVED: &[&str] = &["chef", "habitat", "puppet", "salt-masterless"];

/// Checks the `provisioner` blocks of a resource body: their kind, arguments and keywords, and
/// that a destroy-time one refers only to its own object. `locate` turns a span of the body's
/// file into a location.
pub(crate) fn check(
    body: &Body,
    locate: &dyn Fn(Option<std::ops::Range<usize>>) -> Option<Location>,
) -> Diagnostics {
    let mut out = Diagnostics::new();
    for block in body.get_blocks("provisioner") {
        let at = locate(block.span());
        let kind = block.labels.first().map(|l| l.as_str()).unwrap_or_default();
        match kind {
            LocalExec::KIND => {}
            "file" | "remote-exec" => {
                out.push(
                    Diagnostic::error(
                        "Provisioner not supported",
                        format!("infra runs local-exec provisioners only. A \"{kind}\" provisioner needs a connection to the object (SSH or WinRM), which infra does not open: run it from a local-exec provisioner or your pipeline, or keep this resource in a Terraform-managed configuration."),
                    )
                    .at(at),
                );
                continue;
            }
            removed if REMOVED.contains(&removed) => {
                out.push(
                    Diagnostic::error(
                        format!("The \"{kind}\" provisioner has been removed"),
                        format!("The \"{kind}\" provisioner was deprecated in Terraform 0.13.4 has been removed from Terraform. Visit https://learn.hashicorp.com/collections/terraform/provision for alternatives to using provisioners that are a better fit for the Terraform workflow."),
                    )
                    .at(at),
                );
                continue;
            }
            _ => {
                out.push(
                    Diagnostic::error(
                        "Invalid provisioner type",
                        format!("There is no provisioner named \"{kind}\"; infra has local-exec."),
                    )
                    .at(at),
                );
                continue;
            }
        }
        check_local_exec(block, locate, &mut out);
    }
    out
}

fn check_local_exec(
    block: &Block,
    locate: &dyn Fn(Option<std::ops::Range<usize>>) -> Option<Location>,
    out: &mut Diagnostics,
) {
    out.extend(crate::syntax::unexpected_names(
        &block.body,
        LOCAL_EXEC_ARGUMENTS,
        &["connection"],
        locate,
    ));
    // local-exec uses no connection, as in Terraform, which accepts the block.
    for connection in block.body.get_blocks("connection").skip(1) {
        out.push(
            Diagnostic::error(
                "Duplicate connection block",
                "This provisioner already has a connection block.",
            )
            .at(locate(connection.span())),
        );
    }
    if block.body.get_attribute("command").is_none() {
        out.push(
            Diagnostic::error(
                "Missing required argument",
                "The argument \"command\" is required, but no definition was found.",
            )
            .at(locate(block.span())),
        );
    }
    for (name, words) in [("when", ["create", "destroy"]), ("on_failure", ["continue", "fail"])] {
        let Some(attribute) = block.body.get_attribute(name) else {
            continue;
        };
        let at = locate(attribute.value.span());
        match keyword(&attribute.value) {
            Some((word, quoted)) if words.contains(&word) => {
                if quoted {
                    out.push(Diagnostic::warning(
                        "Quoted keywords are deprecated",
                        "In this context, keywords are expected literally rather than in quotes. Terraform 0.11 and earlier required quotes, but quoted keywords are now deprecated and will be removed in a future version of Terraform. Remove the quotes surrounding this keyword to silence this warning.",
                    ).at(at));
                }
            }
            _ => out.push(
                Diagnostic::error(
                    format!("Invalid \"{name}\" keyword"),
                    format!(
                        "The \"{name}\" argument requires one of the following keywords: {} or {}.",
                        words[0], words[1]
                    ),
                )
                .at(at),
            ),
        }
    }
    if when(block) == When::Destroy {
        check_only_self(&block.body, locate, out);
    }
}

/// Terraform's rule for destroy-time provisioners: by the time the object is destroyed what
/// else it refers to may be gone, or destroyed first.
fn check_only_self(
    body: &Body,
    locate: &dyn Fn(Option<std::ops::Range<usize>>) -> Option<Location>,
    out: &mut Diagnostics,
) {
    let mut references = Vec::new();
    crate::references::walk_body(body, false, &mut Vec::new(), &mut references);
    let mut each_value = EachValue(Vec::new());
    hcl_edit::visit::Visit::visit_body(&mut each_value, body);
    let spans = references.into_iter().map(|r| r.span).chain(each_value.0);
    for span in spans {
        out.push(
            Diagnostic::error(
                "Invalid reference from destroy provisioner",
                "Destroy-time provisioners and their connection configurations may only reference attributes of the related resource, via 'self', 'count.index', or 'each.key'.\n\nReferences to other resources during the destroy phase can cause dependency cycles and interact poorly with create_before_destroy.",
            )
            .at(locate(span)),
        );
    }
}

/// The spans of `each.value` traversals: at destroy time only `each.key` is known (the
/// for_each collection may no longer hold the key).
struct EachValue(Vec<Option<std::ops::Range<usize>>>);

impl hcl_edit::visit::Visit for EachValue {
    fn visit_traversal(&mut self, node: &Traversal) {
        let root_is_each =
            matches!(&node.expr, Expression::Variable(root) if root.value().as_str() == "each");
        let reads_value = matches!(
            node.operators.first().map(|o| o.value()),
            Some(TraversalOperator::GetAttr(name)) if name.value().as_str() == "value"
        );
        if root_is_each && reads_value {
            self.0.push(node.span());
        }
        hcl_edit::visit::visit_traversal(self, node);
    }
}

/// Evaluates one `local-exec` block (checked when loaded) in `ctx`, which binds `self`.
pub(crate) fn evaluate(ctx: &mut Ctx, block: &Block) -> Result<LocalExec, Diagnostics> {
    let location = ctx.loc(block.span());
    let mut errors = Diagnostics::new();
    let mut sensitive = false;
    let mut argument = |name: &str, ty: TypeConstraint| -> Option<Value> {
        let attribute = block.body.get_attribute(name)?;
        let at = ctx.loc(attribute.value.span());
        let invalid = |detail: String| {
            Diagnostic::error("Invalid local-exec provisioner configuration", detail).at(at.clone())
        };
        let value = match ctx.eval(&attribute.value) {
            Ok(value) => value,
            Err(error) => {
                errors.push(*error);
                return None;
            }
        };
        sensitive |= value.contains_sensitive();
        let value = value.unmark_deep();
        if !value.is_wholly_known() {
            errors.push(invalid(format!(
                "The {name} argument depends on a value that is not known, even after apply."
            )));
            return None;
        }
        match ty.convert(value) {
            Ok(Value::Null) => None,
            Ok(value) => Some(value),
            Err(reason) => {
                errors.push(invalid(format!("Inappropriate value for {name}: {reason}.")));
                None
            }
        }
    };
    let command = argument("command", TypeConstraint::String);
    let interpreter =
        argument("interpreter", TypeConstraint::List(Box::new(TypeConstraint::String)));
    let working_dir = argument("working_dir", TypeConstraint::String);
    let environment =
        argument("environment", TypeConstraint::Map(Box::new(TypeConstraint::String)));
    let quiet = argument("quiet", TypeConstraint::Bool);
    if !errors.is_empty() {
        return Err(errors);
    }
    let strings = |value: Option<Value>| -> Vec<String> {
        match value {
            Some(Value::List(items)) => {
                items.into_iter().filter_map(|item| item.as_str().map(str::to_string)).collect()
            }
            _ => Vec::new(),
        }
    };
    let command = command.as_ref().and_then(Value::as_str).unwrap_or_default().to_string();
    if command.is_empty() {
        return Err(Diagnostics(vec![Diagnostic::error(
            "Invalid local-exec provisioner command",
            "The command must be a non-empty string.",
        )
        .at(location)]));
    }
    let mut interpreter = strings(interpreter);
    if interpreter.is_empty() {
        interpreter = vec!["/bin/sh".into(), "-c".into()];
    }
    let environment = match environment {
        Some(Value::Map(entries)) => entries
            .into_iter()
            .filter_map(|(key, value)| value.as_str().map(|v| (key, v.to_string())))
            .collect(),
        _ => Vec::new(),
    };
    let continue_on_failure = block
        .body
        .get_attribute("on_failure")
        .and_then(|a| keyword(&a.value))
        .is_some_and(|(word, _)| word == "continue");
    Ok(LocalExec {
        command,
        interpreter,
        working_dir: working_dir.as_ref().and_then(Value::as_str).map(str::to_string),
        environment,
        quiet: matches!(quiet, Some(Value::Bool(true))),
        continue_on_failure,
        sensitive,
        location,
    })
}
