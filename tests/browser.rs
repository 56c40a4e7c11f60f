//! `brief serve`'s live reload in a real browser: headless Chromium, driven
//! over WebDriver (chromedriver), against the real binary serving a fixture
//! site. Edits on disk must reach the open page by themselves: a changed
//! body reloads it at the same scroll position, a broken save shows the
//! problems overlay and a fixed one removes it, and a changed stylesheet is
//! swapped in without a reload. Search, too, is tried in the browser: a
//! speaker's name typed on the search page, a verdict filter, and the box
//! in every page's header. A page set right to left must mirror.
//!
//! Needs Chromium and chromedriver (Debian's `chromium` and
//! `chromium-driver`), and axe-core for the accessibility test; without
//! them the tests follow the rule in tests/common: SKIPPED, or a failure
//! under CI.

mod common;

use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, ensure, Context as _};
use fantoccini::wd::{TimeoutConfiguration, WebDriverCompatibleCommand};
use fantoccini::Client;
use serde_json::{json, Value as Json};

use common::{Site, MINIMAL_BRIEFING};

/// How long any one thing may take to show up in the page.
const WAIT: Duration = Duration::from_secs(10);
/// How long `brief serve` may take to build the site and print its address.
const SERVE_STARTS: Duration = Duration::from_secs(120);
/// How often the page is looked at while waiting.
const POLL: Duration = Duration::from_millis(25);
/// How far (CSS px) the restored scroll position may be from the saved one.
const SCROLL_SLACK: f64 = 3.0;

const BRIEFING: &str = "content/briefings/live.md";
const PAGE: &str = "briefings/live/";
const STYLE: &str = "static/style.css";

// ------------------------------------------------------------ the test

#[test]
fn live_reload_in_a_real_browser() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let started = Instant::now();

    let site = Site::with(&[
        ("site.yaml", "title: Live Desk\n"),
        (BRIEFING, &briefing("version-one", None)),
        (STYLE, &stylesheet("rgb(1, 2, 3)")),
    ]);
    let server = Server::start(site.root());
    chromium.run(async |client| {
        let page = Page::new(client, &server).await?;
        scenario(&page, &site, &server.url).await
    });
    eprintln!("browser live-reload test took {:?}", started.elapsed());
}

/// What a writer does while `brief serve` is open in the browser.
async fn scenario(page: &Page<'_>, site: &Site, base: &str) -> anyhow::Result<()> {
    let url = format!("{base}{PAGE}");
    page.open(&url).await?;
    page.wait_for_text("the first version of the body", "version-one")
        .await?;
    page.wait_for_live().await?;
    ensure!(
        page.eval("return document.getElementById('brief-problems') === null")
            .await?
            == json!(true),
        "a page of a site that builds shows the problems overlay"
    );

    // ---- A body edit reloads the page and keeps the scroll position.
    let long = page
        .eval("return document.documentElement.scrollHeight - window.innerHeight")
        .await?
        .as_f64()
        .unwrap_or(0.0);
    ensure!(
        long > 1500.0,
        "the fixture page is too short to scroll (it scrolls {long} px)"
    );
    let scrolled = page
        .eval("window.scrollTo(0, 1234); return window.scrollY")
        .await?
        .as_f64()
        .unwrap_or(0.0);
    ensure!(
        scrolled > 1000.0,
        "scrolling the page down did not move it (scrollY is {scrolled})"
    );
    page.mark().await?;
    site.write(BRIEFING, &briefing("version-two", None));
    page.wait_for_text("the edited body, without a manual reload", "version-two")
        .await?;
    page.wait_until(
        "the page to finish loading after its reload",
        "return document.readyState === 'complete'",
    )
    .await?;
    ensure!(
        !page.marked().await?,
        "the edited body appeared without the page reloading; expected live.js to reload it"
    );
    let check = format!("return Math.abs(window.scrollY - {scrolled}) <= {SCROLL_SLACK}");
    if let Err(err) = page
        .wait_until(
            "the scroll position to be restored after the reload",
            &check,
        )
        .await
    {
        let now = page.eval("return window.scrollY").await?;
        bail!("the reload lost the scroll position: it was {scrolled}, it is {now}\n{err:#}");
    }
    page.wait_for_live().await?;

    // ---- A broken save shows the problems, naming the file and line.
    page.mark().await?;
    let (broken, line) = broken_briefing("version-two");
    site.write(BRIEFING, &broken);
    let expected = format!("content/briefings/live.md:{line}:");
    let text = page.wait_for_problems(&expected).await?;
    ensure!(
        page.eval("return document.getElementById('brief-problems').getAttribute('role')")
            .await?
            == json!("alert"),
        "the problems overlay has no role=alert"
    );
    ensure!(
        text.contains("mapping values are not allowed"),
        "the problems overlay does not give the YAML error:\n{text}"
    );
    ensure!(
        page.marked().await?,
        "a broken save reloaded the page; the last good page should stay with the overlay on top"
    );
    ensure!(
        page.has_text("version-two").await?,
        "under the overlay, the page no longer shows the last good build"
    );

    // ---- Fixing it removes the overlay and shows the fixed text.
    site.write(BRIEFING, &briefing("version-three", None));
    page.wait_until(
        "the fixed text, with the overlay gone",
        "return document.getElementById('brief-problems') === null \
         && document.body.textContent.includes('version-three')",
    )
    .await?;
    page.wait_until(
        "the page to finish loading after its reload",
        "return document.readyState === 'complete'",
    )
    .await?;
    page.wait_for_live().await?;

    // ---- A page opened while the site is broken shows the problems at
    // once; a fix that restores the last good text changes no page, so the
    // overlay must go without a reload.
    site.write(BRIEFING, &broken_briefing("version-three").0);
    page.wait_for_problems(&expected).await?;
    page.open(&url).await?;
    page.wait_for_problems(&expected).await?;
    ensure!(
        page.has_text("version-three").await?,
        "a page opened while the site is broken does not show the last good build"
    );
    page.wait_for_live().await?;
    page.mark().await?;
    site.write(BRIEFING, &briefing("version-three", None));
    page.wait_until(
        "the overlay to go after a fix that restores the last good text",
        "return document.getElementById('brief-problems') === null",
    )
    .await?;
    ensure!(
        page.marked().await?,
        "a fix that changed no page reloaded the page; expected only the overlay to go"
    );

    // ---- A stylesheet edit is swapped in without a reload.
    let background = "return getComputedStyle(document.body).backgroundColor";
    let before = page.eval(background).await?;
    ensure!(
        before == json!("rgb(1, 2, 3)"),
        "the site's own static/style.css is not applied: body background is {before}"
    );
    page.mark().await?;
    site.write(STYLE, &stylesheet("rgb(4, 5, 6)"));
    page.wait_until(
        "the new body background from the edited static/style.css",
        "return getComputedStyle(document.body).backgroundColor === 'rgb(4, 5, 6)'",
    )
    .await?;
    ensure!(
        page.marked().await?,
        "a stylesheet edit reloaded the page; expected the stylesheet alone to be swapped"
    );
    page.wait_until(
        "the old stylesheet link to be removed after the swap",
        "return Array.from(document.querySelectorAll('link[rel=stylesheet]'))\
           .filter(l => new URL(l.href).pathname === '/style.css').length === 1",
    )
    .await?;
    ensure!(
        page.has_text("version-three").await?,
        "the page lost its text when the stylesheet was swapped"
    );
    Ok(())
}

// ------------------------------------------------ the overlay's contrast

/// The smallest contrast WCAG AA allows for text.
const AA_CONTRAST: f64 = 4.5;

