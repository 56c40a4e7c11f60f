//! Probing: what each bundle and static file is, read once when the site is
//! loaded and again only for the files that changed.
//!
//! Images are read in full (their hash keys the encoded variants, and their
//! header gives their size); any other file is only looked at (size and
//! modification time), so a site with large downloads in `static/` does not
//! read them on every build.

use std::collections::{HashMap, HashSet};
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use image::metadata::Orientation;
use image::{ImageDecoder, ImageFormat, ImageReader};
use rayon::prelude::*;

use super::{svg, Catalog, MediaFile, MediaKind, RasterFormat};
use crate::load::SiteFiles;

/// What a file looked like on disk when it was probed: a file whose stamp
/// is unchanged need not be probed again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    bytes: u64,
    modified: Option<SystemTime>,
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        Some(Stamp {
            bytes: meta.len(),
            modified: meta.modified().ok(),
        })
    }
}

/// The catalog and the stamps of its files, kept between builds.
#[derive(Clone, Debug, Default)]
pub struct Probed {
    pub catalog: Arc<Catalog>,
    stamps: HashMap<PathBuf, Stamp>,
}

/// One file to probe: path relative to the site root, absolute path, and
/// where it is published.
struct Candidate<'f> {
    source: PathBuf,
    abs: &'f Path,
    published: String,
}

impl Probed {
    /// The catalog of `files`. A file kept from `self` is reused unless it
    /// changed: when `changed` (absolute paths) is given, only files in it
    /// (or under a folder in it) are probed again; without it, those whose
    /// size or modification time differs.
    pub fn update(&self, files: &SiteFiles, changed: Option<&HashSet<PathBuf>>) -> Probed {
        let mut candidates: Vec<Candidate> = files
            .media
            .iter()
            .map(|f| Candidate {
                source: f.path.clone(),
                abs: &f.abs,
                published: f.published.clone(),
            })
            .collect();
        candidates.extend(files.static_files.iter().map(|(rel, abs)| Candidate {
            source: Path::new("static").join(rel),
            abs,
            published: rel.to_string_lossy().replace('\\', "/"),
        }));
        if candidates.is_empty() {
            return Probed::default();
        }
        let previous: HashMap<&Path, &Arc<MediaFile>> = self
            .catalog
            .files
            .values()
            .map(|f| (f.source.as_path(), f))
            .collect();
        let is_changed = |abs: &Path| match changed {
            Some(changed) => abs.ancestors().any(|p| changed.contains(p)),
            None => self.stamps.get(abs) != Stamp::of(abs).as_ref(),
        };
        let probed: Vec<(Arc<MediaFile>, Option<Stamp>, &Path)> = candidates
            .into_par_iter()
            .map(|c| {
                let kept = previous
                    .get(c.source.as_path())
                    .filter(|f| f.published == c.published && !is_changed(c.abs));
                match kept {
                    Some(file) => (Arc::clone(file), self.stamps.get(c.abs).copied(), c.abs),
                    None => {
                        let stamp = Stamp::of(c.abs);
                        let file = probe(c.source, c.abs, c.published);
                        (Arc::new(file), stamp, c.abs)
                    }
                }
            })
            .collect();
        let mut catalog = Catalog::default();
        let mut stamps = HashMap::with_capacity(probed.len());
        for (file, stamp, abs) in probed {
            if let Some(stamp) = stamp {
                stamps.insert(abs.to_path_buf(), stamp);
            }
            // A static file at a bundle file's address is a clash the
            // build reports; the bundle file, listed first, stays.
            catalog.files.entry(file.published.clone()).or_insert(file);
        }
        Probed {
            catalog: Arc::new(catalog),
            stamps,
        }
    }
}

/// The kind of file an extension names, before its bytes are looked at.
enum Expected {
    Raster,
    Foreign,
    Svg,
    Other,
}

fn expected(path: &Path) -> Expected {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "jpg" | "jpeg" | "png" | "gif" | "webp" => Expected::Raster,
        // Images brief cannot read: refused rather than copied with their
        // metadata (a phone's HEIC photo carries its GPS position).
        "heic" | "heif" | "avif" | "tif" | "tiff" | "bmp" | "jxl" | "dng" | "psd" => {
            Expected::Foreign
        }
        "svg" => Expected::Svg,
        _ => Expected::Other,
    }
}

