//! The site as the writer means it: briefings, claims, speakers, sources and
//! verdicts, with dates parsed and Markdown rendered, before any of it is
//! laid out as pages.
//!
//! Parsing fills these types from one file at a time; `resolve` ties them
//! together into a [`Site`](crate::resolve::Site). Each type remembers the
//! file it came from so later stages can point at the line to fix.
//!
//! What a build keeps only to redo less, such as the fingerprint of each
//! file and the position of each front matter field, lives beside these
//! types (see [`BriefingFile`](crate::resolve::BriefingFile)), not in them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use indexmap::IndexMap;

use crate::diagnostic::Position;
use crate::media::Picture;

/// An image named in front matter (`image:` of a briefing, a page, a claim
/// or a speaker), resolved to what a page shows.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Figure {
    /// As written in front matter, for messages.
    pub written: String,
    pub picture: Picture,
    /// Required: an image in a fact check is evidence.
    pub alt: String,
    pub caption: Option<String>,
    pub credit: Option<String>,
    /// An archived copy of what the image shows (a claim's post as it
    /// appeared).
    pub archived: Option<String>,
}

/// A field most entries leave out (a claim's or a speaker's image, a
/// source's hosted file), boxed so that the many entries without one pay
/// for a pointer rather than for the whole value: at 10,000 briefings the
/// empty inline room was tens of megabytes held through the whole build.
/// It reads as the `Option` it holds, so code that reads the field is as
/// it was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rare<T: Unset>(Option<Box<Option<T>>>);

/// The value a [`Rare`] field reads as when it is left out.
pub trait Unset: Sized + 'static {
    const UNSET: &'static Option<Self>;
}

impl Unset for Figure {
    const UNSET: &'static Option<Figure> = &None;
}

impl Unset for Attachment {
    const UNSET: &'static Option<Attachment> = &None;
}

impl<T: Unset> Rare<T> {
    pub fn new(value: Option<T>) -> Rare<T> {
        Rare(value.map(|v| Box::new(Some(v))))
    }
}

impl<T: Unset> From<Option<T>> for Rare<T> {
    fn from(value: Option<T>) -> Rare<T> {
        Rare::new(value)
    }
}

impl<T: Unset> Default for Rare<T> {
    fn default() -> Rare<T> {
        Rare(None)
    }
}

impl<T: Unset> std::ops::Deref for Rare<T> {
    type Target = Option<T>;

    fn deref(&self) -> &Option<T> {
        match &self.0 {
            Some(value) => value,
            None => T::UNSET,
        }
    }
}

/// Hashed as the `Option` it reads as, so fingerprints are as they were.
impl<T: Unset + std::hash::Hash> std::hash::Hash for Rare<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (**self).hash(state);
    }
}

/// A document the desk hosts itself (`sources.<id>.file`): a file of the
/// briefing's bundle, linked from the source card.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Attachment {
    /// As written in front matter.
    pub written: String,
    /// Site URL, with the base path.
    pub url: String,
    /// Published path, for absolute URLs.
    pub published: String,
    /// `application/pdf`, …
    pub mime: String,
    pub bytes: u64,
}

/// One step of the verdict scale.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub id: String,
    pub label: String,
    /// `None` for verdicts such as `unverified` that rate nothing.
    pub rating: Option<u32>,
    pub tone: Tone,
    /// What the verdict means on this site, for readers: shown on the
    /// verdict pages and as the badge's description.
    pub description: Option<String>,
    /// The label and description by language, when `site.yaml` gives them
    /// so (`label: {en: Misleading, fr: Trompeur}`); empty when given once
    /// for every language. `label` and `description` hold the site
    /// language's.
    pub labels: Localised,
    pub descriptions: Localised,
}

impl Verdict {
    /// This verdict with its label and description in language `tag`
    /// (see [`Localised::pick`]); as it is where they were given once.
    pub fn in_language(&self, tag: &str) -> Verdict {
        let mut verdict = self.clone();
        if let Some(label) = self.labels.pick(tag) {
            verdict.label = label.to_owned();
        }
        if let Some(description) = self.descriptions.pick(tag) {
            verdict.description = Some(description.to_owned());
        }
        verdict
    }
}

/// Words `site.yaml` gives one per language, by language tag, in the order
/// written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Localised(pub Vec<(String, String)>);

