//! A site kept in memory between builds, so a rebuild redoes only what a
//! change touched.
//!
//! `brief build` runs one build through a fresh session; `brief serve` and
//! `brief watch` keep the session and call [`Session::rebuild`] with the
//! files that changed. Each stage keeps what it can: file texts are read
//! again only when they changed, a file is parsed again only when its text
//! changed, a page is rendered again only when what it shows changed (see
//! `render`), and a file is written only when its bytes changed. Because the
//! one-off build runs the same code with nothing kept, a rebuild writes
//! exactly what a fresh build would.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::{Options, SiteConfig};
use crate::diagnostic::{self, Diagnostic};
use crate::load::{self, SiteFiles, SourceFile};
use crate::model::{Briefing, Page};
use crate::render::{self, PlannedPage, Templates};
use crate::resolve::{self, Site};
use crate::{fingerprint, parse, theme, validate, write, BuildMode};

/// What a finished build did, for the summary line.
#[derive(Debug, Default)]
pub struct Report {
    /// Files in the output.
    pub files: usize,
    /// HTML pages in the output.
    pub pages: usize,
    /// Files whose bytes changed and were written by this build.
    pub written: usize,
    pub briefings: usize,
    pub claims: usize,
    pub elapsed: Duration,
    pub warnings: Vec<Diagnostic>,
    /// Time spent in each stage, in order, and the memory in use at its end
    /// (printed when the environment variable `BRIEF_TIMINGS` is set).
    pub stages: Vec<Stage>,
}

/// One stage of a build, for `BRIEF_TIMINGS`.
#[derive(Debug, Clone)]
pub struct Stage {
    pub name: &'static str,
    pub took: Duration,
    /// Resident memory at the stage's end, and the most the process has
    /// held so far, in bytes, where the system says (Linux).
    pub resident: Option<u64>,
    pub peak: Option<u64>,
}

/// Time taken by each stage of a build.
#[derive(Debug, Default)]
struct Stopwatch {
    last: Option<Instant>,
    stages: Vec<Stage>,
}

impl Stopwatch {
    fn start() -> Stopwatch {
        Stopwatch {
            last: Some(Instant::now()),
            stages: Vec::new(),
        }
    }

    /// Ends the stage called `name` and starts the next.
    fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        if let Some(last) = self.last {
            self.stages.push(Stage {
                name,
                took: now - last,
                resident: memory("VmRSS:"),
                peak: memory("VmHWM:"),
            });
        }
        self.last = Some(now);
    }
}

/// A figure of the process's memory from `/proc/self/status` (`VmRSS:`,
/// resident now; `VmHWM:`, the most resident so far), which gives it in
/// kilobytes whatever the page size.
fn memory(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kilobytes: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes * 1024)
}

/// Why a build stopped.
#[derive(Debug)]
pub enum Failure {
    /// Problems in the content: every one found, sorted.
    Content(Vec<Diagnostic>),
    /// The output could not be written.
    Write(write::WriteError),
}

/// What a rebuild changed in the output, announced as soon as it is on
/// disk: first the pages a writer is most likely looking at, then the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// URLs of pages whose HTML changed (or appeared).
    pub pages: Vec<String>,
    /// Output paths of other files that changed (stylesheets, static files).
    pub assets: Vec<PathBuf>,
    /// Output paths that were removed.
    pub removed: Vec<PathBuf>,
}

struct Parsed<T> {
    text_hash: u64,
    value: Option<Arc<T>>,
    diagnostics: Vec<Diagnostic>,
}

