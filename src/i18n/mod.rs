//! The site's language: the theme's interface strings, their plural forms
//! and the way dates are written.
//!
//! Strings come from the built-in translation files (`i18n/<lang>.yaml` in
//! this repository, compiled into the binary) with the site's own
//! `i18n/<lang>.yaml` on top. English is the fallback for every key, so a
//! partial translation still gives a whole page. One `Language` is made per
//! build and handed to whatever prints text; nothing reads a global, so a
//! site in several languages can later hold one per language.

pub mod direction;

// Looked up for every interface string a page prints that was not written
// into the templates when they were compiled; the keys are our own.
use rustc_hash::FxHashMap as HashMap;
use std::fmt;
use std::path::Path;

use icu_locale_core::Locale;
use icu_plurals::{PluralCategory, PluralRules};
use indexmap::IndexMap;

use crate::diagnostic::{Diagnostic, Position};
use crate::load::SourceFile;

/// The built-in translations, by language tag.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("en", include_str!("../../i18n/en.yaml")),
    ("fr", include_str!("../../i18n/fr.yaml")),
    ("es", include_str!("../../i18n/es.yaml")),
    ("pt", include_str!("../../i18n/pt.yaml")),
    ("de", include_str!("../../i18n/de.yaml")),
    ("ar", include_str!("../../i18n/ar.yaml")),
];

/// One interface string: plain, or one form per CLDR plural category.
#[derive(Clone, Debug, PartialEq)]
pub enum Message {
    Plain(String),
    Plural(HashMap<String, String>),
}

/// A language's strings and rules, English filled in where it has none.
pub struct Language {
    /// The BCP 47 tag as `site.yaml` gives it (`fr`, `pt-BR`).
    pub tag: String,
    /// The language's name in itself (`Français`), or its tag when no
    /// translation names it.
    pub name: String,
    /// Changes whenever any string could: what pages made with the
    /// templates depend on.
    pub fingerprint: u64,
    messages: HashMap<String, Message>,
    plurals: PluralRules,
    locale: chrono::Locale,
}

impl fmt::Debug for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Language").field("tag", &self.tag).finish()
    }
}

impl Default for Language {
    fn default() -> Self {
        Language::load("en", None, None).0
    }
}

impl Language {
    /// The language `tag` with the site's translation file on top, and the
    /// warnings about keys it misses or does not know. `config` is
    /// `site.yaml`, where a language nobody translated is reported.
    pub fn load(
        tag: &str,
        site_file: Option<&SourceFile>,
        config: Option<&SourceFile>,
    ) -> (Language, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let english = parse_builtin("en");
        let mut messages = english.clone();
        let primary = primary(tag);
        let built_in = BUILT_IN
            .iter()
            .find(|(t, _)| *t == tag)
            .or_else(|| BUILT_IN.iter().find(|(t, _)| *t == primary));
        if let Some((t, _)) = built_in {
            messages.extend(parse_builtin(t));
        }
        // Its name in itself, for the language switcher: the site's word
        // for it, else the built-in one, else its tag (never "English").
        let mut named = built_in.is_some() || primary == "en";
        if let Some(file) = site_file {
            let (own, d) = parse_site_file(file, &english);
            named |= own.contains_key("language_name");
            diagnostics.extend(d);
            if built_in.is_none() {
                // A language only the site translates: each key it leaves
                // out falls back to English, and is named.
                let mut missing: Vec<&String> =
                    english.keys().filter(|k| !own.contains_key(*k)).collect();
                missing.sort();
                for key in missing {
                    diagnostics.push(
                        Diagnostic::warning(
                            &file.path,
                            Position::start(),
                            format!("the translation has no `{key}`: the English string is used"),
                        )
                        .with_hint(format!(
                            "add `{key}:` to this file (docs/guide/languages.md lists every key)"
                        )),
                    );
                }
            }
            messages.extend(own);
        } else if built_in.is_none() && primary != "en" {
            let (path, position) = match config {
                Some(file) => (file.path.clone(), locate_key(&file.text, "language")),
                None => ("site.yaml".into(), Position::start()),
            };
            diagnostics.push(
                Diagnostic::warning(
                    path,
                    position,
                    format!("brief has no translation for `{tag}`: the interface stays in English"),
                )
                .with_hint(format!(
                    "write i18n/{tag}.yaml at the site root (docs/guide/languages.md shows how), or use one of: en, fr, es, pt, de, ar"
                )),
            );
        }
        let plurals = Locale::try_from_str(tag)
            .or_else(|_| Locale::try_from_str(primary))
            .ok()
            .and_then(|locale| PluralRules::try_new_cardinal((&locale).into()).ok())
            .unwrap_or_else(|| {
                PluralRules::try_new_cardinal((&Locale::try_from_str("en").unwrap()).into())
                    .expect("English plural rules are compiled in")
            });
        let fingerprint = crate::fingerprint::of(&(tag, site_file.map(|f| f.hash)));
        let name = match messages.get("language_name") {
            Some(Message::Plain(name)) if named => name.clone(),
            _ => tag.to_owned(),
        };
        let language = Language {
            name,
            tag: tag.to_owned(),
            fingerprint,
            messages,
            plurals,
            locale: chrono_locale(tag),
        };
        (language, diagnostics)
    }

