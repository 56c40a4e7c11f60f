//! A site in another language, built by the real binary: the theme prints
//! no English, dates and plurals follow the language, a site's own
//! translation file overrides a string, and a missing key warns and falls
//! back to English.

mod common;

use common::{html_files, Site};
use scraper::{Html, Node};

/// A French briefing: every word of content is French, so any English word
/// left on a page comes from the theme.
const FRENCH_BRIEFING: &str = "---
title: Le pont de la rivière
date: 2026-11-21
summary: Ce que disent les chiffres.
tags: [transports]
speakers:
  marie:
    name: Marie Dupont
    role: Ministre
sources:
  rapport:
    title: Rapport annuel
    publisher: Cour des comptes
    url: https://example.org/rapport
claims:
  - id: premier
    speaker: marie
    text: Le pont a été construit en une semaine.
    verdict: false
    explanation: Les travaux ont duré deux ans.
    sources: [rapport]
  - id: second
    speaker: marie
    text: Le pont a coûté un million.
    verdict: mostly-true
    explanation: Le coût final est un peu plus élevé.
    sources: [rapport]
---
Le texte du dossier.
";

fn french_site() -> Site {
    Site::with(&[
        (
            "site.yaml",
            "title: Le Bureau\nbase_url: https://bureau.example.org/\nlanguage: fr\n",
        ),
        ("content/briefings/pont.md", FRENCH_BRIEFING),
    ])
}

/// The text a reader sees on a page (and its `<title>`), without scripts,
/// styles and the embed code (markup to copy, not prose).
fn visible_text(html: &Html) -> String {
    let mut out = String::new();
    for node in html.tree.nodes() {
        if let Node::Text(text) = node.value() {
            let hidden = node.ancestors().any(|a| {
                a.value()
                    .as_element()
                    .is_some_and(|e| matches!(e.name(), "script" | "style" | "textarea"))
            });
            if !hidden {
                out.push_str(text);
                out.push(' ');
            }
        }
    }
    out
}

/// The words of the French briefing: what is left of a page once they are
/// taken out is the theme's.
const CONTENT: [&str; 14] = [
    "Le pont de la rivière",
    "Ce que disent les chiffres.",
    "transports",
    "Marie Dupont",
    "Ministre",
    "Rapport annuel",
    "Cour des comptes",
    "Le pont a été construit en une semaine.",
    "Le pont a coûté un million.",
    "Les travaux ont duré deux ans.",
    "Le coût final est un peu plus élevé.",
    "Le texte du dossier.",
    "Le Bureau",
    "brief",
];

/// English words of the interface, less those French spells the same
/// ("Verdict", "Verdicts", "Sources", "Page", "Total").
const ENGLISH: [&str; 37] = [
    "Published",
    "Claims checked",
    "Speakers",
    "Search",
    "of",
    "the",
    "and",
    "by",
    "claim",
    "claims",
    "November",
    "Share",
    "Updated",
    "Tags",
    "Tag",
    "Corrections",
    "Briefings",
    "briefing",
    "tagged",
    "Skip",
    "Permalink",
    "Quote",
    "Claim",
    "Mostly true",
    "False",
    "Browse",
    "found",
    "Next",
    "Previous",
    "Rating",
    "Embed",
    "Related",
    "Checked",
    "checked",
    "Fact check",
    "Email",
    "with",
];

/// What a page says in words anywhere a reader, a screen reader or a
/// share may show it: its visible text, its `<title>`, and the words of
/// its attributes (descriptions, alt texts, titles, labels), the embed
/// line's `title` among them.
fn interface_text(html: &Html) -> String {
    let mut out = visible_text(html);
    let said = |value: &str| !value.starts_with("http") && !value.starts_with('/');
    for node in html.tree.nodes() {
        let Some(element) = node.value().as_element() else {
            continue;
        };
        for (name, value) in element.attrs() {
            if matches!(name, "content" | "alt" | "title" | "aria-label") && said(value) {
                out.push_str(value);
                out.push(' ');
            }
        }
        if element.name() == "textarea" {
            let code: String = node
                .children()
                .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                .collect();
            let fragment = Html::parse_fragment(&code);
            for title in common::attrs(&fragment, "iframe", "title") {
                out.push_str(&title);
                out.push(' ');
            }
        }
    }
    out
}

/// Fails on any English word of `english` in `text` once the site's
/// `content` is taken out.
fn assert_no_english(what: &str, text: &str, content: &[&str], english: &[&str]) {
    let mut text = text.to_owned();
    for phrase in content {
        text = text.replace(phrase, " ");
    }
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .collect();
    for word in english {
        let phrase: Vec<&str> = word.split(' ').collect();
        let found = words.windows(phrase.len()).any(|w| w == phrase.as_slice());
        assert!(!found, "{what}: English `{word}` in: {text}");
    }
}

