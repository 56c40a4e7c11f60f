//! The kinds of page, one function each: the view a page receives.
//!
//! A page's view is everything its template receives besides `site` and
//! `current_url`: each field becomes a template variable, and the page's
//! share `meta` is made from the view too. Its fingerprint is the hash of
//! that same value, so a field added to a view is part of the fingerprint
//! (the derived `Hash` does not compile until it is) and a page cannot
//! show something its fingerprint misses.
//!
//! A save plans every page, so views are cheap to make and to hash. Views
//! that many pages show are hashed by the fingerprint they carry
//! ([`Fingerprinted`]) rather than deeply. What a page would spell out at
//! length (a list of claim cards, a pager, a tally, a briefing's or plain
//! page's body) is held as what it is made from, hashed as such, and made
//! into what the template sees only when the page is rendered.

use std::borrow::Cow;
use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use serde::Serialize;

use super::fragments::{Fragments, Packed};
use super::views::{
    self, BriefingLink, BriefingSummary, BriefingViews, ClaimRow, ClaimView, CorrectionView,
    EmbeddedClaim, Fingerprinted, MetaView, Pager, SiteView, SourceView, SpeakerRef, TagCount,
    Tally, VerdictCount,
};
use super::{claim_review, Job, Plan};
use crate::config::SiteConfig;
use crate::model::{Briefing, Correction, Page};
use crate::resolve::{ClaimRef, Site};

/// What one page receives, by kind.
#[derive(Serialize, Hash)]
#[serde(untagged)]
pub(super) enum View<'a> {
    Index(IndexPage<'a>),
    Briefing(BriefingPage<'a>),
    Claim(ClaimPage<'a>),
    Embed(EmbedPage<'a>),
    Speakers(SpeakersPage<'a>),
    Speaker(SpeakerPage<'a>),
    Sources(SourcesPage<'a>),
    Verdicts(VerdictsPage<'a>),
    Verdict(VerdictPage<'a>),
    Tags(TagsPage<'a>),
    Tag(TagPage<'a>),
    Author(AuthorPage<'a>),
    Page(PlainPage<'a>),
    Corrections(CorrectionsPage<'a>),
    NotFound(Nothing),
    Search(Nothing),
}

/// A view that many pages show, by reference, hashed by its fingerprint.
type SharedView<'a, T> = Fingerprinted<&'a T>;

#[derive(Serialize, Hash)]
pub(super) struct IndexPage<'a> {
    briefings: Vec<SharedView<'a, BriefingSummary>>,
    items: BriefingItems<'a>,
    pager: Pager<'a>,
    /// Every claim of the site, charted on every page of the index.
    tally: Tally<'a>,
}

#[derive(Serialize, Hash)]
pub(super) struct BriefingPage<'a> {
    /// Fingerprinted by the signature of the briefing's views, which covers
    /// the briefing's text and every shared view its cards show.
    briefing: Fingerprinted<BriefingContent<'a>>,
}

/// What a briefing's page is made from, made into a [`BriefingView`] as it
/// is shown.
pub(super) struct BriefingContent<'a> {
    briefing: &'a Briefing,
    views: &'a BriefingViews,
    config: &'a SiteConfig,
    /// Its claims' cards, made from `claim_card.html` as the page is
    /// rendered (none while it is planned).
    cards: &'a [String],
    /// Its body's HTML, made as the page is rendered (none while it is
    /// planned; the views' signature covers the text).
    body: &'a str,
}

#[derive(Serialize)]
struct BriefingView<'a> {
    #[serde(flatten)]
    summary: &'a BriefingSummary,
    event: Option<&'a str>,
    authors: &'a [views::Byline],
    body: &'a str,
    /// Each claim's card, as HTML.
    claims: &'a [String],
    speakers: Vec<&'a SpeakerRef>,
    sources: Vec<&'a SourceView>,
    corrections: Vec<CorrectionView>,
    draft: bool,
    /// schema.org ClaimReview data, safe to print inside a script element.
    json_ld: String,
}

impl Serialize for BriefingContent<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (briefing, views) = (self.briefing, self.views);
        let mut seen = HashSet::new();
        let speakers = views
            .claims
            .iter()
            .filter(|c| seen.insert(&c.speaker.id))
            .map(|c| &*c.speaker)
            .collect();
        let mut seen = HashSet::new();
        let sources = views
            .claims
            .iter()
            .flat_map(|c| c.sources.iter().map(|s| &**s))
            .filter(|s| seen.insert(&s.anchor))
            .collect();
        BriefingView {
            summary: &views.summary,
            event: briefing.event.as_deref(),
            authors: &views.bylines,
            body: self.body,
            claims: self.cards,
            speakers,
            sources,
            corrections: briefing
                .corrections
                .iter()
                .map(|c| correction_view(&self.config.locale, c))
                .collect(),
            draft: briefing.draft,
            json_ld: claim_review::json_ld(self.config, briefing, views),
        }
        .serialize(serializer)
    }
}

#[derive(Serialize, Hash)]
pub(super) struct ClaimPage<'a> {
    /// What the headline shows, hashed by the claim's card fingerprint.
    claim: Fingerprinted<Headline<'a>>,
    /// The claim's card, made from `claim_card.html` as the page is
    /// rendered; hashed as nothing, since the card's fingerprint is
    /// `claim`'s and the partial's is the page's.
    card: Fingerprinted<&'a str>,
    /// The briefing it comes from, as the page's header names it: the
    /// card's own link to it, so hashed as nothing (the card's fingerprint
    /// covers it).
    briefing: Fingerprinted<&'a BriefingLink>,
    /// The briefing's summary, for the share meta (its date, and its image
    /// when the claim has none); not shown.
    #[serde(skip)]
    summary: SharedView<'a, BriefingSummary>,
    /// For the share meta, which counts corrections too.
    #[serde(skip)]
    modified: Option<chrono::NaiveDate>,
    /// A few other claims by the same speaker or from briefings sharing a
    /// tag, newest briefing first: one line each, made from the related
    /// partial once per claim however many pages list it, and hashed by
    /// each card's fingerprint (which covers all a line shows).
    related: ClaimRows<'a>,
    /// Its share links and embed line, hashed as nothing: they are made
    /// from the claim's card and the site's address, which the page's
    /// fingerprint covers already, and made only when the page is.
    #[serde(flatten)]
    sharing: Fingerprinted<Sharing<'a>>,
}

/// A claim as its page's headline and title show it: the fields of its
/// row, and its summary for the meta description. The full card is
/// printed from `card`.
pub(super) struct Headline<'a>(&'a ClaimView);

impl Serialize for Headline<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct HeadlineView<'a> {
            #[serde(flatten)]
            row: ClaimRow<'a>,
            summary: views::ClaimSummary<'a>,
        }
        HeadlineView {
            row: ClaimRow::of(self.0),
            summary: self.0.summary(),
        }
        .serialize(serializer)
    }
}

/// What a claim page's share links and embed line are made from.
pub(super) struct Sharing<'a> {
    claim: &'a ClaimView,
    config: &'a SiteConfig,
}

#[derive(Serialize)]
struct SharingView {
    /// The claim's card for other sites, absolute.
    embed_url: String,
    /// The `<iframe>` line that shows the card on another site, as HTML
    /// source for the reader to copy (printed escaped, it reads as typed).
    embed_code: String,
    /// Plain links that share the claim's page: no script, no tracker.
    share: Vec<ShareLink>,
}

impl Serialize for Sharing<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (claim, config) = (self.claim, self.config);
        let page = config.absolute(&claim.page_url());
        let embed_url = [page.as_str(), "embed/"].concat();
        SharingView {
            embed_code: embed_code(config, &embed_url, claim),
            share: share_links(config, &page, claim),
            embed_url,
        }
        .serialize(serializer)
    }
}

