//! A full build: every page rendered and written into a staging folder that
//! is swapped in when complete.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;

use super::stopwatch::Stopwatch;
use super::{assets, keys, report, sorted, Compiled, Failure, Report, Session};
use crate::diagnostic::Diagnostic;
use crate::render::syndication::DataFile;
use crate::render::{self, cards, PlannedPage};
use crate::{fingerprint, media, write, BuildMode};

impl Session {
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

    /// [`Session::build_once`] in a process that exits when it returns,
    /// as `brief build` does: the session's memory is left for the
    /// operating system to take back with the process, not freed. Freed
    /// one by one, on one core after the last file was written, the site's
    /// millions of allocations took some 0.14 s of a 10,000-briefing build.
    pub fn build_before_exit(self) -> Result<Report, Failure> {
        std::mem::ManuallyDrop::new(self).full_build(BuildMode::OneOff)
    }

    fn full_build(&mut self, mode: BuildMode) -> Result<Report, Failure> {
        let start = Instant::now();
        let (compiled, others) = self.compile_all(None, mode).map_err(Failure::Content)?;
        self.write_all(mode, start, compiled, others)
            .map(|(report, _)| report)
    }

    /// Renders and writes the compiled site, in every language, into a
    /// staging folder swapped in when complete. Returns the report and the
    /// output paths of the pages whose bytes changed.
    pub(super) fn write_all(
        &mut self,
        mode: BuildMode,
        start: Instant,
        mut compiled: Compiled,
        mut others: Vec<Compiled>,
    ) -> Result<(Report, Vec<PathBuf>), Failure> {
        write::check_output(&self.options.root, &self.output.dir).map_err(Failure::Write)?;
        if mode == BuildMode::OneOff {
            // Static files and templates are still to be copied and used;
            // the content's problems are all found, so nothing needs to be
            // located in its front matter again.
            // Every language's: each other language's session parsed and
            // checked its own files, and what it keeps of them would hold
            // on to its briefings below.
            self.parsed.clear();
            self.checks.clear();
            for other in &mut self.others {
                other.parsed.clear();
                other.checks.clear();
            }
            for site in std::iter::once(&compiled.site).chain(others.iter().map(|o| &o.site)) {
                for file in &site.briefing_files {
                    file.positions.release();
                }
            }
            // Nor are links checked again: each body's links and heading
            // ids go (some 7 MB at 10,000 briefings). With the parses let
            // go, the site holds the only handle on each briefing and page.
            for site in
                std::iter::once(&mut compiled.site).chain(others.iter_mut().map(|o| &mut o.site))
            {
                let briefings = site
                    .briefings
                    .iter_mut()
                    .filter_map(Arc::get_mut)
                    .map(|b| &mut b.body);
                let pages = site
                    .pages
                    .iter_mut()
                    .filter_map(Arc::get_mut)
                    .map(|p| &mut p.body);
                briefings
                    .chain(pages)
                    .for_each(crate::model::Body::release_checked);
            }
        }
        let mut cache = render::Cache::new(mode);
        let mut other_caches: Vec<render::Cache> =
            others.iter().map(|_| render::Cache::new(mode)).collect();
        let staging = write::Staging::begin(&self.output.dir).map_err(Failure::Write)?;
        let keep = mode == BuildMode::Kept;
        // What is made of each file is held until the last is made, so its
        // rare error is boxed (see `Put`).
        let put = |(path, bytes): render::OutputFile| -> Result<_, Box<write::WriteError>> {
            let written = staging.put(&path, &bytes)?;
            // Fingerprinted only for a rebuild to compare against.
            let hash = keep.then(|| fingerprint::of_file(&bytes));
            Ok(Put::new(path, hash, written))
        };
        let stream = |path: &Path, file: &DataFile| -> Result<_, Box<write::WriteError>> {
            let (hash, written) = staging.put_stream(path, &|out| file.write(out))?;
            Ok(Put::new(path.to_path_buf(), keep.then_some(hash), written))
        };
        let static_files = &self.loaded.files.static_files;
        let root = self.options.root.clone();
        let (mut done, layout, counts) = if others.is_empty() {
            let rendered = render_site(
                &compiled,
                static_files,
                &mut cache,
                &mut self.stopwatch,
                Some(&root),
                put,
                stream,
            )
            .map_err(Failure::Content)?;
            compiled.warnings.extend(rendered.warnings);
            (rendered.files, rendered.layout, rendered.cards)
        } else {
            let rendered = render_languages(
                &compiled,
                &others,
                static_files,
                &mut cache,
                &mut other_caches,
                &mut self.stopwatch,
                &root,
                put,
                stream,
            )
            .map_err(Failure::Content)?;
            compiled.warnings.extend(rendered.warnings);
            (rendered.files, rendered.layout, rendered.cards)
        };
        let media = &compiled.media;
        let images = jobs_files(&self.options.root, media.jobs.iter(), media.quality, put)?;
        done.extend(images.done);
        if !media.is_empty() {
            self.stopwatch.lap("images");
        }
        let assets = assets::files(&compiled.highlight_css, static_files, &compiled.media);
        done.extend(assets.into_iter().map(put));
        let done: Vec<Put> = done
            .into_iter()
            .collect::<Result<_, Box<write::WriteError>>>()
            .map_err(|err| Failure::Write(*err))?;
        let outputs = staging.finish().map_err(Failure::Write)?;
        self.stopwatch.lap("swap");

        let count = done.iter().filter(|put| put.written).count();
        let warnings = sorted(std::mem::take(&mut compiled.warnings));
        let mut warnings = warnings;
        warnings.extend(images.warning);
        let mut report = report(&compiled, warnings, count, start);
        for other in &others {
            report.briefings += other.site.briefings.len();
            report.claims += other
                .site
                .briefings
                .iter()
                .map(|b| b.claims.len())
                .sum::<usize>();
        }
        report.images_encoded = images.encoded;
        report.images_reused = images.reused;
        report.cards_drawn = counts.drawn;
        report.cards_reused = counts.reused;
        report.stages = self.stopwatch.stages.clone();
        report.outputs = Some(outputs);
        report.files = done.len();
        report.pages = done.iter().filter(|put| put.page).count();
        let changed_pages = done
            .iter()
            .filter(|put| put.written && put.page)
            .filter_map(|put| Some(put.kept.as_ref()?.0.clone()))
            .collect();
        self.output.written = done
            .into_iter()
            .filter_map(|put| put.kept.map(|k| *k))
            .collect();
        self.output.layout = Some((layout, report.pages));
        self.output.media = media_keys(&compiled.media);
        self.render = cache;
        self.was_multilingual = !others.is_empty();
        for ((other, compiled), cache) in self
            .others
            .iter_mut()
            .zip(others.drain(..))
            .zip(other_caches)
        {
            other.render = cache;
            other.finish(compiled);
        }
        self.finish(compiled);
        Ok((report, changed_pages))
    }
}

