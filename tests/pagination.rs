//! Long lists in pages: with `paginate` small, the index, speaker, verdict,
//! tag and sources pages split into `page/N/` pages, each with its own
//! title, canonical link, sitemap entry and pager, while counts and charts
//! still cover the whole list.
//!
//! The fixture is described by a table (`ARCHIVE`), and every expected
//! list, count and page is worked out from that table, not read back from
//! the output.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use common::{all, attrs, html_files, one, sel, text, texts, Site};
use scraper::Html;

// ------------------------------------------------------------ fixture

/// One briefing of the fixture: file slug, date, title, tags and claims.
struct Entry {
    slug: &'static str,
    date: &'static str,
    tags: &'static [&'static str],
    claims: &'static [Claim],
}

/// A claim: id (unique across the site), speaker, verdict, and the id of
/// the one source it cites, defined in its briefing unless site-wide.
struct Claim {
    id: &'static str,
    speaker: &'static str,
    verdict: &'static str,
    source: &'static str,
}

const fn claim(
    id: &'static str,
    speaker: &'static str,
    verdict: &'static str,
    source: &'static str,
) -> Claim {
    Claim {
        id,
        speaker,
        verdict,
        source,
    }
}

/// Listed out of date order, so that order on the pages comes from the
/// dates and not from the files.
const ARCHIVE: &[Entry] = &[
    Entry {
        slug: "march",
        date: "2024-03-10",
        tags: &["sanctions"],
        claims: &[
            claim("m1", "kim", "false", "report-m1"),
            claim("m2", "lee", "true", "charter"),
        ],
    },
    Entry {
        slug: "january",
        date: "2024-01-05",
        tags: &["sanctions", "budget"],
        claims: &[claim("j1", "kim", "false", "report-j1")],
    },
    Entry {
        slug: "may",
        date: "2024-05-20",
        tags: &["sanctions"],
        claims: &[
            claim("y1", "kim", "misleading", "report-y1"),
            claim("y2", "kim", "false", "charter"),
        ],
    },
    Entry {
        slug: "february",
        date: "2024-02-14",
        tags: &["budget"],
        claims: &[claim("f1", "kim", "false", "report-f1")],
    },
    Entry {
        slug: "april",
        date: "2024-04-01",
        tags: &["sanctions"],
        claims: &[
            claim("a1", "kim", "false", "report-a1"),
            claim("a2", "lee", "mixed", "report-a2"),
        ],
    },
];

const SPEAKERS: &str = "\
kim:
  name: Kim Song
  role: Permanent Representative
lee:
  name: Lee Idle
";

/// Cited from two briefings: one entry on `/sources/`.
const SITE_SOURCES: &str = "\
charter:
  title: Charter of the United Nations
  url: https://www.un.org/en/about-us/un-charter/full-text
";

const BASE: &str = "https://desk.example.org/";

fn title_of(slug: &str) -> String {
    format!("Briefing {slug}")
}

fn briefing_text(entry: &Entry) -> String {
    let mut out = format!(
        "---\ntitle: {}\ndate: {}\nsummary: What {} found.\n",
        title_of(entry.slug),
        entry.date,
        entry.slug
    );
    if !entry.tags.is_empty() {
        out += &format!("tags: [{}]\n", entry.tags.join(", "));
    }
    let own: Vec<&Claim> = entry
        .claims
        .iter()
        .filter(|c| c.source != "charter")
        .collect();
    if !own.is_empty() {
        out += "sources:\n";
        for c in own {
            out += &format!(
                "  {0}:\n    title: Report {0}\n    url: https://example.org/{0}\n",
                c.source
            );
        }
    }
    out += "claims:\n";
    for c in entry.claims {
        out += &format!(
            "  - id: {}\n    speaker: {}\n    text: Claim {}.\n    verdict: {}\n    explanation: Checked.\n    sources: [{}]\n",
            c.id, c.speaker, c.id, c.verdict, c.source
        );
    }
    out + "---\nBody.\n"
}

fn site_yaml(paginate: &str) -> String {
    format!("title: Test Desk\nbase_url: {BASE}\npaginate: {paginate}\n")
}