/// A plain link that shares a page by email or on a social network.
#[derive(Serialize)]
struct ShareLink {
    /// The service, as the link reads: "Email", "Bluesky", …
    name: String,
    url: String,
}

/// How many related claims a claim page lists.
const RELATED: usize = 4;

/// A claim's card alone, for an iframe on another site.
#[derive(Serialize, Hash)]
pub(super) struct EmbedPage<'a> {
    /// What the card shows of the claim. Hashed as nothing: `card`, which
    /// it is made from, is in the fingerprint.
    claim: Fingerprinted<EmbeddedClaim<'a>>,
    /// The briefing it comes from, the card's own link to it (hashed as
    /// nothing, like `claim`).
    briefing: Fingerprinted<&'a BriefingLink>,
    /// The full card and its briefing's summary, for the share meta; not
    /// shown.
    #[serde(skip)]
    card: SharedView<'a, ClaimView>,
    #[serde(skip)]
    summary: SharedView<'a, BriefingSummary>,
    /// The claim's own page, absolute, where the card's links lead.
    claim_page: String,
    /// The explanation as plain text: its own links are written for the
    /// briefing's page. Hashed as nothing: the card's explanation, made
    /// from the same Markdown, is in the fingerprint.
    explanation: Fingerprinted<&'a str>,
}

#[derive(Serialize, Hash)]
pub(super) struct SpeakersPage<'a> {
    speakers: Vec<SpeakerSummary<'a>>,
}

#[derive(Serialize, Hash)]
struct SpeakerSummary<'a> {
    #[serde(flatten)]
    speaker: SharedView<'a, SpeakerRef>,
    claim_count: usize,
    tally: Tally<'a>,
}

#[derive(Serialize, Hash)]
pub(super) struct SpeakerPage<'a> {
    speaker: SpeakerClaims<'a>,
    pager: Pager<'a>,
    /// The Atom feed of the speaker's claims.
    feed_url: String,
}

/// A speaker with the chart of all their claims and one page of them.
#[derive(Serialize, Hash)]
struct SpeakerClaims<'a> {
    #[serde(flatten)]
    speaker: SharedView<'a, SpeakerRef>,
    tally: Tally<'a>,
    claims: ClaimRows<'a>,
}

#[derive(Serialize, Hash)]
pub(super) struct SourcesPage<'a> {
    pager: Pager<'a>,
    sources: Vec<SourceEntry<'a>>,
}

#[derive(Serialize, Hash)]
struct SourceEntry<'a> {
    #[serde(flatten)]
    source: Fingerprinted<views::CitedSource<'a>>,
    cited_by: ClaimRows<'a>,
}

#[derive(Serialize, Hash)]
pub(super) struct VerdictsPage<'a> {
    verdicts: Vec<VerdictCount<'a>>,
}

#[derive(Serialize, Hash)]
pub(super) struct VerdictPage<'a> {
    verdict: VerdictCount<'a>,
    pager: Pager<'a>,
    claims: ClaimRows<'a>,
}

#[derive(Serialize, Hash)]
pub(super) struct TagsPage<'a> {
    tags: Vec<TagCount<'a>>,
}

#[derive(Serialize, Hash)]
pub(super) struct TagPage<'a> {
    pager: Pager<'a>,
    tag: TagCount<'a>,
    briefings: Vec<SharedView<'a, BriefingSummary>>,
    items: BriefingItems<'a>,
    /// The Atom feed of the tag's briefings.
    feed_url: String,
}

