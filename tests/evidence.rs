//! The evidence report at the end of `brief check`: its counts and archived
//! share, and a located note for each withheld source, each source dated
//! after a briefing citing it and each claim resting on a single source.
//! Only `check` prints it, and it never changes the exit status.
//!
//! The fixture's briefing `a.md`, for working out positions by hand:
//!
//! ```text
//!  1 ---
//!  2 title: Evidence of every kind
//!  3 date: 2024-10-31
//!  4 summary: Claims resting on sources of every kind.
//!  5 speakers:
//!  6   kim:
//!  7     name: Kim Song
//!  8 sources:
//!  9   charter:
//! 10     title: Charter of the United Nations
//! 11     url: https://www.un.org/en/about-us/un-charter/full-text
//! 12     archived: https://web.archive.org/web/2024/https://www.un.org/en/about-us/un-charter/full-text
//! 13   diplomat:
//! 14     title: Interview with a Council diplomat
//! 15     withheld: Interview; the diplomat asked not to be named
//! 16   late-report:
//! 17     title: A report published after this briefing
//! 18     url: https://example.org/late-report
//! 19     date: 2024-11-05
//! 20 claims:
//! 21   - id: agreed
//! ..
//! 26     sources: [charter, res-1718]
//! 27   - id: hearsay
//! ..
//! 32     sources: [diplomat]
//! 33   - id: foresight
//! ..
//! 38     sources: [late-report, charter, statement]
//! ```

mod common;

use common::{Run, Site};

const A: &str = "content/briefings/a.md";
const B: &str = "content/briefings/b.md";
const SOURCES: &str = "content/sources.yaml";

const BRIEFING_A: &str = "---
title: Evidence of every kind
date: 2024-10-31
summary: Claims resting on sources of every kind.
speakers:
  kim:
    name: Kim Song
sources:
  charter:
    title: Charter of the United Nations
    url: https://www.un.org/en/about-us/un-charter/full-text
    archived: https://web.archive.org/web/2024/https://www.un.org/en/about-us/un-charter/full-text
  diplomat:
    title: Interview with a Council diplomat
    withheld: Interview; the diplomat asked not to be named
  late-report:
    title: A report published after this briefing
    url: https://example.org/late-report
    date: 2024-11-05
claims:
  - id: agreed
    speaker: kim
    text: Two documents agree.
    verdict: mixed
    explanation: Both say so.
    sources: [charter, res-1718]
  - id: hearsay
    speaker: kim
    text: Only a diplomat says so.
    verdict: unverified
    explanation: One unnamed source.
    sources: [diplomat]
  - id: foresight
    speaker: kim
    text: The report says so.
    verdict: mixed
    explanation: It does, but later.
    sources: [late-report, charter, statement]
---
Body.
";

/// The day before `a.md`; it defines the Charter again under another id,
/// with the same address and without an archived copy.
const BRIEFING_B: &str = "---
title: The day before
date: 2024-10-30
summary: Earlier claims.
speakers:
  kim:
    name: Kim Song
sources:
  un-charter:
    title: The Charter
    url: https://www.un.org/en/about-us/un-charter/full-text
claims:
  - id: earlier
    speaker: kim
    text: Three documents agree.
    verdict: mixed
    explanation: They do.
    sources: [un-charter, res-1718, statement]
---
Body.
";

/// `statement` is dated the same day as `a.md` (not after it) and the day
/// after `b.md`.
const SITE_SOURCES: &str = "\
res-1718:
  title: Resolution 1718 (2006)
  url: https://undocs.org/S/RES/1718(2006)
  date: 2006-10-14
statement:
  title: A statement of 31 October
  url: https://example.org/statement
  date: 2024-10-31
";

fn fixture() -> Site {
    Site::with(&[(A, BRIEFING_A), (B, BRIEFING_B), (SOURCES, SITE_SOURCES)])
}

