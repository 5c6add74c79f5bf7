//! Roll-up: from raters to a unit, from units to an organisation, from organisations to the
//! county, and the distribution of answers per statement.
//!
//! - A unit with several raters takes, per statement, the consensus answer when one is
//!   recorded, else the median of its raters' values; raters disagree on a statement when their
//!   ratings span `disagreement_steps` or more, highest minus lowest (two steps by default: 2
//!   and 4 disagree, 2 and 3 do not).
//! - An organisation's area score is the mean of its units' area scores (units with too few
//!   answers left out; each unit counts once). Its index is the mean of its area scores, shown
//!   when at least [`Instrument::min_scored_areas`] of them are scored, as for a unit.
//! - The county's area figures are the mean, median, min and max over organisations (each
//!   organisation counts once, whatever its number of units); its index figures are those of
//!   the organisations' indexes, so an organisation without an index is left out of them.

use serde::{Deserialize, Serialize};

use crate::answer::{Answer, AnswerSet};
use crate::ids::{AreaId, StatementId};
use crate::instrument::Instrument;
use crate::scoring::{self, Highlight, Scores, Stats, Value, Values, mean, median, stats};

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

/// How the answers to one statement are distributed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    /// The statement.
    pub statement: StatementId,
    /// How many chose each level, in scale order.
    pub levels: Vec<usize>,
    /// How many answered "vet ej / ej aktuellt".
    pub not_applicable: usize,
    /// How many left it blank.
    pub blank: usize,
    /// The mean of the levels given.
    pub mean: Option<f64>,
}

