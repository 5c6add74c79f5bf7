//! The årsrapport's appendix workbook, made from core's model of a small year and read back with
//! calamine: the sheets in order, every number of Översikt as the model has it, one row per value
//! on the long sheets (a missing value an empty cell, never 0), the good example marked, and
//! text that looks like a formula stored as text.

use std::io::Cursor;

use calamine::{Data, Range, Reader, Xlsx};
use nara_core::activity::{
    Activity, ActivityStatus, Category, LocalPlan, PlanStatus, RecordId, Systemledning,
};
use nara_core::indicator::Catalogue;
use nara_core::indicator::kolada::{Gender, Value};
use nara_core::indicator::view::{Provenance, Values};
use nara_core::report::{RoundData, round_report};
use nara_core::round::Date;
use nara_core::yearly::{AreaText, Input, Profile, Texts, YearReport, build};
use nara_core::{AreaId, Instrument, OrgCode, Organisations};
use nara_excel::summary::year_workbook;

use crate::snapshots::{forms, responses};
use crate::support::round;

const SHEETS: [&str; 6] = [
    "Översikt",
    "Nyckeltal",
    "Självskattning",
    "Svarsfördelning",
    "Aktiviteter",
    "Om statistiken",
];
const FORMULA_TITLE: &str = "=SUMMA(A1:A9)";
const FORMULA_BULLET: &str = "=1+1 är ingen formel";

fn values() -> Values {
    // U21468: the county lacks 2022's value; Falun has 2024; Ludvika's 2024 is missing.
    let rows: [(&str, &str, u16, Option<f64>); 8] = [
        ("U21468", "0020", 2022, None),
        ("U21468", "0020", 2023, Some(80.0)),
        ("U21468", "0020", 2024, Some(83.0)),
        ("U21468", "0000", 2024, Some(81.0)),
        ("U21468", "2080", 2024, Some(90.0)),
        ("U21468", "2085", 2024, None),
        ("U70448", "0020", 2023, Some(50.0)),
        ("U70448", "0020", 2024, Some(50.2)),
    ];
    let mut vs = Values::new();
    for (kpi, place, year, value) in rows {
        let v = Value {
            kpi: kpi.into(),
            municipality: place.into(),
            period: year,
            gender: Gender::T,
            status: String::new(),
            value,
            cases: None,
            deleted: false,
        };
        let p = Provenance {
            source: "kolada".into(),
            fetched_at: 0,
            published: None,
        };
        vs.insert(&v, p);
    }
    vs
}

fn activity(id: &str, owner: &str, areas: &[&str], st: ActivityStatus) -> Activity {
    Activity {
        id: RecordId::parse(id).unwrap(),
        title: format!("Aktivitet {id}"),
        description: String::new(),
        owner: OrgCode::parse(owner).unwrap(),
        partners: vec![],
        areas: areas.iter().map(|a| AreaId::parse(a).unwrap()).collect(),
        statements: vec![],
        indicators: vec![],
        category: Category::Arbetssatt,
        target_group: String::new(),
        responsible_role: String::new(),
        responsible_name: String::new(),
        planned_start: None,
        planned_end: Some(Date::parse("2025-06-30").unwrap()),
        status: st,
        expected_effect: String::new(),
        result: "Färre återinläggningar.".into(),
        plan: None,
    }
}

/// Falun's plan, with the region as a party.
fn plan() -> LocalPlan {
    LocalPlan {
        id: RecordId::parse("P-AAAAAAAA").unwrap(),
        name: "Samverkansplan Falun".into(),
        parties: vec![
            OrgCode::parse("2080").unwrap(),
            OrgCode::parse("20").unwrap(),
        ],
        partners: vec![],
        start: Date::parse("2025-01-01").unwrap(),
        end: None,
        status: PlanStatus::Beslutad,
        decided_by: String::new(),
        decided_on: None,
        link: String::new(),
        systemledning: Systemledning::Finns,
        areas: vec![],
    }
}

