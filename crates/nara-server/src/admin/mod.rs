//! What the coordinator does in the browser, with the same `nara-app` functions as the CLI:
//! create rounds and change their status, upload an instrument (validated and previewed before
//! it is stored), download every blank form as one zip, upload filled forms (the import
//! pipeline, parsing off the runtime), follow who has answered, manage accounts, read the audit
//! log, fetch nyckeltal from Kolada and upload indicator files. Every handler takes [`Admin`], and every form carries the session's CSRF token.

use axum::Router;

use crate::AppState;
use crate::auth::Admin;
use crate::error::{AppError, AppResult};
use crate::layout::{Layout, Link, layout_for};

async fn layout(state: &AppState, a: &Admin, title: &str, crumbs: Vec<Link>) -> AppResult<Layout> {
    layout_for(state, &a.0, title, None, crumbs).await
}

/// The frame of a page about one round (the menu then offers that round's pages).
async fn round_layout(
    state: &AppState,
    a: &Admin,
    round: &nara_core::Round,
    title: &str,
    crumbs: Vec<Link>,
) -> AppResult<Layout> {
    layout_for(state, &a.0, title, Some(round), crumbs).await
}

/// The sentence to show beside a form, or (an internal error) the error page.
fn user_err(e: nara_app::Error) -> Result<String, AppError> {
    match e.user_message() {
        Some(m) => Ok(m.to_string()),
        None => Err(e.into()),
    }
}

mod audit;
mod indicators;
mod instrument;
mod rounds;
mod tracking;
mod upload;
mod users;

pub use indicators::indicators_post;
pub use instrument::instrument_post;
pub use upload::{UPLOAD_PREFIX, remove_upload_leftovers, upload, upload_folder};

/// The coordinator's pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(rounds::router())
        .merge(upload::router())
        .merge(tracking::router())
        .merge(users::router())
        .merge(audit::router())
        .merge(instrument::router())
        .merge(indicators::router())
}
