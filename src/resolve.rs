//! Ties parsed files into one site: who said what, which claims cite which
//! source, which briefings carry which tag.
//!
//! Lookups here are lenient: a claim naming an unknown speaker is simply left
//! out of that speaker's index, and `validate` reports it. That keeps one
//! broken reference from hiding every other problem in the site.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

// The indexes are rebuilt on every save in `serve`; a fast hasher matters
// more here than resistance to crafted keys.
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use indexmap::IndexMap;

use crate::config::SiteConfig;
use crate::diagnostic::Position;
use crate::model::{Author, Briefing, Claim, Origin, Page, Source, Speaker};
use crate::parse::yaml::Spans;

/// What a build knows of a briefing's file besides the briefing itself.
#[derive(Clone, Debug)]
pub struct BriefingFile {
    /// Fingerprint of the file's path and text: equal file, equal briefing.
    pub hash: u64,
    /// Where each front matter field is written, to locate problems in.
    pub positions: Arc<Spans>,
}

/// A claim's address in the site: which briefing, which claim in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClaimRef {
    pub briefing: usize,
    pub claim: usize,
}

/// Briefings sharing a tag, under the tag's first spelling.
#[derive(Clone, Debug)]
pub struct TagEntry {
    pub name: String,
    pub briefings: Vec<usize>,
}

/// Where a source is defined: site-wide or in one briefing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SourceKey {
    /// Index in `content/sources.yaml`.
    Site(usize),
    /// Briefing index, and index in that briefing's `sources:`.
    Briefing(usize, usize),
}

/// One entry of `/sources/`: a document, however many briefings cite it.
#[derive(Clone, Debug)]
pub struct CitedSource {
    pub key: SourceKey,
    pub anchor: Arc<str>,
    pub cited_by: Vec<ClaimRef>,
}

/// The whole site, cross-referenced.
#[derive(Debug)]
pub struct Site {
    pub config: SiteConfig,
    /// Newest first; ties broken by slug so the order never wavers.
    pub briefings: Vec<Arc<Briefing>>,
    /// Each briefing's file, in the same order.
    pub briefing_files: Vec<BriefingFile>,
    /// Sorted by slug.
    pub pages: Vec<Arc<Page>>,
    /// Fingerprint of each page's path and text, in the same order.
    pub page_hashes: Vec<u64>,
    /// From `content/speakers.yaml`.
    pub site_speakers: IndexMap<String, Speaker>,
    /// From `content/sources.yaml`.
    /// Shared with the source views that show them.
    pub site_sources: Arc<IndexMap<String, Source>>,
    /// From `content/authors.yaml`, in its order; `None` when the site has
    /// no such file, and bylines are names as written.
    pub authors: Option<IndexMap<String, Author>>,
    /// Each author's briefings, newest first, by author id.
    pub briefings_by_author: HashMap<String, Vec<usize>>,
    /// Where each field of `content/speakers.yaml` and
    /// `content/sources.yaml` is written, by file.
    pub site_file_positions: HashMap<PathBuf, Arc<Spans>>,
    /// Every speaker with a page: site-wide ones, then those first defined in
    /// a briefing, sorted by name.
    pub speakers: IndexMap<String, Speaker>,
    pub claims_by_speaker: HashMap<String, Vec<ClaimRef>>,
    pub claims_by_verdict: HashMap<String, Vec<ClaimRef>>,
    /// By tag slug.
    pub tags: BTreeMap<String, TagEntry>,
    /// Sorted by title.
    pub sources: Vec<CitedSource>,
    /// Which `/sources/` entry a (briefing, source id) pair lands in.
    pub source_entry: HashMap<SourceKey, usize>,
    /// Briefings and pages by their path under `content/`, as `@/` links
    /// name them.
    by_content_path: HashMap<String, Target>,
    /// Content files (as `@/` links name them) that exist but could not be
    /// read; links to them are not reported again as broken.
    pub unparsed: std::collections::HashSet<String>,
    /// On a site in several languages, what each other language has, for
    /// `brief check`'s summary.
    pub translated: Vec<LanguageCount>,
    /// Where the site's files are, for the bodies a build reads again as
    /// their pages are made (see [`crate::model::BodyHtml::InFile`]).
    pub folder: Option<SiteFolder>,
}

