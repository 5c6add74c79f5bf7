//! The scoring method for one set of answers: statement values, area means and percentages,
//! the at-least-half rule, the overall index (only when enough areas are scored), bands, the
//! highest and lowest statements, and the change since the previous round. Every number is a
//! setting of the instrument.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::answer::{Answer, AnswerSet};
use crate::ids::{AreaId, StatementId};
use crate::instrument::Instrument;

/// A unit's value for a statement: a number on the scale (a level, or the median of several
/// raters) or not applicable. A blank has no entry.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    /// Scored: a value on the scale.
    Scored(f64),
    /// "Vet ej / ej aktuellt": counted, never scored.
    NotApplicable,
}

impl Value {
    /// The number, when scored.
    pub fn scored(self) -> Option<f64> {
        match self {
            Self::Scored(v) => Some(v),
            Self::NotApplicable => None,
        }
    }
}

impl From<Answer> for Value {
    fn from(a: Answer) -> Self {
        match a {
            Answer::Level(v) => Self::Scored(f64::from(v)),
            Answer::NotApplicable => Self::NotApplicable,
        }
    }
}

/// Values by statement.
pub type Values = BTreeMap<StatementId, Value>;

/// The values of one form's answers.
pub fn values_of(set: &AnswerSet) -> Values {
    set.answers
        .iter()
        .map(|(k, a)| (k.clone(), Value::from(*a)))
        .collect()
}

/// The score of one area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaScore {
    /// The area.
    pub area: AreaId,
    /// How many statements the area has.
    pub total: usize,
    /// How many have a value on the scale.
    pub answered: usize,
    /// How many were answered "vet ej / ej aktuellt".
    pub not_applicable: usize,
    /// The mean on the scale; `None` when too few are answered ("för få svar").
    pub mean: Option<f64>,
    /// The mean as a percentage of the scale; `None` likewise.
    pub percent: Option<f64>,
    /// The band's id; `None` likewise.
    pub band: Option<String>,
}

/// A statement named as one of the highest or lowest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Highlight {
    /// The statement.
    pub statement: StatementId,
    /// Its area.
    pub area: AreaId,
    /// Its value.
    pub value: f64,
}

/// The scores of one set of values (one rater, or one unit after roll-up).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// One per area, in instrument order.
    pub areas: Vec<AreaScore>,
    /// The unweighted mean of the scored areas; `None` when fewer areas than the instrument's
    /// [`Instrument::min_scored_areas`] are scored (see [`Scores::no_index`] for why).
    pub overall: Option<f64>,
    /// The overall index as a percentage.
    pub overall_percent: Option<f64>,
    /// The highest statements (strengths), highest first.
    pub top: Vec<Highlight>,
    /// The lowest statements (challenges), lowest first; never one of `top`.
    pub bottom: Vec<Highlight>,
}

impl Scores {
    /// The score of an area.
    pub fn area(&self, id: &AreaId) -> Option<&AreaScore> {
        self.areas.iter().find(|a| &a.area == id)
    }

    /// Whether any area is scored.
    pub fn is_scored(&self) -> bool {
        self.areas.iter().any(|a| a.mean.is_some())
    }

    /// How many areas are scored.
    pub fn areas_scored(&self) -> usize {
        self.areas.iter().filter(|a| a.mean.is_some()).count()
    }

    /// Why there is no overall index, in Swedish ([`no_index_reason`]); `None` when there is
    /// one.
    pub fn no_index(&self, inst: &Instrument) -> Option<String> {
        self.overall
            .is_none()
            .then(|| no_index_reason(inst, self.areas_scored()))
    }
}

/// Whether `scored` areas are enough for an overall index: at least the instrument's
/// [`Instrument::min_scored_areas`], and at least one.
pub fn enough_areas(inst: &Instrument, scored: usize) -> bool {
    scored > 0 && scored >= inst.min_scored_areas()
}

/// The unweighted mean of the area scores, when enough of them are scored
/// ([`enough_areas`]); `None` otherwise.
pub fn index_of(
    inst: &Instrument,
    area_means: impl IntoIterator<Item = Option<f64>>,
) -> Option<f64> {
    let scored: Vec<f64> = area_means.into_iter().flatten().collect();
    if enough_areas(inst, scored.len()) {
        mean(scored)
    } else {
        None
    }
}

/// The rule in one sentence, said once under a table where some index is missing (each such
/// cell says [`crate::fmt::NO_INDEX`]): `Inget index: färre än 3 av 5 delmål har tillräckligt
/// många svar.`
pub fn no_index_rule(inst: &Instrument) -> String {
    format!(
        "Inget index: färre än {} av {} delmål har tillräckligt många svar.",
        inst.min_scored_areas(),
        inst.areas.len()
    )
}

