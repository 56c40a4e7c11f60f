//! The search index under `search/`: its files, what `meta.json` lists,
//! words and filters that lead to the right documents, claim results that
//! land on their anchors, text that survives as JSON, the base path, and
//! output that is the same on every build.

mod common;

use std::fs;
use std::path::Path;

use brief::render::search::decode;
use serde_json::Value;

use common::{attrs, snapshot, texts, Site, MINIMAL_BRIEFING, SECOND_BRIEFING};

/// A briefing whose text holds what JSON and HTML must escape, and
/// letters beyond ASCII.
const AWKWARD_BRIEFING: &str = r#"---
title: "Quotes \"&\" </script> in Zürich"
date: 2024-11-05
summary: "Ampersands & <tags> & “curly” quotes."
tags: [sanctions, "Économie"]
speakers:
  zoe:
    name: "Zoë O'Brien & Co"
    role: Finance spokesperson
sources:
  memo:
    title: A memo
    url: https://example.org/memo
claims:
  - id: quote
    speaker: zoe
    text: "She said \"</script><b>&amp;</b>\" in Zürich."
    verbatim: true
    verdict: false
    explanation: The memo says **otherwise**; see the `ledger`.
    sources: [memo]
  - id: rents
    speaker: zoe
    text: Rents are falling everywhere.
    verdict: true
    explanation: They fell.
    sources: [memo]
---
The analysis mentions a windmill.

```json
{"codeword": 1}
```
"#;

const SPEAKERS: &str = "nebenzia:\n  name: Vassily Nebenzia\n";

fn site() -> Site {
    Site::with(&[
        ("content/briefings/x.md", MINIMAL_BRIEFING),
        ("content/briefings/y.md", SECOND_BRIEFING),
        ("content/briefings/z.md", AWKWARD_BRIEFING),
        ("content/speakers.yaml", SPEAKERS),
    ])
}

