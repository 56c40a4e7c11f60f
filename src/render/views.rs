//! What templates see: view structs with URLs, display dates and tallies
//! ready to print (docs/reference/templates.md documents each field).
//!
//! Views shown on many pages (a speaker's name, a verdict's badge, a claim's
//! card) are built once per build. A briefing's claim cards are rebuilt only
//! when its signature changes: the fingerprint of its own text and of every
//! shared view its cards show.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::config::SiteConfig;
use crate::fingerprint;
use crate::model::{Attachment, Briefing, Claim, Figure, Source};
use crate::resolve::{Site, SourceKey};
use crate::BuildMode;

#[derive(Serialize)]
pub(crate) struct SiteView {
    pub title: String,
    pub description: String,
    pub language: String,
    /// The language is written right to left: `<html dir="rtl">`.
    pub rtl: bool,
    pub base_url: String,
    pub base_path: String,
    /// The path of the whole site's root, where the stylesheets and static
    /// files are: `base_path` but for a language other than the default,
    /// whose pages are below it.
    pub root_path: String,
    pub publisher: PublisherView,
    pub pages: Vec<NavPage>,
    pub verdicts: Vec<VerdictView>,
    /// A `--drafts` build: pages carry `noindex` and a preview marker.
    pub preview: bool,
    /// The header's entries, in order: `menu` from site.yaml, or else every
    /// index and then every page.
    pub menu: Vec<MenuLink>,
    /// The URL of `logo` from site.yaml, shown in the header.
    pub logo: Option<String>,
    /// The URL of `favicon` from site.yaml, and its media type when its
    /// extension tells it.
    pub favicon: Option<String>,
    pub favicon_type: Option<&'static str>,
    /// `image` from site.yaml: what a share of a page with no picture of
    /// its own shows.
    pub image: Option<FigureView>,
}

#[derive(Serialize)]
pub(crate) struct MenuLink {
    pub label: String,
    pub url: String,
    /// Whether it leads off the site (a `{label, url}` entry).
    pub external: bool,
}

#[derive(Serialize)]
pub(crate) struct PublisherView {
    pub name: String,
    pub url: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct NavPage {
    pub title: String,
    pub url: String,
}

#[derive(Serialize, Clone, Hash)]
pub(crate) struct VerdictView {
    pub id: String,
    pub label: String,
    pub rating: Option<u32>,
    pub url: String,
    pub tone: &'static str,
    /// What the verdict means on this site; `None` when a custom scale
    /// gives no `description`.
    pub description: Option<String>,
}

/// A verdict with how many claims on the site received it, for the pages
/// about verdicts (kept out of [`VerdictView`] so a count changing does not
/// change every claim card).
#[derive(Serialize, Hash)]
pub(crate) struct VerdictCount<'a> {
    #[serde(flatten)]
    pub verdict: &'a VerdictView,
    pub count: usize,
}

/// How many claims received each verdict, as a page prints it: made from a
/// [`Tally`] or a [`BriefingTally`] as it is printed, borrowing the
/// scale's verdicts.
#[derive(Serialize)]
pub(crate) struct TallyView<'a> {
    pub total: usize,
    /// The verdicts given at least once, in scale order: the segments of a
    /// chart.
    pub entries: Vec<TallyEntry<'a>>,
    /// Every verdict of the scale, in order, zero counts included: the rows
    /// of a chart's table.
    pub scale: Vec<TallyEntry<'a>>,
}

#[derive(Serialize, Clone)]
pub(crate) struct TallyEntry<'a> {
    pub verdict: &'a VerdictView,
    pub count: usize,
    /// The share of the total, 0–100, to one decimal place (0 when the
    /// total is 0).
    pub percent: f64,
    /// The share as text for people: a whole percentage, never "0%" for a
    /// verdict given at least once nor "100%" for one given less than
    /// always.
    pub share: String,
    /// The same whole percentage as a number, for `fmt_percent` to write
    /// as the site's language does.
    pub share_value: usize,
}

/// What a page's OpenGraph and Twitter card meta say about it.
#[derive(Serialize)]
pub(crate) struct MetaView {
    pub title: String,
    /// Plain text; may be empty.
    pub description: String,
    /// `og:type`: `website`, `article` or `profile`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The page's absolute URL, from `base_url`.
    pub url: String,
    /// `article:published_time` and `article:modified_time`, ISO dates.
    pub published_time: Option<String>,
    pub modified_time: Option<String>,
    /// The picture a share shows (`og:image`); `None` when neither the
    /// page nor the site has one.
    pub image: Option<ShareImage>,
}

/// An image as a page shows it: a [`Figure`] of the front matter, with the
/// variants a browser picks from and what to say under it.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct FigureView {
    /// The fallback file (the widest JPEG or PNG variant, or the file as
    /// it is for GIF and SVG), with the base path; or an address elsewhere.
    pub src: String,
    /// `srcset` in the fallback format; empty for one size only.
    pub srcset: String,
    /// `srcset` in WebP, for a `<source type="image/webp">`; may be empty.
    pub webp_srcset: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// The fallback file's media type.
    #[serde(rename = "type")]
    pub mime: Option<String>,
    pub alt: String,
    pub caption: Option<String>,
    pub credit: Option<String>,
    /// An archived copy of what the image shows.
    pub archived: Option<String>,
    /// The fallback file's published path (no base path), for absolute
    /// addresses; `None` for an address elsewhere.
    #[serde(skip)]
    pub published: Option<String>,
}

impl FigureView {
    pub(crate) fn of(figure: &Figure) -> FigureView {
        let picture = &figure.picture;
        FigureView {
            src: picture.src.clone(),
            srcset: picture.srcset.clone(),
            webp_srcset: picture.webp_srcset.clone(),
            width: picture.width,
            height: picture.height,
            mime: picture.mime.clone(),
            alt: figure.alt.clone(),
            caption: figure.caption.clone(),
            credit: figure.credit.clone(),
            archived: figure.archived.clone(),
            published: picture.published.clone(),
        }
    }

    /// The image as a share shows it, with an absolute address.
    pub(crate) fn share(&self, config: &SiteConfig) -> ShareImage {
        ShareImage {
            url: match &self.published {
                Some(published) => {
                    config.absolute(&config.static_url(&crate::media::url_path(published)))
                }
                None => self.src.clone(),
            },
            width: self.width,
            height: self.height,
            mime: self.mime.clone(),
            alt: self.alt.clone(),
        }
    }
}

/// The picture a share of a page shows: its `og:image`.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct ShareImage {
    /// Absolute, from `base_url`.
    pub url: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    #[serde(rename = "type")]
    pub mime: Option<String>,
    pub alt: String,
}

/// The size of a social card (`social_cards: true`), as the card
/// renderer draws it.
pub(crate) const CARD_SIZE: (u32, u32) = (1200, 630);

/// The social card of a briefing or of a claim, at its fixed published
/// path (`briefings/<slug>/card.png`, `briefings/<slug>/claims/<id>/card.png`).
pub(crate) fn card(config: &SiteConfig, published: String, alt: String) -> ShareImage {
    ShareImage {
        // Cards are drawn in each language, beside its pages.
        url: config.absolute(&format!("{}{published}", config.base_path)),
        width: Some(CARD_SIZE.0),
        height: Some(CARD_SIZE.1),
        mime: Some("image/png".into()),
        alt,
    }
}

/// The picture a share of a briefing shows: its own image, else its
/// social card, else the site's image.
pub(crate) fn briefing_share_image(
    config: &SiteConfig,
    briefing: &BriefingSummary,
) -> Option<ShareImage> {
    if let Some(image) = &briefing.image {
        return Some(image.share(config));
    }
    if config.social_cards {
        let alt = config.locale.text(
            "card_alt_briefing",
            &[
                ("title", briefing.title().to_owned()),
                ("count", briefing.claim_count.to_string()),
                ("publisher", publisher_name(config).to_owned()),
            ],
        );
        return Some(card(
            config,
            format!("briefings/{}/card.png", briefing.slug()),
            alt,
        ));
    }
    site_share_image(config)
}

