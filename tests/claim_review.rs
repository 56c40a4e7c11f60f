//! schema.org ClaimReview JSON-LD on briefing pages, checked property by
//! property against the front matter it was made from.

mod common;

use common::Site;
use scraper::Selector;
use serde_json::Value;

const SITE: &str = "\
title: Desk
base_url: https://factdesk.example.org/desk/
publisher:
  name: Example Fact Desk
  url: https://factdesk.example.org/about/
verdicts:
  - { id: true, label: Correct, rating: 4, description: Right. }
  - { id: half, label: Half right, rating: 2, description: Partly right. }
  - { id: false, label: Wrong, rating: 0, description: Wrong. }
  - { id: unproven, label: Unproven, description: Not known. }
";

const BRIEFING: &str = r#"---
title: Checked
date: 2024-10-31
updated: 2024-11-01
summary: What it found.
speakers:
  kim:
    name: Kim Song
    role: Permanent Representative
    affiliation: DPRK
  wood:
    name: Robert Wood
sources:
  charter:
    title: Charter of the United Nations
    url: https://www.un.org/en/about-us/un-charter/full-text
claims:
  - id: lawful
    speaker: kim
    text: "Any deployment would be lawful </script><script>alert(1)</script> & \"fine\""
    verbatim: true
    date: 2024-10-30
    appearance: https://press.un.org/en/2024/sc15877.doc.htm
    verdict: false
    explanation: Wrong.
    sources: [charter]
  - id: body-bags
    speaker: wood
    text: They will return in body bags.
    verdict: unproven
    explanation: A prediction.
    sources: [charter]
corrections:
  - { date: 2024-11-03, text: Fixed a name. }
---
Body.
"#;

