//! The evidence report that ends `brief check`: how much the site's verdicts
//! rest on, and where a reader would find that evidence thin.
//!
//! In the spirit of the IFCN code's transparency of sources, it counts the
//! briefings, claims and distinct sources, the share of linked sources with
//! an archived copy, and reports as located notes each withheld source
//! (with its reason), each source dated after a briefing that cites it, and
//! each claim resting on a single source. It belongs to the validate stage
//! but is not one of its checks: nothing here is wrong for certain, so it
//! never fails a check and `build` and `serve` do not compute it. It reads
//! only the resolved [`Site`], so it runs only on a site without errors.

use std::fmt;

use chrono::NaiveDate;
use indexmap::IndexMap;
use rustc_hash::FxHashSet as HashSet;

use crate::diagnostic::{self, Diagnostic};
use crate::model::{Briefing, Claim, Source};
use crate::resolve::{Site, SourceKey};

/// The evidence behind a site's verdicts.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Evidence {
    pub briefings: usize,
    pub claims: usize,
    /// Distinct documents cited, as `/sources/` lists them: a source cited by
    /// many claims, or defined in several places with one address, counts once.
    pub sources: usize,
    /// Cited documents a reader can follow a link to (not withheld).
    pub linked: usize,
    /// Linked documents for which some definition gives an archived copy.
    pub archived: usize,
    /// Cited documents withheld from readers.
    pub withheld: usize,
    /// Cited source definitions dated after a briefing that cites them.
    pub dated_after: usize,
    /// Claims whose sources are all one document.
    pub single_source: usize,
    /// One located note for each withheld source, each source dated after
    /// its briefing and each single-source claim, sorted by place.
    pub findings: Vec<Diagnostic>,
}

/// Computes the report for a site that checked without errors.
pub(crate) fn report(site: &Site) -> Evidence {
    let mut evidence = Evidence {
        briefings: site.briefings.len(),
        claims: site.briefings.iter().map(|b| b.claims.len()).sum(),
        ..Evidence::default()
    };
    let citing = single_sources(site, &mut evidence);
    sources_against_dates(site, &citing, &mut evidence);
    count_documents(site, &mut evidence);
    diagnostic::sort(&mut evidence.findings);
    evidence
}

/// Finds the claims that rest on a single document. Returns each cited
/// definition, with the briefings citing it, in site order.
fn single_sources(site: &Site, evidence: &mut Evidence) -> IndexMap<SourceKey, Vec<usize>> {
    let mut citing: IndexMap<SourceKey, Vec<usize>> = IndexMap::new();
    for (b, briefing) in site.briefings.iter().enumerate() {
        for claim in &briefing.claims {
            let mut documents = HashSet::default();
            for id in &claim.sources {
                match site.source_for(b, id) {
                    Some((key, _)) => {
                        let cited_by = citing.entry(key).or_default();
                        if cited_by.last() != Some(&b) {
                            cited_by.push(b);
                        }
                        documents.insert(Document::of(site, key));
                    }
                    // Reported by `validate`; still a source the claim names.
                    None => {
                        documents.insert(Document::Unknown(id));
                    }
                }
            }
            if documents.len() == 1 {
                evidence.single_source += 1;
                evidence.findings.push(single_source(site, b, claim));
            }
        }
    }
    citing
}

fn single_source(site: &Site, b: usize, claim: &Claim) -> Diagnostic {
    let field = format!("claims[{}].sources", claim.index);
    Diagnostic::note(
        &site.briefings[b].file,
        site.locate(b, &field),
        format!(
            "claim `{}` rests on a single source{}",
            claim.id,
            only_source(&claim.sources)
        ),
    )
    .with_field(field)
    .with_hint("cite a second, independent source that bears out the verdict, if there is one")
}

