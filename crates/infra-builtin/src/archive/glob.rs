//! The glob patterns `archive_file`'s `excludes` take, as the provider's doublestar library
//! reads them: `*` (any run within one path segment), `?` (one character), `[abc]`, `[a-z]`,
//! `[!abc]` or `[^abc]` (one character of a class), `{a,b}` (alternatives), `**` as a whole
//! segment (any number of directories, none included) and `\` to escape. Paths are matched
//! whole, segment by segment, with `/` as the separator.

/// True when `path` (relative, `/`-separated) matches `pattern`.
pub fn matches(pattern: &str, path: &str) -> bool {
    let path_segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    expand_braces(pattern).iter().any(|expanded| {
        let pattern_segments: Vec<&str> = expanded.split('/').filter(|s| !s.is_empty()).collect();
        match_segments(&pattern_segments, &path_segments)
    })
}

fn match_segments(pattern: &[&str], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((&"**", rest)) => (0..=path.len()).any(|skip| match_segments(rest, &path[skip..])),
        Some((first, rest)) => match path.split_first() {
            Some((name, remaining)) => {
                match_segment(&first.chars().collect::<Vec<_>>(), &name.chars().collect::<Vec<_>>())
                    && match_segments(rest, remaining)
            }
            None => false,
        },
    }
}

/// One segment: `*`, `?`, classes and escapes.
fn match_segment(pattern: &[char], name: &[char]) -> bool {
    match pattern.first() {
        None => name.is_empty(),
        Some('*') => (0..=name.len()).any(|skip| match_segment(&pattern[1..], &name[skip..])),
        Some('?') => !name.is_empty() && match_segment(&pattern[1..], &name[1..]),
        Some('[') => match (class_match(&pattern[1..], name.first().copied()), name.first()) {
            (Some((true, consumed)), Some(_)) => {
                match_segment(&pattern[1 + consumed..], &name[1..])
            }
            (Some(_), _) => false,
            // No closing bracket: a literal `[`.
            (None, _) => name.first() == Some(&'[') && match_segment(&pattern[1..], &name[1..]),
        },
        Some('\\') if pattern.len() > 1 => {
            name.first() == Some(&pattern[1]) && match_segment(&pattern[2..], &name[1..])
        }
        Some(literal) => name.first() == Some(literal) && match_segment(&pattern[1..], &name[1..]),
    }
}

/// Matches `c` against the class starting after `[`: whether it matched, and how many pattern
/// characters the class used (through the `]`). `None` when the class never closes.
fn class_match(class: &[char], c: Option<char>) -> Option<(bool, usize)> {
    let mut index = 0;
    let negated = matches!(class.first(), Some('!') | Some('^'));
    if negated {
        index += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let current = *class.get(index)?;
        if current == ']' && !first {
            index += 1;
            break;
        }
        first = false;
        let (low, after_low) = if current == '\\' {
            (*class.get(index + 1)?, index + 2)
        } else {
            (current, index + 1)
        };
        if class.get(after_low) == Some(&'-') && class.get(after_low + 1).is_some_and(|c| *c != ']')
        {
            let high_index = after_low + 1;
            let (high, after_high) = if class[high_index] == '\\' {
                (*class.get(high_index + 1)?, high_index + 2)
            } else {
                (class[high_index], high_index + 1)
            };
            if c.is_some_and(|c| low <= c && c <= high) {
                matched = true;
            }
            index = after_high;
        } else {
            if c == Some(low) {
                matched = true;
            }
            index = after_low;
        }
    }
    Some((matched != negated, index))
}

/// `{a,b}c` as `["ac", "bc"]`, nested braces included; a brace that never closes is literal.
fn expand_braces(pattern: &str) -> Vec<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut index = 0;
    while index < chars.len() {
        match chars[index] {
            '\\' => index += 2,
            '{' => {
                let Some((close, alternatives)) = brace_group(&chars, index) else {
                    index += 1;
                    continue;
                };
                let before: String = chars[..index].iter().collect();
                let after: String = chars[close + 1..].iter().collect();
                return alternatives
                    .iter()
                    .flat_map(|alternative| expand_braces(&format!("{before}{alternative}{after}")))
                    .collect();
            }
            _ => index += 1,
        }
    }
    vec![pattern.to_string()]
}

/// The closing index and top-level alternatives of the brace group opening at `open`.
fn brace_group(chars: &[char], open: usize) -> Option<(usize, Vec<String>)> {
    let mut depth = 0;
    let mut alternatives = Vec::new();
    let mut current = String::new();
    let mut index = open + 1;
    while index < chars.len() {
        let c = chars[index];
        match c {
            '\\' => {
                current.push(c);
                if let Some(next) = chars.get(index + 1) {
                    current.push(*next);
                }
                index += 2;
                continue;
            }
            '{' => depth += 1,
            '}' if depth == 0 => {
                alternatives.push(current);
                return Some((index, alternatives));
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                alternatives.push(std::mem::take(&mut current));
                index += 1;
                continue;
            }
            _ => {}
        }
        current.push(c);
        index += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_stay_within_a_segment() {
        assert!(matches("*.txt", "file.txt"));
        assert!(!matches("*.txt", "dir/file.txt"));
        assert!(matches("dir/*.txt", "dir/file.txt"));
        assert!(matches("test-dir1", "test-dir1"));
        assert!(!matches("test-dir1", "test-dir1/file1.txt"));
        assert!(matches("file?.txt", "file1.txt"));
        assert!(!matches("file?.txt", "file10.txt"));
    }

    #[test]
    fn double_star_spans_directories() {
        assert!(matches("**/*.pyc", "a.pyc"));
        assert!(matches("**/*.pyc", "a/b/c.pyc"));
        assert!(matches("dir/**", "dir/x/y"));
        assert!(matches("**/node_modules/**", "web/node_modules/left-pad/index.js"));
        assert!(!matches("**/node_modules/**", "web/src/index.js"));
    }

    #[test]
    fn classes_braces_and_escapes() {
        assert!(matches("file[12].txt", "file2.txt"));
        assert!(!matches("file[12].txt", "file3.txt"));
        assert!(matches("file[a-c].txt", "fileb.txt"));
        assert!(matches("file[!a-c].txt", "filed.txt"));
        assert!(!matches("file[^a-c].txt", "filea.txt"));
        assert!(matches("*.{js,css}", "site.css"));
        assert!(matches("{a,b/{c,d}}.txt", "b/d.txt"));
        assert!(!matches("*.{js,css}", "site.html"));
        assert!(matches("literal\\*", "literal*"));
        assert!(!matches("literal\\*", "literally"));
    }
}
