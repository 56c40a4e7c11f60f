//! Each briefing's own checks, kept while neither it nor what they depend
//! on changed.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::keys;
use crate::diagnostic::Diagnostic;
use crate::resolve::Site;
use crate::validate;

/// Each briefing's own checks, with the key they were made for, by file.
#[derive(Default)]
pub(super) struct Checks(HashMap<PathBuf, Checked>);

/// What one briefing's checks found.
struct Checked {
    key: u64,
    diagnostics: Arc<[Diagnostic]>,
    /// Whether a claim names a speaker or source nothing in reach defines:
    /// the site-wide checks say more about it, reading every briefing.
    unknown_references: bool,
}

impl Checks {
    /// Every problem in the site. `context` is the key of what each
    /// briefing's checks depend on besides the briefing.
    pub(super) fn run(&mut self, site: &Site, context: u64) -> Vec<Diagnostic> {
        self.check_changed(site, context);
        let checked: Vec<&Checked> = site.briefings.iter().map(|b| &self.0[&b.file]).collect();
        let flagged: Vec<usize> = (0..checked.len())
            .filter(|&b| checked[b].unknown_references)
            .collect();
        let mut diagnostics = validate::site_checks(site, &flagged);
        for (checked, file) in checked.iter().zip(&site.briefing_files) {
            diagnostics.extend(checked.diagnostics.iter().cloned());
            // Some problems are located in another briefing's front
            // matter (where a shared speaker is defined): let go of those
            // indexes too.
            file.positions.forget_positions();
        }
        diagnostics
    }

    /// Checks again only the briefings whose checks' inputs changed: a save
    /// changes one, and a large archive has tens of thousands of warnings
    /// that are not worth copying twice.
    fn check_changed(&mut self, site: &Site, context: u64) {
        let fresh: Vec<(usize, Checked)> = (0..site.briefings.len())
            .into_par_iter()
            .filter_map(|b| {
                let file = &site.briefing_files[b];
                let key = keys::briefing_checks(file.hash, context);
                match self.0.get(&site.briefings[b].file) {
                    Some(cached) if cached.key == key => None,
                    _ => {
                        let diagnostics = validate::briefing_checks(site, b).into();
                        // Let go at once, or every index is held at the
                        // end of this loop.
                        file.positions.forget_positions();
                        let unknown_references = validate::has_unknown_references(site, b);
                        Some((
                            b,
                            Checked {
                                key,
                                diagnostics,
                                unknown_references,
                            },
                        ))
                    }
                }
            })
            .collect();
        for (b, checked) in fresh {
            self.0.insert(site.briefings[b].file.clone(), checked);
        }
        if self.0.len() != site.briefings.len() {
            let present: HashSet<&Path> = site.briefings.iter().map(|b| b.file.as_path()).collect();
            self.0.retain(|file, _| present.contains(file.as_path()));
        }
    }

    pub(super) fn clear(&mut self) {
        self.0.clear();
    }
}