impl Localised {
    /// The words for language `tag` (`fr`, `pt-BR`): its own entry, else
    /// its primary language's (`pt` for `pt-BR`).
    pub fn exact(&self, tag: &str) -> Option<&str> {
        let primary = tag.split(['-', '_']).next().unwrap_or(tag);
        let find = |t: &str| self.0.iter().find(|(k, _)| k.eq_ignore_ascii_case(t));
        find(tag).or_else(|| find(primary)).map(|(_, s)| s.as_str())
    }

    /// The words for `tag`, else the English ones, else the first given;
    /// `None` when none are given.
    pub fn pick(&self, tag: &str) -> Option<&str> {
        self.exact(tag)
            .or_else(|| self.exact("en"))
            .or_else(|| self.0.first().map(|(_, s)| s.as_str()))
    }
}

/// Where a verdict sits on its scale, for styling. Computed from ratings so a
/// custom scale gets sensible colours without naming any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Best,
    Good,
    Mid,
    Poor,
    Worst,
    Unrated,
}

impl Tone {
    pub fn as_str(self) -> &'static str {
        match self {
            Tone::Best => "best",
            Tone::Good => "good",
            Tone::Mid => "mid",
            Tone::Poor => "poor",
            Tone::Worst => "worst",
            Tone::Unrated => "unrated",
        }
    }
}

/// The scale used when `site.yaml` names none, best first.
pub(crate) fn default_scale() -> Vec<Verdict> {
    let rated = [
        ("true", "True", 5, "The claim is accurate, and nothing left out of it changes what it says."),
        ("mostly-true", "Mostly true", 4, "The claim is accurate in its main point, but a detail is wrong or missing, or it needs a clarification."),
        ("mixed", "Mixed", 3, "Parts of the claim are accurate and parts are not, or the evidence points both ways."),
        ("misleading", "Misleading", 2, "The claim holds some truth but leaves a false impression: context that changes its meaning is left out, or facts are picked selectively."),
        ("false", "False", 1, "The claim is wrong: the record contradicts it."),
    ];
    let mut scale: Vec<Verdict> = rated
        .iter()
        .map(|&(id, label, rating, description)| Verdict {
            id: id.into(),
            label: label.into(),
            rating: Some(rating),
            tone: Tone::Unrated,
            description: Some(description.into()),
            labels: Localised::default(),
            descriptions: Localised::default(),
        })
        .collect();
    scale.push(Verdict {
        id: "unverified".into(),
        label: "Unverified".into(),
        rating: None,
        tone: Tone::Unrated,
        description: Some(
            "The evidence available when the claim was checked neither confirms nor refutes it."
                .into(),
        ),
        labels: Localised::default(),
        descriptions: Localised::default(),
    });
    assign_tones(&mut scale);
    scale
}

/// The default scale in `language`: each label and description from its
/// translation (`verdict_<id>`, `verdict_<id>_description`, with `-` as
/// `_`). A custom scale is left as written.
pub(crate) fn localise_default_scale(scale: &mut [Verdict], language: &crate::i18n::Language) {
    if scale != default_scale().as_slice() {
        return;
    }
    for verdict in scale {
        let key = format!("verdict_{}", verdict.id.replace('-', "_"));
        verdict.label = language.text(&key, &[]);
        verdict.description = Some(language.text(&format!("{key}_description"), &[]));
    }
}

/// Sets each verdict's tone from where its rating falls between the scale's
/// lowest and highest.
pub(crate) fn assign_tones(scale: &mut [Verdict]) {
    let ratings = scale.iter().filter_map(|v| v.rating);
    let (Some(min), Some(max)) = (ratings.clone().min(), ratings.max()) else {
        return;
    };
    for verdict in scale {
        verdict.tone = match verdict.rating {
            None => Tone::Unrated,
            Some(_) if max == min => Tone::Mid,
            Some(r) => match ((r - min) * 4 + (max - min) / 2) / (max - min) {
                4 => Tone::Best,
                3 => Tone::Good,
                2 => Tone::Mid,
                1 => Tone::Poor,
                _ => Tone::Worst,
            },
        };
    }
}

/// Where an entry was defined: the file, and the map inside it that holds
/// the entry under its id ([`Site::position`](crate::resolve::Site::position)
/// finds the line).
#[derive(Clone, Debug)]
pub struct Origin {
    /// Shared by the entries of one file: a path each was some 10 MB at
    /// 10,000 briefings, held through the build.
    pub file: Arc<Path>,
    /// The key of that map, `sources` or `speakers` in a briefing's front
    /// matter, empty in a file of entries of its own (`content/sources.yaml`).
    /// The entry's field path is made from it and the id when a problem is
    /// reported: held, the paths of 200,000 entries were some 5 MB at
    /// 10,000 briefings.
    pub under: &'static str,
}

