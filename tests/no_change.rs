//! `brief build` with nothing changed since the last build into the same
//! folder does no work and says so, leaving every output file as it was;
//! any change to what it reads, to the options or to the output is a real
//! build.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use common::{Run, Site};

const PAGE_TEMPLATE: &str = include_str!("../templates/page.html");

const UNCHANGED: &str = "Nothing changed since the last build";

fn site() -> Site {
    Site::with(&[
        (
            "site.yaml",
            "title: Desk\nbase_url: https://desk.example.org/\n",
        ),
        ("content/briefings/x.md", common::MINIMAL_BRIEFING),
        (
            "content/pages/about.md",
            "---\ntitle: About\n---\nWho we are.\n",
        ),
        ("static/logo.txt", "logo"),
        // A source no claim cites: a warning to print again.
        (
            "content/briefings/y.md",
            &common::MINIMAL_BRIEFING.replace(
                "claims:",
                "  spare:\n    title: Spare\n    url: https://example.org/spare\nclaims:",
            ),
        ),
    ])
}

/// Every file under `dir` with its bytes and modification time.
fn files(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime)> {
    common::snapshot(dir)
        .into_iter()
        .map(|(rel, bytes)| {
            let modified = fs::metadata(dir.join(&rel))
                .and_then(|m| m.modified())
                .unwrap();
            (rel, (bytes, modified))
        })
        .collect()
}

/// One change to a built site, by name.
type Change = Box<dyn Fn(&Site)>;

fn skipped(run: &Run) -> bool {
    assert_eq!(run.status, 0, "{}\n{}", run.stdout, run.stderr);
    run.stdout.contains(UNCHANGED)
}

/// A site built once, so that the next build has a stamp to compare.
fn built() -> Site {
    let site = site();
    let first = site.build();
    assert!(!first.stdout.contains(UNCHANGED), "{}", first.stdout);
    site
}

#[test]
fn a_second_build_with_nothing_changed_says_so_and_touches_nothing() {
    let site = built();
    let before = files(&site.path("public"));
    let again = site.build();
    assert!(skipped(&again), "{}", again.stdout);
    assert!(
        again.stdout.contains("pages") && again.stdout.contains("public"),
        "{}",
        again.stdout
    );
    // The warnings of the build it stands for are printed again.
    let warned = |run: &Run| format!("{}{}", run.stdout, run.stderr).contains("spare");
    assert!(warned(&again), "{}\n{}", again.stdout, again.stderr);
    assert_eq!(files(&site.path("public")), before);
    // And again: the skip leaves the stamp as it was.
    assert!(skipped(&site.build()));
    assert_eq!(files(&site.path("public")), before);
}

#[test]
fn a_briefing_saved_with_its_size_and_modification_time_kept_is_built() {
    let site = built();
    let path = site.path("content/briefings/x.md");
    let modified = fs::metadata(&path).unwrap().modified().unwrap();
    let text = fs::read_to_string(&path).unwrap();
    let edited = text.replace("Body text.", "Body TEXT.");
    assert_eq!(edited.len(), text.len());
    // Saved as editors do: a new file renamed over the old one.
    let saved = site.path("content/briefings/x.md.new~");
    fs::write(&saved, &edited).unwrap();
    fs::rename(&saved, &path).unwrap();
    fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    assert!(!skipped(&site.build()));
    let page = fs::read_to_string(site.path("public/briefings/x/index.html")).unwrap();
    assert!(page.contains("Body TEXT."), "{page}");
    assert!(skipped(&site.build()));
}

