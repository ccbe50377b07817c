//! Terraform's built-in functions. Each checks its arity and argument types and fails with a
//! [`FunctionError`] that the caller locates at the offending argument. `try` and `can`
//! evaluate their arguments lazily, so they are handled before arguments are evaluated.
//!
//! The larger families live in submodules: [`collections`] (set algebra, `chunklist`,
//! `transpose`, `matchkeys`), [`datetime`] (`formatdate`, `timeadd`, `timecmp`,
//! `plantimestamp`), [`encoding`] (hashes, `base64gzip`, `textencodebase64`, `urlencode`,
//! `uuidv5`, `bcrypt`), [`filesystem`] (the `file*` family and path functions), [`network`]
//! (`cidrsubnets`), [`strings`] (`templatestring`, `parseint`, `strrev`, `indent`) and
//! [`yaml`] (`yamlencode`, `yamldecode`).

mod collections;
mod datetime;

pub(crate) use datetime::parse_duration;
mod encoding;
pub use encoding::sha1;
mod filesystem;
mod network;
mod strings;
mod yaml;

use crate::eval::{describe, mark_if, to_key, Ctx, EvalResult};
use base64::Engine as _;
use hcl_edit::expr::FuncCall;
use hcl_edit::Span;
use infra_core::value::format_number;
use infra_core::{Diagnostic, Value};
use sha2::Digest as _;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::ops::Range;

/// Why a function call failed.
#[derive(Debug, thiserror::Error, PartialEq)]
pub(crate) enum FunctionError {
    #[error("Function \"{name}\" expects {expected} argument(s), but {got} were given.")]
    Arity {
        name: String,
        expected: String,
        got: usize,
    },
    /// The argument at `index` is wrong.
    #[error("Invalid value for argument {}: {message}", index + 1)]
    Argument { index: usize, message: String },
    #[error("{0}")]
    Failed(String),
}

type FnResult = Result<Value, FunctionError>;

fn arg_error(index: usize, message: impl Into<String>) -> FunctionError {
    FunctionError::Argument {
        index,
        message: message.into(),
    }
}

/// Minimum and maximum argument counts (`None` = variadic).
fn arity(name: &str) -> Option<(usize, Option<usize>)> {
    Some(match name {
        "timestamp" | "uuid" | "plantimestamp" => (0, Some(0)),
        "abs" | "ceil" | "floor" | "lower" | "upper" | "title" | "trimspace" | "length"
        | "distinct" | "flatten" | "keys" | "values" | "compact" | "one" | "reverse" | "sort"
        | "tolist" | "toset" | "tomap" | "tostring" | "tonumber" | "tobool" | "jsonencode"
        | "jsondecode" | "cidrnetmask" | "file" | "fileexists" | "base64encode"
        | "base64decode" | "sha256" | "md5" | "sensitive" | "nonsensitive" | "chomp" | "sum"
        | "alltrue" | "anytrue" | "type" | "filebase64" | "filebase64sha256"
        | "filebase64sha512" | "filemd5" | "filesha1" | "filesha256" | "filesha512"
        | "basename" | "dirname" | "abspath" | "pathexpand" | "base64gzip" | "urlencode"
        | "yamlencode" | "yamldecode" | "transpose" | "strrev" | "issensitive"
        | "ephemeralasnull" | "sha1" | "sha512" | "base64sha256" | "base64sha512" | "signum"
        | "csvdecode" => (1, Some(1)),
        "split" | "trim" | "trimprefix" | "trimsuffix" | "element" | "contains" | "zipmap"
        | "index" | "cidrhost" | "templatefile" | "startswith" | "endswith" | "regex"
        | "regexall" | "textencodebase64" | "textdecodebase64" | "chunklist" | "formatdate"
        | "timeadd" | "timecmp" | "parseint" | "templatestring" | "uuidv5" | "log" | "pow"
        | "indent" | "strcontains" | "setsubtract" | "fileset" => (2, Some(2)),
        "lookup" => (2, Some(3)),
        "bcrypt" => (1, Some(2)),
        "replace" | "substr" | "slice" | "cidrsubnet" | "matchkeys" => (3, Some(3)),
        "range" => (1, Some(3)),
        "max" | "min" | "format" | "formatlist" | "coalesce" | "setunion" | "setintersection"
        | "cidrsubnets" => (1, None),
        "join" | "setproduct" => (2, None),
        "concat" | "merge" | "coalescelist" => (0, None),
        _ => return None,
    })
}

/// Terraform's impure functions: they give a new value on every call, so while planning they
/// are "known after apply" ([`Value::Unknown`]). [`impure_value`] computes the value itself
/// for when the evaluator runs at apply time.
pub(crate) fn is_impure(name: &str) -> bool {
    matches!(name, "timestamp" | "uuid" | "bcrypt")
}

/// The value of an impure function (see [`is_impure`]) at apply time: the current timestamp,
/// a random UUID, or a bcrypt hash with a random salt. The arguments are checked as
/// [`apply`] checks them and must be known and unmarked.
pub(crate) fn impure_value(name: &str, args: &[Value]) -> FnResult {
    check_impure_args(name, args)?;
    Ok(match name {
        "timestamp" => Value::String(datetime::now_rfc3339()),
        "uuid" => Value::String(uuid::Uuid::new_v4().to_string()),
        "bcrypt" => Value::String(encoding::bcrypt(args)?),
        other => {
            return Err(FunctionError::Failed(format!(
                "\"{other}\" is not an impure function"
            )))
        }
    })
}

/// The plan-time checks of an impure function's arguments: arity and types only, as Terraform
/// type-checks a call whose result it cannot know yet.
fn check_impure_args(name: &str, args: &[Value]) -> Result<(), FunctionError> {
    check_arity(name, args.len())?;
    if name == "bcrypt" {
        string(args, 0)?;
        if args.len() > 1 {
            number(args, 1)?;
        }
    }
    Ok(())
}

fn check_arity(name: &str, got: usize) -> Result<(), FunctionError> {
    let (min, max) = arity(name)
        .ok_or_else(|| FunctionError::Failed(format!("There is no function named \"{name}\".")))?;
    if got < min || max.is_some_and(|m| got > m) {
        let expected = match max {
            Some(m) if m == min => min.to_string(),
            Some(m) => format!("{min} to {m}"),
            None => format!("at least {min}"),
        };
        return Err(FunctionError::Arity {
            name: name.to_string(),
            expected,
            got,
        });
    }
    Ok(())
}

