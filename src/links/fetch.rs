//! Asking servers about addresses: many at once, a few per host, each with
//! a time limit.
//!
//! Each address is asked with `HEAD` (no body to download) and, when a
//! server refuses `HEAD` (405, 501 or 403), again with `GET`, whose body is
//! never read. Redirects are not followed: a redirect is itself the finding,
//! reported with its target. A server that accepts the connection and never
//! answers ends as a timeout; one that cannot be reached at all (connection
//! refused, unknown host) is dead.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use reqwest::{Client, Method, StatusCode};
use tokio::sync::Semaphore;

use super::{status_text, Outcome};

/// Requests in flight at once, across all hosts.
pub(crate) const TOTAL: usize = 16;
/// Requests in flight at once to one host (host and port), so a site with
/// many sources on one server does not hammer it.
pub(crate) const PER_HOST: usize = 2;

/// Statuses with which servers refuse `HEAD` while answering `GET`.
const HEAD_REFUSED: [StatusCode; 3] = [
    StatusCode::METHOD_NOT_ALLOWED,
    StatusCode::NOT_IMPLEMENTED,
    StatusCode::FORBIDDEN,
];

/// Asks about every address in `urls` (each once) and returns each with
/// what its server said, in the order given.
pub(crate) fn check_all(
    urls: Vec<String>,
    timeout: Duration,
) -> anyhow::Result<Vec<(String, Outcome)>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the runtime that checks links")?;
    runtime.block_on(check_all_async(urls, timeout))
}

async fn check_all_async(
    urls: Vec<String>,
    timeout: Duration,
) -> anyhow::Result<Vec<(String, Outcome)>> {
    let client = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent(concat!(
            "brief/",
            env!("CARGO_PKG_VERSION"),
            " (link check of a fact-check site)"
        ))
        .build()
        .context("cannot set up the HTTP client that checks links")?;
    let total = Arc::new(Semaphore::new(TOTAL));
    let mut hosts: HashMap<String, Arc<Semaphore>> = HashMap::new();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, url) in urls.iter().enumerate() {
        let host = hosts
            .entry(host_key(url))
            .or_insert_with(|| Arc::new(Semaphore::new(PER_HOST)))
            .clone();
        let total = total.clone();
        let client = client.clone();
        let url = url.clone();
        tasks.spawn(async move {
            // The host's turn first, so waiting on a busy host holds no
            // place that another host could use.
            let _host = host.acquire_owned().await;
            let _total = total.acquire_owned().await;
            (i, check_one(&client, &url, timeout).await)
        });
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
            let outcome = outcome.unwrap_or_else(|| Outcome::Dead {
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

/// What the server says about one address.
pub(crate) async fn check_one(client: &Client, url: &str, timeout: Duration) -> Outcome {
    let response = match request(client, Method::HEAD, url).await {
        Ok(response) if HEAD_REFUSED.contains(&response.status()) => {
            request(client, Method::GET, url).await
        }
        other => other,
    };
    match response {
        Ok(response) => from_response(url, &response),
        Err(err) => from_error(&err, timeout),
    }
}

async fn request(client: &Client, method: Method, url: &str) -> reqwest::Result<reqwest::Response> {
    // The response is dropped unread: only its status and headers matter.
    client.request(method, url).send().await
}

fn from_response(url: &str, response: &reqwest::Response) -> Outcome {
    let status = response.status();
    if status.is_success() {
        return Outcome::Alive {
            status: status.as_u16(),
        };
    }
    if status.is_redirection() {
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|target| url::Url::parse(url).ok()?.join(target).ok());
        return match location {
            Some(location) => Outcome::Redirect {
                status: status.as_u16(),
                location: location.to_string(),
            },
            None => Outcome::Dead {
                status: Some(status.as_u16()),
                reason: format!(
                    "{}, with no usable Location to go to",
                    status_text(status.as_u16())
                ),
            },
        };
    }
    Outcome::Dead {
        status: Some(status.as_u16()),
        reason: status_text(status.as_u16()),
    }
}

fn from_error(err: &reqwest::Error, timeout: Duration) -> Outcome {
    let reason = if err.is_timeout() {
        format!("no answer within {}", seconds(timeout))
    } else if chain(err).any(|e| e.to_string().contains("dns error")) {
        "host not found (DNS lookup failed)".to_owned()
    } else if let Some(io) = find_io_error(err) {
        match io.kind() {
            std::io::ErrorKind::ConnectionRefused => "connection refused".to_owned(),
            std::io::ErrorKind::ConnectionReset => "connection reset by the server".to_owned(),
            std::io::ErrorKind::TimedOut => format!("no answer within {}", seconds(timeout)),
            _ => format!("cannot connect ({io})"),
        }
    } else if err.is_connect() {
        format!("cannot connect ({})", innermost(err))
    } else {
        format!("request failed ({})", innermost(err))
    };
    Outcome::Dead {
        status: None,
        reason,
    }
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
}
