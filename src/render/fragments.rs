//! Fragments: the parts of pages made from a partial template of their own
//! (a claim's compact row, a claim's full card), rendered once and printed
//! as HTML by the pages that show them.
//!
//! A claim's row appears on its speaker's page, its verdict's page and the
//! sources page of each source it cites: rendered inside each of those
//! pages, it was made (and its claim made into a Tera value) about four
//! times. Here the rows that the pages being rendered list are made first,
//! each once, into a few large strings, and a list page's context carries
//! them as text. Only the rows of those pages are made, so a save in
//! `serve` that renders a few pages makes only their rows: nothing is kept
//! between builds, and a rebuild makes what a fresh build makes.
//!
//! A card appears on one page per variant (its briefing's page, its own
//! page), so cards are made as their pages are: a briefing's page and its
//! claims' pages are rendered together, on one thread, each claim made
//! into a Tera value once for both its cards, and no card is held longer.
//! The source cards inside them are made first, once per source of the
//! briefing, and given to the claim card as `source_cards`.

use std::collections::hash_map::Entry;
use std::sync::Arc;

use rayon::prelude::*;
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

/// How many rows one task makes into one buffer.
const CHUNK: usize = 256;

/// Claims' rows, by the claim's number in the site (see
/// [`Plan::claim_number`]), packed into a few buffers so that 100,000 rows
/// are a few hundred allocations rather than 100,000.
///
/// Each row is kept LZ4-compressed against one row of the same partial
/// (the first made), which holds the markup every row repeats: at 10,000
/// briefings the rows were some 90 MB of HTML, held while the list pages
/// are rendered, at the build's peak. A row is unpacked each time a page
/// prints it, a few times per claim.
#[derive(Default)]
pub(super) struct Rows {
    /// The row the others are compressed against.
    dictionary: Vec<u8>,
    chunks: Vec<Box<[u8]>>,
    /// Where each claim's row is: its chunk, the byte range of its packed
    /// bytes there and its length unpacked; `u32::MAX` as the chunk for a
    /// row not made.
    at: Vec<[u32; 4]>,
}

/// No rows: what a page's view is planned and fingerprinted with.
pub(super) static NO_ROWS: Rows = Rows {
    dictionary: Vec::new(),
    chunks: Vec::new(),
    at: Vec::new(),
};

impl Rows {
    /// The row of claim number `n`, if it was made.
    pub(super) fn get(&self, n: usize) -> Option<String> {
        let &[chunk, start, end, len] = self.at.get(n)?;
        let packed = self
            .chunks
            .get(chunk as usize)?
            .get(start as usize..end as usize)?;
        let bytes =
            lz4_flex::block::decompress_with_dict(packed, len as usize, &self.dictionary).ok()?;
        String::from_utf8(bytes).ok()
    }
}

/// Appends `row` to `packed`, compressed against `dictionary`; returns the
/// range it took there and its own length, as [`Rows::at`] keeps them.
fn pack_row(dictionary: &[u8], row: &[u8], packed: &mut Vec<u8>) -> (u32, u32, u32) {
    let start = packed.len();
    packed.extend_from_slice(&lz4_flex::block::compress_with_dict(row, dictionary));
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

/// What a page prints besides its own view: the rows its lists show and
/// the cards it shows.
pub(super) struct Fragments<'f> {
    pub rows: &'f Rows,
    pub cards: &'f [String],
    /// A briefing page's body, as HTML.
    pub body: &'f str,
}

impl Fragments<'static> {
    /// None at all: what a page is planned with.
    pub(super) const NONE: Fragments<'static> = Fragments {
        rows: &NO_ROWS,
        cards: &[],
        body: "",
    };
}

impl Plan<'_> {
    /// The body the briefing page among `jobs` prints, as HTML; `None`
    /// when none of them is a briefing's page.
    pub(super) fn body(&self, jobs: &[Job]) -> Option<Result<String, Diagnostic>> {
        let b = jobs.iter().find_map(|job| match *job {
            Job::Briefing(b) => Some(b),
            _ => None,
        })?;
        Some(self.body_html(b, Output::Page))
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

    /// Makes the row of every claim that `pages` list, each once, in
    /// parallel. Template errors come back located in the row's partial.
    pub(super) fn make_rows(
        &self,
        templates: &Templates,
        pages: &[&PlannedPage],
    ) -> Result<Rows, Vec<Diagnostic>> {
        let total = self.claim_numbers.last().copied().unwrap_or(0);
        let mut wanted: Vec<bool> = Vec::new();
        for page in pages {
            for list in self.listed(page.job) {
                if wanted.is_empty() {
                    wanted = vec![false; total];
                }
                for r in list {
                    wanted[self.claim_number(r)] = true;
                }
            }
        }
        if wanted.is_empty() {
            return Ok(Rows::default());
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
        let Some(first) = needed.first() else {
            return Ok(Rows::default());
        };
        let mut base = Context::new();
        base.insert("site", &self.shared.site);
        let row_of =
            |(context, scratch): &mut (Context, Scratch), r: &ClaimRef, html: &mut Vec<u8>| {
                let claim = &self.briefings[r.briefing].claims[r.claim];
                reuse::set(context, "claim", &ClaimRow::of(claim), scratch)
                    .map_err(|err| templates.error(&tera::Error::json(err), ROW))?;
                self.tera
                    .render_to(ROW, context, html)
                    .map_err(|err| templates.error(&err, ROW))
            };
        // The first row, made alone, is what the rest are packed against.
        let mut dictionary = Vec::new();
        row_of(
            &mut (base.clone(), Scratch::default()),
            first,
            &mut dictionary,
        )
        .map_err(|d| vec![d])?;
        type Made = (Box<[u8]>, Vec<(usize, (u32, u32, u32))>);
        let made: Vec<Result<Made, Diagnostic>> = needed
            .par_chunks(CHUNK)
            .map_init(
                || ((base.clone(), Scratch::default()), Vec::new(), Vec::new()),
                |(context, html, packed), chunk| {
                    packed.clear();
                    let mut places = Vec::with_capacity(chunk.len());
                    for r in chunk {
                        html.clear();
                        row_of(context, r, html)?;
                        places.push((self.claim_number(r), pack_row(&dictionary, html, packed)));
                    }
                    // Packed into the thread's buffer and copied out at its
                    // size, once: a buffer of its own for each chunk, grown
                    // by doubling and then shrunk, kept some 16 MB more
                    // resident while the rows are held at 10,000 briefings.
                    Ok((Box::from(packed.as_slice()), places))
                },
            )
            .collect();
        let mut rows = Rows {
            dictionary,
            chunks: Vec::with_capacity(made.len()),
            at: vec![[u32::MAX, 0, 0, 0]; total],
        };
        for (packed, places) in super::gathered(made)? {
            let chunk = rows.chunks.len() as u32;
            for (n, (start, end, len)) in places {
                rows.at[n] = [chunk, start, end, len];
            }
            rows.chunks.push(packed);
        }
        Ok(rows)
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
        let rows = Rows {
            dictionary,
            chunks: vec![packed.into_boxed_slice()],
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
    }
}
