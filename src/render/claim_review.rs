//! schema.org ClaimReview data for search engines, one per claim, built
//! with serde_json from the front matter alone.
//!
//! The properties follow schema.org's ClaimReview and the fact-check
//! structured data that search engines document: the review's URL is the
//! claim's permalink, its author the briefing's authors (or else the
//! publisher), its rating the verdict's
//! place on the scale, and the reviewed item a Claim with its speaker.

use serde_json::{json, Map, Value};

use crate::config::SiteConfig;
use crate::model::Briefing;
use crate::render::views::{iso, Byline, ClaimView};

/// The JSON-LD of a briefing's claims, ready to place inside
/// `<script type="application/ld+json">`: `<`, `>` and `&` are written as
/// JSON escapes, so no field can close the script element.
pub(crate) fn json_ld(
    config: &SiteConfig,
    briefing: &Briefing,
    claims: &[ClaimView],
    bylines: &[Byline],
) -> String {
    let reviews: Vec<Value> = claims
        .iter()
        .zip(&briefing.claims)
        .map(|(view, claim)| review(config, briefing, view, claim.date.map(iso), bylines))
        .collect();
    let text = serde_json::to_string(&reviews).unwrap_or_else(|_| "[]".to_owned());
    text.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn review(
    config: &SiteConfig,
    briefing: &Briefing,
    claim: &ClaimView,
    said: Option<String>,
    bylines: &[Byline],
) -> Value {
    let modified = briefing.modified();

    let mut rating = Map::new();
    rating.insert("@type".into(), "Rating".into());
    let ratings = config.scale.iter().filter_map(|v| v.rating);
    if let (Some(value), Some(best), Some(worst)) = (
        config.verdict(&claim.verdict.id).and_then(|v| v.rating),
        ratings.clone().max(),
        ratings.min(),
    ) {
        rating.insert("ratingValue".into(), value.into());
        rating.insert("bestRating".into(), best.into());
        rating.insert("worstRating".into(), worst.into());
    }
    rating.insert("alternateName".into(), claim.verdict.label.clone().into());

    let mut person = Map::new();
    person.insert("@type".into(), "Person".into());
    person.insert("name".into(), claim.speaker.name.clone().into());
    if let Some(role) = &claim.speaker.role {
        person.insert("jobTitle".into(), role.clone().into());
    }
    if let Some(affiliation) = &claim.speaker.affiliation {
        person.insert(
            "affiliation".into(),
            json!({ "@type": "Organization", "name": affiliation }),
        );
    }

    let mut item = Map::new();
    item.insert("@type".into(), "Claim".into());
    item.insert("author".into(), Value::Object(person));
    if let Some(date) = said {
        item.insert("datePublished".into(), date.into());
    }
    if let Some(appearance) = &claim.appearance {
        item.insert(
            "appearance".into(),
            json!({ "@type": "CreativeWork", "url": appearance }),
        );
    }

    let mut author = Map::new();
    author.insert("@type".into(), "Organization".into());
    author.insert("name".into(), config.publisher.name.clone().into());
    if let Some(url) = &config.publisher.url {
        author.insert("url".into(), url.clone().into());
    }
    if let Some(logo) = &config.logo {
        let url = config.absolute(&config.static_url(logo));
        author.insert("logo".into(), json!({ "@type": "ImageObject", "url": url }));
    }

    let mut review = Map::new();
    review.insert("@context".into(), "https://schema.org".into());
    review.insert("@type".into(), "ClaimReview".into());
    review.insert("url".into(), config.absolute(&claim.url).into());
    review.insert("claimReviewed".into(), claim.text.clone().into());
    review.insert("datePublished".into(), iso(briefing.date).into());
    if let Some(date) = modified {
        review.insert("dateModified".into(), iso(date).into());
    }
    if bylines.is_empty() {
        review.insert("author".into(), Value::Object(author));
    } else {
        // The people who checked the claim, and the desk that published it.
        let people: Vec<Value> = bylines
            .iter()
            .map(|b| {
                let mut person = Map::new();
                person.insert("@type".into(), "Person".into());
                person.insert("name".into(), b.name.clone().into());
                if let Some(url) = &b.url {
                    person.insert("url".into(), config.absolute(url).into());
                }
                Value::Object(person)
            })
            .collect();
        review.insert("author".into(), Value::Array(people));
        review.insert("publisher".into(), Value::Object(author));
    }
    review.insert("reviewRating".into(), Value::Object(rating));
    review.insert("itemReviewed".into(), Value::Object(item));
    Value::Object(review)
}
