//! A build killed at any moment (SIGKILL, no chance to clean up) leaves the
//! previous output whole, or the new one whole, never a mix or nothing; the
//! next build clears what the killed one left and succeeds.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

use common::{snapshot, Site, MINIMAL_BRIEFING};

const BRIEFINGS: usize = 60;

fn write_briefings(site: &Site, title: &str) {
    for i in 0..BRIEFINGS {
        site.write(
            &format!("content/briefings/b{i:03}.md"),
            &MINIMAL_BRIEFING.replace("A minimal briefing", &format!("{title} {i}")),
        );
    }
}

/// A complete build of the site as it is now, into a folder of its own.
fn fresh(site: &Site) -> BTreeMap<PathBuf, Vec<u8>> {
    let out = tempfile::tempdir().unwrap();
    let run = common::brief(
        site.root(),
        &[
            "build",
            "--root",
            ".",
            "--output",
            out.path().to_str().unwrap(),
        ],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    snapshot(out.path())
}

#[test]
fn a_build_killed_at_any_moment_leaves_a_whole_site() {
    let site = Site::new();
    write_briefings(&site, "Old");
    site.build();
    let old = site.snapshot("public");

    write_briefings(&site, "New");
    let new = fresh(&site);
    assert_ne!(old, new);

    // How long a whole build takes here, to spread the kills across it.
    let started = Instant::now();
    let _ = fresh(&site);
    let whole = started.elapsed();

    let mut outcomes = BTreeMap::new();
    for step in 0..10u32 {
        let delay = whole * step / 10;
        let mut child = Command::new(env!("CARGO_BIN_EXE_brief"))
            .args(["build", "--quiet", "--root"])
            .arg(site.root())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start brief build");
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL: no destructor, no cleanup runs
        let status = child.wait().unwrap();

        let now = site.snapshot("public");
        let which = if now == old {
            "old"
        } else if now == new {
            "new"
        } else {
            let differing: Vec<_> = now
                .keys()
                .chain(old.keys())
                .filter(|p| now.get(*p) != old.get(*p) && now.get(*p) != new.get(*p))
                .take(5)
                .collect();
            panic!(
                "killed after {delay:?} ({status}): public/ is neither the old site nor the new one \
                 ({} files; e.g. {differing:?})",
                now.len()
            );
        };
        *outcomes.entry(which).or_insert(0) += 1;
        if which == "new" {
            // Start the next kill from the old site again.
            write_briefings(&site, "Old");
            site.build();
            write_briefings(&site, "New");
        }
    }

    // The next build clears what the killed ones left and completes.
    site.build();
    assert_eq!(site.snapshot("public"), new);
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        // The cache folder, with the stamp of the last build, is meant to stay.
        .filter(|name| name.contains("brief-") && name != ".brief-cache")
        .collect();
    assert!(
        leftovers.is_empty(),
        "left beside the output: {leftovers:?}"
    );
    assert!(
        outcomes.contains_key("old"),
        "no kill landed before the swap: {outcomes:?} (a whole build took {whole:?})"
    );
}

fn small_site() -> Site {
    Site::with(&[("content/briefings/x.md", MINIMAL_BRIEFING)])
}

#[test]
fn the_content_folder_itself_is_refused_as_output() {
    common::refuses_output(
        &small_site(),
        &["build", "--output", "content"],
        "it is inside the site's content/ folder",
    );
}

#[test]
fn an_output_that_is_a_symbolic_link_is_refused() {
    let site = small_site();
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("keep.txt"), "mine").unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), site.path("linked")).unwrap();
    common::refuses_output(
        &site,
        &["build", "--output", "linked"],
        "it is a symbolic link",
    );
    assert_eq!(
        std::fs::read_dir(elsewhere.path()).unwrap().count(),
        1,
        "the link's target changed"
    );
}

#[test]
fn a_home_folder_is_refused_and_kept() {
    // What `--output ~` names: a folder of the user's own files.
    let site = small_site();
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join(".bashrc"), "# mine\n").unwrap();
    std::fs::create_dir(home.path().join("Documents")).unwrap();
    let before = snapshot(home.path());
    let run = site.run(&["build", "--output", home.path().to_str().unwrap()]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("there is no .brief-output file"),
        "{}",
        run.stderr
    );
    assert_eq!(snapshot(home.path()), before);
    assert!(std::fs::read_dir(home.path()).unwrap().count() == 2);
}
