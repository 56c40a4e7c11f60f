//! Search that works on a static host: the site's briefings and claims as an
//! index of small JSON files under `search/`, which the theme's `search.js`
//! reads in the browser, fetching only the files a query needs.
//!
//! Every briefing and every claim is a document, numbered in site order (a
//! briefing, then its claims), so a briefing's claims sit side by side in
//! the document chunks. The words of each document are normalised the same
//! way here and in `search.js` (see [`words`]) and posted, per word, in two
//! lists: the documents that have it in a main field (a claim's text and
//! speaker, a briefing's title and tags) and those that have it only in
//! another (explanations, summaries, bodies, roles). Lists are delta-encoded
//! as short strings ([`encode`]). Words are cut into shards by range, so a
//! query fetches one or two shards per word; docs/reference/search-index.md
//! documents the layout and its format version, [`VERSION`].
//!
//! A briefing's words are kept between builds while its views are unchanged,
//! so a rebuild in `serve` reads again only the briefing that was edited.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use super::views::BriefingViews;
use super::{OutputFile, Plan};
use crate::diagnostic::{Diagnostic, Position};
use crate::BuildMode;

/// The index format's version, in `meta.json`; a change that old readers
/// would misread raises it.
pub const VERSION: u32 = 1;
/// The output folder that holds the search page and its index.
pub const FOLDER: &str = "search";
/// Documents per file under `search/docs/`.
pub const CHUNK_DOCS: usize = 20;
/// A shard of words is closed once it holds about this many bytes (a word
/// whose lists are longer gets a shard of its own).
pub const SHARD_BYTES: usize = 32 * 1024;

/// Briefings split into words at once: enough to keep both threads busy,
/// few enough that their words are a small part of the build's memory.
const WINDOW: usize = 512;

/// Words too common to search for, left out of the index and of queries on
/// sites whose language is English. Sorted, as `meta.json` lists them.
const STOP_WORDS: &[&str] = &[
    "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "had", "has", "have", "he",
    "her", "his", "in", "is", "it", "its", "of", "on", "or", "she", "that", "the", "their", "them",
    "they", "this", "to", "was", "were", "which", "will", "with",
];

/// What the last build indexed: each briefing's words, by slug.
#[derive(Default)]
pub struct Cache {
    briefings: HashMap<String, Arc<Entry>>,
    /// Every word indexed since the session began, numbered in order of
    /// first sight, so that documents hold numbers and a rebuild posts them
    /// without hashing a word again. It only grows: a word no document has
    /// any more is simply left out of the shards.
    numbers: FxHashMap<Box<str>, u32>,
    words: Vec<Box<str>>,
    /// Each file under `docs/`, with the fingerprint of what it was made
    /// from.
    chunks: Vec<(u64, Vec<u8>)>,
}

impl Cache {
    fn number(&mut self, word: &str) -> u32 {
        if let Some(&n) = self.numbers.get(word) {
            return n;
        }
        let n = self.words.len() as u32;
        self.words.push(word.into());
        self.numbers.insert(word.into(), n);
        n
    }
}

/// One briefing's documents (the briefing, then its claims).
struct Entry {
    /// The signature of the views they were made from.
    signature: u64,
    /// The site-wide numbers of the briefing's words.
    words: Vec<u32>,
    /// The documents, with each word as its position in `words`.
    docs: Vec<Doc>,
}

/// A document's words, each once, in no particular order (each word's
/// list of documents is what the index keeps).
struct Doc {
    /// Words in the document's main fields, without repeats.
    strong: Vec<u32>,
    /// Words only in its other fields, without repeats.
    weak: Vec<u32>,
}

/// One briefing's documents before its words have site-wide numbers: the
/// words are numbered within the briefing first, in parallel with other
/// briefings, because a briefing repeats most of its words from document to
/// document and the site-wide numbering, which cannot be shared out, then
/// sees each of them once.
struct Tokens {
    /// The briefing's distinct words, end to end, in the order of their
    /// numbers within it.
    text: String,
    /// Where each word in `text` ends.
    ends: Vec<usize>,
    docs: Vec<Doc>,
}

/// Numbers words within one briefing.
struct Local {
    numbers: FxHashMap<Box<str>, u32>,
    /// Room for the folded form of each run of text in turn.
    folded: String,
    /// Room for each ASCII word with a capital, lower-cased.
    lowered: String,
    stop: bool,
    /// For each word, the turn of the last document that took it (see
    /// [`Local::doc`]).
    marks: Vec<u32>,
    turn: u32,
}

impl Local {
    /// Numbering for a briefing's words, leaving out stop words when
    /// `stop`.
    fn new(stop: bool) -> Local {
        Local {
            numbers: FxHashMap::default(),
            folded: String::new(),
            lowered: String::new(),
            stop,
            marks: Vec::new(),
            turn: 0,
        }
    }

    /// Pushes the number of each of `text`'s words onto `out`.
    fn add(&mut self, text: &str, out: &mut Vec<u32>) {
        let numbers = &mut self.numbers;
        let mut post = |word: &str| {
            let n = match numbers.get(word) {
                Some(&n) => n,
                None => {
                    let n = numbers.len() as u32;
                    numbers.insert(word.into(), n);
                    n
                }
            };
            out.push(n);
        };
        // Words never span ASCII whitespace, and neither does folding (see
        // `fold`), so only the runs between spaces that hold a character
        // beyond ASCII need folding and splitting. The text around them,
        // most of any text on most sites, is read in one pass without
        // being copied: its words are its stretches of ASCII letters and
        // digits, lower-cased.
        let bytes = text.as_bytes();
        let mut from = 0;
        while from < bytes.len() {
            let Some(wide) = first_non_ascii(&bytes[from..]).map(|k| from + k) else {
                ascii_words(&text[from..], self.stop, &mut self.lowered, &mut post);
                break;
            };
            let start = bytes[from..wide]
                .iter()
                .rposition(u8::is_ascii_whitespace)
                .map_or(from, |k| from + k + 1);
            let end = bytes[wide..]
                .iter()
                .position(u8::is_ascii_whitespace)
                .map_or(bytes.len(), |k| wide + k);
            ascii_words(&text[from..start], self.stop, &mut self.lowered, &mut post);
            fold(&text[start..end], &mut self.folded);
            split(&self.folded, self.stop, &mut post);
            from = end;
        }
    }

