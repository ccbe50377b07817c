//! String functions with more to them than one line: `templatestring` (and the guard that
//! keeps template functions from calling themselves), `parseint`, `strrev` and `indent`.

use super::{arg_error, integer, render_template, string, FnResult, FunctionError};
use crate::eval::mark_if;
use hcl_edit::expr::Expression;
use hcl_edit::template::{Element, Template};
use infra_core::Value;
use std::cell::Cell;
use std::collections::BTreeMap;

thread_local! {
    /// The template function whose template is being rendered on this thread, if any.
    static RENDERING: Cell<Option<&'static str>> = const { Cell::new(None) };
}

/// Marks a template as being rendered for as long as it lives.
pub(super) struct TemplateGuard {
    previous: Option<&'static str>,
}

impl TemplateGuard {
    pub(super) fn enter(function: &'static str) -> TemplateGuard {
        TemplateGuard {
            previous: RENDERING.with(|r| r.replace(Some(function))),
        }
    }
}

impl Drop for TemplateGuard {
    fn drop(&mut self) {
        RENDERING.with(|r| r.set(self.previous));
    }
}

/// Functions that read files, which a `templatestring` template may not call.
const FILESYSTEM_FUNCTIONS: &[&str] = &[
    "file",
    "fileexists",
    "fileset",
    "filebase64",
    "filebase64sha256",
    "filebase64sha512",
    "filemd5",
    "filesha1",
    "filesha256",
    "filesha512",
    "templatefile",
];

/// Inside a template, Terraform refuses the template functions themselves (a template that
/// renders itself would never end), and inside a `templatestring` template also the functions
/// that read files.
pub(super) fn check_template_nesting(name: &str) -> Result<(), FunctionError> {
    let Some(rendering) = RENDERING.with(Cell::get) else {
        return Ok(());
    };
    if matches!(name, "templatefile" | "templatestring") {
        return Err(FunctionError::Failed(format!(
            "cannot recursively call {name} from inside another template function"
        )));
    }
    if rendering == "templatestring" && FILESYSTEM_FUNCTIONS.contains(&name) {
        return Err(FunctionError::Failed(format!(
            "cannot use filesystem access functions like {name} in templatestring templates; consider passing the function result as a template variable instead"
        )));
    }
    Ok(())
}

/// `templatestring` only renders a template fetched from elsewhere: its first argument must be
/// a reference (`local.t`, `data.x.y.body`, `var.m["k"]`), not a template written in place.
pub(super) fn check_template_reference(expr: &Expression) -> Result<(), String> {
    fn is_reference(expr: &Expression) -> bool {
        match expr {
            Expression::Variable(_) => true,
            Expression::Traversal(traversal) => is_reference(&traversal.expr),
            _ => false,
        }
    }
    fn template_kind(template: &Template) -> &'static str {
        let elements: Vec<&Element> = template.iter().collect();
        if let [Element::Interpolation(_)] = elements.as_slice() {
            "templatestring is only for rendering templates retrieved dynamically from elsewhere; to treat the inner expression as template syntax, write the reference expression directly without any template interpolation syntax"
        } else if elements.iter().all(|e| matches!(e, Element::Literal(_))) {
            LITERAL
        } else {
            "templatestring is only for rendering templates retrieved dynamically from elsewhere; to render an inline template, consider using a plain template string expression"
        }
    }
    const LITERAL: &str = "templatestring is only for rendering templates retrieved dynamically from elsewhere, and so does not support providing a literal template; consider using a template string expression instead";
    if is_reference(expr) {
        return Ok(());
    }
    let why = match expr {
        Expression::String(_) => LITERAL,
        Expression::StringTemplate(template) => template_kind(template),
        Expression::HeredocTemplate(heredoc) => template_kind(&heredoc.template),
        _ => "must be a direct reference to a single string from elsewhere, containing valid Terraform template syntax",
    };
    Err(format!("invalid template expression: {why}"))
}

/// HCL's identifier syntax, which template variable names must follow.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// `templatestring(template, vars)`: renders a template string with the given variables. As
/// in Terraform, a sensitive value anywhere in `vars` makes the result sensitive.
pub(super) fn templatestring(a: &[Value]) -> FnResult {
    let Value::String(template) = &a[0] else {
        return Err(arg_error(0, "invalid template value: a string is required"));
    };
    let Value::Map(vars) = &a[1] else {
        return Err(arg_error(1, "invalid vars value: must be a map"));
    };
    if let Some(bad) = vars.keys().find(|k| !is_identifier(k)) {
        return Err(arg_error(
            1,
            format!("invalid template variable name {bad:?}: must start with a letter, followed by zero or more letters, digits, and underscores"),
        ));
    }
    let sensitive = vars.values().any(Value::contains_sensitive);
    let vars: BTreeMap<String, Value> = vars
        .iter()
        .map(|(k, v)| (k.clone(), v.unmark_deep()))
        .collect();
    let _guard = TemplateGuard::enter("templatestring");
    let rendered = render_template(template, vars)
        .map_err(|message| FunctionError::Failed(format!("in the template: {message}")))?;
    Ok(mark_if(rendered, sensitive))
}