/// The picture a share of a claim's page shows: its social card (the
/// verdict is what people share), else the claim's image, else its
/// briefing's, else the site's.
pub(crate) fn claim_share_image(
    config: &SiteConfig,
    claim: &ClaimView,
    briefing: &BriefingSummary,
) -> Option<ShareImage> {
    if config.social_cards {
        let alt = config.locale.text(
            "card_alt_claim",
            &[
                ("speaker", claim.speaker.name.clone()),
                ("words", quoted(claim)),
                ("verdict", claim.verdict.label.clone()),
                ("publisher", publisher_name(config).to_owned()),
            ],
        );
        return Some(card(
            config,
            format!(
                "briefings/{}/claims/{}/card.png",
                briefing.slug(),
                claim.id()
            ),
            alt,
        ));
    }
    claim
        .image
        .as_deref()
        .or(briefing.image.as_deref())
        .map(|image| image.share(config))
        .or_else(|| site_share_image(config))
}

/// The site's own picture, for any page with none.
pub(crate) fn site_share_image(config: &SiteConfig) -> Option<ShareImage> {
    config
        .image
        .as_ref()
        .map(|figure| FigureView::of(figure).share(config))
}

/// The claim's words as a headline gives them: in quotation marks only
/// when they are the speaker's own.
pub(crate) fn quoted(claim: &ClaimView) -> String {
    if claim.verbatim() {
        ["“", claim.text(), "”"].concat()
    } else {
        claim.text().to_owned()
    }
}

/// Who publishes the site, as shares and feeds name them.
pub(crate) fn publisher_name(config: &SiteConfig) -> &str {
    if config.publisher.name.is_empty() {
        &config.title
    } else {
        &config.publisher.name
    }
}

/// A document the desk hosts, as a source card links to it.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct FileView {
    pub url: String,
    /// Its media type, for the link's `type`.
    #[serde(rename = "type")]
    pub mime: String,
    /// What kind of file it is, for readers: `PDF`, `CSV`.
    pub format: String,
    /// Its size for readers: `240 KB`, `1.2 MB`.
    pub size: String,
    pub bytes: u64,
}

impl FileView {
    pub(crate) fn of(file: &Attachment) -> FileView {
        FileView {
            url: file.url.clone(),
            mime: file.mime.clone(),
            format: file_format(&file.published, &file.mime),
            size: file_size(file.bytes),
            bytes: file.bytes,
        }
    }
}

/// A file's kind as readers know it: its extension in capitals (`PDF`),
/// or else the subtype of its media type.
fn file_format(published: &str, mime: &str) -> String {
    let name = published.rsplit('/').next().unwrap_or(published);
    match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() && !extension.is_empty() => {
            extension.to_ascii_uppercase()
        }
        _ => mime
            .rsplit('/')
            .next()
            .filter(|s| !s.is_empty())
            .unwrap_or("file")
            .to_ascii_uppercase(),
    }
}

/// A size in bytes as people read it, in powers of 1,000 as file
/// managers show them: `820 bytes`, `240 KB`, `1.2 MB`.
pub(crate) fn file_size(bytes: u64) -> String {
    const UNITS: [&str; 3] = ["KB", "MB", "GB"];
    if bytes < 1000 {
        return if bytes == 1 {
            "1 byte".to_owned()
        } else {
            format!("{bytes} bytes")
        };
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    // Rounded first, so 999,999 bytes reads "1.0 MB", not "1000 KB".
    while unit + 1 < UNITS.len() && value.round() >= 1000.0 {
        value /= 1000.0;
        unit += 1;
    }
    // A tenth below 10 (`2.4 KB`, `1.2 MB`), whole numbers above.
    if value.round() >= 10.0 {
        format!("{} {}", value.round(), UNITS[unit])
    } else {
        format!("{:.1} {}", value, UNITS[unit])
    }
}

#[derive(Serialize, Clone)]
pub(crate) struct SpeakerRef {
    pub id: String,
    pub name: String,
    pub role: Option<String>,
    pub affiliation: Option<String>,
    pub url: String,
    /// Their portrait.
    pub image: Option<FigureView>,
}

/// An author of `content/authors.yaml`, as their page and bylines show them.
#[derive(Serialize, Clone)]
pub(crate) struct AuthorView {
    pub id: String,
    pub name: String,
    pub role: Option<String>,
    pub bio: Option<String>,
    /// Their page on the site, `/authors/<id>/`.
    pub url: String,
    /// Their own page elsewhere, from `url:` in authors.yaml.
    pub website: Option<String>,
    /// The address of their picture: as written, or under the site's base
    /// path for a file of `static/`.
    pub image: Option<String>,
}

/// One name of a briefing's byline: linked to the author's page when the
/// site lists its authors in `content/authors.yaml`.
#[derive(Serialize, Clone, Hash)]
pub(crate) struct Byline {
    pub name: String,
    pub url: Option<String>,
}

/// A source's card as templates see it: the source itself, read from the
/// model when the view is serialised, and what the site adds to it. Its
/// `sources_url` follows from its entry's anchor and page of `/sources/`.
/// Copies of the source's fields, its link and its anchor in every view
/// were some 25 MB at 10,000 briefings.
#[derive(Clone)]
pub(crate) struct SourceView {
    held: HeldSource,
    /// Shared with the site's entry for the source.
    pub anchor: Arc<str>,
    /// The first page of `/sources/`, shared by every view.
    sources: Arc<str>,
    /// The page of `/sources/` its entry is on, from 0.
    page: usize,
    // Shared among the views that show the same day (see [`Shared::date`]).
    pub date: Option<Arc<Day>>,
    pub accessed: Option<Arc<Day>>,
}

/// Where a view finds the source it shows: in its briefing's `sources:`
/// or in `content/sources.yaml`. Holding either keeps it alive as long as
/// the view, which a rebuild may keep while the source is unchanged.
#[derive(Clone)]
enum HeldSource {
    Briefing(Arc<Briefing>, usize),
    Site(Arc<indexmap::IndexMap<String, Source>>, usize),
}

impl SourceView {
    /// The source as its front matter gives it.
    pub fn source(&self) -> &Source {
        match &self.held {
            HeldSource::Briefing(briefing, i) => &briefing.sources[*i],
            HeldSource::Site(sources, i) => &sources[*i],
        }
    }

    /// Its entry on `/sources/`: `/sources/#<anchor>`, or on a later page.
    pub fn sources_url(&self) -> String {
        let list = paged_url(&self.sources, self.page);
        [list.as_str(), "#", &self.anchor].concat()
    }

    /// The copy of the document the desk hosts itself, if any.
    pub fn file(&self) -> Option<FileView> {
        self.source().file.as_ref().map(FileView::of)
    }
}

impl Serialize for SourceView {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let source = self.source();
        let mut card = serializer.serialize_struct("SourceView", 14)?;
        card.serialize_field("id", &source.id)?;
        card.serialize_field("anchor", &self.anchor)?;
        card.serialize_field("sources_url", &self.sources_url())?;
        card.serialize_field("title", source.title())?;
        card.serialize_field("publisher", &source.publisher())?;
        card.serialize_field("url", &source.url())?;
        card.serialize_field("withheld", &source.withheld)?;
        card.serialize_field("date", &Day::iso_of(&self.date))?;
        card.serialize_field("date_display", &Day::shown_of(&self.date))?;
        card.serialize_field("accessed", &Day::iso_of(&self.accessed))?;
        card.serialize_field("accessed_display", &Day::shown_of(&self.accessed))?;
        card.serialize_field("archived", &source.archived())?;
        card.serialize_field("excerpt", &source.excerpt())?;
        card.serialize_field("file", &self.file())?;
        card.end()
    }
}