/// The words of the site's feeds: their titles, subtitles and entries,
/// markup taken out.
fn feed_texts(output: &std::path::Path) -> Vec<(String, String)> {
    let feeds = [
        "feed.xml",
        "speakers/marie/feed.xml",
        "tags/transports/feed.xml",
    ];
    feeds
        .into_iter()
        .map(|path| {
            let xml = std::fs::read_to_string(output.join(path)).unwrap();
            let unescaped = xml
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&amp;", "&");
            let html = Html::parse_fragment(&unescaped);
            let text: String = html
                .tree
                .nodes()
                .filter_map(|n| n.value().as_text().map(|t| t.to_string()))
                .filter(|t| !t.trim_start().starts_with("http"))
                .collect::<Vec<_>>()
                .join(" ");
            (path.to_owned(), text)
        })
        .collect()
}

/// Every page and feed of the site at `output` is free of the English
/// words of `english`, and says it is in `lang`.
fn assert_interface_in(output: &std::path::Path, lang: &str, english: &[&str]) {
    let pages = html_files(output);
    assert!(pages.len() > 8, "{pages:?}");
    for page in pages {
        let html = Html::parse_document(&std::fs::read_to_string(output.join(&page)).unwrap());
        let what = page.display().to_string();
        assert_no_english(&what, &interface_text(&html), &CONTENT, english);
        let root = html.root_element().value().attr("lang");
        assert_eq!(root, Some(lang), "{what}");
    }
    for (path, text) in feed_texts(output) {
        assert_no_english(&path, &text, &CONTENT, english);
    }
}

#[test]
fn a_french_site_prints_no_english_word_and_writes_french_dates() {
    let site = french_site();
    site.write(
        "site.yaml",
        "title: Le Bureau\nbase_url: https://bureau.example.org/\nlanguage: fr\nsocial_cards: true\n",
    );
    site.build();
    let output = site.path("public");
    assert_interface_in(&output, "fr", &ENGLISH);
    let briefing = std::fs::read_to_string(output.join("briefings/pont/index.html")).unwrap();
    assert!(briefing.contains("21 novembre 2026"), "{briefing}");
    assert!(briefing.contains("Publié le"));
    let index = std::fs::read_to_string(output.join("index.html")).unwrap();
    assert!(index.contains("2 affirmations vérifiées"), "{index}");
    assert!(briefing.contains(">Plutôt vrai<"));
    let verdict = std::fs::read_to_string(output.join("verdicts/false/index.html")).unwrap();
    assert!(
        verdict.contains("1 affirmation a reçu ce verdict."),
        "{verdict}"
    );
    assert!(!briefing.contains("dir=\"rtl\""));
    // Both the article and each claim's review say the language.
    assert_eq!(
        briefing.matches("\"inLanguage\":\"fr\"").count(),
        3,
        "{briefing}"
    );
    // What brief writes itself rather than the templates: share text,
    // the embed line, the share card's alt text, feed titles.
    let claim = site.page("/briefings/pont/claims/premier/");
    let description = common::attrs(&claim, "meta[property='og:description']", "content");
    assert_eq!(
        description,
        ["Verdict : Faux. Les travaux ont duré deux ans."]
    );
    let alt = common::attrs(&claim, "meta[property='og:image:alt']", "content");
    assert_eq!(
        alt,
        ["Marie Dupont : Le pont a été construit en une semaine. Verdict : Faux. Vérifié par Le Bureau."]
    );
    let claim_html =
        std::fs::read_to_string(output.join("briefings/pont/claims/premier/index.html")).unwrap();
    assert!(
        claim_html.contains("title=&quot;Vérification : Marie Dupont, "),
        "{claim_html}"
    );
    assert!(claim_html.contains(">E-mail<"), "{claim_html}");
    let speaker_feed = std::fs::read_to_string(output.join("speakers/marie/feed.xml")).unwrap();
    assert!(
        speaker_feed.contains("Les affirmations de Marie Dupont vérifiées par Le Bureau"),
        "{speaker_feed}"
    );
    let tag = std::fs::read_to_string(output.join("tags/transports/index.html")).unwrap();
    assert!(
        tag.contains("1 dossier sur le thème « transports »."),
        "{tag}"
    );
}

