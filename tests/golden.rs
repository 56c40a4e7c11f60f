//! The optimised build writes exactly the bytes the plain one did.
//!
//! `tests/fixtures/golden/` is a copy of the example site with three
//! generated briefings (code blocks, tables, footnotes, many sources).
//! `tests/fixtures/golden.sha256` lists the SHA-256 of every file the build
//! wrote before any speed work (the build of commit 3940b68); the build of
//! today must match it file for file. A deliberate change to the output
//! updates the list: run with `BRIEF_BLESS=1` and commit the new list with
//! the change that explains it.

mod common;

use std::fs;
use std::path::Path;

use sha2::{Digest, Sha256};

fn manifest(output: &Path) -> String {
    let mut lines: Vec<String> = common::snapshot(output)
        .into_iter()
        .filter(|(path, _)| path != Path::new(".brief-output"))
        .map(|(path, bytes)| {
            let digest: String = Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            // Forward slashes on every platform, as in the committed list.
            let path = path.to_string_lossy().replace('\\', "/");
            format!("{digest}  {path}")
        })
        .collect();
    lines.sort_by(|a, b| a[66..].cmp(&b[66..]));
    lines.join("\n") + "\n"
}

#[test]
fn a_full_build_writes_the_same_bytes_as_before_the_speed_work() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    let run = common::brief(
        out.path(),
        &[
            "build",
            "-q",
            "--root",
            fixtures.join("golden").to_str().unwrap(),
            "--output",
            output.to_str().unwrap(),
        ],
    );
    assert_eq!(run.status, 0, "{}{}", run.stdout, run.stderr);
    let actual = manifest(&output);
    let list = fixtures.join("golden.sha256");
    if std::env::var_os("BRIEF_BLESS").is_some() {
        fs::write(&list, &actual).unwrap();
        return;
    }
    let expected = fs::read_to_string(&list).unwrap();
    if actual != expected {
        let kept = out.keep();
        let lines = |text: &str| -> std::collections::BTreeSet<String> {
            text.lines().map(str::to_owned).collect()
        };
        let (want, got) = (lines(&expected), lines(&actual));
        let missing: Vec<_> = want.difference(&got).map(|l| &l[66..]).collect();
        let unexpected: Vec<_> = got.difference(&want).map(|l| &l[66..]).collect();
        panic!(
            "the build's output differs from tests/fixtures/golden.sha256\n\
             files expected with other bytes or missing: {missing:?}\n\
             files written with other bytes or not expected: {unexpected:?}\n\
             the output is kept in {} for diffing",
            kept.display()
        );
    }
}
