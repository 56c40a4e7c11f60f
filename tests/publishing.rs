//! What the site publishes about itself: verdict charts (scorecards) on the
//! index, speaker and briefing pages, the corrections on each briefing and
//! on `/corrections/`, and OpenGraph and Twitter card meta on every page.
//!
//! Expected numbers are counted from the fixtures' own front matter, so a
//! chart is checked against what the writer wrote, not against itself.

mod common;

use std::collections::BTreeMap;
use std::fs;

use common::{all, html_files, one, sel, text, texts, Site};
use scraper::{ElementRef, Html};

// ------------------------------------------------------------ fixtures

const SPEAKERS: &str = "\
kim:
  name: Kim Song
  role: Permanent Representative
  affiliation: DPRK
lee:
  name: Lee Idle
nebenzia:
  name: Vassily Nebenzia
";

/// Kim: false, false, mixed; Nebenzia: misleading. Three corrections, two
/// on the same day.
const ALPHA: &str = "---
title: Alpha briefing
date: 2024-10-01
updated: 2024-10-04
summary: What alpha found.
sources:
  s:
    title: A source
    url: https://example.org/s
claims:
  - id: a1
    speaker: kim
    text: One.
    verdict: false
    explanation: No.
    sources: [s]
  - id: a2
    speaker: kim
    text: Two.
    verdict: false
    explanation: No.
    sources: [s]
  - id: a3
    speaker: kim
    text: Three.
    verdict: mixed
    explanation: Partly.
    sources: [s]
  - id: a4
    speaker: nebenzia
    text: Four.
    verdict: misleading
    explanation: Hardly.
    sources: [s]
corrections:
  - date: 2024-10-03
    text: Alpha first correction, of a **date**.
  - date: 2024-10-05
    text: Alpha second correction.
  - date: 2024-10-05
    text: Alpha third correction.
---
Alpha body.
";

/// Kim: true. Two corrections, one on the day of two of alpha's.
const BETA: &str = "---
title: Beta briefing
date: 2024-10-02
summary: What beta found.
sources:
  s:
    title: Another source
    url: https://example.org/t
claims:
  - id: b1
    speaker: kim
    text: Five.
    verdict: true
    explanation: Yes.
    sources: [s]
corrections:
  - date: 2024-10-05
    text: Beta first correction, see [alpha](@/briefings/alpha.md).
  - date: 2024-11-03
    text: Beta second correction.
---
Beta body.
";

/// Nebenzia: false. No corrections.
const GAMMA: &str = "---
title: Gamma briefing
date: 2024-12-01
summary: What gamma found.
sources:
  s:
    title: A third source
    url: https://example.org/u
claims:
  - id: g1
    speaker: nebenzia
    text: Six.
    verdict: false
    explanation: No.
    sources: [s]
---
Gamma body.
";

const BRIEFINGS: &[(&str, &str)] = &[("alpha", ALPHA), ("beta", BETA), ("gamma", GAMMA)];

fn newsroom() -> Site {
    let mut files: Vec<(String, &str)> = vec![
        (
            "site.yaml".into(),
            "title: Test Desk\ndescription: Claims, checked.\nbase_url: https://factdesk.example.org/\n",
        ),
        ("content/speakers.yaml".into(), SPEAKERS),
        (
            "content/pages/about.md".into(),
            "---\ntitle: About us\ndescription: Who runs the desk.\n---\nWho we are.\n",
        ),
    ];
    for (slug, text) in BRIEFINGS {
        files.push((format!("content/briefings/{slug}.md"), text));
    }
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), *t)).collect();
    Site::with(&files)
}

// ------------------------------------------------------------ front matter

/// The front matter of a briefing, parsed.
fn front_matter(text: &str) -> serde_yaml::Value {
    let yaml = text.split("---\n").nth(1).expect("front matter");
    serde_yaml::from_str(yaml).unwrap()
}

