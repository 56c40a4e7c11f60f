//! The files a build writes for machines: the Atom feed (read back with a
//! real feed parser), the sitemap (validated against the sitemaps.org
//! schema with xmllint), robots.txt and claims.json, each checked against
//! the front matter it was made from.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::Value as Json;

use common::{Site, MINIMAL_BRIEFING, SECOND_BRIEFING};

const SPEAKERS: &str = "nebenzia:\n  name: Vassily Nebenzia\n  role: Permanent Representative\n  affiliation: Russian Federation\n";

/// A briefing whose title and text carry markup and quotes, with a
/// correction, an archived source and a verbatim claim.
const TRICKY: &str = r#"---
title: "Tricky </script> \"quotes\" & ampersands"
date: 2024-11-05
updated: 2024-11-07
summary: "A <b>bold</b> summary & more."
authors: [Ana Desk, Ben Desk]
tags: [media, "C & D"]
sources:
  rec:
    title: "Record <of> the meeting"
    publisher: United Nations
    url: https://press.un.org/en/2024/sc15868.doc.htm?a=1&b=2
    archived: https://web.archive.org/web/2024/https://press.un.org/en/2024/sc15868.doc.htm
    date: 2024-10-30
    accessed: 2024-11-01
claims:
  - id: said-it
    speaker: nebenzia
    text: "We said </script> and \"more\" & less."
    verbatim: true
    date: 2024-10-30
    appearance: https://webtv.un.org/en/asset/k1x/k1xyz
    verdict: "false"
    explanation: It is **not** so.
    sources: [rec]
corrections:
  - { date: 2024-11-09, text: Fixed a date. }
---
Body.
"#;

fn site() -> Site {
    Site::with(&[
        (
            "site.yaml",
            "title: Desk & Co\nbase_url: https://desk.example.org/checks/\ndescription: Checks.\npublisher:\n  name: Example Desk\n",
        ),
        ("content/speakers.yaml", SPEAKERS),
        ("content/briefings/x.md", MINIMAL_BRIEFING),
        ("content/briefings/y.md", SECOND_BRIEFING),
        ("content/briefings/tricky.md", TRICKY),
        (
            "content/pages/about.md",
            "---\ntitle: About\n---\nWho we are.\n",
        ),
    ])
}

