//! `site.yaml` and the command-line options that override it.
//!
//! Every key of `site.yaml` has a default, so a folder holding only
//! `content/` is a complete site. Problems are reported as diagnostics
//! located in `site.yaml`, like any other content error.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Position};
use crate::load::SourceFile;
use crate::model::{assign_tones, default_scale, Localised, Page, Verdict};
use crate::parse::yaml::{self, Offset, Spans, Text};

/// What the command line asks of a build.
#[derive(Clone, Debug)]
pub struct Options {
    /// The site's root folder (holding `content/`).
    pub root: PathBuf,
    /// Where to write; `public/` under the root unless given.
    pub output: Option<PathBuf>,
    /// Replaces `base_url` from `site.yaml`, e.g. for a staging deploy.
    pub base_url: Option<String>,
    /// Include briefings and pages marked `draft: true`.
    pub drafts: bool,
}

impl Options {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Options {
            root: root.into(),
            output: None,
            base_url: None,
            drafts: false,
        }
    }

    pub fn output_dir(&self) -> PathBuf {
        let dir = match &self.output {
            Some(dir) if dir.is_absolute() => dir.clone(),
            Some(dir) => std::env::current_dir()
                .map(|cwd| cwd.join(dir))
                .unwrap_or_else(|_| dir.clone()),
            None => self.root.join("public"),
        };
        // `--output .` reads better as the folder's own name.
        dir.components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Publisher {
    pub name: String,
    pub url: Option<String>,
}

/// Entries per list page unless `site.yaml` says otherwise.
pub const DEFAULT_PAGINATE: usize = 50;

/// The site's settings, defaults filled in.
#[derive(Clone, Debug)]
pub struct SiteConfig {
    pub title: String,
    /// Absolute, ending with `/`.
    pub base_url: String,
    /// The path part of `base_url` (`/` or `/desk/`), prefixed to every link
    /// so a site deployed below a domain's root still links correctly.
    pub base_path: String,
    /// The base path of the whole site. For the default language it is
    /// `base_path`; a translation's pages live below it, at
    /// `<root_path><lang>/`, while the stylesheets, static files and
    /// bundle media stay at the root, shared by every language.
    pub root_path: String,
    /// The language of the pages this configuration builds.
    pub language: String,
    /// `languages`: every language of the site, the default first. A site
    /// in one language has just `language` here.
    pub languages: Vec<String>,
    /// The interface strings, plurals and dates of `language`, with the
    /// site's own translation on top (set once the site's files are read).
    pub locale: std::sync::Arc<crate::i18n::Language>,
    pub description: String,
    pub publisher: Publisher,
    pub highlight_theme: String,
    /// `markdown.safe`: raw HTML in Markdown is sanitised away rather than
    /// kept, for sites whose writers are not all trusted.
    pub markdown_safe: bool,
    /// `paginate`: how many entries a list page shows (briefings, claims or
    /// sources) before the rest go to `page/2/`, `page/3/`, …; lists of a
    /// large archive would otherwise be pages of hundreds of megabytes.
    pub paginate: usize,
    pub scale: Vec<Verdict>,
    /// A `--drafts` build, for a staging preview: every page says so and
    /// asks search engines to stay away (`noindex`, `robots.txt`), and
    /// there is no sitemap.
    pub preview: bool,
    /// `menu`: the header's entries in order; `None` for the built-in
    /// header (every index, then every page).
    pub menu: Option<Vec<MenuEntry>>,
    /// `logo` and `favicon`: paths of files under the site's `static/`
    /// folder, with `/` between folders, known to exist.
    pub logo: Option<String>,
    pub favicon: Option<String>,
    /// `images`: how raster images are resized and encoded.
    pub images: crate::media::ImageSettings,
    /// `image`: the picture a share of any page shows when the page has
    /// none of its own (a file under `static/`).
    pub image: Option<crate::model::Figure>,
    /// `social_cards`: draw a 1200×630 card for each briefing and claim
    /// page, its `og:image`.
    pub social_cards: bool,
    /// For a language other than the default: which pages it has, and the
    /// default language's, where a link to a page not translated goes.
    pub elsewhere: Option<std::sync::Arc<Elsewhere>>,
}

/// The pages of a language other than the default, against the default
/// language's: a link or menu entry naming a briefing or page that has no
/// translation leads to the original rather than nowhere.
#[derive(Debug, Default, Hash)]
pub struct Elsewhere {
    /// The places below the language's root of its own briefings and
    /// pages (`briefings/ferry/`, `about/`), sorted.
    pub own: std::collections::BTreeSet<String>,
    /// The default language's briefings and pages by place, with their
    /// titles (for menus).
    pub default: std::collections::BTreeMap<String, String>,
}

impl Elsewhere {
    /// The place of the content file at `content_path` (`briefings/x.md`,
    /// `pages/about.fr.md`) below a language's root.
    pub fn place_of(content_path: &str) -> Option<String> {
        let slug = crate::parse::slug_of(Path::new(content_path));
        if content_path.starts_with("briefings/") {
            Some(format!("briefings/{slug}/"))
        } else if content_path.starts_with("pages/") {
            Some(format!("{slug}/"))
        } else {
            None
        }
    }

    /// Whether the page at `place` is only in the default language.
    pub fn only_in_default(&self, place: &str) -> bool {
        !self.own.contains(place) && self.default.contains_key(place)
    }
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            title: "Fact checks".into(),
            base_url: "http://localhost/".into(),
            base_path: "/".into(),
            root_path: "/".into(),
            language: "en".into(),
            languages: vec!["en".into()],
            locale: Default::default(),
            description: String::new(),
            publisher: Publisher {
                name: "Fact checks".into(),
                url: None,
            },
            highlight_theme: "InspiredGitHub".into(),
            markdown_safe: false,
            paginate: DEFAULT_PAGINATE,
            scale: default_scale(),
            preview: false,
            menu: None,
            logo: None,
            favicon: None,
            images: Default::default(),
            image: None,
            social_cards: false,
            elsewhere: None,
        }
    }
}

