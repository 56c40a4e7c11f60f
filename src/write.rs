//! Puts a built site on disk without ever leaving half of one.
//!
//! Pages go to a staging folder beside the output; only when every file is
//! written is the old output swapped out and the new one renamed into its
//! place. A failed or killed build leaves the previous output as it was.
//! `brief` marks each output folder it creates and refuses to replace a
//! folder without that mark, so it never deletes a writer's own files.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// The file that marks a folder as `brief`'s output.
pub const MARKER: &str = ".brief-output";
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
pub fn check_output(root: &Path, output: &Path) -> Result<(), WriteError> {
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

/// A file to copy from disk into the output.
pub struct CopiedFile {
    pub from: PathBuf,
    pub to: PathBuf,
}

/// Writes the site into `output` by way of a staging folder. Returns the
/// number of files written.
pub fn write(
    output: &Path,
    pages: &[(PathBuf, Vec<u8>)],
    copies: &[CopiedFile],
) -> Result<usize, WriteError> {
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
    fs::write(staging.join(MARKER), MARKER_TEXT).map_err(io_error(&staging))?;

    let result = (|| {
        let mut count = 0;
        for (rel, bytes) in pages {
            // Validation keeps ids that become paths safe; this is the last
            // guard, so no content can ever write beside the output.
            if !rel
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)))
            {
                return Err(WriteError::Escape { path: rel.clone() });
            }
            let path = staging.join(rel);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(io_error(parent))?;
            }
            fs::write(&path, bytes).map_err(io_error(&path))?;
            count += 1;
        }
        for copy in copies {
            let path = staging.join(&copy.to);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(io_error(parent))?;
            }
            fs::copy(&copy.from, &path).map_err(io_error(&copy.from))?;
            count += 1;
        }
        Ok(count)
    })();
    let count = match result {
        Ok(count) => count,
        Err(err) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(err);
        }
    };

    if output.exists() {
        fs::rename(output, &old).map_err(io_error(output))?;
    }
    if let Err(err) = fs::rename(&staging, output) {
        // Put the previous site back rather than leave none.
        let _ = fs::rename(&old, output);
        return Err(io_error(output)(err));
    }
    if old.exists() {
        fs::remove_dir_all(&old).map_err(io_error(&old))?;
    }
    Ok(count)
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
        let err = write(&output, &pages, &[]).unwrap_err();
        assert!(matches!(err, WriteError::Escape { .. }), "{err}");
        assert!(!dir.path().join("site/escaped.html").exists());
        assert!(!sibling(&output, "staging").exists());
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
