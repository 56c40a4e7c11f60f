//! From file text to model types: front matter checked field by field,
//! Markdown rendered, dates and addresses parsed.
//!
//! Each file parses on its own, so this stage runs in parallel. What needs
//! the whole site (does this speaker exist?) waits for `resolve` and
//! `validate`.

pub(crate) mod front_matter;
pub(crate) mod highlight;
pub(crate) mod key_places;
pub(crate) mod markdown;
pub(crate) mod refs;
pub(crate) mod yaml;

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use indexmap::IndexMap;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::config::{check_url, SiteConfig};
use crate::diagnostic::{Diagnostic, Position};
use crate::load::SourceFile;
use crate::media::{Catalog, Picture};
use crate::model::{
    Attachment, Author, Body, BodyHtml, Briefing, ById, Claim, Correction, Figure, Link, Origin,
    Page, Source, SourceTexts, Speaker,
};
use markdown::{Output, Placement};
use refs::{Lookups, Owner, Problem, Refs, Resolved, Use};
use yaml::{Offset, Spans, Text, UniqueMap};

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawBriefing {
    title: Option<Text>,
    date: Option<Text>,
    updated: Option<Text>,
    summary: Option<Text>,
    event: Option<Text>,
    authors: Option<Vec<Text>>,
    tags: Option<Vec<Text>>,
    draft: Option<bool>,
    image: Option<RawFigure>,
    speakers: Option<UniqueMap<RawSpeaker>>,
    sources: Option<UniqueMap<RawSource>>,
    claims: Option<Vec<RawClaim>>,
    corrections: Option<Vec<RawCorrection>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpeaker {
    name: Option<Text>,
    role: Option<Text>,
    affiliation: Option<Text>,
    image: Option<RawFigure>,
}

/// `image:` of a briefing, a page or a speaker.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFigure {
    src: Option<Text>,
    alt: Option<Text>,
    caption: Option<Text>,
    credit: Option<Text>,
}

/// `image:` of a claim: the claim as it appeared, perhaps with an
/// archived copy of where it appeared.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClaimFigure {
    src: Option<Text>,
    alt: Option<Text>,
    caption: Option<Text>,
    credit: Option<Text>,
    archived: Option<Text>,
}