/// The archive with `paginate: 2`.
fn archive() -> Site {
    let site = Site::with(&[
        ("site.yaml", &site_yaml("2")),
        ("content/speakers.yaml", SPEAKERS),
        ("content/sources.yaml", SITE_SOURCES),
    ]);
    for entry in ARCHIVE {
        site.write(
            &format!("content/briefings/{}.md", entry.slug),
            &briefing_text(entry),
        );
    }
    site
}

const PER_PAGE: usize = 2;

// ------------------------------------------------------------ expectations

/// The briefings newest first.
fn by_date() -> Vec<&'static Entry> {
    let mut entries: Vec<&Entry> = ARCHIVE.iter().collect();
    entries.sort_by(|a, b| b.date.cmp(a.date));
    entries
}

/// Every claim with its briefing, newest briefing first, each briefing's
/// claims in their order.
fn claims_in_order() -> Vec<(&'static Entry, &'static Claim)> {
    by_date()
        .into_iter()
        .flat_map(|e| e.claims.iter().map(move |c| (e, c)))
        .collect()
}

/// The URL of page `n` (from 1) of the list at `url`.
fn page_url(url: &str, n: usize) -> String {
    if n == 1 {
        url.to_owned()
    } else {
        format!("{url}page/{n}/")
    }
}

fn page_count(len: usize) -> usize {
    len.div_ceil(PER_PAGE).max(1)
}

/// `items` cut into pages of `PER_PAGE`.
fn split<T: Clone>(items: &[T]) -> Vec<Vec<T>> {
    if items.is_empty() {
        return vec![Vec::new()];
    }
    items.chunks(PER_PAGE).map(<[T]>::to_vec).collect()
}

fn exists(site: &Site, url: &str) -> bool {
    site.path("public")
        .join(url.trim_start_matches('/'))
        .join("index.html")
        .is_file()
}

// ------------------------------------------------------------ readers

/// The briefing URLs a list page lists, in order.
fn listed_briefings(page: &Html) -> Vec<String> {
    common::attrs(page, ".briefing-item__title a", "href")
}

/// The claim URLs (`/briefings/<slug>/#claim-<id>`) a list page shows, in
/// order.
fn listed_claims(page: &Html) -> Vec<String> {
    common::attrs(page, ".claim-row__meta a[href*='#claim-']", "href")
}

/// The pager of a page: its status text, and (label, href, rel) of each link.
fn pager(page: &Html) -> (String, Vec<(String, String, Option<String>)>) {
    let nav = one(page, "nav.pager");
    assert!(
        nav.value()
            .attr("aria-label")
            .is_some_and(|l| !l.is_empty()),
        "a pager without a label"
    );
    let status = all(nav, ".pager__status")
        .first()
        .map(|p| text(*p))
        .unwrap_or_default();
    let links = all(nav, "a[href]")
        .into_iter()
        .map(|a| {
            let label = text(a).replace(" page", "");
            let href = a.value().attr("href").unwrap().to_owned();
            let rel = a.value().attr("rel").map(str::to_owned);
            (label, href, rel)
        })
        .collect();
    (status, links)
}

/// What the pager of page `n` of `count` at `url` must show.
fn expected_pager(
    url: &str,
    n: usize,
    count: usize,
) -> (String, Vec<(String, String, Option<String>)>) {
    let mut links = Vec::new();
    let link = |label: &str, to: usize, rel: Option<&str>| {
        (label.to_owned(), page_url(url, to), rel.map(str::to_owned))
    };
    if n > 1 {
        links.push(link("First", 1, None));
        links.push(link("Previous", n - 1, Some("prev")));
    }
    if n < count {
        links.push(link("Next", n + 1, Some("next")));
        links.push(link("Last", count, None));
    }
    (format!("Page {n} of {count}"), links)
}

/// The page's `<title>`.
fn title(page: &Html) -> String {
    text(one(page, "title"))
}

