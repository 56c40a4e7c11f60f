//! Asking servers about addresses: many at once, a few per host, each with
//! a time limit, following redirects to where an address ends.
//!
//! Each address is asked with `HEAD` (no body to download) and, when a
//! server refuses `HEAD` (405, 501 or 403), again with `GET`, whose body is
//! never read. Redirects are followed a few hops, so an address is judged
//! by where it ends: one that ends on a site's home page is counted dead
//! (the usual way a site says "gone" without a 404). Only 404 and 410, an
//! unknown host and a refused connection say for certain that a document
//! is gone; every other failure (bot walls, rate limits, busy servers,
//! timeouts) is unverifiable, because readers may well reach the page. A
//! `429` or `503` with `Retry-After` is asked again after the wait, within
//! a budget, and a host that answers `429` is asked one request at a time,
//! spaced out, for the rest of the run.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use reqwest::{Client, Method, StatusCode};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use super::{status_text, Outcome};

/// Requests in flight at once, across all hosts.
pub(crate) const TOTAL: usize = 16;
/// Requests in flight at once to one host (host and port), so a site with
/// many sources on one server does not hammer it.
pub(crate) const PER_HOST: usize = 2;
/// Redirects followed from one address before giving up.
pub(crate) const MAX_HOPS: usize = 5;
/// Times one address is asked again after a `Retry-After`.
pub(crate) const MAX_RETRIES: usize = 2;
/// The longest total wait on `Retry-After` for one address; it is also
/// never more than three times `--timeout`.
pub(crate) const MAX_WAIT: Duration = Duration::from_secs(30);
/// The least time between two requests to a host that has answered `429`.
pub(crate) const SLOWED_SPACING: Duration = Duration::from_secs(1);

/// Statuses with which servers refuse `HEAD` while answering `GET`.
const HEAD_REFUSED: [StatusCode; 3] = [
    StatusCode::METHOD_NOT_ALLOWED,
    StatusCode::NOT_IMPLEMENTED,
    StatusCode::FORBIDDEN,
];

/// The User-Agent sent: the program, and the site whose links these are,
/// so a server's owner can see who asks and why.
pub(crate) fn user_agent(base_url: &str) -> String {
    format!(
        "brief/{} (+{base_url}; link check)",
        env!("CARGO_PKG_VERSION")
    )
}

/// The longest total wait on `Retry-After` for one address.
pub(crate) fn wait_budget(timeout: Duration) -> Duration {
    MAX_WAIT.min(timeout.saturating_mul(3))
}

/// Asks about every address in `urls` (each once) and returns each with
/// what its server said, in the order given.
pub(crate) fn check_all(
    urls: Vec<String>,
    timeout: Duration,
    user_agent: &str,
) -> anyhow::Result<Vec<(String, Outcome)>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the runtime that checks links")?;
    runtime.block_on(check_all_async(urls, timeout, user_agent))
}

/// One server (host and port) and how it may be asked.
struct Host {
    /// [`PER_HOST`] places; a slowed host's request takes them all.
    places: Arc<Semaphore>,
    /// Set once the host answers `429`.
    slowed: AtomicBool,
    /// When the last request to a slowed host started.
    last_start: tokio::sync::Mutex<Option<Instant>>,
}

/// What every check shares: the client, the limits and the hosts.
struct Checker {
    client: Client,
    timeout: Duration,
    total: Arc<Semaphore>,
    hosts: Mutex<HashMap<String, Arc<Host>>>,
}

async fn check_all_async(
    urls: Vec<String>,
    timeout: Duration,
    user_agent: &str,
) -> anyhow::Result<Vec<(String, Outcome)>> {
    let client = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent(user_agent)
        .build()
        .context("cannot set up the HTTP client that checks links")?;
    let checker = Arc::new(Checker {
        client,
        timeout,
        total: Arc::new(Semaphore::new(TOTAL)),
        hosts: Mutex::new(HashMap::new()),
    });
    let mut tasks = tokio::task::JoinSet::new();
    for (i, url) in urls.iter().enumerate() {
        let checker = checker.clone();
        let url = url.clone();
        tasks.spawn(async move { (i, checker.check_one(&url).await) });
    }
    let mut outcomes: Vec<Option<Outcome>> = vec![None; urls.len()];
    while let Some(joined) = tasks.join_next().await {
        let (i, outcome) = joined.context("a link check stopped unexpectedly")?;
        outcomes[i] = Some(outcome);
    }
    Ok(urls
        .into_iter()
        .zip(outcomes)
        .map(|(url, outcome)| {
            let outcome = outcome.unwrap_or_else(|| Outcome::Unverifiable {
                status: None,
                reason: "not checked".into(),
            });
            (url, outcome)
        })
        .collect())
}

