//! Markdown to HTML, with the site's own link forms and highlighted code.
//!
//! Links to other content (`@/briefings/x.md`) become real URLs here, from
//! the file name alone, and are recorded with their positions so validation
//! can check that their targets exist once the whole site is known. Links
//! and images naming the site's own files (a bundle's, `static/`'s) are
//! resolved and checked here (see [`refs`](super::refs)): an image becomes
//! a `<picture>` with its size and resized variants, and must say what it
//! shows in its alt text.

use std::collections::HashSet;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

use crate::config::SiteConfig;
use crate::diagnostic::Position;
use crate::media::Picture;
use crate::model::{Body, BodyHtml, Link, PackedHtml};
use crate::parse::highlight;
use crate::parse::refs::{Problem, Refs, Resolved, Use};
use crate::parse::yaml::Spans;

/// What width an image in a text takes on the page, for the browser to
/// pick a variant before the stylesheet is loaded: the theme's column
/// (`--measure`, 42rem) on a wide screen, the screen less its margins on
/// a narrow one.
pub(crate) const SIZES: &str = "(min-width: 44rem) 42rem, calc(100vw - 2rem)";

/// Where in the file a Markdown text sits, to locate its links.
pub(crate) enum Placement<'a> {
    /// A body: lines before it in the file.
    Body { line_offset: usize },
    /// A front matter field (such as an explanation): every link is located
    /// at the field itself, looked up in `spans` only when there is a link,
    /// since indexing the front matter costs as much as reading it. The text
    /// is also shown on other pages (a claim's card on its speaker's page),
    /// so `#anchor` links are made absolute with `page_url`.
    Field {
        spans: &'a Spans,
        field: &'a str,
        page_url: &'a str,
    },
}

/// Ids the built-in theme gives parts of its pages; a heading may not take them.
const RESERVED_IDS: &[&str] = &[
    "main",
    "claims-checked",
    "corrections",
    "speakers-in-briefing",
    "verdicts-in-briefing",
    "all-verdicts",
    "latest-briefings",
    "site-search",
];

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
}

/// What Markdown is rendered for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Output {
    /// The HTML a page prints, code highlighted.
    Page,
    /// Only what the checks read: links, heading ids, the site's files the
    /// text uses and its problems, with no HTML made and no code
    /// highlighted (a build that renders the body again for its page).
    Checks,
    /// The HTML the search index reads its words from, which leaves code
    /// blocks out: each is an empty `<pre>`, not highlighted. Its text is
    /// [`Output::Page`]'s but for the code.
    Search,
}

/// Rendered Markdown, with the links and heading ids found on the way.
#[derive(Debug)]
pub struct Rendered {
    pub html: String,
    pub links: Vec<Link>,
    pub heading_ids: Vec<String>,
    /// Published paths of the site's files the text uses, each once.
    pub media: Vec<String>,
    /// Links and images that name no usable file, or images without alt
    /// text, where they are written.
    pub problems: Vec<(Position, Problem)>,
}

/// A document's body keeps its HTML packed until its page is rendered.
impl From<Rendered> for Body {
    fn from(rendered: Rendered) -> Body {
        let html = BodyHtml::Packed(PackedHtml::pack(&rendered.html));
        Body::of(rendered, html)
    }
}

impl Body {
    /// What was found rendering a body, with its HTML where `html` says.
    pub(crate) fn of(rendered: Rendered, html: BodyHtml) -> Body {
        Body {
            html,
            links: rendered.links,
            heading_ids: rendered.heading_ids,
            media: rendered.media,
        }
    }
}

/// Renders Markdown. The site's base path prefixes rewritten internal
/// links; with `markdown.safe`, raw HTML is sanitised away. Paths of the
/// site's files resolve through `refs`.
pub(crate) fn render(
    markdown: &str,
    config: &SiteConfig,
    placement: Placement,
    refs: &Refs,
) -> Rendered {
    render_for(markdown, config, placement, refs, Output::Page)
}

