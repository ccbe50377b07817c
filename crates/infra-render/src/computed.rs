//! One attribute's value diffed and rendered as Terraform 1.x does (hashicorp/terraform,
//! `internal/command/jsonformat`): the differ (`differ/attribute.go` `ComputeDiffForType`,
//! `differ/list.go`, `differ/set.go`, `differ/map.go`, `differ/object.go`, and for a JSON
//! document `jsondiff/diff.go` `JsonOpts.Transform`) computes a tree of element diffs, each
//! with its action, and the renderers (`computed/renderers`: `primitive.go`, `list.go`,
//! `set.go`, `map.go`, `object.go`, `sensitive.go`, `unknown.go`, `type_change.go`) write
//! it. A string holding a JSON object or array is written as `jsonencode(...)` with its
//! elements diffed (`renderers/primitive.go` `renderStringDiff`, `renderStringDiffAsJson`).
//!
//! Indents: a value rendered at `indent` has its elements' symbols at `indent + 2` and its
//! closing bracket at `indent` (Terraform's `formatIndent(indent + 1)` followed by a 4-wide
//! `writeDiffActionSymbol`), so an attribute whose symbol is at column 6 has its value
//! rendered at 8.

use std::borrow::Cow;
use std::fmt::Write;

use infra_core::{Action, Block, Nesting, Schema, Type, Value};

use crate::strings::{pad, quoted_key, write_string, write_string_change};
use crate::style::Style;

/// What the schema says a value is, as far as the shape of its diff goes.
#[derive(Clone, Copy)]
pub(crate) enum Kind<'a> {
    /// A value whose type the schema does not give (`Type::Any`, no schema), or one inside a
    /// JSON document: a map is an object, a list a list (Terraform's `jsondiff`, which
    /// `ComputeDiffForOutput` also uses for values of no fixed type).
    Dynamic,
    /// An attribute of this type.
    Type(&'a Type),
    /// A block that the provider declares as an attribute of a list or set of objects
    /// ([`Block::attribute_mode`]).
    Objects(&'a Block),
    /// One object of such a block.
    Object(&'a Schema),
}

impl<'a> Kind<'a> {
    pub(crate) fn of_type(ty: Option<&'a Type>) -> Kind<'a> {
        match ty {
            None | Some(Type::Any) => Kind::Dynamic,
            Some(ty) => Kind::Type(ty),
        }
    }
}

/// One element's diff: `differ`'s `computed.Diff`.
pub(crate) struct Diff<'v> {
    pub(crate) action: Action,
    replace: bool,
    node: Node<'v>,
}

enum Node<'v> {
    Primitive(Option<&'v Value>, Option<&'v Value>),
    /// `renderers/object.go`: attributes by name, sorted.
    Object(Vec<(&'v str, Diff<'v>)>),
    /// `renderers/map.go`: entries by key, sorted.
    Map(Vec<(&'v str, Diff<'v>)>),
    /// `renderers/list.go` `List` (with context).
    List(Vec<Diff<'v>>),
    /// `renderers/set.go`.
    Set(Vec<Diff<'v>>),
    TypeChange(Box<Diff<'v>>, Box<Diff<'v>>),
    Sensitive,
    /// `renderers/unknown.go`: what the value was, if anything.
    Unknown(Option<Box<Diff<'v>>>),
}

/// The JSON type of a value (`jsondiff/types.go` `GetType`); an absent value is null.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

fn shape(value: Option<&Value>) -> Shape {
    match value.map(Value::unmarked) {
        None | Some(Value::Null | Value::Unknown | Value::Sensitive(_)) => Shape::Null,
        Some(Value::Bool(_)) => Shape::Bool,
        Some(Value::Number(_)) => Shape::Number,
        Some(Value::String(_)) => Shape::String,
        Some(Value::List(_)) => Shape::Array,
        Some(Value::Map(_)) => Shape::Object,
    }
}

/// `structured.Change.CalculateAction`: `None` is a value that is not there (Terraform's
/// non-explicit null), `Some(Value::Null)` one that is there and null.
fn calculate_action(before: Option<&Value>, after: Option<&Value>) -> Action {
    match (before, after) {
        (None, Some(_)) => Action::Create,
        (Some(_), None) => Action::Delete,
        (b, a) if b == a => Action::NoOp,
        _ => Action::Update,
    }
}

/// `collections.CompareActions`.
fn compare_actions(current: Action, next: Action) -> Action {
    if next == Action::NoOp {
        current
    } else if current != next {
        Action::Update
    } else {
        current
    }
}

/// The diff of a value from `before` to `after`. An attribute of a block or an object that is
/// null is passed as `None` (Terraform takes changes to blocks and objects as implicit).
pub(crate) fn diff<'v>(
    before: Option<&'v Value>,
    after: Option<&'v Value>,
    kind: Kind<'_>,
    replace: bool,
) -> Diff<'v> {
    // `differ/sensitive.go`, `structured/sensitive.go`: a sensitive value is not looked into.
    if before.is_some_and(Value::is_sensitive) || after.is_some_and(Value::is_sensitive) {
        let action = match (before, after) {
            (None, Some(_)) => Action::Create,
            (Some(_), None) => Action::Delete,
            (Some(b), Some(a)) if b == a => Action::NoOp,
            _ => Action::Update,
        };
        return Diff { action, replace, node: Node::Sensitive };
    }
    // `structured/unknown.go` `CheckForUnknown`: what it was is shown as deleted.
    if let Some(Value::Unknown) = after {
        let (action, was) = match before {
            None => (Action::Create, None),
            Some(Value::Null) => (Action::Update, None),
            Some(b) => (Action::Update, Some(Box::new(diff(Some(b), None, kind, false)))),
        };
        return Diff { action, replace, node: Node::Unknown(was) };
    }
    // `jsondiff/diff.go` `Transform`: a change of type is the one deleted and the other
    // created.
    let (b, a) = (shape(before), shape(after));
    let target = if b == a || before.is_none() || after.is_none() {
        if b == Shape::Null {
            a
        } else {
            b
        }
    } else {
        let old = diff_as(before, None, b, kind, false);
        let new = diff_as(None, after, a, kind, false);
        return Diff {
            action: Action::Update,
            replace,
            node: Node::TypeChange(Box::new(old), Box::new(new)),
        };
    };
    diff_as(before, after, target, kind, replace)
}

fn diff_as<'v>(
    before: Option<&'v Value>,
    after: Option<&'v Value>,
    shape: Shape,
    kind: Kind<'_>,
    replace: bool,
) -> Diff<'v> {
    match shape {
        Shape::Array => list_diff(before, after, kind, replace),
        Shape::Object => map_diff(before, after, kind, replace),
        _ => Diff {
            action: calculate_action(before, after),
            replace,
            node: Node::Primitive(before, after),
        },
    }
}

