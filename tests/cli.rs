//! The `brief` binary as a writer runs it: help and version, `new site` and
//! `new briefing`, `check`, and `build` with its summary line, `--quiet`,
//! `--output` and the staging folder it writes through.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{brief, html_files, page_in, snapshot, Run, Site, MINIMAL_BRIEFING};

/// A second briefing with two claims, so counts in summaries are plural.
const SECOND_BRIEFING: &str = "---
title: A second briefing
date: 2024-11-01
summary: Two more claims.
speakers:
  kim: {name: Kim Song}
sources:
  report: {title: A report, url: \"https://example.org/report\"}
claims:
  - {id: one, speaker: kim, text: One., verdict: false, explanation: No., sources: [report]}
  - {id: two, speaker: kim, text: Two., verdict: true, explanation: Yes., sources: [report]}
---
Body.
";

/// Two briefings (three claims) and a page.
fn good_site() -> Site {
    Site::with(&[
        ("content/briefings/first.md", MINIMAL_BRIEFING),
        ("content/briefings/second.md", SECOND_BRIEFING),
        ("content/pages/about.md", "---\ntitle: About\n---\nUs.\n"),
    ])
}

/// The number written just before a word starting with `word` in `line`,
/// so "3 claims" and "1 claim" both read as counts of claims.
fn count_before(line: &str, word: &str) -> Option<usize> {
    let tokens: Vec<&str> = line
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ',' || c == ':')
        .filter(|t| !t.is_empty())
        .collect();
    tokens
        .windows(2)
        .find(|w| w[1].starts_with(word))
        .and_then(|w| w[0].parse().ok())
}

/// Whether a line says how long something took: "412 ms", "0.4s", "12ms".
fn mentions_duration(line: &str) -> bool {
    let tokens: Vec<&str> = line
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ',')
        .filter(|t| !t.is_empty())
        .collect();
    let number = |t: &str| !t.is_empty() && t.parse::<f64>().is_ok();
    tokens
        .windows(2)
        .any(|w| number(w[0]) && matches!(w[1], "ms" | "s" | "µs"))
        || tokens.iter().any(|t| {
            ["ms", "µs", "s"]
                .iter()
                .any(|unit| t.strip_suffix(unit).is_some_and(number))
        })
}

fn assert_ok(run: &Run) {
    assert_eq!(
        run.status, 0,
        "exit {}\nstdout:\n{}\nstderr:\n{}",
        run.status, run.stdout, run.stderr
    );
}

// ------------------------------------------------------------ help and version

#[test]
fn help_describes_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let run = brief(dir.path(), &["--help"]);
    assert_ok(&run);
    for command in ["build", "check", "new"] {
        assert!(
            run.stdout.contains(command),
            "--help does not mention {command}:\n{}",
            run.stdout
        );
    }
}

#[test]
fn check_takes_no_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let run = brief(dir.path(), &["check", "--help"]);
    assert_ok(&run);
    assert!(
        !run.stdout.contains("--output"),
        "check writes nothing:\n{}",
        run.stdout
    );
}

#[test]
fn build_and_check_help_describe_their_flags() {
    let dir = tempfile::tempdir().unwrap();
    for (command, flags) in [
        (
            "build",
            &["--root", "--output", "--base-url", "--drafts", "--quiet"][..],
        ),
        (
            "check",
            &[
                "--root",
                "--base-url",
                "--drafts",
                "--quiet",
                "--evidence",
                "--links",
                "--timeout",
                "--max-age",
                "--refresh",
            ][..],
        ),
    ] {
        let run = brief(dir.path(), &[command, "--help"]);
        assert_ok(&run);
        for &flag in flags {
            let line = run
                .stdout
                .lines()
                .find(|l| l.contains(flag))
                .unwrap_or_else(|| {
                    panic!("`brief {command} --help` lacks {flag}:\n{}", run.stdout)
                });
            let described = line.split(flag).nth(1).unwrap_or("");
            assert!(
                described.chars().filter(|c| c.is_alphabetic()).count() > 10,
                "`brief {command} --help` does not describe {flag}: {line:?}"
            );
        }
    }
}

