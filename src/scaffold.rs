//! `brief new`: a starter site, and new briefings with their front matter
//! laid out to fill in.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

const SITE_YAML: &str = "\
title: My Fact Desk
base_url: https://factdesk.example.org/
language: en  # fr, es, pt, de, ar, or your own: docs/guide/languages.md
# languages: [en, fr]  # several: translate x.md as x.fr.md, published at /fr/
description: Claims checked against the record.
publisher:
  name: My Fact Desk
  url: https://factdesk.example.org/about/
";

const ABOUT: &str = "\
---
title: About
---
Who we are, how to reach us, and how we are funded.
";

/// Creates a working site in `dir`: site.yaml, one briefing, one page.
pub(crate) fn new_site(dir: &Path) -> anyhow::Result<PathBuf> {
    if dir.exists()
        && fs::read_dir(dir)
            .with_context(|| format!("cannot read {}", dir.display()))?
            .next()
            .is_some()
    {
        bail!(
            "{} already exists and is not empty; choose a new folder",
            dir.display()
        );
    }
    let briefings = dir.join("content/briefings");
    let pages = dir.join("content/pages");
    for folder in [&briefings, &pages] {
        fs::create_dir_all(folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
    }
    write_new(&dir.join("site.yaml"), SITE_YAML)?;
    write_new(&pages.join("about.md"), ABOUT)?;
    // A draft like any new briefing: its sample content must not go live.
    let sample = skeleton("A first briefing", &today(), true);
    write_new(&briefings.join("a-first-briefing.md"), &sample)?;
    Ok(dir.to_path_buf())
}

/// Creates `content/briefings/<slug>.md` under `root`, as a draft.
pub(crate) fn new_briefing(root: &Path, title: &str) -> anyhow::Result<PathBuf> {
    // "Minister's" should give `ministers`, not `minister-s`.
    let slug = slug::slugify(title.replace(['\'', '\u{2019}'], ""));
    if slug.is_empty() {
        bail!("the title `{title}` gives an empty file name; use a title with letters or digits");
    }
    let dir = root.join("content/briefings");
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(format!("{slug}.md"));
    write_new(&path, &skeleton(title, &today(), true))?;
    Ok(path)
}

/// Writes a file that must not exist yet, so nothing a writer has is lost.
fn write_new(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|err| match err.kind() {
            io::ErrorKind::AlreadyExists => {
                anyhow::anyhow!("{} already exists; not overwriting it", path.display())
            }
            _ => anyhow::Error::new(err).context(format!("cannot create {}", path.display())),
        })?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

fn today() -> String {
    chrono::Local::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}

/// The sample content a new briefing is filled with. A briefing that is
/// not a draft and still holds any of it is refused (`validate`), so the
/// sample cannot go live by a forgotten `draft: false`.
pub(crate) mod sample {
    pub(crate) const SUMMARY: &str = "One paragraph that says what this briefing found.";
    pub(crate) const EVENT: &str = "Where and when the claims were made";
    pub(crate) const SPEAKER: &str = "jane-doe";
    pub(crate) const SPEAKER_NAME: &str = "Jane Doe";
    pub(crate) const SPEAKER_ROLE: &str = "Minister of Examples";
    pub(crate) const SOURCES: [(&str, &str); 2] = [
        ("example-report", "The report that settles the claim"),
        ("example-data", "The figures the report is based on"),
    ];
    pub(crate) const CLAIM_TEXT: &str = "The claim, as the speaker made it.";
    pub(crate) const EXPLANATION: &str =
        "What the evidence shows, and why that leads to the verdict.";
}

/// A briefing whose every field is filled with an example that builds.
fn skeleton(title: &str, date: &str, draft: bool) -> String {
    use sample::*;
    // A JSON string is a valid double-quoted YAML string, whatever the title holds.
    let title = serde_json::to_string(title).expect("a string always serialises");
    let [(report, report_title), (data, data_title)] = SOURCES;
    format!(
        r#"---
title: {title}
date: {date}
summary: {SUMMARY}
event: {EVENT}
authors: [Fact Desk]
tags: [example]
draft: {draft}
speakers:
  {SPEAKER}:
    name: {SPEAKER_NAME}
    role: {SPEAKER_ROLE}
    affiliation: Example Party
sources:
  {report}:
    title: {report_title}
    publisher: Example Statistics Office
    url: https://example.org/report
    date: {date}
    excerpt: "The sentence of the report that bears on the claim."
  {data}:
    title: {data_title}
    publisher: Example Statistics Office
    url: https://example.org/data
    date: {date}
    accessed: {date}
    archived: https://web.archive.org/web/https://example.org/data
    # withheld: "Interview; the source asked not to be named"   # instead of url
claims:
  - id: first-claim
    speaker: {SPEAKER}
    text: {CLAIM_TEXT}
    verbatim: false
    date: {date}
    verdict: unverified
    explanation: |
      {EXPLANATION}
    sources: [{report}, {data}]
---
The analysis goes here, in Markdown. Link to a claim with
[its anchor](#claim-first-claim).
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_drop_apostrophes() {
        let dir = tempfile::tempdir().unwrap();
        let path = new_briefing(dir.path(), "Minister\u{2019}s claims on rents").unwrap();
        assert!(
            path.ends_with("content/briefings/ministers-claims-on-rents.md"),
            "{}",
            path.display()
        );
    }

    #[test]
    fn a_new_sites_sample_briefing_is_a_draft() {
        let dir = tempfile::tempdir().unwrap();
        new_site(&dir.path().join("desk")).unwrap();
        let text = fs::read_to_string(
            dir.path()
                .join("desk/content/briefings/a-first-briefing.md"),
        )
        .unwrap();
        assert!(text.contains("\ndraft: true\n"), "{text}");
    }

    #[test]
    fn skeleton_quotes_titles_safely() {
        let text = skeleton("Claim: \"x\" # y", "2024-01-01", true);
        assert!(text.contains(r#"title: "Claim: \"x\" # y""#), "{text}");
    }
}
