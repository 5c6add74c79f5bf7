//! The read-only JSON API under `/api/v1`, documented in `docs/api.md`. The same access rules
//! as the pages; errors are JSON (`{"error": "…"}`) with the status code, and an unsigned
//! request gets 401 rather than the sign-in page.

use axum::Json;
use axum::Router;
use axum::extract::{FromRequestParts, Query, State};
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

/// `?enheter=nej` on the summary: the organisations without their units.
#[derive(serde::Deserialize, Default)]
pub struct SummaryQuery {
    #[serde(default)]
    enheter: String,
}

/// `GET /api/v1/rounds/{round}/summary`: the whole round report (as `nara report --json`), or
/// with `?enheter=nej` the same without the organisations' units (a county's figures need not
/// carry every unit; read them per organisation, a page at a time).
#[tracing::instrument(skip_all, fields(round = %r.id))]
pub async fn summary(
    State(state): State<AppState>,
    ApiRound(VisibleRound {
        viewer: v,
        round: r,
        ..
    }): ApiRound,
    Query(q): Query<SummaryQuery>,
) -> Result<Response, ApiError> {
    need_county(&v, &r)?;
    let units = match q.enheter.as_str() {
        "" | "ja" => true,
        "nej" => false,
        _ => {
            return Err(ApiError(AppError::BadRequest(
                "enheter ska vara ja eller nej.".into(),
            )));
        }
    };
    let earlier = crate::access::audience(&v, &r).earlier;
    let snap = crate::snap(&state).await?;
    let rep = state.app.report(&snap, r.id, None, earlier).await?;
    // The serialised document is cached too: it is the same for everyone who may read it.
    let key = format!("summary:{}:{earlier:?}:{units}", r.id);
    let body = (state.app)
        .cached_body(&snap, &key, || {
            let json = if units {
                serde_json::to_vec(&*rep)
            } else {
                let mut lean = (*rep).clone();
                lean.organisations.iter_mut().for_each(|o| o.units.clear());
                serde_json::to_vec(&lean)
            };
            json.map_err(|e| nara_app::Error::internal("JSON", e))
        })
        .await?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        shared(body),
    )
        .into_response())
}

/// A cached body as a response body without copying it: every request shares the one buffer.
pub(crate) fn shared(body: std::sync::Arc<Vec<u8>>) -> axum::body::Bytes {
    struct Shared(std::sync::Arc<Vec<u8>>);
    impl AsRef<[u8]> for Shared {
        fn as_ref(&self) -> &[u8] {
            self.0.as_slice()
        }
    }
    axum::body::Bytes::from_owner(Shared(body))
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

/// `?sida=N&per_sida=M` on an organisation's results: one page of its units.
#[derive(serde::Deserialize, Default)]
pub struct UnitPage {
    #[serde(default)]
    sida: String,
    #[serde(default)]
    per_sida: String,
}

/// The most units one page of the API holds.
pub const MAX_UNITS_PER_PAGE: usize = 1000;

/// `GET /api/v1/rounds/{round}/org/{code}`: one organisation's results (as
/// `nara report --org CODE --json`); with `?sida=N` (from 1) only that page of its units,
/// `per_sida` of them (100 unless given; at most [`MAX_UNITS_PER_PAGE`]).
#[tracing::instrument(skip_all, fields(round = %r.id, org = %code))]
pub async fn organisation(
    State(state): State<AppState>,
    ApiRound(VisibleRound {
        viewer: v,
        round: r,
        ..
    }): ApiRound,
    ApiOrg(code): ApiOrg,
    Query(page): Query<UnitPage>,
) -> Result<Response, ApiError> {
    need_org(&v, &r, &code)?;
    let number = |s: &str, default: Option<usize>| match s.trim() {
        "" => Ok(default),
        t => t.parse::<usize>().map(Some),
    };
    let (sida, per) = match (number(&page.sida, None), number(&page.per_sida, Some(100))) {
        (Ok(sida), Ok(Some(per))) if sida != Some(0) && (1..=MAX_UNITS_PER_PAGE).contains(&per) => {
            (sida, per)
        }
        _ => {
            return Err(ApiError(AppError::BadRequest(format!(
                "sida räknas från 1 och per_sida ska vara 1–{MAX_UNITS_PER_PAGE}."
            ))));
        }
    };
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
    if county_visible(&v, &r) && sida.is_none() {
        return json_of(&*rep);
    }
    let mut rep = (*rep).clone();
    if let Some(n) = sida {
        for o in &mut rep.organisations {
            let from = (n - 1).saturating_mul(per).min(o.units.len());
            o.units = o.units.drain(from..).take(per).collect();
        }
    }
    if !county_visible(&v, &r) {
        // A respondent before publication sees their own numbers, not the county's.
        rep.county = Default::default();
        rep.previous_county = None;
        rep.county_change = vec![None; rep.areas.len()];
    }
    json_of(&rep)
}
