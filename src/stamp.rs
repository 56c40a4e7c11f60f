//! The stamp of the last `brief build`: what it read, how it was asked,
//! and what it left in the output folder, so that a build with nothing
//! changed can say so instead of rendering the whole site again.
//!
//! The stamp is `.brief-cache/build.json`. It holds fingerprints of the
//! input files' metadata (path, size, modification and change times,
//! inode) and of the output files' (path, size, modification time, inode),
//! the options and environment that change the output, the identity of the
//! `brief` executable, and the build's summary and warnings to print again.
//! Checking it costs one `stat` per file and no reads of their contents.
//! The change time and inode are in the input fingerprint because an editor
//! can save a file with the same size and set its modification time back;
//! it cannot set those back. They are left out for output files because a
//! build hard-links unchanged files from the previous output, which changes
//! their change time.
//!
//! Anything that does not match, or a stamp that is missing, unreadable or
//! of another format, is an ordinary build: the stamp can only ever save
//! work, never cause an error. It is removed before each build and written
//! after a successful one, so a failed build never leaves a stamp behind.

use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use crate::config::Options;
use crate::diagnostic::{Diagnostic, Position, Severity};
use crate::links::cache::DIR;
use crate::session::Report;

const FILE: &str = "build.json";

/// Bumped whenever the stamp's meaning changes, so an older stamp is
/// never trusted.
const FORMAT: u32 = 3;

/// Environment variables that change only what is printed, never the site.
const PRINT_ONLY: [&str; 1] = ["BRIEF_TIMINGS"];

/// What must be as it was for a build to be skipped, except the output
/// folder's files, which are fingerprinted after the build.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Key {
    brief: String,
    /// The running executable's size, modification time and inode: a
    /// `brief` rebuilt from other code never trusts an old stamp (and one
    /// that cannot tell which executable it is never skips a build).
    executable: u64,
    root: PathBuf,
    output: PathBuf,
    base_url: Option<String>,
    drafts: bool,
    /// Every `BRIEF_*` variable but those that only change what is printed.
    environment: Vec<(String, String)>,
    inputs: u64,
}

/// The summary of the build that wrote the stamp, printed again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Summary {
    pub(crate) pages: usize,
    pub(crate) files: usize,
    pub(crate) briefings: usize,
    pub(crate) claims: usize,
    warnings: Vec<Warning>,
}

