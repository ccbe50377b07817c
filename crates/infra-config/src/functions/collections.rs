//! Collection functions: the set algebra (`setunion`, `setintersection`, `setsubtract`,
//! `setproduct`), `chunklist`, `transpose` and `matchkeys`.
//!
//! Lists and sets are both [`Value::List`]; a set is a sorted list without duplicates (see
//! [`sort_set`]). Like Terraform, the elements of a collection are first converted to one
//! type: a string among numbers and bools turns them all into strings.

use super::{
    arg_error, integer, known_elements, list, map, sort_set, to_string_value, FnResult,
    FunctionError,
};
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
    let strings = items
        .iter()
        .any(|i| matches!(i.unmarked(), Value::String(_)));
    let others = items
        .iter()
        .any(|i| matches!(i.unmarked(), Value::Number(_) | Value::Bool(_)));
    if strings && others {
        items.into_iter().map(stringify).collect()
    } else {
        items
    }
}

/// `setunion`, `setintersection` and `setsubtract`. The elements of all the sets are
/// converted to one type before they are compared.
pub(super) fn set_operation(name: &str, a: &[Value]) -> FnResult {
    let mut lengths = Vec::with_capacity(a.len());
    let mut all = Vec::new();
    for i in 0..a.len() {
        let items = list(a, i)?;
        lengths.push(items.len());
        all.extend(items);
    }
    if !known_elements(&all) {
        return Ok(Value::Unknown);
    }
    let mut all = unify(all).into_iter();
    let mut sets: Vec<Vec<Value>> = lengths
        .iter()
        .map(|n| all.by_ref().take(*n).collect())
        .collect();
    let plain = |v: &Value| v.unmark_deep();
    let mut result = match name {
        "setunion" => sets.concat(),
        _ => {
            let mut first = std::mem::take(&mut sets[0]);
            sort_set(&mut first);
            let others: Vec<Vec<Value>> = sets[1..]
                .iter()
                .map(|set| set.iter().map(plain).collect())
                .collect();
            first.retain(|item| {
                let item = plain(item);
                if name == "setintersection" {
                    others.iter().all(|set| set.contains(&item))
                } else {
                    !others.iter().any(|set| set.contains(&item))
                }
            });
            first
        }
    };
    sort_set(&mut result);
    Ok(Value::List(result))
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
        out.push(Value::List(
            positions
                .iter()
                .zip(&lists)
                .map(|(p, l)| l[*p].clone())
                .collect(),
        ));
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
    Ok(Value::List(
        items
            .chunks(size)
            .map(|chunk| Value::List(chunk.to_vec()))
            .collect(),
    ))
}

/// `transpose(map)`: a map of lists of strings turned inside out, each list sorted.
pub(super) fn transpose(a: &[Value]) -> FnResult {
    let input = map(a, 0)?;
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (key, value) in &input {
        let items = match value {
            Value::List(items) => items,
            Value::Null => {
                return Err(FunctionError::Failed(
                    "input must not contain null list".into(),
                ))
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
                (
                    k,
                    Value::List(keys.into_iter().map(Value::String).collect()),
                )
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
        return Err(FunctionError::Failed(
            "length of keys and values should be equal".into(),
        ));
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
        assert_eq!(
            ok("setsubtract([\"a\", \"b\", \"c\"], [\"a\", \"c\"])"),
            list(&["b"])
        );
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
            Value::map([
                ("1", list(&["a"])),
                ("2", list(&["a", "b"])),
                ("3", list(&["b"])),
            ])
        );
        assert_eq!(ok("transpose({})"), Value::Map(Default::default()));
        assert_eq!(
            ok("transpose({a = [1]})"),
            Value::map([("1", list(&["a"]))])
        );
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
        assert_eq!(
            ok("matchkeys([\"a\", \"b\"], [1, 2], [\"2\"])"),
            list(&["b"])
        );
        assert_eq!(ok("matchkeys([\"a\"], [\"k\"], [])"), Value::List(vec![]));
        assert!(err("matchkeys([\"a\"], [], [\"k\"])")
            .contains("length of keys and values should be equal"));
        assert_eq!(
            ok("matchkeys([{id = 1}], [\"k\"], [\"k\", \"j\"])"),
            Value::List(vec![Value::map([("id", n(1.0))])])
        );
    }
}
