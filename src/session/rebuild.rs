//! A rebuild after files changed: only the stale pages rendered, only the
//! files whose bytes changed written, in place, each batch announced as
//! soon as it is on disk.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Instant;

use super::output::{news, removal, url_of};
use std::sync::Arc;

use super::{assets, build, keys, report, Compiled, Failure, Report, Session, Written};
use crate::diagnostic::Diagnostic;
use crate::media::publish::Job;
use crate::render::{self, Plan, PlannedPage};
use crate::BuildMode;

/// Where this build's files go, against the last build's.
struct Layout {
    /// The stylesheets, static and data files.
    assets: Vec<PathBuf>,
    key: u64,
    /// Whether the output paths are those of the last build.
    same: bool,
}

impl Session {
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
        let (mut compiled, others) = self
            .compile_all(changed, BuildMode::Kept)
            .map_err(Failure::Content)?;
        if !others.is_empty() || self.was_multilingual {
            // A site in several languages is built whole again: each page
            // links to its versions in the others, so one language's
            // change can reach every language's pages.
            let (report, changed) = self.write_all(BuildMode::Kept, start, compiled, others)?;
            let base = &self.output.base_path;
            let pages = changed.iter().map(|p| url_of(base, p)).collect();
            announce(&Written {
                pages,
                assets: Vec::new(),
                removed: Vec::new(),
            });
            return Ok(report);
        }
        let mut warnings = std::mem::take(&mut compiled.warnings);
        let mut written = match changed {
            Some(changed) => self.write_edited(&compiled, changed, announce)?,
            None => 0,
        };
        let (site, templates) = (&compiled.site, &compiled.templates);
        let mut plan = render::plan(site, templates, &mut self.render, compiled.keys.resolve);
        let layout = self.lay_out(&compiled, &mut plan)?;
        // Images first, so a page that shows a new one finds it there.
        let images = self.write_media(&compiled, announce)?;
        written += images.done.len();
        let (count, index, cards, found) = self.write_stale(&compiled, &plan, announce)?;
        written += count;
        warnings.extend(found);
        self.remove_old_index(&index, announce)?;
        let pages = self.remove_stale(&plan, &layout, &index, announce)?;
        self.output.layout = Some((layout.key, pages));

