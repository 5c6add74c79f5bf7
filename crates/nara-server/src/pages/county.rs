//! A round's county overview: the heat map of organisations and areas.

use askama::Template;
use axum::Router;
use axum::extract::{Query, RawQuery, State};
use axum::response::Html;
use axum::routing::get;
use nara_core::report::{OrgReport, RoundReport};
use nara_core::scoring::Stats;
use nara_core::{Instrument, fmt};
use serde::Serialize;

use super::sort::{Sort, SortHead, SortKey};
use super::{Cell, cell, change_text, index_cell, legend, no_index_note};
use crate::AppState;
use crate::access::{audience, indicators_public_only, need_county};
use crate::error::AppResult;
use crate::extract::VisibleRound;
use crate::layout::{Layout, layout_for, link};
use crate::svg::{self, Series};

/// The county overview.
pub fn router() -> Router<AppState> {
    Router::new().route("/omgangar/{round}", get(county))
}

/// One organisation's row in the heat map.
#[derive(Debug, Serialize)]
pub struct OrgRow {
    /// Name.
    pub name: String,
    /// Code.
    pub code: String,
    /// Its page.
    pub href: String,
    /// Units that answered.
    pub units: usize,
    /// The index.
    pub index: Cell,
    /// One cell per area.
    pub cells: Vec<Cell>,
}

/// A row of statistics.
#[derive(Debug, Serialize)]
pub struct StatRow {
    /// What (`Medel`).
    pub label: String,
    /// The overall value.
    pub overall: String,
    /// One per area.
    pub cells: Vec<String>,
}

/// An area heading.
#[derive(Debug, Serialize)]
pub struct AreaHead {
    /// `D1`.
    pub id: String,
    /// The name.
    pub name: String,
    /// Its page.
    pub href: String,
}

/// A row of a chart's data table.
#[derive(Debug, Serialize)]
pub struct DataRow {
    /// The area.
    pub label: String,
    /// The values, one per series.
    pub values: Vec<String>,
}

/// The county overview.
#[derive(Template, Serialize)]
#[template(path = "county.html")]
pub struct CountyPage {
    /// The frame.
    #[serde(skip)]
    pub layout: Layout,
    /// The round.
    pub round: String,
    /// The note that the numbers may still change (core's sentence; empty when final).
    pub preliminary: String,
    /// The round's status.
    pub status: String,
    /// What the page says instead of empty tables (a draft, no answers yet); empty when there
    /// are results.
    pub empty_note: String,
    /// The previous round, if any.
    pub previous: String,
    /// The areas.
    pub areas: Vec<AreaHead>,
    /// The organisations, in the order asked for.
    pub rows: Vec<OrgRow>,
    /// The sortable headings: organisation, index, then one per area.
    pub heads: Vec<SortHead>,
    /// The filter: the link that shows only the kommuner, or all again.
    pub filter: Filter,
    /// Mean, median, min, max.
    pub stats: Vec<StatRow>,
    /// Why an index is missing, said once under the table; empty when none is.
    pub no_index: String,
    /// The county mean's change per area.
    pub county_change: Vec<String>,
    /// How many organisations were scored / answered / exist.
    pub answered: String,
    /// Organisations that have not answered.
    pub not_answered: Vec<String>,
    /// The radar.
    pub radar: svg::Radar,
    /// The radar's series names.
    pub series: Vec<String>,
    /// The radar's numbers.
    pub radar_rows: Vec<DataRow>,
    /// The band legend.
    pub legend: super::Legend,
    /// The nyckeltal of one delmål (its snapshot is in `pages::nyckeltal`).
    #[serde(skip)]
    pub nyckeltal: super::nyckeltal::CountySection,
}

/// The county table's one filter: all organisations, or only the kommuner.
#[derive(Debug, Default, Serialize)]
pub struct Filter {
    /// Whether only the kommuner are shown.
    pub only_kommuner: bool,
    /// The link that switches.
    pub href: String,
    /// The link's text.
    pub label: String,
}

/// How the county table is asked to look: its order, its filter, and the page's other
/// parameters (kept in the links).
#[derive(Debug, Default)]
pub struct TableAsk {
    /// The order.
    pub sort: Sort,
    /// Only the kommuner.
    pub only_kommuner: bool,
    /// The query as given.
    pub query: Vec<(String, String)>,
}

impl TableAsk {
    /// From the query's pairs (`sortera`, `ordning`, `visa=kommuner`).
    pub fn from_query(query: Vec<(String, String)>, inst: &Instrument) -> Self {
        let areas: Vec<String> = inst.areas().iter().map(|a| a.id.to_string()).collect();
        Self {
            sort: Sort::from_query(&query, &areas),
            only_kommuner: query.iter().any(|(k, v)| k == "visa" && v == "kommuner"),
            query,
        }
    }
}