#[test]
fn new_help_describes_site_and_briefing() {
    let dir = tempfile::tempdir().unwrap();
    let run = brief(dir.path(), &["new", "--help"]);
    assert_ok(&run);
    assert!(
        run.stdout.contains("site") && run.stdout.contains("briefing"),
        "{}",
        run.stdout
    );

    let site = brief(dir.path(), &["new", "site", "--help"]);
    assert_ok(&site);
    assert!(site.stdout.contains("DIR"), "{}", site.stdout);

    let briefing = brief(dir.path(), &["new", "briefing", "--help"]);
    assert_ok(&briefing);
    assert!(briefing.stdout.contains("TITLE"), "{}", briefing.stdout);
    assert!(briefing.stdout.contains("--root"), "{}", briefing.stdout);
    assert!(
        dir.path().read_dir().unwrap().next().is_none(),
        "--help created files"
    );
}

#[test]
fn version_prints_the_version() {
    let dir = tempfile::tempdir().unwrap();
    let run = brief(dir.path(), &["--version"]);
    assert_ok(&run);
    assert!(
        run.stdout.contains(env!("CARGO_PKG_VERSION")),
        "{:?}",
        run.stdout
    );
    assert!(run.stdout.contains("brief"), "{:?}", run.stdout);
}

// ------------------------------------------------------------ new site

#[test]
fn new_site_builds_cleanly_into_a_briefing_page() {
    let dir = tempfile::tempdir().unwrap();
    assert_ok(&brief(dir.path(), &["new", "site", "desk"]));
    let root = dir.path().join("desk");
    assert!(root.join("content/briefings").is_dir());

    // Its sample briefing is a draft: the site builds without it, and
    // with it when drafts are asked for.
    let run = brief(dir.path(), &["build", "--root", "desk"]);
    assert_ok(&run);
    assert!(run.stdout.contains("from 0 briefings"), "{}", run.stdout);
    let run = brief(dir.path(), &["build", "--root", "desk", "--drafts"]);
    assert_ok(&run);
    assert!(
        run.stderr.trim().is_empty(),
        "the starter site warns:\n{}",
        run.stderr
    );
    assert!(
        !run.stdout.to_lowercase().contains("warning"),
        "{}",
        run.stdout
    );

    let output = root.join("public");
    // The briefing's page, not its claims' own pages.
    let briefings: Vec<_> = html_files(&output)
        .into_iter()
        .filter(|p| p.starts_with("briefings") && p.components().count() == 3)
        .collect();
    assert_eq!(briefings.len(), 1, "{briefings:?}");
    let url = format!(
        "/{}",
        briefings[0]
            .parent()
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/")
            + "/"
    );
    let page = page_in(&output, &url);
    assert!(
        !common::attrs(&page, r#"[id^="claim-"]"#, "id").is_empty(),
        "the starter briefing has no claim card"
    );
    // `check` agrees with `build`.
    let check = brief(dir.path(), &["check", "--root", "desk", "--drafts"]);
    assert_ok(&check);
    assert!(check.stderr.trim().is_empty(), "{}", check.stderr);
}

/// The starter site's sample briefing published as it is: `draft: false`
/// with the sample speaker, sources and sentences.
fn published_sample(dir: &Path) -> PathBuf {
    assert_ok(&brief(dir, &["new", "site", "desk"]));
    let file = dir.join("desk/content/briefings/a-first-briefing.md");
    let text = fs::read_to_string(&file).unwrap();
    fs::write(&file, text.replace("\ndraft: true\n", "\ndraft: false\n")).unwrap();
    dir.join("desk")
}

#[test]
fn the_sample_briefing_cannot_go_live_by_setting_draft_false() {
    let dir = tempfile::tempdir().unwrap();
    let root = published_sample(dir.path());
    let run = brief(dir.path(), &["build", "--root", "desk"]);
    assert_eq!(run.status, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(
            "this briefing is not a draft but still holds the sample content of `brief new`"
        ),
        "{}",
        run.stderr
    );
    // At the first sample field, the summary on line 4.
    assert!(
        run.stderr
            .contains("content/briefings/a-first-briefing.md:4:10"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("`draft: true`"),
        "no hint:\n{}",
        run.stderr
    );
    assert!(!root.join("public/briefings").exists());
}

#[test]
fn placeholder_addresses_are_refused_once_the_site_has_its_own_address() {
    let dir = tempfile::tempdir().unwrap();
    let root = published_sample(dir.path());
    let site_yaml = fs::read_to_string(root.join("site.yaml")).unwrap();
    fs::write(
        root.join("site.yaml"),
        site_yaml.replace("factdesk.example.org", "factdesk.news"),
    )
    .unwrap();
    let run = brief(dir.path(), &["check", "--root", "desk"]);
    assert_eq!(run.status, 1, "{}\n{}", run.stdout, run.stderr);
    for (url, line) in [("report", 18), ("data", 24)] {
        let message = format!(
            "`https://example.org/{url}` is a placeholder address (example.org is kept for examples)"
        );
        assert!(run.stderr.contains(&message), "{message}:\n{}", run.stderr);
        let at = format!("content/briefings/a-first-briefing.md:{line}:10");
        assert!(run.stderr.contains(&at), "{at}:\n{}", run.stderr);
    }
    // `--base-url` gives the site its address as site.yaml does.
    fs::write(root.join("site.yaml"), site_yaml).unwrap();
    let run = brief(
        dir.path(),
        &[
            "check",
            "--root",
            "desk",
            "--base-url",
            "https://factdesk.news/",
        ],
    );
    assert!(run.stderr.contains("placeholder address"), "{}", run.stderr);
}

#[test]
fn new_site_refuses_a_folder_that_is_not_empty() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("mine");
    fs::create_dir_all(target.join("notes")).unwrap();
    fs::write(target.join("notes/todo.txt"), "keep me").unwrap();
    let before = snapshot(&target);

    let run = brief(dir.path(), &["new", "site", "mine"]);
    assert_eq!(run.status, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(!run.stderr.trim().is_empty(), "refused without saying why");
    assert_eq!(snapshot(&target), before, "the folder was changed");
    assert!(!target.join("site.yaml").exists() && !target.join("content").exists());
}

#[test]
fn new_site_accepts_an_empty_folder() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("empty")).unwrap();
    assert_ok(&brief(dir.path(), &["new", "site", "empty"]));
    assert_ok(&brief(dir.path(), &["build", "--root", "empty"]));
}