#[derive(Serialize, Hash)]
pub(super) struct AuthorPage<'a> {
    author: SharedView<'a, views::AuthorView>,
    /// How many briefings they wrote, on every page of the list.
    count: usize,
    briefings: Vec<SharedView<'a, BriefingSummary>>,
    items: BriefingItems<'a>,
    pager: Pager<'a>,
}

#[derive(Serialize, Hash)]
pub(super) struct PlainPage<'a> {
    /// Fingerprinted by the hash of the page's file.
    page: Fingerprinted<PageContent<'a>>,
}

/// What a plain page is made from, made into a [`PageView`] as it is shown.
pub(super) struct PageContent<'a> {
    page: &'a Page,
    base_path: &'a str,
}

#[derive(Serialize)]
struct PageView<'a> {
    title: &'a str,
    description: Option<&'a str>,
    url: String,
    slug: &'a str,
    content: String,
    image: Option<views::FigureView>,
}

impl Serialize for PageContent<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let page = self.page;
        PageView {
            title: &page.title,
            description: page.description.as_deref(),
            url: format!("{}{}/", self.base_path, page.slug),
            slug: &page.slug,
            // A page's body is always kept: only briefings' are left in
            // their files (`parse::Bodies`).
            content: page.body.html.unpack().unwrap_or_default(),
            image: page.image.as_ref().map(views::FigureView::of),
        }
        .serialize(serializer)
    }
}

#[derive(Serialize, Hash)]
pub(super) struct CorrectionsPage<'a> {
    corrections: Vec<CorrectionEntry<'a>>,
}

/// A correction on `/corrections/`, with the briefing it corrects.
#[derive(Serialize, Hash)]
struct CorrectionEntry<'a> {
    #[serde(flatten)]
    correction: CorrectionView,
    briefing: SharedView<'a, BriefingSummary>,
}

/// Claims as a list shows them, one compact row each: hashed by each
/// card's fingerprint (which covers all a row shows), and shown as the
/// rows made for the pages being rendered (see [`super::fragments`]).
pub(super) struct ClaimRows<'a> {
    briefings: &'a [Arc<BriefingViews>],
    /// The number of each briefing's first claim, where its rows are.
    numbers: &'a [usize],
    rows: &'a Packed,
    claims: Cow<'a, [ClaimRef]>,
}

impl Hash for ClaimRows<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.claims.len().hash(state);
        for r in self.claims.iter() {
            self.briefings[r.briefing].claim_hashes[r.claim].hash(state);
        }
    }
}

impl Serialize for ClaimRows<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut seq = serializer.serialize_seq(Some(self.claims.len()))?;
        for r in self.claims.iter() {
            let row = self
                .rows
                .get(self.numbers[r.briefing] + r.claim)
                .ok_or_else(|| S::Error::custom("a listed claim's row was not made"))?;
            seq.serialize_element(&row)?;
        }
        seq.end()
    }
}

/// Briefings as a list shows them, one item each, in the order of the
/// list's `briefings`: shown as the items made for the pages being
/// rendered (see [`super::fragments`]). Hashed as nothing, since the
/// list's `briefings` are hashed beside it, by the fingerprints of the
/// summaries the items are made from.
pub(super) struct BriefingItems<'a> {
    items: &'a Packed,
    briefings: Cow<'a, [usize]>,
}

impl Hash for BriefingItems<'_> {
    fn hash<H: Hasher>(&self, _: &mut H) {}
}

impl Serialize for BriefingItems<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut seq = serializer.serialize_seq(Some(self.briefings.len()))?;
        for &b in self.briefings.iter() {
            let item = self
                .items
                .get(b)
                .ok_or_else(|| S::Error::custom("a listed briefing's item was not made"))?;
            seq.serialize_element(&item)?;
        }
        seq.end()
    }
}

/// The view of a page that receives nothing of its own.
#[derive(Serialize, Hash)]
pub(super) struct Nothing {}

