//! What the paths a writer names resolve to: an image or link in Markdown,
//! `image.src` and `file` in front matter. A relative path names a file of
//! the writer's own bundle, `@/` a file under `content/`, and `/…` a file
//! under `static/`; each must exist, and comes back as the site's file with
//! its published URL under the base path. Addresses elsewhere (`https:`,
//! `mailto:`) and links to pages (`@/briefings/x.md`, `#claim-y`) are left
//! to the Markdown renderer and to validation.
//!
//! Every look-up is recorded, found or not, so a file is parsed again when
//! a file it named appears, vanishes or changes, and so a briefing whose
//! missing image is added builds again by itself.

use std::cell::RefCell;
use std::path::{Component, Path};
use std::sync::Arc;

use crate::config::SiteConfig;
use crate::diagnostic::closest;
use crate::media::{Catalog, ImageSettings, MediaFile, MediaKind, Picture};

/// The files a parse looked up, by published path, with what it found.
pub(crate) type Lookups = Vec<(String, Option<Arc<MediaFile>>)>;

/// The bundle a briefing or page is, if it is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Bundle {
    /// Where its files are published: `briefings/pier/`, `about/`.
    pub published: String,
    /// Its folder under `content/`, as `@/` names it: `briefings/pier/`.
    pub content: String,
}

/// Who the file being parsed is, for what a relative path means and how
/// an error says to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Owner {
    Bundle(Bundle),
    /// A single-file briefing or page: `briefings/x.md`, `pages/x.md`.
    Single {
        content_path: String,
    },
    /// A site-wide file: `speakers.yaml`, `sources.yaml`.
    SiteFile,
}

impl Owner {
    /// The owner a content file is: a bundle when it is a bundle's
    /// `index.md`.
    pub(crate) fn of(path: &Path) -> Owner {
        let content_path = super::content_path(path);
        if !super::is_bundle_index(path) {
            return Owner::Single { content_path };
        }
        let slug = super::slug_of(path);
        let published = if content_path.starts_with("pages/") {
            format!("{slug}/")
        } else {
            format!("briefings/{slug}/")
        };
        let content = content_path
            .strip_suffix("index.md")
            .unwrap_or(&content_path)
            .to_owned();
        Owner::Bundle(Bundle { published, content })
    }
}

/// How a path is used, for what it may name and how messages speak of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Use {
    /// `![alt](x)` or `image.src`: must be an image a browser shows.
    Image,
    /// `[text](x)`: any file.
    Link,
    /// `sources.<id>.file`: any file, a document hosted by the desk.
    File,
}

impl Use {
    fn noun(self) -> &'static str {
        match self {
            Use::Image => "image",
            Use::Link => "link to",
            Use::File => "file",
        }
    }
}

/// What a written path names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Resolved {
    /// Not a file of the site: an address elsewhere, an anchor, a link to a
    /// briefing or page by its file (`@/briefings/x.md`).
    Elsewhere,
    /// One of the site's files.
    File(Arc<MediaFile>),
    /// A root-relative address that names no file but reads like a page's
    /// (`/about/`): written with the base path, and checked against the
    /// site's pages by validation.
    Page(String),
    /// A root-relative address of one of the files the build writes itself
    /// (`/feed.xml`): written with the base path, not checked.
    Generated(String),
}

/// What is wrong with a path: the message and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub hint: String,
}

fn problem(message: String, hint: impl Into<String>) -> Problem {
    Problem {
        message,
        hint: hint.into(),
    }
}

/// Resolves the paths of one file, recording what it looked up.
pub(crate) struct Refs<'c> {
    catalog: &'c Catalog,
    settings: &'c ImageSettings,
    /// Where the site starts, for its files, which every language shares.
    root_path: &'c str,
    config: &'c SiteConfig,
    owner: Owner,
    lookups: RefCell<Lookups>,
}

/// Extensions of files the build writes itself, which a link may name
/// though no file of the site holds them.
const GENERATED: &[&str] = &["xml", "json", "txt", "css", "js", "html"];