#[test]
fn an_arabic_site_is_right_to_left_with_no_english_word() {
    let site = Site::with(&[
        (
            "site.yaml",
            "title: مكتب\nbase_url: https://maktab.example.org/\nlanguage: ar\nsocial_cards: true\n",
        ),
        ("content/briefings/pont.md", FRENCH_BRIEFING),
    ]);
    site.build();
    let page = site.page("/briefings/pont/");
    let root = page.root_element();
    assert_eq!(root.value().attr("lang"), Some("ar"));
    assert_eq!(root.value().attr("dir"), Some("rtl"));
    let text = visible_text(&site.page("/"));
    assert!(text.contains("تحققنا من ادعاءين"), "{text}");
    assert!(text.contains("نوفمبر"), "{text}"); // No English word in the interface, nor any of those French spells
                                                // as English does.
    let mut english = ENGLISH.to_vec();
    english.extend(["Verdict", "Verdicts", "Sources", "Page", "Total"]);
    assert_interface_in(&site.path("public"), "ar", &english);
}

#[test]
fn a_site_translation_overrides_one_string_and_warns_of_an_unknown_key() {
    let site = french_site();
    site.write(
        "i18n/fr.yaml",
        "published: Mis en ligne le\npublsihed: Oups\n",
    );
    let run = site.build();
    let briefing = std::fs::read_to_string(site.path("public/briefings/pont/index.html")).unwrap();
    assert!(briefing.contains("Mis en ligne le"), "{briefing}");
    assert!(!briefing.contains("Publié le"));
    assert!(briefing.contains("Mis à jour le") || briefing.contains("Rectificatifs"));
    let printed = format!("{}{}", run.stdout, run.stderr);
    assert!(printed.contains("i18n/fr.yaml:2:1"), "{printed}");
    assert!(printed.contains("publsihed"), "{printed}");
}

#[test]
fn a_language_without_translation_warns_at_its_line_and_stays_english() {
    let site = Site::with(&[
        ("site.yaml", "title: Desk\nlanguage: it\n"),
        ("content/briefings/pont.md", FRENCH_BRIEFING),
    ]);
    let run = site.build();
    let printed = format!("{}{}", run.stdout, run.stderr);
    assert!(printed.contains("site.yaml:2:1"), "{printed}");
    assert!(printed.contains("`it`"), "{printed}");
    let briefing = std::fs::read_to_string(site.path("public/briefings/pont/index.html")).unwrap();
    assert!(briefing.contains("Published"));
    assert!(briefing.contains("lang=\"it\""));
}

#[test]
fn a_key_missing_from_a_site_language_warns_located_and_falls_back() {
    let site = Site::with(&[
        ("site.yaml", "title: Desk\nlanguage: it\n"),
        ("i18n/it.yaml", "published: Pubblicato il\n"),
        ("content/briefings/pont.md", FRENCH_BRIEFING),
    ]);
    let run = site.build();
    let printed = format!("{}{}", run.stdout, run.stderr);
    assert!(printed.contains("i18n/it.yaml"), "{printed}");
    assert!(printed.contains("`claims_checked`"), "{printed}");
    let briefing = std::fs::read_to_string(site.path("public/briefings/pont/index.html")).unwrap();
    assert!(briefing.contains("Pubblicato il"));
    assert!(briefing.contains("Claims checked"));
}

#[test]
fn a_custom_scale_gives_its_labels_per_language_and_warns_of_a_missing_one() {
    let scale = "verdicts:
  - id: false
    label: {en: Wrong, fr: Faux, es: Falso}
    rating: 1
    description: {en: It is wrong., fr: C'est faux.}
  - id: mostly-true
    label: {en: Mostly right, es: Casi cierto}
    rating: 2
    description: {en: Nearly so., fr: Presque.}
";
    let site = Site::with(&[
        (
            "site.yaml",
            &format!("title: Le Bureau\nlanguage: fr\n{scale}"),
        ),
        ("content/briefings/pont.md", FRENCH_BRIEFING),
    ]);
    let run = site.build();
    let printed = format!("{}{}", run.stdout, run.stderr);
    let verdict = site.page("/verdicts/false/");
    let heading = common::texts(&verdict, "h1");
    assert!(heading.iter().any(|h| h.contains("Faux")), "{heading:?}");
    assert!(verdict.html().contains("C'est faux."), "{}", verdict.html());
    // No French label: the English one, with a warning at the line.
    let briefing = site.page("/briefings/pont/");
    assert!(briefing.html().contains(">Mostly right<"));
    assert!(printed.contains("site.yaml:9:5"), "{printed}");
    assert!(printed.contains("no label in `fr`"), "{printed}");
    assert!(!printed.contains("site.yaml:5:"), "{printed}");
}
