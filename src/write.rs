//! Puts a built site on disk without ever leaving half of one.
//!
//! Pages go to a staging folder beside the output; only when every file is
//! written is the old output swapped out and the new one renamed into its
//! place. A failed or killed build leaves the previous output as it was.
//! `brief` marks each output folder it creates and refuses to replace a
//! folder without that mark, so it never deletes a writer's own files.
//!
//! A file whose bytes are already in the old output is hard-linked into the
//! staging folder rather than written again, so after the swap it keeps its
//! modification time: a build that changes nothing changes no file, and
//! rsync-style deploys upload only what changed. A file that grows with the
//! site (`claims.json`, the sitemap) is streamed in rather than made whole
//! first: its pieces are compared with the old file as they come, and it is
//! written only from the first piece that differs.
//!
//! Creating a folder and a file each cost a few hundred microseconds on a
//! slow disk, and a site has a folder for nearly every page, so the staging
//! folder remembers the folders it has made and asks the kernel for each
//! one once, and a file is written with one call and checked against the
//! old output only when there is one.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::{fingerprint, stamp};

use thiserror::Error;

/// The file that marks a folder as `brief`'s output.
pub(crate) const MARKER: &str = ".brief-output";
const MARKER_TEXT: &str = "This folder is written by `brief build` and replaced on every build.\nDo not keep your own files here.\n";

