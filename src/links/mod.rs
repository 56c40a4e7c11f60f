//! `brief check --links`: are the sources still where the briefings say?
//!
//! A checked site names its evidence by address: each source's `url` and
//! its `archived` copy, each claim's `appearance` (where it was made) and
//! the archived copy of a claim's image. Addresses rot, and a fact check
//! whose source is gone can no longer be verified by its readers. This
//! stage gathers every distinct address from the site with the places that
//! write it and the claims that cite it, asks each server about it once
//! ([`fetch`]), remembers the answers in the site's
//! `.brief-cache/links.json` so a repeat run is quick ([`cache`]), and sorts
//! what it found into a report: first dead links that leave a reader with
//! no working archived copy (the only errors), then other dead links, then
//! links no server would confirm or deny, then redirects.

pub(crate) mod cache;
pub(crate) mod fetch;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::diagnostic::Position;
use crate::model::Source;
use crate::resolve::{Site, SourceKey};

/// How a run of `--links` behaves.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    /// How long one request may take before the link counts as
    /// unverifiable.
    pub timeout: Duration,
    /// Answers in the cache younger than this are reused.
    pub max_age: Duration,
    /// Ask every server again, whatever the cache holds.
    pub refresh: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            timeout: Duration::from_secs(10),
            max_age: Duration::from_secs(24 * 60 * 60),
            refresh: false,
        }
    }
}

/// What a server said about an address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "lowercase")]
pub(crate) enum Outcome {
    /// A 2xx answer.
    Alive { status: u16 },
    /// A 3xx answer (`status`, the first) whose redirects end alive at
    /// `location`, absolute.
    Redirect { status: u16, location: String },
    /// Gone: 404 or 410 (at the end of any redirects), a redirect to a home
    /// page, an unknown host or a refused connection.
    Dead {
        /// The HTTP status, when the server answered.
        status: Option<u16>,
        /// What went wrong, for a person: `404 Not Found`, `no answer
        /// within 10 s`, `connection refused`.
        reason: String,
    },
    /// No sure answer: a bot wall, a login, a rate limit, server trouble, no
    /// answer in time. Readers may well reach the page.
    Unverifiable {
        status: Option<u16>,
        /// Why, and what to do: `403 Forbidden: the server refuses
        /// automated requests; check it in a browser`.
        reason: String,
    },
}

impl Outcome {
    pub(crate) fn is_dead(&self) -> bool {
        matches!(self, Outcome::Dead { .. })
    }
}

/// Which field writes an address: a source's, or a claim's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Field {
    Url,
    Archived,
    /// A claim's `appearance`: where the claim was made.
    Appearance,
    /// A claim's `image.archived`: a copy of the claim as it appeared.
    ImageArchived,
}

impl Field {
    fn key(self) -> &'static str {
        match self {
            Field::Url => "url",
            Field::Archived => "archived",
            Field::Appearance => "appearance",
            Field::ImageArchived => "image.archived",
        }
    }

    /// Whether the field is a claim's rather than a source's.
    fn of_claim(self) -> bool {
        matches!(self, Field::Appearance | Field::ImageArchived)
    }
}

/// A claim citing a source: the briefing it is in and its id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Citation {
    pub file: PathBuf,
    pub claim: String,
}

/// One place an address is written: the `url` or `archived` field of one
/// source, with the claims citing that source, or a claim's `appearance` or
/// `image.archived`.
#[derive(Clone, Debug)]
pub(crate) struct Use {
    pub file: PathBuf,
    pub position: Position,
    /// The field path, as diagnostics print it: `sources.charter.url`.
    pub field_path: String,
    pub field: Field,
    /// The id of the source, or of the claim, whose field it is.
    pub source: String,
    /// The source's other address: its archived copy for a `url` field, its
    /// `url` for an `archived` one.
    pub other: Option<String>,
    /// The source's document is hosted with the site (`file:`): a copy a
    /// dead address cannot take away.
    pub hosted: bool,
    pub cited_by: Vec<Citation>,
}

/// A distinct address and every place that writes it.
#[derive(Clone, Debug)]
pub(crate) struct Link {
    pub url: String,
    pub uses: Vec<Use>,
}

