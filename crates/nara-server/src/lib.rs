//! `nara-server` is Nära's web server: Swedish HTML pages that work without JavaScript
//! (county overview, organisation, unit, delmål, rounds, downloads), a read-only JSON API under
//! `/api/v1`, sign-in with server-side sessions, and roles. It calls `nara-app` for everything;
//! there is no scoring and no SQL in the handlers. `nara serve` starts it.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::routing::{MethodRouter, get, post};
use hyper::body::Incoming;
use nara_app::Store;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub mod access;
pub mod admin;
pub mod api;
pub mod auth;
pub mod downloads;
pub mod error;
pub mod online;
pub mod pages;
pub mod round_status;
pub mod svg;

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
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Arc<dyn Store>,
    /// The configuration.
    pub config: Arc<Config>,
    /// Failed sign-ins.
    pub limiter: Arc<auth::RateLimiter>,
    /// Computed results, until the data changes.
    pub reports: Arc<nara_app::cache::ReportCache>,
}

impl AppState {
    /// A state over a store.
    pub fn new(store: Arc<dyn Store>, config: Config) -> Self {
        Self {
            store,
            config: Arc::new(config),
            limiter: Arc::new(auth::RateLimiter::default()),
            reports: Arc::new(nara_app::cache::ReportCache::new()),
        }
    }
}

/// The data snapshot as of now: one cheap stamp query, and the lists and cached results are
/// reused while the stamp has not moved. Never an older one, so a result shown right after an
/// answer is stored includes it.
pub async fn snap(state: &AppState) -> Result<Arc<nara_app::cache::Snapshot>, error::AppError> {
    Ok(state.reports.snapshot(state.store.as_ref()).await?)
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

/// The stylesheet, embedded.
pub const STYLE_CSS: &str = include_str!("../assets/style.css");

async fn style() -> impl axum::response::IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        STYLE_CSS,
    )
}

/// `/static/band.css`: one class per colour band of every stored instrument, so the pages
/// colour cells by the instrument's own bands without inline styles (which the CSP forbids).
async fn band_css(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let mut css = String::new();
    for inst in state.store.instruments().await.unwrap_or_default() {
        for b in &inst.scoring.bands {
            let id: String =
                b.id.chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect();
            let color: String = b
                .color
                .chars()
                .filter(|c| c.is_ascii_hexdigit() || *c == '#')
                .take(7)
                .collect();
            css.push_str(&format!(".band-{id} {{ background-color: {color}; }}\n"));
        }
    }
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        css,
    )
        .into_response()
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match state.store.rounds().await {
        Ok(_) => "ok".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "databasen svarar inte",
            )
                .into_response()
        }
    }
}

/// The content security policy: no inline script or style, nothing from elsewhere, no framing.
pub const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
     frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// The largest instrument upload (the file, or the previewed TOML sent back to be stored).
pub const INSTRUMENT_BODY_LIMIT: usize = 4 * 1024 * 1024;

/// How long a stopping server lets the requests under way finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// A route that takes files: its own body limit (checked against `Content-Length` before
/// anything is read, and again while reading) and its own time limit.
fn large(route: MethodRouter<AppState>, limit: usize, time: Duration) -> MethodRouter<AppState> {
    route
        .layer::<_, Infallible>(RequestBodyLimitLayer::new(limit))
        .layer::<_, Infallible>(axum::extract::DefaultBodyLimit::max(limit))
        .layer::<_, Infallible>(axum::middleware::from_fn_with_state(time, deadline))
}

