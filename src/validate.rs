//! Every cross-reference problem in the site, each located where the writer
//! typed the reference.
//!
//! Field-level problems (a missing title, a malformed date) are found while
//! parsing; what needs the whole site is checked here: unknown speakers,
//! sources, verdicts and link targets, duplicate ids and slugs, ids that mean
//! two different things, and sources no claim cites.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::Path;

use crate::diagnostic::{self, Diagnostic, Position};
use crate::model::{Body, Briefing, Claim, Origin, Speaker};
use crate::resolve::Site;

/// Slugs that name the site's own index pages, so a plain page may not take them.
const RESERVED: &[&str] = &[
    "briefings",
    "corrections",
    "speakers",
    "sources",
    "verdicts",
    "tags",
    "authors",
    "404",
    "static",
    "search",
];

/// The checks of one briefing that depend only on the briefing itself and
/// the site-wide `speakers.yaml`, `sources.yaml` and verdict scale, so a
/// rebuild can keep their result while those stay the same.
pub(crate) fn briefing_checks(site: &Site, b: usize) -> Vec<Diagnostic> {
    let briefing = &site.briefings[b];
    let mut out = Vec::new();
    for speaker in briefing.speakers.values() {
        speaker_id(site, speaker, &mut out);
    }
    tags(site, b, &mut out);
    bylines(site, b, &mut out);
    claims(site, b, briefing, &mut out);
    definitions(site, briefing, &mut out);
    sample_content(site, b, &mut out);
    out
}

/// A briefing that is not a draft yet still holds the sample content of
/// `brief new`: one error, at the first sample field, naming the others.
fn sample_content(site: &Site, b: usize, out: &mut Vec<Diagnostic>) {
    use crate::scaffold::sample;
    let briefing = &site.briefings[b];
    if briefing.draft {
        return;
    }
    let mut found: Vec<(String, String)> = Vec::new();
    if briefing.summary.trim() == sample::SUMMARY {
        found.push(("summary".into(), "the sample summary".into()));
    }
    if briefing.event.as_deref().map(str::trim) == Some(sample::EVENT) {
        found.push(("event".into(), "the sample event".into()));
    }
    if let Some(speaker) = briefing.speakers.get(sample::SPEAKER) {
        if speaker.name == sample::SPEAKER_NAME
            && speaker.role.as_deref() == Some(sample::SPEAKER_ROLE)
        {
            found.push((
                speaker.origin.field(&speaker.id),
                format!("the sample speaker `{}`", sample::SPEAKER),
            ));
        }
    }
    for (id, title) in sample::SOURCES {
        if briefing.sources.get(id).is_some_and(|s| s.title() == title) {
            let field = briefing.sources[id].origin.field(id);
            found.push((field, format!("the sample source `{id}`")));
        }
    }
    for claim in &briefing.claims {
        if claim.text().trim() == sample::CLAIM_TEXT {
            found.push((
                format!("claims[{}].text", claim.index),
                "the sample claim".into(),
            ));
        }
        if claim.explanation().text().trim() == sample::EXPLANATION {
            found.push((
                format!("claims[{}].explanation", claim.index),
                "the sample explanation".into(),
            ));
        }
    }
    let Some((field, what)) = found.first() else {
        return;
    };
    let others: Vec<&str> = found[1..].iter().map(|(_, what)| what.as_str()).collect();
    let also = match others.as_slice() {
        [] => String::new(),
        others => format!("; also {}", others.join(", ")),
    };
    out.push(
        Diagnostic::error(
            &briefing.file,
            site.locate(b, field),
            format!(
                "this briefing is not a draft but still holds the sample content of `brief new`: {what}{also}"
            ),
        )
        .with_field(field.clone())
        .with_hint("replace the sample speaker, sources, claim and text with your own, or set `draft: true` until the briefing is ready"),
    );
}

/// Whether `url` is on a domain kept for examples and tests (RFC 2606 and
/// RFC 6761: example.org, example.com, example.net and their subdomains;
/// the top-level domains .example, .test, .invalid and .localhost), which
/// no reader can follow. The name of the domain, if so.
fn placeholder_host(url: &str) -> Option<String> {
    // Checked on every rebuild for every source: parse only the addresses
    // that could be one.
    let could_be = ["example", ".test", ".invalid", ".localhost"]
        .iter()
        .any(|part| contains_ignoring_case(url, part));
    if !could_be {
        return None;
    }
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed
        .host_str()?
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let reserved = ["example.org", "example.com", "example.net"]
        .into_iter()
        .find(|domain| host == *domain || host.ends_with(&format!(".{domain}")))
        .map(str::to_owned);
    reserved.or_else(|| {
        let tld = host.rsplit('.').next()?;
        ["example", "test", "invalid", "localhost"]
            .contains(&tld)
            .then(|| format!(".{tld}"))
    })
}