fn meta(page: &Html, property: &str) -> String {
    common::attrs(page, &format!(r#"meta[property="{property}"]"#), "content")
        .pop()
        .unwrap_or_else(|| panic!("no {property}"))
}

fn canonical(page: &Html) -> String {
    common::attrs(page, r#"link[rel="canonical"]"#, "href")
        .pop()
        .expect("a canonical link")
}

/// (verdict label, count) of every verdict given, from the first chart in
/// `scope`: each body row names its verdict in a link and counts in its
/// first cell.
fn tally(scope: scraper::ElementRef) -> BTreeMap<String, usize> {
    let chart = all(scope, ".chart")
        .into_iter()
        .next()
        .expect("a verdict chart");
    all(chart, "tbody tr")
        .into_iter()
        .filter_map(|tr| {
            let label = all(tr, "th a").first().map(|a| text(*a))?;
            let count: usize = text(*all(tr, "td").first()?).parse().ok()?;
            (count > 0).then_some((label, count))
        })
        .collect()
}

fn label_of(verdict: &str) -> &'static str {
    match verdict {
        "true" => "True",
        "mixed" => "Mixed",
        "misleading" => "Misleading",
        "false" => "False",
        other => panic!("no label for {other} in this fixture"),
    }
}

/// Counts by verdict label of some claims.
fn count_verdicts<'a>(claims: impl Iterator<Item = &'a Claim>) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for c in claims {
        *out.entry(label_of(c.verdict).to_owned()).or_default() += 1;
    }
    out
}

/// Checks every page of the list at `url` against `expected` (the entry
/// URLs in order), read from each page by `read`: the pages that exist, the
/// entries on each, the pager, and that there is no page after the last.
#[track_caller]
fn assert_paged(site: &Site, url: &str, expected: &[String], read: fn(&Html) -> Vec<String>) {
    let pages = split(expected);
    let count = pages.len();
    let mut seen = Vec::new();
    for (i, want) in pages.iter().enumerate() {
        let n = i + 1;
        let at = page_url(url, n);
        let page = site.page(&at);
        assert_eq!(&read(&page), want, "{at} lists the wrong entries");
        seen.extend(read(&page));
        if count == 1 {
            assert!(
                page.select(&sel("nav.pager")).next().is_none(),
                "{at} fits on one page but has a pager"
            );
        } else {
            assert_eq!(pager(&page), expected_pager(url, n, count), "pager of {at}");
        }
    }
    assert_eq!(seen, expected, "{url}: entries repeated or missing");
    if count == 1 {
        let folder = site
            .path("public")
            .join(url.trim_start_matches('/'))
            .join("page");
        assert!(!folder.exists(), "{url} fits but has {}", folder.display());
    } else {
        let after = page_url(url, count + 1);
        assert!(!exists(site, &after), "{after} exists");
    }
}

// ------------------------------------------------------------ the index

#[test]
fn the_index_splits_into_pages_newest_first() {
    let site = archive();
    site.build();
    let expected: Vec<String> = by_date()
        .iter()
        .map(|e| format!("/briefings/{}/", e.slug))
        .collect();
    assert_eq!(page_count(expected.len()), 3);
    assert_paged(&site, "/", &expected, listed_briefings);
    assert!(exists(&site, "/page/3/"));
    assert!(!exists(&site, "/page/4/"));
    assert!(
        !site.path("public/page/1").exists(),
        "page 1 is the index itself"
    );
}

#[test]
fn pages_after_the_first_say_so_in_their_title_canonical_and_share_meta() {
    let site = archive();
    site.build();
    let first = site.page("/");
    let second = site.page("/page/2/");

    assert!(!title(&first).contains("page"), "{}", title(&first));
    assert!(
        title(&second).starts_with("Briefings, page 2 "),
        "{}",
        title(&second)
    );
    assert_eq!(canonical(&first), BASE);
    assert_eq!(canonical(&second), format!("{BASE}page/2/"));
    assert_eq!(meta(&second, "og:url"), format!("{BASE}page/2/"));
    assert_eq!(meta(&first, "og:title"), "Test Desk");
    assert_eq!(meta(&second, "og:title"), "Test Desk, page 2");

    let verdict = site.page("/verdicts/false/page/3/");
    assert!(
        title(&verdict).starts_with("Verdict: False, page 3 "),
        "{}",
        title(&verdict)
    );
    assert_eq!(meta(&verdict, "og:title"), "Verdict: False, page 3");
    assert_eq!(canonical(&verdict), format!("{BASE}verdicts/false/page/3/"));

    let speaker = site.page("/speakers/kim/page/2/");
    assert!(
        title(&speaker).starts_with("Kim Song, page 2 "),
        "{}",
        title(&speaker)
    );
    assert_eq!(meta(&speaker, "og:title"), "Kim Song, page 2");
}