/// An organisation's row in a heat map: its index and area means with their changes.
pub(super) fn heat_row(inst: &Instrument, round: &str, o: &OrgReport) -> OrgRow {
    OrgRow {
        name: o.name.clone(),
        code: o.code.to_string(),
        href: format!("/omgangar/{round}/org/{}", o.code),
        units: o.units.len(),
        index: index_cell(inst, o.scores.overall, o.overall_change.as_ref()),
        cells: o
            .scores
            .areas
            .iter()
            .zip(&o.change)
            .map(|(a, c)| cell(inst, a.mean, c.as_ref()))
            .collect(),
    }
}

/// The county's mean, median, lowest and highest, overall and per area.
pub(super) fn county_stats(r: &RoundReport) -> Vec<StatRow> {
    let row = |label: &str, f: &dyn Fn(&Stats) -> f64| StatRow {
        label: label.into(),
        overall: fmt::index(r.county.overall.map(|s| f(&s))),
        cells: r
            .county
            .areas
            .iter()
            .map(|a| fmt::score(a.stats.map(|s| f(&s))))
            .collect(),
    };
    vec![
        row("Medel", &|s| s.mean),
        row("Median", &|s| s.median),
        row("Lägst", &|s| s.min),
        row("Högst", &|s| s.max),
    ]
}

/// `GET /omgangar/{round}`: the county overview.
#[tracing::instrument(skip_all, fields(round = %round.id))]
pub async fn county(
    State(state): State<AppState>,
    VisibleRound {
        viewer,
        round,
        instrument,
    }: VisibleRound,
    Query(query): Query<Vec<(String, String)>>,
    RawQuery(raw): RawQuery,
) -> AppResult<Html<String>> {
    need_county(&viewer, &round)?;
    let snap = crate::snap(&state).await?;
    let earlier = audience(&viewer, &round).earlier;
    let r = state.app.report(&snap, round.id, None, earlier).await?;
    let rid = round.id;
    let crumbs = vec![
        link("/omgangar", "Omgångar"),
        link(format!("/omgangar/{rid}"), format!("Länsöversikt {rid}")),
    ];
    let title = format!("Länsöversikt {rid}");
    let layout = layout_for(&state, &viewer, &title, Some(&round), crumbs).await?;
    let n = state.app.nyckeltal(&snap).await?;
    let base = format!("/omgangar/{rid}");
    let pick = super::nyckeltal::Pick {
        base: &base,
        raw_query: raw.as_deref(),
        // `?nyckeltal=D2`: the delmål whose nyckeltal are shown (the first, if given twice).
        asked: (query.iter().find(|(k, _)| k == "nyckeltal")).map_or("", |(_, v)| v),
    };
    let page_of = |c: &nara_core::OrgCode| r.org(c.as_str()).map(|_| format!("{base}/org/{c}"));
    let public_only = indicators_public_only(&viewer, None);
    let orgs = &snap.organisations;
    let nyckeltal =
        super::nyckeltal::county_section(&n, &instrument, orgs, &page_of, &pick, public_only)?;
    let ask = TableAsk::from_query(query, &instrument);
    let page = CountyPage {
        nyckeltal,
        ..view(layout, &instrument, &r, snap.organisations.len(), &ask)
    };
    Ok(Html(page.render()?))
}

/// The county's area means in a summary, one per area.
pub(super) fn means(c: &nara_core::rollup::CountySummary) -> Vec<Option<f64>> {
    c.areas.iter().map(|a| a.stats.map(|s| s.mean)).collect()
}

/// A chart's numbers as a table: one row per area, one value per series.
pub(super) fn data_rows(r: &RoundReport, series: &[Series]) -> Vec<DataRow> {
    (r.areas.iter().enumerate())
        .map(|(i, a)| DataRow {
            label: format!("{} {}", a.id, a.name),
            values: (series.iter())
                .map(|s| fmt::score(s.scores.get(i).copied().flatten()))
                .collect(),
        })
        .collect()
}

/// `3 av 5 organisationer har svarat (…)`: `total` is how many organisations exist.
fn answered(r: &RoundReport, total: usize) -> String {
    let units = r.unit_count();
    format!(
        "{} av {total} organisationer har svarat ({} enheter, {} blanketter); {} har index.",
        r.organisations.len(),
        r.county.units_scored.max(units),
        r.forms,
        r.county.orgs_scored
    )
}