/// Every other route: the small body limit and the ordinary time limit.
fn small(route: MethodRouter<AppState>, config: &Config) -> MethodRouter<AppState> {
    route
        .layer::<_, Infallible>(RequestBodyLimitLayer::new(config.small_body_limit))
        .layer::<_, Infallible>(axum::middleware::from_fn_with_state(
            config.request_timeout,
            deadline,
        ))
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
            error_page(
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

fn error_page(status: StatusCode, title: &str, message: String) -> axum::response::Response {
    use axum::response::IntoResponse;
    let page = pages::ErrorPage {
        title: title.into(),
        status: status.as_u16(),
        message,
        home: true,
    };
    let html = askama::Template::render(&page).unwrap_or_else(|_| page.message.clone());
    (status, axum::response::Html(html)).into_response()
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
    error_page(
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
    let routes: Vec<(&str, MethodRouter<AppState>)> = vec![
        ("/", get(pages::home)),
        ("/logga-in", get(pages::login_form).post(pages::login)),
        ("/logga-ut", post(pages::logout)),
        ("/omgangar", get(pages::rounds).post(admin::create_round)),
        (
            "/omgangar/{round}/status",
            get(round_status::confirm).post(round_status::set_status),
        ),
        ("/omgangar/{round}/blanketter.zip", get(admin::forms_zip)),
        ("/omgangar/{round}/svarslage", get(admin::tracking)),
        (
            "/omgangar/{round}/lankar",
            get(online::links).post(online::create),
        ),
        (
            "/omgangar/{round}/lankar/{id}/aterkalla",
            post(online::revoke),
        ),
        ("/svar/{token}", get(online::form).post(online::post)),
        ("/svar/{token}/utkast", post(online::autosave)),
        ("/svar/{token}/resultat", get(online::result)),
        ("/static/autosave.js", get(online::autosave_js)),
        ("/static/upload.js", get(online::upload_js)),
        ("/static/copy.js", get(online::copy_js)),
        (
            "/admin/anvandare",
            get(admin::users).post(admin::user_action),
        ),
        ("/admin/logg", get(admin::audit)),
        ("/omgangar/{round}", get(pages::county)),
        ("/omgangar/{round}/org/{code}", get(pages::organisation)),
        (
            "/omgangar/{round}/org/{code}/enhet/{unit}",
            get(pages::unit),
        ),
        ("/omgangar/{round}/delmal/{area}", get(pages::area)),
        ("/omgangar/{round}/nedladdningar", get(pages::downloads)),
        ("/omgangar/{round}/blankett/{code}", get(pages::blank_form)),
        (
            "/omgangar/{round}/export/lanssammanstallning.xlsx",
            get(downloads::summary),
        ),
        ("/omgangar/{round}/export/radata.csv", get(downloads::raw)),
        ("/omgangar/{round}/export/org/{code}", get(downloads::org)),
        ("/api/v1/rounds", get(api::rounds)),
        ("/api/v1/rounds/{round}/summary", get(api::summary)),
        ("/api/v1/rounds/{round}/org/{code}", get(api::organisation)),
        ("/static/style.css", get(style)),
        ("/static/band.css", get(band_css)),
        ("/healthz", get(healthz)),
        ("/readyz", get(readyz)),
    ];
    let mut html = Router::new();
    for (path, route) in routes {
        html = html.route(path, small(route, c));
    }
    // The two routes that take files: a large body and a long time for the POST only.
    let html = html
        .route(
            "/omgangar/{round}/inlasning",
            small(get(admin::upload_form), c).merge(large(
                post(admin::upload),
                c.body_limit,
                c.upload_timeout,
            )),
        )
        .route(
            "/admin/instrument",
            small(get(admin::instrument), c).merge(large(
                post(admin::instrument_post),
                INSTRUMENT_BODY_LIMIT,
                c.upload_timeout,
            )),
        )
        .fallback(pages::not_found);
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
        .layer(CompressionLayer::new())
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

/// Serves on `addr` until SIGTERM or Ctrl-C, then lets the requests under way finish (see
/// [`serve_on`]).
pub async fn serve(state: AppState, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(address = %listener.local_addr()?, "Nära lyssnar");
    serve_on(listener, state, shutdown()).await
}

/// Serves the application on a bound listener until `stop` completes, then lets the requests
/// under way finish (at most 30 s). Upload folders left by a crash are removed first.
///
/// Every connection has the header, request and write time limits of the configuration, and
/// at most `max_connections` are served at once; further ones wait in the listener's queue.
/// While the server is full, connections that are not in the middle of a request (slow to send
/// their headers, or idle between requests) for a moment are closed to make room, so a queue
/// of slow clients cannot keep a normal request waiting for long.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    stop: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    admin::remove_upload_leftovers(state.config.upload_dir.as_deref());
    let config = state.config.clone();
    let cap = connection_cap(config.max_connections);
    let permits = Arc::new(tokio::sync::Semaphore::new(cap));
    let (stopping, stop_rx) = tokio::sync::watch::channel(false);
    let (full, full_rx) = tokio::sync::watch::channel(0u64);
    let make_room_after = (config.header_timeout / 4).min(Duration::from_millis(500));
    let app = router(state);
    let mut stop = std::pin::pin!(stop);
    'serve: loop {
        // A slot: when there is none, ask idle connections to make room, again and again.
        let permit = loop {
            if let Ok(p) = permits.clone().try_acquire_owned() {
                break p;
            }
            full.send_modify(|n| *n += 1);
            tokio::select! {
                biased;
                () = &mut stop => break 'serve,
                p = permits.clone().acquire_owned() => match p {
                    Ok(p) => break p,
                    Err(_) => break 'serve,
                },
                () = tokio::time::sleep(make_room_after / 2) => {}
            }
        };
        let accepted = tokio::select! {
            biased;
            () = &mut stop => break,
            r = listener.accept() => r,
        };
        match accepted {
            Ok((stream, peer)) => {
                let _ = stream.set_nodelay(true);
                tokio::spawn(connection(
                    stream,
                    peer,
                    app.clone(),
                    config.clone(),
                    Signals {
                        stopping: stop_rx.clone(),
                        full: full_rx.clone(),
                        make_room_after,
                    },
                    permit,
                ));
            }
            Err(e) if connection_error(&e) => {}
            Err(e) => {
                // Out of file handles or the like: wait a moment rather than spin.
                tracing::warn!(error = %e, "could not accept a connection");
                drop(permit);
                tokio::select! {
                    biased;
                    () = &mut stop => break,
                    () = tokio::time::sleep(Duration::from_millis(250)) => {}
                }
            }
        }
    }
    drop(listener);
    let _ = stopping.send(true);
    let all = u32::try_from(cap).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, permits.acquire_many(all)).await;
    Ok(())
}

fn connection_error(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
    )
}

