//! Pages from the site model, through Tera templates, in parallel.
//!
//! Templates never see the model itself: each receives view structs made for
//! it (documented in the README's template reference), with URLs, display
//! dates and tallies ready to print. Views shared by many pages, such as a
//! claim's card, are built once and borrowed by every page that shows them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::diagnostic::{Diagnostic, Position};
use crate::load::SourceFile;
use crate::model::{Source, Verdict};
use crate::resolve::{ClaimRef, Site};
use crate::theme;

/// One file of the built site: its path under the output folder and bytes.
pub type OutputFile = (PathBuf, Vec<u8>);

/// The compiled templates, and where each one's text came from so a render
/// error can point into the right file.
pub struct Templates {
    tera: Tera,
    files: HashMap<String, (PathBuf, String)>,
}

impl Templates {
    fn error(&self, err: &tera::Error, page_template: &str) -> Diagnostic {
        let message = error_chain(err);
        // The innermost template named in the chain is where it went wrong.
        let name = message
            .split('\'')
            .rfind(|part| self.files.contains_key(*part))
            .unwrap_or(page_template);
        let (path, text) = &self.files[name];
        template_error(err, path, text)
    }
}

/// Compiles the built-in templates with the site's overrides on top.
pub fn templates(overrides: &[(String, SourceFile)]) -> Result<Templates, Vec<Diagnostic>> {
    let mut sources: Vec<(String, String, PathBuf)> = theme::TEMPLATES
        .iter()
        .map(|(name, text)| (name.to_string(), text.to_string(), builtin_path(name)))
        .collect();
    for (name, file) in overrides {
        match sources.iter_mut().find(|(n, ..)| n == name) {
            Some(entry) => *entry = (name.clone(), file.text.clone(), file.path.clone()),
            None => sources.push((name.clone(), file.text.clone(), file.path.clone())),
        }
    }
    // Parse each template alone first, so every broken one is reported.
    let mut diagnostics = Vec::new();
    for (name, text, path) in &sources {
        if let Err(err) = tera::Template::new(name, None, text) {
            diagnostics.push(template_error(&err, path, text));
        }
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    tera.set_escape_fn(escape_html);
    let pairs: Vec<(&str, &str)> = sources
        .iter()
        .map(|(n, t, _)| (n.as_str(), t.as_str()))
        .collect();
    tera.add_raw_templates(pairs).map_err(|err| {
        vec![
            Diagnostic::error("templates", Position::start(), error_chain(&err)).with_hint(
                "a template extends, includes or imports a template that does not exist",
            ),
        ]
    })?;
    let files = sources
        .into_iter()
        .map(|(name, text, path)| (name, (path, text)))
        .collect();
    Ok(Templates { tera, files })
}

/// Escapes what HTML needs escaped. Tera's own escaper also turns every `/`
/// into `&#x2F;`, which is safe but makes every URL in the source unreadable.
fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            _ => out.push(c),
        }
    }
    out
}

fn builtin_path(name: &str) -> PathBuf {
    PathBuf::from(format!("templates/{name} (built-in)"))
}

/// Tera reports parse errors as ` --> line:column` in its message; a render
/// error names a variable, which we look for in the template's text.
fn template_error(err: &tera::Error, path: &Path, text: &str) -> Diagnostic {
    let message = error_chain(err);
    let position = message
        .split_once("--> ")
        .and_then(|(_, rest)| {
            let end = rest
                .find(|c: char| !c.is_ascii_digit() && c != ':')
                .unwrap_or(rest.len());
            let (line, column) = rest[..end].split_once(':')?;
            Some(Position::new(line.parse().ok()?, column.parse().ok()?))
        })
        .or_else(|| {
            let name = message.split('`').nth(1)?;
            text.lines().enumerate().find_map(|(i, line)| {
                line.find(name)
                    .map(|col| Position::new(i + 1, line[..col].chars().count() + 1))
            })
        })
        .unwrap_or_default();
    let position = if position.line == 0 {
        Position::start()
    } else {
        position
    };
    // A parse error carries Tera's own drawing of the line; we draw our own,
    // so keep only its explanation (the `= expected ...` line).
    let explanation: Vec<&str> = message
        .lines()
        .filter_map(|l| l.trim().strip_prefix("= "))
        .collect();
    let summary = if explanation.is_empty() {
        message
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        format!("cannot parse the template: {}", explanation.join("; "))
    };
    Diagnostic::error(path, position, format!("template error: {summary}"))
        .with_hint("check the template against the template reference in the README (variables each template receives, Tera syntax)")
}