/// A site stylesheet that does its worst to the overlay: white text on
/// white everywhere (the theme's code blocks are light), every `div`
/// hidden and unpositioned, tiny type, and the overlay's own id and role
/// aimed at.
const HOSTILE_STYLE: &str = "\
* { color: #fff !important; background: #fff !important; font-size: 6px !important; }
pre { background: #fff !important; color: #fff !important; }
div { display: none !important; position: static !important; }
#brief-problems, [role=alert] { background: transparent !important; color: #fff !important; opacity: 0.1 !important; }
h2, p { color: #fff !important; }
body { opacity: 0.5 !important; }
";

/// Measures, for every text node of the problems overlay, its computed
/// colour against its effective background: the backgrounds from its
/// element up (through the shadow root to its host and on to the root),
/// composited until one is opaque, over white. Also says whether the
/// overlay is what shows in the middle of the window.
const MEASURE_OVERLAY: &str = r#"
var host = document.getElementById('brief-problems');
if (!host) { return null; }
var root = host.shadowRoot || host;
function rgba(text) {
  if (!/^rgba?\(/.test(text)) { throw new Error('unexpected colour ' + text); }
  var n = text.match(/[\d.]+/g).map(Number);
  return { r: n[0], g: n[1], b: n[2], a: n.length > 3 ? n[3] : 1 };
}
function over(top, under) {
  var a = top.a;
  return { r: top.r * a + under.r * (1 - a), g: top.g * a + under.g * (1 - a),
           b: top.b * a + under.b * (1 - a), a: 1 };
}
function up(el) {
  if (el.parentElement) { return el.parentElement; }
  var node = el.parentNode;
  return node && node.host ? node.host : null;
}
function background(el) {
  var layers = [];
  for (var e = el; e; e = up(e)) {
    var c = rgba(getComputedStyle(e).backgroundColor);
    if (c.a > 0) { layers.push(c); if (c.a >= 1) { break; } }
  }
  var c = { r: 255, g: 255, b: 255, a: 1 };
  for (var i = layers.length - 1; i >= 0; i--) { c = over(layers[i], c); }
  return c;
}
function opacity(el) {
  var o = 1;
  for (var e = el; e; e = up(e)) {
    var style = getComputedStyle(e);
    o *= Number(style.opacity);
    if (style.filter !== 'none') { o = -1; }
  }
  return o;
}
function luminance(c) {
  function channel(v) { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }
  return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}
function ratio(a, b) {
  var x = luminance(a), y = luminance(b);
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}
function css(c) { return 'rgb(' + [c.r, c.g, c.b].map(Math.round).join(', ') + ')'; }
var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
var lines = [];
for (var t = walker.nextNode(); t; t = walker.nextNode()) {
  if (!t.data.trim()) { continue; }
  var el = t.parentElement || t.parentNode.host;
  if (el.tagName === 'STYLE') { continue; }
  var range = document.createRange();
  range.selectNodeContents(t);
  var shown = range.getClientRects().length > 0;
  var bg = background(el);
  var fg = over(rgba(getComputedStyle(el).color), bg);
  lines.push({ text: t.data.slice(0, 50), shown: shown, color: css(fg), background: css(bg),
               ratio: shown ? ratio(fg, bg) : 0, opacity: opacity(el),
               fontSize: getComputedStyle(el).fontSize });
}
var hit = document.elementFromPoint(innerWidth / 2, innerHeight / 2);
return { onTop: hit !== null && (hit === host || host.contains(hit)), lines: lines };
"#;

/// `brief serve`'s problems overlay, measured in the browser: every line of
/// it reaches WCAG AA contrast, on the theme's stylesheet and on a site
/// stylesheet aimed against it.
#[test]
fn the_problems_overlay_is_readable_whatever_the_site_stylesheet_says() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let site = Site::with(&[
        ("site.yaml", "title: Live Desk\n"),
        (BRIEFING, &briefing("readable", None)),
    ]);
    let server = Server::start(site.root());
    chromium.run(async |client| {
        let page = Page::new(client, &server).await?;
        overlay_scenario(&page, &site, &server.url).await
    });
}

async fn overlay_scenario(page: &Page<'_>, site: &Site, base: &str) -> anyhow::Result<()> {
    let (broken, line) = broken_briefing("readable");
    let expected = format!("content/briefings/live.md:{line}:");
    page.open(&format!("{base}{PAGE}")).await?;
    page.wait_for_text("the briefing", "readable").await?;
    page.wait_for_live().await?;

    // ---- On the theme's own stylesheet.
    site.write(BRIEFING, &broken);
    page.wait_for_problems(&expected).await?;
    assert_readable(page, "the theme's stylesheet").await?;

    // ---- On a site stylesheet that paints everything white.
    site.write(BRIEFING, &briefing("readable", None));
    page.wait_until(
        "the overlay to go once the briefing is fixed",
        "return document.getElementById('brief-problems') === null",
    )
    .await?;
    site.write(STYLE, HOSTILE_STYLE);
    page.wait_until(
        "the site's white-on-white stylesheet to apply",
        "return getComputedStyle(document.querySelector('main')).color === 'rgb(255, 255, 255)' \
         && document.readyState === 'complete'",
    )
    .await?;
    page.wait_for_live().await?;
    site.write(BRIEFING, &broken);
    page.wait_for_problems(&expected).await?;
    assert_readable(page, "a site stylesheet of white on white").await
}

/// Fails unless the overlay covers the page and every text line in it is
/// shown at [`AA_CONTRAST`] or more, at full opacity.
async fn assert_readable(page: &Page<'_>, on: &str) -> anyhow::Result<()> {
    let measured = page.eval(MEASURE_OVERLAY).await?;
    let lines = measured["lines"].as_array().cloned().unwrap_or_default();
    ensure!(
        lines.len() >= 3,
        "on {on}, the overlay should show a title, a note and the problems; measured {measured}"
    );
    ensure!(
        measured["onTop"] == json!(true),
        "on {on}, the overlay is not what shows in the middle of the window: {measured}"
    );
    let poor: Vec<&Json> = lines
        .iter()
        .filter(|l| {
            l["ratio"].as_f64().is_none_or(|r| r < AA_CONTRAST)
                || l["opacity"].as_f64() != Some(1.0)
        })
        .collect();
    ensure!(
        poor.is_empty(),
        "on {on}, overlay lines below {AA_CONTRAST}:1 contrast (or not fully opaque):\n{}",
        poor.iter()
            .map(|l| l.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
    Ok(())
}

// ------------------------------------------------ meta lines' spaces

/// The rendered text (`innerText`) and the copied text (a selection of it)
/// of the first element matching `arguments[0]`, as a reader and a
/// screen reader get them from the laid-out page.
const READ_AS_SHOWN: &str = "
var el = document.querySelector(arguments[0]);
if (!el) { return null; }
var range = document.createRange();
range.selectNodeContents(el);
var selection = getSelection();
selection.removeAllRanges();
selection.addRange(range);
var copied = selection.toString();
selection.removeAllRanges();
return { shown: el.innerText, copied: copied };
";

/// Meta lines that are running text ("From <briefing>, <date>" on a claim
/// page, "Corrected <date>" on /corrections/) keep the spaces between their
/// words and links once laid out: on screen, when copied, and as read out.
#[test]
fn meta_lines_read_with_their_spaces_in_a_real_browser() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let briefing = MINIMAL_BRIEFING.replace(
        "claims:\n",
        "corrections:\n  - date: 2024-11-24\n    text: Fixed the date of the meeting.\nclaims:\n",
    );
    let site = Site::with(&[
        ("site.yaml", "title: Spaces Desk\n"),
        ("content/briefings/minimal.md", &briefing),
    ]);
    let server = Server::start(site.root());
    let cases = [
        (
            "briefings/minimal/claims/first/",
            "main p.meta-list",
            "From A minimal briefing, 31 October 2024",
        ),
        (
            "corrections/",
            ".correction-entry__date",
            "Corrected 24 November 2024",
        ),
    ];
    chromium.run(async |client| {
        let page = Page::new(client, &server).await?;
        for (path, selector, expected) in cases {
            page.open(&format!("{}{path}", server.url)).await?;
            let read = tokio::time::timeout(
                WAIT,
                page.client
                    .execute(READ_AS_SHOWN, vec![json!(selector)]),
            )
            .await
            .map_err(|_| anyhow!("reading {selector} took over {WAIT:?}"))??;
            ensure!(
                read["shown"] == json!(expected) && read["copied"] == json!(expected),
                "/{path} {selector} should read {expected:?} as shown and as copied; it reads {read}"
            );
        }
        Ok(())
    });
}

// ------------------------------------------------------------ fixture

/// The briefing, with `marker` in its first paragraph and a body long
/// enough to scroll. Every version lays out the same, so a restored scroll
/// position lands on the same spot.
fn briefing(marker: &str, summary: Option<&str>) -> String {
    let mut body = format!("Marker: {marker}.\n\n");
    for n in 0..150 {
        let _ = writeln!(
            body,
            "Paragraph {n:03} of filler text, there only so that the page is long enough to scroll.\n"
        );
    }
    let text = MINIMAL_BRIEFING.replace("Body text.\n", &body);
    match summary {
        Some(summary) => text.replace("summary: What it found.", summary),
        None => text,
    }
}

/// The briefing with invalid YAML in its front matter, and the (1-based)
/// line of the error.
fn broken_briefing(marker: &str) -> (String, usize) {
    let text = briefing(marker, Some("summary: What: it: found."));
    let line = text
        .lines()
        .position(|l| l.starts_with("summary: What: it"))
        .expect("the summary line")
        + 1;
    (text, line)
}

fn stylesheet(background: &str) -> String {
    format!("body {{ background-color: {background}; color: rgb(250, 250, 250); }}\n")
}

// ------------------------------------------------------------ the browser

/// Run in every page before its own scripts: keeps the page's
/// `EventSource`s and a log of what they received, so the test knows when
/// the live-reload stream is open (an edit made before would go unheard)
/// and can say what the page was told when something does not show up.
const WATCH_EVENTS: &str = r#"
(function () {
  var Native = window.EventSource;
  if (!Native) { return; }
  var log = window.__briefLog = [];
  var sources = window.__briefSources = [];
  window.EventSource = class extends Native {
    constructor(url, init) {
      super(url, init);
      sources.push(this);
      log.push("connect " + url);
      var self = this;
      ["open", "error", "built", "problems"].forEach(function (name) {
        self.addEventListener(name, function (e) {
          log.push(e.data === undefined ? name : name + " " + e.data);
        });
      });
    }
  };
})();
"#;

/// A DevTools protocol command, sent through chromedriver.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Json,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// The page under test, with what is needed to explain a failure.
struct Page<'a> {
    client: &'a Client,
    server: &'a Server,
}

impl<'a> Page<'a> {
    /// The page of a fresh session: WebDriver's waits set to [`WAIT`], and
    /// the page's event streams watched (see [`WATCH_EVENTS`]).
    async fn new(client: &'a Client, server: &'a Server) -> anyhow::Result<Page<'a>> {
        client
            .update_timeouts(TimeoutConfiguration::new(
                Some(WAIT),
                Some(WAIT),
                Some(Duration::ZERO),
            ))
            .await
            .context("setting WebDriver timeouts")?;
        client
            .issue_cmd(Cdp {
                cmd: "Page.addScriptToEvaluateOnNewDocument",
                params: json!({ "source": WATCH_EVENTS }),
            })
            .await
            .context("installing the event-stream watcher over the DevTools protocol")?;
        Ok(Page { client, server })
    }

    async fn open(&self, url: &str) -> anyhow::Result<()> {
        tokio::time::timeout(WAIT, self.client.goto(url))
            .await
            .map_err(|_| anyhow!("opening {url} took over {WAIT:?}"))?
            .with_context(|| format!("opening {url}"))
    }

    /// Runs a script (a function body) in the page.
    async fn eval(&self, script: &str) -> anyhow::Result<Json> {
        tokio::time::timeout(WAIT, self.client.execute(script, Vec::new()))
            .await
            .map_err(|_| anyhow!("running `{script}` took over {WAIT:?}"))?
            .with_context(|| format!("running `{script}`"))
    }

    /// Polls `script` until it returns something truthy, for at most
    /// [`WAIT`]; a script that fails (the page is reloading) is retried.
    async fn wait_until(&self, what: &str, script: &str) -> anyhow::Result<Json> {
        let start = Instant::now();
        loop {
            // The last check, near the deadline, still gets time to answer.
            let left = WAIT
                .saturating_sub(start.elapsed())
                .max(Duration::from_secs(2));
            let last =
                match tokio::time::timeout(left, self.client.execute(script, Vec::new())).await {
                    Ok(Ok(value)) if truthy(&value) => return Ok(value),
                    Ok(Ok(value)) => format!("it returned {value}"),
                    Ok(Err(err)) => format!("it failed: {err}"),
                    Err(_) => "it did not answer".to_owned(),
                };
            if start.elapsed() >= WAIT {
                bail!(
                    "waited {WAIT:?} for {what}, in vain; the last check (`{script}`): {last}\n{}",
                    self.state().await
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    async fn wait_for_text(&self, what: &str, text: &str) -> anyhow::Result<()> {
        let script = format!("return document.body.textContent.includes({})", json!(text));
        self.wait_until(&format!("{what} (`{text}`)"), &script)
            .await
            .map(drop)
    }

    async fn has_text(&self, text: &str) -> anyhow::Result<bool> {
        let script = format!("return document.body.textContent.includes({})", json!(text));
        Ok(self.eval(&script).await? == json!(true))
    }

    /// Waits for the page's live-reload stream to be open, so the next edit
    /// is heard.
    async fn wait_for_live(&self) -> anyhow::Result<()> {
        self.wait_until(
            "the page's live-reload event stream to open",
            "return Array.isArray(window.__briefSources) \
             && window.__briefSources.some(s => s.readyState === 1)",
        )
        .await
        .map(drop)
    }

    /// Waits for the problems overlay to show `expected`; its text.
    async fn wait_for_problems(&self, expected: &str) -> anyhow::Result<String> {
        let script = format!(
            "var o = document.getElementById('brief-problems'); \
             var t = o && (o.shadowRoot || o).textContent; \
             return o !== null && t.includes({}) && t",
            json!(expected)
        );
        let text = self
            .wait_until(
                &format!("the problems overlay #brief-problems naming `{expected}`"),
                &script,
            )
            .await?;
        Ok(text.as_str().unwrap_or_default().to_owned())
    }

    /// Sets a marker in the page's window, gone if the page reloads.
    async fn mark(&self) -> anyhow::Result<()> {
        self.eval("window.__marker = 1; return null")
            .await
            .map(drop)
    }

    async fn marked(&self) -> anyhow::Result<bool> {
        Ok(self.eval("return window.__marker === 1").await? == json!(true))
    }

    /// What the page and the server were doing, for a failure message.
    async fn state(&self) -> String {
        let page = self
            .eval(
                "return { url: location.href, readyState: document.readyState, \
                 scrollY: window.scrollY, \
                 overlay: (function (o) { return o ? (o.shadowRoot || o).textContent : null; })\
                   (document.getElementById('brief-problems')), \
                 events: window.__briefLog || null }",
            )
            .await
            .map(|v| serde_json::to_string_pretty(&v).unwrap_or_default())
            .unwrap_or_else(|e| format!("(cannot read the page: {e:#})"));
        format!(
            "the page: {page}\nbrief serve printed:\n{}",
            self.server.output()
        )
    }
}

fn truthy(value: &Json) -> bool {
    match value {
        Json::Null => false,
        Json::Bool(b) => *b,
        Json::Number(n) => n.as_f64().is_some_and(|n| n != 0.0),
        Json::String(s) => !s.is_empty(),
        Json::Array(_) | Json::Object(_) => true,
    }
}

// ------------------------------------------------------------ the server

/// `brief serve` on a free port, killed when dropped.
struct Server {
    child: Child,
    url: String,
    output: Arc<Mutex<String>>,
}

impl Server {
    fn start(root: &Path) -> Server {
        Server::start_with(root, &[])
    }

    /// [`Server::start`] with more arguments for `brief serve`.
    fn start_with(root: &Path, more: &[&str]) -> Server {
        let child = Command::new(env!("CARGO_BIN_EXE_brief"))
            .arg("serve")
            .arg("--root")
            .arg(root)
            .args(["--port", "0"])
            .args(more)
            .current_dir(root)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start brief serve");
        let mut server = Server {
            child,
            url: String::new(),
            output: Arc::new(Mutex::new(String::new())),
        };
        let (found, address) = mpsc::channel();
        let stdout = server.child.stdout.take().expect("stdout");
        let stderr = server.child.stderr.take().expect("stderr");
        let output = server.output.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(url) = serving_url(&line) {
                    let _ = found.send(url);
                }
                push_line(&output, &line);
            }
        });
        let output = server.output.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                push_line(&output, &line);
            }
        });
        // A deadline for a failure to start, not a measure of speed: the
        // debug binary builds the site first, beside the other browser
        // tests' servers and browsers, and on a busy two-core machine one
        // took longer than 30 s to print its address.
        match address.recv_timeout(SERVE_STARTS) {
            Ok(url) => server.url = url,
            Err(_) => panic!(
                "brief serve did not say where it serves within {} s; it printed:\n{}",
                SERVE_STARTS.as_secs(),
                server.output()
            ),
        }
        server
    }

    fn output(&self) -> String {
        self.output
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn push_line(output: &Mutex<String>, line: &str) {
    let mut output = output.lock().unwrap_or_else(|p| p.into_inner());
    output.push_str(line);
    output.push('\n');
}

/// The URL in `Serving the site at http://127.0.0.1:PORT/ (Ctrl-C to stop)`.
fn serving_url(line: &str) -> Option<String> {
    let rest = line.strip_prefix("Serving the site at ")?;
    let url = rest.strip_suffix(" (Ctrl-C to stop)")?;
    url.starts_with("http://127.0.0.1:").then(|| url.to_owned())
}

// ------------------------------------------------------------ search

/// Briefings with claims by two speakers, for the search test: Kim Song
/// makes three claims with three verdicts across two briefings.
const SEARCH_SITE: &[(&str, &str)] = &[
    ("site.yaml", "title: Search Desk\n"),
    (
        "content/speakers.yaml",
        "kim:\n  name: Kim Song\nlee:\n  name: Lee Ana\n",
    ),
    (
        "content/sources.yaml",
        "memo:\n  title: A memo\n  url: https://example.org/memo\n",
    ),
    (
        "content/briefings/budget.md",
        "---
title: The budget debate
date: 2024-11-02
summary: Claims about the budget.
claims:
  - {id: cuts, speaker: kim, text: Spending was cut by half., verdict: false, explanation: It rose., sources: [memo]}
  - {id: growth, speaker: kim, text: The economy grew last year., verdict: true, explanation: It did., sources: [memo]}
  - {id: deficit, speaker: lee, text: The deficit doubled., verdict: misleading, explanation: Only in one month., sources: [memo]}
---
Body.
",
    ),
    (
        "content/briefings/housing.md",
        "---
title: Housing claims
date: 2024-10-30
summary: Claims about housing.
claims:
  - {id: rents, speaker: kim, text: Rents fell in every region., verdict: misleading, explanation: In two of nine., sources: [memo]}
  - {id: homes, speaker: lee, text: We built more homes than ever., verdict: false, explanation: Fewer than in 2010., sources: [memo]}
---
Body.
",
    ),
];

#[test]
fn search_in_a_real_browser() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let site = Site::with(SEARCH_SITE);
    let server = Server::start(site.root());
    chromium.run(async |client| {
        let page = Page::new(client, &server).await?;
        search_scenario(&page, &server.url).await
    });
}

