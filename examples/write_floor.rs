//! The least a build of a given site can spend on the filesystem: takes a
//! folder `brief build` wrote and recreates its shape (every folder, every
//! file at its size, filler bytes) in a fresh folder beside it, on as many
//! threads as `brief build` uses, and prints the seconds that took.
//!
//! It renders nothing and parses nothing, so its time is a floor under any
//! build that writes the same files. `bench/build.py` runs it on each
//! output it measures, in the same invocation.
//!
//! With `--keep`, the last run's tree is left in place (`OUTPUT_DIR.floor`)
//! for the caller to delete: `bench/build.py` deletes every tree of a round
//! together and lets the filesystem settle before the next round's builds
//! (see bench/README.md, "Deleting before a timed build").
//!
//! Usage: cargo run --release --example write_floor -- OUTPUT_DIR [RUNS] [--keep]

use rayon::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() {
    let mut args: Vec<String> = std::env::args().collect();
    let keep = args.iter().any(|a| a == "--keep");
    args.retain(|a| a != "--keep");
    let Some(site) = args.get(1).map(PathBuf::from) else {
        eprintln!("usage: write_floor OUTPUT_DIR [RUNS] [--keep]");
        std::process::exit(2);
    };
    let runs: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(3);

    let mut folders = Vec::new();
    let mut files = Vec::new();
    if let Err(err) = survey(&site, Path::new(""), &mut folders, &mut files) {
        eprintln!("write_floor: cannot read {}: {err}", site.display());
        std::process::exit(1);
    }
    let filler = vec![b'x'; files.iter().map(|(_, size)| *size).max().unwrap_or(0)];
    let target = site.with_extension("floor");

    for run in 1..=runs {
        let _ = fs::remove_dir_all(&target);
        let start = Instant::now();
        fs::create_dir(&target).expect("create the target folder");
        // Folders before files, as a build does; each half on both threads.
        folders
            .par_iter()
            .for_each(|dir| fs::create_dir_all(target.join(dir)).expect("create a folder"));
        files.par_iter().for_each(|(path, size)| {
            fs::write(target.join(path), &filler[..*size]).expect("write a file")
        });
        let seconds = start.elapsed().as_secs_f64();
        println!(
            "run {run}: {} folders, {} files in {seconds:.2} s",
            folders.len(),
            files.len()
        );
    }
    if !keep {
        let _ = fs::remove_dir_all(&target);
    }
}

fn survey(
    root: &Path,
    rel: &Path,
    folders: &mut Vec<PathBuf>,
    files: &mut Vec<(PathBuf, usize)>,
) -> std::io::Result<()> {
    for entry in fs::read_dir(root.join(rel))? {
        let entry = entry?;
        let path = rel.join(entry.file_name());
        let kind = entry.file_type()?;
        if kind.is_dir() {
            folders.push(path.clone());
            survey(root, &path, folders, files)?;
        } else if kind.is_file() {
            files.push((path, entry.metadata()?.len() as usize));
        }
    }
    Ok(())
}