/// What became of one file of the site as it was put into the staging
/// folder. One is held for each file until the last is made, twice over
/// while they are put in order, at the build's peak: with the path's room
/// and the error inline each took 56 bytes, and in 16 the peak at 10,000
/// briefings was 7–16 MB lower.
struct Put {
    /// Its path and the fingerprint of its bytes, kept only when a rebuild
    /// may follow: a one-off build's report only counts the files, and
    /// their paths were some 15 MB at 10,000 briefings.
    kept: Option<Box<(PathBuf, u64)>>,
    /// Whether it is a page (an HTML file).
    page: bool,
    /// Whether its bytes were written, rather than linked from the old
    /// output.
    written: bool,
}

impl Put {
    /// The file at `path`, kept when it has a fingerprint `hash`.
    fn new(path: PathBuf, hash: Option<u64>, written: bool) -> Put {
        Put {
            page: path.extension().is_some_and(|e| e == "html"),
            kept: hash.map(|hash| Box::new((path, hash))),
            written,
        }
    }
}

/// What making the media files did.
pub(super) struct Images<T> {
    pub(super) done: Vec<T>,
    pub(super) encoded: usize,
    pub(super) reused: usize,
    /// The image cache could not be written.
    pub(super) warning: Option<Diagnostic>,
}