fn read_json(output: &Path, rel: &str) -> Value {
    let path = output.join("search").join(rel);
    let bytes = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The built index, read back as the browser reads it.
struct Index {
    output: std::path::PathBuf,
    meta: Value,
}

impl Index {
    fn of(site: &Site) -> Index {
        Index::at(&site.path("public"))
    }

    fn at(output: &Path) -> Index {
        Index {
            output: output.to_path_buf(),
            meta: read_json(output, "meta.json"),
        }
    }

    fn json(&self, rel: &str) -> Value {
        read_json(&self.output, rel)
    }

    fn names(&self, list: &str, field: &str) -> Vec<String> {
        self.meta[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e[field].as_str().unwrap().to_owned())
            .collect()
    }

    /// The strong and weak lists of a word, from the shard that holds it.
    fn word(&self, word: &str) -> (Vec<u32>, Vec<u32>) {
        let shards = self.names_of_shards();
        let n = shards
            .iter()
            .rposition(|first| first.as_str() <= word)
            .expect("a shard at or before the word");
        let shard = self.json(&format!("terms/{n}.json"));
        let lists = &shard[word];
        assert!(lists.is_array(), "`{word}` is not in shard {n}: {shard}");
        (
            decode(lists[0].as_str().unwrap()).unwrap(),
            decode(lists[1].as_str().unwrap()).unwrap(),
        )
    }

    fn names_of_shards(&self) -> Vec<String> {
        self.meta["shards"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_owned())
            .collect()
    }

    /// A document and the briefing record it refers to.
    fn doc(&self, id: u32) -> (Value, Value) {
        let size = self.meta["chunk_docs"].as_u64().unwrap() as u32;
        let chunk = self.json(&format!("docs/{}.json", id / size));
        let doc = chunk["docs"][(id % size) as usize].clone();
        let briefing = chunk["briefings"][doc["briefing"].as_u64().unwrap() as usize].clone();
        (doc, briefing)
    }

    fn all_docs(&self) -> Vec<(Value, Value)> {
        let count = self.meta["docs"].as_u64().unwrap() as u32;
        (0..count).map(|id| self.doc(id)).collect()
    }

    fn facet(&self, rel: &str) -> Vec<u32> {
        decode(self.json(rel)["docs"].as_str().unwrap()).unwrap()
    }

    /// The URL a document's result links to.
    fn url(&self, id: u32) -> String {
        let (doc, briefing) = self.doc(id);
        let url = briefing["url"].as_str().unwrap();
        match doc["kind"].as_str().unwrap() {
            "claim" => format!("{url}#{}", doc["anchor"].as_str().unwrap()),
            _ => url.to_owned(),
        }
    }
}

#[test]
fn writes_the_search_page_and_its_index() {
    let site = site();
    site.build();
    let public = site.path("public");
    for rel in [
        "search/index.html",
        "search/meta.json",
        "search/terms/0.json",
        "search/docs/0.json",
        "search/speakers/kim.json",
        "search/speakers/nebenzia.json",
        "search/verdicts/misleading.json",
        "search/tags/sanctions.json",
        "search.js",
    ] {
        assert!(public.join(rel).is_file(), "{rel} is missing");
    }
    let index = Index::of(&site);
    assert_eq!(index.meta["version"], 1);
    assert_eq!(index.meta["docs"], 3 + 4, "three briefings and four claims");
    let sizes = index.meta["shard_bytes"].as_array().unwrap();
    assert_eq!(sizes.len(), index.names_of_shards().len());
    for (n, size) in sizes.iter().enumerate() {
        let file = public.join(format!("search/terms/{n}.json"));
        assert_eq!(Some(fs::metadata(file).unwrap().len()), size.as_u64());
    }
}

#[test]
fn meta_lists_speakers_verdicts_and_tags() {
    let site = site();
    site.build();
    let index = Index::of(&site);
    assert_eq!(
        index.names("speakers", "name"),
        ["Kim Song", "Vassily Nebenzia", "Zoë O'Brien & Co"]
    );
    assert_eq!(index.meta["speakers"][2]["claims"], 2);
    assert_eq!(
        index.names("verdicts", "label"),
        [
            "True",
            "Mostly true",
            "Mixed",
            "Misleading",
            "False",
            "Unverified"
        ],
        "the whole scale, best first"
    );
    assert_eq!(index.meta["verdicts"][3]["claims"], 1);
    assert_eq!(index.meta["verdicts"][3]["tone"], "poor");
    assert_eq!(index.names("tags", "name"), ["Économie", "sanctions"]);
    assert_eq!(index.names("tags", "slug"), ["economie", "sanctions"]);
    assert_eq!(index.meta["tags"][1]["briefings"], 2);
    assert!(index.meta["stop_words"]
        .as_array()
        .unwrap()
        .contains(&"the".into()));
}

#[test]
fn a_words_shard_holds_the_documents_that_have_it() {
    let site = site();
    site.build();
    let index = Index::of(&site);

    // In a claim's text: a strong match for that claim alone.
    let (strong, weak) = index.word("deployment");
    assert_eq!(strong.len(), 1);
    assert!(weak.is_empty());
    assert_eq!(index.url(strong[0]), "/briefings/x/#claim-first");

    // A speaker's name is strong in their claims and weak in their briefing.
    let (strong, weak) = index.word("nebenzia");
    let urls: Vec<String> = strong.iter().map(|&id| index.url(id)).collect();
    assert_eq!(urls, ["/briefings/y/#claim-breach"]);
    let urls: Vec<String> = weak.iter().map(|&id| index.url(id)).collect();
    assert_eq!(urls, ["/briefings/y/"]);

    // Body text is indexed; code blocks are not.
    let (strong, weak) = index.word("windmill");
    assert!(strong.is_empty());
    assert_eq!(
        weak.iter().map(|&id| index.url(id)).collect::<Vec<_>>(),
        ["/briefings/z/"]
    );
    let shards = index.names_of_shards();
    let n = shards
        .iter()
        .rposition(|f| f.as_str() <= "codeword")
        .unwrap();
    assert!(index.json(&format!("terms/{n}.json"))["codeword"].is_null());

    // Words are folded: lower case, accents gone; stop words are left out.
    let (strong, _) = index.word("zurich");
    let urls: Vec<String> = strong.iter().map(|&id| index.url(id)).collect();
    assert_eq!(urls, ["/briefings/z/", "/briefings/z/#claim-quote"]);
    assert_eq!(
        index.word("economie").0.len(),
        1,
        "the tag, in its briefing"
    );
    let n = shards.iter().rposition(|f| f.as_str() <= "the").unwrap();
    assert!(index.json(&format!("terms/{n}.json"))["the"].is_null());
}

#[test]
fn filters_list_the_right_documents() {
    let site = site();
    site.build();
    let index = Index::of(&site);
    let zoe = index.facet("speakers/zoe.json");
    let urls: Vec<String> = zoe.iter().map(|&id| index.url(id)).collect();
    assert_eq!(
        urls,
        ["/briefings/z/#claim-quote", "/briefings/z/#claim-rents"]
    );
    for &id in &zoe {
        let (doc, _) = index.doc(id);
        assert_eq!(doc["kind"], "claim");
        assert_eq!(
            index.meta["speakers"][doc["speaker"].as_u64().unwrap() as usize]["id"],
            "zoe"
        );
    }

    for (i, verdict) in index.meta["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        let ids = index.facet(&format!(
            "verdicts/{}.json",
            verdict["slug"].as_str().unwrap()
        ));
        assert_eq!(ids.len() as u64, verdict["claims"].as_u64().unwrap());
        for id in ids {
            assert_eq!(index.doc(id).0["verdict"], i, "{verdict}");
        }
    }
    let misleading = index.facet("verdicts/misleading.json");
    assert_eq!(
        misleading
            .iter()
            .map(|&id| index.url(id))
            .collect::<Vec<_>>(),
        ["/briefings/y/#claim-breach"]
    );

    // A tag lists its briefings and their claims.
    let sanctions = index.facet("tags/sanctions.json");
    let urls: Vec<String> = sanctions.iter().map(|&id| index.url(id)).collect();
    assert_eq!(
        urls,
        [
            "/briefings/z/",
            "/briefings/z/#claim-quote",
            "/briefings/z/#claim-rents",
            "/briefings/y/",
            "/briefings/y/#claim-breach",
        ]
    );
}

