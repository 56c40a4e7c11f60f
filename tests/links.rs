//! `brief check --links` against a real HTTP server on 127.0.0.1 that
//! answers each case a link checker meets: 200, redirects (a chain, a loop,
//! one to the home page), 401, 403, 404, 410, 429 with `Retry-After`, 500,
//! 503, a refused `HEAD`, and no answer at all. Checked: how each answer is
//! sorted (alive, dead, unverifiable), the report's findings and their
//! order, the claims and places listed, the exit status, the User-Agent,
//! the slowing down after a rate limit, and the cache. Nothing here reaches
//! beyond the loopback address.

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
    /// The User-Agent of every request.
    agents: Arc<Mutex<Vec<String>>>,
    /// Requests being answered now, and the most there ever were at once.
    busy: Arc<Mutex<(usize, usize)>>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let agents = Arc::new(Mutex::new(Vec::new()));
        let busy = Arc::new(Mutex::new((0, 0)));
        let (log, agent_log, count) = (requests.clone(), agents.clone(), busy.clone());
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (log, agent_log, count) = (log.clone(), agent_log.clone(), count.clone());
                thread::spawn(move || answer(stream, &log, &agent_log, &count));
            }
        });
        Server {
            base,
            requests,
            agents,
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

    /// Requests for `path`, whatever their method.
    fn asked(&self, path: &str) -> usize {
        let suffix = format!(" {path}");
        self.requests()
            .iter()
            .filter(|r| r.ends_with(&suffix))
            .count()
    }

    fn agents(&self) -> Vec<String> {
        self.agents.lock().unwrap().clone()
    }

    fn forget(&self) {
        self.requests.lock().unwrap().clear();
    }
}

