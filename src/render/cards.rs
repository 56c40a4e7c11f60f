//! Social cards: the 1200×630 PNG a share of a briefing or a claim page
//! shows, drawn from the Tera template `card.svg` with resvg.
//!
//! Each card has a view like a page does, and the fingerprint of that view,
//! with the template, the fonts and the logo, names the card in
//! `.brief-cache/cards/`: a card whose fingerprint is there is read back
//! rather than drawn, so a second build draws nothing. Between rebuilds the
//! render cache also remembers each briefing's cards, so a save that
//! changes no card does not even read them.

use std::hash::Hash;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use resvg::{tiny_skia, usvg};
use serde::Serialize;
use tera::Context;

use super::views::{BriefingViews, ClaimView, Day};
use super::{Cache, OutputFile, Plan, Templates};
use crate::diagnostic::{Diagnostic, Position};
use crate::fingerprint;
use crate::resolve::Site;

/// The template cards are drawn from.
pub const TEMPLATE: &str = "card.svg";
/// The size of every card, in pixels: what share previews expect.
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;
/// The folder under `.brief-cache/` that holds drawn cards.
const CACHE_DIR: &str = "cards";
/// The family of the font bundled in the binary (`theme::CARD_FONTS`).
const BUNDLED_FAMILY: &str = "DejaVu Sans";
/// Changes when the way a view becomes a PNG changes, so cards drawn by an
/// older brief are not taken for new ones.
const VERSION: u32 = 1;

/// Where a briefing's card goes in the output.
pub fn briefing_path(slug: &str) -> PathBuf {
    PathBuf::from(format!("briefings/{slug}/card.png"))
}

/// Where a claim's card goes in the output, beside its page.
pub fn claim_path(slug: &str, claim: &str) -> PathBuf {
    PathBuf::from(format!("briefings/{slug}/claims/{claim}/card.png"))
}

/// Every card's output path, when the site has cards.
pub(crate) fn paths(site: &Site) -> Vec<PathBuf> {
    if !site.config.social_cards {
        return Vec::new();
    }
    site.briefings
        .iter()
        .flat_map(|b| {
            std::iter::once(briefing_path(&b.slug))
                .chain(b.claims.iter().map(|c| claim_path(&b.slug, &c.id)))
        })
        .collect()
}

impl Plan<'_> {
    /// Where the site's social cards go, if it has them.
    pub fn card_paths(&self) -> Vec<PathBuf> {
        paths(self.site)
    }
}

/// What `card.svg` receives as `card` (docs/reference/templates.md).
#[derive(Serialize)]
pub(crate) struct CardView<'a> {
    /// `briefing` or `claim`.
    kind: &'static str,
    /// The desk's name: the site's title.
    desk: &'a str,
    /// The logo's path from the site's folder (`static/…`), if it has one.
    logo: Option<String>,
    language: &'a str,
    date_display: &'a str,
    /// The briefing's title: in up to three lines on its own card, one
    /// line on a claim's.
    briefing: TextBlock,
    claim_count: usize,
    tally: Vec<TallySegment<'a>>,
    speaker: Option<SpeakerLine>,
    words: Option<TextBlock>,
    verdict: Option<VerdictLabel<'a>>,
}

/// Text cut into lines that fit the card, with an ellipsis when it had to
/// be shortened. Lines of right-to-left text begin and end with U+200F
/// (see [`wrap`]).
#[derive(Serialize, Debug, PartialEq)]
pub(crate) struct TextBlock {
    lines: Vec<String>,
    /// Written right to left (Arabic, Hebrew, …): to be aligned right.
    rtl: bool,
}

#[derive(Serialize)]
struct SpeakerLine {
    name: String,
    role: Option<String>,
    rtl: bool,
}

#[derive(Serialize)]
struct VerdictLabel<'a> {
    label: &'a str,
    tone: &'static str,
}

/// One verdict's part of a briefing's tally, placed on a bar of 100.
#[derive(Serialize)]
struct TallySegment<'a> {
    label: &'a str,
    tone: &'static str,
    count: usize,
    /// Where the segment starts and how long it is, in percent of the bar.
    offset: f64,
    percent: f64,
}

