//! The built-in theme, compiled into the binary.
//!
//! The repository's own `templates/` and `static/` folders are this theme's
//! source. A site overrides any file by putting one of the same name in its
//! own `templates/` or `static/` folder.

/// Every built-in template, by the name templates use to extend or import it.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    (
        "claim_card.html",
        include_str!("../templates/claim_card.html"),
    ),
    (
        "source_card.html",
        include_str!("../templates/source_card.html"),
    ),
    (
        "claim_row.html",
        include_str!("../templates/claim_row.html"),
    ),
    (
        "briefing_item.html",
        include_str!("../templates/briefing_item.html"),
    ),
    (
        "related_claim.html",
        include_str!("../templates/related_claim.html"),
    ),
    ("index.html", include_str!("../templates/index.html")),
    ("briefing.html", include_str!("../templates/briefing.html")),
    ("claim.html", include_str!("../templates/claim.html")),
    ("embed.html", include_str!("../templates/embed.html")),
    ("speakers.html", include_str!("../templates/speakers.html")),
    ("speaker.html", include_str!("../templates/speaker.html")),
    ("sources.html", include_str!("../templates/sources.html")),
    ("verdicts.html", include_str!("../templates/verdicts.html")),
    ("verdict.html", include_str!("../templates/verdict.html")),
    ("tags.html", include_str!("../templates/tags.html")),
    ("tag.html", include_str!("../templates/tag.html")),
    ("author.html", include_str!("../templates/author.html")),
    ("page.html", include_str!("../templates/page.html")),
    (
        "corrections.html",
        include_str!("../templates/corrections.html"),
    ),
    ("404.html", include_str!("../templates/404.html")),
    ("search.html", include_str!("../templates/search.html")),
    ("card.svg", include_str!("../templates/card.svg")),
];

/// The font social cards are drawn with before any of the machine's:
/// DejaVu Sans, regular and bold (licence in `fonts/dejavu/LICENSE`).
pub const CARD_FONTS: &[&[u8]] = &[
    include_bytes!("../fonts/dejavu/DejaVuSans.ttf"),
    include_bytes!("../fonts/dejavu/DejaVuSans-Bold.ttf"),
];

/// Built-in static files, by their path in the output.
pub const STATIC: &[(&str, &[u8])] = &[
    ("style.css", include_bytes!("../static/style.css")),
    ("search.js", include_bytes!("../static/search.js")),
];
