//! Sign-in and sign-out.

use crate::AppState;
use crate::auth::{self, ClientAddr, LOGIN_CSRF_COOKIE, SESSION_COOKIE, Viewer};
use crate::error::AppResult;
use askama::Template;
use axum::Router;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::cookie::CookieJar;
use nara_app::User;
use serde::Deserialize;

/// Sign-in and sign-out.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/logga-in", get(login_form).post(login))
        .route("/logga-ut", post(logout))
        .merge(super::sso::router())
}

/// A sign-in button of an identity provider.
pub struct ProviderButton {
    /// Where it leads (`/logga-in/sso/{id}`).
    pub href: String,
    /// "Logga in med Falu kommun".
    pub label: String,
}

/// The sign-in page.
#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    /// What went wrong last time.
    pub error: String,
    /// The double-submit token.
    pub csrf: String,
    /// The name typed last time.
    pub username: String,
    /// Whose service this is ("För Region Dalarna och länets 15 kommuner.").
    pub service: String,
    /// The identity providers' buttons, in the configured order.
    pub providers: Vec<ProviderButton>,
    /// Whether password sign-in is for coordinators only.
    pub coordinators_only: bool,
}

/// `GET /logga-in`.
#[tracing::instrument(skip_all)]
pub async fn login_form(State(state): State<AppState>, jar: CookieJar) -> AppResult<Response> {
    if auth::session_user(&state, &jar).await?.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    login_page(&state, "", "", StatusCode::OK).await
}

pub(super) async fn login_page(
    state: &AppState,
    error: &str,
    username: &str,
    status: StatusCode,
) -> AppResult<Response> {
    let token = nara_app::users::random_token(16)?;
    // Best effort: the form must work without the database (the organisations name the
    // service when they can be read).
    let service = (state.app.organisations().await)
        .map(|o| nara_core::org::service_line(&o.organisations))
        .unwrap_or_default();
    let providers = (state.sso.providers().iter())
        .map(|p| ProviderButton {
            href: format!("/logga-in/sso/{}", p.id),
            label: p.button(),
        })
        .collect();
    let coordinators_only = (state.app.password_sign_in().await)
        .is_ok_and(|p| p == nara_core::sso::PasswordSignIn::CoordinatorsOnly);
    let page = LoginPage {
        error: error.into(),
        csrf: token.clone(),
        username: username.into(),
        service,
        providers,
        coordinators_only,
    };
    let jar = CookieJar::new().add(auth::new_cookie(state, LOGIN_CSRF_COOKIE, token));
    Ok((status, jar, Html(page.render()?)).into_response())
}

/// The sign-in form.
#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    csrf: String,
}

/// `POST /logga-in`. A name that cannot be an account's, or a password over 1,024 bytes, is
/// refused at once (counted against the address, nothing hashed). Otherwise the attempt is
/// counted against the account and the address *before* the password is verified, and given
/// back only when it succeeds, so parallel guesses cannot exceed the limit, on this instance or
/// on any other on the same database. Logs and the audit get at most 64 characters of the
/// name, without control characters.
#[tracing::instrument(skip_all, fields(client = %addr))]
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    use nara_app::users;
    let expected = auth::cookie(&jar, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || expected != form.csrf {
        return Err(auth::csrf_error());
    }
    let name = form.username.trim();
    let shown = users::loggable_name(name);
    if !users::valid_username(name) || form.password.len() > users::MAX_PASSWORD_BYTES {
        let reserved = state.limiter.reserve_address(&state.app, &addr).await?;
        if let auth::Reservation::Refused { first } = reserved {
            return limited(&state, &shown, &addr, first).await;
        }
        let why = format!("adress: {addr}; ogiltigt användarnamn eller för långt lösenord");
        return failed(&state, &shown, &why).await;
    }
    let user = state.app.find_user(name).await?;
    let account = auth::Account::of(name, user.as_ref());
    let ticket = match state.limiter.reserve(&state.app, &account, &addr).await? {
        auth::Reservation::Go(t) => t,
        auth::Reservation::Refused { first } => return limited(&state, &shown, &addr, first).await,
    };
    state.limiter.count_verification();
    let Some(user) = users::check_sign_in(user, &form.password).await else {
        // The reservation stays: it is the failure.
        drop(ticket);
        return failed(&state, &shown, &format!("adress: {addr}")).await;
    };
    state.limiter.succeeded(&state.app, ticket).await;
    if !state.app.password_sign_in().await?.allows(user.role) {
        // Said only after the password was right, so it tells a guesser nothing.
        let why = format!("adress: {addr}; lösenordsinloggning bara för samordnare");
        let _ = state
            .app
            .audit(&shown, "sign-in.failed", &shown, &why)
            .await;
        return login_page(&state, PASSWORD_OFF, &shown, StatusCode::FORBIDDEN).await;
    }
    signed_in(&state, &jar, &user, &format!("adress: {addr}")).await
}