    /// Whether the language is written right to left.
    pub fn is_rtl(&self) -> bool {
        direction::text_direction(&self.tag) == "rtl"
    }

    /// The string for `key` with `{name}` placeholders filled from `args`;
    /// a `count` argument picks the plural form. An unknown key gives the
    /// key itself, so a typo in a template shows on the page.
    pub fn text(&self, key: &str, args: &[(&str, String)]) -> String {
        let count = || {
            args.iter()
                .find(|(name, _)| *name == "count")
                .and_then(|(_, v)| v.parse::<u64>().ok())
                .unwrap_or(0)
        };
        let template = self.template(key, count).unwrap_or(key);
        fill(template, args)
    }

    /// The string for `key` as written, placeholders left in, in the plural
    /// form for `count` when it has forms; `None` for an unknown key. What
    /// `t()` prints when it is given nothing to fill: one lookup, and no
    /// copy until the page takes it.
    pub fn template<'a>(&'a self, key: &'a str, count: impl FnOnce() -> u64) -> Option<&'a str> {
        match self.messages.get(key)? {
            Message::Plain(s) => Some(s),
            Message::Plural(forms) => {
                let category = category_name(self.plurals.category_for(count()));
                Some(
                    forms
                        .get(category)
                        .or_else(|| forms.get("other"))
                        .map_or(key, String::as_str),
                )
            }
        }
    }

    /// Every form of the string for `key` by CLDR plural category, its
    /// placeholders left in: for a script that counts in the browser and
    /// picks the form with the same rules (`Intl.PluralRules`). A plain
    /// string is the one form `other`.
    pub fn forms(&self, key: &str) -> Option<std::collections::BTreeMap<String, String>> {
        match self.messages.get(key)? {
            Message::Plain(s) => Some([("other".to_owned(), s.clone())].into()),
            Message::Plural(forms) => {
                Some(forms.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            }
        }
    }

    /// Whether `key` is a known interface string.
    pub fn has(&self, key: &str) -> bool {
        self.messages.contains_key(key)
    }

    /// A date written out in full, month name and order of the language:
    /// "21 November 2026", "21 novembre 2026".
    pub fn date_long(&self, date: chrono::NaiveDate) -> String {
        let pattern = self.text("date_long", &[]);
        date.format_localized(&pattern, self.locale).to_string()
    }

    /// A share as a percentage, written as the language writes numbers:
    /// "42%", "42 %".
    pub fn percent(&self, value: f64) -> String {
        let number = format!("{}", value.round() as i64);
        self.text("percent", &[("value", number)])
    }
}

/// Whether `tag` is a well-formed BCP 47 language tag (`fr`, `pt-BR`).
pub fn is_language_tag(tag: &str) -> bool {
    !tag.contains('_') && icu_locale_core::LanguageIdentifier::try_from_str(tag).is_ok()
}

/// The language a content file is written in, when its name says so: the
/// `fr` of `ferry.fr.md` or of a bundle's `index.fr.md`. Only a two-letter
/// language, with a region or not (`fr`, `pt-br`), counts, so
/// `report.v2.md` and `style.css.md` keep their names.
pub fn file_language(path: &Path) -> Option<&str> {
    let stem = path.file_stem()?.to_str()?;
    let (_, suffix) = stem.rsplit_once('.')?;
    let mut parts = suffix.split('-');
    let primary = parts.next()?;
    let letters = |s: &str, range: std::ops::RangeInclusive<usize>| {
        range.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic())
    };
    let region_ok =
        parts.all(|p| letters(p, 2..=8) || (p.len() == 3 && p.bytes().all(|b| b.is_ascii_digit())));
    (letters(primary, 2..=2) && region_ok && is_language_tag(suffix)).then_some(suffix)
}

