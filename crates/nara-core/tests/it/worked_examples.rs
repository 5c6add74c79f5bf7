//! Every example of `docs/scoring.md`, as a test. `every_example_has_a_test` keeps the page and
//! this file in step.

use nara_core::instrument::Instrument;
use nara_core::rollup::{county_summary, roll_up_unit, score_org, score_unit};
use nara_core::scoring::{Direction, Value, change, score_answers};
use nara_core::{AreaId, StatementId, fmt};

use crate::support::{answers, r2, whole_area};

const DOC: &str = include_str!("../../../../docs/scoring.md");
const THIS: &str = include_str!("worked_examples.rs");

fn area(id: &str) -> AreaId {
    AreaId::parse(id).unwrap()
}
fn sid(id: &str) -> StatementId {
    StatementId::parse(id).unwrap()
}

#[test]
fn every_example_has_a_test() {
    let mut n = 0;
    for line in DOC.lines() {
        if let Some(rest) = line.strip_prefix("### Exempel ") {
            let num: String = rest.chars().take_while(char::is_ascii_digit).collect();
            assert!(
                THIS.contains(&format!("fn exempel_{num}(")),
                "docs/scoring.md has Exempel {num} without a test"
            );
            n += 1;
        }
    }
    assert!(n >= 12, "found only {n} examples");
}

