//! Located problems in a site, and how they are shown.
//!
//! Every stage reports what is wrong with the content as a [`Diagnostic`]
//! instead of stopping, so a writer sees every problem of a build at once.
//! A diagnostic names the file, line and column as the writer sees them in
//! their editor (front matter lines are counted from the top of the file),
//! the field it concerns, and a hint on how to fix it.

use std::fmt;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity as ReportSeverity};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor};

/// How bad a problem is: errors fail the build, warnings do not. A note
/// is no problem at all: the evidence report's findings say where a reader
/// may find the evidence thin, which can be by design (a withheld source).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Note,
}

/// A place in a file: 1-based line, 1-based column (in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    pub fn new(line: usize, column: usize) -> Self {
        Position { line, column }
    }

    /// The start of a file, for problems that concern a whole file.
    pub fn start() -> Self {
        Position { line: 1, column: 1 }
    }
}

/// One problem found in the site.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file, relative to the site root where possible.
    pub file: PathBuf,
    pub position: Position,
    /// The front matter field it concerns, such as `claims[2].sources[0]`.
    pub field: Option<String>,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(file: impl Into<PathBuf>, position: Position, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            position,
            field: None,
            message: message.into(),
            hint: None,
        }
    }

    pub fn warning(
        file: impl Into<PathBuf>,
        position: Position,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, position, message)
        }
    }

    /// A finding that is no problem to fix: shown, counted as a note,
    /// never failing anything.
    pub fn note(file: impl Into<PathBuf>, position: Position, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Note,
            ..Diagnostic::error(file, position, message)
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:column`, the form editors and terminals make clickable.
    pub fn location(&self) -> String {
        format!(
            "{}:{}:{}",
            self.file.display(),
            self.position.line,
            self.position.column
        )
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        write!(f, "{}: {kind}: {}", self.location(), self.message)?;
        if let Some(field) = &self.field {
            write!(f, " (in `{field}`)")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// The known name nearest to a mistyped one, if it is near enough to be
/// what the writer meant.
pub fn closest<'a>(wanted: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    known
        .map(|k| (edit_distance(wanted, k), k))
        .min()
        .filter(|(d, k)| *d <= 1.max(k.len() / 3))
        .map(|(_, k)| k)
}

/// Edits (insert, delete, replace, swap two neighbours) from `a` to `b`:
/// a swapped pair is one typo, as in `kmi` for `kim`.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// Sorts diagnostics by file and position, errors before warnings at the same
/// place, so output is stable from run to run whatever order threads finish.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.file, a.position, a.severity, &a.message)
            .cmp(&(&b.file, b.position, b.severity, &b.message))
    });
}

/// Renders diagnostics with the offending source line and a caret under the
/// column, reading each file again from `root`; when it cannot (the file
/// vanished or the line is gone), the plain one-line form is used.
pub fn render(
    diagnostics: &[Diagnostic],
    root: &Path,
    out: &mut dyn termcolor::WriteColor,
) -> std::io::Result<()> {
    render_each(diagnostics.iter(), root, out)
}

/// [`render`] for diagnostics picked out of a longer list, with no copy.
///
/// Each file is read once, however many problems it has (a large archive
/// can have tens of thousands of warnings), and let go after its last one
/// is printed: diagnostics come sorted by file, so only one file's text is
/// held at a time, rather than all of the content of an archive with a
/// warning in every file.
pub fn render_each<'d, I>(
    diagnostics: I,
    root: &Path,
    out: &mut dyn termcolor::WriteColor,
) -> std::io::Result<()>
where
    I: Iterator<Item = &'d Diagnostic> + Clone,
{
    let mut last: std::collections::HashMap<&Path, usize> = Default::default();
    for (i, diagnostic) in diagnostics.clone().enumerate() {
        last.insert(&diagnostic.file, i);
    }
    let mut read: std::collections::HashMap<&Path, Option<SimpleFile<String, String>>> =
        Default::default();
    let config = term::Config::default();
    for (i, diagnostic) in diagnostics.enumerate() {
        let file = read
            .entry(&diagnostic.file)
            .or_insert_with(|| read_text(root, &diagnostic.file));
        let severity = match diagnostic.severity {
            Severity::Error => ReportSeverity::Error,
            Severity::Warning => ReportSeverity::Warning,
            Severity::Note => ReportSeverity::Note,
        };
        let mut notes = Vec::new();
        if let Some(field) = &diagnostic.field {
            notes.push(format!("field: {field}"));
        }
        if let Some(hint) = &diagnostic.hint {
            notes.push(format!("hint: {hint}"));
        }
        let mut report = Report::new(severity)
            .with_message(&diagnostic.message)
            .with_notes(notes);
        let range = file
            .as_ref()
            .and_then(|file| Some((file, byte_range(file.source(), diagnostic.position)?)));
        match range {
            Some((file, range)) => {
                report = report.with_labels(vec![Label::primary((), range)]);
                if term::emit(out, &config, file, &report).is_err() {
                    writeln!(out, "{diagnostic}")?;
                }
            }
            None => writeln!(out, "{diagnostic}")?,
        }
        if last.get(diagnostic.file.as_path()) == Some(&i) {
            read.remove(diagnostic.file.as_path());
        }
    }
    Ok(())
}

/// A file's text to quote lines from, if it can be read and is text.
fn read_text(root: &Path, path: &Path) -> Option<SimpleFile<String, String>> {
    let bytes = std::fs::read(root.join(path)).ok()?;
    // An image or other binary file has no line to show: quoting it
    // would print its bytes to the terminal. A NUL near the start tells
    // binary from text, as git does.
    if memchr::memchr(0, &bytes[..bytes.len().min(8000)]).is_some() {
        return None;
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => String::from_utf8_lossy(err.as_bytes()).into_owned(),
    };
    Some(SimpleFile::new(path.display().to_string(), text))
}

/// Renders diagnostics as plain text without colour, for the browser overlay
/// and for tests that snapshot what a writer sees.
pub fn render_plain(diagnostics: &[Diagnostic], root: &Path) -> String {
    let mut buffer = termcolor::Buffer::no_color();
    let _ = render(diagnostics, root, &mut buffer);
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

/// The byte range to underline: from the column to the end of the word or
/// value there, at least one character.
fn byte_range(text: &str, position: Position) -> Option<std::ops::Range<usize>> {
    let line_start = if position.line <= 1 {
        0
    } else {
        memchr::memchr_iter(b'\n', text.as_bytes())
            .nth(position.line - 2)
            .map(|i| i + 1)?
    };
    let line_end = memchr::memchr(b'\n', &text.as_bytes()[line_start..])
        .map_or(text.len(), |i| line_start + i);
    let line = text[line_start..line_end].trim_end_matches('\r');
    let start = line
        .char_indices()
        .nth(position.column.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    let rest = &line[start..];
    let len = rest
        .find([',', ']', '}', '#'])
        .unwrap_or(rest.len())
        .min(rest.trim_end().len());
    // A map key is underlined without its colon.
    let len = if rest[..len].ends_with(':') {
        len - 1
    } else {
        len
    };
    let end = start + len.max(rest.chars().next().map_or(0, char::len_utf8));
    Some(line_start + start..line_start + end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_changes() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "ab"), 2);
        assert_eq!(edit_distance("kmi", "kim"), 1);
    }

    #[test]
    fn closest_finds_a_near_name_only() {
        let names = ["summary", "title", "date"];
        assert_eq!(closest("sumary", names.into_iter()), Some("summary"));
        assert_eq!(closest("verdict", names.into_iter()), None);
        // Two letters off a four-letter name is a different word.
        assert_eq!(closest("note", names.into_iter()), None);
    }

    #[test]
    fn byte_range_points_at_the_value_on_its_line() {
        let text = "---\ntitle: x\nspeaker: nebenzia\n";
        let range = byte_range(text, Position::new(3, 10)).unwrap();
        assert_eq!(&text[range], "nebenzia");
    }

    #[test]
    fn byte_range_stops_at_flow_punctuation() {
        let text = "sources: [un-charter, unsc-1718]\n";
        let range = byte_range(text, Position::new(1, 23)).unwrap();
        assert_eq!(&text[range], "unsc-1718");
    }

    #[test]
    fn byte_range_of_a_key_leaves_out_the_colon() {
        let text = "sources:\n  rent-index:\n";
        let range = byte_range(text, Position::new(2, 3)).unwrap();
        assert_eq!(&text[range], "rent-index");
    }

    #[test]
    fn a_file_named_again_after_another_is_still_quoted() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "---\ntitle: x\nspeaker: kim\n").unwrap();
        std::fs::write(dir.path().join("b.md"), "---\ntitle: y\n").unwrap();
        let diagnostics = [
            Diagnostic::warning("a.md", Position::new(2, 8), "first"),
            Diagnostic::warning("b.md", Position::new(2, 8), "second"),
            Diagnostic::warning("a.md", Position::new(3, 10), "third"),
        ];
        let text = render_plain(&diagnostics, dir.path());
        assert!(text.contains("title: x"), "{text}");
        assert!(text.contains("title: y"), "{text}");
        assert!(text.contains("speaker: kim"), "{text}");
        assert!(!text.contains("a.md:3:10: warning"), "{text}");
    }

    #[test]
    fn a_binary_file_is_named_but_not_quoted() {
        let dir = tempfile::tempdir().unwrap();
        // A NUL in the first 8,000 bytes marks a binary file; one after
        // them does not.
        let mut binary = b"title: binary one\n".to_vec();
        binary.extend([0u8; 4]);
        let mut text = b"title: text one\n".to_vec();
        text.extend(std::iter::repeat_n(b'x', 8000));
        text.push(0);
        std::fs::write(dir.path().join("photo.jpg"), &binary).unwrap();
        std::fs::write(dir.path().join("long.md"), &text).unwrap();
        let diagnostics = [
            Diagnostic::warning("photo.jpg", Position::new(1, 8), "first"),
            Diagnostic::warning("long.md", Position::new(1, 8), "second"),
        ];
        let shown = render_plain(&diagnostics, dir.path());
        assert!(shown.contains("photo.jpg"), "{shown}");
        assert!(!shown.contains("binary one"), "{shown}");
        assert!(shown.contains("title: text one"), "{shown}");
    }

    #[test]
    fn byte_range_of_a_line_past_the_end_is_none() {
        assert!(byte_range("one line", Position::new(3, 1)).is_none());
    }
}
