//! What is shown of the nyckeltal: for one organisation and delmål a card per indicator (the
//! newest value with its year, the series over the years beside the county's and the country's,
//! and an arrow judged by the indicator's direction), and for the county a table of
//! organisations × the indicators of one delmål. Values resting on fewer cases than the
//! catalogue's minimum are hidden, never rounded to something else; a missing value stays
//! missing. Pages, workbooks and the yearly report all read these, so the rules live here once.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use super::kolada::{Gender, Value};
use super::{Catalogue, Indicator, Level, Polarity, Unit};
use crate::ids::{AreaId, OrgCode};
use crate::org::{KOLADA_COUNTRY, OrgKind, Organisation};

/// Where a value came from and when (one per indicator: the newest fetch or import).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Provenance {
    /// `kolada`, or the name of the file it was imported from.
    pub source: String,
    /// When it was fetched or imported (Unix ms).
    pub fetched_at: i64,
    /// The publication date Kolada gave the indicator, when known.
    pub published: Option<String>,
}

/// One year's value of one indicator for one place, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Observation {
    /// The year measured.
    pub year: u16,
    /// The value; `None` when missing.
    pub value: Option<f64>,
    /// The cases it rests on, when known.
    pub cases: Option<u32>,
}

/// The stored values, indexed for showing: the totals (gender T) by indicator and place.
#[derive(Debug, Clone, Default)]
pub struct Values {
    series: HashMap<(String, String), Vec<Observation>>,
    provenance: HashMap<String, Provenance>,
}

impl Values {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a stored value (values for women and men are not shown and are skipped).
    pub fn insert(&mut self, v: &Value, provenance: Provenance) {
        if v.gender != Gender::T || v.deleted {
            return;
        }
        let obs = (self.series)
            .entry((v.kpi.clone(), v.municipality.clone()))
            .or_default();
        let at = obs.partition_point(|o| o.year < v.period);
        let new = Observation {
            year: v.period,
            value: v.value,
            cases: v.cases,
        };
        match obs.get_mut(at) {
            Some(o) if o.year == v.period => *o = new,
            _ => obs.insert(at, new),
        }
        let keep = self.provenance.get(&v.kpi);
        if keep.is_none_or(|k| k.fetched_at < provenance.fetched_at) {
            self.provenance.insert(v.kpi.clone(), provenance);
        }
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.series.is_empty()
    }

    /// One indicator's observations for one place, oldest first.
    pub fn observations(&self, kpi: &str, place: &str) -> &[Observation] {
        (self.series)
            .get(&(kpi.to_string(), place.to_string()))
            .map_or(&[], Vec::as_slice)
    }

    /// How many yearly values (totals, missing ones included) are stored for an indicator, over
    /// every place, and the newest year with a value.
    pub fn stored(&self, kpi: &str) -> (usize, Option<u16>) {
        let mut n = 0;
        let mut newest = None;
        for ((k, _), obs) in &self.series {
            if k == kpi {
                n += obs.len();
                let y = obs
                    .iter()
                    .filter(|o| o.value.is_some())
                    .map(|o| o.year)
                    .max();
                newest = newest.max(y);
            }
        }
        (n, newest)
    }

    /// Where an indicator's values came from.
    pub fn provenance(&self, kpi: &str) -> Option<&Provenance> {
        self.provenance.get(kpi)
    }
}

/// A value as it may be shown.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Shown {
    /// A value.
    Value {
        /// The number.
        value: f64,
    },
    /// No value for the year (missing or suppressed at the source).
    Missing,
    /// Hidden: it rests on fewer cases than the catalogue's minimum.
    Hidden {
        /// The cases it rests on.
        cases: u32,
        /// The fewest allowed.
        min: u32,
    },
}

impl Shown {
    fn of(o: &Observation, min: u32) -> Self {
        match (o.value, o.cases) {
            (None, _) => Self::Missing,
            (Some(_), Some(cases)) if cases < min => Self::Hidden { cases, min },
            (Some(value), _) => Self::Value { value },
        }
    }