/// Dalarna's year 2026: round 2026 (Falun and Mora answered) compared with 2025, two
/// indicators with values, two activities (one klar, one pågår and late).
fn model(with_round: bool) -> YearReport {
    let inst = Instrument::dalarna();
    let orgs = Organisations::dalarna().organisations;
    let (now, before) = responses();
    let (r26, r25) = (round(&inst, "2026"), round(&inst, "2025"));
    let this = RoundData {
        round: &r26,
        instrument: &inst,
        forms: forms(&now),
    };
    let previous = RoundData {
        round: &r25,
        instrument: &inst,
        forms: forms(&before),
    };
    let report = round_report(&this, Some(&previous), &orgs, None);
    let done = activity("A-AAAAAAAA", "2080", &["D1"], ActivityStatus::Klar);
    let mut late = activity("A-BBBBBBBB", "2062", &["D1", "D3"], ActivityStatus::Pagar);
    late.title = FORMULA_TITLE.into();
    let activities = [done, late];
    build(&Input {
        year: 2026,
        instrument: &inst,
        report: with_round.then_some(&report),
        organisations: &orgs,
        catalogue: &Catalogue::dalarna(),
        values: &values(),
        activities: &activities,
        plans: &[plan()],
        today: Date::parse("2026-11-26").unwrap(),
        public_only: false,
    })
}

fn texts() -> Texts {
    let mut t = Texts {
        summary: vec![FORMULA_BULLET.into(), "Fler aktiviteter är klara.".into()],
        ..Texts::default()
    };
    let examples = vec!["A-AAAAAAAA".into()];
    let d1 = AreaText {
        examples,
        ..AreaText::default()
    };
    t.areas.insert("D1".into(), d1);
    t
}

fn open(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    Xlsx::new(Cursor::new(bytes.to_vec())).expect("an xlsx")
}

fn sheet(bytes: &[u8], name: &str) -> Range<Data> {
    open(bytes).worksheet_range(name).expect("the sheet")
}

fn at(r: &Range<Data>, row: u32, col: u32) -> Data {
    r.get_value((row, col)).cloned().unwrap_or(Data::Empty)
}

/// A text cell ("" for an empty one); anything else fails.
fn string(r: &Range<Data>, row: u32, col: u32) -> String {
    match at(r, row, col) {
        Data::String(s) => s,
        Data::Empty => String::new(),
        other => panic!("({row}, {col}) is not text: {other:?}"),
    }
}

/// A number cell, or `None` for an empty cell; anything else fails.
fn number(r: &Range<Data>, row: u32, col: u32) -> Option<f64> {
    match at(r, row, col) {
        Data::Float(x) => Some(x),
        Data::Int(i) => Some(i as f64),
        Data::Empty => None,
        other => panic!("({row}, {col}) is neither a number nor empty: {other:?}"),
    }
}

/// The row below the first cell in column A that says `text`.
fn below(r: &Range<Data>, text: &str) -> u32 {
    (0..r.height() as u32)
        .find(|&row| at(r, row, 0) == Data::String(text.into()))
        .unwrap_or_else(|| panic!("no row says {text}"))
        + 1
}

fn workbook(with_round: bool) -> (YearReport, Vec<u8>) {
    let y = model(with_round);
    let made = "Version 2, slutlig 2027-03-01 09:12 av samordnare";
    let bytes = year_workbook(&y, &texts(), made).unwrap();
    (y, bytes)
}