/// Why a result has no overall index when `scored` of its areas are scored, said once where
/// the index would stand: `Inget index: bara 1 av 5 delmål har tillräckligt många svar; index
/// kräver minst 3.`
pub fn no_index_reason(inst: &Instrument, scored: usize) -> String {
    let (n, k) = (inst.areas.len(), inst.min_scored_areas());
    let have = if scored == 0 {
        format!("inget av de {n} delmålen har")
    } else {
        format!("bara {scored} av {n} delmål har")
    };
    format!("Inget index: {have} tillräckligt många svar; index kräver minst {k}.")
}

/// Whether `answered` of `total` statements are enough to score an area.
pub fn enough_answered(inst: &Instrument, answered: usize, total: usize) -> bool {
    total > 0 && answered as f64 + 1e-9 >= inst.scoring.min_answered_share * total as f64
}

/// The fewest answers on the scale that let an area of `total` statements be scored.
pub fn min_answered(inst: &Instrument, total: usize) -> usize {
    (1..=total)
        .find(|&n| enough_answered(inst, n, total))
        .unwrap_or(total)
}

/// Scores a set of values.
pub fn score(inst: &Instrument, values: &Values) -> Scores {
    let areas: Vec<AreaScore> = inst
        .areas
        .iter()
        .map(|area| {
            let mut sum = 0.0;
            let (mut answered, mut na) = (0, 0);
            for st in &area.statements {
                match values.get(&st.id) {
                    Some(Value::Scored(v)) => {
                        sum += v;
                        answered += 1;
                    }
                    Some(Value::NotApplicable) => na += 1,
                    None => {}
                }
            }
            let total = area.statements.len();
            let mean = (answered > 0 && enough_answered(inst, answered, total))
                .then(|| sum / answered as f64);
            AreaScore {
                area: area.id.clone(),
                total,
                answered,
                not_applicable: na,
                mean,
                percent: mean.map(|m| inst.percent(m)),
                band: mean.map(|m| inst.band(m).id.clone()),
            }
        })
        .collect();
    let overall = index_of(inst, areas.iter().map(|a| a.mean));
    let (top, bottom) = highlights(inst, values);
    Scores {
        areas,
        overall,
        overall_percent: overall.map(|m| inst.percent(m)),
        top,
        bottom,
    }
}

/// Scores one form's answers.
pub fn score_answers(inst: &Instrument, set: &AnswerSet) -> Scores {
    score(inst, &values_of(set))
}

/// The highest and the lowest scored statements ([`crate::ScoringSettings::highlights`] of
/// each). Ties keep instrument order; a statement is never both.
pub fn highlights(inst: &Instrument, values: &Values) -> (Vec<Highlight>, Vec<Highlight>) {
    let scored: Vec<Highlight> = inst
        .statements()
        .filter_map(|(a, s)| {
            values
                .get(&s.id)
                .and_then(|v| v.scored())
                .map(|value| Highlight {
                    statement: s.id.clone(),
                    area: a.id.clone(),
                    value,
                })
        })
        .collect();
    let n = inst.scoring.highlights;
    let mut desc = scored.clone();
    desc.sort_by(|a, b| b.value.total_cmp(&a.value)); // stable: ties keep instrument order
    // Copied out rather than collected in place: a unit's scores are kept for every unit of
    // two rounds, and an in-place collect would keep room for every statement (at 10,000 units
    // about 35 MB more).
    let top: Vec<Highlight> = desc.iter().take(n).cloned().collect();
    let mut asc: Vec<Highlight> = scored
        .into_iter()
        .filter(|h| !top.iter().any(|t| t.statement == h.statement))
        .collect();
    asc.sort_by(|a, b| a.value.total_cmp(&b.value));
    asc.truncate(n);
    asc.shrink_to_fit();
    (top, asc)
}

/// The direction of a change between two rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Up by at least the threshold.
    Up,
    /// Down by at least the threshold.
    Down,
    /// Less than the threshold either way ("oförändrad").
    Unchanged,
}

impl Direction {
    /// The Swedish word.
    pub fn label(self) -> &'static str {
        match self {
            Self::Up => "förbättrad",
            Self::Down => "försämrad",
            Self::Unchanged => "oförändrad",
        }
    }
    /// An arrow for tables (always beside the word or value, never alone).
    pub fn arrow(self) -> &'static str {
        match self {
            Self::Up => "↑",
            Self::Down => "↓",
            Self::Unchanged => "→",
        }
    }
}

/// A change since the previous round.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// Current minus previous, on the scale.
    pub delta: f64,
    /// Up, down or unchanged under the threshold.
    pub direction: Direction,
}

impl Change {
    /// The arrow and the change, for a cell or a line: `↑ +0,50`, `↓ −0,25`, `→ +0,10`.
    pub fn short(&self) -> String {
        format!(
            "{} {}",
            self.direction.arrow(),
            crate::fmt::delta(self.delta, 2)
        )
    }
}

