//! Walks a site folder and reads its files.
//!
//! Only this stage reads the content from disk, so every later stage works
//! on text in memory and every read problem (permissions, bytes that are
//! not UTF-8, a symlink loop) becomes a located diagnostic here. The one
//! exception is locating a problem in a front matter, which reads its file
//! again (see [`read_unchanged`]) rather than keep every front matter
//! in memory for the few that have one.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostic::{Diagnostic, Position};

/// A text file of the site, its path relative to the site root.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    /// Shared, so keeping a file between builds costs no copy.
    pub text: Arc<str>,
    /// Fingerprint of path and text: equal fingerprints, equal file.
    pub hash: u64,
    /// The site folder it was read from; `None` for a text made in memory.
    pub root: Option<Arc<Path>>,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> SourceFile {
        let path = path.into();
        let text = text.into();
        let hash = crate::fingerprint::of(&(&path, &*text));
        SourceFile {
            path,
            text,
            hash,
            root: None,
        }
    }
}

/// Everything `brief` reads from a site folder.
#[derive(Debug, Default, Clone)]
pub struct SiteFiles {
    pub config: Option<SourceFile>,
    pub speakers: Option<SourceFile>,
    pub sources: Option<SourceFile>,
    pub authors: Option<SourceFile>,
    pub briefings: Vec<SourceFile>,
    pub pages: Vec<SourceFile>,
    /// Template overrides: name (path under `templates/`) and file.
    pub templates: Vec<(String, SourceFile)>,
    /// The site's translations, `i18n/<lang>.yaml`: language tag and file.
    pub translations: Vec<(String, SourceFile)>,
    /// Files under `static/`: path relative to `static/`, absolute path.
    pub static_files: Vec<(PathBuf, PathBuf)>,
    /// The files of page bundles (everything beside a bundle's `index.md`
    /// but Markdown), read when they are published, not here.
    pub media: Vec<BundleFile>,
}

/// A file of a page bundle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleFile {
    /// Relative to the site root: `content/briefings/pier/pier.jpg`.
    pub path: PathBuf,
    pub abs: PathBuf,
    /// Where it is published, relative to the output folder, with `/`
    /// between folders: `briefings/<slug>/pier.jpg`, `<slug>/map.png` for
    /// a page.
    pub published: String,
}

/// Reads the site at `root`. Returns what it could read and a diagnostic for
/// each file it could not.
pub fn load(root: &Path) -> (SiteFiles, Vec<Diagnostic>) {
    let read_fresh = |rel: &Path, diagnostics: &mut Vec<Diagnostic>| read(root, rel, diagnostics);
    load_with(root, &read_fresh)
}

/// Reads the site again after the files in `changed` (absolute paths)
/// changed on disk. The folders are walked again, so new, removed and
/// renamed files are all seen, but a file that did not change is taken from
/// `previous` instead of being read.
pub fn reload(
    root: &Path,
    previous: &SiteFiles,
    previous_diagnostics: &[Diagnostic],
    changed: &HashSet<PathBuf>,
) -> (SiteFiles, Vec<Diagnostic>) {
    if let Some(reloaded) = reread_known(root, previous, previous_diagnostics, changed) {
        return reloaded;
    }
    let mut known: HashMap<&Path, &SourceFile> = HashMap::new();
    for file in previous
        .config
        .iter()
        .chain(&previous.speakers)
        .chain(&previous.sources)
        .chain(&previous.authors)
        .chain(&previous.briefings)
        .chain(&previous.pages)
        .chain(previous.templates.iter().map(|(_, f)| f))
        .chain(previous.translations.iter().map(|(_, f)| f))
    {
        known.insert(&file.path, file);
    }
    let mut failed: HashMap<&Path, &Diagnostic> = HashMap::new();
    for diagnostic in previous_diagnostics {
        if diagnostic.is_error() {
            failed.insert(&diagnostic.file, diagnostic);
        }
    }
    // A changed folder (renamed, replaced) changes every file under it.
    let is_changed = |rel: &Path| root.join(rel).ancestors().any(|p| changed.contains(p));
    let read_cached = |rel: &Path, diagnostics: &mut Vec<Diagnostic>| {
        if !is_changed(rel) {
            if let Some(file) = known.get(rel) {
                return Some((*file).clone());
            }
            if let Some(diagnostic) = failed.get(rel) {
                diagnostics.push((*diagnostic).clone());
                return None;
            }
        }
        read(root, rel, diagnostics)
    };
    load_with(root, &read_cached)
}