/// The elements of a list or set value, and whether it is there.
fn items(value: Option<&Value>) -> Option<&[Value]> {
    match value {
        Some(Value::List(items)) => Some(items),
        _ => None,
    }
}

/// `collections.TransformSlice`'s starting action, also `TransformMap`'s.
fn starting_action(before: bool, after: bool) -> Action {
    match (before, after) {
        (true, false) => Action::Delete,
        (false, true) => Action::Create,
        _ => Action::NoOp,
    }
}

fn list_diff<'v>(
    before: Option<&'v Value>,
    after: Option<&'v Value>,
    kind: Kind<'_>,
    replace: bool,
) -> Diff<'v> {
    let (b, a) = (items(before), items(after));
    let mut action = starting_action(b.is_some(), a.is_some());
    let (b, a) = (b.unwrap_or_default(), a.unwrap_or_default());
    // The element's kind, whether the collection is a set, and whether its elements are
    // objects (`differ/list.go`: `elementType.IsObjectType()`; for a value of no fixed type,
    // `jsondiff`'s `GetType(value) == Object`).
    let (element, set, objects): (Kind, bool, Option<bool>) = match kind {
        Kind::Type(Type::List(element)) => (Kind::of_type(Some(element)), false, None),
        Kind::Type(Type::Set(element)) => (Kind::of_type(Some(element)), true, None),
        Kind::Objects(block) => {
            (Kind::Object(&block.schema), block.nesting == Nesting::Set, Some(true))
        }
        _ => (Kind::Dynamic, false, None),
    };
    let is_object = |value: &Value| objects.unwrap_or_else(|| element_is_object(element, value));
    let mut elements = Vec::new();
    let mut process = |i: Option<usize>, j: Option<usize>| {
        let d = diff(i.map(|i| &b[i]), j.map(|j| &a[j]), element, false);
        action = compare_actions(action, d.action);
        elements.push(d);
    };
    if set {
        process_set(b, a, &mut process);
    } else {
        process_slice(b, a, is_object, &mut process);
    }
    Diff { action, replace, node: if set { Node::Set(elements) } else { Node::List(elements) } }
}