/// Functions that need every part of every argument known, and whose result is wholly
/// sensitive when any input is. The others look only at the top level of their arguments
/// and keep the marks of the elements they pass through.
fn is_deep(name: &str) -> bool {
    !matches!(
        name,
        "length"
            | "concat"
            | "merge"
            | "element"
            | "slice"
            | "keys"
            | "values"
            | "lookup"
            | "tolist"
            | "toset"
            | "tomap"
            | "flatten"
            | "reverse"
            | "zipmap"
            | "coalesce"
            | "coalescelist"
            | "compact"
            | "one"
            | "contains"
            | "distinct"
            | "index"
            | "sensitive"
            | "nonsensitive"
            | "setunion"
            | "setproduct"
            | "chunklist"
            | "alltrue"
            | "anytrue"
            | "templatestring"
    )
}

/// Evaluates a function call expression.
pub(crate) fn call(ctx: &mut Ctx, call: &FuncCall) -> EvalResult {
    let name = call.name.name.value().as_str();
    let call_span = call.span();
    let arg_exprs: Vec<&hcl_edit::expr::Expression> = call.args.iter().collect();
    // Terraform also offers every built-in function as `core::NAME`.
    let core_namespace = call.name.namespace.len() == 1
        && call.name.namespace.first().map(|n| n.value().as_str()) == Some("core");
    if (call.name.is_namespaced() && !core_namespace)
        || (arity(name).is_none() && name != "try" && name != "can")
    {
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
            call.name.name.span().or(call_span),
        ));
    }
    let spans: Vec<Option<Range<usize>>> = arg_exprs.iter().map(|e| e.span()).collect();
    match name {
        "try" => {
            if arg_exprs.is_empty() {
                return Err(ctx.fail(
                    "Invalid function argument",
                    "try() needs at least one argument.",
                    call_span,
                ));
            }
            let mut last = None;
            for expr in &arg_exprs {
                match ctx.eval(expr) {
                    Ok(value) => return Ok(value),
                    Err(error) => last = Some(error),
                }
            }
            let detail = last.map(|e| e.detail).unwrap_or_default();
            return Err(ctx.fail(
                "Error in function call",
                format!("Call to function \"try\" failed: no expression succeeded; the last error was: {detail}"),
                call_span,
            ));
        }
        "can" => {
            let [expr] = arg_exprs.as_slice() else {
                return Err(ctx.fail(
                    "Invalid function argument",
                    "can() takes exactly one argument.",
                    call_span,
                ));
            };
            return Ok(match ctx.eval(expr) {
                Ok(value) if !value.is_wholly_known() => Value::Unknown,
                Ok(_) => Value::Bool(true),
                Err(_) => Value::Bool(false),
            });
        }
        "templatestring" => {
            if let Some(expr) = arg_exprs.first() {
                if let Err(message) = strings::check_template_reference(expr) {
                    return Err(function_diag(
                        ctx,
                        name,
                        &arg_error(0, message),
                        &spans,
                        call_span,
                    ));
                }
            }
        }
        _ => {}
    }
    // `ephemeralasnull(x)`: the parts of `x` that read an ephemeral value (`crate::ephemeral`)
    // are null, down through object and tuple constructors.
    if let (true, [expr]) = (name == "ephemeralasnull", arg_exprs.as_slice()) {
        let value = ctx.eval(expr)?;
        return Ok(null_ephemeral_parts(ctx, expr, value));
    }
    let mut args = Vec::with_capacity(arg_exprs.len());
    let mut spans = spans;
    for expr in &arg_exprs {
        args.push(ctx.eval(expr)?);
    }
    if call.args.expand_final() {
        let last = args.pop().unwrap_or(Value::Null);
        let span = spans.pop().flatten();
        let (last, marked) = last.unmark();
        match last {
            Value::List(items) => {
                for item in items {
                    args.push(mark_if(item, marked));
                    spans.push(span.clone());
                }
            }
            Value::Unknown => return Ok(mark_if(Value::Unknown, marked)),
            other => {
                return Err(ctx.fail(
                    "Invalid expanding argument value",
                    format!(
                        "The expanding argument (indicated by ...) must be a list, got {}.",
                        describe(&other)
                    ),
                    span,
                ))
            }
        }
    }
    apply(ctx, name, args).map_err(|error| function_diag(ctx, name, &error, &spans, call_span))
}

/// The diagnostic for a failed call, located at the offending argument when there is one.
fn function_diag(
    ctx: &Ctx,
    name: &str,
    error: &FunctionError,
    spans: &[Option<Range<usize>>],
    call_span: Option<Range<usize>>,
) -> crate::eval::Fail {
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
        Diagnostic::error(
            summary,
            format!("Call to function \"{name}\" failed: {error}"),
        )
        .at(ctx.loc(span)),
    )
}

/// `value`, the result of `expr`, with the parts that read an ephemeral value made null: an
/// object or tuple constructor part by part, anything else as a whole.
fn null_ephemeral_parts(ctx: &mut Ctx, expr: &hcl_edit::expr::Expression, value: Value) -> Value {
    use hcl_edit::expr::{Expression, ObjectKey};
    let Some(env) = ctx.env else {
        return value;
    };
    if !crate::ephemeral::is_ephemeral(env.config(), ctx.module, expr) {
        return value;
    }
    let (value, marked) = value.unmark();
    let nulled = match (expr, value) {
        (Expression::Parenthesis(inner), value) => null_ephemeral_parts(ctx, inner.inner(), value),
        (Expression::Object(object), Value::Map(mut map)) => {
            for (key, item) in object.iter() {
                let name = match key {
                    ObjectKey::Ident(ident) => Some(ident.value().as_str().to_string()),
                    ObjectKey::Expression(key) => ctx
                        .eval(key)
                        .ok()
                        .and_then(|k| k.unmark().0.as_str().map(str::to_string)),
                };
                match name.and_then(|name| map.get_mut(&name)) {
                    Some(slot) => {
                        let part = std::mem::take(slot);
                        *slot = null_ephemeral_parts(ctx, item.expr(), part);
                    }
                    // A key not known here: the whole object, to be safe.
                    None => return Value::Null,
                }
            }
            Value::Map(map)
        }
        (Expression::Array(items), Value::List(list)) if items.len() == list.len() => Value::List(
            items
                .iter()
                .zip(list)
                .map(|(item, part)| null_ephemeral_parts(ctx, item, part))
                .collect(),
        ),
        // A null has nothing left to hide.
        _ => return Value::Null,
    };
    // A constructor is marked for what it holds: it stays marked only if a sensitive part is
    // left.
    let still_sensitive = marked && nulled.contains_sensitive();
    mark_if(nulled, still_sensitive)
}