    /// A document of the words posted to `strong` and `weak`, each word
    /// kept once, and left out of `weak` when in `strong`. Each document
    /// marks its words with a turn of its own (`turn` for its strong
    /// words, `turn + 1` for its weak ones) rather than sorting them: a
    /// body's thousand-odd words were sorted for every briefing.
    fn doc(&mut self, mut strong: Vec<u32>, mut weak: Vec<u32>) -> Doc {
        self.turn += 2;
        let (mine, weakly) = (self.turn, self.turn + 1);
        self.marks.resize(self.numbers.len(), 0);
        let marks = &mut self.marks;
        strong.retain(|&n| std::mem::replace(&mut marks[n as usize], mine) != mine);
        weak.retain(|&n| {
            let mark = &mut marks[n as usize];
            let new = *mark != mine && *mark != weakly;
            if new {
                *mark = weakly;
            }
            new
        });
        Doc { strong, weak }
    }

    fn finish(self, docs: Vec<Doc>) -> Tokens {
        let mut order = vec![""; self.numbers.len()];
        for (word, &n) in &self.numbers {
            order[n as usize] = word;
        }
        let mut text = String::with_capacity(order.iter().map(|w| w.len()).sum());
        let ends = order
            .iter()
            .map(|w| {
                text.push_str(w);
                text.len()
            })
            .collect();
        Tokens { text, ends, docs }
    }
}

/// Where the first byte beyond ASCII is, looked for a block at a time.
fn first_non_ascii(bytes: &[u8]) -> Option<usize> {
    const BLOCK: usize = 32;
    bytes
        .chunks(BLOCK)
        .position(|block| !block.is_ascii())
        .and_then(|n| {
            let block = &bytes[n * BLOCK..];
            block
                .iter()
                .position(|b| !b.is_ascii())
                .map(|k| n * BLOCK + k)
        })
}

/// The words of ASCII text, as [`words`] gives them, to `post`: its
/// stretches of letters and digits, lower-cased (in `lowered` when they
/// hold a capital), that [`is_indexed`].
fn ascii_words(text: &str, stop: bool, lowered: &mut String, post: &mut impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    // One table lookup a byte tells a letter or digit, and a capital,
    // where the range checks took several steps.
    while let Some(skip) = bytes[i..]
        .iter()
        .position(|&b| WORD_BYTE[usize::from(b)] != 0)
    {
        let from = i + skip;
        let mut kinds = 0;
        let len = bytes[from..]
            .iter()
            .position(|&b| {
                let kind = WORD_BYTE[usize::from(b)];
                kinds |= kind;
                kind == 0
            })
            .unwrap_or(bytes.len() - from);
        i = from + len;
        let mut word = &text[from..i];
        if kinds & CAPITAL != 0 {
            lowered.clear();
            lowered.push_str(word);
            lowered.make_ascii_lowercase();
            word = lowered.as_str();
        }
        if is_indexed(word, stop) {
            post(word);
        }
    }
}

/// What each byte is to [`ascii_words`]: 0 outside a word, [`LETTER`] for
/// a small letter or a digit, [`CAPITAL`] for a capital letter.
const WORD_BYTE: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = if byte.is_ascii_uppercase() {
            CAPITAL
        } else if byte.is_ascii_alphanumeric() {
            LETTER
        } else {
            0
        };
        b += 1;
    }
    table
};
const LETTER: u8 = 1;
const CAPITAL: u8 = 2;

/// Whether the stop words apply to a site in `language` (`en`, `en-GB`).
fn is_english(language: &str) -> bool {
    let primary = language.split(['-', '_']).next().unwrap_or_default();
    primary.eq_ignore_ascii_case("en")
}

/// The words of `text` as the index stores them, passed to `each` in order:
/// lower-cased, then decomposed (Unicode NFKD) with the combining accents
/// U+0300–U+036F dropped, so `É` and `e` match and `ﬁ` is `fi`, and Arabic
/// normalised as [`arabic`] says; split at every character that is neither
/// alphabetic nor numeric nor of a script written without spaces
/// ([`is_unspaced`]), whose runs are cut into overlapping pairs of
/// characters ([`bigrams`]); without one-character ASCII words and, if
/// `stop_words`, without [`STOP_WORDS`]. `search.js` does the same to a
/// query.
pub fn words(text: &str, stop_words: bool, each: impl FnMut(&str)) {
    let mut folded = String::new();
    fold(text, &mut folded);
    split(&folded, stop_words, each);
}

/// `text` lower-cased and decomposed as [`words`] says, into `out`.
fn fold(text: &str, out: &mut String) {
    out.clear();
    if text.is_ascii() {
        // The same result for the common case, without decomposing.
        out.push_str(text);
        out.make_ascii_lowercase();
        return;
    }
    // Lower-casing (a final sigma) and decomposing (the order of combining
    // marks) look at neighbouring characters, but never across ASCII
    // whitespace, so the text can be folded a run at a time, and the runs
    // that are plain ASCII, most of any text, skip the Unicode tables.
    for run in text.split_inclusive(|c: char| c.is_ascii_whitespace()) {
        if run.is_ascii() {
            let from = out.len();
            out.push_str(run);
            out[from..].make_ascii_lowercase();
        } else {
            out.extend(run.to_lowercase().nfkd().filter_map(arabic));
        }
    }
}

/// A decomposed, lower-cased character as the index keeps it: `None` for
/// the combining accents U+0300–U+036F and for what Arabic search engines
/// commonly ignore, the short vowels and other marks (tashkeel: fathatan to
/// sukun and the marks after them, U+064B–U+065F, the superscript alef
/// U+0670, the Quranic marks U+0610–U+061A and U+06D6–U+06ED) and the
/// tatweel U+0640 that stretches a word. Alef wasla `ٱ` becomes a bare alef
/// `ا`, alef maksura `ى` a yeh `ي` and teh marbuta `ة` a heh `ه`, so the
/// spellings writers mix find each other. The alefs with madda or hamza (`آ`
/// `أ` `إ`) are already a bare alef and a mark after decomposition, so they
/// become `ا` too (and `ؤ` `ئ` become `و` `ي`).
fn arabic(c: char) -> Option<char> {
    match c {
        '\u{300}'..='\u{36f}'
        | '\u{610}'..='\u{61a}'
        | '\u{640}'
        | '\u{64b}'..='\u{65f}'
        | '\u{670}'
        | '\u{6d6}'..='\u{6ed}' => None,
        'ٱ' => Some('ا'),
        'ى' => Some('ي'),
        'ة' => Some('ه'),
        c => Some(c),
    }
}

