//! The expression evaluator over hcl-edit's AST: literals, templates, operators, conditionals,
//! `for` expressions, splats and traversals, with Terraform's unknown and sensitive
//! propagation: the methods of [`Ctx`] that evaluate. Named things (`var.x`,
//! `aws_vpc.main`) are resolved by the context's [`crate::context::Scope`]; this module knows only the shapes
//! of expressions.

use crate::context::{equal_values, mark_if, to_key, Ctx, EvalResult, Fail};
use hcl_edit::expr::{
    BinaryOperator, Expression, ForExpr, ObjectKey, TraversalOperator, UnaryOperator,
};
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::{Decorated, Span};
use infra_core::value::format_number;
use infra_core::Value;
use std::collections::BTreeMap;
use std::ops::Range;

impl Ctx<'_> {
    fn binding(&self, name: &str) -> Option<&Value> {
        self.bindings.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    pub fn eval(&mut self, expr: &Expression) -> EvalResult {
        match expr {
            Expression::Null(_) => Ok(Value::Null),
            Expression::Bool(b) => Ok(Value::Bool(*b.value())),
            Expression::Number(n) => Ok(Value::Number(n.value().as_f64().unwrap_or(0.0))),
            Expression::String(s) => Ok(Value::String(s.value().to_string())),
            Expression::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items.iter() {
                    out.push(self.eval(item)?);
                }
                Ok(Value::List(out))
            }
            Expression::Object(object) => {
                let mut out = BTreeMap::new();
                let mut unknown = false;
                let mut sensitive = false;
                for (key, value) in object.iter() {
                    let name = match key {
                        ObjectKey::Ident(ident) => ident.value().as_str().to_string(),
                        ObjectKey::Expression(key_expr) => {
                            let key_value = self.eval(key_expr)?;
                            let (key_value, marked) = key_value.unmark();
                            sensitive |= marked;
                            match key_value {
                                Value::Unknown => {
                                    unknown = true;
                                    continue;
                                }
                                other => match to_key(&other) {
                                    Some(k) => k,
                                    None => {
                                        return Err(self.fail(
                                            "Invalid object key",
                                            format!(
                                                "Object keys must be strings, got {}.",
                                                other.type_name()
                                            ),
                                            key_expr.span(),
                                        ))
                                    }
                                },
                            }
                        }
                    };
                    let v = self.eval(value.expr())?;
                    out.insert(name, v);
                }
                let result = if unknown { Value::Unknown } else { Value::Map(out) };
                Ok(mark_if(result, sensitive))
            }
            Expression::StringTemplate(template) => self.template(template),
            Expression::HeredocTemplate(heredoc) => self.template(&heredoc.template),
            Expression::Parenthesis(inner) => self.eval(inner.inner()),
            Expression::Variable(name) => {
                let text = name.value().as_str();
                if let Some(v) = self.binding(text) {
                    return Ok(v.clone());
                }
                self.resolve(text, &[], name.span()).map(|(v, _, _)| v)
            }
            Expression::Conditional(cond) => {
                let condition = self.eval(&cond.cond_expr)?;
                let (condition, sensitive) = condition.unmark();
                if condition.is_unknown() {
                    return Ok(mark_if(Value::Unknown, sensitive));
                }
                let Some(flag) = condition.as_bool() else {
                    return Err(self.fail(
                        "Incorrect condition type",
                        format!(
                            "The condition expression must be a bool, got {}.",
                            condition.type_name()
                        ),
                        cond.cond_expr.span(),
                    ));
                };
                let chosen = if flag { &cond.true_expr } else { &cond.false_expr };
                Ok(mark_if(self.eval(chosen)?, sensitive))
            }
            Expression::FuncCall(call) => crate::functions::call(self, call),
            Expression::Traversal(traversal) => {
                let (value, consumed, lenient) = match &traversal.expr {
                    Expression::Variable(name) => {
                        let text = name.value().as_str();
                        match self.binding(text) {
                            Some(v) => (v.clone(), 0, false),
                            None => self.resolve(text, &traversal.operators, name.span())?,
                        }
                    }
                    other => (self.eval(other)?, 0, false),
                };
                self.apply_operators(value, &traversal.operators[consumed..], lenient)
            }
            Expression::UnaryOp(op) => {
                let value = self.eval(&op.expr)?;
                let (value, sensitive) = value.unmark();
                if value.is_unknown() {
                    return Ok(mark_if(Value::Unknown, sensitive));
                }
                let result = match op.operator.value() {
                    UnaryOperator::Neg => Value::Number(-self.number(&value, op.expr.span())?),
                    UnaryOperator::Not => Value::Bool(!self.boolean(&value, op.expr.span())?),
                };
                Ok(mark_if(result, sensitive))
            }
            Expression::BinaryOp(op) => {
                let left = self.eval(&op.lhs_expr)?;
                let right = self.eval(&op.rhs_expr)?;
                self.binary(*op.operator.value(), left, right, &op.lhs_expr, &op.rhs_expr)
            }
            Expression::ForExpr(for_expr) => self.for_expr(for_expr),
        }
    }

    fn resolve(
        &mut self,
        name: &str,
        operators: &[Decorated<TraversalOperator>],
        span: Option<Range<usize>>,
    ) -> Result<(Value, usize, bool), Fail> {
        match self.scope {
            Some(scope) => scope.resolve(self, name, operators, span),
            None => Err(self.fail(
                "Variables not allowed",
                format!("\"{name}\": variables and references may not be used here."),
                span,
            )),
        }
    }

    fn number(&self, value: &Value, span: Option<Range<usize>>) -> Result<f64, Fail> {
        value.as_f64().ok_or_else(|| {
            self.fail(
                "Invalid operand",
                format!(
                    "Unsuitable value for operand: a number is required, got {}.",
                    value.describe()
                ),
                span,
            )
        })
    }

    fn boolean(&self, value: &Value, span: Option<Range<usize>>) -> Result<bool, Fail> {
        value.as_bool().ok_or_else(|| {
            self.fail(
                "Invalid operand",
                format!(
                    "Unsuitable value for operand: a bool is required, got {}.",
                    value.describe()
                ),
                span,
            )
        })
    }

    fn binary(
        &self,
        operator: BinaryOperator,
        left: Value,
        right: Value,
        left_expr: &Expression,
        right_expr: &Expression,
    ) -> EvalResult {
        use BinaryOperator as B;
        if matches!(operator, B::Eq | B::NotEq) {
            let sensitive = left.contains_sensitive() || right.contains_sensitive();
            // As cty compares: null against a value that is known itself (an object whose
            // attributes are not all known yet) is decided, as modules test
            // `var.load_balancer != null` on an object of ARNs known after apply.
            let (left_null, right_null) = (left.unmarked().is_null(), right.unmarked().is_null());
            if left_null != right_null && !left.is_unknown() && !right.is_unknown() {
                return Ok(mark_if(Value::Bool(operator == B::NotEq), sensitive));
            }
            if !left.is_wholly_known() || !right.is_wholly_known() {
                return Ok(mark_if(Value::Unknown, sensitive));
            }
            let equal = equal_values(&left.unmark_deep(), &right.unmark_deep());
            return Ok(mark_if(Value::Bool(equal == (operator == B::Eq)), sensitive));
        }
        let (left, left_marked) = left.unmark();
        let (right, right_marked) = right.unmark();
        let sensitive = left_marked || right_marked;
        if left.is_unknown() || right.is_unknown() {
            return Ok(mark_if(Value::Unknown, sensitive));
        }
        let result = match operator {
            B::And | B::Or => {
                let l = self.boolean(&left, left_expr.span())?;
                let r = self.boolean(&right, right_expr.span())?;
                Value::Bool(if operator == B::And { l && r } else { l || r })
            }
            _ => {
                let l = self.number(&left, left_expr.span())?;
                let r = self.number(&right, right_expr.span())?;
                match operator {
                    B::Plus => Value::Number(l + r),
                    B::Minus => Value::Number(l - r),
                    B::Mul => Value::Number(l * r),
                    B::Div | B::Mod if r == 0.0 => {
                        return Err(self.fail(
                            "Division by zero",
                            format!("Cannot divide {} by zero.", format_number(l)),
                            right_expr.span(),
                        ))
                    }
                    B::Div => Value::Number(l / r),
                    B::Mod => Value::Number(l % r),
                    B::Less => Value::Bool(l < r),
                    B::LessEq => Value::Bool(l <= r),
                    B::Greater => Value::Bool(l > r),
                    B::GreaterEq => Value::Bool(l >= r),
                    _ => Value::Null,
                }
            }
        };
        Ok(mark_if(result, sensitive))
    }

    /// Applies `.attr`, `[index]`, `[*]` and `.*` to a value. `lenient` makes a missing
    /// attribute unknown rather than an error: resource values may not carry every computed
    /// attribute yet.
    pub fn apply_operators(
        &mut self,
        mut value: Value,
        operators: &[Decorated<TraversalOperator>],
        lenient: bool,
    ) -> EvalResult {
        let mut i = 0;
        while i < operators.len() {
            let operator = &operators[i];
            match operator.value() {
                TraversalOperator::GetAttr(name) => {
                    value =
                        self.get_attr(value, name.value().as_str(), lenient, operator.span())?;
                }
                TraversalOperator::Index(key_expr) => {
                    let key = self.eval(key_expr)?;
                    value = self.index(value, key, key_expr.span())?;
                }
                TraversalOperator::LegacyIndex(n) => {
                    value = self.index(value, Value::Number(*n.value() as f64), operator.span())?;
                }
                TraversalOperator::FullSplat(_) | TraversalOperator::AttrSplat(_) => {
                    let full = matches!(operator.value(), TraversalOperator::FullSplat(_));
                    // `[*]` applies every following operator per element; legacy `.*` only
                    // the attribute accesses right after it.
                    let end = if full {
                        operators.len()
                    } else {
                        let mut end = i + 1;
                        while end < operators.len()
                            && matches!(operators[end].value(), TraversalOperator::GetAttr(_))
                        {
                            end += 1;
                        }
                        end
                    };
                    let rest = &operators[i + 1..end];
                    let (inner, sensitive) = value.unmark();
                    let items = match inner {
                        Value::Unknown => return Ok(mark_if(Value::Unknown, sensitive)),
                        Value::Null => Vec::new(),
                        Value::List(items) => items,
                        other => vec![other],
                    };
                    let mut out = Vec::with_capacity(items.len());
                    for item in items {
                        out.push(self.apply_operators(item, rest, lenient)?);
                    }
                    value = mark_if(Value::List(out), sensitive);
                    i = end;
                    continue;
                }
            }
            i += 1;
        }
        Ok(value)
    }

    fn get_attr(
        &self,
        value: Value,
        name: &str,
        lenient: bool,
        span: Option<Range<usize>>,
    ) -> EvalResult {
        let (inner, sensitive) = value.unmark();
        let result = match inner {
            Value::Unknown => Value::Unknown,
            Value::Map(mut entries) => match entries.remove(name) {
                Some(v) => v,
                None if lenient => Value::Unknown,
                None => {
                    return Err(self.fail(
                        "Unsupported attribute",
                        format!("This object does not have an attribute named \"{name}\"."),
                        span,
                    ))
                }
            },
            Value::Null => {
                return Err(self.fail(
                    "Attempt to get attribute from null value",
                    format!("This value is null, so it does not have any attributes (looking for \"{name}\")."),
                    span,
                ))
            }
            Value::List(_) => {
                return Err(self.fail(
                    "Unsupported attribute",
                    format!("This value is a list and does not have an attribute named \"{name}\"; use [*].{name} or an index to reach its elements."),
                    span,
                ))
            }
            other => {
                return Err(self.fail(
                    "Unsupported attribute",
                    format!("A {} value does not have attributes (looking for \"{name}\").", other.type_name()),
                    span,
                ))
            }
        };
        Ok(mark_if(result, sensitive))
    }

    pub fn index(&self, value: Value, key: Value, span: Option<Range<usize>>) -> EvalResult {
        let (key, key_marked) = key.unmark();
        let (inner, marked) = value.unmark();
        let sensitive = key_marked || marked;
        if key.is_unknown() || inner.is_unknown() {
            return Ok(mark_if(Value::Unknown, sensitive));
        }
        let result = match inner {
            Value::List(mut items) => {
                let Some(i) = key.as_i64() else {
                    return Err(self.fail(
                        "Invalid index",
                        format!("A list index must be a whole number, got {}.", key.describe()),
                        span,
                    ));
                };
                if i < 0 || i as usize >= items.len() {
                    return Err(self.fail(
                        "Invalid index",
                        format!(
                            "The given key does not identify an element in this collection value: index {i} is out of range for a list of {} elements.",
                            items.len()
                        ),
                        span,
                    ));
                }
                items.swap_remove(i as usize)
            }
            Value::Map(mut entries) => {
                let Some(k) = to_key(&key) else {
                    return Err(self.fail(
                        "Invalid index",
                        format!("A map key must be a string, got {}.", key.describe()),
                        span,
                    ));
                };
                match entries.remove(&k) {
                    Some(v) => v,
                    None => {
                        return Err(self.fail(
                            "Invalid index",
                            format!("The given key does not identify an element in this collection value: there is no element with key \"{k}\"."),
                            span,
                        ))
                    }
                }
            }
            Value::Null => {
                return Err(self.fail(
                    "Attempt to index null value",
                    "This value is null, so it does not have any indices.",
                    span,
                ))
            }
            other => {
                return Err(self.fail(
                    "Invalid index",
                    format!("A {} value cannot be indexed.", other.type_name()),
                    span,
                ))
            }
        };
        Ok(mark_if(result, sensitive))
    }

    /// Pairs of (key, value) to iterate over, or `None` when the collection is unknown.
    pub fn iteration_items(
        &self,
        collection: Value,
        span: Option<Range<usize>>,
    ) -> Result<Option<Vec<(Value, Value)>>, Fail> {
        match collection {
            Value::Unknown => Ok(None),
            Value::List(items) => Ok(Some(
                items.into_iter().enumerate().map(|(i, v)| (Value::Number(i as f64), v)).collect(),
            )),
            Value::Map(entries) => {
                Ok(Some(entries.into_iter().map(|(k, v)| (Value::String(k), v)).collect()))
            }
            Value::Null => Err(self.fail(
                "Iteration over null value",
                "A null value cannot be used as the collection in a 'for' expression.",
                span,
            )),
            other => Err(self.fail(
                "Iteration over non-iterable value",
                format!(
                    "A value of type {} cannot be used as the collection in a 'for' expression.",
                    other.type_name()
                ),
                span,
            )),
        }
    }

    fn for_expr(&mut self, for_expr: &ForExpr) -> EvalResult {
        let intro = &for_expr.intro;
        let collection = self.eval(&intro.collection_expr)?;
        let (collection, sensitive) = collection.unmark();
        let Some(items) = self.iteration_items(collection, intro.collection_expr.span())? else {
            return Ok(mark_if(Value::Unknown, sensitive));
        };
        let key_var = intro.key_var.as_ref().map(|k| k.value().as_str().to_string());
        let value_var = intro.value_var.value().as_str().to_string();
        let mut list = Vec::new();
        let mut map: BTreeMap<String, Value> = BTreeMap::new();
        let mut unknown = false;
        let depth = self.bindings.len();
        let result = (|| -> Result<(), Fail> {
            for (key, value) in items {
                self.bindings.truncate(depth);
                if let Some(k) = &key_var {
                    self.bindings.push((k.clone(), key));
                }
                self.bindings.push((value_var.clone(), value));
                if let Some(cond) = &for_expr.cond {
                    let keep = self.eval(&cond.expr)?;
                    if keep.is_unknown() {
                        unknown = true;
                        continue;
                    }
                    if !self.boolean(keep.unmarked(), cond.expr.span())? {
                        continue;
                    }
                }
                match &for_expr.key_expr {
                    Some(key_expr) => {
                        let k = self.eval(key_expr)?;
                        if k.is_unknown() {
                            unknown = true;
                            continue;
                        }
                        let Some(k) = to_key(k.unmarked()) else {
                            return Err(self.fail(
                                "Invalid object key",
                                "The key expression must produce a string.",
                                key_expr.span(),
                            ));
                        };
                        let v = self.eval(&for_expr.value_expr)?;
                        if for_expr.grouping {
                            if let Value::List(group) =
                                map.entry(k).or_insert_with(|| Value::List(Vec::new()))
                            {
                                group.push(v);
                            }
                        } else {
                            match map.entry(k) {
                                std::collections::btree_map::Entry::Occupied(entry) => {
                                    return Err(self.fail(
                                        "Duplicate object key",
                                        format!("Two different items produced the key \"{}\" in this 'for' expression. If duplicates are expected, use the ellipsis (...) after the value expression to enable grouping by key.", entry.key()),
                                        key_expr.span(),
                                    ));
                                }
                                std::collections::btree_map::Entry::Vacant(entry) => {
                                    entry.insert(v);
                                }
                            }
                        }
                    }
                    None => list.push(self.eval(&for_expr.value_expr)?),
                }
            }
            Ok(())
        })();
        self.bindings.truncate(depth);
        result?;
        let value = if unknown {
            Value::Unknown
        } else if for_expr.key_expr.is_some() {
            Value::Map(map)
        } else {
            Value::List(list)
        };
        Ok(mark_if(value, sensitive))
    }

    fn template(&mut self, template: &Template) -> EvalResult {
        let elements: Vec<&Element> = template.iter().collect();
        // A template that is only one interpolation yields the value itself, as in HCL.
        if let [Element::Interpolation(interpolation)] = elements.as_slice() {
            return self.eval(&interpolation.expr);
        }
        let mut state = TemplateState::default();
        self.render(template, &mut state)?;
        let value = if state.unknown { Value::Unknown } else { Value::String(state.out) };
        Ok(mark_if(value, state.sensitive))
    }

    fn render(&mut self, template: &Template, state: &mut TemplateState) -> Result<(), Fail> {
        for element in template.iter() {
            match element {
                Element::Literal(text) => {
                    let text: &str = text.value();
                    if std::mem::take(&mut state.trim_next) {
                        state.out.push_str(text.trim_start());
                    } else {
                        state.out.push_str(text);
                    }
                }
                Element::Interpolation(interpolation) => {
                    if interpolation.strip.strip_start() {
                        state.trim_end();
                    }
                    let value = self.eval(&interpolation.expr)?;
                    self.append(value, state, interpolation.expr.span())?;
                    state.trim_next = interpolation.strip.strip_end();
                }
                Element::Directive(boxed) => match boxed.as_ref() {
                    Directive::If(directive) => {
                        let if_expr = &directive.if_expr;
                        if if_expr.strip.strip_start() {
                            state.trim_end();
                        }
                        let condition = self.eval(&if_expr.cond_expr)?;
                        let (condition, sensitive) = condition.unmark();
                        state.sensitive |= sensitive;
                        if condition.is_unknown() {
                            state.unknown = true;
                            continue;
                        }
                        let flag = self.boolean(&condition, if_expr.cond_expr.span())?;
                        if flag {
                            state.trim_next = if_expr.strip.strip_end();
                            self.render(&if_expr.template, state)?;
                        } else if let Some(else_expr) = &directive.else_expr {
                            state.trim_next = else_expr.strip.strip_end();
                            self.render(&else_expr.template, state)?;
                        }
                        if directive.endif_expr.strip.strip_start() {
                            state.trim_end();
                        }
                        state.trim_next = directive.endif_expr.strip.strip_end();
                    }
                    Directive::For(directive) => {
                        let for_expr = &directive.for_expr;
                        if for_expr.strip.strip_start() {
                            state.trim_end();
                        }
                        let collection = self.eval(&for_expr.collection_expr)?;
                        let (collection, sensitive) = collection.unmark();
                        state.sensitive |= sensitive;
                        let Some(items) =
                            self.iteration_items(collection, for_expr.collection_expr.span())?
                        else {
                            state.unknown = true;
                            continue;
                        };
                        let depth = self.bindings.len();
                        for (key, value) in items {
                            self.bindings.truncate(depth);
                            if let Some(k) = &for_expr.key_var {
                                self.bindings.push((k.value().as_str().to_string(), key));
                            }
                            self.bindings
                                .push((for_expr.value_var.value().as_str().to_string(), value));
                            state.trim_next = for_expr.strip.strip_end();
                            let rendered = self.render(&for_expr.template, state);
                            if rendered.is_err() {
                                self.bindings.truncate(depth);
                                return rendered;
                            }
                            if directive.endfor_expr.strip.strip_start() {
                                state.trim_end();
                            }
                        }
                        self.bindings.truncate(depth);
                        state.trim_next = directive.endfor_expr.strip.strip_end();
                    }
                },
            }
        }
        Ok(())
    }

    fn append(
        &self,
        value: Value,
        state: &mut TemplateState,
        span: Option<Range<usize>>,
    ) -> Result<(), Fail> {
        let (value, sensitive) = value.unmark();
        state.sensitive |= sensitive;
        match value {
            Value::Unknown => state.unknown = true,
            Value::String(s) => state.out.push_str(&s),
            Value::Number(n) => state.out.push_str(&format_number(n)),
            Value::Bool(b) => state.out.push_str(if b { "true" } else { "false" }),
            Value::Null => return Err(self.fail(
                "Invalid template interpolation value",
                "The expression result is null. Cannot include a null value in a string template.",
                span,
            )),
            other => {
                return Err(self.fail(
                    "Invalid template interpolation value",
                    format!(
                    "Cannot include the given value in a string template: string required, got {}.",
                    other.type_name()
                ),
                    span,
                ))
            }
        }
        Ok(())
    }
}

