//! `brief check`: every briefing, page and template checked, nothing
//! written, then the evidence report and, with `--links`, the link check.

use clap::{Args, ValueEnum};

use super::SiteArgs;
use crate::terminal::{count_summary, count_summary_with_notes, plural};

#[derive(Args, Debug)]
pub(super) struct CheckArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The evidence report that ends the check: every finding and a summary (full), the summary only, or none (off)
    #[arg(long, value_enum, default_value_t = EvidenceReport::Full)]
    evidence: EvidenceReport,
    #[command(flatten)]
    links: super::links::LinkArgs,
}

/// How much of the evidence report `brief check` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum EvidenceReport {
    // Plain comments, not doc comments: described values would turn every
    // flag's help into the long layout.
    // Each withheld source, late source and single-source claim, then the summary line.
    Full,
    // The summary line only.
    Summary,
    // No report.
    Off,
}

/// Checks the site; when it has no errors, ends with the evidence report.
/// A site with errors gets none: its broken entries were left out, so the
/// counts would be wrong, and the errors come first.
pub(super) fn execute(args: &CheckArgs) -> anyhow::Result<()> {
    let options = args.site.options(None)?;
    let terminal = args.site.terminal();
    let root = &options.root;
    match crate::check(&options) {
        Ok((site, warnings)) => {
            terminal.diagnostics(root, &warnings);
            let claims: usize = site.briefings.iter().map(|b| b.claims.len()).sum();
            // The evidence report's findings are notes, counted on the same
            // line as the check's warnings so the two never disagree.
            let evidence = (!terminal.quiet && args.evidence != EvidenceReport::Off)
                .then(|| crate::evidence::report(&site));
            let summary = match &evidence {
                Some(evidence) => {
                    let all: Vec<_> = warnings.iter().chain(&evidence.findings).cloned().collect();
                    count_summary_with_notes(&all)
                }
                None => count_summary(&warnings),
            };
            // A site in several languages: each other language's count too.
            let translated: String = site
                .translated
                .iter()
                .map(|t| {
                    format!(
                        ", and in `{}` {} with {} and {}",
                        t.language,
                        plural(t.briefings, "briefing"),
                        plural(t.claims, "claim"),
                        plural(t.pages, "page"),
                    )
                })
                .collect();
            terminal.line(&format!(
                "Checked {} with {} and {}{translated}: {summary}",
                plural(site.briefings.len(), "briefing"),
                plural(claims, "claim"),
                plural(site.pages.len(), "page"),
            ));
            if let Some(evidence) = evidence {
                if args.evidence == EvidenceReport::Full {
                    terminal.findings(root, &evidence.findings);
                }
                terminal.line(&evidence.to_string());
            }
            if args.links.links {
                super::links::execute(&args.links, &site, root, terminal)?;
            }
            Ok(())
        }
        Err(diagnostics) => {
            terminal.diagnostics(root, &diagnostics);
            anyhow::bail!(
                "check failed ({}){}",
                count_summary(&diagnostics),
                if args.links.links {
                    "; links are checked once the content has no errors"
                } else {
                    ""
                }
            )
        }
    }
}
