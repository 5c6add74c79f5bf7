//! From raters to a unit: the median per statement (a consensus answer goes first), how the
//! raters agreed, and the unit's scores.

use serde::{Deserialize, Serialize};

use crate::answer::{Answer, AnswerSet};
use crate::ids::StatementId;
use crate::instrument::Instrument;
use crate::scoring::{self, Scores, Value, Values, median};

/// How the raters of a unit answered one statement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agreement {
    /// The statement.
    pub statement: StatementId,
    /// How many raters gave a level.
    pub rated: usize,
    /// How many answered "vet ej / ej aktuellt".
    pub not_applicable: usize,
    /// The median of the levels given.
    pub median: Option<f64>,
    /// The lowest level given.
    pub min: Option<f64>,
    /// The highest level given.
    pub max: Option<f64>,
    /// Whether the ratings span `disagreement_steps` or more (highest minus lowest); see
    /// [`crate::ScoringSettings::disagree`].
    pub disagreement: bool,
    /// The consensus answer, when one is recorded.
    pub consensus: Option<Answer>,
}

/// A unit's answers after roll-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitRollup {
    /// The unit's value per statement.
    pub values: Values,
    /// Per statement, in instrument order, how the raters agreed.
    pub agreement: Vec<Agreement>,
    /// How many raters.
    pub raters: usize,
}

impl UnitRollup {
    /// How many statements the raters disagree on.
    pub fn disagreements(&self) -> usize {
        self.agreement
            .iter()
            .filter(|a| a.disagreement && a.consensus.is_none())
            .count()
    }
}

/// Rolls several raters (and an optional consensus) up to one unit.
pub fn roll_up_unit(
    inst: &Instrument,
    raters: &[&AnswerSet],
    consensus: Option<&AnswerSet>,
) -> UnitRollup {
    let mut values = Values::new();
    let mut agreement = Vec::with_capacity(inst.statement_count());
    for (_, st) in inst.statements() {
        let levels: Vec<f64> = raters
            .iter()
            .filter_map(|r| r.get(&st.id).and_then(Answer::value))
            .collect();
        let na = raters
            .iter()
            .filter(|r| r.get(&st.id) == Some(Answer::NotApplicable))
            .count();
        let med = median(levels.iter().copied());
        let min = levels.iter().copied().reduce(f64::min);
        let max = levels.iter().copied().reduce(f64::max);
        let disagreement = match (min, max) {
            (Some(lo), Some(hi)) => inst.scoring.disagree(lo, hi),
            _ => false,
        };
        let cons = consensus.and_then(|c| c.get(&st.id));
        let value = match (cons, med) {
            (Some(a), _) => Some(Value::from(a)),
            (None, Some(m)) => Some(Value::Scored(m)),
            (None, None) if na > 0 => Some(Value::NotApplicable),
            (None, None) => None,
        };
        if let Some(v) = value {
            values.insert(st.id.clone(), v);
        }
        agreement.push(Agreement {
            statement: st.id.clone(),
            rated: levels.len(),
            not_applicable: na,
            median: med,
            min,
            max,
            disagreement,
            consensus: cons,
        });
    }
    UnitRollup {
        values,
        agreement,
        raters: raters.len(),
    }
}

/// A unit's roll-up and its scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitResult {
    /// The roll-up.
    pub rollup: UnitRollup,
    /// The scores of the rolled-up values.
    pub scores: Scores,
}

/// Rolls up and scores one unit.
pub fn score_unit(
    inst: &Instrument,
    raters: &[&AnswerSet],
    consensus: Option<&AnswerSet>,
) -> UnitResult {
    let rollup = roll_up_unit(inst, raters, consensus);
    let scores = scoring::score(inst, &rollup.values);
    UnitResult { rollup, scores }
}
