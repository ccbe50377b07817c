//! Static reference analysis: which named things (`var.x`, `local.y`, `module.m.out`,
//! `aws_vpc.main`, `data.t.n`) an expression or body mentions, with spans. Names bound by
//! `for` expressions and `dynamic` blocks are not references.

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Body, Structure};
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span;
use infra_core::Mode;
use std::ops::Range;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RefKind {
    Var(String),
    Local(String),
    /// `module.call` or `module.call.output`.
    Module(String, Option<String>),
    Resource(Mode, String, String),
}

#[derive(Debug, Clone)]
pub(crate) struct Reference {
    pub kind: RefKind,
    pub span: Option<Range<usize>>,
    /// For a resource: the attribute read from it (`cidr_block` in `aws_vpc.main.cidr_block`
    /// or `aws_subnet.x[0].cidr_block`), when the reference names one.
    pub attribute: Option<String>,
    /// Inside `ephemeralasnull(...)`: an ephemeral value read here becomes null, so it does
    /// not make the expression ephemeral.
    pub ephemeral_masked: bool,
}

const NON_REFERENCE_ROOTS: &[&str] = &["count", "each", "path", "terraform", "self"];

/// References in a resource body: its arguments, `count`/`for_each` and nested blocks, but
/// not `depends_on`, `provider` or `lifecycle` (which hold addresses and paths, not values).
pub(crate) fn in_resource_body(body: &Body) -> Vec<Reference> {
    let mut out = Vec::new();
    let mut bound = Vec::new();
    walk_body(body, true, &mut bound, &mut out);
    out
}

pub(crate) fn in_expr(expr: &Expression) -> Vec<Reference> {
    let mut out = Vec::new();
    walk(expr, &mut Vec::new(), &mut out);
    out
}

pub(crate) fn walk_body(body: &Body, top: bool, bound: &mut Vec<String>, out: &mut Vec<Reference>) {
    for structure in body.iter() {
        match structure {
            Structure::Attribute(attribute) => {
                let key = attribute.key.value().as_str();
                if top && matches!(key, "depends_on" | "provider") {
                    continue;
                }
                walk(&attribute.value, bound, out);
            }
            Structure::Block(block) => {
                let ident = block.ident.value().as_str();
                // `timeouts` is evaluated with the instance, so what it refers to counts, and
                // so do a creation-time provisioner's references, as in Terraform; a
                // destroy-time one may refer only to its own object.
                if top && ident == "lifecycle" {
                    continue;
                }
                if top
                    && ident == "provisioner"
                    && crate::syntax::when(block) == crate::When::Destroy
                {
                    continue;
                }
                if ident == "dynamic" {
                    if let Some(for_each) = block.body.get_attribute("for_each") {
                        walk(&for_each.value, bound, out);
                    }
                    let iterator = block
                        .body
                        .get_attribute("iterator")
                        .and_then(|a| a.value.as_variable().map(|v| v.as_str().to_string()))
                        .or_else(|| block.labels.first().map(|l| l.as_str().to_string()))
                        .unwrap_or_default();
                    bound.push(iterator);
                    for content in block.body.get_blocks("content") {
                        walk_body(&content.body, false, bound, out);
                    }
                    bound.pop();
                } else {
                    walk_body(&block.body, false, bound, out);
                }
            }
        }
    }
}

fn walk_template(template: &Template, bound: &mut Vec<String>, out: &mut Vec<Reference>) {
    for element in template.iter() {
        match element {
            Element::Literal(_) => {}
            Element::Interpolation(i) => walk(&i.expr, bound, out),
            Element::Directive(boxed) => match boxed.as_ref() {
                Directive::If(d) => {
                    walk(&d.if_expr.cond_expr, bound, out);
                    walk_template(&d.if_expr.template, bound, out);
                    if let Some(e) = &d.else_expr {
                        walk_template(&e.template, bound, out);
                    }
                }
                Directive::For(d) => {
                    let f = &d.for_expr;
                    walk(&f.collection_expr, bound, out);
                    let depth = bound.len();
                    if let Some(k) = &f.key_var {
                        bound.push(k.value().as_str().to_string());
                    }
                    bound.push(f.value_var.value().as_str().to_string());
                    walk_template(&f.template, bound, out);
                    bound.truncate(depth);
                }
            },
        }
    }
}

