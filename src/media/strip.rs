//! Removing metadata from an image without decoding it: EXIF (GPS
//! positions, camera serial numbers, dates), XMP, IPTC, comments and text
//! chunks. A desk's screenshots and photos come from people it may have to
//! protect, so nothing it publishes carries them.
//!
//! Each format is walked block by block and only the blocks a browser needs
//! to draw the image are kept (an allowlist, so a metadata block nobody
//! thought of is dropped too): pixels, palettes, colour profiles,
//! transparency and animation. Anything after the image's end marker
//! (phones append second images and maker data there) is dropped. The
//! pixels are copied as they are, so a stripped file looks exactly like
//! its original.

use super::RasterFormat;

/// `data` without its metadata, or why it could not be read.
pub fn strip(data: &[u8], format: RasterFormat) -> Result<Vec<u8>, String> {
    match format {
        RasterFormat::Jpeg => jpeg(data),
        RasterFormat::Png => png(data),
        RasterFormat::WebP => webp(data),
        RasterFormat::Gif => gif(data),
    }
    .ok_or_else(|| format!("this {} file is damaged or cut short", format.name()))
}

impl RasterFormat {
    fn name(self) -> &'static str {
        match self {
            RasterFormat::Jpeg => "JPEG",
            RasterFormat::Png => "PNG",
            RasterFormat::Gif => "GIF",
            RasterFormat::WebP => "WebP",
        }
    }
}