#[derive(Serialize)]
pub(crate) struct BriefingLink {
    pub title: String,
    pub url: String,
    pub date: String,
    pub date_display: String,
}

/// A claim's card as templates see it. Its anchor, its URL on the
/// briefing's page and its own page's URL follow from its id and its
/// briefing's URL, and are written out when the view is serialised (see
/// [`ClaimView::anchor`]): kept in every view, they were some 20 MB at
/// 10,000 briefings.
pub(crate) struct ClaimView {
    /// The briefing the claim is in, and its place among the briefing's
    /// claims: its id, text, explanation and the rest are read from the
    /// model, not copied (some 12 MB at 10,000 briefings).
    held: Arc<Briefing>,
    index: usize,
    pub date: Option<Arc<Day>>,
    // Shared with the other claims of the briefing, or of the site, that
    // have the same speaker, verdict or source: at 10,000 briefings, copies
    // of these were a few hundred megabytes.
    pub speaker: Arc<SpeakerRef>,
    pub verdict: Arc<VerdictView>,
    /// What the claim's summary sentence is written out from.
    sentence: Arc<SummarySentence>,
    pub sources: Vec<Arc<SourceView>>,
    pub briefing: Arc<BriefingLink>,
    /// The claim as it appeared: a screenshot of the post, the photo
    /// under review. Boxed: most claims have none, and inline its room
    /// was some 25 MB at 10,000 briefings.
    pub image: Option<Box<FigureView>>,
}

// Joined with `concat` rather than `format!`, which costs several times as
// much: these are made again each time a view is serialised.
impl ClaimView {
    /// The claim as its front matter gives it.
    pub fn claim(&self) -> &Claim {
        &self.held.claims[self.index]
    }

    pub fn id(&self) -> &str {
        &self.claim().id
    }

    pub fn text(&self) -> &str {
        self.claim().text()
    }

    pub fn verbatim(&self) -> bool {
        self.claim().verbatim
    }

    /// The explanation, as HTML.
    pub fn explanation(&self) -> std::borrow::Cow<'_, str> {
        self.claim().explanation().html()
    }

    /// "Verdict: False. " and the explanation as plain text, for share
    /// cards and meta descriptions.
    pub fn summary(&self) -> ClaimSummary<'_> {
        ClaimSummary {
            verdict: self.verdict.clone(),
            explanation: self.claim().explanation().text(),
            sentence: self.sentence.clone(),
        }
    }

    /// The id of the claim's card on its briefing's page: `claim-<id>`.
    pub fn anchor(&self) -> String {
        ["claim-", self.id()].concat()
    }

    /// The claim's card on its briefing's page.
    pub fn url(&self) -> String {
        [&self.briefing.url, "#claim-", self.id()].concat()
    }

    /// The claim's own page, `/briefings/<slug>/claims/<id>/`.
    pub fn page_url(&self) -> String {
        [&self.briefing.url, "claims/", self.id(), "/"].concat()
    }
}

impl Serialize for ClaimView {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut card = serializer.serialize_struct("ClaimView", 16)?;
        let claim = self.claim();
        card.serialize_field("id", &claim.id)?;
        card.serialize_field("anchor", &self.anchor())?;
        card.serialize_field("url", &self.url())?;
        card.serialize_field("text", claim.text())?;
        card.serialize_field("verbatim", &claim.verbatim)?;
        card.serialize_field("date", &Day::iso_of(&self.date))?;
        card.serialize_field("date_display", &Day::shown_of(&self.date))?;
        card.serialize_field("appearance", &claim.appearance())?;
        card.serialize_field("speaker", &self.speaker)?;
        card.serialize_field("verdict", &self.verdict)?;
        card.serialize_field("explanation", &claim.explanation().html())?;
        card.serialize_field("summary", &self.summary())?;
        card.serialize_field("page_url", &self.page_url())?;
        card.serialize_field("sources", &self.sources)?;
        card.serialize_field("briefing", &self.briefing)?;
        card.serialize_field("image", &self.image)?;
        card.end()
    }
}

/// A claim's verdict and its explanation as plain text, as one sentence
/// ("Verdict: False. The figure is…"): written out only when it is shown
/// (a claim page's meta, a feed entry), as the claim and its verdict share
/// the texts it is made of. Written out in every view, it was a third copy
/// of each explanation, some 21 MB at 10,000 briefings.
#[derive(Clone)]
pub(crate) struct ClaimSummary<'a> {
    verdict: Arc<VerdictView>,
    explanation: &'a str,
    sentence: Arc<SummarySentence>,
}

impl std::fmt::Display for ClaimSummary<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for part in &self.sentence.0 {
            f.write_str(match part {
                SummaryPart::Words(words) => words,
                SummaryPart::Verdict => &self.verdict.label,
                SummaryPart::Explanation => self.explanation,
            })?;
        }
        Ok(())
    }
}

/// The interface string `claim_summary` in the site's language, cut where
/// the verdict and the explanation go: read once per build, so writing out
/// a claim's summary, which pages and feeds do several times a claim, is
/// copying its parts.
pub(crate) struct SummarySentence(Vec<SummaryPart>);

enum SummaryPart {
    Words(String),
    Verdict,
    Explanation,
}

impl SummarySentence {
    pub(crate) fn of(language: &crate::i18n::Language) -> SummarySentence {
        // Filled as any interface string is, with marks no text contains
        // in place of the values, then cut at the marks.
        const VERDICT: &str = "\u{1}verdict\u{1}";
        const EXPLANATION: &str = "\u{1}explanation\u{1}";
        let mut rest = language.text(
            "claim_summary",
            &[
                ("verdict", VERDICT.into()),
                ("explanation", EXPLANATION.into()),
            ],
        );
        let mut parts = Vec::new();
        loop {
            let next = [
                (VERDICT, SummaryPart::Verdict),
                (EXPLANATION, SummaryPart::Explanation),
            ]
            .into_iter()
            .filter_map(|(mark, part)| rest.find(mark).map(|at| (at, mark.len(), part)))
            .min_by_key(|(at, _, _)| *at);
            let Some((at, len, part)) = next else { break };
            if at > 0 {
                parts.push(SummaryPart::Words(rest[..at].to_owned()));
            }
            parts.push(part);
            rest = rest[at + len..].to_owned();
        }
        if !rest.is_empty() {
            parts.push(SummaryPart::Words(rest));
        }
        SummarySentence(parts)
    }
}

impl Serialize for ClaimSummary<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A claim as a list shows it, one row of `claim_row.html`: what a row
/// prints and no more. Lists of claims are long (every claim of a speaker,
/// of a verdict, citing a source), and the explanation and source cards of
/// the full card were most of what their pages cost to make and to write.
#[derive(Serialize)]
pub(crate) struct ClaimRow<'a> {
    pub id: &'a str,
    pub url: String,
    pub page_url: String,
    pub text: &'a str,
    pub verbatim: bool,
    pub date: Option<&'a str>,
    pub date_display: Option<&'a str>,
    pub speaker: SpeakerLink<'a>,
    pub verdict: &'a VerdictView,
    pub briefing: &'a BriefingLink,
}

/// Who said a claim, as a row names them.
#[derive(Serialize)]
pub(crate) struct SpeakerLink<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub url: &'a str,
}

