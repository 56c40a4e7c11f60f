//! A full build: every page rendered and written into a staging folder that
//! is swapped in when complete.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use super::stopwatch::Stopwatch;
use super::{assets, keys, report, sorted, Compiled, Failure, Report, Session};
use crate::diagnostic::Diagnostic;
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

    fn full_build(&mut self, mode: BuildMode) -> Result<Report, Failure> {
        let start = Instant::now();
        write::check_output(&self.options.root, &self.output.dir).map_err(Failure::Write)?;
        let mut compiled = self.compile(None, mode).map_err(Failure::Content)?;
        if mode == BuildMode::OneOff {
            // Static files and templates are still to be copied and used;
            // the content's problems are all found, so nothing needs to be
            // located in its front matter again.
            self.parsed.clear();
            self.checks.clear();
            for file in &compiled.site.briefing_files {
                file.positions.release();
            }
        }
        let mut cache = render::Cache::new(mode);
        let staging = write::Staging::begin(&self.output.dir).map_err(Failure::Write)?;
        // Each file's path, fingerprint and whether its bytes are new.
        let put = |(path, bytes): render::OutputFile| -> Result<_, write::WriteError> {
            let written = staging.put(&path, &bytes)?;
            Ok((path, fingerprint::of(&bytes), written))
        };
        let static_files = &self.loaded.files.static_files;
        let rendered = render_site(
            &compiled,
            static_files,
            &mut cache,
            &mut self.stopwatch,
            Some(&self.options.root),
            put,
        )
        .map_err(Failure::Content)?;
        let (mut done, layout) = (rendered.files, rendered.layout);
        compiled.warnings.extend(rendered.warnings);
        let media = &compiled.media;
        let images = jobs_files(&self.options.root, media.jobs.iter(), media.quality, put)?;
        done.extend(images.done);
        if !media.is_empty() {
            self.stopwatch.lap("images");
        }
        let assets = assets::files(&compiled.highlight_css, static_files, &compiled.media);
        done.extend(assets.into_iter().map(put));
        let done: Vec<(PathBuf, u64, bool)> = done
            .into_iter()
            .collect::<Result<_, write::WriteError>>()
            .map_err(Failure::Write)?;
        staging.finish().map_err(Failure::Write)?;
        self.stopwatch.lap("swap");

        let count = done.iter().filter(|(_, _, written)| *written).count();
        let warnings = sorted(std::mem::take(&mut compiled.warnings));
        let mut warnings = warnings;
        warnings.extend(images.warning);
        let mut report = report(&compiled, warnings, count, start);
        report.images_encoded = images.encoded;
        report.images_reused = images.reused;
        report.cards_drawn = rendered.cards.drawn;
        report.cards_reused = rendered.cards.reused;
        report.stages = self.stopwatch.stages.clone();
        report.files = done.len();
        report.pages = done
            .iter()
            .filter(|(p, _, _)| p.extension().is_some_and(|e| e == "html"))
            .count();
        self.output.written = done
            .into_iter()
            .map(|(path, hash, _)| (path, hash))
            .collect();
        self.output.layout = Some((layout, report.pages));
        self.output.media = media_keys(&compiled.media);
        self.render = cache;
        self.finish(compiled);
        Ok(report)
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
/// data files alike, goes to `put` as soon as it is made; what `put`
/// returns comes back with the layout key of the build. The social cards
/// are made too when `cards_root` names the site's folder (their cache is
/// under it); a check, which writes nothing, passes `None`.
pub(super) fn render_site<T: Send>(
    compiled: &Compiled,
    static_files: &[(PathBuf, PathBuf)],
    cache: &mut render::Cache,
    stopwatch: &mut Stopwatch,
    cards_root: Option<&Path>,
    put: impl Fn(render::OutputFile) -> T + Sync,
) -> Result<Rendered<T>, Vec<Diagnostic>> {
    let site = &compiled.site;
    let mut plan = render::plan(site, &compiled.templates, cache, compiled.keys.resolve);
    plan.add_claim_pages();
    let assets = assets::paths(&plan, static_files, &compiled.media);
    assets::check_clashes(site, &plan.pages, &assets, static_files, &compiled.media)?;
    stopwatch.lap("plan");
    let all: Vec<&PlannedPage> = plan.pages.iter().collect();
    let mut done = plan.render_each(&compiled.templates, &all, &put)?;
    cache.remember(&all);
    stopwatch.lap("render and write pages");
    // Thousands of index files, and a few large data files: written in
    // parallel, like the pages, so that one file's wait on the disk does
    // not hold up the rest.
    let (data, made) = plan.data_files(cache);
    let data: Vec<T> = assets::not_overridden(data, static_files)
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
    let (mut counts, mut warnings) = (cards::Counts::default(), Vec::new());
    if let Some(root) = cards_root.filter(|_| site.config.social_cards) {
        let made = cards::make(&plan, &compiled.templates, cache, root, false, &put)?;
        done.extend(made.files);
        cache.remember_cards(made.made, site);
        (counts, warnings) = (made.counts, made.warnings);
        stopwatch.lap("social cards");
    }
    Ok(Rendered {
        files: done,
        layout: keys::layout(&plan, &assets),
        cards: counts,
        warnings,
    })
}
