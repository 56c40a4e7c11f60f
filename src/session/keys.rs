//! The rebuild keys: what must be redone when something changes.
//!
//! Each key is a fingerprint of exactly what one kept result was made from,
//! so an equal key means the kept result still holds and an unequal one
//! means it is made again. They live together so that a new input (a
//! setting, a field) is added to every key it affects. The fingerprints of
//! rendered pages are `render`'s own: they are made from what each page is
//! given.

use std::hash::{Hash, Hasher};
use std::path::PathBuf;

use crate::config::{Options, SiteConfig};
use crate::fingerprint;
use crate::load::{SiteFiles, SourceFile};
use crate::model::{Briefing, Page};
use crate::render;

/// The settings every parse is made with: the base path (links are made
/// absolute with it) and whether raw HTML is kept. A change parses every
/// file again.
pub(super) fn parse_settings(config: &SiteConfig) -> u64 {
    // The image settings decide the variants an image's `srcset` names.
    // A translation's links to pages not translated lead to the originals.
    fingerprint::of(&(
        &config.base_path,
        config.markdown_safe,
        &config.images,
        &config.elsewhere,
    ))
}

/// A briefing's keys, made once when it is parsed, since every rebuild
/// compares them for every briefing.
#[derive(Clone, Copy, Debug)]
pub(super) struct BriefingKeys {
    /// What the site's indexes but the one by verdict take from the briefing.
    pub(super) index: u64,
    /// Its claims' verdicts.
    pub(super) verdicts: u64,
}

impl BriefingKeys {
    pub(super) fn of(briefing: &Briefing) -> BriefingKeys {
        BriefingKeys {
            index: briefing_index(briefing),
            verdicts: briefing_verdicts(briefing),
        }
    }
}

/// Everything the site's indexes but the one by verdict are made from (the
/// briefing's place in the list, its claims' speakers and sources, its
/// definitions and tags) and nothing else: an edit to the text alone leaves
/// it unchanged, so the indexes can be kept.
fn briefing_index(briefing: &Briefing) -> u64 {
    let mut h = fingerprint::hasher();
    (
        &briefing.slug,
        &briefing.content_path,
        briefing.date,
        briefing.draft,
        &briefing.tags,
        &briefing.authors,
    )
        .hash(&mut h);
    for claim in &briefing.claims {
        (&claim.id, &claim.speaker, &claim.sources).hash(&mut h);
    }
    for (id, s) in &briefing.speakers {
        (id, &s.name, &s.role, &s.affiliation).hash(&mut h);
    }
    for (id, s) in &briefing.sources {
        (id, s.hash).hash(&mut h);
    }
    h.finish()
}

/// A briefing's verdicts, which only the index of claims by verdict is made
/// from: a changed verdict redoes that index alone.
fn briefing_verdicts(briefing: &Briefing) -> u64 {
    fingerprint::of(
        &briefing
            .claims
            .iter()
            .map(|c| &c.verdict)
            .collect::<Vec<_>>(),
    )
}

/// What a resolved site was made from, compared with the last good build's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct SiteKeys {
    /// Every index but the one by verdict (and the views shared by many
    /// pages): the settings, the site-wide speakers and sources, each
    /// briefing's index key and each page's place.
    pub(super) resolve: u64,
    /// The index of claims by verdict: every briefing's verdicts.
    pub(super) verdicts: u64,
}

impl SiteKeys {
    pub(super) fn of(
        files: &SiteFiles,
        options: &Options,
        site_media: u64,
        briefings: &[&BriefingKeys],
        pages: &[&Page],
    ) -> SiteKeys {
        SiteKeys {
            resolve: fingerprint::of(&(
                files.config.as_ref().map(|f| f.hash),
                &options.base_url,
                files.speakers.as_ref().map(|f| f.hash),
                files.sources.as_ref().map(|f| f.hash),
                files.authors.as_ref().map(|f| f.hash),
                site_media,
                briefings.iter().map(|b| b.index).collect::<Vec<_>>(),
                pages
                    .iter()
                    .map(|p| (&p.slug, &p.content_path, &p.title))
                    .collect::<Vec<_>>(),
            )),
            verdicts: fingerprint::of(&briefings.iter().map(|b| b.verdicts).collect::<Vec<_>>()),
        }
    }
}

/// What each briefing's own checks depend on besides the briefing: the
/// site-wide speakers and sources and the verdict scale.
pub(super) fn checks_context(files: &SiteFiles, config: &SiteConfig) -> u64 {
    fingerprint::of(&(
        files.speakers.as_ref().map(|f| f.hash),
        files.sources.as_ref().map(|f| f.hash),
        files.authors.as_ref().map(|f| f.hash),
        config.scale.iter().map(|v| &v.id).collect::<Vec<_>>(),
    ))
}

/// One briefing's checks: its file and their context.
pub(super) fn briefing_checks(file_hash: u64, context: u64) -> u64 {
    fingerprint::of(&(file_hash, context))
}

/// The site's own templates, by name and text.
pub(super) fn templates(overrides: &[(String, SourceFile)]) -> u64 {
    fingerprint::of(
        &overrides
            .iter()
            .map(|(name, file)| (name, file.hash))
            .collect::<Vec<_>>(),
    )
}

/// Every output path of a build: while it holds, no file can have
/// appeared, vanished or come to clash with another.
pub(super) fn layout(plan: &render::Plan, assets: &[PathBuf]) -> u64 {
    fingerprint::of(&(plan.layout, assets))
}
