//! `infra fmt`: canonical layout for `.tf` files, line by line over a light tokenizer.
//!
//! Indentation is two spaces per open bracket, `=` gets one space either side and is aligned
//! within runs of consecutive single-line attributes at the same depth, comments and blank
//! lines stay, heredoc bodies are left untouched, trailing whitespace goes, and the file ends
//! with exactly one newline. The layout is a fixed point: formatting twice changes nothing.

use crate::source::SourceFile;
use infra_core::Diagnostics;

/// Returns `source` canonically formatted, or the parse diagnostics when it is malformed.
pub fn format_source(source: &str) -> Result<String, Diagnostics> {
    let file = SourceFile::new("<input>".into(), "<input>".into(), source.to_string());
    file.parse().map_err(|d| Diagnostics::from(*d))?;

    let mut lines: Vec<Line> = Vec::new();
    let mut scanner = Scanner::default();
    let mut heredoc: Option<String> = None;
    for raw in source.lines() {
        if let Some(delimiter) = &heredoc {
            let done = raw.trim() == delimiter;
            lines.push(Line::verbatim(raw.trim_end_matches('\r')));
            if done {
                heredoc = None;
            }
            continue;
        }
        if scanner.in_block_comment {
            let (_, _) = scanner.scan(raw);
            lines.push(Line::verbatim(raw.trim_end()));
            continue;
        }
        let trimmed = raw.trim();
        let depth_before = scanner.depth;
        let (opened_heredoc, leading_closers) = scanner.scan(trimmed);
        let indent = depth_before.saturating_sub(leading_closers);
        let mut line = Line {
            text: trimmed.to_string(),
            indent,
            attribute_key: None,
            single_line: scanner.depth == depth_before && opened_heredoc.is_none(),
            verbatim: false,
        };
        if let Some((key, value)) = split_attribute(trimmed) {
            line.text = value.to_string();
            line.attribute_key = Some(key.to_string());
        }
        lines.push(line);
        heredoc = opened_heredoc;
    }

    // Align `=` within runs of consecutive single-line attributes at the same depth.
    let mut widths = vec![0usize; lines.len()];
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].aligned() {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut width = 0;
        while j < lines.len() && lines[j].aligned() && lines[j].indent == lines[i].indent {
            width =
                width.max(lines[j].attribute_key.as_ref().map(|k| k.chars().count()).unwrap_or(0));
            j += 1;
        }
        for w in widths.iter_mut().take(j).skip(i) {
            *w = width;
        }
        i = j;
    }

    let mut out = String::with_capacity(source.len());
    for (line, width) in lines.iter().zip(widths) {
        if line.verbatim {
            out.push_str(line.text.trim_end_matches(['\r']));
            out.push('\n');
            continue;
        }
        let body = match &line.attribute_key {
            Some(key) => {
                let pad = width.saturating_sub(key.chars().count());
                format!("{key}{} = {}", " ".repeat(pad), line.text)
            }
            None => line.text.clone(),
        };
        if body.is_empty() {
            out.push('\n');
        } else {
            out.push_str(&"  ".repeat(line.indent));
            out.push_str(body.trim_end());
            out.push('\n');
        }
    }
    let trimmed = out.trim_end_matches(['\n', ' ', '\t']);
    let mut result = trimmed.to_string();
    result.push('\n');
    if trimmed.is_empty() {
        result.clear();
    }
    Ok(result)
}

struct Line {
    text: String,
    indent: usize,
    attribute_key: Option<String>,
    single_line: bool,
    verbatim: bool,
}

impl Line {
    fn verbatim(text: &str) -> Line {
        Line {
            text: text.to_string(),
            indent: 0,
            attribute_key: None,
            single_line: false,
            verbatim: true,
        }
    }

    fn aligned(&self) -> bool {
        !self.verbatim && self.single_line && self.attribute_key.is_some()
    }
}

/// `key = value` (not `==`) with an identifier or quoted key; returns both sides trimmed.
fn split_attribute(line: &str) -> Option<(&str, &str)> {
    let bytes = line.as_bytes();
    let key_end = if bytes.first() == Some(&b'"') {
        line[1..].find('"')? + 2
    } else {
        let end = line
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(line.len());
        if end == 0 || !line.as_bytes()[0].is_ascii_alphabetic() && line.as_bytes()[0] != b'_' {
            return None;
        }
        end
    };
    let rest = line[key_end..].trim_start();
    let value = rest.strip_prefix('=')?;
    if value.starts_with('=') || value.starts_with('>') {
        return None;
    }
    Some((&line[..key_end], value.trim()))
}