/// The results on the page: each one's link text, link and meta line.
const RESULTS: &str =
    "return Array.from(document.querySelectorAll('#search-results li')).map(li => ({ \
    text: li.querySelector('a').textContent, \
    href: new URL(li.querySelector('a').href).pathname + new URL(li.querySelector('a').href).hash, \
    meta: li.querySelector('.search-result__meta').textContent }))";

async fn results(page: &Page<'_>) -> anyhow::Result<Vec<Json>> {
    Ok(page
        .eval(RESULTS)
        .await?
        .as_array()
        .cloned()
        .unwrap_or_default())
}

/// A reader types a speaker's name, narrows by verdict, and comes from the
/// box in another page's header.
async fn search_scenario(page: &Page<'_>, base: &str) -> anyhow::Result<()> {
    use fantoccini::Locator;

    page.open(&format!("{base}search/")).await?;
    page.wait_until(
        "the filters, shown once the index has loaded",
        "return !document.getElementById('search-filters').hidden \
         && document.querySelectorAll('#search-verdict option').length > 1",
    )
    .await?;

    // ---- Typing a speaker's name lists their claims, and only theirs.
    let input = page.client.find(Locator::Css("#search-q")).await?;
    input.send_keys("Kim Song").await?;
    page.wait_until(
        "Kim Song's three claims and the two briefings he speaks in",
        "return document.querySelectorAll('#search-results li').length === 5",
    )
    .await?;
    let found = results(page).await?;
    let hrefs: Vec<&str> = found.iter().filter_map(|r| r["href"].as_str()).collect();
    ensure!(
        hrefs
            == [
                "/briefings/budget/#claim-cuts",
                "/briefings/budget/#claim-growth",
                "/briefings/housing/#claim-rents",
                "/briefings/budget/",
                "/briefings/housing/",
            ],
        "Kim Song's claims first, newest briefing first, linking to their cards, \
         then his briefings: {found:?}"
    );
    ensure!(
        found[..3].iter().all(|r| r["meta"]
            .as_str()
            .is_some_and(|m| m.starts_with("Claim by Kim Song"))),
        "the claims are not shown as Kim Song's: {found:?}"
    );
    let status = page
        .eval("return document.getElementById('search-status').textContent")
        .await?;
    ensure!(
        status
            .as_str()
            .is_some_and(|s| s.starts_with("5 results for")),
        "the status (a live region) does not announce the results: {status}"
    );

    // ---- A verdict filter narrows the list.
    let verdict = page.client.find(Locator::Css("#search-verdict")).await?;
    verdict.select_by_value("misleading").await?;
    page.wait_until(
        "one misleading claim by Kim Song",
        "return document.querySelectorAll('#search-results li').length === 1",
    )
    .await?;
    let found = results(page).await?;
    ensure!(
        found[0]["href"] == "/briefings/housing/#claim-rents"
            && found[0]["meta"]
                .as_str()
                .is_some_and(|m| m.contains("Misleading")),
        "the misleading claim by Kim Song: {found:?}"
    );
    let query = page.eval("return location.search").await?;
    ensure!(
        query == json!("?q=Kim+Song&verdict=misleading"),
        "the query and filter are not in the address: {query}"
    );

    // ---- The filter alone, with no words, lists every misleading claim.
    page.eval("document.getElementById('search-q').value = ''; document.getElementById('search-q').dispatchEvent(new Event('input')); return null")
        .await?;
    page.wait_until(
        "both misleading claims",
        "return document.querySelectorAll('#search-results li').length === 2",
    )
    .await?;

    // ---- The box in another page's header leads here with the query.
    page.open(&format!("{base}briefings/budget/")).await?;
    let header = page.client.find(Locator::Css("#site-search")).await?;
    header.send_keys("deficit").await?;
    page.client
        .find(Locator::Css(".site-search button"))
        .await?
        .click()
        .await?;
    page.wait_until(
        "the search page with the header's query and its result",
        "return location.pathname === '/search/' \
         && document.getElementById('search-q').value === 'deficit' \
         && document.querySelectorAll('#search-results li').length === 1",
    )
    .await?;
    let found = results(page).await?;
    ensure!(
        found[0]["href"] == "/briefings/budget/#claim-deficit",
        "the claim about the deficit: {found:?}"
    );
    Ok(())
}

