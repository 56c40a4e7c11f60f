//! Writes N photo-like JPEGs for the image benchmark: smooth gradients with
//! grain, so the encoders work as they would on a real photo, each one
//! different so none is a copy of another.
//!
//! Usage: cargo run --release --example photos -- OUT_DIR N [WIDTH HEIGHT]

use std::path::PathBuf;

use image::{Rgb, RgbImage};
use rayon::prelude::*;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(out), Some(n)) = (
        args.get(1).map(PathBuf::from),
        args.get(2).and_then(|n| n.parse::<u32>().ok()),
    ) else {
        eprintln!("usage: photos OUT_DIR N [WIDTH HEIGHT]");
        std::process::exit(2);
    };
    let width = args.get(3).and_then(|w| w.parse().ok()).unwrap_or(2400);
    let height = args.get(4).and_then(|h| h.parse().ok()).unwrap_or(1600);
    if let Err(err) = std::fs::create_dir_all(&out) {
        eprintln!("photos: cannot make {}: {err}", out.display());
        std::process::exit(1);
    }
    let failed = (0..n).into_par_iter().find_map_any(|i| {
        let mut state = u64::from(i).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let photo = RgbImage::from_fn(width, height, |x, y| {
            // xorshift grain on a gradient that shifts with i.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let grain = (state % 24) as u32;
            let r = (x * 255 / width + i * 37 + grain) % 256;
            let g = (y * 255 / height + i * 11 + grain) % 256;
            let b = ((x + y) * 128 / (width + height) + grain * 2) % 256;
            Rgb([r as u8, g as u8, b as u8])
        });
        let path = out.join(format!("photo-{i}.jpg"));
        photo
            .save(&path)
            .err()
            .map(|e| format!("{}: {e}", path.display()))
    });
    if let Some(err) = failed {
        eprintln!("photos: cannot write {err}");
        std::process::exit(1);
    }
}
