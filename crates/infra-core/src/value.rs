//! `Value`: a configuration or state value with the two marks Terraform users know,
//! "known after apply" (`Unknown`) and "sensitive".
//!
//! Lists, tuples and sets are all `List`; maps and objects are both `Map`. Set semantics
//! (order does not matter) are applied by the schema when values are compared.

use std::collections::BTreeMap;
use std::fmt;

/// A value that may be unknown until apply and may carry a sensitive mark.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<Value>),
    Map(BTreeMap<String, Value>),
    /// Known only after apply.
    Unknown,
    /// The inner value must never be shown.
    Sensitive(Box<Value>),
}

impl Value {
    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    pub fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// Wraps in a sensitive mark (idempotent).
    pub fn mark_sensitive(self) -> Value {
        match self {
            Value::Sensitive(_) => self,
            other => Value::Sensitive(Box::new(other)),
        }
    }

    /// Marks sensitive each part of this value that is sensitive in `from` at the same path:
    /// the configuration's marks carried onto the object a provider returned, or a stored
    /// object's onto what a refresh read. A marked element of a list marks the whole list,
    /// since a set's elements need not come back in the same order.
    pub fn carry_marks(&mut self, from: &Value) {
        match (from, &mut *self) {
            (_, Value::Sensitive(_)) => {}
            (Value::Sensitive(_), _) => {
                let value = std::mem::replace(self, Value::Null);
                *self = value.mark_sensitive();
            }
            (Value::Map(marked), Value::Map(entries)) => {
                for (key, from) in marked {
                    if let Some(entry) = entries.get_mut(key) {
                        entry.carry_marks(from);
                    }
                }
            }
            (Value::List(items), Value::List(_)) if items.iter().any(Value::contains_sensitive) => {
                let value = std::mem::replace(self, Value::Null);
                *self = value.mark_sensitive();
            }
            _ => {}
        }
    }

    /// Removes the top-level mark and says whether there was one.
    pub fn unmark(self) -> (Value, bool) {
        match self {
            Value::Sensitive(inner) => (inner.unmark().0, true),
            other => (other, false),
        }
    }

    /// Removes every mark at every depth.
    pub fn unmark_deep(&self) -> Value {
        match self {
            Value::Sensitive(inner) => inner.unmark_deep(),
            Value::List(items) => Value::List(items.iter().map(Value::unmark_deep).collect()),
            Value::Map(entries) => {
                Value::Map(entries.iter().map(|(k, v)| (k.clone(), v.unmark_deep())).collect())
            }
            other => other.clone(),
        }
    }

    /// The value without a top-level mark, by reference.
    pub fn unmarked(&self) -> &Value {
        match self {
            Value::Sensitive(inner) => inner.unmarked(),
            other => other,
        }
    }

    pub fn is_sensitive(&self) -> bool {
        matches!(self, Value::Sensitive(_))
    }

    /// True when a sensitive mark appears at any depth.
    pub fn contains_sensitive(&self) -> bool {
        match self {
            Value::Sensitive(_) => true,
            Value::List(items) => items.iter().any(Value::contains_sensitive),
            Value::Map(entries) => entries.values().any(Value::contains_sensitive),
            _ => false,
        }
    }

    /// True when the value itself is unknown (not looking inside collections).
    pub fn is_unknown(&self) -> bool {
        matches!(self.unmarked(), Value::Unknown)
    }

