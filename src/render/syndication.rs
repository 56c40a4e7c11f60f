//! Files for machines rather than readers: the Atom feed, the sitemap,
//! `robots.txt` and `claims.json`, made from the same views as the pages so
//! they say what the pages say, with absolute URLs from `base_url`.
//!
//! A rebuild in `serve` makes each file again only when what it is made
//! from changed (see [`Plan::data_files`]): `claims.json` holds every claim
//! of the site, and most saves leave it alone.

use std::borrow::Cow;
use std::hash::{Hash, Hasher};
use std::io::{self, Write};
use std::path::PathBuf;

use atom_syndication as atom;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};
use indexmap::IndexMap;
use pulldown_cmark_escape::{escape_html, FmtWriter};
use rayon::prelude::*;
use serde::Serialize;

use super::translations::TranslationLink;
use super::views::{iso, ClaimView, Day, ShareImage};
use super::{Cache, Job, Plan};
use crate::config::SiteConfig;
use crate::fingerprint;
use crate::model::Briefing;
use crate::resolve::ClaimRef;

pub(crate) const FEED: &str = "feed.xml";
pub(crate) const SITEMAP: &str = "sitemap.xml";
pub(crate) const ROBOTS: &str = "robots.txt";
pub(crate) const CLAIMS: &str = "claims.json";

/// How many of the newest briefings the feed carries.
pub(crate) const FEED_ENTRIES: usize = 20;

/// The most URLs one sitemap file may list (sitemaps.org's limit); a larger
/// site gets a sitemap index with one file per 50,000 URLs.
pub(crate) const SITEMAP_URLS: usize = 50_000;

/// The version of `claims.json`'s layout, raised when a field changes
/// meaning or goes away (new fields may appear within a version).
pub(crate) const CLAIMS_VERSION: u32 = 1;

/// What the last build wrote of these files: a fingerprint of what each was
/// made from, by file name (path under the output folder).
pub(crate) type Made = Vec<(String, u64)>;

/// A data file still to be made: its bytes are made as they are written,
/// straight into the file (a build) or into memory (a rebuild, a test), so
/// `claims.json` and the sitemap, which grow with the site, are never
/// whole in memory during a build.
pub struct DataFile<'p> {
    /// Where it goes under the output folder.
    pub path: PathBuf,
    make: Box<MakeData<'p>>,
}

/// How a data file's bytes are made into a writer.
type MakeData<'p> = dyn Fn(&mut dyn Write) -> io::Result<()> + Send + Sync + 'p;

impl<'p> DataFile<'p> {
    fn new(
        path: impl Into<PathBuf>,
        make: impl Fn(&mut dyn Write) -> io::Result<()> + Send + Sync + 'p,
    ) -> DataFile<'p> {
        DataFile {
            path: path.into(),
            make: Box::new(make),
        }
    }

    /// A file whose bytes are small and made whole.
    fn whole(path: impl Into<PathBuf>, make: impl Fn() -> Vec<u8> + Send + Sync + 'p) -> Self {
        DataFile::new(path, move |out: &mut dyn Write| out.write_all(&make()))
    }

    /// Writes the file's bytes to `out` as they are made.
    pub fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        (self.make)(out)
    }

    /// The file's bytes, made whole in memory.
    pub fn bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        // Writing into memory cannot fail.
        let _ = self.write(&mut bytes);
        bytes
    }
}

/// Where the feed of a speaker's claims goes, under their page's folder.
pub(crate) fn speaker_feed_path(id: &str) -> String {
    format!("speakers/{id}/{FEED}")
}

/// Where the feed of a tag's briefings goes, under its page's folder.
pub(crate) fn tag_feed_path(slug: &str) -> String {
    format!("tags/{slug}/{FEED}")
}

