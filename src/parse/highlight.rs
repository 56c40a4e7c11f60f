//! Code highlighting with syntect, as CSS classes plus one stylesheet.
//!
//! Classes instead of inline styles keep pages small and let a site restyle
//! code by swapping `highlight.css`. syntect's syntax and theme sets take tens
//! of milliseconds to load, so each loads once, on first use.

use std::sync::OnceLock;

use syntect::highlighting::ThemeSet;
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
pub fn theme_names() -> Vec<&'static str> {
    themes().themes.keys().map(String::as_str).collect()
}

/// The stylesheet for a theme, or `None` when syntect has no such theme.
pub fn stylesheet(theme: &str) -> Option<String> {
    let theme = themes().themes.get(theme)?;
    css_for_theme_with_class_style(theme, CLASS_STYLE).ok()
}

/// A fenced code block as HTML. `lang` is the first word of the fence's info
/// string; an unknown or missing language gives plain escaped text. The block
/// is focusable (`tabindex`) because one that scrolls sideways must be
/// reachable from the keyboard.
pub fn code_block(code: &str, lang: Option<&str>) -> String {
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
    fn default_theme_has_a_stylesheet() {
        assert!(stylesheet("InspiredGitHub").unwrap().contains(".hl-"));
        assert!(stylesheet("No Such Theme").is_none());
    }
}