/// Runs a function on evaluated arguments, handling arity, unknowns and marks.
pub(crate) fn apply(ctx: &Ctx, name: &str, mut args: Vec<Value>) -> FnResult {
    check_arity(name, args.len())?;
    strings::check_template_nesting(name)?;
    match name {
        "sensitive" => return Ok(args.remove(0).mark_sensitive()),
        // Like Terraform, only the value's own mark is removed: sensitive parts inside a
        // collection stay sensitive.
        "nonsensitive" => return Ok(args.remove(0).unmark().0),
        // Known even for a sensitive unknown value: the mark is what is asked about.
        "issensitive" => {
            let value = &args[0];
            return Ok(if value.is_sensitive() {
                Value::Bool(true)
            } else if value.is_unknown() {
                Value::Unknown
            } else {
                Value::Bool(false)
            });
        }
        // A value that reaches here is not ephemeral (`call` nulls those from their
        // expression): it passes through unchanged, marks and unknowns included.
        "ephemeralasnull" => return Ok(args.remove(0)),
        "plantimestamp" => return Ok(datetime::plantimestamp()),
        _ => {}
    }
    // Sensitive text must not show up in an error message: remember it to redact it. Only
    // marked arguments are walked, so unmarked calls cost nothing more.
    let deep = is_deep(name);
    let secrets = if args
        .iter()
        .any(|a| a.is_sensitive() || (deep && a.contains_sensitive()))
    {
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
        if name != "coalesce" && args.iter().any(Value::is_unknown) {
            return Ok(mark_if(Value::Unknown, sensitive));
        }
    }
    if is_impure(name) {
        if ctx.env.is_some_and(|env| env.applying()) {
            let value = impure_value(name, &args).map_err(|e| redact(e, &secrets))?;
            return Ok(mark_if(value, sensitive));
        }
        check_impure_args(name, &args).map_err(|e| redact(e, &secrets))?;
        return Ok(mark_if(Value::Unknown, sensitive));
    }
    let result = run(ctx, name, args).map_err(|e| redact(e, &secrets))?;
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
        FunctionError::Argument { index, message } => FunctionError::Argument {
            index,
            message: clean(message),
        },
        FunctionError::Failed(message) => FunctionError::Failed(clean(message)),
        other => other,
    }
}

fn string(args: &[Value], i: usize) -> Result<String, FunctionError> {
    match &args[i] {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(format_number(*n)),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(arg_error(
            i,
            format!("a string is required, got {}", describe(other)),
        )),
    }
}

fn number(args: &[Value], i: usize) -> Result<f64, FunctionError> {
    args[i].as_f64().ok_or_else(|| {
        arg_error(
            i,
            format!("a number is required, got {}", describe(&args[i])),
        )
    })
}

fn integer(args: &[Value], i: usize) -> Result<i64, FunctionError> {
    args[i].as_i64().ok_or_else(|| {
        arg_error(
            i,
            format!("a whole number is required, got {}", describe(&args[i])),
        )
    })
}

fn list(args: &[Value], i: usize) -> Result<Vec<Value>, FunctionError> {
    match &args[i] {
        Value::List(items) => Ok(items.clone()),
        other => Err(arg_error(
            i,
            format!("a list is required, got {}", describe(other)),
        )),
    }
}

fn map(args: &[Value], i: usize) -> Result<BTreeMap<String, Value>, FunctionError> {
    match &args[i] {
        Value::Map(entries) => Ok(entries.clone()),
        other => Err(arg_error(
            i,
            format!("a map is required, got {}", describe(other)),
        )),
    }
}

/// Known elements of a list argument, or `None` when some element is unknown.
fn known_elements(items: &[Value]) -> bool {
    items.iter().all(Value::is_wholly_known)
}

fn compare(a: &Value, b: &Value) -> Ordering {
    match (a.unmarked(), b.unmarked()) {
        (Value::Number(x), Value::Number(y)) => x.partial_cmp(y).unwrap_or(Ordering::Equal),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (x, y) => x.to_json().to_string().cmp(&y.to_json().to_string()),
    }
}

/// Sorts and de-duplicates a set's elements, as Terraform orders sets.
pub(crate) fn sort_set(items: &mut Vec<Value>) {
    items.sort_by(compare);
    items.dedup_by(|a, b| a.unmark_deep() == b.unmark_deep());
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
    match ctx.env {
        Some(env) => env.module_dir(0).join(path),
        None => path.to_path_buf(),
    }
}

/// `alltrue` and `anytrue`: the list converts to a list of bools first (`"true"` is true).
/// An unknown element makes `alltrue` unknown unless a false one comes first, and `anytrue`
/// unknown unless some element is true. A null element counts as false.
fn all_or_any_true(all: bool, a: &[Value]) -> FnResult {
    let items = list(a, 0)?;
    let sensitive = items.iter().any(Value::contains_sensitive);
    let mut flags = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        flags.push(match item.unmarked() {
            Value::Unknown => None,
            Value::Null => Some(false),
            other => Some(
                other
                    .as_bool()
                    .ok_or_else(|| arg_error(0, format!("element {i}: bool required")))?,
            ),
        });
    }
    let result = if all {
        let mut result = Value::Bool(true);
        for flag in flags {
            match flag {
                None => {
                    result = Value::Unknown;
                    break;
                }
                Some(false) => {
                    result = Value::Bool(false);
                    break;
                }
                Some(true) => {}
            }
        }
        result
    } else if flags.contains(&Some(true)) {
        Value::Bool(true)
    } else if flags.contains(&None) {
        Value::Unknown
    } else {
        Value::Bool(false)
    };
    Ok(mark_if(result, sensitive))
}

/// `coalesce`: the first argument that is neither null nor an empty string. Like Terraform,
/// the arguments are first converted to one type, so a string among numbers or bools turns
/// the result into a string, and collections cannot be mixed with primitive values.
fn coalesce(a: &[Value]) -> FnResult {
    let (mut strings, mut numbers, mut bools, mut collections) = (false, false, false, false);
    for arg in a {
        match arg.unmarked() {
            Value::String(_) => strings = true,
            Value::Number(_) => numbers = true,
            Value::Bool(_) => bools = true,
            Value::List(_) | Value::Map(_) => collections = true,
            _ => {}
        }
    }
    if (collections && (strings || numbers || bools)) || (!strings && numbers && bools) {
        return Err(FunctionError::Failed(
            "all arguments must have the same type".into(),
        ));
    }
    let as_string = strings && (numbers || bools);
    for arg in a {
        match arg.unmarked() {
            Value::Unknown => return Ok(Value::Unknown),
            Value::Null => {}
            Value::String(s) if s.is_empty() => {}
            other if as_string => {
                return Ok(Value::String(to_string_value(other).unwrap_or_default()))
            }
            _ => return Ok(arg.clone()),
        }
    }
    Err(FunctionError::Failed(
        "no non-null, non-empty-string arguments".into(),
    ))
}