    /// The number, when it may be shown.
    pub fn value(self) -> Option<f64> {
        match self {
            Self::Value { value } => Some(value),
            _ => None,
        }
    }
}

/// One year of a series.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SeriesPoint {
    /// The year.
    pub year: u16,
    /// What may be shown for it.
    pub shown: Shown,
}

/// An indicator over the years for one place.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    /// Kolada's id of the place (`2080`, `0020`, `0000`).
    pub place: String,
    /// The years with a stored row, oldest first.
    pub points: Vec<SeriesPoint>,
}

impl Series {
    /// The series of an indicator for a place (Kolada's id), every stored year.
    pub fn of(values: &Values, ind: &Indicator, place: &str) -> Self {
        let min = ind.min_cases();
        Self {
            place: place.to_string(),
            points: (values.observations(&ind.id, place).iter())
                .map(|o| SeriesPoint {
                    year: o.year,
                    shown: Shown::of(o, min),
                })
                .collect(),
        }
    }

    /// What may be shown for a year (`Missing` when nothing is stored for it).
    pub fn at(&self, year: u16) -> Shown {
        (self.points.iter())
            .find(|p| p.year == year)
            .map_or(Shown::Missing, |p| p.shown)
    }

    /// The newest year with a stored row.
    pub fn newest_year(&self) -> Option<u16> {
        self.points.last().map(|p| p.year)
    }

    /// The newest year whose value may be shown, with the value.
    pub fn latest(&self) -> Option<(u16, f64)> {
        (self.points.iter().rev()).find_map(|p| p.shown.value().map(|v| (p.year, v)))
    }

    /// Whether no year has a value that may be shown.
    pub fn is_blank(&self) -> bool {
        self.latest().is_none()
    }
}

/// Which way a value moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Arrow {
    /// Up.
    Up,
    /// Unchanged within the threshold.
    Flat,
    /// Down.
    Down,
}

impl Arrow {
    /// The arrow as the region's reports draw it.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Up => "↗",
            Self::Flat => "→",
            Self::Down => "↘",
        }
    }
}

/// What a move means, by the indicator's direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Judgement {
    /// A move the right way.
    Positive,
    /// No move beyond the threshold.
    Unchanged,
    /// A move the wrong way.
    Negative,
    /// A neutral indicator (a volume): moves are not judged.
    Neutral,
}

impl Judgement {
    /// The Swedish word.
    pub fn label(self) -> &'static str {
        match self {
            Self::Positive => "positiv",
            Self::Unchanged => "oförändrad",
            Self::Negative => "negativ",
            Self::Neutral => "ingen bedömning",
        }
    }
}

/// The move from the previous value to the newest.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Movement {
    /// The year compared with (the newest earlier year with a value).
    pub from_year: u16,
    /// The newest year with a value.
    pub to_year: u16,
    /// The difference, newest minus earlier.
    pub delta: f64,
    /// Which way.
    pub arrow: Arrow,
    /// What it means.
    pub judgement: Judgement,
}

/// A change smaller than this is "oförändrad": for a share, one percentage point; for other
/// units, two per cent of the earlier value. Kolada's shares move by chance about that much in
/// small kommuner from year to year.
pub const UNCHANGED_POINTS: f64 = 1.0;
/// See [`UNCHANGED_POINTS`]: the relative threshold for units other than shares.
pub const UNCHANGED_RELATIVE: f64 = 0.02;

fn unchanged(unit: Unit, from: f64, delta: f64) -> bool {
    match unit {
        Unit::Andel => delta.abs() < UNCHANGED_POINTS,
        _ => delta.abs() < UNCHANGED_RELATIVE * from.abs() || delta == 0.0,
    }
}

