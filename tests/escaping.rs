//! Hostile text in every front matter field comes out inert in every
//! output: HTML text and attributes, JSON-LD, the feed, claims.json and the
//! search index each escape it for their own context, and read back it is
//! the text the writer typed. URLs with a `javascript:` scheme are refused.
//! (Markdown fields, the explanation and corrections, keep raw HTML unless
//! `markdown.safe` is set: tests/site.rs covers that.)

mod common;

use std::fs;

use scraper::{Html, Selector};
use serde_json::Value as Json;

use common::{Site, MINIMAL_BRIEFING};

/// What an attacker (or a careless paste) might put in a field.
const PAYLOAD: &str = "<script>alert(1)</script> \"><img src=x onerror=alert(2)> </script> ]]> '\u{202E}evil\u{202C}' &amp;";

fn yaml(text: &str) -> String {
    serde_json::to_string(text).unwrap() // JSON strings are YAML strings
}

fn hostile_site() -> Site {
    let p = yaml(PAYLOAD);
    let briefing = format!(
        "---
title: {p}
date: 2024-10-31
summary: {p}
event: {p}
authors: [{p}]
tags: [{p}]
speakers:
  kim:
    name: {p}
    role: {p}
    affiliation: {p}
sources:
  doc:
    title: {p}
    publisher: {p}
    url: https://example.org/a?b=1&c=%22%3E
    excerpt: {p}
claims:
  - id: first
    speaker: kim
    text: {p}
    verbatim: true
    verdict: false
    explanation: A plain ruling.
    sources: [doc]
corrections:
  - {{ date: 2024-11-02, text: A plain correction. }}
---
Body.
"
    );
    let site = Site::with(&[
        (
            "site.yaml",
            "title: Desk\nbase_url: https://desk.example.org/\n",
        ),
        ("content/briefings/hostile.md", &briefing),
    ]);
    site.build();
    site
}

#[test]
fn every_html_page_shows_the_payload_as_text_and_nothing_more() {
    let site = hostile_site();
    let pages = common::html_files(&site.path("public"));
    assert!(pages.len() > 10);
    let injected = Selector::parse("img, script:not([type]):not([src]), [onerror]").unwrap();
    let mut shown = 0;
    for rel in pages {
        let text = fs::read_to_string(site.path("public").join(&rel)).unwrap();
        let html = Html::parse_document(&text);
        assert_eq!(
            html.select(&injected).count(),
            0,
            "{}: the payload became markup",
            rel.display()
        );
        let all: String = html.root_element().text().collect();
        shown += all.matches("<script>alert(1)</script>").count();
        // Attributes (meta content, titles) hold it intact too.
        let metas = Selector::parse("meta[property='og:title']").unwrap();
        for meta in html.select(&metas) {
            let content = meta.value().attr("content").unwrap();
            if content.contains("alert(1)") {
                assert!(content.contains(PAYLOAD), "{}: {content}", rel.display());
            }
        }
    }
    assert!(
        shown > 5,
        "the payload should be shown as text on many pages"
    );
}

#[test]
fn json_ld_feed_claims_json_and_search_read_back_the_payload() {
    let site = hostile_site();
    let page = fs::read_to_string(site.path("public/briefings/hostile/index.html")).unwrap();
    let start = page.find("application/ld+json\">").unwrap() + "application/ld+json\">".len();
    let end = start + page[start..].find("</script>").unwrap();
    let ld: Json = serde_json::from_str(&page[start..end]).expect("JSON-LD parses");
    assert_eq!(ld[0]["claimReviewed"], PAYLOAD);
    assert_eq!(ld[0]["itemReviewed"]["author"]["name"], PAYLOAD);

    let feed =
        feed_rs::parser::parse(fs::read(site.path("public/feed.xml")).unwrap().as_slice()).unwrap();
    assert_eq!(feed.entries[0].title.as_ref().unwrap().content, PAYLOAD);
    assert_eq!(feed.entries[0].summary.as_ref().unwrap().content, PAYLOAD);

    let claims: Json =
        serde_json::from_str(&fs::read_to_string(site.path("public/claims.json")).unwrap())
            .unwrap();
    assert_eq!(claims["claims"][0]["text"], PAYLOAD);
    assert_eq!(claims["speakers"]["kim"]["name"], PAYLOAD);
    assert_eq!(claims["briefings"]["hostile"]["title"], PAYLOAD);

    // The index is JSON fetched by search.js, which puts text into the page
    // with textContent only; what matters is that it parses and holds the text.
    let mut found = false;
    for entry in walkdir::WalkDir::new(site.path("public/search")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "json") {
            let text = fs::read_to_string(entry.path()).unwrap();
            let doc: Json = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{}: {e}", entry.path().display()));
            found |= doc.to_string().contains("alert(2)");
        }
    }
    assert!(found, "the search index should hold the payload's text");

    let sitemap = fs::read_to_string(site.path("public/sitemap.xml")).unwrap();
    assert!(!sitemap.contains("<script"));
    assert!(!sitemap.contains("]]>"));
}

#[test]
fn javascript_urls_are_refused_where_a_url_is_expected() {
    let source_url = MINIMAL_BRIEFING.replace(
        "url: https://www.un.org/en/about-us/un-charter/full-text",
        "url: javascript:alert(1)",
    );
    let appearance = MINIMAL_BRIEFING.replace(
        "    verdict: unverified",
        "    verdict: unverified\n    appearance: javascript:alert(1)",
    );
    for briefing in [source_url, appearance] {
        assert!(briefing.contains("javascript:"));
        let site = Site::with(&[("content/briefings/x.md", &briefing)]);
        let run = site.run(&["build"]);
        assert_eq!(run.status, 1, "{}", run.stdout);
        assert!(run.stderr.contains("javascript:alert(1)"), "{}", run.stderr);
        assert!(!site.path("public").exists());
    }
}
