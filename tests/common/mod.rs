//! Fixture sites on disk, the real `brief` binary run over them, the built
//! HTML parsed for assertions, the one rule for tests whose optional tools
//! are missing, and headless Chromium for the tests that need a browser.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scraper::{ElementRef, Html, Selector};

/// A site in a temporary folder, deleted when dropped.
pub struct Site {
    dir: tempfile::TempDir,
}

/// What a run of the binary printed and how it ended.
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn from(output: Output) -> Run {
        Run {
            status: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// A briefing with every required field, citing one source and one speaker,
/// for tests that vary a single thing.
pub const MINIMAL_BRIEFING: &str = "---
title: A minimal briefing
date: 2024-10-31
summary: What it found.
speakers:
  kim:
    name: Kim Song
    role: Permanent Representative
sources:
  charter:
    title: Charter of the United Nations
    publisher: United Nations
    url: https://www.un.org/en/about-us/un-charter/full-text
claims:
  - id: first
    speaker: kim
    text: Any deployment would comply with international law.
    verdict: unverified
    explanation: The record does not settle it.
    sources: [charter]
---
Body text.
";

/// A second briefing, dated after the first, whose claim links to it and
/// whose speaker is site-wide (`nebenzia`, for content/speakers.yaml).
pub const SECOND_BRIEFING: &str = "---
title: A second briefing
date: 2024-11-02
summary: More claims.
tags: [sanctions]
sources:
  res-1718:
    title: Resolution 1718 (2006)
    url: https://undocs.org/S/RES/1718(2006)
claims:
  - id: breach
    speaker: nebenzia
    text: It breaches nothing.
    verdict: misleading
    explanation: See [the first](@/briefings/x.md#claim-first).
    sources: [res-1718]
---
Second body.
";

impl Site {
    /// An empty site folder.
    pub fn new() -> Site {
        Site {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A site from `(path, contents)` pairs.
    pub fn with(files: &[(&str, &str)]) -> Site {
        let site = Site::new();
        for (path, text) in files {
            site.write(path, text);
        }
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }

    /// Runs `brief ARGS --root <site>` (the root flag is added for
    /// `build` and `check`).
    pub fn run(&self, args: &[&str]) -> Run {
        let mut command = Command::new(env!("CARGO_BIN_EXE_brief"));
        command.args(args);
        if matches!(args.first(), Some(&"build") | Some(&"check")) {
            command.arg("--root").arg(self.root());
        }
        Run::from(
            command
                .current_dir(self.root())
                .output()
                .expect("run brief"),
        )
    }

    /// `brief build`, asserting it succeeds.
    pub fn build(&self) -> Run {
        let run = self.run(&["build"]);
        assert_eq!(
            run.status, 0,
            "build failed:\n{}\n{}",
            run.stdout, run.stderr
        );
        run
    }

    /// The built page at a URL path such as `/briefings/x/`.
    pub fn page(&self, url: &str) -> Html {
        let mut path = self.path("public").join(url.trim_start_matches('/'));
        if url.ends_with('/') {
            path = path.join("index.html");
        }
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Html::parse_document(&text)
    }

    /// Every file under `public/` with its bytes, to prove it untouched.
    pub fn snapshot(&self, rel: &str) -> BTreeMap<PathBuf, Vec<u8>> {
        snapshot(&self.path(rel))
    }
}

pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return out;
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap().to_path_buf();
            out.insert(rel, fs::read(entry.path()).unwrap());
        }
    }
    out
}

/// Texts of every element matching a CSS selector, whitespace collapsed.
pub fn texts(html: &Html, selector: &str) -> Vec<String> {
    let sel = Selector::parse(selector).unwrap();
    html.select(&sel).map(text).collect()
}

/// The values of an attribute on every element matching a selector.
pub fn attrs(html: &Html, selector: &str, attr: &str) -> Vec<String> {
    let sel = Selector::parse(selector).unwrap();
    html.select(&sel)
        .filter_map(|e| e.value().attr(attr).map(str::to_owned))
        .collect()
}

/// Runs `brief ARGS` in `cwd`, adding nothing: for commands whose folder
/// arguments the test spells out itself.
pub fn brief(cwd: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run brief");
    Run::from(output)
}

/// The built page at a URL path under any output folder.
pub fn page_in(output: &Path, url: &str) -> Html {
    let mut path = output.join(url.trim_start_matches('/'));
    if url.ends_with('/') || url.is_empty() {
        path = path.join("index.html");
    }
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Html::parse_document(&text)
}

/// Every `.html` file under `dir`, as paths relative to it, sorted.
pub fn html_files(dir: &Path) -> Vec<PathBuf> {
    snapshot(dir)
        .into_keys()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect()
}

/// `brief build ARGS` on a good site that was built once: it must fail with
/// 1, print `reason`, and change nothing in the site folder.
#[track_caller]
pub fn refuses_output(site: &Site, args: &[&str], reason: &str) -> Run {
    site.build();
    let before = site.snapshot(".");
    let run = site.run(args);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("refusing to write the site into"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(reason), "{}", run.stderr);
    assert!(site.snapshot(".") == before, "the site folder changed");
    run
}

/// A CSS selector, or a panic naming the bad one.
pub fn sel(selector: &str) -> Selector {
    Selector::parse(selector).unwrap_or_else(|e| panic!("bad selector {selector}: {e:?}"))
}

/// An element's text, whitespace collapsed.
pub fn text(el: ElementRef) -> String {
    el.text()
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every element under `scope` matching a selector.
pub fn all<'a>(scope: ElementRef<'a>, selector: &str) -> Vec<ElementRef<'a>> {
    scope.select(&sel(selector)).collect()
}

/// The one element matching a selector; anything else fails the test.
pub fn one<'a>(html: &'a Html, selector: &str) -> ElementRef<'a> {
    let found: Vec<_> = html.select(&sel(selector)).collect();
    assert_eq!(
        found.len(),
        1,
        "expected one `{selector}`, found {}",
        found.len()
    );
    found[0]
}

