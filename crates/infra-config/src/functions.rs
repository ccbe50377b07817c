//! Terraform's built-in functions. [`FUNCTIONS`] lists every one once: its name, how many
//! arguments it takes, and the [`Body`] that computes it, which also says how the arguments'
//! sensitive marks and unknown values are dealt with before it runs. A call checks the number
//! of arguments against the table and fails with a [`FunctionError`] that the caller locates
//! at the offending argument. `try` and `can` evaluate their arguments lazily, so they see the
//! argument expressions rather than values.
//!
//! This module owns the table and the machinery of a call; the bodies live in submodules by
//! Terraform's families of functions: [`numeric`], [`strings`], [`collections`], [`encoding`]
//! (with the hash and crypto functions, and [`yaml`] behind `yamlencode` and `yamldecode`;
//! [`rsa`] is `rsadecrypt`),
//! [`filesystem`], [`datetime`], [`network`] and [`conversion`] (type conversion, sensitive
//! marks, `try` and `can`). Adding a function is a small `fn` in its family plus one line in
//! [`FUNCTIONS`].

mod collections;
mod conversion;
mod datetime;
mod encoding;
mod filesystem;
mod network;
mod numeric;
mod rsa;
mod strings;
mod yaml;

pub(crate) use datetime::parse_duration;
pub use encoding::sha1;

use crate::context::{mark_if, Ctx, EvalResult, Fail};
pub(crate) use crate::types::sort_set;
use hcl_edit::expr::{Expression, FuncCall};
use hcl_edit::Span;
use infra_core::value::format_number;
use infra_core::{Diagnostic, Value};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::OnceLock;
use Body::{Deep, Files, Impure, Lazy, Raw, Shallow};

/// Why a function call failed.
#[derive(Debug, thiserror::Error, PartialEq)]
pub(crate) enum FunctionError {
    #[error("Function \"{name}\" expects {expected} argument(s), but {got} were given.")]
    Arity { name: String, expected: String, got: usize },
    /// The argument at `index` is wrong.
    #[error("Invalid value for argument {}: {message}", index + 1)]
    Argument { index: usize, message: String },
    #[error("{0}")]
    Failed(String),
}

type FnResult = Result<Value, FunctionError>;

fn arg_error(index: usize, message: impl Into<String>) -> FunctionError {
    FunctionError::Argument { index, message: message.into() }
}

/// A built-in function: its name, how many arguments it takes, and what computes it.
struct Function {
    name: &'static str,
    min: usize,
    /// [`ANY`] when there is no limit.
    max: usize,
    body: Body,
    /// Sees the argument expressions before they are evaluated, and may answer for the call:
    /// `ephemeralasnull` nulls the parts of its argument that read an ephemeral value, and
    /// `templatestring` refuses a template written in place.
    before: Option<Before>,
}

/// No upper limit on the number of arguments.
const ANY: usize = usize::MAX;

/// A look at a call's argument expressions before they are evaluated (see
/// [`Function::before`]); `Some` is the call's result.
type Before = fn(&mut Ctx, &Call) -> Option<EvalResult>;

/// What computes a function, and so how its arguments' marks and unknowns are dealt with first.
#[derive(Clone, Copy)]
enum Body {
    /// Needs every part of every argument known; the arguments arrive unmarked, and the result
    /// is wholly sensitive when any part of any argument was. Most functions are this.
    Deep(fn(&[Value]) -> FnResult),
    /// Looks only at the top level of its arguments: an unknown argument makes the result
    /// unknown and a sensitive one makes it sensitive, while the elements it passes through
    /// keep their own marks.
    Shallow(fn(&[Value]) -> FnResult),
    /// Takes the arguments as they are, marks and unknowns included.
    Raw(fn(Vec<Value>) -> FnResult),
    /// As [`Body::Deep`], and reads files relative to the working directory (which a
    /// `templatestring` template may not do).
    Files(fn(&Ctx, &[Value]) -> FnResult),
    /// Terraform's impure functions give a new value on every call, so while planning they are
    /// "known after apply" ([`Value::Unknown`]) once `check` has accepted the arguments' types;
    /// at apply time `value` computes them. Otherwise as [`Body::Deep`].
    Impure { check: fn(&[Value]) -> Result<(), FunctionError>, value: fn(&[Value]) -> FnResult },
    /// Evaluates the argument expressions itself, and checks their number with messages of
    /// its own (`try`, `can`).
    Lazy(fn(&mut Ctx, &Call) -> EvalResult),
}

/// A row of [`FUNCTIONS`].
const fn function(name: &'static str, min: usize, max: usize, body: Body) -> Function {
    Function { name, min, max, body, before: None }
}