/// The move of a series up to `year` (its newest shown value when `None`) from the newest
/// earlier shown value, judged by the indicator's direction.
pub fn movement(ind: &Indicator, series: &Series, year: Option<u16>) -> Option<Movement> {
    let shown: Vec<(u16, f64)> = (series.points.iter())
        .filter(|p| year.is_none_or(|y| p.year <= y))
        .filter_map(|p| p.shown.value().map(|v| (p.year, v)))
        .collect();
    let [.., (from_year, from), (to_year, to)] = shown.as_slice() else {
        return None;
    };
    if year.is_some_and(|y| y != *to_year) {
        return None;
    }
    let delta = to - from;
    let arrow = if unchanged(ind.unit, *from, delta) {
        Arrow::Flat
    } else if delta > 0.0 {
        Arrow::Up
    } else {
        Arrow::Down
    };
    let judgement = match (ind.direction, arrow) {
        (Polarity::Neutral, _) => Judgement::Neutral,
        (_, Arrow::Flat) => Judgement::Unchanged,
        (Polarity::Higher, Arrow::Up) | (Polarity::Lower, Arrow::Down) => Judgement::Positive,
        _ => Judgement::Negative,
    };
    Some(Movement {
        from_year: *from_year,
        to_year: *to_year,
        delta,
        arrow,
        judgement,
    })
}

/// Whether an organisation of this kind has values of an indicator of this level.
pub fn applies(level: Level, kind: OrgKind) -> bool {
    matches!(
        (level, kind),
        (Level::Both, _) | (Level::Kommun, OrgKind::Kommun) | (Level::Region, OrgKind::Region)
    )
}

/// The caption under a chart or table: "Källa: Kolada (U21468), 2015–2024." The period is the
/// years with a value in any of the series.
pub fn caption(ind: &Indicator, series: &[&Series]) -> String {
    let years: BTreeSet<u16> = (series.iter())
        .flat_map(|s| s.points.iter())
        .filter(|p| p.shown.value().is_some())
        .map(|p| p.year)
        .collect();
    caption_of(ind, years.first().copied(), years.last().copied())
}

fn caption_of(ind: &Indicator, first: Option<u16>, last: Option<u16>) -> String {
    let source = match ind.source {
        super::Source::Kolada => format!("Källa: Kolada ({})", ind.id),
        super::Source::Lokal => format!("Källa: egen uppgift ({})", ind.id),
    };
    match (first, last) {
        (Some(a), Some(b)) if a == b => format!("{source}, {a}."),
        (Some(a), Some(b)) => format!("{source}, {a}–{b}."),
        _ => format!("{source}."),
    }
}

/// One indicator for one organisation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Card {
    /// The indicator.
    pub indicator: Indicator,
    /// The organisation's own series.
    pub own: Series,
    /// The county's (Region Dalarna, `0020`); `None` when the organisation is the region.
    pub county: Option<Series>,
    /// The country's (`0000`).
    pub country: Series,
    /// The newest year the organisation has a value for, with it.
    pub latest: Option<(u16, f64)>,
    /// The county's and the country's values the same year.
    pub county_at_latest: Option<f64>,
    /// See [`Card::county_at_latest`].
    pub country_at_latest: Option<f64>,
    /// The organisation's newest row when it is hidden for too few cases: (year, cases, min).
    pub hidden: Option<(u16, u32, u32)>,
    /// The move to the newest value.
    pub movement: Option<Movement>,
    /// "Källa: Kolada (U21468), 2015–2024."
    pub caption: String,
    /// Where the values came from.
    pub provenance: Option<Provenance>,
}

/// The cards of one delmål for one organisation, in catalogue order: the indicators that
/// follow it at the organisation's level (and, with `public_only`, that are public).
pub fn cards(
    catalogue: &Catalogue,
    values: &Values,
    org: &Organisation,
    county_place: &str,
    area: &AreaId,
    public_only: bool,
) -> Vec<Card> {
    let place = org.kolada_id();
    (catalogue.following(area))
        .filter(|ind| applies(ind.level, org.kind) && (!public_only || ind.is_public()))
        .map(|ind| {
            let own = Series::of(values, ind, &place);
            let county = (place != county_place).then(|| Series::of(values, ind, county_place));
            let country = Series::of(values, ind, KOLADA_COUNTRY);
            let latest = own.latest();
            let hidden = own.points.last().and_then(|p| match p.shown {
                Shown::Hidden { cases, min } if latest.is_none_or(|(y, _)| y < p.year) => {
                    Some((p.year, cases, min))
                }
                _ => None,
            });
            let at = |s: &Series| latest.and_then(|(y, _)| s.at(y).value());
            let mut shown: Vec<&Series> = vec![&own, &country];
            shown.extend(county.as_ref());
            Card {
                caption: caption(ind, &shown),
                county_at_latest: county.as_ref().and_then(at),
                country_at_latest: at(&country),
                movement: movement(ind, &own, None),
                provenance: values.provenance(&ind.id).cloned(),
                indicator: ind.clone(),
                own,
                county,
                country,
                latest,
                hidden,
            }
        })
        .collect()
}

