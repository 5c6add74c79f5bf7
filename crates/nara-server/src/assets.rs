//! What is served as it is: the stylesheet, the band colours, the scripts, and the health
//! checks.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;

/// The static files and the health checks.
pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/static/style.css", get(style))
        .route("/static/band.css", get(band_css))
        .route("/static/autosave.js", get(autosave_js))
        .route("/static/upload.js", get(upload_js))
        .route("/static/copy.js", get(copy_js))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

/// The stylesheet, embedded.
pub const STYLE_CSS: &str = include_str!("../assets/style.css");

async fn style() -> impl IntoResponse {
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
async fn band_css(State(state): State<AppState>) -> Response {
    let mut css = String::new();
    for inst in state.app.instruments().await.unwrap_or_default() {
        for b in &inst.scoring().bands {
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
            // The heat map's cells: the band's colour mixed with white, deeper with the score.
            for k in 0..nara_core::instrument::SHADES {
                let pct = 14 + 7 * k;
                css.push_str(&format!(
                    ".tint-{id}.shade-{k} {{ background-color: color-mix(in srgb, {color} {pct}%, #fff); }}\n"
                ));
            }
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

async fn readyz(State(state): State<AppState>) -> Response {
    match state.app.ready().await {
        Ok(()) => "ok".into_response(),
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

/// An embedded script, cached by the browser for a day.
fn script(body: &'static str) -> impl IntoResponse {
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/javascript; charset=utf-8",
            ),
            (axum::http::header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
}

/// The autosave script, embedded.
pub const AUTOSAVE_JS: &str = include_str!("../assets/autosave.js");

/// `GET /static/autosave.js`.
pub async fn autosave_js() -> impl IntoResponse {
    script(AUTOSAVE_JS)
}

/// The upload form's drag-and-drop script, embedded.
pub const UPLOAD_JS: &str = include_str!("../assets/upload.js");

/// `GET /static/upload.js`.
pub async fn upload_js() -> impl IntoResponse {
    script(UPLOAD_JS)
}

/// The copy buttons of the links page, embedded.
pub const COPY_JS: &str = include_str!("../assets/copy.js");

/// `GET /static/copy.js`.
pub async fn copy_js() -> impl IntoResponse {
    script(COPY_JS)
}