fn contains_ignoring_case(text: &str, part: &str) -> bool {
    text.as_bytes()
        .windows(part.len())
        .any(|w| w.eq_ignore_ascii_case(part.as_bytes()))
}

/// Whether the site has an address of its own to go live at: not the
/// default `http://localhost/`, nor an address on a placeholder domain. A
/// site without one (a demonstration, a test, a new site not yet given its
/// `base_url`) cannot publish anything at its own address, so placeholder
/// addresses in its content are not refused yet.
fn has_real_address(site: &Site) -> bool {
    let Ok(base) = url::Url::parse(&site.config.base_url) else {
        return false;
    };
    let local = match base.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => true,
    };
    !local && placeholder_host(&site.config.base_url).is_none()
}

/// Placeholder addresses (example.org and the like) in what a published
/// briefing shows readers: its sources' `url` and `archived`, its claims'
/// `appearance`, and the `content/sources.yaml` entries it cites. Checked
/// with the whole site: it depends on the site's address.
fn placeholder_addresses(site: &Site, out: &mut Vec<Diagnostic>) {
    if !has_real_address(site) {
        return;
    }
    let mut site_sources: Vec<Option<&Path>> = vec![None; site.site_sources.len()];
    for (b, briefing) in site.briefings.iter().enumerate() {
        if briefing.draft {
            continue;
        }
        for source in briefing.sources.values() {
            source_addresses(site, source, None, out);
        }
        for claim in &briefing.claims {
            let archived = claim.image.as_ref().and_then(|i| i.archived.as_deref());
            for (sub, url) in [
                ("appearance", claim.appearance()),
                ("image.archived", archived),
            ] {
                let Some(url) = url else { continue };
                if let Some(domain) = placeholder_host(url) {
                    let field = format!("claims[{}].{sub}", claim.index);
                    out.push(placeholder(
                        &briefing.file,
                        site.locate(b, &field),
                        field,
                        url,
                        &domain,
                        None,
                    ));
                }
            }
            for id in &claim.sources {
                if let Some((crate::resolve::SourceKey::Site(i), _)) = site.source_for(b, id) {
                    site_sources[i].get_or_insert(&briefing.file);
                }
            }
        }
    }
    for (i, cited_by) in site_sources.into_iter().enumerate() {
        if let Some(file) = cited_by {
            source_addresses(site, &site.site_sources[i], Some(file), out);
        }
    }
}

fn source_addresses(
    site: &Site,
    source: &crate::model::Source,
    cited_by: Option<&Path>,
    out: &mut Vec<Diagnostic>,
) {
    for (sub, url) in [("url", source.url()), ("archived", source.archived())] {
        let Some(url) = url else { continue };
        if let Some(domain) = placeholder_host(url) {
            out.push(placeholder(
                &source.origin.file,
                site.position_of(&source.origin, &source.id, sub),
                source.origin.field_of(&source.id, sub),
                url,
                &domain,
                cited_by,
            ));
        }
    }
}

fn placeholder(
    file: &Path,
    position: Position,
    field: String,
    url: &str,
    domain: &str,
    cited_by: Option<&Path>,
) -> Diagnostic {
    let whose = match cited_by {
        Some(briefing) => format!("cited by {}, which is not a draft", briefing.display()),
        None => "in a briefing that is not a draft".to_owned(),
    };
    Diagnostic::error(
        file,
        position,
        format!("`{url}` is a placeholder address ({domain} is kept for examples), {whose}"),
    )
    .with_field(field)
    .with_hint("replace it with the real address of the document or recording, or set `draft: true` until the briefing is ready")
}

/// The checks that look across files: slugs, links, ids defined in several
/// places, site-wide sources no claim cites, and the references of the
/// briefings `flagged` (see [`has_unknown_references`]).
pub(crate) fn site_checks(site: &Site, flagged: &[usize]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    slugs(site, &mut out);
    for speaker in site.site_speakers.values() {
        speaker_id(site, speaker, &mut out);
    }
    for author in site.authors.iter().flat_map(|a| a.values()) {
        if !is_id(&author.id) {
            out.push(
                Diagnostic::error(
                    &*author.origin.file,
                    site.position(&author.origin, &author.id),
                    format!("author id `{}` cannot be used in a URL", author.id),
                )
                .with_field(author.origin.field(&author.id))
                .with_hint(format!(
                    "use letters, digits, `-` and `_` only, such as `{}`",
                    slug::slugify(&author.id)
                )),
            );
        }
    }
    for briefing in &site.briefings {
        if !briefing.body.links.is_empty() {
            links(
                site,
                &briefing.file,
                &briefing.body,
                Some(briefing),
                &mut out,
            );
        }
    }
    for page in &site.pages {
        links(site, &page.file, &page.body, None, &mut out);
    }
    references(site, flagged, &mut out);
    placeholder_addresses(site, &mut out);
    speakers_across_briefings(site, &mut out);
    uncited_site_sources(site, &mut out);
    out.extend(crate::config::check_menu(&site.config, &site.pages));
    out
}