/// A content file's path without its language: `briefings/ferry.fr.md` is
/// a translation of `briefings/ferry.md`.
pub fn untranslated(path: &str) -> std::borrow::Cow<'_, str> {
    match file_language(Path::new(path)) {
        Some(tag) => {
            let suffix = format!(".{tag}.md");
            match path.strip_suffix(&suffix) {
                Some(stem) => format!("{stem}.md").into(),
                None => path.into(),
            }
        }
        None => path.into(),
    }
}

fn primary(tag: &str) -> &str {
    tag.split(['-', '_']).next().unwrap_or(tag)
}

fn category_name(category: PluralCategory) -> &'static str {
    match category {
        PluralCategory::Zero => "zero",
        PluralCategory::One => "one",
        PluralCategory::Two => "two",
        PluralCategory::Few => "few",
        PluralCategory::Many => "many",
        PluralCategory::Other => "other",
    }
}

/// The glibc locale chrono takes month and day names from.
fn chrono_locale(tag: &str) -> chrono::Locale {
    let region = tag.split(['-', '_']).nth(1).map(str::to_ascii_uppercase);
    let language = primary(tag).to_ascii_lowercase();
    let default_region = match language.as_str() {
        "en" => "GB",
        "ar" => "EG",
        "pt" => "PT",
        "sv" => "SE",
        "da" => "DK",
        "ja" => "JP",
        "ko" => "KR",
        "zh" => "CN",
        "he" => "IL",
        "fa" => "IR",
        "ur" => "PK",
        "hi" => "IN",
        "uk" => "UA",
        "el" => "GR",
        "cs" => "CZ",
        other => other,
    }
    .to_ascii_uppercase();
    let candidates = [
        region.map(|r| format!("{language}_{r}")),
        Some(format!("{language}_{default_region}")),
    ];
    candidates
        .into_iter()
        .flatten()
        .find_map(|name| chrono::Locale::try_from(name.as_str()).ok())
        .unwrap_or(chrono::Locale::en_GB)
}