fn example_1_to_3() -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = [
        ("D1.1", "4"),
        ("D1.2", "3"),
        ("D1.3", "3"),
        ("D1.4", "2"),
        ("D1.5", "Vet ej / ej aktuellt"),
        ("D2.1", "4"),
        ("D2.2", "Vet ej"),
        ("D2.3", "Vet ej"),
        ("D4.1", "1"),
        ("D4.2", "2"),
        ("D4.3", "2"),
        ("D4.4", "1"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    pairs.extend(whole_area(&Instrument::dalarna(), "D3", "2"));
    pairs
}

fn borrow(p: &[(String, String)]) -> Vec<(&str, &str)> {
    p.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect()
}

#[test]
fn exempel_1() {
    let i = Instrument::dalarna();
    let s = score_answers(
        &i,
        &answers(
            &i,
            &[
                ("D1.1", "4"),
                ("D1.2", "3"),
                ("D1.3", "3"),
                ("D1.4", "2"),
                ("D1.5", "Vet ej / ej aktuellt"),
            ],
        ),
    );
    let d1 = s.area(&area("D1")).unwrap();
    assert_eq!((d1.answered, d1.not_applicable, d1.total), (4, 1, 6));
    assert_eq!(d1.mean, Some(3.0));
    assert_eq!(fmt::percent(d1.percent), "67\u{a0}%");
    assert_eq!(d1.band.as_deref(), Some("styrka"));
}

#[test]
fn exempel_2() {
    let i = Instrument::dalarna();
    let s = score_answers(
        &i,
        &answers(&i, &[("D2.1", "4"), ("D2.2", "Vet ej"), ("D2.3", "Vet ej")]),
    );
    let d2 = s.area(&area("D2")).unwrap();
    assert_eq!(d2.answered, 1);
    assert_eq!(d2.mean, None);
    assert_eq!(fmt::score(d2.mean), "för få svar");
    assert_eq!(s.overall, None, "an unscored area is not in the index");
}

#[test]
fn exempel_3() {
    let i = Instrument::dalarna();
    let s = score_answers(&i, &answers(&i, &borrow(&example_1_to_3())));
    assert_eq!(s.area(&area("D3")).unwrap().mean, Some(2.0));
    assert_eq!(s.area(&area("D3")).unwrap().band.as_deref(), Some("pa-vag"));
    assert_eq!(s.area(&area("D4")).unwrap().mean, Some(1.5));
    assert_eq!(
        s.area(&area("D4")).unwrap().band.as_deref(),
        Some("utmaning")
    );
    assert_eq!(s.area(&area("D5")).unwrap().mean, None);
    assert_eq!(fmt::score(s.overall), "2,17");
    assert_eq!(i.band(s.overall.unwrap()).label, "På väg");
}

#[test]
fn exempel_4() {
    let i = Instrument::dalarna();
    let s = score_answers(&i, &answers(&i, &borrow(&example_1_to_3())));
    let ids = |h: &[nara_core::scoring::Highlight]| {
        h.iter()
            .map(|h| h.statement.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&s.top), ["D1.1", "D2.1"]);
    assert_eq!(ids(&s.bottom), ["D4.1", "D4.4"]);
}

#[test]
fn exempel_5() {
    let i = Instrument::dalarna();
    let c1 = change(&i, Some(3.0), Some(3.2)).unwrap();
    assert_eq!(
        (fmt::signed(c1.delta, 2).as_str(), c1.direction),
        ("+0,20", Direction::Unchanged)
    );
    assert_eq!(c1.direction.label(), "oförändrad");
    let c4 = change(&i, Some(1.5), Some(2.0)).unwrap();
    assert_eq!(
        (fmt::signed(c4.delta, 2).as_str(), c4.direction),
        ("+0,50", Direction::Up)
    );
    let c3 = change(&i, Some(2.0), Some(1.75)).unwrap();
    assert_eq!(
        (fmt::signed(c3.delta, 2).as_str(), c3.direction),
        ("-0,25", Direction::Down)
    );
    assert_eq!(change(&i, None, Some(3.0)), None);
}

#[test]
fn exempel_6() {
    let i = Instrument::dalarna();
    let a = answers(&i, &[("D1.1", "1"), ("D1.2", "3"), ("D1.3", "2")]);
    let b = answers(&i, &[("D1.1", "2"), ("D1.2", "3"), ("D1.3", "3")]);
    let c = answers(&i, &[("D1.1", "4"), ("D1.2", "2")]);
    let u = roll_up_unit(&i, &[&a, &b, &c], None);
    let d11 = &u.agreement[0];
    assert_eq!(
        (d11.median, d11.min, d11.max, d11.disagreement),
        (Some(2.0), Some(1.0), Some(4.0), true)
    );
    let d12 = &u.agreement[1];
    assert_eq!(
        (d12.median, d12.min, d12.max, d12.disagreement),
        (Some(3.0), Some(2.0), Some(3.0), false)
    );
    assert_eq!(u.agreement[2].median, Some(2.5), "two raters, 2 and 3");
    assert!(!u.agreement[2].disagreement, "2 and 3: one step");
    assert_eq!(u.values[&sid("D1.1")], Value::Scored(2.0));
}

#[test]
fn exempel_7() {
    let i = Instrument::dalarna();
    let a = answers(&i, &[("D1.1", "1"), ("D1.2", "3")]);
    let b = answers(&i, &[("D1.1", "2"), ("D1.2", "3")]);
    let c = answers(&i, &[("D1.1", "4"), ("D1.2", "2")]);
    let consensus = answers(&i, &[("D1.1", "3")]);
    let u = roll_up_unit(&i, &[&a, &b, &c], Some(&consensus));
    assert_eq!(u.values[&sid("D1.1")], Value::Scored(3.0));
    assert_eq!(u.disagreements(), 0);
}

#[test]
fn exempel_8() {
    let i = Instrument::dalarna();
    let hem = answers(&i, &borrow(&whole_area(&i, "D1", "3")));
    let aldre = answers(&i, &borrow(&whole_area(&i, "D1", "2")));
    let soc = answers(&i, &[("D1.1", "4"), ("D1.2", "Vet ej")]);
    let units = [
        score_unit(&i, &[&hem], None),
        score_unit(&i, &[&aldre], None),
        score_unit(&i, &[&soc], None),
    ];
    assert_eq!(units[2].scores.area(&area("D1")).unwrap().mean, None);
    let falun = score_org(&i, &units.iter().collect::<Vec<_>>());
    let d1 = falun.area(&area("D1")).unwrap();
    assert_eq!((d1.mean, d1.units_scored), (Some(2.5), 2));
}

#[test]
fn exempel_9() {
    let i = Instrument::dalarna();
    let four = answers(&i, &borrow(&whole_area(&i, "D1", "4")));
    let one = answers(&i, &borrow(&whole_area(&i, "D1", "1")));
    let f = score_unit(&i, &[&four], None);
    let m = score_unit(&i, &[&one], None);
    let falun = score_org(&i, &[&f, &f, &f]);
    let mora = score_org(&i, &[&m]);
    let c = county_summary(&i, &[&falun, &mora]);
    let d1 = c.area(&area("D1")).unwrap();
    let s = d1.stats.unwrap();
    assert_eq!((r2(s.mean), s.median, s.min, s.max), (2.5, 2.5, 1.0, 4.0));
    assert_eq!((d1.orgs_scored, d1.units_scored), (2, 4));
}

#[test]
fn exempel_10() {
    let i = Instrument::dalarna();
    let a = answers(&i, &[("D1.1", "2"), ("D1.2", "1"), ("D1.3", "2")]);
    let b = answers(&i, &[("D1.1", "4"), ("D1.2", "3"), ("D1.3", "3")]);
    let u = roll_up_unit(&i, &[&a, &b], None);
    let row = |k: usize| {
        let g = &u.agreement[k];
        (g.median, g.min, g.max, g.disagreement)
    };
    assert_eq!(row(0), (Some(3.0), Some(2.0), Some(4.0), true), "2 and 4");
    assert_eq!(row(1), (Some(2.0), Some(1.0), Some(3.0), true), "1 and 3");
    assert_eq!(row(2), (Some(2.5), Some(2.0), Some(3.0), false), "2 and 3");
    assert_eq!(u.disagreements(), 2);
    assert_eq!(i.scoring().disagreement_rule(), "två steg eller mer");
    assert!(
        DOC.contains("skiljer sig **två steg eller mer**"),
        "the page states the rule in the words the pages use"
    );
    let settled = answers(&i, &[("D1.1", "3"), ("D1.2", "2")]);
    assert_eq!(
        roll_up_unit(&i, &[&a, &b], Some(&settled)).disagreements(),
        0
    );
}

fn example_11() -> Vec<(String, String)> {
    let i = Instrument::dalarna();
    let mut pairs = whole_area(&i, "D1", "1");
    pairs.push(("D2.1".into(), "1".into()));
    pairs.push(("D2.2".into(), "1".into()));
    pairs
}

#[test]
fn exempel_11() {
    let i = Instrument::dalarna();
    assert_eq!(i.min_scored_areas(), 3);
    let pairs = example_11();
    assert_eq!(pairs.len(), 8);
    let s = score_answers(&i, &answers(&i, &borrow(&pairs)));
    assert_eq!(s.area(&area("D1")).unwrap().mean, Some(1.0));
    assert_eq!(s.area(&area("D2")).unwrap().answered, 2);
    assert_eq!(fmt::score(s.area(&area("D2")).unwrap().mean), "för få svar");
    assert_eq!(s.areas_scored(), 1);
    assert_eq!(s.overall, None);
    assert_eq!(fmt::index(s.overall), "inget index");
    let why = s.no_index(&i).unwrap();
    assert_eq!(
        why,
        "Inget index: bara 1 av 5 delmål har tillräckligt många svar; index kräver minst 3."
    );
    let doc = DOC.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        doc.contains(&format!("*{why}*")),
        "the page quotes the reason"
    );
    let mut more = pairs.clone();
    more.extend(whole_area(&i, "D3", "2"));
    more.extend(whole_area(&i, "D5", "4"));
    let s = score_answers(&i, &answers(&i, &borrow(&more)));
    assert_eq!(s.areas_scored(), 3);
    assert_eq!(fmt::index(s.overall), "2,33");
    assert_eq!(s.no_index(&i), None);
}