impl Origin {
    /// The field path of the entry `id`, as a problem names it:
    /// `sources.census` in a briefing, `census` in `content/sources.yaml`.
    pub fn field(&self, id: &str) -> String {
        crate::parse::yaml::join_key(self.under, id)
    }

    /// The field path of `sub` in the entry `id`: `sources.census.url`.
    pub fn field_of(&self, id: &str, sub: &str) -> String {
        crate::parse::yaml::join_key(&self.field(id), sub)
    }
}

#[derive(Clone, Debug)]
pub struct Speaker {
    pub id: String,
    pub name: String,
    pub role: Option<String>,
    pub affiliation: Option<String>,
    /// A portrait, for the speaker's page and cards.
    pub image: Rare<Figure>,
    pub origin: Origin,
}

/// A writer of the desk, from `content/authors.yaml`: briefings name them
/// by id under `authors:`.
#[derive(Clone, Debug)]
pub struct Author {
    pub id: String,
    pub name: String,
    pub role: Option<String>,
    pub bio: Option<String>,
    /// Their own page elsewhere (a profile, a personal site).
    pub url: Option<String>,
    /// A picture of them: an address, or a path under `static/`.
    pub image: Option<String>,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub struct Source {
    pub id: String,
    /// Its title, publisher, address, archived copy and excerpt.
    pub texts: SourceTexts,
    pub withheld: Option<String>,
    pub date: Option<NaiveDate>,
    pub accessed: Option<NaiveDate>,
    /// The document itself, hosted with the briefing: it counts as an
    /// archived copy.
    pub file: Rare<Attachment>,
    pub origin: Origin,
    /// Fingerprint of everything above that a page shows.
    pub hash: u64,
}

impl Source {
    const TITLE: usize = 0;
    const PUBLISHER: usize = 1;
    const URL: usize = 2;
    const ARCHIVED: usize = 3;
    const EXCERPT: usize = 4;

    pub fn title(&self) -> &str {
        self.texts.part(Self::TITLE).unwrap_or_default()
    }

    pub fn publisher(&self) -> Option<&str> {
        self.texts.part(Self::PUBLISHER)
    }

    /// `None` only when the source is withheld.
    pub fn url(&self) -> Option<&str> {
        self.texts.part(Self::URL)
    }

    pub fn archived(&self) -> Option<&str> {
        self.texts.part(Self::ARCHIVED)
    }

    pub fn excerpt(&self) -> Option<&str> {
        self.texts.part(Self::EXCERPT)
    }

    /// Fills in `hash` from the other fields.
    pub fn sealed(mut self) -> Source {
        self.hash = crate::fingerprint::of(&(
            self.title(),
            self.publisher(),
            self.url(),
            &self.withheld,
            self.date,
            self.accessed,
            self.archived(),
            self.excerpt(),
            &self.file,
        ));
        self
    }
}

/// A source's texts: its title, publisher, address, archived copy and
/// excerpt. Held as five strings of their own, each with its own
/// allocation (and its count, when they were shared), they took some 150
/// bytes a source more: at 10,000 briefings, with 125,000 sources, about
/// 19 MB held through the build.
pub type SourceTexts = Joined<5>;

/// The texts of one entry of a front matter, written one after another in
/// a single string, for the entries there are many of (sources, claims):
/// one allocation where there were one a text, each rounded up to the
/// allocator's next size and most with a count in front.
#[derive(Clone, Debug)]
pub struct Joined<const N: usize> {
    joined: Box<str>,
    /// Where each text ends in `joined`, the one before it ending where
    /// it starts.
    ends: [u32; N],
    /// Which of the texts were given, a bit each: a text not given is not
    /// an empty one.
    given: u8,
}

impl<const N: usize> Default for Joined<N> {
    fn default() -> Self {
        Joined {
            joined: Box::default(),
            ends: [0; N],
            given: 0,
        }
    }
}

impl<const N: usize> Joined<N> {
    /// Only as many texts as `given` has bits.
    const FITS: () = assert!(N <= 8);

