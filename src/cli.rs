//! The command line: arguments in, one of the subcommands run, an exit code out.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};

use crate::config::Options;
use crate::diagnostic::{self, Diagnostic};
use crate::{scaffold, Failure};

/// A static site generator for fact-checked briefings.
#[derive(Parser, Debug)]
#[command(name = "brief", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Build the site into the output folder (public/ by default)
    Build(BuildArgs),
    /// Check every briefing, page and template; write nothing; end with the evidence report
    Check(CheckArgs),
    /// Build, serve on http://127.0.0.1:1111/, rebuild on every save and reload open pages
    Serve(ServeArgs),
    /// Build, then rebuild into the output folder on every save (no server)
    Watch(BuildArgs),
    /// Create a new site or a new briefing
    #[command(subcommand)]
    New(NewCommand),
}

#[derive(Subcommand, Debug)]
enum NewCommand {
    /// Create a starter site with one sample briefing in DIR
    Site {
        /// The folder to create (must not exist, or be empty)
        dir: PathBuf,
    },
    /// Create content/briefings/<slug>.md with the front matter to fill in
    Briefing {
        /// The briefing's title; the file name (slug) is made from it
        title: String,
        /// The site's root folder
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Args, Debug)]
struct BuildArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Where to write the site [default: ROOT/public]
    #[arg(long)]
    output: Option<PathBuf>,
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

#[derive(Args, Debug)]
struct ServeArgs {
    #[command(flatten)]
    build: BuildArgs,
    /// The port to serve on (0 picks a free one)
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// The address to serve on; anything but loopback lets other machines in
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
}

#[derive(Args, Debug)]
struct CheckArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The evidence report that ends the check: every finding and a summary (full), the summary only, or none (off)
    #[arg(long, value_enum, default_value_t = EvidenceReport::Full)]
    evidence: EvidenceReport,
    /// Also request every source's url and archived copy, and report dead
    /// and redirected links with the claims that cite them
    #[arg(long)]
    links: bool,
    /// With --links: seconds to wait for each server before counting the link as dead
    #[arg(long, value_name = "SECS", default_value = "10", value_parser = parse_seconds, requires = "links")]
    timeout: Duration,
    /// With --links: reuse answers in .brief-cache/links.json younger than this many hours
    #[arg(long, value_name = "HOURS", default_value_t = 24, requires = "links")]
    max_age: u64,
    /// With --links: ignore the cache and request every link again
    #[arg(long, requires = "links")]
    refresh: bool,
}

fn parse_seconds(text: &str) -> Result<Duration, String> {
    match text.parse::<f64>() {
        Ok(secs) if secs > 0.0 && secs <= 3600.0 => Ok(Duration::from_secs_f64(secs)),
        _ => Err(format!(
            "`{text}` is not a number of seconds between 0 and 3600; pass e.g. --timeout 10 or --timeout 2.5"
        )),
    }
}

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
}

/// Runs the command line and returns the process's exit code: 0 on success,
/// 1 when the content or the output has a problem, 2 for bad arguments.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => build(&args),
        Command::Check(args) => check(&args),
        Command::Serve(args) => {
            args.build
                .site
                .options(args.build.output.clone())
                .and_then(|options| {
                    let terminal = crate::serve::Terminal {
                        quiet: args.build.site.quiet,
                    };
                    crate::serve::serve(options, args.bind, args.port, terminal)
                })
        }
        Command::Watch(args) => args.site.options(args.output.clone()).and_then(|options| {
            crate::serve::watch(
                options,
                crate::serve::Terminal {
                    quiet: args.site.quiet,
                },
            )
        }),
        Command::New(NewCommand::Site { dir }) => scaffold::new_site(&dir).map(|path| {
            println!("Created a new site in {}", path.display());
            println!("Build it with: brief build --root {}", path.display());
        }),
        Command::New(NewCommand::Briefing { title, root }) => scaffold::new_briefing(&root, &title)
            .map(|path| {
                println!("Created {}", path.display());
            }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(1)
        }
    }
}

