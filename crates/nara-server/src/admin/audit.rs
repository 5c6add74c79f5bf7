//! The audit log.

use super::layout;
use crate::AppState;
use crate::auth::Admin;
use crate::error::AppResult;
use crate::layout::{Layout, link, when};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use serde::Deserialize;

/// The audit log.
pub fn router() -> Router<AppState> {
    Router::new().route("/admin/logg", get(audit))
}

/// The audit log page.
#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    /// The frame.
    pub layout: Layout,
    /// The entries, newest first.
    pub rows: Vec<AuditRow>,
    /// The actions to filter by.
    pub actions: Vec<ActionChoice>,
}

/// One entry of the log.
pub struct AuditRow {
    /// When.
    pub at: String,
    /// Who.
    pub actor: String,
    /// What (`round.status`).
    pub action: String,
    /// On what.
    pub subject: String,
    /// Details.
    pub details: String,
}

/// An action to filter the log by.
pub struct ActionChoice {
    /// The action.
    pub action: String,
    /// Whether the log shows only it now.
    pub selected: bool,
}

/// The filter.
#[derive(Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    handling: String,
}

/// `GET /admin/logg?handling=import`.
#[tracing::instrument(skip_all, fields(action = %q.handling))]
pub async fn audit(
    State(state): State<AppState>,
    a: Admin,
    Query(q): Query<AuditQuery>,
) -> AppResult<Html<String>> {
    let app = &state.app;
    let filter = (!q.handling.is_empty()).then_some(q.handling.as_str());
    let rows = app
        .audit_log(500, filter)
        .await?
        .into_iter()
        .map(|e| AuditRow {
            at: when(e.at),
            actor: e.actor,
            action: e.action,
            subject: e.subject,
            details: e.details,
        })
        .collect();
    let mut actions: Vec<String> = app
        .audit_log(5000, None)
        .await?
        .into_iter()
        .map(|e| e.action)
        .collect();
    actions.sort();
    actions.dedup();
    let actions = actions
        .into_iter()
        .map(|action| ActionChoice {
            selected: action == q.handling,
            action,
        })
        .collect();
    let layout = layout(
        &state,
        &a,
        "Händelselogg",
        vec![link("/admin/logg", "Händelselogg")],
    )
    .await?;
    Ok(Html(
        AuditPage {
            layout,
            rows,
            actions,
        }
        .render()?,
    ))
}