impl<'a> ClaimRow<'a> {
    pub(crate) fn of(claim: &'a ClaimView) -> ClaimRow<'a> {
        ClaimRow {
            id: claim.id(),
            url: claim.url(),
            page_url: claim.page_url(),
            text: claim.text(),
            verbatim: claim.verbatim(),
            date: Day::iso_of(&claim.date),
            date_display: Day::shown_of(&claim.date),
            speaker: SpeakerLink {
                id: &claim.speaker.id,
                name: &claim.speaker.name,
                url: &claim.speaker.url,
            },
            verdict: &claim.verdict,
            briefing: &claim.briefing,
        }
    }
}

/// A claim as its embed card shows it (`embed.html`): who said it, what
/// they said and the verdict. The card's explanation is plain text of its
/// own, and its links all lead to the claim's page, so the full card's
/// explanation HTML, source cards and image are not part of it.
#[derive(Serialize)]
pub(crate) struct EmbeddedClaim<'a> {
    pub text: &'a str,
    pub verbatim: bool,
    pub speaker: &'a SpeakerRef,
    pub verdict: &'a VerdictView,
}

impl<'a> EmbeddedClaim<'a> {
    pub(crate) fn of(claim: &'a ClaimView) -> EmbeddedClaim<'a> {
        EmbeddedClaim {
            text: claim.text(),
            verbatim: claim.verbatim(),
            speaker: &claim.speaker,
            verdict: &claim.verdict,
        }
    }
}

#[derive(Serialize, Clone, Hash)]
pub(crate) struct TagView {
    pub name: String,
    pub slug: String,
    pub url: String,
}

/// A tag with the number of briefings carrying it, for the tag pages.
#[derive(Serialize, Hash)]
pub(crate) struct TagCount<'a> {
    #[serde(flatten)]
    pub tag: &'a TagView,
    pub count: usize,
}

/// A briefing as lists show it: its title, date, summary, tags and tally.
/// The title, slug and summary are read from the model when the summary
/// is serialised, and the tags and dates are shared views, rather than
/// copies in every summary.
pub(crate) struct BriefingSummary {
    held: Arc<Briefing>,
    pub url: String,
    pub date: Arc<Day>,
    updated: Option<Arc<Day>>,
    pub tags: Vec<Arc<TagView>>,
    pub claim_count: usize,
    pub tally: BriefingTally,
    /// The lead image; boxed, as many briefings have none.
    pub image: Option<Box<FigureView>>,
}

impl BriefingSummary {
    pub fn slug(&self) -> &str {
        &self.held.slug
    }

    pub fn title(&self) -> &str {
        &self.held.title
    }

    /// The briefing's `summary:`.
    pub fn summary(&self) -> &str {
        &self.held.summary
    }
}

impl Serialize for BriefingSummary {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut summary = serializer.serialize_struct("BriefingSummary", 12)?;
        summary.serialize_field("slug", self.slug())?;
        summary.serialize_field("title", self.title())?;
        summary.serialize_field("url", &self.url)?;
        summary.serialize_field("date", &*self.date.iso)?;
        summary.serialize_field("date_display", &*self.date.shown)?;
        summary.serialize_field("updated", &Day::iso_of(&self.updated))?;
        summary.serialize_field("updated_display", &Day::shown_of(&self.updated))?;
        summary.serialize_field("summary", self.summary())?;
        summary.serialize_field("tags", &self.tags)?;
        summary.serialize_field("claim_count", &self.claim_count)?;
        summary.serialize_field("tally", &self.tally)?;
        summary.serialize_field("image", &self.image)?;
        summary.end()
    }
}

#[derive(Serialize, Hash)]
pub(crate) struct CorrectionView {
    pub date: String,
    pub date_display: String,
    pub text: String,
}

pub(crate) fn iso(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// A date as readers of the site's language write it out.
pub(crate) fn display(language: &crate::i18n::Language, date: NaiveDate) -> String {
    language.date_long(date)
}

/// The URL of page `page` (0 for the first) of the list at `url`.
pub(crate) fn paged_url(url: &str, page: usize) -> String {
    if page == 0 {
        url.to_owned()
    } else {
        format!("{url}page/{}/", page + 1)
    }
}

/// The entries of a list of `len` that page `page` (from 0) shows.
pub(crate) fn page_range(len: usize, page: usize, per_page: usize) -> std::ops::Range<usize> {
    (page * per_page).min(len)..((page + 1) * per_page).min(len)
}

/// How many pages a list of `len` entries takes: at least one, so an
/// empty list still has its page.
pub(crate) fn page_count(len: usize, per_page: usize) -> usize {
    len.div_ceil(per_page).max(1)
}

/// Where a list page stands among its list's pages, for its navigation.
#[derive(Serialize, Debug)]
pub(crate) struct PagerView {
    /// This page's number, from 1.
    pub number: usize,
    /// How many pages the list has.
    pub count: usize,
    pub first_url: String,
    pub last_url: String,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
}

/// Where a list page stands, as a page's view holds it: what a
/// [`PagerView`] is made from, made into one only when the page is
/// rendered, so planning does not spell out every list page's links.
#[derive(Hash)]
pub(crate) struct Pager<'a> {
    pub url: Cow<'a, str>,
    pub page: usize,
    pub count: usize,
}

impl Serialize for Pager<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        PagerView::new(&self.url, self.page, self.count).serialize(serializer)
    }
}

impl PagerView {
    pub(crate) fn new(url: &str, page: usize, count: usize) -> PagerView {
        PagerView {
            number: page + 1,
            count,
            first_url: url.to_owned(),
            last_url: paged_url(url, count - 1),
            prev_url: page.checked_sub(1).map(|p| paged_url(url, p)),
            next_url: (page + 1 < count).then(|| paged_url(url, page + 1)),
        }
    }
}

/// Views shared by many pages, built every build (they are small), with the
/// fingerprint of each.
pub(crate) struct Shared {
    pub site: SiteView,
    pub site_hash: u64,
    pub speakers: HashMap<String, (Arc<SpeakerRef>, u64)>,
    /// The verdicts of the scale, in order, to share among claim views.
    pub verdict_views: Vec<Arc<VerdictView>>,
    /// The scale, shared by every briefing's tally.
    pub scale: Arc<[VerdictView]>,
    /// What every claim's summary is written out from.
    pub summary_sentence: Arc<SummarySentence>,
    /// Each verdict's place on the scale, by id: a save looks up the
    /// verdict of every claim a few times over.
    verdict_index: FxHashMap<String, usize>,
    /// Shared with the briefing summaries that list them.
    pub tags: HashMap<String, (Arc<TagView>, u64)>,
    pub authors: HashMap<String, (Arc<AuthorView>, u64)>,
    /// How dates are written out.
    pub language: Arc<crate::i18n::Language>,
    /// Each day the site's briefings, claims and sources carry, written out once (as
    /// ISO and as readers of the site's language write it) for every view
    /// that shows it: a copy in each source's and claim's view was some 20
    /// MB at 10,000 briefings, for a few thousand distinct days.
    dates: FxHashMap<NaiveDate, Arc<Day>>,
    /// The first page of `/sources/`, which every source view links into.
    sources_url: Arc<str>,
}

impl Shared {
    pub(crate) fn build(site: &Site) -> Shared {
        let base = &site.config.base_path;
        let verdicts: Vec<VerdictView> = site
            .config
            .scale
            .iter()
            .map(|v| VerdictView {
                id: v.id.clone(),
                label: v.label.clone(),
                rating: v.rating,
                url: format!("{base}verdicts/{}/", slug::slugify(&v.id)),
                tone: v.tone.as_str(),
                description: v.description.clone(),
            })
            .collect();
        // Reversed, so that of two verdicts with one id the first is found.
        let verdict_index = verdicts
            .iter()
            .enumerate()
            .rev()
            .map(|(i, v)| (v.id.clone(), i))
            .collect();
        let verdict_views = verdicts.iter().cloned().map(Arc::new).collect();
        let scale = verdicts.iter().cloned().collect();
        let site_view = site_view(site, verdicts);
        Shared {
            // Every list's pager and every source's link depend on it, and
            // every share's picture on whether the site draws cards.
            site_hash: fingerprint::of(&(
                fingerprint::of_view(&site_view),
                site.config.paginate,
                site.config.social_cards,
                site.config.locale.fingerprint,
            )),
            site: site_view,
            verdict_index,
            verdict_views,
            scale,
            summary_sentence: Arc::new(SummarySentence::of(&site.config.locale)),
            speakers: speaker_views(site),
            tags: tag_views(site),
            authors: author_views(site),
            language: site.config.locale.clone(),
            dates: shared_dates(site),
            sources_url: sources_url(site),
        }
    }

