//! Where the entries of a front matter's top-level maps are written, noted
//! while serde_yaml reads the text rather than by reading it again.
//!
//! Most of what a build locates is such an entry: a source or a speaker
//! that no claim cites (`sources.src11`). [`super::yaml::Spans`] finds any
//! path by reading the text again with yaml-rust2, which for a site with a
//! warning in every briefing was a sixteenth of a build. The parser under
//! serde_yaml (libyaml, vendored) shows each event it produces to an
//! observer (see vendor/unsafe-libyaml/PATCHED.md); the one here keeps, for
//! each key of the top-level map and of the maps directly under it whose
//! value is a map or a list, the path and where its key is written. That
//! is the place `Spans` gives such a path: a collection's place is the key
//! it hangs from.

use std::cell::RefCell;

use unsafe_libyaml::observe::{self, Kind, Observed};

use crate::diagnostic::Position;
use crate::parse::yaml::join_key;

/// Paths (such as `sources.src11`) with where their key is written in the
/// text: line and column from 1, counted from the top of the text.
pub(crate) type KeyPlaces = Vec<(Box<str>, Position)>;

/// How deep the paths noted go: the top-level map's keys, and the keys of
/// the maps that are their values.
const DEPTH: usize = 2;

/// Runs `read` (a serde_yaml read of one text on this thread) and returns
/// what it returned with the places of the text's top-level entries. Only
/// a single read of the text gives places that fit it: a caller that read
/// it several times (blanking bad entries in between) must not use them.
pub(crate) fn noted<R>(read: impl FnOnce() -> R) -> (R, KeyPlaces) {
    NOTES.with_borrow_mut(|notes| *notes = Some(Notes::default()));
    let value = observe::observed(note, read);
    let notes = NOTES.with_borrow_mut(Option::take).unwrap_or_default();
    (value, notes.found)
}

thread_local! {
    static NOTES: RefCell<Option<Notes>> = const { RefCell::new(None) };
}

fn note(event: &Observed<'_>) {
    NOTES.with_borrow_mut(|notes| {
        if let Some(notes) = notes {
            notes.on(event);
        }
    });
}

/// One open collection, down to [`DEPTH`].
enum Frame {
    Map {
        /// Its own path; `None` when no path names it (a map that is a
        /// key, or in a list).
        path: Option<String>,
        /// The key just read and where it is written, when it names a
        /// path; its value comes next.
        key: Option<(String, Position)>,
        /// Whether the next event is a key rather than a value.
        expecting_key: bool,
    },
    List,
}

#[derive(Default)]
struct Notes {
    stack: Vec<Frame>,
    /// Collections open below [`DEPTH`] (or in lists), whose events are
    /// only counted.
    skipped: usize,
    found: KeyPlaces,
}

impl Notes {
    fn on(&mut self, event: &Observed<'_>) {
        let starts = matches!(event.kind, Kind::MappingStart | Kind::SequenceStart);
        let ends = matches!(event.kind, Kind::MappingEnd | Kind::SequenceEnd);
        if self.skipped > 0 {
            if starts {
                self.skipped += 1;
            } else if ends {
                self.skipped -= 1;
            }
            return;
        }
        match event.kind {
            Kind::MappingStart | Kind::SequenceStart => {
                let path = self.value_starts(true);
                if self.stack.len() == DEPTH {
                    self.skipped = 1;
                } else if event.kind == Kind::MappingStart {
                    self.stack.push(Frame::Map {
                        path,
                        key: None,
                        expecting_key: true,
                    });
                } else {
                    self.stack.push(Frame::List);
                }
            }
            Kind::MappingEnd | Kind::SequenceEnd => {
                self.stack.pop();
            }
            Kind::Scalar => {
                if let Some(Frame::Map {
                    path,
                    key,
                    expecting_key: expecting_key @ true,
                }) = self.stack.last_mut()
                {
                    let at = Position::new(event.line as usize + 1, event.column as usize + 1);
                    *key = path
                        .as_deref()
                        .zip(plain_key(event.value))
                        .map(|(path, name)| (join_key(path, name), at));
                    *expecting_key = false;
                } else {
                    self.value_starts(false);
                }
            }
            Kind::Alias => {
                self.value_starts(false);
            }
            Kind::Other => {}
        }
    }

