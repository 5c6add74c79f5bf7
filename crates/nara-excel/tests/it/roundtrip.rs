//! Filling a generated form in the ways people do and importing it gives exactly the answers
//! put in.

use nara_core::{Answer, AnswerSet, AreaId, StatementId};
use nara_excel::{Filled, import_form};
use proptest::prelude::*;

use crate::support::{BACKGROUND, ctx, filled_form, typed_form};

fn answers_strategy() -> impl Strategy<Value = AnswerSet> {
    let inst = nara_core::Instrument::dalarna();
    let ids: Vec<StatementId> = inst.statements().map(|(_, s)| s.id.clone()).collect();
    let one = prop_oneof![2 => Just(None), 1 => Just(Some(Answer::NotApplicable)), 6 => (1u8..=4).prop_map(|v| Some(Answer::Level(v)))];
    proptest::collection::vec(one, ids.len()).prop_map(move |v| AnswerSet {
        answers: ids
            .iter()
            .cloned()
            .zip(v)
            .filter_map(|(k, a)| a.map(|a| (k, a)))
            .collect(),
        ..Default::default()
    })
}

#[test]
fn a_generated_form_round_trips_with_background_comments_and_notes() {
    let ctx = ctx();
    let mut answers = AnswerSet::default();
    answers
        .answers
        .insert(StatementId::parse("D1.1").unwrap(), Answer::Level(4));
    answers
        .answers
        .insert(StatementId::parse("D3.2").unwrap(), Answer::NotApplicable);
    answers.comments.insert(
        AreaId::parse("D2").unwrap(),
        "=HYPERLINK(\"http://x\")  <script>alert(1)</script>".into(),
    );
    answers.notes.insert(
        StatementId::parse("D1.1").unwrap(),
        "+46 70 – ringer tillbaka".into(),
    );
    let filled = Filled {
        unit: "Hemsjukvården  Norr".into(),
        rater: "Sjuksköterska".into(),
        participants: "Anna, Bo".into(),
        date: "2026-03-01".into(),
        consensus: false,
        answers: answers.clone(),
        ..Default::default()
    };
    let bytes = filled_form(&ctx, "2080", &filled);
    let r = import_form("falun.xlsx", &bytes, &ctx).unwrap();
    assert_eq!(r.set, answers, "answers, comments and notes verbatim");
    assert_eq!(r.org.as_str(), "2080");
    assert_eq!(r.round.to_string(), "2026");
    assert_eq!(r.unit.as_str(), "Hemsjukvården Norr");
    assert_eq!(
        (r.rater.as_str(), r.participants.as_str(), r.date.as_str()),
        ("Sjuksköterska", "Anna, Bo", "2026-03-01")
    );
    assert!(!r.consensus);
    assert_eq!(r.instrument_version, "2026.1");
}

#[test]
fn a_blank_form_is_refused_for_its_missing_unit_only() {
    let ctx = ctx();
    let inst = &ctx.instruments[0];
    let bytes = nara_excel::write_form(&nara_excel::FormSpec {
        instrument: inst,
        org: ctx.organisations.find("2080").unwrap(),
        round: &ctx.rounds[0],
        send_to: None,
    })
    .unwrap();
    let problems = import_form("blank.xlsx", &bytes, &ctx).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].cell.as_deref(), Some("B5"));
    assert!(
        problems[0].message.contains("Verksamhetens namn saknas"),
        "{problems:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn any_answer_set_round_trips(answers in answers_strategy(), consensus in any::<bool>()) {
        let ctx = ctx();
        let filled = Filled { unit: "Äldreomsorgen".into(), consensus, answers: answers.clone(), ..Default::default() };
        let r = import_form("f.xlsx", &filled_form(&ctx, "Mora", &filled), &ctx).unwrap();
        prop_assert_eq!(r.set, answers);
        prop_assert_eq!(r.consensus, consensus);
    }

    #[test]
    fn sloppy_spellings_and_a_reordered_table_import_the_same(answers in answers_strategy(), seed in any::<u64>()) {
        let ctx = ctx();
        let inst = &ctx.instruments[0];
        // How people type each answer, chosen per statement by the seed.
        let spell = |a: Answer, k: u64| -> String {
            match (a, k % 6) {
                (Answer::NotApplicable, 0) => "Vet ej".into(),
                (Answer::NotApplicable, 1) => " vet ej / ej aktuellt ".into(),
                (Answer::NotApplicable, _) => "Vet\u{a0}ej / ej aktuellt".into(),
                (Answer::Level(v), 0) => format!("{v}"),
                (Answer::Level(v), 1) => format!("{v},0"),
                (Answer::Level(v), 2) => format!("{v}.0"),
                (Answer::Level(v), 3) => format!("{v} - {}", inst.level_label(v).unwrap()),
                (Answer::Level(v), 4) => inst.level_label(v).unwrap().to_uppercase(),
                (Answer::Level(v), _) => format!("  {}\u{a0}", inst.level_label(v).unwrap()),
            }
        };
        let mut rows: Vec<(String, String)> = inst
            .statements()
            .enumerate()
            .map(|(i, (_, s))| {
                let id = if i % 3 == 0 { s.id.as_str().to_lowercase() } else { format!(" {} ", s.id) };
                (id, answers.get(&s.id).map(|a| spell(a, seed.rotate_left(i as u32))).unwrap_or_default())
            })
            .collect();
        rows.rotate_left((seed % 27) as usize);
        // Columns in another order: Svar first, then ID; the table further down.
        let table: Vec<Vec<&str>> = rows.iter().map(|(id, a)| vec![a.as_str(), "", id.as_str()]).collect();
        let bytes = typed_form(12, &["svar", "Kommentar ", "Id"], &table, &BACKGROUND);
        let r = import_form("typed.xlsx", &bytes, &ctx).unwrap();
        prop_assert_eq!(r.set.answers, answers.answers);
    }
}
