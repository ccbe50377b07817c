//! Collection functions, among them the set algebra (`setunion`, `setintersection`,
//! `setsubtract`, `setproduct`).
//!
//! Lists and sets are both [`Value::List`]; a set is a sorted list without duplicates (see
//! [`sort_set`]). Like Terraform, the elements of a collection are first converted to one
//! type: a string among numbers and bools turns them all into strings.

use super::strings::graphemes;
use super::{
    arg_error, integer, known_elements, list, map, number, sort_set, string, to_string_value,
    FnResult, FunctionError,
};
use crate::context::{mark_if, to_key};
use infra_core::value::format_number;
use infra_core::Value;
use std::collections::BTreeMap;

/// The most cells (`elements × arguments`) `setproduct` builds.
const MAX_PRODUCT_CELLS: usize = 1 << 22;

fn stringify(value: Value) -> Value {
    match value {
        Value::Sensitive(inner) => stringify(*inner).mark_sensitive(),
        Value::Number(n) => Value::String(format_number(n)),
        Value::Bool(b) => Value::String(b.to_string()),
        other => other,
    }
}

/// Terraform's type unification for primitive elements: strings win.
fn unify(items: Vec<Value>) -> Vec<Value> {
    let strings = items.iter().any(|i| matches!(i.unmarked(), Value::String(_)));
    let others = items.iter().any(|i| matches!(i.unmarked(), Value::Number(_) | Value::Bool(_)));
    if strings && others {
        items.into_iter().map(stringify).collect()
    } else {
        items
    }
}

/// The arguments of the set functions as sets whose elements are converted to one type, or
/// `None` when some element is unknown.
fn unified_sets(a: &[Value]) -> Result<Option<Vec<Vec<Value>>>, FunctionError> {
    let mut lengths = Vec::with_capacity(a.len());
    let mut all = Vec::new();
    for i in 0..a.len() {
        let items = list(a, i)?;
        lengths.push(items.len());
        all.extend(items);
    }
    if !known_elements(&all) {
        return Ok(None);
    }
    let mut all = unify(all).into_iter();
    Ok(Some(lengths.iter().map(|n| all.by_ref().take(*n).collect()).collect()))
}

/// `setunion(sets...)`.
pub(super) fn setunion(a: &[Value]) -> FnResult {
    let Some(sets) = unified_sets(a)? else {
        return Ok(Value::Unknown);
    };
    let mut result = sets.concat();
    sort_set(&mut result);
    Ok(Value::List(result))
}

/// `setintersection(sets...)`.
pub(super) fn setintersection(a: &[Value]) -> FnResult {
    filter_first_set(a, |others, item| others.iter().all(|set| set.contains(item)))
}

/// `setsubtract(a, b)`.
pub(super) fn setsubtract(a: &[Value]) -> FnResult {
    filter_first_set(a, |others, item| !others.iter().any(|set| set.contains(item)))
}

/// The elements of the first set that `keep` keeps, given the other sets (all unmarked).
fn filter_first_set(a: &[Value], keep: fn(&[Vec<Value>], &Value) -> bool) -> FnResult {
    let Some(mut sets) = unified_sets(a)? else {
        return Ok(Value::Unknown);
    };
    let mut first = std::mem::take(&mut sets[0]);
    sort_set(&mut first);
    let others: Vec<Vec<Value>> =
        sets[1..].iter().map(|set| set.iter().map(Value::unmark_deep).collect()).collect();
    first.retain(|item| keep(&others, &item.unmark_deep()));
    sort_set(&mut first);
    Ok(Value::List(first))
}

/// `setproduct(sets...)`: every combination of one element from each argument, in order
/// (the first argument varies slowest). Elements keep their own marks and unknowns.
pub(super) fn setproduct(a: &[Value]) -> FnResult {
    let mut lists = Vec::with_capacity(a.len());
    for i in 0..a.len() {
        lists.push(unify(list(a, i)?));
    }
    let total = lists
        .iter()
        .try_fold(1usize, |total, l| total.checked_mul(l.len()))
        .filter(|total| total.saturating_mul(lists.len()) <= MAX_PRODUCT_CELLS)
        .ok_or_else(|| {
            FunctionError::Failed(format!(
                "the product has more than {MAX_PRODUCT_CELLS} values in all"
            ))
        })?;
    let mut out = Vec::with_capacity(total);
    let mut positions = vec![0usize; lists.len()];
    for _ in 0..total {
        out.push(Value::List(positions.iter().zip(&lists).map(|(p, l)| l[*p].clone()).collect()));
        for (position, l) in positions.iter_mut().zip(&lists).rev() {
            *position += 1;
            if *position < l.len() {
                break;
            }
            *position = 0;
        }
    }
    Ok(Value::List(out))
}