#[derive(Debug, Error)]
pub enum WriteError {
    #[error("refusing to write the site into {path}: {reason}")]
    Refused { path: PathBuf, reason: String },
    #[error("refusing to write {path}: it would land outside the output folder")]
    Escape { path: PathBuf },
    #[error("cannot write {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Checks that `output` may be replaced by a build of the site at `root`.
pub(crate) fn check_output(root: &Path, output: &Path) -> Result<(), WriteError> {
    let refuse = |reason: &str| {
        Err(WriteError::Refused {
            path: output.to_path_buf(),
            reason: reason.to_owned(),
        })
    };
    let root = root.canonicalize().map_err(io_error(root))?;
    if let Ok(meta) = fs::symlink_metadata(output) {
        if meta.file_type().is_symlink() {
            return refuse("it is a symbolic link; pass the real folder with --output");
        }
        if !meta.is_dir() {
            return refuse("it is a file, not a folder");
        }
    }
    // Resolve as much of the path as exists, to compare real locations.
    let resolved = resolve_existing(output);
    if resolved == root {
        return refuse("it is the site's root folder; use a folder inside it such as public/");
    }
    if root.starts_with(&resolved) {
        return refuse("it contains the site itself; choose a folder inside the site such as public/, or elsewhere");
    }
    for own in ["content", "templates", "static"] {
        if resolved.starts_with(root.join(own)) {
            return refuse(&format!("it is inside the site's {own}/ folder, which brief reads; choose another folder such as public/"));
        }
    }
    if output.is_dir() && !output.join(MARKER).exists() {
        let empty = fs::read_dir(output)
            .map_err(io_error(output))?
            .next()
            .is_none();
        if !empty {
            return refuse(&format!(
                "it holds files that brief did not write (there is no {MARKER} file); move them away or choose an empty or new folder"
            ));
        }
    }
    Ok(())
}

fn resolve_existing(path: &Path) -> PathBuf {
    let mut tail = Vec::new();
    let mut head = path.to_path_buf();
    loop {
        if let Ok(real) = head.canonicalize() {
            let mut out = real;
            for part in tail.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (head.file_name().map(|f| f.to_owned()), head.parent()) {
            (Some(name), Some(parent)) => {
                tail.push(name);
                head = parent.to_path_buf();
            }
            _ => return path.to_path_buf(),
        }
    }
}

/// Sibling paths used while writing: `.public.staging` and `.public.old`.
fn sibling(output: &Path, suffix: &str) -> PathBuf {
    let name = output
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    output.with_file_name(format!(".{name}.brief-{suffix}"))
}

/// A build being written: a staging folder beside the output that files
/// are put into as they are made, from any number of threads at once, so a
/// build never holds the whole site in memory. [`Staging::finish`] swaps it
/// in; dropped unfinished (a page failed to render, a write failed), it
/// removes itself and the previous output stays as it was.
pub(crate) struct Staging {
    output: PathBuf,
    staging: PathBuf,
    old: PathBuf,
    finished: bool,
    /// Whether there is an old output whose files may be linked.
    previous: bool,
    /// The folders under the staging folder made so far, relative to it,
    /// by the fingerprint of their path: `create_dir_all` would ask the
    /// kernel about each of them (and every folder above) again for every
    /// file. Their paths, a folder for nearly every page, were some 18 MB
    /// at 10,000 briefings. Two folders of one fingerprint would leave the
    /// second unmade, which a file put in it finds and mends (left out of
    /// `print`, it makes the next `brief build` a real one). A fingerprint
    /// is a hash already: hashed again with Fx (one multiply), not SipHash.
    folders: Mutex<rustc_hash::FxHashSet<u64>>,
    /// The fingerprint of what has been put so far, which the output will
    /// hold once swapped in: the stamp of `brief build` needs it, and
    /// gathering it here spares a walk of the finished output (a directory
    /// read per folder and a `stat` per file, more system calls than
    /// writing the site took).
    print: stamp::OutputPrint,
}

impl Staging {
    /// Makes an empty staging folder holding only the output's marker,
    /// first finishing or undoing a swap that a killed build left.
    pub(crate) fn begin(output: &Path) -> Result<Staging, WriteError> {
        let staging = sibling(output, "staging");
        let old = sibling(output, "old");
        if let Some(parent) = output.parent() {
            fs::create_dir_all(parent).map_err(io_error(parent))?;
        }
        recover(output, &old)?;
        if staging.exists() {
            // Left by a build that was killed; it is ours by its name.
            fs::remove_dir_all(&staging).map_err(io_error(&staging))?;
        }
        fs::create_dir_all(&staging).map_err(io_error(&staging))?;
        let staging = Staging {
            previous: output.is_dir(),
            output: output.to_path_buf(),
            staging,
            old,
            finished: false,
            folders: Mutex::default(),
            print: stamp::OutputPrint::default(),
        };
        staging.put(Path::new(MARKER), MARKER_TEXT.as_bytes())?;
        Ok(staging)
    }

    /// Puts one file into the staging folder: hard-linked from the old
    /// output when its bytes are already there, written otherwise. Returns
    /// whether it was written.
    pub(crate) fn put(&self, rel: &Path, bytes: &[u8]) -> Result<bool, WriteError> {
        let rel = checked(rel)?;
        let path = self.staging.join(rel);
        if let Some(folder) = rel.parent().filter(|p| !p.as_os_str().is_empty()) {
            self.make_folder(folder)?;
        }
        if self.previous {
            let previous = self.output.join(rel);
            if let Some(meta) = same_bytes(&previous, bytes) {
                // A link is the same file: its size, time and inode.
                if fs::hard_link(&previous, &path).is_ok() {
                    self.print.file(rel, &meta);
                    return Ok(false);
                }
            }
        }
        let meta = in_made_folder(&path, || write_file(&path, bytes)).map_err(io_error(&path))?;
        self.print.file(rel, &meta);
        Ok(true)
    }

    /// Puts one file into the staging folder as `make` writes it, a piece
    /// at a time, so a large file (`claims.json`) is never whole in memory.
    /// Like [`Staging::put`], a file whose bytes are already in the old
    /// output is hard-linked from there: the pieces are compared with the
    /// old file as they come, and nothing is written until one differs.
    /// Returns the fingerprint of the bytes ([`fingerprint::of_file`]) and
    /// whether they were written.
    pub(crate) fn put_stream(
        &self,
        rel: &Path,
        make: &dyn Fn(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(u64, bool), WriteError> {
        let rel = checked(rel)?;
        let path = self.staging.join(rel);
        if let Some(folder) = rel.parent().filter(|p| !p.as_os_str().is_empty()) {
            self.make_folder(folder)?;
        }
        let previous = self.output.join(rel);
        let old = if self.previous {
            fs::symlink_metadata(&previous)
                .ok()
                .filter(fs::Metadata::is_file)
                .and_then(|meta| Some((fs::File::open(&previous).ok()?, meta)))
        } else {
            None
        };
        let mut file = StreamedFile {
            path: &path,
            previous: &previous,
            old,
            same: 0,
            out: None,
            scratch: Vec::new(),
            hasher: fingerprint::FileHasher::default(),
        };
        let mut writer = io::BufWriter::with_capacity(STREAM_BUFFER, &mut file);
        make(&mut writer)
            .and_then(|()| writer.flush())
            .map_err(io_error(&path))?;
        drop(writer);
        let (hash, written, meta) = file.finish()?;
        self.print.file(rel, &meta);
        Ok((hash, written))
    }

    /// Makes the folder `rel` of the staging folder and those above it that
    /// are not made yet, each with one call, remembering them.
    fn make_folder(&self, rel: &Path) -> Result<(), WriteError> {
        if self.made(rel) {
            return Ok(());
        }
        if let Some(parent) = rel.parent().filter(|p| !p.as_os_str().is_empty()) {
            self.make_folder(parent)?;
        }
        let path = self.staging.join(rel);
        match fs::create_dir(&path) {
            // Made meanwhile by another thread putting a file beside ours:
            // nothing else writes into the staging folder.
            Err(err) if err.kind() != io::ErrorKind::AlreadyExists => {
                return Err(io_error(&path)(err));
            }
            _ => {}
        }
        let first = self
            .folders
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(fingerprint::of(rel));
        // Two threads may both have made it; it is one folder.
        if first {
            self.print.folder(rel);
        }
        Ok(())
    }

    fn made(&self, rel: &Path) -> bool {
        self.folders
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .contains(&fingerprint::of(rel))
    }

    /// Swaps the staging folder in for the output and removes the old one.
    /// Returns the fingerprint of the new output's files and folders (see
    /// [`stamp::OutputPrint`]).
    /// On Linux the two folders trade places in one step, so there is no
    /// moment without an output, even for a build killed mid-swap; the old
    /// site is then under the staging name, which the next build clears.
    /// Elsewhere the old output is first moved aside, and [`recover`] puts
    /// it back if the build dies before the new one is in place.
    pub(crate) fn finish(mut self) -> Result<u64, WriteError> {
        let print = self.print.value();
        let (output, staging, old) = (&self.output, &self.staging, &self.old);
        #[cfg(target_os = "linux")]
        if output.exists() {
            use rustix::fs::{renameat_with, RenameFlags, CWD};
            if renameat_with(CWD, staging, CWD, output, RenameFlags::EXCHANGE).is_ok() {
                self.finished = true;
                remove_tree(staging).map_err(io_error(staging))?;
                return Ok(print);
            }
        }
        if output.exists() {
            fs::rename(output, old).map_err(io_error(output))?;
        }
        if let Err(err) = fs::rename(staging, output) {
            // Put the previous site back rather than leave none.
            let _ = fs::rename(old, output);
            return Err(io_error(output)(err));
        }
        self.finished = true;
        if old.exists() {
            remove_tree(old).map_err(io_error(old))?;
        }
        Ok(print)
    }
}

/// Writes `bytes` to a new file at `path` and returns the file's metadata,
/// asked of the open file. One open, one write (for a regular file,
/// `write_all` writes the whole buffer in one call), one `fstat`, one
/// close.
fn write_file(path: &Path, bytes: &[u8]) -> io::Result<fs::Metadata> {
    let mut file = fs::File::create(path)?;
    file.write_all(bytes)?;
    file.metadata()
}

/// The size of the pieces a streamed file is written and compared in.
const STREAM_BUFFER: usize = 64 * 1024;

/// Creates the file at `path` with `create`; when its folder is missing,
/// taken for made because another folder has the same fingerprint (see
/// [`Staging::folders`]), makes the folder and creates the file again.
fn in_made_folder<T>(path: &Path, create: impl Fn() -> io::Result<T>) -> io::Result<T> {
    match create() {
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            if let Some(folder) = path.parent() {
                fs::create_dir_all(folder)?;
            }
            create()
        }
        created => created,
    }
}

/// A file being streamed into the staging folder. While its bytes match
/// the old output's file (`old`, with its length) nothing is written; at
/// the first difference the file is created, the matching start copied
/// from the old file, and the rest written as it comes.
struct StreamedFile<'p> {
    path: &'p Path,
    previous: &'p Path,
    /// The old output's file and its metadata, while the bytes match it.
    old: Option<(fs::File, fs::Metadata)>,
    /// How many bytes matched the old file so far.
    same: u64,
    out: Option<fs::File>,
    scratch: Vec<u8>,
    hasher: fingerprint::FileHasher,
}

impl StreamedFile<'_> {
    /// Whether `bytes`, next in the file, are next in the old one too.
    fn matches(&mut self, bytes: &[u8]) -> bool {
        let Some((old, meta)) = &mut self.old else {
            return false;
        };
        if self.same + bytes.len() as u64 > meta.len() {
            return false;
        }
        self.scratch.resize(bytes.len(), 0);
        old.read_exact(&mut self.scratch).is_ok() && self.scratch == bytes
    }

    /// Creates the file with the bytes that matched so far.
    fn diverge(&mut self) -> io::Result<&mut fs::File> {
        let mut out = in_made_folder(self.path, || fs::File::create(self.path))?;
        if self.same > 0 {
            let mut old = fs::File::open(self.previous)?;
            let copied = io::copy(&mut (&mut old).take(self.same), &mut out)?;
            if copied != self.same {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the previous output changed while it was read",
                ));
            }
        }
        self.old = None;
        self.scratch = Vec::new();
        Ok(self.out.insert(out))
    }

    /// Ends the file: hard-linked from the old output when every byte
    /// matched it, written otherwise. Returns the fingerprint of its bytes,
    /// whether they were written, and the file's metadata.
    fn finish(mut self) -> Result<(u64, bool, fs::Metadata), WriteError> {
        let path = self.path;
        let meta = match self.out.take() {
            Some(out) => out.metadata(),
            None => {
                let unchanged = self.old.take_if(|(_, meta)| meta.len() == self.same);
                if let Some((_, meta)) = unchanged {
                    if fs::hard_link(self.previous, path).is_ok() {
                        return Ok((self.hasher.finish(), false, meta));
                    }
                }
                self.diverge().and_then(|out| out.metadata())
            }
        }
        .map_err(io_error(path))?;
        Ok((self.hasher.finish(), true, meta))
    }
}

