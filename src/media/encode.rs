//! Making the output files of one media file: reading it, and for resized
//! variants decoding it once, turning it upright, resizing (Lanczos3) and
//! encoding each width, unless the cache already holds the result.
//!
//! Encoding choices: JPEG sources give JPEG and lossy WebP at the site's
//! quality; PNG sources (screenshots, charts) give PNG and lossless WebP,
//! which keeps text sharp and is still smaller than PNG; WebP sources
//! follow how they were encoded themselves. Every encoding starts from
//! decoded pixels, so no metadata survives it.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use fast_image_resize as fir;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageReader};

use super::publish::{Job, Recipe};
use super::{strip, MediaFile, RasterFormat};
use crate::diagnostic::{Diagnostic, Position};

/// The files one job made, and how many images it encoded or took from
/// the cache.
#[derive(Debug, Default)]
pub struct Made {
    pub files: Vec<(PathBuf, Vec<u8>)>,
    pub encoded: usize,
    pub reused: usize,
}

/// Encoded images kept between builds under `.brief-cache/images/`, by
/// the hash of the source's bytes, the width, the quality and the format.
pub struct ImageCache {
    dir: PathBuf,
    /// The first failure to write, reported once as a warning.
    failed: Mutex<Option<String>>,
}

/// Where the cache lives, under the site root.
pub const DIR: &str = "images";

impl ImageCache {
    pub fn new(root: &Path) -> ImageCache {
        ImageCache {
            dir: root.join(crate::links::cache::DIR).join(DIR),
            failed: Mutex::new(None),
        }
    }

    /// `<hash>-<width>w-q<quality>.<ext>`; without the quality for a
    /// lossless encoding, which it does not change.
    fn name(file: &MediaFile, what: &str, quality: Option<u8>, format: RasterFormat) -> String {
        let quality = quality.map_or_else(String::new, |q| format!("-q{q}"));
        format!("{:016x}-{what}{quality}.{}", file.hash, format.extension())
    }

    fn get(&self, name: &str) -> Option<Vec<u8>> {
        std::fs::read(self.dir.join(name)).ok()
    }

    /// Keeps `bytes` for the next build: written beside and renamed into
    /// place, so a build killed meanwhile leaves no half file.
    fn put(&self, name: &str, bytes: &[u8]) {
        let result = (|| -> std::io::Result<()> {
            std::fs::create_dir_all(&self.dir)?;
            let ignore = self.dir.parent().map(|p| p.join(".gitignore"));
            if let Some(ignore) = ignore.filter(|p| !p.exists()) {
                // Best effort: the cache works without it.
                let _ = std::fs::write(ignore, "# Written by brief; safe to delete.\n*\n");
            }
            let temporary = self.dir.join(format!(".{name}.{}.tmp", std::process::id()));
            std::fs::write(&temporary, bytes)?;
            std::fs::rename(&temporary, self.dir.join(name))
        })();
        if let Err(err) = result {
            let mut failed = self.failed.lock().unwrap_or_else(|e| e.into_inner());
            failed.get_or_insert_with(|| err.to_string());
        }
    }

    /// A warning when the cache could not be written: the build is fine,
    /// the next one encodes again.
    pub fn warning(&self) -> Option<Diagnostic> {
        let failed = self.failed.lock().unwrap_or_else(|e| e.into_inner());
        let shown = Path::new(crate::links::cache::DIR).join(DIR);
        failed.as_ref().map(|err| {
            Diagnostic::warning(
                &shown,
                Position::start(),
                format!("cannot keep encoded images in {} ({err}); the next build encodes them again", shown.display()),
            )
            .with_hint("check that the site folder is writable, or delete the folder for brief to make it again")
        })
    }
}

/// Makes the outputs of `job` (all of them, or those a rebuild needs).
/// An error is located at the source file.
pub fn make(root: &Path, job: &Job, quality: u8, cache: &ImageCache) -> Result<Made, Diagnostic> {
    let file = &job.file;
    let fail = |message: String, hint: &str| {
        Diagnostic::error(&file.source, Position::start(), message).with_hint(hint)
    };
    let data = std::fs::read(root.join(&file.source)).map_err(|e| {
        fail(
            format!("cannot read this file: {e}"),
            "check that the file exists and is readable",
        )
    })?;
    let mut made = Made::default();
    // Decoded at most once, and only when something must be encoded.
    let mut pixels: Option<DynamicImage> = None;
    let unreadable = |e: String| {
        fail(
            format!("this image cannot be read: {e}"),
            "re-save it as JPEG, PNG or WebP; it may be damaged or cut short",
        )
    };
    for output in &job.outputs {
        let bytes = match output.recipe {
            Recipe::Copy => data.clone(),
            Recipe::Original(format) => {
                if orientation(&data) == Orientation::NoTransforms {
                    strip::strip(&data, format).map_err(|e| {
                        fail(
                            format!("cannot remove this image's metadata: {e}"),
                            "re-save the image as JPEG, PNG or WebP",
                        )
                    })?
                } else {
                    let lossless = is_lossless(format, file, &data);
                    let lossy_quality = (!lossless).then_some(quality);
                    let name = ImageCache::name(file, "upright", lossy_quality, format);
                    cached_or(cache, &name, &mut made, || {
                        let image = decoded(&mut pixels, &data).map_err(unreadable)?;
                        encode(image, format, lossless, quality)
                            .map_err(|e| fail(e, "save the image in another format"))
                    })?
                }
            }
            Recipe::Variant {
                width,
                height,
                format,
            } => {
                let lossless = is_lossless(format, file, &data);
                let lossy_quality = (!lossless).then_some(quality);
                let name = ImageCache::name(file, &format!("{width}w"), lossy_quality, format);
                cached_or(cache, &name, &mut made, || {
                    let image = decoded(&mut pixels, &data).map_err(unreadable)?;
                    let resized = resize(image, width, height)
                        .map_err(|e| fail(e, "re-save the image as JPEG or PNG"))?;
                    encode(&resized, format, lossless, quality).map_err(|e| {
                        fail(
                            e,
                            "crop or split the image: WebP images are at most 16383 pixels on a side",
                        )
                    })
                })?
            }
        };
        made.files.push((output.path.clone(), bytes));
    }
    Ok(made)
}

