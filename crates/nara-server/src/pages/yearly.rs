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
use nara_core::fmt::decimal;
use nara_core::yearly::{Chapter, Profile, YearReport};
use serde::Deserialize;

use crate::AppState;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::layout::{Layout, layout_for, link};

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
}

/// A number with two decimals and a decimal comma, "–" when missing.
pub(crate) fn num(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_string(), |v| decimal(v, 2))
}

/// A value of an indicator with one decimal, "–" when missing.
fn one(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_string(), |v| decimal(v, 1))
}

/// A change with its sign and a real minus sign.
fn signed(x: Option<f64>) -> String {
    match x {
        Some(d) if d < 0.0 => format!("−{}", decimal(-d, 2)),
        Some(d) => format!("+{}", decimal(d, 2)),
        None => "–".into(),
    }
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
    /// The chapters as text.
    pub chapters: Vec<ChapterView>,
    /// The organisations' rows and profiles as text.
    pub profiles: Vec<ProfileView>,
    /// The CSRF token.
    pub csrf: String,
}

/// A delmål as the page shows it.
pub struct ChapterView {
    /// `D1 Nära för mig`.
    pub heading: String,
    /// The anchor.
    pub anchor: String,
    /// The aim.
    pub goal: String,
    /// Nyckeltal: ↗ → ↘ counts.
    pub arrows: String,
    /// Självskattning: median and change.
    pub median: String,
    /// See `median`.
    pub change: String,
    /// Mean, range and how many organisations.
    pub stats: String,
    /// Planerade / pågår / klara / försenade.
    pub counts: (usize, usize, usize, usize),
    /// Indicator rows: title (id), county value (year), arrow and judgement, country, caption.
    pub indicators: Vec<[String; 5]>,
    /// Rating levels: label, count.
    pub levels: Vec<(String, usize)>,
    /// Strongest and weakest: id, text, mean.
    pub strongest: Vec<[String; 3]>,
    /// See `strongest`.
    pub weakest: Vec<[String; 3]>,
    /// Activities: title, organisation, status, late.
    pub activities: Vec<(String, String, String, bool)>,
    /// Good examples: title, organisation, result.
    pub examples: Vec<[String; 3]>,
    /// The coordinator's text, paragraph by paragraph.
    pub text: Vec<String>,
}

/// An organisation as the page shows it.
pub struct ProfileView {
    /// Its name.
    pub name: String,
    /// The anchor.
    pub anchor: String,
    /// "ja" / "nej".
    pub answered: &'static str,
    /// Its index.
    pub index: String,
    /// Plan: name and status; systemledning.
    pub plan: String,
    /// See `plan`.
    pub systemledning: String,
    /// Per delmål: id, own mean, county mean.
    pub areas: Vec<[String; 3]>,
    /// Indicators: title, year, own, county, country, arrow.
    pub indicators: Vec<[String; 6]>,
    /// Activities: title, status.
    pub activities: Vec<(String, String, bool)>,
    /// Its reflections, paragraph by paragraph.
    pub reflections: Vec<String>,
}

