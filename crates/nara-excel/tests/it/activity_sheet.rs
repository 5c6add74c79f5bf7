//! The form's sheet Aktiviteter: written with the organisation's plan and activities (hidden
//! ids, dropdowns), read back with the same per-cell problems as the answer sheet; a form
//! without it reads as before.

use std::io::Read;

use nara_core::activity::{
    Activity, ActivityStatus, Category, LocalPlan, PlanStatus, RecordId, Systemledning,
};
use nara_core::round::Date;
use nara_core::{AreaId, OrgCode};
use nara_excel::{
    Filled, FormActivities, FormSpec, ImportContext, SheetRead, Typed, import_form,
    import_form_with_activities, write_filled_form_for,
};

use crate::support::{BACKGROUND, ctx, typed_form};

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn activity(id: &str, title: &str, status: ActivityStatus) -> Activity {
    Activity {
        id: RecordId::parse(id).unwrap(),
        title: title.into(),
        description: "Vad den gör".into(),
        owner: OrgCode::parse("2080").unwrap(),
        partners: vec!["Hälsocentralen".into()],
        areas: vec![AreaId::parse("D1").unwrap(), AreaId::parse("D3").unwrap()],
        statements: vec![],
        indicators: vec![],
        category: Category::Arbetssatt,
        target_group: "Äldre".into(),
        responsible_role: "Enhetschef".into(),
        responsible_name: String::new(),
        planned_start: Some(d("2025-01-01")),
        planned_end: Some(d("2026-06-30")),
        status,
        expected_effect: String::new(),
        result: "Halva vägen".into(),
        plan: None,
    }
}

fn plan() -> LocalPlan {
    LocalPlan {
        id: RecordId::parse("P-PLAN2080").unwrap(),
        name: "Lokal plan Falun".into(),
        parties: vec![OrgCode::parse("2080").unwrap()],
        partners: vec![],
        start: d("2025-01-01"),
        end: Some(d("2027-12-31")),
        status: PlanStatus::Beslutad,
        decided_by: "Nämnden".into(),
        decided_on: Some(d("2024-12-10")),
        link: "https://falun.se/plan.pdf".into(),
        systemledning: Systemledning::UnderUppbyggnad,
        areas: vec![AreaId::parse("D2").unwrap()],
    }
}

fn known() -> FormActivities {
    FormActivities {
        plan: Some(plan()),
        activities: vec![
            activity("A-AAAA2222", "Utskrivningsplanering", ActivityStatus::Pagar),
            activity("A-BBBB3333", "Gemensam journal", ActivityStatus::Planerad),
        ],
        ..Default::default()
    }
}

fn form(ctx: &ImportContext, acts: &FormActivities) -> Vec<u8> {
    let spec = FormSpec {
        instrument: &ctx.instruments[0],
        org: ctx.organisations.find("2080").unwrap(),
        round: &ctx.rounds[0],
        send_to: None,
    };
    let filled = Filled {
        unit: "Hemsjukvården".into(),
        ..Default::default()
    };
    write_filled_form_for(&spec, &filled, acts).unwrap()
}

fn read(bytes: &[u8]) -> SheetRead {
    import_form_with_activities("f.xlsx", bytes, &ctx())
        .unwrap()
        .1
}

fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// The start tag that begins with `start`.
fn element<'a>(xml: &'a str, start: &str) -> &'a str {
    let i = xml.find(start).unwrap_or_else(|| panic!("no {start}"));
    let end = xml[i..].find('>').unwrap();
    &xml[i..i + end]
}