/// Every address in the site's sources, each once, in the order first
/// written (briefings newest first, then `content/sources.yaml`).
pub(crate) fn collect(site: &Site) -> Vec<Link> {
    let mut links: IndexMap<String, Vec<Use>> = IndexMap::new();
    for briefing in &site.briefings {
        for (id, source) in &briefing.sources {
            let cited_by = briefing
                .claims
                .iter()
                .filter(|c| c.sources.iter().any(|s| s == id))
                .map(|c| Citation {
                    file: briefing.file.clone(),
                    claim: c.id.clone(),
                })
                .collect();
            add_uses(site, &mut links, source, cited_by);
        }
    }
    for (b, briefing) in site.briefings.iter().enumerate() {
        for claim in &briefing.claims {
            add_claim_uses(site, b, &mut links, claim);
        }
    }
    for (i, (id, source)) in site.site_sources.iter().enumerate() {
        let mut cited_by = Vec::new();
        for (b, briefing) in site.briefings.iter().enumerate() {
            for claim in &briefing.claims {
                if claim.sources.iter().any(|s| s == id)
                    && matches!(site.source_for(b, id), Some((SourceKey::Site(j), _)) if j == i)
                {
                    cited_by.push(Citation {
                        file: briefing.file.clone(),
                        claim: claim.id.clone(),
                    });
                }
            }
        }
        add_uses(site, &mut links, source, cited_by);
    }
    links
        .into_iter()
        .map(|(url, uses)| Link { url, uses })
        .collect()
}

fn add_uses(
    site: &Site,
    links: &mut IndexMap<String, Vec<Use>>,
    source: &Source,
    cited_by: Vec<Citation>,
) {
    for (field, url, other) in [
        (Field::Url, source.url(), source.archived()),
        (Field::Archived, source.archived(), source.url()),
    ] {
        let Some(url) = url else { continue };
        links.entry(url.to_string()).or_default().push(Use {
            file: source.origin.file.to_path_buf(),
            position: site.position_of(&source.origin, &source.id, field.key()),
            field_path: source.origin.field_of(&source.id, field.key()),
            field,
            source: source.id.clone(),
            other: other.map(str::to_owned),
            hosted: source.file.is_some(),
            cited_by: cited_by.clone(),
        });
    }
}

/// A claim's own addresses: where it was made, and the archived copy of
/// its image.
fn add_claim_uses(
    site: &Site,
    b: usize,
    links: &mut IndexMap<String, Vec<Use>>,
    claim: &crate::model::Claim,
) {
    let briefing = &site.briefings[b];
    let image_archived = claim.image.as_ref().and_then(|i| i.archived.as_deref());
    for (field, url) in [
        (Field::Appearance, claim.appearance()),
        (Field::ImageArchived, image_archived),
    ] {
        let Some(url) = url else { continue };
        let field_path = format!("claims[{}].{}", claim.index, field.key());
        links.entry(url.to_owned()).or_default().push(Use {
            file: briefing.file.clone(),
            position: site.locate(b, &field_path),
            field_path,
            field,
            source: claim.id.clone(),
            other: None,
            hosted: false,
            cited_by: Vec::new(),
        });
    }
}

/// How bad a finding is, worst first: the order of the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Class {
    /// Dead, and some source giving it as its `url` has no archived copy,
    /// or only a dead one: the reader has nothing left. An error.
    DeadUnarchived,
    /// Dead, but every source using it has a working archived copy (or it
    /// is itself an archived copy, or a claim's address). A warning.
    Dead,
    /// No server would say: a warning that never fails the run.
    Unverifiable,
    /// Moved elsewhere. A warning.
    Redirect,
    /// Moved only to add or drop a trailing slash, or from http to https:
    /// the same document. A note.
    MinorRedirect,
}

/// A link that is not simply alive.
#[derive(Clone, Debug)]
pub(crate) struct Finding {
    pub class: Class,
    pub link: Link,
    pub outcome: Outcome,
}

/// The result of a run: every finding, worst first, and the counts for the
/// summary line.
#[derive(Debug, Default)]
pub(crate) struct Report {
    pub findings: Vec<Finding>,
    /// Distinct addresses checked.
    pub checked: usize,
    /// How many of them were answered from the cache.
    pub from_cache: usize,
    /// Problems with the cache file (unreadable, not written); the run goes on.
    pub cache_warnings: Vec<String>,
    pub elapsed: Duration,
}

impl Report {
    pub(crate) fn count(&self, class: Class) -> usize {
        self.findings.iter().filter(|f| f.class == class).count()
    }

    pub(crate) fn dead(&self) -> usize {
        self.count(Class::DeadUnarchived) + self.count(Class::Dead)
    }