/// The site's folder and the media files in it.
#[derive(Clone, Debug)]
pub struct SiteFolder {
    pub root: Arc<Path>,
    pub catalog: Arc<crate::media::Catalog>,
}

/// The briefings, claims and pages of one of a site's other languages.
#[derive(Debug, Clone)]
pub struct LanguageCount {
    pub language: String,
    pub briefings: usize,
    pub claims: usize,
    pub pages: usize,
}

#[derive(Debug, Clone, Copy)]
enum Target {
    Briefing(usize),
    Page(usize),
}

impl Site {
    /// Where `field` (such as `claims[2].sources[0]`) is written in the
    /// front matter of briefing `b`.
    pub fn locate(&self, b: usize, field: &str) -> Position {
        self.briefing_files[b].positions.locate(field)
    }

    /// Where the entry `id` that `origin` places (a speaker, a source) is
    /// written.
    pub fn position(&self, origin: &Origin, id: &str) -> Position {
        self.positions(&origin.file)
            .map_or_else(Position::start, |spans| spans.locate(&origin.field(id)))
    }

    /// Where a field of the entry `id` that `origin` places, such as its
    /// `name`, is written.
    pub fn position_of(&self, origin: &Origin, id: &str, sub: &str) -> Position {
        let field = origin.field_of(id, sub);
        self.positions(&origin.file)
            .map_or_else(Position::start, |spans| spans.locate(&field))
    }

    /// The position index of a site-wide file or a briefing's front matter.
    fn positions(&self, file: &Path) -> Option<&Spans> {
        if let Some(spans) = self.site_file_positions.get(file) {
            return Some(spans);
        }
        match self
            .by_content_path
            .get(&crate::parse::content_path(file))?
        {
            Target::Briefing(b) => Some(&self.briefing_files[*b].positions),
            Target::Page(_) => None,
        }
    }

    /// The briefing an `@/briefings/...` link names.
    pub fn briefing_at(&self, content_path: &str) -> Option<&Briefing> {
        match self.by_content_path.get(content_path)? {
            Target::Briefing(b) => Some(&self.briefings[*b]),
            Target::Page(_) => None,
        }
    }

    /// The page an `@/pages/...` link names.
    pub fn page_at(&self, content_path: &str) -> Option<&Page> {
        match self.by_content_path.get(content_path)? {
            Target::Page(p) => Some(&self.pages[*p]),
            Target::Briefing(_) => None,
        }
    }

    pub fn claim(&self, r: ClaimRef) -> &Claim {
        &self.briefings[r.briefing].claims[r.claim]
    }

    /// The speaker a claim in briefing `b` means by `id`.
    pub fn speaker_for(&self, b: usize, id: &str) -> Option<&Speaker> {
        self.briefings[b]
            .speakers
            .get(id)
            .or_else(|| self.site_speakers.get(id))
    }

    /// The source a claim in briefing `b` means by `id`, and where it lives.
    pub fn source_for(&self, b: usize, id: &str) -> Option<(SourceKey, &Source)> {
        if let Some((i, _, source)) = self.briefings[b].sources.get_full(id) {
            return Some((SourceKey::Briefing(b, i), source));
        }
        self.site_sources
            .get_full(id)
            .map(|(i, _, s)| (SourceKey::Site(i), s))
    }

    pub fn source(&self, key: &SourceKey) -> &Source {
        match *key {
            SourceKey::Site(i) => &self.site_sources[i],
            SourceKey::Briefing(b, i) => &self.briefings[b].sources[i],
        }
    }

