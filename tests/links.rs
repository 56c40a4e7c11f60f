//! `brief check --links` against a real HTTP server on 127.0.0.1 that
//! answers 200, 301, 404 and 500, refuses `HEAD` on one path, and never
//! answers on another: the report's findings and their order, the claims
//! and places listed, the exit status, and the cache that spares a second
//! run every request. Nothing here reaches beyond the loopback address.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

use common::{Run, Site};

// ------------------------------------------------------------------ server

/// A small HTTP/1.1 server on 127.0.0.1 that records every request
/// (`"HEAD /ok"`) and answers one request per connection.
struct Server {
    base: String,
    requests: Arc<Mutex<Vec<String>>>,
    /// Requests being answered now, and the most there ever were at once.
    busy: Arc<Mutex<(usize, usize)>>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let busy = Arc::new(Mutex::new((0, 0)));
        let (log, count) = (requests.clone(), busy.clone());
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (log, count) = (log.clone(), count.clone());
                thread::spawn(move || answer(stream, &log, &count));
            }
        });
        Server {
            base,
            requests,
            busy,
        }
    }

    /// The most requests the server was ever answering at once.
    fn most_at_once(&self) -> usize {
        self.busy.lock().unwrap().1
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }

    fn count(&self, request: &str) -> usize {
        self.requests().iter().filter(|r| *r == request).count()
    }

    fn forget(&self) {
        self.requests.lock().unwrap().clear();
    }
}

fn answer(mut stream: TcpStream, log: &Mutex<Vec<String>>, busy: &Mutex<(usize, usize)>) {
    let mut head = Vec::new();
    let mut buffer = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let mut words = head.split_whitespace();
    let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    log.lock().unwrap().push(format!("{method} {path}"));
    if path.starts_with("/slow/") {
        {
            let mut busy = busy.lock().unwrap();
            busy.0 += 1;
            busy.1 = busy.1.max(busy.0);
        }
        thread::sleep(std::time::Duration::from_millis(300));
        busy.lock().unwrap().0 -= 1;
    }
    let (status, extra) = match (method, path) {
        (_, "/hang") => {
            // Accept, read, never answer: wait until the client gives up.
            while matches!(stream.read(&mut buffer), Ok(n) if n > 0) {}
            return;
        }
        (_, "/ok") | (_, "/archive/broken") => ("200 OK", String::new()),
        (_, p) if p.starts_with("/slow/") => ("200 OK", String::new()),
        ("HEAD", "/no-head") => ("405 Method Not Allowed", "Allow: GET\r\n".to_owned()),
        ("GET", "/no-head") => ("200 OK", String::new()),
        (_, "/moved") => (
            "301 Moved Permanently",
            "Location: /new-home\r\n".to_owned(),
        ),
        (_, "/dir") => ("301 Moved Permanently", "Location: /dir/\r\n".to_owned()),
        (_, "/broken") => ("500 Internal Server Error", String::new()),
        _ => ("404 Not Found", String::new()),
    };
    // Every answer has the same small body, left out for HEAD.
    let body = if method == "HEAD" { "" } else { "page\n" };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\n{extra}Content-Length: 5\r\nConnection: close\r\n\r\n{body}"
    );
}

/// An address on 127.0.0.1 where nothing listens.
fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}/nothing-here")
}

// ------------------------------------------------------------------ fixture

fn first_briefing(server: &Server) -> String {
    format!(
        "---
title: First
date: 2024-10-31
summary: The first.
speakers:
  kim: {{name: Kim Song}}
sources:
  ok:
    title: A page that works
    url: {ok}
  gone:
    title: A page that is gone
    url: {gone}
  broken:
    title: A page whose server fails
    url: {broken}
    archived: {archive}
  moved:
    title: A page that moved
    url: {moved}
  slash:
    title: A folder without its slash
    url: {dir}
  picky:
    title: A server that refuses HEAD
    url: {no_head}
  hang:
    title: A server that never answers
    url: {hang}
claims:
  - {{id: a, speaker: kim, text: A., verdict: false, explanation: No., sources: [ok, gone]}}
  - {{id: b, speaker: kim, text: B., verdict: false, explanation: No., sources: [broken, moved]}}
  - {{id: c, speaker: kim, text: C., verdict: false, explanation: No., sources: [slash, picky, hang, gone]}}
---
Body.
",
        ok = server.url("/ok"),
        gone = server.url("/gone"),
        broken = server.url("/broken"),
        archive = server.url("/archive/broken"),
        moved = server.url("/moved"),
        dir = server.url("/dir"),
        no_head = server.url("/no-head"),
        hang = server.url("/hang"),
    )
}