/// `chunklist(list, size)`: consecutive chunks of at most `size` elements; size 0 gives the
/// whole list as the one chunk.
pub(super) fn chunklist(a: &[Value]) -> FnResult {
    let items = list(a, 0)?;
    let size = integer(a, 1)?;
    let size =
        usize::try_from(size).map_err(|_| arg_error(1, "the size argument must be positive"))?;
    if items.is_empty() {
        return Ok(Value::List(vec![]));
    }
    if size == 0 {
        return Ok(Value::List(vec![Value::List(items)]));
    }
    Ok(Value::List(items.chunks(size).map(|chunk| Value::List(chunk.to_vec())).collect()))
}

/// `transpose(map)`: a map of lists of strings turned inside out, each list sorted.
pub(super) fn transpose(a: &[Value]) -> FnResult {
    let input = map(a, 0)?;
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (key, value) in &input {
        let items = match value {
            Value::List(items) => items,
            Value::Null => {
                return Err(FunctionError::Failed("input must not contain null list".into()))
            }
            _ => return Err(arg_error(0, "input must be a map of lists of strings")),
        };
        for item in items {
            let name = match item {
                Value::Null => {
                    return Err(FunctionError::Failed(
                        "input list must not contain null string".into(),
                    ))
                }
                other => to_string_value(other)
                    .ok_or_else(|| arg_error(0, "input must be a map of lists of strings"))?,
            };
            out.entry(name).or_default().push(key.clone());
        }
    }
    Ok(Value::Map(
        out.into_iter()
            .map(|(k, mut keys)| {
                keys.sort();
                (k, Value::List(keys.into_iter().map(Value::String).collect()))
            })
            .collect(),
    ))
}

/// `matchkeys(values, keys, searchset)`: the values whose key (same position) is in the
/// search set.
pub(super) fn matchkeys(a: &[Value]) -> FnResult {
    let values = list(a, 0)?;
    let keys = list(a, 1)?;
    let search = list(a, 2)?;
    if values.len() != keys.len() {
        return Err(FunctionError::Failed("length of keys and values should be equal".into()));
    }
    if search.is_empty() {
        return Ok(Value::List(vec![]));
    }
    let key_count = keys.len();
    let mut unified = unify(keys.into_iter().chain(search).collect());
    let search = unified.split_off(key_count);
    Ok(Value::List(
        values
            .into_iter()
            .zip(unified)
            .filter(|(_, key)| search.contains(key))
            .map(|(value, _)| value)
            .collect(),
    ))
}

pub(super) fn alltrue(a: &[Value]) -> FnResult {
    all_or_any_true(true, a)
}

