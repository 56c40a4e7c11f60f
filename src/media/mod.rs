//! The site's images and other files that are not pages: the files of page
//! bundles and the files under `static/`. What each one is (its kind, its
//! size in pixels and bytes) is read once when it is loaded, so the
//! Markdown renderer can write an image's width, height and `srcset`
//! before any image is encoded; the encoding itself, cached by content
//! hash, happens when the output is written.

// The types come first; the stages that use them follow.
#![allow(dead_code)]

pub mod catalog;
pub mod encode;
pub mod publish;
pub mod strip;
pub mod svg;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// `images:` in `site.yaml`: how raster images are published.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ImageSettings {
    /// The widths of the resized variants, narrowest first; an image is
    /// never made wider than it is.
    pub widths: Vec<u32>,
    /// Quality of the lossy encodings (JPEG, WebP), 1 to 100.
    pub quality: u8,
    /// Publish each original too (stripped of its metadata like the
    /// variants), for readers who want the full file.
    pub originals: bool,
}

impl Default for ImageSettings {
    fn default() -> Self {
        ImageSettings {
            widths: vec![480, 960, 1600],
            quality: 80,
            originals: false,
        }
    }
}

/// A file published with the site that is not a page.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MediaFile {
    /// Path relative to the site root: `content/briefings/x/pier.jpg`,
    /// `static/img/chart.png`.
    pub source: PathBuf,
    /// Where it is published, relative to the output folder, with `/`
    /// between folders: `briefings/x/pier.jpg`, `img/chart.png`.
    pub published: String,
    /// Size on disk, in bytes.
    pub bytes: u64,
    /// Fingerprint of the file's bytes: the key of its encoded variants.
    pub hash: u64,
    pub kind: MediaKind,
}

/// What a media file is, as far as a page needs to know.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MediaKind {
    /// A JPEG, PNG, GIF or WebP image. Width and height are as displayed,
    /// after the EXIF orientation is applied.
    Raster {
        width: u32,
        height: u32,
        format: RasterFormat,
    },
    /// An SVG drawing: copied as it is, never rasterised. Width and height
    /// from its root element when it gives them (or its `viewBox`).
    Svg {
        width: Option<u32>,
        height: Option<u32>,
        /// It holds a `<script>`, an `on…` event attribute or a
        /// `javascript:` address: refused wherever it is used.
        scripted: bool,
    },
    /// Any other file (a PDF, a CSV): published as it is.
    Other { mime: String },
    /// Named like an image but not one that can be read (a truncated
    /// download, a file renamed `.jpg`): an error wherever it is used.
    Unreadable { reason: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RasterFormat {
    Jpeg,
    Png,
    Gif,
    WebP,
}

/// Every media file of the site, by published path.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    pub files: BTreeMap<String, Arc<MediaFile>>,
}

impl Catalog {
    /// The file published at `published` (no leading `/`, no base path).
    pub fn get(&self, published: &str) -> Option<&Arc<MediaFile>> {
        self.files.get(published)
    }

    /// The files published under a folder (`briefings/x/`), for a
    /// did-you-mean when a link names a file that is not there.
    pub fn under<'a>(&'a self, folder: &'a str) -> impl Iterator<Item = &'a Arc<MediaFile>> + 'a {
        self.files
            .range(folder.to_owned()..)
            .take_while(move |(path, _)| path.starts_with(folder))
            .map(|(_, file)| file)
    }
}

/// An image as a page shows it: the file `src` names, its size, and the
/// variants a browser picks from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Picture {
    /// What `src` says: a site URL (with the base path) of the fallback
    /// file, or an address elsewhere as written.
    pub src: String,
    /// The published path of that file (no base path), for absolute URLs
    /// such as `og:image`; `None` for an address elsewhere.
    pub published: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// The fallback file's type: `image/jpeg`, `image/png`, `image/svg+xml`.
    pub mime: Option<String>,
    /// `srcset` in the fallback format, narrowest first: `url 480w, …`;
    /// empty when there is one size only.
    pub srcset: String,
    /// The same widths in WebP, for a `<source type="image/webp">`; empty
    /// when there is none.
    pub webp_srcset: String,
}