/// The common case of a save: every changed path is a file the site already
/// had, still there. Those are read again and nothing is walked.
fn reread_known(
    root: &Path,
    previous: &SiteFiles,
    previous_diagnostics: &[Diagnostic],
    changed: &HashSet<PathBuf>,
) -> Option<(SiteFiles, Vec<Diagnostic>)> {
    let mut files = previous.clone();
    let mut diagnostics: Vec<Diagnostic> = previous_diagnostics
        .iter()
        .filter(|d| !changed.contains(&root.join(&d.file)))
        .cloned()
        .collect();
    for path in changed {
        let rel = path.strip_prefix(root).ok()?;
        if !path.is_file() {
            return None;
        }
        // Static and bundle files are read when published; the catalog
        // probes them again by itself.
        if previous.static_files.iter().any(|(_, abs)| abs == path)
            || previous.media.iter().any(|f| &f.abs == path)
        {
            continue;
        }
        let slot = files
            .config
            .iter_mut()
            .chain(files.speakers.iter_mut())
            .chain(files.sources.iter_mut())
            .chain(files.authors.iter_mut())
            .chain(files.briefings.iter_mut())
            .chain(files.pages.iter_mut())
            .chain(files.templates.iter_mut().map(|(_, f)| f))
            .chain(files.translations.iter_mut().map(|(_, f)| f))
            .find(|f| f.path == rel)?;
        // A file that cannot be read now is a change in the set of files.
        *slot = read(root, rel, &mut diagnostics)?;
    }
    Some((files, diagnostics))
}

type Reader<'a> = dyn Fn(&Path, &mut Vec<Diagnostic>) -> Option<SourceFile> + Sync + 'a;

