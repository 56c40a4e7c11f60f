//! A rebuild after each edit writes exactly what a fresh full build of the
//! same files writes, byte for byte, and leaves unchanged files alone.

mod common;

use std::collections::HashSet;
use std::fs;
use std::path::PathBuf;

use brief::config::Options;
use brief::session::{Session, Written};
use common::{snapshot, Site};

const SPEAKERS: &str = "\
kim:
  name: Kim Song
  role: Permanent Representative
nebenzia:
  name: Vassily Nebenzia
";

fn site() -> Site {
    Site::with(&[
        ("content/briefings/x.md", common::MINIMAL_BRIEFING),
        ("content/briefings/y.md", common::SECOND_BRIEFING),
        ("content/speakers.yaml", SPEAKERS),
        (
            "content/pages/about.md",
            "---\ntitle: About\n---\nWho we are.\n",
        ),
        ("static/logo.txt", "logo"),
    ])
}

/// Builds `site` afresh into a separate folder and returns its files.
fn fresh_build(site: &Site) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    let mut options = Options::new(site.root());
    options.output = Some(dir.path().join("out"));
    let report = Session::new(options).build();
    assert!(report.is_ok(), "fresh build failed: {report:?}");
    snapshot(&dir.path().join("out"))
}

struct Live {
    session: Session,
    announced: Vec<Written>,
}

impl Live {
    fn start(site: &Site) -> Live {
        let mut session = Session::new(Options::new(site.root()));
        session.build().expect("first build");
        Live {
            session,
            announced: Vec::new(),
        }
    }

    fn rebuild(&mut self, site: &Site, changed: &[&str]) -> Result<(), String> {
        let changed: HashSet<PathBuf> = changed.iter().map(|p| site.path(p)).collect();
        let announced = &mut self.announced;
        announced.clear();
        self.session
            .rebuild(Some(&changed), &mut |w| announced.push(w.clone()))
            .map(|_| ())
            .map_err(|e| format!("{e:?}"))
    }

    fn pages_announced(&self) -> Vec<String> {
        let mut pages: Vec<String> = self
            .announced
            .iter()
            .flat_map(|w| w.pages.clone())
            .collect();
        pages.sort();
        pages
    }
}

fn assert_same_as_fresh(site: &Site, step: &str) {
    let live = site.snapshot("public");
    let fresh = fresh_build(site);
    let live_paths: Vec<_> = live.keys().collect();
    let fresh_paths: Vec<_> = fresh.keys().collect();
    assert_eq!(live_paths, fresh_paths, "after {step}: different files");
    for (path, bytes) in &fresh {
        assert!(
            live[path] == *bytes,
            "after {step}: {} differs from a fresh build",
            path.display()
        );
    }
}

/// A `corrections:` entry for the end of a briefing's front matter.
const CORRECTION: &str = "corrections:\n  - date: 2024-11-05\n    text: Fixed a name.\n";

/// An edit made on disk; returns the paths it touched.
type Edit = dyn Fn(&Site) -> Vec<&'static str>;

