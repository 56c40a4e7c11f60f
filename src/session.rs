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
use crate::{fingerprint, parse, theme, validate, write};

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
        }
    }

    pub fn output(&self) -> &Path {
        &self.output
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
    fn compile(&mut self, changed: Option<&HashSet<PathBuf>>) -> Result<Compiled, Vec<Diagnostic>> {
        self.load(changed);
        let mut diagnostics = self.load_diagnostics.clone();
        let (config, d) = crate::config::load(self.files.config.as_ref(), &self.options);
        diagnostics.extend(d);
        let highlight_css = parse::highlight::stylesheet(&config.highlight_theme);
        if highlight_css.is_none() {
            diagnostics.push(unknown_theme(&config, self.files.config.as_ref()));
        }

        // Parses depend on the base path (links are made absolute with it).
        let settings = fingerprint::of(&config.base_path);
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
        let briefings = reparse(
            &mut self.briefings,
            &self.files.briefings,
            &config,
            parse::briefing,
            &mut diagnostics,
        )
        .into_iter()
        .filter(|b| drafts || !b.draft)
        .collect();
        let pages = reparse(
            &mut self.pages,
            &self.files.pages,
            &config,
            parse::page,
            &mut diagnostics,
        )
        .into_iter()
        .filter(|p| drafts || !p.draft)
        .collect();

        let site = resolve::resolve(config, briefings, pages, site_speakers, site_sources);
        diagnostics.extend(validate::validate(&site));
        let templates = self.templates();
        let has_errors = diagnostics.iter().any(Diagnostic::is_error);
        match (templates, highlight_css) {
            (Ok(templates), Some(highlight_css)) if !has_errors => Ok(Compiled {
                site,
                templates,
                highlight_css,
                warnings: sorted(diagnostics),
            }),
            (Err(d), _) => {
                diagnostics.extend(d);
                Err(sorted(diagnostics))
            }
            _ => Err(sorted(diagnostics)),
        }
    }

    /// The compiled templates, compiled again only when a template changed.
    fn templates(&mut self) -> Result<Arc<Templates>, Vec<Diagnostic>> {
        let key = fingerprint::of(
            &self
                .files
                .templates
                .iter()
                .map(|(name, file)| (name, &file.text))
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
        let compiled = self.compile(None)?;
        // Render too: a template that fails only when run is an error.
        let plan = render::plan(
            &compiled.site,
            &compiled.templates,
            &mut render::Cache::default(),
        );
        let all: Vec<&PlannedPage> = plan.pages.iter().collect();
        plan.render(&compiled.templates, &all)?;
        drop(plan);
        Ok((compiled.site, compiled.warnings))
    }

    /// A full build into a staging folder, swapped in when complete: what
    /// `brief build` does, and how `serve` and `watch` start.
    pub fn build(&mut self) -> Result<Report, Failure> {
        let start = Instant::now();
        write::check_output(&self.options.root, &self.output).map_err(Failure::Write)?;
        let compiled = self.compile(None).map_err(Failure::Content)?;
        let mut cache = render::Cache::default();
        let plan = render::plan(&compiled.site, &compiled.templates, &mut cache);
        let all: Vec<&PlannedPage> = plan.pages.iter().collect();
        let mut files = plan
            .render(&compiled.templates, &all)
            .map_err(Failure::Content)?;
        files.extend(self.assets(&compiled.highlight_css));
        let count = write::write(&self.output, &files).map_err(Failure::Write)?;
        cache.remember(&all);
        self.written = files
            .iter()
            .map(|(path, bytes)| (path.clone(), fingerprint::of(bytes)))
            .collect();
        let report = report(&compiled, &files, count, start);
        drop(plan);
        self.cache = cache;
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
        let compiled = self.compile(changed).map_err(Failure::Content)?;
        let mut cache = std::mem::take(&mut self.cache);
        let plan = render::plan(&compiled.site, &compiled.templates, &mut cache);
        let stale = plan.stale(&cache);
        let (direct, rest): (Vec<&PlannedPage>, Vec<&PlannedPage>) =
            stale.into_iter().partition(|p| p.is_direct());
        let urls: HashMap<&Path, &str> = plan
            .pages
            .iter()
            .map(|p| (p.path.as_path(), p.url.as_str()))
            .collect();

        // The pages a writer is looking at go out first, so the browser can
        // reload while index pages are still being rendered. A template that
        // fails at that second step leaves those pages as they were (and not
        // remembered), so the next good save renders them again.
        let mut written = 0;
        let mut assets = Vec::new();
        for (batch, is_last) in [(&direct, false), (&rest, true)] {
            let mut files = match plan.render(&compiled.templates, batch) {
                Ok(files) => files,
                Err(diagnostics) => {
                    self.cache = cache;
                    return Err(Failure::Content(diagnostics));
                }
            };
            if is_last {
                assets = self.assets(&compiled.highlight_css);
                files.extend(assets.iter().cloned());
            }
            let changed = match write::write_changed(&self.output, &files, &mut self.written) {
                Ok(changed) => changed,
                Err(err) => {
                    self.cache = cache;
                    return Err(Failure::Write(err));
                }
            };
            cache.remember(batch);
            written += changed.len();
            let (pages, other): (Vec<PathBuf>, Vec<PathBuf>) = changed
                .into_iter()
                .partition(|p| urls.contains_key(p.as_path()));
            if !pages.is_empty() || !other.is_empty() {
                announce(&Written {
                    pages: pages.iter().map(|p| urls[p.as_path()].to_owned()).collect(),
                    assets: other,
                    removed: Vec::new(),
                });
            }
        }

        // Pages and files that are no longer part of the site.
        let mut keep: HashSet<PathBuf> = plan.pages.iter().map(|p| p.path.clone()).collect();
        keep.extend(assets.iter().map(|(path, _)| path.clone()));
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
        let files: Vec<render::OutputFile> = Vec::new();
        let mut report = report(&compiled, &files, written, start);
        report.files = self.written.len();
        report.pages = keep
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "html"))
            .count();
        drop(plan);
        self.cache = cache;
        Ok(report)
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

fn report(
    compiled: &Compiled,
    files: &[render::OutputFile],
    written: usize,
    start: Instant,
) -> Report {
    Report {
        files: files.len(),
        pages: files
            .iter()
            .filter(|(p, _)| p.extension().is_some_and(|e| e == "html"))
            .count(),
        written,
        briefings: compiled.site.briefings.len(),
        claims: compiled.site.briefings.iter().map(|b| b.claims.len()).sum(),
        elapsed: start.elapsed(),
        warnings: compiled.warnings.clone(),
    }
}

fn sorted(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostic::sort(&mut diagnostics);
    diagnostics
}

fn unknown_theme(config: &SiteConfig, file: Option<&SourceFile>) -> Diagnostic {
    let spans = parse::yaml::Spans::new(
        file.map(|f| f.text.clone()).unwrap_or_default(),
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
/// and returns every file's result in file order.
fn reparse<T: Send + Sync>(
    cache: &mut HashMap<PathBuf, Parsed<T>>,
    files: &[SourceFile],
    config: &SiteConfig,
    parse: ParseFn<T>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Arc<T>> {
    let fresh: Vec<(PathBuf, Parsed<T>)> = files
        .par_iter()
        .filter_map(|file| {
            let text_hash = fingerprint::of(&file.text);
            match cache.get(&file.path) {
                Some(cached) if cached.text_hash == text_hash => None,
                _ => {
                    let (value, diagnostics) = parse(file, config);
                    Some((
                        file.path.clone(),
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
    let present: HashSet<&Path> = files.iter().map(|f| f.path.as_path()).collect();
    cache.retain(|path, _| present.contains(path.as_path()));
    let mut out = Vec::with_capacity(files.len());
    for file in files {
        let parsed = &cache[&file.path];
        diagnostics.extend(parsed.diagnostics.iter().cloned());
        out.extend(parsed.value.clone());
    }
    out
}