/// Every `href`/`src` in the output that points inside the site and does
/// not resolve to a file, or names an anchor that file lacks.
pub fn broken_links(output: &Path, base_path: &str) -> Vec<String> {
    let mut ids: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut pages = Vec::new();
    for rel in html_files(output) {
        let html = Html::parse_document(&fs::read_to_string(output.join(&rel)).unwrap());
        let found = attrs(&html, "[id]", "id").into_iter().collect();
        ids.insert(rel.to_string_lossy().replace('\\', "/"), found);
        pages.push((rel, html));
    }
    let mut problems = Vec::new();
    for (rel, html) in &pages {
        let here = rel.to_string_lossy().replace('\\', "/");
        let values = attrs(html, "[href]", "href")
            .into_iter()
            .chain(attrs(html, "[src]", "src"));
        for value in values {
            let (path, fragment) = match value.split_once('#') {
                Some((p, f)) => (p.to_owned(), Some(f.to_owned())),
                None => (value.clone(), None),
            };
            let file = if path.is_empty() {
                here.clone()
            } else if let Some(inside) = path.strip_prefix(base_path) {
                if inside.is_empty() || inside.ends_with('/') {
                    format!("{inside}index.html")
                } else {
                    inside.to_owned()
                }
            } else {
                continue;
            };
            if !output.join(&file).is_file() {
                problems.push(format!("{here}: {value} -> no file {file}"));
                continue;
            }
            if let (Some(fragment), Some(targets)) = (fragment, ids.get(&file)) {
                if !fragment.is_empty() && !targets.contains(&fragment) {
                    problems.push(format!("{here}: {value} -> no id `{fragment}` in {file}"));
                }
            }
        }
    }
    problems
}