    /// Day `day` written out as ISO and as the site's readers write it:
    /// shared when the site carried it as the shared views were made,
    /// written out anew otherwise (a day a later save brought).
    pub(crate) fn date(&self, day: NaiveDate) -> Arc<Day> {
        match self.dates.get(&day) {
            Some(written) => written.clone(),
            None => written_day(&self.language, day),
        }
    }

    /// A briefing's byline: each name linked to its author's page when
    /// authors.yaml lists them, else as written.
    pub(crate) fn bylines(&self, briefing: &Briefing) -> Vec<Byline> {
        briefing
            .authors
            .iter()
            .map(|a| match self.authors.get(a) {
                Some((view, _)) => Byline {
                    name: view.name.clone(),
                    url: Some(view.url.clone()),
                },
                None => Byline {
                    name: a.clone(),
                    url: None,
                },
            })
            .collect()
    }

    pub(crate) fn verdict(&self, id: &str) -> Option<(usize, &VerdictView)> {
        let &i = self.verdict_index.get(id)?;
        Some((i, &self.site.verdicts[i]))
    }

    /// How many of a set of places on the scale are each verdict.
    pub(crate) fn count(&self, places: impl Iterator<Item = usize>) -> Tally<'_> {
        let mut counts = vec![0usize; self.site.verdicts.len()];
        for i in places {
            counts[i] += 1;
        }
        Tally {
            scale: &self.site.verdicts,
            counts,
        }
    }
}

/// What every template receives as `site`.
fn site_view(site: &Site, verdicts: Vec<VerdictView>) -> SiteView {
    let config = &site.config;
    let base = &config.base_path;
    SiteView {
        title: config.title.clone(),
        description: config.description.clone(),
        language: config.language.clone(),
        rtl: config.locale.is_rtl(),
        base_url: config.base_url.clone(),
        base_path: base.clone(),
        root_path: config.root_path.clone(),
        publisher: PublisherView {
            name: config.publisher.name.clone(),
            url: config.publisher.url.clone(),
        },
        pages: site
            .pages
            .iter()
            .map(|p| NavPage {
                title: p.title.clone(),
                url: format!("{base}{}/", p.slug),
            })
            .collect(),
        verdicts,
        preview: config.preview,
        menu: menu(site),
        logo: config.logo.as_deref().map(|p| config.static_url(p)),
        favicon: config.favicon.as_deref().map(|p| config.static_url(p)),
        favicon_type: config.favicon.as_deref().and_then(image_type),
        image: config.image.as_ref().map(FigureView::of),
    }
}

/// Each speaker with a page, as claim cards and lists show them, with the
/// fingerprint of each.
fn speaker_views(site: &Site) -> HashMap<String, (Arc<SpeakerRef>, u64)> {
    let base = &site.config.base_path;
    site.speakers
        .values()
        .map(|s| {
            let view = SpeakerRef {
                id: s.id.clone(),
                name: s.name.clone(),
                role: s.role.clone(),
                affiliation: s.affiliation.clone(),
                url: format!("{base}speakers/{}/", s.id),
                image: s.image.as_ref().map(FigureView::of),
            };
            let hash = fingerprint::of_view(&view);
            (s.id.clone(), (Arc::new(view), hash))
        })
        .collect()
}

/// Each author of content/authors.yaml, with the fingerprint of each.
fn author_views(site: &Site) -> HashMap<String, (Arc<AuthorView>, u64)> {
    let base = &site.config.base_path;
    site.authors
        .iter()
        .flat_map(|a| a.values())
        .map(|a| {
            let image = a.image.as_ref().map(|image| {
                if image.starts_with("https://") || image.starts_with("http://") {
                    image.clone()
                } else {
                    format!("{base}{}", image.trim_start_matches('/'))
                }
            });
            let view = AuthorView {
                id: a.id.clone(),
                name: a.name.clone(),
                role: a.role.clone(),
                bio: a.bio.clone(),
                url: format!("{base}authors/{}/", a.id),
                website: a.url.clone(),
                image,
            };
            let hash = fingerprint::of_view(&view);
            (a.id.clone(), (Arc::new(view), hash))
        })
        .collect()
}

/// Each tag, by slug, with the fingerprint of each.
fn tag_views(site: &Site) -> HashMap<String, (Arc<TagView>, u64)> {
    let base = &site.config.base_path;
    site.tags
        .iter()
        .map(|(slug, entry)| {
            let view = TagView {
                name: entry.name.clone(),
                slug: slug.clone(),
                url: format!("{base}tags/{slug}/"),
            };
            let hash = fingerprint::of_view(&view);
            (slug.clone(), (Arc::new(view), hash))
        })
        .collect()
}

/// The media type of an image by its file name, for `<link rel="icon">`.
fn image_type(path: &str) -> Option<&'static str> {
    let extension = path.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match extension.as_str() {
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "gif" => "image/gif",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        _ => return None,
    })
}

/// The header's entries. Without `menu:` in site.yaml, the header keeps
/// what it always had: the indexes but search and corrections (the search
/// form and the footer lead there), then every page.
fn menu(site: &Site) -> Vec<MenuLink> {
    use crate::config::{MenuEntry, MENU_INDEXES};
    let base = &site.config.base_path;
    let index = |i: usize| {
        // Each index's name is also its interface string's key.
        let (name, _, path) = MENU_INDEXES[i];
        MenuLink {
            label: site.config.locale.text(name, &[]),
            url: format!("{base}{path}"),
            external: false,
        }
    };
    let page = |p: &crate::model::Page| MenuLink {
        label: p.title.clone(),
        url: format!("{base}{}/", p.slug),
        external: false,
    };
    let Some(menu) = &site.config.menu else {
        return (0..5)
            .map(index)
            .chain(site.pages.iter().map(|p| page(p)))
            .collect();
    };
    menu.iter()
        .filter_map(|entry| match entry {
            MenuEntry::Index(i) => Some(index(*i)),
            // One naming no page has been reported, and stops the build.
            MenuEntry::Page { name, .. } => crate::config::menu_page(name, &site.pages)
                .map(page)
                .or_else(|| {
                    let (place, title) = crate::config::menu_fallback(&site.config, name)?;
                    Some(MenuLink {
                        label: title.to_owned(),
                        url: format!("{}{place}", site.config.root_path),
                        external: false,
                    })
                }),
            MenuEntry::Link { label, url } => Some(MenuLink {
                label: label.clone(),
                url: url.clone(),
                external: true,
            }),
        })
        .collect()
}

/// How many claims received each verdict, as a page's view holds it: only
/// the counts are hashed, since the rest of a [`TallyView`] follows from
/// them and from the scale, which is the site's and part of every page's
/// fingerprint. Made into the [`TallyView`] only when a page is rendered.
pub(crate) struct Tally<'a> {
    pub scale: &'a [VerdictView],
    pub counts: Vec<usize>,
}