/// Each claim's (speaker, verdict id); YAML reads a bare `true` or `false`
/// as a boolean, which names the verdict of that name.
fn claims_of(text: &str) -> Vec<(String, String)> {
    front_matter(text)["claims"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|c| {
            let verdict = match &c["verdict"] {
                serde_yaml::Value::Bool(b) => b.to_string(),
                v => v.as_str().unwrap().to_owned(),
            };
            (c["speaker"].as_str().unwrap().to_owned(), verdict)
        })
        .collect()
}

/// The default scale, best first: (id, label).
const SCALE: &[(&str, &str)] = &[
    ("true", "True"),
    ("mostly-true", "Mostly true"),
    ("mixed", "Mixed"),
    ("misleading", "Misleading"),
    ("false", "False"),
    ("unverified", "Unverified"),
];

/// A whole percentage, never 0% or 100% unless none or all.
fn share(count: usize, total: usize) -> String {
    let percent = if count == 0 {
        0
    } else if count == total {
        100
    } else {
        ((count as f64 * 100.0 / total as f64).round() as usize).clamp(1, 99)
    };
    format!("{percent}%")
}

/// The chart rows expected for these verdict ids: every verdict of the
/// scale, in order, with its count and share.
fn expected_rows<'a>(verdicts: impl Iterator<Item = &'a str>) -> Vec<Row> {
    let verdicts: Vec<&str> = verdicts.collect();
    let total = verdicts.len();
    SCALE
        .iter()
        .map(|(id, label)| {
            let count = verdicts.iter().filter(|v| *v == id).count();
            Row {
                label: label.to_string(),
                count,
                share: share(count, total),
            }
        })
        .collect()
}

// ------------------------------------------------------------ HTML

#[derive(Debug, PartialEq)]
struct Row {
    label: String,
    count: usize,
    share: String,
}

/// A chart read as a screen reader would: its table's caption, body rows
/// and total, and, apart, the bar's segments as (verdict, count) from their
/// titles and the numbers they print.
struct Chart {
    caption: String,
    rows: Vec<Row>,
    total: usize,
    segments: Vec<(String, usize)>,
}

fn chart(scope: ElementRef) -> Chart {
    let charts = all(scope, ".chart");
    assert_eq!(charts.len(), 1, "one .chart in {}", scope.html());
    let chart = charts[0];
    let tables = all(chart, "table");
    assert_eq!(tables.len(), 1, "one table in the chart");
    let table = tables[0];
    let rows = all(table, "tbody tr")
        .into_iter()
        .map(|tr| {
            let header = all(tr, "th[scope=row]");
            assert_eq!(header.len(), 1, "a row header in {}", tr.html());
            let cells: Vec<String> = all(tr, "td").into_iter().map(text).collect();
            assert_eq!(cells.len(), 2, "claims and share cells in {}", tr.html());
            Row {
                label: text(header[0]),
                count: cells[0].parse().unwrap(),
                share: cells[1].clone(),
            }
        })
        .collect();
    let total = all(table, "tfoot td")
        .first()
        .map(|td| text(*td).parse().unwrap())
        .expect("a total");
    let bars = all(chart, ".chart__bar");
    assert_eq!(bars.len(), 1, "one bar");
    assert_eq!(
        bars[0].value().attr("aria-hidden"),
        Some("true"),
        "the bar repeats the table, so it is hidden from screen readers"
    );
    let segments = all(bars[0], ".chart__segment")
        .into_iter()
        .map(|s| {
            let title = s.value().attr("title").unwrap_or_default();
            let label = title.split(':').next().unwrap().to_owned();
            (label, text(s).parse().unwrap())
        })
        .collect();
    Chart {
        caption: all(table, "caption").first().map(|c| text(*c)).unwrap(),
        rows,
        total,
        segments,
    }
}

/// The nonzero rows as (label, count): what the bar should draw.
fn nonzero(rows: &[Row]) -> Vec<(String, usize)> {
    rows.iter()
        .filter(|r| r.count > 0)
        .map(|r| (r.label.clone(), r.count))
        .collect()
}

// ------------------------------------------------------------ charts