    /// A value (or a key that is not a plain scalar) starts in the open
    /// collection: returns its path when it is a collection hanging from
    /// a key that names one, and notes where that key is written.
    fn value_starts(&mut self, collection: bool) -> Option<String> {
        match self.stack.last_mut() {
            // The document's own value.
            None => Some(String::new()),
            Some(Frame::List) => None,
            Some(Frame::Map {
                key, expecting_key, ..
            }) => {
                if *expecting_key {
                    // A key that is itself a collection or an alias: the
                    // value after it has no path.
                    *key = None;
                    *expecting_key = false;
                    return None;
                }
                *expecting_key = true;
                let (path, at) = key.take()?;
                if !collection {
                    return None;
                }
                self.found.push((path.as_str().into(), at));
                Some(path)
            }
        }
    }
}

/// A key as a path names it: text without the characters that separate a
/// path's parts, so that no other path reads the same.
fn plain_key(value: &[u8]) -> Option<&str> {
    std::str::from_utf8(value)
        .ok()
        .filter(|key| !key.is_empty() && !key.contains(['.', '[', ']']))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places(text: &str) -> KeyPlaces {
        let (value, places) = noted(|| serde_yaml::from_str::<serde_yaml::Value>(text));
        value.expect("the text reads");
        places
    }

    fn paths(places: &KeyPlaces) -> Vec<&str> {
        places.iter().map(|(path, _)| &**path).collect()
    }

    #[test]
    fn top_level_entries_with_collections_are_noted_at_their_keys() {
        let text = concat!(
            "title: \"A\"\n",
            "sources:\n",
            "  src1:\n",
            "    title: \"One\"\n",
            "  \"src2\": {title: Two}\n",
            "  plain: text\n",
            "claims:\n",
            "  - id: c1\n",
            "    sources: [src1]\n",
            "tags: [a, b]\n",
        );
        let found = places(text);
        assert_eq!(
            paths(&found),
            ["sources", "sources.src1", "sources.src2", "claims", "tags"]
        );
        assert_eq!(found[1].1, Position::new(3, 3));
        assert_eq!(
            found[2].1,
            Position::new(5, 3),
            "a quoted key is placed at its quote"
        );
        assert_eq!(found[3].1, Position::new(7, 1));
    }

    #[test]
    fn keys_that_a_path_cannot_name_alone_are_left_out() {
        let text = concat!(
            "sources:\n",
            "  a.b: {title: x}\n",
            "  \"c[0]\": {title: y}\n",
            "  ? [complex]\n",
            "  : {title: z}\n",
            "  d: &anchor {title: w}\n",
            "  e: *anchor\n",
            "list:\n",
            "  - {inner: {deep: 1}}\n",
        );
        assert_eq!(paths(&places(text)), ["sources", "sources.d", "list"]);
    }

    /// Each noted place is the one the index finds by reading the text
    /// again, for the path and for its key, wherever the front matter's
    /// entries are written: block and flow maps, quoted keys, keys after
    /// wide characters, comments, blank lines and long values.
    #[test]
    fn noted_places_are_where_the_index_finds_them() {
        let texts = [
            concat!(
                "# a comment\n",
                "title: \"Ünïcödé — 東京\"\n",
                "speakers:\n",
                "  ana-lópez: {name: \"Ana\", role: \"Mayor\"}\n",
                "  \"b\":\n",
                "    name: B\n",
                "\n",
                "sources:\n",
                "    src1:\n",
                "      title: >\n",
                "        folded\n",
                "        text\n",
                "    'src2':   [x, y]\n",
                "    src3: {title: \"a: b\", url: \"https://x.test/\"}\n",
                "claims:\n",
                "- id: c1\n",
                "  sources: [src1, src2]\n",
                "tags: [a]\n",
            ),
            "sources: {é: {title: t}, f: [1, 2]}\nspeakers: {}\n",
            "---\nsources:\n  x:\n    - 1\n  y:\n    z: 2\n",
        ];
        for text in texts {
            let found = places(text);
            assert!(!found.is_empty(), "{text}");
            let offset = crate::parse::yaml::Offset { lines: 3 };
            let spans = crate::parse::yaml::Spans::new(text.to_owned(), offset);
            for (path, at) in &found {
                let placed = Position::new(at.line + offset.lines, at.column);
                assert_eq!(spans.locate(path), placed, "{path} in {text}");
                assert_eq!(spans.key(path), Some(placed), "{path}'s key in {text}");
            }
        }
    }

    #[test]
    fn nothing_is_noted_outside_a_read() {
        let _ = places("a: {b: 1}\n");
        let (_, found) = noted(|| ());
        assert!(found.is_empty());
        // A read with no observer set leaves nothing behind either.
        let _ = serde_yaml::from_str::<serde_yaml::Value>("x: {y: 1}\n");
        let (_, found) = noted(|| ());
        assert!(found.is_empty());
    }
}