impl Summary {
    pub(crate) fn warnings(&self) -> Vec<Diagnostic> {
        self.warnings.iter().map(Warning::diagnostic).collect()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Warning {
    severity: String,
    file: PathBuf,
    line: usize,
    column: usize,
    field: Option<String>,
    message: String,
    hint: Option<String>,
}

impl Warning {
    fn of(diagnostic: &Diagnostic) -> Warning {
        Warning {
            severity: match diagnostic.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "note",
            }
            .to_owned(),
            file: diagnostic.file.clone(),
            line: diagnostic.position.line,
            column: diagnostic.position.column,
            field: diagnostic.field.clone(),
            message: diagnostic.message.clone(),
            hint: diagnostic.hint.clone(),
        }
    }

    fn diagnostic(&self) -> Diagnostic {
        Diagnostic {
            severity: match self.severity.as_str() {
                "error" => Severity::Error,
                "note" => Severity::Note,
                _ => Severity::Warning,
            },
            file: self.file.clone(),
            position: Position::new(self.line, self.column),
            field: self.field.clone(),
            message: self.message.clone(),
            hint: self.hint.clone(),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct StampFile {
    format: u32,
    key: Key,
    outputs: u64,
    summary: Summary,
}

fn path(root: &Path) -> PathBuf {
    root.join(DIR).join(FILE)
}

/// The key of a build with these options, from the files' metadata alone.
/// `None` when a folder cannot be walked: the build will report it.
pub(crate) fn key(options: &Options) -> Option<Key> {
    let root = options.root.canonicalize().ok()?;
    let output = options.output_dir();
    let output = output
        .canonicalize()
        .or_else(|_| std::path::absolute(&output))
        .ok()?;
    let mut hasher = crate::fingerprint::hasher();
    for file in crate::load::input_paths(&root)? {
        file.strip_prefix(&root).unwrap_or(&file).hash(&mut hasher);
        // A missing site.yaml is a state of its own, as is any file that
        // vanished since the walk.
        match std::fs::metadata(&file) {
            Ok(meta) => (true, stat(&meta, true)).hash(&mut hasher),
            Err(_) => false.hash(&mut hasher),
        }
    }
    let mut environment: Vec<(String, String)> = std::env::vars_os()
        .filter_map(|(name, value)| Some((name.into_string().ok()?, value)))
        .filter(|(name, _)| name.starts_with("BRIEF_") && !PRINT_ONLY.contains(&name.as_str()))
        .map(|(name, value)| (name, value.to_string_lossy().into_owned()))
        .collect();
    environment.sort();
    Some(Key {
        brief: env!("CARGO_PKG_VERSION").to_owned(),
        executable: crate::fingerprint::of(&stat(
            &std::env::current_exe().and_then(std::fs::metadata).ok()?,
            false,
        )),
        root,
        output,
        base_url: options.base_url.clone(),
        drafts: options.drafts,
        environment,
        inputs: hasher.finish(),
    })
}

/// The summary of the last build when it was made with `key` and its
/// output folder is as it left it.
pub(crate) fn unchanged(root: &Path, key: &Key) -> Option<Summary> {
    let text = std::fs::read(path(root)).ok()?;
    let stamp: StampFile = serde_json::from_slice(&text).ok()?;
    (stamp.format == FORMAT && stamp.key == *key && outputs(&key.output) == Some(stamp.outputs))
        .then_some(stamp.summary)
}

/// Removes the stamp before a build, so that a build that fails or is
/// stopped leaves none to trust.
pub(crate) fn forget(root: &Path) {
    let _ = std::fs::remove_file(path(root));
}

/// Writes the stamp of a successful build, atomically. An `Err` is a note
/// to show: the build itself is done.
pub(crate) fn save(root: &Path, key: Key, report: &Report) -> Result<(), String> {
    // Social cards are drawn with the machine's fonts, which only loading
    // them all tells apart (slower than a stat of the site): a site with
    // cards is always built.
    if report.cards_drawn + report.cards_reused > 0 {
        return Ok(());
    }
    let failed = |err: &dyn std::fmt::Display| {
        format!(
            "cannot write {} ({err}); the next build will not know that nothing changed",
            Path::new(DIR).join(FILE).display()
        )
    };
    let outputs = report
        .outputs
        .ok_or_else(|| failed(&"the output folder was not written whole"))?;
    let stamp = StampFile {
        format: FORMAT,
        outputs,
        summary: Summary {
            pages: report.pages,
            files: report.files,
            briefings: report.briefings,
            claims: report.claims,
            warnings: report.warnings.iter().map(Warning::of).collect(),
        },
        key,
    };
    let dir = root.join(DIR);
    std::fs::create_dir_all(&dir).map_err(|e| failed(&e))?;
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        // Best effort: the cache works without it.
        let _ = std::fs::write(&ignore, "# Written by brief; safe to delete.\n*\n");
    }
    let json = serde_json::to_vec(&stamp).map_err(|e| failed(&e))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".build.json.").suffix(".tmp");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut temporary = builder.tempfile_in(&dir).map_err(|e| failed(&e))?;
    temporary.write_all(&json).map_err(|e| failed(&e))?;
    temporary
        .persist(dir.join(FILE))
        .map_err(|e| failed(&e.error))?;
    Ok(())
}

/// The fingerprint of everything in the output folder, read back by a
/// walk: each entry's path and kind, and each file's size, modification
/// time and inode. A file or folder added to the output counts too, since
/// a build would remove it.
pub(crate) fn outputs(output: &Path) -> Option<u64> {
    let print = OutputPrint::default();
    walk(output, Path::new(""), &print).ok()?;
    Some(print.value())
}

/// Adds the entries under `dir` (`rel` from the output folder) to `print`.
/// The folders below it are read on every thread: a site of 10,000
/// briefings has 227,000, each a directory read and a `stat` per file.
fn walk(dir: &Path, rel: &Path, print: &OutputPrint) -> std::io::Result<()> {
    use rayon::prelude::*;
    let entries = std::fs::read_dir(dir)?.collect::<std::io::Result<Vec<_>>>()?;
    entries.par_iter().try_for_each(|entry| {
        let rel = rel.join(entry.file_name());
        let kind = entry.file_type()?;
        if kind.is_dir() {
            print.folder(&rel);
            walk(&entry.path(), &rel, print)
        } else if kind.is_file() {
            print.file(&rel, &entry.metadata()?);
            Ok(())
        } else {
            // A build makes only files and folders: anything else in the
            // output was put there since.
            print.add(crate::fingerprint::of(&(&rel, "other")));
            Ok(())
        }
    })
}

/// The fingerprint of an output folder, summed entry by entry so that it
/// comes out the same whatever order the entries are met in: a build
/// gathers it as it puts each file and folder into its staging folder (in
/// whatever order its threads finish them), so that saving the stamp reads
/// nothing back, and the next build checks it with a walk.
#[derive(Debug, Default)]
pub(crate) struct OutputPrint(AtomicU64);

impl OutputPrint {
    /// A file at `rel` under the output folder, with its metadata as the
    /// output holds it.
    pub(crate) fn file(&self, rel: &Path, meta: &std::fs::Metadata) {
        self.add(crate::fingerprint::of(&(rel, "file", stat(meta, false))));
    }

    /// A folder at `rel` under the output folder.
    pub(crate) fn folder(&self, rel: &Path) {
        self.add(crate::fingerprint::of(&(rel, "folder")));
    }

    fn add(&self, print: u64) {
        self.0.fetch_add(print, Ordering::Relaxed);
    }

    pub(crate) fn value(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A file's size, modification time, inode and, when asked, change time,
/// in nanoseconds where the system has them.
#[cfg(unix)]
fn stat(meta: &std::fs::Metadata, with_change: bool) -> [i64; 6] {
    use std::os::unix::fs::MetadataExt;
    let change = if with_change {
        [meta.ctime(), meta.ctime_nsec()]
    } else {
        [0, 0]
    };
    [
        meta.size() as i64,
        meta.mtime(),
        meta.mtime_nsec(),
        meta.ino() as i64,
        change[0],
        change[1],
    ]
}

#[cfg(not(unix))]
fn stat(meta: &std::fs::Metadata, _with_change: bool) -> [i64; 6] {
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .unwrap_or_default();
    [
        meta.len() as i64,
        modified.as_secs() as i64,
        i64::from(modified.subsec_nanos()),
        0,
        0,
        0,
    ]
}
