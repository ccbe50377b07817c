//! Attribute paths such as `ingress[0].cidr_blocks`, used for sensitive marks, `ignore_changes`
//! and the causes of a replacement.

/// One step of an attribute path.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PathStep {
    Attr(String),
    Index(usize),
}

/// Parses `a.b[0].c` (also `a["b"]`) into steps. Never fails: odd input yields odd steps.
pub fn parse_path(path: &str) -> Vec<PathStep> {
    let mut steps = Vec::new();
    let mut current = String::new();
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                if !current.is_empty() {
                    steps.push(PathStep::Attr(std::mem::take(&mut current)));
                }
            }
            '[' => {
                if !current.is_empty() {
                    steps.push(PathStep::Attr(std::mem::take(&mut current)));
                }
                let mut inner = String::new();
                for c in chars.by_ref() {
                    if c == ']' {
                        break;
                    }
                    inner.push(c);
                }
                let inner = inner.trim();
                match inner.parse::<usize>() {
                    Ok(i) => steps.push(PathStep::Index(i)),
                    Err(_) => steps.push(PathStep::Attr(inner.trim_matches('"').to_string())),
                }
            }
            _ => current.push(c),
        }
    }
    if !current.is_empty() {
        steps.push(PathStep::Attr(current));
    }
    steps
}

/// Formats steps back into `a.b[0].c`.
pub fn format_path(steps: &[PathStep]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            PathStep::Attr(name) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            PathStep::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let steps = parse_path("ingress[0].cidr_blocks");
        assert_eq!(
            steps,
            vec![
                PathStep::Attr("ingress".into()),
                PathStep::Index(0),
                PathStep::Attr("cidr_blocks".into())
            ]
        );
        assert_eq!(format_path(&steps), "ingress[0].cidr_blocks");
        assert_eq!(parse_path("tags[\"Name\"]")[1], PathStep::Attr("Name".into()));
    }
}
