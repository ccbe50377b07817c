//! A small regular-expression matcher for the `name_regex` arguments of data sources
//! (`aws_ami`): infra-aws has no regex dependency, and the provider's patterns are short
//! (`^myami-\d{3}`, `amzn2-ami-hvm-.*-x86_64-gp2`). It finds a match anywhere in the text, as
//! Go's `regexp.MatchString` does, with RE2's syntax for: literals, `.`, `^`, `$`, classes
//! (`[a-z0-9_]`, `[^.]`), the escapes `\d \w \s \D \W \S` and escaped punctuation, groups
//! (`(...)`, `(?:...)`) with `|`, and the quantifiers `* + ? {n} {n,} {n,m}` (greedy or lazy;
//! laziness does not change whether a match exists). Anything else is an error naming the
//! pattern, never a silent non-match.

#[derive(Clone, Debug)]
enum Node {
    Char(char),
    Any,
    Start,
    End,
    Class(Vec<(char, char)>, bool),
    Group(Vec<Vec<Node>>),
    Repeat(Box<Node>, usize, Option<usize>),
}

struct Parser<'a> {
    chars: Vec<char>,
    at: usize,
    pattern: &'a str,
}

fn class_of(letter: char) -> Option<(Vec<(char, char)>, bool)> {
    let digits = vec![('0', '9')];
    let word = vec![('0', '9'), ('a', 'z'), ('A', 'Z'), ('_', '_')];
    let space = vec![(' ', ' '), ('\t', '\r')];
    Some(match letter {
        'd' => (digits, false),
        'D' => (digits, true),
        'w' => (word, false),
        'W' => (word, true),
        's' => (space, false),
        'S' => (space, true),
        _ => return None,
    })
}

impl Parser<'_> {
    fn error(&self, what: &str) -> String {
        format!("invalid name_regex \"{}\": {what}", self.pattern)
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn alternation(&mut self) -> Result<Vec<Vec<Node>>, String> {
        let mut branches = vec![self.sequence()?];
        while self.peek() == Some('|') {
            self.at += 1;
            branches.push(self.sequence()?);
        }
        Ok(branches)
    }

    fn sequence(&mut self) -> Result<Vec<Node>, String> {
        let mut nodes = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            nodes.push(self.quantified(atom)?);
        }
        Ok(nodes)
    }

    fn escape(&mut self) -> Result<Node, String> {
        let c = self.peek().ok_or_else(|| self.error("trailing backslash"))?;
        self.at += 1;
        if let Some((ranges, negated)) = class_of(c) {
            return Ok(Node::Class(ranges, negated));
        }
        match c {
            'n' => Ok(Node::Char('\n')),
            't' => Ok(Node::Char('\t')),
            c if c.is_ascii_punctuation() => Ok(Node::Char(c)),
            c => Err(self.error(&format!("unsupported escape \\{c}"))),
        }
    }

    fn atom(&mut self) -> Result<Node, String> {
        let c = self.peek().ok_or_else(|| self.error("unexpected end"))?;
        self.at += 1;
        match c {
            '.' => Ok(Node::Any),
            '^' => Ok(Node::Start),
            '$' => Ok(Node::End),
            '\\' => self.escape(),
            '(' => {
                if self.chars[self.at..].starts_with(&['?', ':']) {
                    self.at += 2;
                } else if self.peek() == Some('?') {
                    return Err(self.error("unsupported group flags"));
                }
                let branches = self.alternation()?;
                if self.peek() != Some(')') {
                    return Err(self.error("missing closing )"));
                }
                self.at += 1;
                Ok(Node::Group(branches))
            }
            '[' => self.class(),
            '*' | '+' | '?' => {
                Err(self.error(&format!("missing argument to repetition operator {c}")))
            }
            ')' => Err(self.error("unexpected )")),
            c => Ok(Node::Char(c)),
        }
    }

    fn class(&mut self) -> Result<Node, String> {
        let negated = self.peek() == Some('^');
        if negated {
            self.at += 1;
        }
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let c = self.peek().ok_or_else(|| self.error("missing closing ]"))?;
            self.at += 1;
            if c == ']' && !first {
                break;
            }
            first = false;
            let low = if c == '\\' {
                let e = self.peek().ok_or_else(|| self.error("trailing backslash"))?;
                self.at += 1;
                if let Some((more, false)) = class_of(e) {
                    ranges.extend(more);
                    continue;
                }
                if !e.is_ascii_punctuation() {
                    return Err(self.error(&format!("unsupported escape \\{e}")));
                }
                e
            } else {
                c
            };
            if self.peek() == Some('-') && self.chars.get(self.at + 1).is_some_and(|n| *n != ']') {
                let high = self.chars[self.at + 1];
                self.at += 2;
                if high < low {
                    return Err(self.error("invalid character class range"));
                }
                ranges.push((low, high));
            } else {
                ranges.push((low, low));
            }
        }
        Ok(Node::Class(ranges, negated))
    }

    fn number(&mut self) -> Option<usize> {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.at += 1;
        }
        self.chars[start..self.at].iter().collect::<String>().parse().ok()
    }

    fn quantified(&mut self, atom: Node) -> Result<Node, String> {
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => {
                let save = self.at;
                self.at += 1;
                let Some(min) = self.number() else {
                    self.at = save;
                    return Ok(atom);
                };
                let max = if self.peek() == Some(',') {
                    self.at += 1;
                    self.number()
                } else {
                    Some(min)
                };
                if self.peek() != Some('}') {
                    self.at = save;
                    return Ok(atom);
                }
                if max.is_some_and(|m| m < min) {
                    return Err(self.error("invalid repeat count"));
                }
                (min, max)
            }
            _ => return Ok(atom),
        };
        self.at += 1;
        if self.peek() == Some('?') {
            self.at += 1;
        }
        if matches!(atom, Node::Start | Node::End) {
            return Err(self.error("repetition of an anchor"));
        }
        Ok(Node::Repeat(Box::new(atom), min, max))
    }
}