fn answer(
    mut stream: TcpStream,
    log: &Mutex<Vec<String>>,
    agents: &Mutex<Vec<String>>,
    busy: &Mutex<(usize, usize)>,
) {
    let mut head = Vec::new();
    let mut buffer = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
        // A TLS handshake (record type 22): answer in plain HTTP, as a
        // server that speaks no TLS does.
        if head.first() == Some(&0x16) {
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
            return;
        }
    }
    let head = String::from_utf8_lossy(&head);
    let mut words = head.split_whitespace();
    let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let earlier = {
        let mut log = log.lock().unwrap();
        let suffix = format!(" {path}");
        let earlier = log.iter().filter(|r| r.ends_with(&suffix)).count();
        log.push(format!("{method} {path}"));
        earlier
    };
    if let Some((_, agent)) = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("user-agent"))
    {
        agents.lock().unwrap().push(agent.trim().to_owned());
    }
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
        (_, "/ok") | (_, "/archive/broken") | (_, "/new-home") | (_, "/dir/") | (_, "/") => {
            ("200 OK", String::new())
        }
        (_, "/final") => ("200 OK", String::new()),
        (_, p) if p.starts_with("/slow/") => ("200 OK", String::new()),
        (_, "/forbidden") => ("403 Forbidden", String::new()),
        (_, "/login") => ("401 Unauthorized", String::new()),
        (_, "/busy") => ("503 Service Unavailable", String::new()),
        (_, "/withdrawn") => ("410 Gone", String::new()),
        (_, "/to-home") => ("302 Found", "Location: /\r\n".to_owned()),
        (_, "/chain/1") => ("301 Moved Permanently", "Location: /chain/2\r\n".to_owned()),
        (_, "/chain/2") => ("302 Found", "Location: /chain/3\r\n".to_owned()),
        (_, "/chain/3") => ("307 Temporary Redirect", "Location: /final\r\n".to_owned()),
        (_, "/chain-to-gone") => ("301 Moved Permanently", "Location: /gone\r\n".to_owned()),
        (_, "/loop") => ("302 Found", "Location: /loop\r\n".to_owned()),
        // 429 once, with a wait in seconds or as a date, then 200.
        (_, "/limited-once") if earlier == 0 => {
            ("429 Too Many Requests", "Retry-After: 1\r\n".to_owned())
        }
        (_, "/limited-once-date") if earlier == 0 => {
            let when = chrono::Utc::now() + chrono::Duration::seconds(1);
            (
                "429 Too Many Requests",
                format!(
                    "Retry-After: {}\r\n",
                    when.format("%a, %d %b %Y %H:%M:%S GMT")
                ),
            )
        }
        (_, "/limited-once") | (_, "/limited-once-date") => ("200 OK", String::new()),
        (_, "/busy-once") if earlier == 0 => {
            ("503 Service Unavailable", "Retry-After: 1\r\n".to_owned())
        }
        (_, "/busy-once") => ("200 OK", String::new()),
        // 429 for ever, asking for a short wait or a long one.
        (_, "/limited") => ("429 Too Many Requests", "Retry-After: 1\r\n".to_owned()),
        (_, "/limited-long") => ("429 Too Many Requests", "Retry-After: 3600\r\n".to_owned()),
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
        let start = self.headline.find("http").unwrap_or(0);
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
            Some((label, rest)) if rest.contains("://") => out.push(Finding {
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
            ("error", gone_too.as_str()),
            ("error", closed.as_str()),
            ("warning", archive_dead.as_str()),
            ("warning", broken.as_str()),
            ("warning", hang.as_str()),
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
            .contains("error: 3 dead links with no working archived copy"),
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
    assert!(
        hang.headline.starts_with("unverifiable link:")
            && hang.headline.contains("no answer within 1 s"),
        "{hang:#?}"
    );

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
        broken
            .headline
            .contains("500 Internal Server Error: server trouble; check it in a browser"),
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
    // Redirects are followed to see where they end, and reported.
    assert_eq!(server.count("HEAD /new-home"), 1, "{:?}", server.requests());

    // A server refusing HEAD is asked again with GET.
    assert_eq!(server.count("HEAD /no-head"), 1, "{:?}", server.requests());
    assert_eq!(server.count("GET /no-head"), 1, "{:?}", server.requests());

    assert_eq!(summary_count(&run, "link"), 11, "{}", run.stdout);
    assert_eq!(summary_count(&run, "alive"), 3, "{}", run.stdout);
    assert_eq!(summary_count(&run, "dead"), 4, "{}", run.stdout);
    assert_eq!(summary_count(&run, "unverifiable"), 2, "{}", run.stdout);
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
    assert!(run.stderr.contains("unverifiable link:"), "{}", run.stderr);

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

// ------------------------------------------------------------------ classes

/// A briefing whose sources have the given `(id, url)`, with no archived
/// copies, all cited by one claim.
fn briefing_citing(sources: &[(&str, String)]) -> String {
    let list: String = sources
        .iter()
        .map(|(id, url)| format!("  {id}:\n    title: Source {id}\n    url: \"{url}\"\n"))
        .collect();
    let ids: Vec<&str> = sources.iter().map(|(id, _)| *id).collect();
    format!(
        "---\ntitle: Cases\ndate: 2024-10-31\nsummary: S.\nspeakers:\n  kim: {{name: Kim}}\nsources:\n{list}claims:\n  - {{id: a, speaker: kim, text: A., verdict: false, explanation: No., sources: [{}]}}\n---\nBody.\n",
        ids.join(", ")
    )
}

fn site_citing(sources: &[(&str, String)]) -> Site {
    Site::with(&[("content/briefings/cases.md", &briefing_citing(sources))])
}

#[test]
fn sorts_each_answer_into_alive_dead_or_unverifiable() {
    let server = Server::start();
    let closed = closed_port_url();
    let unknown = "http://nonexistent.invalid/report".to_owned();
    let cases = [
        ("forbidden", "/forbidden"),
        ("login", "/login"),
        ("busy", "/busy"),
        ("broken", "/broken"),
        ("hang", "/hang"),
        ("loop", "/loop"),
        ("gone", "/gone"),
        ("withdrawn", "/withdrawn"),
        ("to-home", "/to-home"),
        ("chain-to-gone", "/chain-to-gone"),
        ("chain", "/chain/1"),
        ("ok", "/ok"),
    ];
    let mut sources: Vec<(&str, String)> = cases
        .iter()
        .map(|(id, path)| (*id, server.url(path)))
        .collect();
    sources.push(("refused", closed.clone()));
    sources.push(("unknown", unknown.clone()));
    let site = site_citing(&sources);
    let run = check_links(&site, &[]);
    assert_eq!(
        run.status, 1,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    let all = findings(&run);

    let expect = |url: &str, label: &str, words: &str| {
        let found = all
            .iter()
            .find(|f| f.headline.contains(&format!(" {url} ")))
            .unwrap_or_else(|| panic!("no finding for {url} in:\n{}", run.stderr));
        assert_eq!(found.label, label, "{found:#?}");
        assert!(
            found.headline.contains(words),
            "`{words}` not in {found:#?}"
        );
    };
    let unverifiable = "unverifiable link:";
    let dead = "dead link with no working archived copy:";
    for (path, words) in [
        (
            "/forbidden",
            "403 Forbidden: the server refuses automated requests; check it in a browser",
        ),
        ("/login", "401 Unauthorized: the server asks for a login"),
        (
            "/busy",
            "503 Service Unavailable: the server is busy or shows a challenge page",
        ),
        ("/broken", "500 Internal Server Error: server trouble"),
        ("/hang", "no answer within 1 s"),
        ("/loop", "302 Found, in a redirect loop"),
    ] {
        expect(&server.url(path), "warning", unverifiable);
        expect(&server.url(path), "warning", words);
    }
    for (url, words) in [
        (server.url("/gone"), "(404 Not Found)".to_owned()),
        (server.url("/withdrawn"), "(410 Gone)".to_owned()),
        (
            server.url("/to-home"),
            format!(
                "302 Found to the home page {}: the document is likely gone",
                server.url("/")
            ),
        ),
        (
            server.url("/chain-to-gone"),
            format!(
                "301 Moved Permanently to {}: 404 Not Found",
                server.url("/gone")
            ),
        ),
        (closed.clone(), "connection refused".to_owned()),
        (unknown.clone(), "host not found".to_owned()),
    ] {
        expect(&url, "error", dead);
        expect(&url, "error", &words);
    }
    // A chain of redirects ending alive is a redirect to where it ends.
    expect(
        &server.url("/chain/1"),
        "warning",
        &format!(
            "redirected link: {} -> {} (301 Moved Permanently)",
            server.url("/chain/1"),
            server.url("/final")
        ),
    );
    assert_eq!(server.asked("/final"), 1, "{:?}", server.requests());
    // A bot wall is asked with GET as well before it is believed.
    assert_eq!(server.count("GET /forbidden"), 1, "{:?}", server.requests());
    assert!(!all.iter().any(|f| f.url() == server.url("/ok")));
    assert!(
        run.stderr
            .contains("error: 6 dead links with no working archived copy"),
        "{}",
        run.stderr
    );
    assert_eq!(summary_count(&run, "alive"), 1, "{}", run.stdout);
    assert_eq!(summary_count(&run, "dead"), 6, "{}", run.stdout);
    assert_eq!(summary_count(&run, "unverifiable"), 6, "{}", run.stdout);
    assert_eq!(summary_count(&run, "redirected"), 1, "{}", run.stdout);
}

#[test]
fn only_unverifiable_links_leave_the_check_passing() {
    let server = Server::start();
    let limited = Server::start();
    let site = site_citing(&[
        ("forbidden", server.url("/forbidden")),
        ("login", server.url("/login")),
        ("busy", server.url("/busy")),
        ("broken", server.url("/broken")),
        ("hang", server.url("/hang")),
        ("limited", limited.url("/limited-long")),
        // TLS asked of a server that speaks plain HTTP.
        ("tls", server.url("/ok").replacen("http://", "https://", 1)),
    ]);
    let run = check_links(&site, &[]);
    assert_eq!(
        run.status, 0,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    let all = findings(&run);
    assert_eq!(all.len(), 7, "{}", run.stderr);
    let tls = finding(&all, &server.url("/ok").replacen("http://", "https://", 1));
    assert!(tls.headline.contains("(TLS error ("), "{tls:#?}");
    assert!(
        all.iter()
            .all(|f| f.label == "warning" && f.headline.starts_with("unverifiable link:")),
        "{}",
        run.stderr
    );
    assert_eq!(summary_count(&run, "unverifiable"), 7, "{}", run.stdout);
    assert_eq!(summary_count(&run, "dead"), 0, "{}", run.stdout);
}

#[test]
fn retry_after_is_waited_for_and_the_retry_answers() {
    let limited = Server::start();
    let busy = Server::start();
    let site = site_citing(&[
        ("seconds", limited.url("/limited-once")),
        ("date", limited.url("/limited-once-date")),
        ("busy", busy.url("/busy-once")),
    ]);
    let run = check_links(&site, &[]);
    assert_eq!(
        run.status, 0,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    assert!(findings(&run).is_empty(), "{}", run.stderr);
    assert_eq!(summary_count(&run, "alive"), 3, "{}", run.stdout);
    // Asked, told to wait, asked again.
    assert_eq!(
        limited.count("HEAD /limited-once"),
        2,
        "{:?}",
        limited.requests()
    );
    assert_eq!(
        limited.count("HEAD /limited-once-date"),
        2,
        "{:?}",
        limited.requests()
    );
    assert_eq!(busy.count("HEAD /busy-once"), 2, "{:?}", busy.requests());
}

#[test]
fn a_rate_limit_that_never_clears_is_unverifiable() {
    let short = Server::start();
    let long = Server::start();
    let site = site_citing(&[
        ("short", short.url("/limited")),
        ("long", long.url("/limited-long")),
    ]);
    let run = check_links(&site, &[]);
    assert_eq!(
        run.status, 0,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    let all = findings(&run);
    let short_finding = finding(&all, &short.url("/limited"));
    assert!(
        short_finding
            .headline
            .contains("429 Too Many Requests: rate limited, still asked to wait after 2 retries"),
        "{short_finding:#?}"
    );
    // The first request and two retries.
    assert_eq!(short.count("HEAD /limited"), 3, "{:?}", short.requests());
    let long_finding = finding(&all, &long.url("/limited-long"));
    assert!(
        long_finding
            .headline
            .contains("429 Too Many Requests: rate limited, asked to wait 3600 s"),
        "{long_finding:#?}"
    );
    // Beyond the cap: not waited for, not asked again.
    assert_eq!(long.count("HEAD /limited-long"), 1, "{:?}", long.requests());
}

#[test]
fn a_host_that_rate_limits_is_asked_one_request_at_a_time() {
    let server = Server::start();
    let mut sources = vec![("limited", server.url("/limited-long"))];
    let ids = ["s0", "s1", "s2", "s3"];
    for (i, id) in ids.iter().enumerate() {
        sources.push((id, server.url(&format!("/slow/{i}"))));
    }
    let site = site_citing(&sources);
    let run = site.run(&["check", "--links", "--timeout", "5"]);
    assert_eq!(
        run.status, 0,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    assert_eq!(server.requests().len(), 5, "{:?}", server.requests());
    // The first slow request may run beside the one answered 429; every
    // later one waits for the host to be free.
    assert_eq!(server.most_at_once(), 1, "requests at once after a 429");
}

#[test]
fn the_server_sees_an_honest_user_agent() {
    let server = Server::start();
    let site = site_citing(&[("ok", server.url("/ok"))]);
    site.write(
        "site.yaml",
        "title: Security Council Fact Desk\nbase_url: https://factdesk.example.org\n",
    );
    let run = check_links(&site, &[]);
    assert_eq!(
        run.status, 0,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    let agents = server.agents();
    assert_eq!(agents.len(), 1, "{agents:?}");
    let expected_start = format!(
        "brief/{} (+https://factdesk.example.org",
        env!("CARGO_PKG_VERSION")
    );
    assert!(
        agents[0].starts_with(&expected_start) && agents[0].ends_with("; link check)"),
        "{agents:?}"
    );
}

#[test]
fn claims_appearances_and_image_copies_are_checked_where_written() {
    let server = Server::start();
    let briefing = format!(
        "---
title: The pier
date: 2024-10-31
summary: S.
speakers:
  kim: {{name: Kim}}
sources:
  report:
    title: The report
    url: {ok}
claims:
  - id: built
    speaker: kim
    text: The pier was built in a week.
    verdict: 'false'
    explanation: It took three years.
    appearance: {gone}
    sources: [report]
    image:
      src: post.png
      alt: The post claiming the pier was built in a week
      archived: {withdrawn}
---
Body.
",
        ok = server.url("/ok"),
        gone = server.url("/post-gone"),
        withdrawn = server.url("/withdrawn"),
    );
    let site = Site::with(&[("content/briefings/pier/index.md", &briefing)]);
    site.write_bytes("content/briefings/pier/post.png", &png());
    let run = check_links(&site, &[]);
    // A dead appearance or image copy is a warning: the claim's evidence is
    // in its sources.
    assert_eq!(
        run.status, 0,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    let all = findings(&run);
    let file = "content/briefings/pier/index.md";
    let appearance = finding(&all, &server.url("/post-gone"));
    assert_eq!(appearance.label, "warning", "{appearance:#?}");
    assert!(
        appearance.headline.contains("404 Not Found"),
        "{appearance:#?}"
    );
    assert!(
        appearance.has_line(&format!(
            "--> {}: appearance of claim `built` (claims[0].appearance)",
            place(&site, file, &server.url("/post-gone"))
        )),
        "{appearance:#?}"
    );
    assert!(appearance
        .lines
        .iter()
        .any(|l| l.contains("update `appearance:`")));
    let copy = finding(&all, &server.url("/withdrawn"));
    assert_eq!(copy.label, "warning", "{copy:#?}");
    assert!(
        copy.has_line(&format!(
            "--> {}: archived copy of the image of claim `built` (claims[0].image.archived)",
            place(&site, file, &server.url("/withdrawn"))
        )),
        "{copy:#?}"
    );
    assert_eq!(summary_count(&run, "link"), 3, "{}", run.stdout);
}

/// A small PNG, for a claim's image.
fn png() -> Vec<u8> {
    let image = image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([x as u8, y as u8, 90]));
    let mut bytes = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut bytes, image::ImageFormat::Png)
        .expect("encode");
    bytes.into_inner()
}

#[test]
fn dead_answers_are_cached_for_an_hour_and_alive_ones_for_max_age() {
    let server = Server::start();
    let site = site_citing(&[("ok", server.url("/ok")), ("gone", server.url("/gone"))]);
    assert_eq!(check_links(&site, &[]).status, 1);
    // Age every answer by two hours, as if the run had been then.
    let path = site.path(".brief-cache/links.json");
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let then = (chrono::Utc::now() - chrono::Duration::hours(2))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    for entry in json["links"].as_object_mut().unwrap().values_mut() {
        entry["checked"] = then.clone().into();
    }
    std::fs::write(&path, serde_json::to_string(&json).unwrap()).unwrap();

    server.forget();
    let again = check_links(&site, &[]);
    assert_eq!(again.status, 1, "{}", again.stderr);
    assert_eq!(server.count("HEAD /gone"), 1, "the dead answer was reused");
    assert_eq!(
        server.count("HEAD /ok"),
        0,
        "the alive answer was asked again"
    );
    assert_eq!(summary_count(&again, "from"), 1, "{}", again.stdout);
}
