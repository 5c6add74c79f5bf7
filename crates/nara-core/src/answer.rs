//! Answers and responses: what one rater of one unit said in one round.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ids::{AreaId, OrgCode, RoundId, StatementId, UnitName};

/// One answer to a statement. A blank is the absence of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// A level of the scale, by its value.
    Level(u8),
    /// "Vet ej / ej aktuellt": kept and counted, never scored.
    NotApplicable,
}

impl Answer {
    /// The scored value, if any.
    pub fn value(self) -> Option<f64> {
        match self {
            Self::Level(v) => Some(f64::from(v)),
            Self::NotApplicable => None,
        }
    }
}

/// The answers and comments of one filled-in form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerSet {
    /// Answers by statement; a statement that is absent was left blank.
    pub answers: BTreeMap<StatementId, Answer>,
    /// Free text per area (what works well, what to improve), kept verbatim.
    pub comments: BTreeMap<AreaId, String>,
    /// A comment on a single statement (the form's `Kommentar` column), kept verbatim.
    #[serde(default)]
    pub notes: BTreeMap<StatementId, String>,
}

impl AnswerSet {
    /// The answer to a statement, if one was given.
    pub fn get(&self, id: &StatementId) -> Option<Answer> {
        self.answers.get(id).copied()
    }
}

/// One rater's (or one team's consensus) filled-in form for a unit in a round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    /// The round.
    pub round: RoundId,
    /// The organisation.
    pub org: OrgCode,
    /// The unit that answers.
    pub unit: UnitName,
    /// Who rated: a name or a role; empty when the unit answered as one.
    pub rater: String,
    /// Who took part (names or roles), as written.
    pub participants: String,
    /// The date written on the form, as written.
    pub date: String,
    /// The instrument family.
    pub instrument_id: String,
    /// The instrument version the form was made for.
    pub instrument_version: String,
    /// Whether this is the unit's agreed (consensus) answer, which overrides the raters'.
    pub consensus: bool,
    /// The answers and comments.
    pub set: AnswerSet,
}

impl Response {
    /// The rule for "the same form": round, organisation, unit (case and spaces ignored),
    /// rater (likewise) and whether it is the consensus. A new file with the same key replaces
    /// the earlier answers; the earlier version stays in the history.
    pub fn identity(&self) -> ResponseKey {
        ResponseKey {
            round: self.round,
            org: self.org.clone(),
            unit_key: self.unit.key(),
            rater_key: crate::ids::fold_spaces(&self.rater).to_lowercase(),
            consensus: self.consensus,
        }
    }
}

/// What makes two responses "the same form" (see [`Response::identity`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ResponseKey {
    /// The round.
    pub round: RoundId,
    /// The organisation.
    pub org: OrgCode,
    /// The unit's key ([`UnitName::key`]).
    pub unit_key: String,
    /// The rater, lower case with spaces folded.
    pub rater_key: String,
    /// Whether it is the consensus answer.
    pub consensus: bool,
}
