//! Files to download: blank forms and, from the same `nara-app` functions as `nara export`, the
//! county summary, the organisation report and the raw answers as CSV. Every file obeys the
//! same access rules as the pages.

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use nara_core::{Organisation, Round};

use crate::AppState;
use crate::access::{county_visible, need_county, need_org, org_visible};
use crate::auth::Viewer;
use crate::error::AppResult;
use crate::extract::{PathOrg, VisibleRound};

/// The result files.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/omgangar/{round}/export/lanssammanstallning.xlsx",
            get(summary),
        )
        .route("/omgangar/{round}/export/radata.csv", get(raw))
        .route("/omgangar/{round}/export/org/{code}", get(org))
}

/// One download.
pub struct Download {
    /// Where.
    pub href: String,
    /// What.
    pub label: String,
    /// What it holds.
    pub note: String,
}

/// The media type of an xlsx file.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
/// The media type of CSV.
pub const CSV: &str = "text/csv; charset=utf-8";

/// The headers of an attachment, never cached.
fn attachment_headers(name: &str, media: &'static str) -> [(header::HeaderName, String); 3] {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    [
        (header::CONTENT_TYPE, media.to_string()),
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{ascii}\""),
        ),
        (header::CACHE_CONTROL, "no-store".to_string()),
    ]
}

/// A file as an attachment, never cached.
pub fn attachment(bytes: Vec<u8>, name: &str, media: &'static str) -> Response {
    (attachment_headers(name, media), bytes).into_response()
}

/// A file made in a temporary file, sent from it a piece at a time (its length said first),
/// as an attachment, never cached. The file is closed, and so removed, when it is sent.
pub fn attachment_file(file: std::fs::File, name: &str, media: &'static str) -> Response {
    let len = file.metadata().map(|m| m.len()).ok();
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(
        tokio::fs::File::from_std(file),
    ));
    let mut r = (attachment_headers(name, media), body).into_response();
    if let Some(len) = len {
        r.headers_mut().insert(header::CONTENT_LENGTH, len.into());
    }
    r
}

/// The result files the viewer may download for a round: the county summary and the raw CSV
/// when the county is visible to them, and an organisation's report for each organisation they
/// may see.
pub fn available(v: &Viewer, round: &Round, orgs: &[Organisation]) -> Vec<Download> {
    let rid = round.id;
    let mut out = Vec::new();
    if county_visible(v, round) {
        out.push(Download {
            href: format!("/omgangar/{rid}/export/lanssammanstallning.xlsx"),
            label: format!("Länssammanställning {rid}"),
            note: "Excel: översikt, diagram, påståenden, utveckling, fritext, rådata".into(),
        });
        out.push(Download {
            href: format!("/omgangar/{rid}/export/radata.csv"),
            label: format!("Rådata {rid} (CSV)"),
            note: "ett svar per rad, för statistikprogram".into(),
        });
    }
    for o in orgs.iter().filter(|o| org_visible(v, round, &o.code)) {
        out.push(Download {
            href: format!("/omgangar/{rid}/export/org/{}", o.code),
            label: format!(
                "Rapport för {}",
                nara_core::org::with_code(&o.name, &o.code)
            ),
            note: "Excel".into(),
        });
    }
    out
}

/// `GET /omgangar/{round}/export/lanssammanstallning.xlsx`.
#[tracing::instrument(skip_all, fields(round = %round.id))]
pub async fn summary(
    State(state): State<AppState>,
    VisibleRound {
        viewer: v, round, ..
    }: VisibleRound,
) -> AppResult<Response> {
    need_county(&v, &round)?;
    let earlier = crate::access::audience(&v, &round).earlier;
    let public_only = crate::access::indicators_public_only(&v, None);
    // An anonymous file beside the uploads: nothing is left of it once it is sent, or if the
    // server stops.
    let dir = (state.config.upload_dir.clone()).unwrap_or_else(std::env::temp_dir);
    let tmp = tempfile::tempfile_in(&dir)
        .map_err(|e| nara_app::Error::internal("En tillfällig fil kunde inte skapas", e))?;
    let (name, file) = (state.app)
        .export_summary(round.id, earlier, public_only, tmp)
        .await?;
    Ok(attachment_file(file, &name, XLSX))
}

/// `GET /omgangar/{round}/export/radata.csv`.
#[tracing::instrument(skip_all, fields(round = %round.id))]
pub async fn raw(
    State(state): State<AppState>,
    VisibleRound {
        viewer: v, round, ..
    }: VisibleRound,
) -> AppResult<Response> {
    need_county(&v, &round)?;
    let (name, bytes) = state.app.export_raw_csv(round.id, None).await?;
    Ok(attachment(bytes, &name, CSV))
}

/// `GET /omgangar/{round}/export/org/{code}`.
#[tracing::instrument(skip_all, fields(round = %round.id, org = %code))]
pub async fn org(
    State(state): State<AppState>,
    VisibleRound {
        viewer: v, round, ..
    }: VisibleRound,
    PathOrg(code): PathOrg,
) -> AppResult<Response> {
    need_org(&v, &round, &code)?;
    let audience = crate::access::audience(&v, &round);
    let public_only = crate::access::indicators_public_only(&v, Some(&code));
    let (name, bytes) = (state.app)
        .export_org(round.id, &code, audience, public_only)
        .await?;
    Ok(attachment(bytes, &name, XLSX))
}