#[test]
fn every_rebuild_equals_a_fresh_build() {
    let site = site();
    let mut live = Live::start(&site);
    assert_same_as_fresh(&site, "the first build");

    let steps: Vec<(&str, Box<Edit>)> = vec![
        (
            "changing a verdict",
            Box::new(|s: &Site| {
                let text = fs::read_to_string(s.path("content/briefings/x.md")).unwrap();
                s.write(
                    "content/briefings/x.md",
                    &text.replace("verdict: unverified", "verdict: false"),
                );
                vec!["content/briefings/x.md"]
            }),
        ),
        (
            "rewording a claim's explanation (its own page changes)",
            Box::new(|s: &Site| {
                s.write(
                    "content/briefings/y.md",
                    &common::SECOND_BRIEFING.replace("See [the first]", "Compare [the first]"),
                );
                vec!["content/briefings/y.md"]
            }),
        ),
        (
            "adding a correction",
            Box::new(|s: &Site| {
                let text = fs::read_to_string(s.path("content/briefings/x.md")).unwrap();
                s.write(
                    "content/briefings/x.md",
                    &text.replace("---\nBody text.", &format!("{CORRECTION}---\nBody text.")),
                );
                vec!["content/briefings/x.md"]
            }),
        ),
        (
            "rewording a correction",
            Box::new(|s: &Site| {
                let text = fs::read_to_string(s.path("content/briefings/x.md")).unwrap();
                s.write(
                    "content/briefings/x.md",
                    &text.replace("Fixed a name.", "Fixed a name and a date."),
                );
                vec!["content/briefings/x.md"]
            }),
        ),
        (
            "renaming a claim (its page moves)",
            Box::new(|s: &Site| {
                s.write(
                    "content/briefings/y.md",
                    &common::SECOND_BRIEFING.replace("id: breach", "id: breached"),
                );
                vec!["content/briefings/y.md"]
            }),
        ),
        (
            "giving a claim to another speaker (both speakers' feeds change)",
            Box::new(|s: &Site| {
                s.write(
                    "content/briefings/y.md",
                    &common::SECOND_BRIEFING
                        .replace("id: breach", "id: breached")
                        .replace("speaker: nebenzia", "speaker: kim"),
                );
                vec!["content/briefings/y.md"]
            }),
        ),
        (
            "dropping a tag (its page and feed go)",
            Box::new(|s: &Site| {
                s.write(
                    "content/briefings/y.md",
                    &common::SECOND_BRIEFING
                        .replace("id: breach", "id: breached")
                        .replace("speaker: nebenzia", "speaker: kim")
                        .replace("tags: [sanctions]", "tags: []"),
                );
                vec!["content/briefings/y.md"]
            }),
        ),
        (
            "bringing the tag back as it was (its feed is written again)",
            Box::new(|s: &Site| {
                s.write(
                    "content/briefings/y.md",
                    &common::SECOND_BRIEFING
                        .replace("id: breach", "id: breached")
                        .replace("speaker: nebenzia", "speaker: kim"),
                );
                vec!["content/briefings/y.md"]
            }),
        ),
        (
            "giving the claim back to its speaker",
            Box::new(|s: &Site| {
                s.write(
                    "content/briefings/y.md",
                    &common::SECOND_BRIEFING.replace("id: breach", "id: breached"),
                );
                vec!["content/briefings/y.md"]
            }),
        ),
        (
            "renaming a site-wide speaker",
            Box::new(|s: &Site| {
                s.write(
                    "content/speakers.yaml",
                    &SPEAKERS.replace("Vassily Nebenzia", "V. A. Nebenzia"),
                );
                vec!["content/speakers.yaml"]
            }),
        ),
        (
            "adding a briefing",
            Box::new(|s: &Site| {
                s.write(
                    "content/briefings/z.md",
                    &common::SECOND_BRIEFING
                        .replace("A second", "A third")
                        .replace("sanctions", "un"),
                );
                vec!["content/briefings/z.md"]
            }),
        ),
        (
            "renaming a briefing's file",
            Box::new(|s: &Site| {
                fs::rename(
                    s.path("content/briefings/z.md"),
                    s.path("content/briefings/w.md"),
                )
                .unwrap();
                vec!["content/briefings/z.md", "content/briefings/w.md"]
            }),
        ),
        (
            "changing a plain page's title",
            Box::new(|s: &Site| {
                s.write(
                    "content/pages/about.md",
                    "---\ntitle: About the desk\n---\nWho we are.\n",
                );
                vec!["content/pages/about.md"]
            }),
        ),
        (
            "overriding a template",
            Box::new(|s: &Site| {
                let page = brief::theme::TEMPLATES
                    .iter()
                    .find(|(n, _)| *n == "page.html")
                    .unwrap()
                    .1;
                s.write(
                    "templates/page.html",
                    &page.replace("<h1", "<h1 data-own=\"yes\""),
                );
                vec!["templates/page.html"]
            }),
        ),
        (
            "changing a static file",
            Box::new(|s: &Site| {
                s.write("static/logo.txt", "new logo");
                vec!["static/logo.txt"]
            }),
        ),
        (
            "changing the site title",
            Box::new(|s: &Site| {
                s.write("site.yaml", "title: Renamed Desk\n");
                vec!["site.yaml"]
            }),
        ),
        (
            "setting the menu",
            Box::new(|s: &Site| {
                s.write(
                    "site.yaml",
                    "menu:\n  - about\n  - verdicts\n  - {label: Charter, url: \"https://www.un.org/\"}\n",
                );
                vec!["site.yaml"]
            }),
        ),
        (
            "deleting a briefing",
            Box::new(|s: &Site| {
                fs::remove_file(s.path("content/briefings/w.md")).unwrap();
                vec!["content/briefings/w.md"]
            }),
        ),
        (
            "removing a static file",
            Box::new(|s: &Site| {
                fs::remove_file(s.path("static/logo.txt")).unwrap();
                vec!["static/logo.txt"]
            }),
        ),
        (
            "listing the desk's authors and giving a briefing a byline",
            Box::new(|s: &Site| {
                s.write(
                    "content/authors.yaml",
                    "ana:\n  name: Ana Desk\nben:\n  name: Ben Desk\n",
                );
                let text = fs::read_to_string(s.path("content/briefings/x.md")).unwrap();
                s.write(
                    "content/briefings/x.md",
                    &text.replacen("summary:", "authors: [ana]\nsummary:", 1),
                );
                vec!["content/authors.yaml", "content/briefings/x.md"]
            }),
        ),
        (
            "renaming an author (bylines, their page and the feeds change)",
            Box::new(|s: &Site| {
                s.write(
                    "content/authors.yaml",
                    "ana:\n  name: Ana M. Desk\n  role: Editor\nben:\n  name: Ben Desk\n",
                );
                vec!["content/authors.yaml"]
            }),
        ),
        (
            "giving a briefing to another author",
            Box::new(|s: &Site| {
                let text = fs::read_to_string(s.path("content/briefings/x.md")).unwrap();
                s.write(
                    "content/briefings/x.md",
                    &text.replace("authors: [ana]", "authors: [ben]"),
                );
                vec!["content/briefings/x.md"]
            }),
        ),
        (
            "removing authors.yaml (the byline is a plain name again)",
            Box::new(|s: &Site| {
                fs::remove_file(s.path("content/authors.yaml")).unwrap();
                vec!["content/authors.yaml"]
            }),
        ),
        (
            "overriding the claim row (every list of claims changes)",
            Box::new(|s: &Site| {
                s.write(
                    "templates/claim_row.html",
                    "<li class=\"my-row\"><a href=\"{{ claim.page_url }}\">{{ claim.text }}</a></li>",
                );
                vec!["templates/claim_row.html"]
            }),
        ),
        (
            "overriding the claim card (every briefing and claim page changes)",
            Box::new(|s: &Site| {
                s.write(
                    "templates/claim_card.html",
                    "<article class=\"my-card\">{{ claim.text }} {{ show_briefing }}</article>",
                );
                vec!["templates/claim_card.html"]
            }),
        ),
        (
            "overriding the source card (every claim card changes)",
            Box::new(|s: &Site| {
                s.write(
                    "templates/source_card.html",
                    "<p class=\"my-source\">{{ source.title }}</p>",
                );
                vec!["templates/source_card.html"]
            }),
        ),
        (
            "overriding the briefing item (every list of briefings changes)",
            Box::new(|s: &Site| {
                s.write(
                    "templates/briefing_item.html",
                    "<p class=\"my-item\">{{ briefing.title }}: {{ briefing.claim_count }}</p>",
                );
                vec!["templates/briefing_item.html"]
            }),
        ),
        (
            "adding a briefing with a claim by x's speaker (each lists the other as related)",
            Box::new(|s: &Site| {
                s.write(
                    "content/briefings/related.md",
                    &common::MINIMAL_BRIEFING
                        .replace("title: A minimal briefing", "title: A related briefing")
                        .replace("id: first", "id: again")
                        .replace("Any deployment", "No deployment"),
                );
                vec!["content/briefings/related.md"]
            }),
        ),
        (
            "overriding the related claim line (every list of related fact checks changes)",
            Box::new(|s: &Site| {
                s.write(
                    "templates/related_claim.html",
                    "<li class=\"my-related\">{{ claim.speaker.name }}: {{ claim.text }}</li>",
                );
                vec!["templates/related_claim.html"]
            }),
        ),
        (
            "editing a claim shown by overridden rows and cards",
            Box::new(|s: &Site| {
                let text = fs::read_to_string(s.path("content/briefings/x.md")).unwrap();
                let edited = text.replace("would comply", "will comply");
                assert_ne!(edited, text, "the claim's words are where they were");
                s.write("content/briefings/x.md", &edited);
                vec!["content/briefings/x.md"]
            }),
        ),
        (
            "removing the row and card overrides (the source card's shows)",
            Box::new(|s: &Site| {
                fs::remove_file(s.path("templates/claim_row.html")).unwrap();
                fs::remove_file(s.path("templates/claim_card.html")).unwrap();
                vec!["templates/claim_row.html", "templates/claim_card.html"]
            }),
        ),
        (
            "removing the source card override",
            Box::new(|s: &Site| {
                fs::remove_file(s.path("templates/source_card.html")).unwrap();
                vec!["templates/source_card.html"]
            }),
        ),
        (
            "removing the related claim line override",
            Box::new(|s: &Site| {
                fs::remove_file(s.path("templates/related_claim.html")).unwrap();
                vec!["templates/related_claim.html"]
            }),
        ),
        (
            "editing a briefing's title shown by overridden items",
            Box::new(|s: &Site| {
                let text = fs::read_to_string(s.path("content/briefings/x.md")).unwrap();
                let edited = text.replacen("title: ", "title: Retitled ", 1);
                assert_ne!(edited, text, "the briefing has a title");
                s.write("content/briefings/x.md", &edited);
                vec!["content/briefings/x.md"]
            }),
        ),
        (
            "removing the briefing item override",
            Box::new(|s: &Site| {
                fs::remove_file(s.path("templates/briefing_item.html")).unwrap();
                vec!["templates/briefing_item.html"]
            }),
        ),
    ];
    for (step, edit) in steps {
        let changed = edit(&site);
        live.rebuild(&site, &changed)
            .unwrap_or_else(|e| panic!("{step}: {e}"));
        assert_same_as_fresh(&site, step);
    }
}

