//! One unit's page in a round.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Html;
use axum::routing::get;
use nara_core::report::{OrgReport, RoundReport, UnitReport};
use nara_core::scoring::Value;
use nara_core::{Instrument, Response, UnitName, fmt};
use serde::Serialize;

use super::county::DataRow;
use super::{Cell, cell, index_cell, legend};
use crate::AppState;
use crate::access::{audience, county_visible, need_org};
use crate::error::{AppError, AppResult};
use crate::extract::{PathOrg, VisibleRound};
use crate::layout::{Layout, layout_for, link, seg};
use crate::svg::{self, Series};

/// A unit's page.
pub fn router() -> Router<AppState> {
    Router::new().route("/omgangar/{round}/org/{code}/enhet/{unit}", get(unit))
}

/// One statement on the unit page.
#[derive(Debug, Serialize)]
pub struct StatementRow {
    /// Id.
    pub id: String,
    /// Text.
    pub text: String,
    /// One answer per form (rater order as in `raters`).
    pub answers: Vec<String>,
    /// The unit's value after roll-up.
    pub value: String,
    /// Whether the raters disagree.
    pub disagreement: bool,
    /// Comments on the statement.
    pub notes: Vec<String>,
}

/// One area on the unit page.
#[derive(Debug, Serialize)]
pub struct UnitArea {
    /// `D1 Nära för mig`.
    pub title: String,
    /// The area's score.
    pub score: Cell,
    /// The statements.
    pub statements: Vec<StatementRow>,
    /// The free text.
    pub comments: Vec<String>,
}

/// The unit page.
#[derive(Template, Serialize)]
#[template(path = "unit.html")]
pub struct UnitPage {
    /// The frame.
    #[serde(skip)]
    pub layout: Layout,
    /// The note that the numbers may still change (core's sentence; empty when final).
    pub preliminary: String,
    /// The unit's name.
    pub name: String,
    /// The organisation.
    pub org: String,
    /// The forms' column heads (`Enhetschef`, `Samsyn`, or `Svar`).
    pub raters: Vec<String>,
    /// The index.
    pub index: Cell,
    /// Why there is no index (`Inget index: bara 1 av 5 delmål …`); empty when there is one.
    pub no_index: String,
    /// The areas.
    pub areas: Vec<UnitArea>,
    /// The radar.
    pub radar: svg::Radar,
    /// Its numbers.
    pub radar_rows: Vec<DataRow>,
    /// The radar's series names, the columns of its table.
    pub series: Vec<String>,
    /// The band legend.
    pub legend: super::Legend,
}

/// `GET /omgangar/{round}/org/{code}/enhet/{unit}`.
#[tracing::instrument(skip_all, fields(round = %round.id, org = %code))]
pub async fn unit(
    State(state): State<AppState>,
    VisibleRound {
        viewer,
        round,
        instrument,
    }: VisibleRound,
    PathOrg(code): PathOrg,
    Path((_, _, unit)): Path<(String, String, String)>,
) -> AppResult<Html<String>> {
    need_org(&viewer, &round, &code)?;
    let app = &state.app;
    let org = app.organisation(&code).await?;
    let key = unit_key(&unit);
    let not_found = || {
        AppError::NotFound(format!(
            "Verksamheten \"{unit}\" har inte svarat i omgången {}.",
            round.id
        ))
    };
    let snap = crate::snap(&state).await?;
    let earlier = audience(&viewer, &round).earlier;
    let r = state
        .app
        .report(&snap, round.id, Some(&code), earlier)
        .await?;
    let o = r.org(code.as_str()).ok_or_else(not_found)?;
    let u = (o.units.iter())
        .find(|u| unit_key(u.name.as_str()) == key)
        .ok_or_else(not_found)?;
    let loaded = app.load(round.id).await?;
    let forms = unit_forms(loaded.responses.iter().map(|f| &f.response), |f| {
        f.org == code && f.unit.key() == key
    });
    let rid = round.id;
    let crumbs = vec![
        link("/omgangar", "Omgångar"),
        link(
            format!("/omgangar/{rid}/org/{code}"),
            format!("{} {rid}", org.name),
        ),
        link(
            format!("/omgangar/{rid}/org/{code}/enhet/{}", seg(&key)),
            u.name.to_string(),
        ),
    ];
    let title = format!("{} – {} {rid}", u.name, org.name);
    let layout = layout_for(&state, &viewer, &title, Some(&round), crumbs).await?;
    let compare = Compare::of(&r, o, u, county_visible(&viewer, &round));
    let org = nara_core::org::with_code(&org.name, &org.code);
    let page = view(
        layout,
        &instrument,
        (org, r.preliminary_note().unwrap_or_default()),
        u,
        &forms,
        &compare,
    );
    Ok(Html(page.render()?))
}