fn slugs(site: &Site, out: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<&str, &Path> = HashMap::default();
    for briefing in &site.briefings {
        check_slug(&briefing.slug, &briefing.file, out);
        if let Some(first) = seen.insert(&briefing.slug, &briefing.file) {
            out.push(
                Diagnostic::error(&briefing.file, Position::start(), format!("two briefings have the slug `{}`: this file and {}", briefing.slug, first.display()))
                    .with_hint("slugs come from file names, so rename one of the files; each briefing needs its own URL"),
            );
        }
    }
    let mut seen: HashMap<&str, &Path> = HashMap::default();
    for page in &site.pages {
        check_slug(&page.slug, &page.file, out);
        if RESERVED.contains(&page.slug.as_str()) {
            out.push(
                Diagnostic::error(
                    &page.file,
                    Position::start(),
                    format!(
                        "the page slug `{}` is taken by the site's own `/{}/` page",
                        page.slug, page.slug
                    ),
                )
                .with_hint("rename the file"),
            );
        }
        if let Some(first) = seen.insert(&page.slug, &page.file) {
            out.push(
                Diagnostic::error(
                    &page.file,
                    Position::start(),
                    format!(
                        "two pages have the slug `{}`: this file and {}",
                        page.slug,
                        first.display()
                    ),
                )
                .with_hint("slugs come from file names, so rename one of the files"),
            );
        }
    }
}

/// Speaker ids name pages (`/speakers/<id>/`), so they must be safe in a URL
/// and a file name: no `/`, no `..`, no spaces.
fn speaker_id(site: &Site, speaker: &Speaker, out: &mut Vec<Diagnostic>) {
    if !is_id(&speaker.id) {
        out.push(
            Diagnostic::error(
                &*speaker.origin.file,
                site.position(&speaker.origin, &speaker.id),
                format!("speaker id `{}` cannot be used in a URL", speaker.id),
            )
            .with_field(speaker.origin.field(&speaker.id))
            .with_hint(format!(
                "use letters, digits, `-` and `_` only, such as `{}`",
                slug::slugify(&speaker.id)
            )),
        );
    }
}

fn tags(site: &Site, b: usize, out: &mut Vec<Diagnostic>) {
    let briefing = &site.briefings[b];
    for (i, tag) in briefing.tags.iter().enumerate() {
        if Site::tag_slug(tag).is_empty() {
            let field = format!("tags[{i}]");
            out.push(
                Diagnostic::error(
                    &briefing.file,
                    site.locate(b, &field),
                    format!("tag `{tag}` has no letters or digits to make its URL from"),
                )
                .with_field(field)
                .with_hint("name the tag with words, such as `north-korea`"),
            );
        }
    }
}

/// Once the site has `content/authors.yaml`, a briefing's `authors:` are
/// ids from it, so a byline links to the author's page; a name typed as
/// before would quietly lose its page, so it is reported too.
fn bylines(site: &Site, b: usize, out: &mut Vec<Diagnostic>) {
    let Some(authors) = &site.authors else {
        return;
    };
    let briefing = &site.briefings[b];
    for (i, id) in briefing.authors.iter().enumerate() {
        if authors.contains_key(id) {
            continue;
        }
        let field = format!("authors[{i}]");
        // A name as bylines used to be written finds its author by name.
        let named = authors
            .values()
            .find(|a| !a.name.is_empty() && a.name.to_lowercase() == id.trim().to_lowercase());
        let base = if is_id(id) {
            "add the author to content/authors.yaml, or use the id of one listed there"
        } else {
            "with content/authors.yaml, `authors:` lists author ids, not names: add the author there with an id and use the id here"
        };
        out.push(
            Diagnostic::error(
                &briefing.file,
                site.locate(b, &field),
                format!("unknown author `{id}`"),
            )
            .with_field(field)
            .with_hint(match named {
                Some(author) => format!(
                    "did you mean `{}`? with content/authors.yaml, `authors:` lists author ids, and `{}` is {}'s",
                    author.id, author.id, author.name
                ),
                None => known_hint(base, id, authors.keys()),
            }),
        );
    }
}

/// Letters, digits, `-` and `_`: safe as a URL segment, a file name and an
/// HTML id.
fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn check_slug(slug: &str, file: &Path, out: &mut Vec<Diagnostic>) {
    let ok = !slug.is_empty()
        && slug
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
    if !ok {
        out.push(
            Diagnostic::error(
                file,
                Position::start(),
                format!("the file name `{slug}` cannot be a URL slug"),
            )
            .with_hint(format!(
                "rename the file using only letters, digits and hyphens, such as `{}.md`",
                slug::slugify(slug)
            )),
        );
    }
}

