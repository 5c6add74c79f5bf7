//! One organisation's page in a round.

use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use nara_core::report::{OrgReport, RoundReport, TrendRound, UnitReport};
use nara_core::scoring::Highlight;
use nara_core::{Instrument, OrgCode, RoundId, UnitName, fmt};
use serde::Serialize;

mod details;
mod trend;

pub use details::{CommentGroup, DisagreementRow, HighlightRow};

use super::county::{AreaHead, DataRow, OrgRow, StatRow, county_stats, data_rows, heat_row};
use super::pager::{Pager, page_of, pager};
use super::sort::{SortHead, SortKey};
use super::{Cell, cell, index_cell, legend, no_index_note};
use crate::AppState;
use crate::access::{audience, county_visible, indicators_public_only, need_org, org_visible};
use crate::error::{AppError, AppResult};
use crate::extract::{PathOrg, VisibleRound};
use crate::layout::{Layout, Link, layout_for, link, seg};
use crate::svg::{self, Bar, Series};

/// An organisation's page.
pub fn router() -> Router<AppState> {
    Router::new().route("/omgangar/{round}/org/{code}", get(organisation))
}

/// A unit's row on the organisation page.
#[derive(Debug, Serialize)]
pub struct UnitRow {
    /// Name.
    pub name: String,
    /// Its page.
    pub href: String,
    /// Raters (`2 bedömare + samsyn`).
    pub raters: String,
    /// New this round (not in the previous round).
    pub new: bool,
    /// Index.
    pub index: Cell,
    /// Per area.
    pub cells: Vec<Cell>,
}

/// The index of one round on the trend chart's table.
#[derive(Debug, Serialize)]
pub struct TrendRow {
    /// The round.
    pub round: String,
    /// The index as text.
    pub index: String,
}

/// The organisation page: the frame around its content.
#[derive(Template)]
#[template(path = "org.html")]
pub struct OrgPage {
    /// The frame (the viewer's own: name, menu, form token).
    pub layout: Layout,
    /// The content, rendered from an [`OrgBody`].
    pub body: Arc<String>,
}

/// The organisation page's content: the same for every viewer of one scope, so it is rendered
/// once per data stamp, scope and query and kept (a page costs what it shows, and at 3,000
/// units its 50 rows of cells cost more to format than the rest of the request).
#[derive(Template, Serialize)]
#[template(path = "org_body.html")]
pub struct OrgBody {
    /// The round.
    pub round: String,
    /// The note that the numbers may still change (core's sentence; empty when final).
    pub preliminary: String,
    /// Name and code.
    pub name: String,
    /// The areas.
    pub areas: Vec<AreaHead>,
    /// When the units are paged: that the disagreements and comments are those of this page's
    /// units (empty when every unit is on the page).
    pub paged: String,
    /// Its units on this page, in the order asked for.
    pub units: Vec<UnitRow>,
    /// The units table's sortable headings: name, index, then one per area.
    pub heads: Vec<SortHead>,
    /// The other pages of units (empty when all fit on one).
    pub pager: Pager,
    /// The organisation's row.
    pub total: OrgRow,
    /// The county mean row, when the viewer may see it.
    pub county: Option<StatRow>,
    /// Why an index is missing, said once under the table; empty when none is.
    pub no_index: String,
    /// Radar of the organisation against the county.
    pub radar: svg::Radar,
    /// Its series names.
    pub series: Vec<String>,
    /// Its numbers.
    pub radar_rows: Vec<DataRow>,
    /// Bars per area.
    pub bars: svg::Bars,
    /// Highest statements.
    pub top: Vec<HighlightRow>,
    /// Lowest statements.
    pub bottom: Vec<HighlightRow>,
    /// The index over rounds.
    pub trend: svg::Line,
    /// Its numbers.
    pub trend_rows: Vec<TrendRow>,
    /// Each delmål over the rounds (empty with fewer than two).
    pub area_trend: trend::AreaTrend,
    /// Disagreements between raters.
    pub disagreements: Vec<DisagreementRow>,
    /// The instrument's disagreement rule in words: `två steg eller mer`.
    pub disagreement_rule: String,
    /// Comments.
    pub comments: Vec<CommentGroup>,
    /// The band legend.
    pub legend: super::Legend,
    /// Link to the organisation report download (empty when not available).
    pub download: String,
    /// The nyckeltal, after the self-assessment (its snapshot is in `pages::nyckeltal`).
    #[serde(skip)]
    pub nyckeltal: super::nyckeltal::OrgSection,
    /// The block "Aktiviteter och lokal plan", when the viewer may see the organisation's
    /// activities.
    #[serde(skip)]
    pub activities: Option<super::activities::OrgBlock>,
}

