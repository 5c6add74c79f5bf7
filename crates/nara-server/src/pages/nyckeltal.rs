//! The nyckeltal on the pages: on an organisation's page a card per indicator and delmål (the
//! newest value with its year, the county's and the country's the same year, the move judged by
//! the indicator's direction in colour *and* words, a line chart with a table of the same
//! numbers, the source), and on the county overview a table of one delmål's indicators, chosen
//! with `?nyckeltal=D2`. Core decides what may be shown ([`nara_core::indicator::view`]); this
//! module only puts it in words. Each section is a template the page shows with
//! `{{ section|safe }}`.

use askama::Template;
use nara_app::indicator_view::Nyckeltal;
use nara_core::indicator::view::{Arrow, Card, Judgement, Movement, Provenance, Series, Shown};
use nara_core::indicator::{Indicator, Unit};
use nara_core::instrument::Area;
use nara_core::{AreaId, Instrument, OrgCode, OrgKind, Organisation, fmt};
use serde::Serialize;

use crate::error::AppError;
use crate::svg_line::{YearChart, YearSeries, year_chart};

/// What the section says when the catalogue has indicators but no value is stored.
pub const NOT_FETCHED: &str = "Inga nyckeltal är hämtade än. Samordnaren hämtar dem från Kolada.";

/// The name of the county's series (the region's figures in Kolada).
const COUNTY: &str = "Länet";
/// The name of the country's series.
const COUNTRY: &str = "Riket";

/// A value with its unit: `82,4 %`, `1234,5 per 100 000 invånare`.
pub fn value_text(unit: Unit, v: f64) -> String {
    match unit {
        Unit::Andel => format!("{}\u{a0}%", number(unit, v)),
        // A count needs no word after it ("7", not "7 antal").
        Unit::Antal => number(unit, v),
        u => format!("{} {}", number(unit, v), u.label()),
    }
}

/// A value without its unit (a table's cell): a share with one decimal, other values with one
/// decimal unless whole.
fn number(unit: Unit, v: f64) -> String {
    let whole = (v - v.round()).abs() < 1e-9;
    fmt::decimal(v, if unit == Unit::Andel || !whole { 1 } else { 0 })
}

/// What a table cell says: the value, "–" when missing (never 0), or why it is hidden.
fn shown_text(unit: Unit, s: Shown) -> String {
    match s {
        Shown::Value { value } => number(unit, value),
        Shown::Missing => "–".into(),
        Shown::Hidden { min, .. } => format!("färre än {min} fall"),
    }
}

/// A move in words and colour: the arrow (for the eye only), the words, the class.
#[derive(Debug, Serialize)]
pub struct MoveView {
    /// `↗`.
    pub arrow: &'static str,
    /// `positiv sedan 2023`; a neutral indicator's move is said without a judgement.
    pub text: String,
    /// `judgement-positive`, `judgement-negative`, `judgement-unchanged`; empty for a neutral
    /// indicator (no colour).
    pub class: &'static str,
}

fn move_view(m: &Movement) -> MoveView {
    let text = match m.judgement {
        Judgement::Neutral => {
            let way = match m.arrow {
                Arrow::Up => "ökat",
                Arrow::Flat => "oförändrat",
                Arrow::Down => "minskat",
            };
            format!("{way} sedan {} ({})", m.from_year, m.judgement.label())
        }
        j => format!("{} sedan {}", j.label(), m.from_year),
    };
    MoveView {
        arrow: m.arrow.symbol(),
        text,
        class: match m.judgement {
            Judgement::Positive => "judgement-positive",
            Judgement::Negative => "judgement-negative",
            Judgement::Unchanged => "judgement-unchanged",
            Judgement::Neutral => "",
        },
    }
}

/// The caption under an indicator: core's source and period, when the values were fetched, and
/// that demo values are made up.
pub fn source_caption(caption: &str, provenance: Option<&Provenance>) -> String {
    let mut out = caption.to_string();
    if let Some(p) = provenance {
        let when = crate::layout::when(p.fetched_at);
        let date = when.split(' ').next().unwrap_or_default();
        out.push_str(&format!(" Hämtat {date}."));
        if let Some(published) = p.published.as_deref().filter(|s| !s.trim().is_empty()) {
            out.push_str(&format!(" Publicerat {published}."));
        }
        if p.source == nara_app::demo::DEMO_SOURCE {
            out.push_str(" Påhittade demovärden.");
        }
    }
    out
}

