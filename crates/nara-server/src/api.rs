//! The read-only JSON API under `/api/v1`, documented in `docs/api.md`. The same access rules
//! as the pages; errors are JSON (`{"error": "…"}`) with the status code, and an unsigned
//! request gets 401 rather than the sign-in page.

use axum::Json;
use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use nara_core::OrgCode;
use serde::Serialize;

use crate::AppState;
use crate::access::{county_visible, need_county, need_org, round_visible};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::extract::{PathOrg, VisibleRound};

/// The JSON API.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/rounds", get(rounds))
        .route("/api/v1/rounds/{round}/summary", get(summary))
        .route("/api/v1/rounds/{round}/org/{code}", get(organisation))
}

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
#[tracing::instrument(skip_all, fields(user = %v.user.username))]
pub async fn rounds(
    State(state): State<AppState>,
    ApiViewer(v): ApiViewer,
) -> ApiResult<Vec<RoundItem>> {
    Ok(Json(
        state
            .app
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

/// The round of the path the viewer may see ([`VisibleRound`]), with errors as JSON.
pub struct ApiRound(pub VisibleRound);

impl FromRequestParts<AppState> for ApiRound {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ApiRound(
            VisibleRound::from_request_parts(parts, state).await?,
        ))
    }
}

/// The organisation code of the path ([`PathOrg`]), with errors as JSON.
pub struct ApiOrg(pub OrgCode);

impl FromRequestParts<AppState> for ApiOrg {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ApiOrg(PathOrg::from_request_parts(parts, state).await?.0))
    }
}

/// `GET /api/v1/rounds/{round}/summary`: the whole round report (as `nara report --json`).
#[tracing::instrument(skip_all, fields(round = %r.id))]
pub async fn summary(
    State(state): State<AppState>,
    ApiRound(VisibleRound {
        viewer: v,
        round: r,
        ..
    }): ApiRound,
) -> Result<Response, ApiError> {
    need_county(&v, &r)?;
    let earlier = crate::access::audience(&v, &r).earlier;
    let snap = crate::snap(&state).await?;
    let rep = state.app.report(&snap, r.id, None, earlier).await?;
    // The serialised document is cached too: it is the same for everyone who may read it.
    let body = state
        .app
        .cached_body(&snap, &format!("summary:{}:{earlier:?}", r.id), || {
            serde_json::to_vec(&*rep).map_err(|e| nara_app::Error::internal("JSON", e))
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
#[tracing::instrument(skip_all, fields(round = %r.id, org = %code))]
pub async fn organisation(
    State(state): State<AppState>,
    ApiRound(VisibleRound {
        viewer: v,
        round: r,
        ..
    }): ApiRound,
    ApiOrg(code): ApiOrg,
) -> Result<Response, ApiError> {
    need_org(&v, &r, &code)?;
    state.app.organisation(&code).await?;
    let rep = state
        .app
        .report(
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
