//! `brief build`: the whole site, once, into the output folder; or nothing
//! at all when nothing it reads has changed since the last build there.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use super::SiteArgs;
use crate::session::Failure;
use crate::stamp;
use crate::terminal::count_summary;

#[derive(Args, Debug)]
pub(super) struct BuildArgs {
    #[command(flatten)]
    pub(super) site: SiteArgs,
    /// Where to write the site [default: ROOT/public]
    #[arg(long)]
    pub(super) output: Option<PathBuf>,
}

pub(super) fn execute(args: &BuildArgs) -> anyhow::Result<()> {
    let start = Instant::now();
    let options = args.site.options(args.output.clone())?;
    let terminal = args.site.terminal();
    // Taken before building, so that a file saved during the build makes
    // the next one build again.
    let key = stamp::key(&options);
    if let Some(summary) = key
        .as_ref()
        .and_then(|key| stamp::unchanged(&options.root, key))
    {
        let warnings = summary.warnings();
        terminal.diagnostics(&options.root, &warnings);
        terminal.unchanged(&summary, &warnings, &options.output_dir(), start.elapsed());
        return Ok(());
    }
    // A build refused its output folder leaves the site folder as it was,
    // stamp and all; any other is no longer the build the stamp tells of.
    if crate::write::check_output(&options.root, &options.output_dir()).is_ok() {
        stamp::forget(&options.root);
    }
    match crate::build_before_exit(&options) {
        Ok(report) => {
            terminal.diagnostics(&options.root, &report.warnings);
            terminal.built(&report, &options.output_dir());
            if let Some(key) = key {
                if let Err(note) = stamp::save(&options.root, key, &report) {
                    terminal.line(&format!("note: {note}"));
                }
            }
            Ok(())
        }
        Err(Failure::Content(diagnostics)) => {
            terminal.diagnostics(&options.root, &diagnostics);
            anyhow::bail!(
                "build failed ({}); the previous output was left as it was",
                count_summary(&diagnostics)
            )
        }
        Err(Failure::Write(err)) => Err(err.into()),
    }
}
