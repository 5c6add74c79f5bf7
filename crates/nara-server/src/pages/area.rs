//! One delmål (area) across the county.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Html;
use axum::routing::get;
use nara_core::report::{OrgReport, RoundReport};
use nara_core::{Instrument, fmt};
use serde::Serialize;

use super::{Cell, cell, legend};
use crate::AppState;
use crate::access::{audience, need_county};
use crate::error::{AppError, AppResult};
use crate::extract::VisibleRound;
use crate::layout::{Layout, layout_for, link};
use crate::svg::{self, Bar};

/// A delmål's page.
pub fn router() -> Router<AppState> {
    Router::new().route("/omgangar/{round}/delmal/{area}", get(area))
}

/// One statement's distribution.
#[derive(Debug, Serialize)]
pub struct DistRow {
    /// Id.
    pub id: String,
    /// Text.
    pub text: String,
    /// Count per level.
    pub levels: Vec<usize>,
    /// Vet ej.
    pub not_applicable: usize,
    /// Blank.
    pub blank: usize,
    /// Mean.
    pub mean: String,
    /// The distribution as a stacked bar; `None` when nobody answered.
    pub bar: Option<svg::Stack>,
}

/// One organisation's mean on the area.
#[derive(Debug, Serialize)]
pub struct AreaOrgRow {
    /// Its name.
    pub name: String,
    /// Its page.
    pub href: String,
    /// Its mean on the area.
    pub cell: Cell,
}

/// The delmål page.
#[derive(Template, Serialize)]
#[template(path = "area.html")]
pub struct AreaPage {
    /// The frame.
    #[serde(skip)]
    pub layout: Layout,
    /// The note that the numbers may still change (core's sentence; empty when final).
    pub preliminary: String,
    /// `D1 Nära för mig`.
    pub title: String,
    /// The goal.
    pub goal: String,
    /// The description.
    pub description: String,
    /// The level labels.
    pub levels: Vec<String>,
    /// The statements.
    pub rows: Vec<DistRow>,
    /// Organisations' scores on the area.
    pub orgs: Vec<AreaOrgRow>,
    /// Bars of the organisations.
    pub bars: svg::Bars,
    /// The band legend.
    pub legend: super::Legend,
    /// The stacked bars' legend: (class, label) per level, then "vet ej" and blank.
    pub stack_legend: Vec<(String, String)>,
    /// The county's comments on the delmål, organisation by organisation (at most
    /// [`MAX_COMMENTS`]).
    pub comments: Vec<AreaComment>,
    /// `Visar 200 av 340 kommentarer.` when there are more than are shown; else empty.
    pub comments_note: String,
    /// The delmål before and after, as (href, `D1 Nära för mig`); empty at the ends.
    pub prev: (String, String),
    /// See `prev`.
    pub next: (String, String),
}

/// The most comments the delmål page shows: a page costs what it shows.
pub const MAX_COMMENTS: usize = 200;

/// One comment on the delmål, with who wrote it.
#[derive(Debug, Serialize)]
pub struct AreaComment {
    /// The organisation.
    pub org: String,
    /// The unit.
    pub unit: String,
    /// The text.
    pub text: String,
}

/// The county's comments on area `area`, at most [`MAX_COMMENTS`], and how many there are.
fn area_comments(r: &RoundReport, area: &str) -> (Vec<AreaComment>, usize) {
    let all = (r.organisations.iter()).flat_map(|o| {
        (o.units.iter()).flat_map(move |u| {
            let texts = u.comments.get(area).into_iter().flatten();
            texts.map(move |t| (o, u, t))
        })
    });
    let mut shown = Vec::new();
    let mut total = 0;
    for (o, u, t) in all {
        total += 1;
        if shown.len() < MAX_COMMENTS {
            shown.push(AreaComment {
                org: o.name.clone(),
                unit: u.name.to_string(),
                text: t.clone(),
            });
        }
    }
    (shown, total)
}

/// The link to the area at position `i`, if there is one: (href, `D2 Name`).
fn area_link(inst: &Instrument, rid: nara_core::RoundId, i: Option<usize>) -> (String, String) {
    i.and_then(|i| inst.areas().get(i))
        .map(|a| {
            (
                format!("/omgangar/{rid}/delmal/{}", a.id),
                format!("{} {}", a.id, a.name),
            )
        })
        .unwrap_or_default()
}