/// Whether `c` is of a script written without spaces between words: Thai,
/// Lao, Myanmar, Khmer, Japanese kana and the CJK ideographs (with `々`
/// `〆` `〇`). A run of them is indexed as [`bigrams`]. `search.js` lists the
/// same blocks, so both sides cut text at the same places whatever their
/// Unicode versions.
fn is_unspaced(c: char) -> bool {
    matches!(c,
        '\u{e00}'..='\u{eff}'
        | '\u{1000}'..='\u{109f}'
        | '\u{1780}'..='\u{17ff}'
        | '\u{3005}'..='\u{3007}'
        | '\u{3040}'..='\u{30ff}'
        | '\u{31f0}'..='\u{31ff}'
        | '\u{3400}'..='\u{4dbf}'
        | '\u{4e00}'..='\u{9fff}'
        | '\u{f900}'..='\u{faff}'
        | '\u{20000}'..='\u{3ffff}')
}

/// A run of characters of scripts written without spaces, as the index
/// keeps it: each pair of neighbouring characters (`疫苗接种` is `疫苗`
/// `苗接` `接种`), or the character itself when it stands alone. A query cut
/// the same way finds the text whatever the words are, with no dictionary
/// to disagree between the build and the browser; every pair must match,
/// so a query of several characters rarely finds text that lacks it.
fn bigrams(run: &str, mut each: impl FnMut(&str)) {
    let mut chars = run.char_indices().peekable();
    while let Some((i, _)) = chars.next() {
        match chars.peek() {
            Some(&(j, d)) => each(&run[i..j + d.len_utf8()]),
            None if i == 0 => each(run),
            None => {}
        }
    }
}

/// The longest of [`STOP_WORDS`]: longer words are not looked up.
const STOP_WORD_MAX: usize = {
    let mut max = 0;
    let mut i = 0;
    while i < STOP_WORDS.len() {
        if STOP_WORDS[i].len() > max {
            max = STOP_WORDS[i].len();
        }
        i += 1;
    }
    max
};

/// [`STOP_WORDS`] [`pack`]ed: a word is looked up among them with a few
/// integer comparisons rather than string comparisons.
const STOP_PACKED: [u64; STOP_WORDS.len()] = {
    let mut out = [0; STOP_WORDS.len()];
    let mut i = 0;
    while i < STOP_WORDS.len() {
        out[i] = pack(STOP_WORDS[i].as_bytes());
        i += 1;
    }
    out
};

/// A word of up to 8 bytes as a number, distinct for distinct words: no
/// word starts with a zero byte, which is not alphanumeric.
const fn pack(word: &[u8]) -> u64 {
    assert!(word.len() <= 8);
    let mut n = 0;
    let mut i = 0;
    while i < word.len() {
        n = n << 8 | word[i] as u64;
        i += 1;
    }
    n
}

/// Whether a folded word goes into the index: not empty, not a single
/// ASCII letter or digit, and not a stop word when `stop`.
fn is_indexed(word: &str, stop: bool) -> bool {
    !(word.is_empty() || (word.len() == 1 && word.is_ascii()) || (stop && is_stop_word(word)))
}

fn is_stop_word(word: &str) -> bool {
    word.len() <= STOP_WORD_MAX && STOP_PACKED.contains(&pack(word.as_bytes()))
}

/// The words of folded text, filtered as [`words`] says.
fn split(folded: &str, stop_words: bool, mut each: impl FnMut(&str)) {
    let mut emit = |word: &str| {
        if is_indexed(word, stop_words) {
            each(word);
        }
    };
    // Most words have no unspaced characters and go out whole.
    let mut emit = |word: &str| {
        if word.is_ascii() || !word.chars().any(is_unspaced) {
            return emit(word);
        }
        let mut rest = word;
        while let Some(c) = rest.chars().next() {
            let unspaced = is_unspaced(c);
            let end = rest
                .char_indices()
                .find(|&(_, c)| is_unspaced(c) != unspaced)
                .map_or(rest.len(), |(i, _)| i);
            if unspaced {
                bigrams(&rest[..end], &mut emit);
            } else {
                emit(&rest[..end]);
            }
            rest = &rest[end..];
        }
    };
    let bytes = folded.as_bytes();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        // ASCII bytes are classified without decoding a character.
        let (len, in_word) = if bytes[i].is_ascii() {
            (1, bytes[i].is_ascii_alphanumeric())
        } else {
            let c = folded[i..].chars().next().unwrap_or_default();
            (c.len_utf8(), c.is_alphanumeric() || is_unspaced(c))
        };
        if !in_word {
            emit(&folded[start..i]);
            start = i + len;
        }
        i += len;
    }
    emit(&folded[start..]);
}

/// The text of rendered HTML, for indexing: tags become spaces, code blocks
/// (and any script or style) are left out, and character references are
/// decoded.
fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    // Bytes, not characters, and in bulk: a pattern of two chars is
    // matched a decoded character at a time, and both are ASCII.
    while let Some(i) = memchr::memchr2(b'<', b'&', rest.as_bytes()) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('&') {
            let end = rest.bytes().take(12).position(|b| b == b';');
            match end.and_then(|e| entity(&rest[1..e]).map(|c| (c, e))) {
                Some((c, e)) => {
                    out.push(c);
                    rest = &rest[e + 1..];
                }
                None => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
            continue;
        }
        let end = memchr::memchr(b'>', rest.as_bytes()).map_or(rest.len(), |e| e + 1);
        let tag = &rest[1..end];
        let name = &tag[..tag.bytes().take_while(u8::is_ascii_alphanumeric).count()];
        rest = &rest[end..];
        out.push(' ');
        let skipped = ["pre", "script", "style"];
        if let Some(name) = skipped.iter().find(|s| s.eq_ignore_ascii_case(name)) {
            // Skip to the closing tag, which the next turn drops.
            let close = format!("</{name}");
            rest = match find_ignoring_case(rest, &close) {
                Some(j) => &rest[j..],
                None => "",
            };
        }
    }
    out.push_str(rest);
    out
}

