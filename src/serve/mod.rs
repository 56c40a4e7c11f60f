//! `brief serve` and `brief watch`: build, then rebuild on every change.
//!
//! The rebuild loop runs on its own thread: it waits for a batch of changed
//! files, rebuilds what they touched (see `session`), and reports. `serve`
//! adds the HTTP server, which tells open pages to reload, swap a
//! stylesheet, or show the problems of a save that did not build. A bad
//! save never stops either command: the last good site stays in place.

pub(crate) mod http;
pub(crate) mod watch;

use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;

use serde_json::json;

use crate::config::Options;
use crate::diagnostic::{self, Diagnostic};
use crate::session::{Failure, Session, Written};
use crate::terminal::{failure_text, Terminal};
use http::{Live, Message};

/// Makes the site's paths absolute, so changed paths reported by the
/// watcher compare equal to the session's own.
fn absolute(mut options: Options) -> anyhow::Result<Options> {
    options.root = options.root.canonicalize().map_err(|e| {
        anyhow::anyhow!(
            "cannot open the site folder {}: {e}",
            options.root.display()
        )
    })?;
    options.output = Some(options.output_dir());
    Ok(options)
}

/// Builds, then rebuilds on every change until the watcher stops. `told`
/// hears of every change written and every failure.
fn run_loop(
    mut session: Session,
    mut watcher: watch::Watcher,
    mut built: bool,
    mut shown: HashSet<Diagnostic>,
    terminal: &Terminal,
    told: &mut dyn FnMut(Event),
) -> anyhow::Result<()> {
    let root = session.options.root.clone();
    let mut failing = !built;
    while let Some(changed) = watcher.next_batch() {
        let result = if built {
            session.rebuild(Some(&changed), &mut |written| told(Event::Written(written)))
        } else {
            session.build()
        };
        match result {
            Ok(report) => {
                if !built {
                    told(Event::Rebuilt);
                } else if failing {
                    told(Event::Fixed);
                }
                built = true;
                failing = false;
                told(Event::BasePath(session.base_path().to_owned()));
                let mut new = not_shown(&report.warnings, &shown);
                diagnostic::sort(&mut new);
                terminal.diagnostics(&root, &new);
                terminal.rebuilt(&report);
                shown = report.warnings.into_iter().collect();
            }
            Err(failure) => {
                failing = true;
                if let Failure::Content(diagnostics) = &failure {
                    // A failed build reports every warning of the site with
                    // its errors. Those already on screen are not printed
                    // again: at a large site, hundreds of them buried the
                    // error that stopped the build.
                    let new = not_shown(diagnostics, &shown);
                    terminal.diagnostics(&root, &new);
                    shown.extend(new.into_iter().filter(|d| !d.is_error()));
                }
                let text = failure_text(&root, &failure);
                if let Failure::Write(_) = &failure {
                    terminal.complain(&text);
                }
                terminal.line("The last save did not build; the previous site stays in place.");
                told(Event::Failed(text));
            }
        }
    }
    Ok(())
}

/// The diagnostics of `diagnostics` not already on screen. `shown` holds
/// warnings only, so every error is among them.
fn not_shown(diagnostics: &[Diagnostic], shown: &HashSet<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics
        .iter()
        .filter(|d| !shown.contains(*d))
        .cloned()
        .collect()
}

/// What the rebuild loop reports to whoever serves the site.
pub(crate) enum Event<'a> {
    /// Files written by a rebuild.
    Written(&'a Written),
    /// A full build replaced the whole site.
    Rebuilt,
    /// A build succeeded after a failure, writing nothing new.
    Fixed,
    /// A build failed; the text is its diagnostics.
    Failed(String),
    /// The site's URL path prefix after a build (site.yaml may change it).
    BasePath(String),
}

/// The first build. Returns the warnings it printed, or the text of the
/// problems (also printed) that the loop then waits for a fix of.
fn first_build(
    session: &mut Session,
    terminal: &Terminal,
) -> anyhow::Result<Result<HashSet<Diagnostic>, String>> {
    let root = session.options.root.clone();
    match session.build() {
        Ok(report) => {
            terminal.diagnostics(&root, &report.warnings);
            terminal.built(&report, session.output());
            Ok(Ok(report.warnings.into_iter().collect()))
        }
        Err(Failure::Write(err)) => Err(err.into()),
        Err(failure) => {
            if let Failure::Content(diagnostics) = &failure {
                terminal.diagnostics(&root, diagnostics);
            }
            terminal.line("The site has problems; fix them and save, and it will build.");
            Ok(Err(failure_text(&root, &failure)))
        }
    }
}

