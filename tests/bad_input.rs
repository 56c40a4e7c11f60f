//! Bad input: every problem is reported with its file, line and column, a
//! hint, and a non-zero exit, and the previous `public/` is left untouched.
//!
//! The cases are rows of data ([`cases`]), so that adding one is writing
//! what goes in and what must come out, and one run reports every row that
//! fails. Most start from `MINIMAL_BRIEFING` at `content/briefings/x.md`,
//! build it once, write a broken version, and build again. Its lines, for
//! working out expected positions by hand:
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

use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use common::{brief, texts, Run, Site, MINIMAL_BRIEFING};

const X: &str = "content/briefings/x.md";
/// A briefing that is a bundle, with its files beside it.
const B: &str = "content/briefings/pier/index.md";
/// Files of a bundle or of static/, as text: a drawing, one with a script,
/// and the start of a PDF.
const SVG: &str =
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\"><rect width=\"40\" height=\"20\"/></svg>\n";
const SCRIPTED_SVG: &str =
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\"><script>alert(1)</script></svg>\n";
const PDF: &str = "%PDF-1.4\n%%EOF\n";
const Y: &str = "content/briefings/y.md";
/// A site-wide source for x.md's claim to cite beside its own.
const SITE_SOURCE_RES: &str =
    "res:\n  title: Resolution 1718 (2006)\n  url: https://undocs.org/S/RES/1718(2006)\n";
const CHARTER_URL: &str = "url: https://www.un.org/en/about-us/un-charter/full-text";

// ------------------------------------------------------------- the rows

/// One case: a site that builds, what is then written into it, and every
/// diagnostic the next build prints.
///
/// The first build must succeed and write something; the second is the one
/// checked. A build with an expected error must exit with 1 and leave
/// `public/` byte for byte as the first build wrote it; one without must
/// exit with 0. Either way it prints exactly the diagnostics expected, and
/// its closing line counts them. An `alone` case skips the first build:
/// its changed site is built once, and must succeed.
struct Case {
    name: &'static str,
    given: Vec<File>,
    then: Vec<File>,
    alone: bool,
    expect: Vec<Diag>,
    /// Text that must appear nowhere on stderr (follow-on errors, say).
    absent: Vec<&'static str>,
    /// After a successful build: the texts of a selector on /briefings/x/.
    page: Option<(&'static str, &'static str)>,
    /// After a successful build: files (relative to the site) that exist.
    writes: Vec<&'static str>,
}

/// A file written into the site.
enum File {
    /// `MINIMAL_BRIEFING` with each `(from, to)` applied in turn (`from`
    /// must occur exactly once), saved as `saved` says.
    Briefing {
        path: &'static str,
        edits: Vec<(&'static str, &'static str)>,
        saved: Saved,
    },
    Text {
        path: &'static str,
        text: &'static str,
    },
    /// A symbolic link at `path` to the absolute path of `target` in the site.
    Link {
        path: &'static str,
        target: &'static str,
    },
}

/// How a briefing's text becomes bytes on disk.
#[derive(Clone, Copy)]
enum Saved {
    Utf8,
    /// Lines ending in `\r\n`.
    Crlf,
    /// A UTF-8 byte order mark first.
    Bom,
    /// One byte per character, as an editor set to Latin-1 would: `é` is
    /// the lone byte 0xE9, which is not UTF-8.
    Latin1,
}

/// One expected diagnostic: exactly one diagnostic of its severity has a
/// message containing `message`, and it carries a hint.
struct Diag {
    severity: &'static str,
    message: &'static str,
    /// `file:line:column` pins the position; `file:line` is any column of
    /// the line; `file` alone is anywhere in the file.
    at: String,
    /// Further fragments the message contains.
    also: Vec<&'static str>,
    field: Option<&'static str>,
    hint: Hint,
}