/// Where `needle`, which starts with `<`, first occurs in `haystack`,
/// ignoring ASCII case. Code blocks are long and highlighted code is
/// mostly tags, so each `<` is found by `memchr`'s iterator, which
/// searches in bulk without starting a search of its own for each one, and
/// only there is the rest compared.
fn find_ignoring_case(haystack: &str, needle: &str) -> Option<usize> {
    let (hay, wanted) = (haystack.as_bytes(), needle.as_bytes());
    memchr::memchr_iter(b'<', hay).find(|&at| {
        hay.get(at..at + wanted.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(wanted))
    })
}

/// The character an HTML character reference names (without `&` and `;`),
/// for the references Markdown rendering writes.
fn entity(name: &str) -> Option<char> {
    let code = |digits: &str, radix| u32::from_str_radix(digits, radix).ok();
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        _ => {
            let number = name.strip_prefix('#')?;
            let value = match number.strip_prefix(['x', 'X']) {
                Some(hex) => code(hex, 16),
                None => code(number, 10),
            };
            value.and_then(char::from_u32)
        }
    }
}

/// Digits that end a number in [`encode`]d lists: values 0–31.
const LAST_DIGITS: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";
/// Digits that continue one: values 0–31.
const MORE_DIGITS: &[u8; 32] = b"wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-";

/// A sorted list of document numbers as a short string: each number's
/// difference from the one before (the first's from 0), written in base 32
/// with its most significant digit first, the last digit from `0-9a-v` and
/// any before it from `w-zA-Z_-`. Safe in JSON as it is.
pub fn encode(ids: &[u32]) -> String {
    let mut encoder = Encoder::default();
    for &id in ids {
        encoder.push(id);
    }
    encoder.text
}

/// The document numbers an [`encode`]d string holds, or `None` if it is not
/// one.
pub fn decode(text: &str) -> Option<Vec<u32>> {
    let mut out = Vec::new();
    let mut n: u32 = 0;
    for b in text.bytes() {
        if let Some(d) = MORE_DIGITS.iter().position(|&m| m == b) {
            n = n.checked_mul(32)?.checked_add(d as u32)?;
        } else {
            let d = LAST_DIGITS.iter().position(|&m| m == b)? as u32;
            n = n.checked_mul(32)?.checked_add(d)?;
            let id = n.checked_add(out.last().copied().unwrap_or(0))?;
            out.push(id);
            n = 0;
        }
    }
    (n == 0).then_some(out)
}

/// JavaScript compares strings by UTF-16 code units; shard ranges must sort
/// the same way on both sides.
fn utf16_order(a: &str, b: &str) -> std::cmp::Ordering {
    if a.is_ascii() && b.is_ascii() {
        a.cmp(b)
    } else {
        a.encode_utf16().cmp(b.encode_utf16())
    }
}

/// A briefing's entry from the last build, or its documents as words, to
/// be numbered.
type Found = Result<Arc<Entry>, Tokens>;

/// One briefing's documents as words; an error when its body, left in
/// its file, cannot be read again as it was.
fn tokens(plan: &Plan, b: usize, views: &BriefingViews, stop: bool) -> Result<Tokens, Diagnostic> {
    let briefing = &plan.site.briefings[b];
    let summary = &views.summary;
    let mut local = Local::new(stop);

    let mut strong = Vec::new();
    local.add(summary.title(), &mut strong);
    for tag in &summary.tags {
        local.add(&tag.name, &mut strong);
    }
    // Every claim has the briefing's title and tags among its other fields.
    let title_and_tags = strong.clone();
    let mut weak = Vec::new();
    local.add(summary.summary(), &mut weak);
    local.add(&html_text(&plan.body_for_index(b)?), &mut weak);
    if let Some(event) = &briefing.event {
        local.add(event, &mut weak);
    }
    // Readers look for a writer's briefings by the writer's name.
    for author in &views.bylines {
        local.add(&author.name, &mut weak);
    }
    for claim in &views.claims {
        local.add(&claim.speaker.name, &mut weak);
    }
    let mut docs = vec![local.doc(strong, weak)];

    for claim in &views.claims {
        let mut strong = Vec::new();
        local.add(claim.text(), &mut strong);
        local.add(&claim.speaker.name, &mut strong);
        let mut weak = title_and_tags.clone();
        local.add(&html_text(&claim.explanation()), &mut weak);
        for text in [&claim.speaker.role, &claim.speaker.affiliation]
            .into_iter()
            .flatten()
        {
            local.add(text, &mut weak);
        }
        docs.push(local.doc(strong, weak));
    }
    Ok(local.finish(docs))
}

/// A sorted list of document numbers being [`encode`]d, a number at a time.
#[derive(Default)]
struct Encoder {
    text: String,
    previous: u32,
}

impl Encoder {
    fn push(&mut self, id: u32) {
        let mut n = id - self.previous;
        self.previous = id;
        let mut digits = [LAST_DIGITS[(n % 32) as usize]; 7];
        let mut len = 1;
        n /= 32;
        while n > 0 {
            digits[len] = MORE_DIGITS[(n % 32) as usize];
            len += 1;
            n /= 32;
        }
        self.text
            .extend(digits[..len].iter().rev().map(|&d| d as char));
    }
}

#[derive(Serialize)]
struct Meta<'a> {
    version: u32,
    /// A fingerprint of every other index file: fetches ask for
    /// `?v=<build>`, so a browser never mixes files from two builds.
    build: String,
    docs: usize,
    chunk_docs: usize,
    /// The first word of each shard, in UTF-16 order.
    shards: Vec<&'a str>,
    /// The size of each shard's file in bytes, so that a prefix is matched
    /// only over a few of them.
    shard_bytes: Vec<usize>,
    stop_words: &'a [&'a str],
    speakers: Vec<SpeakerMeta<'a>>,
    verdicts: Vec<VerdictMeta<'a>>,
    tags: Vec<TagMeta<'a>>,
}

#[derive(Serialize)]
struct SpeakerMeta<'a> {
    id: &'a str,
    name: &'a str,
    claims: usize,
}

#[derive(Serialize)]
struct VerdictMeta<'a> {
    id: &'a str,
    /// Its file under `search/verdicts/`.
    slug: String,
    label: &'a str,
    tone: &'a str,
    claims: usize,
}

#[derive(Serialize)]
struct TagMeta<'a> {
    slug: &'a str,
    name: &'a str,
    briefings: usize,
}

