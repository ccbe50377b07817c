//! Where an expression is evaluated ([`Ctx`]): which file (for locations), which module and
//! instance (for names), the names bound by enclosing `for` expressions and `dynamic` blocks,
//! and the [`Scope`] that resolves named values. Evaluating is `crate::eval`'s (the methods of
//! `Ctx`); the scope of a loaded configuration is `crate::evaluator`'s. Neither knows the other:
//! the built-in functions and the type system evaluate through a `Ctx` alone.

use crate::source::SourceFile;
use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::Decorated;
use infra_core::value::format_number;
use infra_core::{Diagnostic, Location, Value};
use std::ops::Range;
use std::path::Path;

/// A located evaluation error.
pub(crate) type Fail = Box<Diagnostic>;
pub(crate) type EvalResult = Result<Value, Fail>;

/// The instance being evaluated: `count.index`, `each.key`/`each.value`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Instance {
    pub count_index: Option<i64>,
    pub each: Option<(String, Value)>,
    /// A module called with `count` or `for_each` and loaded once, before its instances are
    /// known (`validate`): as in Terraform's validate walk, its `count.index` or
    /// `each.key`/`each.value` is unknown.
    pub unexpanded: Option<Repetition>,
}

/// How a module call repeats its module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Repetition {
    Count,
    ForEach,
}

/// What an expression's named values come from: a configuration's variables, locals,
/// resources and modules.
pub(crate) trait Scope {
    /// Resolves a root name (`var`, `local`, `aws_vpc`, ...) and the operators it consumes.
    /// Returns the value, how many operators were used, and whether missing attributes of the
    /// result should read as unknown (resource values).
    fn resolve(
        &self,
        ctx: &Ctx,
        name: &str,
        operators: &[Decorated<TraversalOperator>],
        span: Option<Range<usize>>,
    ) -> Result<(Value, usize, bool), Fail>;

    /// Whether impure functions (`timestamp()`, `uuid()`, `bcrypt()`) give values: at apply.
    fn applying(&self) -> bool;

    /// The directory relative paths of the path functions (`file`, `templatefile`, ...) start
    /// from: the root module's, as Terraform's working directory.
    fn working_dir(&self) -> &Path;

    /// Whether `expr`, written in `module`, reads an ephemeral value.
    fn is_ephemeral(&self, module: usize, expr: &Expression) -> bool;
}

/// Where an expression is being evaluated.
pub(crate) struct Ctx<'a> {
    pub files: &'a [SourceFile],
    pub file: usize,
    pub module: usize,
    /// None where nothing may be referred to (defaults, tfvars, templates' own variables).
    pub scope: Option<&'a dyn Scope>,
    pub instance: Instance,
    pub bindings: Vec<(String, Value)>,
}

/// Evaluates an expression that may not refer to anything (defaults, tfvars, backend).
pub(crate) fn constant(expr: &Expression) -> EvalResult {
    Ctx::without_scope().eval(expr)
}

impl Ctx<'_> {
    /// A context where nothing may be referred to but what is bound in it.
    pub fn without_scope() -> Ctx<'static> {
        Ctx {
            files: &[],
            file: 0,
            module: 0,
            scope: None,
            instance: Instance::default(),
            bindings: Vec::new(),
        }
    }

    pub fn loc(&self, span: Option<Range<usize>>) -> Option<Location> {
        self.files.get(self.file).and_then(|f| f.span_location(span))
    }

    pub fn fail(
        &self,
        summary: &str,
        detail: impl Into<String>,
        span: Option<Range<usize>>,
    ) -> Fail {
        Box::new(Diagnostic::error(summary, detail).at(self.loc(span)))
    }
}

/// `value`, marked sensitive if `sensitive`.
pub(crate) fn mark_if(value: Value, sensitive: bool) -> Value {
    if sensitive {
        value.mark_sensitive()
    } else {
        value
    }
}

/// A value used as an object or map key.
pub(crate) fn to_key(value: &Value) -> Option<String> {
    match value.unmarked() {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(format_number(*n)),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Equality as Terraform sees it: numbers by value, otherwise structural.
pub(crate) fn equal_values(a: &Value, b: &Value) -> bool {
    a == b
}