impl From<RawFigure> for RawClaimFigure {
    fn from(raw: RawFigure) -> RawClaimFigure {
        RawClaimFigure {
            src: raw.src,
            alt: raw.alt,
            caption: raw.caption,
            credit: raw.credit,
            archived: None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAuthor {
    name: Option<Text>,
    role: Option<Text>,
    bio: Option<Text>,
    url: Option<Text>,
    image: Option<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    title: Option<Text>,
    publisher: Option<Text>,
    url: Option<Text>,
    date: Option<Text>,
    accessed: Option<Text>,
    archived: Option<Text>,
    withheld: Option<Text>,
    excerpt: Option<Text>,
    file: Option<Text>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClaim {
    id: Option<Text>,
    speaker: Option<Text>,
    text: Option<Text>,
    verbatim: Option<bool>,
    date: Option<Text>,
    appearance: Option<Text>,
    verdict: Option<Text>,
    explanation: Option<Text>,
    sources: Option<Vec<Text>>,
    image: Option<RawClaimFigure>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCorrection {
    date: Option<Text>,
    text: Option<Text>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPage {
    title: Option<Text>,
    description: Option<Text>,
    draft: Option<bool>,
    image: Option<RawFigure>,
}

/// Collects the field-level problems of one file.
struct Fields<'a> {
    file: &'a Path,
    spans: &'a Spans,
    /// Resolves the paths of images and files.
    refs: &'a Refs<'a>,
    diagnostics: Vec<Diagnostic>,
    /// Fields whose problem the YAML reading already reported (a misspelt
    /// name, a value of the wrong shape), so they are not also "missing".
    reported: Vec<String>,
    /// Of those, the ones whose value had the wrong shape: nothing under
    /// them was read either.
    misshapen: Vec<String>,
}

impl<'a> Fields<'a> {
    fn new(
        file: &'a Path,
        spans: &'a Spans,
        refs: &'a Refs<'a>,
        yaml_diagnostics: Vec<Diagnostic>,
    ) -> Self {
        let reported = yaml_diagnostics
            .iter()
            .filter_map(yaml::reported_field)
            .collect();
        let misshapen = yaml_diagnostics
            .iter()
            .filter(|d| yaml::is_wrong_shape(d))
            .filter_map(|d| d.field.clone())
            .collect();
        Fields {
            file,
            spans,
            refs,
            diagnostics: yaml_diagnostics,
            reported,
            misshapen,
        }
    }
}

impl Fields<'_> {
    /// Whether the field, or an entry it belongs to that had the wrong
    /// shape, was reported: a source written as a single word is reported
    /// as such, not again for each field it then lacks.
    fn was_reported(&self, field: &str) -> bool {
        self.reported.iter().any(|r| r == field)
            || self.misshapen.iter().any(|r| {
                field
                    .strip_prefix(r.as_str())
                    .is_some_and(|rest| rest.starts_with(['.', '[']))
            })
    }

    fn error(&mut self, field: &str, message: String, hint: &str) {
        self.diagnostics.push(
            Diagnostic::error(self.file, self.spans.locate(field), message)
                .with_field(field)
                .with_hint(hint),
        );
    }

    /// A required text field: present and not blank. One written with no
    /// value (`title: ""`, `title:`, `title: ~`) is reported as empty, at
    /// its key, not as missing.
    fn required(&mut self, value: Option<Text>, field: &str, what: &str) -> Option<String> {
        match value {
            Some(t) if !t.0.trim().is_empty() => Some(t.0),
            _ if self.was_reported(field) => None,
            _ => {
                let name = field.rsplit('.').next().unwrap_or(field);
                match self.spans.key(field) {
                    Some(at) => self.diagnostics.push(
                        Diagnostic::error(self.file, at, format!("`{name}` is empty"))
                            .with_field(field)
                            .with_hint(match what.strip_prefix("add ") {
                                Some(rest) => format!("fill in {rest}"),
                                None => what.to_owned(),
                            }),
                    ),
                    None => self.error(field, format!("missing required field `{name}`"), what),
                }
                None
            }
        }
    }

    /// A required date: present, and a date.
    fn required_date(&mut self, value: Option<Text>, field: &str, what: &str) -> Option<NaiveDate> {
        match value {
            None => self.required(None, field, what).and(None),
            value => self.date(value, field),
        }
    }

    fn date(&mut self, value: Option<Text>, field: &str) -> Option<NaiveDate> {
        let text = value?;
        match NaiveDate::parse_from_str(text.as_str(), "%Y-%m-%d") {
            Ok(date) if text.as_str().len() == 10 => Some(date),
            _ => {
                let why = if looks_like_a_date(text.as_str()) {
                    "is not a real calendar date"
                } else {
                    "is not a date in the form YYYY-MM-DD"
                };
                self.error(
                    field,
                    format!("`{text}` {why}"),
                    "write the date as year-month-day, such as 2024-10-31",
                );
                None
            }
        }
    }

    /// An image named in front matter: its path resolved and checked, and
    /// its alt text required.
    fn figure(&mut self, raw: RawClaimFigure, field: &str) -> Option<Figure> {
        let sub = |name: &str| yaml::join_key(field, name);
        let src = self.required(
            raw.src,
            &sub("src"),
            &format!("add `src:` with the image's path under `{}:`, such as `src: pier.jpg` for a file beside the briefing's index.md, `src: /img/pier.jpg` for one in static/", field_name(field)),
        );
        let alt = self.required(
            raw.alt,
            &sub("alt"),
            &format!("add `alt:` under `{}:` saying what the image shows, such as `alt: The post as shared on 3 May, with the photo of the empty pier`; in a fact check an image is evidence, and a reader who cannot see it gets its content from the alt text", field_name(field)),
        );
        let archived = self.url(raw.archived, &sub("archived"));
        let src = src?;
        let picture = self.picture(&src, &sub("src"))?;
        Some(Figure {
            written: src,
            picture,
            alt: alt?.trim().to_owned(),
            caption: nonblank(raw.caption),
            credit: nonblank(raw.credit),
            archived,
        })
    }

    /// The picture `src` (written at `field`) names: a site image, or an
    /// image elsewhere at a full address.
    fn picture(&mut self, src: &str, field: &str) -> Option<Picture> {
        let src = src.trim();
        match self.refs.resolve(src, Use::Image) {
            Ok(Resolved::File(file)) => self.refs.picture(&file),
            Ok(_) if src.starts_with("https://") || src.starts_with("http://") => {
                match check_url(src) {
                    Ok(()) => Some(Picture {
                        src: src.to_owned(),
                        ..Picture::default()
                    }),
                    Err(why) => {
                        self.error(field, format!("address `{src}` {why}"), "write a full web address starting with https://, or the path of an image of the site");
                        None
                    }
                }
            }
            Ok(_) => {
                self.error(
                    field,
                    format!("image `{src}` names no image"),
                    "write the path of an image file, such as `pier.jpg` beside the briefing's index.md or `/img/pier.jpg` in static/, or a full address starting with https://",
                );
                None
            }
            Err(problem) => {
                self.problem(field, problem);
                None
            }
        }
    }

    /// `file:` of a source: a document the desk hosts.
    fn attachment(&mut self, value: Option<Text>, field: &str) -> Option<Attachment> {
        let written = value?.0;
        let path = written.trim();
        match self.refs.resolve(path, Use::File) {
            Ok(Resolved::File(file)) => {
                let (url, published) = self.refs.link_target(&file);
                Some(Attachment {
                    mime: mime_guess::from_path(&published)
                        .first_or_octet_stream()
                        .essence_str()
                        .to_owned(),
                    written: written.clone(),
                    url,
                    published,
                    bytes: file.bytes,
                })
            }
            Ok(_) => {
                self.error(
                    field,
                    format!("`file: {path}` names no file of the site"),
                    "`file:` is a document the desk hosts: put it beside the briefing's index.md and write its name, such as `file: report.pdf`; an address elsewhere goes in `url:`",
                );
                None
            }
            Err(problem) => {
                self.problem(field, problem);
                None
            }
        }
    }

    fn problem(&mut self, field: &str, problem: Problem) {
        self.error(field, problem.message, &problem.hint);
    }

    fn url(&mut self, value: Option<Text>, field: &str) -> Option<String> {
        let text = value?;
        match check_url(text.as_str()) {
            Ok(()) => Some(text.0),
            Err(why) => {
                self.error(
                    field,
                    format!("address `{text}` {why}"),
                    "write a full web address starting with https:// (or http://)",
                );
                None
            }
        }
    }
}

/// The last name of a field path: `image` of `claims[0].image`.
fn field_name(field: &str) -> &str {
    field.rsplit('.').next().unwrap_or(field)
}

fn nonblank(text: Option<Text>) -> Option<String> {
    text.map(|t| t.0.trim().to_owned())
        .filter(|t| !t.is_empty())
}

fn looks_like_a_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// The slug of a content file: its file name without `.md`, or for a page
/// bundle (`briefings/<name>/index.md`) the name of its folder.
pub fn slug_of(path: &Path) -> String {
    let named = if is_bundle_index(path) {
        path.parent().and_then(Path::file_name)
    } else {
        path.file_stem()
    };
    let named = named
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    // A translation has its original's slug: `ferry.fr.md` is `ferry`.
    match crate::i18n::file_language(path) {
        Some(tag) if !is_bundle_index(path) => named
            .strip_suffix(tag)
            .and_then(|n| n.strip_suffix('.'))
            .map_or_else(|| named.clone(), str::to_owned),
        _ => named,
    }
}

/// Whether `path`'s file name is `index.md`, or a translation of one
/// (`index.fr.md`).
pub fn is_index_file(path: &Path) -> bool {
    match path.file_name().and_then(|n| n.to_str()) {
        Some("index.md") => true,
        Some(name) => {
            name.starts_with("index.")
                && crate::i18n::file_language(path)
                    .is_some_and(|tag| name == format!("index.{tag}.md"))
        }
        None => false,
    }
}

/// Whether `path` is the text of a page bundle: an `index.md` in a folder
/// of its own, not one directly in `briefings/` or `pages/`.
pub fn is_bundle_index(path: &Path) -> bool {
    is_index_file(path)
        && path
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|folder| {
                let top = path.parent().and_then(Path::parent);
                let kind_root = folder == "briefings" || folder == "pages";
                // `content/briefings/index.md` is a briefing named index; a
                // folder called `briefings` deeper down is a bundle.
                !(kind_root
                    && top.is_none_or(|t| t.as_os_str().is_empty() || t == Path::new("content")))
            })
}

/// Whether a content file's front matter says `draft: true`, read from its
/// text alone, for knowing which translations a build publishes before
/// any file is parsed. A file too broken to parse is not a draft.
pub fn is_draft(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("---") else {
        return false;
    };
    let front = rest.split("\n---").next().unwrap_or(rest);
    front.lines().any(|line| {
        line.strip_prefix("draft:")
            .map(|v| v.split('#').next().unwrap_or(v).trim())
            .is_some_and(|v| matches!(v, "true" | "True" | "TRUE"))
    })
}

/// The path `@/` links use: relative to `content/`, with forward slashes.
pub fn content_path(path: &Path) -> String {
    let rel = path.strip_prefix("content").unwrap_or(path);
    rel.to_string_lossy().replace('\\', "/")
}

/// A content file's front matter, read as `R`, with its Markdown body.
struct Document<'t, R> {
    raw: R,
    /// Where each front matter field is written.
    spans: Arc<Spans>,
    /// Problems the YAML reading found (a misspelt field, a wrong shape).
    yaml_diagnostics: Vec<Diagnostic>,
    body: &'t str,
    body_line_offset: usize,
}

/// Splits off the front matter and reads it. `Err` when the file is too
/// broken to use: no front matter, or YAML that does not parse.
fn document<R: DeserializeOwned>(file: &SourceFile) -> Result<Document<'_, R>, Vec<Diagnostic>> {
    let path = file.path.as_path();
    let split = front_matter::split(&file.text, path).map_err(|d| vec![d])?;
    let offset = Offset { lines: 1 };
    let ((raw, yaml_diagnostics), places) =
        key_places::noted(|| yaml::from_str_recovering::<R>(split.yaml, path, offset));
    let Some(raw) = raw else {
        return Err(yaml_diagnostics);
    };
    let mut spans = Spans::in_file(file, split.yaml, offset);
    // Read at the first try: the front matter types refuse a key written
    // twice at every level, so none is; and what was noted as it was read
    // is where the text's entries are.
    if yaml_diagnostics.is_empty() {
        spans = spans.with_unique_keys().with_key_places(places);
    }
    Ok(Document {
        raw,
        spans: Arc::new(spans),
        yaml_diagnostics,
        body: split.body,
        body_line_offset: split.body_line_offset,
    })
}

/// Renders a document's body, reporting the links and images in it that
/// name no usable file. With [`Bodies::Again`] only its checks are made,
/// and its HTML is left in the file whose fingerprint is `text`.
fn body(
    text: &str,
    line_offset: usize,
    config: &SiteConfig,
    f: &mut Fields,
    bodies: Bodies,
    file: u64,
) -> Body {
    let output = match bodies {
        Bodies::Kept => Output::Page,
        Bodies::Again => Output::Checks,
    };
    let placement = Placement::Body { line_offset };
    let mut rendered = markdown::render_for(text, config, placement, f.refs, output);
    for (position, problem) in std::mem::take(&mut rendered.problems) {
        f.diagnostics.push(located(f.file, position, problem));
    }
    match bodies {
        Bodies::Kept => Body::from(rendered),
        Bodies::Again => Body::of(rendered, BodyHtml::InFile { text: file }),
    }
}

/// Whether a briefing's body is rendered as its file is parsed and kept,
/// or rendered again from the file when its page is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Bodies {
    /// Rendered and kept packed: a session that rebuilds.
    Kept,
    /// Checked now, rendered when its page is made: a build with no
    /// rebuild to follow, which then never holds every body at once.
    Again,
}

