//! `nara-server` is Nära's web server: Swedish HTML pages that work without JavaScript
//! (county overview, organisation, unit, delmål, rounds, downloads), a read-only JSON API under
//! `/api/v1`, sign-in with server-side sessions, and roles. It calls `nara-app` for everything;
//! there is no scoring and no SQL in the handlers. `nara serve` starts it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::{get, post};
use nara_app::Store;
use tower_http::compression::CompressionLayer;
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
    /// The largest request body accepted.
    pub body_limit: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            session_idle: Duration::from_secs(60 * 60),
            session_absolute: Duration::from_secs(12 * 60 * 60),
            body_limit: 64 * 1024 * 1024,
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

/// The data snapshot of this request: the one the request has already taken (no query), or a
/// fresh one.
pub async fn snap(state: &AppState) -> Result<Arc<nara_app::cache::Snapshot>, error::AppError> {
    match state.reports.current() {
        Some(s) => Ok(s),
        None => Ok(state.reports.snapshot(state.store.as_ref()).await?),
    }
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

/// The whole application.
pub fn router(state: AppState) -> Router {
    let limit = state.config.body_limit;
    let html = Router::new()
        .route("/", get(pages::home))
        .route("/logga-in", get(pages::login_form).post(pages::login))
        .route("/logga-ut", post(pages::logout))
        .route("/omgangar", get(pages::rounds).post(admin::create_round))
        .route("/omgangar/{round}/status", post(admin::set_status))
        .route("/omgangar/{round}/blanketter.zip", get(admin::forms_zip))
        .route(
            "/omgangar/{round}/inlasning",
            get(admin::upload_form).post(admin::upload),
        )
        .route("/omgangar/{round}/svarslage", get(admin::tracking))
        .route(
            "/omgangar/{round}/lankar",
            get(online::links).post(online::create),
        )
        .route(
            "/omgangar/{round}/lankar/{id}/aterkalla",
            post(online::revoke),
        )
        .route("/svar/{token}", get(online::form).post(online::post))
        .route("/svar/{token}/utkast", post(online::autosave))
        .route("/svar/{token}/resultat", get(online::result))
        .route("/static/autosave.js", get(online::autosave_js))
        .route("/static/upload.js", get(online::upload_js))
        .route(
            "/admin/anvandare",
            get(admin::users).post(admin::user_action),
        )
        .route("/admin/logg", get(admin::audit))
        .route(
            "/admin/instrument",
            get(admin::instrument).post(admin::instrument_post),
        )
        .route("/omgangar/{round}", get(pages::county))
        .route("/omgangar/{round}/org/{code}", get(pages::organisation))
        .route(
            "/omgangar/{round}/org/{code}/enhet/{unit}",
            get(pages::unit),
        )
        .route("/omgangar/{round}/delmal/{area}", get(pages::area))
        .route("/omgangar/{round}/nedladdningar", get(pages::downloads))
        .route("/omgangar/{round}/blankett/{code}", get(pages::blank_form))
        .route(
            "/omgangar/{round}/export/lanssammanstallning.xlsx",
            get(downloads::summary),
        )
        .route("/omgangar/{round}/export/radata.csv", get(downloads::raw))
        .route("/omgangar/{round}/export/org/{code}", get(downloads::org))
        .route("/api/v1/rounds", get(api::rounds))
        .route("/api/v1/rounds/{round}/summary", get(api::summary))
        .route("/api/v1/rounds/{round}/org/{code}", get(api::organisation))
        .route("/static/style.css", get(style))
        .route("/static/band.css", get(band_css))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .fallback(pages::not_found);
    html.with_state(state)
        .layer(axum::extract::DefaultBodyLimit::max(limit))
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
        .layer(TraceLayer::new_for_http())
}

/// Serves until SIGTERM or Ctrl-C, then finishes the requests under way.
pub async fn serve(state: AppState, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(address = %listener.local_addr()?, "Nära lyssnar");
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await
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