/// A site between builds.
pub struct Session {
    pub options: Options,
    output: PathBuf,
    files: SiteFiles,
    load_diagnostics: Vec<Diagnostic>,
    loaded: bool,
    briefings: HashMap<PathBuf, Parsed<Briefing>>,
    pages: HashMap<PathBuf, Parsed<Page>>,
    /// The settings the cached parses were made with.
    parse_settings: u64,
    templates: Option<(u64, Arc<Templates>)>,
    cache: render::Cache,
    /// Output path -> fingerprint of the bytes on disk, once written.
    written: HashMap<PathBuf, u64>,
    stopwatch: Stopwatch,
    base_path: String,
    /// Each briefing's own checks, with the fingerprint they were made for.
    checked: HashMap<PathBuf, (u64, Arc<[Diagnostic]>)>,
    /// The last good build's site, with the fingerprint of what its indexes
    /// were made from, and that fingerprint for the build under way.
    resolved: Option<(u64, Site)>,
    resolve_key: u64,
    /// The fingerprint of every claim's verdict, for the build under way:
    /// when only it changed, only the index of claims by verdict is redone.
    verdicts_key: u64,
    /// The fingerprint of the last build's output paths (pages and assets),
    /// with its number of pages: while it holds, no file can have appeared,
    /// vanished or come to clash with another.
    layout: Option<(u64, usize)>,
}

/// Everything up to rendering, for one build.
struct Compiled {
    site: Site,
    templates: Arc<Templates>,
    highlight_css: String,
    warnings: Vec<Diagnostic>,
}

impl Session {
    pub fn new(options: Options) -> Session {
        Session {
            output: options.output_dir(),
            options,
            files: SiteFiles::default(),
            load_diagnostics: Vec::new(),
            loaded: false,
            briefings: HashMap::new(),
            pages: HashMap::new(),
            parse_settings: 0,
            templates: None,
            cache: render::Cache::default(),
            written: HashMap::new(),
            stopwatch: Stopwatch::default(),
            base_path: "/".to_owned(),
            checked: HashMap::new(),
            resolved: None,
            resolve_key: 0,
            verdicts_key: 0,
            layout: None,
        }
    }

    pub fn output(&self) -> &Path {
        &self.output
    }

    /// The URL path prefix of the last successful build (`/` before one).
    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    /// Reads the files again: all of them the first time, then only those
    /// in `changed` (absolute paths), or all when `changed` is `None`.
    fn load(&mut self, changed: Option<&HashSet<PathBuf>>) {
        let root = &self.options.root;
        let (files, diagnostics) = match changed {
            Some(changed) if self.loaded => {
                load::reload(root, &self.files, &self.load_diagnostics, changed)
            }
            _ => load::load(root),
        };
        self.files = files;
        self.load_diagnostics = diagnostics;
        self.loaded = true;
    }