    pub(crate) fn redirected(&self) -> usize {
        self.count(Class::Redirect) + self.count(Class::MinorRedirect)
    }

    /// Addresses that answered, with no redirect.
    pub(crate) fn alive(&self) -> usize {
        self.checked.saturating_sub(self.findings.len())
    }
}

/// Checks every address in `site` (at `root`), asking servers only about
/// those the cache cannot answer. `on_start` hears, before any request, how
/// many addresses will be requested and how many the cache answered.
pub(crate) fn check(
    site: &Site,
    root: &Path,
    settings: &Settings,
    on_start: &mut dyn FnMut(usize, usize),
) -> anyhow::Result<Report> {
    let start = Instant::now();
    let links = collect(site);
    let now = cache::now();
    let (mut stored, mut cache_warnings) = if settings.refresh {
        (cache::Cache::default(), Vec::new())
    } else {
        match cache::Cache::load(root) {
            Ok(stored) => (stored, Vec::new()),
            Err(warning) => (cache::Cache::default(), vec![warning]),
        }
    };

    // A file that could not be read is written anew even when no address
    // needs asking, so the warning is not repeated on every run.
    let unreadable = !cache_warnings.is_empty();

    let mut outcomes: HashMap<String, Outcome> = HashMap::new();
    let mut wanted = Vec::new();
    for link in &links {
        match stored.fresh(&link.url, settings.max_age, now) {
            Some(outcome) if !settings.refresh => {
                outcomes.insert(link.url.clone(), outcome.clone());
            }
            _ => wanted.push(link.url.clone()),
        }
    }
    let from_cache = outcomes.len();
    on_start(wanted.len(), from_cache);
    if !wanted.is_empty() || unreadable {
        stored.forget_older_than(settings.max_age, now);
        if !wanted.is_empty() {
            let agent = fetch::user_agent(&site.config.base_url);
            for (url, outcome) in fetch::check_all(wanted, settings.timeout, &agent)? {
                stored.insert(url.clone(), outcome.clone(), now);
                outcomes.insert(url, outcome);
            }
        }
        if let Err(warning) = stored.save(root) {
            cache_warnings.push(warning);
        }
    }

    let mut findings: Vec<Finding> = links
        .into_iter()
        .filter_map(|link| {
            let outcome = outcomes.get(&link.url)?.clone();
            let class = classify(&link, &outcome, &outcomes)?;
            Some(Finding {
                class,
                link,
                outcome,
            })
        })
        .collect();
    findings.sort_by(|a, b| {
        (a.class, first_place(&a.link), &a.link.url).cmp(&(
            b.class,
            first_place(&b.link),
            &b.link.url,
        ))
    });
    Ok(Report {
        findings,
        checked: outcomes.len(),
        from_cache,
        cache_warnings,
        elapsed: start.elapsed(),
    })
}

fn first_place(link: &Link) -> Option<(&Path, Position)> {
    link.uses
        .iter()
        .map(|u| (u.file.as_path(), u.position))
        .min()
}

/// Which class a link falls in, or `None` when it is alive.
fn classify(link: &Link, outcome: &Outcome, outcomes: &HashMap<String, Outcome>) -> Option<Class> {
    match outcome {
        Outcome::Alive { .. } => None,
        Outcome::Redirect { location, .. } => Some(if is_minor_redirect(&link.url, location) {
            Class::MinorRedirect
        } else {
            Class::Redirect
        }),
        Outcome::Unverifiable { .. } => Some(Class::Unverifiable),
        Outcome::Dead { .. } => {
            let stranded = link.uses.iter().any(|u| {
                u.field == Field::Url
                    && !u.hosted
                    && u.other
                        .as_ref()
                        .is_none_or(|archived| outcomes.get(archived).is_none_or(Outcome::is_dead))
            });
            Some(if stranded {
                Class::DeadUnarchived
            } else {
                Class::Dead
            })
        }
    }
}

/// Whether a redirect leads to the same document: only a trailing slash
/// added or dropped, or `http` become `https`, or both.
pub(crate) fn is_minor_redirect(from: &str, to: &str) -> bool {
    minor_change(from, to).is_some()
}