impl<'a> Plan<'a> {
    /// What page `job` receives, as it is planned: with no fragments.
    pub(super) fn view(&self, job: Job) -> View<'_> {
        self.view_with(job, &Fragments::NONE)
    }

    /// What page `job` receives, printing `fragments`.
    pub(super) fn view_with<'s>(&'s self, job: Job, fragments: &'s Fragments<'s>) -> View<'s> {
        let (rows, items) = (&fragments.lists.rows, &fragments.lists.items);
        match job {
            Job::Index(k) => View::Index(self.index_page(k, items)),
            Job::Briefing(b) => View::Briefing(self.briefing_page(b, fragments)),
            Job::Claim(b, c, _) => View::Claim(self.claim_page(b, c, fragments)),
            Job::Embed(b, c, _) => View::Embed(self.embed_page(b, c)),
            Job::Speakers => View::Speakers(self.speakers_page()),
            Job::Speaker(id, k) => View::Speaker(self.speaker_page(id, k, rows)),
            Job::Sources(k) => View::Sources(self.sources_page(k, rows)),
            Job::Verdicts => View::Verdicts(self.verdicts_page()),
            Job::Verdict(i, k) => View::Verdict(self.verdict_page(i, k, rows)),
            Job::Tags => View::Tags(self.tags_page()),
            Job::Tag(slug, k) => View::Tag(self.tag_page(slug, k, items)),
            Job::Author(id, k) => View::Author(self.author_page(id, k, items)),
            Job::Page(i) => View::Page(self.plain_page(i)),
            Job::Corrections => View::Corrections(self.corrections_page()),
            Job::NotFound => View::NotFound(Nothing {}),
            Job::Search => View::Search(Nothing {}),
        }
    }

    fn index_page<'s>(&'s self, k: usize, items: &'s Packed) -> IndexPage<'s> {
        let all = &self.briefings;
        let base = &self.site.config.base_path;
        let tally = Tally {
            scale: &self.shared.site.verdicts,
            counts: self.verdict_counts.clone(),
        };
        let (briefings, items) = self.briefing_list(Job::Index(k), items);
        IndexPage {
            briefings,
            items,
            pager: self.pager(base.as_str(), all.len(), k),
            tally,
        }
    }

    fn briefing_page<'s>(&'s self, b: usize, fragments: &'s Fragments<'s>) -> BriefingPage<'s> {
        let views = &self.briefings[b];
        BriefingPage {
            briefing: Fingerprinted {
                fingerprint: views.signature,
                view: BriefingContent {
                    briefing: &self.site.briefings[b],
                    views,
                    config: &self.site.config,
                    cards: fragments.cards,
                    body: fragments.body,
                },
            },
        }
    }

    pub(super) fn claim_page<'s>(
        &'s self,
        b: usize,
        c: usize,
        fragments: &'s Fragments<'s>,
    ) -> ClaimPage<'s> {
        let cards = fragments.cards;
        let view = &self.briefings[b].claims[c];
        ClaimPage {
            claim: Fingerprinted {
                fingerprint: self.briefings[b].claim_hashes[c],
                view: Headline(view),
            },
            card: Fingerprinted {
                fingerprint: 0,
                view: cards.first().map_or("", String::as_str),
            },
            briefing: Fingerprinted {
                fingerprint: 0,
                view: &view.briefing,
            },
            summary: self.summary(&self.briefings[b]),
            modified: self.site.briefings[b].modified(),
            related: ClaimRows {
                briefings: &self.briefings,
                numbers: &self.claim_numbers,
                rows: &fragments.lists.related,
                claims: Cow::Owned(self.related(b, c)),
            },
            sharing: Fingerprinted {
                fingerprint: 0,
                view: Sharing {
                    claim: view,
                    config: &self.site.config,
                },
            },
        }
    }

    pub(super) fn embed_page(&self, b: usize, c: usize) -> EmbedPage<'_> {
        let card = self.card(ClaimRef {
            briefing: b,
            claim: c,
        });
        EmbedPage {
            claim: Fingerprinted {
                fingerprint: 0,
                view: EmbeddedClaim::of(card.view),
            },
            briefing: Fingerprinted {
                fingerprint: 0,
                view: &card.view.briefing,
            },
            claim_page: self.site.config.absolute(&card.view.page_url()),
            card,
            summary: self.summary(&self.briefings[b]),
            explanation: Fingerprinted {
                fingerprint: 0,
                view: self.site.briefings[b]
                    .claims
                    .get(c)
                    .map_or("", |claim| claim.explanation().text()),
            },
        }
    }

    /// Claims a reader of claim `c` of briefing `b` may want next: by the
    /// same speaker anywhere, or from other briefings that share a tag with
    /// this one; never the claim itself, newest briefing first.
    pub(super) fn related(&self, b: usize, c: usize) -> Vec<ClaimRef> {
        let site = self.site;
        let briefing = &site.briefings[b];
        let this = (b, c);
        let mut found: Vec<(usize, usize)> = Vec::new();
        // Each list is newest briefing first, so a few from the top of each
        // are enough to find the newest few of all.
        if let Some(claim) = briefing.claims.get(c) {
            let by_speaker = site.claims_by_speaker.get(&claim.speaker);
            found.extend(
                by_speaker
                    .into_iter()
                    .flatten()
                    .map(|r| (r.briefing, r.claim))
                    .filter(|&r| r != this)
                    .take(RELATED),
            );
        }
        // The briefing's tags as its summary resolved them, by slug: made
        // again from each name, for each claim page, slugs were a third of
        // the time this took.
        for tag in &self.briefings[b].summary.tags {
            let Some(entry) = site.tags.get(tag.slug.as_str()) else {
                continue;
            };
            found.extend(
                entry
                    .briefings
                    .iter()
                    .filter(|&&other| other != b)
                    .flat_map(|&other| {
                        (0..site.briefings[other].claims.len()).map(move |k| (other, k))
                    })
                    .take(RELATED),
            );
        }
        found.sort_unstable();
        found.dedup();
        found
            .into_iter()
            .take(RELATED)
            .map(|(briefing, claim)| ClaimRef { briefing, claim })
            .collect()
    }

    fn speakers_page(&self) -> SpeakersPage<'_> {
        let speakers = self
            .site
            .speakers
            .keys()
            .map(|id| {
                let claims = self.claims_of(id);
                SpeakerSummary {
                    speaker: self.speaker(id),
                    claim_count: claims.len(),
                    tally: self.tally_of(claims),
                }
            })
            .collect();
        SpeakersPage { speakers }
    }

    /// The lists of claims page `job` shows as rows: the claims whose rows
    /// must be made before it is rendered.
    pub(super) fn listed(&self, job: Job) -> Vec<&'a [ClaimRef]> {
        match job {
            Job::Speaker(id, k) => {
                let claims = self.claims_of(id);
                vec![&claims[self.shown(claims.len(), k)]]
            }
            Job::Sources(k) => {
                let sources = &self.site.sources;
                sources[self.shown(sources.len(), k)]
                    .iter()
                    .map(|s| s.cited_by.as_slice())
                    .collect()
            }
            Job::Verdict(i, k) => {
                let all = self.claims_with(&self.shared.site.verdicts[i].id);
                vec![&all[self.shown(all.len(), k)]]
            }
            _ => Vec::new(),
        }
    }

    fn speaker_page<'s>(&'s self, id: &str, k: usize, rows: &'s Packed) -> SpeakerPage<'s> {
        let claims = self.claims_of(id);
        let speaker = self.speaker(id);
        SpeakerPage {
            feed_url: format!("{}{}", speaker.view.url, super::syndication::FEED),
            pager: self.pager(speaker.view.url.as_str(), claims.len(), k),
            speaker: SpeakerClaims {
                speaker,
                tally: self.tally_of(claims),
                claims: self.rows(&claims[self.shown(claims.len(), k)], rows),
            },
        }
    }

    fn sources_page<'s>(&'s self, k: usize, rows: &'s Packed) -> SourcesPage<'s> {
        let site = self.site;
        let url = format!("{}sources/", site.config.base_path);
        SourcesPage {
            pager: self.pager(url, site.sources.len(), k),
            sources: self
                .shown(site.sources.len(), k)
                .map(|i| SourceEntry {
                    source: views::cited_source(site, &self.shared, i),
                    cited_by: self.rows(&site.sources[i].cited_by, rows),
                })
                .collect(),
        }
    }

    fn verdicts_page(&self) -> VerdictsPage<'_> {
        let verdicts = (0..self.shared.site.verdicts.len())
            .map(|i| self.verdict_count(i))
            .collect();
        VerdictsPage { verdicts }
    }

    fn verdict_page<'s>(&'s self, i: usize, k: usize, rows: &'s Packed) -> VerdictPage<'s> {
        let verdict = self.verdict_count(i);
        let all = self.claims_with(&verdict.verdict.id);
        VerdictPage {
            pager: self.pager(verdict.verdict.url.as_str(), all.len(), k),
            claims: self.rows(&all[self.shown(all.len(), k)], rows),
            verdict,
        }
    }

    fn tags_page(&self) -> TagsPage<'_> {
        let tags = self
            .site
            .tags
            .keys()
            .map(|slug| self.tag_count(slug))
            .collect();
        TagsPage { tags }
    }

    fn tag_page<'s>(&'s self, slug: &str, k: usize, items: &'s Packed) -> TagPage<'s> {
        let all = &self.site.tags[slug].briefings;
        let tag = self.tag_count(slug);
        let (briefings, items) = self.briefing_list(Job::Tag(slug, k), items);
        TagPage {
            feed_url: format!("{}{}", tag.tag.url, super::syndication::FEED),
            pager: self.pager(tag.tag.url.as_str(), all.len(), k),
            briefings,
            items,
            tag,
        }
    }

    fn author_page<'s>(&'s self, id: &str, k: usize, items: &'s Packed) -> AuthorPage<'s> {
        let all = self
            .site
            .briefings_by_author
            .get(id)
            .map_or(&[][..], Vec::as_slice);
        let (view, fingerprint) = &self.shared.authors[id];
        let (briefings, items) = self.briefing_list(Job::Author(id, k), items);
        AuthorPage {
            author: Fingerprinted {
                fingerprint: *fingerprint,
                view: &**view,
            },
            count: all.len(),
            briefings,
            items,
            pager: self.pager(view.url.as_str(), all.len(), k),
        }
    }

    /// The briefings page `job` lists, by number, in the order it lists
    /// them: the index, a tag's and an author's pages list briefings.
    pub(super) fn listed_briefings(&self, job: Job) -> Cow<'a, [usize]> {
        let site: &'a Site = self.site;
        let all: &'a [usize] = match job {
            Job::Index(k) => return Cow::Owned(self.shown(self.briefings.len(), k).collect()),
            Job::Tag(slug, _) => &site.tags[slug].briefings,
            Job::Author(id, _) => site.briefings_by_author.get(id).map_or(&[], Vec::as_slice),
            _ => &[],
        };
        match job.page() {
            Some(k) => Cow::Borrowed(&all[self.shown(all.len(), k)]),
            None => Cow::Borrowed(all),
        }
    }

    /// The summaries of the briefings page `job` lists, and their items.
    fn briefing_list<'s>(
        &'s self,
        job: Job,
        items: &'s Packed,
    ) -> (Vec<SharedView<'s, BriefingSummary>>, BriefingItems<'s>) {
        let briefings = self.listed_briefings(job);
        let summaries = briefings
            .iter()
            .map(|&b| self.summary(&self.briefings[b]))
            .collect();
        (summaries, BriefingItems { items, briefings })
    }

    fn plain_page(&self, i: usize) -> PlainPage<'_> {
        let page = &self.site.pages[i];
        PlainPage {
            page: Fingerprinted {
                fingerprint: self.site.page_hashes[i],
                view: PageContent {
                    page,
                    base_path: &self.site.config.base_path,
                },
            },
        }
    }

    /// Every correction on the site, newest first; corrections of one day
    /// follow the briefings' order (newest first, then by slug), and within
    /// one briefing the later in its list comes first.
    fn corrections_page(&self) -> CorrectionsPage<'_> {
        let briefings = &self.site.briefings;
        let mut all: Vec<(usize, usize)> = briefings
            .iter()
            .enumerate()
            .flat_map(|(b, briefing)| (0..briefing.corrections.len()).map(move |i| (b, i)))
            .collect();
        let date = |&(b, i): &(usize, usize)| briefings[b].corrections[i].date;
        all.sort_by(|x, y| {
            date(y)
                .cmp(&date(x))
                .then(x.0.cmp(&y.0))
                .then(y.1.cmp(&x.1))
        });
        let corrections = all
            .into_iter()
            .map(|(b, i)| CorrectionEntry {
                correction: correction_view(&self.site.config.locale, &briefings[b].corrections[i]),
                briefing: self.summary(&self.briefings[b]),
            })
            .collect();
        CorrectionsPage { corrections }
    }

    fn card(&self, r: ClaimRef) -> SharedView<'_, ClaimView> {
        let views = &self.briefings[r.briefing];
        Fingerprinted {
            fingerprint: views.claim_hashes[r.claim],
            view: &views.claims[r.claim],
        }
    }

    fn rows<'s>(&'s self, claims: &'a [ClaimRef], rows: &'s Packed) -> ClaimRows<'s> {
        ClaimRows {
            briefings: &self.briefings,
            numbers: &self.claim_numbers,
            rows,
            claims: Cow::Borrowed(claims),
        }
    }

    fn summary<'v>(&self, views: &'v BriefingViews) -> SharedView<'v, BriefingSummary> {
        Fingerprinted {
            fingerprint: views.summary_hash,
            view: &views.summary,
        }
    }

    fn speaker(&self, id: &str) -> SharedView<'_, SpeakerRef> {
        let (view, fingerprint) = &self.shared.speakers[id];
        Fingerprinted {
            fingerprint: *fingerprint,
            view: &**view,
        }
    }

    fn claims_of(&self, speaker: &str) -> &'a [ClaimRef] {
        self.site
            .claims_by_speaker
            .get(speaker)
            .map_or(&[][..], Vec::as_slice)
    }

    fn claims_with(&self, verdict: &str) -> &'a [ClaimRef] {
        self.site
            .claims_by_verdict
            .get(verdict)
            .map_or(&[][..], Vec::as_slice)
    }

    /// The verdicts of these claims as their cards show them: one not on
    /// the scale as the scale's last.
    fn tally_of(&self, claims: &[ClaimRef]) -> Tally<'_> {
        let last = self.shared.site.verdicts.len() - 1;
        self.shared.count(
            claims
                .iter()
                .map(|r| self.briefings[r.briefing].verdicts[r.claim].unwrap_or(last)),
        )
    }

    fn verdict_count(&self, i: usize) -> VerdictCount<'_> {
        let verdict = &self.shared.site.verdicts[i];
        VerdictCount {
            verdict,
            count: self.claims_with(&verdict.id).len(),
        }
    }

    fn tag_count(&self, slug: &str) -> TagCount<'_> {
        TagCount {
            tag: &self.shared.tags[slug].0,
            count: self.site.tags[slug].briefings.len(),
        }
    }

    /// The entries of a list of `len` shown on page `page`.
    pub(super) fn shown(&self, len: usize, page: usize) -> std::ops::Range<usize> {
        views::page_range(len, page, self.site.config.paginate)
    }

    /// Where page `page` of the list at `url` of `len` entries stands.
    fn pager<'u>(&self, url: impl Into<Cow<'u, str>>, len: usize, page: usize) -> Pager<'u> {
        Pager {
            url: url.into(),
            page,
            count: views::page_count(len, self.site.config.paginate),
        }
    }
}

