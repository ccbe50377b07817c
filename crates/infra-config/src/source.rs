//! Source files as read from disk, kept whole so that byte spans from hcl-edit can be turned
//! into `file:line:column` locations with the offending line as a snippet.

use infra_core::{Diagnostic, Location};
use std::ops::Range;
use std::path::PathBuf;

/// One file read by [`crate::load`] (or a `.tfvars` file), with its line index.
#[derive(Debug, Clone)]
pub(crate) struct SourceFile {
    /// The path shown in diagnostics.
    pub path: PathBuf,
    /// The path relative to the root module directory, used for the configuration digest.
    pub relative: String,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(path: PathBuf, relative: String, text: String) -> SourceFile {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile { path, relative, text, line_starts }
    }

    /// The location of a byte offset.
    pub fn location(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts[line_index];
        let end = self
            .line_starts
            .get(line_index + 1)
            .map(|e| e.saturating_sub(1))
            .unwrap_or(self.text.len());
        let line_text = self.text.get(start..end).unwrap_or("");
        let column = self.text.get(start..offset).map(|s| s.chars().count()).unwrap_or(0) + 1;
        Location {
            file: self.path.clone(),
            line: line_index + 1,
            column,
            snippet: line_text.trim_end_matches('\r').to_string(),
        }
    }

    pub fn span_location(&self, span: Option<Range<usize>>) -> Option<Location> {
        span.map(|s| self.location(s.start))
    }

    /// Parses the file as an HCL body, turning a syntax error into a located diagnostic. An
    /// object constructor may repeat a key, as in Terraform ([`crate::repeated_keys`]).
    pub fn parse(&self) -> Result<hcl_edit::structure::Body, Box<Diagnostic>> {
        infra_hcl::parse_body(&self.text).map_err(|error| {
            let location = error.location();
            let message = error.message().to_string();
            let at_end = self.text[location.offset().min(self.text.len())..].trim().is_empty();
            if at_end {
                if let Some(open) = self.unclosed_brace() {
                    return Box::new(
                        Diagnostic::error(
                            "Unclosed configuration block",
                            "There is no closing brace for this block before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.",
                        )
                        .at(Some(self.location(open))),
                    );
                }
            }
            let summary = if message.contains("redefined attribute") {
                "Attribute redefined"
            } else {
                "Invalid HCL syntax"
            };
            // The line as written: hcl-edit's is of the text it parsed last, which may hold a
            // repeated key's placeholder.
            let snippet = self.location(location.offset()).snippet;
            Box::new(
                Diagnostic::error(summary, message).at(Some(Location {
                    file: self.path.clone(),
                    line: location.line(),
                    column: location.column(),
                    snippet,
                })),
            )
        })
    }

    /// The byte offset of the innermost `{` never closed, skipping strings and comments.
    fn unclosed_brace(&self) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let mut stack = Vec::new();
        let mut i = 0;
        let mut in_string = false;
        while i < bytes.len() {
            let c = bytes[i];
            if in_string {
                match c {
                    b'\\' => i += 1,
                    b'"' | b'\n' => in_string = false,
                    _ => {}
                }
            } else {
                match c {
                    b'"' => in_string = true,
                    b'#' => {
                        while i < bytes.len() && bytes[i] != b'\n' {
                            i += 1;
                        }
                    }
                    b'/' if bytes.get(i + 1) == Some(&b'/') => {
                        while i < bytes.len() && bytes[i] != b'\n' {
                            i += 1;
                        }
                    }
                    b'{' => stack.push(i),
                    b'}' => {
                        stack.pop();
                    }
                    _ => {}
                }
            }
            i += 1;
        }
        stack.last().copied()
    }
}

/// A file's name as diagnostics show it, like Terraform's: `main.tf` for `./main.tf`, and
/// `modules/vpc/main.tf` for a local module called as `./modules/vpc` (no `./` components).
pub(crate) fn display_path(dir: &std::path::Path, name: &str) -> PathBuf {
    let dir: PathBuf =
        dir.components().filter(|part| !matches!(part, std::path::Component::CurDir)).collect();
    dir.join(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_lines_and_columns() {
        let file = SourceFile::new("a.tf".into(), "a.tf".into(), "ab\ncdé\nx".into());
        let loc = file.location(4);
        assert_eq!((loc.line, loc.column, loc.snippet.as_str()), (2, 2, "cdé"));
        let loc = file.location(8);
        assert_eq!((loc.line, loc.column), (3, 1));
    }

    #[test]
    fn file_names_read_without_current_directory_parts() {
        let shown = |dir: &str| display_path(std::path::Path::new(dir), "main.tf");
        assert_eq!(shown("."), PathBuf::from("main.tf"));
        assert_eq!(shown(""), PathBuf::from("main.tf"));
        assert_eq!(shown("././modules/vpc"), PathBuf::from("modules/vpc/main.tf"));
        assert_eq!(shown("./../shared/./net"), PathBuf::from("../shared/net/main.tf"));
        assert_eq!(shown("/srv/stack"), PathBuf::from("/srv/stack/main.tf"));
    }
}
