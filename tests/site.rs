//! Whole sites built by the real binary with the built-in theme, asserted on
//! the parsed HTML: claim cards, the links between every kind of page,
//! tallies, template overrides, custom verdict scales, drafts, Markdown,
//! base paths, static files, escaping and reproducible output.
//!
//! The fixtures are written to DESIGN.md's content format only and have no
//! `templates/` folder unless a test is about overriding one. Selectors lean
//! on structure (ids, hrefs, elements) wherever they can; the few theme
//! classes they need are `.source-card`, `.chart` (a table with one row per
//! verdict, its label in an `a`) and `.site-tally` on the index.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use common::{all, attrs, html_files, one, page_in, sel, text, texts, Site, MINIMAL_BRIEFING};
use scraper::{ElementRef, Html};

// ------------------------------------------------------------ fixtures

/// Three briefings by two speakers (one of them site-wide), citing a
/// site-wide source from two briefings, a withheld source, and a source with
/// every optional field.
///
/// Kim Song's claims are rated false, misleading (alpha) and false (beta);
/// the site-wide tally is false 2, misleading 1, mixed 1, true 1.
fn newsroom() -> Site {
    Site::with(&[
        (
            "site.yaml",
            "title: Test Desk\ndescription: Claims, checked.\n",
        ),
        (
            "content/speakers.yaml",
            "kim:\n  name: Kim Song\n  role: Permanent Representative\n  affiliation: DPRK\n",
        ),
        (
            "content/sources.yaml",
            "resolution:
  title: Security Council resolution 1718 (2006)
  publisher: United Nations
  url: https://undocs.org/S/RES/1718(2006)
  date: 2006-10-14
",
        ),
        ("content/briefings/alpha.md", ALPHA),
        ("content/briefings/beta.md", BETA),
        ("content/briefings/gamma.md", GAMMA),
        (
            "content/pages/about.md",
            "---\ntitle: About us\n---\nWho we are.\n",
        ),
    ])
}

const ALPHA: &str = r#"---
title: Alpha briefing
date: 2024-10-31
summary: What alpha found.
tags: [north-korea, sanctions]
speakers:
  nebenzia:
    name: Vassily Nebenzia
    role: Permanent Representative of Russia to the UN
sources:
  charter:
    title: Charter of the United Nations
    publisher: United Nations
    url: https://www.un.org/en/about-us/un-charter/full-text
    date: 1945-06-26
    archived: https://web.archive.org/web/2024/https://www.un.org/en/about-us/un-charter/full-text
    excerpt: "All Members shall refrain in their international relations from the threat or use of force."
  tip:
    title: Interview with an official
    withheld: "The source asked not to be named"
claims:
  - id: deploy
    speaker: kim
    text: Any deployment would comply with international law.
    verbatim: true
    verdict: false
    explanation: It **does not** comply with the resolutions.
    sources: [charter, resolution]
  - id: pledge
    speaker: kim
    text: The troops were only there to train.
    verbatim: false
    verdict: misleading
    explanation: Compare [the later claim](@/briefings/beta.md#claim-b1).
    sources: [charter]
  - id: never-agreed
    speaker: nebenzia
    text: The sanctions were never agreed by the Council.
    verdict: mixed
    explanation: Partly so.
    sources: [tip]
---
## The record

See [the first claim](#claim-deploy) and [beta's claim](@/briefings/beta.md#claim-b1).

| Year | Resolutions |
|------|-------------|
| 2006 | 1718        |

A note[^note] and ~~a retracted line~~.

[^note]: The footnote text.

```rust
fn main() { println!("hello"); }
```
"#;

const BETA: &str = "---
title: Beta briefing
date: 2024-11-05
summary: What beta found.
tags: [north-korea]
claims:
  - id: b1
    speaker: kim
    text: The resolution does not apply.
    verdict: false
    explanation: It applies to every member state.
    sources: [resolution]
---
Beta's analysis.
";

const GAMMA: &str = "---
title: Gamma briefing
date: 2024-09-01
summary: What gamma found.
tags: [budget]
speakers:
  doe:
    name: Jane Doe
sources:
  report:
    title: Budget report
    url: https://example.org/budget
claims:
  - id: budget
    speaker: doe
    text: The budget grew.
    verdict: true
    explanation: It did.
    sources: [report]
---
Gamma's analysis.
";

// ------------------------------------------------------------ helpers

fn hrefs(html: &Html) -> Vec<String> {
    common::attrs(html, "a[href]", "href")
}

fn links_to(html: &Html, href: &str) -> bool {
    hrefs(html).iter().any(|h| h == href)
}

/// The claim card with id `claim-<id>`.
fn card<'a>(html: &'a Html, id: &str) -> ElementRef<'a> {
    one(html, &format!(r#"[id="claim-{id}"]"#))
}

/// The source card in `scope` whose title is `title`.
fn source_card<'a>(scope: ElementRef<'a>, title: &str) -> ElementRef<'a> {
    let cards: Vec<_> = all(scope, ".source-card")
        .into_iter()
        .filter(|c| text(*c).contains(title))
        .collect();
    assert_eq!(cards.len(), 1, "expected one source card titled {title:?}");
    cards[0]
}

/// The verdicts given at least once in the first `.chart` in `scope`, as
/// (verdict label, count) pairs read from its table: each body row names
/// its verdict in a link and gives the count in its first cell.
fn tally(scope: ElementRef) -> Vec<(String, usize)> {
    let charts = all(scope, ".chart");
    assert!(!charts.is_empty(), "no .chart in {}", scope.html());
    all(charts[0], "tbody tr")
        .into_iter()
        .map(|tr| {
            let label = all(tr, "th a")
                .first()
                .map(|a| text(*a))
                .unwrap_or_default();
            let count = all(tr, "td")
                .first()
                .and_then(|td| text(*td).parse().ok())
                .unwrap_or_else(|| panic!("no count in chart row {:?}", text(tr)));
            (label, count)
        })
        .filter(|(_, count)| *count > 0)
        .collect()
}

fn pairs(items: &[(&str, usize)]) -> Vec<(String, usize)> {
    items.iter().map(|(l, n)| (l.to_string(), *n)).collect()
}

fn sorted(mut v: Vec<(String, usize)>) -> Vec<(String, usize)> {
    v.sort();
    v
}

// ------------------------------------------------------------ claim cards