/// The body of the briefing in `file` (under `root`) rendered again for
/// `output`, as [`Bodies::Again`] left it: the page's HTML, or what the
/// search index reads. `text` is the fingerprint of the file as it was
/// parsed; a file changed since (or gone) is an error, not a page made
/// from text the checks never saw.
pub(crate) fn body_again(
    root: &Path,
    file: &Path,
    text: u64,
    config: &SiteConfig,
    catalog: &Catalog,
    output: Output,
) -> Result<String, Diagnostic> {
    let changed = || {
        Diagnostic::error(
            file,
            Position::start(),
            "this file changed while the site was being built",
        )
        .with_hint(
            "build again: nothing was written, and the output folder is as the last build left it",
        )
    };
    let again = crate::load::read_unchanged(root, file, text).ok_or_else(changed)?;
    let split = front_matter::split(&again.text, file)?;
    let refs = Refs::new(catalog, config, Owner::of(file));
    let placement = Placement::Body {
        line_offset: split.body_line_offset,
    };
    Ok(markdown::render_for(split.body, config, placement, &refs, output).html)
}

fn located(file: &Path, position: Position, problem: Problem) -> Diagnostic {
    Diagnostic::error(file, position, problem.message).with_hint(problem.hint)
}

/// Renders the Markdown written in front matter fields (explanations,
/// corrections), keeping their links to be checked like the body's.
struct FieldMarkdown<'a> {
    config: &'a SiteConfig,
    spans: &'a Spans,
    refs: &'a Refs<'a>,
    file: &'a Path,
    /// The briefing's own page, to make `#anchor` links absolute with.
    page_url: String,
    links: Vec<Link>,
    media: Vec<String>,
    diagnostics: Vec<Diagnostic>,
}

