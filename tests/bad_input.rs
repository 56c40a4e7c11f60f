//! Bad input: every problem is reported with its file, line and column, a
//! hint, and a non-zero exit, and the previous `public/` is left untouched.
//!
//! Most tests start from `MINIMAL_BRIEFING` at `content/briefings/x.md`,
//! build it once, break one thing, and build again. Its lines, for working
//! out expected positions by hand:
//!
//! ```text
//!  1 ---
//!  2 title: A minimal briefing
//!  3 date: 2024-10-31
//!  4 summary: What it found.
//!  5 speakers:
//!  6   kim:
//!  7     name: Kim Song
//!  8     role: Permanent Representative
//!  9 sources:
//! 10   charter:
//! 11     title: Charter of the United Nations
//! 12     publisher: United Nations
//! 13     url: https://www.un.org/en/about-us/un-charter/full-text
//! 14 claims:
//! 15   - id: first
//! 16     speaker: kim
//! 17     text: Any deployment would comply with international law.
//! 18     verdict: unverified
//! 19     explanation: The record does not settle it.
//! 20     sources: [charter]
//! 21 ---
//! 22 Body text.
//! ```

mod common;

use common::{refuses_output, texts, Run, Site, MINIMAL_BRIEFING};

const X: &str = "content/briefings/x.md";

// ------------------------------------------------------------- helpers

/// One diagnostic as `brief` printed it on stderr.
#[derive(Debug, Clone)]
struct Printed {
    severity: String,
    message: String,
    /// `file:line:column`, when the diagnostic has one.
    location: Option<String>,
    field: Option<String>,
    hint: Option<String>,
}

/// Splits stderr into diagnostics. Understands codespan's form
/// (`error: msg`, `┌─ file:l:c`, `= field: ..`, `= hint: ..`) and the plain
/// fallback (`file:l:c: error: msg (in `field`)` then `  hint: ..`).
fn printed(stderr: &str) -> Vec<Printed> {
    let mut out: Vec<Printed> = Vec::new();
    for line in stderr.lines() {
        if let Some(header) = header(line) {
            out.push(header);
            continue;
        }
        let Some(current) = out.last_mut() else {
            continue;
        };
        let trimmed = line.trim_start();
        if let Some((_, location)) = line.split_once("┌─ ") {
            current.location = Some(location.trim().to_owned());
        } else if let Some(field) = trimmed.strip_prefix("= field: ") {
            current.field = Some(field.to_owned());
        } else if let Some(hint) = trimmed
            .strip_prefix("= hint: ")
            .or_else(|| trimmed.strip_prefix("hint: "))
        {
            current.hint = Some(hint.to_owned());
        }
    }
    out
}

fn header(line: &str) -> Option<Printed> {
    for severity in ["error", "warning"] {
        let new = |message: &str, location: Option<&str>| Printed {
            severity: severity.to_owned(),
            message: message.to_owned(),
            location: location.map(str::to_owned),
            field: None,
            hint: None,
        };
        if let Some(message) = line.strip_prefix(&format!("{severity}: ")) {
            return Some(new(message, None));
        }
        if let Some((location, message)) = line.split_once(&format!(": {severity}: ")) {
            let mut parts = location.rsplitn(3, ':');
            let numeric = parts
                .by_ref()
                .take(2)
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
            if numeric && parts.next().is_some() {
                return Some(new(message, Some(location)));
            }
        }
    }
    None
}

/// The located errors of a run (the closing `build failed` line has no location).
fn errors(run: &Run) -> Vec<Printed> {
    printed(&run.stderr)
        .into_iter()
        .filter(|d| d.severity == "error" && d.location.is_some())
        .collect()
}

/// The one diagnostic of `severity` whose message contains `message`; it must
/// carry a hint.
#[track_caller]
fn find(run: &Run, severity: &str, message: &str) -> Printed {
    let found: Vec<Printed> = printed(&run.stderr)
        .into_iter()
        .filter(|d| d.severity == severity && d.message.contains(message))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one {severity} containing {message:?}, got {found:#?}\nstderr:\n{}",
        run.stderr
    );
    let d = found.into_iter().next().unwrap();
    assert!(
        d.hint.is_some(),
        "no hint for {d:#?}\nstderr:\n{}",
        run.stderr
    );
    d
}

/// The error containing `message`, checked to be at exactly `location`.
#[track_caller]
fn expect_error(run: &Run, message: &str, location: &str) -> Printed {
    let d = find(run, "error", message);
    assert_eq!(
        d.location.as_deref(),
        Some(location),
        "wrong location for {d:#?}\nstderr:\n{}",
        run.stderr
    );
    d
}

/// The error containing `message`, checked to be on a given line; for
/// fallback locations whose column is not worth pinning here (see the
/// ignored tests that pin them).
#[track_caller]
fn expect_error_on_line(run: &Run, message: &str, file_and_line: &str) -> Printed {
    let d = find(run, "error", message);
    let location = d.location.clone().unwrap_or_default();
    assert!(
        location.starts_with(&format!("{file_and_line}:")),
        "expected {file_and_line}:<col>, got {d:#?}\nstderr:\n{}",
        run.stderr
    );
    d
}

/// The summary line: `error: build failed (N errors, M warnings); ...`.
#[track_caller]
fn assert_summary(run: &Run, counts: &str) {
    let last = run.stderr.lines().last().unwrap_or("");
    assert!(
        last.contains(&format!("failed ({counts}")),
        "last line {last:?} does not say {counts:?}\nstderr:\n{}",
        run.stderr
    );
}

/// `text` with `from` (which must occur exactly once) replaced by `to`.
#[track_caller]
fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} must occur once");
    text.replacen(from, to, 1)
}

/// A site holding `MINIMAL_BRIEFING` at content/briefings/x.md.
fn minimal_site() -> Site {
    Site::with(&[(X, MINIMAL_BRIEFING)])
}

/// Builds `site` successfully, lets `break_it` spoil it, builds again, and
/// checks that the second build failed with exit status 1 and left
/// `public/` byte for byte as the first one wrote it.
#[track_caller]
fn broken_build(site: &Site, break_it: impl FnOnce(&Site)) -> Run {
    site.build();
    let before = site.snapshot("public");
    assert!(!before.is_empty(), "the good build wrote nothing");
    break_it(site);
    let run = site.run(&["build"]);
    assert_eq!(
        run.status, 1,
        "the broken build did not fail with 1\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    assert!(
        site.snapshot("public") == before,
        "public/ changed after a failed build"
    );
    run
}

/// The common case: x.md with one edit fails with exactly one error,
/// `message` at `location`.
#[track_caller]
fn fails_after_edit(from: &str, to: &str, message: &str, location: &str) -> Printed {
    let site = minimal_site();
    let run = broken_build(&site, |s| s.write(X, &edit(MINIMAL_BRIEFING, from, to)));
    let d = expect_error(&run, message, location);
    assert_eq!(
        errors(&run).len(),
        1,
        "expected one error only\nstderr:\n{}",
        run.stderr
    );
    assert_summary(&run, "1 error,");
    d
}

