//! Which files the site's media become in the output, and making them:
//! resized variants of raster images, stripped originals, and files
//! copied as they are.
//!
//! Planning reads no file: it works from the catalog, so a build learns
//! every output path (for clash checks) and every problem (a scripted SVG,
//! an unreadable image) before it writes anything. Making a file reads its
//! source and, for a variant, takes it from the cache under
//! `.brief-cache/images/` or encodes it there.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{variants, Catalog, ImageSettings, MediaFile, MediaKind, RasterFormat};
use crate::diagnostic::{Diagnostic, Position};
use crate::model::Figure;
use crate::resolve::Site;

/// How one output file is made from its source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Recipe {
    /// The bytes as they are (SVG, PDF, any file that is not a raster).
    Copy,
    /// The original without its metadata, pixels untouched; or, when its
    /// EXIF orientation is not upright (which stripping would lose),
    /// decoded, turned upright and encoded again at full size.
    Original(RasterFormat),
    /// Decoded, turned upright, resized and encoded.
    Variant {
        width: u32,
        height: u32,
        format: RasterFormat,
    },
}

/// One output file.
#[derive(Clone, Debug)]
pub struct Output {
    /// Published path, relative to the output folder.
    pub path: PathBuf,
    pub recipe: Recipe,
    /// Fingerprint of the source's bytes, the recipe and the settings: a
    /// rebuild makes the file again only when it changed.
    pub key: u64,
}

/// The outputs of one source file, made together so an image is decoded
/// once for all its variants.
#[derive(Clone, Debug)]
pub struct Job {
    pub file: Arc<MediaFile>,
    pub outputs: Vec<Output>,
}

/// Everything the site's media put in the output.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub jobs: Vec<Job>,
    /// Static files these jobs publish (path relative to `static/`), which
    /// are therefore not copied as they are.
    pub statics: HashSet<PathBuf>,
    pub quality: u8,
}

impl Plan {
    /// Every output path with the source file it comes from (relative to
    /// the site root).
    pub fn paths(&self) -> impl Iterator<Item = (&Path, &Path)> {
        self.jobs.iter().flat_map(|job| {
            job.outputs
                .iter()
                .map(move |o| (o.path.as_path(), job.file.source.as_path()))
        })
    }

    pub fn is_empty(&self) -> bool {
        self.jobs.is_empty()
    }
}

/// Plans the output of every bundle file and every static raster image.
/// `used` gives the published paths the site's pages use (see [`used`]);
/// it is asked only when the site has static raster images.
pub fn plan(
    catalog: &Catalog,
    settings: &ImageSettings,
    used: impl FnOnce() -> HashSet<String>,
) -> (Plan, Vec<Diagnostic>) {
    let mut plan = Plan {
        quality: settings.quality,
        ..Plan::default()
    };
    let mut diagnostics = Vec::new();
    if catalog.files.is_empty() {
        return (plan, diagnostics);
    }
    let has_static_rasters = catalog
        .files
        .values()
        .any(|f| is_static(f) && matches!(f.kind, MediaKind::Raster { .. }));
    let used = if has_static_rasters {
        sources_of(catalog, settings, used())
    } else {
        HashSet::new()
    };
    for file in catalog.files.values() {
        let mut recipes: Vec<(String, Recipe)> = Vec::new();
        let published = file.published.clone();
        let is_static = is_static(file);
        match &file.kind {
            MediaKind::Raster { format, .. } => {
                let original = Recipe::Original(*format);
                if is_static || settings.originals || *format == RasterFormat::Gif {
                    recipes.push((published, original));
                }
                if !is_static || used.contains(&file.published) {
                    for v in variants(file, settings) {
                        recipes.push((
                            v.published,
                            Recipe::Variant {
                                width: v.width,
                                height: v.height,
                                format: v.format,
                            },
                        ));
                    }
                }
            }
            // A static SVG is copied as it is, readable or not.
            MediaKind::Unreadable { .. }
                if is_static && file.source.extension().is_some_and(|e| e == "svg") =>
            {
                continue;
            }
            MediaKind::Unreadable { reason } if is_static => {
                diagnostics.push(
                    Diagnostic::warning(
                        &file.source,
                        Position::start(),
                        format!("{reason}; it is published as it is, with whatever metadata it holds"),
                    )
                    .with_hint("re-save the image as JPEG, PNG or WebP, or rename it if it is not an image"),
                );
                continue;
            }
            MediaKind::Unreadable { reason } => {
                diagnostics.push(
                    Diagnostic::error(&file.source, Position::start(), reason.clone()).with_hint(
                        "re-save the image as JPEG, PNG or WebP, or remove it from the bundle (every file of a bundle is published)",
                    ),
                );
                continue;
            }
            MediaKind::Svg { scripted: true, .. } if !is_static => {
                diagnostics.push(scripted_svg(file));
                continue;
            }
            // Static files that are not rasters are copied as they are,
            // with the theme's files.
            _ if is_static => continue,
            MediaKind::Svg { .. } | MediaKind::Other { .. } => {
                recipes.push((published, Recipe::Copy));
            }
        }
        if recipes.is_empty() {
            continue;
        }
        if is_static {
            plan.statics.insert(PathBuf::from(&file.published));
        }
        let outputs = recipes
            .into_iter()
            .map(|(path, recipe)| Output {
                key: crate::fingerprint::of(&(
                    file.hash,
                    &file.published,
                    recipe,
                    settings.quality,
                )),
                path: PathBuf::from(path),
                recipe,
            })
            .collect();
        plan.jobs.push(Job {
            file: Arc::clone(file),
            outputs,
        });
    }
    (plan, diagnostics)
}

