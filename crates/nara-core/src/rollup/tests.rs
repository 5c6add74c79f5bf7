//! Unit tests of the roll-up: raters to unit, units to organisation, organisations to county,
//! and the distribution.

use super::*;
use crate::answer::Answer::{self, Level, NotApplicable};
use crate::answer::AnswerSet;
use crate::ids::{AreaId, StatementId};
use crate::instrument::Instrument;
use crate::scoring::Value;

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

#[test]
fn the_spread_on_a_statement_counts_each_organisation_once() {
    let i = Instrument::dalarna();
    let u = |pairs: &[(&str, Answer)]| score_unit(&i, &[&set(pairs)], None);
    // A: two units at 1 and 4 on D1.1 (mean 2.5); B: one unit at 3; C: only "vet ej".
    let (a1, a2) = (u(&[("D1.1", Level(1))]), u(&[("D1.1", Level(4))]));
    let b1 = u(&[("D1.1", Level(3)), ("D1.2", Level(2))]);
    let c1 = u(&[("D1.1", NotApplicable)]);
    let (a, b, c) = (
        score_org(&i, &[&a1, &a2]),
        score_org(&i, &[&b1]),
        score_org(&i, &[&c1]),
    );
    let s = statement_spread(&[&a, &b, &c], &sid("D1.1")).unwrap();
    assert_eq!((s.n, s.min, s.max, s.mean), (2, 2.5, 3.0, 2.75));
    let d12 = statement_spread(&[&a, &b, &c], &sid("D1.2")).unwrap();
    assert_eq!((d12.n, d12.min, d12.max), (1, 2.0, 2.0));
    assert_eq!(statement_spread(&[&a, &b, &c], &sid("D1.3")), None);
    assert_eq!(statement_spread(&[&c], &sid("D1.1")), None);
    assert_eq!(statement_spread(&[], &sid("D1.1")), None);
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
        Some("Inget index: bara 2 av 5 delmål har tillräckligt många svar; index kräver minst 3.")
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
