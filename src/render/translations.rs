//! Which pages of a site in several languages are versions of each other.
//!
//! Each language is planned as a site of its own below its root (`/` for
//! the default, `/fr/` for French); a page is a translation of another when
//! it sits at the same place below its language's root. Built once per build
//! from every language's plan, this tells each page where its versions are,
//! for the language switcher, the `hreflang` links and the sitemap.

use std::collections::HashMap;

use serde::Serialize;

use crate::config::SiteConfig;

/// A language of the site, as the switcher names it.
#[derive(Clone, Debug)]
pub struct SiteLanguage {
    /// The BCP 47 tag (`fr`).
    pub tag: String,
    /// Its name in itself (`Français`), from its translation's
    /// `language_name`.
    pub name: String,
    /// Where its pages start (`/fr/`).
    pub root: String,
}

/// Every language's pages, by their place below the language's root.
#[derive(Debug, Default)]
pub struct Translations {
    /// The default language first.
    pub languages: Vec<SiteLanguage>,
    /// The languages (indexes into `languages`) that have a page at each
    /// place, such as `briefings/ferry/`, in order.
    places: HashMap<String, Vec<usize>>,
}

/// One version of a page, as templates receive it in `translations`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, Hash)]
pub struct TranslationLink {
    /// The language's tag, for `hreflang` and `lang`.
    pub lang: String,
    /// The language's name in itself.
    pub name: String,
    /// The page's URL on this site.
    pub url: String,
    /// The page's absolute address.
    pub href: String,
    /// Whether this is the page being rendered.
    pub current: bool,
    /// Whether this is the default language's version (`x-default`).
    pub default: bool,
}

impl Translations {
    /// An empty table for a site in `languages`; each language's pages are
    /// added with [`Translations::add`].
    pub fn new(languages: Vec<SiteLanguage>) -> Translations {
        Translations {
            languages,
            places: HashMap::new(),
        }
    }

    /// Records the page at `url` as one of language `language`'s.
    pub fn add(&mut self, language: usize, url: &str) {
        let Some(place) = self.place(language, url) else {
            return;
        };
        let langs = self.places.entry(place.to_owned()).or_default();
        if !langs.contains(&language) {
            langs.push(language);
            langs.sort_unstable();
        }
    }

    /// Where `url` sits below its language's root.
    fn place<'u>(&self, language: usize, url: &'u str) -> Option<&'u str> {
        url.strip_prefix(self.languages.get(language)?.root.as_str())
    }

    /// Every version of the page of `language` at `url`, itself included
    /// and marked current, in the site's order of languages; empty when
    /// the page has no other version. `config` makes the `href`s absolute.
    pub fn of(&self, language: usize, url: &str, config: &SiteConfig) -> Vec<TranslationLink> {
        let Some(place) = self.place(language, url) else {
            return Vec::new();
        };
        let Some(langs) = self.places.get(place).filter(|l| l.len() > 1) else {
            return Vec::new();
        };
        langs
            .iter()
            .map(|&l| {
                let lang = &self.languages[l];
                let url = format!("{}{place}", lang.root);
                TranslationLink {
                    lang: lang.tag.clone(),
                    name: lang.name.clone(),
                    href: config.absolute(&url),
                    url,
                    current: l == language,
                    default: l == 0,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> SiteConfig {
        SiteConfig {
            base_url: "https://desk.example/d/".into(),
            root_path: "/d/".into(),
            ..SiteConfig::default()
        }
    }

    fn table() -> Translations {
        let language = |tag: &str, name: &str, root: &str| SiteLanguage {
            tag: tag.into(),
            name: name.into(),
            root: root.into(),
        };
        let mut t = Translations::new(vec![
            language("en", "English", "/d/"),
            language("fr", "Français", "/d/fr/"),
        ]);
        t.add(0, "/d/briefings/ferry/");
        t.add(1, "/d/fr/briefings/ferry/");
        t.add(0, "/d/briefings/only-english/");
        t
    }

    #[test]
    fn a_page_at_the_same_place_in_another_language_is_its_translation() {
        let t = table();
        let links = t.of(1, "/d/fr/briefings/ferry/", &config());
        assert_eq!(links.len(), 2);
        assert_eq!(links[0].url, "/d/briefings/ferry/");
        assert_eq!(links[0].href, "https://desk.example/d/briefings/ferry/");
        assert!(links[0].default && !links[0].current);
        assert_eq!(links[1].lang, "fr");
        assert!(links[1].current && !links[1].default);
    }

    #[test]
    fn a_page_in_one_language_only_has_no_versions() {
        assert!(table()
            .of(0, "/d/briefings/only-english/", &config())
            .is_empty());
    }
}