/// A unit name's comparison key (empty when it is no valid name).
fn unit_key(name: &str) -> String {
    UnitName::parse(name).map(|n| n.key()).unwrap_or_default()
}

/// The unit's forms in column order: raters by name, then the consensus.
fn unit_forms<'a>(
    all: impl Iterator<Item = &'a Response>,
    mine: impl Fn(&Response) -> bool,
) -> Vec<&'a Response> {
    let mut forms: Vec<&Response> = all.filter(|f| mine(f)).collect();
    forms.sort_by_key(|f| (f.consensus, f.rater.to_lowercase()));
    forms
}

/// A form's column head: `Samsyn`, the rater's name, or `Svar` for a unit answering as one.
fn rater_head(f: &Response) -> String {
    if f.consensus {
        "Samsyn".to_string()
    } else if f.rater.is_empty() {
        "Svar".to_string()
    } else {
        f.rater.clone()
    }
}

/// The page from the unit's report and its forms; `org` is the organisation's name and code and
/// whether the round's numbers are preliminary.
/// What the unit's radar compares it with: itself last round, its organisation, and the
/// county when the viewer may see it; each a name and one mean per area.
#[derive(Debug, Default)]
pub struct Compare {
    /// The unit in the previous round, when it answered then.
    pub previous: Option<(String, Vec<Option<f64>>)>,
    /// Its organisation's means.
    pub org: (String, Vec<Option<f64>>),
    /// The county's means, for a viewer who may see them.
    pub county: Option<Vec<Option<f64>>>,
}

impl Compare {
    /// What unit `u` of organisation `o` is compared with in report `r`; the county only when
    /// `see_county`.
    fn of(r: &RoundReport, o: &OrgReport, u: &UnitReport, see_county: bool) -> Self {
        Self {
            previous: (r.previous)
                .filter(|_| !u.previous.is_empty())
                .map(|p| (format!("{} {p}", u.name), u.previous.clone())),
            org: (
                o.name.clone(),
                o.scores.areas.iter().map(|a| a.mean).collect(),
            ),
            county: see_county.then(|| super::county::means(&r.county)),
        }
    }
}

/// The radar's series: the unit, then what [`Compare`] holds.
fn compare_series<'a>(name: &'a str, scores: Vec<Option<f64>>, c: &'a Compare) -> Vec<Series<'a>> {
    let mut series = vec![Series {
        name,
        scores,
        class: "s1",
    }];
    if let Some((prev, means)) = &c.previous {
        series.push(Series {
            name: prev,
            scores: means.clone(),
            class: "s2",
        });
    }
    if !c.org.1.is_empty() {
        series.push(Series {
            name: &c.org.0,
            scores: c.org.1.clone(),
            class: "s3",
        });
    }
    if let Some(county) = &c.county {
        series.push(Series {
            name: "Länets medel",
            scores: county.clone(),
            class: "s4",
        });
    }
    series
}