/// `<loc>` -> `<lastmod>` of a sitemap, read with a real XML parser.
pub fn sitemap_entries(text: &str) -> BTreeMap<String, Option<String>> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut out = BTreeMap::new();
    let mut current: Option<String> = None;
    let mut field = String::new();
    loop {
        match reader.read_event().expect("sitemap.xml is well-formed XML") {
            quick_xml::events::Event::Start(e) => {
                field = String::from_utf8_lossy(e.name().as_ref()).into_owned();
            }
            quick_xml::events::Event::Text(t) => {
                let value = t.decode().unwrap().into_owned();
                let value = quick_xml::escape::unescape(&value).unwrap().into_owned();
                match field.as_str() {
                    "loc" => {
                        out.insert(value.clone(), None);
                        current = Some(value);
                    }
                    "lastmod" => {
                        out.insert(current.clone().unwrap(), Some(value));
                    }
                    _ => {}
                }
            }
            quick_xml::events::Event::End(_) => field.clear(),
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    out
}

// ------------------------------------------------------ optional tools
//
// Some tests run a checker that a machine may lack. The rule, the same for
// every one of them: without its tool a test says `SKIPPED`, naming
// itself, the tool and how to install it, where a plain `cargo test`
// shows it, and passes; when `CI` is `true` or `1` it fails instead, so CI
// can never go green by skipping. `.ci/run` installs every tool and sets
// `CI=true`.

/// A tool some tests need and how a Debian machine gets it.
#[derive(Debug, Clone, Copy)]
pub struct Tool {
    pub name: &'static str,
    pub install: &'static str,
}

pub const VNU: Tool = Tool {
    name: "Java and the Nu HTML checker (vnu-jar)",
    install: "apt-get install default-jre-headless && npm ci --prefix tests/tools",
};

/// To run brief as an unprivileged user when the tests run as root.
pub const SETPRIV: Tool = Tool {
    name: "setpriv (util-linux) and a user `nobody` (uid 65534)",
    install: "apt-get install util-linux",
};

pub const CHROMIUM: Tool = Tool {
    name: "Chromium and chromedriver",
    install: "apt-get install chromium chromium-driver",
};

pub const AXE_CORE: Tool = Tool {
    name: "axe-core",
    install: "npm ci --prefix tests/tools",
};

pub const HANGUL_FONT: Tool = Tool {
    name: "a font with Hangul (Korean)",
    install: "apt-get install fonts-nanum",
};

pub const XMLLINT: Tool = Tool {
    name: "xmllint",
    install: "apt-get install libxml2-utils",
};

/// Whether tests may not be skipped: `CI` is `true` or `1`, as CI
/// services and `.ci/run` set it.
pub fn in_ci() -> bool {
    matches!(std::env::var("CI").as_deref(), Ok("true" | "1"))
}

/// `found`, or, when it is `None`, the rule above applied for `tool`:
/// under CI the test fails here; otherwise it is reported skipped and
/// the caller returns early.
#[track_caller]
pub fn require<T>(tool: Tool, found: Option<T>) -> Option<T> {
    if found.is_none() {
        let test = test_name();
        if in_ci() {
            panic!(
                "{test} needs {}, not found, and CI may not skip tests; install: {}",
                tool.name, tool.install
            );
        }
        say_skipped(&format!(
            "{test}: needs {}, not found; install: {}",
            tool.name, tool.install
        ));
    }
    found
}

/// Says a test (or part of one) was skipped for a reason other than a
/// missing tool, such as running as root; CI does not fail on these.
pub fn skipped(reason: &str) {
    say_skipped(&format!("{}: {reason}", test_name()));
}

/// The running test, as the harness names its thread.
fn test_name() -> String {
    std::thread::current().name().unwrap_or("a test").to_owned()
}

/// Writes `SKIPPED ...` to the process's stderr itself: the harness
/// captures `eprintln!` from a passing test and would hide it, but not a
/// write to the stream. Run one at a time the harness has already written
/// `test NAME ... ` without a line break, so the line starts a new one.
fn say_skipped(what: &str) {
    use std::io::Write as _;
    let args: Vec<String> = std::env::args().collect();
    let one_at_a_time = std::env::var("RUST_TEST_THREADS").as_deref() == Ok("1")
        || args.iter().any(|a| a == "--test-threads=1")
        || args
            .windows(2)
            .any(|w| w[0] == "--test-threads" && w[1] == "1");
    let start = if one_at_a_time { "\n" } else { "" };
    let _ = writeln!(std::io::stderr().lock(), "{start}SKIPPED {what}");
}

/// An executable on PATH.
fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|path| path.is_file())
}