/// Makes the files of `jobs` on all threads, each image decoded once for
/// all its sizes, and hands each file to `put` as soon as it is made, so
/// the encoded images are never all in memory.
pub(super) fn jobs_files<'j, T: Send>(
    root: &std::path::Path,
    jobs: impl Iterator<Item = &'j media::publish::Job>,
    quality: u8,
    put: impl Fn(render::OutputFile) -> T + Sync,
) -> Result<Images<T>, Failure> {
    let jobs: Vec<&media::publish::Job> = jobs.collect();
    if jobs.is_empty() {
        return Ok(Images {
            done: Vec::new(),
            encoded: 0,
            reused: 0,
            warning: None,
        });
    }
    let cache = media::encode::ImageCache::new(root);
    let made: Vec<Result<Images<T>, Diagnostic>> = jobs
        .into_par_iter()
        .map(|job| {
            let made = media::encode::make(root, job, quality, &cache)?;
            Ok(Images {
                done: made.files.into_iter().map(&put).collect(),
                encoded: made.encoded,
                reused: made.reused,
                warning: None,
            })
        })
        .collect();
    let mut images = Images {
        done: Vec::new(),
        encoded: 0,
        reused: 0,
        warning: cache.warning(),
    };
    let mut errors = Vec::new();
    for result in made {
        match result {
            Ok(made) => {
                images.done.extend(made.done);
                images.encoded += made.encoded;
                images.reused += made.reused;
            }
            Err(diagnostic) => errors.push(diagnostic),
        }
    }
    if errors.is_empty() {
        Ok(images)
    } else {
        Err(Failure::Content(sorted(errors)))
    }
}

/// The key of each media output, to tell a rebuild what it need not make.
pub(super) fn media_keys(media: &media::publish::Plan) -> std::collections::HashMap<PathBuf, u64> {
    media
        .jobs
        .iter()
        .flat_map(|job| job.outputs.iter().map(|o| (o.path.clone(), o.key)))
        .collect()
}

/// What [`render_site`] made.
pub(super) struct Rendered<T> {
    /// What `put` returned for each file.
    pub files: Vec<T>,
    /// The layout key of the build.
    pub layout: u64,
    pub cards: cards::Counts,
    pub warnings: Vec<Diagnostic>,
}

/// Plans and renders every page, refusing clashes, and records them in
/// `cache`: the whole site as a fresh build makes it. Each file, pages and
/// data files alike, goes to `put` as soon as it is made, or to `stream`
/// to be made as it is written (the data files, which grow with the site);
/// what they return comes back with the layout key of the build. The social cards
/// are made too when `cards_root` names the site's folder (their cache is
/// under it); a check, which writes nothing, passes `None`.
#[allow(clippy::too_many_arguments)]
pub(super) fn render_site<T: Send>(
    compiled: &Compiled,
    static_files: &[(PathBuf, PathBuf)],
    cache: &mut render::Cache,
    stopwatch: &mut Stopwatch,
    cards_root: Option<&Path>,
    put: impl Fn(render::OutputFile) -> T + Sync,
    stream: impl Fn(&Path, &DataFile) -> T + Sync,
) -> Result<Rendered<T>, Vec<Diagnostic>> {
    let (plan, assets) = plan_site(compiled, static_files, cache, stopwatch)?;
    render_planned(
        compiled,
        &plan,
        &assets,
        cache,
        stopwatch,
        cards_root,
        static_files,
        put,
        stream,
    )
}

/// Every page of the site planned, claim pages too, with the paths of its
/// other files; refused when any two would land on the same path.
fn plan_site<'c>(
    compiled: &'c Compiled,
    static_files: &[(PathBuf, PathBuf)],
    cache: &mut render::Cache,
    stopwatch: &mut Stopwatch,
) -> Result<(render::Plan<'c>, Vec<PathBuf>), Vec<Diagnostic>> {
    let site = &compiled.site;
    let mut plan = render::plan(site, &compiled.templates, cache, compiled.keys.resolve);
    plan.add_claim_pages();
    let assets = assets::paths(&plan, static_files, &compiled.media);
    assets::check_clashes(site, &plan.pages, &assets, static_files, &compiled.media)?;
    stopwatch.lap("plan");
    Ok((plan, assets))
}

