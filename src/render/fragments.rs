//! Fragments: the parts of pages made from a partial template of their own
//! (a claim's compact row, a claim's full card, a briefing's list item),
//! rendered once and printed as HTML by the pages that show them.
//!
//! A claim's row appears on its speaker's page, its verdict's page and the
//! sources page of each source it cites: rendered inside each of those
//! pages, it was made (and its claim made into a Tera value) about four
//! times. A claim's related line, in the "related fact checks" of other
//! claims' pages, is made the same way, once for all the claim pages that
//! list it. Here the rows that the pages being rendered list are made first,
//! each once, into a few large strings, and a list page's context carries
//! them as text. Only the rows of those pages are made, so a save in
//! `serve` that renders a few pages makes only their rows: nothing is kept
//! between builds, and a rebuild makes what a fresh build makes. A
//! briefing's list item, on the index and on the pages of its tags and
//! authors, is made the same way, once per briefing.
//!
//! A card appears on one page per variant (its briefing's page, its own
//! page), so cards are made as their pages are: a briefing's page and its
//! claims' pages are rendered together, on one thread, each claim made
//! into a Tera value once for both its cards, and no card is held longer.
//! The source cards inside them are made first, once per source of the
//! briefing, and given to the claim card as `source_cards`.
//!
//! A briefing's body that a one-off build did not keep is rendered for its
//! page and then handed to the search index, which reads its words (see
//! [`HandedBodies`]), rather than rendered a second time for the index.

use std::collections::hash_map::Entry;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use tera::Context;

use super::reuse::{self, Scratch};
use super::views::{ClaimRow, SourceView};
use super::{Job, Plan, PlannedPage, Templates};
use crate::diagnostic::Diagnostic;
use crate::model::BodyHtml;
use crate::parse::{self, markdown::Output};
use crate::resolve::ClaimRef;

/// The partial each claim's row is made from.
pub(super) const ROW: &str = "claim_row.html";

/// The partial each claim's card is made from.
pub(super) const CARD: &str = "claim_card.html";

/// The partial each source's card in a claim's card is made from.
pub(super) const SOURCE_CARD: &str = "source_card.html";

/// The partial each briefing's item in a list of briefings is made from.
pub(super) const ITEM: &str = "briefing_item.html";

/// The partial each claim's line among a claim page's related fact checks
/// is made from.
pub(super) const RELATED: &str = "related_claim.html";

/// How many of a list's first briefings the items are packed against:
/// an item is some 3 KB, much of it the tally's markup, which every item
/// repeats.
const ITEM_DICTIONARY: usize = 4;

/// How many rows (or items) one task makes into one buffer.
const CHUNK: usize = 256;

/// How many of the first rows of each verdict the other rows of that
/// verdict are packed against. Rows were once all packed against one
/// dictionary holding a row of each verdict (5.6 KB at 10,000 briefings),
/// which the compressor read again for each row, some 1% of a build's
/// instructions. Packed rows at 10,000 briefings, against the first rows
/// of their verdict: one, 28.2 MB; two, 26.0 MB; four, 23.6 MB; against a
/// row of each verdict, 22.9 MB. Two cost 0.1% more instructions than
/// one at 1,000 briefings.
const ROW_DICTIONARY: usize = 2;

/// The most a fragment is packed against. The compressor reads its whole
/// dictionary again for each fragment it packs, so a dictionary is kept to
/// what the fragments share (see [`Packed`]).
const DICTIONARY_BYTES: usize = 8 * 1024;

/// Fragments of one partial by number: claims' rows by the claim's number
/// in the site (see [`Plan::claim_number`]), briefings' list items by the
/// briefing's. Packed into a few buffers so that 100,000 rows are a few
/// hundred allocations rather than 100,000.
///
/// Each fragment is kept LZ4-compressed against a dictionary of a few
/// fragments like it, which hold the markup each repeats: at 10,000
/// briefings the rows were some 90 MB of HTML, held while the list pages
/// are rendered. A fragment is unpacked each time a page prints it, a few
/// times per claim.
///
/// A row is packed against the first rows of its own verdict (see
/// [`ROW_DICTIONARY`]): a row's verdict badge (its class, link, label and
/// the verdict's description) is a quarter of it, and packed against rows
/// of another verdict it kept all of it.
#[derive(Default)]
pub(super) struct Packed {
    /// What the fragments are compressed against.
    dictionaries: Vec<Box<[u8]>>,
    chunks: Vec<Box<[u8]>>,
    /// Where each number's fragment is: its chunk, the byte range of its
    /// packed bytes there and its length unpacked; `u32::MAX` as the chunk
    /// for a fragment not made.
    at: Vec<[u32; 4]>,
    /// The dictionary each number's fragment is packed against.
    against: Vec<u16>,
}

