//! The read-only JSON API under `/api/v1`, documented in `docs/api.md`. The same access rules
//! as the pages; errors are JSON (`{"error": "…"}`) with the status code, and an unsigned
//! request gets 401 rather than the sign-in page.

use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use nara_core::{OrgCode, RoundId};
use serde::Serialize;

use crate::AppState;
use crate::access::{county_visible, need_county, need_org, round_visible};
use crate::auth::Viewer;
use crate::error::AppError;

/// An error of the API: the same as the pages' but written as JSON.
pub struct ApiError(pub AppError);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.json()
    }
}

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        Self(e.into())
    }
}

/// The signed-in user of an API request (401 as JSON when there is none).
pub struct ApiViewer(pub Viewer);

impl FromRequestParts<AppState> for ApiViewer {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ApiViewer(Viewer::from_request_parts(parts, state).await?))
    }
}

type ApiResult<T> = Result<Json<T>, ApiError>;

/// A round in the list.
#[derive(Serialize)]
pub struct RoundItem {
    /// The id.
    pub id: String,
    /// `draft`, `open`, `closed` or `published`.
    pub status: &'static str,
    /// The instrument.
    pub instrument_id: String,
    /// Its version.
    pub instrument_version: String,
    /// Whether the viewer may read the county summary.
    pub county_visible: bool,
}

/// `GET /api/v1/rounds`.
pub async fn rounds(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
) -> ApiResult<Vec<RoundItem>> {
    Ok(Json(
        state
            .store
            .rounds()
            .await?
            .into_iter()
            .filter(|r| round_visible(&v, r))
            .map(|r| RoundItem {
                id: r.id.to_string(),
                status: r.status.code(),
                county_visible: county_visible(&v, &r),
                instrument_id: r.instrument_id,
                instrument_version: r.instrument_version,
            })
            .collect(),
    ))
}

async fn round(state: &AppState, v: &Viewer, id: &str) -> Result<nara_core::Round, ApiError> {
    let not_found = || ApiError(AppError::NotFound(format!("Omgången {id} finns inte.")));
    let rid = RoundId::parse(id).map_err(|_| not_found())?;
    // The one stamp query of the request; the cached results below use the same snapshot.
    let snap = state.reports.snapshot(state.store.as_ref()).await?;
    let r = snap.round(rid).cloned().ok_or_else(not_found)?;
    if round_visible(v, &r) {
        Ok(r)
    } else {
        Err(not_found())
    }
}

/// `GET /api/v1/rounds/{round}/summary`: the whole round report (as `nara report --json`).
pub async fn summary(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let r = round(&state, &v, &id).await?;
    need_county(&v, &r)?;
    let earlier = crate::access::audience(&v, &r).earlier;
    let snap = crate::snap(&state).await?;
    let rep = state
        .reports
        .report(state.store.as_ref(), &snap, r.id, None, earlier)
        .await?;
    // The serialised document is cached too: it is the same for everyone who may read it.
    let body = state
        .reports
        .body(&snap, &format!("summary:{}:{earlier:?}", r.id), || {
            serde_json::to_vec(&*rep).map_err(|e| nara_app::Error::Io(e.to_string()))
        })
        .await?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body.as_ref().clone(),
    )
        .into_response())
}

/// Serialises a (cached, shared) value as the JSON response.
fn json_of<T: Serialize>(value: &T) -> Result<Response, ApiError> {
    let body =
        serde_json::to_vec(value).map_err(|e| ApiError(AppError::Internal(e.to_string())))?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response())
}

/// `GET /api/v1/rounds/{round}/org/{code}`: one organisation's results (as
/// `nara report --org CODE --json`).
pub async fn organisation(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
    Path((id, code)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let r = round(&state, &v, &id).await?;
    let code = OrgCode::parse(&code).map_err(|_| {
        ApiError(AppError::NotFound(format!(
            "Organisationen {code} finns inte."
        )))
    })?;
    need_org(&v, &r, &code)?;
    nara_app::organisation(state.store.as_ref(), &code).await?;
    let rep = state
        .reports
        .report(
            state.store.as_ref(),
            &*crate::snap(&state).await?,
            r.id,
            Some(&code),
            crate::access::audience(&v, &r).earlier,
        )
        .await?;
    if county_visible(&v, &r) {
        return json_of(&*rep);
    }
    // A respondent before publication sees their own numbers, not the county's.
    let mut rep = (*rep).clone();
    rep.county = Default::default();
    rep.previous_county = None;
    rep.county_change = vec![None; rep.areas.len()];
    json_of(&rep)
}