impl View<'_> {
    /// What the page's share cards say: made from the view and the site's
    /// settings alone, which the page's fingerprint covers, so that meta
    /// cannot go stale either. `url` is the page's absolute URL.
    pub(super) fn meta(&self, site: &SiteView, config: &SiteConfig, url: String) -> MetaView {
        let mut meta = MetaView {
            title: String::new(),
            description: site.description.clone(),
            kind: "website",
            url,
            published_time: None,
            modified_time: None,
            image: None,
        };
        meta.image = match self {
            View::Briefing(page) => {
                views::briefing_share_image(config, &page.briefing.view.views.summary)
            }
            View::Claim(page) => {
                views::claim_share_image(config, page.claim.view.0, page.summary.view)
            }
            View::Embed(page) => {
                views::claim_share_image(config, page.card.view, page.summary.view)
            }
            View::Page(page) => match &page.page.view.page.image {
                Some(figure) => Some(views::FigureView::of(figure).share(config)),
                None => views::site_share_image(config),
            },
            _ => views::site_share_image(config),
        };
        let list = |title: &str| (title.to_owned(), site.description.clone());
        let text = |key: &str, args: &[(&str, String)]| config.locale.text(key, args);
        (meta.title, meta.description) = match self {
            View::Index(_) => list(&site.title),
            View::Briefing(page) => {
                let briefing = page.briefing.view.briefing;
                meta.kind = "article";
                meta.published_time = Some(views::iso(briefing.date));
                meta.modified_time = briefing.modified().map(views::iso);
                (briefing.title.clone(), briefing.summary.clone())
            }
            View::Claim(page) => {
                let claim = page.claim.view.0;
                meta.kind = "article";
                meta.published_time = Some(page.summary.view.date.iso.to_string());
                meta.modified_time = page.modified.map(views::iso);
                // As the page's headline has it: quotation marks only
                // around the speaker's own words.
                (
                    said(config, claim, views::quoted(claim)),
                    claim.summary().to_string(),
                )
            }
            View::Embed(page) => {
                let claim = page.card.view;
                meta.kind = "article";
                let words = ["“", claim.text(), "”"].concat();
                (said(config, claim, words), claim.summary().to_string())
            }
            View::Speaker(page) => {
                meta.kind = "profile";
                (
                    page.speaker.speaker.view.name.clone(),
                    about(site, config, page),
                )
            }
            View::Speakers(_) => list(&text("speakers", &[])),
            View::Sources(_) => list(&text("sources", &[])),
            View::Verdicts(_) => list(&text("verdicts", &[])),
            View::Verdict(page) => list(&text(
                "verdict_title",
                &[("label", page.verdict.verdict.label.clone())],
            )),
            View::Tags(_) => list(&text("tags", &[])),
            View::Tag(page) => list(&text("tag_title", &[("tag", page.tag.tag.name.clone())])),
            View::Author(page) => {
                let author = page.author.view;
                meta.kind = "profile";
                let about = author.bio.clone().or_else(|| author.role.clone());
                let about = about.unwrap_or_else(|| {
                    text(
                        "briefings_by_author_description",
                        &[
                            ("author", author.name.clone()),
                            ("site", site.title.clone()),
                        ],
                    )
                });
                (author.name.clone(), about)
            }
            View::Page(page) => {
                let page = page.page.view.page;
                let about = page.description.as_ref().unwrap_or(&site.description);
                (page.title.clone(), about.clone())
            }
            View::Corrections(_) => list(&text("corrections", &[])),
            View::NotFound(_) => list(&text("page_not_found", &[])),
            View::Search(_) => list(&text("search", &[])),
        };
        meta
    }
}