pub(super) fn anytrue(a: &[Value]) -> FnResult {
    all_or_any_true(false, a)
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
/// the result into a string, and collections cannot be mixed with primitive values. It takes
/// its arguments as they are ([`super::Body::Raw`]): an unknown argument makes the result
/// unknown only when no argument before it is present.
pub(super) fn coalesce(args: Vec<Value>) -> FnResult {
    let mut sensitive = false;
    let args: Vec<Value> = args
        .into_iter()
        .map(|arg| {
            let (arg, marked) = arg.unmark();
            sensitive |= marked;
            arg
        })
        .collect();
    Ok(mark_if(first_present(&args)?, sensitive))
}

/// [`coalesce`] on unmarked arguments.
fn first_present(a: &[Value]) -> FnResult {
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
        return Err(FunctionError::Failed("all arguments must have the same type".into()));
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
    Err(FunctionError::Failed("no non-null, non-empty-string arguments".into()))
}

/// `coalescelist(lists...)`: the first non-empty list.
pub(super) fn coalescelist(a: &[Value]) -> FnResult {
    for (i, arg) in a.iter().enumerate() {
        match arg {
            Value::List(items) if !items.is_empty() => return Ok(arg.clone()),
            Value::List(_) | Value::Null => {}
            other => {
                return Err(arg_error(i, format!("a list is required, got {}", other.describe())))
            }
        }
    }
    Ok(Value::List(vec![]))
}

/// `compact(list)`: without the nulls and empty strings.
pub(super) fn compact(a: &[Value]) -> FnResult {
    let items = list(a, 0)?;
    if items.iter().any(Value::is_unknown) {
        return Ok(Value::Unknown);
    }
    Ok(Value::List(items.into_iter().filter(|v| !v.is_null() && v.as_str() != Some("")).collect()))
}

pub(super) fn concat(a: &[Value]) -> FnResult {
    let mut out = Vec::new();
    for i in 0..a.len() {
        out.extend(list(a, i)?);
    }
    Ok(Value::List(out))
}

/// `contains(list, value)`. The answer depends on every element, so a sensitive element
/// makes it sensitive.
pub(super) fn contains(a: &[Value]) -> FnResult {
    let items = list(a, 0)?;
    if items.is_empty() {
        return Ok(Value::Bool(false));
    }
    let sensitive = a[1].contains_sensitive() || items.iter().any(Value::contains_sensitive);
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
    Ok(mark_if(result, sensitive))
}

/// `distinct(list)`: the first of each equal element, in order.
pub(super) fn distinct(a: &[Value]) -> FnResult {
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
    Ok(Value::List(out))
}

/// `element(list, index)`. The index wraps around the list, in both directions: since
/// Terraform 1.8 a negative index counts from the end (`element(list, -1)` is the last
/// element).
pub(super) fn element(a: &[Value]) -> FnResult {
    let items = list(a, 0)?;
    let index = integer(a, 1)?;
    if items.is_empty() {
        return Err(FunctionError::Failed("cannot use element function with an empty list".into()));
    }
    let length = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let wrapped = usize::try_from(index.rem_euclid(length)).unwrap_or(0);
    Ok(items[wrapped].clone())
}

/// `flatten(list)`: nested lists replaced by their elements, at every depth.
pub(super) fn flatten(a: &[Value]) -> FnResult {
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
    Ok(Value::List(out))
}

/// `index(list, value)`: the position of the first equal element.
pub(super) fn index(a: &[Value]) -> FnResult {
    let items = list(a, 0)?;
    let sensitive = a[1].contains_sensitive() || items.iter().any(Value::contains_sensitive);
    if !known_elements(&items) || !a[1].is_wholly_known() {
        return Ok(mark_if(Value::Unknown, sensitive));
    }
    let needle = a[1].unmark_deep();
    match items.iter().position(|item| item.unmark_deep() == needle) {
        Some(i) => Ok(mark_if(Value::Number(i as f64), sensitive)),
        None => Err(arg_error(1, format!("{} is not in the list", needle.describe()))),
    }
}

pub(super) fn keys(a: &[Value]) -> FnResult {
    Ok(Value::List(map(a, 0)?.into_keys().map(Value::String).collect()))
}

/// `length`: of a collection, or of a string in user-perceived characters.
pub(super) fn length(a: &[Value]) -> FnResult {
    match &a[0] {
        Value::List(items) => Ok(Value::Number(items.len() as f64)),
        Value::Map(entries) => Ok(Value::Number(entries.len() as f64)),
        Value::String(s) => Ok(Value::Number(graphemes(s).len() as f64)),
        other => Err(arg_error(
            0,
            format!("a collection or string is required, got {}", other.describe()),
        )),
    }
}

/// `lookup(map, key, default)`.
pub(super) fn lookup(a: &[Value]) -> FnResult {
    let entries = map(a, 0)?;
    let key = string(a, 1)?;
    match entries.get(&key) {
        Some(v) => Ok(v.clone()),
        None => match a.get(2) {
            Some(default) => Ok(default.clone()),
            None => Err(FunctionError::Failed(format!("lookup failed to find key {key:?}"))),
        },
    }
}

/// `merge(maps...)`: later keys win; nulls are skipped.
pub(super) fn merge(a: &[Value]) -> FnResult {
    let mut out = BTreeMap::new();
    for (i, arg) in a.iter().enumerate() {
        match arg {
            Value::Null => {}
            Value::Map(entries) => out.extend(entries.clone()),
            other => {
                return Err(arg_error(
                    i,
                    format!("a map or object is required, got {}", other.describe()),
                ))
            }
        }
    }
    Ok(Value::Map(out))
}

/// `one(list)`: the only element, or null for an empty list.
pub(super) fn one(a: &[Value]) -> FnResult {
    let items = list(a, 0)?;
    match items.len() {
        0 => Ok(Value::Null),
        1 => Ok(items.into_iter().next().unwrap_or_default()),
        n => {
            Err(arg_error(0, format!("must be a list with at most one element, got {n} elements")))
        }
    }
}

/// `range(end)`, `range(start, end)` or `range(start, end, step)`.
pub(super) fn range(a: &[Value]) -> FnResult {
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
            return Err(FunctionError::Failed("range produces more than 1048576 elements".into()));
        }
    }
    Ok(Value::List(out))
}

