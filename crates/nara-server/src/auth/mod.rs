//! Sign-in, sessions and CSRF.
//!
//! A session is a random 32-byte id in an `HttpOnly`, `SameSite=Lax` cookie (`Secure` when the
//! server is configured for TLS); the database keeps only its SHA-256, so a copy of the database
//! does not hold usable sessions. A session ends after `idle` without use or `absolute` after
//! sign-in, at sign-out, or when its account is disabled. Each session has its own CSRF token,
//! which every state-changing form carries; the sign-in form, before there is a session, uses
//! a double-submit cookie. Sign-in attempts are limited per account and per address, counted
//! before the password is verified, in the database (so the limits hold across instances).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use nara_app::{Role, User};
use nara_core::OrgCode;

use crate::AppState;
use crate::error::AppError;

mod client;
mod limiter;

pub use client::{ClientAddr, client_ip};
pub use limiter::{
    Account, MAX_ATTEMPTS, MAX_PER_ACCOUNT, MAX_PER_ADDRESS, MAX_SSO_STARTS_PER_ADDRESS,
    RateLimiter, Reservation, Ticket, WINDOW_MS,
};

/// The session cookie.
pub const SESSION_COOKIE: &str = "nara_session";
/// The sign-in form's double-submit cookie.
pub const LOGIN_CSRF_COOKIE: &str = "nara_login";

/// The signed-in user of a request, with the session's CSRF token. Extracting it requires a
/// valid session: handlers that take it are for signed-in users only.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The account.
    pub user: User,
    /// The session's CSRF token.
    pub csrf: String,
}

impl Viewer {
    /// Whether the viewer is the coordinator.
    pub fn is_admin(&self) -> bool {
        self.user.role == Role::Admin
    }
    /// The organisation of a respondent.
    pub fn org(&self) -> Option<&OrgCode> {
        match self.user.role {
            Role::Respondent => self.user.org.as_ref(),
            _ => None,
        }
    }
    /// The role in Swedish.
    pub fn role_label(&self) -> &'static str {
        match self.user.role {
            Role::Admin => "samordnare",
            Role::Respondent => "respondent",
            Role::Reader => "läsare",
        }
    }
    /// Checks a submitted CSRF token.
    pub fn check_csrf(&self, token: &str) -> Result<(), AppError> {
        if constant_eq(token.as_bytes(), self.csrf.as_bytes()) {
            Ok(())
        } else {
            Err(csrf_error())
        }
    }
}

/// The coordinator: extracting it requires an admin session.
#[derive(Debug, Clone)]
pub struct Admin(pub Viewer);

/// The error for a missing or wrong CSRF token.
pub fn csrf_error() -> AppError {
    AppError::BadRequest(
        "Formuläret hade gått ut eller kom från en annan sida. Ladda om sidan och försök igen."
            .into(),
    )
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A cookie's value from the request.
pub fn cookie(jar: &CookieJar, name: &str) -> Option<String> {
    jar.get(name).map(|c| c.value().to_string())
}

/// A cookie of ours: the whole site, `HttpOnly`, `SameSite=Lax`, `Secure` when configured.
pub fn new_cookie(state: &AppState, name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies)
        .build()
}

/// The cookie that makes the browser forget one of ours (`Max-Age=0`).
pub fn removal(state: &AppState, name: &'static str) -> Cookie<'static> {
    let mut c = new_cookie(state, name, String::new());
    c.make_removal();
    c
}

/// How long sessions live, from the configuration.
pub fn limits(state: &AppState) -> nara_app::sessions::Limits {
    nara_app::sessions::Limits {
        idle: state.config.session_idle,
        absolute: state.config.session_absolute,
    }
}

/// Looks up the session of a request; `None` when absent, unknown, expired or its account is
/// disabled (see [`nara_app::sessions::resume`]).
pub async fn session_user(state: &AppState, jar: &CookieJar) -> Result<Option<Viewer>, AppError> {
    let Some(id) = cookie(jar, SESSION_COOKIE) else {
        return Ok(None);
    };
    let resumed = state.app.resume_session(&id, limits(state)).await?;
    Ok(resumed.map(|r| Viewer {
        user: r.user,
        csrf: r.csrf,
    }))
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(v) = parts.extensions.get::<Viewer>() {
            return Ok(v.clone());
        }
        let v = session_user(state, &CookieJar::from_headers(&parts.headers))
            .await?
            .ok_or(AppError::SignIn)?;
        parts.extensions.insert(v.clone());
        Ok(v)
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let v = Viewer::from_request_parts(parts, state).await?;
        if v.is_admin() {
            Ok(Admin(v))
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// Starts a session for a user: a new id (never one the browser brought), stored hashed.
/// Returns the cookie's value.
pub async fn start_session(state: &AppState, user: &User) -> Result<String, AppError> {
    Ok(state.app.start_session(user, limits(state)).await?)
}
