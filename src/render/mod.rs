//! Pages from the site model, through Tera templates, in parallel, redoing
//! only what changed.
//!
//! A build plans every page of the site with a fingerprint of what it
//! receives (see [`pages`]); a page is rendered only when its fingerprint
//! differs from the one remembered in the [`Cache`] from the last build. A
//! fresh cache renders everything, so a one-off build and a rebuild in
//! `serve` run the same code and write the same bytes.

pub mod cards;
pub(crate) mod claim_review;
mod fold;
mod fragments;
mod inline;
mod pages;
mod reads;
mod reuse;
pub mod search;
pub(crate) mod syndication;
pub(crate) mod templates;
pub mod translations;
pub(crate) mod views;

use std::borrow::Cow;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use tera::Context;

use crate::diagnostic::Diagnostic;
use crate::resolve::Site;
use crate::BuildMode;
pub use templates::{templates, Templates};
use views::{BriefingViews, Shared};

/// Every success in order, or every distinct error: a template mistake
/// repeats on each page that shows it, and is reported once.
pub(crate) fn gathered<T>(
    results: impl IntoIterator<Item = Result<T, Diagnostic>>,
) -> Result<Vec<T>, Vec<Diagnostic>> {
    let results = results.into_iter();
    // Made to size: grown by doubling, a list of 216,000 pages' results
    // was twice its size at the build's peak.
    let mut done = Vec::with_capacity(results.size_hint().0);
    let mut diagnostics = Vec::new();
    for result in results {
        match result {
            Ok(item) => done.push(item),
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

/// What was made of one page: what `put` returned, or its template error,
/// boxed. Every page's result is held until the last page is made, and
/// unboxed, the rare error made each one several times as large.
type Made<T> = Result<T, Box<Diagnostic>>;

/// One file of the built site: its path under the output folder and bytes.
pub type OutputFile = (PathBuf, Vec<u8>);

/// What one page is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
///
/// The lists that can be long (the index, a speaker's claims, the sources,
/// a verdict's claims, a tag's briefings) come in pages of `paginate`
/// entries; their last field is the page, from 0.
enum Job<'a> {
    Index(usize),
    Briefing(usize),
    /// A claim's own page: briefing, claim, and the briefing itself, for
    /// its slug and the claim's id, which give the page's URL.
    Claim(usize, usize, Of<'a>),
    /// A claim's card alone, to sit in an iframe on another site; planned
    /// with the claim pages and fingerprinted with them.
    Embed(usize, usize, Of<'a>),
    Speakers,
    Speaker(&'a str, usize),
    Sources(usize),
    Verdicts,
    Verdict(usize, usize),
    Tags,
    Tag(&'a str, usize),
    /// An author of `content/authors.yaml` and their briefings.
    Author(&'a str, usize),
    Page(usize),
    Corrections,
    NotFound,
    Search,
}

/// The briefing a claim page's job belongs to. Jobs are compared by which
/// briefing they name, and a site holds each briefing once, so by where it
/// is.
#[derive(Clone, Copy)]
struct Of<'a>(&'a crate::model::Briefing);

impl PartialEq for Of<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

impl Eq for Of<'_> {}

impl std::fmt::Debug for Of<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.slug)
    }
}

/// The template of a claim's page and of its embed, and the partials both
/// print (a claim page's fingerprint covers them all).
const CLAIM_TEMPLATE: &str = "claim.html";
const EMBED_TEMPLATE: &str = "embed.html";
const CARD_PARTIALS: &[&str] = &[fragments::CARD, fragments::SOURCE_CARD];
/// The partials a claim's page prints: its card, and its related claims'
/// lines.
const CLAIM_PARTIALS: &[&str] = &[fragments::CARD, fragments::SOURCE_CARD, fragments::RELATED];

impl Job<'_> {
    /// The page of a paginated list, from 0.
    fn page(self) -> Option<usize> {
        match self {
            Job::Index(k)
            | Job::Speaker(_, k)
            | Job::Sources(k)
            | Job::Verdict(_, k)
            | Job::Tag(_, k)
            | Job::Author(_, k) => Some(k),
            _ => None,
        }
    }

    fn template(self) -> &'static str {
        match self {
            Job::Index(_) => "index.html",
            Job::Briefing(_) => "briefing.html",
            Job::Claim(..) => CLAIM_TEMPLATE,
            Job::Embed(..) => EMBED_TEMPLATE,
            Job::Speakers => "speakers.html",
            Job::Speaker(..) => "speaker.html",
            Job::Sources(_) => "sources.html",
            Job::Verdicts => "verdicts.html",
            Job::Verdict(..) => "verdict.html",
            Job::Tags => "tags.html",
            Job::Tag(..) => "tag.html",
            Job::Author(..) => "author.html",
            Job::Page(_) => "page.html",
            Job::Corrections => "corrections.html",
            Job::NotFound => "404.html",
            Job::Search => "search.html",
        }
    }

    /// The partials the page prints fragments of, rendered apart from the
    /// page (see [`fragments`]): its page depends on them as on its own
    /// template.
    fn partials(self) -> &'static [&'static str] {
        match self {
            Job::Briefing(_) => CARD_PARTIALS,
            Job::Claim(..) => CLAIM_PARTIALS,
            Job::Speaker(..) | Job::Sources(_) | Job::Verdict(..) => &[fragments::ROW],
            Job::Index(_) | Job::Tag(..) | Job::Author(..) => &[fragments::ITEM],
            _ => &[],
        }
    }

    /// Whether the page lists claims or briefings, printing the rows or
    /// items made for it before it is rendered.
    fn lists(self) -> bool {
        matches!(self.partials(), [fragments::ROW] | [fragments::ITEM])
    }
}