/// Renders Markdown for `output`: [`render`], or less of it.
pub(crate) fn render_for(
    markdown: &str,
    config: &SiteConfig,
    placement: Placement,
    refs: &Refs,
    output: Output,
) -> Rendered {
    let mut renderer = Renderer::new(markdown, config, placement, refs, output);
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        renderer.event(event, range.start);
    }
    renderer.finish(markdown.len(), config.markdown_safe)
}

/// One text being rendered: the events rewritten so far, and what is
/// learnt on the way.
struct Renderer<'m, 'p> {
    config: &'p SiteConfig,
    output: Output,
    placement: Placement<'p>,
    refs: &'p Refs<'p>,
    /// An image being collected: where it starts, what it names, its
    /// title, and its alt text so far with the events that make it.
    image: Option<OpenImage<'m>>,
    media: Vec<String>,
    problems: Vec<(Position, Problem)>,
    locator: super::front_matter::Locator<'m>,
    events: Vec<Event<'m>>,
    /// A code block being collected: its language and text.
    code: Option<(Option<String>, String)>,
    /// A heading being collected: where its start is in `events`, and its
    /// text.
    heading: Option<(usize, String)>,
    links: Vec<Link>,
    heading_ids: Vec<String>,
    used_ids: HashSet<String>,
}

impl<'m, 'p> Renderer<'m, 'p> {
    fn new(
        markdown: &'m str,
        config: &'p SiteConfig,
        placement: Placement<'p>,
        refs: &'p Refs<'p>,
        output: Output,
    ) -> Self {
        let line_offset = match placement {
            Placement::Body { line_offset } => line_offset,
            Placement::Field { .. } => 0,
        };
        // Heading ids share the page with the theme's own ids (see
        // `unique_id`) and the footnotes' ids, so those are taken before any
        // heading is named. The set starts empty: most texts rendered are
        // claims' explanations, with no heading to name.
        let mut used_ids = HashSet::new();
        if markdown.contains("[^") {
            for event in Parser::new_ext(markdown, options()) {
                if let Event::Start(Tag::FootnoteDefinition(label)) = event {
                    used_ids.insert(footnote_id(&label));
                }
            }
        }
        Renderer {
            config,
            output,
            placement,
            refs,
            image: None,
            media: Vec::new(),
            problems: Vec::new(),
            locator: super::front_matter::Locator::new(markdown, line_offset),
            // About one event for every eight bytes of a body: grown by
            // doubling from empty instead, the list was copied a dozen
            // times per body (0.6% of a build's instructions).
            events: Vec::with_capacity(markdown.len() / 8),
            code: None,
            heading: None,
            links: Vec::new(),
            heading_ids: Vec::new(),
            used_ids,
        }
    }