        warnings.extend(images.warning);
        let mut report = report(&compiled, warnings, written, start);
        report.images_encoded = images.encoded;
        report.images_reused = images.reused;
        report.cards_drawn = cards.drawn;
        report.cards_reused = cards.reused;
        report.files = self.output.written.len();
        report.pages = pages;
        self.stopwatch.lap("remove stale");
        report.stages = std::mem::take(&mut self.stopwatch.stages);
        drop(plan);
        self.finish(compiled);
        Ok(report)
    }

    /// The page of a briefing being edited goes out first, before the
    /// whole site is planned: at 10,000 briefings planning takes longer
    /// than the page. Only a page the last build had: a new one might
    /// clash with a file, which the whole plan checks. Returns the number
    /// of files written.
    fn write_edited(
        &mut self,
        compiled: &Compiled,
        changed: &HashSet<PathBuf>,
        announce: &mut dyn FnMut(&Written),
    ) -> Result<usize, Failure> {
        let site = &compiled.site;
        let edited: Vec<usize> = (0..site.briefings.len())
            .filter(|&b| changed.contains(&self.options.root.join(&site.briefings[b].file)))
            .collect();
        if edited.is_empty() {
            return Ok(0);
        }
        let key = compiled.keys.resolve;
        let quick =
            render::plan_briefings(site, &compiled.templates, &mut self.render, key, &edited);
        let pages: Vec<&PlannedPage> = quick
            .stale(&self.render)
            .into_iter()
            .filter(|p| self.render.has_page(p))
            .collect();
        let mut written = 0;
        if !pages.is_empty() {
            let files = quick
                .render(&compiled.templates, &pages)
                .map_err(Failure::Content)?;
            written = self.put(&files, &pages, announce)?;
        }
        self.stopwatch.lap("edited page");
        Ok(written)
    }

    /// Completes the plan with the claim pages that need it. The set of
    /// files changes only when a page or a static file comes or goes; a
    /// plain edit skips the checks that need every path.
    fn lay_out(&self, compiled: &Compiled, plan: &mut Plan) -> Result<Layout, Failure> {
        let static_files = &self.loaded.files.static_files;
        let assets = assets::paths(plan, static_files, &compiled.media);
        let key = keys::layout(plan, &assets);
        let same = self.output.layout.is_some_and(|(last, _)| last == key);
        if same {
            plan.add_stale_claim_pages(&self.render);
        } else {
            plan.add_claim_pages();
            assets::check_clashes(
                &compiled.site,
                &plan.pages,
                &assets,
                static_files,
                &compiled.media,
            )
            .map_err(Failure::Content)?;
        }
        Ok(Layout { assets, key, same })
    }

    /// Makes and writes the media files whose source, recipe or settings
    /// changed since they were written; the rest are left as they are, not
    /// even read. Returns what was written.
    fn write_media(
        &mut self,
        compiled: &Compiled,
        announce: &mut dyn FnMut(&Written),
    ) -> Result<build::Images<PathBuf>, Failure> {
        let media = &compiled.media;
        let last = &self.output.media;
        let written = &self.output.written;
        let stale: Vec<Job> = media
            .jobs
            .iter()
            .filter_map(|job| {
                let outputs: Vec<_> = job
                    .outputs
                    .iter()
                    .filter(|o| last.get(&o.path) != Some(&o.key) || !written.contains_key(&o.path))
                    .cloned()
                    .collect();
                (!outputs.is_empty()).then(|| Job {
                    file: Arc::clone(&job.file),
                    outputs,
                })
            })
            .collect();
        let made = build::jobs_files(&self.options.root, stale.iter(), media.quality, |f| f)?;
        let changed = self.output.write(&made.done)?;
        if !changed.is_empty() {
            announce(&Written {
                pages: Vec::new(),
                assets: changed.clone(),
                removed: Vec::new(),
            });
        }
        self.output.media = build::media_keys(media);
        if !stale.is_empty() {
            self.stopwatch.lap("images");
        }
        Ok(build::Images {
            done: changed,
            encoded: made.encoded,
            reused: made.reused,
            warning: made.warning,
        })
    }

    /// Renders and writes the stale pages. The pages a writer is looking at
    /// go out first, so the browser can reload while index pages are still
    /// being rendered. A template that fails at that second step leaves
    /// those pages as they were (and not remembered), so the next good save
    /// renders them again. Returns the number of files written, the paths
    /// of the search index, the cards drawn and reused, and the warnings
    /// of making them.
    fn write_stale(
        &mut self,
        compiled: &Compiled,
        plan: &Plan,
        announce: &mut dyn FnMut(&Written),
    ) -> Result<
        (
            usize,
            HashSet<PathBuf>,
            render::cards::Counts,
            Vec<Diagnostic>,
        ),
        Failure,
    > {
        let templates = &compiled.templates;
        let stale = plan.stale(&self.render);
        self.stopwatch.lap("plan");
        let (direct, rest): (Vec<&PlannedPage>, Vec<&PlannedPage>) =
            stale.into_iter().partition(|p| p.is_direct());

        let files = plan.render(templates, &direct).map_err(Failure::Content)?;
        self.stopwatch.lap("render pages");
        let mut written = self.put(&files, &direct, announce)?;
        self.stopwatch.lap("write pages");

        let mut files = plan.render(templates, &rest).map_err(Failure::Content)?;
        self.stopwatch.lap("render the rest");
        let static_files = &self.loaded.files.static_files;
        files.extend(assets::files(
            &compiled.highlight_css,
            static_files,
            &compiled.media,
        ));
        let (data, made) = plan.data_files(&self.render);
        let data = data.iter().map(|file| (file.path.clone(), file.bytes()));
        files.extend(assets::not_overridden(data.collect(), static_files));
        // The cards whose view changed; announced as assets.
        let cards = render::cards::make(
            plan,
            templates,
            &self.render,
            &self.options.root,
            true,
            |file| file,
        )
        .map_err(Failure::Content)?;
        files.extend(cards.files);
        self.stopwatch.lap("social cards");
        // The search index, after the pages: announced like assets, so
        // open pages do not reload for it.
        let search =
            render::search::files(plan, &mut self.render).map_err(|d| Failure::Content(vec![d]))?;
        self.stopwatch.lap("search index");
        let index = search.iter().map(|(path, _)| path.clone()).collect();
        files.extend(search);
        written += self.put(&files, &rest, announce)?;
        self.render.remember_data(made);
        self.render.remember_cards(cards.made, &compiled.site);
        self.stopwatch.lap("write the rest");
        Ok((written, index, cards.counts, cards.warnings))
    }

    /// Writes `files`, made for `batch`, records the pages as on disk and
    /// announces what changed. Returns the number of files written.
    fn put(
        &mut self,
        files: &[render::OutputFile],
        batch: &[&PlannedPage],
        announce: &mut dyn FnMut(&Written),
    ) -> Result<usize, Failure> {
        let changed = self.output.write(files)?;
        self.render.remember(batch);
        let count = changed.len();
        if let Some(news) = news(batch, changed) {
            announce(&news);
        }
        Ok(count)
    }

    /// Removes the files of the last search index that this one does not
    /// have (fewer shards after an edit, say), even when no page came or
    /// went.
    fn remove_old_index(
        &mut self,
        index: &HashSet<PathBuf>,
        announce: &mut dyn FnMut(&Written),
    ) -> Result<(), Failure> {
        let is_old_index = |p: &PathBuf| render::search::is_index_file(p) && !index.contains(p);
        if !self.output.written.keys().any(is_old_index) {
            return Ok(());
        }
        let keep: HashSet<PathBuf> = self
            .output
            .written
            .keys()
            .filter(|p| !is_old_index(p))
            .cloned()
            .collect();
        let removed = self.output.remove_all_but(&keep)?;
        announce(&removal(removed));
        Ok(())
    }

    /// Removes the pages and files that are no longer part of the site,
    /// when the layout changed. Returns the number of pages.
    fn remove_stale(
        &mut self,
        plan: &Plan,
        layout: &Layout,
        index: &HashSet<PathBuf>,
        announce: &mut dyn FnMut(&Written),
    ) -> Result<usize, Failure> {
        if let Some((_, pages)) = self.output.layout.filter(|_| layout.same) {
            return Ok(pages);
        }
        let mut keep: HashSet<PathBuf> = plan.pages.iter().map(|p| p.path()).collect();
        keep.extend(layout.assets.iter().cloned());
        keep.extend(index.iter().cloned());
        self.render.retain(|path| keep.contains(path));
        let removed = self.output.remove_all_but(&keep)?;
        if !removed.is_empty() {
            announce(&removal(removed));
        }
        Ok(keep
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "html"))
            .count())
    }
}