impl Write for StreamedFile<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.hasher.update(bytes);
        if self.out.is_none() && self.matches(bytes) {
            self.same += bytes.len() as u64;
            return Ok(bytes.len());
        }
        let out = match self.out {
            Some(ref mut out) => out,
            None => self.diverge()?,
        };
        out.write_all(bytes)?;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Removes a folder and everything in it, the entries of each folder in
/// parallel: the old output holds a folder for every page, and removing
/// them one after another takes about as long as writing them did.
fn remove_tree(dir: &Path) -> io::Result<()> {
    let entries: Vec<fs::DirEntry> = fs::read_dir(dir)?.collect::<io::Result<_>>()?;
    entries.par_iter().try_for_each(|entry| {
        // The entry's own type: a symbolic link is removed, not followed.
        if entry.file_type()?.is_dir() {
            remove_tree(&entry.path())
        } else {
            fs::remove_file(entry.path())
        }
    })?;
    fs::remove_dir(dir)
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// The metadata of the regular file at `path` when it holds exactly
/// `bytes`. Anything that cannot be read counts as different, and the file
/// is written afresh.
/// Its size, known first, is read in one call: not `fs::read`, which asks
/// for the size again and reads once more to find the end.
fn same_bytes(path: &Path, bytes: &[u8]) -> Option<fs::Metadata> {
    let meta = fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() != bytes.len() as u64 {
        return None;
    }
    let mut old = vec![0; bytes.len()];
    let same = fs::File::open(path).is_ok_and(|mut file| file.read_exact(&mut old).is_ok())
        && old == bytes;
    same.then_some(meta)
}

/// A path inside the output, refused if it could reach outside it.
fn checked(rel: &Path) -> Result<&Path, WriteError> {
    // Validation keeps ids that become paths safe; this is the last guard,
    // so no content can ever write beside the output.
    if rel.components().all(|c| matches!(c, Component::Normal(_))) {
        Ok(rel)
    } else {
        Err(WriteError::Escape {
            path: rel.to_path_buf(),
        })
    }
}

/// Writes into an existing output, in place, only the files whose bytes
/// differ from what `written` says is on disk; each file is written beside
/// its place and renamed over it, so a server never reads half a file.
/// Returns the paths written.
pub(crate) fn write_changed(
    output: &Path,
    files: &[(PathBuf, Vec<u8>)],
    written: &mut HashMap<PathBuf, u64>,
) -> Result<Vec<PathBuf>, WriteError> {
    let mut changed = Vec::new();
    for (rel, bytes) in files {
        let hash = fingerprint::of_file(bytes);
        if written.get(rel) == Some(&hash) {
            continue;
        }
        let path = output.join(checked(rel)?);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io_error(parent))?;
        }
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let temporary = path.with_file_name(format!(".{name}.brief-tmp"));
        fs::write(&temporary, bytes).map_err(io_error(&temporary))?;
        fs::rename(&temporary, &path).map_err(io_error(&path))?;
        written.insert(rel.clone(), hash);
        changed.push(rel.clone());
    }
    Ok(changed)
}