fn error_chain(err: &tera::Error) -> String {
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

// ---------------------------------------------------------------- views

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    language: &'a str,
    base_url: &'a str,
    base_path: &'a str,
    publisher: PublisherView<'a>,
    pages: Vec<NavPage>,
    verdicts: &'a [VerdictView],
}

#[derive(Serialize)]
struct PublisherView<'a> {
    name: &'a str,
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct NavPage {
    title: String,
    url: String,
}

#[derive(Serialize, Clone)]
struct VerdictView {
    id: String,
    label: String,
    rating: Option<u32>,
    url: String,
    tone: &'static str,
    count: usize,
}

#[derive(Serialize)]
struct TallyView {
    total: usize,
    entries: Vec<TallyEntry>,
}

#[derive(Serialize)]
struct TallyEntry {
    verdict: VerdictView,
    count: usize,
    percent: f64,
}

#[derive(Serialize, Clone)]
struct SpeakerRef {
    id: String,
    name: String,
    role: Option<String>,
    affiliation: Option<String>,
    url: String,
}

#[derive(Serialize, Clone)]
struct SourceView {
    id: String,
    anchor: String,
    sources_url: String,
    title: String,
    publisher: Option<String>,
    url: Option<String>,
    withheld: Option<String>,
    date: Option<String>,
    date_display: Option<String>,
    accessed: Option<String>,
    accessed_display: Option<String>,
    archived: Option<String>,
    excerpt: Option<String>,
}

#[derive(Serialize)]
struct BriefingLink {
    title: String,
    url: String,
    date: String,
    date_display: String,
}

#[derive(Serialize)]
struct ClaimView {
    id: String,
    anchor: String,
    url: String,
    text: String,
    verbatim: bool,
    date: Option<String>,
    date_display: Option<String>,
    appearance: Option<String>,
    speaker: SpeakerRef,
    verdict: VerdictView,
    explanation: String,
    sources: Vec<SourceView>,
    briefing: BriefingLink,
}

#[derive(Serialize, Clone)]
struct TagView {
    name: String,
    slug: String,
    url: String,
    count: usize,
}

#[derive(Serialize)]
struct BriefingSummary {
    slug: String,
    title: String,
    url: String,
    date: String,
    date_display: String,
    updated: Option<String>,
    updated_display: Option<String>,
    summary: String,
    tags: Vec<TagView>,
    claim_count: usize,
    tally: TallyView,
}

#[derive(Serialize)]
struct BriefingView<'a> {
    #[serde(flatten)]
    summary: &'a BriefingSummary,
    event: Option<&'a str>,
    authors: &'a [String],
    body: &'a str,
    claims: &'a [ClaimView],
    speakers: Vec<SpeakerRef>,
    sources: Vec<SourceView>,
    corrections: Vec<CorrectionView>,
    draft: bool,
}

#[derive(Serialize)]
struct CorrectionView {
    date: String,
    date_display: String,
    text: String,
}

#[derive(Serialize)]
struct SpeakerSummary<'a> {
    #[serde(flatten)]
    speaker: &'a SpeakerRef,
    claim_count: usize,
    tally: TallyView,
}

#[derive(Serialize)]
struct SpeakerPage<'a> {
    #[serde(flatten)]
    speaker: &'a SpeakerRef,
    tally: TallyView,
    claims: Vec<&'a ClaimView>,
}

#[derive(Serialize)]
struct SourceEntry<'a> {
    #[serde(flatten)]
    source: SourceView,
    cited_by: Vec<&'a ClaimView>,
}

#[derive(Serialize)]
struct PageView<'a> {
    title: &'a str,
    description: Option<&'a str>,
    url: String,
    slug: &'a str,
    content: &'a str,
}