impl FieldMarkdown<'_> {
    fn render(&mut self, text: &str, field: &str) -> String {
        let rendered = markdown::render(
            text,
            self.config,
            Placement::Field {
                spans: self.spans,
                field,
                page_url: &self.page_url,
            },
            self.refs,
        );
        self.links.extend(rendered.links);
        for path in rendered.media {
            if !self.media.contains(&path) {
                self.media.push(path);
            }
        }
        for (position, problem) in rendered.problems {
            self.diagnostics
                .push(located(self.file, position, problem).with_field(field));
        }
        rendered.html
    }
}

/// Parses one briefing. Returns `None` only when the file is too broken to
/// use (no front matter, or YAML that does not parse); field problems come
/// back as diagnostics with a best-effort briefing so cross-reference checks
/// still run. Beside the briefing comes where each of its front matter
/// fields is written, to locate later problems with.
pub fn briefing(
    file: &SourceFile,
    config: &SiteConfig,
) -> (Option<(Briefing, Arc<Spans>)>, Vec<Diagnostic>) {
    let (parsed, diagnostics, _) = briefing_in(file, config, &Catalog::default(), Bodies::Kept);
    (parsed, diagnostics)
}

/// A briefing with where each of its front matter fields is written.
pub type ParsedBriefing = (Briefing, Arc<Spans>);

/// A briefing whose paths name the files of `catalog`, with what it
/// looked up in it.
pub(crate) fn briefing_in(
    file: &SourceFile,
    config: &SiteConfig,
    catalog: &Catalog,
    bodies: Bodies,
) -> (Option<ParsedBriefing>, Vec<Diagnostic>, Lookups) {
    let path = file.path.as_path();
    let refs = Refs::new(catalog, config, Owner::of(path));
    let (parsed, diagnostics) = briefing_with(file, config, &refs, bodies);
    (parsed, diagnostics, refs.into_lookups())
}

fn briefing_with(
    file: &SourceFile,
    config: &SiteConfig,
    refs: &Refs,
    bodies: Bodies,
) -> (Option<(Briefing, Arc<Spans>)>, Vec<Diagnostic>) {
    let path = file.path.as_path();
    let doc = match document::<RawBriefing>(file) {
        Ok(doc) => doc,
        Err(diagnostics) => return (None, diagnostics),
    };
    let mut raw = doc.raw;
    let spans = doc.spans;
    let mut f = Fields::new(path, &spans, refs, doc.yaml_diagnostics);
    let head = head(&mut raw, &mut f);
    let image = raw
        .image
        .take()
        .and_then(|image| f.figure(image.into(), "image"));
    let speakers = raw
        .speakers
        .map(|map| ById::of(speakers(map, "speakers", path, &mut f)))
        .unwrap_or_default();
    let sources = raw
        .sources
        .map(|map| ById::of(sources(map, "sources", path, &mut f)))
        .unwrap_or_default();

    let mut markdown = FieldMarkdown {
        config,
        spans: &spans,
        refs,
        file: path,
        page_url: format!("{}briefings/{}/", config.base_path, slug_of(path)),
        links: Vec::new(),
        media: Vec::new(),
        diagnostics: Vec::new(),
    };
    // Into a list of their own: collected from the raw claims' list, the
    // claims took over its allocation (320 bytes a raw claim, 192 a
    // claim), which the allocator shrinks in place rather than move. At
    // 10,000 briefings the build held 6 MB less after `plan` this way.
    let raw_claims = raw.claims.unwrap_or_default();
    let mut claims = Vec::with_capacity(raw_claims.len());
    for (index, raw) in raw_claims.into_iter().enumerate() {
        claims.push(claim(raw, index, &mut f, &mut markdown));
    }
    let corrections = corrections(
        raw.corrections.unwrap_or_default(),
        head.date,
        &mut f,
        &mut markdown,
    );
    let (line_offset, hash) = (doc.body_line_offset, file.hash);
    let mut body = body(doc.body, line_offset, config, &mut f, bodies, hash);
    body.links.extend(markdown.links);
    for path in markdown.media {
        if !body.media.contains(&path) {
            body.media.push(path);
        }
    }
    f.diagnostics.extend(markdown.diagnostics);

    // A briefing missing its title, summary or date is kept with the gaps
    // empty (they are reported above) so its references are still checked;
    // the errors stop the build before anything is rendered.
    let briefing = Briefing {
        image,
        slug: slug_of(path),
        file: path.to_path_buf(),
        content_path: content_path(path),
        title: head.title.unwrap_or_default(),
        date: head.date.unwrap_or_default(),
        updated: head.updated,
        summary: head.summary.unwrap_or_default(),
        event: raw.event.map(|t| t.0),
        authors: texts(raw.authors),
        tags: texts(raw.tags),
        draft: raw.draft.unwrap_or(false),
        body,
        claims,
        speakers,
        sources,
        corrections,
        broken_fields: f.reported,
    };
    let diagnostics = f.diagnostics;
    (Some((fitted(briefing), spans)), diagnostics)
}