#[test]
fn the_sheet_comes_before_the_scale_with_hidden_ids_and_dropdowns() {
    let bytes = form(&ctx(), &known());
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(&bytes)).unwrap();
    use calamine::Reader;
    assert_eq!(
        wb.sheet_names(),
        [
            "Instruktioner",
            "Självskattning",
            "Resultat",
            "Aktiviteter",
            "Skala"
        ]
    );
    let range = wb.worksheet_range("Aktiviteter").unwrap();
    let at = |r: u32, c: u32| range.get_value((r, c)).map(|v| v.to_string());
    assert_eq!(at(17, 1).as_deref(), Some("Titel"));
    assert_eq!(
        at(18, 0).as_deref(),
        Some("A-AAAA2222"),
        "hidden id, row 19"
    );
    assert_eq!(at(18, 9).as_deref(), Some("pågår"), "last status");
    assert_eq!(at(6, 2).as_deref(), Some("P-PLAN2080"), "the plan's id");
    let xml = part(&bytes, "xl/worksheets/sheet4.xml");
    assert!(
        element(&xml, r#"<col min="1" max="1""#).contains(r#"hidden="1""#),
        "the id column is hidden"
    );
    assert!(
        element(&xml, r#"<row r="7""#).contains(r#"hidden="1""#),
        "the plan's id row is hidden"
    );
    assert!(!element(&xml, r#"<row r="8""#).contains(r#"hidden="1""#));
    assert!(xml.contains("<sheetProtection"));
    assert!(
        xml.contains("\"planerad,pågår,pausad,klar,avbruten\""),
        "status dropdown"
    );
    assert!(
        xml.contains(r#"errorStyle="warning""#) && xml.contains("\"D1,D2,D3"),
        "the delmål list only warns, so several can be typed"
    );
}

#[test]
fn pre_filled_rows_and_the_plan_read_back_as_they_were_written() {
    let acts = known();
    let sheet = read(&form(&ctx(), &acts)).expect("a sheet").unwrap();
    assert_eq!(sheet.rows.len(), 2, "the empty rows are ignored");
    for (row, a) in sheet.rows.iter().zip(&acts.activities) {
        assert_eq!(row.id.as_ref(), Some(&a.id));
        assert_eq!(
            (&row.title, &row.description, &row.areas, row.category),
            (&a.title, &a.description, &a.areas, Some(a.category))
        );
        assert_eq!(
            (row.planned_start, row.planned_end, row.status),
            (a.planned_start, a.planned_end, Some(a.status))
        );
        assert_eq!(
            (&row.target_group, &row.responsible_role, &row.result),
            (&a.target_group, &a.responsible_role, &a.result)
        );
        assert_eq!(row.comment, "");
    }
    let p = sheet.plan.expect("the plan block");
    let want = plan();
    assert_eq!(p.id, Some(want.id));
    assert_eq!(
        (p.name, p.status, p.systemledning),
        (want.name, Some(want.status), Some(want.systemledning))
    );
    assert_eq!(
        (p.start, p.end, p.decided_on),
        (Some(want.start), want.end, want.decided_on)
    );
    assert_eq!(
        (p.decided_by, p.link, p.areas),
        (want.decided_by, want.link, want.areas)
    );
}

#[test]
fn a_new_row_is_read_with_dates_typed_as_serials_or_text() {
    let mut acts = known();
    let t = |s: &str| Typed::Text(s.into());
    for (col, v) in [
        ("Titel", t("Ny aktivitet")),
        ("Delmål", t("d2;D4")),
        ("Kategori", t("Kompetens")),
        ("Planerad start", Typed::Number(46_000.0)),
        ("Planerad slut", t("2026-06-30")),
        ("Status", t(" PÅGÅR ")),
        ("Kommentar för omgången", t("Startade i höstas")),
    ] {
        acts.typed.push((4, col.into(), v));
    }
    acts.typed
        .push((0, "Kommentar för omgången".into(), t("Går bra")));
    let sheet = read(&form(&ctx(), &acts)).unwrap().unwrap();
    assert_eq!(sheet.rows.len(), 3);
    assert_eq!(sheet.rows[0].comment, "Går bra");
    let new = &sheet.rows[2];
    assert_eq!(new.id, None);
    assert_eq!(new.row, 22, "table row 4 is sheet row 23");
    assert_eq!(new.title, "Ny aktivitet");
    assert_eq!(
        new.areas,
        [AreaId::parse("D2").unwrap(), AreaId::parse("D4").unwrap()]
    );
    assert_eq!(
        (new.category, new.status),
        (Some(Category::Kompetens), Some(ActivityStatus::Pagar))
    );
    assert_eq!(
        (new.planned_start, new.planned_end),
        (Some(d("2025-12-09")), Some(d("2026-06-30")))
    );
    assert_eq!(new.comment, "Startade i höstas");
    assert_eq!(sheet.cell(new.row, "status").as_deref(), Some("J23"));
}

#[test]
fn bad_cells_are_problems_naming_sheet_and_cell_and_the_response_still_reads() {
    let mut acts = known();
    let t = |s: &str| Typed::Text(s.into());
    acts.typed.push((1, "Status".into(), t("försenad")));
    acts.typed.push((0, "Titel".into(), t(" ")));
    acts.typed.push((1, "Planerad slut".into(), t("30/6")));
    acts.typed.push((3, "Kategori".into(), t("annat")));
    acts.typed.push((5, "Titel".into(), t("Utan delmål")));
    acts.typed.push((7, "Titel".into(), t("Fel delmål")));
    acts.typed.push((7, "Delmål".into(), t("D1, D9")));
    acts.typed_plan.push(("Planstatus".into(), t("klubbad")));
    let bytes = form(&ctx(), &acts);
    let (response, sheet) = import_form_with_activities("f.xlsx", &bytes, &ctx()).unwrap();
    assert_eq!(response.unit.as_str(), "Hemsjukvården");
    let problems = sheet.unwrap().unwrap_err();
    let at: Vec<(&str, &str)> = problems
        .iter()
        .map(|p| (p.sheet.as_deref().unwrap(), p.cell.as_deref().unwrap()))
        .collect();
    assert!(at.iter().all(|(s, _)| *s == "Aktiviteter"), "{problems:?}");
    let msg = |cell: &str| {
        (problems.iter())
            .find(|p| p.cell.as_deref() == Some(cell))
            .map(|p| p.message.clone())
            .unwrap_or_else(|| panic!("no problem at {cell}: {problems:?}"))
    };
    assert!(
        msg("B19").contains("Titeln saknas; vill ni avsluta aktiviteten, sätt status Avbruten")
    );
    assert!(msg("J20").contains("”försenad” är ingen status"));
    assert!(msg("J20").contains("Försenad räknas fram"));
    assert!(
        msg("B22").contains("ingen titel"),
        "a row with only a category"
    );
    assert!(msg("D24").contains("Ange minst ett delmål"));
    assert!(msg("D26").contains("Delmålet D9 finns inte"));
    assert!(msg("I20").contains("inget datum"));
    assert!(msg("C9").contains("”klubbad” är ingen planstatus"));
    assert_eq!(problems.len(), 7, "{problems:?}");
}

#[test]
fn a_form_without_the_sheet_reads_as_before() {
    let c = ctx();
    let inst = &c.instruments[0];
    let table: Vec<Vec<&str>> = inst
        .statements()
        .take(3)
        .map(|(_, s)| vec!["3", "", s.id.as_str()])
        .collect();
    let bytes = typed_form(12, &["svar", "Kommentar ", "Id"], &table, &BACKGROUND);
    let (r, sheet) = import_form_with_activities("old.xlsx", &bytes, &c).unwrap();
    assert!(sheet.is_none());
    assert_eq!(r, import_form("old.xlsx", &bytes, &c).unwrap());
    assert_eq!(r.set.answers.len(), 3);
}
