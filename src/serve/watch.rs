//! File watching: which of the site's files changed, in batches.
//!
//! notify's debouncer merges the events of one save (an editor's temporary
//! file, its rename, the metadata touch) into one; on top of that, changes
//! that keep arriving close together, as in a `git checkout`, are gathered
//! into one batch so they cost one rebuild, not hundreds.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};

/// How long a path must be quiet before notify's debouncer reports it.
const DEBOUNCE: Duration = Duration::from_millis(3);
/// How long to wait for more changes before rebuilding.
const QUIET: Duration = Duration::from_millis(2);
/// A batch is cut here even if changes keep coming, so a process that
/// writes without pause still sees rebuilds.
const LONGEST_BATCH: Duration = Duration::from_secs(2);

/// The folders of a site that hold its sources.
const WATCHED: [&str; 4] = ["content", "templates", "static", "i18n"];

pub(crate) struct Watcher {
    root: PathBuf,
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    events: Receiver<DebounceEventResult>,
    watched: HashSet<PathBuf>,
    /// Watched folders whose watch must be made anew.
    stale: HashSet<PathBuf>,
}

impl Watcher {
    /// Watches the site at `root` (an absolute path): `site.yaml` and the
    /// content, templates, static and i18n folders, including ones created
    /// later.
    pub(crate) fn start(root: &Path) -> anyhow::Result<Watcher> {
        let (sender, events) = mpsc::channel();
        let mut debouncer = new_debouncer(DEBOUNCE, Some(Duration::from_millis(1)), sender)?;
        debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| anyhow::anyhow!("cannot watch {}: {e}", root.display()))?;
        let mut watcher = Watcher {
            root: root.to_path_buf(),
            debouncer,
            events,
            watched: HashSet::new(),
            stale: HashSet::new(),
        };
        watcher.refresh_watches();
        Ok(watcher)
    }

    /// Keeps a recursive watch on each source folder that exists, adding one
    /// for a folder created (or recreated) since.
    fn refresh_watches(&mut self) {
        for dir in std::mem::take(&mut self.stale) {
            if self.watched.remove(&dir) {
                let _ = self.debouncer.unwatch(&dir);
            }
        }
        for name in WATCHED {
            let dir = self.root.join(name);
            let exists = dir.is_dir();
            let watched = self.watched.contains(&dir);
            if exists && !watched {
                if self.debouncer.watch(&dir, RecursiveMode::Recursive).is_ok() {
                    self.watched.insert(dir);
                }
            } else if !exists && watched {
                let _ = self.debouncer.unwatch(&dir);
                self.watched.remove(&dir);
            }
        }
    }

    /// Whether a changed path is one of the site's sources.
    fn is_source(&self, path: &Path) -> bool {
        let Ok(rel) = path.strip_prefix(&self.root) else {
            return false;
        };
        let mut components = rel.components();
        match components.next().and_then(|c| c.as_os_str().to_str()) {
            Some("site.yaml") => components.next().is_none(),
            Some(first) => WATCHED.contains(&first),
            None => false,
        }
    }

    fn paths(&mut self, result: DebounceEventResult, into: &mut HashSet<PathBuf>) {
        match result {
            Ok(events) => {
                for event in events {
                    // Reading a file (as every build does) is not a change.
                    if matches!(event.event.kind, EventKind::Access(_)) {
                        continue;
                    }
                    if event.event.need_rescan() {
                        self.everything(into);
                    }
                    for path in event.event.paths {
                        // A source folder itself removed, created or moved:
                        // its watch must be made anew, even if a folder of
                        // that name is back by now.
                        if WATCHED.iter().any(|name| path == self.root.join(name)) {
                            self.stale.insert(path.clone());
                        }
                        if self.is_source(&path) {
                            into.insert(path);
                        }
                    }
                }
            }
            // The watcher lost track: look again at everything.
            Err(_) => self.everything(into),
        }
    }

    /// Marks every source folder as changed, so the whole site is read again.
    fn everything(&mut self, into: &mut HashSet<PathBuf>) {
        for name in WATCHED {
            into.insert(self.root.join(name));
            self.stale.insert(self.root.join(name));
        }
        into.insert(self.root.join("site.yaml"));
    }

    /// Waits for the next batch of changed source paths. `None` when the
    /// watcher has stopped.
    pub(crate) fn next_batch(&mut self) -> Option<HashSet<PathBuf>> {
        let mut batch = HashSet::new();
        while batch.is_empty() {
            let result = self.events.recv().ok()?;
            self.paths(result, &mut batch);
            self.refresh_watches();
        }
        let started = Instant::now();
        while started.elapsed() < LONGEST_BATCH {
            match self.events.recv_timeout(QUIET) {
                Ok(result) => {
                    self.paths(result, &mut batch);
                    self.refresh_watches();
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        Some(batch)
    }
}
