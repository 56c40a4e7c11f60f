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

use serde_json::{json, Map, Value};

use crate::config::SiteConfig;
use crate::model::Briefing;
use crate::render::views::{
    briefing_share_image, claim_share_image, iso, BriefingViews, Byline, ClaimView, ShareImage,
};

/// The JSON-LD of a briefing, ready to place inside
/// `<script type="application/ld+json">`: a list of its claims'
/// ClaimReviews followed by the briefing's NewsArticle. `<`, `>` and `&`
/// are written as JSON escapes, so no field can close the script element.
pub(crate) fn json_ld(config: &SiteConfig, briefing: &Briefing, views: &BriefingViews) -> String {
    let mut items: Vec<Value> = views
        .claims
        .iter()
        .zip(&briefing.claims)
        .map(|(view, claim)| {
            let image = claim_share_image(config, view, &views.summary);
            review(
                config,
                briefing,
                view,
                claim.date.map(iso),
                &views.bylines,
                image,
            )
        })
        .collect();
    items.push(article(config, briefing, views));
    let text = serde_json::to_string(&items).unwrap_or_else(|_| "[]".to_owned());
    text.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The briefing as a NewsArticle: what it is called, when it appeared and
/// changed, who wrote it, who publishes it and its picture.
fn article(config: &SiteConfig, briefing: &Briefing, views: &BriefingViews) -> Value {
    let url = config.absolute(&views.summary.url);
    let mut article = Map::new();
    article.insert("@context".into(), "https://schema.org".into());
    article.insert("@type".into(), "NewsArticle".into());
    article.insert("headline".into(), briefing.title.clone().into());
    if !briefing.summary.is_empty() {
        article.insert("description".into(), briefing.summary.clone().into());
    }
    article.insert("url".into(), url.clone().into());
    article.insert("mainEntityOfPage".into(), url.into());
    article.insert("datePublished".into(), iso(briefing.date).into());
    article.insert("dateModified".into(), iso(briefing.last_changed()).into());
    article.insert("inLanguage".into(), config.language.clone().into());
    let publisher = publisher(config);
    if views.bylines.is_empty() {
        article.insert("author".into(), publisher.clone());
    } else {
        article.insert("author".into(), people(config, &views.bylines));
    }
    article.insert("publisher".into(), publisher);
    if let Some(image) = briefing_share_image(config, &views.summary) {
        article.insert("image".into(), image_object(&image));
    }
    Value::Object(article)
}

/// A picture as schema.org's ImageObject, with its size when known.
fn image_object(image: &ShareImage) -> Value {
    let mut object = Map::new();
    object.insert("@type".into(), "ImageObject".into());
    object.insert("url".into(), image.url.clone().into());
    if let (Some(width), Some(height)) = (image.width, image.height) {
        object.insert("width".into(), width.into());
        object.insert("height".into(), height.into());
    }
    if !image.alt.is_empty() {
        object.insert("description".into(), image.alt.clone().into());
    }
    Value::Object(object)
}

/// The desk, as the Organization that publishes.
fn publisher(config: &SiteConfig) -> Value {
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
    Value::Object(author)
}

/// The people who wrote a briefing, each a Person with their page.
fn people(config: &SiteConfig, bylines: &[Byline]) -> Value {
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
    Value::Array(people)
}

fn review(
    config: &SiteConfig,
    briefing: &Briefing,
    claim: &ClaimView,
    said: Option<String>,
    bylines: &[Byline],
    image: Option<ShareImage>,
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

    let author = publisher(config);

    let mut review = Map::new();
    review.insert("@context".into(), "https://schema.org".into());
    review.insert("@type".into(), "ClaimReview".into());
    review.insert("url".into(), config.absolute(&claim.url).into());
    review.insert("claimReviewed".into(), claim.text.to_string().into());
    review.insert("inLanguage".into(), config.language.clone().into());
    review.insert("datePublished".into(), iso(briefing.date).into());
    if let Some(date) = modified {
        review.insert("dateModified".into(), iso(date).into());
    }
    if bylines.is_empty() {
        review.insert("author".into(), author);
    } else {
        // The people who checked the claim, and the desk that published it.
        review.insert("author".into(), people(config, bylines));
        review.insert("publisher".into(), author);
    }
    review.insert("reviewRating".into(), Value::Object(rating));
    review.insert("itemReviewed".into(), Value::Object(item));
    if let Some(image) = image {
        review.insert("image".into(), image_object(&image));
    }
    Value::Object(review)
}
