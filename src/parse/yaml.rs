//! YAML with locations: typed deserialisation through serde_yaml, and a map
//! from each field's path to where it is written.
//!
//! serde_yaml locates syntax and type errors but gives values no positions,
//! yet a reference to an unknown speaker must point at the line where the id
//! is written. [`Spans`] walks the same text with yaml-rust2's event parser to
//! find that line. It runs only when a diagnostic needs it, so a clean build
//! parses each file once.

use std::fmt;
use std::fmt::Write as _;
use std::marker::PhantomData;
use std::path::Path;
use std::sync::{Arc, Mutex};

use indexmap::IndexMap;
use rustc_hash::FxHashMap as HashMap;
use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::diagnostic::{Diagnostic, Position};
use crate::load::SourceFile;
use crate::parse::key_places::KeyPlaces;

/// A scalar read as text whatever YAML thinks it is, so `verdict: false`,
/// `id: 2024` and `date: 2024-10-31` all arrive as the characters written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Text(pub String);

impl Text {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl Visitor<'_> for TextVisitor {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a single value (text, a number, a date or true/false)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
        }
        // serde_yaml hands a plain scalar to `deserialize_str` as written, so
        // `1.50` stays `1.50` rather than becoming the number 1.5.
        deserializer.deserialize_str(TextVisitor)
    }
}

/// A YAML mapping that refuses a key written twice. serde_yaml keeps the
/// last of two equal keys silently, which would lose a writer's speaker or
/// source without a word.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct UniqueMap<V>(pub IndexMap<Text, V>);

impl<V> Default for UniqueMap<V> {
    fn default() -> Self {
        UniqueMap(IndexMap::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for UniqueMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = UniqueMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of ids to entries (`id:` then its fields, indented)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut map = IndexMap::new();
                while let Some(key) = access.next_key::<Text>()? {
                    if map.contains_key(&key) {
                        return Err(de::Error::custom(format_args!(
                            "duplicate id `{key}`: each id may be defined once"
                        )));
                    }
                    let value = access.next_value()?;
                    map.insert(key, value);
                }
                Ok(UniqueMap(map))
            }
        }
        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

/// Where a block of YAML sits in its file, so positions inside it can be
/// reported as the writer counts them.
#[derive(Clone, Copy, Debug, Default)]
pub struct Offset {
    /// Lines before the YAML's first line (1 for front matter after `---`).
    pub lines: usize,
}

/// Deserialises `text` into `T`, turning a failure into a located diagnostic.
pub(crate) fn from_str<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    offset: Offset,
) -> Result<T, Diagnostic> {
    // YAML also breaks lines at a lone carriage return and at U+0085,
    // U+2028 and U+2029, then counts lines its own way (and cuts a value
    // short); refuse them so every position is the writer's line.
    if let Some((at, what, hint)) = odd_line_break(text) {
        let before = &text[..at];
        let line = before.matches('\n').count() + 1 + offset.lines;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        return Err(Diagnostic::error(file, Position::new(line, column), what).with_hint(hint));
    }
    // An empty document is null in YAML; read it as an empty mapping so that
    // a file with nothing in it reports its missing fields one by one.
    let source = if text.trim().is_empty() { "{}" } else { text };
    serde_yaml::from_str(source).map_err(|err| yaml_error(&err, text, file, offset))
}

/// Whether serde's message names a problem with one entry, which
/// [`from_str_recovering`] can blank out and read past.
fn recoverable(message: &str) -> bool {
    [
        "unknown field",
        "duplicate id",
        "invalid type",
        "invalid value",
        "invalid length",
    ]
    .iter()
    .any(|start| message.starts_with(start))
        || message.starts_with(WRONG_SHAPE)
}

/// The first character YAML takes for a line break and an editor may not:
/// its byte offset, the message and the hint.
fn odd_line_break(text: &str) -> Option<(usize, &'static str, &'static str)> {
    // Every front matter is scanned, so look only where one could start:
    // a carriage return, or the lead byte of U+0085 (0xC2) or of U+2028
    // and U+2029 (0xE2). Lead bytes never occur inside a character, so
    // each place found is a character boundary.
    let bytes = text.as_bytes();
    memchr::memchr3_iter(b'\r', 0xC2, 0xE2, bytes).find_map(|at| {
        let found = match &bytes[at..] {
            [b'\r', b'\n', ..] => return None,
            [b'\r', ..] => (
                "a line ends with a carriage return alone (an old Mac line ending)",
                "save the file with LF (Unix) or CRLF (Windows) line endings",
            ),
            [0xC2, 0x85, ..] | [0xE2, 0x80, 0xA8 | 0xA9, ..] => (
                "a Unicode line or paragraph separator (U+0085, U+2028 or U+2029), which YAML reads as the end of a line",
                "replace it with an ordinary line break, or with a space",
            ),
            _ => return None,
        };
        Some((at, found.0, found.1))
    })
}

/// Like [`from_str`], but one bad entry does not hide the rest of the file:
/// an unknown field, a duplicate id or a value of the wrong shape is
/// reported, blanked out (every line keeps its place) and the text read
/// again. Returns the value when some reading succeeded, with every
/// diagnostic met on the way.
pub(crate) fn from_str_recovering<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    offset: Offset,
) -> (Option<T>, Vec<Diagnostic>) {
    const MAX_RETRIES: usize = 50;
    let mut diagnostics = Vec::new();
    let mut current = text.to_owned();
    for _ in 0..MAX_RETRIES {
        match from_str(&current, file, offset) {
            Ok(value) => return (Some(value), diagnostics),
            Err(diagnostic) => {
                let recoverable = recoverable(&diagnostic.message);
                let line = diagnostic.position.line.saturating_sub(offset.lines);
                let column = diagnostic.position.column;
                let blanked = recoverable
                    .then(|| blank_entry(&current, line, column))
                    .flatten();
                diagnostics.push(diagnostic);
                match blanked {
                    Some(next) => current = next,
                    None => return (None, diagnostics),
                }
            }
        }
    }
    (None, diagnostics)
}

