//! Shapes of the configuration's syntax that several readers share, read without evaluating
//! anything: a keyword argument's word, a traversal's dotted path, a provisioner's `when`, a
//! resource's `timeouts` blocks, and Terraform's "Unsupported argument" with its did-you-mean.

use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::Span;
use infra_core::{Diagnostic, Diagnostics, Location};

/// When a provisioner runs: after its object is created, or before it is destroyed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Create,
    Destroy,
}

/// The `when` of a provisioner block, as written; an invalid keyword reads as `create` (its
/// error was given when the configuration was loaded).
pub(crate) fn when(block: &Block) -> When {
    match block.body.get_attribute("when").and_then(|a| keyword(&a.value)) {
        Some(("destroy", _)) => When::Destroy,
        _ => When::Create,
    }
}

/// A resource body's `timeouts` blocks as written: each literal `timeouts` block, and each
/// `dynamic "timeouts"` block (as terraform-aws-modules write it, with `for_each` over the
/// module's `timeouts` variable). `timeouts` is a block of the provider's schema, so Terraform
/// generates it as any other block.
pub(crate) fn timeouts_blocks(body: &Body) -> impl Iterator<Item = TimeoutsBlock<'_>> {
    body.blocks().filter_map(TimeoutsBlock::of)
}

/// One `timeouts` block of a resource body (see [`timeouts_blocks`]).
#[derive(Clone, Copy)]
pub(crate) enum TimeoutsBlock<'b> {
    Literal(&'b Block),
    Dynamic(&'b Block),
}

impl<'b> TimeoutsBlock<'b> {
    /// `block` if it is a `timeouts` block or a `dynamic "timeouts"` one.
    pub(crate) fn of(block: &'b Block) -> Option<TimeoutsBlock<'b>> {
        match block.ident.value().as_str() {
            "timeouts" => Some(TimeoutsBlock::Literal(block)),
            "dynamic" if block.labels.first().is_some_and(|l| l.as_str() == "timeouts") => {
                Some(TimeoutsBlock::Dynamic(block))
            }
            _ => None,
        }
    }

    /// The block as written: the `timeouts` block, or the `dynamic` one.
    pub(crate) fn block(self) -> &'b Block {
        match self {
            TimeoutsBlock::Literal(block) | TimeoutsBlock::Dynamic(block) => block,
        }
    }

    /// The arguments it sets: the block's own, or its `content` block's (None when a
    /// `dynamic` block has no `content`, an error reported where it is evaluated).
    pub(crate) fn arguments(self) -> Option<&'b Body> {
        match self {
            TimeoutsBlock::Literal(block) => Some(&block.body),
            TimeoutsBlock::Dynamic(block) => {
                block.body.get_blocks("content").next().map(|content| &content.body)
            }
        }
    }
}

/// A keyword argument's word, and whether it was quoted (Terraform 0.11's form, which
/// Terraform still accepts with a warning).
pub(crate) fn keyword(expr: &Expression) -> Option<(&str, bool)> {
    match expr {
        Expression::Variable(name) => Some((name.as_str(), false)),
        Expression::String(text) => Some((text.as_str(), true)),
        _ => None,
    }
}

/// `tags["Name"]` / `tags.Name` / `"tags"` as a path string.
pub(crate) fn traversal_path(expr: &Expression) -> Option<String> {
    match expr {
        Expression::Variable(v) => Some(v.value().as_str().to_string()),
        Expression::String(s) => Some(s.value().to_string()),
        Expression::Traversal(traversal) => {
            let mut out = traversal_path(&traversal.expr)?;
            for operator in &traversal.operators {
                match operator.value() {
                    TraversalOperator::GetAttr(name) => {
                        out.push('.');
                        out.push_str(name.value().as_str());
                    }
                    TraversalOperator::Index(Expression::String(s)) => {
                        out.push_str(&format!("[{:?}]", s.value()))
                    }
                    TraversalOperator::Index(Expression::Number(n)) => {
                        out.push_str(&format!("[{}]", n.value()))
                    }
                    TraversalOperator::LegacyIndex(i) => out.push_str(&format!("[{}]", i.value())),
                    _ => return None,
                }
            }
            Some(out)
        }
        _ => None,
    }
}

/// Terraform's "Unsupported argument" / "Unsupported block type" for each argument or block of
/// `body` not named in `arguments` / `blocks`, with the closest name as a suggestion. `locate`
/// turns a span of the body's file into a location.
pub(crate) fn unexpected_names(
    body: &Body,
    arguments: &[&str],
    blocks: &[&str],
    locate: &dyn Fn(Option<std::ops::Range<usize>>) -> Option<Location>,
) -> Diagnostics {
    let mut out = Diagnostics::new();
    for structure in body.iter() {
        let (name, span, allowed, summary, what) = match structure {
            Structure::Attribute(attribute) => (
                attribute.key.value().as_str(),
                attribute.key.span(),
                arguments,
                "Unsupported argument",
                "An argument named \"{}\" is not expected here.",
            ),
            Structure::Block(block) => (
                block.ident.value().as_str(),
                block.ident.span(),
                blocks,
                "Unsupported block type",
                "Blocks of type \"{}\" are not expected here.",
            ),
        };
        if allowed.contains(&name) {
            continue;
        }
        let suggestion =
            closest(name, allowed).map(|n| format!(" Did you mean \"{n}\"?")).unwrap_or_default();
        out.push(
            Diagnostic::error(summary, format!("{}{suggestion}", what.replace("{}", name)))
                .at(locate(span)),
        );
    }
    out
}

/// The name closest to `name` by edit distance, if close enough to be a plausible typo.
pub(crate) fn closest<'n>(name: &str, candidates: &[&'n str]) -> Option<&'n str> {
    candidates
        .iter()
        .map(|c| (edit_distance(name, c), *c))
        .filter(|(d, c)| *d <= (c.len().max(name.len()) / 3).max(2))
        .min()
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut current = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            current[j] = (previous[j] + 1).min(current[j - 1] + 1).min(previous[j - 1] + cost);
        }
        previous = current;
    }
    previous[b.len()]
}
