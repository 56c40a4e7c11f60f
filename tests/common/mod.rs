//! Fixture sites on disk, the real `brief` binary run over them, and the
//! built HTML parsed for assertions.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scraper::{ElementRef, Html, Selector};

/// A site in a temporary folder, deleted when dropped.
pub struct Site {
    dir: tempfile::TempDir,
}

/// What a run of the binary printed and how it ended.
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(output: Output) -> Run {
        Run {
            status: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// A briefing with every required field, citing one source and one speaker,
/// for tests that vary a single thing.
pub const MINIMAL_BRIEFING: &str = "---
title: A minimal briefing
date: 2024-10-31
summary: What it found.
speakers:
  kim:
    name: Kim Song
    role: Permanent Representative
sources:
  charter:
    title: Charter of the United Nations
    publisher: United Nations
    url: https://www.un.org/en/about-us/un-charter/full-text
claims:
  - id: first
    speaker: kim
    text: Any deployment would comply with international law.
    verdict: unverified
    explanation: The record does not settle it.
    sources: [charter]
---
Body text.
";

/// A second briefing, dated after the first, whose claim links to it and
/// whose speaker is site-wide (`nebenzia`, for content/speakers.yaml).
pub const SECOND_BRIEFING: &str = "---
title: A second briefing
date: 2024-11-02
summary: More claims.
tags: [sanctions]
sources:
  res-1718:
    title: Resolution 1718 (2006)
    url: https://undocs.org/S/RES/1718(2006)
claims:
  - id: breach
    speaker: nebenzia
    text: It breaches nothing.
    verdict: misleading
    explanation: See [the first](@/briefings/x.md#claim-first).
    sources: [res-1718]
---
Second body.
";

impl Site {
    /// An empty site folder.
    pub fn new() -> Site {
        Site {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A site from `(path, contents)` pairs.
    pub fn with(files: &[(&str, &str)]) -> Site {
        let site = Site::new();
        for (path, text) in files {
            site.write(path, text);
        }
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }

    /// Runs `brief ARGS --root <site>` (the root flag is added for
    /// `build` and `check`).
    pub fn run(&self, args: &[&str]) -> Run {
        let mut command = Command::new(env!("CARGO_BIN_EXE_brief"));
        command.args(args);
        if matches!(args.first(), Some(&"build") | Some(&"check")) {
            command.arg("--root").arg(self.root());
        }
        Run::from(
            command
                .current_dir(self.root())
                .output()
                .expect("run brief"),
        )
    }

    /// `brief build`, asserting it succeeds.
    pub fn build(&self) -> Run {
        let run = self.run(&["build"]);
        assert_eq!(
            run.status, 0,
            "build failed:\n{}\n{}",
            run.stdout, run.stderr
        );
        run
    }

    /// The built page at a URL path such as `/briefings/x/`.
    pub fn page(&self, url: &str) -> Html {
        let mut path = self.path("public").join(url.trim_start_matches('/'));
        if url.ends_with('/') {
            path = path.join("index.html");
        }
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Html::parse_document(&text)
    }

    /// Every file under `public/` with its bytes, to prove it untouched.
    pub fn snapshot(&self, rel: &str) -> BTreeMap<PathBuf, Vec<u8>> {
        snapshot(&self.path(rel))
    }
}

pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return out;
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap().to_path_buf();
            out.insert(rel, fs::read(entry.path()).unwrap());
        }
    }
    out
}

/// Texts of every element matching a CSS selector, whitespace collapsed.
pub fn texts(html: &Html, selector: &str) -> Vec<String> {
    let sel = Selector::parse(selector).unwrap();
    html.select(&sel).map(text).collect()
}

/// The values of an attribute on every element matching a selector.
pub fn attrs(html: &Html, selector: &str, attr: &str) -> Vec<String> {
    let sel = Selector::parse(selector).unwrap();
    html.select(&sel)
        .filter_map(|e| e.value().attr(attr).map(str::to_owned))
        .collect()
}

/// Runs `brief ARGS` in `cwd`, adding nothing: for commands whose folder
/// arguments the test spells out itself.
pub fn brief(cwd: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run brief");
    Run::from(output)
}

/// The built page at a URL path under any output folder.
pub fn page_in(output: &Path, url: &str) -> Html {
    let mut path = output.join(url.trim_start_matches('/'));
    if url.ends_with('/') || url.is_empty() {
        path = path.join("index.html");
    }
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Html::parse_document(&text)
}

/// Every `.html` file under `dir`, as paths relative to it, sorted.
pub fn html_files(dir: &Path) -> Vec<PathBuf> {
    snapshot(dir)
        .into_keys()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect()
}

/// `brief build ARGS` on a good site that was built once: it must fail with
/// 1, print `reason`, and change nothing in the site folder.
#[track_caller]
pub fn refuses_output(site: &Site, args: &[&str], reason: &str) -> Run {
    site.build();
    let before = site.snapshot(".");
    let run = site.run(args);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("refusing to write the site into"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(reason), "{}", run.stderr);
    assert!(site.snapshot(".") == before, "the site folder changed");
    run
}

/// A CSS selector, or a panic naming the bad one.
pub fn sel(selector: &str) -> Selector {
    Selector::parse(selector).unwrap_or_else(|e| panic!("bad selector {selector}: {e:?}"))
}

/// An element's text, whitespace collapsed.
pub fn text(el: ElementRef) -> String {
    el.text()
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every element under `scope` matching a selector.
pub fn all<'a>(scope: ElementRef<'a>, selector: &str) -> Vec<ElementRef<'a>> {
    scope.select(&sel(selector)).collect()
}

/// The one element matching a selector; anything else fails the test.
pub fn one<'a>(html: &'a Html, selector: &str) -> ElementRef<'a> {
    let found: Vec<_> = html.select(&sel(selector)).collect();
    assert_eq!(
        found.len(),
        1,
        "expected one `{selector}`, found {}",
        found.len()
    );
    found[0]
}

