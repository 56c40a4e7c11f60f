//! Code highlighting with syntect, as CSS classes plus one stylesheet.
//!
//! Classes instead of inline styles keep pages small and let a site restyle
//! code by swapping `highlight.css`. syntect's syntax and theme sets take tens
//! of milliseconds to load, so each loads once, on first use.

use std::sync::OnceLock;

use syntect::highlighting::{Color, Theme, ThemeSet};
use syntect::html::{css_for_theme_with_class_style, ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

fn themes() -> &'static ThemeSet {
    static SET: OnceLock<ThemeSet> = OnceLock::new();
    SET.get_or_init(ThemeSet::load_defaults)
}

/// The names `highlight_theme` accepts, sorted.
pub(crate) fn theme_names() -> Vec<&'static str> {
    themes().themes.keys().map(String::as_str).collect()
}

/// The stylesheet for a theme, or `None` when syntect has no such theme.
/// Its colours are made readable first (see [`readable`]).
pub(crate) fn stylesheet(theme: &str) -> Option<String> {
    let theme = readable(themes().themes.get(theme)?);
    css_for_theme_with_class_style(&theme, CLASS_STYLE).ok()
}

/// WCAG 2's minimum contrast for normal text (level AA).
const MIN_CONTRAST: f64 = 4.5;

/// The background the built-in stylesheet gives code blocks (`--code-bg`),
/// which sits behind the theme's own.
const CODE_BACKGROUND: Color = Color {
    r: 0xf4,
    g: 0xf5,
    b: 0xf7,
    a: 0xff,
};

/// The theme with every text colour darkened (or, on a dark theme,
/// lightened) just enough to reach [`MIN_CONTRAST`] against its background
/// and the code block's. Several of syntect's bundled themes colour some
/// tokens too faintly to read, and pages must stay accessible.
fn readable(theme: &Theme) -> Theme {
    let mut theme = theme.clone();
    let background = theme.settings.background.unwrap_or(Color::WHITE);
    let backgrounds = if luminance(background) > 0.5 {
        vec![background, CODE_BACKGROUND]
    } else {
        vec![background]
    };
    let foregrounds = theme
        .scopes
        .iter_mut()
        .filter_map(|item| item.style.foreground.as_mut())
        .chain(theme.settings.foreground.as_mut());
    for colour in foregrounds {
        *colour = with_contrast(*colour, &backgrounds);
    }
    theme
}

fn with_contrast(mut colour: Color, backgrounds: &[Color]) -> Color {
    let toward = if luminance(backgrounds[0]) > 0.5 {
        0.0
    } else {
        255.0
    };
    for _ in 0..50 {
        if backgrounds
            .iter()
            .all(|b| contrast(colour, *b) >= MIN_CONTRAST)
        {
            break;
        }
        let step = |c: u8| (f64::from(c) + (toward - f64::from(c)) * 0.08).round() as u8;
        colour = Color {
            r: step(colour.r),
            g: step(colour.g),
            b: step(colour.b),
            a: 0xff,
        };
    }
    colour
}

/// WCAG 2's relative luminance of an sRGB colour.
fn luminance(c: Color) -> f64 {
    let channel = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.039_28 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)
}

fn contrast(a: Color, b: Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// A fenced code block as HTML. `lang` is the first word of the fence's info
/// string; an unknown or missing language gives plain escaped text. The block
/// is focusable (`tabindex`) because one that scrolls sideways must be
/// reachable from the keyboard.
pub(crate) fn code_block(code: &str, lang: Option<&str>) -> String {
    let escaped_lang = lang.map(escape_html);
    let syntax = lang.and_then(|l| syntaxes().find_syntax_by_token(l));
    let inner = match syntax {
        Some(syntax) => {
            let mut generator =
                ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes(), CLASS_STYLE);
            let ok = LinesWithEndings::from(code).all(|line| {
                generator
                    .parse_html_for_line_which_includes_newline(line)
                    .is_ok()
            });
            if ok {
                generator.finalize()
            } else {
                escape_html(code)
            }
        }
        None => escape_html(code),
    };
    match escaped_lang {
        Some(lang) => format!(
            "<pre class=\"code hl-code\" tabindex=\"0\" data-lang=\"{lang}\"><code class=\"language-{lang}\">{inner}</code></pre>\n"
        ),
        None => format!("<pre class=\"code\" tabindex=\"0\"><code>{inner}</code></pre>\n"),
    }
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    pulldown_cmark_escape::escape_html(&mut out, text).expect("writing to a String cannot fail");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_known_languages_with_classes() {
        let html = code_block("{\"a\": 1}\n", Some("json"));
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(!html.contains("style="), "{html}");
    }

    #[test]
    fn unknown_language_is_escaped_plain_text() {
        let html = code_block("<script>\n", Some("nosuchlang"));
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn every_theme_colour_is_readable_on_its_background() {
        for name in theme_names() {
            let theme = readable(&themes().themes[name]);
            let background = theme.settings.background.unwrap_or(Color::WHITE);
            for item in &theme.scopes {
                if let Some(fg) = item.style.foreground {
                    let ratio = contrast(fg, background);
                    assert!(
                        ratio >= MIN_CONTRAST,
                        "{name}: {fg:?} on {background:?} is {ratio:.2}"
                    );
                }
            }
        }
        // The default theme's faint tag colour is the one that was not.
        let original = &themes().themes["InspiredGitHub"];
        assert!(original
            .scopes
            .iter()
            .filter_map(|i| i.style.foreground)
            .any(|fg| { contrast(fg, CODE_BACKGROUND) < MIN_CONTRAST }));
    }

    #[test]
    fn default_theme_has_a_stylesheet() {
        assert!(stylesheet("InspiredGitHub").unwrap().contains(".hl-"));
        assert!(stylesheet("No Such Theme").is_none());
    }
}