/// What a speaker's share card says about them.
fn about(site: &SiteView, config: &SiteConfig, page: &SpeakerPage) -> String {
    let speaker = page.speaker.speaker.view;
    let about: Vec<&str> = [&speaker.role, &speaker.affiliation]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    if about.is_empty() {
        config.locale.text(
            "speaker_about",
            &[
                ("speaker", speaker.name.clone()),
                ("site", site.title.clone()),
            ],
        )
    } else {
        about.join(", ")
    }
}

/// "Speaker: words", as a claim's headline gives it.
fn said(config: &SiteConfig, claim: &ClaimView, words: String) -> String {
    config.locale.text(
        "claim_said",
        &[("speaker", claim.speaker.name.clone()), ("words", words)],
    )
}

/// The claim, who made it and its verdict in one line, in the words of
/// `key` (a post's text, an embed's title).
pub(crate) fn with_verdict(config: &SiteConfig, key: &str, claim: &ClaimView) -> String {
    config.locale.text(
        key,
        &[
            ("speaker", claim.speaker.name.clone()),
            ("words", views::quoted(claim)),
            ("verdict", claim.verdict.label.clone()),
        ],
    )
}

/// Plain share links for the claim page at `url`: each service's own
/// address for a new post, filled in, so nothing of theirs loads here.
fn share_links(config: &SiteConfig, url: &str, claim: &ClaimView) -> Vec<ShareLink> {
    let text = percent_encoded(&with_verdict(config, "claim_with_verdict", claim));
    let url = percent_encoded(url);
    let (text, url) = (text.as_str(), url.as_str());
    [
        (
            config.locale.text("share_email", &[]),
            ["mailto:?subject=", text, "&body=", url].concat(),
        ),
        (
            "Bluesky".to_owned(),
            ["https://bsky.app/intent/compose?text=", text, "%20", url].concat(),
        ),
        (
            "X".to_owned(),
            ["https://x.com/intent/post?text=", text, "&url=", url].concat(),
        ),
        (
            "Facebook".to_owned(),
            ["https://www.facebook.com/sharer/sharer.php?u=", url].concat(),
        ),
        (
            "LinkedIn".to_owned(),
            ["https://www.linkedin.com/sharing/share-offsite/?url=", url].concat(),
        ),
        (
            "WhatsApp".to_owned(),
            ["https://wa.me/?text=", text, "%20", url].concat(),
        ),
    ]
    .into_iter()
    .map(|(name, url)| ShareLink { name, url })
    .collect()
}