#[test]
fn every_page_of_the_index_charts_every_claim_on_the_site() {
    let site = archive();
    site.build();
    let expected = count_verdicts(ARCHIVE.iter().flat_map(|e| e.claims.iter()));
    assert_eq!(expected.values().sum::<usize>(), 8);
    for n in 1..=3 {
        let page = site.page(&page_url("/", n));
        assert_eq!(tally(one(&page, ".site-tally")), expected, "page {n}");
    }
}

// ------------------------------------------------------------ other lists

#[test]
fn a_verdict_page_splits_its_claims_and_counts_them_all() {
    let site = archive();
    site.build();
    let rated = |verdict: &str| -> Vec<String> {
        claims_in_order()
            .into_iter()
            .filter(|(_, c)| c.verdict == verdict)
            .map(|(e, c)| format!("/briefings/{}/#claim-{}", e.slug, c.id))
            .collect()
    };
    let false_claims = rated("false");
    assert_eq!(page_count(false_claims.len()), 3);
    assert_paged(&site, "/verdicts/false/", &false_claims, listed_claims);
    let total = format!("{} claims received this verdict.", false_claims.len());
    for n in 1..=3 {
        let page = site.page(&page_url("/verdicts/false/", n));
        let standfirst = text(one(&page, ".standfirst"));
        assert!(standfirst.contains(&total), "page {n}: {standfirst}");
    }

    // One claim: one page, no pager, no page/ folder.
    assert_paged(&site, "/verdicts/true/", &rated("true"), listed_claims);
}

#[test]
fn a_speaker_page_splits_their_claims_and_charts_them_all() {
    let site = archive();
    site.build();
    let by = |speaker: &str| -> Vec<(&Entry, &Claim)> {
        claims_in_order()
            .into_iter()
            .filter(|(_, c)| c.speaker == speaker)
            .collect()
    };
    let urls = |claims: &[(&Entry, &Claim)]| -> Vec<String> {
        claims
            .iter()
            .map(|(e, c)| format!("/briefings/{}/#claim-{}", e.slug, c.id))
            .collect()
    };
    let kim = by("kim");
    assert_eq!(page_count(kim.len()), 3);
    assert_paged(&site, "/speakers/kim/", &urls(&kim), listed_claims);
    let kim_tally = count_verdicts(kim.iter().map(|(_, c)| *c));
    for n in 1..=3 {
        let page = site.page(&page_url("/speakers/kim/", n));
        assert_eq!(tally(page.root_element()), kim_tally, "page {n}");
    }

    // Exactly one page's worth fits on one page.
    let lee = by("lee");
    assert_eq!(lee.len(), PER_PAGE);
    assert_paged(&site, "/speakers/lee/", &urls(&lee), listed_claims);
    assert_eq!(
        tally(site.page("/speakers/lee/").root_element()),
        count_verdicts(lee.iter().map(|(_, c)| *c))
    );
}

#[test]
fn a_tag_page_splits_its_briefings_and_counts_them_all() {
    let site = archive();
    site.build();
    let tagged = |tag: &str| -> Vec<String> {
        by_date()
            .into_iter()
            .filter(|e| e.tags.contains(&tag))
            .map(|e| format!("/briefings/{}/", e.slug))
            .collect()
    };
    let sanctions = tagged("sanctions");
    assert_eq!(page_count(sanctions.len()), 2);
    assert_paged(&site, "/tags/sanctions/", &sanctions, listed_briefings);
    for n in 1..=2 {
        let page = site.page(&page_url("/tags/sanctions/", n));
        let standfirst = text(one(&page, ".standfirst"));
        assert!(
            standfirst.starts_with(&format!("{} briefings tagged", sanctions.len())),
            "page {n}: {standfirst}"
        );
    }
    assert_paged(&site, "/tags/budget/", &tagged("budget"), listed_briefings);
}