/// Finds the withheld sources, and those dated after a briefing that
/// cites them.
fn sources_against_dates(
    site: &Site,
    citing: &IndexMap<SourceKey, Vec<usize>>,
    evidence: &mut Evidence,
) {
    for (key, briefings) in citing {
        let source = site.source(key);
        if let Some(reason) = &source.withheld {
            evidence.findings.push(withheld(site, source, reason));
        }
        let Some(date) = source.date else {
            continue;
        };
        // A correction on or after the source's date says when it was
        // added: that briefing has told its readers.
        let earlier: Vec<&Briefing> = briefings
            .iter()
            .map(|&b| &*site.briefings[b])
            .filter(|b| b.date < date && !b.corrections.iter().any(|c| c.date >= date))
            .collect();
        if !earlier.is_empty() {
            evidence.dated_after += 1;
            let local = matches!(key, SourceKey::Briefing(..));
            evidence
                .findings
                .push(dated_after(site, source, date, &earlier, local));
        }
    }
}

/// Counts the documents linked, archived and withheld, by document, as
/// `/sources/` shows them.
fn count_documents(site: &Site, evidence: &mut Evidence) {
    let mut has_archive = vec![false; site.sources.len()];
    let mut is_withheld = vec![false; site.sources.len()];
    for (key, &entry) in &site.source_entry {
        let source = site.source(key);
        if let (Some(a), Some(w)) = (has_archive.get_mut(entry), is_withheld.get_mut(entry)) {
            // A document the desk hosts is its own archived copy.
            *a |= source.archived().is_some() || source.file.is_some();
            *w |= source.withheld.is_some();
        }
    }
    for (entry, cited) in site.sources.iter().enumerate() {
        if is_withheld[entry] {
            evidence.withheld += 1;
        } else if site.source(&cited.key).url().is_some() {
            evidence.linked += 1;
            evidence.archived += usize::from(has_archive[entry]);
        }
    }
    evidence.sources = site.sources.len();
}

/// What makes two cited ids the same document.
#[derive(PartialEq, Eq, Hash)]
enum Document<'a> {
    /// An entry of `/sources/`.
    Entry(usize),
    /// A source that resolved but is in no entry (cannot happen once
    /// resolved, but costs nothing to tell apart).
    Key(SourceKey),
    /// An id that names no source.
    Unknown(&'a str),
}

impl<'a> Document<'a> {
    fn of(site: &Site, key: SourceKey) -> Document<'a> {
        match site.source_entry.get(&key) {
            Some(&entry) => Document::Entry(entry),
            None => Document::Key(key),
        }
    }
}

/// ` (`id`)` naming the one source a claim cites, when it has one id for it
/// (perhaps written twice, which `validate` reports).
fn only_source(ids: &[String]) -> String {
    match ids.split_first() {
        Some((first, rest)) if rest.iter().all(|id| id == first) => format!(" (`{first}`)"),
        _ => String::new(),
    }
}

fn withheld(site: &Site, source: &Source, reason: &str) -> Diagnostic {
    let field = source.origin.field_of(&source.id, "withheld");
    Diagnostic::note(
        &*source.origin.file,
        site.position_of(&source.origin, &source.id, "withheld"),
        format!(
            "source `{}` is withheld: {}",
            source.id,
            // A reason written as a folded block may run over several lines.
            reason.split_whitespace().collect::<Vec<_>>().join(" ")
        ),
    )
    .with_field(field)
    .with_hint(
        "readers cannot check a withheld source: say in the explanation why it is trusted, and cite a source they can read where one exists",
    )
}