// ------------------------------------------------- references in claims

#[test]
fn errors_on_unknown_speaker() {
    let d = fails_after_edit(
        "speaker: kim",
        "speaker: kmi",
        "unknown speaker `kmi`",
        "content/briefings/x.md:16:14",
    );
    assert_eq!(d.field.as_deref(), Some("claims[0].speaker"));
    assert!(d.hint.unwrap().starts_with("did you mean `kim`?"));
}

#[test]
fn errors_on_unknown_source_in_a_flow_list() {
    let d = fails_after_edit(
        "sources: [charter]",
        "sources: [charter, chartr]",
        "unknown source `chartr`",
        "content/briefings/x.md:20:24",
    );
    assert_eq!(d.field.as_deref(), Some("claims[0].sources[1]"));
    assert!(d.hint.unwrap().starts_with("did you mean `charter`?"));
}

#[test]
fn errors_on_unknown_verdict() {
    let d = fails_after_edit(
        "verdict: unverified",
        "verdict: bogus",
        "unknown verdict `bogus`",
        "content/briefings/x.md:18:14",
    );
    assert_eq!(d.field.as_deref(), Some("claims[0].verdict"));
    assert!(d.hint.unwrap().contains("misleading, mixed, mostly-true"));
}

#[test]
fn accepts_unquoted_false_as_the_verdict_false() {
    let site = Site::with(&[(
        X,
        &edit(MINIMAL_BRIEFING, "verdict: unverified", "verdict: false"),
    )]);
    let run = site.build();
    assert!(
        printed(&run.stderr).is_empty(),
        "unexpected diagnostics:\n{}",
        run.stderr
    );
    let page = site.page("/briefings/x/");
    assert_eq!(texts(&page, ".claim__verdict .verdict__label"), ["False"]);
    assert!(site.path("public/verdicts/false/index.html").is_file());
}

#[test]
fn errors_on_duplicate_claim_ids() {
    let second = "    sources: [charter]
  - id: first
    speaker: kim
    text: The same words again.
    verdict: mixed
    explanation: Said twice.
    sources: [charter]";
    let d = fails_after_edit(
        "    sources: [charter]",
        second,
        "claim id `first` is used twice in this briefing (first by claims[0])",
        "content/briefings/x.md:21:9",
    );
    assert_eq!(d.field.as_deref(), Some("claims[1].id"));
}

/// x.md with a second `charter:` under `sources:`, at line 14.
fn duplicate_source() -> String {
    edit(
        MINIMAL_BRIEFING,
        "claims:",
        "  charter:
    title: Another charter
    url: https://example.org/charter
claims:",
    )
}

#[test]
fn errors_on_duplicate_source_ids() {
    let site = minimal_site();
    let run = broken_build(&site, |s| s.write(X, &duplicate_source()));
    // The exact position is pinned by the ignored test below.
    let d = find(
        &run,
        "error",
        "duplicate id `charter`: each id may be defined once",
    );
    assert!(d.location.unwrap().starts_with("content/briefings/x.md:"));
    assert_eq!(d.field.as_deref(), Some("sources"));
    assert_summary(&run, "1 error,");
}

#[test]
fn locates_a_duplicate_source_id_at_its_second_definition() {
    let site = minimal_site();
    let run = broken_build(&site, |s| s.write(X, &duplicate_source()));
    expect_error(
        &run,
        "duplicate id `charter`",
        "content/briefings/x.md:14:3",
    );
}

#[test]
fn warns_on_uncited_source() {
    let site = minimal_site();
    site.build();
    site.write(
        X,
        &edit(
            MINIMAL_BRIEFING,
            "claims:",
            "  unsc-1718:
    title: Security Council resolution 1718 (2006)
    url: https://undocs.org/S/RES/1718(2006)
claims:",
        ),
    );
    let run = site.run(&["build"]);
    assert_eq!(
        run.status, 0,
        "a warning must not fail the build\n{}",
        run.stderr
    );
    let d = find(
        &run,
        "warning",
        "source `unsc-1718` is not cited by any claim",
    );
    assert_eq!(d.location.as_deref(), Some("content/briefings/x.md:14:3"));
    assert_eq!(d.field.as_deref(), Some("sources.unsc-1718"));
    assert!(errors(&run).is_empty(), "{}", run.stderr);
    assert!(
        run.stdout.contains("(0 errors, 1 warning)"),
        "{}",
        run.stdout
    );
}

#[test]
fn errors_on_a_claim_with_an_empty_sources_list() {
    let d = fails_after_edit(
        "sources: [charter]",
        "sources: []",
        "claim cites no sources",
        "content/briefings/x.md:20:5",
    );
    assert_eq!(d.field.as_deref(), Some("claims[0].sources"));
}

#[test]
fn errors_on_a_claim_without_sources() {
    let site = minimal_site();
    let run = broken_build(&site, |s| {
        s.write(X, &edit(MINIMAL_BRIEFING, "    sources: [charter]\n", ""))
    });
    let d = expect_error_on_line(&run, "claim cites no sources", "content/briefings/x.md:15");
    assert_eq!(d.field.as_deref(), Some("claims[0].sources"));
    assert_eq!(errors(&run).len(), 1, "{}", run.stderr);
}

#[test]
fn locates_a_missing_claim_field_at_the_claim() {
    let site = minimal_site();
    let run = broken_build(&site, |s| {
        s.write(X, &edit(MINIMAL_BRIEFING, "    sources: [charter]\n", ""))
    });
    expect_error(
        &run,
        "claim cites no sources",
        "content/briefings/x.md:15:5",
    );
}

// ------------------------------------------------------- field problems

#[test]
fn reports_every_missing_required_field_in_one_run() {
    // Without title, date, summary and the claim's explanation:
    //  1 ---
    //  2 speakers:
    // ..
    // 11 claims:
    // 12   - id: first
    let mut text = MINIMAL_BRIEFING.to_owned();
    for line in [
        "title: A minimal briefing\n",
        "date: 2024-10-31\n",
        "summary: What it found.\n",
        "    explanation: The record does not settle it.\n",
    ] {
        text = edit(&text, line, "");
    }
    let site = minimal_site();
    let run = broken_build(&site, |s| s.write(X, &text));
    // Missing top-level fields point at the front matter's first line.
    for field in ["title", "date", "summary"] {
        let d = expect_error(
            &run,
            &format!("missing required field `{field}`"),
            "content/briefings/x.md:2:1",
        );
        assert_eq!(d.field.as_deref(), Some(field));
    }
    let d = expect_error_on_line(
        &run,
        "missing required field `explanation`",
        "content/briefings/x.md:12",
    );
    assert_eq!(d.field.as_deref(), Some("claims[0].explanation"));
    assert_eq!(errors(&run).len(), 4, "{}", run.stderr);
    assert_summary(&run, "4 errors,");
}