/// What a minor redirect changes, for the report: `adds a trailing slash`.
fn minor_change(from: &str, to: &str) -> Option<&'static str> {
    let (Ok(mut from), Ok(mut to)) = (url::Url::parse(from), url::Url::parse(to)) else {
        return None;
    };
    // A fragment never reaches the server.
    from.set_fragment(None);
    to.set_fragment(None);
    let to_https = from.scheme() == "http" && to.scheme() == "https";
    let trimmed = |u: &url::Url| u.path().trim_end_matches('/').to_owned();
    let same = (from.scheme() == to.scheme() || to_https)
        && from.host_str() == to.host_str()
        // An explicit port stays the same; default ports differ by scheme.
        && (from.port() == to.port() || (to_https && from.port().is_none() && to.port().is_none()))
        && trimmed(&from) == trimmed(&to)
        && from.query() == to.query();
    if !same || from == to {
        return None;
    }
    let slash = match (from.path().ends_with('/'), to.path().ends_with('/')) {
        (false, true) => Some("adds a trailing slash"),
        (true, false) => Some("drops the trailing slash"),
        _ => None,
    };
    Some(match (to_https, slash) {
        (true, None) => "moves to https",
        (true, Some(_)) => "moves to https and changes the trailing slash",
        (false, Some(slash)) => slash,
        (false, None) => "the same address",
    })
}

/// The report as the terminal shows it: one block per finding, worst first.
/// `quiet` leaves out everything but the errors.
pub(crate) fn render(report: &Report, quiet: bool) -> String {
    let mut out = String::new();
    if !quiet {
        for warning in &report.cache_warnings {
            let _ = writeln!(out, "warning: {warning}\n");
        }
    }
    for finding in &report.findings {
        if quiet && finding.class != Class::DeadUnarchived {
            continue;
        }
        render_finding(finding, &mut out);
        out.push('\n');
    }
    out
}

fn render_finding(finding: &Finding, out: &mut String) {
    let url = &finding.link.url;
    let (label, headline, hint) = match (&finding.class, &finding.outcome) {
        (Class::DeadUnarchived, Outcome::Dead { reason, .. }) => (
            "error",
            format!("dead link with no working archived copy: {url} ({reason})"),
            "find where the document moved and update `url:`, or add `archived:` with a copy from a web archive",
        ),
        (_, Outcome::Dead { reason, .. }) => (
            "warning",
            format!("dead link: {url} ({reason})"),
            dead_hint(&finding.link),
        ),
        (_, Outcome::Unverifiable { reason, .. }) => (
            "warning",
            format!("unverifiable link: {url} ({reason})"),
            "brief could not tell whether readers can open it; this never fails the check",
        ),
        (Class::MinorRedirect, Outcome::Redirect { status, location }) => (
            "note",
            format!(
                "redirected link: {url} -> {location} ({}; {})",
                status_text(*status),
                minor_change(url, location).unwrap_or("the same document")
            ),
            "",
        ),
        (_, Outcome::Redirect { status, location }) => (
            "warning",
            format!("redirected link: {url} -> {location} ({})", status_text(*status)),
            "update the address to where the document now is",
        ),
        (_, Outcome::Alive { .. }) => return,
    };
    let _ = writeln!(out, "{label}: {headline}");
    for u in &finding.link.uses {
        let what = match u.field {
            Field::Url => format!("url of source `{}`", u.source),
            Field::Archived => format!("archived copy of source `{}`", u.source),
            Field::Appearance => format!("appearance of claim `{}`", u.source),
            Field::ImageArchived => format!("archived copy of the image of claim `{}`", u.source),
        };
        let _ = writeln!(
            out,
            "  --> {}:{}:{}: {what} ({})",
            u.file.display(),
            u.position.line,
            u.position.column,
            u.field_path
        );
        if finding.class == Class::MinorRedirect {
            continue;
        }
        // Whether readers have a copy matters as much when no server would
        // say whether the page works.
        let in_doubt = matches!(
            finding.outcome,
            Outcome::Dead { .. } | Outcome::Unverifiable { .. }
        );
        match (u.field, &u.other) {
            (Field::Url, Some(archived)) if in_doubt => {
                let _ = writeln!(out, "      archived copy: {archived}");
            }
            (Field::Url, None) if in_doubt => {
                let _ = writeln!(out, "      no archived copy");
            }
            _ => {}
        }
        if u.field.of_claim() {
            continue;
        }
        if u.cited_by.is_empty() {
            let _ = writeln!(out, "      cited by no claim");
        }
        for citation in &u.cited_by {
            let _ = writeln!(
                out,
                "      cited by claim `{}` in {}",
                citation.claim,
                citation.file.display()
            );
        }
    }
    if finding.class != Class::MinorRedirect {
        let _ = writeln!(out, "  = hint: {hint}");
    }
}