    /// Takes the next event, at byte `start` of the text.
    fn event(&mut self, event: Event<'m>, start: usize) {
        if let Some((lang, text)) = self.code.as_mut() {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    match self.output {
                        Output::Page => {
                            let html = highlight::code_block(text, lang.as_deref());
                            self.events.push(Event::Html(html.into()));
                        }
                        // What the index reads skips a `<pre>` whole.
                        Output::Search => self.events.push(Event::Html("<pre></pre>\n".into())),
                        Output::Checks => {}
                    }
                    self.code = None;
                }
                _ => {}
            }
            return;
        }
        if let Some(image) = self.image.as_mut() {
            match event {
                Event::End(TagEnd::Image) => self.end_image(),
                Event::Text(ref t) | Event::Code(ref t) => {
                    image.alt.push_str(t);
                    image.inner.push(event);
                }
                Event::SoftBreak | Event::HardBreak => {
                    image.alt.push(' ');
                    image.inner.push(event);
                }
                other => image.inner.push(other),
            }
            return;
        }
        match event {
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                self.image = Some(OpenImage {
                    start,
                    link_type,
                    dest_url,
                    title,
                    id,
                    alt: String::new(),
                    inner: Vec::new(),
                });
            }
            // Footnotes take their ids from their labels; prefixed, a label
            // such as `claim-one` cannot take a claim card's anchor.
            Event::FootnoteReference(label) => {
                let id = footnote_id(&label);
                self.events.push(Event::FootnoteReference(id.into()));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                let id = footnote_id(&label);
                self.events
                    .push(Event::Start(Tag::FootnoteDefinition(id.into())));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                self.code = Some((code_language(kind), String::new()));
            }
            Event::Start(Tag::Heading { .. }) => {
                self.heading = Some((self.events.len(), String::new()));
                self.events.push(event);
            }
            Event::Text(ref t) | Event::Code(ref t) if self.heading.is_some() => {
                if let Some((_, text)) = self.heading.as_mut() {
                    text.push_str(t);
                }
                self.events.push(event);
            }
            Event::End(TagEnd::Heading(_)) => {
                self.end_heading();
                self.events.push(event);
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = match link_type {
                    LinkType::Email | LinkType::Autolink => dest_url,
                    _ => self.link(dest_url, start),
                };
                self.events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            other => self.events.push(other),
        }
    }

    /// Gives the heading just ended its id: the one written, or one made
    /// from its text, unique on the page.
    fn end_heading(&mut self) {
        let Some((start, text)) = self.heading.take() else {
            return;
        };
        if let Event::Start(Tag::Heading { id, .. }) = &mut self.events[start] {
            let mut wanted = match id {
                Some(given) => given.to_string(),
                None => slug::slugify(&text),
            };
            // `#claim-<id>` belongs to the claim cards.
            if wanted.starts_with("claim-") {
                wanted = format!("section-{wanted}");
            }
            let unique = unique_id(&wanted, &mut self.used_ids);
            self.heading_ids.push(unique.clone());
            *id = Some(CowStr::from(unique));
        }
    }

    /// Records a link to other content, to be checked, and returns the
    /// address to write: internal links made real URLs, and anchors in a
    /// front matter field made absolute.
    fn link(&mut self, dest_url: CowStr<'m>, start: usize) -> CowStr<'m> {
        let dest = dest_url.to_string();
        match self.refs.resolve(&dest, Use::Link) {
            Ok(Resolved::Elsewhere) => {}
            Ok(Resolved::File(file)) => {
                self.use_file(&file.published);
                return CowStr::from(self.refs.link_url(&file));
            }
            Ok(Resolved::Page(url)) => {
                self.record_link(dest, start);
                return CowStr::from(url);
            }
            Ok(Resolved::Generated(url)) => return CowStr::from(url),
            Err(problem) => {
                let position = self.position(start);
                self.problems.push((position, problem));
                return dest_url;
            }
        }
        if dest.starts_with("@/") || dest.starts_with('#') {
            self.record_link(dest.clone(), start);
        }
        match (internal_url(&dest, self.config), &self.placement) {
            (Some(url), _) => CowStr::from(url),
            (None, Placement::Field { page_url, .. }) if dest.starts_with('#') => {
                CowStr::from(format!("{page_url}{dest}"))
            }
            (None, _) => dest_url,
        }
    }

    /// Where the text at byte `start` is, as a diagnostic names it.
    fn position(&mut self, start: usize) -> Position {
        match &self.placement {
            Placement::Body { .. } => self.locator.position(start),
            Placement::Field { spans, field, .. } => spans.locate(field),
        }
    }

    /// Keeps a link to be checked once the whole site is known.
    fn record_link(&mut self, target: String, start: usize) {
        let position = self.position(start);
        let field = match &self.placement {
            Placement::Body { .. } => None,
            Placement::Field { field, .. } => Some(field.to_string()),
        };
        self.links.push(Link {
            target,
            position,
            field,
        });
    }

    fn use_file(&mut self, published: &str) {
        if !self.media.iter().any(|m| m == published) {
            self.media.push(published.to_owned());
        }
    }

    /// Writes the image just ended: a site file as a `<picture>` with its
    /// size and variants, an address elsewhere as written. Either way it
    /// must have alt text.
    fn end_image(&mut self) {
        let Some(image) = self.image.take() else {
            return;
        };
        let dest = image.dest_url.to_string();
        let position = self.position(image.start);
        let alt = image.alt.split_whitespace().collect::<Vec<_>>().join(" ");
        if alt.is_empty() {
            self.problems.push((position, missing_alt(&dest)));
        }
        let resolved = match self.refs.resolve(&dest, Use::Image) {
            Ok(resolved) => resolved,
            Err(problem) => {
                self.problems.push((position, problem));
                Resolved::Elsewhere
            }
        };
        let picture = match resolved {
            Resolved::File(file) => {
                self.use_file(&file.published);
                self.refs.picture(&file)
            }
            _ => None,
        };
        match picture {
            Some(picture) => {
                let html = picture_html(&picture, &alt, &image.title);
                self.events.push(Event::InlineHtml(html.into()));
            }
            None => {
                self.events.push(Event::Start(Tag::Image {
                    link_type: image.link_type,
                    dest_url: image.dest_url,
                    title: image.title,
                    id: image.id,
                }));
                self.events.extend(image.inner);
                self.events.push(Event::End(TagEnd::Image));
            }
        }
    }

    fn finish(self, markdown_len: usize, safe: bool) -> Rendered {
        let mut html = String::new();
        if self.output != Output::Checks {
            html.reserve(markdown_len * 3 / 2);
            pulldown_cmark::html::push_html(&mut html, self.events.into_iter());
            if safe {
                html = sanitiser().clean(&html).to_string();
            }
        }
        // Explanations are kept for the whole build: the slack of a grown
        // string would be a third of them.
        html.shrink_to_fit();
        Rendered {
            html,
            links: self.links,
            heading_ids: self.heading_ids,
            media: self.media,
            problems: self.problems,
        }
    }
}

