//! Signing in with the organisation's own identity (OpenID Connect): the button's address
//! sends the browser to the provider, the provider sends it back to `/logga-in/svar`.
//!
//! The `state` travels in an `HttpOnly`, `SameSite=Lax` cookie of ten minutes as well as in the
//! round trip, so an answer started in another browser is refused; the store keeps the nonce
//! and PKCE verifier under the state's hash and gives them out once (see
//! [`nara_app::sso`]). A signed-in person gets the same server-side session as after a password.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::cookie::CookieJar;
use nara_app::sso::{Answer, Refusal};

use crate::AppState;
use crate::auth::{self, ClientAddr};
use crate::error::AppResult;

/// The cookie that keeps a started sign-in's state.
pub const STATE_COOKIE: &str = "nara_sso";
/// Where providers send the browser back: register `<public address>/logga-in/svar`.
pub const REDIRECT_PATH: &str = "/logga-in/svar";

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/logga-in/sso/{provider}", get(begin))
        .route(REDIRECT_PATH, get(finish))
}

/// The address the provider sends the browser back to.
pub fn redirect_uri(state: &AppState, headers: &HeaderMap) -> String {
    format!("{}{REDIRECT_PATH}", crate::public_base(state, headers))
}

/// `GET /logga-in/sso/{provider}`: to the provider, with the state in a cookie. Starts are
/// counted per address ([`auth::MAX_SSO_STARTS_PER_ADDRESS`] in a quarter of an hour, in the
/// store, on every instance together): beyond it, the sign-in page says to wait (429).
#[tracing::instrument(skip_all, fields(provider = %provider, client = %addr))]
pub async fn begin(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
) -> AppResult<Response> {
    if state.sso.provider(&provider).is_some()
        && let auth::Reservation::Refused { first } =
            state.limiter.reserve_sso_start(&state.app, &addr).await?
    {
        if first {
            tracing::warn!(%addr, "sign-ins at providers rate limited");
        }
        let status = StatusCode::TOO_MANY_REQUESTS;
        return super::login::login_page(&state, TOO_MANY_STARTS, "", status).await;
    }
    let redirect = redirect_uri(&state, &headers);
    match state.app.sso_begin(&state.sso, &provider, &redirect).await {
        Ok(begun) => {
            let mut cookie = auth::new_cookie(&state, STATE_COOKIE, begun.state);
            let ten_minutes = i64::try_from(nara_app::sso::PENDING_MAX.as_secs()).unwrap_or(600);
            cookie.set_max_age(time::Duration::seconds(ten_minutes));
            let jar = CookieJar::new().add(cookie);
            Ok((jar, Redirect::to(&begun.url)).into_response())
        }
        Err(r) => refused(&state, &provider, "", &r).await,
    }
}

const TOO_MANY_STARTS: &str = "För många inloggningar har påbörjats från din adress den senaste kvarten. Vänta en stund och försök igen; kvarstår det, kontakta förvaltaren.";

/// `GET /logga-in/svar`: the provider's answer; signed in, or the sign-in page with why not.
#[tracing::instrument(skip_all, fields(client = %addr))]
pub async fn finish(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    jar: CookieJar,
    headers: HeaderMap,
    Query(answer): Query<Answer>,
) -> AppResult<Response> {
    let redirect = redirect_uri(&state, &headers);
    let cookie = auth::cookie(&jar, STATE_COOKIE);
    let done = (state.app)
        .sso_finish(&state.sso, &answer, cookie.as_deref(), &redirect)
        .await;
    match done {
        Ok((user, provider)) => {
            let how = format!("leverantör: {provider}; adress: {addr}");
            super::login::signed_in(&state, &jar, &user, &how).await
        }
        Err(r) => refused(&state, "", &addr, &r).await,
    }
}

/// A refused sign-in: logged and audited (best effort) with its reason, the sign-in page with
/// the sentence, and the state cookie cleared.
async fn refused(state: &AppState, provider: &str, addr: &str, r: &Refusal) -> AppResult<Response> {
    if r.is_outage() {
        tracing::error!(provider, reason = r.code(), "sign-in at a provider failed");
    } else {
        tracing::warn!(provider, reason = r.code(), "sign-in at a provider refused");
    }
    let details = format!("{}; leverantör: {provider}; adress: {addr}", r.code());
    let _ = (state.app)
        .audit("okänd", "sign-in.sso.refused", provider, &details)
        .await;
    let status = match r {
        Refusal::UnknownProvider => StatusCode::NOT_FOUND,
        Refusal::Down { .. } | Refusal::Client { .. } => StatusCode::BAD_GATEWAY,
        Refusal::Store(_) => StatusCode::SERVICE_UNAVAILABLE,
        Refusal::Rules(_) | Refusal::Disabled => StatusCode::FORBIDDEN,
        _ => StatusCode::BAD_REQUEST,
    };
    let page = super::login::login_page(state, &r.to_string(), "", status).await?;
    let jar = CookieJar::new().add(auth::removal(state, STATE_COOKIE));
    Ok((jar, page).into_response())
}

/// The page after signing out of Nära, for a person whose provider can end its own session.
#[derive(Template)]
#[template(path = "signed_out.html")]
pub struct SignedOut {
    /// The provider's name.
    pub provider: String,
    /// Its end-session address.
    pub url: String,
}

/// The signed-out page with the provider's end-session link, when the account is linked to a
/// configured provider that has one.
pub async fn signed_out_page(
    state: &AppState,
    headers: &HeaderMap,
    user_id: i64,
) -> AppResult<Option<Html<String>>> {
    let back = format!("{}/logga-in", crate::public_base(state, headers));
    for id in state.app.sso_links(user_id).await? {
        let Some(p) = state.sso.provider(&id) else {
            continue;
        };
        if let Some(url) = state.sso.end_session_url(&id, &back).await {
            let page = SignedOut {
                provider: p.name.clone(),
                url,
            };
            return Ok(Some(Html(page.render()?)));
        }
    }
    Ok(None)
}