/// One column of the county's table: an indicator and the year shown (the newest year any
/// organisation has a value for).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    /// The indicator.
    pub indicator: Indicator,
    /// The year shown; `None` when no organisation has a value.
    pub year: Option<u16>,
    /// "Källa: Kolada (U21468), 2024."
    pub caption: String,
}

/// One cell: the value of the column's year and its move from the previous value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Cell {
    /// What may be shown.
    pub shown: Shown,
    /// The move to it; `None` without an earlier value.
    pub movement: Option<Movement>,
}

/// One row of the county's table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableRow {
    /// The organisation's code (`None` for the country).
    pub code: Option<OrgCode>,
    /// Its name ("Riket" for the country).
    pub name: String,
    /// One cell per column; `None` where a kommun has no values of a region-level indicator.
    pub cells: Vec<Option<Cell>>,
}

/// The county's table of one delmål: organisations × its indicators, the region's row and the
/// country's last.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    /// The delmål.
    pub area: AreaId,
    /// The indicators.
    pub columns: Vec<Column>,
    /// The kommuner, then the region, then the country.
    pub rows: Vec<TableRow>,
}

/// The county's table of one delmål (see [`Table`]); `orgs` in the order to show.
pub fn table(
    catalogue: &Catalogue,
    values: &Values,
    orgs: &[Organisation],
    area: &AreaId,
    public_only: bool,
) -> Table {
    let inds: Vec<&Indicator> = (catalogue.following(area))
        .filter(|ind| !public_only || ind.is_public())
        .collect();
    // Kommuner have rows only when some indicator of the delmål is measured for them.
    let kommun_rows = inds.iter().any(|i| applies(i.level, OrgKind::Kommun));
    let mut places: Vec<(Option<&Organisation>, String)> = (orgs.iter())
        .filter(|o| o.kind == OrgKind::Kommun && kommun_rows)
        .chain(orgs.iter().filter(|o| o.kind == OrgKind::Region))
        .map(|o| (Some(o), o.kolada_id()))
        .collect();
    places.push((None, KOLADA_COUNTRY.to_string()));
    let columns: Vec<Column> = (inds.iter())
        .map(|ind| {
            let series: Vec<Series> = (places.iter())
                .map(|(_, p)| Series::of(values, ind, p))
                .collect();
            let year = (series.iter())
                .filter_map(|s| s.latest().map(|l| l.0))
                .max();
            Column {
                indicator: (*ind).clone(),
                year,
                caption: caption_of(ind, year, year),
            }
        })
        .collect();
    let rows = (places.iter())
        .map(|(org, place)| TableRow {
            code: org.map(|o| o.code.clone()),
            name: org.map_or_else(|| "Riket".to_string(), |o| o.name.clone()),
            cells: (inds.iter().zip(&columns))
                .map(|(ind, col)| {
                    // The region's row is the county's comparison line for every indicator
                    // (Kolada gives the county's figure of a kommun-level indicator under the
                    // region's id); a kommun has no cell for a region-level one.
                    if org.is_some_and(|o| o.kind == OrgKind::Kommun && !applies(ind.level, o.kind))
                    {
                        return None;
                    }
                    let series = Series::of(values, ind, place);
                    let year = col.year?;
                    Some(Cell {
                        shown: series.at(year),
                        movement: movement(ind, &series, Some(year)),
                    })
                })
                .collect(),
        })
        .collect();
    Table {
        area: area.clone(),
        columns,
        rows,
    }
}

#[cfg(test)]
mod tests;
