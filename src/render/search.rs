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
//! query fetches one or two shards per word; the README's "Search" section
//! documents the layout and its format version, [`VERSION`].
//!
//! A briefing's words are kept between builds while its views are unchanged,
//! so a rebuild in `serve` reads again only the briefing that was edited.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use super::views::BriefingViews;
use super::{OutputFile, Plan};
use crate::diagnostic::{Diagnostic, Position};

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

/// Words too common to search for, left out of the index and of queries on
/// sites whose language is English. Sorted, for binary search.
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
    fn number(&mut self, word: Box<str>) -> u32 {
        if let Some(&n) = self.numbers.get(&word) {
            return n;
        }
        let n = self.words.len() as u32;
        self.words.push(word.clone());
        self.numbers.insert(word, n);
        n
    }
}

/// One briefing's documents (the briefing, then its claims), as the
/// numbers of their words.
struct Entry {
    /// The signature of the views they were made from.
    signature: u64,
    docs: Vec<Doc<u32>>,
}

struct Doc<W> {
    /// Words in the document's main fields, without repeats.
    strong: Vec<W>,
    /// Words only in its other fields, without repeats.
    weak: Vec<W>,
}

impl Doc<Box<str>> {
    fn new(mut strong: Vec<Box<str>>, mut weak: Vec<Box<str>>) -> Self {
        strong.sort_unstable();
        strong.dedup();
        weak.sort_unstable();
        weak.dedup();
        weak.retain(|w| strong.binary_search(w).is_err());
        Doc { strong, weak }
    }
}

/// Whether the stop words apply to a site in `language` (`en`, `en-GB`).
fn is_english(language: &str) -> bool {
    let primary = language.split(['-', '_']).next().unwrap_or_default();
    primary.eq_ignore_ascii_case("en")
}

/// The words of `text` as the index stores them, passed to `each` in order:
/// lower-cased, then decomposed (Unicode NFKD) with the combining accents
/// U+0300–U+036F dropped, so `É` and `e` match and `ﬁ` is `fi`; split at
/// every character that is neither alphabetic nor numeric; without
/// one-character ASCII words and, if `stop_words`, without [`STOP_WORDS`].
/// `search.js` does the same to a query.
pub fn words(text: &str, stop_words: bool, mut each: impl FnMut(&str)) {
    let folded: String = if text.is_ascii() {
        // The same result for the common case, without decomposing.
        text.to_ascii_lowercase()
    } else {
        text.to_lowercase()
            .nfkd()
            .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
            .collect()
    };
    for word in folded.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() || (word.len() == 1 && word.is_ascii()) {
            continue;
        }
        if stop_words && STOP_WORDS.binary_search(&word).is_ok() {
            continue;
        }
        each(word);
    }
}