/// `brief check ARGS`, asserting it succeeds.
#[track_caller]
fn check(site: &Site, args: &[&str]) -> Run {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    let run = site.run(&all);
    assert_eq!(
        run.status, 0,
        "check failed\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    run
}

/// One diagnostic as `brief` printed it on stderr (codespan's form).
#[derive(Debug, Clone, Default)]
struct Printed {
    severity: String,
    message: String,
    location: String,
    field: String,
    hint: String,
}

fn printed(stderr: &str) -> Vec<Printed> {
    let mut out: Vec<Printed> = Vec::new();
    for line in stderr.lines() {
        for severity in ["error", "warning", "note"] {
            if let Some(message) = line.strip_prefix(&format!("{severity}: ")) {
                out.push(Printed {
                    severity: severity.into(),
                    message: message.into(),
                    ..Printed::default()
                });
            }
        }
        let Some(current) = out.last_mut() else {
            continue;
        };
        let trimmed = line.trim_start();
        if let Some((_, location)) = line.split_once("┌─ ") {
            current.location = location.trim().into();
        } else if let Some(field) = trimmed.strip_prefix("= field: ") {
            current.field = field.into();
        } else if let Some(hint) = trimmed.strip_prefix("= hint: ") {
            current.hint = hint.into();
        }
    }
    out
}

/// The one note whose message contains `message`, with a hint.
#[track_caller]
fn note(run: &Run, message: &str) -> Printed {
    let found: Vec<Printed> = printed(&run.stderr)
        .into_iter()
        .filter(|d| d.severity == "note" && d.message.contains(message))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one note containing {message:?}, got {found:#?}\nstderr:\n{}",
        run.stderr
    );
    let d = found.into_iter().next().unwrap();
    assert!(!d.hint.is_empty(), "no hint for {d:#?}");
    d
}

/// The line of stdout starting with `start`.
#[track_caller]
fn line<'a>(run: &'a Run, start: &str) -> &'a str {
    run.stdout
        .lines()
        .find(|l| l.starts_with(start))
        .unwrap_or_else(|| panic!("no line starting {start:?} in:\n{}", run.stdout))
}

// ------------------------------------------------------------ the summary

#[test]
fn counts_distinct_sources_and_the_share_archived() {
    let run = check(&fixture(), &[]);
    // Five documents: the Charter (under two ids, archived in one of its
    // definitions), the withheld interview, the late report, and two
    // site-wide sources, one cited by both briefings.
    assert_eq!(
        line(&run, "Evidence:"),
        "Evidence: 2 briefings, 4 claims, 5 sources; 1 of 4 linked sources (25%) archived; \
         1 withheld; 2 sources dated after a briefing citing them; \
         1 claim rests on a single source (4 notes)"
    );
    // The report ends the check.
    assert_eq!(run.stdout.lines().last(), Some(line(&run, "Evidence:")));
}

#[test]
fn a_fully_archived_site_with_no_findings_reports_counts_only() {
    let site = Site::with(&[(
        A,
        &BRIEFING_A
            .replace(
                "    withheld: Interview; the diplomat asked not to be named\n",
                "    url: https://example.org/interview\n    archived: https://archive.example.org/interview\n",
            )
            .replace("    date: 2024-11-05\n", "    archived: https://archive.example.org/late\n")
            .replace("[charter, res-1718]", "[charter, late-report]")
            .replace("[diplomat]", "[diplomat, charter]")
            .replace(", statement]", "]"),
    )]);
    let run = check(&site, &[]);
    assert_eq!(
        line(&run, "Evidence:"),
        "Evidence: 1 briefing, 3 claims, 3 sources; 3 of 3 linked sources (100%) archived (0 notes)"
    );
    assert_eq!(run.stderr, "", "no findings, so no notes");
    assert!(
        line(&run, "Checked").ends_with("0 errors, 0 warnings, 0 notes"),
        "{}",
        run.stdout
    );
}

// ------------------------------------------------------------ the findings

