//! Strings and names as plan text writes them: a string quoted or as a heredoc, a changed
//! string line by line, an attribute name or map key quoted where it must be, and the
//! indentation. Shared by the value renderer ([`crate::values`]) and Terraform's differ and
//! renderers ([`crate::computed`]).

use std::borrow::Cow;
use std::fmt::{self, Write};

use similar::{ChangeTag, TextDiff};

use crate::style::Style;

/// `indent` spaces, written without making a `String`.
#[derive(Clone, Copy)]
pub(crate) struct Pad(usize);

impl fmt::Display for Pad {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:1$}", "", self.0)
    }
}

pub(crate) fn pad(indent: usize) -> Pad {
    Pad(indent)
}

/// A string as Terraform writes it (`renderers/primitive.go` `renderStringDiff`): quoted, or
/// when it has several lines a heredoc of its trimmed lines, each at `indent + 4`, closed at
/// `indent`; `null` when there is none. `replace` (`# forces replacement`) follows the value
/// or the heredoc's opening, `null_suffix` (` -> null`) the value.
pub(crate) fn write_string(
    out: &mut String,
    s: Option<&str>,
    indent: usize,
    replace: &str,
    null_suffix: &str,
) {
    match s {
        None => {
            let _ = write!(out, "null{replace}");
        }
        Some(s) if s.contains('\n') => {
            let _ = writeln!(out, "<<-EOT{replace}");
            for line in s.trim().split('\n') {
                let _ = writeln!(out, "{}{line}", pad(indent + 4));
            }
            let _ = write!(out, "{}EOT{null_suffix}", pad(indent));
        }
        Some(s) => {
            let _ = write!(
                out,
                "{}{null_suffix}{replace}",
                serde_json::to_string(s).unwrap_or_default()
            );
        }
    }
}

/// A changed string that is not JSON: `"old" -> "new"`, or for several lines a heredoc of
/// every line, the changed ones marked.
pub(crate) fn write_string_change(
    out: &mut String,
    before: Option<&str>,
    after: Option<&str>,
    indent: usize,
    replace: &str,
    style: Style,
) {
    match (before, after) {
        (Some(b), Some(a)) if b.contains('\n') || a.contains('\n') => {
            let _ = write!(
                out,
                "<<-EOT{replace}\n{}{}EOT",
                // `string.go` `evaluatePrimitiveString`: a string of several lines is
                // trimmed of the white space around it.
                line_diff(b.trim(), a.trim(), indent, style),
                pad(indent)
            );
        }
        _ => {
            let text = |s: Option<&str>| {
                s.map_or("null".to_string(), |s| serde_json::to_string(s).unwrap_or_default())
            };
            let _ = write!(out, "{} -> {}{replace}", text(before), text(after));
        }
    }
}

/// A line diff of every line, each marked: Terraform's `renderers/primitive.go`
/// (`renderStringDiff`) writes each line, unchanged ones too, through `collections.ProcessSlice`
/// (the deleted lines of a gap before the added ones).
fn line_diff(before: &str, after: &str, indent: usize, style: Style) -> String {
    let diff = TextDiff::from_lines(before, after);
    let mut out = String::new();
    for change in diff.iter_all_changes() {
        let line = change.value().trim_end_matches('\n');
        let marker = match change.tag() {
            ChangeTag::Delete => style.red("-"),
            ChangeTag::Insert => style.green("+"),
            ChangeTag::Equal => " ".to_string(),
        };
        out.push_str(&format!("{}{marker} {line}\n", pad(indent + 2)));
    }
    out
}

/// A name as Terraform writes it: bare when it is an identifier, quoted otherwise
/// (`renderers/util.go` `EnsureValidAttributeName`, `hclEscapeString`).
pub(crate) fn quoted_key(key: &str) -> Cow<'_, str> {
    if key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !key.starts_with(|c: char| c.is_ascii_digit())
    {
        Cow::Borrowed(key)
    } else {
        Cow::Owned(serde_json::to_string(key).unwrap_or_default())
    }
}
