//! The results of a round as one value, [`RoundReport`], which every view renders: the CLI's
//! `report`, the web pages and the Excel workbooks. Built from the round's current forms by
//! [`round_report`] (in `build`), which only groups and calls the roll-up; plus the trend over
//! the rounds of an instrument family ([`trend`], with the change a trend shows,
//! [`trend_change`]) and the raw answer rows for pivot tables ([`raw_rows`]).
//!
//! The questions a view asks of a report are answered here too, so that no view computes a
//! number or picks a comparison itself: the organisations' spread on a statement
//! ([`RoundReport::statement_spread`]), the preliminary note, why an index is missing, the
//! previous round in a trend.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::answer::Response;
use crate::ids::{OrgCode, RoundId, StatementId, UnitName};
use crate::instrument::Instrument;
use crate::rollup::{CountySummary, Distribution, OrgScores, UnitResult, statement_spread};
use crate::round::Round;
use crate::scoring::{Change, Stats};

mod build;
mod raw;
mod trend;

pub use build::{RoundScores, group, round_report, round_report_scored, round_scores};
pub use raw::{RawIds, RawRow, RawTable, raw_rows};
pub use trend::{TrendRound, trend, trend_change};

/// One stored form: the response and when and from where it was stored.
#[derive(Debug, Clone, Copy)]
pub struct Form<'a> {
    /// The response.
    pub response: &'a Response,
    /// When it was stored (Unix ms).
    pub stored_at: i64,
    /// Where it came from: a file name, or `web`.
    pub source: &'a str,
}

/// A round with its instrument and its current forms.
#[derive(Debug, Clone)]
pub struct RoundData<'a> {
    /// The round.
    pub round: &'a Round,
    /// The instrument version the round uses.
    pub instrument: &'a Instrument,
    /// The current (not replaced) forms.
    pub forms: Vec<Form<'a>>,
}

/// An id and a name (an area, or an organisation).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaRef {
    /// The id (`D1`, or `2080`).
    pub id: String,
    /// The name.
    pub name: String,
}

/// A unit's results.
#[derive(Debug, Clone, Serialize)]
pub struct UnitReport {
    /// The unit's name.
    pub name: UnitName,
    /// The raters (empty name: the unit answered as one).
    pub raters: Vec<String>,
    /// Whether a consensus answer is recorded.
    pub consensus: bool,
    /// The roll-up and scores.
    pub result: UnitResult,
    /// Per area, the change since the previous round, when both are scored.
    pub change: Vec<Option<Change>>,
    /// Per area, its mean in the previous round; empty when it did not answer then.
    pub previous: Vec<Option<f64>>,
    /// The change of its index since the previous round, when both are scored.
    pub overall_change: Option<Change>,
    /// New this round: there is a previous round and the unit was not in it.
    pub new_this_round: bool,
    /// The free text per area id, from every form of the unit.
    pub comments: BTreeMap<String, Vec<String>>,
    /// The comments on single statements, per statement id.
    pub notes: BTreeMap<String, Vec<String>>,
    /// When the unit's newest form was stored (Unix ms).
    pub last_import: i64,
}

/// An organisation's results.
#[derive(Debug, Clone, Serialize)]
pub struct OrgReport {
    /// The code.
    pub code: OrgCode,
    /// The name.
    pub name: String,
    /// The scores: the mean of the units' area scores.
    pub scores: OrgScores,
    /// Per area, the change since the previous round.
    pub change: Vec<Option<Change>>,
    /// The change of the overall index.
    pub overall_change: Option<Change>,
    /// Its units, by name.
    pub units: Vec<UnitReport>,
}

/// Everything about one round's results.
#[derive(Debug, Clone, Serialize)]
pub struct RoundReport {
    /// The round.
    pub round: Round,
    /// The instrument's name.
    pub instrument_name: String,
    /// The areas, in order.
    pub areas: Vec<AreaRef>,
    /// The previous round of the same instrument family.
    pub previous: Option<RoundId>,
    /// The county summary (each organisation counts once).
    pub county: CountySummary,
    /// The previous round's county summary.
    pub previous_county: Option<CountySummary>,
    /// Per area, the county mean's change since the previous round.
    pub county_change: Vec<Option<Change>>,
    /// The organisations that answered (all, or the one asked for).
    pub organisations: Vec<OrgReport>,
    /// The organisations that have not answered.
    pub not_answered: Vec<AreaRef>,
    /// Per statement, the distribution of every rating.
    pub distribution: Vec<Distribution>,
    /// How many current forms the report is built from.
    pub forms: usize,
}

