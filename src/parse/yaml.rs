//! YAML with locations: typed deserialisation through serde_yaml, and a map
//! from each field's path to where it is written.
//!
//! serde_yaml locates syntax and type errors but gives values no positions,
//! yet a reference to an unknown speaker must point at the line where the id
//! is written. [`Spans`] walks the same text with yaml-rust2's event parser to
//! find that line. It runs only when a diagnostic needs it, so a clean build
//! parses each file once.

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::path::Path;
use std::sync::OnceLock;

use indexmap::IndexMap;
use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::diagnostic::{Diagnostic, Position};

/// A scalar read as text whatever YAML thinks it is, so `verdict: false`,
/// `id: 2024` and `date: 2024-10-31` all arrive as the characters written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Text(pub String);

impl Text {
    pub fn as_str(&self) -> &str {
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
        deserializer.deserialize_any(TextVisitor)
    }
}

/// A YAML mapping that refuses a key written twice. serde_yaml keeps the
/// last of two equal keys silently, which would lose a writer's speaker or
/// source without a word.
#[derive(Clone, Debug, PartialEq)]
pub struct UniqueMap<V>(pub IndexMap<Text, V>);

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
pub fn from_str<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    offset: Offset,
) -> Result<T, Diagnostic> {
    // An empty document is null in YAML; read it as an empty mapping so that
    // a file with nothing in it reports its missing fields one by one.
    let source = if text.trim().is_empty() { "{}" } else { text };
    serde_yaml::from_str(source).map_err(|err| {
        let mut diagnostic = yaml_error(&err, file, offset);
        // serde_yaml places a duplicate at its map's start; point at the
        // second occurrence, which is the one to remove or rename.
        if let Some(key) = diagnostic
            .message
            .strip_prefix("duplicate id `")
            .and_then(|m| m.split('`').next())
        {
            let map = diagnostic.field.clone().unwrap_or_default();
            diagnostic.position = Spans::new(text.to_owned(), offset).locate(&join_key(&map, key));
        }
        diagnostic
    })
}

fn yaml_error(err: &serde_yaml::Error, file: &Path, offset: Offset) -> Diagnostic {
    let position = err
        .location()
        .map_or(Position::new(offset.lines + 1, 1), |l| {
            Position::new(l.line() + offset.lines, l.column())
        });
    let full = err.to_string();
    // serde_yaml appends " at line L column C"; we show the location ourselves.
    let message = match full.rfind(" at line ") {
        Some(i) => full[..i].to_owned(),
        None => full,
    };
    let (field, message) = split_field(&message);
    let hint = hint_for_yaml_error(&message);
    let mut diagnostic = Diagnostic::error(file, position, message).with_hint(hint);
    if let Some(field) = field {
        diagnostic = diagnostic.with_field(field);
    }
    diagnostic
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
    } else if message.contains("invalid type") {
        "this field has the wrong shape: a list is written with `- item` lines or `[a, b]`, a map with `key: value` lines".into()
    } else if message.contains("tab") {
        "YAML indentation must use spaces, not tabs".into()
    } else {
        "check the YAML syntax here: indentation, a missing `:`, or a value that needs quotes (text containing `: ` or starting with `[`, `{`, `*`, `&`, `!`, `|`, `>`, `@` or a backquote)".into()
    }
}

/// The position of every field path in a YAML text, built on first use.
#[derive(Debug, Default)]
pub struct Spans {
    text: String,
    offset: Offset,
    index: OnceLock<HashMap<String, Position>>,
}

impl Spans {
    pub fn new(text: String, offset: Offset) -> Self {
        Spans {
            text,
            offset,
            index: OnceLock::new(),
        }
    }

    /// Where `path` (such as `claims[2].sources[0]`) is written. A path that
    /// is not there (a missing field) falls back to its nearest parent, and
    /// finally to the first line of the block.
    pub fn locate(&self, path: &str) -> Position {
        let index = self.index.get_or_init(|| index_paths(&self.text));
        let mut path = path;
        loop {
            if let Some(position) = index.get(path) {
                return Position::new(position.line + self.offset.lines, position.column);
            }
            match parent_path(path) {
                Some(parent) => path = parent,
                None => return Position::new(self.offset.lines + 1, 1),
            }
        }
    }
}

fn parent_path(path: &str) -> Option<&str> {
    if path.is_empty() {
        return None;
    }
    let cut = path.rfind(['.', '[']).unwrap_or(0);
    Some(&path[..cut])
}

/// Joins a map key onto a path the way diagnostics print it.
pub fn join_key(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn index_paths(text: &str) -> HashMap<String, Position> {
    let mut recorder = Recorder::default();
    // A text with a syntax error was already reported by serde_yaml; what
    // was recorded up to the error is still useful.
    let _ = Parser::new_from_str(text).load(&mut recorder, false);
    recorder.positions
}

enum Frame {
    Map {
        path: String,
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
    positions: HashMap<String, Position>,
}

impl Recorder {
    /// The path of the value about to start, and the position to record for
    /// it when it is a collection (the key it hangs from reads best).
    fn next_path(&mut self, mark: Position) -> Option<(String, Position)> {
        match self.stack.last_mut()? {
            Frame::Map {
                path,
                key,
                key_position,
            } => key.take().map(|k| (join_key(path, &k), *key_position)),
            Frame::Seq { path, next } => {
                let item = format!("{path}[{next}]");
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
                if let Some(Frame::Map {
                    key, key_position, ..
                }) = self.stack.last_mut()
                {
                    if key.is_none() {
                        *key = Some(value);
                        *key_position = here;
                        return;
                    }
                }
                if let Some((path, _)) = self.next_path(here) {
                    self.positions.insert(path, here);
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let path = match self.next_path(here) {
                    Some((path, position)) => {
                        self.positions.entry(path.clone()).or_insert(position);
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

    #[test]
    fn locates_nested_values_by_path() {
        let text =
            "title: x\nclaims:\n  - id: a\n    sources: [one, two]\n  - id: b\n    speaker: kim\n";
        let spans = Spans::new(text.into(), Offset { lines: 1 });
        assert_eq!(spans.locate("claims[1].speaker"), Position::new(7, 14));
        assert_eq!(spans.locate("claims[0].sources[1]"), Position::new(5, 20));
        assert_eq!(spans.locate("title"), Position::new(2, 8));
        // A missing field falls back to its parent.
        assert_eq!(spans.locate("claims[1].verdict"), spans.locate("claims[1]"));
    }

    #[test]
    fn reads_booleans_and_numbers_as_text() {
        let v: Vec<Text> = from_str("[false, 2024, x]", Path::new("f"), Offset::default()).unwrap();
        assert_eq!(
            v,
            vec![Text("false".into()), Text("2024".into()), Text("x".into())]
        );
    }

    #[test]
    fn refuses_a_key_written_twice() {
        let err =
            from_str::<UniqueMap<Text>>("a: 1\nb: 2\na: 3\n", Path::new("f"), Offset { lines: 1 })
                .unwrap_err();
        assert!(err.message.contains("duplicate id `a`"), "{}", err.message);
        assert_eq!(err.position.line, 4);
    }
}