#[test]
fn warns_of_a_withheld_source_with_its_reason() {
    let run = check(&fixture(), &[]);
    let d = note(&run, "withheld");
    assert_eq!(
        d.message,
        "source `diplomat` is withheld: Interview; the diplomat asked not to be named"
    );
    assert_eq!(d.location, "content/briefings/a.md:15:15");
    assert_eq!(d.field, "sources.diplomat.withheld");
}

#[test]
fn warns_of_a_source_dated_after_its_briefing_at_the_source_date() {
    let run = check(&fixture(), &[]);
    let d = note(&run, "`late-report` is dated");
    assert_eq!(
        d.message,
        "source `late-report` is dated 2024-11-05, after this briefing's date (2024-10-31)"
    );
    assert_eq!(d.location, "content/briefings/a.md:19:11");
    assert_eq!(d.field, "sources.late-report.date");
}

/// A correction dated on or after the source says when it was added:
/// the note goes, and comes back if the correction is older than the
/// source.
#[test]
fn a_correction_that_tells_of_a_later_source_answers_its_note() {
    let site = fixture();
    let with_correction = |date: &str| {
        BRIEFING_A.replacen(
            "claims:\n",
            &format!("updated: 2024-11-06\ncorrections:\n  - date: {date}\n    text: Added a later report.\nclaims:\n"),
            1,
        )
    };
    site.write(A, &with_correction("2024-11-06"));
    let run = check(&site, &[]);
    assert!(
        !run.stderr.contains("`late-report` is dated"),
        "{}",
        run.stderr
    );
    site.write(A, &with_correction("2024-11-01"));
    let run = check(&site, &[]);
    assert!(
        run.stderr.contains("`late-report` is dated"),
        "{}",
        run.stderr
    );
}

#[test]
fn warns_of_a_site_wide_source_dated_after_a_briefing_that_cites_it() {
    let run = check(&fixture(), &[]);
    // Cited by a.md on its own date (fine) and by b.md the day before.
    let d = note(&run, "`statement` is dated");
    assert_eq!(
        d.message,
        "source `statement` is dated 2024-10-31, after the date of content/briefings/b.md (2024-10-30), which cites it"
    );
    assert_eq!(d.location, "content/sources.yaml:8:9");
    assert_eq!(d.field, "statement.date");
}

#[test]
fn names_every_earlier_briefing_citing_a_late_site_wide_source() {
    let site = fixture();
    site.write(
        SOURCES,
        &SITE_SOURCES.replace("date: 2024-10-31", "date: 2025-01-15"),
    );
    let run = check(&site, &[]);
    let d = note(&run, "`statement` is dated");
    assert_eq!(
        d.message,
        "source `statement` is dated 2025-01-15, after the dates of 2 briefings that cite it: \
         content/briefings/a.md (2024-10-31), content/briefings/b.md (2024-10-30)"
    );
    assert_eq!(d.location, "content/sources.yaml:8:9");
}

#[test]
fn a_source_dated_on_or_before_its_briefing_is_not_flagged() {
    let run = check(&fixture(), &[]);
    let dated: Vec<String> = printed(&run.stderr)
        .into_iter()
        .filter(|d| d.message.contains("is dated"))
        .map(|d| d.message)
        .collect();
    assert_eq!(dated.len(), 2, "{dated:#?}");
    assert!(
        !run.stderr.contains("`res-1718` is dated"),
        "{}",
        run.stderr
    );
}

#[test]
fn warns_of_a_claim_resting_on_a_single_source() {
    let run = check(&fixture(), &[]);
    let d = note(&run, "rests on a single source");
    assert_eq!(
        d.message,
        "claim `hearsay` rests on a single source (`diplomat`)"
    );
    assert_eq!(d.location, "content/briefings/a.md:32:5");
    assert_eq!(d.field, "claims[1].sources");
}

#[test]
fn does_not_flag_a_claim_with_several_sources() {
    let run = check(&fixture(), &[]);
    let single: Vec<Printed> = printed(&run.stderr)
        .into_iter()
        .filter(|d| d.message.contains("single source"))
        .collect();
    assert_eq!(single.len(), 1, "{single:#?}");
    for claim in ["agreed", "foresight", "earlier"] {
        assert!(
            !run.stderr.contains(&format!("claim `{claim}`")),
            "{claim} cites several sources:\n{}",
            run.stderr
        );
    }
}