/// `text` with every byte but ASCII letters and digits written as `%XX`.
/// Collected from the encoder's pieces rather than through `Display`, which
/// writes each escaped byte through the formatter: each claim page encodes
/// its text and address, and the two together reuse them.
fn percent_encoded(text: &str) -> String {
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    // Made to about its size: a claim's words are a fifth spaces and
    // punctuation, each three bytes encoded.
    let mut encoded = String::with_capacity(text.len() * 3 / 2);
    encoded.extend(utf8_percent_encode(text, NON_ALPHANUMERIC));
    encoded
}

/// The `<iframe>` line for claim `claim`'s card at `url`: its title names
/// the claim for screen readers on the host page.
fn embed_code(config: &SiteConfig, url: &str, claim: &ClaimView) -> String {
    use pulldown_cmark_escape::{escape_href, escape_html, FmtWriter};
    let title = with_verdict(config, "embed_title", claim);
    let mut code = String::from("<iframe src=\"");
    let _ = escape_href(FmtWriter(&mut code), url);
    code.push_str("\" title=\"");
    let _ = escape_html(FmtWriter(&mut code), &title);
    code.push_str("\" width=\"100%\" height=\"420\" style=\"border:0\" loading=\"lazy\"></iframe>");
    code
}

fn correction_view(language: &crate::i18n::Language, c: &Correction) -> CorrectionView {
    CorrectionView {
        date: views::iso(c.date),
        date_display: views::display(language, c.date),
        text: c.text_html.clone(),
    }
}

#[cfg(test)]
pub(super) mod tests {
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    use tera::Context;

    use crate::config::Options;
    use crate::render::{plan, templates, Cache};
    use crate::resolve::Site;
    use crate::session::Session;

    const SPEAKERS: &str = "\
kim:
  name: Kim Song
  role: Permanent Representative
lee:
  name: Lee Min
";

    const SOURCES: &str = "\
charter:
  title: Charter of the United Nations
  url: https://www.un.org/en/about-us/un-charter/full-text
";

    const FIRST: &str = "---
title: The first briefing
date: 2024-10-31
summary: What it found.
tags: [sanctions]
claims:
  - id: one
    speaker: kim
    text: Any deployment would comply with international law.
    verdict: unverified
    explanation: The record does not settle it.
    sources: [charter]
  - id: two
    speaker: lee
    text: Exports doubled.
    verdict: 'false'
    explanation: They fell.
    sources: [charter]
---
Body text.
";

    const SECOND: &str = "---
title: The second briefing
date: 2024-11-02
summary: More claims.
tags: [sanctions, trade]
claims:
  - id: three
    speaker: kim
    text: It breaches nothing.
    verdict: misleading
    explanation: It breaches a resolution.
    sources: [charter]
---
Second body.
";