fn paragraphs(s: &str) -> Vec<String> {
    (s.split("\n\n").map(str::trim))
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

fn chapter_view(c: &Chapter, v: &YearView) -> ChapterView {
    let a = &c.assessment;
    let written = v.texts.areas.get(c.id.as_str());
    let examples = (written
        .map(|w| w.examples.as_slice())
        .unwrap_or_default()
        .iter())
    .filter_map(|id| c.activities.iter().find(|x| &x.id == id))
    .map(|x| [x.title.clone(), x.org.clone(), x.result.clone()])
    .collect();
    ChapterView {
        heading: format!("{} {}", c.id, c.name),
        anchor: format!("delmal-{}", c.id),
        goal: c.goal.clone(),
        arrows: format!(
            "↗ {} · → {} · ↘ {}",
            c.arrows.positive, c.arrows.unchanged, c.arrows.negative
        ),
        median: num(a.median),
        change: match &a.direction {
            Some(d) => format!("{} ({d})", signed(a.change)),
            None => "–".into(),
        },
        stats: match (a.mean, a.range) {
            (Some(m), Some((lo, hi))) => format!(
                "Medelvärde {}, från {} till {}, {} organisationer med medelvärde.",
                decimal(m, 2),
                decimal(lo, 2),
                decimal(hi, 2),
                a.orgs_scored
            ),
            _ => "Ingen självskattning med tillräckligt många svar.".into(),
        },
        counts: (
            c.activity_counts.planned,
            c.activity_counts.ongoing,
            c.activity_counts.done,
            c.activity_counts.late,
        ),
        indicators: (c.indicators.iter())
            .map(|b| {
                let value = match b.latest {
                    Some((y, x)) => format!("{} ({y})", decimal(x, 1)),
                    None => "indikatorn är under utveckling".into(),
                };
                let year = b.latest.map(|l| l.0);
                let country = year.and_then(|y| b.country.iter().find(|p| p.year == y));
                let arrow = match (&b.arrow, b.judgement) {
                    (Some(a), Some(j)) => format!("{a} {}", j.label()),
                    _ => "–".into(),
                };
                let title = format!("{} ({})", b.indicator.title, b.indicator.id);
                [
                    title,
                    value,
                    arrow,
                    one(country.and_then(|p| p.value)),
                    b.caption.clone(),
                ]
            })
            .collect(),
        levels: a.levels.clone(),
        strongest: lines(&a.strongest),
        weakest: lines(&a.weakest),
        activities: (c.activities.iter())
            .map(|x| (x.title.clone(), x.org.clone(), x.status.clone(), x.late))
            .collect(),
        examples,
        text: paragraphs(written.map(|w| w.text.as_str()).unwrap_or_default()),
    }
}

fn lines(v: &[nara_core::yearly::StatementLine]) -> Vec<[String; 3]> {
    (v.iter())
        .map(|s| [s.id.clone(), s.text.clone(), decimal(s.mean, 2)])
        .collect()
}

fn profile_view(p: &Profile, r: &YearReport, v: &YearView) -> ProfileView {
    ProfileView {
        name: p.name.clone(),
        anchor: format!("org-{}", p.code),
        answered: if p.answered { "ja" } else { "nej" },
        index: num(p.index),
        plan: match (&p.plan, p.party_to) {
            (Some((name, status, _)), _) => format!("{name} ({status})"),
            (None, 0) => "Ingen lokal plan registrerad".into(),
            (None, 1) => "Part i en kommuns lokala plan".into(),
            (None, n) => format!("Part i {n} kommuners lokala planer"),
        },
        systemledning: p.plan.as_ref().map_or("–".into(), |x| x.2.clone()),
        areas: (r.chapters.iter().zip(&p.areas))
            .map(|(c, own)| [c.id.to_string(), num(*own), num(c.assessment.mean)])
            .collect(),
        indicators: (p.indicators.iter())
            .map(|i| {
                [
                    format!("{} ({})", i.title, i.id),
                    i.year.to_string(),
                    decimal(i.own, 1),
                    one(i.county),
                    one(i.country),
                    i.arrow.clone().unwrap_or_else(|| "–".into()),
                ]
            })
            .collect(),
        activities: (p.activities.iter())
            .map(|a| (a.title.clone(), a.status.clone(), a.late))
            .collect(),
        reflections: paragraphs(
            v.texts
                .reflections
                .get(p.code.as_str())
                .map(String::as_str)
                .unwrap_or_default(),
        ),
    }
}

fn state_words(v: &YearView) -> String {
    let when = crate::layout::when;
    match (v.version, &v.made) {
        (Some(n), Some((by, at))) => format!("Version {n}, slutlig {} av {by}.", when(*at)),
        (None, Some((by, at))) => {
            format!(
                "Utkast: texterna sparades senast {} av {by}. Siffrorna är dagens.",
                when(*at)
            )
        }
        _ => "Utkast: inga texter är skrivna ännu. Siffrorna är dagens.".into(),
    }
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
    let view = state.app.year_report(y, draft).await?;
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
        state: state_words(&view),
        chapters: view
            .report
            .chapters
            .iter()
            .map(|c| chapter_view(c, &view))
            .collect(),
        profiles: (view.report.profiles.iter())
            .map(|p| profile_view(p, &view.report, &view))
            .collect(),
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