// ------------------------------------------------------------ new briefing

const TITLE: &str = "Claims about: rents & wages";
const NEW_FILE: &str = "content/briefings/claims-about-rents-wages.md";

/// A new briefing, its front matter checked and built with `--drafts`.
fn assert_usable_new_briefing(site: &Site) {
    let text = fs::read_to_string(site.path(NEW_FILE)).expect("the new briefing");
    assert!(text.starts_with("---\n"), "no front matter:\n{text}");

    let check = site.run(&["check", "--drafts"]);
    assert_ok(&check);
    // Other briefings of the site may have warnings of their own (such as
    // a claim resting on a single source); the skeleton has none.
    assert!(
        !check.stderr.contains("claims-about-rents-wages"),
        "the skeleton warns:\n{}",
        check.stderr
    );

    assert_ok(&site.run(&["build", "--drafts"]));
    let page = site.page("/briefings/claims-about-rents-wages/");
    assert_eq!(
        common::texts(&page, "h1"),
        [TITLE],
        "the title did not survive the round trip"
    );
}

#[test]
fn new_briefing_in_the_current_folder_writes_a_skeleton_that_checks() {
    let site = Site::with(&[("content/briefings/first.md", MINIMAL_BRIEFING)]);
    let run = site.run(&["new", "briefing", TITLE]);
    assert_ok(&run);
    assert!(
        run.stdout.contains("claims-about-rents-wages.md"),
        "{}",
        run.stdout
    );
    assert_usable_new_briefing(&site);
}

#[test]
fn new_briefing_with_root_works_from_anywhere() {
    let site = Site::new();
    let elsewhere = tempfile::tempdir().unwrap();
    let root = site.root().to_str().unwrap();
    assert_ok(&brief(
        elsewhere.path(),
        &["new", "briefing", TITLE, "--root", root],
    ));
    assert!(
        elsewhere.path().read_dir().unwrap().next().is_none(),
        "wrote into the current folder instead of --root"
    );
    assert_usable_new_briefing(&site);
}

#[test]
fn new_briefing_never_overwrites_a_file() {
    let site = Site::new();
    assert_ok(&site.run(&["new", "briefing", TITLE]));
    let edited = "---\ntitle: My work in progress\n---\nDo not lose this.\n";
    site.write(NEW_FILE, edited);

    let run = site.run(&["new", "briefing", TITLE]);
    assert_eq!(run.status, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("claims-about-rents-wages.md"),
        "{}",
        run.stderr
    );
    assert_eq!(fs::read_to_string(site.path(NEW_FILE)).unwrap(), edited);
}