/// An image whose alt text is being read.
struct OpenImage<'m> {
    start: usize,
    link_type: LinkType,
    dest_url: CowStr<'m>,
    title: CowStr<'m>,
    id: CowStr<'m>,
    alt: String,
    inner: Vec<Event<'m>>,
}

/// The problem of an image written without alt text.
pub(crate) fn missing_alt(dest: &str) -> Problem {
    Problem {
        message: format!("image `{dest}` has no alt text"),
        hint: format!("say what the image shows between the brackets, such as `![The post as shared on 3 May, with the photo of the empty pier]({dest})`: in a fact check an image is evidence, and a reader who cannot see it gets its content from the alt text"),
    }
}

/// A site image as HTML: `<img>` with its size, lazy, in a `<picture>`
/// with a WebP `<source>` when there are WebP variants.
pub(crate) fn picture_html(picture: &Picture, alt: &str, title: &str) -> String {
    let mut img = format!("<img src=\"{}\"", attr(&picture.src));
    if !picture.srcset.is_empty() {
        img.push_str(&format!(
            " srcset=\"{}\" sizes=\"{SIZES}\"",
            attr(&picture.srcset)
        ));
    }
    if let (Some(width), Some(height)) = (picture.width, picture.height) {
        img.push_str(&format!(" width=\"{width}\" height=\"{height}\""));
    }
    img.push_str(&format!(" alt=\"{}\"", attr(alt)));
    if !title.is_empty() {
        img.push_str(&format!(" title=\"{}\"", attr(title)));
    }
    img.push_str(" loading=\"lazy\" decoding=\"async\">");
    if picture.webp_srcset.is_empty() {
        return img;
    }
    format!(
        "<picture><source type=\"image/webp\" srcset=\"{}\" sizes=\"{SIZES}\">{img}</picture>",
        attr(&picture.webp_srcset)
    )
}

/// Text made safe inside a double-quoted attribute.
fn attr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// The language a code block names, for highlighting: the first word of
/// a fence's info string, without `{.` and `}`.
fn code_language(kind: CodeBlockKind) -> Option<String> {
    match kind {
        CodeBlockKind::Fenced(info) => info
            .split_whitespace()
            .next()
            .map(|l| {
                l.trim_matches(|c| c == '{' || c == '}' || c == '.')
                    .to_owned()
            })
            .filter(|l| !l.is_empty()),
        CodeBlockKind::Indented => None,
    }
}