/// One briefing with a claim in each of five scripts, written as their
/// writers do: Korean with spaces, Arabic with its short vowels, Chinese,
/// Japanese and Thai without spaces between words.
const SCRIPTS_SITE: &[(&str, &str)] = &[
    ("site.yaml", "title: Search Desk\n"),
    ("content/speakers.yaml", "kim:\n  name: Kim Song\n"),
    (
        "content/sources.yaml",
        "memo:\n  title: A memo\n  url: https://example.org/memo\n",
    ),
    (
        "content/briefings/world.md",
        "---
title: Claims in five scripts
date: 2024-11-02
summary: Claims from abroad.
claims:
  - {id: ko, speaker: kim, text: 서울의 주택 가격이 두 배로 올랐다., verdict: false, explanation: It did not., sources: [memo]}
  - {id: ar, speaker: kim, text: أَعْلَنَتِ الحُكُومَةُ خُطَّةً جَدِيدَةً لِلْمَدْرَسَةِ., verdict: true, explanation: It did., sources: [memo]}
  - {id: zh, speaker: kim, text: 全国疫苗接种率超过九成。, verdict: misleading, explanation: Only adults., sources: [memo]}
  - {id: ja, speaker: kim, text: 東京都はワクチンを配った。, verdict: true, explanation: It did., sources: [memo]}
  - {id: th, speaker: kim, text: รัฐบาลขึ้นภาษีน้ำมันสองเท่า, verdict: false, explanation: It did not., sources: [memo]}
---
Body.
",
    ),
];