    pub fn new(parts: [Option<&str>; N]) -> Joined<N> {
        let () = Self::FITS;
        let mut joined = String::with_capacity(parts.iter().flatten().map(|p| p.len()).sum());
        let mut ends = [0; N];
        let mut given = 0;
        for (i, part) in parts.into_iter().enumerate() {
            if let Some(part) = part {
                joined.push_str(part);
                given |= 1 << i;
            }
            // A front matter of 4 GiB would not have been read this far;
            // were it, the texts past that point read as empty.
            ends[i] = u32::try_from(joined.len()).unwrap_or(u32::MAX);
        }
        Joined {
            joined: joined.into_boxed_str(),
            ends,
            given,
        }
    }

    fn part(&self, i: usize) -> Option<&str> {
        if self.given & (1 << i) == 0 {
            return None;
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(
            self.joined
                .get(start as usize..self.ends[i] as usize)
                .unwrap_or_default(),
        )
    }
}

/// A link written in Markdown to another part of the site, checked at build.
#[derive(Clone, Debug)]
pub struct Link {
    /// As written: `#claim-x`, `@/briefings/x.md`, `@/briefings/x.md#claim-y`.
    pub target: String,
    pub position: Position,
    pub field: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Claim {
    pub id: String,
    pub speaker: String,
    /// Its text, its explanation (plain, and as HTML where that is not
    /// the plain text in a paragraph) and where it appeared. Held as
    /// strings of their own, two of them shared, they took some 100 bytes
    /// a claim more.
    pub texts: Joined<4>,
    pub verbatim: bool,
    pub date: Option<NaiveDate>,
    pub verdict: String,
    pub sources: Vec<String>,
    /// The claim as it appeared: a screenshot of the post, the photo
    /// under review.
    pub image: Rare<Figure>,
    /// Index in the briefing's `claims` list, for locating diagnostics.
    pub index: usize,
}

impl Claim {
    const TEXT: usize = 0;
    const EXPLANATION_TEXT: usize = 1;
    const EXPLANATION_HTML: usize = 2;
    const APPEARANCE: usize = 3;

    /// The texts of a claim whose explanation renders as `html` and reads
    /// as `plain`. The HTML is held only when it is not `plain` escaped in
    /// one paragraph, as most explanations are: made again for the claim's
    /// one card, for at 10,000 briefings those copies were some 19 MB held
    /// through the build.
    pub fn texts(text: &str, html: &str, plain: &str, appearance: Option<&str>) -> Joined<4> {
        let html = (paragraph_of(plain) != html).then_some(html);
        Joined::new([Some(text), Some(plain), html, appearance])
    }

    /// The claim as made.
    pub fn text(&self) -> &str {
        self.texts.part(Self::TEXT).unwrap_or_default()
    }

    /// Where it was made: the post, the video, the transcript.
    pub fn appearance(&self) -> Option<&str> {
        self.texts.part(Self::APPEARANCE)
    }

    pub fn explanation(&self) -> Explanation<'_> {
        Explanation {
            text: self.texts.part(Self::EXPLANATION_TEXT).unwrap_or_default(),
            html: self.texts.part(Self::EXPLANATION_HTML),
        }
    }
}

/// A claim's explanation: as HTML for its card, and as plain text for
/// share cards, meta descriptions and the data files.
#[derive(Clone, Copy, Debug)]
pub struct Explanation<'a> {
    text: &'a str,
    /// `None` when the HTML is the text escaped in one paragraph.
    html: Option<&'a str>,
}

impl<'a> Explanation<'a> {
    /// The explanation as plain text, on one line.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// Whether it holds its HTML rather than making it from the text.
    #[cfg(test)]
    pub fn holds_html(&self) -> bool {
        self.html.is_some()
    }

    /// The explanation as HTML.
    pub fn html(&self) -> std::borrow::Cow<'a, str> {
        match self.html {
            Some(html) => std::borrow::Cow::Borrowed(html),
            None => std::borrow::Cow::Owned(paragraph_of(self.text)),
        }
    }
}

/// `text` escaped in one paragraph, as Markdown of plain words renders.
fn paragraph_of(text: &str) -> String {
    let mut html = String::with_capacity(text.len() + 8);
    html.push_str("<p>");
    // Writing to a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html_body_text(&mut html, text);
    html.push_str("</p>\n");
    html
}

#[derive(Clone, Debug)]
pub struct Correction {
    pub date: NaiveDate,
    pub text_html: String,
}

