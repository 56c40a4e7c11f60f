//! Everything brief prints to the terminal: diagnostics, the summary line of
//! each build and check, and the stage timings of `BRIEF_TIMINGS`.
//!
//! `build`, `check`, `serve` and `watch` all print through here, so a build
//! reads the same whichever command ran it. Results go to stdout,
//! diagnostics and timings to stderr. A reader that closed the pipe early
//! (`brief build | head -1`) is not an error of the build, so every write
//! ignores a failure to print.

use std::io::Write;
use std::path::Path;

use codespan_reporting::term::termcolor::{BufferedStandardStream, ColorChoice};

use crate::diagnostic::{self, Diagnostic, Severity};
use crate::session::{Failure, Report, Stage};

/// Where and how much a command prints.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Terminal {
    /// Errors only: no warnings, no summary lines.
    pub quiet: bool,
}

impl Terminal {
    pub(crate) fn new(quiet: bool) -> Terminal {
        Terminal { quiet }
    }

    /// A line of the command's own output, on stdout; quiet leaves it out.
    pub(crate) fn line(&self, text: &str) {
        if !self.quiet {
            self.always(text);
        }
    }

    /// A line on stdout whether quiet or not (the address being served).
    pub(crate) fn always(&self, text: &str) {
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{text}");
        let _ = stdout.flush();
    }

    /// A line on stderr whether quiet or not: a warning about how brief
    /// was run, or an error that stops it.
    pub(crate) fn complain(&self, text: &str) {
        let _ = writeln!(std::io::stderr().lock(), "{text}");
    }

    /// A report already laid out (the link check's), on stderr as it is.
    pub(crate) fn report(&self, text: &str) {
        let _ = write!(std::io::stderr().lock(), "{text}");
    }

    /// Problems with the content, each with its file, line and column;
    /// quiet leaves out the warnings.
    pub(crate) fn diagnostics(&self, root: &Path, diagnostics: &[Diagnostic]) {
        let quiet = self.quiet;
        print_located(root, diagnostics.iter().filter(|d| !quiet || d.is_error()));
    }

    /// Findings printed whatever `quiet` says, once asked for (the
    /// evidence report).
    pub(crate) fn findings(&self, root: &Path, findings: &[Diagnostic]) {
        print_located(root, findings.iter());
    }

    /// The summary of a full build: pages, files, briefings, claims, where
    /// it went and how long it took, with the stages when `BRIEF_TIMINGS`
    /// is set.
    pub(crate) fn built(&self, report: &Report, output: &Path) {
        self.timings(&report.stages);
        if timings_wanted() {
            let _ = writeln!(
                std::io::stderr().lock(),
                "images: {} encoded, {} reused",
                report.images_encoded,
                report.images_reused
            );
            if let Some(cards) = cards(report) {
                let _ = writeln!(std::io::stderr().lock(), "{cards}");
            }
        }
        self.line(&format!(
            "Built {} ({}) from {} with {}{} into {} in {} ms{}",
            plural(report.pages, "page"),
            plural(report.files, "file"),
            plural(report.briefings, "briefing"),
            plural(report.claims, "claim"),
            images_summary(report),
            output.display(),
            report.elapsed.as_millis(),
            if report.warnings.is_empty() {
                String::new()
            } else {
                format!(" ({})", count_summary(&report.warnings))
            },
        ));
    }

    /// The summary of a build that found nothing changed since the last
    /// one into the same folder, with that build's warnings counted.
    pub(crate) fn unchanged(
        &self,
        summary: &crate::stamp::Summary,
        warnings: &[Diagnostic],
        output: &Path,
        elapsed: std::time::Duration,
    ) {
        self.line(&format!(
            "Nothing changed since the last build: {} ({}) from {} with {} in {} are as they were ({} ms){}",
            plural(summary.pages, "page"),
            plural(summary.files, "file"),
            plural(summary.briefings, "briefing"),
            plural(summary.claims, "claim"),
            output.display(),
            elapsed.as_millis(),
            if warnings.is_empty() {
                String::new()
            } else {
                format!(" ({})", count_summary(warnings))
            },
        ));
    }

    /// The summary of a rebuild in `serve` or `watch`: one line per save,
    /// with the stages on the same line when `BRIEF_TIMINGS` is set.
    pub(crate) fn rebuilt(&self, report: &Report) {
        let mut line = format!(
            "Rebuilt in {} ms: {} changed{}",
            report.elapsed.as_millis(),
            plural(report.written, "file"),
            images_summary(report),
        );
        if timings_wanted() {
            let stages: Vec<String> = report
                .stages
                .iter()
                .map(|stage| format!("{} {:.1}", stage.name, stage.took.as_secs_f64() * 1000.0))
                .collect();
            line.push_str(&format!(" [{} ms]", stages.join(", ")));
            if let Some(cards) = cards(report) {
                line.push_str(&format!(" [{cards}]"));
            }
        }
        self.line(&line);
    }