#[test]
fn each_change_to_what_a_build_reads_is_built() {
    let site = built();
    let changes: Vec<(&str, Change)> = vec![
        (
            "edit a briefing",
            Box::new(|s: &Site| {
                let text = fs::read_to_string(s.path("content/briefings/x.md")).unwrap();
                s.write("content/briefings/x.md", &text.replace("Body", "New body"));
            }),
        ),
        (
            "add a briefing",
            Box::new(|s: &Site| s.write("content/briefings/z.md", common::MINIMAL_BRIEFING)),
        ),
        (
            "delete a briefing",
            Box::new(|s: &Site| fs::remove_file(s.path("content/briefings/z.md")).unwrap()),
        ),
        (
            "add a static file",
            Box::new(|s: &Site| s.write("static/robots-extra.txt", "x")),
        ),
        (
            "delete a static file",
            Box::new(|s: &Site| fs::remove_file(s.path("static/robots-extra.txt")).unwrap()),
        ),
        (
            "change site.yaml",
            Box::new(|s: &Site| s.write("site.yaml", "title: Other desk\n")),
        ),
        (
            "add a template",
            Box::new(|s: &Site| s.write("templates/page.html", PAGE_TEMPLATE)),
        ),
        (
            "edit a template",
            Box::new(|s: &Site| {
                s.write(
                    "templates/page.html",
                    &format!("{PAGE_TEMPLATE}{{# edited #}}\n"),
                )
            }),
        ),
        (
            "add a translation",
            Box::new(|s: &Site| s.write("i18n/en.yaml", "{}\n")),
        ),
        (
            "delete an output file",
            Box::new(|s: &Site| fs::remove_file(s.path("public/briefings/x/index.html")).unwrap()),
        ),
        (
            "edit an output file",
            Box::new(|s: &Site| s.write("public/briefings/x/index.html", "changed")),
        ),
        (
            "add a file to the output",
            Box::new(|s: &Site| s.write("public/stray.txt", "stray")),
        ),
        (
            "add a folder to the output",
            Box::new(|s: &Site| fs::create_dir(s.path("public/stray-folder")).unwrap()),
        ),
        (
            "corrupt the stamp",
            Box::new(|s: &Site| s.write(".brief-cache/build.json", "{ not json")),
        ),
        (
            "remove the stamp",
            Box::new(|s: &Site| fs::remove_file(s.path(".brief-cache/build.json")).unwrap()),
        ),
    ];
    for (name, change) in changes {
        change(&site);
        let run = site.run(&["build"]);
        assert!(!skipped(&run), "{name}: {}", run.stdout);
        assert!(run.stdout.contains("Built"), "{name}: {}", run.stdout);
        assert!(
            skipped(&site.build()),
            "{name}: the next build should find nothing changed"
        );
    }
    assert!(!site.path("public/stray.txt").exists());
    assert!(!site.path("public/stray-folder").exists());
    let page = fs::read_to_string(site.path("public/briefings/x/index.html")).unwrap();
    assert!(page.contains("New body"), "{page}");
}

#[test]
fn other_options_are_a_build_of_their_own() {
    let site = built();
    for args in [
        vec!["build", "--drafts"],
        vec!["build", "--base-url", "https://staging.example.org/"],
        vec!["build", "--output", "elsewhere"],
    ] {
        let run = site.run(&args);
        assert!(!skipped(&run), "{args:?}: {}", run.stdout);
        assert!(skipped(&site.run(&args)), "{args:?}");
    }
    assert!(!skipped(&site.run(&["build"])));
    let page = fs::read_to_string(site.path("public/index.html")).unwrap();
    assert!(page.contains("desk.example.org"), "{page}");
}

#[test]
fn a_failed_build_leaves_no_stamp_to_skip_the_next() {
    let site = built();
    assert!(site.path(".brief-cache/build.json").exists());
    let good = fs::read_to_string(site.path("content/briefings/x.md")).unwrap();
    site.write(
        "content/briefings/x.md",
        &good.replace("verdict: unverified", "verdict: nonsense"),
    );
    let failed = site.run(&["build"]);
    assert_ne!(failed.status, 0, "{}", failed.stdout);
    assert!(!site.path(".brief-cache/build.json").exists());
    // Put back as it was when the stamp was written, modification time
    // and all: the change time still differs, and the build after a
    // failure is a real one anyway.
    site.write("content/briefings/x.md", &good);
    let run = site.run(&["build"]);
    assert!(!skipped(&run), "{}", run.stdout);
    assert!(skipped(&site.build()));
}