/// The repository's checkout.
fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The Nu HTML checker's jar, when it and a working `java` are there.
#[track_caller]
pub fn vnu() -> Option<PathBuf> {
    let jar = repo().join("tests/tools/node_modules/vnu-jar/build/dist/vnu.jar");
    let java = Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    require(VNU, (java && jar.is_file()).then_some(jar))
}

/// axe-core's script, to run in a page.
#[track_caller]
pub fn axe_core() -> Option<String> {
    let script = repo().join("tests/tools/node_modules/axe-core/axe.min.js");
    require(AXE_CORE, fs::read_to_string(script).ok())
}

/// The `xmllint` executable.
#[track_caller]
pub fn xmllint() -> Option<PathBuf> {
    require(XMLLINT, on_path("xmllint"))
}

/// A font with Hangul among the machine's fonts, which social cards fall
/// back to for Korean names (the bundled font has none): found by
/// fontconfig, or by a known file name in the usual folders.
#[track_caller]
pub fn hangul_font() -> Option<PathBuf> {
    let by_fontconfig = Command::new("fc-list")
        .args([":lang=ko", "file"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .map(|l| PathBuf::from(l.trim().trim_end_matches(':')))
        });
    let by_name = || {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let folders = [
            Some(PathBuf::from("/usr/share/fonts")),
            Some(PathBuf::from("/usr/local/share/fonts")),
            home.as_ref().map(|h| h.join(".fonts")),
            home.as_ref().map(|h| h.join(".local/share/fonts")),
        ];
        folders.into_iter().flatten().find_map(|folder| {
            walkdir::WalkDir::new(folder)
                .into_iter()
                .filter_map(Result::ok)
                .map(|e| e.into_path())
                .find(|p| {
                    let name = p.file_name().unwrap_or_default().to_string_lossy();
                    [
                        "Nanum",
                        "NotoSansCJK",
                        "NotoSerifCJK",
                        "NotoSansKR",
                        "UnDotum",
                        "Baekmuk",
                    ]
                    .iter()
                    .any(|known| name.starts_with(known))
                })
        })
    };
    require(HANGUL_FONT, by_fontconfig.or_else(by_name))
}

/// Chromium and its driver, on PATH (Debian puts both in /usr/bin).
#[track_caller]
pub fn chromium() -> Option<Chromium> {
    let found = on_path("chromium")
        .zip(on_path("chromedriver"))
        .map(|(browser, driver)| Chromium { browser, driver });
    require(CHROMIUM, found)
}

// ------------------------------------------------------------ Chromium

/// Where Chromium and its WebDriver server are.
#[derive(Debug, Clone)]
pub struct Chromium {
    pub browser: PathBuf,
    pub driver: PathBuf,
}

/// The arguments Chromium runs with, besides a fresh `--user-data-dir`.
const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
];