fn iso(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

fn display(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// Every view shared between pages, built once per build.
struct Views {
    verdicts: Vec<VerdictView>,
    speakers: HashMap<String, SpeakerRef>,
    claims: Vec<Vec<ClaimView>>,
    briefings: Vec<BriefingSummary>,
    tags: HashMap<String, TagView>,
}

fn verdict_views(site: &Site) -> Vec<VerdictView> {
    site.config
        .scale
        .iter()
        .map(|v: &Verdict| VerdictView {
            id: v.id.clone(),
            label: v.label.clone(),
            rating: v.rating,
            url: format!(
                "{}verdicts/{}/",
                site.config.base_path,
                slug::slugify(&v.id)
            ),
            tone: v.tone.as_str(),
            count: site.claims_by_verdict.get(&v.id).map_or(0, Vec::len),
        })
        .collect()
}

fn tally<'a>(verdicts: &[VerdictView], ids: impl Iterator<Item = &'a str>) -> TallyView {
    let mut counts = vec![0usize; verdicts.len()];
    let mut total = 0;
    for id in ids {
        if let Some(i) = verdicts.iter().position(|v| v.id == id) {
            counts[i] += 1;
            total += 1;
        }
    }
    let entries = verdicts
        .iter()
        .zip(counts)
        .filter(|(_, count)| *count > 0)
        .map(|(verdict, count)| TallyEntry {
            verdict: verdict.clone(),
            count,
            percent: (count as f64 * 1000.0 / total as f64).round() / 10.0,
        })
        .collect();
    TallyView { total, entries }
}

fn source_view(site: &Site, key: &crate::resolve::SourceKey, source: &Source) -> SourceView {
    let anchor = site.source_anchor(key).unwrap_or_default().to_owned();
    SourceView {
        id: source.id.clone(),
        sources_url: format!("{}sources/#{anchor}", site.config.base_path),
        anchor,
        title: source.title.clone(),
        publisher: source.publisher.clone(),
        url: source.url.clone(),
        withheld: source.withheld.clone(),
        date: source.date.map(iso),
        date_display: source.date.map(display),
        accessed: source.accessed.map(iso),
        accessed_display: source.accessed.map(display),
        archived: source.archived.clone(),
        excerpt: source.excerpt.clone(),
    }
}

fn build_views(site: &Site) -> Views {
    let base = &site.config.base_path;
    let verdicts = verdict_views(site);
    let speakers: HashMap<String, SpeakerRef> = site
        .speakers
        .values()
        .map(|s| {
            (
                s.id.clone(),
                SpeakerRef {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    role: s.role.clone(),
                    affiliation: s.affiliation.clone(),
                    url: format!("{base}speakers/{}/", s.id),
                },
            )
        })
        .collect();
    let tags: HashMap<String, TagView> = site
        .tags
        .iter()
        .map(|(slug, entry)| {
            (
                slug.clone(),
                TagView {
                    name: entry.name.clone(),
                    slug: slug.clone(),
                    url: format!("{base}tags/{slug}/"),
                    count: entry.briefings.len(),
                },
            )
        })
        .collect();

    let claims: Vec<Vec<ClaimView>> = site
        .briefings
        .par_iter()
        .enumerate()
        .map(|(b, briefing)| {
            let url = format!("{base}briefings/{}/", briefing.slug);
            briefing
                .claims
                .iter()
                .map(|claim| {
                    let speaker = site
                        .speaker_for(b, &claim.speaker)
                        .map(|s| {
                            let mut view = speakers[&s.id].clone();
                            // A briefing's own definition may add a role for this occasion.
                            view.role = s.role.clone().or(view.role);
                            view.affiliation = s.affiliation.clone().or(view.affiliation);
                            view
                        })
                        .unwrap_or_else(|| SpeakerRef {
                            id: claim.speaker.clone(),
                            name: claim.speaker.clone(),
                            role: None,
                            affiliation: None,
                            url: format!("{base}speakers/"),
                        });
                    let verdict = verdicts
                        .iter()
                        .find(|v| v.id == claim.verdict)
                        .cloned()
                        .unwrap_or_else(|| verdicts[verdicts.len() - 1].clone());
                    let sources = claim
                        .sources
                        .iter()
                        .filter_map(|id| site.source_for(b, id))
                        .map(|(key, source)| source_view(site, &key, source))
                        .collect();
                    ClaimView {
                        id: claim.id.clone(),
                        anchor: format!("claim-{}", claim.id),
                        url: format!("{url}#claim-{}", claim.id),
                        text: claim.text.clone(),
                        verbatim: claim.verbatim,
                        date: claim.date.map(iso),
                        date_display: claim.date.map(display),
                        appearance: claim.appearance.clone(),
                        speaker,
                        verdict,
                        explanation: claim.explanation_html.clone(),
                        sources,
                        briefing: BriefingLink {
                            title: briefing.title.clone(),
                            url: url.clone(),
                            date: iso(briefing.date),
                            date_display: display(briefing.date),
                        },
                    }
                })
                .collect()
        })
        .collect();

    let briefings = site
        .briefings
        .iter()
        .map(|briefing| BriefingSummary {
            slug: briefing.slug.clone(),
            title: briefing.title.clone(),
            url: format!("{base}briefings/{}/", briefing.slug),
            date: iso(briefing.date),
            date_display: display(briefing.date),
            updated: briefing.updated.map(iso),
            updated_display: briefing.updated.map(display),
            summary: briefing.summary.clone(),
            tags: unique_tags(&briefing.tags)
                .iter()
                .filter_map(|t| tags.get(&Site::tag_slug(t)).cloned())
                .collect(),
            claim_count: briefing.claims.len(),
            tally: tally(
                &verdicts,
                briefing.claims.iter().map(|c| c.verdict.as_str()),
            ),
        })
        .collect();

    Views {
        verdicts,
        speakers,
        claims,
        briefings,
        tags,
    }
}

fn unique_tags(tags: &[String]) -> Vec<&String> {
    let mut seen = std::collections::HashSet::new();
    tags.iter()
        .filter(|t| seen.insert(Site::tag_slug(t)))
        .collect()
}

/// What one page is: which template, at which path.
enum Job<'a> {
    Index,
    Briefing(usize),
    Speakers,
    Speaker(&'a str),
    Sources,
    Verdicts,
    Verdict(usize),
    Tags,
    Tag(&'a str),
    Page(usize),
    NotFound,
}

/// Renders every page of the site. Template errors come back as diagnostics,
/// all of them, rather than the first.
pub fn render(site: &Site, templates: &Templates) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let views = build_views(site);
    let base = &site.config.base_path;
    let site_view = SiteView {
        title: &site.config.title,
        description: &site.config.description,
        language: &site.config.language,
        base_url: &site.config.base_url,
        base_path: base,
        publisher: PublisherView {
            name: &site.config.publisher.name,
            url: site.config.publisher.url.as_deref(),
        },
        pages: site
            .pages
            .iter()
            .map(|p| NavPage {
                title: p.title.clone(),
                url: format!("{base}{}/", p.slug),
            })
            .collect(),
        verdicts: &views.verdicts,
    };
    let mut base_context = Context::new();
    base_context.insert("site", &site_view);

    let mut jobs = vec![
        Job::Index,
        Job::Speakers,
        Job::Sources,
        Job::Verdicts,
        Job::Tags,
        Job::NotFound,
    ];
    jobs.extend((0..site.briefings.len()).map(Job::Briefing));
    jobs.extend(site.speakers.keys().map(|id| Job::Speaker(id)));
    jobs.extend((0..views.verdicts.len()).map(Job::Verdict));
    jobs.extend(site.tags.keys().map(|slug| Job::Tag(slug)));
    jobs.extend((0..site.pages.len()).map(Job::Page));

    let results: Vec<Result<OutputFile, Diagnostic>> = jobs
        .par_iter()
        .map(|job| render_job(site, templates, &views, &base_context, job))
        .collect();
    let mut files = Vec::with_capacity(results.len());
    let mut diagnostics = Vec::new();
    for result in results {
        match result {
            Ok(file) => files.push(file),
            Err(d) => {
                if !diagnostics.contains(&d) {
                    diagnostics.push(d);
                }
            }
        }
    }
    if diagnostics.is_empty() {
        Ok(files)
    } else {
        Err(diagnostics)
    }
}

fn claims_of<'a>(views: &'a Views, refs: Option<&Vec<ClaimRef>>) -> Vec<&'a ClaimView> {
    refs.map(|refs| {
        refs.iter()
            .map(|r| &views.claims[r.briefing][r.claim])
            .collect()
    })
    .unwrap_or_default()
}