pub(crate) fn walk(expr: &Expression, bound: &mut Vec<String>, out: &mut Vec<Reference>) {
    match expr {
        Expression::Null(_)
        | Expression::Bool(_)
        | Expression::Number(_)
        | Expression::String(_) => {}
        Expression::Array(items) => items.iter().for_each(|i| walk(i, bound, out)),
        Expression::Object(object) => {
            for (key, value) in object.iter() {
                if let ObjectKey::Expression(k) = key {
                    walk(k, bound, out);
                }
                walk(value.expr(), bound, out);
            }
        }
        Expression::StringTemplate(t) => walk_template(t, bound, out),
        Expression::HeredocTemplate(h) => walk_template(&h.template, bound, out),
        Expression::Parenthesis(p) => walk(p.inner(), bound, out),
        Expression::Variable(_) => {}
        Expression::Conditional(c) => {
            walk(&c.cond_expr, bound, out);
            walk(&c.true_expr, bound, out);
            walk(&c.false_expr, bound, out);
        }
        Expression::FuncCall(call) if call.name.name.as_str() == "ephemeralasnull" => {
            let mut inner = Vec::new();
            call.args.iter().for_each(|a| walk(a, bound, &mut inner));
            out.extend(
                inner
                    .into_iter()
                    .map(|reference| Reference { ephemeral_masked: true, ..reference }),
            );
        }
        Expression::FuncCall(call) => call.args.iter().for_each(|a| walk(a, bound, out)),
        Expression::UnaryOp(op) => walk(&op.expr, bound, out),
        Expression::BinaryOp(op) => {
            walk(&op.lhs_expr, bound, out);
            walk(&op.rhs_expr, bound, out);
        }
        Expression::ForExpr(f) => {
            walk(&f.intro.collection_expr, bound, out);
            let depth = bound.len();
            if let Some(k) = &f.intro.key_var {
                bound.push(k.value().as_str().to_string());
            }
            bound.push(f.intro.value_var.value().as_str().to_string());
            if let Some(k) = &f.key_expr {
                walk(k, bound, out);
            }
            walk(&f.value_expr, bound, out);
            if let Some(c) = &f.cond {
                walk(&c.expr, bound, out);
            }
            bound.truncate(depth);
        }
        Expression::Traversal(t) => {
            for operator in &t.operators {
                if let TraversalOperator::Index(index) = operator.value() {
                    walk(index, bound, out);
                }
            }
            let Expression::Variable(root) = &t.expr else {
                walk(&t.expr, bound, out);
                return;
            };
            let root_name = root.value().as_str();
            if bound.iter().any(|b| b == root_name) || NON_REFERENCE_ROOTS.contains(&root_name) {
                return;
            }
            let attr = |i: usize| {
                t.operators.get(i).and_then(|o| match o.value() {
                    TraversalOperator::GetAttr(name) => Some(name.value().as_str().to_string()),
                    _ => None,
                })
            };
            let kind = match root_name {
                "var" => attr(0).map(RefKind::Var),
                "local" => attr(0).map(RefKind::Local),
                "module" => attr(0).map(|call| RefKind::Module(call, attr(1))),
                "data" => match (attr(0), attr(1)) {
                    (Some(ty), Some(name)) => Some(RefKind::Resource(Mode::Data, ty, name)),
                    _ => None,
                },
                "ephemeral" => match (attr(0), attr(1)) {
                    (Some(ty), Some(name)) => Some(RefKind::Resource(Mode::Ephemeral, ty, name)),
                    _ => None,
                },
                other => {
                    attr(0).map(|name| RefKind::Resource(Mode::Managed, other.to_string(), name))
                }
            };
            // The attribute comes after `type.name` (or `data.type.name`) and one optional
            // index or splat.
            let first = if matches!(root_name, "data" | "ephemeral") { 2 } else { 1 };
            let attribute = match t.operators.get(first).map(|o| o.value()) {
                Some(TraversalOperator::GetAttr(name)) => Some(name.value().as_str().to_string()),
                Some(
                    TraversalOperator::Index(_)
                    | TraversalOperator::LegacyIndex(_)
                    | TraversalOperator::AttrSplat(_)
                    | TraversalOperator::FullSplat(_),
                ) => attr(first + 1),
                _ => None,
            };
            if let Some(kind) = kind {
                out.push(Reference { kind, span: t.span(), attribute, ephemeral_masked: false });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_references_but_not_bound_names() {
        let expr = hcl_edit::parser::parse_expr(
            "[for s in var.subnets : \"${s}-${local.x}\" if aws_vpc.main.id != data.aws_region.r.name] + module.m.out + each.key",
        )
        .unwrap();
        let kinds: Vec<RefKind> = in_expr(&expr).into_iter().map(|r| r.kind).collect();
        assert_eq!(
            kinds,
            vec![
                RefKind::Var("subnets".into()),
                RefKind::Local("x".into()),
                RefKind::Resource(Mode::Managed, "aws_vpc".into(), "main".into()),
                RefKind::Resource(Mode::Data, "aws_region".into(), "r".into()),
                RefKind::Module("m".into(), Some("out".into())),
            ]
        );
    }
}
