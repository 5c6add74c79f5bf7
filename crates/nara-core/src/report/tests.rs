//! Unit tests of the questions a view asks of a report: the organisations' spread on a
//! statement, the counts, the notes, and which change a trend shows.

use super::*;
use crate::answer::Answer::{self, Level, NotApplicable};
use crate::answer::AnswerSet;
use crate::ids::{OrgCode, UnitName};
use crate::org::Organisations;
use crate::round::RoundStatus;
use crate::scoring::Direction;

fn round(id: &str, status: RoundStatus) -> Round {
    Round {
        id: RoundId::parse(id).unwrap(),
        instrument_id: "dalarna-gnv".into(),
        instrument_version: "2026.1".into(),
        status,
        opens: None,
        closes: None,
    }
}

/// One form: organisation, unit, rater (`samsyn` for a consensus answer) and its answers.
fn form(r: &Round, org: &str, unit: &str, rater: &str, set: AnswerSet) -> Response {
    Response {
        round: r.id,
        org: OrgCode::parse(org).unwrap(),
        unit: UnitName::parse(unit).unwrap(),
        rater: if rater == "samsyn" { "" } else { rater }.into(),
        participants: String::new(),
        date: String::new(),
        instrument_id: r.instrument_id.clone(),
        instrument_version: r.instrument_version.clone(),
        consensus: rater == "samsyn",
        set,
    }
}

fn set(pairs: &[(&str, Answer)]) -> AnswerSet {
    AnswerSet {
        answers: pairs
            .iter()
            .map(|(k, a)| (StatementId::parse(k).unwrap(), *a))
            .collect(),
        ..Default::default()
    }
}

/// Every statement of the areas in `areas` answered `v`.
fn areas(inst: &Instrument, areas: &[&str], v: u8) -> AnswerSet {
    let mut s = AnswerSet::default();
    for a in &inst.areas {
        if areas.contains(&a.id.as_str()) {
            for st in &a.statements {
                s.answers.insert(st.id.clone(), Level(v));
            }
        }
    }
    s
}

/// A round's data from its forms.
fn data<'a>(r: &'a Round, inst: &'a Instrument, responses: &'a [Response]) -> RoundData<'a> {
    RoundData {
        round: r,
        instrument: inst,
        forms: responses
            .iter()
            .map(|response| Form {
                response,
                stored_at: 0,
                source: "test",
            })
            .collect(),
    }
}

fn report(r: &Round, inst: &Instrument, responses: &[Response]) -> RoundReport {
    let orgs = Organisations::dalarna().organisations;
    round_report(&data(r, inst, responses), None, &orgs, None)
}

fn sid(s: &str) -> StatementId {
    StatementId::parse(s).unwrap()
}

#[test]
fn the_spread_on_a_statement_is_over_organisation_means() {
    let i = Instrument::dalarna();
    let r = round("2026", RoundStatus::Open);
    let rep = report(
        &r,
        &i,
        &[
            // Vansbro: two units, 1 and 4 on D1.1 (organisation mean 2.5); "vet ej" on D1.2.
            form(&r, "2021", "Hemtjänst", "", set(&[("D1.1", Level(1))])),
            form(
                &r,
                "2021",
                "Skolan",
                "",
                set(&[("D1.1", Level(4)), ("D1.2", NotApplicable)]),
            ),
            // Malung-Sälen: two raters of one unit, 3 and 4 (median 3.5).
            form(&r, "2023", "Vården", "Anna", set(&[("D1.1", Level(3))])),
            form(
                &r,
                "2023",
                "Vården",
                "Bo",
                set(&[("D1.1", Level(4)), ("D1.2", Level(2))]),
            ),
        ],
    );
    let s = rep.statement_spread(&sid("D1.1")).unwrap();
    assert_eq!((s.min, s.max, s.n), (2.5, 3.5, 2), "each organisation once");
    assert_eq!(s.mean, 3.0);
    // "Vet ej" leaves Vansbro out: one organisation has a scored mean on D1.2.
    let d12 = rep.statement_spread(&sid("D1.2")).unwrap();
    assert_eq!((d12.min, d12.max, d12.n), (2.0, 2.0, 1));
    // Nobody answered D1.3.
    assert_eq!(rep.statement_spread(&sid("D1.3")), None);
    assert_eq!(rep.unit_count(), 3);
    assert_eq!(rep.forms, 4);
}

