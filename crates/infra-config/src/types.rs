//! Type constraints of `variable` blocks (`list(string)`, `object({...})`, ...) and Terraform's
//! conversions into them. This module parses the type expression; it does not evaluate values.

use hcl_edit::expr::{Expression, ObjectKey};
use infra_core::value::format_number;
use infra_core::Value;
use std::collections::BTreeMap;

/// A declared variable type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TypeConstraint {
    Any,
    String,
    Number,
    Bool,
    List(Box<TypeConstraint>),
    Set(Box<TypeConstraint>),
    Map(Box<TypeConstraint>),
    Object(BTreeMap<String, ObjectAttribute>),
    Tuple(Vec<TypeConstraint>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ObjectAttribute {
    pub ty: TypeConstraint,
    pub optional: bool,
    pub default: Option<Value>,
}

impl TypeConstraint {
    /// Parses a type expression. The error names the offending part.
    pub fn parse(expr: &Expression) -> Result<TypeConstraint, String> {
        Self::parse_inner(expr, false).map(|(ty, _, _)| ty)
    }

    /// Parses a variable's `type`: a type expression, or Terraform's legacy shorthands `list`
    /// and `map` for `list(any)` and `map(any)`, which Terraform 1.x still accepts there (and
    /// only there: `decodeVariableType` in Terraform's `configs/named_values.go`).
    pub fn parse_variable_type(expr: &Expression) -> Result<TypeConstraint, String> {
        match expr {
            Expression::Variable(name) if name.value().as_str() == "list" => {
                Ok(TypeConstraint::List(Box::new(TypeConstraint::Any)))
            }
            Expression::Variable(name) if name.value().as_str() == "map" => {
                Ok(TypeConstraint::Map(Box::new(TypeConstraint::Any)))
            }
            _ => Self::parse(expr),
        }
    }

    fn parse_inner(
        expr: &Expression,
        allow_optional: bool,
    ) -> Result<(TypeConstraint, bool, Option<Value>), String> {
        let plain = |ty| Ok((ty, false, None));
        match expr {
            Expression::Variable(name) => match name.value().as_str() {
                "any" => plain(TypeConstraint::Any),
                "string" => plain(TypeConstraint::String),
                "number" => plain(TypeConstraint::Number),
                "bool" => plain(TypeConstraint::Bool),
                other => Err(format!("the keyword \"{other}\" is not a valid type")),
            },
            Expression::Parenthesis(inner) => Self::parse_inner(inner.inner(), allow_optional),
            Expression::FuncCall(call) => {
                let name = call.name.name.value().as_str();
                let args: Vec<&Expression> = call.args.iter().collect();
                let one = || -> Result<TypeConstraint, String> {
                    match args.as_slice() {
                        [arg] => TypeConstraint::parse(arg),
                        _ => Err(format!("{name}(...) takes exactly one type argument")),
                    }
                };
                match name {
                    "list" => plain(TypeConstraint::List(Box::new(one()?))),
                    "set" => plain(TypeConstraint::Set(Box::new(one()?))),
                    "map" => plain(TypeConstraint::Map(Box::new(one()?))),
                    "optional" if allow_optional => {
                        let (ty, default) = match args.as_slice() {
                            [ty] => (TypeConstraint::parse(ty)?, None),
                            [ty, default] => (
                                TypeConstraint::parse(ty)?,
                                Some(crate::context::constant(default).map_err(|d| d.detail)?),
                            ),
                            _ => {
                                return Err(
                                    "optional(type[, default]) takes one or two arguments".into()
                                )
                            }
                        };
                        Ok((ty, true, default))
                    }
                    "optional" => Err("optional(...) is only allowed for object attributes".into()),
                    "object" => {
                        let [Expression::Object(object)] = args.as_slice() else {
                            return Err("object(...) takes one object of attribute types".into());
                        };
                        let mut attributes = BTreeMap::new();
                        for (key, value) in object.iter() {
                            let key = object_key_name(key)
                                .ok_or("object attribute names must be identifiers")?;
                            let (ty, optional, default) = Self::parse_inner(value.expr(), true)?;
                            attributes.insert(key, ObjectAttribute { ty, optional, default });
                        }
                        plain(TypeConstraint::Object(attributes))
                    }
                    "tuple" => {
                        let [Expression::Array(items)] = args.as_slice() else {
                            return Err("tuple(...) takes one list of element types".into());
                        };
                        let items = items
                            .iter()
                            .map(TypeConstraint::parse)
                            .collect::<Result<Vec<_>, _>>()?;
                        plain(TypeConstraint::Tuple(items))
                    }
                    other => Err(format!("\"{other}\" is not a valid type constructor")),
                }
            }
            Expression::Traversal(traversal) => {
                // `list` of old-style `list` without element type is not supported; name it.
                let root = match &traversal.expr {
                    Expression::Variable(v) => v.value().as_str().to_string(),
                    _ => "expression".into(),
                };
                Err(format!("\"{root}...\" is not a valid type"))
            }
            _ => Err("a type must be a type keyword or constructor such as list(string)".into()),
        }
    }

    pub fn is_string(&self) -> bool {
        matches!(self, TypeConstraint::String)
    }

    pub fn is_set(&self) -> bool {
        matches!(self, TypeConstraint::Set(_))
    }

    pub fn label(&self) -> String {
        match self {
            TypeConstraint::Any => "any".into(),
            TypeConstraint::String => "string".into(),
            TypeConstraint::Number => "number".into(),
            TypeConstraint::Bool => "bool".into(),
            TypeConstraint::List(t) => format!("list({})", t.label()),
            TypeConstraint::Set(t) => format!("set({})", t.label()),
            TypeConstraint::Map(t) => format!("map({})", t.label()),
            TypeConstraint::Object(_) => "object".into(),
            TypeConstraint::Tuple(_) => "tuple".into(),
        }
    }

    /// Converts a value to this type the way Terraform does ("3" → 3 for number, 3 → "3" for
    /// string, missing optional attributes filled). The error says what did not fit.
    pub fn convert(&self, value: Value) -> Result<Value, String> {
        match value {
            Value::Sensitive(inner) => Ok(self.convert(*inner)?.mark_sensitive()),
            Value::Unknown | Value::Null => Ok(value),
            value => self.convert_known(value),
        }
    }

    fn convert_known(&self, value: Value) -> Result<Value, String> {
        let mismatch =
            |value: &Value| format!("{} required, got {}", self.label(), value.type_name());
        match self {
            TypeConstraint::Any => Ok(value),
            TypeConstraint::String => match value {
                Value::String(_) => Ok(value),
                Value::Number(n) => Ok(Value::String(format_number(n))),
                Value::Bool(b) => Ok(Value::String(b.to_string())),
                other => Err(mismatch(&other)),
            },
            TypeConstraint::Number => match &value {
                Value::Number(_) => Ok(value),
                Value::String(s) => s
                    .trim()
                    .parse::<f64>()
                    .map(Value::Number)
                    .map_err(|_| format!("a number is required, got the string \"{s}\"")),
                other => Err(mismatch(other)),
            },
            TypeConstraint::Bool => match &value {
                Value::Bool(_) => Ok(value),
                Value::String(s) if s == "true" => Ok(Value::Bool(true)),
                Value::String(s) if s == "false" => Ok(Value::Bool(false)),
                other => Err(mismatch(other)),
            },
            TypeConstraint::List(element) | TypeConstraint::Set(element) => {
                let items = match value {
                    Value::List(items) => items,
                    other => return Err(mismatch(&other)),
                };
                let element = unified(element, &items);
                let mut converted = items
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| element.convert(item).map_err(|e| format!("element {i}: {e}")))
                    .collect::<Result<Vec<_>, _>>()?;
                if self.is_set() {
                    sort_set(&mut converted);
                }
                Ok(Value::List(converted))
            }
            TypeConstraint::Map(element) => match value {
                Value::Map(entries) => {
                    let element = unified(element, entries.values());
                    Ok(Value::Map(
                        entries
                            .into_iter()
                            .map(|(k, v)| {
                                let v = element
                                    .convert(v)
                                    .map_err(|e| format!("element \"{k}\": {e}"))?;
                                Ok((k, v))
                            })
                            .collect::<Result<_, String>>()?,
                    ))
                }
                other => Err(mismatch(&other)),
            },
            TypeConstraint::Object(attributes) => match value {
                Value::Map(mut entries) => {
                    let mut out = BTreeMap::new();
                    for (name, attribute) in attributes {
                        match entries.remove(name) {
                            Some(v) if !v.is_null() => {
                                let v = attribute
                                    .ty
                                    .convert(v)
                                    .map_err(|e| format!("attribute \"{name}\": {e}"))?;
                                out.insert(name.clone(), v);
                            }
                            _ if attribute.optional => {
                                let v = match &attribute.default {
                                    Some(d) => attribute.ty.convert(d.clone())?,
                                    None => Value::Null,
                                };
                                out.insert(name.clone(), v);
                            }
                            Some(v) => {
                                out.insert(name.clone(), v);
                            }
                            None => return Err(format!("attribute \"{name}\" is required")),
                        }
                    }
                    Ok(Value::Map(out))
                }
                other => Err(mismatch(&other)),
            },
            TypeConstraint::Tuple(elements) => match value {
                Value::List(items) if items.len() == elements.len() => Ok(Value::List(
                    items
                        .into_iter()
                        .zip(elements)
                        .map(|(item, ty)| ty.convert(item))
                        .collect::<Result<_, _>>()?,
                )),
                Value::List(items) => Err(format!(
                    "tuple required with {} elements, got {}",
                    elements.len(),
                    items.len()
                )),
                other => Err(mismatch(&other)),
            },
        }
    }
}