#[test]
fn new_briefing_is_a_draft_until_published() {
    let site = Site::with(&[("content/briefings/first.md", MINIMAL_BRIEFING)]);
    assert_ok(&site.run(&["new", "briefing", TITLE]));
    site.build();
    assert!(!site
        .path("public/briefings/claims-about-rents-wages")
        .exists());
}

// ------------------------------------------------------------ check

#[test]
fn check_writes_nothing_and_counts_briefings_and_claims() {
    let site = good_site();
    let before = site.snapshot("");
    let run = site.run(&["check"]);
    assert_ok(&run);
    assert!(!site.path("public").exists(), "check wrote public/");
    assert_eq!(site.snapshot(""), before, "check changed the site folder");

    // The evidence report follows the check's own summary line.
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("Checked"))
        .unwrap_or_default();
    assert_eq!(count_before(line, "briefing"), Some(2), "{line:?}");
    assert_eq!(count_before(line, "claim"), Some(3), "{line:?}");
}

#[test]
fn check_fails_on_bad_content_and_says_where() {
    let site = good_site();
    site.write(
        "content/briefings/bad.md",
        &MINIMAL_BRIEFING.replace("speaker: kim", "speaker: nobody"),
    );
    let run = site.run(&["check"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("content/briefings/bad.md"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nobody"), "{}", run.stderr);
    assert!(!site.path("public").exists());
}

// ------------------------------------------------------------ build

#[test]
fn build_prints_a_summary_of_pages_claims_and_time() {
    let site = good_site();
    let run = site.build();
    assert!(run.stderr.trim().is_empty(), "{}", run.stderr);
    let lines: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(lines.len(), 1, "expected one summary line:\n{}", run.stdout);
    let line = lines[0];
    let pages = html_files(&site.path("public")).len();
    assert_eq!(
        count_before(line, "page"),
        Some(pages),
        "{line:?} (there are {pages} pages)"
    );
    assert_eq!(count_before(line, "claim"), Some(3), "{line:?}");
    assert!(mentions_duration(line), "no time taken in {line:?}");
}

#[test]
fn build_reports_warnings_in_its_summary() {
    let site = good_site();
    site.write(
        "content/sources.yaml",
        "unused:\n  title: Nobody cites this\n  url: https://example.org/unused\n",
    );
    let run = site.build();
    assert!(
        run.stderr.contains("unused"),
        "the warning is not shown:\n{}",
        run.stderr
    );
    assert!(run.stdout.contains("1 warning"), "{}", run.stdout);
}

#[test]
fn quiet_build_prints_nothing_on_success() {
    let site = good_site();
    for flag in ["--quiet", "-q"] {
        let run = site.run(&["build", flag]);
        assert_ok(&run);
        assert_eq!(run.stdout, "", "{flag}");
        assert_eq!(run.stderr, "", "{flag}");
    }
    // Warnings are not errors: still silent.
    site.write(
        "content/sources.yaml",
        "unused:\n  title: Nobody cites this\n  url: https://example.org/unused\n",
    );
    let run = site.run(&["build", "--quiet"]);
    assert_ok(&run);
    assert_eq!((run.stdout.as_str(), run.stderr.as_str()), ("", ""));
    site.page("/briefings/second/");
}

#[test]
fn quiet_build_still_reports_errors() {
    let site = good_site();
    site.write(
        "content/briefings/bad.md",
        &MINIMAL_BRIEFING.replace("verdict: unverified", "verdict: nonsense"),
    );
    let run = site.run(&["build", "--quiet"]);
    assert_eq!(run.status, 1);
    assert!(run.stderr.contains("nonsense"), "{}", run.stderr);
}

#[test]
fn output_elsewhere_is_written_and_replaced_by_the_next_build() {
    let site = good_site();
    let elsewhere = tempfile::tempdir().unwrap();
    let output = elsewhere.path().join("deploy/site");
    let out = output.to_str().unwrap();

    assert_ok(&site.run(&["build", "--output", out]));
    assert!(
        !site.path("public").exists(),
        "also wrote the default public/"
    );
    assert!(output.join(".brief-output").is_file(), "no marker file");
    page_in(&output, "/about/");
    page_in(&output, "/briefings/second/");

    fs::remove_file(site.path("content/pages/about.md")).unwrap();
    fs::remove_file(site.path("content/briefings/second.md")).unwrap();
    assert_ok(&site.run(&["build", "--output", out]));
    assert!(
        !output.join("about").exists(),
        "a removed page is still in the output"
    );
    assert!(
        !output.join("briefings/second").exists(),
        "a removed briefing is still in the output"
    );
    assert!(output.join(".brief-output").is_file());
    page_in(&output, "/briefings/first/");
    let leftovers: Vec<_> = fs::read_dir(output.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        leftovers,
        ["site"],
        "staging or old folders left beside the output"
    );
}

#[test]
fn default_output_carries_the_marker_file() {
    let site = good_site();
    site.build();
    assert!(site.path("public/.brief-output").is_file());
}

#[test]
fn a_stale_staging_folder_is_cleaned_up() {
    let site = good_site();
    site.write(
        ".public.brief-staging/index.html",
        "half a site from a killed build",
    );
    site.write(".public.brief-staging/briefings/gone/index.html", "stale");
    site.build();
    assert!(
        !site.path(".public.brief-staging").exists(),
        "the stale staging folder is still there"
    );
    assert!(
        !site.path("public/briefings/gone").exists(),
        "stale staging content reached the output"
    );
    site.page("/briefings/first/");

    // Beside an --output folder too.
    let elsewhere = tempfile::tempdir().unwrap();
    let output = elsewhere.path().join("out");
    let staging = elsewhere.path().join(".out.brief-staging");
    fs::create_dir_all(staging.join("x")).unwrap();
    fs::write(staging.join("x/stale.html"), "stale").unwrap();
    assert_ok(&site.run(&["build", "--output", output.to_str().unwrap()]));
    assert!(!staging.exists());
    assert!(!output.join("x").exists());
}

#[test]
fn build_refuses_an_output_folder_it_did_not_create() {
    let site = good_site();
    let elsewhere = tempfile::tempdir().unwrap();
    let output = elsewhere.path().join("mine");
    fs::create_dir_all(&output).unwrap();
    fs::write(output.join("thesis.txt"), "years of work").unwrap();
    let before = snapshot(elsewhere.path());

    let run = site.run(&["build", "--output", output.to_str().unwrap()]);
    assert_eq!(run.status, 1, "{}", run.stdout);
    assert!(run.stderr.contains(".brief-output"), "{}", run.stderr);
    assert_eq!(snapshot(elsewhere.path()), before, "the folder was touched");
}

#[test]
fn a_failed_build_leaves_the_previous_output_as_it_was() {
    let site = good_site();
    site.build();
    let before = site.snapshot("public");
    site.write(
        "content/briefings/bad.md",
        &MINIMAL_BRIEFING.replace("sources: [charter]", "sources: [missing]"),
    );
    let run = site.run(&["build"]);
    assert_eq!(run.status, 1);
    assert_eq!(site.snapshot("public"), before);
    assert!(!site.path(".public.brief-staging").exists());
}

#[test]
fn a_relative_root_is_resolved_from_the_current_folder() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("desk");
    fs::create_dir_all(root.join("content/briefings")).unwrap();
    fs::write(root.join("content/briefings/first.md"), MINIMAL_BRIEFING).unwrap();
    assert_ok(&brief(dir.path(), &["build", "--root", "desk"]));
    assert!(root.join("public/briefings/first/index.html").is_file());
    assert!(!dir.path().join("public").exists());
}

/// Modification time of every file under `dir`.
fn mtimes(dir: &Path) -> std::collections::BTreeMap<PathBuf, std::time::SystemTime> {
    snapshot(dir)
        .into_keys()
        .map(|rel| {
            let time = fs::metadata(dir.join(&rel)).unwrap().modified().unwrap();
            (rel, time)
        })
        .collect()
}

#[test]
fn a_build_that_changes_nothing_leaves_every_file_as_it_was() {
    let site = Site::with(&[
        ("content/briefings/x.md", MINIMAL_BRIEFING),
        (
            "content/pages/about.md",
            "---\ntitle: About\n---\nWho we are.\n",
        ),
    ]);
    site.build();
    let output = site.path("public");
    let bytes = site.snapshot("public");
    let times = mtimes(&output);
    std::thread::sleep(std::time::Duration::from_millis(50));

    site.build();
    assert_eq!(site.snapshot("public"), bytes);
    assert_eq!(mtimes(&output), times, "a no-change build touched files");

    // An edit rewrites the files it changes and only those.
    std::thread::sleep(std::time::Duration::from_millis(50));
    site.write(
        "content/briefings/x.md",
        &MINIMAL_BRIEFING.replace("Body text.", "New body text."),
    );
    site.build();
    let after = mtimes(&output);
    let page = PathBuf::from("briefings/x/index.html");
    assert_ne!(
        after[&page], times[&page],
        "the edited page was not rewritten"
    );
    let about = PathBuf::from("about/index.html");
    assert_eq!(
        after[&about], times[&about],
        "an unchanged page was rewritten"
    );
    assert!(fs::read_to_string(output.join(&page))
        .unwrap()
        .contains("New body text."),);
}

#[test]
fn brief_timings_makes_build_print_each_stage_with_its_time_cpu_and_memory() {
    let site = good_site();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(["build", "-q", "--root"])
        .arg(site.root())
        .env("BRIEF_TIMINGS", "1")
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stages: Vec<&str> = stderr
        .lines()
        .filter_map(|line| {
            // "   12.3 ms     20.0 ms CPU     28 MB peak     30 MB  parse"
            let (numbers, name) = line.rsplit_once("  ")?;
            let fields: Vec<&str> = numbers.split_whitespace().collect();
            let timed = fields.len() >= 2 && fields[0].parse::<f64>().is_ok() && fields[1] == "ms";
            let measured = cfg!(not(target_os = "linux"))
                || (fields.len() == 10
                    && fields[2].parse::<f64>().is_ok()
                    && fields[3] == "ms"
                    && fields[4] == "CPU"
                    && fields[5]
                        .parse::<u64>()
                        .is_ok_and(|now| fields[8].parse::<u64>().is_ok_and(|peak| peak >= now))
                    && fields[6] == "MB"
                    && fields[7] == "peak"
                    && fields[9] == "MB");
            (timed && measured).then_some(name.trim())
        })
        .collect();
    for stage in [
        "load",
        "parse",
        "resolve",
        "validate",
        "pages, data files and search index",
        "swap",
    ] {
        assert!(stages.contains(&stage), "no {stage} line in:\n{stderr}");
    }
    // Without the variable a quiet build prints nothing.
    let quiet = site.run(&["build", "-q"]);
    assert_eq!(quiet.stderr, "");
}

#[test]
fn a_binary_file_in_the_content_is_named_without_printing_its_bytes() {
    let site = good_site();
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01";
    site.write_bytes("content/briefings/chart.png", png);
    let run = site.run(&["check", "--evidence", "off"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "content/briefings/chart.png:1:1: warning: this file is not part of the site"
        ),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("PNG") && !run.stderr.contains('\u{fffd}'),
        "the warning prints the file's bytes:\n{}",
        run.stderr
    );
}

/// Runs brief with its stdout and stderr going into a pipe whose reader
/// has already gone (as `brief build 2>&1 | head -0` leaves it), and
/// returns brief's own exit status, as bash's PIPESTATUS gives it.
fn status_with_closed_pipe(cwd: &Path, args: &[&str]) -> i32 {
    let script = r#""$0" "$@" 2>&1 | { exec 0<&-; sleep 1; }; exit "${PIPESTATUS[0]}""#;
    let status = std::process::Command::new("bash")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_brief"))
        .args(args)
        .current_dir(cwd)
        .status()
        .expect("run bash");
    status.code().expect("brief exited by itself")
}

/// A reader that stops reading (`| head`) ends brief quietly with the
/// build's own outcome, never a panic (exit status 101), and the site it
/// wrote stays whole.
#[test]
fn a_closed_pipe_ends_brief_with_the_builds_own_status() {
    let site = good_site();
    let out = site.root().join("public");
    assert_eq!(
        status_with_closed_pipe(site.root(), &["build", "--output", "public"]),
        0
    );
    assert!(out.join("briefings/first/index.html").is_file());
    assert!(out.join("about/index.html").is_file());
    assert_eq!(status_with_closed_pipe(site.root(), &["check"]), 0);

    fs::write(
        site.root().join("content/briefings/first.md"),
        MINIMAL_BRIEFING.replace("verdict: unverified", "verdict: nonsense"),
    )
    .unwrap();
    assert_eq!(
        status_with_closed_pipe(site.root(), &["build", "--output", "public"]),
        1,
        "a failed build says so through a closed pipe too"
    );
    assert!(
        out.join("briefings/first/index.html").is_file(),
        "the last good site stays"
    );
}