pub(super) fn reverse(a: &[Value]) -> FnResult {
    let mut items = list(a, 0)?;
    items.reverse();
    Ok(Value::List(items))
}

/// `slice(list, start, end)`: the elements from `start` up to, not including, `end`.
pub(super) fn slice(a: &[Value]) -> FnResult {
    let items = list(a, 0)?;
    let start = integer(a, 1)?;
    let end = integer(a, 2)?;
    if start < 0 || end < start || end as usize > items.len() {
        return Err(arg_error(
            2,
            format!("slice bounds {start}..{end} are outside a list of {} elements", items.len()),
        ));
    }
    Ok(Value::List(items[start as usize..end as usize].to_vec()))
}

/// `sort(list)`: the elements as strings, in lexical order.
pub(super) fn sort(a: &[Value]) -> FnResult {
    let items = list(a, 0)?;
    let mut strings = Vec::new();
    for item in &items {
        strings.push(
            to_string_value(item).ok_or_else(|| arg_error(0, "every element must be a string"))?,
        );
    }
    strings.sort();
    Ok(Value::List(strings.into_iter().map(Value::String).collect()))
}

/// `sum(list)` of numbers, which must not be empty.
pub(super) fn sum(a: &[Value]) -> FnResult {
    let items = list(a, 0)?;
    if items.is_empty() {
        return Err(arg_error(0, "cannot sum an empty list"));
    }
    let mut total = 0.0;
    for item in &items {
        total += item
            .as_f64()
            .ok_or_else(|| arg_error(0, "argument must be list, set, or tuple of number values"))?;
    }
    if total.is_nan() {
        return Err(FunctionError::Failed("can't compute sum of opposing infinities".into()));
    }
    Ok(Value::Number(total))
}

pub(super) fn values(a: &[Value]) -> FnResult {
    Ok(Value::List(map(a, 0)?.into_values().collect()))
}