pub(super) fn statement_text(inst: &Instrument, id: &str) -> String {
    inst.statements()
        .find(|(_, s)| s.id.as_str() == id)
        .map(|(_, s)| s.text.clone())
        .unwrap_or_default()
}

/// `GET /omgangar/{round}/org/{code}`.
#[tracing::instrument(skip_all, fields(round = %round.id, org = %code))]
pub async fn organisation(
    State(state): State<AppState>,
    VisibleRound {
        viewer,
        round,
        instrument,
    }: VisibleRound,
    PathOrg(code): PathOrg,
    Query(query): Query<Vec<(String, String)>>,
) -> AppResult<Html<String>> {
    need_org(&viewer, &round, &code)?;
    let snap = crate::snap(&state).await?;
    let entity = (snap.organisation(&code))
        .ok_or_else(|| AppError::NotFound(format!("Organisationen {code} finns inte.")))?;
    let org_name = entity.name.clone();
    let earlier = audience(&viewer, &round).earlier;
    let report = state.app.report(&snap, round.id, None, earlier).await?;
    let see_county = county_visible(&viewer, &round);
    let title = format!("{org_name} {}", round.id);
    let crumbs = crumbs(round.id, &code, &org_name, see_county);
    if report.org(code.as_str()).is_none() {
        let at = (&viewer, &round, &instrument);
        let html = super::org_missing::for_org(&state, &snap, at, (&code, entity), crumbs).await?;
        return Ok(Html(html));
    }
    // Everything the content depends on besides the data: the viewer's scope (the rounds it
    // may see the organisation in, the county, internal nyckeltal, the activities), the date
    // (late activities) and the query (order and page).
    let seen: Vec<RoundId> = (snap.rounds.iter())
        .filter(|x| org_visible(&viewer, x, &code))
        .map(|x| x.id)
        .collect();
    let public_only = indicators_public_only(&viewer, Some(&code));
    let activities = super::activities::activities_visible(&viewer, &snap.rounds, &code);
    let today = state.app.today()?;
    let key = format!(
        "org:{}:{code}:{earlier:?}:{see_county}:{seen:?}:{public_only}:{activities}:{today:?}:{query:?}",
        round.id
    );
    let at = Content {
        state: &state,
        viewer: &viewer,
        snap: &snap,
        report: &report,
        round: round.id,
        instrument: &instrument,
        entity,
        seen: &seen,
        see_county,
        earlier,
        public_only,
        query: &query,
    };
    let body = (state.app).cached_view(&snap, &key, || content(at)).await?;
    let layout = layout_for(&state, &viewer, &title, Some(&round), crumbs).await?;
    Ok(Html(OrgPage { layout, body }.render()?))
}

/// What the organisation page's content is made from: the data, and the viewer's scope as the
/// cache's key names it.
#[derive(Clone, Copy)]
struct Content<'a> {
    state: &'a AppState,
    viewer: &'a crate::auth::Viewer,
    snap: &'a nara_app::cache::Snapshot,
    report: &'a RoundReport,
    round: RoundId,
    instrument: &'a Instrument,
    entity: &'a nara_core::Organisation,
    /// The rounds the viewer may see the organisation in.
    seen: &'a [RoundId],
    see_county: bool,
    earlier: nara_app::report::Earlier,
    public_only: bool,
    query: &'a [(String, String)],
}

/// The organisation page's content, rendered.
async fn content(c: Content<'_>) -> AppResult<String> {
    let code = &c.entity.code;
    let Some(org) = c.report.org(code.as_str()) else {
        return Err(AppError::NotFound(format!(
            "Organisationen {code} finns inte."
        )));
    };
    let trend = c.state.app.trend(c.snap, c.round, c.earlier).await?;
    let visible = |id| c.seen.contains(&id);
    let area_ids: Vec<String> = c.report.areas.iter().map(|a| a.id.clone()).collect();
    let area_series = trend::area_series(&trend, code, &area_ids, visible);
    let trend = trend_points(&trend, code, visible);
    let n = c.state.app.nyckeltal(c.snap).await?;
    let nyckeltal = super::nyckeltal::org_section(&n, c.instrument, c.entity, c.public_only);
    let activities = super::activities::org_block(c.state, c.viewer, &c.snap.rounds, code).await?;
    let body = OrgBody {
        nyckeltal,
        activities,
        ..view(OrgView {
            inst: c.instrument,
            report: c.report,
            org,
            code,
            name: &c.entity.name,
            trend,
            area_series,
            see_county: c.see_county,
            ask: super::county::TableAsk::from_query(c.query.to_vec(), c.instrument),
        })
    };
    Ok(body.render()?)
}