fn second_briefing(server: &Server) -> String {
    format!(
        "---
title: Second
date: 2024-11-02
summary: The second.
speakers:
  kim: {{name: Kim Song}}
sources:
  same-gone:
    title: The gone page, cited again
    url: {gone}
  gone-too:
    title: A gone page whose archived copy is gone as well
    url: {gone_too}
    archived: {archive_dead}
claims:
  - {{id: d, speaker: kim, text: D., verdict: false, explanation: No., sources: [same-gone, gone-too, refused]}}
---
Body.
",
        gone = server.url("/gone"),
        gone_too = server.url("/gone-too"),
        archive_dead = server.url("/archive-dead"),
    )
}

/// Two briefings and a site-wide source, citing every kind of link.
fn site(server: &Server, closed: &str) -> Site {
    Site::with(&[
        ("content/briefings/first.md", &first_briefing(server)),
        ("content/briefings/second.md", &second_briefing(server)),
        (
            "content/sources.yaml",
            &format!("refused:\n  title: A server that is not there\n  url: {closed}\n"),
        ),
    ])
}

// ------------------------------------------------------------------ report

/// One block of the report: its first line split into label and text, and
/// the lines under it.
#[derive(Debug)]
struct Finding {
    label: String,
    headline: String,
    lines: Vec<String>,
}

impl Finding {
    /// The address the finding is about: the first one in its headline.
    fn url(&self) -> &str {
        let start = self.headline.find("http://").unwrap_or(0);
        self.headline[start..].split(' ').next().unwrap_or("")
    }

    fn has_line(&self, line: &str) -> bool {
        self.lines.iter().any(|l| l.trim() == line)
    }
}

/// The findings in stderr, in the order printed.
fn findings(run: &Run) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    for line in run.stderr.lines() {
        let labelled = ["error: ", "warning: ", "note: "]
            .iter()
            .find_map(|label| line.strip_prefix(label).map(|rest| (label, rest)));
        match labelled {
            // The closing `error: N dead links ...` line is not a finding.
            Some((label, rest)) if rest.contains("http://") => out.push(Finding {
                label: label.trim_end_matches(": ").to_owned(),
                headline: rest.to_owned(),
                lines: Vec::new(),
            }),
            Some(_) => {}
            None if line.starts_with("  ") => {
                if let Some(last) = out.last_mut() {
                    last.lines.push(line.to_owned());
                }
            }
            None => {}
        }
    }
    out
}

fn finding<'a>(all: &'a [Finding], url: &str) -> &'a Finding {
    all.iter()
        .find(|f| f.url() == url)
        .unwrap_or_else(|| panic!("no finding for {url} in {all:#?}"))
}

/// `file:line:column` of the value `url` as written in the site file `rel`.
fn place(site: &Site, rel: &str, value: &str) -> String {
    let text = std::fs::read_to_string(site.path(rel)).unwrap();
    for (i, line) in text.lines().enumerate() {
        if let Some(column) = line
            .find(value)
            .filter(|_| line.trim_end().ends_with(value))
        {
            return format!("{rel}:{}:{}", i + 1, column + 1);
        }
    }
    panic!("{value} is not written in {rel}");
}

fn check_links(site: &Site, extra: &[&str]) -> Run {
    let mut args = vec!["check", "--links", "--timeout", "1"];
    args.extend_from_slice(extra);
    site.run(&args)
}

/// The number written before `word` in the summary line on stdout.
fn summary_count(run: &Run, word: &str) -> usize {
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("Checked") && l.contains(" link"))
        .unwrap_or_else(|| panic!("no link summary in:\n{}", run.stdout));
    let tokens: Vec<&str> = line
        .split(|c: char| c.is_whitespace() || "(),:".contains(c))
        .filter(|t| !t.is_empty())
        .collect();
    tokens
        .windows(2)
        .find(|w| w[1].starts_with(word))
        .and_then(|w| w[0].parse().ok())
        .unwrap_or_else(|| panic!("no count of {word} in {line}"))
}

// ------------------------------------------------------------------ tests