/// A page of the site: its URL, which says where it goes, and its
/// fingerprint.
pub struct PlannedPage<'a> {
    job: Job<'a>,
    /// Boxed, without a String's spare room; empty for a claim's page and
    /// its embed, whose URL follows from the briefing's slug and the
    /// claim's id and is made when asked (see [`PlannedPage::url`]).
    url: Box<str>,
    /// The site's base path, which every URL starts with. The output path
    /// is made from the URL when asked rather than kept beside it: at
    /// 10,000 briefings the paths of 216,000 pages were some 20 MB held
    /// through the build.
    base: &'a str,
    pub fingerprint: u64,
}

impl PlannedPage<'_> {
    /// Its URL, which says where it goes. A claim's page and its embed
    /// make theirs when asked: held, the 200,000 of them at 10,000
    /// briefings were some 11 MB through the build.
    pub fn url(&self) -> Cow<'_, str> {
        match self.job {
            Job::Claim(_, c, Of(briefing)) | Job::Embed(_, c, Of(briefing)) => {
                let id = briefing.claims.get(c).map_or("", |claim| claim.id.as_str());
                let embed = if matches!(self.job, Job::Embed(..)) {
                    "embed/"
                } else {
                    ""
                };
                Cow::Owned(
                    [
                        self.base,
                        "briefings/",
                        &briefing.slug,
                        "/claims/",
                        id,
                        "/",
                        embed,
                    ]
                    .concat(),
                )
            }
            _ => Cow::Borrowed(&self.url),
        }
    }

    /// Its path under the output folder: its URL below the site's base
    /// path, and a URL that names a folder as that folder's `index.html`.
    pub fn path(&self) -> PathBuf {
        let url = self.url();
        let rest = &url[self.base.len()..];
        if rest.is_empty() || rest.ends_with('/') {
            PathBuf::from([rest, "index.html"].concat())
        } else {
            PathBuf::from(rest)
        }
    }

    /// The content file a page is made from, for briefings and plain pages.
    pub fn source<'s>(&self, site: &'s Site) -> Option<&'s std::path::Path> {
        match self.job {
            Job::Briefing(b) | Job::Claim(b, ..) | Job::Embed(b, ..) => {
                Some(&site.briefings[b].file)
            }
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
    data: FxHashMap<String, u64>,
    /// The shared views, by the key of the site they were made for.
    shared: Option<(u64, Arc<Shared>)>,
    search: search::Cache,
    /// Each briefing's social cards as on disk, by the briefing's slug.
    cards: FxHashMap<String, cards::Remembered>,
    /// A one-off build keeps nothing for a rebuild: no fingerprints of
    /// views, no search words or `docs/` files.
    mode: BuildMode,
}