impl Plan<'_> {
    /// Where the data files go, for the checks that every output path is
    /// free and for telling which files are no longer part of the site.
    pub fn data_paths(&self) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = [FEED, CLAIMS].iter().map(PathBuf::from).collect();
        if self.site.config.is_default_language() {
            paths.push(PathBuf::from(ROBOTS));
        }
        if !self.site.config.preview {
            paths.push(PathBuf::from(SITEMAP));
            paths.extend((1..=self.sitemap_parts()).map(sitemap_part));
        }
        paths.extend(
            self.site
                .speakers
                .keys()
                .map(|id| speaker_feed_path(id).into()),
        );
        paths.extend(self.site.tags.keys().map(|slug| tag_feed_path(slug).into()));
        paths
    }

    /// The data files whose inputs changed since `cache`'s build, each made
    /// only when it is written, with the fingerprints to remember once they
    /// are.
    pub fn data_files(&self, cache: &Cache) -> (Vec<DataFile<'_>>, Made) {
        let site = self.site;
        let site_hash = self.shared.site_hash;
        let changed = |name: &str, key: u64| cache.data.get(name) != Some(&key);
        let mut files = Vec::new();
        let mut made = Vec::new();

        // A preview's feed is what subscribers would get once it is
        // published: a feed reader that finds a staging address must not
        // pick up drafts. (Only a --drafts build has any.)
        let newest: Vec<usize> = (0..site.briefings.len())
            .filter(|&b| !site.briefings[b].draft)
            .take(FEED_ENTRIES)
            .collect();
        let key = fingerprint::of(&(
            site_hash,
            newest
                .iter()
                .map(|&b| {
                    let briefing = &site.briefings[b];
                    let views = &self.briefings[b];
                    (
                        views.summary_hash,
                        &views.claim_hashes,
                        briefing.last_changed(),
                        &views.bylines,
                    )
                })
                .collect::<Vec<_>>(),
        ));
        if changed(FEED, key) {
            files.push(DataFile::whole(FEED, move || self.feed(&newest)));
            made.push((FEED.to_owned(), key));
        }

        self.following_feeds(cache, &mut files, &mut made);

        // A preview turns search engines away, so it has no sitemap to
        // send them to.
        if !site.config.preview {
            // Read through once for the key, and again as each file is
            // written, rather than held: see `sitemap_urls`.
            let mut hasher = fingerprint::hasher();
            site_hash.hash(&mut hasher);
            for (url, lastmod) in self.sitemap_urls() {
                (&url, lastmod, self.translations_of(&url)).hash(&mut hasher);
            }
            let key = hasher.finish();
            if changed(SITEMAP, key) {
                files.extend(sitemap(
                    &site.config,
                    move || self.sitemap_urls(),
                    move |url| self.translations_of(url),
                    SITEMAP_URLS,
                ));
                made.push((SITEMAP.to_owned(), key));
            }
        }

        let key = fingerprint::of(&site_hash);
        // One robots.txt serves the whole site; it names each language's
        // sitemap.
        if site.config.is_default_language() && changed(ROBOTS, key) {
            let config = &site.config;
            let text = if config.preview {
                "User-agent: *\nDisallow: /\n".to_owned()
            } else {
                let mut text = "User-agent: *\nAllow: /\n\n".to_owned();
                for language in &config.languages {
                    let root = config.language_root(language);
                    let sitemap = config.absolute(&format!("{root}{SITEMAP}"));
                    text.push_str(&format!("Sitemap: {sitemap}\n"));
                }
                text
            };
            files.push(DataFile::whole(ROBOTS, move || text.clone().into_bytes()));
            made.push((ROBOTS.to_owned(), key));
        }

        let key = fingerprint::of(&(
            site_hash,
            self.briefings
                .iter()
                .zip(&site.briefings)
                .map(|(views, b)| (views.summary_hash, &views.claim_hashes, b.modified()))
                .collect::<Vec<_>>(),
        ));
        if changed(CLAIMS, key) {
            files.push(DataFile::new(CLAIMS, |out: &mut dyn Write| {
                self.write_claims_json(out)
            }));
            made.push((CLAIMS.to_owned(), key));
        }
        (files, made)
    }

    /// The Atom feed of the newest briefings (`site.briefings` is newest
    /// first), each `updated` by its latest correction.
    fn feed(&self, newest: &[usize]) -> Vec<u8> {
        let config = &self.site.config;
        let absolute = |url: &str| config.absolute(url);
        let publisher = if config.publisher.name.is_empty() {
            config.title.clone()
        } else {
            config.publisher.name.clone()
        };
        let entries = newest
            .iter()
            .map(|&b| self.feed_entry(b, &publisher))
            .collect();
        let home = absolute(&config.base_path);
        let feed = atom::Feed {
            title: atom::Text::plain(config.title.clone()),
            subtitle: (!config.description.is_empty())
                .then(|| atom::Text::plain(config.description.clone())),
            id: home.clone(),
            updated: midnight(
                self.site
                    .briefings
                    .iter()
                    .filter(|b| !b.draft)
                    .map(|b| b.last_changed())
                    .max()
                    .unwrap_or_default(),
            ),
            authors: vec![person(&publisher, config.publisher.url.as_deref())],
            links: vec![
                link(
                    &absolute(&format!("{}{FEED}", config.base_path)),
                    "self",
                    "application/atom+xml",
                ),
                link(&home, "alternate", "text/html"),
            ],
            generator: Some(atom::Generator {
                value: "brief".to_owned(),
                uri: None,
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            lang: Some(config.language.clone()),
            entries,
            logo: config
                .logo
                .as_deref()
                .map(|p| absolute(&config.static_url(p))),
            icon: config
                .favicon
                .as_deref()
                .map(|p| absolute(&config.static_url(p))),
            ..Default::default()
        };
        feed_xml(&feed)
    }

    /// Briefing `b` as an entry of the feed; `publisher` is its author when
    /// it names none.
    fn feed_entry(&self, b: usize, publisher: &str) -> atom::Entry {
        let config = &self.site.config;
        let absolute = |url: &str| config.absolute(url);
        let briefing = &self.site.briefings[b];
        let views = &self.briefings[b];
        let url = absolute(&views.summary.url);
        let authors = self.entry_authors(b, publisher);
        let image = views.summary.image.as_ref().map(|i| i.share(config));
        let mut links = vec![link(&url, "alternate", "text/html")];
        links.extend(image.as_ref().map(enclosure));
        let mut html = String::new();
        if let Some(image) = &image {
            entry_image(&mut html, image);
        }
        html.push_str(&entry_html(
            &config.locale,
            briefing,
            &views.claims,
            &absolute,
        ));
        atom::Entry {
            title: atom::Text::plain(briefing.title.clone()),
            id: url.clone(),
            updated: midnight(briefing.last_changed()),
            published: Some(midnight(briefing.date)),
            authors,
            links,
            categories: views
                .summary
                .tags
                .iter()
                .map(|t| atom::Category {
                    term: t.slug.clone(),
                    scheme: None,
                    label: Some(t.name.clone()),
                })
                .collect(),
            summary: Some(atom::Text::plain(briefing.summary.clone())),
            content: Some(atom::Content {
                value: Some(html),
                content_type: Some("html".to_owned()),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    /// The feed of each speaker's claims and of each tag's briefings, for
    /// readers who follow one politician or one subject. Each is made again
    /// only when the entries it carries changed.
    fn following_feeds<'p>(
        &'p self,
        cache: &Cache,
        files: &mut Vec<DataFile<'p>>,
        made: &mut Made,
    ) {
        let site = self.site;
        let site_hash = self.shared.site_hash;
        let briefing_key = |b: usize| {
            let briefing = &site.briefings[b];
            (
                self.briefings[b].summary_hash,
                &self.briefings[b].claim_hashes,
                briefing.last_changed(),
                &self.briefings[b].bylines,
            )
        };
        let mut wanted: Vec<(String, u64, Following)> = Vec::new();
        for id in site.speakers.keys() {
            let newest = self.speaker_entries(id);
            let key = fingerprint::of(&(
                site_hash,
                self.shared.speakers[id].1,
                newest
                    .iter()
                    .map(|r| (briefing_key(r.briefing), r.claim))
                    .collect::<Vec<_>>(),
            ));
            wanted.push((speaker_feed_path(id), key, Following::Speaker(id)));
        }
        for slug in site.tags.keys() {
            let newest = self.tag_entries(slug);
            let key = fingerprint::of(&(
                site_hash,
                &self.shared.tags[slug].0,
                newest.iter().map(|&b| briefing_key(b)).collect::<Vec<_>>(),
            ));
            wanted.push((tag_feed_path(slug), key, Following::Tag(slug)));
        }
        wanted.retain(|(path, key, _)| cache.data.get(path) != Some(key));
        // Each feed is made when it is written, on the thread writing it.
        for (path, key, following) in wanted {
            files.push(DataFile::whole(&path, move || match &following {
                Following::Speaker(id) => self.speaker_feed(id),
                Following::Tag(slug) => self.tag_feed(slug),
            }));
            made.push((path, key));
        }
    }

    /// The claims a speaker's feed carries, newest first: never a draft's,
    /// so the feeds of a `--drafts` preview are the published ones.
    fn speaker_entries(&self, id: &str) -> Vec<ClaimRef> {
        let claims = self.site.claims_by_speaker.get(id);
        claims
            .into_iter()
            .flatten()
            .filter(|r| !self.site.briefings[r.briefing].draft)
            .take(FEED_ENTRIES)
            .copied()
            .collect()
    }

    /// The briefings a tag's feed carries, newest first, drafts left out.
    fn tag_entries(&self, slug: &str) -> Vec<usize> {
        self.site.tags[slug]
            .briefings
            .iter()
            .filter(|&&b| !self.site.briefings[b].draft)
            .take(FEED_ENTRIES)
            .copied()
            .collect()
    }

    /// The newest claims by speaker `id`, one entry each, linked to the
    /// claim's own page.
    fn speaker_feed(&self, id: &str) -> Vec<u8> {
        let site = self.site;
        let speaker = &self.shared.speakers[id].0;
        let newest = self.speaker_entries(id);
        let publisher = self.publisher_name();
        let entries = newest
            .iter()
            .map(|r| self.claim_entry(r.briefing, r.claim, &publisher))
            .collect();
        let updated = newest
            .iter()
            .map(|r| site.briefings[r.briefing].last_changed())
            .max();
        self.write_feed(
            format!("{} — {}", speaker.name, site.config.title),
            Some(site.config.locale.text(
                "speaker_description",
                &[
                    ("speaker", speaker.name.clone()),
                    ("site", site.config.title.clone()),
                ],
            )),
            &speaker.url,
            &speaker_feed_path(id),
            updated,
            entries,
        )
    }

    /// The newest briefings tagged `slug`, as the site's feed has them.
    fn tag_feed(&self, slug: &str) -> Vec<u8> {
        let site = self.site;
        let tag = &self.shared.tags[slug].0;
        let newest = self.tag_entries(slug);
        let publisher = self.publisher_name();
        let entries = newest
            .iter()
            .map(|&b| self.feed_entry(b, &publisher))
            .collect();
        let updated = newest
            .iter()
            .map(|&b| site.briefings[b].last_changed())
            .max();
        self.write_feed(
            site.config.locale.text(
                "tag_feed_title",
                &[
                    ("tag", tag.name.clone()),
                    ("site", site.config.title.clone()),
                ],
            ),
            Some(site.config.locale.text(
                "tag_description",
                &[
                    ("tag", tag.name.clone()),
                    ("site", site.config.title.clone()),
                ],
            )),
            &tag.url,
            &tag_feed_path(slug),
            updated,
            entries,
        )
    }

    /// Claim `c` of briefing `b` as an entry: its words for a title, its
    /// verdict and explanation for content.
    fn claim_entry(&self, b: usize, c: usize, publisher: &str) -> atom::Entry {
        let config = &self.site.config;
        let briefing = &self.site.briefings[b];
        let claim = &self.briefings[b].claims[c];
        let url = config.absolute(&claim.page_url());
        let image = claim.image.as_ref().map(|i| i.share(config));
        let mut links = vec![link(&url, "alternate", "text/html")];
        links.extend(image.as_ref().map(enclosure));
        let mut html = String::new();
        if let Some(image) = &image {
            entry_image(&mut html, image);
        }
        // Plain text only: an explanation's own links are relative to the
        // site, which a feed reader does not know.
        let summary = claim.summary().to_string();
        html.push_str("<p>");
        let _ = escape_html(FmtWriter(&mut html), &summary);
        html.push_str("</p><p><a href=\"");
        let _ = escape_html(FmtWriter(&mut html), &config.absolute(&claim.url()));
        html.push_str("\">");
        let _ = escape_html(FmtWriter(&mut html), &briefing.title);
        html.push_str("</a></p>");
        atom::Entry {
            title: atom::Text::plain(super::pages::with_verdict(
                config,
                "claim_with_verdict",
                claim,
            )),
            id: url.clone(),
            updated: midnight(briefing.last_changed()),
            published: Some(midnight(briefing.date)),
            authors: self.entry_authors(b, publisher),
            links,
            summary: Some(atom::Text::plain(summary)),
            content: Some(atom::Content {
                value: Some(html),
                content_type: Some("html".to_owned()),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    /// The name a feed gives as its author when a briefing names none.
    fn publisher_name(&self) -> String {
        let config = &self.site.config;
        if config.publisher.name.is_empty() {
            config.title.clone()
        } else {
            config.publisher.name.clone()
        }
    }

    /// A feed of `entries` about the page at `page_url`, itself at `path`
    /// under the output folder.
    fn write_feed(
        &self,
        title: String,
        subtitle: Option<String>,
        page_url: &str,
        path: &str,
        updated: Option<NaiveDate>,
        entries: Vec<atom::Entry>,
    ) -> Vec<u8> {
        let config = &self.site.config;
        let page = config.absolute(page_url);
        let publisher = self.publisher_name();
        let feed = atom::Feed {
            title: atom::Text::plain(title),
            subtitle: subtitle.map(atom::Text::plain),
            id: config.absolute(&format!("{}{path}", config.base_path)),
            updated: midnight(updated.unwrap_or_default()),
            authors: vec![person(&publisher, config.publisher.url.as_deref())],
            links: vec![
                link(
                    &config.absolute(&format!("{}{path}", config.base_path)),
                    "self",
                    "application/atom+xml",
                ),
                link(&page, "alternate", "text/html"),
            ],
            generator: Some(atom::Generator {
                value: "brief".to_owned(),
                uri: None,
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            lang: Some(config.language.clone()),
            entries,
            ..Default::default()
        };
        feed_xml(&feed)
    }

    /// Who wrote briefing `b`, as a feed entry names them: each with their
    /// page on the site when authors.yaml lists them.
    fn entry_authors(&self, b: usize, publisher: &str) -> Vec<atom::Person> {
        let config = &self.site.config;
        let bylines = &self.briefings[b].bylines;
        if bylines.is_empty() {
            vec![person(publisher, config.publisher.url.as_deref())]
        } else {
            bylines
                .iter()
                .map(|a| {
                    person(
                        &a.name,
                        a.url.as_deref().map(|u| config.absolute(u)).as_deref(),
                    )
                })
                .collect()
        }
    }

    /// How many files the sitemap's URLs fill; one needs no index.
    fn sitemap_parts(&self) -> usize {
        let pages = self.sitemap_page_count();
        if pages <= SITEMAP_URLS {
            0
        } else {
            pages.div_ceil(SITEMAP_URLS)
        }
    }

    fn sitemap_page_count(&self) -> usize {
        let claims: usize = self.site.briefings.iter().map(|b| b.claims.len()).sum();
        self.pages
            .iter()
            .filter(|p| in_sitemap(p.job) && !matches!(p.job, Job::Claim(..)))
            .count()
            + claims
    }

    /// Every page a search engine should know, with the day it last
    /// changed where the content says so, made as they are read: the
    /// sitemap's files are written from it, and at 10,000 briefings a list
    /// of its 120,000 URLs (most of them claim pages', made for it) was
    /// some 12 MB held at the end of the build, its peak.
    fn sitemap_urls(&self) -> impl Iterator<Item = (Cow<'_, str>, Option<NaiveDate>)> + '_ {
        let site = self.site;
        let newest = site.briefings.iter().map(|b| b.last_changed()).max();
        self.pages
            .iter()
            .filter(|p| in_sitemap(p.job) && !matches!(p.job, Job::Claim(..)))
            .flat_map(move |page| {
                let claims = match page.job {
                    Job::Briefing(b) => {
                        let changed = Some(site.briefings[b].last_changed());
                        let claims = self.briefings[b].claims.iter();
                        Some(claims.map(move |claim| (Cow::Owned(claim.page_url()), changed)))
                    }
                    _ => None,
                };
                let lastmod = self.sitemap_lastmod(page.job, newest);
                std::iter::once((page.url(), lastmod)).chain(claims.into_iter().flatten())
            })
    }

    /// The day page `job` last changed, for the sitemap; `newest` is the
    /// site's latest change, which pages that show the whole site take.
    fn sitemap_lastmod(&self, job: Job, newest: Option<NaiveDate>) -> Option<NaiveDate> {
        let site = self.site;
        let changed = |b: usize| site.briefings[b].last_changed();
        // A list page changes with the entries it shows.
        let newest_of = |refs: Option<&Vec<crate::resolve::ClaimRef>>, page: usize| {
            let refs = refs.map_or(&[][..], Vec::as_slice);
            refs[self.shown(refs.len(), page)]
                .iter()
                .map(|r| changed(r.briefing))
                .max()
        };
        match job {
            Job::Briefing(b) => Some(changed(b)),
            Job::Speaker(id, k) => newest_of(site.claims_by_speaker.get(id), k),
            Job::Verdict(i, k) => newest_of(
                site.claims_by_verdict.get(&self.shared.site.verdicts[i].id),
                k,
            ),
            Job::Author(id, k) => {
                let all = site
                    .briefings_by_author
                    .get(id)
                    .map_or(&[][..], Vec::as_slice);
                all[self.shown(all.len(), k)]
                    .iter()
                    .map(|&b| changed(b))
                    .max()
            }
            Job::Tag(slug, k) => {
                let all = &site.tags[slug].briefings;
                all[self.shown(all.len(), k)]
                    .iter()
                    .map(|&b| changed(b))
                    .max()
            }
            Job::Sources(k) => site.sources[self.shown(site.sources.len(), k)]
                .iter()
                .flat_map(|cited| &cited.cited_by)
                .map(|r| changed(r.briefing))
                .max(),
            Job::Index(k) if k > 0 => site.briefings[self.shown(site.briefings.len(), k)]
                .iter()
                .map(|b| b.last_changed())
                .max(),
            Job::Page(_) => None,
            _ => newest,
        }
    }

    /// Every claim as data: see docs/reference/claims-json.md for the
    /// layout, which this must keep to. Speakers, briefings and sources are
    /// listed once each and named by key from the claims, which keeps the
    /// file a fraction of the size of repeating them per claim.
    ///
    /// The file is the largest a build writes, so its long members are
    /// made in parallel, straight from the site's records, and written to
    /// `out` a batch at a time.
    fn write_claims_json(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut head =
            serde_json::to_vec(&self.claims_head()).expect("claim records always serialise");
        // The members that follow go in before the closing brace.
        head.pop();
        out.write_all(&head)?;
        out.write_all(b",\"briefings\":{")?;
        self.write_briefings(out)?;
        out.write_all(b"},\"sources\":{")?;
        self.write_sources(out)?;
        out.write_all(b"},\"claims\":[")?;
        self.write_claims(out)?;
        out.write_all(b"]}\n")
    }

    /// The short members of `claims.json`: the site, its scale and its
    /// speakers.
    fn claims_head(&self) -> ClaimsHead<'_> {
        let config = &self.site.config;
        let absolute = |url: &str| config.absolute(url);
        let speakers = self
            .site
            .speakers
            .keys()
            .map(|id| {
                let s = &self.shared.speakers[id].0;
                let record = SpeakerRecord {
                    name: &s.name,
                    role: s.role.as_deref(),
                    affiliation: s.affiliation.as_deref(),
                    url: absolute(&s.url),
                };
                (id.as_str(), record)
            })
            .collect();
        ClaimsHead {
            version: CLAIMS_VERSION,
            generator: "brief",
            site: SiteRecord {
                title: &config.title,
                url: absolute(&config.base_path),
                publisher: &config.publisher.name,
                language: &config.language,
            },
            scale: self
                .shared
                .site
                .verdicts
                .iter()
                .map(|v| VerdictRecord {
                    id: &v.id,
                    label: &v.label,
                    rating: v.rating,
                    url: absolute(&v.url),
                })
                .collect(),
            speakers,
        }
    }

    /// The members of `claims.json`'s `briefings`, by slug.
    fn write_briefings(&self, out: &mut dyn Write) -> io::Result<()> {
        let site = self.site;
        let briefings = keyed(site.briefings.iter().map(|b| b.slug.as_str()));
        write_members(out, &briefings, |out, &(slug, b)| {
            let (briefing, views) = (&site.briefings[b], &self.briefings[b]);
            let record = BriefingRecord {
                title: &briefing.title,
                url: site.config.absolute(&views.summary.url),
                published: iso(briefing.date),
                modified: briefing.modified().map(iso),
                tags: views.summary.tags.iter().map(|t| t.name.as_str()).collect(),
                image: views
                    .summary
                    .image
                    .as_ref()
                    .map(|i| ImageRecord::of(&i.share(&site.config))),
            };
            member(out, slug, &record);
        })
    }

    /// The members of `claims.json`'s `sources`, by [`key`].
    fn write_sources(&self, out: &mut dyn Write) -> io::Result<()> {
        let site = self.site;
        let absolute = |url: &str| site.config.absolute(url);
        let sources = keyed(site.sources.iter().map(|cited| key(&cited.anchor)));
        write_members(out, &sources, |out, &(key, i)| {
            let s = super::views::source_view(site, &self.shared, &site.sources[i].key);
            let (source, file) = (s.source(), s.file());
            let record = SourceRecord {
                title: source.title(),
                publisher: source.publisher(),
                url: source.url(),
                archived: source.archived(),
                withheld: source.withheld.as_deref(),
                date: Day::iso_of(&s.date),
                accessed: Day::iso_of(&s.accessed),
                excerpt: source.excerpt(),
                sources_url: absolute(&s.sources_url()),
                file: file.as_ref().map(|f| FileRecord {
                    url: absolute(&f.url),
                    mime: &f.mime,
                    bytes: f.bytes,
                }),
            };
            member(out, key, &record);
        })
    }

    /// The items of `claims.json`'s `claims`, in site order.
    fn write_claims(&self, out: &mut dyn Write) -> io::Result<()> {
        let site = self.site;
        let absolute = |url: &str| site.config.absolute(url);
        let claims: Vec<(usize, usize)> = site
            .briefings
            .iter()
            .zip(&self.briefings)
            .enumerate()
            .flat_map(|(b, (briefing, views))| {
                (0..briefing.claims.len().min(views.claims.len())).map(move |c| (b, c))
            })
            .collect();
        write_members(out, &claims, |out, &(b, c)| {
            let view = &self.briefings[b].claims[c];
            // The claim as written, which the view reads its text from.
            let claim = view.claim();
            let record = ClaimRecord {
                id: &claim.id,
                url: absolute(&view.url()),
                page: absolute(&view.page_url()),
                text: claim.text(),
                verbatim: claim.verbatim,
                said: Day::iso_of(&view.date),
                appearance: claim.appearance(),
                speaker: &view.speaker.id,
                verdict: &view.verdict.id,
                explanation: claim.explanation().text(),
                sources: view.sources.iter().map(|s| key(&s.anchor)).collect(),
                briefing: &site.briefings[b].slug,
                image: view
                    .image
                    .as_ref()
                    .map(|i| ImageRecord::of(&i.share(&site.config))),
            };
            serde_json::to_writer(out, &record).expect("claim records always serialise");
        })
    }
}

/// Keys in the order a JSON object lists them, each with the position of
/// the item it stands for: a key given twice keeps its first place and
/// names the last item, as when the object is collected into a map.
fn keyed<'a>(keys: impl Iterator<Item = &'a str>) -> Vec<(&'a str, usize)> {
    let map: IndexMap<&str, usize> = keys.enumerate().map(|(i, k)| (k, i)).collect();
    map.into_iter().collect()
}

/// Which page a following feed is about.
enum Following<'a> {
    Speaker(&'a str),
    Tag(&'a str),
}

/// `"key":value`, as a member of a JSON object.
fn member(out: &mut Vec<u8>, key: &str, value: &impl Serialize) {
    serde_json::to_writer(&mut *out, key).expect("keys always serialise");
    out.push(b':');
    serde_json::to_writer(out, value).expect("claim records always serialise");
}

/// Writes `items`, each made by `write`, separated by commas: the members
/// of a JSON array or object. Pieces are made in parallel, a batch at a
/// time, and each batch is written out before the next is made, so only a
/// batch is ever in memory.
fn write_members<T: Sync>(
    out: &mut dyn Write,
    items: &[T],
    write: impl Fn(&mut Vec<u8>, &T) + Sync,
) -> io::Result<()> {
    const PIECE: usize = 256;
    let batch = PIECE * 4 * rayon::current_num_threads();
    for (n, batch) in items.chunks(batch).enumerate() {
        let pieces: Vec<Vec<u8>> = batch
            .par_chunks(PIECE)
            .map(|piece| {
                let mut bytes = Vec::new();
                for (i, item) in piece.iter().enumerate() {
                    if i > 0 {
                        bytes.push(b',');
                    }
                    write(&mut bytes, item);
                }
                bytes
            })
            .collect();
        for (i, piece) in pieces.iter().enumerate() {
            if n > 0 || i > 0 {
                out.write_all(b",")?;
            }
            out.write_all(piece)?;
        }
    }
    Ok(())
}

/// `sitemap.xml` for the URLs `urls` gives, each with the day it last
/// changed, and `alternates` each URL's versions in the site's other
/// languages; past `limit` URLs, an index of `sitemaps/sitemap-N.xml`
/// files. The URLs are read through once here, for the index, and again
/// as each file is written: none is held.
fn sitemap<'a, U>(
    config: &'a SiteConfig,
    urls: impl Fn() -> U + Send + Sync + Clone + 'a,
    alternates: impl Fn(&str) -> Vec<TranslationLink> + Send + Sync + Clone + 'a,
    limit: usize,
) -> Vec<DataFile<'a>>
where
    U: Iterator<Item = (Cow<'a, str>, Option<NaiveDate>)>,
{
    let part = |n: usize| {
        let (urls, alternates) = (urls.clone(), alternates.clone());
        move |out: &mut dyn Write| {
            urlset(config, urls().skip(n * limit).take(limit), &alternates, out)
        }
    };
    // Each part's newest day; an undated part has none (`None` sorts first).
    let mut parts: Vec<Option<NaiveDate>> = Vec::new();
    for (i, (_, lastmod)) in urls().enumerate() {
        if i % limit == 0 {
            parts.push(lastmod);
        } else if let Some(newest) = parts.last_mut() {
            *newest = (*newest).max(lastmod);
        }
    }
    if parts.len() <= 1 {
        return vec![DataFile::new(SITEMAP, part(0))];
    }
    let mut files = Vec::new();
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (n, lastmod) in parts.into_iter().enumerate() {
        let path = sitemap_part(n + 1);
        let url = format!("{}{}", config.base_path, path.display());
        index.push_str("  <sitemap>\n    <loc>");
        index.push_str(&xml_escape(&config.absolute(&url)));
        index.push_str("</loc>\n");
        if let Some(date) = lastmod {
            index.push_str(&format!("    <lastmod>{}</lastmod>\n", iso(date)));
        }
        index.push_str("  </sitemap>\n");
        files.push(DataFile::new(path, part(n)));
    }
    index.push_str("</sitemapindex>\n");
    let index = index.into_bytes();
    files.insert(0, DataFile::whole(SITEMAP, move || index.clone()));
    files
}

/// A source's key in `claims.json`: its anchor on `/sources/`, which is
/// unique per document, without the prefix.
fn key(anchor: &str) -> &str {
    anchor.strip_prefix("source-").unwrap_or(anchor)
}

/// Pages a search engine should not be sent to: an embed is a claim
/// page's card for other sites, and says `noindex`.
fn in_sitemap(job: Job) -> bool {
    !matches!(job, Job::NotFound | Job::Embed(..))
}

fn sitemap_part(n: usize) -> PathBuf {
    PathBuf::from(format!("sitemaps/sitemap-{n}.xml"))
}

/// The URLs in sitemap form, written to `out` a few dozen kilobytes at a
/// time; `alternates` gives each URL's versions in the site's other
/// languages (none for a site in one language), written as `xhtml:link`
/// elements, the default language's also as `x-default`.
fn urlset<'u>(
    config: &SiteConfig,
    urls: impl Iterator<Item = (Cow<'u, str>, Option<NaiveDate>)>,
    alternates: impl Fn(&str) -> Vec<TranslationLink>,
    out: &mut dyn Write,
) -> io::Result<()> {
    const BATCH: usize = 64 * 1024;
    let mut text = String::with_capacity(BATCH + 1024);
    text.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if config.is_multilingual() {
        text.push_str(
            "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
             xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
        );
    } else {
        text.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    }
    for (url, lastmod) in urls {
        text.push_str("  <url>\n    <loc>");
        text.push_str(&xml_escape(&config.absolute(&url)));
        text.push_str("</loc>\n");
        if let Some(date) = lastmod {
            text.push_str("    <lastmod>");
            text.push_str(&iso(date));
            text.push_str("</lastmod>\n");
        }
        for version in alternates(&url) {
            let href = xml_escape(&version.href);
            let lang = xml_escape(&version.lang);
            text.push_str(&format!(
                "    <xhtml:link rel=\"alternate\" hreflang=\"{lang}\" href=\"{href}\"/>\n"
            ));
            if version.default {
                text.push_str(&format!(
                    "    <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{href}\"/>\n"
                ));
            }
        }
        text.push_str("  </url>\n");
        if text.len() >= BATCH {
            out.write_all(text.as_bytes())?;
            text.clear();
        }
    }
    text.push_str("</urlset>\n");
    out.write_all(text.as_bytes())
}

fn xml_escape(text: &str) -> std::borrow::Cow<'_, str> {
    quick_xml::escape::escape(text)
}

fn midnight(date: NaiveDate) -> DateTime<FixedOffset> {
    date.and_time(NaiveTime::MIN).and_utc().fixed_offset()
}

fn person(name: &str, uri: Option<&str>) -> atom::Person {
    atom::Person {
        name: name.to_owned(),
        uri: uri.map(str::to_owned),
        ..Default::default()
    }
}

fn link(href: &str, rel: &str, mime_type: &str) -> atom::Link {
    atom::Link {
        href: href.to_owned(),
        rel: rel.to_owned(),
        mime_type: Some(mime_type.to_owned()),
        ..Default::default()
    }
}

/// An entry's picture as an `enclosure` link: feed readers that show a
/// thumbnail beside an entry take it from there. Its length is left out:
/// Atom makes it optional, and a variant's size is known only once it is
/// encoded.
fn enclosure(image: &ShareImage) -> atom::Link {
    atom::Link {
        href: image.url.clone(),
        rel: "enclosure".to_owned(),
        mime_type: image.mime.clone(),
        title: (!image.alt.is_empty()).then(|| image.alt.clone()),
        ..Default::default()
    }
}

/// An entry's picture at the top of its content, with an absolute
/// address: readers that show the content show it, and those that make
/// a thumbnail of an entry's first image take it.
fn entry_image(html: &mut String, image: &ShareImage) {
    html.push_str("<p><img src=\"");
    let _ = escape_html(FmtWriter(&mut *html), &image.url);
    html.push_str("\" alt=\"");
    let _ = escape_html(FmtWriter(&mut *html), &image.alt);
    html.push('"');
    if let (Some(width), Some(height)) = (image.width, image.height) {
        html.push_str(&format!(" width=\"{width}\" height=\"{height}\""));
    }
    html.push_str("></p>");
}

/// A feed entry's content: the standfirst and each claim with its verdict,
/// linked to the claim on the site.
fn entry_html(
    language: &crate::i18n::Language,
    briefing: &Briefing,
    claims: &[ClaimView],
    absolute: &dyn Fn(&str) -> String,
) -> String {
    let mut html = String::from("<p>");
    let _ = escape_html(FmtWriter(&mut html), &briefing.summary);
    html.push_str("</p>");
    if !claims.is_empty() {
        html.push_str("<ul>");
        for claim in claims {
            html.push_str("<li><a href=\"");
            let _ = escape_html(FmtWriter(&mut html), &absolute(&claim.url()));
            html.push_str("\">");
            // Quotation marks only around the speaker's own words, as on the card.
            let said = language.text(
                "claim_said",
                &[
                    ("speaker", claim.speaker.name.clone()),
                    ("words", super::views::quoted(claim)),
                ],
            );
            let _ = escape_html(FmtWriter(&mut html), &said);
            html.push_str("</a> — ");
            let _ = escape_html(FmtWriter(&mut html), &claim.verdict.label);
            html.push_str("</li>");
        }
        html.push_str("</ul>");
    }
    html
}

/// The start of `claims.json`, up to the long members that
/// [`Plan::claims_json`] writes after it: `briefings`, `sources` and
/// `claims`.
#[derive(Serialize)]
struct ClaimsHead<'a> {
    version: u32,
    generator: &'static str,
    site: SiteRecord<'a>,
    scale: Vec<VerdictRecord<'a>>,
    speakers: IndexMap<&'a str, SpeakerRecord<'a>>,
}

/// The site, as `claims.json` names it.
#[derive(Serialize)]
struct SiteRecord<'a> {
    title: &'a str,
    url: String,
    publisher: &'a str,
    language: &'a str,
}

/// A claim, as `claims.json` lists it.
#[derive(Serialize)]
struct ClaimRecord<'a> {
    id: &'a str,
    url: String,
    page: String,
    text: &'a str,
    verbatim: bool,
    said: Option<&'a str>,
    appearance: Option<&'a str>,
    speaker: &'a str,
    verdict: &'a str,
    explanation: &'a str,
    sources: Vec<&'a str>,
    briefing: &'a str,
    image: Option<ImageRecord>,
}

/// A claim's image, as `claims.json` gives it.
#[derive(Serialize)]
struct ImageRecord {
    url: String,
    alt: String,
    width: Option<u32>,
    height: Option<u32>,
}

impl ImageRecord {
    fn of(image: &ShareImage) -> ImageRecord {
        ImageRecord {
            url: image.url.clone(),
            alt: image.alt.clone(),
            width: image.width,
            height: image.height,
        }
    }
}

/// A speaker, as `claims.json` lists them under their id.
#[derive(Serialize)]
struct SpeakerRecord<'a> {
    name: &'a str,
    role: Option<&'a str>,
    affiliation: Option<&'a str>,
    url: String,
}

/// A verdict of the scale, as `claims.json` lists it.
#[derive(Serialize)]
struct VerdictRecord<'a> {
    id: &'a str,
    label: &'a str,
    rating: Option<u32>,
    url: String,
}

/// A source, as `claims.json` lists it under its [`key`].
#[derive(Serialize)]
struct SourceRecord<'a> {
    title: &'a str,
    publisher: Option<&'a str>,
    url: Option<&'a str>,
    archived: Option<&'a str>,
    withheld: Option<&'a str>,
    date: Option<&'a str>,
    accessed: Option<&'a str>,
    excerpt: Option<&'a str>,
    sources_url: String,
    file: Option<FileRecord<'a>>,
}

/// A document the desk hosts, as `claims.json` gives it.
#[derive(Serialize)]
struct FileRecord<'a> {
    url: String,
    #[serde(rename = "type")]
    mime: &'a str,
    bytes: u64,
}

/// A briefing, as `claims.json` lists it under its slug (the search
/// index's own is [`super::search`]'s `ResultBriefing`).
#[derive(Serialize)]
struct BriefingRecord<'a> {
    title: &'a str,
    url: String,
    published: String,
    modified: Option<String>,
    tags: Vec<&'a str>,
    image: Option<ImageRecord>,
}

/// A feed as the bytes of its file: indented, with its declaration, and
/// ending in a newline.
fn feed_xml(feed: &atom::Feed) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing XML into memory fails only on a bug in the writer.
    let _ = feed.write_with_config(
        &mut out,
        atom::WriteConfig {
            write_document_declaration: true,
            indent_size: Some(2),
        },
    );
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(file: &DataFile) -> (String, String) {
        (
            file.path.display().to_string(),
            String::from_utf8(file.bytes()).unwrap(),
        )
    }

    #[test]
    fn a_sitemap_past_the_limit_becomes_an_index_of_parts() {
        let config = SiteConfig {
            base_url: "https://desk.example.org/d/".into(),
            base_path: "/d/".into(),
            root_path: "/d/".into(),
            ..SiteConfig::default()
        };
        let day = |d| NaiveDate::from_ymd_opt(2024, 11, d);
        let urls = [
            ("/d/", day(5)),
            ("/d/a/", day(1)),
            ("/d/b/?x=1&y=2", None),
            ("/d/c/", day(3)),
            ("/d/e/", None),
        ];
        let urls = || urls.iter().map(|&(url, day)| (Cow::Borrowed(url), day));
        let none = |_: &str| Vec::new();
        let files: Vec<(String, String)> =
            sitemap(&config, urls, none, 2).iter().map(text).collect();
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "sitemap.xml",
                "sitemaps/sitemap-1.xml",
                "sitemaps/sitemap-2.xml",
                "sitemaps/sitemap-3.xml"
            ]
        );
        let index = &files[0].1;
        assert!(
            index.contains("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">")
        );
        assert_eq!(index.matches("<sitemap>").count(), 3);
        assert!(index.contains(
            "<loc>https://desk.example.org/d/sitemaps/sitemap-1.xml</loc>\n    <lastmod>2024-11-05</lastmod>"
        ));
        // The last part has no dated page, so no lastmod.
        assert!(index.contains(
            "<loc>https://desk.example.org/d/sitemaps/sitemap-3.xml</loc>\n  </sitemap>"
        ));
        assert_eq!(files[1].1.matches("<url>").count(), 2);
        assert!(files[2]
            .1
            .contains("<loc>https://desk.example.org/d/b/?x=1&amp;y=2</loc>"));
        assert_eq!(files[3].1.matches("<url>").count(), 1);

        let single = sitemap(&config, urls, none, 5);
        assert_eq!(single.len(), 1);
        assert!(text(&single[0]).1.contains("<urlset"));
    }
}
