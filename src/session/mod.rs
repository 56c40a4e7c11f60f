//! A site kept in memory between builds, so a rebuild redoes only what a
//! change touched.
//!
//! `brief build` runs one build through a fresh session; `brief serve` and
//! `brief watch` keep the session and call [`Session::rebuild`] with the
//! files that changed. The session is a row of stage caches, each keeping
//! what it made and knowing when that no longer holds: file texts are read
//! again only when they changed (`loaded`), a file is parsed again only when
//! its text changed (`parsed`), a briefing is checked again only when it or
//! what its checks read changed (`checks`), a page is rendered again only
//! when what it shows changed (`render`), and a file is written only when
//! its bytes changed (`output`). What each of those is compared by is in
//! `keys`. Because the one-off build runs the same code with nothing kept,
//! a rebuild writes exactly what a fresh build would.

mod assets;
mod build;
mod checks;
mod keys;
mod loaded;
mod output;
mod parsed;
mod rebuild;
mod stopwatch;
mod templates;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use indexmap::IndexMap;
use rustc_hash::FxHashMap as HashMap;

use crate::config::{Options, SiteConfig};
use crate::diagnostic::{self, Diagnostic};
use crate::load::SourceFile;
use crate::parse::yaml::Spans;
use crate::render::{self, Templates};
use crate::resolve::{self, Site};
use crate::{media, parse, write, BuildMode};
use checks::Checks;
use keys::SiteKeys;
use loaded::LoadedFiles;
pub(crate) use output::url_of;
use output::Output;
use parsed::ParsedFiles;
pub use stopwatch::Stage;
use stopwatch::Stopwatch;
use templates::{TemplateCache, TranslationCache};

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
    /// Images resized and encoded by this build.
    pub images_encoded: usize,
    /// Images taken from `.brief-cache/images/` instead of encoded.
    pub images_reused: usize,
    pub elapsed: Duration,
    pub warnings: Vec<Diagnostic>,
    /// Social cards drawn by this build, and those read back from
    /// `.brief-cache/cards/` instead (a rebuild leaves out the cards it
    /// knows to be on disk as they are, and counts them in neither).
    pub cards_drawn: usize,
    pub cards_reused: usize,
    /// Time spent in each stage, in order, and the memory in use at its end
    /// (printed when the environment variable `BRIEF_TIMINGS` is set).
    pub stages: Vec<Stage>,
    /// The fingerprint of the output folder as a full build left it,
    /// gathered as its files were put (see `stamp`); `None` for a rebuild.
    pub(crate) outputs: Option<u64>,
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

/// A site between builds.
pub struct Session {
    pub options: Options,
    loaded: LoadedFiles,
    parsed: ParsedFiles,
    checks: Checks,
    templates: TemplateCache,
    translations: TranslationCache,
    render: render::Cache,
    output: Output,
    /// The last good build's site, with the keys it was made for: while
    /// they hold, its indexes are taken over.
    resolved: Option<(SiteKeys, Site)>,
    stopwatch: Stopwatch,
    /// The language this session builds when it builds one of a site's
    /// other languages for the session of its default language; `None`
    /// for that one.
    language: Option<String>,
    /// For a site in several languages, a session per language other than
    /// the default, each building its pages from the same files.
    others: Vec<Session>,
    /// For a language other than the default, its pages against the
    /// default language's, set before each build.
    elsewhere: Option<Arc<crate::config::Elsewhere>>,
    /// Whether the last build was of several languages: the next is then
    /// built whole, whatever it holds, as its pages link to the others.
    was_multilingual: bool,
}

/// Everything up to rendering, for one build.
struct Compiled {
    site: Site,
    keys: SiteKeys,
    templates: Arc<Templates>,
    highlight_css: String,
    /// The files made from the site's bundle and static media.
    media: media::publish::Plan,
    warnings: Vec<Diagnostic>,
}

impl Session {
    pub fn new(options: Options) -> Session {
        Session {
            output: Output::new(options.output_dir()),
            options,
            loaded: LoadedFiles::default(),
            parsed: ParsedFiles::default(),
            checks: Checks::default(),
            templates: TemplateCache::default(),
            translations: TranslationCache::default(),
            render: render::Cache::default(),
            resolved: None,
            stopwatch: Stopwatch::default(),
            language: None,
            others: Vec::new(),
            elsewhere: None,
            was_multilingual: false,
        }
    }

    /// A session for the pages in `language`, one of the site's other
    /// languages.
    fn for_language(options: Options, language: &str) -> Session {
        let mut session = Session::new(options);
        session.language = Some(language.to_owned());
        session
    }

