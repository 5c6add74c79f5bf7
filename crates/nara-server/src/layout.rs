//! What every page shares: the frame (menu, round selector, breadcrumbs), links, path
//! segments, the error page. Pages, errors, downloads and the answer form all build on it; it
//! depends on none of them.

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use nara_core::Round;

use crate::AppState;
use crate::access::round_visible;
use crate::auth::Viewer;
use crate::error::AppResult;

/// A link in the breadcrumbs or a menu.
pub struct Link {
    /// Where.
    pub href: String,
    /// What it says.
    pub label: String,
}

/// A link.
pub fn link(href: impl Into<String>, label: impl Into<String>) -> Link {
    Link {
        href: href.into(),
        label: label.into(),
    }
}

/// One option in a list to choose from: the value sent, the text shown (an organisation's
/// code and name, an instrument's id and name).
#[derive(Debug, serde::Serialize)]
pub struct Choice {
    /// The value sent.
    pub value: String,
    /// What it says.
    pub label: String,
}

/// What every signed-in page shows around its content.
pub struct Layout {
    /// The page title.
    pub title: String,
    /// The signed-in user's name.
    pub user: String,
    /// Their role, in Swedish.
    pub role: String,
    /// The session's CSRF token (for the sign-out form).
    pub csrf: String,
    /// Breadcrumbs, the last one the current page.
    pub crumbs: Vec<Link>,
    /// The round selector: the visible rounds, and the current one.
    pub rounds: Vec<Link>,
    /// The current round's id, if any.
    pub round: String,
    /// Whether the viewer is the coordinator.
    pub admin: bool,
    /// Whether the viewer may make answer links (coordinator, respondent).
    pub can_link: bool,
}

/// Percent-encodes a path segment.
pub fn seg(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The frame of a page for a viewer: the menu, the round selector, breadcrumbs.
pub async fn layout_for(
    state: &AppState,
    v: &Viewer,
    title: &str,
    round: Option<&Round>,
    crumbs: Vec<Link>,
) -> AppResult<Layout> {
    // The menu may use the request's snapshot (taken a moment ago) rather than ask again.
    let rounds = match state.app.current_snapshot() {
        Some(s) => s.rounds.clone(),
        None => state.app.rounds().await?,
    }
    .into_iter()
    .rev()
    .filter(|r| round_visible(v, r))
    .map(|r| {
        // The picker opens what the viewer may see: the county, or before publication a
        // respondent's own organisation.
        let href = match (crate::access::county_visible(v, &r), v.org()) {
            (false, Some(org)) => format!("/omgangar/{}/org/{org}", r.id),
            _ => format!("/omgangar/{}", r.id),
        };
        link(href, format!("{} ({})", r.id, r.status.label()))
    })
    .collect();
    Ok(Layout {
        title: title.to_string(),
        user: v.user.username.clone(),
        role: v.role_label().to_string(),
        csrf: v.csrf.clone(),
        crumbs,
        rounds,
        round: round.map(|r| r.id.to_string()).unwrap_or_default(),
        admin: v.is_admin(),
        can_link: v.is_admin() || v.org().is_some(),
    })
}

/// The error page.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    /// The title.
    pub title: String,
    /// The status code.
    pub status: u16,
    /// The sentence.
    pub message: String,
    /// Whether to offer a link to the start page.
    pub home: bool,
}

/// The headers of a downloaded file.
pub fn no_store() -> [(header::HeaderName, &'static str); 1] {
    [(header::CACHE_CONTROL, "no-store")]
}

/// A full error page (for the layers that answer before any handler: time and size limits).
pub fn error_page(status: StatusCode, title: &str, message: String) -> Response {
    let page = ErrorPage {
        title: title.into(),
        status: status.as_u16(),
        message,
        home: true,
    };
    let html = page.render().unwrap_or_else(|_| page.message.clone());
    (status, Html(html)).into_response()
}

/// Unix ms as Swedish local time (Europe/Stockholm, with summer time).
pub fn when(ms: i64) -> String {
    nara_app::exports::local(ms)
}