#[test]
fn a_broken_save_changes_nothing_and_the_fix_catches_up() {
    let site = site();
    let mut live = Live::start(&site);
    let before = site.snapshot("public");
    site.write(
        "content/briefings/x.md",
        &common::MINIMAL_BRIEFING.replace("speaker: kim", "speaker: nobody"),
    );
    let err = live
        .rebuild(&site, &["content/briefings/x.md"])
        .unwrap_err();
    assert!(err.contains("unknown speaker `nobody`"), "{err}");
    assert!(
        site.snapshot("public") == before,
        "a failed rebuild must not write"
    );

    site.write(
        "content/briefings/x.md",
        &common::MINIMAL_BRIEFING.replace("Body text.", "Fixed body."),
    );
    live.rebuild(&site, &["content/briefings/x.md"]).unwrap();
    assert_same_as_fresh(&site, "the fix");
}

/// A briefing's references are checked again when another briefing comes
/// to define what it names, though the briefing itself did not change:
/// the error then says where the definition is.
#[test]
fn an_unknown_reference_is_told_where_another_briefing_defines_it() {
    let site = site();
    let mut live = Live::start(&site);
    site.write(
        "content/briefings/y.md",
        &common::SECOND_BRIEFING.replace("speaker: nebenzia", "speaker: guest"),
    );
    let err = live
        .rebuild(&site, &["content/briefings/y.md"])
        .unwrap_err();
    assert!(err.contains("unknown speaker `guest`"), "{err}");
    assert!(!err.contains("it is defined in"), "{err}");

    // Only x changes: it defines `guest` for its own claims.
    site.write(
        "content/briefings/x.md",
        &common::MINIMAL_BRIEFING
            .replace("speakers:\n", "speakers:\n  guest:\n    name: A Guest\n"),
    );
    let err = live
        .rebuild(&site, &["content/briefings/x.md"])
        .unwrap_err();
    assert!(
        err.contains("unknown speaker `guest`: it is defined in") && err.contains("x.md"),
        "{err}"
    );

    // Defined site-wide, it is known to every briefing.
    site.write(
        "content/speakers.yaml",
        &format!("{SPEAKERS}guest:\n  name: A Guest\n"),
    );
    live.rebuild(&site, &["content/speakers.yaml"]).unwrap();
    assert_same_as_fresh(&site, "the site-wide speaker");

    // And unknown again once it is gone from there, with x still
    // defining it.
    site.write("content/speakers.yaml", SPEAKERS);
    let err = live.rebuild(&site, &["content/speakers.yaml"]).unwrap_err();
    assert!(
        err.contains("unknown speaker `guest`: it is defined in"),
        "{err}"
    );
}