/// The briefing with its lists' spare room given back. Every briefing is
/// held for the whole build, and the room its lists grew into while being
/// filled is not small: collected in place of the raw claims they are made
/// from, the claims kept room for twice as many. (The speakers and sources
/// are collected at their size, see [`ById::of`].)
fn fitted(mut briefing: Briefing) -> Briefing {
    briefing.claims.shrink_to_fit();
    briefing.corrections.shrink_to_fit();
    briefing.body.links.shrink_to_fit();
    briefing.body.heading_ids.shrink_to_fit();
    briefing.body.media.shrink_to_fit();
    briefing
}

/// The fields that say what a briefing is and when it was published.
struct Head {
    title: Option<String>,
    summary: Option<String>,
    date: Option<NaiveDate>,
    updated: Option<NaiveDate>,
}

fn head(raw: &mut RawBriefing, f: &mut Fields) -> Head {
    let head = Head {
        title: f.required(
            raw.title.take(),
            "title",
            "add `title:` with the briefing's headline",
        ),
        summary: f.required(
            raw.summary.take(),
            "summary",
            "add `summary:`, one paragraph that says what the briefing found",
        ),
        date: f.required_date(
            raw.date.take(),
            "date",
            "add `date:` with the publication date, such as 2024-10-31",
        ),
        updated: f.date(raw.updated.take(), "updated"),
    };
    if let (Some(updated), Some(date)) = (head.updated, head.date) {
        if updated < date {
            f.error(
                "updated",
                format!("`updated` is {updated}, before the briefing was published on {date}"),
                "`updated` is when the briefing last changed after publication: check both dates, or remove `updated`",
            );
        }
    }
    head
}

fn texts(list: Option<Vec<Text>>) -> Vec<String> {
    // Collected in place, into the list serde_yaml grew by doubling: fitted,
    // a claim's two or three sources no longer keep room for four (some
    // 4 MB at 10,000 briefings, held through a build).
    let mut texts: Vec<String> = list.unwrap_or_default().into_iter().map(|t| t.0).collect();
    texts.shrink_to_fit();
    texts
}

/// One entry of a briefing's `claims:`. A claim missing a field is kept
/// (the field empty, already reported) so its references are still
/// checked and its sources still count as cited.
fn claim(c: RawClaim, index: usize, f: &mut Fields, markdown: &mut FieldMarkdown) -> Claim {
    let field = format!("claims[{index}]");
    let sub = |name: &str| yaml::join_key(&field, name);
    let id = f.required(c.id, &sub("id"), "give the claim an `id:`, short and unique in this briefing (it becomes the anchor #claim-<id>)");
    let speaker = f.required(
        c.speaker,
        &sub("speaker"),
        "add `speaker:` with the id of who made the claim",
    );
    let text = f.required(c.text, &sub("text"), "add `text:` with the claim as made");
    let verdict = f.required(
        c.verdict,
        &sub("verdict"),
        "add `verdict:` with an id from the verdict scale",
    );
    let explanation = f.required(
        c.explanation,
        &sub("explanation"),
        "add `explanation:`, the ruling and why, in Markdown",
    );
    let date = f.date(c.date, &sub("date"));
    let appearance = f.url(c.appearance, &sub("appearance"));
    let image = c.image.and_then(|image| f.figure(image, &sub("image")));
    let sources = texts(c.sources);
    if sources.is_empty() && !f.was_reported(&sub("sources")) {
        f.error(&sub("sources"), "claim cites no sources".into(), "every verdict must rest on evidence: add `sources: [id, ...]` naming sources defined under `sources:`");
    }
    let html = explanation
        .as_deref()
        .map(|md| markdown.render(md, &sub("explanation")))
        .unwrap_or_default();
    let plain = explanation
        .as_deref()
        .map(markdown::plain_text)
        .unwrap_or_default();
    let texts = Claim::texts(
        text.as_deref().unwrap_or_default(),
        &html,
        &plain,
        appearance.as_deref(),
    );
    Claim {
        image: image.into(),
        id: id.unwrap_or_default(),
        speaker: speaker.unwrap_or_default(),
        verbatim: c.verbatim.unwrap_or(false),
        date,
        verdict: verdict.unwrap_or_default(),
        sources,
        index,
        texts,
    }
}