    pub fn output(&self) -> &Path {
        &self.output.dir
    }

    /// The URL path prefix of the last successful build (`/` before one).
    pub fn base_path(&self) -> &str {
        &self.output.base_path
    }

    /// Checks the site and renders nothing: `brief check`.
    pub fn check(&mut self) -> Result<(Site, Vec<Diagnostic>), Vec<Diagnostic>> {
        let (compiled, others) = self.compile_all(None, BuildMode::Kept)?;
        // Render too: a template that fails only when run is an error.
        let static_files = &self.loaded.files.static_files;
        // It writes nothing, so drawing cards would be wasted. The other
        // languages' pages have no static files of their own.
        let languages = std::iter::once((&compiled, static_files.as_slice()))
            .chain(others.iter().map(|other| (other, &[][..])));
        for (language, static_files) in languages {
            build::render_site(
                language,
                static_files,
                &mut render::Cache::default(),
                &mut self.stopwatch,
                None,
                drop,
                // Data files are made from the views, with no template to
                // fail: a check need not make them.
                |_: &Path, _: &render::syndication::DataFile| {},
            )?;
        }
        let mut site = compiled.site;
        site.translated = others
            .iter()
            .map(|o| crate::resolve::LanguageCount {
                language: o.site.config.language.clone(),
                briefings: o.site.briefings.len(),
                claims: o.site.briefings.iter().map(|b| b.claims.len()).sum(),
                pages: o.site.pages.len(),
            })
            .collect();
        Ok((site, sorted(compiled.warnings)))
    }

    /// What the template `card.svg` receives for each social card the site
    /// has, or would have with `social_cards: true`, by output path: the
    /// Tera context as JSON, for tools and for the test that keeps
    /// docs/reference/templates.md true. Draws and writes nothing.
    pub fn card_contexts(&mut self) -> Result<Vec<(PathBuf, serde_json::Value)>, Vec<Diagnostic>> {
        let compiled = self.compile(None, BuildMode::Kept)?;
        let mut cache = render::Cache::default();
        let plan = render::plan(
            &compiled.site,
            &compiled.templates,
            &mut cache,
            compiled.keys.resolve,
        );
        Ok(render::cards::contexts(&plan, &self.options.root))
    }

    /// Parses what changed and checks the whole site.
    fn compile(
        &mut self,
        changed: Option<&HashSet<PathBuf>>,
        mode: BuildMode,
    ) -> Result<Compiled, Vec<Diagnostic>> {
        self.stopwatch = Stopwatch::start();
        self.loaded.load(&self.options.root, changed);
        self.stopwatch.lap("load");
        self.compile_loaded(mode)
    }

