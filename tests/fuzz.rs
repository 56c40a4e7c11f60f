//! Property tests: no input makes `brief` panic, and every problem it finds
//! comes back as a diagnostic located inside the file it names.
//!
//! Two levels: one file through the parse functions (briefing, page,
//! speakers, sources, site.yaml), and a small generated site checked and
//! built in-process into a temporary folder.
//!
//! The suite runs a few hundred cases. For a long run:
//!
//! ```text
//! PROPTEST_CASES=200000 cargo test --release --test fuzz
//! ```
//!
//! Failing inputs proptest finds are kept in `tests/fuzz.proptest-regressions`
//! and replayed first on every run.

mod common;

use std::fs;
use std::path::Path;

use brief::config::{self, Options, SiteConfig};
use brief::diagnostic::{self, Diagnostic};
use brief::load::SourceFile;
use brief::parse;
use proptest::prelude::*;
use proptest::test_runner::Config;

/// Cases per property: `PROPTEST_CASES`, or 256.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256)
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        // Shrinking a slow site build can take long; keep it bounded.
        max_shrink_iters: 2048,
        ..Config::default()
    }
}

// ---------------------------------------------------------- generators

const KEYS: &[&str] = &[
    "title",
    "date",
    "updated",
    "summary",
    "event",
    "authors",
    "tags",
    "draft",
    "speakers",
    "sources",
    "claims",
    "corrections",
    "description",
    "id",
    "speaker",
    "text",
    "verbatim",
    "appearance",
    "verdict",
    "explanation",
    "name",
    "role",
    "affiliation",
    "publisher",
    "url",
    "accessed",
    "archived",
    "withheld",
    "excerpt",
    "kim",
    "charter",
    "first",
    "label",
    "rating",
    "verdicts",
    "base_url",
    "highlight_theme",
    "markdown",
    "safe",
    "language",
    "<<",
    "? ",
    "\"quoted key\"",
    "'single'",
    "日本",
    "",
    "1e999",
    "null",
    "~",
    "true",
    "[a, b]",
    "{x: 1}",
];

const SCALARS: &[&str] = &[
    "A minimal briefing",
    "2024-10-31",
    "2024-02-30",
    "2024-02-29",
    "2023-02-29",
    "2024-13-01",
    "0000-00-00",
    "9999-12-31",
    "99999-01-01",
    "+2024-01-01",
    "2024-1-1",
    "2024-10-31T10:00:00Z",
    "2024-10-31 10:00",
    "31/10/2024",
    "-1",
    "0",
    "1e999",
    "-1e999",
    "99999999999999999999999999999999999999",
    "0x7fffffffffffffffff",
    "0o777",
    ".nan",
    ".inf",
    "-.inf",
    "true",
    "false",
    "yes",
    "no",
    "null",
    "~",
    "",
    "\"\"",
    "''",
    "\"esc \\u00e9 \\x41 \\\" \\n \\t\"",
    "\"bad \\q escape\"",
    "\"unterminated",
    "'it''s'",
    "'unterminated",
    "&anchor value",
    "*anchor",
    "*undefined",
    "&a [1, 2]",
    "!!binary aGVsbG8=",
    "!!str 2024",
    "!!int x",
    "!custom tag",
    "|",
    ">-",
    "|+2",
    "[charter]",
    "[charter, nope]",
    "[",
    "]",
    "{",
    "{a: 1, a: 2}",
    "[a, [b, [c, [d]]]]",
    "{ id: true, label: \"True\", rating: 5 }",
    "https://www.un.org/en/about-us/un-charter/full-text",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://",
    "http://[::1",
    "https://例え.jp/パス",
    "ftp://example.org/",
    "//example.org",
    "mailto:a@b",
    "@/briefings/x.md#claim-first",
    "unverified",
    "misleading",
    "mostly-true",
    "kim",
    "nebenzia",
    "charter",
    "Kim Song",
    "caf\u{e9} \u{202e}rtl\u{202c} \u{200b}zero width",
    "emoji \u{1f600}\u{1f1fa}\u{1f1f3}",
    "\u{0}",
    "\u{7f}\u{85}\u{2028}\u{2029}",
    "a: b: c",
    "- item",
    "# comment",
    "key: value # comment",
    "---",
    "...",
    "%YAML 1.2",
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "{{ briefing.title }}",
    "{% raw %}",
];