fn claims(site: &Site, b: usize, briefing: &Briefing, out: &mut Vec<Diagnostic>) {
    let mut ids: HashMap<&str, usize> = HashMap::default();
    let mut cited: HashSet<&str> = HashSet::default();
    for claim in &briefing.claims {
        let at = ClaimAt {
            site,
            b,
            field: format!("claims[{}]", claim.index),
        };
        claim_id(&at, claim, &mut ids, out);
        claim_references(&at, claim, out);
        claim_sources(&at, claim, &mut cited, out);
    }
    if citations_whole(site, b) {
        uncited_sources(site, briefing, &cited, out);
    }
}

/// Whether every claim of briefing `b` was read with the sources it cites,
/// each one known. Only then does a source no claim cites mean what the
/// warning says: a claim whose `sources:` is missing, empty, misshapen or
/// mistyped is reported as an error, and the source it meant to cite would
/// be reported a second time, as uncited.
fn citations_whole(site: &Site, b: usize) -> bool {
    let briefing = &site.briefings[b];
    !briefing.is_broken("claims")
        && !briefing.is_broken("sources")
        && briefing.claims.iter().all(|claim| {
            !claim.sources.is_empty()
                && claim
                    .sources
                    .iter()
                    .all(|id| site.source_for(b, id).is_some())
        })
}

/// Where a claim's problems are reported: its briefing and its field.
struct ClaimAt<'a> {
    site: &'a Site,
    b: usize,
    /// `claims[i]`.
    field: String,
}

impl ClaimAt<'_> {
    fn file(&self) -> &Path {
        &self.site.briefings[self.b].file
    }

    /// The path of the claim's field `sub`, such as `claims[2].speaker`.
    fn field(&self, sub: &str) -> String {
        format!("{}.{sub}", self.field)
    }

    fn error(&self, sub: &str, message: String) -> Diagnostic {
        let field = self.field(sub);
        Diagnostic::error(self.file(), self.site.locate(self.b, &field), message).with_field(field)
    }
}

/// A claim's id: unique in its briefing, and safe as an anchor. `ids`
/// holds the ids seen so far, with their claim.
fn claim_id<'c>(
    at: &ClaimAt,
    claim: &'c Claim,
    ids: &mut HashMap<&'c str, usize>,
    out: &mut Vec<Diagnostic>,
) {
    // An empty field was reported as missing while parsing.
    let first = match claim.id.is_empty() {
        true => None,
        false => ids.insert(&claim.id, claim.index),
    };
    if let Some(first) = first {
        out.push(
            at.error(
                "id",
                format!(
                    "claim id `{}` is used twice in this briefing (first by claims[{first}], on line {})",
                    claim.id,
                    at.site.locate(at.b, &format!("claims[{first}].id")).line
                ),
            )
            .with_hint("give each claim its own id: it is the claim's anchor, #claim-<id>"),
        );
    }
    if !claim.id.is_empty() && !is_id(&claim.id) {
        out.push(
            at.error("id", format!("claim id `{}` cannot be an anchor", claim.id))
                .with_hint(format!(
                    "use letters, digits and hyphens only, such as `{}`",
                    slug::slugify(&claim.id)
                )),
        );
    }
}

/// A claim's verdict: one of the site's scale.
fn claim_references(at: &ClaimAt, claim: &Claim, out: &mut Vec<Diagnostic>) {
    let site = at.site;
    if !claim.verdict.is_empty() && site.config.verdict(&claim.verdict).is_none() {
        out.push(
            at.error("verdict", format!("unknown verdict `{}`", claim.verdict))
                .with_hint(known_hint(
                    "use a verdict of the site's scale",
                    &claim.verdict,
                    site.config.scale.iter().map(|v| &v.id),
                )),
        );
    }
}

/// A claim's sources: each cited once (whether each is known is checked
/// with the whole site, in [`references`]). Adds them to `cited`.
fn claim_sources<'c>(
    at: &ClaimAt,
    claim: &'c Claim,
    cited: &mut HashSet<&'c str>,
    out: &mut Vec<Diagnostic>,
) {
    let (site, b) = (at.site, at.b);
    let mut seen_here = HashSet::default();
    for (i, id) in claim.sources.iter().enumerate() {
        let sub = format!("sources[{i}]");
        cited.insert(id);
        if !seen_here.insert(id) {
            let field = at.field(&sub);
            out.push(
                Diagnostic::warning(
                    at.file(),
                    site.locate(b, &field),
                    format!("source `{id}` is cited twice by this claim"),
                )
                .with_field(field)
                .with_hint("remove the repeated id"),
            );
        }
    }
}