/// A briefing's `corrections:`; one missing its date or text is reported
/// and left out.
/// The corrections of a briefing published on `published`: a correction
/// can only follow publication, so one dated earlier is a mistyped date.
fn corrections(
    raw: Vec<RawCorrection>,
    published: Option<NaiveDate>,
    f: &mut Fields,
    markdown: &mut FieldMarkdown,
) -> Vec<Correction> {
    let mut out = Vec::new();
    for (i, c) in raw.into_iter().enumerate() {
        let field = format!("corrections[{i}]");
        let date = f.required_date(
            c.date,
            &format!("{field}.date"),
            "add the date of the correction, such as 2024-11-02",
        );
        let text = f.required(c.text, &format!("{field}.text"), "say what was corrected");
        if let (Some(date), Some(published)) = (date, published) {
            if date < published {
                f.error(
                    &format!("{field}.date"),
                    format!("this correction is dated {date}, before the briefing was published on {published}"),
                    "a correction follows publication: check the year and month of both dates",
                );
            }
        }
        if let (Some(date), Some(text)) = (date, text) {
            out.push(Correction {
                date,
                text_html: markdown.render(&text, &field),
            });
        }
    }
    out
}

fn speakers(
    map: UniqueMap<RawSpeaker>,
    field: &'static str,
    path: &Path,
    f: &mut Fields,
) -> IndexMap<String, Speaker> {
    let defined_in: std::sync::Arc<Path> = path.into();
    let mut out = IndexMap::new();
    for (id, raw) in map.0 {
        let here = yaml::join_key(field, id.as_str());
        // A speaker missing its name is kept (the name reported missing) so
        // claims naming it are not also reported as naming no one.
        let name = f
            .required(
                raw.name,
                &yaml::join_key(&here, "name"),
                "add `name:` with the speaker's full name",
            )
            .unwrap_or_default();
        let image = raw
            .image
            .and_then(|image| f.figure(image.into(), &yaml::join_key(&here, "image")));
        out.insert(
            id.0.clone(),
            Speaker {
                image: image.into(),
                id: id.0,
                name,
                role: raw.role.map(|t| t.0),
                affiliation: raw.affiliation.map(|t| t.0),
                origin: Origin {
                    file: defined_in.clone(),
                    under: field,
                },
            },
        );
    }
    out
}

fn sources(
    map: UniqueMap<RawSource>,
    field: &'static str,
    path: &Path,
    f: &mut Fields,
) -> IndexMap<String, Source> {
    let defined_in: std::sync::Arc<Path> = path.into();
    let mut out = IndexMap::new();
    for (id, raw) in map.0 {
        let here = yaml::join_key(field, id.as_str());
        let sub = |name: &str| yaml::join_key(&here, name);
        let title = f.required(
            raw.title,
            &sub("title"),
            "add `title:` with the document's title",
        );
        let withheld = raw.withheld.map(|t| t.0).filter(|w| !w.trim().is_empty());
        let url = match (&raw.url, &withheld) {
            // A `url` of the wrong shape was reported as such.
            (None, None) if f.was_reported(&sub("url")) => None,
            (None, None) => {
                f.error(&sub("url"), format!("source `{id}` has no `url`"), "add `url:` with the address of the document, or `withheld:` with the reason it cannot be named");
                None
            }
            _ => f.url(raw.url, &sub("url")),
        };
        let archived = f.url(raw.archived, &sub("archived"));
        let date = f.date(raw.date, &sub("date"));
        let accessed = f.date(raw.accessed, &sub("accessed"));
        let file = f.attachment(raw.file, &sub("file"));
        // Kept without its title (reported missing) so citations still resolve.
        let title = title.unwrap_or_default();
        out.insert(
            id.0.clone(),
            Source {
                file: file.into(),
                id: id.0,
                texts: SourceTexts::new([
                    Some(&title),
                    raw.publisher.as_ref().map(|t| t.0.as_str()),
                    url.as_deref(),
                    archived.as_deref(),
                    raw.excerpt.as_ref().map(|t| t.0.as_str()),
                ]),
                withheld,
                date,
                accessed,
                origin: Origin {
                    file: defined_in.clone(),
                    under: field,
                },
                hash: 0,
            }
            .sealed(),
        );
    }
    out
}

/// The entries of a site-wide file by id, with where each field is
/// written.
pub type SiteEntries<T> = (IndexMap<String, T>, Arc<Spans>);

/// Parses `content/speakers.yaml`: a map of speaker ids, with where each
/// field is written beside it.
pub fn site_speakers(file: &SourceFile) -> (Option<SiteEntries<Speaker>>, Vec<Diagnostic>) {
    site_speakers_in(file, &SiteConfig::default(), &Catalog::default())
}

/// [`site_speakers`], their portraits named among the files of `catalog`.
pub fn site_speakers_in(
    file: &SourceFile,
    config: &SiteConfig,
    catalog: &Catalog,
) -> (Option<SiteEntries<Speaker>>, Vec<Diagnostic>) {
    site_file(file, &Refs::new(catalog, config, Owner::SiteFile), speakers)
}

/// Parses `content/authors.yaml`: a map of author ids, with where each
/// field is written beside it.
pub fn site_authors(file: &SourceFile) -> (Option<SiteEntries<Author>>, Vec<Diagnostic>) {
    let (config, catalog) = (SiteConfig::default(), Catalog::default());
    site_file(
        file,
        &Refs::new(&catalog, &config, Owner::SiteFile),
        authors,
    )
}

