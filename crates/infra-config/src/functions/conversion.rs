//! Type conversion functions (`tostring`, `tolist`, `toset`, ...), the functions of sensitive
//! and ephemeral values, and `try` and `can`, which see their arguments' expressions rather
//! than values.

use super::{
    arg_error, known_elements, list, sort_set, to_string_value, Call, FnResult, FunctionError,
};
use crate::context::{mark_if, Ctx, EvalResult};
use crate::types::TypeConstraint;
use infra_core::Value;

/// `try(expressions...)`: the value of the first expression that evaluates without an error.
pub(super) fn r#try(ctx: &mut Ctx, call: &Call) -> EvalResult {
    if call.exprs.is_empty() {
        return Err(ctx.fail(
            "Invalid function argument",
            "try() needs at least one argument.",
            call.span.clone(),
        ));
    }
    let mut last = None;
    for expr in &call.exprs {
        match ctx.eval(expr) {
            Ok(value) => return Ok(value),
            Err(error) => last = Some(error),
        }
    }
    let detail = last.map(|e| e.detail).unwrap_or_default();
    Err(call.fail(
        ctx,
        &FunctionError::Failed(format!("no expression succeeded; the last error was: {detail}")),
    ))
}

/// `convert(value, type)` (Terraform 1.15): the value converted to a type constraint written
/// as a variable's `type` is, optional object attributes and their defaults included. The
/// second argument is a type expression, not a value, so the call sees its expressions.
/// `tostring(v)` is `convert(v, string)`, `tolist(v)` is `convert(v, list(any))`, and so on.
pub(super) fn convert(ctx: &mut Ctx, call: &Call) -> EvalResult {
    let [value, constraint] = call.exprs.as_slice() else {
        return Err(ctx.fail(
            "Invalid function argument",
            "convert() takes exactly two arguments: a value and a type constraint.",
            call.span.clone(),
        ));
    };
    let constraint = TypeConstraint::parse(constraint).map_err(|problem| {
        ctx.fail("Invalid type specification", problem, call.spans.get(1).cloned().flatten())
    })?;
    let value = ctx.eval(value)?;
    constraint
        .convert(value)
        .map_err(|problem| call.fail(ctx, &FunctionError::Argument { index: 0, message: problem }))
}

/// `can(expression)`: whether the expression evaluates without an error (unknown when its
/// value is not wholly known yet).
pub(super) fn can(ctx: &mut Ctx, call: &Call) -> EvalResult {
    let [expr] = call.exprs.as_slice() else {
        return Err(ctx.fail(
            "Invalid function argument",
            "can() takes exactly one argument.",
            call.span.clone(),
        ));
    };
    Ok(match ctx.eval(expr) {
        Ok(value) if !value.is_wholly_known() => Value::Unknown,
        Ok(_) => Value::Bool(true),
        Err(_) => Value::Bool(false),
    })
}

/// Before `ephemeralasnull(x)` is evaluated: the parts of `x` that read an ephemeral value
/// (`crate::ephemeral`) are null, down through object and tuple constructors.
pub(super) fn null_ephemeral_argument(ctx: &mut Ctx, call: &Call) -> Option<EvalResult> {
    let [expr] = call.exprs.as_slice() else {
        return None;
    };
    Some(ctx.eval(expr).map(|value| null_ephemeral_parts(ctx, expr, value)))
}

/// `value`, the result of `expr`, with the parts that read an ephemeral value made null: an
/// object or tuple constructor part by part, anything else as a whole.
fn null_ephemeral_parts(ctx: &mut Ctx, expr: &hcl_edit::expr::Expression, value: Value) -> Value {
    use hcl_edit::expr::{Expression, ObjectKey};
    let Some(scope) = ctx.scope else {
        return value;
    };
    if !scope.is_ephemeral(ctx.module, expr) {
        return value;
    }
    let (value, marked) = value.unmark();
    let nulled = match (expr, value) {
        (Expression::Parenthesis(inner), value) => null_ephemeral_parts(ctx, inner.inner(), value),
        (Expression::Object(object), Value::Map(mut map)) => {
            for (key, item) in object.iter() {
                let name = match key {
                    ObjectKey::Ident(ident) => Some(ident.value().as_str().to_string()),
                    ObjectKey::Expression(key) => {
                        ctx.eval(key).ok().and_then(|k| k.unmark().0.as_str().map(str::to_string))
                    }
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

/// `ephemeralasnull` of a value rather than an expression ([`null_ephemeral_argument`] sees
/// those): a value that reaches here is not ephemeral, so it passes through unchanged, marks
/// and unknowns included.
pub(super) fn ephemeralasnull(args: Vec<Value>) -> FnResult {
    Ok(only(args))
}

/// Known even for a sensitive unknown value: the mark is what is asked about.
pub(super) fn issensitive(args: Vec<Value>) -> FnResult {
    let value = only(args);
    Ok(if value.is_sensitive() {
        Value::Bool(true)
    } else if value.is_unknown() {
        Value::Unknown
    } else {
        Value::Bool(false)
    })
}

/// Like Terraform, only the value's own mark is removed: sensitive parts inside a collection
/// stay sensitive.
pub(super) fn nonsensitive(args: Vec<Value>) -> FnResult {
    Ok(only(args).unmark().0)
}

pub(super) fn sensitive(args: Vec<Value>) -> FnResult {
    Ok(only(args).mark_sensitive())
}

/// The argument of a function of one argument.
fn only(args: Vec<Value>) -> Value {
    args.into_iter().next().unwrap_or_default()
}

pub(super) fn tobool(a: &[Value]) -> FnResult {
    match &a[0] {
        Value::Null => Ok(Value::Null),
        other => Ok(Value::Bool(other.as_bool().ok_or_else(|| {
            arg_error(0, format!("cannot convert {} to a bool", other.describe()))
        })?)),
    }
}

pub(super) fn tolist(a: &[Value]) -> FnResult {
    match &a[0] {
        Value::List(_) | Value::Null => Ok(a[0].clone()),
        other => Err(arg_error(0, format!("cannot convert {} to a list", other.describe()))),
    }
}

pub(super) fn tomap(a: &[Value]) -> FnResult {
    match &a[0] {
        Value::Map(_) | Value::Null => Ok(a[0].clone()),
        other => Err(arg_error(0, format!("cannot convert {} to a map", other.describe()))),
    }
}

pub(super) fn tonumber(a: &[Value]) -> FnResult {
    match &a[0] {
        Value::Null => Ok(Value::Null),
        other => Ok(Value::Number(other.as_f64().ok_or_else(|| {
            arg_error(0, format!("cannot convert {} to a number", other.describe()))
        })?)),
    }
}

/// `toset(list)`: sorted, without duplicates (see [`sort_set`]).
pub(super) fn toset(a: &[Value]) -> FnResult {
    if a[0].is_null() {
        return Ok(Value::Null);
    }
    let mut items = list(a, 0)?;
    if !known_elements(&items) {
        return Ok(Value::Unknown);
    }
    sort_set(&mut items);
    Ok(Value::List(items))
}

pub(super) fn tostring(a: &[Value]) -> FnResult {
    match &a[0] {
        Value::Null => Ok(Value::Null),
        other => Ok(Value::String(to_string_value(other).ok_or_else(|| {
            arg_error(0, format!("cannot convert {} to a string", other.describe()))
        })?)),
    }
}

/// `type(value)`: the name of the value's type.
pub(super) fn r#type(a: &[Value]) -> FnResult {
    Ok(Value::String(a[0].type_name().to_string()))
}
