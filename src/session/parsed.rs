//! Each content file as last parsed, parsed again only when its text or
//! the parse settings changed.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::keys::{self, BriefingKeys};
use crate::config::SiteConfig;
use crate::diagnostic::Diagnostic;
use crate::load::SourceFile;
use crate::model::{Briefing, Page};
use crate::parse;
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
        drafts: bool,
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
            parse_briefing,
            diagnostics,
            |b| drafts || !b.briefing.draft,
        );
        let pages = reparse(
            &mut self.pages,
            pages,
            config,
            |file, config| {
                let (page, d) = parse::page(file, config);
                (page.map(|page| (Arc::new(page), file.hash)), d)
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
) -> (Option<ParsedBriefing>, Vec<Diagnostic>) {
    let (parsed, diagnostics) = parse::briefing(file, config);
    let parsed = parsed.map(|(briefing, positions)| ParsedBriefing {
        keys: BriefingKeys::of(&briefing),
        briefing: Arc::new(briefing),
        file: BriefingFile {
            hash: file.hash,
            positions,
        },
    });
    (parsed, diagnostics)
}

/// Parses the files whose text changed since the last build, in parallel,
/// and returns, in file order, those that `wanted` keeps. A draft left out
/// is left out whole: its problems wait for `--drafts`.
fn reparse<T: Clone + Send + Sync>(
    cache: &mut HashMap<PathBuf, Parsed<T>>,
    files: Vec<SourceFile>,
    config: &SiteConfig,
    parse: impl Fn(&SourceFile, &SiteConfig) -> (Option<T>, Vec<Diagnostic>) + Sync,
    diagnostics: &mut Vec<Diagnostic>,
    wanted: impl Fn(&T) -> bool,
) -> Vec<T> {
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
                            value,
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
