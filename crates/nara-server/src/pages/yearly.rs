//! The årsrapport on the web (`/arsrapport/{år}`): everyone signed in reads the newest version
//! the coordinator marked final; the coordinator sees the live draft, writes its texts
//! (`/arsrapport/{år}/texter`) and marks it final (`/arsrapport/{år}/slutlig`). Numbers come
//! from core's model as they are; this module turns them into text (decimal comma, "–" for
//! what is missing, never 0).

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use nara_app::yearly::YearView;
use nara_core::yearly::{METHOD, READING, Words};
use serde::Deserialize;

use crate::AppState;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::layout::{Layout, layout_for, link};

mod charts;
mod files;
mod reflection;
mod texts;

/// The routes of the årsrapport.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/arsrapport", get(index))
        .route("/arsrapport/{year}", get(page))
        .route(
            "/arsrapport/{year}/texter",
            get(texts::form).post(texts::save),
        )
        .route(
            "/arsrapport/{year}/reflektion",
            get(reflection::form).post(reflection::save),
        )
        .route("/arsrapport/{year}/slutlig", post(finalise))
        .route("/arsrapport/{year}/pdf", get(files::pdf))
        .route("/arsrapport/{year}/excel", get(files::xlsx))
}

/// A year in the path, or 404.
pub(crate) fn year_of(s: &str) -> AppResult<u16> {
    s.parse::<u16>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(|| AppError::NotFound(format!("Det finns ingen årsrapport för ”{s}”.")))
}

/// The list of years.
#[derive(Template)]
#[template(path = "yearly_index.html")]
pub struct IndexPage {
    /// The frame.
    pub layout: Layout,
    /// The years, newest first.
    pub years: Vec<u16>,
    /// Whether the viewer writes reflections for an organisation (a respondent).
    pub reflects: bool,
}

/// `GET /arsrapport`.
#[tracing::instrument(skip_all)]
pub async fn index(State(state): State<AppState>, v: Viewer) -> AppResult<Html<String>> {
    let crumbs = vec![link("/arsrapport", "Årsrapport")];
    let layout = layout_for(&state, &v, "Årsrapport", None, crumbs).await?;
    let years = state.app.report_years().await?;
    let reflects = v.org().is_some();
    Ok(Html(
        IndexPage {
            layout,
            years,
            reflects,
        }
        .render()?,
    ))
}

/// `?utkast=ja` (the coordinator: the live draft, the default for them) or `?utkast=nej` (the
/// final version), and `?klart=` after a form.
#[derive(Deserialize, Default)]
pub struct Which {
    #[serde(default)]
    utkast: String,
    #[serde(default)]
    klart: String,
}

/// The report page.
#[derive(Template)]
#[template(path = "yearly.html")]
pub struct YearPage {
    /// The frame.
    pub layout: Layout,
    /// The view.
    pub v: YearView,
    /// "Version 2, slutlig 2027-03-01 av samordnare" or "Utkast".
    pub state: String,
    /// What just happened.
    pub notice: String,
    /// Whether the viewer is the coordinator (edit links, the final button).
    pub admin: bool,
    /// The report in words (the same as the PDF's).
    pub w: Words,
    /// The indicator charts per chapter.
    pub charts: Vec<charts::ChapterCharts>,
    /// The radar per organisation.
    pub radars: Vec<Option<crate::svg::Radar>>,
    /// The reading guide's paragraphs.
    pub reading: &'static [&'static str],
    /// How the self-assessment is scored.
    pub method: &'static str,
    /// The CSRF token.
    pub csrf: String,
}

/// `GET /arsrapport/{year}`.
#[tracing::instrument(skip_all, fields(year = %year))]
pub async fn page(
    State(state): State<AppState>,
    v: Viewer,
    Path(year): Path<String>,
    Query(which): Query<Which>,
) -> AppResult<Html<String>> {
    let y = year_of(&year)?;
    let draft = v.is_admin() && which.utkast != "nej";
    let mut view = state.app.year_report(y, draft).await?;
    if !v.is_admin() {
        view = view.public_only();
    }
    let inst = match view.report.round {
        Some(r) => Some(state.app.round_instrument(r).await?.1),
        None => None,
    };
    let words = Words::new(&view.report, &view.texts);
    let title = format!("Årsrapport {y}");
    let crumbs = vec![
        link("/arsrapport", "Årsrapport"),
        link(format!("/arsrapport/{y}"), &title),
    ];
    let layout = layout_for(&state, &v, &title, None, crumbs).await?;
    let notice = match which.klart.as_str() {
        "texter" => "Texterna är sparade i utkastet.".to_string(),
        n if n.starts_with("version") => format!("Årsrapporten är slutlig som {n}."),
        _ => String::new(),
    };
    let page = YearPage {
        state: nara_app::yearly_files::state_words(&view),
        charts: charts::chapters(&words),
        radars: charts::radars(inst.as_ref(), &words),
        w: words,
        reading: &READING,
        method: METHOD,
        layout,
        notice,
        admin: v.is_admin(),
        csrf: v.csrf.clone(),
        v: view,
    };
    Ok(Html(page.render()?))
}

/// `POST /arsrapport/{year}/slutlig`: the coordinator marks the report final.
#[tracing::instrument(skip_all, fields(user = %v.user.username, year = %year))]
pub async fn finalise(
    State(state): State<AppState>,
    v: Viewer,
    Path(year): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let csrf = f.iter().find(|(k, _)| k == "csrf").map(|(_, x)| x.as_str());
    v.check_csrf(csrf.unwrap_or_default())?;
    if !v.is_admin() {
        return Err(AppError::Forbidden);
    }
    let y = year_of(&year)?;
    let n = state.app.finalise_year_report(y, &v.user.username).await?;
    Ok(Redirect::to(&format!("/arsrapport/{y}?utkast=nej&klart=version%20{n}")).into_response())
}