#[test]
fn errors_on_a_month_that_does_not_exist() {
    let d = fails_after_edit(
        "date: 2024-10-31",
        "date: 2024-13-01",
        "`2024-13-01` is not a real calendar date",
        "content/briefings/x.md:3:7",
    );
    assert_eq!(d.field.as_deref(), Some("date"));
}

#[test]
fn errors_on_a_day_that_does_not_exist() {
    fails_after_edit(
        "date: 2024-10-31",
        "date: 2024-02-30",
        "`2024-02-30` is not a real calendar date",
        "content/briefings/x.md:3:7",
    );
}

#[test]
fn errors_on_a_date_not_written_year_month_day() {
    let d = fails_after_edit(
        "date: 2024-10-31",
        "date: 31/10/2024",
        "`31/10/2024` is not a date in the form YYYY-MM-DD",
        "content/briefings/x.md:3:7",
    );
    assert!(d.hint.unwrap().contains("2024-10-31"));
}

const CHARTER_URL: &str = "url: https://www.un.org/en/about-us/un-charter/full-text";

#[test]
fn errors_on_a_javascript_url() {
    let d = fails_after_edit(
        CHARTER_URL,
        "url: javascript:alert(1)",
        "address `javascript:alert(1)` uses `javascript:`; only http and https addresses are allowed",
        "content/briefings/x.md:13:10",
    );
    assert_eq!(d.field.as_deref(), Some("sources.charter.url"));
}

#[test]
fn errors_on_a_url_that_is_not_an_address() {
    fails_after_edit(
        CHARTER_URL,
        "url: not a url",
        "address `not a url` is not a valid address",
        "content/briefings/x.md:13:10",
    );
}

#[test]
fn errors_on_an_ftp_url() {
    fails_after_edit(
        CHARTER_URL,
        "url: ftp://x",
        "address `ftp://x` uses `ftp:`",
        "content/briefings/x.md:13:10",
    );
}

// --------------------------------------------------------- broken YAML

/// x.md with `tags: [un, dprk` (never closed) as line 5; the `[` is at 5:7.
fn unclosed_flow_list() -> String {
    edit(
        MINIMAL_BRIEFING,
        "summary: What it found.\n",
        "summary: What it found.\ntags: [un, dprk\n",
    )
}

#[test]
fn errors_on_an_unclosed_flow_list() {
    let site = minimal_site();
    let run = broken_build(&site, |s| s.write(X, &unclosed_flow_list()));
    // The exact position is pinned by the ignored test below.
    let d = find(&run, "error", "did not find expected ',' or ']'");
    assert!(d.location.unwrap().starts_with("content/briefings/x.md:"));
    assert_summary(&run, "1 error,");
}

#[test]
fn locates_an_unclosed_flow_list_at_its_bracket() {
    let site = minimal_site();
    let run = broken_build(&site, |s| s.write(X, &unclosed_flow_list()));
    expect_error(
        &run,
        "did not find expected ',' or ']'",
        "content/briefings/x.md:5:7",
    );
}

#[test]
fn errors_on_bad_indentation() {
    // `role:` dedented to three spaces, under `name:` at four.
    fails_after_edit(
        "    role: Permanent Representative",
        "   role: Permanent Representative",
        "did not find expected key",
        "content/briefings/x.md:8:4",
    );
}

#[test]
fn yaml_syntax_messages_do_not_quote_a_different_line() {
    let site = minimal_site();
    let broken = edit(
        MINIMAL_BRIEFING,
        "    role: Permanent",
        "   role: Permanent",
    );
    let run = broken_build(&site, |s| s.write(X, &broken));
    let d = expect_error(
        &run,
        "did not find expected key",
        "content/briefings/x.md:8:4",
    );
    assert!(!d.message.contains("line 7"), "{}", d.message);
}

#[test]
fn errors_on_a_tab_in_indentation() {
    fails_after_edit(
        "    name: Kim Song",
        "\tname: Kim Song",
        "found character that cannot start any token",
        "content/briefings/x.md:7:1",
    );
}

#[test]
fn hints_that_yaml_indentation_cannot_use_tabs() {
    let d = fails_after_edit(
        "    name: Kim Song",
        "\tname: Kim Song",
        "cannot start any token",
        "content/briefings/x.md:7:1",
    );
    assert!(d.hint.unwrap().contains("tabs"));
}

#[test]
fn errors_on_a_list_where_the_speakers_map_belongs() {
    let d = fails_after_edit(
        "  kim:\n    name: Kim Song\n    role: Permanent Representative\n",
        "  - kim\n",
        "invalid type: sequence, expected a map of ids to entries",
        "content/briefings/x.md:6:3",
    );
    assert_eq!(d.field.as_deref(), Some("speakers"));
}

#[test]
fn errors_on_unknown_front_matter_field_listing_the_accepted_names() {
    let d = fails_after_edit(
        "summary: What it found.",
        "sumary: What it found.",
        "unknown field `sumary`, expected one of",
        "content/briefings/x.md:4:1",
    );
    for name in [
        "`title`",
        "`date`",
        "`summary`",
        "`claims`",
        "`corrections`",
    ] {
        assert!(
            d.message.contains(name),
            "{name} not listed in {:?}",
            d.message
        );
    }
}

#[test]
fn errors_on_a_file_without_front_matter() {
    let site = minimal_site();
    let run = broken_build(&site, |s| s.write(X, "# Just a heading\n\nBody.\n"));
    expect_error(
        &run,
        "this file has no front matter",
        "content/briefings/x.md:1:1",
    );
}

#[test]
fn errors_on_unclosed_front_matter() {
    fails_after_edit(
        "---\nBody text.",
        "Body text.",
        "the front matter is never closed",
        "content/briefings/x.md:1:1",
    );
}

// --------------------------------------------------------------- links

#[test]
fn errors_on_a_body_link_to_an_unknown_claim() {
    let d = fails_after_edit(
        "Body text.\n",
        "Body text.\n\nSee [the claim](#claim-first) and [this](#claim-nope).\n",
        "link to `#claim-nope`: no claim `nope` in this file",
        "content/briefings/x.md:24:35",
    );
    assert!(d.hint.unwrap().contains("(known: first)"));
}

#[test]
fn errors_on_a_link_to_a_missing_briefing() {
    fails_after_edit(
        "Body text.\n",
        "Body text.\n\nSee [x](@/briefings/missing.md).\n",
        "link to `@/briefings/missing.md`: there is no briefing content/briefings/missing.md",
        "content/briefings/x.md:24:5",
    );
}

