//! Numeric functions: `abs`, `ceil`, `floor`, `log`, `max`, `min`, `parseint`, `pow` and
//! `signum`. (`sum` is a collection function.)

use super::{arg_error, integer, number, FnResult, FunctionError};
use infra_core::Value;

pub(super) fn abs(a: &[Value]) -> FnResult {
    Ok(Value::Number(number(a, 0)?.abs()))
}

pub(super) fn ceil(a: &[Value]) -> FnResult {
    Ok(Value::Number(number(a, 0)?.ceil()))
}

pub(super) fn floor(a: &[Value]) -> FnResult {
    Ok(Value::Number(number(a, 0)?.floor()))
}

/// `log(number, base)`.
pub(super) fn log(a: &[Value]) -> FnResult {
    not_nan(number(a, 0)?.ln() / number(a, 1)?.ln())
}

/// `pow(base, exponent)`.
pub(super) fn pow(a: &[Value]) -> FnResult {
    not_nan(number(a, 0)?.powf(number(a, 1)?))
}

fn not_nan(result: f64) -> FnResult {
    if result.is_nan() {
        return Err(FunctionError::Failed("result is not a number".into()));
    }
    Ok(Value::Number(result))
}

pub(super) fn max(a: &[Value]) -> FnResult {
    fold(a, f64::max)
}

pub(super) fn min(a: &[Value]) -> FnResult {
    fold(a, f64::min)
}

/// The arguments, all numbers, folded from the first with `pick`.
fn fold(a: &[Value], pick: fn(f64, f64) -> f64) -> FnResult {
    let mut best = number(a, 0)?;
    for i in 1..a.len() {
        best = pick(best, number(a, i)?);
    }
    Ok(Value::Number(best))
}

/// Terraform converts the argument to a whole number first, so 0.5 is an error.
pub(super) fn signum(a: &[Value]) -> FnResult {
    Ok(Value::Number(integer(a, 0)?.signum() as f64))
}

/// `parseint(string, base)`, for bases 2 to 62: digits, then `a`-`z`, then (above base 36)
/// `A`-`Z`; below base 37 letters of either case are the same digit.
pub(super) fn parseint(a: &[Value]) -> FnResult {
    let Value::String(text) = &a[0] else {
        return Err(arg_error(
            0,
            format!("first argument must be a string, not {}", a[0].type_name()),
        ));
    };
    let base = integer(a, 1)?;
    if !(2..=62).contains(&base) {
        return Err(arg_error(1, "base must be a whole number between 2 and 62 inclusive"));
    }
    let base = base as u32;
    let fail = || arg_error(0, format!("cannot parse {text:?} as a base {base} integer"));
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text.as_str()),
    };
    if digits.is_empty() {
        return Err(fail());
    }
    let mut exact: Option<u128> = Some(0);
    let mut approximate = 0f64;
    for c in digits.chars() {
        let digit = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 10,
            'A'..='Z' if base <= 36 => c as u32 - 'A' as u32 + 10,
            'A'..='Z' => c as u32 - 'A' as u32 + 36,
            _ => return Err(fail()),
        };
        if digit >= base {
            return Err(fail());
        }
        exact = exact
            .and_then(|e| e.checked_mul(u128::from(base)))
            .and_then(|e| e.checked_add(u128::from(digit)));
        approximate = approximate * f64::from(base) + f64::from(digit);
    }
    let magnitude = exact.map_or(approximate, |e| e as f64);
    Ok(Value::Number(if negative { -magnitude } else { magnitude }))
}