/// The breadcrumbs: the county overview only for a viewer who may see it.
fn crumbs(rid: RoundId, code: &OrgCode, name: &str, see_county: bool) -> Vec<Link> {
    vec![
        link("/omgangar", "Omgångar"),
        if see_county {
            link(format!("/omgangar/{rid}"), format!("Länsöversikt {rid}"))
        } else {
            link("/omgangar", rid.to_string())
        },
        link(format!("/omgangar/{rid}/org/{code}"), name.to_string()),
    ]
}

/// The organisation's index in each round of the trend that `visible` lets the viewer see.
fn trend_points(
    trend: &[TrendRound],
    code: &OrgCode,
    visible: impl Fn(RoundId) -> bool,
) -> Vec<(String, Option<f64>)> {
    trend
        .iter()
        .filter(|t| visible(t.round))
        .map(|t| {
            let index = t.organisations.get(code.as_str()).and_then(|s| s.overall);
            (t.round.to_string(), index)
        })
        .collect()
}

/// What the organisation page is built from.
struct OrgView<'a> {
    inst: &'a Instrument,
    report: &'a RoundReport,
    org: &'a OrgReport,
    code: &'a OrgCode,
    /// The organisation's name.
    name: &'a str,
    /// The index per visible round of the family.
    trend: Vec<(String, Option<f64>)>,
    /// The area means per visible round.
    area_series: trend::AreaSeries,
    /// Whether the viewer may see the county's numbers.
    see_county: bool,
    /// The order of the units and the page of them asked for (`sida`, from 1).
    ask: super::county::TableAsk,
}

/// The radar's series: the organisation (`own`), and the county mean only for a viewer who may
/// see it.
fn radar_series(
    name: &str,
    own: Vec<Option<f64>>,
    county: Option<Vec<Option<f64>>>,
) -> Vec<Series<'_>> {
    let mut series = vec![Series {
        name,
        scores: own,
        class: "s1",
    }];
    if let Some(scores) = county {
        series.push(Series {
            name: "Länets medel",
            scores,
            class: "s2",
        });
    }
    series
}

/// The page from the report: pure, no access checks (the handler made them).
fn view(v: OrgView<'_>) -> OrgBody {
    let (inst, r, o) = (v.inst, v.report, v.org);
    let rid = r.round.id.to_string();
    let own = o.scores.areas.iter().map(|a| a.mean).collect();
    let county = v.see_county.then(|| super::county::means(&r.county));
    let series = radar_series(v.name, own, county);
    let labels: Vec<String> = r.areas.iter().map(|a| a.id.clone()).collect();
    let radar = svg::radar(
        inst,
        &format!("{} per delmål {rid}", v.name),
        &labels,
        &series,
    );
    let radar_rows = data_rows(r, &series);
    let base = format!("/omgangar/{rid}/org/{}", v.code);
    let mut units: Vec<&UnitReport> = o.units.iter().collect();
    v.ask.sort.apply(
        &mut units,
        |u| u.name.as_str(),
        |u| u.result.scores.overall,
        |u, i| u.result.scores.areas.get(i).and_then(|a| a.mean),
    );
    let q = &v.ask.query;
    let (shown, pager) = pager(&base, q, "enheter", page_of(q), units.len());
    let units = &units[shown];
    let heads = unit_heads(&base, r, &v.ask);
    let paged = match pager.showing.is_empty() {
        true => String::new(),
        false => format!(
            "Gäller verksamheterna på den här sidan ({}); bläddra i tabellen ovan för de andra.",
            pager.showing.to_lowercase()
        ),
    };
    let highlight = |h: &Highlight| HighlightRow {
        id: h.statement.to_string(),
        text: statement_text(inst, h.statement.as_str()),
        value: fmt::score(Some(h.value)),
    };
    let no_index = no_index_note(
        inst,
        o.scores.no_index(inst),
        o.units.iter().any(|u| u.result.scores.overall.is_none())
            || (v.see_county && r.county.overall.is_none())
            || v.trend.iter().any(|(_, i)| i.is_none()),
    );
    OrgBody {
        preliminary: r.preliminary_note().unwrap_or_default(),
        name: nara_core::org::with_code(v.name, v.code),
        areas: area_heads(r, v.see_county),
        units: (units.iter())
            .map(|u| unit_row(inst, &rid, v.code, u))
            .collect(),
        heads,
        pager,
        no_index,
        total: heat_row(inst, &rid, o),
        county: v.see_county.then(|| county_stats(r).remove(0)),
        radar,
        series: series.iter().map(|s| s.name.to_string()).collect(),
        radar_rows,
        bars: area_bars(inst, v.name, r, o),
        top: o.scores.top.iter().map(highlight).collect(),
        bottom: o.scores.bottom.iter().map(highlight).collect(),
        trend: svg::line(
            inst,
            &format!("Index för {} över omgångarna", v.name),
            &v.trend,
        ),
        trend_rows: (v.trend.iter())
            .map(|(round, i)| TrendRow {
                round: round.clone(),
                index: fmt::index(*i),
            })
            .collect(),
        area_trend: trend::area_trend(
            inst,
            &(r.areas.iter())
                .map(|a| format!("{} {}", a.id, a.name))
                .collect::<Vec<_>>(),
            &v.area_series,
        ),
        // Paged like the units table: the page costs what it shows, however many units.
        disagreements: details::disagreements(inst, units),
        paged,
        disagreement_rule: inst.scoring().disagreement_rule(),
        comments: details::comment_groups(inst, units),
        legend: legend(inst),
        download: format!("/omgangar/{rid}/export/org/{}", v.code),
        nyckeltal: Default::default(),
        activities: None,
        round: rid,
    }
}

