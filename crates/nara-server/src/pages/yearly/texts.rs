//! The coordinator's texts of a year's report: the summary's bullets (with Nära's suggestions to
//! take or leave), a text and up to three good examples per delmål. Nothing is stored from a
//! form with a problem; the problems are shown with the values as typed.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use nara_core::activity::FieldProblem;
use nara_core::yearly::{AreaText, MAX_BULLETS, MAX_EXAMPLES, Texts};

use super::year_of;
use crate::AppState;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::layout::{Layout, layout_for, link};
use crate::pages::activities::form::Posted;

/// One delmål's part of the form.
pub struct AreaForm {
    /// `D1`.
    pub id: String,
    /// `D1 Nära för mig`.
    pub heading: String,
    /// The text as typed.
    pub text: String,
    /// The activities to pick examples from: id, `title (organisation)`, chosen.
    pub activities: Vec<(String, String, bool)>,
}

/// The form's page.
#[derive(Template)]
#[template(path = "yearly_texts.html")]
pub struct TextsPage {
    /// The frame.
    pub layout: Layout,
    /// The year.
    pub year: u16,
    /// The bullets, one per line, as typed.
    pub summary: String,
    /// Nära's suggestions.
    pub suggestions: Vec<String>,
    /// The delmål.
    pub areas: Vec<AreaForm>,
    /// Every problem.
    pub problems: Vec<String>,
    /// The most bullets and examples.
    pub limits: (usize, usize),
    /// The CSRF token.
    pub csrf: String,
}

fn read(f: &Posted, areas: &[String]) -> Texts {
    let mut t = Texts {
        summary: f.one("summary").lines().map(str::to_string).collect(),
        ..Texts::default()
    };
    for id in areas {
        let text = f.one(&format!("text-{id}")).to_string();
        let examples = (f.all(&format!("examples-{id}")).into_iter())
            .map(str::to_string)
            .collect();
        t.areas.insert(id.clone(), AreaText { text, examples });
    }
    t
}

async fn render(
    state: &AppState,
    v: &Viewer,
    year: u16,
    texts: &Texts,
    problems: Vec<FieldProblem>,
) -> AppResult<String> {
    let view = state.app.year_report(year, true).await?;
    let title = format!("Texter till årsrapport {year}");
    let crumbs = vec![
        link("/arsrapport", "Årsrapport"),
        link(format!("/arsrapport/{year}"), format!("Årsrapport {year}")),
        link("", &title),
    ];
    let layout = layout_for(state, v, &title, None, crumbs).await?;
    let areas = (view.report.chapters.iter())
        .map(|c| {
            let written = texts.areas.get(c.id.as_str());
            let chosen = |id: &str| written.is_some_and(|w| w.examples.iter().any(|e| e == id));
            AreaForm {
                id: c.id.to_string(),
                heading: format!("{} {}", c.id, c.name),
                text: written.map(|w| w.text.clone()).unwrap_or_default(),
                activities: (c.activities.iter())
                    .map(|a| {
                        (
                            a.id.clone(),
                            format!("{} ({})", a.title, a.org),
                            chosen(&a.id),
                        )
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(TextsPage {
        layout,
        year,
        summary: texts.summary.join("\n"),
        suggestions: view.suggestions,
        areas,
        problems: problems.into_iter().map(|p| p.message).collect(),
        limits: (MAX_BULLETS, MAX_EXAMPLES),
        csrf: v.csrf.clone(),
    }
    .render()?)
}

/// `GET /arsrapport/{year}/texter` (the coordinator).
#[tracing::instrument(skip_all, fields(year = %year))]
pub async fn form(
    State(state): State<AppState>,
    v: Viewer,
    Path(year): Path<String>,
) -> AppResult<Html<String>> {
    if !v.is_admin() {
        return Err(AppError::Forbidden);
    }
    let y = year_of(&year)?;
    let texts = state.app.year_report(y, true).await?.texts;
    Ok(Html(render(&state, &v, y, &texts, Vec::new()).await?))
}

/// `POST /arsrapport/{year}/texter`: the draft's texts.
#[tracing::instrument(skip_all, fields(user = %v.user.username, year = %year))]
pub async fn save(
    State(state): State<AppState>,
    v: Viewer,
    Path(year): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let f = Posted(pairs);
    v.check_csrf(f.one("csrf"))?;
    if !v.is_admin() {
        return Err(AppError::Forbidden);
    }
    let y = year_of(&year)?;
    let areas: Vec<String> = (state.app.year_report(y, true).await?.report.chapters.iter())
        .map(|c| c.id.to_string())
        .collect();
    let texts = read(&f, &areas);
    match state
        .app
        .save_year_texts(y, texts.clone(), &v.user.username)
        .await?
    {
        Ok(()) => Ok(Redirect::to(&format!("/arsrapport/{y}?klart=texter")).into_response()),
        Err(problems) => {
            let html = render(&state, &v, y, &texts, problems).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
    }
}
