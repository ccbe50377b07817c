//! Rendering values and attribute-level diffs in Terraform's layout.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt::{self, Write};

use infra_core::{Action, Value};
use similar::{ChangeTag, TextDiff};

use crate::style::Style;

const SENSITIVE: &str = "(sensitive value)";
const UNKNOWN: &str = "(known after apply)";

/// `indent` spaces, written without making a `String`.
#[derive(Clone, Copy)]
struct Pad(usize);

impl fmt::Display for Pad {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:1$}", "", self.0)
    }
}

fn pad(indent: usize) -> Pad {
    Pad(indent)
}

/// A value on one or more lines; continuation lines are indented by `indent`.
pub fn render_value(value: &Value, indent: usize) -> String {
    let mut out = String::new();
    write_value(&mut out, value, indent);
    out
}

/// [`render_value`], written at the end of `out`. (Writing to a `String` cannot fail, so the
/// results of `write!` are ignored here and below.)
fn write_value(out: &mut String, value: &Value, indent: usize) {
    match value {
        Value::Sensitive(_) => out.push_str(SENSITIVE),
        Value::Unknown => out.push_str(UNKNOWN),
        Value::Null => out.push_str("null"),
        Value::String(s) if s.contains('\n') => {
            out.push_str("<<-EOT\n");
            for line in s.lines() {
                let _ = writeln!(out, "{}{line}", pad(indent + 4));
            }
            let _ = write!(out, "{}EOT", pad(indent + 4));
        }
        Value::String(s) => out.push_str(&serde_json::to_string(s).unwrap_or_default()),
        Value::Bool(_) | Value::Number(_) => {
            let _ = write!(out, "{value}");
        }
        Value::List(items) if items.is_empty() => out.push_str("[]"),
        Value::List(items) => {
            out.push_str("[\n");
            for item in items {
                let _ = write!(out, "{}", pad(indent + 4));
                write_value(out, item, indent + 4);
                out.push_str(",\n");
            }
            let _ = write!(out, "{}]", pad(indent));
        }
        Value::Map(entries) if entries.is_empty() => out.push_str("{}"),
        Value::Map(entries) => {
            let width = entries
                .keys()
                .map(|k| quoted_key(k).len())
                .max()
                .unwrap_or(0);
            out.push_str("{\n");
            for (key, item) in entries {
                let _ = write!(out, "{}{:<width$} = ", pad(indent + 4), quoted_key(key));
                write_value(out, item, indent + 4);
                out.push('\n');
            }
            let _ = write!(out, "{}}}", pad(indent));
        }
    }
}

fn quoted_key(key: &str) -> Cow<'_, str> {
    if key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !key.starts_with(|c: char| c.is_ascii_digit())
    {
        Cow::Borrowed(key)
    } else {
        Cow::Owned(serde_json::to_string(key).unwrap_or_default())
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::List(items) => items.is_empty(),
        Value::Map(entries) => entries.is_empty(),
        _ => false,
    }
}

fn same(a: &Value, b: &Value) -> bool {
    (is_empty(a) && is_empty(b)) || (a == b && !matches!(a, Value::Unknown))
}

/// Whether `path`, or an attribute or item under it, is one of `replace_paths`.
fn forces_replacement(path: &str, replace_paths: &[String]) -> bool {
    replace_paths.iter().any(|p| {
        p.strip_prefix(path)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
    })
}

fn is_block_list(value: &Value) -> bool {
    matches!(value.unmarked(), Value::List(items) if !items.is_empty() && items.iter().all(|i| matches!(i, Value::Map(_))))
}

/// The attribute lines of one object diff, each starting at `indent`.
pub fn render_object_diff(
    before: &Value,
    after: &Value,
    action: Action,
    replace_paths: &[String],
    indent: usize,
    style: Style,
) -> String {
    let mut out = String::new();
    write_object_diff(
        &mut out,
        before,
        after,
        action,
        replace_paths,
        indent,
        style,
    );
    out
}

/// [`render_object_diff`], written at the end of `out`.
pub(crate) fn write_object_diff(
    out: &mut String,
    before: &Value,
    after: &Value,
    action: Action,
    replace_paths: &[String],
    indent: usize,
    style: Style,
) {
    write_object_diff_at(out, before, after, action, replace_paths, "", indent, style);
}