/// Whether a claim of briefing `b` names a speaker or source that neither
/// the briefing nor the site-wide files define. It depends on what the
/// briefing's own checks depend on, so it is kept with them, and a rebuild
/// runs [`references`] only for the briefings where it holds: the same
/// lookups for every claim of the site took 4 ms of each save at 1,000
/// briefings.
pub(crate) fn has_unknown_references(site: &Site, b: usize) -> bool {
    site.briefings[b].claims.iter().any(|claim| {
        unknown_speaker(site, b, claim) || unknown_sources(site, b, claim).next().is_some()
    })
}

/// Whether `claim`, of briefing `b`, names a speaker that neither the
/// briefing nor the site-wide files define (a broken `speakers:` is
/// reported where it is broken instead).
fn unknown_speaker(site: &Site, b: usize, claim: &Claim) -> bool {
    !claim.speaker.is_empty()
        && !site.briefings[b].is_broken("speakers")
        && site.speaker_for(b, &claim.speaker).is_none()
}

/// The sources `claim`, of briefing `b`, cites that neither the briefing
/// nor the site-wide files define, with their places in its list.
fn unknown_sources<'c>(
    site: &'c Site,
    b: usize,
    claim: &'c Claim,
) -> impl Iterator<Item = (usize, &'c String)> + 'c {
    let broken = site.briefings[b].is_broken("sources");
    claim
        .sources
        .iter()
        .enumerate()
        .filter(move |(_, id)| !broken && site.source_for(b, id).is_none())
}

/// The claims' speakers and sources of the briefings `flagged` (by index,
/// in order; those for which [`has_unknown_references`] holds): each one
/// its briefing or the site-wide files define. A speaker or source defined
/// in another briefing's front matter is known only to that briefing's
/// claims; the error names where it is and how to share it. Checked with
/// the whole site, not kept with one briefing's checks, as that message
/// reads every briefing.
fn references(site: &Site, flagged: &[usize], out: &mut Vec<Diagnostic>) {
    let mut elsewhere: Option<Elsewhere> = None;
    for &b in flagged {
        let briefing = &site.briefings[b];
        for claim in &briefing.claims {
            let at = ClaimAt {
                site,
                b,
                field: format!("claims[{}]", claim.index),
            };
            if unknown_speaker(site, b, claim) {
                let declared = elsewhere
                    .get_or_insert_with(|| Elsewhere::of(site))
                    .speakers
                    .get(claim.speaker.as_str())
                    .copied();
                out.push(unknown(
                    &at,
                    "speaker",
                    "speaker",
                    &claim.speaker,
                    declared,
                    briefing
                        .speakers
                        .keys()
                        .chain(site.site_speakers.keys().map(String::as_str)),
                ));
            }
            for (i, id) in unknown_sources(site, b, claim) {
                let declared = elsewhere
                    .get_or_insert_with(|| Elsewhere::of(site))
                    .sources
                    .get(id.as_str())
                    .copied();
                out.push(unknown(
                    &at,
                    &format!("sources[{i}]"),
                    "source",
                    id,
                    declared,
                    briefing
                        .sources
                        .keys()
                        .chain(site.site_sources.keys().map(String::as_str)),
                ));
            }
        }
    }
}

/// Where each speaker and source id defined in a briefing's front matter is
/// first defined, to point a claim of another briefing at it.
struct Elsewhere<'a> {
    speakers: HashMap<&'a str, &'a Origin>,
    sources: HashMap<&'a str, &'a Origin>,
}

impl<'a> Elsewhere<'a> {
    fn of(site: &'a Site) -> Self {
        let mut found = Elsewhere {
            speakers: HashMap::default(),
            sources: HashMap::default(),
        };
        for briefing in &site.briefings {
            for (id, speaker) in &briefing.speakers {
                found.speakers.entry(id).or_insert(&speaker.origin);
            }
            for (id, source) in &briefing.sources {
                found.sources.entry(id).or_insert(&source.origin);
            }
        }
        found
    }
}

/// An unknown speaker or source (`kind`) at the claim's field `sub`. When
/// another briefing defines it, the message says where and the hint how
/// to make it known to every briefing.
fn unknown<'k>(
    at: &ClaimAt,
    sub: &str,
    kind: &str,
    id: &str,
    declared: Option<&Origin>,
    known: impl Iterator<Item = &'k str>,
) -> Diagnostic {
    let site_file = format!("content/{kind}s.yaml");
    match declared {
        Some(origin) => at
            .error(
                sub,
                format!(
                    "unknown {kind} `{id}`: it is defined in {}, and a briefing's {kind}s are known only to its own claims",
                    place(at.site, origin, id)
                ),
            )
            .with_hint(format!(
                "move `{id}` from {} to {site_file}, where every briefing can cite it (or define it again under `{kind}s:` in this briefing)",
                origin.file.display()
            )),
        None => at.error(sub, format!("unknown {kind} `{id}`")).with_hint(known_hint(
            &format!("define the {kind} under `{kind}s:` in this briefing or in {site_file}"),
            id,
            known,
        )),
    }
}