#[test]
fn speaker_chart_matches_their_claims_in_the_front_matter() {
    let site = newsroom();
    site.build();
    let kim: Vec<String> = BRIEFINGS
        .iter()
        .flat_map(|(_, text)| claims_of(text))
        .filter(|(speaker, _)| speaker == "kim")
        .map(|(_, verdict)| verdict)
        .collect();
    let expected = expected_rows(kim.iter().map(String::as_str));
    let page = site.page("/speakers/kim/");
    let chart = chart(page.root_element());
    assert_eq!(chart.rows, expected);
    assert_eq!(chart.total, 4);
    assert_eq!(
        nonzero(&chart.rows),
        [
            ("True".to_owned(), 1),
            ("Mixed".to_owned(), 1),
            ("False".to_owned(), 2)
        ]
    );
    assert_eq!(chart.segments, nonzero(&expected));
    assert!(chart.caption.contains("Kim Song"), "{}", chart.caption);
}

#[test]
fn index_chart_counts_every_claim_on_the_site() {
    let site = newsroom();
    site.build();
    let every: Vec<String> = BRIEFINGS
        .iter()
        .flat_map(|(_, text)| claims_of(text))
        .map(|(_, verdict)| verdict)
        .collect();
    let expected = expected_rows(every.iter().map(String::as_str));
    let index = site.page("/");
    let chart = chart(one(&index, ".site-tally"));
    assert_eq!(chart.rows, expected);
    assert_eq!(chart.total, 6);
    assert_eq!(chart.segments, nonzero(&expected));
    // 3 of 6 false, 1 of 6 each for three others: shares in text.
    assert_eq!(chart.rows[4].share, "50%");
    assert_eq!(chart.rows[0].share, "17%");
}

#[test]
fn briefing_chart_counts_its_own_claims() {
    let site = newsroom();
    site.build();
    for (slug, text) in BRIEFINGS {
        let verdicts: Vec<String> = claims_of(text).into_iter().map(|(_, v)| v).collect();
        let expected = expected_rows(verdicts.iter().map(String::as_str));
        let page = site.page(&format!("/briefings/{slug}/"));
        let chart = chart(one(&page, ".briefing__tally"));
        assert_eq!(chart.rows, expected, "{slug}");
        assert_eq!(chart.total, verdicts.len(), "{slug}");
        assert_eq!(chart.segments, nonzero(&expected), "{slug}");
    }
}

#[test]
fn a_verdict_with_no_claims_is_a_muted_table_row_and_no_segment() {
    let site = newsroom();
    site.build();
    let page = site.page("/briefings/alpha/");
    let scope = one(&page, ".briefing__tally");
    let chart = chart(scope);
    for label in ["True", "Mostly true", "Unverified"] {
        let row = chart.rows.iter().find(|r| r.label == label).unwrap();
        assert_eq!((row.count, row.share.as_str()), (0, "0%"), "{label}");
        assert!(
            !chart.segments.iter().any(|(l, _)| l == label),
            "{label} has a segment though no claim has it"
        );
    }
    let zero_rows: Vec<String> = all(scope, "tr.chart__row--zero th")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(zero_rows, ["True", "Mostly true", "Unverified"]);
    // Every segment is one of the nonzero rows, in scale order.
    assert_eq!(
        chart.segments,
        [
            ("Mixed".to_owned(), 1),
            ("Misleading".to_owned(), 1),
            ("False".to_owned(), 2)
        ]
    );
}

#[test]
fn each_verdict_row_links_to_its_verdict_page() {
    let site = newsroom();
    site.build();
    let page = site.page("/speakers/kim/");
    let links: Vec<String> = page
        .select(&sel(".chart tbody th a"))
        .filter_map(|a| a.value().attr("href").map(str::to_owned))
        .collect();
    let expected: Vec<String> = SCALE
        .iter()
        .map(|(id, _)| format!("/verdicts/{id}/"))
        .collect();
    assert_eq!(links, expected);
}