impl SiteConfig {
    /// The absolute form of a site URL (one that starts with `base_path`),
    /// for feeds, sitemaps and structured data.
    pub fn absolute(&self, url: &str) -> String {
        // `base_url` ends with the root path.
        let base = self.base_url.trim_end_matches('/');
        let path = self.root_path.trim_end_matches('/');
        [base, url.strip_prefix(path).unwrap_or(url)].concat()
    }

    /// The site URL of a file under `static/`, such as the logo.
    pub fn static_url(&self, path: &str) -> String {
        [self.root_path.as_str(), path].concat()
    }

    /// Whether the site is in several languages.
    pub fn is_multilingual(&self) -> bool {
        self.languages.len() > 1
    }

    /// Whether these are the settings of the site's default language, whose
    /// pages are at the root.
    pub fn is_default_language(&self) -> bool {
        self.languages.first() == Some(&self.language)
    }

    /// The settings for the pages in `language`, one of `languages`: the
    /// same site, its pages under `/<language>/` unless it is the default.
    /// The interface strings (`locale`) are the caller's to set.
    pub fn for_language(&self, language: &str) -> SiteConfig {
        let mut config = self.clone();
        config.language = language.to_owned();
        config.base_path = language_root(&self.root_path, &self.languages, language);
        config.scale = self.scale_for(language);
        config
    }

    /// The base path to link the page at `place` (`briefings/x/`, `about/`)
    /// with: this language's, or the root's when the page is only in the
    /// default language.
    pub fn base_for(&self, place: &str) -> &str {
        match &self.elsewhere {
            Some(e) if e.only_in_default(place) => &self.root_path,
            _ => &self.base_path,
        }
    }

    /// Where the pages of `language` start: the root for the default
    /// language, `<root>/<language>/` for the others.
    pub fn language_root(&self, language: &str) -> String {
        language_root(&self.root_path, &self.languages, language)
    }

    pub fn verdict(&self, id: &str) -> Option<&Verdict> {
        self.scale.iter().find(|v| v.id == id)
    }