impl<'a> TallyView<'a> {
    fn of(scale: &'a [VerdictView], counts: &[usize]) -> TallyView<'a> {
        let total: usize = counts.iter().sum();
        let scale: Vec<TallyEntry> = scale
            .iter()
            .zip(counts)
            .map(|(verdict, &count)| TallyEntry {
                verdict,
                count,
                percent: percent(count, total),
                share: share_value(count, total).to_string() + "%",
                share_value: share_value(count, total),
            })
            .collect();
        let entries = scale.iter().filter(|e| e.count > 0).cloned().collect();
        TallyView {
            total,
            entries,
            scale,
        }
    }
}

/// `count` of `total` as a share of 100, to one decimal place; 0 when the
/// total is 0.
fn percent(count: usize, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else {
        (count as f64 * 1000.0 / total as f64).round() / 10.0
    }
}

/// A briefing's tally as its summary keeps it for the whole build: the
/// counts, and the site's scale they count on, shared. Made into a
/// [`TallyView`] only when a page shows it: each briefing's copy of every
/// verdict's view and share, twice over (its entries and its scale), was
/// some 45 MB at 10,000 briefings.
pub(crate) struct BriefingTally {
    scale: Arc<[VerdictView]>,
    counts: Box<[usize]>,
}

impl BriefingTally {
    /// Each verdict given at least once, in scale order, with its count
    /// and its share of 100 to one decimal place: the segments of a chart.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (&VerdictView, usize, f64)> + '_ {
        let total: usize = self.counts.iter().sum();
        self.scale
            .iter()
            .zip(self.counts.iter())
            .filter(|(_, &count)| count > 0)
            .map(move |(verdict, &count)| (verdict, count, percent(count, total)))
    }
}

impl Serialize for BriefingTally {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        TallyView::of(&self.scale, &self.counts).serialize(serializer)
    }
}

impl Hash for Tally<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.counts.hash(state);
    }
}

impl Serialize for Tally<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        TallyView::of(self.scale, &self.counts).serialize(serializer)
    }
}

/// A view as a page receives it, with the fingerprint it carries: shown
/// whole, hashed by that fingerprint alone. This is how a page's
/// fingerprint covers views that many pages show (a claim card, a
/// briefing's summary) without hashing each of them again for every page.
pub(crate) struct Fingerprinted<T> {
    pub fingerprint: u64,
    pub view: T,
}

impl<T: Serialize> Serialize for Fingerprinted<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.view.serialize(serializer)
    }
}

impl<T> Hash for Fingerprinted<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.fingerprint.hash(state);
    }
}

/// `count` of `total` as a whole percentage, rounded, but never to 0% or
/// 100% unless none or all are.
fn share_value(count: usize, total: usize) -> usize {
    match (count, total) {
        (0, _) | (_, 0) => 0,
        (c, t) if c >= t => 100,
        (c, t) => ((c * 100 + t / 2) / t).clamp(1, 99),
    }
}

/// One briefing's views: its summary for lists and its claim cards.
pub(crate) struct BriefingViews {
    pub signature: u64,
    pub summary: BriefingSummary,
    pub claims: Vec<ClaimView>,
    /// Fingerprints of the summary and of each claim card, for the pages
    /// that show only those: an edit to a briefing's body changes neither,
    /// so lists and index pages are left alone. Zero in a one-off build,
    /// which has no later build to compare them with.
    pub summary_hash: u64,
    pub claim_hashes: Vec<u64>,
    /// Each claim's verdict's place on the scale, if it is on it, for the
    /// tallies of the pages that list claims: counted with no verdict
    /// looked up by name, a save counts every claim of the site.
    pub verdicts: Vec<Option<usize>>,
    /// Who wrote it, for its page, the feeds and its JSON-LD.
    pub bylines: Vec<Byline>,
}

/// Everything a briefing's views are made from: its own text, and the
/// shared views and source anchors its cards show.
pub(crate) fn signature(site: &Site, shared: &Shared, b: usize) -> u64 {
    let briefing = &site.briefings[b];
    let mut hasher = crate::fingerprint::hasher();
    site.briefing_files[b].hash.hash(&mut hasher);
    shared.site_hash.hash(&mut hasher);
    for claim in &briefing.claims {
        site.speaker_for(b, &claim.speaker)
            .and_then(|s| shared.speakers.get(&s.id))
            .map(|(_, h)| *h)
            .hash(&mut hasher);
        for id in &claim.sources {
            if let Some((key, source)) = site.source_for(b, id) {
                // The card links to the page of /sources/ the entry is on,
                // which moves when sources sorting before it come or go.
                site.source_place(&key).hash(&mut hasher);
                if matches!(key, SourceKey::Site(_)) {
                    source.hash.hash(&mut hasher);
                }
            }
        }
    }
    for tag in &briefing.tags {
        shared
            .tags
            .get(&Site::tag_slug(tag))
            .map(|(_, h)| *h)
            .hash(&mut hasher);
    }
    for author in &briefing.authors {
        shared
            .authors
            .get(author)
            .map(|(_, h)| *h)
            .hash(&mut hasher);
    }
    hasher.finish()
}

/// Every day a briefing, claim or source of the site carries, written out.
fn shared_dates(site: &Site) -> FxHashMap<NaiveDate, Arc<Day>> {
    let mut days: Vec<NaiveDate> = site
        .briefings
        .iter()
        .flat_map(|b| {
            let own = [Some(b.date), b.updated];
            let claims = b.claims.iter().map(|c| c.date);
            let sources = b.sources.values().flat_map(|s| [s.date, s.accessed]);
            own.into_iter().chain(claims).chain(sources).flatten()
        })
        .collect();
    days.sort_unstable();
    days.dedup();
    days.into_iter()
        .map(|day| (day, written_day(&site.config.locale, day)))
        .collect()
}

/// Day `day` as ISO and as readers of `language` write it.
fn written_day(language: &crate::i18n::Language, day: NaiveDate) -> Arc<Day> {
    Arc::new(Day {
        iso: iso(day).into(),
        shown: display(language, day).into(),
    })
}

/// A day written out, as ISO (`2024-10-31`) and as readers of the site's
/// language write it (`31 October 2024`): one allocation that every view
/// showing the day shares, where each view held two.
pub(crate) struct Day {
    pub iso: Box<str>,
    pub shown: Box<str>,
}

impl Day {
    pub(crate) fn iso_of(day: &Option<Arc<Day>>) -> Option<&str> {
        day.as_deref().map(|d| &*d.iso)
    }

    pub(crate) fn shown_of(day: &Option<Arc<Day>>) -> Option<&str> {
        day.as_deref().map(|d| &*d.shown)
    }
}

/// The view of a source, its days and the first page of `/sources/`
/// shared through `shared`. The views made for a moment (a `/sources/`
/// entry, a source of `claims.json`) wrote out their own days, through
/// the locale's month names: 0.6% of a 1,000-briefing build's
/// instructions.
pub(crate) fn source_view(site: &Site, shared: &Shared, key: &SourceKey) -> SourceView {
    let (anchor, page) = site.source_place(key).map_or_else(
        || (Arc::from(""), 0),
        |(anchor, page)| (anchor.clone(), page),
    );
    let sources = shared.sources_url.clone();
    let day = |day| shared.date(day);
    let held = match *key {
        SourceKey::Briefing(b, i) => HeldSource::Briefing(site.briefings[b].clone(), i),
        SourceKey::Site(i) => HeldSource::Site(site.site_sources.clone(), i),
    };
    let source = site.source(key);
    let date = source.date.map(day);
    let accessed = source.accessed.map(day);
    SourceView {
        held,
        anchor,
        sources,
        page,
        date,
        accessed,
    }
}

/// The first page of `/sources/`.
fn sources_url(site: &Site) -> Arc<str> {
    [site.config.base_path.as_str(), "sources/"].concat().into()
}