#[derive(Clone, Copy)]
enum Hint {
    Any,
    StartsWith(&'static str),
    Contains(&'static str),
    Is(&'static str),
}

/// A case on `MINIMAL_BRIEFING` at x.md, to be built up by the methods
/// below.
fn case(name: &'static str) -> Case {
    Case {
        name,
        given: vec![briefing(X, &[])],
        then: Vec::new(),
        alone: false,
        expect: Vec::new(),
        absent: Vec::new(),
        page: None,
        writes: Vec::new(),
    }
}

fn briefing(path: &'static str, edits: &[(&'static str, &'static str)]) -> File {
    File::Briefing {
        path,
        edits: edits.to_vec(),
        saved: Saved::Utf8,
    }
}

fn diag(severity: &'static str, at: String, message: &'static str) -> Diag {
    Diag {
        severity,
        message,
        at,
        also: Vec::new(),
        field: None,
        hint: Hint::Any,
    }
}

impl Case {
    /// Adds a file to the site as first built.
    fn given(mut self, path: &'static str, text: &'static str) -> Case {
        self.given.push(File::Text { path, text });
        self
    }

    /// Adds an edited `MINIMAL_BRIEFING` to the site as first built (in
    /// place of x.md's, at x.md).
    fn given_briefing(
        mut self,
        path: &'static str,
        edits: &[(&'static str, &'static str)],
    ) -> Case {
        self.given
            .retain(|f| !matches!(f, File::Briefing { path: p, .. } if *p == path));
        self.given.push(briefing(path, edits));
        self
    }

    /// Puts the site's one briefing at `path` instead of x.md.
    fn moved(mut self, path: &'static str) -> Case {
        self.given = vec![briefing(path, &[])];
        self
    }

    /// The changed x.md: `MINIMAL_BRIEFING` with `from` (once) made `to`,
    /// after the edits before.
    fn edit(mut self, from: &'static str, to: &'static str) -> Case {
        if let File::Briefing { edits, .. } = self.then_x() {
            edits.push((from, to));
        }
        self
    }

    /// How the changed x.md is saved.
    fn saved(mut self, how: Saved) -> Case {
        if let File::Briefing { saved, .. } = self.then_x() {
            *saved = how;
        }
        self
    }

    fn then_x(&mut self) -> &mut File {
        let at = self
            .then
            .iter()
            .position(|f| matches!(f, File::Briefing { path: X, .. }));
        let at = at.unwrap_or_else(|| {
            self.then.push(briefing(X, &[]));
            self.then.len() - 1
        });
        &mut self.then[at]
    }

    /// Writes a file before the build under test.
    fn write(mut self, path: &'static str, text: &'static str) -> Case {
        self.then.push(File::Text { path, text });
        self
    }

    /// Writes an edited `MINIMAL_BRIEFING` before the build under test.
    fn write_briefing(
        mut self,
        path: &'static str,
        edits: &[(&'static str, &'static str)],
    ) -> Case {
        self.then.push(briefing(path, edits));
        self
    }

    fn link(mut self, path: &'static str, target: &'static str) -> Case {
        self.then.push(File::Link { path, target });
        self
    }

    /// No first build: the changed site is built once, and must succeed.
    fn alone(mut self) -> Case {
        self.alone = true;
        self
    }

    /// An error in x.md at `line:column`.
    fn error(self, line: usize, column: usize, message: &'static str) -> Case {
        self.error_at(&format!("{X}:{line}:{column}"), message)
    }

    /// An error at `file:line:column`, `file:line` or `file`.
    fn error_at(mut self, at: &str, message: &'static str) -> Case {
        self.expect.push(diag("error", at.to_owned(), message));
        self
    }

    /// A warning in x.md at `line:column`.
    fn warning(mut self, line: usize, column: usize, message: &'static str) -> Case {
        let at = format!("{X}:{line}:{column}");
        self.expect.push(diag("warning", at, message));
        self
    }

    /// A warning at `file:line:column`, `file:line` or `file`.
    fn warning_at(mut self, at: &str, message: &'static str) -> Case {
        self.expect.push(diag("warning", at.to_owned(), message));
        self
    }

    fn last(&mut self) -> &mut Diag {
        self.expect
            .last_mut()
            .expect("a diagnostic before its details")
    }

    /// The last diagnostic's `field`.
    fn field(mut self, field: &'static str) -> Case {
        self.last().field = Some(field);
        self
    }

    fn hint_starts(mut self, start: &'static str) -> Case {
        self.last().hint = Hint::StartsWith(start);
        self
    }

    fn hint_has(mut self, part: &'static str) -> Case {
        self.last().hint = Hint::Contains(part);
        self
    }

    fn hint_is(mut self, hint: &'static str) -> Case {
        self.last().hint = Hint::Is(hint);
        self
    }

    /// Further fragments of the last diagnostic's message.
    fn also(mut self, parts: &[&'static str]) -> Case {
        self.last().also.extend(parts);
        self
    }

    fn absent(mut self, text: &'static str) -> Case {
        self.absent.push(text);
        self
    }

    fn page(mut self, selector: &'static str, text: &'static str) -> Case {
        self.page = Some((selector, text));
        self
    }

    fn writes(mut self, file: &'static str) -> Case {
        self.writes.push(file);
        self
    }
}

const SITE_YAML: &str =
    "title: Desk\nbase_url: https://factdesk.example.org\nhighlight_theme: InspiredGitHub\n";

/// A site with an address of its own, where placeholder addresses in
/// content would go live.
const LIVE_SITE_YAML: &str = "title: Desk\nbase_url: https://factdesk.news/\n";

/// The claim's sources written as a second claim would follow them.
const SECOND_CLAIM: &str = "    sources: [charter]\n  - id: first\n    speaker: kim\n    \
    text: The same words again.\n    verdict: mixed\n    explanation: Said twice.\n    sources: [charter]";

/// The claim of `MINIMAL_BRIEFING`, whole.
const THE_CLAIM: &str = "  - id: first\n    speaker: kim\n    \
    text: Any deployment would comply with international law.\n    verdict: unverified\n    \
    explanation: The record does not settle it.\n    sources: [charter]\n";

const TEXT_LINE: &str = "    text: Any deployment would comply with international law.\n";

fn cases() -> Vec<Case> {
    vec![
        // ----------------------------------------- references in claims
        case("errors_on_unknown_speaker")
            .edit("speaker: kim", "speaker: kmi")
            .error(16, 14, "unknown speaker `kmi`")
            .field("claims[0].speaker")
            .hint_starts("did you mean `kim`?"),
        case("errors_on_unknown_source_in_a_flow_list")
            .edit("sources: [charter]", "sources: [charter, chartr]")
            .error(20, 24, "unknown source `chartr`")
            .field("claims[0].sources[1]")
            .hint_starts("did you mean `charter`?"),
        case("errors_on_unknown_verdict")
            .edit("verdict: unverified", "verdict: bogus")
            .error(18, 14, "unknown verdict `bogus`")
            .field("claims[0].verdict")
            .hint_has("misleading, mixed, mostly-true"),
        case("accepts_unquoted_false_as_the_verdict_false")
            .edit("verdict: unverified", "verdict: false")
            .alone()
            .page(".claim__verdict .verdict__label", "False")
            .writes("public/verdicts/false/index.html"),
        case("errors_on_duplicate_claim_ids")
            .edit("    sources: [charter]", SECOND_CLAIM)
            .error(
                21,
                9,
                "claim id `first` is used twice in this briefing (first by claims[0], on line 15)",
            )
            .field("claims[1].id"),
        // Was also locates_a_duplicate_source_id_at_its_second_definition.
        case("errors_on_duplicate_source_ids")
            .edit(
                "claims:",
                "  charter:\n    title: Another charter\n    url: https://example.org/charter\nclaims:",
            )
            .error(14, 3, "duplicate id `charter`: each id may be defined once (first on line 10)")
            .field("sources"),
        case("errors_on_duplicate_speaker_ids_naming_the_first")
            .edit(
                "    role: Permanent Representative\n",
                "    role: Permanent Representative\n  kim:\n    name: Kim Again\n",
            )
            .error(9, 3, "duplicate id `kim`: each id may be defined once (first on line 6)")
            .field("speakers"),
        case("warns_on_uncited_source")
            .edit(
                "claims:",
                "  unsc-1718:\n    title: Security Council resolution 1718 (2006)\n    \
                 url: https://undocs.org/S/RES/1718(2006)\nclaims:",
            )
            .warning(14, 3, "source `unsc-1718` is not cited by any claim")
            .field("sources.unsc-1718"),
        case("errors_on_a_claim_with_an_empty_sources_list")
            .edit("sources: [charter]", "sources: []")
            .error(20, 5, "claim cites no sources")
            .field("claims[0].sources")
            // The source the claim meant to cite is not reported again.
            .absent("not cited"),
        // Was also locates_a_missing_claim_field_at_the_claim.
        case("errors_on_a_claim_without_sources")
            .edit("    sources: [charter]\n", "")
            .error(15, 5, "claim cites no sources")
            .field("claims[0].sources")
            .absent("not cited"),
        case("does_not_warn_uncited_for_the_source_a_mistyped_id_meant")
            .edit("sources: [charter]", "sources: [chater]")
            .error(20, 15, "unknown source `chater`")
            .hint_starts("did you mean `charter`?")
            .absent("not cited"),
        case("does_not_warn_a_site_source_uncited_when_the_briefing_citing_it_cannot_be_read")
            .given("content/sources.yaml", SITE_SOURCE_RES)
            .given_briefing(X, &[("sources: [charter]", "sources: [charter, res]")])
            .edit("sources: [charter]", "sources: [charter, res]")
            .edit("title: A minimal briefing", "title: A minimal: briefing")
            .error(2, 17, "mapping values are not allowed in this context")
            .absent("not cited"),
        case("does_not_warn_a_site_source_uncited_when_its_id_is_mistyped")
            .given("content/sources.yaml", SITE_SOURCE_RES)
            .given_briefing(X, &[("sources: [charter]", "sources: [charter, res]")])
            .edit("sources: [charter]", "sources: [charter, rse]")
            .error(20, 24, "unknown source `rse`")
            .absent("not cited"),
        // ----------------------------------------------- field problems
        // Missing top-level fields point at the front matter's first
        // line; without these four lines the claim starts on line 12.
        case("reports_every_missing_required_field_in_one_run")
            .edit("title: A minimal briefing\n", "")
            .edit("date: 2024-10-31\n", "")
            .edit("summary: What it found.\n", "")
            .edit("    explanation: The record does not settle it.\n", "")
            .error(2, 1, "missing required field `title`")
            .field("title")
            .error(2, 1, "missing required field `date`")
            .field("date")
            .error(2, 1, "missing required field `summary`")
            .field("summary")
            .error_at("content/briefings/x.md:12", "missing required field `explanation`")
            .field("claims[0].explanation"),
        case("errors_on_a_month_that_does_not_exist")
            .edit("date: 2024-10-31", "date: 2024-13-01")
            .error(3, 7, "`2024-13-01` is not a real calendar date")
            .field("date"),
        case("errors_on_a_day_that_does_not_exist")
            .edit("date: 2024-10-31", "date: 2024-02-30")
            .error(3, 7, "`2024-02-30` is not a real calendar date"),
        case("errors_on_a_date_not_written_year_month_day")
            .edit("date: 2024-10-31", "date: 31/10/2024")
            .error(3, 7, "`31/10/2024` is not a date in the form YYYY-MM-DD")
            .hint_has("2024-10-31"),
        case("errors_on_a_huge_number_as_a_date")
            .edit("date: 2024-10-31", "date: 99999999999999999999")
            .error(3, 7, "`99999999999999999999` is not a date in the form YYYY-MM-DD"),
        case("errors_on_february_29th_of_a_common_year")
            .edit("date: 2024-10-31", "date: 2023-02-29")
            .error(3, 7, "`2023-02-29` is not a real calendar date"),
        case("accepts_february_29th_of_a_leap_year")
            .edit("date: 2024-10-31", "date: 2024-02-29")
            .alone(),
        case("errors_on_a_javascript_url")
            .edit(CHARTER_URL, "url: javascript:alert(1)")
            .error(
                13,
                10,
                "address `javascript:alert(1)` uses `javascript:`; only http and https addresses are allowed",
            )
            .field("sources.charter.url"),
        case("errors_on_a_url_that_is_not_an_address")
            .edit(CHARTER_URL, "url: not a url")
            .error(13, 10, "address `not a url` is not a valid address"),
        case("errors_on_an_ftp_url")
            .edit(CHARTER_URL, "url: ftp://x")
            .error(13, 10, "address `ftp://x` uses `ftp:`"),
        case("errors_on_an_archived_address_with_an_upper_case_javascript_scheme")
            .edit(CHARTER_URL, "url: https://www.un.org/\n    archived: JavaScript:alert(1)")
            .error(14, 15, "uses `javascript:`; only http and https addresses are allowed")
            .field("sources.charter.archived"),
        case("errors_on_a_null_verdict_as_empty")
            .edit("verdict: unverified", "verdict: ~")
            .error(18, 5, "`verdict` is empty")
            .field("claims[0].verdict"),
        // Not "missing", and not at the next line.
        case("errors_on_an_empty_title_as_empty_at_its_line")
            .edit("title: A minimal briefing", "title: \"\"")
            .error(2, 1, "`title` is empty")
            .field("title")
            .hint_is("fill in `title:` with the briefing's headline")
            .absent("missing"),
        case("errors_on_a_title_with_no_value_as_empty_at_its_line")
            .edit("title: A minimal briefing", "title:")
            .error(2, 1, "`title` is empty")
            .absent("missing"),
        case("errors_on_a_blank_claim_text_as_empty")
            .edit(TEXT_LINE, "    text: \"  \"\n")
            .error(17, 5, "`text` is empty")
            .field("claims[0].text"),
        // No `not cited` warning follows: the summary says 0 warnings.
        case("does_not_warn_uncited_for_a_claim_missing_its_text")
            .edit(TEXT_LINE, "")
            .error(15, 5, "missing required field `text`"),
        // -------------------------------------------------- broken YAML
        // `tags: [un, dprk` never closed, as line 5; the `[` is at 5:7.
        // Was also locates_an_unclosed_flow_list_at_its_bracket.
        case("errors_on_an_unclosed_flow_list")
            .edit("summary: What it found.\n", "summary: What it found.\ntags: [un, dprk\n")
            .error(5, 7, "did not find expected ',' or ']'"),
        // `role:` dedented to three spaces, under `name:` at four; the
        // message must not quote the line before. Was also
        // yaml_syntax_messages_do_not_quote_a_different_line.
        case("errors_on_bad_indentation")
            .edit("    role: Permanent Representative", "   role: Permanent Representative")
            .error(8, 4, "did not find expected key")
            .absent("line 7"),
        // Was also hints_that_yaml_indentation_cannot_use_tabs.
        case("errors_on_a_tab_in_indentation")
            .edit("    name: Kim Song", "\tname: Kim Song")
            .error(7, 1, "found character that cannot start any token")
            .hint_has("tabs"),
        case("errors_on_a_list_where_the_speakers_map_belongs")
            .edit("  kim:\n    name: Kim Song\n    role: Permanent Representative\n", "  - kim\n")
            .error(6, 3, "`speakers` must be a set of fields, not a list")
            .field("speakers")
            .hint_has("`  kim-song:`, then `    name: Kim Song`"),
        case("errors_on_a_map_where_the_claims_list_belongs")
            .edit("claims:\n  - id: first\n", "claims:\n  first:\n")
            .error(15, 3, "`claims` must be a list, not a set of fields")
            .field("claims")
            .absent("not cited"),
        case("errors_on_a_single_word_where_the_tags_list_belongs")
            .edit("summary: What it found.\n", "summary: What it found.\ntags: un\n")
            .error(5, 7, "`tags` must be a list, not the text `un`")
            .field("tags")
            .hint_starts("write it as `tags: ["),
        case("errors_on_a_single_id_where_a_claims_sources_list_belongs")
            .edit("sources: [charter]", "sources: charter")
            .error(20, 14, "`sources` must be a list, not the text `charter`")
            .field("claims[0].sources")
            .hint_is(
                "write it as `sources: [un-charter, res-1718]`, or one `- item` per line under `sources:`",
            )
            .absent("invalid type")
            .absent("not cited"),
        // Set aside whole: not also missing its name.
        case("errors_on_a_speaker_written_as_a_single_line")
            .edit(
                "  kim:\n    name: Kim Song\n    role: Permanent Representative\n",
                "  kim: Kim Song\n",
            )
            .error(6, 8, "`kim` must be a set of fields, not the text `Kim Song`")
            .field("speakers.kim")
            .absent("missing required field"),
        // Set aside whole, yet still there: the claim citing it is not told
        // of an unknown source.
        case("errors_on_a_site_source_written_as_a_single_word")
            .given("content/sources.yaml", SITE_SOURCE_RES)
            .given_briefing(X, &[("sources: [charter]", "sources: [charter, res]")])
            .edit("sources: [charter]", "sources: [charter, res]")
            .write("content/sources.yaml", "res: x\n")
            .error_at("content/sources.yaml:1:6", "`res` must be a set of fields, not the text `x`")
            .absent("missing required field")
            .absent("has no `url`")
            .absent("unknown source"),
        case("errors_on_a_list_where_a_date_belongs")
            .edit("date: 2024-10-31", "date: [2024-10-31]")
            .error(3, 7, "`date` must be a single value, not a list")
            .hint_is("write one date, such as `date: 2024-10-31`"),
        case("errors_on_a_number_where_verbatim_belongs")
            .edit(TEXT_LINE, "    text: t\n    verbatim: 3\n")
            .error(18, 15, "`verbatim` must be `true` or `false`, not the number")
            .hint_is("write `verbatim: true` or `verbatim: false`"),
        case("errors_on_a_list_where_a_source_url_belongs")
            .edit(CHARTER_URL, "url: [https://www.un.org/]")
            .error(13, 10, "`url` must be a single value, not a list")
            .hint_has("url: https://")
            .absent("has no `url`"),
        case("errors_on_a_draft_flag_that_is_not_true_or_false")
            .edit("summary: What it found.\n", "summary: What it found.\ndraft: maybe\n")
            .error(5, 8, "`draft` must be `true` or `false`, not the text `maybe`")
            .field("draft")
            .hint_is("write `draft: true` or `draft: false`"),
        case("errors_on_unknown_front_matter_field_listing_the_accepted_names")
            .edit("summary: What it found.", "sumary: What it found.")
            .error(4, 1, "unknown field `sumary`, expected one of")
            .also(&["`title`", "`date`", "`summary`", "`claims`", "`corrections`"]),
        // A correction can only follow publication.
        case("errors_on_a_correction_dated_before_the_briefing")
            .edit(
                "summary: What it found.\n",
                "summary: What it found.\ncorrections:\n  - date: 2024-10-30\n    text: Fixed a name.\n",
            )
            .error(6, 11, "dated 2024-10-30, before the briefing was published on 2024-10-31")
            .field("corrections[0].date")
            .hint_has("follows publication"),
        case("errors_on_an_update_before_the_briefing")
            .edit("summary: What it found.\n", "summary: What it found.\nupdated: 2023-10-31\n")
            .error(5, 10, "`updated` is 2023-10-31, before the briefing was published on 2024-10-31")
            .field("updated")
            .hint_has("check both dates"),
        // At the second `title`, the one to remove or rename.
        case("errors_on_a_top_level_key_written_twice")
            .edit("summary: What it found.\n", "summary: What it found.\ntitle: Again\n")
            .error(5, 1, "duplicate field `title`")
            .hint_has("one of the two"),
        case("errors_on_a_speaker_field_written_twice")
            .edit(
                "    role: Permanent Representative\n",
                "    role: Permanent Representative\n    name: Kim Again\n",
            )
            .error(9, 5, "duplicate field `name`")
            .field("speakers.kim"),
        case("locates_a_field_written_twice_in_a_one_line_claim_at_the_second")
            .edit(
                "    sources: [charter]\n",
                "    sources: [charter]\n  - { id: second, text: One, text: Two }\n",
            )
            .error(21, 30, "duplicate field `text`")
            .field("claims[1]"),
        case("errors_on_a_yaml_syntax_error_at_the_top_level")
            .edit("title: A minimal briefing", "title: A minimal: briefing")
            .error(2, 17, "mapping values are not allowed in this context"),
        case("errors_on_a_yaml_syntax_error_inside_a_speaker")
            .edit("name: Kim Song", "name: Kim: Song")
            .error(7, 14, "mapping values are not allowed in this context"),
        case("errors_on_a_yaml_syntax_error_inside_a_claim_in_a_list")
            .edit("text: Any deployment", "text: Any: deployment")
            .error(17, 14, "mapping values are not allowed in this context"),
        case("errors_on_an_alias_to_an_unknown_anchor")
            .edit("title: A minimal briefing", "title: *headline")
            .error(2, 8, "unknown anchor"),
        case("a_tab_between_a_key_and_its_value_works")
            .edit("title: A minimal", "title:\tA minimal")
            .alone()
            .page("h1", "A minimal briefing"),
        case("a_wrong_shaped_value_does_not_hide_the_rest_of_the_file")
            .edit("summary: What it found.", "summary: What it found.\ntags: sanctions")
            .edit("verdict: unverified", "verdict: flase")
            .error(5, 7, "`tags` must be a list, not the text `sanctions`")
            .error(19, 14, "unknown verdict `flase`"),
        case("a_misspelt_key_inside_a_one_line_claim_leaves_the_claim_whole")
            .edit(
                THE_CLAIM,
                "  - {id: first, speaker: kim, text: t, verdcit: true, verdict: false, \
                 explanation: e, sources: [charter]}\n",
            )
            .error(15, 40, "unknown field `verdcit`")
            .hint_starts("did you mean `verdict`?")
            .absent("not cited"),
        // The claim id is `1.50`, not the number 1.5 (and not an anchor).
        case("ids_keep_the_characters_written")
            .edit("id: first", "id: 1.50\n    text: ok")
            .edit(TEXT_LINE, "")
            .edit("Body text.", "See [the claim](#claim-1.5).")
            .error(22, 5, "no claim `1.5` in this file")
            .hint_has("1.50")
            .error(15, 9, "claim id `1.50` cannot be an anchor")
            .field("claims[0].id"),
        // YAML ends the line at U+2028 and would read the summary as `What`.
        case("errors_on_a_unicode_line_separator_in_front_matter")
            .edit("summary: What it found.", "summary: What\u{2028}it found.")
            .error(4, 14, "a Unicode line or paragraph separator")
            .hint_has("ordinary line break"),
        // YAML would count `\r` as a line break and disagree with the
        // editor's line numbers; the file is refused at the first one.
        case("errors_on_a_carriage_return_without_a_line_feed")
            .edit("summary: What it found.\n", "summary: What it found.\rtags: [un]\n")
            .error(4, 24, "a line ends with a carriage return alone")
            .hint_has("CRLF"),
        // ---------------------------------------------- front matter
        case("errors_on_a_file_without_front_matter")
            .write(X, "# Just a heading\n\nBody.\n")
            .error(1, 1, "this file has no front matter"),
        case("errors_on_an_empty_file")
            .write(X, "")
            .error(1, 1, "this file has no front matter"),
        case("errors_on_unclosed_front_matter")
            .edit("---\nBody text.", "Body text.")
            .error(1, 1, "the front matter is never closed"),
        case("errors_on_empty_front_matter_with_each_missing_field")
            .write(X, "---\n---\nBody.\n")
            .error(2, 1, "missing required field `title`")
            .field("title")
            .error(2, 1, "missing required field `date`")
            .field("date")
            .error(2, 1, "missing required field `summary`")
            .field("summary"),
        // -------------------------------------------------------- links
        case("errors_on_a_body_link_to_an_unknown_claim")
            .edit(
                "Body text.\n",
                "Body text.\n\nSee [the claim](#claim-first) and [this](#claim-nope).\n",
            )
            .error(24, 35, "link to `#claim-nope`: no claim `nope` in this file")
            .hint_has("(known: first)"),
        case("errors_on_a_link_to_a_missing_briefing")
            .edit("Body text.\n", "Body text.\n\nSee [x](@/briefings/missing.md).\n")
            .error(
                24,
                5,
                "link to `@/briefings/missing.md`: there is no briefing content/briefings/missing.md",
            ),
        case("errors_on_a_link_to_a_missing_claim_of_another_briefing")
            .given_briefing(Y, &[])
            .edit("Body text.\n", "Body text.\n\nSee [y](@/briefings/y.md#claim-frist).\n")
            .error(
                24,
                5,
                "link to `@/briefings/y.md#claim-frist`: content/briefings/y.md has no anchor `#claim-frist`",
            )
            .hint_starts("did you mean `first`?"),
        case("a_broken_briefing_is_not_also_reported_as_a_missing_link_target")
            .given_briefing(X, &[("Body text.", "See [y](@/briefings/y.md#claim-first).")])
            .given_briefing(Y, &[])
            .write(Y, "---\ntitle: Front matter never closed\n")
            .error_at("content/briefings/y.md:1:1", "the front matter is never closed")
            .absent("there is no briefing"),
        // -------------------------------------- site-wide definitions
        // Located at the briefing's `name:`, naming the site-wide entry's place.
        case("errors_on_a_speaker_with_another_name_in_speakers_yaml")
            .write("content/speakers.yaml", "kim:\n  name: Kim Song-il\n")
            .error(
                7,
                11,
                "speaker `kim` is `Kim Song` here but `Kim Song-il` in content/speakers.yaml:1:1",
            )
            .field("speakers.kim"),
        // `kim` in y.md is `Kim Jong Un`; `kim` in x.md is `Kim Song`.
        case("errors_on_one_speaker_id_naming_two_people_in_two_briefings")
            .write_briefing(
                Y,
                &[("date: 2024-10-31", "date: 2024-11-30"), ("name: Kim Song", "name: Kim Jong Un")],
            )
            .error(
                7,
                11,
                "speaker `kim` is `Kim Song` here but `Kim Jong Un` in content/briefings/y.md",
            )
            .field("speakers.kim"),
        // A speaker or source defined in x.md's front matter is not known
        // to y.md's claims: the error says where it is and how to share it.
        case("errors_on_a_speaker_defined_only_in_another_briefing")
            .write_briefing(
                Y,
                &[
                    ("date: 2024-10-31", "date: 2024-11-30"),
                    ("speakers:\n  kim:\n    name: Kim Song\n    role: Permanent Representative\n", ""),
                ],
            )
            .error_at(
                "content/briefings/y.md:12:14",
                "unknown speaker `kim`: it is defined in content/briefings/x.md:6:3, \
                 and a briefing's speakers are known only to its own claims",
            )
            .field("claims[0].speaker")
            .hint_is(
                "move `kim` from content/briefings/x.md to content/speakers.yaml, where every \
                 briefing can cite it (or define it again under `speakers:` in this briefing)",
            ),
        case("errors_on_a_source_defined_only_in_another_briefing")
            .write_briefing(
                Y,
                &[
                    ("date: 2024-10-31", "date: 2024-11-30"),
                    (
                        "sources:\n  charter:\n    title: Charter of the United Nations\n    \
                         publisher: United Nations\n    \
                         url: https://www.un.org/en/about-us/un-charter/full-text\n",
                        "",
                    ),
                ],
            )
            .error_at(
                "content/briefings/y.md:15:15",
                "unknown source `charter`: it is defined in content/briefings/x.md:10:3",
            )
            .hint_has("to content/sources.yaml"),
        case("errors_on_a_briefing_reusing_a_site_source_id")
            .write(
                "content/sources.yaml",
                "charter:\n  title: Another charter\n  url: https://example.org/charter\n",
            )
            .error(
                13,
                10,
                "source id `charter` is already defined for a different source in content/sources.yaml:1:1",
            )
            .field("sources.charter"),
        case("does_not_warn_a_site_source_repeated_identically_in_a_briefing")
            .write(
                "content/sources.yaml",
                "charter:\n  title: Charter of the United Nations\n  publisher: United Nations\n  \
                 url: https://www.un.org/en/about-us/un-charter/full-text\n",
            )
            .alone(),
        case("errors_on_a_syntax_error_in_speakers_yaml")
            .given("content/speakers.yaml", "nebenzia:\n  name: Vassily Nebenzia\n")
            .write("content/speakers.yaml", "nebenzia:\n  name: Vassily: Nebenzia\n")
            .error_at("content/speakers.yaml:2:16", "mapping values are not allowed in this context"),
        // --------------------------------------------------- authors
        case("errors_on_an_unknown_author_id_with_the_nearest_one")
            .given("content/authors.yaml", "ana-desk:\n  name: Ana Desk\n")
            .edit("summary: What it found.", "summary: What it found.\nauthors: [ana-dsk]")
            .error(5, 11, "unknown author `ana-dsk`")
            .field("authors[0]")
            .hint_starts("did you mean `ana-desk`?"),
        // With authors.yaml, a name typed as before finds its author's id.
        case("errors_on_an_author_named_rather_than_given_by_id")
            .given("content/authors.yaml", "ana-desk:\n  name: Ana Desk\n")
            .edit("summary: What it found.", "summary: What it found.\nauthors: [Ana Desk]")
            .error(5, 11, "unknown author `Ana Desk`")
            .field("authors[0]")
            .hint_starts("did you mean `ana-desk`?"),
        case("errors_on_an_author_id_unfit_for_a_url")
            .write("content/authors.yaml", "ana desk:\n  name: Ana Desk\n")
            .error_at(
                "content/authors.yaml:1:1",
                "author id `ana desk` cannot be used in a URL",
            )
            .hint_starts("use letters, digits"),
        case("errors_on_a_page_taking_the_authors_address")
            .write("content/pages/authors.md", "---\ntitle: Our authors\n---\nx\n")
            .error_at(
                "content/pages/authors.md:1:1",
                "the page slug `authors` is taken by the site's own `/authors/` page",
            ),
        case("errors_on_an_author_address_that_is_not_one")
            .write("content/authors.yaml", "ana-desk:\n  name: Ana Desk\n  url: desk page\n")
            .error_at("content/authors.yaml:3:8", "address `desk page`"),
        case("errors_on_two_briefings_with_one_slug")
            .moved("content/briefings/a/x.md")
            .write_briefing("content/briefings/b/x.md", &[])
            .error_at(
                "content/briefings/b/x.md:1:1",
                "two briefings have the slug `x`: this file and content/briefings/a/x.md",
            ),
        case("errors_on_two_briefings_with_one_slug_in_two_subfolders")
            .moved("content/briefings/2024/x.md")
            .write_briefing("content/briefings/2025/x.md", &[])
            .error_at(
                "content/briefings/2025/x.md:1:1",
                "two briefings have the slug `x`: this file and content/briefings/2024/x.md",
            ),
        case("errors_on_a_page_slug_taken_by_the_sites_own_files")
            .write("content/pages/style.css.md", "---\ntitle: Styles\n---\nx\n")
            .error_at(
                "content/pages/style.css.md:1:1",
                "the page /style.css/ clashes with the site's own file /style.css",
            ),
        case("errors_on_a_static_file_where_a_page_goes")
            .write("static/briefings/x/index.html", "mine")
            .error_at(
                "static/briefings/x/index.html:1:1",
                "static/briefings/x/index.html would overwrite the page /briefings/x/",
            ),
        // ------------------------------------ sample content going live
        case("errors_on_a_published_briefing_holding_the_sample_summary")
            .edit(
                "summary: What it found.",
                "summary: One paragraph that says what this briefing found.",
            )
            .error(
                4,
                10,
                "this briefing is not a draft but still holds the sample content of `brief new`: \
                 the sample summary",
            )
            .field("summary")
            .hint_has("`draft: true`"),
        case("errors_on_a_published_briefing_holding_the_sample_claim_naming_the_rest")
            .edit(TEXT_LINE, "    text: The claim, as the speaker made it.\n")
            .edit(
                "explanation: The record does not settle it.",
                "explanation: What the evidence shows, and why that leads to the verdict.",
            )
            .error(17, 11, "the sample claim; also the sample explanation")
            .field("claims[0].text"),
        case("accepts_the_sample_content_in_a_draft")
            .given("site.yaml", LIVE_SITE_YAML)
            .edit("summary: What it found.", "summary: One paragraph that says what this briefing found.\ndraft: true")
            .edit(CHARTER_URL, "url: https://example.org/report"),
        case("errors_on_a_placeholder_source_address_once_the_site_has_its_own")
            .given("site.yaml", LIVE_SITE_YAML)
            .edit(CHARTER_URL, "url: https://example.org/report")
            .error(
                13,
                10,
                "`https://example.org/report` is a placeholder address (example.org is kept for \
                 examples), in a briefing that is not a draft",
            )
            .field("sources.charter.url")
            .hint_has("real address"),
        case("errors_on_a_placeholder_archived_address_of_a_subdomain")
            .given("site.yaml", LIVE_SITE_YAML)
            .edit(CHARTER_URL, "url: https://www.un.org/\n    archived: https://web.example.com/un")
            .error(14, 15, "`https://web.example.com/un` is a placeholder address (example.com")
            .field("sources.charter.archived"),
        case("errors_on_a_placeholder_appearance_address")
            .given("site.yaml", LIVE_SITE_YAML)
            .edit(TEXT_LINE, "    text: t\n    appearance: https://video.example.net/clip\n")
            .error(18, 17, "`https://video.example.net/clip` is a placeholder address (example.net")
            .field("claims[0].appearance"),
        case("errors_on_a_placeholder_address_in_sources_yaml_naming_the_briefing")
            .given("site.yaml", LIVE_SITE_YAML)
            .given("content/sources.yaml", SITE_SOURCE_RES)
            .given_briefing(X, &[("sources: [charter]", "sources: [charter, res]")])
            .write("content/sources.yaml", "res:\n  title: R\n  url: https://example.org/res\n")
            .edit("sources: [charter]", "sources: [charter, res]")
            .error_at(
                "content/sources.yaml:3:8",
                "`https://example.org/res` is a placeholder address (example.org is kept for \
                 examples), cited by content/briefings/x.md, which is not a draft",
            )
            .field("res.url"),
        // A site whose own address is a placeholder (a demonstration, or a
        // new site not yet given its address) publishes nothing for real.
        case("accepts_placeholder_addresses_while_the_site_has_none_of_its_own")
            .given("site.yaml", SITE_YAML)
            .edit(CHARTER_URL, "url: https://example.org/report"),
        // ---------------------------------------------------- site.yaml
        case("errors_on_a_verdict_outside_a_custom_scale")
            .given(
                "site.yaml",
                "verdicts:\n  - { id: true, label: \"True\", rating: 5, description: Right. }\n  \
                 - { id: false, label: \"False\", rating: 1, description: Wrong. }\n",
            )
            .given_briefing(X, &[("verdict: unverified", "verdict: false")])
            .edit("verdict: unverified", "verdict: mostly-true")
            .error(18, 14, "unknown verdict `mostly-true`")
            .hint_has("(known: false, true)"),
        case("errors_on_a_base_url_without_a_scheme")
            .given("site.yaml", SITE_YAML)
            .write(
                "site.yaml",
                "title: Desk\nbase_url: factdesk.example.org\nhighlight_theme: InspiredGitHub\n",
            )
            .error_at("site.yaml:2:11", "base_url `factdesk.example.org` is not a valid address")
            .field("base_url"),
        case("errors_on_an_unknown_highlight_theme")
            .given("site.yaml", SITE_YAML)
            .write(
                "site.yaml",
                "title: Desk\nbase_url: https://factdesk.example.org\nhighlight_theme: Solarized\n",
            )
            .error_at("site.yaml:3:18", "unknown highlight_theme `Solarized`")
            .hint_has("InspiredGitHub"),
        case("errors_on_a_syntax_error_in_site_yaml")
            .given("site.yaml", SITE_YAML)
            .write(
                "site.yaml",
                "title: Desk: Two\nbase_url: https://factdesk.example.org\nhighlight_theme: InspiredGitHub\n",
            )
            .error_at("site.yaml:1:12", "mapping values are not allowed in this context"),
        case("errors_on_verdict_ids_that_share_a_page")
            .write(
                "site.yaml",
                "verdicts:\n  - {id: Half True, label: Half true, rating: 3, description: Half.}\n  \
                 - {id: half-true, label: Legacy, rating: 3}\n  \
                 - {id: unverified, label: Unverified, description: Not known.}\n",
            )
            .error_at(
                "site.yaml:3:10",
                "verdict ids `Half True` and `half-true` would share the page /verdicts/half-true/",
            ),
        case("errors_on_a_verdict_id_without_letters")
            .write(
                "site.yaml",
                "verdicts:\n  - {id: \"???\", label: No idea}\n  - {id: unverified, description: Not known.}\n",
            )
            .error_at("site.yaml:2:10", "verdict id `???` has no letters or digits"),
        case("warns_on_a_verdict_without_a_description")
            .write(
                "site.yaml",
                "verdicts:\n  - {id: true, label: \"True\", rating: 5, description: Right.}\n  \
                 - {id: unverified, label: Unverified}\n",
            )
            .warning_at("site.yaml:3:6", "verdict `unverified` has no description")
            .field("verdicts[1].description")
            .hint_has("add `description:`"),
        case("errors_on_a_menu_entry_that_names_nothing")
            .given("content/pages/about.md", "---\ntitle: About\n---\nWho we are.\n")
            .write("site.yaml", "menu:\n  - speakers\n  - abuot\n")
            .error_at(
                "site.yaml:3:5",
                "menu entry `abuot` is neither a page nor a built-in index",
            )
            .field("menu[1]")
            .hint_starts("did you mean `about`?"),
        case("errors_on_a_menu_link_that_is_not_an_address")
            .write("site.yaml", "menu:\n  - {label: Charter, url: un.org/charter}\n")
            .error_at("site.yaml:2:27", "menu link `Charter`: url `un.org/charter` is not a valid address")
            .field("menu[0].url"),
        // The misspelt field is the cause; the link it leaves without a
        // label is not reported again.
        case("errors_once_on_a_misspelt_field_of_a_menu_link")
            .write("site.yaml", "menu:\n  - {label: Charter, href: \"https://www.un.org/\"}\n")
            .error_at("site.yaml:2:5", "`href`")
            .absent("has no `label`"),
        case("errors_on_a_logo_missing_from_static")
            .write("site.yaml", "title: Desk\nlogo: static/logo.svg\n")
            .write("static/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n")
            .error_at("site.yaml:2:7", "logo `static/logo.svg` is not a file in static/")
            .field("logo")
            .hint_is("give the path inside static/: `logo: logo.svg`"),
        case("errors_on_a_favicon_missing_from_static")
            .write("site.yaml", "title: Desk\nfavicon: favicon.ico\n")
            .error_at("site.yaml:2:10", "favicon `favicon.ico` is not a file in static/")
            .field("favicon")
            .hint_starts("put the file in the site's static/ folder"),
        // ---------------------------------------------------- templates
        // Line 3, column 23: the lone `}` that should close `{{`.
        case("errors_on_a_template_override_with_a_syntax_error")
            .write(
                "templates/briefing.html",
                "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ briefing.title }</h1>\n\
                 {% endblock content %}\n",
            )
            .error_at("templates/briefing.html:3:23", "template error:"),
        // The templates are compiled beside the content's parsing: a
        // broken template and a broken briefing are both reported at once.
        case("errors_on_a_broken_template_and_a_broken_briefing_in_one_build")
            .write(
                "templates/briefing.html",
                "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ briefing.title }</h1>\n\
                 {% endblock content %}\n",
            )
            .edit("speaker: kim", "speaker: kmi")
            .error_at("templates/briefing.html:3:23", "template error:")
            .error(16, 14, "unknown speaker `kmi`"),
        case("errors_on_a_template_override_with_an_undefined_variable")
            .write(
                "templates/briefing.html",
                "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ briefing.title }}</h1>\n\
                 <p>{{ nothing_here }}</p>\n{% endblock content %}\n",
            )
            .error_at("templates/briefing.html:4:7", "Variable `nothing_here` not found")
            .also(&["'briefing.html'"]),
        case("errors_on_a_template_override_with_an_unclosed_block")
            .write(
                "templates/briefing.html",
                "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ briefing.title }}</h1>\n",
            )
            .error_at("templates/briefing.html", "template error:"),
        // Rows and cards are rendered apart from their pages: an error in
        // their partial is still located in the partial.
        case("errors_on_an_undefined_variable_in_the_claim_row_partial")
            .write(
                "templates/claim_row.html",
                "<li class=\"claim-row\">\n{{ claim.nothing_here }}</li>",
            )
            .error_at(
                "templates/claim_row.html:2:4",
                "Variable `claim.nothing_here` not found",
            ),
        case("errors_on_an_undefined_variable_in_the_claim_card_partial")
            .write(
                "templates/claim_card.html",
                "<article class=\"card claim\">\n<p>{{ claim.nothing_here }}</p></article>",
            )
            .error_at(
                "templates/claim_card.html:2:7",
                "Variable `claim.nothing_here` not found",
            ),
        // A second claim by x.md's speaker, so each claim page lists the
        // other as related and the partial is rendered.
        case("errors_on_an_undefined_variable_in_the_related_claim_partial")
            .given_briefing("content/briefings/w.md", &[("id: first", "id: second")])
            .write(
                "templates/related_claim.html",
                "<li>\n{{ claim.nothing_here }}</li>",
            )
            .error_at(
                "templates/related_claim.html:2:4",
                "Variable `claim.nothing_here` not found",
            ),
        case("errors_on_an_undefined_variable_in_the_briefing_item_partial")
            .write(
                "templates/briefing_item.html",
                "<article class=\"card\">\n<h3>{{ briefing.nothing_here }}</h3></article>",
            )
            .error_at(
                "templates/briefing_item.html:2:8",
                "Variable `briefing.nothing_here` not found",
            ),
        case("locates_a_missing_template_at_the_line_that_names_it")
            .write(
                "templates/tags.html",
                "{% extends \"base.html\" %}\n{% block content %}\n{% include \"nope.html\" %}\n\
                 {% endblock content %}\n",
            )
            .error_at("templates/tags.html:3:13", "not found"),
        // ---------------------------------------------------- the files
        // `summary: Caf` then a lone 0xE9: line 4, column 13.
        case("errors_on_a_file_that_is_not_utf8")
            .edit("summary: What it found.", "summary: Café au lait.")
            .saved(Saved::Latin1)
            .error(4, 13, "this file is not valid UTF-8 text")
            .hint_has("UTF-8"),
        case("errors_on_bytes_that_are_not_utf8_in_the_body")
            .edit("Body text.", "Body tÿxt.")
            .saved(Saved::Latin1)
            .error(22, 7, "this file is not valid UTF-8 text"),
        case("a_byte_order_mark_works")
            .saved(Saved::Bom)
            .alone()
            .page("h1", "A minimal briefing"),
        case("a_byte_order_mark_does_not_shift_positions")
            .edit("date: 2024-10-31", "date: 2024-02-30")
            .saved(Saved::Bom)
            .error(3, 7, "`2024-02-30` is not a real calendar date"),
        case("crlf_line_endings_work")
            .saved(Saved::Crlf)
            .alone()
            .page("h1", "A minimal briefing")
            .writes("public/briefings/x/index.html"),
        case("crlf_line_endings_keep_field_positions")
            .edit("speaker: kim", "speaker: kmi")
            .saved(Saved::Crlf)
            .error(16, 14, "unknown speaker `kmi`"),
        case("crlf_line_endings_keep_yaml_syntax_positions")
            .edit("name: Kim Song", "name: Kim: Song")
            .saved(Saved::Crlf)
            .error(7, 14, "mapping values are not allowed in this context"),
        case("crlf_line_endings_keep_body_link_positions")
            .edit("Body text.\n", "Body text.\n\nSee [this](#claim-nope).\n")
            .saved(Saved::Crlf)
            .error(24, 5, "link to `#claim-nope`: no claim `nope` in this file"),
        case("errors_on_a_symbolic_link_loop_under_content")
            .link("content/briefings/loop", "content/briefings")
            .error_at(
                "content/briefings/loop:1:1",
                "symbolic link loop: this link points back to a folder that contains it",
            )
            .hint_has("remove the link"),
        case("errors_on_a_symbolic_link_to_a_file_that_is_gone")
            .link(Y, "nowhere/y.md")
            .error_at("content/briefings/y.md:1:1", "cannot read this file: it does not exist")
            .hint_has("symbolic link"),
        // ------------------------------------- many problems in one run
        case("reports_every_problem_across_two_files")
            .given_briefing(Y, &[])
            .edit("speaker: kim", "speaker: kmi")
            .edit("verdict: unverified", "verdict: bogus")
            .edit("sources: [charter]", "sources: [charter, nope]")
            .write_briefing(
                Y,
                &[
                    (CHARTER_URL, "url: ftp://x"),
                    ("speaker: kim", "speaker: lee"),
                    ("Body text.", "See [this](#claim-nope)."),
                ],
            )
            .error(16, 14, "unknown speaker `kmi`")
            .error(18, 14, "unknown verdict `bogus`")
            .error(20, 24, "unknown source `nope`")
            .error_at("content/briefings/y.md:13:10", "address `ftp://x`")
            .error_at("content/briefings/y.md:16:14", "unknown speaker `lee`")
            .error_at("content/briefings/y.md:22:5", "link to `#claim-nope`"),
        case("reports_reference_problems_of_a_briefing_with_a_bad_date")
            .edit("date: 2024-10-31", "date: 2024-02-30")
            .edit("speaker: kim", "speaker: kmi")
            .edit("Body text.", "See [this](#claim-nope).")
            .error(3, 7, "`2024-02-30` is not a real calendar date")
            .error(16, 14, "unknown speaker `kmi`")
            .error(22, 5, "link to `#claim-nope`"),
        // ------------------------------------------- images and files
        case("errors_on_a_missing_bundle_image_with_the_nearest_name")
            .moved(B)
            .given("content/briefings/pier/chart.svg", SVG)
            .write_briefing(B, &[("Body text.", "Body text.\n\n![A chart](chrat.svg)")])
            .error_at(
                &format!("{B}:24:1"),
                "image `chrat.svg`: there is no file content/briefings/pier/chrat.svg",
            )
            .hint_is("did you mean `chart.svg`?"),
        case("errors_on_an_image_without_alt_text")
            .moved(B)
            .given("content/briefings/pier/chart.svg", SVG)
            .write_briefing(B, &[("Body text.", "Body text.\n\n![](chart.svg)")])
            .error_at(&format!("{B}:24:1"), "image `chart.svg` has no alt text")
            .hint_has("a reader who cannot see it"),
        case("errors_on_a_front_matter_image_with_empty_alt_text")
            .moved(B)
            .given("content/briefings/pier/chart.svg", SVG)
            .write_briefing(
                B,
                &[(
                    "summary: What it found.\n",
                    "summary: What it found.\nimage:\n  src: chart.svg\n  alt: \"\"\n",
                )],
            )
            .error_at(&format!("{B}:7:3"), "`alt` is empty")
            .field("image.alt")
            .hint_has("saying what the image shows"),
        case("errors_on_a_relative_image_path_outside_a_bundle")
            .edit("Body text.", "See ![A chart](chart.svg).")
            .error(22, 5, "image `chart.svg`: a relative path names a file of a bundle, and this briefing is a single file")
            .hint_starts("make this briefing a folder: content/briefings/x/index.md"),
        case("errors_on_a_missing_static_image_with_the_nearest_name")
            .given("static/img/chart.svg", SVG)
            .edit("Body text.", "![A chart](/img/chrat.svg)")
            .error(22, 1, "image `/img/chrat.svg`: there is no file static/img/chrat.svg")
            .hint_is("did you mean `/img/chart.svg`?"),
        case("errors_on_a_scripted_svg")
            .given("static/img/evil.svg", SCRIPTED_SVG)
            .edit("Body text.", "![A chart](/img/evil.svg)")
            .error(22, 1, "image `/img/evil.svg`: the SVG holds a script")
            .hint_is("remove the script from the SVG, or export the drawing as PNG"),
        case("errors_on_a_document_shown_as_an_image")
            .moved(B)
            .given("content/briefings/pier/report.pdf", PDF)
            .write_briefing(B, &[("Body text.", "![The report](report.pdf)")])
            .error_at(&format!("{B}:22:1"), "image `report.pdf` is not an image (application/pdf)")
            .hint_starts("link to the file instead"),
        case("errors_on_a_missing_source_file")
            .moved(B)
            .given("content/briefings/pier/report.pdf", PDF)
            .write_briefing(
                B,
                &[(
                    "    publisher: United Nations\n",
                    "    publisher: United Nations\n    file: reprot.pdf\n",
                )],
            )
            .error_at(
                &format!("{B}:13:11"),
                "file `reprot.pdf`: there is no file content/briefings/pier/reprot.pdf",
            )
            .field("sources.charter.file")
            .hint_is("did you mean `report.pdf`?"),
        case("errors_on_a_speaker_image_without_alt_text")
            .given("static/img/kim.svg", SVG)
            .edit(
                "    role: Permanent Representative\n",
                "    role: Permanent Representative\n    image:\n      src: /img/kim.svg\n",
            )
            .error(9, 5, "missing required field `alt`")
            .field("speakers.kim.image.alt")
            .hint_has("alt: "),
        case("errors_on_a_missing_claim_image")
            .edit(
                "    sources: [charter]\n",
                "    sources: [charter]\n    image: {src: /img/post.png, alt: The post}\n",
            )
            .error(21, 18, "image `/img/post.png`: there is no file static/img/post.png")
            .field("claims[0].image.src"),
        case("errors_on_a_missing_image_in_an_explanation_at_the_field")
            .given("static/img/post.svg", SVG)
            .edit(
                "explanation: The record does not settle it.",
                "explanation: See ![The post](/img/psot.svg).",
            )
            .error(19, 18, "image `/img/psot.svg`: there is no file static/img/psot.svg")
            .field("claims[0].explanation")
            .hint_is("did you mean `/img/post.svg`?"),
        case("errors_on_a_relative_portrait_path_in_speakers_yaml")
            .write(
                "content/speakers.yaml",
                "lee:\n  name: Lee Ha-na\n  image: {src: lee.jpg, alt: Lee Ha-na}\n",
            )
            .error_at(
                "content/speakers.yaml:3",
                "image `lee.jpg`: a relative path names a file of a bundle, and this file is not in one",
            )
            .field("lee.image.src")
            .hint_starts("write the path of a file in static/ from the root"),
        case("errors_on_a_root_link_to_no_page")
            .edit("Body text.", "See [how we work](/methodolgy/).")
            .error(22, 5, "link to `/methodolgy/`: the site has no page at that address")
            .hint_starts("link to a page the site writes"),
        case("errors_on_a_site_image_without_alt_text")
            .given("static/img/share.svg", SVG)
            .write("site.yaml", "title: Desk\nimage: {src: /img/share.svg}\n")
            .error_at("site.yaml:2", "the site's `image` has no `alt` text")
            .field("image.alt")
            .hint_has("image: {src: /img/share.png, alt:"),
    ]
}

#[test]
fn every_case_reports_what_its_row_expects() {
    let cases = cases();
    let mut names: Vec<&str> = cases.iter().map(|case| case.name).collect();
    names.sort_unstable();
    let twice: Vec<&&str> = names
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| &w[0])
        .collect();
    assert!(twice.is_empty(), "rows named twice: {twice:?}");
    check_rows(&cases, |case| case.name, run_case);
}

/// Builds the case's site and checks its row; every problem found.
fn run_case(case: &Case) -> Vec<String> {
    let mut problems = Vec::new();
    if !cfg!(unix) && case.then.iter().any(|f| matches!(f, File::Link { .. })) {
        return problems;
    }
    let site = Site::new();
    write_all(&site, &case.given);
    let run = if case.alone {
        write_all(&site, &case.then);
        site.run(&["build"])
    } else {
        let first = site.run(&["build"]);
        if first.status != 0 {
            problems.push(format!(
                "the site before the change does not build:\n{}",
                first.stderr
            ));
            return problems;
        }
        let before = site.snapshot("public");
        if before.is_empty() {
            problems.push("the good build wrote nothing".to_owned());
        }
        write_all(&site, &case.then);
        let run = site.run(&["build"]);
        if case.expect.iter().any(|d| d.severity == "error") && site.snapshot("public") != before {
            problems.push("public/ changed after a failed build".to_owned());
        }
        run
    };
    let errors = case.expect.iter().filter(|d| d.severity == "error").count();
    let warnings = case.expect.len() - errors;
    let shown = diagnostics(&run);
    for want in &case.expect {
        check_diagnostic(want, &shown, &mut problems);
    }
    if shown.len() != case.expect.len() {
        problems.push(format!(
            "expected {} diagnostics, got {}",
            case.expect.len(),
            shown.len()
        ));
    }
    let counts = format!("{}, {}", count(errors, "error"), count(warnings, "warning"));
    if errors > 0 {
        if run.status != 1 {
            problems.push(format!("exit status {}, not 1", run.status));
        }
        let last = run.stderr.lines().last().unwrap_or("");
        if !last.contains(&format!("failed ({counts})")) {
            problems.push(format!("the last line {last:?} does not say ({counts})"));
        }
    } else {
        if run.status != 0 {
            problems.push(format!("exit status {}, not 0", run.status));
        }
        if warnings > 0 && !run.stdout.contains(&format!("({counts})")) {
            problems.push(format!("stdout does not say ({counts}):\n{}", run.stdout));
        }
        if let Some((selector, want)) = case.page {
            let got = texts(&site.page("/briefings/x/"), selector);
            if got != [want] {
                problems.push(format!(
                    "`{selector}` on /briefings/x/ is {got:?}, not {want:?}"
                ));
            }
        }
        for file in &case.writes {
            if !site.path(file).is_file() {
                problems.push(format!("{file} was not written"));
            }
        }
    }
    for text in &case.absent {
        if run.stderr.contains(text) {
            problems.push(format!("stderr says {text:?}"));
        }
    }
    if !problems.is_empty() {
        problems.push(format!("stdout:\n{}stderr:\n{}", run.stdout, run.stderr));
    }
    problems
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

fn check_diagnostic(want: &Diag, shown: &[Printed], problems: &mut Vec<String>) {
    let found: Vec<&Printed> = shown
        .iter()
        .filter(|d| d.severity == want.severity && d.message.contains(want.message))
        .collect();
    let [d] = found[..] else {
        problems.push(format!(
            "expected one {} containing {:?}, got {}",
            want.severity,
            want.message,
            found.len()
        ));
        return;
    };
    let mut wrong = |what: String| problems.push(format!("{:?}: {what}", want.message));
    if !at(d.location.as_deref(), &want.at) {
        wrong(format!("at {:?}, not {}", d.location, want.at));
    }
    for part in &want.also {
        if !d.message.contains(part) {
            wrong(format!("the message {:?} lacks {part:?}", d.message));
        }
    }
    if want.field.is_some() && d.field.as_deref() != want.field {
        wrong(format!("field {:?}, not {:?}", d.field, want.field));
    }
    let Some(hint) = d.hint.as_deref() else {
        wrong("no hint".to_owned());
        return;
    };
    let fits = match want.hint {
        Hint::Any => true,
        Hint::StartsWith(start) => hint.starts_with(start),
        Hint::Contains(part) => hint.contains(part),
        Hint::Is(whole) => hint == whole,
    };
    if !fits {
        wrong(format!("the hint {hint:?} does not fit {:?}", want.hint));
    }
}

impl std::fmt::Debug for Hint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Hint::Any => write!(f, "any hint"),
            Hint::StartsWith(s) => write!(f, "starting {s:?}"),
            Hint::Contains(s) => write!(f, "containing {s:?}"),
            Hint::Is(s) => write!(f, "being {s:?}"),
        }
    }
}

/// Whether a printed location is at `want`: `file:line:column`,
/// `file:line` or `file`.
fn at(location: Option<&str>, want: &str) -> bool {
    let Some(location) = location else {
        return false;
    };
    let numbers = want
        .rsplit(':')
        .take(2)
        .take_while(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        .count();
    match numbers {
        2 => location == want,
        _ => location.starts_with(&format!("{want}:")),
    }
}

fn write_all(site: &Site, files: &[File]) {
    for file in files {
        match *file {
            File::Text { path, text } => site.write(path, text),
            File::Briefing {
                path,
                ref edits,
                saved,
            } => {
                let text = edits
                    .iter()
                    .fold(MINIMAL_BRIEFING.to_owned(), |text, (from, to)| {
                        edit(&text, from, to)
                    });
                let bytes = match saved {
                    Saved::Utf8 => text.into_bytes(),
                    Saved::Crlf => text.replace('\n', "\r\n").into_bytes(),
                    Saved::Bom => [b"\xef\xbb\xbf".as_slice(), text.as_bytes()].concat(),
                    Saved::Latin1 => text
                        .chars()
                        .map(|c| u8::try_from(c).expect("a Latin-1 character"))
                        .collect(),
                };
                site.write_bytes(path, &bytes);
            }
            File::Link { path, target } => {
                #[cfg(unix)]
                std::os::unix::fs::symlink(site.path(target), site.path(path)).unwrap();
                #[cfg(not(unix))]
                let _ = (path, target);
            }
        }
    }
}

/// `text` with `from` (which must occur exactly once) replaced by `to`.
#[track_caller]
fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} must occur once");
    text.replacen(from, to, 1)
}