#[derive(Serialize)]
struct Facet {
    docs: String,
}

#[derive(Serialize)]
struct Chunk<'a> {
    /// The briefings the documents belong to.
    briefings: Vec<ResultBriefing<'a>>,
    docs: Vec<DocRecord<'a>>,
}

/// What a search result shows of the briefing it is in, or is.
#[derive(Serialize)]
struct ResultBriefing<'a> {
    title: &'a str,
    url: &'a str,
    date: &'a str,
    date_display: &'a str,
}

/// What a result shows. `briefing` indexes the chunk's `briefings`;
/// `speaker` and `verdict` index the lists in `meta.json`.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum DocRecord<'a> {
    Briefing {
        briefing: usize,
        summary: &'a str,
    },
    Claim {
        briefing: usize,
        anchor: String,
        text: &'a str,
        verbatim: bool,
        speaker: Option<usize>,
        verdict: Option<usize>,
    },
}

fn json(path: String, value: &impl Serialize) -> OutputFile {
    let bytes = serde_json::to_vec(value).expect("index records always serialise");
    (PathBuf::from(path), bytes)
}

/// A shard: words and their two lists, as a JSON object.
struct Shard<'a>(&'a [(&'a str, [String; 2])]);

impl Serialize for Shard<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(word, lists)| (word, lists)))
    }
}

/// Every file of the search index, reusing the words of briefings whose
/// views did not change since the build `cache` remembers.
pub fn files(plan: &Plan, cache: &mut super::Cache) -> Result<Vec<OutputFile>, Diagnostic> {
    put_files(plan, cache, |file| file)
}

/// Makes every file of the search index and hands each to `put` soon after
/// it is made, a batch at a time in parallel, so the index is never whole
/// in memory; returns what `put` returned, in the order of the files.
pub fn put_files<T: Send>(
    plan: &Plan,
    cache: &mut super::Cache,
    put: impl Fn(OutputFile) -> T + Sync,
) -> Result<Vec<T>, Diagnostic> {
    let stop = is_english(&plan.site.config.language);
    // In a one-off build (`brief build`) each briefing's words are let go
    // once posted, and the `docs/` files are not kept.
    let mode = cache.mode;
    let cache = &mut cache.search;
    let Postings { starts, lists } = post(plan, cache, mode, stop)?;
    let doc_count = *starts.last().unwrap_or(&0) as usize;
    let words = encode_words(&cache.words, lists);
    let mut out = Batches::new(&put);
    let shards = shard_files(&words, &mut out);
    drop(words);
    let facets = facet_files(plan, &starts, &mut out);
    doc_files(plan, &mut cache.chunks, mode, &facets.speakers, &mut out);
    let (build, mut done) = out.finish();
    let meta = Meta {
        version: VERSION,
        build,
        docs: doc_count,
        chunk_docs: CHUNK_DOCS,
        shards: shards.firsts,
        shard_bytes: shards.bytes,
        stop_words: if stop { STOP_WORDS } else { &[] },
        speakers: facets.speakers,
        verdicts: facets.verdicts,
        tags: facets.tags,
    };
    done.push(put(json(format!("{FOLDER}/meta.json"), &meta)));
    Ok(done)
}

/// The index's files on their way to `put`, a batch at a time, with the
/// fingerprint of all of them in order for `meta.json`.
struct Batches<'p, T, P> {
    put: &'p P,
    batch: Vec<OutputFile>,
    bytes: usize,
    done: Vec<T>,
    build: std::collections::hash_map::DefaultHasher,
}

/// A batch is handed on once it holds this many bytes.
const BATCH_BYTES: usize = 4 * 1024 * 1024;

impl<'p, T: Send, P: Fn(OutputFile) -> T + Sync> Batches<'p, T, P> {
    fn new(put: &'p P) -> Self {
        Batches {
            put,
            batch: Vec::new(),
            bytes: 0,
            done: Vec::new(),
            build: std::collections::hash_map::DefaultHasher::new(),
        }
    }

    fn push(&mut self, file: OutputFile) {
        file.0.hash(&mut self.build);
        file.1.hash(&mut self.build);
        self.bytes += file.1.len();
        self.batch.push(file);
        if self.bytes >= BATCH_BYTES {
            self.flush();
        }
    }

    fn flush(&mut self) {
        let batch = std::mem::take(&mut self.batch);
        self.bytes = 0;
        let put = self.put;
        let done: Vec<T> = batch.into_par_iter().map(put).collect();
        self.done.extend(done);
    }

    /// The fingerprint of every file pushed, for `meta.json`, and what
    /// `put` returned for each.
    fn finish(mut self) -> (String, Vec<T>) {
        self.flush();
        (format!("{:016x}", self.build.finish()), self.done)
    }
}

/// Every document's words, posted: for each word by its site-wide number,
/// the documents that have it in a main field and those that have it only
/// in another, encoded as they grow.
struct Postings {
    /// The number of each briefing's first document, and after them the
    /// number of documents.
    starts: Vec<u32>,
    lists: Vec<[Encoder; 2]>,
}

/// Splits briefings into words a window at a time, on all threads, and
/// numbers and posts each window in order before the next: a one-off build
/// then never holds every briefing's words at once. Documents are numbered
/// each briefing's own, then its claims'; they are posted in that order, so
/// each list is encoded as it grows.
fn post(
    plan: &Plan,
    cache: &mut Cache,
    mode: BuildMode,
    stop: bool,
) -> Result<Postings, Diagnostic> {
    let previous = std::mem::take(&mut cache.briefings);
    let mut starts = Vec::with_capacity(plan.briefings.len() + 1);
    let mut next = 0u32;
    let mut lists: Vec<[Encoder; 2]> = Vec::new();
    let mut kept = HashMap::new();
    for start in (0..plan.briefings.len()).step_by(WINDOW) {
        let window = start..(start + WINDOW).min(plan.briefings.len());
        let found: Vec<Found> = window
            .clone()
            .into_par_iter()
            .map(|b| {
                let views = &plan.briefings[b];
                match previous.get(&plan.site.briefings[b].slug) {
                    Some(entry) if entry.signature == views.signature => Ok(Ok(entry.clone())),
                    _ => tokens(plan, b, views, stop).map(Err),
                }
            })
            .collect::<Result<_, Diagnostic>>()?;
        for (b, found) in window.zip(found) {
            let signature = plan.briefings[b].signature;
            let entry = found.unwrap_or_else(|tokens| Arc::new(cache.entry(tokens, signature)));
            lists.resize_with(cache.words.len(), Default::default);
            starts.push(next);
            for doc in &entry.docs {
                for (list, words) in [(0, &doc.strong), (1, &doc.weak)] {
                    for &word in words {
                        lists[entry.words[word as usize] as usize][list].push(next);
                    }
                }
                next += 1;
            }
            if mode == BuildMode::Kept {
                kept.insert(plan.site.briefings[b].slug.clone(), entry);
            }
        }
    }
    drop(previous);
    cache.briefings = kept;
    starts.push(next);
    Ok(Postings { starts, lists })
}