impl Cache {
    /// An empty cache for a build of this mode: a one-off build's lets go
    /// of what would only speed up a later rebuild as soon as it has served.
    pub fn new(mode: BuildMode) -> Cache {
        Cache {
            mode,
            ..Cache::default()
        }
    }

    /// Whether a page was part of the last build (claim pages aside).
    pub fn has_page(&self, page: &PlannedPage) -> bool {
        self.pages.contains_key(&page.path())
    }

    /// Records that these pages are now on disk as planned.
    pub fn remember(&mut self, pages: &[&PlannedPage]) {
        for page in pages {
            match page.job {
                Job::Claim(_, _, Of(briefing)) | Job::Embed(_, _, Of(briefing)) => {
                    self.claim_pages
                        .insert(briefing.slug.clone(), page.fingerprint);
                }
                _ => {
                    self.pages.insert(page.path(), page.fingerprint);
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
        // A feed whose speaker or tag went and came back must be written
        // again, though what it is made from may be as it was.
        self.data.retain(|name, _| keep(&PathBuf::from(name)));
    }
}

/// Every page of the site, planned, with the views to render them.
pub struct Plan<'a> {
    site: &'a Site,
    shared: Arc<Shared>,
    /// The templates with this site's settings written in, which its pages
    /// and fragments are rendered with.
    tera: Arc<tera::Tera>,
    /// The names those templates read: a page's context is given only the
    /// fields of its view that one of them names.
    reads: Arc<reads::Reads>,
    briefings: Vec<Arc<BriefingViews>>,
    /// How many claims of the site received each verdict, charted on every
    /// page of the index.
    verdict_counts: Vec<usize>,
    /// The number of each briefing's first claim in the site, and after
    /// them the number of claims: where a claim's row is kept.
    claim_numbers: Vec<usize>,
    /// The pages planned so far: all but the claim pages, which are
    /// added by [`Plan::add_claim_pages`] or [`Plan::add_stale_claim_pages`].
    pub pages: Vec<PlannedPage<'a>>,
    /// For each briefing, the fingerprint shared by its claim pages. There
    /// are ten times as many claim pages as briefings, and a save changes
    /// one briefing's at most, so they are planned per briefing. Taken
    /// when the claim pages are added, not before: a save's first plan
    /// (the edited briefing's own pages) has no use for them, and at 1,000
    /// briefings they took most of its time.
    claim_pages: Vec<u64>,
    claim_pages_added: bool,
    /// What every claim page's fingerprint takes from the templates.
    claim_templates: u64,
    /// A fingerprint of every page's URL (which gives its path): equal layouts,
    /// the same files.
    pub layout: u64,
    /// For a site in several languages, every language's pages and the
    /// index of this plan's language among them.
    pub translations: Option<(Arc<translations::Translations>, usize)>,
    /// Bodies its briefing pages hand on to the search index.
    handed: fragments::HandedBodies,
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
    let mut plan = Plan::new(site, templates, cache, site_key);
    let jobs = plan.jobs();
    plan.pages = jobs
        .into_par_iter()
        .map(|job| plan.planned(templates, job))
        .collect();
    plan.layout = crate::fingerprint::of(&(
        plan.pages.iter().map(|p| p.url()).collect::<Vec<_>>(),
        site.briefings
            .iter()
            .map(|b| b.claims.iter().map(|c| &c.id).collect::<Vec<_>>())
            .collect::<Vec<_>>(),
    ));
    plan
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
    let mut plan = Plan::new(site, templates, cache, site_key);
    plan.pages = only
        .iter()
        .map(|&b| plan.planned(templates, Job::Briefing(b)))
        .collect();
    plan
}

impl Cache {
    /// The views shared by many pages, kept while `site_key` holds.
    fn shared_views(&mut self, site: &Site, site_key: u64) -> Arc<Shared> {
        let shared = match &self.shared {
            Some((key, shared)) if *key == site_key => shared.clone(),
            _ => Arc::new(Shared::build(site)),
        };
        self.shared = Some((site_key, shared.clone()));
        shared
    }

    /// Each briefing's views, kept while the briefing and `site_key` hold,
    /// or while its signature does.
    fn briefing_views(
        &mut self,
        site: &Site,
        shared: &Shared,
        site_key: u64,
    ) -> Vec<Arc<BriefingViews>> {
        let briefings: Vec<Arc<BriefingViews>> = (0..site.briefings.len())
            .into_par_iter()
            .map(|b| {
                let briefing = &site.briefings[b];
                match self.briefings.get(&briefing.slug) {
                    Some((hash, key, views))
                        if *hash == site.briefing_files[b].hash && *key == site_key =>
                    {
                        views.clone()
                    }
                    cached => {
                        let signature = views::signature(site, shared, b);
                        match cached {
                            Some((_, _, views)) if views.signature == signature => views.clone(),
                            _ => Arc::new(views::briefing_views(
                                site, shared, b, signature, self.mode,
                            )),
                        }
                    }
                }
            })
            .collect();
        self.briefings = site
            .briefings
            .iter()
            .zip(&site.briefing_files)
            .zip(&briefings)
            .map(|((b, file), v)| (b.slug.clone(), (file.hash, site_key, v.clone())))
            .collect();
        self.claim_pages
            .retain(|slug, _| self.briefings.contains_key(slug));
        briefings
    }
}

impl<'a> Plan<'a> {
    /// The views of every briefing and those shared by many pages, with no
    /// page planned yet.
    fn new(site: &'a Site, templates: &Templates, cache: &mut Cache, site_key: u64) -> Plan<'a> {
        let shared = cache.shared_views(site, site_key);
        let briefings = cache.briefing_views(site, &shared, site_key);
        let verdict_counts = shared
            .count(
                briefings
                    .iter()
                    .flat_map(|v| v.verdicts.iter().flatten().copied()),
            )
            .counts;
        let claim_numbers = std::iter::once(0)
            .chain(briefings.iter().scan(0, |n, views| {
                *n += views.claims.len();
                Some(*n)
            }))
            .collect();
        let mut claim_templates = crate::fingerprint::hasher();
        for name in [CLAIM_TEMPLATE, EMBED_TEMPLATE]
            .into_iter()
            .chain(CLAIM_PARTIALS.iter().copied())
        {
            templates.fingerprint(name).hash(&mut claim_templates);
        }
        let tera = templates.for_site(shared.site_hash, || {
            serde_json::to_value(&shared.site).unwrap_or_default()
        });
        Plan {
            site,
            shared,
            tera,
            reads: templates.reads.clone(),
            briefings,
            verdict_counts,
            claim_numbers,
            pages: Vec::new(),
            claim_pages: Vec::new(),
            claim_pages_added: false,
            claim_templates: claim_templates.finish(),
            layout: 0,
            translations: None,
            handed: fragments::HandedBodies::default(),
        }
    }

    /// Every page of the site but the claim pages, in order.
    fn jobs(&self) -> Vec<Job<'a>> {
        let site = self.site;
        let pages = |len: usize| 0..views::page_count(len, site.config.paginate);
        let listed = |refs: Option<&Vec<_>>| refs.map_or(0, Vec::len);
        let mut jobs: Vec<Job> = pages(site.briefings.len()).map(Job::Index).collect();
        jobs.extend((0..site.briefings.len()).map(Job::Briefing));
        jobs.push(Job::Speakers);
        for id in site.speakers.keys() {
            let len = listed(site.claims_by_speaker.get(id));
            jobs.extend(pages(len).map(|k| Job::Speaker(id, k)));
        }
        jobs.extend(pages(site.sources.len()).map(Job::Sources));
        jobs.push(Job::Verdicts);
        for (i, verdict) in self.shared.site.verdicts.iter().enumerate() {
            let len = listed(site.claims_by_verdict.get(&verdict.id));
            jobs.extend(pages(len).map(|k| Job::Verdict(i, k)));
        }
        jobs.push(Job::Tags);
        for (slug, entry) in &site.tags {
            jobs.extend(pages(entry.briefings.len()).map(|k| Job::Tag(slug, k)));
        }
        for id in site.authors.iter().flat_map(|a| a.keys()) {
            let len = site.briefings_by_author.get(id).map_or(0, Vec::len);
            jobs.extend(pages(len).map(|k| Job::Author(id, k)));
        }
        jobs.extend((0..site.pages.len()).map(Job::Page));
        jobs.extend([Job::Corrections, Job::NotFound, Job::Search]);
        jobs
    }

    /// The URL of page `job`, which says where it goes (see
    /// [`PlannedPage::path`]).
    fn url(&self, job: Job) -> String {
        let base = &self.site.config.base_path;
        let single = |folder: &str| format!("{base}{folder}/");
        match job {
            Job::Index(k) => views::paged_url(base, k),
            Job::Briefing(b) => self.briefings[b].summary.url.clone(),
            Job::Claim(b, c, _) => self.briefings[b].claims[c].page_url(),
            Job::Embed(b, c, _) => format!("{}embed/", self.briefings[b].claims[c].page_url()),
            Job::Speakers => single("speakers"),
            Job::Speaker(id, k) => views::paged_url(&self.shared.speakers[id].0.url, k),
            Job::Sources(k) => views::paged_url(&single("sources"), k),
            Job::Verdicts => single("verdicts"),
            Job::Verdict(i, k) => views::paged_url(&self.shared.site.verdicts[i].url, k),
            Job::Tags => single("tags"),
            Job::Tag(slug, k) => views::paged_url(&self.shared.tags[slug].0.url, k),
            Job::Author(id, k) => views::paged_url(&self.shared.authors[id].0.url, k),
            Job::Page(i) => single(&self.site.pages[i].slug),
            Job::Corrections => single("corrections"),
            Job::NotFound => format!("{base}404.html"),
            Job::Search => single(search::FOLDER),
        }
    }

    /// Page `job`, placed and fingerprinted: the site's shared views, its
    /// template and the view it receives.
    fn planned(&self, templates: &Templates, job: Job<'a>) -> PlannedPage<'a> {
        let url = self.url(job);
        let fingerprint = crate::fingerprint::of(&(
            self.shared.site_hash,
            templates.fingerprint(job.template()),
            job.partials()
                .iter()
                .map(|name| templates.fingerprint(name))
                .collect::<Vec<_>>(),
            self.view(job),
        ));
        self.placed(job, url, fingerprint)
    }

    /// Page `job` at `url`.
    fn placed(&self, job: Job<'a>, url: String, fingerprint: u64) -> PlannedPage<'a> {
        PlannedPage {
            job,
            url: url.into_boxed_str(),
            base: &self.site.config.base_path,
            fingerprint,
        }
    }

    /// The fingerprint of a briefing's claim pages, taken together.
    fn claim_pages_fingerprint(&self, b: usize) -> u64 {
        let mut hasher = crate::fingerprint::hasher();
        self.shared.site_hash.hash(&mut hasher);
        self.claim_templates.hash(&mut hasher);
        let claims = self.briefings[b].claims.len();
        claims.hash(&mut hasher);
        for c in 0..claims {
            self.claim_page(b, c, &fragments::Fragments::NONE)
                .hash(&mut hasher);
            self.embed_page(b, c).hash(&mut hasher);
        }
        hasher.finish()
    }

    /// Adds every claim page to [`Plan::pages`], for a full build or when
    /// the site's files may have come or gone.
    pub fn add_claim_pages(&mut self) {
        if !self.claim_pages_added {
            self.claim_pages_added = true;
            self.fingerprint_claim_pages();
            // Two pages per claim, reserved at once: grown by doubling, the
            // list of 216,000 pages at 10,000 briefings kept room for some
            // 40,000 more, and twice held both its old and its new room.
            let claims = self.claim_numbers.last().copied().unwrap_or(0);
            self.pages.reserve_exact(2 * claims);
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
            self.fingerprint_claim_pages();
            for b in 0..self.site.briefings.len() {
                let slug = &self.site.briefings[b].slug;
                if cache.claim_pages.get(slug) != Some(&self.claim_pages[b]) {
                    self.add_claims_of(b);
                }
            }
        }
    }

    fn fingerprint_claim_pages(&mut self) {
        self.claim_pages = (0..self.site.briefings.len())
            .into_par_iter()
            .map(|b| self.claim_pages_fingerprint(b))
            .collect();
    }

    fn add_claims_of(&mut self, b: usize) {
        let site: &'a Site = self.site;
        let briefing = &site.briefings[b];
        for c in 0..briefing.claims.len() {
            for job in [
                Job::Claim(b, c, Of(briefing)),
                Job::Embed(b, c, Of(briefing)),
            ] {
                let page = self.placed(job, String::new(), self.claim_pages[b]);
                debug_assert_eq!(page.url(), self.url(job), "a claim page's URL as made");
                self.pages.push(page);
            }
        }
    }

    /// The planned pages whose fingerprint differs from what the cache
    /// remembers: the ones to render.
    pub fn stale<'p>(&'p self, cache: &Cache) -> Vec<&'p PlannedPage<'a>> {
        self.pages
            .iter()
            .filter(|p| match p.job {
                Job::Claim(_, _, Of(briefing)) | Job::Embed(_, _, Of(briefing)) => {
                    cache.claim_pages.get(&briefing.slug) != Some(&p.fingerprint)
                }
                _ => cache.pages.get(&p.path()) != Some(&p.fingerprint),
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
        self.render_each(templates, pages, |file| file, None::<fn()>)
            .map(|(files, _)| files)
    }

    /// Renders pages in parallel and hands each to `put` as soon as it is
    /// made, on the thread that made it, so a full build can write a page
    /// and let go of it rather than hold the whole site. Returns what `put`
    /// returned, in the order of `pages`, or every template error.
    ///
    /// `alongside`, when given, runs on a thread of its own while the pages
    /// that list no claims are rendered; its result comes back beside the
    /// pages' (and is dropped when a template fails). A save renders with
    /// none, and starts no thread. A full build makes its data files
    /// and search index so: much of that work is on one thread
    /// (`claims.json` is one stream), and made after the pages it left the
    /// other core idle for about a second at 10,000 briefings.
    ///
    /// Its parallel parts run on that thread too, in a pool of one: given
    /// to the pages' pool, they would wait until its threads ran out of
    /// pages. Nor is `alongside` a job of the pages' pool: such a job
    /// waiting on its own parallel parts takes on pages meanwhile, and its
    /// one-thread rest then ran alone at the end (a 10,000 build was 2.5 s
    /// slower so).
    ///
    /// The briefing pages rendered beside `alongside` hand the bodies they
    /// render on to it, for the search index (see
    /// [`fragments::HandedBodies`]): `alongside` is to make the index,
    /// which takes them, or the bodies wait until it is done.
    pub fn render_each<T: Send, R: Send>(
        &self,
        templates: &Templates,
        pages: &[&PlannedPage],
        put: impl Fn(OutputFile) -> T + Sync,
        alongside: Option<impl FnOnce() -> R + Send>,
    ) -> Result<(Vec<T>, Option<R>), Vec<Diagnostic>> {
        let mut base = Context::new();
        base.insert("site", &self.shared.site);
        // The pages that list claims or briefings first, with the rows and
        // items they print, which are let go of before the other pages are
        // rendered: at 10,000 briefings the rows are some 90 MB. `alongside`
        // waits for them to go, as that pass is the build's peak.
        let (listing, others): (Vec<usize>, Vec<usize>) =
            (0..pages.len()).partition(|&i| pages[i].job.lists());
        let lists = fragments::Lists {
            rows: self.make_rows(templates, pages)?,
            items: self.make_items(templates, pages)?,
            related: Default::default(),
        };
        let mut made = self.render_units(templates, pages, &listing, &lists, &base, &put);
        drop(lists);
        // The claim pages' related lines, which are few.
        let related = fragments::Lists {
            related: self.make_related(templates, pages)?,
            ..Default::default()
        };
        let render_others = || self.render_units(templates, pages, &others, &related, &base, &put);
        let (rest, beside) = match alongside {
            None => (render_others(), None),
            Some(alongside) => std::thread::scope(|scope| {
                // The search index beside the pages takes the bodies the
                // briefing pages render, where it would render them again.
                self.handed
                    .expect(others.iter().filter_map(|&i| match pages[i].job {
                        Job::Briefing(b) if self.body_in_file(b) => Some(b),
                        _ => None,
                    }));
                let beside = scope.spawn(|| {
                    let _done = fragments::OnExit(|| self.handed.index_done());
                    match one_thread() {
                        Some(pool) => pool.install(alongside),
                        None => alongside(),
                    }
                });
                let rest = {
                    let _done = fragments::OnExit(|| self.handed.pages_done());
                    render_others()
                };
                let beside = beside
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                (rest, Some(beside))
            }),
        };
        made.extend(rest);
        // Put back in the order of `pages` by sorting what was made, rather
        // than into a second list as long: at 10,000 briefings each such
        // list of 216,000 results was some 30 MB, at the build's peak.
        let mut made: Vec<(usize, Made<T>)> = made.into_iter().flatten().collect();
        made.sort_unstable_by_key(|(i, _)| *i);
        let pages = gathered(made.into_iter().map(|(_, result)| result.map_err(|d| *d)))?;
        Ok((pages, beside))
    }

    /// Renders the pages of `pages` at `indices`, in parallel, with `lists`,
    /// handing each to `put`; returns each page's index with what `put`
    /// returned or its template error.
    fn render_units<T: Send>(
        &self,
        templates: &Templates,
        pages: &[&PlannedPage],
        indices: &[usize],
        lists: &fragments::Lists,
        base: &Context,
        put: &(impl Fn(OutputFile) -> T + Sync),
    ) -> Vec<Vec<(usize, Made<T>)>> {
        // Each thread keeps a context with `site` in it for each template,
        // and writes each page's own variables over the last page's (see
        // [`reuse`]): cloning and dropping the site's view for each of tens
        // of thousands of pages cost more than rendering some of them, and
        // making and dropping the pages' own variables a tenth of a build.
        // It keeps others for the cards it makes, and the size of the last
        // page it made with each template, to make the next one's in a
        // buffer of about its size rather than one grown by doubling (and
        // copied each time).
        // Units go to the threads in order, each thread taking the next
        // when it is free, rather than split into halves: the pages then
        // move through the site in order, and the search index beside
        // them, which reads the bodies of briefings in that order as their
        // pages hand them on (see [`fragments::HandedBodies`]), finds each
        // soon after it is made. A unit is one briefing's pages at most,
        // so the threads still finish together.
        let units = self.units(pages, indices);
        let next = AtomicUsize::new(0);
        let threads = rayon::current_num_threads().clamp(1, units.len().max(1));
        (0..threads)
            .into_par_iter()
            .map_init(
                || {
                    let contexts: FxHashMap<&str, (Context, Held)> = FxHashMap::default();
                    (
                        contexts,
                        fragments::CardContexts::new(base),
                        FxHashMap::default(),
                    )
                },
                |(contexts, for_cards, sizes), _| {
                    let mut made = Vec::new();
                    while let Some(unit) = units.get(next.fetch_add(1, Ordering::Relaxed)) {
                        let jobs: Vec<Job> = unit.iter().map(|&i| pages[i].job).collect();
                        let cards = self.cards(templates, for_cards, &jobs);
                        let body = self.body(&jobs);
                        made.extend(unit.iter().enumerate().map(|(k, &i)| {
                            let page = pages[i];
                            let cards = match &cards {
                                Ok(cards) => &cards[k],
                                Err(d) => return (i, Err(Box::new(d.clone()))),
                            };
                            let body = match (page.job, &body) {
                                (Job::Briefing(_), Some((_, Err(d)))) => {
                                    return (i, Err(Box::new(d.clone())))
                                }
                                (Job::Briefing(_), Some((_, Ok(body)))) => body.as_str(),
                                _ => "",
                            };
                            let fragments = fragments::Fragments { lists, cards, body };
                            let template = page.job.template();
                            let (context, held) = contexts
                                .entry(template)
                                .or_insert_with(|| (base.clone(), Held::default()));
                            self.fill(context, held, page, &fragments);
                            let last: usize = sizes.get(template).copied().unwrap_or(0);
                            let mut html = Vec::with_capacity(last + last / 8 + 1024);
                            let rendered = self.tera.render_to(template, context, &mut html);
                            let result = rendered
                                .map(|()| {
                                    sizes.insert(template, html.len());
                                    put((page.path(), html))
                                })
                                .map_err(|err| Box::new(templates.error(&err, template)));
                            (i, result)
                        }));
                        if let Some((b, body)) = body {
                            self.handed.hand_on(b, body.ok());
                        }
                    }
                    made
                },
            )
            .collect()
    }

    /// The versions of the page at `url` in the site's languages, itself
    /// included; none for a site in one language.
    pub fn translations_of(&self, url: &str) -> Vec<translations::TranslationLink> {
        match &self.translations {
            Some((table, language)) => table.of(*language, url, &self.site.config),
            None => Vec::new(),
        }
    }

    /// What a page's template receives: `site` (in `base`), the page's
    /// view, its URL and its share meta.
    #[cfg(test)]
    fn context(&self, templates: &Templates, base: &Context, page: &PlannedPage) -> Context {
        let lists = self
            .make_lists(templates, &[page])
            .expect("rows and items render");
        let cards = self
            .cards(
                templates,
                &mut fragments::CardContexts::new(base),
                &[page.job],
            )
            .expect("cards render");
        let body = self
            .body(&[page.job])
            .map(|(_, body)| body)
            .transpose()
            .expect("body renders");
        let mut context = base.clone();
        let fragments = fragments::Fragments {
            lists: &lists,
            cards: &cards[0],
            body: body.as_deref().unwrap_or_default(),
        };
        self.fill(&mut context, &mut Held::default(), page, &fragments);
        context
    }

    /// Puts the page's own variables into `context`, which holds `site`
    /// and what `held` says the last page filled it with: the last page's
    /// variables are written over, and those this page lacks taken out.
    /// `fragments` holds the rows and cards the page prints.
    fn fill(
        &self,
        context: &mut Context,
        held: &mut Held,
        page: &PlannedPage,
        fragments: &fragments::Fragments,
    ) {
        let view = self.view_with(page.job, fragments);
        let scratch = &mut held.scratch;
        let read = |name: &str| self.reads.reads(name);
        reuse::set_fields(context, &view, &read, &mut held.names, scratch)
            .expect("page views serialise");
        let url = page.url();
        reuse::set(context, "current_url", &*url, scratch).expect("URLs serialise");
        reuse::set(
            context,
            "translations",
            &self.translations_of(&url),
            scratch,
        )
        .expect("translation links serialise");
        let mut meta = view.meta(
            &self.shared.site,
            &self.site.config,
            self.site.config.absolute(&url),
        );
        if let Some(k) = page.job.page().filter(|&k| k > 0) {
            meta.title = self.site.config.locale.text(
                "title_page",
                &[("title", meta.title), ("number", (k + 1).to_string())],
            );
        }
        reuse::set(context, "meta", &meta, scratch).expect("share meta serialises");
    }
}

/// A pool of one thread, for work that runs beside the pages' pool without
/// drawing on it (see [`Plan::render_each`]); `None` when no thread could
/// be started, and the work's parallel parts then wait for the pages'.
fn one_thread() -> Option<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .thread_name(|_| "brief-alongside".into())
        .build()
        .ok()
}

/// What a page context holds besides `site`: the names of the last page's
/// own variables, and what writing over them needs.
#[derive(Default)]
struct Held {
    names: Vec<String>,
    scratch: reuse::Scratch,
}