/// The source of `/sources/` entry `i` as its page holds it: fingerprinted
/// by what [`source_view`] makes it from (the source, and the entry's
/// anchor and page, which [`Site::source_place`] would look up), and made
/// into a [`SourceView`] only when the page is rendered.
pub(crate) fn cited_source<'a>(
    site: &'a Site,
    shared: &'a Shared,
    i: usize,
) -> Fingerprinted<CitedSource<'a>> {
    let cited = &site.sources[i];
    let place = (&*cited.anchor, i / site.config.paginate);
    Fingerprinted {
        fingerprint: fingerprint::of(&(site.source(&cited.key).hash, place)),
        view: CitedSource {
            site,
            shared,
            key: cited.key,
        },
    }
}

pub(crate) struct CitedSource<'a> {
    site: &'a Site,
    shared: &'a Shared,
    key: SourceKey,
}

impl Serialize for CitedSource<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        source_view(self.site, self.shared, &self.key).serialize(serializer)
    }
}

/// Builds one briefing's views, with their fingerprints when `mode` keeps
/// them for a rebuild to compare with.
pub(crate) fn briefing_views(
    site: &Site,
    shared: &Shared,
    b: usize,
    signature: u64,
    mode: BuildMode,
) -> BriefingViews {
    let briefing: &Briefing = &site.briefings[b];
    let url = format!("{}briefings/{}/", site.config.base_path, briefing.slug);
    let date = shared.date(briefing.date);
    let link = Arc::new(BriefingLink {
        title: briefing.title.clone(),
        url: url.clone(),
        date: date.iso.to_string(),
        date_display: date.shown.to_string(),
    });
    let verdicts: Vec<Option<usize>> = briefing
        .claims
        .iter()
        .map(|claim| shared.verdict(&claim.verdict).map(|(i, _)| i))
        .collect();
    let mut sources = HashMap::new();
    let claims: Vec<ClaimView> = verdicts
        .iter()
        .enumerate()
        .map(|(c, &verdict)| claim_view(site, shared, (b, c), verdict, &link, &mut sources))
        .collect();
    let summary = briefing_summary(shared, &site.briefings[b], (url, date), &verdicts);
    // Each is the card serialised once more: 1.6% of a 1,000-briefing
    // build's instructions, for nothing when no rebuild follows.
    let (summary_hash, claim_hashes) = match mode {
        BuildMode::Kept => (
            fingerprint::of_view(&summary),
            claims.iter().map(fingerprint::of_view).collect(),
        ),
        BuildMode::OneOff => (0, vec![0; claims.len()]),
    };
    BriefingViews {
        signature,
        summary_hash,
        claim_hashes,
        summary,
        claims,
        verdicts,
        bylines: shared.bylines(briefing),
    }
}

/// A claim's card, given its verdict's place on the scale (the card shows
/// the last verdict of the scale for one not on it). Source views already
/// made for the briefing's other claims, in `sources`, are shared rather
/// than made again.
fn claim_view(
    site: &Site,
    shared: &Shared,
    (b, c): (usize, usize),
    verdict: Option<usize>,
    briefing: &Arc<BriefingLink>,
    sources: &mut HashMap<SourceKey, Arc<SourceView>>,
) -> ClaimView {
    let claim = &site.briefings[b].claims[c];
    let date = claim.date.map(|day| shared.date(day));
    let verdict = verdict
        .map(|i| &shared.verdict_views[i])
        .or(shared.verdict_views.last())
        .cloned()
        .expect("a verdict scale is never empty");
    let sources = claim
        .sources
        .iter()
        .filter_map(|id| site.source_for(b, id))
        .map(|(key, _)| {
            sources
                .entry(key)
                .or_insert_with(|| Arc::new(source_view(site, shared, &key)))
                .clone()
        })
        .collect();
    ClaimView {
        held: site.briefings[b].clone(),
        index: c,
        date,
        speaker: claim_speaker(site, shared, b, claim),
        verdict,
        sentence: shared.summary_sentence.clone(),
        sources,
        briefing: briefing.clone(),
        image: claim.image.as_ref().map(|i| Box::new(FigureView::of(i))),
    }
}

/// Who made a claim, as its card shows them: the shared view, unless the
/// briefing's own definition gives the role held on that occasion.
fn claim_speaker(site: &Site, shared: &Shared, b: usize, claim: &Claim) -> Arc<SpeakerRef> {
    let Some(s) = site.speaker_for(b, &claim.speaker) else {
        return Arc::new(SpeakerRef {
            id: claim.speaker.clone(),
            name: claim.speaker.clone(),
            role: None,
            affiliation: None,
            url: format!("{}speakers/", site.config.base_path),
            image: None,
        });
    };
    let shared_view = &shared.speakers[&s.id].0;
    let role = s.role.as_ref().or(shared_view.role.as_ref());
    let affiliation = s.affiliation.as_ref().or(shared_view.affiliation.as_ref());
    let image = s.image.as_ref().map(FigureView::of);
    let image = image.as_ref().or(shared_view.image.as_ref());
    if role == shared_view.role.as_ref()
        && affiliation == shared_view.affiliation.as_ref()
        && image == shared_view.image.as_ref()
    {
        shared_view.clone()
    } else {
        Arc::new(SpeakerRef {
            role: role.cloned(),
            affiliation: affiliation.cloned(),
            image: image.cloned(),
            ..SpeakerRef::clone(shared_view)
        })
    }
}