fn dated_after(
    site: &Site,
    source: &Source,
    date: NaiveDate,
    earlier: &[&Briefing],
    local: bool,
) -> Diagnostic {
    let when = match earlier {
        [only] if local => format!("after this briefing's date ({})", only.date),
        [only] => format!(
            "after the date of {} ({}), which cites it",
            only.file.display(),
            only.date
        ),
        many => format!(
            "after the dates of {} briefings that cite it: {}",
            many.len(),
            many.iter()
                .map(|b| format!("{} ({})", b.file.display(), b.date))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let field = source.origin.field_of(&source.id, "date");
    Diagnostic::note(
        &*source.origin.file,
        site.position_of(&source.origin, &source.id, "date"),
        format!("source `{}` is dated {date}, {when}", source.id),
    )
    .with_field(field)
    .with_hint(match earlier {
        [only] if only.updated.is_some_and(|updated| updated >= date) => format!(
            "the briefing was updated on {}: if the source was added then, say so under `corrections:`; otherwise check the date for a typo",
            only.updated.unwrap_or(date)
        ),
        _ => "check the date for a typo; if the source was added after publication, set the briefing's `updated:` and say what changed under `corrections:`".to_owned(),
    })
}

impl Evidence {
    /// The share of linked sources with an archived copy, in whole percent:
    /// never 100 unless all are, never 0 unless none is.
    pub(crate) fn archived_percent(&self) -> Option<usize> {
        if self.linked == 0 {
            return None;
        }
        let rounded = (self.archived * 100 + self.linked / 2) / self.linked;
        Some(match self.archived {
            0 => 0,
            a if a == self.linked => 100,
            _ => rounded.clamp(1, 99),
        })
    }
}

/// The report's one-line summary, such as "Evidence: 2 briefings, 16
/// claims, 12 sources; 9 of 11 linked sources (82%) archived; 1 withheld;
/// 2 claims rest on a single source (3 notes)". Findings with a count of
/// zero are left out; the notes are the located findings, one per place,
/// as the check's line counts them.
impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Evidence: {}, {}, {}",
            plural(self.briefings, "briefing", "briefings"),
            plural(self.claims, "claim", "claims"),
            plural(self.sources, "source", "sources"),
        )?;
        if let Some(percent) = self.archived_percent() {
            write!(
                f,
                "; {} of {} ({percent}%) archived",
                self.archived,
                plural(self.linked, "linked source", "linked sources")
            )?;
        }
        if self.withheld > 0 {
            write!(f, "; {} withheld", self.withheld)?;
        }
        if self.dated_after > 0 {
            write!(
                f,
                "; {} after a briefing citing {}",
                plural(self.dated_after, "source dated", "sources dated"),
                if self.dated_after == 1 { "it" } else { "them" }
            )?;
        }
        if self.single_source > 0 {
            write!(
                f,
                "; {} on a single source",
                plural(self.single_source, "claim rests", "claims rest")
            )?;
        }
        // The same count as the check's line, in the same word.
        write!(f, " ({})", plural(self.findings.len(), "note", "notes"))?;
        Ok(())
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(linked: usize, archived: usize) -> Evidence {
        Evidence {
            linked,
            archived,
            ..Evidence::default()
        }
    }

    #[test]
    fn the_archived_share_is_never_rounded_to_all_or_none() {
        assert_eq!(counts(0, 0).archived_percent(), None);
        assert_eq!(counts(11, 9).archived_percent(), Some(82));
        assert_eq!(counts(200, 199).archived_percent(), Some(99));
        assert_eq!(counts(300, 1).archived_percent(), Some(1));
        assert_eq!(counts(3, 3).archived_percent(), Some(100));
        assert_eq!(counts(3, 0).archived_percent(), Some(0));
    }

    #[test]
    fn the_summary_leaves_out_what_is_zero() {
        let evidence = Evidence {
            briefings: 1,
            claims: 16,
            sources: 12,
            linked: 11,
            archived: 9,
            withheld: 1,
            single_source: 2,
            ..Evidence::default()
        };
        assert_eq!(
            evidence.to_string(),
            "Evidence: 1 briefing, 16 claims, 12 sources; 9 of 11 linked sources (82%) archived; 1 withheld; 2 claims rest on a single source (0 notes)"
        );
        assert_eq!(
            Evidence::default().to_string(),
            "Evidence: 0 briefings, 0 claims, 0 sources (0 notes)"
        );
        let one = Evidence {
            linked: 1,
            dated_after: 1,
            single_source: 1,
            ..Evidence::default()
        };
        assert_eq!(
            one.to_string(),
            "Evidence: 0 briefings, 0 claims, 0 sources; 0 of 1 linked source (0%) archived; 1 source dated after a briefing citing it; 1 claim rests on a single source (0 notes)"
        );
    }
}