/// Every `href`/`src` in the output that points inside the site and does
/// not resolve to a file, or names an anchor that file lacks.
pub fn broken_links(output: &Path, base_path: &str) -> Vec<String> {
    let mut ids: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut pages = Vec::new();
    for rel in html_files(output) {
        let html = Html::parse_document(&fs::read_to_string(output.join(&rel)).unwrap());
        let found = attrs(&html, "[id]", "id").into_iter().collect();
        ids.insert(rel.to_string_lossy().replace('\\', "/"), found);
        pages.push((rel, html));
    }
    let mut problems = Vec::new();
    for (rel, html) in &pages {
        let here = rel.to_string_lossy().replace('\\', "/");
        let values = attrs(html, "[href]", "href")
            .into_iter()
            .chain(attrs(html, "[src]", "src"));
        for value in values {
            let (path, fragment) = match value.split_once('#') {
                Some((p, f)) => (p.to_owned(), Some(f.to_owned())),
                None => (value.clone(), None),
            };
            let file = if path.is_empty() {
                here.clone()
            } else if let Some(inside) = path.strip_prefix(base_path) {
                if inside.is_empty() || inside.ends_with('/') {
                    format!("{inside}index.html")
                } else {
                    inside.to_owned()
                }
            } else {
                continue;
            };
            if !output.join(&file).is_file() {
                problems.push(format!("{here}: {value} -> no file {file}"));
                continue;
            }
            if let (Some(fragment), Some(targets)) = (fragment, ids.get(&file)) {
                if !fragment.is_empty() && !targets.contains(&fragment) {
                    problems.push(format!("{here}: {value} -> no id `{fragment}` in {file}"));
                }
            }
        }
    }
    problems
}

/// `<loc>` -> `<lastmod>` of a sitemap, read with a real XML parser.
pub fn sitemap_entries(text: &str) -> BTreeMap<String, Option<String>> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut out = BTreeMap::new();
    let mut current: Option<String> = None;
    let mut field = String::new();
    loop {
        match reader.read_event().expect("sitemap.xml is well-formed XML") {
            quick_xml::events::Event::Start(e) => {
                field = String::from_utf8_lossy(e.name().as_ref()).into_owned();
            }
            quick_xml::events::Event::Text(t) => {
                let value = t.decode().unwrap().into_owned();
                let value = quick_xml::escape::unescape(&value).unwrap().into_owned();
                match field.as_str() {
                    "loc" => {
                        out.insert(value.clone(), None);
                        current = Some(value);
                    }
                    "lastmod" => {
                        out.insert(current.clone().unwrap(), Some(value));
                    }
                    _ => {}
                }
            }
            quick_xml::events::Event::End(_) => field.clear(),
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    out
}