    /// Parses what changed and checks the whole site in every language:
    /// the default language's, and each other's for its own session.
    /// Problems in any language fail them all.
    fn compile_all(
        &mut self,
        changed: Option<&HashSet<PathBuf>>,
        mode: BuildMode,
    ) -> Result<(Compiled, Vec<Compiled>), Vec<Diagnostic>> {
        self.stopwatch = Stopwatch::start();
        self.loaded.load(&self.options.root, changed);
        self.stopwatch.lap("load");
        let config_file = self.loaded.files.config.as_ref();
        let languages = crate::config::load_in(config_file, &self.options, &self.loaded.catalog)
            .0
            .languages;
        self.others
            .retain(|o| languages[1..].contains(o.language.as_ref().expect("a language")));
        for language in &languages[1..] {
            if !self
                .others
                .iter()
                .any(|o| o.language.as_ref() == Some(language))
            {
                let session = Session::for_language(self.options.clone(), language);
                self.others.push(session);
            }
        }
        self.others.sort_by_key(|o| {
            languages
                .iter()
                .position(|l| Some(l) == o.language.as_ref())
        });
        // Every language reads the same files, the default's session
        // having read what changed; they are shared, not read again.
        for other in &mut self.others {
            other.loaded = self.loaded.clone();
        }
        let main = self.compile_loaded(mode);
        if self.others.is_empty() {
            return main.map(|m| (m, Vec::new()));
        }
        // From the file names, so that a problem in one file of the
        // default language does not make every link to it from a
        // translation a problem too; with titles from its pages when they
        // could be read.
        let drafts = self.options.drafts;
        let mut default: std::collections::BTreeMap<String, String> =
            language_places(&self.loaded.files, &languages, None, drafts)
                .into_iter()
                .map(|place| (place.clone(), place.trim_end_matches('/').to_owned()))
                .collect();
        if let Ok(main) = &main {
            default.extend(main_places(&main.site));
        }
        let others: Vec<_> = self
            .others
            .iter_mut()
            .map(|other| {
                other.elsewhere = Some(Arc::new(crate::config::Elsewhere {
                    own: language_places(
                        &other.loaded.files,
                        &languages,
                        other.language.as_deref(),
                        drafts,
                    ),
                    default: default.clone(),
                }));
                other.compile_loaded(mode)
            })
            .collect();
        let all_good = main.is_ok() && others.iter().all(Result::is_ok);
        if !all_good {
            let mut diagnostics = Vec::new();
            for result in std::iter::once(main).chain(others) {
                match result {
                    Ok(compiled) => diagnostics.extend(compiled.warnings),
                    Err(d) => diagnostics.extend(d),
                }
            }
            return Err(deduplicated(diagnostics));
        }
        let mut main = main.unwrap_or_else(|_| unreachable!());
        let mut others: Vec<Compiled> = others.into_iter().flatten().collect();
        let sites: Vec<&Site> = others.iter().map(|o| &o.site).collect();
        main.warnings
            .extend(crate::translated::check(&main.site, &sites));
        // The media one language's pages use are published for all.
        let catalog = &self.loaded.catalog;
        if !catalog.files.is_empty() {
            let (plan, _) = media::publish::plan(catalog, &main.site.config.images, || {
                let mut used = media::publish::used(&main.site);
                for site in &sites {
                    used.extend(media::publish::used(site));
                }
                used
            });
            main.media = plan;
        }
        for other in &mut others {
            main.warnings.append(&mut other.warnings);
        }
        main.warnings = deduplicated(std::mem::take(&mut main.warnings));
        // A verdict that differs from the original's is an error.
        if main.warnings.iter().any(Diagnostic::is_error) {
            return Err(std::mem::take(&mut main.warnings));
        }
        Ok((main, others))
    }

    /// [`Session::compile`] with the files already read.
    fn compile_loaded(&mut self, mode: BuildMode) -> Result<Compiled, Vec<Diagnostic>> {
        let mut diagnostics = self.loaded.diagnostics.clone();
        let config_file = self.loaded.files.config.as_ref();
        let (mut config, d) =
            crate::config::load_in(config_file, &self.options, &self.loaded.catalog);
        if let Some(language) = &self.language {
            config = config.for_language(language);
            config.elsewhere = self.elsewhere.clone();
        }
        diagnostics.extend(d);
        let (language, d) = self.translations.get(&config.language, &self.loaded.files);
        crate::model::localise_default_scale(&mut config.scale, &language);
        config.locale = language.clone();
        diagnostics.extend(d);
        let highlight_css = parse::highlight::stylesheet(&config.highlight_theme);
        if highlight_css.is_none() {
            diagnostics.push(unknown_theme(&config, config_file));
        }
        // The templates need only their files and the language, so they
        // are compiled on a thread of their own while the content is
        // parsed and resolved, rather than alone after it (some 30 ms,
        // on one core, of every build).
        let overrides = self.loaded.files.templates.clone();
        let mut cache = std::mem::take(&mut self.templates);
        let (templates, (site, keys)) = std::thread::scope(|scope| {
            let compile = move || {
                let templates = cache.get(&overrides, &language);
                (cache, templates)
            };
            match std::thread::Builder::new()
                .name("brief-templates".into())
                .spawn_scoped(scope, compile)
            {
                Ok(compiling) => {
                    let resolved = self.resolve(config, mode, &mut diagnostics);
                    let (cache, templates) = compiling
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                    self.templates = cache;
                    (templates, resolved)
                }
                // No thread to be had (the cache went with the closure):
                // compiled here, first.
                Err(_) => {
                    let overrides = &self.loaded.files.templates;
                    let templates = self.templates.get(overrides, &config.locale);
                    (templates, self.resolve(config, mode, &mut diagnostics))
                }
            }
        });
        self.stopwatch.lap("resolve");
        let context = keys::checks_context(&self.loaded.files, &site.config);
        diagnostics.extend(self.checks.run(&site, context));
        self.stopwatch.lap("validate");
        // The default language's session plans the media of all.
        let media = match self.language {
            None => self.plan_media(&site, &mut diagnostics),
            Some(_) => media::publish::Plan::default(),
        };
        self.stopwatch.lap("templates");
        let has_errors = diagnostics.iter().any(Diagnostic::is_error);
        match (templates, highlight_css) {
            // Unsorted: a full build sorts them to print them all, while a
            // rebuild shows only the new ones, and sorting the tens of
            // thousands a large archive can have would slow every save.
            (Ok(templates), Some(highlight_css)) if !has_errors => Ok(Compiled {
                site,
                keys,
                templates,
                highlight_css,
                media,
                warnings: diagnostics,
            }),
            (Err(d), _) => {
                diagnostics.extend(d);
                Err(sorted(diagnostics))
            }
            _ => Err(sorted(diagnostics)),
        }
    }