fn run(ctx: &Ctx, name: &str, args: Vec<Value>) -> FnResult {
    let a = &args;
    Ok(match name {
        "abs" => Value::Number(number(a, 0)?.abs()),
        "ceil" => Value::Number(number(a, 0)?.ceil()),
        "floor" => Value::Number(number(a, 0)?.floor()),
        "max" | "min" => {
            let mut best = number(a, 0)?;
            for i in 1..a.len() {
                let n = number(a, i)?;
                best = if name == "max" {
                    best.max(n)
                } else {
                    best.min(n)
                };
            }
            Value::Number(best)
        }
        "sum" => {
            let items = list(a, 0)?;
            if items.is_empty() {
                return Err(arg_error(0, "cannot sum an empty list"));
            }
            let mut total = 0.0;
            for item in &items {
                total += item.as_f64().ok_or_else(|| {
                    arg_error(0, "argument must be list, set, or tuple of number values")
                })?;
            }
            if total.is_nan() {
                return Err(FunctionError::Failed(
                    "can't compute sum of opposing infinities".into(),
                ));
            }
            Value::Number(total)
        }
        "alltrue" | "anytrue" => return all_or_any_true(name == "alltrue", a),
        "log" => {
            let result = number(a, 0)?.ln() / number(a, 1)?.ln();
            if result.is_nan() {
                return Err(FunctionError::Failed("result is not a number".into()));
            }
            Value::Number(result)
        }
        "pow" => {
            let result = number(a, 0)?.powf(number(a, 1)?);
            if result.is_nan() {
                return Err(FunctionError::Failed("result is not a number".into()));
            }
            Value::Number(result)
        }
        // Terraform converts the argument to a whole number first, so 0.5 is an error.
        "signum" => Value::Number(integer(a, 0)?.signum() as f64),
        "parseint" => strings::parseint(a)?,
        "strrev" => Value::String(strings::strrev(&string(a, 0)?)),
        "indent" => strings::indent(a)?,
        "strcontains" => Value::Bool(string(a, 0)?.contains(&string(a, 1)?)),
        "templatestring" => strings::templatestring(a)?,
        "format" => Value::String(format_text(&string(a, 0)?, &a[1..])?),
        "formatlist" => {
            let length = a[1..]
                .iter()
                .filter_map(|v| v.as_list().map(<[Value]>::len))
                .max();
            let Some(length) = length else {
                return Ok(Value::List(vec![Value::String(format_text(
                    &string(a, 0)?,
                    &a[1..],
                )?)]));
            };
            let mut out = Vec::with_capacity(length);
            for row in 0..length {
                let mut row_args = Vec::new();
                for (i, arg) in a[1..].iter().enumerate() {
                    match arg.as_list() {
                        Some(items) if items.len() != length => {
                            return Err(arg_error(
                                i + 1,
                                format!("all list arguments must have the same length ({length})"),
                            ))
                        }
                        Some(items) => row_args.push(items[row].clone()),
                        None => row_args.push(arg.clone()),
                    }
                }
                out.push(Value::String(format_text(&string(a, 0)?, &row_args)?));
            }
            Value::List(out)
        }
        "join" => {
            let separator = string(a, 0)?;
            let mut parts = Vec::new();
            for i in 1..a.len() {
                for item in list(a, i)? {
                    parts.push(to_string_value(&item).ok_or_else(|| {
                        arg_error(
                            i,
                            format!("every element must be a string, got {}", describe(&item)),
                        )
                    })?);
                }
            }
            Value::String(parts.join(&separator))
        }
        "split" => {
            let separator = string(a, 0)?;
            let text = string(a, 1)?;
            if text.is_empty() {
                Value::List(vec![])
            } else {
                Value::List(text.split(separator.as_str()).map(Value::string).collect())
            }
        }
        "lower" => Value::String(string(a, 0)?.to_lowercase()),
        "upper" => Value::String(string(a, 0)?.to_uppercase()),
        "title" => {
            let text = string(a, 0)?;
            let mut out = String::with_capacity(text.len());
            let mut start = true;
            for c in text.chars() {
                if start && c.is_alphabetic() {
                    out.extend(c.to_uppercase());
                } else {
                    out.push(c);
                }
                start = !c.is_alphanumeric();
            }
            Value::String(out)
        }
        "trimspace" => Value::String(string(a, 0)?.trim().to_string()),
        "chomp" => Value::String(string(a, 0)?.trim_end_matches(['\n', '\r']).to_string()),
        "trim" => {
            let cutset: Vec<char> = string(a, 1)?.chars().collect();
            Value::String(string(a, 0)?.trim_matches(cutset.as_slice()).to_string())
        }
        "trimprefix" => {
            let text = string(a, 0)?;
            let prefix = string(a, 1)?;
            Value::String(
                text.strip_prefix(prefix.as_str())
                    .unwrap_or(&text)
                    .to_string(),
            )
        }
        "trimsuffix" => {
            let text = string(a, 0)?;
            let suffix = string(a, 1)?;
            Value::String(
                text.strip_suffix(suffix.as_str())
                    .unwrap_or(&text)
                    .to_string(),
            )
        }
        "startswith" => Value::Bool(string(a, 0)?.starts_with(&string(a, 1)?)),
        "endswith" => Value::Bool(string(a, 0)?.ends_with(&string(a, 1)?)),
        "replace" => {
            let text = string(a, 0)?;
            let search = string(a, 1)?;
            let replacement = string(a, 2)?;
            if search.len() >= 2 && search.starts_with('/') && search.ends_with('/') {
                let pattern = &search[1..search.len() - 1];
                let regex = regex::Regex::new(pattern).map_err(|e| {
                    arg_error(1, format!("invalid regular expression /{pattern}/: {e}"))
                })?;
                Value::String(regex.replace_all(&text, replacement.as_str()).into_owned())
            } else {
                Value::String(text.replace(&search, &replacement))
            }
        }
        // Offsets and lengths count user-perceived characters, as Terraform's do.
        "substr" => {
            let text = string(a, 0)?;
            let chars = strings::graphemes(&text);
            let length_total = chars.len() as i64;
            let mut offset = integer(a, 1)?;
            let length = integer(a, 2)?;
            if offset < 0 {
                offset += length_total;
            }
            let offset = offset.clamp(0, length_total);
            let end = if length < 0 {
                length_total
            } else {
                (offset + length).min(length_total)
            };
            Value::String(chars[offset as usize..end.max(offset) as usize].concat())
        }
        "length" => match &a[0] {
            Value::List(items) => Value::Number(items.len() as f64),
            Value::Map(entries) => Value::Number(entries.len() as f64),
            Value::String(s) => Value::Number(strings::graphemes(s).len() as f64),
            other => {
                return Err(arg_error(
                    0,
                    format!(
                        "a collection or string is required, got {}",
                        describe(other)
                    ),
                ))
            }
        },
        // The index wraps around the list, in both directions: since Terraform 1.8 a negative
        // index counts from the end (`element(list, -1)` is the last element).
        "element" => {
            let items = list(a, 0)?;
            let index = integer(a, 1)?;
            if items.is_empty() {
                return Err(FunctionError::Failed(
                    "cannot use element function with an empty list".into(),
                ));
            }
            let length = i64::try_from(items.len()).unwrap_or(i64::MAX);
            let wrapped = usize::try_from(index.rem_euclid(length)).unwrap_or(0);
            items[wrapped].clone()
        }
        "slice" => {
            let items = list(a, 0)?;
            let start = integer(a, 1)?;
            let end = integer(a, 2)?;
            if start < 0 || end < start || end as usize > items.len() {
                return Err(arg_error(
                    2,
                    format!(
                        "slice bounds {start}..{end} are outside a list of {} elements",
                        items.len()
                    ),
                ));
            }
            Value::List(items[start as usize..end as usize].to_vec())
        }
        "concat" => {
            let mut out = Vec::new();
            for i in 0..a.len() {
                out.extend(list(a, i)?);
            }
            Value::List(out)
        }
        // The answer depends on every element, so a sensitive element makes it sensitive.
        "contains" => {
            let items = list(a, 0)?;
            if items.is_empty() {
                return Ok(Value::Bool(false));
            }
            let sensitive =
                a[1].contains_sensitive() || items.iter().any(Value::contains_sensitive);
            if !a[1].is_wholly_known() {
                return Ok(mark_if(Value::Unknown, sensitive));
            }
            // An unknown element might turn out to be the one, unless a known one already is.
            let needle = a[1].unmark_deep();
            let mut unknown = false;
            let mut found = false;
            for item in &items {
                if !item.is_wholly_known() {
                    unknown = true;
                } else if item.unmark_deep() == needle {
                    found = true;
                    break;
                }
            }
            let result = match (found, unknown) {
                (true, _) => Value::Bool(true),
                (false, true) => Value::Unknown,
                (false, false) => Value::Bool(false),
            };
            mark_if(result, sensitive)
        }
        "index" => {
            let items = list(a, 0)?;
            let sensitive =
                a[1].contains_sensitive() || items.iter().any(Value::contains_sensitive);
            if !known_elements(&items) || !a[1].is_wholly_known() {
                return Ok(mark_if(Value::Unknown, sensitive));
            }
            let needle = a[1].unmark_deep();
            match items.iter().position(|item| item.unmark_deep() == needle) {
                Some(i) => mark_if(Value::Number(i as f64), sensitive),
                None => {
                    return Err(arg_error(
                        1,
                        format!("{} is not in the list", describe(&needle)),
                    ))
                }
            }
        }
        "distinct" => {
            let items = list(a, 0)?;
            if !known_elements(&items) {
                return Ok(Value::Unknown);
            }
            let mut out: Vec<Value> = Vec::new();
            for item in items {
                if !out.iter().any(|o| o.unmark_deep() == item.unmark_deep()) {
                    out.push(item);
                }
            }
            Value::List(out)
        }
        "flatten" => {
            fn flatten_into(items: Vec<Value>, out: &mut Vec<Value>) -> bool {
                for item in items {
                    match item {
                        Value::List(inner) => {
                            if !flatten_into(inner, out) {
                                return false;
                            }
                        }
                        Value::Unknown => return false,
                        other => out.push(other),
                    }
                }
                true
            }
            let mut out = Vec::new();
            if !flatten_into(list(a, 0)?, &mut out) {
                return Ok(Value::Unknown);
            }
            Value::List(out)
        }
        "keys" => Value::List(map(a, 0)?.into_keys().map(Value::String).collect()),
        "values" => Value::List(map(a, 0)?.into_values().collect()),
        "lookup" => {
            let entries = map(a, 0)?;
            let key = string(a, 1)?;
            match entries.get(&key) {
                Some(v) => v.clone(),
                None => match a.get(2) {
                    Some(default) => default.clone(),
                    None => {
                        return Err(FunctionError::Failed(format!(
                            "lookup failed to find key {key:?}"
                        )))
                    }
                },
            }
        }
        "merge" => {
            let mut out = BTreeMap::new();
            for (i, arg) in a.iter().enumerate() {
                match arg {
                    Value::Null => {}
                    Value::Map(entries) => out.extend(entries.clone()),
                    other => {
                        return Err(arg_error(
                            i,
                            format!("a map or object is required, got {}", describe(other)),
                        ))
                    }
                }
            }
            Value::Map(out)
        }
        "zipmap" => {
            let keys = list(a, 0)?;
            let values = list(a, 1)?;
            if keys.len() != values.len() {
                return Err(arg_error(
                    1,
                    format!("{} keys but {} values", keys.len(), values.len()),
                ));
            }
            let mut out = BTreeMap::new();
            for (k, v) in keys.iter().zip(values) {
                if k.is_unknown() {
                    return Ok(Value::Unknown);
                }
                let k = to_key(k).ok_or_else(|| arg_error(0, "every key must be a string"))?;
                out.insert(k, v);
            }
            Value::Map(out)
        }
        "range" => {
            let (start, end, step) = match a.len() {
                1 => (0.0, number(a, 0)?, 1.0),
                2 => (number(a, 0)?, number(a, 1)?, 1.0),
                _ => (number(a, 0)?, number(a, 1)?, number(a, 2)?),
            };
            if step == 0.0 {
                return Err(arg_error(a.len() - 1, "step must not be zero"));
            }
            let mut out = Vec::new();
            let mut current = start;
            while (step > 0.0 && current < end) || (step < 0.0 && current > end) {
                out.push(Value::Number(current));
                current += step;
                if out.len() > 1_048_576 {
                    return Err(FunctionError::Failed(
                        "range produces more than 1048576 elements".into(),
                    ));
                }
            }
            Value::List(out)
        }
        "compact" => {
            let items = list(a, 0)?;
            if items.iter().any(Value::is_unknown) {
                return Ok(Value::Unknown);
            }
            Value::List(
                items
                    .into_iter()
                    .filter(|v| !v.is_null() && v.as_str() != Some(""))
                    .collect(),
            )
        }
        "coalesce" => return coalesce(a),
        "coalescelist" => {
            for (i, arg) in a.iter().enumerate() {
                match arg {
                    Value::List(items) if !items.is_empty() => return Ok(arg.clone()),
                    Value::List(_) | Value::Null => {}
                    other => {
                        return Err(arg_error(
                            i,
                            format!("a list is required, got {}", describe(other)),
                        ))
                    }
                }
            }
            Value::List(vec![])
        }
        "one" => {
            let items = list(a, 0)?;
            match items.len() {
                0 => Value::Null,
                1 => items.into_iter().next().unwrap_or_default(),
                n => {
                    return Err(arg_error(
                        0,
                        format!("must be a list with at most one element, got {n} elements"),
                    ))
                }
            }
        }
        "reverse" => {
            let mut items = list(a, 0)?;
            items.reverse();
            Value::List(items)
        }
        "sort" => {
            let items = list(a, 0)?;
            let mut strings = Vec::new();
            for item in &items {
                strings.push(
                    to_string_value(item)
                        .ok_or_else(|| arg_error(0, "every element must be a string"))?,
                );
            }
            strings.sort();
            Value::List(strings.into_iter().map(Value::String).collect())
        }
        "tolist" => match &a[0] {
            Value::List(_) | Value::Null => a[0].clone(),
            other => {
                return Err(arg_error(
                    0,
                    format!("cannot convert {} to a list", describe(other)),
                ))
            }
        },
        "toset" => {
            if a[0].is_null() {
                return Ok(Value::Null);
            }
            let mut items = list(a, 0)?;
            if !known_elements(&items) {
                return Ok(Value::Unknown);
            }
            sort_set(&mut items);
            Value::List(items)
        }
        "setunion" | "setintersection" | "setsubtract" => collections::set_operation(name, a)?,
        "setproduct" => collections::setproduct(a)?,
        "chunklist" => collections::chunklist(a)?,
        "transpose" => collections::transpose(a)?,
        "matchkeys" => collections::matchkeys(a)?,
        "tomap" => match &a[0] {
            Value::Map(_) | Value::Null => a[0].clone(),
            other => {
                return Err(arg_error(
                    0,
                    format!("cannot convert {} to a map", describe(other)),
                ))
            }
        },
        "tostring" => match &a[0] {
            Value::Null => Value::Null,
            other => Value::String(to_string_value(other).ok_or_else(|| {
                arg_error(0, format!("cannot convert {} to a string", describe(other)))
            })?),
        },
        "tonumber" => match &a[0] {
            Value::Null => Value::Null,
            other => Value::Number(other.as_f64().ok_or_else(|| {
                arg_error(0, format!("cannot convert {} to a number", describe(other)))
            })?),
        },
        "tobool" => match &a[0] {
            Value::Null => Value::Null,
            other => Value::Bool(other.as_bool().ok_or_else(|| {
                arg_error(0, format!("cannot convert {} to a bool", describe(other)))
            })?),
        },
        "type" => Value::String(a[0].type_name().to_string()),
        "jsonencode" => Value::String(a[0].to_json().to_string()),
        "jsondecode" => {
            let text = string(a, 0)?;
            let json: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| arg_error(0, format!("invalid JSON: {e}")))?;
            Value::from_json(&json)
        }
        "cidrsubnet" => {
            let newbits = integer(a, 1)?;
            let netnum = integer(a, 2)?;
            if !(0..=32).contains(&newbits) {
                return Err(arg_error(
                    1,
                    format!("newbits must be between 0 and 32, got {newbits}"),
                ));
            }
            if netnum < 0 {
                return Err(arg_error(
                    2,
                    format!("netnum must not be negative, got {netnum}"),
                ));
            }
            Value::String(
                infra_core::cidr::cidrsubnet(&string(a, 0)?, newbits as u8, netnum as u64)
                    .map_err(FunctionError::Failed)?,
            )
        }
        "cidrhost" => Value::String(
            infra_core::cidr::cidrhost(&string(a, 0)?, integer(a, 1)?)
                .map_err(FunctionError::Failed)?,
        ),
        "cidrnetmask" => Value::String(
            infra_core::cidr::cidrnetmask(&string(a, 0)?).map_err(FunctionError::Failed)?,
        ),
        "file" => filesystem::file_text(ctx, a)?,
        "fileexists" => filesystem::fileexists(ctx, a)?,
        "fileset" => filesystem::fileset(ctx, a)?,
        "filebase64" | "filebase64sha256" | "filebase64sha512" | "filemd5" | "filesha1"
        | "filesha256" | "filesha512" => filesystem::file_digest(ctx, name, a)?,
        "basename" => Value::String(filesystem::basename(&string(a, 0)?)),
        "dirname" => Value::String(filesystem::dirname(&string(a, 0)?)),
        "abspath" => Value::String(filesystem::abspath(&string(a, 0)?)?),
        "pathexpand" => Value::String(filesystem::expand_home(&string(a, 0)?)?),
        "templatefile" => {
            let given = string(a, 0)?;
            let text = filesystem::read_text(ctx, &given)?;
            let variables = map(a, 1)?;
            let _guard = strings::TemplateGuard::enter("templatefile");
            render_template(&text, variables).map_err(|message| {
                FunctionError::Failed(format!("in template {given:?}: {message}"))
            })?
        }
        "base64encode" => {
            Value::String(base64::engine::general_purpose::STANDARD.encode(string(a, 0)?))
        }
        "base64decode" => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(string(a, 0)?.trim())
                .map_err(|e| arg_error(0, format!("invalid base64: {e}")))?;
            Value::String(
                String::from_utf8(bytes)
                    .map_err(|_| arg_error(0, "the decoded bytes are not valid UTF-8"))?,
            )
        }
        "sha256" => Value::String(hex::encode(sha2::Sha256::digest(string(a, 0)?.as_bytes()))),
        "md5" => Value::String(hex::encode(md5::Md5::digest(string(a, 0)?.as_bytes()))),
        "sha1" | "sha512" | "base64sha256" | "base64sha512" => {
            Value::String(encoding::digest(name, string(a, 0)?.as_bytes()))
        }
        "base64gzip" => Value::String(encoding::base64gzip(&string(a, 0)?)?),
        "urlencode" => Value::String(encoding::urlencode(&string(a, 0)?)),
        "textencodebase64" => encoding::textencodebase64(a)?,
        "textdecodebase64" => encoding::textdecodebase64(a)?,
        "uuidv5" => encoding::uuidv5(a)?,
        "csvdecode" => encoding::csvdecode(a)?,
        "yamlencode" => Value::String(yaml::encode(&a[0])?),
        "yamldecode" => yaml::decode(&string(a, 0)?)?,
        "formatdate" => datetime::formatdate(a)?,
        "timeadd" => datetime::timeadd(a)?,
        "timecmp" => datetime::timecmp(a)?,
        "cidrsubnets" => network::cidrsubnets(a)?,
        "regex" | "regexall" => {
            let pattern = string(a, 0)?;
            let text = string(a, 1)?;
            let regex = regex::Regex::new(&pattern)
                .map_err(|e| arg_error(0, format!("error parsing pattern: {e}")))?;
            let names: Vec<Option<&str>> = regex.capture_names().collect();
            let named = names.iter().skip(1).filter(|n| n.is_some()).count();
            if named > 0 && named < names.len() - 1 {
                return Err(arg_error(
                    0,
                    "invalid regexp pattern: cannot mix both named and unnamed capture groups",
                ));
            }
            let capture_value = |captures: regex::Captures| -> Value {
                if names.len() == 1 {
                    return Value::String(
                        captures
                            .get(0)
                            .map(|m| m.as_str().to_string())
                            .unwrap_or_default(),
                    );
                }
                if names.iter().skip(1).any(Option::is_some) {
                    return Value::Map(
                        names
                            .iter()
                            .flatten()
                            .map(|n| {
                                (
                                    n.to_string(),
                                    captures
                                        .name(n)
                                        .map(|m| Value::string(m.as_str()))
                                        .unwrap_or_default(),
                                )
                            })
                            .collect(),
                    );
                }
                Value::List(
                    (1..names.len())
                        .map(|i| {
                            captures
                                .get(i)
                                .map(|m| Value::string(m.as_str()))
                                .unwrap_or_default()
                        })
                        .collect(),
                )
            };
            if name == "regexall" {
                Value::List(regex.captures_iter(&text).map(capture_value).collect())
            } else {
                match regex.captures(&text) {
                    Some(captures) => capture_value(captures),
                    None => {
                        return Err(FunctionError::Failed(
                            "pattern did not match any part of the given string".into(),
                        ))
                    }
                }
            }
        }
        other => {
            return Err(FunctionError::Failed(format!(
                "There is no function named \"{other}\"."
            )))
        }
    })
}