#[derive(Default)]
struct TemplateState {
    out: String,
    unknown: bool,
    sensitive: bool,
    trim_next: bool,
}

impl TemplateState {
    fn trim_end(&mut self) {
        let trimmed = self.out.trim_end().len();
        self.out.truncate(trimmed);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn eval_text(text: &str) -> EvalResult {
        let expr = hcl_edit::parser::parse_expr(text).expect("test expression parses");
        crate::context::constant(&expr)
    }

    #[test]
    fn operators_and_conditionals() {
        assert_eq!(eval_text("1 + 2 * 3").unwrap(), Value::Number(7.0));
        assert_eq!(eval_text("\"3\" + 1").unwrap(), Value::Number(4.0));
        assert_eq!(eval_text("5 % 3 == 2 && !false").unwrap(), Value::Bool(true));
        assert_eq!(eval_text("1 == \"1\"").unwrap(), Value::Bool(false));
        assert_eq!(eval_text("true ? \"a\" : \"b\"").unwrap(), Value::string("a"));
        assert_eq!(eval_text("-(2 - 5)").unwrap(), Value::Number(3.0));
        assert!(eval_text("1 / 0").is_err());
    }

    #[test]
    fn templates_and_heredocs() {
        assert_eq!(eval_text("\"a-${1 + 1}-b\"").unwrap(), Value::string("a-2-b"));
        assert_eq!(eval_text("\"${[1]}\"").unwrap(), Value::List(vec![Value::Number(1.0)]));
        assert_eq!(
            eval_text("\"%{ if true }yes%{ else }no%{ endif }\"").unwrap(),
            Value::string("yes")
        );
        assert_eq!(
            eval_text("\"%{ for x in [1, 2] }<${x}>%{ endfor }\"").unwrap(),
            Value::string("<1><2>")
        );
        assert_eq!(eval_text("\"a ${~ \"b\" ~} c\"").unwrap(), Value::string("abc"));
        let heredoc = "<<-EOT\n    hello\n      world\n    EOT";
        assert_eq!(eval_text(heredoc).unwrap(), Value::string("hello\n  world\n"));
        let plain = "<<EOT\nx ${1}\nEOT";
        assert_eq!(eval_text(plain).unwrap(), Value::string("x 1\n"));
    }

    #[test]
    fn for_expressions_and_splats() {
        assert_eq!(
            eval_text("[for x in [1, 2, 3] : x * 2 if x > 1]").unwrap(),
            Value::List(vec![Value::Number(4.0), Value::Number(6.0)])
        );
        assert_eq!(
            eval_text("{for k, v in {a = 1, b = 2} : v => k}").unwrap(),
            Value::map([("1", Value::string("a")), ("2", Value::string("b"))])
        );
        assert_eq!(
            eval_text("{for s in [\"a\", \"ab\", \"b\"] : substr(s, 0, 1) => s...}").unwrap(),
            Value::map([
                ("a", Value::List(vec![Value::string("a"), Value::string("ab")])),
                ("b", Value::List(vec![Value::string("b")])),
            ])
        );
        assert!(eval_text("{for s in [\"a\", \"a\"] : s => s}").is_err());
        assert_eq!(
            eval_text("[{id = 1}, {id = 2}][*].id").unwrap(),
            Value::List(vec![Value::Number(1.0), Value::Number(2.0)])
        );
        assert_eq!(
            eval_text("[{id = 1}, {id = 2}].*.id").unwrap(),
            Value::List(vec![Value::Number(1.0), Value::Number(2.0)])
        );
        assert_eq!(eval_text("{a = [10, 20]}.a[1]").unwrap(), Value::Number(20.0));
        assert_eq!(eval_text("[10, 20].1").unwrap(), Value::Number(20.0));
        let out_of_range = eval_text("[1][3]").unwrap_err();
        assert!(out_of_range.detail.contains("out of range"), "{}", out_of_range.detail);
    }

    #[test]
    fn unknown_and_sensitive_propagate() {
        let mut ctx = Ctx::without_scope();
        ctx.bindings.push(("u".into(), Value::Unknown));
        ctx.bindings.push(("s".into(), Value::string("x").mark_sensitive()));
        let mut run = |text: &str| ctx.eval(&hcl_edit::parser::parse_expr(text).unwrap()).unwrap();
        assert_eq!(run("u + 1"), Value::Unknown);
        assert_eq!(run("u ? 1 : 2"), Value::Unknown);
        assert_eq!(run("\"a${u}\""), Value::Unknown);
        assert!(run("\"a${s}\"").is_sensitive());
        assert!(run("s == \"x\"").is_sensitive());
        assert_eq!(run("length([u, 1])"), Value::Number(2.0));
        assert!(run("length(s)").is_sensitive());
        assert_eq!(run("nonsensitive(s)"), Value::string("x"));
        // cty's comparison with null: decided for a value known itself, whatever it holds.
        assert_eq!(run("{ arn = u } != null"), Value::Bool(true));
        assert_eq!(run("null == [u]"), Value::Bool(false));
        assert_eq!(run("u == null"), Value::Unknown);
        assert_eq!(run("{ arn = u } == { arn = 1 }"), Value::Unknown);
    }
}
