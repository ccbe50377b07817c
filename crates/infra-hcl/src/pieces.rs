//! A large file parsed in pieces, one on each core.
//!
//! A file is cut after a line that is a lone `}` (where a top-level block ends), into about one
//! piece per core, and each piece is parsed on its own thread. A cut is kept only when every
//! piece parses: a cut inside any construct (a block, a heredoc, a comment, a string or its
//! interpolation) leaves the piece before it unclosed, which hcl-edit refuses. A piece that
//! parses ends with its last block's `}` and newline, where the parser looks no further, so the
//! whole file's parse reads the same structures from it, and the next piece starts where a body
//! starts. Each piece is parsed as the text before it blanked to spaces, then the piece, so that
//! every span is the file's own (hcl-edit's spans cannot be moved after parsing), and no line
//! number matters (infra reads line and column from its own copy of the text).
//!
//! Otherwise the file is parsed whole, which also gives any syntax error exactly as before: when
//! a piece fails to parse, or holds a top-level attribute (hcl-edit refuses a body's repeated
//! attribute, which pieces cannot see across them).

use hcl_edit::parser::Error;
use hcl_edit::structure::Body;
use hcl_edit::{Decorate, Span};

/// Below this size a file is parsed whole: a thread costs more than it saves.
const PIECE_MIN: usize = 256 * 1024;

/// `text` as hcl-edit's body, object constructors repeating a key accepted ([`crate::parse`]),
/// parsed in pieces on every core when it is large (see the module's documentation).
pub fn parse_body(text: &str) -> Result<Body, Error> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let count = cores.min(text.len() / PIECE_MIN).max(1);
    let cuts = cuts(text, count);
    if !cuts.is_empty() {
        if let Some(body) = parse_pieces(text, &cuts) {
            return Ok(body);
        }
    }
    crate::parse(text, hcl_edit::parser::parse_body)
}

/// Where `text` may be cut into about `count` pieces of equal size: at the start of the line
/// after a lone `}`, at or after each equal share.
fn cuts(text: &str, count: usize) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut cuts: Vec<usize> = Vec::new();
    for k in 1..count {
        let from = (text.len() * k / count).max(cuts.last().map_or(0, |last| last + 1));
        let Some(found) = bytes
            .get(from.saturating_sub(1)..)
            .and_then(|rest| rest.windows(3).position(|window| window == b"\n}\n"))
        else {
            break;
        };
        let cut = from.saturating_sub(1) + found + 3;
        if cut < text.len() {
            cuts.push(cut);
        }
    }
    cuts
}

/// The pieces between `cuts` parsed on their own threads and joined, or `None` when a piece
/// does not parse or holds a top-level attribute.
fn parse_pieces(text: &str, cuts: &[usize]) -> Option<Body> {
    let starts = std::iter::once(0).chain(cuts.iter().copied());
    let ends = cuts.iter().copied().chain(std::iter::once(text.len()));
    let ranges: Vec<(usize, usize)> = starts.zip(ends).collect();
    let bodies: Vec<Option<Body>> = std::thread::scope(|scope| {
        let rest: Vec<_> = ranges[1..]
            .iter()
            .map(|&(start, end)| scope.spawn(move || parse_piece(text, start, end)))
            .collect();
        let first = parse_piece(text, ranges[0].0, ranges[0].1);
        std::iter::once(first)
            .chain(rest.into_iter().map(|piece| piece.join().ok().flatten()))
            .collect()
    });
    let mut joined = Body::new();
    for body in bodies {
        let body = body?;
        if body.attributes().next().is_some() {
            return None;
        }
        joined.extend(body);
    }
    Some(joined)
}

/// `text[start..end]` parsed where it stands: the text before it blanked to spaces. The first
/// structure's prefix (the blanks, as hcl-edit keeps it) becomes the text as written.
fn parse_piece(text: &str, start: usize, end: usize) -> Option<Body> {
    let mut padded = " ".repeat(start);
    padded.push_str(&text[start..end]);
    let mut body = crate::parse(&padded, hcl_edit::parser::parse_body).ok()?;
    if let Some(mut first) = body.iter_mut().next() {
        let from = first.span().map_or(start, |span| span.start);
        first.decor_mut().set_prefix(&text[start..from]);
    }
    Some(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(count: usize) -> String {
        (0..count)
            .map(|i| format!("resource \"t\" \"r{i}\" {{\n  name = \"n{i}\"\n  nested {{\n    x = {i}\n  }}\n}}\n\n"))
            .collect()
    }

    #[test]
    fn cuts_fall_after_a_lone_closing_brace() {
        let text = blocks(10);
        let cuts = cuts(&text, 3);
        assert_eq!(cuts.len(), 2);
        for cut in cuts {
            assert!(text[..cut].ends_with("\n}\n"), "{:?}", &text[..cut]);
        }
        // No lone `}` line: no cut.
        assert!(super::cuts("x {\n  y = 1\n  }\n", 2).is_empty());
    }

    #[test]
    fn pieces_join_to_the_whole_files_body_with_its_spans() {
        let text = blocks(50);
        let whole = crate::parse(&text, hcl_edit::parser::parse_body).unwrap();
        let cuts = cuts(&text, 4);
        assert_eq!(cuts.len(), 3);
        let joined = parse_pieces(&text, &cuts).unwrap();
        assert_eq!(joined.len(), whole.len());
        for (a, b) in joined.iter().zip(whole.iter()) {
            assert_eq!(a.span(), b.span());
            assert_eq!(a.decor(), b.decor());
            let (a, b) = (a.as_block().unwrap(), b.as_block().unwrap());
            assert_eq!(a.labels, b.labels);
            assert_eq!(a.body, b.body);
        }
        let last = joined.iter().last().unwrap().span().unwrap();
        assert!(text[last].starts_with("resource \"t\" \"r49\""));
    }

    #[test]
    fn a_cut_inside_a_construct_is_not_kept() {
        // A lone `}` line inside a heredoc and inside a comment: the piece before is unclosed.
        let heredoc = "locals {\n  x = <<EOT\n}\nEOT\n}\nresource \"t\" \"r\" {\n}\n";
        let cut = heredoc.find("\n}\n").unwrap() + 3;
        assert!(parse_pieces(heredoc, &[cut]).is_none());
        let comment = "/*\n}\n*/\nresource \"t\" \"r\" {\n}\n";
        let cut = comment.find("\n}\n").unwrap() + 3;
        assert!(parse_pieces(comment, &[cut]).is_none());
        // The whole file still parses, as one piece.
        assert_eq!(parse_body(heredoc).unwrap().len(), 2);
    }

    #[test]
    fn top_level_attributes_are_parsed_whole() {
        // hcl-edit's "redefined attribute" spans the whole body: pieces would miss it.
        let text = "a = 1\nx {\n}\na = 2\n";
        let cut = text.find("\n}\n").unwrap() + 3;
        assert!(parse_pieces(text, &[cut]).is_none());
        assert!(parse_body(text).is_err());
    }
}
