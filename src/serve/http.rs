//! The preview server: the output folder over HTTP on loopback, a small
//! script added to every page, and a stream of rebuild events for it.
//!
//! Files are read from disk on every request, so what the browser gets is
//! always what the last good build wrote. A request path is decoded and
//! checked segment by segment, then resolved and checked again, so no path,
//! encoded or not, and no symbolic link reaches outside the output.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tokio::sync::{broadcast, watch};
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::{Stream, StreamExt};

const EVENTS: &str = "/__brief/events";
const SCRIPT: &str = "/__brief/live.js";
const LIVE_JS: &str = include_str!("live.js");

/// What the rebuild loop tells open pages.
#[derive(Clone, Debug)]
pub(crate) enum Message {
    /// A build succeeded; JSON with `pages`, `assets` and `removed` URLs.
    Built(String),
    /// A build failed; JSON with the diagnostics as `text`.
    Problems(String),
}

/// What the server shares with the rebuild loop.
pub(crate) struct Live {
    pub output: PathBuf,
    /// URL path the site lives under (`/` or `/desk/`); `site.yaml` may
    /// change it while serving.
    base_path: Mutex<String>,
    sender: broadcast::Sender<Message>,
    /// The problems of the last build, if it failed: sent to every page that
    /// connects, so a page opened while the site is broken shows them.
    problems: Mutex<Option<String>>,
}

impl Live {
    pub(crate) fn new(output: PathBuf, base_path: String) -> Arc<Live> {
        let (sender, _) = broadcast::channel(256);
        Arc::new(Live {
            output,
            base_path: Mutex::new(base_path),
            sender,
            problems: Mutex::new(None),
        })
    }

    /// Tells every open page; called from the rebuild loop's thread.
    pub(crate) fn send(&self, message: Message) {
        let mut problems = self.problems.lock().unwrap_or_else(|p| p.into_inner());
        *problems = match &message {
            Message::Problems(json) => Some(json.clone()),
            Message::Built(_) => None,
        };
        // No page open is not an error.
        let _ = self.sender.send(message);
    }