/// What a reader types, and the one claim it must find: words from inside
/// runs of unspaced text, Arabic without the text's vowels and with its
/// letters spelt the other common way, Korean as typed.
const SCRIPT_QUERIES: &[(&str, &str)] = &[
    ("주택 가격", "ko"),
    ("الحكومة اعلنت", "ar"),
    ("خطه جديده", "ar"),
    ("接种率", "zh"),
    ("疫苗", "zh"),
    ("ワクチン", "ja"),
    ("東京", "ja"),
    ("ภาษี", "th"),
];

#[test]
fn search_finds_claims_in_every_script() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let site = Site::with(SCRIPTS_SITE);
    let server = Server::start(site.root());
    chromium.run(async |client| {
        let page = Page::new(client, &server).await?;
        page.open(&format!("{}search/", server.url)).await?;
        page.wait_until(
            "the filters, shown once the index has loaded",
            "return !document.getElementById('search-filters').hidden",
        )
        .await?;
        for (query, claim) in SCRIPT_QUERIES {
            let typed = json!(query);
            page.eval(&format!(
                "const q = document.getElementById('search-q'); q.value = {typed}; \
                 q.dispatchEvent(new Event('input')); return null"
            ))
            .await?;
            page.wait_until(
                &format!("the status for {query}"),
                &format!(
                    "return document.getElementById('search-status').textContent \
                     .includes('\\u201c' + {typed} + '\\u201d')"
                ),
            )
            .await?;
            let found = results(&page).await?;
            let hrefs: Vec<&str> = found.iter().filter_map(|r| r["href"].as_str()).collect();
            ensure!(
                hrefs == [format!("/briefings/world/#claim-{claim}")],
                "{query} finds only the claim {claim}: {found:?}"
            );
        }
        Ok(())
    });
}

/// A French desk: every word of its content is French, so any English on
/// its search page is the script's.
const FRENCH_SEARCH_SITE: &[(&str, &str)] = &[
    ("site.yaml", "title: Le Bureau\nlanguage: fr\n"),
    (
        "content/briefings/pont.md",
        "---
title: Le pont de la rivière
date: 2026-11-21
summary: Ce que disent les chiffres.
speakers:
  marie: {name: Marie Dupont}
sources:
  rapport: {title: Rapport annuel, url: https://example.org/rapport}
claims:
  - {id: semaine, speaker: marie, text: Le pont a été construit en une semaine., verdict: false, explanation: Deux ans., sources: [rapport]}
  - {id: million, speaker: marie, text: Le pont a coûté un million., verdict: mostly-true, explanation: Un peu plus., sources: [rapport]}
---
Le texte.
",
    ),
];

/// The status the search page announces, once it says something.
async fn status_once(page: &Page<'_>, what: &str, includes: &str) -> anyhow::Result<String> {
    let wanted = json!(includes);
    page.wait_until(
        what,
        &format!("return document.getElementById('search-status').textContent.includes({wanted})"),
    )
    .await?;
    let status = page
        .eval("return document.getElementById('search-status').textContent")
        .await?;
    Ok(status.as_str().unwrap_or_default().to_owned())
}

#[test]
fn a_french_search_page_speaks_french() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let site = Site::with(FRENCH_SEARCH_SITE);
    let server = Server::start(site.root());
    chromium.run(async |client| {
        let page = Page::new(client, &server).await?;
        page.open(&format!("{}search/?q=pont", server.url)).await?;
        let status = status_once(&page, "the results for pont", "pour").await?;
        ensure!(
            status == "3 résultats pour « pont ».",
            "the status of three results: {status}"
        );
        let found = results(&page).await?;
        let metas: Vec<&str> = found.iter().filter_map(|r| r["meta"].as_str()).collect();
        ensure!(
            metas
                .iter()
                .filter(|m| m.starts_with("Affirmation de Marie Dupont"))
                .count()
                == 2
                && metas.iter().all(|m| m.contains("21 novembre 2026"))
                && metas.iter().any(|m| m.starts_with("Dossier")),
            "each result's line in French: {metas:?}"
        );
        ensure!(
            metas.iter().any(|m| m.contains("Verdict : Faux")
                && m.contains("dans Le pont de la rivière, 21 novembre 2026")),
            "a claim's verdict and briefing in French: {metas:?}"
        );

        page.eval(
            "const v = document.getElementById('search-verdict'); v.value = 'false'; \
             v.dispatchEvent(new Event('change')); return null",
        )
        .await?;
        let status = status_once(&page, "the result with the verdict", "avec").await?;
        ensure!(
            status == "1 résultat pour « pont » avec verdict Faux.",
            "the status of one result, narrowed: {status}"
        );

        page.eval(
            "const q = document.getElementById('search-q'); q.value = 'baleine'; \
             document.getElementById('search-verdict').value = ''; \
             q.dispatchEvent(new Event('input')); return null",
        )
        .await?;
        let status = status_once(&page, "no result", "Aucun").await?;
        ensure!(
            status == "Aucun résultat pour « baleine ».",
            "the status of no result: {status}"
        );
        Ok(())
    });
}