#[test]
fn reports_dead_links_without_archive_first_then_dead_then_redirects() {
    let server = Server::start();
    let closed = closed_port_url();
    let site = site(&server, &closed);
    let run = check_links(&site, &[]);
    assert_eq!(
        run.status, 1,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );

    let all = findings(&run);
    let order: Vec<(&str, &str)> = all.iter().map(|f| (f.label.as_str(), f.url())).collect();
    let gone = server.url("/gone");
    let hang = server.url("/hang");
    let gone_too = server.url("/gone-too");
    let broken = server.url("/broken");
    let archive_dead = server.url("/archive-dead");
    let moved = server.url("/moved");
    let dir = server.url("/dir");
    assert_eq!(
        order,
        vec![
            ("error", gone.as_str()),
            ("error", hang.as_str()),
            ("error", gone_too.as_str()),
            ("error", closed.as_str()),
            ("warning", broken.as_str()),
            ("warning", archive_dead.as_str()),
            ("warning", moved.as_str()),
            ("note", dir.as_str()),
        ],
        "stderr:\n{}",
        run.stderr
    );
    for alive in ["/ok", "/no-head", "/archive/broken"] {
        assert!(
            !all.iter().any(|f| f.url() == server.url(alive)),
            "{alive} answers and is not reported:\n{}",
            run.stderr
        );
    }
    assert!(
        run.stderr
            .contains("error: 4 dead links with no working archived copy"),
        "{}",
        run.stderr
    );
}

#[test]
fn each_finding_names_its_status_places_and_citing_claims() {
    let server = Server::start();
    let closed = closed_port_url();
    let site = site(&server, &closed);
    let run = check_links(&site, &[]);
    let all = findings(&run);
    let first = "content/briefings/first.md";
    let second = "content/briefings/second.md";

    let gone = finding(&all, &server.url("/gone"));
    assert!(gone.headline.contains("404 Not Found"), "{gone:#?}");
    // Written in two briefings, requested once, every citing claim listed.
    let url = server.url("/gone");
    assert!(
        gone.has_line(&format!(
            "--> {}: url of source `gone` (sources.gone.url)",
            place(&site, first, &url)
        )),
        "{gone:#?}"
    );
    assert!(
        gone.has_line(&format!(
            "--> {}: url of source `same-gone` (sources.same-gone.url)",
            place(&site, second, &url)
        )),
        "{gone:#?}"
    );
    for claim in [
        format!("cited by claim `a` in {first}"),
        format!("cited by claim `c` in {first}"),
        format!("cited by claim `d` in {second}"),
    ] {
        assert!(gone.has_line(&claim), "missing `{claim}` in {gone:#?}");
    }
    assert!(gone.has_line("no archived copy"), "{gone:#?}");
    assert!(
        !gone.has_line(&format!("cited by claim `b` in {first}")),
        "{gone:#?}"
    );
    assert_eq!(server.count("HEAD /gone"), 1, "{:?}", server.requests());

    let hang = finding(&all, &server.url("/hang"));
    assert!(hang.headline.contains("no answer within 1 s"), "{hang:#?}");

    let refused = finding(&all, &closed);
    assert!(
        refused.headline.contains("connection refused"),
        "{refused:#?}"
    );
    assert!(
        refused.has_line(&format!(
            "--> {}: url of source `refused` (refused.url)",
            place(&site, "content/sources.yaml", &closed)
        )),
        "{refused:#?}"
    );
    assert!(
        refused.has_line(&format!("cited by claim `d` in {second}")),
        "{refused:#?}"
    );

    let gone_too = finding(&all, &server.url("/gone-too"));
    assert!(
        gone_too.has_line(&format!("archived copy: {}", server.url("/archive-dead"))),
        "{gone_too:#?}"
    );

    let broken = finding(&all, &server.url("/broken"));
    assert!(
        broken.headline.contains("500 Internal Server Error"),
        "{broken:#?}"
    );
    assert!(
        broken.has_line(&format!("archived copy: {}", server.url("/archive/broken"))),
        "{broken:#?}"
    );
    assert!(
        broken.has_line(&format!("cited by claim `b` in {first}")),
        "{broken:#?}"
    );

    let archive_dead = finding(&all, &server.url("/archive-dead"));
    assert!(archive_dead
        .lines
        .iter()
        .any(|l| l.contains("archived copy of source `gone-too`")));

    let moved = finding(&all, &server.url("/moved"));
    assert!(
        moved.headline.contains(&format!(
            "-> {} (301 Moved Permanently)",
            server.url("/new-home")
        )),
        "{moved:#?}"
    );
    assert!(
        moved.has_line(&format!("cited by claim `b` in {first}")),
        "{moved:#?}"
    );
    // Redirects are reported, not followed.
    assert_eq!(server.count("HEAD /new-home"), 0, "{:?}", server.requests());

    // A server refusing HEAD is asked again with GET.
    assert_eq!(server.count("HEAD /no-head"), 1, "{:?}", server.requests());
    assert_eq!(server.count("GET /no-head"), 1, "{:?}", server.requests());

    assert_eq!(summary_count(&run, "link"), 11, "{}", run.stdout);
    assert_eq!(summary_count(&run, "dead"), 6, "{}", run.stdout);
    assert_eq!(summary_count(&run, "redirected"), 2, "{}", run.stdout);
}