/// The units table's sortable headings (links that keep the page's other parameters).
fn unit_heads(base: &str, r: &RoundReport, ask: &super::county::TableAsk) -> Vec<SortHead> {
    let areas: Vec<String> = r.areas.iter().map(|a| a.id.clone()).collect();
    let head = |key, label: &str| ask.sort.head(key, label, base, &ask.query, &areas);
    let mut heads = vec![
        head(SortKey::Name, "Verksamhet"),
        head(SortKey::Index, "Index"),
    ];
    heads.extend((areas.iter().enumerate()).map(|(i, id)| head(SortKey::Area(i), id)));
    heads
}

/// The table's area headings; linked to the area pages only for a viewer who sees the county.
fn area_heads(r: &RoundReport, see_county: bool) -> Vec<AreaHead> {
    let rid = r.round.id;
    (r.areas.iter())
        .map(|a| AreaHead {
            id: a.id.clone(),
            name: a.name.clone(),
            href: if see_county {
                format!("/omgangar/{rid}/delmal/{}", a.id)
            } else {
                String::new()
            },
        })
        .collect()
}

/// The bars of the organisation's area means, in the bands' colours.
fn area_bars(inst: &Instrument, name: &str, r: &RoundReport, o: &OrgReport) -> svg::Bars {
    let rows: Vec<(String, Option<f64>, String)> = (r.areas.iter())
        .zip(&o.scores.areas)
        .map(|(a, s)| {
            let color = s.mean.map(|x| inst.band(x).color.clone());
            (
                format!("{} {}", a.id, a.name),
                s.mean,
                color.unwrap_or_default(),
            )
        })
        .collect();
    let bars: Vec<Bar> = (rows.iter())
        .map(|(label, score, color)| Bar {
            label,
            score: *score,
            color,
        })
        .collect();
    svg::bars(inst, &format!("{name} per delmål"), &bars)
}

