//! Splits a Markdown file into its YAML front matter and its body.

use std::path::Path;

use crate::diagnostic::{Diagnostic, Position};

/// The two parts of a file, with where the body starts.
#[derive(Debug, PartialEq)]
pub(crate) struct Split<'a> {
    pub yaml: &'a str,
    pub body: &'a str,
    /// Lines before the body's first line, to locate things in the body.
    pub body_line_offset: usize,
}

/// Front matter opens with a `---` line at the very top and closes with the
/// next `---` (or `...`) line. CRLF line endings are accepted.
pub(crate) fn split<'a>(text: &'a str, file: &Path) -> Result<Split<'a>, Diagnostic> {
    let first = text.split_inclusive('\n').next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(Diagnostic::error(file, Position::start(), "this file has no front matter")
            .with_hint("start the file with a line `---`, the YAML fields (title, date, summary, ...), then another `---` line before the text"));
    }
    let yaml_start = first.len();
    // The lines after the first, as `split_inclusive` gives them, each
    // line break found by `memchr` in bulk: a front matter is some two
    // hundred lines.
    let mut offset = yaml_start;
    let mut i = 0;
    while offset < text.len() {
        let end = memchr::memchr(b'\n', &text.as_bytes()[offset..])
            .map_or(text.len(), |k| offset + k + 1);
        let line = &text[offset..end];
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                body: &text[end..],
                body_line_offset: i + 2,
            });
        }
        offset = end;
        i += 1;
    }
    Err(
        Diagnostic::error(file, Position::start(), "the front matter is never closed").with_hint(
            "add a line `---` after the last front matter field, before the text begins",
        ),
    )
}

/// Converts byte offsets in a body into positions in the whole file. It
/// walks forward from the last offset asked for, so locating every link of
/// a long body in order costs one pass, not one pass per link.
pub(crate) struct Locator<'a> {
    body: &'a str,
    line_offset: usize,
    byte: usize,
    line: usize,
    line_start: usize,
}

impl<'a> Locator<'a> {
    pub(crate) fn new(body: &'a str, line_offset: usize) -> Self {
        Locator {
            body,
            line_offset,
            byte: 0,
            line: 1,
            line_start: 0,
        }
    }

    pub(crate) fn position(&mut self, byte: usize) -> Position {
        let byte = byte.min(self.body.len());
        if byte < self.byte {
            *self = Locator::new(self.body, self.line_offset);
        }
        for (i, c) in self.body[self.byte..byte].char_indices() {
            if c == '\n' {
                self.line += 1;
                self.line_start = self.byte + i + 1;
            }
        }
        self.byte = byte;
        let column = self.body[self.line_start..byte].chars().count() + 1;
        Position::new(self.line + self.line_offset, column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_from_body() {
        let s = split("---\ntitle: x\n---\nBody\n", Path::new("f")).unwrap();
        assert_eq!(s.yaml, "title: x\n");
        assert_eq!(s.body, "Body\n");
        assert_eq!(s.body_line_offset, 3);
    }

    #[test]
    fn accepts_crlf_line_endings() {
        let s = split("---\r\ntitle: x\r\n---\r\nBody\r\n", Path::new("f")).unwrap();
        assert_eq!(s.yaml, "title: x\r\n");
        assert_eq!(s.body, "Body\r\n");
    }

    #[test]
    fn the_first_closing_line_ends_the_front_matter_wherever_it_is() {
        // Closed with `...`, trailing blanks on the line, many lines in.
        let fields: String = (0..300).map(|i| format!("f{i}: {i}\n")).collect();
        let text = format!("---\n{fields}...  \nBody\n---\nmore");
        let s = split(&text, Path::new("f")).unwrap();
        assert_eq!(s.yaml, fields);
        assert_eq!(s.body, "Body\n---\nmore");
        assert_eq!(s.body_line_offset, 302);
        // A closing line that is the file's last, with no line break.
        let s = split("---\na: 1\n---", Path::new("f")).unwrap();
        assert_eq!((s.yaml, s.body, s.body_line_offset), ("a: 1\n", "", 3));
        // An empty front matter, and `---` inside a value is not a close.
        let s = split("---\n---\nx", Path::new("f")).unwrap();
        assert_eq!((s.yaml, s.body, s.body_line_offset), ("", "x", 2));
        let s = split("---\na: \"---\"\n --- \n---\n", Path::new("f")).unwrap();
        assert_eq!((s.yaml, s.body), ("a: \"---\"\n --- \n", ""));
    }

    #[test]
    fn reports_unclosed_front_matter() {
        let err = split("---\ntitle: x\n", Path::new("f")).unwrap_err();
        assert!(err.message.contains("never closed"));
    }

    #[test]
    fn a_locator_walks_forward_and_back() {
        let body = "ab\ncd\nef";
        let mut locator = Locator::new(body, 2);
        assert_eq!(locator.position(4), Position::new(4, 2));
        assert_eq!(locator.position(7), Position::new(5, 2));
        assert_eq!(locator.position(1), Position::new(3, 2));
    }

    #[test]
    fn body_positions_count_from_the_top_of_the_file() {
        assert_eq!(
            Locator::new("a\nbc [x]", 3).position(5),
            Position::new(5, 4)
        );
    }
}