/// Whether a list element is an object: only where its type is not given (Terraform's
/// types have objects; infra's `Type` has none).
fn element_is_object(element: Kind, value: &Value) -> bool {
    matches!(element, Kind::Dynamic) && matches!(value, Value::Map(_))
}

/// `collections.ProcessSlice`: two lists of the same length that are not a reordering are
/// compared element by element; otherwise along their longest common subsequence, what is
/// not in it deleted then created, except that an object deleted where an object is created
/// is the one changed into the other.
fn process_slice(
    before: &[Value],
    after: &[Value],
    is_object: impl Fn(&Value) -> bool,
    process: &mut impl FnMut(Option<usize>, Option<usize>),
) {
    if before.len() == after.len() && !is_reorder(before, after) {
        for i in 0..before.len() {
            process(Some(i), Some(i));
        }
        return;
    }
    let lcs = longest_common_subsequence(before, after);
    let (mut bi, mut ai, mut li) = (0, 0, 0);
    while bi < before.len() || ai < after.len() || li < lcs.len() {
        while bi < before.len() && (li >= lcs.len() || before[bi] != *lcs[li]) {
            let object_diff = is_object(&before[bi])
                && ai < after.len()
                && is_object(&after[ai])
                && (li >= lcs.len() || after[ai] != *lcs[li]);
            if object_diff {
                process(Some(bi), Some(ai));
                bi += 1;
                ai += 1;
                continue;
            }
            process(Some(bi), None);
            bi += 1;
        }
        while ai < after.len() && (li >= lcs.len() || after[ai] != *lcs[li]) {
            process(None, Some(ai));
            ai += 1;
        }
        if li < lcs.len() {
            process(Some(bi), Some(ai));
            bi += 1;
            ai += 1;
            li += 1;
        }
    }
}

/// `collections.isReorder`: the same length, and every element of `before` in `after`.
fn is_reorder(before: &[Value], after: &[Value]) -> bool {
    before.len() == after.len() && before.iter().all(|b| after.contains(b))
}

/// `plans/objchange/lcs.go` `LongestCommonSubsequence`, with its tie-breaking.
fn longest_common_subsequence<'v>(xs: &'v [Value], ys: &[Value]) -> Vec<&'v Value> {
    if xs.is_empty() || ys.is_empty() {
        return Vec::new();
    }
    let w = xs.len();
    let mut c = vec![0usize; xs.len() * ys.len()];
    let mut eqs = vec![false; xs.len() * ys.len()];
    for y in 0..ys.len() {
        for x in 0..xs.len() {
            if xs[x] == ys[y] {
                eqs[w * y + x] = true;
                c[w * y + x] = if x == 0 || y == 0 { 1 } else { c[w * (y - 1) + (x - 1)] + 1 };
            } else {
                let l = if x > 0 { c[w * y + (x - 1)] } else { 0 };
                let u = if y > 0 { c[w * (y - 1) + x] } else { 0 };
                c[w * y + x] = l.max(u);
            }
        }
    }
    let mut seq = Vec::with_capacity(c[c.len() - 1]);
    let (mut x, mut y) = (xs.len() as isize - 1, ys.len() as isize - 1);
    while x > -1 && y > -1 {
        let (ux, uy) = (x as usize, y as usize);
        if eqs[w * uy + ux] {
            seq.push(&xs[ux]);
            x -= 1;
            y -= 1;
        } else {
            let l = if x > 0 { c[w * uy + (ux - 1)] } else { 0 };
            let u = if y > 0 { c[w * (uy - 1) + ux] } else { 0 };
            if l > u {
                x -= 1;
            } else {
                y -= 1;
            }
        }
    }
    seq.reverse();
    seq
}

