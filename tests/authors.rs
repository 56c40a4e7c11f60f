//! Authors: `content/authors.yaml` and `authors:` in front matter. Bylines
//! link to each author's page, which lists their briefings; authors are in
//! the feeds, the ClaimReview data and the search index; and without
//! authors.yaml, names typed in front matter work as before.

mod common;

use std::fs;

use serde_json::Value as Json;

use common::{attrs, texts, Site, MINIMAL_BRIEFING, SECOND_BRIEFING};

const AUTHORS: &str = "\
ana-desk:
  name: Ana Østby
  role: Senior fact-checker
  bio: Reads the Council's resolutions so readers do not have to.
  url: https://people.example.net/ana
  image: staff/ana.png
ben-desk:
  name: Ben Abreu
";

const SPEAKERS: &str = "nebenzia:\n  name: Vassily Nebenzia\n";

fn with_authors(x: &str, y: &str) -> (String, String) {
    let add = |text: &str, authors: &str| {
        text.replacen("summary:", &format!("authors: [{authors}]\nsummary:"), 1)
    };
    (add(MINIMAL_BRIEFING, x), add(SECOND_BRIEFING, y))
}

fn site(paginate: Option<usize>) -> Site {
    let (x, y) = with_authors("ana-desk", "ana-desk, ben-desk");
    let mut config =
        "title: Desk\nbase_url: https://desk.example.org/d/\npublisher:\n  name: The Desk\n"
            .to_owned();
    if let Some(n) = paginate {
        config.push_str(&format!("paginate: {n}\n"));
    }
    let site = Site::with(&[
        ("content/authors.yaml", AUTHORS),
        ("content/speakers.yaml", SPEAKERS),
        ("content/briefings/x.md", &x),
        ("content/briefings/y.md", &y),
    ]);
    site.write("site.yaml", &config);
    site
}

#[test]
fn bylines_link_to_each_authors_page() {
    let site = site(None);
    site.build();
    let html = fs::read_to_string(site.path("public/briefings/y/index.html")).unwrap();
    assert!(
        html.contains(
            "By <a href=\"/d/authors/ana-desk/\" rel=\"author\">Ana Østby</a>, \
             <a href=\"/d/authors/ben-desk/\" rel=\"author\">Ben Abreu</a></li>"
        ),
        "{html}"
    );
    let page = site.page("/briefings/y/");
    assert_eq!(
        attrs(&page, ".byline a", "href"),
        ["/d/authors/ana-desk/", "/d/authors/ben-desk/"]
    );
}

#[test]
fn an_authors_page_lists_their_briefings_newest_first_in_pages() {
    let site = site(Some(1));
    site.build();
    let page = site.page("/authors/ana-desk/");
    assert_eq!(texts(&page, "h1"), ["Ana Østby"]);
    assert_eq!(texts(&page, ".standfirst"), ["Senior fact-checker"]);
    assert_eq!(
        texts(&page, ".author__bio"),
        ["Reads the Council's resolutions so readers do not have to."]
    );
    assert_eq!(
        attrs(&page, ".author__website a", "href"),
        ["https://people.example.net/ana"]
    );
    assert_eq!(attrs(&page, ".author__image", "src"), ["/d/staff/ana.png"]);
    // One briefing a page, the newest first, and the count of them all.
    assert_eq!(
        attrs(&page, ".briefing-item__title a", "href"),
        ["/d/briefings/y/"]
    );
    assert!(texts(&page, "h2")[0].contains("(2)"));
    let second = site.page("/authors/ana-desk/page/2/");
    assert_eq!(
        attrs(&second, ".briefing-item__title a", "href"),
        ["/d/briefings/x/"]
    );
    assert_eq!(
        attrs(
            &site.page("/authors/ben-desk/"),
            ".briefing-item__title a",
            "href"
        ),
        ["/d/briefings/y/"]
    );
    let sitemap = fs::read_to_string(site.path("public/sitemap.xml")).unwrap();
    for url in [
        "https://desk.example.org/d/authors/ana-desk/",
        "https://desk.example.org/d/authors/ana-desk/page/2/",
        "https://desk.example.org/d/authors/ben-desk/",
    ] {
        assert!(sitemap.contains(&format!("<loc>{url}</loc>")), "{url}");
    }
}

#[test]
fn authors_go_into_the_feeds_and_the_claim_review_data() {
    let site = site(None);
    site.build();
    let text = fs::read_to_string(site.path("public/feed.xml")).unwrap();
    let feed = feed_rs::parser::parse(text.as_bytes()).unwrap();
    let y = &feed.entries[0];
    let people: Vec<(Option<String>, Option<String>)> = y
        .authors
        .iter()
        .map(|p| (p.name.clone(), p.uri.clone()))
        .collect();
    assert_eq!(
        people,
        [
            (
                Some("Ana Østby".into()),
                Some("https://desk.example.org/d/authors/ana-desk/".into())
            ),
            (
                Some("Ben Abreu".into()),
                Some("https://desk.example.org/d/authors/ben-desk/".into())
            ),
        ]
    );
    let speaker = fs::read_to_string(site.path("public/speakers/nebenzia/feed.xml")).unwrap();
    let speaker = feed_rs::parser::parse(speaker.as_bytes()).unwrap();
    assert_eq!(speaker.entries[0].authors.len(), 2);

    let page = site.page("/briefings/x/");
    let json_ld = texts(&page, "script[type='application/ld+json']");
    let reviews: Json = serde_json::from_str(&json_ld[0]).unwrap();
    assert_eq!(
        reviews[0]["author"],
        serde_json::json!([{
            "@type": "Person",
            "name": "Ana Østby",
            "url": "https://desk.example.org/d/authors/ana-desk/"
        }])
    );
    assert_eq!(reviews[0]["publisher"]["name"], "The Desk");
}

#[test]
fn an_authors_name_finds_their_briefings_in_search() {
    let site = site(None);
    site.build();
    let search = site.path("public/search");
    let read = |rel: &str| -> Json {
        serde_json::from_slice(&fs::read(search.join(rel)).unwrap()).unwrap()
    };
    let meta = read("meta.json");
    let shards: Vec<&str> = meta["shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    let word = "abreu";
    let n = shards.iter().rposition(|first| *first <= word).unwrap();
    let lists = &read(&format!("terms/{n}.json"))[word];
    let weak = brief::render::search::decode(lists[1].as_str().unwrap()).unwrap();
    // Document 0 is the newest briefing, y, which Ben Abreu wrote.
    assert_eq!(weak, [0]);
}

#[test]
fn names_typed_in_front_matter_work_without_authors_yaml() {
    let (x, y) = with_authors("Ana Desk", "\"Zoë Brontë\", 김서연");
    let site = Site::with(&[
        (
            "site.yaml",
            "title: Desk\nbase_url: https://desk.example.org/\n",
        ),
        ("content/speakers.yaml", SPEAKERS),
        ("content/briefings/x.md", &x),
        ("content/briefings/y.md", &y),
    ]);
    site.build();
    let page = site.page("/briefings/y/");
    assert_eq!(texts(&page, ".byline"), ["By Zoë Brontë, 김서연"]);
    assert!(attrs(&page, ".byline a", "href").is_empty());
    assert!(!site.path("public/authors").exists());
    let text = fs::read_to_string(site.path("public/feed.xml")).unwrap();
    let feed = feed_rs::parser::parse(text.as_bytes()).unwrap();
    assert_eq!(
        feed.entries[0].authors[0].name.as_deref(),
        Some("Zoë Brontë")
    );
    assert_eq!(feed.entries[0].authors[0].uri, None);
}