#[test]
fn no_claims_means_no_chart_and_no_division_by_zero() {
    let site = Site::with(&[
        ("content/speakers.yaml", SPEAKERS),
        (
            "content/pages/about.md",
            "---\ntitle: About\n---\nNothing yet.\n",
        ),
    ]);
    site.build();
    for url in ["/", "/speakers/lee/"] {
        let page = site.page(url);
        let charts: Vec<_> = page.select(&sel(".chart")).collect();
        assert_eq!(charts.len(), 1, "{url}");
        assert_eq!(text(charts[0]), "No claims checked yet.", "{url}");
        let html = page.html();
        assert!(!html.contains("NaN"), "{url}: {html}");
    }
}

#[test]
fn a_speaker_without_claims_beside_others_gets_an_empty_chart() {
    let site = newsroom();
    site.build();
    let page = site.page("/speakers/lee/");
    assert_eq!(
        texts(&page, ".chart"),
        ["No claims checked yet."],
        "Lee Idle made no claim"
    );
}

// ------------------------------------------------------------ corrections

/// Every correction in the fixtures as (date, briefing slug, position).
fn corrections_in_front_matter() -> Vec<(String, &'static str, usize, String)> {
    let mut out = Vec::new();
    for (slug, text) in BRIEFINGS {
        let fm = front_matter(text);
        for (i, c) in fm["corrections"]
            .as_sequence()
            .into_iter()
            .flatten()
            .enumerate()
        {
            out.push((
                c["date"].as_str().unwrap().to_owned(),
                *slug,
                i,
                c["text"].as_str().unwrap().to_owned(),
            ));
        }
    }
    out
}

#[test]
fn corrections_page_lists_every_correction_newest_first_with_links() {
    let site = newsroom();
    site.build();
    let page = site.page("/corrections/");
    let entries: Vec<ElementRef> = page.select(&sel(".correction-entry")).collect();
    assert_eq!(entries.len(), corrections_in_front_matter().len());
    let shown: Vec<(String, String, String)> = entries
        .iter()
        .map(|e| {
            let date = all(*e, "time")[0]
                .value()
                .attr("datetime")
                .unwrap()
                .to_owned();
            let link = all(*e, "h2 a")[0].value().attr("href").unwrap().to_owned();
            let body = text(all(*e, ".correction__text")[0]);
            (date, link, body)
        })
        .collect();
    let expected = [
        ("2024-11-03", "/briefings/beta/#corrections", "Beta second"),
        // A day's corrections follow the briefings, newest first...
        ("2024-10-05", "/briefings/beta/#corrections", "Beta first"),
        // ...and within a briefing the later entry comes first.
        ("2024-10-05", "/briefings/alpha/#corrections", "Alpha third"),
        (
            "2024-10-05",
            "/briefings/alpha/#corrections",
            "Alpha second",
        ),
        ("2024-10-03", "/briefings/alpha/#corrections", "Alpha first"),
    ];
    assert_eq!(shown.len(), expected.len());
    for ((date, link, body), (want_date, want_link, want_text)) in shown.iter().zip(expected) {
        assert_eq!(date, want_date);
        assert_eq!(link, want_link);
        assert!(
            body.starts_with(want_text),
            "{body:?} should start with {want_text:?}"
        );
    }
    // Dates never go up.
    let dates: Vec<&String> = shown.iter().map(|(d, ..)| d).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    // The briefing's title is the link text, and the text is Markdown
    // rendered: bold and the `@/` link resolved.
    assert_eq!(texts(&page, ".correction-entry h2")[0], "Beta briefing");
    assert_eq!(texts(&page, ".correction-entry strong"), ["date"]);
    let beta_link = page
        .select(&sel(".correction-entry .correction__text a"))
        .filter_map(|a| a.value().attr("href"))
        .collect::<Vec<_>>();
    assert_eq!(beta_link, ["/briefings/alpha/"]);
}

