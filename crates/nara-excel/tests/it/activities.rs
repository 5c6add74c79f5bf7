//! Activities and plans in the result workbooks (the sheets Aktiviteter and Lokala planer) and
//! in the long-format workbook of `nara activities export`: read back with calamine and with
//! the guarded reader — the sheets and headers are there, a late activity says so, free text
//! that looks like a formula stays text, a file round-trips, a row without an id is new, and a
//! bad cell is named by sheet and cell.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Range, Reader, Xlsx};
use nara_core::activity::{
    Activity, ActivityStatus, Category, LocalPlan, PlanStatus, RecordId, Systemledning,
};
use nara_core::report::{RawTable, RoundData, round_report, trend};
use nara_core::round::Date;
use nara_core::{AreaId, Instrument, OrgCode, Organisations, RoundId, StatementId};
use nara_excel::Limits;
use nara_excel::activities::{HEADERS, PLAN_HEADERS, read_xlsx, write_xlsx};
use nara_excel::summary::{
    ACTIVITY_COLUMNS, ActivityInput, NO_ACTIVITIES, NO_PLANS, OrgInput, PLAN_COLUMNS, SummaryInput,
    org_workbook, summary_workbook,
};
use rust_xlsxwriter::{Format, Workbook};

use crate::snapshots::{forms, responses};
use crate::support::round;

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn plan() -> LocalPlan {
    LocalPlan {
        id: RecordId::parse("P-PLAN01").unwrap(),
        name: "Lokal plan Falun 2025–2027".into(),
        parties: vec![
            OrgCode::parse("2080").unwrap(),
            OrgCode::parse("20").unwrap(),
        ],
        partners: vec!["Hälsocentralen Norr".into()],
        start: d("2025-01-01"),
        end: Some(d("2027-12-31")),
        status: PlanStatus::Beslutad,
        decided_by: "+Samverkansnämnden".into(),
        decided_on: Some(d("2024-12-10")),
        link: "https://falun.se/plan.pdf".into(),
        systemledning: Systemledning::UnderUppbyggnad,
        areas: vec![AreaId::parse("D1").unwrap(), AreaId::parse("D3").unwrap()],
    }
}

fn activity(id: &str, title: &str, status: ActivityStatus, end: &str) -> Activity {
    Activity {
        id: RecordId::parse(id).unwrap(),
        title: title.into(),
        description: "Flera rader\noch ; semikolon".into(),
        owner: OrgCode::parse("2080").unwrap(),
        partners: vec!["PRO".into()],
        areas: vec![AreaId::parse("D3").unwrap()],
        statements: vec![StatementId::parse("D3.1").unwrap()],
        indicators: vec!["U21468".into()],
        category: Category::Arbetssatt,
        target_group: "Äldre med hemtjänst".into(),
        responsible_role: "-Enhetschef".into(),
        responsible_name: String::new(),
        planned_start: Some(d("2025-01-01")),
        planned_end: Some(d(end)),
        status,
        expected_effect: "Färre återinskrivningar".into(),
        result: String::new(),
        plan: Some(RecordId::parse("P-PLAN01").unwrap()),
    }
}

fn activities() -> Vec<Activity> {
    vec![
        activity(
            "A-LATE001",
            "=HYPERLINK(\"https://x\",\"klicka\")",
            ActivityStatus::Pagar,
            "2026-06-30",
        ),
        activity(
            "A-DONE001",
            "Utskrivningsplanering",
            ActivityStatus::Klar,
            "2026-06-30",
        ),
    ]
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    }
}

/// A sheet's cells and whether any cell of it is a formula.
fn sheet(bytes: &[u8], name: &str) -> (Vec<String>, Range<Data>, bool) {
    let mut b: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let names = b.sheet_names();
    let r = b.worksheet_range(name).unwrap();
    let formulas = b.worksheet_formula(name).unwrap();
    let any_formula = formulas.used_cells().any(|(_, _, f)| !f.is_empty());
    (names, r, any_formula)
}

/// The row whose first cell is `first`.
fn row_of(r: &Range<Data>, first: &str) -> Vec<String> {
    (r.rows())
        .find(|row| text(&row[0]) == first)
        .unwrap_or_else(|| panic!("no row {first}"))
        .iter()
        .map(text)
        .collect()
}