#[test]
fn the_sheets_come_in_order_and_the_overview_holds_the_models_numbers() {
    let (y, bytes) = workbook(true);
    assert!(y.chapters.len() >= 2 && y.profiles.iter().any(|p| !p.answered));
    let party = |p: &Profile| p.plan.is_none() && p.party_to == 1;
    assert!(y.profiles.iter().any(|p| p.plan.is_some()) && y.profiles.iter().any(party));
    assert_eq!(open(&bytes).sheet_names(), SHEETS);
    let o = sheet(&bytes, "Översikt");
    assert_eq!(
        string(&o, 0, 0),
        format!("Årsrapport 2026 – God och nära vård i {}", y.county)
    );
    assert!(string(&o, 1, 0).starts_with("Version 2, slutlig"));
    assert_eq!(
        string(&o, 2, 0),
        "Självskattning: omgång 2026, jämförd med 2025"
    );
    assert_eq!(number(&o, 3, 1), y.county_index);
    let top = below(&o, "Delmål");
    for (i, ch) in y.chapters.iter().enumerate() {
        let row = top + i as u32;
        assert_eq!(string(&o, row, 0), ch.id.as_str());
        assert_eq!(string(&o, row, 1), ch.name);
        let (a, n, c) = (&ch.arrows, &ch.activity_counts, &ch.assessment);
        let arrows = [a.positive, a.unchanged, a.negative, a.not_judged];
        let acts = [n.planned, n.ongoing, n.done, n.late];
        for (col, want) in (2..).zip(arrows).chain((9..).zip(acts)) {
            assert_eq!(number(&o, row, col), Some(want as f64), "{}", ch.id);
        }
        assert_eq!(number(&o, row, 6), c.mean, "{}", ch.id);
        assert_eq!(number(&o, row, 7), c.median, "{}", ch.id);
        assert_eq!(number(&o, row, 8), c.change, "{}", ch.id);
    }
    assert!(
        y.chapters.iter().any(|c| c.assessment.change.is_some()),
        "the round has a change to show"
    );
    let top = below(&o, "Sammanfattning");
    assert_eq!(at(&o, top, 0), Data::String(FORMULA_BULLET.into()));
    let top = below(&o, "Organisation");
    for (i, p) in y.profiles.iter().enumerate() {
        let row = top + i as u32;
        assert_eq!(string(&o, row, 0), p.name);
        assert_eq!(string(&o, row, 1), p.code.as_str());
        let answered = if p.answered { "ja" } else { "nej" };
        assert_eq!(string(&o, row, 2), answered);
        assert_eq!(number(&o, row, 3), p.index, "{}", p.name);
        let (plan, leadership) = match (&p.plan, p.party_to) {
            (Some((name, status, sl)), _) => (format!("{name} ({status})"), sl.as_str()),
            (None, 0) => ("Ingen lokal plan registrerad".into(), "–"),
            (None, _) => ("Part i en kommuns lokala plan".into(), "–"),
        };
        assert_eq!(string(&o, row, 4), plan, "{}", p.name);
        assert_eq!(string(&o, row, 10), leadership, "{}", p.name);
    }
}

#[test]
fn nyckeltal_has_one_row_per_value_and_a_missing_value_is_empty() {
    let (y, bytes) = workbook(true);
    let n = sheet(&bytes, "Nyckeltal");
    assert_eq!(string(&n, 0, 8), "Värde");
    let mut want_rows = 0;
    let mut want_values = Vec::new();
    for ch in &y.chapters {
        for b in &ch.indicators {
            let values: Vec<Option<f64>> = (b.county.iter().chain(&b.country))
                .map(|p| p.value)
                .chain(b.kommuner.iter().map(|k| k.1))
                .collect();
            want_rows += values.len().max(1);
            want_values.extend(values.into_iter().flatten());
        }
    }
    assert_eq!(n.height() - 1, want_rows, "one row per value");
    let got_values: Vec<f64> = (1..n.height() as u32)
        .filter_map(|row| number(&n, row, 8))
        .collect();
    assert_eq!(got_values, want_values, "every value as a number, in order");
    let row_of = |id: &str, kind: &str, year: f64| {
        (1..n.height() as u32)
            .find(|&r| {
                string(&n, r, 1) == id && string(&n, r, 6) == kind && number(&n, r, 7) == Some(year)
            })
            .unwrap_or_else(|| panic!("no row {id} {kind} {year}"))
    };
    let gap = row_of("U21468", "Länet", 2022.0);
    assert_eq!(at(&n, gap, 8), Data::Empty, "missing is empty, never 0");
    let newest = row_of("U21468", "Länet", 2024.0);
    assert_eq!(number(&n, newest, 8), Some(83.0));
    assert_eq!(string(&n, newest, 9), "↗ positiv");
    assert_eq!(string(&n, row_of("U21468", "Länet", 2023.0), 9), "");
    let ludvika = row_of("U21468", "Kommun", 2024.0);
    assert!(
        (ludvika..n.height() as u32)
            .any(|r| string(&n, r, 5) == "Ludvika" && at(&n, r, 8) == Data::Empty)
    );
    let empty = (y.chapters.iter())
        .flat_map(|c| &c.indicators)
        .find(|b| b.county.is_empty() && b.country.is_empty() && b.kommuner.is_empty())
        .expect("an indicator without values");
    let row = (1..n.height() as u32)
        .find(|&r| string(&n, r, 1) == empty.indicator.id)
        .unwrap();
    assert_eq!(at(&n, row, 8), Data::Empty);
    assert_eq!(string(&n, row, 9), "indikatorn är under utveckling");
}

