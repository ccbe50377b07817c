//! Rendering values and attribute-level diffs in Terraform's layout.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt::Write;

use infra_core::{Action, Block, Nesting, Schema, Type, Value};

use crate::computed::{self, Kind, Opts};
use crate::strings::{pad, quoted_key, write_string};
use crate::style::Style;

const SENSITIVE: &str = "(sensitive value)";
const UNKNOWN: &str = "(known after apply)";

/// A value on one or more lines; continuation lines are indented by `indent`.
pub fn render_value(value: &Value, indent: usize) -> String {
    let mut out = String::new();
    write_value(&mut out, value, indent);
    out
}

/// [`render_value`], written at the end of `out`. (Writing to a `String` cannot fail, so the
/// results of `write!` are ignored here and below.)
fn write_value(out: &mut String, value: &Value, indent: usize) {
    write_elements(out, value, indent, Elements::plain());
}

/// How a collection's elements are written.
#[derive(Clone, Copy)]
struct Elements<'a> {
    /// The action before each element and entry, at every depth: a value that appears or
    /// goes whole is written with each element carrying its action, as Terraform does
    /// (`internal/command/jsonformat/computed/renderers`, `list.go` and `map.go`:
    /// `writeDiffActionSymbol` on each element).
    action: Option<Action>,
    style: Style,
    /// The value's type where the schema gives it: a `map`'s keys are always quoted, as
    /// Terraform writes them (`map.go`, `hclEscapeString`); an object's are names, quoted only
    /// where they must be (`object.go`, `EnsureValidAttributeName`).
    ty: Option<&'a Type>,
}

impl<'a> Elements<'a> {
    fn plain() -> Elements<'a> {
        Elements { action: None, style: Style::plain(), ty: None }
    }
    /// The elements of an element of this value.
    fn inner(self) -> Elements<'a> {
        let ty = match self.ty {
            Some(Type::List(element) | Type::Set(element) | Type::Map(element)) => Some(&**element),
            _ => None,
        };
        Elements { ty, ..self }
    }
    /// What stands before an element: its symbol, or the space one would take.
    fn lead(&self, indent: usize) -> String {
        match self.action {
            Some(action) => format!("{}{} ", pad(indent + 2), self.style.action(action)),
            None => pad(indent + 4).to_string(),
        }
    }
    fn key<'k>(&self, key: &'k str) -> Cow<'k, str> {
        match self.ty {
            Some(Type::Map(_)) => Cow::Owned(serde_json::to_string(key).unwrap_or_default()),
            _ => quoted_key(key),
        }
    }
}