    pub(crate) fn base_path(&self) -> String {
        self.base_path
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub(crate) fn set_base_path(&self, path: String) {
        *self.base_path.lock().unwrap_or_else(|p| p.into_inner()) = path;
    }

    /// A new page's view of things: the problems showing now, if any, and
    /// the stream of what comes next. Both are taken under the lock `send`
    /// holds, so nothing sent in between is missed.
    fn subscribe(&self) -> (Option<String>, broadcast::Receiver<Message>) {
        let problems = self.problems.lock().unwrap_or_else(|p| p.into_inner());
        (problems.clone(), self.sender.subscribe())
    }
}

/// A bound listener, so the caller can print the real address before
/// serving.
pub(crate) struct Bound {
    listener: tokio::net::TcpListener,
    pub address: SocketAddr,
}

/// Binds the address, with an error that names the flag to change.
pub(crate) async fn bind(address: SocketAddr) -> anyhow::Result<Bound> {
    let listener = tokio::net::TcpListener::bind(address).await.map_err(|err| {
        if err.kind() == std::io::ErrorKind::AddrInUse {
            anyhow::anyhow!(
                "port {} on {} is already in use (is another `brief serve` running?); choose another with --port",
                address.port(),
                address.ip()
            )
        } else {
            anyhow::anyhow!("cannot listen on {address}: {err}; choose another address with --bind or --port")
        }
    })?;
    let address = listener.local_addr()?;
    Ok(Bound { listener, address })
}

/// Serves until `shutdown` turns true.
pub(crate) async fn serve(
    bound: Bound,
    live: Arc<Live>,
    mut shutdown: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let app = Router::new()
        .route(EVENTS, get(events))
        .route(SCRIPT, get(script))
        .fallback(file)
        .with_state(live);
    let stop = async move {
        let _ = shutdown.wait_for(|stop| *stop).await;
    };
    axum::serve(bound.listener, app)
        .with_graceful_shutdown(stop)
        .await?;
    Ok(())
}

async fn script() -> Response {
    let mut response = LIVE_JS.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn events(
    State(live): State<Arc<Live>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let (problems, receiver) = live.subscribe();
    let first = problems.map(|json| Ok(Event::default().event("problems").data(json)));
    let updates = BroadcastStream::new(receiver).filter_map(|message| match message {
        Ok(Message::Built(json)) => Some(Ok(Event::default().event("built").data(json))),
        Ok(Message::Problems(json)) => Some(Ok(Event::default().event("problems").data(json))),
        // A page that fell behind missed some rebuilds: have it reload.
        Err(_) => Some(Ok(Event::default()
            .event("built")
            .data(r#"{"pages":[],"assets":[],"removed":[],"all":true}"#))),
    });
    Sse::new(tokio_stream::iter(first).chain(updates))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

async fn file(State(live): State<Arc<Live>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "only GET and HEAD are served\n",
        );
    }
    let base_path = live.base_path();
    let Some(rest) = uri.path().strip_prefix(base_path.as_str()) else {
        if uri.path() == "/" || uri.path() == base_path.trim_end_matches('/') {
            // The site lives below the root, as its base_url says.
            return redirect(&base_path);
        }
        return not_found(&live).await;
    };
    let Some(relative) = safe_relative(rest) else {
        return plain(StatusCode::BAD_REQUEST, "bad path\n");
    };
    let mut path = live.output.join(&relative);
    if path.is_dir() {
        if !rest.is_empty() && !rest.ends_with('/') {
            return redirect(&format!("{}/", uri.path()));
        }
        path.push("index.html");
    }
    match read_inside(&live.output, &path).await {
        Some(bytes) => respond(StatusCode::OK, &path, bytes),
        None => not_found(&live).await,
    }
}

async fn not_found(live: &Live) -> Response {
    let page = live.output.join("404.html");
    match read_inside(&live.output, &page).await {
        Some(bytes) => respond(StatusCode::NOT_FOUND, &page, bytes),
        // Nothing built yet (the site had problems from the start): a page
        // that can still show them, and reloads once the site builds.
        None => respond(
            StatusCode::NOT_FOUND,
            Path::new("404.html"),
            NOT_BUILT.as_bytes().to_vec(),
        ),
    }
}

const NOT_BUILT: &str = "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Not built yet</title></head>\n<body>\n<h1>This page has not been built</h1>\n<p>The site has not built yet, or has no such page. brief shows why over this page, and reloads it when the site builds.</p>\n</body>\n</html>\n";

/// Decodes a URL path and keeps it only if every segment is a plain name:
/// no `..`, no `.`, no separators or drive letters hidden by encoding.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    let mut relative = PathBuf::new();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if segment.contains(['\\', '\0']) {
            return None;
        }
        let mut components = Path::new(segment).components();
        match (components.next(), components.next()) {
            (Some(Component::Normal(name)), None) => relative.push(name),
            _ => return None,
        }
    }
    Some(relative)
}

/// Reads a file only if its real location, links resolved, is inside the
/// output folder.
async fn read_inside(output: &Path, path: &Path) -> Option<Vec<u8>> {
    let root = tokio::fs::canonicalize(output).await.ok()?;
    let real = tokio::fs::canonicalize(path).await.ok()?;
    if !real.starts_with(&root) || !tokio::fs::metadata(&real).await.ok()?.is_file() {
        return None;
    }
    tokio::fs::read(&real).await.ok()
}

fn respond(status: StatusCode, path: &Path, bytes: Vec<u8>) -> Response {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let is_html = mime.essence_str() == "text/html";
    let body = if is_html { inject(bytes) } else { bytes };
    let content_type = match mime.type_() {
        mime_guess::mime::TEXT => format!("{}; charset=utf-8", mime.essence_str()),
        _ if mime.essence_str() == "application/javascript" => {
            "text/javascript; charset=utf-8".to_owned()
        }
        _ => mime.essence_str().to_owned(),
    };
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::from(body))
        .unwrap_or_else(|_| {
            plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                "cannot build the response\n",
            )
        })
}

/// Adds the live-reload script before `</body>` (or at the end).
fn inject(html: Vec<u8>) -> Vec<u8> {
    let tag = format!("<script src=\"{SCRIPT}\" data-events=\"{EVENTS}\"></script>");
    let at = find_last(&html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

fn redirect(to: &str) -> Response {
    Response::builder()
        .status(StatusCode::FOUND)
        .header(header::LOCATION, to)
        .body(Body::empty())
        .unwrap_or_else(|_| {
            plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                "cannot build the response\n",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_plain_paths_and_refuses_escapes() {
        assert_eq!(
            safe_relative("briefings/x/").unwrap(),
            PathBuf::from("briefings/x")
        );
        assert_eq!(safe_relative("").unwrap(), PathBuf::new());
        for bad in [
            "../etc/passwd",
            "%2e%2e/x",
            "a/%2E%2E/%2e%2e/b",
            "a/./b",
            "%2F..%2Fx",
            "a%5c..%5cb",
            "x%00",
        ] {
            assert!(safe_relative(bad).is_none(), "{bad} must be refused");
        }
    }

    #[test]
    fn injects_the_script_before_the_body_closes() {
        let html = inject(b"<html><body><p>x</p></body></html>".to_vec());
        let html = String::from_utf8(html).unwrap();
        assert!(
            html.ends_with("live.js\" data-events=\"/__brief/events\"></script></body></html>"),
            "{html}"
        );
    }
}