/// What the accept loop tells its connections.
struct Signals {
    /// The server stops.
    stopping: tokio::sync::watch::Receiver<bool>,
    /// Bumped while the server is full.
    full: tokio::sync::watch::Receiver<u64>,
    /// How long a connection must have been outside a request to be closed to make room.
    make_room_after: Duration,
}

/// Whether a connection is in the middle of a request (from its headers until its answer is
/// written), and since when it is not.
struct Activity {
    busy: std::sync::atomic::AtomicUsize,
    idle_since: std::sync::Mutex<std::time::Instant>,
}

impl Activity {
    fn idle_for(&self) -> Option<Duration> {
        if self.busy.load(std::sync::atomic::Ordering::SeqCst) > 0 {
            return None;
        }
        let since = *self.idle_since.lock().unwrap_or_else(|e| e.into_inner());
        Some(since.elapsed())
    }
}

/// Held while a request is served, until its answer has been handed over completely.
struct Busy(Arc<Activity>);

impl Busy {
    fn new(a: &Arc<Activity>) -> Self {
        a.busy.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Self(a.clone())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        *self.0.idle_since.lock().unwrap_or_else(|e| e.into_inner()) = std::time::Instant::now();
        self.0
            .busy
            .fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// An answer's body that keeps its connection marked busy until it is written.
struct Tracked {
    inner: Body,
    _busy: Busy,
}

impl hyper::body::Body for Tracked {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.get_mut().inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.inner.size_hint()
    }
}

/// One connection: HTTP/1.1 with the header-read limit, the write limit, and the client's
/// address for the handlers; closed to make room when the server is full and it is not in a
/// request, and ended when the server stops.
async fn connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    app: Router,
    config: Arc<Config>,
    mut signals: Signals,
    _permit: tokio::sync::OwnedSemaphorePermit,
) {
    let activity = Arc::new(Activity {
        busy: std::sync::atomic::AtomicUsize::new(0),
        idle_since: std::sync::Mutex::new(std::time::Instant::now()),
    });
    let io = hyper_util::rt::TokioIo::new(WriteDeadline::new(stream, config.write_timeout));
    let act = activity.clone();
    let service = hyper::service::service_fn(move |req: axum::http::Request<Incoming>| {
        let busy = Busy::new(&act);
        let mut req = req.map(Body::new);
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
        let answer = tower::ServiceExt::oneshot(app.clone(), req);
        async move {
            let res = answer.await?;
            Ok::<_, Infallible>(res.map(|inner| Tracked { inner, _busy: busy }))
        }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(config.header_timeout)
        .serve_connection(io, service);
    let mut conn = std::pin::pin!(conn);
    loop {
        tokio::select! {
            r = conn.as_mut() => {
                if let Err(e) = r {
                    tracing::debug!(error = %e, "connection ended");
                }
                return;
            }
            () = stopped(&mut signals.stopping) => {
                // Between requests: close now; in one: finish it, then close.
                if activity.idle_for().is_some() {
                    return;
                }
                conn.as_mut().graceful_shutdown();
                let _ = tokio::time::timeout(SHUTDOWN_GRACE, conn).await;
                return;
            }
            Ok(()) = signals.full.changed() => {
                if activity.idle_for().is_some_and(|d| d >= signals.make_room_after) {
                    tracing::debug!(%peer, "closed an idle connection to make room");
                    return;
                }
            }
        }
    }
}

async fn stopped(rx: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = rx.wait_for(|s| *s).await;
}

/// The connection cap: the configured one, lowered so that the connections leave room in the
/// process's open-file limit (read from `/proc/self/limits` on Linux) for the database and
/// uploads; a server out of file handles can neither accept nor answer.
fn connection_cap(wanted: usize) -> usize {
    const RESERVE: usize = 128;
    let soft = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("Max open files"))
                .and_then(|l| l.split_whitespace().nth(3)?.parse::<usize>().ok())
        });
    match soft {
        Some(n) if n.saturating_sub(RESERVE) < wanted => {
            let cap = n.saturating_sub(RESERVE).max(16);
            tracing::warn!(
                wanted,
                cap,
                open_files = n,
                "the connection cap is lowered to fit the open-file limit (raise it with ulimit -n or LimitNOFILE)"
            );
            cap
        }
        _ => wanted.max(1),
    }
}