/// The distribution of every rating (each rater's form once) per statement.
pub fn distribution(inst: &Instrument, sets: &[&AnswerSet]) -> Vec<Distribution> {
    inst.statements()
        .map(|(_, st)| {
            let mut levels = vec![0; inst.scale.levels.len()];
            let (mut na, mut blank, mut sum, mut n) = (0, 0, 0.0, 0usize);
            for s in sets {
                match s.get(&st.id) {
                    Some(Answer::Level(v)) => {
                        if let Some(i) = inst.scale.levels.iter().position(|l| l.value == v) {
                            levels[i] += 1;
                            sum += f64::from(v);
                            n += 1;
                        }
                    }
                    Some(Answer::NotApplicable) => na += 1,
                    None => blank += 1,
                }
            }
            Distribution {
                statement: st.id.clone(),
                levels,
                not_applicable: na,
                blank,
                mean: (n > 0).then(|| sum / n as f64),
            }
        })
        .collect()
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
    fn sid(s: &str) -> StatementId {
        StatementId::parse(s).unwrap()
    }

    #[test]
    fn raters_roll_up_to_the_median_with_spread_and_disagreement() {
        let i = Instrument::dalarna();
        let a = set(&[
            ("D1.1", Level(1)),
            ("D1.2", Level(2)),
            ("D1.3", NotApplicable),
        ]);
        let b = set(&[
            ("D1.1", Level(4)),
            ("D1.2", Level(3)),
            ("D1.3", NotApplicable),
        ]);
        let c = set(&[("D1.1", Level(2)), ("D1.2", Level(3))]);
        let u = roll_up_unit(&i, &[&a, &b, &c], None);
        assert_eq!(u.values[&sid("D1.1")], Value::Scored(2.0));
        assert_eq!(u.values[&sid("D1.2")], Value::Scored(3.0));
        assert_eq!(u.values[&sid("D1.3")], Value::NotApplicable);
        assert!(!u.values.contains_key(&sid("D1.4")));
        let d11 = &u.agreement[0];
        assert_eq!((d11.min, d11.max, d11.rated), (Some(1.0), Some(4.0), 3));
        assert!(d11.disagreement, "1 to 4 spans three steps");
        assert!(!u.agreement[1].disagreement, "2 to 3 spans one step");
        assert_eq!(u.disagreements(), 1);
        // Two raters: the median is the mean of the two.
        let two = roll_up_unit(&i, &[&a, &b], None);
        assert_eq!(two.values[&sid("D1.1")], Value::Scored(2.5));
        assert!(two.agreement[0].disagreement, "1 and 4 span three steps");
    }

    #[test]
    fn raters_two_steps_apart_disagree() {
        let i = Instrument::dalarna();
        assert_eq!(i.scoring.disagreement_steps, 2.0);
        let two = set(&[("D1.1", Level(2)), ("D1.2", Level(2)), ("D1.3", Level(1))]);
        let four = set(&[("D1.1", Level(4)), ("D1.2", Level(3)), ("D1.3", Level(3))]);
        let u = roll_up_unit(&i, &[&two, &four], None);
        assert!(u.agreement[0].disagreement, "2 and 4 span two steps");
        assert!(!u.agreement[1].disagreement, "2 and 3 span one step");
        assert!(u.agreement[2].disagreement, "1 and 3 span two steps");
        // The median lies between them, one step from each: the spread decides, not the median.
        assert_eq!(u.agreement[0].median, Some(3.0));
        assert_eq!(u.disagreements(), 2);
        // Everyone giving the same answer is agreement, whatever the threshold.
        let mut any = i.clone();
        any.scoring.disagreement_steps = 0.0;
        assert!(!roll_up_unit(&any, &[&two, &two], None).agreement[0].disagreement);
        assert!(roll_up_unit(&any, &[&two, &four], None).agreement[1].disagreement);
        // A single rating, or none, never disagrees.
        assert!(!roll_up_unit(&i, &[&four], None).agreement[0].disagreement);
        assert!(!roll_up_unit(&i, &[&AnswerSet::default()], None).agreement[0].disagreement);
    }

    #[test]
    fn the_rule_in_words_follows_the_setting() {
        let mut s = crate::ScoringSettings::default();
        assert_eq!(s.disagreement_steps, 2.0, "the default is two steps");
        assert_eq!(s.disagreement_rule(), "två steg eller mer");
        s.disagreement_steps = 3.0;
        assert_eq!(s.disagreement_rule(), "tre steg eller mer");
        s.disagreement_steps = 1.5;
        assert_eq!(s.disagreement_rule(), "1,5 steg eller mer");
        s.disagreement_steps = 20.0;
        assert_eq!(s.disagreement_rule(), "20 steg eller mer");
        s.disagreement_steps = 0.0;
        assert_eq!(s.disagreement_rule(), "åt");
        assert!(s.disagree(1.0, 2.0) && !s.disagree(2.0, 2.0));
    }

    #[test]
    fn a_consensus_answer_overrides_the_raters() {
        let i = Instrument::dalarna();
        let a = set(&[("D1.1", Level(1)), ("D1.2", Level(2))]);
        let b = set(&[("D1.1", Level(4)), ("D1.2", Level(2))]);
        let cons = set(&[("D1.1", Level(3))]);
        let u = roll_up_unit(&i, &[&a, &b], Some(&cons));
        assert_eq!(u.values[&sid("D1.1")], Value::Scored(3.0));
        assert_eq!(
            u.values[&sid("D1.2")],
            Value::Scored(2.0),
            "no consensus: the median"
        );
        assert_eq!(u.agreement[0].consensus, Some(Level(3)));
        assert_eq!(
            u.disagreements(),
            0,
            "a settled disagreement is no longer open"
        );
        let na = set(&[("D1.1", NotApplicable)]);
        assert_eq!(
            roll_up_unit(&i, &[&a, &b], Some(&na)).values[&sid("D1.1")],
            Value::NotApplicable
        );
    }

    fn all(i: &Instrument, v: u8) -> AnswerSet {
        AnswerSet {
            answers: i
                .statements()
                .map(|(_, s)| (s.id.clone(), Level(v)))
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn an_organisation_is_the_mean_of_its_scored_units() {
        let i = Instrument::dalarna();
        let u1 = score_unit(&i, &[&all(&i, 4)], None);
        let u2 = score_unit(&i, &[&all(&i, 2)], None);
        // u3 answers only D1: it counts in D1 and nowhere else.
        let d1_only = set(&[("D1.1", Level(1)), ("D1.2", Level(1)), ("D1.3", Level(1))]);
        let u3 = score_unit(&i, &[&d1_only], None);
        let empty = score_unit(&i, &[&AnswerSet::default()], None);
        let o = score_org(&i, &[&u1, &u2, &u3, &empty]);
        assert_eq!(o.areas[0].mean, Some(7.0 / 3.0));
        assert_eq!(o.areas[0].units_scored, 3);
        assert_eq!(o.areas[1].mean, Some(3.0));
        assert_eq!(o.areas[1].units_scored, 2);
        assert_eq!(
            (o.areas[1].unit_min, o.areas[1].unit_max),
            (Some(2.0), Some(4.0))
        );
        assert_eq!(o.units, 4);
        assert_eq!(o.units_scored, 3);
        let overall = (7.0 / 3.0 + 3.0 * 4.0) / 5.0;
        assert!((o.overall.unwrap() - overall).abs() < 1e-12);
    }

    #[test]
    fn the_county_counts_each_organisation_once() {
        let i = Instrument::dalarna();
        let hi = score_unit(&i, &[&all(&i, 4)], None);
        let lo = score_unit(&i, &[&all(&i, 1)], None);
        // Org A has three units at 4, org B one unit at 1: the county mean is 2.5, not 3.25.
        let a = score_org(&i, &[&hi, &hi, &hi]);
        let b = score_org(&i, &[&lo]);
        let none = score_org(&i, &[]);
        let c = county_summary(&i, &[&a, &b, &none]);
        let d1 = &c.areas[0];
        let s = d1.stats.unwrap();
        assert_eq!(
            (s.mean, s.median, s.min, s.max, s.n),
            (2.5, 2.5, 1.0, 4.0, 2)
        );
        assert_eq!((d1.orgs_scored, d1.units_scored), (2, 4));
        assert_eq!(c.orgs_scored, 2);
        assert_eq!(c.units_scored, 4);
        assert_eq!(county_summary(&i, &[&none]).areas[0].stats, None);
    }

    fn areas(i: &Instrument, areas: &[(&str, u8)]) -> AnswerSet {
        let mut set = AnswerSet::default();
        for (a, v) in areas {
            for st in &i.area(&AreaId::parse(a).unwrap()).unwrap().statements {
                set.answers.insert(st.id.clone(), Level(*v));
            }
        }
        set
    }

    #[test]
    fn an_index_needs_enough_scored_areas_at_every_level() {
        let i = Instrument::dalarna();
        // Two units, neither with an index of its own (one and two areas scored)...
        let a = score_unit(&i, &[&areas(&i, &[("D1", 1)])], None);
        let b = score_unit(&i, &[&areas(&i, &[("D2", 4), ("D3", 4)])], None);
        assert_eq!((a.scores.overall, b.scores.overall), (None, None));
        // ...make an organisation with three scored areas: its index is the mean of the area
        // scores it shows, (1 + 4 + 4) / 3.
        let falun = score_org(&i, &[&a, &b]);
        assert_eq!(falun.areas_scored(), 3);
        assert_eq!(falun.overall, Some(3.0));
        assert_eq!(falun.overall_percent, Some(i.percent(3.0)));
        assert_eq!(falun.no_index(&i), None);
        assert_eq!(falun.units_scored, 2, "a unit scored in one area is scored");
        // An organisation with one such unit has two scored areas and no index.
        let mora = score_org(&i, &[&b]);
        assert_eq!((mora.areas_scored(), mora.overall), (2, None));
        assert_eq!(
            mora.no_index(&i).as_deref(),
            Some(
                "Inget index: bara 2 av 5 delmål har tillräckligt många svar; index kräver minst 3."
            )
        );
        // The county: its area figures count every scored organisation; its index figures only
        // the organisations with an index.
        let c = county_summary(&i, &[&falun, &mora]);
        assert_eq!(c.areas[1].stats.unwrap().n, 2);
        assert_eq!(c.areas[1].stats.unwrap().mean, 4.0);
        let o = c.overall.unwrap();
        assert_eq!((o.n, o.mean), (1, 3.0));
        assert_eq!(c.orgs_scored, 1, "organisations with an index");
        assert_eq!(c.no_index(&i), None);
        let none = county_summary(&i, &[&mora]);
        assert_eq!((none.overall, none.orgs_scored), (None, 0));
        assert_eq!(none.areas[1].stats.unwrap().mean, 4.0);
        assert_eq!(
            none.no_index(&i).as_deref(),
            Some(
                "Inget index för länet: ingen organisation har index (index kräver att minst 3 av 5 delmål har tillräckligt många svar)."
            )
        );
    }

    #[test]
    fn distribution_counts_levels_not_applicable_and_blanks() {
        let i = Instrument::dalarna();
        let a = set(&[("D1.1", Level(1)), ("D1.2", NotApplicable)]);
        let b = set(&[("D1.1", Level(4))]);
        let c = set(&[("D1.1", Level(4))]);
        let d = distribution(&i, &[&a, &b, &c]);
        assert_eq!(d.len(), i.statement_count());
        assert_eq!(d[0].levels, vec![1, 0, 0, 2]);
        assert_eq!(d[0].mean, Some(3.0));
        assert_eq!((d[1].not_applicable, d[1].blank, d[1].mean), (1, 2, None));
    }
}
