//! From units to an organisation: the mean of the units' area scores (each unit once), the
//! index, and the highest and lowest statements over the units.

use serde::{Deserialize, Serialize};

use crate::ids::AreaId;
use crate::instrument::Instrument;
use crate::scoring::{self, Highlight, Value, Values, mean};

use super::unit::UnitResult;

/// One area of an organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgAreaScore {
    /// The area.
    pub area: AreaId,
    /// The mean of the units' area scores; `None` when no unit is scored in it.
    pub mean: Option<f64>,
    /// The mean as a percentage.
    pub percent: Option<f64>,
    /// The band's id.
    pub band: Option<String>,
    /// How many units are scored in this area.
    pub units_scored: usize,
    /// The lowest and highest unit score (the spread between units).
    pub unit_min: Option<f64>,
    /// See `unit_min`.
    pub unit_max: Option<f64>,
}

/// An organisation's scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgScores {
    /// One per area, in instrument order.
    pub areas: Vec<OrgAreaScore>,
    /// The unweighted mean of the scored areas; `None` when fewer than the instrument's
    /// [`Instrument::min_scored_areas`] are scored (see [`OrgScores::no_index`]).
    pub overall: Option<f64>,
    /// The overall index as a percentage.
    pub overall_percent: Option<f64>,
    /// How many units have answered.
    pub units: usize,
    /// How many units are scored in at least one area.
    pub units_scored: usize,
    /// The statements with the highest mean over the units.
    pub top: Vec<Highlight>,
    /// The statements with the lowest mean over the units.
    pub bottom: Vec<Highlight>,
    /// Per statement, the mean of the units' values (for the county's spread).
    pub statement_means: Values,
}

impl OrgScores {
    /// The score of an area.
    pub fn area(&self, id: &AreaId) -> Option<&OrgAreaScore> {
        self.areas.iter().find(|a| &a.area == id)
    }

    /// How many areas are scored (by at least one unit).
    pub fn areas_scored(&self) -> usize {
        self.areas.iter().filter(|a| a.mean.is_some()).count()
    }

    /// Why there is no overall index, in Swedish; `None` when there is one.
    pub fn no_index(&self, inst: &Instrument) -> Option<String> {
        self.overall
            .is_none()
            .then(|| scoring::no_index_reason(inst, self.areas_scored()))
    }
}

/// Scores an organisation from its units.
pub fn score_org(inst: &Instrument, units: &[&UnitResult]) -> OrgScores {
    let areas: Vec<OrgAreaScore> = inst
        .areas
        .iter()
        .enumerate()
        .map(|(i, area)| {
            let unit_means: Vec<f64> = units
                .iter()
                .filter_map(|u| u.scores.areas.get(i).and_then(|a| a.mean))
                .collect();
            let m = mean(unit_means.iter().copied());
            OrgAreaScore {
                area: area.id.clone(),
                mean: m,
                percent: m.map(|m| inst.percent(m)),
                band: m.map(|m| inst.band(m).id.clone()),
                units_scored: unit_means.len(),
                unit_min: unit_means.iter().copied().reduce(f64::min),
                unit_max: unit_means.iter().copied().reduce(f64::max),
            }
        })
        .collect();
    let overall = scoring::index_of(inst, areas.iter().map(|a| a.mean));
    let statement_means = statement_means(inst, units.iter().map(|u| &u.rollup.values));
    let (top, bottom) = scoring::highlights(inst, &statement_means);
    OrgScores {
        overall,
        overall_percent: overall.map(|m| inst.percent(m)),
        units: units.len(),
        units_scored: units.iter().filter(|u| u.scores.is_scored()).count(),
        areas,
        top,
        bottom,
        statement_means,
    }
}

/// Per statement, the mean of the scored values; not applicable where every value is.
pub fn statement_means<'a>(
    inst: &Instrument,
    sets: impl Iterator<Item = &'a Values> + Clone,
) -> Values {
    let mut out = Values::new();
    for (_, st) in inst.statements() {
        let vals = sets.clone().filter_map(|v| v.get(&st.id));
        let scored: Vec<f64> = vals.clone().filter_map(|v| v.scored()).collect();
        if let Some(m) = mean(scored) {
            out.insert(st.id.clone(), Value::Scored(m));
        } else if vals.count() > 0 {
            out.insert(st.id.clone(), Value::NotApplicable);
        }
    }
    out
}