/// A Markdown document's rendered body and what validation needs of it.
#[derive(Clone, Debug, Default)]
pub struct Body {
    pub html: BodyHtml,
    pub links: Vec<Link>,
    pub heading_ids: Vec<String>,
    /// Published paths of the site's own files (bundle and static) the
    /// text shows or links to: what must be published for it.
    pub media: Vec<String>,
}

impl Body {
    /// Lets go of what only the checks read (the links and heading ids),
    /// once the checks are done and no rebuild will check again.
    pub fn release_checked(&mut self) {
        self.links = Vec::new();
        self.heading_ids = Vec::new();
    }
}

/// Where a body's HTML is until its page is made.
#[derive(Clone, Debug)]
pub enum BodyHtml {
    /// Rendered when the file was parsed, and packed: what a session that
    /// rebuilds keeps, so a save renders only the body that changed.
    Packed(PackedHtml),
    /// Not held at all: a build with no rebuild to follow (`brief build`)
    /// checks the body as it parses the file, and renders it from the file
    /// again when its page is made (see `parse::body_again`). Packed, the
    /// bodies of 10,000 briefings were some 54 MB held through the build.
    /// `text` is the fingerprint of the file's path and text as parsed, to
    /// tell that it is still the same file.
    InFile { text: u64 },
}

impl BodyHtml {
    /// The HTML when it is held (`None` when it is left in the file).
    pub fn unpack(&self) -> Option<String> {
        match self {
            BodyHtml::Packed(packed) => Some(packed.unpack()),
            BodyHtml::InFile { .. } => None,
        }
    }
}

impl Default for BodyHtml {
    fn default() -> BodyHtml {
        BodyHtml::Packed(PackedHtml::default())
    }
}

/// Rendered HTML kept LZ4-compressed. A body is printed once, on its own
/// page, but every body in the archive waits in memory for the render;
/// highlighted code makes them about 20 KB each, and packed they take a
/// fraction of that.
#[derive(Clone, Debug, Default)]
pub struct PackedHtml(Box<[u8]>);

impl PackedHtml {
    pub fn pack(html: &str) -> PackedHtml {
        PackedHtml(lz4_flex::compress_prepend_size(html.as_bytes()).into_boxed_slice())
    }

    pub fn unpack(&self) -> String {
        if self.0.is_empty() {
            return String::new();
        }
        let bytes = lz4_flex::decompress_size_prepended(&self.0)
            .expect("PackedHtml holds only what pack compressed");
        String::from_utf8(bytes).expect("PackedHtml holds only what pack compressed")
    }
}

#[derive(Clone, Debug, Default)]
pub struct Briefing {
    pub slug: String,
    pub file: PathBuf,
    /// Path under `content/`, as `@/` links name it: `briefings/x.md`.
    pub content_path: String,
    pub title: String,
    pub date: NaiveDate,
    pub updated: Option<NaiveDate>,
    pub summary: String,
    pub event: Option<String>,
    pub authors: Vec<String>,
    pub tags: Vec<String>,
    pub draft: bool,
    /// The lead image: shown at the top, and the picture a share shows.
    pub image: Option<Figure>,
    pub body: Body,
    pub claims: Vec<Claim>,
    pub speakers: ById<Speaker>,
    pub sources: ById<Source>,
    pub corrections: Vec<Correction>,
    /// Fields whose YAML was broken and left out (already reported), so
    /// references into them are not reported again as unknown.
    pub broken_fields: Vec<String>,
}

impl Briefing {
    /// When the briefing last changed after it was published: the later of
    /// `updated` and its corrections' dates, if after `date`.
    pub fn modified(&self) -> Option<NaiveDate> {
        self.corrections
            .iter()
            .map(|c| c.date)
            .chain(self.updated)
            .max()
            .filter(|d| *d > self.date)
    }

    /// When the briefing last changed, or was published if never since.
    pub fn last_changed(&self) -> NaiveDate {
        self.modified().unwrap_or(self.date)
    }

    /// Whether `field` (such as `speakers`) or an entry under it was left
    /// out for a YAML problem.
    pub fn is_broken(&self, field: &str) -> bool {
        self.broken_fields.iter().any(|f| {
            f == field
                || f.strip_prefix(field)
                    .is_some_and(|rest| rest.starts_with(['.', '[']))
        })
    }
}

/// An entry found by its id: a speaker or a source.
pub trait HasId {
    fn id(&self) -> &str;
}

impl HasId for Speaker {
    fn id(&self) -> &str {
        &self.id
    }
}