    /// True when no part of the value is unknown.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown => false,
            Value::Sensitive(inner) => inner.is_wholly_known(),
            Value::List(items) => items.iter().all(Value::is_wholly_known),
            Value::Map(entries) => entries.values().all(Value::is_wholly_known),
            _ => true,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.unmarked(), Value::Null)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self.unmarked() {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.unmarked() {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s == "true" => Some(true),
            Value::String(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self.unmarked() {
            Value::Number(n) => Some(*n),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// A whole number, if the value is one.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_f64().filter(|n| n.fract() == 0.0 && n.abs() < 9.0e15).map(|n| n as i64)
    }

    pub fn as_list(&self) -> Option<&[Value]> {
        match self.unmarked() {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&BTreeMap<String, Value>> {
        match self.unmarked() {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// Attribute of a map value; `Null` when absent or not a map.
    pub fn get(&self, key: &str) -> &Value {
        static NULL: Value = Value::Null;
        match self.unmarked() {
            Value::Map(entries) => entries.get(key).unwrap_or(&NULL),
            _ => &NULL,
        }
    }

    /// Mutable list items; `None` for anything but a list.
    pub fn list_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Value::List(items) => Some(items),
            Value::Sensitive(inner) => inner.list_mut(),
            _ => None,
        }
    }

    /// Mutable map entries (turning a Null into an empty map).
    pub fn map_mut(&mut self) -> Option<&mut BTreeMap<String, Value>> {
        if matches!(self, Value::Null) {
            *self = Value::Map(BTreeMap::new());
        }
        match self {
            Value::Map(entries) => Some(entries),
            Value::Sensitive(inner) => inner.map_mut(),
            _ => None,
        }
    }

    /// A short description of the value for error messages ("the bool true", "a list"),
    /// never revealing sensitive content.
    pub fn describe(&self) -> String {
        match self {
            Value::Sensitive(_) => "a sensitive value".into(),
            Value::String(s) if s.len() <= 40 => format!("the string \"{s}\""),
            Value::String(_) => "a string".into(),
            Value::Number(n) => format!("the number {}", format_number(*n)),
            Value::Bool(b) => format!("the bool {b}"),
            Value::Null => "null".into(),
            Value::List(_) => "a list".into(),
            Value::Map(_) => "an object".into(),
            Value::Unknown => "an unknown value".into(),
        }
    }

    /// The name of the value's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Map(_) => "map",
            Value::Unknown => "unknown",
            Value::Sensitive(inner) => inner.type_name(),
        }
    }

    /// Plain JSON: unknown becomes null and marks are dropped. Use [`Value::to_json_parts`]
    /// where the marks must be kept apart.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null | Value::Unknown => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => number_to_json(*n),
            Value::String(s) => J::String(s.clone()),
            Value::List(items) => J::Array(items.iter().map(Value::to_json).collect()),
            Value::Map(entries) => {
                J::Object(entries.iter().map(|(k, v)| (k.clone(), v.to_json())).collect())
            }
            Value::Sensitive(inner) => inner.to_json(),
        }
    }

    /// Terraform's plan-JSON split: the value (unknowns as null), the `after_unknown` mask and
    /// the `*_sensitive` mask. Masks are `false` where nothing inside is marked, `true` where the
    /// whole value is, and a structure of the same shape otherwise.
    pub fn to_json_parts(&self) -> (serde_json::Value, serde_json::Value, serde_json::Value) {
        (self.to_json(), self.unknown_mask(), self.sensitive_mask())
    }

    fn unknown_mask(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Unknown => J::Bool(true),
            Value::Sensitive(inner) => inner.unknown_mask(),
            Value::List(items) if !self.is_wholly_known() => {
                J::Array(items.iter().map(Value::unknown_mask).collect())
            }
            Value::Map(entries) if !self.is_wholly_known() => J::Object(
                entries
                    .iter()
                    .filter(|(_, v)| !v.is_wholly_known())
                    .map(|(k, v)| (k.clone(), v.unknown_mask()))
                    .collect(),
            ),
            Value::List(_) => J::Array(vec![]),
            Value::Map(_) => J::Object(Default::default()),
            _ => J::Bool(false),
        }
    }

    fn sensitive_mask(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Sensitive(_) => J::Bool(true),
            Value::List(items) => J::Array(items.iter().map(Value::sensitive_mask).collect()),
            Value::Map(entries) => J::Object(
                entries
                    .iter()
                    .filter(|(_, v)| v.contains_sensitive())
                    .map(|(k, v)| (k.clone(), v.sensitive_mask()))
                    .collect(),
            ),
            _ => J::Bool(false),
        }
    }

    /// The inverse of [`Value::to_json_parts`].
    pub fn from_json_parts(
        value: &serde_json::Value,
        unknown: &serde_json::Value,
        sensitive: &serde_json::Value,
    ) -> Value {
        use serde_json::Value as J;
        if unknown == &J::Bool(true) {
            return Value::Unknown;
        }
        let inner = match value {
            J::Array(items) => Value::List(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        Value::from_json_parts(
                            item,
                            unknown.get(i).unwrap_or(&J::Null),
                            sensitive.get(i).unwrap_or(&J::Null),
                        )
                    })
                    .collect(),
            ),
            J::Object(entries) => {
                let mut map: BTreeMap<String, Value> = entries
                    .iter()
                    .map(|(k, item)| {
                        (
                            k.clone(),
                            Value::from_json_parts(
                                item,
                                unknown.get(k).unwrap_or(&J::Null),
                                sensitive.get(k).unwrap_or(&J::Null),
                            ),
                        )
                    })
                    .collect();
                if let Some(unknown_entries) = unknown.as_object() {
                    for (k, u) in unknown_entries {
                        if u == &J::Bool(true) {
                            map.insert(k.clone(), Value::Unknown);
                        }
                    }
                }
                Value::Map(map)
            }
            other => Value::from_json(other),
        };
        if sensitive == &J::Bool(true) {
            inner.mark_sensitive()
        } else {
            inner
        }
    }

    pub fn from_json(json: &serde_json::Value) -> Value {
        use serde_json::Value as J;
        match json {
            J::Null => Value::Null,
            J::Bool(b) => Value::Bool(*b),
            J::Number(n) => Value::Number(n.as_f64().unwrap_or(0.0)),
            J::String(s) => Value::String(s.clone()),
            J::Array(items) => Value::List(items.iter().map(Value::from_json).collect()),
            J::Object(entries) => {
                Value::Map(entries.iter().map(|(k, v)| (k.clone(), Value::from_json(v))).collect())
            }
        }
    }

    /// Attribute paths (as `a.b[0].c`) of every sensitive mark.
    pub fn sensitive_paths(&self) -> Vec<String> {
        let mut out = Vec::new();
        collect_sensitive_paths(self, String::new(), &mut out);
        out
    }

    /// Marks the value at each of `paths` (as produced by [`Value::sensitive_paths`]) sensitive.
    pub fn mark_paths(mut self, paths: &[String]) -> Value {
        for path in paths {
            let steps = crate::path::parse_path(path);
            mark_at(&mut self, &steps);
        }
        self
    }
}

