//! `nara-server` is Nära's web server: Swedish HTML pages that work without JavaScript
//! (county overview, organisation, unit, delmål, rounds, downloads), a read-only JSON API under
//! `/api/v1`, sign-in with server-side sessions, and roles. It calls `nara-app` for everything;
//! there is no scoring and no SQL in the handlers. `nara serve` starts it.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::routing::{MethodRouter, post};
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub mod access;
pub mod admin;
pub mod api;
pub mod api_activities;
pub mod api_indicators;
pub mod assets;
pub mod auth;
pub mod downloads;
pub mod error;
pub mod extract;
pub mod framed;
pub mod layout;
pub mod online;
pub mod pages;
pub mod round_status;
mod serve;
pub mod svg;
pub mod svg_line;

pub use serve::{serve, serve_on};

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Mark cookies `Secure` (set when the server is reached over TLS, e.g. behind a proxy).
    pub secure_cookies: bool,
    /// A session ends after this long without use.
    pub session_idle: Duration,
    /// A session ends this long after sign-in, used or not.
    pub session_absolute: Duration,
    /// The largest upload of filled forms (`POST /omgangar/{round}/inlasning`, all files
    /// together). Every other route takes at most [`Config::small_body_limit`], the instrument
    /// upload at most [`INSTRUMENT_BODY_LIMIT`].
    pub body_limit: usize,
    /// The largest body of every other request: sign-in, forms, answers (256 kB).
    pub small_body_limit: usize,
    /// The most files in one upload; more are refused with a message, and nothing is read.
    pub max_upload_files: usize,
    /// How long a client has to send a request's headers; also how long an idle kept-alive
    /// connection stays open.
    pub header_timeout: Duration,
    /// How long a request may take, body and answer (uploads: [`Config::upload_timeout`]).
    pub request_timeout: Duration,
    /// How long an upload of forms or of an instrument may take, body and import.
    pub upload_timeout: Duration,
    /// How long a client may leave an answer unread (no byte accepted) before the connection
    /// is closed.
    pub write_timeout: Duration,
    /// The most connections served at once; more wait in the system's queue until one ends.
    /// Lowered at start to what the process's open-file limit allows.
    pub max_connections: usize,
    /// Where each upload gets its private folder (`None`: the system's temporary folder).
    pub upload_dir: Option<std::path::PathBuf>,
    /// Reverse proxies whose `X-Forwarded-For` is believed (`--trusted-proxy`): only when the
    /// connection comes from one of these is the client's address read from that header.
    pub trusted_proxy: Vec<std::net::IpAddr>,
    /// The address people use to reach Nära (`--public-url`, e.g. `https://nara.regiondalarna.se`),
    /// without a trailing slash: answer links are shown and sent with it. `None`: the address
    /// the coordinator's own browser used.
    pub public_url: Option<String>,
    /// Kolada's API, for the coordinator's "Hämta från Kolada" (`--kolada-url`; a local
    /// stand-in in tests).
    pub kolada_url: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            session_idle: Duration::from_secs(60 * 60),
            session_absolute: Duration::from_secs(12 * 60 * 60),
            body_limit: 64 * 1024 * 1024,
            small_body_limit: 256 * 1024,
            max_upload_files: 500,
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            upload_timeout: Duration::from_secs(10 * 60),
            write_timeout: Duration::from_secs(30),
            max_connections: 512,
            upload_dir: None,
            trusted_proxy: Vec::new(),
            public_url: None,
            kolada_url: nara_app::indicators::KOLADA_URL.to_string(),
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The use cases (the database and the results computed from it).
    pub app: nara_app::App,
    /// The configuration.
    pub config: Arc<Config>,
    /// Failed sign-ins.
    pub limiter: Arc<auth::RateLimiter>,
    /// The identity providers people may sign in with (none: passwords only).
    pub sso: Arc<nara_app::sso::Sso>,
}

impl AppState {
    /// A state over the application, with password sign-in only.
    pub fn new(app: nara_app::App, config: Config) -> Self {
        Self {
            app,
            config: Arc::new(config),
            limiter: Arc::new(auth::RateLimiter::default()),
            sso: Arc::new(nara_app::sso::Sso::none()),
        }
    }

