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

// ------------------------------------------------ related claims, sharing

/// A fourth briefing, oldest, sharing no speaker and no tag with the rest.
const UNRELATED: &str = "---
title: An unrelated briefing
date: 2024-10-01
summary: Elsewhere.
tags: [budget]
speakers:
  lee:
    name: Lee Min
sources:
  rec:
    title: Budget
    url: https://www.gov.uk/budget
claims:
  - id: cuts
    speaker: lee
    text: Spending fell.
    verdict: \"false\"
    explanation: It rose.
    sources: [rec]
---
Body.
";

#[test]
fn a_claim_page_lists_related_claims_by_speaker_and_tag_newest_first_never_itself() {
    let site = site();
    site.write("content/briefings/w.md", UNRELATED);
    site.build();
    let related = |url: &str| attrs(&site.page(url), ".related li a", "href");
    // Same speaker (the other two of nebenzia's), and the second briefing
    // shares the `sanctions` tag; newest briefing first.
    assert_eq!(
        related("/briefings/z/claims/later/"),
        [
            "/checks/briefings/z/claims/latest/",
            "/checks/briefings/y/claims/breach/"
        ]
    );
    assert_eq!(
        related("/briefings/y/claims/breach/"),
        [
            "/checks/briefings/z/claims/later/",
            "/checks/briefings/z/claims/latest/"
        ]
    );
    // Kim's only claim, in a briefing with no tags: nothing is related, and
    // the section is left out.
    let kim = site.page("/briefings/x/claims/first/");
    assert!(texts(&kim, ".related").is_empty());
    assert!(texts(&site.page("/briefings/w/claims/cuts/"), ".related").is_empty());
}

#[test]
fn briefings_whose_tags_differ_only_as_written_relate_their_claims() {
    // `Public Health` and `public health` are one tag, by its slug.
    let site = site();
    site.write(
        "content/briefings/v.md",
        &UNRELATED
            .replace("[budget]", "[Public Health]")
            .replace("2024-10-01", "2024-10-02"),
    );
    site.write(
        "content/briefings/w.md",
        &UNRELATED
            .replace("[budget]", "[public health]")
            .replace("lee", "ada")
            .replace("Lee Min", "Ada Obi"),
    );
    site.build();
    let related = |url: &str| attrs(&site.page(url), ".related li a", "href");
    assert_eq!(
        related("/briefings/w/claims/cuts/"),
        ["/checks/briefings/v/claims/cuts/"]
    );
    assert_eq!(
        related("/briefings/v/claims/cuts/"),
        ["/checks/briefings/w/claims/cuts/"]
    );
}

#[test]
fn at_most_four_related_claims_are_listed() {
    let site = site();
    for n in 0..4 {
        site.write(
            &format!("content/briefings/more-{n}.md"),
            &THIRD_BRIEFING.replace("2024-11-09", &format!("2024-12-0{}", n + 1)),
        );
    }
    site.build();
    let related = attrs(
        &site.page("/briefings/y/claims/breach/"),
        ".related li a",
        "href",
    );
    assert_eq!(
        related,
        [
            "/checks/briefings/more-3/claims/later/",
            "/checks/briefings/more-3/claims/latest/",
            "/checks/briefings/more-2/claims/later/",
            "/checks/briefings/more-2/claims/latest/",
        ]
    );
}

#[test]
fn a_claim_page_shares_with_plain_links_and_no_third_party_script() {
    let site = site();
    site.build();
    let page = site.page("/briefings/z/claims/later/");
    let links = attrs(&page, ".share a", "href");
    let url = "https%3A%2F%2Fdesk%2Eexample%2Eorg%2Fchecks%2Fbriefings%2Fz%2Fclaims%2Flater%2F";
    assert!(
        links[0].starts_with("mailto:?subject=Vassily%20Nebenzia%3A%20%E2%80%9CWe%20said%20%3Cnothing%3E%20%26%20more%2E%E2%80%9D"),
        "{links:?}"
    );
    assert!(links[0].ends_with(&format!("&body={url}")), "{links:?}");
    assert!(links
        .iter()
        .skip(1)
        .all(|l| l.starts_with("https://") && l.contains(url)));
    assert_eq!(
        texts(&page, ".share a"),
        ["Email", "Bluesky", "X", "Facebook", "LinkedIn", "WhatsApp"]
    );
    // The only scripts are none at all: sharing loads nothing of anyone's.
    assert!(attrs(&page, "script[src]", "src").is_empty());
    assert!(attrs(&page, "iframe", "src").is_empty());
}

#[test]
fn a_claim_page_offers_an_iframe_line_for_its_embed_page() {
    let site = site();
    site.build();
    let page = site.page("/briefings/z/claims/later/");
    let line = texts(&page, ".embed-code textarea");
    assert_eq!(
        line,
        [
            "<iframe src=\"https://desk.example.org/checks/briefings/z/claims/later/embed/\" \
          title=\"Fact check: Vassily Nebenzia: “We said &lt;nothing&gt; &amp; more.” — False\" \
          width=\"100%\" height=\"420\" style=\"border:0\" loading=\"lazy\"></iframe>"
        ]
    );
    let fragment = scraper::Html::parse_fragment(&line[0]);
    let src = attrs_of(&fragment, "iframe", "src");
    assert_eq!(
        src,
        ["https://desk.example.org/checks/briefings/z/claims/later/embed/"]
    );
    let title = attrs_of(&fragment, "iframe", "title");
    assert_eq!(
        title,
        ["Fact check: Vassily Nebenzia: “We said <nothing> & more.” — False"]
    );
    let label = attrs(&page, ".embed-code label", "for");
    assert_eq!(label, attrs(&page, ".embed-code textarea", "id"));
}

fn attrs_of(html: &scraper::Html, selector: &str, attr: &str) -> Vec<String> {
    html.select(&common::sel(selector))
        .filter_map(|e| e.value().attr(attr).map(str::to_owned))
        .collect()
}

#[test]
fn the_embed_page_is_the_card_alone_kept_out_of_search_engines() {
    let site = site();
    site.build();
    let page = site.page("/briefings/z/claims/later/embed/");
    let claim = "https://desk.example.org/checks/briefings/z/claims/later/";
    assert_eq!(attrs(&page, "meta[name=robots]", "content"), ["noindex"]);
    assert_eq!(attrs(&page, "link[rel=canonical]", "href"), [claim]);
    // Links open in a new tab, at the claim's page, not inside the frame.
    assert_eq!(attrs(&page, "base", "target"), ["_blank"]);
    let links = attrs(&page, "a", "href");
    assert!(
        !links.is_empty() && links.iter().all(|h| h == claim),
        "{links:?}"
    );
    assert_eq!(texts(&page, "h1"), ["Vassily Nebenzia"]);
    assert!(texts(&page, ".claim__verdict")[0].contains("False"));
    assert_eq!(
        texts(&page, ".embed__explanation"),
        ["The record shows otherwise."]
    );
    // No site chrome: no header, menu, search or footer.
    for chrome in ["header.site-header", "nav", "form", "footer"] {
        assert!(texts(&page, chrome).is_empty(), "{chrome}");
    }
    let sitemap = fs::read_to_string(site.path("public/sitemap.xml")).unwrap();
    assert!(sitemap.contains(&format!("<loc>{claim}</loc>")));
    assert!(!sitemap.contains("/embed/"), "{sitemap}");
}