/// The fragments the list pages being rendered print, made before them
/// and let go of once they are rendered.
#[derive(Default)]
pub(super) struct Lists {
    /// Claims' rows, from `claim_row.html`.
    pub rows: Packed,
    /// Briefings' list items, from `briefing_item.html`.
    pub items: Packed,
    /// Claims' lines among the related fact checks of claim pages, from
    /// `related_claim.html`.
    pub related: Packed,
}

impl Lists {
    /// Nothing made: what a page's view is planned and fingerprinted with,
    /// and what the pages that list nothing are rendered with.
    pub(super) const NONE: &'static Lists = &NO_LISTS;
}

static NO_LISTS: Lists = Lists {
    rows: Packed::NONE,
    items: Packed::NONE,
    related: Packed::NONE,
};

impl Packed {
    const NONE: Packed = Packed {
        dictionaries: Vec::new(),
        chunks: Vec::new(),
        at: Vec::new(),
        against: Vec::new(),
    };

    /// The fragment of number `n` (a claim's row, a briefing's item), if
    /// it was made.
    pub(super) fn get(&self, n: usize) -> Option<String> {
        let &[chunk, start, end, len] = self.at.get(n)?;
        let packed = self
            .chunks
            .get(chunk as usize)?
            .get(start as usize..end as usize)?;
        let dictionary = dictionary(&self.dictionaries, *self.against.get(n)?);
        let bytes = lz4_flex::block::decompress_with_dict(packed, len as usize, dictionary).ok()?;
        String::from_utf8(bytes).ok()
    }
}

/// Dictionary `g` of `dictionaries`, as a fragment is packed against it and
/// unpacked with it: none (an empty one) when there is no such dictionary.
fn dictionary(dictionaries: &[Box<[u8]>], g: u16) -> &[u8] {
    dictionaries.get(usize::from(g)).map_or(&[], |d| d)
}

/// Appends `row` to `packed`, compressed against `dictionary`; returns the
/// range it took there and its own length, as [`Packed::at`] keeps them.
fn pack_row(dictionary: &[u8], row: &[u8], packed: &mut Vec<u8>) -> (u32, u32, u32) {
    let start = packed.len();
    // Compressed in place, where a vector of its own for each row was
    // made at the most a row can take and then shrunk.
    packed.resize(
        start + lz4_flex::block::get_maximum_output_size(row.len()),
        0,
    );
    let len = lz4_flex::block::compress_into_with_dict(row, &mut packed[start..], dictionary)
        .expect("the room a row can take was made");
    packed.truncate(start + len);
    (start as u32, packed.len() as u32, row.len() as u32)
}

/// The contexts a rendering thread makes cards in, each holding `site`:
/// one for source cards, one for claim cards, so that a claim card never
/// sees the `source` the last source card was made with. Each card's
/// variables are written over the last card's (see [`reuse`]).
pub(super) struct CardContexts {
    source: Context,
    claim: Context,
    scratch: Scratch,
}

impl CardContexts {
    pub(super) fn new(base: &Context) -> CardContexts {
        CardContexts {
            source: base.clone(),
            claim: base.clone(),
            scratch: Scratch::default(),
        }
    }
}

/// What a page prints besides its own view: the rows and items its lists
/// show and the cards it shows.
pub(super) struct Fragments<'f> {
    pub lists: &'f Lists,
    pub cards: &'f [String],
    /// A briefing page's body, as HTML.
    pub body: &'f str,
}