    /// The verdict scale in language `tag`: each label and description a
    /// custom scale gives per language, in `tag` (else English, else the
    /// first given). The built-in scale is translated with the interface
    /// strings instead (`model::localise_default_scale`).
    pub fn scale_for(&self, tag: &str) -> Vec<Verdict> {
        self.scale.iter().map(|v| v.in_language(tag)).collect()
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Option<Text>,
    base_url: Option<Text>,
    language: Option<Text>,
    languages: Option<Vec<Text>>,
    description: Option<Text>,
    publisher: Option<RawPublisher>,
    highlight_theme: Option<Text>,
    markdown: Option<RawMarkdown>,
    paginate: Option<Text>,
    verdicts: Option<Vec<RawVerdict>>,
    menu: Option<Vec<RawMenuEntry>>,
    logo: Option<Text>,
    favicon: Option<Text>,
    images: Option<RawImages>,
    image: Option<RawSiteImage>,
    social_cards: Option<Text>,
}

/// `image:`: the picture a share of any page shows when the page has none.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSiteImage {
    src: Option<Text>,
    alt: Option<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawImages {
    widths: Option<Vec<Text>>,
    quality: Option<Text>,
    originals: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawMarkdown {
    safe: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPublisher {
    name: Option<Text>,
    url: Option<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVerdict {
    id: Option<Text>,
    label: Option<RawLocalised>,
    rating: Option<Text>,
    description: Option<RawLocalised>,
}

/// A verdict's label or description as written: one text for every
/// language, or one per language (`{en: Misleading, fr: Trompeur}`).
enum RawLocalised {
    Plain(Text),
    /// A plain `True`, `1.5` or `~` that YAML reads as a boolean, a number
    /// or null: its characters are read back from the file.
    Inferred,
    ByLanguage(Vec<(Text, Text)>),
}

impl<'de> Deserialize<'de> for RawLocalised {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::{Error, MapAccess, Visitor};
        struct Localised;
        impl<'de> Visitor<'de> for Localised {
            type Value = RawLocalised;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "a text, or one text per language such as `{en: Misleading, fr: Trompeur}`",
                )
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<RawLocalised, E> {
                Ok(RawLocalised::Plain(Text(v.to_owned())))
            }
            fn visit_bool<E: Error>(self, _: bool) -> Result<RawLocalised, E> {
                Ok(RawLocalised::Inferred)
            }
            fn visit_i64<E: Error>(self, _: i64) -> Result<RawLocalised, E> {
                Ok(RawLocalised::Inferred)
            }
            fn visit_u64<E: Error>(self, _: u64) -> Result<RawLocalised, E> {
                Ok(RawLocalised::Inferred)
            }
            fn visit_f64<E: Error>(self, _: f64) -> Result<RawLocalised, E> {
                Ok(RawLocalised::Inferred)
            }
            fn visit_unit<E: Error>(self) -> Result<RawLocalised, E> {
                Ok(RawLocalised::Inferred)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawLocalised, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<Text, Text>()? {
                    entries.push(entry);
                }
                Ok(RawLocalised::ByLanguage(entries))
            }
        }
        deserializer.deserialize_any(Localised)
    }
}

/// Reads `site.yaml` (if there is one) and applies command-line overrides.
/// Returns the defaults for anything it cannot read, with the diagnostics.
pub fn load(file: Option<&SourceFile>, options: &Options) -> (SiteConfig, Vec<Diagnostic>) {
    load_in(file, options, &crate::media::Catalog::default())
}

/// [`load`], with the site's files known, so `image:` names one of them
/// with its size.
pub fn load_in(
    file: Option<&SourceFile>,
    options: &Options,
    catalog: &crate::media::Catalog,
) -> (SiteConfig, Vec<Diagnostic>) {
    let mut config = SiteConfig::default();
    let mut diagnostics = Vec::new();
    let raw: RawConfig = match file {
        None => RawConfig::default(),
        Some(file) => {
            let (raw, found) =
                yaml::from_str_recovering(&file.text, Path::new(SITE_YAML), Offset::default());
            diagnostics.extend(found);
            raw.unwrap_or_default()
        }
    };
    let at = Located {
        spans: match file {
            Some(f) => Spans::in_file(f, &f.text, Offset::default()),
            None => Spans::default(),
        },
    };

    if let Some(title) = raw.title {
        config.title = title.0.clone();
        config.publisher.name = title.0;
    }
    let language_given = raw.language.is_some();
    if let Some(language) = raw.language {
        config.language = language.0;
    }
    config.languages = vec![config.language.clone()];
    if let Some(languages) = raw.languages {
        apply_languages(
            &mut config,
            languages,
            language_given,
            &at,
            &mut diagnostics,
        );
    }
    if let Some(description) = raw.description {
        config.description = description.0;
    }
    if let Some(theme) = raw.highlight_theme {
        config.highlight_theme = theme.0;
    }
    if let Some(safe) = raw.markdown.and_then(|m| m.safe) {
        config.markdown_safe = safe;
    }
    if let Some(paginate) = raw.paginate {
        match paginate.as_str().trim().parse::<usize>() {
            Ok(n) if n > 0 => config.paginate = n,
            _ => diagnostics.push(at.error(
                "paginate",
                format!("paginate `{paginate}` is not a whole number of at least 1"),
                "write how many entries a list page shows, such as `paginate: 50`",
            )),
        }
    }
    if let Some(publisher) = raw.publisher {
        apply_publisher(&mut config, publisher, &at, &mut diagnostics);
    }
    apply_base_url(&mut config, raw.base_url, options, &at, &mut diagnostics);
    if let Some(verdicts) = raw.verdicts {
        if let Some(scale) = scale(verdicts, &config.language, &at, &mut diagnostics) {
            config.scale = scale;
        }
    }
    config.preview = options.drafts;
    if let Some(images) = raw.images {
        apply_images(&mut config.images, images, &at, &mut diagnostics);
    }
    if let Some(menu) = raw.menu {
        config.menu = Some(menu_entries(menu, &at, &mut diagnostics));
    }
    let static_dir = options.root.join("static");
    config.logo = raw
        .logo
        .and_then(|l| static_file("logo", l, &static_dir, &at, &mut diagnostics));
    config.favicon = raw
        .favicon
        .and_then(|f| static_file("favicon", f, &static_dir, &at, &mut diagnostics));
    if let Some(image) = raw.image {
        config.image = site_image(&config, image, catalog, &at, &mut diagnostics);
    }
    if let Some(cards) = raw.social_cards {
        match cards.as_str() {
            "true" => config.social_cards = true,
            "false" => config.social_cards = false,
            _ => diagnostics.push(at.error(
                "social_cards",
                format!("social_cards `{cards}` is not true or false"),
                "write `social_cards: true` to draw a share card for each briefing and claim, or `false`",
            )),
        }
    }
    (config, diagnostics)
}

/// `image:` `{src, alt}`: a file of `static/` or an image elsewhere at a
/// full address, with the words a reader who cannot see it gets.
fn site_image(
    config: &SiteConfig,
    raw: RawSiteImage,
    catalog: &crate::media::Catalog,
    at: &Located,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<crate::model::Figure> {
    use crate::parse::refs::{Owner, Refs, Resolved, Use};
    const EXAMPLE: &str = "such as `image: {src: /img/share.png, alt: The desk's name on its blue ground}`, with the file in static/img/";
    let src = raw.src.map(|t| t.0.trim().to_owned()).unwrap_or_default();
    let alt = raw.alt.map(|t| t.0.trim().to_owned()).unwrap_or_default();
    if src.is_empty() {
        diagnostics.push(at.error(
            "image.src",
            "the site's `image` has no `src`".into(),
            &format!(
                "give the path of the picture shared when a page has none of its own, {EXAMPLE}"
            ),
        ));
    }
    if alt.is_empty() {
        diagnostics.push(at.error(
            "image.alt",
            "the site's `image` has no `alt` text".into(),
            &format!("say what the picture shows, for readers who cannot see it, {EXAMPLE}"),
        ));
    }
    if src.is_empty() || alt.is_empty() {
        return None;
    }
    let refs = Refs::new(catalog, config, Owner::SiteFile);
    // Like `logo:`, a path in site.yaml is a file of static/ with or
    // without its leading `/`.
    let local = !src.contains(':') && !src.starts_with('/') && !src.starts_with("@/");
    let path = if local {
        format!("/{src}")
    } else {
        src.clone()
    };
    let picture = match refs.resolve(&path, Use::Image) {
        Ok(Resolved::File(file)) => refs.picture(&file),
        Ok(_) => match check_url(&src) {
            Ok(()) if src.starts_with("https://") || src.starts_with("http://") => {
                Some(crate::media::Picture {
                    src: src.clone(),
                    ..Default::default()
                })
            }
            _ => {
                diagnostics.push(at.error(
                    "image.src",
                    format!("the site's `image` `{src}` is neither a file of static/ nor a full address"),
                    &format!("write the path of an image in static/ from the root, {EXAMPLE}; or a full address starting with https://"),
                ));
                None
            }
        },
        Err(problem) => {
            diagnostics.push(at.error("image.src", problem.message, &problem.hint));
            None
        }
    }?;
    Some(crate::model::Figure {
        written: src,
        picture,
        alt,
        caption: None,
        credit: None,
        archived: None,
    })
}

const SITE_YAML: &str = "site.yaml";

/// Places in site.yaml, found only when a problem needs one.
struct Located {
    spans: Spans,
}

impl Located {
    fn error(&self, field: &str, message: String, hint: &str) -> Diagnostic {
        Diagnostic::error(SITE_YAML, self.spans.locate(field), message)
            .with_field(field)
            .with_hint(hint)
    }
}

fn apply_publisher(
    config: &mut SiteConfig,
    publisher: RawPublisher,
    at: &Located,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if let Some(name) = publisher.name {
        config.publisher.name = name.0;
    }
    if let Some(url) = publisher.url {
        match check_url(url.as_str()) {
            Ok(()) => config.publisher.url = Some(url.0),
            Err(why) => diagnostics.push(at.error(
                "publisher.url",
                format!("publisher url `{url}` {why}"),
                "write an absolute address starting with https://",
            )),
        }
    }
}

/// The site's address: `--base-url` wins over site.yaml's `base_url`, and a
/// bad one is reported where it was given.
fn apply_base_url(
    config: &mut SiteConfig,
    from_file: Option<Text>,
    options: &Options,
    at: &Located,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let (base_url, from_flag) = match &options.base_url {
        Some(url) => (Some(url.clone()), true),
        None => (from_file.map(|t| t.0), false),
    };
    let Some(url) = base_url else {
        return;
    };
    match normalise_base_url(&url) {
        Ok((base_url, base_path)) => {
            config.base_url = base_url;
            config.root_path = base_path.clone();
            config.base_path = base_path;
        }
        Err(why) if from_flag => diagnostics.push(
            Diagnostic::error(
                "--base-url",
                Default::default(),
                format!("--base-url `{url}` {why}"),
            )
            .with_hint("pass an absolute address such as https://factdesk.example.org/"),
        ),
        Err(why) => diagnostics.push(at.error(
            "base_url",
            format!("base_url `{url}` {why}"),
            "write the address the site is deployed at, such as https://factdesk.example.org/",
        )),
    }
}

/// Where the pages of `language` start below `root`.
fn language_root(root: &str, languages: &[String], language: &str) -> String {
    if languages.first().is_none_or(|first| first == language) {
        root.to_owned()
    } else {
        format!("{root}{}/", language_folder(language))
    }
}

/// The folder a language's pages go in: its tag in lower case (`pt-br`).
pub fn language_folder(language: &str) -> String {
    language.to_ascii_lowercase()
}

/// `languages:`: the site's languages, the default first. `language:`, when
/// given too, must be that first one.
fn apply_languages(
    config: &mut SiteConfig,
    raw: Vec<Text>,
    language_given: bool,
    at: &Located,
    diagnostics: &mut Vec<Diagnostic>,
) {
    const HINT: &str =
        "list the site's languages as BCP 47 tags, the default first, such as `languages: [en, fr]`";
    let mut languages: Vec<String> = Vec::new();
    for (i, tag) in raw.iter().enumerate() {
        let tag = tag.as_str().trim();
        let field = format!("languages[{i}]");
        if !crate::i18n::is_language_tag(tag) {
            diagnostics.push(at.error(&field, format!("`{tag}` is not a language tag"), HINT));
        } else if languages.iter().any(|l| l.eq_ignore_ascii_case(tag)) {
            diagnostics.push(at.error(
                &field,
                format!("language `{tag}` is listed twice"),
                "list each language once",
            ));
        } else {
            languages.push(tag.to_owned());
        }
    }
    let Some(first) = languages.first() else {
        if raw.is_empty() {
            diagnostics.push(at.error("languages", "`languages` lists no language".into(), HINT));
        }
        return;
    };
    if language_given && !config.language.eq_ignore_ascii_case(first) {
        diagnostics.push(at.error(
            "language",
            format!(
                "`language: {}` is not the first of `languages`, `{first}`",
                config.language
            ),
            "the first of `languages` is the site's default language: drop `language:`, or put that language first",
        ));
    }
    config.language = first.clone();
    config.languages = languages;
}

/// The smallest and largest width an image variant may be made at.
const IMAGE_WIDTHS: std::ops::RangeInclusive<u32> = 16..=8192;

/// `images:`: the widths and quality of resized images, and whether the
/// originals are published too.
fn apply_images(
    settings: &mut crate::media::ImageSettings,
    raw: RawImages,
    at: &Located,
    diagnostics: &mut Vec<Diagnostic>,
) {
    if let Some(widths) = raw.widths {
        let mut good = Vec::new();
        for (i, width) in widths.iter().enumerate() {
            match width.as_str().trim().parse::<u32>() {
                Ok(w) if IMAGE_WIDTHS.contains(&w) => good.push(w),
                _ => diagnostics.push(at.error(
                    &format!("images.widths[{i}]"),
                    format!(
                        "image width `{width}` is not a whole number of pixels from {} to {}",
                        IMAGE_WIDTHS.start(),
                        IMAGE_WIDTHS.end()
                    ),
                    "list the widths images are resized to, in pixels, such as `widths: [480, 960, 1600]`",
                )),
            }
        }
        if widths.is_empty() {
            diagnostics.push(at.error(
                "images.widths",
                "the list of image widths is empty".into(),
                "list at least one width, such as `widths: [960]`, or remove `widths:` for the default 480, 960 and 1600",
            ));
        } else if good.len() == widths.len() {
            good.sort_unstable();
            good.dedup();
            settings.widths = good;
        }
    }
    if let Some(quality) = raw.quality {
        match quality.as_str().trim().parse::<u8>() {
            Ok(q) if (1..=100).contains(&q) => settings.quality = q,
            _ => diagnostics.push(at.error(
                "images.quality",
                format!("image quality `{quality}` is not a whole number from 1 to 100"),
                "write the quality of JPEG and WebP images, such as `quality: 80` (higher is sharper and larger)",
            )),
        }
    }
    if let Some(originals) = raw.originals {
        settings.originals = originals;
    }
}

/// A custom verdict scale, with tones from its ratings; `None` when no
/// verdict of it could be read (the default scale stays).
fn scale(
    verdicts: Vec<RawVerdict>,
    language: &str,
    at: &Located,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<Verdict>> {
    let mut scale = Vec::new();
    let mut seen = HashSet::new();
    let mut slugs: std::collections::HashMap<String, String> = Default::default();
    for (i, raw) in verdicts.into_iter().enumerate() {
        let field = format!("verdicts[{i}]");
        let Some(id) = verdict_id(&field, raw.id, &mut seen, &mut slugs, at, diagnostics) else {
            continue;
        };
        let in_language = |what: &str, raw, diagnostics: &mut Vec<Diagnostic>| {
            let field = format!("{field}.{what}");
            localised(&field, &id, raw, language, at, diagnostics)
        };
        let (label, labels) = in_language("label", raw.label, diagnostics);
        let label = label.unwrap_or_else(|| id.clone());
        let rating = verdict_rating(&field, raw.rating, at, diagnostics);
        let (description, descriptions) = in_language("description", raw.description, diagnostics);
        let description = verdict_description(&field, &id, description, at, diagnostics);
        scale.push(Verdict {
            id,
            label,
            rating,
            tone: crate::model::Tone::Unrated,
            description,
            labels,
            descriptions,
        });
    }
    if scale.is_empty() {
        diagnostics.push(at.error(
            "verdicts",
            "the verdict scale is empty".into(),
            "list at least one verdict, or remove `verdicts:` to use the default scale",
        ));
        return None;
    }
    assign_tones(&mut scale);
    Some(scale)
}

/// A verdict's id, once it is known to be present, unique, and to make a
/// URL of its own (each verdict gets a page at /verdicts/<slug>/).
fn verdict_id(
    field: &str,
    id: Option<Text>,
    seen: &mut HashSet<String>,
    slugs: &mut std::collections::HashMap<String, String>,
    at: &Located,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<String> {
    let Some(id) = id.filter(|id| !id.0.trim().is_empty()) else {
        diagnostics.push(at.error(
            field,
            "verdict has no `id`".into(),
            "add `id:`, the name claims use in `verdict:`",
        ));
        return None;
    };
    let id_field = format!("{field}.id");
    if !seen.insert(id.0.clone()) {
        diagnostics.push(at.error(
            &id_field,
            format!("verdict id `{id}` is defined twice"),
            "each verdict of the scale needs its own id",
        ));
        return None;
    }
    let slug = slug::slugify(id.as_str());
    if slug.is_empty() {
        diagnostics.push(at.error(
            &id_field,
            format!("verdict id `{id}` has no letters or digits to make its URL from"),
            "name the verdict with words, such as `half-true`",
        ));
        return None;
    }
    if let Some(other) = slugs.insert(slug.clone(), id.0.clone()) {
        diagnostics.push(at.error(
            &id_field,
            format!("verdict ids `{other}` and `{id}` would share the page /verdicts/{slug}/"),
            "give the verdicts ids that differ in more than case, spaces or punctuation",
        ));
        return None;
    }
    Some(id.0)
}

/// A verdict's rating: a whole number, or none for a verdict that rates
/// nothing.
fn verdict_rating(
    field: &str,
    rating: Option<Text>,
    at: &Located,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<u32> {
    let r = rating?;
    if r.0 == "null" || r.0 == "~" {
        return None;
    }
    match r.0.parse::<u32>() {
        Ok(n) => Some(n),
        Err(_) => {
            diagnostics.push(at.error(
                &format!("{field}.rating"),
                format!("rating `{r}` is not a whole number"),
                "write a whole number such as 1 to 5, or leave `rating` out for a verdict that rates nothing (like `unverified`)",
            ));
            None
        }
    }
}

/// A verdict's label or description (at `field`) in the site's
/// `language`, and all its languages when given one per language. A map
/// without the site's language is a warning: English, else the first
/// entry, is shown.
fn localised(
    field: &str,
    id: &str,
    raw: Option<RawLocalised>,
    language: &str,
    at: &Located,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Option<String>, Localised) {
    let entries = match raw {
        None => return (None, Localised::default()),
        Some(RawLocalised::Plain(text)) => return (Some(text.0), Localised::default()),
        Some(RawLocalised::Inferred) => {
            return (at.spans.plain_scalar(field), Localised::default())
        }
        Some(RawLocalised::ByLanguage(entries)) => entries,
    };
    let by_language = Localised(entries.into_iter().map(|(k, v)| (k.0, v.0)).collect());
    let Some(first) = by_language.0.first() else {
        return (None, by_language);
    };
    if by_language.exact(language).is_none() {
        let used = by_language.exact("en").map_or(first.0.as_str(), |_| "en");
        let what = field.rsplit('.').next().unwrap_or(field);
        diagnostics.push(
            Diagnostic::warning(
                SITE_YAML,
                at.spans.locate(field),
                format!("verdict `{id}` has no {what} in `{language}`, the site's language: the `{used}` one is shown"),
            )
            .with_field(field)
            .with_hint(format!("add `{language}: …` to `{what}:`, the words readers of the site see")),
        );
    }
    let picked = by_language.pick(language).map(str::to_owned);
    (picked, by_language)
}

/// A verdict's definition. One left out still builds, but readers then see
/// a label with nothing saying what it means on this site, so it is
/// reported as a warning.
fn verdict_description(
    field: &str,
    id: &str,
    description: Option<String>,
    at: &Located,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<String> {
    let description = description
        .map(|d| d.trim().to_owned())
        .filter(|d| !d.is_empty());
    if description.is_none() {
        diagnostics.push(
            Diagnostic::warning(
                SITE_YAML,
                at.spans.locate(field),
                format!("verdict `{id}` has no description"),
            )
            .with_field(format!("{field}.description"))
            .with_hint("add `description:`, a sentence telling readers what this verdict means on your site; it is shown on the verdict pages and with every badge"),
        );
    }
    description
}

/// A file the site's identity names (`logo`, `favicon`): a path under
/// `static/`, which must hold it, since a missing logo would show as a
/// broken image on every page. Checked on every build, so a file removed
/// while `brief serve` runs is reported at the next save.
fn static_file(
    field: &str,
    value: Text,
    static_dir: &Path,
    at: &Located,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<String> {
    let written = value.0.trim();
    let path = written.trim_start_matches('/');
    let fine = !path.is_empty()
        && Path::new(path)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
    if fine && static_dir.join(path).is_file() {
        return Some(path.to_owned());
    }
    let example = if field == "logo" {
        "logo.svg"
    } else {
        "favicon.png"
    };
    let hint = match path.strip_prefix("static/") {
        Some(rest) if static_dir.join(rest).is_file() => {
            format!("give the path inside static/: `{field}: {rest}`")
        }
        _ => format!(
            "put the file in the site's static/ folder and give its path there, such as `{field}: {example}`"
        ),
    };
    diagnostics.push(at.error(
        field,
        format!("{field} `{written}` is not a file in static/"),
        &hint,
    ));
    None
}

/// The site's own index pages a menu can name: the name written in
/// `menu:`, the label shown, and the path under the base path.
pub(crate) const MENU_INDEXES: &[(&str, &str, &str)] = &[
    ("briefings", "Briefings", ""),
    ("speakers", "Speakers", "speakers/"),
    ("sources", "Sources", "sources/"),
    ("verdicts", "Verdicts", "verdicts/"),
    ("tags", "Tags", "tags/"),
    ("search", "Search", "search/"),
    ("corrections", "Corrections", "corrections/"),
];

/// One entry of `menu:`, read.
#[derive(Clone, Debug, PartialEq)]
pub enum MenuEntry {
    /// One of [`MENU_INDEXES`], by its place there.
    Index(usize),
    /// A plain page by slug (`about`) or path (`@/pages/about.md`), found
    /// among the pages only once they are read (see [`check_menu`]).
    Page {
        name: String,
        field: String,
        position: Position,
    },
    /// An address elsewhere.
    Link { label: String, url: String },
}

/// An entry of `menu:` as written: a name, or a `{label, url}` link.
enum RawMenuEntry {
    Name(Text),
    Link {
        label: Option<Text>,
        url: Option<Text>,
    },
}

impl<'de> Deserialize<'de> for RawMenuEntry {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::{self, MapAccess, Visitor};
        struct EntryVisitor;
        impl<'de> Visitor<'de> for EntryVisitor {
            type Value = RawMenuEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "a page's slug (`about`), a built-in index (`speakers`) or a link (`{label: …, url: …}`)",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawMenuEntry, E> {
                Ok(RawMenuEntry::Name(Text(v.to_owned())))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawMenuEntry, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawMenuEntry, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawMenuEntry, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawMenuEntry, A::Error> {
                let (mut label, mut url) = (None, None);
                while let Some(key) = map.next_key::<Text>()? {
                    match key.as_str() {
                        "label" => label = Some(map.next_value()?),
                        "url" => url = Some(map.next_value()?),
                        other => return Err(de::Error::unknown_field(other, &["label", "url"])),
                    }
                }
                Ok(RawMenuEntry::Link { label, url })
            }
        }
        // A page named `2024` or `true` is still a name.
        deserializer.deserialize_any(EntryVisitor)
    }
}

/// The menu's entries, each checked as far as site.yaml alone allows.
fn menu_entries(
    raw: Vec<RawMenuEntry>,
    at: &Located,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<MenuEntry> {
    let mut menu = Vec::new();
    for (i, entry) in raw.into_iter().enumerate() {
        let field = format!("menu[{i}]");
        match entry {
            RawMenuEntry::Name(name) => {
                let name = name.0.trim();
                if name.is_empty() {
                    diagnostics.push(at.error(
                        &field,
                        "menu entry is empty".into(),
                        "write a page's slug (`about`), a built-in index (`speakers`) or a link (`{label: …, url: …}`)",
                    ));
                } else if let Some(i) = MENU_INDEXES.iter().position(|(n, ..)| *n == name) {
                    menu.push(MenuEntry::Index(i));
                } else {
                    menu.push(MenuEntry::Page {
                        name: name.to_owned(),
                        position: at.spans.locate(&field),
                        field,
                    });
                }
            }
            // What is left of an entry whose YAML was reported and blanked
            // out: reporting its missing fields too would repeat the cause.
            RawMenuEntry::Link {
                label: None,
                url: None,
            } => {}
            RawMenuEntry::Link { label, url } => {
                let label = label.map(|l| l.0.trim().to_owned()).unwrap_or_default();
                let url = url.map(|u| u.0.trim().to_owned()).unwrap_or_default();
                if label.is_empty() {
                    diagnostics.push(at.error(
                        &format!("{field}.label"),
                        "menu link has no `label`".into(),
                        "add `label:`, the text of the link, as in `{label: Newsletter, url: https://…}`",
                    ));
                    continue;
                }
                match check_url(&url) {
                    Ok(()) => menu.push(MenuEntry::Link { label, url }),
                    Err(_) if url.is_empty() => diagnostics.push(at.error(
                        &format!("{field}.url"),
                        format!("menu link `{label}` has no `url`"),
                        "add `url:`, an absolute address starting with https://",
                    )),
                    Err(why) => diagnostics.push(at.error(
                        &format!("{field}.url"),
                        format!("menu link `{label}`: url `{url}` {why}"),
                        "write an absolute address starting with https://; name the site's own pages by slug (`about`) or as a built-in index (`speakers`)",
                    )),
                }
            }
        }
    }
    menu
}

/// The page a menu entry names: `@/pages/about.md` by its path, else by
/// its slug.
pub(crate) fn menu_page<'p>(name: &str, pages: &'p [Arc<Page>]) -> Option<&'p Page> {
    let found = match name.strip_prefix("@/") {
        Some(path) => pages.iter().find(|p| p.content_path == path),
        None => pages.iter().find(|p| p.slug == name),
    };
    found.map(|p| &**p)
}

/// For a language other than the default, a menu entry naming a page that
/// is only in the default language: its place and title there.
pub(crate) fn menu_fallback<'c>(config: &'c SiteConfig, name: &str) -> Option<(&'c str, &'c str)> {
    let elsewhere = config.elsewhere.as_ref()?;
    let place = match name.strip_prefix("@/") {
        Some(path) => Elsewhere::place_of(path)?,
        None => format!("{name}/"),
    };
    elsewhere
        .default
        .get_key_value(&place)
        .filter(|(place, _)| !place.starts_with("briefings/"))
        .map(|(place, title)| (place.as_str(), title.as_str()))
}

/// Menu entries that name no page of the site, located in site.yaml.
pub(crate) fn check_menu(config: &SiteConfig, pages: &[Arc<Page>]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for entry in config.menu.iter().flatten() {
        let MenuEntry::Page {
            name,
            field,
            position,
        } = entry
        else {
            continue;
        };
        if menu_page(name, pages).is_some() || menu_fallback(config, name).is_some() {
            continue;
        }
        let mut known: Vec<&str> = MENU_INDEXES.iter().map(|(n, ..)| *n).collect();
        known.extend(pages.iter().map(|p| p.slug.as_str()));
        let wanted = name
            .strip_prefix("@/pages/")
            .and_then(|p| p.strip_suffix(".md"))
            .unwrap_or(name);
        let list = known.join(", ");
        let hint = match crate::diagnostic::closest(wanted, known.iter().copied()) {
            Some(k) => format!("did you mean `{k}`? name a page by its slug or as `@/pages/<file>.md` (a draft page is left out of a build without --drafts), a built-in index, or give a link as `{{label: …, url: …}}` (known: {list})"),
            None => format!("name a page by its slug or as `@/pages/<file>.md` (a draft page is left out of a build without --drafts), a built-in index, or give a link as `{{label: …, url: …}}` (known: {list})"),
        };
        out.push(
            Diagnostic::error(
                SITE_YAML,
                *position,
                format!("menu entry `{name}` is neither a page nor a built-in index"),
            )
            .with_field(field.clone())
            .with_hint(hint),
        );
    }
    out
}

/// Checks that a URL is absolute http(s). Returns why not otherwise.
pub fn check_url(url: &str) -> Result<(), String> {
    match url::Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.host().is_some() => {
            Ok(())
        }
        Ok(parsed) => Err(format!(
            "uses `{}:`; only http and https addresses are allowed",
            parsed.scheme()
        )),
        Err(err) => Err(format!("is not a valid address ({err})")),
    }
}

fn normalise_base_url(url: &str) -> Result<(String, String), String> {
    check_url(url)?;
    let mut parsed = url::Url::parse(url).map_err(|e| e.to_string())?;
    if !parsed.path().ends_with('/') {
        let path = format!("{}/", parsed.path());
        parsed.set_path(&path);
    }
    parsed.set_query(None);
    parsed.set_fragment(None);
    let base_path = parsed.path().to_owned();
    Ok((parsed.to_string(), base_path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_keeps_its_path_for_links() {
        let (url, path) = normalise_base_url("https://example.org/desk").unwrap();
        assert_eq!(url, "https://example.org/desk/");
        assert_eq!(path, "/desk/");
    }

    #[test]
    fn only_web_addresses_pass() {
        assert!(check_url("https://un.org/x").is_ok());
        assert!(check_url("javascript:alert(1)").is_err());
        assert!(check_url("/relative").is_err());
    }

    #[test]
    fn social_cards_is_true_or_false_and_anything_else_is_located() {
        let on = SourceFile::new("site.yaml", "title: Desk\nsocial_cards: true\n");
        let (config, diagnostics) = load(Some(&on), &Options::new("."));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert!(config.social_cards);
        let bad = SourceFile::new("site.yaml", "title: Desk\nsocial_cards: sometimes\n");
        let (config, diagnostics) = load(Some(&bad), &Options::new("."));
        assert!(!config.social_cards);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(diagnostics[0].position.line, 2);
        assert!(diagnostics[0].message.contains("sometimes"));
    }

    #[test]
    fn custom_scale_gets_tones_from_ratings() {
        let file = SourceFile::new(
            "site.yaml",
            "verdicts:\n  - { id: true, label: \"True\", rating: 5, description: Right. }\n  - { id: false, label: \"False\", rating: 1, description: Wrong. }\n  - { id: unproven, label: Unproven, description: Not known. }\n",
        );
        let (config, diagnostics) = load(Some(&file), &Options::new("."));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let tones: Vec<_> = config
            .scale
            .iter()
            .map(|v| (v.id.as_str(), v.tone.as_str()))
            .collect();
        assert_eq!(
            tones,
            [
                ("true", "best"),
                ("false", "worst"),
                ("unproven", "unrated")
            ]
        );
    }

    #[test]
    fn a_label_yaml_reads_as_true_or_a_number_keeps_its_characters() {
        let file = SourceFile::new(
            "site.yaml",
            "verdicts:\n  - { id: true, label: True, rating: 5, description: Right. }\n  - id: half\n    label: 0.50 # a half\n    description: Half.\n",
        );
        let (config, diagnostics) = load(Some(&file), &Options::new("."));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let labels: Vec<&str> = config.scale.iter().map(|v| v.label.as_str()).collect();
        assert_eq!(labels, ["True", "0.50"]);
    }

    const SCALE_BY_LANGUAGE: &str = "verdicts:
  - id: misleading
    label: {en: Misleading, fr: Trompeur}
    rating: 1
    description:
      en: Leaves a false impression.
      fr: Laisse une fausse impression.
  - id: sound
    label: {fr: Fondé, es: Fundado}
    rating: 2
    description: Holds up.
";

    #[test]
    fn a_label_given_per_language_is_shown_in_the_site_language_and_kept_for_others() {
        let file = SourceFile::new("site.yaml", format!("language: fr-CA\n{SCALE_BY_LANGUAGE}"));
        let (config, diagnostics) = load(Some(&file), &Options::new("."));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let misleading = &config.scale[0];
        assert_eq!(misleading.label, "Trompeur");
        assert_eq!(
            misleading.description.as_deref(),
            Some("Laisse une fausse impression.")
        );
        let english = config.scale_for("en");
        assert_eq!(english[0].label, "Misleading");
        assert_eq!(
            english[0].description.as_deref(),
            Some("Leaves a false impression.")
        );
        // No English: the first given; a description given once stays.
        assert_eq!(english[1].label, "Fondé");
        assert_eq!(english[1].description.as_deref(), Some("Holds up."));
        assert_eq!(config.scale_for("es")[1].label, "Fundado");
    }

    #[test]
    fn a_label_missing_the_site_language_warns_at_it_and_falls_back() {
        let file = SourceFile::new("site.yaml", format!("language: de\n{SCALE_BY_LANGUAGE}"));
        let (config, diagnostics) = load(Some(&file), &Options::new("."));
        let labels: Vec<&str> = config.scale.iter().map(|v| v.label.as_str()).collect();
        assert_eq!(labels, ["Misleading", "Fondé"]);
        let found: Vec<(String, usize)> = diagnostics
            .iter()
            .map(|d| (d.field.clone().unwrap_or_default(), d.position.line))
            .collect();
        assert_eq!(
            found,
            [
                ("verdicts[0].label".to_owned(), 4),
                ("verdicts[0].description".to_owned(), 6),
                ("verdicts[1].label".to_owned(), 10),
            ],
            "{diagnostics:?}"
        );
        assert!(diagnostics.iter().all(|d| !d.is_error()));
        assert!(
            diagnostics[0].message.contains("`de`"),
            "{}",
            diagnostics[0].message
        );
        assert!(
            diagnostics[0].message.contains("`en` one"),
            "{}",
            diagnostics[0].message
        );
        assert!(
            diagnostics[2].message.contains("`fr` one"),
            "{}",
            diagnostics[2].message
        );
    }

    #[test]
    fn images_settings_are_read_and_bad_values_are_located() {
        let file = SourceFile::new(
            "site.yaml",
            "title: Desk\nimages:\n  widths: [1200, 400, 800]\n  quality: 70\n  originals: true\n",
        );
        let (config, diagnostics) = load(Some(&file), &Options::new("."));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(config.images.widths, [400, 800, 1200]);
        assert_eq!((config.images.quality, config.images.originals), (70, true));

        let file = SourceFile::new(
            "site.yaml",
            "images:\n  widths: [480, 9000, wide]\n  quality: 0\n",
        );
        let (config, diagnostics) = load(Some(&file), &Options::new("."));
        let found: Vec<_> = diagnostics
            .iter()
            .map(|d| (d.position.line, d.position.column, d.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    2,
                    17,
                    "image width `9000` is not a whole number of pixels from 16 to 8192"
                ),
                (
                    2,
                    23,
                    "image width `wide` is not a whole number of pixels from 16 to 8192"
                ),
                (
                    3,
                    12,
                    "image quality `0` is not a whole number from 1 to 100"
                ),
            ]
        );
        assert!(diagnostics.iter().all(|d| d.is_error() && d.hint.is_some()));
        assert_eq!(config.images, crate::media::ImageSettings::default());

        let file = SourceFile::new("site.yaml", "images:\n  widths: []\n  sizes: 3\n");
        let (_, diagnostics) = load(Some(&file), &Options::new("."));
        assert_eq!(diagnostics.len(), 2, "{diagnostics:?}");
    }
}