/// The nyckeltal section of an organisation's page (`templates/nyckeltal_org.html`).
#[derive(Template, Debug, Default, Serialize)]
#[template(path = "nyckeltal_org.html")]
pub struct OrgSection {
    /// The sentence shown instead of cards (nothing fetched, nothing that applies); empty when
    /// there are cards.
    pub empty: String,
    /// The delmål that have cards, in the instrument's order.
    pub groups: Vec<CardGroup>,
}

/// The cards of one delmål.
#[derive(Debug, Serialize)]
pub struct CardGroup {
    /// `D1`.
    pub id: String,
    /// The delmål's name.
    pub name: String,
    /// One per indicator.
    pub cards: Vec<CardView>,
}

/// One indicator for the organisation, in words.
#[derive(Debug, Serialize)]
pub struct CardView {
    /// The element id of its heading (`nt-D1-U21468`).
    pub anchor: String,
    /// The indicator's title.
    pub title: String,
    /// Its id.
    pub id: String,
    /// Which way is better, in words.
    pub direction: String,
    /// `82,4 % (2025)`, or that there is no value to show.
    pub latest: String,
    /// The county's and the country's values the same year; empty without a value.
    pub compare: String,
    /// The move to the newest value.
    pub movement: Option<MoveView>,
    /// The line chart; `None` when no series has a value.
    pub chart: Option<YearChart>,
    /// The table's caption.
    pub table_caption: String,
    /// The table's series (the organisation, the county, the country).
    pub series: Vec<String>,
    /// The table: a row per year.
    pub rows: Vec<YearRow>,
    /// The source, period and fetch date.
    pub caption: String,
    /// The catalogue's note; empty when none.
    pub note: String,
    /// Why the newest value is not shown; empty when it is.
    pub hidden: String,
}

/// One year of a card's table.
#[derive(Debug, Serialize)]
pub struct YearRow {
    /// The year.
    pub year: u16,
    /// One per series: the value, "–" or "färre än N fall".
    pub values: Vec<String>,
}

/// The organisation's section: its cards per delmål of the round's instrument (only its own
/// are built).
pub fn org_section(
    n: &Nyckeltal,
    inst: &Instrument,
    org: &Organisation,
    public_only: bool,
) -> OrgSection {
    if n.is_empty() {
        return OrgSection {
            empty: NOT_FETCHED.into(),
            groups: Vec::new(),
        };
    }
    let groups = (inst.areas().iter())
        .map(|a| (a, n.cards(org, &a.id, public_only)))
        .collect();
    org_view(&org.name, groups)
}

/// The section from the cards of each delmål (pure; delmål without cards are left out).
pub fn org_view(name: &str, groups: Vec<(&Area, Vec<Card>)>) -> OrgSection {
    let groups: Vec<CardGroup> = (groups.into_iter())
        .filter(|(_, cards)| !cards.is_empty())
        .map(|(a, cards)| CardGroup {
            id: a.id.to_string(),
            name: a.name.clone(),
            cards: cards.iter().map(|c| card_view(name, &a.id, c)).collect(),
        })
        .collect();
    OrgSection {
        empty: if groups.is_empty() {
            format!("Inga nyckeltal följer delmålen för {name}.")
        } else {
            String::new()
        },
        groups,
    }
}

/// The value of a series at a year, for the chart.
fn at(s: &Series, year: u16) -> Option<f64> {
    s.at(year).value()
}

