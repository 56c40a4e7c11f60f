//! Social cards: the PNG each briefing and claim page gets with
//! `social_cards: true`, read back and looked at pixel by pixel.

mod common;

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use brief::config::Options;
use brief::session::{Session, Written};
use common::{Site, MINIMAL_BRIEFING};

const BRIEFING_CARD: &str = "public/briefings/x/card.png";
const CLAIM_CARD: &str = "public/briefings/x/claims/first/card.png";
const ON: &str = "title: Test Desk\nsocial_cards: true\n";

/// A decoded card: its size and its pixels, RGBA.
struct Picture {
    width: u32,
    height: u32,
    rgba: Vec<[u8; 4]>,
}

impl Picture {
    fn read(path: &Path) -> Picture {
        let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut decoder = png::Decoder::new(Cursor::new(bytes));
        decoder.set_transformations(png::Transformations::normalize_to_color8());
        let mut reader = decoder.read_info().expect("a PNG");
        let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buffer).expect("a frame");
        let channels = info.color_type.samples();
        let rgba = buffer[..info.buffer_size()]
            .chunks(channels)
            .map(|p| match channels {
                4 => [p[0], p[1], p[2], p[3]],
                3 => [p[0], p[1], p[2], 255],
                2 => [p[0], p[0], p[0], p[1]],
                _ => [p[0], p[0], p[0], 255],
            })
            .collect();
        Picture {
            width: info.width,
            height: info.height,
            rgba,
        }
    }

    fn at(&self, x: u32, y: u32) -> [u8; 4] {
        self.rgba[(y * self.width + x) as usize]
    }

    fn colours(&self) -> usize {
        self.rgba.iter().collect::<HashSet<_>>().len()
    }

    /// Pixels unlike the most common one (the background).
    fn ink(&self) -> usize {
        let mut counts: HashMap<[u8; 4], usize> = HashMap::new();
        for p in &self.rgba {
            *counts.entry(*p).or_default() += 1;
        }
        let background = counts.values().max().copied().unwrap_or(0);
        self.rgba.len() - background
    }

    /// Pixels unlike the background in a band of the card.
    fn ink_in(&self, xs: std::ops::Range<u32>, ys: std::ops::Range<u32>) -> usize {
        let background = self.at(0, self.height - 1);
        ys.flat_map(|y| xs.clone().map(move |x| (x, y)))
            .filter(|&(x, y)| self.at(x, y) != background)
            .count()
    }
}

fn site_with_cards(briefing: &str) -> Site {
    Site::with(&[("site.yaml", ON), ("content/briefings/x.md", briefing)])
}

fn build(site: &Site) -> brief::Report {
    brief::build(&Options::new(site.root())).unwrap_or_else(|e| panic!("{e:?}"))
}

fn cards_in(dir: &Path) -> Vec<PathBuf> {
    common::snapshot(dir)
        .into_keys()
        .filter(|p| p.file_name().is_some_and(|n| n == "card.png"))
        .collect()
}

#[test]
fn each_briefing_and_claim_gets_a_card_of_1200_by_630_that_is_not_blank() {
    let site = site_with_cards(MINIMAL_BRIEFING);
    site.build();
    assert_eq!(
        cards_in(&site.path("public")),
        [
            PathBuf::from("briefings/x/card.png"),
            PathBuf::from("briefings/x/claims/first/card.png")
        ]
    );
    for card in [BRIEFING_CARD, CLAIM_CARD] {
        let picture = Picture::read(&site.path(card));
        assert_eq!((picture.width, picture.height), (1200, 630), "{card}");
        // Text is drawn with anti-aliasing, and the verdict in its colours.
        assert!(picture.colours() > 50, "{card}: {}", picture.colours());
        assert!(
            picture.ink() > 20_000,
            "{card}: {} pixels drawn",
            picture.ink()
        );
    }
    // The claim's card and the briefing's show different things.
    assert_ne!(
        fs::read(site.path(BRIEFING_CARD)).unwrap(),
        fs::read(site.path(CLAIM_CARD)).unwrap()
    );
}

#[test]
fn no_cards_unless_the_site_asks_for_them() {
    let site = Site::with(&[
        ("site.yaml", "title: Test Desk\n"),
        ("content/briefings/x.md", MINIMAL_BRIEFING),
    ]);
    site.build();
    assert!(cards_in(&site.path("public")).is_empty());
    assert!(!site.path(".brief-cache/cards").exists());

    site.write("site.yaml", "title: Test Desk\nsocial_cards: false\n");
    site.build();
    assert!(cards_in(&site.path("public")).is_empty());
}