    /// Each stage of a build with its time, CPU time and memory, on stderr,
    /// when the environment variable `BRIEF_TIMINGS` is set, quiet or not.
    pub(crate) fn timings(&self, stages: &[Stage]) {
        if !timings_wanted() {
            return;
        }
        let mut stderr = std::io::stderr().lock();
        for stage in stages {
            let memory = match (stage.resident, stage.peak) {
                (Some(now), Some(peak)) => {
                    format!("{:>6} MB peak {:>6} MB", now / 1_000_000, peak / 1_000_000)
                }
                _ => String::new(),
            };
            let cpu = stage
                .cpu
                .map(|cpu| format!("{:>8.1} ms CPU ", cpu.as_secs_f64() * 1000.0))
                .unwrap_or_default();
            let _ = writeln!(
                stderr,
                "{:>8.1} ms {cpu}{memory}  {}",
                stage.took.as_secs_f64() * 1000.0,
                stage.name
            );
        }
    }
}

/// `, 3 images encoded, 12 reused`: said only when a build made images.
fn images_summary(report: &Report) -> String {
    match (report.images_encoded, report.images_reused) {
        (0, 0) => String::new(),
        (encoded, 0) => format!(", {} encoded", plural(encoded, "image")),
        (0, reused) => format!(", {} reused", plural(reused, "image")),
        (encoded, reused) => format!(", {} encoded, {reused} reused", plural(encoded, "image")),
    }
}

/// How many social cards a build drew and reused, if it made any.
fn cards(report: &Report) -> Option<String> {
    (report.cards_drawn + report.cards_reused > 0).then(|| {
        format!(
            "social cards: {} drawn, {} reused",
            report.cards_drawn, report.cards_reused
        )
    })
}

fn timings_wanted() -> bool {
    std::env::var_os("BRIEF_TIMINGS").is_some()
}

/// Diagnostics on stderr, in colour when stderr is a terminal.
fn print_located<'d>(root: &Path, diagnostics: impl Iterator<Item = &'d Diagnostic> + Clone) {
    if diagnostics.clone().next().is_none() {
        return;
    }
    let colour = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    };
    // Buffered: unbuffered, each piece of a report (a label, a line number,
    // a colour change) was a system call of its own, two million of them
    // for the 30,000 warnings of a 10,000-briefing site.
    let mut stderr = BufferedStandardStream::stderr(colour);
    let _ = diagnostic::render_each(diagnostics, root, &mut stderr);
    let _ = stderr.flush();
}

/// `1 page`, `2 pages`.
pub(crate) fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// `1 error, 2 warnings`, then `, 3 notes` when there are notes.
pub(crate) fn count_summary(diagnostics: &[Diagnostic]) -> String {
    let notes = count(diagnostics, Severity::Note);
    let mut summary = format!(
        "{}, {}",
        plural(count(diagnostics, Severity::Error), "error"),
        plural(count(diagnostics, Severity::Warning), "warning")
    );
    if notes > 0 {
        summary.push_str(&format!(", {}", plural(notes, "note")));
    }
    summary
}

/// Like [`count_summary`], with the notes counted even when there are
/// none: `check` says how many the evidence report found.
pub(crate) fn count_summary_with_notes(diagnostics: &[Diagnostic]) -> String {
    match count(diagnostics, Severity::Note) {
        0 => format!("{}, 0 notes", count_summary(diagnostics)),
        _ => count_summary(diagnostics),
    }
}

fn count(diagnostics: &[Diagnostic], severity: Severity) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.severity == severity)
        .count()
}

/// The plain text of a failed build as the terminal shows it, for the
/// page open in a browser: the errors only, or the write error with its
/// causes.
pub(crate) fn failure_text(root: &Path, failure: &Failure) -> String {
    match failure {
        Failure::Content(diagnostics) => {
            let errors: Vec<Diagnostic> = diagnostics
                .iter()
                .filter(|d| d.is_error())
                .cloned()
                .collect();
            diagnostic::render_plain(&errors, root)
        }
        Failure::Write(err) => {
            let mut text = format!("error: {err}");
            let mut source = std::error::Error::source(err);
            while let Some(cause) = source {
                text.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_in_the_singular_and_the_plural() {
        assert_eq!(plural(0, "page"), "0 pages");
        assert_eq!(plural(1, "page"), "1 page");
        assert_eq!(plural(2, "claim"), "2 claims");
    }
}