fn card_view(name: &str, area: &AreaId, c: &Card) -> CardView {
    let ind = &c.indicator;
    let mut series: Vec<(&str, &str, &Series)> = vec![(name, "s1", &c.own)];
    series.extend(c.county.as_ref().map(|s| (COUNTY, "s2", s)));
    series.push((COUNTRY, "s3", &c.country));
    let years: Vec<u16> = {
        let all = series
            .iter()
            .flat_map(|(_, _, s)| &s.points)
            .map(|p| p.year);
        match (all.clone().min(), all.max()) {
            (Some(a), Some(b)) => (a..=b).collect(),
            _ => Vec::new(),
        }
    };
    let names: Vec<String> = series.iter().map(|(n, _, _)| n.to_string()).collect();
    let label = match (years.first(), years.last()) {
        (Some(a), Some(b)) => format!(
            "Linjediagram: {} {a}–{b}, {}. Siffrorna står i tabellen bredvid.",
            ind.title,
            names.join(", ")
        ),
        _ => ind.title.clone(),
    };
    let chart = year_chart(
        &label,
        &(series.iter())
            .map(|(n, class, s)| YearSeries {
                name: n,
                class,
                values: years.iter().map(|y| (*y, at(s, *y))).collect(),
            })
            .collect::<Vec<_>>(),
    );
    CardView {
        anchor: format!("nt-{area}-{}", ind.id),
        title: ind.title.clone(),
        id: ind.id.clone(),
        direction: ind.direction.label().to_string(),
        latest: match c.latest {
            Some((y, v)) => format!("{} ({y})", value_text(ind.unit, v)),
            None => "Inget värde att visa.".into(),
        },
        compare: compare(ind, c),
        movement: c.movement.as_ref().map(move_view),
        chart,
        table_caption: format!("{} per år ({})", ind.title, ind.unit.label()),
        series: names,
        rows: (years.iter())
            .map(|y| YearRow {
                year: *y,
                values: (series.iter())
                    .map(|(_, _, s)| shown_text(ind.unit, s.at(*y)))
                    .collect(),
            })
            .collect(),
        caption: source_caption(&c.caption, c.provenance.as_ref()),
        note: ind.note.clone().unwrap_or_default(),
        hidden: match c.hidden {
            Some((year, _, min)) => {
                format!("Värdet för {year} visas inte: det bygger på färre än {min} fall.")
            }
            None => String::new(),
        },
    }
}

/// `Länet 2025: 80,1 %. Riket 2025: 79,0 %.` (the county left out for the region itself).
fn compare(ind: &Indicator, c: &Card) -> String {
    let Some((year, _)) = c.latest else {
        return String::new();
    };
    let say = |who: &str, v: Option<f64>| match v {
        Some(v) => format!("{who} {year}: {}.", value_text(ind.unit, v)),
        None => format!("{who} {year}: inget värde."),
    };
    let mut out = Vec::new();
    if c.county.is_some() {
        out.push(say(COUNTY, c.county_at_latest));
    }
    out.push(say(COUNTRY, c.country_at_latest));
    out.join(" ")
}

/// The nyckeltal section of the county overview (`templates/nyckeltal_county.html`).
#[derive(Template, Debug, Default, Serialize)]
#[template(path = "nyckeltal_county.html")]
pub struct CountySection {
    /// The sentence shown instead of a table; empty when there is one.
    pub empty: String,
    /// The delmål to choose among.
    pub choices: Vec<AreaChoice>,
    /// The chosen delmål: `D2 Name`.
    pub heading: String,
    /// One per indicator.
    pub columns: Vec<ColumnView>,
    /// The kommuner, the region, the country.
    pub rows: Vec<RowView>,
    /// The columns' sources, under the table.
    pub captions: Vec<String>,
}

/// A delmål to choose.
#[derive(Debug, Serialize)]
pub struct AreaChoice {
    /// `D2`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The county page with it chosen (the page's other parameters kept).
    pub href: String,
    /// Whether it is the one shown.
    pub current: bool,
}

/// A column of the county's table.
#[derive(Debug, Serialize)]
pub struct ColumnView {
    /// The indicator's title.
    pub title: String,
    /// Its id.
    pub id: String,
    /// The year shown, or that there is none.
    pub year: String,
    /// The unit in words.
    pub unit: String,
    /// Which way is better, in words.
    pub direction: String,
}

/// A row of the county's table.
#[derive(Debug, Serialize)]
pub struct RowView {
    /// The organisation's name, or "Riket".
    pub name: String,
    /// Its page in the round; empty when it has none (it did not answer; the country).
    pub href: String,
    /// `region`, `country` or empty (a kommun).
    pub class: &'static str,
    /// One per column.
    pub cells: Vec<CellView>,
}

/// A cell of the county's table.
#[derive(Debug, Serialize)]
pub struct CellView {
    /// The value, "–", or "färre än N fall".
    pub text: String,
    /// Whether the indicator is measured for this row (a kommun has no region-level values).
    pub applies: bool,
    /// The move to the value.
    pub movement: Option<MoveView>,
}

/// Which delmål the county page shows, and how to link to the others.
pub struct Pick<'a> {
    /// The page (`/omgangar/2026`).
    pub base: &'a str,
    /// The page's query string as sent (its other parameters are kept in the links).
    pub raw_query: Option<&'a str>,
    /// `?nyckeltal=` as sent; empty for the default (the first delmål with indicators).
    pub asked: &'a str,
}