/// The sanitiser for `markdown.safe`: ammonia's safe defaults (no scripts,
/// no event handlers, no `javascript:` URLs) plus what the Markdown
/// renderer itself writes: heading and footnote ids, highlighting classes,
/// focusable code blocks, table cell alignment, and images' pictures with
/// their variants, sizes and lazy loading.
fn sanitiser() -> &'static ammonia::Builder<'static> {
    static BUILDER: std::sync::OnceLock<ammonia::Builder<'static>> = std::sync::OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder
            .link_rel(None)
            .add_generic_attributes(["id", "class"])
            .add_tags(["picture", "source"])
            .add_tag_attributes("pre", ["tabindex"])
            .add_tag_attributes("source", ["type", "srcset", "sizes"])
            .add_tag_attributes(
                "img",
                [
                    "srcset", "sizes", "width", "height", "loading", "decoding", "title",
                ],
            )
            .add_tag_attributes("th", ["style"])
            .add_tag_attributes("td", ["style"])
            .attribute_filter(|_, attribute, value| {
                let aligned = [
                    "text-align: left",
                    "text-align: center",
                    "text-align: right",
                ];
                if attribute == "style" && !aligned.contains(&value) {
                    None
                } else {
                    Some(value.into())
                }
            });
        builder
    })
}

/// The words of a Markdown text without its markup, on one line.
pub(crate) fn plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            // Blocks end with a space, or the last word of a list item
            // would run into the next: "decisions.At".
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_) | TagEnd::TableCell,
            ) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn footnote_id(label: &str) -> String {
    format!("fn-{label}")
}

fn unique_id(wanted: &str, used: &mut HashSet<String>) -> String {
    let base = if wanted.is_empty() { "section" } else { wanted };
    let mut candidate = base.to_owned();
    let mut n = 1;
    while RESERVED_IDS.contains(&candidate.as_str()) || !used.insert(candidate.clone()) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    candidate
}