impl HasId for Source {
    fn id(&self) -> &str {
        &self.id
    }
}

/// A briefing's own speakers or sources, in the order written, found by
/// id. A briefing defines a few dozen at most, so a lookup reads down the
/// list: in a hash map each entry held its id a second time, as its key,
/// and a slot of the map's table beside it, some 15 MB at 10,000
/// briefings held through the build.
#[derive(Clone, Debug)]
pub struct ById<T>(Vec<T>);

impl<T> Default for ById<T> {
    fn default() -> ById<T> {
        ById(Vec::new())
    }
}

impl<T: HasId> ById<T> {
    /// The entries of `map`, whose keys are their ids, in its order.
    pub fn of(map: IndexMap<String, T>) -> ById<T> {
        // Into a list of their own size: collected, they would stay in the
        // map's list, of its larger entries and the room it grew into.
        let mut entries = Vec::with_capacity(map.len());
        entries.extend(map.into_values());
        ById(entries)
    }

    pub fn get(&self, id: &str) -> Option<&T> {
        self.0.iter().find(|entry| entry.id() == id)
    }

    /// The entry with its place in the list and its id.
    pub fn get_full(&self, id: &str) -> Option<(usize, &str, &T)> {
        let i = self.0.iter().position(|entry| entry.id() == id)?;
        Some((i, self.0[i].id(), &self.0[i]))
    }

    pub fn contains_key(&self, id: &str) -> bool {
        self.get(id).is_some()
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(HasId::id)
    }

    pub fn values(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }

    /// Each entry with its id, in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&str, &T)> + ExactSizeIterator {
        self.into_iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T: HasId> std::ops::Index<&str> for ById<T> {
    type Output = T;

    /// The entry `id`, which must be there.
    fn index(&self, id: &str) -> &T {
        self.get(id)
            .unwrap_or_else(|| panic!("no entry with the id `{id}`"))
    }
}

impl<T> std::ops::Index<usize> for ById<T> {
    type Output = T;

    fn index(&self, i: usize) -> &T {
        &self.0[i]
    }
}

impl<'a, T: HasId> IntoIterator for &'a ById<T> {
    type Item = (&'a str, &'a T);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, T>, fn(&'a T) -> (&'a str, &'a T)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|entry| (entry.id(), entry))
    }
}

/// A plain page such as `about` or `methodology`.
#[derive(Clone, Debug)]
pub struct Page {
    pub slug: String,
    pub file: PathBuf,
    pub content_path: String,
    pub title: String,
    pub description: Option<String>,
    pub draft: bool,
    pub image: Option<Figure>,
    pub body: Body,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_html_gives_back_the_same_text_in_less_room() {
        let html = "<pre><span class=\"hl-source hl-json\">{ «é» }</span></pre>\n".repeat(200);
        let packed = PackedHtml::pack(&html);
        assert_eq!(packed.unpack(), html);
        assert!(packed.0.len() < html.len() / 4, "{} bytes", packed.0.len());
        assert_eq!(PackedHtml::pack("").unpack(), "");
        assert_eq!(PackedHtml::default().unpack(), "");
    }

    #[test]
    fn a_sources_texts_read_back_as_given_each_in_its_place() {
        let texts = SourceTexts::new([
            Some("Tally «é»"),
            None,
            Some(""),
            Some("https://a.example/x"),
            Some("It rose."),
        ]);
        let source = Source {
            id: "s".into(),
            texts,
            withheld: None,
            date: None,
            accessed: None,
            file: None.into(),
            origin: Origin {
                file: Path::new("content/briefings/x.md").into(),
                under: "sources",
            },
            hash: 0,
        };
        assert_eq!(source.title(), "Tally «é»");
        // Not given is not the same as given empty.
        assert_eq!(source.publisher(), None);
        assert_eq!(source.url(), Some(""));
        assert_eq!(source.archived(), Some("https://a.example/x"));
        assert_eq!(source.excerpt(), Some("It rose."));
        let bare = SourceTexts::new([Some(""), None, None, None, None]);
        assert_eq!(bare.part(Source::TITLE), Some(""));
        for i in 1..5 {
            assert_eq!(bare.part(i), None);
        }
        // Hashed as the separate texts were, so a fingerprint made from
        // them is unchanged.
        let sealed = source.sealed();
        let texts: (Arc<str>, Option<Arc<str>>, Option<Arc<str>>) =
            ("Tally «é»".into(), None, Some("".into()));
        let archived: Option<Arc<str>> = Some("https://a.example/x".into());
        let excerpt: Option<Arc<str>> = Some("It rose.".into());
        let as_before = crate::fingerprint::of(&(
            &texts.0,
            &texts.1,
            &texts.2,
            &None::<String>,
            None::<NaiveDate>,
            None::<NaiveDate>,
            &archived,
            &excerpt,
            &Rare::<Attachment>::default(),
        ));
        assert_eq!(sealed.hash, as_before);
    }