impl RoundReport {
    /// The report of one organisation.
    pub fn org(&self, code: &str) -> Option<&OrgReport> {
        self.organisations.iter().find(|o| o.code.as_str() == code)
    }

    /// Whether the numbers may still change: the round is neither closed nor published
    /// ([`Round::preliminary`]).
    pub fn preliminary(&self) -> bool {
        self.round.preliminary()
    }

    /// The sentence that marks the numbers as preliminary ([`Round::preliminary_note`]);
    /// `None` when the round is closed or published.
    pub fn preliminary_note(&self) -> Option<String> {
        self.round.preliminary_note()
    }

    /// How many units answered, over the organisations of the report.
    pub fn unit_count(&self) -> usize {
        self.organisations.iter().map(|o| o.units.len()).sum()
    }

    /// The organisations' spread on one statement ([`statement_spread`]): `min` and `max` are
    /// the lowest and highest organisation mean, `n` how many organisations have one; `None`
    /// when none has.
    pub fn statement_spread(&self, statement: &StatementId) -> Option<Stats> {
        let orgs: Vec<&OrgScores> = self.organisations.iter().map(|o| &o.scores).collect();
        statement_spread(&orgs, statement)
    }

    /// Why an index is missing in a table of the organisations and the county, said once under
    /// it: the county's own reason when it has no index figures ([`CountySummary::no_index`]),
    /// else the rule ([`crate::scoring::no_index_rule`]) when some organisation has no index;
    /// `None` when every index is there, or no organisation answered.
    pub fn county_no_index_note(&self, inst: &Instrument) -> Option<String> {
        let some_missing = self.county.overall.is_none()
            || self
                .organisations
                .iter()
                .any(|o| o.scores.overall.is_none());
        (!self.organisations.is_empty() && some_missing).then(|| {
            self.county
                .no_index(inst)
                .unwrap_or_else(|| crate::scoring::no_index_rule(inst))
        })
    }

    /// The round this report compares with ([`RoundReport::previous`]) in a trend; `None` when
    /// there is none, or the trend leaves it out.
    pub fn previous_in<'a>(&self, trend: &'a [TrendRound]) -> Option<&'a TrendRound> {
        let previous = self.previous?;
        trend.iter().find(|t| t.round == previous)
    }
}

impl OrgReport {
    /// Why an index is missing in a table of the organisation's units (and the county's mean
    /// when `county` is given, for a reader who may see it), said once under it: the
    /// organisation's own reason ([`OrgScores::no_index`]), else the rule
    /// ([`crate::scoring::no_index_rule`]) when a unit or the county has no index; `None` when
    /// every index is there.
    pub fn no_index_note(
        &self,
        inst: &Instrument,
        county: Option<&CountySummary>,
    ) -> Option<String> {
        self.scores.no_index(inst).or_else(|| {
            let unit_missing = self.units.iter().any(|u| u.result.scores.overall.is_none());
            let county_missing = county.is_some_and(|c| c.overall.is_none());
            (unit_missing || county_missing).then(|| crate::scoring::no_index_rule(inst))
        })
    }
}

impl UnitReport {
    /// How many raters answered by name (a unit that answered as one has none; a consensus
    /// answer is not a rater).
    pub fn named_raters(&self) -> usize {
        self.raters.iter().filter(|r| !r.is_empty()).count()
    }

    /// The raters in a table's words: `3`, `2 + samsyn` with a consensus answer, and empty
    /// when one person (or the unit as one) answered without one.
    pub fn raters_text(&self) -> String {
        match (self.named_raters(), self.consensus) {
            (0 | 1, false) => String::new(),
            (n, true) => format!("{n} + samsyn"),
            (n, false) => n.to_string(),
        }
    }
}

#[cfg(test)]
mod tests;
