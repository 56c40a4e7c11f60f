//! schema.org data for search engines, built with serde_json from the
//! front matter alone: a ClaimReview per claim, and a NewsArticle for the
//! briefing itself.
//!
//! The properties follow schema.org's ClaimReview and the fact-check
//! structured data that search engines document: the review's URL is the
//! claim's permalink, its author the briefing's authors (or else the
//! publisher), its rating the verdict's
//! place on the scale, and the reviewed item a Claim with its speaker.
//! Each carries the picture a share of its page shows, so a search result
//! shows what a share does.

use serde::Serialize;

use crate::config::SiteConfig;
use crate::model::Briefing;
use crate::render::views::{
    briefing_share_image, claim_share_image, iso, BriefingViews, Byline, ClaimView, ShareImage,
};

// The records below are written as serde_json wrote the maps they replace,
// whose keys it sorts: each declares its fields in that (byte) order, so
// the JSON-LD is the same text, made without building and sorting a map of
// every claim.

/// The JSON-LD of a briefing, ready to place inside
/// `<script type="application/ld+json">`: a list of its claims'
/// ClaimReviews followed by the briefing's NewsArticle. `<`, `>` and `&`
/// are written as JSON escapes, so no field can close the script element.
pub(crate) fn json_ld(config: &SiteConfig, briefing: &Briefing, views: &BriefingViews) -> String {
    let publisher = publisher(config);
    let people = people(config, &views.bylines);
    let published = iso(briefing.date);
    let modified = briefing.modified().map(iso);
    let ratings = config.scale.iter().filter_map(|v| v.rating);
    let (best, worst) = (ratings.clone().max(), ratings.min());
    let mut out = Vec::with_capacity(1024 * (views.claims.len() + 1));
    out.push(b'[');
    for (view, claim) in views.claims.iter().zip(&briefing.claims) {
        let said = claim.date.map(iso);
        let image = claim_share_image(config, view, &views.summary);
        let review = review(
            config,
            view,
            Dates {
                said: said.as_deref(),
                published: &published,
                modified: modified.as_deref(),
            },
            (best, worst),
            (&publisher, &people),
            image.as_ref(),
        );
        // Writing into memory fails only on a bug in serde_json.
        let _ = serde_json::to_writer(&mut out, &review);
        out.push(b',');
    }
    // The briefing as a NewsArticle: what it is called, when it appeared
    // and changed, who wrote it, who publishes it and its picture.
    let url = config.absolute(&views.summary.url);
    let image = briefing_share_image(config, &views.summary);
    let article = Article {
        context: "https://schema.org",
        kind: "NewsArticle",
        author: author(&publisher, &people),
        date_modified: iso(briefing.last_changed()),
        date_published: published.clone(),
        description: Some(briefing.summary.as_str()).filter(|s| !s.is_empty()),
        headline: &briefing.title,
        image: image.as_ref().map(image_object),
        in_language: &config.language,
        main_entity_of_page: &url,
        publisher: &publisher,
        url: &url,
    };
    let _ = serde_json::to_writer(&mut out, &article);
    out.push(b']');
    // The runs between them copied whole rather than byte by byte: some
    // 10 KB a briefing.
    let mut text = Vec::with_capacity(out.len() + 64);
    let mut start = 0;
    for at in memchr::memchr3_iter(b'<', b'>', b'&', &out) {
        text.extend_from_slice(&out[start..at]);
        text.extend_from_slice(match out[at] {
            b'<' => b"\\u003c",
            b'>' => b"\\u003e",
            _ => b"\\u0026",
        });
        start = at + 1;
    }
    text.extend_from_slice(&out[start..]);
    String::from_utf8(text).unwrap_or_default()
}

/// The dates of a review: when the claim was said, and when the briefing
/// was published and last changed.
struct Dates<'a> {
    said: Option<&'a str>,
    published: &'a str,
    modified: Option<&'a str>,
}

#[derive(Serialize)]
struct Article<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    author: Author<'a>,
    #[serde(rename = "dateModified")]
    date_modified: String,
    #[serde(rename = "datePublished")]
    date_published: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    headline: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<ImageObject<'a>>,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    #[serde(rename = "mainEntityOfPage")]
    main_entity_of_page: &'a str,
    publisher: &'a Organization<'a>,
    url: &'a str,
}

/// Who wrote a page: its people, or else the desk.
#[derive(Serialize)]
#[serde(untagged)]
enum Author<'a> {
    Desk(&'a Organization<'a>),
    People(&'a [Person<'a>]),
}

fn author<'a>(publisher: &'a Organization<'a>, people: &'a [Person<'a>]) -> Author<'a> {
    if people.is_empty() {
        Author::Desk(publisher)
    } else {
        Author::People(people)
    }
}

/// A picture as schema.org's ImageObject, with its size when known.
#[derive(Serialize)]
struct ImageObject<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    height: Option<u32>,
    url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    width: Option<u32>,
}

