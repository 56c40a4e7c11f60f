//! `brief serve` and `brief watch` as a writer uses them: the real binary,
//! a real port, real files saved the ways editors save them, and the
//! server-sent events an open page hears.
//!
//! Every wait is bounded: a test polls with a deadline and fails with the
//! server's output instead of hanging. Nothing asserts on timings.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

use common::{snapshot, Site, MINIMAL_BRIEFING};

/// How long any one thing may take before a test gives up on it.
const WAIT: Duration = Duration::from_secs(10);

/// Calls `check` until it returns `Some`, for at most `limit`; then panics
/// with `what()`.
fn poll_for<T>(
    limit: Duration,
    what: impl Fn() -> String,
    mut check: impl FnMut() -> Option<T>,
) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(value) = check() {
            return value;
        }
        if Instant::now() >= deadline {
            panic!("gave up after {limit:?} waiting for {}", what());
        }
        thread::sleep(Duration::from_millis(10));
    }
}

fn poll<T>(what: &str, check: impl FnMut() -> Option<T>) -> T {
    poll_for(WAIT, || what.to_owned(), check)
}

// ---------------------------------------------------------------------------
// The binary as a child process.

/// A running `brief` process whose output is collected on background
/// threads; killed when dropped, and its output shown if the test failed.
struct Process {
    child: Child,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

fn collect(stream: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let into = text.clone();
    thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut line = Vec::new();
        while matches!(reader.read_until(b'\n', &mut line), Ok(n) if n > 0) {
            into.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&line));
            line.clear();
        }
    });
    text
}

impl Process {
    fn spawn(cwd: &Path, args: &[&str]) -> Process {
        let mut child = Command::new(env!("CARGO_BIN_EXE_brief"))
            .args(args)
            .current_dir(cwd)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start brief");
        let stdout = collect(child.stdout.take().unwrap());
        let stderr = collect(child.stderr.take().unwrap());
        Process {
            child,
            stdout,
            stderr,
        }
    }

    fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn output(&self) -> String {
        format!(
            "--- stdout ---\n{}--- stderr ---\n{}",
            self.stdout(),
            self.stderr()
        )
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process has exited (reaping it if so).
    fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().expect("try_wait")
    }

