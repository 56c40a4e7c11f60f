//! Pages from the site model, through Tera templates, in parallel, redoing
//! only what changed.
//!
//! A build plans every page of the site with a fingerprint of what it shows
//! (see [`views`]); a page is rendered only when its fingerprint differs from
//! the one remembered in the [`Cache`] from the last build. A fresh cache
//! renders everything, so a one-off build and a rebuild in `serve` run the
//! same code and write the same bytes.

pub mod claim_review;
pub mod search;
pub mod syndication;
pub mod templates;
pub mod views;

use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;
use tera::Context;

use crate::diagnostic::Diagnostic;
use crate::resolve::{ClaimRef, Site};
use crate::BuildMode;
pub use templates::{templates, Templates};
use views::{
    BriefingSummary, BriefingViews, ClaimView, CorrectionView, MetaView, Shared, SourceView,
    SpeakerRef, TagCount, TallyView, VerdictCount,
};

/// One file of the built site: its path under the output folder and bytes.
pub type OutputFile = (PathBuf, Vec<u8>);

#[derive(Serialize)]
struct BriefingView<'a> {
    #[serde(flatten)]
    summary: &'a BriefingSummary,
    event: Option<&'a str>,
    authors: &'a [String],
    body: String,
    claims: &'a [ClaimView],
    speakers: Vec<&'a SpeakerRef>,
    sources: Vec<&'a SourceView>,
    corrections: Vec<CorrectionView>,
    draft: bool,
    /// schema.org ClaimReview data, safe to print inside a script element.
    json_ld: String,
}

#[derive(Serialize)]
struct SpeakerSummary<'a> {
    #[serde(flatten)]
    speaker: &'a SpeakerRef,
    claim_count: usize,
    tally: TallyView,
}

#[derive(Serialize)]
struct SpeakerPage<'a> {
    #[serde(flatten)]
    speaker: &'a SpeakerRef,
    tally: TallyView,
    claims: Vec<&'a ClaimView>,
}

#[derive(Serialize)]
struct SourceEntry<'a> {
    #[serde(flatten)]
    source: SourceView,
    cited_by: Vec<&'a ClaimView>,
}

/// A correction on `/corrections/`, with the briefing it corrects.
#[derive(Serialize)]
struct CorrectionEntry<'a> {
    #[serde(flatten)]
    correction: CorrectionView,
    briefing: &'a BriefingSummary,
}

#[derive(Serialize)]
struct PageView<'a> {
    title: &'a str,
    description: Option<&'a str>,
    url: String,
    slug: &'a str,
    content: String,
}

/// What one page is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
///
/// The lists that can be long (the index, a speaker's claims, the sources,
/// a verdict's claims, a tag's briefings) come in pages of `paginate`
/// entries; their last field is the page, from 0.
enum Job<'a> {
    Index(usize),
    Briefing(usize),
    /// A claim's own page: briefing, claim, and the briefing's slug.
    Claim(usize, usize, &'a str),
    Speakers,
    Speaker(&'a str, usize),
    Sources(usize),
    Verdicts,
    Verdict(usize, usize),
    Tags,
    Tag(&'a str, usize),
    Page(usize),
    Corrections,
    NotFound,
    Search,
}

impl Job<'_> {
    /// The page of a paginated list, from 0.
    fn page(self) -> Option<usize> {
        match self {
            Job::Index(k)
            | Job::Speaker(_, k)
            | Job::Sources(k)
            | Job::Verdict(_, k)
            | Job::Tag(_, k) => Some(k),
            _ => None,
        }
    }

    fn template(self) -> &'static str {
        match self {
            Job::Index(_) => "index.html",
            Job::Briefing(_) => "briefing.html",
            Job::Claim(..) => "claim.html",
            Job::Speakers => "speakers.html",
            Job::Speaker(..) => "speaker.html",
            Job::Sources(_) => "sources.html",
            Job::Verdicts => "verdicts.html",
            Job::Verdict(..) => "verdict.html",
            Job::Tags => "tags.html",
            Job::Tag(..) => "tag.html",
            Job::Page(_) => "page.html",
            Job::Corrections => "corrections.html",
            Job::NotFound => "404.html",
            Job::Search => "search.html",
        }
    }
}