#[test]
fn an_edit_rewrites_only_the_pages_that_show_it() {
    let site = site();
    let mut live = Live::start(&site);
    let before = site.snapshot("public");
    let modified = |path: &str| {
        fs::metadata(site.path("public").join(path))
            .unwrap()
            .modified()
            .unwrap()
    };
    let about_time = modified("about/index.html");

    // The body is shown only on the briefing's own page.
    site.write(
        "content/briefings/y.md",
        &common::SECOND_BRIEFING.replace("Second body.", "A new second body."),
    );
    live.rebuild(&site, &["content/briefings/y.md"]).unwrap();
    assert_eq!(live.pages_announced(), ["/briefings/y/"]);
    let after = site.snapshot("public");
    let (index, changed): (Vec<_>, Vec<_>) = after
        .keys()
        .filter(|p| before.get(*p) != after.get(*p))
        .partition(|p| p.starts_with("search"));
    assert_eq!(changed, [&PathBuf::from("briefings/y/index.html")]);
    // The search index has the body's words; what results show is unchanged.
    assert!(
        index
            .iter()
            .all(|p| p.starts_with("search/terms") || p.ends_with("search/meta.json")),
        "{index:?}"
    );
    assert_eq!(
        modified("about/index.html"),
        about_time,
        "unchanged files are not rewritten"
    );

    // A verdict shows on the briefing, its speaker, the verdict pages and the lists.
    site.write(
        "content/briefings/y.md",
        &common::SECOND_BRIEFING.replace("verdict: misleading", "verdict: false"),
    );
    live.rebuild(&site, &["content/briefings/y.md"]).unwrap();
    let pages = live.pages_announced();
    for expected in [
        "/briefings/y/",
        "/briefings/y/claims/breach/",
        "/",
        "/speakers/nebenzia/",
        "/verdicts/false/",
        "/verdicts/misleading/",
    ] {
        assert!(
            pages.contains(&expected.to_string()),
            "{expected} not rebuilt: {pages:?}"
        );
    }
    for untouched in [
        "/briefings/x/",
        "/briefings/x/claims/first/",
        "/speakers/kim/",
        "/about/",
    ] {
        assert!(
            !pages.contains(&untouched.to_string()),
            "{untouched} rebuilt needlessly: {pages:?}"
        );
    }
    assert_same_as_fresh(&site, "the verdict change");
}

