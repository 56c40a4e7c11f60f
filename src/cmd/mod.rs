//! The command line: arguments in, one command run, an exit code out.
//!
//! Each command lives in its own file with one `execute`; this file holds
//! what they share (the site's folder, drafts, quiet) and the dispatch.

mod build;
mod check;
mod links;
mod new;
mod serve;
mod watch;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::Options;
use crate::terminal::Terminal;

/// A static site generator for fact-checked briefings.
#[derive(Parser, Debug)]
#[command(name = "brief", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Build the site into the output folder (public/ by default)
    Build(build::BuildArgs),
    /// Check every briefing, page and template; write nothing; end with the evidence report
    Check(check::CheckArgs),
    /// Build, serve on http://127.0.0.1:1111/, rebuild on every save and reload open pages
    Serve(serve::ServeArgs),
    /// Build, then rebuild into the output folder on every save (no server)
    Watch(build::BuildArgs),
    /// Create a new site or a new briefing
    #[command(subcommand)]
    New(new::NewCommand),
}

/// What every command that reads a site takes.
#[derive(Args, Debug)]
struct SiteArgs {
    /// The site's root folder (holding site.yaml and content/)
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The address the site is deployed at, overriding site.yaml's base_url
    #[arg(long, value_parser = parse_base_url)]
    base_url: Option<String>,
    /// Include briefings and pages marked `draft: true`
    #[arg(long)]
    drafts: bool,
    /// Print errors only: no warnings, no summary line
    #[arg(long, short)]
    quiet: bool,
}

fn parse_base_url(url: &str) -> Result<String, String> {
    crate::config::check_url(url)
        .map(|()| url.to_owned())
        .map_err(|why| {
            format!("`{url}` {why}; pass an absolute address such as https://factdesk.example.org/")
        })
}

impl SiteArgs {
    /// The build options, once the folder is known to be a site.
    fn options(&self, output: Option<PathBuf>) -> anyhow::Result<Options> {
        let root = &self.root;
        anyhow::ensure!(
            root.is_dir(),
            "the site folder {} does not exist; pass the folder holding site.yaml and content/ with --root",
            root.display()
        );
        anyhow::ensure!(
            root.join("content").is_dir(),
            "{} has no content/ folder, so it is not a site; pass the site's folder with --root, or create one with `brief new site DIR`",
            root.display()
        );
        Ok(Options {
            root: self.root.clone(),
            output,
            base_url: self.base_url.clone(),
            drafts: self.drafts,
        })
    }

    fn terminal(&self) -> Terminal {
        Terminal::new(self.quiet)
    }
}

/// Runs the command line and returns the process's exit code: 0 on success,
/// 1 when the content or the output has a problem, 2 for bad arguments.
pub fn run() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Build(args) => build::execute(&args),
        Command::Check(args) => check::execute(&args),
        Command::Serve(args) => serve::execute(&args),
        Command::Watch(args) => watch::execute(&args),
        Command::New(command) => new::execute(&command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            Terminal::new(false).complain(&format!("error: {err:#}"));
            ExitCode::from(1)
        }
    }
}