/// [`write_value`] with its collections' elements written as `elements` says.
fn write_elements(out: &mut String, value: &Value, indent: usize, elements: Elements) {
    match value {
        Value::Sensitive(_) => out.push_str(SENSITIVE),
        Value::Unknown => out.push_str(UNKNOWN),
        Value::Null => out.push_str("null"),
        // A JSON document is `jsonencode(...)`, its elements marked as the string is.
        Value::String(s) if computed::as_json(s).is_some() => {
            let (before, after, show_unchanged) = match elements.action {
                Some(Action::Delete) => (Some(value), None, false),
                Some(_) => (None, Some(value), false),
                None => (Some(value), Some(value), true),
            };
            let opts = Opts { override_null_suffix: true, show_unchanged, ..Opts::default() };
            computed::diff(before, after, Kind::Type(&Type::String), false).write_to(
                out,
                indent,
                opts,
                elements.style,
            );
        }
        Value::String(s) => write_string(out, Some(s), indent, "", ""),
        Value::Bool(_) | Value::Number(_) => {
            let _ = write!(out, "{value}");
        }
        Value::List(items) if items.is_empty() => out.push_str("[]"),
        Value::List(items) => {
            out.push_str("[\n");
            for item in items {
                out.push_str(&elements.lead(indent));
                write_elements(out, item, indent + 4, elements.inner());
                out.push_str(",\n");
            }
            let _ = write!(out, "{}]", pad(indent));
        }
        Value::Map(entries) if entries.is_empty() => out.push_str("{}"),
        Value::Map(entries) => {
            let width = entries.keys().map(|k| elements.key(k).len()).max().unwrap_or(0);
            out.push_str("{\n");
            for (key, item) in entries {
                let _ = write!(out, "{}{:<width$} = ", elements.lead(indent), elements.key(key));
                write_elements(out, item, indent + 4, elements.inner());
                out.push('\n');
            }
            let _ = write!(out, "{}}}", pad(indent));
        }
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
        p.strip_prefix(path).is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
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
    write_object_diff(&mut out, before, after, None, action, replace_paths, indent, style);
    out
}

/// [`render_object_diff`], written at the end of `out`. `schema`, the object's type's schema
/// when the caller has it, tells which names are nested blocks where a value's shape cannot
/// (an unknown value); without it, only a list of objects is taken for a block.
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_object_diff(
    out: &mut String,
    before: &Value,
    after: &Value,
    schema: Option<&Schema>,
    action: Action,
    replace_paths: &[String],
    indent: usize,
    style: Style,
) {
    write_object_diff_at(out, before, after, schema, action, replace_paths, "", indent, style);
}

/// Terraform's `renderers/block.go` (`blockRenderer.RenderHuman`): the attribute lines,
/// aligned on every attribute's name (`id`, `name` and `tags` shown even when unchanged), then
/// `# (N unchanged attributes hidden)`, then the nested blocks by name, each name's group
/// after a blank line when the object has attributes ("We always want to put an
/// extra new line between the attributes and blocks, and between groups of blocks"), then
/// after a blank line `# (N unchanged blocks hidden)`.
#[allow(clippy::too_many_arguments)]
fn write_object_diff_at(
    out: &mut String,
    before: &Value,
    after: &Value,
    schema: Option<&Schema>,
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
    // Each block name's lines, in name order.
    let mut block_groups: Vec<String> = Vec::new();
    // Whether the object has attributes (Terraform's `len(renderer.attributes) > 0`: every
    // attribute not null on both sides, shown or not).
    let mut has_attributes = false;
    let mut unchanged_attributes = 0;
    let mut unchanged_blocks = 0;
    // Terraform aligns the names on every attribute the object has, shown or hidden
    // (`maximumAttributeKeyLen` over `renderer.attributes`).
    let mut width = 0;
    for key in keys {
        let b = before_map.get(key.as_str()).unwrap_or(&null);
        let a = after_map.get(key.as_str()).unwrap_or(&null);
        let path = if prefix.is_empty() {
            Cow::Borrowed(key.as_str())
        } else {
            Cow::Owned(format!("{prefix}.{key}"))
        };
        // A block the provider declares as an attribute (a list of objects) is rendered as
        // the attribute it is.
        let declared = schema.and_then(|schema| schema.block_named(key));
        let attribute_mode = declared.filter(|block| block.attribute_mode);
        let block = declared.filter(|block| !block.attribute_mode);
        // A nested block with no items on either side is no line, and not counted among
        // the unchanged (Terraform's block renderer writes blocks item by item).
        if block.is_some() && is_empty(b) && is_empty(a) {
            continue;
        }
        // A nested block that will be known after apply: its shape does not show it is one.
        if let (Some(block), Value::Unknown) = (block, a) {
            let mut group = String::new();
            write_unknown_block(&mut group, block, &path, b, action, replace_paths, indent, style);
            block_groups.push(group);
            continue;
        }
        // Nested blocks (lists of objects).
        if (is_block_list(b) || is_block_list(a))
            && attribute_mode.is_none()
            && !b.is_sensitive()
            && !a.is_sensitive()
        {
            let mut group = String::new();
            unchanged_blocks += write_block_list_diff(
                &mut group,
                key,
                &path,
                b,
                a,
                block,
                action,
                replace_paths,
                indent,
                style,
            );
            block_groups.push(group);
            continue;
        }
        // An attribute null on both sides is no line, counted nowhere and not aligned on
        // (`differ/block.go`: "Don't record nil values at all in blocks").
        if b.is_null() && a.is_null() {
            continue;
        }
        has_attributes = true;
        let forced =
            if forces_replacement(&path, replace_paths) { " # forces replacement" } else { "" };
        let start = values.len();
        let kind = match attribute_mode {
            Some(block) => Kind::Objects(block),
            None => Kind::of_type(schema.and_then(|schema| schema.attribute(key)).map(|a| &a.ty)),
        };
        let important = computed::important_attribute(key);
        let line = write_attribute_value(
            &mut values,
            b,
            a,
            kind,
            action,
            forced,
            important,
            indent,
            style,
        );
        if !matches!(line, AttributeLine::Omitted) {
            width = width.max(quoted_key(key).len());
        }
        match line {
            AttributeLine::Shown(symbol) => {
                lines.push((symbol, quoted_key(key), start..values.len()));
            }
            AttributeLine::Unchanged => unchanged_attributes += 1,
            AttributeLine::Omitted => {}
        }
    }
    for (symbol, name, value) in &lines {
        let _ =
            writeln!(out, "{}{symbol} {name:<width$} = {}", pad(indent), &values[value.clone()]);
    }
    computed::unchanged(out, "attribute", unchanged_attributes, indent + 2);
    for group in block_groups.iter().filter(|group| !group.is_empty()) {
        if has_attributes {
            out.push('\n');
        }
        out.push_str(group);
    }
    if unchanged_blocks > 0 {
        out.push('\n');
        computed::unchanged(out, "block", unchanged_blocks, indent + 2);
    }
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
/// with which symbol the attribute's line is shown; an `important` one (`id`, `name`, `tags`)
/// is shown unchanged too.
#[allow(clippy::too_many_arguments)]
fn write_attribute_value(
    values: &mut String,
    before: &Value,
    after: &Value,
    kind: Kind,
    action: Action,
    forced: &str,
    important: bool,
    indent: usize,
    style: Style,
) -> AttributeLine {
    let ty = match kind {
        Kind::Type(ty) => Some(ty),
        _ => None,
    };
    let whole = |values: &mut String, value: &Value, action: Action| {
        let elements = Elements { action: Some(action), style, ty };
        write_elements(values, value, indent + 2, elements);
    };
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
            whole(values, after, Action::Create);
            style.action(Action::Create)
        }
        Action::Delete => {
            if before.is_null() {
                return AttributeLine::Omitted;
            }
            whole(values, before, Action::Delete);
            values.push_str(" -> null");
            style.action(Action::Delete)
        }
        _ => {
            if same(before, after) {
                return unchanged_attribute(values, before, after, kind, important, indent, style);
            }
            // Terraform's differ and renderers (see `computed`); a block's attributes are
            // implicit, so null is "not there".
            let implicit = |value| Some(value).filter(|v: &&Value| !v.is_null());
            let diff = computed::diff(implicit(before), implicit(after), kind, !forced.is_empty());
            if diff.action == Action::NoOp {
                return unchanged_attribute(values, before, after, kind, important, indent, style);
            }
            diff.write_to(values, indent + 2, Opts::default(), style);
            style.action(diff.action)
        }
    };
    AttributeLine::Shown(symbol)
}

