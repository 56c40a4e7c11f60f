//! Images on the pages and in shares: a briefing's lead figure, a claim's
//! image, a source's hosted file and a speaker's portrait as the theme
//! shows them; the picture each page gives as `og:image`; and the same
//! pictures in the JSON-LD, the feeds and `claims.json`. Every address is
//! checked against the files the build wrote, under a base path.
//!
//! The images are small and resized to small widths, and every site starts
//! from the image cache of one build of the same images, so the tests
//! spend their time on pages rather than on encoding.

mod common;

use std::fs;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::{all, attrs, one, sel, text, Site};
use scraper::Html;
use serde_json::Value;

const BASE: &str = "https://desk.example.org/desk/";

const SITE: &str = "\
title: Desk
base_url: https://desk.example.org/desk/
publisher:
  name: Example Fact Desk
image:
  src: /img/share.png
  alt: The desk's name on a blue ground
images:
  widths: [240, 480]
";

const PIER: &str = r#"---
title: The pier
date: 2024-10-31
summary: What the pier shows.
image:
  src: lead.png
  alt: A chart of the pier's length by year, rising from 100 to 300 metres
  caption: The pier grew threefold.
  credit: "Chart: Example Fact Desk"
speakers:
  kim:
    name: Kim Song
    image:
      src: kim.png
      alt: Kim Song at the podium
sources:
  report:
    title: The harbour report
    url: https://harbour.example.org/report
    file: report.pdf
claims:
  - id: built
    speaker: kim
    text: The pier was built in a week.
    verdict: 'false'
    explanation: It took three years.
    sources: [report]
    image:
      src: post.png
      alt: The post claiming the pier was built in a week
      caption: The post as it was shared on 3 May.
      credit: "Screenshot: Example Fact Desk"
      archived: https://web.archive.org/web/2024/https://social.example/post/1
  - id: long
    speaker: kim
    text: The pier is 300 metres long.
    verdict: 'true'
    explanation: The report says so.
    sources: [report]
---
The pier, in numbers.
"#;

const PLAIN: &str = "---
title: A plain briefing
date: 2024-10-30
summary: No pictures here.
speakers:
  lee:
    name: Lee Min
sources:
  charter:
    title: Charter of the United Nations
    url: https://www.un.org/en/about-us/un-charter/full-text
claims:
  - id: plain
    speaker: lee
    text: Nothing to see.
    verdict: unverified
    explanation: Nothing shown.
    sources: [charter]
---
Body.
";

/// A PNG of `width` by `height` pixels: a gradient, so no two rows are
/// alike and an encoder has something to keep.
fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 239) as u8])
    });
    let mut bytes = Cursor::new(Vec::new());
    image
        .write_to(&mut bytes, image::ImageFormat::Png)
        .expect("a PNG in memory");
    bytes.into_inner()
}

/// A short PDF: its bytes need only be a file of a known size.
fn pdf() -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n".to_vec();
    bytes.resize(2400, b' ');
    bytes.extend_from_slice(b"\n%%EOF\n");
    bytes
}

/// The site with images everywhere they can be, and a briefing with none.
fn site_with(site_yaml: &str) -> Site {
    let site = Site::with(&[
        ("site.yaml", site_yaml),
        ("content/briefings/pier/index.md", PIER),
        ("content/briefings/plain.md", PLAIN),
    ]);
    site.write_bytes("content/briefings/pier/lead.png", &png(960, 480));
    site.write_bytes("content/briefings/pier/post.png", &png(300, 450));
    site.write_bytes("content/briefings/pier/kim.png", &png(120, 120));
    site.write_bytes("content/briefings/pier/report.pdf", &pdf());
    site.write_bytes("static/img/share.png", &png(600, 315));
    site
}

/// The image cache of a build of these images, made once per run.
fn warm_cache() -> &'static Path {
    static CACHE: OnceLock<PathBuf> = OnceLock::new();
    CACHE.get_or_init(|| {
        let site = site_with(SITE);
        site.build();
        let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pages_with_images-cache");
        let _ = fs::remove_dir_all(&cache);
        copy_dir(&site.path(".brief-cache"), &cache);
        cache
    })
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The site built with `site_yaml`, from the warm cache.
fn built(site_yaml: &str) -> Site {
    let site = site_with(site_yaml);
    copy_dir(warm_cache(), &site.path(".brief-cache"));
    site.build();
    site
}