/// Renders a planned site: its pages, data files, search index and cards.
#[allow(clippy::too_many_arguments)]
fn render_planned<T: Send>(
    compiled: &Compiled,
    plan: &render::Plan,
    assets: &[PathBuf],
    cache: &mut render::Cache,
    stopwatch: &mut Stopwatch,
    cards_root: Option<&Path>,
    static_files: &[(PathBuf, PathBuf)],
    put: impl Fn(render::OutputFile) -> T + Sync,
    stream: impl Fn(&Path, &DataFile) -> T + Sync,
) -> Result<Rendered<T>, Vec<Diagnostic>> {
    let site = &compiled.site;
    let all: Vec<&PlannedPage> = plan.pages.iter().collect();
    // The data files and the search index are made beside the pages (see
    // `Plan::render_each`), and timed with them.
    let alongside = || {
        // The index first: it reads each briefing's body as the pages hand
        // it on, in site order, from the first page made; made after the
        // data files, it left the bodies handed on meanwhile waiting.
        let index = render::search::put_files(plan, cache, &put);
        // Thousands of feeds, and a few large data files, made as they are
        // written. Beside the pages they go one at a time, in the pool of
        // one thread that `render_each` gives them: a file's wait on the
        // disk holds up only them, not the pages.
        let (data, made) = plan.data_files(cache);
        let data: Vec<T> = data
            .par_iter()
            .filter(|file| !assets::is_overridden(&file.path, static_files))
            .map(|file| stream(&file.path, file))
            .collect();
        cache.remember_data(made);
        (data, index)
    };
    let (mut done, beside) = plan.render_each(&compiled.templates, &all, &put, Some(alongside))?;
    // Always there, as `alongside` was given.
    let (data, index) = beside.unwrap_or_else(|| (Vec::new(), Ok(Vec::new())));
    done.extend(data);
    done.extend(index.map_err(|d| vec![d])?);
    cache.remember(&all);
    stopwatch.lap("pages, data files and search index");
    let (mut counts, mut warnings) = (cards::Counts::default(), Vec::new());
    if let Some(root) = cards_root.filter(|_| site.config.social_cards) {
        let made = cards::make(plan, &compiled.templates, cache, root, false, &put)?;
        done.extend(made.files);
        cache.remember_cards(made.made, site);
        (counts, warnings) = (made.counts, made.warnings);
        stopwatch.lap("social cards");
    }
    Ok(Rendered {
        files: done,
        layout: keys::layout(plan, assets),
        cards: counts,
        warnings,
    })
}

