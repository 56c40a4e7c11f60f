//! Page bundles and the files published beside pages: images come out
//! resized and stripped of their metadata, other files as they are, and a
//! build or a save encodes only what changed.

mod common;

use std::collections::HashSet;
use std::fs;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use brief::config::Options;
use brief::session::{Session, Written};
use common::Site;
use image::{ImageFormat, RgbImage};
use img_parts::{jpeg::Jpeg, png::Png, png::PngChunk, Bytes, ImageEXIF};

/// Strings a photo's metadata carries that must never be published.
const SERIAL: &str = "SERIAL-12345";
const GPS_NOTE: &str = "GPS-51.5074N";
const PNG_NOTE: &str = "Author: a source to protect";

fn bundle_briefing() -> &'static str {
    common::MINIMAL_BRIEFING
}

/// Pixels that vary, so an encoder has something to do.
fn pixels(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            (x * 7 % 256) as u8,
            (y * 5 % 256) as u8,
            ((x + y) % 256) as u8,
        ])
    })
}

fn encode(image: &RgbImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// A big-endian TIFF (the body of an EXIF segment) with an orientation,
/// a camera serial number and a GPS position.
fn exif(orientation: u16) -> Vec<u8> {
    let mut serial = SERIAL.as_bytes().to_vec();
    serial.push(0);
    let mut gps = GPS_NOTE.as_bytes().to_vec();
    gps.push(0);
    // Header (8), IFD0 with 3 entries (2 + 36 + 4), then the strings.
    let ifd_end = 8 + 2 + 3 * 12 + 4;
    let serial_at = ifd_end as u32;
    let gps_ifd_at = serial_at + serial.len() as u32;
    let gps_text_at = gps_ifd_at + 2 + 12 + 4;
    let mut t = b"MM\0\x2a\0\0\0\x08".to_vec();
    t.extend_from_slice(&3u16.to_be_bytes());
    let mut entry = |tag: u16, kind: u16, count: u32, value: u32| {
        t.extend_from_slice(&tag.to_be_bytes());
        t.extend_from_slice(&kind.to_be_bytes());
        t.extend_from_slice(&count.to_be_bytes());
        t.extend_from_slice(&value.to_be_bytes());
    };
    entry(0x0112, 3, 1, u32::from(orientation) << 16); // Orientation
    entry(0xA431, 2, serial.len() as u32, serial_at); // BodySerialNumber
    entry(0x8825, 4, 1, gps_ifd_at); // GPS IFD
    t.extend_from_slice(&0u32.to_be_bytes());
    t.extend_from_slice(&serial);
    // GPS IFD: one entry, GPSProcessingMethod as ASCII.
    t.extend_from_slice(&1u16.to_be_bytes());
    t.extend_from_slice(&0x001Bu16.to_be_bytes());
    t.extend_from_slice(&7u16.to_be_bytes());
    t.extend_from_slice(&(gps.len() as u32).to_be_bytes());
    t.extend_from_slice(&gps_text_at.to_be_bytes());
    t.extend_from_slice(&0u32.to_be_bytes());
    t.extend_from_slice(&gps);
    t
}

/// A JPEG photo with EXIF: a camera serial, a GPS note and `orientation`.
fn photo(width: u32, height: u32, orientation: u16) -> Vec<u8> {
    let plain = encode(&pixels(width, height), ImageFormat::Jpeg);
    let mut jpeg = Jpeg::from_bytes(Bytes::from(plain)).unwrap();
    jpeg.set_exif(Some(Bytes::from(exif(orientation))));
    let mut out = Vec::new();
    jpeg.encoder().write_to(&mut out).unwrap();
    assert!(contains(&out, SERIAL.as_bytes()) && contains(&out, b"Exif\0\0"));
    out
}

/// A PNG screenshot with a tEXt chunk.
fn screenshot(width: u32, height: u32) -> Vec<u8> {
    let plain = encode(&pixels(width, height), ImageFormat::Png);
    let mut png = Png::from_bytes(Bytes::from(plain)).unwrap();
    let mut text = b"Comment\0".to_vec();
    text.extend_from_slice(PNG_NOTE.as_bytes());
    png.chunks_mut()
        .insert(1, PngChunk::new(*b"tEXt", Bytes::from(text)));
    let mut out = Vec::new();
    png.encoder().write_to(&mut out).unwrap();
    assert!(contains(&out, PNG_NOTE.as_bytes()));
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The metadata blocks a published image still holds, by their names.
fn metadata_in(path: &Path) -> Vec<String> {
    let data = fs::read(path).unwrap();
    let mut found = Vec::new();
    for marker in [SERIAL, GPS_NOTE, PNG_NOTE] {
        if contains(&data, marker.as_bytes()) {
            found.push(marker.to_owned());
        }
    }
    match path.extension().and_then(|e| e.to_str()) {
        Some("jpg") | Some("jpeg") => {
            let jpeg = Jpeg::from_bytes(Bytes::from(data)).unwrap();
            for segment in jpeg.segments() {
                let marker = segment.marker();
                if (0xE1..=0xEF).contains(&marker) && marker != 0xE2 && marker != 0xEE
                    || marker == 0xFE
                {
                    found.push(format!("JPEG segment {marker:#x}"));
                }
            }
            if jpeg.exif().is_some() {
                found.push("Exif".into());
            }
        }
        Some("png") => {
            let png = Png::from_bytes(Bytes::from(data)).unwrap();
            for chunk in png.chunks() {
                let kind = chunk.kind();
                if [b"tEXt", b"iTXt", b"zTXt", b"eXIf", b"tIME"].contains(&&kind) {
                    found.push(String::from_utf8_lossy(&kind).into_owned());
                }
            }
        }
        Some("webp") => {
            for kind in [&b"EXIF"[..], b"XMP "] {
                if contains(&data, kind) {
                    found.push(String::from_utf8_lossy(kind).into_owned());
                }
            }
        }
        _ => {}
    }
    found
}

/// Every image file under `dir`.
fn images_under(dir: &Path) -> Vec<PathBuf> {
    common::snapshot(dir)
        .into_keys()
        .filter(|p| {
            p.extension().is_some_and(|e| {
                ["jpg", "jpeg", "png", "webp", "gif"].contains(&e.to_str().unwrap())
            })
        })
        .map(|p| dir.join(p))
        .collect()
}

fn size_of(path: &Path) -> (u32, u32) {
    image::image_dimensions(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn photo_site() -> Site {
    let site = Site::with(&[("content/briefings/pier/index.md", bundle_briefing())]);
    site.write_bytes("content/briefings/pier/photo.jpg", &photo(1200, 800, 1));
    site.write_bytes("content/briefings/pier/shot.png", &screenshot(700, 400));
    site.write_bytes("content/briefings/pier/report.pdf", b"%PDF-1.4 a report");
    site.write(
        "content/briefings/pier/chart.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><rect width=\"5\" height=\"5\"/></svg>",
    );
    site
}

fn build(site: &Site) -> brief::Report {
    Session::new(Options::new(site.root()))
        .build()
        .unwrap_or_else(|e| panic!("build failed: {e:?}"))
}

#[test]
fn a_bundle_builds_into_the_briefing_page_under_its_folder_name() {
    let site = Site::with(&[("content/briefings/pier/index.md", bundle_briefing())]);
    site.build();
    assert!(site.path("public/briefings/pier/index.html").is_file());
}

#[test]
fn a_file_and_a_bundle_with_one_slug_are_an_error_naming_both() {
    let site = Site::with(&[
        ("content/briefings/pier.md", bundle_briefing()),
        ("content/briefings/pier/index.md", bundle_briefing()),
    ]);
    let run = site.run(&["build"]);
    assert_ne!(run.status, 0);
    let out = format!("{}{}", run.stdout, run.stderr);
    assert!(out.contains("two briefings have the slug `pier`"), "{out}");
    assert!(out.contains("content/briefings/pier.md"), "{out}");
    assert!(out.contains("content/briefings/pier/index.md"), "{out}");
}

#[test]
fn bundle_images_are_published_resized_and_without_metadata() {
    let site = photo_site();
    site.build();
    let out = site.path("public/briefings/pier");
    let mut published: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    published.sort();
    assert_eq!(
        published,
        [
            "chart.svg",
            "claims",
            "index.html",
            "photo-1200w.jpg",
            "photo-1200w.webp",
            "photo-480w.jpg",
            "photo-480w.webp",
            "photo-960w.jpg",
            "photo-960w.webp",
            "report.pdf",
            "shot-480w.png",
            "shot-480w.webp",
            "shot-700w.png",
            "shot-700w.webp",
        ],
        "no original without `images.originals`, and no upscaling"
    );
    for (name, size) in [
        ("photo-480w.jpg", (480, 320)),
        ("photo-480w.webp", (480, 320)),
        ("photo-960w.webp", (960, 640)),
        ("photo-1200w.jpg", (1200, 800)),
        ("shot-480w.png", (480, 274)),
        ("shot-700w.webp", (700, 400)),
    ] {
        assert_eq!(size_of(&out.join(name)), size, "{name}");
    }
    for image in images_under(&site.path("public")) {
        assert_eq!(
            metadata_in(&image),
            Vec::<String>::new(),
            "{}",
            image.display()
        );
    }
    // Other files are published byte for byte.
    assert_eq!(
        fs::read(out.join("report.pdf")).unwrap(),
        b"%PDF-1.4 a report"
    );
    assert_eq!(
        fs::read(out.join("chart.svg")).unwrap(),
        fs::read(site.path("content/briefings/pier/chart.svg")).unwrap()
    );
}

#[test]
fn originals_and_static_images_are_published_stripped() {
    let site = photo_site();
    site.write("site.yaml", "title: Desk\nimages:\n  originals: true\n");
    site.write_bytes("static/img/team.jpg", &photo(300, 200, 1));
    site.write_bytes("static/img/turned.jpg", &photo(300, 200, 6));
    site.write_bytes("static/img/banner.png", &screenshot(100, 50));
    site.build();
    let public = site.path("public");
    for path in [
        "briefings/pier/photo.jpg",
        "briefings/pier/shot.png",
        "img/team.jpg",
        "img/banner.png",
    ] {
        assert!(public.join(path).is_file(), "{path} is published");
    }
    assert_eq!(
        size_of(&public.join("briefings/pier/photo.jpg")),
        (1200, 800)
    );
    assert_eq!(size_of(&public.join("img/team.jpg")), (300, 200));
    // Stripping would lose the rotation, so this one is turned upright.
    assert_eq!(size_of(&public.join("img/turned.jpg")), (200, 300));
    // A static image no page uses gets no variants.
    assert!(!public.join("img/team-300w.jpg").exists());
    let images = images_under(&public);
    assert!(images.len() >= 15, "{images:?}");
    for image in images {
        assert_eq!(
            metadata_in(&image),
            Vec::<String>::new(),
            "{}",
            image.display()
        );
    }
}

#[test]
fn exif_orientation_gives_upright_variants_with_swapped_sides() {
    let site = Site::with(&[("content/briefings/pier/index.md", bundle_briefing())]);
    site.write_bytes("content/briefings/pier/phone.jpg", &photo(600, 400, 6));
    site.build();
    let out = site.path("public/briefings/pier");
    assert_eq!(size_of(&out.join("phone-400w.jpg")), (400, 600));
    assert_eq!(size_of(&out.join("phone-400w.webp")), (400, 600));
    // The photo's top row (x = 0..600 at y = 0) is now its right column.
    let turned = image::open(out.join("phone-400w.jpg")).unwrap().to_rgb8();
    let top_right = turned.get_pixel(395, 5);
    let original_top_left = pixels(600, 400).get_pixel(5, 5).0;
    for (a, b) in top_right.0.iter().zip(original_top_left) {
        assert!(a.abs_diff(b) < 40, "{top_right:?} vs {original_top_left:?}");
    }
}

#[test]
fn a_second_build_encodes_nothing() {
    let site = photo_site();
    let first = build(&site);
    // Photo: 3 widths, shot: 2 widths, each in two formats.
    assert_eq!((first.images_encoded, first.images_reused), (10, 0));
    assert!(site.path(".brief-cache/images").is_dir());
    let second = build(&site);
    assert_eq!((second.images_encoded, second.images_reused), (0, 10));
    let run = site.build();
    assert!(
        run.stdout.contains("10 images reused"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    // A different quality is a different image.
    site.write("site.yaml", "title: Desk\nimages:\n  quality: 60\n");
    let third = build(&site);
    assert_eq!(
        third.images_encoded, 6,
        "only the lossy (JPEG and its WebP) change"
    );
}

#[test]
fn a_site_without_images_encodes_nothing_and_says_nothing_of_images() {
    let site = Site::with(&[("content/briefings/x.md", common::MINIMAL_BRIEFING)]);
    site.write("static/robots.txt", "User-agent: *\n");
    let report = build(&site);
    assert_eq!((report.images_encoded, report.images_reused), (0, 0));
    assert!(!site.path(".brief-cache").exists());
    let run = site.build();
    assert!(
        !run.stdout.contains("image") && !run.stderr.contains("image"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_scripted_svg_in_a_bundle_fails_at_its_script_and_keeps_the_old_output() {
    let site = photo_site();
    site.build();
    let before = common::snapshot(&site.path("public"));
    site.write(
        "content/briefings/pier/evil.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\">\n  <rect width=\"5\" height=\"5\"/>\n  <script>fetch('//x')</script>\n</svg>\n",
    );
    let run = site.run(&["build"]);
    assert_ne!(run.status, 0);
    assert!(
        run.stderr.contains("error: this SVG holds a script")
            && run.stderr.contains("content/briefings/pier/evil.svg:3:3"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("publish the drawing as PNG"),
        "{}",
        run.stderr
    );
    assert_eq!(common::snapshot(&site.path("public")), before);
}

#[test]
fn an_unreadable_image_in_a_bundle_is_an_error_at_the_file() {
    let site = Site::with(&[("content/briefings/pier/index.md", bundle_briefing())]);
    site.write("content/briefings/pier/broken.jpg", "this is not a photo");
    let run = site.run(&["build"]);
    assert_ne!(run.status, 0);
    assert!(
        run.stderr
            .contains("error: this is not a JPEG, PNG, GIF or WebP image")
            && run.stderr.contains("content/briefings/pier/broken.jpg:1:1"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("re-save the image as JPEG, PNG or WebP"),
        "{}",
        run.stderr
    );
    assert!(!site.path("public/briefings/pier/broken.jpg").exists());
}

#[test]
fn a_variant_named_like_another_file_is_a_clash() {
    let site = photo_site();
    // Published as it is with `originals`, where photo.jpg's variant goes.
    site.write("site.yaml", "title: Desk\nimages:\n  originals: true\n");
    site.write_bytes("content/briefings/pier/photo-480w.jpg", &photo(100, 100, 1));
    let run = site.run(&["build"]);
    assert_ne!(run.status, 0);
    assert!(
        run.stderr
            .contains("is published at /briefings/pier/photo-480w.jpg"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_replaced_image_is_encoded_again_alone_and_announced() {
    let site = photo_site();
    site.write_bytes("content/briefings/pier/other.png", &screenshot(300, 200));
    let mut session = Session::new(Options::new(site.root()));
    let first = session.build().expect("first build");
    assert_eq!(first.images_encoded, 12);
    let before = fs::metadata(site.path("public/briefings/pier/photo-480w.jpg"))
        .unwrap()
        .modified()
        .unwrap();

    site.write_bytes("content/briefings/pier/other.png", &screenshot(320, 200));
    let changed: HashSet<PathBuf> = [site.path("content/briefings/pier/other.png")].into();
    let mut announced: Vec<Written> = Vec::new();
    let report = session
        .rebuild(Some(&changed), &mut |w| announced.push(w.clone()))
        .expect("rebuild");
    assert_eq!((report.images_encoded, report.images_reused), (2, 0));
    let assets: Vec<PathBuf> = announced.iter().flat_map(|w| w.assets.clone()).collect();
    assert!(
        assets.contains(&PathBuf::from("briefings/pier/other-320w.png")),
        "{assets:?}"
    );
    assert!(
        assets.contains(&PathBuf::from("briefings/pier/other-320w.webp")),
        "{assets:?}"
    );
    let removed: Vec<PathBuf> = announced.iter().flat_map(|w| w.removed.clone()).collect();
    assert!(
        removed.contains(&PathBuf::from("briefings/pier/other-300w.png")),
        "{removed:?}"
    );
    assert!(!site.path("public/briefings/pier/other-300w.png").exists());
    assert_eq!(
        size_of(&site.path("public/briefings/pier/other-320w.png")),
        (320, 200)
    );
    let after = fs::metadata(site.path("public/briefings/pier/photo-480w.jpg"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(
        before, after,
        "an image that did not change is not written again"
    );

    // A save of the text alone makes no image.
    let text = site.path("content/briefings/pier/index.md");
    fs::write(
        &text,
        bundle_briefing().replace("Body text.", "Body text, edited."),
    )
    .unwrap();
    let report = session
        .rebuild(Some(&[text].into()), &mut |_| {})
        .expect("rebuild");
    assert_eq!((report.images_encoded, report.images_reused), (0, 0));

    // A rebuild writes what a fresh build writes.
    let live = common::snapshot(&site.path("public"));
    let fresh = tempfile::tempdir().unwrap();
    let mut options = Options::new(site.root());
    options.output = Some(fresh.path().join("out"));
    Session::new(options).build().unwrap();
    assert_eq!(live, common::snapshot(&fresh.path().join("out")));
}
