//! `brief build`: the whole site, once, into the output folder.

use std::path::PathBuf;

use clap::Args;

use super::SiteArgs;
use crate::session::Failure;
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
    let options = args.site.options(args.output.clone())?;
    let terminal = args.site.terminal();
    match crate::build(&options) {
        Ok(report) => {
            terminal.diagnostics(&options.root, &report.warnings);
            terminal.built(&report, &options.output_dir());
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