/// Runs `check` on every row, a few at a time, and fails once, naming every
/// row that found problems (or panicked) with what it found.
fn check_rows<T: Sync>(
    rows: &[T],
    name: impl Fn(&T) -> &str + Sync,
    check: impl Fn(&T) -> Vec<String> + Sync,
) {
    let next = AtomicUsize::new(0);
    let failed = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(row) = rows.get(i) else { break };
                let problems = catch_unwind(AssertUnwindSafe(|| check(row)))
                    .unwrap_or_else(|panic| vec![format!("panicked: {}", panic_text(&*panic))]);
                if !problems.is_empty() {
                    let mut failed = failed.lock().unwrap_or_else(|p| p.into_inner());
                    failed.push((i, name(row).to_owned(), problems));
                }
            });
        }
    });
    let mut failed = failed.into_inner().unwrap_or_else(|p| p.into_inner());
    failed.sort();
    let mut report = String::new();
    for (_, name, problems) in &failed {
        let _ = writeln!(report, "---- {name}");
        for problem in problems {
            let _ = writeln!(report, "  {}", problem.replace('\n', "\n  "));
        }
    }
    let names: Vec<&str> = failed.iter().map(|(_, name, _)| name.as_str()).collect();
    assert!(
        failed.is_empty(),
        "{} of {} rows failed: {}\n\n{report}",
        failed.len(),
        rows.len(),
        names.join(", ")
    );
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "(no message)".to_owned())
}