/// Probes one file: `source` relative to the site root, `abs` on disk.
pub fn probe(source: PathBuf, abs: &Path, published: String) -> MediaFile {
    let (bytes, hash, kind) = match expected(abs) {
        Expected::Other => {
            let stamp = Stamp::of(abs);
            let bytes = stamp.map_or(0, |s| s.bytes);
            let kind = MediaKind::Other {
                mime: mime_guess::from_path(abs)
                    .first_or_octet_stream()
                    .essence_str()
                    .to_owned(),
            };
            (
                bytes,
                crate::fingerprint::of(&(bytes, stamp.map(|s| s.modified))),
                kind,
            )
        }
        expected => match std::fs::read(abs) {
            Err(err) => (
                0,
                0,
                MediaKind::Unreadable {
                    reason: format!("cannot read this file: {err}"),
                },
            ),
            Ok(data) => {
                let bytes = data.len() as u64;
                let hash = crate::fingerprint::of(&data[..]);
                let kind = match expected {
                    Expected::Svg => svg_kind(&data),
                    Expected::Foreign => MediaKind::Unreadable {
                        reason: format!(
                            "this is a .{} image, which brief cannot publish: browsers do not all show it, and brief cannot remove its metadata",
                            abs.extension().map_or_else(String::new, |e| e.to_string_lossy().to_ascii_lowercase())
                        ),
                    },
                    _ => raster_kind(&data),
                };
                (bytes, hash, kind)
            }
        },
    };
    MediaFile {
        source,
        published,
        bytes,
        hash,
        kind,
    }
}

fn svg_kind(data: &[u8]) -> MediaKind {
    let Ok(text) = std::str::from_utf8(data) else {
        return MediaKind::Unreadable {
            reason: "this SVG is not UTF-8 text".into(),
        };
    };
    match svg::inspect(text.trim_start_matches('\u{feff}')) {
        Ok(info) => MediaKind::Svg {
            width: info.width,
            height: info.height,
            scripted: info.script.is_some(),
        },
        Err(reason) => MediaKind::Unreadable { reason },
    }
}

/// A raster image's format and displayed size, from its header alone.
fn raster_kind(data: &[u8]) -> MediaKind {
    match raster_header(data) {
        Ok((width, height, format)) => MediaKind::Raster {
            width,
            height,
            format,
        },
        Err(reason) => MediaKind::Unreadable { reason },
    }
}

fn raster_header(data: &[u8]) -> Result<(u32, u32, RasterFormat), String> {
    let reader = ImageReader::new(Cursor::new(data))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let format = match reader.format() {
        Some(ImageFormat::Jpeg) => RasterFormat::Jpeg,
        Some(ImageFormat::Png) => RasterFormat::Png,
        Some(ImageFormat::Gif) => RasterFormat::Gif,
        Some(ImageFormat::WebP) => RasterFormat::WebP,
        Some(other) => {
            return Err(format!(
                "this is a {other:?} image, which browsers do not all show; save it as JPEG, PNG or WebP"
            ))
        }
        None => return Err("this is not a JPEG, PNG, GIF or WebP image".into()),
    };
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| format!("this image cannot be read: {e}"))?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err("this image has no pixels".into());
    }
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    Ok(if turns_sideways(orientation) {
        (height, width, format)
    } else {
        (width, height, format)
    })
}