#[allow(clippy::too_many_arguments)]
fn write_object_diff_at(
    out: &mut String,
    before: &Value,
    after: &Value,
    action: Action,
    replace_paths: &[String],
    prefix: &str,
    indent: usize,
    style: Style,
) {
    let empty = std::collections::BTreeMap::new();
    let before_map = before.as_map().unwrap_or(&empty);
    let after_map = after.as_map().unwrap_or(&empty);
    let keys: BTreeSet<&String> = before_map.keys().chain(after_map.keys()).collect();
    let null = Value::Null;
    // The attribute lines are aligned on their longest name, so they are written once all are
    // known: each line's symbol and name, and where its value is in `values`.
    let mut lines: Vec<(Cow<str>, Cow<str>, std::ops::Range<usize>)> = Vec::new();
    let mut values = String::new();
    let mut blocks = String::new();
    let mut unchanged_attributes = 0;
    let mut unchanged_blocks = 0;
    for key in keys {
        let b = before_map.get(key.as_str()).unwrap_or(&null);
        let a = after_map.get(key.as_str()).unwrap_or(&null);
        let path = if prefix.is_empty() {
            Cow::Borrowed(key.as_str())
        } else {
            Cow::Owned(format!("{prefix}.{key}"))
        };
        // Nested blocks (lists of objects).
        if (is_block_list(b) || is_block_list(a)) && !b.is_sensitive() && !a.is_sensitive() {
            unchanged_blocks += write_block_list_diff(
                &mut blocks,
                key,
                &path,
                b,
                a,
                action,
                replace_paths,
                indent,
                style,
            );
            continue;
        }
        let forced = if forces_replacement(&path, replace_paths) {
            " # forces replacement"
        } else {
            ""
        };
        let start = values.len();
        match write_attribute_value(&mut values, b, a, action, forced, indent, style) {
            AttributeLine::Shown(symbol) => {
                lines.push((symbol, quoted_key(key), start..values.len()));
            }
            AttributeLine::Unchanged => unchanged_attributes += 1,
            AttributeLine::Omitted => {}
        }
    }
    let width = lines
        .iter()
        .map(|(_, name, _)| name.len())
        .max()
        .unwrap_or(0);
    for (symbol, name, value) in &lines {
        let _ = writeln!(
            out,
            "{}{symbol} {name:<width$} = {}",
            pad(indent),
            &values[value.clone()]
        );
    }
    out.push_str(&blocks);
    write_hidden_count(out, unchanged_attributes, "attribute", "attributes", indent);
    write_hidden_count(out, unchanged_blocks, "block", "blocks", indent);
}

