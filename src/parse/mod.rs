//! From file text to model types: front matter checked field by field,
//! Markdown rendered, dates and addresses parsed.
//!
//! Each file parses on its own, so this stage runs in parallel. What needs
//! the whole site (does this speaker exist?) waits for `resolve` and
//! `validate`.

pub(crate) mod front_matter;
pub(crate) mod highlight;
pub(crate) mod markdown;
pub(crate) mod yaml;

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use indexmap::IndexMap;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::config::{check_url, SiteConfig};
use crate::diagnostic::Diagnostic;
use crate::load::SourceFile;
use crate::model::{
    Author, Body, Briefing, Claim, Correction, Link, Origin, Page, Source, Speaker,
};
use markdown::Placement;
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
}

/// Collects the field-level problems of one file.
struct Fields<'a> {
    file: &'a Path,
    spans: &'a Spans,
    diagnostics: Vec<Diagnostic>,
    /// Fields whose problem the YAML reading already reported (a misspelt
    /// name, a value of the wrong shape), so they are not also "missing".
    reported: Vec<String>,
    /// Of those, the ones whose value had the wrong shape: nothing under
    /// them was read either.
    misshapen: Vec<String>,
}

impl<'a> Fields<'a> {
    fn new(file: &'a Path, spans: &'a Spans, yaml_diagnostics: Vec<Diagnostic>) -> Self {
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
    named
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Whether `path` is the text of a page bundle: an `index.md` in a folder
/// of its own, not one directly in `briefings/` or `pages/`.
pub fn is_bundle_index(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == "index.md")
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
    let (raw, yaml_diagnostics) = yaml::from_str_recovering::<R>(split.yaml, path, offset);
    let Some(raw) = raw else {
        return Err(yaml_diagnostics);
    };
    Ok(Document {
        raw,
        spans: Arc::new(Spans::new(split.yaml.to_owned(), offset)),
        yaml_diagnostics,
        body: split.body,
        body_line_offset: split.body_line_offset,
    })
}

/// Renders a document's body.
fn body(text: &str, line_offset: usize, config: &SiteConfig) -> Body {
    Body::from(markdown::render(
        text,
        config,
        Placement::Body { line_offset },
    ))
}

/// Renders the Markdown written in front matter fields (explanations,
/// corrections), keeping their links to be checked like the body's.
struct FieldMarkdown<'a> {
    config: &'a SiteConfig,
    spans: &'a Spans,
    /// The briefing's own page, to make `#anchor` links absolute with.
    page_url: String,
    links: Vec<Link>,
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
        );
        self.links.extend(rendered.links);
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
    let path = file.path.as_path();
    let doc = match document::<RawBriefing>(file) {
        Ok(doc) => doc,
        Err(diagnostics) => return (None, diagnostics),
    };
    let mut raw = doc.raw;
    let spans = doc.spans;
    let mut f = Fields::new(path, &spans, doc.yaml_diagnostics);
    let head = head(&mut raw, &mut f);
    let speakers = raw
        .speakers
        .map(|map| speakers(map, "speakers", path, &mut f))
        .unwrap_or_default();
    let sources = raw
        .sources
        .map(|map| sources(map, "sources", path, &mut f))
        .unwrap_or_default();

    let mut markdown = FieldMarkdown {
        config,
        spans: &spans,
        page_url: format!("{}briefings/{}/", config.base_path, slug_of(path)),
        links: Vec::new(),
    };
    let claims = raw
        .claims
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(index, raw)| claim(raw, index, &mut f, &mut markdown))
        .collect();
    let corrections = corrections(raw.corrections.unwrap_or_default(), &mut f, &mut markdown);
    let mut body = body(doc.body, doc.body_line_offset, config);
    body.links.extend(markdown.links);

    // A briefing missing its title, summary or date is kept with the gaps
    // empty (they are reported above) so its references are still checked;
    // the errors stop the build before anything is rendered.
    let briefing = Briefing {
        image: None,
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
    (Some((briefing, spans)), diagnostics)
}

/// The fields that say what a briefing is and when it was published.
struct Head {
    title: Option<String>,
    summary: Option<String>,
    date: Option<NaiveDate>,
    updated: Option<NaiveDate>,
}

fn head(raw: &mut RawBriefing, f: &mut Fields) -> Head {
    Head {
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
    }
}

fn texts(list: Option<Vec<Text>>) -> Vec<String> {
    list.unwrap_or_default().into_iter().map(|t| t.0).collect()
}