fn is_static(file: &MediaFile) -> bool {
    file.source.starts_with("static")
}

/// A bundle SVG with a script, at the line of the script.
fn scripted_svg(file: &MediaFile) -> Diagnostic {
    Diagnostic::error(&file.source, Position::start(), "this SVG holds a script").with_hint(
        "remove the <script>, on… attributes and javascript: links, or publish the drawing as PNG; an SVG opened on its own runs its scripts on the site's address",
    )
}

/// Fills in where an error about a scripted SVG points: the line and
/// column of its first script, read from the file (errors are rare, so
/// the file is read only then).
pub fn locate_script(root: &Path, mut diagnostic: Diagnostic) -> Diagnostic {
    if let Ok(text) = std::fs::read_to_string(root.join(&diagnostic.file)) {
        if let Ok(info) = super::svg::inspect(text.trim_start_matches('\u{feff}')) {
            if let Some((line, column)) = info.script {
                diagnostic.position = Position::new(line, column);
            }
        }
    }
    diagnostic
}

/// The published paths the site's pages use: what Markdown shows and
/// links to, and every image and file named in front matter and
/// `site.yaml`. Bundle files are published whether used or not; this
/// decides which static images get resized variants.
pub fn used(site: &Site) -> HashSet<String> {
    let mut out = HashSet::new();
    let figure = |f: &Option<Figure>, out: &mut HashSet<String>| {
        if let Some(published) = f.as_ref().and_then(|f| f.picture.published.clone()) {
            out.insert(published);
        }
    };
    figure(&site.config.image, &mut out);
    for briefing in &site.briefings {
        out.extend(briefing.body.media.iter().cloned());
        figure(&briefing.image, &mut out);
        for claim in &briefing.claims {
            figure(&claim.image, &mut out);
        }
        for speaker in briefing.speakers.values() {
            figure(&speaker.image, &mut out);
        }
        for source in briefing.sources.values() {
            out.extend(source.file.iter().map(|f| f.published.clone()));
        }
    }
    for page in &site.pages {
        out.extend(page.body.media.iter().cloned());
        figure(&page.image, &mut out);
    }
    for speaker in site.site_speakers.values() {
        figure(&speaker.image, &mut out);
    }
    for source in site.site_sources.values() {
        out.extend(source.file.iter().map(|f| f.published.clone()));
    }
    out
}