/// A socket whose writes fail when the client accepts no byte for `limit`: a client that asks
/// and never reads cannot hold a connection (and its slot) for ever.
struct WriteDeadline {
    inner: tokio::net::TcpStream,
    limit: Duration,
    timer: std::pin::Pin<Box<tokio::time::Sleep>>,
    armed: bool,
}

impl WriteDeadline {
    fn new(inner: tokio::net::TcpStream, limit: Duration) -> Self {
        Self {
            inner,
            limit,
            timer: Box::pin(tokio::time::sleep(limit)),
            armed: false,
        }
    }

    /// After a write that could not go on: start the clock (once), and fail when it runs out.
    fn stalled<T>(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<T>> {
        if !self.armed {
            self.armed = true;
            let at = tokio::time::Instant::now() + self.limit;
            self.timer.as_mut().reset(at);
        }
        match self.timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the client read nothing in time",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn progressed<T>(
        &mut self,
        r: Poll<std::io::Result<T>>,
        cx: &mut Context<'_>,
    ) -> Poll<std::io::Result<T>> {
        match r {
            Poll::Pending => self.stalled(cx),
            done => {
                self.armed = false;
                done
            }
        }
    }
}

impl tokio::io::AsyncRead for WriteDeadline {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for WriteDeadline {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let r = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.progressed(r, cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let r = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.progressed(r, cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let r = Pin::new(&mut this.inner).poll_flush(cx);
        this.progressed(r, cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let r = Pin::new(&mut this.inner).poll_shutdown(cx);
        this.progressed(r, cx)
    }
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("stänger: avslutar pågående förfrågningar");
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

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

    /// A client that asks and never reads: the write fails at the write limit instead of
    /// waiting for ever.
    #[tokio::test]
    async fn a_write_nobody_reads_fails_at_the_limit() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = tokio::net::TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (server, _) = listener.accept().await.unwrap();
        let mut w = WriteDeadline::new(server, Duration::from_millis(300));
        let chunk = vec![0u8; 1 << 20];
        let t = std::time::Instant::now();
        let err = loop {
            match tokio::time::timeout(Duration::from_secs(10), w.write_all(&chunk)).await {
                Ok(Ok(())) => continue,
                Ok(Err(e)) => break e,
                Err(_) => panic!("the write hung"),
            }
        };
        assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
        assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
        drop(client);
    }
}
