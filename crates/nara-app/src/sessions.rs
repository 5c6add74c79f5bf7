//! Server-side sessions: a random id in the browser's cookie, only its SHA-256 in the store, an
//! idle and an absolute limit, and the account checked on every use (a disabled account's
//! sessions end at once). Times come from the store's clock, so tests set them.

use std::time::Duration;

use crate::users::secret_hash;
use nara_core::{Session, User};
use nara_store::Store;

use crate::Result;

/// How long a session lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Ends after this long without a request.
    pub idle: Duration,
    /// Ends this long after sign-in, used or not.
    pub absolute: Duration,
}

/// A session that is still valid: its user and its CSRF token.
#[derive(Debug, Clone, PartialEq)]
pub struct Resumed {
    /// The signed-in account.
    pub user: User,
    /// The token every form of the session carries.
    pub csrf: String,
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Starts a session for a user: a new random id (never one the browser brought), stored hashed,
/// with a CSRF token of its own. Sessions past their time are removed now and then, here.
/// Returns the id for the cookie.
pub async fn start(store: &dyn Store, user: &User, limits: Limits) -> Result<String> {
    let id = crate::users::random_token(32)?;
    let now = store.now();
    let session = Session {
        id_hash: secret_hash(&id),
        user_id: user.id,
        csrf: crate::users::random_token(32)?,
        created_at: now,
        last_seen: now,
        expires_at: now.saturating_add(ms(limits.absolute)),
    };
    store.create_session(&session).await?;
    if let Err(e) = store.delete_expired_sessions(now, ms(limits.idle)).await {
        tracing::warn!(error = %e, "expired sessions were not removed");
    }
    Ok(id)
}

/// The session of an id, or `None` when it is unknown, past its idle or absolute limit, or its
/// account is gone or disabled (an ended session is removed). Records the use at most once a
/// minute, so reading pages does not write on every request.
pub async fn resume(store: &dyn Store, id: &str, limits: Limits) -> Result<Option<Resumed>> {
    let hash = secret_hash(id);
    let Some(s) = store.session(&hash).await? else {
        return Ok(None);
    };
    let now = store.now();
    if now >= s.expires_at || now - s.last_seen >= ms(limits.idle) {
        store.delete_session(&hash).await?;
        return Ok(None);
    }
    let user = match store.user(s.user_id).await? {
        Some(u) if !u.disabled => u,
        _ => {
            store.delete_session(&hash).await?;
            return Ok(None);
        }
    };
    if now - s.last_seen > 60_000 {
        store.touch_session(&hash, now).await?;
    }
    Ok(Some(Resumed { user, csrf: s.csrf }))
}

/// Ends a session; an unknown id is not an error.
pub async fn end(store: &dyn Store, id: &str) -> Result<()> {
    Ok(store.delete_session(&secret_hash(id)).await?)
}