fn mark_at(value: &mut Value, steps: &[crate::path::PathStep]) {
    use crate::path::PathStep;
    let Some((first, rest)) = steps.split_first() else {
        let taken = std::mem::take(value);
        *value = taken.mark_sensitive();
        return;
    };
    let target = match (value, first) {
        (Value::Map(entries), PathStep::Attr(name)) => entries.get_mut(name),
        (Value::List(items), PathStep::Index(i)) => items.get_mut(*i),
        (Value::Sensitive(_), _) => return,
        _ => None,
    };
    if let Some(target) = target {
        mark_at(target, rest);
    }
}

fn collect_sensitive_paths(value: &Value, prefix: String, out: &mut Vec<String>) {
    match value {
        Value::Sensitive(_) => out.push(prefix),
        Value::List(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_sensitive_paths(item, format!("{prefix}[{i}]"), out);
            }
        }
        Value::Map(entries) => {
            for (k, v) in entries {
                let path = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                collect_sensitive_paths(v, path, out);
            }
        }
        _ => {}
    }
}

/// [`Value::to_json`] as a serde view: the same JSON, written without building the
/// `serde_json::Value` tree first (state files of many thousand resources).
pub struct PlainJson<'a>(pub &'a Value);

impl serde::Serialize for PlainJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Null | Value::Unknown => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => {
                serializer.serialize_i64(*n as i64)
            }
            Value::Number(n) if n.is_finite() => serializer.serialize_f64(*n),
            Value::Number(_) => serializer.serialize_unit(),
            Value::String(s) => serializer.serialize_str(s),
            Value::List(items) => serializer.collect_seq(items.iter().map(PlainJson)),
            Value::Map(entries) => {
                serializer.collect_map(entries.iter().map(|(k, v)| (k, PlainJson(v))))
            }
            Value::Sensitive(inner) => PlainJson(inner).serialize(serializer),
        }
    }
}