const RAW_LINES: &[&str] = &[
    "---",
    "...",
    "--- # more",
    "---x",
    " ---",
    "- ",
    "-",
    "? complex key",
    ": complex value",
    "%YAML 1.2",
    "%TAG ! tag:example.org,2024:",
    "# a comment",
    "",
    "   ",
    "\t",
    "\tkey: tabbed",
    "  \t- mixed",
    "&a",
    "*a",
    "<<: *a",
    "[",
    "{",
    "}",
    "'",
    "\"",
    "|",
    "  continued text",
    "claims:",
    "  - id: first",
    "    speaker: kim",
    "    text: Any deployment.",
    "    verdict: unverified",
    "    explanation: See [the claim](#claim-first).",
    "    sources: [charter]",
    "speakers:",
    "  kim:",
    "    name: Kim Song",
    "sources:",
    "  charter:",
    "    title: Charter",
    "    url: https://www.un.org/",
    "corrections:",
    "  - date: 2024-11-01",
    "    text: Fixed.",
    "verdicts:",
    "  - { id: true, label: \"True\", rating: 5 }",
    "  - id: false",
    "    label: False",
    "    rating: 1e999",
];

const BODY_PIECES: &[&str] = &[
    "Body text.",
    "# Heading",
    "## Heading {#claim-first}",
    "## Heading {#main}",
    "### {#}",
    "[the claim](#claim-first)",
    "[nope](#claim-nope)",
    "[briefing](@/briefings/x.md)",
    "[briefing](@/briefings/x.md#claim-first)",
    "[missing](@/briefings/missing.md#x)",
    "[page](@/pages/about.md)",
    "[bad](@/)",
    "[bad](@/briefings/)",
    "[bad](@/../../etc/passwd)",
    "[js](javascript:alert(1))",
    "![img](data:image/png;base64,AAAA)",
    "[ref]: javascript:alert(1)",
    "[ref]",
    "<div onclick=\"x\">raw html</div>",
    "<script>alert(1)</script>",
    "<!-- comment",
    "```rust",
    "```",
    "~~~ nosuchlanguage",
    "    indented code",
    "fn main() { println!(\"{}\", 1); }",
    "| a | b |",
    "|---|---|",
    "| 1 |",
    "[^1]",
    "[^1]: A footnote.",
    "> quote",
    "- item",
    "1. item",
    "* [ ] task",
    "**bold *nested**",
    "`code",
    "---",
    "***",
    "\u{feff}",
    "caf\u{e9} \u{202e}\u{200b}",
    "\u{1f600}\u{0}",
    "{{ briefing.title }}",
    "&amp; &#0; &#x110000;",
    "<",
    "\\",
];

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(KEYS).prop_map(str::to_owned),
        1 => "[a-z_]{1,12}",
        1 => "\\PC{0,6}",
    ]
}

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => proptest::sample::select(SCALARS).prop_map(str::to_owned),
        1 => "[0-9]{1,40}",
        1 => "[0-9]{1,6}-[0-9]{1,3}-[0-9]{1,3}",
        1 => "\\PC{0,20}",
        1 => "[ -~]{0,30}",
    ]
}

/// One line of YAML-like front matter: indentation (spaces, tabs), maybe a
/// list dash, a key, a separator, a value; or a line of raw YAML syntax.
fn yaml_line() -> impl Strategy<Value = String> {
    let indent = prop_oneof![
        6 => (0usize..10).prop_map(|n| " ".repeat(n)),
        1 => "[ \t]{0,4}",
    ];
    let keyed = (
        indent,
        prop::bool::weighted(0.2),
        key(),
        prop_oneof![Just(": "), Just(":"), Just(":\t"), Just(" : "), Just("")],
        scalar(),
        prop::option::weighted(0.1, "[ \t]*# ?\\PC{0,5}"),
    )
        .prop_map(|(indent, dash, key, sep, value, comment)| {
            format!(
                "{indent}{}{key}{sep}{value}{}",
                if dash { "- " } else { "" },
                comment.unwrap_or_default()
            )
        });
    prop_oneof![
        5 => keyed,
        3 => proptest::sample::select(RAW_LINES).prop_map(str::to_owned),
        1 => "\\PC{0,30}",
    ]
}

fn body_line() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(BODY_PIECES).prop_map(str::to_owned),
        1 => "\\PC{0,40}",
    ]
}

fn line_ending() -> impl Strategy<Value = &'static str> {
    prop_oneof![8 => Just("\n"), 2 => Just("\r\n"), 1 => Just("\r"), 1 => Just("")]
}