// ------------------------------------------------ accessibility (axe-core)

/// The pages axe-core checks on the repository's own example site: the
/// index, a briefing, a claim page and its embed, a speaker page, an
/// author's page, and the search page with results shown.
const AXE_PAGES: &[&str] = &[
    "fr/",
    "",
    "briefings/un-clash-north-korean-troops/",
    "briefings/un-clash-north-korean-troops/claims/no-breach/",
    "briefings/un-clash-north-korean-troops/claims/no-breach/embed/",
    "speakers/nebenzia/",
    "search/?q=nebenzia",
    "verdicts/",
    "verdicts/misleading/",
    "authors/maren-ostby/",
    "fr/briefings/un-clash-north-korean-troops/",
    "fr/briefings/un-clash-north-korean-troops/claims/no-breach/",
];

#[test]
fn the_example_site_has_no_serious_accessibility_violations() {
    let (chromium, axe) = (common::chromium(), common::axe_core());
    let (Some(chromium), Some(axe)) = (chromium, axe) else {
        return;
    };
    let site = example_site_copy();
    let server = Server::start(site.path());
    let found = chromium.run(async |client| {
        let page = Page::new(client, &server).await?;
        let mut found = Vec::new();
        for path in AXE_PAGES {
            found.extend(axe_violations(&page, &server.url, path, &axe).await?);
        }
        Ok(found)
    });
    assert!(
        found.is_empty(),
        "serious or critical accessibility violations:\n{}",
        found.join("\n")
    );
}

/// The pages of the golden fixture that show every kind of image: a lead
/// figure, a claim's image with its archived copy, a source card's hosted
/// file, a speaker's portrait and a page's image.
const AXE_IMAGE_PAGES: &[&str] = &[
    "briefings/un-clash-north-korean-troops/",
    "briefings/un-clash-north-korean-troops/claims/aggression-support-illegal/",
    "speakers/hwang/",
    "about/",
];

