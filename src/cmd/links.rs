//! `brief check --links`: every source's address and archived copy, and
//! every claim's appearance and image copy, requested; the dead,
//! unverifiable and redirected ones reported with the claims that cite
//! them.

use std::path::Path;
use std::time::Duration;

use clap::Args;

use crate::links::{self, Class};
use crate::resolve::Site;
use crate::terminal::{plural, Terminal};

#[derive(Args, Debug)]
pub(super) struct LinkArgs {
    /// Also request every source's url and archived copy and every claim's
    /// appearance, and report dead, unverifiable and redirected links
    #[arg(long)]
    pub(super) links: bool,
    /// With --links: seconds to wait for each server before counting the link as unverifiable
    #[arg(long, value_name = "SECS", default_value = "10", value_parser = parse_seconds, requires = "links")]
    timeout: Duration,
    /// With --links: reuse answers in .brief-cache/links.json younger than this many hours
    /// (dead and unverifiable ones for an hour at most)
    #[arg(long, value_name = "HOURS", default_value_t = 24, requires = "links")]
    max_age: u64,
    /// With --links: ignore the cache and request every link again
    #[arg(long, requires = "links")]
    refresh: bool,
}

/// The report on stderr, worst first, then the summary line. Fails only on
/// a dead link with no working archived copy.
pub(super) fn execute(
    args: &LinkArgs,
    site: &Site,
    root: &Path,
    terminal: Terminal,
) -> anyhow::Result<()> {
    let settings = links::Settings {
        timeout: args.timeout,
        max_age: Duration::from_secs(args.max_age.saturating_mul(60 * 60)),
        refresh: args.refresh,
    };
    // A run that waits on slow servers says what it is waiting for, on a
    // terminal only, so a log or a test sees just the report.
    let mut on_start = |requests: usize, cached: usize| {
        if requests > 0 && std::io::IsTerminal::is_terminal(&std::io::stderr()) && !terminal.quiet {
            terminal.complain(&format!(
                "Checking {} ({cached} more from cache)...",
                plural(requests, "link")
            ));
        }
    };
    let report = links::check(site, root, &settings, &mut on_start)?;
    terminal.report(&links::render(&report, terminal.quiet));
    let unarchived = report.count(Class::DeadUnarchived);
    terminal.line(&format!(
        "Checked {} ({} from cache) in {} ms: {} alive, {} dead{}, {} unverifiable, {} redirected",
        plural(report.checked, "link"),
        report.from_cache,
        report.elapsed.as_millis(),
        report.alive(),
        report.dead(),
        if unarchived > 0 {
            format!(" ({unarchived} with no working archived copy)")
        } else {
            String::new()
        },
        report.count(Class::Unverifiable),
        report.redirected(),
    ));
    anyhow::ensure!(
        unarchived == 0,
        "{} with no working archived copy; update each `url:` or add `archived:`",
        plural(unarchived, "dead link")
    );
    Ok(())
}

/// `--timeout`: seconds, fractions allowed, up to an hour.
pub(super) fn parse_seconds(text: &str) -> Result<Duration, String> {
    match text.parse::<f64>() {
        Ok(secs) if secs > 0.0 && secs <= 3600.0 => Ok(Duration::from_secs_f64(secs)),
        _ => Err(format!(
            "`{text}` is not a number of seconds between 0 and 3600; pass e.g. --timeout 10 or --timeout 2.5"
        )),
    }
}