impl<'c> Refs<'c> {
    pub(crate) fn new(catalog: &'c Catalog, config: &'c SiteConfig, owner: Owner) -> Refs<'c> {
        Refs {
            catalog,
            settings: &config.images,
            root_path: &config.root_path,
            config,
            owner,
            lookups: RefCell::default(),
        }
    }

    /// What this file looked up, to know when to parse it again.
    pub(crate) fn into_lookups(self) -> Lookups {
        self.lookups.into_inner()
    }

    fn get(&self, published: &str) -> Option<Arc<MediaFile>> {
        let found = self.catalog.get(published).cloned();
        self.lookups
            .borrow_mut()
            .push((published.to_owned(), found.clone()));
        found
    }

    /// What `written` names, used as `how`. A file is checked to be usable
    /// that way (an image that is an image, an SVG without scripts).
    pub(crate) fn resolve(&self, written: &str, how: Use) -> Result<Resolved, Problem> {
        let noun = how.noun();
        let trimmed = written.trim();
        if trimmed.is_empty() {
            return match how {
                Use::Link => Ok(Resolved::Elsewhere),
                _ => Err(problem(
                    format!("{noun} has no path"),
                    "give the path of the file, such as `chart.png` for a file beside the briefing's index.md",
                )),
            };
        }
        if trimmed.starts_with('#') || is_elsewhere(trimmed) {
            return Ok(Resolved::Elsewhere);
        }
        let path = strip_suffixes(trimmed);
        let path = percent_encoding::percent_decode_str(path)
            .decode_utf8()
            .map(|p| p.into_owned())
            .unwrap_or_else(|_| path.to_owned());
        // `?page=2` or `./` alone: this page itself.
        if how == Use::Link && path.trim_start_matches("./").trim_matches('.').is_empty() {
            return Ok(Resolved::Elsewhere);
        }
        let file = if let Some(content) = path.strip_prefix("@/") {
            if content.ends_with(".md") {
                return Ok(Resolved::Elsewhere);
            }
            self.content_file(written, content, how)?
        } else if let Some(rest) = path.strip_prefix('/') {
            match self.static_file(written, rest, trimmed, how)? {
                Ok(file) => file,
                Err(resolved) => return Ok(resolved),
            }
        } else {
            self.bundle_file(written, &path, how)?
        };
        usable(written, &file, how)?;
        Ok(Resolved::File(file))
    }

    /// A file under `content/`, named from there (`@/briefings/x/pier.jpg`).
    fn content_file(
        &self,
        written: &str,
        content: &str,
        how: Use,
    ) -> Result<Arc<MediaFile>, Problem> {
        let noun = how.noun();
        let Some(clean) = normal(content) else {
            return Err(problem(
                format!("{noun} `{written}`: `..` cannot climb out of content/"),
                "name the file from content/, such as `@/briefings/pier-report/pier.jpg`",
            ));
        };
        let (prefix, inside) = match clean.split_once('/') {
            Some(("briefings", rest)) if rest.contains('/') => ("briefings/", rest),
            Some(("pages", rest)) if rest.contains('/') => ("", rest),
            _ => {
                return Err(problem(
                    format!("{noun} `{written}`: `@/` names a file of a bundle, under content/briefings/<name>/ or content/pages/<name>/"),
                    "write it as `@/briefings/<name>/<file>`; a file of static/ is written from the root, such as `/img/chart.png`",
                ))
            }
        };
        // A bundle is published under its folder's name wherever it sits
        // (`briefings/2024/pier/` at `briefings/pier/`), so each folder on
        // the way may be the bundle's.
        let source = format!("content/{clean}");
        let segments: Vec<&str> = inside.split('/').collect();
        for at in 0..segments.len() - 1 {
            let published = format!("{prefix}{}", segments[at..].join("/"));
            if let Some(file) = self.get(&published) {
                if file.source == Path::new(&source) {
                    return Ok(file);
                }
            }
        }
        let folder = match clean.rsplit_once('/') {
            Some((folder, _)) => format!("{folder}/"),
            None => String::new(),
        };
        let known: Vec<String> = self
            .catalog
            .files
            .values()
            .filter_map(|f| {
                let rest = f.source.to_str()?.strip_prefix("content/")?;
                rest.starts_with(&folder).then(|| rest.to_owned())
            })
            .collect();
        Err(problem(
            format!("{noun} `{written}`: there is no file content/{clean}"),
            did_you_mean(
                &clean,
                &known,
                "@/",
                "correct the path, or put the file there",
            ),
        ))
    }

    /// A file under `static/`, named from the site's root (`/img/x.png`);
    /// or, when none is there, a page or a file the build writes.
    fn static_file(
        &self,
        written: &str,
        rest: &str,
        trimmed: &str,
        how: Use,
    ) -> Result<Result<Arc<MediaFile>, Resolved>, Problem> {
        let noun = how.noun();
        let clean = normal(rest);
        if let Some(file) = clean.as_deref().and_then(|c| self.get(c)) {
            return Ok(Ok(file));
        }
        let rest_of = trimmed.trim_start_matches('/');
        let place = rest_of.split(['#', '?']).next().unwrap_or(rest_of);
        let with_base = format!("{}{rest_of}", self.config.base_for(place));
        let name = rest.rsplit('/').next().unwrap_or(rest);
        let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        if how == Use::Link {
            match extension {
                None => return Ok(Err(Resolved::Page(with_base))),
                Some(e) if GENERATED.contains(&e.as_str()) => {
                    return Ok(Err(Resolved::Generated(with_base)))
                }
                Some(_) => {}
            }
        }
        let clean = clean.unwrap_or_else(|| rest.to_owned());
        let known: Vec<String> = self
            .catalog
            .files
            .values()
            .filter_map(|f| {
                f.source
                    .to_str()?
                    .strip_prefix("static/")
                    .map(str::to_owned)
            })
            .collect();
        Err(problem(
            format!("{noun} `{written}`: there is no file static/{clean}"),
            did_you_mean(
                &clean,
                &known,
                "/",
                "a path starting with `/` names a file under static/; put the file there, or write a file beside the briefing's index.md by its name alone",
            ),
        ))
    }

    /// A file of the writer's own bundle, named relative to its `index.md`.
    fn bundle_file(&self, written: &str, path: &str, how: Use) -> Result<Arc<MediaFile>, Problem> {
        let noun = how.noun();
        let bundle = match &self.owner {
            Owner::Bundle(bundle) => bundle,
            Owner::Single { content_path } => {
                let (kind, name) = content_path
                    .split_once('/')
                    .unwrap_or(("briefings", content_path));
                let name = name.strip_suffix(".md").unwrap_or(name);
                let what = if kind == "pages" { "page" } else { "briefing" };
                return Err(problem(
                    format!("{noun} `{written}`: a relative path names a file of a bundle, and this {what} is a single file"),
                    format!("make this {what} a folder: content/{kind}/{name}/index.md with the file beside it; or put the file in static/ and write `/{}`", path.trim_start_matches("./")),
                ));
            }
            Owner::SiteFile => {
                return Err(problem(
                    format!("{noun} `{written}`: a relative path names a file of a bundle, and this file is not in one"),
                    "write the path of a file in static/ from the root, such as `/img/portrait.jpg`, or a bundle's file as `@/briefings/<name>/portrait.jpg`",
                ));
            }
        };
        let Some(clean) = normal(path) else {
            return Err(problem(
                format!("{noun} `{written}` leaves the bundle"),
                "name another bundle's file as `@/briefings/<name>/<file>`, or a file of static/ as `/<path>`",
            ));
        };
        if let Some(file) = self.get(&format!("{}{clean}", bundle.published)) {
            return Ok(file);
        }
        let known: Vec<String> = self
            .catalog
            .under(&bundle.published)
            .filter_map(|f| f.published.strip_prefix(&bundle.published))
            .map(str::to_owned)
            .collect();
        Err(problem(
            format!(
                "{noun} `{written}`: there is no file content/{}{clean}",
                bundle.content
            ),
            did_you_mean(
                &clean,
                &known,
                "",
                &format!(
                    "put the file in content/{} beside index.md, or correct its name",
                    bundle.content
                ),
            ),
        ))
    }

    /// How a page shows an image file (checked usable as an image).
    pub(crate) fn picture(&self, file: &MediaFile) -> Option<Picture> {
        Picture::of(file, self.settings, self.root_path)
    }

    /// The URL a link to `file` points at: the file itself, or for a
    /// bundle's raster image published only as resized copies, the widest.
    pub(crate) fn link_url(&self, file: &MediaFile) -> String {
        self.link_target(file).0
    }

    /// [`link_url`](Refs::link_url), with the published path of the file
    /// it points at.
    pub(crate) fn link_target(&self, file: &MediaFile) -> (String, String) {
        let resized = matches!(file.kind, MediaKind::Raster { .. })
            && file.source.starts_with("content")
            && !self.settings.originals;
        match self.picture(file).filter(|_| resized) {
            Some(Picture {
                src,
                published: Some(published),
                ..
            }) => (src, published),
            _ => (
                format!(
                    "{}{}",
                    self.root_path,
                    crate::media::url_path(&file.published)
                ),
                file.published.clone(),
            ),
        }
    }
}