/// The text of rendered HTML, for indexing: tags become spaces, code blocks
/// (and any script or style) are left out, and character references are
/// decoded.
fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(['<', '&']) {
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
        let end = rest.find('>').map_or(rest.len(), |e| e + 1);
        let name: String = rest[1..end]
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        rest = &rest[end..];
        out.push(' ');
        if matches!(name.as_str(), "pre" | "script" | "style") {
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

fn find_ignoring_case(haystack: &str, needle: &str) -> Option<usize> {
    let (hay, needle) = (haystack.as_bytes(), needle.as_bytes());
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
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
    let mut out = String::with_capacity(ids.len() + 4);
    let mut previous = 0;
    for &id in ids {
        let mut n = id - previous;
        previous = id;
        let mut digits = [LAST_DIGITS[(n % 32) as usize]; 7];
        let mut len = 1;
        n /= 32;
        while n > 0 {
            digits[len] = MORE_DIGITS[(n % 32) as usize];
            len += 1;
            n /= 32;
        }
        out.extend(digits[..len].iter().rev().map(|&d| d as char));
    }
    out
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
type Found = Result<Arc<Entry>, Vec<Doc<Box<str>>>>;

/// One briefing's documents as words.
fn entry(plan: &Plan, b: usize, views: &BriefingViews, stop: bool) -> Vec<Doc<Box<str>>> {
    let briefing = &plan.site.briefings[b];
    let summary = &views.summary;
    let collect = |texts: &[&str]| {
        // Each word allocated once, however often it is used.
        let mut seen: FxHashSet<Box<str>> = FxHashSet::default();
        for text in texts {
            words(text, stop, |w| {
                if !seen.contains(w) {
                    seen.insert(w.into());
                }
            });
        }
        seen.into_iter().collect::<Vec<_>>()
    };
    let tags: Vec<&str> = summary.tags.iter().map(|t| t.name.as_str()).collect();

    let mut strong = vec![summary.title.as_str()];
    strong.extend(&tags);
    let body = html_text(&briefing.body.html);
    let mut weak = vec![summary.summary.as_str(), body.as_str()];
    weak.extend(briefing.event.as_deref());
    weak.extend(views.claims.iter().map(|c| c.speaker.name.as_str()));
    let mut docs = vec![Doc::new(collect(&strong), collect(&weak))];

    for claim in &views.claims {
        let explanation = html_text(&claim.explanation);
        let mut weak = vec![explanation.as_str(), summary.title.as_str()];
        weak.extend(&tags);
        weak.extend(claim.speaker.role.as_deref());
        weak.extend(claim.speaker.affiliation.as_deref());
        docs.push(Doc::new(
            collect(&[&claim.text, &claim.speaker.name]),
            collect(&weak),
        ));
    }
    docs
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
    briefings: Vec<BriefingRecord<'a>>,
    docs: Vec<DocRecord<'a>>,
}

#[derive(Serialize)]
struct BriefingRecord<'a> {
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
        anchor: &'a str,
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
pub fn files(plan: &Plan, cache: &mut super::Cache) -> Vec<OutputFile> {
    let site = plan.site;
    let stop = is_english(&site.config.language);
    let cache = &mut cache.search;
    let previous = std::mem::take(&mut cache.briefings);
    let found: Vec<Found> = plan
        .briefings
        .par_iter()
        .enumerate()
        .map(|(b, views)| match previous.get(&site.briefings[b].slug) {
            Some(entry) if entry.signature == views.signature => Ok(entry.clone()),
            _ => Err(entry(plan, b, views, stop)),
        })
        .collect();
    drop(previous);
    let entries: Vec<Arc<Entry>> = found
        .into_iter()
        .zip(&plan.briefings)
        .map(|(found, views)| {
            found.unwrap_or_else(|docs| {
                let mut number = |words: Vec<Box<str>>| -> Vec<u32> {
                    words.into_iter().map(|w| cache.number(w)).collect()
                };
                let docs = docs
                    .into_iter()
                    .map(|d| Doc {
                        strong: number(d.strong),
                        weak: number(d.weak),
                    })
                    .collect();
                Arc::new(Entry {
                    signature: views.signature,
                    docs,
                })
            })
        })
        .collect();
    cache.briefings = site
        .briefings
        .iter()
        .zip(&entries)
        .map(|(b, e)| (b.slug.clone(), e.clone()))
        .collect();

    // Document numbers: each briefing's own, then its claims'.
    let mut starts = Vec::with_capacity(entries.len() + 1);
    let mut next = 0u32;
    for entry in &entries {
        starts.push(next);
        next += entry.docs.len() as u32;
    }
    starts.push(next);
    let doc_count = next as usize;

    let mut postings: Vec<[Vec<u32>; 2]> = vec![Default::default(); cache.words.len()];
    for (entry, &start) in entries.iter().zip(&starts) {
        for (i, doc) in entry.docs.iter().enumerate() {
            let id = start + i as u32;
            for (list, words) in [(0, &doc.strong), (1, &doc.weak)] {
                for &word in words {
                    postings[word as usize][list].push(id);
                }
            }
        }
    }
    let words = &cache.words;
    let mut used: Vec<usize> = (0..postings.len())
        .filter(|&w| !postings[w][0].is_empty() || !postings[w][1].is_empty())
        .collect();
    used.sort_unstable_by(|&a, &b| utf16_order(&words[a], &words[b]));
    let encoded: Vec<(&str, [String; 2])> = used
        .par_iter()
        .map(|&w| {
            let [strong, weak] = &postings[w];
            (&*words[w], [encode(strong), encode(weak)])
        })
        .collect();
    drop(postings);

    let mut files = Vec::new();
    let mut shard_starts = Vec::new();
    let mut from = 0;
    let mut size = 0;
    for (i, (word, lists)) in encoded.iter().enumerate() {
        let bytes = word.len() + lists[0].len() + lists[1].len() + 10;
        if i > from && size + bytes > SHARD_BYTES {
            shard_starts.push(from);
            from = i;
            size = 0;
        }
        size += bytes;
    }
    if !encoded.is_empty() {
        shard_starts.push(from);
    }
    let shard_firsts: Vec<&str> = shard_starts.iter().map(|&i| encoded[i].0).collect();
    let mut shard_bytes = Vec::with_capacity(shard_starts.len());
    for (n, &from) in shard_starts.iter().enumerate() {
        let to = shard_starts.get(n + 1).copied().unwrap_or(encoded.len());
        let file = json(
            format!("{FOLDER}/terms/{n}.json"),
            &Shard(&encoded[from..to]),
        );
        shard_bytes.push(file.1.len());
        files.push(file);
    }

    // Facets: the documents of each speaker, verdict and tag.
    let claim_id = |r: &crate::resolve::ClaimRef| starts[r.briefing] + 1 + r.claim as u32;
    let mut speakers = Vec::new();
    let mut speaker_index: HashMap<&str, usize> = HashMap::new();
    for (id, speaker) in &site.speakers {
        let Some(refs) = site.claims_by_speaker.get(id).filter(|r| !r.is_empty()) else {
            continue;
        };
        let mut ids: Vec<u32> = refs.iter().map(claim_id).collect();
        ids.sort_unstable();
        files.push(json(
            format!("{FOLDER}/speakers/{id}.json"),
            &Facet { docs: encode(&ids) },
        ));
        speaker_index.insert(id.as_str(), speakers.len());
        speakers.push(SpeakerMeta {
            id,
            name: &speaker.name,
            claims: ids.len(),
        });
    }
    let mut verdicts = Vec::new();
    for verdict in &plan.shared.site.verdicts {
        let mut ids: Vec<u32> = site
            .claims_by_verdict
            .get(&verdict.id)
            .into_iter()
            .flatten()
            .map(claim_id)
            .collect();
        ids.sort_unstable();
        let slug = slug::slugify(&verdict.id);
        files.push(json(
            format!("{FOLDER}/verdicts/{slug}.json"),
            &Facet { docs: encode(&ids) },
        ));
        verdicts.push(VerdictMeta {
            id: &verdict.id,
            slug,
            label: &verdict.label,
            tone: verdict.tone,
            claims: ids.len(),
        });
    }
    let mut tags = Vec::new();
    for (slug, tag) in &site.tags {
        let mut ids: Vec<u32> = tag
            .briefings
            .iter()
            .flat_map(|&b| starts[b]..starts[b + 1])
            .collect();
        ids.sort_unstable();
        files.push(json(
            format!("{FOLDER}/tags/{slug}.json"),
            &Facet { docs: encode(&ids) },
        ));
        tags.push(TagMeta {
            slug,
            name: &tag.name,
            briefings: tag.briefings.len(),
        });
    }

    // Documents, in chunks: what each result shows.
    let docs: Vec<(usize, Option<usize>)> = plan
        .briefings
        .iter()
        .enumerate()
        .flat_map(|(b, v)| {
            std::iter::once((b, None)).chain((0..v.claims.len()).map(move |c| (b, Some(c))))
        })
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
    let previous = std::mem::take(&mut cache.chunks);
    cache.chunks = docs
        .par_chunks(CHUNK_DOCS)
        .enumerate()
        .map(|(n, chunk)| {
            let key = chunk_key(chunk);
            if let Some((cached, bytes)) = previous.get(n) {
                if *cached == key {
                    return (key, bytes.clone());
                }
            }
            let mut briefings: Vec<usize> = chunk.iter().map(|&(b, _)| b).collect();
            briefings.dedup();
            let local = |b: usize| briefings.iter().position(|&x| x == b).unwrap_or_default();
            let records = chunk
                .iter()
                .map(|&(b, c)| {
                    let views = &plan.briefings[b];
                    match c {
                        None => DocRecord::Briefing {
                            briefing: local(b),
                            summary: &views.summary.summary,
                        },
                        Some(c) => {
                            let claim = &views.claims[c];
                            DocRecord::Claim {
                                briefing: local(b),
                                anchor: &claim.anchor,
                                text: &claim.text,
                                verbatim: claim.verbatim,
                                speaker: speaker_index.get(claim.speaker.id.as_str()).copied(),
                                verdict: plan.shared.verdict(&claim.verdict.id).map(|(i, _)| i),
                            }
                        }
                    }
                })
                .collect();
            let chunk = Chunk {
                briefings: briefings
                    .iter()
                    .map(|&b| {
                        let s = &plan.briefings[b].summary;
                        BriefingRecord {
                            title: &s.title,
                            url: &s.url,
                            date: &s.date,
                            date_display: &s.date_display,
                        }
                    })
                    .collect(),
                docs: records,
            };
            (
                key,
                serde_json::to_vec(&chunk).expect("index records always serialise"),
            )
        })
        .collect();
    files.extend(cache.chunks.iter().enumerate().map(|(n, (_, bytes))| {
        (
            PathBuf::from(format!("{FOLDER}/docs/{n}.json")),
            bytes.clone(),
        )
    }));

    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for (path, bytes) in &files {
        path.hash(&mut hasher);
        bytes.hash(&mut hasher);
    }
    let meta = Meta {
        version: VERSION,
        build: format!("{:016x}", hasher.finish()),
        docs: doc_count,
        chunk_docs: CHUNK_DOCS,
        shards: shard_firsts,
        shard_bytes,
        stop_words: if stop { STOP_WORDS } else { &[] },
        speakers,
        verdicts,
        tags,
    };
    files.push(json(format!("{FOLDER}/meta.json"), &meta));
    files
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
    fn html_text_drops_tags_and_code() {
        let html = "<p>Rents <em>rose</em> &amp; fell&#33;</p><pre><code>let x = 1;</code></pre><p>After&nbsp;it</p>";
        let text = html_text(html);
        assert_eq!(all(&text, false), ["rents", "rose", "fell", "after", "it"]);
        assert!(text.contains('&') && text.contains('!'));
    }
}
