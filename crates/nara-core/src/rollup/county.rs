//! From organisations to the county: mean, median, min and max over the organisations (each
//! counts once, whatever its number of units).

use serde::{Deserialize, Serialize};

use crate::ids::{AreaId, StatementId};
use crate::instrument::Instrument;
use crate::scoring::{Stats, stats};

use super::org::{OrgAreaScore, OrgScores};

/// One area of the county.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountyArea {
    /// The area.
    pub area: AreaId,
    /// Mean, median, min and max over the scored organisations; `None` when none is.
    pub stats: Option<Stats>,
    /// The county mean as a percentage.
    pub percent: Option<f64>,
    /// The band of the county mean.
    pub band: Option<String>,
    /// How many organisations are scored in this area.
    pub orgs_scored: usize,
    /// How many units are scored in this area, over all organisations.
    pub units_scored: usize,
}

/// The county summary of one round.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CountySummary {
    /// One per area, in instrument order.
    pub areas: Vec<CountyArea>,
    /// Mean, median, min and max of the organisations' overall indexes (organisations without
    /// one left out); `None` when no organisation has an index.
    pub overall: Option<Stats>,
    /// How many organisations have an overall index.
    pub orgs_scored: usize,
    /// How many units are scored in at least one area.
    pub units_scored: usize,
}

impl CountySummary {
    /// The county figures of an area.
    pub fn area(&self, id: &AreaId) -> Option<&CountyArea> {
        self.areas.iter().find(|a| &a.area == id)
    }

    /// Why the county has no index figures, in Swedish; `None` when it has them.
    pub fn no_index(&self, inst: &Instrument) -> Option<String> {
        self.overall.is_none().then(|| {
            format!(
                "Inget index för länet: ingen organisation har index (index kräver att minst {} av {} delmål har tillräckligt många svar).",
                inst.min_scored_areas(),
                inst.areas.len()
            )
        })
    }
}

/// Compiles the county summary from the organisations' scores (each counts once).
pub fn county_summary(inst: &Instrument, orgs: &[&OrgScores]) -> CountySummary {
    let areas = inst
        .areas
        .iter()
        .enumerate()
        .map(|(i, area)| {
            let scored: Vec<&OrgAreaScore> = orgs
                .iter()
                .filter_map(|o| o.areas.get(i))
                .filter(|a| a.mean.is_some())
                .collect();
            let s = stats(scored.iter().filter_map(|a| a.mean));
            CountyArea {
                area: area.id.clone(),
                percent: s.map(|s| inst.percent(s.mean)),
                band: s.map(|s| inst.band(s.mean).id.clone()),
                stats: s,
                orgs_scored: scored.len(),
                units_scored: scored.iter().map(|a| a.units_scored).sum(),
            }
        })
        .collect();
    CountySummary {
        areas,
        overall: stats(orgs.iter().filter_map(|o| o.overall)),
        orgs_scored: orgs.iter().filter(|o| o.overall.is_some()).count(),
        units_scored: orgs.iter().map(|o| o.units_scored).sum(),
    }
}

/// The organisations' spread on one statement: mean, median, min and max of their statement
/// means ([`OrgScores::statement_means`]; each organisation counts once, whatever its number of
/// units), with `n` the number of organisations that have a scored mean on it. An organisation
/// whose units all answered "vet ej", or left it blank, is left out; `None` when no
/// organisation has a scored mean.
pub fn statement_spread(orgs: &[&OrgScores], statement: &StatementId) -> Option<Stats> {
    stats(
        orgs.iter()
            .filter_map(|o| o.statement_means.get(statement).and_then(|v| v.scored())),
    )
}