/// `brief watch`: rebuild on change, writing to the output folder.
pub(crate) fn watch(options: Options, terminal: Terminal) -> anyhow::Result<()> {
    let options = absolute(options)?;
    // Watch before the first build, so a save made during it is not lost.
    let watcher = watch::Watcher::start(&options.root)?;
    let mut session = Session::new(options);
    let first = first_build(&mut session, &terminal)?;
    terminal.line(&format!(
        "Watching {} for changes; writing to {} (Ctrl-C to stop)",
        session.options.root.display(),
        session.output().display()
    ));
    let (built, shown) = match first {
        Ok(shown) => (true, shown),
        Err(_) => (false, HashSet::new()),
    };
    run_loop(session, watcher, built, shown, &terminal, &mut |_| {})
}

/// `brief serve`: build, serve on `bind:port`, rebuild on change and tell
/// open pages.
pub(crate) fn serve(
    options: Options,
    bind: IpAddr,
    port: u16,
    terminal: Terminal,
) -> anyhow::Result<()> {
    let options = absolute(options)?;
    // Watch before the first build, so a save made during it is not lost.
    let watcher = watch::Watcher::start(&options.root)?;
    let mut session = Session::new(options);
    let first = first_build(&mut session, &terminal)?;
    let base_path = site_base_path(&session);
    let live = Live::new(session.output().to_path_buf(), base_path.clone());
    if let Err(text) = &first {
        live.send(Message::Problems(json!({ "text": text }).to_string()));
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let bound = runtime.block_on(http::bind(SocketAddr::new(bind, port)))?;
    if !bind.is_loopback() {
        terminal.complain(&format!(
            "warning: serving on {bind}, which other machines can reach; the preview server is meant for this machine (use --bind 127.0.0.1)"
        ));
    }
    let address = bound.address;
    let host = match address.ip() {
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    terminal.always(&format!(
        "Serving the site at http://{host}:{}{base_path} (Ctrl-C to stop)",
        address.port()
    ));

    let (stop, stopped) = tokio::sync::watch::channel(false);
    let loop_live = live.clone();
    let (built, shown) = match first {
        Ok(shown) => (true, shown),
        Err(_) => (false, HashSet::new()),
    };
    std::thread::Builder::new()
        .name("rebuild".into())
        .spawn(move || {
            let mut tell = |event: Event| match event {
                Event::BasePath(path) => loop_live.set_base_path(path),
                event => loop_live.send(message(&loop_live.base_path(), event)),
            };
            if let Err(err) = run_loop(session, watcher, built, shown, &terminal, &mut tell) {
                terminal.complain(&format!("error: the file watcher stopped: {err:#}"));
            }
        })?;

    runtime.block_on(async move {
        let server = tokio::spawn(http::serve(bound, live, stopped));
        tokio::signal::ctrl_c().await?;
        terminal.always("\nStopping.");
        let _ = stop.send(true);
        // Open pages hold event streams; give the server a moment, not forever.
        let _ = tokio::time::timeout(std::time::Duration::from_secs(2), server).await;
        anyhow::Ok(())
    })?;
    Ok(())
}

/// The base path of the site as configured (site.yaml and --base-url); the
/// server serves the output below it, as the site will be deployed.
fn site_base_path(session: &Session) -> String {
    let root = &session.options.root;
    let text = std::fs::read_to_string(root.join("site.yaml")).ok();
    let file = text.map(|text| crate::load::SourceFile::new("site.yaml", text));
    crate::config::load(file.as_ref(), &session.options)
        .0
        .base_path
}

/// The event sent to open pages for what the loop reported.
fn message(base_path: &str, event: Event) -> Message {
    let url = |path: &Path| crate::session::url_of(base_path, path);
    match event {
        Event::Written(written) => Message::Built(
            json!({
                "pages": written.pages,
                "assets": written.assets.iter().map(|p| url(p)).collect::<Vec<_>>(),
                "removed": written.removed.iter().map(|p| url(p)).collect::<Vec<_>>(),
            })
            .to_string(),
        ),
        Event::Rebuilt => Message::Built(
            json!({ "pages": [], "assets": [], "removed": [], "all": true }).to_string(),
        ),
        Event::Fixed => {
            Message::Built(json!({ "pages": [], "assets": [], "removed": [] }).to_string())
        }
        Event::Failed(text) => Message::Problems(json!({ "text": text }).to_string()),
        Event::BasePath(_) => {
            Message::Built(json!({ "pages": [], "assets": [], "removed": [] }).to_string())
        }
    }
}