/// The summary and Falun's report of a small round, with the given activities and plans.
fn workbooks(acts: &[Activity], plans: &[LocalPlan]) -> (Vec<u8>, Vec<u8>) {
    let inst = Instrument::dalarna();
    let orgs = Organisations::dalarna();
    let (now, _) = responses();
    let r2026 = round(&inst, "2026");
    let this = RoundData {
        round: &r2026,
        instrument: &inst,
        forms: forms(&now),
    };
    let report = round_report(&this, None, &orgs.organisations, None);
    let trend = trend(std::slice::from_ref(&this));
    let names: BTreeMap<String, String> = (orgs.organisations.iter())
        .map(|o| (o.code.to_string(), o.name.clone()))
        .collect();
    let mut followups = BTreeMap::new();
    followups.insert(
        RecordId::parse("A-LATE001").unwrap(),
        (
            RoundId::parse("2026").unwrap(),
            "@SUMMA(A1) halvvägs".to_string(),
        ),
    );
    let input = ActivityInput {
        activities: acts,
        plans,
        followups: &followups,
        org_names: &names,
        today: d("2026-11-25"),
    };
    let summary = summary_workbook(&SummaryInput {
        instrument: &inst,
        report: &report,
        trend: &trend,
        raw: &RawTable::default(),
        org_names: &names,
        nyckeltal: &[],
        nyckeltal_sources: &BTreeMap::new(),
        activities: input,
        generated_at: "2026-11-25 10:15 UTC",
    })
    .unwrap();
    let org = org_workbook(&OrgInput {
        instrument: &inst,
        report: &report,
        org: "2080",
        county: true,
        trend: &[],
        nyckeltal: &[],
        activities: input,
        generated_at: "2026-11-25 10:15 UTC",
    })
    .unwrap();
    (summary, org)
}

#[test]
fn both_workbooks_list_the_activities_with_counts_and_the_plans_by_name() {
    let (summary, org) = workbooks(&activities(), &[plan()]);
    for bytes in [&summary, &org] {
        let (names, r, formulas) = sheet(bytes, "Aktiviteter");
        let at = names.iter().position(|n| n == "Aktiviteter").unwrap();
        assert_eq!(names[at - 1], "Nyckeltal");
        assert_eq!(names[at + 1], "Lokala planer");
        assert!(!formulas, "free text is never a formula");
        // The count block: one pågår (late), one klar.
        assert_eq!(row_of(&r, "pågår")[1], "1");
        assert_eq!(row_of(&r, "klar")[1], "1");
        assert_eq!(row_of(&r, "varav försenade")[1], "1");
        let header = row_of(&r, "Organisation");
        let want: Vec<&str> = ACTIVITY_COLUMNS.iter().map(|(h, _)| *h).collect();
        assert_eq!(header[..want.len()], want[..]);
        let rows: Vec<Vec<String>> = (r.rows())
            .filter(|row| text(&row[0]) == "Falu kommun" || text(&row[0]) == "Falun")
            .map(|row| row.iter().map(text).collect())
            .collect();
        assert_eq!(rows.len(), 2, "{rows:?}");
        let late = &rows[0];
        let col = |h: &str| want.iter().position(|x| *x == h).unwrap();
        assert_eq!(late[col("Titel")], "=HYPERLINK(\"https://x\",\"klicka\")");
        assert_eq!(late[col("Status")], "pågår");
        assert_eq!(late[col("Försenad")], "ja");
        assert_eq!(late[col("Planerad slut")], "2026-06-30");
        assert_eq!(late[col("Ansvarig roll")], "-Enhetschef");
        assert_eq!(late[col("Plan")], "Lokal plan Falun 2025–2027");
        assert_eq!(late[col("Senaste uppföljning")], "2026");
        assert_eq!(late[col("Kommentar")], "@SUMMA(A1) halvvägs");
        assert_eq!(
            rows[1][col("Försenad")],
            "",
            "a done activity is never late"
        );

        let (_, p, formulas) = sheet(bytes, "Lokala planer");
        assert!(!formulas);
        let heads = row_of(&p, "Namn");
        let want: Vec<&str> = PLAN_COLUMNS.iter().map(|(h, _)| *h).collect();
        assert_eq!(heads[..want.len()], want[..]);
        let row = row_of(&p, "Lokal plan Falun 2025–2027");
        assert!(
            row[1].contains("Falu") && row[1].contains("Dalarna"),
            "{row:?}"
        );
        assert_eq!(row[3], "2025-01-01 – 2027-12-31");
        assert_eq!(row[5], "+Samverkansnämnden");
        assert_eq!(row[7], "https://falun.se/plan.pdf");
        assert_eq!(row[9], "D1, D3");
    }
}