#[test]
fn a_correction_rewrites_its_briefing_and_the_corrections_page() {
    let site = site();
    let mut live = Live::start(&site);
    let corrections = || fs::read_to_string(site.path("public/corrections/index.html")).unwrap();
    assert!(!corrections().contains("Fixed a name."));

    site.write(
        "content/briefings/y.md",
        &common::SECOND_BRIEFING.replace(
            "---\nSecond body.",
            &format!("{CORRECTION}---\nSecond body."),
        ),
    );
    live.rebuild(&site, &["content/briefings/y.md"]).unwrap();
    assert_eq!(
        live.pages_announced(),
        [
            "/briefings/y/",
            "/briefings/y/claims/breach/",
            "/corrections/"
        ],
        "a correction shows on its briefing, on /corrections/ and in the modified \
         time of its claim pages' share meta, nowhere else"
    );
    assert!(corrections().contains("Fixed a name."));
    assert_same_as_fresh(&site, "adding a correction");

    // A correction lists its briefing's title, so renaming it rewrites the page.
    site.write(
        "content/briefings/y.md",
        &common::SECOND_BRIEFING
            .replace(
                "---\nSecond body.",
                &format!("{CORRECTION}---\nSecond body."),
            )
            .replace("title: A second briefing", "title: A renamed briefing"),
    );
    live.rebuild(&site, &["content/briefings/y.md"]).unwrap();
    assert!(live.pages_announced().contains(&"/corrections/".to_owned()));
    assert!(corrections().contains("A renamed briefing"));
    assert_same_as_fresh(&site, "renaming a corrected briefing");
}

#[test]
fn a_template_edit_re_renders_only_the_pages_made_with_it() {
    let site = site();
    let mut live = Live::start(&site);
    let urls_of = |prefix: &str| -> Vec<String> {
        let mut urls: Vec<String> = common::html_files(&site.path("public"))
            .into_iter()
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .filter(|p| p.starts_with(prefix) && p != &format!("{prefix}index.html"))
            .map(|p| format!("/{}", p.trim_end_matches("index.html")))
            .collect();
        urls.sort();
        urls
    };
    for (template, prefix) in [("verdict.html", "verdicts/"), ("tag.html", "tags/")] {
        let text = brief::theme::TEMPLATES
            .iter()
            .find(|(n, _)| *n == template)
            .unwrap()
            .1;
        let path = format!("templates/{template}");
        site.write(&path, &text.replace("<h1>", "<h1 data-own=\"yes\">"));
        live.announced.clear();
        live.rebuild(&site, &[path.as_str()]).unwrap();
        let expected = urls_of(prefix);
        assert!(!expected.is_empty());
        assert_eq!(live.pages_announced(), expected, "after editing {template}");
        assert_same_as_fresh(&site, template);
    }
}