/// A briefing as lists show it, given its URL, its written-out day and its
/// claims' verdicts' places on the scale.
fn briefing_summary(
    shared: &Shared,
    held: &Arc<Briefing>,
    (url, date): (String, Arc<Day>),
    verdicts: &[Option<usize>],
) -> BriefingSummary {
    let briefing = &**held;
    let mut seen = std::collections::HashSet::new();
    let tags = briefing
        .tags
        .iter()
        .filter(|t| seen.insert(Site::tag_slug(t)))
        .filter_map(|t| shared.tags.get(&Site::tag_slug(t)).map(|(v, _)| v.clone()))
        .collect();
    BriefingSummary {
        held: held.clone(),
        url,
        date,
        updated: briefing.updated.map(|day| shared.date(day)),
        tags,
        claim_count: briefing.claims.len(),
        tally: BriefingTally {
            scale: shared.scale.clone(),
            counts: shared
                .count(verdicts.iter().flatten().copied())
                .counts
                .into_boxed_slice(),
        },
        image: briefing.image.as_ref().map(|i| Box::new(FigureView::of(i))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::Picture;

    #[test]
    fn a_share_is_never_rounded_to_all_or_none() {
        assert_eq!(share_value(1, 3), 33);
        assert_eq!(share_value(2, 3), 67);
        assert_eq!(share_value(1, 400), 1);
        assert_eq!(share_value(399, 400), 99);
        assert_eq!(share_value(4, 4), 100);
        assert_eq!(share_value(0, 4), 0);
        assert_eq!(share_value(0, 0), 0);
    }

    #[test]
    fn sizes_read_as_file_managers_show_them() {
        assert_eq!(file_size(0), "0 bytes");
        assert_eq!(file_size(1), "1 byte");
        assert_eq!(file_size(999), "999 bytes");
        assert_eq!(file_size(1000), "1.0 KB");
        assert_eq!(file_size(2407), "2.4 KB");
        assert_eq!(file_size(9_960), "10 KB");
        assert_eq!(file_size(240_400), "240 KB");
        assert_eq!(file_size(999_499), "999 KB");
        assert_eq!(file_size(999_999), "1.0 MB");
        assert_eq!(file_size(1_234_567), "1.2 MB");
        assert_eq!(file_size(123_456_789), "123 MB");
        assert_eq!(file_size(5_500_000_000), "5.5 GB");
    }

    #[test]
    fn a_files_kind_is_its_extension_or_else_its_media_type() {
        assert_eq!(
            file_format("briefings/x/report.pdf", "application/pdf"),
            "PDF"
        );
        assert_eq!(file_format("briefings/x/data.v2.csv", "text/csv"), "CSV");
        assert_eq!(file_format("briefings/x/README", "text/plain"), "PLAIN");
        assert_eq!(file_format("briefings/x/.hidden", ""), "FILE");
    }

    fn figure(published: &str, alt: &str) -> Figure {
        Figure {
            written: published.into(),
            picture: Picture {
                src: format!("/desk/{published}"),
                published: Some(published.into()),
                width: Some(960),
                height: Some(540),
                mime: Some("image/jpeg".into()),
                ..Picture::default()
            },
            alt: alt.into(),
            caption: None,
            credit: None,
            archived: None,
        }
    }

    fn config(social_cards: bool, image: Option<Figure>) -> SiteConfig {
        SiteConfig {
            base_url: "https://desk.example.org/desk/".into(),
            base_path: "/desk/".into(),
            root_path: "/desk/".into(),
            social_cards,
            image,
            ..SiteConfig::default()
        }
    }

    fn summary(image: Option<Figure>) -> BriefingSummary {
        BriefingSummary {
            held: Arc::new(Briefing {
                slug: "pier".into(),
                title: "The pier".into(),
                ..Briefing::default()
            }),
            url: "/desk/briefings/pier/".into(),
            date: Arc::new(Day {
                iso: "2024-10-31".into(),
                shown: "31 October 2024".into(),
            }),
            updated: None,
            tags: Vec::new(),
            claim_count: 2,
            tally: BriefingTally {
                scale: Arc::from(Vec::new()),
                counts: Box::default(),
            },
            image: image.as_ref().map(|i| Box::new(FigureView::of(i))),
        }
    }

    fn claim(image: Option<Figure>) -> ClaimView {
        let verdict = VerdictView {
            id: "false".into(),
            label: "False".into(),
            rating: Some(1),
            url: "/desk/verdicts/false/".into(),
            tone: "worst",
            description: None,
        };
        let held = Arc::new(Briefing {
            claims: vec![Claim {
                id: "built".into(),
                texts: Claim::texts("The pier was built in a week.", "<p></p>\n", "", None),
                verbatim: true,
                ..Claim::default()
            }],
            ..Briefing::default()
        });
        ClaimView {
            held,
            index: 0,
            date: None,
            speaker: Arc::new(SpeakerRef {
                id: "kim".into(),
                name: "Kim Song".into(),
                role: None,
                affiliation: None,
                url: "/desk/speakers/kim/".into(),
                image: None,
            }),
            sentence: Arc::new(SummarySentence::of(&SiteConfig::default().locale)),
            verdict: Arc::new(verdict),
            sources: Vec::new(),
            briefing: Arc::new(BriefingLink {
                title: "The pier".into(),
                url: "/desk/briefings/pier/".into(),
                date: "2024-10-31".into(),
                date_display: "31 October 2024".into(),
            }),
            image: image.as_ref().map(|i| Box::new(FigureView::of(i))),
        }
    }

    /// A claim's summary reads as the interface string fills it, in each
    /// language, though it is written out from parts.
    #[test]
    fn a_summary_reads_as_its_interface_string_fills_it() {
        let verdict = Arc::new(VerdictView {
            id: "mostly-true".into(),
            label: "Mostly true".into(),
            rating: Some(4),
            url: "/verdicts/mostly-true/".into(),
            tone: "good",
            description: None,
        });
        let explanation = "The pier took a month, not a week.";
        for tag in ["en", "fr", "de", "pt"] {
            let language = crate::i18n::Language::load(tag, None, None).0;
            let summary = ClaimSummary {
                verdict: verdict.clone(),
                explanation,
                sentence: Arc::new(SummarySentence::of(&language)),
            };
            let filled = language.text(
                "claim_summary",
                &[
                    ("verdict", verdict.label.clone()),
                    ("explanation", explanation.into()),
                ],
            );
            assert_eq!(summary.to_string(), filled, "{tag}");
            assert_eq!(
                serde_json::to_value(&summary).unwrap(),
                serde_json::Value::String(filled)
            );
        }
        let english = crate::i18n::Language::load("en", None, None).0;
        let summary = ClaimSummary {
            verdict,
            explanation,
            sentence: Arc::new(SummarySentence::of(&english)),
        };
        assert_eq!(
            summary.to_string(),
            "Verdict: Mostly true. The pier took a month, not a week."
        );
    }

    fn url(image: Option<ShareImage>) -> Option<String> {
        image.map(|i| i.url)
    }

    /// A briefing: its image, else its card, else the site's image.
    #[test]
    fn a_briefing_shares_its_image_then_its_card_then_the_sites() {
        let lead = || Some(figure("briefings/pier/lead-1600w.jpg", "The pier at dawn"));
        let site = || Some(figure("img/desk-960w.jpg", "The desk's logo"));
        let image = briefing_share_image(&config(true, site()), &summary(lead())).unwrap();
        assert_eq!(
            image.url,
            "https://desk.example.org/desk/briefings/pier/lead-1600w.jpg"
        );
        assert_eq!((image.width, image.height), (Some(960), Some(540)));
        assert_eq!(image.alt, "The pier at dawn");
        assert_eq!(image.mime.as_deref(), Some("image/jpeg"));

        let card = briefing_share_image(&config(true, site()), &summary(None)).unwrap();
        assert_eq!(
            card.url,
            "https://desk.example.org/desk/briefings/pier/card.png"
        );
        assert_eq!((card.width, card.height), (Some(1200), Some(630)));
        assert_eq!(card.alt, "The pier: 2 claims checked by Fact checks");

        assert_eq!(
            url(briefing_share_image(&config(false, site()), &summary(None))),
            Some("https://desk.example.org/desk/img/desk-960w.jpg".into())
        );
        assert_eq!(
            url(briefing_share_image(&config(false, None), &summary(None))),
            None
        );
    }

    /// A claim: its card, else its image, else its briefing's, else the
    /// site's.
    #[test]
    fn a_claim_shares_its_card_then_its_image_then_its_briefings_then_the_sites() {
        let shot = || Some(figure("briefings/pier/post-480w.jpg", "The post"));
        let lead = || Some(figure("briefings/pier/lead-1600w.jpg", "The pier"));
        let site = || Some(figure("img/desk-960w.jpg", "The desk"));
        let card = claim_share_image(&config(true, site()), &claim(shot()), &summary(lead()));
        let card = card.unwrap();
        assert_eq!(
            card.url,
            "https://desk.example.org/desk/briefings/pier/claims/built/card.png"
        );
        assert_eq!(
            card.alt,
            "Kim Song: “The pier was built in a week.” Verdict: False. Checked by Fact checks."
        );
        let share = |claim_image, lead_image, site_image| {
            url(claim_share_image(
                &config(false, site_image),
                &claim(claim_image),
                &summary(lead_image),
            ))
        };
        let at = |path: &str| Some(format!("https://desk.example.org/desk/{path}"));
        assert_eq!(
            share(shot(), lead(), site()),
            at("briefings/pier/post-480w.jpg")
        );
        assert_eq!(
            share(None, lead(), site()),
            at("briefings/pier/lead-1600w.jpg")
        );
        assert_eq!(share(None, None, site()), at("img/desk-960w.jpg"));
        assert_eq!(share(None, None, None), None);
    }

    /// An image elsewhere is shared at its own address, not under the
    /// site's.
    #[test]
    fn an_image_elsewhere_keeps_its_address() {
        let mut elsewhere = figure("x", "A post");
        elsewhere.picture = Picture {
            src: "https://social.example/post.png".into(),
            ..Picture::default()
        };
        let image = FigureView::of(&elsewhere).share(&config(false, None));
        assert_eq!(image.url, "https://social.example/post.png");
        assert_eq!((image.width, image.height), (None, None));
    }
}