fn load_with(root: &Path, read: &Reader) -> (SiteFiles, Vec<Diagnostic>) {
    let mut files = SiteFiles::default();
    let mut diagnostics = Vec::new();
    let content = root.join("content");

    for (slot, rel) in [
        (&mut files.config, "site.yaml"),
        (&mut files.speakers, "content/speakers.yaml"),
        (&mut files.sources, "content/sources.yaml"),
        (&mut files.authors, "content/authors.yaml"),
    ] {
        if root.join(rel).exists() {
            *slot = read(Path::new(rel), &mut diagnostics);
        }
    }

    // Content files are read on all threads: at thousands of briefings the
    // reads are most of loading. Results keep the walk's order.
    let paths = walk(root, &content, Skip::BackupsAndHidden, &mut diagnostics);
    let bundles = bundle_folders(&content, &paths);
    let mut markdown = Vec::new();
    for path in &paths {
        let path = path.as_path();
        let rel = path.strip_prefix(root).unwrap_or(path).to_path_buf();
        let under_content = path.strip_prefix(&content).unwrap_or(path);
        let kind = under_content
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str());
        let is_markdown = path.extension().is_some_and(|e| e == "md");
        let bundle = match kind {
            Some("briefings") | Some("pages") => bundle_of(path, &bundles),
            _ => None,
        };
        match (kind, bundle) {
            (Some(kind), Some(folder)) => {
                if path.parent() == Some(folder) && crate::parse::is_index_file(path) {
                    markdown.push((rel, kind == "briefings"));
                } else if is_markdown {
                    diagnostics.push(
                        Diagnostic::warning(
                            &rel,
                            Position::start(),
                            "this Markdown file is inside a page bundle and is not published",
                        )
                        .with_hint(format!(
                            "a bundle is one page, written in its index.md; make this file a {} of its own outside {}",
                            if kind == "briefings" { "briefing" } else { "page" },
                            folder.strip_prefix(root).unwrap_or(folder).display()
                        )),
                    );
                } else {
                    let inside = path.strip_prefix(folder).unwrap_or(path);
                    let slug = folder
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    let prefix = if kind == "briefings" { "briefings/" } else { "" };
                    let published = format!(
                        "{prefix}{slug}/{}",
                        inside.to_string_lossy().replace('\\', "/")
                    );
                    files.media.push(BundleFile {
                        path: rel,
                        abs: path.to_path_buf(),
                        published,
                    });
                }
            }
            (Some("briefings") | Some("pages"), None) if is_markdown => {
                markdown.push((rel, kind == Some("briefings")));
            }
            (Some("speakers.yaml") | Some("sources.yaml") | Some("authors.yaml"), _) => {}
            (Some("briefings") | Some("pages"), None) => diagnostics.push(
                Diagnostic::warning(
                    &rel,
                    Position::start(),
                    "this file is not part of the site and is ignored",
                )
                .with_hint(
                    "to publish a file with a briefing or page, make that a folder with the file beside its text: content/briefings/<name>/index.md",
                ),
            ),
            _ => diagnostics.push(
                Diagnostic::warning(
                    &rel,
                    Position::start(),
                    "this file is not part of the site and is ignored",
                )
                .with_hint(
                    "briefings go in content/briefings/ and plain pages in content/pages/, as .md files",
                ),
            ),
        }
    }
    let read_all: Vec<_> = markdown
        .par_iter()
        .map(|(rel, is_briefing)| {
            let mut found = Vec::new();
            (read(rel, &mut found), *is_briefing, found)
        })
        .collect();
    for (file, is_briefing, found) in read_all {
        diagnostics.extend(found);
        match file {
            Some(file) if is_briefing => files.briefings.push(file),
            Some(file) => files.pages.push(file),
            None => {}
        }
    }

    let templates = root.join("templates");
    for path in walk(root, &templates, Skip::BackupsAndHidden, &mut diagnostics) {
        let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        let name = path
            .strip_prefix(&templates)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        if let Some(file) = read(&rel, &mut diagnostics) {
            files.templates.push((name, file));
        }
    }

    let i18n = root.join("i18n");
    for path in walk(root, &i18n, Skip::BackupsAndHidden, &mut diagnostics) {
        let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        let Some(tag) = rel
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".yaml").or_else(|| n.strip_suffix(".yml")))
        else {
            continue;
        };
        let tag = tag.to_owned();
        if let Some(file) = read(&rel, &mut diagnostics) {
            files.translations.push((tag, file));
        }
    }

    let statics = root.join("static");
    for path in walk(root, &statics, Skip::Backups, &mut diagnostics) {
        let rel = path.strip_prefix(&statics).unwrap_or(&path).to_path_buf();
        files.static_files.push((rel, path));
    }
    (files, diagnostics)
}

/// Every file a build reads, as [`load`] walks them (the same files, the
/// same names skipped), without reading any: what the stamp of a one-off
/// build fingerprints. `None` when a folder cannot be walked, since a build
/// would then report it.
pub(crate) fn input_paths(root: &Path) -> Option<Vec<PathBuf>> {
    let mut diagnostics = Vec::new();
    let mut paths = vec![root.join("site.yaml")];
    for (dir, skip) in [
        ("content", Skip::BackupsAndHidden),
        ("templates", Skip::BackupsAndHidden),
        ("i18n", Skip::BackupsAndHidden),
        ("static", Skip::Backups),
    ] {
        paths.extend(walk(root, &root.join(dir), skip, &mut diagnostics));
    }
    diagnostics.is_empty().then_some(paths)
}

/// The folders of page bundles: each folder under `content/briefings/` or
/// `content/pages/` that holds an `index.md`.
fn bundle_folders<'p>(content: &Path, paths: &'p [PathBuf]) -> HashSet<&'p Path> {
    let roots = [content.join("briefings"), content.join("pages")];
    paths
        .iter()
        .filter(|p| crate::parse::is_index_file(p))
        .filter_map(|p| p.parent())
        .filter(|folder| !roots.iter().any(|r| r == folder))
        .collect()
}