    /// The `/sources/` anchor of a source, if any claim cites it, with the
    /// list page it is on (0 for the first).
    pub fn source_place(&self, key: &SourceKey) -> Option<(&Arc<str>, usize)> {
        self.source_entry
            .get(key)
            .map(|&i| (&self.sources[i].anchor, i / self.config.paginate))
    }

    pub fn tag_slug(name: &str) -> String {
        let plain = name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if plain && !name.starts_with('-') && !name.ends_with('-') && !name.contains("--") {
            name.to_owned()
        } else {
            slug::slugify(name)
        }
    }
}

/// The site with the indexes of `previous`, for briefings and pages whose
/// index keys (see `session::keys`) are all as they were: only their
/// texts changed, so every index still holds.
pub(crate) fn reuse(
    mut previous: Site,
    config: SiteConfig,
    briefings: Vec<(Arc<Briefing>, BriefingFile)>,
    pages: Vec<(Arc<Page>, u64)>,
    verdicts_changed: bool,
) -> Site {
    previous.config = config;
    (previous.briefings, previous.briefing_files) = sorted_briefings(briefings);
    (previous.pages, previous.page_hashes) = sorted_pages(pages);
    if verdicts_changed {
        previous.claims_by_verdict = claims_by_verdict(&previous.briefings);
    }
    previous
}

/// Which claims received each verdict, newest briefing first.
fn claims_by_verdict(briefings: &[Arc<Briefing>]) -> HashMap<String, Vec<ClaimRef>> {
    let mut by_verdict: HashMap<String, Vec<ClaimRef>> = HashMap::default();
    for (b, briefing) in briefings.iter().enumerate() {
        for (c, claim) in briefing.claims.iter().enumerate() {
            let r = ClaimRef {
                briefing: b,
                claim: c,
            };
            match by_verdict.get_mut(claim.verdict.as_str()) {
                Some(refs) => refs.push(r),
                None => {
                    by_verdict.insert(claim.verdict.clone(), vec![r]);
                }
            }
        }
    }
    for claims in by_verdict.values_mut() {
        claims.shrink_to_fit();
    }
    by_verdict
}

/// Newest first; ties broken by slug so the order never wavers.
fn sorted_briefings(
    mut briefings: Vec<(Arc<Briefing>, BriefingFile)>,
) -> (Vec<Arc<Briefing>>, Vec<BriefingFile>) {
    briefings.sort_by(|(a, _), (b, _)| b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug)));
    briefings.into_iter().unzip()
}

fn sorted_pages(mut pages: Vec<(Arc<Page>, u64)>) -> (Vec<Arc<Page>>, Vec<u64>) {
    pages.sort_by(|(a, _), (b, _)| a.slug.cmp(&b.slug));
    pages.into_iter().unzip()
}

