//! Property tests of the scoring invariants, on both the default and the second county's
//! instrument.

use nara_core::instrument::Instrument;
use nara_core::rollup::{county_summary, roll_up_unit, score_org, score_unit};
use nara_core::scoring::{enough_answered, score, score_answers, values_of};
use nara_core::{Answer, AnswerSet};
use proptest::prelude::*;

use crate::other_county::fyrbodal;

fn instruments() -> Vec<Instrument> {
    vec![Instrument::dalarna(), fyrbodal()]
}

/// One answer per statement: blank, not applicable or a level of the scale.
fn answer_set(inst: &Instrument) -> impl Strategy<Value = AnswerSet> + use<> {
    let ids: Vec<_> = inst.statements().map(|(_, s)| s.id.clone()).collect();
    let levels: Vec<u8> = inst.scale().levels.iter().map(|l| l.value).collect();
    let one = prop_oneof![
        2 => Just(None),
        1 => Just(Some(Answer::NotApplicable)),
        5 => proptest::sample::select(levels).prop_map(|v| Some(Answer::Level(v))),
    ];
    proptest::collection::vec(one, ids.len()).prop_map(move |answers| AnswerSet {
        answers: ids
            .iter()
            .cloned()
            .zip(answers)
            .filter_map(|(id, a)| a.map(|a| (id, a)))
            .collect(),
        ..Default::default()
    })
}