// ------------------------------------------------- the output folder

/// An output folder `brief build` must refuse, on a site that was built
/// once: it exits with 1, says why, and changes nothing in the folder that
/// holds the site.
struct Refusal {
    name: &'static str,
    files: &'static [(&'static str, &'static str)],
    /// The site's root, inside the temporary folder.
    root: &'static str,
    output: &'static str,
    reason: &'static str,
}

const REFUSALS: &[Refusal] = &[
    Refusal {
        name: "refuses_the_site_root_as_output",
        files: &[(X, MINIMAL_BRIEFING)],
        root: ".",
        output: ".",
        reason: "it is the site's root folder",
    },
    // The site sits in site/ inside the temporary folder, and the output
    // named is that temporary folder, so a regression could only harm it.
    Refusal {
        name: "refuses_a_folder_containing_the_site_as_output",
        files: &[("site/content/briefings/x.md", MINIMAL_BRIEFING)],
        root: "site",
        output: "..",
        reason: "it contains the site itself",
    },
    // mine/notes.txt is kept, as the unchanged folder shows.
    Refusal {
        name: "refuses_a_folder_of_someone_elses_files_and_keeps_them",
        files: &[(X, MINIMAL_BRIEFING), ("mine/notes.txt", "keep me\n")],
        root: ".",
        output: "mine",
        reason: "there is no .brief-output file",
    },
    Refusal {
        name: "refuses_an_output_folder_inside_content",
        files: &[(X, MINIMAL_BRIEFING)],
        root: ".",
        output: "content/out",
        reason: "it is inside the site's content/ folder",
    },
];

