//! Terraform's native syntax parsed as Terraform parses it, over hcl-edit: for the
//! configuration's reader (infra-config) and the module installer (infra-modules), which both
//! read `.tf` files.
//!
//! Object constructors that repeat a key, as Terraform reads them.
//!
//! HCL's native syntax accepts `{ port = 80, port = 80 }`: hclsyntax's `ObjectConsExpr.Value`
//! evaluates every item, key and value, in order and stores each under its key, so the last
//! one wins, with no error and no warning (the parser checks only a body's attributes, "Attribute
//! redefined"; the spec's "duplicate attributes are not possible" is about `for` expressions).
//! terraform-aws-modules/alb v10.5.0's complete example writes `port = 80` twice in one target
//! group. hcl-edit's parser refuses it ("unique object key; found redefined object key"): its
//! `Object` keeps one item per key, and it has no option to allow it.
//!
//! So, without forking hcl-edit, a file is parsed as written and, when hcl-edit refuses a
//! repeated key, parsed again with that key replaced by a placeholder identifier of the same
//! length (every span stays right), until it parses. In the tree, each placeholder's item is
//! then moved under a key that hcl-edit keeps apart from the first but that evaluates to the
//! same name: the key as a quoted string (`"port"`), wrapped in parentheses as often as needed
//! to be distinct. Every item stays in the tree, so every value is still evaluated (its errors
//! reported) and its references still count; evaluation stores the items in order, the last
//! one winning, as in Terraform. A moved item goes to the end of its object, after the items it
//! followed: the order of the items under one name is kept, and the order of different names
//! does not matter (an object's attributes have none).

use hcl_edit::expr::{Expression, Object, ObjectKey, ObjectValue, Parenthesis};
use hcl_edit::visit_mut::VisitMut;
use hcl_edit::{Decorated, Span};

/// At most this many repeated keys are replaced in one text before its error is given as is.
const MAX_REPLACEMENTS: usize = 10_000;

/// A key replaced by a placeholder: where, what it was, and the placeholder.
#[derive(Debug)]
struct Replaced {
    start: usize,
    original: String,
    placeholder: String,
    attempt: usize,
}

mod pieces;

/// A `.tf` file's text as hcl-edit's body, object constructors repeating a key accepted; a
/// large file is parsed in pieces on every core ([`pieces`]).
pub use pieces::parse_body;

/// Parses `text` with `parse` (hcl-edit's `parse_body`, `parse_expr` or `parse_template`),
/// accepting object constructors that repeat a key as Terraform does (see the module's
/// documentation). Any other syntax error is hcl-edit's, for the text as written.
pub fn parse<T: Visitable>(
    text: &str,
    parse: impl Fn(&str) -> Result<T, hcl_edit::parser::Error>,
) -> Result<T, hcl_edit::parser::Error> {
    let first = match parse(text) {
        Ok(parsed) => return Ok(parsed),
        Err(error) => error,
    };
    let mut replaced: Vec<Replaced> = Vec::new();
    let mut current = text.to_string();
    let mut error = first.clone();
    loop {
        if !error.message().contains("redefined object key") || replaced.len() >= MAX_REPLACEMENTS {
            return Err(if replaced.is_empty() { first } else { error });
        }
        let start = error.location().offset();
        let Some(end) = key_end(&current, start) else {
            return Err(first);
        };
        // A key refused again at the same place: its placeholder is a key written earlier in
        // the object, so the next placeholder of that length is tried.
        let attempt = match replaced.last() {
            Some(last) if last.start == start => last.attempt + 1,
            _ => 0,
        };
        let Some(placeholder) = placeholder(end - start, attempt) else {
            return Err(first);
        };
        let entry = Replaced {
            start,
            original: text[start..end].to_string(),
            placeholder: placeholder.clone(),
            attempt,
        };
        match replaced.last_mut() {
            Some(last) if last.start == start => *last = entry,
            _ => replaced.push(entry),
        }
        current.replace_range(start..end, &placeholder);

        match parse(&current) {
            Ok(mut parsed) => {
                let mut restore = Restore { replaced: &replaced, restored: 0 };
                parsed.visit(&mut restore);
                if restore.restored != replaced.len() {
                    // Not every placeholder was found again; never evaluate one.
                    return Err(first);
                }
                return Ok(parsed);
            }
            Err(next) => error = next,
        }
    }
}

/// A tree [`parse`] can walk: a body, an expression or a template.
pub trait Visitable {
    fn visit(&mut self, visitor: &mut impl VisitMut);
}

impl Visitable for hcl_edit::structure::Body {
    fn visit(&mut self, visitor: &mut impl VisitMut) {
        visitor.visit_body_mut(self);
    }
}

impl Visitable for Expression {
    fn visit(&mut self, visitor: &mut impl VisitMut) {
        visitor.visit_expr_mut(self);
    }
}

impl Visitable for hcl_edit::template::Template {
    fn visit(&mut self, visitor: &mut impl VisitMut) {
        visitor.visit_template_mut(self);
    }
}

/// The end of the object key that starts at `start`: an identifier, a quoted string or a
/// parenthesized expression, followed by `=` or `:`. None for anything else.
fn key_end(text: &str, start: usize) -> Option<usize> {
    let rest = text.get(start..)?;
    let first = rest.chars().next()?;
    let len = match first {
        '"' => string_end(rest)?,
        '(' => balanced_end(rest)?,
        c if c.is_alphabetic() || c == '_' => rest
            .char_indices()
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '-'))
            .map(|(i, _)| i)
            .unwrap_or(rest.len()),
        _ => return None,
    };
    let after = rest[len..].trim_start_matches([' ', '\t']);
    (after.starts_with(':') || (after.starts_with('=') && !after.starts_with("==")))
        .then_some(start + len)
}