/// The organisations of the table, filtered and in the order asked for.
fn table_rows<'r>(r: &'r RoundReport, ask: &TableAsk) -> Vec<&'r OrgReport> {
    let mut orgs: Vec<&OrgReport> = (r.organisations.iter())
        .filter(|o| !ask.only_kommuner || !o.code.is_region())
        .collect();
    ask.sort.apply(
        &mut orgs,
        |o| &o.name,
        |o| o.scores.overall,
        |o, i| o.scores.areas.get(i).and_then(|a| a.mean),
    );
    orgs
}

/// The table's headings and filter link.
fn table_heads(r: &RoundReport, ask: &TableAsk) -> (Vec<SortHead>, Filter) {
    let base = format!("/omgangar/{}", r.round.id);
    let areas: Vec<String> = r.areas.iter().map(|a| a.id.clone()).collect();
    let head = |key, label: &str| ask.sort.head(key, label, &base, &ask.query, &areas);
    let mut heads = vec![
        head(SortKey::Name, "Organisation"),
        head(SortKey::Index, "Index"),
    ];
    heads.extend((areas.iter().enumerate()).map(|(i, id)| head(SortKey::Area(i), id)));
    let add = match ask.only_kommuner {
        true => Vec::new(),
        false => vec![("visa", "kommuner".to_string())],
    };
    let to = super::pager::with_params(&base, &ask.query, &["visa"], &add);
    let filter = Filter {
        only_kommuner: ask.only_kommuner,
        href: format!("{to}#lanet"),
        label: if ask.only_kommuner {
            "Visa alla organisationer".into()
        } else {
            "Visa bara kommunerna".into()
        },
    };
    (heads, filter)
}

/// The county page from the round's report; `total` is how many organisations exist.
fn view(
    layout: Layout,
    inst: &Instrument,
    r: &RoundReport,
    total: usize,
    ask: &TableAsk,
) -> CountyPage {
    let rid = r.round.id.to_string();
    let now_name = format!("Länet {rid}");
    let prev_name = r.previous.map(|p| format!("Länet {p}")).unwrap_or_default();
    let mut series = vec![Series {
        name: &now_name,
        scores: means(&r.county),
        class: "s1",
    }];
    if let Some(p) = &r.previous_county {
        series.push(Series {
            name: &prev_name,
            scores: means(p),
            class: "s2",
        });
    }
    let labels: Vec<String> = r.areas.iter().map(|a| a.id.clone()).collect();
    let title = format!("Länets medel per delmål {rid}");
    let (heads, filter) = table_heads(r, ask);
    CountyPage {
        heads,
        filter,
        layout,
        preliminary: r.preliminary_note().unwrap_or_default(),
        status: r.round.status.label().into(),
        empty_note: (r.round)
            .empty_note(r.organisations.len())
            .unwrap_or_default(),
        previous: r.previous.map(|p| p.to_string()).unwrap_or_default(),
        areas: (r.areas.iter())
            .map(|a| AreaHead {
                id: a.id.clone(),
                name: a.name.clone(),
                href: format!("/omgangar/{rid}/delmal/{}", a.id),
            })
            .collect(),
        rows: (table_rows(r, ask).into_iter())
            .map(|o| heat_row(inst, &rid, o))
            .collect(),
        stats: county_stats(r),
        no_index: no_index_note(
            inst,
            r.county.no_index(inst),
            r.organisations.iter().any(|o| o.scores.overall.is_none()),
        ),
        county_change: (r.county_change.iter())
            .map(|c| c.as_ref().map(change_text).unwrap_or_default())
            .collect(),
        answered: answered(r, total),
        not_answered: (r.not_answered.iter())
            .map(|o| nara_core::org::with_code(&o.name, &o.id))
            .collect(),
        radar: svg::radar(inst, &title, &labels, &series),
        series: series.iter().map(|s| s.name.to_string()).collect(),
        radar_rows: data_rows(r, &series),
        legend: legend(inst),
        nyckeltal: Default::default(),
        round: rid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::test_support::{demo, layout};

    /// The county overview of the demo's open round, as the page gets it.
    #[tokio::test]
    async fn the_county_overview_of_the_demo() {
        let d = demo().await;
        let (r, inst) = (d.report("2026").await, d.instrument("2026").await);
        let total = nara_app::organisations(d.store.as_ref())
            .await
            .unwrap()
            .organisations
            .len();
        let ask = TableAsk::default();
        insta::assert_yaml_snapshot!(view(layout(), &inst, &r, total, &ask));
    }
}
