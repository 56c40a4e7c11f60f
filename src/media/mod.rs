//! The site's images and other files that are not pages: the files of page
//! bundles and the files under `static/`. What each one is (its kind, its
//! size in pixels and bytes) is read once when it is loaded, so the
//! Markdown renderer can write an image's width, height and `srcset`
//! before any image is encoded; the encoding itself, cached by content
//! hash, happens when the output is written.

// The types come first; the stages that use them follow.
#![allow(dead_code)]

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