/// Renders a template in Terraform's template language (`${...}`, `%{ if }`, `%{ for }`) with
/// the given variables and the built-in functions, as `templatefile()` does. The result is a
/// string (or unknown), keeping a sensitive mark: a template that is one interpolation of a
/// number or bool gives its text, and one of a collection or null is an error.
pub fn render_template(text: &str, variables: BTreeMap<String, Value>) -> Result<Value, String> {
    let template = hcl_edit::parser::parse_template(text)
        .map_err(|e| format!("the template is invalid: {}", e.message()))?;
    let mut template_ctx = Ctx {
        files: &[],
        file: 0,
        module: 0,
        env: None,
        instance: Default::default(),
        bindings: variables.into_iter().collect(),
    };
    let expr = hcl_edit::expr::Expression::StringTemplate(template.into());
    let rendered = template_ctx
        .eval(&expr)
        .map_err(|d| format!("{}: {}", d.summary, d.detail))?;
    let (value, marked) = rendered.unmark();
    let text = match value {
        Value::String(_) | Value::Unknown => value,
        Value::Null => return Err("the template result is null".into()),
        other => Value::String(to_string_value(&other).ok_or_else(|| {
            format!(
                "the template result must be a string, but the template produced {}",
                describe(&other)
            )
        })?),
    };
    Ok(mark_if(text, marked))
}