/// `zipmap(keys, values)`: a map from the keys to the values at the same positions.
pub(super) fn zipmap(a: &[Value]) -> FnResult {
    let keys = list(a, 0)?;
    let values = list(a, 1)?;
    if keys.len() != values.len() {
        return Err(arg_error(1, format!("{} keys but {} values", keys.len(), values.len())));
    }
    let mut out = BTreeMap::new();
    for (k, v) in keys.iter().zip(values) {
        if k.is_unknown() {
            return Ok(Value::Unknown);
        }
        let k = to_key(k).ok_or_else(|| arg_error(0, "every key must be a string"))?;
        out.insert(k, v);
    }
    Ok(Value::Map(out))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{err, list, n, ok};
    use infra_core::Value;

    fn lists(rows: &[&[&str]]) -> Value {
        Value::List(rows.iter().map(|row| list(row)).collect())
    }

    #[test]
    fn set_algebra_like_terraform_docs() {
        assert_eq!(
            ok("setproduct([\"development\", \"staging\", \"production\"], [\"app1\", \"app2\"])"),
            lists(&[
                &["development", "app1"],
                &["development", "app2"],
                &["staging", "app1"],
                &["staging", "app2"],
                &["production", "app1"],
                &["production", "app2"],
            ])
        );
        assert_eq!(
            ok("setproduct([\"development\", \"staging\", \"production\"], [])"),
            Value::List(vec![])
        );
        assert_eq!(ok("setproduct([\"a\"], [\"b\"])"), lists(&[&["a", "b"]]));
        assert_eq!(
            ok("setproduct([\"staging\", \"production\"], [\"a\", 2])"),
            lists(&[
                &["staging", "a"],
                &["staging", "2"],
                &["production", "a"],
                &["production", "2"],
            ])
        );
        assert_eq!(ok("length(setproduct([1, 2], [3, 4, 5], [6, 7]))"), n(12.0));
        assert_eq!(
            ok("setproduct([1, 2], [3, 4], [5])[3]"),
            Value::List(vec![n(2.0), n(4.0), n(5.0)])
        );
        assert!(err("setproduct([1])").contains("expects at least 2 argument(s)"));
        assert!(err("setproduct(range(2048), range(2048), range(2))").contains("more than"));

        assert_eq!(
            ok("setintersection([\"a\", \"b\"], [\"b\", \"c\"], [\"b\", \"d\"])"),
            list(&["b"])
        );
        assert_eq!(
            ok("setintersection([3, 3.3, 4], [4, 3.3, 65, 99], [4.0, 3.3])"),
            Value::List(vec![n(3.3), n(4.0)])
        );
        assert_eq!(
            ok("setintersection([\"bob\", \"jane\", 3], [\"jane\", 3, \"ajax\", 10], [\"3\", \"jane\", 26, \"nomad\"])"),
            list(&["3", "jane"])
        );
        assert_eq!(ok("setintersection([\"a\", \"a\"])"), list(&["a"]));
        assert_eq!(ok("setsubtract([\"a\", \"b\", \"c\"], [\"a\", \"c\"])"), list(&["b"]));
        assert_eq!(
            ok("setunion(setsubtract([\"a\", \"b\", \"c\"], [\"a\", \"c\", \"d\"]), setsubtract([\"a\", \"c\", \"d\"], [\"a\", \"b\", \"c\"]))"),
            list(&["b", "d"])
        );
        assert_eq!(
            ok("setunion([\"a\", \"b\"], [\"b\", \"c\"], [\"d\"])"),
            list(&["a", "b", "c", "d"])
        );
        assert_eq!(ok("setunion([\"a\"], [1])"), list(&["1", "a"]));
        assert!(err("setunion()").contains("expects at least 1 argument(s)"));
        assert!(err("setsubtract([\"a\"])").contains("expects 2 argument(s)"));
        assert!(err("setintersection([\"a\"], \"b\")").contains("Invalid value for argument 2"));
    }

    #[test]
    fn chunklist_like_terraform_docs() {
        assert_eq!(
            ok("chunklist([\"a\", \"b\", \"c\", \"d\", \"e\"], 2)"),
            lists(&[&["a", "b"], &["c", "d"], &["e"]])
        );
        assert_eq!(
            ok("chunklist([\"a\", \"b\", \"c\", \"d\", \"e\"], 1)"),
            lists(&[&["a"], &["b"], &["c"], &["d"], &["e"]])
        );
        assert_eq!(ok("chunklist([\"a\", \"b\"], 0)"), lists(&[&["a", "b"]]));
        assert_eq!(ok("chunklist([], 3)"), Value::List(vec![]));
        // A huge size is one chunk, not a huge allocation.
        assert_eq!(ok("chunklist([\"a\"], 8000000000000000)"), lists(&[&["a"]]));
        assert!(err("chunklist([\"a\"], -1)").contains("the size argument must be positive"));
        assert!(err("chunklist([\"a\"], 1e300)").contains("whole number"));
        assert!(err("chunklist([\"a\"], 1.5)").contains("whole number"));
    }

    #[test]
    fn transpose_like_terraform_docs() {
        assert_eq!(
            ok("transpose({\"a\" = [\"1\", \"2\"], \"b\" = [\"2\", \"3\"]})"),
            Value::map([("1", list(&["a"])), ("2", list(&["a", "b"])), ("3", list(&["b"])),])
        );
        assert_eq!(ok("transpose({})"), Value::Map(Default::default()));
        assert_eq!(ok("transpose({a = [1]})"), Value::map([("1", list(&["a"]))]));
        assert!(err("transpose({a = null})").contains("input must not contain null list"));
        assert!(err("transpose({a = [null]})").contains("input list must not contain null string"));
        assert!(err("transpose({a = \"x\"})").contains("map of lists of strings"));
    }

    #[test]
    fn matchkeys_like_terraform_docs() {
        assert_eq!(
            ok("matchkeys([\"i-123\", \"i-abc\", \"i-def\"], [\"us-west\", \"us-east\", \"us-east\"], [\"us-east\"])"),
            list(&["i-abc", "i-def"])
        );
        assert_eq!(ok("matchkeys([\"a\", \"b\"], [1, 2], [\"2\"])"), list(&["b"]));
        assert_eq!(ok("matchkeys([\"a\"], [\"k\"], [])"), Value::List(vec![]));
        assert!(err("matchkeys([\"a\"], [], [\"k\"])")
            .contains("length of keys and values should be equal"));
        assert_eq!(
            ok("matchkeys([{id = 1}], [\"k\"], [\"k\", \"j\"])"),
            Value::List(vec![Value::map([("id", n(1.0))])])
        );
    }
}