fn inst_and_set() -> impl Strategy<Value = (Instrument, AnswerSet)> {
    (0..2usize).prop_flat_map(|k| {
        let inst = instruments().swap_remove(k);
        answer_set(&inst).prop_map(move |s| (inst.clone(), s))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_score_is_always_within_the_scale((inst, set) in inst_and_set()) {
        let (min, max) = (inst.scale_min(), inst.scale_max());
        let s = score_answers(&inst, &set);
        for a in &s.areas {
            if let Some(m) = a.mean {
                prop_assert!(m >= min && m <= max, "{} = {m}", a.area);
                let p = a.percent.unwrap();
                prop_assert!((0.0..=100.0).contains(&p));
            }
        }
        if let Some(o) = s.overall {
            prop_assert!(o >= min && o <= max);
        }
    }

    #[test]
    fn answering_not_applicable_never_changes_a_mean((inst, set) in inst_and_set()) {
        let before = score_answers(&inst, &set);
        let mut more = set.clone();
        for (_, st) in inst.statements() {
            more.answers.entry(st.id.clone()).or_insert(Answer::NotApplicable);
        }
        let after = score_answers(&inst, &more);
        for (b, a) in before.areas.iter().zip(&after.areas) {
            prop_assert_eq!(b.mean, a.mean);
            prop_assert_eq!(b.answered, a.answered);
        }
        prop_assert_eq!(before.overall, after.overall);
    }

    #[test]
    fn permuting_statements_changes_nothing((inst, set) in inst_and_set(), seed in any::<u64>()) {
        let mut parts = inst.clone().into_parts();
        let mut state = seed | 1;
        for area in &mut parts.areas {
            // A small deterministic shuffle (xorshift), so the test needs no extra crate.
            for i in (1..area.statements.len()).rev() {
                state ^= state << 13; state ^= state >> 7; state ^= state << 17;
                let j = (state % (i as u64 + 1)) as usize;
                area.statements.swap(i, j);
            }
        }
        let shuffled = Instrument::from_parts(parts).unwrap();
        let a = score_answers(&inst, &set);
        let b = score_answers(&shuffled, &set);
        for (x, y) in a.areas.iter().zip(&b.areas) {
            prop_assert_eq!(x.mean, y.mean);
        }
        prop_assert_eq!(a.overall, b.overall);
    }

    #[test]
    fn an_area_is_scored_exactly_when_enough_is_answered((inst, set) in inst_and_set()) {
        let s = score_answers(&inst, &set);
        for (area, sc) in inst.areas().iter().zip(&s.areas) {
            let answered = area.statements.iter().filter(|st| matches!(set.get(&st.id), Some(Answer::Level(_)))).count();
            let needed = (inst.scoring().min_answered_share * area.statements.len() as f64).ceil() as usize;
            prop_assert_eq!(sc.answered, answered);
            prop_assert_eq!(sc.mean.is_some(), answered >= needed.max(1));
            prop_assert_eq!(sc.mean.is_some(), answered > 0 && enough_answered(&inst, answered, area.statements.len()));
        }
    }

    #[test]
    fn the_index_is_there_exactly_when_enough_areas_are_scored((inst, set) in inst_and_set()) {
        let s = score_answers(&inst, &set);
        let scored: Vec<f64> = s.areas.iter().filter_map(|a| a.mean).collect();
        // Both instruments ask for half of their areas, rounded up: Dalarna says so (3 of 5),
        // the second county leaves it to the default (2 of 3).
        let needed = inst.areas().len().div_ceil(2);
        prop_assert_eq!(inst.min_scored_areas(), needed);
        match s.overall {
            Some(o) => {
                prop_assert!(scored.len() >= needed);
                let m = scored.iter().sum::<f64>() / scored.len() as f64;
                prop_assert!((o - m).abs() < 1e-12);
                prop_assert_eq!(s.no_index(&inst), None);
            }
            None => {
                prop_assert!(scored.len() < needed);
                let why = s.no_index(&inst).unwrap();
                prop_assert!(why.starts_with("Inget index: "), "{}", why);
                let need = format!("index kräver minst {needed}.");
                prop_assert!(why.ends_with(&need), "{}", why);
            }
        }
        // An organisation of this one unit shows the same index.
        let org = score_org(&inst, &[&score_unit(&inst, &[&set], None)]);
        prop_assert_eq!(org.overall, s.overall);
    }

    #[test]
    fn one_rater_rolls_up_to_their_own_answers((inst, set) in inst_and_set()) {
        let u = roll_up_unit(&inst, &[&set], None);
        prop_assert_eq!(&u.values, &values_of(&set));
        prop_assert_eq!(u.disagreements(), 0);
        prop_assert_eq!(score(&inst, &u.values), score_answers(&inst, &set));
    }

    #[test]
    fn a_unit_median_lies_within_its_raters((inst, sets) in (0..2usize).prop_flat_map(|k| {
        let inst = instruments().swap_remove(k);
        proptest::collection::vec(answer_set(&inst), 1..6).prop_map(move |v| (inst.clone(), v))
    })) {
        let refs: Vec<&AnswerSet> = sets.iter().collect();
        let u = roll_up_unit(&inst, &refs, None);
        for ag in &u.agreement {
            if let (Some(m), Some(lo), Some(hi)) = (ag.median, ag.min, ag.max) {
                prop_assert!(lo <= m && m <= hi);
            }
        }
        // A consensus on every statement decides every value.
        let consensus = sets[0].clone();
        let c = roll_up_unit(&inst, &refs, Some(&consensus));
        for (id, a) in &consensus.answers {
            prop_assert_eq!(c.values[id], nara_core::scoring::Value::from(*a));
        }
    }

    #[test]
    fn organisation_and_county_lie_within_their_parts((inst, sets) in (0..2usize).prop_flat_map(|k| {
        let inst = instruments().swap_remove(k);
        proptest::collection::vec(answer_set(&inst), 1..8).prop_map(move |v| (inst.clone(), v))
    })) {
        let units: Vec<_> = sets.iter().map(|s| score_unit(&inst, &[s], None)).collect();
        let half = units.len().div_ceil(2);
        let a = score_org(&inst, &units[..half].iter().collect::<Vec<_>>());
        let b = score_org(&inst, &units[half..].iter().collect::<Vec<_>>());
        for o in [&a, &b] {
            for oa in &o.areas {
                if let Some(m) = oa.mean {
                    prop_assert!(oa.unit_min.unwrap() - 1e-12 <= m && m <= oa.unit_max.unwrap() + 1e-12);
                }
            }
        }
        let c = county_summary(&inst, &[&a, &b]);
        for ca in &c.areas {
            if let Some(s) = ca.stats {
                prop_assert!(s.min - 1e-12 <= s.mean && s.mean <= s.max + 1e-12);
                prop_assert!(s.n <= 2);
            }
        }
    }
}