#[test]
fn claim_results_link_to_their_cards() {
    let site = site();
    site.build();
    let index = Index::of(&site);
    let mut claims = 0;
    for id in 0..index.meta["docs"].as_u64().unwrap() as u32 {
        let url = index.url(id);
        let (page, anchor) = url.split_once('#').unwrap_or((&url, ""));
        let html = site.page(page);
        if anchor.is_empty() {
            continue;
        }
        claims += 1;
        let ids = attrs(&html, "article[id]", "id");
        assert!(
            ids.contains(&anchor.to_owned()),
            "{url}: no card with that id"
        );
    }
    assert_eq!(claims, 4);
}

#[test]
fn awkward_text_survives_as_json() {
    let site = site();
    site.build();
    let index = Index::of(&site);
    let docs = index.all_docs();
    let (quote, briefing) = docs
        .iter()
        .find(|(d, _)| d["anchor"] == "claim-quote")
        .expect("the claim");
    assert_eq!(
        quote["text"],
        "She said \"</script><b>&amp;</b>\" in Zürich."
    );
    assert_eq!(quote["verbatim"], true);
    assert_eq!(briefing["title"], "Quotes \"&\" </script> in Zürich");
    assert_eq!(briefing["date_display"], "5 November 2024");
    let (summary, _) = docs
        .iter()
        .find(|(d, b)| d["kind"] == "briefing" && b["url"] == "/briefings/z/")
        .unwrap();
    assert_eq!(summary["summary"], "Ampersands & <tags> & “curly” quotes.");
    assert_eq!(index.meta["speakers"][2]["name"], "Zoë O'Brien & Co");
    // The files are UTF-8 JSON, not escaped to ASCII.
    let raw = fs::read_to_string(site.path("public/search/docs/0.json")).unwrap();
    assert!(raw.contains("Zürich") && raw.contains("</script>"), "{raw}");
}