#[test]
fn empty_sheets_say_so() {
    let (summary, org) = workbooks(&[], &[]);
    for bytes in [&summary, &org] {
        let (_, r, _) = sheet(bytes, "Aktiviteter");
        assert!(r.rows().any(|row| text(&row[0]) == NO_ACTIVITIES));
        let (_, p, _) = sheet(bytes, "Lokala planer");
        assert!(p.rows().any(|row| text(&row[0]) == NO_PLANS));
    }
}

#[test]
fn the_long_workbook_round_trips_and_keeps_formulas_as_text() {
    let acts = activities();
    let plans = vec![plan()];
    let bytes = write_xlsx(&acts, &plans, d("2026-11-25")).unwrap();
    let (names, r, formulas) = sheet(&bytes, "Aktiviteter");
    assert_eq!(names, ["Aktiviteter", "Lokala planer"]);
    assert!(!formulas);
    let header: Vec<String> = r.rows().next().unwrap().iter().map(text).collect();
    assert_eq!(header, HEADERS);
    let (_, p, _) = sheet(&bytes, "Lokala planer");
    let header: Vec<String> = p.rows().next().unwrap().iter().map(text).collect();
    assert_eq!(header, PLAN_HEADERS);
    let (back_plans, back) = read_xlsx("aktiviteter.xlsx", &bytes, &Limits::default(), |k| {
        RecordId::new(k, 1)
    })
    .unwrap();
    assert_eq!(back, acts);
    assert_eq!(back_plans, plans);
}

/// A workbook made by hand: the sheets with the given rows under the headers.
fn hand_made(activity_rows: &[Vec<&str>], plan_rows: &[Vec<&str>]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (name, headers, rows) in [
        ("Aktiviteter", &HEADERS[..], activity_rows),
        ("Lokala planer", &PLAN_HEADERS[..], plan_rows),
    ] {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        for (c, h) in headers.iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for (r, cells) in rows.iter().enumerate() {
            for (c, v) in cells.iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u16);
                // A date typed in Excel is a number with a date format.
                match v.strip_prefix("serial:") {
                    Some(n) => ws
                        .write_number_with_format(r, c, n.parse::<f64>().unwrap(), &date)
                        .unwrap(),
                    None => ws.write_string(r, c, *v).unwrap(),
                };
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

#[test]
fn a_new_plan_row_gets_an_id_and_a_bad_cell_is_named_by_sheet_and_cell() {
    let plan_row = vec![
        "",
        "Ny plan Mora",
        "2062, 20",
        "",
        "serial:45658",
        "",
        "utkast",
        "",
        "",
        "",
        "saknas",
        "D2",
    ];
    let mut act = vec![""; HEADERS.len()];
    act[1] = "2062";
    act[2] = "Ny aktivitet";
    act[4] = "D2";
    act[7] = "kompetens";
    act[13] = "planerad";
    let bytes = hand_made(std::slice::from_ref(&act), std::slice::from_ref(&plan_row));
    let (plans, acts) = read_xlsx("ny.xlsx", &bytes, &Limits::default(), |k| {
        RecordId::new(k, 42)
    })
    .unwrap();
    assert_eq!(plans.len(), 1);
    assert_eq!(plans[0].id, RecordId::new('P', 42));
    assert_eq!(
        plans[0].start,
        d("2025-01-01"),
        "an Excel date reads as the day"
    );
    assert_eq!(plans[0].parties.len(), 2);
    assert_eq!(acts[0].id, RecordId::new('A', 42));

    let mut bad = act;
    bad[13] = "försenad";
    let mut bad_plan = plan_row;
    bad_plan[10] = "kanske";
    let bytes = hand_made(&[bad], &[bad_plan]);
    let p = read_xlsx("fel.xlsx", &bytes, &Limits::default(), |k| {
        RecordId::new(k, 1)
    })
    .unwrap_err();
    let at: Vec<(Option<&str>, Option<&str>)> = (p.iter())
        .map(|x| (x.sheet.as_deref(), x.cell.as_deref()))
        .collect();
    assert_eq!(
        at,
        [
            (Some("Lokala planer"), Some("K2")),
            (Some("Aktiviteter"), Some("N2"))
        ]
    );
    assert!(p[1].message.contains("försenad räknas fram"), "{p:?}");

    let mut wb = Workbook::new();
    wb.add_worksheet().write_string(0, 0, "Hej").unwrap();
    let other = wb.save_to_buffer().unwrap();
    let p = read_xlsx("annat.xlsx", &other, &Limits::default(), |k| {
        RecordId::new(k, 1)
    })
    .unwrap_err();
    assert!(p[0].message.contains("ingen flik Aktiviteter"), "{p:?}");
}