impl Fragments<'static> {
    /// None at all: what a page is planned with.
    pub(super) const NONE: Fragments<'static> = Fragments {
        lists: Lists::NONE,
        cards: &[],
        body: "",
    };
}

/// Bodies of briefings rendered for their pages, on their way to the
/// search index, which reads the words of every body in site order on a
/// thread of its own beside the pages.
///
/// In a one-off build a body is not kept (see [`BodyHtml::InFile`]): the
/// index rendered each body again from its file, some 3% of a build's
/// instructions. Now the pages say which bodies they will hand on
/// ([`HandedBodies::expect`]); the index takes each as it comes, waiting
/// for it when it is not there yet, and renders a body itself only when
/// none will come. The pages are rendered in site order (see
/// [`Plan::render_units`]) and the index reads a body far faster than the
/// pages render one, so few bodies wait here at a time.
#[derive(Default)]
pub(super) struct HandedBodies {
    state: Mutex<Handing>,
    handed_on: Condvar,
}

#[derive(Default)]
struct Handing {
    /// The briefings whose bodies the pages have yet to hand on.
    expected: FxHashSet<usize>,
    /// Bodies handed on and not yet taken, by briefing.
    waiting: FxHashMap<usize, String>,
    /// Nothing more will be handed on, or taken: set when the pages are
    /// done, and when the index is (even by an error or a panic).
    pages_done: bool,
    index_done: bool,
}

impl HandedBodies {
    fn lock(&self) -> MutexGuard<'_, Handing> {
        // A thread that panicked holding the lock left the maps whole
        // (each change is one insert or remove), so they can be used.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The pages about to be rendered will hand on the bodies of these
    /// briefings.
    pub(super) fn expect(&self, briefings: impl IntoIterator<Item = usize>) {
        let mut state = self.lock();
        *state = Handing::default();
        state.expected.extend(briefings);
    }

    /// Hands on briefing `b`'s body as its page printed it, or `None` when
    /// it could not be rendered: the index then renders it itself, and
    /// meets the same error.
    pub(super) fn hand_on(&self, b: usize, body: Option<String>) {
        let mut state = self.lock();
        if !state.expected.remove(&b) || state.index_done {
            return;
        }
        if let Some(body) = body {
            state.waiting.insert(b, body);
        }
        drop(state);
        self.handed_on.notify_all();
    }

    /// Briefing `b`'s body as its page printed it, waiting for it while
    /// the pages are yet to hand it on; `None` when they will not.
    pub(super) fn take(&self, b: usize) -> Option<String> {
        let mut state = self.lock();
        loop {
            if let Some(body) = state.waiting.remove(&b) {
                return Some(body);
            }
            if state.pages_done || !state.expected.contains(&b) {
                return None;
            }
            state = self
                .handed_on
                .wait(state)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }

    /// The pages are done: whatever they did not hand on will not come.
    pub(super) fn pages_done(&self) {
        let mut state = self.lock();
        state.pages_done = true;
        state.expected.clear();
        drop(state);
        self.handed_on.notify_all();
    }

    /// The index is done: bodies handed on from now are dropped, and
    /// those not taken are let go of.
    pub(super) fn index_done(&self) {
        let mut state = self.lock();
        state.index_done = true;
        state.waiting = FxHashMap::default();
    }
}

/// Calls `done` when dropped: on the way out of a scope, whether by a
/// return, an error or a panic, so that a thread waiting on the other
/// side of a [`HandedBodies`] is never left waiting.
pub(super) struct OnExit<F: FnMut()>(pub F);

impl<F: FnMut()> Drop for OnExit<F> {
    fn drop(&mut self) {
        (self.0)();
    }
}

impl Plan<'_> {
    /// The briefing whose page is among `jobs`, with the body that page
    /// prints, as HTML; `None` when none of them is a briefing's page.
    pub(super) fn body(&self, jobs: &[Job]) -> Option<(usize, Result<String, Diagnostic>)> {
        let b = jobs.iter().find_map(|job| match *job {
            Job::Briefing(b) => Some(b),
            _ => None,
        })?;
        Some((b, self.body_html(b, Output::Page)))
    }