fn render_job(
    site: &Site,
    templates: &Templates,
    views: &Views,
    base: &Context,
    job: &Job,
) -> Result<OutputFile, Diagnostic> {
    let base_path = &site.config.base_path;
    let mut context = base.clone();
    let (template, path, url): (&str, PathBuf, String) = match *job {
        Job::Index => {
            context.insert("briefings", &views.briefings);
            let all = site
                .briefings
                .iter()
                .flat_map(|b| b.claims.iter().map(|c| c.verdict.as_str()));
            context.insert("tally", &tally(&views.verdicts, all));
            ("index.html", "index.html".into(), base_path.clone())
        }
        Job::Briefing(b) => {
            let briefing = &site.briefings[b];
            let mut seen = std::collections::HashSet::new();
            let speakers = views.claims[b]
                .iter()
                .filter(|c| seen.insert(c.speaker.id.clone()))
                .map(|c| c.speaker.clone())
                .collect();
            let mut seen = std::collections::HashSet::new();
            let sources = views.claims[b]
                .iter()
                .flat_map(|c| c.sources.iter())
                .filter(|s| seen.insert(s.anchor.clone()))
                .cloned()
                .collect();
            let view = BriefingView {
                summary: &views.briefings[b],
                event: briefing.event.as_deref(),
                authors: &briefing.authors,
                body: &briefing.body.html,
                claims: &views.claims[b],
                speakers,
                sources,
                corrections: briefing
                    .corrections
                    .iter()
                    .map(|c| CorrectionView {
                        date: iso(c.date),
                        date_display: display(c.date),
                        text: c.text_html.clone(),
                    })
                    .collect(),
                draft: briefing.draft,
            };
            context.insert("briefing", &view);
            let url = views.briefings[b].url.clone();
            (
                "briefing.html",
                format!("briefings/{}/index.html", briefing.slug).into(),
                url,
            )
        }
        Job::Speakers => {
            let list: Vec<SpeakerSummary> = site
                .speakers
                .keys()
                .map(|id| {
                    let claims = claims_of(views, site.claims_by_speaker.get(id));
                    SpeakerSummary {
                        speaker: &views.speakers[id],
                        claim_count: claims.len(),
                        tally: tally(
                            &views.verdicts,
                            claims.iter().map(|c| c.verdict.id.as_str()),
                        ),
                    }
                })
                .collect();
            context.insert("speakers", &list);
            (
                "speakers.html",
                "speakers/index.html".into(),
                format!("{base_path}speakers/"),
            )
        }
        Job::Speaker(id) => {
            let claims = claims_of(views, site.claims_by_speaker.get(id));
            let speaker = &views.speakers[id];
            let page = SpeakerPage {
                speaker,
                tally: tally(
                    &views.verdicts,
                    claims.iter().map(|c| c.verdict.id.as_str()),
                ),
                claims,
            };
            context.insert("speaker", &page);
            (
                "speaker.html",
                format!("speakers/{id}/index.html").into(),
                speaker.url.clone(),
            )
        }
        Job::Sources => {
            let entries: Vec<SourceEntry> = site
                .sources
                .iter()
                .map(|cited| SourceEntry {
                    source: source_view(site, &cited.key, site.source(&cited.key)),
                    cited_by: cited
                        .cited_by
                        .iter()
                        .map(|r| &views.claims[r.briefing][r.claim])
                        .collect(),
                })
                .collect();
            context.insert("sources", &entries);
            (
                "sources.html",
                "sources/index.html".into(),
                format!("{base_path}sources/"),
            )
        }
        Job::Verdicts => {
            context.insert("verdicts", &views.verdicts);
            (
                "verdicts.html",
                "verdicts/index.html".into(),
                format!("{base_path}verdicts/"),
            )
        }
        Job::Verdict(i) => {
            let verdict = &views.verdicts[i];
            context.insert("verdict", verdict);
            context.insert(
                "claims",
                &claims_of(views, site.claims_by_verdict.get(&verdict.id)),
            );
            let slug = slug::slugify(&verdict.id);
            (
                "verdict.html",
                format!("verdicts/{slug}/index.html").into(),
                verdict.url.clone(),
            )
        }
        Job::Tags => {
            let list: Vec<&TagView> = site.tags.keys().map(|slug| &views.tags[slug]).collect();
            context.insert("tags", &list);
            (
                "tags.html",
                "tags/index.html".into(),
                format!("{base_path}tags/"),
            )
        }
        Job::Tag(slug) => {
            let tag = &views.tags[slug];
            let briefings: Vec<&BriefingSummary> = site.tags[slug]
                .briefings
                .iter()
                .map(|&b| &views.briefings[b])
                .collect();
            context.insert("tag", tag);
            context.insert("briefings", &briefings);
            (
                "tag.html",
                format!("tags/{slug}/index.html").into(),
                tag.url.clone(),
            )
        }
        Job::Page(i) => {
            let page = &site.pages[i];
            let url = format!("{base_path}{}/", page.slug);
            context.insert(
                "page",
                &PageView {
                    title: &page.title,
                    description: page.description.as_deref(),
                    url: url.clone(),
                    slug: &page.slug,
                    content: &page.body.html,
                },
            );
            ("page.html", format!("{}/index.html", page.slug).into(), url)
        }
        Job::NotFound => (
            "404.html",
            "404.html".into(),
            format!("{base_path}404.html"),
        ),
    };
    context.insert("current_url", &url);
    templates
        .tera
        .render(template, &context)
        .map(|html| (path, html.into_bytes()))
        .map_err(|err| templates.error(&err, template))
}