/// Maps the published paths in `used` that name a variant (what a
/// figure's picture points at) back to the file they are made from.
fn sources_of(
    catalog: &Catalog,
    settings: &ImageSettings,
    used: HashSet<String>,
) -> HashSet<String> {
    let mut variant_of: HashMap<String, &str> = HashMap::new();
    for file in catalog.files.values() {
        if is_static(file) {
            for v in variants(file, settings) {
                variant_of.insert(v.published, &file.published);
            }
        }
    }
    used.into_iter()
        .map(|p| match variant_of.get(&p) {
            Some(source) => (*source).to_owned(),
            None => p,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(source: &str, published: &str, kind: MediaKind) -> (String, Arc<MediaFile>) {
        let file = MediaFile {
            source: PathBuf::from(source),
            published: published.into(),
            bytes: 1,
            hash: 7,
            kind,
        };
        (published.to_owned(), Arc::new(file))
    }

    fn raster(width: u32, format: RasterFormat) -> MediaKind {
        MediaKind::Raster {
            width,
            height: 100,
            format,
        }
    }

    fn outputs(plan: &Plan) -> Vec<(String, String)> {
        plan.paths()
            .map(|(p, s)| (p.display().to_string(), s.display().to_string()))
            .collect()
    }

    #[test]
    fn static_images_get_variants_only_when_a_page_uses_them() {
        let catalog = Catalog {
            files: [
                file(
                    "static/img/used.png",
                    "img/used.png",
                    raster(600, RasterFormat::Png),
                ),
                file(
                    "static/img/idle.png",
                    "img/idle.png",
                    raster(600, RasterFormat::Png),
                ),
                file(
                    "static/img/evil.svg",
                    "img/evil.svg",
                    MediaKind::Svg {
                        width: None,
                        height: None,
                        scripted: true,
                    },
                ),
                file(
                    "static/robots.txt",
                    "robots.txt",
                    MediaKind::Other {
                        mime: "text/plain".into(),
                    },
                ),
            ]
            .into_iter()
            .collect(),
        };
        let settings = ImageSettings::default();
        // A figure names the variant it shows, not the file.
        let (plan, diagnostics) = plan(&catalog, &settings, || {
            HashSet::from(["img/used-600w.png".to_owned()])
        });
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let mut paths: Vec<String> = outputs(&plan).into_iter().map(|(p, _)| p).collect();
        paths.sort();
        assert_eq!(
            paths,
            [
                "img/idle.png",
                "img/used-480w.png",
                "img/used-480w.webp",
                "img/used-600w.png",
                "img/used-600w.webp",
                "img/used.png",
            ]
        );
        // Published by the plan, so not also copied as they are.
        assert_eq!(
            plan.statics,
            HashSet::from([PathBuf::from("img/used.png"), PathBuf::from("img/idle.png")])
        );
    }

    #[test]
    fn a_site_without_static_images_is_never_searched_for_what_it_uses() {
        let catalog = Catalog {
            files: [
                file(
                    "content/briefings/x/shot.png",
                    "briefings/x/shot.png",
                    raster(300, RasterFormat::Png),
                ),
                file(
                    "content/briefings/x/clip.gif",
                    "briefings/x/clip.gif",
                    raster(300, RasterFormat::Gif),
                ),
            ]
            .into_iter()
            .collect(),
        };
        let (plan, _) = plan(&catalog, &ImageSettings::default(), || {
            panic!("the pages were searched for images")
        });
        assert_eq!(
            outputs(&plan),
            [
                (
                    "briefings/x/clip.gif".into(),
                    "content/briefings/x/clip.gif".into()
                ),
                (
                    "briefings/x/shot-300w.png".into(),
                    "content/briefings/x/shot.png".into()
                ),
                (
                    "briefings/x/shot-300w.webp".into(),
                    "content/briefings/x/shot.png".into()
                ),
            ]
        );
    }

    #[test]
    fn bundle_problems_are_errors_and_static_ones_warnings() {
        let unreadable = || MediaKind::Unreadable {
            reason: "this is not a JPEG, PNG, GIF or WebP image".into(),
        };
        let scripted = MediaKind::Svg {
            width: None,
            height: None,
            scripted: true,
        };
        let catalog = Catalog {
            files: [
                file(
                    "content/briefings/x/a.jpg",
                    "briefings/x/a.jpg",
                    unreadable(),
                ),
                file("content/briefings/x/b.svg", "briefings/x/b.svg", scripted),
                file("static/c.jpg", "c.jpg", unreadable()),
            ]
            .into_iter()
            .collect(),
        };
        let (plan, diagnostics) = plan(&catalog, &ImageSettings::default(), HashSet::new);
        assert!(plan.is_empty());
        let found: Vec<_> = diagnostics
            .iter()
            .map(|d| (d.file.display().to_string(), d.is_error()))
            .collect();
        assert_eq!(
            found,
            [
                ("content/briefings/x/a.jpg".into(), true),
                ("content/briefings/x/b.svg".into(), true),
                ("static/c.jpg".into(), false),
            ]
        );
    }
}