/// The host and port of an address, which share one per-host limit.
fn host_key(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(parsed) => format!(
            "{}:{}",
            parsed.host_str().unwrap_or_default(),
            parsed.port_or_known_default().unwrap_or_default()
        ),
        Err(_) => url.to_owned(),
    }
}

/// Where following an address's redirects ended.
enum Followed {
    Done(Outcome),
    /// The server asked to come back later (`429` or `503` with
    /// `Retry-After`).
    Wait {
        status: u16,
        wait: Duration,
    },
}

impl Checker {
    fn host(&self, url: &str) -> Arc<Host> {
        let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        hosts
            .entry(host_key(url))
            .or_insert_with(|| {
                Arc::new(Host {
                    places: Arc::new(Semaphore::new(PER_HOST)),
                    slowed: AtomicBool::new(false),
                    last_start: tokio::sync::Mutex::new(None),
                })
            })
            .clone()
    }

    /// What the server says about one address, after its redirects and
    /// any waits it asks for.
    async fn check_one(&self, url: &str) -> Outcome {
        if let Some(outcome) = never_resolves(url) {
            return outcome;
        }
        let budget = wait_budget(self.timeout);
        let mut waited = Duration::ZERO;
        let mut retries = 0;
        loop {
            match self.follow(url).await {
                Followed::Done(outcome) => return outcome,
                Followed::Wait { status, wait } => {
                    if retries < MAX_RETRIES && waited + wait <= budget {
                        tokio::time::sleep(wait).await;
                        waited += wait;
                        retries += 1;
                        continue;
                    }
                    let why = if status == 429 {
                        "rate limited"
                    } else {
                        "busy"
                    };
                    let reason = if retries == MAX_RETRIES {
                        format!(
                            "{}: {why}, still asked to wait after {retries} retries; check it in a browser",
                            status_text(status),
                        )
                    } else {
                        format!(
                            "{}: {why}, asked to wait {} (brief waits at most {} in all for one address); check it in a browser",
                            status_text(status),
                            seconds(wait),
                            seconds(budget)
                        )
                    };
                    return Outcome::Unverifiable {
                        status: Some(status),
                        reason,
                    };
                }
            }
        }
    }

    /// Asks about `url`, following its redirects.
    async fn follow(&self, url: &str) -> Followed {
        let original = url::Url::parse(url).ok();
        let mut current = url.to_owned();
        let mut seen = vec![url.to_owned()];
        let mut first_redirect: Option<u16> = None;
        loop {
            let response = match self.answer(&current).await {
                Ok(response) => response,
                Err(err) => {
                    let outcome = from_error(&err, self.timeout);
                    return Followed::Done(after_redirects(first_redirect, &current, outcome));
                }
            };
            let status = response.status();
            if status.is_redirection() {
                let Some(next) = location(&current, &response) else {
                    return Followed::Done(Outcome::Dead {
                        status: Some(status.as_u16()),
                        reason: format!(
                            "{}, with no usable Location to go to",
                            status_text(status.as_u16())
                        ),
                    });
                };
                let first = *first_redirect.get_or_insert(status.as_u16());
                if original.as_ref().is_some_and(has_real_path) && is_home_page(&next) {
                    return Followed::Done(Outcome::Dead {
                        status: Some(first),
                        reason: format!(
                            "{} to the home page {next}: the document is likely gone",
                            status_text(first)
                        ),
                    });
                }
                if seen.contains(&next) {
                    return Followed::Done(Outcome::Unverifiable {
                        status: Some(first),
                        reason: format!(
                            "{}, in a redirect loop (some sites loop for clients that keep no cookies); check it in a browser",
                            status_text(first)
                        ),
                    });
                }
                if seen.len() > MAX_HOPS {
                    return Followed::Done(Outcome::Unverifiable {
                        status: Some(first),
                        reason: format!(
                            "{}, then more than {MAX_HOPS} redirects; check it in a browser",
                            status_text(first)
                        ),
                    });
                }
                seen.push(next.clone());
                current = next;
                continue;
            }
            if matches!(
                status,
                StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
            ) {
                if let Some(wait) = retry_after(&response, Utc::now()) {
                    return Followed::Wait {
                        status: status.as_u16(),
                        wait,
                    };
                }
            }
            let outcome = from_status(status.as_u16());
            return Followed::Done(after_redirects(first_redirect, &current, outcome));
        }
    }

    /// One address asked with `HEAD`, and with `GET` when `HEAD` is refused.
    async fn answer(&self, url: &str) -> reqwest::Result<reqwest::Response> {
        match self.send(Method::HEAD, url).await {
            Ok(response) if HEAD_REFUSED.contains(&response.status()) => {
                self.send(Method::GET, url).await
            }
            other => other,
        }
    }