/// A published path as it goes in a URL: a space or `#` in a file's name
/// would end the address.
pub(crate) fn url_path(published: &str) -> String {
    const UNSAFE: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'`')
        // A comma would end a candidate early in a `srcset`.
        .add(b',');
    percent_encoding::utf8_percent_encode(published, UNSAFE).to_string()
}

impl RasterFormat {
    /// The format resized variants fall back to for browsers without
    /// WebP: JPEG for photographs, PNG for the rest (screenshots keep
    /// their text sharp, transparency survives). `None` for GIF, which is
    /// published as it is so an animation keeps moving.
    pub fn fallback(self) -> Option<RasterFormat> {
        match self {
            RasterFormat::Jpeg => Some(RasterFormat::Jpeg),
            RasterFormat::Png | RasterFormat::WebP => Some(RasterFormat::Png),
            RasterFormat::Gif => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            RasterFormat::Jpeg => "jpg",
            RasterFormat::Png => "png",
            RasterFormat::Gif => "gif",
            RasterFormat::WebP => "webp",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            RasterFormat::Jpeg => "image/jpeg",
            RasterFormat::Png => "image/png",
            RasterFormat::Gif => "image/gif",
            RasterFormat::WebP => "image/webp",
        }
    }
}

/// One resized copy of a raster image, in one format.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Variant {
    pub width: u32,
    pub height: u32,
    pub format: RasterFormat,
    /// Published path: beside the original, the width in its name
    /// (`briefings/x/pier-960w.webp`).
    pub published: String,
}

/// The widths an image of `width` pixels is published at: each of the
/// settings' widths below its own, and its own width capped at the
/// widest, so nothing is ever upscaled.
pub fn widths(width: u32, settings: &ImageSettings) -> Vec<u32> {
    let widest = settings.widths.iter().copied().max().unwrap_or(width);
    let mut out: Vec<u32> = settings
        .widths
        .iter()
        .copied()
        .filter(|w| *w < width)
        .collect();
    out.push(width.min(widest));
    out.sort_unstable();
    out.dedup();
    out
}

/// Every variant published for `file`, narrowest first, fallback format
/// before WebP at each width; empty for anything that is not a raster
/// image with a fallback format (GIF, SVG, other files).
pub fn variants(file: &MediaFile, settings: &ImageSettings) -> Vec<Variant> {
    let MediaKind::Raster {
        width,
        height,
        format,
    } = file.kind
    else {
        return Vec::new();
    };
    let Some(fallback) = format.fallback() else {
        return Vec::new();
    };
    let stem = match file.published.rsplit_once('.') {
        Some((stem, _)) if !stem.ends_with('/') => stem,
        _ => file.published.as_str(),
    };
    let mut out = Vec::new();
    for w in widths(width, settings) {
        // Rounded, and at least a pixel: a 4000×3 strip stays visible.
        let h = ((u64::from(height) * u64::from(w) + u64::from(width) / 2) / u64::from(width))
            .max(1) as u32;
        for format in [fallback, RasterFormat::WebP] {
            out.push(Variant {
                width: w,
                height: h,
                format,
                published: format!("{stem}-{w}w.{}", format.extension()),
            });
        }
    }
    out
}