/// The bundle `path` belongs to: the outermost bundle folder above it, so
/// an `index.md` inside a bundle's subfolder is one of its files, not a
/// bundle of its own.
fn bundle_of<'b>(path: &Path, bundles: &HashSet<&'b Path>) -> Option<&'b Path> {
    if bundles.is_empty() {
        return None;
    }
    path.ancestors()
        .skip(1)
        .filter_map(|a| bundles.get(a).copied())
        .last()
}

/// Which names a walk leaves out.
#[derive(Clone, Copy)]
enum Skip {
    /// Editors' backups and swap files only: `static/` is copied as-is, so
    /// `.nojekyll` and `.well-known/` must come along.
    Backups,
    /// Hidden files and folders too, in the folders `brief` reads.
    BackupsAndHidden,
}

/// Files under `dir`, sorted, skipping what `skip` says. A missing folder
/// is simply empty.
fn walk(root: &Path, dir: &Path, skip: Skip, diagnostics: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    if !dir.exists() {
        return Vec::new();
    }
    let mut paths = Vec::new();
    let entries = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(move |e| {
            e.depth() == 0 || !is_ignored(e.file_name().to_str().unwrap_or(""), skip)
        });
    for entry in entries {
        match entry {
            Ok(entry) if entry.file_type().is_file() => paths.push(entry.into_path()),
            Ok(_) => {}
            Err(err) => {
                let path = err.path().unwrap_or(dir);
                let rel = path.strip_prefix(root).unwrap_or(path).to_path_buf();
                let (message, hint) = if err.loop_ancestor().is_some() {
                    (
                        "symbolic link loop: this link points back to a folder that contains it"
                            .to_owned(),
                        "remove the link or point it somewhere outside its own folder",
                    )
                } else if path.is_dir() || path == dir {
                    (
                        format!("cannot read this folder: {}", io_reason(err.io_error())),
                        "check that the folder exists and is readable",
                    )
                } else {
                    // A symbolic link to something gone, or a file that
                    // vanished during the walk.
                    (
                        format!("cannot read this file: {}", io_reason(err.io_error())),
                        "check that the file exists and is readable (a symbolic link may point to a file that was moved or deleted)",
                    )
                };
                diagnostics
                    .push(Diagnostic::error(rel, Position::start(), message).with_hint(hint));
            }
        }
    }
    paths
}

/// Names that editors and systems leave beside the files people write.
fn is_ignored(name: &str, skip: Skip) -> bool {
    let backup = name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
        || name.starts_with(".#")
        || name == ".DS_Store";
    backup || (matches!(skip, Skip::BackupsAndHidden) && name.starts_with('.'))
}

fn io_reason(err: Option<&std::io::Error>) -> String {
    match err.map(|e| e.kind()) {
        Some(ErrorKind::PermissionDenied) => "permission denied".into(),
        Some(ErrorKind::NotFound) => "it does not exist".into(),
        _ => err.map_or_else(|| "unknown error".into(), |e| e.to_string()),
    }
}

/// The file `rel` under `root` read again, when it still holds the text
/// whose fingerprint was `hash`; `None` when it cannot be read or has
/// changed since.
pub fn read_unchanged(root: &Path, rel: &Path, hash: u64) -> Option<SourceFile> {
    read(root, rel, &mut Vec::new()).filter(|again| again.hash == hash)
}