#[test]
fn asks_one_host_at_most_two_at_a_time() {
    let server = Server::start();
    let sources: String = (0..8)
        .map(|i| {
            format!(
                "  s{i}: {{title: Slow {i}, url: \"{}\"}}\n",
                server.url(&format!("/slow/{i}"))
            )
        })
        .collect();
    let ids: Vec<String> = (0..8).map(|i| format!("s{i}")).collect();
    let briefing = format!(
        "---\ntitle: Slow\ndate: 2024-10-31\nsummary: S.\nspeakers:\n  kim: {{name: Kim}}\nsources:\n{sources}claims:\n  - {{id: a, speaker: kim, text: A., verdict: false, explanation: No., sources: [{}]}}\n---\nBody.\n",
        ids.join(", ")
    );
    let site = Site::with(&[("content/briefings/slow.md", &briefing)]);
    let run = site.run(&["check", "--links", "--timeout", "5"]);
    assert_eq!(
        run.status, 0,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    assert_eq!(server.requests().len(), 8, "{:?}", server.requests());
    assert_eq!(server.most_at_once(), 2, "requests at once to one host");
}

#[test]
fn the_cache_spares_a_second_run_every_request_and_refresh_asks_again() {
    let server = Server::start();
    let closed = closed_port_url();
    let site = site(&server, &closed);
    let first = check_links(&site, &[]);
    assert!(!server.requests().is_empty());
    assert!(site.path(".brief-cache/links.json").is_file());
    assert_eq!(summary_count(&first, "from"), 0, "{}", first.stdout);

    server.forget();
    let second = check_links(&site, &[]);
    assert_eq!(
        server.requests(),
        Vec::<String>::new(),
        "a cached run asked the server"
    );
    assert_eq!(second.status, first.status);
    assert_eq!(second.stderr, first.stderr, "the cached report differs");
    assert_eq!(summary_count(&second, "from"), 11, "{}", second.stdout);

    let refreshed = check_links(&site, &["--refresh"]);
    assert_eq!(server.count("HEAD /ok"), 1, "{:?}", server.requests());
    assert_eq!(server.count("HEAD /gone"), 1, "{:?}", server.requests());
    assert_eq!(summary_count(&refreshed, "from"), 0, "{}", refreshed.stdout);
    assert_eq!(refreshed.stderr, first.stderr);

    server.forget();
    check_links(&site, &["--max-age", "0"]);
    assert_eq!(server.count("HEAD /ok"), 1, "--max-age 0 reuses nothing");
}

#[test]
fn a_corrupt_cache_is_ignored_with_a_warning_and_rewritten() {
    let server = Server::start();
    let site = Site::with(&[
        (
            "content/briefings/x.md",
            &common::MINIMAL_BRIEFING.replace(
                "https://www.un.org/en/about-us/un-charter/full-text",
                &server.url("/ok"),
            ),
        ),
        (
            ".brief-cache/links.json",
            "{\"version\": 1, \"links\": {\"http",
        ),
    ]);
    let run = check_links(&site, &[]);
    assert_eq!(
        run.status, 0,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    assert!(
        run.stderr
            .contains("warning: the link cache .brief-cache/links.json is unusable"),
        "{}",
        run.stderr
    );
    assert_eq!(server.count("HEAD /ok"), 1);
    let text = std::fs::read_to_string(site.path(".brief-cache/links.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).expect("the cache was rewritten");
    assert_eq!(
        json["links"][server.url("/ok")]["result"],
        "alive",
        "{text}"
    );

    server.forget();
    let again = check_links(&site, &[]);
    assert!(!again.stderr.contains("unusable"), "{}", again.stderr);
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[test]
fn a_corrupt_cache_is_rewritten_even_when_no_link_needs_asking() {
    let briefing = common::MINIMAL_BRIEFING.replace(
        "url: https://www.un.org/en/about-us/un-charter/full-text",
        "withheld: An interview; the source asked not to be named",
    );
    let site = Site::with(&[
        ("content/briefings/x.md", &briefing),
        (".brief-cache/links.json", "not json"),
    ]);
    let first = check_links(&site, &[]);
    assert_eq!(first.status, 0, "{}", first.stderr);
    assert!(first.stderr.contains("unusable"), "{}", first.stderr);
    assert_eq!(summary_count(&first, "link"), 0, "{}", first.stdout);
    let second = check_links(&site, &[]);
    assert!(!second.stderr.contains("unusable"), "{}", second.stderr);
}

#[test]
fn redirects_and_archived_dead_links_are_warnings_only() {
    let server = Server::start();
    let briefing = common::MINIMAL_BRIEFING
        .replace(
            "    url: https://www.un.org/en/about-us/un-charter/full-text\n",
            &format!(
                "    url: {}\n    archived: {}\n  moved:\n    title: Moved\n    url: {}\n",
                server.url("/broken"),
                server.url("/archive/broken"),
                server.url("/moved")
            ),
        )
        .replace("sources: [charter]", "sources: [charter, moved]");
    let site = Site::with(&[("content/briefings/x.md", &briefing)]);
    let run = check_links(&site, &[]);
    assert_eq!(
        run.status, 0,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    let labels: Vec<String> = findings(&run).into_iter().map(|f| f.label).collect();
    assert_eq!(labels, ["warning", "warning"], "{}", run.stderr);

    // --quiet prints errors only: here, nothing.
    let quiet = check_links(&site, &["--quiet"]);
    assert_eq!(quiet.status, 0);
    assert_eq!(quiet.stdout, "");
    assert_eq!(quiet.stderr, "", "quiet run printed warnings");
}

#[test]
fn links_are_not_checked_when_the_content_has_errors() {
    let server = Server::start();
    let broken =
        first_briefing(&server).replace("speaker: kim, text: A.", "speaker: nobody, text: A.");
    let site = Site::with(&[("content/briefings/first.md", &broken)]);
    let run = check_links(&site, &[]);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr
            .contains("links are checked once the content has no errors"),
        "{}",
        run.stderr
    );
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    assert!(!site.path(".brief-cache").exists());
}

#[test]
fn the_cache_folder_is_not_part_of_the_site() {
    let server = Server::start();
    let briefing = common::MINIMAL_BRIEFING.replace(
        "https://www.un.org/en/about-us/un-charter/full-text",
        &server.url("/ok"),
    );
    let site = Site::with(&[("content/briefings/x.md", &briefing)]);
    assert_eq!(check_links(&site, &[]).status, 0);
    assert!(site.path(".brief-cache/links.json").is_file());
    assert!(site.path(".brief-cache/.gitignore").is_file());
    let check = site.run(&["check"]);
    assert_eq!(check.status, 0, "{}", check.stderr);
    assert!(!check.stderr.contains("brief-cache"), "{}", check.stderr);
    site.build();
    assert!(!site.path("public/.brief-cache").exists());
}

#[test]
fn link_flags_need_links_and_a_sensible_timeout() {
    let site = Site::with(&[("content/briefings/x.md", common::MINIMAL_BRIEFING)]);
    for args in [
        &["check", "--timeout", "2"][..],
        &["check", "--refresh"][..],
        &["check", "--max-age", "1"][..],
    ] {
        let run = site.run(args);
        assert_eq!(run.status, 2, "{args:?} without --links:\n{}", run.stderr);
        assert!(run.stderr.contains("--links"), "{}", run.stderr);
    }
    for bad in ["0", "soon", "9999"] {
        let run = site.run(&["check", "--links", "--timeout", bad]);
        assert_eq!(run.status, 2, "--timeout {bad}:\n{}", run.stderr);
        assert!(run.stderr.contains("seconds"), "{}", run.stderr);
    }
}