fn image_object(image: &ShareImage) -> ImageObject<'_> {
    let size = image.width.zip(image.height);
    ImageObject {
        kind: "ImageObject",
        description: Some(image.alt.as_str()).filter(|a| !a.is_empty()),
        height: size.map(|(_, h)| h),
        url: &image.url,
        width: size.map(|(w, _)| w),
    }
}

/// The desk, as the Organization that publishes.
#[derive(Serialize)]
struct Organization<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    logo: Option<Logo>,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct Logo {
    #[serde(rename = "@type")]
    kind: &'static str,
    url: String,
}

fn publisher(config: &SiteConfig) -> Organization<'_> {
    Organization {
        kind: "Organization",
        logo: config.logo.as_ref().map(|logo| Logo {
            kind: "ImageObject",
            url: config.absolute(&config.static_url(logo)),
        }),
        name: &config.publisher.name,
        url: config.publisher.url.as_deref(),
    }
}

/// One of the people who wrote a briefing, with their page.
#[derive(Serialize)]
struct Person<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

fn people<'a>(config: &SiteConfig, bylines: &'a [Byline]) -> Vec<Person<'a>> {
    bylines
        .iter()
        .map(|b| Person {
            kind: "Person",
            name: &b.name,
            url: b.url.as_ref().map(|url| config.absolute(url)),
        })
        .collect()
}

#[derive(Serialize)]
struct Review<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    author: Author<'a>,
    #[serde(rename = "claimReviewed")]
    claim_reviewed: &'a str,
    #[serde(rename = "dateModified", skip_serializing_if = "Option::is_none")]
    date_modified: Option<&'a str>,
    #[serde(rename = "datePublished")]
    date_published: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<ImageObject<'a>>,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    #[serde(rename = "itemReviewed")]
    item_reviewed: Item<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    publisher: Option<&'a Organization<'a>>,
    #[serde(rename = "reviewRating")]
    review_rating: Rating<'a>,
    url: String,
}

#[derive(Serialize)]
struct Rating<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "alternateName")]
    alternate_name: &'a str,
    #[serde(rename = "bestRating", skip_serializing_if = "Option::is_none")]
    best_rating: Option<u32>,
    #[serde(rename = "ratingValue", skip_serializing_if = "Option::is_none")]
    rating_value: Option<u32>,
    #[serde(rename = "worstRating", skip_serializing_if = "Option::is_none")]
    worst_rating: Option<u32>,
}

/// The claim reviewed, with who said it.
#[derive(Serialize)]
struct Item<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    appearance: Option<Typed<'a>>,
    author: Speaker<'a>,
    #[serde(rename = "datePublished", skip_serializing_if = "Option::is_none")]
    date_published: Option<&'a str>,
}

#[derive(Serialize)]
struct Speaker<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    affiliation: Option<Named<'a>>,
    #[serde(rename = "jobTitle", skip_serializing_if = "Option::is_none")]
    job_title: Option<&'a str>,
    name: &'a str,
}

/// `{"@type": …, "name": …}`.
#[derive(Serialize)]
struct Named<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
}

/// `{"@type": …, "url": …}`.
#[derive(Serialize)]
struct Typed<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    url: &'a str,
}

fn review<'a>(
    config: &'a SiteConfig,
    claim: &'a ClaimView,
    dates: Dates<'a>,
    (best, worst): (Option<u32>, Option<u32>),
    (publisher, people): (&'a Organization<'a>, &'a [Person<'a>]),
    image: Option<&'a ShareImage>,
) -> Review<'a> {
    // A rating only when the verdict has one and the scale a best and worst.
    let rated = config
        .verdict(&claim.verdict.id)
        .and_then(|v| v.rating)
        .zip(best)
        .zip(worst)
        .map(|((value, best), worst)| (value, best, worst));
    Review {
        context: "https://schema.org",
        kind: "ClaimReview",
        // The people who checked the claim, and the desk that published it.
        author: author(publisher, people),
        claim_reviewed: claim.text(),
        date_modified: dates.modified,
        date_published: dates.published,
        image: image.map(image_object),
        in_language: &config.language,
        item_reviewed: Item {
            kind: "Claim",
            appearance: claim.claim().appearance().map(|url| Typed {
                kind: "CreativeWork",
                url,
            }),
            author: Speaker {
                kind: "Person",
                affiliation: claim.speaker.affiliation.as_deref().map(|name| Named {
                    kind: "Organization",
                    name,
                }),
                job_title: claim.speaker.role.as_deref(),
                name: &claim.speaker.name,
            },
            date_published: dates.said,
        },
        publisher: (!people.is_empty()).then_some(publisher),
        review_rating: Rating {
            kind: "Rating",
            alternate_name: &claim.verdict.label,
            best_rating: rated.map(|r| r.1),
            rating_value: rated.map(|r| r.0),
            worst_rating: rated.map(|r| r.2),
        },
        url: config.absolute(&claim.url()),
    }
}
