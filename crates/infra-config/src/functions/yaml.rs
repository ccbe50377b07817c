//! `yamlencode` and `yamldecode`, as Terraform's YAML library (go-cty-yaml, a port of
//! libyaml) writes and reads YAML.
//!
//! Encoding follows libyaml's emitter with Terraform's choices: block style, every string
//! double-quoted except multi-line ones (literal `|` blocks), 2-space indentation, lines
//! folded after column 80, and `...` after a lone plain scalar.
//!
//! Decoding uses serde_yaml's parser but resolves plain scalars with YAML 1.1 rules as
//! Terraform does (`yes`/`no`/`on`/`off` are bools, dates become RFC 3339 strings, `<<`
//! merges mappings). A quoted scalar is always a string (see [`Converter`]).

use super::datetime::{format_rfc3339, make_time};
use super::{FnResult, FunctionError};
use infra_core::value::format_number;
use infra_core::Value;
use std::collections::BTreeMap;

const BEST_INDENT: i64 = 2;
const BEST_WIDTH: usize = 80;

/// Where a node is written, as libyaml tracks it.
#[derive(Clone, Copy, Default)]
struct Context {
    root: bool,
    mapping: bool,
    simple_key: bool,
}

/// The state of libyaml's emitter that Terraform's output depends on.
struct Emitter {
    out: String,
    column: usize,
    indent: i64,
    indents: Vec<i64>,
    whitespace: bool,
    indention: bool,
    open_ended: bool,
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// libyaml's printable set (4-byte characters are not in it).
fn is_printable(c: char) -> bool {
    matches!(c as u32, 0x0A | 0x20..=0x7E | 0xA0..=0xD7FF | 0xE000..=0xFFFD) && c != '\u{FEFF}'
}

/// What libyaml's scalar analysis says about a string.
struct Analysis {
    multiline: bool,
    block_allowed: bool,
}

fn analyze(value: &str) -> Analysis {
    if value.is_empty() {
        return Analysis { multiline: false, block_allowed: false };
    }
    let (mut line_breaks, mut special) = (false, false);
    let (mut trailing_space, mut space_break) = (false, false);
    let mut previous_space = false;
    let count = value.chars().count();
    for (i, c) in value.chars().enumerate() {
        if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            if i + 1 == count {
                trailing_space = true;
            }
            previous_space = true;
        } else if is_break(c) {
            line_breaks = true;
            if previous_space {
                space_break = true;
            }
            previous_space = false;
        } else {
            previous_space = false;
        }
    }
    Analysis { multiline: line_breaks, block_allowed: !(trailing_space || space_break || special) }
}