    /// Parses what changed and checks the whole site.
    /// In a one-off build (`brief build`) the files' texts are let go as
    /// soon as they are parsed, since no rebuild will want them.
    fn compile(
        &mut self,
        changed: Option<&HashSet<PathBuf>>,
        mode: BuildMode,
    ) -> Result<Compiled, Vec<Diagnostic>> {
        self.stopwatch = Stopwatch::start();
        self.load(changed);
        self.stopwatch.lap("load");
        let mut diagnostics = self.load_diagnostics.clone();
        let (config, d) = crate::config::load(self.files.config.as_ref(), &self.options);
        diagnostics.extend(d);
        let highlight_css = parse::highlight::stylesheet(&config.highlight_theme);
        if highlight_css.is_none() {
            diagnostics.push(unknown_theme(&config, self.files.config.as_ref()));
        }

        // Parses depend on the base path (links are made absolute with it)
        // and on whether raw HTML is kept.
        let settings = fingerprint::of(&(&config.base_path, config.markdown_safe));
        if settings != self.parse_settings {
            self.briefings.clear();
            self.pages.clear();
            self.parse_settings = settings;
        }
        let (site_speakers, d) = self
            .files
            .speakers
            .as_ref()
            .map(parse::site_speakers)
            .unwrap_or_default();
        diagnostics.extend(d);
        let (site_sources, d) = self
            .files
            .sources
            .as_ref()
            .map(parse::site_sources)
            .unwrap_or_default();
        diagnostics.extend(d);

        let drafts = self.options.drafts;
        // Each text is dropped as soon as it is parsed in a one-off build,
        // so the texts and their parses are never all held at once.
        let (briefing_files, page_files) = if mode == BuildMode::OneOff {
            (
                std::mem::take(&mut self.files.briefings),
                std::mem::take(&mut self.files.pages),
            )
        } else {
            (self.files.briefings.clone(), self.files.pages.clone())
        };
        let briefings = reparse(
            &mut self.briefings,
            briefing_files,
            &config,
            parse::briefing,
            &mut diagnostics,
            |b| drafts || !b.draft,
        );
        let pages = reparse(
            &mut self.pages,
            page_files,
            &config,
            parse::page,
            &mut diagnostics,
            |p| drafts || !p.draft,
        );
        self.stopwatch.lap("parse");

        // The indexes depend on what `index_key` covers; when none of that
        // changed (an edit to a text), the last build's indexes still hold.
        let resolve_key = fingerprint::of(&(
            self.files.config.as_ref().map(|f| f.hash),
            &self.options.base_url,
            self.files.speakers.as_ref().map(|f| f.hash),
            self.files.sources.as_ref().map(|f| f.hash),
            briefings.iter().map(|b| b.index_key).collect::<Vec<_>>(),
            pages
                .iter()
                .map(|p| (&p.slug, &p.content_path, &p.title))
                .collect::<Vec<_>>(),
        ));
        let verdicts_key =
            fingerprint::of(&briefings.iter().map(|b| b.verdict_key).collect::<Vec<_>>());
        let mut site = match self.resolved.take() {
            Some((key, previous)) if key == resolve_key => resolve::reuse(
                previous,
                config,
                briefings,
                pages,
                verdicts_key != self.verdicts_key,
            ),
            _ => resolve::resolve(config, briefings, pages, site_speakers, site_sources),
        };
        self.resolve_key = resolve_key;
        self.verdicts_key = verdicts_key;
        site.unparsed = self
            .briefings
            .iter()
            .map(|(path, parsed)| (path, parsed.value.is_none()))
            .chain(
                self.pages
                    .iter()
                    .map(|(path, parsed)| (path, parsed.value.is_none())),
            )
            .filter(|(_, broken)| *broken)
            .map(|(path, _)| parse::content_path(path))
            .collect();
        self.stopwatch.lap("resolve");
        diagnostics.extend(self.validate(&site));
        self.stopwatch.lap("validate");
        let templates = self.templates();
        self.stopwatch.lap("templates");
        let has_errors = diagnostics.iter().any(Diagnostic::is_error);
        match (templates, highlight_css) {
            // Unsorted: a full build sorts them to print them all, while a
            // rebuild shows only the new ones, and sorting the tens of
            // thousands a large archive can have would slow every save.
            (Ok(templates), Some(highlight_css)) if !has_errors => Ok(Compiled {
                site,
                templates,
                highlight_css,
                warnings: diagnostics,
            }),
            (Err(d), _) => {
                diagnostics.extend(d);
                Err(sorted(diagnostics))
            }
            _ => Err(sorted(diagnostics)),
        }
    }

    /// Every problem in the site, keeping each briefing's own checks while
    /// neither it nor the site-wide speakers, sources and scale changed.
    fn validate(&mut self, site: &Site) -> Vec<Diagnostic> {
        let context = fingerprint::of(&(
            self.files.speakers.as_ref().map(|f| f.hash),
            self.files.sources.as_ref().map(|f| f.hash),
            site.config.scale.iter().map(|v| &v.id).collect::<Vec<_>>(),
        ));
        // Only the briefings whose checks' inputs changed are checked again;
        // a save changes one, and a large archive has tens of thousands of
        // warnings that are not worth copying twice.
        let fresh: Vec<(usize, u64, Arc<[Diagnostic]>)> = (0..site.briefings.len())
            .into_par_iter()
            .filter_map(|b| {
                let briefing = &site.briefings[b];
                let key = fingerprint::of(&(briefing.hash, context));
                match self.checked.get(&briefing.file) {
                    Some((cached, _)) if *cached == key => None,
                    _ => {
                        let found = validate::briefing_checks(site, b).into();
                        // Let go at once, or every index is held at the
                        // end of this loop.
                        briefing.spans.forget_positions();
                        Some((b, key, found))
                    }
                }
            })
            .collect();
        for (b, key, found) in fresh {
            self.checked
                .insert(site.briefings[b].file.clone(), (key, found));
        }
        if self.checked.len() != site.briefings.len() {
            let present: HashSet<&Path> = site.briefings.iter().map(|b| b.file.as_path()).collect();
            self.checked
                .retain(|file, _| present.contains(file.as_path()));
        }
        let mut diagnostics = validate::site_checks(site);
        for briefing in &site.briefings {
            diagnostics.extend(self.checked[&briefing.file].1.iter().cloned());
            // Some problems are located in another briefing's front
            // matter (where a shared speaker is defined): let go of those
            // indexes too.
            briefing.spans.forget_positions();
        }
        diagnostics
    }