#[test]
fn pages_with_images_have_no_serious_accessibility_violations() {
    let (chromium, axe) = (common::chromium(), common::axe_core());
    let (Some(chromium), Some(axe)) = (chromium, axe) else {
        return;
    };
    let site = site_copy(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden"));
    let server = Server::start(site.path());
    let found = chromium.run(async |client| {
        let page = Page::new(client, &server).await?;
        let mut found = Vec::new();
        for path in AXE_IMAGE_PAGES {
            found.extend(axe_violations(&page, &server.url, path, &axe).await?);
        }
        Ok(found)
    });
    assert!(
        found.is_empty(),
        "serious or critical accessibility violations:\n{}",
        found.join("\n")
    );
}

/// The example site served below a path, as `--base-url` with a path
/// deploys it: every image of the bundle briefing loads (the browser picked a file from the srcset or src and decoded
/// it), from below that path, at the size its width and height promise.
#[test]
fn images_load_below_a_base_path_in_a_real_browser() {
    let Some(chromium) = common::chromium() else {
        return;
    };
    let site = example_site_copy();
    let server = Server::start_with(
        site.path(),
        &["--base-url", "https://factdesk.example.org/desk/"],
    );
    assert!(server.url.ends_with("/desk/"), "served at {}", server.url);
    let pages = ["briefings/un-clash-north-korean-troops/"];
    let found = chromium.run(async |client| {
        let page = Page::new(client, &server).await?;
        let mut found = Vec::new();
        for path in pages {
            page.open(&format!("{}{path}", server.url)).await?;
            // Lazy images load as they come into view: bring each there.
            let images = page
                .wait_until(
                    "every image loaded",
                    "const imgs = [...document.querySelectorAll('main img')]; \
                     imgs.forEach(i => { i.loading = 'eager'; }); \
                     return imgs.length > 0 && imgs.every(i => i.complete) \
                       && imgs.map(i => ({ src: i.currentSrc, natural: i.naturalWidth, \
                         width: i.getAttribute('width'), height: i.getAttribute('height'), \
                         alt: i.alt }));",
                )
                .await?;
            found.push((path, images));
        }
        Ok(found)
    });
    for (path, images) in found {
        let images = images.as_array().expect("a list of images");
        for image in images {
            let src = image["src"].as_str().unwrap_or_default();
            assert!(
                src.starts_with(&format!("{}briefings/", server.url)),
                "/{path}: an image not from below the base path: {image}"
            );
            assert!(
                image["natural"].as_u64().is_some_and(|w| w > 0),
                "/{path}: an image that did not load: {image}"
            );
            assert!(
                image["width"].is_string() && image["height"].is_string(),
                "/{path}: an image without its size: {image}"
            );
            assert!(
                image["alt"].as_str().is_some_and(|a| !a.is_empty()),
                "/{path}: an image without alt text: {image}"
            );
        }
    }
}

/// `brief serve --drafts` of the example site: the preview marker is
/// shown at the top of the page, and the page stays free of serious
/// accessibility violations with it (its contrast among them).
#[test]
fn a_preview_page_shows_its_marker_and_has_no_serious_accessibility_violations() {
    let (chromium, axe) = (common::chromium(), common::axe_core());
    let (Some(chromium), Some(axe)) = (chromium, axe) else {
        return;
    };
    let site = example_site_copy();
    let server = Server::start_with(site.path(), &["--drafts"]);
    let found = chromium.run(async |client| {
        let page = Page::new(client, &server).await?;
        let found = axe_violations(&page, &server.url, "", &axe).await?;
        let marker = page
            .eval(
                "var m = document.querySelector('.preview-marker'); \
                 if (!m) { return null; } \
                 var r = m.getBoundingClientRect(); \
                 return { text: m.innerText, top: r.top, height: r.height, \
                          visible: getComputedStyle(m).visibility };",
            )
            .await?;
        ensure!(
            marker["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("Preview")),
            "the preview marker's text: {marker}"
        );
        ensure!(
            marker["top"].as_f64() == Some(0.0)
                && marker["height"].as_f64().is_some_and(|h| h > 10.0)
                && marker["visible"] == json!("visible"),
            "the preview marker is not shown at the top of the page: {marker}"
        );
        Ok(found)
    });
    assert!(
        found.is_empty(),
        "serious or critical accessibility violations on a preview page:\n{}",
        found.join("\n")
    );
}

// ------------------------------------------------------------ right to left

/// A briefing for the right-to-left test: claims with three verdicts, so
/// its tally bar has three segments, and a body paragraph short enough that
/// where its line starts shows.
fn rtl_briefing(n: usize) -> String {
    format!(
        "---\ntitle: Briefing {n}\ndate: 2024-10-{day:02}\nsummary: What it found.\n\
         speakers:\n  kim:\n    name: Kim Song\n\
         sources:\n  charter:\n    title: Charter of the United Nations\n    url: https://www.un.org/en/about-us/un-charter/full-text\n\
         claims:\n  - id: first\n    speaker: kim\n    text: The first claim.\n    verdict: true\n    explanation: Right.\n    sources: [charter]\n\
         \x20 - id: second\n    speaker: kim\n    text: The second claim.\n    verdict: misleading\n    explanation: Half.\n    sources: [charter]\n\
         \x20 - id: third\n    speaker: kim\n    text: The third claim.\n    verdict: false\n    explanation: Wrong.\n    sources: [charter]\n\
         ---\nShort line.\n",
        day = 10 + n
    )
}

/// Where things sit on the open page, measured from their boxes: whether
/// the short body line hugs the right edge of its paragraph, whether the
/// first claim card's verdict badge does the same in its card, whether the
/// first tally or verdict chart bar's first segment is right of its last, whether the pager's
/// "Next" is left of its "Previous", and whether the page scrolls sideways.
/// `null` for whatever the page does not have.
const MEASURE_DIRECTION: &str = r#"
const box = el => el ? el.getBoundingClientRect() : null;
const hugsRight = (inner, outer) => {
  if (!inner || !outer) { return null; }
  const s = getComputedStyle(outer.el);
  const right = outer.r.right - parseFloat(s.borderRightWidth) - parseFloat(s.paddingRight);
  const left = outer.r.left + parseFloat(s.borderLeftWidth) + parseFloat(s.paddingLeft);
  return { atRight: Math.abs(inner.right - right) <= 1.5, atLeft: Math.abs(inner.left - left) <= 1.5 };
};
const para = [...document.querySelectorAll('main p')].find(p => p.textContent.trim() === 'Short line.');
let line = null;
if (para) {
  const range = document.createRange();
  range.selectNodeContents(para);
  line = hugsRight(range.getBoundingClientRect(), { el: para, r: box(para) });
}
const card = document.querySelector('main .claim');
const badge = card && card.querySelector('.claim__verdict .verdict');
const bar = document.querySelector('main :is(.tally__bar, .chart__bar)');
const segments = bar ? [...bar.children] : [];
const first = box(segments[0]), last = box(segments[segments.length - 1]);
// The badge's thick border marks the side the label starts from.
const thick = badge ? (s => parseFloat(s.borderLeftWidth) > parseFloat(s.borderRightWidth) ? 'left'
  : parseFloat(s.borderRightWidth) > parseFloat(s.borderLeftWidth) ? 'right' : null)(getComputedStyle(badge)) : null;
// A verdict's name in the chart's table starts where its row does.
const rowHeader = document.querySelector('main .chart__table tbody th');
let rowLabel = null;
if (rowHeader) {
  const range = document.createRange();
  range.selectNodeContents(rowHeader);
  rowLabel = range.getBoundingClientRect();
}
const prev = box(document.querySelector('.pager a[rel=prev]'));
const next = box(document.querySelector('.pager a[rel=next]'));
const scroller = document.scrollingElement;
return {
  dir: getComputedStyle(document.body).direction,
  line,
  badge: badge ? hugsRight(box(badge), { el: card, r: box(card) }) : null,
  badgeEdge: thick,
  chartLabel: rowLabel ? hugsRight(rowLabel, { el: rowHeader, r: box(rowHeader) }) : null,
  tallyFirstRightOfLast: segments.length > 1 ? first.left > last.left : null,
  nextLeftOfPrevious: prev && next ? next.right <= prev.left : null,
  overflow: scroller.scrollWidth - scroller.clientWidth,
};
"#;

/// A site set right to left (as `<html dir="rtl">` from an Arabic site's
/// language sets it) mirrors in Chromium: the main column's text starts at
/// the right, a claim card's verdict badge sits at its right (the inline
/// start) with its thick edge on that side, the tally bar and the verdict
/// chart start at the right and the chart's table reads from the right,
/// the pager's "Next" is left of "Previous", nothing scrolls sideways, and
/// axe finds nothing serious. Each page is measured left to right first,
/// where every one of those must come out the other way, so the measures
/// can tell the two apart.
#[test]
fn a_right_to_left_page_mirrors_and_has_no_serious_accessibility_violations() {
    let (chromium, axe) = (common::chromium(), common::axe_core());
    let (Some(chromium), Some(axe)) = (chromium, axe) else {
        return;
    };
    let briefings: Vec<(String, String)> = (1..=3)
        .map(|n| (format!("content/briefings/b{n}.md"), rtl_briefing(n)))
        .collect();
    let mut files: Vec<(&str, &str)> = vec![("site.yaml", "title: Desk\npaginate: 1\n")];
    files.extend(briefings.iter().map(|(p, c)| (p.as_str(), c.as_str())));
    let site = Site::with(&files);
    let server = Server::start(site.root());
    // What each page has to show: (path, body line, badge, tally, pager).
    let pages = [
        ("page/2/", false, false, true, true),
        ("briefings/b2/", true, true, true, false),
        ("briefings/b2/claims/first/", false, false, false, false),
    ];
    let (measures, found) = chromium.run(async |client| {
        let page = Page::new(client, &server).await?;
        let (mut measures, mut found) = (Vec::new(), Vec::new());
        for (path, ..) in pages {
            page.open(&format!("{}{path}", server.url)).await?;
            let ltr = page.eval(MEASURE_DIRECTION).await?;
            page.eval(
                "document.documentElement.lang = 'ar'; \
                 document.documentElement.dir = 'rtl'; return true;",
            )
            .await?;
            let rtl = page.eval(MEASURE_DIRECTION).await?;
            found.extend(axe_violations_in_place(&page, path, &axe).await?);
            measures.push((path, ltr, rtl));
        }
        Ok((measures, found))
    });
    for ((path, ltr, rtl), (_, line, badge, tally, pager)) in measures.iter().zip(pages) {
        let both = format!("/{path}: left to right {ltr}, right to left {rtl}");
        assert_eq!(ltr["dir"], json!("ltr"), "{both}");
        assert_eq!(rtl["dir"], json!("rtl"), "{both}");
        for (name, has) in [("line", line), ("badge", badge)] {
            if has {
                assert_eq!(
                    ltr[name],
                    json!({"atLeft": true, "atRight": false}),
                    "{name}: {both}"
                );
                assert_eq!(
                    rtl[name],
                    json!({"atLeft": false, "atRight": true}),
                    "{name}: {both}"
                );
            }
        }
        if badge {
            assert_eq!(ltr["badgeEdge"], json!("left"), "badge border: {both}");
            assert_eq!(rtl["badgeEdge"], json!("right"), "badge border: {both}");
        }
        if tally && !pager {
            assert_eq!(
                ltr["chartLabel"],
                json!({"atLeft": true, "atRight": false}),
                "chart table: {both}"
            );
            assert_eq!(
                rtl["chartLabel"],
                json!({"atLeft": false, "atRight": true}),
                "chart table: {both}"
            );
        }
        if tally {
            assert_eq!(ltr["tallyFirstRightOfLast"], json!(false), "tally: {both}");
            assert_eq!(rtl["tallyFirstRightOfLast"], json!(true), "tally: {both}");
        }
        if pager {
            assert_eq!(ltr["nextLeftOfPrevious"], json!(false), "pager: {both}");
            assert_eq!(rtl["nextLeftOfPrevious"], json!(true), "pager: {both}");
        }
        for measure in [ltr, rtl] {
            assert!(
                measure["overflow"].as_f64().is_some_and(|o| o <= 0.0),
                "the page scrolls sideways: {both}"
            );
        }
    }
    assert!(
        found.is_empty(),
        "serious or critical accessibility violations right to left:\n{}",
        found.join("\n")
    );
}

/// An Arabic desk: its content is Arabic too, as an Arabic desk's is.
const ARABIC_SITE: &[(&str, &str)] = &[
    ("site.yaml", "title: مكتب التحقق\nlanguage: ar\n"),
    (
        "content/briefings/bridge.md",
        "---
title: الجسر على النهر
date: 2026-11-21
summary: ما تقوله الأرقام عن الجسر.
speakers:
  mariam:
    name: مريم حداد
    role: وزيرة النقل
sources:
  report:
    title: التقرير السنوي
    publisher: ديوان المحاسبة
    url: https://example.org/report
claims:
  - id: week
    speaker: mariam
    text: بُني الجسر في أسبوع واحد.
    verdict: false
    explanation: استغرق البناء عامين.
    sources: [report]
  - id: million
    speaker: mariam
    text: كلّف الجسر مليون دينار.
    verdict: mostly-true
    explanation: كانت الكلفة النهائية أعلى بقليل.
    sources: [report]
---
نص الملف.
",
    ),
];

/// An Arabic site is right to left on every kind of page, as Chromium lays
/// it out, and axe finds nothing serious on its index, briefing, claim,
/// speaker and search pages (the search page with its results shown).
#[test]
fn an_arabic_site_is_right_to_left_and_has_no_serious_accessibility_violations() {
    let (chromium, axe) = (common::chromium(), common::axe_core());
    let (Some(chromium), Some(axe)) = (chromium, axe) else {
        return;
    };
    let site = Site::with(ARABIC_SITE);
    let server = Server::start(site.root());
    let pages = [
        "",
        "briefings/bridge/",
        "briefings/bridge/claims/week/",
        "speakers/mariam/",
        "search/?q=%D8%A7%D9%84%D8%AC%D8%B3%D8%B1",
    ];
    let (directions, found, status) = chromium.run(async |client| {
        let page = Page::new(client, &server).await?;
        let (mut directions, mut found) = (Vec::new(), Vec::new());
        let mut status = Json::Null;
        for path in pages {
            page.open(&format!("{}{path}", server.url)).await?;
            if path.starts_with("search/") {
                page.wait_until(
                    "search results",
                    "return document.querySelectorAll('#search-results li').length === 3",
                )
                .await?;
                status = page
                    .eval("return document.getElementById('search-status').textContent")
                    .await?;
            }
            let direction = page
                .eval(
                    "return [document.documentElement.lang, document.documentElement.dir, \
                     getComputedStyle(document.querySelector('main')).direction]",
                )
                .await?;
            directions.push((path, direction));
            found.extend(axe_violations_in_place(&page, path, &axe).await?);
        }
        Ok((directions, found, status))
    });
    for (path, direction) in directions {
        assert_eq!(direction, json!(["ar", "rtl", "rtl"]), "/{path}");
    }
    assert_eq!(
        status,
        json!("3 نتائج عن «الجسر»."),
        "the search status in Arabic"
    );
    assert!(
        found.is_empty(),
        "serious or critical accessibility violations on the Arabic site:\n{}",
        found.join("\n")
    );
}

/// Runs axe-core over one page and describes each serious or critical
/// violation: rule, page, help text and the first few elements at fault.
async fn axe_violations(
    page: &Page<'_>,
    base: &str,
    path: &str,
    axe: &str,
) -> anyhow::Result<Vec<String>> {
    page.open(&format!("{base}{path}")).await?;
    if path.starts_with("search/") {
        page.wait_until(
            "search results",
            "return document.querySelectorAll('#search-results li').length > 0",
        )
        .await?;
    }
    axe_violations_in_place(page, path, axe).await
}

/// [`axe_violations`] over the page as it is now, for a page a test has
/// changed after loading it.
async fn axe_violations_in_place(
    page: &Page<'_>,
    path: &str,
    axe: &str,
) -> anyhow::Result<Vec<String>> {
    page.eval(&format!("{axe}\nreturn typeof axe;")).await?;
    let run = page.client.execute_async(
        "const done = arguments[arguments.length - 1];
         axe.run(document, { resultTypes: ['violations'] })
           .then(r => done(r.violations.map(v => ({
             id: v.id, impact: v.impact, help: v.help,
             nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }))))
           .catch(e => done({ error: String(e) }));",
        Vec::new(),
    );
    let result = tokio::time::timeout(Duration::from_secs(60), run)
        .await
        .map_err(|_| anyhow!("axe-core on /{path} took over a minute"))?
        .with_context(|| format!("running axe-core on /{path}"))?;
    if let Some(error) = result.get("error") {
        bail!("axe-core failed on /{path}: {error}");
    }
    let violations = result
        .as_array()
        .ok_or_else(|| anyhow!("axe-core gave {result}"))?;
    ensure!(
        page.eval("return document.title")
            .await?
            .as_str()
            .is_some_and(|t| !t.is_empty()),
        "/{path} did not load"
    );
    Ok(violations
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .map(|v| {
            format!(
                "/{path}: {} ({}): {} at {}",
                v["id"], v["impact"], v["help"], v["nodes"]
            )
        })
        .collect())
}

/// The repository's example site (site.yaml, content/, static/ and any
/// templates/), copied so that serving it writes nothing into the checkout.
fn example_site_copy() -> tempfile::TempDir {
    site_copy(Path::new(env!("CARGO_MANIFEST_DIR")))
}

/// The site at `repo` (site.yaml, content/, static/ and any templates/),
/// copied into a temporary folder.
fn site_copy(repo: &Path) -> tempfile::TempDir {
    let copy = tempfile::tempdir().expect("temp dir for the example site");
    for part in ["site.yaml", "content", "static", "templates"] {
        let from = repo.join(part);
        if !from.exists() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&from) {
            let entry = entry.expect("walk the example site");
            let to = copy.path().join(entry.path().strip_prefix(repo).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).expect("copy a folder");
            } else {
                std::fs::copy(entry.path(), &to).expect("copy a file");
            }
        }
    }
    copy
}