#[test]
fn exempel_12() {
    let i = Instrument::dalarna();
    let hemsjukvarden = answers(&i, &borrow(&whole_area(&i, "D1", "1")));
    let mut d2_d3 = whole_area(&i, "D2", "4");
    d2_d3.extend(whole_area(&i, "D3", "4"));
    let aldreomsorgen = answers(&i, &borrow(&d2_d3));
    let h = score_unit(&i, &[&hemsjukvarden], None);
    let a = score_unit(&i, &[&aldreomsorgen], None);
    assert_eq!((h.scores.areas_scored(), h.scores.overall), (1, None));
    assert_eq!((a.scores.areas_scored(), a.scores.overall), (2, None));
    let falun = score_org(&i, &[&h, &a]);
    let means: Vec<Option<f64>> = falun.areas.iter().map(|x| x.mean).collect();
    assert_eq!(means, [Some(1.0), Some(4.0), Some(4.0), None, None]);
    assert_eq!(fmt::index(falun.overall), "3,00");
    let mora = score_org(&i, &[&score_unit(&i, &[&aldreomsorgen], None)]);
    assert_eq!(fmt::index(mora.overall), "inget index");
    assert!(
        mora.no_index(&i)
            .unwrap()
            .contains("bara 2 av 5 delmål har tillräckligt många svar")
    );
    let c = county_summary(&i, &[&falun, &mora]);
    let d2 = c.area(&area("D2")).unwrap();
    assert_eq!((d2.stats.unwrap().mean, d2.orgs_scored), (4.0, 2));
    let idx = c.overall.unwrap();
    assert_eq!((idx.mean, idx.n, c.orgs_scored), (3.0, 1, 1));
}