/// The paths of fields a recovered read blanked out or that were written
/// under a misspelt name, so they are not also reported as missing.
pub(crate) fn reported_field(diagnostic: &Diagnostic) -> Option<String> {
    if let Some(meant) = misspelt_field(&diagnostic.message) {
        return Some(join_key(diagnostic.field.as_deref().unwrap_or(""), meant));
    }
    diagnostic.field.clone()
}

/// Blanks the entry at `line`:`column` (1-based): inside a flow collection
/// (`{a: 1, b: 2}`), that `key: value` up to the next comma; otherwise the
/// rest of the line and every following line indented deeper than the
/// entry. `None` when that would change nothing.
fn blank_entry(text: &str, line: usize, column: usize) -> Option<String> {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_owned).collect();
    let i = line.checked_sub(1).filter(|&i| i < lines.len())?;
    let current = &lines[i];
    let start = current
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(current.trim_end().len(), |(b, _)| b);
    if flow_depth(&current[..start]) > 0 {
        let end = start + flow_entry_len(&current[start..]);
        let blank = " ".repeat(current[start..end].chars().count());
        lines[i].replace_range(start..end, &blank);
    } else {
        let own = start;
        let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
        let mut end = i + 1;
        while end < lines.len() && (lines[end].trim().is_empty() || indent(&lines[end]) > own) {
            end += 1;
        }
        let sibling_follows = lines.get(end).is_some_and(|l| indent(l) == own);
        let prefix = current[..start].to_owned();
        // A list item emptied of its only entry still needs a value.
        let filler = if prefix.trim_end().ends_with('-') && !sibling_follows {
            "{}"
        } else {
            ""
        };
        lines[i] = format!("{prefix}{filler}\n");
        for l in &mut lines[i + 1..end] {
            *l = "\n".to_owned();
        }
    }
    let out = lines.concat();
    (out != text).then_some(out)
}

/// How many `{`/`[` are open at the end of `text`, outside quotes.
fn flow_depth(text: &str) -> usize {
    let mut depth = 0usize;
    let mut quote = None;
    for c in text.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '{' | '[') => depth += 1,
            (None, '}' | ']') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    depth
}

/// The length of the flow entry at the start of `text`, with the comma after
/// it: up to a `,` or a closing bracket at the same depth.
fn flow_entry_len(text: &str) -> usize {
    let mut depth = 0usize;
    let mut quote = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '{' | '[') => depth += 1,
            (None, '}' | ']') if depth == 0 => return i,
            (None, '}' | ']') => depth -= 1,
            (None, ',') if depth == 0 => return i + 1,
            _ => {}
        }
    }
    text.trim_end().len()
}

fn yaml_error(err: &serde_yaml::Error, text: &str, file: &Path, offset: Offset) -> Diagnostic {
    let mut position = err
        .location()
        .map_or(Position::new(offset.lines + 1, 1), |l| {
            Position::new(l.line() + offset.lines, l.column())
        });
    let full = err.to_string();
    // serde_yaml appends the error's own location; we show it ourselves.
    let message = match err.location() {
        Some(l) => {
            let suffix = format!(" at line {} column {}", l.line(), l.column());
            full.strip_suffix(&suffix).unwrap_or(&full).to_owned()
        }
        None => full,
    };
    // An unclosed `[` or `{` is found only where the parser gives up, often
    // lines later; the bracket that was never closed is what to fix.
    let flow_start = [
        "while parsing a flow sequence",
        "while parsing a flow mapping",
    ]
    .iter()
    .find_map(|context| message.split(context).nth(1))
    .and_then(parse_line_column);
    if let Some((line, column)) = flow_start {
        position = Position::new(line + offset.lines, column);
    }
    let mut message = relocate_line_numbers(&message, offset);
    let (field, rest) = split_field(&message);
    message = rest;
    let wrong_shape = field
        .as_deref()
        .and_then(|field| wrong_shape(field, &message));
    if let Some((reworded, _)) = &wrong_shape {
        message = reworded.clone();
    }
    let tab = text
        .lines()
        .nth(position.line.saturating_sub(offset.lines + 1))
        .is_some_and(|l| {
            l.trim_end().len() > l.trim().len()
                && l[..l.len() - l.trim_start().len()].contains('\t')
        });
    let hint = if tab {
        message = format!("tab character in indentation ({message})");
        "YAML indentation must use spaces, not tabs: replace the tab with spaces".to_owned()
    } else if let Some((_, hint)) = wrong_shape {
        hint
    } else {
        hint_for_yaml_error(&message)
    };
    let hint = match misspelt_field(&message) {
        Some(meant) => format!("did you mean `{meant}`? {hint}"),
        None => hint,
    };
    let mut diagnostic = Diagnostic::error(file, position, message).with_hint(hint);
    if let Some(field) = field {
        diagnostic = diagnostic.with_field(field);
    }
    // serde_yaml places a duplicate at its map's start; point at the second
    // occurrence, which is the one to remove or rename.
    if let Some(key) = ["duplicate id `", "duplicate field `"]
        .iter()
        .find_map(|start| diagnostic.message.strip_prefix(start))
        .and_then(|m| m.split('`').next())
    {
        let map = diagnostic.field.clone().unwrap_or_default();
        let at = Spans::new(text.to_owned(), offset).locate(&join_key(&map, key));
        // Point at the key itself, not its value.
        let line = text
            .lines()
            .nth(at.line.saturating_sub(offset.lines + 1))
            .unwrap_or("");
        // The last occurrence of the key before its value: in a flow map
        // (`{a: 1, a: 2}`) both sit on one line.
        let value_byte = line
            .char_indices()
            .nth(at.column.saturating_sub(1))
            .map_or(line.len(), |(b, _)| b);
        let key_column = line[..value_byte]
            .rfind(key)
            .or_else(|| line.find(key))
            .map_or(at.column, |b| line[..b].chars().count() + 1);
        diagnostic.position = Position::new(at.line, key_column);
        let first = Spans::new(text.to_owned(), offset).first(&join_key(&map, key));
        if let Some(first) = first.filter(|first| first.line != at.line) {
            diagnostic.message = format!("{} (first on line {})", diagnostic.message, first.line);
        }
    }
    diagnostic
}

