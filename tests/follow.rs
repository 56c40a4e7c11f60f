//! Following the site in parts: an Atom feed per speaker and per tag
//! (read back with a real feed parser), linked from the pages they follow.

mod common;

use std::fs;

use common::{attrs, texts, Site, MINIMAL_BRIEFING, SECOND_BRIEFING};

const SPEAKERS: &str = "nebenzia:\n  name: Vassily Nebenzia\n  role: Permanent Representative\n";

/// A third briefing, newest, with two claims by `nebenzia` and the
/// `sanctions` tag the second briefing carries too.
const THIRD_BRIEFING: &str = "---
title: A third briefing
date: 2024-11-09
summary: Later claims.
authors: [Ana Desk]
tags: [sanctions, \"Trade & tariffs\"]
sources:
  rec:
    title: Record of the meeting
    url: https://press.un.org/en/2024/sc15868.doc.htm
claims:
  - id: later
    speaker: nebenzia
    text: \"We said <nothing> & more.\"
    verbatim: true
    verdict: \"false\"
    explanation: The record shows otherwise.
    sources: [rec]
  - id: latest
    speaker: nebenzia
    text: Nothing was agreed.
    verdict: mixed
    explanation: Some of it was.
    sources: [rec]
---
Third body.
";

fn site() -> Site {
    Site::with(&[
        (
            "site.yaml",
            "title: Desk\nbase_url: https://desk.example.org/checks/\npublisher:\n  name: Example Desk\n",
        ),
        ("content/speakers.yaml", SPEAKERS),
        ("content/briefings/x.md", MINIMAL_BRIEFING),
        ("content/briefings/y.md", SECOND_BRIEFING),
        ("content/briefings/z.md", THIRD_BRIEFING),
    ])
}

fn feed(site: &Site, rel: &str) -> feed_rs::model::Feed {
    let text =
        fs::read_to_string(site.path("public").join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    feed_rs::parser::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{rel} parses: {e}"))
}

fn link(entry_links: &[feed_rs::model::Link], rel: &str) -> String {
    entry_links
        .iter()
        .find(|l| l.rel.as_deref() == Some(rel) || (rel == "alternate" && l.rel.is_none()))
        .map(|l| l.href.clone())
        .unwrap_or_else(|| panic!("no {rel} link"))
}

#[test]
fn a_speakers_feed_carries_their_claims_newest_first_linked_to_each_claim() {
    let site = site();
    site.build();
    let feed = feed(&site, "speakers/nebenzia/feed.xml");
    assert_eq!(feed.title.unwrap().content, "Vassily Nebenzia — Desk");
    assert_eq!(
        link(&feed.links, "self"),
        "https://desk.example.org/checks/speakers/nebenzia/feed.xml"
    );
    assert_eq!(
        link(&feed.links, "alternate"),
        "https://desk.example.org/checks/speakers/nebenzia/"
    );
    let ids: Vec<&str> = feed.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "https://desk.example.org/checks/briefings/z/claims/later/",
            "https://desk.example.org/checks/briefings/z/claims/latest/",
            "https://desk.example.org/checks/briefings/y/claims/breach/",
        ]
    );
    let first = &feed.entries[0];
    assert_eq!(
        first.title.as_ref().unwrap().content,
        "Vassily Nebenzia: “We said <nothing> & more.” — False"
    );
    assert_eq!(link(&first.links, "alternate"), ids[0]);
    assert_eq!(first.authors[0].name.as_deref(), Some("Ana Desk"));
    assert_eq!(
        feed.entries[2].authors[0].name.as_deref(),
        Some("Example Desk")
    );
    let content = first.content.as_ref().unwrap().body.as_deref().unwrap();
    assert!(content.contains("The record shows otherwise."), "{content}");
    assert!(content.contains("https://desk.example.org/checks/briefings/z/#claim-later"));
    // Kim Song is declared in one briefing only, and followed all the same.
    let kim = self::feed(&site, "speakers/kim/feed.xml");
    assert_eq!(kim.entries.len(), 1);
}

#[test]
fn a_tags_feed_carries_its_briefings_newest_first() {
    let site = site();
    site.build();
    let feed = feed(&site, "tags/sanctions/feed.xml");
    assert_eq!(feed.title.unwrap().content, "Tag: sanctions — Desk");
    let ids: Vec<&str> = feed.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "https://desk.example.org/checks/briefings/z/",
            "https://desk.example.org/checks/briefings/y/",
        ]
    );
    let trade = self::feed(&site, "tags/trade-tariffs/feed.xml");
    assert_eq!(trade.entries.len(), 1);
    assert_eq!(
        link(&trade.links, "alternate"),
        "https://desk.example.org/checks/tags/trade-tariffs/"
    );
}

#[test]
fn speaker_and_tag_pages_link_to_their_feeds_in_the_head_and_in_the_page() {
    let site = site();
    site.build();
    for (url, feed) in [
        (
            "/checks/speakers/nebenzia/",
            "/checks/speakers/nebenzia/feed.xml",
        ),
        ("/checks/tags/sanctions/", "/checks/tags/sanctions/feed.xml"),
    ] {
        let page = site.page(url.trim_start_matches("/checks"));
        let alternates = attrs(
            &page,
            "link[rel=alternate][type='application/atom+xml']",
            "href",
        );
        assert!(
            alternates.iter().any(|h| h == feed),
            "{url}: {alternates:?}"
        );
        let visible = attrs(&page, "main a[type='application/atom+xml']", "href");
        assert_eq!(visible, [feed], "{url}");
        let text = texts(&page, "main a[type='application/atom+xml']");
        assert!(text[0].contains("Atom feed"), "{text:?}");
    }
}

#[test]
fn a_feed_whose_speaker_goes_is_removed_and_comes_back_with_them() {
    let site = site();
    site.build();
    let zfeed = site.path("public/tags/trade-tariffs/feed.xml");
    assert!(zfeed.exists());
    fs::remove_file(site.path("content/briefings/z.md")).unwrap();
    site.build();
    assert!(!zfeed.exists(), "the tag is gone, and its feed with it");
    site.write("content/briefings/z.md", THIRD_BRIEFING);
    site.build();
    assert!(zfeed.exists());
}
