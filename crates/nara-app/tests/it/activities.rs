//! Activity files through the use cases: the long-format workbook read back unchanged, a new
//! plan row in it (or in a plan CSV) makes a new plan, a bad cell stores nothing, and the result
//! workbooks carry the sheets Aktiviteter and Lokala planer.

use std::io::Cursor;
use std::sync::Arc;

use calamine::{Data, Reader, Xlsx};
use nara_app::demo::Options;
use nara_core::{OrgCode, RoundId};
use nara_excel::activities::{HEADERS, PLAN_HEADERS};
use nara_store::Store;
use nara_store::contract;

fn cells(bytes: &[u8], name: &str) -> Vec<Vec<String>> {
    let mut b: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let r = b.worksheet_range(name).unwrap();
    (r.rows())
        .map(|row| {
            row.iter()
                .map(|d| match d {
                    Data::String(s) => s.clone(),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// A workbook with the two sheets: the headers, then the given rows.
fn workbook(activity_rows: &[Vec<String>], plan_rows: &[Vec<String>]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (name, headers, rows) in [
        ("Aktiviteter", &HEADERS[..], activity_rows),
        ("Lokala planer", &PLAN_HEADERS[..], plan_rows),
    ] {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        for (c, h) in headers.iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32 + 1, c as u16, v).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

contract!(
    an_exported_workbook_reads_back_unchanged_and_a_row_without_id_is_new,
    |store: Arc<dyn Store>| async move {
        nara_app::seed_defaults(store.as_ref()).await.unwrap();
        let app = nara_app::App::new(store.clone());
        app.demo(&Options::default()).await.unwrap();
        let before = app.activities(None).await.unwrap();

        // Everything out and back in: nothing changes.
        let bytes = app.export_activities_xlsx(None).await.unwrap();
        let r = app
            .import_activities_xlsx("aktiviteter.xlsx", &bytes, "test")
            .await
            .unwrap();
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        let c = r.changes.unwrap();
        assert_eq!((c.added, c.changed), (0, 0));
        assert_eq!(c.unchanged, before.plans.len() + before.activities.len());
        let after = app.activities(None).await.unwrap();
        assert_eq!(after.activities, before.activities);
        assert_eq!(after.plans, before.plans);

        // One organisation's file: its activities and the plans it is a party to.
        let falun = OrgCode::parse("2080").unwrap();
        let own = app.export_activities_xlsx(Some(&falun)).await.unwrap();
        let rows = cells(&own, "Aktiviteter");
        assert_eq!(rows[0], HEADERS);
        assert!(rows.len() > 1 && rows[1..].iter().all(|r| r[1] == "2080"));
        let plans = cells(&own, "Lokala planer");
        assert_eq!(plans.len(), 2, "Falun's one plan: {plans:?}");

        // A plan row without an id, and an activity of the new plan in the same file.
        let mut plan = vec![String::new(); PLAN_HEADERS.len()];
        for (i, v) in [
            (1, "Ny plan Falun 2027"),
            (2, "2080, 20"),
            (4, "2027-01-01"),
            (6, "utkast"),
            (10, "saknas"),
            (11, "D2"),
        ] {
            plan[i] = v.to_string();
        }
        let mut changed = rows[1].clone();
        changed[16] = "Halvvägs".to_string();
        let file = workbook(&[changed], &[plan]);
        let r = app
            .import_activities_xlsx("ny.xlsx", &file, "test")
            .await
            .unwrap();
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        let c = r.changes.unwrap();
        assert_eq!((c.added, c.changed), (1, 1));
        let now = app.activities(Some(&falun)).await.unwrap();
        let new = (now.plans.iter())
            .find(|p| p.name == "Ny plan Falun 2027")
            .expect("the new plan is stored");
        assert!(new.id.as_str().starts_with("P-"));
        assert_eq!(now.plans.len(), 2);

        // A bad cell: nothing stored, the sheet and cell named.
        let mut bad = rows[1].clone();
        bad[13] = "försenad".to_string();
        let r = app
            .import_activities_xlsx("fel.xlsx", &workbook(&[bad], &[]), "test")
            .await
            .unwrap();
        assert!(r.changes.is_none());
        assert!(
            r.problems[0].starts_with("Aktiviteter N2: "),
            "{:?}",
            r.problems
        );

        // Plans as CSV: read back unchanged, told apart from activities by the headers.
        let csv = app.export_plans_csv(Some(&falun)).await.unwrap();
        let r = app.import_activities_csv(&csv, "test").await.unwrap();
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert_eq!(r.changes.unwrap().unchanged, 2);
        let csv =
            "Namn;Parter;Start;Status;Systemledning\nPlan ur CSV;2080;2027-01-01;utkast;finns\n";
        let r = app
            .import_activities_csv(csv.as_bytes(), "test")
            .await
            .unwrap();
        assert_eq!(r.changes.unwrap().added, 1);
        assert_eq!(app.activities(Some(&falun)).await.unwrap().plans.len(), 3);
    }
);

contract!(
    the_result_workbooks_list_activities_and_plans,
    |store: Arc<dyn Store>| async move {
        let s = store.as_ref();
        nara_app::seed_defaults(s).await.unwrap();
        let app = nara_app::App::new(store.clone());
        app.demo(&Options::default()).await.unwrap();
        let all = app.activities(None).await.unwrap();
        let round = RoundId::parse("2026").unwrap();
        let (_, bytes) = crate::support::summary(s, round, nara_app::report::Earlier::All, false)
            .await
            .unwrap();
        let rows = cells(&bytes, "Aktiviteter");
        for a in &all.activities {
            assert!(
                rows.iter().any(|r| r.get(1) == Some(&a.title)),
                "{} is listed",
                a.title
            );
        }
        let plans = cells(&bytes, "Lokala planer");
        for p in &all.plans {
            assert!(
                plans.iter().any(|r| r.first() == Some(&p.name)),
                "{}",
                p.name
            );
        }
        // Falun's report: its own activities only, its plan.
        let falun = OrgCode::parse("2080").unwrap();
        let audience = nara_app::report::Audience {
            county: true,
            earlier: nara_app::report::Earlier::All,
        };
        // Every organisation answered the first round.
        let first = RoundId::parse("2024").unwrap();
        let (_, bytes) = nara_app::exports::org(s, first, &falun, audience, false)
            .await
            .unwrap();
        let rows = cells(&bytes, "Aktiviteter");
        let own = app.activities(Some(&falun)).await.unwrap();
        let listed = rows
            .iter()
            .filter(|r| r.first().is_some_and(|c| c == "Falun"))
            .count();
        assert_eq!(listed, own.activities.len());
        let others = all.activities.iter().find(|a| a.owner != falun).unwrap();
        assert!(!rows.iter().any(|r| r.get(1) == Some(&others.title)));
        let plans = cells(&bytes, "Lokala planer");
        assert!(plans.iter().any(|r| r.first() == Some(&own.plans[0].name)));
    }
);