/// Every built-in function, once, grouped as Terraform's documentation groups them.
#[rustfmt::skip]
static FUNCTIONS: &[Function] = &[
    // Numeric functions.
    function("abs", 1, 1, Deep(numeric::abs)),
    function("ceil", 1, 1, Deep(numeric::ceil)),
    function("floor", 1, 1, Deep(numeric::floor)),
    function("log", 2, 2, Deep(numeric::log)),
    function("max", 1, ANY, Deep(numeric::max)),
    function("min", 1, ANY, Deep(numeric::min)),
    function("parseint", 2, 2, Deep(numeric::parseint)),
    function("pow", 2, 2, Deep(numeric::pow)),
    function("signum", 1, 1, Deep(numeric::signum)),
    // String functions.
    function("chomp", 1, 1, Deep(strings::chomp)),
    function("endswith", 2, 2, Deep(strings::endswith)),
    function("format", 1, ANY, Deep(strings::format)),
    function("formatlist", 1, ANY, Deep(strings::formatlist)),
    function("indent", 2, 2, Deep(strings::indent)),
    function("join", 2, ANY, Deep(strings::join)),
    function("lower", 1, 1, Deep(strings::lower)),
    function("regex", 2, 2, Deep(strings::regex)),
    function("regexall", 2, 2, Deep(strings::regexall)),
    function("replace", 3, 3, Deep(strings::replace)),
    function("split", 2, 2, Deep(strings::split)),
    function("startswith", 2, 2, Deep(strings::startswith)),
    function("strcontains", 2, 2, Deep(strings::strcontains)),
    function("strrev", 1, 1, Deep(strings::strrev)),
    function("substr", 3, 3, Deep(strings::substr)),
    function(strings::TEMPLATESTRING, 2, 2, Shallow(strings::templatestring))
        .before(strings::require_template_reference),
    function("title", 1, 1, Deep(strings::title)),
    function("trim", 2, 2, Deep(strings::trim)),
    function("trimprefix", 2, 2, Deep(strings::trimprefix)),
    function("trimspace", 1, 1, Deep(strings::trimspace)),
    function("trimsuffix", 2, 2, Deep(strings::trimsuffix)),
    function("upper", 1, 1, Deep(strings::upper)),
    // Collection functions.
    function("alltrue", 1, 1, Shallow(collections::alltrue)),
    function("anytrue", 1, 1, Shallow(collections::anytrue)),
    function("chunklist", 2, 2, Shallow(collections::chunklist)),
    function("coalesce", 1, ANY, Raw(collections::coalesce)),
    function("coalescelist", 0, ANY, Shallow(collections::coalescelist)),
    function("compact", 1, 1, Shallow(collections::compact)),
    function("concat", 0, ANY, Shallow(collections::concat)),
    function("contains", 2, 2, Shallow(collections::contains)),
    function("distinct", 1, 1, Shallow(collections::distinct)),
    function("element", 2, 2, Shallow(collections::element)),
    function("flatten", 1, 1, Shallow(collections::flatten)),
    function("index", 2, 2, Shallow(collections::index)),
    function("keys", 1, 1, Shallow(collections::keys)),
    function("length", 1, 1, Shallow(collections::length)),
    function("lookup", 2, 3, Shallow(collections::lookup)),
    function("matchkeys", 3, 3, Deep(collections::matchkeys)),
    function("merge", 0, ANY, Shallow(collections::merge)),
    function("one", 1, 1, Shallow(collections::one)),
    function("range", 1, 3, Deep(collections::range)),
    function("reverse", 1, 1, Shallow(collections::reverse)),
    function("setintersection", 1, ANY, Deep(collections::setintersection)),
    function("setproduct", 2, ANY, Shallow(collections::setproduct)),
    function("setsubtract", 2, 2, Deep(collections::setsubtract)),
    function("setunion", 1, ANY, Shallow(collections::setunion)),
    function("slice", 3, 3, Shallow(collections::slice)),
    function("sort", 1, 1, Deep(collections::sort)),
    function("sum", 1, 1, Deep(collections::sum)),
    function("transpose", 1, 1, Deep(collections::transpose)),
    function("values", 1, 1, Shallow(collections::values)),
    function("zipmap", 2, 2, Shallow(collections::zipmap)),
    // Encoding functions.
    function("base64decode", 1, 1, Deep(encoding::base64decode)),
    function("base64encode", 1, 1, Deep(encoding::base64encode)),
    function("base64gzip", 1, 1, Deep(encoding::base64gzip)),
    function("csvdecode", 1, 1, Deep(encoding::csvdecode)),
    function("jsondecode", 1, 1, Deep(encoding::jsondecode)),
    function("jsonencode", 1, 1, Deep(encoding::jsonencode)),
    function("textdecodebase64", 2, 2, Deep(encoding::textdecodebase64)),
    function("textencodebase64", 2, 2, Deep(encoding::textencodebase64)),
    function("urlencode", 1, 1, Deep(encoding::urlencode)),
    function("yamldecode", 1, 1, Deep(encoding::yamldecode)),
    function("yamlencode", 1, 1, Deep(encoding::yamlencode)),
    // Filesystem functions.
    function("abspath", 1, 1, Deep(filesystem::abspath_function)),
    function("basename", 1, 1, Deep(filesystem::basename_function)),
    function("dirname", 1, 1, Deep(filesystem::dirname_function)),
    function("pathexpand", 1, 1, Deep(filesystem::pathexpand)),
    function("file", 1, 1, Files(filesystem::file)),
    function("filebase64", 1, 1, Files(filesystem::filebase64)),
    function("fileexists", 1, 1, Files(filesystem::fileexists)),
    function("fileset", 2, 2, Files(filesystem::fileset)),
    function(strings::TEMPLATEFILE, 2, 2, Files(filesystem::templatefile)),
    // Date and time functions.
    function("formatdate", 2, 2, Deep(datetime::formatdate)),
    function("plantimestamp", 0, 0, Deep(datetime::plantimestamp)),
    function("timeadd", 2, 2, Deep(datetime::timeadd)),
    function("timecmp", 2, 2, Deep(datetime::timecmp)),
    function("timestamp", 0, 0, Impure { check: no_check, value: datetime::timestamp }),
    // Hash and crypto functions.
    function("base64sha256", 1, 1, Deep(encoding::base64sha256)),
    function("base64sha512", 1, 1, Deep(encoding::base64sha512)),
    function("bcrypt", 1, 2, Impure { check: encoding::check_bcrypt, value: encoding::bcrypt }),
    function("filebase64sha256", 1, 1, Files(filesystem::filebase64sha256)),
    function("filebase64sha512", 1, 1, Files(filesystem::filebase64sha512)),
    function("filemd5", 1, 1, Files(filesystem::filemd5)),
    function("filesha1", 1, 1, Files(filesystem::filesha1)),
    function("filesha256", 1, 1, Files(filesystem::filesha256)),
    function("filesha512", 1, 1, Files(filesystem::filesha512)),
    function("md5", 1, 1, Deep(encoding::md5)),
    function("rsadecrypt", 2, 2, Deep(rsa::rsadecrypt)),
    function("sha1", 1, 1, Deep(encoding::sha1_function)),
    function("sha256", 1, 1, Deep(encoding::sha256)),
    function("sha512", 1, 1, Deep(encoding::sha512)),
    function("uuid", 0, 0, Impure { check: no_check, value: encoding::uuid }),
    function("uuidv5", 2, 2, Deep(encoding::uuidv5)),
    // IP network functions.
    function("cidrhost", 2, 2, Deep(network::cidrhost)),
    function("cidrnetmask", 1, 1, Deep(network::cidrnetmask)),
    function("cidrsubnet", 3, 3, Deep(network::cidrsubnet)),
    function("cidrsubnets", 1, ANY, Deep(network::cidrsubnets)),
    // Type conversion functions.
    function("can", 1, 1, Lazy(conversion::can)),
    function("convert", 2, 2, Lazy(conversion::convert)),
    function("ephemeralasnull", 1, 1, Raw(conversion::ephemeralasnull))
        .before(conversion::null_ephemeral_argument),
    function("issensitive", 1, 1, Raw(conversion::issensitive)),
    function("nonsensitive", 1, 1, Raw(conversion::nonsensitive)),
    function("sensitive", 1, 1, Raw(conversion::sensitive)),
    function("tobool", 1, 1, Deep(conversion::tobool)),
    function("tolist", 1, 1, Shallow(conversion::tolist)),
    function("tomap", 1, 1, Shallow(conversion::tomap)),
    function("tonumber", 1, 1, Deep(conversion::tonumber)),
    function("toset", 1, 1, Shallow(conversion::toset)),
    function("tostring", 1, 1, Deep(conversion::tostring)),
    function("try", 1, ANY, Lazy(conversion::r#try)),
    function("type", 1, 1, Deep(conversion::r#type)),
];

/// The function named `name`.
fn lookup(name: &str) -> Option<&'static Function> {
    static BY_NAME: OnceLock<HashMap<&'static str, &'static Function>> = OnceLock::new();
    BY_NAME.get_or_init(|| FUNCTIONS.iter().map(|f| (f.name, f)).collect()).get(name).copied()
}

/// The argument check of an impure function that takes no arguments.
fn no_check(_: &[Value]) -> Result<(), FunctionError> {
    Ok(())
}

impl Function {
    /// This function, with a look at its argument expressions before they are evaluated.
    const fn before(self, hook: Before) -> Function {
        Function { before: Some(hook), ..self }
    }

    fn check_arity(&self, got: usize) -> Result<(), FunctionError> {
        if (self.min..=self.max).contains(&got) {
            return Ok(());
        }
        let expected = if self.max == self.min {
            self.min.to_string()
        } else if self.max == ANY {
            format!("at least {}", self.min)
        } else {
            format!("{} to {}", self.min, self.max)
        };
        Err(FunctionError::Arity { name: self.name.to_string(), expected, got })
    }

    /// Runs the body on arguments already prepared as it asks (see [`apply`]).
    fn run(&self, ctx: &Ctx, args: Vec<Value>) -> FnResult {
        match self.body {
            Body::Deep(run) | Body::Shallow(run) => run(&args),
            Body::Raw(run) => run(args),
            Body::Files(run) => run(ctx, &args),
            Body::Impure { .. } if ctx.scope.is_some_and(|scope| scope.applying()) => {
                impure_value(self.name, &args)
            }
            Body::Impure { check, .. } => check(&args).map(|()| Value::Unknown),
            Body::Lazy(_) => Err(FunctionError::Failed(format!(
                "\"{}\" takes its arguments' expressions, not their values",
                self.name
            ))),
        }
    }
}

/// Whether `name` is one of Terraform's impure functions (see [`Body::Impure`]).
#[cfg(test)]
pub(crate) fn is_impure(name: &str) -> bool {
    lookup(name).is_some_and(|f| matches!(f.body, Body::Impure { .. }))
}

/// The value of an impure function (see [`Body::Impure`]) at apply time: the current
/// timestamp, a random UUID, or a bcrypt hash with a random salt. The arguments are checked as
/// [`apply`] checks them and must be known and unmarked.
pub(crate) fn impure_value(name: &str, args: &[Value]) -> FnResult {
    let function = lookup(name)
        .ok_or_else(|| FunctionError::Failed(format!("There is no function named \"{name}\".")))?;
    function.check_arity(args.len())?;
    let Body::Impure { check, value } = function.body else {
        return Err(FunctionError::Failed(format!("\"{name}\" is not an impure function")));
    };
    check(args)?;
    value(args)
}

/// A call's argument expressions, before they are evaluated: what [`Body::Lazy`] and
/// [`Function::before`] see.
struct Call<'a> {
    name: &'static str,
    exprs: Vec<&'a Expression>,
    spans: Vec<Option<Range<usize>>>,
    span: Option<Range<usize>>,
}

impl Call<'_> {
    /// The diagnostic for this call failing with `error`.
    fn fail(&self, ctx: &Ctx, error: &FunctionError) -> Fail {
        function_diag(ctx, self.name, error, &self.spans, self.span.clone())
    }
}

/// Evaluates a function call expression.
pub(crate) fn call(ctx: &mut Ctx, call: &FuncCall) -> EvalResult {
    let name = call.name.name.value().as_str();
    // Terraform also offers every built-in function as `core::NAME`.
    let core_namespace = call.name.namespace.len() == 1
        && call.name.namespace.first().map(|n| n.value().as_str()) == Some("core");
    let function = lookup(name).filter(|_| !call.name.is_namespaced() || core_namespace);
    let Some(function) = function else {
        let full = call
            .name
            .namespace
            .iter()
            .map(|n| format!("{}::", n.value().as_str()))
            .collect::<String>()
            + name;
        return Err(ctx.fail(
            "Call to unknown function",
            format!("There is no function named \"{full}\"."),
            call.name.name.span().or(call.span()),
        ));
    };
    let exprs: Vec<&Expression> = call.args.iter().collect();
    let unevaluated = Call {
        name: function.name,
        spans: exprs.iter().map(|e| e.span()).collect(),
        exprs,
        span: call.span(),
    };
    if let Body::Lazy(run) = function.body {
        return run(ctx, &unevaluated);
    }
    if let Some(answer) = function.before.and_then(|before| before(ctx, &unevaluated)) {
        return answer;
    }
    let mut args = Vec::with_capacity(unevaluated.exprs.len());
    for expr in &unevaluated.exprs {
        args.push(ctx.eval(expr)?);
    }
    let mut spans = unevaluated.spans.clone();
    if call.args.expand_final() {
        if let Some(unknown) = expand_last(ctx, &mut args, &mut spans)? {
            return Ok(unknown);
        }
    }
    apply(ctx, function, args)
        .map_err(|error| function_diag(ctx, function.name, &error, &spans, unevaluated.span))
}

/// Spreads the last argument, a list written `list...`, into the arguments (and its span
/// over theirs). `Some` is the call's value, when the list is unknown.
fn expand_last(
    ctx: &Ctx,
    args: &mut Vec<Value>,
    spans: &mut Vec<Option<Range<usize>>>,
) -> Result<Option<Value>, Fail> {
    let last = args.pop().unwrap_or(Value::Null);
    let span = spans.pop().flatten();
    let (last, marked) = last.unmark();
    match last {
        Value::List(items) => {
            for item in items {
                args.push(mark_if(item, marked));
                spans.push(span.clone());
            }
            Ok(None)
        }
        Value::Unknown => Ok(Some(mark_if(Value::Unknown, marked))),
        other => Err(ctx.fail(
            "Invalid expanding argument value",
            format!(
                "The expanding argument (indicated by ...) must be a list, got {}.",
                other.describe()
            ),
            span,
        )),
    }
}

/// The diagnostic for a failed call, located at the offending argument when there is one.
fn function_diag(
    ctx: &Ctx,
    name: &str,
    error: &FunctionError,
    spans: &[Option<Range<usize>>],
    call_span: Option<Range<usize>>,
) -> Fail {
    let span = match error {
        FunctionError::Argument { index, .. } => spans.get(*index).cloned().flatten().or(call_span),
        _ => call_span,
    };
    let summary = match error {
        FunctionError::Argument { .. } => "Invalid function argument",
        FunctionError::Arity { .. } => "Wrong number of arguments",
        FunctionError::Failed(_) => "Error in function call",
    };
    Box::new(
        Diagnostic::error(summary, format!("Call to function \"{name}\" failed: {error}"))
            .at(ctx.loc(span)),
    )
}

/// Runs a function on evaluated arguments: checks their number, deals with unknowns and marks
/// as its [`Body`] asks, and keeps sensitive text out of its error messages.
fn apply(ctx: &Ctx, function: &Function, mut args: Vec<Value>) -> FnResult {
    function.check_arity(args.len())?;
    strings::check_template_nesting(function)?;
    let deep = match function.body {
        Body::Raw(_) | Body::Lazy(_) => return function.run(ctx, args),
        Body::Shallow(_) => false,
        Body::Deep(_) | Body::Files(_) | Body::Impure { .. } => true,
    };
    // Sensitive text must not show up in an error message: remember it to redact it. Only
    // marked arguments are walked, so unmarked calls cost nothing more.
    let secrets = if args.iter().any(|a| a.is_sensitive() || (deep && a.contains_sensitive())) {
        secret_strings(&args)
    } else {
        Vec::new()
    };
    let mut sensitive = false;
    if deep {
        for arg in args.iter_mut() {
            if arg.contains_sensitive() {
                sensitive = true;
                *arg = arg.unmark_deep();
            }
        }
        if args.iter().any(|a| !a.is_wholly_known()) {
            return Ok(mark_if(Value::Unknown, sensitive));
        }
    } else {
        for arg in args.iter_mut() {
            let (inner, marked) = std::mem::take(arg).unmark();
            sensitive |= marked;
            *arg = inner;
        }
        if args.iter().any(Value::is_unknown) {
            return Ok(mark_if(Value::Unknown, sensitive));
        }
    }
    let result = function.run(ctx, args).map_err(|e| redact(e, &secrets))?;
    Ok(mark_if(result, sensitive))
}

/// The strings inside the sensitive parts of the arguments (a bounded number of them).
fn secret_strings(args: &[Value]) -> Vec<String> {
    fn walk(value: &Value, inside: bool, out: &mut Vec<String>) {
        if out.len() >= 64 {
            return;
        }
        match value {
            Value::Sensitive(inner) => walk(inner, true, out),
            Value::String(s) if inside && !s.is_empty() => out.push(s.clone()),
            Value::Number(n) if inside => out.push(format_number(*n)),
            Value::List(items) => items.iter().for_each(|i| walk(i, inside, out)),
            Value::Map(entries) => entries.values().for_each(|v| walk(v, inside, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for arg in args {
        walk(arg, false, &mut out);
    }
    out
}

/// Replaces quoted occurrences of sensitive text in an error message.
fn redact(error: FunctionError, secrets: &[String]) -> FunctionError {
    if secrets.is_empty() {
        return error;
    }
    let clean = |mut message: String| {
        for secret in secrets {
            for quoted in [format!("{secret:?}"), format!("\"{secret}\"")] {
                message = message.replace(&quoted, "(sensitive value)");
            }
        }
        message
    };
    match error {
        FunctionError::Argument { index, message } => {
            FunctionError::Argument { index, message: clean(message) }
        }
        FunctionError::Failed(message) => FunctionError::Failed(clean(message)),
        other => other,
    }
}

fn string(args: &[Value], i: usize) -> Result<String, FunctionError> {
    match &args[i] {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(format_number(*n)),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(arg_error(i, format!("a string is required, got {}", other.describe()))),
    }
}

fn number(args: &[Value], i: usize) -> Result<f64, FunctionError> {
    args[i]
        .as_f64()
        .ok_or_else(|| arg_error(i, format!("a number is required, got {}", args[i].describe())))
}

fn integer(args: &[Value], i: usize) -> Result<i64, FunctionError> {
    args[i].as_i64().ok_or_else(|| {
        arg_error(i, format!("a whole number is required, got {}", args[i].describe()))
    })
}

fn list(args: &[Value], i: usize) -> Result<Vec<Value>, FunctionError> {
    match &args[i] {
        Value::List(items) => Ok(items.clone()),
        other => Err(arg_error(i, format!("a list is required, got {}", other.describe()))),
    }
}

fn map(args: &[Value], i: usize) -> Result<BTreeMap<String, Value>, FunctionError> {
    match &args[i] {
        Value::Map(entries) => Ok(entries.clone()),
        other => Err(arg_error(i, format!("a map is required, got {}", other.describe()))),
    }
}

/// Known elements of a list argument, or `None` when some element is unknown.
fn known_elements(items: &[Value]) -> bool {
    items.iter().all(Value::is_wholly_known)
}

fn to_string_value(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(format_number(*n)),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Where the path functions (`file`, `filebase64`, `templatefile`, `fileexists`, ...) look
/// for `relative`: as in Terraform, relative to the working directory, which is the root
/// module's directory (`-chdir` moves both), in every module. A module reads its own files
/// through `path.module`.
fn working_dir_path(ctx: &Ctx, relative: &str) -> std::path::PathBuf {
    let path = std::path::Path::new(relative);
    if path.is_absolute() {
        return path.to_path_buf();
    }
    match ctx.scope {
        Some(scope) => scope.working_dir().join(path),
        None => path.to_path_buf(),
    }
}

/// Renders a template in Terraform's template language (`${...}`, `%{ if }`, `%{ for }`) with
/// the given variables and the built-in functions, as `templatefile()` does. The result is a
/// string (or unknown), keeping a sensitive mark: a template that is one interpolation of a
/// number or bool gives its text, and one of a collection or null is an error.
pub fn render_template(text: &str, variables: BTreeMap<String, Value>) -> Result<Value, String> {
    let template = crate::repeated_keys::parse(text, hcl_edit::parser::parse_template)
        .map_err(|e| format!("the template is invalid: {}", e.message()))?;
    let mut template_ctx = Ctx::without_scope();
    template_ctx.bindings = variables.into_iter().collect();
    let expr = hcl_edit::expr::Expression::StringTemplate(template.into());
    let rendered = template_ctx.eval(&expr).map_err(|d| format!("{}: {}", d.summary, d.detail))?;
    let (value, marked) = rendered.unmark();
    let text = match value {
        Value::String(_) | Value::Unknown => value,
        Value::Null => return Err("the template result is null".into()),
        other => Value::String(to_string_value(&other).ok_or_else(|| {
            format!(
                "the template result must be a string, but the template produced {}",
                other.describe()
            )
        })?),
    };
    Ok(mark_if(text, marked))
}

#[cfg(test)]
mod tests {
    use crate::context::{constant, Ctx, EvalResult};
    use infra_core::Value;

    fn eval_text(text: &str) -> EvalResult {
        constant(&hcl_edit::parser::parse_expr(text).expect("test expression parses"))
    }

    /// Evaluates an expression that must succeed.
    pub(crate) fn ok(text: &str) -> Value {
        match eval_text(text) {
            Ok(v) => v,
            Err(e) => panic!("{text}: {}", e.detail),
        }
    }

    /// Evaluates an expression that must fail, giving the error's detail.
    pub(crate) fn err(text: &str) -> String {
        match eval_text(text) {
            Ok(v) => panic!("{text}: expected an error, got {v:?}"),
            Err(e) => e.detail,
        }
    }

    /// Evaluates an expression with names bound to values (unknown or sensitive ones).
    pub(crate) fn with(text: &str, bindings: &[(&str, Value)]) -> EvalResult {
        let mut ctx = Ctx::without_scope();
        ctx.bindings = bindings.iter().map(|(n, v)| (n.to_string(), v.clone())).collect();
        ctx.eval(&hcl_edit::parser::parse_expr(text).expect("test expression parses"))
    }

    pub(crate) fn s(text: &str) -> Value {
        Value::string(text)
    }

    pub(crate) fn list(items: &[&str]) -> Value {
        Value::List(items.iter().map(|i| Value::string(*i)).collect())
    }

    pub(crate) fn n(number: f64) -> Value {
        Value::Number(number)
    }

    #[test]
    fn numbers() {
        assert_eq!(ok("abs(-3)"), Value::Number(3.0));
        assert_eq!(ok("ceil(1.2)"), Value::Number(2.0));
        assert_eq!(ok("floor(1.8)"), Value::Number(1.0));
        assert_eq!(ok("max(1, 5, 3)"), Value::Number(5.0));
        assert_eq!(ok("min([4, 2]...)"), Value::Number(2.0));
        assert_eq!(
            ok("range(3)"),
            Value::List(vec![Value::Number(0.0), Value::Number(1.0), Value::Number(2.0)])
        );
        assert_eq!(ok("range(1, 7, 3)"), Value::List(vec![Value::Number(1.0), Value::Number(4.0)]));
        assert_eq!(ok("sum([1, 2])"), Value::Number(3.0));
    }

    #[test]
    fn strings() {
        assert_eq!(ok("format(\"%s-%03d-%.1f-%v\", \"a\", 7, 1.25, true)"), s("a-007-1.2-true"));
        assert_eq!(ok("format(\"%q %%\", \"x\")"), s("\"x\" %"));
        assert_eq!(ok("formatlist(\"%s=%s\", [\"a\", \"b\"], \"x\")"), list(&["a=x", "b=x"]));
        assert_eq!(ok("join(\",\", [\"a\", \"b\"], [\"c\"])"), s("a,b,c"));
        assert_eq!(ok("split(\",\", \"a,b\")"), list(&["a", "b"]));
        assert_eq!(ok("lower(\"AB\")"), s("ab"));
        assert_eq!(ok("upper(\"ab\")"), s("AB"));
        assert_eq!(ok("title(\"hello world\")"), s("Hello World"));
        assert_eq!(ok("replace(\"a-b-c\", \"-\", \"_\")"), s("a_b_c"));
        assert_eq!(ok("replace(\"a1b22\", \"/[0-9]+/\", \"#\")"), s("a#b#"));
        assert_eq!(ok("substr(\"hello\", 1, 3)"), s("ell"));
        assert_eq!(ok("substr(\"hello\", -3, -1)"), s("llo"));
        assert_eq!(ok("trimspace(\"  x \")"), s("x"));
        assert_eq!(ok("trim(\"?!x!?\", \"!?\")"), s("x"));
        assert_eq!(ok("trimprefix(\"prefix-x\", \"prefix-\")"), s("x"));
        assert_eq!(ok("trimsuffix(\"x.tf\", \".tf\")"), s("x"));
        assert_eq!(ok("startswith(\"abc\", \"ab\")"), Value::Bool(true));
        assert_eq!(ok("endswith(\"abc\", \"bc\")"), Value::Bool(true));
        assert_eq!(ok("regex(\"[a-z]+\", \"123abc\")"), s("abc"));
        assert_eq!(ok("regex(\"(\\\\d+)-(\\\\d+)\", \"10-20\")"), list(&["10", "20"]));
        assert_eq!(ok("base64decode(base64encode(\"hi\"))"), s("hi"));
        assert_eq!(ok("md5(\"hi\")"), s("49f68a5c8493ec2c0bf489821c21fc3b"));
        assert_eq!(
            ok("sha256(\"hi\")"),
            s("8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4")
        );
    }

    #[test]
    fn collections() {
        assert_eq!(ok("length({a = 1})"), Value::Number(1.0));
        assert_eq!(ok("length(\"héllo\")"), Value::Number(5.0));
        assert_eq!(ok("element([\"a\", \"b\"], 3)"), s("b"));
        assert_eq!(ok("slice([\"a\", \"b\", \"c\"], 1, 3)"), list(&["b", "c"]));
        assert_eq!(ok("concat([\"a\"], [\"b\"])"), list(&["a", "b"]));
        assert_eq!(ok("contains([\"a\"], \"a\")"), Value::Bool(true));
        assert_eq!(ok("distinct([\"a\", \"b\", \"a\"])"), list(&["a", "b"]));
        assert_eq!(ok("flatten([[\"a\"], [[\"b\"]], \"c\"])"), list(&["a", "b", "c"]));
        assert_eq!(ok("keys({b = 1, a = 2})"), list(&["a", "b"]));
        assert_eq!(ok("values({b = \"1\", a = \"2\"})"), list(&["2", "1"]));
        assert_eq!(ok("lookup({a = \"x\"}, \"b\", \"d\")"), s("d"));
        assert!(eval_text("lookup({a = \"x\"}, \"b\")").is_err());
        assert_eq!(
            ok("merge({a = 1}, null, {a = 2, b = 3})"),
            Value::map([("a", Value::Number(2.0)), ("b", Value::Number(3.0))])
        );
        assert_eq!(ok("zipmap([\"a\"], [1])"), Value::map([("a", Value::Number(1.0))]));
        assert_eq!(ok("compact([\"a\", \"\", null])"), list(&["a"]));
        assert_eq!(ok("coalesce(\"\", null, \"x\")"), s("x"));
        assert_eq!(ok("coalescelist([], [\"a\"])"), list(&["a"]));
        assert_eq!(ok("one([])"), Value::Null);
        assert!(eval_text("one([1, 2])").is_err());
        assert_eq!(ok("index([\"a\", \"b\"], \"b\")"), Value::Number(1.0));
        assert_eq!(ok("reverse([\"a\", \"b\"])"), list(&["b", "a"]));
        assert_eq!(ok("sort([\"b\", \"a\"])"), list(&["a", "b"]));
        assert_eq!(ok("toset([\"b\", \"a\", \"b\"])"), list(&["a", "b"]));
        assert_eq!(ok("tolist([\"a\"])"), list(&["a"]));
        assert_eq!(ok("tomap({a = 1})"), Value::map([("a", Value::Number(1.0))]));
        assert_eq!(ok("tostring(1)"), s("1"));
        assert_eq!(ok("tonumber(\"2\")"), Value::Number(2.0));
        assert_eq!(ok("tobool(\"true\")"), Value::Bool(true));
    }

    /// Terraform 1.15's `convert`, with the documentation's examples.
    #[test]
    fn convert_takes_a_type_constraint() {
        assert_eq!(ok("convert([], list(string))"), Value::List(vec![]));
        assert_eq!(ok("convert(\"true\", bool)"), Value::Bool(true));
        assert_eq!(ok("convert(3, string)"), s("3"));
        assert_eq!(
            ok("convert({test = {}}, map(object({ attr = optional(string), with_default = optional(string, \"default\") })))"),
            Value::map([(
                "test",
                Value::map([("attr", Value::Null), ("with_default", s("default"))])
            )])
        );
        assert_eq!(
            ok("convert({}, object({ name = optional(string, \"OpenTofu\") }))"),
            Value::map([("name", s("OpenTofu"))])
        );
        let wrong = err("convert(\"no\", number)");
        assert!(wrong.contains("argument 1"), "{wrong}");
        assert!(err("convert([1], list(strin))").contains("strin"));
        assert!(err("convert(1)").contains("two arguments"));
    }

    #[test]
    fn encoding_cidr_and_errors() {
        assert_eq!(ok("jsonencode({b = [1, \"x\"], a = null})"), s("{\"a\":null,\"b\":[1,\"x\"]}"));
        assert_eq!(
            ok("jsondecode(\"{\\\"a\\\": [1]}\")"),
            Value::map([("a", Value::List(vec![Value::Number(1.0)]))])
        );
        assert_eq!(ok("cidrsubnet(\"10.0.0.0/16\", 8, 2)"), s("10.0.2.0/24"));
        assert_eq!(ok("cidrhost(\"10.0.0.0/24\", 5)"), s("10.0.0.5"));
        assert_eq!(ok("cidrnetmask(\"10.0.0.0/12\")"), s("255.240.0.0"));
        assert!(eval_text("cidrsubnet(\"10.0.0.0/16\", 8, 256)").is_err());
        assert_eq!(ok("try(nope.x, \"fallback\")"), s("fallback"));
        assert_eq!(ok("can([1][5])"), Value::Bool(false));
        assert_eq!(ok("can([1][0])"), Value::Bool(true));
        assert_eq!(ok("timestamp()"), Value::Unknown);
        assert!(ok("sensitive(\"x\")").is_sensitive());
        let unknown = eval_text("nosuchfn(1)").unwrap_err();
        assert_eq!(unknown.summary, "Call to unknown function");
        let arity = eval_text("upper()").unwrap_err();
        assert!(arity.detail.contains("expects 1"), "{}", arity.detail);
        let types = eval_text("upper([1])").unwrap_err();
        assert_eq!(types.summary, "Invalid function argument");
    }

    fn b(flag: bool) -> Value {
        Value::Bool(flag)
    }

    #[test]
    fn numbers_like_terraform_docs() {
        assert_eq!(ok("log(50, 10)"), n(1.6989700043360185));
        assert_eq!(ok("log(16, 2)"), n(4.0));
        assert_eq!(ok("ceil(log(15, 2))"), n(4.0));
        assert_eq!(ok("ceil(log(16, 2))"), n(4.0));
        assert_eq!(ok("ceil(log(17, 2))"), n(5.0));
        assert!(err("log(-1, 10)").contains("result is not a number"));
        assert_eq!(ok("pow(3, 2)"), n(9.0));
        assert_eq!(ok("pow(4, 0)"), n(1.0));
        assert_eq!(ok("pow(10, 400)"), n(f64::INFINITY));
        assert!(err("pow(-8, 0.5)").contains("result is not a number"));
        assert_eq!(ok("signum(-13)"), n(-1.0));
        assert_eq!(ok("signum(0)"), n(0.0));
        assert_eq!(ok("signum(344)"), n(1.0));
        assert!(err("signum(0.5)").contains("whole number"));
        assert_eq!(ok("sum([10, 13, 6, 4.5])"), n(33.5));
        assert_eq!(ok("sum([\"1\", 2])"), n(3.0));
        assert!(err("sum([])").contains("cannot sum an empty list"));
        assert!(err("sum([1, null])").contains("list, set, or tuple of number values"));
        assert_eq!(ok("parseint(\"100\", 10)"), n(100.0));
        assert_eq!(ok("parseint(\"FF\", 16)"), n(255.0));
        assert_eq!(ok("parseint(\"-10\", 16)"), n(-16.0));
        assert_eq!(ok("parseint(\"1011111011101111\", 2)"), n(48879.0));
        assert_eq!(ok("parseint(\"aA\", 62)"), n(656.0));
        assert_eq!(ok("parseint(\"zz\", 36)"), n(1295.0));
        assert_eq!(
            err("parseint(\"12\", 2)"),
            "Call to function \"parseint\" failed: Invalid value for argument 1: cannot parse \"12\" as a base 2 integer"
        );
        assert!(err("parseint(\"1\", 1)").contains("between 2 and 62 inclusive"));
        assert!(err("parseint(\"1\", 63)").contains("between 2 and 62 inclusive"));
        assert!(err("parseint(12, 10)").contains("first argument must be a string, not number"));
        assert!(err("parseint(\"\", 10)").contains("cannot parse"));
        assert!(err("parseint(\"1_0\", 10)").contains("cannot parse"));
    }

    #[test]
    fn strings_like_terraform_docs() {
        assert_eq!(ok("strrev(\"hello\")"), s("olleh"));
        assert_eq!(ok("strrev(\"a ☃\")"), s("☃ a"));
        // A combining accent stays on its letter; a flag stays one flag.
        assert_eq!(ok("strrev(\"cafe\u{301}!\")"), s("!e\u{301}fac"));
        assert_eq!(ok("strrev(\"\u{1F1EB}\u{1F1F7}x\")"), s("x\u{1F1EB}\u{1F1F7}"));
        // Lengths and offsets count characters as people see them.
        assert_eq!(ok("length(\"cafe\u{301}\")"), n(4.0));
        assert_eq!(ok("substr(\"cafe\u{301}s\", 3, 1)"), s("e\u{301}"));
        assert_eq!(
            ok("substr(\"\u{1F1EB}\u{1F1F7}\u{1F1E9}\u{1F1EA}\", -1, -1)"),
            s("\u{1F1E9}\u{1F1EA}")
        );
        assert_eq!(ok("indent(2, \"a\\nb\\n\")"), s("a\n  b\n  "));
        assert_eq!(ok("indent(4, \"one line\")"), s("one line"));
        assert!(err("indent(-1, \"a\\nb\")").contains("must not be negative"));
        assert!(err("indent(1e15, \"a\\nb\")").contains("more than"));
        assert_eq!(ok("strcontains(\"hello world\", \"wor\")"), b(true));
        assert_eq!(ok("strcontains(\"hello world\", \"wod\")"), b(false));
        assert_eq!(ok("startswith(\"hello world\", \"hello\")"), b(true));
        assert_eq!(ok("startswith(\"hello world\", \"world\")"), b(false));
        assert_eq!(ok("endswith(\"hello world\", \"world\")"), b(true));
        assert_eq!(ok("endswith(\"hello world\", \"hello\")"), b(false));
        assert_eq!(ok("trimprefix(\"helloworld\", \"hello\")"), s("world"));
        assert_eq!(ok("trimprefix(\"helloworld\", \"cat\")"), s("helloworld"));
        assert_eq!(ok("trimprefix(\"--hello\", \"-\")"), s("-hello"));
        assert_eq!(ok("trimsuffix(\"helloworld\", \"world\")"), s("hello"));
        assert_eq!(ok("trimsuffix(\"hello--\", \"-\")"), s("hello-"));
        assert_eq!(ok("regexall(\"[a-z]+\", \"1234abcd5678efgh9\")"), list(&["abcd", "efgh"]));
        assert_eq!(ok("length(regexall(\"[a-z]+\", \"123456789\")) > 0"), b(false));
        assert!(err("regex(\"(?P<a>x)(y)\", \"xy\")").contains("cannot mix both named and unnamed"));
        assert!(err("regex(\"[a-z]+\", \"123\")")
            .ends_with("pattern did not match any part of the given string"));
        assert_eq!(ok("core::upper(\"a\")"), s("A"));
        assert!(err("other::upper(\"a\")").contains("There is no function named \"other::upper\""));
    }

    #[test]
    fn collections_like_terraform_docs() {
        assert_eq!(ok("element([\"a\", \"b\", \"c\"], 1)"), s("b"));
        assert_eq!(ok("element([\"a\", \"b\", \"c\"], 3)"), s("a"));
        assert_eq!(ok("element([\"a\", \"b\", \"c\"], -1)"), s("c"));
        assert_eq!(ok("element([\"a\", \"b\", \"c\"], -4)"), s("c"));
        assert!(err("element([], 0)").contains("cannot use element function with an empty list"));
        assert_eq!(ok("contains([\"a\", \"b\", \"c\"], \"a\")"), b(true));
        assert_eq!(ok("contains([\"a\", \"b\", \"c\"], \"d\")"), b(false));
        assert_eq!(ok("coalesce(\"a\", \"b\")"), s("a"));
        assert_eq!(ok("coalesce(\"\", \"b\")"), s("b"));
        assert_eq!(ok("coalesce(1, 2)"), n(1.0));
        assert_eq!(ok("coalesce([\"\", \"b\"]...)"), s("b"));
        assert_eq!(ok("coalesce(1, \"hello\")"), s("1"));
        assert_eq!(ok("coalesce(true, \"hello\")"), s("true"));
        assert_eq!(
            err("coalesce({}, \"hello\")"),
            "Call to function \"coalesce\" failed: all arguments must have the same type"
        );
        assert_eq!(ok("keys({a = 1, c = 2, d = 3})"), list(&["a", "c", "d"]));
        assert_eq!(ok("values({a = 3, c = 2, d = 1})"), Value::List(vec![n(3.0), n(2.0), n(1.0)]));
        assert_eq!(ok("lookup({a = \"ay\", b = \"bee\"}, \"a\", \"what?\")"), s("ay"));
        assert_eq!(ok("lookup({a = \"ay\", b = \"bee\"}, \"c\", \"what?\")"), s("what?"));
        assert_eq!(
            err("lookup({a = \"ay\"}, \"c\")"),
            "Call to function \"lookup\" failed: lookup failed to find key \"c\""
        );
        assert_eq!(ok("alltrue([\"true\", true])"), b(true));
        assert_eq!(ok("alltrue([true, false])"), b(false));
        assert_eq!(ok("alltrue([])"), b(true));
        assert_eq!(ok("alltrue([true, null])"), b(false));
        assert_eq!(ok("anytrue([\"true\"])"), b(true));
        assert_eq!(ok("anytrue([true])"), b(true));
        assert_eq!(ok("anytrue([true, false])"), b(true));
        assert_eq!(ok("anytrue([])"), b(false));
        assert_eq!(ok("anytrue([null, false])"), b(false));
        assert!(err("alltrue([true, \"x\"])").contains("element 1: bool required"));
        assert!(err("anytrue([[true]])").contains("element 0: bool required"));
    }

    #[test]
    fn impure_functions_are_unknown_until_apply() {
        for name in ["timestamp", "uuid", "bcrypt"] {
            assert!(super::is_impure(name), "{name}");
        }
        assert!(!super::is_impure("plantimestamp"));
        assert_eq!(ok("uuid()"), Value::Unknown);
        assert_eq!(ok("bcrypt(\"hello world\")"), Value::Unknown);
        assert_eq!(ok("bcrypt(\"hello world\", 12)"), Value::Unknown);
        assert!(ok("bcrypt(sensitive(\"x\"))").is_sensitive());
        // Types and arity are still checked while planning.
        assert!(err("bcrypt(\"x\", \"cheap\")").contains("a number is required"));
        assert!(err("bcrypt(\"x\", 10, 1)").contains("expects 1 to 2 argument(s)"));
        assert!(err("uuid(1)").contains("expects 0 argument(s)"));

        let uuid = super::impure_value("uuid", &[]).unwrap();
        let uuid = uuid.as_str().unwrap();
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "4");
        let stamp = super::impure_value("timestamp", &[]).unwrap();
        assert!(super::datetime::parse_rfc3339(stamp.as_str().unwrap()).is_ok());
        let hash = super::impure_value("bcrypt", &[s("hello world"), n(4.0)]).unwrap();
        let hash = hash.as_str().unwrap();
        assert!(hash.starts_with("$2a$04$"), "{hash}");
        assert!(::bcrypt::verify("hello world", hash).unwrap());
        let default_cost = super::impure_value("bcrypt", &[s("x")]).unwrap();
        assert!(default_cost.as_str().unwrap().starts_with("$2a$10$"));
        assert!(super::impure_value("bcrypt", &[s("x"), n(32.0)]).is_err());
        assert!(super::impure_value("bcrypt", &[s(&"x".repeat(73))]).is_err());
        assert!(super::impure_value("upper", &[s("x")]).is_err());
    }

    #[test]
    fn plantimestamp_is_known_and_fixed() {
        let first = ok("plantimestamp()");
        let text = first.as_str().unwrap().to_string();
        assert!(text.ends_with('Z') && text.len() == 20, "{text}");
        assert!(super::datetime::parse_rfc3339(&text).is_ok());
        assert_eq!(ok("plantimestamp()"), first);
        assert_eq!(ok("timecmp(plantimestamp(), plantimestamp())"), n(0.0));
    }

    #[test]
    fn sensitive_values() {
        let secret = [("secret", s("hunter2").mark_sensitive())];
        let run = |text: &str| with(text, &secret).unwrap();
        assert_eq!(ok("issensitive(sensitive(\"secret\"))"), b(true));
        assert_eq!(ok("issensitive(\"hello\")"), b(false));
        assert_eq!(run("issensitive(secret)"), b(true));
        // The mark of the value itself is asked about, not those inside it.
        assert_eq!(run("issensitive({a = secret})"), b(false));
        assert_eq!(run("nonsensitive(secret)"), s("hunter2"));
        assert_eq!(ok("nonsensitive(\"clear\")"), s("clear"));
        let inner = run("nonsensitive(sensitive({a = secret}))");
        assert!(!inner.is_sensitive() && inner.get("a").is_sensitive());
        assert_eq!(run("ephemeralasnull(secret)"), s("hunter2").mark_sensitive());
        assert_eq!(ok("ephemeralasnull({a = 1})"), Value::map([("a", n(1.0))]));
        assert!(run("sha1(secret)").is_sensitive());
        assert!(run("yamlencode({a = secret})").is_sensitive());
        assert!(run("strrev(secret)").is_sensitive());
        // Sensitive text never shows in an error message.
        for text in [
            "parseint(secret, 10)",
            "tonumber(secret)",
            "timeadd(secret, \"1h\")",
            "formatdate(\"YYYY\", [secret][0])",
            "cidrsubnets(\"10.0.0.0/8\", 1, [secret][0])",
        ] {
            let error = with(text, &secret).unwrap_err();
            assert!(!error.detail.contains("hunter2"), "{text}: {}", error.detail);
            assert!(error.detail.contains("(sensitive value)"), "{text}: {}", error.detail);
        }
    }

    #[test]
    fn unknown_values() {
        let bound = [("u", Value::Unknown), ("secret", s("x").mark_sensitive())];
        let run = |text: &str| with(text, &bound).unwrap();
        assert_eq!(run("alltrue([true, u])"), Value::Unknown);
        assert_eq!(run("alltrue([false, u])"), b(false));
        assert_eq!(run("anytrue([u, true])"), b(true));
        assert_eq!(run("anytrue([false, u])"), Value::Unknown);
        assert!(run("alltrue([secret == \"x\", true])").is_sensitive());
        assert_eq!(run("contains([u, \"a\"], \"a\")"), b(true));
        assert_eq!(run("contains([u, \"a\"], \"b\")"), Value::Unknown);
        assert_eq!(run("contains([], u)"), Value::Unknown);
        assert_eq!(run("contains([], \"a\")"), b(false));
        assert_eq!(run("contains([secret, \"y\"], \"y\")"), b(true).mark_sensitive());
        assert_eq!(run("index([secret, \"y\"], \"y\")"), n(1.0).mark_sensitive());
        assert_eq!(run("contains([\"y\"], \"y\")"), b(true));
        assert_eq!(run("issensitive(u)"), Value::Unknown);
        assert_eq!(run("issensitive(sensitive(u))"), b(true));
        assert_eq!(run("sha512(u)"), Value::Unknown);
        assert_eq!(run("yamlencode({a = [u]})"), Value::Unknown);
        assert_eq!(run("formatdate(u, \"2018-01-02T23:12:01Z\")"), Value::Unknown);
        assert_eq!(
            run("setproduct([\"a\"], [u, 1])"),
            Value::List(vec![
                Value::List(vec![s("a"), Value::Unknown]),
                Value::List(vec![s("a"), n(1.0)]),
            ])
        );
        assert_eq!(run("setproduct([\"a\"], u)"), Value::Unknown);
        assert_eq!(
            run("chunklist([u, secret], 1)"),
            Value::List(vec![
                Value::List(vec![Value::Unknown]),
                Value::List(vec![s("x").mark_sensitive()]),
            ])
        );
        assert_eq!(run("bcrypt(u)"), Value::Unknown);
        assert_eq!(run("upper([u]...)"), Value::Unknown);
    }

    #[test]
    fn templatestring_renders_a_referenced_template() {
        let bound = [
            ("greeting", s("Hello, ${name}!")),
            ("nested", s("${templatestring(greeting, {name = \"x\"})}")),
            ("reads", s("${file(\"/etc/hostname\")}")),
            ("templates", Value::map([("t", s("%{ for x in xs }${x};%{ endfor }"))])),
            ("secret", s("pw").mark_sensitive()),
            ("u", Value::Unknown),
            ("listy", s("${[1]}")),
            ("numbery", s("${2 + 3}")),
        ];
        let run = |text: &str| with(text, &bound);
        assert_eq!(
            run("templatestring(greeting, {name = \"world\"})").unwrap(),
            s("Hello, world!")
        );
        assert_eq!(run("templatestring(templates[\"t\"], {xs = [1, 2]})").unwrap(), s("1;2;"));
        assert_eq!(run("templatestring(templates.t, {xs = [\"a\"]})").unwrap(), s("a;"));
        assert!(run("templatestring(greeting, {name = secret})").unwrap().is_sensitive());
        assert!(run("templatestring(greeting, {name = \"n\", other = secret})")
            .unwrap()
            .is_sensitive());
        assert_eq!(run("templatestring(greeting, {name = u})").unwrap(), Value::Unknown);
        assert_eq!(run("templatestring(u, {})").unwrap(), Value::Unknown);
        let error = |text: &str| run(text).unwrap_err().detail;
        assert!(error("templatestring(\"Hello, ${name}\", {name = 1})").contains(
            "to render an inline template, consider using a plain template string expression"
        ));
        assert!(error("templatestring(\"literal\", {})")
            .contains("does not support providing a literal template"));
        assert!(error("templatestring(\"${greeting}\", {})")
            .contains("write the reference expression directly"));
        assert!(error("templatestring(upper(greeting), {})")
            .contains("must be a direct reference to a single string from elsewhere"));
        assert!(
            error("templatestring(greeting, \"x\")").contains("invalid vars value: must be a map")
        );
        assert!(error("templatestring(greeting, {\"a b\" = 1})")
            .contains("invalid template variable name \"a b\""));
        assert!(error("templatestring(nested, {greeting = \"g\"})").contains(
            "cannot recursively call templatestring from inside another template function"
        ));
        assert!(error("templatestring(reads, {})").contains(
            "cannot use filesystem access functions like file in templatestring templates"
        ));
        assert!(error("templatestring(listy, {})")
            .contains("the template result must be a string, but the template produced a list"));
        assert_eq!(run("templatestring(numbery, {})").unwrap(), s("5"));
        // The guard is released once rendering ends, even after an error.
        assert_eq!(
            run("templatestring(greeting, {name = \"again\"})").unwrap(),
            s("Hello, again!")
        );
    }

    #[test]
    fn every_function_is_registered_once() {
        let mut names: Vec<&str> = super::FUNCTIONS.iter().map(|f| f.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), super::FUNCTIONS.len());
        assert!(names.iter().all(|name| super::lookup(name).is_some()));
    }
}