#[test]
fn turning_cards_off_in_serve_removes_them() {
    let site = site_with_cards(MINIMAL_BRIEFING);
    let mut session = Session::new(Options::new(site.root()));
    session.build().unwrap();
    assert_eq!(cards_in(&site.path("public")).len(), 2);
    site.write("site.yaml", "title: Test Desk\nsocial_cards: false\n");
    let mut removed = Vec::new();
    session
        .rebuild(Some(&[site.path("site.yaml")].into()), &mut |w| {
            removed.extend(w.removed.clone())
        })
        .unwrap();
    assert!(cards_in(&site.path("public")).is_empty());
    assert!(removed.contains(&PathBuf::from("briefings/x/card.png")));
}

#[test]
fn a_second_build_draws_no_card() {
    let site = site_with_cards(MINIMAL_BRIEFING);
    let first = build(&site);
    assert_eq!((first.cards_drawn, first.cards_reused), (2, 0));
    let card = fs::read(site.path(CLAIM_CARD)).unwrap();
    let second = build(&site);
    assert_eq!((second.cards_drawn, second.cards_reused), (0, 2));
    assert_eq!(fs::read(site.path(CLAIM_CARD)).unwrap(), card);

    // Only the card whose claim changed is drawn again.
    site.write(
        "content/briefings/x.md",
        &MINIMAL_BRIEFING.replace("would comply", "will comply"),
    );
    let third = build(&site);
    assert_eq!((third.cards_drawn, third.cards_reused), (1, 1));
    assert_ne!(fs::read(site.path(CLAIM_CARD)).unwrap(), card);
}

#[test]
fn check_draws_no_card() {
    let site = site_with_cards(MINIMAL_BRIEFING);
    let run = site.run(&["check"]);
    assert_eq!(run.status, 0, "{}{}", run.stdout, run.stderr);
    assert!(!site.path(".brief-cache/cards").exists());
}

/// A rebuild in `serve` leaves cards alone when a save changes none of
/// them, and announces the one a save changed, as an asset.
#[test]
fn a_save_redraws_only_the_card_it_changed_and_announces_it() {
    let site = site_with_cards(MINIMAL_BRIEFING);
    let mut session = Session::new(Options::new(site.root()));
    let first = session.build().unwrap();
    assert_eq!(first.cards_drawn, 2);
    // The cache keeps itself out of version control.
    assert!(site.path(".brief-cache/.gitignore").is_file());
    let changed = [site.path("content/briefings/x.md")].into();
    let rebuild = |session: &mut Session| {
        let mut announced: Vec<Written> = Vec::new();
        let report = session
            .rebuild(Some(&changed), &mut |w| announced.push(w.clone()))
            .unwrap_or_else(|e| panic!("{e:?}"));
        let assets: Vec<PathBuf> = announced.into_iter().flat_map(|w| w.assets).collect();
        (report, assets)
    };

    site.write(
        "content/briefings/x.md",
        &MINIMAL_BRIEFING.replace("Body text.", "Another body."),
    );
    let (report, assets) = rebuild(&mut session);
    assert_eq!((report.cards_drawn, report.cards_reused), (0, 0));
    assert!(
        !assets.iter().any(|a| a.ends_with("card.png")),
        "{assets:?}"
    );

    site.write(
        "content/briefings/x.md",
        &MINIMAL_BRIEFING
            .replace("Body text.", "Another body.")
            .replace("would comply", "will comply"),
    );
    let (report, assets) = rebuild(&mut session);
    assert_eq!(report.cards_drawn, 1);
    assert!(
        assets.contains(&PathBuf::from("briefings/x/claims/first/card.png")),
        "{assets:?}"
    );
    assert!(!assets.contains(&PathBuf::from("briefings/x/card.png")));

    // A new card template draws every card again, and changes no page.
    let template = [site.path("templates/card.svg")].into();
    site.write(
        "templates/card.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1200\" height=\"630\">\
         <rect width=\"1200\" height=\"630\" fill=\"#0000ff\"/></svg>",
    );
    let mut announced: Vec<Written> = Vec::new();
    let report = session
        .rebuild(Some(&template), &mut |w| announced.push(w.clone()))
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(report.cards_drawn, 2);
    assert!(
        announced.iter().all(|w| w.pages.is_empty()),
        "{announced:?}"
    );
    assert_eq!(
        Picture::read(&site.path(BRIEFING_CARD)).at(10, 10),
        [0, 0, 255, 255]
    );
    fs::remove_file(site.path("templates/card.svg")).unwrap();
    session
        .rebuild(Some(&template), &mut |_| {})
        .unwrap_or_else(|e| panic!("{e:?}"));

    // What the rebuild wrote is what a fresh build writes.
    let rebuilt = fs::read(site.path(CLAIM_CARD)).unwrap();
    fs::remove_dir_all(site.path(".brief-cache")).unwrap();
    let fresh = build(&site);
    assert_eq!(fresh.cards_drawn, 2);
    assert_eq!(fs::read(site.path(CLAIM_CARD)).unwrap(), rebuilt);
}