/// The fonts cards are drawn with: the bundled DejaVu Sans first, then
/// every font of the machine, for the scripts DejaVu lacks; and a
/// fingerprint of that set, since a font installed or removed changes how
/// a card looks.
struct Fonts {
    db: Arc<usvg::fontdb::Database>,
    key: u64,
}

/// Loaded once per run, and only by a site with cards: reading the
/// machine's fonts takes a while.
fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        for bytes in crate::theme::CARD_FONTS {
            db.load_font_source(usvg::fontdb::Source::Binary(Arc::new(*bytes)));
        }
        db.load_system_fonts();
        // A generic family the machine has no font for would leave its
        // text out (a logo in `Georgia, serif`, say): each falls back to
        // the bundled font, which is always there.
        let has = |name: &str| {
            db.faces()
                .any(|f| f.families.iter().any(|(family, _)| family == name))
        };
        let first_of = |names: &[&str]| {
            names
                .iter()
                .find(|n| has(n))
                .map_or(BUNDLED_FAMILY, |n| *n)
                .to_owned()
        };
        let serif = first_of(&["DejaVu Serif", "Noto Serif", "Liberation Serif"]);
        let mono = first_of(&["DejaVu Sans Mono", "Noto Sans Mono", "Liberation Mono"]);
        db.set_serif_family(&serif);
        db.set_monospace_family(&mono);
        db.set_sans_serif_family(BUNDLED_FAMILY);
        db.set_cursive_family(BUNDLED_FAMILY);
        db.set_fantasy_family(BUNDLED_FAMILY);
        let mut faces: Vec<(String, String, u32, u16, String)> = db
            .faces()
            .map(|face| {
                let source = match &face.source {
                    usvg::fontdb::Source::Binary(_) => String::from("bundled"),
                    usvg::fontdb::Source::File(path)
                    | usvg::fontdb::Source::SharedFile(path, _) => path.display().to_string(),
                };
                (
                    source,
                    face.post_script_name.clone(),
                    face.index,
                    face.weight.0,
                    format!("{:?}", face.style),
                )
            })
            .collect();
        faces.sort();
        let bundled: Vec<u64> = crate::theme::CARD_FONTS
            .iter()
            .map(fingerprint::of)
            .collect();
        Fonts {
            key: fingerprint::of(&(bundled, faces, serif, mono)),
            db: Arc::new(db),
        }
    })
}

/// How many cards a build drew and how many it took from the cache.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub drawn: usize,
    pub reused: usize,
}

/// What the render cache keeps of a briefing's cards: the key they were
/// made for, and each card's fingerprint (the briefing's, then its claims').
pub(super) type Remembered = (u64, Vec<u64>);

/// The cards made by a build, to record once they are written.
pub struct Made(Vec<(String, Remembered)>);

/// What [`make`] made.
pub(crate) struct Cards<T> {
    /// What `put` returned for each card.
    pub files: Vec<T>,
    pub counts: Counts,
    /// What to remember once the files are written.
    pub made: Made,
    /// A cache that could not be written.
    pub warnings: Vec<Diagnostic>,
}

/// One briefing's cards: what `put` returned for each, and what to
/// remember of them.
type BriefingCards<T> = (Vec<T>, (String, Remembered));

/// What every card of a build shares: the template, the fonts and the logo.
struct Setting {
    key: u64,
    logo: Option<String>,
    cache_dir: PathBuf,
}

impl Setting {
    /// The setting of a site's cards; `key` gives what besides the logo
    /// changes every card.
    fn new<K: Hash>(site: &Site, root: &Path, key: impl FnOnce() -> K) -> Setting {
        let logo = site.config.logo.as_ref().map(|l| format!("static/{l}"));
        // The logo's bytes, not its name, are what a card shows.
        let logo_bytes = logo.as_ref().and_then(|l| std::fs::read(root.join(l)).ok());
        Setting {
            key: fingerprint::of(&(key(), logo_bytes)),
            logo,
            cache_dir: root.join(crate::links::cache::DIR).join(CACHE_DIR),
        }
    }
}

