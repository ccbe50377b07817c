//! String functions, with `format`'s verbs, the user-perceived characters that `substr`,
//! `strrev` and `length` count, and `templatestring` (with the guard that keeps template
//! functions from calling themselves).

use super::{
    arg_error, integer, render_template, string, to_string_value, Body, Call, FnResult, Function,
    FunctionError,
};
use crate::context::{mark_if, Ctx, EvalResult};
use hcl_edit::expr::Expression;
use hcl_edit::template::{Element, Template};
use infra_core::Value;
use std::cell::Cell;
use std::collections::BTreeMap;

/// The template functions' names. A template may not call them, and they say which kind of
/// template is being rendered.
pub(super) const TEMPLATEFILE: &str = "templatefile";
pub(super) const TEMPLATESTRING: &str = "templatestring";

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
        TemplateGuard { previous: RENDERING.with(|r| r.replace(Some(function))) }
    }
}

impl Drop for TemplateGuard {
    fn drop(&mut self) {
        RENDERING.with(|r| r.set(self.previous));
    }
}

/// Inside a template, Terraform refuses the template functions themselves (a template that
/// renders itself would never end), and inside a `templatestring` template also the functions
/// that read files ([`Body::Files`]).
pub(super) fn check_template_nesting(function: &Function) -> Result<(), FunctionError> {
    let Some(rendering) = RENDERING.with(Cell::get) else {
        return Ok(());
    };
    let name = function.name;
    if name == TEMPLATEFILE || name == TEMPLATESTRING {
        return Err(FunctionError::Failed(format!(
            "cannot recursively call {name} from inside another template function"
        )));
    }
    if rendering == TEMPLATESTRING && matches!(function.body, Body::Files(_)) {
        return Err(FunctionError::Failed(format!(
            "cannot use filesystem access functions like {name} in templatestring templates; consider passing the function result as a template variable instead"
        )));
    }
    Ok(())
}

/// Before `templatestring`'s arguments are evaluated: refuses a first argument that is not a
/// reference (see [`check_template_reference`]).
pub(super) fn require_template_reference(ctx: &mut Ctx, call: &Call) -> Option<EvalResult> {
    let message = check_template_reference(call.exprs.first()?).err()?;
    Some(Err(call.fail(ctx, &arg_error(0, message))))
}

fn check_template_reference(expr: &Expression) -> Result<(), String> {
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
    let vars: BTreeMap<String, Value> =
        vars.iter().map(|(k, v)| (k.clone(), v.unmark_deep())).collect();
    let _guard = TemplateGuard::enter(TEMPLATESTRING);
    let rendered = render_template(template, vars)
        .map_err(|message| FunctionError::Failed(format!("in the template: {message}")))?;
    Ok(mark_if(rendered, sensitive))
}

pub(super) fn chomp(a: &[Value]) -> FnResult {
    Ok(Value::String(string(a, 0)?.trim_end_matches(['\n', '\r']).to_string()))
}

pub(super) fn endswith(a: &[Value]) -> FnResult {
    Ok(Value::Bool(string(a, 0)?.ends_with(&string(a, 1)?)))
}

pub(super) fn format(a: &[Value]) -> FnResult {
    Ok(Value::String(format_text(&string(a, 0)?, &a[1..])?))
}

/// `formatlist(spec, values...)`: `format` once per element of the list arguments, which
/// must all be as long; the other arguments are repeated.
pub(super) fn formatlist(a: &[Value]) -> FnResult {
    let length = a[1..].iter().filter_map(|v| v.as_list().map(<[Value]>::len)).max();
    let Some(length) = length else {
        return Ok(Value::List(vec![Value::String(format_text(&string(a, 0)?, &a[1..])?)]));
    };
    let mut out = Vec::with_capacity(length);
    for row in 0..length {
        let mut row_args = Vec::new();
        for (i, arg) in a[1..].iter().enumerate() {
            match arg.as_list() {
                Some(items) if items.len() != length => {
                    return Err(arg_error(
                        i + 1,
                        format!("all list arguments must have the same length ({length})"),
                    ))
                }
                Some(items) => row_args.push(items[row].clone()),
                None => row_args.push(arg.clone()),
            }
        }
        out.push(Value::String(format_text(&string(a, 0)?, &row_args)?));
    }
    Ok(Value::List(out))
}

/// `join(separator, lists...)`.
pub(super) fn join(a: &[Value]) -> FnResult {
    let separator = string(a, 0)?;
    let mut parts = Vec::new();
    for i in 1..a.len() {
        for item in super::list(a, i)? {
            parts.push(to_string_value(&item).ok_or_else(|| {
                arg_error(i, format!("every element must be a string, got {}", item.describe()))
            })?);
        }
    }
    Ok(Value::String(parts.join(&separator)))
}