impl Emitter {
    fn new() -> Emitter {
        Emitter {
            out: String::new(),
            column: 0,
            indent: -1,
            indents: Vec::new(),
            whitespace: true,
            indention: true,
            open_ended: false,
        }
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_indent(&mut self) {
        let indent = usize::try_from(self.indent).unwrap_or(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(
        &mut self,
        text: &str,
        need_whitespace: bool,
        whitespace: bool,
        indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        text.chars().for_each(|c| self.put(c));
        self.whitespace = whitespace;
        self.indention = self.indention && indention;
        self.open_ended = false;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn restore_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn node(&mut self, value: &Value, context: Context) -> Result<(), String> {
        match value {
            Value::Null => self.plain_scalar("null", context),
            Value::Bool(b) => self.plain_scalar(if *b { "true" } else { "false" }, context),
            Value::Number(n) => self.plain_scalar(&number_text(*n), context),
            Value::String(s) => self.string_scalar(s, context),
            Value::List(items) if items.is_empty() => self.empty_flow("[", "]"),
            Value::Map(entries) if entries.is_empty() => self.empty_flow("{", "}"),
            Value::List(items) => {
                self.increase_indent(false, context.mapping && !self.indention);
                for item in items {
                    self.write_indent();
                    self.write_indicator("-", true, false, true);
                    self.node(item, Context::default())?;
                }
                self.restore_indent();
                Ok(())
            }
            Value::Map(entries) => {
                self.increase_indent(false, false);
                for (key, item) in entries {
                    self.write_indent();
                    let key_context = Context { mapping: true, ..Context::default() };
                    let simple = !analyze(key).multiline && key.len() <= 128;
                    if simple {
                        self.string_scalar(key, Context { simple_key: true, ..key_context })?;
                        self.write_indicator(":", false, false, false);
                    } else {
                        self.write_indicator("?", true, false, true);
                        self.string_scalar(key, key_context)?;
                        self.write_indent();
                        self.write_indicator(":", true, false, true);
                    }
                    self.node(item, key_context)?;
                }
                self.restore_indent();
                Ok(())
            }
            Value::Sensitive(inner) => self.node(inner, context),
            Value::Unknown => Err("cannot serialize unknown value as YAML".into()),
        }
    }

    fn empty_flow(&mut self, open: &str, close: &str) -> Result<(), String> {
        self.write_indicator(open, true, true, false);
        self.increase_indent(true, false);
        self.restore_indent();
        self.write_indicator(close, false, false, false);
        Ok(())
    }

    fn plain_scalar(&mut self, text: &str, context: Context) -> Result<(), String> {
        self.increase_indent(true, false);
        if !self.whitespace {
            self.put(' ');
        }
        text.chars().for_each(|c| self.put(c));
        self.whitespace = false;
        self.indention = false;
        if context.root {
            self.open_ended = true;
        }
        self.restore_indent();
        Ok(())
    }

    fn string_scalar(&mut self, text: &str, context: Context) -> Result<(), String> {
        let analysis = analyze(text);
        let literal = text.contains('\n') && analysis.block_allowed && !context.simple_key;
        self.increase_indent(true, false);
        if literal {
            self.literal(text);
        } else {
            self.double_quoted(text, !context.simple_key);
        }
        self.restore_indent();
        Ok(())
    }

    fn double_quoted(&mut self, text: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        // libyaml escapes everything in a string that starts with a byte order mark.
        let escape_all = text.starts_with('\u{FEFF}');
        let mut spaces = false;
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if escape_all || !is_printable(c) || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                match c {
                    '\0' => self.put('0'),
                    '\u{7}' => self.put('a'),
                    '\u{8}' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\u{b}' => self.put('v'),
                    '\u{c}' => self.put('f'),
                    '\r' => self.put('r'),
                    '\u{1b}' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{a0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    other => {
                        let code = other as u32;
                        let (letter, width) = match code {
                            0..=0xFF => ('x', 2),
                            0x100..=0xFFFF => ('u', 4),
                            _ => ('U', 8),
                        };
                        self.put(letter);
                        for c in format!("{code:0width$X}").chars() {
                            self.put(c);
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i + 1 < text.len()
                {
                    self.write_indent();
                    if chars.peek().is_some_and(|(_, next)| *next == ' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(' ');
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn literal(&mut self, text: &str) {
        self.write_indicator("|", true, false, false);
        let mut chars = text.chars();
        if chars.next().is_some_and(|c| c == ' ' || is_break(c)) {
            self.write_indicator(&BEST_INDENT.to_string(), false, false, false);
        }
        self.open_ended = false;
        let mut from_end = text.chars().rev();
        let chomp = match (from_end.next(), from_end.next()) {
            (Some(last), _) if !is_break(last) => Some("-"),
            (Some(_), None) => Some("+"),
            (Some(_), Some(before)) if is_break(before) => Some("+"),
            _ => None,
        };
        if let Some(chomp) = chomp {
            self.open_ended = chomp == "+";
            self.write_indicator(chomp, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for c in text.chars() {
            if is_break(c) {
                if c == '\n' {
                    self.put_break();
                } else {
                    self.out.push(c);
                    self.column = 0;
                }
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

/// A number as Terraform writes it: no exponent, shortest exact digits, `+Inf`/`-Inf`.
fn number_text(n: f64) -> String {
    if n.is_infinite() {
        return if n > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        format_number(n)
    } else {
        format!("{n}")
    }
}

/// `yamlencode(value)`.
pub(super) fn encode(value: &Value) -> Result<String, FunctionError> {
    let mut emitter = Emitter::new();
    emitter
        .node(value, Context { root: true, ..Context::default() })
        .map_err(FunctionError::Failed)?;
    // The end of the document, and of the stream.
    emitter.write_indent();
    if emitter.open_ended {
        emitter.write_indicator("...", true, false, false);
        emitter.write_indent();
    }
    Ok(emitter.out)
}

/// `yamldecode(source)`.
pub(super) fn decode(source: &str) -> FnResult {
    let parsed: serde_yaml::Value =
        serde_yaml::from_str(source).map_err(|e| FunctionError::Failed(e.to_string()))?;
    let mut converter = Converter { source, scalars: None, seen: BTreeMap::new() };
    converter.convert(parsed).map_err(FunctionError::Failed)
}

/// Turns serde_yaml's tree into a [`Value`], resolving plain scalars as Terraform does.
///
/// serde_yaml resolves plain scalars with YAML 1.2 rules and does not say which strings were
/// quoted. Where the rules differ (`yes`, `off`, dates, `0123`), the scalar's style is looked
/// up in a scan of the source: the n-th such string in the tree is the n-th scalar with the
/// same text in the document.
struct Converter<'s> {
    source: &'s str,
    /// The document's scalars in order, with whether each was quoted (scanned when needed).
    scalars: Option<Vec<(String, bool)>>,
    /// How many times each ambiguous string has been met so far.
    seen: BTreeMap<String, usize>,
}

impl<'s> Converter<'s> {
    fn convert(&mut self, value: serde_yaml::Value) -> Result<Value, String> {
        Ok(match value {
            serde_yaml::Value::Null => Value::Null,
            serde_yaml::Value::Bool(b) => Value::Bool(b),
            serde_yaml::Value::Number(n) => {
                let n = n.as_f64().unwrap_or(f64::NAN);
                if n.is_nan() {
                    return Err("floating point NaN is not supported".into());
                }
                Value::Number(n)
            }
            serde_yaml::Value::String(s) => {
                let resolved = resolve_plain(&s)?;
                if resolved == Value::String(s.clone()) || self.quoted(&s) {
                    Value::String(s)
                } else {
                    resolved
                }
            }
            serde_yaml::Value::Sequence(items) => Value::List(
                items.into_iter().map(|item| self.convert(item)).collect::<Result<_, _>>()?,
            ),
            serde_yaml::Value::Mapping(mapping) => {
                let mut entries = BTreeMap::new();
                for (key, value) in mapping {
                    let key = self.convert(key)?;
                    let value = self.convert(value)?;
                    let key = match key {
                        Value::String(s) if s == "<<" => {
                            merge(&mut entries, value)?;
                            continue;
                        }
                        Value::String(s) => s,
                        Value::Number(n) => format_number(n),
                        Value::Bool(b) => b.to_string(),
                        Value::Null => return Err("mapping key cannot be null".into()),
                        _ => return Err("only strings are allowed as mapping keys".into()),
                    };
                    entries.insert(key, value);
                }
                Value::Map(entries)
            }
            serde_yaml::Value::Tagged(tagged) => {
                return Err(format!("unsupported tag \"{}\"", tagged.tag))
            }
        })
    }

    /// Whether this occurrence of an ambiguous string was quoted in the document.
    fn quoted(&mut self, text: &str) -> bool {
        let source = self.source;
        let scalars = self.scalars.get_or_insert_with(|| scan_scalars(source));
        let seen = self.seen.entry(text.to_string()).or_insert(0);
        let mut same = scalars.iter().filter(|(t, _)| t == text);
        let style = same.clone().nth(*seen).or_else(|| same.next_back());
        *seen += 1;
        style.is_some_and(|(_, quoted)| *quoted)
    }
}

/// The scalars of a YAML document in order, each with whether it was quoted. A light scan,
/// not a parser: comments, block scalars, anchors, aliases and tags are skipped, and a plain
/// scalar is read to the end of its line (or to `: `, ` #` or a flow indicator).
fn scan_scalars(source: &str) -> Vec<(String, bool)> {
    let bytes = source.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut flow, mut line_indent, mut line_start) = (0, 0usize, 0, true);
    let blank_or_end =
        |j: usize| j >= bytes.len() || matches!(bytes[j], b' ' | b'\t' | b'\r' | b'\n');
    while i < bytes.len() {
        if line_start {
            line_indent = bytes[i..].iter().take_while(|b| **b == b' ').count();
            i += line_indent;
            line_start = false;
            let rest = &source[i..];
            if rest.starts_with('%') {
                i += rest.find('\n').unwrap_or(rest.len());
                continue;
            }
            if (rest.starts_with("---") || rest.starts_with("...")) && blank_or_end(i + 3) {
                i += 3;
            }
            continue;
        }
        let c = bytes[i];
        let after_blank = i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'\n');
        match c {
            b'\n' => {
                line_start = true;
                i += 1;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            b'#' if after_blank => i += source[i..].find('\n').unwrap_or(source.len() - i),
            b'"' | b'\'' => {
                let mut text = String::new();
                let mut j = i + 1;
                while j < bytes.len() {
                    if bytes[j] == c {
                        if c == b'\'' && bytes.get(j + 1) == Some(&b'\'') {
                            text.push('\'');
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    if c == b'"' && bytes[j] == b'\\' && j + 1 < bytes.len() {
                        let escaped = source[j + 1..].chars().next().map_or(1, char::len_utf8);
                        text.push_str(&source[j..j + 1 + escaped]);
                        j += 1 + escaped;
                        continue;
                    }
                    let width = source[j..].chars().next().map_or(1, char::len_utf8);
                    text.push_str(&source[j..j + width]);
                    j += width;
                }
                out.push((text, true));
                i = j + 1;
            }
            b'[' | b'{' => {
                flow += 1;
                i += 1;
            }
            b']' | b'}' => {
                flow = flow.saturating_sub(1);
                i += 1;
            }
            b',' if flow > 0 => i += 1,
            b'-' | b'?' | b':' if blank_or_end(i + 1) => i += 1,
            b'&' | b'*' | b'!' => {
                while i < bytes.len()
                    && !blank_or_end(i)
                    && !(flow > 0 && matches!(bytes[i], b',' | b']' | b'}'))
                {
                    i += 1;
                }
            }
            b'|' | b'>' if flow == 0 => {
                // A block scalar: its lines are those indented deeper than this one.
                i += source[i..].find('\n').unwrap_or(source.len() - i);
                while i < bytes.len() {
                    let next = i + 1;
                    let indent = bytes[next..].iter().take_while(|b| **b == b' ').count();
                    let content = bytes.get(next + indent);
                    if content.is_some_and(|b| *b != b'\n' && *b != b'\r') && indent <= line_indent
                    {
                        break;
                    }
                    i = next + source[next..].find('\n').unwrap_or(source.len() - next);
                }
            }
            _ => {
                let mut j = i;
                while j < bytes.len() {
                    let b = bytes[j];
                    if b == b'\n'
                        || (b == b'#' && j > 0 && matches!(bytes[j - 1], b' ' | b'\t'))
                        || (b == b':'
                            && (blank_or_end(j + 1)
                                || (flow > 0
                                    && matches!(bytes.get(j + 1), Some(b',' | b']' | b'}')))))
                        || (flow > 0 && matches!(b, b',' | b']' | b'}'))
                    {
                        break;
                    }
                    j += source[j..].chars().next().map_or(1, char::len_utf8);
                }
                out.push((source[i..j].trim_end().to_string(), false));
                i = j;
            }
        }
    }
    out
}

/// A `<<` merge key: a mapping, or a sequence of mappings, whose entries are added.
fn merge(entries: &mut BTreeMap<String, Value>, value: Value) -> Result<(), String> {
    match value {
        Value::Map(merged) => entries.extend(merged),
        Value::List(items) => {
            for item in items {
                match item {
                    Value::Map(merged) => entries.extend(merged),
                    other => {
                        return Err(format!(
                            "cannot merge {} (from sequence) into mapping",
                            other.type_name()
                        ))
                    }
                }
            }
        }
        other => return Err(format!("cannot merge {} into mapping", other.type_name())),
    }
    Ok(())
}

fn parse_number(text: &str) -> Result<Value, String> {
    text.parse::<f64>()
        .map(Value::Number)
        .map_err(|_| format!("cannot parse {text:?} as tag:yaml.org,2002:float"))
}

/// YAML 1.1 resolution of a plain scalar that serde_yaml left as a string.
fn resolve_plain(text: &str) -> Result<Value, String> {
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return Ok(Value::Bool(true))
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Ok(Value::Bool(false))
        }
        "" | "~" | "null" | "Null" | "NULL" => return Ok(Value::Null),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Ok(Value::Number(f64::INFINITY))
        }
        "-.inf" | "-.Inf" | "-.INF" => return Ok(Value::Number(f64::NEG_INFINITY)),
        ".nan" | ".NaN" | ".NAN" => return Err("floating point NaN is not supported".into()),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if first == b'.' {
        return Ok(parse_number(text).unwrap_or_else(|_| Value::string(text)));
    }
    if !(first.is_ascii_digit() || first == b'+' || first == b'-') {
        return Ok(Value::string(text));
    }
    if let Some(timestamp) = resolve_timestamp(text) {
        return Ok(Value::String(timestamp));
    }
    let digits = |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c.is_digit(radix));
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits(unsigned, 10) || is_yaml_float(text) {
        return parse_number(text);
    }
    for (prefix, radix) in [("0o", 8), ("0x", 16)] {
        if let Some(body) = text.strip_prefix(prefix).filter(|b| digits(b, radix)) {
            return u64::from_str_radix(body, radix)
                .map(|n| Value::Number(n as f64))
                .map_err(|_| format!("cannot parse {text:?} as tag:yaml.org,2002:int"));
        }
    }
    Ok(Value::string(text))
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_yaml_float(text: &str) -> bool {
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", fraction)) => !fraction.is_empty() && all_digits(fraction),
        Some((whole, fraction)) => all_digits(whole) && all_digits(fraction),
        None => !mantissa.is_empty() && all_digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && all_digits(e)
    });
    mantissa_ok && exponent_ok
}

/// YAML timestamps (`2001-12-14`, `2001-12-14T21:59:43.10-05:00`, `2001-12-14 21:59:43`)
/// as RFC 3339 strings, as Terraform decodes them.
fn resolve_timestamp(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    if bytes.len() < 5 || !bytes[..4].iter().all(u8::is_ascii_digit) || bytes[4] != b'-' {
        return None;
    }
    /// One or two digits, then the rest.
    fn number(text: &str) -> Option<(u32, &str)> {
        let count = text.bytes().take(2).take_while(u8::is_ascii_digit).count();
        if count == 0 {
            return None;
        }
        Some((text[..count].parse().ok()?, &text[count..]))
    }
    let year: i32 = text[..4].parse().ok()?;
    let (month, rest) = number(&text[5..])?;
    let (day, rest) = number(rest.strip_prefix('-')?)?;
    let date = (year, u8::try_from(month).ok()?, u8::try_from(day).ok()?);
    if rest.is_empty() {
        return make_time(date, (0, 0, 0, 0), 0).map(format_rfc3339);
    }
    let zoned = !rest.starts_with(' ');
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let (hour, rest) = number(rest)?;
    let (minute, rest) = number(rest.strip_prefix(':')?)?;
    let (second, mut rest) = number(rest.strip_prefix(':')?)?;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        rest = &fraction[digits..];
    }
    let offset = if !zoned {
        (rest.is_empty()).then_some(0)?
    } else if rest == "Z" {
        0
    } else {
        let sign = match rest.as_bytes().first()? {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        let (hours, minutes) = rest[1..].split_once(':')?;
        if hours.len() != 2 || minutes.len() != 2 {
            return None;
        }
        let (hours, minutes): (i32, i32) = (hours.parse().ok()?, minutes.parse().ok()?);
        if hours > 24 || minutes > 60 {
            return None;
        }
        sign * (hours * 3600 + minutes * 60)
    };
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let time = (hour as u8, minute as u8, second as u8, 0);
    make_time(date, time, offset).map(format_rfc3339)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{err, list, n, ok, s};
    use super::{decode, encode};
    use infra_core::Value;

    fn yaml(value: Value) -> String {
        encode(&value).unwrap()
    }

    #[test]
    fn yamlencode_like_terraform_docs() {
        assert_eq!(
            ok("yamlencode({\"a\": \"b\", \"c\": \"d\"})"),
            s("\"a\": \"b\"\n\"c\": \"d\"\n")
        );
        assert_eq!(
            ok("yamlencode({\"foo\": [1, 2, 3], \"bar\": \"baz\"})"),
            s("\"bar\": \"baz\"\n\"foo\":\n- 1\n- 2\n- 3\n")
        );
        assert_eq!(
            ok("yamlencode({\"foo\": [1, {\"a\": \"b\", \"c\": \"d\"}, 3], \"bar\": \"baz\"})"),
            s("\"bar\": \"baz\"\n\"foo\":\n- 1\n- \"a\": \"b\"\n  \"c\": \"d\"\n- 3\n")
        );
    }

    #[test]
    fn yamlencode_like_go_cty_yaml() {
        // go-cty-yaml's own expectations.
        assert_eq!(yaml(Value::Bool(true)), "true\n...\n");
        assert_eq!(yaml(s("")), "\"\"\n");
        assert_eq!(yaml(s("hello")), "\"hello\"\n");
        assert_eq!(yaml(s("hello\nworld")), "|-\n  hello\n  world\n");
        assert_eq!(yaml(n(0.0)), "0\n...\n");
        assert_eq!(yaml(n(f64::INFINITY)), "+Inf\n...\n");
        assert_eq!(yaml(n(f64::NEG_INFINITY)), "-Inf\n...\n");
        assert_eq!(yaml(Value::Map(Default::default())), "{}\n");
        assert_eq!(yaml(Value::map([("a", s("b"))])), "\"a\": \"b\"\n");
        assert_eq!(yaml(Value::List(vec![])), "[]\n");
        assert_eq!(yaml(list(&["b"])), "- \"b\"\n");
        assert_eq!(yaml(Value::Null), "null\n...\n");
    }

    #[test]
    fn yamlencode_layout() {
        assert_eq!(
            ok("yamlencode({a = {b = [[1, 2], []], c = {}, d = null, e = 1.5, f = false}})"),
            s("\"a\":\n  \"b\":\n  - - 1\n    - 2\n  - []\n  \"c\": {}\n  \"d\": null\n  \"e\": 1.5\n  \"f\": false\n")
        );
        assert_eq!(yaml(n(1e21)), "1000000000000000000000\n...\n");
        assert_eq!(yaml(n(-0.25)), "-0.25\n...\n");
        // Multi-line strings are literal blocks, with libyaml's indentation and chomping hints.
        assert_eq!(yaml(Value::map([("k", s("a\nb\n"))])), "\"k\": |\n  a\n  b\n");
        assert_eq!(yaml(s("a\n\n")), "|+\n  a\n\n");
        assert_eq!(yaml(s(" a\nb")), "|2-\n   a\n  b\n");
        assert_eq!(yaml(list(&["x\n\ny"])), "- |-\n  x\n\n  y\n");
        // ... unless they cannot be: trailing spaces, tabs, characters outside libyaml's set.
        assert_eq!(yaml(s("a \nb")), "\"a \\nb\"\n");
        assert_eq!(yaml(s("a\tb\nc")), "\"a\\tb\\nc\"\n");
        assert_eq!(yaml(s("q\"\\ \u{1b}\u{85}\u{1F600}é☃")), "\"q\\\"\\\\ \\e\\N\\U0001F600é☃\"\n");
        // Keys that cannot be simple keys use "? ".
        assert_eq!(yaml(Value::map([("a\nb", n(1.0))])), "? |-\n  a\n  b\n: 1\n");
        let long_key = "k".repeat(129);
        assert_eq!(
            yaml(Value::map([(long_key.as_str(), n(1.0))])),
            format!("? \"{long_key}\"\n: 1\n")
        );
        assert_eq!(
            yaml(Value::map([("a", Value::map([("b\nc", list(&["d"]))]))])),
            "\"a\":\n  ? |-\n    b\n    c\n  : - \"d\"\n"
        );
    }

    #[test]
    fn yamlencode_folds_long_strings_after_column_80() {
        let words: Vec<String> = (0..30).map(|i| format!("word{i}")).collect();
        let text = words.join(" ");
        let encoded = yaml(Value::map([("k", s(&text))]));
        assert_eq!(
            encoded,
            "\"k\": \"word0 word1 word2 word3 word4 word5 word6 word7 word8 word9 word10 word11 word12\n  word13 word14 word15 word16 word17 word18 word19 word20 word21 word22 word23 word24\n  word25 word26 word27 word28 word29\"\n"
        );
        // A folded line break reads back as the space it replaced.
        assert_eq!(decode(&encoded).unwrap(), Value::map([("k", s(&text))]));
        // Two spaces at a fold keep the second one escaped.
        let spaced = format!("{} {}", "x".repeat(85), "y");
        assert_eq!(decode(&yaml(s(&spaced))).unwrap(), s(&spaced));
        let double = format!("{}  {}", "x".repeat(85), "y");
        let encoded = yaml(s(&double));
        assert_eq!(encoded, format!("\"{}\n  \\ {}\"\n", "x".repeat(85), "y"));
        assert_eq!(decode(&encoded).unwrap(), s(&double));
    }

    #[test]
    fn yamlencode_round_trips() {
        let value = ok("{a = [1, \"two\", true, null, {b = \"multi\\nline\\n\"}], \"odd key\" = \"yes\", n = 0.5, e = [], m = {}}");
        assert_eq!(decode(&encode(&value).unwrap()).unwrap(), value);
    }

    #[test]
    fn yamldecode_like_terraform_docs() {
        assert_eq!(ok("yamldecode(\"hello: world\")"), Value::map([("hello", s("world"))]));
        assert_eq!(ok("yamldecode(\"true\")"), Value::Bool(true));
        let numbers = Value::List(vec![n(1.0), n(2.0), n(3.0)]);
        assert_eq!(
            ok("yamldecode(\"{a: &foo [1, 2, 3], b: *foo}\")"),
            Value::map([("a", numbers.clone()), ("b", numbers)])
        );
        assert!(err("yamldecode(\"{a: &foo [1, *foo, 3]}\")")
            .starts_with("Call to function \"yamldecode\" failed"));
        assert!(err("yamldecode(\"{a: !not-supported foo}\")")
            .contains("unsupported tag \"!not-supported\""));
    }

    #[test]
    fn yamldecode_like_go_cty_yaml() {
        assert_eq!(decode("---").unwrap(), Value::Null);
        assert_eq!(decode("~").unwrap(), Value::Null);
        assert_eq!(decode("").unwrap(), Value::Null);
        let merged = Value::map([("a", s("aa")), ("b", s("bb")), ("c", s("cc")), ("d", s("dd"))]);
        assert_eq!(decode("a: aa\n<<:\n  b: bb\n  c: cc\nd: dd\n").unwrap(), merged);
        assert_eq!(decode("a: aa\n<<:\n  - b: bb\n  - c: cc\nd: dd\n").unwrap(), merged);
        assert_eq!(
            decode("a: &foo\n  beep: boop\nb:\n  <<: *foo\n  bleep: bloop\n").unwrap(),
            Value::map([
                ("a", Value::map([("beep", s("boop"))])),
                ("b", Value::map([("beep", s("boop")), ("bleep", s("bloop"))])),
            ])
        );
        assert!(decode("<<: 1")
            .unwrap_err()
            .to_string()
            .contains("cannot merge number into mapping"));
    }

    #[test]
    fn yamldecode_resolves_plain_scalars_like_yaml_1_1() {
        let source = "\
a: yes
b: 'yes'
c: \"no\"
d: off
e: 2001-12-14
f: 2001-12-14t21:59:43.10-05:00
g: 2001-12-14 21:59:43.10
h: 0123
i: 0o17
j: 0x1F
k: 1.5e3
l: 1_000
m: .inf
neg: -.5
n: plain n is false, even as a key
o: ~
p: \"2001-12-14\"
q: [Y, n, 'y', On]
r: |
  yes
s: yes # a comment
on: key
'off': key
1: one
";
        let want = Value::map([
            ("a", Value::Bool(true)),
            ("b", s("yes")),
            ("c", s("no")),
            ("d", Value::Bool(false)),
            ("e", s("2001-12-14T00:00:00Z")),
            ("f", s("2001-12-14T21:59:43-05:00")),
            ("g", s("2001-12-14T21:59:43Z")),
            ("h", n(123.0)),
            ("i", n(15.0)),
            ("j", n(31.0)),
            ("k", n(1500.0)),
            ("l", s("1_000")),
            ("m", n(f64::INFINITY)),
            ("neg", n(-0.5)),
            ("false", s("plain n is false, even as a key")),
            ("o", Value::Null),
            ("p", s("2001-12-14")),
            (
                "q",
                Value::List(vec![Value::Bool(true), Value::Bool(false), s("y"), Value::Bool(true)]),
            ),
            ("r", s("yes\n")),
            ("s", Value::Bool(true)),
            ("true", s("key")),
            ("off", s("key")),
            ("1", s("one")),
        ]);
        assert_eq!(decode(source).unwrap(), want);
        assert_eq!(
            decode("- a\n- [1, yes, 'no', \"on\"]\n- {x: n}").unwrap(),
            Value::List(vec![
                s("a"),
                Value::List(vec![n(1.0), Value::Bool(true), s("no"), s("on")]),
                Value::map([("x", Value::Bool(false))]),
            ])
        );
    }

    #[test]
    fn yamldecode_errors() {
        assert!(decode("a: .nan")
            .unwrap_err()
            .to_string()
            .contains("floating point NaN is not supported"));
        assert!(decode("a: 1\n---\nb: 2\n").is_err());
        assert!(decode("a: [1, 2").is_err());
        assert!(decode("? [1]\n: x")
            .unwrap_err()
            .to_string()
            .contains("only strings are allowed as mapping keys"));
        assert!(decode("~: x").unwrap_err().to_string().contains("mapping key cannot be null"));
    }
}