    /// One request, in its turn: a place at the host (all of them, spaced
    /// out, once the host has answered `429`), then one of the total.
    async fn send(&self, method: Method, url: &str) -> reqwest::Result<reqwest::Response> {
        let host = self.host(url);
        // The host's turn first, so waiting on a busy host holds no place
        // that another host could use.
        let _places = self.host_places(&host).await;
        if host.slowed.load(Ordering::SeqCst) {
            let mut last = host.last_start.lock().await;
            if let Some(last) = *last {
                tokio::time::sleep_until(last + SLOWED_SPACING).await;
            }
            *last = Some(Instant::now());
        }
        let _total = self.total.clone().acquire_owned().await;
        // The response is dropped unread: only its status and headers matter.
        let response = self.client.request(method, url).send().await;
        if matches!(&response, Ok(r) if r.status() == StatusCode::TOO_MANY_REQUESTS) {
            host.slowed.store(true, Ordering::SeqCst);
        }
        response
    }

    /// A place at `host`: one, or every one once it is slowed, so its
    /// requests go one at a time.
    async fn host_places(&self, host: &Host) -> Option<OwnedSemaphorePermit> {
        loop {
            let slowed = host.slowed.load(Ordering::SeqCst);
            let wanted = if slowed { PER_HOST as u32 } else { 1 };
            // The semaphore is never closed; were it, the request would go
            // unlimited rather than fail.
            let permit = host.places.clone().acquire_many_owned(wanted).await.ok();
            // Slowed while waiting: give the place back and wait for all.
            if slowed || !host.slowed.load(Ordering::SeqCst) {
                return permit;
            }
        }
    }
}

/// `.invalid` names never resolve (RFC 6761), so there is nothing to ask.
fn never_resolves(url: &str) -> Option<Outcome> {
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed
        .host_str()?
        .trim_end_matches('.')
        .to_ascii_lowercase();
    (host == "invalid" || host.ends_with(".invalid")).then(|| Outcome::Dead {
        status: None,
        reason: "host not found (.invalid names never resolve)".to_owned(),
    })
}

/// A redirect's target, made absolute.
fn location(from: &str, response: &reqwest::Response) -> Option<String> {
    let target = response
        .headers()
        .get(reqwest::header::LOCATION)?
        .to_str()
        .ok()?;
    Some(url::Url::parse(from).ok()?.join(target).ok()?.to_string())
}

/// Whether an address names a document: a path other than `/`, or a query.
fn has_real_path(url: &url::Url) -> bool {
    !matches!(url.path(), "" | "/") || url.query().is_some()
}

/// Whether a redirect target is a site's home page: `/`, with no query.
fn is_home_page(target: &str) -> bool {
    url::Url::parse(target).is_ok_and(|u| !has_real_path(&u))
}

/// How long `Retry-After` asks to wait: seconds, or an HTTP date.
fn retry_after(response: &reqwest::Response, now: DateTime<Utc>) -> Option<Duration> {
    let value = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?;
    parse_retry_after(value, now)
}

pub(crate) fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = DateTime::parse_from_rfc2822(value).ok()?;
    // A date already past means "now".
    Some(
        (when.with_timezone(&Utc) - now)
            .to_std()
            .unwrap_or(Duration::ZERO),
    )
}

/// An outcome at the end of redirects, said of the address first asked.
fn after_redirects(first: Option<u16>, target: &str, outcome: Outcome) -> Outcome {
    let Some(first) = first else { return outcome };
    let via = |reason: String| format!("{} to {target}: {reason}", status_text(first));
    match outcome {
        Outcome::Alive { .. } => Outcome::Redirect {
            status: first,
            location: target.to_owned(),
        },
        Outcome::Dead { status, reason } => Outcome::Dead {
            status,
            reason: via(reason),
        },
        Outcome::Unverifiable { status, reason } => Outcome::Unverifiable {
            status,
            reason: via(reason),
        },
        redirect @ Outcome::Redirect { .. } => redirect,
    }
}

/// What a final (not redirecting) status says of an address.
pub(crate) fn from_status(status: u16) -> Outcome {
    let text = status_text(status);
    let unverifiable = |why: &str| Outcome::Unverifiable {
        status: Some(status),
        reason: format!("{text}: {why}; check it in a browser"),
    };
    match status {
        200..=299 => Outcome::Alive { status },
        404 | 410 => Outcome::Dead {
            status: Some(status),
            reason: text,
        },
        401 | 407 => unverifiable("the server asks for a login"),
        403 => unverifiable("the server refuses automated requests"),
        429 => unverifiable("rate limited"),
        503 => unverifiable("the server is busy or shows a challenge page"),
        500..=599 => unverifiable("server trouble"),
        _ => unverifiable("the server refuses the request"),
    }
}