/// How a wrong-shaped value starts its message, in the writer's words.
const WRONG_SHAPE: &str = "`";

/// Whether `diagnostic` says a value had the wrong shape (a word where a
/// list belongs, a list where fields belong), so it was set aside whole.
pub(crate) fn is_wrong_shape(diagnostic: &Diagnostic) -> bool {
    diagnostic.message.starts_with(WRONG_SHAPE) && diagnostic.message.contains("` must be ")
}

/// serde's "invalid type: string \"un\", expected a sequence" for the field
/// `field`, said as a writer would: what the field must be, what was
/// found, and the hint with an example of the right shape.
fn wrong_shape(field: &str, message: &str) -> Option<(String, String)> {
    let rest = message.strip_prefix("invalid type: ")?;
    let (found, expected) = rest.split_once(", expected ")?;
    let found = match found {
        "sequence" => "a list".to_owned(),
        "map" => "a set of fields".to_owned(),
        "unit value" => "nothing".to_owned(),
        other => match other.split_once(' ') {
            Some(("string", text)) => format!("the text `{}`", text.trim_matches('"')),
            Some(("boolean", value)) => value.to_owned(),
            Some(("integer" | "floating", value)) => format!("the number {value}"),
            _ => other.to_owned(),
        },
    };
    let name = field_name(field);
    let (shape, example) = if expected.starts_with("a sequence") {
        ("a list", list_example(field, name))
    } else if expected.starts_with("a boolean") {
        (
            "`true` or `false`",
            format!("write `{name}: true` or `{name}: false`"),
        )
    } else if expected.starts_with("a single value") {
        ("a single value", single_example(name))
    } else if [
        "u8",
        "u16",
        "u32",
        "u64",
        "usize",
        "i32",
        "i64",
        "an integer",
    ]
    .iter()
    .any(|t| expected.starts_with(t))
    {
        ("a whole number", format!("write it as `{name}: 10`"))
    } else if expected.starts_with("a map") || expected.starts_with("struct") {
        ("a set of fields", map_example(field, name))
    } else {
        return None;
    };
    Some((
        format!("{WRONG_SHAPE}{name}` must be {shape}, not {found}"),
        example,
    ))
}

/// The field's own name: `claims[0].sources` is `sources`, `claims[1]` a
/// claim's entry, `claims`.
fn field_name(field: &str) -> &str {
    let last = field.rsplit('.').next().unwrap_or(field);
    last.split('[').next().unwrap_or(last)
}

fn list_example(field: &str, name: &str) -> String {
    let example = match name {
        "sources" => "[un-charter, res-1718]",
        "tags" => "[sanctions, north-korea]",
        "authors" => "[Jane Doe, Kim Min-ji]",
        "claims" => {
            return "write each claim as a list item: `claims:`, then `  - id: first-claim` with its fields indented under it".into()
        }
        "verdicts" => {
            return "write each verdict as a list item: `verdicts:`, then `  - id: misleading` with `label:` and `rating:` indented under it".into()
        }
        "corrections" => {
            return "write each correction as a list item: `corrections:`, then `  - date: 2024-11-02` and `    text: What was corrected`".into()
        }
        _ => "[first, second]",
    };
    let _ = field;
    format!("write it as `{name}: {example}`, or one `- item` per line under `{name}:`")
}

fn map_example(field: &str, name: &str) -> String {
    match name {
        "speakers" => "write each speaker under `speakers:` as its id, with its fields indented below: `  kim-song:`, then `    name: Kim Song`".into(),
        "sources" => "write each source under `sources:` as its id, with its fields indented below: `  un-charter:`, then `    title: Charter of the United Nations` and `    url: https://...`".into(),
        "image" => "write `image:` alone on its line, then `src:` and `alt:` indented under it: `  src: pier.jpg` and `  alt: What the image shows`".into(),
        _ if field.contains('[') && !field.contains('.') => {
            "write the item's fields on their own lines, such as `  - id: first-claim` then `    speaker: kim-song`".into()
        }
        _ => format!("write `{name}:` alone on its line, then its fields indented under it, one `field: value` per line"),
    }
}

fn single_example(name: &str) -> String {
    match name {
        "date" | "updated" | "accessed" => format!("write one date, such as `{name}: 2024-10-31`"),
        "url" | "archived" | "appearance" => {
            format!("write one address, such as `{name}: https://www.un.org/en/about-us/un-charter`")
        }
        _ => format!(
            "write one value on the line, such as `{name}: Some text`; put it in quotes if it holds `: ` or starts with `[` or `{{`"
        ),
    }
}

/// For serde's "unknown field `sumary`, expected one of `title`, `summary`",
/// the accepted name the writer most likely meant.
fn misspelt_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("unknown field `")?;
    let (unknown, expected) = rest.split_once('`')?;
    let names = expected.split('`').skip(1).step_by(2);
    crate::diagnostic::closest(unknown, names)
}