/// The cached file `name`, or the one `make` encodes (and caches).
fn cached_or(
    cache: &ImageCache,
    name: &str,
    made: &mut Made,
    make: impl FnOnce() -> Result<Vec<u8>, Diagnostic>,
) -> Result<Vec<u8>, Diagnostic> {
    if let Some(bytes) = cache.get(name) {
        made.reused += 1;
        return Ok(bytes);
    }
    let bytes = make()?;
    cache.put(name, &bytes);
    made.encoded += 1;
    Ok(bytes)
}

/// Whether an output in `format` made from `file` is lossless: PNG always,
/// WebP as [`lossless_webp`] says, JPEG never.
fn is_lossless(format: RasterFormat, file: &MediaFile, data: &[u8]) -> bool {
    match format {
        RasterFormat::Png | RasterFormat::Gif => true,
        RasterFormat::WebP => lossless_webp(file, data),
        RasterFormat::Jpeg => false,
    }
}

/// Whether WebP variants of this file are lossless: for PNG and GIF
/// sources, and WebP sources that were lossless themselves.
fn lossless_webp(file: &MediaFile, data: &[u8]) -> bool {
    match file.kind {
        super::MediaKind::Raster { format, .. } => match format {
            RasterFormat::Jpeg => false,
            RasterFormat::Png | RasterFormat::Gif => true,
            RasterFormat::WebP => {
                data.get(12..16) == Some(b"VP8L") || {
                    // An extended WebP: lossless when its image chunk is.
                    data.windows(4).take(4096).any(|w| w == b"VP8L")
                }
            }
        },
        _ => false,
    }
}

fn orientation(data: &[u8]) -> Orientation {
    ImageReader::new(Cursor::new(data))
        .with_guessed_format()
        .ok()
        .and_then(|r| r.into_decoder().ok())
        .and_then(|mut d| d.orientation().ok())
        .unwrap_or(Orientation::NoTransforms)
}

/// The pixels of `data`, decoded into `slot` the first time.
fn decoded<'s>(
    slot: &'s mut Option<DynamicImage>,
    data: &[u8],
) -> Result<&'s DynamicImage, String> {
    if slot.is_none() {
        *slot = Some(decode(data)?);
    }
    slot.as_ref().ok_or_else(String::new)
}

/// The pixels of `data`, turned upright.
fn decode(data: &[u8]) -> Result<DynamicImage, String> {
    let reader = ImageReader::new(Cursor::new(data))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let mut decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    image.apply_orientation(orientation);
    // Eight bits a channel is what browsers show and the encoders take.
    Ok(if image.color().has_alpha() {
        DynamicImage::ImageRgba8(image.into_rgba8())
    } else {
        DynamicImage::ImageRgb8(image.into_rgb8())
    })
}

/// `image` resized to `width` × `height` with Lanczos3; the image itself
/// when it already has that size.
fn resize(
    image: &DynamicImage,
    width: u32,
    height: u32,
) -> Result<std::borrow::Cow<'_, DynamicImage>, String> {
    if image.width() == width && image.height() == height {
        return Ok(std::borrow::Cow::Borrowed(image));
    }
    let mut target = match image {
        DynamicImage::ImageRgba8(_) => DynamicImage::new_rgba8(width, height),
        _ => DynamicImage::new_rgb8(width, height),
    };
    let options = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3));
    fir::Resizer::new()
        .resize(image, &mut target, &options)
        .map_err(|e| format!("this image cannot be resized: {e}"))?;
    Ok(std::borrow::Cow::Owned(target))
}

fn encode(
    image: &DynamicImage,
    format: RasterFormat,
    lossless: bool,
    quality: u8,
) -> Result<Vec<u8>, String> {
    let (width, height) = (image.width(), image.height());
    let mut out = Vec::new();
    match format {
        RasterFormat::Jpeg => {
            let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
            image
                .to_rgb8()
                .write_with_encoder(encoder)
                .map_err(|e| format!("cannot encode this image as JPEG: {e}"))?;
        }
        RasterFormat::Png | RasterFormat::Gif => {
            let encoder = image::codecs::png::PngEncoder::new(&mut out);
            image
                .write_with_encoder(encoder)
                .map_err(|e| format!("cannot encode this image as PNG: {e}"))?;
        }
        RasterFormat::WebP => {
            let encoder = match image {
                DynamicImage::ImageRgba8(pixels) => {
                    webp::Encoder::from_rgba(pixels.as_raw(), width, height)
                }
                DynamicImage::ImageRgb8(pixels) => {
                    webp::Encoder::from_rgb(pixels.as_raw(), width, height)
                }
                _ => return Err("unexpected pixel layout".into()),
            };
            let memory = encoder
                .encode_simple(lossless, f32::from(quality))
                .map_err(|e| {
                    format!("cannot encode this image as WebP ({width}×{height}): {e:?}")
                })?;
            out = memory.to_vec();
        }
    }
    Ok(out)
}