fn from_error(err: &reqwest::Error, timeout: Duration) -> Outcome {
    let dead = |reason: String| Outcome::Dead {
        status: None,
        reason,
    };
    let unverifiable = |reason: String| Outcome::Unverifiable {
        status: None,
        reason,
    };
    let no_answer = || unverifiable(format!("no answer within {}", seconds(timeout)));
    if err.is_timeout() {
        return no_answer();
    }
    if chain(err).any(|e| e.to_string().contains("dns error")) {
        return dead("host not found (DNS lookup failed)".to_owned());
    }
    if let Some(tls) = tls_error(err) {
        return unverifiable(format!(
            "TLS error ({tls}); check it in a browser, which may trust what brief does not"
        ));
    }
    if let Some(io) = find_io_error(err) {
        return match io.kind() {
            std::io::ErrorKind::ConnectionRefused => dead("connection refused".to_owned()),
            std::io::ErrorKind::TimedOut => no_answer(),
            std::io::ErrorKind::ConnectionReset => unverifiable(
                "connection reset by the server (some servers drop automated clients)".to_owned(),
            ),
            _ => unverifiable(format!("cannot connect ({io})")),
        };
    }
    unverifiable(if err.is_connect() {
        format!("cannot connect ({})", innermost(err))
    } else {
        format!("request failed ({})", innermost(err))
    })
}

/// What went wrong setting up TLS, if that is what failed. rustls's errors
/// arrive boxed inside an I/O error of kind `InvalidData`, so they are
/// told apart by that and by their text.
fn tls_error(err: &reqwest::Error) -> Option<String> {
    if err.url().is_none_or(|u| u.scheme() != "https") {
        return None;
    }
    let words = [
        "certificate",
        "tls",
        "handshake",
        "alert",
        "corrupt message",
        "peer is incompatible",
        "peer misbehaved",
    ];
    chain(err)
        .find(|e| {
            let text = e.to_string().to_ascii_lowercase();
            words.iter().any(|word| text.contains(word))
                || e.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::InvalidData)
        })
        .map(|e| match e.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map_or_else(|| io.to_string(), |inner| inner.to_string()),
            None => e.to_string(),
        })
}

fn chain<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(err), |e| e.source())
}

fn find_io_error(err: &reqwest::Error) -> Option<&std::io::Error> {
    chain(err).find_map(|e| e.downcast_ref::<std::io::Error>())
}

fn innermost(err: &reqwest::Error) -> String {
    chain(err)
        .last()
        .map_or_else(|| err.to_string(), |e| e.to_string())
}

/// `10 s`, `0.5 s`.
pub(crate) fn seconds(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs.fract() == 0.0 {
        format!("{secs:.0} s")
    } else {
        format!("{secs} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_share_a_limit_per_host_and_port() {
        assert_eq!(host_key("https://a.org/x"), "a.org:443");
        assert_eq!(host_key("http://a.org/y"), "a.org:80");
        assert_eq!(host_key("http://a.org:8080/"), "a.org:8080");
    }

    #[test]
    fn seconds_are_written_plainly() {
        assert_eq!(seconds(Duration::from_secs(10)), "10 s");
        assert_eq!(seconds(Duration::from_millis(500)), "0.5 s");
    }

    #[test]
    fn retry_after_is_read_as_seconds_or_a_date() {
        let now = DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
    }

    #[test]
    fn the_wait_budget_is_capped_by_the_timeout() {
        assert_eq!(wait_budget(Duration::from_secs(1)), Duration::from_secs(3));
        assert_eq!(wait_budget(Duration::from_secs(60)), MAX_WAIT);
    }

    #[test]
    fn only_gone_documents_are_dead() {
        for status in [404, 410] {
            assert!(from_status(status).is_dead(), "{status}");
        }
        for status in [401, 403, 429, 500, 502, 503, 504, 400, 451, 999] {
            assert!(
                matches!(from_status(status), Outcome::Unverifiable { .. }),
                "{status}"
            );
        }
        assert_eq!(from_status(204), Outcome::Alive { status: 204 });
    }

    #[test]
    fn a_home_page_is_a_root_path_without_a_query() {
        assert!(is_home_page("https://a.org/"));
        assert!(is_home_page("https://a.org"));
        assert!(!is_home_page("https://a.org/?p=12"));
        assert!(!is_home_page("https://a.org/en/"));
        assert!(has_real_path(&url::Url::parse("https://a.org/x").unwrap()));
        assert!(!has_real_path(&url::Url::parse("https://a.org/").unwrap()));
    }

    #[test]
    fn invalid_names_are_dead_without_asking() {
        assert!(never_resolves("http://nonexistent.invalid/x").is_some_and(|o| o.is_dead()));
        assert!(never_resolves("http://a.org/x").is_none());
    }
}