/// The file a site address (under `/desk/`, or absolute under `BASE`)
/// is published as.
fn published(site: &Site, url: &str) -> std::path::PathBuf {
    let path = url
        .strip_prefix(BASE)
        .or_else(|| url.strip_prefix("/desk/"))
        .unwrap_or_else(|| panic!("{url} is not an address of the site"));
    site.path("public").join(path)
}

/// Every address of a `srcset`.
fn srcset_urls(srcset: &str) -> Vec<&str> {
    srcset
        .split(", ")
        .map(|candidate| candidate.split(' ').next().unwrap())
        .collect()
}

fn meta(page: &Html, attr: &str, name: &str) -> Option<String> {
    page.select(&sel(&format!(r#"meta[{attr}="{name}"]"#)))
        .next()
        .and_then(|m| m.value().attr("content"))
        .map(str::to_owned)
}

#[test]
fn a_briefing_leads_with_its_figure_and_every_variant_it_names_is_published() {
    let site = built(SITE);
    let page = site.page("/briefings/pier/");
    let figure = one(&page, "header figure.lead-figure");
    let img = all(figure, "picture > img");
    assert_eq!(img.len(), 1, "one picture: {}", figure.html());
    let img = img[0].value();
    assert_eq!(img.attr("src"), Some("/desk/briefings/pier/lead-480w.png"));
    assert_eq!(
        (img.attr("width"), img.attr("height")),
        (Some("480"), Some("240"))
    );
    assert_eq!(
        img.attr("alt"),
        Some("A chart of the pier's length by year, rising from 100 to 300 metres")
    );
    // In view as the page opens: not lazy.
    assert_eq!(img.attr("loading"), Some("eager"));
    assert_eq!(img.attr("decoding"), Some("async"));
    assert_eq!(
        img.attr("sizes"),
        Some("(min-width: 44rem) 42rem, calc(100vw - 2rem)")
    );
    let srcset = img.attr("srcset").unwrap();
    assert_eq!(
        srcset,
        "/desk/briefings/pier/lead-240w.png 240w, /desk/briefings/pier/lead-480w.png 480w"
    );
    let source = all(figure, "picture > source[type='image/webp']");
    assert_eq!(source.len(), 1);
    let webp = source[0].value().attr("srcset").unwrap();
    assert_eq!(
        webp,
        "/desk/briefings/pier/lead-240w.webp 240w, /desk/briefings/pier/lead-480w.webp 480w"
    );
    for url in srcset_urls(srcset)
        .into_iter()
        .chain(srcset_urls(webp))
        .chain([img.attr("src").unwrap()])
    {
        assert!(published(&site, url).is_file(), "{url} is not published");
    }
    let caption = text(all(figure, "figcaption")[0]);
    assert_eq!(
        caption, "The pier grew threefold. Chart: Example Fact Desk",
        "caption then credit"
    );
    assert_eq!(
        text(all(figure, ".figure__credit")[0]),
        "Chart: Example Fact Desk"
    );
}

#[test]
fn a_claims_image_is_on_its_card_with_its_archived_copy_wherever_the_card_is() {
    let site = built(SITE);
    for (url, card) in [
        ("/briefings/pier/", "article#claim-built"),
        ("/briefings/pier/claims/built/", "article.claim"),
    ] {
        let page = site.page(url);
        let card = page
            .select(&sel(card))
            .find(|c| {
                c.select(&sel("a[href='/desk/briefings/pier/claims/built/']"))
                    .next()
                    .is_some()
            })
            .unwrap_or_else(|| panic!("{url}: no card of the claim"));
        let figure = all(card, "figure.claim__image");
        assert_eq!(figure.len(), 1, "{url}: the claim's image");
        let img = all(figure[0], "img")[0].value();
        assert_eq!(img.attr("src"), Some("/desk/briefings/pier/post-300w.png"));
        assert_eq!(
            (img.attr("width"), img.attr("height")),
            (Some("300"), Some("450"))
        );
        assert_eq!(img.attr("loading"), Some("lazy"), "{url}");
        assert!(published(&site, img.attr("src").unwrap()).is_file());
        let archived = all(figure[0], "figcaption a.figure__archived");
        assert_eq!(
            archived[0].value().attr("href"),
            Some("https://web.archive.org/web/2024/https://social.example/post/1"),
            "{url}"
        );
    }
    // The other claim has none.
    let page = site.page("/briefings/pier/");
    assert!(all(one(&page, "article#claim-long"), "figure").is_empty());
    // Lists of claims show compact rows, which leave the image to the card.
    for url in ["/speakers/kim/", "/verdicts/false/"] {
        let page = site.page(url);
        let rows = all(page.root_element(), ".claim-row");
        assert!(!rows.is_empty(), "{url}: no rows");
        assert!(
            all(page.root_element(), ".claim-rows img").is_empty(),
            "{url}"
        );
    }
}

#[test]
fn a_source_card_links_the_hosted_file_with_its_kind_and_size() {
    let site = built(SITE);
    let page = site.page("/briefings/pier/");
    let card = one(&page, "article#claim-built .source-card");
    let link = all(card, "a.source__file");
    assert_eq!(link.len(), 1, "{}", card.html());
    let link = link[0].value();
    assert_eq!(link.attr("href"), Some("/desk/briefings/pier/report.pdf"));
    assert_eq!(link.attr("type"), Some("application/pdf"));
    let size = fs::metadata(site.path("public/briefings/pier/report.pdf"))
        .unwrap()
        .len();
    assert_eq!(size, 2407);
    assert_eq!(text(all(card, ".source__file-meta")[0]), "(PDF, 2.4 KB)");
    // The link names the document for a screen reader.
    assert!(text(all(card, "a.source__file")[0]).contains("The harbour report"));
}

#[test]
fn a_speakers_page_shows_their_portrait() {
    let site = built(SITE);
    let page = site.page("/speakers/kim/");
    let img = one(&page, "header.speaker-header img.speaker__portrait");
    assert_eq!(img.value().attr("alt"), Some("Kim Song at the podium"));
    assert_eq!(img.value().attr("width"), Some("120"));
    assert!(published(&site, img.value().attr("src").unwrap()).is_file());
    // A speaker without one has a plain header.
    let page = site.page("/speakers/lee/");
    assert!(page.select(&sel("header img")).next().is_none());
}

/// og:image is absolute, names a file the build wrote, and says its size
/// and alt text; the Twitter card is large exactly when there is one.
#[test]
fn og_image_is_absolute_and_published_and_the_twitter_card_follows_it() {
    let site = built(SITE);
    let cases = [
        // The briefing's own image.
        (
            "/briefings/pier/",
            "briefings/pier/lead-480w.png",
            ("480", "240"),
            "A chart of the pier's length by year, rising from 100 to 300 metres",
        ),
        // The claim's image, with no card.
        (
            "/briefings/pier/claims/built/",
            "briefings/pier/post-300w.png",
            ("300", "450"),
            "The post claiming the pier was built in a week",
        ),
        // A claim without one: its briefing's.
        (
            "/briefings/pier/claims/long/",
            "briefings/pier/lead-480w.png",
            ("480", "240"),
            "A chart of the pier's length by year, rising from 100 to 300 metres",
        ),
        // No picture of its own: the site's.
        (
            "/briefings/plain/",
            "img/share-480w.png",
            ("480", "252"),
            "The desk's name on a blue ground",
        ),
        (
            "/speakers/",
            "img/share-480w.png",
            ("480", "252"),
            "The desk's name on a blue ground",
        ),
    ];
    for (url, file, (width, height), alt) in cases {
        let page = site.page(url);
        let image = meta(&page, "property", "og:image").unwrap();
        assert_eq!(image, format!("{BASE}{file}"), "{url}");
        assert!(
            published(&site, &image).is_file(),
            "{url}: og:image {image} is not published"
        );
        assert_eq!(
            meta(&page, "property", "og:image:width").as_deref(),
            Some(width)
        );
        assert_eq!(
            meta(&page, "property", "og:image:height").as_deref(),
            Some(height)
        );
        assert_eq!(
            meta(&page, "property", "og:image:type").as_deref(),
            Some("image/png")
        );
        assert_eq!(
            meta(&page, "property", "og:image:alt").as_deref(),
            Some(alt)
        );
        assert_eq!(
            meta(&page, "name", "twitter:card").as_deref(),
            Some("summary_large_image"),
            "{url}"
        );
        assert_eq!(meta(&page, "name", "twitter:image"), Some(image));
    }

    // Without the site's image, a page with no picture has none, and a
    // small card.
    let site = built(&SITE.replace(
        "image:\n  src: /img/share.png\n  alt: The desk's name on a blue ground\n",
        "",
    ));
    let page = site.page("/briefings/plain/");
    assert_eq!(meta(&page, "property", "og:image"), None);
    assert_eq!(meta(&page, "property", "og:image:alt"), None);
    assert_eq!(
        meta(&page, "name", "twitter:card").as_deref(),
        Some("summary")
    );
    let page = site.page("/briefings/pier/");
    assert_eq!(
        meta(&page, "property", "og:image").as_deref(),
        Some("https://desk.example.org/desk/briefings/pier/lead-480w.png")
    );
}

/// With social cards, a claim's page shares its card first, and a
/// briefing its own image before its card.
#[test]
fn social_cards_come_first_for_claims_and_after_a_briefings_own_image() {
    let site = built(&format!("{SITE}social_cards: true\n"));
    let image = |url: &str| meta(&site.page(url), "property", "og:image").unwrap();
    assert_eq!(
        image("/briefings/pier/claims/built/"),
        format!("{BASE}briefings/pier/claims/built/card.png")
    );
    assert_eq!(
        image("/briefings/pier/"),
        format!("{BASE}briefings/pier/lead-480w.png")
    );
    assert_eq!(
        image("/briefings/plain/"),
        format!("{BASE}briefings/plain/card.png")
    );
    let page = site.page("/briefings/plain/claims/plain/");
    assert_eq!(
        meta(&page, "property", "og:image:width").as_deref(),
        Some("1200")
    );
    assert_eq!(
        meta(&page, "property", "og:image:height").as_deref(),
        Some("630")
    );
    assert_eq!(
        meta(&page, "property", "og:image:alt").as_deref(),
        Some("Lee Min: Nothing to see. Verdict: Unverified. Checked by Example Fact Desk.")
    );
    // Every page but the ones with a card or an image of their own keeps
    // the site's.
    assert_eq!(image("/speakers/"), format!("{BASE}img/share-480w.png"));
    // And every card named is a card drawn.
    for url in [
        "/briefings/pier/claims/built/",
        "/briefings/plain/",
        "/briefings/plain/claims/plain/",
    ] {
        let card = image(url);
        assert!(
            published(&site, &card).is_file(),
            "{url}: {card} is not drawn"
        );
    }
}

fn json_ld(site: &Site, url: &str) -> Vec<Value> {
    let page = site.page(url);
    let script = one(&page, r#"script[type="application/ld+json"]"#);
    match serde_json::from_str(&script.inner_html()).unwrap() {
        Value::Array(items) => items,
        other => panic!("{other}"),
    }
}

#[test]
fn the_json_ld_gives_the_article_and_each_review_its_picture() {
    let site = built(SITE);
    let items = json_ld(&site, "/briefings/pier/");
    let article = items.last().unwrap();
    assert_eq!(article["@type"], "NewsArticle");
    assert_eq!(article["image"]["@type"], "ImageObject");
    assert_eq!(
        article["image"]["url"],
        format!("{BASE}briefings/pier/lead-480w.png")
    );
    assert_eq!(article["image"]["width"], 480);
    assert_eq!(article["image"]["height"], 240);
    assert_eq!(
        items[0]["image"]["url"],
        format!("{BASE}briefings/pier/post-300w.png"),
        "the claim's own image"
    );
    assert_eq!(
        items[1]["image"]["url"],
        format!("{BASE}briefings/pier/lead-480w.png"),
        "a claim without one: its briefing's"
    );
    // A briefing with no picture: the site's.
    let items = json_ld(&site, "/briefings/plain/");
    assert_eq!(
        items.last().unwrap()["image"]["url"],
        format!("{BASE}img/share-480w.png")
    );
}

#[test]
fn feed_entries_carry_their_picture_for_readers_to_show() {
    let site = built(SITE);
    let feed =
        feed_rs::parser::parse(fs::read(site.path("public/feed.xml")).unwrap().as_slice()).unwrap();
    let entry = feed
        .entries
        .iter()
        .find(|e| e.title.as_ref().unwrap().content == "The pier")
        .unwrap();
    let lead = format!("{BASE}briefings/pier/lead-480w.png");
    let enclosure = entry
        .links
        .iter()
        .find(|l| l.rel.as_deref() == Some("enclosure"))
        .expect("an enclosure link");
    assert_eq!(enclosure.href, lead);
    assert_eq!(enclosure.media_type.as_deref(), Some("image/png"));
    let content = entry.content.as_ref().unwrap().body.as_ref().unwrap();
    let html = Html::parse_fragment(content);
    let img = html
        .select(&sel("img"))
        .next()
        .expect("an image in the content");
    assert_eq!(img.value().attr("src"), Some(lead.as_str()));
    assert_eq!(
        img.value().attr("alt"),
        Some("A chart of the pier's length by year, rising from 100 to 300 metres")
    );
    assert!(published(&site, &lead).is_file());
    // The entry without one has neither.
    let plain = feed
        .entries
        .iter()
        .find(|e| e.title.as_ref().unwrap().content == "A plain briefing")
        .unwrap();
    assert!(plain
        .links
        .iter()
        .all(|l| l.rel.as_deref() != Some("enclosure")));
    assert!(!plain
        .content
        .as_ref()
        .unwrap()
        .body
        .as_ref()
        .unwrap()
        .contains("<img"));

    // The speaker's feed: the claim's image.
    let feed = feed_rs::parser::parse(
        fs::read(site.path("public/speakers/kim/feed.xml"))
            .unwrap()
            .as_slice(),
    )
    .unwrap();
    let built = feed
        .entries
        .iter()
        .find(|e| e.id.ends_with("/claims/built/"))
        .unwrap();
    assert!(built
        .links
        .iter()
        .any(|l| l.rel.as_deref() == Some("enclosure")
            && l.href == format!("{BASE}briefings/pier/post-300w.png")));
}

#[test]
fn claims_json_gives_each_claim_its_image_and_each_source_its_file() {
    let site = built(SITE);
    let json: Value =
        serde_json::from_str(&fs::read_to_string(site.path("public/claims.json")).unwrap())
            .unwrap();
    let claims = json["claims"].as_array().unwrap();
    let built = claims.iter().find(|c| c["id"] == "built").unwrap();
    assert_eq!(
        built["image"]["url"],
        format!("{BASE}briefings/pier/post-300w.png")
    );
    assert_eq!(built["image"]["width"], 300);
    assert_eq!(
        built["image"]["alt"],
        "The post claiming the pier was built in a week"
    );
    let plain = claims.iter().find(|c| c["id"] == "plain").unwrap();
    assert!(plain["image"].is_null());
    assert_eq!(
        json["briefings"]["pier"]["image"]["url"],
        format!("{BASE}briefings/pier/lead-480w.png")
    );
    assert_eq!(
        json["sources"]["report"]["file"],
        serde_json::json!({
            "url": format!("{BASE}briefings/pier/report.pdf"),
            "type": "application/pdf",
            "bytes": 2407
        })
    );
}

/// Hostile text in an image's alt, caption, credit and archived address
/// comes out as text, in the page and in its meta.
#[test]
fn an_images_words_are_escaped_everywhere() {
    const HOSTILE: &str = "\"><script>alert(1)</script>&amp;";
    let pier = PIER
        .replace(
            "alt: A chart of the pier's length by year, rising from 100 to 300 metres",
            &format!("alt: '{HOSTILE}'"),
        )
        .replace(
            "caption: The pier grew threefold.",
            &format!("caption: '{HOSTILE}'"),
        );
    let site = site_with(SITE);
    site.write("content/briefings/pier/index.md", &pier);
    copy_dir(warm_cache(), &site.path(".brief-cache"));
    site.build();
    let raw = fs::read_to_string(site.path("public/briefings/pier/index.html")).unwrap();
    assert!(!raw.contains("<script>alert"), "markup got through");
    let page = site.page("/briefings/pier/");
    assert!(page.select(&sel("script:not([type])")).next().is_none());
    let img = one(&page, "figure.lead-figure img");
    assert_eq!(img.value().attr("alt"), Some(HOSTILE));
    assert_eq!(
        meta(&page, "property", "og:image:alt").as_deref(),
        Some(HOSTILE)
    );
    assert_eq!(text(one(&page, ".lead-figure .figure__caption")), HOSTILE);
    assert_eq!(
        attrs(&page, "meta[property='og:image:alt']", "content").len(),
        1
    );
}

/// The pages with every kind of image are valid HTML by the Nu checker.
#[test]
fn pages_with_images_are_valid_html() {
    let Some(jar) = common::vnu() else {
        return;
    };
    let site = built(SITE);
    let run = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--skip-non-html", "--format", "text"])
        .arg(site.path("public"))
        .output()
        .unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        run.status.success(),
        "the Nu HTML checker found errors:\n{report}"
    );
    assert!(Path::new(&site.path("public/briefings/pier/index.html")).is_file());
}

/// Replacing an image file changes no text, yet every page, share and
/// JSON-LD that shows it must follow: a rebuild in `serve` writes what a
/// fresh build of the same files writes.
#[test]
fn a_replaced_image_file_updates_every_page_that_shows_it() {
    use brief::config::Options;
    use brief::session::Session;
    use std::collections::HashSet;

    let site = site_with(SITE);
    site.write(
        "content/pages/about.md",
        "---\ntitle: About\nimage:\n  src: /img/share.png\n  alt: The desk's name\n---\nWho we are.\n",
    );
    copy_dir(warm_cache(), &site.path(".brief-cache"));
    let mut session = Session::new(Options::new(site.root()));
    session.build().expect("first build");

    let replaced = [
        ("content/briefings/pier/lead.png", png(400, 300)),
        ("content/briefings/pier/post.png", png(200, 100)),
        ("content/briefings/pier/kim.png", png(90, 60)),
        ("static/img/share.png", png(320, 200)),
    ];
    for (path, bytes) in &replaced {
        site.write_bytes(path, bytes);
    }
    let changed: HashSet<PathBuf> = replaced.iter().map(|(p, _)| site.path(p)).collect();
    session
        .rebuild(Some(&changed), &mut |_| {})
        .expect("the rebuild");

    let page = site.page("/briefings/pier/");
    assert_eq!(
        meta(&page, "property", "og:image").as_deref(),
        Some("https://desk.example.org/desk/briefings/pier/lead-400w.png")
    );
    assert_eq!(
        meta(&page, "property", "og:image:height").as_deref(),
        Some("300")
    );
    assert_eq!(
        attrs(&page, "article#claim-built figure img", "height"),
        ["100"]
    );
    let page = site.page("/speakers/kim/");
    assert_eq!(attrs(&page, "img.speaker__portrait", "height"), ["60"]);
    let page = site.page("/briefings/plain/");
    assert_eq!(
        meta(&page, "property", "og:image").as_deref(),
        Some("https://desk.example.org/desk/img/share-320w.png")
    );
    let page = site.page("/about/");
    assert_eq!(attrs(&page, "figure.lead-figure img", "width"), ["320"]);

    let dir = tempfile::tempdir().unwrap();
    let mut options = Options::new(site.root());
    options.output = Some(dir.path().join("out"));
    Session::new(options).build().expect("a fresh build");
    let fresh = common::snapshot(&dir.path().join("out"));
    let kept = site.snapshot("public");
    let differing: Vec<_> = fresh
        .keys()
        .chain(kept.keys())
        .filter(|path| path.file_name().is_some_and(|n| n != ".brief-output"))
        .filter(|path| fresh.get(*path) != kept.get(*path))
        .collect();
    assert!(
        differing.is_empty(),
        "the rebuild left these unlike a fresh build: {differing:?}"
    );
}
