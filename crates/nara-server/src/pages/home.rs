//! The start page: a redirect to the newest round with results.

use crate::AppState;
use crate::access::{county_visible, round_visible};
use crate::auth;
use crate::error::AppResult;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::cookie::CookieJar;
use nara_core::Round;

/// The start page.
pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

/// `GET /`: the newest round the viewer may see that has answers (at the level they may see:
/// the county, or their own organisation), else the newest they may see at all; never a fresh
/// draft or an empty round when there is one with results.
#[tracing::instrument(skip_all)]
pub async fn home(State(state): State<AppState>, jar: CookieJar) -> AppResult<Response> {
    let Some(v) = auth::session_user(&state, &jar).await? else {
        return Ok(Redirect::to("/logga-in").into_response());
    };
    let snap = crate::snap(&state).await?;
    let visible: Vec<&Round> = snap
        .rounds
        .iter()
        .rev()
        .filter(|r| round_visible(&v, r))
        .collect();
    let mut newest = visible.first().copied();
    for r in &visible {
        let county = county_visible(&v, r);
        let own = if county { None } else { v.org() };
        if !county && own.is_none() {
            continue;
        }
        let rep = state
            .app
            .report(&snap, r.id, own, crate::access::audience(&v, r).earlier)
            .await?;
        if !rep.organisations.is_empty() {
            newest = Some(r);
            break;
        }
    }
    Ok(match newest {
        Some(r) if county_visible(&v, r) => Redirect::to(&format!("/omgangar/{}", r.id)),
        Some(r) => match v.org() {
            Some(o) => Redirect::to(&format!("/omgangar/{}/org/{}", r.id, o)),
            None => Redirect::to("/omgangar"),
        },
        None => Redirect::to("/omgangar"),
    }
    .into_response())
}