/// Puts each named value in place of its `{name}` in `template`, in one
/// pass: a value is never searched for placeholders itself, and a
/// placeholder with no value stays as written.
fn fill(template: &str, args: &[(&str, String)]) -> String {
    // Most strings have nothing to fill: no search for them, and byte
    // searches (`{` and `}` never occur inside a wider character) for the
    // rest, rather than `str::find`'s character searcher set up for each.
    let first = if args.is_empty() {
        None
    } else {
        memchr::memchr(b'{', template.as_bytes())
    };
    let Some(first) = first else {
        return template.to_owned();
    };
    // Room for every value, as most strings with placeholders use each once.
    let mut out =
        String::with_capacity(template.len() + args.iter().map(|(_, v)| v.len()).sum::<usize>());
    out.push_str(&template[..first]);
    let mut rest = &template[first..];
    while let Some(open) = memchr::memchr(b'{', rest.as_bytes()) {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = memchr::memchr(b'}', after.as_bytes()).and_then(|close| {
            let name = &after[..close];
            let (_, value) = args.iter().find(|(n, _)| *n == name)?;
            Some((value, close))
        });
        match value {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn parse_builtin(tag: &str) -> HashMap<String, Message> {
    let text = BUILT_IN
        .iter()
        .find(|(t, _)| *t == tag)
        .map(|(_, text)| *text)
        .unwrap_or_default();
    let raw: IndexMap<String, serde_yaml::Value> =
        serde_yaml::from_str(text).expect("the built-in translations are valid YAML");
    raw.into_iter()
        .filter_map(|(key, value)| Some((key, message(&value)?)))
        .collect()
}

fn message(value: &serde_yaml::Value) -> Option<Message> {
    match value {
        serde_yaml::Value::String(s) => Some(Message::Plain(s.clone())),
        serde_yaml::Value::Number(n) => Some(Message::Plain(n.to_string())),
        serde_yaml::Value::Mapping(map) => {
            let forms: HashMap<String, String> = map
                .iter()
                .filter_map(|(k, v)| Some((k.as_str()?.to_owned(), v.as_str()?.to_owned())))
                .collect();
            forms
                .contains_key("other")
                .then_some(Message::Plural(forms))
        }
        _ => None,
    }
}

/// A site's translation file: its strings, and warnings for what cannot be
/// used (an unknown key, a string of the wrong shape).
fn parse_site_file(
    file: &SourceFile,
    english: &HashMap<String, Message>,
) -> (HashMap<String, Message>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let parsed: Result<Option<IndexMap<String, serde_yaml::Value>>, _> =
        serde_yaml::from_str(&file.text);
    let raw = match parsed {
        Ok(Some(raw)) => raw,
        Ok(None) => return (HashMap::default(), diagnostics),
        Err(err) => {
            let position = err
                .location()
                .map(|l| Position::new(l.line(), l.column()))
                .unwrap_or_else(Position::start);
            diagnostics.push(
                Diagnostic::warning(&file.path, position, format!("cannot read the translation: {err}"))
                    .with_hint("write one `key: string` per line; a plural gives `one:` and `other:` below its key"),
            );
            return (HashMap::default(), diagnostics);
        }
    };
    let mut messages = HashMap::default();
    for (key, value) in raw {
        let position = locate_key(&file.text, &key);
        if !english.contains_key(&key) {
            diagnostics.push(
                Diagnostic::warning(
                    &file.path,
                    position,
                    format!("unknown translation key `{key}`: it is not used"),
                )
                .with_hint(
                    "check the spelling against the list of keys in docs/guide/languages.md",
                ),
            );
            continue;
        }
        match message(&value) {
            Some(m) => {
                messages.insert(key, m);
            }
            None => diagnostics.push(
                Diagnostic::warning(&file.path, position, format!("`{key}` is not a string: the English string is used"))
                    .with_hint("give a string in quotes, or for a plural the forms `one:` and `other:` (and `zero:`, `two:`, `few:`, `many:` where the language has them)"),
            ),
        }
    }
    (messages, diagnostics)
}

/// Where a top-level `key:` starts in a YAML file's text.
fn locate_key(text: &str, key: &str) -> Position {
    text.lines()
        .enumerate()
        .find(|(_, line)| {
            line.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
                || line
                    .strip_prefix(&format!("\"{key}\""))
                    .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map(|(i, _)| Position::new(i + 1, 1))
        .unwrap_or_else(Position::start)
}

/// Where a site keeps its translation for `tag`, relative to its root.
pub fn site_file_path(tag: &str) -> std::path::PathBuf {
    Path::new("i18n").join(format!("{tag}.yaml"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn language(tag: &str) -> Language {
        let (language, diagnostics) = Language::load(tag, None, None);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        language
    }

    #[test]
    fn fill_puts_each_value_in_place_once_and_leaves_unknown_placeholders() {
        let args = [("a", "{b}".to_owned()), ("b", "2".to_owned())];
        assert_eq!(fill("{a} and {b}, {b}", &args), "{b} and 2, 2");
        assert_eq!(fill("{c} {a", &args), "{c} {a");
        assert_eq!(fill("{{b}}", &args), "{2}");
        assert_eq!(fill("none", &args), "none");
        assert_eq!(fill("{b}", &[]), "{b}");
        // Wider characters beside the braces and in a value.
        let wide = [("b", "ü".to_owned())];
        assert_eq!(fill("é{b}日本 {b}é {", &wide), "éü日本 üé {");
    }

    #[test]
    fn a_string_as_written_is_its_text_with_nothing_to_fill() {
        let en = language("en");
        assert_eq!(
            en.template("quote", || 0),
            Some(en.text("quote", &[]).as_str())
        );
        assert_eq!(en.template("no_such_key", || 0), None);
        assert_eq!(
            en.template("claims_checked_count", || 2),
            Some("{count} claims checked")
        );
    }

    #[test]
    fn a_file_name_gives_its_language_only_when_it_reads_as_one() {
        fn of(p: &str) -> Option<&str> {
            file_language(Path::new(p))
        }
        assert_eq!(of("content/briefings/ferry.fr.md"), Some("fr"));
        assert_eq!(of("content/briefings/ferry/index.pt-BR.md"), Some("pt-BR"));
        assert_eq!(of("content/briefings/ferry.md"), None);
        assert_eq!(of("content/pages/style.css.md"), None);
        assert_eq!(of("content/briefings/report.v2.md"), None);
        assert_eq!(untranslated("briefings/ferry.fr.md"), "briefings/ferry.md");
        assert_eq!(
            untranslated("briefings/ferry/index.fr.md"),
            "briefings/ferry/index.md"
        );
    }

    #[test]
    fn every_built_in_language_has_every_key_and_no_other() {
        let english = parse_builtin("en");
        for (tag, _) in BUILT_IN {
            let own = parse_builtin(tag);
            let mut missing: Vec<_> = english.keys().filter(|k| !own.contains_key(*k)).collect();
            let mut extra: Vec<_> = own.keys().filter(|k| !english.contains_key(*k)).collect();
            missing.sort();
            extra.sort();
            assert!(missing.is_empty(), "{tag} misses {missing:?}");
            assert!(extra.is_empty(), "{tag} has unknown keys {extra:?}");
        }
    }

    #[test]
    fn dates_take_month_names_and_order_from_the_language() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        assert_eq!(language("en").date_long(date), "21 November 2026");
        assert_eq!(language("fr").date_long(date), "21 novembre 2026");
        assert_eq!(language("es").date_long(date), "21 de noviembre de 2026");
        assert_eq!(language("pt-BR").date_long(date), "21 de novembro de 2026");
        assert_eq!(language("de").date_long(date), "21. November 2026");
        assert!(language("ar").date_long(date).contains("نوفمبر"));
    }

    #[test]
    fn plural_forms_follow_the_language_rules() {
        let count =
            |l: &Language, n: u64| l.text("claims_checked_count", &[("count", n.to_string())]);
        let en = language("en");
        assert_eq!(count(&en, 1), "1 claim checked");
        assert_eq!(count(&en, 2), "2 claims checked");
        let fr = language("fr");
        assert_eq!(count(&fr, 1), "1 affirmation vérifiée");
        assert_eq!(count(&fr, 2), "2 affirmations vérifiées");
        let ar = language("ar");
        assert_eq!(count(&ar, 0), "لم نتحقق من أي ادعاء");
        assert_eq!(count(&ar, 1), "تحققنا من ادعاء واحد");
        assert_eq!(count(&ar, 2), "تحققنا من ادعاءين");
        assert_eq!(count(&ar, 3), "تحققنا من 3 ادعاءات");
        assert_eq!(count(&ar, 11), "تحققنا من 11 ادعاءً");
        assert_eq!(count(&ar, 100), "تحققنا من 100 ادعاء");
    }

    #[test]
    fn forms_give_every_plural_category_of_the_language_with_placeholders_left_in() {
        let ar = language("ar");
        let forms = ar.forms("search_results").unwrap();
        let categories: Vec<&str> = forms.keys().map(String::as_str).collect();
        assert_eq!(categories, ["few", "many", "one", "other", "two", "zero"]);
        assert!(forms["few"].contains("{count}"));
        let en = language("en");
        assert_eq!(
            en.forms("search_too_short").unwrap(),
            [(
                "other".to_owned(),
                "Type a longer word to search.".to_owned()
            )]
            .into()
        );
        assert!(en.forms("no_such_key").is_none());
    }

    #[test]
    fn right_to_left_languages_are_known_by_their_primary_tag() {
        assert!(language("ar").is_rtl());
        assert!(!language("fr").is_rtl());
        let (he, _) = Language::load("he-IL", None, None);
        assert!(he.is_rtl());
    }

    #[test]
    fn a_site_file_overrides_one_string_and_warns_of_unknown_keys() {
        let file = SourceFile::new("i18n/fr.yaml", "search: Chercher\nserch: Oups\n");
        let (fr, diagnostics) = Language::load("fr", Some(&file), None);
        assert_eq!(fr.text("search", &[]), "Chercher");
        assert_eq!(fr.text("published", &[]), "Publié le");
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert!(diagnostics[0].message.contains("`serch`"));
        assert_eq!(diagnostics[0].position, Position::new(2, 1));
    }

    #[test]
    fn a_language_of_the_site_alone_warns_of_each_missing_key_and_falls_back() {
        let file = SourceFile::new("i18n/it.yaml", "search: Cerca\n");
        let (it, diagnostics) = Language::load("it", Some(&file), None);
        assert_eq!(it.text("search", &[]), "Cerca");
        assert_eq!(it.text("published", &[]), "Published");
        assert!(diagnostics
            .iter()
            .any(|d| d.message.contains("`published`") && d.file == Path::new("i18n/it.yaml")));
        assert!(!diagnostics.iter().any(|d| d.message.contains("`search`")));
    }

    #[test]
    fn a_language_nobody_translated_is_one_warning_at_its_line() {
        let config = SourceFile::new("site.yaml", "title: Desk\nlanguage: ko\n");
        let (ko, diagnostics) = Language::load("ko", None, Some(&config));
        assert_eq!(ko.text("search", &[]), "Search");
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].position, Position::new(2, 1));
        assert!(diagnostics[0].message.contains("`ko`"));
    }
}
