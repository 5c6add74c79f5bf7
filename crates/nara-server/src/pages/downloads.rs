//! The downloads page and the blank forms.

use crate::AppState;
use crate::downloads::Download;
use crate::error::{AppError, AppResult};
use crate::extract::{PathOrg, VisibleRound};
use crate::layout::{Layout, layout_for, link};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{Html, Response};
use axum::routing::get;

/// The downloads page and blank forms.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/omgangar/{round}/nedladdningar", get(downloads))
        .route("/omgangar/{round}/blankett/{code}", get(blank_form))
}

/// The downloads page.
#[derive(Template)]
#[template(path = "downloads.html")]
pub struct DownloadsPage {
    /// The frame.
    pub layout: Layout,
    /// The note that the numbers may still change (empty when final).
    pub preliminary: String,
    /// The files.
    pub files: Vec<Download>,
    /// Blank forms, one per organisation.
    pub forms: Vec<Download>,
}

/// `GET /omgangar/{round}/nedladdningar`.
#[tracing::instrument(skip_all, fields(round = %round.id))]
pub async fn downloads(
    State(state): State<AppState>,
    VisibleRound {
        viewer: v, round, ..
    }: VisibleRound,
) -> AppResult<Html<String>> {
    let rid = round.id.to_string();
    let orgs = state.app.organisations().await?.organisations;
    let forms = orgs
        .iter()
        .filter(|o| v.is_admin() || v.org() == Some(&o.code))
        .map(|o| Download {
            href: format!("/omgangar/{rid}/blankett/{}", o.code),
            label: format!(
                "Blankett för {}",
                nara_core::org::with_code(&o.name, &o.code)
            ),
            note: "Excel, att fylla i".into(),
        })
        .collect();
    let files = crate::downloads::available(&v, &round, &orgs);
    let layout = layout_for(
        &state,
        &v,
        &format!("Nedladdningar {rid}"),
        Some(&round),
        vec![
            link("/omgangar", "Omgångar"),
            link(
                format!("/omgangar/{rid}/nedladdningar"),
                format!("Nedladdningar {rid}"),
            ),
        ],
    )
    .await?;
    let page = DownloadsPage {
        layout,
        preliminary: round.preliminary_note().unwrap_or_default(),
        files,
        forms,
    };
    Ok(Html(page.render()?))
}

/// `GET /omgangar/{round}/blankett/{code}`: a blank form (the coordinator, or a respondent for
/// their own organisation).
#[tracing::instrument(skip_all, fields(round = %round.id, org = %code))]
pub async fn blank_form(
    State(state): State<AppState>,
    VisibleRound {
        viewer: v, round, ..
    }: VisibleRound,
    PathOrg(code): PathOrg,
) -> AppResult<Response> {
    if !(v.is_admin() || v.org() == Some(&code)) {
        return Err(AppError::Forbidden);
    }
    let (name, bytes) = state.app.blank_form(round.id, &code).await?;
    Ok(crate::downloads::attachment(
        bytes,
        &name,
        crate::downloads::XLSX,
    ))
}