/// Whether `file` may be used `how`: scripted SVGs and unreadable images
/// never; anything but an image not as an image.
fn usable(written: &str, file: &MediaFile, how: Use) -> Result<(), Problem> {
    let noun = how.noun();
    match &file.kind {
        MediaKind::Svg { scripted: true, .. } => Err(problem(
            format!("{noun} `{written}`: the SVG holds a script (a <script>, an on… attribute, a javascript: address or a <foreignObject>), and the site does not publish scripts inside images"),
            "remove the script from the SVG, or export the drawing as PNG",
        )),
        MediaKind::Unreadable { reason } => Err(problem(
            format!("{noun} `{written}` cannot be read as an image: {reason}"),
            "open the file in an image editor and save it again, or replace it with the original",
        )),
        MediaKind::Other { mime } if how == Use::Image => Err(problem(
            format!("{noun} `{written}` is not an image ({mime})"),
            "link to the file instead, such as [the report](report.pdf), or show a picture of it (PNG, JPEG, WebP, GIF or SVG)",
        )),
        _ => Ok(()),
    }
}

/// Whether a destination is an address elsewhere: it has a scheme
/// (`https:`, `mailto:`) or starts with `//`.
fn is_elsewhere(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    match dest.split_once(':') {
        Some((scheme, _)) => {
            let mut chars = scheme.chars();
            chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// The path without its `#fragment` and `?query`.
fn strip_suffixes(dest: &str) -> &str {
    let end = dest.find(['#', '?']).unwrap_or(dest.len());
    &dest[..end]
}

/// `./img/../pier.jpg` as `pier.jpg`; `None` when `..` climbs out.
fn normal(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for component in Path::new(path).components() {
        match component {
            Component::Normal(part) => parts.push(part.to_str()?),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// A hint naming the known file nearest to `wanted`, or listing a few.
fn did_you_mean(wanted: &str, known: &[String], prefix: &str, otherwise: &str) -> String {
    if let Some(near) = closest(wanted, known.iter().map(String::as_str)) {
        return format!("did you mean `{prefix}{near}`?");
    }
    // The same name in another folder is the likeliest mistake.
    let name = wanted.rsplit('/').next().unwrap_or(wanted);
    let names = known.iter().map(|k| k.rsplit('/').next().unwrap_or(k));
    if let Some(near) = closest(name, names) {
        if let Some(same) = known.iter().find(|k| k.rsplit('/').next() == Some(near)) {
            return format!("did you mean `{prefix}{same}`?");
        }
    }
    otherwise.to_owned()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::media::RasterFormat;
    use std::path::PathBuf;

    /// A catalog of the files named, each published under its path
    /// inside `content/briefings/` or `static/`.
    pub(crate) fn catalog(files: &[(&str, MediaKind)]) -> Catalog {
        let mut catalog = Catalog::default();
        for (source, kind) in files {
            let published = source
                .strip_prefix("content/pages/")
                .or_else(|| source.strip_prefix("static/"))
                .or_else(|| source.strip_prefix("content/"))
                .unwrap_or(source);
            catalog.files.insert(
                published.to_owned(),
                Arc::new(MediaFile {
                    source: PathBuf::from(source),
                    published: published.to_owned(),
                    bytes: 1234,
                    hash: 7,
                    kind: kind.clone(),
                }),
            );
        }
        catalog
    }

    pub(crate) fn jpeg(width: u32, height: u32) -> MediaKind {
        MediaKind::Raster {
            width,
            height,
            format: RasterFormat::Jpeg,
        }
    }

    fn sample() -> Catalog {
        catalog(&[
            ("content/briefings/pier/pier.jpg", jpeg(2000, 1000)),
            (
                "content/briefings/pier/report.pdf",
                MediaKind::Other {
                    mime: "application/pdf".into(),
                },
            ),
            (
                "content/briefings/pier/evil.svg",
                MediaKind::Svg {
                    width: None,
                    height: None,
                    scripted: true,
                },
            ),
            ("static/img/chart.png", jpeg(800, 600)),
        ])
    }

    fn owner(path: &str) -> Owner {
        Owner::of(Path::new(path))
    }

    #[test]
    fn a_bundle_is_an_index_md_in_a_folder_of_its_own() {
        assert_eq!(
            owner("content/briefings/pier/index.md"),
            Owner::Bundle(Bundle {
                published: "briefings/pier/".into(),
                content: "briefings/pier/".into()
            })
        );
        assert_eq!(
            owner("content/pages/about/index.md"),
            Owner::Bundle(Bundle {
                published: "about/".into(),
                content: "pages/about/".into()
            })
        );
        assert!(matches!(
            owner("content/briefings/index.md"),
            Owner::Single { .. }
        ));
    }

    #[test]
    fn paths_resolve_in_the_bundle_content_and_static() {
        let catalog = sample();
        let config = SiteConfig::default();
        let refs = Refs::new(&catalog, &config, owner("content/briefings/pier/index.md"));
        for written in [
            "pier.jpg",
            "./pier.jpg",
            "img/../pier.jpg",
            "@/briefings/pier/pier.jpg",
        ] {
            match refs.resolve(written, Use::Image) {
                Ok(Resolved::File(f)) => assert_eq!(f.published, "briefings/pier/pier.jpg"),
                other => panic!("{written}: {other:?}"),
            }
        }
        assert!(matches!(
            refs.resolve("/img/chart.png", Use::Image),
            Ok(Resolved::File(_))
        ));
        assert_eq!(
            refs.resolve("/about/", Use::Link),
            Ok(Resolved::Page("/about/".into()))
        );
        assert_eq!(
            refs.resolve("/feed.xml", Use::Link),
            Ok(Resolved::Generated("/feed.xml".into()))
        );
        for elsewhere in [
            "https://x.org/a.png",
            "mailto:a@b.c",
            "./",
            "?page=2",
            "#claim-x",
            "@/briefings/x.md#c",
            "//cdn.x/a.png",
        ] {
            assert_eq!(refs.resolve(elsewhere, Use::Link), Ok(Resolved::Elsewhere));
        }
        let looked: Vec<_> = refs
            .into_lookups()
            .into_iter()
            .map(|(p, f)| (p, f.is_some()))
            .collect();
        assert!(looked.contains(&("briefings/pier/pier.jpg".into(), true)));
        assert!(looked.contains(&("about".into(), false)), "{looked:?}");
    }

    #[test]
    fn a_bundle_in_a_subfolder_is_named_by_its_path_and_published_by_its_name() {
        let mut catalog = Catalog::default();
        catalog.files.insert(
            "briefings/pier/pier.jpg".into(),
            Arc::new(MediaFile {
                source: PathBuf::from("content/briefings/2024/pier/pier.jpg"),
                published: "briefings/pier/pier.jpg".into(),
                bytes: 1,
                hash: 1,
                kind: jpeg(100, 100),
            }),
        );
        let config = SiteConfig::default();
        let refs = Refs::new(
            &catalog,
            &config,
            owner("content/briefings/2024/pier/index.md"),
        );
        for written in ["pier.jpg", "@/briefings/2024/pier/pier.jpg"] {
            assert!(
                matches!(refs.resolve(written, Use::Image), Ok(Resolved::File(_))),
                "{written}"
            );
        }
        assert!(refs
            .resolve("@/briefings/pier/pier.jpg", Use::Image)
            .is_err());
    }

    #[test]
    fn a_missing_file_is_reported_with_the_nearest_name() {
        let catalog = sample();
        let config = SiteConfig::default();
        let refs = Refs::new(&catalog, &config, owner("content/briefings/pier/index.md"));
        let p = refs.resolve("peir.jpg", Use::Image).unwrap_err();
        assert_eq!(
            p.message,
            "image `peir.jpg`: there is no file content/briefings/pier/peir.jpg"
        );
        assert_eq!(p.hint, "did you mean `pier.jpg`?");
        let p = refs.resolve("/img/chrat.png", Use::Image).unwrap_err();
        assert_eq!(p.hint, "did you mean `/img/chart.png`?");
        let p = refs
            .resolve("@/briefings/pier/pir.jpg", Use::Link)
            .unwrap_err();
        assert_eq!(p.hint, "did you mean `@/briefings/pier/pier.jpg`?");
        let p = refs.resolve("../other/x.jpg", Use::Image).unwrap_err();
        assert!(p.message.contains("leaves the bundle"), "{p:?}");
    }

    #[test]
    fn files_are_checked_for_how_they_are_used() {
        let catalog = sample();
        let config = SiteConfig::default();
        let refs = Refs::new(&catalog, &config, owner("content/briefings/pier/index.md"));
        assert!(refs.resolve("report.pdf", Use::Link).is_ok());
        assert!(refs.resolve("report.pdf", Use::File).is_ok());
        let p = refs.resolve("report.pdf", Use::Image).unwrap_err();
        assert!(
            p.message.contains("is not an image (application/pdf)"),
            "{p:?}"
        );
        let p = refs.resolve("evil.svg", Use::Link).unwrap_err();
        assert!(p.message.contains("holds a script"), "{p:?}");
    }

    #[test]
    fn relative_paths_need_a_bundle() {
        let catalog = sample();
        let config = SiteConfig::default();
        let refs = Refs::new(&catalog, &config, owner("content/briefings/pier.md"));
        let p = refs.resolve("pier.jpg", Use::Image).unwrap_err();
        assert!(
            p.message.contains("this briefing is a single file"),
            "{p:?}"
        );
        assert!(p.hint.contains("content/briefings/pier/index.md"), "{p:?}");
    }

    #[test]
    fn a_link_to_a_resized_image_points_at_its_widest_copy() {
        let catalog = sample();
        let config = SiteConfig::default();
        let refs = Refs::new(&catalog, &config, owner("content/briefings/pier/index.md"));
        let pier = catalog.get("briefings/pier/pier.jpg").unwrap();
        assert_eq!(refs.link_url(pier), "/briefings/pier/pier-1600w.jpg");
        let chart = catalog.get("img/chart.png").unwrap();
        assert_eq!(refs.link_url(chart), "/img/chart.png");
        assert_eq!(
            crate::media::url_path("briefings/x/the report #2.pdf"),
            "briefings/x/the%20report%20%232.pdf"
        );
    }
}