/// `GET /omgangar/{round}/delmal/{area}`.
#[tracing::instrument(skip_all, fields(round = %round.id, area = %area))]
pub async fn area(
    State(state): State<AppState>,
    VisibleRound {
        viewer,
        round,
        instrument,
    }: VisibleRound,
    Path((_, area)): Path<(String, String)>,
) -> AppResult<Html<String>> {
    need_county(&viewer, &round)?;
    let ai = (instrument.areas().iter())
        .position(|a| a.id.as_str().eq_ignore_ascii_case(&area))
        .ok_or_else(|| AppError::NotFound(format!("Delmålet {area} finns inte i instrumentet.")))?;
    let snap = crate::snap(&state).await?;
    let earlier = audience(&viewer, &round).earlier;
    let r = state.app.report(&snap, round.id, None, earlier).await?;
    let a = &instrument.areas()[ai];
    let (rid, title) = (round.id, format!("{} {}", a.id, a.name));
    let crumbs = vec![
        link("/omgangar", "Omgångar"),
        link(format!("/omgangar/{rid}"), format!("Länsöversikt {rid}")),
        link(format!("/omgangar/{rid}/delmal/{}", a.id), title.clone()),
    ];
    let page_title = format!("{title} {rid}");
    let layout = layout_for(&state, &viewer, &page_title, Some(&round), crumbs).await?;
    let page = view(layout, &instrument, &r, ai);
    Ok(Html(page.render()?))
}

/// The page of the instrument's area number `ai` (which must exist) from the round's report.
fn view(layout: Layout, inst: &Instrument, r: &RoundReport, ai: usize) -> AreaPage {
    let a = &inst.areas()[ai];
    let rid = r.round.id;
    let rows = (a.statements.iter())
        .filter_map(|st| {
            let d = r.distribution.iter().find(|d| d.statement == st.id)?;
            Some(DistRow {
                id: st.id.to_string(),
                text: st.text.clone(),
                bar: svg::stack(
                    &d.levels,
                    d.not_applicable,
                    d.blank,
                    &format!("Fördelning av svaren på {}", st.id),
                ),
                levels: d.levels.clone(),
                not_applicable: d.not_applicable,
                blank: d.blank,
                mean: fmt::score(d.mean),
            })
        })
        .collect();
    let (comments, total_comments) = area_comments(r, a.id.as_str());
    let mean_of = |o: &OrgReport| o.scores.areas.get(ai).and_then(|x| x.mean);
    let orgs = (r.organisations.iter())
        .map(|o| AreaOrgRow {
            name: o.name.clone(),
            href: format!("/omgangar/{rid}/org/{}", o.code),
            cell: cell(inst, mean_of(o), o.change.get(ai).and_then(|c| c.as_ref())),
        })
        .collect();
    let colors: Vec<String> = (r.organisations.iter())
        .map(|o| {
            mean_of(o)
                .map(|x| inst.band(x).color.clone())
                .unwrap_or_default()
        })
        .collect();
    let bars: Vec<Bar> = (r.organisations.iter().zip(&colors))
        .map(|(o, color)| Bar {
            label: &o.name,
            score: mean_of(o),
            color,
        })
        .collect();
    AreaPage {
        layout,
        preliminary: r.preliminary_note().unwrap_or_default(),
        title: format!("{} {}", a.id, a.name),
        goal: a.goal.clone(),
        description: a.description.clone(),
        levels: (inst.scale().levels.iter())
            .map(|l| format!("{} {}", l.value, l.label))
            .collect(),
        rows,
        orgs,
        bars: svg::bars(
            inst,
            &format!("{} {} per organisation", a.id, a.name),
            &bars,
        )
        .with_reference(
            inst,
            "Länets medel",
            r.county.areas.get(ai).and_then(|c| c.stats.map(|s| s.mean)),
        ),
        legend: legend(inst),
        stack_legend: (inst.scale().levels.iter())
            .map(|l| format!("{} {}", l.value, l.label))
            .chain(["Vet ej".to_string(), "Tomt".to_string()])
            .enumerate()
            .map(|(i, label)| (format!("lvl{i}"), label))
            .collect(),
        comments_note: match total_comments > comments.len() {
            true => format!(
                "Visar de {} första av {total_comments} kommentarer.",
                comments.len()
            ),
            false => String::new(),
        },
        comments,
        prev: area_link(inst, rid, ai.checked_sub(1)),
        next: area_link(inst, rid, Some(ai + 1)),
    }
}