    /// The compiled templates, compiled again only when a template changed.
    fn templates(&mut self) -> Result<Arc<Templates>, Vec<Diagnostic>> {
        let key = fingerprint::of(
            &self
                .files
                .templates
                .iter()
                .map(|(name, file)| (name, file.hash))
                .collect::<Vec<_>>(),
        );
        if let Some((cached, templates)) = &self.templates {
            if *cached == key {
                return Ok(templates.clone());
            }
        }
        let templates = Arc::new(render::templates(&self.files.templates)?);
        self.templates = Some((key, templates.clone()));
        Ok(templates)
    }

    /// Checks the site and renders nothing: `brief check`.
    pub fn check(&mut self) -> Result<(Site, Vec<Diagnostic>), Vec<Diagnostic>> {
        let compiled = self.compile(None, BuildMode::Kept)?;
        // Render too: a template that fails only when run is an error.
        let mut stopwatch = std::mem::take(&mut self.stopwatch);
        self.render_site(
            &compiled,
            &mut render::Cache::default(),
            &mut stopwatch,
            drop,
        )?;
        Ok((compiled.site, sorted(compiled.warnings)))
    }

    /// Plans and renders every page, refusing clashes, and records them in
    /// `cache`: the whole site as a fresh build makes it. Each file, pages
    /// and data files alike, goes to `put` as soon as it is made; what
    /// `put` returns comes back with the fingerprint of every output path.
    fn render_site<T: Send>(
        &self,
        compiled: &Compiled,
        cache: &mut render::Cache,
        stopwatch: &mut Stopwatch,
        put: impl Fn(render::OutputFile) -> T + Sync,
    ) -> Result<(Vec<T>, u64), Vec<Diagnostic>> {
        let mut plan = render::plan(&compiled.site, &compiled.templates, cache, self.resolve_key);
        plan.add_claim_pages();
        let assets = self.asset_paths(&plan);
        self.check_clashes(&compiled.site, &plan.pages, &assets)?;
        stopwatch.lap("plan");
        let all: Vec<&PlannedPage> = plan.pages.iter().collect();
        let mut done = plan.render_each(&compiled.templates, &all, &put)?;
        cache.remember(&all);
        stopwatch.lap("render and write pages");
        // Thousands of index files, and a few large data files: written in
        // parallel, like the pages, so that one file's wait on the disk does
        // not hold up the rest.
        let (data, made) = plan.data_files(cache);
        let data: Vec<T> = self
            .not_overridden(data)
            .into_par_iter()
            .map(&put)
            .collect();
        done.extend(data);
        cache.remember_data(made);
        stopwatch.lap("data files");
        let index: Vec<T> = render::search::files(&plan, cache)
            .into_par_iter()
            .map(&put)
            .collect();
        done.extend(index);
        stopwatch.lap("search index");
        Ok((done, layout(&plan, &assets)))
    }

    /// A full build into a staging folder, swapped in when complete: what
    /// `brief build` does, and how `serve` and `watch` start. Pages are
    /// written as they are rendered, so the site is never whole in memory.
    pub fn build(&mut self) -> Result<Report, Failure> {
        self.full_build(BuildMode::Kept)
    }

    /// A full build with no rebuild to follow, `brief build`: what is kept
    /// only to make later rebuilds fast (the files' texts and parses) is
    /// let go before rendering, which at 10,000 briefings is a few hundred
    /// megabytes.
    pub fn build_once(mut self) -> Result<Report, Failure> {
        self.full_build(BuildMode::OneOff)
    }