#[test]
fn the_sites_own_card_template_wins() {
    let site = site_with_cards(MINIMAL_BRIEFING);
    site.write(
        "templates/card.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"600\" height=\"315\">\
         <rect width=\"600\" height=\"315\" fill=\"#ff0000\"/>\
         <text x=\"10\" y=\"40\">{{ card.kind }}</text></svg>",
    );
    site.build();
    let picture = Picture::read(&site.path(CLAIM_CARD));
    // Drawn at the card's size whatever size the template gives.
    assert_eq!((picture.width, picture.height), (1200, 630));
    assert_eq!(picture.at(600, 600), [255, 0, 0, 255]);
    assert_eq!(picture.at(1199, 629), [255, 0, 0, 255]);
}

#[test]
fn a_broken_card_template_is_an_error_in_its_file() {
    let site = site_with_cards(MINIMAL_BRIEFING);
    site.write(
        "templates/card.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\">\n{% if card.kind %}\n</svg>\n",
    );
    let run = site.run(&["build"]);
    assert_eq!(run.status, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("templates/card.svg:"),
        "the error names the file:\n{}",
        run.stderr
    );
    assert!(!site.path("public").exists());

    // A template that renders, but not into SVG, is named too.
    site.write("templates/card.svg", "<p>{{ card.kind }}</p>\n");
    let run = site.run(&["build"]);
    assert_eq!(run.status, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("templates/card.svg:1:1") && run.stderr.contains("SVG"),
        "{}",
        run.stderr
    );
    assert!(!site.path("public").exists());
}

#[test]
fn a_cache_that_cannot_be_written_is_a_warning() {
    let site = site_with_cards(MINIMAL_BRIEFING);
    // A file where the cache's folder goes.
    site.write(".brief-cache/cards", "not a folder");
    let run = site.build();
    assert!(
        run.stderr.contains(".brief-cache/cards") && run.stderr.contains("warning"),
        "{}",
        run.stderr
    );
    assert_eq!(cards_in(&site.path("public")).len(), 2);
}

#[test]
fn a_claim_of_two_thousand_characters_still_makes_a_card() {
    let words = "a very long claim that goes on ".repeat(50);
    let long = MINIMAL_BRIEFING.replace(
        "Any deployment would comply with international law.",
        &format!("{}{}", words, "x".repeat(2000 - words.len())),
    );
    let site = site_with_cards(&long);
    site.build();
    let picture = Picture::read(&site.path(CLAIM_CARD));
    assert_eq!((picture.width, picture.height), (1200, 630));
    // The words stop before the verdict: the band above it is clear of
    // text at the left, where the words would run on.
    assert_eq!(picture.ink_in(80..1120, 440..446), 0);
}

/// The card of a claim whose speaker is named `name`.
fn card_for_speaker(name: &str) -> Picture {
    let briefing = MINIMAL_BRIEFING.replace("name: Kim Song", &format!("name: \"{name}\""));
    let site = site_with_cards(&briefing);
    site.build();
    Picture::read(&site.path(CLAIM_CARD))
}

/// Characters no font has a glyph for (unassigned code points), as many
/// as `name` has.
fn unassigned_like(name: &str) -> String {
    name.chars()
        .map(|c| if c == ' ' { ' ' } else { '\u{0378}' })
        .collect()
}

/// Names in Korean and Arabic are drawn with real glyphs: their card
/// differs from the card of a name of as many characters that no font
/// has, and from that of another name of as many letters in the same
/// script (with no font for a script, every letter is drawn as the same
/// empty box, and two such names look alike). Hangul comes from the
/// machine's fonts; Arabic from the bundled DejaVu Sans.
#[test]
fn names_in_hangul_and_arabic_are_drawn() {
    let Some(_) = common::hangul_font() else {
        return;
    };
    for (name, other) in [("김정은", "박민수"), ("عبد الله", "سعد محمد")] {
        let drawn = card_for_speaker(name);
        let missing = card_for_speaker(&unassigned_like(name));
        assert_ne!(
            drawn.rgba, missing.rgba,
            "{name} is drawn like characters no font has"
        );
        assert_ne!(
            drawn.rgba,
            card_for_speaker(other).rgba,
            "{name} and {other} are drawn alike: their letters have no glyphs"
        );
    }
}

/// A name written right to left sits at the right of the card.
#[test]
fn a_right_to_left_name_is_aligned_right() {
    let arabic = card_for_speaker("عبد الله");
    let latin = card_for_speaker("Abd Allah");
    let band = 100..150;
    assert!(arabic.ink_in(1000..1120, band.clone()) > 0);
    assert_eq!(arabic.ink_in(80..200, band.clone()), 0);
    assert!(latin.ink_in(80..200, band.clone()) > 0);
}