impl Cache {
    /// A briefing's entry from its documents as words, each word given
    /// its site-wide number.
    fn entry(&mut self, tokens: Tokens, signature: u64) -> Entry {
        let mut from = 0;
        let words = tokens
            .ends
            .iter()
            .map(|&end| {
                let n = self.number(&tokens.text[from..end]);
                from = end;
                n
            })
            .collect();
        Entry {
            signature,
            words,
            docs: tokens.docs,
        }
    }
}

/// The words some document has, in UTF-16 order, with their two lists.
fn encode_words(words: &[Box<str>], mut lists: Vec<[Encoder; 2]>) -> Vec<(&str, [String; 2])> {
    let mut used: Vec<usize> = (0..lists.len())
        .filter(|&w| !lists[w][0].text.is_empty() || !lists[w][1].text.is_empty())
        .collect();
    used.par_sort_unstable_by(|&a, &b| utf16_order(&words[a], &words[b]));
    used.iter()
        .map(|&w| {
            let [strong, weak] = std::mem::take(&mut lists[w]);
            (&*words[w], [strong.text, weak.text])
        })
        .collect()
}

/// Where the words are cut into shards, for `meta.json`.
struct Shards<'a> {
    /// The first word of each shard.
    firsts: Vec<&'a str>,
    /// The size of each shard's file.
    bytes: Vec<usize>,
}

/// The shard files of the encoded words: each closed once it holds about
/// [`SHARD_BYTES`].
fn shard_files<'a, T: Send, P: Fn(OutputFile) -> T + Sync>(
    words: &[(&'a str, [String; 2])],
    out: &mut Batches<'_, T, P>,
) -> Shards<'a> {
    let mut starts = Vec::new();
    let mut from = 0;
    let mut size = 0;
    for (i, (word, lists)) in words.iter().enumerate() {
        let bytes = word.len() + lists[0].len() + lists[1].len() + 10;
        if i > from && size + bytes > SHARD_BYTES {
            starts.push(from);
            from = i;
            size = 0;
        }
        size += bytes;
    }
    if !words.is_empty() {
        starts.push(from);
    }
    let mut bytes = Vec::with_capacity(starts.len());
    for (n, &from) in starts.iter().enumerate() {
        let to = starts.get(n + 1).copied().unwrap_or(words.len());
        let file = json(format!("{FOLDER}/terms/{n}.json"), &Shard(&words[from..to]));
        bytes.push(file.1.len());
        out.push(file);
    }
    Shards {
        firsts: starts.iter().map(|&i| words[i].0).collect(),
        bytes,
    }
}

/// The facets of `meta.json`, each with its documents in a file.
struct Facets<'a> {
    speakers: Vec<SpeakerMeta<'a>>,
    verdicts: Vec<VerdictMeta<'a>>,
    tags: Vec<TagMeta<'a>>,
}

/// The documents of each speaker, verdict and tag, pushed onto `files`.
fn facet_files<'a, T: Send, P: Fn(OutputFile) -> T + Sync>(
    plan: &'a Plan,
    starts: &[u32],
    files: &mut Batches<'_, T, P>,
) -> Facets<'a> {
    let site = plan.site;
    let claim_id = |r: &crate::resolve::ClaimRef| starts[r.briefing] + 1 + r.claim as u32;
    let mut facet = |folder: &str, name: &str, mut ids: Vec<u32>| {
        ids.sort_unstable();
        files.push(json(
            format!("{FOLDER}/{folder}/{name}.json"),
            &Facet { docs: encode(&ids) },
        ));
        ids.len()
    };
    let mut speakers = Vec::new();
    for (id, speaker) in &site.speakers {
        let Some(refs) = site.claims_by_speaker.get(id).filter(|r| !r.is_empty()) else {
            continue;
        };
        let claims = facet("speakers", id, refs.iter().map(claim_id).collect());
        speakers.push(SpeakerMeta {
            id,
            name: &speaker.name,
            claims,
        });
    }
    let mut verdicts = Vec::new();
    for verdict in &plan.shared.site.verdicts {
        let refs = site
            .claims_by_verdict
            .get(&verdict.id)
            .into_iter()
            .flatten();
        let slug = slug::slugify(&verdict.id);
        let claims = facet("verdicts", &slug, refs.map(claim_id).collect());
        verdicts.push(VerdictMeta {
            id: &verdict.id,
            slug,
            label: &verdict.label,
            tone: verdict.tone,
            claims,
        });
    }
    let mut tags = Vec::new();
    for (slug, tag) in &site.tags {
        let docs = tag.briefings.iter().flat_map(|&b| starts[b]..starts[b + 1]);
        facet("tags", slug, docs.collect());
        tags.push(TagMeta {
            slug,
            name: &tag.name,
            briefings: tag.briefings.len(),
        });
    }
    Facets {
        speakers,
        verdicts,
        tags,
    }
}