/// Each card of briefing `b`, its own first, with its output path.
fn cards_of<'a>(
    plan: &'a Plan,
    b: usize,
    setting: &'a Setting,
) -> impl Iterator<Item = (PathBuf, CardView<'a>)> + 'a {
    let views = &plan.briefings[b];
    let slug = &plan.site.briefings[b].slug;
    std::iter::once((briefing_path(slug), briefing_card(plan, views, setting))).chain(
        views.claims.iter().map(move |claim| {
            (
                claim_path(slug, claim.id()),
                claim_card(plan, views, claim, setting),
            )
        }),
    )
}

/// What `card.svg` receives for every card the site has, or would have
/// with `social_cards: true`, by output path; nothing is drawn.
pub(crate) fn contexts(plan: &Plan, root: &Path) -> Vec<(PathBuf, serde_json::Value)> {
    let setting = Setting::new(plan.site, root, || 0);
    (0..plan.site.briefings.len())
        .flat_map(|b| {
            cards_of(plan, b, &setting)
                .map(|(path, view)| {
                    let context = serde_json::json!({ "card": view });
                    (path, context)
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Makes the cards the site needs, handing each to `put` as soon as it is
/// made. With `only_stale`, a briefing's cards are made only when they
/// differ from what `cache` remembers as on disk (a rebuild); otherwise
/// every card is made (a full build). Cards already in
/// `.brief-cache/cards/` under `root` are read rather than drawn. Fails
/// with the template's errors.
pub(crate) fn make<T: Send>(
    plan: &Plan,
    templates: &Templates,
    cache: &Cache,
    root: &Path,
    only_stale: bool,
    put: impl Fn(OutputFile) -> T + Sync,
) -> Result<Cards<T>, Vec<Diagnostic>> {
    let site = plan.site;
    if !site.config.social_cards {
        return Ok(Cards {
            files: Vec::new(),
            counts: Counts::default(),
            made: Made(Vec::new()),
            warnings: Vec::new(),
        });
    }
    let fonts = fonts();
    let setting = Setting::new(site, root, || {
        (VERSION, templates.fingerprint(TEMPLATE), fonts.key)
    });
    let drawn = AtomicUsize::new(0);
    let reused = AtomicUsize::new(0);
    let unwritable = AtomicUsize::new(0);
    let results: Vec<Result<BriefingCards<T>, Diagnostic>> = (0..site.briefings.len())
        .into_par_iter()
        .filter_map(|b| {
            let slug = &site.briefings[b].slug;
            let key = fingerprint::of(&(setting.key, plan.briefings[b].signature));
            let remembered = cache.cards.get(slug).filter(|_| only_stale);
            if remembered.is_some_and(|(k, _)| *k == key) {
                return None;
            }
            let cards: Vec<(PathBuf, CardView, u64)> = cards_of(plan, b, &setting)
                .map(|(path, view)| {
                    let print = fingerprint::of(&(setting.key, fingerprint::of_view(&view)));
                    (path, view, print)
                })
                .collect();
            let fingerprints: Vec<u64> = cards.iter().map(|(_, _, print)| *print).collect();
            // In parallel within a briefing too: a small site may be one
            // briefing of many claims.
            let done: Result<Vec<Option<T>>, Diagnostic> = cards
                .into_par_iter()
                .enumerate()
                .map(|(i, (path, view, print))| {
                    if remembered.is_some_and(|(_, prints)| prints.get(i) == Some(&print)) {
                        return Ok(None);
                    }
                    let cached = setting.cache_dir.join(format!("{print:016x}.png"));
                    let bytes = match std::fs::read(&cached) {
                        Ok(bytes) => {
                            reused.fetch_add(1, Ordering::Relaxed);
                            bytes
                        }
                        Err(_) => {
                            let bytes = draw(templates, &view, root, fonts)?;
                            drawn.fetch_add(1, Ordering::Relaxed);
                            if keep(&setting.cache_dir, &cached, &bytes).is_err() {
                                unwritable.fetch_add(1, Ordering::Relaxed);
                            }
                            bytes
                        }
                    };
                    Ok(Some(put((path, bytes))))
                })
                .collect();
            let done = match done {
                Ok(done) => done.into_iter().flatten().collect(),
                Err(d) => return Some(Err(d)),
            };
            Some(Ok((done, (slug.clone(), (key, fingerprints)))))
        })
        .collect();
    let mut done = Vec::new();
    let mut made = Vec::new();
    for (files, remember) in super::gathered(results)? {
        done.extend(files);
        made.push(remember);
    }
    let mut warnings = Vec::new();
    let unwritable = unwritable.into_inner();
    if unwritable > 0 {
        warnings.push(
            Diagnostic::warning(
                Path::new(crate::links::cache::DIR).join(CACHE_DIR),
                Position::start(),
                format!(
                    "cannot keep {unwritable} drawn social card(s) in the cache; the next build will draw them again"
                ),
            )
            .with_hint("make the site's .brief-cache/ folder writable, or delete it"),
        );
    }
    let counts = Counts {
        drawn: drawn.into_inner(),
        reused: reused.into_inner(),
    };
    Ok(Cards {
        files: done,
        counts,
        made: Made(made),
        warnings,
    })
}

impl Cache {
    /// Records that these cards are now on disk as made, and forgets the
    /// cards of briefings the site no longer has.
    pub fn remember_cards(&mut self, made: Made, site: &Site) {
        if !site.config.social_cards {
            self.cards.clear();
            return;
        }
        self.cards.extend(made.0);
        let slugs: std::collections::HashSet<&str> =
            site.briefings.iter().map(|b| b.slug.as_str()).collect();
        self.cards.retain(|slug, _| slugs.contains(slug.as_str()));
    }
}

/// Writes a drawn card into the cache, whole or not at all.
fn keep(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    if let Some(ignore) = dir.parent().map(|cache| cache.join(".gitignore")) {
        if !ignore.exists() {
            // Best effort, as the link cache's: the cache works without it.
            let _ = std::fs::write(&ignore, "# Written by brief; safe to delete.\n*\n");
        }
    }
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut file, bytes)?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

fn briefing_card<'a>(plan: &'a Plan, views: &'a BriefingViews, setting: &Setting) -> CardView<'a> {
    let site = &plan.site.config;
    let summary = &views.summary;
    let mut offset = 0.0;
    let tally = summary
        .tally
        .entries()
        .map(|(verdict, count, percent)| {
            let segment = TallySegment {
                label: &verdict.label,
                tone: verdict.tone,
                count,
                offset,
                percent,
            };
            offset += percent;
            segment
        })
        .collect();
    CardView {
        kind: "briefing",
        desk: &site.title,
        logo: setting.logo.clone(),
        language: &site.language,
        date_display: &summary.date.shown,
        briefing: wrap(summary.title(), 28, 3),
        claim_count: summary.claim_count,
        tally,
        speaker: None,
        words: None,
        verdict: None,
    }
}

fn claim_card<'a>(
    plan: &'a Plan,
    views: &'a BriefingViews,
    claim: &'a ClaimView,
    setting: &Setting,
) -> CardView<'a> {
    let site = &plan.site.config;
    let rtl = is_rtl(&claim.speaker.name);
    let mut name = shorten(&claim.speaker.name, 40);
    if rtl {
        name = format!("{RLM}{name}{RLM}");
    }
    let room = 52usize.saturating_sub(width(&name) + 2);
    let role = claim
        .speaker
        .role
        .as_deref()
        .filter(|_| room >= 8)
        .map(|role| shorten(role, room));
    CardView {
        kind: "claim",
        desk: &site.title,
        logo: setting.logo.clone(),
        language: &site.language,
        date_display: Day::shown_of(&claim.date).unwrap_or(&views.summary.date.shown),
        briefing: wrap(views.summary.title(), 80, 1),
        claim_count: 1,
        tally: Vec::new(),
        speaker: Some(SpeakerLine { rtl, name, role }),
        words: Some(wrap(claim.text(), 48, 5)),
        verdict: Some(VerdictLabel {
            label: &claim.verdict.label,
            tone: claim.verdict.tone,
        }),
    }
}

/// Renders the template for `view` and draws it into a PNG.
fn draw(
    templates: &Templates,
    view: &CardView,
    root: &Path,
    fonts: &Fonts,
) -> Result<Vec<u8>, Diagnostic> {
    let mut context = Context::new();
    context.insert("card", view);
    let svg = templates
        .tera
        .render(TEMPLATE, &context)
        .map_err(|err| templates.error(&err, TEMPLATE))?;
    let unusable = |why: String| {
        Diagnostic::error(templates.path(TEMPLATE), Position::start(), format!(
            "card.svg did not make an SVG image that can be drawn: {why}"
        ))
        .with_hint("the template must write one whole SVG document, `<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1200\" height=\"630\">…</svg>`, with every text it prints escaped")
    };
    let options = usvg::Options {
        resources_dir: Some(root.to_path_buf()),
        font_family: BUNDLED_FAMILY.into(),
        fontdb: fonts.db.clone(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(&svg, &options).map_err(|e| unusable(e.to_string()))?;
    let mut pixmap =
        tiny_skia::Pixmap::new(WIDTH, HEIGHT).ok_or_else(|| unusable("no canvas".into()))?;
    // Whatever size the template gives its SVG, the card is 1200×630.
    let size = tree.size();
    let transform = tiny_skia::Transform::from_scale(
        WIDTH as f32 / size.width(),
        HEIGHT as f32 / size.height(),
    );
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    encode(&pixmap).map_err(|e| unusable(e.to_string()))
}

/// A drawn card as PNG. The built-in card is opaque, and is written as
/// RGB; a template that leaves parts transparent gets RGBA. Deflate at
/// level 3 with each row's best filter: measured on the example site's
/// cards, about 8 ms and 50 KB a card, where the png crate's default took
/// about 50 ms for 45 KB and its fastest (fdeflate) 3 ms for 105 KB;
/// smaller files are also quicker to copy from the cache on every build.
fn encode(pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>, png::EncodingError> {
    let pixels = pixmap.pixels();
    let opaque = pixels.iter().all(|p| p.alpha() == u8::MAX);
    let (color, data): (png::ColorType, Vec<u8>) = if opaque {
        // Premultiplied and straight colours are the same when opaque.
        let rgb = pixels.iter().flat_map(|p| [p.red(), p.green(), p.blue()]);
        (png::ColorType::Rgb, rgb.collect())
    } else {
        let rgba = pixels.iter().flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        });
        (png::ColorType::Rgba, rgba.collect())
    };
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    encoder.set_color(color);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_deflate_compression(png::DeflateCompression::Level(3));
    encoder.set_filter(png::Filter::Adaptive);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&data)?;
    writer.finish()?;
    Ok(out)
}

/// `text` in at most `lines` lines of about `budget` narrow characters
/// each (a wide character, Chinese or Korean, counts twice), broken
/// between words where it can be and ended with an ellipsis when it does
/// not fit. SVG has no wrapping of its own, and measuring every glyph would
/// tie the card's view to the fonts of the machine.
pub(crate) fn wrap(text: &str, budget: usize, lines: usize) -> TextBlock {
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut cut = false;
    'words: for word in text.split_whitespace() {
        let mut word = word;
        loop {
            let gap = usize::from(!line.is_empty());
            if width(&line) + gap + width(word) <= budget {
                if gap == 1 {
                    line.push(' ');
                }
                line.push_str(word);
                continue 'words;
            }
            if !line.is_empty() && width(word) <= budget {
                out.push(std::mem::take(&mut line));
            } else {
                // A word longer than a line (or text with no spaces at
                // all) is broken where the line ends.
                if !line.is_empty() {
                    line.push(' ');
                }
                let room = budget.saturating_sub(width(&line));
                let (mut head, mut tail) = split_at_width(word, room);
                if head.is_empty() && line.trim().is_empty() {
                    // Not even one character fits: take one anyway.
                    let first = word.chars().next().map_or(0, char::len_utf8);
                    (head, tail) = word.split_at(first);
                }
                line.push_str(head);
                word = tail;
                out.push(std::mem::take(&mut line).trim_end().to_owned());
            }
            if out.len() >= lines {
                cut = true;
                break 'words;
            }
        }
    }
    if !line.is_empty() {
        out.push(line);
    }
    if cut {
        if let Some(last) = out.last_mut() {
            let (kept, _) = split_at_width(last, budget.saturating_sub(1));
            *last = format!("{}…", kept.trim_end());
        }
    }
    let rtl = is_rtl(text);
    if rtl {
        // usvg lays every text out as a left-to-right paragraph, which
        // puts the full stop of an Arabic sentence at its right end: a
        // right-to-left mark at each end of the line keeps it in place.
        for line in &mut out {
            *line = format!("{RLM}{line}{RLM}");
        }
    }
    TextBlock { rtl, lines: out }
}

/// U+200F RIGHT-TO-LEFT MARK: invisible, and strongly right to left.
const RLM: char = '\u{200F}';

/// `text` cut to `budget` narrow characters, with an ellipsis if cut.
fn shorten(text: &str, budget: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if width(&text) <= budget {
        return text;
    }
    let (kept, _) = split_at_width(&text, budget.saturating_sub(1));
    format!("{}…", kept.trim_end())
}

/// The longest start of `text` no wider than `budget`, and the rest.
fn split_at_width(text: &str, budget: usize) -> (&str, &str) {
    let mut used = 0;
    for (at, c) in text.char_indices() {
        used += char_width(c);
        if used > budget {
            return text.split_at(at);
        }
    }
    (text, "")
}

fn width(text: &str) -> usize {
    text.chars().map(char_width).sum()
}

/// How many narrow characters' room a character takes: two for the wide
/// ones of East Asian scripts, none for combining marks.
fn char_width(c: char) -> usize {
    match c as u32 {
        0x0300..=0x036F | 0x0610..=0x061A | 0x064B..=0x065F | 0x0670 | 0x200B..=0x200F => 0,
        0x1100..=0x115F
        | 0x2E80..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1FAFF
        | 0x20000..=0x3FFFD => 2,
        _ => 1,
    }
}

/// Whether text is written right to left: its first letter is of a
/// right-to-left script.
pub(crate) fn is_rtl(text: &str) -> bool {
    text.chars()
        .find(|c| c.is_alphabetic())
        .is_some_and(|c| matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_one_line() {
        assert_eq!(
            wrap("A short claim.", 40, 3),
            TextBlock {
                lines: vec!["A short claim.".into()],
                rtl: false
            }
        );
    }

    #[test]
    fn text_wraps_between_words_within_the_budget() {
        let block = wrap("one two three four five six seven eight nine ten", 14, 5);
        assert_eq!(
            block.lines,
            ["one two three", "four five six", "seven eight", "nine ten"]
        );
        assert!(block.lines.iter().all(|l| width(l) <= 14));
    }

    #[test]
    fn long_text_ends_with_an_ellipsis_within_its_lines() {
        let text = "word ".repeat(400) + &"x".repeat(2000);
        let block = wrap(&text, 46, 5);
        assert_eq!(block.lines.len(), 5);
        assert!(block.lines.iter().all(|l| width(l) <= 46), "{block:?}");
        assert!(block.lines[4].ends_with('…'));
        let unbroken = wrap(&"x".repeat(2000), 46, 5);
        assert_eq!(unbroken.lines.len(), 5);
        assert!(unbroken.lines.iter().all(|l| width(l) <= 46));
        assert!(unbroken.lines[4].ends_with('…'));
    }

    #[test]
    fn text_that_fits_exactly_has_no_ellipsis() {
        let block = wrap("aaaa bbbb cccc", 4, 3);
        assert_eq!(block.lines, ["aaaa", "bbbb", "cccc"]);
    }

    #[test]
    fn wide_characters_count_twice_and_right_to_left_is_known() {
        let block = wrap(&"한".repeat(30), 20, 5);
        assert_eq!(block.lines[0].chars().count(), 10);
        assert!(!block.rtl);
        let arabic = wrap("«مرحبا بالعالم».", 20, 2);
        assert!(arabic.rtl);
        assert_eq!(arabic.lines, ["\u{200F}«مرحبا بالعالم».\u{200F}"]);
        assert!(!wrap("“Hello” مرحبا", 20, 2).rtl);
    }

    #[test]
    fn a_name_too_long_is_shortened() {
        assert_eq!(shorten("Ada Lovelace", 20), "Ada Lovelace");
        let long = shorten(&"Name ".repeat(20), 20);
        assert!(long.ends_with('…') && width(&long) <= 20, "{long}");
        assert_ne!(
            fingerprint::of_view(&wrap("a", 5, 1)),
            fingerprint::of_view(&wrap("b", 5, 1))
        );
    }
}