#[test]
fn two_ids_for_one_document_are_a_single_source() {
    let site = fixture();
    // b.md's `un-charter` and the site-wide `res-1718` made one address.
    site.write(
        SOURCES,
        &SITE_SOURCES.replace(
            "https://undocs.org/S/RES/1718(2006)",
            "https://www.un.org/en/about-us/un-charter/full-text",
        ),
    );
    site.write(B, &BRIEFING_B.replace(", statement]", "]"));
    let run = check(&site, &[]);
    let d = note(&run, "claim `earlier`");
    assert_eq!(d.message, "claim `earlier` rests on a single source");
    assert_eq!(d.location, "content/briefings/b.md:18:5");
}

#[test]
fn one_source_cited_twice_is_a_single_source() {
    let site = fixture();
    site.write(A, &BRIEFING_A.replace("[diplomat]", "[diplomat, diplomat]"));
    let run = check(&site, &[]);
    let d = note(&run, "rests on a single source");
    assert_eq!(
        d.message,
        "claim `hearsay` rests on a single source (`diplomat`)"
    );
    assert_eq!(d.location, "content/briefings/a.md:32:5");
}

// ------------------------------------------------------------ commands and flags

#[test]
fn the_report_does_not_change_the_exit_status() {
    let run = check(&fixture(), &[]);
    // One withheld source, two dated late, one single-source claim.
    assert_eq!(printed(&run.stderr).len(), 4, "{}", run.stderr);
    assert!(
        printed(&run.stderr).iter().all(|d| d.severity == "note"),
        "{}",
        run.stderr
    );
    // The check itself found no problem; the report's four findings are
    // counted as what they are printed as, on both lines.
    assert!(
        line(&run, "Checked").ends_with("0 errors, 0 warnings, 4 notes"),
        "{}",
        run.stdout
    );
    assert!(
        line(&run, "Evidence:").ends_with("(4 notes)"),
        "{}",
        run.stdout
    );
}

#[test]
fn build_does_not_print_the_report() {
    let site = fixture();
    let run = site.build();
    assert!(!run.stdout.contains("Evidence"), "{}", run.stdout);
    assert_eq!(run.stderr, "", "build printed findings");
    // The same site does have findings, for check.
    assert!(check(&site, &[]).stdout.contains("Evidence: "));
}

#[test]
fn evidence_summary_prints_the_line_without_the_findings() {
    let run = check(&fixture(), &["--evidence", "summary"]);
    assert!(
        line(&run, "Evidence:").contains("1 withheld"),
        "{}",
        run.stdout
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn evidence_off_and_quiet_print_no_report() {
    let site = fixture();
    let off = check(&site, &["--evidence", "off"]);
    assert!(!off.stdout.contains("Evidence"), "{}", off.stdout);
    assert_eq!(off.stderr, "");
    assert!(
        line(&off, "Checked").ends_with("0 errors, 0 warnings"),
        "no report, so no notes counted: {}",
        off.stdout
    );
    for flag in ["--quiet", "-q"] {
        let quiet = check(&site, &[flag]);
        assert_eq!((quiet.stdout.as_str(), quiet.stderr.as_str()), ("", ""));
    }
}

#[test]
fn a_check_with_errors_reports_them_and_no_evidence() {
    let site = fixture();
    site.write(B, &BRIEFING_B.replace("speaker: kim", "speaker: nobody"));
    let run = site.run(&["check"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let located: Vec<Printed> = printed(&run.stderr)
        .into_iter()
        .filter(|d| !d.location.is_empty())
        .collect();
    assert_eq!(located.len(), 1, "{located:#?}");
    assert_eq!(located[0].message, "unknown speaker `nobody`");
    assert!(!run.stdout.contains("Evidence"), "{}", run.stdout);
}