#[test]
fn a_stylesheet_change_announces_only_the_stylesheet() {
    let site = site();
    site.write("static/style.css", "body { color: black; }");
    let mut live = Live::start(&site);
    site.write("static/style.css", "body { color: navy; }");
    live.rebuild(&site, &["static/style.css"]).unwrap();
    assert!(live.pages_announced().is_empty());
    let assets: Vec<PathBuf> = live
        .announced
        .iter()
        .flat_map(|w| w.assets.clone())
        .collect();
    assert_eq!(assets, [PathBuf::from("style.css")]);
}

#[test]
fn the_search_index_loses_shards_an_edit_no_longer_needs() {
    // Enough distinct words for several shards of the index, then a body
    // without them: no page comes or goes, but shard files must.
    let words: String = (0..12_000).map(|n| format!("w{n:05}x ")).collect();
    let site = site();
    site.write(
        "content/briefings/y.md",
        &common::SECOND_BRIEFING.replace("Second body.", &words),
    );
    let mut live = Live::start(&site);
    let shards = |site: &Site| {
        fs::read_dir(site.path("public/search/terms"))
            .unwrap()
            .count()
    };
    assert!(shards(&site) > 1, "the long body fills several shards");
    site.write("content/briefings/y.md", common::SECOND_BRIEFING);
    live.rebuild(&site, &["content/briefings/y.md"]).unwrap();
    assert_eq!(shards(&site), 1);
    let removed: Vec<PathBuf> = live
        .announced
        .iter()
        .flat_map(|w| w.removed.clone())
        .collect();
    assert!(
        removed.iter().all(|p| p.starts_with("search/terms")) && !removed.is_empty(),
        "{removed:?}"
    );
    assert_same_as_fresh(&site, "the long body's removal");
}

/// A briefing newer than the others whose source sorts between theirs, so
/// that adding it pushes the index and the sources list onto a second page
/// and moves an existing source's entry to `/sources/page/2/`.
const THIRD_BRIEFING: &str = "---
title: A third briefing
date: 2024-11-05
summary: Later claims.
sources:
  memo:
    title: Memo on the talks
    url: https://example.org/memo
claims:
  - id: talks
    speaker: nebenzia
    text: The talks went well.
    verdict: mixed
    explanation: Some went well.
    sources: [memo]
---
Third body.
";

#[test]
fn list_pages_come_and_go_as_in_a_fresh_build() {
    let site = site();
    site.write("site.yaml", "title: Desk\npaginate: 2\n");
    let mut live = Live::start(&site);
    let built = |url: &str| site.path("public").join(url).join("index.html").is_file();
    assert!(!built("page/2") && !built("sources/page/2"));

    site.write("content/briefings/z.md", THIRD_BRIEFING);
    live.rebuild(&site, &["content/briefings/z.md"]).unwrap();
    assert!(built("page/2") && built("sources/page/2"));
    assert_same_as_fresh(&site, "adding a third briefing");

    // Every page of the index charts every claim, not only its own.
    site.write(
        "content/briefings/y.md",
        &common::SECOND_BRIEFING.replace("verdict: misleading", "verdict: false"),
    );
    live.rebuild(&site, &["content/briefings/y.md"]).unwrap();
    assert_same_as_fresh(&site, "changing a verdict on the first page");

    fs::remove_file(site.path("content/briefings/z.md")).unwrap();
    live.rebuild(&site, &["content/briefings/z.md"]).unwrap();
    assert!(!built("page/2") && !built("sources/page/2"));
    assert!(
        !site.path("public/page").exists(),
        "an empty page/ folder stays"
    );
    assert_same_as_fresh(&site, "removing it again");

    site.write("content/briefings/z.md", THIRD_BRIEFING);
    site.write("site.yaml", "title: Desk\npaginate: 1\n");
    live.rebuild(&site, &["content/briefings/z.md", "site.yaml"])
        .unwrap();
    assert!(built("page/3") && built("sources/page/3"));
    assert_same_as_fresh(&site, "one entry a page");

    site.write("site.yaml", "title: Desk\n");
    live.rebuild(&site, &["site.yaml"]).unwrap();
    assert!(!built("page/2"));
    assert_same_as_fresh(&site, "back to the default");
}