/// Builds the site model and its indexes.
pub(crate) fn resolve(
    config: SiteConfig,
    briefings: Vec<(Arc<Briefing>, BriefingFile)>,
    pages: Vec<(Arc<Page>, u64)>,
    site_speakers: IndexMap<String, Speaker>,
    site_sources: IndexMap<String, Source>,
    authors: Option<IndexMap<String, Author>>,
    site_file_positions: HashMap<PathBuf, Arc<Spans>>,
) -> Site {
    let (briefings, briefing_files) = sorted_briefings(briefings);
    let (pages, page_hashes) = sorted_pages(pages);

    // A speaker's page shows the site-wide definition, or else the fullest
    // one any briefing gives (the newest among equals).
    let mut speakers = site_speakers.clone();
    for briefing in &briefings {
        for (id, speaker) in &briefing.speakers {
            if site_speakers.contains_key(id) {
                continue;
            }
            match speakers.get_mut(id) {
                Some(known) if speaker_detail(speaker) > speaker_detail(known) => {
                    *known = speaker.clone()
                }
                Some(_) => {}
                None => {
                    speakers.insert(id.to_owned(), speaker.clone());
                }
            }
        }
    }
    speakers.sort_by(|_, a, _, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));

    let mut site = Site {
        config,
        briefings,
        briefing_files,
        pages,
        page_hashes,
        site_speakers,
        site_sources: Arc::new(site_sources),
        authors,
        briefings_by_author: HashMap::default(),
        site_file_positions,
        speakers,
        claims_by_speaker: HashMap::default(),
        claims_by_verdict: HashMap::default(),
        tags: BTreeMap::new(),
        sources: Vec::new(),
        source_entry: HashMap::default(),
        unparsed: Default::default(),
        translated: Vec::new(),
        by_content_path: HashMap::default(),
        folder: None,
    };
    index(&mut site);
    site.by_content_path = site
        .briefings
        .iter()
        .enumerate()
        .map(|(b, briefing)| (briefing.content_path.as_str(), Target::Briefing(b)))
        .chain(
            site.pages
                .iter()
                .enumerate()
                .map(|(p, page)| (page.content_path.as_str(), Target::Page(p))),
        )
        // A translation is found by its own path and by its original's,
        // which is how its links name its siblings in the same language.
        .flat_map(|(path, target)| {
            let original = crate::i18n::untranslated(path);
            let original = (original != path).then(|| (original.into_owned(), target));
            std::iter::once((path.to_owned(), target)).chain(original)
        })
        .collect();
    site
}

fn index(site: &mut Site) {
    let mut sources = SourceIndex::default();
    let mut claims_by_speaker: HashMap<String, Vec<ClaimRef>> = HashMap::default();
    let mut tags: BTreeMap<String, TagEntry> = BTreeMap::new();
    // Looks up by `&str` and allocates the key only the first time.
    fn push(map: &mut HashMap<String, Vec<ClaimRef>>, key: &str, r: ClaimRef) {
        match map.get_mut(key) {
            Some(refs) => refs.push(r),
            None => {
                map.insert(key.to_owned(), vec![r]);
            }
        }
    }

    let mut by_author: HashMap<String, Vec<usize>> = HashMap::default();
    let read: &Site = site;
    for (b, briefing) in read.briefings.iter().enumerate() {
        if let Some(authors) = &read.authors {
            for id in &briefing.authors {
                if authors.contains_key(id) {
                    let list = by_author.entry(id.clone()).or_default();
                    if list.last() != Some(&b) {
                        list.push(b);
                    }
                }
            }
        }
        for tag in &briefing.tags {
            let entry = tags.entry(Site::tag_slug(tag)).or_insert_with(|| TagEntry {
                name: tag.clone(),
                briefings: Vec::new(),
            });
            if entry.briefings.last() != Some(&b) {
                entry.briefings.push(b);
            }
        }
        for (c, claim) in briefing.claims.iter().enumerate() {
            let r = ClaimRef {
                briefing: b,
                claim: c,
            };
            if read.speaker_for(b, &claim.speaker).is_some() {
                push(&mut claims_by_speaker, &claim.speaker, r);
            }
            for id in &claim.sources {
                if let Some((key, source)) = read.source_for(b, id) {
                    sources.cite(read, id, key, source, r);
                }
            }
        }
    }
    (site.sources, site.source_entry) = sources.sorted(read);
    // Grown a claim at a time, these lists kept up to twice their room
    // (most sources' lists of citing claims room for four): some 7 MB at
    // 10,000 briefings, held through a build.
    for source in &mut site.sources {
        source.cited_by.shrink_to_fit();
    }
    for claims in claims_by_speaker.values_mut() {
        claims.shrink_to_fit();
    }
    site.claims_by_speaker = claims_by_speaker;
    site.briefings_by_author = by_author;
    site.claims_by_verdict = claims_by_verdict(&site.briefings);
    site.tags = tags;
}