/// Lines joined by a mix of line endings.
fn join(lines: Vec<(String, &'static str)>) -> String {
    lines.into_iter().map(|(line, end)| line + end).collect()
}

/// A briefing built from realistic pieces: front matter lines (a valid
/// base, mangled or not), a closing `---` or not, a Markdown body.
fn briefing_text() -> impl Strategy<Value = String> {
    let base = proptest::sample::select(vec![minimal_front_matter(), PAGE, ""]);
    (
        prop::bool::weighted(0.1),
        prop_oneof![3 => Just("---\n"), 1 => Just("---\r\n"), 1 => Just("--- \n"), 1 => Just("")],
        base,
        prop::collection::vec((yaml_line(), line_ending()), 0..16),
        prop::collection::vec(any::<prop::sample::Index>(), 0..4),
        prop_oneof![5 => Just("---\n"), 1 => Just("...\r\n"), 1 => Just("---"), 1 => Just("")],
        prop::collection::vec((body_line(), line_ending()), 0..12),
    )
        .prop_map(|(bom, open, base, lines, cuts, close, body)| {
            // Splice the generated lines into the base's front matter at
            // random line boundaries.
            let mut yaml: Vec<String> = base.lines().map(|l| format!("{l}\n")).collect();
            let mut generated = join(lines);
            for cut in cuts {
                let at = cut.index(yaml.len() + 1);
                yaml.insert(at, std::mem::take(&mut generated));
            }
            yaml.push(generated);
            format!(
                "{}{open}{}{close}{}",
                if bom { "\u{feff}" } else { "" },
                yaml.concat(),
                join(body)
            )
        })
}

/// The front matter of `tests/common`'s minimal briefing, without `---`.
fn minimal_front_matter() -> &'static str {
    let text = common::MINIMAL_BRIEFING.trim_start_matches("---\n");
    &text[..text.find("---\n").unwrap_or(text.len())]
}

const PAGE: &str = "title: About\ndescription: Who we are.\n";

/// Any text at all, by several routes.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        prop::collection::vec(any::<u8>(), 0..400)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        ("\\PC{0,200}", "\\PC{0,200}").prop_map(|(a, b)| format!("---\n{a}\n---\n{b}")),
        briefing_text(),
    ]
}

// ---------------------------------------------------------- properties

/// Every diagnostic names `file` and points inside `text`: line 1 up to
/// the line after the last, column 1 up to one past the line's end.
fn assert_located(diagnostics: &[Diagnostic], file: &Path, text: &str) {
    let lines: Vec<&str> = text.split('\n').collect();
    for d in diagnostics {
        assert_eq!(d.file, file, "{d:?} names another file");
        let p = d.position;
        assert!(
            p.line >= 1 && p.line <= lines.len() + 1,
            "{d:?} is outside the file's {} lines\n{text:?}",
            lines.len()
        );
        assert!(p.column >= 1, "{d:?} has column 0\n{text:?}");
        if let Some(line) = lines.get(p.line - 1) {
            let chars = line.trim_end_matches('\r').chars().count();
            assert!(
                p.column <= chars + 2,
                "{d:?} is past the end of line {}: {line:?}",
                p.line
            );
        }
        assert!(!d.message.is_empty(), "{d:?} has no message");
    }
}

/// Runs every single-file parser over `text` and checks what they report.
fn parse_everything(text: &str, site: &SiteConfig) {
    let briefing = SourceFile::new("content/briefings/x.md", text);
    let (_, found) = parse::briefing(&briefing, site);
    assert_located(&found, &briefing.path, text);

    let page = SourceFile::new("content/pages/about.md", text);
    let (_, found) = parse::page(&page, site);
    assert_located(&found, &page.path, text);

    let speakers = SourceFile::new("content/speakers.yaml", text);
    let (_, found) = parse::site_speakers(&speakers);
    assert_located(&found, &speakers.path, text);

    let sources = SourceFile::new("content/sources.yaml", text);
    let (_, found) = parse::site_sources(&sources);
    assert_located(&found, &sources.path, text);

    let config_file = SourceFile::new("site.yaml", text);
    let (_, found) = config::load(Some(&config_file), &Options::new("."));
    assert_located(&found, &config_file.path, text);

    // The same YAML as a whole file, front matter stripped of its `---`.
    if let Some(inner) = text.strip_prefix("---\n") {
        let yaml = inner.split("\n---").next().unwrap_or(inner);
        let file = SourceFile::new("site.yaml", yaml);
        let (_, found) = config::load(Some(&file), &Options::new("."));
        assert_located(&found, &file.path, yaml);
    }
}

fn site_config() -> SiteConfig {
    config::load(None, &Options::new(".")).0
}

proptest! {
    #![proptest_config(config(cases()))]

    #[test]
    fn no_text_panics_a_parser(text in any_text()) {
        parse_everything(&text, &site_config());
    }

    #[test]
    fn no_mangled_briefing_panics_a_parser(text in briefing_text()) {
        parse_everything(&text, &site_config());
    }
}

// ------------------------------------------------------------ whole sites

/// A small site: maybe a site.yaml, speakers and sources files, one to
/// three briefings (some sharing a slug from different folders), maybe a
/// page and a template override.
#[derive(Debug, Clone)]
struct GeneratedSite {
    files: Vec<(String, String)>,
}