#[test]
fn renders_one_card_per_claim_with_its_anchor_and_permalink() {
    let site = newsroom();
    site.build();
    let page = site.page("/briefings/alpha/");
    let ids: Vec<String> = common::attrs(&page, r#"[id^="claim-"]"#, "id");
    assert_eq!(ids, ["claim-deploy", "claim-pledge", "claim-never-agreed"]);
    for id in ["deploy", "pledge", "never-agreed"] {
        let card = card(&page, id);
        let permalinks: Vec<_> = all(card, "a[href]")
            .into_iter()
            .filter_map(|a| a.value().attr("href"))
            .filter(|h| {
                *h == format!("#claim-{id}") || *h == format!("/briefings/alpha/#claim-{id}")
            })
            .collect();
        assert!(
            !permalinks.is_empty(),
            "claim {id} has no permalink to itself"
        );
    }
}

#[test]
fn claim_card_names_the_speaker_with_a_link_to_their_page() {
    let site = newsroom();
    site.build();
    let page = site.page("/briefings/alpha/");
    for (id, speaker, name) in [
        ("deploy", "kim", "Kim Song"),
        ("never-agreed", "nebenzia", "Vassily Nebenzia"),
    ] {
        let links = all(
            card(&page, id),
            &format!(r#"a[href="/speakers/{speaker}/"]"#),
        );
        assert!(
            links.iter().any(|a| text(*a) == name),
            "claim {id} does not link {name:?} to /speakers/{speaker}/"
        );
    }
}

#[test]
fn verbatim_claims_are_quoted_and_paraphrases_are_not() {
    let site = newsroom();
    site.build();
    let page = site.page("/briefings/alpha/");

    let quote = "Any deployment would comply with international law.";
    let verbatim = card(&page, "deploy");
    let in_blockquote = all(verbatim, "blockquote")
        .iter()
        .any(|b| text(*b).contains(quote));
    let in_marks = text(verbatim).contains(&format!("“{quote}”"));
    assert!(
        in_blockquote || in_marks,
        "verbatim claim not shown as a quotation: {}",
        text(verbatim)
    );

    let said = "The troops were only there to train.";
    let paraphrase = card(&page, "pledge");
    assert!(text(paraphrase).contains(said));
    assert!(
        !all(paraphrase, "blockquote")
            .iter()
            .any(|b| text(*b).contains(said)),
        "a paraphrase is shown as a blockquote"
    );
    assert!(
        !text(paraphrase).contains(&format!("“{said}"))
            && !text(paraphrase).contains(&format!("{said}”")),
        "a paraphrase is shown in quotation marks"
    );
}

#[test]
fn verdict_badge_shows_the_label_and_links_to_the_verdict_page() {
    let site = newsroom();
    site.build();
    let page = site.page("/briefings/alpha/");
    for (id, verdict, label) in [
        ("deploy", "false", "False"),
        ("pledge", "misleading", "Misleading"),
        ("never-agreed", "mixed", "Mixed"),
    ] {
        let badges = all(
            card(&page, id),
            &format!(r#"a[href="/verdicts/{verdict}/"]"#),
        );
        assert!(
            badges.iter().any(|a| text(*a)
                .split_whitespace()
                .any(|w| w.trim_matches(':') == label)),
            "claim {id} has no badge reading {label:?} linking to /verdicts/{verdict}/"
        );
    }
}

/// Readers see what a verdict means here: on /verdicts/, on the verdict's
/// own page, and as the description of every badge.
#[test]
fn verdicts_are_explained_on_their_pages_and_on_every_badge() {
    let site = newsroom();
    site.build();
    let misleading = "The claim holds some truth but leaves a false impression";
    let scale = site.page("/verdicts/");
    let row = scale
        .select(&sel("tbody tr"))
        .find(|tr| text(*tr).contains("Misleading"))
        .expect("a row for Misleading");
    assert!(text(row).contains(misleading), "{}", text(row));
    for tr in scale.select(&sel("tbody tr")) {
        let cells = all(tr, "td");
        assert!(
            text(cells[0]).len() > 20,
            "a verdict of the built-in scale has no definition: {}",
            text(tr)
        );
    }
    let page = site.page("/verdicts/misleading/");
    assert!(
        texts(&page, "main p")
            .iter()
            .any(|p| p.contains(misleading)),
        "the verdict page does not say what it means"
    );
    let briefing = site.page("/briefings/alpha/");
    let badge = all(
        card(&briefing, "pledge"),
        r#"a[href="/verdicts/misleading/"]"#,
    )[0];
    assert!(
        badge
            .value()
            .attr("title")
            .is_some_and(|t| t.contains(misleading)),
        "the badge carries no description: {}",
        badge.html()
    );
}

#[test]
fn renders_the_explanation_as_markdown() {
    let site = newsroom();
    site.build();
    let page = site.page("/briefings/alpha/");
    let strong = all(card(&page, "deploy"), "strong");
    assert!(
        strong.iter().any(|s| text(*s) == "does not"),
        "**does not** was not rendered as <strong>"
    );
    assert!(
        !text(card(&page, "deploy")).contains("**"),
        "Markdown asterisks left in the explanation"
    );
}

#[test]
fn renders_a_source_card_per_cited_source() {
    let site = newsroom();
    site.build();
    let page = site.page("/briefings/alpha/");
    let deploy = card(&page, "deploy");
    assert_eq!(
        all(deploy, ".source-card").len(),
        2,
        "deploy cites two sources"
    );

    let charter = source_card(deploy, "Charter of the United Nations");
    let url = "https://www.un.org/en/about-us/un-charter/full-text";
    let title_links = all(charter, &format!(r#"a[href="{url}"]"#));
    assert!(
        title_links
            .iter()
            .any(|a| text(*a) == "Charter of the United Nations"),
        "title is not linked to the URL"
    );
    let body = text(charter);
    assert!(body.contains("United Nations"), "publisher missing: {body}");
    assert!(
        !all(charter, r#"time[datetime="1945-06-26"]"#).is_empty() || body.contains("1945"),
        "date missing: {body}"
    );
    assert!(
        body.contains("All Members shall refrain in their international relations"),
        "excerpt missing: {body}"
    );
    let archived = all(
        charter,
        r#"a[href="https://web.archive.org/web/2024/https://www.un.org/en/about-us/un-charter/full-text"]"#,
    );
    assert!(
        archived.iter().any(|a| text(*a).contains("Archived copy")),
        "no Archived copy link: {}",
        charter.html()
    );

    let resolution = source_card(deploy, "Security Council resolution 1718 (2006)");
    assert!(!all(
        resolution,
        r#"a[href="https://undocs.org/S/RES/1718(2006)"]"#
    )
    .is_empty());
    assert!(
        !all(resolution, "a")
            .iter()
            .any(|a| text(*a).contains("Archived copy")),
        "a source without `archived` has an Archived copy link"
    );
}

#[test]
fn withheld_source_shows_its_reason_and_no_link() {
    let site = newsroom();
    site.build();
    let page = site.page("/briefings/alpha/");
    let tip = source_card(card(&page, "never-agreed"), "Interview with an official");
    assert!(
        text(tip).contains("The source asked not to be named"),
        "{}",
        text(tip)
    );
    let outward: Vec<_> = all(tip, "a[href]")
        .into_iter()
        .filter_map(|a| a.value().attr("href"))
        .filter(|h| !h.starts_with('/') && !h.starts_with('#'))
        .collect();
    assert!(
        outward.is_empty(),
        "a withheld source links out: {outward:?}"
    );
}

// ------------------------------------------------------------ cross-links

#[test]
fn speaker_page_lists_their_claims_and_links_back_to_each_anchor() {
    let site = newsroom();
    site.build();
    let kim = site.page("/speakers/kim/");
    for (briefing, claim) in [("alpha", "deploy"), ("alpha", "pledge"), ("beta", "b1")] {
        let href = format!("/briefings/{briefing}/#claim-{claim}");
        assert!(
            links_to(&kim, &href),
            "/speakers/kim/ does not link to {href}"
        );
        let target = site.page(&format!("/briefings/{briefing}/"));
        card(&target, claim);
    }
    assert!(
        !links_to(&kim, "/briefings/alpha/#claim-never-agreed"),
        "another speaker's claim is listed"
    );
    assert!(texts(&kim, "h1").iter().any(|h| h.contains("Kim Song")));
}

#[test]
fn sources_page_lists_a_source_cited_in_two_briefings_once() {
    let site = newsroom();
    site.build();
    let url = "https://undocs.org/S/RES/1718(2006)";
    let sources = site.page("/sources/");
    assert_eq!(
        sources.select(&sel(&format!(r#"a[href="{url}"]"#))).count(),
        1,
        "the shared source is not listed exactly once"
    );

    let anchor_of = |briefing: &str, claim: &str| {
        let page = site.page(&format!("/briefings/{briefing}/"));
        let card = source_card(
            card(&page, claim),
            "Security Council resolution 1718 (2006)",
        );
        let links: Vec<String> = all(card, r##"a[href^="/sources/#"]"##)
            .into_iter()
            .filter_map(|a| a.value().attr("href").map(str::to_owned))
            .collect();
        assert_eq!(
            links.len(),
            1,
            "source card should link once to /sources/#…"
        );
        links[0].trim_start_matches("/sources/#").to_owned()
    };
    let anchor = anchor_of("alpha", "deploy");
    assert_eq!(
        anchor,
        anchor_of("beta", "b1"),
        "two briefings send the same source to different entries"
    );

    let entry = one(&sources, &format!(r#"[id="{anchor}"]"#));
    assert!(
        !all(entry, &format!(r#"a[href="{url}"]"#)).is_empty(),
        "the entry #{anchor} is not the shared source"
    );
    for href in [
        "/briefings/alpha/#claim-deploy",
        "/briefings/beta/#claim-b1",
    ] {
        assert!(
            !all(entry, &format!(r#"a[href="{href}"]"#)).is_empty(),
            "#{anchor} does not list {href}"
        );
    }
}

#[test]
fn sources_page_lists_sources_by_title_whatever_their_case() {
    let briefing = MINIMAL_BRIEFING
        .replace(
            "sources:\n  charter:",
            "sources:\n  b:\n    title: banana report\n    url: https://example.org/b\n  c:\n    title: Cherry Audit\n    url: https://example.org/c\n  charter:",
        )
        .replace("sources: [charter]", "sources: [charter, b, c]");
    let site = Site::with(&[("content/briefings/one.md", &briefing)]);
    site.build();
    let titles = texts(&site.page("/sources/"), ".source-entry__title");
    assert_eq!(
        titles,
        [
            "banana report",
            "Charter of the United Nations",
            "Cherry Audit"
        ],
        "upper case does not sort first on /sources/"
    );
}

#[test]
fn one_document_defined_in_two_briefings_is_one_source() {
    let site = Site::with(&[
        ("content/briefings/one.md", MINIMAL_BRIEFING),
        (
            "content/briefings/two.md",
            &MINIMAL_BRIEFING
                .replace("charter:", "un-charter:")
                .replace("[charter]", "[un-charter]"),
        ),
    ]);
    site.build();
    let sources = site.page("/sources/");
    let url = "https://www.un.org/en/about-us/un-charter/full-text";
    assert_eq!(
        sources.select(&sel(&format!(r#"a[href="{url}"]"#))).count(),
        1
    );
    for href in ["/briefings/one/#claim-first", "/briefings/two/#claim-first"] {
        assert!(links_to(&sources, href), "/sources/ does not list {href}");
    }
}

#[test]
fn every_source_card_links_to_an_existing_entry_on_the_sources_page() {
    let site = newsroom();
    site.build();
    let sources = site.page("/sources/");
    let ids: BTreeSet<String> = common::attrs(&sources, "[id]", "id").into_iter().collect();
    let mut checked = 0;
    for briefing in ["alpha", "beta", "gamma"] {
        let page = site.page(&format!("/briefings/{briefing}/"));
        for source in page.select(&sel(".source-card")) {
            let links: Vec<_> = all(source, r##"a[href^="/sources/#"]"##)
                .into_iter()
                .filter_map(|a| a.value().attr("href"))
                .collect();
            assert_eq!(
                links.len(),
                1,
                "source card without its /sources/ link: {}",
                source.html()
            );
            let anchor = links[0].trim_start_matches("/sources/#");
            assert!(
                ids.contains(anchor),
                "{briefing}: /sources/ has no #{anchor}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 6, "source cards found across the three briefings");
}

#[test]
fn verdict_page_lists_the_claims_with_that_verdict() {
    let site = newsroom();
    site.build();
    let false_page = site.page("/verdicts/false/");
    assert!(links_to(&false_page, "/briefings/alpha/#claim-deploy"));
    assert!(links_to(&false_page, "/briefings/beta/#claim-b1"));
    assert!(
        !links_to(&false_page, "/briefings/alpha/#claim-pledge"),
        "a misleading claim is listed as false"
    );
    let misleading = site.page("/verdicts/misleading/");
    assert!(links_to(&misleading, "/briefings/alpha/#claim-pledge"));
    assert!(
        !links_to(&misleading, "/briefings/alpha/#claim-deploy"),
        "a false claim is listed as misleading"
    );
    // Every verdict of the scale has a page, even one no claim received.
    site.page("/verdicts/unverified/");
}

#[test]
fn tag_page_lists_tagged_briefings_and_briefings_link_to_their_tags() {
    let site = newsroom();
    site.build();
    let tag = site.page("/tags/north-korea/");
    assert!(links_to(&tag, "/briefings/alpha/"));
    assert!(links_to(&tag, "/briefings/beta/"));
    assert!(
        !links_to(&tag, "/briefings/gamma/"),
        "an untagged briefing is listed"
    );
    let alpha = site.page("/briefings/alpha/");
    assert!(links_to(&alpha, "/tags/north-korea/"));
    assert!(links_to(&alpha, "/tags/sanctions/"));
    assert!(!links_to(&alpha, "/tags/budget/"));
    let sanctions = site.page("/tags/sanctions/");
    assert!(links_to(&sanctions, "/briefings/alpha/") && !links_to(&sanctions, "/briefings/beta/"));
}

#[test]
fn index_lists_briefings_newest_first() {
    let site = newsroom();
    site.build();
    let index = site.page("/");
    let mut order: Vec<String> = Vec::new();
    for href in hrefs(&index) {
        if href.starts_with("/briefings/") && !href.contains('#') && !order.contains(&href) {
            order.push(href);
        }
    }
    assert_eq!(
        order,
        ["/briefings/beta/", "/briefings/alpha/", "/briefings/gamma/"]
    );
}

#[test]
fn every_internal_link_and_anchor_resolves() {
    let site = newsroom();
    site.build();
    let broken = common::broken_links(&site.path("public"), "/");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

// ------------------------------------------------------------ tallies

#[test]
fn speaker_page_tallies_their_verdicts_in_text() {
    let site = newsroom();
    site.build();
    let kim = site.page("/speakers/kim/");
    let counts = tally(kim.root_element());
    assert_eq!(sorted(counts), pairs(&[("False", 2), ("Misleading", 1)]));
}

#[test]
fn index_shows_the_site_wide_tally() {
    let site = newsroom();
    site.build();
    let index = site.page("/");
    let counts = tally(one(&index, ".site-tally"));
    assert_eq!(
        sorted(counts),
        pairs(&[("False", 2), ("Misleading", 1), ("Mixed", 1), ("True", 1)])
    );
}

// ------------------------------------------------------------ templates

#[test]
fn a_page_template_override_applies_to_plain_pages_only() {
    let site = newsroom();
    site.write(
        "templates/page.html",
        "<!doctype html><html><head><title>{{ page.title }}</title></head>\
         <body><div id=\"custom-page\"><h1>{{ page.title }}</h1>{{ page.content | safe }}</div></body></html>",
    );
    site.build();
    let about = site.page("/about/");
    let custom = one(&about, "#custom-page");
    assert!(text(custom).contains("About us") && text(custom).contains("Who we are."));
    assert!(
        about
            .select(&sel(r#"link[rel="stylesheet"]"#))
            .next()
            .is_none(),
        "the built-in layout leaked into the override"
    );

    for url in ["/", "/briefings/alpha/", "/speakers/kim/"] {
        let page = site.page(url);
        assert!(
            page.select(&sel("#custom-page")).next().is_none(),
            "{url} uses page.html"
        );
        assert!(
            !common::attrs(&page, r#"link[rel="stylesheet"]"#, "href").is_empty(),
            "{url} lost the built-in theme"
        );
    }
    card(&site.page("/briefings/alpha/"), "deploy");
}

#[test]
fn a_base_template_override_changes_every_page() {
    let site = newsroom();
    site.write(
        "templates/base.html",
        "<!doctype html><html><head><title>{% block title %}{% endblock title %}</title>{% block head %}{% endblock head %}</head>\
         <body><div id=\"custom-base\">{% block content %}{% endblock content %}</div></body></html>",
    );
    site.build();
    let output = site.path("public");
    let pages = html_files(&output);
    assert!(pages.len() > 10, "{pages:?}");
    // An embed page stands alone in another site's frame, without the
    // site's chrome, so it extends nothing.
    for rel in pages
        .into_iter()
        .filter(|p| !p.ends_with("embed/index.html"))
    {
        let html = Html::parse_document(&fs::read_to_string(output.join(&rel)).unwrap());
        assert!(
            html.select(&sel("#custom-base")).next().is_some(),
            "{} ignores the base.html override",
            rel.display()
        );
    }
    // Child templates still fill the blocks.
    card(&site.page("/briefings/alpha/"), "deploy");
}

#[test]
fn lists_of_claims_show_compact_rows_linking_to_each_claim() {
    let site = newsroom();
    site.build();
    for url in ["/speakers/kim/", "/verdicts/false/", "/sources/"] {
        let page = site.page(url);
        assert!(
            page.select(&sel("article.claim")).next().is_none(),
            "{url} still repeats full claim cards"
        );
        assert!(
            page.select(&sel(".claim__explanation")).next().is_none(),
            "{url} repeats explanations"
        );
        let links = common::attrs(&page, ".claim-row .claim-row__text a", "href");
        assert!(
            links.contains(&"/briefings/alpha/claims/deploy/".to_owned()),
            "{url}: {links:?}"
        );
        // Each row names the speaker, the verdict and the briefing.
        let meta = texts(&page, ".claim-row__meta").join("\n");
        assert!(meta.contains("Kim Song"), "{url}: {meta}");
        assert!(meta.contains("Alpha briefing"), "{url}: {meta}");
    }
    let row = texts(&site.page("/speakers/kim/"), ".claim-row")
        .into_iter()
        .find(|r| r.contains("deployment"))
        .unwrap();
    assert!(row.contains("“Any deployment would comply"), "{row}");
    assert!(row.contains("False"), "{row}");
    // The briefing and the claim page keep the full card.
    card(&site.page("/briefings/alpha/"), "deploy");
    assert!(texts(
        &site.page("/briefings/alpha/claims/deploy/"),
        ".claim__explanation"
    )
    .concat()
    .contains("does not"));
}

/// Builds `site`, overrides the partial `partial` with `text` and builds
/// it again; then every page that showed fragments matching `built_in`
/// shows as many matching `own` and none of the built-in ones, and each of
/// `lists` (output paths) was among those pages.
fn assert_partial_override_reaches_every_page(
    site: &Site,
    partial: &str,
    text: &str,
    (built_in, own): (&str, &str),
    lists: &[&str],
) {
    // Each page of the output with how many fragments of each kind it
    // shows.
    let counts = || -> Vec<(PathBuf, usize, usize)> {
        let output = site.path("public");
        html_files(&output)
            .into_iter()
            .map(|rel| {
                let html = Html::parse_document(&fs::read_to_string(output.join(&rel)).unwrap());
                let shown = |selector| html.select(&sel(selector)).count();
                (rel, shown(built_in), shown(own))
            })
            .collect()
    };
    site.build();
    let before = counts();
    site.write(&format!("templates/{partial}"), text);
    site.build();
    let after = counts();
    let showing: Vec<_> = before.iter().filter(|(_, n, _)| *n > 0).collect();
    for want in lists {
        assert!(
            showing.iter().any(|(rel, ..)| rel == Path::new(want)),
            "{want} shows no `{built_in}`: {showing:?}"
        );
    }
    for ((rel, built_in, _), (rel_after, left, own)) in before.iter().zip(&after) {
        assert_eq!(rel, rel_after);
        assert_eq!(
            *left,
            0,
            "{} still shows the built-in {partial}",
            rel.display()
        );
        assert_eq!(
            own,
            built_in,
            "{} ignores the {partial} override",
            rel.display()
        );
    }
}

#[test]
fn a_claim_row_override_changes_every_list_of_claims() {
    let site = newsroom();
    assert_partial_override_reaches_every_page(
        &site,
        "claim_row.html",
        "<li class=\"my-row\"><a href=\"{{ claim.page_url }}\">{{ claim.speaker.name }} / {{ claim.verdict.label }}</a></li>",
        ("li.claim-row", "li.my-row"),
        &[
            "speakers/kim/index.html",
            "verdicts/false/index.html",
            "sources/index.html",
        ],
    );
    let speaker = site.page("/speakers/kim/");
    assert!(texts(&speaker, "li.my-row").contains(&"Kim Song / False".to_owned()));
    // The full cards are the claim_card macro's, not the row's.
    card(&site.page("/briefings/alpha/"), "deploy");
}

#[test]
fn a_related_claim_override_changes_every_list_of_related_fact_checks() {
    let site = newsroom();
    assert_partial_override_reaches_every_page(
        &site,
        "related_claim.html",
        "<li class=\"my-related\"><a href=\"{{ claim.page_url }}\">{{ claim.speaker.name }} / {{ claim.verdict.label }}</a></li>",
        ("ul.related__list > li > span.related__verdict", "ul.related__list > li.my-related"),
        &[
            "briefings/alpha/claims/deploy/index.html",
            "briefings/beta/claims/b1/index.html",
        ],
    );
    // Beta's claim is Kim's, as are Alpha's: Alpha's page lists it.
    let deploy = site.page("/briefings/alpha/claims/deploy/");
    let shown = texts(&deploy, "li.my-related");
    assert!(
        shown.iter().any(|t| t.starts_with("Kim Song / ")),
        "{shown:?}"
    );
    assert!(deploy
        .select(&sel("li.my-related a[href='/briefings/beta/claims/b1/']"))
        .next()
        .is_some());
    // The card is the card partial's, not the related line's.
    assert_eq!(deploy.select(&sel("article.card.claim")).count(), 1);
}

#[test]
fn a_briefing_item_override_changes_every_list_of_briefings() {
    let site = newsroom();
    site.write("content/authors.yaml", "ana:\n  name: Ana Desk\n");
    site.write(
        "content/briefings/alpha.md",
        &ALPHA.replace("tags: [", "authors: [ana]\ntags: ["),
    );
    assert_partial_override_reaches_every_page(
        &site,
        "briefing_item.html",
        "<p class=\"my-item\"><a href=\"{{ briefing.url }}\">{{ briefing.title }} / {{ briefing.claim_count }}</a></p>",
        ("article.briefing-item", "li > p.my-item"),
        &[
            "index.html",
            "tags/north-korea/index.html",
            "authors/ana/index.html",
        ],
    );
    let tag = site.page("/tags/north-korea/");
    let shown = texts(&tag, "p.my-item");
    assert!(
        shown.contains(&"Alpha briefing / 3".to_owned()),
        "{shown:?}"
    );
    let author = site.page("/authors/ana/");
    assert_eq!(texts(&author, "p.my-item").len(), 1);
}

#[test]
fn a_list_page_override_that_reads_the_summaries_gets_them_beside_the_items() {
    // No built-in template reads `briefings` (they print `items`), so a
    // page is given it only because a template names it: here a tag
    // page's own.
    let site = newsroom();
    site.write(
        "templates/tag.html",
        "{% extends \"base.html\" %}{% block content %}\
         {% for b in briefings %}<p class=\"summary\">{{ b.title }}: {{ b.tally.total }}</p>{% endfor %}\
         {% for item in items %}{{ item | safe }}{% endfor %}{% endblock content %}",
    );
    site.build();
    let tag = site.page("/tags/north-korea/");
    let summaries = texts(&tag, "p.summary");
    assert!(
        summaries.contains(&"Alpha briefing: 3".to_owned()),
        "{summaries:?}"
    );
    assert_eq!(
        tag.select(&sel("article.briefing-item")).count(),
        summaries.len()
    );
}

#[test]
fn a_claim_card_override_changes_every_card_and_a_source_card_override_every_source() {
    /// Each page of the output with how many full cards of each kind it
    /// shows, and how many source cards.
    fn cards(site: &Site) -> Vec<(PathBuf, usize, usize, usize, usize)> {
        let output = site.path("public");
        html_files(&output)
            .into_iter()
            .map(|rel| {
                let html = Html::parse_document(&fs::read_to_string(output.join(&rel)).unwrap());
                let count = |s: &str| html.select(&sel(s)).count();
                (
                    rel,
                    count("article.card.claim:not(.embed__card)"),
                    count("article.my-card"),
                    count("div.source-card"),
                    count("p.my-source"),
                )
            })
            .collect()
    }
    let site = newsroom();
    site.build();
    let before = cards(&site);
    site.write(
        "templates/claim_card.html",
        "<article class=\"my-card\" data-page=\"{{ show_briefing }}\">{{ claim.speaker.name }}: {{ claim.verdict.label }}{% for source in claim.sources %}{% include \"source_card.html\" %}{% endfor %}</article>",
    );
    site.write(
        "templates/source_card.html",
        "<p class=\"my-source\">{{ source.title }}</p>",
    );
    site.build();
    let after = cards(&site);
    let with_cards: Vec<_> = before.iter().filter(|(_, n, ..)| *n > 0).collect();
    for want in [
        "briefings/alpha/index.html",
        "briefings/alpha/claims/deploy/index.html",
    ] {
        assert!(
            with_cards.iter().any(|(rel, ..)| rel == Path::new(want)),
            "{want} shows no card: {with_cards:?}"
        );
    }
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b.0, a.0);
        assert_eq!(a.1, 0, "{} still shows the built-in card", a.0.display());
        assert_eq!(
            a.2,
            b.1,
            "{} ignores the claim_card.html override",
            a.0.display()
        );
        // Source cards appear only inside claim cards, so each is now the
        // site's own.
        assert_eq!(
            a.3,
            0,
            "{} still shows a built-in source card",
            a.0.display()
        );
        assert_eq!(
            a.4,
            b.3,
            "{} ignores the source_card.html override",
            a.0.display()
        );
    }
    let briefing = site.page("/briefings/alpha/");
    assert!(attrs(&briefing, "article.my-card", "data-page")
        .iter()
        .all(|v| v == "false"));
    let claim = site.page("/briefings/alpha/claims/deploy/");
    assert_eq!(attrs(&claim, "article.my-card", "data-page"), ["true"]);
}

// ------------------------------------------------------------ verdict scale

#[test]
fn custom_verdict_scale_reads_bare_true_and_false_as_ids() {
    let site = Site::with(&[
        (
            "site.yaml",
            "verdicts: [{id: true, label: \"Correct\", rating: 5, description: Right.}, {id: false, label: \"Wrong\", rating: 1, description: Wrong.}, {id: unproven, label: Unproven, description: Not known.}]\n",
        ),
        (
            "content/briefings/scale.md",
            "---
title: Scale
date: 2024-10-31
summary: Two claims.
speakers:
  kim: {name: Kim Song}
sources:
  s: {title: A source, url: \"https://example.org/s\"}
claims:
  - {id: right, speaker: kim, text: One., verdict: true, explanation: Yes., sources: [s]}
  - {id: wrong, speaker: kim, text: Two., verdict: false, explanation: No., sources: [s]}
---
",
        ),
    ]);
    let run = site.build();
    assert!(run.stderr.is_empty(), "warnings: {}", run.stderr);
    let page = site.page("/briefings/scale/");
    for (id, verdict, label) in [("right", "true", "Correct"), ("wrong", "false", "Wrong")] {
        let badges = all(
            card(&page, id),
            &format!(r#"a[href="/verdicts/{verdict}/"]"#),
        );
        assert!(
            badges.iter().any(|a| text(*a).contains(label)),
            "claim {id} is not badged {label:?}"
        );
    }
    assert!(
        !texts(&page, "a").iter().any(|t| t.contains("Mostly true")),
        "the default scale leaked in"
    );
    let correct = site.page("/verdicts/true/");
    assert!(texts(&correct, "h1").iter().any(|h| h.contains("Correct")));
    assert!(texts(&correct, "main p").iter().any(|p| p == "Right."));
    let badge = all(card(&page, "wrong"), r#"a[href="/verdicts/false/"]"#)[0];
    assert_eq!(badge.value().attr("title"), Some("Wrong."));
    assert!(links_to(&correct, "/briefings/scale/#claim-right"));
    assert!(links_to(
        &site.page("/verdicts/false/"),
        "/briefings/scale/#claim-wrong"
    ));
    site.page("/verdicts/unproven/");
    assert!(!site.path("public/verdicts/mostly-true").exists());
}

// ------------------------------------------------------------ drafts

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let draft = "---
title: Unfinished
date: 2025-01-01
summary: Not yet.
draft: true
tags: [secret-topic]
speakers:
  ghost: {name: Ghost Writer}
sources:
  memo: {title: Draft memo, url: \"https://example.org/memo\"}
claims:
  - {id: wip, speaker: ghost, text: Pending., verdict: unverified, explanation: Pending., sources: [memo]}
---
";
    let site = Site::with(&[
        ("content/briefings/published.md", MINIMAL_BRIEFING),
        ("content/briefings/unfinished.md", draft),
    ]);
    site.build();
    assert!(!site.path("public/briefings/unfinished").exists());
    assert!(
        !site.path("public/speakers/ghost").exists(),
        "a draft's speaker got a page"
    );
    assert!(
        !site.path("public/tags/secret-topic").exists(),
        "a draft's tag got a page"
    );
    let index = site.page("/");
    assert!(links_to(&index, "/briefings/published/"));
    assert!(
        !hrefs(&index).iter().any(|h| h.contains("unfinished")),
        "the index links to a draft"
    );
    assert!(
        !links_to(&site.page("/sources/"), "https://example.org/memo"),
        "/sources/ lists a draft's source"
    );

    let run = site.run(&["build", "--drafts"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    card(&site.page("/briefings/unfinished/"), "wip");
    assert!(links_to(&site.page("/"), "/briefings/unfinished/"));
    assert!(links_to(
        &site.page("/speakers/ghost/"),
        "/briefings/unfinished/#claim-wip"
    ));
}

// ------------------------------------------------------------ Markdown

#[test]
fn renders_tables_footnotes_strikethrough_and_heading_ids() {
    let site = newsroom();
    site.build();
    let page = site.page("/briefings/alpha/");
    assert_eq!(texts(&page, ".prose table th"), ["Year", "Resolutions"]);
    assert_eq!(texts(&page, ".prose table td"), ["2006", "1718"]);
    assert_eq!(texts(&page, "del"), ["a retracted line"]);
    assert_eq!(texts(&page, "h2#the-record"), ["The record"]);

    // The footnote reference links to an element holding the note.
    let notes: Vec<_> = common::attrs(&page, r##"a[href^="#"]"##, "href")
        .into_iter()
        .filter_map(|h| {
            page.select(&sel(&format!(r#"[id="{}"]"#, &h[1..])))
                .next()
                .map(text)
        })
        .filter(|t| t.contains("The footnote text."))
        .collect();
    assert!(!notes.is_empty(), "no link to the footnote");
    assert!(
        !texts(&page, "p").iter().any(|p| p.contains("[^note]")),
        "footnote syntax left as text"
    );
}

#[test]
fn highlights_fenced_code_with_classes_and_a_stylesheet() {
    let site = newsroom();
    site.build();
    let page = site.page("/briefings/alpha/");
    let code = one(&page, "pre");
    let source: String = code.text().collect();
    assert!(
        source.contains(r#"fn main() { println!("hello"); }"#),
        "{source}"
    );
    let spans = all(code, "span[class]");
    assert!(!spans.is_empty(), "code is not highlighted");
    for span in &spans {
        let classes = span.value().attr("class").unwrap();
        assert!(
            classes.split_whitespace().all(|c| c.starts_with("hl-")),
            "unprefixed class {classes:?}"
        );
    }
    assert!(
        all(code, "[style]").is_empty() && code.value().attr("style").is_none(),
        "inline styles in code"
    );

    let css = fs::read_to_string(site.path("public/highlight.css")).expect("highlight.css");
    assert!(css.contains(".hl-"), "highlight.css has no hl- rules");
    let stylesheets = common::attrs(&page, r#"link[rel="stylesheet"]"#, "href");
    assert!(
        stylesheets.iter().any(|h| h == "/highlight.css"),
        "pages do not load highlight.css: {stylesheets:?}"
    );
}

#[test]
fn claim_and_briefing_links_become_real_hrefs() {
    let site = newsroom();
    site.build();
    let page = site.page("/briefings/alpha/");
    let body_links = hrefs(&page);
    assert!(body_links.iter().any(|h| h == "#claim-deploy"));
    assert!(body_links.iter().any(|h| h == "/briefings/beta/#claim-b1"));
    assert!(
        !body_links.iter().any(|h| h.starts_with("@/")),
        "an @/ link was left as written"
    );
    // In a claim's explanation too.
    let explanation_links: Vec<_> = all(card(&page, "pledge"), "a[href]")
        .into_iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(
        explanation_links.contains(&"/briefings/beta/#claim-b1"),
        "{explanation_links:?}"
    );
}

// ------------------------------------------------------------ base URL

#[test]
fn base_url_flag_prefixes_every_internal_link() {
    let site = newsroom();
    let run = site.run(&["build", "--base-url", "https://factdesk.example.net/desk/"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let output = site.path("public");
    let mut checked = 0;
    for rel in html_files(&output) {
        let html = Html::parse_document(&fs::read_to_string(output.join(&rel)).unwrap());
        let values = common::attrs(&html, "[href]", "href")
            .into_iter()
            .chain(common::attrs(&html, "[src]", "src"));
        for value in values {
            if value.starts_with('/') {
                assert!(
                    value.starts_with("/desk/") && !value.starts_with("//"),
                    "{}: {value} is outside /desk/",
                    rel.display()
                );
                checked += 1;
            } else if value.starts_with("https://factdesk.example.net") {
                assert!(
                    value.starts_with("https://factdesk.example.net/desk/"),
                    "{}: {value}",
                    rel.display()
                );
            }
        }
    }
    assert!(checked > 100, "only {checked} internal links checked");
    let alpha = page_in(&output, "/briefings/alpha/");
    assert!(links_to(&alpha, "/desk/briefings/beta/#claim-b1"));
    assert!(links_to(&alpha, "/desk/speakers/kim/"));
    let broken = common::broken_links(&output, "/desk/");
    assert!(
        broken.is_empty(),
        "broken links under /desk/:\n{}",
        broken.join("\n")
    );
}

// ------------------------------------------------------------ pages and static files

#[test]
fn plain_pages_are_built_at_their_slug_and_listed_in_the_nav() {
    let site = newsroom();
    site.write(
        "content/pages/methodology.md",
        "---\ntitle: Methodology\n---\n## How we rate\n\nCarefully.\n",
    );
    site.build();
    let about = site.page("/about/");
    assert!(texts(&about, "h1").iter().any(|h| h == "About us"));
    assert!(texts(&about, "p").iter().any(|p| p == "Who we are."));
    site.page("/methodology/");
    for url in ["/", "/briefings/alpha/", "/about/"] {
        let page = site.page(url);
        let nav: Vec<(String, String)> = page
            .select(&sel("nav a[href]"))
            .map(|a| (a.value().attr("href").unwrap().to_owned(), text(a)))
            .collect();
        for (href, title) in [("/about/", "About us"), ("/methodology/", "Methodology")] {
            assert!(
                nav.contains(&(href.to_owned(), title.to_owned())),
                "{url}: nav lacks {title} -> {href}: {nav:?}"
            );
        }
    }
}

/// `menu:` sets the header's entries and their order: pages by slug or
/// path, the site's own indexes, and links elsewhere; a page left out of it
/// is still built, and only what the menu names is in the header.
#[test]
fn the_menu_sets_the_headers_entries_and_their_order() {
    let site = newsroom();
    site.write(
        "site.yaml",
        "title: Test Desk\nmenu:\n  - verdicts\n  - \"@/pages/methodology.md\"\n  \
         - {label: The UN Charter, url: \"https://www.un.org/en/about-us/un-charter\"}\n  \
         - about\n  - search\n  - corrections\n  - briefings\n",
    );
    site.write(
        "content/pages/methodology.md",
        "---\ntitle: Methodology\n---\nCarefully.\n",
    );
    site.write(
        "content/pages/privacy.md",
        "---\ntitle: Privacy\n---\nNo trackers.\n",
    );
    site.build();
    let expected = [
        ("/verdicts/", "Verdicts"),
        ("/methodology/", "Methodology"),
        (
            "https://www.un.org/en/about-us/un-charter",
            "The UN Charter",
        ),
        ("/about/", "About us"),
        ("/search/", "Search"),
        ("/corrections/", "Corrections"),
        ("/", "Briefings"),
    ]
    .map(|(href, label)| (href.to_owned(), label.to_owned()));
    for url in ["/", "/briefings/alpha/", "/privacy/", "/verdicts/"] {
        let page = site.page(url);
        let nav: Vec<(String, String)> = page
            .select(&sel("header nav a[href]"))
            .map(|a| (a.value().attr("href").unwrap().to_owned(), text(a)))
            .collect();
        assert_eq!(nav, expected, "{url}");
    }
    let current = site.page("/verdicts/");
    let current = one(&current, r#"header nav a[aria-current="page"]"#);
    assert_eq!(current.value().attr("href"), Some("/verdicts/"));
    // Out of the menu, not out of the site.
    assert!(texts(&site.page("/privacy/"), "h1")
        .iter()
        .any(|h| h == "Privacy"));
}

#[test]
fn writes_a_not_found_page() {
    let site = newsroom();
    site.build();
    let page = site.page("/404.html");
    assert!(links_to(&page, "/"), "the 404 page offers no way home");
    // Served at any address, so its links must not be relative.
    for href in hrefs(&page) {
        assert!(
            href.starts_with('/') || href.starts_with('#') || href.contains("://"),
            "relative link {href} on 404.html"
        );
    }
}

#[test]
fn copies_static_files_and_lets_a_site_replace_the_theme_css() {
    let site = newsroom();
    site.build();
    let theme_css = fs::read(site.path("public/style.css")).expect("the built-in style.css");
    assert!(!theme_css.is_empty());

    let logo: &[u8] = b"\x89PNG\r\n\x1a\nnot really a png";
    site.write_bytes("static/img/logo.png", logo);
    site.write("static/robots.txt", "User-agent: *\n");
    site.write("static/style.css", "body { color: rebeccapurple; }\n");
    site.build();
    assert_eq!(fs::read(site.path("public/img/logo.png")).unwrap(), logo);
    assert_eq!(
        fs::read_to_string(site.path("public/robots.txt")).unwrap(),
        "User-agent: *\n"
    );
    assert_eq!(
        fs::read_to_string(site.path("public/style.css")).unwrap(),
        "body { color: rebeccapurple; }\n"
    );
}

/// `logo` and `favicon` from site.yaml: the logo in the header (its alt
/// text the site's title), the icon in every page's head, both in the feed,
/// and the logo as the publisher's in the ClaimReview data.
#[test]
fn the_desks_logo_and_favicon_are_shown_wherever_the_desk_is_named() {
    let site = newsroom();
    site.write(
        "site.yaml",
        "title: Test Desk\nbase_url: https://factdesk.example.org/desk/\n\
         logo: img/logo.svg\nfavicon: favicon.png\n",
    );
    site.write(
        "static/img/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"/>\n",
    );
    site.write_bytes("static/favicon.png", b"\x89PNG\r\n\x1a\nnot really a png");
    site.build();
    for url in ["/", "/briefings/alpha/", "/about/", "/verdicts/false/"] {
        let page = site.page(url);
        let logo = one(&page, "header .site-title a img");
        assert_eq!(
            logo.value().attr("src"),
            Some("/desk/img/logo.svg"),
            "{url}"
        );
        assert_eq!(logo.value().attr("alt"), Some("Test Desk"), "{url}");
        let icon = one(&page, r#"link[rel="icon"]"#);
        assert_eq!(
            icon.value().attr("href"),
            Some("/desk/favicon.png"),
            "{url}"
        );
        assert_eq!(icon.value().attr("type"), Some("image/png"), "{url}");
    }
    let feed = fs::read(site.path("public/feed.xml")).unwrap();
    let feed = feed_rs::parser::parse(&feed[..]).expect("feed.xml parses");
    assert_eq!(
        feed.logo.map(|i| i.uri).as_deref(),
        Some("https://factdesk.example.org/desk/img/logo.svg")
    );
    assert_eq!(
        feed.icon.map(|i| i.uri).as_deref(),
        Some("https://factdesk.example.org/desk/favicon.png")
    );
    let briefing = site.page("/briefings/alpha/");
    let json_ld = one(&briefing, r#"script[type="application/ld+json"]"#).inner_html();
    let reviews: serde_json::Value = serde_json::from_str(&json_ld).unwrap();
    assert_eq!(
        reviews[0]["author"]["logo"]["url"],
        "https://factdesk.example.org/desk/img/logo.svg"
    );

    // Without them, the title is the header's text and there is no icon.
    site.write("site.yaml", "title: Test Desk\n");
    site.build();
    let page = site.page("/");
    assert_eq!(text(one(&page, "header .site-title a")), "Test Desk");
    assert!(page.select(&sel(r#"link[rel="icon"]"#)).next().is_none());
}

// ------------------------------------------------------------ escaping

#[test]
fn text_fields_are_escaped_not_interpreted_as_html() {
    const SCRIPT: &str = "<script>alert(1)</script>";
    const IMG: &str = r#""><img src=x onerror=alert(1)>"#;
    let evil = format!("Evil {SCRIPT} {IMG}");
    // Single-quoted YAML takes every character literally.
    let q = |s: &str| format!("'{}'", s.replace('\'', "''"));
    let briefing = format!(
        "---
title: {title}
date: 2024-10-31
summary: {summary}
event: {event}
authors: [{author}]
tags: [{tag}]
speakers:
  kim:
    name: {name}
    role: {role}
sources:
  s:
    title: {source}
    publisher: {publisher}
    url: https://example.org/s
    excerpt: {excerpt}
  w:
    title: Withheld one
    withheld: {withheld}
claims:
  - id: c
    speaker: kim
    text: {claim}
    verbatim: true
    verdict: false
    explanation: Fine.
    sources: [s, w]
  - id: d
    speaker: kim
    text: {claim}
    verdict: false
    explanation: Fine.
    sources: [s]
---
Body.
",
        title = q(&evil),
        summary = q(&evil),
        event = q(&evil),
        author = q(&evil),
        tag = q(&evil),
        name = q(&evil),
        role = q(&evil),
        source = q(&evil),
        publisher = q(&evil),
        excerpt = q(&evil),
        withheld = q(&evil),
        claim = q(&evil),
    );
    let site = Site::with(&[
        (
            "site.yaml",
            &format!("title: {}\ndescription: {}\n", q(&evil), q(&evil)),
        ),
        ("content/briefings/evil.md", &briefing),
        (
            "content/pages/about.md",
            &format!("---\ntitle: {}\n---\nAbout.\n", q(&evil)),
        ),
    ]);
    site.build();

    let output = site.path("public");
    for rel in html_files(&output) {
        let html = Html::parse_document(&fs::read_to_string(output.join(&rel)).unwrap());
        // JSON-LD is data, not code; it must still hold no raw markup.
        let scripts = texts(&html, r#"script:not([type="application/ld+json"])"#);
        assert!(
            !scripts.iter().any(|s| s.contains("alert")),
            "{}: a script element ran the text: {scripts:?}",
            rel.display()
        );
        for data in texts(&html, r#"script[type="application/ld+json"]"#) {
            assert!(
                !data.contains('<'),
                "{}: raw markup in JSON-LD: {data}",
                rel.display()
            );
        }
        assert!(
            html.select(&sel("img")).next().is_none(),
            "{}: an <img> was created from text",
            rel.display()
        );
        assert!(
            html.select(&sel("[onerror]")).next().is_none(),
            "{}: an onerror attribute was created",
            rel.display()
        );
    }
    let page = site.page("/briefings/evil/");
    assert!(
        texts(&page, "h1")
            .iter()
            .any(|h| h.contains(SCRIPT) && h.contains(IMG)),
        "the title is not shown as text"
    );
    assert!(
        text(card(&page, "c")).contains(SCRIPT),
        "the claim text is not shown as text"
    );
    assert!(text(card(&page, "d")).contains(IMG));
}

// ------------------------------------------------------------ reproducibility

#[test]
fn rebuilding_unchanged_content_writes_identical_bytes() {
    let site = newsroom();
    site.build();
    let first = site.snapshot("public");
    assert!(first.len() > 20);
    site.build();
    let second = site.snapshot("public");
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &first {
        assert!(
            second[path] == *bytes,
            "{} changed between identical builds",
            path.display()
        );
    }
}

// ------------------------------------------------------------ known bugs

#[test]
fn a_speaker_id_cannot_write_outside_the_output_folder() {
    let site = Site::with(&[(
        "content/briefings/a.md",
        &MINIMAL_BRIEFING
            .replace("  kim:", "  ../../pwned:")
            .replace("speaker: kim", "speaker: ../../pwned"),
    )]);
    let run = site.run(&["build"]);
    assert!(
        !site.path("pwned").exists(),
        "a speaker id wrote outside the output folder"
    );
    if run.status == 0 {
        let speaker_pages: Vec<_> = html_files(&site.path("public"))
            .into_iter()
            .filter(|p| p.starts_with("speakers") && p.components().count() == 3)
            .collect();
        assert_eq!(speaker_pages.len(), 1, "{speaker_pages:?}");
    } else {
        assert!(run.stderr.contains("../../pwned"), "{}", run.stderr);
    }
}

#[test]
fn a_tag_without_letters_does_not_replace_the_tags_index() {
    let site = Site::with(&[(
        "content/briefings/a.md",
        &MINIMAL_BRIEFING.replace("speakers:", "tags: [\"!!!\", ok]\nspeakers:"),
    )]);
    let run = site.run(&["build"]);
    if run.status != 0 {
        assert!(run.stderr.contains("!!!"), "{}", run.stderr);
        return;
    }
    let briefing = site.page("/briefings/a/");
    let tag_links: Vec<String> = hrefs(&briefing)
        .into_iter()
        .filter(|h| h.starts_with("/tags/") && h != "/tags/")
        .collect();
    assert_eq!(tag_links.len(), 2, "{tag_links:?}");
    assert!(tag_links.iter().all(|h| !h.contains("//")), "{tag_links:?}");
    let index = site.page("/tags/");
    assert!(
        !texts(&index, "h1").iter().any(|h| h.contains("!!!")),
        "the /tags/ index was replaced by a tag page"
    );
}

#[test]
fn ids_on_a_briefing_page_are_unique() {
    let body = "## Claim: deploy\n\nText.\n\n## Claims checked\n\nA note[^note].\n\n## Note\n\nMore.\n\n[^note]: The footnote text.\n";
    let site = Site::with(&[(
        "content/briefings/a.md",
        &MINIMAL_BRIEFING
            .replace("id: first", "id: deploy")
            .replace("Body text.\n", body),
    )]);
    site.build();
    let page = site.page("/briefings/a/");
    let mut seen = BTreeSet::new();
    let duplicates: Vec<String> = common::attrs(&page, "[id]", "id")
        .into_iter()
        .filter(|id| !seen.insert(id.clone()))
        .collect();
    assert!(duplicates.is_empty(), "duplicate ids: {duplicates:?}");
    // The claim's anchor lands on the claim card, not on a heading.
    let target = page.select(&sel(r#"[id="claim-deploy"]"#)).next().unwrap();
    assert!(!all(target, r#"a[href="/speakers/kim/"]"#).is_empty());
}

#[test]
fn static_files_are_copied_with_their_hidden_files_but_not_editor_backups() {
    let site = Site::with(&[
        ("content/briefings/x.md", common::MINIMAL_BRIEFING),
        ("static/.nojekyll", ""),
        (
            "static/.well-known/security.txt",
            "Contact: mailto:desk@example.org",
        ),
        ("static/notes.txt~", "backup"),
    ]);
    site.build();
    assert!(site.path("public/.nojekyll").is_file());
    assert!(site.path("public/.well-known/security.txt").is_file());
    assert!(!site.path("public/notes.txt~").exists());
}

#[test]
fn markdown_safe_strips_raw_html_that_is_kept_by_default() {
    let briefing = MINIMAL_BRIEFING
        .replace(
            "explanation: The record does not settle it.",
            "explanation: \"The record <img src=x onerror=alert(1)> does not settle it.\"",
        )
        .replace(
            "Body text.",
            "Body <script>alert(1)</script> text with [a link](javascript:alert(2)).",
        );
    let site = Site::with(&[("content/briefings/x.md", &briefing)]);
    site.build();
    let trusted = fs::read_to_string(site.path("public/briefings/x/index.html")).unwrap();
    assert!(
        trusted.contains("<script>alert(1)</script>"),
        "raw HTML is kept by default"
    );

    site.write("site.yaml", "markdown:\n  safe: true\n");
    site.build();
    let html = fs::read_to_string(site.path("public/briefings/x/index.html")).unwrap();
    for gone in ["alert(1)", "onerror", "javascript:"] {
        assert!(!html.contains(gone), "{gone} survived markdown.safe");
    }
    let page = site.page("/briefings/x/");
    let text = texts(&page, ".prose").join(" ");
    assert!(text.contains("Body text with a link"), "{text}");
    assert!(texts(&page, "article.claim")
        .join(" ")
        .contains("The record does not settle it."));
}

#[test]
fn a_misspelt_markdown_setting_is_located() {
    let site = Site::with(&[
        (
            "site.yaml",
            "title: Desk\nmarkdown:\n  safe: true\n  sanitize: true\n",
        ),
        ("content/briefings/x.md", MINIMAL_BRIEFING),
    ]);
    let run = site.run(&["build"]);
    assert_eq!(run.status, 1, "{}", run.stdout);
    assert!(run.stderr.contains("site.yaml:4:3"), "{}", run.stderr);
    assert!(run.stderr.contains("sanitize"), "{}", run.stderr);
}

/// The meta lines that are running text keep the spaces between their
/// words, links and dates in the page's text itself, which is what a copy
/// and a screen reader start from (tests/browser.rs checks the laid-out
/// page reads the same).
#[test]
fn meta_lines_that_are_running_text_keep_their_spaces() {
    let briefing = MINIMAL_BRIEFING.replace(
        "claims:\n",
        "corrections:\n  - date: 2024-11-24\n    text: Fixed the date of the meeting.\nclaims:\n",
    );
    let site = Site::with(&[("content/briefings/minimal.md", &briefing)]);
    site.build();
    let raw = |el: ElementRef| el.text().collect::<String>();
    let claim = site.page("/briefings/minimal/claims/first/");
    assert_eq!(
        raw(one(&claim, "main p.meta-list")),
        "From A minimal briefing, 31 October 2024"
    );
    let corrections = site.page("/corrections/");
    assert_eq!(
        raw(one(&corrections, ".correction-entry__date")),
        "Corrected 24 November 2024"
    );
}

/// A `--drafts` build is a staging preview: every page asks not to be
/// indexed and says, visibly and in text, that it is a preview. A build
/// without drafts has neither.
#[test]
fn a_drafts_build_marks_every_page_as_a_preview_and_noindex() {
    let site = Site::with(&[
        ("content/briefings/published.md", MINIMAL_BRIEFING),
        (
            "content/briefings/unfinished.md",
            &MINIMAL_BRIEFING.replace(
                "title: A minimal briefing",
                "title: Unfinished\ndraft: true",
            ),
        ),
        ("content/pages/about.md", "---\ntitle: About\n---\nUs.\n"),
    ]);
    let run = site.run(&["build", "--drafts"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let pages = html_files(&site.path("public"));
    assert!(pages.len() > 10, "{pages:?}");
    for path in &pages {
        let html =
            Html::parse_document(&fs::read_to_string(site.path("public").join(path)).unwrap());
        // Once each: /404.html, noindex of its own, does not repeat it.
        let robots: Vec<&str> = all(html.root_element(), "head meta[name=robots]")
            .iter()
            .map(|m| m.value().attr("content").unwrap_or_default())
            .collect();
        assert_eq!(robots, ["noindex"], "{}", path.display());
        assert_eq!(
            all(html.root_element(), "header .preview-marker")
                .iter()
                .map(|m| m.text().collect::<String>())
                .collect::<Vec<_>>(),
            ["Preview: this build includes drafts and is not the published site."],
            "{}",
            path.display()
        );
    }

    site.build();
    for path in html_files(&site.path("public")) {
        let html = fs::read_to_string(site.path("public").join(&path)).unwrap();
        // The 404 page and claim embeds are never for search engines.
        let own_noindex = path.as_path() == std::path::Path::new("404.html")
            || path.ends_with("embed/index.html");
        assert!(
            (own_noindex || !html.contains("name=\"robots\"")) && !html.contains("preview-marker"),
            "{} is marked as a preview without --drafts",
            path.display()
        );
    }
}