/// The URL of an `@/` link: `@/briefings/x.md#c` -> `/briefings/x/#c`,
/// `@/pages/about.md` -> `/about/`. Returns `None` for other links and for
/// `@/` paths that name no kind of content (validation reports those).
pub(crate) fn internal_url(dest: &str, config: &SiteConfig) -> Option<String> {
    let path = dest.strip_prefix("@/")?;
    let (path, fragment) = match path.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (path, None),
    };
    path.strip_suffix(".md")?;
    let place = crate::config::Elsewhere::place_of(path)?;
    let url = format!("{}{place}", config.base_for(&place));
    Some(match fragment {
        Some(f) => format!("{url}#{f}"),
        None => url,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::media::{Catalog, MediaKind};
    use crate::parse::refs::tests::{catalog, jpeg};
    use crate::parse::refs::Owner;
    use std::path::Path;

    fn body(md: &str) -> Rendered {
        let catalog = Catalog::default();
        let config = SiteConfig::default();
        let refs = Refs::new(
            &catalog,
            &config,
            Owner::of(Path::new("content/briefings/a.md")),
        );
        render(md, &config, Placement::Body { line_offset: 0 }, &refs)
    }

    /// A body with a bit of everything the renderer finds things in.
    pub(crate) const VARIED: &str = "## Pier\n\nSee [the port](@/briefings/port.md#arrivals) and [below](#pier-1)[^n].\n\n![The pier](pier.jpg)\n\n![](missing.png)\n\n```json\n{\"a\": \"<b>\"}\n```\n\n## Pier\n\n[^n]: A note.\n";

    #[test]
    fn a_body_checked_only_finds_what_a_rendered_one_finds_and_makes_no_html() {
        let (catalog, config) = (pier(), SiteConfig::default());
        let refs = Refs::new(
            &catalog,
            &config,
            Owner::of(Path::new("content/briefings/pier/index.md")),
        );
        let at = Placement::Body { line_offset: 3 };
        let page = render_for(VARIED, &config, at, &refs, Output::Page);
        let at = Placement::Body { line_offset: 3 };
        let checks = render_for(VARIED, &config, at, &refs, Output::Checks);
        assert!(checks.html.is_empty(), "{}", checks.html);
        assert!(page.html.contains("hl-code"), "{}", page.html);
        assert_eq!(format!("{:?}", checks.links), format!("{:?}", page.links));
        assert_eq!(checks.heading_ids, page.heading_ids);
        assert_eq!(checks.media, page.media);
        assert_eq!(checks.problems, page.problems);
        assert!(!page.links.is_empty() && !page.media.is_empty() && !page.problems.is_empty());
    }

    /// Renders `md` as the body of the bundle `content/briefings/pier/`.
    fn in_bundle(md: &str, catalog: &Catalog, config: &SiteConfig) -> Rendered {
        let refs = Refs::new(
            catalog,
            config,
            Owner::of(Path::new("content/briefings/pier/index.md")),
        );
        render(md, config, Placement::Body { line_offset: 0 }, &refs)
    }

    pub(crate) fn pier() -> Catalog {
        catalog(&[
            ("content/briefings/pier/pier.jpg", jpeg(2000, 1000)),
            (
                "content/briefings/pier/report.pdf",
                MediaKind::Other {
                    mime: "application/pdf".into(),
                },
            ),
            (
                "static/img/chart.svg",
                MediaKind::Svg {
                    width: Some(300),
                    height: Some(200),
                    scripted: false,
                },
            ),
        ])
    }

    #[test]
    fn local_images_become_pictures_with_size_and_variants() {
        let config = SiteConfig {
            base_path: "/desk/".into(),
            root_path: "/desk/".into(),
            ..SiteConfig::default()
        };
        let b = in_bundle(
            "Intro.\n\n![The pier, *empty*](pier.jpg \"At dawn\") and ![A chart](/img/chart.svg)\n",
            &pier(),
            &config,
        );
        assert!(b.problems.is_empty(), "{:?}", b.problems);
        assert!(b.html.contains("<picture><source type=\"image/webp\" srcset=\"/desk/briefings/pier/pier-480w.webp 480w, "), "{}", b.html);
        assert!(b.html.contains("<img src=\"/desk/briefings/pier/pier-1600w.jpg\" srcset=\"/desk/briefings/pier/pier-480w.jpg 480w, "), "{}", b.html);
        assert!(b.html.contains(" width=\"1600\" height=\"800\" alt=\"The pier, empty\" title=\"At dawn\" loading=\"lazy\" decoding=\"async\"></picture>"), "{}", b.html);
        assert!(b.html.contains("<img src=\"/desk/img/chart.svg\" width=\"300\" height=\"200\" alt=\"A chart\" loading=\"lazy\""), "{}", b.html);
        assert_eq!(b.media, ["briefings/pier/pier.jpg", "img/chart.svg"]);
    }

    #[test]
    fn images_need_alt_text_and_a_file_that_is_there() {
        let b = in_bundle(
            "Text\n\n![](pier.jpg)\n\n![Shot](peir.jpg)\n\n![Doc](report.pdf)\n",
            &pier(),
            &SiteConfig::default(),
        );
        let found: Vec<_> = b
            .problems
            .iter()
            .map(|(at, p)| (at.line, at.column, p.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (3, 1, "image `pier.jpg` has no alt text"),
                (
                    5,
                    1,
                    "image `peir.jpg`: there is no file content/briefings/pier/peir.jpg"
                ),
                (7, 1, "image `report.pdf` is not an image (application/pdf)"),
            ]
        );
        assert_eq!(b.problems[1].1.hint, "did you mean `pier.jpg`?");
        // An address elsewhere is left as it is, but needs alt text too.
        let b = body("![](https://example.org/x.png)");
        assert!(
            b.html
                .contains("<img src=\"https://example.org/x.png\" alt=\"\""),
            "{}",
            b.html
        );
        assert_eq!(b.problems.len(), 1);
    }

    #[test]
    fn links_to_files_and_pages_get_the_base_path() {
        let config = SiteConfig {
            base_path: "/desk/".into(),
            root_path: "/desk/".into(),
            ..SiteConfig::default()
        };
        let b = in_bundle("[report](report.pdf), [shot](@/briefings/pier/pier.jpg), [about](/about/), [feed](/feed.xml), [x](https://x.org/), <a@b.org>\n", &pier(), &config);
        assert!(b.problems.is_empty(), "{:?}", b.problems);
        for href in [
            "/desk/briefings/pier/report.pdf",
            "/desk/briefings/pier/pier-1600w.jpg",
            "/desk/about/",
            "/desk/feed.xml",
            "https://x.org/",
            "mailto:a@b.org",
        ] {
            assert!(
                b.html.contains(&format!("href=\"{href}\"")),
                "{href}: {}",
                b.html
            );
        }
        let targets: Vec<_> = b.links.iter().map(|l| l.target.as_str()).collect();
        assert_eq!(targets, ["/about/"]);
        assert_eq!(
            b.media,
            ["briefings/pier/report.pdf", "briefings/pier/pier.jpg"]
        );
    }

    #[test]
    fn relative_paths_in_a_single_file_are_reported() {
        let b = body("See [the file](report.pdf).");
        assert_eq!(b.problems.len(), 1);
        assert_eq!(b.problems[0].0, Position::new(1, 5));
        assert!(b.problems[0]
            .1
            .hint
            .contains("content/briefings/a/index.md"));
    }

    #[test]
    fn rewrites_internal_links_and_records_them() {
        let b = body("See [x](@/briefings/a.md#claim-b) and [y](#claim-c).\n");
        assert!(
            b.html.contains("href=\"/briefings/a/#claim-b\""),
            "{}",
            b.html
        );
        assert!(b.html.contains("href=\"#claim-c\""));
        let targets: Vec<_> = b.links.iter().map(|l| l.target.as_str()).collect();
        assert_eq!(targets, ["@/briefings/a.md#claim-b", "#claim-c"]);
        assert_eq!(b.links[1].position, Position::new(1, 39));
    }

    #[test]
    fn gives_headings_unique_ids() {
        let b = body("## The record\n\n## The record\n\n## Own {#mine}\n");
        assert_eq!(b.heading_ids, ["the-record", "the-record-1", "mine"]);
        assert!(b.html.contains("<h2 id=\"the-record-1\">"), "{}", b.html);
    }

    #[test]
    fn plain_text_keeps_words_of_separate_blocks_apart() {
        assert_eq!(
            plain_text("# Title\n\n- One item.\n- Two.\n\n| a | b |\n|---|---|\n| c | d |\n"),
            "Title One item. Two. a b c d"
        );
    }

    #[test]
    fn plain_text_keeps_the_words_only() {
        assert_eq!(
            plain_text("A **bold** [link](https://x).\nNext `code`."),
            "A bold link. Next code."
        );
    }

    #[test]
    fn footnote_ids_cannot_take_a_claims_anchor() {
        let b = body("Text[^claim-one] and[^main].\n\n[^claim-one]: note\n\n[^main]: other\n");
        assert!(b.html.contains("id=\"fn-claim-one\""), "{}", b.html);
        assert!(b.html.contains("href=\"#fn-claim-one\""), "{}", b.html);
        assert!(!b.html.contains("id=\"claim-one\""), "{}", b.html);
        assert!(!b.html.contains("id=\"main\""), "{}", b.html);
    }

    #[test]
    fn heading_ids_keep_clear_of_the_pages_own_ids() {
        let b =
            body("## Claim: deploy\n\n## Claims checked\n\n## Note\n\nx[^note]\n\n[^note]: n\n");
        assert_eq!(
            b.heading_ids,
            ["section-claim-deploy", "claims-checked-1", "note"]
        );
    }

    #[test]
    fn renders_tables_footnotes_and_strikethrough() {
        let b = body("| a |\n|---|\n| 1 |\n\nx[^1] ~~y~~\n\n[^1]: note\n");
        assert!(b.html.contains("<table>"));
        assert!(b.html.contains("footnote-definition"));
        assert!(b.html.contains("<del>y</del>"));
    }

    #[test]
    fn highlights_fenced_code() {
        let b = body("```json\n{\"a\": 1}\n```\n");
        assert!(b.html.contains("hl-"), "{}", b.html);
    }

    #[test]
    fn fragment_links_in_fields_point_at_their_page() {
        let spans = Spans::default();
        let placement = Placement::Field {
            spans: &spans,
            field: "claims[0].explanation",
            page_url: "/briefings/a/",
        };
        let catalog = Catalog::default();
        let config = SiteConfig::default();
        let refs = Refs::new(
            &catalog,
            &config,
            Owner::of(Path::new("content/briefings/a.md")),
        );
        let b = render("See [x](#claim-b).", &config, placement, &refs);
        assert!(
            b.html.contains("href=\"/briefings/a/#claim-b\""),
            "{}",
            b.html
        );
        assert_eq!(b.links[0].target, "#claim-b");
    }

    #[test]
    fn internal_urls_respect_the_base_path() {
        let desk = SiteConfig {
            base_path: "/desk/".into(),
            root_path: "/desk/".into(),
            ..SiteConfig::default()
        };
        let root = SiteConfig::default();
        assert_eq!(
            internal_url("@/pages/about.md", &desk).unwrap(),
            "/desk/about/"
        );
        assert_eq!(internal_url("@/other/x.md", &root), None);
        assert_eq!(
            internal_url("@/briefings/pier/index.md#c1", &desk).unwrap(),
            "/desk/briefings/pier/#c1"
        );
        assert_eq!(internal_url("https://x", &root), None);
    }

    #[test]
    fn a_translation_links_to_its_languages_pages_and_to_originals_not_translated() {
        let mut elsewhere = crate::config::Elsewhere::default();
        elsewhere.own.insert("briefings/pier/".into());
        elsewhere
            .default
            .insert("briefings/pier/".into(), "Pier".into());
        elsewhere.default.insert("about/".into(), "About".into());
        let french = SiteConfig {
            languages: vec!["en".into(), "fr".into()],
            elsewhere: Some(std::sync::Arc::new(elsewhere)),
            ..SiteConfig::default()
        }
        .for_language("fr");
        assert_eq!(
            internal_url("@/briefings/pier.md", &french).unwrap(),
            "/fr/briefings/pier/"
        );
        assert_eq!(
            internal_url("@/pages/about.md", &french).unwrap(),
            "/about/"
        );
    }

    #[test]
    fn safe_markdown_strips_raw_html_and_keeps_what_markdown_makes() {
        let md = "# Title\n\nText <script>alert(1)</script> <img src=x onerror=alert(1)> \
                  <a href=\"javascript:alert(1)\">x</a> [y](javascript:alert(2)) [z](https://ok.example/)\n\n\
                  | a | b |\n|:-:|--:|\n| 1 | 2 |\n\n```rust\nfn main() {}\n```\n\nNote[^n].\n\n[^n]: Said.\n\n![The pier](pier.jpg)\n";
        let safe = SiteConfig {
            markdown_safe: true,
            ..SiteConfig::default()
        };
        let trusted = body(md).html;
        assert!(
            trusted.contains("<script>alert(1)</script>"),
            "kept by default: {trusted}"
        );

        let html = in_bundle(md, &pier(), &safe).html;
        for gone in ["<script", "alert(1)", "onerror", "javascript:"] {
            assert!(!html.contains(gone), "{gone} survived: {html}");
        }
        for kept in [
            "<h1 id=\"title\">Title</h1>",
            "<a href=\"https://ok.example/\">z</a>",
            "<th style=\"text-align: center\">a</th>",
            "<td style=\"text-align: right\">2</td>",
            "<pre class=\"code hl-code\" tabindex=\"0\"><code class=\"language-rust\">",
            "<span class=\"hl-",
            "id=\"fn-n\"",
            "<picture><source type=\"image/webp\" srcset=\"/briefings/pier/pier-480w.webp 480w, ",
            " sizes=\"(min-width: 44rem) 42rem, calc(100vw - 2rem)\">",
            " width=\"1600\" height=\"800\" alt=\"The pier\" loading=\"lazy\" decoding=\"async\">",
        ] {
            assert!(html.contains(kept), "{kept} lost: {html}");
        }
    }
}
