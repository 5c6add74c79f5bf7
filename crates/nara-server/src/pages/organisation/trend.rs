//! The organisation's delmål over the rounds: one row per delmål, one tinted cell per round
//! the viewer may see, each with its change since the round before.

use nara_core::report::TrendRound;
use nara_core::{Instrument, OrgCode, RoundId};
use serde::Serialize;

use crate::pages::{Cell, cell};

/// The organisation's mean per area in each visible round: (round, one mean per area of
/// `areas`, matched by id so a round on another instrument version lines up).
pub type AreaSeries = Vec<(String, Vec<Option<f64>>)>;

/// The organisation's area means per round that `visible` lets the viewer see, oldest first.
pub fn area_series(
    trend: &[TrendRound],
    code: &OrgCode,
    areas: &[String],
    visible: impl Fn(RoundId) -> bool,
) -> AreaSeries {
    trend
        .iter()
        .filter(|t| visible(t.round))
        .filter_map(|t| {
            let scores = t.organisations.get(code.as_str())?;
            let means = (areas.iter())
                .map(|id| {
                    (scores.areas.iter())
                        .find(|a| a.area.as_str() == id)
                        .and_then(|a| a.mean)
                })
                .collect();
            Some((t.round.to_string(), means))
        })
        .collect()
}

/// The table: empty when fewer than two rounds are visible (nothing to follow).
#[derive(Debug, Default, Serialize)]
pub struct AreaTrend {
    /// The rounds, oldest first.
    pub rounds: Vec<String>,
    /// One row per area.
    pub rows: Vec<AreaTrendRow>,
}

/// One delmål over the rounds.
#[derive(Debug, Serialize)]
pub struct AreaTrendRow {
    /// `D1 Nära för mig`.
    pub area: String,
    /// One cell per round, with the change since the round before.
    pub cells: Vec<Cell>,
}

/// The table from the series; `labels` name the areas in the series' order.
pub fn area_trend(inst: &Instrument, labels: &[String], series: &AreaSeries) -> AreaTrend {
    if series.len() < 2 {
        return AreaTrend::default();
    }
    let rows = (labels.iter().enumerate())
        .map(|(i, label)| {
            let values: Vec<Option<f64>> = series.iter().map(|(_, m)| m[i]).collect();
            let cells = (values.iter().enumerate())
                .map(|(k, v)| {
                    let before = k.checked_sub(1).and_then(|p| values[p]);
                    let change = nara_core::scoring::change(inst, before, *v);
                    cell(inst, *v, change.as_ref())
                })
                .collect();
            AreaTrendRow {
                area: label.clone(),
                cells,
            }
        })
        .collect();
    AreaTrend {
        rounds: series.iter().map(|(r, _)| r.clone()).collect(),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_delmal_follows_the_rounds_with_its_change() {
        let inst = Instrument::dalarna();
        let labels = vec!["D1 Ett".to_string(), "D2 Två".to_string()];
        let series: AreaSeries = vec![
            ("2024".into(), vec![Some(2.0), None]),
            ("2025".into(), vec![Some(2.5), Some(3.0)]),
            ("2026".into(), vec![Some(2.6), Some(2.5)]),
        ];
        let t = area_trend(&inst, &labels, &series);
        assert_eq!(t.rounds, ["2024", "2025", "2026"]);
        let d1: Vec<(&str, &str)> = (t.rows[0].cells.iter())
            .map(|c| (c.text.as_str(), c.change_class))
            .collect();
        assert_eq!(d1, [("2,00", "same"), ("2,50", "up"), ("2,60", "same")]);
        assert!(
            t.rows[0].cells[0].change.is_empty(),
            "no change in the first round"
        );
        assert_eq!(t.rows[1].cells[1].change, "");
        assert_eq!(t.rows[1].cells[2].change_class, "down");
        assert!(
            area_trend(&inst, &labels, &series[..1].to_vec())
                .rows
                .is_empty()
        );
    }
}