#[test]
fn raters_in_words() {
    let i = Instrument::dalarna();
    let r = round("2026", RoundStatus::Closed);
    let one = set(&[("D1.1", Level(3))]);
    let rep = report(
        &r,
        &i,
        &[
            form(&r, "2021", "Ensam", "", one.clone()),
            form(&r, "2021", "Person", "Anna", one.clone()),
            form(&r, "2021", "Två", "Anna", one.clone()),
            form(&r, "2021", "Två", "Bo", one.clone()),
            form(&r, "2021", "Samsyn", "Anna", one.clone()),
            form(&r, "2021", "Samsyn", "Bo", one.clone()),
            form(&r, "2021", "Samsyn", "samsyn", one),
        ],
    );
    let o = rep.org("2021").unwrap();
    let words: Vec<(String, usize, String)> = o
        .units
        .iter()
        .map(|u| (u.name.to_string(), u.named_raters(), u.raters_text()))
        .collect();
    let w = |n: &str, k: usize, t: &str| (n.to_string(), k, t.to_string());
    assert_eq!(
        words,
        [
            w("Ensam", 0, ""),
            w("Person", 1, ""),
            w("Samsyn", 2, "2 + samsyn"),
            w("Två", 2, "2"),
        ]
    );
}

#[test]
fn the_preliminary_note_follows_the_round() {
    let i = Instrument::dalarna();
    let open = round("2026", RoundStatus::Open);
    let rep = report(&open, &i, &[]);
    assert!(rep.preliminary());
    assert_eq!(
        rep.preliminary_note().as_deref(),
        Some("PRELIMINÄRT – omgång 2026 är öppen och siffrorna kan ändras.")
    );
    let published = report(&round("2026", RoundStatus::Published), &i, &[]);
    assert!(!published.preliminary());
    assert_eq!(published.preliminary_note(), None);
}

#[test]
fn an_index_note_only_where_an_index_is_missing() {
    let i = Instrument::dalarna();
    let r = round("2026", RoundStatus::Closed);
    let all = ["D1", "D2", "D3", "D4", "D5"];
    // Nobody answered: no table, no note.
    assert_eq!(report(&r, &i, &[]).county_no_index_note(&i), None);
    // Every organisation and unit has an index: no note anywhere.
    let full = report(&r, &i, &[form(&r, "2021", "A", "", areas(&i, &all, 3))]);
    assert_eq!(full.county_no_index_note(&i), None);
    let o = full.org("2021").unwrap();
    assert_eq!(o.no_index_note(&i, Some(&full.county)), None);
    // One unit without an index in an organisation that has one: the rule, once.
    let mixed = report(
        &r,
        &i,
        &[
            form(&r, "2021", "A", "", areas(&i, &all, 3)),
            form(&r, "2021", "B", "", areas(&i, &["D1"], 2)),
            form(&r, "2023", "C", "", areas(&i, &["D1"], 2)),
        ],
    );
    let rule = crate::scoring::no_index_rule(&i);
    let o = mixed.org("2021").unwrap();
    assert!(o.scores.overall.is_some());
    assert_eq!(o.no_index_note(&i, None), Some(rule.clone()));
    // Malung-Sälen has no index: its own reason comes first.
    let ms = mixed.org("2023").unwrap();
    assert_eq!(ms.no_index_note(&i, None), ms.scores.no_index(&i));
    assert!(ms.no_index_note(&i, None).unwrap().contains("bara 1 av 5"));
    // The county has an index (from Vansbro), but Malung-Sälen has none: the rule.
    assert_eq!(mixed.county_no_index_note(&i), Some(rule.clone()));
    // No organisation with an index: the county's own reason.
    let none = report(&r, &i, &[form(&r, "2021", "B", "", areas(&i, &["D1"], 2))]);
    assert_eq!(none.county_no_index_note(&i), none.county.no_index(&i));
    assert!(none.county_no_index_note(&i).is_some());
    // An organisation whose units all have an index says the rule only when the county it is
    // shown beside has none.
    let mut no_county = full.county.clone();
    no_county.overall = None;
    let o = full.org("2021").unwrap();
    assert_eq!(o.no_index_note(&i, Some(&no_county)), Some(rule));
    assert_eq!(o.no_index_note(&i, None), None);
}