    fn full_build(&mut self, mode: BuildMode) -> Result<Report, Failure> {
        let start = Instant::now();
        write::check_output(&self.options.root, &self.output).map_err(Failure::Write)?;
        let mut compiled = self.compile(None, mode).map_err(Failure::Content)?;
        if mode == BuildMode::OneOff {
            // Static files and templates are still to be copied and used;
            // the content's problems are all found, so nothing needs to be
            // located in its front matter again.
            self.briefings.clear();
            self.pages.clear();
            self.checked.clear();
            for briefing in &compiled.site.briefings {
                briefing.spans.release();
            }
        }
        let mut cache = render::Cache::new(mode);
        let staging = write::Staging::begin(&self.output).map_err(Failure::Write)?;
        // Each file's path, fingerprint and whether its bytes are new.
        let put = |(path, bytes): render::OutputFile| -> Result<_, write::WriteError> {
            let written = staging.put(&path, &bytes)?;
            Ok((path, fingerprint::of(&bytes), written))
        };
        let mut stopwatch = std::mem::take(&mut self.stopwatch);
        let (mut done, layout) = self
            .render_site(&compiled, &mut cache, &mut stopwatch, put)
            .map_err(Failure::Content)?;
        done.extend(self.assets(&compiled.highlight_css).into_iter().map(put));
        let done: Vec<(PathBuf, u64, bool)> = done
            .into_iter()
            .collect::<Result<_, write::WriteError>>()
            .map_err(Failure::Write)?;
        staging.finish().map_err(Failure::Write)?;
        stopwatch.lap("swap");
        self.stopwatch = stopwatch;
        let count = done.iter().filter(|(_, _, written)| *written).count();
        let warnings = sorted(std::mem::take(&mut compiled.warnings));
        let mut report = report(&compiled, warnings, count, start);
        report.stages = self.stopwatch.stages.clone();
        report.files = done.len();
        report.pages = done
            .iter()
            .filter(|(p, _, _)| p.extension().is_some_and(|e| e == "html"))
            .count();
        self.written = done
            .into_iter()
            .map(|(path, hash, _)| (path, hash))
            .collect();
        self.layout = Some((layout, report.pages));
        self.cache = cache;
        self.base_path = compiled.site.config.base_path.clone();
        self.resolved = Some((self.resolve_key, compiled.site));
        Ok(report)
    }

