//! Terraform's built-in functions. Each checks its arity and argument types and fails with a
//! [`FunctionError`] that the caller locates at the offending argument. `try` and `can`
//! evaluate their arguments lazily, so they are handled before arguments are evaluated.

use crate::eval::{describe, mark_if, to_key, Ctx, EvalResult};
use base64::Engine as _;
use hcl_edit::expr::FuncCall;
use hcl_edit::Span;
use infra_core::value::format_number;
use infra_core::{Diagnostic, Value};
use sha2::Digest as _;
use std::cmp::Ordering;
use std::collections::BTreeMap;

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
        "timestamp" => (0, Some(0)),
        "abs" | "ceil" | "floor" | "lower" | "upper" | "title" | "trimspace" | "length"
        | "distinct" | "flatten" | "keys" | "values" | "compact" | "one" | "reverse" | "sort"
        | "tolist" | "toset" | "tomap" | "tostring" | "tonumber" | "tobool" | "jsonencode"
        | "jsondecode" | "cidrnetmask" | "file" | "fileexists" | "base64encode"
        | "base64decode" | "sha256" | "md5" | "sensitive" | "nonsensitive" | "chomp" | "sum"
        | "alltrue" | "anytrue" | "type" => (1, Some(1)),
        "split" | "trim" | "trimprefix" | "trimsuffix" | "element" | "contains" | "zipmap"
        | "index" | "cidrhost" | "templatefile" | "startswith" | "endswith" | "regex"
        | "regexall" => (2, Some(2)),
        "lookup" => (2, Some(3)),
        "replace" | "substr" | "slice" | "cidrsubnet" => (3, Some(3)),
        "range" => (1, Some(3)),
        "max" | "min" | "format" | "formatlist" | "coalesce" => (1, None),
        "join" => (2, None),
        "concat" | "merge" | "coalescelist" | "setunion" => (0, None),
        _ => return None,
    })
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
    )
}