#[test]
fn errors_on_a_link_to_a_missing_claim_of_another_briefing() {
    let site = Site::with(&[
        (X, MINIMAL_BRIEFING),
        ("content/briefings/y.md", MINIMAL_BRIEFING),
    ]);
    let linked = edit(
        MINIMAL_BRIEFING,
        "Body text.\n",
        "Body text.\n\nSee [y](@/briefings/y.md#claim-frist).\n",
    );
    let run = broken_build(&site, |s| s.write(X, &linked));
    let d = expect_error(
        &run,
        "link to `@/briefings/y.md#claim-frist`: content/briefings/y.md has no anchor `#claim-frist`",
        "content/briefings/x.md:24:5",
    );
    assert!(d.hint.unwrap().starts_with("did you mean `first`?"));
}

// ------------------------------------------------- site-wide definitions

#[test]
fn errors_on_a_speaker_with_another_name_in_speakers_yaml() {
    let site = minimal_site();
    let run = broken_build(&site, |s| {
        s.write("content/speakers.yaml", "kim:\n  name: Kim Song-il\n")
    });
    // Located at the briefing's `name:`, naming the site-wide entry's place.
    let d = expect_error(
        &run,
        "speaker `kim` is `Kim Song` here but `Kim Song-il` in content/speakers.yaml:1:1",
        "content/briefings/x.md:7:11",
    );
    assert_eq!(d.field.as_deref(), Some("speakers.kim"));
}

#[test]
fn errors_on_a_briefing_reusing_a_site_source_id() {
    let site = minimal_site();
    let run = broken_build(&site, |s| {
        s.write(
            "content/sources.yaml",
            "charter:\n  title: Another charter\n  url: https://example.org/charter\n",
        )
    });
    let d = expect_error(
        &run,
        "source id `charter` is already defined for a different source in content/sources.yaml:1:1",
        "content/briefings/x.md:13:10",
    );
    assert_eq!(d.field.as_deref(), Some("sources.charter"));
}

#[test]
fn errors_on_two_briefings_with_one_slug() {
    let site = Site::with(&[("content/briefings/a/x.md", MINIMAL_BRIEFING)]);
    let run = broken_build(&site, |s| {
        s.write("content/briefings/b/x.md", MINIMAL_BRIEFING)
    });
    expect_error(
        &run,
        "two briefings have the slug `x`: this file and content/briefings/a/x.md",
        "content/briefings/b/x.md:1:1",
    );
}

#[test]
fn errors_on_a_verdict_outside_a_custom_scale() {
    let scale = "verdicts:\n  - { id: true, label: \"True\", rating: 5 }\n  - { id: false, label: \"False\", rating: 1 }\n";
    let site = Site::with(&[
        ("site.yaml", scale),
        (
            X,
            &edit(MINIMAL_BRIEFING, "verdict: unverified", "verdict: false"),
        ),
    ]);
    let broken = edit(
        MINIMAL_BRIEFING,
        "verdict: unverified",
        "verdict: mostly-true",
    );
    let run = broken_build(&site, |s| s.write(X, &broken));
    let d = expect_error(
        &run,
        "unknown verdict `mostly-true`",
        "content/briefings/x.md:18:14",
    );
    assert!(d.hint.unwrap().contains("(known: false, true)"));
}

// ------------------------------------------------------------ site.yaml

const SITE_YAML: &str =
    "title: Desk\nbase_url: https://factdesk.example.org\nhighlight_theme: InspiredGitHub\n";

fn site_with_config() -> Site {
    Site::with(&[("site.yaml", SITE_YAML), (X, MINIMAL_BRIEFING)])
}

#[test]
fn errors_on_a_base_url_without_a_scheme() {
    let site = site_with_config();
    let run = broken_build(&site, |s| {
        s.write(
            "site.yaml",
            &edit(SITE_YAML, "https://factdesk", "factdesk"),
        )
    });
    let d = expect_error(
        &run,
        "base_url `factdesk.example.org` is not a valid address",
        "site.yaml:2:11",
    );
    assert_eq!(d.field.as_deref(), Some("base_url"));
}

#[test]
fn errors_on_an_unknown_highlight_theme() {
    let site = site_with_config();
    let run = broken_build(&site, |s| {
        s.write("site.yaml", &edit(SITE_YAML, "InspiredGitHub", "Solarized"))
    });
    let d = expect_error(
        &run,
        "unknown highlight_theme `Solarized`",
        "site.yaml:3:18",
    );
    assert!(d.hint.unwrap().contains("InspiredGitHub"));
}

// ------------------------------------------------------------ templates

#[test]
fn errors_on_a_template_override_with_a_syntax_error() {
    let site = minimal_site();
    let template = "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ briefing.title }</h1>\n{% endblock content %}\n";
    let run = broken_build(&site, |s| s.write("templates/briefing.html", template));
    // Line 3, column 23: the lone `}` that should close `{{`.
    expect_error(&run, "template error:", "templates/briefing.html:3:23");
}

#[test]
fn errors_on_a_template_override_with_an_undefined_variable() {
    let site = minimal_site();
    let template = "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ briefing.title }}</h1>\n<p>{{ nothing_here }}</p>\n{% endblock content %}\n";
    let run = broken_build(&site, |s| s.write("templates/briefing.html", template));
    let d = expect_error(
        &run,
        "Variable `nothing_here` not found",
        "templates/briefing.html:4:7",
    );
    assert!(
        d.message.contains("'briefing.html'"),
        "the template is not named: {}",
        d.message
    );
}

// ------------------------------------------------------------ the files

#[test]
fn errors_on_a_file_that_is_not_utf8() {
    // `summary: Caf` then a Latin-1 é (0xE9): line 4, column 13.
    let mut bytes = edit(
        MINIMAL_BRIEFING,
        "summary: What it found.",
        "summary: Caf@ au lait.",
    )
    .into_bytes();
    let at = bytes.iter().position(|&b| b == b'@').unwrap();
    bytes[at] = 0xE9;
    let site = minimal_site();
    let run = broken_build(&site, |s| s.write_bytes(X, &bytes));
    let d = expect_error(
        &run,
        "this file is not valid UTF-8 text",
        "content/briefings/x.md:4:13",
    );
    assert!(d.hint.unwrap().contains("UTF-8"));
}