    /// Rebuilds after `changed` files changed, writing in place only the
    /// files whose bytes changed. `announce` hears of each batch of written
    /// files as soon as it is on disk. The output must exist (from
    /// [`Session::build`]).
    pub fn rebuild(
        &mut self,
        changed: Option<&HashSet<PathBuf>>,
        announce: &mut dyn FnMut(&Written),
    ) -> Result<Report, Failure> {
        let start = Instant::now();
        let mut compiled = self
            .compile(changed, BuildMode::Kept)
            .map_err(Failure::Content)?;
        let warnings = std::mem::take(&mut compiled.warnings);
        let mut cache = std::mem::take(&mut self.cache);
        let mut written = 0;

        // The page of a briefing being edited goes out first, before the
        // whole site is planned: at 10,000 briefings planning takes longer
        // than the page. Only a page the last build had: a new one might
        // clash with a file, which the whole plan checks.
        let edited: Vec<usize> = match changed {
            Some(changed) => (0..compiled.site.briefings.len())
                .filter(|&b| {
                    let file = &compiled.site.briefings[b].file;
                    changed.contains(&self.options.root.join(file))
                })
                .collect(),
            None => Vec::new(),
        };
        if !edited.is_empty() {
            let quick = render::plan_briefings(
                &compiled.site,
                &compiled.templates,
                &mut cache,
                self.resolve_key,
                &edited,
            );
            let pages: Vec<&PlannedPage> = quick
                .stale(&cache)
                .into_iter()
                .filter(|p| cache.has_page(p))
                .collect();
            if !pages.is_empty() {
                let files = match quick.render(&compiled.templates, &pages) {
                    Ok(files) => files,
                    Err(diagnostics) => {
                        self.cache = cache;
                        return Err(Failure::Content(diagnostics));
                    }
                };
                let changed = match write::write_changed(&self.output, &files, &mut self.written) {
                    Ok(changed) => changed,
                    Err(err) => {
                        self.cache = cache;
                        return Err(Failure::Write(err));
                    }
                };
                cache.remember(&pages);
                written += changed.len();
                if let Some(news) = news(&pages, changed) {
                    announce(&news);
                }
            }
            self.stopwatch.lap("edited page");
        }

        let mut plan = render::plan(
            &compiled.site,
            &compiled.templates,
            &mut cache,
            self.resolve_key,
        );
        // The set of files changes only when a page or a static file comes
        // or goes; a plain edit skips the checks that need every path.
        let assets = self.asset_paths(&plan);
        let layout = layout(&plan, &assets);
        let same_layout = self.layout.is_some_and(|(last, _)| last == layout);
        if same_layout {
            plan.add_stale_claim_pages(&cache);
        } else {
            plan.add_claim_pages();
            if let Err(diagnostics) = self.check_clashes(&compiled.site, &plan.pages, &assets) {
                drop(plan);
                self.cache = cache;
                return Err(Failure::Content(diagnostics));
            }
        }
        let stale = plan.stale(&cache);
        self.stopwatch.lap("plan");
        let (direct, rest): (Vec<&PlannedPage>, Vec<&PlannedPage>) =
            stale.into_iter().partition(|p| p.is_direct());

        // The pages a writer is looking at go out first, so the browser can
        // reload while index pages are still being rendered. A template that
        // fails at that second step leaves those pages as they were (and not
        // remembered), so the next good save renders them again.
        let mut made = Vec::new();
        let mut index = HashSet::new();
        for (batch, is_last) in [(&direct, false), (&rest, true)] {
            let mut files = match plan.render(&compiled.templates, batch) {
                Ok(files) => files,
                Err(diagnostics) => {
                    self.cache = cache;
                    return Err(Failure::Content(diagnostics));
                }
            };
            self.stopwatch.lap(if is_last {
                "render the rest"
            } else {
                "render pages"
            });
            if is_last {
                files.extend(self.assets(&compiled.highlight_css));
                let data;
                (data, made) = plan.data_files(&cache);
                files.extend(self.not_overridden(data));
                // The search index, after the pages: announced like assets,
                // so open pages do not reload for it.
                let search = render::search::files(&plan, &mut cache);
                self.stopwatch.lap("search index");
                index = search.iter().map(|(path, _)| path.clone()).collect();
                files.extend(search);
            }
            let changed = match write::write_changed(&self.output, &files, &mut self.written) {
                Ok(changed) => changed,
                Err(err) => {
                    self.cache = cache;
                    return Err(Failure::Write(err));
                }
            };
            cache.remember(batch);
            if is_last {
                cache.remember_data(std::mem::take(&mut made));
            }
            self.stopwatch.lap(if is_last {
                "write the rest"
            } else {
                "write pages"
            });
            written += changed.len();
            if let Some(news) = news(batch, changed) {
                announce(&news);
            }
        }

        // Pages and files that are no longer part of the site.
        // Files of the last search index that this one does not have (fewer
        // shards after an edit, say) go even when no page came or went.
        let dropped: HashSet<PathBuf> = self
            .written
            .keys()
            .filter(|p| render::search::is_index_file(p) && !index.contains(*p))
            .cloned()
            .collect();
        if !dropped.is_empty() {
            let keep: HashSet<PathBuf> = self
                .written
                .keys()
                .filter(|p| !dropped.contains(*p))
                .cloned()
                .collect();
            match write::remove_stale(&self.output, &keep, &mut self.written) {
                Ok(removed) => announce(&Written {
                    pages: Vec::new(),
                    assets: Vec::new(),
                    removed,
                }),
                Err(err) => {
                    self.cache = cache;
                    return Err(Failure::Write(err));
                }
            }
        }
        let pages = match self.layout {
            Some((_, pages)) if same_layout => pages,
            _ => {
                let mut keep: HashSet<PathBuf> =
                    plan.pages.iter().map(|p| p.path.clone()).collect();
                keep.extend(assets.iter().cloned());
                keep.extend(index.iter().cloned());
                cache.retain(|path| keep.contains(path));
                let removed = match write::remove_stale(&self.output, &keep, &mut self.written) {
                    Ok(removed) => removed,
                    Err(err) => {
                        self.cache = cache;
                        return Err(Failure::Write(err));
                    }
                };
                if !removed.is_empty() {
                    announce(&Written {
                        pages: Vec::new(),
                        assets: Vec::new(),
                        removed,
                    });
                }
                keep.iter()
                    .filter(|p| p.extension().is_some_and(|e| e == "html"))
                    .count()
            }
        };
        self.layout = Some((layout, pages));
        let mut report = report(&compiled, warnings, written, start);
        report.files = self.written.len();
        report.pages = pages;
        self.stopwatch.lap("remove stale");
        report.stages = std::mem::take(&mut self.stopwatch.stages);
        drop(plan);
        self.cache = cache;
        self.base_path = compiled.site.config.base_path.clone();
        self.resolved = Some((self.resolve_key, compiled.site));
        Ok(report)
    }