#[test]
fn the_self_assessment_has_a_row_per_organisation_and_delmal_and_the_county() {
    let (y, bytes) = workbook(true);
    let s = sheet(&bytes, "Självskattning");
    let k = y.chapters.len();
    assert_eq!(s.height() - 1, y.profiles.len() * k + k);
    for (i, p) in y.profiles.iter().enumerate() {
        for (j, mean) in p.areas.iter().enumerate() {
            let row = 1 + (i * k + j) as u32;
            assert_eq!(string(&s, row, 1), p.code.as_str());
            assert_eq!(number(&s, row, 3), *mean, "{} {}", p.name, y.chapters[j].id);
        }
    }
    for (j, ch) in y.chapters.iter().enumerate() {
        let row = 1 + (y.profiles.len() * k + j) as u32;
        assert_eq!(string(&s, row, 0), "Länet");
        assert_eq!(string(&s, row, 2), ch.id.as_str());
        assert_eq!(number(&s, row, 3), ch.assessment.mean);
    }
    let levels = sheet(&bytes, "Svarsfördelning");
    let rated: usize = y.chapters.iter().map(|c| c.assessment.levels.len()).sum();
    assert_eq!(levels.height() - 1, rated);
    let total: f64 = (1..rated as u32 + 1)
        .filter_map(|r| number(&levels, r, 2))
        .sum();
    let all = y.chapters.iter().flat_map(|c| &c.assessment.levels);
    assert_eq!(total, all.map(|l| l.1 as f64).sum::<f64>());
}

#[test]
fn activities_mark_the_good_example_and_keep_formulas_as_text() {
    let (y, bytes) = workbook(true);
    let a = sheet(&bytes, "Aktiviteter");
    let lines: usize = y.chapters.iter().map(|c| c.activities.len()).sum();
    assert_eq!(a.height() - 1, lines);
    let rows: Vec<[String; 8]> = (1..a.height() as u32)
        .map(|r| std::array::from_fn(|c| string(&a, r, c as u32)))
        .collect();
    let example: Vec<(&str, &str)> = (rows.iter())
        .filter(|r| r[7] == "ja")
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    assert_eq!(example, [("D1", "A-AAAAAAAA")], "only D1's pick");
    let late: Vec<&str> = (rows.iter())
        .filter(|r| r[5] == "ja")
        .map(|r| r[1].as_str())
        .collect();
    assert_eq!(late, ["A-BBBBBBBB", "A-BBBBBBBB"], "late in D1 and in D3");
    assert!(rows.iter().any(|r| r[2] == FORMULA_TITLE));
    let mut wb = open(&bytes);
    for name in SHEETS {
        let formulas = wb.worksheet_formula(name).unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "no formula on {name}"
        );
    }
}

#[test]
fn a_year_without_a_round_has_empty_cells_not_zeros_and_the_notes_explain() {
    let (y, bytes) = workbook(false);
    let o = sheet(&bytes, "Översikt");
    assert_eq!(string(&o, 2, 0), "Ingen omgång detta år");
    assert_eq!(at(&o, 3, 1), Data::Empty);
    let s = sheet(&bytes, "Självskattning");
    assert!((1..s.height() as u32).all(|r| at(&s, r, 3) == Data::Empty));
    assert_eq!(sheet(&bytes, "Svarsfördelning").height(), 1, "a header");
    let notes = sheet(&bytes, "Om statistiken");
    for (i, n) in y.indicators.iter().enumerate() {
        let row = 1 + i as u32;
        assert_eq!(string(&notes, row, 0), n.indicator.id);
        match n.newest_year {
            Some(year) => assert_eq!(number(&notes, row, 6), Some(f64::from(year))),
            None => assert_eq!(string(&notes, row, 6), "under utveckling"),
        }
    }
    assert!(y.indicators.iter().any(|n| n.newest_year.is_none()));
    let last = string(&notes, notes.height() as u32 - 1, 0);
    assert!(last.starts_with("Självskattningen räknas så"), "{last}");
}