    #[test]
    fn a_claims_texts_read_back_with_the_explanations_html_held_only_when_it_differs() {
        let plain = Claim {
            texts: Claim::texts(
                "It doubled.",
                "<p>It rose &amp; fell.</p>\n",
                "It rose & fell.",
                None,
            ),
            ..Claim::default()
        };
        assert_eq!(plain.text(), "It doubled.");
        assert_eq!(plain.appearance(), None);
        assert!(!plain.explanation().holds_html());
        assert_eq!(plain.explanation().text(), "It rose & fell.");
        assert_eq!(plain.explanation().html(), "<p>It rose &amp; fell.</p>\n");
        let linked = Claim {
            texts: Claim::texts(
                "",
                "<p>See <a href=\"/x\">this</a>.</p>\n",
                "See this.",
                Some("https://video.example/1"),
            ),
            ..Claim::default()
        };
        assert_eq!(linked.text(), "");
        assert_eq!(linked.appearance(), Some("https://video.example/1"));
        assert!(linked.explanation().holds_html());
        assert_eq!(
            linked.explanation().html(),
            "<p>See <a href=\"/x\">this</a>.</p>\n"
        );
        assert_eq!(linked.explanation().text(), "See this.");
    }

    #[test]
    fn a_rare_field_reads_and_hashes_as_the_option_it_holds() {
        let file = Attachment {
            written: "report.pdf".into(),
            url: "/briefings/x/report.pdf".into(),
            published: "briefings/x/report.pdf".into(),
            mime: "application/pdf".into(),
            bytes: 1200,
        };
        let held = Rare::new(Some(file.clone()));
        assert_eq!(held.as_ref(), Some(&file));
        assert_eq!(
            crate::fingerprint::of(&held),
            crate::fingerprint::of(&Some(file))
        );
        let unset: Rare<Attachment> = None.into();
        assert!(unset.is_none());
        assert_eq!(unset, Rare::default());
        assert_eq!(
            crate::fingerprint::of(&unset),
            crate::fingerprint::of(&None::<Attachment>)
        );
        // Left out, it costs a pointer, not the value's room.
        assert_eq!(
            std::mem::size_of::<Rare<Figure>>(),
            std::mem::size_of::<usize>()
        );
    }

    #[test]
    fn entries_by_id_keep_their_order_and_are_found_by_id() {
        let speaker = |id: &str, name: &str| Speaker {
            id: id.into(),
            name: name.into(),
            role: None,
            affiliation: None,
            image: Rare::default(),
            origin: Origin {
                file: Arc::from(Path::new("content/briefings/x.md")),
                under: "speakers",
            },
        };
        let mut map = IndexMap::new();
        for (id, name) in [
            ("kim", "Kim Song"),
            ("ana", "Ana Ruiz"),
            ("lee", "Lee Park"),
        ] {
            map.insert(id.to_owned(), speaker(id, name));
        }
        let speakers = ById::of(map);
        assert_eq!(speakers.keys().collect::<Vec<_>>(), ["kim", "ana", "lee"]);
        assert_eq!(
            speakers.get("ana").map(|s| s.name.as_str()),
            Some("Ana Ruiz")
        );
        assert_eq!(speakers["lee"].name, "Lee Park");
        assert!(speakers.get("Ana").is_none() && !speakers.contains_key("bo"));
        let (i, id, found) = speakers.get_full("lee").unwrap();
        assert_eq!((i, id, found.name.as_str()), (2, "lee", "Lee Park"));
        assert_eq!(speakers[1].id, "ana");
        let names: Vec<&str> = (&speakers).into_iter().map(|(_, s)| &*s.name).collect();
        assert_eq!(names, ["Kim Song", "Ana Ruiz", "Lee Park"]);
        assert_eq!(speakers.iter().next_back().map(|(id, _)| id), Some("lee"));
        assert_eq!(speakers.len(), 3);
    }
}