/// One entry of a briefing's `claims:`. A claim missing a field is kept
/// (the field empty, already reported) so its references are still
/// checked and its sources still count as cited.
fn claim(c: RawClaim, index: usize, f: &mut Fields, markdown: &mut FieldMarkdown) -> Claim {
    let field = format!("claims[{index}]");
    let sub = |name: &str| format!("{field}.{name}");
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
    let sources = texts(c.sources);
    if sources.is_empty() && !f.was_reported(&sub("sources")) {
        f.error(&sub("sources"), "claim cites no sources".into(), "every verdict must rest on evidence: add `sources: [id, ...]` naming sources defined under `sources:`");
    }
    Claim {
        image: None,
        id: id.unwrap_or_default(),
        speaker: speaker.unwrap_or_default(),
        text: text.unwrap_or_default(),
        verbatim: c.verbatim.unwrap_or(false),
        date,
        appearance,
        verdict: verdict.unwrap_or_default(),
        explanation_html: explanation
            .as_deref()
            .map(|md| markdown.render(md, &sub("explanation")))
            .unwrap_or_default(),
        explanation_text: explanation
            .as_deref()
            .map(markdown::plain_text)
            .unwrap_or_default(),
        sources,
        index,
    }
}

/// A briefing's `corrections:`; one missing its date or text is reported
/// and left out.
fn corrections(
    raw: Vec<RawCorrection>,
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
    field: &str,
    path: &Path,
    f: &mut Fields,
) -> IndexMap<String, Speaker> {
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
        out.insert(
            id.0.clone(),
            Speaker {
                image: None,
                id: id.0,
                name,
                role: raw.role.map(|t| t.0),
                affiliation: raw.affiliation.map(|t| t.0),
                origin: Origin {
                    file: path.to_path_buf(),
                    field: here,
                },
            },
        );
    }
    out
}

fn sources(
    map: UniqueMap<RawSource>,
    field: &str,
    path: &Path,
    f: &mut Fields,
) -> IndexMap<String, Source> {
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
        // Kept without its title (reported missing) so citations still resolve.
        let title = title.unwrap_or_default();
        out.insert(
            id.0.clone(),
            Source {
                file: None,
                id: id.0,
                title,
                publisher: raw.publisher.map(|t| t.0),
                url,
                withheld,
                date,
                accessed,
                archived,
                excerpt: raw.excerpt.map(|t| t.0),
                origin: Origin {
                    file: path.to_path_buf(),
                    field: here,
                },
                hash: 0,
                sort_key: String::new(),
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
    site_file(file, speakers)
}

/// Parses `content/authors.yaml`: a map of author ids, with where each
/// field is written beside it.
pub fn site_authors(file: &SourceFile) -> (Option<SiteEntries<Author>>, Vec<Diagnostic>) {
    site_file(file, authors)
}

fn authors(
    map: UniqueMap<RawAuthor>,
    field: &str,
    path: &Path,
    f: &mut Fields,
) -> IndexMap<String, Author> {
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
                    file: path.to_path_buf(),
                    field: here,
                },
            },
        );
    }
    out
}

/// Parses `content/sources.yaml`: a map of source ids, with where each
/// field is written beside it.
pub fn site_sources(file: &SourceFile) -> (Option<SiteEntries<Source>>, Vec<Diagnostic>) {
    site_file(file, sources)
}

/// Parses a site-wide YAML file of entries by id.
fn site_file<R, T>(
    file: &SourceFile,
    entries: fn(UniqueMap<R>, &str, &Path, &mut Fields) -> IndexMap<String, T>,
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
    let spans = Arc::new(Spans::new(file.text.to_string(), Offset::default()));
    let mut f = Fields::new(path, &spans, yaml_diagnostics);
    let entries = entries(map, "", path, &mut f);
    let diagnostics = f.diagnostics;
    (Some((entries, spans)), diagnostics)
}

/// Parses a plain page: front matter with `title` (and optionally
/// `description`, `draft`), then Markdown.
pub fn page(file: &SourceFile, config: &SiteConfig) -> (Option<Page>, Vec<Diagnostic>) {
    let path = file.path.as_path();
    let doc = match document::<RawPage>(file) {
        Ok(doc) => doc,
        Err(diagnostics) => return (None, diagnostics),
    };
    let mut f = Fields::new(path, &doc.spans, doc.yaml_diagnostics);
    let title = f.required(doc.raw.title, "title", "add `title:` with the page's title");
    let body = body(doc.body, doc.body_line_offset, config);
    let page = title.map(|title| Page {
        image: None,
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