#[test]
fn the_base_path_prefixes_every_link() {
    let site = site();
    let run = site.run(&["build", "--base-url", "https://example.org/desk/"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let index = Index::of(&site);
    let urls: Vec<String> = (0..index.meta["docs"].as_u64().unwrap() as u32)
        .map(|id| index.url(id))
        .collect();
    assert!(
        urls.iter().all(|u| u.starts_with("/desk/briefings/")),
        "{urls:?}"
    );
    let page = site.page("/search/");
    assert_eq!(
        attrs(&page, "#search-form", "data-index"),
        ["/desk/search/"]
    );
    assert_eq!(attrs(&page, "script[src]", "src"), ["/desk/search.js"]);
    let briefing = site.page("/briefings/x/");
    assert_eq!(
        attrs(&briefing, "form[role=search]", "action"),
        ["/desk/search/"]
    );
}

#[test]
fn the_index_is_the_same_on_every_build() {
    let site = site();
    site.build();
    let first = snapshot(&site.path("public/search"));
    fs::remove_dir_all(site.path("public")).unwrap();
    site.build();
    let second = snapshot(&site.path("public/search"));
    assert!(first.len() > 10);
    assert!(first == second, "two builds wrote different search files");
}

#[test]
fn every_page_has_a_search_box_and_the_search_page_degrades() {
    let site = site();
    site.build();
    let briefing = site.page("/briefings/x/");
    assert_eq!(attrs(&briefing, "form[role=search]", "method"), ["get"]);
    assert_eq!(attrs(&briefing, "form[role=search] input", "name"), ["q"]);
    assert_eq!(
        texts(&briefing, "form[role=search] label[for=site-search]"),
        ["Search claims and briefings"]
    );

    let search = site.page("/search/");
    assert!(
        attrs(&search, "#site-search", "id").is_empty(),
        "the search page has no second box in its header"
    );
    assert_eq!(attrs(&search, "#search-q", "name"), ["q"]);
    for (kind, label) in [
        ("speaker", "Speaker"),
        ("verdict", "Verdict"),
        ("tag", "Tag"),
    ] {
        assert_eq!(
            attrs(&search, &format!("select#search-{kind}"), "name"),
            [kind]
        );
        assert_eq!(
            texts(&search, &format!("label[for=search-{kind}]")),
            [label]
        );
    }
    assert_eq!(attrs(&search, "#search-status", "role"), ["status"]);
    // Without JavaScript, the indexes are a link away.
    let links = attrs(&search, "main a", "href");
    for href in ["/speakers/", "/sources/", "/verdicts/", "/tags/"] {
        assert!(
            links.contains(&href.to_owned()),
            "{href} missing from {links:?}"
        );
    }
    assert_eq!(texts(&search, "noscript").len(), 1);
}

#[test]
fn the_search_folder_is_the_sites_own() {
    let site = site();
    site.write(
        "content/pages/search.md",
        "---\ntitle: Search\n---\nMine.\n",
    );
    let run = site.run(&["build"]);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr.contains("the page slug `search` is taken"),
        "{}",
        run.stderr
    );

    let site = self::site();
    site.write("static/search/meta.json", "{}");
    let run = site.run(&["build"]);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr
            .contains("static/search/meta.json is inside search/"),
        "{}",
        run.stderr
    );
}

/// A word no other briefing has, for briefing `n`: letters only, so that
/// it is indexed as one word.
fn marker(mut n: usize) -> String {
    let mut word = String::from("mark");
    loop {
        word.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
        if n == 0 {
            return word;
        }
    }
}

#[test]
fn a_site_larger_than_one_indexing_window_numbers_every_document_in_order() {
    // The index splits briefings into words a window at a time (512 of
    // them); 1,100 briefings take three windows.
    const N: usize = 1100;
    let site = Site::new();
    for n in 0..N {
        let text = MINIMAL_BRIEFING.replace(
            "text: Any deployment would comply with international law.",
            &format!("text: Every {} deployment is lawful.", marker(n)),
        );
        site.write(&format!("content/briefings/b{n:04}.md"), &text);
    }
    site.build();
    let index = Index::of(&site);
    assert_eq!(index.meta["docs"].as_u64(), Some(2 * N as u64));

    // A word every claim has lists every claim, in order, each once.
    let (strong, _) = index.word("deployment");
    assert_eq!(strong.len(), N);
    assert!(strong.windows(2).all(|w| w[0] < w[1]), "{strong:?}");
    // Each briefing's own word leads to its claim alone, in every window.
    for n in [0, 1, 511, 512, 513, 1023, 1024, 1099] {
        let (strong, weak) = index.word(&marker(n));
        assert!(weak.is_empty(), "{}: {weak:?}", marker(n));
        let urls: Vec<String> = strong.iter().map(|&id| index.url(id)).collect();
        assert_eq!(urls, [format!("/briefings/b{n:04}/#claim-first")]);
    }
}