/// A page of the site: where it goes, its URL, and its fingerprint.
pub struct PlannedPage<'a> {
    job: Job<'a>,
    pub path: PathBuf,
    pub url: String,
    pub fingerprint: u64,
}

impl PlannedPage<'_> {
    /// The content file a page is made from, for briefings and plain pages.
    pub fn source<'s>(&self, site: &'s Site) -> Option<&'s std::path::Path> {
        match self.job {
            Job::Briefing(b) | Job::Claim(b, ..) => Some(&site.briefings[b].file),
            Job::Page(p) => Some(&site.pages[p].file),
            _ => None,
        }
    }

    /// Pages a writer is most likely looking at while editing: a briefing
    /// or a plain page. `serve` renders and announces these first.
    pub fn is_direct(&self) -> bool {
        matches!(self.job, Job::Briefing(_) | Job::Page(_))
    }
}

/// What the last build rendered: views per briefing and each page's
/// fingerprint, by output path.
#[derive(Default)]
pub struct Cache {
    /// Each briefing's views, with the briefing fingerprint and the shared
    /// views' key they were made from.
    briefings: FxHashMap<String, (u64, u64, Arc<BriefingViews>)>,
    pages: FxHashMap<PathBuf, u64>,
    /// The fingerprint of each briefing's claim pages, taken together, by
    /// the briefing's slug.
    claim_pages: FxHashMap<String, u64>,
    /// What each of the feed, sitemap and other data files was last made
    /// from, by file name.
    data: FxHashMap<&'static str, u64>,
    /// The shared views, by the key of the site they were made for.
    shared: Option<(u64, Arc<Shared>)>,
    search: search::Cache,
}

impl Cache {
    /// An empty cache for a build of this mode: a one-off build's lets go
    /// of what would only speed up a later rebuild as soon as it has served.
    pub fn new(mode: BuildMode) -> Cache {
        let mut cache = Cache::default();
        cache.search.mode = mode;
        cache
    }

    /// Whether a page was part of the last build (claim pages aside).
    pub fn has_page(&self, page: &PlannedPage) -> bool {
        self.pages.contains_key(&page.path)
    }

    /// Records that these pages are now on disk as planned.
    pub fn remember(&mut self, pages: &[&PlannedPage]) {
        for page in pages {
            match page.job {
                Job::Claim(_, _, slug) => {
                    self.claim_pages.insert(slug.to_owned(), page.fingerprint);
                }
                _ => {
                    self.pages.insert(page.path.clone(), page.fingerprint);
                }
            }
        }
    }

    /// Records that these data files are now on disk as made.
    pub fn remember_data(&mut self, made: syndication::Made) {
        self.data.extend(made);
    }

    /// Forgets pages that are no longer part of the site.
    pub fn retain(&mut self, keep: impl Fn(&PathBuf) -> bool) {
        self.pages.retain(|path, _| keep(path));
    }
}

/// Every page of the site, planned, with the views to render them.
pub struct Plan<'a> {
    site: &'a Site,
    shared: Arc<Shared>,
    briefings: Vec<Arc<BriefingViews>>,
    /// The pages planned so far: all but the claim pages, which are
    /// added by [`Plan::add_claim_pages`] or [`Plan::add_stale_claim_pages`].
    pub pages: Vec<PlannedPage<'a>>,
    /// For each briefing, the fingerprint shared by its claim pages. There
    /// are ten times as many claim pages as briefings, and a save changes
    /// one briefing's at most, so they are planned per briefing.
    claim_pages: Vec<u64>,
    claim_pages_added: bool,
    /// A fingerprint of every page's path: equal layouts, the same files.
    pub layout: u64,
}

/// Plans every page, reusing the views of briefings whose signature has not
/// changed.
///
/// `site_key` identifies what the site's indexes and settings were made
/// from (equal keys, equal indexes): the views shared by many pages are
/// kept while it stays the same, and so are the views of each briefing
/// whose own text did not change.
pub fn plan<'a>(
    site: &'a Site,
    templates: &Templates,
    cache: &mut Cache,
    site_key: u64,
) -> Plan<'a> {
    plan_pages(site, templates, cache, site_key, None)
}

