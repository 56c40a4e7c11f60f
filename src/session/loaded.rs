//! The site's files as last read, and the problems reading them.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::load::{self, SiteFiles, SourceFile};
use crate::media::catalog::Probed;
use crate::media::Catalog;
use crate::BuildMode;
use std::sync::Arc;

#[derive(Clone, Default)]
pub(super) struct LoadedFiles {
    pub(super) files: SiteFiles,
    pub(super) diagnostics: Vec<Diagnostic>,
    /// What each bundle and static file is, probed when it first appears
    /// and again only when it changes.
    media: Probed,
    /// The same catalog, for the stages that look files up.
    pub(super) catalog: Arc<Catalog>,
    loaded: bool,
}

impl LoadedFiles {
    /// Reads the files again: all of them the first time, then only those
    /// in `changed` (absolute paths), or all when `changed` is `None`.
    pub(super) fn load(&mut self, root: &Path, changed: Option<&HashSet<PathBuf>>) {
        let (files, diagnostics) = match changed {
            Some(changed) if self.loaded => {
                load::reload(root, &self.files, &self.diagnostics, changed)
            }
            _ => load::load(root),
        };
        let changed = changed.filter(|_| self.loaded);
        self.media = self.media.update(&files, changed);
        self.catalog = Arc::clone(&self.media.catalog);
        self.files = files;
        self.diagnostics = diagnostics;
        self.loaded = true;
    }

    /// The briefings' and pages' files, to parse. A one-off build takes
    /// them, so each text is dropped as soon as it is parsed and the texts
    /// and their parses are never all held at once.
    pub(super) fn content(&mut self, mode: BuildMode) -> (Vec<SourceFile>, Vec<SourceFile>) {
        match mode {
            BuildMode::OneOff => (
                std::mem::take(&mut self.files.briefings),
                std::mem::take(&mut self.files.pages),
            ),
            BuildMode::Kept => (self.files.briefings.clone(), self.files.pages.clone()),
        }
    }
}