/// `differ/set.go` `processSet`: equal elements paired, the others of `before` deleted where
/// they stand and the others of `after` created at the end. A changed object is deleted and
/// created, never changed in place.
fn process_set(
    before: &[Value],
    after: &[Value],
    process: &mut impl FnMut(Option<usize>, Option<usize>),
) {
    let mut matched_after = vec![false; after.len()];
    let mut pairs = Vec::with_capacity(before.len());
    for b in before {
        let found = (0..after.len()).find(|&j| !matched_after[j] && after[j] == *b);
        if let Some(j) = found {
            matched_after[j] = true;
        }
        pairs.push(found);
    }
    for (i, j) in pairs.into_iter().enumerate() {
        process(Some(i), j);
    }
    for (j, matched) in matched_after.into_iter().enumerate() {
        if !matched {
            process(None, Some(j));
        }
    }
}

fn map_diff<'v>(
    before: Option<&'v Value>,
    after: Option<&'v Value>,
    kind: Kind<'_>,
    replace: bool,
) -> Diff<'v> {
    let entries = |value: Option<&'v Value>| match value {
        Some(Value::Map(entries)) => Some(entries),
        _ => None,
    };
    let (b, a) = (entries(before), entries(after));
    let mut action = starting_action(b.is_some(), a.is_some());
    let keys: std::collections::BTreeSet<&'v str> =
        b.into_iter().chain(a).flat_map(|entries| entries.keys().map(String::as_str)).collect();
    let mut children = Vec::with_capacity(keys.len());
    for key in keys {
        let (child_before, child_after) =
            (b.and_then(|entries| entries.get(key)), a.and_then(|entries| entries.get(key)));
        let child = match kind {
            Kind::Type(Type::Map(element)) => {
                diff(child_before, child_after, Kind::of_type(Some(element)), false)
            }
            // `differ/object.go` `processObject`: an object's attributes are implicit, and
            // one null on both sides is left out, not even counted as unchanged.
            Kind::Object(schema) => {
                let implicit = |value: Option<&'v Value>| value.filter(|v| !v.is_null());
                let (child_before, child_after) = (implicit(child_before), implicit(child_after));
                let child_kind = match schema.block_named(key) {
                    Some(block) => Kind::Objects(block),
                    None => Kind::of_type(schema.attribute(key).map(|a| &a.ty)),
                };
                let child = diff(child_before, child_after, child_kind, false);
                if child.action == Action::NoOp && child_before.is_none() && child_after.is_none() {
                    continue;
                }
                child
            }
            _ => diff(child_before, child_after, Kind::Dynamic, false),
        };
        action = compare_actions(action, child.action);
        children.push((key, child));
    }
    Diff {
        action,
        replace,
        node: if matches!(kind, Kind::Type(Type::Map(_))) {
            Node::Map(children)
        } else {
            Node::Object(children)
        },
    }
}

/// `computed.RenderHumanOpts`.
#[derive(Clone, Copy, Default)]
pub(crate) struct Opts {
    pub(crate) override_null_suffix: bool,
    pub(crate) show_unchanged: bool,
    pub(crate) force_replace: bool,
    pub(crate) forbid_replace: bool,
}

impl Opts {
    /// `RenderHumanOpts.Clone`: the replacement overrides do not cascade.
    fn child(self) -> Opts {
        Opts { force_replace: false, forbid_replace: false, ..self }
    }
}

const UNKNOWN: &str = "(known after apply)";

/// `writeDiffActionSymbol` after `formatIndent(indent + 1)`: the symbol right-aligned in four
/// columns, blank for no change.
fn lead(out: &mut String, action: Action, indent: usize, style: Style) {
    if action == Action::NoOp {
        let _ = write!(out, "{}", pad(indent + 4));
    } else {
        let _ = write!(out, "{}{} ", pad(indent + 2), style.action(action));
    }
}

fn null_suffix(action: Action, opts: Opts) -> &'static str {
    if !opts.override_null_suffix && action == Action::Delete {
        " -> null"
    } else {
        ""
    }
}

fn forces_replacement(replace: bool, opts: Opts) -> &'static str {
    if (replace || opts.force_replace) && !opts.forbid_replace {
        " # forces replacement"
    } else {
        ""
    }
}

/// `renderers/util.go` `unchanged`: `# (N unchanged NOUNs hidden)`, indented `column` spaces,
/// when any were hidden.
pub(crate) fn unchanged(out: &mut String, noun: &str, count: usize, column: usize) {
    if count > 0 {
        let s = if count == 1 { "" } else { "s" };
        let _ = writeln!(out, "{}# ({count} unchanged {noun}{s} hidden)", pad(column));
    }
}