fn authors(
    map: UniqueMap<RawAuthor>,
    field: &'static str,
    path: &Path,
    f: &mut Fields,
) -> IndexMap<String, Author> {
    let defined_in: std::sync::Arc<Path> = path.into();
    let mut out = IndexMap::new();
    for (id, raw) in map.0 {
        let here = yaml::join_key(field, id.as_str());
        // Kept without its name (reported missing) so bylines naming it are
        // not also reported as naming no one.
        let name = f
            .required(
                raw.name,
                &yaml::join_key(&here, "name"),
                "add `name:` with the author's name as bylines show it",
            )
            .unwrap_or_default();
        let url = f.url(raw.url, &yaml::join_key(&here, "url"));
        out.insert(
            id.0.clone(),
            Author {
                id: id.0,
                name,
                role: raw.role.map(|t| t.0),
                bio: raw.bio.map(|t| t.0),
                url,
                image: raw.image.map(|t| t.0),
                origin: Origin {
                    file: defined_in.clone(),
                    under: field,
                },
            },
        );
    }
    out
}

/// Parses `content/sources.yaml`: a map of source ids, with where each
/// field is written beside it.
pub fn site_sources(file: &SourceFile) -> (Option<SiteEntries<Source>>, Vec<Diagnostic>) {
    site_sources_in(file, &SiteConfig::default(), &Catalog::default())
}

/// [`site_sources`], their hosted files named among the files of `catalog`.
pub fn site_sources_in(
    file: &SourceFile,
    config: &SiteConfig,
    catalog: &Catalog,
) -> (Option<SiteEntries<Source>>, Vec<Diagnostic>) {
    site_file(file, &Refs::new(catalog, config, Owner::SiteFile), sources)
}