/// Removes from the output the files in `written` that are not in `keep`,
/// and the folders that leaves empty. Returns the paths removed.
pub(crate) fn remove_stale(
    output: &Path,
    keep: &HashSet<PathBuf>,
    written: &mut HashMap<PathBuf, u64>,
) -> Result<Vec<PathBuf>, WriteError> {
    let mut stale: Vec<PathBuf> = written
        .keys()
        .filter(|p| !keep.contains(*p))
        .cloned()
        .collect();
    stale.sort();
    for rel in &stale {
        written.remove(rel);
        let path = output.join(checked(rel)?);
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            Err(err) => return Err(io_error(&path)(err)),
        }
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| *d != output && d.starts_with(output)) {
            if fs::remove_dir(d).is_err() {
                break; // not empty
            }
            dir = d.parent();
        }
    }
    Ok(stale)
}

/// Finishes or undoes a swap that a killed build left half done.
fn recover(output: &Path, old: &Path) -> Result<(), WriteError> {
    if !old.exists() {
        return Ok(());
    }
    if output.exists() {
        fs::remove_dir_all(old).map_err(io_error(old))
    } else {
        fs::rename(old, output).map_err(io_error(old))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A whole build by way of a staging folder, as the session makes one.
    /// Returns the number of files whose bytes are new.
    fn write(output: &Path, files: &[(PathBuf, Vec<u8>)]) -> Result<usize, WriteError> {
        let staging = Staging::begin(output)?;
        let mut written = 0;
        for (rel, bytes) in files {
            written += usize::from(staging.put(rel, bytes)?);
        }
        staging.finish()?;
        Ok(written)
    }

    #[test]
    fn the_fingerprint_gathered_while_putting_is_that_of_the_finished_output() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        // Pages put from several threads at once, sharing folders, and a
        // streamed file, as a build puts them.
        let build = |pages: &[(&str, &str)], data: &str| -> u64 {
            let staging = Staging::begin(&output).unwrap();
            pages.par_iter().for_each(|(rel, text)| {
                staging.put(Path::new(rel), text.as_bytes()).unwrap();
            });
            staging
                .put_stream(Path::new("data/claims.json"), &|out| {
                    out.write_all(data.as_bytes())
                })
                .unwrap();
            staging.finish().unwrap()
        };
        let pages = [
            ("index.html", "home"),
            ("a/index.html", "a"),
            ("a/b/index.html", "b"),
            ("a/b/c/index.html", "c"),
            ("a/b/c/d/index.html", "d"),
            ("style.css", "body {}"),
        ];
        let first = build(&pages, "[1]");
        assert_eq!(stamp::outputs(&output), Some(first));
        // Over the old output: the unchanged files are linked from it, the
        // streamed one too; one page changed, one is gone, one is new.
        let second = build(
            &[
                ("index.html", "home"),
                ("a/index.html", "A"),
                ("a/b/index.html", "b"),
                ("e/index.html", "e"),
                ("style.css", "body {}"),
            ],
            "[1]",
        );
        assert_eq!(stamp::outputs(&output), Some(second));
        assert_ne!(first, second);
        // The streamed file written afresh.
        let third = build(&pages, "[2]");
        assert_eq!(stamp::outputs(&output), Some(third));
        assert_ne!(first, third);
        // What is added to the output afterwards changes it: a folder, a
        // file.
        fs::create_dir(output.join("stray")).unwrap();
        let with_folder = stamp::outputs(&output);
        assert_ne!(with_folder, Some(third));
        fs::write(output.join("stray/x.txt"), "x").unwrap();
        assert_ne!(stamp::outputs(&output), with_folder);
    }

    #[test]
    fn recovers_the_previous_site_after_a_swap_was_cut_short() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let old = sibling(&output, "old");
        fs::create_dir_all(&old).unwrap();
        fs::write(old.join("index.html"), "previous").unwrap();
        recover(&output, &old).unwrap();
        assert_eq!(
            fs::read_to_string(output.join("index.html")).unwrap(),
            "previous"
        );
        assert!(!old.exists());
    }

    #[test]
    fn never_writes_outside_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("site/public");
        let pages = vec![(PathBuf::from("../escaped.html"), b"x".to_vec())];
        let err = write(&output, &pages).unwrap_err();
        assert!(matches!(err, WriteError::Escape { .. }), "{err}");
        assert!(!dir.path().join("site/escaped.html").exists());
        assert!(!sibling(&output, "staging").exists());
    }

    #[test]
    fn writes_only_changed_files_and_removes_stale_ones() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let files = vec![
            (PathBuf::from("a/index.html"), b"one".to_vec()),
            (PathBuf::from("b/index.html"), b"two".to_vec()),
        ];
        write(&output, &files).unwrap();
        let mut written: HashMap<PathBuf, u64> = files
            .iter()
            .map(|(p, b)| (p.clone(), fingerprint::of_file(b)))
            .collect();
        let next = vec![
            (PathBuf::from("a/index.html"), b"one".to_vec()),
            (PathBuf::from("c.html"), b"3".to_vec()),
        ];
        let changed = write_changed(&output, &next, &mut written).unwrap();
        assert_eq!(changed, [PathBuf::from("c.html")]);
        let keep = next.iter().map(|(p, _)| p.clone()).collect();
        let removed = remove_stale(&output, &keep, &mut written).unwrap();
        assert_eq!(removed, [PathBuf::from("b/index.html")]);
        assert!(!output.join("b").exists(), "the emptied folder goes too");
        assert!(output.join(MARKER).exists());
    }

    #[test]
    fn a_folder_taken_for_made_is_made_when_a_file_needs_it() {
        // What two folders of one fingerprint would do: the second is
        // remembered as made though it is not.
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let staging = Staging::begin(&output).unwrap();
        for folder in ["page/a", "data/b"] {
            staging
                .folders
                .lock()
                .unwrap()
                .insert(fingerprint::of(Path::new(folder)));
        }
        assert!(staging
            .put(Path::new("page/a/index.html"), b"page")
            .unwrap());
        let (_, written) = staging
            .put_stream(Path::new("data/b/feed.xml"), &|out| out.write_all(b"feed"))
            .unwrap();
        assert!(written);
        staging.finish().unwrap();
        assert_eq!(fs::read(output.join("page/a/index.html")).unwrap(), b"page");
        assert_eq!(fs::read(output.join("data/b/feed.xml")).unwrap(), b"feed");
    }

    #[test]
    fn files_put_from_many_threads_share_the_folders_they_make() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let files: Vec<(PathBuf, Vec<u8>)> = (0..200)
            .map(|i| {
                let path = format!("a/{}/{}/index.html", i % 3, i % 7);
                (
                    PathBuf::from(path).with_file_name(format!("{i}.html")),
                    vec![b'x'; i],
                )
            })
            .collect();
        let staging = Staging::begin(&output).unwrap();
        files
            .par_iter()
            .try_for_each(|(rel, bytes)| staging.put(rel, bytes).map(|_| ()))
            .unwrap();
        staging.finish().unwrap();
        for (rel, bytes) in &files {
            assert_eq!(
                &fs::read(output.join(rel)).unwrap(),
                bytes,
                "{}",
                rel.display()
            );
        }
        // Built again over itself, every file is linked, none written.
        assert_eq!(write(&output, &files).unwrap(), 0);
        let mut changed = files.clone();
        changed[5].1.push(b'!');
        assert_eq!(write(&output, &changed).unwrap(), 1);
        assert_eq!(fs::read(output.join(&changed[5].0)).unwrap(), changed[5].1);
    }

    /// Streams `bytes` into `output` in pieces of `piece` bytes, over
    /// whatever is there; returns the fingerprint and whether it was written.
    fn stream(output: &Path, bytes: &[u8], piece: usize) -> (u64, bool) {
        let staging = Staging::begin(output).unwrap();
        let done = staging
            .put_stream(Path::new("data/claims.json"), &|out| {
                bytes.chunks(piece).try_for_each(|c| out.write_all(c))
            })
            .unwrap();
        staging.finish().unwrap();
        assert_eq!(fs::read(output.join("data/claims.json")).unwrap(), bytes);
        done
    }

    #[test]
    fn a_streamed_file_is_linked_when_unchanged_and_written_whole_when_not() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let bytes: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
        let inode = || {
            use std::os::unix::fs::MetadataExt;
            fs::metadata(output.join("data/claims.json")).unwrap().ino()
        };
        assert_eq!(
            stream(&output, &bytes, 1000),
            (fingerprint::of_file(&bytes), true)
        );
        let first = inode();
        // The same bytes, in other pieces: the old file is linked.
        assert!(!stream(&output, &bytes, 7777).1);
        assert_eq!(inode(), first);
        // A byte changed late, the end cut short, the file grown: each is
        // written afresh, the matching start copied from the old file.
        let mut changed = bytes.clone();
        changed[250_000] ^= 1;
        assert!(stream(&output, &changed, 4096).1);
        assert!(stream(&output, &changed[..120_000], 4096).1);
        assert!(stream(&output, &changed, 333).1);
        assert_eq!(stream(&output, b"", 1).0, fingerprint::of_file(b""));
    }

    #[test]
    fn refuses_a_folder_of_someone_elses_files() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("mine");
        fs::create_dir_all(&output).unwrap();
        fs::write(output.join("notes.txt"), "keep").unwrap();
        let err = check_output(dir.path(), &output).unwrap_err();
        assert!(err.to_string().contains("did not write"), "{err}");
    }
}