#[test]
fn lists_that_fit_have_no_pages_and_no_pager_at_the_default() {
    let site = archive();
    site.write(
        "site.yaml",
        &format!("title: Test Desk\nbase_url: {BASE}\n"),
    );
    site.build();
    for rel in html_files(&site.path("public")) {
        let path = rel.to_string_lossy().replace('\\', "/");
        assert!(!path.contains("page/"), "{path} with 50 a page");
        let html =
            Html::parse_document(&fs::read_to_string(site.path("public").join(&rel)).unwrap());
        assert!(
            html.select(&sel("nav.pager")).next().is_none(),
            "{path} has a pager"
        );
    }
}

// ------------------------------------------------------------ sources

/// Every distinct source the archive cites, by its URL.
fn cited_urls() -> BTreeSet<String> {
    ARCHIVE
        .iter()
        .flat_map(|e| e.claims.iter())
        .map(|c| match c.source {
            "charter" => "https://www.un.org/en/about-us/un-charter/full-text".to_owned(),
            id => format!("https://example.org/{id}"),
        })
        .collect()
}

#[test]
fn the_sources_list_splits_with_each_source_on_one_page() {
    let site = archive();
    site.build();
    let expected = cited_urls();
    let count = page_count(expected.len());
    assert!(count >= 3, "the fixture needs sources on several pages");
    let mut seen = Vec::new();
    for n in 1..=count {
        let url = page_url("/sources/", n);
        let page = site.page(&url);
        let here = common::attrs(&page, ".source-entry .source__link", "href");
        let want = if n < count {
            PER_PAGE
        } else {
            expected.len() - PER_PAGE * (count - 1)
        };
        assert_eq!(here.len(), want, "{url}: {here:?}");
        assert_eq!(pager(&page), expected_pager("/sources/", n, count), "{url}");
        seen.extend(here);
    }
    let distinct: BTreeSet<String> = seen.iter().cloned().collect();
    assert_eq!(
        distinct.len(),
        seen.len(),
        "a source on two pages: {seen:?}"
    );
    assert_eq!(distinct, expected);
    assert!(!exists(&site, &page_url("/sources/", count + 1)));
}

