//! The trend: the scores of every round of an instrument family, and the change a trend shows.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::ids::RoundId;
use crate::instrument::Instrument;
use crate::rollup::{CountySummary, OrgScores};
use crate::scoring::{Change, change};

use super::RoundData;
use super::build::round_scores;

/// One round of a trend: the county and every organisation that answered.
#[derive(Debug, Clone, Serialize)]
pub struct TrendRound {
    /// The round.
    pub round: RoundId,
    /// The county summary.
    pub county: CountySummary,
    /// Each organisation's scores, by code.
    pub organisations: BTreeMap<String, OrgScores>,
}

/// The scores of several rounds (oldest first), each scored with its own instrument version.
pub fn trend(rounds: &[RoundData]) -> Vec<TrendRound> {
    let mut out: Vec<TrendRound> = rounds
        .iter()
        .map(|r| round_scores(r).trend_round())
        .collect();
    out.sort_by_key(|t| t.round);
    out
}

/// The change a trend line shows beside its values: from the round before the newest to the
/// newest, as [`change`]. A trend runs up to the report's round, oldest first, so this is the
/// change since the previous round. `values` holds one entry per round (`None` where the round
/// has no score: not answered, or too few answers); the change is `None` unless both of the
/// last two are scored, so it never reaches across a gap.
pub fn trend_change(inst: &Instrument, values: &[Option<f64>]) -> Option<Change> {
    match values {
        [.., previous, current] => change(inst, *previous, *current),
        _ => None,
    }
}