    /// Parses what changed and ties it into a site, taking over the last
    /// good build's indexes while what they were made from holds.
    fn resolve(
        &mut self,
        config: SiteConfig,
        mode: BuildMode,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> (Site, SiteKeys) {
        let files = &self.loaded.files;
        let files_catalog = Arc::clone(&self.loaded.catalog);
        let mut positions = HashMap::default();
        let (site_speakers, d) = files
            .speakers
            .as_ref()
            .map(|file| {
                let parsed = parse::site_speakers_in(file, &config, &files_catalog);
                site_file(file, parsed, &mut positions)
            })
            .unwrap_or_default();
        diagnostics.extend(d);
        let (site_sources, d) = files
            .sources
            .as_ref()
            .map(|file| {
                let parsed = parse::site_sources_in(file, &config, &files_catalog);
                site_file(file, parsed, &mut positions)
            })
            .unwrap_or_default();
        diagnostics.extend(d);
        // A file too broken to read is reported once; its bylines are then
        // taken as written rather than each reported unknown.
        let authors = files.authors.as_ref().and_then(|file| {
            let (parsed, d) = parse::site_authors(file);
            let readable = parsed.is_some();
            let (authors, d) = site_file(file, (parsed, d), &mut positions);
            diagnostics.extend(d);
            readable.then_some(authors)
        });
        let content = of_language(self.loaded.content(mode), &config, diagnostics);
        // A build with no rebuild to follow renders each body again from
        // its file when its page is made, rather than hold them all.
        let bodies = match mode {
            BuildMode::Kept => parse::Bodies::Kept,
            BuildMode::OneOff => parse::Bodies::Again,
        };
        let (briefings, pages) = self.parsed.update(
            content,
            &config,
            &files_catalog,
            self.options.drafts,
            bodies,
            diagnostics,
        );
        self.stopwatch.lap("parse");

        // The pictures and files the site-wide files name change without
        // their text when the file does: the last site's are then stale.
        let site_media = crate::fingerprint::of(&(
            &config.image,
            site_speakers.values().map(|s| &s.image).collect::<Vec<_>>(),
            site_sources.values().map(|s| &s.file).collect::<Vec<_>>(),
        ));
        let keys = SiteKeys::of(
            &self.loaded.files,
            &self.options,
            site_media,
            &briefings.iter().map(|b| &b.keys).collect::<Vec<_>>(),
            &pages.iter().map(|(p, _)| p.as_ref()).collect::<Vec<_>>(),
        );
        let briefings = briefings
            .into_iter()
            .map(|b| (b.briefing, b.file))
            .collect();
        let mut site = match self.resolved.take() {
            Some((last, previous)) if last.resolve == keys.resolve => {
                let verdicts_changed = last.verdicts != keys.verdicts;
                resolve::reuse(previous, config, briefings, pages, verdicts_changed)
            }
            _ => resolve::resolve(
                config,
                briefings,
                pages,
                site_speakers,
                site_sources,
                authors,
                positions,
            ),
        };
        site.folder = Some(resolve::SiteFolder {
            root: Arc::from(self.options.root.as_path()),
            catalog: files_catalog,
        });
        // A translation too broken to read is what its siblings' links to
        // its original's path mean.
        let unparsed = self.parsed.unparsed();
        site.unparsed = unparsed
            .iter()
            .map(|p| crate::i18n::untranslated(p).into_owned())
            .chain(unparsed.iter().cloned())
            .collect();
        (site, keys)
    }

    /// What the site's media become in the output. A site without media
    /// skips this entirely.
    fn plan_media(
        &mut self,
        site: &Site,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> media::publish::Plan {
        let catalog = &self.loaded.catalog;
        if catalog.files.is_empty() {
            return media::publish::Plan::default();
        }
        let (plan, found) =
            media::publish::plan(catalog, &site.config.images, || media::publish::used(site));
        let root = &self.options.root;
        diagnostics.extend(found.into_iter().map(|d| {
            if d.is_error() && d.file.extension().is_some_and(|e| e == "svg") {
                media::publish::locate_script(root, d)
            } else {
                d
            }
        }));
        self.stopwatch.lap("plan media");
        plan
    }

    /// Keeps what a good build leaves for the next.
    fn finish(&mut self, compiled: Compiled) {
        self.output.base_path = compiled.site.config.base_path.clone();
        self.resolved = Some((compiled.keys, compiled.site));
    }
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
        images_encoded: 0,
        images_reused: 0,
        elapsed: start.elapsed(),
        warnings,
        cards_drawn: 0,
        cards_reused: 0,
        stages: Vec::new(),
        outputs: None,
    }
}

/// The entries of a site-wide file as parsed, keeping where they are
/// written in `positions`.
fn site_file<T>(
    file: &SourceFile,
    (parsed, diagnostics): (Option<parse::SiteEntries<T>>, Vec<Diagnostic>),
    positions: &mut HashMap<PathBuf, Arc<Spans>>,
) -> (IndexMap<String, T>, Vec<Diagnostic>) {
    match parsed {
        Some((entries, spans)) => {
            positions.insert(file.path.clone(), spans);
            (entries, diagnostics)
        }
        None => (IndexMap::new(), diagnostics),
    }
}

/// The briefings and pages written in the language `config` builds: a file
/// named with a language (`ferry.fr.md`, `index.fr.md`) is in that one,
/// any other in the default language. A file in a language the site does
/// not list is left out, with a warning from the default language's build.
fn of_language(
    (briefings, pages): (Vec<SourceFile>, Vec<SourceFile>),
    config: &SiteConfig,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<SourceFile>, Vec<SourceFile>) {
    let default = config.is_default_language();
    let mut keep = |file: &SourceFile| match crate::i18n::file_language(&file.path) {
        None => default,
        Some(tag) => match config
            .languages
            .iter()
            .find(|l| l.eq_ignore_ascii_case(tag))
        {
            Some(language) => *language == config.language,
            None => {
                if default {
                    diagnostics.push(unlisted_language(file, tag, config));
                }
                false
            }
        },
    };
    let briefings = briefings.into_iter().filter(&mut keep).collect();
    let pages = pages.into_iter().filter(&mut keep).collect();
    (briefings, pages)
}

fn unlisted_language(file: &SourceFile, tag: &str, config: &SiteConfig) -> Diagnostic {
    let mut languages = config.languages.clone();
    languages.push(tag.to_owned());
    Diagnostic::warning(
        &file.path,
        crate::diagnostic::Position::start(),
        format!(
            "this file is named as written in `{tag}`, which is not one of the site's languages, so it is not published"
        ),
    )
    .with_hint(format!(
        "to publish it as a translation, list the language in site.yaml: `languages: [{}]`; if `.{tag}` is part of its name, rename it without the dot",
        languages.join(", ")
    ))
}

/// The places of the default language's briefings and pages, with their
/// titles.
fn main_places(site: &Site) -> std::collections::BTreeMap<String, String> {
    let briefings = site
        .briefings
        .iter()
        .map(|b| (format!("briefings/{}/", b.slug), b.title.clone()));
    let pages = site
        .pages
        .iter()
        .map(|p| (format!("{}/", p.slug), p.title.clone()));
    briefings.chain(pages).collect()
}

/// The places of the briefings and pages written in `language` (`None`
/// for the default), from their file names; drafts count only in a
/// `--drafts` build, as they are published only then.
fn language_places(
    files: &crate::load::SiteFiles,
    languages: &[String],
    language: Option<&str>,
    drafts: bool,
) -> std::collections::BTreeSet<String> {
    files
        .briefings
        .iter()
        .chain(&files.pages)
        .filter(|f| {
            let tag = crate::i18n::file_language(&f.path);
            let written_in = tag.and_then(|t| languages.iter().find(|l| l.eq_ignore_ascii_case(t)));
            let written_in = match written_in {
                // A file named in the default language is in the default.
                Some(l) if Some(l) == languages.first() => None,
                other => other.map(String::as_str),
            };
            written_in == language && (drafts || !parse::is_draft(&f.text))
        })
        .filter_map(|f| crate::config::Elsewhere::place_of(&parse::content_path(&f.path)))
        .collect()
}

/// Problems found by more than one language's build, once each, sorted.
fn deduplicated(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen = HashSet::new();
    diagnostics.retain(|d| seen.insert(d.clone()));
    sorted(diagnostics)
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