    /// Whether briefing `b`'s body is left in its file, to be rendered
    /// again for its page: then its page hands it on to the search index.
    pub(super) fn body_in_file(&self, b: usize) -> bool {
        matches!(self.site.briefings[b].body.html, BodyHtml::InFile { .. })
    }

    /// Briefing `b`'s body for the search index: as its page printed it
    /// when the page hands it on, or else as `body_html` makes it.
    pub(super) fn body_for_index(&self, b: usize) -> Result<String, Diagnostic> {
        match self.handed.take(b) {
            Some(body) => Ok(body),
            None => self.body_html(b, Output::Search),
        }
    }

    /// Briefing `b`'s body as `output` wants it: unpacked when it was kept
    /// (a rebuild's), or rendered again from its file (see
    /// [`BodyHtml::InFile`]). A kept body is the page's HTML whatever
    /// `output` asks, which the search index reads as well.
    pub(super) fn body_html(&self, b: usize, output: Output) -> Result<String, Diagnostic> {
        let briefing = &self.site.briefings[b];
        match &briefing.body.html {
            BodyHtml::Packed(packed) => Ok(packed.unpack()),
            BodyHtml::InFile { text } => {
                let Some(folder) = &self.site.folder else {
                    return Err(Diagnostic::error(
                        &briefing.file,
                        crate::diagnostic::Position::start(),
                        "this briefing's body was not kept, and the site's folder is not known to read it again",
                    )
                    .with_hint("this is a bug in brief: please report it"));
                };
                let config = &self.site.config;
                parse::body_again(
                    &folder.root,
                    &briefing.file,
                    *text,
                    config,
                    &folder.catalog,
                    output,
                )
            }
        }
    }

    /// Claim `r`'s number in the site: briefing by briefing, in order.
    pub(super) fn claim_number(&self, r: &ClaimRef) -> usize {
        self.claim_numbers[r.briefing] + r.claim
    }

    /// Makes the rows, items and related lines `pages` print, each once,
    /// in parallel. Template errors come back located in the partial.
    /// (A build makes them pass by pass: see [`Plan::render_each`].)
    #[cfg(test)]
    pub(super) fn make_lists(
        &self,
        templates: &Templates,
        pages: &[&PlannedPage],
    ) -> Result<Lists, Vec<Diagnostic>> {
        Ok(Lists {
            rows: self.make_rows(templates, pages)?,
            items: self.make_items(templates, pages)?,
            related: self.make_related(templates, pages)?,
        })
    }

    /// Makes the row of every claim that `pages` list, each once.
    pub(super) fn make_rows(
        &self,
        templates: &Templates,
        pages: &[&PlannedPage],
    ) -> Result<Packed, Vec<Diagnostic>> {
        let listed = pages
            .iter()
            .flat_map(|page| self.listed(page.job))
            .flatten()
            .copied();
        self.pack_claims(templates, ROW, listed)
    }

    /// Makes the related line of every claim that the claim pages among
    /// `pages` list, each once. They are few and often listed: the newest
    /// claims of each speaker and tag. In the benchmark's corpus of 10,000
    /// briefings, 254 claims make the 398,244 lines of the claim pages.
    pub(super) fn make_related(
        &self,
        templates: &Templates,
        pages: &[&PlannedPage],
    ) -> Result<Packed, Vec<Diagnostic>> {
        let listed = pages.iter().flat_map(|page| match page.job {
            Job::Claim(b, c, _) => self.related(b, c),
            _ => Vec::new(),
        });
        self.pack_claims(templates, RELATED, listed)
    }