#[test]
fn a_trend_shows_the_change_over_its_last_two_rounds() {
    let i = Instrument::dalarna();
    let up = trend_change(&i, &[Some(1.0), Some(2.0), Some(3.0)]).unwrap();
    assert_eq!((up.delta, up.direction), (1.0, Direction::Up));
    let same = trend_change(&i, &[Some(3.0), Some(3.1)]).unwrap();
    assert_eq!(same.direction, Direction::Unchanged);
    // Never across a gap, and not from one round alone.
    assert_eq!(trend_change(&i, &[Some(2.0), None, Some(3.0)]), None);
    assert_eq!(trend_change(&i, &[Some(2.0), None]), None);
    assert_eq!(trend_change(&i, &[Some(2.0)]), None);
    assert_eq!(trend_change(&i, &[]), None);
}

#[test]
fn the_previous_round_is_found_in_a_trend() {
    let i = Instrument::dalarna();
    let (r24, r25, r26) = (
        round("2024", RoundStatus::Published),
        round("2025", RoundStatus::Published),
        round("2026", RoundStatus::Open),
    );
    let f24 = [form(&r24, "2021", "A", "", areas(&i, &["D1"], 1))];
    let f25 = [form(&r25, "2021", "A", "", areas(&i, &["D1"], 2))];
    let f26 = [form(&r26, "2021", "A", "", areas(&i, &["D1"], 4))];
    let (d24, d25, d26) = (
        data(&r24, &i, &f24),
        data(&r25, &i, &f25),
        data(&r26, &i, &f26),
    );
    let orgs = Organisations::dalarna().organisations;
    let rep = round_report(&d26, Some(&d25), &orgs, None);
    let t = trend(&[d24.clone(), d25.clone(), d26.clone()]);
    let prev = rep.previous_in(&t).unwrap();
    assert_eq!(
        prev.round.to_string(),
        "2025",
        "the compared round, not the oldest"
    );
    assert_eq!(prev.organisations["2021"].areas[0].mean, Some(2.0));
    // A trend that leaves the previous round out, or a report with none, finds nothing.
    assert!(
        rep.previous_in(&trend(&[d24.clone(), d26.clone()]))
            .is_none()
    );
    let first = round_report(&d24, None, &orgs, None);
    assert!(first.previous_in(&t).is_none());
}

#[test]
fn a_unit_new_this_round_is_marked_and_an_old_one_gets_its_index_change() {
    let inst = Instrument::dalarna();
    let all: Vec<&str> = inst.areas.iter().map(|a| a.id.as_str()).collect();
    let (r25, r26) = (
        round("2025", RoundStatus::Published),
        round("2026", RoundStatus::Open),
    );
    let before = [form(&r25, "2080", "Hemtjänst", "", areas(&inst, &all, 2))];
    let now = [
        form(&r26, "2080", "Hemtjänst", "", areas(&inst, &all, 3)),
        form(&r26, "2080", "Mobila teamet", "", areas(&inst, &all, 3)),
    ];
    let orgs = Organisations::dalarna().organisations;
    let rep = round_report(
        &data(&r26, &inst, &now),
        Some(&data(&r25, &inst, &before)),
        &orgs,
        None,
    );
    let units = &rep.org("2080").unwrap().units;
    let old = units
        .iter()
        .find(|u| u.name.as_str() == "Hemtjänst")
        .unwrap();
    let new = units
        .iter()
        .find(|u| u.name.as_str() == "Mobila teamet")
        .unwrap();
    assert!(!old.new_this_round && new.new_this_round);
    let c = old.overall_change.unwrap();
    assert!(
        (c.delta - 1.0).abs() < 1e-9 && c.direction == Direction::Up,
        "{c:?}"
    );
    assert!(new.overall_change.is_none());
    // Without a previous round nothing is "new".
    let first = round_report(&data(&r26, &inst, &now), None, &orgs, None);
    assert!(
        first
            .org("2080")
            .unwrap()
            .units
            .iter()
            .all(|u| !u.new_this_round)
    );
}