pub(crate) fn object_key_name(key: &ObjectKey) -> Option<String> {
    match key {
        ObjectKey::Ident(ident) => Some(ident.value().as_str().to_string()),
        ObjectKey::Expression(Expression::String(s)) => Some(s.value().to_string()),
        ObjectKey::Expression(Expression::Variable(v)) => Some(v.value().as_str().to_string()),
        _ => None,
    }
}

/// The order of a set's elements, as Terraform orders sets: numbers by value, strings
/// lexically, anything else by its JSON text.
fn compare(a: &Value, b: &Value) -> std::cmp::Ordering {
    match (a.unmarked(), b.unmarked()) {
        (Value::Number(x), Value::Number(y)) => {
            x.partial_cmp(y).unwrap_or(std::cmp::Ordering::Equal)
        }
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (x, y) => x.to_json().to_string().cmp(&y.to_json().to_string()),
    }
}

/// Sorts and de-duplicates a set's elements, as Terraform orders sets.
pub(crate) fn sort_set(items: &mut Vec<Value>) {
    items.sort_by(compare);
    items.dedup_by(|a, b| a.unmark_deep() == b.unmark_deep());
}

/// The element type a collection of `element` takes for these items: `any` becomes `string`
/// where the known items are primitives of more than one kind (numbers, strings, bools), as
/// Terraform unifies `["a", 1]` to `list(string)`; otherwise `element` as it is. (Items of
/// mixed structural types, which Terraform also unifies or refuses, stay as they are.)
fn unified<'a, 'b>(
    element: &'a TypeConstraint,
    items: impl IntoIterator<Item = &'b Value>,
) -> &'a TypeConstraint {
    if !matches!(element, TypeConstraint::Any) {
        return element;
    }
    let mut kinds = std::collections::BTreeSet::new();
    for item in items {
        match item.unmarked() {
            Value::String(_) => kinds.insert("string"),
            Value::Number(_) => kinds.insert("number"),
            Value::Bool(_) => kinds.insert("bool"),
            Value::Null | Value::Unknown => continue,
            _ => return element,
        };
    }
    if kinds.len() > 1 {
        const STRING: &TypeConstraint = &TypeConstraint::String;
        STRING
    } else {
        element
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(text: &str) -> TypeConstraint {
        TypeConstraint::parse(&hcl_edit::parser::parse_expr(text).unwrap()).unwrap()
    }

    #[test]
    fn converts_like_terraform() {
        assert_eq!(ty("number").convert(Value::string("3")), Ok(Value::Number(3.0)));
        assert_eq!(ty("string").convert(Value::Number(3.0)), Ok(Value::string("3")));
        assert!(ty("number").convert(Value::string("x")).is_err());
        let set = ty("set(string)")
            .convert(Value::List(vec![Value::string("b"), Value::string("a"), Value::string("b")]))
            .unwrap();
        assert_eq!(set, Value::List(vec![Value::string("a"), Value::string("b")]));
        let object = ty("object({ name = string, size = optional(number, 2) })");
        let converted = object.convert(Value::map([("name", Value::string("x"))])).unwrap();
        assert_eq!(converted.get("size"), &Value::Number(2.0));
        let missing = object.convert(Value::map([("size", Value::Number(1.0))])).unwrap_err();
        assert!(missing.contains("\"name\" is required"), "{missing}");
        assert!(TypeConstraint::parse(&hcl_edit::parser::parse_expr("strin").unwrap()).is_err());
    }

    #[test]
    fn a_variable_takes_the_legacy_list_and_map_shorthands_and_only_at_its_top() {
        let variable_type = |text: &str| {
            TypeConstraint::parse_variable_type(&hcl_edit::parser::parse_expr(text).unwrap())
        };
        assert_eq!(variable_type("list"), Ok(TypeConstraint::List(Box::new(TypeConstraint::Any))));
        assert_eq!(variable_type("map"), Ok(TypeConstraint::Map(Box::new(TypeConstraint::Any))));
        assert_eq!(variable_type("list(string)"), Ok(ty("list(string)")));
        // Terraform has no `set` shorthand, and none inside a constructor.
        assert!(variable_type("set").is_err());
        assert!(variable_type("list(map)").is_err());
    }
}