/// Tracks bracket depth across lines, skipping strings, template interpolations and
/// comments.
#[derive(Default)]
struct Scanner {
    depth: usize,
    in_block_comment: bool,
}

impl Scanner {
    /// Scans one line; returns a heredoc delimiter opened on it and how many closing brackets
    /// the line starts with (they dedent the line itself).
    fn scan(&mut self, line: &str) -> (Option<String>, usize) {
        let chars: Vec<char> = line.chars().collect();
        let mut leading_closers = 0;
        let mut leading = true;
        let mut heredoc = None;
        // Stack of contexts inside the line: strings and interpolations nest.
        #[derive(PartialEq)]
        enum Mode {
            Code,
            String,
            Interpolation(usize),
        }
        let mut modes = vec![Mode::Code];
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if self.in_block_comment {
                if c == '*' && chars.get(i + 1) == Some(&'/') {
                    self.in_block_comment = false;
                    i += 2;
                } else {
                    i += 1;
                }
                continue;
            }
            match modes.last() {
                Some(Mode::String) => {
                    match c {
                        '\\' => i += 1,
                        '"' => {
                            modes.pop();
                        }
                        '$' | '%' if chars.get(i + 1) == Some(&'{') => {
                            modes.push(Mode::Interpolation(0));
                            i += 1;
                        }
                        _ => {}
                    }
                    i += 1;
                    continue;
                }
                Some(Mode::Interpolation(level)) => {
                    let level = *level;
                    match c {
                        '"' => modes.push(Mode::String),
                        '{' => {
                            modes.pop();
                            modes.push(Mode::Interpolation(level + 1));
                        }
                        '}' if level == 0 => {
                            modes.pop();
                        }
                        '}' => {
                            modes.pop();
                            modes.push(Mode::Interpolation(level - 1));
                        }
                        _ => {}
                    }
                    i += 1;
                    continue;
                }
                _ => {}
            }
            match c {
                '#' => break,
                '/' if chars.get(i + 1) == Some(&'/') => break,
                '/' if chars.get(i + 1) == Some(&'*') => {
                    self.in_block_comment = true;
                    i += 2;
                    continue;
                }
                '"' => modes.push(Mode::String),
                '<' if chars.get(i + 1) == Some(&'<') => {
                    let mut j = i + 2;
                    if chars.get(j) == Some(&'-') {
                        j += 1;
                    }
                    let delimiter: String = chars[j..]
                        .iter()
                        .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
                        .collect();
                    if !delimiter.is_empty() {
                        heredoc = Some(delimiter);
                        break;
                    }
                }
                '{' | '[' | '(' => self.depth += 1,
                '}' | ']' | ')' => {
                    self.depth = self.depth.saturating_sub(1);
                    if leading {
                        leading_closers += 1;
                    }
                }
                _ => {}
            }
            if !matches!(c, '}' | ']' | ')' | ' ' | '\t') {
                leading = false;
            }
            i += 1;
        }
        (heredoc, leading_closers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MESSY: &str = "resource \"aws_vpc\"   \"main\" {\ncidr_block=\"10.0.0.0/16\"   \n    enable_dns_hostnames   = true\n  # keep me\n\n      tags = {\n  Name = \"main\"\n     Environment=\"${var.env}-x\"\n}\n  policy = <<EOF\n   raw  text  \nEOF\n  list = [\n1,\n  2,\n  ]\n}\n\n\n";

    #[test]
    fn formats_like_terraform_fmt() {
        let formatted = format_source(MESSY).unwrap();
        let expected = "resource \"aws_vpc\"   \"main\" {\n  cidr_block           = \"10.0.0.0/16\"\n  enable_dns_hostnames = true\n  # keep me\n\n  tags = {\n    Name        = \"main\"\n    Environment = \"${var.env}-x\"\n  }\n  policy = <<EOF\n   raw  text  \nEOF\n  list = [\n    1,\n    2,\n  ]\n}\n";
        assert_eq!(formatted, expected);
    }

    #[test]
    fn formatting_is_idempotent() {
        let once = format_source(MESSY).unwrap();
        assert_eq!(format_source(&once).unwrap(), once);
    }

    #[test]
    fn malformed_input_returns_parse_errors() {
        let errors = format_source("resource \"a\" \"b\" {\n").unwrap_err();
        assert!(errors.has_errors());
        assert!(errors.0[0].location.is_some());
    }
}