#[test]
fn every_refused_output_folder_is_left_alone() {
    check_rows(REFUSALS, |row| row.name, refuse);
}

fn refuse(row: &Refusal) -> Vec<String> {
    let mut problems = Vec::new();
    let dir = Site::with(row.files);
    let root = dir.path(row.root);
    let root_arg = root.to_str().expect("a UTF-8 temporary path");
    let good = brief(&root, &["build", "--root", root_arg]);
    if good.status != 0 {
        return vec![format!("the site does not build:\n{}", good.stderr)];
    }
    let before = dir.snapshot(".");
    let existed = root.join(row.output).exists();
    let run = brief(
        &root,
        &["build", "--output", row.output, "--root", root_arg],
    );
    if run.status != 1 {
        problems.push(format!("exit status {}, not 1", run.status));
    }
    for said in ["refusing to write the site into", row.reason] {
        if !run.stderr.contains(said) {
            problems.push(format!("stderr does not say {said:?}"));
        }
    }
    if dir.snapshot(".") != before {
        problems.push("the folder holding the site changed".to_owned());
    }
    if !existed && root.join(row.output).exists() {
        problems.push(format!("{} was created", row.output));
    }
    if !problems.is_empty() {
        problems.push(format!("stderr:\n{}", run.stderr));
    }
    problems
}