/// Whether an EXIF orientation swaps width and height.
pub fn turns_sideways(orientation: Orientation) -> bool {
    matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load;
    use image::{ImageFormat, RgbImage};
    use img_parts::{jpeg::Jpeg, Bytes, ImageEXIF};

    pub(crate) fn encoded(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
        let image = RgbImage::from_fn(width, height, |x, y| image::Rgb([x as u8, y as u8, 90]));
        let mut out = Cursor::new(Vec::new());
        image.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    /// A JPEG whose EXIF says to turn it a quarter clockwise.
    fn turned_jpeg(width: u32, height: u32) -> Vec<u8> {
        let mut jpeg = Jpeg::from_bytes(encoded(width, height, ImageFormat::Jpeg).into()).unwrap();
        let tiff: &[u8] = &[
            b'M', b'M', 0, 42, 0, 0, 0, 8, // header, first IFD at 8
            0, 1, // one entry
            0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, // Orientation = 6
            0, 0, 0, 0, // no next IFD
        ];
        jpeg.set_exif(Some(Bytes::copy_from_slice(tiff)));
        let mut out = Vec::new();
        jpeg.encoder().write_to(&mut out).unwrap();
        out
    }

    fn site(files: &[(&str, Vec<u8>)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (rel, bytes) in files {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
        dir
    }

    fn kind<'c>(catalog: &'c Catalog, published: &str) -> &'c MediaKind {
        &catalog
            .get(published)
            .unwrap_or_else(|| panic!("{published} not in catalog"))
            .kind
    }

    #[test]
    fn bundle_and_static_files_are_probed_for_kind_and_size() {
        let dir = site(&[
            ("content/briefings/pier/index.md", b"---\n---\n".to_vec()),
            (
                "content/briefings/pier/photo.jpg",
                encoded(64, 48, ImageFormat::Jpeg),
            ),
            ("content/briefings/pier/turned.jpg", turned_jpeg(64, 48)),
            (
                "content/briefings/pier/shot.png",
                encoded(30, 20, ImageFormat::Png),
            ),
            (
                "content/briefings/pier/broken.jpg",
                b"not a jpeg at all".to_vec(),
            ),
            ("content/briefings/pier/report.pdf", b"%PDF-1.4".to_vec()),
            (
                "content/briefings/pier/chart.svg",
                b"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 300 150\"/>".to_vec(),
            ),
            (
                "content/briefings/pier/evil.svg",
                b"<svg><script>alert(1)</script></svg>".to_vec(),
            ),
            ("static/img/logo.gif", encoded(10, 12, ImageFormat::Gif)),
            ("static/robots.txt", b"User-agent: *".to_vec()),
            (
                "content/briefings/pier/phone.HEIC",
                b"\0\0\0\x18ftypheic".to_vec(),
            ),
        ]);
        let (files, _) = load::load(dir.path());
        let probed = Probed::default().update(&files, None);
        let catalog = &probed.catalog;
        assert_eq!(
            kind(catalog, "briefings/pier/photo.jpg"),
            &MediaKind::Raster {
                width: 64,
                height: 48,
                format: RasterFormat::Jpeg
            }
        );
        // Displayed size: EXIF orientation 6 stands the photo up.
        assert_eq!(
            kind(catalog, "briefings/pier/turned.jpg"),
            &MediaKind::Raster {
                width: 48,
                height: 64,
                format: RasterFormat::Jpeg
            }
        );
        assert_eq!(
            kind(catalog, "briefings/pier/shot.png"),
            &MediaKind::Raster {
                width: 30,
                height: 20,
                format: RasterFormat::Png
            }
        );
        assert!(matches!(
            kind(catalog, "briefings/pier/broken.jpg"),
            MediaKind::Unreadable { .. }
        ));
        assert_eq!(
            kind(catalog, "briefings/pier/report.pdf"),
            &MediaKind::Other {
                mime: "application/pdf".into()
            }
        );
        assert_eq!(
            kind(catalog, "briefings/pier/chart.svg"),
            &MediaKind::Svg {
                width: Some(300),
                height: Some(150),
                scripted: false
            }
        );
        assert!(matches!(
            kind(catalog, "briefings/pier/evil.svg"),
            MediaKind::Svg { scripted: true, .. }
        ));
        assert_eq!(
            kind(catalog, "img/logo.gif"),
            &MediaKind::Raster {
                width: 10,
                height: 12,
                format: RasterFormat::Gif
            }
        );
        let robots = catalog.get("robots.txt").unwrap();
        assert_eq!(robots.source, Path::new("static/robots.txt"));
        assert_eq!(robots.bytes, 13);
        let photo = catalog.get("briefings/pier/photo.jpg").unwrap();
        assert_eq!(photo.source, Path::new("content/briefings/pier/photo.jpg"));
        assert_eq!(
            catalog.under("briefings/pier/").count(),
            8,
            "every bundle file, and nothing else, is under its folder"
        );
    }

    #[test]
    fn only_changed_files_are_probed_again() {
        let dir = site(&[
            ("content/briefings/pier/index.md", b"---\n---\n".to_vec()),
            (
                "content/briefings/pier/a.png",
                encoded(30, 20, ImageFormat::Png),
            ),
            (
                "content/briefings/pier/b.png",
                encoded(40, 20, ImageFormat::Png),
            ),
        ]);
        let (files, _) = load::load(dir.path());
        let first = Probed::default().update(&files, None);
        let a = dir.path().join("content/briefings/pier/a.png");
        std::fs::write(&a, encoded(50, 25, ImageFormat::Png)).unwrap();

        let second = first.update(&files, Some(&HashSet::from([a.clone()])));
        let get = |p: &Probed, name: &str| Arc::clone(p.catalog.get(name).unwrap());
        assert!(Arc::ptr_eq(
            &get(&first, "briefings/pier/b.png"),
            &get(&second, "briefings/pier/b.png")
        ));
        assert_eq!(
            get(&second, "briefings/pier/a.png").kind,
            MediaKind::Raster {
                width: 50,
                height: 25,
                format: RasterFormat::Png
            }
        );
        assert_ne!(
            get(&first, "briefings/pier/a.png").hash,
            get(&second, "briefings/pier/a.png").hash
        );

        // Without a list of changes, a file whose size changed is probed again.
        std::fs::write(&a, encoded(60, 25, ImageFormat::Png)).unwrap();
        let third = second.update(&files, None);
        assert!(Arc::ptr_eq(
            &get(&second, "briefings/pier/b.png"),
            &get(&third, "briefings/pier/b.png")
        ));
        assert!(matches!(
            get(&third, "briefings/pier/a.png").kind,
            MediaKind::Raster { width: 60, .. }
        ));
    }

    #[test]
    fn a_site_without_media_has_an_empty_catalog() {
        let dir = site(&[("content/briefings/x.md", b"---\n---\n".to_vec())]);
        let (files, _) = load::load(dir.path());
        assert!(Probed::default()
            .update(&files, None)
            .catalog
            .files
            .is_empty());
    }
}