    /// Refuses a build where a file would overwrite a page.
    fn check_clashes(
        &self,
        site: &Site,
        pages: &[PlannedPage],
        assets: &[PathBuf],
    ) -> Result<(), Vec<Diagnostic>> {
        let mut found = clashes(site, pages, assets, &self.files.static_files);
        found.extend(render::search::clashes(&self.files.static_files));
        if found.is_empty() {
            Ok(())
        } else {
            Err(found)
        }
    }

    /// Where the stylesheets, static and data files go, sorted.
    fn asset_paths(&self, plan: &render::Plan) -> Vec<PathBuf> {
        let mut assets = plan.data_paths();
        assets.push(PathBuf::from("highlight.css"));
        assets.extend(theme::STATIC.iter().map(|(path, _)| PathBuf::from(path)));
        assets.extend(self.files.static_files.iter().map(|(rel, _)| rel.clone()));
        assets.sort();
        assets.dedup();
        assets
    }

    /// Leaves out the files the site's own static files replace, as they
    /// replace the theme's.
    fn not_overridden(&self, files: Vec<render::OutputFile>) -> Vec<render::OutputFile> {
        files
            .into_iter()
            .filter(|(path, _)| !self.files.static_files.iter().any(|(rel, _)| rel == path))
            .collect()
    }

    /// The stylesheets and static files, as output files.
    fn assets(&self, highlight_css: &str) -> Vec<render::OutputFile> {
        let mut files = vec![(
            PathBuf::from("highlight.css"),
            highlight_css.as_bytes().to_vec(),
        )];
        for (path, bytes) in theme::STATIC {
            if !self
                .files
                .static_files
                .iter()
                .any(|(rel, _)| rel == Path::new(path))
            {
                files.push((PathBuf::from(path), bytes.to_vec()));
            }
        }
        for (rel, abs) in &self.files.static_files {
            // A static file that vanished between listing and reading is
            // simply left out; the next change event brings it back.
            if let Ok(bytes) = std::fs::read(abs) {
                files.push((rel.clone(), bytes));
            }
        }
        files
    }
}

/// Output files that would overwrite a page: a static file at a page's
/// path, or any file where a page needs a folder (a page `style.css` beside
/// the stylesheet).
fn clashes(
    site: &Site,
    pages: &[PlannedPage],
    assets: &[PathBuf],
    static_files: &[(PathBuf, PathBuf)],
) -> Vec<Diagnostic> {
    // Only pages under a folder that holds an asset can clash with one.
    let tops: HashSet<&std::ffi::OsStr> = assets.iter().filter_map(|a| a.iter().next()).collect();
    let mut taken: HashMap<&Path, &PlannedPage> = HashMap::new();
    for page in pages {
        if !page
            .path
            .iter()
            .next()
            .is_some_and(|top| tops.contains(top))
        {
            continue;
        }
        for path in page.path.ancestors().filter(|p| !p.as_os_str().is_empty()) {
            taken.entry(path).or_insert(page);
        }
    }
    let mut out = Vec::new();
    for asset in assets {
        let Some(page) = taken.get(asset.as_path()) else {
            continue;
        };
        if static_files.iter().any(|(rel, _)| rel == asset) {
            out.push(
                Diagnostic::error(
                    Path::new("static").join(asset),
                    crate::diagnostic::Position::start(),
                    format!("static/{} would overwrite the page {}", asset.display(), page.url),
                )
                .with_hint("move or rename the static file: two things cannot share one address in the built site"),
            );
        } else if let Some(source) = page.source(site) {
            out.push(
                Diagnostic::error(
                    source,
                    crate::diagnostic::Position::start(),
                    format!(
                        "the page {} clashes with the site's own file /{}",
                        page.url,
                        asset.display()
                    ),
                )
                .with_hint("rename this file: its slug is taken by one of the site's own files"),
            );
        }
    }
    out
}