fn yaml_file() -> impl Strategy<Value = String> {
    prop::collection::vec((yaml_line(), line_ending()), 0..12).prop_map(join)
}

fn template() -> impl Strategy<Value = String> {
    let piece = proptest::sample::select(vec![
        "{% extends \"base.html\" %}",
        "{% block content %}",
        "{% endblock content %}",
        "{{ briefing.title }}",
        "{{ briefing.title }",
        "{{ nothing_here }}",
        "{% for c in briefing.claims %}{{ c.id }}{% endfor %}",
        "{% if %}",
        "{{ 1 / 0 }}",
        "{% include \"missing.html\" %}",
        "{{ briefing | json_encode | safe }}",
        "<h1>plain</h1>",
    ]);
    prop::collection::vec(piece, 0..5).prop_map(|p| p.join("\n"))
}

fn site() -> impl Strategy<Value = GeneratedSite> {
    let briefing_path = proptest::sample::select(vec![
        "content/briefings/x.md",
        "content/briefings/a/x.md",
        "content/briefings/b/x.md",
        "content/briefings/y.md",
        "content/briefings/Ünïcode Name.md",
        "content/briefings/2024/10/z.md",
    ]);
    (
        prop::option::of(prop_oneof![
            yaml_file(),
            Just("verdicts:\n  - { id: true, label: \"True\", rating: 5 }\n  - { id: false, label: \"False\", rating: 1 }\n".to_owned()),
            Just("title: Desk\nbase_url: https://factdesk.example.org/desk/\nmarkdown:\n  safe: true\n".to_owned()),
        ]),
        prop::option::of(yaml_file()),
        prop::option::of(yaml_file()),
        prop::collection::vec((briefing_path, briefing_text()), 1..4),
        prop::option::of(briefing_text()),
        prop::option::weighted(0.15, template()),
    )
        .prop_map(|(config, speakers, sources, briefings, page, template)| {
            let mut files = Vec::new();
            if let Some(text) = config {
                files.push(("site.yaml".to_owned(), text));
            }
            if let Some(text) = speakers {
                files.push(("content/speakers.yaml".to_owned(), text));
            }
            if let Some(text) = sources {
                files.push(("content/sources.yaml".to_owned(), text));
            }
            for (path, text) in briefings {
                files.push((path.to_owned(), text));
            }
            if let Some(text) = page {
                files.push(("content/pages/about.md".to_owned(), text));
            }
            if let Some(text) = template {
                files.push(("templates/briefing.html".to_owned(), text));
            }
            // One text per path: a later file replaces an earlier one.
            let mut unique: Vec<(String, String)> = Vec::new();
            for (path, text) in files {
                unique.retain(|(p, _)| *p != path);
                unique.push((path, text));
            }
            GeneratedSite { files: unique }
        })
}

/// Checks and builds `site` in a temporary folder. A failure must come
/// with located errors, all of which render; a success writes a site.
fn check_and_build(site: &GeneratedSite) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for (path, text) in &site.files {
        let path = root.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, text).unwrap();
    }
    let texts: Vec<(&Path, String)> = site
        .files
        .iter()
        .map(|(p, t)| {
            (
                Path::new(p.as_str()),
                t.trim_start_matches('\u{feff}').to_owned(),
            )
        })
        .collect();
    let check_located = |diagnostics: &[Diagnostic]| {
        for d in diagnostics {
            if let Some((path, text)) = texts.iter().find(|(p, _)| *p == d.file) {
                assert_located(std::slice::from_ref(d), path, text);
            }
        }
        let shown = diagnostic::render_plain(diagnostics, root);
        assert!(diagnostics.is_empty() || !shown.is_empty());
    };

    let mut options = Options::new(root);
    options.drafts = true;
    let checked = brief::check(&options);
    match &checked {
        Ok((_, warnings)) => check_located(warnings),
        Err(errors) => {
            assert!(
                errors.iter().any(Diagnostic::is_error),
                "failed without an error"
            );
            check_located(errors);
        }
    }

    options.output = Some(root.join("out"));
    match brief::build(&options) {
        Ok(report) => {
            assert!(checked.is_ok(), "build succeeded where check failed");
            check_located(&report.warnings);
            assert!(root.join("out/index.html").is_file());
        }
        Err(brief::Failure::Content(errors)) => {
            assert!(
                checked.is_err(),
                "build failed where check passed: {errors:?}"
            );
            check_located(&errors);
        }
        Err(brief::Failure::Write(err)) => panic!("cannot write the output: {err:?}"),
    }
}

proptest! {
    #![proptest_config(config((cases() / 16).max(1)))]

    #[test]
    fn no_generated_site_panics_a_build(site in site()) {
        check_and_build(&site);
    }
}