#[test]
fn every_link_to_a_source_entry_lands_on_it() {
    let site = archive();
    site.build();
    let output = site.path("public");
    let mut pages_linked = BTreeSet::new();
    let mut checked = 0;
    for rel in html_files(&output) {
        let html = Html::parse_document(&fs::read_to_string(output.join(&rel)).unwrap());
        for href in common::attrs(&html, r#"a[href*="/sources/"]"#, "href") {
            let Some((path, id)) = href.split_once('#') else {
                continue;
            };
            let target = output.join(path.trim_start_matches('/')).join("index.html");
            assert!(target.is_file(), "{}: {href} -> no page", rel.display());
            let linked = Html::parse_document(&fs::read_to_string(&target).unwrap());
            let entries = linked
                .select(&sel(&format!(r#".source-entry[id="{id}"]"#)))
                .count();
            assert_eq!(
                entries,
                1,
                "{}: {href} -> no entry {id} there",
                rel.display()
            );
            pages_linked.insert(path.to_owned());
            checked += 1;
        }
    }
    // Briefing and claim pages carry source cards (lists of claims show
    // rows, which leave the sources to the card).
    assert!(checked > 10, "only {checked} links to sources");
    let count = page_count(cited_urls().len());
    let every_page: BTreeSet<String> = (1..=count).map(|n| page_url("/sources/", n)).collect();
    assert_eq!(
        pages_linked, every_page,
        "links reach every page of /sources/"
    );
}

#[test]
fn every_internal_link_resolves_with_lists_in_pages() {
    let site = archive();
    site.build();
    assert!(exists(&site, "/speakers/kim/page/3/"));
    let broken = common::broken_links(&site.path("public"), "/");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

// ------------------------------------------------------------ sitemap

/// `<loc>` -> `<lastmod>` of the site's sitemap.
fn sitemap(site: &Site) -> BTreeMap<String, Option<String>> {
    common::sitemap_entries(&fs::read_to_string(site.path("public/sitemap.xml")).unwrap())
}

#[test]
fn the_sitemap_lists_every_page_of_every_list_with_its_newest_entry() {
    let site = archive();
    site.build();
    let listed = sitemap(&site);
    let built: BTreeSet<String> = html_files(&site.path("public"))
        .into_iter()
        // The 404 page and the claims' embeds (cards for other sites, marked
        // noindex) are not pages to send search engines to.
        .filter(|p| p != Path::new("404.html") && !p.ends_with("embed/index.html"))
        .map(|p| {
            let url = p.to_string_lossy().replace('\\', "/");
            format!("{BASE}{}", url.trim_end_matches("index.html"))
        })
        .collect();
    let paged: Vec<&String> = built.iter().filter(|u| u.contains("/page/")).collect();
    // Index 3, Kim 3, False 3, sanctions 2, sources 4: 10 later pages.
    assert_eq!(
        paged.len(),
        2 + 2 + 2 + 1 + (page_count(cited_urls().len()) - 1)
    );
    assert_eq!(listed.keys().cloned().collect::<BTreeSet<_>>(), built);

    let dates: Vec<&str> = by_date().iter().map(|e| e.date).collect();
    let lastmod = |url: &str| listed[&format!("{BASE}{url}")].clone();
    // Page 2 of the index shows the third and fourth newest.
    assert_eq!(lastmod("page/2/").as_deref(), Some(dates[2]));
    assert_eq!(lastmod("page/3/").as_deref(), Some(dates[4]));
    let false_claims: Vec<&str> = claims_in_order()
        .into_iter()
        .filter(|(_, c)| c.verdict == "false")
        .map(|(e, _)| e.date)
        .collect();
    for (i, shown) in split(&false_claims).iter().enumerate() {
        let url = page_url("verdicts/false/", i + 1);
        let newest = shown.iter().max().copied();
        assert_eq!(lastmod(&url).as_deref(), newest, "{url}");
    }
    // A page of /sources/ changes with the briefings citing what it shows.
    let date_of = |href: &str| {
        ARCHIVE
            .iter()
            .find(|e| href.ends_with(&format!("/briefings/{}/", e.slug)))
            .map(|e| e.date)
    };
    for i in 1..=page_count(cited_urls().len()) {
        let url = page_url("sources/", i);
        let page = site.page(&format!("/{url}"));
        let newest = attrs(&page, ".claim-row__meta a[href*='#claim-']", "href")
            .iter()
            .filter_map(|href| date_of(href.split('#').next().unwrap()))
            .max();
        assert!(newest.is_some(), "{url} cites no briefing");
        assert_eq!(lastmod(&url).as_deref(), newest, "{url}");
    }
}

// ------------------------------------------------------------ bad settings

#[test]
fn a_paginate_that_is_not_a_whole_number_from_one_fails_and_writes_nothing() {
    let site = archive();
    site.build();
    let before = site.snapshot("public");
    for bad in ["0", "many", "-3", "2.5"] {
        site.write("site.yaml", &site_yaml(bad));
        let run = site.run(&["build"]);
        assert_eq!(run.status, 1, "paginate: {bad}\n{}", run.stderr);
        // `paginate: ` is ten characters into the third line.
        assert!(
            run.stderr.contains("site.yaml:3:11"),
            "paginate: {bad}\n{}",
            run.stderr
        );
        assert!(
            run.stderr.contains(&format!("paginate `{bad}`")),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("paginate: 50"),
            "no hint: {}",
            run.stderr
        );
        assert!(
            site.snapshot("public") == before,
            "paginate: {bad} changed the output"
        );
    }
}

#[test]
fn paginate_one_gives_every_entry_its_own_page() {
    let site = archive();
    site.write("site.yaml", &site_yaml("1"));
    site.build();
    let expected: Vec<String> = by_date()
        .iter()
        .map(|e| format!("/briefings/{}/", e.slug))
        .collect();
    for (i, url) in expected.iter().enumerate() {
        let page = site.page(&page_url("/", i + 1));
        assert_eq!(listed_briefings(&page), [url.as_str()]);
        assert_eq!(
            texts(&page, ".pager__status"),
            [format!("Page {} of {}", i + 1, expected.len())]
        );
    }
    assert!(!exists(&site, &page_url("/", expected.len() + 1)));
}