/// Plans only the pages of the briefings `only` (by index), with the views
/// of every briefing as [`plan`] makes them: what a save needs first, so
/// the page being edited reloads before the whole site is planned (at
/// 10,000 briefings that takes longer than the page does).
pub fn plan_briefings<'a>(
    site: &'a Site,
    templates: &Templates,
    cache: &mut Cache,
    site_key: u64,
    only: &[usize],
) -> Plan<'a> {
    plan_pages(site, templates, cache, site_key, Some(only))
}

fn plan_pages<'a>(
    site: &'a Site,
    templates: &Templates,
    cache: &mut Cache,
    site_key: u64,
    only: Option<&[usize]>,
) -> Plan<'a> {
    let shared = match &cache.shared {
        Some((key, shared)) if *key == site_key => shared.clone(),
        _ => Arc::new(Shared::build(site)),
    };
    cache.shared = Some((site_key, shared.clone()));
    let briefings: Vec<Arc<BriefingViews>> = (0..site.briefings.len())
        .into_par_iter()
        .map(|b| {
            let briefing = &site.briefings[b];
            match cache.briefings.get(&briefing.slug) {
                Some((hash, key, views))
                    if *hash == site.briefing_files[b].hash && *key == site_key =>
                {
                    views.clone()
                }
                cached => {
                    let signature = views::signature(site, &shared, b);
                    match cached {
                        Some((_, _, views)) if views.signature == signature => views.clone(),
                        _ => Arc::new(views::briefing_views(site, &shared, b, signature)),
                    }
                }
            }
        })
        .collect();
    cache.briefings = site
        .briefings
        .iter()
        .zip(&site.briefing_files)
        .zip(&briefings)
        .map(|((b, file), v)| (b.slug.clone(), (file.hash, site_key, v.clone())))
        .collect();

    let claim_template = templates.fingerprint(Job::Claim(0, 0, "").template());
    let claim_pages: Vec<u64> = (0..site.briefings.len())
        .map(|b| {
            crate::fingerprint::of(&(
                shared.site_hash,
                claim_template,
                briefings[b].summary_hash,
                &briefings[b].claim_hashes,
                // Their share meta's modified time counts corrections too.
                site.briefings[b].modified(),
            ))
        })
        .collect();
    cache
        .claim_pages
        .retain(|slug, _| cache.briefings.contains_key(slug));

    let base = &site.config.base_path;
    // A page's fingerprint: the site's shared views, its template and what
    // `content` hashes of what it shows.
    let planned = |job: Job<'a>, path: String, url: String, content: &dyn Fn(&mut dyn Hasher)| {
        let mut hasher = crate::fingerprint::hasher();
        shared.site_hash.hash(&mut hasher);
        templates.fingerprint(job.template()).hash(&mut hasher);
        content(&mut hasher);
        PlannedPage {
            job,
            path: PathBuf::from(path),
            url,
            fingerprint: hasher.finish(),
        }
    };
    let briefing_page = |b: usize| {
        planned(
            Job::Briefing(b),
            format!("briefings/{}/index.html", site.briefings[b].slug),
            briefings[b].summary.url.clone(),
            &|h| briefings[b].signature.hash(&mut HasherRef(h)),
        )
    };
    if let Some(only) = only {
        let pages = only.iter().map(|&b| briefing_page(b)).collect();
        return Plan {
            site,
            shared,
            briefings,
            pages,
            claim_pages,
            claim_pages_added: false,
            layout: 0,
        };
    }
    let summaries: Vec<u64> = briefings.iter().map(|v| v.summary_hash).collect();
    let claim_hash = |r: &ClaimRef| briefings[r.briefing].claim_hashes[r.claim];
    let claim_refs = |refs: &[ClaimRef], h: &mut dyn Hasher| {
        for r in refs {
            claim_hash(r).hash(&mut HasherRef(h));
        }
    };
    let mut pages = Vec::new();

    let per_page = site.config.paginate;
    // Page `k` of a list shows these entries; its fingerprint covers them,
    // its number and how many pages there are (for its navigation).
    let slice = |len: usize, k: usize| views::page_range(len, k, per_page);
    // Every page of the index charts every claim, but shows some briefings:
    // the verdicts are hashed once, not once per page.
    let all_verdicts = crate::fingerprint::of(
        &site
            .briefings
            .iter()
            .flat_map(|b| b.claims.iter().map(|c| &c.verdict))
            .collect::<Vec<_>>(),
    );
    let count = views::page_count(summaries.len(), per_page);
    for k in 0..count {
        let shown = &summaries[slice(summaries.len(), k)];
        pages.push(planned(
            Job::Index(k),
            views::paged_path("", k),
            views::paged_url(base, k),
            &|h| (shown, k, count, all_verdicts).hash(&mut HasherRef(h)),
        ));
    }
    for b in 0..site.briefings.len() {
        pages.push(briefing_page(b));
    }
    pages.push(planned(
        Job::Speakers,
        "speakers/index.html".into(),
        format!("{base}speakers/"),
        &|h| {
            for id in site.speakers.keys() {
                shared.speakers[id].1.hash(&mut HasherRef(h));
                for r in site.claims_by_speaker.get(id).into_iter().flatten() {
                    site.claim(*r).verdict.hash(&mut HasherRef(h));
                }
            }
        },
    ));
    for id in site.speakers.keys() {
        let (speaker, hash) = &shared.speakers[id];
        let claims = site
            .claims_by_speaker
            .get(id)
            .map_or(&[][..], Vec::as_slice);
        let count = views::page_count(claims.len(), per_page);
        // The chart counts every claim; each page shows some.
        let verdicts = crate::fingerprint::of(
            &claims
                .iter()
                .map(|r| &site.claim(*r).verdict)
                .collect::<Vec<_>>(),
        );
        for k in 0..count {
            pages.push(planned(
                Job::Speaker(id, k),
                views::paged_path(&format!("speakers/{id}/"), k),
                views::paged_url(&speaker.url, k),
                &|h| {
                    (hash, k, count, verdicts).hash(&mut HasherRef(h));
                    claim_refs(&claims[slice(claims.len(), k)], h);
                },
            ));
        }
    }
    let sources_url = format!("{base}sources/");
    let count = views::page_count(site.sources.len(), per_page);
    for k in 0..count {
        pages.push(planned(
            Job::Sources(k),
            views::paged_path("sources/", k),
            views::paged_url(&sources_url, k),
            &|h| {
                (k, count).hash(&mut HasherRef(h));
                for cited in &site.sources[slice(site.sources.len(), k)] {
                    cited.anchor.hash(&mut HasherRef(h));
                    site.source(&cited.key).hash.hash(&mut HasherRef(h));
                    for r in &cited.cited_by {
                        claim_hash(r).hash(&mut HasherRef(h));
                    }
                }
            },
        ));
    }
    let verdict_count = |id: &str| site.claims_by_verdict.get(id).map_or(0, Vec::len);
    pages.push(planned(
        Job::Verdicts,
        "verdicts/index.html".into(),
        format!("{base}verdicts/"),
        &|h| {
            for v in &shared.site.verdicts {
                verdict_count(&v.id).hash(&mut HasherRef(h));
            }
        },
    ));
    for (i, verdict) in shared.site.verdicts.iter().enumerate() {
        let folder = format!("verdicts/{}/", slug::slugify(&verdict.id));
        let claims = site
            .claims_by_verdict
            .get(&verdict.id)
            .map_or(&[][..], Vec::as_slice);
        let count = views::page_count(claims.len(), per_page);
        for k in 0..count {
            pages.push(planned(
                Job::Verdict(i, k),
                views::paged_path(&folder, k),
                views::paged_url(&verdict.url, k),
                &|h| {
                    (shared.verdict_hashes[i], claims.len(), k, count).hash(&mut HasherRef(h));
                    claim_refs(&claims[slice(claims.len(), k)], h);
                },
            ));
        }
    }
    pages.push(planned(
        Job::Tags,
        "tags/index.html".into(),
        format!("{base}tags/"),
        &|h| {
            for (slug, entry) in &site.tags {
                (shared.tags[slug].1, entry.briefings.len()).hash(&mut HasherRef(h));
            }
        },
    ));
    for (slug, entry) in &site.tags {
        let (tag, hash) = &shared.tags[slug];
        let all = &entry.briefings;
        let count = views::page_count(all.len(), per_page);
        for k in 0..count {
            pages.push(planned(
                Job::Tag(slug, k),
                views::paged_path(&format!("tags/{slug}/"), k),
                views::paged_url(&tag.url, k),
                &|h| {
                    (hash, all.len(), k, count).hash(&mut HasherRef(h));
                    for &b in &all[slice(all.len(), k)] {
                        summaries[b].hash(&mut HasherRef(h));
                    }
                },
            ));
        }
    }
    for (i, page) in site.pages.iter().enumerate() {
        pages.push(planned(
            Job::Page(i),
            format!("{}/index.html", page.slug),
            format!("{base}{}/", page.slug),
            &|h| site.page_hashes[i].hash(&mut HasherRef(h)),
        ));
    }
    pages.push(planned(
        Job::Corrections,
        "corrections/index.html".into(),
        format!("{base}corrections/"),
        &|h| {
            for (b, briefing) in site.briefings.iter().enumerate() {
                if !briefing.corrections.is_empty() {
                    summaries[b].hash(&mut HasherRef(h));
                    for c in &briefing.corrections {
                        (c.date, &c.text_html).hash(&mut HasherRef(h));
                    }
                }
            }
        },
    ));
    pages.push(planned(
        Job::NotFound,
        "404.html".into(),
        format!("{base}404.html"),
        &|_| {},
    ));
    pages.push(planned(
        Job::Search,
        format!("{}/index.html", search::FOLDER),
        format!("{base}{}/", search::FOLDER),
        &|_| {},
    ));

    let layout = crate::fingerprint::of(&(
        pages.iter().map(|p| &p.path).collect::<Vec<_>>(),
        site.briefings
            .iter()
            .map(|b| b.claims.iter().map(|c| &c.id).collect::<Vec<_>>())
            .collect::<Vec<_>>(),
    ));
    Plan {
        site,
        shared,
        briefings,
        pages,
        claim_pages,
        claim_pages_added: false,
        layout,
    }
}

