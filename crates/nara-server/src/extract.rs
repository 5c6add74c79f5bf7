//! Extractors for what many handlers start with: the round in the path that the viewer may
//! see (or 404, so an invisible round's existence is not revealed), and the organisation code
//! in the path.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use nara_core::{Instrument, OrgCode, Round, RoundId};

use crate::AppState;
use crate::auth::Viewer;
use crate::error::AppError;

/// The `{round}` of the path: a round the viewer may see, with its instrument, from the
/// request's data snapshot; "Omgången … finns inte." (404) when there is no such round or the
/// viewer may not know of it. The viewer comes first, so a request without a session is sent
/// to sign in before anything about the round is said.
pub struct VisibleRound {
    /// Who asks.
    pub viewer: Viewer,
    /// The round.
    pub round: Round,
    /// Its instrument.
    pub instrument: Instrument,
}

impl FromRequestParts<AppState> for VisibleRound {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let viewer = Viewer::from_request_parts(parts, state).await?;
        let id = path_param(parts, state, "round").await;
        let not_found = || AppError::NotFound(format!("Omgången {id} finns inte."));
        let rid = RoundId::parse(&id).map_err(|_| not_found())?;
        // The one stamp query of the request: the round, its instrument and (later in the
        // handler) the cached results come from this snapshot.
        let snap = crate::snap(state).await?;
        let round = snap.round(rid).ok_or_else(not_found)?;
        let instrument = snap.instrument_of(round).ok_or_else(not_found)?;
        if !crate::access::round_visible(&viewer, round) {
            return Err(not_found());
        }
        Ok(Self {
            viewer,
            round: round.clone(),
            instrument: instrument.clone(),
        })
    }
}

/// The `{code}` of the path as an organisation code; "Organisationen … finns inte." (404) when
/// it cannot be one. Whether the viewer may see it is the handler's question
/// ([`crate::access::need_org`]).
pub struct PathOrg(pub OrgCode);

impl FromRequestParts<AppState> for PathOrg {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let code = path_param(parts, state, "code").await;
        OrgCode::parse(&code)
            .map(PathOrg)
            .map_err(|_| AppError::NotFound(format!("Organisationen {code} finns inte.")))
    }
}

/// A path parameter by name, percent-decoded (empty when the route has none by that name or
/// it is not valid UTF-8).
async fn path_param(parts: &mut Parts, state: &AppState, name: &str) -> String {
    let Ok(params) = RawPathParams::from_request_parts(parts, state).await else {
        return String::new();
    };
    params
        .iter()
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .unwrap_or_default()
}