// ------------------------------------------- cases of their own shape

#[test]
fn check_on_a_broken_site_fails_and_writes_nothing() {
    let site = Site::with(&[(X, &edit(MINIMAL_BRIEFING, "speaker: kim", "speaker: kmi"))]);
    let before = site.snapshot(".");
    let run = site.run(&["check"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let mut problems = Vec::new();
    check_diagnostic(
        &diag("error", format!("{X}:16:14"), "unknown speaker `kmi`"),
        &diagnostics(&run),
        &mut problems,
    );
    assert!(problems.is_empty(), "{problems:#?}\n{}", run.stderr);
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

#[test]
fn a_draft_with_mistakes_does_not_stop_the_build() {
    let site = Site::with(&[(X, MINIMAL_BRIEFING)]);
    site.write(
        "content/briefings/draft.md",
        "---\ntitle: Half done\ndraft: true\ndate: 2024-11-\nclaims:\n  - {id: a, speaker: nobody, verdict: tbd}\n---\n",
    );
    let run = site.run(&["build"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let checked = site.run(&["check", "--drafts"]);
    assert_eq!(checked.status, 1);
    let mut problems = Vec::new();
    check_diagnostic(
        &diag(
            "error",
            "content/briefings/draft.md".to_owned(),
            "unknown speaker `nobody`",
        ),
        &diagnostics(&checked),
        &mut problems,
    );
    assert!(problems.is_empty(), "{problems:#?}\n{}", checked.stderr);
}

#[test]
fn a_ten_megabyte_briefing_builds() {
    let paragraph =
        "A long paragraph of briefing text, with *emphasis* and a [link](#claim-first).\n\n";
    let body = paragraph.repeat(10 * 1024 * 1024 / paragraph.len() + 1);
    let text = edit(MINIMAL_BRIEFING, "Body text.\n", &body);
    assert!(text.len() > 10 * 1024 * 1024);
    let site = Site::with(&[(X, &text)]);
    // Only that it builds: how fast is for the benchmarks, not a test.
    site.build();
    let html = std::fs::read_to_string(site.path("public/briefings/x/index.html")).unwrap();
    assert!(html.len() > 10 * 1024 * 1024);
}

/// The line of the mistake is only known once the body is made.
#[test]
fn a_ten_megabyte_briefing_with_a_mistake_at_the_end_fails_at_its_line() {
    let paragraph = "A long paragraph of briefing text.\n\n";
    let count = 10 * 1024 * 1024 / paragraph.len() + 1;
    let body = paragraph.repeat(count) + "[nope](#claim-nope)\n";
    let site = Site::with(&[(X, MINIMAL_BRIEFING)]);
    site.build();
    let before = site.snapshot("public");
    assert!(!before.is_empty(), "the good build wrote nothing");
    site.write(X, &edit(MINIMAL_BRIEFING, "Body text.\n", &body));
    let run = site.run(&["build"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(site.snapshot("public") == before, "public/ changed");
    let at = format!("{X}:{}:1", 22 + 2 * count);
    let want = diag(
        "error",
        at,
        "link to `#claim-nope`: no claim `nope` in this file",
    );
    let mut problems = Vec::new();
    check_diagnostic(&want, &diagnostics(&run), &mut problems);
    assert!(problems.is_empty(), "{problems:#?}\n{}", run.stderr);
}

/// Needs a user that file permissions stop, which root is not: run as
/// root (as CI runs), brief is run as the unprivileged user `nobody`
/// (setpriv, from util-linux), over a site that user owns.
#[cfg(unix)]
#[test]
fn errors_on_a_file_that_cannot_be_read() {
    use std::os::unix::fs::PermissionsExt;
    let site = Site::with(&[(X, MINIMAL_BRIEFING)]);
    site.build();
    let before = site.snapshot("public");
    let path = site.path("content/briefings/secret.md");
    site.write("content/briefings/secret.md", MINIMAL_BRIEFING);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    let run = if std::fs::read(&path).is_ok() {
        let Some(unprivileged) = common::require(common::SETPRIV, Unprivileged::new(&site)) else {
            return;
        };
        unprivileged.run(&["build", "--root", "."])
    } else {
        site.run(&["build"])
    };
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(site.snapshot("public") == before);
    let mut problems = Vec::new();
    check_diagnostic(
        &diag(
            "error",
            "content/briefings/secret.md:1:1".to_owned(),
            "cannot read this file: permission denied",
        ),
        &diagnostics(&run),
        &mut problems,
    );
    assert!(problems.is_empty(), "{problems:#?}\n{}", run.stderr);
}

/// brief run as `nobody` over a site handed to that user: a copy of the
/// binary where that user can reach it, since the checkout may sit in a
/// folder only root can enter.
#[cfg(unix)]
struct Unprivileged {
    root: std::path::PathBuf,
    binary: std::path::PathBuf,
    _bin_dir: tempfile::TempDir,
}

#[cfg(unix)]
impl Unprivileged {
    const NOBODY: u32 = 65534;

    /// `None` when setpriv is missing or cannot drop to `nobody` here.
    fn new(site: &Site) -> Option<Unprivileged> {
        use std::os::unix::fs::PermissionsExt;
        let works = std::process::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "true"])
            .status()
            .is_ok_and(|s| s.success());
        if !works {
            return None;
        }
        let bin_dir = tempfile::tempdir().unwrap();
        let binary = bin_dir.path().join("brief");
        std::fs::copy(env!("CARGO_BIN_EXE_brief"), &binary).unwrap();
        for dir in [bin_dir.path(), site.root()] {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        for entry in walkdir::WalkDir::new(site.root()) {
            let entry = entry.unwrap();
            std::os::unix::fs::lchown(entry.path(), Some(Self::NOBODY), Some(Self::NOBODY))
                .unwrap();
        }
        Some(Unprivileged {
            root: site.root().to_path_buf(),
            binary,
            _bin_dir: bin_dir,
        })
    }

    fn run(&self, args: &[&str]) -> Run {
        let output = std::process::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&self.binary)
            .args(args)
            .current_dir(&self.root)
            .output()
            .expect("run brief as nobody");
        Run::from(output)
    }
}

// ---------------------------------------------------- reading stderr

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

/// The diagnostics of a run, without the closing `build failed` or
/// `check failed` line.
fn diagnostics(run: &Run) -> Vec<Printed> {
    printed(&run.stderr)
        .into_iter()
        .filter(|d| {
            !(d.location.is_none()
                && (d.message.starts_with("build failed") || d.message.starts_with("check failed")))
        })
        .collect()
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