/// Reads one text file, dropping a UTF-8 byte-order mark.
pub fn read(root: &Path, rel: &Path, diagnostics: &mut Vec<Diagnostic>) -> Option<SourceFile> {
    let bytes = match fs::read(root.join(rel)) {
        Ok(bytes) => bytes,
        Err(err) => {
            diagnostics.push(
                Diagnostic::error(
                    rel,
                    Position::start(),
                    format!("cannot read this file: {}", io_reason(Some(&err))),
                )
                .with_hint(
                    "check the file's permissions (it must be readable by the user running brief)",
                ),
            );
            return None;
        }
    };
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..3);
            }
            let mut file = SourceFile::new(rel, text);
            file.root = Some(Arc::from(root));
            Some(file)
        }
        Err(err) => {
            let valid = &err.as_bytes()[..err.utf8_error().valid_up_to()];
            let valid = std::str::from_utf8(valid).unwrap_or_default();
            let line = valid.matches('\n').count() + 1;
            let column = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            diagnostics.push(
                Diagnostic::error(rel, Position::new(line, column), "this file is not valid UTF-8 text")
                    .with_hint("save the file as UTF-8 in your editor (other encodings such as Latin-1 or UTF-16 are not read)"),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &[u8])]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (rel, bytes) in files {
            let path = dir.path().join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, bytes).unwrap();
        }
        dir
    }

    #[test]
    fn a_folder_with_an_index_is_a_bundle_and_its_other_files_are_published_under_its_slug() {
        let dir = site(&[
            ("content/briefings/pier/index.md", b"---\n---\n"),
            ("content/briefings/pier/pier.jpg", b"\xff\xd8"),
            ("content/briefings/pier/data/table.csv", b"a,b"),
            ("content/briefings/pier/notes.md", b"draft"),
            ("content/briefings/pier/.hidden.png", b"x"),
            ("content/briefings/pier/pier.jpg~", b"x"),
            ("content/briefings/pier/old/index.md", b"nested"),
            ("content/briefings/single.md", b"---\n---\n"),
            ("content/briefings/stray.png", b"x"),
            ("content/pages/about/index.md", b"---\n---\n"),
            ("content/pages/about/map.png", b"x"),
        ]);
        let (files, diagnostics) = load(dir.path());
        let briefings: Vec<_> = files.briefings.iter().map(|f| f.path.clone()).collect();
        assert_eq!(
            briefings,
            [
                PathBuf::from("content/briefings/pier/index.md"),
                PathBuf::from("content/briefings/single.md")
            ]
        );
        assert_eq!(
            files.pages[0].path,
            Path::new("content/pages/about/index.md")
        );
        let media: Vec<_> = files
            .media
            .iter()
            .map(|f| (f.path.to_str().unwrap(), f.published.as_str()))
            .collect();
        assert_eq!(
            media,
            [
                (
                    "content/briefings/pier/data/table.csv",
                    "briefings/pier/data/table.csv"
                ),
                ("content/briefings/pier/pier.jpg", "briefings/pier/pier.jpg"),
                ("content/pages/about/map.png", "about/map.png"),
            ]
        );
        assert!(files
            .media
            .iter()
            .all(|f| f.abs == dir.path().join(&f.path)));
        let warned: Vec<_> = diagnostics
            .iter()
            .map(|d| (d.file.to_str().unwrap(), d.message.as_str()))
            .collect();
        assert_eq!(
            warned,
            [
                (
                    "content/briefings/pier/notes.md",
                    "this Markdown file is inside a page bundle and is not published"
                ),
                (
                    "content/briefings/pier/old/index.md",
                    "this Markdown file is inside a page bundle and is not published"
                ),
                (
                    "content/briefings/stray.png",
                    "this file is not part of the site and is ignored"
                ),
            ]
        );
    }

    #[test]
    fn a_bundle_takes_its_slug_from_its_folder() {
        use crate::parse::slug_of;
        assert_eq!(
            slug_of(Path::new("content/briefings/pier/index.md")),
            "pier"
        );
        assert_eq!(
            slug_of(Path::new("content/briefings/2024/pier/index.md")),
            "pier"
        );
        assert_eq!(slug_of(Path::new("content/pages/about/index.md")), "about");
        assert_eq!(slug_of(Path::new("content/briefings/x.md")), "x");
        // An index.md directly in briefings/ is a briefing named index.
        assert_eq!(slug_of(Path::new("content/briefings/index.md")), "index");
        assert_eq!(slug_of(Path::new("briefings/pier/index.md")), "pier");
    }

    #[test]
    fn a_saved_bundle_image_is_not_read_as_text() {
        let dir = site(&[
            ("content/briefings/pier/index.md", b"---\n---\n"),
            ("content/briefings/pier/pier.png", b"\x89PNG\x00\x00"),
        ]);
        let (files, diagnostics) = load(dir.path());
        let changed = HashSet::from([dir.path().join("content/briefings/pier/pier.png")]);
        let (again, diagnostics) = reload(dir.path(), &files, &diagnostics, &changed);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(again.media, files.media);
    }
}