/// An attribute that does not change: hidden and counted, but an `important` one written
/// whole, its unchanged elements too (`renderers/block.go`: `importantAttribute` rendered with
/// `ShowUnchangedChildren`).
fn unchanged_attribute(
    values: &mut String,
    before: &Value,
    after: &Value,
    kind: Kind,
    important: bool,
    indent: usize,
    style: Style,
) -> AttributeLine {
    if !important {
        return AttributeLine::Unchanged;
    }
    let opts = Opts { show_unchanged: true, ..Opts::default() };
    // What infra holds the same (an empty map and null) is shown as it was.
    let value = if before.is_null() { after } else { before };
    computed::diff(Some(value), Some(value), kind, false).write_to(values, indent + 2, opts, style);
    AttributeLine::Shown(Cow::Borrowed(" "))
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
    block: Option<&Block>,
    action: Action,
    replace_paths: &[String],
    indent: usize,
    style: Style,
) -> usize {
    let schema = block.map(|block| &block.schema);
    let set = block.is_some_and(|block| block.nesting == Nesting::Set);
    let show_all = action == Action::NoOp;
    let before_items = before.as_list().unwrap_or(&[]);
    let after_items = after.as_list().unwrap_or(&[]);
    if same(before, after) && !show_all && action != Action::Create && action != Action::Delete {
        return before_items.len();
    }
    let null = Value::Null;
    let mut unchanged = 0;
    let pairs = pair_blocks(before_items, after_items, action, set);
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
        let symbol = if show_all { Cow::Borrowed(" ") } else { style.action(item_action) };
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
            schema,
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

/// Writes a nested block whose value will be known after apply, as Terraform does (1.x,
/// `internal/command/jsonformat`): `differ/block.go` (`ComputeDiffForBlock`) records the block
/// as unknown (`Blocks.UnknownBlocks`, or for a single block `differ/unknown.go`'s
/// `checkForUnknownBlock`), and `computed/renderers/block.go` (`blockRenderer.RenderHuman`)
/// writes it among the blocks, after the attributes, as `name (known after apply)` with no
/// `=` (`renderers/unknown.go`, `unknownRenderer.RenderHuman`, which has no before value for
/// a list or set block). Its symbol is the enclosing block's action: `+` in an object being
/// created, `~` in one being updated or replaced. A list or set block that had items is
/// followed by those items, each shown as deleted, as Terraform's plan tests show
/// (`internal/command/jsonformat/plan_test.go`, "in-place update - unknown block"); a single
/// block that had an object shows that object's attributes becoming known after apply, closed
/// by `} -> (known after apply)`. `# forces replacement` follows the line when the block itself
/// is a replace path.
#[allow(clippy::too_many_arguments)]
fn write_unknown_block(
    blocks: &mut String,
    block: &Block,
    path: &str,
    before: &Value,
    action: Action,
    replace_paths: &[String],
    indent: usize,
    style: Style,
) {
    let forced = if replace_paths.iter().any(|p| p == path) { " # forces replacement" } else { "" };
    let name = quoted_key(block.name);
    let enclosing = match action {
        Action::Create | Action::Read => Action::Create,
        _ => Action::Update,
    };
    if let (Nesting::Single, Some(object)) = (block.nesting, before.as_map()) {
        let mut after = object.clone();
        for attribute in &block.schema.attributes {
            after.insert(attribute.name.to_string(), Value::Unknown);
        }
        for nested in &block.schema.blocks {
            after.remove(nested.name);
        }
        let _ = writeln!(blocks, "{}{} {name} {{", pad(indent), style.action(Action::Update));
        write_object_diff_at(
            blocks,
            before,
            &Value::Map(after),
            Some(&block.schema),
            Action::Update,
            replace_paths,
            path,
            indent + 4,
            style,
        );
        let _ = writeln!(blocks, "{}}} -> {UNKNOWN}{forced}", pad(indent + 2));
        return;
    }
    let _ = writeln!(blocks, "{}{} {name} {UNKNOWN}{forced}", pad(indent), style.action(enclosing));
    if block.nesting != Nesting::Single {
        write_block_list_diff(
            blocks,
            block.name,
            path,
            before,
            &Value::List(vec![]),
            Some(block),
            Action::Update,
            replace_paths,
            indent,
            style,
        );
    }
}

/// Pairs block items for display as Terraform does: a list block's by index
/// (`differ/list.go` `processNestedList`), so that an item that changes is shown changed in
/// place (`~ name {` with the attributes that change); a set block's equal items together,
/// the others of `before` deleted where they stand and those of `after` created at the end
/// (`differ/set.go` `processSet`): a set item that changes is deleted and created.
fn pair_blocks<'v>(
    before: &'v [Value],
    after: &'v [Value],
    action: Action,
    set: bool,
) -> Vec<(Option<&'v Value>, Option<&'v Value>)> {
    match action {
        Action::Create => return after.iter().map(|a| (None, Some(a))).collect(),
        Action::Delete => return before.iter().map(|b| (Some(b), None)).collect(),
        Action::NoOp => return after.iter().map(|a| (Some(a), Some(a))).collect(),
        _ => {}
    }
    if !set {
        return (0..before.len().max(after.len())).map(|i| (before.get(i), after.get(i))).collect();
    }
    let mut matched = vec![false; after.len()];
    let mut pairs = Vec::new();
    for b in before {
        let found = (0..after.len()).find(|&j| !matched[j] && after[j] == *b);
        if let Some(j) = found {
            matched[j] = true;
        }
        pairs.push((Some(b), found.map(|j| &after[j])));
    }
    for (j, a) in after.iter().enumerate() {
        if !matched[j] {
            pairs.push((None, Some(a)));
        }
    }
    pairs
}