/// A site in several languages: every language planned first, so each page
/// knows its versions in the others, then rendered, the default language's
/// at the root and each other's below its folder (`fr/`).
#[allow(clippy::too_many_arguments)]
fn render_languages<T: Send>(
    main: &Compiled,
    others: &[Compiled],
    static_files: &[(PathBuf, PathBuf)],
    cache: &mut render::Cache,
    other_caches: &mut [render::Cache],
    stopwatch: &mut Stopwatch,
    cards_root: &Path,
    put: impl Fn(render::OutputFile) -> T + Sync,
    stream: impl Fn(&Path, &DataFile) -> T + Sync,
) -> Result<Rendered<T>, Vec<Diagnostic>> {
    let (main_plan, assets) = plan_site(main, static_files, cache, stopwatch)?;
    let mut plans = vec![main_plan];
    let mut problems = language_folder_clashes(main, &plans[0].pages, static_files);
    for (other, cache) in others.iter().zip(other_caches.iter_mut()) {
        match plan_site(other, &[], cache, stopwatch) {
            Ok((plan, _)) => plans.push(plan),
            Err(found) => problems.extend(found),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let languages = std::iter::once(main)
        .chain(others)
        .map(|c| render::translations::SiteLanguage {
            tag: c.site.config.language.clone(),
            name: c.site.config.locale.name.clone(),
            root: c.site.config.base_path.clone(),
        })
        .collect();
    let mut table = render::translations::Translations::new(languages);
    for (language, plan) in plans.iter().enumerate() {
        for page in &plan.pages {
            table.add(language, &page.url());
        }
    }
    let table = std::sync::Arc::new(table);
    for (language, plan) in plans.iter_mut().enumerate() {
        plan.translations = Some((table.clone(), language));
    }
    let mut plans = plans.into_iter();
    let main_plan = plans.next().expect("the default language's plan");
    let mut rendered = render_planned(
        main,
        &main_plan,
        &assets,
        cache,
        stopwatch,
        Some(cards_root),
        static_files,
        &put,
        &stream,
    )?;
    for ((other, plan), cache) in others.iter().zip(plans).zip(other_caches.iter_mut()) {
        let folder = PathBuf::from(crate::config::language_folder(&other.site.config.language));
        let put = |(path, bytes): render::OutputFile| put((folder.join(path), bytes));
        let stream = |path: &Path, file: &DataFile| stream(&folder.join(path), file);
        let assets = plan.data_paths();
        let done = render_planned(
            other,
            &plan,
            &assets,
            cache,
            stopwatch,
            Some(cards_root),
            &[],
            put,
            stream,
        )?;
        rendered.files.extend(done.files);
        rendered.cards.drawn += done.cards.drawn;
        rendered.cards.reused += done.cards.reused;
        rendered.warnings.extend(done.warnings);
    }
    Ok(rendered)
}

/// Pages and static files of the default language that would land in the
/// folder of another language's pages (a page called `fr` on a site in
/// French too).
fn language_folder_clashes(
    main: &Compiled,
    pages: &[PlannedPage],
    static_files: &[(PathBuf, PathBuf)],
) -> Vec<Diagnostic> {
    let config = &main.site.config;
    let mut found = Vec::new();
    for language in &config.languages[1..] {
        let folder = crate::config::language_folder(language);
        let hint = format!(
            "`{folder}/` holds the pages in `{language}`, one of the site's languages: rename this file"
        );
        for page in pages {
            if page.path().starts_with(&folder) {
                let file = page
                    .source(&main.site)
                    .map_or_else(|| PathBuf::from("site.yaml"), Path::to_path_buf);
                found.push(
                    Diagnostic::error(
                        file,
                        crate::diagnostic::Position::start(),
                        format!(
                            "this page would be written at {}, where the pages in `{language}` go",
                            page.url()
                        ),
                    )
                    .with_hint(hint.clone()),
                );
            }
        }
        for (rel, _) in static_files {
            if rel.starts_with(&folder) {
                found.push(
                    Diagnostic::error(
                        Path::new("static").join(rel),
                        crate::diagnostic::Position::start(),
                        format!("this file would be published in `{folder}/`, where the pages in `{language}` go"),
                    )
                    .with_hint(hint.clone()),
                );
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Options;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn briefing(title: &str) -> String {
        format!(
            "---
title: {title}
date: 2026-11-20
summary: What the figures say.
speakers:
  marie:
    name: Marie Dupont
sources:
  report:
    title: Annual report
    url: https://example.org/report
claims:
  - id: cost
    speaker: marie
    text: The ferry cost a million.
    verdict: false
    explanation: The final cost was higher.
    sources: [report]
---
See [the report](https://example.org/report) and [the claim](#claim-cost).

## The figures
"
        )
    }

    /// Whether any briefing of `session`'s last site still holds its
    /// body's links or heading ids.
    fn holds_checked(session: &Session) -> bool {
        let (_, site) = session.resolved.as_ref().expect("the build kept its site");
        site.briefings
            .iter()
            .any(|b| !b.body.links.is_empty() || !b.body.heading_ids.is_empty())
    }

    #[test]
    fn a_briefing_changed_between_its_parse_and_its_page_stops_the_build() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "site.yaml", "title: The Desk\n");
        write(root, "content/briefings/ferry.md", &briefing("The ferry"));
        let mut session = Session::new(Options::new(root));
        session.build().expect("the first build");
        let before = std::fs::read(root.join("public/briefings/ferry/index.html")).unwrap();

        // A one-off build parses the file and checks its body, which it
        // then reads again for the page: in between, the writer saves.
        let mut once = Session::new(Options::new(root));
        let start = Instant::now();
        let (compiled, others) = once.compile_all(None, BuildMode::OneOff).unwrap();
        write(
            root,
            "content/briefings/ferry.md",
            &briefing("The ferry, rewritten"),
        );
        let failed = once.write_all(BuildMode::OneOff, start, compiled, others);

        let Err(Failure::Content(diagnostics)) = failed else {
            panic!("the build went on");
        };
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(diagnostics[0].file, Path::new("content/briefings/ferry.md"));
        assert!(
            diagnostics[0]
                .message
                .contains("changed while the site was being built"),
            "{diagnostics:?}"
        );
        // The output is the last build's, whole.
        let after = std::fs::read(root.join("public/briefings/ferry/index.html")).unwrap();
        assert_eq!(after, before);
        assert!(std::fs::read_dir(root).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains("staging")));
    }

    #[test]
    fn the_search_index_reads_each_body_as_its_page_printed_it_not_its_file_again() {
        use std::sync::{Condvar, Mutex};
        use std::time::Duration;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "site.yaml", "title: The Desk\n");
        let text = briefing("The ferry") + "\nThe thermocline report.\n";
        write(root, "content/briefings/ferry.md", &text);
        let mut once = Session::new(Options::new(root));
        let (compiled, _) = once.compile_all(None, BuildMode::OneOff).unwrap();
        let mut cache = render::Cache::new(BuildMode::OneOff);
        let mut plan = render::plan(&compiled.site, &compiled.templates, &mut cache, 0);
        plan.add_claim_pages();
        let pages: Vec<&PlannedPage> = plan.pages.iter().collect();

        // The writer saves as soon as the briefing's page is written, and
        // the index starts only then: were it to read the body from the
        // file again, it would find the file changed and stop the build.
        let saved = (Mutex::new(false), Condvar::new());
        let put = |(path, bytes): render::OutputFile| {
            if path == Path::new("briefings/ferry/index.html") {
                write(root, "content/briefings/ferry.md", &briefing("Rewritten"));
                *saved.0.lock().unwrap() = true;
                saved.1.notify_all();
            }
            (path, bytes)
        };
        let index = || {
            let done = saved.0.lock().unwrap();
            let (_done, waited) = saved
                .1
                .wait_timeout_while(done, Duration::from_secs(60), |done| !*done)
                .unwrap();
            assert!(!waited.timed_out(), "the briefing's page was never put");
            render::search::files(&plan, &mut cache)
        };
        let (made, index) = plan
            .render_each(&compiled.templates, &pages, put, Some(index))
            .expect("the pages render");
        let index = index
            .unwrap()
            .expect("the index is made from the bodies handed on");

        let page = made
            .iter()
            .find(|(path, _)| path == Path::new("briefings/ferry/index.html"))
            .expect("the briefing's page");
        assert!(String::from_utf8_lossy(&page.1).contains("thermocline report"));
        let shards: String = index
            .iter()
            .filter(|(path, _)| path.starts_with("search/terms"))
            .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
            .collect();
        assert!(shards.contains("\"thermocline\""), "{shards}");
    }

    #[test]
    fn a_one_off_build_lets_go_of_what_only_the_checks_read_in_every_language() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            "site.yaml",
            "title: The Desk\nbase_url: https://desk.example.org/\nlanguages: [en, fr]\n",
        );
        write(root, "content/briefings/ferry.md", &briefing("The ferry"));
        write(root, "content/briefings/ferry.fr.md", &briefing("Le ferry"));

        // A build that rebuilds keeps them, in every language.
        let mut kept = Session::new(Options::new(root));
        kept.full_build(BuildMode::Kept).expect("the site builds");
        assert_eq!(kept.others.len(), 1);
        assert!(holds_checked(&kept) && holds_checked(&kept.others[0]));

        let mut once = Session::new(Options::new(root));
        once.full_build(BuildMode::OneOff).expect("the site builds");
        assert!(!holds_checked(&once), "the default language kept them");
        assert!(
            !holds_checked(&once.others[0]),
            "the other language kept them"
        );
        assert!(root.join("public/fr/briefings/ferry/index.html").is_file());
    }
}