/// Terraform's `format` verbs: `%s %d %f %.Nf %v %q %t %x %%`, with width and zero padding.
fn format_text(spec: &str, args: &[Value]) -> Result<String, FunctionError> {
    let mut out = String::new();
    let mut chars = spec.chars().peekable();
    let mut next = 0usize;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut flags = String::new();
        while let Some(&f) = chars.peek() {
            if f == '-' || f == '0' || f == '+' || f == ' ' || f == '#' {
                flags.push(f);
                chars.next();
            } else {
                break;
            }
        }
        let mut width = String::new();
        while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            width.push(d);
            chars.next();
        }
        let mut precision: Option<usize> = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut p = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                p.push(d);
                chars.next();
            }
            precision = Some(p.parse().unwrap_or(0));
        }
        let Some(verb) = chars.next() else {
            return Err(arg_error(
                0,
                "the format string ends with an incomplete verb",
            ));
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(value) = args.get(next) else {
            return Err(arg_error(
                0,
                format!(
                    "the format string needs more than {} argument(s)",
                    args.len()
                ),
            ));
        };
        let index = next + 1;
        next += 1;
        let text = match verb {
            's' => to_string_value(value).ok_or_else(|| {
                arg_error(index, format!("%s needs a string, got {}", describe(value)))
            })?,
            'd' => {
                let n = value.as_f64().ok_or_else(|| {
                    arg_error(index, format!("%d needs a number, got {}", describe(value)))
                })?;
                format!("{}", n.trunc() as i64)
            }
            'f' => {
                let n = value.as_f64().ok_or_else(|| {
                    arg_error(index, format!("%f needs a number, got {}", describe(value)))
                })?;
                format!("{:.*}", precision.unwrap_or(6), n)
            }
            'x' => {
                let n = value.as_i64().ok_or_else(|| {
                    arg_error(
                        index,
                        format!("%x needs a whole number, got {}", describe(value)),
                    )
                })?;
                format!("{n:x}")
            }
            't' => value
                .as_bool()
                .ok_or_else(|| {
                    arg_error(index, format!("%t needs a bool, got {}", describe(value)))
                })?
                .to_string(),
            'v' => match value {
                Value::String(s) => s.clone(),
                other => other.to_json().to_string(),
            },
            'q' => serde_json::Value::String(to_string_value(value).ok_or_else(|| {
                arg_error(index, format!("%q needs a string, got {}", describe(value)))
            })?)
            .to_string(),
            other => return Err(arg_error(0, format!("unsupported format verb %{other}"))),
        };
        let width: usize = width.parse().unwrap_or(0);
        let padding = width.saturating_sub(text.chars().count());
        if flags.contains('-') {
            out.push_str(&text);
            out.push_str(&" ".repeat(padding));
        } else if flags.contains('0') && matches!(verb, 'd' | 'f') {
            let (sign, digits) = text
                .strip_prefix('-')
                .map(|d| ("-", d))
                .unwrap_or(("", text.as_str()));
            out.push_str(sign);
            out.push_str(&"0".repeat(padding));
            out.push_str(digits);
        } else {
            out.push_str(&" ".repeat(padding));
            out.push_str(&text);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::eval::tests::eval_text;
    use crate::eval::{Ctx, EvalResult, Instance};
    use infra_core::Value;

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
        let mut ctx = Ctx {
            files: &[],
            file: 0,
            module: 0,
            env: None,
            instance: Instance::default(),
            bindings: bindings
                .iter()
                .map(|(n, v)| (n.to_string(), v.clone()))
                .collect(),
        };
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
            Value::List(vec![
                Value::Number(0.0),
                Value::Number(1.0),
                Value::Number(2.0)
            ])
        );
        assert_eq!(
            ok("range(1, 7, 3)"),
            Value::List(vec![Value::Number(1.0), Value::Number(4.0)])
        );
        assert_eq!(ok("sum([1, 2])"), Value::Number(3.0));
    }

    #[test]
    fn strings() {
        assert_eq!(
            ok("format(\"%s-%03d-%.1f-%v\", \"a\", 7, 1.25, true)"),
            s("a-007-1.2-true")
        );
        assert_eq!(ok("format(\"%q %%\", \"x\")"), s("\"x\" %"));
        assert_eq!(
            ok("formatlist(\"%s=%s\", [\"a\", \"b\"], \"x\")"),
            list(&["a=x", "b=x"])
        );
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
        assert_eq!(
            ok("regex(\"(\\\\d+)-(\\\\d+)\", \"10-20\")"),
            list(&["10", "20"])
        );
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
        assert_eq!(
            ok("flatten([[\"a\"], [[\"b\"]], \"c\"])"),
            list(&["a", "b", "c"])
        );
        assert_eq!(ok("keys({b = 1, a = 2})"), list(&["a", "b"]));
        assert_eq!(ok("values({b = \"1\", a = \"2\"})"), list(&["2", "1"]));
        assert_eq!(ok("lookup({a = \"x\"}, \"b\", \"d\")"), s("d"));
        assert!(eval_text("lookup({a = \"x\"}, \"b\")").is_err());
        assert_eq!(
            ok("merge({a = 1}, null, {a = 2, b = 3})"),
            Value::map([("a", Value::Number(2.0)), ("b", Value::Number(3.0))])
        );
        assert_eq!(
            ok("zipmap([\"a\"], [1])"),
            Value::map([("a", Value::Number(1.0))])
        );
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
        assert_eq!(
            ok("tomap({a = 1})"),
            Value::map([("a", Value::Number(1.0))])
        );
        assert_eq!(ok("tostring(1)"), s("1"));
        assert_eq!(ok("tonumber(\"2\")"), Value::Number(2.0));
        assert_eq!(ok("tobool(\"true\")"), Value::Bool(true));
    }

    #[test]
    fn encoding_cidr_and_errors() {
        assert_eq!(
            ok("jsonencode({b = [1, \"x\"], a = null})"),
            s("{\"a\":null,\"b\":[1,\"x\"]}")
        );
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
        assert_eq!(
            ok("strrev(\"\u{1F1EB}\u{1F1F7}x\")"),
            s("x\u{1F1EB}\u{1F1F7}")
        );
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
        assert_eq!(
            ok("regexall(\"[a-z]+\", \"1234abcd5678efgh9\")"),
            list(&["abcd", "efgh"])
        );
        assert_eq!(
            ok("length(regexall(\"[a-z]+\", \"123456789\")) > 0"),
            b(false)
        );
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
        assert_eq!(
            ok("values({a = 3, c = 2, d = 1})"),
            Value::List(vec![n(3.0), n(2.0), n(1.0)])
        );
        assert_eq!(
            ok("lookup({a = \"ay\", b = \"bee\"}, \"a\", \"what?\")"),
            s("ay")
        );
        assert_eq!(
            ok("lookup({a = \"ay\", b = \"bee\"}, \"c\", \"what?\")"),
            s("what?")
        );
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
        assert_eq!(
            run("ephemeralasnull(secret)"),
            s("hunter2").mark_sensitive()
        );
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
            assert!(
                !error.detail.contains("hunter2"),
                "{text}: {}",
                error.detail
            );
            assert!(
                error.detail.contains("(sensitive value)"),
                "{text}: {}",
                error.detail
            );
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
        assert_eq!(
            run("contains([secret, \"y\"], \"y\")"),
            b(true).mark_sensitive()
        );
        assert_eq!(
            run("index([secret, \"y\"], \"y\")"),
            n(1.0).mark_sensitive()
        );
        assert_eq!(run("contains([\"y\"], \"y\")"), b(true));
        assert_eq!(run("issensitive(u)"), Value::Unknown);
        assert_eq!(run("issensitive(sensitive(u))"), b(true));
        assert_eq!(run("sha512(u)"), Value::Unknown);
        assert_eq!(run("yamlencode({a = [u]})"), Value::Unknown);
        assert_eq!(
            run("formatdate(u, \"2018-01-02T23:12:01Z\")"),
            Value::Unknown
        );
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
            (
                "templates",
                Value::map([("t", s("%{ for x in xs }${x};%{ endfor }"))]),
            ),
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
        assert_eq!(
            run("templatestring(templates[\"t\"], {xs = [1, 2]})").unwrap(),
            s("1;2;")
        );
        assert_eq!(
            run("templatestring(templates.t, {xs = [\"a\"]})").unwrap(),
            s("a;")
        );
        assert!(run("templatestring(greeting, {name = secret})")
            .unwrap()
            .is_sensitive());
        assert!(
            run("templatestring(greeting, {name = \"n\", other = secret})")
                .unwrap()
                .is_sensitive()
        );
        assert_eq!(
            run("templatestring(greeting, {name = u})").unwrap(),
            Value::Unknown
        );
        assert_eq!(run("templatestring(u, {})").unwrap(), Value::Unknown);
        let error = |text: &str| run(text).unwrap_err().detail;
        assert!(
            error("templatestring(\"Hello, ${name}\", {name = 1})").contains(
                "to render an inline template, consider using a plain template string expression"
            )
        );
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
        assert!(
            error("templatestring(nested, {greeting = \"g\"})").contains(
                "cannot recursively call templatestring from inside another template function"
            )
        );
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
}