/// The files under `docs/`: what each result shows, [`CHUNK_DOCS`]
/// documents a file, each made again only when what it shows changed since
/// `kept` was made (and kept for the next build unless the build is one-off).
fn doc_files<T: Send, P: Fn(OutputFile) -> T + Sync>(
    plan: &Plan,
    kept: &mut Vec<(u64, Vec<u8>)>,
    mode: BuildMode,
    speakers: &[SpeakerMeta],
    out: &mut Batches<'_, T, P>,
) {
    let docs: Vec<(usize, Option<usize>)> = plan
        .briefings
        .iter()
        .enumerate()
        .flat_map(|(b, v)| {
            std::iter::once((b, None)).chain((0..v.claims.len()).map(move |c| (b, Some(c))))
        })
        .collect();
    let speaker_index: HashMap<&str, usize> = speakers
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id, i))
        .collect();
    // A chunk shows its documents' views, and numbers speakers as meta does.
    let speaker_key = crate::fingerprint::of(&speakers.iter().map(|s| s.id).collect::<Vec<_>>());
    let chunk_key = |chunk: &[(usize, Option<usize>)]| {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        speaker_key.hash(&mut hasher);
        for &(b, c) in chunk {
            (plan.briefings[b].signature, c).hash(&mut hasher);
        }
        hasher.finish()
    };
    let previous = std::mem::take(kept);
    let path = |n: usize| PathBuf::from(format!("{FOLDER}/docs/{n}.json"));
    // Made a window of files at a time, on all threads, and handed on
    // before the next: a one-off build keeps none of them.
    const WINDOW_FILES: usize = 256;
    for (w, window) in docs.chunks(CHUNK_DOCS * WINDOW_FILES).enumerate() {
        let first = w * WINDOW_FILES;
        let chunks: Vec<(u64, Vec<u8>)> = window
            .par_chunks(CHUNK_DOCS)
            .enumerate()
            .map(|(n, chunk)| {
                let key = chunk_key(chunk);
                match previous.get(first + n) {
                    Some((cached, bytes)) if *cached == key => (key, bytes.clone()),
                    _ => (key, doc_chunk(plan, chunk, &speaker_index)),
                }
            })
            .collect();
        for (n, (key, bytes)) in chunks.into_iter().enumerate() {
            if mode == BuildMode::Kept {
                kept.push((key, bytes.clone()));
            }
            out.push((path(first + n), bytes));
        }
    }
}

/// One file under `docs/`: these documents (a briefing, or a briefing's
/// claim) with the briefings they belong to.
fn doc_chunk(
    plan: &Plan,
    chunk: &[(usize, Option<usize>)],
    speaker_index: &HashMap<&str, usize>,
) -> Vec<u8> {
    let mut briefings: Vec<usize> = chunk.iter().map(|&(b, _)| b).collect();
    briefings.dedup();
    let local = |b: usize| briefings.iter().position(|&x| x == b).unwrap_or_default();
    let docs = chunk
        .iter()
        .map(|&(b, c)| {
            let views = &plan.briefings[b];
            let Some(c) = c else {
                return DocRecord::Briefing {
                    briefing: local(b),
                    summary: views.summary.summary(),
                };
            };
            let claim = &views.claims[c];
            DocRecord::Claim {
                briefing: local(b),
                anchor: claim.anchor(),
                text: claim.text(),
                verbatim: claim.verbatim(),
                speaker: speaker_index.get(claim.speaker.id.as_str()).copied(),
                verdict: plan.shared.verdict(&claim.verdict.id).map(|(i, _)| i),
            }
        })
        .collect();
    let briefings = briefings
        .iter()
        .map(|&b| {
            let s = &plan.briefings[b].summary;
            ResultBriefing {
                title: s.title(),
                url: &s.url,
                date: &s.date.iso,
                date_display: &s.date.shown,
            }
        })
        .collect();
    serde_json::to_vec(&Chunk { briefings, docs }).expect("index records always serialise")
}

/// Whether an output path is one of the index's files (the search page
/// itself is not).
pub fn is_index_file(path: &Path) -> bool {
    path.starts_with(FOLDER) && path.extension().is_some_and(|e| e == "json")
}