/// `parseint(string, base)`, for bases 2 to 62: digits, then `a`-`z`, then (above base 36)
/// `A`-`Z`; below base 37 letters of either case are the same digit.
pub(super) fn parseint(a: &[Value]) -> FnResult {
    let Value::String(text) = &a[0] else {
        return Err(arg_error(
            0,
            format!("first argument must be a string, not {}", a[0].type_name()),
        ));
    };
    let base = integer(a, 1)?;
    if !(2..=62).contains(&base) {
        return Err(arg_error(
            1,
            "base must be a whole number between 2 and 62 inclusive",
        ));
    }
    let base = base as u32;
    let fail = || arg_error(0, format!("cannot parse {text:?} as a base {base} integer"));
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text.as_str()),
    };
    if digits.is_empty() {
        return Err(fail());
    }
    let mut exact: Option<u128> = Some(0);
    let mut approximate = 0f64;
    for c in digits.chars() {
        let digit = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 10,
            'A'..='Z' if base <= 36 => c as u32 - 'A' as u32 + 10,
            'A'..='Z' => c as u32 - 'A' as u32 + 36,
            _ => return Err(fail()),
        };
        if digit >= base {
            return Err(fail());
        }
        exact = exact
            .and_then(|e| e.checked_mul(u128::from(base)))
            .and_then(|e| e.checked_add(u128::from(digit)));
        approximate = approximate * f64::from(base) + f64::from(digit);
    }
    let magnitude = exact.map_or(approximate, |e| e as f64);
    Ok(Value::Number(if negative { -magnitude } else { magnitude }))
}

/// Characters that belong to the character before them (combining marks, variation
/// selectors, joiners, skin tones, tag characters).
fn extends_previous(c: char) -> bool {
    matches!(
        c as u32,
        0x0300..=0x036F
            | 0x0483..=0x0489
            | 0x0591..=0x05BD
            | 0x05BF
            | 0x05C1..=0x05C2
            | 0x05C4..=0x05C5
            | 0x05C7
            | 0x0610..=0x061A
            | 0x064B..=0x065F
            | 0x0670
            | 0x06D6..=0x06DC
            | 0x06DF..=0x06E4
            | 0x06E7..=0x06E8
            | 0x06EA..=0x06ED
            | 0x0900..=0x0903
            | 0x093A..=0x094F
            | 0x0951..=0x0957
            | 0x0962..=0x0963
            | 0x0981..=0x0983
            | 0x09BC..=0x09D7
            | 0x0E31
            | 0x0E34..=0x0E3A
            | 0x0E47..=0x0E4E
            | 0x1AB0..=0x1AFF
            | 0x1DC0..=0x1DFF
            | 0x200C..=0x200D
            | 0x20D0..=0x20FF
            | 0x302A..=0x302F
            | 0x3099..=0x309A
            | 0xFE00..=0xFE0F
            | 0xFE20..=0xFE2F
            | 0x1F3FB..=0x1F3FF
            | 0xE0020..=0xE007F
            | 0xE0100..=0xE01EF
    )
}

fn is_regional_indicator(c: char) -> bool {
    ('\u{1F1E6}'..='\u{1F1FF}').contains(&c)
}

/// The string cut into user-perceived characters, approximately as Unicode's grapheme
/// cluster rules do it: combining marks, joined emoji sequences, flags and CRLF stay whole.
pub(super) fn graphemes(text: &str) -> Vec<&str> {
    let mut clusters = Vec::new();
    let mut start = 0;
    let mut previous: Option<char> = None;
    let mut regional_run = 0;
    for (i, c) in text.char_indices() {
        let joins = match previous {
            None => true,
            Some('\u{200D}') => true,
            Some('\r') => c == '\n',
            Some(p) if is_regional_indicator(p) && is_regional_indicator(c) => {
                regional_run % 2 == 1
            }
            Some(_) => extends_previous(c),
        };
        if !joins {
            clusters.push(&text[start..i]);
            start = i;
        }
        regional_run = if is_regional_indicator(c) {
            if joins {
                regional_run + 1
            } else {
                1
            }
        } else {
            0
        };
        previous = Some(c);
    }
    if start < text.len() {
        clusters.push(&text[start..]);
    }
    clusters
}

/// `strrev`: the characters in reverse order, keeping each user-perceived character whole.
pub(super) fn strrev(text: &str) -> String {
    graphemes(text).into_iter().rev().collect()
}

/// The largest string `indent` builds.
const MAX_INDENTED: usize = 1 << 28;

/// `indent(spaces, string)`: adds the spaces after every newline.
pub(super) fn indent(a: &[Value]) -> FnResult {
    let spaces = integer(a, 0)?;
    let text = string(a, 1)?;
    let spaces = usize::try_from(spaces)
        .map_err(|_| arg_error(0, "the number of spaces must not be negative"))?;
    let lines = text.matches('\n').count();
    let size = spaces
        .checked_mul(lines)
        .and_then(|s| s.checked_add(text.len()))
        .filter(|s| *s <= MAX_INDENTED)
        .ok_or_else(|| {
            arg_error(
                0,
                format!("indenting by {spaces} spaces would make a string of more than {MAX_INDENTED} bytes"),
            )
        })?;
    let mut out = String::with_capacity(size);
    let padding = " ".repeat(spaces.min(size));
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(&padding);
        }
        out.push_str(line);
    }
    Ok(Value::String(out))
}