/// A value's change as Terraform renders it (see `computed`), for a value of type `ty`.
#[cfg(test)]
fn render_change(
    before: &Value,
    after: &Value,
    ty: Option<&Type>,
    indent: usize,
    style: Style,
) -> String {
    computed::diff(Some(before), Some(after), Kind::of_type(ty), false).render(
        indent,
        Opts::default(),
        style,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A JSON document's change element by element, as Terraform writes an ECS container
    /// definition's: the list's objects compared by index, the unchanged element before a
    /// change shown for context, `name` always shown (`object.go` `importantAttribute`).
    #[test]
    fn one_changed_environment_variable_is_one_changed_line() {
        let before = r#"[{"name":"web","environment":[{"name":"A","value":"1"},{"name":"B","value":"2"}],"image":"nginx"}]"#;
        let after = r#"[{"name":"web","environment":[{"name":"A","value":"1"},{"name":"B","value":"3"}],"image":"nginx"}]"#;
        let text =
            render_change(&Value::string(before), &Value::string(after), None, 8, Style::plain());
        assert_eq!(
            text,
            r#"jsonencode(
          ~ [
              ~ {
                  ~ environment = [
                        {
                            name  = "A"
                            value = "1"
                        },
                      ~ {
                            name  = "B"
                          ~ value = "2" -> "3"
                        },
                    ]
                    name        = "web"
                    # (1 unchanged attribute hidden)
                },
            ]
        )"#
        );
    }

    /// Terraform's plan tests `TestResourceChange_JSON` ("creation", "in-place update of
    /// object", "force-new update", "in-place update (whitespace change)", "creation
    /// (empty)", "JSON list of objects - removing item", "in-place update from object to
    /// tuple"), rendered here with the same values.
    #[test]
    fn a_json_string_is_jsonencode_as_terraform_writes_it() {
        let json = |text: &str| object([("json_field", Value::string(text))]);
        let created = diff(
            &Value::Null,
            &json(r#"{"str": "value", "list":["a","b", 234, true], "obj": {"key": "val"}}"#),
            None,
            Action::Create,
            &[],
        );
        assert_eq!(
            created,
            r#"      + json_field = jsonencode(
            {
              + list = [
                  + "a",
                  + "b",
                  + 234,
                  + true,
                ]
              + obj  = {
                  + key = "val"
                }
              + str  = "value"
            }
        )
"#
        );
        let updated = diff(
            &json(r#"{"aaa": "value","ccc": 5}"#),
            &json(r#"{"aaa": "value", "bbb": "new_value"}"#),
            None,
            Action::Update,
            &[],
        );
        assert_eq!(
            updated,
            r#"      ~ json_field = jsonencode(
          ~ {
              + bbb = "new_value"
              - ccc = 5
                # (1 unchanged attribute hidden)
            }
        )
"#
        );
        let forced = diff(
            &json(r#"{"aaa": "value"}"#),
            &json(r#"{"aaa": "value", "bbb": "new_value"}"#),
            None,
            Action::DeleteThenCreate,
            &["json_field"],
        );
        assert_eq!(
            forced,
            r#"      ~ json_field = jsonencode(
          ~ {
              + bbb = "new_value"
                # (1 unchanged attribute hidden)
            } # forces replacement
        )
"#
        );
        let before = json(r#"{"aaa": "value", "bbb": "another"}"#);
        let after = json("{\"aaa\":\"value\",\n\t\t\t\t\t\"bbb\":\"another\"}");
        let whitespace = diff(&before, &after, None, Action::Update, &[]);
        assert_eq!(
            whitespace,
            r#"      ~ json_field = jsonencode( # whitespace changes
            {
                aaa = "value"
                bbb = "another"
            }
        )
"#
        );
        let forced = diff(&before, &after, None, Action::DeleteThenCreate, &["json_field"]);
        assert!(
            forced.contains("jsonencode( # whitespace changes force replacement\n"),
            "{forced}"
        );
        let empty = diff(&Value::Null, &json("{}"), None, Action::Create, &[]);
        assert_eq!(empty, "      + json_field = jsonencode({})\n");
        let removed = diff(
            &json(r#"[{"one": "111"}, {"two": "222"}, {"three": "333"}]"#),
            &json(r#"[{"one": "111"}, {"three": "333"}]"#),
            None,
            Action::Update,
            &[],
        );
        assert_eq!(
            removed,
            r#"      ~ json_field = jsonencode(
          ~ [
                {
                    one = "111"
                },
              - {
                  - two = "222"
                },
                {
                    three = "333"
                },
            ]
        )
"#
        );
        let retyped = diff(
            &json(r#"{"aaa": [42, {"foo":"bar"}, "value"]}"#),
            &json(r#"["aaa", 42, "something"]"#),
            None,
            Action::Update,
            &[],
        );
        assert_eq!(
            retyped,
            r#"      ~ json_field = jsonencode(
          ~ {
              - aaa = [
                  - 42,
                  - {
                      - foo = "bar"
                    },
                  - "value",
                ]
            } -> [
              + "aaa",
              + 42,
              + "something",
            ]
        )
"#
        );
    }

    /// An update aligns the names on every attribute the object has (hidden ones too, null ones
    /// not), and shows `id`, `name` and `tags` whole even when unchanged (`renderers/block.go`:
    /// `maximumAttributeKeyLen` over `renderer.attributes`, `importantAttribute`).
    #[test]
    fn an_update_aligns_on_every_attribute_and_shows_id_name_and_tags() {
        let before = object([
            ("id", Value::string("vpc-1")),
            ("cidr_block", Value::string("10.0.0.0/16")),
            ("enable_dns_support", Value::Bool(true)),
            ("ipv6_ipam_pool_id_of_a_long_name", Value::Null),
            ("tags", Value::map([("Name", Value::string("main"))])),
        ]);
        let after = object([
            ("id", Value::string("vpc-1")),
            ("cidr_block", Value::string("10.1.0.0/16")),
            ("enable_dns_support", Value::Bool(true)),
            ("ipv6_ipam_pool_id_of_a_long_name", Value::Null),
            ("tags", Value::map([("Name", Value::string("main"))])),
        ]);
        assert_eq!(
            diff(&before, &after, None, Action::Update, &[]),
            "      ~ cidr_block         = \"10.0.0.0/16\" -> \"10.1.0.0/16\"\n\
            \x20       id                 = \"vpc-1\"\n\
            \x20       tags               = {\n\
            \x20           Name = \"main\"\n\
            \x20       }\n\
            \x20       # (1 unchanged attribute hidden)\n"
        );
    }

    /// A JSON string deleted is `jsonencode(...) -> null` with each element `-`; one that
    /// does not change is hidden; one that becomes unknown shows what it was; a sensitive one
    /// stays hidden; one that was not JSON and becomes JSON is the one deleted and the other
    /// created (`primitive.go`: only when both sides are JSON are they diffed).
    #[test]
    fn a_json_string_deleted_unchanged_unknown_or_sensitive() {
        let policy = r#"{"Version":"2012-10-17"}"#;
        let json = |value: Value| object([("bucket", Value::string("b")), ("policy", value)]);
        let deleted = diff(&json(Value::string(policy)), &Value::Null, None, Action::Delete, &[]);
        assert!(
            deleted.contains(
                "      - policy = jsonencode(\n            {\n              - Version = \"2012-10-17\"\n            }\n        ) -> null\n"
            ),
            "{deleted}"
        );
        let unchanged = diff(
            &json(Value::string(policy)),
            &object([("bucket", Value::string("c")), ("policy", Value::string(policy))]),
            None,
            Action::Update,
            &[],
        );
        assert_eq!(
            unchanged,
            "      ~ bucket = \"b\" -> \"c\"\n        # (1 unchanged attribute hidden)\n"
        );
        let unknown =
            diff(&json(Value::string(policy)), &json(Value::Unknown), None, Action::Update, &[]);
        assert!(
            unknown.contains(
                "      ~ policy = jsonencode(\n            {\n              - Version = \"2012-10-17\"\n            }\n        ) -> (known after apply)\n"
            ),
            "{unknown}"
        );
        let sensitive = diff(
            &json(Value::string(policy).mark_sensitive()),
            &json(Value::string(r#"{"Version":"2008-10-17"}"#).mark_sensitive()),
            None,
            Action::Update,
            &[],
        );
        assert_eq!(
            sensitive,
            "      ~ policy = (sensitive value)\n        # (1 unchanged attribute hidden)\n"
        );
        let retyped = diff(
            &json(Value::string("none")),
            &json(Value::string(policy)),
            None,
            Action::Update,
            &[],
        );
        assert!(
            retyped.contains(
                "      ~ policy = \"none\" -> jsonencode(\n            {\n              + Version = \"2012-10-17\"\n            }\n        )\n"
            ),
            "{retyped}"
        );
        // In a value created whole (a map of them), each element is marked too.
        let schema = Schema::new()
            .attr(infra_core::Attribute::optional("documents", Type::map(Type::String)));
        let created = diff(
            &Value::Null,
            &object([("documents", object([("a", Value::string("[1]"))]))]),
            Some(&schema),
            Action::Create,
            &[],
        );
        assert_eq!(
            created,
            "      + documents = {\n          + \"a\" = jsonencode(\n                [\n                  + 1,\n                ]\n            )\n        }\n"
        );
    }

    #[test]
    fn a_changed_string_of_several_lines_shows_every_line() {
        let before: String = (1..=20).map(|i| format!("line {i}\n")).collect();
        let after = before.replace("line 10\n", "line ten\n");
        let text =
            render_change(&Value::string(&before), &Value::string(&after), None, 6, Style::plain());
        assert!(!text.contains("unchanged"), "{text}");
        for i in (1..=20).filter(|i| *i != 10) {
            assert!(text.contains(&format!("   line {i}\n")), "{text}");
        }
        assert!(text.contains("- line 10\n"), "{text}");
        assert!(text.contains("+ line ten\n"), "{text}");
        assert!(text.ends_with("\n      EOT"), "{text}");
    }

    /// A bucket-like type: two attributes, an Optional+Computed list block (`Block::single`,
    /// a list of at most one, as SDKv2 stores it), a set block and a `single`-nested block.
    fn schema() -> Schema {
        use infra_core::{Attribute, Type};
        let flags = || {
            Schema::new()
                .attr(Attribute::optional("enabled", Type::Bool))
                .attr(Attribute::optional("mfa_delete", Type::Bool))
        };
        Schema::new()
            .attr(Attribute::required("bucket", Type::String))
            .attr(Attribute::computed("arn", Type::String))
            .block(Block::single("versioning", flags()).computed())
            .block(
                Block::set(
                    "rule",
                    Schema::new()
                        .attr(Attribute::required("id", Type::String))
                        .block(Block::single("expiration", flags()).computed()),
                )
                .computed(),
            )
            .block(Block { nesting: Nesting::Single, ..Block::list("website", flags()) })
    }

    fn object<const N: usize>(entries: [(&str, Value); N]) -> Value {
        Value::map(entries)
    }

    fn flags(enabled: bool) -> Value {
        object([("enabled", Value::Bool(enabled)), ("mfa_delete", Value::Bool(false))])
    }

    fn diff(
        before: &Value,
        after: &Value,
        schema: Option<&Schema>,
        action: Action,
        replace_paths: &[&str],
    ) -> String {
        let replace_paths: Vec<String> = replace_paths.iter().map(|p| p.to_string()).collect();
        let mut out = String::new();
        write_object_diff(
            &mut out,
            before,
            after,
            schema,
            action,
            &replace_paths,
            6,
            Style::plain(),
        );
        out
    }

    /// Terraform's plan test "in-place create - unknown block" (list, set and single nesting
    /// alike): `+ name (known after apply)`, among the blocks after the attributes, with no
    /// `=`, and not counted in the attributes' alignment.
    #[test]
    fn an_unknown_block_of_a_new_object_is_a_block_line() {
        let after = object([
            ("arn", Value::Unknown),
            ("bucket", Value::string("logs")),
            ("rule", Value::Unknown),
            ("versioning", Value::Unknown),
            ("website", Value::Unknown),
        ]);

        let text = diff(&Value::Null, &after, Some(&schema()), Action::Create, &[]);

        assert_eq!(
            text,
            "      + arn    = (known after apply)\n\
             \x20     + bucket = \"logs\"\n\
             \n\
             \x20     + rule (known after apply)\n\
             \n\
             \x20     + versioning (known after apply)\n\
             \n\
             \x20     + website (known after apply)\n"
        );
        // A data source read during apply is shown as created.
        let read = diff(&Value::Null, &after, Some(&schema()), Action::Read, &[]);
        assert!(read.contains("      + versioning (known after apply)\n"), "{read}");
    }

    /// Without the type's schema an unknown value's shape says nothing: it is an attribute.
    #[test]
    fn without_a_schema_an_unknown_value_is_an_attribute() {
        let after = object([("versioning", Value::Unknown)]);
        let text = diff(&Value::Null, &after, None, Action::Create, &[]);
        assert_eq!(text, "      + versioning = (known after apply)\n");
    }

    /// A provider attribute that is a list of objects, declared as a block for its nested
    /// schema (`aws_security_group.ingress`), is an attribute line when unknown, as Terraform
    /// renders the provider's attribute.
    #[test]
    fn an_unknown_attribute_mode_block_is_an_attribute() {
        let schema = Schema::new()
            .attr(infra_core::Attribute::required("name", infra_core::Type::String))
            .block(Block::set("ingress", Schema::new()).computed().attribute_mode());
        let after = object([("ingress", Value::Unknown), ("name", Value::string("web"))]);
        let text = diff(&Value::Null, &after, Some(&schema), Action::Create, &[]);
        assert_eq!(
            text,
            "      + ingress = (known after apply)\n\
             \x20     + name    = \"web\"\n"
        );
    }

    /// A value created whole has each element marked `+`, at every depth, and a `map`'s keys
    /// quoted (an object's are names), as Terraform writes `tags` and a security group's
    /// `ingress` (an attribute of the provider's, declared as a block for its nested schema).
    #[test]
    fn a_created_value_marks_each_element() {
        use infra_core::{Attribute, Type};
        let rule = Schema::new()
            .attr(Attribute::optional("cidr_blocks", Type::list(Type::String)))
            .attr(Attribute::optional("from_port", Type::Number));
        let schema = Schema::new()
            .attr(Attribute::optional("tags", Type::map(Type::String)))
            .block(Block::set("ingress", rule).computed().attribute_mode());
        let after = object([
            (
                "ingress",
                Value::List(vec![object([
                    ("cidr_blocks", Value::List(vec![Value::string("0.0.0.0/0")])),
                    ("from_port", Value::Number(443.into())),
                ])]),
            ),
            ("tags", object([("Name", Value::string("web"))])),
        ]);
        let text = diff(&Value::Null, &after, Some(&schema), Action::Create, &[]);
        assert_eq!(
            text,
            r#"      + ingress = [
          + {
              + cidr_blocks = [
                  + "0.0.0.0/0",
                ]
              + from_port   = 443
            },
        ]
      + tags    = {
          + "Name" = "web"
        }
"#
        );
        let deleted = diff(&after, &Value::Null, Some(&schema), Action::Delete, &[]);
        assert!(
            deleted.contains(
                "      - tags    = {\n          - \"Name\" = \"web\"\n        } -> null\n"
            ),
            "{deleted}"
        );
    }

    /// A list's change element by element (Terraform's `collections.ProcessSlice` and
    /// `list.go`): two lists of the same length compared by index, the unchanged element
    /// next to a change shown for context and the others counted; of different lengths,
    /// what goes `-` and what comes `+` along their longest common subsequence.
    #[test]
    fn a_changed_list_shows_its_elements() {
        use infra_core::{Attribute, Type};
        let schema = Schema::new()
            .attr(Attribute::optional("ids", Type::list(Type::String)))
            .attr(Attribute::optional("tags", Type::map(Type::String)));
        let ids = |ids: &[&str]| Value::List(ids.iter().map(|id| Value::string(*id)).collect());
        let before = object([
            ("ids", ids(&["a", "b", "c"])),
            ("tags", object([("A", Value::string("1")), ("B", Value::string("2"))])),
        ]);
        let after = object([
            ("ids", ids(&["a", "x", "c"])),
            ("tags", object([("A", Value::string("1")), ("B", Value::string("3"))])),
        ]);
        let text = diff(&before, &after, Some(&schema), Action::Update, &[]);
        assert_eq!(
            text,
            r#"      ~ ids  = [
            "a",
          ~ "b" -> "x",
            "c",
        ]
      ~ tags = {
          ~ "B" = "2" -> "3"
            # (1 unchanged element hidden)
        }
"#
        );
        // From none to some: the list changes (`~`), its elements come.
        let empty = object([("ids", ids(&[]))]);
        let one = object([("ids", ids(&["a"]))]);
        let text = diff(&empty, &one, Some(&schema), Action::Update, &[]);
        assert_eq!(text, "      ~ ids = [\n          + \"a\",\n        ]\n");
        // Longer, with one taken out and one put in: the context around each change.
        let before = object([("ids", ids(&["a", "b", "c", "d", "e", "f"]))]);
        let after = object([("ids", ids(&["a", "c", "d", "e", "f", "g", "h"]))]);
        let text = diff(&before, &after, Some(&schema), Action::Update, &[]);
        assert_eq!(
            text,
            r#"      ~ ids = [
            "a",
          - "b",
            "c",
            # (2 unchanged elements hidden)
            "f",
          + "g",
          + "h",
        ]
"#
        );
    }

    /// A nested block with no items is no line on create, and on update neither a line nor
    /// one of the unchanged attributes counted (Terraform writes blocks item by item); without
    /// the schema, an empty list is an attribute as before.
    #[test]
    fn an_empty_block_is_no_line() {
        let after = object([
            ("bucket", Value::string("logs")),
            ("rule", Value::List(vec![])),
            ("website", Value::Null),
        ]);
        let created = diff(&Value::Null, &after, Some(&schema()), Action::Create, &[]);
        assert_eq!(created, "      + bucket = \"logs\"\n");
        let changed = object([
            ("bucket", Value::string("logs-2")),
            ("rule", Value::List(vec![])),
            ("website", Value::Null),
        ]);
        let updated = diff(&after, &changed, Some(&schema()), Action::Update, &[]);
        assert_eq!(updated, "      ~ bucket = \"logs\" -> \"logs-2\"\n");
        let schemaless = diff(&Value::Null, &after, None, Action::Create, &[]);
        assert!(schemaless.contains("+ rule   = []"), "{schemaless}");
    }

    /// Terraform's "in-place update - unknown block": `~ name (known after apply)`, then each
    /// item the object had, shown as deleted.
    #[test]
    fn a_block_that_becomes_unknown_shows_its_items_deleted() {
        let before = object([
            ("bucket", Value::string("logs")),
            ("versioning", Value::List(vec![flags(true)])),
        ]);
        let after = object([("bucket", Value::string("logs")), ("versioning", Value::Unknown)]);

        let text = diff(&before, &after, Some(&schema()), Action::Update, &[]);

        assert_eq!(
            text,
            "        # (1 unchanged attribute hidden)\n\
             \n\
             \x20     ~ versioning (known after apply)\n\
             \x20     - versioning {\n\
             \x20         - enabled    = true -> null\n\
             \x20         - mfa_delete = false -> null\n\
             \x20       }\n"
        );
    }

    /// A block that had no items is the one line; in a replacement it is `~` too (the
    /// enclosing object is updated), with `# forces replacement` when the block itself forces
    /// it ("in-place update - unknown block with replace").
    #[test]
    fn an_unknown_block_in_a_replacement() {
        let before = object([
            ("bucket", Value::string("old")),
            ("rule", Value::List(vec![])),
            ("versioning", Value::List(vec![])),
        ]);
        let after = object([
            ("bucket", Value::string("new")),
            ("rule", Value::Unknown),
            ("versioning", Value::Unknown),
        ]);

        let text = diff(
            &before,
            &after,
            Some(&schema()),
            Action::DeleteThenCreate,
            &["bucket", "versioning"],
        );

        assert_eq!(
            text,
            "      ~ bucket = \"old\" -> \"new\" # forces replacement\n\
             \n\
             \x20     ~ rule (known after apply)\n\
             \n\
             \x20     ~ versioning (known after apply) # forces replacement\n"
        );
    }

    /// Terraform's "in-place update - unknown block" for `single` nesting: the object's
    /// attributes become known after apply, and the block closes with `-> (known after
    /// apply)`.
    #[test]
    fn a_single_nested_block_that_becomes_unknown() {
        let before = object([("website", flags(true))]);
        let after = object([("website", Value::Unknown)]);

        let text = diff(&before, &after, Some(&schema()), Action::Update, &["website.enabled"]);

        assert_eq!(
            text,
            "      ~ website {\n\
             \x20         ~ enabled    = true -> (known after apply) # forces replacement\n\
             \x20         ~ mfa_delete = false -> (known after apply)\n\
             \x20       } -> (known after apply)\n"
        );
    }

    /// Blocks nested in blocks are told by the nested block's schema: in a list block's item
    /// being updated (paired by index) the unknown block is `~`, in one being added `+`; a
    /// set block's item that changes is deleted and added (`differ/set.go`).
    #[test]
    fn an_unknown_block_inside_a_block() {
        use infra_core::{Attribute, Type};
        let rules = |nesting: Nesting| {
            let flags = Schema::new()
                .attr(Attribute::optional("enabled", Type::Bool))
                .attr(Attribute::optional("mfa_delete", Type::Bool));
            Schema::new().block(Block {
                nesting,
                ..Block::list(
                    "rule",
                    Schema::new()
                        .attr(Attribute::required("id", Type::String))
                        .block(Block::single("expiration", flags).computed()),
                )
            })
        };
        let rule = |id: &str, expiration: Value| {
            object([("expiration", expiration), ("id", Value::string(id))])
        };
        let before =
            object([("rule", Value::List(vec![rule("a", Value::List(vec![flags(false)]))]))]);
        let after = object([("rule", Value::List(vec![rule("a", Value::Unknown)]))]);
        let list = rules(Nesting::List);

        let updated = diff(&before, &after, Some(&list), Action::Update, &[]);
        let created = diff(&Value::Null, &after, Some(&list), Action::Create, &[]);
        let in_a_set = diff(&before, &after, Some(&rules(Nesting::Set)), Action::Update, &[]);

        assert_eq!(
            updated,
            "      ~ rule {\n\
             \x20           id = \"a\"\n\
             \n\
             \x20         ~ expiration (known after apply)\n\
             \x20         - expiration {\n\
             \x20             - enabled    = false -> null\n\
             \x20             - mfa_delete = false -> null\n\
             \x20           }\n\
             \x20       }\n"
        );
        assert_eq!(
            created,
            "      + rule {\n\
             \x20         + id = \"a\"\n\
             \n\
             \x20         + expiration (known after apply)\n\
             \x20       }\n"
        );
        assert_eq!(
            in_a_set,
            "      - rule {\n\
             \x20         - id = \"a\" -> null\n\
             \n\
             \x20         - expiration {\n\
             \x20             - enabled    = false -> null\n\
             \x20             - mfa_delete = false -> null\n\
             \x20           }\n\
             \x20       }\n\
             \x20     + rule {\n\
             \x20         + id = \"a\"\n\
             \n\
             \x20         + expiration (known after apply)\n\
             \x20       }\n"
        );
    }

    /// Terraform's `renderers/block.go`: a blank line between the attributes (and their
    /// hidden count) and each name's group of blocks, and before the count of unchanged
    /// blocks; none when the object has no attributes. A list block's item that changes is
    /// changed in place (`~ name {`, its changed attributes and the rest counted), paired by
    /// index (`differ/list.go` `processNestedList`); one more is `+`.
    #[test]
    fn blocks_follow_the_attributes_after_a_blank_line() {
        use infra_core::{Attribute, Type};
        let action = Schema::new()
            .attr(Attribute::required("type", Type::String))
            .attr(Attribute::optional("order", Type::Number));
        let schema = Schema::new()
            .attr(Attribute::required("port", Type::Number))
            .attr(Attribute::optional("protocol", Type::String))
            .block(Block::list("default_action", action))
            .block(Block::set("tag", Schema::new().attr(Attribute::required("key", Type::String))));
        let act = |t: &str, order: f64| {
            object([("order", Value::Number(order)), ("type", Value::string(t))])
        };
        let tag = |k: &str| object([("key", Value::string(k))]);
        let before = object([
            ("default_action", Value::List(vec![act("forward", 1.0)])),
            ("port", Value::Number(80.0)),
            ("protocol", Value::string("HTTP")),
            ("tag", Value::List(vec![tag("a"), tag("b")])),
        ]);
        let after = object([
            ("default_action", Value::List(vec![act("redirect", 1.0), act("forward", 2.0)])),
            ("port", Value::Number(443.0)),
            ("protocol", Value::string("HTTP")),
            ("tag", Value::List(vec![tag("a"), tag("b")])),
        ]);

        let text = diff(&before, &after, Some(&schema), Action::Update, &[]);

        assert_eq!(
            text,
            r#"      ~ port     = 80 -> 443
        # (1 unchanged attribute hidden)

      ~ default_action {
          ~ type  = "forward" -> "redirect"
            # (1 unchanged attribute hidden)
        }
      + default_action {
          + order = 2
          + type  = "forward"
        }

        # (2 unchanged blocks hidden)
"#
        );

        // Only blocks: no blank line before them.
        let blocks_only = diff(
            &object([("tag", Value::List(vec![tag("a")]))]),
            &object([("tag", Value::List(vec![tag("c")]))]),
            Some(&schema),
            Action::Update,
            &[],
        );
        assert_eq!(
            blocks_only,
            "      - tag {\n          - key = \"a\" -> null\n        }\n      + tag {\n          + key = \"c\"\n        }\n"
        );
    }

    /// Terraform's `TestResourceChange_listObject` "updating non-identifying attribute": an
    /// attribute that is a list of objects shows an object that changes in place, `~ {`,
    /// with `id` and `name` always shown and the unchanged objects next to it for context;
    /// in a set, the object is deleted and added.
    #[test]
    fn a_changed_object_in_a_list_attribute_is_changed_in_place() {
        use infra_core::{Attribute, Type};
        let accounts = |nesting: Nesting| {
            Schema::new().block(
                Block {
                    nesting,
                    ..Block::list(
                        "accounts",
                        Schema::new()
                            .attr(Attribute::optional("id", Type::String))
                            .attr(Attribute::optional("name", Type::String))
                            .attr(Attribute::optional("status", Type::String)),
                    )
                }
                .attribute_mode(),
            )
        };
        let account = |id: &str, name: &str, status: &str| {
            object([
                ("id", Value::string(id)),
                ("name", Value::string(name)),
                ("status", Value::string(status)),
            ])
        };
        let before = object([(
            "accounts",
            Value::List(vec![
                account("1", "production", "ACTIVE"),
                account("2", "staging", "ACTIVE"),
                account("3", "disaster-recovery", "ACTIVE"),
            ]),
        )]);
        let after = object([(
            "accounts",
            Value::List(vec![
                account("1", "production", "ACTIVE"),
                account("2", "staging", "EXPLODED"),
                account("3", "disaster-recovery", "ACTIVE"),
            ]),
        )]);

        let list = diff(&before, &after, Some(&accounts(Nesting::List)), Action::Update, &[]);
        let set = diff(&before, &after, Some(&accounts(Nesting::Set)), Action::Update, &[]);

        assert_eq!(
            list,
            r#"      ~ accounts = [
            {
                id     = "1"
                name   = "production"
                status = "ACTIVE"
            },
          ~ {
                id     = "2"
                name   = "staging"
              ~ status = "ACTIVE" -> "EXPLODED"
            },
            {
                id     = "3"
                name   = "disaster-recovery"
                status = "ACTIVE"
            },
        ]
"#
        );
        assert_eq!(
            set,
            r#"      ~ accounts = [
          - {
              - id     = "2"
              - name   = "staging"
              - status = "ACTIVE"
            },
          + {
              + id     = "2"
              + name   = "staging"
              + status = "EXPLODED"
            },
            # (2 unchanged elements hidden)
        ]
"#
        );
    }

    /// A string of several lines created is a heredoc of its trimmed lines, closed where the
    /// value's brackets close (`primitive.go` `renderStringDiff`).
    #[test]
    fn a_created_string_of_several_lines_is_a_heredoc() {
        let after = object([("user_data", Value::string("#!/bin/sh\necho hi\n"))]);
        let text = diff(&Value::Null, &after, None, Action::Create, &[]);
        assert_eq!(
            text,
            "      + user_data = <<-EOT\n            #!/bin/sh\n            echo hi\n        EOT\n"
        );
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