/// A site's static file in the folder the search index is written to would
/// be overwritten by it, or overwrite it: refused.
pub fn clashes(static_files: &[(PathBuf, PathBuf)]) -> Vec<Diagnostic> {
    static_files
        .iter()
        .filter(|(rel, _)| rel.starts_with(FOLDER) && rel != Path::new(FOLDER))
        .map(|(rel, _)| {
            Diagnostic::error(
                Path::new("static").join(rel),
                Position::start(),
                format!(
                    "static/{} is inside {FOLDER}/, where the search index is written",
                    rel.display()
                ),
            )
            .with_hint("move or rename the static file: the site's search owns that folder")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str, stop: bool) -> Vec<String> {
        let mut out = Vec::new();
        words(text, stop, |w| out.push(w.to_owned()));
        out
    }

    #[test]
    fn words_are_folded_and_split() {
        assert_eq!(
            all("Élysée's ﬁgures: 6.1% in Zürich, ΣΟΦΊΑ", true),
            ["elysee", "figures", "zurich", "σοφια"]
        );
        assert_eq!(all("the Minister of X", false), ["the", "minister", "of"]);
    }

    #[test]
    fn french_accents_are_dropped() {
        assert_eq!(
            all("Élève à l'hôpital, ÇA coûte", false),
            ["eleve", "hopital", "ca", "coute"]
        );
        assert_eq!(all("ELEVE", false), all("élève", false));
    }

    #[test]
    fn korean_is_split_at_spaces_into_decomposed_syllables() {
        let jamo = |w: &str| w.nfkd().collect::<String>();
        assert_eq!(
            all("서울시는 주택 가격이 올랐다.", false),
            [
                jamo("서울시는"),
                jamo("주택"),
                jamo("가격이"),
                jamo("올랐다")
            ]
        );
        // A query typed as syllables meets the index's words.
        assert_eq!(all("주택", false), all("주택 ", false));
    }

    #[test]
    fn arabic_loses_its_diacritics_and_unifies_letter_forms() {
        let voweled = all("أَعْلَنَتِ الحُكُومَةُ إلى آخر مَدْرَسَةٍ", false);
        assert_eq!(voweled, ["اعلنت", "الحكومه", "الي", "اخر", "مدرسه"]);
        assert_eq!(voweled, all("اعلنت الحكومة الى اخر مدرسة", false));
        // Tatweel stretches a word without changing it; alef wasla is alef.
        assert_eq!(all("حكـــومة ٱلوزير", false), ["حكومه", "الوزير"]);
    }

    #[test]
    fn unspaced_scripts_are_cut_into_pairs_of_characters() {
        assert_eq!(all("疫苗接种率", false), ["疫苗", "苗接", "接种", "种率"]);
        assert_eq!(all("东京，中", false), ["东京", "中"]);
        assert_eq!(
            all("covid疫苗 2024年", false),
            ["covid", "疫苗", "2024", "年"]
        );
        assert_eq!(
            all("東京都はワクチン", false),
            ["東京", "京都", "都は", "はワ", "ワク", "クチ", "チン"]
        );
        assert_eq!(all("ภาษาไทย", false), ["ภา", "าษ", "ษา", "าไ", "ไท", "ทย"]);
        // Japanese voiced kana decompose, and stay one word with their mark.
        let ga: String = "が".nfkd().collect();
        assert_eq!(all("が", false), [ga]);
    }

    #[test]
    fn folding_a_run_at_a_time_is_folding_the_whole_text() {
        let whole =
            |text: &str| -> String { text.to_lowercase().nfkd().filter_map(arabic).collect() };
        for text in [
            "ΟΔΟΣ ΟΔΟΣ.\tΣ ΑΣ'Α ΑΣ' α",
            "Café de\u{301}\u{323}ja\u{31b}\u{302} vu ﬁ ½ x\u{0591}\u{05b0}y",
            "  plain ASCII, Then İstanbul\u{a0}ǅ\r\n",
            "الحُكُومَةُ ٱلـــوزير آخر إلى",
            "",
        ] {
            let mut folded = String::new();
            fold(text, &mut folded);
            assert_eq!(folded, whole(text), "{text}");
        }
    }

    #[test]
    fn ascii_text_is_posted_as_folding_and_splitting_post_it() {
        // Local::add reads ASCII text in a pass of its own; it must post
        // the words `words` gives, in order, numbered by first sight.
        for stop in [true, false] {
            let mut local = Local::new(stop);
            let texts = [
                "The Minister said THE rate, 6.1% in 2024, was the highest-ever (x y Z).",
                "  a\tb\r\nIT'S its IT Its... mid-2020s:GDP/ca#p&x;<b>bold</b> ",
                "which1 withe whichever of OF 0 00 q9 Q9 -- __ ~~",
                "",
                " . ",
                "Élysée mixed with ASCII, “curly quotes”—and a dash—then ΣΟΦΊΑ\u{a0}x ab",
                "—Start and end—\tab—cd ef—gh\n—— ij “kl” mn\u{e9}OP q—r st",
                &"Long plain text with Capitals, between wide runs. ".repeat(5),
                "é",
            ];
            let mut posted = Vec::new();
            let mut expected = Vec::new();
            for text in texts {
                local.add(text, &mut posted);
                words(text, stop, |w| expected.push(w.to_owned()));
            }
            let tokens = local.finish(Vec::new());
            let word = |n: u32| {
                let n = n as usize;
                let start = if n == 0 { 0 } else { tokens.ends[n - 1] };
                tokens.text[start..tokens.ends[n]].to_owned()
            };
            let got: Vec<String> = posted.into_iter().map(word).collect();
            assert_eq!(got, expected, "stop words {stop}");
        }
    }

    #[test]
    fn a_document_keeps_each_word_once_and_strong_words_out_of_weak() {
        let mut local = Local::new(false);
        // A document of `strong` and `weak` text, its words sorted.
        let mut doc = |strong_text: &str, weak_text: &str| {
            let (mut strong, mut weak) = (Vec::new(), Vec::new());
            local.add(strong_text, &mut strong);
            local.add(weak_text, &mut weak);
            let mut doc = local.doc(strong, weak);
            doc.strong.sort_unstable();
            doc.weak.sort_unstable();
            (doc.strong, doc.weak)
        };
        // rent 0, index 1, rises 2, falls 3
        let first = doc("rent rent index", "index rises rises rent falls");
        assert_eq!(first, (vec![0, 1], vec![2, 3]));
        // The next document starts afresh: a word strong in the first can
        // be weak in it, and a word weak in the first strong.
        let second = doc("falls falls new", "rent new falls rent rises");
        assert_eq!(second, (vec![3, 4], vec![0, 2]));
        // A document with words only in its weak fields.
        let third = doc("", "index index");
        assert_eq!(third, (vec![], vec![1]));
    }

    #[test]
    fn stop_words_are_found_and_only_they() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]), "sorted");
        assert!(STOP_WORDS.iter().all(|w| is_stop_word(w)));
        for word in ["a", "ann", "th", "thee", "which1", "withe", "é", "théir"] {
            assert!(!is_stop_word(word), "{word}");
        }
    }

    #[test]
    fn encoded_lists_round_trip() {
        let ids = [0, 1, 2, 31, 32, 33, 1_000, 1_024, 70_000, 4_000_000];
        let text = encode(&ids);
        assert!(text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'));
        assert_eq!(decode(&text).unwrap(), ids);
        assert_eq!(encode(&[]), "");
        assert_eq!(decode("x"), None, "a number left unfinished");
        assert_eq!(decode("1!"), None, "not a digit");
    }

    #[test]
    fn a_body_rendered_for_the_index_has_the_words_of_its_page() {
        use crate::parse::markdown::{render_for, tests::pier, tests::VARIED, Output, Placement};
        use crate::parse::refs::{Owner, Refs};
        let (catalog, mut config) = (pier(), crate::config::SiteConfig::default());
        for safe in [false, true] {
            config.markdown_safe = safe;
            let refs = Refs::new(
                &catalog,
                &config,
                Owner::of(Path::new("content/briefings/pier/index.md")),
            );
            let body = format!("{VARIED}\nText <em>raw</em>.\n\n    indented();\n");
            let of = |output| {
                let at = Placement::Body { line_offset: 0 };
                render_for(&body, &config, at, &refs, output).html
            };
            let (page, search) = (of(Output::Page), of(Output::Search));
            assert!(page.contains("hl-") && !search.contains("hl-"), "{search}");
            assert_ne!(page, search);
            assert_eq!(html_text(&search), html_text(&page));
            assert!(html_text(&page).contains("A note."));
        }
    }

    #[test]
    fn html_text_drops_tags_and_code() {
        let html = "<p>Rents <em>rose</em> &amp; fell&#33;</p><pre><code>let x = 1;</code></pre><p>After&nbsp;it</p>";
        let text = html_text(html);
        assert_eq!(all(&text, false), ["rents", "rose", "fell", "after", "it"]);
        assert!(text.contains('&') && text.contains('!'));
        // The closing tag is found whatever its case, past other tags.
        let html = "<PRE><span>a < b</span><b>x</b></Pre >kept<script>y</SCRIPT>";
        assert_eq!(all(&html_text(html), false), ["kept"]);
    }
}