#[test]
fn reports_every_problem_across_two_files() {
    let x = [
        ("speaker: kim", "speaker: kmi"),
        ("verdict: unverified", "verdict: bogus"),
        ("sources: [charter]", "sources: [charter, nope]"),
    ]
    .iter()
    .fold(MINIMAL_BRIEFING.to_owned(), |text, (from, to)| {
        edit(&text, from, to)
    });
    let y = [
        (CHARTER_URL, "url: ftp://x"),
        ("speaker: kim", "speaker: lee"),
        ("Body text.", "See [this](#claim-nope)."),
    ]
    .iter()
    .fold(MINIMAL_BRIEFING.to_owned(), |text, (from, to)| {
        edit(&text, from, to)
    });
    let site = Site::with(&[
        (X, MINIMAL_BRIEFING),
        ("content/briefings/y.md", MINIMAL_BRIEFING),
    ]);
    let run = broken_build(&site, |s| {
        s.write(X, &x);
        s.write("content/briefings/y.md", &y);
    });
    expect_error(
        &run,
        "unknown speaker `kmi`",
        "content/briefings/x.md:16:14",
    );
    expect_error(
        &run,
        "unknown verdict `bogus`",
        "content/briefings/x.md:18:14",
    );
    expect_error(
        &run,
        "unknown source `nope`",
        "content/briefings/x.md:20:24",
    );
    expect_error(&run, "address `ftp://x`", "content/briefings/y.md:13:10");
    expect_error(
        &run,
        "unknown speaker `lee`",
        "content/briefings/y.md:16:14",
    );
    expect_error(&run, "link to `#claim-nope`", "content/briefings/y.md:22:5");
    assert_eq!(errors(&run).len(), 6, "{}", run.stderr);
    assert_summary(&run, "6 errors,");
}

#[test]
fn reports_reference_problems_of_a_briefing_with_a_bad_date() {
    let x = [
        ("date: 2024-10-31", "date: 2024-02-30"),
        ("speaker: kim", "speaker: kmi"),
        ("Body text.", "See [this](#claim-nope)."),
    ]
    .iter()
    .fold(MINIMAL_BRIEFING.to_owned(), |text, (from, to)| {
        edit(&text, from, to)
    });
    let site = minimal_site();
    let run = broken_build(&site, |s| s.write(X, &x));
    expect_error(
        &run,
        "`2024-02-30` is not a real calendar date",
        "content/briefings/x.md:3:7",
    );
    expect_error(
        &run,
        "unknown speaker `kmi`",
        "content/briefings/x.md:16:14",
    );
    expect_error(&run, "link to `#claim-nope`", "content/briefings/x.md:22:5");
    assert_summary(&run, "3 errors,");
}

#[test]
fn does_not_warn_uncited_for_a_claim_missing_its_text() {
    let site = minimal_site();
    let broken = edit(
        MINIMAL_BRIEFING,
        "    text: Any deployment would comply with international law.\n",
        "",
    );
    let run = broken_build(&site, |s| s.write(X, &broken));
    find(&run, "error", "missing required field `text`");
    assert_summary(&run, "1 error, 0 warnings");
}

#[test]
fn does_not_warn_a_site_source_repeated_identically_in_a_briefing() {
    let sources =
        "charter:\n  title: Charter of the United Nations\n  publisher: United Nations\n  \
                   url: https://www.un.org/en/about-us/un-charter/full-text\n";
    let site = Site::with(&[(X, MINIMAL_BRIEFING), ("content/sources.yaml", sources)]);
    let run = site.build();
    assert!(
        printed(&run.stderr).is_empty(),
        "unexpected diagnostics:\n{}",
        run.stderr
    );
}

// ------------------------------------------------------ the output folder

#[test]
fn refuses_the_site_root_as_output() {
    refuses_output(
        &minimal_site(),
        &["build", "--output", "."],
        "it is the site's root folder",
    );
}

#[test]
fn refuses_a_folder_containing_the_site_as_output() {
    // The site sits in site/ inside the temporary folder, and the output
    // named is that temporary folder, so a regression could only harm it.
    let dir = Site::with(&[("site/content/briefings/x.md", MINIMAL_BRIEFING)]);
    let brief = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_brief"))
            .args(args)
            .arg("--root")
            .arg(dir.path("site"))
            .current_dir(dir.path("site"))
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    assert_eq!(brief(&["build"]).0, Some(0));
    let before = dir.snapshot(".");
    let (status, stderr) = brief(&["build", "--output", ".."]);
    assert_eq!(status, Some(1), "{stderr}");
    assert!(
        stderr.contains("refusing to write the site into"),
        "{stderr}"
    );
    assert!(stderr.contains("it contains the site itself"), "{stderr}");
    assert!(dir.snapshot(".") == before, "the folder changed");
}

#[test]
fn refuses_a_folder_of_someone_elses_files_and_keeps_them() {
    let site = Site::with(&[(X, MINIMAL_BRIEFING), ("mine/notes.txt", "keep me\n")]);
    refuses_output(
        &site,
        &["build", "--output", "mine"],
        "there is no .brief-output file",
    );
    assert_eq!(
        std::fs::read_to_string(site.path("mine/notes.txt")).unwrap(),
        "keep me\n"
    );
}

#[test]
fn refuses_an_output_folder_inside_content() {
    let site = minimal_site();
    refuses_output(
        &site,
        &["build", "--output", "content/out"],
        "it is inside the site's content/ folder",
    );
    assert!(!site.path("content/out").exists());
}

// ------------------------------------------------------------- check