/// The query string with `nyckeltal` set to `area` and every other parameter kept as sent.
fn with_area(raw: Option<&str>, area: &str) -> String {
    let mut parts: Vec<&str> = (raw.unwrap_or_default().split('&'))
        .filter(|p| !p.is_empty() && p.split('=').next() != Some("nyckeltal"))
        .collect();
    let own = format!("nyckeltal={area}");
    parts.push(&own);
    parts.join("&")
}

/// The county's section for the delmål asked for (or the first one with indicators): 400 with
/// the delmål to choose among when the one asked for has none. `page_of` gives an
/// organisation's page in the round, when it has one.
pub fn county_section(
    n: &Nyckeltal,
    inst: &Instrument,
    orgs: &[Organisation],
    page_of: &dyn Fn(&OrgCode) -> Option<String>,
    pick: &Pick<'_>,
    public_only: bool,
) -> Result<CountySection, AppError> {
    let areas: Vec<&Area> = (inst.areas().iter())
        .filter(|a| (n.catalogue.following(&a.id)).any(|i| !public_only || i.is_public()))
        .collect();
    let asked = pick.asked.trim();
    let chosen = match (asked, areas.first()) {
        ("", Some(first)) => *first,
        ("", None) => {
            return Ok(CountySection {
                empty: "Inga nyckeltal följer den här omgångens delmål.".into(),
                ..Default::default()
            });
        }
        (text, _) => {
            let id = AreaId::parse(text).ok();
            let found = areas.iter().find(|a| Some(&a.id) == id.as_ref());
            *found.ok_or_else(|| {
                let shown: String = text.chars().take(32).collect();
                let list: Vec<&str> = areas.iter().map(|a| a.id.as_str()).collect();
                AppError::BadRequest(format!(
                    "Delmålet ”{shown}” har inga nyckeltal att visa. Välj ett av: {}.",
                    list.join(", ")
                ))
            })?
        }
    };
    if n.is_empty() {
        return Ok(CountySection {
            empty: NOT_FETCHED.into(),
            ..Default::default()
        });
    }
    let table = n.table(orgs, &chosen.id, public_only);
    let inds: Vec<&Indicator> = table.columns.iter().map(|c| &c.indicator).collect();
    let kind_of = |code: &OrgCode| orgs.iter().find(|o| &o.code == code).map(|o| o.kind);
    Ok(CountySection {
        empty: String::new(),
        choices: (areas.iter())
            .map(|a| AreaChoice {
                id: a.id.to_string(),
                name: a.name.clone(),
                href: format!(
                    "{}?{}#nyckeltal",
                    pick.base,
                    with_area(pick.raw_query, a.id.as_str())
                ),
                current: a.id == chosen.id,
            })
            .collect(),
        heading: format!("{} {}", chosen.id, chosen.name),
        columns: (table.columns.iter())
            .map(|c| ColumnView {
                title: c.indicator.title.clone(),
                id: c.indicator.id.clone(),
                year: c
                    .year
                    .map_or_else(|| "inget värde".into(), |y| y.to_string()),
                unit: c.indicator.unit.label().to_string(),
                direction: c.indicator.direction.label().to_string(),
            })
            .collect(),
        rows: (table.rows.iter())
            .map(|r| {
                let kind = r.code.as_ref().and_then(kind_of);
                RowView {
                    name: r.name.clone(),
                    href: r.code.as_ref().and_then(page_of).unwrap_or_default(),
                    class: match (&r.code, kind) {
                        (None, _) => "country",
                        (Some(_), Some(OrgKind::Region)) => "region",
                        _ => "",
                    },
                    cells: (inds.iter().zip(&r.cells))
                        .map(|(ind, cell)| {
                            let applies = kind.is_none_or(|k| {
                                nara_core::indicator::view::applies(ind.level, k)
                                    || k == OrgKind::Region
                            });
                            CellView {
                                text: match cell {
                                    Some(c) if applies => shown_text(ind.unit, c.shown),
                                    _ if applies => "–".into(),
                                    _ => String::new(),
                                },
                                applies,
                                movement: cell.and_then(|c| c.movement).as_ref().map(move_view),
                            }
                        })
                        .collect(),
                }
            })
            .collect(),
        captions: (table.columns.iter())
            .map(|c| source_caption(&c.caption, n.values.provenance(&c.indicator.id)))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::test_support::demo;
    use nara_core::indicator::Catalogue;
    use nara_core::indicator::view::Values;

    #[test]
    fn values_are_written_with_their_unit_and_a_missing_one_is_never_zero() {
        assert_eq!(value_text(Unit::Andel, 82.44), "82,4\u{a0}%");
        assert_eq!(value_text(Unit::Andel, 82.0), "82,0\u{a0}%");
        assert_eq!(
            value_text(Unit::Per100000, 1234.56),
            "1234,6 per 100 000 invånare"
        );
        assert_eq!(value_text(Unit::KrPerInv, 4500.0), "4500 kr per invånare");
        assert_eq!(shown_text(Unit::Andel, Shown::Missing), "–");
        assert_eq!(
            shown_text(Unit::Antal, Shown::Hidden { cases: 4, min: 10 }),
            "färre än 10 fall"
        );
    }

    #[test]
    fn moves_are_said_in_words_and_coloured_only_when_judged() {
        let m = |arrow, judgement| Movement {
            from_year: 2023,
            to_year: 2025,
            delta: 1.0,
            arrow,
            judgement,
        };
        let up = move_view(&m(Arrow::Up, Judgement::Positive));
        assert_eq!((up.arrow, up.text.as_str()), ("↗", "positiv sedan 2023"));
        assert_eq!(up.class, "judgement-positive");
        let down = move_view(&m(Arrow::Down, Judgement::Negative));
        assert_eq!(down.class, "judgement-negative");
        let neutral = move_view(&m(Arrow::Down, Judgement::Neutral));
        assert_eq!(neutral.text, "minskat sedan 2023 (ingen bedömning)");
        assert_eq!(neutral.class, "");
    }

    #[test]
    fn the_caption_says_when_values_were_fetched_and_that_demo_values_are_made_up() {
        let p = |source: &str| Provenance {
            source: source.into(),
            fetched_at: 1_795_000_000_000,
            published: None,
        };
        let c = "Källa: Kolada (U21468), 2019–2025.";
        assert_eq!(
            source_caption(c, Some(&p("kolada"))),
            "Källa: Kolada (U21468), 2019–2025. Hämtat 2026-11-18."
        );
        assert!(
            source_caption(c, Some(&p(nara_app::demo::DEMO_SOURCE)))
                .ends_with("Hämtat 2026-11-18. Påhittade demovärden.")
        );
        assert_eq!(source_caption(c, None), c);
    }

    #[test]
    fn nothing_fetched_is_said_in_one_sentence() {
        let n = Nyckeltal {
            catalogue: Catalogue::dalarna(),
            values: Values::new(),
            county_place: Some("0020".into()),
        };
        let inst = Instrument::dalarna();
        let orgs = nara_core::Organisations::dalarna().organisations;
        let s = org_section(&n, &inst, &orgs[1], false);
        assert_eq!((s.empty.as_str(), s.groups.len()), (NOT_FETCHED, 0));
        let html = s.render().unwrap();
        assert!(html.contains(NOT_FETCHED) && html.contains("id=\"nyckeltal\""));
        let pick = Pick {
            base: "/omgangar/2026",
            raw_query: None,
            asked: "",
        };
        let c = county_section(&n, &inst, &orgs, &|_| None, &pick, true).unwrap();
        assert_eq!(c.empty, NOT_FETCHED);
    }

    #[test]
    fn the_links_to_other_delmal_keep_the_pages_other_parameters() {
        assert_eq!(with_area(None, "D2"), "nyckeltal=D2");
        assert_eq!(
            with_area(Some("sida=2&nyckeltal=D1&x=a%20b"), "D3"),
            "sida=2&x=a%20b&nyckeltal=D3"
        );
    }

    /// The demo's values as one organisation's cards: the first card of the first delmål, with
    /// the fetch time fixed so the snapshot is the same on every run.
    #[tokio::test]
    async fn a_card_of_the_demo() {
        let d = demo().await;
        let app = nara_app::App::new(d.store.clone());
        let snap = app.snapshot().await.unwrap();
        let n = app.nyckeltal(&snap).await.unwrap();
        let inst = d.instrument("2026").await;
        let org = (snap.organisations.iter())
            .find(|o| o.kind == OrgKind::Kommun)
            .unwrap();
        let area = &inst.areas()[0];
        let mut cards = n.cards(org, &area.id, true);
        for c in &mut cards {
            if let Some(p) = &mut c.provenance {
                p.fetched_at = 1_795_000_000_000;
            }
        }
        cards.truncate(1);
        let section = org_view(&org.name, vec![(area, cards)]);
        let card = &section.groups[0].cards[0];
        assert!(card.caption.ends_with("Påhittade demovärden."));
        assert_eq!(card.series, [org.name.as_str(), COUNTY, COUNTRY]);
        insta::assert_yaml_snapshot!(section);
    }
}
