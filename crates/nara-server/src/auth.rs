//! Sign-in, sessions and CSRF.
//!
//! A session is a random 32-byte id in an `HttpOnly`, `SameSite=Lax` cookie (`Secure` when the
//! server is configured for TLS); the database keeps only its SHA-256, so a copy of the database
//! does not hold usable sessions. A session ends after `idle` without use or `absolute` after
//! sign-in, at sign-out, or when its account is disabled. Each session has its own CSRF token,
//! which every state-changing form carries; the sign-in form, before there is a session, uses
//! a double-submit cookie. Failed sign-ins are limited per account and per address.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use nara_core::OrgCode;
use nara_store::{Role, Session, User, now_ms};
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::error::AppError;

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

/// The SHA-256 of a session id, as stored.
pub fn hash_id(id: &str) -> String {
    hex::encode(Sha256::digest(id.as_bytes()))
}

/// A cookie's value from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A `Set-Cookie` header value.
pub fn set_cookie(
    state: &AppState,
    name: &str,
    value: &str,
    max_age: Option<Duration>,
) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(a) = max_age {
        c.push_str(&format!("; Max-Age={}", a.as_secs()));
    }
    if state.config.secure_cookies {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Looks up the session of a request; `None` when absent, unknown, expired or its account is
/// disabled. Touches `last_seen`.
pub async fn session_user(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Viewer>, AppError> {
    let Some(id) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let hash = hash_id(&id);
    let Some(s) = state.store.session(&hash).await? else {
        return Ok(None);
    };
    let now = now_ms();
    let idle = state.config.session_idle.as_millis() as i64;
    if now >= s.expires_at || now - s.last_seen >= idle {
        state.store.delete_session(&hash).await?;
        return Ok(None);
    }
    let Some(user) = state.store.user(s.user_id).await? else {
        return Ok(None);
    };
    if user.disabled {
        state.store.delete_session(&hash).await?;
        return Ok(None);
    }
    // Touch at most once a minute, so reading pages does not write on every request.
    if now - s.last_seen > 60_000 {
        state.store.touch_session(&hash, now).await?;
    }
    Ok(Some(Viewer { user, csrf: s.csrf }))
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
        let v = session_user(state, &parts.headers)
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

/// The client's address (from the connection; `unknown` in tests without one).
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or_else(|| "unknown".into(), |c| c.0.ip().to_string()),
        ))
    }
}

/// Failed sign-ins in a sliding window, per account and per address.
#[derive(Debug, Default)]
pub struct RateLimiter {
    failures: Mutex<HashMap<String, Vec<i64>>>,
}

/// Failed attempts allowed per account in the window.
pub const MAX_PER_ACCOUNT: usize = 5;
/// Failed attempts allowed per address in the window.
pub const MAX_PER_ADDRESS: usize = 20;
/// The window.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;

impl RateLimiter {
    fn count(&self, key: &str, now: i64) -> usize {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let list = map.entry(key.to_string()).or_default();
        list.retain(|t| now - t < WINDOW_MS);
        list.len()
    }
    /// Whether another attempt is allowed for this account and address.
    pub fn allowed(&self, account: &str, addr: &str) -> bool {
        let now = now_ms();
        self.count(&format!("u:{}", account.to_lowercase()), now) < MAX_PER_ACCOUNT
            && self.count(&format!("a:{addr}"), now) < MAX_PER_ADDRESS
    }
    /// Records a failed attempt.
    pub fn failed(&self, account: &str, addr: &str) {
        let now = now_ms();
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        for k in [format!("u:{}", account.to_lowercase()), format!("a:{addr}")] {
            map.entry(k).or_default().push(now);
        }
        // Keep the map small: forget keys with no recent failures.
        if map.len() > 10_000 {
            map.retain(|_, v| v.iter().any(|t| now - t < WINDOW_MS));
        }
    }
    /// Forgets the account's failures after a successful sign-in.
    pub fn succeeded(&self, account: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(&format!("u:{}", account.to_lowercase()));
    }
}

/// Starts a session for a user: a new id (never one the browser brought), stored hashed.
/// Returns the cookie's value.
pub async fn start_session(state: &AppState, user: &User) -> Result<String, AppError> {
    let id = nara_app::users::random_token(32)?;
    let now = now_ms();
    let session = Session {
        id_hash: hash_id(&id),
        user_id: user.id,
        csrf: nara_app::users::random_token(32)?,
        created_at: now,
        last_seen: now,
        expires_at: now + state.config.session_absolute.as_millis() as i64,
    };
    state.store.create_session(&session).await?;
    // Sessions past their time are removed now and then, here.
    let _ = state
        .store
        .delete_expired_sessions(now, state.config.session_idle.as_millis() as i64)
        .await;
    Ok(id)
}

/// Adds `Set-Cookie` to a header map.
pub fn add_cookie(headers: &mut HeaderMap, value: HeaderValue) {
    headers.append(SET_COOKIE, value);
}