fn view(
    layout: Layout,
    inst: &Instrument,
    (org, preliminary): (String, String),
    u: &UnitReport,
    forms: &[&Response],
    compare: &Compare,
) -> UnitPage {
    let labels: Vec<String> = inst.areas().iter().map(|a| a.id.to_string()).collect();
    let scores: Vec<Option<f64>> = u.result.scores.areas.iter().map(|a| a.mean).collect();
    let series = compare_series(u.name.as_str(), scores, compare);
    let radar = svg::radar(inst, &format!("{} per delmål", u.name), &labels, &series);
    UnitPage {
        layout,
        preliminary,
        name: u.name.to_string(),
        org,
        raters: forms.iter().map(|f| rater_head(f)).collect(),
        index: index_cell(inst, u.result.scores.overall, None),
        no_index: u.result.scores.no_index(inst).unwrap_or_default(),
        areas: (0..inst.areas().len())
            .map(|ai| unit_area(inst, u, forms, ai))
            .collect(),
        radar,
        radar_rows: (inst.areas().iter().enumerate())
            .map(|(i, a)| DataRow {
                label: format!("{} {}", a.id, a.name),
                values: (series.iter())
                    .map(|s| fmt::score(s.scores.get(i).copied().flatten()))
                    .collect(),
            })
            .collect(),
        series: series.iter().map(|s| s.name.to_string()).collect(),
        legend: legend(inst),
    }
}

/// One area of the unit page: its score, each statement's answers per form, and the comments.
fn unit_area(inst: &Instrument, u: &UnitReport, forms: &[&Response], ai: usize) -> UnitArea {
    let a = &inst.areas()[ai];
    let statements = (a.statements.iter())
        .map(|st| {
            let agreement = (u.result.rollup.agreement.iter()).find(|g| g.statement == st.id);
            StatementRow {
                id: st.id.to_string(),
                text: st.text.clone(),
                answers: (forms.iter())
                    .map(|f| {
                        f.set.get(&st.id).map_or_else(
                            || "–".to_string(),
                            |ans| inst.answer_label(ans).to_string(),
                        )
                    })
                    .collect(),
                value: match u.result.rollup.values.get(&st.id) {
                    Some(Value::Scored(x)) => fmt::decimal(*x, 1),
                    Some(Value::NotApplicable) => "vet ej".into(),
                    None => "–".into(),
                },
                disagreement: agreement.is_some_and(|g| g.disagreement),
                notes: (forms.iter())
                    .filter_map(|f| f.set.notes.get(&st.id).cloned())
                    .collect(),
            }
        })
        .collect();
    UnitArea {
        title: format!("{} {}", a.id, a.name),
        score: cell(
            inst,
            u.result.scores.areas.get(ai).and_then(|x| x.mean),
            u.change.get(ai).and_then(|c| c.as_ref()),
        ),
        statements,
        comments: u.comments.get(a.id.as_str()).cloned().unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::test_support::{Demo, demo, layout};

    /// The page of a unit of the demo with several raters and a consensus in the published
    /// round.
    #[tokio::test]
    async fn the_unit_page_of_the_demo() {
        let d = demo().await;
        let (r, inst) = (d.report("2025").await, d.instrument("2025").await);
        let (o, u) = (r.organisations.iter())
            .flat_map(|o| o.units.iter().map(move |u| (o, u)))
            .find(|(_, u)| u.raters.len() >= 2 && u.consensus)
            .expect("the demo has a unit with raters and a consensus");
        let loaded = nara_app::report::load(d.store.as_ref(), Demo::round("2025"))
            .await
            .unwrap();
        let key = unit_key(u.name.as_str());
        let forms = unit_forms(loaded.responses.iter().map(|f| &f.response), |f| {
            f.org == o.code && f.unit.key() == key
        });
        let compare = Compare {
            previous: Some(("Förra".into(), u.previous.clone())).filter(|p| !p.1.is_empty()),
            org: (
                o.name.clone(),
                o.scores.areas.iter().map(|a| a.mean).collect(),
            ),
            county: Some(crate::pages::county::means(&r.county)),
        };
        let org = nara_core::org::with_code(&o.name, &o.code);
        let page = view(
            layout(),
            &inst,
            (org, r.preliminary_note().unwrap_or_default()),
            u,
            &forms,
            &compare,
        );
        assert_eq!(
            page.series.len(),
            3 + usize::from(compare.previous.is_some())
        );
        assert!(page.series.contains(&"Länets medel".to_string()));
        insta::assert_yaml_snapshot!(page);
    }
}