#[test]
fn check_on_a_broken_site_fails_and_writes_nothing() {
    let site = Site::with(&[(X, &edit(MINIMAL_BRIEFING, "speaker: kim", "speaker: kmi"))]);
    let before = site.snapshot(".");
    let run = site.run(&["check"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    expect_error(
        &run,
        "unknown speaker `kmi`",
        "content/briefings/x.md:16:14",
    );
    assert!(
        run.stderr
            .lines()
            .last()
            .unwrap_or("")
            .contains("check failed (1 error,"),
        "{}",
        run.stderr
    );
    assert!(!site.path("public").exists(), "check wrote public/");
    assert!(
        site.snapshot(".") == before,
        "check changed the site folder"
    );
    let entries: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries, ["content"], "check left something behind");
}

// ----------------------------------------- regressions from the review

/// `kim` in y.md is `Kim Song`; `kim` in x.md claims to be someone else.
#[test]
fn errors_on_one_speaker_id_naming_two_people_in_two_briefings() {
    let site = Site::with(&[
        (X, MINIMAL_BRIEFING),
        (
            "content/briefings/y.md",
            &edit(
                &edit(MINIMAL_BRIEFING, "date: 2024-10-31", "date: 2024-11-30"),
                "name: Kim Song",
                "name: Kim Jong Un",
            ),
        ),
    ]);
    let run = site.run(&["build"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let d = expect_error(
        &run,
        "speaker `kim` is `Kim Song` here but `Kim Jong Un` in content/briefings/y.md",
        "content/briefings/x.md:7:11",
    );
    assert_eq!(d.field.as_deref(), Some("speakers.kim"));
}

#[test]
fn errors_on_verdict_ids_that_share_a_page() {
    let site = minimal_site();
    let run = broken_build(&site, |s| {
        s.write(
            "site.yaml",
            "verdicts:\n  - {id: Half True, label: Half true, rating: 3}\n  - {id: half-true, label: Legacy, rating: 3}\n  - {id: unverified, label: Unverified}\n",
        )
    });
    expect_error(
        &run,
        "verdict ids `Half True` and `half-true` would share the page /verdicts/half-true/",
        "site.yaml:3:10",
    );
}

#[test]
fn errors_on_a_verdict_id_without_letters() {
    let site = minimal_site();
    let run = broken_build(&site, |s| {
        s.write(
            "site.yaml",
            "verdicts:\n  - {id: \"???\", label: No idea}\n  - {id: unverified}\n",
        )
    });
    expect_error(
        &run,
        "verdict id `???` has no letters or digits",
        "site.yaml:2:10",
    );
}

#[test]
fn a_wrong_shaped_value_does_not_hide_the_rest_of_the_file() {
    let broken = edit(
        &edit(
            MINIMAL_BRIEFING,
            "summary: What it found.",
            "summary: What it found.\ntags: sanctions",
        ),
        "verdict: unverified",
        "verdict: flase",
    );
    let site = minimal_site();
    let run = broken_build(&site, |s| s.write(X, &broken));
    find(
        &run,
        "error",
        "invalid type: string \"sanctions\", expected a sequence",
    );
    find(&run, "error", "unknown verdict `flase`");
    assert_eq!(errors(&run).len(), 2, "{}", run.stderr);
}

#[test]
fn a_misspelt_key_inside_a_one_line_claim_leaves_the_claim_whole() {
    let one_line = "claims:\n  - {id: first, speaker: kim, text: t, verdcit: true, verdict: false, explanation: e, sources: [charter]}\n---";
    let text =
        MINIMAL_BRIEFING.split("claims:").next().unwrap().to_owned() + one_line + "\nBody text.\n";
    let site = minimal_site();
    let run = broken_build(&site, |s| s.write(X, &text));
    let d = find(&run, "error", "unknown field `verdcit`");
    assert!(d.hint.unwrap().starts_with("did you mean `verdict`?"));
    assert_eq!(
        errors(&run).len(),
        1,
        "no follow-on errors:\n{}",
        run.stderr
    );
    assert!(!run.stderr.contains("not cited"), "{}", run.stderr);
}

#[test]
fn a_broken_briefing_is_not_also_reported_as_a_missing_link_target() {
    let site = Site::with(&[
        (
            X,
            &edit(
                MINIMAL_BRIEFING,
                "Body text.",
                "See [y](@/briefings/y.md#claim-first).",
            ),
        ),
        ("content/briefings/y.md", MINIMAL_BRIEFING),
    ]);
    let run = broken_build(&site, |s| {
        s.write(
            "content/briefings/y.md",
            "---\ntitle: Front matter never closed\n",
        )
    });
    assert!(
        !run.stderr.contains("there is no briefing"),
        "{}",
        run.stderr
    );
    assert_eq!(errors(&run).len(), 1, "{}", run.stderr);
}

#[test]
fn a_draft_with_mistakes_does_not_stop_the_build() {
    let site = minimal_site();
    site.write(
        "content/briefings/draft.md",
        "---\ntitle: Half done\ndraft: true\ndate: 2024-11-\nclaims:\n  - {id: a, speaker: nobody, verdict: tbd}\n---\n",
    );
    let run = site.run(&["build"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let checked = site.run(&["check", "--drafts"]);
    assert_eq!(checked.status, 1);
    find(&checked, "error", "unknown speaker `nobody`");
}

#[test]
fn errors_on_a_page_slug_taken_by_the_sites_own_files() {
    let site = minimal_site();
    let run = broken_build(&site, |s| {
        s.write("content/pages/style.css.md", "---\ntitle: Styles\n---\nx\n")
    });
    expect_error(
        &run,
        "the page /style.css/ clashes with the site's own file /style.css",
        "content/pages/style.css.md:1:1",
    );
}

#[test]
fn errors_on_a_static_file_where_a_page_goes() {
    let site = minimal_site();
    let run = broken_build(&site, |s| s.write("static/briefings/x/index.html", "mine"));
    expect_error(
        &run,
        "static/briefings/x/index.html would overwrite the page /briefings/x/",
        "static/briefings/x/index.html:1:1",
    );
}

#[test]
fn ids_keep_the_characters_written() {
    let site = minimal_site();
    let run = broken_build(&site, |s| {
        s.write(
            X,
            &edit(
                &edit(MINIMAL_BRIEFING, "id: first", "id: \"1.50\"\n    text: ok"),
                "Body text.",
                "See [the claim](#claim-1.5).",
            )
            .replace(
                "    text: Any deployment would comply with international law.\n",
                "",
            )
            .replace("\"1.50\"", "1.50"),
        )
    });
    let d = find(&run, "error", "no claim `1.5` in this file");
    assert!(d.hint.unwrap().contains("1.50"), "{}", run.stderr);
}

#[test]
fn locates_a_missing_template_at_the_line_that_names_it() {
    let site = minimal_site();
    let run = broken_build(&site, |s| {
        s.write(
            "templates/tags.html",
            "{% extends \"base.html\" %}\n{% block content %}\n{% include \"nope.html\" %}\n{% endblock content %}\n",
        )
    });
    expect_error(&run, "not found", "templates/tags.html:3:13");
}

// ------------------------------------------- broken YAML at every depth

#[test]
fn errors_on_a_yaml_syntax_error_at_the_top_level() {
    fails_after_edit(
        "title: A minimal briefing",
        "title: A minimal: briefing",
        "mapping values are not allowed in this context",
        "content/briefings/x.md:2:17",
    );
}

#[test]
fn errors_on_a_yaml_syntax_error_inside_a_speaker() {
    fails_after_edit(
        "name: Kim Song",
        "name: Kim: Song",
        "mapping values are not allowed in this context",
        "content/briefings/x.md:7:14",
    );
}

#[test]
fn errors_on_a_yaml_syntax_error_inside_a_claim_in_a_list() {
    fails_after_edit(
        "text: Any deployment",
        "text: Any: deployment",
        "mapping values are not allowed in this context",
        "content/briefings/x.md:17:14",
    );
}

#[test]
fn errors_on_an_alias_to_an_unknown_anchor() {
    fails_after_edit(
        "title: A minimal briefing",
        "title: *headline",
        "unknown anchor",
        "content/briefings/x.md:2:8",
    );
}

#[test]
fn a_tab_between_a_key_and_its_value_works() {
    let site = Site::with(&[(
        X,
        &edit(MINIMAL_BRIEFING, "title: A minimal", "title:\tA minimal"),
    )]);
    site.build();
    assert_eq!(
        texts(&site.page("/briefings/x/"), "h1"),
        ["A minimal briefing"]
    );
}

#[test]
fn errors_on_a_top_level_key_written_twice() {
    // At the second `title`, the one to remove or rename.
    let d = fails_after_edit(
        "summary: What it found.\n",
        "summary: What it found.\ntitle: Again\n",
        "duplicate field `title`",
        "content/briefings/x.md:5:1",
    );
    assert!(d.hint.unwrap().contains("one of the two"));
}

#[test]
fn errors_on_a_speaker_field_written_twice() {
    let d = fails_after_edit(
        "    role: Permanent Representative\n",
        "    role: Permanent Representative\n    name: Kim Again\n",
        "duplicate field `name`",
        "content/briefings/x.md:9:5",
    );
    assert_eq!(d.field.as_deref(), Some("speakers.kim"));
}

#[test]
fn errors_on_a_map_where_the_claims_list_belongs() {
    let d = fails_after_edit(
        "claims:\n  - id: first\n",
        "claims:\n  first:\n",
        "invalid type: map, expected a sequence",
        "content/briefings/x.md:15:3",
    );
    assert_eq!(d.field.as_deref(), Some("claims"));
}

#[test]
fn errors_on_a_single_word_where_the_tags_list_belongs() {
    let d = fails_after_edit(
        "summary: What it found.\n",
        "summary: What it found.\ntags: un\n",
        "invalid type: string \"un\", expected a sequence",
        "content/briefings/x.md:5:7",
    );
    assert_eq!(d.field.as_deref(), Some("tags"));
}

#[test]
fn errors_on_a_draft_flag_that_is_not_true_or_false() {
    let d = fails_after_edit(
        "summary: What it found.\n",
        "summary: What it found.\ndraft: maybe\n",
        "invalid type: string \"maybe\", expected a boolean",
        "content/briefings/x.md:5:8",
    );
    assert_eq!(d.field.as_deref(), Some("draft"));
    assert_eq!(d.hint.as_deref(), Some("write `true` or `false`"));
}

#[test]
fn errors_on_a_huge_number_as_a_date() {
    fails_after_edit(
        "date: 2024-10-31",
        "date: 99999999999999999999",
        "`99999999999999999999` is not a date in the form YYYY-MM-DD",
        "content/briefings/x.md:3:7",
    );
}

#[test]
fn errors_on_february_29th_of_a_common_year() {
    fails_after_edit(
        "date: 2024-10-31",
        "date: 2023-02-29",
        "`2023-02-29` is not a real calendar date",
        "content/briefings/x.md:3:7",
    );
}

#[test]
fn accepts_february_29th_of_a_leap_year() {
    let site = Site::with(&[(
        X,
        &edit(MINIMAL_BRIEFING, "date: 2024-10-31", "date: 2024-02-29"),
    )]);
    site.build();
}

#[test]
fn errors_on_a_null_verdict_as_missing() {
    let d = fails_after_edit(
        "verdict: unverified",
        "verdict: ~",
        "missing required field `verdict`",
        "content/briefings/x.md:18:14",
    );
    assert_eq!(d.field.as_deref(), Some("claims[0].verdict"));
}

#[test]
fn errors_on_an_archived_address_with_an_upper_case_javascript_scheme() {
    let d = fails_after_edit(
        CHARTER_URL,
        "url: https://www.un.org/\n    archived: JavaScript:alert(1)",
        "uses `javascript:`; only http and https addresses are allowed",
        "content/briefings/x.md:14:15",
    );
    assert_eq!(d.field.as_deref(), Some("sources.charter.archived"));
}

// ------------------------------------------------------------ the files

#[test]
fn errors_on_an_empty_file() {
    let site = minimal_site();
    let run = broken_build(&site, |s| s.write(X, ""));
    expect_error(
        &run,
        "this file has no front matter",
        "content/briefings/x.md:1:1",
    );
    assert_summary(&run, "1 error,");
}

#[test]
fn errors_on_empty_front_matter_with_each_missing_field() {
    let site = minimal_site();
    let run = broken_build(&site, |s| s.write(X, "---\n---\nBody.\n"));
    for field in ["title", "date", "summary"] {
        let d = expect_error(
            &run,
            &format!("missing required field `{field}`"),
            "content/briefings/x.md:2:1",
        );
        assert_eq!(d.field.as_deref(), Some(field));
    }
    assert_summary(&run, "3 errors,");
}

#[test]
fn a_byte_order_mark_works() {
    let site = Site::new();
    site.write_bytes(
        X,
        &[b"\xef\xbb\xbf".as_slice(), MINIMAL_BRIEFING.as_bytes()].concat(),
    );
    site.build();
    assert_eq!(
        texts(&site.page("/briefings/x/"), "h1"),
        ["A minimal briefing"]
    );
}

#[test]
fn a_byte_order_mark_does_not_shift_positions() {
    let broken = edit(MINIMAL_BRIEFING, "date: 2024-10-31", "date: 2024-02-30");
    let site = minimal_site();
    let run = broken_build(&site, |s| {
        s.write_bytes(X, &[b"\xef\xbb\xbf".as_slice(), broken.as_bytes()].concat())
    });
    expect_error(
        &run,
        "`2024-02-30` is not a real calendar date",
        "content/briefings/x.md:3:7",
    );
}

#[test]
fn crlf_line_endings_work() {
    let crlf = MINIMAL_BRIEFING.replace('\n', "\r\n");
    let site = Site::with(&[(X, &crlf)]);
    site.build();
    let page = site.page("/briefings/x/");
    assert_eq!(texts(&page, "h1"), ["A minimal briefing"]);
    assert!(site
        .path("public/briefings/x/index.html")
        .metadata()
        .is_ok());
}

#[test]
fn crlf_line_endings_keep_field_positions() {
    let broken = edit(MINIMAL_BRIEFING, "speaker: kim", "speaker: kmi").replace('\n', "\r\n");
    let site = minimal_site();
    let run = broken_build(&site, |s| s.write(X, &broken));
    expect_error(
        &run,
        "unknown speaker `kmi`",
        "content/briefings/x.md:16:14",
    );
}

#[test]
fn crlf_line_endings_keep_yaml_syntax_positions() {
    let broken = edit(MINIMAL_BRIEFING, "name: Kim Song", "name: Kim: Song").replace('\n', "\r\n");
    let site = minimal_site();
    let run = broken_build(&site, |s| s.write(X, &broken));
    expect_error(
        &run,
        "mapping values are not allowed in this context",
        "content/briefings/x.md:7:14",
    );
}

#[test]
fn crlf_line_endings_keep_body_link_positions() {
    let broken = edit(
        MINIMAL_BRIEFING,
        "Body text.\n",
        "Body text.\n\nSee [this](#claim-nope).\n",
    )
    .replace('\n', "\r\n");
    let site = minimal_site();
    let run = broken_build(&site, |s| s.write(X, &broken));
    expect_error(
        &run,
        "link to `#claim-nope`: no claim `nope` in this file",
        "content/briefings/x.md:24:5",
    );
}

#[test]
fn errors_on_a_carriage_return_without_a_line_feed() {
    // YAML would count `\r` as a line break and disagree with the editor's
    // line numbers; the file is refused at the first one, line 4 column 24.
    let d = fails_after_edit(
        "summary: What it found.\n",
        "summary: What it found.\rtags: [un]\n",
        "a line ends with a carriage return alone",
        "content/briefings/x.md:4:24",
    );
    assert!(d.hint.unwrap().contains("CRLF"));
}

#[test]
fn errors_on_bytes_that_are_not_utf8_in_the_body() {
    let mut bytes = edit(MINIMAL_BRIEFING, "Body text.", "Body t@xt.").into_bytes();
    let at = bytes.iter().position(|&b| b == b'@').unwrap();
    bytes[at] = 0xFF;
    let site = minimal_site();
    let run = broken_build(&site, |s| s.write_bytes(X, &bytes));
    expect_error(
        &run,
        "this file is not valid UTF-8 text",
        "content/briefings/x.md:22:7",
    );
}

#[test]
fn a_ten_megabyte_briefing_builds() {
    let paragraph =
        "A long paragraph of briefing text, with *emphasis* and a [link](#claim-first).\n\n";
    let body = paragraph.repeat(10 * 1024 * 1024 / paragraph.len() + 1);
    let text = edit(MINIMAL_BRIEFING, "Body text.\n", &body);
    assert!(text.len() > 10 * 1024 * 1024);
    let site = Site::with(&[(X, &text)]);
    let started = std::time::Instant::now();
    site.build();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(120),
        "took {:?}",
        started.elapsed()
    );
    let html = std::fs::read_to_string(site.path("public/briefings/x/index.html")).unwrap();
    assert!(html.len() > 10 * 1024 * 1024);
}

#[test]
fn a_ten_megabyte_briefing_with_a_mistake_at_the_end_fails_at_its_line() {
    let paragraph = "A long paragraph of briefing text.\n\n";
    let count = 10 * 1024 * 1024 / paragraph.len() + 1;
    let body = paragraph.repeat(count) + "[nope](#claim-nope)\n";
    let text = edit(MINIMAL_BRIEFING, "Body text.\n", &body);
    let site = minimal_site();
    let run = broken_build(&site, |s| s.write(X, &text));
    expect_error(
        &run,
        "link to `#claim-nope`: no claim `nope` in this file",
        &format!("content/briefings/x.md:{}:1", 22 + 2 * count),
    );
}

#[cfg(unix)]
#[test]
fn errors_on_a_file_that_cannot_be_read() {
    use std::os::unix::fs::PermissionsExt;
    let site = minimal_site();
    site.build();
    let before = site.snapshot("public");
    let path = site.path("content/briefings/secret.md");
    site.write("content/briefings/secret.md", MINIMAL_BRIEFING);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&path).is_ok() {
        // Running as root (or with CAP_DAC_OVERRIDE): permissions do not
        // stop a read, so there is nothing to test.
        eprintln!("skipped: this user can read a file with mode 000 (root?)");
        return;
    }
    let run = site.run(&["build"]);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(site.snapshot("public") == before);
    expect_error(
        &run,
        "cannot read this file: permission denied",
        "content/briefings/secret.md:1:1",
    );
}

#[cfg(unix)]
#[test]
fn errors_on_a_symbolic_link_loop_under_content() {
    let site = minimal_site();
    let run = broken_build(&site, |s| {
        std::os::unix::fs::symlink(
            s.path("content/briefings"),
            s.path("content/briefings/loop"),
        )
        .unwrap()
    });
    let d = expect_error(
        &run,
        "symbolic link loop: this link points back to a folder that contains it",
        "content/briefings/loop:1:1",
    );
    assert!(d.hint.unwrap().contains("remove the link"));
}

#[test]
fn errors_on_two_briefings_with_one_slug_in_two_subfolders() {
    let site = Site::with(&[("content/briefings/2024/x.md", MINIMAL_BRIEFING)]);
    let run = broken_build(&site, |s| {
        s.write("content/briefings/2025/x.md", MINIMAL_BRIEFING)
    });
    expect_error(
        &run,
        "two briefings have the slug `x`: this file and content/briefings/2024/x.md",
        "content/briefings/2025/x.md:1:1",
    );
}

#[test]
fn errors_on_a_syntax_error_in_speakers_yaml() {
    let site = Site::with(&[
        (X, MINIMAL_BRIEFING),
        (
            "content/speakers.yaml",
            "nebenzia:\n  name: Vassily Nebenzia\n",
        ),
    ]);
    let run = broken_build(&site, |s| {
        s.write(
            "content/speakers.yaml",
            "nebenzia:\n  name: Vassily: Nebenzia\n",
        )
    });
    expect_error(
        &run,
        "mapping values are not allowed in this context",
        "content/speakers.yaml:2:16",
    );
}

#[test]
fn errors_on_a_syntax_error_in_site_yaml() {
    let site = site_with_config();
    let run = broken_build(&site, |s| {
        s.write(
            "site.yaml",
            &edit(SITE_YAML, "title: Desk", "title: Desk: Two"),
        )
    });
    expect_error(
        &run,
        "mapping values are not allowed in this context",
        "site.yaml:1:12",
    );
}

#[test]
fn errors_on_a_template_override_with_an_unclosed_block() {
    let site = minimal_site();
    let template =
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ briefing.title }}</h1>\n";
    let run = broken_build(&site, |s| s.write("templates/briefing.html", template));
    let d = find(&run, "error", "template error:");
    assert!(
        d.location.unwrap().starts_with("templates/briefing.html:"),
        "{}",
        run.stderr
    );
}

#[cfg(unix)]
#[test]
fn errors_on_a_symbolic_link_to_a_file_that_is_gone() {
    let site = minimal_site();
    let run = broken_build(&site, |s| {
        std::os::unix::fs::symlink(s.path("nowhere/y.md"), s.path("content/briefings/y.md"))
            .unwrap()
    });
    let d = expect_error(
        &run,
        "cannot read this file: it does not exist",
        "content/briefings/y.md:1:1",
    );
    assert!(d.hint.unwrap().contains("symbolic link"));
}

#[test]
fn locates_a_field_written_twice_in_a_one_line_claim_at_the_second() {
    let d = fails_after_edit(
        "    sources: [charter]\n",
        "    sources: [charter]\n  - { id: second, text: One, text: Two }\n",
        "duplicate field `text`",
        "content/briefings/x.md:21:30",
    );
    assert_eq!(d.field.as_deref(), Some("claims[1]"));
}

#[test]
fn errors_on_a_unicode_line_separator_in_front_matter() {
    // YAML ends the line at U+2028 and would read the summary as `What`.
    let d = fails_after_edit(
        "summary: What it found.",
        "summary: What\u{2028}it found.",
        "a Unicode line or paragraph separator",
        "content/briefings/x.md:4:14",
    );
    assert!(d.hint.unwrap().contains("ordinary line break"));
}
