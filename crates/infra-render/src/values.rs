//! Rendering values and attribute-level diffs in Terraform's layout.

use std::collections::BTreeSet;

use infra_core::{Action, Value};
use similar::{ChangeTag, TextDiff};

use crate::style::Style;

const SENSITIVE: &str = "(sensitive value)";
const UNKNOWN: &str = "(known after apply)";

fn pad(indent: usize) -> String {
    " ".repeat(indent)
}

/// A value on one or more lines; continuation lines are indented by `indent`.
pub fn render_value(value: &Value, indent: usize) -> String {
    match value {
        Value::Sensitive(_) => SENSITIVE.to_string(),
        Value::Unknown => UNKNOWN.to_string(),
        Value::Null => "null".to_string(),
        Value::String(s) if s.contains('\n') => {
            let mut out = String::from("<<-EOT\n");
            for line in s.lines() {
                out.push_str(&format!("{}{line}\n", pad(indent + 4)));
            }
            out.push_str(&format!("{}EOT", pad(indent + 4)));
            out
        }
        Value::String(s) => serde_json::to_string(s).unwrap_or_default(),
        Value::Bool(_) | Value::Number(_) => value.to_string(),
        Value::List(items) if items.is_empty() => "[]".to_string(),
        Value::List(items) => {
            let mut out = String::from("[\n");
            for item in items {
                out.push_str(&format!(
                    "{}{},\n",
                    pad(indent + 4),
                    render_value(item, indent + 4)
                ));
            }
            out.push_str(&format!("{}]", pad(indent)));
            out
        }
        Value::Map(entries) if entries.is_empty() => "{}".to_string(),
        Value::Map(entries) => {
            let width = entries
                .keys()
                .map(|k| quoted_key(k).len())
                .max()
                .unwrap_or(0);
            let mut out = String::from("{\n");
            for (key, item) in entries {
                out.push_str(&format!(
                    "{}{:<width$} = {}\n",
                    pad(indent + 4),
                    quoted_key(key),
                    render_value(item, indent + 4)
                ));
            }
            out.push_str(&format!("{}}}", pad(indent)));
            out
        }
    }
}

fn quoted_key(key: &str) -> String {
    if key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !key.starts_with(|c: char| c.is_ascii_digit())
    {
        key.to_string()
    } else {
        serde_json::to_string(key).unwrap_or_default()
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

fn forces_replacement(path: &str, replace_paths: &[String]) -> bool {
    replace_paths.iter().any(|p| {
        p == path || p.starts_with(&format!("{path}.")) || p.starts_with(&format!("{path}["))
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
    render_object_diff_at(before, after, action, replace_paths, "", indent, style)
}

fn render_object_diff_at(
    before: &Value,
    after: &Value,
    action: Action,
    replace_paths: &[String],
    prefix: &str,
    indent: usize,
    style: Style,
) -> String {
    let empty = std::collections::BTreeMap::new();
    let before_map = before.as_map().unwrap_or(&empty);
    let after_map = after.as_map().unwrap_or(&empty);
    let keys: BTreeSet<&String> = before_map.keys().chain(after_map.keys()).collect();
    let null = Value::Null;
    let mut lines: Vec<(String, String, String)> = Vec::new(); // symbol, name, rest
    let mut blocks = String::new();
    let mut unchanged_attributes = 0;
    let mut unchanged_blocks = 0;
    for key in keys {
        let b = before_map.get(key.as_str()).unwrap_or(&null);
        let a = after_map.get(key.as_str()).unwrap_or(&null);
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        let forced = if forces_replacement(&path, replace_paths) {
            " # forces replacement"
        } else {
            ""
        };
        let show_all = action == Action::NoOp;
        // Nested blocks (lists of objects).
        if (is_block_list(b) || is_block_list(a)) && !b.is_sensitive() && !a.is_sensitive() {
            let before_items = b.as_list().unwrap_or(&[]);
            let after_items = a.as_list().unwrap_or(&[]);
            if same(b, a) && !show_all && action != Action::Create && action != Action::Delete {
                unchanged_blocks += before_items.len();
                continue;
            }
            let pairs = pair_blocks(before_items, after_items, action);
            for (i, (item_before, item_after)) in pairs.into_iter().enumerate() {
                let item_action = match (item_before, item_after) {
                    (None, Some(_)) => Action::Create,
                    (Some(_), None) => Action::Delete,
                    (Some(x), Some(y)) if x == y => Action::NoOp,
                    _ => Action::Update,
                };
                if item_action == Action::NoOp && !show_all {
                    unchanged_blocks += 1;
                    continue;
                }
                let symbol = if show_all {
                    " ".to_string()
                } else {
                    style.action(item_action)
                };
                let block_path = format!("{path}[{i}]");
                let forced = if forces_replacement(&block_path, replace_paths)
                    || forces_replacement(&path, replace_paths)
                {
                    " # forces replacement"
                } else {
                    ""
                };
                blocks.push_str(&format!("{}{symbol} {key} {{{forced}\n", pad(indent)));
                blocks.push_str(&render_object_diff_at(
                    item_before.unwrap_or(&null),
                    item_after.unwrap_or(&null),
                    if show_all { Action::NoOp } else { item_action },
                    replace_paths,
                    &block_path,
                    indent + 4,
                    style,
                ));
                blocks.push_str(&format!("{}}}\n", pad(indent + 2)));
            }
            continue;
        }
        let (symbol, rest) = match action {
            Action::NoOp if show_all => {
                if is_empty(a) {
                    continue;
                }
                (" ".to_string(), render_value(a, indent + 2))
            }
            Action::Create | Action::Read => {
                if a.is_null() {
                    continue;
                }
                (style.action(Action::Create), render_value(a, indent + 2))
            }
            Action::Delete => {
                if b.is_null() {
                    continue;
                }
                (
                    style.action(Action::Delete),
                    format!("{} -> null", render_value(b, indent + 2)),
                )
            }
            _ => {
                if same(b, a) {
                    unchanged_attributes += 1;
                    continue;
                }
                if is_empty(b) && !a.is_unknown() {
                    (
                        style.action(Action::Create),
                        format!("{}{forced}", render_value(a, indent + 2)),
                    )
                } else if is_empty(a) && !a.is_unknown() {
                    (
                        style.action(Action::Delete),
                        format!("{} -> null{forced}", render_value(b, indent + 2)),
                    )
                } else {
                    (
                        style.action(Action::Update),
                        format!("{}{forced}", render_change(b, a, indent + 2, style)),
                    )
                }
            }
        };
        lines.push((symbol, quoted_key(key), rest));
    }
    let width = lines
        .iter()
        .map(|(_, name, _)| name.len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for (symbol, name, rest) in &lines {
        out.push_str(&format!(
            "{}{symbol} {name:<width$} = {rest}\n",
            pad(indent)
        ));
    }
    out.push_str(&blocks);
    if unchanged_attributes > 0 {
        let noun = if unchanged_attributes == 1 {
            "attribute"
        } else {
            "attributes"
        };
        out.push_str(&format!(
            "{}# ({unchanged_attributes} unchanged {noun} hidden)\n",
            pad(indent + 2)
        ));
    }
    if unchanged_blocks > 0 {
        let noun = if unchanged_blocks == 1 {
            "block"
        } else {
            "blocks"
        };
        out.push_str(&format!(
            "{}# ({unchanged_blocks} unchanged {noun} hidden)\n",
            pad(indent + 2)
        ));
    }
    out
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
