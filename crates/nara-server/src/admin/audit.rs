//! The audit log: events by their Swedish names, filtered by event and by days (Swedish local
//! time), a page of 100 at a time (older pages by the last entry's id, so a page costs what it
//! shows), and the same selection as CSV.

use super::layout;
use crate::AppState;
use crate::auth::Admin;
use crate::downloads::attachment;
use crate::error::{AppError, AppResult};
use crate::layout::{Layout, link, when};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use axum::routing::get;
use nara_app::AuditFilter;
use nara_core::audit::event_name;
use nara_core::round::Date;
use serde::{Deserialize, Serialize};

/// Entries per page.
const PAGE: i64 = 100;

/// The audit log.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/logg", get(audit))
        .route("/admin/logg.csv", get(csv))
}

/// The audit log page.
#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    /// The frame.
    pub layout: Layout,
    /// The entries, newest first.
    pub rows: Vec<AuditRow>,
    /// The events to filter by.
    pub actions: Vec<ActionChoice>,
    /// The filter as asked.
    pub q: AuditQuery,
    /// The next (older) page's address, when there is one.
    pub older: String,
    /// The CSV's address with the same filter.
    pub csv: String,
    /// What the table shows, in words.
    pub caption: String,
}

/// One entry of the log.
pub struct AuditRow {
    /// When (Swedish local time).
    pub at: String,
    /// Who.
    pub actor: String,
    /// What, in Swedish.
    pub event: String,
    /// Its code (`round.open`).
    pub code: String,
    /// On what.
    pub subject: String,
    /// Details.
    pub details: String,
}

/// An event to filter the log by.
pub struct ActionChoice {
    /// The code.
    pub action: String,
    /// Its Swedish name.
    pub name: String,
    /// Whether the log shows only it now.
    pub selected: bool,
}

/// The filter: `?handling=round.open&fran=2026-01-01&till=2026-01-31&fore=123`.
#[derive(Deserialize, Serialize, Default, Clone)]
pub struct AuditQuery {
    /// The event's code.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub handling: String,
    /// From this day.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fran: String,
    /// To this day (included).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub till: String,
    /// Older than this entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fore: Option<i64>,
}

fn day(s: &str, what: &str) -> AppResult<Option<Date>> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    Date::parse(s).map(Some).map_err(|_| {
        AppError::BadRequest(format!("{what} ”{s}” är inget datum: skriv ÅÅÅÅ-MM-DD."))
    })
}

fn filter(q: &AuditQuery, limit: i64) -> AppResult<AuditFilter> {
    Ok(AuditFilter {
        action: (!q.handling.is_empty()).then(|| q.handling.clone()),
        from: day(&q.fran, "Från")?.map(Date::start_ms_local),
        to: day(&q.till, "Till")?.map(|d| d.next().start_ms_local()),
        before: q.fore,
        limit,
    })
}

fn address(path: &str, q: &AuditQuery) -> String {
    match serde_urlencoded::to_string(q) {
        Ok(query) if !query.is_empty() => format!("{path}?{query}"),
        _ => path.to_string(),
    }
}

/// A page of entries as rows, and the address of the older page when there is one (the query
/// read one entry more than a page to know).
fn page_of(entries: Vec<nara_app::AuditEntry>, q: &AuditQuery) -> (Vec<AuditRow>, String) {
    let more = entries.len() as i64 > PAGE;
    let last = entries.get(PAGE as usize - 1).map(|e| e.id);
    let rows = (entries.into_iter().take(PAGE as usize))
        .map(|e| AuditRow {
            at: when(e.at),
            actor: e.actor,
            event: event_name(&e.action).to_string(),
            code: e.action,
            subject: e.subject,
            details: e.details,
        })
        .collect();
    let older = match more {
        true => address(
            "/admin/logg",
            &AuditQuery {
                fore: last,
                ..q.clone()
            },
        ),
        false => String::new(),
    };
    (rows, older)
}

/// `GET /admin/logg`.
#[tracing::instrument(skip_all, fields(action = %q.handling))]
pub async fn audit(
    State(state): State<AppState>,
    a: Admin,
    Query(q): Query<AuditQuery>,
) -> AppResult<Html<String>> {
    let app = &state.app;
    let entries = app.audit_find(&filter(&q, PAGE + 1)?).await?;
    let (rows, older) = page_of(entries, &q);
    let actions = (app.audit_actions().await?.into_iter())
        .map(|action| ActionChoice {
            selected: action == q.handling,
            name: event_name(&action).to_string(),
            action,
        })
        .collect();
    let caption = match q.fore {
        Some(_) => format!("Äldre händelser, nyast först ({} st.)", rows.len()),
        None => format!("De senaste händelserna, nyast först ({} st.)", rows.len()),
    };
    let layout = layout(
        &state,
        &a,
        "Händelselogg",
        vec![link("/admin/logg", "Händelselogg")],
    )
    .await?;
    let csv = address(
        "/admin/logg.csv",
        &AuditQuery {
            fore: None,
            ..q.clone()
        },
    );
    let page = AuditPage {
        layout,
        rows,
        actions,
        q,
        older,
        csv,
        caption,
    };
    Ok(Html(page.render()?))
}

/// `GET /admin/logg.csv`: the same selection (every page) as CSV.
#[tracing::instrument(skip_all, fields(action = %q.handling))]
pub async fn csv(
    State(state): State<AppState>,
    _a: Admin,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    let f = filter(&AuditQuery { fore: None, ..q }, 100_000)?;
    let bytes = state.app.audit_csv(&f).await?;
    Ok(attachment(
        bytes,
        "handelselogg.csv",
        "text/csv; charset=utf-8",
    ))
}