/// What one attribute contributes to an object diff.
enum AttributeLine {
    /// A line with this symbol; its value was written.
    Shown(Cow<'static, str>),
    /// No line: counted among the unchanged attributes hidden.
    Unchanged,
    /// No line, and not counted (an absent value, or an empty one when everything is shown).
    Omitted,
}

/// Writes one attribute's value, or its change, at the end of `values`, and says whether and
/// with which symbol the attribute's line is shown.
fn write_attribute_value(
    values: &mut String,
    before: &Value,
    after: &Value,
    action: Action,
    forced: &str,
    indent: usize,
    style: Style,
) -> AttributeLine {
    let symbol = match action {
        Action::NoOp => {
            if is_empty(after) {
                return AttributeLine::Omitted;
            }
            write_value(values, after, indent + 2);
            Cow::Borrowed(" ")
        }
        Action::Create | Action::Read => {
            if after.is_null() {
                return AttributeLine::Omitted;
            }
            write_value(values, after, indent + 2);
            style.action(Action::Create)
        }
        Action::Delete => {
            if before.is_null() {
                return AttributeLine::Omitted;
            }
            write_value(values, before, indent + 2);
            values.push_str(" -> null");
            style.action(Action::Delete)
        }
        _ => {
            if same(before, after) {
                return AttributeLine::Unchanged;
            }
            let symbol = if is_empty(before) && !after.is_unknown() {
                write_value(values, after, indent + 2);
                style.action(Action::Create)
            } else if is_empty(after) && !after.is_unknown() {
                write_value(values, before, indent + 2);
                values.push_str(" -> null");
                style.action(Action::Delete)
            } else {
                values.push_str(&render_change(before, after, indent + 2, style));
                style.action(Action::Update)
            };
            values.push_str(forced);
            symbol
        }
    };
    AttributeLine::Shown(symbol)
}

/// Writes a nested block list's items, each as a block of its own, at the end of `blocks`, and
/// returns how many unchanged items were left out.
#[allow(clippy::too_many_arguments)]
fn write_block_list_diff(
    blocks: &mut String,
    key: &str,
    path: &str,
    before: &Value,
    after: &Value,
    action: Action,
    replace_paths: &[String],
    indent: usize,
    style: Style,
) -> usize {
    let show_all = action == Action::NoOp;
    let before_items = before.as_list().unwrap_or(&[]);
    let after_items = after.as_list().unwrap_or(&[]);
    if same(before, after) && !show_all && action != Action::Create && action != Action::Delete {
        return before_items.len();
    }
    let null = Value::Null;
    let mut unchanged = 0;
    let pairs = pair_blocks(before_items, after_items, action);
    for (i, (item_before, item_after)) in pairs.into_iter().enumerate() {
        let item_action = match (item_before, item_after) {
            (None, Some(_)) => Action::Create,
            (Some(_), None) => Action::Delete,
            (Some(x), Some(y)) if x == y => Action::NoOp,
            _ => Action::Update,
        };
        if item_action == Action::NoOp && !show_all {
            unchanged += 1;
            continue;
        }
        let symbol = if show_all {
            Cow::Borrowed(" ")
        } else {
            style.action(item_action)
        };
        let block_path = format!("{path}[{i}]");
        let forced = if forces_replacement(&block_path, replace_paths)
            || forces_replacement(path, replace_paths)
        {
            " # forces replacement"
        } else {
            ""
        };
        let _ = writeln!(blocks, "{}{symbol} {key} {{{forced}", pad(indent));
        write_object_diff_at(
            blocks,
            item_before.unwrap_or(&null),
            item_after.unwrap_or(&null),
            if show_all { Action::NoOp } else { item_action },
            replace_paths,
            &block_path,
            indent + 4,
            style,
        );
        let _ = writeln!(blocks, "{}}}", pad(indent + 2));
    }
    unchanged
}

/// "# (N unchanged attributes hidden)" and the like, when any were left out.
fn write_hidden_count(out: &mut String, count: usize, one: &str, many: &str, indent: usize) {
    if count > 0 {
        let noun = if count == 1 { one } else { many };
        let _ = writeln!(
            out,
            "{}# ({count} unchanged {noun} hidden)",
            pad(indent + 2)
        );
    }
}

/// Pairs block items for display: by position when the counts match, otherwise equal items
/// together, the rest as removed and added.
fn pair_blocks<'v>(
    before: &'v [Value],
    after: &'v [Value],
    action: Action,
) -> Vec<(Option<&'v Value>, Option<&'v Value>)> {
    match action {
        Action::Create => return after.iter().map(|a| (None, Some(a))).collect(),
        Action::Delete => return before.iter().map(|b| (Some(b), None)).collect(),
        Action::NoOp => return after.iter().map(|a| (Some(a), Some(a))).collect(),
        _ => {}
    }
    if before.len() == after.len() {
        return before
            .iter()
            .zip(after)
            .map(|(b, a)| (Some(b), Some(a)))
            .collect();
    }
    let mut pairs = Vec::new();
    for b in before {
        if after.contains(b) {
            pairs.push((Some(b), Some(b)));
        } else {
            pairs.push((Some(b), None));
        }
    }
    for a in after {
        if !before.contains(a) {
            pairs.push((None, Some(a)));
        }
    }
    pairs
}

/// `before -> after`, or a structural line diff for JSON documents and multi-line strings.
fn render_change(before: &Value, after: &Value, indent: usize, style: Style) -> String {
    if before.is_sensitive() || after.is_sensitive() {
        return format!("{SENSITIVE} -> {SENSITIVE}");
    }
    if let (Value::String(b), Value::String(a)) = (before, after) {
        if let (Some(b_lines), Some(a_lines)) = (json_lines(b), json_lines(a)) {
            // The closing line aligns with the attribute name, as Terraform's does.
            return format!(
                "jsonencode(\n{}{})",
                line_diff(&b_lines, &a_lines, indent, style),
                pad(indent)
            );
        }
        if b.contains('\n') || a.contains('\n') {
            return format!(
                "<<-EOT\n{}{}EOT",
                line_diff(b, a, indent, style),
                pad(indent)
            );
        }
    }
    if let (Value::Map(_), Value::Map(_)) = (before, after) {
        return render_map_change(before, after, indent, style);
    }
    format!(
        "{} -> {}",
        render_value(before, indent),
        render_value(after, indent)
    )
}