/// Reads ` at line L column C` at the start of `text`.
fn parse_line_column(text: &str) -> Option<(usize, usize)> {
    let rest = text.trim_start().strip_prefix("at line ")?;
    let (line, rest) = rest.split_once(" column ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.parse().ok()?, column.parse().ok()?))
}

/// serde_yaml counts lines inside the YAML block; the writer counts them in
/// the file. Rewrites every `at line L column C` left in a message.
fn relocate_line_numbers(message: &str, offset: Offset) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find("at line ") {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        match parse_line_column(tail) {
            Some((line, column)) => {
                out.push_str(&format!("at line {} column {column}", line + offset.lines));
                let consumed = format!("at line {line} column {column}").len();
                rest = &tail[consumed..];
            }
            None => {
                out.push_str("at line ");
                rest = &tail["at line ".len()..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// serde_yaml writes `claims[0].speaker: unknown field ...`; split the path off.
fn split_field(message: &str) -> (Option<String>, String) {
    if let Some((head, tail)) = message.split_once(": ") {
        let is_path = !head.is_empty()
            && !head.contains(' ')
            && head
                .chars()
                .all(|c| c.is_alphanumeric() || "._-[]".contains(c));
        if is_path {
            return (Some(head.to_owned()), tail.to_owned());
        }
    }
    (None, message.to_owned())
}

fn hint_for_yaml_error(message: &str) -> String {
    if message.contains("unknown field") {
        "check the spelling of the field; the names it accepts are listed in the message".into()
    } else if message.contains("duplicate") {
        "remove or rename one of the two entries".into()
    } else if message.contains("missing field") {
        "add the field".into()
    } else if message.contains("expected a boolean") {
        "write `true` or `false`".into()
    } else if message.contains("invalid type") {
        "this field has the wrong shape: a list is written with `- item` lines or `[a, b]`, a map with `key: value` lines".into()
    } else if message.contains("flow sequence") || message.contains("flow mapping") {
        "close the `[` or `{` that starts here, and separate its items with commas".into()
    } else {
        "check the YAML syntax here: indentation, a missing `:`, or a value that needs quotes (text containing `: ` or starting with `[`, `{`, `*`, `&`, `!`, `|`, `>`, `@` or a backquote)".into()
    }
}

/// The position of every field path in a YAML text, built on first use and
/// let go of once the file's problems are reported: at thousands of
/// briefings the indexes would outweigh the site itself. The text is not
/// kept for the same reason (see [`SpansText`]): it is read only to build an
/// index, and a site's front matter is most of its content.
#[derive(Debug, Default)]
pub struct Spans {
    text: Mutex<SpansText>,
    offset: Offset,
    /// Made only when a problem must be located (boxed: its parser is
    /// some 700 bytes, and the empty room was held for every file through
    /// a build: 7 MB at 10,000 briefings).
    index: Mutex<Option<Box<Index>>>,
    /// Whether every key of the text is known to be written once (see
    /// [`Spans::with_unique_keys`]).
    unique_keys: bool,
    /// Where the entries of the top-level maps are written, noted as the
    /// text was first read (see [`Spans::with_key_places`]).
    keys: Mutex<KeyPlaces>,
}

impl Spans {
    pub fn new(text: String, offset: Offset) -> Self {
        Spans::of(SpansText::packed(&text), offset)
    }

    /// The positions in `yaml`, a part of `file`'s text (all of it, or its
    /// front matter). A file read from disk is not held: its text is read
    /// again if a problem must be located in it.
    pub fn in_file(file: &SourceFile, yaml: &str, offset: Offset) -> Self {
        let (base, at) = (file.text.as_ptr() as usize, yaml.as_ptr() as usize);
        let within = at >= base && at + yaml.len() <= base + file.text.len();
        let text = match &file.root {
            Some(root) if within => SpansText::InFile {
                root: Arc::clone(root),
                path: file.path.clone(),
                hash: file.hash,
                range: at - base..at - base + yaml.len(),
            },
            _ => SpansText::packed(yaml),
        };
        Spans::of(text, offset)
    }

    fn of(text: SpansText, offset: Offset) -> Self {
        Spans {
            text: Mutex::new(text),
            offset,
            index: Mutex::default(),
            unique_keys: false,
            keys: Mutex::default(),
        }
    }

    /// The same, knowing where the entries of the text's top-level maps
    /// are written, as noted while serde_yaml read it whole at the first
    /// try ([`super::key_places::noted`]): those paths are then found without
    /// reading the text again. Such a place is what the index gives, as
    /// both are where the entry's key starts; a test holds them equal.
    pub(crate) fn with_key_places(self, places: KeyPlaces) -> Self {
        *self.keys.lock().unwrap_or_else(|e| e.into_inner()) = places;
        self
    }

    /// The same, for a text whose every key is written once: serde_yaml read
    /// it whole into types that refuse a key written twice, with nothing
    /// left out. A path's place is then known as soon as its value is read,
    /// and the index is built only as far as the paths asked for: at
    /// thousands of briefings with a warning each, reading every front
    /// matter to its end again was a sixteenth of a build. (An id with a dot
    /// in it can spell the same path as another entry's field; the first of
    /// the two is then the answer, where the whole index gave the last.)
    pub fn with_unique_keys(mut self) -> Self {
        self.unique_keys = true;
        self
    }

    /// The text; empty once released, or when its file has changed since
    /// it was parsed.
    fn text(&self) -> String {
        self.text.lock().unwrap_or_else(|e| e.into_inner()).get()
    }

    /// A plain scalar at `path` as its characters are written: serde_yaml
    /// reads `True` or `1.0` as a boolean or a number, and a field that
    /// also takes a mapping cannot ask for the text instead.
    pub(crate) fn plain_scalar(&self, path: &str) -> Option<String> {
        let position = self.locate(path);
        let text = self.text();
        let line = text
            .lines()
            .nth(position.line.checked_sub(self.offset.lines + 1)?)?;
        let value: String = line
            .chars()
            .skip(position.column.saturating_sub(1))
            .take_while(|c| !matches!(c, ',' | '}' | ']' | '#'))
            .collect();
        Some(value.trim().to_owned()).filter(|v| !v.is_empty())
    }

    /// Drops the position index; the next `locate` builds it again.
    pub fn forget_positions(&self) {
        *self.index.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// Drops the text too, once nothing will be located in it again:
    /// `locate` then answers the first line of the block.
    pub fn release(&self) {
        self.forget_positions();
        *self.text.lock().unwrap_or_else(|e| e.into_inner()) = SpansText::default();
        *self.keys.lock().unwrap_or_else(|e| e.into_inner()) = KeyPlaces::default();
    }

    /// Where `path` was first written, when it was written twice (a
    /// duplicate id); `None` when it was written once or not at all.
    pub(crate) fn first(&self, path: &str) -> Option<Position> {
        self.spot(path)?.first.map(|at| self.placed(at))
    }

    /// Where the key of `path` is written: `title` of `title: x`. `None`
    /// when the key is not in the text.
    pub(crate) fn key(&self, path: &str) -> Option<Position> {
        self.spot(path)?.key.map(|at| self.placed(at))
    }

    /// Where `path` (such as `claims[2].sources[0]`) is written. A path that
    /// is not there (a missing field) falls back to its nearest parent, and
    /// finally to the first line of the block.
    pub fn locate(&self, path: &str) -> Position {
        let mut path = path;
        loop {
            if let Some(at) = self.spot(path).and_then(|spot| spot.value) {
                return self.placed(at);
            }
            match parent_path(path) {
                Some(parent) => path = parent,
                None => return Position::new(self.offset.lines + 1, 1),
            }
        }
    }

    /// What the index knows of exactly `path`, building the index as far as
    /// need be.
    fn spot(&self, path: &str) -> Option<Spot> {
        if self.unique_keys {
            let keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(&(_, at)) = keys.iter().find(|(key, _)| **key == *path) {
                return Some(Spot {
                    value: Some(at),
                    key: Some(at),
                    first: None,
                });
            }
        }
        let mut index = self.index.lock().unwrap_or_else(|e| e.into_inner());
        let index = index.get_or_insert_with(|| Box::new(Index::new(&self.text())));
        index.find(path, self.unique_keys)
    }

    /// A position in the block as a position in the file.
    fn placed(&self, at: Position) -> Position {
        Position::new(at.line + self.offset.lines, at.column)
    }
}

/// Where a [`Spans`]' text is, for the rare build that must locate a
/// problem in it.
#[derive(Debug)]
enum SpansText {
    /// Kept LZ4-compressed: a text made in memory, which cannot be read
    /// again. Empty once released.
    Packed(Box<[u8]>),
    /// Bytes `range` of the file `path` under `root`, read from disk with
    /// the fingerprint `hash` (its text not held), read again when asked
    /// for. At 10,000 briefings the front matters packed
    /// were some 50 MB, and compressing them a hundredth of a build's
    /// instructions, for the few files a problem is located in that the
    /// places noted as the YAML was read do not place (see
    /// [`Spans::with_key_places`]).
    InFile {
        root: Arc<Path>,
        path: std::path::PathBuf,
        hash: u64,
        range: std::ops::Range<usize>,
    },
}

impl Default for SpansText {
    fn default() -> Self {
        SpansText::Packed(Box::default())
    }
}

impl SpansText {
    fn packed(text: &str) -> SpansText {
        SpansText::Packed(lz4_flex::compress_prepend_size(text.as_bytes()).into_boxed_slice())
    }

    /// The text; empty when released, or when the file has changed since
    /// it was read: a position in the new text would be no answer for the
    /// old, so a problem is then placed at the block's first line.
    fn get(&self) -> String {
        match self {
            SpansText::Packed(packed) => lz4_flex::decompress_size_prepended(packed)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .unwrap_or_default(),
            SpansText::InFile {
                root,
                path,
                hash,
                range,
            } => crate::load::read_unchanged(root, path, *hash)
                .and_then(|again| again.text.get(range.clone()).map(str::to_owned))
                .unwrap_or_default(),
        }
    }
}

/// Where one path of the front matter is written. One entry holds all
/// three, so that recording a key costs one string and one map entry: a
/// front matter has a thousand or so keys and values, and every file with
/// a warning is indexed.
#[derive(Clone, Copy, Debug, Default)]
struct Spot {
    /// Its value (for a collection, the key it hangs from).
    value: Option<Position>,
    /// Its key, when it hangs from one.
    key: Option<Position>,
    /// Its value where its key was first written, when the key was
    /// written twice.
    first: Option<Position>,
}

fn parent_path(path: &str) -> Option<&str> {
    if path.is_empty() {
        return None;
    }
    let cut = path.rfind(['.', '[']).unwrap_or(0);
    Some(&path[..cut])
}

/// Joins a map key onto a path the way diagnostics print it.
pub(crate) fn join_key(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        [path, ".", key].concat()
    }
}

/// The places recorded so far in a text, and the parser that reads on.
struct Index {
    recorder: Recorder,
    /// Until the end of the text's document is read, or a syntax error
    /// (already reported by serde_yaml; what was recorded up to it is still
    /// useful).
    parser: Option<Parser<std::vec::IntoIter<char>>>,
}

impl fmt::Debug for Index {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Index")
            .field("paths", &self.recorder.positions.len())
            .field("finished", &self.parser.is_none())
            .finish()
    }
}

impl Index {
    fn new(text: &str) -> Index {
        // Owned characters, so the parser can wait between lookups.
        let chars: Vec<char> = text.chars().collect();
        Index {
            recorder: Recorder::default(),
            parser: Some(Parser::new(chars.into_iter())),
        }
    }

    /// What is known of `path`: once the whole text is read, or, when every
    /// key is written once, as soon as its value is placed.
    fn find(&mut self, path: &str, unique_keys: bool) -> Option<Spot> {
        if !unique_keys {
            while self.read_on() {}
            return self.recorder.positions.get(path).copied();
        }
        loop {
            let found = self.recorder.positions.get(path).copied();
            let settled = found.is_some_and(|spot| spot.value.is_some());
            if settled || !self.read_on() {
                return found;
            }
        }
    }

    /// Reads events until one more value is placed; `false` once the end of
    /// the first document (or an error) was reached before that, as
    /// `Parser::load` would stop.
    fn read_on(&mut self) -> bool {
        let Some(parser) = self.parser.as_mut() else {
            return false;
        };
        let placed = self.recorder.placed;
        while self.recorder.placed == placed {
            match parser.next_token() {
                Ok((event, mark)) => {
                    let end = matches!(event, Event::DocumentEnd | Event::StreamEnd);
                    self.recorder.on_event(event, mark);
                    if end {
                        self.parser = None;
                        return self.recorder.placed != placed;
                    }
                }
                Err(_) => {
                    self.parser = None;
                    return false;
                }
            }
        }
        true
    }
}

enum Frame {
    Map {
        path: String,
        /// The path of the key just read, whose value comes next.
        key: Option<String>,
        key_position: Position,
    },
    Seq {
        path: String,
        next: usize,
    },
}

#[derive(Default)]
struct Recorder {
    stack: Vec<Frame>,
    positions: HashMap<String, Spot>,
    /// A list item that is a mapping, placed when its first key arrives.
    pending: Option<String>,
    /// How many values were placed so far.
    placed: usize,
}

impl Recorder {
    /// Records where the value at `path` is written; a later value (of a
    /// key written twice) takes its place.
    fn place(&mut self, path: String, at: Position) {
        self.positions.entry(path).or_default().value = Some(at);
        self.placed += 1;
    }

    /// The path of the value about to start, and the position to record for
    /// it when it is a collection (the key it hangs from reads best).
    fn next_path(&mut self, mark: Position) -> Option<(String, Position)> {
        match self.stack.last_mut()? {
            Frame::Map {
                key, key_position, ..
            } => key.take().map(|key| (key, *key_position)),
            Frame::Seq { path, next } => {
                let mut item = String::with_capacity(path.len() + 4);
                item.push_str(path);
                let _ = write!(item, "[{next}]");
                *next += 1;
                Some((item, mark))
            }
        }
    }
}

impl MarkedEventReceiver for Recorder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        // yaml-rust2 counts lines from 1 and columns from 0.
        let here = Position::new(mark.line(), mark.col() + 1);
        match event {
            Event::Scalar(value, ..) => {
                let key_path = match self.stack.last() {
                    Some(Frame::Map {
                        path, key: None, ..
                    }) => Some(join_key(path, &value)),
                    _ => None,
                };
                if let Some(path) = key_path {
                    let spot = self.positions.entry(path.clone()).or_default();
                    spot.key = Some(here);
                    // A key written twice: keep where it was first.
                    if let Some(first) = spot.value {
                        spot.first.get_or_insert(first);
                    }
                    if let Some(Frame::Map {
                        key, key_position, ..
                    }) = self.stack.last_mut()
                    {
                        *key = Some(path);
                        *key_position = here;
                    }
                    if let Some(item) = self.pending.take() {
                        self.place(item, here);
                    }
                    return;
                }
                if let Some((path, _)) = self.next_path(here) {
                    self.place(path, here);
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let in_list = matches!(self.stack.last(), Some(Frame::Seq { .. }));
                let path = match self.next_path(here) {
                    Some((path, position)) => {
                        if in_list && matches!(event, Event::MappingStart(..)) {
                            // yaml-rust2 marks a block mapping in a list
                            // after its first key; its first key is where
                            // the writer sees the item, so wait for it.
                            self.pending = Some(path.clone());
                        } else {
                            self.place(path.clone(), position);
                        }
                        path
                    }
                    None => String::new(),
                };
                self.stack
                    .push(if matches!(event, Event::MappingStart(..)) {
                        Frame::Map {
                            path,
                            key: None,
                            key_position: here,
                        }
                    } else {
                        Frame::Seq { path, next: 0 }
                    });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                if let Some(item) = self.pending.take() {
                    // An empty mapping: place it at its closing mark.
                    self.place(item, here);
                }
                self.stack.pop();
            }
            Event::Alias(_) => {
                let _ = self.next_path(here);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<serde_yaml::Value, Diagnostic> {
        from_str(text, Path::new("t.md"), Offset { lines: 1 })
    }

    fn string(value: &serde_yaml::Value, key: &str) -> String {
        value[key]
            .as_str()
            .unwrap_or_else(|| panic!("{key}: {value:?}"))
            .to_owned()
    }

    /// The YAML reader is patched to copy runs of plain ASCII whole (see
    /// vendor/unsafe-libyaml/PATCHED.md): quoted scalars still read as YAML
    /// says, around escapes, quotes, blanks, folded lines and wide
    /// characters, and at every length.
    #[test]
    fn quoted_scalars_read_as_yaml_spells_them() {
        let text = concat!(
            "a: \"plain words, with: punctuation & more\"\n",
            "b: \"tab\\there \\\"quoted\\\" back\\\\slash \\u00e9 \\x41!\"\n",
            "c: 'it''s a \\back\\slash \"double\"'\n",
            "d: \"naïve café — 東京 done\"\n",
            "e: \"first line\n  continued   \n\n  after blank\"\n",
            "f: \"x\"\n",
            "g: \"\"\n",
            "h: \"ends with a wide é\"\n",
            "i: \"\\\\\"\n",
        );
        let value = read(text).expect("reads");
        assert_eq!(string(&value, "a"), "plain words, with: punctuation & more");
        assert_eq!(string(&value, "b"), "tab\there \"quoted\" back\\slash é A!");
        assert_eq!(string(&value, "c"), "it's a \\back\\slash \"double\"");
        assert_eq!(string(&value, "d"), "naïve café — 東京 done");
        assert_eq!(string(&value, "e"), "first line continued\nafter blank");
        assert_eq!(string(&value, "f"), "x");
        assert_eq!(string(&value, "g"), "");
        assert_eq!(string(&value, "h"), "ends with a wide é");
        assert_eq!(string(&value, "i"), "\\");
        // Past the reader's 16 KB chunks, with wide characters across their
        // edges.
        let words: Vec<String> = (0..3000)
            .map(|n| format!("entry{n}é{}", "x".repeat(n % 7)))
            .collect();
        let list: String = words.iter().map(|w| format!("  - \"{w}\"\n")).collect();
        let value = read(&format!("list:\n{list}")).expect("reads");
        let read_back: Vec<&str> = value["list"]
            .as_sequence()
            .expect("a list")
            .iter()
            .map(|v| v.as_str().expect("a string"))
            .collect();
        assert_eq!(read_back, words);
    }

    #[test]
    fn positions_after_plain_ascii_runs_are_counted_in_characters() {
        // The column of what follows a quoted scalar, and of a problem
        // inside a plain value, on lines with and without wide characters.
        let at = |text: &str| read(text).expect_err("refused").position;
        assert_eq!(at("x: \"abcdefghij\" y: 1\n"), Position::new(2, 17));
        assert_eq!(at("x: \"ab — é cd\" y: 1\n"), Position::new(2, 16));
        assert_eq!(at("a: 1\nx: \"abcdefghij\" y: 1\n"), Position::new(3, 17));
        // Characters YAML refuses stop a run and are still refused.
        let refused = read("a: \"abc\u{7f}def\"\n").expect_err("refused");
        assert!(
            refused.message.contains("control characters"),
            "{refused:?}"
        );
        let refused = read("a: abcdef\u{1}\n").expect_err("refused");
        assert!(
            refused.message.contains("control characters"),
            "{refused:?}"
        );
        // Tabs and CRLF line ends are plain text to the reader.
        let value = read("a: \"one\ttwo\"\r\nb: three\r\n").expect("reads");
        assert_eq!(string(&value, "a"), "one\ttwo");
        assert_eq!(string(&value, "b"), "three");
    }

    #[test]
    fn locates_nested_values_by_path() {
        let text =
            "title: x\nclaims:\n  - id: a\n    sources: [one, two]\n  - id: b\n    speaker: kim\n";
        let spans = Spans::new(text.into(), Offset { lines: 1 });
        assert_eq!(spans.locate("claims[1].speaker"), Position::new(7, 14));
        assert_eq!(spans.locate("claims[0].sources[1]"), Position::new(5, 20));
        assert_eq!(spans.locate("title"), Position::new(2, 8));
        // A missing field falls back to its parent, a list item to its first key.
        assert_eq!(spans.locate("claims[1].verdict"), Position::new(6, 5));
        // A released index is built again when asked.
        spans.forget_positions();
        assert!(spans.index.lock().unwrap().is_none());
        assert_eq!(spans.locate("claims[1].speaker"), Position::new(7, 14));
    }

    #[test]
    fn a_front_matter_read_from_disk_is_read_again_to_locate_a_problem() {
        let root = tempfile::tempdir().expect("temp dir");
        let rel = std::path::Path::new("content/briefings/a.md");
        std::fs::create_dir_all(root.path().join("content/briefings")).expect("folders");
        // A byte order mark, which reading drops, comes before the text.
        let text = "---\ntitle: x\nclaims:\n  - id: a\n    speaker: kim\n---\nBody.\n";
        std::fs::write(root.path().join(rel), ["\u{feff}", text].concat()).expect("write");
        let file = crate::load::read(root.path(), rel, &mut Vec::new()).expect("reads");
        let yaml = &file.text[4..file.text.find("---\nBody").expect("end")];
        let spans = Spans::in_file(&file, yaml, Offset { lines: 1 });
        assert!(matches!(
            *spans.text.lock().unwrap(),
            SpansText::InFile { .. }
        ));
        drop(file);
        assert_eq!(spans.locate("claims[0].speaker"), Position::new(5, 14));
        assert_eq!(spans.plain_scalar("title").as_deref(), Some("x"));

        // Changed since it was read: its new text would place the problem
        // wrongly, so it is placed at the block's first line.
        spans.forget_positions();
        std::fs::write(root.path().join(rel), ["---\n\n\n", text].concat()).expect("write");
        assert_eq!(spans.locate("claims[0].speaker"), Position::new(2, 1));
        assert_eq!(spans.plain_scalar("title"), None);

        // A text made in memory has no file to read again, and is kept.
        let made = SourceFile::new(rel, text);
        let spans = Spans::in_file(&made, &made.text[4..], Offset { lines: 1 });
        drop(made);
        assert_eq!(spans.locate("claims[0].speaker"), Position::new(5, 14));
    }

    #[test]
    fn a_text_with_unique_keys_is_located_as_the_whole_index_locates_it() {
        // Block and flow styles, quoted and folded scalars, a list of
        // mappings, an empty mapping, an alias, nesting three deep.
        let text = concat!(
            "title: \"A: quoted\"\n",
            "tags: [a, b]\n",
            "image:\n  src: x.jpg\n  alt: >\n    folded\n    text\n",
            "speakers:\n  kim: {name: Kim, role: 'Minister'}\n  lee:\n    name: &n Lee\n",
            "sources:\n  one:\n    title: One\n  two: {}\n  three:\n    title: *n\n",
            "claims:\n",
            "  - id: c1\n    sources: [one, two]\n    explanation: |\n      line\n      line\n",
            "  - id: c2\n    speaker: lee\n    image:\n      src: y.png\n",
            "draft: false\n",
        );
        let whole = Spans::new(text.into(), Offset { lines: 1 });
        whole.locate("title");
        let every: Vec<String> = {
            let index = whole.index.lock().unwrap();
            let index = index.as_ref().unwrap();
            assert!(
                index.parser.is_none(),
                "a text without unique keys is read to its end"
            );
            let mut paths: Vec<String> = index.recorder.positions.keys().cloned().collect();
            paths.sort();
            paths
        };
        assert!(every.len() > 30, "{every:?}");
        let missing = ["claims[1].verdict", "sources.four", "nothing", "claims[5]"];
        let asked: Vec<&str> = every.iter().map(String::as_str).chain(missing).collect();
        // In file order, backwards, and one at a time from a fresh index.
        let mut backwards = asked.clone();
        backwards.reverse();
        for order in [asked.clone(), backwards] {
            let early = Spans::new(text.into(), Offset { lines: 1 }).with_unique_keys();
            for path in &order {
                assert_eq!(early.locate(path), whole.locate(path), "{path}");
                assert_eq!(early.key(path), whole.key(path), "{path}");
                assert_eq!(early.first(path), None, "{path}");
            }
        }
        for path in &asked {
            let early = Spans::new(text.into(), Offset { lines: 1 }).with_unique_keys();
            assert_eq!(early.locate(path), whole.locate(path), "{path}");
        }
        // And it stops where the answer is: the title is on the first line.
        let early = Spans::new(text.into(), Offset { lines: 1 }).with_unique_keys();
        assert_eq!(early.locate("title"), Position::new(2, 8));
        assert!(early
            .index
            .lock()
            .unwrap()
            .as_ref()
            .unwrap()
            .parser
            .is_some());
    }

    #[test]
    fn recovers_from_an_unknown_field_and_reports_the_rest() {
        #[derive(Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        struct Doc {
            title: Option<Text>,
            speakers: Option<UniqueMap<Text>>,
        }
        let text = "sumary: x\n  more: y\ntitle: t\nspeakers:\n  a: 1\n  a: 2\n";
        let (doc, diagnostics) =
            from_str_recovering::<Doc>(text, Path::new("f"), Offset { lines: 1 });
        let messages: Vec<_> = diagnostics
            .iter()
            .map(|d| (d.position.line, d.message.as_str()))
            .collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].1.starts_with("unknown field `sumary`"));
        assert_eq!(messages[0].0, 2);
        assert_eq!(
            messages[1],
            (
                7,
                "duplicate id `a`: each id may be defined once (first on line 6)"
            )
        );
        let doc = doc.unwrap();
        assert_eq!(doc.title, Some(Text("t".into())));
        assert_eq!(doc.speakers.unwrap().0.len(), 1);
    }

    #[test]
    fn blanks_one_entry_of_a_flow_mapping() {
        let text = "claims:\n  - {id: a, verdcit: true, text: t}\n";
        let out = blank_entry(text, 2, 12).unwrap();
        assert_eq!(
            out,
            format!("claims:\n  - {{id: a,{}text: t}}\n", " ".repeat(16))
        );
    }

    #[test]
    fn blanks_a_list_items_first_key_and_keeps_the_item() {
        let text = "claims:\n  - verdcit: x\n    id: a\n";
        let out = blank_entry(text, 2, 5).unwrap();
        assert_eq!(out, "claims:\n  - \n    id: a\n");
        let only = blank_entry("claims:\n  - verdcit: x\n", 2, 5).unwrap();
        assert_eq!(only, "claims:\n  - {}\n");
    }

    #[test]
    fn recovers_from_a_value_of_the_wrong_shape() {
        #[derive(Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        struct Doc {
            tags: Option<Vec<Text>>,
            title: Option<Text>,
        }
        let (doc, diagnostics) = from_str_recovering::<Doc>(
            "tags: sanctions\ntitle: t\n",
            Path::new("f"),
            Offset { lines: 1 },
        );
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(reported_field(&diagnostics[0]).as_deref(), Some("tags"));
        let doc = doc.unwrap();
        assert!(doc.tags.is_none());
        assert_eq!(doc.title, Some(Text("t".into())));
    }

    #[test]
    fn messages_count_lines_from_the_top_of_the_file() {
        let err =
            from_str::<serde_yaml::Value>("a: [1, 2\nb: 3\n", Path::new("f"), Offset { lines: 1 })
                .unwrap_err();
        assert_eq!(err.position, Position::new(2, 4), "{err:?}");
        assert!(!err.message.contains("at line 1 "), "{}", err.message);
    }

    #[test]
    fn names_a_tab_in_indentation() {
        let err =
            from_str::<serde_yaml::Value>("a:\n\tb: 1\n", Path::new("f"), Offset { lines: 1 })
                .unwrap_err();
        assert!(err.message.contains("tab"), "{}", err.message);
    }

    #[test]
    fn reads_booleans_and_numbers_as_text() {
        let v: Vec<Text> =
            from_str("[false, 2024, 1.50, x]", Path::new("f"), Offset::default()).unwrap();
        let v: Vec<&str> = v.iter().map(Text::as_str).collect();
        assert_eq!(v, ["false", "2024", "1.50", "x"]);
    }

    #[test]
    fn refuses_a_key_written_twice() {
        let err =
            from_str::<UniqueMap<Text>>("a: 1\nb: 2\na: 3\n", Path::new("f"), Offset { lines: 1 })
                .unwrap_err();
        assert!(err.message.contains("duplicate id `a`"), "{}", err.message);
        assert_eq!(err.position.line, 4);
    }

    #[test]
    fn refuses_a_carriage_return_without_a_line_feed() {
        // Found by tests/fuzz.rs: YAML broke the line at the `\r`, so later
        // positions pointed past the end of the writer's line.
        let err = from_str::<serde_yaml::Value>(
            "a: 1\r\nb: 2\rc: [\n",
            Path::new("f"),
            Offset { lines: 1 },
        )
        .unwrap_err();
        assert!(
            err.message.contains("carriage return alone"),
            "{}",
            err.message
        );
        assert_eq!(err.position, Position::new(3, 5));
    }

    #[test]
    fn refuses_a_unicode_line_separator() {
        // Found by tests/fuzz.rs: `{\u{2028}A` was reported on line 3 of
        // a one-line file, and `a: x\u{85}y` read `a` as `x`.
        for text in ["{\u{2028}A", "a: x\u{85}y\n", "a: \u{2029}\n"] {
            let err =
                from_str::<serde_yaml::Value>(text, Path::new("f"), Offset::default()).unwrap_err();
            assert!(err.message.contains("separator"), "{}", err.message);
            assert_eq!(err.position.line, 1, "{text:?}");
        }
    }

    #[test]
    fn finds_odd_line_breaks_among_characters_that_share_their_lead_bytes() {
        // U+00A0 and the curly quotes start with the bytes U+0085 and
        // U+2028 start with; CRLF is an ordinary line break.
        let fine = "a: \u{a0}“quoted” ‘x’ \u{2026} \u{2027}\u{202a}\r\nb: ¤\u{84}\u{86}\r\n";
        assert_eq!(odd_line_break(fine), None);
        for (odd, at) in [
            ("x\r", 1),
            ("“a”\rb", 7),
            ("\u{a0}\u{85}", 2),
            ("“\u{2028}", 3),
            ("\r\n\u{2029}\r", 2),
            ("ab\r\n\r", 4),
        ] {
            let found = odd_line_break(&format!("{fine}{odd}")).map(|(found, ..)| found);
            assert_eq!(found, Some(fine.len() + at), "{odd:?}");
        }
    }
}