#[test]
fn corrections_page_says_so_when_there_are_none_and_every_page_links_to_it() {
    let site = Site::with(&[("content/briefings/x.md", common::MINIMAL_BRIEFING)]);
    site.build();
    let page = site.page("/corrections/");
    assert!(page.select(&sel(".correction-entry")).next().is_none());
    assert!(
        texts(&page, "main")[0].contains("No corrections have been made."),
        "{:?}",
        texts(&page, "main")
    );
    let output = site.path("public");
    // A claim's embed sits in another site's frame, without the site's
    // header and footer.
    for rel in html_files(&output)
        .into_iter()
        .filter(|p| !p.ends_with("embed/index.html"))
    {
        let html = Html::parse_document(&fs::read_to_string(output.join(&rel)).unwrap());
        let links = html
            .select(&sel(r#"footer a[href="/corrections/"]"#))
            .count();
        assert_eq!(links, 1, "{}: no link to /corrections/", rel.display());
    }
    let current = page
        .select(&sel(
            r#"footer a[href="/corrections/"][aria-current="page"]"#,
        ))
        .count();
    assert_eq!(current, 1, "the link marks the corrections page as current");
}

#[test]
fn a_briefing_shows_its_corrections_and_updated_date() {
    let site = newsroom();
    site.build();
    let page = site.page("/briefings/alpha/");
    let section = one(&page, "section.corrections");
    assert_eq!(
        all(section, "h2#corrections").len(),
        1,
        "the corrections heading is the anchor /corrections/ links to"
    );
    let dates: Vec<String> = all(section, "li time")
        .into_iter()
        .filter_map(|t| t.value().attr("datetime").map(str::to_owned))
        .collect();
    assert_eq!(dates, ["2024-10-03", "2024-10-05", "2024-10-05"]);
    assert!(text(section).contains("Alpha first correction, of a"));
    assert_eq!(
        all(section, r#"a[href="/corrections/"]"#).len(),
        1,
        "a link to every correction on the site"
    );
    let meta = text(one(&page, ".briefing__meta"));
    assert!(meta.contains("Updated 4 October 2024"), "{meta}");
    let gamma = site.page("/briefings/gamma/");
    assert!(gamma.select(&sel("section.corrections")).next().is_none());
    assert!(!text(one(&gamma, ".briefing__meta")).contains("Updated"));
}

#[test]
fn briefing_cards_in_lists_show_the_updated_date() {
    let site = newsroom();
    site.build();
    let index = site.page("/");
    let alpha = index
        .select(&sel(".briefing-item"))
        .find(|c| text(*c).contains("Alpha briefing"))
        .unwrap();
    let updated: Vec<String> = all(alpha, "li")
        .into_iter()
        .map(text)
        .filter(|t| t.starts_with("Updated"))
        .collect();
    assert_eq!(updated, ["Updated 4 October 2024"]);
    let datetimes: Vec<&str> = all(alpha, "time")
        .into_iter()
        .filter_map(|t| t.value().attr("datetime"))
        .collect();
    assert!(datetimes.contains(&"2024-10-04"), "{datetimes:?}");
}

#[test]
fn source_cards_show_the_archived_copy_when_given() {
    let site = Site::with(&[(
        "content/briefings/x.md",
        &common::MINIMAL_BRIEFING.replace(
            "    url: https://www.un.org/en/about-us/un-charter/full-text\n",
            "    url: https://www.un.org/en/about-us/un-charter/full-text\n    archived: https://web.archive.org/web/2024/charter\n",
        ),
    )]);
    site.build();
    let page = site.page("/briefings/x/");
    let archived: Vec<String> = page
        .select(&sel(".source-card a"))
        .filter(|a| text(*a) == "Archived copy")
        .filter_map(|a| a.value().attr("href").map(str::to_owned))
        .collect();
    assert_eq!(archived, ["https://web.archive.org/web/2024/charter"]);
}

#[test]
fn a_plain_page_may_not_take_the_corrections_slug() {
    let site = Site::with(&[
        ("content/briefings/x.md", common::MINIMAL_BRIEFING),
        (
            "content/pages/corrections.md",
            "---\ntitle: Corrections policy\n---\nHow we correct.\n",
        ),
    ]);
    let run = site.run(&["build"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "the page slug `corrections` is taken by the site's own `/corrections/` page"
        ),
        "{}",
        run.stderr
    );
}

// ------------------------------------------------------------ meta

/// Every OpenGraph (`property`) and Twitter (`name`) meta tag of a page, by
/// name; each name must appear once.
fn share_meta(page: &Html) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for m in page.select(&sel("head meta")) {
        let name = m
            .value()
            .attr("property")
            .or_else(|| m.value().attr("name"))
            .unwrap_or_default();
        if name.starts_with("og:") || name.starts_with("twitter:") || name.starts_with("article:") {
            let content = m.value().attr("content").unwrap_or_default().to_owned();
            assert!(
                out.insert(name.to_owned(), content).is_none(),
                "{name} appears twice"
            );
        }
    }
    out
}

fn canonical(page: &Html) -> String {
    page.select(&sel(r#"link[rel="canonical"]"#))
        .next()
        .and_then(|l| l.value().attr("href"))
        .unwrap()
        .to_owned()
}

const STAGING: &str = "https://staging.example.org/desk/";

fn built_for_staging() -> Site {
    let site = newsroom();
    let run = site.run(&["build", "--base-url", STAGING]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    site
}

#[test]
fn every_page_has_share_meta_with_an_absolute_url() {
    let site = built_for_staging();
    let output = site.path("public");
    let mut checked = 0;
    for rel in html_files(&output) {
        // Not pages to share: the 404 page, and a claim's embed (its claim
        // page is the one shared, and the embed's canonical link).
        if rel.to_str() == Some("404.html") || rel.ends_with("embed/index.html") {
            continue;
        }
        let page = Html::parse_document(&fs::read_to_string(output.join(&rel)).unwrap());
        let meta = share_meta(&page);
        for key in [
            "og:type",
            "og:site_name",
            "og:title",
            "og:description",
            "og:url",
            "twitter:card",
        ] {
            assert!(
                meta.get(key).is_some_and(|v| !v.is_empty()),
                "{}: no {key} in {meta:?}",
                rel.display()
            );
        }
        let url = &meta["og:url"];
        assert!(url.starts_with(STAGING), "{}: {url}", rel.display());
        assert_eq!(*url, canonical(&page), "{}", rel.display());
        let path = rel.to_str().unwrap().trim_end_matches("index.html");
        assert_eq!(*url, format!("{STAGING}{path}"), "{}", rel.display());
        assert_eq!(meta["og:site_name"], "Test Desk");
        checked += 1;
    }
    assert!(checked > 15, "only {checked} pages checked");
}

#[test]
fn the_not_found_page_has_no_share_meta() {
    let site = built_for_staging();
    let page = site.page("/404.html");
    assert!(share_meta(&page).is_empty(), "{:?}", share_meta(&page));
}

#[test]
fn share_meta_describes_each_kind_of_page() {
    let site = built_for_staging();
    let expect = |url: &str, pairs: &[(&str, &str)]| {
        let meta = share_meta(&site.page(url));
        for (key, value) in pairs {
            assert_eq!(
                meta.get(*key).map(String::as_str),
                Some(*value),
                "{url}: {key} in {meta:?}"
            );
        }
        meta
    };
    expect(
        "/",
        &[
            ("og:type", "website"),
            ("og:title", "Test Desk"),
            ("og:description", "Claims, checked."),
            ("og:url", STAGING),
            ("twitter:card", "summary"),
        ],
    );
    // A briefing is an article, published on its date and modified on the
    // latest of its `updated` and its corrections.
    expect(
        "/briefings/alpha/",
        &[
            ("og:type", "article"),
            ("og:title", "Alpha briefing"),
            ("og:description", "What alpha found."),
            (
                "og:url",
                "https://staging.example.org/desk/briefings/alpha/",
            ),
            ("article:published_time", "2024-10-01"),
            ("article:modified_time", "2024-10-05"),
            ("twitter:title", "Alpha briefing"),
            ("twitter:description", "What alpha found."),
        ],
    );
    let gamma = expect(
        "/briefings/gamma/",
        &[
            ("og:type", "article"),
            ("article:published_time", "2024-12-01"),
        ],
    );
    assert!(!gamma.contains_key("article:modified_time"), "{gamma:?}");
    expect(
        "/speakers/kim/",
        &[
            ("og:type", "profile"),
            ("og:title", "Kim Song"),
            ("og:description", "Permanent Representative, DPRK"),
            ("og:url", "https://staging.example.org/desk/speakers/kim/"),
        ],
    );
    expect(
        "/speakers/lee/",
        &[("og:description", "Claims by Lee Idle checked by Test Desk.")],
    );
    expect(
        "/about/",
        &[
            ("og:type", "website"),
            ("og:title", "About us"),
            ("og:description", "Who runs the desk."),
            ("og:url", "https://staging.example.org/desk/about/"),
        ],
    );
    for (url, title) in [
        ("/speakers/", "Speakers"),
        ("/sources/", "Sources"),
        ("/verdicts/", "Verdicts"),
        ("/verdicts/false/", "Verdict: False"),
        ("/corrections/", "Corrections"),
    ] {
        expect(
            url,
            &[
                ("og:type", "website"),
                ("og:title", title),
                ("og:description", "Claims, checked."),
            ],
        );
    }
    expect(
        "/briefings/alpha/claims/a1/",
        &[
            ("og:type", "article"),
            // A paraphrase, so in no quotation marks.
            ("og:title", "Kim Song: One."),
            ("og:description", "Verdict: False. No."),
            (
                "og:url",
                "https://staging.example.org/desk/briefings/alpha/claims/a1/",
            ),
            ("twitter:description", "Verdict: False. No."),
        ],
    );
}

#[test]
fn share_meta_follows_base_url_without_the_flag() {
    let site = newsroom();
    site.build();
    let meta = share_meta(&site.page("/briefings/beta/"));
    assert_eq!(
        meta["og:url"],
        "https://factdesk.example.org/briefings/beta/"
    );
}

#[test]
fn quotes_ampersands_and_script_tags_in_meta_are_escaped() {
    let evil = r#"Tom "&" Jerry's </script><script>alert(1)</script>"#;
    let quoted = serde_yaml::to_string(evil).unwrap();
    let quoted = quoted.trim_end();
    let briefing = common::MINIMAL_BRIEFING
        .replace("title: A minimal briefing", &format!("title: {quoted}"))
        .replace("summary: What it found.", &format!("summary: {quoted}"))
        .replace(
            "text: Any deployment would comply with international law.",
            &format!("text: {quoted}"),
        );
    let site = Site::with(&[
        ("site.yaml", &format!("title: {quoted}\n")),
        ("content/briefings/x.md", &briefing),
    ]);
    site.build();
    for url in ["/briefings/x/", "/briefings/x/claims/first/", "/"] {
        let path = site
            .path("public")
            .join(url.trim_start_matches('/'))
            .join("index.html");
        let raw = fs::read_to_string(&path).unwrap();
        let head = &raw[..raw.find("</head>").unwrap()];
        assert!(
            !head.contains("</script><script>"),
            "{url}: raw markup in the head:\n{head}"
        );
        assert!(
            head.contains("Tom &quot;&amp;&quot; Jerry&#x27;s &lt;/script&gt;"),
            "{url}: not escaped:\n{head}"
        );
        let page = Html::parse_document(&raw);
        let meta = share_meta(&page);
        assert_eq!(meta["og:site_name"], evil, "{url}");
        let scripts = page
            .select(&sel(r#"script:not([type="application/ld+json"])"#))
            .count();
        assert_eq!(scripts, 0, "{url}: a script element was created");
    }
    let briefing = share_meta(&site.page("/briefings/x/"));
    assert_eq!(briefing["og:title"], evil);
    assert_eq!(briefing["og:description"], evil);
    let claim = share_meta(&site.page("/briefings/x/claims/first/"));
    assert_eq!(claim["og:title"], format!("Kim Song: {evil}"));
}