/// Prints diagnostics to stderr, in colour on a terminal; `quiet` leaves
/// out warnings.
pub fn print_diagnostics(root: &std::path::Path, diagnostics: &[Diagnostic], quiet: bool) {
    let shown: Vec<Diagnostic> = diagnostics
        .iter()
        .filter(|d| !quiet || d.is_error())
        .cloned()
        .collect();
    if shown.is_empty() {
        return;
    }
    let mut stderr =
        StandardStream::stderr(if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            ColorChoice::Auto
        } else {
            ColorChoice::Never
        });
    let _ = diagnostic::render(&shown, root, &mut stderr);
    let _ = stderr.flush();
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn count_summary(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

fn build(build_args: &BuildArgs) -> anyhow::Result<()> {
    let args = &build_args.site;
    let options = args.options(build_args.output.clone())?;
    match crate::build(&options) {
        Ok(report) => {
            print_diagnostics(&options.root, &report.warnings, args.quiet);
            if std::env::var_os("BRIEF_TIMINGS").is_some() {
                for stage in &report.stages {
                    let memory = match (stage.resident, stage.peak) {
                        (Some(now), Some(peak)) => {
                            format!("{:>6} MB peak {:>6} MB", now / 1_000_000, peak / 1_000_000)
                        }
                        _ => String::new(),
                    };
                    eprintln!(
                        "{:>8.1} ms {memory}  {}",
                        stage.took.as_secs_f64() * 1000.0,
                        stage.name
                    );
                }
            }
            if !args.quiet {
                println!(
                    "Built {} ({}) from {} with {} into {} in {} ms{}",
                    plural(report.pages, "page"),
                    plural(report.files, "file"),
                    plural(report.briefings, "briefing"),
                    plural(report.claims, "claim"),
                    options.output_dir().display(),
                    report.elapsed.as_millis(),
                    if report.warnings.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", count_summary(&report.warnings))
                    },
                );
            }
            Ok(())
        }
        Err(Failure::Content(diagnostics)) => {
            print_diagnostics(&options.root, &diagnostics, args.quiet);
            anyhow::bail!(
                "build failed ({}); the previous output was left as it was",
                count_summary(&diagnostics)
            )
        }
        Err(Failure::Write(err)) => Err(err.into()),
    }
}

/// Checks the site; when it has no errors, ends with the evidence report.
/// A site with errors gets none: its broken entries were left out, so the
/// counts would be wrong, and the errors come first.
fn check(check_args: &CheckArgs) -> anyhow::Result<()> {
    let args = &check_args.site;
    let options = args.options(None)?;
    match crate::check(&options) {
        Ok((site, warnings)) => {
            print_diagnostics(&options.root, &warnings, args.quiet);
            if !args.quiet {
                let claims: usize = site.briefings.iter().map(|b| b.claims.len()).sum();
                println!(
                    "Checked {} with {} and {}: {}",
                    plural(site.briefings.len(), "briefing"),
                    plural(claims, "claim"),
                    plural(site.pages.len(), "page"),
                    count_summary(&warnings)
                );
            }
            if !args.quiet && check_args.evidence != EvidenceReport::Off {
                let evidence = crate::evidence::report(&site);
                if check_args.evidence == EvidenceReport::Full {
                    print_diagnostics(&options.root, &evidence.findings, false);
                }
                println!("{evidence}");
            }
            if check_args.links {
                check_links(check_args, &site, &options.root)?;
            }
            Ok(())
        }
        Err(diagnostics) => {
            print_diagnostics(&options.root, &diagnostics, args.quiet);
            anyhow::bail!(
                "check failed ({}){}",
                count_summary(&diagnostics),
                if check_args.links {
                    "; links are checked once the content has no errors"
                } else {
                    ""
                }
            )
        }
    }
}

/// `brief check --links`: the report on stderr, worst first, then the
/// summary line. Fails only on a dead link with no working archived copy.
fn check_links(
    args: &CheckArgs,
    site: &crate::resolve::Site,
    root: &std::path::Path,
) -> anyhow::Result<()> {
    let settings = crate::links::Settings {
        timeout: args.timeout,
        max_age: Duration::from_secs(args.max_age.saturating_mul(60 * 60)),
        refresh: args.refresh,
    };
    let quiet = args.site.quiet;
    // A run that waits on slow servers says what it is waiting for, on a
    // terminal only, so a log or a test sees just the report.
    let mut on_start = |requests: usize, cached: usize| {
        if requests > 0 && !quiet && std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            eprintln!(
                "Checking {} ({cached} more from cache)...",
                plural(requests, "link")
            );
        }
    };
    let report = crate::links::check(site, root, &settings, &mut on_start)?;
    eprint!("{}", crate::links::render(&report, quiet));
    if !quiet {
        let unarchived = report.count(crate::links::Class::DeadUnarchived);
        println!(
            "Checked {} ({} from cache) in {} ms: {} dead{}, {} redirected",
            plural(report.checked, "link"),
            report.from_cache,
            report.elapsed.as_millis(),
            report.dead(),
            if unarchived > 0 {
                format!(" ({unarchived} with no working archived copy)")
            } else {
                String::new()
            },
            report.redirected(),
        );
    }
    let unarchived = report.count(crate::links::Class::DeadUnarchived);
    anyhow::ensure!(
        unarchived == 0,
        "{} with no working archived copy; update each `url:` or add `archived:`",
        plural(unarchived, "dead link")
    );
    Ok(())
}
