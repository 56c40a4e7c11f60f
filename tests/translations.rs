//! A site in several languages, built by the real binary: each language at
//! its own URLs, every page linked to its translations (switcher,
//! `hreflang`, sitemap), each language with its own index, feed, search
//! index and claims.json, links to pages not translated leading to the
//! originals, and translations that contradict their originals reported
//! where they are written.

mod common;

use common::{attrs, broken_links, html_files, texts, Site};

const SITE_YAML: &str =
    "title: The Desk\nbase_url: https://desk.example.org/\nlanguages: [en, fr]\n";

fn ferry(verdict: &str) -> String {
    format!(
        "---
title: The ferry's cost
date: 2026-11-20
summary: What the figures say.
tags: [transport]
speakers:
  marie:
    name: Marie Dupont
    role: Minister
sources:
  report:
    title: Annual report
    url: https://example.org/report
claims:
  - id: cost
    speaker: marie
    text: The ferry cost a million.
    verdict: {verdict}
    explanation: The final cost was higher.
    sources: [report]
  - id: speed
    speaker: marie
    text: The ferry is the fastest in the country.
    verdict: true
    explanation: It is.
    sources: [report]
---
The English text. See [the other briefing](@/briefings/only-english.md).
"
    )
}

fn ferry_fr(verdict: &str) -> String {
    format!(
        "---
title: Le coût du ferry
date: 2026-11-21
summary: Ce que disent les chiffres.
tags: [transports]
speakers:
  marie:
    name: Marie Dupont
    role: Ministre
sources:
  report:
    title: Annual report
    url: https://example.org/report
claims:
  - id: cost
    speaker: marie
    text: Le ferry a coûté un million.
    verdict: {verdict}
    explanation: Le coût final a été plus élevé.
    sources: [report]
  - id: speed
    speaker: marie
    text: Le ferry est le plus rapide du pays.
    verdict: true
    explanation: C'est exact.
    sources: [report]
---
Le texte en français. Voir [l'autre dossier](@/briefings/only-english.md) et [qui nous sommes](/about/).
"
    )
}

const ONLY_ENGLISH: &str = "---
title: Only in English
date: 2026-11-10
summary: Not translated.
speakers:
  marie:
    name: Marie Dupont
sources:
  report:
    title: Annual report
    url: https://example.org/report
claims:
  - id: only
    speaker: marie
    text: Something.
    verdict: false
    explanation: No.
    sources: [report]
---
Text.
";

fn two_languages() -> Site {
    Site::with(&[
        ("site.yaml", SITE_YAML),
        ("content/briefings/ferry.md", &ferry("false")),
        ("content/briefings/ferry.fr.md", &ferry_fr("false")),
        ("content/briefings/only-english.md", ONLY_ENGLISH),
        (
            "content/pages/about.md",
            "---\ntitle: About us\n---\nWho we are.\n",
        ),
    ])
}

fn read(site: &Site, rel: &str) -> String {
    std::fs::read_to_string(site.path("public").join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn each_language_has_its_pages_at_its_urls_linked_both_ways() {
    let site = two_languages();
    site.build();

    let english = site.page("/briefings/ferry/");
    let french = site.page("/fr/briefings/ferry/");
    assert_eq!(attrs(&english, "html", "lang"), ["en"]);
    assert_eq!(attrs(&french, "html", "lang"), ["fr"]);
    assert_eq!(texts(&french, "h1"), ["Le coût du ferry"]);

    // hreflang, both ways, with x-default the English page.
    for page in [&english, &french] {
        let links: Vec<(String, String)> = attrs(page, "link[rel=alternate][hreflang]", "hreflang")
            .into_iter()
            .zip(attrs(page, "link[rel=alternate][hreflang]", "href"))
            .collect();
        assert_eq!(
            links,
            [
                (
                    "en".into(),
                    "https://desk.example.org/briefings/ferry/".into()
                ),
                (
                    "x-default".into(),
                    "https://desk.example.org/briefings/ferry/".into()
                ),
                (
                    "fr".into(),
                    "https://desk.example.org/fr/briefings/ferry/".into()
                ),
            ]
        );
    }
    // The switcher: each language by its own name, the current one marked.
    assert_eq!(
        attrs(&english, ".language-switcher a", "href"),
        ["/briefings/ferry/", "/fr/briefings/ferry/"]
    );
    assert_eq!(
        texts(&english, ".language-switcher a"),
        ["English", "Français"]
    );
    assert_eq!(
        attrs(&french, ".language-switcher a[aria-current=page]", "href"),
        ["/fr/briefings/ferry/"]
    );
    // Claim pages are translations of each other too.
    let claim = site.page("/fr/briefings/ferry/claims/cost/");
    assert_eq!(
        attrs(&claim, ".language-switcher a[hreflang=en]", "href"),
        ["/briefings/ferry/claims/cost/"]
    );

    // A briefing in one language only has no other version and no switcher.
    let alone = site.page("/briefings/only-english/");
    assert!(attrs(&alone, "link[hreflang]", "href").is_empty());
    assert!(texts(&alone, ".language-switcher").is_empty());
    assert!(!site.path("public/fr/briefings/only-english").exists());

    // Each language's index lists its own briefings.
    let index_fr = site.page("/fr/");
    let listed = attrs(&index_fr, "main a[href*='/briefings/']", "href");
    assert!(
        listed.iter().any(|h| h == "/fr/briefings/ferry/"),
        "{listed:?}"
    );
    assert!(
        !listed.iter().any(|h| h.contains("only-english")),
        "{listed:?}"
    );

    // Stylesheets are shared at the root; the French pages' search is French.
    assert_eq!(
        attrs(&french, "link[rel=stylesheet]", "href")[0],
        "/style.css"
    );
    assert!(site.path("public/fr/search").is_dir());
    assert!(!site.path("public/fr/style.css").exists());

    // Nothing links to a file that is not there, in either language.
    assert_eq!(
        broken_links(&site.path("public"), "/"),
        Vec::<String>::new()
    );

    // `brief check` counts what each language has.
    let run = site.run(&["check"]);
    assert!(
        run.stdout.contains(
            "Checked 2 briefings with 3 claims and 1 page, and in `fr` 1 briefing with 2 claims and 0 pages"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn each_language_has_its_own_feed_claims_and_sitemap_with_alternates() {
    let site = two_languages();
    site.build();

    let feed_fr = read(&site, "fr/feed.xml");
    assert!(feed_fr.contains("Le coût du ferry"), "{feed_fr}");
    assert!(!feed_fr.contains("Only in English"), "{feed_fr}");
    assert!(feed_fr.contains("https://desk.example.org/fr/briefings/ferry/"));
    let feed_en = read(&site, "feed.xml");
    assert!(feed_en.contains("Only in English") && !feed_en.contains("Le coût"));

    let claims_fr: serde_json::Value =
        serde_json::from_str(&read(&site, "fr/claims.json")).unwrap();
    let text = claims_fr.to_string();
    assert!(text.contains("Le ferry a coûté un million."), "{text}");
    assert!(!text.contains("The ferry cost a million."), "{text}");

    // One robots.txt names both sitemaps; each sitemap gives alternates.
    let robots = read(&site, "robots.txt");
    assert!(
        robots.contains("Sitemap: https://desk.example.org/sitemap.xml"),
        "{robots}"
    );
    assert!(
        robots.contains("Sitemap: https://desk.example.org/fr/sitemap.xml"),
        "{robots}"
    );
    assert!(!site.path("public/fr/robots.txt").exists());
    for (file, loc) in [
        (
            "sitemap.xml",
            "https://desk.example.org/briefings/ferry/claims/cost/",
        ),
        (
            "fr/sitemap.xml",
            "https://desk.example.org/fr/briefings/ferry/claims/cost/",
        ),
    ] {
        let sitemap = read(&site, file);
        let entries = common::sitemap_entries(&sitemap);
        assert!(entries.contains_key(loc), "{file}: {entries:?}");
        let start = sitemap.find(&format!("<loc>{loc}</loc>")).unwrap();
        let entry = &sitemap[start..start + sitemap[start..].find("</url>").unwrap()];
        for (lang, href) in [
            (
                "en",
                "https://desk.example.org/briefings/ferry/claims/cost/",
            ),
            (
                "x-default",
                "https://desk.example.org/briefings/ferry/claims/cost/",
            ),
            (
                "fr",
                "https://desk.example.org/fr/briefings/ferry/claims/cost/",
            ),
        ] {
            let link =
                format!("<xhtml:link rel=\"alternate\" hreflang=\"{lang}\" href=\"{href}\"/>");
            assert!(entry.contains(&link), "{file}: {entry}");
        }
    }
    // Valid against the sitemap schema with its language alternates.
    if let Some(xmllint) = common::xmllint() {
        let xsd = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/tools/sitemap-alternates.xsd");
        for file in ["sitemap.xml", "fr/sitemap.xml"] {
            let out = std::process::Command::new(&xmllint)
                .arg("--noout")
                .arg("--schema")
                .arg(&xsd)
                .arg(site.path("public").join(file))
                .output()
                .expect("run xmllint");
            assert!(
                out.status.success(),
                "{file} is not valid:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    let sitemap = read(&site, "sitemap.xml");
    let start = sitemap
        .find("<loc>https://desk.example.org/briefings/only-english/</loc>")
        .unwrap();
    let entry = &sitemap[start..start + sitemap[start..].find("</url>").unwrap()];
    assert!(!entry.contains("xhtml:link"), "{entry}");
}

#[test]
fn a_translation_links_to_pages_not_translated_in_the_default_language() {
    let site = two_languages();
    site.write(
        "site.yaml",
        &format!("{SITE_YAML}menu: [briefings, about]\n"),
    );
    site.build();
    let french = site.page("/fr/briefings/ferry/");
    let hrefs = attrs(&french, "main a", "href");
    assert!(
        hrefs.iter().any(|h| h == "/briefings/only-english/"),
        "{hrefs:?}"
    );
    assert!(hrefs.iter().any(|h| h == "/about/"), "{hrefs:?}");
    // The menu's page not translated leads to the English page.
    let menu = attrs(&french, ".site-nav a", "href");
    assert_eq!(menu, ["/fr/", "/about/"], "{menu:?}");
    // A translated page is linked in its language.
    site.write(
        "content/pages/about.fr.md",
        "---\ntitle: Qui sommes-nous\n---\nNous.\n",
    );
    site.build();
    let french = site.page("/fr/briefings/ferry/");
    assert_eq!(
        attrs(&french, ".site-nav a", "href"),
        ["/fr/", "/fr/about/"]
    );
    assert!(attrs(&french, "main a", "href")
        .iter()
        .any(|h| h == "/fr/about/"));
}

#[test]
fn a_translation_that_contradicts_its_original_is_reported_where_it_is_written() {
    let site = two_languages();
    // Another verdict, a claim left out, one the original lacks, and an
    // original updated after the translation was last changed.
    let mut original = ferry("false");
    original = original.replace(
        "date: 2026-11-20\n",
        "date: 2026-11-20\nupdated: 2026-11-25\n",
    );
    site.write("content/briefings/ferry.md", &original);
    let translation = ferry_fr("mostly-true").replace(
        "  - id: speed\n    speaker: marie\n    text: Le ferry est le plus rapide du pays.",
        "  - id: vitesse\n    speaker: marie\n    text: Le ferry est le plus rapide du pays.",
    );
    site.write("content/briefings/ferry.fr.md", &translation);
    let run = site.run(&["check"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let line_of = |needle: &str| {
        translation
            .lines()
            .position(|l| l.contains(needle))
            .map(|i| i + 1)
            .unwrap()
    };
    let verdict = format!(
        "content/briefings/ferry.fr.md:{}:",
        line_of("verdict: mostly-true")
    );
    assert!(
        run.stderr.contains(
            "claim `cost` is rated `mostly-true` in this translation but `false` in the original"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&verdict),
        "{verdict} not in {}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("claim `vitesse` is not in the original"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!(
            "content/briefings/ferry.fr.md:{}:",
            line_of("- id: vitesse")
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("leaves out a claim of the original, content/briefings/ferry.md: `speed`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("was last changed on 2026-11-21, before its original, content/briefings/ferry.md, was updated on 2026-11-25"), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "content/briefings/ferry.fr.md:{}:",
            line_of("date: 2026-11-21")
        )),
        "{}",
        run.stderr
    );

    // With the verdict agreeing, what is left are warnings: the site builds.
    site.write(
        "content/briefings/ferry.fr.md",
        &translation.replace("verdict: mostly-true", "verdict: false"),
    );
    let run = site.build();
    assert!(
        run.stderr
            .contains("claim `vitesse` is not in the original"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("is rated"), "{}", run.stderr);
}

#[test]
fn a_file_named_in_a_language_the_site_does_not_list_is_left_out_with_a_warning() {
    let site = Site::with(&[
        ("site.yaml", "title: Desk\n"),
        ("content/briefings/ferry.md", &ferry("false")),
        ("content/briefings/ferry.de.md", &ferry("false")),
        ("content/briefings/only-english.md", ONLY_ENGLISH),
        ("content/briefings/report.v2.md", ONLY_ENGLISH),
    ]);
    let run = site.build();
    assert!(
        run.stderr.contains("content/briefings/ferry.de.md")
            && run
                .stderr
                .contains("named as written in `de`, which is not one of the site's languages")
            && run.stderr.contains("languages: [en, de]"),
        "{}",
        run.stderr
    );
    assert!(!site.path("public/de").exists());
    // A dot in a name that is no language keeps its meaning.
    assert!(site.path("public/briefings/report.v2/index.html").is_file());
    // One language: no switcher, no alternates, as before.
    let page = site.page("/briefings/ferry/");
    assert!(attrs(&page, "link[hreflang]", "href").is_empty());
    assert!(html_files(&site.path("public"))
        .iter()
        .all(|p| !p.starts_with("de")));
}

#[test]
fn languages_in_site_yaml_are_checked_where_they_are_written() {
    for (yaml, message, line) in [
        (
            "title: D\nlanguages: []\n",
            "`languages` lists no language",
            2,
        ),
        (
            "title: D\nlanguages: [en, en]\n",
            "language `en` is listed twice",
            2,
        ),
        (
            "title: D\nlanguages: [en, 'f r']\n",
            "`f r` is not a language tag",
            2,
        ),
        (
            "title: D\nlanguage: de\nlanguages: [en, fr]\n",
            "`language: de` is not the first of `languages`, `en`",
            2,
        ),
    ] {
        let site = Site::with(&[
            ("site.yaml", yaml),
            ("content/briefings/ferry.md", &ferry("false")),
        ]);
        let run = site.run(&["check"]);
        assert_eq!(run.status, 1, "{yaml}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{yaml}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("site.yaml:{line}:")),
            "{yaml}: {}",
            run.stderr
        );
    }
}

#[test]
fn a_bundle_holds_its_translation_beside_its_index() {
    let site = Site::with(&[
        ("site.yaml", SITE_YAML),
        ("content/briefings/ferry/index.md", &ferry("false").replace("See [the other briefing](@/briefings/only-english.md).", "")),
        ("content/briefings/ferry/index.fr.md", &ferry_fr("false").replace(" Voir [l'autre dossier](@/briefings/only-english.md) et [qui nous sommes](/about/).", "")),
        ("content/briefings/ferry/notes.txt", "notes"),
    ]);
    let run = site.build();
    assert!(!run.stderr.contains("not published"), "{}", run.stderr);
    assert_eq!(
        texts(&site.page("/fr/briefings/ferry/"), "h1"),
        ["Le coût du ferry"]
    );
    // The bundle's files are published once, at the original's address.
    assert!(site.path("public/briefings/ferry/notes.txt").is_file());
    assert!(!site.path("public/fr/briefings/ferry/notes.txt").exists());
}

#[test]
fn a_draft_translation_is_not_published_and_links_lead_to_the_original() {
    let site = two_languages();
    site.write(
        "content/briefings/ferry.fr.md",
        &ferry_fr("false").replace("date: 2026-11-21\n", "date: 2026-11-21\ndraft: true\n"),
    );
    site.write(
        "content/briefings/second.fr.md",
        "---\ntitle: Deuxième\ndate: 2026-11-22\nsummary: S.\n---\nVoir [le ferry](@/briefings/ferry.md).\n",
    );
    site.build();
    assert!(!site.path("public/fr/briefings/ferry").exists());
    let second = site.page("/fr/briefings/second/");
    let hrefs = attrs(&second, "main a", "href");
    assert!(hrefs.iter().any(|h| h == "/briefings/ferry/"), "{hrefs:?}");
}

#[test]
fn a_problem_in_one_file_adds_no_false_problem_in_another_language() {
    // An error in the original: the translation's links to it still hold.
    let site = two_languages();
    site.write(
        "content/briefings/only-english.md",
        &ONLY_ENGLISH.replace("verdict: false", "verdict: bogus"),
    );
    let run = site.run(&["check"]);
    assert_eq!(run.status, 1);
    assert!(run.stderr.contains("bogus"), "{}", run.stderr);
    assert!(!run.stderr.contains("link to"), "{}", run.stderr);

    // A translation too broken to read: its siblings' links to it are not
    // reported as well.
    let site = two_languages();
    site.write(
        "content/briefings/ferry.fr.md",
        &ferry_fr("false").replace(
            "summary: Ce que disent les chiffres.",
            "summary: \"pas fermé",
        ),
    );
    site.write(
        "content/briefings/second.fr.md",
        "---\ntitle: Deuxième\ndate: 2026-11-22\nsummary: S.\n---\nVoir [le ferry](@/briefings/ferry.md).\n",
    );
    let run = site.run(&["check"]);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr.contains("content/briefings/ferry.fr.md"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("link to"), "{}", run.stderr);
}

#[test]
fn a_language_without_a_translation_of_brief_is_named_by_its_tag() {
    let site = Site::with(&[
        ("site.yaml", "title: Desk\nlanguages: [en, it]\n"),
        ("content/briefings/ferry.md", &ferry("false")),
        ("content/briefings/ferry.it.md", &ferry("false")),
        ("content/briefings/only-english.md", ONLY_ENGLISH),
        ("i18n/it.yaml", "published: Pubblicato\n"),
    ]);
    site.build();
    let page = site.page("/it/briefings/ferry/");
    assert_eq!(texts(&page, ".language-switcher a"), ["English", "it"]);
}

#[test]
fn a_site_that_goes_back_to_one_language_while_served_loses_the_other() {
    use brief::config::Options;
    use brief::session::Session;
    let site = two_languages();
    let mut session = Session::new(Options::new(site.root()));
    session.build().expect("first build");
    assert!(site.path("public/fr/briefings/ferry/index.html").is_file());
    site.write(
        "site.yaml",
        "title: The Desk\nbase_url: https://desk.example.org/\n",
    );
    let changed = std::iter::once(site.path("site.yaml")).collect();
    session
        .rebuild(Some(&changed), &mut |_| {})
        .expect("rebuild");
    assert!(!site.path("public/fr").exists());
    let page = site.page("/briefings/ferry/");
    assert!(attrs(&page, "link[hreflang]", "href").is_empty());
    assert!(texts(&page, ".language-switcher").is_empty());
    let robots = read(&site, "robots.txt");
    assert!(!robots.contains("/fr/"), "{robots}");
    // And back to two.
    site.write("site.yaml", SITE_YAML);
    session
        .rebuild(Some(&changed), &mut |_| {})
        .expect("rebuild");
    assert!(site.path("public/fr/briefings/ferry/index.html").is_file());
}