/// `renderers/object.go`, `renderers/block.go`: attributes always shown, changed or not.
pub(crate) fn important_attribute(name: &str) -> bool {
    matches!(name, "id" | "name" | "tags")
}

impl Diff<'_> {
    /// `computed.Diff.RenderHuman`: the value, its continuation lines indented for `indent`.
    pub(crate) fn render(&self, indent: usize, opts: Opts, style: Style) -> String {
        let mut out = String::new();
        self.write(&mut out, indent, opts, style);
        out
    }

    /// [`Diff::render`], written at the end of `out`.
    pub(crate) fn write_to(&self, out: &mut String, indent: usize, opts: Opts, style: Style) {
        self.write(out, indent, opts, style);
    }

    fn write(&self, out: &mut String, indent: usize, opts: Opts, style: Style) {
        let replace = forces_replacement(self.replace, opts);
        match &self.node {
            Node::Sensitive => {
                let _ = write!(out, "(sensitive value){}{replace}", null_suffix(self.action, opts));
            }
            Node::Unknown(was) => match was {
                Some(was) if self.action != Action::Create => {
                    let was_opts = Opts {
                        override_null_suffix: true,
                        forbid_replace: self.replace,
                        ..opts.child()
                    };
                    was.write(out, indent, was_opts, style);
                    let _ = write!(out, " -> {UNKNOWN}{replace}");
                }
                _ => {
                    let _ = write!(out, "{UNKNOWN}{replace}");
                }
            },
            Node::TypeChange(old, new) => {
                let opts = Opts { override_null_suffix: true, ..opts };
                old.write(out, indent, opts, style);
                out.push_str(" -> ");
                new.write(out, indent, opts, style);
            }
            Node::Primitive(before, after) => {
                let is_string = |v: &Option<&Value>| matches!(v, Some(Value::String(_)));
                if is_string(before) || is_string(after) {
                    self.write_string(out, *before, *after, indent, opts, style);
                    return;
                }
                let text = |v: Option<&Value>| v.map_or("null".to_string(), |v| v.to_string());
                let _ = match self.action {
                    Action::Create => write!(out, "{}{replace}", text(*after)),
                    Action::Delete => {
                        write!(out, "{}{}{replace}", text(*before), null_suffix(self.action, opts))
                    }
                    Action::NoOp => write!(out, "{}{replace}", text(*before)),
                    _ => write!(out, "{} -> {}{replace}", text(*before), text(*after)),
                };
            }
            Node::Object(attributes) => self.write_object(out, attributes, indent, opts, style),
            Node::Map(entries) => self.write_map(out, entries, indent, opts, style),
            Node::List(elements) => self.write_list(out, elements, indent, opts, style),
            Node::Set(elements) => self.write_set(out, elements, indent, opts, style),
        }
    }

    /// What `write_object`, `write_map`, `write_list` and `write_set` share: `brackets`, `{}` or
    /// `[]`, around the lines `write_items` writes, the closing one on a line of its own, with
    /// the replacement note after the opening bracket and the null suffix after the closing one;
    /// an empty collection as `brackets` alone, then the null suffix and the note.
    fn write_collection(
        &self,
        out: &mut String,
        is_empty: bool,
        brackets: &str,
        indent: usize,
        opts: Opts,
        write_items: impl FnOnce(&mut String),
    ) {
        let replace = forces_replacement(self.replace, opts);
        let null = null_suffix(self.action, opts);
        if is_empty {
            let _ = write!(out, "{brackets}{null}{replace}");
            return;
        }
        let (open, close) = brackets.split_at(1);
        let _ = writeln!(out, "{open}{replace}");
        write_items(out);
        let _ = write!(out, "{}{close}{null}", pad(indent));
    }

    /// `renderers/object.go` `objectRenderer.RenderHuman` (`Object`: its attributes never
    /// say `-> null`).
    fn write_object(
        &self,
        out: &mut String,
        attributes: &[(&str, Diff)],
        indent: usize,
        opts: Opts,
        style: Style,
    ) {
        let attribute_opts = Opts { override_null_suffix: true, ..opts.child() };
        self.write_collection(out, attributes.is_empty(), "{}", indent, opts, |out| {
            let names: Vec<Cow<str>> =
                attributes.iter().map(|(name, _)| quoted_key(name)).collect();
            let width = names.iter().map(|n| n.len()).max().unwrap_or(0);
            let mut hidden = 0;
            for ((name, attribute), escaped) in attributes.iter().zip(&names) {
                let attribute_opts = if important_attribute(name) {
                    Opts { show_unchanged: true, ..attribute_opts }
                } else if attribute.action == Action::NoOp && !opts.show_unchanged {
                    hidden += 1;
                    continue;
                } else {
                    attribute_opts
                };
                lead(out, attribute.action, indent, style);
                let _ = write!(out, "{escaped:<width$} = ");
                attribute.write(out, indent + 4, attribute_opts, style);
                out.push('\n');
            }
            unchanged(out, "attribute", hidden, indent + 4);
        });
    }

    /// `renderers/map.go` `mapRenderer.RenderHuman` (`Map`: keys quoted and aligned).
    fn write_map(
        &self,
        out: &mut String,
        entries: &[(&str, Diff)],
        indent: usize,
        opts: Opts,
        style: Style,
    ) {
        let element_opts =
            Opts { override_null_suffix: self.action == Action::Delete, ..opts.child() };
        self.write_collection(out, entries.is_empty(), "{}", indent, opts, |out| {
            let keys: Vec<String> = entries
                .iter()
                .map(|(key, _)| serde_json::to_string(key).unwrap_or_default())
                .collect();
            let width = keys.iter().map(String::len).max().unwrap_or(0);
            let mut hidden = 0;
            for ((_, element), key) in entries.iter().zip(&keys) {
                if element.action == Action::NoOp && !opts.show_unchanged {
                    hidden += 1;
                    continue;
                }
                lead(out, element.action, indent, style);
                let _ = write!(out, "{key:<width$} = ");
                element.write(out, indent + 4, element_opts, style);
                if matches!(element.node, Node::Object(_)) {
                    out.push(',');
                }
                out.push('\n');
            }
            unchanged(out, "element", hidden, indent + 4);
        });
    }

    /// `renderers/list.go` `listRenderer.RenderHuman` with `displayContext`: the unchanged
    /// element just before and just after a change are shown, the others counted.
    fn write_list(
        &self,
        out: &mut String,
        elements: &[Diff],
        indent: usize,
        opts: Opts,
        style: Style,
    ) {
        let element_opts = Opts { override_null_suffix: true, ..opts.child() };
        let unchanged_opts = Opts { show_unchanged: true, ..opts.child() };
        self.write_collection(out, elements.is_empty(), "[]", indent, opts, |out| {
            let mut unchanged_elements: Vec<&Diff> = Vec::new();
            let mut render_next = false;
            for element in elements {
                if element.action == Action::NoOp && !render_next && !opts.show_unchanged {
                    unchanged_elements.push(element);
                    continue;
                }
                render_next = false;
                let mut element_opts = element_opts;
                if unchanged_elements.len() > 1 {
                    unchanged(out, "element", unchanged_elements.len() - 1, indent + 4);
                }
                if let Some(last) = unchanged_elements.last() {
                    lead(out, last.action, indent, style);
                    last.write(out, indent + 4, unchanged_opts, style);
                    out.push_str(",\n");
                }
                unchanged_elements.clear();
                if element.action == Action::NoOp {
                    element_opts = unchanged_opts;
                } else {
                    render_next = true;
                }
                lead(out, element.action, indent, style);
                element.write(out, indent + 4, element_opts, style);
                out.push_str(",\n");
            }
            unchanged(out, "element", unchanged_elements.len(), indent + 4);
        });
    }

    /// `renderers/set.go` `setRenderer.RenderHuman`: the unchanged counted at the end.
    fn write_set(
        &self,
        out: &mut String,
        elements: &[Diff],
        indent: usize,
        opts: Opts,
        style: Style,
    ) {
        let element_opts = Opts { override_null_suffix: true, ..opts.child() };
        self.write_collection(out, elements.is_empty(), "[]", indent, opts, |out| {
            let mut hidden = 0;
            for element in elements {
                if element.action == Action::NoOp && !opts.show_unchanged {
                    hidden += 1;
                    continue;
                }
                lead(out, element.action, indent, style);
                element.write(out, indent + 4, element_opts, style);
                out.push_str(",\n");
            }
            unchanged(out, "element", hidden, indent + 4);
        });
    }

    /// `renderers/primitive.go` `renderStringDiff`: a JSON object or array as
    /// `jsonencode(...)`, a string of several lines as a heredoc.
    fn write_string(
        &self,
        out: &mut String,
        before: Option<&Value>,
        after: Option<&Value>,
        indent: usize,
        opts: Opts,
        style: Style,
    ) {
        let replace = forces_replacement(self.replace, opts);
        fn text(value: Option<&Value>) -> Option<&str> {
            match value {
                Some(Value::String(s)) => Some(s.as_str()),
                _ => None,
            }
        }
        let (before, after) = (text(before), text(after));
        let (before_json, after_json) = (before.and_then(as_json), after.and_then(as_json));
        match self.action {
            Action::Create | Action::NoOp => {
                if let Some(json) = &after_json {
                    let before = (self.action == Action::NoOp).then_some(json);
                    return self.write_json(out, before, Some(json), indent, opts, style);
                }
                write_string(out, after, indent, replace, "");
            }
            Action::Delete => {
                if let Some(json) = &before_json {
                    return self.write_json(out, Some(json), None, indent, opts, style);
                }
                let null = if before.is_some() { null_suffix(self.action, opts) } else { "" };
                write_string(out, before, indent, replace, null);
            }
            _ => {
                if let (Some(b), Some(a)) = (&before_json, &after_json) {
                    return self.write_json(out, Some(b), Some(a), indent, opts, style);
                }
                if before_json.is_some() || after_json.is_some() {
                    // One is JSON and the other not: the one deleted, the other created.
                    let before_value = before.map(|s| Value::String(s.to_string()));
                    let after_value = after.map(|s| Value::String(s.to_string()));
                    let change = Diff {
                        action: self.action,
                        replace: self.replace,
                        node: Node::TypeChange(
                            Box::new(Diff {
                                action: Action::Delete,
                                replace: false,
                                node: Node::Primitive(before_value.as_ref(), None),
                            }),
                            Box::new(Diff {
                                action: Action::Create,
                                replace: false,
                                node: Node::Primitive(None, after_value.as_ref()),
                            }),
                        ),
                    };
                    change.write(out, indent, opts, style);
                    return;
                }
                write_string_change(out, before, after, indent, replace, style);
            }
        }
    }

    /// `renderers/primitive.go` `renderStringDiffAsJson`.
    fn write_json(
        &self,
        out: &mut String,
        before: Option<&Value>,
        after: Option<&Value>,
        indent: usize,
        opts: Opts,
        style: Style,
    ) {
        let json = diff(before, after, Kind::Dynamic, false);
        let mut json_opts = Opts { override_null_suffix: true, ..opts.child() };
        let mut action = self.action;
        let (mut whitespace, mut replace) = ("", "");
        if json.action == Action::NoOp && self.action == Action::Update {
            // Only whitespace (or key order) changed: say so, and show the document.
            whitespace = if self.replace {
                " # whitespace changes force replacement"
            } else {
                " # whitespace changes"
            };
            json_opts.show_unchanged = true;
            action = Action::NoOp;
        } else {
            replace = forces_replacement(self.replace, opts);
        }
        let rendered = json.render(indent + 4, json_opts, style);
        if matches!(self.action, Action::Create | Action::Delete) {
            action = Action::NoOp;
        }
        if rendered.contains('\n') {
            let _ = writeln!(out, "jsonencode({whitespace}");
            lead(out, action, indent, style);
            let _ = write!(out, "{rendered}{replace}\n{})", pad(indent));
            out.push_str(null_suffix(self.action, opts));
        } else {
            let _ = write!(out, "jsonencode({rendered}){whitespace}{replace}");
        }
    }
}

/// `renderers/string.go` `evaluatePrimitiveString`: a string that starts with `{` or `[` and
/// is one whole JSON document.
pub(crate) fn as_json(text: &str) -> Option<Value> {
    if !(text.starts_with('{') || text.starts_with('[')) {
        return None;
    }
    serde_json::from_str::<serde_json::Value>(text).ok().map(|json| Value::from_json(&json))
}