/// The entries of `/sources/` as claims cite them.
#[derive(Default)]
struct SourceIndex<'s> {
    sources: Vec<CitedSource>,
    /// Which entry each definition landed in.
    entry: HashMap<SourceKey, usize>,
    /// Documents are the same source when they share an address; a
    /// withheld source is only ever itself.
    by_url: HashMap<&'s str, usize>,
    anchors: HashMap<String, usize>,
}

impl<'s> SourceIndex<'s> {
    /// Records that the claim `r` cites the source `id`, defined at `key`.
    fn cite(&mut self, site: &Site, id: &str, key: SourceKey, source: &'s Source, r: ClaimRef) {
        let entry = match self.entry.get(&key) {
            Some(&entry) => entry,
            None => {
                let entry = self.entry_for(site, id, key, source);
                self.entry.insert(key, entry);
                entry
            }
        };
        if self.sources[entry].cited_by.last() != Some(&r) {
            self.sources[entry].cited_by.push(r);
        }
    }

    /// The entry a definition not seen before lands in: that of the same
    /// document, or a new one.
    fn entry_for(&mut self, site: &Site, id: &str, key: SourceKey, source: &'s Source) -> usize {
        if let Some(&i) = source.url().and_then(|u| self.by_url.get(u)) {
            // One document defined in several places: show the site-wide
            // definition, or else the fullest.
            let shown = site.source(&self.sources[i].key);
            let better = match (key, self.sources[i].key) {
                (_, SourceKey::Site(_)) => false,
                (SourceKey::Site(_), _) => true,
                _ => source_detail(source) > source_detail(shown),
            };
            if better {
                self.sources[i].key = key;
            }
            return i;
        }
        let anchor = unique_anchor(&anchor_for(id), &mut self.anchors);
        self.sources.push(CitedSource {
            key,
            anchor: anchor.into(),
            cited_by: Vec::new(),
        });
        if let Some(url) = source.url() {
            self.by_url.insert(url, self.sources.len() - 1);
        }
        self.sources.len() - 1
    }

    /// The entries sorted for the page, with the lookup renumbered to match.
    fn sorted(self, site: &Site) -> (Vec<CitedSource>, HashMap<SourceKey, usize>) {
        let sources = self.sources;
        let mut order: Vec<usize> = (0..sources.len()).collect();
        // By title in lower case, each made once for the sort: kept in
        // every source, they were some 10 MB held through a 10,000-briefing
        // build for this one sort.
        order.sort_by_cached_key(|&i| {
            let title = site.source(&sources[i].key).title().to_lowercase();
            (title, sources[i].anchor.clone())
        });
        let mut new_position = vec![0; sources.len()];
        for (new, &old) in order.iter().enumerate() {
            new_position[old] = new;
        }
        let mut sorted: Vec<Option<CitedSource>> = sources.into_iter().map(Some).collect();
        let sources = order
            .iter()
            .map(|&old| sorted[old].take().expect("each index once"))
            .collect();
        let entry = self
            .entry
            .into_iter()
            .map(|(k, i)| (k, new_position[i]))
            .collect();
        (sources, entry)
    }
}

/// `source-<id>`, slugified only when the id is not already plain.
fn anchor_for(id: &str) -> String {
    let plain = id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if plain && !id.is_empty() {
        format!("source-{id}")
    } else {
        format!("source-{}", slug::slugify(id))
    }
}

fn speaker_detail(speaker: &Speaker) -> usize {
    usize::from(speaker.role.is_some()) + usize::from(speaker.affiliation.is_some())
}

fn source_detail(source: &Source) -> usize {
    [
        source.publisher().is_some(),
        source.date.is_some(),
        source.accessed.is_some(),
        source.archived().is_some(),
        source.excerpt().is_some(),
    ]
    .iter()
    .filter(|&&present| present)
    .count()
}

fn unique_anchor(wanted: &str, used: &mut HashMap<String, usize>) -> String {
    let count = used.entry(wanted.to_owned()).or_insert(0);
    *count += 1;
    if *count == 1 {
        wanted.to_owned()
    } else {
        format!("{wanted}-{count}")
    }
}