/// Lets a `&mut dyn Hasher` be passed where `Hash::hash` wants a sized one.
struct HasherRef<'a>(&'a mut dyn Hasher);

impl Hasher for HasherRef<'_> {
    fn finish(&self) -> u64 {
        self.0.finish()
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0.write(bytes)
    }
}

impl<'a> Plan<'a> {
    /// Adds every claim page to [`Plan::pages`], for a full build or when
    /// the site's files may have come or gone.
    pub fn add_claim_pages(&mut self) {
        if !self.claim_pages_added {
            self.claim_pages_added = true;
            for b in 0..self.site.briefings.len() {
                self.add_claims_of(b);
            }
        }
    }

    /// Adds the claim pages of the briefings whose claim pages changed
    /// since the cache's build.
    pub fn add_stale_claim_pages(&mut self, cache: &Cache) {
        if !self.claim_pages_added {
            self.claim_pages_added = true;
            for b in 0..self.site.briefings.len() {
                let slug = &self.site.briefings[b].slug;
                if cache.claim_pages.get(slug) != Some(&self.claim_pages[b]) {
                    self.add_claims_of(b);
                }
            }
        }
    }

    fn add_claims_of(&mut self, b: usize) {
        let site: &'a Site = self.site;
        let briefing = &site.briefings[b];
        for (c, claim) in briefing.claims.iter().enumerate() {
            self.pages.push(PlannedPage {
                job: Job::Claim(b, c, &briefing.slug),
                path: PathBuf::from(format!(
                    "briefings/{}/claims/{}/index.html",
                    briefing.slug, claim.id
                )),
                url: self.briefings[b].claims[c].page_url.clone(),
                fingerprint: self.claim_pages[b],
            });
        }
    }