/// Evaluates a function call expression.
pub(crate) fn call(ctx: &mut Ctx, call: &FuncCall) -> EvalResult {
    let name = call.name.name.value().as_str();
    let call_span = call.span();
    let arg_exprs: Vec<&hcl_edit::expr::Expression> = call.args.iter().collect();
    if call.name.is_namespaced() || (arity(name).is_none() && name != "try" && name != "can") {
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
        _ => {}
    }
    let mut args = Vec::with_capacity(arg_exprs.len());
    let mut spans = Vec::with_capacity(arg_exprs.len());
    for expr in &arg_exprs {
        args.push(ctx.eval(expr)?);
        spans.push(expr.span());
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
            Value::Unknown => return Ok(Value::Unknown),
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
    apply(ctx, name, args).map_err(|error| {
        let span = match &error {
            FunctionError::Argument { index, .. } => {
                spans.get(*index).cloned().flatten().or(call_span.clone())
            }
            _ => call_span.clone(),
        };
        let summary = match &error {
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
    })
}

/// Runs a function on evaluated arguments, handling arity, unknowns and marks.
pub(crate) fn apply(ctx: &Ctx, name: &str, mut args: Vec<Value>) -> FnResult {
    let (min, max) = arity(name)
        .ok_or_else(|| FunctionError::Failed(format!("There is no function named \"{name}\".")))?;
    if args.len() < min || max.is_some_and(|m| args.len() > m) {
        let expected = match max {
            Some(m) if m == min => min.to_string(),
            Some(m) => format!("{min} to {m}"),
            None => format!("at least {min}"),
        };
        return Err(FunctionError::Arity {
            name: name.to_string(),
            expected,
            got: args.len(),
        });
    }
    match name {
        "sensitive" => return Ok(args.remove(0).mark_sensitive()),
        "nonsensitive" => return Ok(args.remove(0).unmark_deep()),
        "timestamp" => return Ok(Value::Unknown),
        _ => {}
    }
    let mut sensitive = false;
    if is_deep(name) {
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
    let result = run(ctx, name, args)?;
    Ok(mark_if(result, sensitive))
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

fn module_path(ctx: &Ctx, relative: &str) -> std::path::PathBuf {
    let path = std::path::Path::new(relative);
    if path.is_absolute() {
        return path.to_path_buf();
    }
    match ctx.env {
        Some(env) => env.module_dir(ctx.module).join(path),
        None => path.to_path_buf(),
    }
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
            let mut total = 0.0;
            for item in &items {
                total += item
                    .as_f64()
                    .ok_or_else(|| arg_error(0, "every element must be a number"))?;
            }
            Value::Number(total)
        }
        "alltrue" | "anytrue" => {
            let items = list(a, 0)?;
            let flags: Vec<bool> = items.iter().map(|v| v.as_bool().unwrap_or(false)).collect();
            Value::Bool(if name == "alltrue" {
                flags.iter().all(|f| *f)
            } else {
                flags.iter().any(|f| *f)
            })
        }
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
        "substr" => {
            let chars: Vec<char> = string(a, 0)?.chars().collect();
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
            Value::String(
                chars[offset as usize..end.max(offset) as usize]
                    .iter()
                    .collect(),
            )
        }
        "length" => match &a[0] {
            Value::List(items) => Value::Number(items.len() as f64),
            Value::Map(entries) => Value::Number(entries.len() as f64),
            Value::String(s) => Value::Number(s.chars().count() as f64),
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
        "element" => {
            let items = list(a, 0)?;
            if items.is_empty() {
                return Err(arg_error(
                    0,
                    "cannot use element function with an empty list",
                ));
            }
            let index = integer(a, 1)?;
            if index < 0 {
                return Err(arg_error(
                    1,
                    "cannot use element function with a negative index",
                ));
            }
            items[(index as usize) % items.len()].clone()
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
        "contains" => {
            let items = list(a, 0)?;
            if !known_elements(&items) || !a[1].is_wholly_known() {
                return Ok(Value::Unknown);
            }
            let needle = a[1].unmark_deep();
            Value::Bool(items.iter().any(|item| item.unmark_deep() == needle))
        }
        "index" => {
            let items = list(a, 0)?;
            if !known_elements(&items) || !a[1].is_wholly_known() {
                return Ok(Value::Unknown);
            }
            let needle = a[1].unmark_deep();
            match items.iter().position(|item| item.unmark_deep() == needle) {
                Some(i) => Value::Number(i as f64),
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
                    None => return Err(arg_error(1, format!("the given key \"{key}\" does not exist in the map and no default was given"))),
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
        "coalesce" => {
            for arg in a {
                match arg.unmarked() {
                    Value::Unknown => return Ok(Value::Unknown),
                    Value::Null => {}
                    Value::String(s) if s.is_empty() => {}
                    _ => return Ok(arg.clone()),
                }
            }
            return Err(FunctionError::Failed(
                "no non-null, non-empty-string arguments".into(),
            ));
        }
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
        "toset" | "setunion" => {
            let mut items = Vec::new();
            for i in 0..a.len() {
                if a[i].is_null() && name == "toset" {
                    return Ok(Value::Null);
                }
                items.extend(list(a, i)?);
            }
            if !known_elements(&items) {
                return Ok(Value::Unknown);
            }
            sort_set(&mut items);
            Value::List(items)
        }
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
        "file" => {
            let path = module_path(ctx, &string(a, 0)?);
            Value::String(
                std::fs::read_to_string(&path).map_err(|e| {
                    arg_error(0, format!("cannot read file `{}`: {e}", path.display()))
                })?,
            )
        }
        "fileexists" => Value::Bool(module_path(ctx, &string(a, 0)?).is_file()),
        "templatefile" => {
            let path = module_path(ctx, &string(a, 0)?);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| arg_error(0, format!("cannot read file `{}`: {e}", path.display())))?;
            let variables = map(a, 1)?;
            render_template(&text, variables).map_err(|message| {
                FunctionError::Failed(format!("in template `{}`: {message}", path.display()))
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
        "regex" | "regexall" => {
            let pattern = string(a, 0)?;
            let text = string(a, 1)?;
            let regex = regex::Regex::new(&pattern)
                .map_err(|e| arg_error(0, format!("invalid regular expression: {e}")))?;
            let capture_value = |captures: regex::Captures| -> Value {
                let names: Vec<Option<&str>> = regex.capture_names().collect();
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
                        return Err(FunctionError::Failed(format!(
                            "pattern /{pattern}/ did not match any part of the given string"
                        )))
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

/// Terraform's `format` verbs: `%s %d %f %.Nf %v %q %t %x %%`, with width and zero padding.
/// Renders a template in Terraform's template language (`${...}`, `%{ if }`, `%{ for }`) with
/// the given variables and the built-in functions, as `templatefile()` does. A template that
/// interpolates one value alone keeps that value's type; other values become strings.
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
    Ok(match rendered {
        Value::String(_) | Value::Unknown => rendered,
        other => Value::String(to_string_value(other.unmarked()).unwrap_or_default()),
    })
}

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
    use infra_core::Value;

    fn ok(text: &str) -> Value {
        match eval_text(text) {
            Ok(v) => v,
            Err(e) => panic!("{text}: {}", e.detail),
        }
    }

    fn s(text: &str) -> Value {
        Value::string(text)
    }

    fn list(items: &[&str]) -> Value {
        Value::List(items.iter().map(|i| Value::string(*i)).collect())
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
}