impl Chromium {
    /// Runs `scenario` with a WebDriver session in a fresh headless
    /// Chromium, and returns what it returns. Whatever happens (the
    /// scenario fails, or panics) the session is closed and chromedriver
    /// is killed with the browser it started, and then the test fails
    /// with the scenario's error or panic.
    pub fn run<T>(
        &self,
        scenario: impl AsyncFnOnce(&fantoccini::Client) -> anyhow::Result<T>,
    ) -> T {
        use std::future::Future as _;
        use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
        use std::task::Poll;

        let profile = tempfile::tempdir().expect("a temporary folder for Chromium's profile");
        let driver = Driver::start(&self.driver);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let outcome = runtime.block_on(async {
            let client = match self.connect(driver.port, profile.path()).await {
                Ok(client) => client,
                Err(err) => return Ok(Err(err)),
            };
            let outcome = {
                let mut played = std::pin::pin!(scenario(&client));
                std::future::poll_fn(|cx| {
                    match catch_unwind(AssertUnwindSafe(|| played.as_mut().poll(cx))) {
                        Ok(Poll::Pending) => Poll::Pending,
                        Ok(Poll::Ready(value)) => Poll::Ready(Ok(value)),
                        Err(panic) => Poll::Ready(Err(panic)),
                    }
                })
                .await
            };
            // Closed whatever happened, so Chromium quits cleanly.
            let _ = tokio::time::timeout(std::time::Duration::from_secs(5), client.close()).await;
            outcome
        });
        drop(runtime);
        drop(driver);
        match outcome {
            Ok(Ok(value)) => value,
            Ok(Err(err)) => panic!("{err:#}"),
            Err(panic) => resume_unwind(panic),
        }
    }

    async fn connect(&self, port: u16, profile: &Path) -> anyhow::Result<fantoccini::Client> {
        use anyhow::Context as _;
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| a.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let mut capabilities = fantoccini::wd::Capabilities::new();
        capabilities.insert("browserName".into(), serde_json::json!("chrome"));
        capabilities.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({ "binary": self.browser, "args": args }),
        );
        let mut builder = fantoccini::ClientBuilder::new(
            hyper_util::client::legacy::connect::HttpConnector::new(),
        );
        builder.capabilities(capabilities);
        let webdriver = format!("http://127.0.0.1:{port}");
        let connecting = builder.connect(&webdriver);
        tokio::time::timeout(std::time::Duration::from_secs(30), connecting)
            .await
            .map_err(|_| anyhow::anyhow!("Chromium did not start within 30 s"))?
            .context("cannot start a Chromium session through chromedriver")
    }
}

/// A chromedriver on a free loopback port, killed (with the Chromium it
/// started) when dropped.
struct Driver {
    child: std::process::Child,
    port: u16,
}

impl Driver {
    fn start(path: &Path) -> Driver {
        use std::fmt::Write as _;
        use std::io::Read as _;
        use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
        use std::process::Stdio;
        use std::time::{Duration, Instant};

        let mut failures = String::new();
        // Another process may take the free port before chromedriver does.
        for _ in 0..3 {
            let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
                .and_then(|l| l.local_addr())
                .expect("a free loopback port")
                .port();
            let mut command = Command::new(path);
            command
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped());
            // Its own process group, so Chromium can be killed with it.
            #[cfg(unix)]
            std::os::unix::process::CommandExt::process_group(&mut command, 0);
            let child = command
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", path.display()));
            let mut driver = Driver { child, port };
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                if let Ok(Some(status)) = driver.child.try_wait() {
                    let mut stderr = String::new();
                    if let Some(mut pipe) = driver.child.stderr.take() {
                        let _ = pipe.read_to_string(&mut stderr);
                    }
                    let _ = writeln!(
                        failures,
                        "chromedriver on port {port} exited with {status}: {stderr}"
                    );
                    break;
                }
                let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
                if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                    // Drain its stderr so it never blocks on a full pipe.
                    if let Some(mut pipe) = driver.child.stderr.take() {
                        std::thread::spawn(move || {
                            let _ = std::io::copy(&mut pipe, &mut std::io::sink());
                        });
                    }
                    return driver;
                }
                if Instant::now() >= deadline {
                    panic!("chromedriver did not listen on port {port} within 10 s");
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        panic!("chromedriver would not start:\n{failures}");
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The browser it started is in its process group.
        #[cfg(unix)]
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stderr(std::process::Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An image of `width` × `height` pixels in `format`, as its file's bytes:
/// a gradient, so no two rows are alike.
pub fn image(width: u32, height: u32, format: image::ImageFormat) -> Vec<u8> {
    let pixels = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    pixels.write_to(&mut bytes, format).expect("encode");
    bytes.into_inner()
}