const PASSWORD_OFF: &str = "Inloggning med lösenord är avstängd för ditt konto. Logga in med din organisations inloggning ovan.";
const WRONG: &str = "Fel användarnamn eller lösenord.";
const LIMITED: &str = "För många misslyckade försök. Vänta en kvart och försök igen, eller be samordnaren återställa lösenordet.";

/// The answer to a refused attempt: logged (at warning level the first time), the form again.
async fn limited(state: &AppState, shown: &str, addr: &str, first: bool) -> AppResult<Response> {
    if first {
        tracing::warn!(user = %shown, %addr, "sign-in rate limited");
    } else {
        tracing::debug!(user = %shown, %addr, "sign-in rate limited");
    }
    login_page(state, LIMITED, shown, StatusCode::TOO_MANY_REQUESTS).await
}

/// The answer to a wrong name or password: audited (best effort: a failing audit must not tell
/// the guesser anything), the form again with one sentence for both.
async fn failed(state: &AppState, shown: &str, why: &str) -> AppResult<Response> {
    let _ = state.app.audit(shown, "sign-in.failed", shown, why).await;
    login_page(state, WRONG, shown, StatusCode::UNAUTHORIZED).await
}

/// A successful sign-in: a new session id (the old one, if any, ends), audited with `how`
/// (the address, and the provider), and home.
pub(super) async fn signed_in(
    state: &AppState,
    jar: &CookieJar,
    user: &User,
    how: &str,
) -> AppResult<Response> {
    if let Some(old) = auth::cookie(jar, SESSION_COOKIE) {
        let _ = state.app.end_session(&old).await;
    }
    let id = auth::start_session(state, user).await?;
    let name = &user.username;
    (state.app).audit(name, "sign-in", name, how).await?;
    let jar = CookieJar::new()
        .add(auth::new_cookie(state, SESSION_COOKIE, id))
        .add(auth::removal(state, LOGIN_CSRF_COOKIE))
        .add(auth::removal(state, super::sso::STATE_COOKIE));
    Ok((jar, Redirect::to("/")).into_response())
}

/// A form that only carries the CSRF token.
#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /logga-ut`.
#[tracing::instrument(skip_all, fields(user = %v.user.username))]
///
/// A person who signed in at an identity provider with an end-session address is offered to
/// sign out there too (a page with the link); the others go back to the sign-in page.
pub async fn logout(
    State(state): State<AppState>,
    v: Viewer,
    jar: CookieJar,
    headers: axum::http::HeaderMap,
    Form(f): Form<CsrfForm>,
) -> AppResult<Response> {
    v.check_csrf(&f.csrf)?;
    if let Some(id) = auth::cookie(&jar, SESSION_COOKIE) {
        state.app.end_session(&id).await?;
    }
    let jar = CookieJar::new().add(auth::removal(&state, SESSION_COOKIE));
    match super::sso::signed_out_page(&state, &headers, v.user.id).await? {
        Some(page) => Ok((jar, page).into_response()),
        None => Ok((jar, Redirect::to("/logga-in")).into_response()),
    }
}