/// The length of the quoted string that `text` starts with, interpolations included.
fn string_end(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            b'\n' => return None,
            b'$' | b'%' if bytes.get(i + 1) == Some(&b'{') => {
                i += 1 + balanced_end(&text[i + 1..])?;
            }
            _ => i += 1,
        }
    }
    None
}

/// The length of the bracketed text that `text` starts with (`(`, `[` or `{`), strings inside
/// skipped.
fn balanced_end(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b'"' => {
                i += string_end(&text[i..])?;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The `attempt`-th placeholder identifier of `len` bytes: `_`, then letters for one byte;
/// `_` and a base-36 counter for more. None when there are no more (or for `len` 0).
fn placeholder(len: usize, attempt: usize) -> Option<String> {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    match len {
        0 => None,
        1 => {
            const SINGLE: &[u8] = b"_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
            SINGLE.get(attempt).map(|c| (*c as char).to_string())
        }
        _ => {
            let mut digits = vec![b'0'; len - 1];
            let mut n = attempt;
            for slot in digits.iter_mut().rev() {
                *slot = DIGITS[n % 36];
                n /= 36;
            }
            if n > 0 {
                return None;
            }
            Some(format!("_{}", String::from_utf8(digits).ok()?))
        }
    }
}

/// Moves each placeholder's item under its original key (see the module's documentation).
struct Restore<'a> {
    replaced: &'a [Replaced],
    restored: usize,
}

/// The key a repeated key is kept under: the identifier as a quoted string, any other key as
/// parsed, with the spans of the text (parsed in parentheses that reach back to the text's
/// start: hcl-edit's `parse_expr` takes no leading whitespace).
fn restored_key(replaced: &Replaced) -> Option<Expression> {
    let original = replaced.original.as_str();
    if !original.starts_with(['"', '(']) {
        return Some(Expression::String(Decorated::new(original.to_string())));
    }
    let padded = format!("({}{original})", " ".repeat(replaced.start.checked_sub(1)?));
    match hcl_edit::parser::parse_expr(&padded).ok()? {
        Expression::Parenthesis(parenthesis) => Some(parenthesis.inner().clone()),
        _ => None,
    }
}

impl VisitMut for Restore<'_> {
    fn visit_object_mut(&mut self, node: &mut Object) {
        hcl_edit::visit_mut::visit_object_mut(self, node);
        let found: Vec<&Replaced> = self
            .replaced
            .iter()
            .filter(|r| {
                node.iter().any(|(key, _)| match key {
                    ObjectKey::Ident(ident) => {
                        ident.value().as_str() == r.placeholder
                            && ident.span().map(|s| s.start) == Some(r.start)
                    }
                    ObjectKey::Expression(_) => false,
                })
            })
            .collect();
        if found.is_empty() {
            return;
        }
        // Every item is taken out and put back in order, so that each restored item keeps its
        // place among the items of the same name.
        let items: Vec<(ObjectKey, ObjectValue)> =
            node.iter().map(|(key, value)| (key.clone(), value.clone())).collect();
        node.clear();
        for (key, value) in items {
            let replaced = match &key {
                ObjectKey::Ident(ident) => found.iter().find(|r| {
                    ident.value().as_str() == r.placeholder
                        && ident.span().map(|s| s.start) == Some(r.start)
                }),
                ObjectKey::Expression(_) => None,
            };
            let key = match replaced.and_then(|r| restored_key(r)) {
                Some(mut restored) => {
                    while node.contains_key(&ObjectKey::Expression(restored.clone())) {
                        restored = Expression::Parenthesis(Box::new(Parenthesis::new(restored)));
                    }
                    self.restored += 1;
                    ObjectKey::Expression(restored)
                }
                None => key,
            };
            node.insert(key, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_stay_those_of_the_text_as_written() {
        let text = "x = { port = 80, port = nosuch.thing }\ny = 1\n";
        let body = parse(text, hcl_edit::parser::parse_body).unwrap();
        let Some(Expression::Object(object)) = body.get_attribute("x").map(|a| &a.value) else {
            panic!("x is an object");
        };
        let (_, value) = object.iter().last().unwrap();
        let span = value.expr().span().unwrap();
        assert_eq!(&text[span], "nosuch.thing");
        let y = body.get_attribute("y").unwrap().span().unwrap();
        assert_eq!(&text[y], "y = 1");
    }

    #[test]
    fn other_syntax_errors_are_hcl_edits() {
        let error = parse("x = { a = 1, a = 2 }\ny = {", hcl_edit::parser::parse_body).unwrap_err();
        assert!(!error.message().contains("redefined"), "{}", error.message());
        // A body's attribute may not be repeated (Terraform's "Attribute redefined").
        let error = parse("a = 1\na = 2\n", hcl_edit::parser::parse_body).unwrap_err();
        assert!(error.message().contains("redefined attribute"), "{}", error.message());
    }

    #[test]
    fn placeholders_have_the_keys_length() {
        assert_eq!(placeholder(1, 0).as_deref(), Some("_"));
        assert_eq!(placeholder(1, 1).as_deref(), Some("a"));
        assert_eq!(placeholder(3, 37).as_deref(), Some("_11"));
        assert_eq!(placeholder(2, 36), None);
        assert_eq!(key_end("port = 1", 0), Some(4));
        assert_eq!(key_end("\"a\\\"${x}\" : 1", 0), Some(9));
        assert_eq!(key_end("(local.k) = 1", 0), Some(9));
        assert_eq!(key_end("a == 1", 0), None);
    }
}
