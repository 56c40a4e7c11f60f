//! The files of the output that are not pages: stylesheets, the theme's
//! and the site's static files, the data files, the social cards and the
//! files made from the site's media; and the check that none of them lands
//! where a page or another file goes.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Position};
use crate::media::publish::Plan as MediaPlan;
use crate::render::{self, OutputFile, PlannedPage};
use crate::resolve::Site;
use crate::theme;

/// The site's static files: path relative to `static/`, absolute path.
type StaticFiles = [(PathBuf, PathBuf)];

/// Where the stylesheets, static, data and media files go, sorted.
pub(super) fn paths(
    plan: &render::Plan,
    static_files: &StaticFiles,
    media: &MediaPlan,
) -> Vec<PathBuf> {
    let mut assets = plan.data_paths();
    assets.extend(plan.card_paths());
    assets.push(PathBuf::from("highlight.css"));
    assets.extend(theme::STATIC.iter().map(|(path, _)| PathBuf::from(path)));
    assets.extend(static_files.iter().map(|(rel, _)| rel.clone()));
    assets.extend(media.paths().map(|(path, _)| path.to_path_buf()));
    assets.sort();
    assets.dedup();
    assets
}

/// Whether the site's own static file at `path` replaces the file made
/// there, as it replaces the theme's.
pub(super) fn is_overridden(path: &Path, static_files: &StaticFiles) -> bool {
    static_files.iter().any(|(rel, _)| rel == path)
}

/// Leaves out the files the site's own static files replace.
pub(super) fn not_overridden(
    files: Vec<OutputFile>,
    static_files: &StaticFiles,
) -> Vec<OutputFile> {
    files
        .into_iter()
        .filter(|(path, _)| !is_overridden(path, static_files))
        .collect()
}

/// The stylesheets and static files, as output files; not the static
/// images, which the media plan publishes stripped of their metadata.
pub(super) fn files(
    highlight_css: &str,
    static_files: &StaticFiles,
    media: &MediaPlan,
) -> Vec<OutputFile> {
    let mut files = vec![(
        PathBuf::from("highlight.css"),
        highlight_css.as_bytes().to_vec(),
    )];
    for (path, bytes) in theme::STATIC {
        if !static_files.iter().any(|(rel, _)| rel == Path::new(path)) {
            files.push((PathBuf::from(path), bytes.to_vec()));
        }
    }
    for (rel, abs) in static_files {
        if media.statics.contains(rel) {
            continue;
        }
        // A static file that vanished between listing and reading is
        // simply left out; the next change event brings it back.
        if let Ok(bytes) = std::fs::read(abs) {
            files.push((rel.clone(), bytes));
        }
    }
    files
}

/// Refuses a build where a file would overwrite a page or another file.
pub(super) fn check_clashes(
    site: &Site,
    pages: &[PlannedPage],
    assets: &[PathBuf],
    static_files: &StaticFiles,
    media: &MediaPlan,
) -> Result<(), Vec<Diagnostic>> {
    let mut found = clashes(site, pages, assets, static_files);
    if !media.is_empty() {
        found.extend(media_clashes(pages, assets, static_files, media));
    }
    found.extend(render::search::clashes(static_files));
    if found.is_empty() {
        Ok(())
    } else {
        Err(found)
    }
}

/// Output files that would overwrite a page: a static file at a page's
/// path, or any file where a page needs a folder (a page `style.css` beside
/// the stylesheet).
fn clashes(
    site: &Site,
    pages: &[PlannedPage],
    assets: &[PathBuf],
    static_files: &StaticFiles,
) -> Vec<Diagnostic> {
    // Only pages under a folder that holds an asset can clash with one.
    let tops: HashSet<&std::ffi::OsStr> = assets.iter().filter_map(|a| a.iter().next()).collect();
    let near: Vec<(PathBuf, &PlannedPage)> = pages
        .iter()
        .map(|page| (page.path(), page))
        .filter(|(path, _)| path.iter().next().is_some_and(|top| tops.contains(top)))
        .collect();
    let mut taken: HashMap<&Path, &PlannedPage> = HashMap::new();
    for (path, page) in &near {
        for path in path.ancestors().filter(|p| !p.as_os_str().is_empty()) {
            taken.entry(path).or_insert(page);
        }
    }
    let mut out = Vec::new();
    for asset in assets {
        let Some(page) = taken.get(asset.as_path()) else {
            continue;
        };
        if static_files.iter().any(|(rel, _)| rel == asset) {
            out.push(
                Diagnostic::error(
                    Path::new("static").join(asset),
                    Position::start(),
                    format!("static/{} would overwrite the page {}", asset.display(), page.url()),
                )
                .with_hint("move or rename the static file: two things cannot share one address in the built site"),
            );
        } else if let Some(source) = page.source(site) {
            out.push(
                Diagnostic::error(
                    source,
                    Position::start(),
                    format!(
                        "the page {} clashes with the site's own file /{}",
                        page.url(),
                        asset.display()
                    ),
                )
                .with_hint("rename this file: its slug is taken by one of the site's own files"),
            );
        }
    }
    out
}

/// Files made from the site's media that land on a page, on a static or
/// data file, or on each other (a bundle file named like another file's
/// variant, `pier-480w.jpg` beside `pier.jpg`), each reported at the media
/// file.
fn media_clashes(
    pages: &[PlannedPage],
    assets: &[PathBuf],
    static_files: &StaticFiles,
    media: &MediaPlan,
) -> Vec<Diagnostic> {
    let mut from: HashMap<&Path, &Path> = HashMap::new();
    let mut out = Vec::new();
    let clash = |source: &Path, path: &Path, what: String| {
        Diagnostic::error(
            source,
            Position::start(),
            format!("this file is published at /{}, {what}", path.display()),
        )
        .with_hint("rename the file: two things cannot share one address in the built site")
    };
    for (path, source) in media.paths() {
        if let Some(other) = from.insert(path, source) {
            if other != source {
                out.push(clash(
                    source,
                    path,
                    format!("where {} is published too", other.display()),
                ));
            }
        }
    }
    let paths: Vec<(PathBuf, Cow<str>)> = pages.iter().map(|p| (p.path(), p.url())).collect();
    let mut pages_at: HashMap<&Path, &str> = HashMap::new();
    for (path, url) in &paths {
        for path in path.ancestors().filter(|p| !p.as_os_str().is_empty()) {
            pages_at.entry(path).or_insert(url);
        }
    }
    let statics: HashSet<&Path> = static_files
        .iter()
        .filter(|(rel, _)| !media.statics.contains(rel))
        .map(|(rel, _)| rel.as_path())
        .collect();
    let own: HashSet<&Path> = assets
        .iter()
        .map(PathBuf::as_path)
        .filter(|a| !from.contains_key(a) && !statics.contains(a))
        .collect();
    for (path, source) in &from {
        if Path::new("static").join(path) == *source {
            // A static image at its own place: checked as a static file.
            continue;
        }
        if let Some(url) = pages_at.get(path) {
            out.push(clash(source, path, format!("where the page {url} goes")));
        } else if statics.contains(path) {
            out.push(clash(
                source,
                path,
                format!("where static/{} goes", path.display()),
            ));
        } else if own.contains(path) {
            out.push(clash(
                source,
                path,
                "where one of the site's own files goes".into(),
            ));
        }
    }
    out
}
