//! Each content file as last parsed, parsed again only when its text, the
//! parse settings, or a file of the site it named changed (an image that
//! appeared, vanished or was replaced: its size and variants are in the
//! HTML, and a missing one was an error).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::keys::{self, BriefingKeys};
use crate::config::SiteConfig;
use crate::diagnostic::Diagnostic;
use crate::load::SourceFile;
use crate::media::Catalog;
use crate::model::{Briefing, Page};
use crate::parse;
use crate::parse::refs::Lookups;
use crate::resolve::BriefingFile;

/// A briefing as parsed, with what is kept beside it.
#[derive(Clone)]
pub(super) struct ParsedBriefing {
    pub(super) briefing: Arc<Briefing>,
    pub(super) file: BriefingFile,
    pub(super) keys: BriefingKeys,
}

/// A page as parsed, with the fingerprint of its file.
pub(super) type ParsedPage = (Arc<Page>, u64);

/// One file's parse: the value, unless the file was too broken to use,
/// and its problems.
struct Parsed<T> {
    text_hash: u64,
    value: Option<T>,
    diagnostics: Vec<Diagnostic>,
    /// The site's files the parse looked up, with what it found.
    lookups: Lookups,
}

impl<T> Parsed<T> {
    /// Whether every file the parse looked up is as it found it.
    fn still_holds(&self, catalog: &Catalog) -> bool {
        self.lookups
            .iter()
            .all(|(path, found)| catalog.get(path).map(|f| &**f) == found.as_deref())
    }
}

/// A parse's fingerprint: its file's, and when it named files of the site,
/// theirs too, so the stages after it redo what shows them.
fn fingerprint(text_hash: u64, lookups: &Lookups) -> u64 {
    if lookups.is_empty() {
        text_hash
    } else {
        crate::fingerprint::of(&(text_hash, lookups))
    }
}

#[derive(Default)]
pub(super) struct ParsedFiles {
    briefings: HashMap<PathBuf, Parsed<ParsedBriefing>>,
    pages: HashMap<PathBuf, Parsed<ParsedPage>>,
    /// The settings the parses were made with.
    settings: u64,
}

impl ParsedFiles {
    /// Parses the files whose text changed since the last build, and
    /// returns, in file order, the briefings and pages the build takes (no
    /// drafts unless `drafts`), adding their problems to `diagnostics`.
    pub(super) fn update(
        &mut self,
        (briefings, pages): (Vec<SourceFile>, Vec<SourceFile>),
        config: &SiteConfig,
        catalog: &Catalog,
        drafts: bool,
        bodies: parse::Bodies,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> (Vec<ParsedBriefing>, Vec<ParsedPage>) {
        let settings = keys::parse_settings(config);
        if settings != self.settings {
            self.clear();
            self.settings = settings;
        }
        let briefings = reparse(
            &mut self.briefings,
            briefings,
            config,
            catalog,
            |file, config, catalog| parse_briefing(file, config, catalog, bodies),
            diagnostics,
            |b| drafts || !b.briefing.draft,
        );
        let pages = reparse(
            &mut self.pages,
            pages,
            config,
            catalog,
            |file, config, catalog| {
                let (page, d, lookups) = parse::page_in(file, config, catalog);
                let hash = fingerprint(file.hash, &lookups);
                (page.map(|page| (Arc::new(page), hash)), d, lookups)
            },
            diagnostics,
            |(p, _)| drafts || !p.draft,
        );
        (briefings, pages)
    }

    /// Content files (as `@/` links name them) too broken to parse.
    pub(super) fn unparsed(&self) -> HashSet<String> {
        let briefings = self.briefings.iter().map(|(p, b)| (p, b.value.is_none()));
        let pages = self.pages.iter().map(|(p, b)| (p, b.value.is_none()));
        briefings
            .chain(pages)
            .filter(|(_, broken)| *broken)
            .map(|(path, _)| parse::content_path(path))
            .collect()
    }

    pub(super) fn clear(&mut self) {
        self.briefings.clear();
        self.pages.clear();
    }
}

fn parse_briefing(
    file: &SourceFile,
    config: &SiteConfig,
    catalog: &Catalog,
    bodies: parse::Bodies,
) -> (Option<ParsedBriefing>, Vec<Diagnostic>, Lookups) {
    let (parsed, diagnostics, lookups) = parse::briefing_in(file, config, catalog, bodies);
    let hash = fingerprint(file.hash, &lookups);
    let parsed = parsed.map(|(briefing, positions)| ParsedBriefing {
        keys: BriefingKeys::of(&briefing),
        briefing: Arc::new(briefing),
        file: BriefingFile { hash, positions },
    });
    (parsed, diagnostics, lookups)
}

/// What parsing one file gives: its value, its problems, and the site's
/// files it looked up.
type ParseResult<T> = (Option<T>, Vec<Diagnostic>, Lookups);

/// Parses the files whose text (or a file of the site they name) changed
/// since the last build, in parallel, and returns, in file order, those
/// that `wanted` keeps. A draft left out is left out whole: its problems
/// wait for `--drafts`.
fn reparse<T: Clone + Send + Sync>(
    cache: &mut HashMap<PathBuf, Parsed<T>>,
    files: Vec<SourceFile>,
    config: &SiteConfig,
    catalog: &Catalog,
    parse: impl Fn(&SourceFile, &SiteConfig, &Catalog) -> ParseResult<T> + Sync,
    diagnostics: &mut Vec<Diagnostic>,
    wanted: impl Fn(&T) -> bool,
) -> Vec<T> {
    let paths: Vec<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
    let fresh: Vec<(PathBuf, Parsed<T>)> = files
        .into_par_iter()
        .filter_map(|file| {
            let text_hash = file.hash;
            match cache.get(&file.path) {
                Some(cached) if cached.text_hash == text_hash && cached.still_holds(catalog) => {
                    None
                }
                _ => {
                    let (value, diagnostics, lookups) = parse(&file, config, catalog);
                    Some((
                        file.path,
                        Parsed {
                            text_hash,
                            value,
                            diagnostics,
                            lookups,
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