/// The change from `previous` to `current`; `None` unless both are scored.
pub fn change(inst: &Instrument, previous: Option<f64>, current: Option<f64>) -> Option<Change> {
    let (p, c) = (previous?, current?);
    let delta = c - p;
    // Compare with a little slack so that 0.25 computed as 3.25 - 3.0 counts as 0.25.
    let direction = if delta.abs() + 1e-9 < inst.scoring.change_threshold {
        Direction::Unchanged
    } else if delta > 0.0 {
        Direction::Up
    } else {
        Direction::Down
    };
    Some(Change { delta, direction })
}

/// The arithmetic mean; `None` for no values.
pub fn mean(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (mut sum, mut n) = (0.0, 0usize);
    for v in values {
        sum += v;
        n += 1;
    }
    (n > 0).then(|| sum / n as f64)
}

/// The median (the mean of the two middle values for an even count); `None` for no values.
pub fn median(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let mut v: Vec<f64> = values.into_iter().collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    })
}

/// Mean, median, min and max of a set of numbers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// How many numbers.
    pub n: usize,
    /// The mean.
    pub mean: f64,
    /// The median.
    pub median: f64,
    /// The lowest.
    pub min: f64,
    /// The highest.
    pub max: f64,
}

/// The [`Stats`] of some numbers; `None` for none.
pub fn stats(values: impl IntoIterator<Item = f64>) -> Option<Stats> {
    let v: Vec<f64> = values.into_iter().collect();
    Some(Stats {
        n: v.len(),
        mean: mean(v.iter().copied())?,
        median: median(v.iter().copied())?,
        min: v.iter().copied().fold(f64::INFINITY, f64::min),
        max: v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::Answer::{Level, NotApplicable};

    fn set(pairs: &[(&str, Answer)]) -> AnswerSet {
        AnswerSet {
            answers: pairs
                .iter()
                .map(|(k, a)| (StatementId::parse(k).unwrap(), *a))
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn an_area_is_the_mean_of_its_answered_statements() {
        let i = Instrument::dalarna();
        // D2 has five statements; answer four, one of them "vet ej".
        let s = score_answers(
            &i,
            &set(&[
                ("D2.1", Level(4)),
                ("D2.2", Level(3)),
                ("D2.3", Level(2)),
                ("D2.4", NotApplicable),
            ]),
        );
        let d2 = &s.areas[1];
        assert_eq!((d2.total, d2.answered, d2.not_applicable), (5, 3, 1));
        assert_eq!(d2.mean, Some(3.0));
        assert!((d2.percent.unwrap() - 200.0 / 3.0).abs() < 1e-9);
        assert_eq!(d2.band.as_deref(), Some("styrka"));
        assert_eq!(
            s.overall, None,
            "only D2 is scored: too few areas for an index"
        );
    }

    #[test]
    fn too_few_answers_is_none_never_zero() {
        let i = Instrument::dalarna();
        // D2: 2 of 5 answered is under half; 3 of 5 is enough. D1: 3 of 6 is exactly half.
        let two = score_answers(
            &i,
            &set(&[
                ("D2.1", Level(1)),
                ("D2.2", Level(1)),
                ("D2.3", NotApplicable),
            ]),
        );
        assert_eq!(two.areas[1].mean, None);
        assert_eq!(two.areas[1].percent, None);
        assert_eq!(two.areas[1].band, None);
        assert_eq!(two.overall, None);
        let half = score_answers(
            &i,
            &set(&[("D1.1", Level(1)), ("D1.2", Level(2)), ("D1.6", Level(3))]),
        );
        assert_eq!(half.areas[0].mean, Some(2.0));
        assert_eq!(half.areas[0].band.as_deref(), Some("pa-vag"));
    }

    #[test]
    fn the_overall_index_is_the_unweighted_mean_of_scored_areas() {
        let i = Instrument::dalarna();
        let mut pairs = vec![];
        for (a, v) in [("D1", 1), ("D2", 2), ("D3", 4)] {
            for st in &i.area(&AreaId::parse(a).unwrap()).unwrap().statements {
                pairs.push((st.id.to_string(), Level(v)));
            }
        }
        let pairs: Vec<(&str, Answer)> = pairs.iter().map(|(k, a)| (k.as_str(), *a)).collect();
        let s = score_answers(&i, &set(&pairs));
        // D1 has 6 statements and D3 5, but each area counts once: (1 + 2 + 4) / 3.
        assert_eq!(s.overall, Some(7.0 / 3.0));
        assert_eq!(s.overall_percent, Some(i.percent(7.0 / 3.0)));
    }

    fn whole_areas(i: &Instrument, areas: &[(&str, u8)]) -> AnswerSet {
        let mut set = AnswerSet::default();
        for (a, v) in areas {
            for st in &i.area(&AreaId::parse(a).unwrap()).unwrap().statements {
                set.answers.insert(st.id.clone(), Level(*v));
            }
        }
        set
    }

    #[test]
    fn no_index_from_fewer_areas_than_the_instrument_requires() {
        let mut i = Instrument::dalarna();
        assert_eq!(i.min_scored_areas(), 3);
        // Issue 15: 8 of 27 answered, all 1: D1 (6 of 6) is scored, D2 (2 of 5) is not.
        let mut eight = whole_areas(&i, &[("D1", 1)]);
        for k in ["D2.1", "D2.2"] {
            eight
                .answers
                .insert(StatementId::parse(k).unwrap(), Level(1));
        }
        let s = score_answers(&i, &eight);
        assert_eq!(
            s.areas[0].mean,
            Some(1.0),
            "the area itself is still scored"
        );
        assert_eq!(
            (s.areas_scored(), s.overall, s.overall_percent),
            (1, None, None)
        );
        assert!(s.is_scored());
        assert_eq!(
            s.no_index(&i).as_deref(),
            Some(
                "Inget index: bara 1 av 5 delmål har tillräckligt många svar; index kräver minst 3."
            )
        );
        let two = score_answers(&i, &whole_areas(&i, &[("D1", 1), ("D5", 4)]));
        assert_eq!((two.areas_scored(), two.overall), (2, None));
        let three_set = whole_areas(&i, &[("D1", 1), ("D3", 2), ("D5", 4)]);
        let three = score_answers(&i, &three_set);
        assert_eq!((three.areas_scored(), three.overall), (3, Some(7.0 / 3.0)));
        assert_eq!(three.no_index(&i), None);
        let none = score_answers(&i, &AnswerSet::default());
        assert!(!none.is_scored());
        assert_eq!(
            none.no_index(&i).as_deref(),
            Some(
                "Inget index: inget av de 5 delmålen har tillräckligt många svar; index kräver minst 3."
            )
        );
        // The number is the instrument's: one area is enough at 1, every area is needed at 5.
        i.scoring.min_scored_areas = Some(1);
        assert_eq!(score_answers(&i, &eight).overall, Some(1.0));
        assert_eq!(score_answers(&i, &AnswerSet::default()).overall, None);
        i.scoring.min_scored_areas = Some(5);
        assert_eq!(score_answers(&i, &three_set).overall, None);
        let all = whole_areas(&i, &[("D1", 1), ("D2", 2), ("D3", 3), ("D4", 4), ("D5", 4)]);
        assert_eq!(score_answers(&i, &all).overall, Some(2.8));
    }

    #[test]
    fn highlights_name_two_highest_and_two_lowest_without_overlap() {
        let i = Instrument::dalarna();
        let s = score_answers(
            &i,
            &set(&[
                ("D1.1", Level(2)),
                ("D1.2", Level(4)),
                ("D2.1", Level(1)),
                ("D3.1", Level(4)),
                ("D4.1", Level(3)),
            ]),
        );
        let ids = |h: &[Highlight]| {
            h.iter()
                .map(|h| h.statement.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&s.top), ["D1.2", "D3.1"]);
        assert_eq!(ids(&s.bottom), ["D2.1", "D1.1"]);
        let few = score_answers(
            &i,
            &set(&[("D1.1", Level(2)), ("D1.2", Level(4)), ("D2.1", Level(1))]),
        );
        assert_eq!(ids(&few.top), ["D1.2", "D1.1"]);
        assert_eq!(ids(&few.bottom), ["D2.1"]);
    }

    #[test]
    fn change_under_the_threshold_is_unchanged() {
        let i = Instrument::dalarna();
        assert_eq!(
            change(&i, Some(3.0), Some(3.2)).unwrap().direction,
            Direction::Unchanged
        );
        assert_eq!(
            change(&i, Some(3.0), Some(2.8)).unwrap().direction,
            Direction::Unchanged
        );
        assert_eq!(
            change(&i, Some(3.0), Some(3.25)).unwrap().direction,
            Direction::Up
        );
        assert_eq!(
            change(&i, Some(3.0), Some(2.75)).unwrap().direction,
            Direction::Down
        );
        assert_eq!(change(&i, None, Some(3.0)), None);
        assert_eq!(change(&i, Some(3.0), None), None);
    }

    #[test]
    fn median_and_stats() {
        assert_eq!(median([3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median([4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(std::iter::empty()), None);
        let s = stats([1.0, 4.0, 2.0]).unwrap();
        assert_eq!(
            (s.n, s.mean, s.median, s.min, s.max),
            (3, 7.0 / 3.0, 2.0, 1.0, 4.0)
        );
    }
}