pub(super) fn lower(a: &[Value]) -> FnResult {
    Ok(Value::String(string(a, 0)?.to_lowercase()))
}

/// `regex(pattern, string)`: the first match (see [`capture_value`]), which must exist.
pub(super) fn regex(a: &[Value]) -> FnResult {
    let (regex, text) = compile(a)?;
    let names: Vec<Option<&str>> = regex.capture_names().collect();
    match regex.captures(&text) {
        Some(captures) => Ok(capture_value(&names, &captures)),
        None => {
            Err(FunctionError::Failed("pattern did not match any part of the given string".into()))
        }
    }
}

/// `regexall(pattern, string)`: every match (see [`capture_value`]).
pub(super) fn regexall(a: &[Value]) -> FnResult {
    let (regex, text) = compile(a)?;
    let names: Vec<Option<&str>> = regex.capture_names().collect();
    Ok(Value::List(
        regex.captures_iter(&text).map(|captures| capture_value(&names, &captures)).collect(),
    ))
}

/// The pattern of `regex` and `regexall`, compiled, and the text to search.
fn compile(a: &[Value]) -> Result<(::regex::Regex, String), FunctionError> {
    let pattern = string(a, 0)?;
    let text = string(a, 1)?;
    let regex = ::regex::Regex::new(&pattern)
        .map_err(|e| arg_error(0, format!("error parsing pattern: {e}")))?;
    let names: Vec<Option<&str>> = regex.capture_names().collect();
    let named = names.iter().skip(1).filter(|n| n.is_some()).count();
    if named > 0 && named < names.len() - 1 {
        return Err(arg_error(
            0,
            "invalid regexp pattern: cannot mix both named and unnamed capture groups",
        ));
    }
    Ok((regex, text))
}

/// One match: the matched text when the pattern has no groups, a map of the named groups,
/// or a list of the unnamed ones. `names` are the pattern's capture names, the whole match's
/// first.
fn capture_value(names: &[Option<&str>], captures: &::regex::Captures) -> Value {
    if names.len() == 1 {
        return Value::String(captures.get(0).map(|m| m.as_str().to_string()).unwrap_or_default());
    }
    if names.iter().skip(1).any(Option::is_some) {
        return Value::Map(
            names
                .iter()
                .flatten()
                .map(|n| {
                    (
                        n.to_string(),
                        captures.name(n).map(|m| Value::string(m.as_str())).unwrap_or_default(),
                    )
                })
                .collect(),
        );
    }
    Value::List(
        (1..names.len())
            .map(|i| captures.get(i).map(|m| Value::string(m.as_str())).unwrap_or_default())
            .collect(),
    )
}

/// `replace(string, search, replacement)`: a search written `/.../` is a regular expression.
pub(super) fn replace(a: &[Value]) -> FnResult {
    let text = string(a, 0)?;
    let search = string(a, 1)?;
    let replacement = string(a, 2)?;
    if search.len() >= 2 && search.starts_with('/') && search.ends_with('/') {
        let pattern = &search[1..search.len() - 1];
        let regex = ::regex::Regex::new(pattern)
            .map_err(|e| arg_error(1, format!("invalid regular expression /{pattern}/: {e}")))?;
        Ok(Value::String(regex.replace_all(&text, replacement.as_str()).into_owned()))
    } else {
        Ok(Value::String(text.replace(&search, &replacement)))
    }
}

/// `split(separator, string)`: an empty string gives an empty list.
pub(super) fn split(a: &[Value]) -> FnResult {
    let separator = string(a, 0)?;
    let text = string(a, 1)?;
    if text.is_empty() {
        Ok(Value::List(vec![]))
    } else {
        Ok(Value::List(text.split(separator.as_str()).map(Value::string).collect()))
    }
}

pub(super) fn startswith(a: &[Value]) -> FnResult {
    Ok(Value::Bool(string(a, 0)?.starts_with(&string(a, 1)?)))
}

pub(super) fn strcontains(a: &[Value]) -> FnResult {
    Ok(Value::Bool(string(a, 0)?.contains(&string(a, 1)?)))
}

/// `strrev`: the characters in reverse order, keeping each user-perceived character whole.
pub(super) fn strrev(a: &[Value]) -> FnResult {
    let text = string(a, 0)?;
    Ok(Value::String(graphemes(&text).into_iter().rev().collect()))
}

/// `substr(string, offset, length)`. Offsets and lengths count user-perceived characters, as
/// Terraform's do.
pub(super) fn substr(a: &[Value]) -> FnResult {
    let text = string(a, 0)?;
    let chars = graphemes(&text);
    let length_total = chars.len() as i64;
    let mut offset = integer(a, 1)?;
    let length = integer(a, 2)?;
    if offset < 0 {
        offset += length_total;
    }
    let offset = offset.clamp(0, length_total);
    let end = if length < 0 { length_total } else { (offset + length).min(length_total) };
    Ok(Value::String(chars[offset as usize..end.max(offset) as usize].concat()))
}

