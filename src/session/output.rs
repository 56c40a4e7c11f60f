//! What is on disk in the output folder, as the last build left it.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::{Failure, Written};
use crate::render::{OutputFile, PlannedPage};
use crate::write;

pub(super) struct Output {
    pub(super) dir: PathBuf,
    /// Output path -> fingerprint of the bytes on disk, once written.
    pub(super) written: HashMap<PathBuf, u64>,
    /// The key of the last build's output paths (see `keys::layout`), with
    /// its number of pages.
    pub(super) layout: Option<(u64, usize)>,
    /// The URL path prefix of the last successful build.
    pub(super) base_path: String,
    /// Media output path -> key of what it was made from (see
    /// `media::publish::Output::key`), once written.
    pub(super) media: HashMap<PathBuf, u64>,
}

impl Output {
    pub(super) fn new(dir: PathBuf) -> Output {
        Output {
            dir,
            written: HashMap::new(),
            layout: None,
            base_path: "/".to_owned(),
            media: HashMap::new(),
        }
    }

    /// Writes, in place, the files whose bytes changed; returns their paths.
    pub(super) fn write(&mut self, files: &[OutputFile]) -> Result<Vec<PathBuf>, Failure> {
        write::write_changed(&self.dir, files, &mut self.written).map_err(Failure::Write)
    }

    /// Removes the files not in `keep`; returns their paths.
    pub(super) fn remove_all_but(
        &mut self,
        keep: &HashSet<PathBuf>,
    ) -> Result<Vec<PathBuf>, Failure> {
        write::remove_stale(&self.dir, keep, &mut self.written).map_err(Failure::Write)
    }
}

/// What writing `changed` after rendering `batch` tells open pages: the
/// URLs of the pages among them, and the other files as assets; nothing
/// when nothing changed.
pub(super) fn news(batch: &[&PlannedPage], changed: Vec<PathBuf>) -> Option<Written> {
    if changed.is_empty() {
        return None;
    }
    let urls: HashMap<PathBuf, Cow<str>> = batch.iter().map(|p| (p.path(), p.url())).collect();
    let (pages, assets): (Vec<PathBuf>, Vec<PathBuf>) = changed
        .into_iter()
        .partition(|p| urls.contains_key(p.as_path()));
    Some(Written {
        pages: pages
            .iter()
            .map(|p| urls[p.as_path()].to_string())
            .collect(),
        assets,
        removed: Vec::new(),
    })
}

/// The URL at which the output file `path` is served, below `base_path`:
/// a folder's `index.html` by the folder.
pub(crate) fn url_of(base_path: &str, path: &Path) -> String {
    let path = path.to_string_lossy().replace('\\', "/");
    format!(
        "{base_path}{}",
        path.strip_suffix("index.html").unwrap_or(&path)
    )
}

/// What removing `removed` tells open pages.
pub(super) fn removal(removed: Vec<PathBuf>) -> Written {
    Written {
        pages: Vec::new(),
        assets: Vec::new(),
        removed,
    }
}