    const ABOUT: &str = "---\ntitle: About\n---\nWho we are.\n";

    fn files() -> Vec<(&'static str, String)> {
        [
            ("site.yaml", "title: Desk\npaginate: 2\n"),
            ("content/speakers.yaml", SPEAKERS),
            ("content/sources.yaml", SOURCES),
            ("content/briefings/first.md", FIRST),
            ("content/briefings/second.md", SECOND),
            ("content/pages/about.md", ABOUT),
        ]
        .into_iter()
        .map(|(path, text)| (path, text.to_owned()))
        .collect()
    }

    /// The site made of `files` (path and text under the site's folder).
    pub(in crate::render) fn site(files: &[(&str, String)]) -> Site {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        match Session::new(Options::new(dir.path())).check() {
            Ok((site, _)) => site,
            Err(problems) => panic!("the site does not build: {problems:?}"),
        }
    }

    #[test]
    fn each_page_goes_where_its_url_says_below_the_base_path() {
        let mut files = files();
        files[0].1 = "title: Desk\npaginate: 1\nbase_url: https://desk.example.org/desk/\n".into();
        let site = site(&files);
        let templates = templates(&[], Default::default()).unwrap();
        let mut plan = plan(&site, &templates, &mut Cache::default(), 0);
        plan.add_claim_pages();
        let placed: BTreeMap<String, PathBuf> = plan
            .pages
            .iter()
            .map(|p| (p.url().into_owned(), p.path()))
            .collect();
        for (url, path) in [
            ("/desk/", "index.html"),
            ("/desk/page/2/", "page/2/index.html"),
            ("/desk/briefings/first/", "briefings/first/index.html"),
            (
                "/desk/briefings/first/claims/one/",
                "briefings/first/claims/one/index.html",
            ),
            (
                "/desk/briefings/first/claims/one/embed/",
                "briefings/first/claims/one/embed/index.html",
            ),
            ("/desk/speakers/", "speakers/index.html"),
            (
                "/desk/speakers/kim/page/2/",
                "speakers/kim/page/2/index.html",
            ),
            ("/desk/sources/", "sources/index.html"),
            ("/desk/verdicts/false/", "verdicts/false/index.html"),
            (
                "/desk/tags/sanctions/page/2/",
                "tags/sanctions/page/2/index.html",
            ),
            ("/desk/about/", "about/index.html"),
            ("/desk/corrections/", "corrections/index.html"),
            ("/desk/search/", "search/index.html"),
            ("/desk/404.html", "404.html"),
        ] {
            assert_eq!(placed.get(url), Some(&PathBuf::from(path)), "{url}");
        }
        // No two pages share a path.
        let paths: std::collections::HashSet<PathBuf> = placed.into_values().collect();
        assert_eq!(paths.len(), plan.pages.len());
    }

    /// Every page's fingerprint, and what its template receives.
    fn pages(site: &Site) -> BTreeMap<PathBuf, (u64, String)> {
        let templates = templates(&[], Default::default()).unwrap();
        let mut plan = plan(site, &templates, &mut Cache::default(), 0);
        plan.add_claim_pages();
        let mut base = Context::new();
        base.insert("site", &plan.shared.site);
        plan.pages
            .iter()
            .map(|page| {
                let received = plan
                    .context(&templates, &base, page)
                    .into_json()
                    .to_string();
                (page.path(), (page.fingerprint, received))
            })
            .collect()
    }

    /// Edits that each change what some list pages show: a field of a
    /// shared view, a count, a tally, a list's entries, the page size.
    fn edits() -> Vec<(&'static str, &'static str, String)> {
        const BRIEFING: &str = "content/briefings/first.md";
        let first = |from: &str, to: &str| FIRST.replace(from, to);
        let correction = "corrections:\n  - date: 2024-11-05\n    text: Fixed a figure.\ntags:";
        vec![
            (
                "a speaker's role",
                "content/speakers.yaml",
                SPEAKERS.replace("Permanent Representative", "Ambassador"),
            ),
            ("a verdict", BRIEFING, first("'false'", "'true'")),
            ("a claim's text", BRIEFING, first("doubled.", "tripled.")),
            ("a summary", BRIEFING, first("it found.", "it showed.")),
            (
                "a tag",
                BRIEFING,
                first("[sanctions]", "[sanctions, trade]"),
            ),
            ("a date", BRIEFING, first("2024-10-31", "2024-11-03")),
            ("a correction", BRIEFING, first("tags:", correction)),
            (
                "a source's title",
                "content/sources.yaml",
                SOURCES.replace("Charter of", "The Charter of"),
            ),
            (
                "the page size",
                "site.yaml",
                "title: Desk\npaginate: 1\n".into(),
            ),
        ]
    }

    /// A page is rendered again when its fingerprint changes, so a page
    /// whose view changed but whose fingerprint did not would go stale.
    #[test]
    fn a_page_whose_fingerprint_holds_receives_what_it_received() {
        let files = files();
        let before = pages(&site(&files));
        for (edit, path, text) in edits() {
            let mut edited = files.clone();
            edited.iter_mut().find(|(p, _)| *p == path).unwrap().1 = text;
            let after = pages(&site(&edited));
            let mut changed_lists = 0;
            for (page, (fingerprint, received)) in &after {
                let Some((was, received_before)) = before.get(page) else {
                    continue;
                };
                assert!(
                    was != fingerprint || received == received_before,
                    "after {edit}, {} receives something else with the same fingerprint",
                    page.display()
                );
                if received != received_before && !page.starts_with("briefings") {
                    changed_lists += 1;
                }
            }
            assert!(changed_lists > 0, "{edit} changes no list page");
        }
    }
}