/// A compiled `name_regex`.
#[derive(Debug)]
pub(crate) struct NameRegex {
    branches: Vec<Vec<Node>>,
}

impl NameRegex {
    pub(crate) fn new(pattern: &str) -> Result<NameRegex, String> {
        let mut parser = Parser { chars: pattern.chars().collect(), at: 0, pattern };
        let branches = parser.alternation()?;
        if parser.at != parser.chars.len() {
            return Err(parser.error("unexpected )"));
        }
        Ok(NameRegex { branches })
    }

    /// Whether the pattern matches anywhere in `text`.
    pub(crate) fn is_match(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        let root = Node::Group(self.branches.clone());
        (0..=chars.len()).any(|start| match_node(&root, &chars, start, &mut |_| true))
    }
}

/// Matches `node` at `at`, then calls `rest` with each end position until it accepts.
fn match_node(node: &Node, text: &[char], at: usize, rest: &mut dyn FnMut(usize) -> bool) -> bool {
    match node {
        Node::Char(c) => text.get(at) == Some(c) && rest(at + 1),
        Node::Any => text.get(at).is_some_and(|c| *c != '\n') && rest(at + 1),
        Node::Start => at == 0 && rest(at),
        Node::End => at == text.len() && rest(at),
        Node::Class(ranges, negated) => {
            text.get(at).is_some_and(|c| {
                ranges.iter().any(|(low, high)| (low..=high).contains(&c)) != *negated
            }) && rest(at + 1)
        }
        Node::Group(branches) => {
            branches.iter().any(|branch| match_sequence(branch, text, at, rest))
        }
        Node::Repeat(inner, min, max) => match_repeat(inner, *min, *max, 0, text, at, rest),
    }
}

fn match_sequence(
    nodes: &[Node],
    text: &[char],
    at: usize,
    rest: &mut dyn FnMut(usize) -> bool,
) -> bool {
    match nodes.split_first() {
        None => rest(at),
        Some((first, others)) => {
            match_node(first, text, at, &mut |next| match_sequence(others, text, next, rest))
        }
    }
}

fn match_repeat(
    inner: &Node,
    min: usize,
    max: Option<usize>,
    count: usize,
    text: &[char],
    at: usize,
    rest: &mut dyn FnMut(usize) -> bool,
) -> bool {
    if max.is_none_or(|max| count < max)
        && match_node(inner, text, at, &mut |next| {
            // An empty iteration cannot make progress; stop repeating.
            next != at && match_repeat(inner, min, max, count + 1, text, next, rest)
        })
    {
        return true;
    }
    count >= min && rest(at)
}

#[cfg(test)]
mod tests {
    use super::NameRegex;

    fn matches(pattern: &str, text: &str) -> bool {
        NameRegex::new(pattern).unwrap().is_match(text)
    }

    #[test]
    fn matches_like_go_match_string() {
        assert!(matches("^myami-\\d{3}", "myami-123-extra"));
        assert!(!matches("^myami-\\d{3}", "myami-12"));
        assert!(matches("amzn2-ami-hvm-.*-x86_64-gp2", "amzn2-ami-hvm-2.0.2023-x86_64-gp2"));
        assert!(matches("ebs$", "amzn-ami-ebs"));
        assert!(!matches("^ebs$", "amzn-ami-ebs"));
        assert!(matches("(ubuntu|debian)-[0-9]+\\.[0-9]+", "x-debian-12.4"));
        assert!(matches("^a(?:bc)*d$", "abcbcd"));
        assert!(!matches("^a(?:bc)+d$", "ad"));
        assert!(matches("[^.]+\\.img", "disk.img"));
        assert!(matches("x{2,}", "axxb"));
        assert!(matches("", "anything"));
        assert!(matches("^(a*)*$", "aaa"));
    }

    #[test]
    fn bad_patterns_are_errors() {
        assert!(NameRegex::new("(abc").is_err());
        assert!(NameRegex::new("[abc").is_err());
        assert!(NameRegex::new("*a").is_err());
        assert!(NameRegex::new("a)").is_err());
        assert!(NameRegex::new("\\p{L}").is_err());
    }
}