/// What to do about a dead link that leaves readers a way to the document.
fn dead_hint(link: &Link) -> &'static str {
    if link.uses.iter().all(|u| u.field == Field::Archived) {
        "replace `archived:` with a working copy of the document"
    } else if link.uses.iter().all(|u| u.field == Field::ImageArchived) {
        "replace `image.archived:` with a working copy of the claim as it appeared"
    } else if link.uses.iter().all(|u| u.field.of_claim()) {
        "readers lose the way to where the claim was made: update `appearance:`, and keep a copy in the claim's `image.archived:`"
    } else {
        "readers still have the archived copy; update `url:` if the document moved"
    }
}

/// `404 Not Found`, or the bare number for a status with no name.
pub(crate) fn status_text(status: u16) -> String {
    match reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(reason) => format!("{status} {reason}"),
        None => status.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_slash_and_https_redirects_are_minor() {
        assert!(is_minor_redirect("http://a.org/x", "http://a.org/x/"));
        assert!(is_minor_redirect("http://a.org/x/", "http://a.org/x"));
        assert!(is_minor_redirect("http://a.org/x", "https://a.org/x"));
        assert!(is_minor_redirect("http://a.org/x", "https://a.org/x/"));
        assert!(is_minor_redirect("http://a.org/x#part", "http://a.org/x/"));
    }

    #[test]
    fn minor_redirects_say_what_changed() {
        assert_eq!(
            minor_change("http://a.org/x", "http://a.org/x/"),
            Some("adds a trailing slash")
        );
        assert_eq!(
            minor_change("http://a.org/x/", "http://a.org/x"),
            Some("drops the trailing slash")
        );
        assert_eq!(
            minor_change("http://a.org/x", "https://a.org/x"),
            Some("moves to https")
        );
    }

    #[test]
    fn redirects_elsewhere_are_not_minor() {
        assert!(!is_minor_redirect("http://a.org/x", "http://a.org/y"));
        assert!(!is_minor_redirect("http://a.org/x", "http://b.org/x"));
        assert!(!is_minor_redirect("https://a.org/x", "http://a.org/x"));
        assert!(!is_minor_redirect(
            "http://a.org/x?p=1",
            "http://a.org/x/?p=2"
        ));
        assert!(!is_minor_redirect(
            "http://a.org:8080/x",
            "http://a.org:9090/x/"
        ));
        assert!(!is_minor_redirect("http://a.org/x", "http://a.org/x"));
        assert!(!is_minor_redirect("http://a.org/x", "not a url"));
    }

    fn link(url: &str, field: Field, other: Option<&str>) -> Link {
        Link {
            url: url.into(),
            uses: vec![Use {
                file: "content/briefings/a.md".into(),
                position: Position::start(),
                field_path: "sources.s.url".into(),
                field,
                source: "s".into(),
                other: other.map(str::to_owned),
                hosted: false,
                cited_by: Vec::new(),
            }],
        }
    }

    fn dead() -> Outcome {
        Outcome::Dead {
            status: Some(404),
            reason: "404 Not Found".into(),
        }
    }

    #[test]
    fn a_dead_link_is_an_error_unless_a_working_copy_is_archived() {
        let mut outcomes = HashMap::new();
        outcomes.insert(
            "https://archive.org/ok".to_owned(),
            Outcome::Alive { status: 200 },
        );
        outcomes.insert("https://archive.org/gone".to_owned(), dead());
        let class = |l: &Link| classify(l, &dead(), &outcomes);
        assert_eq!(
            class(&link("https://a.org/x", Field::Url, None)),
            Some(Class::DeadUnarchived)
        );
        assert_eq!(
            class(&link(
                "https://a.org/x",
                Field::Url,
                Some("https://archive.org/gone")
            )),
            Some(Class::DeadUnarchived)
        );
        assert_eq!(
            class(&link(
                "https://a.org/x",
                Field::Url,
                Some("https://archive.org/ok")
            )),
            Some(Class::Dead)
        );
        assert_eq!(
            class(&link(
                "https://archive.org/gone",
                Field::Archived,
                Some("https://a.org/x")
            )),
            Some(Class::Dead)
        );
    }

    #[test]
    fn status_text_names_known_statuses() {
        assert_eq!(status_text(404), "404 Not Found");
        assert_eq!(status_text(599), "599");
    }
}