fn number_to_json(n: f64) -> serde_json::Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        serde_json::Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null)
    }
}

/// Formats a number the way Terraform prints it: integers without a fraction.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// HCL-like rendering, used in messages. Sensitive values print as `(sensitive value)`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => f.write_str(&format_number(*n)),
            Value::String(s) => write!(f, "{s:?}"),
            Value::List(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            Value::Map(entries) => {
                f.write_str("{")?;
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k} = {v}")?;
                }
                f.write_str("}")
            }
            Value::Unknown => f.write_str("(known after apply)"),
            Value::Sensitive(_) => f.write_str("(sensitive value)"),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn marks_are_carried_by_path_and_a_marked_element_marks_its_list() {
        let from = Value::map([
            ("password", Value::string("x").mark_sensitive()),
            ("name", Value::string("n")),
            ("triggers", Value::map([("pw", Value::string("x").mark_sensitive())])),
            ("keys", Value::List(vec![Value::string("a").mark_sensitive()])),
        ]);
        let mut returned = Value::map([
            ("password", Value::string("x")),
            ("name", Value::string("n")),
            ("triggers", Value::map([("pw", Value::string("x")), ("other", Value::string("o"))])),
            ("keys", Value::List(vec![Value::string("b"), Value::string("a")])),
            ("id", Value::string("i-1")),
        ]);
        returned.carry_marks(&from);
        assert!(returned.get("password").is_sensitive());
        assert!(!returned.get("name").is_sensitive());
        assert!(returned.get("triggers").get("pw").is_sensitive());
        assert!(!returned.get("triggers").get("other").is_sensitive());
        assert!(returned.get("keys").is_sensitive());
        assert!(!returned.get("id").is_sensitive());
    }

    use super::*;

    #[test]
    fn plain_json_writes_what_to_json_builds() {
        let value = Value::map([
            ("id", Value::Unknown),
            ("none", Value::Null),
            ("password", Value::string("hunter2").mark_sensitive()),
            (
                "numbers",
                Value::List(vec![
                    Value::Number(3.0),
                    Value::Number(-0.5),
                    Value::Number(1e16),
                    Value::Number(f64::NAN),
                ]),
            ),
            ("flags", Value::List(vec![Value::Bool(true)])),
            ("tags", Value::map([("Name", Value::string("x\"y"))])),
        ]);
        assert_eq!(
            serde_json::to_string_pretty(&PlainJson(&value)).unwrap(),
            serde_json::to_string_pretty(&value.to_json()).unwrap()
        );
    }

    #[test]
    fn json_parts_round_trip_keeps_marks() {
        let value = Value::map([
            ("id", Value::Unknown),
            ("password", Value::string("hunter2").mark_sensitive()),
            ("tags", Value::map([("Name", Value::string("x"))])),
        ]);
        let (json, unknown, sensitive) = value.to_json_parts();
        assert_eq!(json["password"], "hunter2");
        assert_eq!(unknown, serde_json::json!({"id": true}));
        assert_eq!(sensitive, serde_json::json!({"password": true}));
        assert_eq!(Value::from_json_parts(&json, &unknown, &sensitive), value);
    }

    #[test]
    fn sensitive_never_displays() {
        let value = Value::map([("p", Value::string("hunter2").mark_sensitive())]);
        assert!(!value.to_string().contains("hunter2"));
        assert_eq!(value.sensitive_paths(), vec!["p".to_string()]);
        let plain = value.unmark_deep();
        assert_eq!(plain.mark_paths(&["p".to_string()]), value);
    }

    #[test]
    fn numbers_print_like_terraform() {
        assert_eq!(Value::Number(3.0).to_string(), "3");
        assert_eq!(Value::Number(0.5).to_string(), "0.5");
        assert_eq!(Value::Number(10.0).to_json(), serde_json::json!(10));
    }
}