/// A claim in English and in French, for the language switcher.
fn switcher_site() -> Site {
    let claim = |title: &str, text: &str, explanation: &str| {
        format!(
            "---\ntitle: {title}\ndate: 2026-11-20\nsummary: S.\n\
             speakers:\n  marie:\n    name: Marie Dupont\n\
             sources:\n  report:\n    title: Annual report\n    url: https://example.org/report\n\
             claims:\n  - id: cost\n    speaker: marie\n    text: {text}\n    verdict: false\n    explanation: {explanation}\n    sources: [report]\n\
             \x20 - id: speed\n    speaker: marie\n    text: {text} Again.\n    verdict: true\n    explanation: {explanation}\n    sources: [report]\n\
             ---\nBody.\n"
        )
    };
    Site::with(&[
        ("site.yaml", "title: Desk\nlanguages: [en, fr]\n"),
        (
            "content/briefings/ferry.md",
            &claim("The ferry", "The ferry cost a million.", "It cost more."),
        ),
        (
            "content/briefings/ferry.fr.md",
            &claim(
                "Le ferry",
                "Le ferry a coûté un million.",
                "Il a coûté plus.",
            ),
        ),
    ])
}

#[test]
fn switching_language_on_a_claim_page_lands_on_the_same_claim() {
    use fantoccini::Locator;
    let Some(chromium) = common::chromium() else {
        return;
    };
    let site = switcher_site();
    let server = Server::start(site.root());
    chromium.run(async |client| {
        let page = Page::new(client, &server).await?;
        let base = &server.url;
        page.open(&format!("{base}briefings/ferry/claims/speed/"))
            .await?;
        page.wait_for_text("the English claim", "The ferry cost a million. Again.")
            .await?;
        page.client
            .find(Locator::Css(".language-switcher a[hreflang=fr]"))
            .await?
            .click()
            .await?;
        page.wait_until(
            "the French page of the same claim",
            "return location.pathname === '/fr/briefings/ferry/claims/speed/' \
             && document.documentElement.lang === 'fr' \
             && document.body.textContent.includes('Le ferry a coûté un million. Again.')",
        )
        .await?;
        page.client
            .find(Locator::Css(".language-switcher a[hreflang=en]"))
            .await?
            .click()
            .await?;
        page.wait_until(
            "back on the English page of the same claim",
            "return location.pathname === '/briefings/ferry/claims/speed/' \
             && document.documentElement.lang === 'en'",
        )
        .await?;
        Ok(())
    });
}