/// `title`: the first letter of every word in upper case.
pub(super) fn title(a: &[Value]) -> FnResult {
    let text = string(a, 0)?;
    let mut out = String::with_capacity(text.len());
    let mut start = true;
    for c in text.chars() {
        if start && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = !c.is_alphanumeric();
    }
    Ok(Value::String(out))
}

/// `trim(string, characters)`.
pub(super) fn trim(a: &[Value]) -> FnResult {
    let cutset: Vec<char> = string(a, 1)?.chars().collect();
    Ok(Value::String(string(a, 0)?.trim_matches(cutset.as_slice()).to_string()))
}

pub(super) fn trimprefix(a: &[Value]) -> FnResult {
    let text = string(a, 0)?;
    let prefix = string(a, 1)?;
    Ok(Value::String(text.strip_prefix(prefix.as_str()).unwrap_or(&text).to_string()))
}

pub(super) fn trimspace(a: &[Value]) -> FnResult {
    Ok(Value::String(string(a, 0)?.trim().to_string()))
}

pub(super) fn trimsuffix(a: &[Value]) -> FnResult {
    let text = string(a, 0)?;
    let suffix = string(a, 1)?;
    Ok(Value::String(text.strip_suffix(suffix.as_str()).unwrap_or(&text).to_string()))
}

pub(super) fn upper(a: &[Value]) -> FnResult {
    Ok(Value::String(string(a, 0)?.to_uppercase()))
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

/// Terraform's `format` verbs: `%s %d %f %.Nf %v %q %t %x %%`, with width and zero padding.
fn format_text(spec: &str, args: &[Value]) -> Result<String, FunctionError> {
    let mut out = String::new();
    let mut chars = spec.chars().peekable();
    let mut next = 0usize;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut flags = String::new();
        while let Some(&f) = chars.peek() {
            if f == '-' || f == '0' || f == '+' || f == ' ' || f == '#' {
                flags.push(f);
                chars.next();
            } else {
                break;
            }
        }
        let mut width = String::new();
        while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            width.push(d);
            chars.next();
        }
        let mut precision: Option<usize> = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut p = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                p.push(d);
                chars.next();
            }
            precision = Some(p.parse().unwrap_or(0));
        }
        let Some(verb) = chars.next() else {
            return Err(arg_error(0, "the format string ends with an incomplete verb"));
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(value) = args.get(next) else {
            return Err(arg_error(
                0,
                format!("the format string needs more than {} argument(s)", args.len()),
            ));
        };
        let index = next + 1;
        next += 1;
        let text = match verb {
            's' => to_string_value(value).ok_or_else(|| {
                arg_error(index, format!("%s needs a string, got {}", value.describe()))
            })?,
            'd' => {
                let n = value.as_f64().ok_or_else(|| {
                    arg_error(index, format!("%d needs a number, got {}", value.describe()))
                })?;
                format!("{}", n.trunc() as i64)
            }
            'f' => {
                let n = value.as_f64().ok_or_else(|| {
                    arg_error(index, format!("%f needs a number, got {}", value.describe()))
                })?;
                format!("{:.*}", precision.unwrap_or(6), n)
            }
            'x' => {
                let n = value.as_i64().ok_or_else(|| {
                    arg_error(index, format!("%x needs a whole number, got {}", value.describe()))
                })?;
                format!("{n:x}")
            }
            't' => value
                .as_bool()
                .ok_or_else(|| {
                    arg_error(index, format!("%t needs a bool, got {}", value.describe()))
                })?
                .to_string(),
            'v' => match value {
                Value::String(s) => s.clone(),
                other => other.to_json().to_string(),
            },
            'q' => serde_json::Value::String(to_string_value(value).ok_or_else(|| {
                arg_error(index, format!("%q needs a string, got {}", value.describe()))
            })?)
            .to_string(),
            other => return Err(arg_error(0, format!("unsupported format verb %{other}"))),
        };
        let width: usize = width.parse().unwrap_or(0);
        let padding = width.saturating_sub(text.chars().count());
        if flags.contains('-') {
            out.push_str(&text);
            out.push_str(&" ".repeat(padding));
        } else if flags.contains('0') && matches!(verb, 'd' | 'f') {
            let (sign, digits) =
                text.strip_prefix('-').map(|d| ("-", d)).unwrap_or(("", text.as_str()));
            out.push_str(sign);
            out.push_str(&"0".repeat(padding));
            out.push_str(digits);
        } else {
            out.push_str(&" ".repeat(padding));
            out.push_str(&text);
        }
    }
    Ok(out)
}