fn read(site: &Site, rel: &str) -> String {
    fs::read_to_string(site.path("public").join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn feed(site: &Site) -> feed_rs::model::Feed {
    feed_rs::parser::parse(read(site, "feed.xml").as_bytes()).expect("feed.xml parses as a feed")
}

#[test]
fn the_feed_lists_briefings_newest_first_with_their_corrections() {
    let site = site();
    site.build();
    let feed = feed(&site);

    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    assert_eq!(feed.title.unwrap().content, "Desk & Co");
    assert_eq!(feed.id, "https://desk.example.org/checks/");
    let titles: Vec<String> = feed
        .entries
        .iter()
        .map(|e| e.title.as_ref().unwrap().content.clone())
        .collect();
    assert_eq!(
        titles,
        [
            r#"Tricky </script> "quotes" & ampersands"#,
            "A second briefing",
            "A minimal briefing"
        ]
    );

    let tricky = &feed.entries[0];
    assert_eq!(
        tricky.id,
        "https://desk.example.org/checks/briefings/tricky/"
    );
    assert_eq!(
        tricky
            .links
            .iter()
            .map(|l| l.href.as_str())
            .collect::<Vec<_>>(),
        ["https://desk.example.org/checks/briefings/tricky/"]
    );
    assert_eq!(
        tricky.published.unwrap().date_naive().to_string(),
        "2024-11-05"
    );
    // The correction is later than `updated`, so it is when the entry changed.
    assert_eq!(
        tricky.updated.unwrap().date_naive().to_string(),
        "2024-11-09"
    );
    assert_eq!(
        tricky.summary.as_ref().unwrap().content,
        "A <b>bold</b> summary & more."
    );
    let authors: Vec<&str> = tricky
        .authors
        .iter()
        .map(|a| a.name.as_deref().unwrap_or_default())
        .collect();
    assert_eq!(authors, ["Ana Desk", "Ben Desk"]);
    let content = tricky.content.as_ref().unwrap().body.as_ref().unwrap();
    assert!(
        content.contains("“We said &lt;/script&gt; and &quot;more&quot; &amp; less.”"),
        "the claim is escaped HTML inside the content: {content}"
    );
    assert!(content
        .contains("href=\"https://desk.example.org/checks/briefings/tricky/#claim-said-it\""));

    // A briefing never updated was last changed when published; the feed
    // itself changed with its newest entry.
    assert_eq!(
        feed.entries[2].updated.unwrap().date_naive().to_string(),
        "2024-10-31"
    );
    assert_eq!(feed.updated.unwrap().date_naive().to_string(), "2024-11-09");
    // The publisher stands in for briefings without authors.
    assert_eq!(
        feed.entries[1].authors[0].name.as_deref(),
        Some("Example Desk")
    );
}

#[test]
fn the_feed_carries_the_twenty_newest() {
    let site = Site::with(&[("content/briefings/first.md", MINIMAL_BRIEFING)]);
    for day in 1..=22 {
        site.write(
            &format!("content/briefings/b{day:02}.md"),
            &MINIMAL_BRIEFING
                .replace("2024-10-31", &format!("2024-12-{day:02}"))
                .replace("A minimal briefing", &format!("Briefing {day}")),
        );
    }
    site.build();
    let feed = feed(&site);
    let titles: Vec<String> = feed
        .entries
        .iter()
        .map(|e| e.title.as_ref().unwrap().content.clone())
        .collect();
    let expected: Vec<String> = (3..=22).rev().map(|d| format!("Briefing {d}")).collect();
    assert_eq!(titles, expected);
}

/// Validates an XML file against an XSD with xmllint; without xmllint the
/// check follows the rule in tests/common (SKIPPED, or a failure under CI)
/// and the rest of the test still runs.
fn validate(xml: &Path, xsd: &str) {
    let Some(xmllint) = common::xmllint() else {
        return;
    };
    let xsd = Path::new(env!("CARGO_MANIFEST_DIR")).join(xsd);
    let out = Command::new(xmllint)
        .arg("--noout")
        .arg("--schema")
        .arg(&xsd)
        .arg(xml)
        .output()
        .expect("run xmllint");
    assert!(
        out.status.success(),
        "{} is not valid:\n{}",
        xml.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_sitemap_is_valid_and_lists_every_page_with_its_last_change() {
    let site = site();
    site.build();
    let sitemap_path = site.path("public/sitemap.xml");
    validate(&sitemap_path, "tests/tools/sitemap.xsd");

    let text = read(&site, "sitemap.xml");
    let doc = common::sitemap_entries(&text);
    let listed: BTreeSet<String> = doc.keys().cloned().collect();
    let built = common::html_files(&site.path("public"));
    // Claim embeds are made to sit in other sites' frames, not to be found.
    assert!(built.iter().any(|p| p.ends_with("embed/index.html")));
    let pages: BTreeSet<String> = built
        .into_iter()
        .filter(|p| p != Path::new("404.html") && !p.ends_with("embed/index.html"))
        .map(|p| {
            let url = p.to_string_lossy().replace('\\', "/");
            format!(
                "https://desk.example.org/checks/{}",
                url.trim_end_matches("index.html")
            )
        })
        .collect();
    assert_eq!(listed, pages, "the sitemap lists exactly the built pages");
    assert!(listed.contains("https://desk.example.org/checks/briefings/tricky/claims/said-it/"));

    let lastmod = |url: &str| doc.get(url).cloned().flatten();
    let base = "https://desk.example.org/checks/";
    assert_eq!(
        lastmod(&format!("{base}briefings/tricky/")).as_deref(),
        Some("2024-11-09")
    );
    assert_eq!(
        lastmod(&format!("{base}briefings/tricky/claims/said-it/")).as_deref(),
        Some("2024-11-09")
    );
    assert_eq!(
        lastmod(&format!("{base}briefings/x/")).as_deref(),
        Some("2024-10-31")
    );
    // A list changes with the newest of what it lists.
    assert_eq!(lastmod(base).as_deref(), Some("2024-11-09"));
    assert_eq!(
        lastmod(&format!("{base}speakers/kim/")).as_deref(),
        Some("2024-10-31")
    );
    assert_eq!(
        lastmod(&format!("{base}tags/sanctions/")).as_deref(),
        Some("2024-11-02")
    );
    // A plain page has no date to give.
    assert_eq!(lastmod(&format!("{base}about/")), None);
}

#[test]
fn robots_txt_points_at_the_sitemap_and_a_static_file_replaces_it() {
    let site = site();
    site.build();
    assert_eq!(
        read(&site, "robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://desk.example.org/checks/sitemap.xml\n"
    );

    site.write("static/robots.txt", "User-agent: *\nDisallow: /\n");
    site.build();
    assert_eq!(read(&site, "robots.txt"), "User-agent: *\nDisallow: /\n");
}

#[test]
fn base_url_on_the_command_line_reaches_every_data_file() {
    let site = site();
    let run = site.run(&["build", "--base-url", "https://staging.example.net/"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    for file in ["feed.xml", "sitemap.xml", "robots.txt", "claims.json"] {
        let text = read(&site, file);
        assert!(
            !text.contains("desk.example.org/checks"),
            "{file} still names the site.yaml address"
        );
        assert!(text.contains("https://staging.example.net/"), "{file}");
    }
}

#[test]
fn claims_json_holds_every_claim_as_the_front_matter_says() {
    let site = site();
    site.build();
    let doc: Json = serde_json::from_str(&read(&site, "claims.json")).expect("claims.json parses");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["site"]["url"], "https://desk.example.org/checks/");
    let scale: Vec<&str> = doc["scale"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        scale,
        [
            "true",
            "mostly-true",
            "mixed",
            "misleading",
            "false",
            "unverified"
        ]
    );

    let claims = doc["claims"].as_array().unwrap();
    let ids: Vec<&str> = claims.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["said-it", "breach", "first"], "newest briefing first");

    let c = &claims[0];
    let base = "https://desk.example.org/checks/";
    assert_eq!(c["text"], r#"We said </script> and "more" & less."#);
    assert_eq!(c["verbatim"], true);
    assert_eq!(c["said"], "2024-10-30");
    assert_eq!(c["appearance"], "https://webtv.un.org/en/asset/k1x/k1xyz");
    assert_eq!(c["url"], format!("{base}briefings/tricky/#claim-said-it"));
    assert_eq!(c["page"], format!("{base}briefings/tricky/claims/said-it/"));
    assert_eq!(c["verdict"], "false");
    assert_eq!(c["explanation"], "It is not so.");
    assert_eq!(c["briefing"], "tricky");

    // Speakers, briefings and sources are listed once, by the keys claims use.
    let speaker = &doc["speakers"][c["speaker"].as_str().unwrap()];
    assert_eq!(c["speaker"], "nebenzia");
    assert_eq!(speaker["name"], "Vassily Nebenzia");
    assert_eq!(speaker["role"], "Permanent Representative");
    assert_eq!(speaker["affiliation"], "Russian Federation");
    assert_eq!(speaker["url"], format!("{base}speakers/nebenzia/"));
    assert_eq!(doc["speakers"].as_object().unwrap().len(), 2);

    assert_eq!(c["sources"], serde_json::json!(["rec"]));
    let source = &doc["sources"]["rec"];
    assert_eq!(source["title"], "Record <of> the meeting");
    assert_eq!(
        source["url"],
        "https://press.un.org/en/2024/sc15868.doc.htm?a=1&b=2"
    );
    assert_eq!(
        source["archived"],
        "https://web.archive.org/web/2024/https://press.un.org/en/2024/sc15868.doc.htm"
    );
    assert_eq!(source["date"], "2024-10-30");
    assert_eq!(source["accessed"], "2024-11-01");
    assert_eq!(source["sources_url"], format!("{base}sources/#source-rec"));
    assert_eq!(doc["sources"].as_object().unwrap().len(), 3);

    let briefing = &doc["briefings"]["tricky"];
    assert_eq!(
        briefing["title"],
        r#"Tricky </script> "quotes" & ampersands"#
    );
    assert_eq!(briefing["url"], format!("{base}briefings/tricky/"));
    assert_eq!(briefing["published"], "2024-11-05");
    assert_eq!(briefing["modified"], "2024-11-09");
    assert_eq!(briefing["tags"], serde_json::json!(["media", "C & D"]));

    // An unrated verdict has no number, and a briefing never changed has no
    // modified date.
    let first = &claims[2];
    assert_eq!(first["verdict"], "unverified");
    assert_eq!(doc["scale"][5]["rating"], Json::Null);
    assert_eq!(doc["scale"][4]["rating"], 1);
    assert_eq!(doc["briefings"]["x"]["modified"], Json::Null);
    assert_eq!(first["said"], Json::Null);
    // Every key a claim uses is defined.
    for claim in claims {
        assert!(doc["speakers"]
            .get(claim["speaker"].as_str().unwrap())
            .is_some());
        assert!(doc["briefings"]
            .get(claim["briefing"].as_str().unwrap())
            .is_some());
        for key in claim["sources"].as_array().unwrap() {
            assert!(doc["sources"].get(key.as_str().unwrap()).is_some(), "{key}");
        }
    }
}

#[test]
fn a_page_cannot_take_a_data_file_address() {
    let site = Site::with(&[
        ("content/briefings/x.md", MINIMAL_BRIEFING),
        (
            "content/pages/feed.xml.md",
            "---\ntitle: Feed\n---\nNot a feed.\n",
        ),
    ]);
    let before = site.snapshot("public");
    let run = site.run(&["build"]);
    assert_eq!(run.status, 1, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("the page /feed.xml/ clashes with the site's own file /feed.xml"),
        "{}",
        run.stderr
    );
    assert_eq!(site.snapshot("public"), before);
}

#[test]
fn markup_in_the_front_matter_comes_out_as_text_on_every_page() {
    let site = site();
    site.build();
    let title = r#"Tricky </script> "quotes" & ampersands"#;
    let claim = r#"We said </script> and "more" & less."#;
    for (url, shows_title, shows_claim) in [
        ("/briefings/tricky/", true, true),
        ("/briefings/tricky/claims/said-it/", true, true),
        ("/", true, false),
        ("/speakers/nebenzia/", false, true),
        ("/sources/", false, true),
        ("/verdicts/false/", false, true),
        ("/tags/media/", true, false),
    ] {
        let page = site.page(url);
        let text = common::texts(&page, "main").join(" ");
        if shows_title {
            assert!(
                text.contains(title),
                "{url}: the title is not intact: {text}"
            );
        }
        if shows_claim {
            assert!(
                text.contains(claim),
                "{url}: the claim is not intact: {text}"
            );
        }
        if url == "/" || url == "/briefings/tricky/" {
            assert!(
                text.contains("A <b>bold</b> summary & more."),
                "{url}: the summary is not intact: {text}"
            );
        }
        for inert in ["script:not([type])", "main b", "main of"] {
            let selector = scraper::Selector::parse(inert).unwrap();
            assert_eq!(
                page.select(&selector).count(),
                0,
                "{url}: markup from the front matter became an element ({inert})"
            );
        }
    }
}

/// A draft dated after every other briefing, so a feed that let drafts in
/// would put it first.
const DRAFT: &str = "---
title: An unfinished briefing
date: 2024-12-01
draft: true
summary: Not yet published.
---
Body.
";

#[test]
fn a_drafts_build_keeps_search_engines_out_and_drafts_out_of_the_feed() {
    let site = site();
    site.write("content/briefings/unfinished.md", DRAFT);
    site.build();
    let published = feed(&site);
    assert!(site.path("public/sitemap.xml").is_file());

    let run = site.run(&["build", "--drafts"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        site.path("public/briefings/unfinished/index.html")
            .is_file(),
        "the draft is not built"
    );
    assert_eq!(read(&site, "robots.txt"), "User-agent: *\nDisallow: /\n");
    assert!(
        !site.path("public/sitemap.xml").exists(),
        "a preview has no sitemap, and the last build's is removed"
    );
    let preview = feed(&site);
    let ids = |feed: &feed_rs::model::Feed| -> Vec<String> {
        feed.entries.iter().map(|e| e.id.clone()).collect()
    };
    assert!(
        !ids(&preview).iter().any(|id| id.contains("unfinished")),
        "the preview's feed carries the draft: {:?}",
        ids(&preview)
    );
    assert_eq!(
        ids(&preview),
        ids(&published),
        "the preview's feed is the published one"
    );
    assert_eq!(preview.updated, published.updated);

    // Without --drafts, everything is as before.
    site.build();
    assert!(site.path("public/sitemap.xml").is_file());
    assert!(read(&site, "robots.txt").starts_with("User-agent: *\nAllow: /\n"));
}

/// A draft by a site-wide speaker, with a tag that published briefings
/// have, dated after them: feeds that let drafts in would put it first.
const DRAFT_WITH_A_CLAIM: &str = "---
title: An unfinished claim
date: 2024-12-01
draft: true
summary: Not yet published.
tags: [sanctions]
sources:
  record:
    title: The meeting record
    publisher: United Nations
    url: https://press.un.org/en/2024/sc15872.doc.htm
claims:
  - id: later
    speaker: nebenzia
    text: Something not yet checked.
    verdict: unverified
    explanation: Still being checked.
    sources: [record]
---
Body.
";

#[test]
fn a_drafts_build_leaves_drafts_out_of_speaker_and_tag_feeds() {
    let site = site();
    site.write("content/briefings/unfinished.md", DRAFT_WITH_A_CLAIM);
    site.build();
    let feeds = ["speakers/nebenzia/feed.xml", "tags/sanctions/feed.xml"];
    let published: Vec<String> = feeds.iter().map(|f| read(&site, f)).collect();

    let run = site.run(&["build", "--drafts"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        site.path("public/briefings/unfinished/claims/later/index.html")
            .is_file(),
        "the draft's claim is not built"
    );
    for (path, published) in feeds.iter().zip(&published) {
        let preview = read(&site, path);
        let parsed = feed_rs::parser::parse(preview.as_bytes()).expect("parses as a feed");
        assert!(!parsed.entries.is_empty(), "{path} has no entries");
        assert!(
            !preview.contains("unfinished"),
            "the preview's {path} carries the draft:\n{preview}"
        );
        assert_eq!(
            &preview, published,
            "the preview's {path} is the published one"
        );
    }
}