    /// Renders `partial` once for each claim `listed` (however many times
    /// it is listed), in site order, with the claim as a [`ClaimRow`];
    /// none when nothing is listed.
    fn pack_claims(
        &self,
        templates: &Templates,
        partial: &str,
        listed: impl Iterator<Item = ClaimRef>,
    ) -> Result<Packed, Vec<Diagnostic>> {
        let total = self.claim_numbers.last().copied().unwrap_or(0);
        // Made only when something is listed: a save in `serve` that
        // renders no list page makes no rows.
        let mut wanted: Vec<bool> = Vec::new();
        for r in listed {
            if wanted.is_empty() {
                wanted = vec![false; total];
            }
            wanted[self.claim_number(&r)] = true;
        }
        if wanted.is_empty() {
            return Ok(Packed::default());
        }
        let needed: Vec<ClaimRef> = self
            .briefings
            .iter()
            .enumerate()
            .flat_map(|(b, views)| {
                (0..views.claims.len()).map(move |c| ClaimRef {
                    briefing: b,
                    claim: c,
                })
            })
            .filter(|r| wanted[self.claim_number(r)])
            .collect();
        drop(wanted);
        // Each row is packed against the first rows of its verdict.
        let mut verdicts: Vec<&str> = Vec::new();
        let mut dictionaries: Vec<Vec<usize>> = Vec::new();
        let against: Vec<usize> = needed
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let verdict = self.briefings[r.briefing].claims[r.claim]
                    .verdict
                    .id
                    .as_str();
                match verdicts.iter().position(|v| *v == verdict) {
                    Some(g) => {
                        if dictionaries[g].len() < ROW_DICTIONARY {
                            dictionaries[g].push(i);
                        }
                        g
                    }
                    None => {
                        verdicts.push(verdict);
                        dictionaries.push(vec![i]);
                        verdicts.len() - 1
                    }
                }
            })
            .collect();
        self.pack(
            templates,
            partial,
            &needed,
            &dictionaries,
            |i| against[i],
            total,
            |context, r, scratch| {
                let claim = &self.briefings[r.briefing].claims[r.claim];
                reuse::set(context, "claim", &ClaimRow::of(claim), scratch)?;
                Ok(self.claim_number(r))
            },
        )
    }

    /// Makes the list item of every briefing that `pages` list, each once.
    pub(super) fn make_items(
        &self,
        templates: &Templates,
        pages: &[&PlannedPage],
    ) -> Result<Packed, Vec<Diagnostic>> {
        let total = self.briefings.len();
        let mut wanted = vec![false; total];
        for page in pages {
            for &b in self.listed_briefings(page.job).iter() {
                wanted[b] = true;
            }
        }
        let needed: Vec<usize> = (0..total).filter(|&b| wanted[b]).collect();
        drop(wanted);
        let dictionary: Vec<usize> = (0..needed.len().min(ITEM_DICTIONARY)).collect();
        self.pack(
            templates,
            ITEM,
            &needed,
            &[dictionary],
            |_| 0,
            total,
            |context, &b, scratch| {
                reuse::set(context, "briefing", &self.briefings[b].summary, scratch)?;
                Ok(b)
            },
        )
    }

    /// Renders `partial` once for each of `needed`, in parallel, into
    /// [`Packed`] fragments of `total` numbers: `set` puts what the partial
    /// receives for one of them into its context (which holds `site`) and
    /// says its number. `needed[i]` is packed against the dictionary of
    /// number `against(i)`, made of the fragments of `needed` at the indices
    /// `dictionaries` lists for it, made alone first.
    #[allow(clippy::too_many_arguments)]
    fn pack<K: Sync>(
        &self,
        templates: &Templates,
        partial: &str,
        needed: &[K],
        dictionaries: &[Vec<usize>],
        against: impl Fn(usize) -> usize + Sync,
        total: usize,
        set: impl Fn(&mut Context, &K, &mut Scratch) -> serde_json::Result<usize> + Sync,
    ) -> Result<Packed, Vec<Diagnostic>> {
        if needed.is_empty() {
            return Ok(Packed::default());
        }
        let mut base = Context::new();
        base.insert("site", &self.shared.site);
        let made_of = |(context, scratch): &mut (Context, Scratch), key: &K, html: &mut Vec<u8>| {
            let n = set(context, key, scratch)
                .map_err(|err| templates.error(&tera::Error::json(err), partial))?;
            self.tera
                .render_to(partial, context, html)
                .map_err(|err| templates.error(&err, partial))?;
            Ok(n)
        };
        let mut made_for = (base.clone(), Scratch::default());
        let mut packed_against: Vec<Box<[u8]>> = Vec::with_capacity(dictionaries.len());
        for indices in dictionaries {
            let mut dictionary = Vec::new();
            for &i in indices {
                made_of(&mut made_for, &needed[i], &mut dictionary).map_err(|d| vec![d])?;
                if dictionary.len() >= DICTIONARY_BYTES {
                    break;
                }
            }
            packed_against.push(dictionary.into_boxed_slice());
        }
        // A fragment whose dictionary's number does not fit where it is
        // kept is packed against the first: the same one it is unpacked
        // with.
        let against = |i: usize| u16::try_from(against(i)).unwrap_or(0);
        let dictionaries = packed_against;
        type Made = (Box<[u8]>, Vec<(usize, u16, (u32, u32, u32))>);
        let made: Vec<Result<Made, Diagnostic>> = needed
            .par_chunks(CHUNK)
            .enumerate()
            .map_init(
                || ((base.clone(), Scratch::default()), Vec::new(), Vec::new()),
                |(context, html, packed), (k, chunk)| {
                    packed.clear();
                    let mut places = Vec::with_capacity(chunk.len());
                    for (j, key) in chunk.iter().enumerate() {
                        html.clear();
                        let n = made_of(context, key, html)?;
                        let g = against(k * CHUNK + j);
                        places.push((n, g, pack_row(dictionary(&dictionaries, g), html, packed)));
                    }
                    // Packed into the thread's buffer and copied out at its
                    // size, once: a buffer of its own for each chunk, grown
                    // by doubling and then shrunk, kept some 16 MB more
                    // resident while the rows are held at 10,000 briefings.
                    Ok((Box::from(packed.as_slice()), places))
                },
            )
            .collect();
        let mut fragments = Packed {
            dictionaries,
            chunks: Vec::with_capacity(made.len()),
            at: vec![[u32::MAX, 0, 0, 0]; total],
            against: vec![0; total],
        };
        for (packed, places) in super::gathered(made)? {
            let chunk = fragments.chunks.len() as u32;
            for (n, g, (start, end, len)) in places {
                fragments.at[n] = [chunk, start, end, len];
                fragments.against[n] = g;
            }
            fragments.chunks.push(packed);
        }
        Ok(fragments)
    }

    /// The cards each of `jobs` shows, made with `context`, which holds
    /// `site` and is kept by the rendering thread: on a briefing's page each
    /// of its claims' cards, on a claim's page its own. `jobs` are one
    /// briefing's page and its claims' pages (see [`Plan::units`]), or any
    /// one page: a claim is made into a Tera value once for both of its
    /// cards.
    pub(super) fn cards(
        &self,
        templates: &Templates,
        contexts: &mut CardContexts,
        jobs: &[Job],
    ) -> Result<Vec<Vec<String>>, Diagnostic> {
        let mut cards: Vec<Vec<String>> = vec![Vec::new(); jobs.len()];
        let Some(b) = jobs.iter().find_map(|job| match *job {
            Job::Briefing(b) | Job::Claim(b, ..) => Some(b),
            _ => None,
        }) else {
            return Ok(cards);
        };
        let on_briefing = jobs.iter().position(|job| *job == Job::Briefing(b));
        // Each card is made in a buffer about the size of the last of its
        // kind, rather than in one grown by doubling and copied each time.
        let render = |context: &mut Context, name: &str, last: &mut usize| {
            let mut html = Vec::with_capacity(*last + *last / 8 + 256);
            self.tera
                .render_to(name, context, &mut html)
                .map_err(|err| templates.error(&err, name))?;
            *last = html.len();
            String::from_utf8(html)
                .map_err(|err| templates.error(&tera::Error::msg(err.to_string()), name))
        };
        let (mut last_card, mut last_source_card) = (0, 0);
        let CardContexts {
            source: for_source,
            claim: context,
            scratch,
        } = contexts;
        let unserialisable = |err, name| templates.error(&tera::Error::json(err), name);
        // A briefing's claims that cite one source share its view.
        let mut source_cards: rustc_hash::FxHashMap<*const SourceView, String> = Default::default();
        for (c, claim) in self.briefings[b].claims.iter().enumerate() {
            let on_own = jobs
                .iter()
                .position(|job| matches!(*job, Job::Claim(jb, jc, _) if jb == b && jc == c));
            if on_briefing.is_none() && on_own.is_none() {
                continue;
            }
            for source in &claim.sources {
                if let Entry::Vacant(entry) = source_cards.entry(Arc::as_ptr(source)) {
                    reuse::set(for_source, "source", &**source, scratch)
                        .map_err(|err| unserialisable(err, SOURCE_CARD))?;
                    entry.insert(render(for_source, SOURCE_CARD, &mut last_source_card)?);
                }
            }
            let shown: Vec<&str> = claim
                .sources
                .iter()
                .map(|source| source_cards[&Arc::as_ptr(source)].as_str())
                .collect();
            reuse::set(context, "source_cards", &shown, scratch)
                .and_then(|()| reuse::set(context, "claim", claim, scratch))
                .map_err(|err| unserialisable(err, CARD))?;
            if let Some(i) = on_briefing {
                context.insert("show_briefing", &false);
                let card = render(context, CARD, &mut last_card)?;
                cards[i].push(card);
            }
            if let Some(i) = on_own {
                context.insert("show_briefing", &true);
                cards[i] = vec![render(context, CARD, &mut last_card)?];
            }
        }
        Ok(cards)
    }

    /// The pages of `pages` at `indices`, by index, in units of work: each
    /// briefing's page with its claims' pages among them, whose cards are
    /// made together, and every other page alone.
    pub(super) fn units(&self, pages: &[&PlannedPage], indices: &[usize]) -> Vec<Vec<usize>> {
        let mut units: Vec<Vec<usize>> = Vec::new();
        let mut of_briefing: rustc_hash::FxHashMap<usize, usize> = Default::default();
        for &i in indices {
            match pages[i].job {
                Job::Briefing(b) | Job::Claim(b, ..) => {
                    let unit = *of_briefing.entry(b).or_insert_with(|| {
                        units.push(Vec::new());
                        units.len() - 1
                    });
                    units[unit].push(i);
                }
                _ => units.push(vec![i]),
            }
        }
        units
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_handed_on_is_taken_once_and_one_not_coming_is_not_waited_for() {
        let handed = HandedBodies::default();
        handed.expect([1, 2]);
        assert_eq!(handed.take(3), None, "briefing 3's page hands nothing on");
        std::thread::scope(|scope| {
            scope.spawn(|| {
                std::thread::sleep(std::time::Duration::from_millis(20));
                handed.hand_on(1, Some("<p>one</p>".into()));
                handed.hand_on(2, None);
            });
            assert_eq!(handed.take(1).as_deref(), Some("<p>one</p>"));
            assert_eq!(
                handed.take(2),
                None,
                "a body that failed is rendered by the index"
            );
        });
        assert_eq!(handed.take(1), None, "taken already");
    }

    #[test]
    fn the_index_is_let_go_when_the_pages_stop_short() {
        let handed = HandedBodies::default();
        handed.expect([5]);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                std::thread::sleep(std::time::Duration::from_millis(20));
                let _done = OnExit(|| handed.pages_done());
                // The pages end (here by an early return) without briefing 5.
            });
            assert_eq!(handed.take(5), None);
        });
    }

    #[test]
    fn bodies_handed_on_once_the_index_is_done_are_dropped() {
        let handed = HandedBodies::default();
        handed.expect([1, 2]);
        handed.hand_on(1, Some("kept".into()));
        handed.index_done();
        handed.hand_on(2, Some("dropped".into()));
        assert!(handed.lock().waiting.is_empty());
    }

    #[test]
    fn rows_are_packed_against_the_first_rows_of_their_verdict() {
        let claim = |id: &str, verdict: &str| {
            format!(
                "  - id: {id}\n    speaker: marie\n    text: The ferry cost {id} million.\n    verdict: {verdict}\n    explanation: The cost was otherwise.\n    sources: [report]\n"
            )
        };
        let ferry = format!(
            "---\ntitle: The ferry\ndate: 2026-11-20\nsummary: What the figures say.\nspeakers:\n  marie:\n    name: Marie Dupont\nsources:\n  report:\n    title: Annual report\n    url: https://example.org/report\nclaims:\n{}{}{}{}---\nBody.\n",
            claim("one", "false"),
            claim("two", "mostly-true"),
            claim("three", "mostly-true"),
            claim("four", "mostly-true"),
        );
        let site = super::super::pages::tests::site(&[
            ("site.yaml", "title: The Desk\n".to_owned()),
            ("content/briefings/ferry.md", ferry),
        ]);
        let templates = super::super::templates(&[], Default::default()).unwrap();
        let mut plan =
            super::super::plan(&site, &templates, &mut super::super::Cache::default(), 0);
        plan.add_claim_pages();
        let pages: Vec<&PlannedPage> = plan.pages.iter().collect();
        let rows = plan.make_rows(&templates, &pages).expect("the rows render");

        // One dictionary for each verdict, of its first rows.
        let dictionaries: Vec<&str> = rows
            .dictionaries
            .iter()
            .map(|d| std::str::from_utf8(d).unwrap())
            .collect();
        assert_eq!(dictionaries.len(), 2, "{dictionaries:?}");
        assert!(
            dictionaries[0].contains("/verdicts/false/"),
            "{dictionaries:?}"
        );
        assert!(dictionaries[0].contains("The ferry cost one million."));
        assert!(dictionaries[1].contains("/verdicts/mostly-true/"));
        assert!(dictionaries[1].contains("The ferry cost two million."));
        assert!(dictionaries[1].contains("The ferry cost three million."));
        assert!(!dictionaries[1].contains("The ferry cost four million."));
        assert_eq!(rows.against[..4], [0, 1, 1, 1]);
        // The fourth claim's row, of the second verdict, is packed smaller
        // than against the first row, which has the other badge.
        let fourth = rows.get(3).expect("the fourth claim's row");
        assert!(fourth.contains("The ferry cost four million."), "{fourth}");
        let first = rows.get(0).expect("the first claim's row");
        let mut alone = Vec::new();
        let (start, end, _) = pack_row(first.as_bytes(), fourth.as_bytes(), &mut alone);
        let [_, at, to, len] = rows.at[3];
        assert_eq!(len as usize, fourth.len());
        assert!(
            to - at + 50 < end - start,
            "packed against the first rows of its verdict: {} bytes; against the first row: {} bytes",
            to - at,
            end - start
        );
    }

    #[test]
    fn packed_rows_give_back_each_row_as_it_was_made() {
        let made = [
            "<li class=\"claim-row\"><a href=\"/b/one/\">«Première» déclaration</a></li>\n",
            "<li class=\"claim-row\"><a href=\"/b/two/\">A second claim, longer, with a verdict badge</a></li>\n",
            "",
        ];
        let dictionary = made[0].as_bytes().to_vec();
        let mut packed = Vec::new();
        let mut at = vec![[u32::MAX, 0, 0, 0]; made.len() + 1];
        for (n, row) in made.iter().enumerate() {
            let (start, end, len) = pack_row(&dictionary, row.as_bytes(), &mut packed);
            at[n] = [0, start, end, len];
        }
        let rows = Packed {
            dictionaries: vec![dictionary.into_boxed_slice()],
            chunks: vec![packed.into_boxed_slice()],
            against: vec![0; at.len()],
            at,
        };
        for (n, row) in made.iter().enumerate() {
            assert_eq!(rows.get(n).as_deref(), Some(*row));
        }
        // A row not made, and a claim beyond the site's.
        assert_eq!(rows.get(made.len()), None);
        assert_eq!(rows.get(made.len() + 5), None);
        // The markup a row shares with the dictionary is what packing saves.
        let first = &rows.at[0];
        assert!(first[2] - first[1] < first[3] / 2, "{first:?}");

        // A fragment whose dictionary there is none of is packed against
        // an empty one, and unpacked with the same.
        let mut packed = Vec::new();
        let (start, end, len) =
            pack_row(super::dictionary(&[], 3), made[1].as_bytes(), &mut packed);
        let alone = Packed {
            dictionaries: Vec::new(),
            chunks: vec![packed.into_boxed_slice()],
            at: vec![[0, start, end, len]],
            against: vec![3],
        };
        assert_eq!(alone.get(0).as_deref(), Some(made[1]));
    }
}