/// Parses a site-wide YAML file of entries by id.
fn site_file<R, T>(
    file: &SourceFile,
    refs: &Refs,
    entries: fn(UniqueMap<R>, &'static str, &Path, &mut Fields) -> IndexMap<String, T>,
) -> (Option<SiteEntries<T>>, Vec<Diagnostic>)
where
    UniqueMap<R>: DeserializeOwned,
{
    let path = file.path.as_path();
    let (map, yaml_diagnostics) =
        yaml::from_str_recovering::<UniqueMap<R>>(&file.text, path, Offset::default());
    let Some(map) = map else {
        return (None, yaml_diagnostics);
    };
    let spans = Arc::new(Spans::in_file(file, &file.text, Offset::default()));
    let mut f = Fields::new(path, &spans, refs, yaml_diagnostics);
    let entries = entries(map, "", path, &mut f);
    let diagnostics = f.diagnostics;
    (Some((entries, spans)), diagnostics)
}

/// Parses a plain page: front matter with `title` (and optionally
/// `description`, `draft`), then Markdown.
pub fn page(file: &SourceFile, config: &SiteConfig) -> (Option<Page>, Vec<Diagnostic>) {
    let (page, diagnostics, _) = page_in(file, config, &Catalog::default());
    (page, diagnostics)
}

/// A page whose paths name the files of `catalog`, with what it looked up
/// in it.
pub(crate) fn page_in(
    file: &SourceFile,
    config: &SiteConfig,
    catalog: &Catalog,
) -> (Option<Page>, Vec<Diagnostic>, Lookups) {
    let refs = Refs::new(catalog, config, Owner::of(&file.path));
    let (page, diagnostics) = page_with(file, config, &refs);
    (page, diagnostics, refs.into_lookups())
}

fn page_with(
    file: &SourceFile,
    config: &SiteConfig,
    refs: &Refs,
) -> (Option<Page>, Vec<Diagnostic>) {
    let path = file.path.as_path();
    let doc = match document::<RawPage>(file) {
        Ok(doc) => doc,
        Err(diagnostics) => return (None, diagnostics),
    };
    let mut f = Fields::new(path, &doc.spans, refs, doc.yaml_diagnostics);
    let title = f.required(doc.raw.title, "title", "add `title:` with the page's title");
    let image = doc
        .raw
        .image
        .and_then(|image| f.figure(image.into(), "image"));
    let body = body(
        doc.body,
        doc.body_line_offset,
        config,
        &mut f,
        Bodies::Kept,
        file.hash,
    );
    let page = title.map(|title| Page {
        image,
        slug: slug_of(path),
        file: path.to_path_buf(),
        content_path: content_path(path),
        title,
        description: doc.raw.description.map(|t| t.0),
        draft: doc.raw.draft.unwrap_or(false),
        body,
    });
    (page, f.diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::MediaKind;
    use refs::tests::{catalog, jpeg};

    fn pier() -> Catalog {
        catalog(&[
            ("content/briefings/pier/pier.jpg", jpeg(2000, 1000)),
            ("content/briefings/pier/post.jpg", jpeg(600, 900)),
            (
                "content/briefings/pier/report.pdf",
                MediaKind::Other {
                    mime: "application/pdf".into(),
                },
            ),
            ("static/img/kim.jpg", jpeg(400, 400)),
        ])
    }

    const PIER: &str = "---
title: The pier
date: 2024-10-31
summary: What the pier shows.
image:
  src: pier.jpg
  alt: The empty pier at dawn
  caption: The pier on 30 October.
  credit: Desk photo
speakers:
  kim:
    name: Kim Song
    image: {src: /img/kim.jpg, alt: Kim Song at a rally}
sources:
  report:
    title: Harbour report
    url: https://harbour.gov/report
    file: report.pdf
claims:
  - id: crowd
    speaker: kim
    text: The pier was full.
    verdict: false
    explanation: See ![The post](post.jpg).
    sources: [report]
    image:
      src: post.jpg
      alt: The post as shared on 3 May
      archived: https://web.archive.org/web/2024/https://social.example/p/1
---
Body ![Chart of arrivals](@/briefings/pier/pier.jpg).
";

    #[test]
    fn front_matter_images_and_files_resolve_in_the_bundle() {
        let catalog = pier();
        let config = SiteConfig::default();
        let file = SourceFile::new("content/briefings/pier/index.md", PIER);
        let (parsed, diagnostics, lookups) = briefing_in(&file, &config, &catalog, Bodies::Kept);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let (b, _) = parsed.unwrap();
        let image = b.image.unwrap();
        assert_eq!(image.alt, "The empty pier at dawn");
        assert_eq!(image.picture.src, "/briefings/pier/pier-1600w.jpg");
        assert_eq!(image.caption.as_deref(), Some("The pier on 30 October."));
        assert_eq!(image.credit.as_deref(), Some("Desk photo"));
        let claim = b.claims[0].image.as_ref().unwrap();
        assert_eq!(claim.picture.width, Some(600));
        assert!(claim.archived.is_some());
        assert_eq!(
            b.speakers["kim"].image.as_ref().unwrap().picture.src,
            "/img/kim-400w.jpg"
        );
        let report = b.sources["report"].file.as_ref().unwrap();
        assert_eq!(
            (report.url.as_str(), report.mime.as_str(), report.bytes),
            ("/briefings/pier/report.pdf", "application/pdf", 1234)
        );
        assert_eq!(
            b.body.media,
            ["briefings/pier/pier.jpg", "briefings/pier/post.jpg"]
        );
        assert!(lookups.iter().all(|(_, found)| found.is_some()));
    }

    #[test]
    fn front_matter_images_need_alt_and_a_file() {
        let catalog = pier();
        let config = SiteConfig::default();
        let text = PIER
            .replace("  alt: The empty pier at dawn\n", "  alt: \"\"\n")
            .replace("file: report.pdf", "file: raport.pdf")
            .replace("alt: Kim Song at a rally", "caption: Kim");
        let file = SourceFile::new("content/briefings/pier/index.md", text);
        let (_, diagnostics, _) = briefing_in(&file, &config, &catalog, Bodies::Kept);
        let found: Vec<_> = diagnostics
            .iter()
            .map(|d| (d.position.line, d.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (7, "`alt` is empty"),
                (13, "missing required field `alt`"),
                (
                    18,
                    "file `raport.pdf`: there is no file content/briefings/pier/raport.pdf"
                ),
            ]
        );
        assert!(diagnostics[1].hint.as_deref().unwrap().contains("alt: "));
        assert_eq!(
            diagnostics[2].hint.as_deref(),
            Some("did you mean `report.pdf`?")
        );
    }

    /// An explanation of plain words keeps only its text and makes its
    /// HTML again when asked; any other keeps the HTML it was rendered as.
    /// Either way the HTML is what the Markdown renders as.
    #[test]
    fn an_explanation_gives_back_the_html_it_was_rendered_as() {
        let catalog = pier();
        let config = SiteConfig::default();
        let explanations = [
            (
                "Plain words, as most are.",
                "<p>Plain words, as most are.</p>\n",
                "Plain words, as most are.",
                false,
            ),
            (
                "Fish & chips cost < 5 > 4, said \"Kim\" ('the mayor').",
                "<p>Fish &amp; chips cost &lt; 5 &gt; 4, said “Kim” (‘the mayor’).</p>\n",
                "Fish & chips cost < 5 > 4, said “Kim” (‘the mayor’).",
                false,
            ),
            (
                "Smart -- dashes... and \\*escapes\\*.",
                "<p>Smart – dashes… and *escapes*.</p>\n",
                "Smart – dashes… and *escapes*.",
                false,
            ),
            (
                "Two lines\n    of one paragraph.",
                "<p>Two lines\nof one paragraph.</p>\n",
                "Two lines of one paragraph.",
                true,
            ),
            (
                "**Bold** and a [link](https://harbour.gov/).",
                "<p><strong>Bold</strong> and a <a href=\"https://harbour.gov/\">link</a>.</p>\n",
                "Bold and a link.",
                true,
            ),
            ("- a list", "<ul>\n<li>a list</li>\n</ul>\n", "a list", true),
        ];
        for (written, html, text, holds_html) in explanations {
            let yaml = serde_json::to_string(written).unwrap();
            let file = SourceFile::new(
                "content/briefings/pier/index.md",
                PIER.replace(
                    "explanation: See ![The post](post.jpg).",
                    &format!("explanation: {yaml}"),
                ),
            );
            let (parsed, diagnostics, _) = briefing_in(&file, &config, &catalog, Bodies::Kept);
            assert!(diagnostics.is_empty(), "{written}: {diagnostics:?}");
            let claim = &parsed.unwrap().0.claims[0];
            let explanation = claim.explanation();
            assert_eq!(explanation.html(), html, "{written}");
            assert_eq!(explanation.text(), text, "{written}");
            assert_eq!(explanation.holds_html(), holds_html, "{written}");
        }
    }
}