/// The briefing's own sources that none of its claims cites.
fn uncited_sources(
    site: &Site,
    briefing: &Briefing,
    cited: &HashSet<&str>,
    out: &mut Vec<Diagnostic>,
) {
    for (id, source) in &briefing.sources {
        if !cited.contains(id) {
            out.push(
                Diagnostic::warning(
                    &briefing.file,
                    site.position(&source.origin, &source.id),
                    format!("source `{id}` is not cited by any claim"),
                )
                .with_field(source.origin.field(&source.id))
                .with_hint("cite it in a claim's `sources:` list, or remove it"),
            );
        }
    }
}

/// Ids that a briefing defines and the site also defines must mean the same
/// thing, or a reader would be sent to the wrong person or document.
fn definitions(site: &Site, briefing: &Briefing, out: &mut Vec<Diagnostic>) {
    for (id, speaker) in &briefing.speakers {
        if let Some(other) = site.site_speakers.get(id) {
            if other.name != speaker.name && !speaker.name.is_empty() {
                out.push(speaker_conflict(site, id, speaker, other));
            }
        }
    }
    for (id, source) in &briefing.sources {
        if let Some(other) = site.site_sources.get(id) {
            if other.url() != source.url() || other.title() != source.title() {
                out.push(conflict(
                    site,
                    &source.origin,
                    id,
                    &format!(
                        "source id `{id}` is already defined for a different source in {}",
                        place(site, &other.origin, id)
                    ),
                    "url",
                ));
            }
        }
    }
}

/// Speaker ids are site-wide: two briefings that define the same id must
/// mean the same person. The first definition (newest briefing) is taken as
/// meant; each other one with another name is an error naming it.
fn speakers_across_briefings(site: &Site, out: &mut Vec<Diagnostic>) {
    let mut first: HashMap<&str, &Speaker> = HashMap::default();
    for briefing in &site.briefings {
        for (id, speaker) in &briefing.speakers {
            if site.site_speakers.contains_key(id) || speaker.name.is_empty() {
                continue;
            }
            match first.get(id) {
                Some(other) if other.name != speaker.name => {
                    out.push(speaker_conflict(site, id, speaker, other))
                }
                Some(_) => {}
                None => {
                    first.insert(id, speaker);
                }
            }
        }
    }
}

/// One speaker id given two different names: reported where `speaker` is.
fn speaker_conflict(site: &Site, id: &str, speaker: &Speaker, other: &Speaker) -> Diagnostic {
    conflict(
        site,
        &speaker.origin,
        id,
        &format!(
            "speaker `{id}` is `{}` here but `{}` in {}",
            speaker.name,
            other.name,
            place(site, &other.origin, id)
        ),
        "name",
    )
}

/// A problem with the entry `id` that `here` places, at its field `sub`.
fn conflict(site: &Site, here: &Origin, id: &str, message: &str, sub: &str) -> Diagnostic {
    Diagnostic::error(&*here.file, site.position_of(here, id, sub), message)
        .with_field(here.field(id))
        .with_hint("an id means one thing across the site: use the same name in both places, or give one of them a different id")
}

fn place(site: &Site, origin: &Origin, id: &str) -> String {
    let p = site.position(origin, id);
    format!("{}:{}:{}", origin.file.display(), p.line, p.column)
}

fn links(
    site: &Site,
    file: &Path,
    body: &Body,
    briefing: Option<&Briefing>,
    out: &mut Vec<Diagnostic>,
) {
    for link in &body.links {
        let problem = check_link(site, &link.target, body, briefing);
        if let Some((message, hint)) = problem {
            let mut d = Diagnostic::error(file, link.position, message).with_hint(hint);
            if let Some(field) = &link.field {
                d = d.with_field(field.clone());
            }
            out.push(d);
        }
    }
}

/// What is wrong with a link, if anything: the message and the hint.
type Problem = Option<(String, String)>;

fn check_link(site: &Site, target: &str, body: &Body, briefing: Option<&Briefing>) -> Problem {
    if let Some(fragment) = target.strip_prefix('#') {
        return check_anchor(target, fragment, body, briefing);
    }
    if target.starts_with('/') {
        return check_root_link(site, target);
    }
    let path = target.strip_prefix("@/")?;
    let (path, fragment) = match path.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (path, None),
    };
    if site.unparsed.contains(path) {
        // The target exists but is broken; its own errors say why.
        return None;
    }
    if path.starts_with("briefings/") {
        return check_briefing_link(site, target, path, fragment);
    }
    if path.starts_with("pages/") {
        return check_page_link(site, target, path, fragment);
    }
    Some((
        format!(
            "link to `{target}`: `@/` links name a file under content/briefings/ or content/pages/"
        ),
        "write it as @/briefings/<file>.md or @/pages/<file>.md".into(),
    ))
}