    /// The same state with these identity providers.
    pub fn with_sso(mut self, sso: nara_app::sso::Sso) -> Self {
        self.sso = Arc::new(sso);
        self
    }
}

/// The data snapshot as of now: one cheap stamp query, and the lists and cached results are
/// reused while the stamp has not moved. Never an older one, so a result shown right after an
/// answer is stored includes it.
pub async fn snap(state: &AppState) -> Result<Arc<nara_app::cache::Snapshot>, error::AppError> {
    Ok(state.app.snapshot().await?)
}

/// Checks a public address for `--public-url`: `http://` or `https://` and a host, no query or
/// fragment; the trailing slash is dropped.
pub fn parse_public_url(s: &str) -> Result<String, String> {
    let t = s.trim().trim_end_matches('/');
    let rest = t
        .strip_prefix("https://")
        .or_else(|| t.strip_prefix("http://"))
        .ok_or_else(|| {
            format!("{s}: den publika adressen ska börja med https:// (eller http://)")
        })?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty()
        || rest.contains(['?', '#', ' ', '"', '<', '>', '\\'])
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
    {
        return Err(format!(
            "{s}: ingen giltig adress (till exempel https://nara.example.se)"
        ));
    }
    Ok(t.to_string())
}

/// The address answer links start with: the configured public address, else the scheme and
/// host the request came with (the coordinator's own browser).
pub fn public_base(state: &AppState, headers: &axum::http::HeaderMap) -> String {
    if let Some(u) = &state.config.public_url {
        return u.clone();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("localhost");
    let scheme = if state.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

/// The content security policy: no inline script or style, nothing from elsewhere, no framing.
pub const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
     frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// The largest instrument upload (the file, or the previewed TOML sent back to be stored).
pub const INSTRUMENT_BODY_LIMIT: usize = 4 * 1024 * 1024;

/// The only routes that take files, and the only ones with a large body limit and a long time
/// limit (the POST only; their pages are ordinary routes): the filled forms, and an instrument.
fn file_routes(c: &Config) -> Router<AppState> {
    Router::new()
        .route(
            "/omgangar/{round}/inlasning",
            large(post(admin::upload), c.body_limit, c.upload_timeout),
        )
        .route(
            "/admin/instrument",
            large(
                post(admin::instrument_post),
                INSTRUMENT_BODY_LIMIT,
                c.upload_timeout,
            ),
        )
        .route(
            "/admin/nyckeltal",
            large(post(admin::indicators_post), c.body_limit, c.upload_timeout),
        )
}

/// A route that takes files: its own body limit (checked against `Content-Length` before
/// anything is read, and again while reading) and its own time limit.
fn large(route: MethodRouter<AppState>, limit: usize, time: Duration) -> MethodRouter<AppState> {
    route
        .layer::<_, Infallible>(RequestBodyLimitLayer::new(limit))
        .layer::<_, Infallible>(axum::extract::DefaultBodyLimit::max(limit))
        .layer::<_, Infallible>(axum::middleware::from_fn_with_state(time, deadline))
}

/// Ends a request that takes longer than its time limit (a slow body, or slow work) with a
/// Swedish page.
async fn deadline(
    axum::extract::State(limit): axum::extract::State<Duration>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(r) => r,
        Err(_) => {
            tracing::warn!(seconds = limit.as_secs(), "request timed out");
            layout::error_page(
                StatusCode::REQUEST_TIMEOUT,
                "Det tog för lång tid",
                format!(
                    "Förfrågan tog längre tid än {} sekunder och avbröts. Försök igen; med en långsam förbindelse, skicka mindre åt gången.",
                    limit.as_secs()
                ),
            )
        }
    }
}

/// A body over a route's limit is answered in Swedish (the limits themselves answer in English
/// plain text).
async fn too_large_in_swedish(
    axum::extract::State(config): axum::extract::State<Arc<Config>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let res = next.run(req).await;
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if res.status() != StatusCode::PAYLOAD_TOO_LARGE || html {
        return res;
    }
    layout::error_page(
        StatusCode::PAYLOAD_TOO_LARGE,
        "För mycket på en gång",
        format!(
            "Det som skickades är för stort för den här sidan och lästes inte. Formulär och svar tar emot högst {} kB, en instrumentfil högst 1 MB; ifyllda blanketter laddas upp under Läs in blanketter (högst {} MB åt gången).",
            config.small_body_limit / 1024,
            config.body_limit / (1024 * 1024)
        ),
    )
}

/// The path of a request as it is logged: the secret of an answer link (`/svar/<token>`) and
/// anything that looks like a token is replaced by `…`, and the query is left out there.
pub fn logged_path(uri: &axum::http::Uri) -> String {
    let path = uri.path();
    let mut out = String::with_capacity(path.len().min(256));
    let mut after_svar = false;
    for (i, seg) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        let secret = after_svar
            || (seg.len() >= 32
                && seg
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        after_svar = i == 1 && seg == "svar";
        let seg = if secret && !seg.is_empty() {
            "…"
        } else {
            seg
        };
        // At most about 256 characters of a path reach the log.
        let room = 256usize.saturating_sub(out.len());
        if seg.len() > room {
            out.extend(seg.chars().take(room));
            out.push('…');
            return out;
        }
        out.push_str(seg);
    }
    match uri.query() {
        Some(q) if !path.starts_with("/svar/") && q.len() <= 256 => format!("{out}?{q}"),
        Some(_) if !path.starts_with("/svar/") => format!("{out}?…"),
        _ => out,
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let config = state.config.clone();
    let c = config.as_ref();
    // Every route takes the small body limit and the ordinary time limit ...
    let html = Router::new()
        .merge(pages::router())
        .merge(admin::router())
        .merge(round_status::router())
        .merge(online::router())
        .merge(downloads::router())
        .merge(api::router())
        .merge(api_indicators::router())
        .merge(api_activities::router())
        .merge(assets::router())
        .route_layer(RequestBodyLimitLayer::new(c.small_body_limit))
        .route_layer(axum::middleware::from_fn_with_state(
            c.request_timeout,
            deadline,
        ))
        // ... but these.
        .merge(file_routes(c))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            framed::errors_in_the_frame,
        ));
    let hard_cap = c
        .body_limit
        .max(INSTRUMENT_BODY_LIMIT)
        .max(c.small_body_limit);
    html.with_state(state)
        .layer(axum::extract::DefaultBodyLimit::max(c.small_body_limit))
        .layer(RequestBodyLimitLayer::new(hard_cap))
        .layer(axum::middleware::from_fn_with_state(
            config.clone(),
            too_large_in_swedish,
        ))
        // Pages and JSON are compressed; the workbooks and PDFs are zip and deflate already,
        // so they are sent as they are, with their length (a browser shows a large download's
        // progress) and without spending the server's cores on them again.
        .layer(
            CompressionLayer::new().compress_when(
                DefaultPredicate::new()
                    .and(NotForContentType::const_new(
                        "application/vnd.openxmlformats",
                    ))
                    .and(NotForContentType::const_new("application/pdf")),
            ),
        )
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("cache-control"),
            HeaderValue::from_static("no-store"),
        ))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<Body>| {
                // The target of tower-http's own span, so `NARA_LOG=tower_http=debug` still
                // logs every request; the path never carries an answer link's secret.
                tracing::span!(
                    target: "tower_http::trace::make_span",
                    tracing::Level::DEBUG,
                    "request",
                    method = %req.method(),
                    uri = %logged_path(req.uri()),
                    version = ?req.version(),
                )
            }),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logged_paths_never_carry_an_answer_links_secret() {
        let token = "a".repeat(64);
        for (uri, want) in [
            (format!("/svar/{token}"), "/svar/…"),
            (format!("/svar/{token}/utkast?x=1"), "/svar/…/utkast"),
            (format!("/svar/{token}/resultat"), "/svar/…/resultat"),
            ("/svar/kort".to_string(), "/svar/…"),
            (format!("/annat/{token}"), "/annat/…"),
            (
                "/omgangar/2026/lankar?org=2080".to_string(),
                "/omgangar/2026/lankar?org=2080",
            ),
            ("/omgangar/2026".to_string(), "/omgangar/2026"),
        ] {
            let uri: axum::http::Uri = uri.parse().unwrap();
            assert_eq!(logged_path(&uri), want, "{uri}");
        }
        let long: axum::http::Uri = format!("/{}", "a/".repeat(500)).parse().unwrap();
        assert!(logged_path(&long).chars().count() < 300);
    }
}