/// A unit's row: its link, its raters in words, its index and area cells.
fn unit_row(
    inst: &Instrument,
    rid: &str,
    code: &OrgCode,
    u: &nara_core::report::UnitReport,
) -> UnitRow {
    let raters = u.raters.iter().filter(|r| !r.is_empty()).count();
    let key = UnitName::parse(u.name.as_str())
        .map(|n| n.key())
        .unwrap_or_default();
    UnitRow {
        name: u.name.to_string(),
        href: format!("/omgangar/{rid}/org/{code}/enhet/{}", seg(&key)),
        raters: match (raters, u.consensus) {
            (0 | 1, false) => String::new(),
            (n, true) => format!("{n} bedömare + samsyn"),
            (n, false) => format!("{n} bedömare"),
        },
        new: u.new_this_round,
        index: index_cell(inst, u.result.scores.overall, u.overall_change.as_ref()),
        cells: (u.result.scores.areas.iter())
            .zip(&u.change)
            .map(|(a, c)| cell(inst, a.mean, c.as_ref()))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::test_support::{Demo, demo};

    /// The page of the demo's first organisation in the open round, with the county beside it.
    #[tokio::test]
    async fn the_organisation_page_of_the_demo() {
        let d = demo().await;
        let (r, inst) = (d.report("2026").await, d.instrument("2026").await);
        let o = &r.organisations[0];
        let code = o.code.clone();
        let trend = nara_app::report::trend(d.store.as_ref(), Demo::round("2026"))
            .await
            .unwrap();
        let page = view(OrgView {
            inst: &inst,
            report: &r,
            org: o,
            code: &code,
            name: &o.name,
            trend: trend_points(&trend, &code, |_| true),
            area_series: trend::area_series(
                &trend,
                &code,
                &r.areas.iter().map(|a| a.id.clone()).collect::<Vec<_>>(),
                |_| true,
            ),
            see_county: true,
            ask: Default::default(),
        });
        insta::assert_yaml_snapshot!(page);
    }

    /// With more units than a page holds, the disagreements and comments are those of the
    /// page's units, and the page says so: a page costs what it shows.
    #[tokio::test]
    async fn disagreements_and_comments_are_paged_with_the_units() {
        let d = demo().await;
        let (r, inst) = (d.report("2026").await, d.instrument("2026").await);
        let mut o = r.organisations[0].clone();
        let model = o.units[0].clone();
        o.units = (0..60)
            .map(|i| {
                let mut u = model.clone();
                u.name = UnitName::parse(&format!("Enhet {i:02}")).unwrap();
                u.comments = [(
                    "D1".to_string(),
                    vec![format!("Kommentar från enhet {i:02}")],
                )]
                .into_iter()
                .collect();
                u
            })
            .collect();
        let code = o.code.clone();
        let page = |n: usize| {
            view(OrgView {
                inst: &inst,
                report: &r,
                org: &o,
                code: &code,
                name: &o.name,
                trend: Vec::new(),
                area_series: Vec::new(),
                see_county: true,
                ask: crate::pages::county::TableAsk {
                    query: vec![("sida".into(), n.to_string())],
                    ..Default::default()
                },
            })
        };
        let texts = |p: &OrgBody| -> Vec<String> {
            p.comments
                .iter()
                .flat_map(|g| g.items.iter().map(|c| c.text.clone()))
                .collect()
        };
        let (first, second) = (page(1), page(2));
        assert_eq!(texts(&first).len(), 50);
        assert_eq!(
            texts(&second),
            (50..60)
                .map(|i| format!("Kommentar från enhet {i}"))
                .collect::<Vec<_>>()
        );
        assert!(
            second
                .disagreements
                .iter()
                .all(|d| d.unit.as_str() >= "Enhet 50")
        );
        assert!(
            first.paged.contains("verksamhet 1–50 av 60"),
            "{}",
            first.paged
        );
        let html = second.render().unwrap();
        assert!(html.contains("Gäller verksamheterna på den här sidan (verksamhet 51–60 av 60)"));
    }

    #[test]
    fn radar_shows_the_county_only_to_a_viewer_who_may_see_it() {
        let own = vec![Some(3.0), None, Some(2.5)];
        let alone = radar_series("Borås", own.clone(), None);
        assert_eq!(alone.len(), 1);
        assert_eq!((alone[0].name, alone[0].class), ("Borås", "s1"));
        assert_eq!(alone[0].scores, own);
        let both = radar_series("Borås", own, Some(vec![Some(2.0), Some(3.0), None]));
        let names: Vec<&str> = both.iter().map(|s| s.name).collect();
        assert_eq!(names, ["Borås", "Länets medel"]);
        assert_eq!(both[1].scores, [Some(2.0), Some(3.0), None]);
    }

    #[test]
    fn crumbs_lead_to_the_county_overview_only_for_a_viewer_who_may_see_it() {
        let rid = RoundId::parse("2026").unwrap();
        let code = OrgCode::parse("1490").unwrap();
        let hidden = crumbs(rid, &code, "Borås", false);
        assert!(hidden.iter().all(|l| l.href != "/omgangar/2026"));
        assert_eq!(hidden[2].href, "/omgangar/2026/org/1490");
        let shown = crumbs(rid, &code, "Borås", true);
        assert_eq!(shown[1].href, "/omgangar/2026");
        assert_eq!(shown[1].label, "Länsöversikt 2026");
    }
}