impl Picture {
    /// How a page shows `file`, published below `base_path` (`/`,
    /// `/desk/`); `None` for a file that is not an image a browser can
    /// show (a PDF, an unreadable image).
    pub fn of(file: &MediaFile, settings: &ImageSettings, base_path: &str) -> Option<Picture> {
        let url = |published: &str| format!("{base_path}{}", url_path(published));
        match &file.kind {
            MediaKind::Raster {
                width,
                height,
                format,
            } => {
                let variants = variants(file, settings);
                let Some(widest) = variants
                    .iter()
                    .rev()
                    .find(|v| v.format != RasterFormat::WebP)
                else {
                    // Published as it is (GIF).
                    return Some(Picture {
                        src: url(&file.published),
                        published: Some(file.published.clone()),
                        width: Some(*width),
                        height: Some(*height),
                        mime: Some(format.mime().into()),
                        ..Picture::default()
                    });
                };
                let srcset = |format: RasterFormat| {
                    variants
                        .iter()
                        .filter(|v| v.format == format)
                        .map(|v| format!("{} {}w", url(&v.published), v.width))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let sizes = variants.len() / 2;
                Some(Picture {
                    src: url(&widest.published),
                    published: Some(widest.published.clone()),
                    width: Some(widest.width),
                    height: Some(widest.height),
                    mime: Some(widest.format.mime().into()),
                    srcset: if sizes > 1 {
                        srcset(widest.format)
                    } else {
                        String::new()
                    },
                    webp_srcset: srcset(RasterFormat::WebP),
                })
            }
            MediaKind::Svg { width, height, .. } => Some(Picture {
                src: url(&file.published),
                published: Some(file.published.clone()),
                width: *width,
                height: *height,
                mime: Some("image/svg+xml".into()),
                ..Picture::default()
            }),
            MediaKind::Other { .. } | MediaKind::Unreadable { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raster(published: &str, width: u32, height: u32, format: RasterFormat) -> MediaFile {
        MediaFile {
            source: PathBuf::from("content/briefings/x").join(published),
            published: published.into(),
            bytes: 1,
            hash: 1,
            kind: MediaKind::Raster {
                width,
                height,
                format,
            },
        }
    }

    #[test]
    fn widths_never_upscale_and_stop_at_the_widest() {
        let settings = ImageSettings::default();
        assert_eq!(widths(2000, &settings), [480, 960, 1600]);
        assert_eq!(widths(1200, &settings), [480, 960, 1200]);
        assert_eq!(widths(960, &settings), [480, 960]);
        assert_eq!(widths(300, &settings), [300]);
    }

    #[test]
    fn variants_sit_beside_the_original_with_their_width_in_the_name() {
        let file = raster("briefings/x/pier.jpeg", 1000, 501, RasterFormat::Jpeg);
        let names: Vec<_> = variants(&file, &ImageSettings::default())
            .into_iter()
            .map(|v| (v.published, v.height))
            .collect();
        assert_eq!(
            names,
            [
                ("briefings/x/pier-480w.jpg".to_owned(), 240),
                ("briefings/x/pier-480w.webp".to_owned(), 240),
                ("briefings/x/pier-960w.jpg".to_owned(), 481),
                ("briefings/x/pier-960w.webp".to_owned(), 481),
                ("briefings/x/pier-1000w.jpg".to_owned(), 501),
                ("briefings/x/pier-1000w.webp".to_owned(), 501),
            ]
        );
    }

    #[test]
    fn a_picture_names_the_widest_fallback_and_both_srcsets() {
        let file = raster("img/shot.png", 1000, 500, RasterFormat::Png);
        let picture = Picture::of(&file, &ImageSettings::default(), "/desk/").unwrap();
        assert_eq!(picture.src, "/desk/img/shot-1000w.png");
        assert_eq!(picture.published.as_deref(), Some("img/shot-1000w.png"));
        assert_eq!((picture.width, picture.height), (Some(1000), Some(500)));
        assert_eq!(
            picture.srcset,
            "/desk/img/shot-480w.png 480w, /desk/img/shot-960w.png 960w, /desk/img/shot-1000w.png 1000w"
        );
        assert!(picture
            .webp_srcset
            .starts_with("/desk/img/shot-480w.webp 480w, "));

        let small = raster("img/icon.png", 100, 100, RasterFormat::Png);
        let picture = Picture::of(&small, &ImageSettings::default(), "/").unwrap();
        assert_eq!(picture.srcset, "");
        assert_eq!(picture.webp_srcset, "/img/icon-100w.webp 100w");

        let spaced = raster("img/the post, 2 #1.png", 100, 100, RasterFormat::Png);
        let picture = Picture::of(&spaced, &ImageSettings::default(), "/").unwrap();
        assert_eq!(picture.src, "/img/the%20post%2C%202%20%231-100w.png");
        assert_eq!(
            picture.published.as_deref(),
            Some("img/the post, 2 #1-100w.png")
        );

        let gif = raster("img/clip.gif", 300, 200, RasterFormat::Gif);
        assert_eq!(
            Picture::of(&gif, &ImageSettings::default(), "/")
                .unwrap()
                .src,
            "/img/clip.gif"
        );
    }
}