fn jpeg(data: &[u8]) -> Option<Vec<u8>> {
    if !data.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut out = Vec::with_capacity(data.len());
    out.extend_from_slice(&[0xFF, 0xD8]);
    let mut i = 2;
    loop {
        // Fill bytes before a marker.
        while *data.get(i)? == 0xFF && *data.get(i + 1)? == 0xFF {
            i += 1;
        }
        if *data.get(i)? != 0xFF {
            return None;
        }
        let marker = *data.get(i + 1)?;
        i += 2;
        match marker {
            0xD9 => {
                out.extend_from_slice(&[0xFF, 0xD9]);
                return Some(out);
            }
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => out.extend_from_slice(&[0xFF, marker]),
            _ => {
                let length = usize::from(u16::from_be_bytes([*data.get(i)?, *data.get(i + 1)?]));
                let segment = data.get(i..i + length)?;
                if length < 2 {
                    return None;
                }
                let body = &segment[2..];
                let keep = match marker {
                    0xE0 => body.starts_with(b"JFIF\0"),
                    0xE2 => body.starts_with(b"ICC_PROFILE\0"),
                    // Adobe's marker says how the colours are stored.
                    0xEE => body.starts_with(b"Adobe"),
                    0xE1..=0xEF | 0xFE => false,
                    _ => true,
                };
                if keep {
                    out.extend_from_slice(&[0xFF, marker]);
                    out.extend_from_slice(segment);
                }
                i += length;
                if marker == 0xDA {
                    // Entropy-coded data runs to the next marker that is
                    // not a stuffed zero or a restart.
                    let start = i;
                    loop {
                        if *data.get(i)? == 0xFF {
                            let next = *data.get(i + 1)?;
                            if next != 0x00 && !(0xD0..=0xD7).contains(&next) && next != 0xFF {
                                break;
                            }
                        }
                        i += 1;
                    }
                    out.extend_from_slice(&data[start..i]);
                }
            }
        }
    }
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The chunks a browser uses to draw a PNG (and an animated one).
const PNG_KEEP: &[&[u8; 4]] = &[
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT",
    b"cICP", b"mDCV", b"cLLI", b"pHYs", b"bKGD", b"acTL", b"fcTL", b"fdAT",
];

fn png(data: &[u8]) -> Option<Vec<u8>> {
    if !data.starts_with(PNG_SIGNATURE) {
        return None;
    }
    let mut out = Vec::with_capacity(data.len());
    out.extend_from_slice(PNG_SIGNATURE);
    let mut i = PNG_SIGNATURE.len();
    loop {
        let length = u32::from_be_bytes(data.get(i..i + 4)?.try_into().ok()?) as usize;
        let kind: &[u8; 4] = data.get(i + 4..i + 8)?.try_into().ok()?;
        let end = i.checked_add(12)?.checked_add(length)?;
        let chunk = data.get(i..end)?;
        if PNG_KEEP.contains(&kind) {
            out.extend_from_slice(chunk);
        }
        i = end;
        if kind == b"IEND" {
            return Some(out);
        }
    }
}

/// The chunks a browser uses to draw a WebP (and an animated one).
const WEBP_KEEP: &[&[u8; 4]] = &[
    b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP",
];

fn webp(data: &[u8]) -> Option<Vec<u8>> {
    if data.get(0..4)? != b"RIFF" || data.get(8..12)? != b"WEBP" {
        return None;
    }
    let declared = u32::from_le_bytes(data.get(4..8)?.try_into().ok()?) as usize;
    let end = declared.checked_add(8)?.min(data.len());
    let mut out = Vec::with_capacity(data.len());
    out.extend_from_slice(b"RIFF\0\0\0\0WEBP");
    let mut i = 12;
    while i + 8 <= end {
        let kind: &[u8; 4] = data.get(i..i + 4)?.try_into().ok()?;
        let size = u32::from_le_bytes(data.get(i + 4..i + 8)?.try_into().ok()?) as usize;
        let padded = size.checked_add(size & 1)?;
        let chunk = data.get(i..i.checked_add(8)?.checked_add(padded)?.min(end))?;
        if WEBP_KEEP.contains(&kind) {
            let at = out.len();
            out.extend_from_slice(chunk);
            if kind == b"VP8X" {
                // The flags no longer promise EXIF (bit 3) or XMP (bit 2).
                *out.get_mut(at + 8)? &= !(0x08 | 0x04);
            }
        }
        i += 8 + padded;
    }
    let riff_size = u32::try_from(out.len() - 8).ok()?;
    out[4..8].copy_from_slice(&riff_size.to_le_bytes());
    Some(out)
}

fn gif(data: &[u8]) -> Option<Vec<u8>> {
    if !(data.starts_with(b"GIF87a") || data.starts_with(b"GIF89a")) {
        return None;
    }
    let mut out = Vec::with_capacity(data.len());
    // Header and logical screen descriptor, then the global colour table.
    let flags = *data.get(10)?;
    let mut i = 13 + colour_table(flags);
    out.extend_from_slice(data.get(..i)?);
    loop {
        match *data.get(i)? {
            0x3B => {
                out.push(0x3B);
                return Some(out);
            }
            0x2C => {
                let flags = *data.get(i + 9)?;
                let header = 10 + colour_table(flags) + 1; // + LZW code size
                let end = sub_blocks(data, i + header)?;
                out.extend_from_slice(data.get(i..end)?);
                i = end;
            }
            0x21 => {
                let label = *data.get(i + 1)?;
                let end = sub_blocks(data, i + 2)?;
                let block = data.get(i..end)?;
                let keep = match label {
                    0xF9 | 0x01 => true, // frame timing, plain text
                    // Only the loop count of an animation.
                    0xFF => {
                        block.get(3..14) == Some(b"NETSCAPE2.0")
                            || block.get(3..14) == Some(b"ANIMEXTS1.0")
                    }
                    _ => false, // comments and the rest
                };
                if keep {
                    out.extend_from_slice(block);
                }
                i = end;
            }
            _ => return None,
        }
    }
}

fn colour_table(flags: u8) -> usize {
    if flags & 0x80 != 0 {
        3 << ((flags & 0x07) + 1)
    } else {
        0
    }
}

/// The end of the sub-blocks starting at `i` (after their terminator).
fn sub_blocks(data: &[u8], mut i: usize) -> Option<usize> {
    loop {
        let size = usize::from(*data.get(i)?);
        i += 1 + size;
        if size == 0 {
            return Some(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageFormat, RgbImage, RgbaImage};
    use img_parts::{jpeg::Jpeg, png::Png, Bytes, ImageEXIF};
    use std::io::Cursor;

    const SECRET: &[u8] = b"SERIAL-12345 GPS 51.5N";

    fn encoded(format: ImageFormat) -> Vec<u8> {
        let image = RgbaImage::from_fn(40, 30, |x, y| {
            image::Rgba([x as u8 * 6, y as u8 * 8, 90, 255])
        });
        let mut out = Cursor::new(Vec::new());
        if format == ImageFormat::Jpeg {
            image::DynamicImage::ImageRgba8(image)
                .to_rgb8()
                .write_to(&mut out, format)
                .unwrap();
        } else {
            image.write_to(&mut out, format).unwrap();
        }
        out.into_inner()
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    fn pixels(data: &[u8]) -> Vec<u8> {
        image::load_from_memory(data).unwrap().to_rgba8().into_raw()
    }

    #[test]
    fn a_jpeg_loses_exif_comments_and_trailing_data_and_keeps_its_pixels() {
        let plain = encoded(ImageFormat::Jpeg);
        let mut jpeg = Jpeg::from_bytes(Bytes::from(plain.clone())).unwrap();
        jpeg.set_exif(Some(Bytes::from(SECRET.to_vec())));
        let mut comment = vec![0xFF, 0xFE, 0, (SECRET.len() + 2) as u8];
        comment.extend_from_slice(SECRET);
        let mut data = Vec::new();
        jpeg.encoder().write_to(&mut data).unwrap();
        // A comment after the frame header and a second image after the end.
        let sos = data.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
        data.splice(sos..sos, comment);
        data.extend_from_slice(SECRET);
        assert!(contains(&data, SECRET));

        let stripped = strip(&data, RasterFormat::Jpeg).unwrap();
        assert!(!contains(&stripped, SECRET));
        assert!(!contains(&stripped, b"Exif"));
        assert_eq!(pixels(&stripped), pixels(&plain));
    }

    #[test]
    fn a_png_loses_its_text_and_exif_chunks() {
        let plain = encoded(ImageFormat::Png);
        let mut png = Png::from_bytes(Bytes::from(plain.clone())).unwrap();
        png.set_exif(Some(Bytes::from(SECRET.to_vec())));
        let mut text = b"Comment\0".to_vec();
        text.extend_from_slice(SECRET);
        let chunk = img_parts::png::PngChunk::new(*b"tEXt", Bytes::from(text));
        png.chunks_mut().insert(1, chunk);
        let mut data = Vec::new();
        png.encoder().write_to(&mut data).unwrap();
        assert!(contains(&data, SECRET));

        let stripped = strip(&data, RasterFormat::Png).unwrap();
        assert!(!contains(&stripped, SECRET));
        assert!(!contains(&stripped, b"tEXt") && !contains(&stripped, b"eXIf"));
        assert_eq!(pixels(&stripped), pixels(&plain));
    }

    #[test]
    fn a_webp_loses_exif_and_xmp_and_its_flags_say_so() {
        let rgb = RgbImage::from_fn(40, 30, |x, y| image::Rgb([x as u8 * 6, y as u8 * 8, 90]));
        let vp8 = webp::Encoder::from_rgb(rgb.as_raw(), 40, 30)
            .encode(80.0)
            .to_vec();
        let chunk = |id: &[u8; 4], body: &[u8]| {
            let mut c = id.to_vec();
            c.extend_from_slice(&(body.len() as u32).to_le_bytes());
            c.extend_from_slice(body);
            if body.len() % 2 == 1 {
                c.push(0);
            }
            c
        };
        let mut vp8x = vec![0x08 | 0x04, 0, 0, 0];
        vp8x.extend_from_slice(&39u32.to_le_bytes()[..3]);
        vp8x.extend_from_slice(&29u32.to_le_bytes()[..3]);
        let mut body = b"WEBP".to_vec();
        body.extend(chunk(b"VP8X", &vp8x));
        body.extend_from_slice(&vp8[12..]);
        body.extend(chunk(b"EXIF", SECRET));
        body.extend(chunk(b"XMP ", SECRET));
        let mut data = b"RIFF".to_vec();
        data.extend_from_slice(&(body.len() as u32).to_le_bytes());
        data.extend(body);
        assert_eq!(pixels(&data).len(), 40 * 30 * 4);

        let stripped = strip(&data, RasterFormat::WebP).unwrap();
        assert!(!contains(&stripped, SECRET));
        assert_eq!(stripped[20] & 0x0C, 0);
        assert_eq!(
            u32::from_le_bytes(stripped[4..8].try_into().unwrap()) as usize,
            stripped.len() - 8
        );
        assert_eq!(pixels(&stripped), pixels(&data));
    }

    #[test]
    fn a_gif_loses_its_comments_and_keeps_its_frames() {
        let plain = encoded(ImageFormat::Gif);
        // A comment extension right after the global colour table.
        let flags = plain[10];
        let at = 13 + colour_table(flags);
        let mut comment = vec![0x21, 0xFE, SECRET.len() as u8];
        comment.extend_from_slice(SECRET);
        comment.push(0);
        let mut data = plain.clone();
        data.splice(at..at, comment);
        assert!(contains(&data, SECRET));

        let stripped = strip(&data, RasterFormat::Gif).unwrap();
        assert!(!contains(&stripped, SECRET));
        assert_eq!(pixels(&stripped), pixels(&plain));
    }

    #[test]
    fn damaged_files_are_refused_not_passed_through() {
        let jpeg = encoded(ImageFormat::Jpeg);
        assert!(strip(&jpeg[..jpeg.len() / 2], RasterFormat::Jpeg).is_err());
        assert!(strip(b"not an image", RasterFormat::Png).is_err());
        let png = encoded(ImageFormat::Png);
        assert!(strip(&png[..png.len() - 20], RasterFormat::Png).is_err());
        assert!(strip(b"GIF89a", RasterFormat::Gif).is_err());
    }
}
