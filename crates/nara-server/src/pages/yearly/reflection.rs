//! An organisation's "lokala reflektioner" for the year's report, written by its own
//! respondents (the coordinator for any organisation with `?org=KOD`). They go into the year's
//! draft; the next version the coordinator marks final carries them.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use nara_core::OrgCode;
use serde::Deserialize;

use super::year_of;
use crate::AppState;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::layout::{Layout, layout_for, link};
use crate::pages::activities::form::Posted;

/// `?org=KOD` (the coordinator) and `?klart=ja` after saving.
#[derive(Deserialize, Default)]
pub struct Which {
    #[serde(default)]
    org: String,
    #[serde(default)]
    klart: String,
}

/// The form's page.
#[derive(Template)]
#[template(path = "yearly_reflection.html")]
pub struct ReflectionPage {
    /// The frame.
    pub layout: Layout,
    /// The year.
    pub year: u16,
    /// The organisation's name.
    pub name: String,
    /// Where the form posts.
    pub action: String,
    /// The text as typed or stored.
    pub text: String,
    /// What is wrong (empty when nothing).
    pub error: String,
    /// What just happened.
    pub notice: String,
    /// The CSRF token.
    pub csrf: String,
}

/// The organisation the viewer writes for: their own, or the coordinator's choice; 403 for
/// readers, 404 for an unknown organisation.
async fn whose(state: &AppState, v: &Viewer, q: &Which) -> AppResult<(OrgCode, String)> {
    let code = match (v.org(), v.is_admin()) {
        (Some(own), _) => own.clone(),
        (None, true) => OrgCode::parse(q.org.trim())
            .map_err(|_| AppError::NotFound("Välj en organisation (?org=kod).".into()))?,
        (None, false) => return Err(AppError::Forbidden),
    };
    let snap = crate::snap(state).await?;
    let name = (snap.organisation(&code).map(|o| o.name.clone()))
        .ok_or_else(|| AppError::NotFound(format!("Organisationen {code} finns inte.")))?;
    Ok((code, name))
}

async fn render(
    state: &AppState,
    v: &Viewer,
    year: u16,
    (code, name): (OrgCode, String),
    text: String,
    error: String,
    notice: String,
) -> AppResult<String> {
    let title = format!("Lokala reflektioner {year} – {name}");
    let crumbs = vec![link("/arsrapport", "Årsrapport"), link("", &title)];
    let layout = layout_for(state, v, &title, None, crumbs).await?;
    Ok(ReflectionPage {
        layout,
        year,
        name,
        action: format!("/arsrapport/{year}/reflektion?org={code}"),
        text,
        error,
        notice,
        csrf: v.csrf.clone(),
    }
    .render()?)
}

/// `GET /arsrapport/{year}/reflektion`.
#[tracing::instrument(skip_all, fields(year = %year))]
pub async fn form(
    State(state): State<AppState>,
    v: Viewer,
    Path(year): Path<String>,
    Query(q): Query<Which>,
) -> AppResult<Html<String>> {
    let y = year_of(&year)?;
    let org = whose(&state, &v, &q).await?;
    let text = state.app.year_reflection(y, &org.0).await?;
    let notice = match q.klart.as_str() {
        "ja" => {
            "Reflektionerna är sparade. De kommer med när samordnaren gör nästa slutliga version."
                .into()
        }
        _ => String::new(),
    };
    Ok(Html(
        render(&state, &v, y, org, text, String::new(), notice).await?,
    ))
}

/// `POST /arsrapport/{year}/reflektion`.
#[tracing::instrument(skip_all, fields(user = %v.user.username, year = %year))]
pub async fn save(
    State(state): State<AppState>,
    v: Viewer,
    Path(year): Path<String>,
    Query(q): Query<Which>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let f = Posted(pairs);
    v.check_csrf(f.one("csrf"))?;
    let y = year_of(&year)?;
    let org = whose(&state, &v, &q).await?;
    let text = f.one("text").to_string();
    let saved = (state.app)
        .save_year_reflection(y, &org.0, &text, &v.user.username)
        .await?;
    match saved {
        Ok(()) => {
            let to = format!("/arsrapport/{y}/reflektion?org={}&klart=ja", org.0);
            Ok(Redirect::to(&to).into_response())
        }
        Err(ps) => {
            let error = ps
                .into_iter()
                .map(|p| p.message)
                .collect::<Vec<_>>()
                .join(" ");
            let html = render(&state, &v, y, org, text, error, String::new()).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
    }
}