    /// The planned pages whose fingerprint differs from what the cache
    /// remembers: the ones to render.
    pub fn stale<'p>(&'p self, cache: &Cache) -> Vec<&'p PlannedPage<'a>> {
        self.pages
            .iter()
            .filter(|p| match p.job {
                Job::Claim(_, _, slug) => cache.claim_pages.get(slug) != Some(&p.fingerprint),
                _ => cache.pages.get(&p.path) != Some(&p.fingerprint),
            })
            .collect()
    }

    /// Renders pages in parallel. Template errors come back as diagnostics,
    /// all of them, rather than the first.
    pub fn render(
        &self,
        templates: &Templates,
        pages: &[&PlannedPage],
    ) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
        self.render_each(templates, pages, |file| file)
    }

    /// Renders pages in parallel and hands each to `put` as soon as it is
    /// made, on the thread that made it, so a full build can write a page
    /// and let go of it rather than hold the whole site. Returns what `put`
    /// returned, in the order of `pages`, or every template error.
    pub fn render_each<T: Send>(
        &self,
        templates: &Templates,
        pages: &[&PlannedPage],
        put: impl Fn(OutputFile) -> T + Sync,
    ) -> Result<Vec<T>, Vec<Diagnostic>> {
        let mut base = Context::new();
        base.insert("site", &self.shared.site);
        let results: Vec<Result<T, Diagnostic>> = pages
            .par_iter()
            .map(|page| {
                let mut context = base.clone();
                self.fill(&mut context, page.job);
                context.insert("current_url", &page.url);
                context.insert("meta", &self.meta(page.job, &page.url));
                let template = page.job.template();
                templates
                    .tera
                    .render(template, &context)
                    .map(|html| put((page.path.clone(), html.into_bytes())))
                    .map_err(|err| templates.error(&err, template))
            })
            .collect();
        let mut done = Vec::with_capacity(results.len());
        let mut diagnostics = Vec::new();
        for result in results {
            match result {
                Ok(file) => done.push(file),
                Err(d) if !diagnostics.contains(&d) => diagnostics.push(d),
                Err(_) => {}
            }
        }
        if diagnostics.is_empty() {
            Ok(done)
        } else {
            Err(diagnostics)
        }
    }

    fn claims(&self, refs: Option<&Vec<ClaimRef>>) -> Vec<&ClaimView> {
        refs.map(|refs| {
            refs.iter()
                .map(|r| &self.briefings[r.briefing].claims[r.claim])
                .collect()
        })
        .unwrap_or_default()
    }

    fn tally_of(&self, claims: &[&ClaimView]) -> TallyView {
        self.shared
            .tally(claims.iter().map(|c| c.verdict.id.as_str()))
    }

    /// What a page's share cards say: its title, description, kind and
    /// absolute URL.
    fn meta(&self, job: Job, url: &str) -> MetaView {
        let site = self.site;
        let description = &site.config.description;
        let mut meta = MetaView {
            title: String::new(),
            description: description.clone(),
            kind: "website",
            url: site.config.absolute(url),
            published_time: None,
            modified_time: None,
        };
        let list = |title: &str| (title.to_owned(), description.clone());
        (meta.title, meta.description) = match job {
            Job::Index(_) => list(&site.config.title),
            Job::Briefing(b) | Job::Claim(b, ..) => {
                let briefing = &site.briefings[b];
                meta.kind = "article";
                meta.published_time = Some(views::iso(briefing.date));
                meta.modified_time = briefing.modified().map(views::iso);
                match job {
                    Job::Claim(_, c, _) => {
                        let claim = &self.briefings[b].claims[c];
                        let title = format!("{}: “{}”", claim.speaker.name, claim.text);
                        (title, claim.summary.clone())
                    }
                    _ => (briefing.title.clone(), briefing.summary.clone()),
                }
            }
            Job::Speaker(id, _) => {
                let speaker = &self.shared.speakers[id].0;
                meta.kind = "profile";
                let about: Vec<&str> = [&speaker.role, &speaker.affiliation]
                    .into_iter()
                    .flatten()
                    .map(String::as_str)
                    .collect();
                let about = if about.is_empty() {
                    format!(
                        "Claims by {} checked by {}.",
                        speaker.name, site.config.title
                    )
                } else {
                    about.join(", ")
                };
                (speaker.name.clone(), about)
            }
            Job::Speakers => list("Speakers"),
            Job::Sources(_) => list("Sources"),
            Job::Verdicts => list("Verdicts"),
            Job::Verdict(i, _) => list(&format!("Verdict: {}", self.shared.site.verdicts[i].label)),
            Job::Tags => list("Tags"),
            Job::Tag(slug, _) => list(&format!("Tag: {}", self.shared.tags[slug].0.name)),
            Job::Page(i) => {
                let page = &site.pages[i];
                let about = page.description.as_ref().unwrap_or(description);
                (page.title.clone(), about.clone())
            }
            Job::Corrections => list("Corrections"),
            Job::NotFound => list("Page not found"),
            Job::Search => list("Search"),
        };
        if let Some(page) = job.page().filter(|&page| page > 0) {
            meta.title = format!("{}, page {}", meta.title, page + 1);
        }
        meta
    }

    /// The entries of a list of `len` shown on page `page`.
    fn shown(&self, len: usize, page: usize) -> std::ops::Range<usize> {
        views::page_range(len, page, self.site.config.paginate)
    }

    /// Where page `page` of the list at `url` of `len` entries stands.
    fn pager(&self, url: &str, len: usize, page: usize) -> views::PagerView {
        let count = views::page_count(len, self.site.config.paginate);
        views::PagerView::new(url, page, count)
    }

    /// Every correction on the site, newest first; corrections of one day
    /// follow the briefings' order (newest first, then by slug), and within
    /// one briefing the later in its list comes first.
    fn corrections(&self) -> Vec<CorrectionEntry<'_>> {
        let mut all: Vec<(usize, usize)> = self
            .site
            .briefings
            .iter()
            .enumerate()
            .flat_map(|(b, briefing)| (0..briefing.corrections.len()).map(move |i| (b, i)))
            .collect();
        let date = |&(b, i): &(usize, usize)| self.site.briefings[b].corrections[i].date;
        all.sort_by(|x, y| {
            date(y)
                .cmp(&date(x))
                .then(x.0.cmp(&y.0))
                .then(y.1.cmp(&x.1))
        });
        all.into_iter()
            .map(|(b, i)| CorrectionEntry {
                correction: correction_view(&self.site.briefings[b].corrections[i]),
                briefing: &self.briefings[b].summary,
            })
            .collect()
    }

    /// Puts what a page's template receives into its context.
    fn fill(&self, context: &mut Context, job: Job) {
        let site = self.site;
        let shared = &self.shared;
        match job {
            Job::Index(k) => {
                let shown = self.shown(self.briefings.len(), k);
                let summaries: Vec<&BriefingSummary> =
                    self.briefings[shown].iter().map(|v| &v.summary).collect();
                context.insert("briefings", &summaries);
                let url = &site.config.base_path;
                context.insert("pager", &self.pager(url, self.briefings.len(), k));
                let all = site
                    .briefings
                    .iter()
                    .flat_map(|b| b.claims.iter().map(|c| c.verdict.as_str()));
                context.insert("tally", &shared.tally(all));
            }
            Job::Briefing(b) => {
                let briefing = &site.briefings[b];
                let views = &self.briefings[b];
                let mut seen = std::collections::HashSet::new();
                let speakers = views
                    .claims
                    .iter()
                    .filter(|c| seen.insert(&c.speaker.id))
                    .map(|c| &*c.speaker)
                    .collect();
                let mut seen = std::collections::HashSet::new();
                let sources = views
                    .claims
                    .iter()
                    .flat_map(|c| c.sources.iter().map(|s| &**s))
                    .filter(|s| seen.insert(&s.anchor))
                    .collect();
                let view = BriefingView {
                    summary: &views.summary,
                    event: briefing.event.as_deref(),
                    authors: &briefing.authors,
                    body: briefing.body.html.unpack(),
                    claims: &views.claims,
                    speakers,
                    sources,
                    corrections: briefing.corrections.iter().map(correction_view).collect(),
                    draft: briefing.draft,
                    json_ld: claim_review::json_ld(site, briefing, &views.claims),
                };
                context.insert("briefing", &view);
            }
            Job::Claim(b, c, _) => {
                context.insert("claim", &self.briefings[b].claims[c]);
                context.insert("briefing", &self.briefings[b].summary);
            }
            Job::Speakers => {
                let list: Vec<SpeakerSummary> = site
                    .speakers
                    .keys()
                    .map(|id| {
                        let claims = self.claims(site.claims_by_speaker.get(id));
                        SpeakerSummary {
                            speaker: &shared.speakers[id].0,
                            claim_count: claims.len(),
                            tally: self.tally_of(&claims),
                        }
                    })
                    .collect();
                context.insert("speakers", &list);
            }
            Job::Speaker(id, k) => {
                let mut claims = self.claims(site.claims_by_speaker.get(id));
                let speaker = &shared.speakers[id].0;
                let tally = self.tally_of(&claims);
                context.insert("pager", &self.pager(&speaker.url, claims.len(), k));
                let shown = self.shown(claims.len(), k);
                claims.truncate(shown.end);
                claims.drain(..shown.start);
                let page = SpeakerPage {
                    speaker,
                    tally,
                    claims,
                };
                context.insert("speaker", &page);
            }
            Job::Sources(k) => {
                let url = format!("{}sources/", site.config.base_path);
                context.insert("pager", &self.pager(&url, site.sources.len(), k));
                let entries: Vec<SourceEntry> = site.sources[self.shown(site.sources.len(), k)]
                    .iter()
                    .map(|cited| SourceEntry {
                        source: views::cited_source_view(site, &cited.key),
                        cited_by: cited
                            .cited_by
                            .iter()
                            .map(|r| &self.briefings[r.briefing].claims[r.claim])
                            .collect(),
                    })
                    .collect();
                context.insert("sources", &entries);
            }
            Job::Verdicts => {
                let list: Vec<VerdictCount> = shared
                    .site
                    .verdicts
                    .iter()
                    .map(|verdict| VerdictCount {
                        verdict,
                        count: site.claims_by_verdict.get(&verdict.id).map_or(0, Vec::len),
                    })
                    .collect();
                context.insert("verdicts", &list);
            }
            Job::Verdict(i, k) => {
                let verdict = &shared.site.verdicts[i];
                let all = site
                    .claims_by_verdict
                    .get(&verdict.id)
                    .map_or(&[][..], Vec::as_slice);
                context.insert(
                    "verdict",
                    &VerdictCount {
                        verdict,
                        count: all.len(),
                    },
                );
                context.insert("pager", &self.pager(&verdict.url, all.len(), k));
                let claims: Vec<&ClaimView> = all[self.shown(all.len(), k)]
                    .iter()
                    .map(|r| &self.briefings[r.briefing].claims[r.claim])
                    .collect();
                context.insert("claims", &claims);
            }
            Job::Tags => {
                let list: Vec<TagCount> = site
                    .tags
                    .iter()
                    .map(|(slug, entry)| TagCount {
                        tag: &shared.tags[slug].0,
                        count: entry.briefings.len(),
                    })
                    .collect();
                context.insert("tags", &list);
            }
            Job::Tag(slug, k) => {
                let entry = &site.tags[slug];
                let tag = &shared.tags[slug].0;
                let all = &entry.briefings;
                context.insert("pager", &self.pager(&tag.url, all.len(), k));
                let briefings: Vec<&BriefingSummary> = all[self.shown(all.len(), k)]
                    .iter()
                    .map(|&b| &self.briefings[b].summary)
                    .collect();
                context.insert(
                    "tag",
                    &TagCount {
                        tag: &shared.tags[slug].0,
                        count: entry.briefings.len(),
                    },
                );
                context.insert("briefings", &briefings);
            }
            Job::Page(i) => {
                let page = &site.pages[i];
                context.insert(
                    "page",
                    &PageView {
                        title: &page.title,
                        description: page.description.as_deref(),
                        url: format!("{}{}/", site.config.base_path, page.slug),
                        slug: &page.slug,
                        content: page.body.html.unpack(),
                    },
                );
            }
            Job::Corrections => {
                context.insert("corrections", &self.corrections());
            }
            Job::NotFound | Job::Search => {}
        }
    }
}

fn correction_view(c: &crate::model::Correction) -> CorrectionView {
    CorrectionView {
        date: views::iso(c.date),
        date_display: views::display(c.date),
        text: c.text_html.clone(),
    }
}