/// The briefing page's JSON-LD: one block, a list of items.
fn json_ld(site: &Site) -> Vec<Value> {
    let page = site.page("/briefings/checked/");
    let script = Selector::parse(r#"script[type="application/ld+json"]"#).unwrap();
    let scripts: Vec<String> = page.select(&script).map(|s| s.inner_html()).collect();
    assert_eq!(scripts.len(), 1, "one JSON-LD block per briefing page");
    match serde_json::from_str(&scripts[0]).expect("valid JSON") {
        Value::Array(items) => items,
        other => panic!("expected an array of ClaimReviews, got {other}"),
    }
}

/// The ClaimReviews, which come first, one per claim in order.
fn reviews(site: &Site) -> Vec<Value> {
    let items = json_ld(site);
    let reviews: Vec<Value> = items
        .iter()
        .take_while(|item| item["@type"] == "ClaimReview")
        .cloned()
        .collect();
    assert_eq!(
        items.len(),
        reviews.len() + 1,
        "the reviews, then the article: {items:?}"
    );
    reviews
}

/// The briefing's own NewsArticle, last.
fn article(site: &Site) -> Value {
    let item = json_ld(site).pop().unwrap();
    assert_eq!(item["@type"], "NewsArticle", "{item}");
    item
}

#[test]
fn the_briefing_is_a_news_article_with_its_dates_author_and_publisher() {
    let site = built();
    let article = article(&site);
    assert_eq!(article["@context"], "https://schema.org");
    assert_eq!(article["headline"], "Checked");
    assert_eq!(article["description"], "What it found.");
    assert_eq!(
        article["url"],
        "https://factdesk.example.org/desk/briefings/checked/"
    );
    assert_eq!(article["mainEntityOfPage"], article["url"]);
    assert_eq!(article["datePublished"], "2024-10-31");
    // The latest of `updated` and the corrections.
    assert_eq!(article["dateModified"], "2024-11-03");
    // No authors named: the desk wrote it, and publishes it.
    assert_eq!(article["author"]["@type"], "Organization");
    assert_eq!(article["author"]["name"], "Example Fact Desk");
    assert_eq!(article["publisher"]["name"], "Example Fact Desk");
    assert_eq!(
        article["publisher"]["url"],
        "https://factdesk.example.org/about/"
    );
    // Nothing to show: no picture at all rather than an empty one.
    assert!(article.get("image").is_none(), "{article}");
    assert!(reviews(&site).iter().all(|r| r.get("image").is_none()));
}

fn built() -> Site {
    let site = Site::with(&[
        ("site.yaml", SITE),
        ("content/briefings/checked.md", BRIEFING),
    ]);
    site.build();
    site
}

#[test]
fn one_claim_review_per_claim_with_the_fields_of_the_front_matter() {
    let site = built();
    let reviews = reviews(&site);
    assert_eq!(reviews.len(), 2);
    let review = &reviews[0];
    assert_eq!(review["@context"], "https://schema.org");
    assert_eq!(review["@type"], "ClaimReview");
    assert_eq!(
        review["url"],
        "https://factdesk.example.org/desk/briefings/checked/#claim-lawful"
    );
    assert_eq!(
        review["claimReviewed"],
        "Any deployment would be lawful </script><script>alert(1)</script> & \"fine\""
    );
    assert_eq!(review["datePublished"], "2024-10-31");
    // The latest of `updated` and the corrections.
    assert_eq!(review["dateModified"], "2024-11-03");
    assert_eq!(review["author"]["@type"], "Organization");
    assert_eq!(review["author"]["name"], "Example Fact Desk");
    assert_eq!(
        review["author"]["url"],
        "https://factdesk.example.org/about/"
    );

    let item = &review["itemReviewed"];
    assert_eq!(item["@type"], "Claim");
    assert_eq!(item["datePublished"], "2024-10-30");
    assert_eq!(
        item["appearance"]["url"],
        "https://press.un.org/en/2024/sc15877.doc.htm"
    );
    assert_eq!(item["author"]["@type"], "Person");
    assert_eq!(item["author"]["name"], "Kim Song");
    assert_eq!(item["author"]["jobTitle"], "Permanent Representative");
    assert_eq!(item["author"]["affiliation"]["name"], "DPRK");
}

#[test]
fn ratings_come_from_the_custom_scale() {
    let site = built();
    let rating = &reviews(&site)[0]["reviewRating"];
    assert_eq!(rating["@type"], "Rating");
    assert_eq!(rating["ratingValue"], 0);
    assert_eq!(rating["bestRating"], 4);
    assert_eq!(rating["worstRating"], 0);
    assert_eq!(rating["alternateName"], "Wrong");
}

#[test]
fn an_unrated_verdict_has_a_name_but_no_numbers() {
    let site = built();
    let review = &reviews(&site)[1];
    let rating = &review["reviewRating"];
    assert_eq!(rating["alternateName"], "Unproven");
    for number in ["ratingValue", "bestRating", "worstRating"] {
        assert!(rating.get(number).is_none(), "{number} present: {rating}");
    }
    // Optional fields absent from the front matter are left out, not null.
    let author = &review["itemReviewed"]["author"];
    assert!(author.get("jobTitle").is_none() && author.get("affiliation").is_none());
    assert!(review["itemReviewed"].get("appearance").is_none());
}

#[test]
fn a_script_tag_in_a_claim_cannot_close_the_json_ld() {
    let site = built();
    let html = std::fs::read_to_string(site.path("public/briefings/checked/index.html")).unwrap();
    let start = html.find("application/ld+json").unwrap();
    let end = start + html[start..].find("</script>").unwrap();
    let json = &html[start..end];
    assert!(
        !json.contains("<script"),
        "raw markup inside JSON-LD: {json}"
    );
    let page = site.page("/briefings/checked/");
    let injected = Selector::parse("script:not([type])").unwrap();
    assert_eq!(
        page.select(&injected).count(),
        0,
        "a script element escaped the JSON-LD"
    );
}

fn meta(page: &scraper::Html, attr: &str, name: &str) -> String {
    let selector = Selector::parse(&format!(r#"meta[{attr}="{name}"]"#)).unwrap();
    page.select(&selector)
        .next()
        .and_then(|m| m.value().attr("content"))
        .unwrap_or_else(|| panic!("no meta {name}"))
        .to_owned()
}

#[test]
fn each_claim_has_a_page_of_its_own_with_share_cards() {
    let site = built();
    let page = site.page("/briefings/checked/claims/lawful/");
    let card = Selector::parse("article.claim").unwrap();
    assert_eq!(page.select(&card).count(), 1, "the claim card alone");
    let text: String = page.select(&card).next().unwrap().text().collect();
    assert!(text.contains("Wrong"), "verdict label on the card: {text}");
    let back = Selector::parse(r#"a[href="/desk/briefings/checked/#claim-lawful"]"#).unwrap();
    assert!(
        page.select(&back).next().is_some(),
        "a link back to the claim in its briefing"
    );

    assert_eq!(
        meta(&page, "property", "og:url"),
        "https://factdesk.example.org/desk/briefings/checked/claims/lawful/"
    );
    assert!(meta(&page, "property", "og:title")
        .starts_with("Kim Song: “Any deployment would be lawful"));
    assert_eq!(
        meta(&page, "property", "og:description"),
        "Verdict: Wrong. Wrong."
    );
    assert_eq!(meta(&page, "name", "twitter:card"), "summary");
    assert_eq!(
        meta(&page, "name", "twitter:description"),
        "Verdict: Wrong. Wrong."
    );
}

/// A claim's page leads with the claim, as fact-check sites head theirs:
/// who said it, what they said (quoted only when it is their words) and
/// the verdict, not the briefing it appeared in.
#[test]
fn a_claims_page_is_headed_by_the_claim_and_its_verdict() {
    let site = built();
    let h1 = Selector::parse("h1").unwrap();
    let title = Selector::parse("title").unwrap();
    for (url, speaker, said, verdict) in [
        (
            "/briefings/checked/claims/lawful/",
            "Kim Song",
            "“Any deployment would be lawful </script><script>alert(1)</script> & \"fine\"”",
            "Wrong",
        ),
        (
            "/briefings/checked/claims/body-bags/",
            "Robert Wood",
            "They will return in body bags.",
            "Unproven",
        ),
    ] {
        let page = site.page(url);
        let headings: Vec<_> = page.select(&h1).collect();
        assert_eq!(headings.len(), 1, "{url}: one h1");
        let heading = headings[0].text().collect::<String>();
        let heading = heading.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(
            heading,
            format!("{speaker}: {said} Verdict: {verdict}"),
            "{url}"
        );
        let title: String = page.select(&title).next().unwrap().text().collect();
        assert!(
            title.starts_with(&format!("{speaker}: {said} — {verdict}")),
            "{url}: {title}"
        );
        assert!(
            meta(&page, "property", "og:title") == format!("{speaker}: {said}"),
            "{url}: {}",
            meta(&page, "property", "og:title")
        );
    }
}

#[test]
fn the_card_on_the_briefing_links_to_the_claims_page() {
    let site = built();
    let page = site.page("/briefings/checked/");
    for id in ["lawful", "body-bags"] {
        let link = Selector::parse(&format!(
            r#"article#claim-{id} a[href="/desk/briefings/checked/claims/{id}/"]"#
        ))
        .unwrap();
        assert!(
            page.select(&link).next().is_some(),
            "no link to the page of claim {id}"
        );
    }
}