/// The fingerprint of every output path of a build.
fn layout(plan: &render::Plan, assets: &[PathBuf]) -> u64 {
    fingerprint::of(&(plan.layout, assets))
}

/// The summary of a build that wrote `written` files; the caller counts
/// the files and pages.
fn report(
    compiled: &Compiled,
    warnings: Vec<Diagnostic>,
    written: usize,
    start: Instant,
) -> Report {
    Report {
        files: 0,
        pages: 0,
        written,
        briefings: compiled.site.briefings.len(),
        claims: compiled.site.briefings.iter().map(|b| b.claims.len()).sum(),
        elapsed: start.elapsed(),
        warnings,
        stages: Vec::new(),
    }
}

/// What writing `changed` after rendering `batch` tells open pages: the
/// URLs of the pages among them, and the other files as assets; nothing
/// when nothing changed.
fn news(batch: &[&PlannedPage], changed: Vec<PathBuf>) -> Option<Written> {
    if changed.is_empty() {
        return None;
    }
    let urls: HashMap<&Path, &str> = batch
        .iter()
        .map(|p| (p.path.as_path(), p.url.as_str()))
        .collect();
    let (pages, assets): (Vec<PathBuf>, Vec<PathBuf>) = changed
        .into_iter()
        .partition(|p| urls.contains_key(p.as_path()));
    Some(Written {
        pages: pages.iter().map(|p| urls[p.as_path()].to_owned()).collect(),
        assets,
        removed: Vec::new(),
    })
}

fn sorted(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostic::sort(&mut diagnostics);
    diagnostics
}

fn unknown_theme(config: &SiteConfig, file: Option<&SourceFile>) -> Diagnostic {
    let spans = parse::yaml::Spans::new(
        file.map(|f| f.text.to_string()).unwrap_or_default(),
        Default::default(),
    );
    Diagnostic::error(
        "site.yaml",
        spans.locate("highlight_theme"),
        format!("unknown highlight_theme `{}`", config.highlight_theme),
    )
    .with_field("highlight_theme")
    .with_hint(format!(
        "use one of: {}",
        parse::highlight::theme_names().join(", ")
    ))
}

type ParseFn<T> = fn(&SourceFile, &SiteConfig) -> (Option<T>, Vec<Diagnostic>);

/// Parses the files whose text changed since the last build, in parallel,
/// and returns, in file order, those that `wanted` keeps. A draft left out
/// is left out whole: its problems wait for `--drafts`.
fn reparse<T: Send + Sync>(
    cache: &mut HashMap<PathBuf, Parsed<T>>,
    files: Vec<SourceFile>,
    config: &SiteConfig,
    parse: ParseFn<T>,
    diagnostics: &mut Vec<Diagnostic>,
    wanted: impl Fn(&T) -> bool,
) -> Vec<Arc<T>> {
    let paths: Vec<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
    let fresh: Vec<(PathBuf, Parsed<T>)> = files
        .into_par_iter()
        .filter_map(|file| {
            let text_hash = file.hash;
            match cache.get(&file.path) {
                Some(cached) if cached.text_hash == text_hash => None,
                _ => {
                    let (value, diagnostics) = parse(&file, config);
                    Some((
                        file.path,
                        Parsed {
                            text_hash,
                            value: value.map(Arc::new),
                            diagnostics,
                        },
                    ))
                }
            }
        })
        .collect();
    cache.extend(fresh);
    let present: HashSet<&Path> = paths.iter().map(PathBuf::as_path).collect();
    cache.retain(|path, _| present.contains(path.as_path()));
    let mut out = Vec::with_capacity(paths.len());
    for path in &paths {
        let parsed = &cache[path];
        match &parsed.value {
            Some(value) if !wanted(value) => {}
            value => {
                diagnostics.extend(parsed.diagnostics.iter().cloned());
                out.extend(value.clone());
            }
        }
    }
    out
}