    /// Waits for the process to exit, for at most `limit`.
    fn wait_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.exited() {
                // Let the reader threads take the last of the output.
                poll_for(
                    WAIT,
                    || "the end of brief's output".to_owned(),
                    || {
                        (Arc::strong_count(&self.stdout) == 1
                            && Arc::strong_count(&self.stderr) == 1)
                            .then_some(())
                    },
                );
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits for a line of stdout matching `matches` and returns it; fails
    /// at once if the process exits first.
    fn wait_line(&mut self, what: &str, matches: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(line) = self.stdout().lines().find(|l| matches(l)) {
                return line.to_owned();
            }
            if let Some(status) = self.exited() {
                panic!("brief exited ({status}) before {what}\n{}", self.output());
            }
            if Instant::now() >= deadline {
                panic!(
                    "gave up after {WAIT:?} waiting for {what}\n{}",
                    self.output()
                );
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Lines of stdout starting with `prefix`.
    fn count(&self, prefix: &str) -> usize {
        self.stdout()
            .lines()
            .filter(|l| l.starts_with(prefix))
            .count()
    }

    /// Rebuilds finished so far, good or bad.
    fn finished(&self) -> usize {
        self.count(REBUILT) + self.count(FAILED)
    }

    /// Waits until more than `before` lines of stdout start with `prefix`.
    fn wait_more(&mut self, prefix: &str, before: usize) {
        let n = before + 1;
        let deadline = Instant::now() + WAIT;
        while self.count(prefix) < n {
            if let Some(status) = self.exited() {
                panic!(
                    "brief exited ({status}) before printing {n} lines `{prefix}`\n{}",
                    self.output()
                );
            }
            if Instant::now() >= deadline {
                panic!(
                    "gave up after {WAIT:?} waiting for {n} lines `{prefix}`\n{}",
                    self.output()
                );
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits until stderr contains `text`: it is read on its own thread, so
    /// it can lag behind stdout.
    fn wait_stderr(&mut self, text: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let stderr = self.stderr();
            if stderr.contains(text) {
                return stderr;
            }
            if Instant::now() >= deadline {
                panic!(
                    "gave up after {WAIT:?} waiting for stderr to show {text:?}\n{}",
                    self.output()
                );
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits until the watcher is running. `brief` prints its address (and
    /// `Watching ...`) before its file watcher starts, so a save made at
    /// once can go unseen (reported as a bug): save site.yaml unchanged
    /// until a rebuild shows the watcher is listening.
    fn wait_watching(&mut self, root: &Path) {
        let config = root.join("site.yaml");
        let text = fs::read(&config).unwrap_or_default();
        let before = self.finished();
        let deadline = Instant::now() + WAIT;
        loop {
            fs::write(&config, &text).unwrap();
            let next_try = Instant::now() + Duration::from_millis(250);
            while Instant::now() < next_try {
                if self.finished() > before {
                    return;
                }
                thread::sleep(Duration::from_millis(5));
            }
            if let Some(status) = self.exited() {
                panic!("brief exited ({status}) while starting\n{}", self.output());
            }
            if Instant::now() >= deadline {
                panic!("the file watcher never started\n{}", self.output());
            }
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if thread::panicking() {
            eprintln!("brief's output:\n{}", self.output());
        }
    }
}

const REBUILT: &str = "Rebuilt in ";
const FAILED: &str = "The last save did not build";

/// The port in `Serving the site at http://127.0.0.1:PORT/...`.
fn port_in(line: &str) -> u16 {
    line.split("http://127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}"))
}

/// `brief serve` on a free port.
struct Server {
    process: Process,
    port: u16,
}

impl Server {
    /// Starts serving the site on a free port and returns once its file
    /// watcher is listening.
    fn start(site: &Site) -> Server {
        Server::start_with(site, &[])
    }

    /// [`Server::start`] with more arguments for `brief serve`.
    fn start_with(site: &Site, more: &[&str]) -> Server {
        let root = site.root();
        let root_arg = root.to_str().unwrap();
        let mut args = vec!["serve", "--root", root_arg, "--port", "0"];
        args.extend_from_slice(more);
        let mut process = Process::spawn(root, &args);
        let line = process.wait_line("the server to start", |l| {
            l.starts_with("Serving the site at ")
        });
        let port = port_in(&line);
        process.wait_watching(root);
        Server { process, port }
    }

    fn get(&self, target: &str) -> Response {
        get(self.port, target)
    }

    /// The body of a page that must be served with 200.
    fn page(&self, target: &str) -> String {
        let response = self.get(target);
        assert_eq!(response.status, 200, "GET {target}: {}", response.text());
        response.text()
    }

    /// Waits until `target` is served with `status` and a body containing
    /// `text`.
    fn wait_page(&mut self, target: &str, status: u16, text: &str) -> String {
        let port = self.port;
        let found = poll_for(
            WAIT,
            || format!("GET {target} to answer {status} with {text:?}"),
            || {
                let response = get(port, target);
                (response.status == status && response.text().contains(text))
                    .then(|| response.text())
            },
        );
        assert!(self.process.exited().is_none(), "the server exited");
        found
    }

    fn events(&self) -> Events {
        Events::connect(self.port)
    }

    fn stdout(&self) -> String {
        self.process.stdout()
    }
}

// ---------------------------------------------------------------------------
// HTTP over a raw socket, so no client normalises the paths we send.

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Sends `request` as is and reads the whole response (the request asks
/// the server to close the connection).
fn exchange(port: u16, request: &[u8]) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to the server");
    stream.set_read_timeout(Some(WAIT)).unwrap();
    stream.set_write_timeout(Some(WAIT)).unwrap();
    stream.write_all(request).unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap_or_else(|e| {
        panic!(
            "reading the response to {:?}: {e}",
            String::from_utf8_lossy(request)
        )
    });
    parse_response(&bytes)
}

fn parse_response(bytes: &[u8]) -> Response {
    let end = find(bytes, b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no end of headers in {:?}", String::from_utf8_lossy(bytes)));
    let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = bytes[end + 4..].to_vec();
    let chunked = headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body,
    }
}

fn dechunk(mut bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = find(bytes, b"\r\n") {
        let size_text = String::from_utf8_lossy(&bytes[..eol]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16)
            .unwrap_or_else(|_| panic!("bad chunk size {size_text:?}"));
        if size == 0 {
            break;
        }
        let start = eol + 2;
        out.extend_from_slice(&bytes[start..start + size]);
        bytes = &bytes[start + size + 2..];
    }
    out
}

fn get(port: u16, target: &str) -> Response {
    exchange(
        port,
        format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    )
}

// ---------------------------------------------------------------------------
// Server-sent events.

#[derive(Clone, Debug)]
struct Sse {
    name: String,
    data: String,
}

impl Sse {
    fn json(&self) -> Value {
        serde_json::from_str(&self.data)
            .unwrap_or_else(|e| panic!("event data is not JSON ({e}): {}", self.data))
    }

    /// The strings in the JSON array `field` of a `built` event.
    fn list(&self, field: &str) -> Vec<String> {
        self.json()[field]
            .as_array()
            .unwrap_or_else(|| panic!("`{field}` is not a list in {}", self.data))
            .iter()
            .map(|v| v.as_str().expect("a URL string").to_owned())
            .collect()
    }

    fn is_built(&self) -> bool {
        self.name == "built"
    }

    fn is_problems(&self) -> bool {
        self.name == "problems"
    }

    fn names_page(&self, url: &str) -> bool {
        self.is_built() && self.list("pages").iter().any(|p| p == url)
    }

    fn removes(&self, url: &str) -> bool {
        self.is_built() && self.list("removed").iter().any(|p| p == url)
    }

    fn problems_text(&self) -> String {
        self.json()["text"]
            .as_str()
            .unwrap_or_else(|| panic!("no text in {}", self.data))
            .to_owned()
    }
}

/// An open `/__brief/events` stream, read on a background thread.
struct Events {
    received: Receiver<Sse>,
    /// Every event taken from the stream so far, in order.
    seen: Vec<Sse>,
    stream: TcpStream,
}

impl Events {
    /// Connects and returns once the response headers arrived, so the
    /// server is already subscribed to rebuilds.
    fn connect(port: u16) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect for events");
        stream.set_read_timeout(Some(WAIT)).unwrap();
        stream
            .write_all(
                format!(
                    "GET /__brief/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n"
                )
                .as_bytes(),
            )
            .unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut status = String::new();
        reader
            .read_line(&mut status)
            .expect("the event stream's status line");
        assert!(status.starts_with("HTTP/1.1 200"), "events: {status:?}");
        let mut chunked = false;
        let mut content_type = String::new();
        loop {
            let mut line = String::new();
            reader
                .read_line(&mut line)
                .expect("the event stream's headers");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let lower = line.to_ascii_lowercase();
            if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
                chunked = true;
            }
            if let Some(value) = lower.strip_prefix("content-type:") {
                content_type = value.trim().to_owned();
            }
        }
        assert_eq!(content_type, "text/event-stream");
        // The reader thread blocks until the server closes the stream or we
        // shut it down on drop.
        stream.set_read_timeout(None).unwrap();
        let (sender, received) = mpsc::channel();
        thread::spawn(move || read_events(reader, chunked, sender));
        Events {
            received,
            seen: Vec::new(),
            stream,
        }
    }

    /// Waits for the next event satisfying `matches` (taking every event
    /// before it from the stream) and returns it.
    fn wait(&mut self, what: &str, matches: impl Fn(&Sse) -> bool) -> Sse {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.received.recv_timeout(left) {
                Ok(event) => {
                    self.seen.push(event.clone());
                    if matches(&event) {
                        return event;
                    }
                }
                Err(RecvTimeoutError::Timeout) => panic!(
                    "gave up after {WAIT:?} waiting for the event {what}; got {:#?}",
                    self.seen
                ),
                Err(RecvTimeoutError::Disconnected) => panic!(
                    "the event stream closed while waiting for {what}; got {:#?}",
                    self.seen
                ),
            }
        }
    }

    /// Waits for a `built` event naming the page at `url`.
    fn wait_built_page(&mut self, url: &str) -> Sse {
        self.wait(&format!("`built` naming {url}"), |e| e.names_page(url))
    }

    fn wait_problems(&mut self) -> Sse {
        self.wait("`problems`", Sse::is_problems)
    }
}

impl Drop for Events {
    fn drop(&mut self) {
        let _ = self.stream.shutdown(Shutdown::Both);
    }
}

/// Decodes the (possibly chunked) stream into events until it ends.
fn read_events(mut reader: BufReader<TcpStream>, chunked: bool, sender: Sender<Sse>) {
    let mut buffer: Vec<u8> = Vec::new();
    loop {
        let piece = if chunked {
            let mut size_line = String::new();
            if !matches!(reader.read_line(&mut size_line), Ok(n) if n > 0) {
                return;
            }
            let size_text = size_line.trim().split(';').next().unwrap_or("").to_owned();
            let Ok(size) = usize::from_str_radix(&size_text, 16) else {
                return;
            };
            if size == 0 {
                return;
            }
            let mut data = vec![0; size + 2];
            if reader.read_exact(&mut data).is_err() {
                return;
            }
            data.truncate(size);
            data
        } else {
            let mut data = vec![0; 8192];
            match reader.read(&mut data) {
                Ok(n) if n > 0 => {
                    data.truncate(n);
                    data
                }
                _ => return,
            }
        };
        buffer.extend_from_slice(&piece);
        let buffer_text = |b: &[u8]| String::from_utf8_lossy(b).replace("\r\n", "\n");
        // Events end with a blank line.
        while let Some(end) = find(&buffer, b"\n\n") {
            let block = buffer_text(&buffer[..end]);
            buffer.drain(..end + 2);
            let mut name = String::from("message");
            let mut data: Vec<&str> = Vec::new();
            for line in block.lines() {
                if let Some(value) = line.strip_prefix("event:") {
                    name = value.trim_start().to_owned();
                } else if let Some(value) = line.strip_prefix("data:") {
                    data.push(value.strip_prefix(' ').unwrap_or(value));
                }
            }
            if data.is_empty() {
                continue; // a keep-alive comment
            }
            let event = Sse {
                name,
                data: data.join("\n"),
            };
            if sender.send(event).is_err() {
                return;
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Sites and edits.

const SPEAKERS: &str = "\
nebenzia:
  name: Vassily Nebenzia
  role: Permanent Representative of Russia
";

/// A small site: one briefing at /briefings/x/, site-wide speakers, a page.
fn small_site() -> Site {
    Site::with(&[
        ("site.yaml", "title: Serve Test Desk\n"),
        ("content/briefings/x.md", MINIMAL_BRIEFING),
        ("content/speakers.yaml", SPEAKERS),
        (
            "content/pages/about.md",
            "---\ntitle: About\n---\nWho we are.\n",
        ),
        ("static/logo.txt", "logo"),
    ])
}

/// MINIMAL_BRIEFING with its body replaced.
fn briefing_with_body(body: &str) -> String {
    MINIMAL_BRIEFING.replace("Body text.", body)
}

fn edit(site: &Site, rel: &str, from: &str, to: &str) {
    let text = fs::read_to_string(site.path(rel)).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    site.write(rel, &text.replace(from, to));
}

/// Saves the way many editors do: a temporary file beside the original,
/// then renamed over it. The watcher can never see the file half written,
/// so tests that look at the first event after a save use this.
fn save_by_rename(site: &Site, rel: &str, text: &str) {
    let path = site.path(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let temporary = path.with_file_name(format!(".{name}.tmp~"));
    fs::write(&temporary, text).unwrap();
    fs::rename(&temporary, &path).unwrap();
}

/// The output of a fresh `brief build` of the site into a folder outside it.
fn fresh_build(site: &Site) -> BTreeMap<PathBuf, Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = common::brief(
        site.root(),
        &[
            "build",
            "--root",
            site.root().to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(
        run.status, 0,
        "fresh build failed:\n{}\n{}",
        run.stdout, run.stderr
    );
    snapshot(&out)
}

/// How two outputs differ, for a failure message.
fn differences(live: &BTreeMap<PathBuf, Vec<u8>>, fresh: &BTreeMap<PathBuf, Vec<u8>>) -> String {
    let mut out = Vec::new();
    for path in fresh.keys().filter(|p| !live.contains_key(*p)) {
        out.push(format!(
            "missing from the served output: {}",
            path.display()
        ));
    }
    for path in live.keys().filter(|p| !fresh.contains_key(*p)) {
        out.push(format!("only in the served output: {}", path.display()));
    }
    for (path, bytes) in fresh {
        if let Some(live_bytes) = live.get(path) {
            if live_bytes != bytes {
                let live_text = String::from_utf8_lossy(live_bytes);
                let fresh_text = String::from_utf8_lossy(bytes);
                let line = live_text
                    .lines()
                    .zip(fresh_text.lines())
                    .find(|(a, b)| a != b)
                    .map(|(a, b)| format!("\n    served: {a}\n    fresh:  {b}"))
                    .unwrap_or_default();
                out.push(format!("differs: {}{line}", path.display()));
            }
        }
    }
    out.join("\n")
}

/// Every file under a folder that a running rebuild may be writing: `None`
/// when a file vanished while being read (try again).
fn live_snapshot(dir: &Path) -> Option<BTreeMap<PathBuf, Vec<u8>>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.ok()?;
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap().to_path_buf();
            out.insert(rel, fs::read(entry.path()).ok()?);
        }
    }
    Some(out)
}

/// Waits until the served output folder equals a fresh build of the site,
/// byte for byte, and fails listing the differences if it never does.
fn assert_becomes_fresh(site: &Site, output: &Path, step: &str) {
    let fresh = fresh_build(site);
    let deadline = Instant::now() + WAIT;
    loop {
        let live = live_snapshot(output).unwrap_or_default();
        if live == fresh {
            return;
        }
        if Instant::now() >= deadline {
            panic!(
                "after {step}, the served output never matched a fresh build:\n{}",
                differences(&live, &fresh)
            );
        }
        thread::sleep(Duration::from_millis(20));
    }
}

fn script_tag_position(html: &str) -> Option<usize> {
    html.find("<script src=\"/__brief/live.js\"")
}

// ---------------------------------------------------------------------------
// 1. Serving.

#[test]
fn pages_are_served_as_html_with_the_live_reload_script_before_the_body_ends() {
    let site = small_site();
    let server = Server::start(&site);
    for target in ["/", "/briefings/x/", "/about/"] {
        let response = server.get(target);
        assert_eq!(response.status, 200, "GET {target}");
        assert_eq!(
            response.header("content-type"),
            Some("text/html; charset=utf-8"),
            "GET {target}"
        );
        let html = response.text();
        let script = script_tag_position(&html)
            .unwrap_or_else(|| panic!("GET {target}: no live-reload script in\n{html}"));
        let body_end = html.rfind("</body>").expect("a </body>");
        assert!(
            script < body_end,
            "GET {target}: the script comes after </body>"
        );
        assert_eq!(
            html.matches("/__brief/live.js").count(),
            1,
            "GET {target}: the script is added once"
        );
        // Apart from the script, the page is what the build wrote.
        let on_disk = fs::read_to_string(
            site.path("public")
                .join(target.trim_start_matches('/'))
                .join("index.html"),
        )
        .unwrap();
        let tag_end = html[script..].find("</script>").unwrap() + script + "</script>".len();
        assert_eq!(
            format!("{}{}", &html[..script], &html[tag_end..]),
            on_disk,
            "GET {target}"
        );
    }
}

#[test]
fn assets_are_served_with_their_content_types() {
    let site = small_site();
    site.write("static/two words.txt", "spaced");
    let server = Server::start(&site);

    let css = server.get("/style.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert_eq!(css.body, fs::read(site.path("public/style.css")).unwrap());
    assert!(!css.text().contains("__brief"), "no script in a stylesheet");

    let js = server.get("/__brief/live.js");
    assert_eq!(js.status, 200);
    let js_type = js.header("content-type").unwrap_or_default();
    assert!(
        js_type.starts_with("text/javascript") || js_type.starts_with("application/javascript"),
        "live.js is served as {js_type:?}"
    );
    assert!(js.text().contains("EventSource"), "{}", js.text());

    let logo = server.get("/logo.txt");
    assert_eq!(logo.status, 200);
    assert_eq!(logo.text(), "logo");

    // live.js swaps a stylesheet by asking for it with a query string.
    let swapped = server.get("/style.css?brief-reload=1700000000000");
    assert_eq!(swapped.status, 200);
    assert_eq!(swapped.body, css.body);

    // A static file whose name needs percent-encoding.
    let spaced = server.get("/two%20words.txt");
    assert_eq!(spaced.status, 200, "{}", spaced.text());
    assert_eq!(spaced.text(), "spaced");

    // HEAD answers like GET, without a body.
    let head = exchange(
        server.port,
        format!(
            "HEAD / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            server.port
        )
        .as_bytes(),
    );
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(head.body.is_empty());
}

#[test]
fn an_unknown_path_gets_the_sites_404_page_with_status_404() {
    let site = small_site();
    let server = Server::start(&site);
    for target in ["/no/such/page/", "/missing.css", "/briefings/nope/"] {
        let response = server.get(target);
        assert_eq!(response.status, 404, "GET {target}");
        assert_eq!(
            response.header("content-type"),
            Some("text/html; charset=utf-8"),
            "GET {target}"
        );
        let html = response.text();
        let on_disk = fs::read_to_string(site.path("public/404.html")).unwrap();
        assert!(html.contains("Page not found"), "GET {target}: {html}");
        assert!(
            script_tag_position(&html).is_some(),
            "GET {target}: the 404 page reloads too"
        );
        assert_eq!(
            html.replace(
                "<script src=\"/__brief/live.js\" data-events=\"/__brief/events\"></script>",
                ""
            ),
            on_disk,
            "GET {target}: the site's own 404 page"
        );
    }
}

#[test]
fn a_folder_without_its_trailing_slash_redirects_to_it() {
    let site = small_site();
    let server = Server::start(&site);
    for (target, to) in [
        ("/briefings/x", "/briefings/x/"),
        ("/about", "/about/"),
        ("/speakers", "/speakers/"),
    ] {
        let response = server.get(target);
        assert!(
            matches!(response.status, 301 | 302 | 307 | 308),
            "GET {target}: {}",
            response.status
        );
        assert_eq!(response.header("location"), Some(to), "GET {target}");
    }
}

// ---------------------------------------------------------------------------
// 2. Nothing outside the output is served.

const SECRET: &str = "SECRET-MARKER-5b1e0c";

#[cfg(unix)]
#[test]
fn no_path_reaches_outside_the_output_folder() {
    let site = small_site();
    site.write("secret.txt", SECRET);
    site.write(
        "site.yaml",
        &format!("# {SECRET}\ntitle: Serve Test Desk\n"),
    );
    let server = Server::start(&site);
    // Links inside the output to files and folders outside it.
    std::os::unix::fs::symlink(site.path("site.yaml"), site.path("public/leak.txt")).unwrap();
    std::os::unix::fs::symlink(site.path("secret.txt"), site.path("public/leak.html")).unwrap();
    std::os::unix::fs::symlink(site.root(), site.path("public/root")).unwrap();
    std::os::unix::fs::symlink(site.path("content"), site.path("public/briefings/content"))
        .unwrap();

    let targets = [
        "/../secret.txt",
        "/../site.yaml",
        "/../../../../../../etc/passwd",
        "/briefings/../../secret.txt",
        "/briefings/x/../../../site.yaml",
        "/%2e%2e/secret.txt",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E%2Fsite.yaml",
        "/%2e%2e%2fsecret.txt",
        "/.%2e/secret.txt",
        "/%2e./site.yaml",
        "/briefings/%2e%2e/%2e%2e/secret.txt",
        "/%252e%252e/secret.txt",
        "//etc/passwd",
        "///etc/passwd",
        "/..%5c..%5csite.yaml",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "/%2e%2e%5csecret.txt",
        "/..%00/secret.txt",
        "/secret.txt",
        "/site.yaml",
        "/leak.txt",
        "/leak.html",
        "/root/secret.txt",
        "/root/site.yaml",
        "/root/",
        "/root",
        "/briefings/content/briefings/x.md",
        "http://127.0.0.1/../secret.txt",
        "/.brief-output/../../secret.txt",
    ];
    for target in targets {
        let mut response = server.get(target);
        if (300..400).contains(&response.status) {
            // A link to a folder outside gets the folder redirect (it is a
            // folder); where it leads must still be refused.
            let to = response.header("location").unwrap_or_default().to_owned();
            assert!(
                to.starts_with('/') && !to.starts_with("//"),
                "GET {target} redirects to {to:?}"
            );
            response = server.get(&to);
        }
        let text = response.text();
        assert!(
            matches!(response.status, 400 | 404),
            "GET {target} answered {}:\n{text}",
            response.status
        );
        assert!(
            !text.contains(SECRET),
            "GET {target} leaked the secret:\n{text}"
        );
        assert!(
            !text.contains("root:x:0"),
            "GET {target} served /etc/passwd"
        );
        assert!(
            !text.contains("kim:"),
            "GET {target} served a source file:\n{text}"
        );
    }
    // The server is still serving.
    assert_eq!(server.get("/").status, 200);
}

// ---------------------------------------------------------------------------
// 3. The written site is free of the live-reload script.

fn assert_no_live_reload(dir: &Path) {
    let files = snapshot(dir);
    assert!(
        files.len() > 5,
        "{} holds only {} files",
        dir.display(),
        files.len()
    );
    for (path, bytes) in files {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("__brief") && !text.contains("live.js") && !text.contains("EventSource"),
            "{} in {} carries the live-reload script",
            path.display(),
            dir.display()
        );
    }
}

#[test]
fn the_written_site_never_contains_the_live_reload_script() {
    let site = small_site();
    // What `brief serve` writes to disk: the script is added only on the way out.
    {
        let mut server = Server::start(&site);
        let mut events = server.events();
        edit(
            &site,
            "content/briefings/x.md",
            "Body text.",
            "Edited while serving.",
        );
        events.wait_built_page("/briefings/x/");
        server.wait_page("/briefings/x/", 200, "Edited while serving.");
    }
    // (Looked at once the server is stopped, so no rebuild is under way.)
    assert_no_live_reload(&site.path("public"));
    // What `brief build` writes, into the default and another folder.
    site.build();
    assert_no_live_reload(&site.path("public"));
    let other = tempfile::tempdir().unwrap();
    let out = other.path().join("site");
    let run = site.run(&["build", "--output", out.to_str().unwrap()]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_no_live_reload(&out);
}

// ---------------------------------------------------------------------------
// 4. Saves, the ways editors make them.

#[test]
fn a_save_in_place_rebuilds_the_page_and_announces_it() {
    let site = small_site();
    let server = Server::start(&site);
    let mut events = server.events();
    site.write(
        "content/briefings/x.md",
        &briefing_with_body("Saved in place."),
    );
    let event = events.wait_built_page("/briefings/x/");
    assert!(event.list("removed").is_empty(), "{}", event.data);
    // The event is sent once the page is on disk.
    assert!(server.page("/briefings/x/").contains("Saved in place."));
}

#[test]
fn a_save_through_a_temporary_file_renamed_over_the_original_rebuilds() {
    let site = small_site();
    let server = Server::start(&site);
    let mut events = server.events();
    save_by_rename(
        &site,
        "content/briefings/x.md",
        &briefing_with_body("Saved by rename."),
    );
    events.wait_built_page("/briefings/x/");
    assert!(server.page("/briefings/x/").contains("Saved by rename."));

    // And again: the watch survives the file being replaced.
    save_by_rename(
        &site,
        "content/briefings/x.md",
        &briefing_with_body("Renamed again."),
    );
    events.wait_built_page("/briefings/x/");
    assert!(server.page("/briefings/x/").contains("Renamed again."));
    // The page is announced before the rest of the site is written; read
    // the output once the whole rebuild has landed, not while files are
    // still being swapped in.
    assert_becomes_fresh(&site, &site.path("public"), "saving by rename");
    assert!(
        !live_snapshot(&site.path("public"))
            .unwrap_or_default()
            .keys()
            .any(|p| p.to_string_lossy().contains("tmp~"))
            && !server.process.stderr().contains("tmp~"),
        "the temporary file is not part of the site"
    );
}

#[test]
fn a_save_that_deletes_then_creates_the_file_rebuilds() {
    let site = small_site();
    let server = Server::start(&site);
    let mut events = server.events();
    fs::remove_file(site.path("content/briefings/x.md")).unwrap();
    site.write(
        "content/briefings/x.md",
        &briefing_with_body("Deleted and created."),
    );
    events.wait_built_page("/briefings/x/");
    assert!(server
        .page("/briefings/x/")
        .contains("Deleted and created."));

    // Again, with a rebuild in between.
    fs::remove_file(site.path("content/briefings/x.md")).unwrap();
    events.wait("`built` removing /briefings/x/", |e| {
        e.removes("/briefings/x/")
    });
    site.write("content/briefings/x.md", &briefing_with_body("Back again."));
    events.wait_built_page("/briefings/x/");
    assert!(server.page("/briefings/x/").contains("Back again."));
}

#[test]
fn renaming_a_briefing_moves_its_page_to_the_new_url() {
    let site = small_site();
    let server = Server::start(&site);
    let mut events = server.events();
    fs::rename(
        site.path("content/briefings/x.md"),
        site.path("content/briefings/renamed.md"),
    )
    .unwrap();
    events.wait("`built` removing /briefings/x/", |e| {
        e.removes("/briefings/x/")
    });
    if !events
        .seen
        .iter()
        .any(|e| e.names_page("/briefings/renamed/"))
    {
        events.wait_built_page("/briefings/renamed/");
    }
    assert_eq!(server.get("/briefings/x/").status, 404);
    assert!(server.page("/briefings/renamed/").contains("Body text."));
    let port = server.port;
    poll("the index to link the new URL only", || {
        let index = get(port, "/").text();
        (index.contains("/briefings/renamed/") && !index.contains("/briefings/x/")).then_some(())
    });
    assert!(
        !site.path("public/briefings/x").exists(),
        "the old folder is removed"
    );
}

#[test]
fn removing_a_briefing_removes_its_page_and_its_index_entry() {
    let site = small_site();
    site.write("content/briefings/y.md", common::SECOND_BRIEFING);
    let server = Server::start(&site);
    assert!(server.page("/").contains("/briefings/y/"));
    let mut events = server.events();
    fs::remove_file(site.path("content/briefings/y.md")).unwrap();
    events.wait("`built` removing /briefings/y/", |e| {
        e.removes("/briefings/y/")
    });
    assert_eq!(server.get("/briefings/y/").status, 404);
    let index = server.page("/");
    assert!(
        !index.contains("/briefings/y/"),
        "the index still links the removed briefing"
    );
    assert!(
        !index.contains("A second briefing"),
        "the index still lists it"
    );
    assert!(index.contains("/briefings/x/"));
    // The tag it alone used is gone too.
    assert_eq!(server.get("/tags/sanctions/").status, 404);
}

#[test]
fn a_burst_of_new_files_costs_few_rebuilds() {
    const FILES: usize = 300;
    let site = small_site();
    let mut server = Server::start(&site);
    let start = server.stdout().len();
    let texts: Vec<(String, String)> = (0..FILES)
        .map(|i| {
            (
                format!("content/briefings/burst-{i:03}.md"),
                MINIMAL_BRIEFING.replace("A minimal briefing", &format!("Burst number {i}")),
            )
        })
        .collect();
    for (rel, text) in &texts {
        fs::write(site.path(rel), text).unwrap();
    }
    // Settled: the output is what a fresh build of all of them writes.
    let fresh = fresh_build(&site);
    let output = site.path("public");
    poll_for(
        Duration::from_secs(30),
        || "the output to equal a fresh build after the burst".to_owned(),
        || (live_snapshot(&output).as_ref() == Some(&fresh)).then_some(()),
    );
    // A broken save after the burst: its failure line comes after every
    // rebuild the burst caused.
    let failures = server.process.count(FAILED);
    site.write("content/briefings/zz-broken.md", "---\ntitle: [\n---\n");
    server.process.wait_more(FAILED, failures);
    let stdout = server.stdout();
    let before_failure = &stdout[start..stdout.rfind(FAILED).unwrap()];
    let rebuilds = before_failure
        .lines()
        .filter(|l| l.starts_with(REBUILT))
        .count();
    assert!(rebuilds >= 1, "{stdout}");
    assert!(
        rebuilds < 10,
        "{FILES} files written at once caused {rebuilds} rebuilds:\n{stdout}"
    );
}

#[test]
fn a_failed_save_prints_its_error_and_not_the_warnings_already_shown() {
    // A source no claim cites: a warning, printed once when serving starts.
    let uncited = MINIMAL_BRIEFING.replace(
        "claims:\n",
        "  unused:\n    title: An unused report\n    url: https://example.org/unused\nclaims:\n",
    );
    let site = small_site();
    site.write("content/briefings/x.md", &uncited);
    let mut server = Server::start(&site);
    const WARNING: &str = "source `unused` is not cited by any claim";
    // Diagnostics go to stderr, the serving line to stdout after them; the
    // two pipes are read on their own threads, so stderr can lag.
    let stderr = server.process.wait_stderr(WARNING);
    assert_eq!(stderr.matches(WARNING).count(), 1, "{stderr}");
    let failures = server.process.count(FAILED);
    site.write("content/briefings/zz-broken.md", "---\ntitle: [\n---\n");
    server.process.wait_more(FAILED, failures);
    // The failed save's errors are printed after any warning it repeats.
    server.process.wait_stderr("zz-broken.md");
    let output = server.process.output();
    assert_eq!(output.matches(WARNING).count(), 1, "{output}");
}

// ---------------------------------------------------------------------------
// 5. Rebuilds while serving equal a fresh build.

/// An edit made on disk while the server runs, and what to call it.
type Step = (&'static str, Box<dyn Fn(&Site)>);

#[test]
fn every_rebuild_while_serving_equals_a_fresh_build() {
    let site = small_site();
    let server = Server::start(&site);
    let output = site.path("public");
    assert_becomes_fresh(&site, &output, "the first build");

    let briefing_template = brief::theme::TEMPLATES
        .iter()
        .find(|(name, _)| *name == "briefing.html")
        .unwrap()
        .1;
    let steps: Vec<Step> = vec![
        (
            "editing a body",
            Box::new(|s| edit(s, "content/briefings/x.md", "Body text.", "A *new* body.")),
        ),
        (
            "changing a verdict",
            Box::new(|s| {
                edit(
                    s,
                    "content/briefings/x.md",
                    "verdict: unverified",
                    "verdict: false",
                )
            }),
        ),
        (
            "adding a briefing",
            Box::new(|s| s.write("content/briefings/y.md", common::SECOND_BRIEFING)),
        ),
        (
            "changing speakers.yaml",
            Box::new(|s| {
                edit(
                    s,
                    "content/speakers.yaml",
                    "Vassily Nebenzia",
                    "V. A. Nebenzia",
                )
            }),
        ),
        (
            "adding a template override in a new templates/ folder",
            Box::new(move |s| {
                s.write(
                    "templates/briefing.html",
                    &briefing_template.replace(
                        "{% block content %}",
                        "{% block content %}<p class=\"own-template\">Own template</p>",
                    ),
                )
            }),
        ),
        (
            "adding static/style.css",
            Box::new(|s| s.write("static/style.css", "body { color: navy; }\n")),
        ),
        (
            "changing static/style.css",
            Box::new(|s| save_by_rename(s, "static/style.css", "body { color: teal; }\n")),
        ),
        (
            "changing the title in site.yaml",
            Box::new(|s| s.write("site.yaml", "title: Renamed Desk\n")),
        ),
        (
            "renaming a briefing",
            Box::new(|s| {
                fs::rename(
                    s.path("content/briefings/y.md"),
                    s.path("content/briefings/w.md"),
                )
                .unwrap()
            }),
        ),
        (
            "removing the template override",
            Box::new(|s| fs::remove_file(s.path("templates/briefing.html")).unwrap()),
        ),
        (
            "removing static/style.css",
            Box::new(|s| fs::remove_file(s.path("static/style.css")).unwrap()),
        ),
    ];
    for (step, change) in steps {
        change(&site);
        assert_becomes_fresh(&site, &output, step);
    }
    assert!(server.get("/").text().contains("Renamed Desk"));
    assert!(!server.stdout().contains(FAILED), "{}", server.stdout());
}

// ---------------------------------------------------------------------------
// 6. Problems go to the page.

#[test]
fn broken_front_matter_is_shown_over_the_last_good_page_until_fixed() {
    let site = small_site();
    let server = Server::start(&site);
    let good = server.page("/briefings/x/");
    let mut events = server.events();

    save_by_rename(
        &site,
        "content/briefings/x.md",
        &MINIMAL_BRIEFING.replace("summary: What it found.", "summary: What: it: found."),
    );
    let problems = events.wait_problems().problems_text();
    assert!(
        problems.contains("content/briefings/x.md:4:14"),
        "the overlay names file, line and column:\n{problems}"
    );
    assert!(
        problems.contains("mapping values are not allowed in this context"),
        "{problems}"
    );
    // The terminal printed the very same report.
    let mut server = server;
    // (Fails after a while, showing both, if they differ.)
    server.process.wait_stderr(problems.trim_end());
    // The last good page is still served.
    assert_eq!(server.page("/briefings/x/"), good);

    // A page opened now hears of the problems at once.
    let mut late = server.events();
    let first = late.wait("any event", |_| true);
    assert!(first.is_problems(), "{first:?}");
    assert_eq!(first.problems_text(), problems);

    // The fix clears it, everywhere.
    save_by_rename(
        &site,
        "content/briefings/x.md",
        &briefing_with_body("Fixed body."),
    );
    events.wait_built_page("/briefings/x/");
    late.wait_built_page("/briefings/x/");
    assert!(server.page("/briefings/x/").contains("Fixed body."));
    // And a page opened after the fix hears nothing stale.
    let mut fresh = server.events();
    save_by_rename(
        &site,
        "content/briefings/x.md",
        &briefing_with_body("Later body."),
    );
    let next = fresh.wait("any event", |_| true);
    assert!(next.is_built(), "{next:?}");
}

#[test]
fn an_unknown_source_id_is_reported_and_the_server_stays_up() {
    let site = small_site();
    let mut server = Server::start(&site);
    let good = server.page("/briefings/x/");
    let mut events = server.events();
    save_by_rename(
        &site,
        "content/briefings/x.md",
        &MINIMAL_BRIEFING.replace("sources: [charter]", "sources: [nope]"),
    );
    let problems = events.wait_problems().problems_text();
    assert!(problems.contains("unknown source `nope`"), "{problems}");
    assert!(
        problems.contains("content/briefings/x.md:20:15"),
        "{problems}"
    );
    assert!(problems.contains("claims[0].sources[0]"), "{problems}");
    server.process.wait_more(FAILED, 0);
    assert!(server.process.exited().is_none(), "the server stopped");
    assert_eq!(server.page("/briefings/x/"), good);

    save_by_rename(&site, "content/briefings/x.md", MINIMAL_BRIEFING);
    events.wait("`built`", Sse::is_built);
    assert_eq!(server.page("/briefings/x/"), good);
}

#[test]
fn a_template_error_is_reported_and_the_server_stays_up() {
    let site = small_site();
    let mut server = Server::start(&site);
    let good = server.page("/briefings/x/");
    let mut events = server.events();
    save_by_rename(
        &site,
        "templates/briefing.html",
        "{% extends \"base.html\" %}\n{% block content %}{% if %}{% endblock content %}\n",
    );
    let problems = events.wait_problems().problems_text();
    assert!(
        problems.contains("templates/briefing.html:2:"),
        "{problems}"
    );
    server.process.wait_more(FAILED, 0);
    assert!(server.process.exited().is_none(), "the server stopped");
    assert_eq!(server.page("/briefings/x/"), good);

    save_by_rename(
        &site,
        "templates/briefing.html",
        "{% extends \"base.html\" %}\n{% block content %}<p>Own template for {{ briefing.title }}</p>{% endblock content %}\n",
    );
    events.wait_built_page("/briefings/x/");
    assert!(server
        .page("/briefings/x/")
        .contains("Own template for A minimal briefing"));
}

#[test]
fn a_site_broken_at_start_is_served_once_fixed() {
    let site = Site::with(&[(
        "content/briefings/x.md",
        &MINIMAL_BRIEFING.replace("speaker: kim", "speaker: nobody"),
    )]);
    let mut server = Server::start(&site);
    let mut events = server.events();
    let first = events.wait("any event", |_| true);
    assert!(first.is_problems(), "{first:?}");
    assert!(
        first.problems_text().contains("unknown speaker `nobody`"),
        "{}",
        first.data
    );
    site.write("content/briefings/x.md", MINIMAL_BRIEFING);
    let built = events.wait("`built`", Sse::is_built);
    assert_eq!(built.json()["all"], Value::Bool(true), "{}", built.data);
    server.wait_page("/briefings/x/", 200, "Body text.");
}

// ---------------------------------------------------------------------------
// 7. A stylesheet change swaps the stylesheet only.

#[test]
fn a_stylesheet_change_announces_the_asset_and_no_pages() {
    let site = small_site();
    site.write("static/style.css", "body { color: black; }\n");
    let server = Server::start(&site);
    let mut events = server.events();
    save_by_rename(&site, "static/style.css", "body { color: maroon; }\n");
    let event = events.wait("`built` with /style.css", |e| {
        e.is_built() && e.list("assets").iter().any(|a| a == "/style.css")
    });
    for event in &events.seen {
        assert!(event.is_built(), "{event:?}");
        assert!(
            event.list("pages").is_empty(),
            "a stylesheet change rewrote pages: {}",
            event.data
        );
    }
    assert!(event.list("removed").is_empty(), "{}", event.data);
    let css = server.get("/style.css");
    assert_eq!(css.text(), "body { color: maroon; }\n");
}

// ---------------------------------------------------------------------------
// 8, 9. Ports and stopping.

#[test]
fn a_busy_port_is_reported_with_status_1() {
    let site = small_site();
    let server = Server::start(&site);
    let port = server.port.to_string();
    let other = small_site();
    let mut second = Process::spawn(
        other.root(),
        &[
            "serve",
            "--root",
            other.root().to_str().unwrap(),
            "--port",
            &port,
        ],
    );
    let status = second
        .wait_exit(WAIT)
        .unwrap_or_else(|| panic!("the second server kept running\n{}", second.output()));
    assert_eq!(status.code(), Some(1), "{}", second.output());
    let stderr = second.stderr();
    assert!(stderr.contains(&port), "stderr names the port: {stderr}");
    assert!(stderr.contains("--port"), "stderr names the flag: {stderr}");
    // The first one is unharmed.
    assert_eq!(server.get("/").status, 200);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_with_status_0_even_with_a_page_open() {
    let site = small_site();
    let mut server = Server::start(&site);
    let _events = server.events();
    let _events_two = server.events();
    let kill = Command::new("kill")
        .args(["-INT", &server.process.pid().to_string()])
        .status()
        .expect("run kill");
    assert!(kill.success());
    let status = server
        .process
        .wait_exit(WAIT)
        .unwrap_or_else(|| panic!("the server ignored Ctrl-C\n{}", server.process.output()));
    assert_eq!(status.code(), Some(0), "{}", server.process.output());
}

// ---------------------------------------------------------------------------
// 10. `brief watch`.

#[test]
fn watch_rebuilds_the_output_and_a_bad_save_leaves_it_alone() {
    let site = small_site();
    let root = site.root().to_str().unwrap().to_owned();
    let mut watch = Process::spawn(site.root(), &["watch", "--root", &root]);
    watch.wait_line("watch to start", |l| l.starts_with("Watching "));
    watch.wait_watching(site.root());
    let page = site.path("public/briefings/x/index.html");
    let read = |path: &Path| fs::read_to_string(path).unwrap_or_default();

    site.write(
        "content/briefings/x.md",
        &briefing_with_body("Watched edit."),
    );
    poll("the page to show the edit", || {
        read(&page).contains("Watched edit.").then_some(())
    });

    assert_becomes_fresh(&site, &site.path("public"), "the watched edit");
    let before = site.snapshot("public");
    save_by_rename(
        &site,
        "content/briefings/x.md",
        &briefing_with_body("Broken: [x](#claim-nowhere)."),
    );
    watch.wait_more(FAILED, 0);
    watch.wait_stderr("claim-nowhere");
    assert!(
        site.snapshot("public") == before,
        "a bad save changed public/"
    );
    assert!(watch.exited().is_none(), "watch stopped on a bad save");

    site.write(
        "content/briefings/x.md",
        &briefing_with_body("Fixed while watching."),
    );
    poll("the fix to reach public/", || {
        read(&page).contains("Fixed while watching.").then_some(())
    });
    assert_becomes_fresh(&site, &site.path("public"), "the fix");
    assert!(!watch.stdout().contains("Serving"), "watch serves nothing");
}

// ---------------------------------------------------------------------------
// 11. The content folder disappearing and coming back.

#[test]
fn deleting_the_content_folder_keeps_the_server_up_and_restoring_it_brings_the_pages_back() {
    let site = small_site();
    let mut server = Server::start(&site);
    let mut events = server.events();
    let finished = server.process.finished();
    fs::remove_dir_all(site.path("content")).unwrap();
    // Reported one way or another: a failed build or an empty site.
    let event = events.wait("an event after deleting content/", |_| true);
    poll("a line about the rebuild", || {
        (server.process.finished() > finished).then_some(())
    });
    assert!(
        server.process.exited().is_none(),
        "the server exited\n{}",
        server.process.output()
    );
    assert_eq!(server.get("/").status, 200, "after {event:?}");

    // Restore it, file by file, as a `git checkout` would.
    site.write("content/speakers.yaml", SPEAKERS);
    site.write(
        "content/pages/about.md",
        "---\ntitle: About\n---\nWho we are.\n",
    );
    site.write("content/briefings/x.md", MINIMAL_BRIEFING);
    server.wait_page("/briefings/x/", 200, "Body text.");
    server.wait_page("/about/", 200, "Who we are.");
    assert_becomes_fresh(&site, &site.path("public"), "restoring content/");

    // The new folder is watched: later edits are seen.
    site.write(
        "content/briefings/x.md",
        &briefing_with_body("After the restore."),
    );
    server.wait_page("/briefings/x/", 200, "After the restore.");
    assert_becomes_fresh(&site, &site.path("public"), "an edit after the restore");
}

// ---------------------------------------------------------------------------
// A site deployed below a path is previewed below it.

#[test]
fn a_site_with_a_base_path_is_served_below_it() {
    let site = small_site();
    site.write(
        "site.yaml",
        "title: Serve Test Desk\nbase_url: https://example.org/desk/\n",
    );
    let server = Server::start(&site);
    assert!(
        server
            .stdout()
            .contains(&format!("http://127.0.0.1:{}/desk/", server.port)),
        "{}",
        server.stdout()
    );
    let root = server.get("/");
    assert!(
        matches!(root.status, 301 | 302 | 307 | 308),
        "GET /: {}",
        root.status
    );
    assert_eq!(root.header("location"), Some("/desk/"));
    let page = server.page("/desk/briefings/x/");
    assert!(script_tag_position(&page).is_some());
    assert!(page.contains("href=\"/desk/style.css\""), "{page}");
    assert_eq!(server.get("/desk/style.css").status, 200);
    assert_eq!(server.get("/briefings/x/").status, 404);

    let mut events = server.events();
    save_by_rename(
        &site,
        "content/briefings/x.md",
        &briefing_with_body("Below a path."),
    );
    events.wait_built_page("/desk/briefings/x/");
    assert!(server.page("/desk/briefings/x/").contains("Below a path."));
    save_by_rename(&site, "static/logo.txt", "new logo");
    events.wait("`built` with /desk/logo.txt", |e| {
        e.is_built() && e.list("assets").iter().any(|a| a == "/desk/logo.txt")
    });
}

#[test]
fn removing_a_static_file_removes_it_from_the_served_site() {
    let site = small_site();
    let server = Server::start(&site);
    assert_eq!(server.page("/logo.txt"), "logo");
    let mut events = server.events();
    fs::remove_file(site.path("static/logo.txt")).unwrap();
    let event = events.wait("`built` removing /logo.txt", |e| e.removes("/logo.txt"));
    assert!(event.list("pages").is_empty(), "{}", event.data);
    assert_eq!(server.get("/logo.txt").status, 404);
    assert_becomes_fresh(&site, &site.path("public"), "removing a static file");
}

// ---------------------------------------------------------------------------
// Regressions: each of these failed before the fix named above it.

/// Fixed: a changed folder now counts as changing every file under it.
#[test]
fn replacing_the_content_folder_in_one_move_serves_the_new_files() {
    let site = small_site();
    site.write("next/briefings/x.md", &briefing_with_body("Swapped in."));
    site.write("next/speakers.yaml", SPEAKERS);
    site.write(
        "next/pages/about.md",
        "---\ntitle: About\n---\nWho we are now.\n",
    );
    let mut server = Server::start(&site);
    // As a sync tool or a script swapping folders does it.
    fs::rename(site.path("content"), site.path("previous")).unwrap();
    fs::rename(site.path("next"), site.path("content")).unwrap();
    server.wait_page("/briefings/x/", 200, "Swapped in.");
    server.wait_page("/about/", 200, "Who we are now.");
    assert_becomes_fresh(&site, &site.path("public"), "swapping content/");
}

/// Fixed: a source folder named in an event gets its watch made anew.
#[test]
fn a_content_folder_recreated_twice_is_still_watched() {
    let site = small_site();
    let mut server = Server::start(&site);
    let mut events = server.events();
    fs::remove_dir_all(site.path("content")).unwrap();
    events.wait("`built` removing /briefings/x/", |e| {
        e.removes("/briefings/x/")
    });
    site.write("content/briefings/x.md", MINIMAL_BRIEFING);
    site.write("content/speakers.yaml", SPEAKERS);
    server.wait_page("/briefings/x/", 200, "Body text.");

    // Deleted and recreated at once, as `rm -rf content && tar x` would.
    let finished = server.process.finished();
    fs::remove_dir_all(site.path("content")).unwrap();
    site.write("content/briefings/x.md", &briefing_with_body("Recreated."));
    site.write("content/speakers.yaml", SPEAKERS);
    // Whatever the rebuild of that made of it, a later save must be seen.
    poll("the rebuild after recreating content/", || {
        (server.process.finished() > finished).then_some(())
    });
    save_by_rename(
        &site,
        "content/briefings/x.md",
        &briefing_with_body("Saved later."),
    );
    server.wait_page("/briefings/x/", 200, "Saved later.");
}

/// Fixed: the server follows the base path of the last good build.
#[test]
fn changing_the_base_path_in_site_yaml_moves_the_served_site() {
    let site = small_site();
    let mut server = Server::start(&site);
    server.page("/briefings/x/");
    save_by_rename(
        &site,
        "site.yaml",
        "title: Serve Test Desk\nbase_url: https://example.org/desk/\n",
    );
    poll("the page to link /desk/style.css", || {
        fs::read_to_string(site.path("public/briefings/x/index.html"))
            .ok()
            .filter(|html| html.contains("href=\"/desk/style.css\""))
    });
    server.wait_page("/desk/briefings/x/", 200, "Body text.");
    assert_eq!(server.get("/desk/style.css").status, 200);
}

/// Fixed: with nothing built, pages get an HTML stand-in carrying the script.
#[test]
fn a_page_opened_on_a_site_broken_at_start_shows_the_problems() {
    let site = Site::with(&[(
        "content/briefings/x.md",
        &MINIMAL_BRIEFING.replace("speaker: kim", "speaker: nobody"),
    )]);
    let server = Server::start(&site);
    let response = server.get("/");
    assert_eq!(
        response.header("content-type"),
        Some("text/html; charset=utf-8"),
        "{}",
        response.text()
    );
    assert!(
        script_tag_position(&response.text()).is_some(),
        "GET / carries no live-reload script: {:?}",
        response.text()
    );
}

/// Fixed: the watcher starts before the first build.
#[test]
fn a_save_made_during_the_first_build_is_picked_up() {
    let site = small_site();
    // Enough briefings that the first build takes a while.
    for i in 0..300 {
        site.write(
            &format!("content/briefings/many-{i:03}.md"),
            &MINIMAL_BRIEFING.replace("A minimal briefing", &format!("Briefing {i}")),
        );
    }
    let root = site.root().to_str().unwrap().to_owned();
    let mut process = Process::spawn(site.root(), &["serve", "--root", &root, "--port", "0"]);
    // The build has read every file once it starts writing its staging folder.
    let staging = site.path(".public.brief-staging");
    let public = site.path("public");
    let deadline = Instant::now() + WAIT;
    while !staging.exists() && !public.exists() && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(1));
    }
    save_by_rename(
        &site,
        "content/briefings/x.md",
        &briefing_with_body("Saved during the first build."),
    );
    let line = process.wait_line("the server to start", |l| {
        l.starts_with("Serving the site at ")
    });
    let mut server = Server {
        port: port_in(&line),
        process,
    };
    server.wait_page("/briefings/x/", 200, "Saved during the first build.");
}

// ---------------------------------------------------------------------------
// Load and abuse.

/// Resident memory of a process, from /proc, in kB.
fn rss_kb(pid: u32) -> u64 {
    fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Sends raw bytes and reads whatever comes back before the server closes
/// the connection or a second passes; never fails.
fn abuse(port: u16, bytes: &[u8]) -> Vec<u8> {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return Vec::new();
    };
    stream
        .set_read_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    let _ = stream.write_all(bytes);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    answer
}

#[test]
fn two_hundred_open_pages_hear_every_one_of_a_hundred_rebuilds_while_abused() {
    const CLIENTS: usize = 200;
    const EDITS: usize = 100;
    let site = small_site();
    let mut server = Server::start(&site);
    let pid = server.process.child.id();
    let mut clients: Vec<Events> = (0..CLIENTS).map(|_| server.events()).collect();
    let rss_before = rss_kb(pid);

    // Slow clients: connected, half a request sent, then silent.
    let slow: Vec<TcpStream> = (0..20)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
            s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                .unwrap();
            s
        })
        .collect();

    for i in 0..EDITS {
        save_by_rename(
            &site,
            "content/briefings/x.md",
            &briefing_with_body(&format!("Edit number {i}.")),
        );
        clients[0].wait_built_page("/briefings/x/");
        // Between rebuilds, garbage and oversized requests.
        match i % 4 {
            0 => drop(abuse(server.port, b"\x00\x01\x02 not http at all\r\n\r\n")),
            1 => drop(abuse(
                server.port,
                format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(100_000)).as_bytes(),
            )),
            2 => drop(abuse(
                server.port,
                format!(
                    "GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
                    "b".repeat(200_000)
                )
                .as_bytes(),
            )),
            _ => drop(abuse(
                server.port,
                b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
            )),
        }
    }

    // Every open page was told of every rebuild of the page, in order.
    for (n, client) in clients.iter_mut().enumerate().skip(1) {
        for i in 0..EDITS {
            client.wait(&format!("client {n}: rebuild {i}"), |e| {
                e.names_page("/briefings/x/")
            });
        }
    }
    assert!(server.page("/briefings/x/").contains("Edit number 99."));
    assert_becomes_fresh(&site, &site.path("public"), "a hundred edits");
    assert!(server.process.exited().is_none(), "the server exited");

    let rss_after = rss_kb(pid);
    eprintln!("brief serve RSS with {CLIENTS} live pages: {rss_before} kB before {EDITS} edits, {rss_after} kB after");
    assert!(
        rss_after < rss_before * 2 + 32 * 1024,
        "memory grew from {rss_before} kB to {rss_after} kB"
    );
    drop(slow);
}

#[test]
fn deleting_site_yaml_while_serving_falls_back_to_the_defaults_and_restoring_it_returns() {
    let site = small_site();
    let mut server = Server::start(&site);
    assert!(server.page("/").contains("Serve Test Desk"));
    fs::remove_file(site.path("site.yaml")).unwrap();
    // Every setting has a default, so the site still builds, as "Fact checks".
    server.wait_page("/", 200, "Fact checks");
    assert!(server.process.exited().is_none(), "the server exited");
    assert_becomes_fresh(&site, &site.path("public"), "deleting site.yaml");

    // A broken one is shown as a problem over the last good page.
    let mut events = server.events();
    site.write("site.yaml", "title: [unclosed\n");
    let problems = events.wait_problems();
    assert!(
        problems.problems_text().contains("site.yaml"),
        "{problems:?}"
    );
    assert!(server.page("/").contains("Fact checks"));

    site.write("site.yaml", "title: Serve Test Desk\n");
    server.wait_page("/", 200, "Serve Test Desk");
    assert_becomes_fresh(&site, &site.path("public"), "restoring site.yaml");
}

/// `brief serve --drafts` is a preview like `brief build --drafts`: its
/// pages, drafts included, ask not to be indexed and say they are a
/// preview, robots.txt keeps crawlers out, and there is no sitemap.
#[test]
fn serve_with_drafts_is_a_preview_kept_from_search_engines() {
    let site = Site::with(&[(
        "content/briefings/unfinished.md",
        &MINIMAL_BRIEFING.replace(
            "title: A minimal briefing",
            "title: Unfinished\ndraft: true",
        ),
    )]);
    let server = Server::start_with(&site, &["--drafts"]);
    for target in ["/", "/briefings/unfinished/"] {
        let page = server.page(target);
        assert!(
            page.contains("<meta name=\"robots\" content=\"noindex\">"),
            "GET {target} has no noindex:\n{page}"
        );
        assert!(
            page.contains("class=\"preview-marker\""),
            "GET {target} has no preview marker"
        );
    }
    assert_eq!(server.page("/robots.txt"), "User-agent: *\nDisallow: /\n");
    assert_eq!(server.get("/sitemap.xml").status, 404);
}