/// A link from the site's root that names no file (`/about/`): it must be
/// a page the site writes. Parsing recorded it only when no file of
/// `static/` or of a bundle has that path.
fn check_root_link(site: &Site, target: &str) -> Problem {
    let path = target.split(['#', '?']).next().unwrap_or(target);
    let path = path.trim_matches('/');
    if has_page(site, path) {
        return None;
    }
    // A briefing or page too broken to read may be the one meant; its own
    // errors say why.
    let last = path.rsplit('/').next().unwrap_or(path);
    if site
        .unparsed
        .iter()
        .any(|p| crate::parse::slug_of(Path::new(p)) == last)
    {
        return None;
    }
    let known: Vec<String> = site
        .briefings
        .iter()
        .map(|b| format!("/briefings/{}/", b.slug))
        .chain(site.pages.iter().map(|p| format!("/{}/", p.slug)))
        .collect();
    Some((
        format!("link to `{target}`: the site has no page at that address"),
        known_hint(
            "link to a page the site writes, from its root without the base path, such as `/about/` for content/pages/about.md (or write `@/pages/about.md`); a file goes in static/",
            &format!("/{path}/"),
            known.iter(),
        ),
    ))
}

/// Whether the site writes a page at `path` (below the base path, without
/// its slashes at either end): the index pages, each briefing, claim,
/// speaker, verdict, tag, author and plain page, and the later pages of a
/// list.
fn has_page(site: &Site, path: &str) -> bool {
    if let Some(elsewhere) = &site.config.elsewhere {
        if elsewhere.only_in_default(&format!("{}/", path.trim_matches('/'))) {
            return true;
        }
    }
    let mut parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    if let [.., "page", n] = parts.as_slice() {
        if n.parse::<usize>().is_ok() {
            parts.truncate(parts.len() - 2);
        }
    }
    match parts.as_slice() {
        [] => true,
        ["briefings" | "speakers" | "sources" | "verdicts" | "tags" | "search" | "corrections"] => {
            true
        }
        ["briefings", slug] => site.briefings.iter().any(|b| b.slug == *slug),
        ["briefings", slug, "claims", id] | ["briefings", slug, "claims", id, "embed"] => site
            .briefings
            .iter()
            .any(|b| b.slug == *slug && b.claims.iter().any(|c| c.id == *id)),
        ["speakers", id] => site.speakers.contains_key(*id),
        ["verdicts", id] => site.config.verdict(id).is_some(),
        ["tags", slug] => site.tags.contains_key(*slug),
        ["authors", id] => site.authors.as_ref().is_some_and(|a| a.contains_key(*id)),
        [slug] => site.pages.iter().any(|p| p.slug == *slug),
        _ => false,
    }
}

/// A link within the same file: to one of its claims or headings.
fn check_anchor(target: &str, fragment: &str, body: &Body, briefing: Option<&Briefing>) -> Problem {
    if let Some(id) = fragment.strip_prefix("claim-") {
        if briefing.is_some_and(|b| b.claims.iter().any(|c| c.id == id)) {
            return None;
        }
        return Some((
            format!("link to `{target}`: no claim `{id}` in this file"),
            known_hint(
                "link to a claim of this briefing by its id",
                id,
                briefing
                    .into_iter()
                    .flat_map(|b| b.claims.iter().map(|c| &c.id)),
            ),
        ));
    }
    if body.heading_ids.iter().any(|h| h == fragment) {
        return None;
    }
    Some((
        format!("link to `{target}`: no heading or claim with that anchor here"),
        known_hint(
            "link to a heading's id or to #claim-<id>",
            fragment,
            body.heading_ids.iter(),
        ),
    ))
}

/// An `@/briefings/...` link, perhaps to one of its claims or headings.
/// Whether the content file at `path` is a briefing or page only in the
/// site's default language, which a translation's links lead to.
fn only_in_default(site: &Site, path: &str) -> bool {
    let Some(elsewhere) = &site.config.elsewhere else {
        return false;
    };
    crate::config::Elsewhere::place_of(&crate::i18n::untranslated(path))
        .is_some_and(|place| elsewhere.only_in_default(&place))
}