fn render_map_change(before: &Value, after: &Value, indent: usize, style: Style) -> String {
    let empty = std::collections::BTreeMap::new();
    let b = before.as_map().unwrap_or(&empty);
    let a = after.as_map().unwrap_or(&empty);
    let keys: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
    let width = keys.iter().map(|k| quoted_key(k).len()).max().unwrap_or(0);
    let mut out = String::from("{\n");
    let mut unchanged = 0;
    for key in keys {
        let line = match (b.get(key.as_str()), a.get(key.as_str())) {
            (Some(x), Some(y)) if x == y => {
                unchanged += 1;
                continue;
            }
            (Some(x), Some(y)) => format!(
                "{} {:<width$} = {} -> {}",
                style.action(Action::Update),
                quoted_key(key),
                render_value(x, indent + 4),
                render_value(y, indent + 4)
            ),
            (None, Some(y)) => format!(
                "{} {:<width$} = {}",
                style.action(Action::Create),
                quoted_key(key),
                render_value(y, indent + 4)
            ),
            (Some(x), None) => format!(
                "{} {:<width$} = {} -> null",
                style.action(Action::Delete),
                quoted_key(key),
                render_value(x, indent + 4)
            ),
            (None, None) => continue,
        };
        out.push_str(&format!("{}{line}\n", pad(indent + 2)));
    }
    if unchanged > 0 {
        out.push_str(&format!(
            "{}# ({unchanged} unchanged elements hidden)\n",
            pad(indent + 4)
        ));
    }
    out.push_str(&format!("{}}}", pad(indent)));
    out
}

/// Pretty-printed JSON when the string is a JSON object or array.
fn json_lines(text: &str) -> Option<String> {
    let trimmed = text.trim_start();
    if !(trimmed.starts_with('{') || trimmed.starts_with('[')) {
        return None;
    }
    let json: serde_json::Value = serde_json::from_str(text).ok()?;
    serde_json::to_string_pretty(&json).ok()
}

/// A line diff with three lines of context; the unchanged lines left out are counted, so that
/// a reader knows the document goes on.
fn line_diff(before: &str, after: &str, indent: usize, style: Style) -> String {
    let diff = TextDiff::from_lines(before, after);
    let mut out = String::new();
    let body = pad(indent + 4);
    let hidden = |out: &mut String, count: usize| {
        if count > 0 {
            let noun = if count == 1 { "line" } else { "lines" };
            out.push_str(&format!("{body}# ({count} unchanged {noun} hidden)\n"));
        }
    };
    let mut shown_until = 0;
    for group in diff.grouped_ops(3) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        hidden(&mut out, first.old_range().start - shown_until);
        shown_until = last.old_range().end;
        for op in &group {
            for change in diff.iter_changes(op) {
                let line = change.value().trim_end_matches('\n');
                let marker = match change.tag() {
                    ChangeTag::Delete => style.red("-"),
                    ChangeTag::Insert => style.green("+"),
                    ChangeTag::Equal => " ".to_string(),
                };
                out.push_str(&format!("{}{marker} {line}\n", pad(indent + 2)));
            }
        }
    }
    hidden(
        &mut out,
        diff.old_slices().len().saturating_sub(shown_until),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_changed_environment_variable_is_one_changed_line() {
        let before = r#"[{"name":"web","environment":[{"name":"A","value":"1"},{"name":"B","value":"2"}],"image":"nginx"}]"#;
        let after = r#"[{"name":"web","environment":[{"name":"A","value":"1"},{"name":"B","value":"3"}],"image":"nginx"}]"#;
        let text = render_change(
            &Value::string(before),
            &Value::string(after),
            6,
            Style::plain(),
        );
        assert_eq!(
            text.lines()
                .filter(|l| l.trim_start().starts_with("- "))
                .count(),
            1,
            "{text}"
        );
        assert_eq!(
            text.lines()
                .filter(|l| l.trim_start().starts_with("+ "))
                .count(),
            1,
            "{text}"
        );
        assert!(text.contains("\"value\": \"3\""));
    }

    #[test]
    fn unchanged_lines_left_out_are_counted() {
        let before: String = (1..=20).map(|i| format!("line {i}\n")).collect();
        let after = before.replace("line 10\n", "line ten\n");
        let text = render_change(
            &Value::string(&before),
            &Value::string(&after),
            6,
            Style::plain(),
        );
        assert!(text.contains("# (6 unchanged lines hidden)"), "{text}");
        assert!(text.contains("# (7 unchanged lines hidden)"), "{text}");
        assert!(text.ends_with("\n      EOT"), "{text}");
    }

    #[test]
    fn sensitive_values_are_masked() {
        let before = Value::map([("password", Value::string("old").mark_sensitive())]);
        let after = Value::map([("password", Value::string("new").mark_sensitive())]);
        let text = render_object_diff(&before, &after, Action::Update, &[], 6, Style::plain());
        assert!(!text.contains("old") && !text.contains("new"), "{text}");
        assert!(text.contains("(sensitive value)"));
    }
}