fn check_briefing_link(site: &Site, target: &str, path: &str, fragment: Option<&str>) -> Problem {
    if only_in_default(site, path) {
        return None;
    }
    let Some(found) = site.briefing_at(path) else {
        return Some((
            format!("link to `{target}`: there is no briefing content/{path}"),
            known_hint(
                "link to an existing briefing (drafts are left out unless --drafts)",
                &format!("@/{path}"),
                site.briefings
                    .iter()
                    .map(|b| format!("@/{}", b.content_path))
                    .collect::<Vec<_>>()
                    .iter(),
            ),
        ));
    };
    let fragment = fragment?;
    let ok = match fragment.strip_prefix("claim-") {
        Some(id) => found.claims.iter().any(|c| c.id == id),
        None => found.body.heading_ids.iter().any(|h| h == fragment),
    };
    if ok {
        return None;
    }
    Some((
        format!("link to `{target}`: content/{path} has no anchor `#{fragment}`"),
        known_hint(
            "link to one of its claims as #claim-<id>",
            fragment.trim_start_matches("claim-"),
            found.claims.iter().map(|c| &c.id),
        ),
    ))
}

/// An `@/pages/...` link, perhaps to one of its headings.
fn check_page_link(site: &Site, target: &str, path: &str, fragment: Option<&str>) -> Problem {
    if only_in_default(site, path) {
        return None;
    }
    if let Some(found) = site.page_at(path) {
        if fragment.is_none_or(|f| found.body.heading_ids.iter().any(|h| h == f)) {
            return None;
        }
        return Some((
            format!("link to `{target}`: the page has no heading with that anchor"),
            "link to one of the page's headings".into(),
        ));
    }
    Some((
        format!("link to `{target}`: there is no page content/{path}"),
        known_hint(
            "link to an existing page",
            &format!("@/{path}"),
            site.pages
                .iter()
                .map(|p| format!("@/{}", p.content_path))
                .collect::<Vec<_>>()
                .iter(),
        ),
    ))
}

fn uncited_site_sources(site: &Site, out: &mut Vec<Diagnostic>) {
    // A translation need not cite every source: the default language's
    // briefings are the ones that cite them all.
    if site.config.elsewhere.is_some() {
        return;
    }
    if site.site_sources.is_empty() {
        return;
    }
    // A briefing that could not be read, or whose claims were not read
    // whole, may be the one that cites a source: its own errors say why,
    // and the source is not reported again as uncited.
    let unread = site
        .unparsed
        .iter()
        .any(|path| path.starts_with("briefings/"));
    if unread || !(0..site.briefings.len()).all(|b| citations_whole(site, b)) {
        return;
    }
    // A briefing may repeat a site-wide source under the same id (or clash
    // with it, which is reported on its own); either way the id is in use.
    let cited: HashSet<&str> = site
        .briefings
        .iter()
        .flat_map(|b| b.claims.iter())
        .flat_map(|c| c.sources.iter().map(String::as_str))
        .collect();
    for (id, source) in site.site_sources.iter() {
        if !cited.contains(id.as_str()) {
            out.push(
                Diagnostic::warning(
                    &*source.origin.file,
                    site.position(&source.origin, &source.id),
                    format!("source `{id}` is not cited by any claim"),
                )
                .with_field(source.origin.field(&source.id))
                .with_hint("cite it in a claim's `sources:` list, or remove it"),
            );
        }
    }
}

/// A hint that suggests the closest known id, then lists what is known.
fn known_hint<'a, K: AsRef<str> + ?Sized + 'a>(
    base: &str,
    wanted: &str,
    known: impl Iterator<Item = &'a K>,
) -> String {
    let mut known: Vec<&str> = known.map(AsRef::as_ref).collect();
    known.sort();
    known.dedup();
    if known.is_empty() {
        return format!("{base}; none are defined yet");
    }
    let closest = diagnostic::closest(wanted, known.iter().copied());
    let list: Vec<&str> = known.iter().take(12).copied().collect();
    let more = if known.len() > 12 { ", ..." } else { "" };
    match closest {
        Some(k) => format!(
            "did you mean `{k}`? {base} (known: {}{more})",
            list.join(", ")
        ),
        None => format!("{base} (known: {}{more})", list.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_placeholder_domains_from_real_ones() {
        for (url, domain) in [
            ("https://example.org/report", Some("example.org")),
            ("https://Data.EXAMPLE.com/x", Some("example.com")),
            ("http://example.net./", Some("example.net")),
            ("https://archive.example/x", Some(".example")),
            ("https://stats.test/x", Some(".test")),
            ("https://www.un.org/example.org", None),
            ("https://notexample.org/", None),
            ("https://example.org.uk/", None),
        ] {
            assert_eq!(placeholder_host(url).as_deref(), domain, "{url}");
        }
    }

    #[test]
    fn suggests_the_closest_id() {
        let known = ["nebenzia".to_string(), "kyslytsya".to_string()];
        let hint = known_hint("define it", "nebenzai", known.iter());
        assert!(hint.starts_with("did you mean `nebenzia`?"), "{hint}");
    }
}
